"""Import time of each framework plus a one-route app, in a fresh interpreter.

The child times ``import benchmarks.apps.hello.<framework>``, which covers
importing the framework and building the app but not interpreter start-up,
then makes one request to prove the app works.  CPU time is the headline
(other processes on the machine barely move it); wall time, which adds file
system waits, is kept alongside.  The minimum over several children is
reported: it is the least disturbed, and the first, uncounted child writes
any bytecode caches.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from benchmarks.child import ChildFailure, run_python
from benchmarks.frameworks import BY_NAME

_CHILD = """
import importlib, json, time
import benchmarks.apps.hello
cpu, wall = time.process_time(), time.perf_counter()
module = importlib.import_module("benchmarks.apps.hello.{module}")
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
from benchmarks.harness import base_environ, call
reply = call(module.app, base_environ("GET", "/"), b"")
print(json.dumps({{"cpu": cpu, "wall": wall, "status": reply.status, "body": reply.body.decode()}}))
"""


def measure_one(framework: str, runs: int) -> dict[str, Any]:
    """Return the minimum import time of one framework over ``runs`` fresh children."""
    module = BY_NAME[framework].module.rsplit(".", 1)[-1]
    code = _CHILD.format(module=module)
    try:
        run_python(code)
        samples = [run_python(code) for _ in range(runs)]
    except ChildFailure as failure:
        return {"status": "failed", "reason": str(failure)}
    last = samples[-1]
    if not last["status"].startswith("200") or last["body"] != "Hello, World!":
        answer = f"{last['status']} {last['body']!r:.60}"
        return {"status": "failed", "reason": f"hello app answered {answer}"}
    cpu = [round(sample["cpu"] * 1000, 2) for sample in samples]
    wall = [round(sample["wall"] * 1000, 2) for sample in samples]
    return {
        "status": "ok",
        "cpu_ms": min(cpu),
        "wall_ms": min(wall),
        "cpu_runs_ms": cpu,
        "wall_runs_ms": wall,
    }


def run(frameworks: Sequence[str], runs: int) -> tuple[str, dict[str, Any]]:
    """Measure every framework and return the printed table and JSON form."""
    print("import time", file=sys.stderr, flush=True)
    results = {name: measure_one(name, runs) for name in frameworks}
    lines = [f"{'framework':<10}  {'CPU ms':>7}  {'wall ms':>7}"]
    for name, result in results.items():
        if result["status"] == "ok":
            lines.append(f"{name:<10}  {result['cpu_ms']:>7.1f}  {result['wall_ms']:>7.1f}")
        else:
            lines.append(f"{name:<10}  failed: {result['reason']}")
    return "\n".join(lines), results
