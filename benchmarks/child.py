"""Running a measurement in a fresh interpreter, so nothing earlier skews it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
"""The repository root: the child's working directory, so ``benchmarks`` imports."""


class ChildFailure(Exception):
    """The child interpreter crashed or printed no result; the message says why."""


def _child_environment() -> dict[str, str]:
    """The environment minus settings that would make frameworks incomparable.

    With ``PYTHONDONTWRITEBYTECODE`` set, a framework imported from a source
    tree (Kolba's editable install) is recompiled in every child while one
    installed by pip loads its precompiled bytecode; every framework must
    load from bytecode for import times to compare.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_python(
    code: str,
    timeout: float = 120.0,
    wrapper: Sequence[str] = (),
    environ: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run ``code`` in a new interpreter and parse the JSON object it prints last.

    ``wrapper`` is a command the interpreter runs under, such as valgrind;
    ``environ`` adds variables to the child's environment.
    """
    try:
        done = subprocess.run(
            [*wrapper, sys.executable, "-c", code],
            cwd=ROOT,
            env={**_child_environment(), **(environ or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        raise ChildFailure(f"timed out after {expired.timeout:.0f} s") from expired
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise ChildFailure(lines[-1])
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1]) if lines else None
    except ValueError as error:
        raise ChildFailure(f"unreadable child output {lines[-1][:80]!r}") from error
    if not isinstance(result, dict):
        raise ChildFailure("the child printed no result")
    return result
