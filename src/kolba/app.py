"""The :class:`Kolba` application object.

Its public methods are Flask's, step for step, so subclasses and extensions
that override or wrap them keep working.  ``wsgi_app`` adds a fast lane
beside them: when the app does not override those steps, a request runs
through per-endpoint plans prepared once, and a plain ``str``, ``bytes``,
``dict`` or ``list`` result is written without building a ``Response``.
"""

from __future__ import annotations

import os
import sys
import threading
import typing as t
import weakref
from datetime import timedelta
from itertools import chain
from types import ModuleType
from urllib.parse import quote as _url_quote

from werkzeug.exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
)
from werkzeug.routing import BuildError, RequestRedirect, RoutingException
from werkzeug.utils import redirect as _wz_redirect
from werkzeug.wrappers import Response as BaseResponse

from .config import Config, ConfigAttribute
from .ctx import AppContext, RequestContext, _AppCtxGlobals
from .globals import _cv_frame, request, request_ctx
from .helpers import _split_blueprint_path, get_debug_flag
from .json.provider import DefaultJSONProvider, JSONProvider
from .routing import Map, Rule
from .scaffold import (
    Scaffold,
    _endpoint_from_view_func,
    _HookList,
    find_package,
    registering_decorator,
    setupmethod,
)
from .wrappers import Request, Response, lazy_attribute

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from jinja2 import Environment
    from .routing import MapAdapter

    from .blueprints import Blueprint
    from .sessions import SessionInterface
    from ._cli_runner import KolbaCliRunner
    from .testing import KolbaClient

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])
_sentinel: t.Any = object()

#: Set by :mod:`kolba.signals` when it is imported; until then nobody can be
#: listening, so the request path sends no signals.
_signals_module: ModuleType | None = None

_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"
_JSON_CONTENT_TYPE = "application/json"
_HTML_CONTENT_TYPE = "text/html; charset=utf-8"


def _make_timedelta(value: timedelta | int | None) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=value)


def _blueprints_of(endpoint: str | None) -> list[str]:
    if endpoint is None or "." not in endpoint:
        return []
    return _split_blueprint_path(endpoint.rpartition(".")[0])


class _LazyTemplatingClass:
    """Class attribute that names ``kolba.templating.Environment`` on first read.

    Keeps Jinja2 out of ``import kolba`` while ``app.jinja_environment``
    still gives the real class, as in Flask.
    """

    def __get__(self, obj: object, owner: type | None = None) -> t.Any:
        from .templating import Environment

        return Environment


class _EndpointPlan:
    """What serving one endpoint needs, worked out once per endpoint.

    The hook chains are the ones ``preprocess_request`` and
    ``process_response`` would walk for this endpoint, in the same order,
    already passed through ``ensure_sync``.
    """

    __slots__ = ("func", "call", "url_preprocessors", "before", "after", "blueprints")

    def __init__(self, app: Kolba, endpoint: str | None) -> None:
        self.blueprints = _blueprints_of(endpoint)
        outer_first = (None, *reversed(self.blueprints))
        inner_first = (*self.blueprints, None)
        self.url_preprocessors = tuple(
            f for n in outer_first for f in app.url_value_preprocessors.get(n, ())
        )
        self.before = tuple(
            app.ensure_sync(f) for n in outer_first for f in app.before_request_funcs.get(n, ())
        )
        self.after = tuple(
            app.ensure_sync(f)
            for n in inner_first
            for f in reversed(app.after_request_funcs.get(n, ()))
        )
        self.func: t.Any = None
        self.call: t.Callable[..., t.Any] = _unset_view

    def view(self, app: Kolba, endpoint: str) -> t.Callable[..., t.Any]:
        """The callable for the endpoint, re-derived if the view was replaced."""
        func = app.view_functions[endpoint]
        if func is not self.func:
            self.func = func
            self.call = app.ensure_sync(func)
        return self.call

    def preprocess(self, ctx: RequestContext, endpoint: str | None) -> t.Any:
        """``preprocess_request`` for this endpoint."""
        if self.url_preprocessors:
            req = ctx._request
            view_args = ctx.view_args if req is None else req.view_args
            for url_func in self.url_preprocessors:
                url_func(endpoint, view_args)
        for before in self.before:
            rv = before()
            if rv is not None:
                return rv
        return None


def _unset_view(**kwargs: t.Any) -> t.Any:  # pragma: no cover - placeholder
    raise RuntimeError("view not resolved")


# Methods whose override by a subclass turns the fast lane off, because the
# fast lane would skip them.
_FAST_LANE_STEPS = (
    "full_dispatch_request",
    "dispatch_request",
    "preprocess_request",
    "process_response",
    "make_response",
    "finalize_request",
    "ensure_sync",
    "request_context",
    "raise_routing_exception",
)


