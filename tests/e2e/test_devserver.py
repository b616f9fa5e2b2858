"""End-to-end tests of the development server: ``kolba run`` and ``app.run()``.

Each server is a real subprocess on a free loopback port, serving an app
copied into a temp dir (so edits never touch the repository).  Every wait is
bounded, and the whole process group (the reloader and its child) is killed
when the test ends, pass or fail.

With ``KOLBA_TESTS_AGAINST=flask`` the same tests drive ``python -m flask``
and Flask's class, proving they encode Flask's behaviour.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import typing as t
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

APP_TEMPLATE = Path(__file__).resolve().parent / "devserver_apps" / "devserver_app.py"

FIRST_GREETING = "hello from the first version"
SECOND_GREETING = "hello from the edited, second version"
BOOM_MESSAGE = "RuntimeError: devserver boom 4242"

WAIT_SECONDS = 20.0
REQUEST_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 5.0
PORT_ATTEMPTS = 3

DEV_SERVER_WARNING = (
    "WARNING: This is a development server. Do not use it in a production deployment."
)

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Framework:
    """What differs between serving Kolba and serving Flask for comparison."""

    name: str
    module: str
    env_prefix: str


AGAINST_FLASK = os.environ.get("KOLBA_TESTS_AGAINST") == "flask"
FRAMEWORK = (
    Framework("Flask", "flask", "FLASK_")
    if AGAINST_FLASK
    else Framework("Kolba", "kolba", "KOLBA_")
)

#: Written next to the app under Flask, so the app's ``from kolba import Kolba`` gets Flask.
_FLASK_SHIM = "from flask import Flask as Kolba\n\n__all__ = ['Kolba']\n"


# -- HTTP ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """The parts of an HTTP response the tests look at."""

    status: int
    content_type: str
    body: str


#: Talks to the loopback server directly, whatever proxy the environment names.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

#: What a request to a server that is starting or restarting may raise.
_TRANSIENT_ERRORS = (OSError, http.client.HTTPException)


def fetch(url: str, opener: urllib.request.OpenerDirector = _OPENER) -> Reply:
    """GET ``url``; an error status is a reply like any other, not an exception."""
    try:
        with opener.open(url, timeout=REQUEST_TIMEOUT) as response:
            body = response.read()
            return Reply(response.status, response.headers.get("Content-Type", ""), body.decode())
    except urllib.error.HTTPError as error:
        with error:
            body = error.read()
            return Reply(error.code, error.headers.get("Content-Type", ""), body.decode())


# -- the server process ----------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_app_dir(directory: Path) -> Path:
    """Copy the template in as ``app.py`` (plus the Flask shim if needed); return its path."""
    app_file = directory / "app.py"
    shutil.copyfile(APP_TEMPLATE, app_file)
    if AGAINST_FLASK:
        (directory / "kolba.py").write_text(_FLASK_SHIM, encoding="utf-8")
    return app_file


def server_env(port: int) -> dict[str, str]:
    """A clean environment: no inherited app, debug or reloader settings, unbuffered output."""
    inherited = ("KOLBA_", "FLASK_", "WERKZEUG_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(inherited)}
    env.update(
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        DEVSERVER_PORT=str(port),
    )
    # A stray .env above the temp dir must not change what is served.
    env[f"{FRAMEWORK.env_prefix}SKIP_DOTENV"] = "1"
    return env


def cli_argv(*run_args: str) -> t.Callable[[int], list[str]]:
    """``python -m kolba --app app.py run --port P <run_args>``, for a port yet to be chosen."""

    def argv(port: int) -> list[str]:
        return [
            sys.executable, "-m", FRAMEWORK.module, "--app", "app.py",
            "run", "--port", str(port), *run_args,
        ]  # fmt: skip

    return argv


def script_argv(port: int) -> list[str]:
    """``python app.py``: the app runs itself; the port reaches it through the environment."""
    return [sys.executable, "app.py"]


@dataclass
class DevServer:
    """A running development server and the files its output goes to."""

    proc: subprocess.Popen[bytes]
    port: int
    stdout_path: Path
    stderr_path: Path

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, opener: urllib.request.OpenerDirector = _OPENER) -> Reply:
        """GET ``path`` from this server."""
        return fetch(self.url(path), opener)

    def stdout(self) -> str:
        """Everything printed to stdout so far, colour codes removed."""
        return _read_log(self.stdout_path)

    def stderr(self) -> str:
        """Everything printed to stderr so far, colour codes removed."""
        return _read_log(self.stderr_path)

    def output(self) -> str:
        """Both streams, for messages whose stream does not matter to the test."""
        return self.stdout() + self.stderr()

    def describe(self) -> str:
        """The server's output, to explain a failed wait."""
        return f"--- stdout ---\n{self.stdout()}\n--- stderr ---\n{self.stderr()}"

    def wait_for_output(self, pattern: str, stream: str = "output") -> re.Match[str]:
        """Wait until ``pattern`` (a regex) shows up in ``stream``; fail after the deadline."""
        read: t.Callable[[], str] = getattr(self, stream)
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            found = re.search(pattern, read())
            if found is not None:
                return found
            if time.monotonic() > deadline:
                pytest.fail(f"{pattern!r} never appeared in the {stream}.\n{self.describe()}")
            time.sleep(0.1)

    def wait_for_reply(self, path: str, accept: t.Callable[[Reply], bool]) -> Reply:
        """Request ``path`` until a reply satisfies ``accept``; fail after the deadline."""
        deadline = time.monotonic() + WAIT_SECONDS
        last: object = "no reply"
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"The server exited ({self.proc.returncode}).\n{self.describe()}")
            try:
                reply = self.get(path)
            except _TRANSIENT_ERRORS as error:
                last = error
            else:
                if accept(reply):
                    return reply
                last = reply
            if time.monotonic() > deadline:
                pytest.fail(f"No acceptable reply from {path}; last: {last!r}.\n{self.describe()}")
            time.sleep(0.1)


