"""Behaviour of the ``Kolba`` application object itself (Flask 3.1's ``Flask``)."""

from __future__ import annotations

import logging
import os
import sys
import types
from datetime import timedelta
from typing import Any, Callable, Iterable

import pytest
import werkzeug.routing
import werkzeug.wrappers

import kolba

HERE = os.path.dirname(os.path.abspath(__file__))

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

FLASK_DEFAULT_CONFIG: dict[str, Any] = {
    "DEBUG": False,
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


def make_app(**kwargs: Any) -> kolba.Kolba:
    """Build a fresh app rooted in the tests folder so paths are predictable."""
    kwargs.setdefault("root_path", HERE)
    return kolba.Kolba("kolba_test_app", **kwargs)


def call_wsgi(app: WSGIApp, path: str = "/", method: str = "GET") -> tuple[str, list[tuple[str, str]], bytes]:
    """Call a WSGI callable with a minimal environ and collect what it sends."""
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=path, method=method).get_environ()
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        seen["status"] = status
        seen["headers"] = headers
        return lambda data: None

    body_iter = app(environ, start_response)
    try:
        body = b"".join(body_iter)
    finally:
        close = getattr(body_iter, "close", None)
        if close is not None:
            close()
    return seen["status"], list(seen["headers"]), body


# --- constructor arguments and basic attributes ---------------------------------


def test_import_name_and_root_path() -> None:
    app = make_app()
    assert app.import_name == "kolba_test_app"
    assert app.root_path == HERE


def test_root_path_defaults_to_module_directory() -> None:
    app = kolba.Kolba(__name__)
    assert app.root_path == HERE


def test_static_defaults() -> None:
    app = make_app()
    assert app.static_url_path == "/static"
    assert app.static_folder == os.path.join(HERE, "static")
    assert app.has_static_folder is True


def test_static_rule_registered_by_default() -> None:
    app = make_app()
    rules = {r.endpoint: r for r in app.url_map.iter_rules()}
    assert set(rules) == {"static"}
    assert rules["static"].rule == "/static/<path:filename>"
    assert rules["static"].methods == {"GET", "HEAD", "OPTIONS"}
    assert "static" in app.view_functions


def test_custom_static_url_path_and_folder() -> None:
    app = make_app(static_url_path="/assets", static_folder="public")
    assert app.static_url_path == "/assets"
    assert app.static_folder == os.path.join(HERE, "public")
    rules = [r.rule for r in app.url_map.iter_rules()]
    assert rules == ["/assets/<path:filename>"]


def test_static_url_path_derived_from_folder_name() -> None:
    app = make_app(static_folder="public")
    assert app.static_url_path == "/public"


def test_static_url_path_trailing_slash_stripped() -> None:
    app = make_app(static_url_path="/assets/")
    assert app.static_url_path == "/assets"


def test_empty_static_url_path_serves_from_root() -> None:
    app = make_app(static_url_path="")
    assert app.static_url_path == ""
    assert [r.rule for r in app.url_map.iter_rules()] == ["/<path:filename>"]


def test_no_static_folder_means_no_static_route() -> None:
    app = make_app(static_folder=None)
    assert app.static_folder is None
    assert app.static_url_path is None
    assert app.has_static_folder is False
    assert list(app.url_map.iter_rules()) == []
    assert "static" not in app.view_functions


def test_static_host_requires_host_matching() -> None:
    with pytest.raises(AssertionError, match="Invalid static_host/host_matching combination"):
        make_app(static_host="static.example.com")
    with pytest.raises(AssertionError, match="Invalid static_host/host_matching combination"):
        make_app(host_matching=True)


def test_static_host_with_host_matching() -> None:
    app = make_app(static_host="static.example.com", host_matching=True)
    assert app.url_map.host_matching is True
    rule = next(iter(app.url_map.iter_rules()))
    assert rule.host == "static.example.com"


def test_host_matching_without_static_folder_is_allowed() -> None:
    app = make_app(host_matching=True, static_folder=None)
    assert app.url_map.host_matching is True


def test_host_matching_and_subdomain_matching_defaults() -> None:
    app = make_app()
    assert app.url_map.host_matching is False
    assert app.subdomain_matching is False
    app2 = make_app(subdomain_matching=True)
    assert app2.subdomain_matching is True


def test_template_folder() -> None:
    assert make_app().template_folder == "templates"
    assert make_app(template_folder="tpl").template_folder == "tpl"
    assert make_app(template_folder=None).template_folder is None


