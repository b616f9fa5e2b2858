"""Testing without a server: ``app.test_client()`` and the environ builder behind it.

Werkzeug's :class:`~werkzeug.test.Client` does the HTTP work.  The Kolba
client adds what Flask's does:

* requests go to the host, scheme and root path the app's config names;
* every request has a client address and a user agent, as from a browser;
* ``json=`` bodies and ``response.json`` use the app's JSON provider;
* inside ``with client:`` the last request's contexts stay pushed, so a test
  can look at ``request``, ``session`` and ``g`` as the view left them;
* :meth:`KolbaClient.session_transaction` reads and changes the session
  stored in the client's cookies.

The CLI runner lives in ``kolba._cli_runner`` because it needs Click; it is
still importable from here.
"""

from __future__ import annotations

import os
import typing as t
from contextlib import ExitStack, contextmanager
from copy import copy
from functools import lru_cache
from urllib.parse import urlsplit

import werkzeug.test
from werkzeug.datastructures import Headers
from werkzeug.test import Client
from werkzeug.wrappers import Request as BaseRequest

if t.TYPE_CHECKING:  # pragma: no cover
    from ._asgi_client import TestWebSocket as TestWebSocket
    from ._asgi_client import WebSocketRejected as WebSocketRejected
    from werkzeug.test import TestResponse

    from .app import Kolba
    from .ctx import RequestContext
    from .sessions import SessionMixin

#: Environ key the app looks for to hand over the contexts of a request
#: (as ``environ[key](ctx)``) instead of letting them go when it ends.
_PRESERVE_KEY = "werkzeug.debug.preserve_context"


@lru_cache(maxsize=None)
def _werkzeug_version() -> str:
    """The installed Werkzeug version, for the default user agent."""
    from importlib.metadata import version

    return version("werkzeug")


def _app_base_url(
    app: Kolba, path: str, subdomain: str | None, url_scheme: str | None
) -> tuple[str, str]:
    """Split ``path`` into the base URL and local path the app's config implies.

    The host is ``SERVER_NAME`` (``localhost`` if unset) below an optional
    subdomain, the scheme ``PREFERRED_URL_SCHEME`` and the root
    ``APPLICATION_ROOT``.  A full URL given as ``path`` keeps its own
    scheme and host.
    """
    config = app.config
    host = config.get("SERVER_NAME") or "localhost"
    if subdomain:
        host = f"{subdomain}.{host}"
    if url_scheme is None:
        url_scheme = config["PREFERRED_URL_SCHEME"]
    given = urlsplit(path)
    root = config["APPLICATION_ROOT"].lstrip("/")
    base_url = f"{given.scheme or url_scheme}://{given.netloc or host}/{root}"
    local = f"{given.path}?{given.query}" if given.query else given.path
    return base_url, local


class EnvironBuilder(werkzeug.test.EnvironBuilder):
    """Werkzeug's environ builder with defaults taken from the app's config.

    Without ``base_url`` the request goes to the app's configured host,
    scheme and root (see ``SERVER_NAME``, ``PREFERRED_URL_SCHEME`` and
    ``APPLICATION_ROOT``); ``subdomain`` and ``url_scheme`` adjust those and
    so cannot be combined with ``base_url``.  The other arguments are
    Werkzeug's.
    """

    def __init__(
        self, app: Kolba, path: str = "/", base_url: str | None = None,
        subdomain: str | None = None, url_scheme: str | None = None,
        *args: t.Any, **kwargs: t.Any,
    ) -> None:
        if base_url is None:
            base_url, path = _app_base_url(app, path, subdomain, url_scheme)
        elif subdomain or url_scheme:
            raise AssertionError('Cannot pass "subdomain" or "url_scheme" with "base_url".')
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Write a ``json=`` body with the app's JSON provider."""
        return self.app.json.dumps(obj, **kwargs)


