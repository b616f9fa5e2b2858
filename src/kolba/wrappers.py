"""Kolba's request and response objects.

Both subclass Werkzeug's, so everything written against Werkzeug's wrappers
keeps working.  The request differs in one way that matters for speed:
Werkzeug computes eight attributes in ``__init__``; Kolba computes each on
first access, so a view that never reads the request never pays for parsing.
"""

from __future__ import annotations

import typing as t

from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse

from . import json as _json
from .globals import _cv_frame

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import Rule

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
            return self
        value = self._fn(obj)
        obj.__dict__[self._name] = value
        return value


def wsgi_decode(value: str) -> str:
    """Turn a WSGI (latin-1 tunnelled) string into the UTF-8 text it carries."""
    if value.isascii():
        return value
    return value.encode("latin1").decode("utf-8", "replace")


def _current_app_config() -> dict[str, t.Any] | None:
    frame = _cv_frame.get(None)
    return None if frame is None else frame[0].app.config


class Request(_WerkzeugRequest):
    """The request object, with Flask's routing attributes and config limits.

    ``url_rule``, ``view_args`` and ``routing_exception`` are set by the
    request context after matching.  The size limits default to the current
    app's ``MAX_CONTENT_LENGTH``, ``MAX_FORM_MEMORY_SIZE`` and
    ``MAX_FORM_PARTS``.
    """

    json_module: t.Any = _json

    url_rule: Rule | None = None
    view_args: dict[str, t.Any] | None = None
    routing_exception: Exception | None = None

    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    def __init__(
        self,
        environ: WSGIEnvironment,
        populate_request: bool = True,
        shallow: bool = False,
    ) -> None:
        # perf: Werkzeug's __init__ parses eight attributes up front; they are
        # lazy_attribute descriptors below instead.
        self.environ = environ
        self.shallow = shallow
        if populate_request and not shallow:
            environ["werkzeug.request"] = self

    @lazy_attribute
    def method(self) -> str:
        return str(self.environ.get("REQUEST_METHOD", "GET")).upper()

    @lazy_attribute
    def scheme(self) -> str:
        return str(self.environ.get("wsgi.url_scheme", "http"))

    @lazy_attribute
    def server(self) -> tuple[str, int | None] | None:
        name = self.environ.get("SERVER_NAME")
        if name is None:
            return None
        try:
            port: int | None = int(self.environ.get("SERVER_PORT"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            port = None
        return name, port

    @lazy_attribute
    def root_path(self) -> str:
        return wsgi_decode(self.environ.get("SCRIPT_NAME") or "").rstrip("/")

    @lazy_attribute
    def path(self) -> str:
        return "/" + wsgi_decode(self.environ.get("PATH_INFO") or "").lstrip("/")

    @lazy_attribute
    def query_string(self) -> bytes:
        return str(self.environ.get("QUERY_STRING", "")).encode("latin1")

    @lazy_attribute
    def headers(self) -> EnvironHeaders:
        return EnvironHeaders(self.environ)

    @lazy_attribute
    def remote_addr(self) -> str | None:
        return self.environ.get("REMOTE_ADDR")

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        """The largest body this request may carry; larger ones give 413."""
        if self._max_content_length is not None:
            return self._max_content_length
        config = _current_app_config()
        if config is None:
            return super().max_content_length
        return config["MAX_CONTENT_LENGTH"]  # type: ignore[no-any-return]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:  # type: ignore[override]
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

    @property
    def max_form_parts(self) -> int | None:  # type: ignore[override]
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
        """The current blueprint and its parents, innermost first."""
        name = self.blueprint
        if name is None:
            return []
        parts = name.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]

    def _load_form_data(self) -> None:
        super()._load_form_data()
        config = _current_app_config()
        if (
            config is not None
            and config.get("DEBUG")
            and self.mimetype != "multipart/form-data"
            and not self.files
        ):
            from .debughelpers import attach_enctype_error_multidict

            attach_enctype_error_multidict(self)

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Turn bad JSON into a 400; in debug mode keep the parser's message."""
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as bad:
            config = _current_app_config()
            if config is not None and config.get("DEBUG"):
                raise
            raise BadRequest() from bad


class Response(_WerkzeugResponse):
    """The response object: HTML by default, JSON through the app's provider."""

    default_mimetype: str | None = "text/html"
    json_module: t.Any = _json
    autocorrect_location_header = False

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """The cookie size warning limit, from ``MAX_COOKIE_SIZE`` in an app."""
        config = _current_app_config()
        if config is None:
            return super().max_cookie_size
        return config["MAX_COOKIE_SIZE"]  # type: ignore[no-any-return]
