"""What an application and a blueprint share: routes, hooks, error handlers.

One base class for both, so a decorator behaves the same on ``app`` and on a
blueprint.  Registration only records things; the app turns the records into
per-endpoint plans when it starts serving.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import typing as t
from collections import defaultdict
from functools import update_wrapper

from werkzeug.exceptions import HTTPException, default_exceptions

from .wrappers import lazy_attribute

if t.TYPE_CHECKING:
    from click import Group
    from jinja2 import BaseLoader

    from .wrappers import Response

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])
ErrorHandlerMap = dict[type[BaseException], t.Callable[..., t.Any]]

_sentinel = object()


def setupmethod(f: _F) -> _F:
    """Refuse set-up calls once serving began, and drop cached plans."""
    f_name = f.__name__

    def wrapper_func(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(f_name)
        self._setup_changed()
        return f(self, *args, **kwargs)

    return update_wrapper(wrapper_func, f)  # type: ignore[return-value]


def registering_decorator(
    register: t.Callable[..., None], name: str | None
) -> t.Callable[[_F], _F]:
    """The decorator form of an ``add_*(f, name=...)`` registration method."""

    def decorator(f: _F) -> _F:
        register(f, name=name)
        return f

    return decorator


def _default_template_ctx_processor() -> dict[str, t.Any]:
    """Put ``g`` and ``request`` into every template context.

    ``session`` stays a Jinja global only, so rendering a template does not
    mark the session accessed.
    """
    from .globals import _cv_frame

    frame = _cv_frame.get(None)
    rv: dict[str, t.Any] = {}
    if frame is not None:
        rv["g"] = frame[0].g
        if frame[1] is not None:
            rv["request"] = frame[1].request
    return rv


def get_root_path(import_name: str) -> str:
    """Find the folder a module or package lives in, to anchor relative paths."""
    module = sys.modules.get(import_name)
    filename = getattr(module, "__file__", None) if module is not None else None
    if filename is not None:
        return os.path.dirname(os.path.abspath(str(filename)))
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return os.getcwd()
    origin = spec.origin
    if origin is None or origin in ("namespace", "built-in", "frozen"):
        locations = list(spec.submodule_search_locations or ())
        if len(locations) == 1:
            return os.path.abspath(locations[0])
        raise RuntimeError(
            "No root path can be found for the provided module"
            f" {import_name!r}. This can happen because the module"
            " came from an import hook that does not provide file"
            " name information or because it's a namespace package."
            " In this case the root path needs to be explicitly"
            " provided."
        )
    return os.path.dirname(os.path.abspath(origin))


def _endpoint_from_view_func(view_func: t.Callable[..., t.Any] | None) -> str:
    assert view_func is not None, "expected view func if endpoint is not provided."
    return view_func.__name__


def get_exc_class_and_code(
    exc_class_or_code: type[BaseException] | int,
) -> tuple[type[BaseException], int | None]:
    """Normalise what ``errorhandler`` accepts into ``(class, code)``."""
    exc_class: type[BaseException]
    if isinstance(exc_class_or_code, int):
        try:
            exc_class = default_exceptions[exc_class_or_code]
        except KeyError:
            raise ValueError(
                f"'{exc_class_or_code}' is not a recognized HTTP"
                " error code. Use a subclass of HTTPException with"
                " that code instead."
            ) from None
    else:
        exc_class = exc_class_or_code
    if isinstance(exc_class, Exception):
        raise TypeError(
            f"{exc_class!r} is an instance, not a class. Handlers"
            " can only be registered for Exception classes or HTTP"
            " error codes."
        )
    if not isinstance(exc_class, type) or not issubclass(exc_class, Exception):
        raise ValueError(
            f"'{getattr(exc_class, '__name__', exc_class)}' is not a subclass of"
            " Exception. Handlers can only be registered for Exception classes"
            " or HTTP error codes."
        )
    if issubclass(exc_class, HTTPException):
        return exc_class, exc_class.code
    return exc_class, None


class _HookList(list):  # type: ignore[type-arg]
    """A hook list that tells its owner when it changes.

    The app caches per-endpoint hook chains; code that appends to
    ``app.before_request_funcs[None]`` directly (as Flask allows) must still
    be seen, so every mutation drops the cache.  Iteration, the per-request
    operation, is plain ``list`` iteration.
    """

    __slots__ = ("_changed",)

    def __init__(self, changed: t.Callable[[], None], items: t.Iterable[t.Any] = ()) -> None:
        super().__init__(items)
        self._changed = changed


def _notifying(name: str) -> t.Callable[..., t.Any]:
    """``list.<name>``, followed by telling the owner that the list changed."""
    method = getattr(list, name)

    def mutate(self: _HookList, *args: t.Any, **kwargs: t.Any) -> t.Any:
        result = method(self, *args, **kwargs)
        self._changed()
        return result

    mutate.__name__ = name
    return mutate


for _name in (
    "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
    "__setitem__", "__delitem__", "__iadd__", "__imul__",
):
    setattr(_HookList, _name, _notifying(_name))
del _name


class _HookDict(defaultdict):  # type: ignore[type-arg]
    """``defaultdict(list)`` whose lists are :class:`_HookList` tied to the owner."""

    def __init__(self, changed: t.Callable[[], None], initial: t.Any = ()) -> None:
        super().__init__()
        self._changed = changed
        for key, value in dict(initial).items():
            self[key] = value

    def __missing__(self, key: t.Any) -> _HookList:
        value = self[key] = _HookList(self._changed)
        return value

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        if not isinstance(value, _HookList):
            value = _HookList(self._changed, value)
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: t.Any) -> None:
        super().__delitem__(key)
        self._changed()

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        if key not in self:
            self[key] = [] if default is None else default
        return self[key]

    def __reduce__(self) -> t.Any:  # copies and pickles as a plain dict of lists
        return (dict, ({k: list(v) for k, v in self.items()},))


class Scaffold:
    """Registration API common to :class:`~kolba.Kolba` and blueprints."""

    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        self.import_name = import_name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = template_folder
        if root_path is None:
            root_path = get_root_path(self.import_name)
        self.root_path = root_path
        self.view_functions: dict[str, t.Callable[..., t.Any]] = {}
        self.error_handler_spec: dict[
            str | None, dict[int | None, ErrorHandlerMap]
        ] = defaultdict(lambda: defaultdict(dict))
        changed = self._setup_changed
        self.before_request_funcs: dict[str | None, list[t.Callable[..., t.Any]]] = (
            _HookDict(changed)
        )
        self.after_request_funcs: dict[str | None, list[t.Callable[..., t.Any]]] = (
            _HookDict(changed)
        )
        self.teardown_request_funcs: dict[str | None, list[t.Callable[..., t.Any]]] = (
            _HookDict(changed)
        )
        self.template_context_processors: dict[
            str | None, list[t.Callable[..., dict[str, t.Any]]]
        ] = defaultdict(list, {None: [_default_template_ctx_processor]})
        self.url_value_preprocessors: dict[str | None, list[t.Callable[..., t.Any]]] = (
            _HookDict(changed)
        )
        self.url_default_functions: dict[str | None, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    def _setup_changed(self) -> None:
        """Hook for subclasses that cache what registration produced."""

    # -- the CLI group is created only when someone asks for it --------------

    @lazy_attribute
    def cli(self) -> Group:
        """The Click group for this object's commands."""
        from .cli import AppGroup

        group = AppGroup()
        group.name = self._cli_group_name()
        return group

    def _cli_group_name(self) -> str | None:
        return self.name

    # -- static files and templates -----------------------------------------

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, or None."""
        if self._static_folder is not None:
            return os.path.join(self.root_path, self._static_folder)
        return None

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None:
            value = os.fspath(value).rstrip(r"\/")
        self._static_folder = value

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is configured."""
        return self.static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix static files are served under."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self.static_folder is not None:
            basename = os.path.basename(self.static_folder)
            return f"/{basename}".rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        if value is not None:
            value = value.rstrip("/")
        self._static_url_path = value

    @lazy_attribute
    def jinja_loader(self) -> BaseLoader | None:
        """A loader for this object's template folder, if it has one."""
        if self.template_folder is None:
            return None
        from jinja2 import FileSystemLoader

        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """The ``max_age`` for a file sent by ``send_file``, from config."""
        from .globals import current_app

        value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if hasattr(value, "total_seconds"):
            return int(value.total_seconds())
        return value  # type: ignore[no-any-return]

    def send_static_file(self, filename: str) -> Response:
        """Serve a file from the static folder; the ``static`` route's view."""
        if not self.has_static_folder:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        from .helpers import send_from_directory

        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(t.cast(str, self.static_folder), filename, max_age=max_age)

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> t.IO[t.Any]:
        """Open a file relative to :attr:`root_path` for reading."""
        if mode not in {"r", "rt", "rb"}:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)  # noqa: SIM115
        return open(path, mode, encoding=encoding)  # noqa: SIM115

    # -- routes --------------------------------------------------------------

    def _method_route(
        self, method: str, rule: str, options: dict[str, t.Any]
    ) -> t.Callable[[_F], _F]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """Shortcut for :meth:`route` with ``methods=["GET"]``."""
        return self._method_route("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """Shortcut for :meth:`route` with ``methods=["POST"]``."""
        return self._method_route("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """Shortcut for :meth:`route` with ``methods=["PUT"]``."""
        return self._method_route("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """Shortcut for :meth:`route` with ``methods=["DELETE"]``."""
        return self._method_route("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """Shortcut for :meth:`route` with ``methods=["PATCH"]``."""
        return self._method_route("PATCH", rule, options)

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """Register the decorated function as the view for a URL rule."""

        def decorator(f: _F) -> _F:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register a URL rule; the app and blueprints implement this."""
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[_F], _F]:
        """Register the decorated function as the view for an endpoint name."""

        def decorator(f: _F) -> _F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # -- request hooks --------------------------------------------------------

    @setupmethod
    def before_request(self, f: _F) -> _F:
        """Run ``f()`` before each request; a non-None return ends the request."""
        self.before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f: _F) -> _F:
        """Run ``f(response)`` after each request; it returns the response."""
        self.after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f: _F) -> _F:
        """Run ``f(exc)`` when the request context pops, even after errors."""
        self.teardown_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def context_processor(self, f: _F) -> _F:
        """Add the dict ``f()`` returns to every template context."""
        self.template_context_processors[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(self, f: _F) -> _F:
        """Run ``f(endpoint, values)`` on matched URL values before the view."""
        self.url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: _F) -> _F:
        """Run ``f(endpoint, values)`` to fill in values when building URLs."""
        self.url_default_functions[None].append(f)
        return f

    # -- errors ---------------------------------------------------------------

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[Exception] | int
    ) -> t.Callable[[_F], _F]:
        """Register the decorated function to handle an HTTP code or exception."""

        def decorator(f: _F) -> _F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self, code_or_exception: type[Exception] | int, f: t.Callable[..., t.Any]
    ) -> None:
        """Non-decorator form of :meth:`errorhandler`."""
        exc_class, code = get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[BaseException] | int,
    ) -> tuple[type[BaseException], int | None]:
        return get_exc_class_and_code(exc_class_or_code)


