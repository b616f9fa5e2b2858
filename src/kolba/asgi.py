"""The ASGI door: ``app.asgi`` serves http, websocket and lifespan scopes.

An http request becomes the environ the serving core (and Werkzeug's
request) works with; the body is read before the view runs, within
``MAX_CONTENT_LENGTH``, so ``request.form``, ``get_json()`` and ``data``
stay synchronous as under WSGI.  The core runs an ``async def`` view's
request on the event loop and any other request in a worker thread
(:mod:`kolba.concurrency`); the result comes back here to be sent.

Serve it with any ASGI server::

    uvicorn module:app.asgi
    granian --interface asgi module:app.asgi
    hypercorn module:app.asgi
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
import typing as t

from werkzeug.exceptions import RequestEntityTooLarge

from .concurrency import call_either, run_in_worker

if t.TYPE_CHECKING:
    from .app import Kolba
    from .core import Result

Scope = t.MutableMapping[str, t.Any]
Message = t.MutableMapping[str, t.Any]
Receive = t.Callable[[], t.Awaitable[Message]]
Send = t.Callable[[Message], t.Awaitable[None]]

#: Bodies up to this size stay in memory; larger ones spill to a temporary file.
SPOOL_LIMIT = 1024 * 1024

#: Methods whose requests carry no body unless they say so with a header.
_BODILESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "TRACE"})

_EMPTY = b""


class ClientDisconnected(Exception):
    """The client went away while its request was being read or answered."""


# -- the environ ---------------------------------------------------------------------

_environ_keys: dict[bytes, str] = {}


def _environ_key(name: bytes) -> str:
    """The environ key of a header name as ASGI gives it (lower-case bytes)."""
    key = _environ_keys.get(name)
    if key is None:
        key = name.decode("latin-1").upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        if len(_environ_keys) < 1024:  # names a program asks for, not any a client sends
            _environ_keys[name] = key
    return key


def _wsgi_text(text: str) -> str:
    """ASGI's decoded text as WSGI carries it: UTF-8 bytes seen as latin-1."""
    return text.encode("utf-8").decode("latin-1")


#: What every environ starts from; a request's own values are set over a copy.
_BASE_ENVIRON: dict[str, t.Any] = {
    "SCRIPT_NAME": "", "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
    "SERVER_NAME": "localhost", "SERVER_PORT": "80",
    "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
    "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
}


def environ_for(scope: Scope, body: t.IO[bytes]) -> dict[str, t.Any]:
    """The WSGI environ of an http (or websocket) scope, reading from ``body``.

    perf: built over a copy of :data:`_BASE_ENVIRON`, setting only what
    differs; a dict display of every key costs several times as much.
    """
    environ = _BASE_ENVIRON.copy()
    environ["REQUEST_METHOD"] = scope.get("method", "GET")
    path = scope["path"]
    root = scope.get("root_path")
    if root:
        if path.startswith(root):
            path = path[len(root):]  # servers that follow the newer spec include it
        environ["SCRIPT_NAME"] = root if root.isascii() else _wsgi_text(root)
    environ["PATH_INFO"] = path if path.isascii() else _wsgi_text(path)
    query = scope.get("query_string")
    if query:
        environ["QUERY_STRING"] = query.decode("latin-1")
    version = scope.get("http_version")
    if version is not None and version != "1.1":
        environ["SERVER_PROTOCOL"] = "HTTP/" + version
    scheme = scope.get("scheme")
    if scheme is not None and scheme != "http":
        environ["wsgi.url_scheme"] = scheme
    server = scope.get("server")
    if server is not None:
        environ["SERVER_NAME"] = server[0]
        if server[1] is not None:
            environ["SERVER_PORT"] = str(server[1])
        elif scheme in ("https", "wss"):
            environ["SERVER_PORT"] = "443"
    client = scope.get("client")
    if client is not None:
        environ["REMOTE_ADDR"] = client[0]
        environ["REMOTE_PORT"] = str(client[1])
    environ["wsgi.input"] = body
    environ["wsgi.errors"] = sys.stderr
    environ["asgi.scope"] = scope
    known = _environ_keys
    for name, value in scope["headers"]:
        key = known.get(name) or _environ_key(name)
        text = value.decode("latin-1")
        if key in environ:
            text = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + text
        environ[key] = text
    extensions = scope.get("extensions")
    if extensions and "kolba.environ" in extensions:
        # Entries the in-process test client carries over (see kolba._asgi_client).
        environ.update(extensions["kolba.environ"])
    return environ


