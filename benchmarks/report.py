"""Turning measured cells into the printed table and the JSON results file."""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks import e2e
from benchmarks.frameworks import versions
from benchmarks.measure import FAILED, OK, Grid

RATIOS = (("kolba", "flask"), ("kolba", "falcon"), ("kolba-compat", "kolba"))
"""Ratio columns: how many times the first framework's rate the second one's is."""


def ratio(grid: Grid, row: str, top: str, bottom: str) -> float | None:
    """Return top's median over bottom's for one row, if both have a number."""
    upper, lower = grid.get((row, top)), grid.get((row, bottom))
    if upper is None or lower is None or not upper.median or not lower.median:
        return None
    return upper.median / lower.median


def _cell_text(grid: Grid, row: str, column: str) -> str:
    cell = grid[row, column]
    if cell.status == OK and cell.median is not None:
        return f"{cell.median:,.0f}"
    return "FAIL" if cell.status == FAILED else cell.status


def table(
    grid: Grid,
    rows: Sequence[str],
    columns: Sequence[str],
    ratios: Sequence[tuple[str, str]] = RATIOS,
    row_title: str = "scenario",
) -> str:
    """Lay out medians (rows by columns) plus the ratio columns whose frameworks ran."""
    shown = [(top, bottom) for top, bottom in ratios if top in columns and bottom in columns]
    header = [row_title, *columns, *(f"{top}/{bottom}" for top, bottom in shown)]
    lines = [header]
    for row in rows:
        line = [row, *(_cell_text(grid, row, column) for column in columns)]
        for top, bottom in shown:
            value = ratio(grid, row, top, bottom)
            line.append("-" if value is None else f"{value:.2f}x")
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(_aligned(line, widths) for line in lines)


def _aligned(line: Sequence[str], widths: Sequence[int], labels: int = 1) -> str:
    """Left-align the first ``labels`` columns (row names) and right-align the numbers."""
    cells = [
        text.ljust(width) if index < labels else text.rjust(width)
        for index, (text, width) in enumerate(zip(line, widths))
    ]
    return "  ".join(cells)


def failures(grid: Grid, rows: Sequence[str], columns: Sequence[str]) -> list[str]:
    """List why cells failed, once per framework when one reason covers all its rows."""
    notes: list[str] = []
    for column in columns:
        cells = {row: grid[row, column] for row in rows}
        reasons = {row: cell.reason for row, cell in cells.items() if cell.status == FAILED}
        if not reasons:
            continue
        if len(reasons) == len(rows) and len(set(reasons.values())) == 1:
            notes.append(f"{column}: failed: {next(iter(reasons.values()))}")
            continue
        notes.extend(f"{column} / {row}: failed: {reason}" for row, reason in reasons.items())
    return notes


def grid_json(
    grid: Grid,
    rows: Sequence[str],
    columns: Sequence[str],
    ratios: Sequence[tuple[str, str]] = RATIOS,
) -> dict[str, Any]:
    """Nest the cells as {row: {column: numbers}} and add the ratios per row."""
    data: dict[str, Any] = {}
    for row in rows:
        entry: dict[str, Any] = {column: grid[row, column].as_json() for column in columns}
        for top, bottom in ratios:
            if top in columns and bottom in columns:
                value = ratio(grid, row, top, bottom)
                entry[f"{top}/{bottom}"] = None if value is None else round(value, 3)
        data[row] = entry
    return data


E2E_METRICS = (("req/s", "rate"), ("p99 ms", "p99"))
"""End-to-end table rows per scenario: label and the ``e2e.Cell`` property shown."""


def e2e_ratio(
    grid: e2e.Grid, server: str, scenario: str, top: str, bottom: str, metric: str
) -> float | None:
    """Return top's median ``metric`` ("rate" or "p99") over bottom's, if both have one."""
    upper, lower = grid.get((server, scenario, top)), grid.get((server, scenario, bottom))
    if upper is None or lower is None:
        return None
    high, low = getattr(upper, metric), getattr(lower, metric)
    return high / low if high and low else None


