"""Kolba's request and response objects.

Both subclass Werkzeug's, so everything written against Werkzeug's wrappers
keeps working.  The request differs in one way that matters for speed:
Werkzeug computes eight attributes in ``__init__``; Kolba computes each on
first access, so a view that never reads the request never pays for parsing.
"""

from __future__ import annotations

import codecs
import io
import re
import typing as t
from collections.abc import Mapping

from werkzeug.datastructures import EnvironHeaders, Headers, IfRange, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, BadRequestKeyError, ClientDisconnected, HTTPException
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.http import parse_cookie as _parse_cookie
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse

from . import json as _json
from .globals import _get_frame
from .plans import blueprint_scopes

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from .routing import Rule

_T = t.TypeVar("_T")


class lazy_attribute(t.Generic[_T]):
    """Compute an attribute on first read and keep it in the instance dict.

    A non-data descriptor: once stored, the instance dict answers every later
    read directly, and assignment simply overrides the value.
    """

    __slots__ = ("_fn", "_name")

    def __init__(self, fn: t.Callable[[t.Any], _T]) -> None:
        self._fn = fn
        self._name = fn.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> lazy_attribute[_T]: ...

    @t.overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self  # read on the class: the descriptor itself
        # Stored under the attribute's name, the instance answers next time.
        # perf: setattr, not ``obj.__dict__[...]``: reading ``__dict__``
        # makes CPython build a dict for an object that keeps its attribute
        # values inline, and slows its later attribute reads.
        # perf: the function from its slot first; ``self._fn(obj)`` would
        # be looked up as a method, which never specializes for a slot.
        fn = self._fn
        computed = fn(obj)
        setattr(obj, self._name, computed)
        return computed


#: What a kept attribute's field holds until the attribute is computed.
#: perf: a plain ``object()``, not an instance of a class of ours.  CPython
#: 3.11 specializes reads and writes of an instance attribute that shadows a
#: class attribute only when the class attribute's type is immutable (a
#: built-in type); with a value of a Python class there, every
#: ``req._kept_<name>`` read and store takes the generic path (about 200
#: instructions more each).
UNREAD: t.Any = object()


def kept_field(name: str) -> str:
    """The field holding the value of the kept attribute ``name``."""
    return f"_kept_{name}"


class kept_attribute(t.Generic[_T]):
    """Compute a request attribute on first read and keep it in a field of its own.

    The value lives in the field ``_kept_<name>``, which holds ``UNREAD``
    (a class default) until the attribute is computed.  perf: the
    ``request`` proxy reads that field by name and, while it is unread,
    computes and stores the value itself (``kolba.globals``), so a read
    through the proxy runs no descriptor, not even the first one: a
    descriptor's ``__get__`` is entered from C, which costs CPython 3.11 a
    new interpreter loop.  Used for what views read most: ``args``,
    ``form``, ``cookies`` and ``headers``.

    A data descriptor: assigning stores the value, and deleting makes the
    next read compute it again, as with Werkzeug's cached properties.
    """

    __slots__ = ("_fn", "field")

    def __init__(self, fn: t.Callable[[t.Any], _T]) -> None:
        self._fn = fn
        self.field = kept_field(fn.__name__)

    def __set_name__(self, owner: type, name: str) -> None:
        self.field = kept_field(name)
        setattr(owner, self.field, UNREAD)

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> kept_attribute[_T]: ...

    @t.overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self  # read on the class: the descriptor itself
        value = getattr(obj, self.field)
        if value is UNREAD:
            fn = self._fn  # perf: as in lazy_attribute.__get__
            value = fn(obj)
            setattr(obj, self.field, value)
        return value

    def __set__(self, obj: object, value: t.Any) -> None:
        setattr(obj, self.field, value)

    def __delete__(self, obj: object) -> None:
        setattr(obj, self.field, UNREAD)


def wsgi_decode(value: str) -> str:
    """Turn a WSGI (latin-1 tunnelled) string into the UTF-8 text it carries."""
    if value.isascii():
        return value
    return value.encode("latin1").decode("utf-8", "replace")


_ENVIRON_KEYS: dict[str, str] = {}


def _environ_key(name: str) -> str:
    """The WSGI environ key holding the request header ``name``."""
    key = _ENVIRON_KEYS.get(name)
    if key is None:
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        if len(_ENVIRON_KEYS) < 512:  # header names a program asks for, not clients
            _ENVIRON_KEYS[name] = key
    return key


class RequestHeaders(EnvironHeaders):
    """Werkzeug's read-only view of the request headers, with a quicker ``get``.

    perf: ``EnvironHeaders.get`` rewrites the name on every call and answers
    a missing header by raising and catching ``KeyError``; the environ key
    for each name is remembered here and looked up with ``dict.get``.
    """

    def get(self, key: t.Any, default: t.Any = None, type: t.Any = None) -> t.Any:  # type: ignore[override]
        if type is None and key.__class__ is str:
            return self.environ.get(_ENVIRON_KEYS.get(key) or _environ_key(key), default)
        return super().get(key, default, type)


def _environ_headers_state() -> bool:
    """Whether constructing ``EnvironHeaders`` stores exactly ``environ`` and an empty ``_list``."""
    environ: dict[str, t.Any] = {}
    return vars(EnvironHeaders(environ)) == {"_list": [], "environ": environ}


_PLAIN_ENVIRON_HEADERS = _environ_headers_state()
_new_request_headers = EnvironHeaders.__new__


def _current_app_config() -> dict[str, t.Any] | None:
    frame = _get_frame(None)
    return None if frame is None else frame[0].app.config


def _debugging() -> bool:
    """Whether the current app, if any, is in debug mode."""
    config = _current_app_config()
    return config is not None and bool(config.get("DEBUG"))


