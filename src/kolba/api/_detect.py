"""The cheap first look at a route: could its view be typed at all?

``Kolba.add_url_rule`` imports this module for every view that carries
annotations or route options (the app's own static route included), so it
imports nothing beyond what Kolba has loaded already.  Only when a marker,
a model type or an API route option shows up is :mod:`kolba.api.routes`
(the signature reader and compiler) imported.
"""

from __future__ import annotations

import sys
import typing as t

if t.TYPE_CHECKING:
    from .routes import RouteInfo

#: Route options that belong to the API layer, not to Werkzeug's ``Rule``.
API_OPTIONS = frozenset({
    "response", "status", "responses", "summary", "description", "tags", "deprecated",
    "security", "operation_id", "include_in_schema",
})

#: Handler names of class-based views (``MethodView`` methods and ``dispatch_request``).
_HANDLERS = ("get", "post", "put", "patch", "delete", "head", "options", "trace", "dispatch_request")


def _is_model(candidate: t.Any) -> bool:
    """A model class (dataclass, TypedDict, Struct, pydantic) or an upload, importing no library."""
    if not isinstance(candidate, type):
        return False
    if "__dataclass_fields__" in candidate.__dict__ or t.is_typeddict(candidate):
        return True
    if candidate.__name__ == "FileStorage" and candidate.__module__.startswith("werkzeug."):
        return True
    msgspec = sys.modules.get("msgspec")
    if msgspec is not None and issubclass(candidate, msgspec.Struct):
        return True
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and issubclass(candidate, pydantic.BaseModel)


def _typed_hint(hint: t.Any, depth: int = 0) -> bool:
    """Whether an annotation carries a source marker or mentions a model."""
    if depth > 8:
        return False
    params = sys.modules.get("kolba.api.params")
    metadata = getattr(hint, "__metadata__", None)
    if metadata and params is not None:
        for item in metadata:
            if isinstance(item, params.Param) or (isinstance(item, type) and issubclass(item, params.Param)):
                return True
    if _is_model(hint):
        return True
    engines = sys.modules.get("kolba.api.engines")
    if engines is not None and engines._registered and depth == 0 and engines.claimed_by_registered(hint):
        return True
    return any(_typed_hint(arg, depth + 1) for arg in getattr(hint, "__args__", ()) or ())


def _hints(func: t.Any) -> list[t.Any]:
    """The function's annotations, evaluated where possible (strings that fail are skipped)."""
    raw = getattr(func, "__annotations__", None)
    if not raw:
        return []
    try:
        return list(t.get_type_hints(func, include_extras=True).values())
    except Exception:  # noqa: BLE001 - fall back to one at a time
        pass
    namespace = getattr(getattr(func, "__wrapped__", func), "__globals__", {})
    found = []
    for value in raw.values():
        if isinstance(value, str):
            try:
                value = eval(value, namespace)  # noqa: S307 - what typing.get_type_hints does
            except Exception:  # noqa: BLE001
                continue
        found.append(value)
    return found


def may_be_typed(view_func: t.Any, options: t.Mapping[str, t.Any]) -> bool:
    """Whether the route needs :mod:`kolba.api` at all."""
    if options and not API_OPTIONS.isdisjoint(options):
        return True
    if view_func is None:
        return False
    view_class = getattr(view_func, "view_class", None)
    handlers = [view_func]
    if isinstance(view_class, type):
        handlers = [getattr(view_class, name) for name in _HANDLERS if callable(getattr(view_class, name, None))]
    return any(_typed_hint(hint) for handler in handlers for hint in _hints(handler))


def typed_route(
    rule: str, endpoint: str, view_func: t.Any, options: dict[str, t.Any]
) -> tuple[t.Any, RouteInfo | None]:
    """``kolba.api.routes.typed_route`` for routes that may be typed; others pass unchanged."""
    if not may_be_typed(view_func, options):
        return view_func, None
    from .routes import typed_route as compile_route

    return compile_route(rule, endpoint, view_func, options)
