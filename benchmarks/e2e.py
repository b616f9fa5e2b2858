"""End-to-end section: each app behind a real WSGI server, loaded by wrk over loopback.

The in-process section isolates what a framework costs per request; this one
adds what a deployment pays on top (sockets, HTTP parsing, the server's
worker model), where a faster framework's lead shrinks.  Every server runs
with the same settings for every framework, in its own process group on a
free loopback port, and is killed in ``finally`` whatever happens.  Each
reply is checked over HTTP against the same expectations the in-process
section uses, before the load and again after it, so a wrong reply posts no
number.
"""

from __future__ import annotations

import http.client
import importlib.metadata
import importlib.util
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from benchmarks import frameworks, scenarios
from benchmarks.child import ROOT
from benchmarks.harness import Reply
from benchmarks.measure import FAILED, NOT_APPLICABLE, OK
from benchmarks.scenarios import Scenario

HOST = "127.0.0.1"
"""Loopback only: the servers bind here and every request goes here."""

WRK_INSTALL = "apt-get update && apt-get install -y wrk"
"""How to get the load generator on Debian (as root)."""

START_TIMEOUT = 20.0
"""Seconds a server may take to answer its first request before its cells fail."""

STOP_TIMEOUT = 5.0
"""Seconds between SIGTERM and SIGKILL when a server is stopped."""

HTTP_TIMEOUT = 5.0
"""Socket timeout of every verification request."""

WRK_GRACE = 30.0
"""Seconds wrk may run beyond its ``-d`` before it is killed."""

WARMUP_REQUESTS = 50
"""Sequential requests before each load, so first-request work is not timed."""

SCENARIO_NAMES: tuple[str, ...] = tuple(
    scenario.name
    for scenario in scenarios.SCENARIOS
    if scenario.method == "GET" and not scenario.body and not scenario.extensions
)
"""Scenarios wrk can send with plain ``-H`` headers (no request body)."""

DEFAULT_SCENARIOS: tuple[str, ...] = ("hello", "json_by_id")


@dataclass(frozen=True)
class Server:
    """A server: how to launch it on a port, with settings equal for every app."""

    name: str
    distribution: str
    summary: str
    arguments: tuple[str, ...]
    """What follows ``python -m``; ``{host}``, ``{port}`` and ``{target}`` are filled in."""

    def command(self, target: str, port: int | str) -> list[str]:
        """Return the argv serving ``target`` (``module:attr``) on the loopback port."""
        filled = (arg.format(host=HOST, port=port, target=target) for arg in self.arguments)
        return [sys.executable, "-m", *filled]

    def missing(self) -> str | None:
        """Say why the server cannot run here, or None when it is installed."""
        if importlib.util.find_spec(self.distribution) is None:
            return f"{self.name} is not installed (pip install {self.distribution})"
        return None

    def version(self) -> str | None:
        """Return the installed version, for the results file."""
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return None


SERVERS: tuple[Server, ...] = (
    Server(
        "gunicorn",
        "gunicorn",
        "2 sync workers, app preloaded before the fork",
        (
            "gunicorn",
            "--workers", "2",
            "--worker-class", "sync",
            "--preload",
            "--bind", "{host}:{port}",
            "--log-level", "warning",
            "--graceful-timeout", "2",
            "{target}",
        ),
    ),
    Server(
        "granian",
        "granian",
        "WSGI, 1 worker, 1 blocking thread, 1 runtime thread, HTTP/1",
        (
            "granian",
            "--interface", "wsgi",
            "--workers", "1",
            "--blocking-threads", "1",
            "--runtime-threads", "1",
            "--http", "1",
            "--no-ws",
            "--log-level", "warning",
            "--host", "{host}",
            "--port", "{port}",
            "{target}",
        ),
    ),
)  # fmt: skip

SERVERS_BY_NAME: dict[str, Server] = {server.name: server for server in SERVERS}
SERVER_NAMES: tuple[str, ...] = tuple(SERVERS_BY_NAME)