# -- the request body ------------------------------------------------------------------


def _declared_length(environ: dict[str, t.Any]) -> int | None:
    raw = environ.get("CONTENT_LENGTH")
    if raw is None or not raw.isdigit():
        return None
    return int(raw)


async def read_body(receive: Receive, limit: int | None) -> tuple[t.IO[bytes], bool]:
    """The whole body as a readable file, and whether it went over ``limit``.

    Reading stops at the first byte over the limit, so an oversized body is
    never held; the request then answers 413 when the view reads it.
    """
    buffer: t.IO[bytes] = io.BytesIO()
    size = 0
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "http.disconnect":
            raise ClientDisconnected()
        chunk = message.get("body", _EMPTY)
        size += len(chunk)
        if limit is not None and size > limit:
            buffer.seek(0)
            return buffer, True
        if size > SPOOL_LIMIT and isinstance(buffer, io.BytesIO):
            buffer = _spill(buffer)
        buffer.write(chunk)
        if not message.get("more_body", False):
            buffer.seek(0)
            return buffer, False


def _spill(memory: io.BytesIO) -> t.IO[bytes]:
    spooled = tempfile.TemporaryFile()
    spooled.write(memory.getvalue())
    return spooled


class _OverLimit(io.RawIOBase):
    """The body of a request that sent more than ``MAX_CONTENT_LENGTH``: reading it is a 413."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        raise RequestEntityTooLarge()


# -- sending ----------------------------------------------------------------------------


_raw_names: dict[str, bytes] = {}


def _raw_name(name: str) -> bytes:
    raw = _raw_names.get(name)
    if raw is None:
        raw = name.lower().encode("latin-1")
        if len(_raw_names) < 1024:
            _raw_names[name] = raw
    return raw


def _raw_headers(headers: t.Iterable[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """Headers as ASGI wants them: lower-case names, both sides bytes."""
    names = _raw_names
    return [
        (names.get(name) or _raw_name(name), value.encode("latin-1")) for name, value in headers
    ]


async def _watch_disconnect(receive: Receive) -> None:
    """Return when the client disconnects (after the request body, if any)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


class _Responder:
    """Sends one result: the start message, then the body, streamed if it is lazy."""

    __slots__ = ("app", "scope", "receive", "send")

    def __init__(self, app: Kolba, scope: Scope, receive: Receive, send: Send) -> None:
        self.app = app
        self.scope = scope
        self.receive = receive
        self.send = send

    async def emit(self, result: Result, environ: dict[str, t.Any], sink: None) -> None:
        """The core's ``emit``: called while the request is still current."""
        if type(result) is tuple:
            status, headers, body = result
            if type(body) is list:  # perf: the usual plain answer, sent in two messages
                send = self.send
                await send({"type": "http.response.start", "status": int(status[:3]), "headers": _raw_headers(headers)})
                await send({"type": "http.response.body", "body": _EMPTY.join(body)})
                return
        else:
            async_body = getattr(result, "response", None)
            if hasattr(async_body, "__aiter__"):
                await self._send_async_stream(result, environ, async_body)  # type: ignore[arg-type]
                return
            from .core import materialize

            status, headers, body = materialize(result, environ, None)
        await self.send_triple(status, headers, body, environ)

    async def send_triple(
        self, status: str, headers: list[tuple[str, str]], body: t.Iterable[bytes], environ: dict[str, t.Any]
    ) -> None:
        send = self.send
        if type(body) is list:
            await send({"type": "http.response.start", "status": int(status[:3]), "headers": _raw_headers(headers)})
            await send({"type": "http.response.body", "body": _EMPTY.join(body)})
            return
        path = _sendable_path(body, self.scope)
        if path is not None:
            await send({"type": "http.response.start", "status": int(status[:3]), "headers": _raw_headers(headers)})
            await send({"type": "http.response.pathsend", "path": path})
            _close(body)
            return
        await send({"type": "http.response.start", "status": int(status[:3]), "headers": _raw_headers(headers)})
        await self._stream(iter(body), body)

    async def _stream(self, chunks: t.Iterator[bytes], body: t.Any) -> None:
        """Send a lazy body chunk by chunk; stop and close it if the client leaves."""
        watcher = asyncio.ensure_future(_watch_disconnect(self.receive))
        try:
            while not watcher.done():
                chunk = await run_in_worker(next, chunks, None)
                if chunk is None:
                    await self.send({"type": "http.response.body", "body": _EMPTY})
                    return
                if chunk:
                    await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
        except Exception:
            self._body_failed()
        finally:
            watcher.cancel()
            if hasattr(body, "close"):
                await run_in_worker(body.close)

    def _body_failed(self) -> None:
        """A body failed half-way, after its status was sent.

        The only honest end is to drop the connection without completing the
        response.  Where errors propagate (testing, debug) the error goes on
        to the caller, as it does from a WSGI body; otherwise it is logged.
        """
        config = self.app.config
        propagate = config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.app.testing or self.app.debug
        if propagate:
            raise  # noqa: PLE0704 - called while handling the body's error
        self.app.logger.exception("Error while streaming a response body")

    async def _send_async_stream(
        self, response: t.Any, environ: dict[str, t.Any], chunks: t.AsyncIterator[t.Any]
    ) -> None:
        """A response whose body is an async iterator (an ``async def`` generator)."""
        headers = response.get_wsgi_headers(environ)
        await self.send(
            {"type": "http.response.start", "status": response.status_code, "headers": _raw_headers(headers.to_wsgi_list())}
        )
        watcher = asyncio.ensure_future(_watch_disconnect(self.receive))
        iterator = chunks.__aiter__()
        try:
            while not watcher.done():
                try:
                    chunk = await iterator.__anext__()
                except StopAsyncIteration:
                    await self.send({"type": "http.response.body", "body": _EMPTY})
                    return
                if isinstance(chunk, str):
                    chunk = chunk.encode(response.charset if hasattr(response, "charset") else "utf-8")
                if chunk:
                    await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
        except Exception:
            self._body_failed()
        finally:
            watcher.cancel()
            close = getattr(iterator, "aclose", None)
            if close is not None:
                await close()


