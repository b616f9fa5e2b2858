"""Flask code on Kolba's command line: ``python -m kolba.compat``, ``kolba --flask-compat``.

A Flask project keeps its deployment habits: ``FLASK_APP``, ``FLASK_DEBUG``,
``FLASK_RUN_*``, ``FLASK_SKIP_DOTENV``, ``.flaskenv`` and its extensions'
``flask.commands`` plugins, with Kolba's own names winning when both are
set.  Most tests start real processes in a temporary project folder, the
way a user or a deployment script runs the command.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import types
import typing as t
from pathlib import Path

import pytest

import kolba
from kolba.cli import KolbaGroup, ScriptInfo
from tests.test_cli import _child_env, _free_port, _get_page, _isolate, _server, _write, invoke

pytestmark = pytest.mark.kolba_only

__all__ = ["_isolate"]  # the autouse fixture of test_cli: env vars, sys.path, app modules restored

ROOT = Path(__file__).resolve().parent.parent

#: A Flask app written against Flask's API, with commands that report what they see.
FLASK_STYLE_APP = '''
import os
import click
from flask import Flask, current_app

app = Flask({name!r}, static_folder=None)


@app.route("/")
def index():
    return "{name} served by " + type(current_app._get_current_object()).__module__


@app.route("/b")
def b():
    return ""


@app.route("/a")
def a():
    return ""


@app.cli.command("info")
def info():
    real = type(current_app._get_current_object())
    click.echo(f"{{current_app.name}} {{real.__module__}}.{{real.__name__}} debug={{current_app.debug}}")


@app.cli.command("env")
@click.argument("names", nargs=-1)
def env(names):
    for name in names:
        click.echo(f"{{name}}={{os.environ.get(name)}}")
'''


def _flask_project(folder: Path, *names: str) -> Path:
    for name in names:
        _write(folder / f"{name}.py", FLASK_STYLE_APP.format(name=name))
    return folder


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=_child_env(**env), capture_output=True,
        text=True, timeout=60,
    )


def _python_path(*folders: Path) -> str:
    """``PYTHONPATH`` with ``folders`` first, keeping the one the tests run with."""
    return os.pathsep.join([*map(str, folders), *filter(None, [os.environ.get("PYTHONPATH")])])


def _compat(*args: str) -> list[str]:
    return ["-m", "kolba.compat", *args]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _flask_project(tmp_path, "flaskapp", "otherapp")


# -- which app ----------------------------------------------------------------------------------


def test_compat_module_reads_flask_app(project: Path) -> None:
    _write(project / "app.py", "raise SystemExit('./app.py must not be imported')\n")
    result = _run(_compat("info"), project, FLASK_APP="flaskapp")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "flaskapp kolba.app.Kolba debug=False\n"


def test_compat_module_reads_flaskenv(project: Path) -> None:
    _write(project / ".flaskenv", "FLASK_APP=flaskapp\nFLASK_DEBUG=1\n")
    result = _run(_compat("info"), project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "flaskapp kolba.app.Kolba debug=True\n"


def test_kolba_names_win_over_flask_names(project: Path) -> None:
    result = _run(_compat("info"), project, FLASK_APP="flaskapp", KOLBA_APP="otherapp",
                  FLASK_DEBUG="1", KOLBA_DEBUG="0")
    assert result.stdout == "otherapp kolba.app.Kolba debug=False\n", result.stderr


def test_kolbaenv_wins_over_flaskenv(project: Path) -> None:
    _write(project / ".flaskenv", "FLASK_APP=flaskapp\nSHARED=from_flaskenv\nFLASK_ONLY=yes\n")
    _write(project / ".kolbaenv", "KOLBA_APP=otherapp\nSHARED=from_kolbaenv\n")
    result = _run(_compat("env", "SHARED", "FLASK_ONLY"), project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "SHARED=from_kolbaenv\nFLASK_ONLY=yes\n"
    assert _run(_compat("info"), project).stdout.startswith("otherapp ")


def test_flask_skip_dotenv(project: Path) -> None:
    _write(project / ".flaskenv", "FLASK_APP=flaskapp\n")
    result = _run(_compat("info"), project, FLASK_SKIP_DOTENV="1")
    assert result.returncode == 2
    assert "'KOLBA_APP' or 'FLASK_APP' environment variable" in result.stderr


def test_flask_names_do_not_count_for_plain_kolba(project: Path) -> None:
    _write(project / ".flaskenv", "FLASK_APP=flaskapp\n")
    result = _run(["-m", "kolba", "info"], project, FLASK_APP="flaskapp")
    assert result.returncode == 2
    assert "Could not locate a Kolba application" in result.stderr


def test_flask_compat_switch(project: Path) -> None:
    _write(project / "custom.env", "UNRELATED=1\n")
    _write(project / ".flaskenv", "FLASK_APP=flaskapp\n")
    for args in (["--flask-compat", "info"], ["-e", "custom.env", "--flask-compat", "info"]):
        result = _run(["-m", "kolba", *args], project)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "flaskapp kolba.app.Kolba debug=False\n"


def test_flask_command_under_the_alias_reads_flask_app(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """``python -m flask`` (or the ``flask`` script) in a process where the alias is installed."""
    site = tmp_path_factory.mktemp("site")
    _write(site / "sitecustomize.py", "import kolba.compat\nkolba.compat.install()\n")
    _write(project / "app.py", "raise SystemExit('./app.py must not be imported')\n")
    env = {"PYTHONPATH": _python_path(site), "FLASK_APP": "flaskapp"}
    result = _run(["-m", "flask", "info"], project, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "flaskapp kolba.app.Kolba debug=False\n"


# -- options from the environment ---------------------------------------------------------------


def test_click_derived_flask_variables_reach_command_options(project: Path) -> None:
    result = _run(_compat("routes"), project, FLASK_APP="flaskapp", FLASK_ROUTES_SORT="rule")
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[2:]] == ["index", "a", "b"]
    result = _run(_compat("routes"), project, FLASK_APP="flaskapp", FLASK_ROUTES_SORT="rule",
                  KOLBA_ROUTES_SORT="match")
    assert [line.split()[0] for line in result.stdout.splitlines()[2:]] == ["index", "b", "a"]


@pytest.mark.parametrize("kolba_port_too", [False, True])
def test_flask_run_port_and_host(project: Path, kolba_port_too: bool) -> None:
    port = _free_port()
    env = {"FLASK_APP": "flaskapp", "FLASK_RUN_HOST": "127.0.0.1", "FLASK_RUN_PORT": str(port)}
    if kolba_port_too:
        env["FLASK_RUN_PORT"], env["KOLBA_RUN_PORT"] = "1", str(port)
    with _server([sys.executable, *_compat("run")], project, **env) as (proc, output):
        page = _get_page(f"http://127.0.0.1:{port}/", proc)
    assert page == "flaskapp served by kolba.app"
    assert " * Serving Kolba app 'flaskapp'" in output[0]


def test_compat_run_with_the_reloader(project: Path) -> None:
    """The reloader starts its child as ``python -m kolba.compat`` again, Flask's names included."""
    port = _free_port()
    env = {"FLASK_APP": "flaskapp", "FLASK_DEBUG": "1", "FLASK_RUN_PORT": str(port)}
    with _server([sys.executable, *_compat("run")], project, **env) as (proc, output):
        page = _get_page(f"http://127.0.0.1:{port}/", proc)
    assert page == "flaskapp served by kolba.app"
    assert " * Restarting with" in output[0]
    assert " * Debugger is active!" in output[0]


