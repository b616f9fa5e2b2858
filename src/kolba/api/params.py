"""Markers that say where a typed view's parameter comes from.

A marker goes inside ``typing.Annotated`` next to the parameter's type::

    def search(page: Annotated[int, Query(ge=1)] = 1,
               token: Annotated[str, Header(alias="X-Token")] = ""): ...

The marker names the *source* (query string, header, cookie, JSON body,
form, uploaded file), the name on the wire when it differs from the
parameter's, the constraints the value must meet, and what the OpenAPI
document says about it.  Markers are plain data: they import no validation
library, so a module can declare typed views before an engine is chosen.
"""

from __future__ import annotations

import typing as t

__all__ = ["Body", "Cookie", "File", "Form", "Header", "Param", "Query"]

#: Constraint keywords every engine understands, by the JSON Schema idea
#: each one stands for.
CONSTRAINTS = ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length", "pattern")

_MISSING: t.Any = type("_Missing", (), {"__repr__": lambda self: "<missing>"})()


class Param:
    """Base of the markers: where a value comes from and what it must satisfy.

    ``alias`` is the name on the wire (the query key, header or cookie
    name) when it is not the parameter's own.  The constraint keywords
    (``gt``, ``ge``, ``lt``, ``le``, ``multiple_of``, ``min_length``,
    ``max_length``, ``pattern``) are checked by the validation engine and
    appear in the schema; ``description``, ``example`` and ``deprecated``
    appear in the OpenAPI document only.
    """

    #: The name of the source, as used in error locations (``["query", "page"]``).
    source: t.ClassVar[str] = ""

    __slots__ = ("alias", "description", "example", "deprecated", "constraints")

    def __init__(
        self, alias: str | None = None, *, description: str | None = None,
        example: t.Any = _MISSING, deprecated: bool = False,
        gt: float | None = None, ge: float | None = None, lt: float | None = None,
        le: float | None = None, multiple_of: float | None = None,
        min_length: int | None = None, max_length: int | None = None, pattern: str | None = None,
    ) -> None:
        self.alias = alias
        self.description = description
        self.example = example
        self.deprecated = deprecated
        given = {
            "gt": gt, "ge": ge, "lt": lt, "le": le, "multiple_of": multiple_of,
            "min_length": min_length, "max_length": max_length, "pattern": pattern,
        }
        #: Only the constraints that were given, for the engine to apply.
        self.constraints: dict[str, t.Any] = {k: v for k, v in given.items() if v is not None}

    @property
    def has_example(self) -> bool:
        """Whether an example was given (``None`` is a valid example)."""
        return self.example is not _MISSING

    def wire_name(self, parameter: str) -> str:
        """The name this parameter has in the request."""
        return parameter if self.alias is None else self.alias

    def __repr__(self) -> str:
        shown = [f"alias={self.alias!r}"] if self.alias else []
        shown += [f"{key}={value!r}" for key, value in self.constraints.items()]
        return f"{type(self).__name__}({', '.join(shown)})"


class Query(Param):
    """A query string value; a ``list[...]`` type collects repeated keys.

    Annotating a dataclass, TypedDict, Struct or pydantic model with
    ``Query()`` reads the whole query string into it, one field per key.
    """

    source = "query"


class Header(Param):
    """A request header; by default ``x_token`` is read from ``X-Token``.

    ``convert_underscores=False`` keeps the parameter name as it is.  A
    ``list[...]`` type splits a comma-separated header into its items.
    """

    source = "header"
    __slots__ = ("convert_underscores",)

    def __init__(self, alias: str | None = None, *, convert_underscores: bool = True, **options: t.Any) -> None:
        super().__init__(alias, **options)
        self.convert_underscores = convert_underscores

    def wire_name(self, parameter: str) -> str:
        if self.alias is not None:
            return self.alias
        return parameter.replace("_", "-") if self.convert_underscores else parameter


class Cookie(Param):
    """A cookie the client sent."""

    source = "cookie"


class Body(Param):
    """The request body, decoded as JSON and validated against the parameter's type.

    A parameter typed with a dataclass, TypedDict, Struct or pydantic model
    is the body without a marker; ``Body()`` is needed for other types
    (``list[Item]``, ``dict[str, int]``) or to describe the body.
    """

    source = "body"
    __slots__ = ("media_type",)

    def __init__(self, *, media_type: str = "application/json", **options: t.Any) -> None:
        super().__init__(None, **options)
        self.media_type = media_type


class Form(Param):
    """A field of an urlencoded or multipart form; on a model, the whole form."""

    source = "form"


class File(Param):
    """An uploaded file of a multipart form: a ``FileStorage`` (or a list of them)."""

    source = "file"


#: Every marker class by source name.
MARKERS: dict[str, type[Param]] = {
    cls.source: cls for cls in (Query, Header, Cookie, Body, Form, File)
}
