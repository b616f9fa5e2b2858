"""Verify every framework's replies, then time them in interleaved rounds.

Interleaving (every round visits every scenario and framework, in a rotated
order) spreads machine drift such as frequency scaling or a noisy neighbour
over all frameworks alike instead of billing whoever ran last.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from benchmarks.frameworks import Framework, LoadFailure, describe, load
from benchmarks.harness import Environ, Reply, call, run_batch
from benchmarks.scenarios import Prepared, Scenario

OK = "ok"
FAILED = "failed"
NOT_APPLICABLE = "n/a"


@dataclass
class Cell:
    """One framework on one scenario: whether it verified, and its timed rounds."""

    status: str
    reason: str = ""
    scenario: Scenario | None = None
    prepared: Prepared | None = None
    per_round: int = 0
    rates: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        """Return the median requests per CPU-second, or None if never timed."""
        return statistics.median(self.rates) if self.rates else None

    def fail(self, reason: str) -> None:
        """Mark the cell failed so no number is reported for it."""
        self.status, self.reason, self.rates = FAILED, reason, []

    def as_json(self) -> dict[str, object]:
        """Return the cell's numbers in a JSON-friendly form."""
        data: dict[str, object] = {"status": self.status}
        if self.reason:
            data["reason"] = self.reason
        if self.rates:
            data.update(
                median=round(self.median or 0.0, 1),
                min=round(min(self.rates), 1),
                max=round(max(self.rates), 1),
                rounds=[round(rate, 1) for rate in self.rates],
                requests_per_round=self.per_round,
            )
        return data


Grid = dict[tuple[str, str], Cell]
"""Cells keyed by (row, column): scenario name and framework name."""


@dataclass(frozen=True)
class Driver:
    """How apps are called: one verified request, a timed batch, a scenario bound to a module."""

    call: Callable[[Any, Environ, bytes], Reply]
    run_batch: Callable[[Any, Environ, bytes, int], float]
    prepare: Callable[[Scenario, ModuleType], Prepared]


WSGI = Driver(call, run_batch, Scenario.prepare)
"""WSGI apps called with a fresh environ per request (``harness``)."""


def _for(prepared: Prepared, driver: Driver) -> Driver:
    """The driver for one prepared app: an app prepared for the ASGI door (a
    typed-API column) is awaited through ``asgi_harness`` even in a WSGI grid."""
    if prepared.door == "asgi" and driver is WSGI:
        from benchmarks import asgi_harness

        return Driver(asgi_harness.call, asgi_harness.run_batch, Scenario.prepare)
    return driver


def verify_one(scenario: Scenario, prepared: Prepared, driver: Driver = WSGI) -> list[str]:
    """Make one request and list how its reply differs from the expectation."""
    try:
        reply = _for(prepared, driver).call(prepared.app, prepared.environ, prepared.body)
    except Exception as error:
        return [f"request raised {describe(error)}"]
    return scenario.expect.problems(reply)


def verify(
    frameworks: Sequence[Framework], scenarios: Sequence[Scenario], driver: Driver = WSGI
) -> Grid:
    """Load each framework and check one reply per scenario before anything is timed."""
    grid: Grid = {}
    for framework in frameworks:
        try:
            module = load(framework)
        except LoadFailure as failure:
            for scenario in scenarios:
                grid[scenario.name, framework.name] = Cell(FAILED, str(failure))
            continue
        for scenario in scenarios:
            grid[scenario.name, framework.name] = _verify_cell(scenario, module, driver)
    return grid


def _verify_cell(scenario: Scenario, module: ModuleType, driver: Driver) -> Cell:
    try:
        prepared = driver.prepare(scenario, module)
    except LookupError as missing:
        return Cell(NOT_APPLICABLE, str(missing))
    except Exception as error:
        return Cell(FAILED, f"setup raised {describe(error)}")
    return checked_cell(scenario, prepared, driver)


def checked_cell(scenario: Scenario, prepared: Prepared, driver: Driver = WSGI) -> Cell:
    """Verify one prepared request and return a cell that may be timed only if it passed."""
    problems = verify_one(scenario, prepared, driver)
    if problems:
        return Cell(FAILED, "; ".join(problems), scenario)
    return Cell(OK, scenario=scenario, prepared=prepared)


def _calibrate(prepared: Prepared, duration: float, driver: Driver) -> int:
    """Find how many requests fill ``duration`` CPU-seconds; doubles as warm-up."""
    floor = min(0.05, duration / 2)
    count = 1
    while True:
        elapsed = _for(prepared, driver).run_batch(prepared.app, prepared.environ, prepared.body, count)
        if elapsed >= floor:
            return max(1, round(count * duration / elapsed))
        guess = count * floor * 1.2 / elapsed if elapsed > 0 else count * 100
        count = int(min(max(guess, count * 2), count * 100))


def _rotated(columns: Sequence[str], turn: int) -> list[str]:
    shift = turn % len(columns) if columns else 0
    return [*columns[shift:], *columns[:shift]]


def _time_cell(cell: Cell, duration: float, driver: Driver) -> None:
    """Run one timed batch for the cell, or mark it failed if the app raises."""
    assert cell.prepared is not None
    try:
        if not cell.per_round:
            cell.per_round = _calibrate(cell.prepared, duration, driver)
        prepared = cell.prepared
        elapsed = _for(prepared, driver).run_batch(
            prepared.app, prepared.environ, prepared.body, cell.per_round
        )
    except Exception as error:
        cell.fail(f"raised while timed: {describe(error)}")
        return
    cell.rates.append(cell.per_round / max(elapsed, 1e-9))


def measure(
    grid: Grid, rows: Sequence[str], columns: Sequence[str], rounds: int, duration: float,
    driver: Driver = WSGI,
) -> None:
    """Time every verified cell ``rounds`` times, then check its reply once more.

    Each round visits every row, and within a row every column in an order
    rotated by one per round.  The final check catches apps whose replies go
    wrong after many requests (a cache or fast path that breaks), which must
    not post a number either.
    """
    for turn in range(rounds):
        print(f"  round {turn + 1}/{rounds}", file=sys.stderr, flush=True)
        for row in rows:
            for column in _rotated(columns, turn):
                cell = grid[row, column]
                if cell.status == OK:
                    _time_cell(cell, duration, driver)
    for cell in grid.values():
        if cell.status == OK and cell.scenario is not None and cell.prepared is not None:
            problems = verify_one(cell.scenario, cell.prepared, driver)
            if problems:
                cell.fail("after timing: " + "; ".join(problems))
