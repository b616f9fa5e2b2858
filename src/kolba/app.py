"""The :class:`Kolba` application object: configuration and registration.

Serving is elsewhere, one concern per module, mixed into the class so that
every step stays an overridable method as in Flask:

* :mod:`kolba.wsgi` is the WSGI door (``wsgi_app``, ``__call__``);
* :mod:`kolba.core` is the serving core a door hands each request to;
* :mod:`kolba.dispatch` holds Flask's public request steps;
* :mod:`kolba.errors` turns exceptions into responses;
* :mod:`kolba.urls` binds the URL map and builds URLs.
"""

from __future__ import annotations

import contextlib
import os
import sys
import typing as t
import weakref
from datetime import timedelta

from werkzeug.exceptions import Aborter
from werkzeug.utils import redirect as _werkzeug_redirect

from . import typing as ft
from .typing import (
    T_shell_context_processor,
    T_teardown,
    T_template_filter,
    T_template_global,
    T_template_test,
)
from .concurrency import async_to_sync as _async_to_sync
from .concurrency import is_coroutine_function
from .config import Config, ConfigAttribute
from .core import WATCHED, Core
from .ctx import AppContext, RequestContext, _AppCtxGlobals
from .dispatch import DispatchSteps
from .errors import ErrorHandling
from .globals import _get_frame
from .helpers import get_debug_flag
from .json.provider import DefaultJSONProvider, JSONProvider
from .plans import blueprint_scopes, outer_first
from .routing import Map, Rule
from .scaffold import (
    HookTable,
    Scaffold,
    ViewTable,
    _endpoint_from_view_func,
    _WatchedList,
    find_package,
    registering_decorator,
    setupmethod,
)
from .urls import UrlBuilding
from .wrappers import Request, Response, lazy_attribute
from .wsgi import WSGIDoor

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from jinja2 import Environment

    from ._cli_runner import KolbaCliRunner
    from .asgi import ASGIDoor
    from .blueprints import Blueprint
    from .sessions import SessionInterface
    from .testing import KolbaClient



_Serving = t.TypeVar("_Serving", bound=t.Callable[[], t.Any])


def _as_hook_table(app: Kolba, value: t.Any) -> t.Any:
    return value if isinstance(value, HookTable) else HookTable(app._setup_changed, value)


def _as_view_table(app: Kolba, value: t.Any) -> t.Any:
    if isinstance(value, ViewTable):
        return value
    table = ViewTable(app._setup_changed)
    dict.update(table, value)
    return table


def _as_watched_list(app: Kolba, value: t.Any) -> t.Any:
    return value if isinstance(value, _WatchedList) else _WatchedList(app._setup_changed, value)


#: The registration tables the serving core caches from, and how an
#: assigned replacement is made to report its changes like the original.
_TABLES: dict[str, t.Callable[[Kolba, t.Any], t.Any]] = {
    "before_request_funcs": _as_hook_table,
    "after_request_funcs": _as_hook_table,
    "teardown_request_funcs": _as_hook_table,
    "url_value_preprocessors": _as_hook_table,
    "view_functions": _as_view_table,
    "teardown_appcontext_funcs": _as_watched_list,
}


def _as_timedelta(value: timedelta | int | None) -> timedelta | None:
    """``PERMANENT_SESSION_LIFETIME`` may be configured in seconds."""
    return value if value is None or isinstance(value, timedelta) else timedelta(seconds=value)


class _JinjaEnvironmentClass:
    """``Kolba.jinja_environment``: Kolba's Jinja environment class, named on first read.

    Keeps Jinja2 out of ``import kolba``.
    """

    def __get__(self, obj: object, owner: type | None = None) -> t.Any:
        from .templating import Environment

        return Environment


