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
import functools
import io
import os
import sys
import tempfile
import typing as t

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadHost, NotFound, RequestEntityTooLarge
from werkzeug.exceptions import ClientDisconnected as _WerkzeugClientDisconnected

from .concurrency import call_either, run_in_request_thread
from .ctx import _UNSET, PRESERVE_CONTEXT, RequestContext, _acceptable_host, _remember_host
from .wrappers import (
    _PLAIN_ENVIRON_HEADERS,
    AT_END,
    _known_length,
    InputMisuse,
    Request,
    RequestHeaders,
    _new_request_headers,
    declared_length,
    kept_attribute,
    lazy_attribute,
    parse_cookie_header,
    remember,
    urlencoded_fields,
)

if t.TYPE_CHECKING:
    from .app import Kolba
    from .core import Result
    from .responses import Triple
    from .plans import EndpointPlan

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


class ClientGone(_WerkzeugClientDisconnected):
    """The client went away while a view was reading a streamed body.

    Werkzeug's ``ClientDisconnected`` (a 400), as a WSGI body cut short
    raises it, so code written for WSGI catches it unchanged.
    """


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
    "wsgi.input": AT_END,
}

#: :data:`_BASE_ENVIRON` with a server's name and port filled in, per ``scope["server"]``.
_server_bases: dict[t.Any, dict[str, t.Any]] = {None: _BASE_ENVIRON}

#: Client ports as text: ``str()`` of an int costs more than the rest of an
#: environ entry, and a keep-alive connection sends its port again and again.
_port_texts: dict[int, str] = {}


def _base_for(server: t.Any) -> dict[str, t.Any]:
    """The base environ for a ``(host, port)`` server, remembered for its next request."""
    base = _BASE_ENVIRON.copy()
    base["SERVER_NAME"] = server[0]
    if server[1] is not None:
        base["SERVER_PORT"] = str(server[1])
    try:
        if len(_server_bases) < 64:  # a server listens on a few addresses
            _server_bases[server] = base
    except TypeError:  # a list, not a tuple: fine, just not remembered
        pass
    return base


#: The shared empty input of a bodiless request, in the base environ.
_EMPTY_INPUT = t.cast("t.IO[bytes]", AT_END)


def environ_for(
    scope: Scope, body: t.IO[bytes] = _EMPTY_INPUT, headers: dict[str, t.Any] | None = None
) -> dict[str, t.Any]:
    """The WSGI environ of an http (or websocket) scope, reading from ``body`` (by default the shared empty stream).

    perf: built over a copy of a remembered base for the scope's server,
    setting only what differs; a dict display of every key costs several
    times as much.  ``headers``, the scope's header entries built before
    (by :attr:`ScopeRequest.headers`), is completed in place instead.
    """
    server = scope.get("server")
    try:
        base = _server_bases.get(server) or _base_for(server)
    except TypeError:  # a server given as a list
        base = _base_for(server)
    if headers is None:
        environ = base.copy()
        _add_headers(environ, scope["headers"])
    else:
        environ = headers
        if not environ:  # made by ScopeRequest.headers, not filled yet
            _add_headers(environ, scope["headers"])
        environ.update(base)
    environ["REQUEST_METHOD"] = scope.get("method", "GET")
    path = scope["path"]
    root = scope.get("root_path")
    if root:
        if path.startswith(root):
            path = path[len(root):]  # servers that follow the newer spec include it
        environ["SCRIPT_NAME"] = root if root.isascii() else _wsgi_text(root)
    environ["PATH_INFO"] = path if path.isascii() else _wsgi_text(path)
    query = scope["query_string"]
    if query:
        environ["QUERY_STRING"] = query.decode("latin-1")
    version = scope.get("http_version")
    if version is not None and version != "1.1":
        environ["SERVER_PROTOCOL"] = "HTTP/" + version
    scheme = scope.get("scheme")
    if scheme is not None and scheme != "http":
        environ["wsgi.url_scheme"] = scheme
        if server is None and scheme in ("https", "wss"):
            environ["SERVER_PORT"] = "443"
    client = scope.get("client")
    if client is not None:
        environ["REMOTE_ADDR"] = client[0]
        port = client[1]
        environ["REMOTE_PORT"] = _port_texts.get(port) or remember(_port_texts, port, str(port), 4096)
    if body is not _EMPTY_INPUT:
        environ["wsgi.input"] = body
    environ["wsgi.errors"] = sys.stderr
    environ["asgi.scope"] = scope
    extensions = scope.get("extensions")
    if extensions:
        if "http.response.pathsend" in extensions:
            environ["wsgi.file_wrapper"] = PathFile  # send_file hands whole files to the server
        if "kolba.environ" in extensions:
            # Entries the in-process test client carries over (see kolba._asgi_client).
            environ.update(extensions["kolba.environ"])
    return environ