class Request(_WerkzeugRequest):
    """The request object, with Flask's routing attributes and config limits.

    ``url_rule``, ``view_args`` and ``routing_exception`` are set by the
    request context after matching.  The size limits default to the current
    app's ``MAX_CONTENT_LENGTH``, ``MAX_FORM_MEMORY_SIZE`` and
    ``MAX_FORM_PARTS``.
    """

    #: The module ``get_json`` and ``json`` parse with: :mod:`kolba.json`,
    #: which uses the current app's JSON provider when there is one.
    #:
    #: :meta hide-value:
    json_module: t.Any = _json

    #: The match result, copied from the request context (None until matched).
    url_rule: Rule | None
    view_args: dict[str, t.Any] | None
    routing_exception: Exception | None
    url_rule = view_args = routing_exception = None

    # Per-request overrides of the app's limits (None: use the config).
    _max_content_length: int | None
    _max_form_parts: int | None
    _max_form_memory_size: int | None
    _max_content_length = _max_form_parts = _max_form_memory_size = None

    #: The body, once ``get_data`` kept it (Werkzeug sets it there; perf: a
    #: class default, so reading it needs no ``getattr`` with a fallback).
    _cached_data: bytes | None = None  # type: ignore[assignment]

    #: The body a door read whole before the view (a
    #: :class:`kolba.asgi.ScopeRequest`'s), which ``_read_sized_body``
    #: returns; None when the body is to be read from the environ.  While
    #: it is set, no stream was made (making one builds the environ, which
    #: takes the body), so ``get_data`` and ``form`` ask it before
    #: ``_stream`` (perf: on a ``ScopeRequest`` it is an instance value,
    #: and ``_stream`` a class default, which reads slower).
    _body: bytes | None = None

    #: Whether the request may not read its body (Werkzeug's ``shallow``);
    #: set by ``__init__`` only when true (perf: a class default).
    shallow: bool = False

    #: Whether the query string and urlencoded forms take Kolba's parsing
    #: fast path; off for subclasses that customise the steps it replaces.
    _fast_parsing = True

    #: Whether :meth:`close` may have uploaded files to close: set once the
    #: body is parsed as other than an urlencoded form, and always for a
    #: subclass that changes how files are loaded or closed.  perf: the
    #: context's teardown asks this instead of looking for ``files`` in the
    #: instance ``__dict__`` (reading ``__dict__`` makes CPython build one).
    _may_hold_files = False

    #: Whether ``environ`` is set (a :class:`kolba.asgi.ScopeRequest`
    #: builds its own only when read), so teardown knows to clear its
    #: ``werkzeug.request`` entry.
    _has_environ = True

    #: Whether ``get_json`` may recognise ``application/json`` itself; off
    #: for subclasses that customise how the body or its type are read.
    _fast_json = True

    #: Whether ``max_content_length`` is this class's (the app's config
    #: unless set on the request); off for subclasses that replace it.
    _limits_from_config = True

    # The fields of the kept attributes below (``UNREAD`` until computed).
    _kept_headers: t.Any
    _kept_cookies: t.Any
    _kept_args: t.Any
    _kept_form: t.Any

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fast_parsing = _request_inherits(cls, _PARSING_STEPS)
        cls._limits_from_config = _request_inherits(cls, ("max_content_length",))
        cls._fast_json = _request_inherits(cls, _JSON_STEPS)
        if not _request_inherits(cls, ("_load_form_data", "files", "close")):
            cls._may_hold_files = True

    def __init__(self, environ: WSGIEnvironment, populate_request: bool = True, shallow: bool = False) -> None:
        # perf: Werkzeug's __init__ parses eight attributes up front; they are
        # lazy_attribute descriptors below instead.
        self.environ = environ
        if shallow:  # perf: False is the class default
            self.shallow = True
        elif populate_request:
            environ["werkzeug.request"] = self

    @lazy_attribute
    def method(self) -> str:
        """The request method, upper case (``GET``, ``POST``, ...)."""
        return str(self.environ.get("REQUEST_METHOD", "GET")).upper()

    @lazy_attribute
    def scheme(self) -> str:
        """The URL scheme the server saw: ``http`` or ``https``."""
        return str(self.environ.get("wsgi.url_scheme", "http"))

    @lazy_attribute
    def server(self) -> tuple[str, int | None] | None:
        """``(SERVER_NAME, SERVER_PORT)``; the port is None when missing or not a number."""
        environ = self.environ
        host = environ.get("SERVER_NAME")
        raw_port = str(environ.get("SERVER_PORT", ""))
        return None if host is None else (host, int(raw_port) if raw_port.isdigit() else None)

    @lazy_attribute
    def root_path(self) -> str:
        """Where the app is mounted (``SCRIPT_NAME``), decoded, without a trailing slash."""
        return wsgi_decode(self.environ.get("SCRIPT_NAME") or "").rstrip("/")

    @lazy_attribute
    def path(self) -> str:
        """The path below :attr:`root_path`, decoded, always starting with ``/``."""
        return "/" + wsgi_decode(self.environ.get("PATH_INFO") or "").lstrip("/")

    #: A query string assigned to the request, which then replaces the environ's.
    _assigned_query: bytes | None = None

    @property
    def query_string(self) -> bytes:
        """The raw query string, as bytes, not decoded; assignable."""
        assigned = self._assigned_query
        if assigned is None:
            return str(self.environ.get("QUERY_STRING", "")).encode("latin1")
        return assigned

    @query_string.setter
    def query_string(self, value: bytes) -> None:
        # perf: kept apart, so ``args`` learns of it without reading the
        # instance dict (which CPython would have to build).
        self._assigned_query = value

    @kept_attribute
    def headers(self) -> EnvironHeaders:  # type: ignore[override]
        """The request headers, read from the environ (case-insensitive, immutable).

        perf: Werkzeug's two ``__init__`` methods only store the environ and
        an empty pair list (the state ``tests/test_request_fastpaths.py``
        pins), which is done here directly.  Should Werkzeug ever keep more
        state, the constructor is used instead.
        """
        if not _PLAIN_ENVIRON_HEADERS:
            return RequestHeaders(self.environ)
        headers = _new_request_headers(RequestHeaders)
        headers.environ = self.environ
        headers._list = []
        return headers

    @lazy_attribute
    def remote_addr(self) -> str | None:
        """The client's address as the server reports it (``REMOTE_ADDR``)."""
        return self.environ.get("REMOTE_ADDR")

    @kept_attribute
    def cookies(self) -> t.Any:
        """The cookies the client sent, parsed on first access (as Werkzeug does)."""
        # perf: Werkzeug joins ``headers.getlist("Cookie")``, which scans every
        # environ key; a WSGI environ holds at most one Cookie header.
        return parse_cookie_header(self.environ.get("HTTP_COOKIE", ""), self.dict_storage_class)

    #: The body stream once made or assigned; None until then.  perf: an
    #: instance value behind the ``stream`` property instead of Werkzeug's
    #: cached property, so ``get_data()`` and ``form`` learn whether one
    #: exists without reading the instance ``__dict__`` (which makes CPython
    #: build a dict for an object that keeps its attributes inline, and
    #: slows every later attribute read of the request).
    _stream: t.IO[bytes] | None = None

    @property
    def stream(self) -> t.IO[bytes]:
        """The body as the server delivers it (see :meth:`_make_stream`), made on first read.

        Assigning a stream replaces it; deleting it makes the next read
        build a new one, as with Werkzeug's cached property.
        """
        stream = self._stream
        if stream is None:
            stream = self._stream = self._make_stream()
        return stream

    @stream.setter
    def stream(self, value: t.IO[bytes]) -> None:
        self._stream = value

    @stream.deleter
    def stream(self) -> None:
        self._stream = None

    def _make_stream(self) -> t.IO[bytes]:
        """The body as the server delivers it, with three guarantees.

        A declared ``Content-Length`` over ``max_content_length`` is a 413
        right here, before anything is read: on a server that marks its
        input as terminated, a read would otherwise wait for a body the
        client may never send.  A body that ends before its declared length
        is a 400 (``ClientDisconnected``), and so is any error the server's
        input raises while reading.  A body of unknown length (chunked)
        stops with a 413 once it passes the limit, instead of being cut
        there silently.
        """
        if self.shallow:
            return super().stream  # Werkzeug's refusal to read a shallow request
        environ = self.environ
        length = self.content_length  # None when absent or chunked
        limit = self.max_content_length
        if length is not None and limit is not None and length > limit:
            raise RequestEntityTooLarge()
        if length is None and "wsgi.input_terminated" not in environ:
            return io.BytesIO()  # nothing says where the body ends: read none of it
        return _BodyInput(environ["wsgi.input"], length, limit)  # type: ignore[return-value]

    def iter_body(self, size: int = 65536) -> t.AsyncIterator[bytes]:
        """The body in chunks: ``async for chunk in request.iter_body()``.

        Under ASGI, a view marked with ``kolba.stream_request_body`` gets
        each chunk as the client sends it; otherwise the body is already
        read (ASGI) or comes from the server's stream (WSGI), ``size``
        bytes at a time.  ``max_content_length`` applies either way.
        """
        from .asgi import iter_body

        return iter_body(self, size)

    @lazy_attribute
    def if_range(self) -> IfRange:
        """The parsed ``If-Range`` header; an entity tag with a quote inside is ignored.

        Werkzeug keeps such a tag (``If-Range: x"``) and then raises
        ``ValueError`` when it is written back with ``to_header()``; no valid
        tag contains a quote, so it is treated like a missing header.
        """
        value: IfRange = super().if_range
        if value.etag is not None and '"' in value.etag:
            return IfRange()
        return value

    @property
    def authorization(self) -> t.Any:
        """The parsed ``Authorization`` header; None when absent or malformed."""
        try:
            return super().authorization
        except ValueError:
            return None

    @property
    def full_path(self) -> str:
        """Path and query string; undecodable query bytes stay percent-encoded."""
        return f"{self.path}?{_lenient_text(self.query_string)}"

    def get_data(  # type: ignore[override]
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> bytes | str:
        """The raw body, read straight from the server when nothing else is in play."""
        if (
            not parse_form_data
            and self._fast_parsing
            and self._cached_data is None
            and (self._body is not None or self._stream is None)  # perf: see ``_body``
        ):
            body = self._read_sized_body()
            if body is not None:
                if cache:
                    self._cached_data = body
                return body.decode(errors="replace") if as_text else body
        return super().get_data(cache=cache, as_text=as_text, parse_form_data=parse_form_data)  # type: ignore[call-overload, no-any-return]

    def _body_type(self) -> str | None:
        """The ``Content-Type`` header as sent (the environ's ``CONTENT_TYPE``), or None."""
        return self.environ.get("CONTENT_TYPE")

    def _read_sized_body(self) -> bytes | None:
        """Read a body of plain ``Content-Length`` directly; None means "use the stream".

        The same checks as the stream's (413 before reading, 400 for a short
        or unreadable body) without building a stream object around the
        server's input.
        """
        environ = self.environ
        raw = environ.get("CONTENT_LENGTH")
        if raw is None or self.shallow or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        length = _known_lengths.get(raw)
        if length is None:
            length = declared_length(raw)
            if length is None:
                return None
        limit = self._max_content_length
        if limit is None:
            frame = _get_frame(None)
            if frame is not None and self._limits_from_config:
                limit = frame[0].app.config["MAX_CONTENT_LENGTH"]  # perf: max_content_length, inline
            else:
                limit = self.max_content_length
        if limit is not None and length > limit:
            raise RequestEntityTooLarge()
        data = b""
        if length:
            source = environ["wsgi.input"]
            try:
                data = source.read(length)
            except InputMisuse:
                raise
            except Exception as error:
                raise _unreadable(error) from error
            if len(data) < length:
                data = read_rest(source, data, length)
        self._stream = AT_END  # type: ignore[assignment]  # consumed, as Werkzeug's would be
        return data

    def get_json(
        self, force: bool = False, silent: bool = False, cache: bool = True
    ) -> t.Any:
        """Parse the body as JSON; JSON nested too deeply to parse is a 400 too."""
        if (
            cache
            and self._fast_json
            and self._cached_json[silent] is Ellipsis
            and _is_json_content_type(self._body_type())
        ):
            # perf: a plain application/json body skips the mimetype parse;
            # a body that fails to parse takes the general path below, which
            # parses the cached body again and reports the error as usual.
            data = self.get_data()
            try:
                value = self.json_module.loads(data)
            except Exception:
                pass
            else:
                self._cached_json = (value, value)
                return value
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            return self.on_json_loading_failed(ValueError("JSON is nested too deeply."))

    @property
    def max_content_length(self) -> int | None:
        """The largest body this request may carry; larger ones give 413."""
        if self._max_content_length is not None:
            return self._max_content_length
        frame = _get_frame(None)  # perf: _current_app_config(), inline
        if frame is None:
            return super().max_content_length
        return frame[0].app.config["MAX_CONTENT_LENGTH"]  # type: ignore[no-any-return]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest non-file form field kept in memory."""
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        config = _current_app_config()
        if config is None:
            return super().max_form_memory_size
        return config["MAX_FORM_MEMORY_SIZE"]  # type: ignore[no-any-return]

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property  # type: ignore[override]
    def max_form_parts(self) -> int | None:
        """The most multipart parts a form may have."""
        if self._max_form_parts is not None:
            return self._max_form_parts
        config = _current_app_config()
        if config is None:
            return super().max_form_parts
        return config["MAX_FORM_PARTS"]  # type: ignore[no-any-return]

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

    @property
    def endpoint(self) -> str | None:
        """The endpoint the URL matched, or None when matching failed."""
        rule = self.url_rule
        return None if rule is None else rule.endpoint

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint the matched endpoint belongs to."""
        endpoint = self.endpoint
        if endpoint is None or "." not in endpoint:
            return None
        return endpoint.rpartition(".")[0]

    @property
    def blueprints(self) -> list[str]:
        """The current blueprint and the blueprints it is nested in, innermost first."""
        return list(blueprint_scopes(self.endpoint))

    @kept_attribute
    def args(self) -> t.Any:
        """The parsed query string, as Werkzeug parses it."""
        if self._fast_parsing and self._assigned_query is None:
            text = self.environ.get("QUERY_STRING", "")
            if not text.isascii():
                # Undecodable bytes stay percent-encoded rather than failing.
                text = _lenient_text(text.encode("latin1"))
            cls = self.parameter_storage_class
            if cls is ImmutableMultiDict:
                return urlencoded_fields(text)  # perf: urlencoded_multidict, inline
            return urlencoded_multidict(cls, text)
        return super().args

    @kept_attribute
    def form(self) -> t.Any:
        """The form fields of the body (urlencoded or multipart), parsed on first access.

        perf: Werkzeug's ``form`` is a caching property that runs a Python
        ``__get__`` on every read; as a kept attribute, reads through the
        ``request`` proxy run none (see :class:`kept_attribute`).
        """
        content_type = self._body_type()
        if (
            self._fast_parsing
            and content_type is not None
            and (content_type == _URLENCODED or content_type.startswith(_URLENCODED_PARAMS))  # _is_urlencoded, inline
        ):
            # perf: FormDataParser dispatch and parse_qsl's generality cost
            # more than the parsing itself for a typical small form.
            body = self._cached_data
            if body is None and (self._body is not None or self._stream is None):  # perf: see ``_body``
                body = self._read_sized_body()
            if body is None:
                # The stream checked the declared length against the limit when
                # it was made; reading it checks the rest.
                body = self._get_stream_for_parsing().read()
            try:
                text = body.decode()
            except UnicodeDecodeError:
                text = _lenient_text(body)  # undecodable bytes stay percent-encoded, so no field is lost
            cls = self.parameter_storage_class
            if cls is ImmutableMultiDict:
                form = urlencoded_fields(text)  # perf: urlencoded_multidict, inline
            else:
                form = urlencoded_multidict(cls, text)
            return form  # in debug mode, ``files`` explains a file sent as a field
        self._load_form_data()
        return self.__dict__["form"]

    @lazy_attribute
    def files(self) -> t.Any:
        """The uploaded files of a multipart body, parsed on first access.

        An urlencoded body carries none; its parsing leaves ``files`` unset
        (perf: no empty MultiDict to build, and nothing for ``close`` to
        close), so the empty one is made here if a view asks.  In debug
        mode it is made to explain a file name sent as a form field, as
        Flask's is when the form is loaded (perf: parsing the form does not
        look at the config, since only ``files`` shows the explanation).
        """
        self._load_form_data()
        files = self.__dict__.get("files")
        if files is not None:
            return files
        files = self.files = multidict(self.parameter_storage_class, [])
        if _debugging():
            self._explain_missing_files()
        return files

    def _load_form_data(self) -> None:
        # Parsed (by Kolba, or by Werkzeug into the instance dict) or assigned: done.
        if self._kept_form is not UNREAD or "form" in self.__dict__:
            return
        if self._fast_parsing and _is_urlencoded(self._body_type()):
            self.form  # noqa: B018 - Kolba's urlencoded parsing, which keeps the result
            return
        self._may_hold_files = True
        super()._load_form_data()
        frame = _get_frame(None)
        if frame is not None and frame[0].app.config.get("DEBUG"):  # perf: _debugging(), inline
            self._explain_missing_files()

    def _explain_missing_files(self) -> None:
        """Make ``request.files[key]`` explain a non-multipart form (called in debug mode)."""
        if self.files or self.mimetype == "multipart/form-data":
            return
        from .debughelpers import attach_enctype_error_multidict

        attach_enctype_error_multidict(self)

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Turn bad JSON into a 400; in debug mode keep the parser's message."""
        keep_detail = _debugging()
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as bad:
            if keep_detail:
                raise
            raise BadRequest() from bad