class KolbaClient(Client):
    """The client returned by ``app.test_client()``; see the module description.

    ``environ_base`` holds environ values every request starts from
    (``REMOTE_ADDR`` and ``HTTP_USER_AGENT`` by default); a request's own
    values win over them.
    """

    application: Kolba

    def __init__(
        self, application: Kolba, response_wrapper: t.Any = None, use_cookies: bool = True,
        *args: t.Any, door: str | None = None, **kwargs: t.Any,
    ) -> None:
        super().__init__(application, response_wrapper, use_cookies, *args, **kwargs)
        door = door or os.environ.get("KOLBA_TESTS_DOOR") or "wsgi"
        if door not in ("wsgi", "asgi"):
            raise ValueError(f"door must be 'wsgi' or 'asgi', not {door!r}")
        #: Which of the app's entry points requests go through: ``"wsgi"`` (the
        #: app itself) or ``"asgi"`` (``app.asgi``, run in process).  The
        #: default comes from ``KOLBA_TESTS_DOOR``, so a whole test suite can
        #: run through either.
        self.door = door
        self._uses_cookies = use_cookies
        #: Whether the app is asked to hand over each request's contexts;
        #: true inside ``with client:``.
        self.preserve_context = False
        self._handed_over: list[t.ContextManager[t.Any]] = []
        self._kept = ExitStack()
        self.environ_base = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": f"Werkzeug/{_werkzeug_version()}",
        }

    # -- sending requests -------------------------------------------------------

    def open(
        self, *args: t.Any, buffered: bool = False, follow_redirects: bool = False,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Send a request to the app and return its response.

        Takes ``EnvironBuilder``'s arguments, or one ready ``EnvironBuilder``,
        environ dict or request.  A new request ends the contexts kept from
        the previous one; inside ``with client:`` its own are kept instead.
        """
        request = self._prepare(args, kwargs)
        self._release_kept()
        response = super().open(request, buffered=buffered, follow_redirects=follow_redirects)
        response.json_module = self.application.json  # type: ignore[assignment]
        self._keep_handed_over()
        return response

    def _prepare(self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> BaseRequest:
        """Build the request ``open`` was asked for, over this client's environ."""
        given = args[0] if args else None
        if isinstance(given, werkzeug.test.EnvironBuilder):
            builder = copy(given)
            builder.environ_base = self._base_environ(given.environ_base)
            return builder.get_request()
        if isinstance(given, dict):
            return EnvironBuilder.from_environ(
                given, app=self.application, environ_base=self._base_environ(None)
            ).get_request()
        if isinstance(given, BaseRequest):
            request = copy(given)
            request.environ = self._base_environ(given.environ)
            return request
        return self._request_from_builder_args(args, kwargs)

    def _request_from_builder_args(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> BaseRequest:
        """A request from ``EnvironBuilder`` arguments, over this client's environ.

        Flask's client has this private method and extensions call it to
        build an environ the way the client would (Flask-SocketIO's test
        client does, for its handshake), so Kolba's client answers to it too.
        """
        base = self._base_environ(kwargs.get("environ_base"))
        return self._build(args, {**kwargs, "environ_base": base})

    def _build(self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> BaseRequest:
        """Build a request from ``EnvironBuilder`` arguments."""
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            return builder.get_request()
        finally:
            builder.close()

    def _base_environ(self, own: t.Mapping[str, t.Any] | None) -> dict[str, t.Any]:
        """The client's ``environ_base`` overlaid with a request's own values.

        Inside ``with client:`` it also asks the app to hand the request's
        contexts over to this client.
        """
        environ = {**self.environ_base, **(own or {})}
        if self.preserve_context:
            environ[_PRESERVE_KEY] = self._handed_over.append
        return environ

    def run_wsgi_app(
        self, environ: dict[str, t.Any], buffered: bool = False
    ) -> tuple[t.Iterable[bytes], str, Headers]:
        """Run one request through the chosen door (Werkzeug's hook for this).

        For the ASGI door, Werkzeug's own request run (cookies included) is
        pointed at a WSGI stand-in that drives ``app.asgi`` for this call.
        """
        if self.door != "asgi":
            return super().run_wsgi_app(environ, buffered)
        from ._asgi_client import ASGIAsWSGI

        app = self.application
        self.application = ASGIAsWSGI(app.asgi)  # type: ignore[assignment]
        try:
            return super().run_wsgi_app(environ, buffered)
        finally:
            self.application = app

    # -- WebSockets -------------------------------------------------------------------

    def websocket(
        self, path: str = "/", *args: t.Any, subprotocols: t.Sequence[str] = (), **kwargs: t.Any
    ) -> TestWebSocket:
        """A WebSocket to ``path``, spoken with ``app.asgi`` in process (no server).

        Use it as ``with client.websocket("/ws/room") as ws:``.  The
        handshake is built from ``EnvironBuilder`` arguments (``headers``,
        ``query_string``, ...) and carries the client's cookies.  It goes
        through the ASGI door whichever door the client uses for HTTP.
        """
        from ._asgi_client import TestWebSocket, websocket_scope

        kwargs["environ_base"] = {**self.environ_base, **(kwargs.get("environ_base") or {})}
        builder = EnvironBuilder(self.application, path, *args, **kwargs)
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        environ.update(
            HTTP_CONNECTION="Upgrade", HTTP_UPGRADE="websocket", HTTP_SEC_WEBSOCKET_VERSION="13",
            HTTP_SEC_WEBSOCKET_KEY="dGhlIHNhbXBsZSBub25jZQ==",
        )
        if subprotocols:
            environ["HTTP_SEC_WEBSOCKET_PROTOCOL"] = ", ".join(subprotocols)
        # Werkzeug's (private) way of sending the jar's cookies; pinned in tests.
        self._add_cookies_to_wsgi(environ)
        app = self.application
        handshake = BaseRequest(environ)

        def refusal(body: bytes, status: int, headers: Headers) -> TestResponse:
            response = self.response_wrapper([body], str(status), headers, request=handshake)
            response.json_module = app.json  # type: ignore[assignment]
            return response

        return TestWebSocket(app.asgi, websocket_scope(environ, subprotocols), app.json, refusal)

    # -- keeping the last request's contexts --------------------------------------

    def _keep_handed_over(self) -> None:
        """Push again the contexts the app handed over, in the order it gave them."""
        handed = self._handed_over[:]
        self._handed_over.clear()  # in place: requests' environs hold its ``append``
        for context in handed:
            self._kept.enter_context(context)

    def _release_kept(self) -> None:
        """Pop the kept contexts and forget any not yet kept.

        A redirect followed inside one ``open`` call opens a new request
        before the first one's contexts were kept; only the last request's
        contexts are worth keeping.
        """
        self._handed_over.clear()
        self._kept.close()

    def __enter__(self) -> KolbaClient:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        self.preserve_context = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.preserve_context = False
        self._release_kept()

    # -- the session -------------------------------------------------------------------

    @contextmanager
    def session_transaction(self, *args: t.Any, **kwargs: t.Any) -> t.Iterator[SessionMixin]:
        """Open the session the client's cookies hold, and store it back afterwards.

        Changes made in the ``with`` block are saved into the client's cookie
        jar when it ends, as if a view had made them.  The arguments are
        those of ``app.test_request_context()`` and describe the request the
        session is opened for.

        :raise TypeError: The client was made with ``use_cookies=False``.
        :raise RuntimeError: The session interface opened no session (the
            cookie session needs ``SECRET_KEY``).
        """
        if not self._uses_cookies:
            raise TypeError("Cookies are disabled. Create a client with 'use_cookies=True'.")
        ctx = self.application.test_request_context(*args, **kwargs)
        # Werkzeug's (private) way of sending the jar's cookies; pinned in tests.
        self._add_cookies_to_wsgi(ctx.request.environ)
        session = self._open_session(ctx)
        yield session
        self._store_session(ctx, session)

    def _open_session(self, ctx: RequestContext) -> SessionMixin:
        """Ask the session interface for the session of ``ctx``'s request."""
        app = self.application
        with ctx:
            opened = app.session_interface.open_session(app, ctx.request)
        if opened is not None:
            return opened
        raise RuntimeError("Session backend did not open a session.")

    def _store_session(self, ctx: RequestContext, session: SessionMixin) -> None:
        """Save ``session`` as a response would, and take its cookies into the jar."""
        app = self.application
        interface = app.session_interface
        if interface.is_null_session(session):
            return
        carrier = app.response_class()
        with ctx:
            interface.save_session(app, session, carrier)
        host = ctx.request.host.partition(":")[0]
        # Werkzeug's (private) way of storing Set-Cookie headers; pinned in tests.
        self._update_cookies_from_response(
            host, ctx.request.path, carrier.headers.getlist("Set-Cookie")
        )


def __getattr__(name: str) -> t.Any:
    """Import what a test may not need only when it is asked for.

    The CLI runner brings Click (``KolbaCliRunner``, also reachable as
    ``FlaskCliRunner``); the WebSocket test names bring asyncio.
    """
    value: t.Any
    if name in ("KolbaCliRunner", "FlaskCliRunner"):
        from . import _cli_runner

        value = _cli_runner.KolbaCliRunner
    elif name in ("TestWebSocket", "WebSocketRejected"):
        from . import _asgi_client

        value = getattr(_asgi_client, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value
