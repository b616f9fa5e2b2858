"""What a large request body costs a worker, with and without Kolba's body limits.

``python -m tools.soak bodies`` serves ``targets/limits_app.py`` under
gunicorn (one sync worker, a fresh process per case, so the worker's peak
memory belongs to that case alone) and sends one large body per case to a
view that reads ``request.form``. It reports the status, the time to the
reply, and how far the worker's peak resident memory (``VmHWM``) rose above
what it was before the request. Loopback only; each server is stopped by
its PID.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
from dataclasses import dataclass

from tests.e2e._servers import _wait_until_ready, free_port

from . import procs
from .servers import HOST, TARGETS_DIR, stop

MIB = 1024 * 1024
REPLY_TIMEOUT = 60.0
BOUNDARY = "soakboundary"


@dataclass(frozen=True)
class Case:
    """One body sent under one set of limits."""

    name: str
    limits: dict[str, str]
    content_type: str
    #: Yields the body in pieces; ``length`` is their total.
    body: t.Callable[[], t.Iterator[bytes]]
    length: int


def _urlencoded(size: int) -> Case:
    def body() -> t.Iterator[bytes]:
        yield b"a="
        for start in range(2, size, MIB):
            yield b"x" * min(MIB, size - start)

    return Case("", {}, "application/x-www-form-urlencoded", body, size)


def _multipart_field(size: int) -> Case:
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"big\"\r\n\r\n").encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def body() -> t.Iterator[bytes]:
        yield head
        for start in range(0, size, MIB):
            yield b"x" * min(MIB, size - start)
        yield tail

    return Case("", {}, f"multipart/form-data; boundary={BOUNDARY}", body,
                len(head) + size + len(tail))  # fmt: skip


def _multipart_parts(count: int) -> Case:
    part = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n").encode()
    tail = f"--{BOUNDARY}--\r\n".encode()

    def body() -> t.Iterator[bytes]:
        for start in range(0, count, 10_000):
            yield part * min(10_000, count - start)
        yield tail

    return Case("", {}, f"multipart/form-data; boundary={BOUNDARY}", body,
                len(part) * count + len(tail))  # fmt: skip


def _named(case: Case, name: str, **limits: str) -> Case:
    return Case(name, limits, case.content_type, case.body, case.length)


def cases(megabytes: int) -> list[Case]:
    """The measured cases: each limit off, then on."""
    big = megabytes * MIB
    return [
        _named(_urlencoded(big), f"{megabytes} MiB urlencoded, MAX_CONTENT_LENGTH unset"),
        _named(_urlencoded(big), f"{megabytes} MiB urlencoded, MAX_CONTENT_LENGTH 16 MiB",
               MAX_CONTENT_LENGTH=str(16 * MIB)),
        _named(_multipart_field(20 * MIB), "one 20 MiB multipart field, MAX_FORM_MEMORY_SIZE unset",
               MAX_FORM_MEMORY_SIZE="none"),
        _named(_multipart_field(20 * MIB), "one 20 MiB multipart field, MAX_FORM_MEMORY_SIZE 500 kB (default)"),
        _named(_multipart_parts(100_000), "100,000 multipart parts, MAX_FORM_PARTS unset",
               MAX_FORM_PARTS="none"),
        _named(_multipart_parts(100_000), "100,000 multipart parts, MAX_FORM_PARTS 1,000 (default)"),
    ]  # fmt: skip


@dataclass(frozen=True)
class Measured:
    case: Case
    status: int | None
    seconds: float
    peak_growth_kib: int | None


def _send(port: int, case: Case) -> tuple[int | None, float]:
    """Send the body (the server may answer and close before it is all sent)."""
    head = (f"POST /form HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {case.content_type}\r\n"
            f"Content-Length: {case.length}\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
    started = time.perf_counter()
    with socket.create_connection((HOST, port), timeout=REPLY_TIMEOUT) as sock:
        try:
            sock.sendall(head)
            for piece in case.body():
                sock.sendall(piece)
        except OSError:
            pass  # answered early and closed: read what it said
        try:
            first = sock.recv(64)
        except OSError:
            first = b""
    status = int(first.split(b" ", 2)[1]) if first.startswith(b"HTTP/") else None
    return status, time.perf_counter() - started


def measure(case: Case) -> Measured:
    """One fresh server, one request, the worker's peak memory growth."""
    port = free_port()
    env = {"PYTHONPATH": str(TARGETS_DIR), "PATH": "/usr/bin:/bin"}
    env.update({f"LIMITS_{key}": value for key, value in case.limits.items()})
    env["PYTHONPATH"] += ":" + ":".join(p for p in sys.path if p)
    argv = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", "1",
            "--timeout", "60", "--log-level", "warning", "limits_app:app"]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
        try:
            _wait_until_ready(proc, f"http://{HOST}:{port}/", log)
            (worker,) = procs.workers(proc.pid)
            before = procs.peak_rss_kib(worker)
            status, seconds = _send(port, case)
            after = procs.peak_rss_kib(worker)
        finally:
            stop(proc)
    growth = None if before is None or after is None else after - before
    return Measured(case, status, seconds, growth)


def table(measured: t.Sequence[Measured]) -> str:
    rows = ["| body and limit | status | seconds | worker peak RSS growth (MiB) |",
            "|---|--:|--:|--:|"]  # fmt: skip
    for m in measured:
        growth = "–" if m.peak_growth_kib is None else f"{m.peak_growth_kib / 1024:.1f}"
        rows.append(f"| {m.case.name} | {m.status or 'none'} | {m.seconds:.2f} | {growth} |")
    return "\n".join(rows)


def main(argv: t.Sequence[str]) -> int:
    """Measure every case; print the table."""
    parser = argparse.ArgumentParser(prog="python -m tools.soak bodies", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=100, help="the urlencoded body's size")
    args = parser.parse_args(argv)
    measured = []
    for case in cases(args.megabytes):
        print(f"{case.name} ...", file=sys.stderr, flush=True)
        measured.append(measure(case))
    print(f"Command: `{' '.join(['python -m tools.soak bodies', *argv])}`")
    print("\ngunicorn, one sync worker, a fresh process per row; the view reads request.form.\n")
    print(table(measured))
    return 0
