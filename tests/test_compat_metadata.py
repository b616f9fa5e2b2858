"""Flask's package metadata and ``flask.__version__`` under ``kolba.compat.install()``.

The case that matters is a deployment with only Kolba installed: there the
checks run in a subprocess whose ``sys.path`` is this environment's
site-packages with Flask's package and its ``dist-info`` left out (``-S``
keeps the real site-packages off the path).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.kolba_only

SRC = Path(__file__).resolve().parents[1] / "src"

#: An extension that, like several on PyPI, reads Flask's version when imported.
VERSION_READING_EXTENSION = """\
import importlib.metadata

FLASK_MAJOR = int(importlib.metadata.version("flask").split(".")[0])
"""

#: Extensions the suite runs through the alias; each must import without a real Flask.
EXTENSION_MODULES = (
    "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_cors", "flask_restful",
    "flask_caching", "flask_session", "flask_migrate", "flask_limiter",
    "flask_jwt_extended", "flask_httpauth", "flask_socketio",
)

DEPRECATION = (
    "The '__version__' attribute is deprecated and will be removed in Flask 3.2."
    " Use feature detection or 'importlib.metadata.version(\"flask\")' instead."
)

PROBE = """
import importlib, importlib.metadata as md, json, sys, warnings
out = {}
def attempt(name, func):
    try:
        out[name] = func()
    except Exception as exc:
        out[name] = f"{type(exc).__name__}: {exc}"
attempt("import_flask_before", lambda: importlib.import_module("flask").__name__)
attempt("version_before", lambda: md.version("flask"))
import kolba.compat
kolba.compat.install()
attempt("version", lambda: md.version("flask"))
attempt("version_caps", lambda: md.version("Flask"))
attempt("name", lambda: md.metadata("flask")["Name"])
attempt("dist_version", lambda: md.distribution("flask").version)
attempt("files", lambda: md.distribution("flask").files)
attempt("entry_points", lambda: list(md.distribution("flask").entry_points))
attempt("listed", lambda: sorted(d.metadata["Name"] for d in md.distributions() if d.metadata["Name"] in ("Flask", "flask")))
attempt("other_missing", lambda: md.version("not-a-distribution-kolba"))
attempt("extension", lambda: importlib.import_module("reads_flask_version").FLASK_MAJOR)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import flask
    out["dunder"] = flask.__version__
    out["dunder_from_import"] = importlib.import_module("flask").__version__
out["warnings"] = [[w.category.__name__, str(w.message), w.filename] for w in caught]
out["dir_has_dunder"] = "__version__" in dir(flask)
import kolba.cli, click.testing
out["kolba_cli_version"] = click.testing.CliRunner().invoke(kolba.cli.cli, ["--version"]).output.splitlines()[1]
attempt("extensions", lambda: [importlib.import_module(m).__name__ for m in EXTENSIONS])
kolba.compat.uninstall()
attempt("version_after", lambda: md.version("flask"))
out["kolba_dunder_after"] = kolba.__version__
print(json.dumps(out, default=repr))
"""


def _site_without_flask(tmp_path: Path) -> Path:
    """This environment's site-packages, as symlinks, minus Flask itself."""
    site = Path(sysconfig.get_paths()["purelib"])
    hidden = tmp_path / "site"
    hidden.mkdir()
    for entry in site.iterdir():
        name = entry.name.lower()
        if name == "flask" or (name.startswith("flask-") and name.endswith(".dist-info")):
            continue
        (hidden / entry.name).symlink_to(entry)
    return hidden


def _probe(tmp_path: Path, *, hide_flask: bool) -> dict[str, Any]:
    """Run :data:`PROBE` in a fresh interpreter and return what it saw."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "reads_flask_version.py").write_text(VERSION_READING_EXTENSION)
    path = [str(SRC), str(extra)]
    command = [sys.executable]
    if hide_flask:
        path.append(str(_site_without_flask(tmp_path)))
        command.append("-S")
    code = f"EXTENSIONS = {EXTENSION_MODULES!r}\n" + PROBE
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [*command, "-c", code], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def only_kolba(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _probe(tmp_path_factory.mktemp("only_kolba"), hide_flask=True)


@pytest.fixture(scope="module")
def with_flask(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _probe(tmp_path_factory.mktemp("with_flask"), hide_flask=False)


def test_the_subprocess_really_has_no_flask(only_kolba: dict[str, Any]) -> None:
    assert only_kolba["import_flask_before"] == "ModuleNotFoundError: No module named 'flask'"
    assert only_kolba["version_before"] == "PackageNotFoundError: No package metadata was found for flask"


def test_flask_metadata_answers_the_implemented_version(only_kolba: dict[str, Any]) -> None:
    assert only_kolba["version"] == "3.1.3"
    assert only_kolba["version_caps"] == "3.1.3"
    assert only_kolba["name"] == "Flask"
    assert only_kolba["dist_version"] == "3.1.3"


def test_stand_in_distribution_claims_no_files_or_scripts(only_kolba: dict[str, Any]) -> None:
    """No RECORD and no ``flask`` console script: nothing of Flask is installed."""
    assert only_kolba["files"] is None
    assert only_kolba["entry_points"] == []


def test_stand_in_is_listed_once_and_only_for_flask(only_kolba: dict[str, Any]) -> None:
    assert only_kolba["listed"] == ["Flask"]
    assert only_kolba["other_missing"].startswith("PackageNotFoundError")


def test_extension_reading_flask_version_at_import_loads(only_kolba: dict[str, Any]) -> None:
    assert only_kolba["extension"] == 3


def test_every_tested_extension_imports_without_flask(only_kolba: dict[str, Any]) -> None:
    assert only_kolba["extensions"] == list(EXTENSION_MODULES)


def test_uninstall_takes_the_metadata_away(only_kolba: dict[str, Any]) -> None:
    assert only_kolba["version_after"].startswith("PackageNotFoundError")
    assert only_kolba["kolba_dunder_after"] == "0.1.0"


@pytest.mark.parametrize("case", ["only_kolba", "with_flask"])
def test_dunder_version_warns_as_in_flask_3_1(case: str, request: pytest.FixtureRequest) -> None:
    seen = request.getfixturevalue(case)
    assert seen["dunder"] == "3.1.3"
    assert seen["dunder_from_import"] == "3.1.3"
    assert seen["warnings"] == [["DeprecationWarning", DEPRECATION, "<string>"]] * 2
    assert seen["dir_has_dunder"] is False


def test_kolba_cli_still_reports_kolba_version(only_kolba: dict[str, Any]) -> None:
    assert only_kolba["kolba_cli_version"] == "Kolba 0.1.0"


def test_installed_flask_keeps_its_own_metadata(with_flask: dict[str, Any]) -> None:
    """With the real distribution present, the stand-in never answers."""
    from importlib.metadata import distribution

    real = distribution("flask")
    assert with_flask["version"] == real.version
    assert with_flask["files"] is not None and len(with_flask["files"]) == len(real.files or [])
    assert with_flask["entry_points"] != []
    assert with_flask["listed"] == ["Flask"]


def test_stand_in_distribution_text() -> None:
    """The metadata a tool reads, and the path files would be found at."""
    from kolba.compat._metadata import KolbaFlaskDistribution

    dist = KolbaFlaskDistribution()
    assert dist.metadata["Metadata-Version"] == "2.1"
    assert dist.metadata["Requires-Python"] == ">=3.10"
    assert dist.read_text("RECORD") is None
    assert dist.requires is None
    assert dist.locate_file("kolba/__init__.py").is_file()
    assert repr(dist) == "<KolbaFlaskDistribution Flask 3.1.3>"
