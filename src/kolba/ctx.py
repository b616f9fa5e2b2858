"""Application and request contexts.

Making a context current sets the one context variable of
:mod:`kolba.globals` to an ``(app_context, request_context)`` pair, and
undoing it resets the variable with the token the set returned, so contexts
are isolated per thread and per asyncio task and nest in stack order.

A request context creates what a request may never need (the request object,
the session, the URL adapter, ``g``) the first time something asks for it.
Both context classes keep their own fields in slots and still accept any
attribute an extension wants to store on them.
"""

from __future__ import annotations

import contextvars
import functools
import sys
import typing as t

from werkzeug.exceptions import BadHost, HTTPException, NotFound
from werkzeug.routing import WebsocketMismatch

from .concurrency import settle_from_thread
from .globals import _get_frame, _no_app_msg, _no_req_msg, _reset_frame, _set_frame
from .wrappers import Request as KolbaRequest
from .wrappers import parse_cookie_header

if t.TYPE_CHECKING:
    from ._shape import AppShape
    from types import TracebackType

    from _typeshed.wsgi import WSGIEnvironment

    from .app import Kolba
    from .routing import MapAdapter, Rule
    from .sessions import SessionMixin
    from .wrappers import Request

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])
_Ctx = t.TypeVar("_Ctx", bound="_ContextBase")

#: Stands for "not worked out yet" and for "argument not passed".
_UNSET: t.Any = object()

_Frame = tuple["AppContext", "RequestContext | None"]


def _send(signal_name: str, app: AppShape, **kwargs: t.Any) -> None:
    """Send one of Kolba's signals, if that module is loaded and anyone listens."""
    module = sys.modules.get("kolba.signals")
    if module is None:
        return
    signal = getattr(module, signal_name)
    if signal.receivers:
        signal.send(app, _async_wrapper=app.ensure_sync, **kwargs)


def _restore(token: contextvars.Token[_Frame]) -> None:
    """Undo the push that returned ``token``.

    A push made inside a coroutine or a worker thread happened in a copy of
    this context (whose values were copied back); its token cannot reset
    this one, so the value it replaced is put back by hand.  "Unset" is
    stored as None, which every reader of the variable treats alike.
    """
    try:
        _reset_frame(token)
    except ValueError:
        previous = token.old_value
        _set_frame(None if previous is contextvars.Token.MISSING else previous)  # type: ignore[arg-type]


class _AppCtxGlobals:
    """The ``g`` namespace: scratch storage that lives as long as its app context.

    It is a plain object with a few dict-like helpers; attributes are kept
    in its ``__dict__``.  perf: it defines no ``__getattr__`` at run time
    (only for type checkers): a type with one has every attribute read go
    through CPython's ``__getattr__`` hook, which looks up two names on the
    type first, and reads of it are never specialized.  Flask's message for
    a missing attribute, the bare name, comes from the ``g`` proxy.
    """

    if t.TYPE_CHECKING:

        def __getattr__(self, name: str) -> t.Any: ...

        def __setattr__(self, name: str, value: t.Any) -> None: ...

    def get(self, name: str, default: t.Any | None = None) -> t.Any:
        """The attribute ``name``, or ``default`` when it was never set."""
        return vars(self).get(name, default)

    def pop(self, name: str, default: t.Any = _UNSET) -> t.Any:
        """Remove ``name`` and return its value (KeyError without a default)."""
        store = vars(self)
        return store.pop(name) if default is _UNSET else store.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """The attribute ``name``, first set to ``default`` when missing."""
        return vars(self).setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in vars(self)

    def __iter__(self) -> t.Iterator[str]:
        return iter(vars(self))

    def __repr__(self) -> str:
        frame = _get_frame(None)
        if frame is None:
            return object.__repr__(self)
        return f"<kolba.g of '{frame[0].app.name}'>"


class _ContextBase:
    """``with`` support shared by both contexts: push on entry, pop on exit."""

    __slots__ = ()

    def push(self) -> None:
        raise NotImplementedError

    def pop(self, exc: BaseException | None = _UNSET) -> None:
        raise NotImplementedError

    def __enter__(self: _Ctx) -> _Ctx:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)


