"""``app.asgi`` under real ASGI servers: uvicorn, granian (``--interface asgi``), hypercorn.

Each server runs ``served:app.asgi`` (tests/e2e/asgi_apps/served.py) as a
subprocess on a free loopback port, in its own process group, stopped by
PID in ``finally``.  Requests go over real sockets; what ran inside the
server (lifespan hooks, a generator's ``finally``) is seen through marker
files the app writes.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e._servers import _stop, _wait_until_ready, free_port, module_available

pytestmark = pytest.mark.kolba_only  # Flask has no ASGI door

APPS = Path(__file__).resolve().parent / "asgi_apps"
SRC = Path(__file__).resolve().parents[2] / "src"
REQUIRE = bool(os.environ.get("KOLBA_REQUIRE_E2E"))
TIMEOUT = 10.0

#: ``python -m`` arguments; ``{port}`` and ``{target}`` are filled in.
SERVERS: dict[str, tuple[str, ...]] = {
    "uvicorn": (
        "uvicorn", "--host", "127.0.0.1", "--port", "{port}", "--workers", "1",
        "--lifespan", "on", "--log-level", "info", "{target}",
    ),
    "granian": (
        "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", "{port}",
        "--workers", "1", "--log-level", "info", "{target}",
    ),
    "hypercorn": ("hypercorn", "--bind", "127.0.0.1:{port}", "--workers", "1", "{target}"),
}


def _server_param(name: str) -> t.Any:
    if module_available(name) or REQUIRE:
        return name
    return pytest.param(name, marks=pytest.mark.skip(reason=f"{name} is not installed"))


SERVER_PARAMS = [_server_param(name) for name in SERVERS]


class Served(t.NamedTuple):
    server: str
    port: int
    markers: Path
    process: subprocess.Popen[bytes]
    log: t.IO[bytes]

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


def _environment(markers: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KOLBA_TESTS_AGAINST", None)
    env.update(
        KOLBA_E2E_MARKERS=str(markers),
        PYTHONPATH=os.pathsep.join(filter(None, [str(APPS), str(SRC), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return {k: v for k, v in env.items() if not k.startswith(("GRANIAN_", "UVICORN_", "HYPERCORN_"))}


@contextmanager
def launch(server: str, markers: Path, target: str = "served:app.asgi", *, ready: bool = True,
           **extra: str) -> t.Iterator[Served]:
    """Start ``server`` on ``target``; with ``ready``, wait until it answers."""
    port = free_port()
    argv = [sys.executable, "-m", *(arg.format(port=port, target=target) for arg in SERVERS[server])]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            argv, cwd=APPS, env=_environment(markers, **extra), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            if ready:
                _wait_until_ready(process, f"http://127.0.0.1:{port}/sync", log)
            yield Served(server, port, markers, process, log)
        finally:
            _stop(process)


def _markers(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    folder = tmp_path_factory.mktemp(name)
    (folder / "payload.bin").write_bytes(bytes(range(256)) * 1024)
    return folder


@pytest.fixture(scope="module", params=SERVER_PARAMS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Served]:
    with launch(request.param, _markers(tmp_path_factory, request.param)) as running:
        yield running


class Reply(t.NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> t.Any:
        return json.loads(self.body)


def fetch(served: Served, path: str, method: str = "GET", body: bytes | None = None,
          headers: dict[str, str] | None = None) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def wait_for(path: Path, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.02)
    return path.exists()


# -- plain HTTP -------------------------------------------------------------------------------


def test_sync_and_async_views(served: Served) -> None:
    sync = fetch(served, "/sync?name=caf%C3%A9")
    assert sync.status == 200 and sync.headers["Content-Type"] == "application/json"
    assert sync.json()["args"] == {"name": "caf\u00e9"} and sync.json()["kind"] == "sync"
    asynchronous = fetch(served, "/async?x=1&x=2")
    assert asynchronous.json() == {"kind": "async", "args": {"x": "1"}}


def test_json_and_form_bodies(served: Served) -> None:
    payload = {"name": "\u0142\u00f3d\u017a", "n": [1, 2, 3]}
    echoed = fetch(served, "/echo", "POST", json.dumps(payload).encode(), {"Content-Type": "application/json"})
    assert echoed.status == 200 and echoed.json() == {"json": payload}
    form = fetch(served, "/form", "POST", b"b=2&a=1", {"Content-Type": "application/x-www-form-urlencoded"})
    assert (form.status, form.body) == (200, b"a=1,b=2")


def test_404_and_413(served: Served) -> None:
    missing = fetch(served, "/nowhere")
    assert missing.status == 404 and b"Not Found" in missing.body
    too_big = fetch(served, "/form", "POST", b"a=" + b"x" * 2000, {"Content-Type": "application/x-www-form-urlencoded"})
    assert too_big.status == 413


def test_a_file_arrives_whole(served: Served) -> None:
    reply = fetch(served, "/file")
    assert reply.status == 200
    assert reply.headers["Content-Length"] == str(256 * 1024)
    assert reply.body == bytes(range(256)) * 1024


def test_server_sent_events_framing(served: Served) -> None:
    reply = fetch(served, "/events")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert reply.headers["Cache-Control"] == "no-cache"
    assert reply.body == (
        b"id: 1\nevent: greeting\ndata: hello\n\n"
        b"id: 2\ndata: two\ndata: lines\n\n"
        b'data: {"n": 3}\n\n'
    )


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_client_leaving_mid_stream_ends_the_generator(served: Served, kind: str) -> None:
    tag = f"{kind}-{time.monotonic_ns()}"
    with socket.create_connection(("127.0.0.1", served.port), timeout=TIMEOUT) as sock:
        sock.sendall(f"GET /endless/{kind}?tag={tag} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
        received = b""
        while received.count(b"tick") < 1:
            data = sock.recv(4096)
            assert data, "the server closed the stream"
            received += data
        assert received.startswith(b"HTTP/1.1 200")
    assert wait_for(served.markers / f"finally-{tag}"), served.log_text()


# -- concurrency ------------------------------------------------------------------------------


async def _get(port: int, path: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        return await reader.read()
    finally:
        writer.close()


@pytest.mark.planned_lane_only  # on the general lane every request holds a worker thread (40)
def test_200_concurrent_async_requests_on_one_uvicorn_worker(served: Served) -> None:
    if served.server != "uvicorn":
        pytest.skip("the issue's concurrency target is for uvicorn")

    async def burst() -> tuple[float, list[bytes]]:
        started = time.perf_counter()
        replies = await asyncio.wait_for(asyncio.gather(*(_get(served.port, "/sleep") for _ in range(200))), 20)
        return time.perf_counter() - started, replies

    asyncio.run(burst())  # warm up (connections, the plan, the worker pool)
    elapsed, replies = asyncio.run(burst())
    assert all(reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"slept") for reply in replies)
    print(f"200 concurrent /sleep requests: {elapsed:.2f} s")
    assert elapsed < 1.5, f"200 requests each sleeping 0.5 s took {elapsed:.2f} s"


# -- lifespan ---------------------------------------------------------------------------------


@pytest.mark.parametrize("server", SERVER_PARAMS)
def test_lifespan_hooks_run_once_and_at_shutdown(server: str, tmp_path: Path) -> None:
    with launch(server, tmp_path) as running:
        for _ in range(3):
            assert fetch(running, "/sync").status == 200
        started = sorted(p.name for p in tmp_path.glob("started-*"))
        assert len(started) == 1, started
        pid = started[0].split("-")[1]
        assert not list(tmp_path.glob("stopped-*"))
    assert wait_for(tmp_path / f"stopped-{pid}"), running.log_text()


@pytest.mark.parametrize("server", SERVER_PARAMS)
def test_a_failing_startup_stops_the_server_with_the_message(server: str, tmp_path: Path) -> None:
    with launch(server, tmp_path, ready=False, KOLBA_E2E_FAIL_STARTUP="1") as running:
        try:
            code = running.process.wait(20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{server} kept running:\n{running.log_text()}")
        log = running.log_text()
    assert "RuntimeError: the database at db.invalid:5432 is unreachable" in log
    if server != "hypercorn":  # hypercorn 0.18's parent process exits with 0
        assert code != 0
    assert not list(tmp_path.glob("started-*"))


# -- http.response.pathsend -------------------------------------------------------------------


@pytest.mark.parametrize(
    "server, expected",
    [
        pytest.param("granian", "http.response.pathsend", id="granian"),
        pytest.param("uvicorn", "http.response.body", id="uvicorn"),
    ],
)
def test_send_file_uses_pathsend_where_the_server_offers_it(server: str, expected: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    if not module_available(server) and not REQUIRE:
        pytest.skip(f"{server} is not installed")
    markers = _markers(tmp_path_factory, f"pathsend-{server}")
    with launch(server, markers, "served:recorded") as running:
        reply = fetch(running, "/file")
        assert reply.body == bytes(range(256)) * 1024
        assert wait_for(markers / "sent-file")
        assert (markers / "sent-file").read_text() == expected