def test_instance_path_default_next_to_module() -> None:
    app = kolba.Kolba(__name__)
    assert app.instance_path == os.path.join(os.path.dirname(HERE), "instance")


def test_instance_path_absolute_is_kept(tmp_path: Any) -> None:
    app = make_app(instance_path=str(tmp_path))
    assert app.instance_path == str(tmp_path)


def test_instance_path_relative_raises() -> None:
    with pytest.raises(ValueError, match="If an instance path is provided it must be absolute"):
        make_app(instance_path="relative/instance")


def test_instance_relative_config_sets_config_root(tmp_path: Any) -> None:
    app = make_app(instance_path=str(tmp_path), instance_relative_config=True)
    assert app.config.root_path == str(tmp_path)
    app2 = make_app(instance_path=str(tmp_path))
    assert app2.config.root_path == HERE


def test_instance_relative_config_loads_from_instance(tmp_path: Any) -> None:
    (tmp_path / "settings.py").write_text("ANSWER = 42\nlower = 1\n")
    app = make_app(instance_path=str(tmp_path), instance_relative_config=True)
    app.config.from_pyfile("settings.py")
    assert app.config["ANSWER"] == 42
    assert "lower" not in app.config


# --- config ---------------------------------------------------------------------


def test_config_is_dict_subclass() -> None:
    app = make_app()
    assert isinstance(app.config, dict)
    assert isinstance(app.config, kolba.Config)
    assert type(app.config) is app.config_class


def test_config_full_default_key_set() -> None:
    app = make_app()
    assert set(app.config) == set(FLASK_DEFAULT_CONFIG)


def test_config_default_values() -> None:
    app = make_app()
    for key, value in FLASK_DEFAULT_CONFIG.items():
        assert app.config[key] == value, key
        assert type(app.config[key]) is type(value), key


def test_config_instances_are_independent() -> None:
    a = make_app()
    b = make_app()
    a.config["SERVER_NAME"] = "a.test"
    assert b.config["SERVER_NAME"] is None
    assert a.config is not b.config


def test_default_config_class_attribute() -> None:
    # DEBUG is None on the class and resolved (from KOLBA_DEBUG) into the
    # instance config, so a fresh app reports False.
    expected = dict(FLASK_DEFAULT_CONFIG, DEBUG=None)
    assert dict(kolba.Kolba.default_config) == expected


def test_config_update_and_from_mapping() -> None:
    app = make_app()
    app.config.from_mapping({"FOO": 1, "bar": 2}, BAZ=3)
    assert app.config["FOO"] == 1
    assert app.config["BAZ"] == 3
    assert "bar" not in app.config


def test_config_from_object() -> None:
    class Settings:
        ALPHA = "a"
        beta = "b"

    app = make_app()
    app.config.from_object(Settings)
    assert app.config["ALPHA"] == "a"
    assert "beta" not in app.config


def test_config_get_namespace() -> None:
    app = make_app()
    app.config.update(DB_HOST="h", DB_PORT=5, OTHER=1)
    assert app.config.get_namespace("DB_") == {"host": "h", "port": 5}


def test_config_repr() -> None:
    app = make_app()
    assert repr(app.config).startswith("<Config {")


def test_debug_reflects_config() -> None:
    app = make_app()
    assert app.debug is False
    app.config["DEBUG"] = True
    assert app.debug is True
    app.debug = False
    assert app.config["DEBUG"] is False


def test_testing_reflects_config() -> None:
    app = make_app()
    assert app.testing is False
    app.testing = True
    assert app.config["TESTING"] is True
    app.config["TESTING"] = False
    assert app.testing is False


def test_secret_key_reflects_config() -> None:
    app = make_app()
    assert app.secret_key is None
    app.secret_key = "s3cret"
    assert app.config["SECRET_KEY"] == "s3cret"
    app.config["SECRET_KEY"] = b"bytes"
    assert app.secret_key == b"bytes"


def test_permanent_session_lifetime_from_int() -> None:
    app = make_app()
    assert app.permanent_session_lifetime == timedelta(days=31)
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    assert app.permanent_session_lifetime == timedelta(seconds=60)


@pytest.mark.kolba_only
def test_kolba_debug_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOLBA_DEBUG", "1")
    assert make_app().debug is True
    monkeypatch.setenv("KOLBA_DEBUG", "0")
    assert make_app().debug is False


def test_fixture_app_is_testing(app: kolba.Kolba) -> None:
    assert app.testing is True
    assert app.secret_key == "test key"