def _e2e_text(cell: e2e.Cell, metric: str) -> str:
    value = getattr(cell, metric)
    if cell.status == OK and value is not None:
        return f"{value:,.0f}" if metric == "rate" else f"{value:.2f}"
    return "FAIL" if cell.status == FAILED else cell.status


def e2e_table(
    grid: e2e.Grid,
    servers: Sequence[str],
    scenarios: Sequence[str],
    columns: Sequence[str],
    ratios: Sequence[tuple[str, str]] = RATIOS,
) -> str:
    """Lay out req/s and p99 rows per server and scenario, frameworks side by side."""
    shown = [(top, bottom) for top, bottom in ratios if top in columns and bottom in columns]
    header = ["server", "scenario", "metric", *columns, *(f"{t}/{b}" for t, b in shown)]
    lines = [header]
    for server in servers:
        for scenario in scenarios:
            for label, metric in E2E_METRICS:
                line = [server, scenario, label]
                cells = (grid[server, scenario, column] for column in columns)
                line.extend(_e2e_text(cell, metric) for cell in cells)
                for top, bottom in shown:
                    value = e2e_ratio(grid, server, scenario, top, bottom, metric)
                    line.append("-" if value is None else f"{value:.2f}x")
                lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(_aligned(line, widths, labels=3) for line in lines)


def e2e_failures(
    grid: e2e.Grid, servers: Sequence[str], scenarios: Sequence[str], columns: Sequence[str]
) -> list[str]:
    """List why cells failed, once per framework (and server) when one reason covers them."""
    notes: list[str] = []
    for column in columns:
        reasons = {
            (server, scenario): grid[server, scenario, column].reason
            for server in servers
            for scenario in scenarios
            if grid[server, scenario, column].status == FAILED
        }
        if len(reasons) == len(servers) * len(scenarios) and len(set(reasons.values())) == 1:
            notes.append(f"{column}: failed: {next(iter(reasons.values()))}")
            continue
        for server in servers:
            mine = {sc: why for (srv, sc), why in reasons.items() if srv == server}
            if len(mine) == len(scenarios) and len(set(mine.values())) == 1:
                notes.append(f"{server} / {column}: failed: {next(iter(mine.values()))}")
                continue
            notes.extend(f"{server} / {column} / {sc}: failed: {why}" for sc, why in mine.items())
    return notes


def e2e_warnings(
    grid: e2e.Grid, servers: Sequence[str], scenarios: Sequence[str], columns: Sequence[str]
) -> list[str]:
    """Point out cells where wrk saw socket errors (their latency misses those requests)."""
    return [
        f"{server} / {column} / {scenario}: {cell.socket_errors} socket errors under load"
        for server in servers
        for scenario in scenarios
        for column in columns
        if (cell := grid[server, scenario, column]).socket_errors
    ]


def e2e_json(
    grid: e2e.Grid,
    servers: Sequence[str],
    scenarios: Sequence[str],
    columns: Sequence[str],
    ratios: Sequence[tuple[str, str]] = RATIOS,
) -> dict[str, Any]:
    """Nest the cells as {server: {scenario: {framework: numbers}}} with the ratios."""
    data: dict[str, Any] = {}
    for server in servers:
        rows: dict[str, Any] = {}
        for scenario in scenarios:
            entry: dict[str, Any] = {
                column: grid[server, scenario, column].as_json() for column in columns
            }
            for top, bottom in ratios:
                if top in columns and bottom in columns:
                    entry[f"{top}/{bottom}"] = {
                        metric: _rounded(e2e_ratio(grid, server, scenario, top, bottom, key))
                        for metric, key in (("requests_per_second", "rate"), ("p99_ms", "p99"))
                    }
            rows[scenario] = entry
        data[server] = rows
    return data


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def environment() -> dict[str, Any]:
    """Describe when and where the numbers were taken."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "versions": versions(),
    }


def write_json(path: str, results: dict[str, Any]) -> None:
    """Write the results atomically so a crashed run never leaves half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    os.replace(temporary, path)
