"""The ASGI benchmark endpoints as one bare ASGI callable: the floor any framework adds to.

The same dispatch as ``raw.py`` (a dict of static paths, a dict keyed by
the first segment for ``/<prefix>/<int>``), the body read from ``receive``,
standard-library parsing, and two ``send`` calls per reply.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl

from benchmarks.apps.common import FILLER_ROUTES

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Reply = tuple[int, bytes, bytes]

HTML = b"text/html; charset=utf-8"
JSON = b"application/json"


def _html(text: str, status: int = 200) -> Reply:
    return status, HTML, text.encode()


def _json(value: Any) -> Reply:
    return 200, JSON, json.dumps(value, separators=(",", ":")).encode()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts)


async def hello(scope: Scope, receive: Receive) -> Reply:
    return _html("Hello, World!")


async def search(scope: Scope, receive: Receive) -> Reply:
    args = parse_qs(scope["query_string"].decode("latin-1"))
    return _json(
        {
            "q": args.get("q", [""])[0],
            "page": int(args.get("page", ["1"])[0]),
            "request_id": _header(scope, b"x-request-id"),
        }
    )


async def form(scope: Scope, receive: Receive) -> Reply:
    fields = dict(parse_qsl((await _read_body(receive)).decode("latin-1"), encoding="utf-8"))
    return _html(f"fields={len(fields)} name={fields['name']} city={fields['city']}")


async def echo(scope: Scope, receive: Receive) -> Reply:
    return _json(json.loads(await _read_body(receive)))


def user(user_id: int) -> Reply:
    return _json({"id": user_id, "name": f"user{user_id}"})


def _filler(index: int) -> Callable[[int], Reply]:
    def view(id: int) -> Reply:
        return _json({"route": index, "id": id})

    return view


STATIC: dict[str, Callable[[Scope, Receive], Awaitable[Reply]]] = {"/": hello, "/search": search}
POST: dict[str, Callable[[Scope, Receive], Awaitable[Reply]]] = {"/form": form, "/echo": echo}
DYNAMIC: dict[str, Callable[[int], Reply]] = {f"r{i}": _filler(i) for i in range(FILLER_ROUTES)}
DYNAMIC["user"] = user


async def _dispatch(scope: Scope, receive: Receive) -> Reply:
    path: str = scope["path"] or "/"
    method = scope["method"]
    view = (POST if method == "POST" else STATIC).get(path)
    if view is not None and method in ("GET", "POST"):
        return await view(scope, receive)
    _, prefix, number = path.split("/", 2) if path.count("/") == 2 else ("", "", "")
    dynamic = DYNAMIC.get(prefix)
    if dynamic is not None and number.isdigit() and method == "GET":
        return dynamic(int(number))
    return _html("<h1>Not Found</h1>", 404)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        await _lifespan(receive, send)
        return
    status, content_type, body = await _dispatch(scope, receive)
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
