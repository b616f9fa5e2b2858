"""Turning measured cells into the printed table and the JSON results file."""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks.frameworks import versions
from benchmarks.measure import FAILED, OK, Grid

RATIOS = (("kolba", "flask"), ("kolba", "falcon"))
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


def _aligned(line: Sequence[str], widths: Sequence[int]) -> str:
    """Left-align the row name and right-align the numbers."""
    first, *rest = line
    cells = [first.ljust(widths[0])] + [text.rjust(width) for text, width in zip(rest, widths[1:])]
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


def grid_json(grid: Grid, rows: Sequence[str], columns: Sequence[str]) -> dict[str, Any]:
    """Nest the cells as {row: {column: numbers}} and add the ratios per row."""
    data: dict[str, Any] = {}
    for row in rows:
        entry: dict[str, Any] = {column: grid[row, column].as_json() for column in columns}
        for top, bottom in RATIOS:
            if top in columns and bottom in columns:
                value = ratio(grid, row, top, bottom)
                entry[f"{top}/{bottom}"] = None if value is None else round(value, 3)
        data[row] = entry
    return data


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
