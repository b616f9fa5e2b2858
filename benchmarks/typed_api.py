"""The typed-API sections: validated JSON in, typed JSON out, against API frameworks.

Two scenarios, each verified before it is timed (status, content type and
the exact JSON).  In process (``api``), they are timed in interleaved
rounds as in the **requests** section: WSGI apps go through
:mod:`benchmarks.harness`, ASGI apps through :mod:`benchmarks.asgi_harness`.
End to end (``api-e2e``), every app runs under granian, its WSGI interface
for WSGI columns and its ASGI interface for ASGI ones, with the settings of
the other end-to-end sections, and wrk loads it over loopback (the POST
body goes in a Lua script).  Each column is a framework behind one door,
one line in :data:`COLUMNS`.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import reduce
from typing import Any

from benchmarks import asgi, asgi_harness, e2e, measure, report
from benchmarks.apps.api.payload import ORDER, PAGE, QUERY
from benchmarks.frameworks import describe
from benchmarks.harness import base_environ
from benchmarks.measure import Cell, Grid
from benchmarks.scenarios import Expect, Prepared, Scenario


@dataclass(frozen=True)
class Column:
    """A framework behind one door: where its app lives and how it is called."""

    name: str
    module: str
    distribution: str
    door: str  #: "wsgi" or "asgi"
    attribute: str = "app"  #: dotted path from the module to the callable
    served: str = ""  #: the module attribute a server imports, when ``attribute`` is dotted

    def version(self) -> str | None:
        """The installed version of the framework's distribution."""
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return None

    def load(self) -> Any:
        """The WSGI or ASGI callable."""
        module = importlib.import_module(self.module)
        return reduce(getattr, self.attribute.split("."), module)


_APPS = "benchmarks.apps.api"
COLUMNS: tuple[Column, ...] = (
    Column("fastapi", f"{_APPS}.fastapi_api", "fastapi", "asgi"),
    Column("litestar", f"{_APPS}.litestar_api", "litestar", "asgi"),
    Column("apiflask", f"{_APPS}.apiflask_api", "apiflask", "wsgi"),
    Column("flask-openapi3", f"{_APPS}.openapi3_api", "flask-openapi3", "wsgi"),
    Column("kolba", f"{_APPS}.kolba_api", "kolba", "wsgi"),
    # Kolba's ASGI door: its async views run on the event loop.
    Column("kolba-asgi", f"{_APPS}.kolba_api", "kolba", "asgi", "async_app.asgi", "asgi_app"),
)
BY_NAME = {column.name: column for column in COLUMNS}
COLUMN_NAMES = [column.name for column in COLUMNS]

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "validated_post",
        "POST /orders: ten fields with a nested object and a list, validated, echoed typed",
        "POST", "/orders", Expect(mimetype="application/json", json=ORDER),
        content_type="application/json", body=json.dumps(ORDER).encode(),
    ),
    Scenario(
        "typed_get",
        "GET /items with five validated query parameters (one repeated), typed answer",
        "GET", "/items", Expect(mimetype="application/json", json=PAGE), query=QUERY,
    ),
)
SCENARIO_NAMES = [scenario.name for scenario in SCENARIOS]

#: Ratio columns: Kolba's rate over each other framework's (above 1: Kolba faster).
RATIOS = tuple(
    (kolba, other)
    for kolba in ("kolba", "kolba-asgi")
    for other in ("fastapi", "litestar", "apiflask", "flask-openapi3")
)


def prepare(scenario: Scenario, column: Column, app: Any) -> Prepared:
    """Bind a scenario to one column's app, as an environ or a scope."""
    args = (scenario.method, scenario.path, scenario.query, dict(scenario.headers), scenario.content_type, scenario.body)
    if column.door == "asgi":
        return Prepared(app, asgi_harness.build_scope(*args), scenario.body, "asgi")
    return Prepared(app, base_environ(*args), scenario.body)


def build(columns: Sequence[str], rows: Sequence[str]) -> Grid:
    """Load every column and verify each scenario's reply before anything is timed."""
    grid: Grid = {}
    chosen = [s for s in SCENARIOS if s.name in rows]
    for name in columns:
        column = BY_NAME[name]
        try:
            app = column.load()
        except Exception as error:
            grid.update({(s.name, name): Cell(measure.FAILED, describe(error)) for s in chosen})
            continue
        for scenario in chosen:
            grid[scenario.name, name] = measure.checked_cell(scenario, prepare(scenario, column, app))
    return grid


def versions(columns: Sequence[str]) -> dict[str, str | None]:
    """The framework versions behind the chosen columns."""
    return {BY_NAME[name].distribution: BY_NAME[name].version() for name in columns}


def _doors(columns: Sequence[str]) -> str:
    """Each column's framework version and door: ``kolba 0.1.0 (WSGI), ...``."""
    found = versions(columns)
    return ", ".join(
        f"{name} {found.get(BY_NAME[name].distribution) or '?'} ({BY_NAME[name].door.upper()})"
        for name in columns
    )