@dataclass(frozen=True)
class Settings:
    """How hard and how long wrk pushes each cell, and how many interleaved rounds."""

    duration: int = 3
    connections: int = 32
    rounds: int = 2
    threads: int = 1

    def as_json(self) -> dict[str, Any]:
        """Return the settings for the results file."""
        return {
            "wrk_threads": self.threads,
            "wrk_connections": self.connections,
            "wrk_duration_s": self.duration,
            "rounds": self.rounds,
            "warmup_requests": WARMUP_REQUESTS,
            "host": HOST,
        }


@dataclass(frozen=True)
class Target:
    """One scenario bound to one framework: the app attribute, the URL and the headers."""

    scenario: Scenario
    module: str
    headers: dict[str, str]

    @property
    def app_spec(self) -> str:
        """Return the ``module:attr`` string the servers import."""
        return f"{self.module}:{self.scenario.app_attr}"

    @property
    def url_path(self) -> str:
        """Return the path plus query string of the request."""
        query = self.scenario.query
        return f"{self.scenario.path}?{query}" if query else self.scenario.path


@dataclass
class Cell:
    """One framework on one scenario under one server: its status and per-round numbers."""

    status: str
    reason: str = ""
    target: Target | None = None
    rates: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    socket_errors: int = 0

    @property
    def rate(self) -> float | None:
        """Return the median requests per second, or None if never loaded."""
        return statistics.median(self.rates) if self.rates else None

    @property
    def p99(self) -> float | None:
        """Return the median of the rounds' 99th-percentile latencies in ms."""
        return statistics.median(self.p99s) if self.p99s else None

    def fail(self, reason: str) -> None:
        """Mark the cell failed so no number is reported for it."""
        self.status, self.reason = FAILED, reason
        self.rates, self.p99s, self.requests = [], [], []

    def as_json(self) -> dict[str, object]:
        """Return the cell's numbers in a JSON-friendly form."""
        data: dict[str, object] = {"status": self.status}
        if self.reason:
            data["reason"] = self.reason
        if self.rates:
            data.update(
                requests_per_second=round(self.rate or 0.0, 1),
                p99_ms=round(self.p99 or 0.0, 3),
                rounds_requests_per_second=[round(rate, 1) for rate in self.rates],
                rounds_p99_ms=[round(p99, 3) for p99 in self.p99s],
                rounds_requests=self.requests,
                socket_errors=self.socket_errors,
            )
        return data


Grid = dict[tuple[str, str, str], Cell]
"""Cells keyed by (server, scenario, framework)."""


class ServerFailure(Exception):
    """A server exited or never answered; the message says why."""


class WrkFailure(Exception):
    """wrk failed or printed something unreadable; the message says why."""


@dataclass(frozen=True)
class WrkResult:
    """The numbers read from one ``wrk --latency`` run."""

    requests_per_second: float
    p99_ms: float
    requests: int
    socket_errors: int
    error_statuses: int


_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.M)
_P99 = re.compile(r"^\s*99%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_COUNT = re.compile(r"^\s*(\d+) requests in ", re.M)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_STATUS = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_MILLISECONDS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> WrkResult:
    """Read requests/s, the 99% latency and the error counts from wrk's report.

    Raises ``WrkFailure`` when the rate or the latency line is missing.
    """
    rate, p99, count = _RATE.search(output), _P99.search(output), _COUNT.search(output)
    if rate is None or p99 is None or count is None:
        first = output.strip().splitlines()[:1] or ["(no output)"]
        raise WrkFailure(f"unreadable wrk output: {first[0][:80]!r}")
    sockets = _SOCKET.search(output)
    statuses = _STATUS.search(output)
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        p99_ms=float(p99.group(1)) * _MILLISECONDS[p99.group(2)],
        requests=int(count.group(1)),
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        error_statuses=int(statuses.group(1)) if statuses else 0,
    )


