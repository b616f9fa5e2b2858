"""WebSockets through real ASGI servers: uvicorn, hypercorn and granian.

Each server runs ``chat:app.asgi`` (tests/e2e/websocket_apps) in a
subprocess on a free loopback port; clients of the ``websockets`` package
talk to it over TCP, as browsers would.  Every wait is bounded and the
server is stopped by its PID whatever happens.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import typing as t
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e._servers import _stop, _wait_until_ready, free_port, module_available

pytestmark = pytest.mark.kolba_only  # the served app is Kolba's; Flask has no WebSockets

websockets = pytest.importorskip("websockets", minversion="13")
from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import ConnectionClosed, InvalidStatus  # noqa: E402

APPS = Path(__file__).resolve().parent / "websocket_apps"
TARGET = "chat:app.asgi"
#: Seconds any one conversation may take, handshakes included.
CONVERSATION_TIMEOUT = 15.0

#: ``{port}`` is filled in with a free loopback port.
SERVERS: dict[str, tuple[str, ...]] = {
    "uvicorn": ("-m", "uvicorn", TARGET, "--host", "127.0.0.1", "--port", "{port}", "--workers", "1"),
    "hypercorn": ("-m", "hypercorn", TARGET, "--bind", "127.0.0.1:{port}", "--workers", "1"),
    "granian": (
        "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", "{port}",
        "--workers", "1", TARGET,
    ),
}
REQUIRE = bool(os.environ.get("KOLBA_REQUIRE_E2E"))


def _server_param(name: str) -> t.Any:
    if module_available(name) or REQUIRE:
        return name
    reason = f"{name} is not installed; set KOLBA_REQUIRE_E2E=1 to make this an error"
    return pytest.param(name, marks=pytest.mark.skip(reason=reason))


@contextmanager
def _running(server: str) -> t.Iterator[int]:
    """Run the chat app under ``server``; yield its port."""
    port = free_port()
    argv = [sys.executable, *(arg.format(port=port) for arg in SERVERS[server])]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("KOLBA_TESTS_AGAINST", None)
    env.pop("KOLBA_TESTS_DOOR", None)
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            argv, cwd=APPS, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_until_ready(proc, f"http://127.0.0.1:{port}/", log)
            yield port
        finally:
            _stop(proc)


@pytest.fixture(
    scope="module",
    params=[_server_param("uvicorn"), _server_param("hypercorn"), _server_param("granian")],
)
def port(request: pytest.FixtureRequest) -> t.Iterator[int]:
    with _running(request.param) as port:
        yield port


def _talk(conversation: t.Callable[[], t.Awaitable[t.Any]]) -> t.Any:
    return asyncio.run(asyncio.wait_for(conversation(), CONVERSATION_TIMEOUT))


def test_two_clients_chat_in_one_room(port: int) -> None:
    url = f"ws://127.0.0.1:{port}/chat/lobby"

    async def conversation() -> list[str]:
        async with connect(f"{url}?name=ada") as ada, connect(f"{url}?name=bob") as bob:
            await ada.send("hello from ada")
            heard_by_bob = await bob.recv()
            await bob.send("hi ada")
            heard_by_ada = await ada.recv()
            await bob.send("and again")
            return [str(heard_by_bob), str(heard_by_ada), str(await ada.recv())]

    assert _talk(conversation) == ["ada: hello from ada", "bob: hi ada", "bob: and again"]


def test_rooms_are_apart(port: int) -> None:
    base = f"ws://127.0.0.1:{port}/chat"

    async def conversation() -> str:
        async with connect(f"{base}/red?name=r") as red, connect(f"{base}/blue?name=b") as blue:
            async with connect(f"{base}/blue?name=c") as other_blue:
                await red.send("only red hears this")
                await blue.send("blue talks")
                heard = await other_blue.recv()
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(red.recv(), 0.3)
                return str(heard)

    assert _talk(conversation) == "b: blue talks"


def test_a_refused_handshake_gets_the_hooks_response(port: int) -> None:
    async def conversation() -> tuple[int, bytes]:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f"ws://127.0.0.1:{port}/chat/lobby?token=bad"):
                pass
        response = refused.value.response
        return response.status_code, bytes(response.body or b"")

    assert _talk(conversation) == (401, b"token refused")


def test_close_codes_reach_the_client(port: int) -> None:
    async def conversation() -> list[t.Any]:
        async with connect(f"ws://127.0.0.1:{port}/chat/lobby?name=q") as ws:
            await ws.send("/quit")
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            quit_code = (ws.close_code, ws.close_reason)
        async with connect(f"ws://127.0.0.1:{port}/once") as ws:
            message = await ws.recv()
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            return [quit_code, message, ws.close_code]

    assert _talk(conversation) == [(4000, "bye"), "just this", 1000]


def test_plain_http_to_a_websocket_route_answers_426(port: int) -> None:
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/chat/lobby", timeout=10)
    with answer.value as error:
        assert error.code == 426
        assert b"uvicorn module:app.asgi" in error.read()