SELF_INSTALLING_APP = '''
import kolba.compat

kolba.compat.install()

from flask import Flask  # noqa: E402

app = Flask(__name__, static_folder=None)
app.add_url_rule("/", "index", lambda: "self-installed, debug=%s" % app.debug)
'''


def test_kolba_command_on_an_app_that_installs_the_alias(tmp_path: Path) -> None:
    """``kolba run`` reads FLASK_DEBUG and FLASK_RUN_* once the app module turned the alias on."""
    _write(tmp_path / "app.py", SELF_INSTALLING_APP)
    port = _free_port()
    env = {"FLASK_RUN_PORT": str(port), "FLASK_DEBUG": "1", "FLASK_RUN_RELOAD": "0"}
    with _server([sys.executable, "-m", "kolba", "run"], tmp_path, **env) as (proc, output):
        page = _get_page(f"http://127.0.0.1:{port}/", proc)
    assert page == "self-installed, debug=True"
    assert " * Debug mode: on" in output[0]
    assert "Restarting with" not in output[0]


# -- extension commands -------------------------------------------------------------------------

PLUGIN = '''
import click
from flask import current_app
from flask.cli import AppGroup

db = AppGroup("db", help="Database migrations.")


@db.command("upgrade")
@click.option("--directory", "-d", default="migrations")
def upgrade(directory):
    click.echo(f"upgraded {current_app.name} from {directory}")
'''