def _add_headers(environ: dict[str, t.Any], pairs: list[tuple[bytes, bytes]]) -> None:
    """Set the environ entry of each header, a repeated name's values joined as WSGI joins them."""
    known = _environ_keys
    size = len(environ)
    try:
        for name, value in pairs:
            environ[known[name]] = value.decode("latin-1")  # perf: a subscript, not .get()
    except KeyError:  # a name not seen before: the loop again, learning it
        for name, value in pairs:
            environ[known.get(name) or _environ_key(name)] = value.decode("latin-1")
    if len(environ) - size != len(pairs):
        # perf: a name came twice (no header's key is in the base), so the
        # values are set again, joined; testing each key in the loop costs more.
        _join_repeated(environ, pairs)


# -- the request object -------------------------------------------------------------


class ScopeRequest(Request):
    """The request object of a request a :class:`ScopeContext` serves, read from its scope.

    perf: building the WSGI environ costs about as much as the rest of a
    small request.  What views read most (``method``, ``path``, ``args``,
    ``headers.get``, ``cookies``, ``remote_addr``) comes from the scope; the
    environ is built when anything else reads it, once, and is the request
    context's too.  The headers' entries, when the headers needed them
    first, are the start of that environ, so ``request.headers.environ``
    is ``request.environ`` either way.

    A body the door read whole before the view (``_body``) is read from
    there too, by ``form``, ``get_json()`` and ``get_data()``; ``stream``
    and anything else read it from the environ's ``wsgi.input``.  Once the
    environ is built, it holds the body, and every read goes there.

    The door makes one only for the app's own ``Request`` class (a subclass
    may read anything from the environ) and for a scope without a root
    path or a repeated header name.
    """

    _scope: Scope
    #: The scope's headers by name, and its Cookie header, as the context read them.
    _by_name: dict[bytes, bytes]
    _cookie: str | None
    #: Once ``headers`` or ``environ`` was read: the dict the environ is
    #: (its header entries may still be missing; see :class:`ScopeHeaders`).
    _header_environ: dict[str, t.Any] | None = None
    # ``_body`` (see Request): the body the door read, of exactly the
    # declared length, until the environ is built (``b""`` once read, as a
    # read stream is at its end).
    #: Until ``environ`` is read (see :attr:`Request._has_environ`).
    _has_environ = False

    @lazy_attribute
    def environ(self) -> dict[str, t.Any]:
        """The WSGI environ of the scope, built on first read (as :class:`Request` sets it)."""
        body = self._body
        if body is None:
            environ = environ_for(self._scope, headers=self._header_environ)
        else:
            environ = environ_for(self._scope, io.BytesIO(body), self._header_environ)
            self._body = None  # the environ's input holds it now, and reads go there
        environ["werkzeug.request"] = self
        self._header_environ = environ
        self._has_environ = True
        return environ

    def _body_type(self) -> str | None:
        raw = self._by_name.get(b"content-type")
        return None if raw is None else raw.decode("latin-1")

    def _read_sized_body(self) -> bytes | None:
        """The body the door read (see :meth:`Request._read_sized_body`), else from the environ."""
        body = self._body
        if body is None:
            return super()._read_sized_body()
        # The door kept it within the app's limit; a limit set on the request is checked here.
        limit = self._max_content_length
        if limit is not None and len(body) > limit:
            raise RequestEntityTooLarge()
        self._body = _EMPTY
        self._stream = _EMPTY_INPUT  # consumed, as Werkzeug's would be (perf: not through the property)
        return body

    @lazy_attribute
    def method(self) -> str:
        """The request method, upper case (the environ's ``REQUEST_METHOD``)."""
        return str(self._scope.get("method", "GET")).upper()

    @lazy_attribute
    def root_path(self) -> str:
        """Always empty: the door serves a scope with a root path through the environ."""
        return ""

    @lazy_attribute
    def path(self) -> str:
        """The scope's path (already text), always starting with ``/``."""
        return "/" + str(self._scope["path"]).lstrip("/")

    @kept_attribute
    def args(self) -> t.Any:
        """The parsed query string, from the scope's bytes when they are ASCII."""
        query = self._scope["query_string"]
        if (
            self._assigned_query is None and query.isascii()
            and self.parameter_storage_class is ImmutableMultiDict
        ):
            return urlencoded_fields(query.decode())  # perf: urlencoded_multidict, inline
        return Request.args._fn(self)

    @kept_attribute
    def headers(self) -> RequestHeaders:  # type: ignore[override]
        """The request headers: ``get`` reads the scope, the rest the environ (see :class:`ScopeHeaders`)."""
        shared = self._header_environ
        if shared is None:
            shared = self._header_environ = {}  # filled by whichever needs it first
        if not _PLAIN_ENVIRON_HEADERS:  # a Werkzeug whose EnvironHeaders keeps more state
            if not shared:
                _add_headers(shared, self._scope["headers"])
            return RequestHeaders(shared)
        headers: ScopeHeaders = _new_request_headers(ScopeHeaders)
        headers._shared = shared
        headers._pairs = self._scope["headers"]
        headers._by_name = self._by_name
        headers._list = []
        return headers

    @kept_attribute
    def cookies(self) -> t.Any:
        """The cookies the client sent (the one Cookie header of the scope)."""
        return parse_cookie_header(self._cookie or "", self.dict_storage_class)

    @lazy_attribute
    def remote_addr(self) -> str | None:
        """The client's address from the scope (None when the server gave none)."""
        client = self._scope.get("client")
        return None if client is None else client[0]


