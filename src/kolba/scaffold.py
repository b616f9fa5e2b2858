"""What an app and a blueprint share: routes, hooks, error handlers, files.

Registration only records things.  The app turns the records into
per-endpoint plans when it serves (:mod:`kolba.plans`), so the hook tables
here tell their owner about every change that could make a plan stale.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import pathlib
import sys
import typing as t
from collections import defaultdict
from datetime import timedelta

from werkzeug.exceptions import HTTPException, default_exceptions

from . import typing as ft
from .typing import (
    T_after_request,
    T_before_request,
    T_error_handler,
    T_route,
    T_teardown,
    T_template_context_processor,
    T_url_defaults,
    T_url_value_preprocessor,
)
from .wrappers import lazy_attribute

if t.TYPE_CHECKING:
    from click import Group
    from jinja2 import BaseLoader

    from .wrappers import Response

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])
#: A WebSocket handler (``async def``), kept with its own type by the decorator.
_WebSocketHandler = t.TypeVar("_WebSocketHandler", bound=t.Callable[..., t.Awaitable[t.Any]])
#: A before/after_websocket hook, sync or async.
_WebSocketHook = t.TypeVar("_WebSocketHook", bound=t.Callable[..., t.Any])

#: ``{exception class: handler}`` for one scope and one code.
ErrorHandlerMap = dict[type[BaseException], ft.ErrorHandlerCallable]


def setupmethod(f: _F) -> _F:
    """Mark a registration method: refused once serving began, and it drops plans."""
    name = f.__name__

    @functools.wraps(f)
    def guarded(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(name)
        self._setup_changed()
        return f(self, *args, **kwargs)

    return t.cast(_F, guarded)


def registering_decorator(
    register: t.Callable[..., None], name: str | None
) -> t.Callable[[_F], _F]:
    """The decorator form of an ``add_*(f, name=...)`` registration method."""

    def decorator(f: _F) -> _F:
        register(f, name=name)
        return f

    return decorator


# -- tables that report changes -------------------------------------------------


class _WatchedList(list):  # type: ignore[type-arg]
    """A list of hooks that reports every change to its owner.

    Flask lets code edit ``app.before_request_funcs[None]`` in place; cached
    plans must notice.  Reading and iterating stay plain ``list`` operations.
    """

    __slots__ = ("_report",)

    def __init__(self, report: t.Callable[[], None], items: t.Iterable[t.Any] = ()) -> None:
        super().__init__(items)
        self._report = report


def _reporting(operation: str) -> t.Callable[..., t.Any]:
    plain = getattr(list, operation)

    def changed(self: _WatchedList, *args: t.Any, **kwargs: t.Any) -> t.Any:
        outcome = plain(self, *args, **kwargs)
        self._report()
        return outcome

    changed.__name__ = operation
    return changed


_LIST_CHANGES = (
    "__delitem__", "__iadd__", "__imul__", "__setitem__", "append", "clear",
    "extend", "insert", "pop", "remove", "reverse", "sort",
)
for _operation in _LIST_CHANGES:
    setattr(_WatchedList, _operation, _reporting(_operation))
del _operation


class HookTable(defaultdict):  # type: ignore[type-arg]
    """``{scope: [hook, ...]}`` whose lists report changes to the owner.

    Like ``defaultdict(list)``, reading a missing scope adds an empty list;
    that changes no chain, so it is the one change not reported.
    """

    def __init__(self, report: t.Callable[[], None], initial: t.Mapping[t.Any, t.Any] = {}) -> None:  # noqa: B006
        super().__init__()
        self._report = report
        for scope, hooks in initial.items():
            self[scope] = hooks

    def __missing__(self, scope: t.Any) -> _WatchedList:
        empty = _WatchedList(self._report)
        dict.__setitem__(self, scope, empty)
        return empty

    def __setitem__(self, scope: t.Any, hooks: t.Any) -> None:
        if not isinstance(hooks, _WatchedList):
            hooks = _WatchedList(self._report, hooks)
        super().__setitem__(scope, hooks)
        self._report()

    def __delitem__(self, scope: t.Any) -> None:
        super().__delitem__(scope)
        self._report()

    def setdefault(self, scope: t.Any, default: t.Any = None) -> t.Any:
        if scope not in self:
            self[scope] = [] if default is None else default
        return self[scope]

    def __reduce__(self) -> t.Any:
        # Copies and pickles become a plain dict of plain lists.
        return (dict, ({scope: list(hooks) for scope, hooks in self.items()},))


class ViewTable(dict):  # type: ignore[type-arg]
    """``{endpoint: view}`` that reports replaced views to the owner."""

    def __init__(self, report: t.Callable[[], None]) -> None:
        super().__init__()
        self._report = report

    def __setitem__(self, endpoint: t.Any, view: t.Any) -> None:
        super().__setitem__(endpoint, view)
        self._report()

    def __delitem__(self, endpoint: t.Any) -> None:
        super().__delitem__(endpoint)
        self._report()

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().update(*args, **kwargs)
        self._report()

    def __reduce__(self) -> t.Any:
        return (dict, (dict(self),))


# -- module helpers -----------------------------------------------------------


def _default_template_ctx_processor() -> dict[str, t.Any]:
    """``g`` and ``request`` in every template context.

    ``session`` stays a Jinja global only, so that rendering a template does
    not mark the session accessed.
    """
    from .globals import _get_frame

    frame = _get_frame(None)
    if frame is None:
        return {}
    names: dict[str, t.Any] = {"g": frame[0].g}
    if frame[1] is not None:
        names["request"] = frame[1].request
    return names


def _file_folder(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def get_root_path(import_name: str) -> str:
    """The folder a module or package lives in, which anchors relative paths.

    A module not imported yet is located without importing it; one that
    cannot be found at all (e.g. the interactive interpreter) is anchored
    at the working directory.
    """
    loaded = sys.modules.get(import_name)
    if getattr(loaded, "__file__", None):
        return _file_folder(loaded.__file__)  # type: ignore[union-attr, arg-type]
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.loader is None and not spec.submodule_search_locations:
        return os.getcwd()
    if spec.origin not in (None, "namespace", "built-in", "frozen"):
        return _file_folder(spec.origin)
    places = list(spec.submodule_search_locations or ())
    if len(places) == 1:
        return os.path.abspath(places[0])
    raise RuntimeError(
        f"No root path can be found for the provided module {import_name!r}."
        " This can happen because the module came from an import hook that"
        " does not provide file name information or because it's a namespace"
        " package. In this case the root path needs to be explicitly provided."
    )


def _endpoint_from_view_func(view_func: t.Callable[..., t.Any] | None) -> str:
    """A view's default endpoint: its ``__name__``."""
    assert view_func is not None, "expected view func if endpoint is not provided."
    return view_func.__name__


