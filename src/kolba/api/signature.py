"""Reading a view's signature: which parameter comes from where, and what it returns.

This runs at registration for every view that might be typed, including
plain Flask views that merely carry type hints; :func:`read_signature`
answers None for those, and they are registered untouched.  Nothing here
imports a validation library.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing as t

from ._types import is_file_type, is_model_class, marker_of, mentions_model, split_annotated, without_markers
from .engines import REQUIRED, claimed_by_registered
from .params import Body, Param

#: An annotation that could not be evaluated (a name imported only for type checking).
UNRESOLVED: t.Any = type("_Unresolved", (), {"__repr__": lambda self: "<unresolved>"})()

#: Where a value may come from; ``path`` is the URL variables (and rule defaults).
SOURCES = ("path", "query", "header", "cookie", "body", "form", "file")


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One view parameter and where its value comes from."""

    name: str
    source: str
    #: The type without Kolba's markers (constraints are applied by the engine).
    annotation: t.Any
    marker: Param | None
    #: The parameter's default, or ``REQUIRED``.
    default: t.Any
    #: The key in the request (query key, header name...).
    wire: str
    #: A model that takes the whole source (the body, or all query keys).
    whole: bool

    @property
    def required(self) -> bool:
        """Whether the request must supply the value."""
        return self.default is REQUIRED


@dataclasses.dataclass(frozen=True)
class Signature:
    """What a typed view reads and returns."""

    parameters: tuple[Parameter, ...]
    #: The declared return type, or None when the return value is left to Flask.
    returns: t.Any
    #: The annotations that could not be evaluated, by parameter name.
    unresolved: tuple[str, ...]

    def by_source(self, source: str) -> list[Parameter]:
        """The parameters read from ``source``."""
        return [p for p in self.parameters if p.source == source]


def resolve_hints(func: t.Callable[..., t.Any]) -> dict[str, t.Any]:
    """The function's annotations, evaluated; those that cannot be are ``UNRESOLVED``."""
    try:
        return t.get_type_hints(func, include_extras=True)
    except Exception:  # noqa: BLE001 - any failure means "evaluate one by one"
        pass
    raw = getattr(func, "__annotations__", None) or {}
    namespace = getattr(inspect.unwrap(func), "__globals__", {})
    hints: dict[str, t.Any] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            try:
                value = eval(value, namespace)  # noqa: S307 - what typing.get_type_hints does
            except Exception:  # noqa: BLE001
                value = UNRESOLVED
        hints[name] = value
    return hints


def _source_of(name: str, hint: t.Any, marker: Param | None, path_names: t.Collection[str]) -> str:
    if marker is not None:
        return marker.source
    if name in path_names or hint is UNRESOLVED:
        return "path"
    if mentions_model(hint):
        return "body"
    if is_file_type(hint):
        return "file"
    return "path"  # a URL variable, or a default the view supplies itself


def _parameter(
    param: inspect.Parameter, hint: t.Any, path_names: t.Collection[str]
) -> Parameter:
    marker = marker_of(hint) if hint is not UNRESOLVED else None
    source = _source_of(param.name, hint, marker, path_names)
    annotation = without_markers(hint) if hint is not UNRESOLVED else t.Any
    if hint is inspect.Parameter.empty:
        annotation = t.Any
    default = REQUIRED if param.default is inspect.Parameter.empty else param.default
    wire = param.name if marker is None else marker.wire_name(param.name)
    whole = source == "body" or (source in ("query", "form", "header", "cookie") and _is_model(annotation))
    return Parameter(param.name, source, annotation, marker, default, wire, whole)


def _is_model(annotation: t.Any) -> bool:
    return is_model_class(split_annotated(annotation)[0])


def read_signature(
    func: t.Callable[..., t.Any], path_names: t.Collection[str] = (),
    method: bool = False, declared_response: bool = False,
) -> Signature | None:
    """The typed parts of ``func``, or None when it is a plain Flask view.

    ``method`` drops the first parameter (``self``).  A view is typed when a
    parameter carries a source marker or a model type, or its return type
    is a model, or ``declared_response`` (a ``response=``, ``status=`` or
    typed ``responses=`` route option) says so.
    """
    annotations = getattr(func, "__annotations__", None)
    if not annotations and not declared_response:
        return None
    hints = resolve_hints(func) if annotations else {}
    try:
        found = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return None
    if method and found:
        found = found[1:]
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    parameters = tuple(
        _parameter(p, hints.get(p.name, inspect.Parameter.empty), path_names)
        for p in found if p.kind in kinds
    )
    returns = hints.get("return")
    typed_return = (
        returns is not None and returns is not UNRESOLVED
        and (mentions_model(returns) or claimed_by_registered(returns))
    )
    if not (declared_response or typed_return or any(p.source != "path" for p in parameters)):
        return None
    unresolved = tuple(name for name, hint in hints.items() if hint is UNRESOLVED and name != "return")
    return Signature(parameters, returns if typed_return else None, unresolved)


def check(signature: Signature, what: str) -> None:
    """Refuse signatures that cannot be served: two bodies, a body beside a form."""
    bodies = signature.by_source("body")
    if len(bodies) > 1:
        names = ", ".join(repr(p.name) for p in bodies)
        raise TypeError(f"{what} has more than one request body ({names}); combine them into one model.")
    forms = signature.by_source("form") + signature.by_source("file")
    if bodies and forms:
        raise TypeError(
            f"{what} reads both a JSON body ({bodies[0].name!r}) and form data ({forms[0].name!r});"
            " a request has one body."
        )
    if bodies and isinstance(bodies[0].marker, Body) and bodies[0].marker.media_type != "application/json":
        raise TypeError(f"{what}: only JSON bodies are decoded (Body(media_type=...) must be JSON).")