# -- the request context ------------------------------------------------------------

class ScopeHeaders(RequestHeaders):
    """A :class:`ScopeRequest`'s headers: ``get`` reads the scope, everything else the environ.

    perf: the environ entries of every header cost more than the lookups a
    view makes.  ``get`` finds a name among the scope's headers by name
    when every name there is lower case without ``_`` (each is then the
    only name its environ key stands for; ASGI servers send such names);
    otherwise, and for every other method, the environ answers: the dict
    shared with the request, filled with the header entries on first need.
    """

    _shared: dict[str, t.Any]
    _pairs: list[tuple[bytes, bytes]]
    _by_name: dict[bytes, bytes]

    @lazy_attribute
    def environ(self) -> dict[str, t.Any]:
        """The request's environ, or the header entries it will start from."""
        shared = self._shared
        if not shared:
            _add_headers(shared, self._pairs)
        return shared

    def get(self, key: t.Any, default: t.Any = None, type: t.Any = None) -> t.Any:  # type: ignore[override]
        if type is None and key.__class__ is str:
            by_name = self._by_name
            if by_name.keys() <= _plain_names or _all_plain(by_name):
                name = _scope_names.get(key) or _scope_name(key)
                if name is not None:
                    value = by_name.get(name)
                    return default if value is None else value.decode("latin-1")
        return super().get(key, default, type)


#: Header names seen lower case and without ``_`` (bounded: a client chooses them).
_plain_names: set[bytes] = set()


def _all_plain(by_name: dict[bytes, bytes]) -> bool:
    """Whether every name is lower case without ``_``; such names are remembered."""
    for name in by_name:
        if b"_" in name or name != name.lower():
            return False
    if len(_plain_names) < 1024:
        _plain_names.update(by_name)
    return True


#: The name a scope holds for a header name a view asks for.
_scope_names: dict[str, bytes] = {}


def _scope_name(key: str) -> bytes | None:
    """The lower-case name standing for ``key``'s environ key; None for non-ASCII keys."""
    if not key.isascii():
        return None
    name = key.lower().replace("_", "-").encode()
    if len(_scope_names) < 1024:  # names a program asks for, not any a client sends
        _scope_names[key] = name
    return name


class DoorContext(RequestContext):
    """The context of a request through the ASGI door: what the core's event-loop lane asks, at hand.

    :meth:`kolba.core.Core.serve_async` reads the method, the Cookie header
    and whether the test client keeps the contexts from these slots, not
    from the environ (which a :class:`ScopeContext` may not have built).
    """

    __slots__ = ("_method", "_cookie", "_kept")

    #: The method, the Cookie header (or None) and whether the test client
    #: keeps the contexts after the request; the door sets them.
    _method: str
    _cookie: str | None
    _kept: bool


