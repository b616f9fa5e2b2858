"""WebSockets: ``@app.websocket`` handlers served through ``app.asgi``.

A WebSocket route is a Werkzeug websocket rule whose endpoint holds a
:class:`WebSocketRoute` (the handler inside it).  Under ASGI a ``websocket``
scope goes to :func:`serve`, which runs one connection's whole life::

    handshake -> match (full adapter, ws/wss) -> push the request context
      -> URL value preprocessors -> before_websocket hooks -> handler
      -> error handlers (before accept: an HTTP rejection; after: close 1011)
      -> after_websocket hooks -> rejection or close -> teardown

The handshake is an HTTP request, so the context pushed for a connection is
a request context over it: ``request``, ``session`` (read from the cookie
and never saved: there is no response to carry a cookie), ``g`` and
``url_for`` work as in a view, and the connection itself is
:data:`kolba.websocket`.

A plain HTTP request to a WebSocket route, and any request to one under
WSGI, answers :class:`UpgradeRequired` (426), saying what is needed.
"""

from __future__ import annotations

import asyncio
import functools
import io
import typing as t

from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException

from .asgi import ClientDisconnected, environ_for
from .concurrency import call_either, is_coroutine_function, settle, track_request_tasks
from .plans import inner_first, outer_first

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.datastructures import EnvironHeaders, ImmutableMultiDict, MultiDict

    from .app import Kolba
    from .asgi import Message, Receive, Scope, Send
    from .core import Lane
    from .ctx import RequestContext
    from .plans import EndpointPlan
    from .routing import MapAdapter, Rule
    from .wrappers import Request, Response

#: A WebSocket handler: an ``async def`` function of the rule's arguments.
Handler = t.Callable[..., t.Awaitable[t.Any]]

#: The ASGI extension that lets an app refuse a handshake with a full HTTP response.
HTTP_RESPONSE_EXTENSION = "websocket.http.response"

NORMAL_CLOSURE = 1000
ABNORMAL_CLOSURE = 1006
INTERNAL_ERROR = 1011


class WebSocketDisconnect(ClientDisconnected):
    """The other side closed the connection (or it broke).

    Raised by ``receive()`` (and by ``send()`` once the connection is gone).
    A handler may catch it to clean up; one that lets it escape ends
    quietly, and teardown still runs.  ``async for`` over a WebSocket ends
    without it.
    """

    def __init__(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        super().__init__(f"WebSocket closed with code {code}" + (f": {reason}" if reason else ""))
        #: The close code (1000 normal, 1001 going away, 1006 connection lost, ...).
        self.code = code
        self.reason = reason


class UpgradeRequired(HTTPException):
    """426: the URL is a WebSocket endpoint and the request was plain HTTP.

    Under WSGI every request to a WebSocket route gets this answer: WSGI
    cannot carry a WebSocket.  Register a handler for this class (it has no
    stock code) to answer differently.
    """

    code = 426
    description = (
        "This URL is a WebSocket endpoint: connect to it with a WebSocket"
        " client. WebSockets are served through the app's ASGI entry point"
        " by an ASGI server, for example 'uvicorn module:app.asgi'."
    )


class WebSocketRoute:
    """What ``view_functions`` holds for a WebSocket endpoint.

    Served over HTTP (a plain request, or any request under WSGI) it raises
    :class:`UpgradeRequired`; the ASGI door calls :attr:`handler` instead.
    It is not a coroutine function, so every HTTP lane calls it directly.
    """

    def __init__(self, handler: Handler) -> None:
        if not is_coroutine_function(handler):
            name = getattr(handler, "__name__", repr(handler))
            raise TypeError(f"The WebSocket handler {name!r} must be an 'async def' function.")
        #: The ``async def`` function that serves each connection.
        self.handler = handler
        functools.update_wrapper(self, handler)

    def __call__(self, **view_args: t.Any) -> t.NoReturn:
        raise UpgradeRequired()

    def __eq__(self, other: object) -> bool:
        # Registering the same handler again (another rule, another
        # registration of a blueprint) is not a conflicting endpoint.
        return isinstance(other, WebSocketRoute) and other.handler == self.handler

    def __hash__(self) -> int:
        return hash(self.handler)

    def __repr__(self) -> str:
        return f"<WebSocketRoute {getattr(self.handler, '__qualname__', self.handler)!r}>"


def _header_pairs(headers: t.Any) -> list[tuple[bytes, bytes]]:
    """Headers as given to ``accept`` (mapping, pairs or ``Headers``) in ASGI's form."""
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in Headers(headers).to_wsgi_list()
    ]


