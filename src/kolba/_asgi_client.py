"""Driving ``app.asgi`` in process, for the test client (``door="asgi"``).

The test client builds a WSGI environ as usual; :func:`run_asgi_app` turns
it into an ASGI http scope, runs the app's ASGI door on an event loop in a
background thread, and hands back what Werkzeug's ``run_wsgi_app`` would:
the body, the status line and the headers.  Errors the app lets escape
(``PROPAGATE_EXCEPTIONS``, testing mode) are raised in the caller's thread.

:class:`TestWebSocket` is ``client.websocket(path)``: a WebSocket
conversation with the door on the same loop, whichever door the client
uses for HTTP.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
import typing as t

from werkzeug.datastructures import Headers

if t.TYPE_CHECKING:
    from concurrent.futures import Future
    from types import TracebackType

    from .asgi import ASGIDoor, Message
    from werkzeug.test import TestResponse

    from .json.provider import JSONProvider

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
    pairs = [
        (_canonical(name.decode("latin-1")), value.decode("latin-1"))
        for name, value in start.get("headers", [])
    ]
    return f"{code} {reason}", pairs, chunks


#: Header names whose usual spelling is not plain title case.
_SPELLINGS = {
    "etag": "ETag", "www-authenticate": "WWW-Authenticate", "content-md5": "Content-MD5",
    "x-xss-protection": "X-XSS-Protection", "x-ua-compatible": "X-UA-Compatible",
    "dnt": "DNT", "te": "TE", "x-request-id": "X-Request-Id", "x-csrftoken": "X-CSRFToken",
    "x-csrf-token": "X-CSRF-Token", "x-ratelimit-limit": "X-RateLimit-Limit",
    "x-ratelimit-remaining": "X-RateLimit-Remaining", "x-ratelimit-reset": "X-RateLimit-Reset",
}


def _canonical(name: str) -> str:
    """A header name as WSGI apps usually spell it (ASGI sends it lower-case).

    Names are case-insensitive; this only keeps tests that compare header
    lists readable in either door.
    """
    spelled = _SPELLINGS.get(name)
    if spelled is not None:
        return spelled
    return "-".join(part.capitalize() for part in name.split("-"))


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


# -- WebSockets ----------------------------------------------------------------------------


def websocket_scope(environ: t.Mapping[str, t.Any], subprotocols: t.Sequence[str]) -> dict[str, t.Any]:
    """The ASGI websocket scope a server would send for a handshake to ``environ``'s URL."""
    scope = scope_from_environ(environ)
    del scope["method"]
    scope["type"] = "websocket"
    scope["scheme"] = "wss" if scope["scheme"] in ("https", "wss") else "ws"
    scope["subprotocols"] = list(subprotocols)
    scope["extensions"]["websocket.http.response"] = {}
    return scope


class WebSocketRejected(Exception):
    """The app refused the handshake; :attr:`response` is its HTTP answer.

    An app that closes before accepting gets the 403 a server would send.
    """

    def __init__(self, response: TestResponse) -> None:
        super().__init__(f"The WebSocket handshake was refused: {response.status}")
        self.response = response
        self.status_code = response.status_code


#: Put on the outbox when the app's coroutine has ended, however it ended.
_ENDED: t.Any = object()