class _AtEnd(io.RawIOBase):
    """A stream always at its end: a body that is empty or already read.

    One instance serves every request (perf: no stream made per request);
    it has no state to share, and closing it does nothing.
    """

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        return 0

    def close(self) -> None:
        """Stay open: the next request reads this same object."""


AT_END = _AtEnd()


def _request_inherits(cls: type, names: tuple[str, ...]) -> bool:
    return all(getattr(cls, name) is getattr(Request, name) for name in names)


# What the fast urlencoded and query-string parsing stands in for.
_PARSING_STEPS = (
    "parameter_storage_class",
    "form_data_parser_class",
    "make_form_data_parser",
    "_get_stream_for_parsing",
    "query_string",
    "stream",
    "_make_stream",
)

# What get_json's content-type shortcut stands in for.
_JSON_STEPS = ("is_json", "mimetype", "get_data", "_read_sized_body")

_URLENCODED = "application/x-www-form-urlencoded"
_URLENCODED_PARAMS = _URLENCODED + ";"
_JSON = "application/json"


def _is_json_content_type(content_type: str | None) -> bool:
    """True for the spellings of ``application/json`` that need no parsing."""
    if not content_type:
        return False
    return content_type == _JSON or content_type.startswith(_JSON + ";")

_werkzeug_cookies: t.Callable[..., t.Any] = _parse_cookie


