"""Calling an ASGI app in-process, the twin of :mod:`benchmarks.harness` for WSGI.

A batch runs on one event loop: each request gets a fresh scope and a
``receive`` that hands over the body once, the app's messages are
discarded (or, for :func:`call`, kept), and the CPU time of the whole
batch is returned.  No server takes part, as with the WSGI harness.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, MutableMapping
from itertools import repeat
from time import process_time
from typing import Any

from benchmarks.harness import Reply

Scope = dict[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


def base_scope(
    method: str, path: str, query: str = "", headers: dict[str, str] | None = None,
    content_type: str = "", body: bytes = b"",
) -> Scope:
    """The http scope an ASGI server would pass for one plain HTTP/1.1 request."""
    pairs = [(b"host", b"localhost"), (b"user-agent", b"kolba-bench/1.0"), (b"accept", b"*/*")]
    if body or method in ("POST", "PUT", "PATCH"):
        pairs.append((b"content-length", str(len(body)).encode()))
    if content_type:
        pairs.append((b"content-type", content_type.encode("latin-1")))
    for name, value in (headers or {}).items():
        pairs.append((name.lower().encode("latin-1"), value.encode("latin-1")))
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": query.encode("latin-1"), "root_path": "", "headers": pairs,
        "client": ("127.0.0.1", 50000), "server": ("localhost", 80),
    }


def _receiver(body: bytes) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _discard(message: Message) -> None:
    pass


def call(app: ASGIApp, template: Scope, body: bytes) -> Reply:
    """Make one request and keep everything the app sent back."""
    messages: list[Message] = []

    async def send(message: Message) -> None:
        messages.append(message)

    async def once() -> None:
        await app(dict(template), _receiver(body), send)

    asyncio.run(once())
    start = next((m for m in messages if m["type"] == "http.response.start"), None)
    if start is None:
        raise RuntimeError("the app never sent http.response.start")
    status = int(start["status"])
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", ())]
    data = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return Reply(f"{status} ", headers, data)


def run_batch(app: ASGIApp, template: Scope, body: bytes, count: int) -> float:
    """Make ``count`` requests on one event loop and return the CPU seconds they took."""

    async def batch() -> None:
        copy = template.copy
        for _ in repeat(None, count):
            await app(copy(), _receiver(body), _discard)

    loop = asyncio.new_event_loop()
    try:
        gc.collect()
        started = process_time()
        loop.run_until_complete(batch())
        return process_time() - started
    finally:
        loop.close()
