"""ASGI sections: ``app.asgi`` against a bare ASGI floor, Starlette, Quart and Falcon's ASGI app.

In process (``asgi``), every app is awaited on one event loop with a
prepared scope, a ``receive`` holding the body and a ``send`` that drops
the reply; each cell's reply is verified (the same expectations as the
WSGI section) before and after timing.  End to end (``asgi-e2e``), each app
runs under uvicorn and granian's ASGI interface and is loaded by wrk, with
the WSGI e2e section's machinery.  Both print ratio columns against
Falcon's ASGI app, Quart, the raw floor and Starlette, and a line per
target of the issue saying whether it was met.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from benchmarks import asgi_harness, e2e, measure, report
from benchmarks.frameworks import Framework
from benchmarks.scenarios import BY_NAME as SCENARIOS
from benchmarks.scenarios import Prepared, Scenario

FRAMEWORKS: tuple[Framework, ...] = (
    Framework("raw", "benchmarks.apps.asgi_raw", None),
    Framework("starlette", "benchmarks.apps.asgi_starlette", "starlette"),
    Framework("quart", "benchmarks.apps.asgi_quart", "quart"),
    Framework("falcon", "benchmarks.apps.asgi_falcon", "falcon"),
    Framework("kolba", "benchmarks.apps.asgi_kolba", "kolba"),
)
BY_NAME: dict[str, Framework] = {framework.name: framework for framework in FRAMEWORKS}
FRAMEWORK_NAMES: tuple[str, ...] = tuple(BY_NAME)

SCENARIO_NAMES: tuple[str, ...] = (
    "hello", "json_by_id", "query_header", "form_post", "json_post", "not_found",
)
E2E_SCENARIO_NAMES: tuple[str, ...] = tuple(
    name for name in SCENARIO_NAMES if name in e2e.SCENARIO_NAMES
)
DEFAULT_E2E_SCENARIOS: tuple[str, ...] = ("hello", "json_by_id")

RATIOS: tuple[tuple[str, str], ...] = (
    ("kolba", "falcon"), ("kolba", "quart"), ("kolba", "raw"), ("kolba", "starlette"),
)

SERVERS: tuple[e2e.Server, ...] = (
    e2e.Server(
        "uvicorn",
        "uvicorn",
        "1 worker, asyncio loop, h11 HTTP parser, no access log",
        (
            "uvicorn",
            "--workers", "1",
            "--loop", "asyncio",
            "--http", "h11",
            "--no-access-log",
            "--log-level", "warning",
            "--host", "{host}",
            "--port", "{port}",
            "{target}",
        ),
    ),
    e2e.Server(
        "granian",
        "granian",
        "ASGI, 1 worker, 1 runtime thread, HTTP/1",
        (
            "granian",
            "--interface", "asgi",
            "--workers", "1",
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
SERVERS_BY_NAME: dict[str, e2e.Server] = {server.name: server for server in SERVERS}
SERVER_NAMES: tuple[str, ...] = tuple(SERVERS_BY_NAME)


def prepare(scenario: Scenario, module: ModuleType) -> Prepared:
    """Bind a scenario to an ASGI app module: its ``app`` and the request's scope."""
    app = getattr(module, scenario.app_attr, None)
    if app is None:
        raise LookupError(f"{module.__name__} has no {scenario.app_attr}")
    scope = asgi_harness.build_scope(
        scenario.method, scenario.path, scenario.query, scenario.headers,
        scenario.content_type, scenario.body,
    )
    return Prepared(app, scope, scenario.body)


DRIVER = measure.Driver(asgi_harness.call, asgi_harness.run_batch, prepare)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- in process --------------------------------------------------------------------------------


def run_in_process(
    framework_names: Sequence[str], scenario_names: Sequence[str], rounds: int, duration: float
) -> tuple[str, dict[str, Any]]:
    """Verify and time every ASGI app on every scenario; the table and its JSON."""
    chosen = [BY_NAME[name] for name in framework_names]
    rows = [SCENARIOS[name] for name in scenario_names]
    _say("asgi: verifying")
    try:
        grid = measure.verify(chosen, rows, DRIVER)
    except BaseException:
        asgi_harness.stop_lifespans()
        raise
    _say(f"asgi: timing {rounds} rounds of {duration} s per cell")
    try:
        measure.measure(grid, scenario_names, framework_names, rounds, duration, DRIVER)
    finally:
        asgi_harness.stop_lifespans()
    lines = [
        f"ASGI requests per CPU-second, in-process on one event loop (median of {rounds} rounds"
        f" x {duration} s)",
        report.table(grid, scenario_names, framework_names, RATIOS),
        *report.failures(grid, scenario_names, framework_names),
        *in_process_targets(grid, scenario_names),
    ]
    data = report.grid_json(grid, scenario_names, framework_names, RATIOS)
    return "\n".join(lines), {"status": "ok", "results": data}