def find_wrk() -> str | None:
    """Return the path of the wrk executable, or None when it is not installed."""
    return shutil.which("wrk")


def wrk_version(wrk: str) -> str:
    """Return wrk's version line (it prints usage and exits 1, which is fine)."""
    try:
        done = subprocess.run(
            [wrk, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({frameworks.describe(error)})"
    first = (done.stdout or done.stderr).strip().splitlines()[:1] or ["unknown"]
    return first[0].split(" Copyright")[0]


def wrk_command(
    wrk: str, port: int | str, target: Target, settings: Settings, script: str | None = None
) -> list[str]:
    """Build the wrk argv loading one target on the loopback port.

    ``script`` is the path of a Lua file (see :func:`wrk_script`) for a
    request with a method other than GET or a body.
    """
    headers = [arg for name, value in target.headers.items() for arg in ("-H", f"{name}: {value}")]
    return [
        wrk,
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{settings.duration}s",
        "--latency",
        *headers,
        *(["-s", script] if script else []),
        f"http://{HOST}:{port}{target.url_path}",
    ]


def wrk_script(scenario: Scenario) -> str | None:
    """The Lua that makes wrk send ``scenario``'s method and body, or None for a plain GET.

    The body goes in a Lua long string whose level is picked so that the
    body cannot close it; wrk sends the ``-H`` headers (the content type)
    as usual.
    """
    if scenario.method == "GET" and not scenario.body:
        return None
    body = scenario.body.decode("latin-1")
    level = 0
    while f"]{'=' * level}]" in body:
        level += 1
    fence = "=" * level
    return f'wrk.method = "{scenario.method}"\nwrk.body = [{fence}[{body}]{fence}]\n'


def run_wrk(wrk: str, port: int, target: Target, settings: Settings) -> WrkResult:
    """Load the target for ``settings.duration`` seconds and parse the report."""
    lua = wrk_script(target.scenario)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="latin-1") as script:
        script.write(lua or "")
        script.flush()
        done = _wrk(wrk_command(wrk, port, target, settings, script.name if lua else None), settings)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise WrkFailure(f"wrk failed: {lines[-1][:120]}")
    return parse_wrk(done.stdout)


def _wrk(command: list[str], settings: Settings) -> subprocess.CompletedProcess[str]:
    """Run wrk; one that is still running well past its duration is a failure."""
    try:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=settings.duration + WRK_GRACE,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        raise WrkFailure(f"wrk did not finish within {expired.timeout:.0f} s") from expired


def fetch(port: int, target: Target) -> Reply:
    """Make one request over loopback and keep the whole reply."""
    connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
    try:
        scenario = target.scenario
        body = scenario.body or None
        connection.request(scenario.method, target.url_path, body=body, headers=target.headers)
        response = connection.getresponse()
        body = response.read()
        return Reply(f"{response.status} {response.reason}", response.getheaders(), body)
    finally:
        connection.close()


def check(port: int, target: Target) -> list[str]:
    """Make one request and list how its reply differs from the scenario's expectation."""
    try:
        reply = fetch(port, target)
    except (OSError, http.client.HTTPException) as error:
        return [f"request failed: {frameworks.describe(error)}"]
    return target.scenario.expect.problems(reply)


def free_port() -> int:
    """Ask the kernel for an unused loopback port (the server binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


_EXCEPTION_LINE = re.compile(r"^[\w.]*(?:Error|Exception|Failure)\b.*")


def _log_tail(log: IO[bytes]) -> str:
    """Return the last exception line a server logged, else its last line.

    A server whose app fails to import prints the traceback and then its own
    remarks (granian: "Unexpected exit from worker"); the exception says why.
    """
    log.seek(0)
    lines = [line.strip() for line in log.read().decode(errors="replace").splitlines()]
    lines = [line for line in lines if line]
    errors = [line for line in lines if _EXCEPTION_LINE.match(line)]
    chosen = errors or lines or ["(no output)"]
    return chosen[-1][:160]


def _wait_until_ready(process: subprocess.Popen[bytes], port: int, probe: Target) -> None:
    """Poll the server until it answers any HTTP reply, it exits, or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailure(f"exited with status {process.returncode}")
        try:
            fetch(port, probe)
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    raise ServerFailure(f"did not answer within {START_TIMEOUT:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left of it."""
    group = process.pid
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(STOP_TIMEOUT)


def _server_environment() -> dict[str, str]:
    """Return this process's environment minus variables that would retune a server."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GRANIAN_", "GUNICORN_", "UVICORN_")) and name != "WEB_CONCURRENCY"
    }


@contextmanager
def serving(server: Server, probe: Target) -> Iterator[int]:
    """Run ``server`` on the probe's app at a free loopback port and yield the port.

    The server gets its own process group, so stopping it also stops its
    workers; its output goes to a temporary file so a full pipe can never
    block it, and its last exception line explains a failed start.  The
    servers' own environment settings are left out so every run uses
    exactly the command shown.
    """
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            server.command(probe.app_spec, port),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_server_environment(),
            start_new_session=True,
        )
        try:
            try:
                _wait_until_ready(process, port, probe)
            except ServerFailure as failure:
                raise ServerFailure(f"{server.name} {failure}: {_log_tail(log)}") from failure
            yield port
        finally:
            _stop(process)


def _target(framework: frameworks.Framework, scenario: Scenario) -> Cell:
    """Bind a scenario to a framework's module, or say why it cannot run."""
    try:
        module = frameworks.load(framework)
    except frameworks.LoadFailure as failure:
        return Cell(FAILED, str(failure))
    if getattr(module, scenario.app_attr, None) is None:
        return Cell(NOT_APPLICABLE, f"{module.__name__} has no {scenario.app_attr}")
    headers = dict(scenario.headers)
    if scenario.session:
        try:
            headers["Cookie"] = module.session_cookie()
        except Exception as error:
            return Cell(FAILED, f"session_cookie raised {frameworks.describe(error)}")
    return Cell(OK, target=Target(scenario, framework.module, headers))


def prepare(
    framework_names: Sequence[str],
    scenario_names: Sequence[str],
    server_names: Sequence[str],
    registry: dict[str, frameworks.Framework] = frameworks.BY_NAME,
    servers: dict[str, Server] = SERVERS_BY_NAME,
) -> Grid:
    """Build every cell, failing those whose server is missing or whose app will not load.

    ``registry`` and ``servers`` name the frameworks and servers (the WSGI
    ones by default; the ASGI section passes its own).
    """
    grid: Grid = {}
    for server_name in server_names:
        missing = servers[server_name].missing()
        for scenario_name in scenario_names:
            scenario = scenarios.BY_NAME[scenario_name]
            for framework_name in framework_names:
                framework = registry[framework_name]
                cell = Cell(FAILED, missing) if missing else _target(framework, scenario)
                grid[server_name, scenario_name, framework_name] = cell
    return grid


def _load_cell(cell: Cell, wrk: str, port: int, settings: Settings) -> None:
    """Check, warm up, load and check again one cell on a running server."""
    target = cell.target
    assert target is not None
    problems = check(port, target)
    if problems:
        cell.fail("; ".join(problems))
        return
    try:
        for _ in range(WARMUP_REQUESTS):
            fetch(port, target)
        result = run_wrk(wrk, port, target, settings)
    except (OSError, http.client.HTTPException) as error:
        cell.fail(f"request failed: {frameworks.describe(error)}")
        return
    except WrkFailure as failure:
        cell.fail(str(failure))
        return
    if result.error_statuses and target.scenario.expect.status < 400:
        cell.fail(f"{result.error_statuses} replies with status >= 400 under load")
        return
    problems = check(port, target)
    if problems:
        cell.fail("after load: " + "; ".join(problems))
        return
    cell.rates.append(result.requests_per_second)
    cell.p99s.append(result.p99_ms)
    cell.requests.append(result.requests)
    cell.socket_errors += result.socket_errors


def _serve_and_load(server: Server, cells: Sequence[Cell], wrk: str, settings: Settings) -> None:
    """Start one server for cells sharing an app, load each, and fail them all if it breaks."""
    first = cells[0].target
    assert first is not None
    try:
        with serving(server, first) as port:
            for cell in cells:
                _load_cell(cell, wrk, port, settings)
    except ServerFailure as failure:
        _fail_all(cells, str(failure))
    except OSError as error:
        _fail_all(cells, f"{server.name} could not start: {frameworks.describe(error)}")


def _fail_all(cells: Sequence[Cell], reason: str) -> None:
    """Fail every cell still in the running, e.g. when their shared server broke."""
    for cell in cells:
        if cell.status == OK:
            cell.fail(reason)


def _rotated(names: Sequence[str], turn: int) -> list[str]:
    """Rotate the order by one per round, so no framework always goes first."""
    shift = turn % len(names) if names else 0
    return [*names[shift:], *names[:shift]]


def _by_app(cells: Sequence[Cell]) -> dict[str, list[Cell]]:
    """Group cells by the ``module:attr`` they need, so each app starts once per round."""
    groups: dict[str, list[Cell]] = {}
    for cell in cells:
        if cell.target is not None:
            groups.setdefault(cell.target.app_spec, []).append(cell)
    return groups


def run(
    grid: Grid,
    wrk: str,
    settings: Settings,
    say: Callable[[str], None],
    servers: dict[str, Server] = SERVERS_BY_NAME,
) -> None:
    """Load every runnable cell ``settings.rounds`` times, interleaving the frameworks.

    Each round visits every server, and within it every framework in an
    order rotated by one per round, so drift over the run is spread over all
    frameworks alike; each framework's server is started afresh every round.
    """
    server_names = list(dict.fromkeys(key[0] for key in grid))
    framework_names = list(dict.fromkeys(key[2] for key in grid))
    with _exit_on_sigterm():
        _rounds(grid, server_names, framework_names, wrk, settings, say, servers)


def _rounds(
    grid: Grid,
    server_names: Sequence[str],
    framework_names: Sequence[str],
    wrk: str,
    settings: Settings,
    say: Callable[[str], None],
    servers: dict[str, Server],
) -> None:
    """Visit every server and framework once per round, starting each server afresh."""
    for turn in range(settings.rounds):
        say(f"  e2e round {turn + 1}/{settings.rounds}")
        for server_name in server_names:
            server = servers[server_name]
            for framework_name in _rotated(framework_names, turn):
                cells = [
                    cell
                    for (srv, _, fw), cell in grid.items()
                    if srv == server_name and fw == framework_name and cell.status == OK
                ]
                for group in _by_app(cells).values():
                    _serve_and_load(server, group, wrk, settings)


@contextmanager
def _exit_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit`` meanwhile, so ``finally`` still stops the servers.

    Python dies on SIGTERM without unwinding, which would orphan a running
    server (it sits in a process group of its own).  Only the main thread
    may set handlers; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def describe_setup(
    wrk: str,
    settings: Settings,
    server_names: Sequence[str],
    servers: dict[str, Server] = SERVERS_BY_NAME,
) -> dict[str, Any]:
    """Return the tool versions and exact commands, for the results file."""
    example = Target(scenarios.BY_NAME["hello"], "MODULE", {})
    return {
        "wrk": wrk_version(wrk),
        "wrk_command": " ".join(wrk_command("wrk", "PORT", example, settings)),
        "servers": {
            name: {
                "version": servers[name].version(),
                "settings": servers[name].summary,
                "command": " ".join(["python", *servers[name].command("MODULE:app", "PORT")[1:]]),
            }
            for name in server_names
        },
        **settings.as_json(),
    }