def _read_log(path: Path) -> str:
    return _ANSI_ESCAPE.sub("", path.read_text(encoding="utf-8", errors="replace"))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the server's whole process group: the reloader and the child serving requests."""
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    # The reloader's child may outlive its parent; nothing of the group survives.
    _signal_group(proc, signal.SIGKILL)
    proc.wait(timeout=SHUTDOWN_TIMEOUT)


def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
    except ProcessLookupError:
        pass


def _launch(argv: t.Callable[[int], list[str]], cwd: Path, attempt: int) -> DevServer:
    port = free_port()
    stdout_path = cwd / f"server-{attempt}.stdout"
    stderr_path = cwd / f"server-{attempt}.stderr"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        proc = subprocess.Popen(
            argv(port),
            cwd=cwd,
            env=server_env(port),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    return DevServer(proc, port, stdout_path, stderr_path)


def _port_was_taken(server: DevServer) -> bool:
    """Whether the server died because someone grabbed the port between choice and bind."""
    return server.proc.poll() is not None and "Address already in use" in server.output()


@contextmanager
def serving(argv: t.Callable[[int], list[str]], cwd: Path) -> t.Iterator[DevServer]:
    """Start a server in ``cwd``, wait until it answers ``/``, and always kill it after."""
    for attempt in range(PORT_ATTEMPTS):
        server = _launch(argv, cwd, attempt)
        try:
            try:
                server.wait_for_reply("/", lambda reply: True)
            except pytest.fail.Exception:
                if _port_was_taken(server) and attempt + 1 < PORT_ATTEMPTS:
                    continue
                raise
            yield server
            return
        finally:
            _stop(server.proc)


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def debug_server(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[DevServer]:
    """``kolba --app app.py run --debug``: reloader and debugger on."""
    directory = tmp_path_factory.mktemp("debug_server")
    prepare_app_dir(directory)
    with serving(cli_argv("--debug"), directory) as server:
        yield server


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[DevServer]:
    """``kolba --app app.py run --no-debug``: no reloader, no debugger."""
    directory = tmp_path_factory.mktemp("plain_server")
    prepare_app_dir(directory)
    with serving(cli_argv("--no-debug"), directory) as server:
        yield server


def edit_greeting(app_file: Path) -> None:
    """Change the served text and push the mtime forward, so the stat reloader must notice."""
    source = app_file.read_text(encoding="utf-8")
    assert FIRST_GREETING in source
    app_file.write_text(source.replace(FIRST_GREETING, SECOND_GREETING), encoding="utf-8")
    stat = app_file.stat()
    os.utime(app_file, (stat.st_atime, stat.st_mtime + 5))


def assert_reloaded_after_edit(server: DevServer, app_file: Path) -> None:
    """Edit the app, see the new text served, and the reloader's messages in the log."""
    assert server.get("/") == Reply(200, "text/html; charset=utf-8", FIRST_GREETING)
    edit_greeting(app_file)
    reply = server.wait_for_reply("/", lambda reply: reply.body == SECOND_GREETING)
    assert reply.status == 200
    detected = server.wait_for_output(
        rf"\* Detected change in '{re.escape(str(app_file))}', reloading", "stderr"
    )
    restarts_after = server.stderr()[detected.end() :]
    assert " * Restarting with " in restarts_after, server.describe()


# -- the reloader ------------------------------------------------------------------------------


@pytest.mark.parametrize("run_args", [("--reload", "--debug"), ("--debug",)])
def test_cli_reloader_serves_the_edited_app(tmp_path: Path, run_args: tuple[str, ...]) -> None:
    app_file = prepare_app_dir(tmp_path)
    with serving(cli_argv(*run_args), tmp_path) as server:
        assert_reloaded_after_edit(server, app_file.resolve())


def test_app_run_in_main_guard_serves_and_reloads(tmp_path: Path) -> None:
    app_file = prepare_app_dir(tmp_path)
    with serving(script_argv, tmp_path) as server:
        # app.run() names the app after the script, not after an import path.
        server.wait_for_output(rf" \* Serving {FRAMEWORK.name} app 'app'\n", "stdout")
        server.wait_for_output(r" \* Debug mode: on\n", "stdout")
        assert_reloaded_after_edit(server, app_file.resolve())


# -- errors, with and without the debugger -----------------------------------------------------


def test_debug_mode_shows_the_interactive_debugger(debug_server: DevServer) -> None:
    reply = debug_server.get("/boom")
    assert reply.status == 500
    assert reply.content_type.startswith("text/html")
    body = reply.body
    assert "The debugger caught an exception in your WSGI application" in body
    assert "Traceback" in body
    assert BOOM_MESSAGE in body
    # The failing line of the app's source is shown in its frame.
    assert re.search(r"raise RuntimeError\((&#34;|&quot;)devserver boom 4242", body)
    # The console works, but only after the PIN printed by the server is entered.
    assert "EVALEX = true" in body
    assert "EVALEX_TRUSTED = false" in body
    debug_server.wait_for_output(r" \* Debugger is active!")
    debug_server.wait_for_output(r" \* Debugger PIN: [0-9-]+\n")


def test_debugger_serves_its_resources(debug_server: DevServer) -> None:
    reply = debug_server.get("/?__debugger__=yes&cmd=resource&f=style.css")
    assert reply.status == 200
    assert reply.content_type.startswith("text/css")
    assert "font-family" in reply.body


def _debugger_query(secret: str, **args: str) -> str:
    return "/?" + urllib.parse.urlencode({"__debugger__": "yes", "s": secret, **args})


def test_debugger_console_needs_the_printed_pin(debug_server: DevServer) -> None:
    page = debug_server.get("/boom").body
    secret = re.search(r'SECRET = "([^"]+)"', page)
    frame = re.search(r'<div class="frame" id="frame-(\d+)">', page)
    assert secret is not None and frame is not None, page[:2000]
    command = _debugger_query(secret.group(1), cmd="6 * 7", frm=frame.group(1))

    # Without the PIN the command is not run: the request reaches the app instead.
    assert debug_server.get(command).body == FIRST_GREETING
    wrong = debug_server.get(_debugger_query(secret.group(1), cmd="pinauth", pin="000000000"))
    assert json.loads(wrong.body) == {"auth": False, "exhausted": False}

    pin = debug_server.wait_for_output(r" \* Debugger PIN: ([0-9-]+)\n").group(1)
    cookies = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
    )
    right = debug_server.get(_debugger_query(secret.group(1), cmd="pinauth", pin=pin), cookies)
    assert json.loads(right.body) == {"auth": True, "exhausted": False}
    result = debug_server.get(command, cookies)
    assert result.status == 200
    assert "42" in result.body
    assert FIRST_GREETING not in result.body


def test_without_debug_an_error_is_a_plain_500(plain_server: DevServer) -> None:
    reply = plain_server.get("/boom")
    assert reply.status == 500
    assert reply.content_type.startswith("text/html")
    assert "<title>500 Internal Server Error</title>" in reply.body
    assert "<h1>Internal Server Error</h1>" in reply.body
    assert "The server encountered an internal error" in reply.body
    for leak in ("Traceback", "RuntimeError", "devserver boom", "debugger", "app.py"):
        assert leak not in reply.body
    # The details go to the log instead.
    logged = plain_server.wait_for_output(
        r"Exception on /boom \[GET\]\n(?:.*\n)*?" + re.escape(BOOM_MESSAGE) + r"\n", "stderr"
    )
    assert "Traceback (most recent call last):" in logged.group(0)
    assert "Debugger" not in plain_server.output()
    assert "Restarting with" not in plain_server.output()


# -- the banner --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("server_fixture", "mode"), [("debug_server", "on"), ("plain_server", "off")]
)
def test_banner_names_the_app_the_mode_and_the_warning(
    request: pytest.FixtureRequest, server_fixture: str, mode: str
) -> None:
    server: DevServer = request.getfixturevalue(server_fixture)
    stdout = server.stdout()
    assert f" * Serving {FRAMEWORK.name} app 'app.py'\n" in stdout
    assert f" * Debug mode: {mode}\n" in stdout
    # Printed once, by the reloader's parent, not again by each child.
    assert stdout.count(" * Serving ") == 1
    stderr = server.stderr()
    assert DEV_SERVER_WARNING in stderr
    assert f" * Running on http://127.0.0.1:{server.port}\n" in stderr