class ScopeContext(DoorContext):
    """The context of a request whose environ is built when first read.

    perf: building the environ costs about as much as the rest of a small
    request.  The door makes this context for every request without a root
    path or a repeated header name (a hello, a search by query string, a
    form post), which is matched and often answered from the scope alone.
    Its request object is a :class:`ScopeRequest` when the app's class is
    ``Request``, so reading what views read most (the form and JSON bodies
    included) builds no environ either; an error page, a session or
    anything else the environ holds builds it, as :func:`environ_for`
    always has.
    """

    __slots__ = ("scope", "_environ", "_headers", "_body", "_receive")

    scope: Scope
    #: Stands in for the base class's ``environ`` slot, which stays empty.
    _environ: dict[str, t.Any] | None
    #: The scope's headers by name (the door checked no name repeats).
    _headers: dict[bytes, bytes]
    #: The body, when the door read it whole before there was an environ
    #: to put it in, and the server's ``receive`` (set with it).
    _body: bytes | None
    _receive: Receive

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        raise TypeError("a ScopeContext is made by kolba.asgi.scope_context(app, scope, headers)")

    @property
    def environ(self) -> dict[str, t.Any]:
        """The WSGI environ of the scope, built on first read (the request's, once there is one)."""
        environ = self._environ
        if environ is None:
            request = self._request
            if request is not None:
                environ = request.environ
            elif self._body is None:
                environ = environ_for(self.scope)
            else:
                environ = environ_for(self.scope, io.BytesIO(self._body))
            self._environ = environ
        return environ

    @environ.setter
    def environ(self, value: dict[str, t.Any]) -> None:
        self._environ = value

    def _made_request(self) -> Request:
        """The request object: a :class:`ScopeRequest` unless the environ came first or the app has its own class."""
        app = self.app
        request: Request
        if self._environ is None and app.request_class is Request:
            # perf: no __init__ (there is no environ to store) and no
            # classmethod to call; the slots' values, set directly.
            scoped: ScopeRequest = _new_object(ScopeRequest)
            scoped._scope = self.scope
            scoped._by_name = self._headers
            scoped._cookie = self._cookie
            scoped._may_hold_files = False  # perf: as RequestContext._made_request
            scoped._has_environ = False
            if self._body is not None:
                scoped._body = self._body
                # perf: the class defaults as the instance's own values, which
                # CPython 3.11 reads specialized when the body is parsed
                scoped._cached_data = scoped._max_content_length = None
            request = scoped
        else:
            request = app.request_class(self.environ)
        request.json_module = app.json
        request.url_rule = self.url_rule
        request.view_args = self.view_args
        if self.routing_exception is not None:  # perf: the class default is None
            request.routing_exception = self.routing_exception
        cookies = self._early_cookies
        if cookies is not None:  # read before the request existed (see the base class)
            request._kept_cookies = cookies
        self._request = request
        return request

    def _cookies_without_request(self) -> t.Any:
        """The base class's shortcut, from the scope's Cookie header (no environ to build)."""
        if self._environ is not None or self.app.request_class is not Request:
            return None
        cookies = self._early_cookies = parse_cookie_header(self._cookie or "", Request.dict_storage_class)
        return cookies

    def match_request(self) -> None:
        """Match by the scope's path when that alone decides (see the base class)."""
        app = self.app
        config = app.config
        path = self.scope["path"]
        if (
            self.routing_exception is not None
            or not app._path_only_routing
            or config["TRUSTED_HOSTS"] is not None
            or not path.isascii()
        ):
            RequestContext.match_request(self)
            return
        host = self._headers.get(b"host")
        if host is not None and host not in _checked_host_bytes and config["SERVER_NAME"] is None:
            if not _acceptable_host(host.decode("latin-1")):
                self._record_match(None, None, BadHost())
                return
            _remember_host(host, _checked_host_bytes)
        url_map = app.url_map
        methods = url_map.plain_routes.get(path)
        if methods is not None:
            rule = methods.get(self._method)
            if rule is not None:  # a static path whose match is final (see Map.plain_routes)
                self.url_rule = rule
                self.view_args = {}  # no request object yet
                return
        try:
            found = url_map.match_fast(url_map._default_subdomain, path, self._method)
        except NotFound as miss:
            self._record_match(None, None, miss)
            return
        if found is None:
            self._match_with_adapter()
        else:
            self.url_rule, self.view_args = found  # no request object yet

    def copy(self) -> RequestContext:
        return RequestContext(self.app, self.environ, self.request, self._open_session())


def scope_context(app: Kolba, scope: Scope, headers: dict[bytes, bytes]) -> ScopeContext:
    """The context the door makes for a request it can serve from ``scope``, with ``headers`` by name.

    perf: ``RequestContext.__init__`` without ``environ``, and without a
    class call (see :func:`kolba.ctx.enter_lean`); the fields must be the
    base class's (a test compares them).
    """
    ctx = _new_object(ScopeContext)
    ctx.app = app
    ctx.scope = scope
    ctx._environ = None
    ctx._headers = headers
    ctx._body = None
    ctx._request = None
    ctx._session = None
    ctx._adapter = _UNSET
    ctx.url_rule = None
    ctx.view_args = None
    ctx.routing_exception = None
    ctx.flashes = None
    ctx._after_request_functions = []
    ctx._pushes = []
    ctx._app_ctx = None
    ctx._tasks = None
    ctx._early_cookies = None
    ctx._method = scope["method"]  # ASGI's are upper-case
    cookie = headers.get(b"cookie")
    ctx._cookie = None if cookie is None else cookie.decode("latin-1")
    extensions = scope.get("extensions")
    # perf: servers often send an empty dict
    ctx._kept = PRESERVE_CONTEXT in extensions.get("kolba.environ", ()) if extensions else False
    return ctx


