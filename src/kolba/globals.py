"""The context-bound globals: ``current_app``, ``g``, ``request``, ``session``, ``websocket``.

All of them read one :class:`~contextvars.ContextVar` that holds the pair
``(app_context, request_context)``.  One variable instead of two means a
request pays for a single ``set`` and ``reset``, and an app context pushed
inside a request keeps the request visible, as in Flask.
"""

from __future__ import annotations

import functools
import typing as t
from contextvars import ContextVar

from ._named import is_plain_name, named_function

if t.TYPE_CHECKING:
    from .app import Kolba
    from .ctx import AppContext, RequestContext, _AppCtxGlobals
    from .sessions import SessionMixin
    from .websockets import WebSocket
    from .wrappers import Request

#: The current ``(app_context, request_context or None)``, or unset.
_cv_frame: ContextVar[tuple[AppContext, RequestContext | None]] = ContextVar(
    "kolba.context"
)

# The variable's methods, bound once, for the other modules to call.  perf:
# CPython 3.11 compiles ``name.method(...)`` without its method-call fast
# path when ``name`` was imported (it takes such a name for a module), so
# ``_cv_frame.get(None)`` in another module would build a bound method on
# every call: about 500 instructions more than calling one of these.
_get_frame = _cv_frame.get
_set_frame = _cv_frame.set
_reset_frame = _cv_frame.reset

_no_app_msg = """\
Working outside of application context.

This typically means that you attempted to use functionality that needed
the current application. To solve this, set up an application context
with app.app_context(). See the documentation for more information.\
"""

_no_req_msg = """\
Working outside of request context.

This typically means that you attempted to use functionality that needed
an active HTTP request. Consult the documentation on testing for
information about how to avoid this problem.\
"""


_no_websocket_msg = """\
Working outside of WebSocket context.

This typically means that you used 'websocket' outside a WebSocket handler
and its hooks, for example in an HTTP view. WebSocket handlers are
registered with 'app.websocket()' and served through 'app.asgi'.\
"""


def _current_app_ctx() -> AppContext:
    frame = _cv_frame.get(None)
    if frame is None:
        raise RuntimeError(_no_app_msg)
    return frame[0]


def _current_request_ctx() -> RequestContext:
    frame = _cv_frame.get(None)
    if frame is None or frame[1] is None:
        raise RuntimeError(_no_req_msg)
    return frame[1]


def _find_app() -> Kolba:
    frame = _cv_frame.get(None)
    if frame is None:
        raise RuntimeError(_no_app_msg)
    return frame[0].app


def _find_g() -> _AppCtxGlobals:
    frame = _cv_frame.get(None)
    if frame is None:
        raise RuntimeError(_no_app_msg)
    return frame[0].g


def _find_request() -> Request:
    frame = _cv_frame.get(None)
    if frame is None or frame[1] is None:
        raise RuntimeError(_no_req_msg)
    return frame[1].request


def _find_session() -> SessionMixin:
    frame = _cv_frame.get(None)
    if frame is None or frame[1] is None:
        raise RuntimeError(_no_req_msg)
    return frame[1].session


def _find_websocket() -> WebSocket:
    frame = _cv_frame.get(None)
    socket = None if frame is None or frame[1] is None else getattr(frame[1], "websocket", None)
    if socket is None:
        raise RuntimeError(_no_websocket_msg)
    return socket  # type: ignore[no-any-return]


_T = t.TypeVar("_T")