_NOT_A_HANDLER_KEY = "Handlers can only be registered for Exception classes or HTTP error codes."


def get_exc_class_and_code(
    exc_class_or_code: type[BaseException] | int,
) -> tuple[type[BaseException], int | None]:
    """What ``errorhandler`` was given, as ``(exception class, HTTP code or None)``."""
    if isinstance(exc_class_or_code, int):
        if exc_class_or_code not in default_exceptions:
            raise ValueError(
                f"'{exc_class_or_code}' is not a recognized HTTP error code. Use"
                " a subclass of HTTPException with that code instead."
            )
        error_class: t.Any = default_exceptions[exc_class_or_code]
    else:
        error_class = exc_class_or_code
    if isinstance(error_class, BaseException):
        raise TypeError(f"{error_class!r} is an instance, not a class. {_NOT_A_HANDLER_KEY}")
    if not (isinstance(error_class, type) and issubclass(error_class, Exception)):
        label = getattr(error_class, "__name__", error_class)
        raise ValueError(f"'{label}' is not a subclass of Exception. {_NOT_A_HANDLER_KEY}")
    code = error_class.code if issubclass(error_class, HTTPException) else None
    return error_class, code


_Hook = t.TypeVar("_Hook", bound=t.Callable[..., t.Any])


def _add_app_wide(table: t.Any, hook: _Hook) -> _Hook:
    """Register ``hook`` in a hook table under the ``None`` (own, not blueprint) scope."""
    table.setdefault(None, []).append(hook)
    return hook