def _install_flask_plugin(site: Path) -> None:
    """A distribution registering a ``flask db`` command group, as Flask-Migrate does."""
    info = site / "cliapp_migrate_like-1.0.dist-info"
    _write(info / "METADATA", "Metadata-Version: 2.1\nName: cliapp-migrate-like\nVersion: 1.0\n")
    _write(info / "entry_points.txt", "[flask.commands]\ndb = cliapp_migrate_like:db\n")
    _write(site / "cliapp_migrate_like.py", PLUGIN)


def test_flask_extension_commands_run_through_compat(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    site = tmp_path_factory.mktemp("plugins")
    _install_flask_plugin(site)
    env = {"PYTHONPATH": _python_path(site), "FLASK_APP": "flaskapp"}
    result = _run(_compat("db", "upgrade"), project, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "upgraded flaskapp from migrations\n"
    result = _run(_compat("db", "upgrade"), project, FLASK_DB_UPGRADE_DIRECTORY="alembic", **env)
    assert result.stdout == "upgraded flaskapp from alembic\n", result.stderr
    plain = _run(["-m", "kolba", "--help"], project, **env)
    assert "  db " not in plain.stdout


# -- a real Flask app given to the kolba command ------------------------------------------------

REAL_FLASK_APP = "import flask\n\napp = flask.Flask(__name__)\n"
REAL_FLASK_FACTORY = "import flask\n\ndef create_app():\n    return flask.Flask(__name__)\n"


@pytest.fixture
def real_flask() -> t.Iterator[None]:
    """Real Flask importable in this process (the alias off), as a user's plain install has it."""
    from kolba import compat

    was_installed = compat.installed()
    compat.uninstall()
    yield
    for name in [n for n in sys.modules if n == "flask" or n.startswith("flask.")]:
        del sys.modules[name]
    if was_installed:  # pragma: no cover - no test leaves it on
        compat.install()


@pytest.mark.parametrize(
    ("source", "args"),
    [
        (REAL_FLASK_APP, ["--app", "cliapp_realflask", "routes"]),
        (REAL_FLASK_APP, ["--app", "cliapp_realflask:app", "routes"]),
        (REAL_FLASK_FACTORY, ["--app", "cliapp_realflask", "routes"]),
        (REAL_FLASK_APP, ["--app", "cliapp_realflask", "run"]),
    ],
)
def test_real_flask_app_explains_compat(real_flask: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        source: str, args: list[str]) -> None:
    _write(tmp_path / "cliapp_realflask.py", source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Failed to find Kolba application" not in result.output
    assert "holds a Flask application (flask.Flask)" in result.output
    assert "python -m kolba.compat --app cliapp_realflask" in result.output
    assert "kolba --flask-compat" in result.output


def test_real_flask_app_in_default_file_explains_compat(tmp_path: Path) -> None:
    _write(tmp_path / "app.py", REAL_FLASK_APP)
    result = _run(["-m", "kolba", "run"], tmp_path)
    assert result.returncode == 2
    assert "Module 'app' holds a Flask application (flask.Flask)" in result.stderr
    assert "python -m kolba.compat --app app COMMAND" in result.stderr
    fixed = _run(_compat("--app", "app", "routes"), tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert "static" in fixed.stdout


# -- in-process: the debug flag and the alias ---------------------------------------------------


@pytest.fixture
def alias() -> t.Iterator[None]:
    from kolba import compat

    compat.install()
    yield
    compat.uninstall()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith(("KOLBA_", "FLASK_")):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.mark.parametrize(
    ("env", "debug"),
    [({"FLASK_DEBUG": "1"}, True), ({"FLASK_DEBUG": "1", "KOLBA_DEBUG": "0"}, False),
     ({"KOLBA_DEBUG": "yes"}, True), ({}, False)],
)
def test_app_debug_reads_flask_debug_under_the_alias(alias: None, clean_env: pytest.MonkeyPatch,
                                                     env: dict[str, str], debug: bool) -> None:
    for name, value in env.items():
        clean_env.setenv(name, value)
    assert kolba.Kolba("debug_names").debug is debug


def test_flask_debug_alone_does_nothing_without_the_alias(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FLASK_DEBUG", "1")
    assert kolba.Kolba("debug_names").debug is False


def test_flask_skip_dotenv_under_the_alias(alias: None, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FLASK_SKIP_DOTENV", "1")
    assert ScriptInfo().load_dotenv_defaults is False
    clean_env.setenv("KOLBA_SKIP_DOTENV", "0")
    assert ScriptInfo().load_dotenv_defaults is True


def test_debug_option_publishes_both_names_under_the_alias(alias: None, clean_env: pytest.MonkeyPatch) -> None:
    group = KolbaGroup(create_app=lambda: kolba.Kolba("published"))
    result = invoke("--debug", "routes", group=group)
    assert result.exit_code == 0, result.output
    assert (os.environ["KOLBA_DEBUG"], os.environ["FLASK_DEBUG"]) == ("1", "1")


# -- ad-hoc certificates without cryptography ---------------------------------------------------


@pytest.mark.parametrize("blocker", [None, "stand-in module"])
def test_adhoc_cert_when_cryptography_is_blocked(monkeypatch: pytest.MonkeyPatch, blocker: str | None) -> None:
    """``None`` in ``sys.modules``, or a module without a spec, makes cryptography unusable."""
    for name in [n for n in sys.modules if n == "cryptography" or n.startswith("cryptography.")]:
        monkeypatch.delitem(sys.modules, name)
    stand_in = None if blocker is None else types.ModuleType("cryptography")
    monkeypatch.setitem(sys.modules, "cryptography", stand_in)
    importlib.invalidate_caches()
    group = KolbaGroup(create_app=lambda: kolba.Kolba("tls"))
    result = invoke("run", "--cert", "adhoc", group=group)
    assert result.exit_code == 2, result.output
    assert "Using ad-hoc certificates requires the cryptography library." in result.output
    assert "__spec__" not in str(result.exception)


# -- the showcase ---------------------------------------------------------------------------------


def test_showcase_commands_print_no_log_line_first(tmp_path: Path) -> None:
    showcase = ROOT / "examples" / "showcase"
    # Development, whose log level is DEBUG: the config that used to print the line.
    result = _run(["-m", "kolba", "--app", "showcase", "routes"], showcase,
                  SHOWCASE_INSTANCE_PATH=str(tmp_path), SHOWCASE_CONFIG="development")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Endpoint ")
    assert "DEBUG" not in result.stderr


# -- decorators -----------------------------------------------------------------------------------


def test_app_cli_command_without_parentheses(app: kolba.Kolba) -> None:
    import click

    @app.cli.command
    def plain() -> None:
        click.echo(f"plain in {kolba.current_app.name}")

    assert app.test_cli_runner().invoke(args=["plain"]).output == "plain in kolba_test\n"