_new_object = object.__new__

#: Host headers (as bytes) already found acceptable, as ``kolba.ctx`` keeps them as text.
_checked_host_bytes: set[bytes] = set()


def _join_repeated(environ: dict[str, t.Any], pairs: t.Iterable[tuple[bytes, bytes]]) -> None:
    """Set each header's value in ``environ`` again, a repeated name's values joined as WSGI joins them."""
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(_environ_keys.get(name) or _environ_key(name), []).append(value.decode("latin-1"))
    for key, parts in values.items():
        environ[key] = ("; " if key == "HTTP_COOKIE" else ",").join(parts)


class PathFile:
    """``wsgi.file_wrapper`` under a server that sends files by path (``http.response.pathsend``).

    Werkzeug's ``send_file`` wraps the opened file in it.  When the response
    is the whole file (not a range, not ``HEAD`` or ``304``, where Werkzeug
    replaces the body), the door finds the wrapper as the body and tells the
    server the path instead of reading the file; otherwise it is read in
    blocks like any file body.
    """

    __slots__ = ("file", "block_size", "kolba_path")

    def __init__(self, file: t.IO[bytes], block_size: int = 8192) -> None:
        self.file = file
        self.block_size = block_size
        #: The file's absolute path, if sending it by path sends the same bytes.
        self.kolba_path = _whole_file_path(file)

    def __iter__(self) -> t.Iterator[bytes]:
        read, size = self.file.read, self.block_size
        while True:
            block = read(size)
            if not block:
                return
            yield block

    def close(self) -> None:
        self.file.close()


def _whole_file_path(file: t.IO[bytes]) -> str | None:
    """The path of a regular file read from its start, else None."""
    name = getattr(file, "name", None)
    if not isinstance(name, str) or not os.path.isabs(name):
        return None
    try:
        if file.tell() != 0 or not os.path.isfile(name):
            return None
    except (OSError, ValueError):
        return None
    return name


# -- the request body ------------------------------------------------------------------


async def read_body(receive: Receive, limit: int | None, message: Message) -> tuple[t.IO[bytes], bool]:
    """The whole body, from its first ``message`` on, as a readable file, and whether it went over ``limit``.

    Reading stops at the first byte over the limit, so an oversized body is
    never held; the request then answers 413 when the view reads it.
    """
    buffer: t.IO[bytes] = io.BytesIO()
    size = 0
    while True:
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
        message = await receive()


def _spill(memory: io.BytesIO) -> t.IO[bytes]:
    spooled = tempfile.TemporaryFile()
    spooled.write(memory.getvalue())
    return spooled


class RequestBody(io.RawIOBase):
    """The body of a request whose view streams it, read as the client sends it.

    The door installs it as ``wsgi.input`` for a view marked with
    :func:`stream_request_body`.  :func:`iter_body` awaits it chunk by chunk
    on the event loop; a plain view (in a worker thread) reads it through
    ``request.stream`` as a blocking file, each read waiting on the loop.
    """

    def __init__(self, receive: Receive, loop: asyncio.AbstractEventLoop, first: Message | None = None) -> None:
        self._receive = receive
        self._loop = loop
        #: The first body message, when the door received it already.
        self._first = first
        self._rest = _EMPTY
        #: Whether the last body message has arrived.
        self.finished = False

    async def next_chunk(self) -> bytes:
        """The next part of the body; ``b""`` once it has all arrived."""
        rest = self._rest
        if rest:
            self._rest = _EMPTY
            return rest
        while not self.finished:
            message = self._first
            if message is None:
                message = await self._receive()
            else:
                self._first = None
            if message["type"] == "http.disconnect":
                self.finished = True
                raise ClientGone()
            chunk: bytes = message.get("body", _EMPTY)
            self.finished = not message.get("more_body", False)
            if chunk:
                return chunk
        return _EMPTY

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        """Fill ``buffer`` from the body, waiting for the client as needed (not on the loop)."""
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view):
            chunk = self._rest or self._wait_for_chunk()
            if not chunk:
                break
            taken = min(len(chunk), len(view) - filled)
            view[filled:filled + taken] = chunk[:taken]
            self._rest = chunk[taken:]
            filled += taken
        return filled

    def _wait_for_chunk(self) -> bytes:
        if self.finished:
            return _EMPTY
        if asyncio._get_running_loop() is self._loop:
            raise InputMisuse(
                "A streamed request body cannot be read synchronously on the event loop;"
                " in an async view use 'async for chunk in request.iter_body()'."
            )
        return asyncio.run_coroutine_threadsafe(self.next_chunk(), self._loop).result()