class _OneMethodRoute(t.Protocol):
    """``app.get``, ``app.post``...: ``route`` restricted to one method."""

    def __call__(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]: ...


def _one_method_route(method: str) -> t.Any:
    """Make the shortcut method for ``route(rule, methods=[method])``."""

    def shortcut(self: Scaffold, rule: str, **options: t.Any) -> t.Any:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    shortcut.__name__ = method.lower()
    shortcut.__qualname__ = f"Scaffold.{shortcut.__name__}"
    shortcut.__doc__ = f'Shortcut for :meth:`route` with ``methods=["{method}"]``.'
    return setupmethod(shortcut)


def _error_tables() -> defaultdict[int | None, ErrorHandlerMap]:
    return defaultdict(dict)


class Scaffold:
    """The registration API :class:`~kolba.Kolba` and blueprints have in common."""

    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None

    def __init__(
        self, import_name: str, static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None, root_path: str | None = None,
    ) -> None:
        self.import_name = import_name
        self.root_path = get_root_path(import_name) if root_path is None else root_path
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = template_folder
        report = self._setup_changed
        self.view_functions: dict[str, ft.RouteCallable] = ViewTable(report)
        self.error_handler_spec: dict[
            str | None, dict[int | None, ErrorHandlerMap]
        ] = defaultdict(_error_tables)
        self.before_request_funcs: dict[str | None, list[ft.BeforeRequestCallable]] = HookTable(report)
        self.after_request_funcs: dict[
            str | None, list[ft.AfterRequestCallable[t.Any]]
        ] = HookTable(report)
        self.teardown_request_funcs: dict[str | None, list[ft.TeardownCallable]] = HookTable(report)
        self.url_value_preprocessors: dict[
            str | None, list[ft.URLValuePreprocessorCallable]
        ] = HookTable(report)
        #: ``{scope: [hook]}`` run around WebSocket handlers (see :meth:`websocket`).
        self.before_websocket_funcs: dict[str | None, list[t.Callable[[], t.Any]]] = HookTable(report)
        self.after_websocket_funcs: dict[str | None, list[t.Callable[[t.Any], t.Any]]] = HookTable(report)
        self.url_default_functions: dict[str | None, list[ft.URLDefaultCallable]] = defaultdict(list)
        self.template_context_processors: dict[
            str | None, list[ft.TemplateContextProcessorCallable]
        ] = defaultdict(list)
        self.template_context_processors[None].append(_default_template_ctx_processor)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    def _setup_changed(self) -> None:
        """Called on every registration; an owner that caches results resets here."""

    # -- the CLI group, made when first asked for --------------------------------

    @lazy_attribute
    def cli(self) -> Group:
        """The Click group of this object's commands."""
        from .cli import AppGroup

        group = AppGroup()
        group.name = self._cli_group_name()
        return group

    def _cli_group_name(self) -> str | None:
        return self.name

    # -- static files, templates, resources ---------------------------------------

    @property
    def static_folder(self) -> str | None:
        """The static folder's absolute path, or None when there is none."""
        relative = self._static_folder
        return None if relative is None else os.path.join(self.root_path, relative)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        self._static_folder = None if value is None else os.fspath(value).rstrip("\\/")

    @property
    def has_static_folder(self) -> bool:
        """Whether this object serves static files."""
        return self._static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of static files: set explicitly, or ``/<folder name>``."""
        explicit = self._static_url_path
        if explicit is not None:
            return explicit
        folder = self.static_folder
        if folder is None:
            return None
        return ("/" + os.path.basename(folder)).rstrip("/")

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        self._static_url_path = None if value is None else value.rstrip("/")

    @lazy_attribute
    def jinja_loader(self) -> BaseLoader | None:
        """A file loader for this object's template folder, if it has one."""
        if self.template_folder is None:
            return None
        from jinja2 import FileSystemLoader

        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """``max_age`` for files sent from here: ``SEND_FILE_MAX_AGE_DEFAULT`` in seconds."""
        from .globals import current_app

        configured = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if isinstance(configured, timedelta):
            return int(configured.total_seconds())
        return configured  # type: ignore[no-any-return]

    def send_static_file(self, filename: str) -> Response:
        """The ``static`` route's view: a file from :attr:`static_folder`."""
        folder = self.static_folder
        if folder is None:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        from .helpers import send_from_directory

        return send_from_directory(folder, filename, max_age=self.get_send_file_max_age(filename))

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> t.IO[t.Any]:
        """Open a file below :attr:`root_path`, for reading only."""
        if mode not in ("r", "rt", "rb"):
            raise ValueError("Resources can only be opened for reading.")
        full_path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(full_path, mode)  # noqa: SIM115
        return open(full_path, mode, encoding=encoding)  # noqa: SIM115

    # -- routes ---------------------------------------------------------------------

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Decorate a view to serve ``rule``; options go to :meth:`add_url_rule`."""
        endpoint = options.pop("endpoint", None)

        def register(view: T_route) -> T_route:
            self.add_url_rule(rule, endpoint, view, **options)
            return view

        return register

    get: _OneMethodRoute = _one_method_route("GET")
    post: _OneMethodRoute = _one_method_route("POST")
    put: _OneMethodRoute = _one_method_route("PUT")
    delete: _OneMethodRoute = _one_method_route("DELETE")
    patch: _OneMethodRoute = _one_method_route("PATCH")

    @setupmethod
    def add_url_rule(
        self, rule: str, endpoint: str | None = None, view_func: ft.RouteCallable | None = None,
        provide_automatic_options: bool | None = None, **options: t.Any,
    ) -> None:
        """Register a URL rule; the app and blueprints each implement it."""
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[_F], _F]:
        """Decorate the view of an endpoint whose rule is added separately."""

        def register(view: _F) -> _F:
            self.view_functions[endpoint] = view
            return view

        return register

    # -- WebSocket routes and hooks (served by app.asgi) --------------------------------

    @setupmethod
    def websocket(
        self, rule: str, **options: t.Any
    ) -> t.Callable[[_WebSocketHandler], _WebSocketHandler]:
        """Decorate the ``async def`` handler of a WebSocket route.

        The rule is a Werkzeug websocket rule: converters, ``url_for`` and
        blueprint prefixes work as for HTTP routes.  Options go to
        :meth:`add_websocket`.
        """
        endpoint = options.pop("endpoint", None)

        def register(handler: _WebSocketHandler) -> _WebSocketHandler:
            self.add_websocket(rule, endpoint, handler, **options)
            return handler

        return register

    @setupmethod
    def add_websocket(
        self, rule: str, endpoint: str | None = None,
        view_func: t.Callable[..., t.Awaitable[t.Any]] | None = None, **options: t.Any,
    ) -> None:
        """:meth:`websocket` without the decorator; ``view_func`` must be ``async def``.

        Under WSGI, and for plain HTTP requests, the route answers 426.
        """
        from .websockets import WebSocketRoute

        route = None if view_func is None else WebSocketRoute(view_func)
        if endpoint is None and view_func is not None:
            endpoint = _endpoint_from_view_func(view_func)
        options.update(websocket=True, methods=("GET",), provide_automatic_options=False)
        self.add_url_rule(rule, endpoint, route, **options)

    @setupmethod
    def before_websocket(self, f: _WebSocketHook) -> _WebSocketHook:
        """Run ``f()`` before each WebSocket handler; a value it returns refuses the handshake.

        The value becomes the HTTP response of the refusal, as a view's would.
        """
        return _add_app_wide(self.before_websocket_funcs, f)

    @setupmethod
    def after_websocket(self, f: _WebSocketHook) -> _WebSocketHook:
        """Run ``f(response)`` after each WebSocket handler, before the connection ends.

        ``response`` is the refusal about to be sent, or None once the
        connection was accepted; ``f`` may return a response to send instead.
        """
        return _add_app_wide(self.after_websocket_funcs, f)

    # -- request hooks ----------------------------------------------------------------

    @setupmethod
    def before_request(self, f: T_before_request) -> T_before_request:
        """Run ``f()`` before each request; a value it returns ends the request."""
        return _add_app_wide(self.before_request_funcs, f)

    @setupmethod
    def after_request(self, f: T_after_request) -> T_after_request:
        """Run ``f(response)`` after each request; it returns the response to send."""
        return _add_app_wide(self.after_request_funcs, f)

    @setupmethod
    def teardown_request(self, f: T_teardown) -> T_teardown:
        """Run ``f(error)`` when the request ends, whether or not it failed."""
        return _add_app_wide(self.teardown_request_funcs, f)

    @setupmethod
    def context_processor(self, f: T_template_context_processor) -> T_template_context_processor:
        """Merge the dict ``f()`` returns into every template context."""
        return _add_app_wide(self.template_context_processors, f)

    @setupmethod
    def url_value_preprocessor(self, f: T_url_value_preprocessor) -> T_url_value_preprocessor:
        """Run ``f(endpoint, view_args)`` on matched values before any before-request hook."""
        return _add_app_wide(self.url_value_preprocessors, f)

    @setupmethod
    def url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Run ``f(endpoint, values)`` to fill in values when a URL is built."""
        return _add_app_wide(self.url_default_functions, f)

    # -- error handlers -----------------------------------------------------------------

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Decorate the handler for an HTTP error code or an exception class."""

        def register(handler: T_error_handler) -> T_error_handler:
            self.register_error_handler(code_or_exception, handler)
            return handler

        return register

    @setupmethod
    def register_error_handler(
        self, code_or_exception: type[Exception] | int, f: ft.ErrorHandlerCallable
    ) -> None:
        """:meth:`errorhandler` without the decorator."""
        error_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][error_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[BaseException] | int,
    ) -> tuple[type[BaseException], int | None]:
        return get_exc_class_and_code(exc_class_or_code)


# -- where an installed package lives (for the instance folder) -----------------------


def _top_level_folder(top_name: str, import_name: str) -> str:
    """The folder that holds the top-level module or package ``top_name``."""
    try:
        spec = importlib.util.find_spec(top_name)
    except (ImportError, ValueError):
        return os.getcwd()
    if spec is None:
        return os.getcwd()
    places = list(spec.submodule_search_locations or ())
    if not places:
        return _file_folder(t.cast(str, spec.origin))
    if spec.origin not in (None, "namespace"):
        # A regular package: its folder sits in the folder we want.
        return os.path.dirname(_file_folder(spec.origin))
    # A namespace package spread over several folders: pick the part that
    # holds ``import_name`` when it can be found, else the first one.
    chosen = places[0]
    try:
        inner = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        inner = None
    inner_places = list(getattr(inner, "submodule_search_locations", None) or ())
    if inner_places:
        common = os.path.commonpath(inner_places)
        chosen = next((p for p in places if _is_inside(common, p)), chosen)
    return os.path.dirname(os.path.abspath(chosen))


def _is_inside(path: str, folder: str) -> bool:
    folder = os.path.abspath(folder)
    path = os.path.abspath(path)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def find_package(import_name: str) -> tuple[str | None, str]:
    """``(installation prefix or None, folder of the top-level package)``.

    A package installed into a Python prefix (``site-packages`` or the
    environment itself) has a prefix, under which its instance folder goes
    (``<prefix>/var/<name>-instance``); a package used from a source tree
    has none.
    """
    folder = _top_level_folder(import_name.partition(".")[0], import_name)
    prefix = os.path.abspath(sys.prefix)
    if _is_inside(folder, prefix):
        return prefix, folder
    where = pathlib.PurePath(folder)
    if where.name.lower() != "site-packages":
        return None, folder
    # <prefix>/lib/site-packages or <prefix>/lib/pythonX.Y/site-packages;
    # anything else: the folder that holds site-packages.
    near = list(where.parents)[:2]
    lib = next((parent for parent in near if parent.name.lower() == "lib"), None)
    return str(near[0] if lib is None else lib.parent), folder
