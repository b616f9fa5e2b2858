"""Readers: per-request functions that take a typed view's inputs from the request.

Each reader is compiled once per view for one source (query string,
headers, cookies, JSON body, form, files, URL variables).  Per request it
reads only the keys the view declared, validates them with the engine's
compiled function, and stores the values in the view's keyword arguments.
It returns the problems it found (already located, e.g. ``["query",
"page"]``) or None; the wrapper raises one 422 for all of them.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import RequestEntityTooLarge

from ._types import is_sequence, split_annotated
from .engines import REQUIRED, Engine, FieldError, GroupField, engine_for
from .errors import BodyTooLarge, MalformedBody, UnsupportedBody
from .signature import Parameter

if t.TYPE_CHECKING:
    from ..ctx import RequestContext

#: ``reader(request context, keyword arguments) -> problems or None``.
Reader = t.Callable[["RequestContext", dict[str, t.Any]], t.Optional[list[FieldError]]]


def _located(engine: Engine, error: BaseException, prefix: list[str | int]) -> list[FieldError]:
    problems = engine.explain(error)
    if problems is None:
        raise MalformedBody() from error
    for problem in problems:
        problem["location"] = [*prefix, *problem["location"]]
    return problems


def _missing(source: str, name: str) -> FieldError:
    return {"location": [source, name], "message": "Field required", "type": "missing"}


def _constrained(parameter: Parameter, engine: Engine) -> t.Any:
    marker = parameter.marker
    if marker is None or not marker.constraints:
        return parameter.annotation
    return engine.constrain(parameter.annotation, marker.constraints)


# -- URL variables ------------------------------------------------------------


def path_reader(parameters: list[Parameter], what: str) -> Reader | None:
    """Convert URL variables whose converter gave another type than the annotation's."""
    checks: list[tuple[str, type, t.Callable[[t.Any], t.Any], Engine]] = []
    for parameter in parameters:
        declared = split_annotated(parameter.annotation)[0]
        if not isinstance(declared, type) or declared in (str, object) or t.get_origin(declared):
            continue
        try:
            engine = engine_for(declared, f"{what}: URL variable {parameter.name!r}")
        except TypeError:
            continue  # a type only a custom converter makes: passed on as it is
        checks.append((parameter.name, declared, engine.converter(declared), engine))

    if not checks:
        return None

    def read_path(ctx: RequestContext, kwargs: dict[str, t.Any]) -> list[FieldError] | None:
        problems: list[FieldError] | None = None
        for name, declared, convert, engine in checks:
            value = kwargs.get(name, declared)
            if value is declared or type(value) is declared:
                continue
            try:
                kwargs[name] = convert(value)
            except engine.failures as error:
                problems = (problems or []) + _located(engine, error, ["path", name])
        return problems

    return read_path


# -- query string, headers, cookies, form fields --------------------------------


def _header_key(name: str) -> str:
    """The environ key of a header: ``X-Token`` is ``HTTP_X_TOKEN``."""
    key = name.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"


def _query_values(ctx: RequestContext) -> t.Any:
    return ctx.request.args


def _form_values(ctx: RequestContext) -> t.Any:
    return ctx.request.form


def _cookie_values(ctx: RequestContext) -> t.Any:
    return ctx.request.cookies


class _Headers:
    """The request's headers, read from the environ: ``get`` and ``getlist`` by name.

    WSGI joins repeated headers with commas, so a list value is the
    comma-separated items.
    """

    __slots__ = ("environ",)

    def __init__(self, environ: dict[str, t.Any]) -> None:
        self.environ = environ

    def get(self, name: str) -> str | None:
        return self.environ.get(_ENVIRON_KEYS.get(name) or _header_key(name))

    def getlist(self, name: str) -> list[str]:
        value = self.get(name)
        return [] if value is None else [item.strip() for item in value.split(",")]


#: Header names already turned into environ keys.
_ENVIRON_KEYS: dict[str, str] = {}


def _header_values(ctx: RequestContext) -> t.Any:
    return _Headers(ctx.environ)


_SOURCES: dict[str, t.Callable[[RequestContext], t.Any]] = {
    "query": _query_values, "header": _header_values, "cookie": _cookie_values, "form": _form_values,
}


def _collect(values: t.Any, keys: tuple[tuple[str, bool], ...]) -> dict[str, t.Any]:
    """The declared keys present in ``values``; list keys take every repeated value."""
    raw: dict[str, t.Any] = {}
    get, getlist = values.get, getattr(values, "getlist", None)
    for key, many in keys:
        if many and getlist is not None:
            found = getlist(key)
            if found:
                raw[key] = found
        else:
            value = get(key)
            if value is not None:
                raw[key] = value
    return raw


