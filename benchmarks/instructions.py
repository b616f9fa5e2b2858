"""Instructions executed per request, counted by valgrind's callgrind.

Requests per CPU-second move by 10-30% between runs on a shared machine;
an instruction count does not move at all, so a change to the request path
can be judged by it.  It is not a speed: interpreted bytecode retires fewer
instructions per cycle than compiled code (Falcon's Cython helpers), so equal
counts can still mean Kolba takes longer.  Each count is the difference
between two fresh interpreters that load and verify the same app, warm it
up, and then serve ``requests`` requests or none, divided by ``requests``.
Optional (``--sections instructions``): it needs valgrind and a few minutes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks.child import ChildFailure, run_python

VALGRIND_INSTALL = "apt-get install valgrind"
WARM_UP = 100
REQUESTS = 300


def find_valgrind() -> str | None:
    """Return valgrind's path, or None when it is not installed."""
    return shutil.which("valgrind")


def child(framework: str, scenario: str, requests: int, kind: str = "wsgi") -> None:
    """Run inside the counted interpreter: load, verify, warm up, serve ``requests``.

    ``kind`` is ``"wsgi"`` (the WSGI frameworks) or ``"asgi"`` (the ASGI
    section's apps, awaited on one event loop).
    """
    from benchmarks.measure import OK, verify
    from benchmarks.scenarios import BY_NAME as SCENARIOS

    if kind == "asgi":
        from benchmarks.asgi import BY_NAME, DRIVER

        driver = DRIVER
    else:
        from benchmarks.frameworks import BY_NAME
        from benchmarks.measure import WSGI

        driver = WSGI
    cell = verify([BY_NAME[framework]], [SCENARIOS[scenario]], driver)[scenario, framework]
    if cell.status != OK or cell.prepared is None:
        raise SystemExit(f"{cell.status}: {cell.reason}")
    prepared = cell.prepared
    driver.run_batch(prepared.app, prepared.environ, prepared.body, WARM_UP)
    driver.run_batch(prepared.app, prepared.environ, prepared.body, requests)
    if kind == "asgi":
        from benchmarks.asgi_harness import stop_lifespans

        stop_lifespans()
    print('{"served": %d}' % requests)


def _child_code(framework: str, scenario: str, requests: int, kind: str = "wsgi") -> str:
    return (
        "from benchmarks.instructions import child; "
        f"child({framework!r}, {scenario!r}, {requests}, {kind!r})"
    )


def _total(valgrind: str, framework: str, scenario: str, requests: int, kind: str = "wsgi") -> int:
    """Instructions executed by one counted interpreter, start to exit."""
    code = _child_code(framework, scenario, requests, kind)
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "callgrind.out")
        wrapper = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}"]
        # A fixed hash seed: string hashing and dict layouts, and with them the
        # start-up work, are then the same in the serving and the idle run.
        run_python(code, timeout=900, wrapper=wrapper, environ={"PYTHONHASHSEED": "0"})
        with open(out, encoding="utf-8", errors="replace") as counts:
            for line in counts:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    raise ChildFailure("callgrind wrote no instruction total")


def count(
    valgrind: str, framework: str, scenario: str, requests: int = REQUESTS, kind: str = "wsgi"
) -> dict[str, Any]:
    """Instructions per request for one framework on one scenario, as a JSON cell."""
    try:
        # A plain run first writes any missing bytecode, so neither counted
        # run pays for compiling what the other loads from the cache.
        run_python(_child_code(framework, scenario, 0, kind), timeout=300)
        served = _total(valgrind, framework, scenario, requests, kind)
        idle = _total(valgrind, framework, scenario, 0, kind)
    except ChildFailure as failure:
        return {"status": "failed", "reason": str(failure)}
    return {"status": "ok", "per_request": round((served - idle) / requests), "requests": requests}


def run(
    frameworks: Sequence[str], scenarios: Sequence[str], requests: int = REQUESTS,
    kind: str = "wsgi",
) -> tuple[str, dict[str, Any]]:
    """Count every cell (two at a time) and return the printed table and its JSON form.

    ``kind="asgi"`` counts the ASGI section's apps instead of the WSGI ones.
    """
    valgrind = find_valgrind()
    if valgrind is None:
        reason = f"valgrind not found on PATH; install it with: {VALGRIND_INSTALL}"
        return f"instructions: skipped: {reason}", {"status": "skipped", "reason": reason}
    print(f"instructions: {len(frameworks) * len(scenarios)} cells", file=sys.stderr, flush=True)
    cells = [(scenario, framework) for scenario in scenarios for framework in frameworks]
    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        found = list(pool.map(lambda cell: count(valgrind, cell[1], cell[0], requests, kind), cells))
    grid = dict(zip(cells, found))
    results = {scenario: {fw: grid[scenario, fw] for fw in frameworks} for scenario in scenarios}
    return _table(results, frameworks), {"status": "ok", "results": results}


def _aligned(row: Sequence[str], widths: Sequence[int]) -> list[str]:
    """The first column left-aligned, the numbers right-aligned."""
    return [row[0].ljust(widths[0]), *(text.rjust(w) for text, w in zip(row[1:], widths[1:]))]


def _table(results: dict[str, dict[str, Any]], frameworks: Sequence[str]) -> str:
    """Scenario rows, framework columns, and how many times Kolba's count the others need."""
    others = [
        name
        for name in ("flask", "falcon", "kolba-compat", "quart", "starlette")
        if name in frameworks and "kolba" in frameworks
    ]
    head = ["scenario", *frameworks, *(f"{name}/kolba" for name in others)]
    rows = [head]
    problems: list[str] = []
    for scenario, cells in results.items():
        row = [scenario]
        for framework in frameworks:
            cell = cells[framework]
            if cell["status"] == "ok":
                row.append(f"{cell['per_request']:,}")
            else:
                row.append("FAIL")
                problems.append(f"  {scenario}/{framework}: {cell['reason']}")
        for name in others:
            mine, theirs = cells["kolba"], cells[name]
            ok = mine["status"] == theirs["status"] == "ok" and mine["per_request"] > 0
            row.append(f"{theirs['per_request'] / mine['per_request']:.2f}x" if ok else "-")
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(_aligned(row, widths)) for row in rows]
    return "\n".join([*lines, *problems])
