"""How request cost grows with the number of routes, for Flask and Kolba.

Each app holds only ``count`` static routes (``/s0`` ...) or only ``count``
dynamic ones (``/d0/<int:id>`` ...), and the last registered route is
requested through the full WSGI path, which is the matching cost an
application actually pays.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from benchmarks import measure, report
from benchmarks.frameworks import BY_NAME, LoadFailure, describe, load
from benchmarks.measure import Cell, Grid
from benchmarks.scenarios import Expect, Scenario

FRAMEWORKS = ("flask", "kolba")
SIZES = (10, 100, 1000)
KINDS = ("static", "dynamic")


def _scenario(kind: str, count: int) -> Scenario:
    last = count - 1
    if kind == "static":
        return Scenario(f"{kind}/{count}", "", "GET", f"/s{last}", Expect(text=f"s{last}"))
    return Scenario(f"{kind}/{count}", "", "GET", f"/d{last}/7", Expect(text=f"d{last}:7"))


def rows(sizes: Sequence[int] = SIZES) -> list[str]:
    """Return the row names, e.g. ``static/100``, in display order."""
    return [f"{kind}/{count}" for kind in KINDS for count in sizes]


def build(frameworks: Sequence[str], sizes: Sequence[int] = SIZES) -> Grid:
    """Build and verify one app per framework, route kind and size."""
    grid: Grid = {}
    for name in frameworks:
        try:
            module = load(BY_NAME[name])
        except LoadFailure as failure:
            grid.update({(row, name): Cell(measure.FAILED, str(failure)) for row in rows(sizes)})
            continue
        for kind in KINDS:
            for count in sizes:
                grid[f"{kind}/{count}", name] = _cell(module, kind, count)
    return grid


def _cell(module: Any, kind: str, count: int) -> Cell:
    scenario = _scenario(kind, count)
    if not hasattr(module, "make_routing_app"):
        return Cell(measure.NOT_APPLICABLE, "no make_routing_app")
    try:
        app = module.make_routing_app(kind, count)
    except Exception as error:
        return Cell(measure.FAILED, f"setup raised {describe(error)}")
    return measure.checked_cell(scenario, scenario.prepare_app(app))


def run(frameworks: Sequence[str], rounds: int, duration: float) -> tuple[str, dict[str, Any]]:
    """Measure the routing grid and return its printed table and JSON form."""
    names = [name for name in FRAMEWORKS if name in frameworks]
    print("routing scale", file=sys.stderr, flush=True)
    grid = build(names)
    measure.measure(grid, rows(), names, rounds, duration)
    text = report.table(grid, rows(), names, row_title="routes")
    notes = report.failures(grid, rows(), names)
    return "\n".join([text, *notes]), report.grid_json(grid, rows(), names)