def group_reader(source: str, parameters: list[Parameter], what: str) -> Reader:
    """Read scalar parameters of one source as one validated group."""
    engine = engine_for(
        t.Tuple[tuple(p.annotation for p in parameters)], f"{what}: {source} parameters"
    )
    fields = [
        GroupField(p.name, p.wire, _constrained(p, engine), p.default) for p in parameters
    ]
    validate = engine.group(fields)
    keys = tuple((p.wire, is_sequence(p.annotation)) for p in parameters)
    if source == "header":
        _ENVIRON_KEYS.update({p.wire: _header_key(p.wire) for p in parameters})
    values_of = _SOURCES[source]
    failures = engine.failures
    prefix: list[str | int] = [source]

    def read_group(ctx: RequestContext, kwargs: dict[str, t.Any]) -> list[FieldError] | None:
        try:
            kwargs.update(validate(_collect(values_of(ctx), keys)))
        except failures as error:
            return _located(engine, error, prefix)
        return None

    return read_group


def model_reader(parameter: Parameter, what: str) -> Reader:
    """Read a whole source (all query keys, the whole form...) into one model."""
    source, name = parameter.source, parameter.name
    engine = engine_for(parameter.annotation, f"{what}: parameter {name!r}")
    convert = engine.converter(parameter.annotation)
    keys = tuple(engine.keys(parameter.annotation).items())
    if source == "header":
        _ENVIRON_KEYS.update({key: _header_key(key) for key, _ in keys})
    values_of = _SOURCES[source]
    failures = engine.failures
    prefix: list[str | int] = [source]

    def read_model(ctx: RequestContext, kwargs: dict[str, t.Any]) -> list[FieldError] | None:
        try:
            kwargs[name] = convert(_collect(values_of(ctx), keys))
        except failures as error:
            return _located(engine, error, prefix)
        return None

    return read_model


# -- bodies ---------------------------------------------------------------------------


def _mimetype(environ: dict[str, t.Any]) -> str:
    return str(environ.get("CONTENT_TYPE", "")).partition(";")[0].strip().lower()


def is_json_type(mimetype: str) -> bool:
    """``application/json`` or a ``+json`` type such as ``application/merge-patch+json``."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def _body_bytes(ctx: RequestContext) -> bytes:
    try:
        return ctx.request.get_data()  # type: ignore[return-value]
    except RequestEntityTooLarge as error:
        raise BodyTooLarge() from error


def body_reader(parameter: Parameter, what: str) -> Reader:
    """Decode and validate the JSON body into the body parameter."""
    name = parameter.name
    engine = engine_for(parameter.annotation, f"{what}: body parameter {name!r}")
    decode = engine.decoder(_constrained(parameter, engine))
    failures, default, required = engine.failures, parameter.default, parameter.required

    def read_body(ctx: RequestContext, kwargs: dict[str, t.Any]) -> list[FieldError] | None:
        environ = ctx.environ
        content_type = environ.get("CONTENT_TYPE")
        if content_type != "application/json" and not is_json_type(_mimetype(environ)):
            if _has_body(environ):
                raise UnsupportedBody(
                    f"The request body must be JSON (application/json), not {content_type or 'untyped'!r}."
                )
            if required:
                return [{"location": ["body"], "message": "A JSON body is required", "type": "missing"}]
            kwargs[name] = default
            return None
        data = _body_bytes(ctx)
        if not data:
            if required:
                return [{"location": ["body"], "message": "A JSON body is required", "type": "missing"}]
            kwargs[name] = default
            return None
        try:
            kwargs[name] = decode(data)
        except failures as error:
            return _located(engine, error, ["body"])
        return None

    return read_body


def _has_body(environ: dict[str, t.Any]) -> bool:
    length = environ.get("CONTENT_LENGTH")
    if length:
        return length.strip() not in ("", "0")
    return "HTTP_TRANSFER_ENCODING" in environ


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def form_guard() -> Reader:
    """Refuse a body that is not a form, before form fields or files are read."""

    def check_form(ctx: RequestContext, kwargs: dict[str, t.Any]) -> list[FieldError] | None:
        environ = ctx.environ
        if _mimetype(environ) not in _FORM_TYPES and _has_body(environ):
            raise UnsupportedBody(
                "The request body must be a form (application/x-www-form-urlencoded"
                f" or multipart/form-data), not {environ.get('CONTENT_TYPE') or 'untyped'!r}."
            )
        try:
            ctx.request.form  # noqa: B018 - parses the body now, so a 413 is ours
        except RequestEntityTooLarge as error:
            raise BodyTooLarge() from error
        return None

    return check_form


def file_reader(parameters: list[Parameter]) -> Reader:
    """Uploaded files: a ``FileStorage``, or a list of them for repeated fields."""
    wanted = tuple((p.name, p.wire, is_sequence(p.annotation), p.default) for p in parameters)

    def read_files(ctx: RequestContext, kwargs: dict[str, t.Any]) -> list[FieldError] | None:
        files = ctx.request.files
        problems: list[FieldError] | None = None
        for name, wire, many, default in wanted:
            found: t.Any = files.getlist(wire) if many else files.get(wire)
            if not found:
                if default is REQUIRED:
                    problems = (problems or []) + [_missing("file", wire)]
                    continue
                found = default
            kwargs[name] = found
        return problems

    return read_files