def in_process_targets(grid: measure.Grid, rows: Sequence[str]) -> list[str]:
    """One line per target of the issue, with the ratio that meets or misses it."""
    lines = ["targets (in process):"]
    for row in rows:
        against_falcon = report.ratio(grid, row, "kolba", "falcon")
        against_quart = report.ratio(grid, row, "kolba", "quart")
        against_raw = report.ratio(grid, row, "kolba", "raw")
        need = 1.0 if row in ("hello", "json_by_id") else 0.8
        lines.append(
            f"  {row}: kolba/falcon {_shown(against_falcon)} (need >= {need:g}x)"
            f" {_verdict(against_falcon, need)}; kolba/quart {_shown(against_quart)} (>= 3x)"
            f" or kolba/raw {_shown(against_raw)} (>= 0.8x)"
            f" {_verdict_either(against_quart, 3.0, against_raw, 0.8)}"
        )
    return lines


def _shown(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _verdict(value: float | None, need: float) -> str:
    if value is None:
        return "[not measured]"
    return "[met]" if value >= need else "[MISSED]"


def _verdict_either(first: float | None, first_need: float, second: float | None, second_need: float) -> str:
    if first is None and second is None:
        return "[not measured]"
    met = (first is not None and first >= first_need) or (second is not None and second >= second_need)
    return "[met]" if met else "[MISSED]"


# -- end to end --------------------------------------------------------------------------------


def run_e2e(
    framework_names: Sequence[str],
    scenario_names: Sequence[str],
    server_names: Sequence[str],
    settings: e2e.Settings,
    say: Callable[[str], None] = _say,
) -> tuple[str, dict[str, Any]]:
    """Serve every ASGI app under each server and load it with wrk; the table and its JSON."""
    wrk = e2e.find_wrk()
    if wrk is None:
        reason = f"wrk not found on PATH; install it with: {e2e.WRK_INSTALL}"
        say(f"asgi-e2e: skipped: {reason}")
        return f"ASGI end-to-end: skipped: {reason}", {"status": "skipped", "reason": reason}
    grid = e2e.prepare(framework_names, scenario_names, server_names, BY_NAME, SERVERS_BY_NAME)
    say(f"asgi-e2e: {settings.rounds} rounds of wrk -d{settings.duration}s per cell")
    e2e.run(grid, wrk, settings, say, SERVERS_BY_NAME)
    setup = e2e.describe_setup(wrk, settings, server_names, SERVERS_BY_NAME)
    lines = [
        f"ASGI end-to-end over loopback: wrk -t{settings.threads} -c{settings.connections}"
        f" -d{settings.duration}s, median of {settings.rounds} rounds",
        *(f"  {name}: {info['settings']}" for name, info in setup["servers"].items()),
        report.e2e_table(grid, server_names, scenario_names, framework_names, RATIOS),
        *report.e2e_failures(grid, server_names, scenario_names, framework_names),
        *report.e2e_warnings(grid, server_names, scenario_names, framework_names),
        *e2e_targets(grid, server_names, scenario_names),
    ]
    data = report.e2e_json(grid, server_names, scenario_names, framework_names, RATIOS)
    return "\n".join(lines), {"status": "ok", "setup": setup, "results": data}


def e2e_targets(grid: e2e.Grid, servers: Sequence[str], rows: Sequence[str]) -> list[str]:
    """Whether hello and json_by_id reach Starlette's and Falcon's rates under each server."""
    lines = ["targets (end to end, req/s):"]
    for server in servers:
        for row in rows:
            if row not in ("hello", "json_by_id"):
                continue
            parts = []
            for other in ("starlette", "falcon"):
                value = report.e2e_ratio(grid, server, row, "kolba", other, "rate")
                parts.append(f"kolba/{other} {_shown(value)} {_verdict(value, 1.0)}")
            lines.append(f"  {server} {row}: " + "; ".join(parts))
    return lines


def cpu_note() -> str:
    """wrk, the server and its runtime threads share this many cores."""
    return f"({os.cpu_count()} CPUs shared by wrk and the server)"