def parse_cookie_header(header: str, cls: t.Any) -> t.Any:
    """Werkzeug's ``parse_cookie`` result, faster for the usual header shape.

    That shape is what browsers send: ``name=value`` pairs (or a bare
    ``name``, an empty value) joined by ``;`` and spaces, no quotes, tabs
    or blanks inside a pair, and at most one ``;`` (and spaces) at the end.  For it, splitting gives exactly
    what Werkzeug's scanner gives; any other header goes to Werkzeug.
    """
    if not header or '"' in header or "\t" in header or cls is not ImmutableMultiDict:
        return _parse_cookie(header, cls=cls)
    parts = header.split("; ")
    # What is left without the separators (perf: two ``in`` tests cost
    # less than two ``count`` calls, which parse their arguments slowly)
    joined = header.replace("; ", "") if len(parts) > 1 else header
    if " " in joined or ";" in joined:
        return _cookies_spaced_otherwise(header, cls)
    # perf: every space and every ``;`` is in a "; " separator, as browsers
    # join cookies; the pairs need no stripping and no blank tests.
    result = _new_multidict(RequestMultiDict)  # filled directly (see _setdefault)
    for part in parts:
        name, _, value = part.partition("=")
        _setdefault(result, name, value)  # a name's first value
    if "" in result:
        return _werkzeug_cookies(header, cls=cls)  # a pair without a name
    if len(result) != len(parts):  # a name sent twice: keep every value
        return multidict(cls, [part.partition("=")[::2] for part in parts])
    return result


def _cookies_spaced_otherwise(header: str, cls: t.Any) -> t.Any:
    """:func:`parse_cookie_header` for separators other than "; " (no quotes or tabs)."""
    parts = header.split(";")
    if len(parts) > 1 and not parts[-1].strip(" "):
        parts.pop()  # the trailing separator
    pairs: list[tuple[str, str]] = []
    for part in parts:
        if part[:1] == " ":
            part = part.lstrip(" ")
        name, _, value = part.partition("=")
        if not name or " " in value or " " in name:
            return _werkzeug_cookies(header, cls=cls)  # a blank pair, or blanks inside one
        pairs.append((name, value))
    return multidict(cls, pairs)


def multidict(cls: t.Any, pairs: list[tuple[str, str]]) -> t.Any:
    """``cls(pairs)``; a ``RequestMultiDict`` filled directly when ``cls`` is ``ImmutableMultiDict``.

    perf: MultiDict's constructor first asks whether its argument is a
    MultiDict and then a ``Mapping`` (an ABC check) before grouping.  Any
    other class gets its constructor.
    """
    if cls is not ImmutableMultiDict:
        return cls(pairs)
    return _with_pairs(_new_multidict(RequestMultiDict), pairs)


