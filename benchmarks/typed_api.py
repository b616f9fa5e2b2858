"""The typed-API section: validated JSON in, typed JSON out, against API frameworks.

Two scenarios, each verified before it is timed (status, content type and
the exact JSON), then timed in process in interleaved rounds as in the
**requests** section.  Each column is a framework behind one door: WSGI
apps go through :mod:`benchmarks.harness`, ASGI apps through
:mod:`benchmarks.asgi_harness`.  A column is one line in :data:`COLUMNS`.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from benchmarks import asgi_harness, measure, report
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
    Column("kolba-asgi", f"{_APPS}.kolba_api", "kolba", "asgi", "async_app.asgi"),
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
    doors = ", ".join(
        f"{name} {found.get(BY_NAME[name].distribution) or '?'} ({BY_NAME[name].door.upper()})"
        for name in columns
    )
    data = {
        "doors": {name: BY_NAME[name].door for name in columns},
        "versions": found,
        "results": report.grid_json(grid, rows, columns, shown),
    }
    return "\n".join([f"  ({doors})", text, *notes]), data
