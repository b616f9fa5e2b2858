"""Calling an ASGI app in process: prepared scopes, captured replies, timed batches.

Every app runs on one event loop that lives as long as the process, as it
would under a server; its lifespan is started once before the first
request.  Per request the app gets a fresh copy of the scope, a
``receive`` that hands over the body in one message and then waits (a
client that stays connected), and a ``send`` that keeps (when verifying)
or drops (when timing) what it is given.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, Mapping
from itertools import repeat
from time import process_time
from typing import Any

from benchmarks.harness import Reply

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

_loop: asyncio.AbstractEventLoop | None = None
#: Per started app (by id): its lifespan task and that task's inbox.
_started: dict[int, tuple[asyncio.Task[None], asyncio.Queue[Message]]] = {}


def loop() -> asyncio.AbstractEventLoop:
    """The process's one event loop for in-process ASGI calls."""
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
    return _loop


def build_scope(
    method: str, path: str, query: str = "", headers: Mapping[str, str] | None = None,
    content_type: str = "", body: bytes = b"",
) -> Scope:
    """The http scope a server sends for one plain HTTP/1.1 request (as ``base_environ``)."""
    raw = [
        (b"host", b"localhost"),
        (b"user-agent", b"kolba-bench/1.0"),
        (b"accept", b"*/*"),
    ]
    if body or method in ("POST", "PUT", "PATCH"):
        raw.append((b"content-length", str(len(body)).encode()))
    if content_type:
        raw.append((b"content-type", content_type.encode("latin-1")))
    raw.extend((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in (headers or {}).items())
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode("latin-1"),
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
        "extensions": {},
    }


async def _never() -> Message:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


def _receiver(body: bytes) -> Callable[[], Awaitable[Message]]:
    """``receive`` for one request: the whole body, then a client that stays."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> Message:
        if pending:
            return pending.pop()
        return await _never()

    return receive


async def _discard(message: Message) -> None:
    pass


def start_lifespan(app: ASGIApp) -> None:
    """Run the app's lifespan startup once (apps that refuse lifespan are left as they are)."""
    if id(app) in _started:
        return
    running = loop()
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    done: asyncio.Future[None] = running.create_future()

    async def send(message: Message) -> None:
        if message["type"].startswith("lifespan.startup") and not done.done():
            if message["type"].endswith("failed"):
                done.set_exception(RuntimeError(message.get("message", "startup failed")))
            else:
                done.set_result(None)

    async def life() -> None:
        try:
            await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, send)
        except Exception:
            pass
        if not done.done():
            done.set_result(None)  # an app without lifespan support

    inbox.put_nowait({"type": "lifespan.startup"})
    _started[id(app)] = (running.create_task(life()), inbox)
    running.run_until_complete(done)


def stop_lifespans() -> None:
    """Send every started app its lifespan shutdown and wait (briefly) for it to end."""
    if not _started:
        return
    running = loop()
    tasks = []
    for task, inbox in _started.values():
        inbox.put_nowait({"type": "lifespan.shutdown"})
        tasks.append(task)
    _started.clear()
    running.run_until_complete(asyncio.wait(tasks, timeout=5))
    for task in tasks:
        task.cancel()
    running.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def call(app: ASGIApp, template: Scope, body: bytes) -> Reply:
    """Make one request and keep everything the app sent back."""
    start_lifespan(app)
    sent: list[Message] = []

    async def keep(message: Message) -> None:
        sent.append(message)

    loop().run_until_complete(app(dict(template), _receiver(body), keep))
    starts = [m for m in sent if m["type"] == "http.response.start"]
    if len(starts) != 1:
        raise RuntimeError(f"the app sent {len(starts)} response starts")
    status = int(starts[0]["status"])
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in starts[0].get("headers", [])]
    chunks = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    return Reply(f"{status} -", headers, b"".join(chunks))


async def _batch(app: ASGIApp, template: Scope, body: bytes, count: int) -> float:
    copy = template.copy
    receiver = _receiver
    send = _discard
    started = process_time()
    for _ in repeat(None, count):
        await app(copy(), receiver(body), send)
    return process_time() - started


def run_batch(app: ASGIApp, template: Scope, body: bytes, count: int) -> float:
    """Make ``count`` requests on the loop and return the CPU seconds they took."""
    start_lifespan(app)
    gc.collect()
    return loop().run_until_complete(_batch(app, template, body, count))