# -- the connection, as the handler sees it ----------------------------------------


class WebSocket:
    """One WebSocket connection: :data:`kolba.websocket` inside a handler.

    Receiving or sending accepts the connection first if the handler has
    not called :meth:`accept`.  The handshake request's attributes
    (``args``, ``headers``, ``cookies``, ``view_args``, ``path``, ``url``,
    ``remote_addr``, ...) are read from :attr:`request`.
    """

    if t.TYPE_CHECKING:
        # Read from the handshake request (see ``__getattr__``).
        args: MultiDict[str, str]
        headers: EnvironHeaders
        cookies: ImmutableMultiDict[str, str]
        view_args: dict[str, t.Any] | None
        url_rule: Rule | None
        endpoint: str | None
        blueprint: str | None
        path: str
        full_path: str
        url: str
        base_url: str
        host: str
        scheme: str
        root_path: str
        query_string: bytes
        remote_addr: str | None
        environ: WSGIEnvironment

    def __init__(self, app: Kolba, request: Request, scope: Scope, receive: Receive, send: Send) -> None:
        #: The handshake, as a request object (no body).
        self.request = request
        #: Subprotocols the client offered, in its order of preference.
        self.subprotocols: list[str] = list(scope.get("subprotocols") or ())
        #: The subprotocol accepted, if any.
        self.subprotocol: str | None = None
        #: The close code, once either side closed.
        self.close_code: int | None = None
        self.accepted = False
        self.closed = False
        #: Whether the client closed (or lost) the connection.
        self.client_left = False
        self._app = app
        self._receive = receive
        self._send = send
        self._can_respond = HTTP_RESPONSE_EXTENSION in (scope.get("extensions") or {})

    def __getattr__(self, name: str) -> t.Any:
        if name == "request":  # not set yet: no recursion
            raise AttributeError(name)
        return getattr(self.request, name)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open" if self.accepted else "connecting"
        return f"<WebSocket {self.request.path!r} {state}>"

    # -- the handshake ---------------------------------------------------------

    async def accept(
        self, subprotocol: str | None = None, headers: t.Any = None
    ) -> None:
        """Complete the handshake, choosing one of :attr:`subprotocols` if asked.

        ``headers`` (a mapping, pairs or ``Headers``) go on the handshake
        response where the server supports it.
        """
        if self.accepted or self.closed:
            raise RuntimeError("The WebSocket was accepted or closed already.")
        if subprotocol is not None and subprotocol not in self.subprotocols:
            raise ValueError(
                f"The client did not offer the subprotocol {subprotocol!r}"
                f" (it offered {self.subprotocols!r})."
            )
        message: dict[str, t.Any] = {"type": "websocket.accept", "subprotocol": subprotocol}
        if headers:
            message["headers"] = _header_pairs(headers)
        await self._transmit(message)
        self.accepted = True
        self.subprotocol = subprotocol

    async def _refuse(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        """Refuse the handshake with an HTTP response (403 if the server cannot send one)."""
        self.closed = True
        if not self._can_respond:
            await self._quietly({"type": "websocket.close", "code": 1008})
            return
        await self._quietly(
            {"type": "websocket.http.response.start", "status": status, "headers": _header_pairs(headers)}
        )
        await self._quietly({"type": "websocket.http.response.body", "body": body})

    # -- messages -------------------------------------------------------------------

    async def receive(self) -> str | bytes:
        """The next message: ``str`` for a text frame, ``bytes`` for a binary one.

        :raise WebSocketDisconnect: The connection was closed, by either side.
        """
        if not self.accepted and not self.closed:
            await self.accept()
        if self.closed:
            raise WebSocketDisconnect(self.close_code or NORMAL_CLOSURE)
        message = await self._receive()
        kind = message["type"]
        if kind == "websocket.receive":
            text = message.get("text")
            return text if text is not None else message.get("bytes") or b""
        if kind == "websocket.disconnect":
            code = message.get("code") or 1005  # "no status received"
            self._gone(code)
            raise WebSocketDisconnect(code, message.get("reason") or "")
        raise RuntimeError(f"Unexpected ASGI message {kind!r} on a WebSocket.")

    async def receive_json(self) -> t.Any:
        """The next message, parsed as JSON with the app's JSON provider."""
        return self._app.json.loads(await self.receive())

    async def send(self, data: str | bytes) -> None:
        """Send ``data``: ``str`` as a text frame, ``bytes`` as a binary one."""
        if isinstance(data, str):
            message: dict[str, t.Any] = {"type": "websocket.send", "text": data}
        elif isinstance(data, (bytes, bytearray, memoryview)):
            message = {"type": "websocket.send", "bytes": bytes(data)}
        else:
            raise TypeError(f"send() takes str or bytes, not {type(data).__name__}; use send_json().")
        if not self.accepted and not self.closed:
            await self.accept()
        if self.closed:
            raise WebSocketDisconnect(self.close_code or NORMAL_CLOSURE)
        await self._transmit(message)

    async def send_json(self, value: t.Any) -> None:
        """Send ``value`` as JSON text, written by the app's JSON provider."""
        await self.send(self._app.json.dumps(value))

    async def close(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        """Close the connection; before :meth:`accept` this refuses the handshake (403).

        Closing a closed connection does nothing.
        """
        if not self.closed:
            self.closed, self.close_code = True, code
            await self._quietly({"type": "websocket.close", "code": code, "reason": reason})

    def __aiter__(self) -> t.AsyncIterator[str | bytes]:
        """Each message until the connection closes (then the loop just ends)."""
        return self._messages()

    async def _messages(self) -> t.AsyncIterator[str | bytes]:
        while True:
            try:
                message = await self.receive()
            except WebSocketDisconnect:
                return
            yield message

    # -- sending through the server ------------------------------------------------

    def _gone(self, code: int) -> None:
        self.closed = True
        self.client_left = True
        self.close_code = code

    async def _transmit(self, message: Message) -> None:
        """Send a message; a connection the server reports gone raises WebSocketDisconnect."""
        try:
            await self._send(message)
        except OSError as error:  # the ASGI spec's report of a closed connection
            self._gone(ABNORMAL_CLOSURE)
            raise WebSocketDisconnect(ABNORMAL_CLOSURE) from error

    async def _quietly(self, message: Message) -> None:
        """Send a closing message; a client already gone needs no goodbye."""
        try:
            await self._send(message)
        except OSError:
            self.client_left = True


# -- one connection's life ---------------------------------------------------------------


def _bind_and_match(ctx: RequestContext, secure: bool) -> None:
    """Match the handshake against the websocket rules, through the full adapter.

    The compiled fast matcher knows nothing of websocket rules, so this is
    the adapter's match with ``websocket=True``.  A ``wss`` handshake that
    carries ``Upgrade`` headers is bound as ``ws`` by Werkzeug's environ
    binding; its scheme is put right so external URLs keep TLS.
    """
    try:
        adapter: MapAdapter | None = ctx.url_adapter
        if adapter is None:
            return
        if secure and adapter.url_scheme == "ws":
            adapter.url_scheme = "wss"
        rule, args = adapter.match(return_rule=True, websocket=True)
    except HTTPException as error:
        ctx._record_match(None, None, error)
    else:
        ctx._record_match(rule, dict(args), None)


def _handshake_environ(scope: Scope) -> dict[str, t.Any]:
    """The environ of a websocket scope: a GET with a ``ws``/``wss`` URL scheme."""
    environ = environ_for(scope, io.BytesIO())
    scheme = scope.get("scheme") or "ws"
    environ["wsgi.url_scheme"] = "wss" if scheme in ("wss", "https") else "ws"
    environ["REQUEST_METHOD"] = "GET"
    return environ


async def serve(app: Kolba, scope: Scope, receive: Receive, send: Send) -> None:
    """Serve one ``websocket`` scope, from the handshake to the teardown."""
    if (await receive())["type"] != "websocket.connect":
        return  # the client left before the handshake
    from . import core

    lane = app._core.lane
    if lane.epoch != core._receivers_epoch:
        lane = app._core.decide()
    environ = _handshake_environ(scope)
    ctx = app.request_context(environ)
    _bind_and_match(ctx, environ["wsgi.url_scheme"] == "wss")
    socket = WebSocket(app, ctx.request, scope, receive, send)
    ctx.websocket = socket  # type: ignore[attr-defined]  # read by kolba.websocket
    connection = _Connection(app, ctx, socket, lane)
    track_request_tasks(asyncio.get_running_loop())
    error: BaseException | None = None
    try:
        ctx.push()
        await connection.run()
        error = connection.error
    except BaseException as escaped:
        error = escaped
        raise
    finally:
        # Tasks the handler started end before its teardown, as for a request.
        if ctx._tasks:
            await settle(ctx._tasks)
        await app._core._pop_async(ctx, error)


class _Connection:
    """The steps of one connection, in the order :func:`serve` runs them."""

    def __init__(self, app: Kolba, ctx: RequestContext, socket: WebSocket, lane: Lane) -> None:
        self.app = app
        self.ctx = ctx
        self.socket = socket
        self.lane = lane
        rule = ctx.url_rule
        self.endpoint = None if rule is None else rule.endpoint
        # The HTTP plan of the endpoint knows its blueprints and its URL value
        # preprocessors; the websocket hook chains are worked out here.
        self.plan: EndpointPlan = app._core.plan_for(self.endpoint)
        scopes = self.plan.blueprints
        self.before = outer_first(app.before_websocket_funcs, scopes)
        self.after = inner_first(app.after_websocket_funcs, scopes)
        #: The error nothing handled, for the teardown callbacks.
        self.error: Exception | None = None

    async def run(self) -> None:
        try:
            answer = await self.dispatch()
        except Exception as error:
            answer = await self.failed(error)
        rejection = await self.finish(answer)
        await self.end(rejection)

    async def dispatch(self) -> t.Any:
        """Preprocessors, before hooks and the handler; a value they return rejects."""
        ctx = self.ctx
        if ctx.routing_exception is not None:
            raise ctx.routing_exception
        view_args = ctx.view_args if ctx.view_args is not None else {}
        for preprocess in self.plan.url_preprocessors:
            preprocess(self.endpoint, view_args)
        for hook in self.before:
            answer = await call_either(hook)
            if answer is not None:
                return answer
        return await self._handler()(**view_args)

    def _handler(self) -> Handler:
        view = self.app.view_functions.get(t.cast(str, self.endpoint))
        if isinstance(view, WebSocketRoute):
            return view.handler
        if view is not None and is_coroutine_function(view):
            return t.cast(Handler, view)  # set directly in view_functions
        raise TypeError(f"The endpoint {self.endpoint!r} has no 'async def' WebSocket handler.")

    async def failed(self, error: Exception) -> t.Any:
        """Handle an error from a hook or the handler; the value to reject with, if any.

        Called while ``error`` is being handled.  Once the connection is
        accepted nothing can be sent but a close: a registered handler
        still runs (an async one may send a last message), then the
        connection closes with 1011.
        """
        socket = self.socket
        if isinstance(error, WebSocketDisconnect) and socket.client_left:
            return None  # the client went away: nothing to answer
        try:
            answer = await self.app._core._user_error_async(error, self.plan, self.lane)
        except Exception as unhandled:
            return await self.unhandled(unhandled)
        if socket.accepted:
            await socket.close(INTERNAL_ERROR)
            return None
        return answer

    async def unhandled(self, error: Exception) -> t.Any:
        """An error nothing handled: propagate it (testing, debug) or log it.

        Before accept the answer is the 500 response; after it, the client
        is told with a 1011 close before the error goes any further.
        """
        self.error = error
        if self.socket.accepted:
            await self.socket.close(INTERNAL_ERROR)
            self.app._server_error(error)
            return None
        answer, handler = self.app._server_error(error)
        if handler is not None:
            answer = await call_either(handler, answer)
        return answer

    async def finish(self, answer: t.Any) -> Response | None:
        """The rejection response (None once accepted), after the after_websocket hooks.

        Each hook gets the response (or None) and may return another one.
        """
        socket = self.socket
        response: Response | None = None
        try:
            if answer is not None and not socket.accepted and not socket.closed:
                response = self.app.make_response(answer)
            for hook in self.after:
                replaced = await call_either(hook, response)
                if replaced is not None:
                    response = replaced
        except Exception as error:
            late = await self.unhandled(error)
            response = None if late is None else self.app.make_response(late)
        return response

    async def end(self, rejection: Response | None) -> None:
        """Send the rejection, or close the connection if it is still open (1000)."""
        socket = self.socket
        if socket.closed:
            return
        if rejection is None or socket.accepted:
            await socket.close(NORMAL_CLOSURE)  # before accept, this refuses (403)
            return
        from .core import materialize

        ready = materialize(rejection, self.ctx.environ, None)
        if type(ready) is not tuple:  # a body only the loop can iterate
            payload = b"".join([bytes(chunk) async for chunk in ready.response])  # type: ignore[union-attr]
            await socket._refuse(ready.status_code, ready.headers.to_wsgi_list(), payload)  # type: ignore[union-attr]
            return
        status, headers, body = ready
        try:
            payload = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        await socket._refuse(int(status[:3]), headers, payload)
