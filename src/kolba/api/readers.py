"""Readers: per-request functions that take a typed view's inputs from the request.

Each reader is compiled once per view for one source (query string,
headers, cookies, JSON body, form, files, URL variables).  Per request it
reads only the keys the view declared, validates them with the engine's
compiled function, and stores the values in the view's keyword arguments.
It returns the problems it found (already located, e.g. ``["query",
"page"]``) or None; the wrapper raises one 422 for all of them.
"""

from __future__ import annotations

import functools
import typing as t

from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from ..wrappers import RequestMultiDict, _lenient_text, urlencoded_fields

from ._types import is_sequence, split_annotated
from .engines import REQUIRED, Engine, FieldError, GroupField, engine_for, engine_for_all
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


# Each source gives ``lists(key) -> list of values or None``.

_Lists = t.Callable[[str], t.Optional[t.List[str]]]


def _stores_lists() -> bool:
    """Whether Werkzeug's ``MultiDict`` keeps each key's values as a list in the dict itself."""
    probe = ImmutableMultiDict([("a", "1"), ("a", "2")])
    stored: dict[str, t.Any] = probe
    return dict.get(stored, "a") == ["1", "2"] and probe.getlist("a") == ["1", "2"]


_LISTS_IN_DICT = _stores_lists()


def _lists_of(values: t.Any) -> _Lists:
    """``key -> values`` of a Werkzeug MultiDict (or any mapping with ``getlist``)."""
    if type(values) is RequestMultiDict:
        return values._values_or_none
    if _LISTS_IN_DICT and isinstance(values, MultiDict):
        # perf: the MultiDict keeps each key's values as a list in the dict
        # itself (checked once, above); dict.get reads it in C.
        return functools.partial(dict.get, values)
    getlist = values.getlist
    return lambda key: getlist(key) or None


def _query_lists(ctx: RequestContext) -> _Lists:
    """The query string by key; parsed straight from the environ when nothing else needs more."""
    req = ctx._request
    if req is not None or not ctx.app.request_class._fast_parsing:
        return _lists_of(ctx.request.args)
    # perf: no request object and no MultiDict; the same parsing request.args does.
    text = ctx.environ.get("QUERY_STRING", "")
    if not text.isascii():
        text = _lenient_text(text.encode("latin1"))
    return urlencoded_fields(text)._values_or_none


def _form_lists(ctx: RequestContext) -> _Lists:
    return _lists_of(ctx.request.form)


def _cookie_lists(ctx: RequestContext) -> _Lists:
    return _lists_of(ctx.request.cookies)


def _header_lists(ctx: RequestContext) -> _Lists:
    """Headers by name, from the environ."""
    environ = ctx.environ

    def lists(name: str) -> list[str] | None:
        value = environ.get(_ENVIRON_KEYS.get(name) or _header_key(name))
        return None if value is None else [value]

    return lists


#: Header names already turned into environ keys.
_ENVIRON_KEYS: dict[str, str] = {}

_SOURCES: dict[str, t.Callable[[RequestContext], _Lists]] = {
    "query": _query_lists, "header": _header_lists, "cookie": _cookie_lists, "form": _form_lists,
}


def _collect(lists: _Lists, keys: tuple[tuple[str, bool, bool], ...]) -> dict[str, t.Any]:
    """The declared keys present; list keys take every value.

    WSGI joins a repeated header's values with commas, so a header list
    (``split``) is its value split on them.
    """
    raw: dict[str, t.Any] = {}
    for key, many, split in keys:
        found = lists(key)
        if found:
            if not many:
                raw[key] = found[0]
            elif split:
                raw[key] = [item.strip() for item in found[0].split(",")]
            else:
                raw[key] = found
    return raw


def group_reader(source: str, parameters: list[Parameter], what: str) -> Reader:
    """Read scalar parameters of one source as one validated group."""
    engine = engine_for_all([p.annotation for p in parameters], f"{what}: {source} parameters")
    fields = [
        GroupField(p.name, p.wire, _constrained(p, engine), p.default) for p in parameters
    ]
    validate = engine.group(fields)
    split = source == "header"
    keys = tuple((p.wire, is_sequence(p.annotation), split) for p in parameters)
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
    split = source == "header"
    keys = tuple((key, many, split) for key, many in engine.keys(parameter.annotation).items())
    if source == "header":
        _ENVIRON_KEYS.update({key: _header_key(key) for key, _, _ in keys})
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
                found = list(default) if type(default) is list else default  # a fresh default list
            kwargs[name] = found
        return problems

    return read_files
