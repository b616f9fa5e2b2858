"""The fault matrix over real servers, and clients that leave halfway.

gunicorn (one sync worker) and granian (one WSGI worker) serve
``tests.safety_apps.faults_served:app``; uvicorn serves its ``app.asgi``
(Kolba only).  Each starts once per module on a free loopback port, in a
process group of its own that is killed by its id at the end.  The app's
``/stats`` tells what happened inside the worker: SQLite connections still
open, the teardowns that ran, generators closed, open file descriptors and
the worker's process id.

After every fault and every client that leaves (mid-upload, mid-stream),
the same worker must answer, with no connection and no file descriptor
left open.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest

from tests.conftest import AGAINST_FLASK
from tests.e2e._servers import free_port, module_available
from tests.test_faults import CASES, Case

ROOT = Path(__file__).resolve().parents[2]
TARGET = "tests.safety_apps.faults_served:app"
TIMEOUT = 4.0

ARGV: dict[str, list[str]] = {
    "gunicorn": [
        "-m", "gunicorn", "--bind", "127.0.0.1:{port}", "--workers", "1", "--worker-class", "sync",
        "--timeout", "20", "--graceful-timeout", "1", TARGET,
    ],
    "granian": [
        "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", "{port}",
        "--workers", "1", "--no-ws", TARGET,
    ],
    "uvicorn": [
        "-m", "uvicorn", "--host", "127.0.0.1", "--port", "{port}", "--workers", "1",
        "--lifespan", "off", "--log-level", "critical", TARGET + ".asgi",
    ],
}


def _server(name: str) -> t.Any:
    marks = [pytest.mark.kolba_only] if name == "uvicorn" else []  # Flask has no app.asgi
    if not module_available(name):
        marks.append(pytest.mark.skip(reason=f"{name} is not installed"))
    return pytest.param(name, marks=marks, id=name)


def request(port: int, data: bytes) -> tuple[int | None, bytes, bytes]:
    """Send ``data``; the status, head and body of the answer (None: closed without one)."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    match = re.match(rb"HTTP/1\.[01] (\d{3})", received)
    head, _, body = received.partition(b"\r\n\r\n")
    return (int(match.group(1)) if match else None), head, body


def get(port: int, path: str) -> tuple[int | None, bytes, bytes]:
    return request(port, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())


def stats(port: int) -> dict[str, t.Any]:
    status, _, body = get(port, "/stats")
    assert status == 200, body
    text = body.decode("latin-1")
    return dict(json.loads(text[text.index("{") : text.rindex("}") + 1]))  # chunked framing or not


def settled(port: int, test: t.Callable[[dict[str, t.Any]], bool], timeout: float = 5.0) -> dict[str, t.Any]:
    """``/stats`` once ``test`` holds for it (the worker may still be tearing down)."""
    deadline = time.monotonic() + timeout
    while True:
        now = stats(port)
        if test(now) or time.monotonic() > deadline:
            return now
        time.sleep(0.05)


class Served(t.NamedTuple):
    name: str
    port: int
    pid: int
    fds: int


@pytest.fixture(scope="module", params=[_server(name) for name in ARGV])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Served]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRANIAN_", "UVICORN_", "GUNICORN_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(ROOT / "src"), str(ROOT)]))
    env["KOLBA_FAULT_DB"] = str(tmp_path_factory.mktemp(request.param) / "app.sqlite")
    argv = [sys.executable, *(arg.format(port=port) for arg in ARGV[request.param])]
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{request.param} exited with status {proc.returncode}")
            try:
                get(port, "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        # Warm up every path once (templates, error pages), then measure.
        for case in CASES:
            get(port, f"/?fault={case.fault}")
        get(port, "/stream")
        first = settled(port, lambda s: s["open_db"] == 0)
        yield Served(request.param, port, first["pid"], first["fds"])
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the group this fixture started, by its id
        proc.wait(timeout=10)


def assert_worker_clean(served: Served, teardowns_before: int, ran: int = 1) -> dict[str, t.Any]:
    """Same worker, ``ran`` teardowns more, no connection or descriptor left open."""
    now = settled(served.port, lambda s: s["open_db"] == 0 and s["fds"] <= served.fds
                  and len(s["teardowns"]) >= teardowns_before + ran)
    assert now["pid"] == served.pid, "the worker was replaced"
    assert now["open_db"] == 0, now
    assert now["fds"] <= served.fds, now
    assert len(now["teardowns"]) == teardowns_before + ran, now
    status, _, body = get(served.port, "/")
    assert (status, body.endswith(b"ok")) == (200, True), body
    return now


@pytest.mark.parametrize("case", CASES, ids=[case.fault for case in CASES])
def test_fault_over_a_real_server(served: Served, case: Case) -> None:
    before = len(stats(served.port)["teardowns"])
    status, head, _ = get(served.port, f"/?fault={case.fault}")
    # The 500 page comes from the app; with no handler left (a failing 500
    # handler or teardown) the server sends its own 500 or closes.
    assert status in ({case.status} if case.status else {500, None}), head
    assert_worker_clean(served, before)


def test_a_client_leaving_mid_stream_closes_the_generator(served: Served) -> None:
    before = stats(served.port)
    with socket.create_connection(("127.0.0.1", served.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while b"tick" not in received:
            chunk = sock.recv(65536)
            assert chunk, "closed before the stream started"
            received += chunk
        assert received.startswith(b"HTTP/1.1 200")
    now = settled(served.port, lambda s: s["streams_closed"] > before["streams_closed"])
    assert now["streams_closed"] == before["streams_closed"] + 1, now
    # Flask 3.1 tears a stream_with_context request down twice: with None
    # when the view returns, and when the generator is closed.
    after = assert_worker_clean(served, len(before["teardowns"]), ran=2 if AGAINST_FLASK else 1)
    assert after["teardowns"][-1] == "GeneratorExit"


def test_a_client_leaving_mid_upload_is_torn_down(served: Served) -> None:
    before = len(stats(served.port)["teardowns"])
    with socket.create_connection(("127.0.0.1", served.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                     b"Content-Length: 100000\r\n\r\n" + b"x" * 1000)
        time.sleep(0.1)  # the view is waiting for the rest
    # The ASGI door reads a body before the request starts (unless the view
    # streams it): a client that leaves first never reaches the app.
    after = assert_worker_clean(served, before, ran=0 if served.name == "uvicorn" else 1)
    if served.name != "uvicorn":
        assert after["teardowns"][-1] is None  # the short body was a 4xx (Flask: parsed as it came)


@pytest.mark.kolba_only  # Flask 3.1 has torn the request down before the generator runs
def test_a_streamed_body_uses_the_request_connection(served: Served) -> None:
    # The generator queries the SQLite connection before_request opened; the
    # ASGI door runs it in the thread that opened it (uvicorn used to answer
    # with an empty body and leave the connection open).
    from concurrent.futures import ThreadPoolExecutor

    before = len(stats(served.port)["teardowns"])
    # Several at once, so the ASGI door's worker threads are all in use.
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: get(served.port, "/stream?db=1"), range(16)))
    for status, _, body in replies:
        assert status == 200 and b"part 1\n" in body and b"part 2\n" in body, body
    assert_worker_clean(served, before, ran=16)