def run(
    columns: Sequence[str], rows: Sequence[str], rounds: int, duration: float
) -> tuple[str, dict[str, Any]]:
    """Measure the typed-API grid; return its printed table and JSON form."""
    print("typed API: verifying", file=sys.stderr, flush=True)
    grid = build(columns, rows)
    print(f"typed API: timing {rounds} rounds of {duration} s per cell", file=sys.stderr, flush=True)
    try:
        measure.measure(grid, rows, columns, rounds, duration)
    finally:
        asgi_harness.stop_lifespans()
    shown = [(top, bottom) for top, bottom in RATIOS if top in columns and bottom in columns]
    text = report.table(grid, rows, columns, ratios=shown)
    notes = report.failures(grid, rows, columns)
    found = versions(columns)
    doors = _doors(columns)
    data = {
        "doors": {name: BY_NAME[name].door for name in columns},
        "versions": found,
        "results": report.grid_json(grid, rows, columns, shown),
    }
    return "\n".join([f"  ({doors})", text, *notes]), data


# -- end to end under granian ---------------------------------------------------------------------

#: The server of each door: granian with the settings of the WSGI and ASGI e2e sections.
E2E_SERVERS: dict[str, e2e.Server] = {
    "granian-wsgi": e2e.SERVERS_BY_NAME["granian"],
    "granian-asgi": asgi.SERVERS_BY_NAME["granian"],
}
#: The targets of the issue, end to end: Kolba's rate over FastAPI's and Litestar's.
E2E_TARGETS: tuple[tuple[str, float], ...] = (("fastapi", 3.0), ("litestar", 1.0))


def e2e_grid(columns: Sequence[str], rows: Sequence[str]) -> e2e.Grid:
    """One cell per (door's server, scenario, column), each bound to the app its server imports."""
    grid: e2e.Grid = {}
    for name in columns:
        column = BY_NAME[name]
        for scenario in SCENARIOS:
            if scenario.name not in rows:
                continue
            served = replace(scenario, app_attr=column.served or column.attribute)
            headers = dict(scenario.headers)
            if scenario.content_type:
                headers["Content-Type"] = scenario.content_type
            cell = e2e.Cell(measure.OK, target=e2e.Target(served, column.module, headers))
            missing = E2E_SERVERS[f"granian-{column.door}"].missing()
            grid[f"granian-{column.door}", scenario.name, name] = (
                e2e.Cell(measure.FAILED, missing) if missing else cell
            )
    return grid


def e2e_targets(grid: e2e.Grid, rows: Sequence[str], columns: Sequence[str]) -> list[str]:
    """One line per Kolba column and scenario: the ratios the issue asks for, met or missed."""
    lines = ["targets (end to end under granian): kolba >= 3x fastapi and >= 1.0x litestar"]
    for kolba in ("kolba", "kolba-asgi"):
        if kolba not in columns:
            continue
        for row in rows:
            parts = []
            for other, need in E2E_TARGETS:
                if other not in columns:
                    continue
                top, bottom = grid["granian", row, kolba].rate, grid["granian", row, other].rate
                if top is None or not bottom:
                    parts.append(f"{kolba}/{other} - [not measured]")
                    continue
                verdict = "met" if top / bottom >= need else "MISSED"
                parts.append(f"{kolba}/{other} {top / bottom:.2f}x (need >= {need:g}x) [{verdict}]")
            lines.append(f"  {row}: " + "; ".join(parts))
    return lines


def run_e2e(
    columns: Sequence[str], rows: Sequence[str], settings: e2e.Settings
) -> tuple[str, dict[str, Any]]:
    """Serve every column under granian and load it with wrk; the table and its JSON."""
    wrk = e2e.find_wrk()
    if wrk is None:
        reason = f"wrk not found on PATH; install it with: {e2e.WRK_INSTALL}"
        print(f"typed API e2e: skipped: {reason}", file=sys.stderr, flush=True)
        return f"typed API end to end: skipped: {reason}", {"status": "skipped", "reason": reason}
    grid = e2e_grid(columns, rows)
    print(f"typed API e2e: {settings.rounds} rounds of wrk -d{settings.duration}s per cell",
          file=sys.stderr, flush=True)
    e2e.run(grid, wrk, settings, lambda line: print(line, file=sys.stderr, flush=True), E2E_SERVERS)
    # Both doors' cells in one "granian" row, Kolba's columns beside the others.
    shown = {("granian", row, column): cell for (_, row, column), cell in grid.items()}
    ratios = [(top, bottom) for top, bottom in RATIOS if top in columns and bottom in columns]
    setup = e2e.describe_setup(wrk, settings, list(E2E_SERVERS), E2E_SERVERS)
    lines = [
        f"typed API end to end under granian over loopback: wrk -t{settings.threads}"
        f" -c{settings.connections} -d{settings.duration}s, median of {settings.rounds} rounds",
        *(f"  {name}: {info['settings']}" for name, info in setup["servers"].items()),
        "  (" + _doors(columns) + ")",
        report.e2e_table(shown, ["granian"], rows, columns, ratios),
        *report.e2e_failures(shown, ["granian"], rows, columns),
        *report.e2e_warnings(shown, ["granian"], rows, columns),
        *e2e_targets(shown, rows, columns),
    ]
    data = {
        "status": "ok",
        "setup": setup,
        "doors": {name: BY_NAME[name].door for name in columns},
        "versions": versions(columns),
        "results": report.e2e_json(shown, ["granian"], rows, columns, ratios),
    }
    return "\n".join(lines), data
