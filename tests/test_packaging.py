"""The package metadata says only what CI checks, and renders on an index.

``make dist`` builds and checks the distributions (``check-wheel-contents``,
``twine check --strict``) and ``make test-pythons`` installs the wheel on
other Python versions; these tests keep the metadata in step with that.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

import kolba

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
#: The Python of ``.venv`` in CI: the machine's ``python3``.
MAIN_PYTHON = "3.11"

pytestmark = pytest.mark.kolba_only


def _project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())  # type: ignore[no-any-return]


def _makefile_pythons() -> list[str]:
    found = re.search(r"^PYTHONS \?= (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert found, "the Makefile sets PYTHONS"
    return found[1].split()


def test_the_version_has_one_source() -> None:
    config = _project()
    project = config["project"]
    assert "version" not in project and "version" in project["dynamic"]  # type: ignore[operator]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "kolba.__version__"}  # type: ignore[index]
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.dev\d+)?", kolba.__version__)


def test_an_installed_wheel_reports_that_version() -> None:
    if Path(kolba.__file__).resolve().is_relative_to(ROOT / "src"):
        pytest.skip("kolba is imported from the checkout; its metadata may predate a version bump")
    assert importlib.metadata.version("kolba") == kolba.__version__


def test_declared_python_versions_are_the_tested_ones() -> None:
    project = _project()["project"]
    declared = sorted(
        (c.rsplit(" :: ", 1)[1] for c in project["classifiers"]  # type: ignore[attr-defined]
         if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)),
        key=lambda v: tuple(map(int, v.split("."))),
    )
    tested = sorted({MAIN_PYTHON, *_makefile_pythons()}, key=lambda v: tuple(map(int, v.split("."))))
    assert declared == tested
    assert project["requires-python"] == f">={tested[0]}"  # type: ignore[index]


def test_project_urls_and_keywords() -> None:
    project = _project()["project"]
    assert {"Documentation", "Changelog", "Source", "Issues"} <= set(project["urls"])  # type: ignore[arg-type]
    assert all(url.startswith("https://") for url in project["urls"].values())  # type: ignore[attr-defined]
    assert "flask" in project["keywords"] and "wsgi" in project["keywords"]  # type: ignore[operator]


def test_the_readme_links_work_on_an_index() -> None:
    """The README is the long description: a relative link would break on an index."""
    text = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert links, "the README links to the docs"
    relative = [link for link in links if not link.startswith(("https://", "http://"))]
    assert not relative, relative