# --- name, logger, extensions -----------------------------------------------------


def test_name_is_import_name() -> None:
    assert make_app().name == "kolba_test_app"


def test_name_for_main_uses_script_file(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = "/somewhere/my_script.py"
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    app = kolba.Kolba("__main__", root_path=HERE, instance_path=HERE)
    assert app.import_name == "__main__"
    assert app.name == "my_script"
    assert app.logger.name == "my_script"


def test_name_for_main_without_file(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_main = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    app = kolba.Kolba("__main__", root_path=HERE, instance_path=HERE)
    assert app.name == "__main__"


def test_logger() -> None:
    app = make_app()
    assert isinstance(app.logger, logging.Logger)
    assert app.logger.name == "kolba_test_app"
    assert app.logger is logging.getLogger("kolba_test_app")
    assert app.logger is app.logger


def test_logger_level_debug_when_app_debug() -> None:
    app = kolba.Kolba("kolba_test_debug_logger", root_path=HERE)
    app.debug = True
    logger = app.logger
    assert logger.level == logging.DEBUG
    logger.setLevel(logging.NOTSET)


def test_extensions_is_empty_dict() -> None:
    app = make_app()
    assert app.extensions == {}
    assert type(app.extensions) is dict
    app.extensions["mine"] = object()
    assert "mine" not in make_app().extensions


def test_blueprints_empty() -> None:
    assert make_app().blueprints == {}


def test_repr() -> None:
    app = make_app()
    assert repr(app) == f"<{type(app).__name__} 'kolba_test_app'>"


def test_url_build_error_handlers_and_teardown_lists() -> None:
    app = make_app()
    assert app.url_build_error_handlers == []
    assert app.teardown_appcontext_funcs == []
    assert app.shell_context_processors == []


# --- url_map and view_functions ---------------------------------------------------


def test_url_map_type_and_converters() -> None:
    app = make_app()
    assert type(app.url_map) is app.url_map_class
    conv = app.url_map.converters
    assert set(conv) == {"default", "string", "any", "path", "int", "float", "uuid"}
    assert conv["default"] is conv["string"]
    for name in conv:
        assert issubclass(conv[name], werkzeug.routing.BaseConverter)


def test_url_map_defaults() -> None:
    app = make_app()
    assert app.url_map.strict_slashes is True
    assert app.url_map.merge_slashes is True
    assert app.url_map.host_matching is False


def test_url_map_converters_per_app() -> None:
    class Two(werkzeug.routing.BaseConverter):
        pass

    a = make_app()
    a.url_map.converters["two"] = Two
    assert "two" not in make_app().url_map.converters


def test_iter_rules_lists_added_rules() -> None:
    app = make_app(static_folder=None)

    @app.route("/a")
    def a() -> str:
        return "a"

    @app.route("/b/<int:x>", methods=["POST"])
    def b(x: int) -> str:
        return "b"

    rules = list(app.url_map.iter_rules())
    assert [r.rule for r in rules] == ["/a", "/b/<int:x>"]
    assert [r.endpoint for r in rules] == ["a", "b"]
    assert rules[0].methods == {"GET", "HEAD", "OPTIONS"}
    assert rules[1].methods == {"POST", "OPTIONS"}
    assert [r.rule for r in app.url_map.iter_rules("b")] == ["/b/<int:x>"]
    assert rules[1].arguments == {"x"}


def test_view_functions_mapping() -> None:
    app = make_app(static_folder=None)
    assert app.view_functions == {}

    def index() -> str:
        return "i"

    app.add_url_rule("/", view_func=index)
    assert app.view_functions == {"index": index}


def test_url_map_strict_slashes_can_be_changed_before_routes() -> None:
    app = make_app()
    app.url_map.strict_slashes = False

    @app.route("/x/")
    def x() -> str:
        return "x"

    resp = app.test_client().get("/x")
    assert resp.status_code == 200
    assert resp.data == b"x"


# --- WSGI entry points --------------------------------------------------------------


def test_call_delegates_to_wsgi_app() -> None:
    app = make_app()

    @app.route("/")
    def index() -> str:
        return "hello"

    status, headers, body = call_wsgi(app)
    assert status == "200 OK"
    assert body == b"hello"
    assert ("Content-Type", "text/html; charset=utf-8") in headers


def test_wsgi_app_direct_call() -> None:
    app = make_app()

    @app.route("/")
    def index() -> str:
        return "direct"

    status, _, body = call_wsgi(app.wsgi_app)
    assert status == "200 OK"
    assert body == b"direct"


@pytest.mark.wsgi_only  # WSGI middleware wraps app.wsgi_app, which app.asgi does not call
def test_wsgi_app_wrappable_by_middleware() -> None:
    app = make_app()
    seen: list[str] = []

    @app.route("/p")
    def p() -> str:
        return "inner"

    inner = app.wsgi_app

    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        seen.append(environ["PATH_INFO"])
        environ["HTTP_X_FROM_MIDDLEWARE"] = "yes"

        def sr(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append(("X-Wrapped", "1"))
            return start_response(status, headers, exc_info)

        return inner(environ, sr)

    app.wsgi_app = middleware  # type: ignore[method-assign]

    @app.route("/h")
    def h() -> str:
        return kolba.request.headers["X-From-Middleware"]

    client = app.test_client()
    resp = client.get("/p")
    assert resp.data == b"inner"
    assert resp.headers["X-Wrapped"] == "1"
    resp = client.get("/h")
    assert resp.data == b"yes"
    assert seen == ["/p", "/h"]
    status, headers, body = call_wsgi(app, "/p")
    assert body == b"inner"
    assert ("X-Wrapped", "1") in headers
    assert seen == ["/p", "/h", "/p"]


@pytest.mark.wsgi_only  # as above
def test_middleware_added_after_requests_wraps_the_next_one() -> None:
    app = make_app()
    app.add_url_rule("/", "index", lambda: "inner")
    assert call_wsgi(app)[2] == b"inner"  # the lanes are decided now
    inner = app.wsgi_app
    seen: list[str] = []

    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    assert call_wsgi(app)[2] == b"inner"
    assert seen == ["/"]
    app.wsgi_app = inner  # type: ignore[method-assign]
    assert call_wsgi(app)[2] == b"inner"
    assert seen == ["/"]


def test_a_subclass_wsgi_app_serves_every_request() -> None:
    calls: list[str] = []

    class Counting(kolba.Kolba):
        def wsgi_app(self, environ: Any, start_response: StartResponse) -> Iterable[bytes]:
            calls.append(environ["PATH_INFO"])
            return super().wsgi_app(environ, start_response)

    app = Counting(__name__)
    app.add_url_rule("/", "index", lambda: "counted")
    for _ in range(2):
        assert call_wsgi(app)[2] == b"counted"
    assert calls == ["/", "/"]


def test_wsgi_response_iterable_close_called() -> None:
    app = make_app()
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Any:
            yield b"a"
            yield b"b"

        def close(self) -> None:
            closed.append(True)

    @app.route("/")
    def index() -> Any:
        return app.response_class(Body())

    _, _, body = call_wsgi(app)
    assert body == b"ab"
    assert closed == [True]


# --- request_class / response_class ---------------------------------------------------


def test_default_wrapper_classes() -> None:
    app = make_app()
    assert app.request_class is kolba.Request
    assert app.response_class is kolba.Response
    assert issubclass(kolba.Request, werkzeug.wrappers.Request)
    assert issubclass(kolba.Response, werkzeug.wrappers.Response)


def test_request_class_replaceable() -> None:
    class MyRequest(kolba.Request):
        @property
        def shout(self) -> str:
            return self.path.upper()

    app = make_app()
    app.request_class = MyRequest

    @app.route("/abc")
    def abc() -> str:
        assert type(kolba.request._get_current_object()) is MyRequest  # type: ignore[attr-defined]
        return kolba.request.shout  # type: ignore[attr-defined,no-any-return]

    resp = app.test_client().get("/abc")
    assert resp.data == b"/ABC"


def test_a_subclass_chooses_the_request_and_globals_classes() -> None:
    """Class attributes of an app's subclass decide both classes; one that
    computes a class in a property still works."""
    class MyRequest(kolba.Request):
        pass

    class MyGlobals(kolba.Kolba.app_ctx_globals_class):  # type: ignore[misc, name-defined]
        pass

    class App(kolba.Kolba):
        request_class = MyRequest
        app_ctx_globals_class = MyGlobals

    class Computed(kolba.Kolba):
        @property
        def request_class(self) -> type[kolba.Request]:  # type: ignore[override]
            return MyRequest

    for app in (App(__name__), Computed(__name__)):

        @app.route("/")
        def index() -> str:
            kolba.g.seen = True
            return f"{type(kolba.request._get_current_object()).__name__} {type(kolba.g._get_current_object()).__name__}"  # type: ignore[attr-defined]

        expected = "MyRequest MyGlobals" if type(app) is App else "MyRequest _AppCtxGlobals"
        assert app.test_client().get("/").text == expected
        if type(app) is App:  # an assignment on the app wins
            app.request_class = kolba.Request
            assert app.test_client().get("/").text.split()[0] == "Request"


def test_response_class_replaceable() -> None:
    class MyResponse(kolba.Response):
        default_mimetype = "text/plain"

    app = make_app()
    app.response_class = MyResponse
    kinds: list[type] = []

    @app.route("/")
    def index() -> str:
        return "plain"

    @app.after_request
    def after(resp: Any) -> Any:
        kinds.append(type(resp))
        return resp

    resp = app.test_client().get("/")
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert kinds == [MyResponse]


def test_response_class_used_without_hooks() -> None:
    class MyResponse(kolba.Response):
        default_mimetype = "text/plain"

    app = make_app()
    app.response_class = MyResponse

    @app.route("/")
    def index() -> str:
        return "plain"

    status, headers, body = call_wsgi(app)
    assert ("Content-Type", "text/plain; charset=utf-8") in headers
    assert body == b"plain"


def test_response_class_used_by_make_response() -> None:
    class MyResponse(kolba.Response):
        pass

    app = make_app()
    app.response_class = MyResponse
    with app.test_request_context():
        assert type(kolba.make_response("x")) is MyResponse
        assert type(app.make_response(b"x")) is MyResponse
        assert type(kolba.jsonify(a=1)) is MyResponse


def test_response_class_on_subclass_attribute() -> None:
    class MyResponse(kolba.Response):
        default_status = 201

    class MyApp(kolba.Kolba):
        response_class = MyResponse

    app = MyApp("kolba_test_sub", root_path=HERE)

    @app.route("/")
    def index() -> str:
        return "made"

    resp = app.test_client().get("/")
    assert resp.status_code == 201
    assert resp.data == b"made"


# --- setup finished ------------------------------------------------------------------


def test_add_url_rule_after_first_request_raises() -> None:
    app = make_app()

    @app.route("/")
    def index() -> str:
        return "x"

    assert app.test_client().get("/").status_code == 200
    with pytest.raises(AssertionError) as info:
        app.add_url_rule("/late", "late", lambda: "late")
    msg = str(info.value)
    assert "The setup method 'add_url_rule' can no longer be called on the application." in msg
    assert "It has already handled its first request" in msg


def test_route_decorator_after_first_request_raises() -> None:
    app = make_app()
    app.test_client().get("/nothing")
    with pytest.raises(AssertionError, match="The setup method 'route' can no longer"):

        @app.route("/late")
        def late() -> str:
            return "late"


def test_hook_registration_after_first_request_raises() -> None:
    app = make_app()
    app.test_client().get("/")
    with pytest.raises(AssertionError, match="The setup method 'before_request'"):
        app.before_request(lambda: None)
    with pytest.raises(AssertionError, match="The setup method 'errorhandler'"):
        app.errorhandler(404)(lambda e: "x")


def test_setup_before_first_request_allowed() -> None:
    app = make_app()
    with app.test_request_context("/"):
        pass
    app.add_url_rule("/ok", "ok", lambda: "ok")
    assert app.test_client().get("/ok").data == b"ok"


# --- contexts and misc ------------------------------------------------------------


def test_app_context_current_app() -> None:
    app = make_app()
    with app.app_context():
        assert kolba.current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert kolba.current_app.name == "kolba_test_app"


def test_test_client_class() -> None:
    app = make_app()
    client = app.test_client()
    assert isinstance(client, kolba.testing.KolbaClient)
    assert client.application is app


def test_make_config_instance_relative() -> None:
    app = make_app()
    conf = app.make_config(instance_relative=True)
    assert conf.root_path == app.instance_path
    assert conf["DEBUG"] is False


def test_jinja_env_globals_exist() -> None:
    app = make_app()
    assert "url_for" in app.jinja_env.globals
    assert app.jinja_env.globals["url_for"] == app.url_for


def test_json_provider() -> None:
    app = make_app()
    assert app.json.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
    assert app.json.loads('{"a": [1, 2]}') == {"a": [1, 2]}


def test_aborter() -> None:
    import werkzeug.exceptions

    app = make_app()
    with pytest.raises(werkzeug.exceptions.NotFound):
        app.aborter(404)
