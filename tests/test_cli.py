"""The ``kolba`` command line: app discovery, options, run, shell, routes, dotenv.

The apps under ``tests/cli_apps/`` are real modules that the CLI imports the
way it would import a user's project.  Some tests call the CLI in-process
(Click's runner, ``app.test_cli_runner()``), others start ``python -m kolba``
as a real process.  Against Flask (``KOLBA_TESTS_AGAINST=flask``) the same
tests run ``python -m flask`` with Flask's spellings (``FLASK_APP``,
``.flaskenv``), which proves they encode Flask's behaviour.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import importlib.util
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import typing as t
import urllib.request
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import kolba
from kolba.cli import (
    AppGroup,
    KolbaGroup,
    NoAppException,
    ScriptInfo,
    SeparatedPathType,
    load_dotenv,
    routes_command,
    with_appcontext,
)
from tests.conftest import AGAINST_FLASK

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
APPS = HERE / "cli_apps"

#: How the framework under test spells itself.
BRAND = "Flask" if AGAINST_FLASK else "Kolba"
ENV = BRAND.upper()
COMMAND = BRAND.lower()
DEFAULT_ENV_FILE = f".{COMMAND}env"

def _is_test_app_module(name: str) -> bool:
    top = name.split(".")[0]
    return top.startswith("cliapp") or top in ("app", "wsgi")


# -- isolation ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[None]:
    """Undo what loading apps does: env vars, ``sys.path``, imported app modules."""
    saved_env = dict(os.environ)
    saved_path = list(sys.path)
    saved_modules = set(sys.modules)
    for name in list(os.environ):
        if name.startswith((f"{ENV}_", "CLIAPP_")) or name == "PYTHONSTARTUP":
            monkeypatch.delenv(name)
    importlib.invalidate_caches()
    yield
    os.environ.clear()
    os.environ.update(saved_env)
    sys.path[:] = saved_path
    for name in set(sys.modules) - saved_modules:
        if _is_test_app_module(name):
            del sys.modules[name]


@pytest.fixture
def in_apps(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work from ``tests/cli_apps``, as a user would from their project folder."""
    monkeypatch.chdir(APPS)
    monkeypatch.syspath_prepend(str(APPS))
    return APPS


def invoke(*args: str, group: click.Group | None = None, **kwargs: t.Any) -> t.Any:
    """Run the top-level command in-process."""
    return CliRunner().invoke(group or KolbaGroup(), list(args), **kwargs)


# -- child processes ---------------------------------------------------------------------------


def _child_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KOLBA_", "FLASK_", "WERKZEUG_", "CLIAPP_"))
        and key != "PYTHONSTARTUP"
    }
    env["PYTHONUNBUFFERED"] = "1"
    if AGAINST_FLASK:
        site_dir = str(APPS / "_flask_site")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [site_dir, env.get("PYTHONPATH")]))
        env["KOLBA_TESTS_AGAINST"] = "flask"
        env["KOLBA_TESTS_ROOT"] = str(ROOT)
    env.update(extra)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", COMMAND, *args]


def _run(
    cmd: list[str], cwd: Path, input: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, env=_child_env(**env), input=input, capture_output=True,
        text=True, timeout=60,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(proc: subprocess.Popen[str]) -> str:
    """End the server and everything it started (the reloader's child), return its output."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGTERM)
        else:  # pragma: no cover
            proc.terminate()
    except ProcessLookupError:
        pass
    try:
        output, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover
            proc.kill()
        output, _ = proc.communicate(timeout=15)
    return output


@contextlib.contextmanager
def _server(cmd: list[str], cwd: Path, **env: str) -> t.Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """Start a server process; always stopped on exit, its output appended to the list."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=_child_env(**env), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=(os.name == "posix"),
    )
    output: list[str] = []
    try:
        yield proc, output
    finally:
        output.append(_stop(proc))


