"""Run documentation code blocks, each in a process of its own.

Used by ``tests/test_docs_examples.py`` as ``python tests/_docs_runner.py``:
reads a JSON list of jobs on stdin, prints a JSON object mapping each job's
id to ``{"ok": bool, "output": str}``.

Each job is a folder with the block saved as ``<module>.py`` next to the
files the page showed before it.  ``kolba`` is imported once here; every
block then runs in a child forked from this process, so blocks start fast
yet cannot see each other's modules, environment variables, signal
receivers or ``kolba.compat.install()``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from pathlib import Path

TIMEOUT_S = 30


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _run_in_child(job: dict[str, object], folder: Path) -> None:
    """The forked child: run the block, exit 0 if it passed."""
    log = os.open(folder / ".output", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    signal.alarm(TIMEOUT_S)
    os.chdir(folder)
    sys.path.insert(0, str(folder))
    status = 1
    try:
        module = str(job["module"])
        if job["pytest"]:
            import pytest

            status = int(pytest.main(["-q", "-p", "no:cacheprovider", f"{module}.py"]))
        else:
            import importlib

            importlib.import_module(module)
            status = 0
    except BaseException:  # the block's own failure, reported as output
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def run(job: dict[str, object], base: Path) -> dict[str, object]:
    """Run one job in a forked child and report how it went."""
    folder = base / str(job["slot"])
    folder.mkdir(parents=True)
    _write(folder, job["files"])  # type: ignore[arg-type]
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        _run_in_child(job, folder)
    _, status = os.waitpid(pid, 0)
    output = (folder / ".output").read_text(encoding="utf-8", errors="replace")
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
        output += f"\n(timed out after {TIMEOUT_S} s)"
    return {"ok": os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "output": output}


def main() -> None:
    """Read the jobs, run them one by one, print the results."""
    request = json.load(sys.stdin)
    base = Path(request["base"])
    import kolba  # noqa: F401  (warmed once, shared by every child)

    results = {str(job["id"]): run(job, base) for job in request["jobs"]}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