async def iter_body(request: t.Any, size: int = 65536) -> t.AsyncIterator[bytes]:
    """``request.iter_body()``: the body in chunks, within ``request.max_content_length``.

    For a view marked with :func:`stream_request_body` under ASGI, each
    chunk is yielded as the client sends it.  Otherwise the body was read
    before the view ran (ASGI) or is read from the server's stream (WSGI),
    and comes in chunks of at most ``size`` bytes.
    """
    source = request.environ.get("wsgi.input")
    if not isinstance(source, RequestBody):
        stream = request.stream
        while True:
            chunk = stream.read(size)
            if not chunk:
                return
            yield chunk
    limit = request.max_content_length
    declared = request.content_length
    if limit is not None and declared is not None and declared > limit:
        raise RequestEntityTooLarge()
    seen = 0
    while True:
        chunk = await source.next_chunk()
        if not chunk:
            return
        seen += len(chunk)
        if limit is not None and seen > limit:
            raise RequestEntityTooLarge()
        yield chunk


_View = t.TypeVar("_View", bound=t.Callable[..., t.Any])


def stream_request_body(view: _View) -> _View:
    """Mark a view that reads its request body as it arrives (ASGI).

    By default the ASGI door reads the whole body before the view runs, so
    ``request.form`` and ``request.get_json()`` stay synchronous.  A marked
    view gets the body as the client sends it: an ``async def`` view with
    ``async for chunk in request.iter_body()``, a plain one by reading
    ``request.stream``.  ``MAX_CONTENT_LENGTH`` (or the request's own
    ``max_content_length``) still applies, with a 413 when passed.  Under
    WSGI the mark changes nothing: the server's stream is read as usual.
    """
    global _views_stream
    view.kolba_streams_body = True  # type: ignore[attr-defined]
    _views_stream = True
    return view


#: Whether any view was ever marked with :func:`stream_request_body`; until
#: then, the door need not ask whether a view streams a body it kept whole.
_views_stream = False


class _OverLimit(io.RawIOBase):
    """The body of a request that sent more than ``MAX_CONTENT_LENGTH``: reading it is a 413."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        raise RequestEntityTooLarge()


# -- sending ----------------------------------------------------------------------------


#: ASGI's form of header pairs seen before: a response's headers repeat
#: (the same content types, the same few lengths), and encoding each costs
#: more than finding it.  Bounded; emptied when full.
_raw_pairs: dict[tuple[str, str], tuple[bytes, bytes]] = {}

#: The status code of each status line seen before ("200 OK" -> 200).
_status_codes: dict[str, int] = {}


def _raw_pair(pair: tuple[str, str]) -> tuple[bytes, bytes]:
    raw = (pair[0].lower().encode("latin-1"), pair[1].encode("latin-1"))
    if len(_raw_pairs) >= 4096:
        _raw_pairs.clear()
    _raw_pairs[pair] = raw
    return raw


def _status_code(status: str) -> int:
    code = int(status[:3])
    if len(_status_codes) < 256:
        _status_codes[status] = code
    return code


def _raw_headers(headers: t.Iterable[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """Headers as ASGI wants them: lower-case names, both sides bytes."""
    pairs = _raw_pairs
    return [pairs.get(pair) or _raw_pair(pair) for pair in headers]


def _start_message(status: str, headers: t.Iterable[tuple[str, str]]) -> dict[str, t.Any]:
    """The ``http.response.start`` message for a WSGI status line and header list."""
    return {
        "type": "http.response.start",
        "status": _status_codes.get(status) or _status_code(status),
        "headers": _raw_headers(headers),
    }


async def _watch_disconnect(receive: Receive) -> None:
    """Return when the client disconnects (after the request body, if any)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