def find_package(import_name: str) -> tuple[str | None, str]:
    """Find where a module is installed: ``(install prefix or None, folder)``.

    The prefix is set when the package lives in a ``site-packages`` style
    install, which puts the instance folder under ``<prefix>/var``.
    """
    root_mod_name = import_name.partition(".")[0]
    package_path = _package_folder(root_mod_name)
    py_prefix = os.path.abspath(sys.prefix)
    if _is_within(package_path, py_prefix):
        return py_prefix, package_path
    site_parent, site_folder = os.path.split(package_path)
    if site_folder.lower() == "site-packages":
        parent, folder = os.path.split(site_parent)
        if folder.lower() == "lib":
            return parent, package_path
        if os.path.basename(parent).lower() == "lib":
            return os.path.dirname(parent), package_path
        return site_parent, package_path
    return None, package_path


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _package_folder(root_mod_name: str) -> str:
    try:
        spec = importlib.util.find_spec(root_mod_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin in (None, "namespace") and not spec.submodule_search_locations:
        return os.getcwd()
    if spec.submodule_search_locations:
        if spec.origin is None or spec.origin == "namespace":
            return os.path.dirname(os.path.abspath(next(iter(spec.submodule_search_locations))))
        return os.path.dirname(os.path.dirname(os.path.abspath(spec.origin)))
    return os.path.dirname(os.path.abspath(t.cast(str, spec.origin)))
