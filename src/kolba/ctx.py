"""Application and request contexts.

A context is pushed by setting the single context variable of
:mod:`kolba.globals` to an ``(app_context, request_context)`` pair and popped
by resetting it, so contexts are isolated per thread and per asyncio task.
Everything a request may not need (the request object, the session, the URL
adapter, ``g``) is created on first use.
"""

from __future__ import annotations

import contextvars
import sys
import typing as t
from functools import update_wrapper

from werkzeug.exceptions import BadHost, HTTPException, NotFound

from .globals import _cv_frame, _no_app_msg, _no_req_msg

if t.TYPE_CHECKING:
    from types import TracebackType

    from _typeshed.wsgi import WSGIEnvironment
    from .routing import MapAdapter, Rule

    from .app import Kolba
    from .sessions import SessionMixin
    from .wrappers import Request, Response

_sentinel = object()
_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])


class _AppCtxGlobals:
    """The ``g`` namespace: free storage for the length of an app context."""

    def __getattr__(self, name: str) -> t.Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    if t.TYPE_CHECKING:
        # Any attribute may be set; at run time object's own setter does it.
        def __setattr__(self, name: str, value: t.Any) -> None: ...

    def get(self, name: str, default: t.Any | None = None) -> t.Any:
        """Return an attribute, or ``default`` when it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _sentinel) -> t.Any:
        """Remove an attribute and return it; without a default, raise KeyError."""
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """Return an attribute, setting it to ``default`` first if missing."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        frame = _cv_frame.get(None)
        if frame is not None:
            return f"<kolba.g of '{frame[0].app.name}'>"
        return object.__repr__(self)


_Ctx = t.TypeVar("_Ctx", bound="_PushPop")


class _PushPop:
    """``with ctx:`` pushes on entry and pops on exit, passing the error along."""

    __slots__ = ()

    def push(self) -> None:
        raise NotImplementedError

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        raise NotImplementedError

    def __enter__(self: _Ctx) -> _Ctx:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)


class AppContext(_PushPop):
    """Makes an app current: ``current_app`` and ``g`` work inside it."""

    __slots__ = ("app", "_url_adapter", "_g", "_tokens", "__weakref__")

    def __init__(self, app: Kolba) -> None:
        self.app = app
        self._url_adapter: t.Any = _sentinel
        self._g: t.Any = None
        self._tokens: list[contextvars.Token[t.Any]] = []

    @property
    def g(self) -> _AppCtxGlobals:
        """The ``g`` object of this context, created on first use."""
        g = self._g
        if g is None:
            g = self._g = self.app.app_ctx_globals_class()
        return g  # type: ignore[no-any-return]

    @g.setter
    def g(self, value: _AppCtxGlobals) -> None:
        self._g = value

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The adapter that builds URLs outside a request (needs SERVER_NAME)."""
        adapter = self._url_adapter
        if adapter is _sentinel:
            adapter = self._url_adapter = self.app.create_url_adapter(None)
        return adapter  # type: ignore[no-any-return]

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._url_adapter = value

    def push(self) -> None:
        """Make this context current; pushes may nest and repeat."""
        frame = _cv_frame.get(None)
        request_ctx = None if frame is None else frame[1]
        self._tokens.append(_cv_frame.set((self, request_ctx)))
        self.app._send_signal("appcontext_pushed")

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Undo the matching push; the last pop runs the teardown callbacks."""
        try:
            if len(self._tokens) == 1:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_appcontext(exc)
        finally:
            current = _cv_frame.get(None)
            _cv_frame.reset(self._tokens.pop())
        if current is None or current[0] is not self:
            raise AssertionError(
                f"Popped wrong app context. ({current and current[0]!r} instead of {self!r})"
            )
        self.app._send_signal("appcontext_popped")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.app.name!r}>"


