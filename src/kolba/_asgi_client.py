"""Driving ``app.asgi`` in process, for the test client (``door="asgi"``).

The test client builds a WSGI environ as usual; :func:`run_asgi_app` turns
it into an ASGI http scope, runs the app's ASGI door on an event loop in a
background thread, and hands back what Werkzeug's ``run_wsgi_app`` would:
the body, the status line and the headers.  Errors the app lets escape
(``PROPAGATE_EXCEPTIONS``, testing mode) are raised in the caller's thread.
"""

from __future__ import annotations

import asyncio
import threading
import typing as t

if t.TYPE_CHECKING:
    from .asgi import ASGIDoor, Message

#: The extension under which environ entries that ASGI has no field for
#: (``werkzeug.debug.preserve_context`` and other dotted keys) travel.
ENVIRON_EXTENSION = "kolba.environ"

_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def _background_loop() -> asyncio.AbstractEventLoop:
    """One event loop, in a daemon thread, shared by every test client."""
    global _loop
    with _loop_lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="kolba-test-loop", daemon=True).start()
            _loop = loop
        return _loop


def _text(value: str) -> str:
    """WSGI text (latin-1 carrying UTF-8 bytes) as ASGI's decoded text."""
    return value.encode("latin-1").decode("utf-8", "replace")


def scope_from_environ(environ: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The ASGI http scope a server would send for the request ``environ`` describes."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:]
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key
            if not value:
                continue
        else:
            continue
        headers.append((name.replace("_", "-").lower().encode("latin-1"), str(value).encode("latin-1")))
    root = _text(environ.get("SCRIPT_NAME", ""))
    carried = {
        key: value
        for key, value in environ.items()
        if "." in key and (key == "wsgi.errors" or not key.startswith("wsgi."))
    }
    scope: dict[str, t.Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": environ.get("SERVER_PROTOCOL", "HTTP/1.1").partition("/")[2] or "1.1",
        "method": environ.get("REQUEST_METHOD", "GET"),
        "scheme": environ.get("wsgi.url_scheme", "http"),
        "path": root + _text(environ.get("PATH_INFO", "")),
        "raw_path": (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1"),
        "root_path": root,
        "query_string": environ.get("QUERY_STRING", "").encode("latin-1"),
        "headers": headers,
        "server": (environ.get("SERVER_NAME", "localhost"), int(environ.get("SERVER_PORT") or 80)),
        "extensions": {ENVIRON_EXTENSION: carried},
    }
    if environ.get("REMOTE_ADDR"):
        scope["client"] = (environ["REMOTE_ADDR"], int(environ.get("REMOTE_PORT") or 0))
    return scope


async def _exchange(door: ASGIDoor, scope: dict[str, t.Any], body: bytes) -> tuple[str, list[tuple[str, str]], list[bytes]]:
    """Run one request through ``door``; the status line, headers and body chunks."""
    delivered = False
    start: Message = {}
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            start.update(message)
        elif kind == "http.response.body":
            chunks.append(message.get("body", b""))
        elif kind == "http.response.pathsend":
            with open(message["path"], "rb") as file:
                chunks.append(file.read())

    await door(scope, receive, send)
    if not start:
        raise AssertionError("the ASGI app sent no response")
    from werkzeug.http import HTTP_STATUS_CODES

    code = start["status"]
    reason = HTTP_STATUS_CODES.get(code, "UNKNOWN").upper()
    pairs = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in start.get("headers", [])]
    return f"{code} {reason}", pairs, chunks


class ASGIAsWSGI:
    """A WSGI application that answers each request through an ASGI door."""

    def __init__(self, door: ASGIDoor) -> None:
        self.door = door

    def __call__(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> list[bytes]:
        stream = environ.get("wsgi.input")
        body = stream.read() if stream is not None else b""
        future = asyncio.run_coroutine_threadsafe(
            _exchange(self.door, scope_from_environ(environ), body), _background_loop()
        )
        status, headers, chunks = future.result()
        start_response(status, headers)
        return chunks