#: Defaults of every config key Flask 3.1 defines, grouped by topic.
_DEFAULTS: dict[str, t.Any] = {
    # the app
    "DEBUG": None, "TESTING": False, "PROPAGATE_EXCEPTIONS": None,
    "TRAP_HTTP_EXCEPTIONS": False, "TRAP_BAD_REQUEST_ERRORS": None,
    "EXPLAIN_TEMPLATE_LOADING": False, "TEMPLATES_AUTO_RELOAD": None,
    "PROVIDE_AUTOMATIC_OPTIONS": True,
    # keys and sessions
    "SECRET_KEY": None, "SECRET_KEY_FALLBACKS": None,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31), "SESSION_REFRESH_EACH_REQUEST": True,
    "SESSION_COOKIE_NAME": "session", "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None, "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False, "SESSION_COOKIE_PARTITIONED": False,
    "SESSION_COOKIE_SAMESITE": None, "MAX_COOKIE_SIZE": 4093,
    # hosts and URLs
    "SERVER_NAME": None, "TRUSTED_HOSTS": None, "APPLICATION_ROOT": "/",
    "PREFERRED_URL_SCHEME": "http",
    # request bodies and files
    "MAX_CONTENT_LENGTH": None, "MAX_FORM_MEMORY_SIZE": 500_000, "MAX_FORM_PARTS": 1_000,
    "USE_X_SENDFILE": False, "SEND_FILE_MAX_AGE_DEFAULT": None,
}