class RequestContext(_PushPop):
    """Everything about one request: the request, its match, its session.

    The request object, session and URL adapter are created on first use.
    Matching happens at push time, so hooks and ``request.endpoint`` see the
    result, as in Flask.
    """

    __slots__ = (
        "app",
        "environ",
        "_request",
        "_url_adapter",
        "_session",
        "url_rule",
        "view_args",
        "routing_exception",
        "flashes",
        "_after_request_functions",
        "_tokens",
        "_app_ctx",
        "__weakref__",
    )

    def __init__(
        self,
        app: Kolba,
        environ: WSGIEnvironment,
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        self.environ = environ
        self._request = request
        self._url_adapter: t.Any = _sentinel
        self._session = session
        self.url_rule: Rule | None = None
        self.view_args: dict[str, t.Any] | None = None
        self.routing_exception: Exception | None = None
        self.flashes: list[tuple[str, str]] | None = None
        self._after_request_functions: list[t.Callable[[t.Any], t.Any]] = []
        self._tokens: list[tuple[contextvars.Token[t.Any], AppContext | None]] = []
        self._app_ctx: AppContext | None = None

    # -- lazily created parts ---------------------------------------------

    @property
    def request(self) -> Request:
        """The request object, built the first time anything reads it."""
        request = self._request
        if request is None:
            request = self._request = self.app.request_class(self.environ)
            request.json_module = self.app.json
            request.url_rule = self.url_rule
            request.view_args = self.view_args
            request.routing_exception = self.routing_exception
        return request

    @request.setter
    def request(self, value: Request) -> None:
        self._request = value

    def _open_session(self) -> SessionMixin:
        """Open the session without marking it accessed (for saving it)."""
        session = self._session
        if session is None:
            interface = self.app.session_interface
            session = interface.open_session(self.app, self.request)
            if session is None:
                session = interface.make_null_session(self.app)
            self._session = session
        return session

    @property
    def session(self) -> SessionMixin:
        """The session, opened on first use; reading it marks it accessed."""
        session = self._open_session()
        session.accessed = True
        return session

    @session.setter
    def session(self, value: SessionMixin | None) -> None:
        self._session = value

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The adapter bound to this request, for full matching and building."""
        adapter = self._url_adapter
        if adapter is _sentinel:
            adapter = self._url_adapter = self.app.create_url_adapter(self.request)
        return adapter  # type: ignore[no-any-return]

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._url_adapter = value

    # -- matching ----------------------------------------------------------

    def _set_routing_result(
        self, rule: Rule | None, view_args: dict[str, t.Any] | None, exc: Exception | None
    ) -> None:
        self.url_rule = rule
        self.view_args = view_args
        self.routing_exception = exc
        request = self._request
        if request is not None:
            request.url_rule = rule
            request.view_args = view_args
            request.routing_exception = exc

    def match_request(self) -> None:
        """Match the URL: the compiled fast path first, the full adapter if needed."""
        app = self.app
        if self.routing_exception is not None:
            return
        if app._fast_match_ok and app.config["TRUSTED_HOSTS"] is None:
            environ = self.environ
            host = environ.get("HTTP_HOST")
            if host is not None and host not in _valid_hosts and app.config["SERVER_NAME"] is None:
                # The full adapter rejects such hosts while binding; so must we.
                if not _host_is_valid(host):
                    self._set_routing_result(None, None, BadHost())
                    return
                if len(_valid_hosts) >= _VALID_HOSTS_MAX:
                    _valid_hosts.clear()
                _valid_hosts[host] = True
            path = environ.get("PATH_INFO") or ""
            if not path.isascii():
                path = path.encode("latin1").decode("utf-8", "replace")
            try:
                found = app.url_map.match_fast(
                    "", path, environ.get("REQUEST_METHOD", "GET").upper()
                )
            except NotFound as e:
                self._set_routing_result(None, None, e)
                return
            if found is not None:
                if self._request is None:
                    self.url_rule, self.view_args = found  # perf: the usual case
                else:
                    self._set_routing_result(found[0], found[1], None)
                return
        try:
            adapter = self.url_adapter
            if adapter is None:
                return
            rule, view_args = adapter.match(return_rule=True)
        except HTTPException as e:
            self._set_routing_result(None, None, e)
        else:
            self._set_routing_result(rule, t.cast("dict[str, t.Any]", view_args), None)

    # -- push / pop ------------------------------------------------------------

    def push(self) -> None:
        """Make this request current, with an app context for its app."""
        frame = _cv_frame.get(None)
        if frame is not None and frame[0].app is self.app:
            app_ctx = frame[0]
            pushed_app_ctx = None
        else:
            app_ctx = pushed_app_ctx = self.app.app_context()
            app_ctx.push()
        self._app_ctx = app_ctx
        self._tokens.append((_cv_frame.set((app_ctx, self)), pushed_app_ctx))
        if self.app._eager_session and self._session is None:
            self._open_session()  # a custom interface may rely on this timing
        if self.url_rule is None:
            self.match_request()

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Undo the matching push; the last pop tears the request down."""
        clear = len(self._tokens) == 1
        try:
            if clear:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_request(exc)
                request = self._request
                if request is not None:
                    request.close()
        finally:
            current = _cv_frame.get(None)
            token, pushed_app_ctx = self._tokens.pop()
            _cv_frame.reset(token)
            if clear and self._request is not None:
                self.environ["werkzeug.request"] = None
            if pushed_app_ctx is not None:
                pushed_app_ctx.pop(exc)
            if current is None or current[1] is not self:
                raise AssertionError(
                    f"Popped wrong request context. ({current and current[1]!r} instead of {self!r})"
                )

    def copy(self) -> RequestContext:
        """A new context for the same request and session, e.g. for a thread."""
        return type(self)(self.app, self.environ, self.request, self._session)

    def __repr__(self) -> str:
        environ = self.environ
        url = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        return f"<{type(self).__name__} {url!r} [{method}] of {self.app.name}>"


#: Host headers already seen to be valid, so the check runs once per host.
_valid_hosts: dict[str, bool] = {}
_VALID_HOSTS_MAX = 1024


def _host_is_valid(host: str) -> bool:
    """Whether ``host`` survives IDNA encoding, and decoding when it is punycode.

    Werkzeug's adapter encodes the host and answers 400 when that fails;
    Kolba also rejects punycode that does not decode, which would otherwise
    crash ``request.url`` later.
    """
    name = host.lower().partition(":")[0]
    try:
        encoded = name.encode("idna")
        if b"xn--" in encoded:
            encoded.decode("idna")
    except UnicodeError:
        return False
    return True


def has_app_context() -> bool:
    """Tell whether an app context is active, e.g. before touching ``current_app``."""
    return _cv_frame.get(None) is not None


def has_request_context() -> bool:
    """Tell whether a request context is active, e.g. before touching ``request``."""
    frame = _cv_frame.get(None)
    return frame is not None and frame[1] is not None


def after_this_request(f: _F) -> _F:
    """Run ``f(response)`` after this request only, e.g. to set one cookie."""
    frame = _cv_frame.get(None)
    if frame is None or frame[1] is None:
        raise RuntimeError(
            "'after_this_request' can only be used when a request"
            " context is active, such as in a view function."
        )
    frame[1]._after_request_functions.append(f)
    return f


def copy_current_request_context(f: _F) -> _F:
    """Wrap ``f`` so it runs inside a copy of the current request context.

    Useful for greenlets and threads started from a view, which otherwise
    start without a context.
    """
    frame = _cv_frame.get(None)
    if frame is None or frame[1] is None:
        raise RuntimeError(
            "'copy_current_request_context' can only be used when a"
            " request context is active, such as in a view function."
        )
    ctx = frame[1].copy()

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


__all__ = [
    "AppContext",
    "RequestContext",
    "after_this_request",
    "copy_current_request_context",
    "has_app_context",
    "has_request_context",
    "_no_app_msg",
    "_no_req_msg",
]