class _Responder:
    """Sends a result that is more than a status, headers and a list of bytes.

    Made only for those (streams, files, async bodies): the usual answer is
    sent by :meth:`ASGIDoor.emit` directly.
    """

    __slots__ = ("app", "scope", "receive", "send")

    def __init__(self, app: Kolba, scope: Scope, receive: Receive, send: Send) -> None:
        self.app = app
        self.scope = scope
        self.receive = receive
        self.send = send

    async def send_response(self, response: t.Any, environ: dict[str, t.Any]) -> None:
        """A response object: its async body iterated here, anything else run as WSGI."""
        async_body = getattr(response, "response", None)
        if hasattr(async_body, "__aiter__"):
            await self._send_async_stream(response, environ, async_body)  # type: ignore[arg-type]
            return
        from .core import materialize

        status, headers, body = t.cast("Triple", materialize(response, environ, None))
        await self.send_triple(status, headers, body, environ)

    async def send_triple(
        self, status: str, headers: list[tuple[str, str]], body: t.Iterable[bytes], environ: dict[str, t.Any]
    ) -> None:
        send = self.send
        await send(_start_message(status, headers))
        if type(body) is list:
            await send({"type": "http.response.body", "body": _EMPTY.join(body)})
            return
        path = _sendable_path(body, self.scope)
        if path is not None:
            await send({"type": "http.response.pathsend", "path": path})
            _close(body)
            return
        await self._stream(iter(body), body)

    async def _stream(self, chunks: t.Iterator[bytes], body: t.Any) -> None:
        """Send a lazy body chunk by chunk; stop and close it if the client leaves."""
        watcher = asyncio.ensure_future(_watch_disconnect(self.receive))
        try:
            while not watcher.done():
                chunk = await run_in_request_thread(next, chunks, None)
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
                await run_in_request_thread(body.close)

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
        step: asyncio.Future[t.Any] | None = None
        try:
            while True:
                # The next chunk races the disconnect, so a generator waiting
                # for something to send is cancelled where it waits.
                step = asyncio.ensure_future(iterator.__anext__())
                await asyncio.wait((step, watcher), return_when=asyncio.FIRST_COMPLETED)
                if not step.done():
                    step.cancel()
                    await asyncio.wait((step,))
                    return
                try:
                    chunk = step.result()
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
            if step is not None and not step.done():  # this task itself was cancelled
                step.cancel()
                await asyncio.wait((step,))
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
        # perf: looked up once, not per request (the app keeps its core for life)
        self._serve = app._core.serve_async
        self._emit = self.emit
        self._kept_body = self.kept_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            # perf: the http scope is served inline (a coroutine less per request)
            # The headers by name, for a ScopeContext; None when it cannot serve
            # the request: a root path (the path needs the environ's split) or
            # a repeated header name (the environ joins their values).
            by_name: dict[bytes, bytes] | None = None
            if not scope.get("root_path"):
                pairs = scope["headers"]
                by_name = dict(pairs)
                if len(by_name) != len(pairs):
                    by_name = None
            ctx: DoorContext
            body: t.Callable[[t.Any, EndpointPlan | None], t.Awaitable[None] | None] | None = None
            if by_name is not None:
                ctx = scope_context(self.app, scope, by_name)
                if ctx._method not in _BODILESS or b"content-length" in by_name or b"transfer-encoding" in by_name:
                    # perf: a body of declared length within the limit is read
                    # here, before matching (no coroutine, nothing to plan);
                    # the usual body comes whole in one message and is kept.
                    declared = by_name.get(b"content-length")
                    length = None if declared is None else _known_length(declared) or declared_length(declared)
                    first = None
                    if length is not None and b"transfer-encoding" not in by_name:
                        limit = self.app.config["MAX_CONTENT_LENGTH"]
                        if limit is None or length <= limit:
                            first = await receive()
                            chunk = first.get("body", _EMPTY)
                            if len(chunk) == length and first["type"] == "http.request" and not first.get("more_body"):
                                ctx._body = chunk
                                ctx._receive = receive
                    if ctx._body is None:
                        body = functools.partial(self._prepare_body, receive, first)
                    elif _views_stream:
                        body = self._kept_body
            else:
                environ = environ_for(scope)
                ctx = DoorContext(self.app, environ)
                # perf: DoorContext's own fields, set here (a call less)
                ctx._method = method = environ["REQUEST_METHOD"]
                ctx._cookie = environ.get("HTTP_COOKIE")
                ctx._kept = PRESERVE_CONTEXT in environ
                if method not in _BODILESS or "CONTENT_LENGTH" in environ or "HTTP_TRANSFER_ENCODING" in environ:
                    body = functools.partial(self._prepare_body, receive, None)
            try:
                serve_http = self._serve  # perf: 3.11 specializes no method call on an instance's own attribute
                ready = await serve_http(ctx, self._emit, (send, receive), body)
            except ClientDisconnected:
                return
            if ready is not None:
                # perf: _Responder.send_triple's list case, inline: no
                # responder object and no extra coroutine per request.
                status, headers, chunks = ready
                raw: list[tuple[bytes, bytes]]
                if type(status) is int:  # direct_result's raw triple: sent as it is
                    code, raw = status, headers  # type: ignore[assignment]  # bytes pairs, with an int status
                else:
                    code = _status_codes.get(status) or _status_code(status)  # type: ignore[arg-type]  # a str
                    pairs = _raw_pairs
                    raw = []
                    for pair in headers:  # perf: a loop, not a comprehension (a function call in 3.11)
                        raw.append(pairs.get(pair) or _raw_pair(pair))  # type: ignore[arg-type]  # str pairs
                await send({"type": "http.response.start", "status": code, "headers": raw})
                # serve_async returns only list bodies
                whole = chunks[0] if len(chunks) == 1 else _EMPTY.join(chunks)  # type: ignore[index, arg-type]
                await send({"type": "http.response.body", "body": whole})
        elif kind == "websocket":
            from .websockets import serve

            await serve(self.app, scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(scope, receive, send)
        else:
            raise RuntimeError(f"Kolba cannot serve ASGI scopes of type {kind!r}")

    async def emit(self, result: Result, environ: dict[str, t.Any], sink: tuple[Send, Receive]) -> None:
        """The core's ``emit``, for what must be sent while the request is current.

        Streams, files and async bodies; a plain answer comes back from
        ``serve_async`` instead and is sent by :meth:`__call__`.
        """
        responder = _Responder(self.app, environ["asgi.scope"], sink[1], sink[0])
        if type(result) is tuple:
            status, headers, body = result
            await responder.send_triple(status, headers, body, environ)
        else:
            await responder.send_response(result, environ)

    def kept_body(self, ctx: ScopeContext, plan: EndpointPlan | None) -> None:
        """Once the endpoint is known, for a body the door kept whole: a view that streams its body streams it.

        The view then reads it from ``wsgi.input`` as it would read one
        still arriving (an ``async def`` view only with ``iter_body``), so
        it behaves the same whether or not the client sent the body at once.
        """
        streams = plan.streams_body if plan is not None else self._streams_without_plan(ctx.environ)
        if streams:
            whole = {"type": "http.request", "body": ctx._body, "more_body": False}
            ctx.environ["wsgi.input"] = RequestBody(ctx._receive, asyncio.get_running_loop(), whole)

    async def _prepare_body(
        self, receive: Receive, first: Message | None, ctx: DoorContext, plan: EndpointPlan | None
    ) -> None:
        """Once the endpoint is known: stream the body to its view, or read it now into ``wsgi.input``.

        ``first`` is the body's first message when the door has received it
        already (it reads a body of declared length up front, and comes here
        when that body did not arrive whole in one message).
        """
        streams = plan.streams_body if plan is not None else self._streams_without_plan(ctx.environ)
        if streams:
            environ = ctx.environ
            environ["wsgi.input"] = RequestBody(receive, asyncio.get_running_loop(), first)
            if "CONTENT_LENGTH" not in environ:
                environ["wsgi.input_terminated"] = True
            return
        # Otherwise the body is read now, within the app's size limit.
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        environ = ctx.environ
        raw = environ.get("CONTENT_LENGTH")
        declared = None if raw is None else declared_length(raw)
        if limit is not None and declared is not None and declared > limit:
            # Werkzeug answers 413 from the declared length before any read.
            environ["wsgi.input"] = _OverLimit()
            return
        message = await receive() if first is None else first
        if message["type"] == "http.disconnect" or message.get("more_body", False):
            body, over = await read_body(receive, limit, message)
        else:
            # perf: the whole body in one message, the usual case, without a
            # coroutine; the file reads that bytes object itself, uncopied.
            chunk = message.get("body", _EMPTY)
            body, over = io.BytesIO(chunk), limit is not None and len(chunk) > limit
        if over:
            environ["wsgi.input"] = _OverLimit()
            environ["wsgi.input_terminated"] = True
            return
        environ["wsgi.input"] = body
        if declared is None:
            environ["wsgi.input_terminated"] = True

    def _streams_without_plan(self, environ: dict[str, t.Any]) -> bool:
        """Whether the matched view streams its body, when the core made no plan (general lane)."""
        from .ctx import RequestContext

        app = self.app
        ctx = RequestContext(app, dict(environ))  # a copy: this request object is thrown away
        ctx.match_request()
        view = app.view_functions.get(ctx._matched_endpoint())  # type: ignore[arg-type]
        return bool(getattr(view, "kolba_streams_body", False))

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
