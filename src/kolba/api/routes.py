"""Turning a route registration into a typed one.

``Kolba.add_url_rule`` hands a route here (through :mod:`kolba.api._detect`,
which filters out plain views first) before it builds the rule.
:func:`typed_route` pops the API route options (which Werkzeug's ``Rule``
would refuse), reads the view's signature, compiles the wrapper and
returns it with a :class:`RouteInfo`, which the rule carries for the
OpenAPI document.  A view that turns out to be plain comes back unchanged.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing as t
import weakref

from ._detect import API_OPTIONS
from .signature import Signature, read_signature

#: ``<name>``, ``<int:name>``, ``<regex("a:b"):name>``: the variable's name.
_VARIABLE = re.compile(r"<(?:[^<>]*?:)?([A-Za-z_][A-Za-z0-9_]*)>")

_View = t.Callable[..., t.Any]


@dataclasses.dataclass(frozen=True)
class Operation:
    """One method of a typed route, as the OpenAPI document describes it."""

    signature: Signature | None
    #: The declared response type, or None.
    response: t.Any
    status: int
    #: The handler, for its docstring and name.
    handler: _View


@dataclasses.dataclass(frozen=True)
class RouteInfo:
    """What a rule carries for the OpenAPI document (as ``rule.api_route``)."""

    #: The view as registered by the user, before wrapping.
    view: _View | None
    #: By method; ``"*"`` stands for every method of the rule.
    operations: dict[str, Operation]
    #: The API route options given (``summary``, ``tags``, ``deprecated``...).
    options: dict[str, t.Any]

    def operation(self, method: str) -> Operation | None:
        """The typed operation for ``method``, if the view has one."""
        return self.operations.get(method) or self.operations.get("*")


#: Compiled wrappers by view, so one view registered on several rules stays one function.
_compiled: weakref.WeakKeyDictionary[t.Any, dict[t.Any, tuple[_View, dict[str, Operation]]]] = (
    weakref.WeakKeyDictionary()
)


def _handlers(view: _View) -> dict[str, _View] | None:
    """A class-based view's handlers by method (``"*"``: ``dispatch_request``), or None."""
    view_class = getattr(view, "view_class", None)
    if not isinstance(view_class, type):
        return None
    from ..views import MethodView, View, http_method_funcs

    if issubclass(view_class, MethodView):
        return {
            name.upper(): getattr(view_class, name)
            for name in sorted(http_method_funcs) if callable(getattr(view_class, name, None))
        }
    if issubclass(view_class, View):
        return {"*": view_class.dispatch_request}
    return None


def _unresolved(signature: Signature, what: str) -> None:
    if signature.unresolved:
        names = ", ".join(repr(n) for n in signature.unresolved)
        raise TypeError(
            f"{what}: the annotations of {names} cannot be evaluated at registration;"
            " typed views need their types importable at module level."
        )


def _signatures(
    handlers: dict[str, _View], path_names: set[str], method: bool, declared: bool
) -> dict[str, Signature]:
    found: dict[str, Signature] = {}
    for name, handler in handlers.items():
        signature = read_signature(handler, path_names, method=method, declared_response=declared)
        if signature is not None:
            found[name] = signature
    return found


def _colliding(signatures: dict[str, Signature], path_names: set[str]) -> frozenset[str]:
    """URL variables that a view would otherwise read from the body or files."""
    return frozenset(
        p.name
        for signature in signatures.values()
        for p in signature.parameters
        if p.marker is None and p.source in ("body", "file") and p.name in path_names
    )


def _build(
    view: _View, handlers: dict[str, _View], method: bool, given: dict[str, t.Any],
    path_names: set[str], what: str,
) -> tuple[_View, dict[str, Operation]] | None:
    response, status = given.get("response"), given.get("status")
    typed_answers = any(
        v is not None and not isinstance(v, (str, dict)) for v in (given.get("responses") or {}).values()
    )
    declared = response is not None or status is not None or typed_answers
    signatures = _signatures(handlers, set(), method, declared)
    if not signatures:
        return None
    colliding = _colliding(signatures, path_names)
    if colliding:
        signatures = _signatures(handlers, set(colliding), method, declared)
        if not signatures:
            return None
    responses = given.get("responses") or {}
    key = (_hashable(response), status, tuple((c, _hashable(v)) for c, v in responses.items()), colliding)
    cache = _compiled.get(view) if _weakable(view) else None
    if cache is not None and key in cache:
        return cache[key]
    # The request-time machinery is imported only now that a view needs it.
    from .compile import compile_signature, wrap, wrap_methods

    operations: dict[str, Operation] = {}
    compiled = {}
    for name, signature in signatures.items():
        label = what if name == "*" or not method else f"{what} ({name})"
        _unresolved(signature, label)
        returns = response if response is not None else signature.returns
        compiled[name] = compile_signature(signature, returns, status, given.get("responses"), label)
        operations[name] = Operation(signature, returns, status or 200, handlers[name])
    if "*" in compiled:
        wrapper = wrap(view, *compiled["*"])
    else:
        wrapper = wrap_methods(view, compiled)
    built = (wrapper, operations)
    if _weakable(view):
        _compiled.setdefault(view, {})[key] = built
    return built


def _hashable(value: t.Any) -> t.Any:
    try:
        hash(value)
    except TypeError:
        return id(value)
    return value


def _weakable(value: t.Any) -> bool:
    try:
        weakref.ref(value)
    except TypeError:
        return False
    return True


def typed_route(
    rule: str, endpoint: str, view_func: _View | None, options: dict[str, t.Any]
) -> tuple[_View | None, RouteInfo | None]:
    """Pop the API options; return the view to register and what the document needs.

    A plain Flask view with no API options comes back unchanged with None.
    """
    given = {key: options.pop(key) for key in API_OPTIONS.intersection(options)}
    if view_func is None:
        return None, RouteInfo(None, {}, given) if given else None
    what = f"View {endpoint!r}"
    handlers = _handlers(view_func)
    method = handlers is not None
    if handlers is None:
        handlers = {"*": view_func}
    path_names = set(_VARIABLE.findall(rule)) | set(options.get("defaults") or ())
    built = _build(view_func, handlers, method, given, path_names, what)
    if built is None:
        return view_func, RouteInfo(view_func, {}, given) if given else None
    wrapper, operations = built
    return wrapper, RouteInfo(view_func, operations, given)


def docstring(handler: _View) -> tuple[str | None, str | None]:
    """``(summary, description)``: the first paragraph's line, and the rest."""
    text = inspect.getdoc(handler)
    if not text:
        return None, None
    first, _, rest = text.partition("\n\n")
    return " ".join(first.split()), rest.strip() or None


__all__ = ["API_OPTIONS", "Operation", "RouteInfo", "docstring", "typed_route"]