class TestWebSocket:
    """A WebSocket to ``app.asgi``, in process; made by ``client.websocket(path)``.

    Use it as a context manager: entering makes the handshake (raising
    :class:`WebSocketRejected` if the app refuses), leaving closes the
    connection and waits for the handler to end.  An error the app lets
    escape (testing mode propagates them) is raised in the test, by the
    call that finds the app ended or when the block ends.
    """

    __test__ = False  # not a pytest test class

    #: Seconds to wait for the app to send something, or to end.
    timeout = 10.0

    def __init__(
        self, door: ASGIDoor, scope: dict[str, t.Any], json: JSONProvider,
        respond: t.Callable[[bytes, int, Headers], TestResponse],
    ) -> None:
        self._door = door
        self._scope = scope
        self._json = json
        self._respond = respond
        self._loop = _background_loop()
        self._inbox: asyncio.Queue[Message] = asyncio.Queue()
        self._outbox: queue.Queue[t.Any] = queue.Queue()
        self._future: Future[None] | None = None
        self._ended = False
        self._reported = False
        self.closed = False
        #: The subprotocol the app accepted, and the headers of its handshake response.
        self.subprotocol: str | None = None
        self.accept_headers = Headers()
        #: The close code and reason, once either side closed.
        self.close_code: int | None = None
        self.close_reason = ""

    # -- the conversation -----------------------------------------------------------

    def __enter__(self) -> TestWebSocket:
        self._put({"type": "websocket.connect"})
        self._future = asyncio.run_coroutine_threadsafe(self._run(), self._loop)
        message = self._next(self.timeout)
        kind = None if message is None else message["type"]
        if kind == "websocket.accept":
            assert message is not None
            self.subprotocol = message.get("subprotocol")
            self.accept_headers = Headers(
                [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers") or ()]
            )
            return self
        self.closed = True
        if kind == "websocket.http.response.start":
            assert message is not None
            response = self._refusal(message)
        elif kind == "websocket.close":
            response = self._respond(b"", 403, Headers())
        else:
            raise AssertionError(f"The app neither accepted nor refused the WebSocket (sent {kind!r}).")
        self._join()
        raise WebSocketRejected(response)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.closed:
            self.closed = True
            self.close_code = 1000
            self._put({"type": "websocket.disconnect", "code": 1000, "reason": ""})
        # With an error on its way out of the block, the app's cannot replace it.
        self._join(raising=kind is None)

    def send(self, data: str | bytes) -> None:
        """Send a text (``str``) or binary (``bytes``) message to the app."""
        if self.closed:
            raise RuntimeError("The WebSocket is closed.")
        key = "text" if isinstance(data, str) else "bytes"
        self._put({"type": "websocket.receive", key: data})

    def send_json(self, value: t.Any) -> None:
        """Send ``value`` as JSON text, written by the app's JSON provider."""
        self.send(self._json.dumps(value))

    def receive(self, timeout: float | None = None) -> str | bytes:
        """The app's next message (``str`` or ``bytes``), waiting up to ``timeout`` seconds.

        :raise WebSocketDisconnect: The app closed the connection (after the
            handler ended; an error it let escape is raised instead).
        """
        from .websockets import WebSocketDisconnect

        if self.closed:
            raise WebSocketDisconnect(self.close_code or 1000, self.close_reason)
        message = self._next(self.timeout if timeout is None else timeout)
        if message is not None and message["type"] == "websocket.send":
            text = message.get("text")
            return text if text is not None else message.get("bytes") or b""
        self.closed = True
        if message is None:
            self.close_code = 1006  # ended without a close
        else:
            self.close_code = message.get("code", 1000)
            self.close_reason = message.get("reason") or ""
            self._put({"type": "websocket.disconnect", "code": self.close_code})
        self._join()
        raise WebSocketDisconnect(t.cast(int, self.close_code), self.close_reason)

    def receive_json(self, timeout: float | None = None) -> t.Any:
        """The app's next message, parsed as JSON."""
        return self._json.loads(self.receive(timeout))

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the connection and wait for the handler to end."""
        if not self.closed:
            self.closed = True
            self.close_code, self.close_reason = code, reason
            self._put({"type": "websocket.disconnect", "code": code, "reason": reason})
        self._join()

    # -- the app's side -------------------------------------------------------------

    async def _run(self) -> None:
        async def send(message: Message) -> None:
            self._outbox.put(message)

        try:
            await self._door(self._scope, self._inbox.get, send)
        finally:
            self._outbox.put(_ENDED)

    def _put(self, message: Message) -> None:
        if message["type"] != "websocket.connect" and self._future is None:
            raise RuntimeError("Open the WebSocket first: 'with client.websocket(path) as ws:'.")
        self._loop.call_soon_threadsafe(self._inbox.put_nowait, message)

    def _next(self, timeout: float) -> Message | None:
        """The app's next message; None once it ended (its error, if any, is raised)."""
        if self._ended:
            return None
        if self._future is None:
            raise RuntimeError("Open the WebSocket first: 'with client.websocket(path) as ws:'.")
        try:
            item = self._outbox.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"The app sent nothing on the WebSocket within {timeout} s.") from None
        if item is _ENDED:
            self._ended = True
            self._raise_app_error()
            return None
        return t.cast("Message", item)

    def _join(self, raising: bool = True) -> None:
        """Wait for the app's coroutine to end, then raise the error it let escape."""
        deadline = time.monotonic() + self.timeout
        while not self._ended:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                assert self._future is not None
                self._future.cancel()
                self._ended = self._reported = True
                if not raising:
                    return
                raise TimeoutError(f"The WebSocket handler did not end within {self.timeout} s of the close.")
            try:
                self._ended = self._outbox.get(timeout=remaining) is _ENDED
            except queue.Empty:
                continue
        if raising:
            self._raise_app_error()

    def _raise_app_error(self) -> None:
        assert self._future is not None
        if self._reported:
            return
        self._reported = True
        error = self._future.exception(timeout=self.timeout)
        if error is not None:
            raise error

    # -- a refused handshake ---------------------------------------------------------

    def _refusal(self, start: Message) -> TestResponse:
        chunks = []
        while True:
            message = self._next(self.timeout)
            if message is None or message["type"] != "websocket.http.response.body":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers") or ()])
        return self._respond(b"".join(chunks), start["status"], headers)