def _close(body: t.Any) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()


def _sendable_path(body: t.Any, scope: Scope) -> str | None:
    """The file's path, when the body is a whole file and the server can send paths."""
    if "http.response.pathsend" not in scope.get("extensions", {}):
        return None
    source = getattr(body, "kolba_path", None)
    return source if isinstance(source, str) else None


# -- the door --------------------------------------------------------------------------


class ASGIDoor:
    """``app.asgi``: an ASGI 3 application for ``app``."""

    def __init__(self, app: Kolba) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "websocket":
            from .websockets import serve

            await serve(self.app, scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(scope, receive, send)
        else:
            raise RuntimeError(f"Kolba cannot serve ASGI scopes of type {kind!r}")

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one http request."""
        app = self.app
        environ = environ_for(scope, io.BytesIO())
        if environ["REQUEST_METHOD"] not in _BODILESS or (
            "CONTENT_LENGTH" in environ or "HTTP_TRANSFER_ENCODING" in environ
        ):
            await self._load_body(environ, receive)
        responder = _Responder(app, scope, receive, send)
        try:
            await app._core.serve_async(environ, responder.emit, None)
        except ClientDisconnected:
            return

    async def _load_body(self, environ: dict[str, t.Any], receive: Receive) -> None:
        """Read the body into ``wsgi.input`` now, within the app's size limit."""
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        declared = _declared_length(environ)
        if limit is not None and declared is not None and declared > limit:
            # Werkzeug answers 413 from the declared length before any read.
            environ["wsgi.input"] = _OverLimit()
            return
        body, over = await read_body(receive, limit)
        if over:
            environ["wsgi.input"] = _OverLimit()
            environ["wsgi.input_terminated"] = True
            return
        environ["wsgi.input"] = body
        if declared is None:
            environ["wsgi.input_terminated"] = True

    async def lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the ``before_serving`` and ``after_serving`` hooks once per worker."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.app._run_serving_hooks(self.app.before_serving_funcs, call_either)
                except BaseException as error:  # noqa: BLE001 - reported to the server
                    await send({"type": "lifespan.startup.failed", "message": _describe(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await self.app._run_serving_hooks(self.app.after_serving_funcs, call_either)
                except BaseException as error:  # noqa: BLE001 - reported to the server
                    await send({"type": "lifespan.shutdown.failed", "message": _describe(error)})
                    return
                await send({"type": "lifespan.shutdown.complete"})
                return


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