def _group(pairs: t.Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Each key's values, in order, keys in order of first appearance."""
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


# perf: an empty multidict without MultiDict's constructor, and dict's own
# setdefault to store a key's first value (a MultiDict's own stores a list).
_new_multidict: t.Callable[[type], t.Any] = dict.__new__
_setdefault: t.Callable[[t.Any, str, str], str] = dict.setdefault

#: What ``dict.get`` returns for a key a ``RequestMultiDict`` lacks.
_ABSENT: t.Any = object()


class RequestMultiDict(ImmutableMultiDict[str, str]):
    """The ``ImmutableMultiDict`` Kolba fills with parsed args, form fields and cookies.

    It answers as Werkzeug's class does (``isinstance`` holds; each method,
    the ``repr``, equality, copies and pickling give Werkzeug's answers), but
    stores values its own way: the dict maps each key to its *first* value,
    and ``_repeats`` maps each key that has more than one value to the list
    of all of them (None when no key repeats, as in most requests).
    perf: ``[]`` is ``dict.__getitem__`` itself, with no Python call (a
    missing key reaches ``__missing__``, which raises Werkzeug's
    ``BadRequestKeyError``); ``get`` is one ``dict.get``; parsing stores a
    field with one ``setdefault`` instead of making a list and appending.
    A key is never stored without a value (parsing makes none); a mapping
    given one with an empty list leaves the key out.
    """

    #: Key -> every value, for the keys that have more than one; or None.
    _repeats: dict[str, list[str]] | None = None

    def __init__(self, mapping: t.Any = None) -> None:
        # Whatever Werkzeug's constructor takes (pairs, a mapping, a
        # MultiDict), read by Werkzeug's own MultiDict.  Copies, pickles and
        # ``fromkeys`` come here; Kolba's parsers fill an empty one directly.
        dict.clear(self)
        self._repeats = None
        _with_lists(self, MultiDict(mapping).lists())

    __getitem__ = dict.__getitem__

    def __missing__(self, key: t.Any) -> t.NoReturn:
        raise BadRequestKeyError(key)

    def get(self, key: t.Any, default: t.Any = None, type: t.Any = None) -> t.Any:  # type: ignore[override]
        if type is None:
            return dict.get(self, key, default)
        value = dict.get(self, key, _ABSENT)
        if value is _ABSENT:
            return default
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    def getlist(self, key: t.Any, type: t.Any = None) -> list[t.Any]:
        values = self._values_or_none(key)
        if values is None:
            return []
        if type is None:
            return list(values)
        converted = []
        for value in values:
            try:
                converted.append(type(value))
            except (ValueError, TypeError):
                pass
        return converted

    def _values_or_none(self, key: t.Any) -> list[str] | None:
        """Every value of ``key`` (a list the caller must not change), or None."""
        repeats = self._repeats
        if repeats is not None:
            values = repeats.get(key)
            if values is not None:
                return values
        value = dict.get(self, key, _ABSENT)
        return None if value is _ABSENT else [value]

    def items(self, multi: bool = False) -> t.Iterator[tuple[str, str]]:  # type: ignore[override]
        repeats = self._repeats
        for key, value in dict.items(self):
            if multi and repeats is not None and key in repeats:
                for each in repeats[key]:
                    yield key, each
            else:
                yield key, value

    def lists(self) -> t.Iterator[tuple[str, list[str]]]:
        repeats = self._repeats
        for key, value in dict.items(self):
            if repeats is not None and key in repeats:
                yield key, list(repeats[key])
            else:
                yield key, [value]

    def values(self) -> t.Iterator[str]:  # type: ignore[override]
        yield from dict.values(self)

    def listvalues(self) -> t.Any:
        return dict(self.lists()).values()

    def to_dict(self, flat: bool = True) -> dict[str, t.Any]:
        if flat:
            return dict(dict.items(self))
        return dict(self.lists())

    def __getstate__(self) -> dict[str, list[str]]:
        return dict(self.lists())

    def __setstate__(self, value: dict[str, list[str]]) -> None:
        dict.clear(self)
        self._repeats = None
        _with_lists(self, value.items())

    def __eq__(self, other: object) -> bool:
        # A MultiDict equals a dict holding the same lists: compare those.
        if not isinstance(other, dict):
            return NotImplemented
        return dict(self.lists()) == other

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = ImmutableMultiDict.__hash__  # type: ignore[assignment]  # defining __eq__ unset it

    def __repr__(self) -> str:
        return f"ImmutableMultiDict({list(self.items(multi=True))!r})"


def _with_lists(
    fields: RequestMultiDict, lists: t.Iterable[tuple[str, list[str]]]
) -> RequestMultiDict:
    """Fill an empty ``fields`` with each key's values (keys without values are left out)."""
    repeats: dict[str, list[str]] | None = None
    for key, values in lists:
        if values:
            _setdefault(fields, key, values[0])
            if len(values) > 1:
                if repeats is None:
                    repeats = {}
                repeats[key] = list(values)
    if repeats is not None:
        fields._repeats = repeats
    return fields


def _with_pairs(fields: RequestMultiDict, pairs: t.Iterable[tuple[str, str]]) -> RequestMultiDict:
    """Fill an empty ``fields`` with ``(key, value)`` pairs, in order."""
    return _with_lists(fields, _group(pairs).items())


def _lenient_text(raw: bytes) -> str:
    """UTF-8 text of a URL-encoded byte string, percent-encoding invalid bytes.

    Valid multi-byte sequences survive the later percent-decoding intact;
    invalid bytes come out as ``%FF`` (Werkzeug's convention for invalid
    escapes) instead of making the whole string unreadable.
    """
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return "".join(chr(b) if b < 0x80 else f"%{b:02X}" for b in raw)


#: Content-Length values already read, as numbers: a keep-alive client
#: sends the same lengths again and again (perf: ``int()`` and the digit
#: checks cost more than the lookup).
_known_lengths: dict[str | bytes, int] = {}
#: Its lookup, bound once for other modules (see ``kolba.globals._get_frame``).
_known_length = _known_lengths.get


def declared_length(raw: str | bytes) -> int | None:
    """A ``Content-Length`` value (environ text or scope bytes) as a number; None unless ASCII digits.

    ``str.isdigit()`` alone also accepts digits ``int()`` refuses (``²``).
    Values of up to 15 digits are remembered; a longer one is read each
    time, and one of more digits than ``int()`` reads is 0, as Werkzeug's
    ``content_length`` reads it.
    """
    length = _known_lengths.get(raw)
    if length is None and raw.isascii() and raw.isdigit():
        if len(raw) < 16:
            return remember(_known_lengths, raw, int(raw), 1024)
        try:
            return int(raw)
        except ValueError:
            return 0
    return length


_K = t.TypeVar("_K")
_V = t.TypeVar("_V")


def remember(table: dict[_K, _V], key: _K, value: _V, limit: int) -> _V:
    """Store ``value`` under ``key`` in a memo table, emptied when it reaches ``limit`` entries.

    The tables hold values computed from what clients send, so they are
    bounded; emptying one costs a few recomputations at most.
    """
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value


#: The 400 description for a body the server could not deliver.
UNREADABLE_BODY = "The request body could not be read."


class InputMisuse(RuntimeError):
    """The body was read in a way that cannot work: a bug in the app, so a 500.

    Raised by an input Kolba provides (the ASGI door's streamed body read
    synchronously on the event loop); every other error from a server's
    input is the client's doing and answers 400.
    """


def _unreadable(error: Exception) -> HTTPException:
    """The error to raise for ``error`` from the server's input: itself if HTTP, else 400."""
    if isinstance(error, HTTPException):
        return error
    return BadRequest(UNREADABLE_BODY)


def read_rest(source: t.Any, data: bytes, length: int) -> bytes:
    """Complete ``data``, the start of a ``length``-byte body, from a server's input.

    A server may hand over fewer bytes than asked for; only an empty read
    means the client stopped sending, which is a 400 (ClientDisconnected).
    Any error the input raises is a 400 too.
    """
    try:
        while len(data) < length:
            more = source.read(length - len(data))
            if not more:
                raise ClientDisconnected()
            data += more
    except (HTTPException, InputMisuse):
        raise
    except Exception as error:
        raise _unreadable(error) from error
    return data


class _BodyInput(io.RawIOBase):
    """The request body read from the server's input, never past its end.

    ``length`` is the declared ``Content-Length``: the stream ends there,
    and ending sooner is a 400.  For a body of unknown length (None, a
    chunked upload on a server that terminates its input) the stream ends
    where the server's input ends, and passing ``limit`` is a 413.  Any
    error from the server's input is a 400.
    """

    def __init__(self, source: t.Any, length: int | None, limit: int | None) -> None:
        self._source = source
        self._sized = length is not None
        # Bytes that may still be read: the rest of a declared body, or up to
        # one past the limit for a body of unknown length (None: no limit).
        self._left = length if length is not None else None if limit is None else limit + 1

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        left = self._left
        if left is not None and size > left:
            size = left
        if size <= 0:
            return b""
        try:
            data: bytes = self._source.read(size)
        except InputMisuse:
            raise
        except Exception as error:
            raise _unreadable(error) from error
        if left is not None:
            self._left = left - len(data)
        if self._sized:
            if not data:
                raise ClientDisconnected()
        elif self._left == 0:
            raise RequestEntityTooLarge()
        return data

    def readall(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            left = self._left
            chunk = self.read(_READ_SIZE if left is None else left)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def readinto(self, buffer: t.Any) -> int:
        data = self.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        return size


#: How much a body of unknown length is read at a time.
_READ_SIZE = 64 * 1024


def _is_urlencoded(content_type: str | None) -> bool:
    if not content_type:
        return False
    return content_type == _URLENCODED or content_type.startswith(_URLENCODED_PARAMS)


def parse_urlencoded(text: str) -> list[tuple[str, str]]:
    """Split ``a=1&b=2`` into pairs exactly as Werkzeug's ``parse_qsl`` call does.

    Blank values are kept, ``+`` means space, and invalid percent-escapes
    or bytes stay percent-encoded (Werkzeug's ``werkzeug.url_quote`` error
    handler).  Each name and value is decoded on its own; request parsing
    takes the quicker :func:`urlencoded_fields`.
    """
    items = []
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "+" in name:
            name = name.replace("+", " ")
        if "%" in name:
            name = _percent_decode(name)
        if "+" in value:
            value = value.replace("+", " ")
        if "%" in value:
            value = _percent_decode(value)
        items.append((name, value))
    return items


def urlencoded_multidict(cls: t.Any, text: str) -> t.Any:
    """``multidict(cls, parse_urlencoded(text))``, by way of :func:`urlencoded_fields`."""
    if cls is not ImmutableMultiDict:
        return cls(parse_urlencoded(text))
    return urlencoded_fields(text)


def urlencoded_fields(text: str) -> RequestMultiDict:
    """The fields of ``text``: :func:`parse_urlencoded`'s pairs, in a ``RequestMultiDict``.

    perf: the whole text is unescaped at once when ``_unescaped`` can, and
    each field is stored with one ``setdefault`` (the key's first value).
    Fewer keys than fields afterwards means a repeated name (or an empty
    field): :func:`parse_urlencoded` then splits the text again, pair by
    pair, so that every value of a repeated name is kept.
    """
    fields: RequestMultiDict = _new_multidict(RequestMultiDict)
    raw = text
    if text.isascii() and "%" not in text:
        # Nothing to unescape but "+" (perf: the usual query string, no call)
        if "+" in text:
            text = text.replace("+", " ")
        amp, eq = "&", "="
    else:
        unescaped = _unescaped(text)
        if unescaped is None:
            return _with_pairs(fields, parse_urlencoded(text))
        text, amp, eq = unescaped
    # Text without escapes is ASCII (``_unescaped`` checked), so its pieces
    # need no UTF-8 decoding.
    decoded = amp is _AMP
    pieces = text.split(amp)
    for piece in pieces:
        if piece:
            if decoded and not piece.isascii():  # perf: one test for an ASCII piece
                name, value = _decoded_field(piece, eq)
            else:
                name, _, value = piece.partition(eq)
            _setdefault(fields, name, value)
    if len(fields) != len(pieces):
        return multidict(ImmutableMultiDict, parse_urlencoded(raw))  # type: ignore[no-any-return]
    return fields


def _decoded_field(piece: str, eq: str) -> tuple[str, str]:
    """The name and value of a field of unescaped text holding bytes above 127."""
    name, _, value = piece.partition(eq)
    if not name.isascii():
        name = _from_latin(name)
    if not value.isascii():
        value = _from_latin(value)
    return name, value


# The separators of unescaped text: characters no ``%XX`` escape decodes to.
_AMP = "\u0100"
_EQ = "\u0101"


def _unescaped(text: str) -> tuple[str, str, str] | None:
    """``text`` with ``+`` and every escape decoded at once, and its two separators.

    perf: one decoding step for the whole string instead of one per name
    and value.  In ASCII text without backslashes, each ``%XX`` becomes the
    escape ``\\xXX``, which a codec decodes in C.  The usual text escapes
    no separator, or only ``&`` (as ``%26``): its raw ``&`` then becomes
    ``\\x01`` if that character is nowhere in the text, so both separators
    stay ASCII.  The ``escape_decode`` codec makes the bytes of such text
    at once, and they are decoded from UTF-8 whole (no sequence spans an
    ASCII separator, and the error handler escapes each bad byte alike),
    so its pieces need nothing more.  Other text (an escaped ``=``, or
    ``\\x01`` present) goes through ``unicode_escape``: ``&`` becomes
    ``\\u0100`` and ``=`` ``\\u0101`` (``=`` only when an escape makes one),
    characters no escape can produce, so ``%26`` and ``%3D`` stay data;
    each escape becomes the character of its byte value (U+0000 to U+00FF),
    and pieces holding any above 127 are then decoded as UTF-8
    (``_from_latin``).  None means the text needs the general path:
    non-ASCII, a backslash, or an escape without two hex digits.  ASCII
    text without ``%`` never comes here: :func:`urlencoded_fields` splits
    it as it is.
    """
    if not text.isascii() or "\\" in text:
        return None
    escapes_eq = "%3" in text and ("%3D" in text or "%3d" in text)
    escapes_amp = "%26" in text
    if not escapes_eq and (not escapes_amp or ("%01" not in text and "\x01" not in text)):
        # Both separators ASCII: decoded whole.  perf: ``escape_decode``
        # makes the bytes themselves, in less than half the time
        # ``unicode_escape`` takes to make their latin-1 text, which would
        # then need encoding.
        raw = text.encode()
        if "+" in text:
            raw = raw.replace(b"+", b" ")
        raw = raw.replace(b"%", b"\\x")
        amp = "&"
        if escapes_amp:
            raw = raw.replace(b"&", b"\\x01")
            amp = "\x01"
        try:
            data = _escape_decode(raw)[0]
        except ValueError:  # an escape without two hex digits
            return None
        return data.decode("utf-8", "werkzeug.url_quote"), amp, "="
    if "+" in text:
        text = text.replace("+", " ")
    escaped = text.replace("%", "\\x")
    escaped = escaped.replace("&", "\\u0100")
    eq = "="
    if escapes_eq:
        # An escaped "=" is data: the separator becomes one no escape makes.
        escaped = escaped.replace("=", "\\u0101")
        eq = _EQ
    try:
        return _unicode_escape_decode(escaped)[0], _AMP, eq
    except UnicodeDecodeError:
        return None


def _from_latin(piece: str) -> str:
    """The text of a piece of unescaped text: its characters are UTF-8 bytes.

    A value keeps any ``=`` after the first, which unescaping made ``_EQ``.
    """
    if _EQ in piece:
        piece = piece.replace(_EQ, "=")
    return piece.encode("latin-1").decode("utf-8", "werkzeug.url_quote")


_HEX_BYTES = {
    f"{high}{low}": bytes([int(high + low, 16)])
    for high in "0123456789abcdefABCDEF"
    for low in "0123456789abcdefABCDEF"
}

_unicode_escape_decode = codecs.unicode_escape_decode
_escape_decode = codecs.escape_decode


def _percent_decode(text: str) -> str:
    """``urllib.parse.unquote(text, errors="werkzeug.url_quote")``, in fewer steps.

    perf: in ASCII text without backslashes, every ``%XX`` becomes the
    escape ``\\xXX`` and the ``escape_decode`` codec decodes them all in
    C, each to the byte of that value.  An escape without two hex digits
    makes the codec fail, and such text is decoded piece by piece instead.
    """
    if text.isascii() and "\\" not in text:
        try:
            data = _escape_decode(text.encode().replace(b"%", b"\\x"))[0]
        except ValueError:
            pass
        else:
            return data.decode("utf-8", "werkzeug.url_quote")
    return _percent_decode_pieces(text)


def _percent_decode_pieces(text: str) -> str:
    """``_percent_decode`` for any text: split at ``%``, decode each escape.

    The standard function splits on non-ASCII runs and decodes each
    piece on its own; UTF-8 resynchronises after any bad byte, so decoding
    the whole byte string at once gives the same text.
    """
    pieces = text.split("%")
    out = bytearray(pieces[0].encode())
    hex_byte = _HEX_BYTES.get
    for piece in pieces[1:]:
        byte = hex_byte(piece[:2])
        if byte is None:
            out += b"%"
            out += piece.encode()
        else:
            out += byte
            out += piece[2:].encode()
    return out.decode("utf-8", "werkzeug.url_quote")


#: Response and its subclasses that keep its ``__call__`` and the steps it
#: stands in for (``_CALL_STEPS``): the responses ``send_wsgi`` and
#: ``plain_triple`` may send themselves.  Filled as the classes are made.
_plain_calling: set[type] = set()


class Response(_WerkzeugResponse):
    """The response object: HTML by default, JSON through the app's provider.

    Construction and WSGI output have a fast lane for the common case (a
    text or bytes body, no extra headers, a plain status); anything else,
    and any subclass that overrides the steps involved, takes Werkzeug's
    general code.  Both lanes produce the same headers and bytes.
    """

    default_mimetype: str | None = "text/html"
    #: The module ``get_json`` and ``json`` parse with: :mod:`kolba.json`,
    #: which uses the current app's JSON provider when there is one.
    #:
    #: :meta hide-value:
    json_module: t.Any = _json
    autocorrect_location_header = False

    #: ``(Content-Type, Content-Length)`` of a response made by ``_fill``
    #: whose :attr:`headers` nobody has read yet; None for any other.
    #: perf: most responses leave without anyone reading their headers, so
    #: the headers object is built only when read, and the WSGI and ASGI
    #: doors send these two headers as they are.
    _plain: tuple[str | None, str] | None = None

    _fast_init = True
    #: Whether ``text_response`` may skip ``__init__`` (see there).
    _fast_text = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fast_init = _inherits(cls, _INIT_STEPS)
        cls._fast_text = cls._fast_init and _inherits(cls, ("__init__", "__new__"))
        if cls.__call__ is Response.__call__ and _inherits(cls, _CALL_STEPS):
            _plain_calling.add(cls)

    def __init__(
        self,
        response: t.Any = None,
        status: int | str | None = None,
        headers: t.Any = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        kind = type(response)
        if (
            (kind is str or kind is bytes)
            and headers is None
            and content_type is None
            and (status is None or type(status) is int)
            and self._fast_init
        ):
            # perf: Werkzeug's __init__ runs header validation and the status
            # and content-type setters; this builds the same state directly.
            _fill(self, response.encode() if kind is str else response, mimetype or self.default_mimetype)
            if status is not None and status != 200:
                self._status, self._status_code = self._clean_status(status)
            self.direct_passthrough = direct_passthrough
            return
        try:
            super().__init__(response, status, headers, mimetype, content_type, direct_passthrough)
        except ValueError as error:
            raise _refusal(error, _header_pairs(headers)) from error
        made = self.headers
        if type(made) is Headers and made is not headers:
            made.__class__ = ResponseHeaders  # built here, so no one else holds it

    @lazy_attribute
    def headers(self) -> Headers:
        """The headers of a response made by ``_fill``, built when first read.

        Any other response has its headers in the instance dict, which is
        read first; this runs only for a ``_fill`` response, once.
        """
        plain = self._plain
        if plain is None:
            raise AttributeError("headers")  # a bare instance that __init__ never set up
        self._plain = None  # from now on the headers object is the truth
        return plain_headers(plain)

    def __call__(
        self, environ: WSGIEnvironment, start_response: t.Callable[..., t.Any]
    ) -> t.Iterable[bytes]:
        """Emit the response; a simple one skips Werkzeug's general header pass."""
        if type(self) in _plain_calling:
            return send_wsgi(self, environ, start_response)
        # (a subclass with a ``__call__`` of its own, or steps of its own:
        # Werkzeug's general pass, which sends the same bytes)
        return super().__call__(environ, start_response)

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """The cookie size warning limit, from ``MAX_COOKIE_SIZE`` in an app."""
        config = _current_app_config()
        if config is None:
            return super().max_cookie_size
        return config["MAX_COOKIE_SIZE"]  # type: ignore[no-any-return]


_plain_calling.add(Response)


def send_wsgi(
    result: t.Any, environ: WSGIEnvironment, start_response: t.Callable[..., t.Any]
) -> t.Iterable[bytes]:
    """Send one result through ``start_response``; return the body to iterate.

    The WSGI door's ``emit``, and ``Response.__call__`` for the classes in
    ``_plain_calling``: a ready ``(status, headers, body)`` triple goes
    straight to ``start_response``; a response of such a class is sent here
    (perf: calling the object would enter Python from C, about 600
    instructions more on CPython 3.11, and one function for both spares the
    door's answer a call); anything else is called as a WSGI application.
    """
    if type(result) is tuple:
        start_response(result[0], result[1])
        return result[2]  # type: ignore[no-any-return]
    if type(result) not in _plain_calling:
        return result(environ, start_response)  # type: ignore[no-any-return]
    body = result.response
    if type(body) is list and not result._on_close:
        # perf: plain_triple, inline (a call less per WSGI response)
        headers = _plain_wsgi_headers(result, body)
        if headers is not None:
            start_response(result._status, headers)
            # (no 1xx test: _plain_wsgi_headers answers None for one)
            if environ.get("REQUEST_METHOD") == "HEAD":
                return []
            return body
    return super(Response, result).__call__(environ, start_response)  # type: ignore[no-any-return]


# Steps the fast lanes stand in for; a subclass overriding any of them
# gets Werkzeug's general code instead.
_INIT_STEPS = ("set_data", "status", "status_code", "_clean_status", "automatically_set_content_length", "default_status")
_CALL_STEPS = ("get_wsgi_headers", "get_app_iter", "get_wsgi_response", "iter_encoded", "close", "automatically_set_content_length")


def _inherits(cls: type, names: tuple[str, ...]) -> bool:
    return all(getattr(cls, name) is getattr(Response, name) for name in names)


def _fill(response: Response, body: bytes, mimetype: str | None) -> None:
    """Give a new response the state Werkzeug's ``__init__`` gives a 200 with this body.

    The headers object is built when first read (see ``Response.headers``).
    The core makes a str's response for after hooks itself, headers
    included (``Core.dispatch``).
    """
    try:
        content_type = _content_types[mimetype]
    except KeyError:
        content_type = _content_type(mimetype)
    response._plain = (content_type, str(len(body)))
    response._status = "200 OK"
    response._status_code = 200
    response.direct_passthrough = False
    response._on_close = []
    response.response = [body]


def plain_headers(plain: tuple[str | None, str]) -> ResponseHeaders:
    """The headers object for ``Response._plain``: Content-Type (if any) and Content-Length."""
    headers = _new_headers(ResponseHeaders)
    content_type, length = plain
    if content_type is None:
        headers._list = [("Content-Length", length)]
    else:
        headers._list = [("Content-Type", content_type), ("Content-Length", length)]
    return headers


def text_response(cls: type[Response], text: str, mimetype: str | None = None) -> Response:
    """``cls(text, mimetype=mimetype)`` (``cls(text)`` without a mimetype), for an app's response class.

    perf: for Kolba's ``Response`` (or a subclass that changes none of the
    steps involved, ``__init__`` included) the state is set on a bare
    instance, without the constructor call and its argument checks.
    """
    if getattr(cls, "_fast_text", False):
        response = cls.__new__(cls)
        _fill(response, text.encode(), mimetype or cls.default_mimetype)
        return response
    return cls(text) if mimetype is None else cls(text, mimetype=mimetype)


_content_types: dict[str | None, str | None] = {None: None}


def _content_type(mimetype: str | None) -> str | None:
    """The Content-Type Werkzeug derives from a mimetype, cached."""
    try:
        return _content_types[mimetype]
    except KeyError:
        from werkzeug.utils import get_content_type

        value = _content_types[mimetype] = get_content_type(t.cast(str, mimetype), "utf-8")
        return value


class ResponseHeaders(Headers):
    """A response's headers: Werkzeug's, with refusals that name the header.

    Werkzeug refuses a value containing CR or LF, which would end the
    header early and let whoever chose the value write headers of their own.
    Its message does not say which header it was; in a response assembled
    from many places that is the fact needed to find the bug, so every way
    of setting a value refuses with the header's name.

    ``add`` and ``set`` (which ``headers[name] = value`` uses) do the plain
    case themselves, a text name without options: the value is stored as
    ``str(value)``, as Werkzeug stores it, after one test for a line break.
    perf: that is quicker than Werkzeug's own check, so naming the header
    costs the response path nothing.  Anything else goes to Werkzeug.
    """

    __slots__ = ()

    def add(self, _key: str, _value: t.Any, /, **kw: t.Any) -> None:
        if kw or type(_key) is not str:
            try:
                Headers.add(self, _key, _value, **kw)
            except ValueError as error:
                raise _refusal(error, [(_key, _value), *((_key, v) for v in kw.values())]) from error
            return
        self._list.append((_key, _header_text(_key, _value)))

    def set(self, _key: str, _value: t.Any, /, **kw: t.Any) -> None:
        """Replace the first ``_key`` header (any case) and drop the others, or append one."""
        if kw or type(_key) is not str:
            try:
                Headers.set(self, _key, _value, **kw)
            except ValueError as error:
                raise _refusal(error, [(_key, _value), *((_key, v) for v in kw.values())]) from error
            return
        text = _header_text(_key, _value)
        items = self._list
        wanted = _key.lower()
        for index, (name, _) in enumerate(items):
            if name.lower() == wanted:
                items[index] = (_key, text)
                items[index + 1 :] = [item for item in items[index + 1 :] if item[0].lower() != wanted]
                return
        items.append((_key, text))

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        if type(key) is str:
            # perf: ``set``'s plain case inline, the usual one in after-request
            # hooks.  A printable value holds no line break (the only refusal);
            # others, tabs included, take ``set``.
            if type(value) is str and value.isprintable() and key.isascii():
                items = self._list
                size = len(key)
                for name, _ in items:
                    # perf: no lower-case copies for a name of another length.
                    # Only an ASCII key allows this: the names that lower-case
                    # to an ASCII one (letters, and the Kelvin sign to "k") keep
                    # their length, while some others do not ("\u0130" lowers
                    # to two).
                    if len(name) == size and name.lower() == key.lower():
                        break
                else:
                    items.append((key, value))
                    return
            self.set(key, value)
            return
        try:
            Headers.__setitem__(self, key, value)  # an index or a slice: pairs
        except ValueError as error:
            raise _refusal(error, _header_pairs(value if isinstance(key, slice) else [value])) from error

    add_header = add

    def setdefault(self, key: str, default: t.Any) -> t.Any:
        try:
            return Headers.setdefault(self, key, default)
        except ValueError as error:
            raise _refusal(error, [(key, default)]) from error

    def setlist(self, key: str, values: t.Iterable[t.Any]) -> None:
        values = list(values)
        try:
            Headers.setlist(self, key, values)
        except ValueError as error:
            raise _refusal(error, [(key, value) for value in values]) from error

    def extend(self, arg: t.Any = None, /, **kwargs: t.Any) -> None:
        try:
            Headers.extend(self, arg, **kwargs)
        except ValueError as error:
            raise _refusal(error, [*_header_pairs(arg), *_header_pairs(kwargs)]) from error

    def update(self, arg: t.Any = None, /, **kwargs: t.Any) -> None:
        try:
            Headers.update(self, arg, **kwargs)
        except ValueError as error:
            raise _refusal(error, [*_header_pairs(arg), *_header_pairs(kwargs)]) from error

    def __ior__(self, other: t.Any) -> t.Any:  # type: ignore[misc]
        try:
            return Headers.__ior__(self, other)
        except ValueError as error:
            raise _refusal(error, _header_pairs(other)) from error


def _header_pairs(source: t.Any) -> list[tuple[t.Any, t.Any]]:
    """``(name, value)`` pairs from anything Werkzeug accepts as headers."""
    if source is None:
        return []
    if isinstance(source, MultiDict):
        return list(source.items(multi=True))
    if isinstance(source, Mapping):
        return [
            (name, value)
            for name, values in source.items()
            for value in (values if isinstance(values, (list, tuple)) else [values])
        ]
    return [tuple(pair) for pair in source]  # Headers, or a list of pairs


def _header_text(name: str, value: t.Any) -> str:
    """``value`` as a header stores it (``str(value)``); a line break in it is refused."""
    text = value if isinstance(value, str) else str(value)
    if "\n" in text or "\r" in text:
        raise _line_break(name)
    return text


def _line_break(name: t.Any) -> ValueError:
    return ValueError(
        f"The value of the header {name!r} contains a line break (CR or LF);"
        " a header value must be a single line."
    )


def _refusal(error: ValueError, pairs: list[tuple[t.Any, t.Any]]) -> ValueError:
    """``error`` restated with the name of the first header whose value has a line break."""
    for name, value in pairs:
        text = str(value)
        if "\n" in text or "\r" in text:
            return _line_break(name)
    return error


_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f]")


def encode_control_characters(url: str) -> str:
    """``url`` with each ASCII control character (CR, LF, TAB, NUL, DEL...) percent-encoded.

    No URL may contain them raw; browsers percent-encode them when they
    parse one, and a redirect target encoded the same way goes where the
    browser would have gone, while a CR or LF can no longer end the
    ``Location`` header and start another.
    """
    if url.isprintable():  # perf: the usual URL has nothing to encode
        return url
    return _CONTROL_CHARACTERS.sub(lambda found: f"%{ord(found.group()):02X}", url)


# perf: an empty Headers without running __init__; the fast constructor
# fills ``_list`` itself with pairs it knows to be valid (Headers(items)
# would validate each pair through extend()).
_new_headers = Headers.__new__


#: Header names, as spelled, that need no rewriting: the usual ones, and
#: (up to 256) others ``_plain_wsgi_headers`` has found to be neither a
#: length nor a location (perf: an after-request hook's own header is
#: looked at once, not on every response).
_PLAIN_HEADERS = {"Content-Type", "Vary", "Set-Cookie", "Cache-Control", "ETag", "Last-Modified", "Expires"}


def plain_triple(response: t.Any, method: str | None) -> tuple[str, list[tuple[str, str]], list[t.Any]] | None:
    """What ``response(environ, start_response)`` starts and returns for a ``method`` request, when that is simple.

    ``(status, headers, body)`` for a response of Kolba's class (or a
    subclass that changes none of the steps) whose body is a list of
    bytes and whose headers need no rewriting; None otherwise.
    """
    # perf: one set lookup, not three class attribute reads (which CPython
    # 3.11 cannot specialize)
    if type(response) not in _plain_calling:
        return None
    body = response.response
    if type(body) is not list or response._on_close:
        return None
    plain = response._plain
    headers: list[tuple[str, str]] | None
    if plain is not None and response._status_code == 200 and len(body) == 1 and type(body[0]) is bytes:
        # perf: _plain_wsgi_headers' usual case (jsonify's answer), inline
        content_type, length = plain
        if content_type is None:
            headers = [("Content-Length", length)]
        else:
            headers = [("Content-Type", content_type), ("Content-Length", length)]
    else:
        headers = _plain_wsgi_headers(response, body)
        if headers is None:
            return None
    if method == "HEAD":  # a 1xx status took _plain_wsgi_headers' None above
        return response._status, headers, []
    return response._status, headers, body


def _plain_wsgi_headers(response: Response, body: list[t.Any]) -> list[tuple[str, str]] | None:
    """The header list Werkzeug would send, when nothing needs rewriting.

    None means "take Werkzeug's general path": a Location or
    Content-Location to normalise, a status that drops the body or entity
    headers, a missing Content-Length, or a body that is not all bytes.
    """
    code = response._status_code
    if code != 200 and (code == 204 or code == 304 or code < 200):  # perf: one test for the usual 200
        return None
    plain = response._plain
    if plain is not None:
        # perf: headers nobody has read are the two ``_fill`` chose
        for item in body:
            if type(item) is not bytes:
                return None
        content_type, length = plain
        if content_type is None:
            return [("Content-Length", length)]
        return [("Content-Type", content_type), ("Content-Length", length)]
    has_length = False
    items = response.headers._list  # perf: one read of a lazy attribute (a slow one)
    for key, _ in items:
        if key in _PLAIN_HEADERS:
            continue
        if key == "Content-Length":
            has_length = True
            continue
        lower = key.lower()
        if lower == "content-length":
            has_length = True
        elif lower == "location" or lower == "content-location":
            return None
        elif len(_PLAIN_HEADERS) < 256:
            _PLAIN_HEADERS.add(key)
    if not has_length:
        return None
    for item in body:
        if type(item) is not bytes:
            return None
    return list(items)