class Kolba(ErrorHandling, DispatchSteps, UrlBuilding, WSGIDoor, Scaffold):
    """The application: everything registered on it, served through its doors.

    ``Kolba(__name__)`` in the app's module; the import name anchors the root
    path that templates, static files and resources are found relative to.
    """

    _core: Core
    _got_first_request: bool
    request_class: type[Request] = Request
    response_class: type[Response] = Response
    aborter_class = Aborter
    jinja_environment: t.Any = _JinjaEnvironmentClass()
    app_ctx_globals_class = _AppCtxGlobals
    config_class = Config
    url_rule_class = Rule
    url_map_class = Map
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    test_client_class: type[KolbaClient] | None = None
    test_cli_runner_class: type[KolbaCliRunner] | None = None
    jinja_options: dict[str, t.Any] = {}
    default_config: dict[str, t.Any] = _DEFAULTS

    testing = ConfigAttribute[bool]("TESTING")
    secret_key = ConfigAttribute[t.Union[str, bytes, None]]("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME", get_converter=_as_timedelta  # type: ignore[arg-type]
    )

    def __init__(
        self, import_name: str,
        static_url_path: str | None = None, static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None, host_matching: bool = False,
        subdomain_matching: bool = False, template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None, instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        # The core exists first: registration below already reports to it.
        object.__setattr__(self, "_core", Core(self))
        self._got_first_request = False
        #: Whether sessions open at push time, as in Flask.  The default
        #: signed-cookie interface has no side effects when opened, so it
        #: opens only when a request touches ``session``; any other interface
        #: (set on the app, or a class attribute of a subclass) opens at push.
        self._session_opens_eagerly = not isinstance(
            getattr(type(self), "session_interface", None), property
        )
        super().__init__(
            import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is not None and not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute."
                " A relative path was given instead."
            )
        self.instance_path = instance_path or self.auto_find_instance_path()
        self.config = self.make_config(instance_relative_config)
        #: Whether :attr:`debug` is ``config["DEBUG"]`` (false when a
        #: subclass defines ``debug`` itself).  perf: the JSON fast path
        #: then reads the config (an instance attribute: a class one costs
        #: about as much to read as the property it spares).
        self._debug_is_config = getattr(type(self), "debug", None) is Kolba.debug
        self.aborter = self.make_aborter()
        # perf: the classes a request instantiates, as instance attributes.
        # CPython 3.11 reads an instance attribute of the app specialized,
        # and a class attribute through the instance generically (about 190
        # instructions more per read).  Only plain classes are copied (not,
        # say, a subclass's property); assigning either on the app, or on a
        # subclass before making the app, works as before.
        for name in ("request_class", "app_ctx_globals_class"):
            value = getattr(type(self), name)
            if isinstance(value, type):
                setattr(self, name, value)
        self.json: JSONProvider = self.json_provider_class(self)
        self.url_build_error_handlers: list[
            t.Callable[[Exception, str, dict[str, t.Any]], str]
        ] = []
        self.teardown_appcontext_funcs: list[ft.TeardownCallable] = _WatchedList(
            self._setup_changed
        )
        self.shell_context_processors: list[ft.ShellContextProcessorCallable] = []
        #: Run once per worker before it serves and after it stops (ASGI
        #: lifespan, or :meth:`serving` under WSGI), inside an app context.
        self.before_serving_funcs: list[t.Callable[[], t.Any]] = []
        self.after_serving_funcs: list[t.Callable[[], t.Any]] = []
        self.blueprints: dict[str, Blueprint] = {}
        self.extensions: dict[str, t.Any] = {}
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.subdomain_matching = subdomain_matching
        #: Whether the URL path alone decides a match (no host or subdomain
        #: rules); worked out again whenever the serving core decides its lanes.
        self._path_only_routing = not (host_matching or subdomain_matching)
        #: Filters, tests and globals registered before the Jinja environment existed.
        self._template_registrations: list[tuple[str, str | None, t.Callable[..., t.Any]]] = []
        if self.has_static_folder:
            self._add_static_route(static_host, host_matching)

    def _add_static_route(self, static_host: str | None, host_matching: bool) -> None:
        assert bool(static_host) == host_matching, "Invalid static_host/host_matching combination"
        # A weak reference: the rule must not keep the app alive.
        app = weakref.ref(self)

        def static(filename: str) -> Response:
            return app().send_static_file(filename)  # type: ignore[union-attr]

        self.add_url_rule(
            f"{self.static_url_path}/<path:filename>",
            endpoint="static",
            host=static_host,
            view_func=static,
        )

    # -- telling the serving core about changes ---------------------------------

    def __setattr__(self, name: str, value: t.Any) -> None:
        if name in _TABLES:
            # A registration table replaced wholesale: keep it reporting changes.
            value = _TABLES[name](self, value)
        object.__setattr__(self, name, value)
        if name in WATCHED or name in _TABLES:
            # A step replaced on the app object (as some extensions do) must
            # run; a replaced table must be read afresh.
            self._core.invalidate()

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        if name in WATCHED:
            self._core.invalidate()

    def _setup_changed(self) -> None:
        """Registration changed: the core's plans and lanes are stale."""
        self._core.invalidate()

    def _check_setup_finished(self, f_name: str) -> None:
        if not self._got_first_request:
            return
        raise AssertionError(
            f"The setup method '{f_name}' can no longer be called on the"
            " application. It has already handled its first request, any"
            " changes will not be applied consistently.\nMake sure all"
            " imports, decorators, functions, etc. needed to set up the"
            " application are done before running it."
        )

    # -- identity and configuration -----------------------------------------------

    @lazy_attribute
    def name(self) -> str:
        """The import name, or for ``__main__`` the running script's name."""
        if self.import_name != "__main__":
            return self.import_name
        script = getattr(sys.modules["__main__"], "__file__", None)
        if script is None:
            return "__main__"
        return str(os.path.splitext(os.path.basename(script))[0])

    @lazy_attribute
    def logger(self) -> t.Any:
        """The :mod:`logging` logger named after the app."""
        from .logging import create_logger

        return create_logger(self)

    @property
    def debug(self) -> bool:
        """Debug mode: the interactive debugger, reloading and detailed errors."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        if self.config["TEMPLATES_AUTO_RELOAD"] is None and "jinja_env" in self.__dict__:
            self.jinja_env.auto_reload = value

    def make_config(self, instance_relative: bool = False) -> Config:
        """The config, seeded with :attr:`default_config` and the debug variable."""
        folder = self.instance_path if instance_relative else self.root_path
        seeded = {**self.default_config, "DEBUG": get_debug_flag()}
        return self.config_class(folder, seeded)

    def make_aborter(self) -> Aborter:
        """The object :func:`kolba.abort` raises through."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """``instance/`` beside the app, or ``<prefix>/var/<name>-instance`` when installed."""
        prefix, package_folder = find_package(self.import_name)
        if prefix is not None:
            return os.path.join(prefix, "var", f"{self.name}-instance")
        return os.path.join(package_folder, "instance")

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.Any]:
        """Open a file in the instance folder; unlike resources, it may be written."""
        full_path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(full_path, mode)  # noqa: SIM115
        return open(full_path, mode, encoding=encoding)  # noqa: SIM115

    # -- sessions: the default interface is made on first use ---------------------

    @property
    def session_interface(self) -> SessionInterface:
        """How sessions are opened and saved; signed cookies by default."""
        interface = self.__dict__.get("_session_interface")
        if interface is None:
            from .sessions import SecureCookieSessionInterface

            interface = self.__dict__["_session_interface"] = SecureCookieSessionInterface()
        return interface

    @session_interface.setter
    def session_interface(self, value: SessionInterface) -> None:
        from .sessions import SecureCookieSessionInterface

        self.__dict__["_session_interface"] = value
        self._session_opens_eagerly = type(value) is not SecureCookieSessionInterface

    # -- templates ------------------------------------------------------------------

    @lazy_attribute
    def jinja_env(self) -> Environment:
        """The Jinja environment, created the first time a template is used."""
        return self.create_jinja_environment()

    def create_jinja_environment(self) -> Environment:
        """Build the Jinja environment with Kolba's globals, filters and registrations."""
        from .templating import create_environment

        return create_environment(self)

    def create_global_jinja_loader(self) -> t.Any:
        """The loader that looks in the app's templates, then each blueprint's."""
        from .templating import DispatchingJinjaLoader

        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Autoescape template strings and .html/.htm/.xml/.xhtml/.svg files."""
        return filename is None or filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Add context processors' values; values passed explicitly win over them."""
        frame = _get_frame(None)
        scopes: tuple[str, ...] = ()
        if frame is not None and frame[1] is not None:
            scopes = blueprint_scopes(frame[1]._matched_endpoint())
        given = dict(context)
        for processor in outer_first(self.template_context_processors, scopes):
            context.update(self.ensure_sync(processor)())
        context.update(given)

    def _register_template_item(self, kind: str, name: str | None, f: t.Callable[..., t.Any]) -> None:
        if "jinja_env" not in self.__dict__:
            self._template_registrations.append((kind, name, f))
            return
        from .templating import apply_registration

        apply_registration(self.jinja_env, kind, name, f)

    @setupmethod
    def template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]:
        """Decorate a Jinja filter, named ``name`` or after the function."""
        return registering_decorator(self.add_template_filter, name)

    @setupmethod
    def add_template_filter(self, f: ft.TemplateFilterCallable, name: str | None = None) -> None:
        """Register a Jinja filter."""
        self._register_template_item("filters", name, f)

    @setupmethod
    def template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]:
        """Decorate a Jinja test, named ``name`` or after the function."""
        return registering_decorator(self.add_template_test, name)

    @setupmethod
    def add_template_test(self, f: ft.TemplateTestCallable, name: str | None = None) -> None:
        """Register a Jinja test."""
        self._register_template_item("tests", name, f)

    @setupmethod
    def template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]:
        """Decorate a Jinja global, named ``name`` or after the function."""
        return registering_decorator(self.add_template_global, name)

    @setupmethod
    def add_template_global(self, f: ft.TemplateGlobalCallable, name: str | None = None) -> None:
        """Register a Jinja global."""
        self._register_template_item("globals", name, f)

    # -- CLI and shell --------------------------------------------------------------

    @setupmethod
    def shell_context_processor(self, f: T_shell_context_processor) -> T_shell_context_processor:
        """Add the dict ``f()`` returns to the names ``kolba shell`` starts with."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, t.Any]:
        """The namespace of ``kolba shell``: ``app``, ``g`` and the processors' names."""
        from .globals import g

        namespace: dict[str, t.Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            namespace.update(processor())
        return namespace

    @setupmethod
    def teardown_appcontext(self, f: T_teardown) -> T_teardown:
        """Run ``f(error)`` whenever an app context of this app ends."""
        self.teardown_appcontext_funcs.append(f)
        return f

    # -- serving: the ASGI door and the worker's life ---------------------------------

    @lazy_attribute
    def asgi(self) -> ASGIDoor:
        """The ASGI 3 application: ``uvicorn module:app.asgi``.

        The WSGI application is the app itself; both serve the same routes.
        """
        from .asgi import ASGIDoor

        return ASGIDoor(self)

    @setupmethod
    def before_serving(self, f: _Serving) -> _Serving:
        """Run ``f()`` (sync or async) once per worker, before it serves a request."""
        self.before_serving_funcs.append(f)
        return f

    @setupmethod
    def after_serving(self, f: _Serving) -> _Serving:
        """Run ``f()`` (sync or async) once per worker, after it served its last request."""
        self.after_serving_funcs.append(f)
        return f

    async def _run_serving_hooks(
        self,
        hooks: list[t.Callable[[], t.Any]],
        call: t.Callable[[t.Callable[[], t.Any]], t.Awaitable[t.Any]],
    ) -> None:
        with self.app_context():
            for hook in hooks:
                await call(hook)

    @contextlib.contextmanager
    def serving(self) -> t.Iterator[Kolba]:
        """Run the serving hooks around a block, for WSGI servers and tests.

        ASGI servers run them through the lifespan protocol; under WSGI, call
        this where a worker starts, e.g. in gunicorn's ``post_worker_init``
        hook, or wrap a test session in ``with app.serving():``.
        """
        self._run_hooks_now(self.before_serving_funcs)
        try:
            yield self
        finally:
            self._run_hooks_now(self.after_serving_funcs)

    def _run_hooks_now(self, hooks: list[t.Callable[[], t.Any]]) -> None:
        with self.app_context():
            for hook in hooks:
                self.ensure_sync(hook)()

    # -- blueprints -----------------------------------------------------------------

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Register a blueprint's routes, hooks and handlers on this app."""
        blueprint.register(self, options)

    def iter_blueprints(self) -> t.ValuesView[Blueprint]:
        """The registered blueprints, in registration order."""
        return self.blueprints.values()

    # -- routes ---------------------------------------------------------------------

    @setupmethod
    def add_url_rule(
        self, rule: str, endpoint: str | None = None, view_func: ft.RouteCallable | None = None,
        provide_automatic_options: bool | None = None, **options: t.Any,
    ) -> None:
        """Add a URL rule for ``endpoint``, served by ``view_func`` if given.

        Methods default to the view's ``methods`` attribute, else ``GET``;
        ``OPTIONS`` is answered automatically unless the rule lists it or
        automatic answers are turned off.
        """
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        methods, automatic = self._rule_methods(
            view_func, options.pop("methods", None), provide_automatic_options
        )
        api_route = None
        if options or getattr(view_func, "__annotations__", None) or hasattr(view_func, "view_class"):
            # Typed views (kolba.api): a cheap look first; the compiler loads only for typed views.
            from .api._detect import typed_route

            view_func, api_route = typed_route(rule, endpoint, view_func, options)
        new_rule = self.url_rule_class(rule, methods=methods, endpoint=endpoint, **options)
        new_rule.provide_automatic_options = automatic  # type: ignore[attr-defined]
        if api_route is not None:
            new_rule.api_route = api_route  # type: ignore[attr-defined]  # read by app.openapi()
        self.url_map.add(new_rule)
        if view_func is None:
            return
        current = self.view_functions.get(endpoint)
        if current is not None and current != view_func:
            raise AssertionError(
                "View function mapping is overwriting an existing endpoint"
                f" function: {endpoint}"
            )
        self.view_functions[endpoint] = view_func

    def _rule_methods(
        self, view_func: t.Any, methods: t.Any, automatic: bool | None
    ) -> tuple[set[str], bool]:
        """A rule's method set and whether OPTIONS is answered for it automatically."""
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for example:"
                ' @app.route(..., methods=["POST"])'
            )
        wanted = {method.upper() for method in methods}
        wanted.update(getattr(view_func, "required_methods", ()))
        if automatic is None:
            automatic = getattr(view_func, "provide_automatic_options", None)
        if automatic is None:
            automatic = "OPTIONS" not in wanted and bool(self.config["PROVIDE_AUTOMATIC_OPTIONS"])
            if automatic:
                wanted.add("OPTIONS")
        return wanted, automatic

    def openapi(self, **info: t.Any) -> dict[str, t.Any]:
        """The app's OpenAPI 3.1 document, from its routes and typed views (:mod:`kolba.api`)."""
        from .api.openapi import openapi_document

        return openapi_document(self, **info)

    def redirect(self, location: str, code: int = 302) -> Response:
        """A redirect response of this app's :attr:`response_class`."""
        return _werkzeug_redirect(location, code=code, Response=self.response_class)  # type: ignore[return-value]

    # -- contexts and testing --------------------------------------------------------

    def app_context(self) -> AppContext:
        """A context in which ``current_app`` and ``g`` work, e.g. in a script."""
        return AppContext(self)

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        """The context of one request; the serving core pushes it."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """A request context for a request described by ``EnvironBuilder`` arguments."""
        from .testing import EnvironBuilder

        with contextlib.closing(EnvironBuilder(self, *args, **kwargs)) as builder:
            environ = builder.get_environ()
        return self.request_context(environ)

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> KolbaClient:
        """A client that sends requests to this app in-process."""
        client_class = self.test_client_class
        if client_class is None:
            from .testing import KolbaClient as client_class
        assert client_class is not None
        return client_class(self, self.response_class, use_cookies=use_cookies, **kwargs)

    def test_cli_runner(self, **kwargs: t.Any) -> KolbaCliRunner:
        """A runner that invokes this app's CLI commands in-process."""
        runner_class = self.test_cli_runner_class
        if runner_class is None:
            from ._cli_runner import KolbaCliRunner as runner_class
        assert runner_class is not None
        return runner_class(self, **kwargs)

    # -- logging (here, so records say "in app" as Flask's do) ----------------------

    def log_exception(self, exc_info: t.Any) -> None:
        """Log an unhandled exception at ERROR level, naming the request it broke."""
        frame = _get_frame(None)
        if frame is None or frame[1] is None:
            self.logger.error("Exception outside of a request", exc_info=exc_info)
            return
        req = frame[1].request
        self.logger.error(f"Exception on {req.path} [{req.method}]", exc_info=exc_info)

    def _log_finalize_failure(self) -> None:
        self.logger.exception("Request finalizing failed with an error while handling an error")

    # -- async functions --------------------------------------------------------------

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """``func`` itself, or for an ``async def`` function a synchronous wrapper."""
        return self.async_to_sync(func) if is_coroutine_function(func) else func

    def async_to_sync(
        self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]
    ) -> t.Callable[..., t.Any]:
        """A synchronous function that runs ``func``'s coroutine to completion."""
        return _async_to_sync(func)

    # -- the development server -------------------------------------------------------

    def run(
        self, host: str | None = None, port: int | None = None, debug: bool | None = None,
        load_dotenv: bool = True, **options: t.Any,
    ) -> None:
        """Run the development server; never use it in production."""
        from .cli import run_app

        run_app(self, host=host, port=port, debug=debug, load_dotenv=load_dotenv, **options)
