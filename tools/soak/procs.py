"""Processes of a running server, read from ``/proc``: which serve, how much memory.

A server started with ``--workers N`` is a tree: gunicorn's arbiter, granian's
and uvicorn's supervisors fork or spawn the workers that run the app. The
*workers* are the processes of the tree that have no children of their own
(a single-process server is its own worker). Linux only.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def _parent(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is parenthesised and may hold spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1])


def descendants(root: int) -> list[int]:
    """Every live process below ``root``, found by parent links."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return sorted(found)


#: Helpers ``multiprocessing`` starts next to spawned workers; they serve nothing.
_HELPERS = (b"multiprocessing.resource_tracker", b"multiprocessing.forkserver")


def _is_helper(pid: int) -> bool:
    try:
        cmdline = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return True
    return any(helper in cmdline for helper in _HELPERS)


def workers(root: int) -> list[int]:
    """The processes that serve requests: leaves of the tree under ``root``.

    uvicorn's supervisor also starts ``multiprocessing``'s resource tracker,
    a leaf that serves nothing; it is left out.
    """
    tree = [root, *descendants(root)]
    parents = {_parent(pid) for pid in tree}
    return [pid for pid in tree if pid not in parents and not _is_helper(pid)]


def _status_kib(pid: int, field: str) -> int | None:
    try:
        status = (PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def rss_kib(pid: int) -> int | None:
    """Resident memory of ``pid`` in KiB (``VmRSS``), or None if it is gone."""
    return _status_kib(pid, "VmRSS")


def peak_rss_kib(pid: int) -> int | None:
    """The most resident memory ``pid`` has had so far, in KiB (``VmHWM``)."""
    return _status_kib(pid, "VmHWM")


def open_fds(pid: int) -> dict[int, str]:
    """The open file descriptors of ``pid`` and what each points to."""
    base = PROC / str(pid) / "fd"
    found: dict[int, str] = {}
    for entry in base.iterdir():
        try:
            found[int(entry.name)] = os.readlink(entry)
        except OSError:
            continue  # closed while listing
    return found
