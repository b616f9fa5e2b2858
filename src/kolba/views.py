"""Class-based views: ``View`` and the per-method ``MethodView``."""

from __future__ import annotations

import typing as t

from .globals import current_app, request

__all__ = ["View", "MethodView", "http_method_funcs"]

#: Method names a ``MethodView`` subclass may define to handle that HTTP method.
http_method_funcs = frozenset(
    ("get", "post", "head", "options", "delete", "put", "trace", "patch")
)

_ViewFunc = t.Callable[..., t.Any]


class View:
    """Base class for views written as classes.

    Override :meth:`dispatch_request` and register ``YourView.as_view(name)``
    as the view function; URL variables arrive as keyword arguments.

    ``decorators`` listed on the class are applied to the generated view
    function (decorating the class itself would not affect it).
    """

    #: Methods to register the view for; ``None`` means the route default
    #: (``GET``, ``HEAD``, ``OPTIONS``).
    methods: t.ClassVar[t.Collection[str] | None] = None

    #: Whether ``OPTIONS`` is answered automatically; ``None`` means the
    #: route default.
    provide_automatic_options: t.ClassVar[bool | None] = None

    #: Decorators applied in order to the generated view function, so the
    #: first one is innermost.
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []

    #: Build a new instance for each request. Set it to ``False`` to reuse
    #: one instance, which is cheaper but makes ``self`` shared by every
    #: request (keep per-request data on ``g``).
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self) -> t.Any:
        """Handle the request; URL variables are passed as keyword arguments."""
        raise NotImplementedError()

    @classmethod
    def as_view(cls, name: str, *class_args: t.Any, **class_kwargs: t.Any) -> _ViewFunc:
        """Return a view function that serves requests with this class.

        ``class_args`` and ``class_kwargs`` are passed to the constructor.
        The function carries ``view_class``; when a new instance is built per
        request it is built from the function's current ``view_class``, so
        tests may swap that attribute.
        """
        final: list[_ViewFunc] = []  # filled with the decorated function below
        view = (
            _per_request_view(final, class_args, class_kwargs)
            if cls.init_every_request
            else _shared_view(cls(*class_args, **class_kwargs))
        )
        if cls.decorators:
            _label(view, name, cls)
            for decorator in cls.decorators:
                view = decorator(view)
        _label(view, name, cls)
        view.view_class = cls  # type: ignore[attr-defined]
        view.__doc__ = cls.__doc__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        final.append(view)
        return view


def _per_request_view(
    final: list[_ViewFunc], class_args: tuple[t.Any, ...], class_kwargs: dict[str, t.Any]
) -> _ViewFunc:
    """Build a view function that makes a new instance for every request.

    The class is read from the ``view_class`` of the finished (decorated)
    function, which ``as_view`` puts in ``final`` once it exists.
    """

    def view(**kwargs: t.Any) -> t.Any:
        instance = final[0].view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
        return current_app.ensure_sync(instance.dispatch_request)(**kwargs)

    return view


def _shared_view(instance: View) -> _ViewFunc:
    """Build a view function that serves every request with one instance."""

    def view(**kwargs: t.Any) -> t.Any:
        return current_app.ensure_sync(instance.dispatch_request)(**kwargs)

    return view


def _label(view: _ViewFunc, name: str, cls: type[View]) -> None:
    """Give the view function the endpoint name and the class's module."""
    view.__name__ = name
    view.__module__ = cls.__module__


class MethodView(View):
    """A view that sends each HTTP method to the instance method of that name.

    ``get`` handles ``GET``, ``post`` handles ``POST`` and so on; ``HEAD``
    uses ``get`` when there is no ``head``. Unless a subclass sets
    ``methods`` itself, it is computed from the handler methods the class
    defines or inherits, plus the ``methods`` of its bases.
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return
        found = _collected_methods(cls)
        if found:
            cls.methods = found

    def dispatch_request(self, **kwargs: t.Any) -> t.Any:
        """Call the handler for the request's method."""
        method = request.method
        handler = getattr(self, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)
        assert handler is not None, f"Unimplemented method {method!r}"
        return current_app.ensure_sync(handler)(**kwargs)


def _collected_methods(cls: type[View]) -> set[str]:
    """Gather the HTTP methods a ``MethodView`` subclass handles."""
    found: set[str] = set()
    for base in cls.__bases__:
        inherited = getattr(base, "methods", None)
        if inherited:
            found.update(inherited)
    found.update(name.upper() for name in http_method_funcs if hasattr(cls, name))
    return found
