"""Validation engines: the libraries that decode, validate and encode typed values.

An engine turns annotations into compiled callables once, at registration,
and Kolba calls those callables per request.  Two are built in: msgspec
(:mod:`kolba.api._msgspec`, the default: dataclasses, TypedDicts, Structs)
and pydantic v2 (:mod:`kolba.api._pydantic`, for pydantic models).  Another
library is added by implementing :class:`Engine` and calling
:func:`register_engine`; engines registered later are asked first.
"""

from __future__ import annotations

import importlib.util
import typing as t

from ._types import is_pydantic

__all__ = [
    "Engine", "FieldError", "GroupField", "MissingEngine", "engine_for", "engine_for_all", "register_engine",
]


class FieldError(t.TypedDict):
    """One problem with the input, as it appears in the 422 problem details.

    ``location`` starts with the source (``"path"``, ``"query"``,
    ``"header"``, ``"cookie"``, ``"body"``, ``"form"``, ``"file"``) and
    continues with keys and indexes into the value; ``type`` is one of
    ``missing``, ``type``, ``constraint``, ``enum``, ``unknown_field``,
    ``invalid``.
    """

    location: list[str | int]
    message: str
    type: str


class GroupField(t.NamedTuple):
    """One parameter of a group read from a single source (query, headers...)."""

    name: str  #: the view parameter
    wire: str  #: the key in the request
    annotation: t.Any  #: its type, constraints applied
    default: t.Any  #: its default, or ``REQUIRED``


#: The default of a :class:`GroupField` that must be present.
REQUIRED: t.Any = type("_Required", (), {"__repr__": lambda self: "REQUIRED"})()

#: What ``schemas`` returns: one schema per annotation, and the named components.
Schemas = tuple[list[dict[str, t.Any]], dict[str, dict[str, t.Any]]]


@t.runtime_checkable
class Engine(t.Protocol):
    """What Kolba needs from a validation library.

    Every method except :meth:`explain` runs at registration (or when the
    OpenAPI document is built) and may be slow; the callables they return
    run per request and should be compiled.  Those callables raise one of
    :attr:`failures` when the input is wrong.
    """

    #: Shown in error messages and the docs.
    name: str
    #: The exceptions the per-request callables raise for bad input.
    failures: tuple[type[BaseException], ...]

    def claims(self, annotation: t.Any) -> bool:
        """Whether this engine should handle values of this type."""

    def constrain(self, annotation: t.Any, constraints: t.Mapping[str, t.Any]) -> t.Any:
        """The annotation with marker constraints (``ge``, ``max_length``...) attached."""

    def decoder(self, annotation: t.Any) -> t.Callable[[bytes], t.Any]:
        """A function from JSON bytes to a validated value of this type."""

    def converter(self, annotation: t.Any) -> t.Callable[[t.Any], t.Any]:
        """A function from builtins (strings included, converted leniently) to this type."""

    def group(self, fields: t.Sequence[GroupField]) -> t.Callable[[t.Mapping[str, t.Any]], dict[str, t.Any]]:
        """A function from ``{wire name: raw value}`` to ``{parameter: value}``, defaults filled in."""

    def keys(self, annotation: t.Any) -> dict[str, bool]:
        """The wire keys of a model type, each with whether it holds a list."""

    def encoder(self, annotation: t.Any) -> t.Callable[[t.Any], bytes]:
        """A function from a value (converted to this type first if needed) to JSON bytes."""

    def explain(self, error: BaseException) -> list[FieldError] | None:
        """The problems behind a failure, located relative to the value; None if the input was not parseable."""

    def schemas(self, annotations: t.Sequence[t.Any], ref_template: str) -> Schemas:
        """JSON Schemas (2020-12) for the annotations, referring to components by ``ref_template``."""


class MissingEngine(TypeError):
    """A typed view was registered, but no validation library is installed."""


_registered: list[Engine] = []
_builtin: dict[str, Engine] = {}


def register_engine(engine: Engine) -> None:
    """Add an engine; it is asked before the built-in ones and earlier registrations."""
    _registered.insert(0, engine)


def claimed_by_registered(annotation: t.Any) -> bool:
    """Whether an engine registered with :func:`register_engine` handles the type."""
    return any(engine.claims(annotation) for engine in _registered)


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def builtin_engine(name: str) -> Engine | None:
    """The built-in ``"msgspec"`` or ``"pydantic"`` engine, if its library is installed."""
    engine = _builtin.get(name)
    if engine is None and _installed(name):
        if name == "msgspec":
            from ._msgspec import MsgspecEngine

            engine = _builtin[name] = MsgspecEngine()
        elif name == "pydantic":
            from ._pydantic import PydanticEngine

            engine = _builtin[name] = PydanticEngine()
    return engine


def engine_for(annotation: t.Any, what: str) -> Engine:
    """The engine that handles ``annotation``; ``what`` names the value in errors."""
    for engine in _registered:
        if engine.claims(annotation):
            return engine
    if is_pydantic(annotation):
        found = builtin_engine("pydantic")
        if found is not None:
            return found
    for name in ("msgspec", "pydantic"):
        found = builtin_engine(name)
        if found is not None and found.claims(annotation):
            return found
    if builtin_engine("msgspec") is None and builtin_engine("pydantic") is None:
        raise MissingEngine(
            f"{what} is typed, which needs a validation engine: install msgspec with"
            " 'pip install kolba[api]' (or pydantic with 'pip install kolba[pydantic]')."
        )
    raise TypeError(f"{what}: no validation engine supports the type {annotation!r}.")


def engine_for_all(annotations: t.Sequence[t.Any], what: str) -> Engine:
    """One engine for several values validated together (the query parameters of a view)."""
    found = [engine_for(annotation, what) for annotation in annotations]
    if all(engine is found[0] for engine in found):
        return found[0]
    for engine in dict.fromkeys(found):
        if all(engine.claims(annotation) for annotation in annotations):
            return engine
    names = ", ".join(sorted({engine.name for engine in found}))
    raise TypeError(f"{what} need different engines ({names}); one source's parameters are validated together.")