class AppContext(_ContextBase):
    """Makes an app current, so ``current_app`` and ``g`` work (e.g. in scripts)."""

    __slots__ = ("app", "_g", "_adapter", "_pushes", "__dict__", "__weakref__")

    def __init__(self, app: Kolba) -> None:
        self.app = app
        self._g: _AppCtxGlobals | None = None
        self._adapter: t.Any = _UNSET
        self._pushes: list[contextvars.Token[_Frame]] = []

    @property
    def g(self) -> _AppCtxGlobals:
        """This context's ``g``, created when first used."""
        g = self._g
        return self._made_g() if g is None else g

    @g.setter
    def g(self, value: _AppCtxGlobals) -> None:
        self._g = value

    def _made_g(self) -> _AppCtxGlobals:
        """Make this context's ``g``: the first read of :attr:`g`.

        perf: the ``g`` proxy calls this directly once it found ``_g``
        empty (see ``RequestContext._made_request``).
        """
        g = self._g = self.app.app_ctx_globals_class()
        return g

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The adapter that builds URLs outside a request; None without SERVER_NAME."""
        if self._adapter is _UNSET:
            self._adapter = self.app.create_url_adapter(None)
        return self._adapter  # type: ignore[no-any-return]

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._adapter = value

    def push(self) -> None:
        """Make this context current, keeping the request of an enclosing one."""
        outer = _get_frame(None)
        self._pushes.append(_set_frame((self, None if outer is None else outer[1])))
        _send("appcontext_pushed", self.app)

    def pop(self, exc: BaseException | None = _UNSET) -> None:
        """Undo the latest push; undoing the first one runs the teardown callbacks."""
        try:
            if len(self._pushes) == 1:
                self.app.do_teardown_appcontext(sys.exc_info()[1] if exc is _UNSET else exc)
        finally:
            current = _get_frame(None)
            _restore(self._pushes.pop())
        if current is None or current[0] is not self:
            found = None if current is None else current[0]
            raise AssertionError(f"Popped wrong app context. ({found!r} instead of {self!r})")
        _send("appcontext_popped", self.app)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.app.name!r}>"


class RequestContext(_ContextBase):
    """One request: its environ, request object, URL match, session and flashes.

    Matching runs when the context is pushed, so hooks and ``request.endpoint``
    see the result, as in Flask.  The request object and the session are
    created the first time anything reads them; until then the match result
    lives here (``url_rule``, ``view_args``, ``routing_exception``) and moves
    onto the request object when that is built.
    """

    __slots__ = (
        "app",
        "environ",
        "url_rule",
        "view_args",
        "routing_exception",
        "flashes",
        "_request",
        "_session",
        "_adapter",
        "_after_request_functions",
        "_pushes",
        "_app_ctx",
        "_tasks",
        "_early_cookies",
        "__dict__",
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
        self._session = session
        self._adapter: t.Any = _UNSET
        self.url_rule: Rule | None = None
        self.view_args: dict[str, t.Any] | None = None
        self.routing_exception: Exception | None = None
        self.flashes: list[tuple[str, str]] | None = None
        self._after_request_functions: list[t.Callable[[t.Any], t.Any]] = []
        #: One entry per push: the variable's token and the app context the
        #: push created (None when an enclosing one was reused), as a pair;
        #: a lean push (see :func:`enter_lean`), which creates none, records
        #: its token alone (perf: no pair to build and take apart).
        self._pushes: list[tuple[contextvars.Token[_Frame], AppContext | None] | contextvars.Token[_Frame]] = []
        self._app_ctx: AppContext | None = None
        #: Tasks this request started on an ASGI server's loop (see
        #: :func:`kolba.concurrency.track_request_tasks`); None until one is.
        self._tasks: list[t.Any] | None = None
        #: ``request.cookies`` read while there was no request object yet
        #: (see :meth:`_cookies_without_request`); None until then.
        self._early_cookies: t.Any = None

    # -- parts made on first use ---------------------------------------------

    @property
    def request(self) -> Request:
        """The request object, built (with the match result) when first read."""
        req = self._request
        return self._made_request() if req is None else req

    @request.setter
    def request(self, value: Request) -> None:
        self._request = value

    def _made_request(self) -> Request:
        """Build the request object: the first read of :attr:`request`.

        perf: the ``request`` proxy calls this directly once it found
        ``_request`` empty; a method called from Python costs CPython 3.11
        about 600 instructions less than a property, which enters Python
        from C.
        """
        app = self.app
        cls = app.request_class
        if cls is KolbaRequest:
            # perf: Request.__init__ for Kolba's own class, inline (no call)
            environ = self.environ
            req = _new_object(KolbaRequest)
            req.environ = environ
            # perf: teardown's two questions as instance values, which
            # read faster than the class defaults (the same answers)
            req._may_hold_files = False
            req._has_environ = True
            environ["werkzeug.request"] = req
        else:
            req = cls(self.environ)
        self._request = req
        req.json_module = app.json
        req.url_rule = self.url_rule
        req.view_args = self.view_args
        req.routing_exception = self.routing_exception
        cookies = self._early_cookies
        if cookies is not None:  # read before the request existed: the same object from now on
            req._kept_cookies = cookies
        return req

    def _cookies_without_request(self) -> t.Any:
        """``request.cookies`` while there is no request object, or None to make one.

        perf: a view that reads only the cookies (a preference, a theme)
        needs no request object, which costs about 4,000 instructions to
        make and tear down.  For Kolba's own request class the cookies are
        parsed from the environ as its ``cookies`` would parse them, and
        kept here; :meth:`_made_request` hands them to the request object
        if one is made later, so every read gives the same object.  Any
        other request class computes its own (None: make the request).
        """
        if self.app.request_class is not KolbaRequest:
            return None
        cookies = self._early_cookies = parse_cookie_header(
            self.environ.get("HTTP_COOKIE", ""), KolbaRequest.dict_storage_class
        )
        return cookies

    def _open_session(self) -> SessionMixin:
        """The session, opened now if needed, without marking it accessed."""
        session = self._session
        if session is None:
            interface = self.app.session_interface
            opened = interface.open_session(self.app, self.request)
            session = opened if opened is not None else interface.make_null_session(self.app)
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
        """The URL map bound to this request, for full matching and URL building."""
        if self._adapter is _UNSET:
            self._adapter = self.app.create_url_adapter(self.request)
        return self._adapter  # type: ignore[no-any-return]

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._adapter = value

    def _matched_endpoint(self) -> str | None:
        """The endpoint the URL matched (as the request object now says), or None."""
        req = self._request
        rule = self.url_rule if req is None else req.url_rule
        return None if rule is None else rule.endpoint

    # -- matching --------------------------------------------------------------

    def _record_match(
        self, rule: Rule | None, args: dict[str, t.Any] | None, error: Exception | None
    ) -> None:
        """Store a match result here and, if it exists already, on the request."""
        self.url_rule, self.view_args, self.routing_exception = rule, args, error
        req = self._request
        if req is not None:
            req.url_rule, req.view_args, req.routing_exception = rule, args, error

    def match_request(self) -> None:
        """Match the URL against the app's rules and record the outcome.

        The compiled matcher answers plain matches and misses from the path
        alone; everything else (redirects, 405, hosts, subdomains, trusted
        hosts) goes through a full adapter bound to the request.
        """
        if self.routing_exception is not None:
            return
        app = self.app
        config = app.config
        if app._path_only_routing and config["TRUSTED_HOSTS"] is None:
            environ = self.environ
            host = environ.get("HTTP_HOST")
            if host is not None and host not in _checked_hosts and config["SERVER_NAME"] is None:
                if not _acceptable_host(host):
                    # The full adapter refuses such a host while binding; so do we.
                    self._record_match(None, None, BadHost())
                    return
                _remember_host(host)
            path = environ.get("PATH_INFO") or ""
            if not path.isascii():
                path = path.encode("latin1").decode("utf-8", "replace")
            url_map = app.url_map
            try:
                # Without subdomain matching every request is in the map's
                # default subdomain, as create_url_adapter binds it.
                method = environ.get("REQUEST_METHOD", "GET")
                if method != "GET" and method != "POST":  # perf: no upper() for the commonest two
                    method = method.upper()
                methods = url_map.plain_routes.get(path)
                if methods is not None:
                    rule = methods.get(method)
                    if rule is not None:  # a static path whose match is final (see Map.plain_routes)
                        if self._request is None:
                            self.url_rule = rule
                            self.view_args = {}
                        else:
                            self._record_match(rule, {}, None)
                        return
                found = url_map.match_fast(url_map._default_subdomain, path, method)
            except NotFound as miss:
                self._record_match(None, None, miss)
                return
            if found is not None:
                if self._request is None:
                    self.url_rule, self.view_args = found  # perf: the usual case
                else:
                    self._record_match(found[0], found[1], None)
                return
        self._match_with_adapter()

    def _match_with_adapter(self) -> None:
        try:
            adapter = self.url_adapter
            if adapter is None:
                return
            rule, args = adapter.match(return_rule=True)
        except WebsocketMismatch as error:
            websocket = adapter is not None and adapter.websocket
            self._record_match(None, None, _mismatch_answer(websocket, error))
        except HTTPException as error:
            self._record_match(None, None, error)
        else:
            self._record_match(rule, t.cast("dict[str, t.Any]", args), None)

    # -- push and pop ----------------------------------------------------------

    def push(self) -> None:
        """Make this request current, with an app context for its app."""
        outer = _get_frame(None)
        created: AppContext | None = None
        if outer is not None and outer[0].app is self.app:
            app_ctx = outer[0]
        else:
            app_ctx = created = self.app.app_context()
            created.push()
        self._app_ctx = app_ctx
        self._pushes.append((_set_frame((app_ctx, self)), created))
        if self._session is None and self.app._session_opens_eagerly:
            self._open_session()  # a custom interface may rely on this timing
        if self.url_rule is None:
            self.match_request()

    def _pop_lean(self) -> None:
        """Undo :func:`enter_lean` (or the door's lean push); a context re-pushed meanwhile pops fully."""
        pushes = self._pushes
        if len(pushes) != 1:
            self.pop(None)
            return
        if self._tasks:
            settle_from_thread(self._tasks)
        req = self._request
        if req is not None:
            try:  # perf: _request_state, inline
                may_hold_files, has_environ = req._may_hold_files, req._has_environ
            except AttributeError:
                may_hold_files, has_environ = _request_state(req)
            if may_hold_files:  # perf: Werkzeug's close() only closes uploaded files
                req.close()
            if has_environ:  # not a request from an ASGI scope that built none
                self.environ["werkzeug.request"] = None
        token = pushes.pop()  # the lean push's entry: its token alone
        try:
            _reset_frame(token)  # type: ignore[arg-type]  # perf: _restore's usual case, inline
        except ValueError:
            _restore(token)  # type: ignore[arg-type]  # a token, as above
        except TypeError:
            # Not a token but a pair: the lean push was popped and the
            # context pushed again meanwhile; that push pops as ``pop`` would.
            pushes.append(token)
            self.pop(None)

    def pop(self, exc: BaseException | None = _UNSET) -> None:
        """Undo the latest push; undoing the first one tears the request down."""
        last = len(self._pushes) == 1
        if last and self._tasks:
            settle_from_thread(self._tasks)  # what the request started ends before teardown
        try:
            if last:
                self.app.do_teardown_request(sys.exc_info()[1] if exc is _UNSET else exc)
                if self._request is not None:
                    self._request.close()
        finally:
            current = _get_frame(None)
            entry = self._pushes.pop()
            token, created = entry if isinstance(entry, tuple) else (entry, None)  # a lean push: its token alone
            _restore(token)
            if last and self._request is not None and _request_state(self._request)[1]:
                self.environ["werkzeug.request"] = None
            if created is not None:
                created.pop(exc)
            if current is None or current[1] is not self:
                found = None if current is None else current[1]
                raise AssertionError(
                    f"Popped wrong request context. ({found!r} instead of {self!r})"
                )

    def copy(self) -> RequestContext:
        """A fresh context for the same request and session, e.g. for a thread."""
        return type(self)(self.app, self.environ, self.request, self._open_session())

    def __repr__(self) -> str:
        where = self.environ.get("PATH_INFO", "/")
        verb = self.environ.get("REQUEST_METHOD", "GET")
        return f"<{type(self).__name__} {where!r} [{verb}] of {self.app.name}>"


def _mismatch_answer(websocket: bool, error: WebsocketMismatch) -> HTTPException:
    """A plain HTTP request to a WebSocket route: 426, which says what is needed."""
    if websocket:
        return error  # a WebSocket handshake (under WSGI) to an HTTP route: Werkzeug's 400
    from .websockets import UpgradeRequired

    return UpgradeRequired()


#: Set in the environ by the test client when it keeps the contexts after a request.
PRESERVE_CONTEXT = "werkzeug.debug.preserve_context"

_new_object = object.__new__


def enter_lean(app: Kolba, environ: WSGIEnvironment) -> RequestContext:
    """``RequestContext(app, environ)``, made current for an app with nothing to tear down.

    The serving core uses this instead of :meth:`RequestContext.push` when
    no teardown callback, signal receiver or custom session interface
    could notice the difference, and ends it with
    :meth:`RequestContext._pop_lean`.  The enclosing app context is reused
    when it is ``app``'s, as by ``push``; else a new one is made, never
    pushed on its own (the request context's pop ends both).

    perf: calling a class whose ``__init__`` is Python code enters Python
    from C, which costs CPython 3.11 some 300 instructions more than a
    plain call; this is one plain call for what took two class calls and
    a method call (1,000 instructions less per request).  The contexts'
    ``__init__`` must set the same slots (a test compares them).
    """
    ctx = _new_object(RequestContext)
    ctx.app = app
    ctx.environ = environ
    ctx._request = None
    ctx._session = None
    ctx._adapter = _UNSET
    ctx.url_rule = None
    ctx.view_args = None
    ctx.routing_exception = None
    ctx.flashes = None
    ctx._after_request_functions = []
    ctx._tasks = None
    ctx._early_cookies = None
    outer = _get_frame(None)
    if outer is not None and outer[0].app is app:
        app_ctx = outer[0]
    else:
        # AppContext(app)
        app_ctx = _new_object(AppContext)
        app_ctx.app = app
        app_ctx._g = None
        app_ctx._adapter = _UNSET
        app_ctx._pushes = []
    ctx._app_ctx = app_ctx
    # Recorded like a push (its token alone: it made no app context to pop),
    # so a re-push (stream_with_context) pops in order.
    ctx._pushes = [_set_frame((app_ctx, ctx))]
    return ctx


def _request_state(req: t.Any) -> tuple[bool, bool]:
    """Whether ``req`` may hold uploaded files to close, and whether its environ is set.

    Kolba's request classes say so in two attributes; any other class is
    closed, and its environ cleared, as Werkzeug's request would be.
    """
    try:
        return req._may_hold_files, req._has_environ
    except AttributeError:  # a request class not derived from Kolba's
        return True, "environ" in req.__dict__

#: Host headers already found acceptable, so the IDNA check runs once per host.
_checked_hosts: set[str] = set()
_H = t.TypeVar("_H", str, bytes)
_CHECKED_HOSTS_LIMIT = 1024


def _remember_host(host: _H, checked: set[_H] = _checked_hosts) -> None:  # type: ignore[assignment]
    """Add an acceptable host to ``checked`` (text here; the ASGI door keeps bytes), bounded."""
    if len(checked) >= _CHECKED_HOSTS_LIMIT:
        checked.clear()
    checked.add(host)


def _acceptable_host(host: str) -> bool:
    """Whether a Host header's name encodes to IDNA (and back, if punycode).

    The full adapter answers 400 for a name that does not encode; Kolba
    also refuses punycode that does not decode, which would otherwise break
    ``request.url`` later.
    """
    name = host.lower().partition(":")[0]
    try:
        ascii_name = name.encode("idna")
        if b"xn--" in ascii_name:
            ascii_name.decode("idna")
    except UnicodeError:
        return False
    return True


def _current_request_context(feature: str) -> RequestContext:
    frame = _get_frame(None)
    if frame is None or frame[1] is None:
        raise RuntimeError(
            f"'{feature}' can only be used when a request"
            " context is active, such as in a view function."
        )
    return frame[1]


def has_app_context() -> bool:
    """Whether an app context is active (e.g. before touching ``current_app``)."""
    return _get_frame(None) is not None


def has_request_context() -> bool:
    """Whether a request context is active (e.g. before touching ``request``)."""
    frame = _get_frame(None)
    return frame is not None and frame[1] is not None


def after_this_request(f: _F) -> _F:
    """Run ``f(response)`` after the current request only, e.g. to set a cookie."""
    _current_request_context("after_this_request")._after_request_functions.append(f)
    return f


def copy_current_request_context(f: _F) -> _F:
    """Wrap ``f`` to run inside a copy of the current request context.

    A thread or greenlet started from a view begins with no context; the
    wrapper carries this request (and its session) over to it.
    """
    carried = _current_request_context("copy_current_request_context").copy()

    @functools.wraps(f)
    def run_in_copy(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with carried:
            call = carried.app.ensure_sync(f)
            return call(*args, **kwargs)

    return t.cast(_F, run_in_copy)


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