class ContextProxy(t.Generic[_T]):
    """Forward every operation to the object a getter finds for this context.

    Kolba's own small proxy rather than Werkzeug's ``LocalProxy``: the
    common case, an attribute read, goes through a single ``__getattr__``.
    """

    __slots__ = ("_ContextProxy__get",)

    def __init__(self, get: t.Callable[[], _T]) -> None:
        object.__setattr__(self, "_ContextProxy__get", get)

    def _get_current_object(self) -> _T:
        """Return the real object behind the proxy, e.g. to send it elsewhere."""
        return self.__get()  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> t.Any:
        return getattr(self.__get(), name)

    def __setattr__(self, name: str, value: t.Any) -> None:
        setattr(self.__get(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self.__get(), name)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # lets isinstance(request, Request) work
        try:
            return type(self.__get())
        except RuntimeError:
            return type(self)

    def __repr__(self) -> str:
        try:
            obj = self.__get()
        except RuntimeError:
            return f"<{type(self).__name__} unbound>"
        return repr(obj)

    def __str__(self) -> str:
        return str(self.__get())

    def __bool__(self) -> bool:
        try:
            return bool(self.__get())
        except RuntimeError:
            return False

    def __dir__(self) -> list[str]:
        try:
            return dir(self.__get())
        except RuntimeError:
            return []

    def __eq__(self, other: object) -> bool:
        return bool(self.__get() == other)

    def __ne__(self, other: object) -> bool:
        return bool(self.__get() != other)

    def __hash__(self) -> int:
        return hash(self.__get())

    def __len__(self) -> int:
        return len(self.__get())

    def __iter__(self) -> t.Iterator[t.Any]:
        return iter(self.__get())

    def __contains__(self, item: object) -> bool:
        return item in self.__get()

    def __getitem__(self, key: t.Any) -> t.Any:
        return self.__get()[key]

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        self.__get()[key] = value

    def __delitem__(self, key: t.Any) -> None:
        del self.__get()[key]

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        return self.__get()(*args, **kwargs)

    def __enter__(self) -> t.Any:
        return self.__get().__enter__()

    def __exit__(self, *exc: t.Any) -> t.Any:
        return self.__get().__exit__(*exc)


class _ContextVarView:
    """Flask's ``_cv_app`` / ``_cv_request`` over Kolba's single context variable.

    Flask keeps the app and the request context in two ``ContextVar``s and
    some extensions read them directly; these views answer ``get`` (and
    ``set``/``reset``) from the one ``(app_ctx, request_ctx)`` frame.
    """

    __slots__ = ("name", "_index")

    def __init__(self, name: str, index: int) -> None:
        self.name = name
        self._index = index

    def get(self, *default: t.Any) -> t.Any:
        frame = _cv_frame.get(None)
        value = None if frame is None else frame[self._index]
        if value is None:
            if default:
                return default[0]
            raise LookupError(self)
        return value

    def set(self, value: t.Any) -> t.Any:
        frame = _cv_frame.get(None)
        pair = [None, None] if frame is None else list(frame)
        pair[self._index] = value
        if self._index == 1 and value is not None and pair[0] is None:
            pair[0] = value._app_ctx or value.app.app_context()
        return _cv_frame.set((pair[0], pair[1]))  # type: ignore[arg-type]

    def reset(self, token: t.Any) -> None:
        _cv_frame.reset(token)

    def __repr__(self) -> str:
        return f"<ContextVar view name={self.name!r}>"


_cv_app = _ContextVarView("flask.app_ctx", 0)
_cv_request = _ContextVarView("flask.request_ctx", 1)

#: How many attribute names one proxy type learns (see ``_LearningProxy``).
_MAX_LEARNED = 512


class _LearningProxy(ContextProxy[_T]):
    """A proxy that learns the attributes read through it.

    perf: an attribute the proxy type lacks is found only after Python's
    normal lookup has failed and raised ``AttributeError``, which costs
    more than the read itself.  The first read of a name therefore adds a
    property of that name to the proxy's own type, and from then on reads
    of it go straight to the current object.  A property that finds no
    such attribute raises ``AttributeError``, and Python falls back to
    ``__getattr__``, so nothing a read answers changes.  Dunder names are
    not learned: Python looks those up on types for protocols.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> t.Any:
        value = getattr(self._get_current_object(), name)
        owner = type(self)
        if not name.startswith("__") and len(owner.__dict__) < _MAX_LEARNED:
            setattr(owner, name, owner._forwarder(name))
        return value

    @staticmethod
    def _forwarder(name: str) -> property:
        """A property reading ``name`` from the current object."""
        raise NotImplementedError


def _learning_proxy(find: t.Callable[[], _T]) -> t.Any:
    """A learning proxy for ``find``'s object, with a type of its own to learn on."""

    def forwarder(name: str) -> property:
        if not is_plain_name(name):
            return property(lambda self: getattr(find(), name))
        source = f"def read(self):\n    return find().{name}\n"
        return property(named_function(source, "read", {"find": find}))

    owner = type(
        f"_{find.__name__.removeprefix('_find_').title()}Proxy",
        (_LearningProxy,),
        {"__slots__": (), "_forwarder": staticmethod(forwarder), "__module__": __name__},
    )
    return owner(find)


# ``request.<name>``, with the context lookup inline (the commonest read of
# all).  perf: a function per name (see ``kolba._named``); the request is
# made here when the context has none yet, without the ``request``
# property.
_CONTEXT_READ = """\
def read(self):
    frame = get_frame(None)
    if frame is None or (ctx := frame[1]) is None:
        raise RuntimeError(no_request)
    req = ctx._request
"""
_MADE_READ = """\
    if req is None:
        req = ctx._made_request()
"""
_REQUEST_READ = _CONTEXT_READ + _MADE_READ

# ... for a kept attribute (``kolba.wrappers.kept_attribute``): its field,
# and while that is unread, the value the request's class computes, called
# and stored here rather than through the descriptor.
_KEPT_VALUE = """\
    value = req.{field}
    if value is UNREAD:
        compute = computes.get(type(req))
        if compute is None:
            return read_first(req)
        value = req.{field} = compute(req)
    return value
"""
_KEPT_READ = _REQUEST_READ + _KEPT_VALUE

# ... for ``cookies``: while the context has no request object, the
# context answers (see ``RequestContext._cookies_without_request``).
_COOKIES_READ = _CONTEXT_READ + """\
    if req is None:
        cookies = ctx._early_cookies
        if cookies is not None or (cookies := ctx._cookies_without_request()) is not None:
            return cookies
        req = ctx._made_request()
""" + _KEPT_VALUE


def _request_forwarder(name: str) -> property:
    """``request.<name>``: a property reading ``name`` from the current request."""
    namespace: dict[str, t.Any] = {"get_frame": _cv_frame.get, "no_request": _no_req_msg}
    if not is_plain_name(name):
        return property(named_function(_REQUEST_READ + "    return getattr(req, name)\n",
                                       "read", {**namespace, "name": name}))
    from .wrappers import UNREAD, Request, kept_attribute, kept_field

    if isinstance(vars(Request).get(name), kept_attribute):
        computes: dict[type, t.Callable[[t.Any], t.Any]] = {}
        namespace.update(UNREAD=UNREAD, computes=computes,
                         read_first=functools.partial(_read_first, name, computes, kept_attribute))
        source = (_COOKIES_READ if name == "cookies" else _KEPT_READ).format(field=kept_field(name))
    else:
        source = _REQUEST_READ + f"    return req.{name}\n"
    return property(named_function(source, "read", namespace))


def _read_first(
    name: str, computes: dict[type, t.Callable[[t.Any], t.Any]], kept: type, req: t.Any
) -> t.Any:
    """Read ``name`` from ``req`` the first time, and learn how its class computes it.

    A class whose ``name`` is a kept attribute has its computing function
    remembered, for the proxy to call; any other (a subclass that redefines
    ``name``) is read as it defines, every time.
    """
    cls = type(req)
    found = next((vars(klass)[name] for klass in cls.__mro__ if name in vars(klass)), None)
    if not isinstance(found, kept):
        return getattr(req, name)
    compute = found._fn  # type: ignore[attr-defined]
    if len(computes) < 64:
        computes[cls] = compute
    value = compute(req)
    setattr(req, found.field, value)  # type: ignore[attr-defined]
    return value


class _RequestProxy(_LearningProxy["Request"]):
    """``request``: attribute reads, by far its commonest use, in one step."""

    __slots__ = ()
    _forwarder = staticmethod(_request_forwarder)


def _globals_forwarder(name: str) -> property:
    """``g.<name>``: the context's stored ``g``, or the one its ``g`` property would make."""
    read = "getattr(g, name)" if not is_plain_name(name) else f"g.{name}"
    source = f"""\
def read(self):
    frame = get_frame(None)
    if frame is None:
        raise RuntimeError(no_app)
    g = frame[0]._g
    if g is None:
        g = frame[0]._made_g()
    return {read}
"""
    namespace = {"get_frame": _cv_frame.get, "no_app": _no_app_msg, "name": name}
    return property(named_function(source, "read", namespace))


class _GlobalsProxy(_LearningProxy["_AppCtxGlobals"]):
    """``g``: attribute reads and writes in one step each."""

    __slots__ = ()
    _forwarder = staticmethod(_globals_forwarder)

    def __getattr__(self, name: str) -> t.Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            # Flask's message: the name alone (its ``g`` object raises it;
            # Kolba's does not define ``__getattr__``, see ``_AppCtxGlobals``)
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: t.Any) -> None:
        frame = _cv_frame.get(None)
        if frame is None:
            raise RuntimeError(_no_app_msg)
        app_ctx = frame[0]
        g = app_ctx._g
        if g is None:  # perf: AppContext._made_g, inline (a call less for the usual first write)
            g = app_ctx._g = app_ctx.app.app_ctx_globals_class()
        setattr(g, name, value)


class _WebSocketProxy(ContextProxy["WebSocket"]):
    """``websocket``: also iterable with ``async for``, which looks on the type."""

    __slots__ = ()

    def __aiter__(self) -> t.AsyncIterator[str | bytes]:
        return self._get_current_object().__aiter__()


current_app: Kolba = _learning_proxy(_find_app)
g: _AppCtxGlobals = _GlobalsProxy(_find_g)  # type: ignore[assignment]
request: Request = _RequestProxy(_find_request)  # type: ignore[assignment]
session: SessionMixin = _learning_proxy(_find_session)
websocket: WebSocket = _WebSocketProxy(_find_websocket)  # type: ignore[assignment]
app_ctx: AppContext = ContextProxy(_current_app_ctx)  # type: ignore[assignment]
request_ctx: RequestContext = ContextProxy(_current_request_ctx)  # type: ignore[assignment]