def _get_page(url: str, proc: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """Poll ``url`` until it answers; fail if the server dies or time runs out."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited with code {proc.returncode}")
        try:
            with opener.open(url, timeout=2) as response:
                return t.cast(bytes, response.read()).decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"no answer from {url} within {timeout} seconds")


# -- finding the app ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("import_path", "app_name"),
    [
        ("cliapp_simple", "cliapp_simple"),
        ("cliapp_simple:app", "cliapp_simple"),
        ("cliapp_simple.py", "cliapp_simple"),
        ("cliapp_application", "cliapp_application"),
        ("cliapp_named", "cliapp_named"),
        ("cliapp_named:myapp", "cliapp_named"),
        ("cliapp_factory", "cliapp_factory"),
        ("cliapp_factory:create_app", "cliapp_factory"),
        ("cliapp_factory:create_app()", "cliapp_factory"),
        ("cliapp_factory:create_app2('a', 'b')", "cliapp_factory_a_b"),
        ("cliapp_factory:create_app2(foo='a', bar='b')", "cliapp_factory_a_b"),
        ("cliapp_factory:create_app2('a', bar='b')", "cliapp_factory_a_b"),
        ("cliapp_make_app", "made_by_make_app"),
        ("cliapp_multiple:app2", "cliapp_multiple_2"),
        ("cliapp_pkg", "cliapp_pkg"),
        ("cliapp_pkg/", "cliapp_pkg"),
        ("cliapp_pkg/__init__.py", "cliapp_pkg"),
        ("cliapp_pkg.sub", "cliapp_pkg_sub"),
        ("cliapp_pkg/sub.py", "cliapp_pkg_sub"),
        ("cliapp_pkg/sub.py:app", "cliapp_pkg_sub"),
    ],
)
def test_app_discovery(in_apps: Path, import_path: str, app_name: str) -> None:
    app = ScriptInfo(app_import_path=import_path).load_app()
    assert isinstance(app, kolba.Kolba)
    assert app.name == app_name


def test_file_path_from_another_folder_imports_under_package_name(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = ScriptInfo(app_import_path=str(APPS / "cliapp_pkg" / "sub.py")).load_app()
    assert app.name == "cliapp_pkg_sub"
    assert "cliapp_pkg.sub" in sys.modules
    assert str(APPS) in sys.path


def test_factory_args_from_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = f"{APPS / 'cliapp_factory.py'}:create_app2('x', bar='y')"
    assert ScriptInfo(app_import_path=spec).load_app().name == "cliapp_factory_x_y"


@pytest.mark.parametrize(
    ("import_path", "message"),
    [
        (
            "cliapp_none",
            f"Failed to find {BRAND} application or factory in module 'cliapp_none'."
            " Use 'cliapp_none:name' to specify one.",
        ),
        (
            "cliapp_multiple",
            f"Detected multiple {BRAND} applications in module 'cliapp_multiple'."
            " Use 'cliapp_multiple:name' to specify the correct one.",
        ),
        (
            "cliapp_factory_needs_args",
            "Detected factory 'create_app' in module 'cliapp_factory_needs_args', but"
            " could not call it without arguments. Use"
            " 'cliapp_factory_needs_args:create_app(args)' to specify arguments.",
        ),
        (
            "cliapp_factory:create_app2('a')",
            "The factory \"create_app2('a')\" in module 'cliapp_factory' could not be"
            " called with the specified arguments.",
        ),
        (
            "cliapp_factory:create_app2(foo, bar)",
            "Failed to parse arguments as literal values: 'create_app2(foo, bar)'.",
        ),
        (
            "cliapp_factory:create_app2(*names)",
            "Failed to parse arguments as literal values: 'create_app2(*names)'.",
        ),
        (
            "cliapp_factory:no_app",
            f"A valid {BRAND} application was not obtained from 'cliapp_factory:no_app'.",
        ),
        (
            "cliapp_named:not_an_app",
            f"A valid {BRAND} application was not obtained from 'cliapp_named:not_an_app'.",
        ),
        ("cliapp_named:missing", "Failed to find attribute 'missing' in 'cliapp_named'."),
        (
            "cliapp_named:myapp.debug",
            "Failed to parse 'myapp.debug' as an attribute name or function call.",
        ),
        ("cliapp_named:1 +", "Failed to parse '1 +' as an attribute name or function call."),
        ("cliapp_named:obj.make()", "Function reference must be a simple name: 'obj.make()'."),
        ("cliapp_does_not_exist", "Could not import 'cliapp_does_not_exist'."),
        ("cliapp_pkg.nope", "Could not import 'cliapp_pkg.nope'."),
        ("cliapp_pkg/nope.py", "Could not import 'cliapp_pkg.nope'."),
    ],
)
def test_discovery_errors(in_apps: Path, import_path: str, message: str) -> None:
    with pytest.raises(NoAppException) as exc_info:
        ScriptInfo(app_import_path=import_path).load_app()
    assert exc_info.value.format_message() == message


@pytest.mark.parametrize(
    ("module", "cause"),
    [
        ("cliapp_importerror", "No module named 'cliapp_missing_dependency'"),
        ("cliapp_self_import", "cannot import name 'missing_name' from partially initialized"),
    ],
)
def test_import_error_inside_the_module_is_reported_with_its_cause(
    in_apps: Path, module: str, cause: str
) -> None:
    with pytest.raises(NoAppException) as exc_info:
        ScriptInfo(app_import_path=module).load_app()
    message = exc_info.value.format_message()
    assert message.startswith(f"While importing '{module}', an ImportError was raised:")
    assert f"{module}.py" in message
    assert cause in message


@pytest.mark.kolba_only
def test_import_error_message_shows_only_user_frames(in_apps: Path) -> None:
    with pytest.raises(NoAppException) as exc_info:
        ScriptInfo(app_import_path="cliapp_importerror").load_app()
    message = exc_info.value.format_message()
    assert "kolba/cli.py" not in message.replace(os.sep, "/")
    assert "importlib" not in message


@pytest.mark.parametrize(
    "import_path", ["cliapp_factory_type_error", "cliapp_factory:raises_type_error()"]
)
def test_type_error_inside_a_factory_is_not_hidden(in_apps: Path, import_path: str) -> None:
    with pytest.raises(TypeError, match="oops inside"):
        ScriptInfo(app_import_path=import_path).load_app()


def test_create_app_callback_wins_and_app_is_loaded_once() -> None:
    calls: list[int] = []

    def create_app() -> kolba.Kolba:
        calls.append(1)
        return kolba.Kolba("from_callback")

    info = ScriptInfo(app_import_path="cliapp_does_not_exist", create_app=create_app)
    assert info.load_app() is info.load_app()
    assert info.load_app().name == "from_callback"
    assert calls == [1]
    assert info.data == {}


def test_load_app_sets_debug_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    app = kolba.Kolba("debug_check")
    monkeypatch.setenv(f"{ENV}_DEBUG", "1")
    assert ScriptInfo(create_app=lambda: app).load_app().debug is True
    app.debug = False
    assert ScriptInfo(create_app=lambda: app, set_debug_flag=False).load_app().debug is False


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


_APP_SOURCE = "from kolba import Kolba\napp = Kolba({name!r}, static_folder=None)\n"


@pytest.mark.parametrize(
    ("files", "app_name"),
    [
        ({"app.py": "from_app_py"}, "from_app_py"),
        ({"wsgi.py": "from_wsgi_py"}, "from_wsgi_py"),
        ({"app.py": "from_app_py", "wsgi.py": "from_wsgi_py"}, "from_wsgi_py"),
        ({"app/__init__.py": "from_app_package"}, "from_app_package"),
    ],
)
def test_default_app_in_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       files: dict[str, str], app_name: str) -> None:
    for file_name, name in files.items():
        _write(tmp_path / file_name, _APP_SOURCE.format(name=name))
    monkeypatch.chdir(tmp_path)
    assert ScriptInfo().load_app().name == app_name


def test_no_app_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NoAppException) as exc_info:
        ScriptInfo().load_app()
    assert exc_info.value.format_message() == (
        f"Could not locate a {BRAND} application. Use the '{COMMAND} --app' option,"
        f" '{ENV}_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the"
        " current directory."
    )


# -- the group ---------------------------------------------------------------------------------


def test_app_option_runs_app_command(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_simple", "hello", "--name", "CLI")
    assert result.exit_code == 0, result.output
    assert result.output == "Hello, CLI! app=cliapp_simple\n"


def test_short_app_option_and_env_var(in_apps: Path) -> None:
    assert invoke("-A", "cliapp_simple", "hello").output == "Hello, World! app=cliapp_simple\n"
    result = invoke("hello", env={f"{ENV}_APP": "cliapp_simple"})
    assert result.output == "Hello, World! app=cliapp_simple\n"


def test_default_app_file_runs_its_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "app.py", (APPS / "cliapp_simple.py").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    result = invoke("hello")
    assert result.exit_code == 0, result.output
    assert result.output == "Hello, World! app=app\n"


def test_help_lists_app_and_builtin_commands(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_simple", "--help")
    assert result.exit_code == 0
    commands = result.output.split("Commands:")[1]
    for name in ("hello", "show-debug", "show-env", "routes", "run", "shell"):
        assert f"\n  {name} " in commands


def test_help_finds_the_app_from_env_var(in_apps: Path) -> None:
    result = invoke("--help", env={f"{ENV}_APP": "cliapp_simple"})
    assert result.exit_code == 0
    assert "  hello " in result.output


def test_help_reports_a_missing_app_without_traceback(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_none", "--help")
    assert result.exit_code == 0
    assert f"Error: Failed to find {BRAND} application or factory in module 'cliapp_none'" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert "  routes " in result.output


def test_help_reports_other_loading_errors_and_still_shows_help(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_raises", "--help")
    assert result.exit_code == 0
    assert "RuntimeError: boom at import time" in result.output
    assert "  run " in result.output


@pytest.mark.kolba_only
def test_help_loading_error_shows_only_user_frames(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_raises", "--help")
    assert "Error: While loading the app, an exception was raised:" in result.output
    assert 'cliapp_raises.py", line 3' in result.output
    assert "kolba/cli.py" not in result.output.replace(os.sep, "/")


def test_command_with_unloadable_app_is_a_usage_error(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_does_not_exist", "routes")
    assert result.exit_code == 2
    assert "Error: Could not import 'cliapp_does_not_exist'." in result.output
    assert "Traceback" not in result.output


def test_unknown_command_shows_why_the_app_did_not_load(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_none", "nope")
    assert result.exit_code == 2
    assert "Failed to find" in result.output
    assert "No such command 'nope'" in result.output


def test_version_option() -> None:
    result = invoke("--version")
    framework = kolba.__version__ if not AGAINST_FLASK else importlib.metadata.version("flask")
    assert result.exit_code == 0
    assert result.output == (
        f"Python {platform.python_version()}\n"
        f"{BRAND} {framework}\n"
        f"Werkzeug {importlib.metadata.version('werkzeug')}\n"
    )


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], {}, "debug=False"),
        (["--debug"], {}, "debug=True"),
        (["--no-debug"], {"DEBUG": "1"}, "debug=False"),
        ([], {"DEBUG": "1"}, "debug=True"),
        ([], {"DEBUG": "false"}, "debug=False"),
    ],
)
def test_debug_flag(in_apps: Path, args: list[str], env: dict[str, str], expected: str) -> None:
    result = invoke(
        "--app", "cliapp_simple", *args, "show-debug",
        env={f"{ENV}_{key}": value for key, value in env.items()},
    )
    assert result.output == expected + "\n"


def test_debug_option_is_published_for_factories(in_apps: Path) -> None:
    invoke("--app", "cliapp_simple", "--debug", "show-debug")
    assert os.environ[f"{ENV}_DEBUG"] == "1"
    invoke("--app", "cliapp_simple", "--no-debug", "show-debug")
    assert os.environ[f"{ENV}_DEBUG"] == "0"


def test_group_with_create_app_and_custom_params() -> None:
    app = kolba.Kolba("custom_group_app")

    @app.cli.command("name")
    def name() -> None:
        click.echo(kolba.current_app.name)

    group = KolbaGroup(create_app=lambda: app, add_version_option=False)
    assert "--version" not in invoke("--help", group=group).output
    assert invoke("name", group=group).output == "custom_group_app\n"
    assert invoke("--version", group=group).exit_code == 2


def test_group_without_default_commands() -> None:
    group = KolbaGroup(add_default_commands=False, create_app=lambda: kolba.Kolba("bare"))
    assert group.commands == {}
    assert invoke("routes", group=group).exit_code == 2


def test_unguarded_app_run_does_not_block_the_cli(in_apps: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = invoke("--app", "cliapp_unguarded_run", "ping", env={"CLIAPP_PORT": port})
    assert result.exit_code == 0, result.output
    assert (
        f" * Ignoring a call to 'app.run()' that would block the current '{COMMAND}'"
        " CLI command.\n"
    ) in result.output
    assert result.output.endswith("pong\n")


def test_app_run_returns_at_once_under_the_cli(app: kolba.Kolba,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(f"{ENV}_RUN_FROM_CLI", "true")
    with socket.socket() as taken:  # a server that did start would exit at once, not hang
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        app.run(port=taken.getsockname()[1])
    assert "Only call 'app.run()' in an 'if __name__ ==" in capsys.readouterr().out


def test_plugin_commands_from_entry_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist_info = tmp_path / "cliapp_plugin_dist-1.0.dist-info"
    _write(dist_info / "METADATA", "Metadata-Version: 2.1\nName: cliapp-plugin-dist\nVersion: 1.0\n")
    entry = "plugin-hello = cliapp_plugin_mod:hello\n"
    _write(dist_info / "entry_points.txt", f"[kolba.commands]\n{entry}\n[flask.commands]\n{entry}")
    _write(
        tmp_path / "cliapp_plugin_mod.py",
        "import click\n\n@click.command()\ndef hello():\n    click.echo('hello from a plugin')\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = invoke("plugin-hello")
    assert result.exit_code == 0, result.output
    assert result.output == "hello from a plugin\n"
    assert "  plugin-hello" in invoke("--help").output


@pytest.mark.kolba_only
def test_flask_spelling_of_the_group() -> None:
    from kolba import cli

    assert cli.FlaskGroup is KolbaGroup


# -- commands registered by apps and blueprints ------------------------------------------------


def test_app_cli_command_runs_in_app_context(app: kolba.Kolba) -> None:
    @app.cli.command("who")
    def who() -> None:
        real_app = t.cast(t.Any, kolba.current_app)._get_current_object()
        click.echo(f"{kolba.current_app.name} {real_app is app}")

    result = app.test_cli_runner().invoke(args=["who"])
    assert result.exit_code == 0, result.output
    assert result.output == "kolba_test True\n"


def test_app_group_subgroups(app: kolba.Kolba) -> None:
    @app.cli.group()
    def db() -> None:
        """Database commands."""

    @db.command()
    def init() -> None:
        click.echo(f"init {kolba.current_app.name}")

    @db.command(with_appcontext=False)
    def bare() -> None:
        click.echo(f"has context: {kolba.has_app_context()}")

    assert isinstance(db, AppGroup)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "init"]).output == "init kolba_test\n"
    assert runner.invoke(args=["db", "bare"]).output == "has context: False\n"


def test_with_appcontext_on_a_plain_command(app: kolba.Kolba) -> None:
    @click.command()
    @with_appcontext
    def show() -> None:
        click.echo(kolba.current_app.name)

    result = app.test_cli_runner().invoke(show)
    assert result.exit_code == 0, result.output
    assert result.output == "kolba_test\n"


def test_with_appcontext_reuses_an_active_context(app: kolba.Kolba) -> None:
    other = kolba.Kolba("other")

    @click.command()
    @with_appcontext
    def show() -> None:
        click.echo(kolba.current_app.name)

    with other.app_context():
        result = CliRunner().invoke(show, obj=ScriptInfo(create_app=lambda: app))
    assert result.output == "other\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["bp_default", "cmd"], "default group, app=cliapp_blueprints\n"),
        (["merged-cmd"], "merged into the app group\n"),
        (["custom", "cmd"], "custom group\n"),
        (["renamed", "cmd"], "group named at registration\n"),
    ],
)
def test_blueprint_cli_groups(in_apps: Path, args: list[str], expected: str) -> None:
    from cliapp_blueprints import create_app  # type: ignore[import-not-found]

    app = create_app()
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.output == expected


def test_blueprint_groups_through_the_command_line(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_blueprints", "--help")
    commands = result.output.split("Commands:")[1].split()
    for name in ("bp_default", "merged-cmd", "custom", "renamed"):
        assert name in commands
    assert "bp_merged" not in commands
    assert "bp_custom" not in commands
    assert invoke("--app", "cliapp_blueprints", "custom", "cmd").output == "custom group\n"


# -- routes ------------------------------------------------------------------------------------


def _routes_app() -> kolba.Kolba:
    app = kolba.Kolba("routes_app", static_folder=None)
    app.add_url_rule("/", "index", lambda: "")
    app.add_url_rule("/users/<int:user_id>", "user", lambda user_id: "", methods=["GET", "POST"])
    app.add_url_rule("/login", "login", lambda: "", methods=["POST"])
    app.add_url_rule("/about", "about_page", lambda: "")
    return app


def _routes(app: kolba.Kolba, *args: str) -> list[str]:
    result = app.test_cli_runner().invoke(routes_command, list(args))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len({len(line) for line in lines}) == 1, "every row is padded to the full width"
    return [line.rstrip() for line in lines]


def test_routes_default_sort_is_endpoint() -> None:
    assert _routes(_routes_app()) == [
        "Endpoint    Methods    Rule",
        "----------  ---------  --------------------",
        "about_page  GET        /about",
        "index       GET        /",
        "login       POST       /login",
        "user        GET, POST  /users/<int:user_id>",
    ]


@pytest.mark.parametrize(
    ("sort", "endpoints"),
    [
        ("endpoint", ["about_page", "index", "login", "user"]),
        ("rule", ["index", "about_page", "login", "user"]),
        ("methods", ["index", "about_page", "user", "login"]),
        ("match", ["index", "user", "login", "about_page"]),
        ("domain", ["index", "user", "login", "about_page"]),
    ],
)
def test_routes_sorting(sort: str, endpoints: list[str]) -> None:
    for option in ("--sort", "-s"):
        rows = _routes(_routes_app(), option, sort)[2:]
        assert [row.split()[0] for row in rows] == endpoints


def test_routes_all_methods() -> None:
    assert _routes(_routes_app(), "--all-methods") == [
        "Endpoint    Methods                   Rule",
        "----------  ------------------------  --------------------",
        "about_page  GET, HEAD, OPTIONS        /about",
        "index       GET, HEAD, OPTIONS        /",
        "login       OPTIONS, POST             /login",
        "user        GET, HEAD, OPTIONS, POST  /users/<int:user_id>",
    ]


def test_routes_subdomain_column() -> None:
    app = kolba.Kolba("sub_app", static_folder=None, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "index", lambda: "")
    app.add_url_rule("/", "api_index", lambda: "", subdomain="api")
    assert _routes(app) == [
        "Endpoint   Methods  Subdomain  Rule",
        "---------  -------  ---------  ----",
        "api_index  GET      api        /",
        "index      GET                 /",
    ]
    assert [row.split()[0] for row in _routes(app, "--sort", "domain")[2:]] == [
        "index", "api_index",
    ]


def test_routes_host_column() -> None:
    app = kolba.Kolba("host_app", static_folder=None, host_matching=True)
    app.add_url_rule("/", "index", lambda: "", host="example.test")
    app.add_url_rule("/admin", "admin", lambda: "", host="admin.example.test")
    assert _routes(app) == [
        "Endpoint  Methods  Host                Rule",
        "--------  -------  ------------------  ------",
        "admin     GET      admin.example.test  /admin",
        "index     GET      example.test        /",
    ]


def test_routes_includes_static_route(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    app = kolba.Kolba("static_app", root_path=str(tmp_path))
    assert _routes(app) == [
        "Endpoint  Methods  Rule",
        "--------  -------  -----------------------",
        "static    GET      /static/<path:filename>",
    ]


def test_routes_without_routes() -> None:
    app = kolba.Kolba("empty_app", static_folder=None)
    result = app.test_cli_runner().invoke(routes_command)
    assert result.output == "No routes were registered.\n"


def test_routes_rejects_unknown_sort() -> None:
    result = _routes_app().test_cli_runner().invoke(routes_command, ["--sort", "size"])
    assert result.exit_code == 2
    assert "Invalid value for '--sort' / '-s'" in result.output


# -- dotenv ------------------------------------------------------------------------------------


@pytest.fixture
def env_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with ``.env`` and the framework's own env file."""
    _write(tmp_path / ".env", "CLIAPP_A=from_env\nCLIAPP_B=from_env\n")
    _write(tmp_path / DEFAULT_ENV_FILE, "CLIAPP_A=from_default\nCLIAPP_C=from_default\n")
    _write(tmp_path / "custom.env", "CLIAPP_A=from_custom\nCLIAPP_D=from_custom\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_load_dotenv_precedence(env_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIAPP_B", "already_set")
    assert load_dotenv() is True
    assert os.environ["CLIAPP_A"] == "from_env"
    assert os.environ["CLIAPP_B"] == "already_set"
    assert os.environ["CLIAPP_C"] == "from_default"
    assert "CLIAPP_D" not in os.environ


def test_load_dotenv_path_wins_over_defaults(env_files: Path) -> None:
    assert load_dotenv("custom.env") is True
    assert os.environ["CLIAPP_A"] == "from_custom"
    assert os.environ["CLIAPP_C"] == "from_default"


def test_load_dotenv_path_without_defaults(env_files: Path) -> None:
    assert load_dotenv(env_files / "custom.env", load_defaults=False) is True
    assert os.environ["CLIAPP_A"] == "from_custom"
    assert "CLIAPP_C" not in os.environ


def test_load_dotenv_searches_parent_folders(env_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deeper = env_files / "src" / "deeper"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    assert load_dotenv() is True
    assert os.environ["CLIAPP_A"] == "from_env"


def test_load_dotenv_nothing_to_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_dotenv("missing.env", load_defaults=False) is False


def _show_env(
    *args: str, group: click.Group | None = None, env: dict[str, str] | None = None
) -> list[str]:
    result = invoke(
        *args, "--app", str(APPS / "cliapp_simple.py"), "show-env",
        "CLIAPP_A", "CLIAPP_C", "CLIAPP_D", group=group, env=env,
    )
    assert result.exit_code == 0, result.output
    return t.cast(list[str], result.output.splitlines())


def test_cli_loads_default_env_files(env_files: Path) -> None:
    assert _show_env() == ["CLIAPP_A=from_env", "CLIAPP_C=from_default", "CLIAPP_D=None"]


def test_cli_env_file_option(env_files: Path) -> None:
    assert _show_env("--env-file", "custom.env") == [
        "CLIAPP_A=from_custom", "CLIAPP_C=from_default", "CLIAPP_D=from_custom",
    ]
    assert _show_env("-e", "custom.env")[0] == "CLIAPP_A=from_custom"


def test_cli_skip_dotenv(env_files: Path) -> None:
    lines = _show_env("-e", "custom.env", env={f"{ENV}_SKIP_DOTENV": "1"})
    assert lines == ["CLIAPP_A=from_custom", "CLIAPP_C=None", "CLIAPP_D=from_custom"]


def test_group_with_dotenv_disabled(env_files: Path) -> None:
    lines = _show_env(group=KolbaGroup(load_dotenv=False))
    assert lines == ["CLIAPP_A=None", "CLIAPP_C=None", "CLIAPP_D=None"]


def test_env_file_can_name_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / DEFAULT_ENV_FILE, f"{ENV}_APP={APPS / 'cliapp_simple.py'}\n")
    monkeypatch.chdir(tmp_path)
    result = invoke("hello")
    assert result.output == "Hello, World! app=cliapp_simple\n"


def test_env_file_option_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("-e", "missing.env", "--help")
    assert result.exit_code == 2
    assert "'missing.env' does not exist" in result.output


# -- run options -------------------------------------------------------------------------------


@pytest.mark.skipif(
    importlib.util.find_spec("cryptography") is not None, reason="cryptography is installed"
)
def test_run_adhoc_cert_needs_cryptography(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_simple", "run", "--cert", "adhoc")
    assert result.exit_code == 2
    assert "Using ad-hoc certificates requires the cryptography library." in result.output


def test_run_cert_and_key_go_together(in_apps: Path, tmp_path: Path) -> None:
    cert = _write(tmp_path / "cert.pem", "not really a certificate")
    key = _write(tmp_path / "key.pem", "not really a key")
    result = invoke("--app", "cliapp_simple", "run", "--cert", str(cert))
    assert result.exit_code == 2
    assert 'Required when using "--cert".' in result.output
    result = invoke("--app", "cliapp_simple", "run", "--key", str(key))
    assert result.exit_code == 2
    assert '"--cert" must also be specified.' in result.output


def test_run_cert_must_be_file_or_adhoc(in_apps: Path) -> None:
    result = invoke("--app", "cliapp_simple", "run", "--cert", "no_such_cert.pem")
    assert result.exit_code == 2
    assert "Invalid value for '--cert'" in result.output


def test_separated_paths(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.txt", "")
    second = _write(tmp_path / "b.txt", "")
    value = f"{first}{os.pathsep}{second}"
    assert SeparatedPathType().convert(value, None, None) == [str(first), str(second)]
    with pytest.raises(click.BadParameter):
        SeparatedPathType(exists=True).convert(f"{first}{os.pathsep}{tmp_path / 'no'}", None, None)


def test_run_help_lists_options(in_apps: Path) -> None:
    output = invoke("run", "--help").output
    for option in ("--host", "-h", "--port", "-p", "--cert", "--key", "--reload / --no-reload",
                   "--debugger / --no-debugger", "--with-threads / --without-threads",
                   "--extra-files", "--exclude-patterns", "--debug / --no-debug"):
        assert option in output


# -- real processes ----------------------------------------------------------------------------


@pytest.mark.kolba_only
def test_import_kolba_does_not_import_click() -> None:
    code = "import sys, kolba; kolba.Kolba('x'); print('click' in sys.modules)"
    result = _run([sys.executable, "-c", code], ROOT)
    assert result.stdout.strip() == "False", result.stderr


def test_python_m_runs_app_command() -> None:
    result = _run(_cli("--app", "cliapp_simple", "hello", "--name", "process"), APPS)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello, process! app=cliapp_simple\n"


@pytest.mark.kolba_only
def test_console_script() -> None:
    script = Path(sys.executable).with_name("kolba")
    if not script.exists():
        pytest.skip("the kolba console script is not installed in this environment")
    result = _run([str(script), "--version"], APPS)
    assert result.returncode == 0
    assert f"Kolba {kolba.__version__}" in result.stdout


def test_process_reports_missing_app_cleanly(tmp_path: Path) -> None:
    result = _run(_cli("routes"), tmp_path)
    assert result.returncode == 2
    assert f"Error: Could not locate a {BRAND} application." in result.stderr
    assert "Traceback" not in result.stderr


def test_shell(tmp_path: Path) -> None:
    startup = _write(tmp_path / "startup.py", "startup_name = 'from startup'\n")
    result = _run(
        _cli("--app", "cliapp_simple", "shell"), APPS,
        input="print(app.name, answer)\nprint(startup_name)\ng.token = 'g works'\nprint(g.token)\n",
        PYTHONSTARTUP=str(startup), HOME=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "cliapp_simple 42" in result.stdout
    assert "from startup" in result.stdout
    assert "g works" in result.stdout
    assert f"Python {sys.version} on {sys.platform}" in result.stderr
    assert "App: cliapp_simple\n" in result.stderr
    assert f"Instance: {APPS / 'instance'}\n" in result.stderr


def test_run_reports_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run(_cli("--app", "cliapp_server", "run", "--port", str(port)), APPS)
    assert result.returncode == 1
    assert "Address already in use" in result.stderr
    assert f"Port {port} is in use by another program." in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("port_from", ["option", "env"])
def test_run_serves_http(port_from: str) -> None:
    port = _free_port()
    app_file = str(APPS / "cliapp_server.py")
    args = ["--app", app_file, "run"]
    env = {}
    if port_from == "option":
        args += ["--port", str(port)]
    else:
        env[f"{ENV}_RUN_PORT"] = str(port)
    with _server(_cli(*args), APPS, **env) as (proc, output):
        page = _get_page(f"http://127.0.0.1:{port}/", proc)
    assert page == "served by the development server"
    assert f" * Serving {BRAND} app '{app_file}'" in output[0]
    assert " * Debug mode: off" in output[0]


def test_app_run_in_main_guard_with_debug() -> None:
    """The ``if __name__ == "__main__": app.run(debug=True)`` pattern, reloader included."""
    port = _free_port()
    with _server([sys.executable, "cliapp_server.py"], APPS, CLIAPP_PORT=str(port)) as (
        proc, output,
    ):
        page = _get_page(f"http://127.0.0.1:{port}/", proc)
    assert page == "served by the development server"
    assert f" * Serving {BRAND} app 'cliapp_server'" in output[0]
    assert " * Debug mode: on" in output[0]


def test_app_run_uses_server_name_and_dotenv(tmp_path: Path) -> None:
    port = _free_port()
    _write(tmp_path / ".env", f"{ENV}_DEBUG=1\n")
    cmd = [sys.executable, str(APPS / "cliapp_server.py")]
    env = {"CLIAPP_PORT": str(port), "CLIAPP_USE_SERVER_NAME": "1"}
    with _server(cmd, tmp_path, **env) as (proc, output):
        page = _get_page(f"http://127.0.0.1:{port}/", proc)
    assert page == "served by the development server"
    assert " * Debug mode: on" in output[0]