class Kolba(Scaffold):
    """The application: a WSGI callable plus everything registered on it.

    ``Kolba(__name__)`` in the main module; the import name anchors the root
    path that templates, static files and resources are found relative to.
    """

    request_class: type[Request] = Request
    response_class: type[Response] = Response
    aborter_class = Aborter
    jinja_environment: t.Any = _LazyTemplatingClass()
    app_ctx_globals_class = _AppCtxGlobals
    config_class = Config
    url_rule_class = Rule
    url_map_class = Map
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    test_client_class: type[KolbaClient] | None = None
    test_cli_runner_class: type[KolbaCliRunner] | None = None
    jinja_options: dict[str, t.Any] = {}

    testing = ConfigAttribute[bool]("TESTING")
    secret_key = ConfigAttribute[t.Union[str, bytes, None]]("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME", get_converter=_make_timedelta  # type: ignore[arg-type]
    )

    default_config: dict[str, t.Any] = {
        "DEBUG": None,
        "TESTING": False,
        "PROPAGATE_EXCEPTIONS": None,
        "SECRET_KEY": None,
        "SECRET_KEY_FALLBACKS": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
        "USE_X_SENDFILE": False,
        "TRUSTED_HOSTS": None,
        "SERVER_NAME": None,
        "APPLICATION_ROOT": "/",
        "SESSION_COOKIE_NAME": "session",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_PATH": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_PARTITIONED": False,
        "SESSION_COOKIE_SAMESITE": None,
        "SESSION_REFRESH_EACH_REQUEST": True,
        "MAX_CONTENT_LENGTH": None,
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1_000,
        "SEND_FILE_MAX_AGE_DEFAULT": None,
        "TRAP_BAD_REQUEST_ERRORS": None,
        "TRAP_HTTP_EXCEPTIONS": False,
        "EXPLAIN_TEMPLATE_LOADING": False,
        "PREFERRED_URL_SCHEME": "http",
        "TEMPLATES_AUTO_RELOAD": None,
        "MAX_COOKIE_SIZE": 4093,
        "PROVIDE_AUTOMATIC_OPTIONS": True,
    }

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute."
                " A relative path was given instead."
            )
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        self.aborter = self.make_aborter()
        self.json: JSONProvider = self.json_provider_class(self)
        self.url_build_error_handlers: list[
            t.Callable[[Exception, str, dict[str, t.Any]], str]
        ] = []
        self.teardown_appcontext_funcs: list[t.Callable[[BaseException | None], None]] = (
            _HookList(self._setup_changed)
        )
        self.shell_context_processors: list[t.Callable[[], dict[str, t.Any]]] = []
        self.blueprints: dict[str, Blueprint] = {}
        self.extensions: dict[str, t.Any] = {}
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.subdomain_matching = subdomain_matching
        #: Whether the path alone decides a match (no host or subdomain part).
        self._fast_match_ok = not host_matching and not subdomain_matching
        self._lean_lane = False
        self._got_first_request = False
        self._plans: dict[str, _EndpointPlan] = {}
        self._fast_lane = False
        self._template_registrations: list[tuple[str, str | None, t.Callable[..., t.Any]]] = []
        # A subclass that sets ``session_interface`` as a class attribute gets
        # Flask's eager opening; the default interface is opened lazily.
        self._eager_session = not isinstance(
            getattr(type(self), "session_interface", None), property
        )
        if self.has_static_folder:
            assert bool(static_host) == host_matching, (
                "Invalid static_host/host_matching combination"
            )
            self_ref = weakref.ref(self)
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=lambda **kw: self_ref().send_static_file(**kw),  # type: ignore[union-attr]
            )

    # -- identity and configuration ------------------------------------------

    @lazy_attribute
    def name(self) -> str:
        """The app's name: the import name, or the script's name for __main__."""
        if self.import_name == "__main__":
            fn = getattr(sys.modules["__main__"], "__file__", None)
            if fn is None:
                return "__main__"
            return str(os.path.splitext(os.path.basename(fn))[0])
        return self.import_name

    @lazy_attribute
    def logger(self) -> t.Any:
        """A :mod:`logging` logger named after the app."""
        from .logging import create_logger

        return create_logger(self)

    @property
    def debug(self) -> bool:
        """Debug mode: the interactive debugger, reloading, detailed errors."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        if self.config["TEMPLATES_AUTO_RELOAD"] is None and "jinja_env" in self.__dict__:
            self.jinja_env.auto_reload = value

    def make_config(self, instance_relative: bool = False) -> Config:
        """Create the config, seeded with defaults and ``KOLBA_DEBUG``."""
        root_path = self.instance_path if instance_relative else self.root_path
        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        return self.config_class(root_path, defaults)

    def make_aborter(self) -> Aborter:
        """Create the object :func:`~kolba.abort` raises through."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """``instance`` beside the app, or ``<prefix>/var/<name>-instance`` if installed."""
        prefix, package_path = find_package(self.import_name)
        if prefix is None:
            return os.path.join(package_path, "instance")
        return os.path.join(prefix, "var", f"{self.name}-instance")

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.Any]:
        """Open a file relative to the instance folder; writing is allowed."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)  # noqa: SIM115
        return open(path, mode, encoding=encoding)  # noqa: SIM115

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called"
                " on the application. It has already handled its first"
                " request, any changes will not be applied"
                " consistently.\n"
                "Make sure all imports, decorators, functions, etc."
                " needed to set up the application are done before"
                " running it."
            )

    def _setup_changed(self) -> None:
        """Registration changed: drop cached plans and re-decide the lanes."""
        plans = self.__dict__.get("_plans")
        if plans is None:  # still inside __init__
            return
        plans.clear()
        if self._got_first_request:
            self._prepare_fast_lane()

    # -- sessions: the default interface is created on first use -------------

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
        # The default signed-cookie interface has no side effects when opened,
        # so it is opened only when a request touches ``session``; any other
        # interface is opened at push, as Flask does.
        self._eager_session = type(value) is not SecureCookieSessionInterface

    # -- templates --------------------------------------------------------------

    @lazy_attribute
    def jinja_env(self) -> Environment:
        """The Jinja environment, created the first time a template is used."""
        return self.create_jinja_environment()

    def create_jinja_environment(self) -> Environment:
        """Build the Jinja environment with Kolba's globals and filters."""
        from .templating import create_environment

        return create_environment(self)

    def create_global_jinja_loader(self) -> t.Any:
        """The loader that searches the app's, then blueprints', templates."""
        from .templating import DispatchingJinjaLoader

        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Autoescape strings and .html/.htm/.xml/.xhtml/.svg templates."""
        if filename is None:
            return True
        return filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Add context processors' values; explicit context values win."""
        names: t.Iterable[str | None] = (None,)
        frame = _cv_frame.get(None)
        if frame is not None and frame[1] is not None:
            names = chain(names, reversed(frame[1].request.blueprints))
        orig_ctx = context.copy()
        for name in names:
            for func in self.template_context_processors.get(name, ()):
                context.update(self.ensure_sync(func)())
        context.update(orig_ctx)

    def _register_template_item(
        self, kind: str, name: str | None, f: t.Callable[..., t.Any]
    ) -> None:
        if "jinja_env" in self.__dict__:
            from .templating import apply_registration

            apply_registration(self.jinja_env, kind, name, f)
        else:
            self._template_registrations.append((kind, name, f))

    @setupmethod
    def template_filter(self, name: str | None = None) -> t.Callable[[_F], _F]:
        """Register the decorated function as a Jinja filter."""

        return registering_decorator(self.add_template_filter, name)

    @setupmethod
    def add_template_filter(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Register a Jinja filter."""
        self._register_template_item("filters", name, f)

    @setupmethod
    def template_test(self, name: str | None = None) -> t.Callable[[_F], _F]:
        """Register the decorated function as a Jinja test."""

        return registering_decorator(self.add_template_test, name)

    @setupmethod
    def add_template_test(self, f: t.Callable[..., bool], name: str | None = None) -> None:
        """Register a Jinja test."""
        self._register_template_item("tests", name, f)

    @setupmethod
    def template_global(self, name: str | None = None) -> t.Callable[[_F], _F]:
        """Register the decorated function as a Jinja global."""

        return registering_decorator(self.add_template_global, name)

    @setupmethod
    def add_template_global(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Register a Jinja global."""
        self._register_template_item("globals", name, f)

    # -- CLI and shell -----------------------------------------------------------

    @setupmethod
    def shell_context_processor(self, f: _F) -> _F:
        """Add the dict ``f()`` returns to the ``kolba shell`` namespace."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, t.Any]:
        """The names ``kolba shell`` starts with."""
        from .globals import g

        rv: dict[str, t.Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            rv.update(processor())
        return rv

    @setupmethod
    def teardown_appcontext(self, f: _F) -> _F:
        """Run ``f(exc)`` when an app context pops."""
        self.teardown_appcontext_funcs.append(f)
        return f

    # -- blueprints -------------------------------------------------------------

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Attach a blueprint's routes, hooks and handlers to the app."""
        blueprint.register(self, options)

    def iter_blueprints(self) -> t.ValuesView[Blueprint]:
        """The registered blueprints, in registration order."""
        return self.blueprints.values()

    # -- routing ----------------------------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Connect a URL rule to an endpoint and, optionally, its view."""
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        options["endpoint"] = endpoint
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for"
                ' example: @app.route(..., methods=["POST"])'
            )
        methods = {item.upper() for item in methods}
        required_methods = set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(view_func, "provide_automatic_options", None)
        if provide_automatic_options is None:
            if "OPTIONS" not in methods and self.config["PROVIDE_AUTOMATIC_OPTIONS"]:
                provide_automatic_options = True
                required_methods.add("OPTIONS")
            else:
                provide_automatic_options = False
        methods |= required_methods
        rule_obj = self.url_rule_class(rule, methods=methods, **options)
        rule_obj.provide_automatic_options = provide_automatic_options  # type: ignore[attr-defined]
        self.url_map.add(rule_obj)
        if view_func is not None:
            old_func = self.view_functions.get(endpoint)
            if old_func is not None and old_func != view_func:
                raise AssertionError(
                    "View function mapping is overwriting an existing"
                    f" endpoint function: {endpoint}"
                )
            self.view_functions[endpoint] = view_func

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Bind the URL map to a request, or to SERVER_NAME outside one."""
        config = self.config
        if request is not None:
            trusted_hosts = config["TRUSTED_HOSTS"]
            if trusted_hosts is not None:
                request.trusted_hosts = trusted_hosts
                from werkzeug.sansio.utils import get_host

                request.host = get_host(
                    request.scheme,
                    request.headers.get("host"),
                    request.server,
                    trusted_hosts,
                )
            subdomain = None
            server_name = config["SERVER_NAME"]
            if self.url_map.host_matching:
                server_name = None
            elif not self.subdomain_matching:
                subdomain = self.url_map.default_subdomain or ""
            return self.url_map.bind_to_environ(
                request.environ, server_name=server_name, subdomain=subdomain
            )
        if config["SERVER_NAME"] is not None:
            return self.url_map.bind(
                config["SERVER_NAME"],
                script_name=config["APPLICATION_ROOT"],
                url_scheme=config["PREFERRED_URL_SCHEME"],
            )
        return None

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the routing error; in debug, explain a redirect that drops a body."""
        exc = request.routing_exception
        if (
            not self.debug
            or not isinstance(exc, RequestRedirect)
            or exc.code in {307, 308}
            or request.method in {"GET", "HEAD", "OPTIONS"}
        ):
            raise exc  # type: ignore[misc]
        from .debughelpers import FormDataRoutingRedirect

        raise FormDataRoutingRedirect(request)

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """Let ``url_defaults`` functions fill in values for ``url_for``."""
        names: t.Iterable[str | None] = (None,)
        if "." in endpoint:
            names = chain(names, reversed(_split_blueprint_path(endpoint.rpartition(".")[0])))
        for name in names:
            for func in self.url_default_functions.get(name, ()):
                func(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, t.Any]
    ) -> str:
        """Give ``url_build_error_handlers`` a chance before raising BuildError."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """Build the URL for an endpoint; see :func:`kolba.url_for`."""
        frame = _cv_frame.get(None)
        if frame is not None and frame[1] is not None:
            req_ctx = frame[1]
            url_adapter = req_ctx.url_adapter
            if endpoint[:1] == ".":
                blueprint_name = req_ctx.request.blueprint
                if blueprint_name is not None:
                    endpoint = f"{blueprint_name}{endpoint}"
                else:
                    endpoint = endpoint[1:]
            if _external is None:
                _external = _scheme is not None
        else:
            if frame is not None:
                url_adapter = frame[0].url_adapter
            else:
                url_adapter = self.create_url_adapter(None)
            if url_adapter is None:
                raise RuntimeError(
                    "Unable to build URLs outside an active request"
                    " without 'SERVER_NAME' configured. Also configure"
                    " 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as"
                    " needed."
                )
            if _external is None:
                _external = True
        if _scheme is not None and not _external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")
        self.inject_url_defaults(endpoint, values)
        try:
            rv = url_adapter.build(  # type: ignore[union-attr]
                endpoint,
                values,
                method=_method,
                url_scheme=_scheme,
                force_external=_external,
            )
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            rv = f"{rv}#{_url_quote(_anchor, safe=_ANCHOR_SAFE)}"
        return rv

    def redirect(self, location: str, code: int = 302) -> Response:
        """A redirect response of this app's response class."""
        return _wz_redirect(location, code=code, Response=self.response_class)  # type: ignore[return-value]

    # -- contexts ------------------------------------------------------------------

    def app_context(self) -> AppContext:
        """A context in which ``current_app`` and ``g`` work, e.g. in scripts."""
        return AppContext(self)

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        """The context for one request; ``wsgi_app`` pushes it."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """A request context for a request built from ``EnvironBuilder`` args."""
        from .testing import EnvironBuilder

        builder = EnvironBuilder(self, *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> KolbaClient:
        """A client that sends requests to the app without a server."""
        cls = self.test_client_class
        if cls is None:
            from .testing import KolbaClient

            cls = KolbaClient
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)

    def test_cli_runner(self, **kwargs: t.Any) -> KolbaCliRunner:
        """A runner that invokes the app's CLI commands in-process."""
        cls = self.test_cli_runner_class
        if cls is None:
            from ._cli_runner import KolbaCliRunner

            cls = KolbaCliRunner
        return cls(self, **kwargs)

    # -- sync/async --------------------------------------------------------------------

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Make ``async def`` functions callable from synchronous code."""
        if _is_coroutine_function(func):
            return self.async_to_sync(func)
        return func

    def async_to_sync(
        self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]
    ) -> t.Callable[..., t.Any]:
        """Run a coroutine function to completion on this thread's event loop."""
        from functools import wraps

        @wraps(func)
        def run(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return _run_coroutine(func(*args, **kwargs))

        return run

    # -- dispatching: Flask's public steps ----------------------------------------------

    def _send_signal(self, name: str, **kwargs: t.Any) -> None:
        module = _signals_module
        if module is None:
            return
        signal = getattr(module, name)
        if signal.receivers:
            signal.send(self, _async_wrapper=self.ensure_sync, **kwargs)

    def preprocess_request(self) -> t.Any:
        """Run URL value preprocessors and before-request hooks."""
        req = request._get_current_object()  # type: ignore[attr-defined]
        names = (None, *reversed(req.blueprints))
        for name in names:
            for url_func in self.url_value_preprocessors.get(name, ()):
                url_func(req.endpoint, req.view_args)
        for name in names:
            for before_func in self.before_request_funcs.get(name, ()):
                rv = self.ensure_sync(before_func)()
                if rv is not None:
                    return rv
        return None

    def dispatch_request(self) -> t.Any:
        """Call the matched view, or answer OPTIONS, or raise the routing error."""
        req = request_ctx.request
        if req.routing_exception is not None:
            self.raise_routing_exception(req)
        rule = t.cast(Rule, req.url_rule)
        if getattr(rule, "provide_automatic_options", False) and req.method == "OPTIONS":
            return self.make_default_options_response()
        view_args = t.cast("dict[str, t.Any]", req.view_args)
        return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)

    def full_dispatch_request(self) -> Response:
        """Hooks, view, error handling and response finishing for one request."""
        self._got_first_request = True
        try:
            self._send_signal("request_started")
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def finalize_request(self, rv: t.Any, from_error_handler: bool = False) -> Response:
        """Turn a view's value into the final response, running after hooks."""
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            self._send_signal("request_finished", response=response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception(
                "Request finalizing failed with an error while handling an error"
            )
        return response

    def make_default_options_response(self) -> Response:
        """An empty 200 whose Allow header lists the URL's methods."""
        adapter = request_ctx.url_adapter
        methods = adapter.allowed_methods()  # type: ignore[union-attr]
        rv = self.response_class()
        rv.allow.update(methods)
        return rv

    def make_response(self, rv: t.Any) -> Response:
        """Convert any value a view may return into a response object."""
        status = headers = None
        if isinstance(rv, tuple):
            rv, status, headers = _unpack_view_tuple(rv)
        if rv is None:
            raise TypeError(
                f"The view function for {request.endpoint!r} did not"
                " return a valid response. The function either returned"
                " None or ended without a return statement."
            )
        if not isinstance(rv, self.response_class):
            if isinstance(rv, (str, bytes, bytearray)) or isinstance(rv, t.Iterator):
                rv = self.response_class(rv, status=status, headers=headers)
                status = headers = None
            elif isinstance(rv, (dict, list)):
                rv = self.json.response(rv)
            elif isinstance(rv, BaseResponse) or callable(rv):
                try:
                    rv = self.response_class.force_type(rv, request.environ)
                except TypeError as e:
                    raise TypeError(
                        f"{e}\nThe view function did not return a valid"
                        " response. The return type must be a string,"
                        " dict, list, tuple with headers or status,"
                        " Response instance, or WSGI callable, but it"
                        f" was a {type(rv).__name__}."
                    ).with_traceback(sys.exc_info()[2]) from None
            else:
                raise TypeError(
                    "The view function did not return a valid"
                    " response. The return type must be a string,"
                    " dict, list, tuple with headers or status,"
                    " Response instance, or WSGI callable, but it was a"
                    f" {type(rv).__name__}."
                )
        if status is not None:
            if isinstance(status, (str, bytes, bytearray)):
                rv.status = status
            else:
                rv.status_code = status
        if headers:
            rv.headers.update(headers)
        return rv  # type: ignore[no-any-return]

    def process_response(self, response: Response) -> Response:
        """Run after-request callbacks and save the session."""
        ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
        for func in ctx._after_request_functions:
            response = self.ensure_sync(func)(response)
        for name in chain(_blueprints_of(_ctx_endpoint(ctx)), (None,)):
            for func in reversed(self.after_request_funcs.get(name, ())):
                response = self.ensure_sync(func)(response)
        self._save_session(ctx, response)
        return response

    def _save_session(self, ctx: RequestContext, response: Response) -> None:
        if ctx._session is None and not self._session_cookie_sent(ctx):
            return
        interface = self.session_interface
        session = ctx._open_session()
        if not interface.is_null_session(session):
            interface.save_session(self, session, response)

    def _session_cookie_sent(self, ctx: RequestContext) -> bool:
        """Whether an unopened session must still be opened to refresh it."""
        # perf: the substring test spares parsing cookies that cannot include it.
        if not self._may_carry_session(ctx.environ):
            return False
        return self.config["SESSION_COOKIE_NAME"] in ctx.request.cookies

    def do_teardown_request(self, exc: BaseException | None = _sentinel) -> None:
        """Run teardown callbacks for the request, innermost blueprint first."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        funcs = self.teardown_request_funcs
        if any(funcs.values()):
            frame = _cv_frame.get(None)
            endpoint = _ctx_endpoint(frame[1]) if frame is not None and frame[1] else None
            for name in chain(_blueprints_of(endpoint), (None,)):
                for func in reversed(funcs.get(name, ())):
                    self.ensure_sync(func)(exc)
        if _signals_module is not None:
            self._send_signal("request_tearing_down", exc=exc)

    def do_teardown_appcontext(self, exc: BaseException | None = _sentinel) -> None:
        """Run teardown_appcontext callbacks, last registered first."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        for func in reversed(self.teardown_appcontext_funcs):
            self.ensure_sync(func)(exc)
        if _signals_module is not None:
            self._send_signal("appcontext_tearing_down", exc=exc)

    # -- errors ---------------------------------------------------------------------------

    def _find_error_handler(
        self, e: Exception, blueprints: list[str]
    ) -> t.Callable[..., t.Any] | None:
        """The handler for ``e``: by code first, then by class MRO, innermost first."""
        exc_class, code = self._get_exc_class_and_code(type(e))
        names = (*blueprints, None)
        spec = self.error_handler_spec
        for c in (code, None) if code is not None else (None,):
            for name in names:
                handler_map = spec.get(name, {}).get(c)
                if not handler_map:
                    continue
                for cls in exc_class.__mro__:
                    handler = handler_map.get(cls)
                    if handler is not None:
                        return handler
        return None

    def trap_http_exception(self, e: Exception) -> bool:
        """Whether an HTTP exception should propagate like any other error."""
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None and self.debug and isinstance(e, BadRequestKeyError):
            return True
        if trap_bad_request:
            return isinstance(e, BadRequest)
        return False

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Whether teardown should see ``error``; never ignored by default."""
        return False

    def handle_http_exception(self, e: HTTPException) -> t.Any:
        """Pass an HTTP error to its handler, or return it as the response."""
        if e.code is None:
            return e
        if isinstance(e, RoutingException):
            return e
        handler = self._find_error_handler(e, request.blueprints)
        if handler is None:
            return e
        return self.ensure_sync(handler)(e)

    def handle_user_exception(self, e: Exception) -> t.Any:
        """Handle an error raised by a hook or view; re-raise if unhandled."""
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)
        handler = self._find_error_handler(e, request.blueprints)
        if handler is None:
            raise
        return self.ensure_sync(handler)(e)

    def handle_exception(self, e: Exception) -> Response:
        """Last resort for an unhandled error: propagate, or log and send a 500."""
        exc_info = sys.exc_info()
        self._send_signal("got_request_exception", exception=e)
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            if exc_info[1] is e:
                raise
            raise e
        self.log_exception(exc_info)
        server_error: t.Any = InternalServerError(original_exception=e)
        handler = self._find_error_handler(server_error, request.blueprints)
        if handler is not None:
            server_error = self.ensure_sync(handler)(server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def log_exception(self, exc_info: t.Any) -> None:
        """Log an unhandled exception with the request it happened in."""
        self.logger.error(f"Exception on {request.path} [{request.method}]", exc_info=exc_info)

    # -- WSGI -------------------------------------------------------------------------------

    def _prepare_fast_lane(self) -> None:
        """Decide once whether the fast lane may stand in for the public steps."""
        cls = type(self)
        overridden = _class_overrides(cls)
        self._fast_lane = (
            not any(step in overridden for step in _FAST_LANE_STEPS)
            and "handle_user_exception" not in self.__dict__
        )
        # The lean lane also skips the separate context pushes and the
        # teardown pass, so it needs an app with nothing to tear down.
        self._lean_lane = (
            self._fast_lane
            and not any(self.teardown_request_funcs.values())
            and not self.teardown_appcontext_funcs
            and "app_context" not in overridden
            and "do_teardown_request" not in overridden
            and "do_teardown_appcontext" not in overridden
        )
        self._fast_match_ok = not self.url_map.host_matching and not self.subdomain_matching

    def wsgi_app(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """The WSGI application; middleware may wrap it (``app.wsgi_app = mw(app.wsgi_app)``)."""
        if not self._got_first_request:
            self._prepare_fast_lane()
        if (
            self._lean_lane
            and _signals_module is None
            and not self._eager_session
            and "werkzeug.debug.preserve_context" not in environ
        ):
            return self._wsgi_lean(environ, start_response)
        ctx = self.request_context(environ)
        error: BaseException | None = None
        try:
            try:
                ctx.push()
                if self._fast_lane and not _lifecycle_listeners():
                    response = self._dispatch_fast(ctx, environ)
                else:
                    response = self.full_dispatch_request()
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except:  # noqa: E722 - record it for teardown, then let it go
                error = sys.exc_info()[1]
                raise
            return _emit(response, environ, start_response)
        finally:
            preserve = environ.get("werkzeug.debug.preserve_context")
            if preserve is not None:
                # The test client re-enters these after the request, so the
                # request stays inspectable inside ``with client:``.
                frame = _cv_frame.get(None)
                if frame is not None:
                    preserve(frame[0])
                    preserve(frame[1])
            if error is not None and self.should_ignore_error(error):
                error = None
            ctx.pop(error)

    def _wsgi_lean(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """``wsgi_app`` for an app with nothing to tear down and no signal receivers.

        Both contexts become current with a single ``ContextVar.set``;
        popping is a single ``reset``.  Observable behaviour is the same as
        the general path, which differs only in running teardown callbacks
        and signals that this app does not have.
        """
        frame = _cv_frame.get(None)
        if frame is not None and frame[0].app is self:
            app_ctx = frame[0]
        else:
            app_ctx = AppContext(self)
        ctx = RequestContext(self, environ)
        ctx._app_ctx = app_ctx
        # Recorded like a push, so a re-push by stream_with_context pops in order.
        ctx._tokens.append((_cv_frame.set((app_ctx, ctx)), None))
        error: BaseException | None = None
        try:
            try:
                ctx.match_request()
                response = self._dispatch_fast(ctx, environ)
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except:  # noqa: E722 - record it for teardown, then let it go
                error = sys.exc_info()[1]
                raise
            return _emit(response, environ, start_response)
        finally:
            if len(ctx._tokens) != 1:
                # Re-pushed (stream_with_context): the general pop keeps order.
                ctx.pop(error)
            else:
                request = ctx._request
                if request is not None:
                    # perf: Werkzeug's close() only closes uploaded files.
                    if "files" in request.__dict__ or type(request).close is not _werkzeug_close:
                        request.close()
                    environ["werkzeug.request"] = None
                _cv_frame.reset(ctx._tokens.pop()[0])

    def _dispatch_fast(self, ctx: RequestContext, environ: WSGIEnvironment) -> t.Any:
        """``full_dispatch_request`` with per-endpoint plans and direct output.

        Returns either a response object or ``(status, headers, body)`` ready
        for ``start_response``.
        """
        self._got_first_request = True
        plan = None
        try:
            req = ctx._request
            rule = ctx.url_rule if req is None else req.url_rule
            endpoint = None if rule is None else rule.endpoint
            plan = self._plans.get(endpoint)  # type: ignore[arg-type]
            if plan is None:
                plan = self._plans[endpoint] = _EndpointPlan(self, endpoint)  # type: ignore[index]
            if plan.before or plan.url_preprocessors:
                rv = plan.preprocess(ctx, endpoint)
            else:
                rv = None
            if rv is None:
                if rule is None or ctx.routing_exception is not None:
                    self._raise_routing_error(ctx)
                method = environ.get("REQUEST_METHOD", "GET").upper()
                if method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
                    rv = self.make_default_options_response()
                else:
                    req = ctx._request
                    args = ctx.view_args if req is None else req.view_args
                    view = plan.call
                    if self.view_functions[endpoint] is not plan.func:  # type: ignore[index]
                        view = plan.view(self, endpoint)  # type: ignore[arg-type]
                    rv = view(**args)  # type: ignore[arg-type]
        except HTTPException as e:
            if plan is not None:
                response = self._unhandled_http_error(ctx, plan, e, environ)
                if response is not None:
                    return response
            return self.finalize_request(self.handle_user_exception(e))
        except Exception as e:
            return self.finalize_request(self.handle_user_exception(e))
        if not plan.after and not ctx._after_request_functions and ctx._session is None:
            cookie = environ.get("HTTP_COOKIE")
            if not cookie or self.config["SESSION_COOKIE_NAME"] not in cookie:
                direct = self._direct_output(rv, environ)
                if direct is not None:
                    return direct
                # Nothing would change the response: process_response is a no-op.
                return self.make_response(rv)
        # finalize_request's steps, with this endpoint's after hooks from the plan.
        response = self.make_response(rv)
        for func in ctx._after_request_functions:
            response = self.ensure_sync(func)(response)
        for after in plan.after:
            response = after(response)
        self._save_session(ctx, response)
        return response

    def _raise_routing_error(self, ctx: RequestContext) -> t.NoReturn:
        """``raise_routing_exception`` without building the request when not needed."""
        req = ctx._request
        exc = ctx.routing_exception if req is None else req.routing_exception
        if exc is not None and not (self.debug and isinstance(exc, RequestRedirect)):
            raise exc
        self.raise_routing_exception(ctx.request)

    def _unhandled_http_error(
        self,
        ctx: RequestContext,
        plan: _EndpointPlan,
        e: HTTPException,
        environ: WSGIEnvironment,
    ) -> Response | None:
        """Werkzeug's error page for ``e`` when nothing would handle or change it.

        The general path reaches the same response through
        ``handle_user_exception`` and ``force_type``, which runs the error as
        a WSGI app; this renders it once.  None means "take the general path".
        """
        if (
            e.code is None
            or e.response is not None
            or isinstance(e, (RoutingException, BadRequestKeyError))
            or plan.after
            or ctx._after_request_functions
            or ctx._session is not None
            or self.response_class is not Response
            or self.trap_http_exception(e)
            or self._may_carry_session(environ)
            or self._find_error_handler(e, plan.blueprints) is not None
        ):
            return None
        page = _stock_error_page(e)
        if page is not None:
            status, body = page
            headers = [("Content-Type", _HTML_CONTENT_TYPE), ("Content-Length", str(len(body)))]
            if environ.get("REQUEST_METHOD") == "HEAD":
                return (status, headers, [])  # type: ignore[return-value]
            return (status, headers, [body])  # type: ignore[return-value]
        response = e.get_response(environ)
        if type(response) is not BaseResponse:
            return None
        response.__class__ = Response
        return response  # type: ignore[return-value]

    def _may_carry_session(self, environ: WSGIEnvironment) -> bool:
        """A cheap over-approximation of "the request sent a session cookie"."""
        cookie = environ.get("HTTP_COOKIE")
        if not cookie:
            return False
        return self.config["SESSION_COOKIE_NAME"] in cookie

    def _direct_output(self, rv: t.Any, environ: WSGIEnvironment) -> t.Any:
        """``(status, headers, body)`` for a plain value, or None if it needs a Response."""
        if self.response_class is not Response:
            return None
        kind = type(rv)
        if kind is str:
            body = rv.encode()
            content_type = _HTML_CONTENT_TYPE
        elif kind is bytes:
            body = rv
            content_type = _HTML_CONTENT_TYPE
        elif kind is dict or kind is list:
            provider = self.json
            if provider.fast_response_mimetype() != _JSON_CONTENT_TYPE:
                return None
            body = provider.dumps_for_response(rv).encode()
            content_type = _JSON_CONTENT_TYPE
        else:
            return None
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        if environ.get("REQUEST_METHOD") == "HEAD":
            return ("200 OK", headers, [])
        return ("200 OK", headers, [body])

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """Serve one WSGI request through :meth:`wsgi_app`, which middleware may wrap."""
        return self.wsgi_app(environ, start_response)

    # -- the development server ---------------------------------------------------------------

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: t.Any,
    ) -> None:
        """Run the development server; not for production use."""
        from .cli import run_app

        run_app(self, host=host, port=port, debug=debug, load_dotenv=load_dotenv, **options)


_werkzeug_close = Request.close

_stock_pages: dict[tuple[type[HTTPException], int], tuple[str, bytes]] = {}


def _stock_error_page(e: HTTPException) -> tuple[str, bytes] | None:
    """``(status, body)`` of Werkzeug's page for an error left as its class made it.

    Only errors that render with HTTPException's own methods and carry
    their class's default description qualify, so the cache holds at most one
    entry per exception class.
    """
    cls = type(e)
    if (
        e.description is not cls.description
        or cls.get_body is not HTTPException.get_body
        or cls.get_headers is not HTTPException.get_headers
        or cls.get_description is not HTTPException.get_description
    ):
        return None
    key = (cls, t.cast(int, e.code))
    page = _stock_pages.get(key)
    if page is None:
        response = e.get_response()
        page = _stock_pages[key] = (response.status, response.get_data())
    return page


def _emit(
    result: t.Any, environ: WSGIEnvironment, start_response: StartResponse
) -> t.Iterable[bytes]:
    """Send a dispatch result: a response object, or ``(status, headers, body)``."""
    if type(result) is tuple:
        start_response(result[0], result[1])
        return result[2]  # type: ignore[no-any-return]
    return result(environ, start_response)  # type: ignore[no-any-return]


def _lifecycle_listeners() -> bool:
    """Whether anyone listens to the signals the fast lane does not send."""
    module = _signals_module
    if module is None:
        return False
    return bool(module.request_started.receivers or module.request_finished.receivers)


def _ctx_endpoint(ctx: RequestContext) -> str | None:
    req = ctx._request
    rule = ctx.url_rule if req is None else req.url_rule
    return None if rule is None else rule.endpoint


def _class_overrides(cls: type) -> set[str]:
    """Names defined by subclasses of :class:`Kolba` between ``cls`` and Kolba."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass is Kolba:
            break
        names.update(vars(klass))
    return names


def _unpack_view_tuple(rv: tuple[t.Any, ...]) -> tuple[t.Any, t.Any, t.Any]:
    from werkzeug.datastructures import Headers

    if len(rv) == 3:
        return rv
    if len(rv) == 2:
        if isinstance(rv[1], (Headers, dict, tuple, list)):
            return rv[0], None, rv[1]
        return rv[0], rv[1], None
    raise TypeError(
        "The view function did not return a valid response tuple."
        " The tuple must have the form (body, status, headers),"
        " (body, status), or (body, headers)."
    )


def _is_coroutine_function(func: t.Callable[..., t.Any]) -> bool:
    """``inspect.iscoroutinefunction`` without importing inspect up front."""
    code = getattr(func, "__code__", None)
    if (
        code is not None
        and not code.co_flags & _CO_COROUTINE
        and not hasattr(func, "_is_coroutine_marker")
    ):
        return False  # perf: plain functions, the usual case, answer here
    import inspect

    return inspect.iscoroutinefunction(func)


_CO_COROUTINE = 0x80


class _LoopHolder:
    """Owns one thread's event loop and closes it when the thread goes away."""

    def __init__(self) -> None:
        import asyncio

        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        try:
            if not self.loop.is_closed():
                self.loop.close()
        except Exception:  # noqa: BLE001 - at interpreter exit asyncio may be torn down
            pass


# One loop per thread for running async views from WSGI: reusing it saves
# creating a loop per call, and the holder closes it with the thread.
_thread_state = threading.local()


def _run_coroutine(coro: t.Coroutine[t.Any, t.Any, t.Any]) -> t.Any:
    """Run a coroutine from synchronous code on a loop kept per thread."""
    holder = getattr(_thread_state, "holder", None)
    if holder is None or holder.loop.is_closed():
        holder = _thread_state.holder = _LoopHolder()
    loop = holder.loop
    return loop.run_until_complete(coro)

