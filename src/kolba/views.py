"""Views written as classes: :class:`View`, and :class:`MethodView` for one method each.

A class is turned into an ordinary view function by :meth:`View.as_view`;
the routing layer never sees the class.  What the function does per request
is only: find the instance, call its ``dispatch_request``.
"""

from __future__ import annotations

import typing as t

from .globals import _get_frame, current_app, request

if t.TYPE_CHECKING:  # pragma: no cover
    from .typing import ResponseReturnValue, RouteCallable

__all__ = ["MethodView", "View", "http_method_funcs"]

#: The lower-case method names that :class:`MethodView` treats as handlers.
http_method_funcs: frozenset[str] = frozenset(
    {"delete", "get", "head", "options", "patch", "post", "put", "trace"}
)

_Dispatch = t.Callable[..., t.Any]


def _running_app() -> t.Any:
    """The app serving the current request (outside one, the proxy's usual error)."""
    frame = _get_frame(None)
    return current_app if frame is None else frame[0].app


class View:
    """A view written as a class: subclass it and override :meth:`dispatch_request`.

    Register ``TheView.as_view("endpoint", ...)`` with ``add_url_rule``.  URL
    variables arrive as keyword arguments of ``dispatch_request``; the extra
    arguments of ``as_view`` go to the constructor.
    """

    #: With ``True`` every request gets a new instance, so ``self`` may hold
    #: request state.  ``False`` builds one instance in ``as_view`` and shares
    #: it between all requests and threads, which saves the construction.
    init_every_request: t.ClassVar[bool] = True

    #: Decorators for the generated view function, innermost first.  They
    #: are needed because decorating the class would not touch the function
    #: the app calls.
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []

    #: HTTP methods the route accepts; ``None`` leaves the routing default
    #: (``GET``, with ``HEAD`` and ``OPTIONS``).
    methods: t.ClassVar[t.Collection[str] | None] = None

    #: ``False`` turns off the automatic ``OPTIONS`` answer; ``None`` leaves
    #: the app's default.
    provide_automatic_options: t.ClassVar[bool | None] = None

    def dispatch_request(self) -> ResponseReturnValue:
        """Produce the response; subclasses must override it."""
        raise NotImplementedError()

    @classmethod
    def as_view(cls, name: str, *class_args: t.Any, **class_kwargs: t.Any) -> RouteCallable:
        """Return the view function to register for this class under ``name``.

        The function carries ``view_class``.  With ``init_every_request`` the
        instance is built from the function's ``view_class`` at each request,
        so replacing that attribute (in a test, say) replaces the class used.
        """
        finished: list[t.Any] = []  # holds the function handed out, once built
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> t.Any:
                instance = finished[0].view_class(*class_args, **class_kwargs)
                app = _running_app()
                return app.ensure_sync(instance.dispatch_request)(**kwargs)

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> t.Any:
                app = _running_app()
                return app.ensure_sync(shared.dispatch_request)(**kwargs)

        outer = _apply_decorators(view, name, cls)
        _describe(outer, name, cls)
        finished.append(outer)
        return outer


def _apply_decorators(view: _Dispatch, name: str, cls: type[View]) -> _Dispatch:
    """Wrap ``view`` in the class's ``decorators``, first one innermost.

    The bare function is named before wrapping, so decorators that copy the
    name (``functools.wraps``) see the endpoint name.
    """
    if not cls.decorators:
        return view
    view.__name__ = name
    view.__module__ = cls.__module__
    for decorate in cls.decorators:
        view = decorate(view)
    return view


def _describe(view: _Dispatch, name: str, cls: type[View]) -> None:
    """Give the function the endpoint name and what routing reads from the class."""
    labels = {
        "__name__": name, "__module__": cls.__module__, "__doc__": cls.__doc__,
        "view_class": cls, "methods": cls.methods,
        "provide_automatic_options": cls.provide_automatic_options,
    }
    for attribute, value in labels.items():
        setattr(view, attribute, value)


class MethodView(View):
    """A view that hands each request to the method named after its HTTP method.

    ``get`` answers ``GET``, ``post`` answers ``POST`` and so on; ``HEAD``
    falls back to ``get``.  A subclass that does not set ``methods`` gets
    the methods it has handlers for, plus those its bases declare.
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" not in vars(cls):
            handled = _declared_by_bases(cls) | _handled_by(cls)
            if handled:
                cls.methods = handled

    def dispatch_request(self, **kwargs: t.Any) -> ResponseReturnValue:
        """Call the handler for the request's method with the URL variables."""
        handler = self._handler_for(request.method)
        app = _running_app()
        return app.ensure_sync(handler)(**kwargs)  # type: ignore[no-any-return]

    def _handler_for(self, method: str) -> t.Callable[..., t.Any]:
        """Find the bound handler for ``method`` (``HEAD`` may use ``get``)."""
        candidates = (method.lower(), "get") if method == "HEAD" else (method.lower(),)
        for attribute in candidates:
            handler = getattr(self, attribute, None)
            if handler is not None:
                return handler  # type: ignore[no-any-return]
        raise AssertionError(f"Unimplemented method {method!r}")


def _declared_by_bases(cls: type[View]) -> set[str]:
    """The ``methods`` that the direct bases of ``cls`` declare or computed."""
    return {method for base in cls.__bases__ for method in getattr(base, "methods", None) or ()}


def _handled_by(cls: type[View]) -> set[str]:
    """Upper-case names of the HTTP methods ``cls`` defines or inherits a handler for."""
    return {name.upper() for name in http_method_funcs if hasattr(cls, name)}
