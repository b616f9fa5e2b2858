"""Turning what a typed view returns into a JSON response.

The value is encoded by the engine's compiled encoder for the declared
response type (a value that is not already an instance of that type is
converted, and so validated, first: a dict, an ORM object, a list).  The
body is complete before a response object exists, so a value that cannot
be encoded never produces half a response: it is a
:class:`~kolba.api.errors.ResponseValidationError`, a 500 whose message
names the offending field.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import typing as t
import uuid

from werkzeug.wrappers import Response as WerkzeugResponse

from ._types import is_model_class
from .engines import Engine, engine_for
from .errors import ResponseValidationError

if t.TYPE_CHECKING:
    from ..ctx import RequestContext

#: ``finish(request context, view's return value) -> what Flask makes a response of``.
Finisher = t.Callable[["RequestContext", t.Any], t.Any]

JSON = "application/json"
#: Leaf values some JSON encoder knows (msgspec and pydantic both do).
_NATIVE = (
    str, int, float, bool, type(None), bytes,
    datetime.date, datetime.time, uuid.UUID, decimal.Decimal, enum.Enum,
)


def _split(rv: tuple[t.Any, ...], status: int) -> tuple[t.Any, t.Any, t.Any]:
    """``(value, status, headers)`` from the tuples a Flask view may return."""
    if len(rv) == 3:
        return rv[0], rv[1], rv[2]
    if len(rv) == 2:
        if isinstance(rv[1], int) or isinstance(rv[1], str):
            return rv[0], rv[1], None
        return rv[0], status, rv[1]
    raise TypeError(
        "A typed view may return a value, or a tuple (value, status), (value, headers)"
        " or (value, status, headers)."
    )


def _declared_type(described: t.Any) -> bool:
    """Whether a ``responses=`` entry is a type to encode with (not a description)."""
    return described is not None and not isinstance(described, (str, dict))


_Encoding = tuple[t.Callable[[t.Any], bytes], Engine]


class _ByValueType:
    """Encoders for model values whose status declares no type, made on first use."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.encoders: dict[type, _Encoding | None] = {}

    def __call__(self, value: t.Any) -> _Encoding | None:
        kind = type(value)
        if kind in self.encoders:
            return self.encoders[kind]
        found = None
        if is_model_class(kind):
            try:
                engine = engine_for(kind, f"{self.what}: response")
                found = (engine.encoder(kind), engine)
            except TypeError:
                found = None
        self.encoders[kind] = found
        return found


def finisher(
    annotation: t.Any, status: int, responses: t.Mapping[int, t.Any] | None, what: str
) -> Finisher:
    """Encode what the view returns; the status it is sent with picks the type.

    The view's response type goes with ``status``; ``responses={404:
    Error}`` gives the type of other statuses.  A model value with no
    declared type is encoded as its own class; anything else (a string, a
    dict, a response) is left to Flask.
    """
    by_status: dict[int, _Encoding] = {}
    for code, described in (responses or {}).items():
        if _declared_type(described):
            engine = engine_for(described, f"{what}: {code} response")
            by_status[int(code)] = (engine.encoder(described), engine)
    if annotation is not None:
        engine = engine_for(annotation, f"{what}: response")
        by_status[status] = (engine.encoder(annotation), engine)
    by_value = _ByValueType(what)

    def finish(ctx: RequestContext, rv: t.Any) -> t.Any:
        code, headers, given = status, None, rv
        if type(rv) is tuple:
            if rv and isinstance(rv[0], WerkzeugResponse):
                return rv
            rv, code, headers = _split(rv, status)
        elif isinstance(rv, WerkzeugResponse):
            return rv
        if rv is None and code == 204:
            return ctx.app.response_class(b"", code, headers)  # no body, typed or not
        chosen = by_status.get(code) if type(code) is int else None
        if chosen is None:
            chosen = by_value(rv)
            if chosen is None:  # not a model: Flask makes the response
                return given if type(given) is tuple else rv if code == 200 else (rv, code)
        encode, engine = chosen
        try:
            body = encode(rv)
        except Exception as error:  # noqa: BLE001 - every failure is the view's bug
            raise _not_encodable(engine, error, rv, what) from error
        return ctx.app.response_class(body, code, headers, mimetype=JSON)

    return finish


def _not_encodable(engine: Engine, error: Exception, value: t.Any, what: str) -> ResponseValidationError:
    """Describe a return value that does not fit, naming the field (``$.lines[0].price``)."""
    explained = engine.explain(error) if isinstance(error, engine.failures) else None
    if explained:
        first = explained[0]
        where = _json_path(first["location"])
        message = f"{what} returned a value that does not match its response type: {first['message']} at {where}"
    else:
        where = _json_path(_unencodable_path(value) or [])
        message = f"{what} returned a value that cannot be encoded as JSON at {where}: {error}"
    return ResponseValidationError(message)


def _json_path(location: t.Sequence[str | int]) -> str:
    steps = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in location)
    return "$" + steps


def _children(value: t.Any) -> t.Iterable[tuple[str | int, t.Any]]:
    if isinstance(value, dict):
        return ((str(key), item) for key, item in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return enumerate(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    names = getattr(type(value), "__struct_fields__", None) or getattr(type(value), "model_fields", None)
    if names is not None:
        return ((name, getattr(value, name, None)) for name in names)
    return ()


def _unencodable_path(value: t.Any, depth: int = 0) -> list[str | int] | None:
    """The path to the first value no JSON encoder knows, or None."""
    if isinstance(value, _NATIVE) or depth > 50:
        return None
    children = list(_children(value))
    if not children and not isinstance(value, (dict, list, tuple, set, frozenset)):
        return []
    for key, child in children:
        below = _unencodable_path(child, depth + 1)
        if below is not None:
            return [key, *below]
    return None
