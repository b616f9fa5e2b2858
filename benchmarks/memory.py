"""Resident memory of each framework's benchmark app after 1000 requests.

A fresh interpreter loads the app module, verifies every scenario, makes the
requests round-robin over the scenarios that passed, then reads its own
``VmRSS`` (now) and ``VmHWM`` (peak).  A baseline child loads the harness
but no framework, so the difference is what the framework and its app cost.
"""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks.child import ChildFailure, run_python

BASELINE = "baseline"


def _status_kib() -> dict[str, int]:
    """Read current and peak resident set size in KiB, from /proc if it exists."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        return {
            "rss_kib": int(fields["VmRSS"].split()[0]),
            "peak_kib": int(fields["VmHWM"].split()[0]),
        }
    except (OSError, KeyError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak //= 1024 if sys.platform == "darwin" else 1
        return {"rss_kib": peak, "peak_kib": peak}


def child(name: str, requests: int) -> None:
    """Run inside the fresh interpreter: load, verify, serve, then print memory as JSON."""
    from benchmarks.frameworks import BY_NAME, LoadFailure, load
    from benchmarks.harness import serve
    from benchmarks.measure import OK, verify
    from benchmarks.scenarios import SCENARIOS

    served: list[str] = []
    if name != BASELINE:
        try:
            load(BY_NAME[name])
        except LoadFailure as failure:
            raise SystemExit(str(failure)) from failure
        everyday = [scenario for scenario in SCENARIOS if not scenario.extensions]
        grid = verify([BY_NAME[name]], everyday)
        ready = [(row, cell.prepared) for (row, _), cell in grid.items() if cell.status == OK]
        if not ready:
            raise SystemExit("no scenario verified")
        for i in range(requests):
            row, prepared = ready[i % len(ready)]
            assert prepared is not None
            serve(prepared.app, prepared.environ, prepared.body)
        served = [row for row, _ in ready]
    print(json.dumps({**_status_kib(), "scenarios": served}))


def run(frameworks: Sequence[str], requests: int = 1000) -> tuple[str, dict[str, Any]]:
    """Measure the baseline and every framework; return the printed table and JSON form."""
    print("memory", file=sys.stderr, flush=True)
    results: dict[str, Any] = {}
    for name in (BASELINE, *frameworks):
        try:
            found = run_python(f"from benchmarks.memory import child; child({name!r}, {requests})")
        except ChildFailure as failure:
            results[name] = {"status": "failed", "reason": str(failure)}
            continue
        results[name] = {"status": "ok", "requests": 0 if name == BASELINE else requests, **found}
    return _table(results), results


def _table(results: dict[str, Any]) -> str:
    base = results[BASELINE].get("rss_kib")
    head = f"{'framework':<10}  {'RSS MiB':>8}  {'peak MiB':>8}  {'over baseline':>13}"
    lines = [f"{head}  scenarios"]
    for name, result in results.items():
        if result["status"] != "ok":
            lines.append(f"{name:<10}  failed: {result['reason']}")
            continue
        over = None if base is None or name == BASELINE else (result["rss_kib"] - base) / 1024
        extra = "" if over is None else f"{over:+.1f}"
        lines.append(
            f"{name:<10}  {result['rss_kib'] / 1024:>8.1f}  {result['peak_kib'] / 1024:>8.1f}"
            f"  {extra:>13}  {len(result['scenarios'])}"
        )
    return "\n".join(lines)
