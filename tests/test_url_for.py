"""URL building with ``url_for`` inside requests and app contexts."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.routing import BaseConverter, BuildError

import kolba


@pytest.fixture
def routes(app: kolba.Kolba) -> kolba.Kolba:
    """An app with a few typical routes to build URLs for."""

    @app.route("/")
    def index() -> str:
        return "index"

    @app.route("/user/<name>")
    def user(name: str) -> str:
        return name

    @app.route("/post/<int:year>/<slug>")
    def post(year: int, slug: str) -> str:
        return slug

    @app.route("/files/<path:p>")
    def files(p: str) -> str:
        return p

    @app.route("/thing", methods=["GET"])
    def thing_get() -> str:
        return "get"

    @app.route("/thing/new", methods=["POST"], endpoint="thing_get_post")
    def thing_post() -> str:
        return "post"

    return app


# --- inside a request --------------------------------------------------------------


def test_simple(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert kolba.url_for("index") == "/"
        assert kolba.url_for("user", name="ann") == "/user/ann"
        assert kolba.url_for("post", year=2024, slug="hi") == "/post/2024/hi"


def test_app_url_for_method(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert routes.url_for("user", name="bob") == "/user/bob"


def test_url_for_in_view(routes: kolba.Kolba) -> None:
    @routes.route("/where")
    def where() -> str:
        return kolba.url_for("user", name="x y")

    assert routes.test_client().get("/where").data == b"/user/x%20y"


def test_value_quoting(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        # "/" is in the safe set of the default converter's to_url.
        assert kolba.url_for("user", name="a/b") == "/user/a/b"
        assert kolba.url_for("user", name="ü") == "/user/%C3%BC"
        assert kolba.url_for("user", name="a?b#c") == "/user/a%3Fb%23c"
        assert kolba.url_for("files", p="a/b c/d") == "/files/a/b%20c/d"


def test_unknown_values_become_query_string(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert kolba.url_for("index", q="x y", page=2) == "/?q=x+y&page=2"
        assert kolba.url_for("user", name="a", tab="info") == "/user/a?tab=info"


def test_query_string_lists_and_none(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert kolba.url_for("index", tag=["a", "b"]) == "/?tag=a&tag=b"
        assert kolba.url_for("index", skip=None) == "/"
        assert kolba.url_for("index", amp="a&b=c") == "/?amp=a%26b%3Dc"
        assert kolba.url_for("index", u="é") == "/?u=%C3%A9"


def test_external(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert kolba.url_for("index", _external=True) == "http://localhost/"
        assert kolba.url_for("user", name="a", _external=True) == "http://localhost/user/a"


def test_external_uses_request_host_and_scheme(routes: kolba.Kolba) -> None:
    with routes.test_request_context(base_url="https://example.org:8443"):
        assert kolba.url_for("index", _external=True) == "https://example.org:8443/"
        assert kolba.url_for("index") == "/"


def test_external_false_inside_request(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert kolba.url_for("index", _external=False) == "/"


def test_anchor(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert kolba.url_for("index", _anchor="top") == "/#top"
        assert kolba.url_for("index", _anchor="a b") == "/#a%20b"
        assert kolba.url_for("index", _anchor="x?y=1&z/") == "/#x?y=1&z/"
        assert kolba.url_for("index", _anchor="ü") == "/#%C3%BC"
        assert kolba.url_for("index", _anchor="a#b") == "/#a#b"
        assert kolba.url_for("index", _anchor="a%20b") == "/#a%20b"
        assert kolba.url_for("index", q=1, _anchor="f") == "/?q=1#f"


def test_anchor_with_external(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert kolba.url_for("index", _anchor="x", _external=True) == "http://localhost/#x"


def test_method(app: kolba.Kolba) -> None:
    @app.route("/a", methods=["GET"], endpoint="ep")
    def a() -> str:
        return ""

    app.add_url_rule("/b", "ep", a, methods=["POST"])

    with app.test_request_context():
        assert kolba.url_for("ep") == "/a"
        assert kolba.url_for("ep", _method="GET") == "/a"
        assert kolba.url_for("ep", _method="POST") == "/b"
        with pytest.raises(BuildError):
            kolba.url_for("ep", _method="DELETE")


def test_scheme_with_external(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert kolba.url_for("index", _scheme="https", _external=True) == "https://localhost/"


def test_scheme_implies_external_inside_request(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        assert kolba.url_for("user", name="a", _scheme="https") == "https://localhost/user/a"


def test_scheme_without_external_raises(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        with pytest.raises(ValueError) as info:
            kolba.url_for("index", _scheme="https", _external=False)
    assert str(info.value) == "When specifying '_scheme', '_external' must be True."


def test_scheme_without_external_raises_in_app_context(routes: kolba.Kolba) -> None:
    routes.config["SERVER_NAME"] = "example.com"
    with routes.app_context():
        with pytest.raises(ValueError, match="When specifying '_scheme', '_external' must be True."):
            kolba.url_for("index", _scheme="https", _external=False)


def test_converter_to_url(routes: kolba.Kolba) -> None:
    class Upper(BaseConverter):
        def to_python(self, value: str) -> str:
            return value.lower()

        def to_url(self, value: str) -> str:
            return value.upper()

    routes.url_map.converters["upper"] = Upper

    @routes.route("/up/<upper:word>")
    def up(word: str) -> str:
        return word

    with routes.test_request_context():
        assert kolba.url_for("up", word="hello") == "/up/HELLO"
    assert routes.test_client().get("/up/ABC").data == b"abc"


def test_builtin_converters_to_url(app: kolba.Kolba) -> None:
    import uuid

    app.add_url_rule("/i/<int(fixed_digits=4):n>", "i", lambda n: "")
    app.add_url_rule("/f/<float:x>", "f", lambda x: "")
    app.add_url_rule("/u/<uuid:u>", "u", lambda u: "")
    app.add_url_rule("/a/<any(red, blue):c>", "a", lambda c: "")
    with app.test_request_context():
        assert kolba.url_for("i", n=42) == "/i/0042"
        assert kolba.url_for("f", x=1.5) == "/f/1.5"
        value = uuid.UUID("12345678-1234-5678-1234-567812345678")
        assert kolba.url_for("u", u=value) == "/u/12345678-1234-5678-1234-567812345678"
        assert kolba.url_for("a", c="red") == "/a/red"


def test_rule_defaults_pick_short_url(app: kolba.Kolba) -> None:
    @app.route("/page/", defaults={"page": 1})
    @app.route("/page/<int:page>")
    def pages(page: int) -> str:
        return ""

    with app.test_request_context():
        assert kolba.url_for("pages") == "/page/"
        assert kolba.url_for("pages", page=1) == "/page/"
        assert kolba.url_for("pages", page=2) == "/page/2"


def test_rule_defaults_not_in_path_omitted(app: kolba.Kolba) -> None:
    @app.route("/x", defaults={"flag": "on"})
    def x(flag: str) -> str:
        return ""

    with app.test_request_context():
        assert kolba.url_for("x") == "/x"
        assert kolba.url_for("x", flag="on") == "/x"
        with pytest.raises(BuildError):
            kolba.url_for("x", flag="off")


# --- BuildError ------------------------------------------------------------------------


def test_build_error_unknown_endpoint(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        with pytest.raises(BuildError) as info:
            kolba.url_for("nowhere")
    err = info.value
    assert err.endpoint == "nowhere"
    assert str(err).startswith("Could not build url for endpoint 'nowhere'.")


def test_build_error_suggests_similar_endpoint(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        with pytest.raises(BuildError) as info:
            kolba.url_for("indx")
    assert str(info.value) == (
        "Could not build url for endpoint 'indx'. Did you mean 'index' instead?"
    )


def test_build_error_missing_values(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        with pytest.raises(BuildError) as info:
            kolba.url_for("user")
    msg = str(info.value)
    assert msg == (
        "Could not build url for endpoint 'user'. Did you forget to specify values ['name']?"
    )
    assert info.value.values == {}


def test_build_error_missing_several_values(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        with pytest.raises(BuildError) as info:
            kolba.url_for("post", slug="x")
    assert "Did you forget to specify values ['year']?" in str(info.value)


def test_build_error_wrong_method(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        with pytest.raises(BuildError) as info:
            kolba.url_for("index", _method="POST")
    assert "Could not build url for endpoint 'index' ('POST')." in str(info.value)
    assert info.value.method == "POST"


def test_build_error_is_lookup_error(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        with pytest.raises(LookupError):
            kolba.url_for("nowhere")


def test_build_error_in_view_is_500(routes: kolba.Kolba) -> None:
    @routes.route("/bad")
    def bad() -> str:
        return kolba.url_for("nowhere")

    routes.testing = False
    resp = routes.test_client().get("/bad")
    assert resp.status_code == 500


def test_build_error_propagates_in_testing(routes: kolba.Kolba) -> None:
    @routes.route("/bad")
    def bad() -> str:
        return kolba.url_for("nowhere")

    with pytest.raises(BuildError):
        routes.test_client().get("/bad")


# --- url_build_error_handlers -------------------------------------------------------------


def test_url_build_error_handler_returns_url(routes: kolba.Kolba) -> None:
    calls: list[tuple[Any, str, dict[str, Any]]] = []

    def handler(error: Exception, endpoint: str, values: dict[str, Any]) -> str:
        calls.append((error, endpoint, dict(values)))
        return f"/fallback/{endpoint}"

    routes.url_build_error_handlers.append(handler)
    with routes.test_request_context():
        assert kolba.url_for("missing", a=1) == "/fallback/missing"
        assert kolba.url_for("index") == "/"
    assert len(calls) == 1
    error, endpoint, values = calls[0]
    assert isinstance(error, BuildError)
    assert endpoint == "missing"
    assert values == {
        "a": 1, "_anchor": None, "_method": None, "_scheme": None, "_external": False
    }


def test_url_build_error_handler_returning_none_skipped(routes: kolba.Kolba) -> None:
    order: list[str] = []

    def first(error: Exception, endpoint: str, values: dict[str, Any]) -> None:
        order.append("first")
        return None

    def second(error: Exception, endpoint: str, values: dict[str, Any]) -> str:
        order.append("second")
        return "/second"

    routes.url_build_error_handlers.extend([first, second])
    with routes.test_request_context():
        assert kolba.url_for("missing") == "/second"
    assert order == ["first", "second"]


def test_url_build_error_handler_all_none_reraises(routes: kolba.Kolba) -> None:
    routes.url_build_error_handlers.append(lambda e, ep, v: None)
    with routes.test_request_context():
        with pytest.raises(BuildError, match="Could not build url for endpoint 'missing'"):
            kolba.url_for("missing")


def test_url_build_error_handler_raising_build_error(routes: kolba.Kolba) -> None:
    def handler(error: Exception, endpoint: str, values: dict[str, Any]) -> str:
        raise BuildError("replacement", {}, None)

    routes.url_build_error_handlers.append(handler)
    with routes.test_request_context():
        with pytest.raises(BuildError) as info:
            kolba.url_for("missing")
    assert info.value.endpoint == "replacement"


# --- url_defaults / url_value_preprocessor --------------------------------------------


def test_url_defaults_hook(app: kolba.Kolba) -> None:
    @app.route("/<lang>/page")
    def page(lang: str) -> str:
        return lang

    seen: list[tuple[str, dict[str, Any]]] = []

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        seen.append((endpoint, dict(values)))
        values.setdefault("lang", "en")

    with app.test_request_context():
        assert kolba.url_for("page") == "/en/page"
        assert kolba.url_for("page", lang="fr") == "/fr/page"
    assert seen == [("page", {}), ("page", {"lang": "fr"})]


def test_url_value_preprocessor_hook(app: kolba.Kolba) -> None:
    seen: list[tuple[str | None, dict[str, Any] | None]] = []

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        seen.append((endpoint, dict(values) if values is not None else None))
        assert values is not None
        kolba.g.lang = values.pop("lang")

    @app.route("/<lang>/page")
    def page() -> str:
        return f"page in {kolba.g.lang}"

    resp = app.test_client().get("/de/page")
    assert resp.data == b"page in de"
    assert seen == [("page", {"lang": "de"})]


def test_url_defaults_and_preprocessor_roundtrip(app: kolba.Kolba) -> None:
    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        if "lang" in values or not kolba.g.get("lang"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = kolba.g.lang

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        kolba.g.lang = (values or {}).pop("lang", None)

    @app.route("/<lang>/")
    def home() -> str:
        return kolba.url_for("about")

    @app.route("/<lang>/about")
    def about() -> str:
        return "about"

    assert app.test_client().get("/pl/").data == b"/pl/about"


def test_inject_url_defaults(app: kolba.Kolba) -> None:
    @app.url_defaults
    def add(endpoint: str, values: dict[str, Any]) -> None:
        values["injected"] = endpoint

    values: dict[str, Any] = {"a": 1}
    app.inject_url_defaults("some_endpoint", values)
    assert values == {"a": 1, "injected": "some_endpoint"}


def test_url_default_functions_registry(app: kolba.Kolba) -> None:
    def add(endpoint: str, values: dict[str, Any]) -> None:
        pass

    assert app.url_defaults(add) is add
    assert app.url_default_functions == {None: [add]}


# --- app context / SERVER_NAME ---------------------------------------------------------


def test_app_context_without_server_name_raises(routes: kolba.Kolba) -> None:
    with routes.app_context():
        with pytest.raises(RuntimeError) as info:
            kolba.url_for("index")
    assert str(info.value) == (
        "Unable to build URLs outside an active request without 'SERVER_NAME'"
        " configured. Also configure 'APPLICATION_ROOT' and"
        " 'PREFERRED_URL_SCHEME' as needed."
    )


def test_app_url_for_without_any_context_raises(routes: kolba.Kolba) -> None:
    with pytest.raises(RuntimeError, match="Unable to build URLs outside an active request"):
        routes.url_for("index")


def test_helper_url_for_without_context_raises() -> None:
    with pytest.raises(RuntimeError, match="Working outside of application context."):
        kolba.url_for("index")


def test_app_context_with_server_name(routes: kolba.Kolba) -> None:
    routes.config["SERVER_NAME"] = "example.com"
    with routes.app_context():
        assert kolba.url_for("index") == "http://example.com/"
        assert kolba.url_for("user", name="a") == "http://example.com/user/a"
        assert kolba.url_for("user", name="a", _external=False) == "/user/a"
        assert kolba.url_for("index", _scheme="https") == "https://example.com/"


def test_app_url_for_without_context_with_server_name(routes: kolba.Kolba) -> None:
    routes.config["SERVER_NAME"] = "example.com:8080"
    assert routes.url_for("user", name="z") == "http://example.com:8080/user/z"


def test_app_context_application_root_and_scheme(routes: kolba.Kolba) -> None:
    routes.config.update(
        SERVER_NAME="example.com", APPLICATION_ROOT="/prefix", PREFERRED_URL_SCHEME="https"
    )
    with routes.app_context():
        assert kolba.url_for("index") == "https://example.com/prefix/"
        assert kolba.url_for("user", name="a", _external=False) == "/prefix/user/a"


def test_application_root_becomes_script_name_in_test_requests(routes: kolba.Kolba) -> None:
    # The test client and test_request_context mount the app at APPLICATION_ROOT.
    routes.config["APPLICATION_ROOT"] = "/prefix"
    with routes.test_request_context("/user/q"):
        assert kolba.request.script_root == "/prefix"
        assert kolba.request.url == "http://localhost/prefix/user/q"
        assert kolba.url_for("index") == "/prefix/"

    @routes.route("/where")
    def where() -> str:
        return f"{kolba.request.script_root} {kolba.request.path} {kolba.url_for('where')}"

    assert routes.test_client().get("/where").data == b"/prefix /where /prefix/where"


def test_application_root_ignored_for_real_requests(routes: kolba.Kolba) -> None:
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    routes.config["APPLICATION_ROOT"] = "/prefix"

    @routes.route("/where")
    def where() -> str:
        return f"[{kolba.request.script_root}] {kolba.url_for('where')}"

    environ = EnvironBuilder("/where").get_environ()
    body, status, _ = run_wsgi_app(routes, environ)
    assert status == "200 OK"
    assert b"".join(body) == b"[] /where"


def test_script_name_prefix_inside_request(routes: kolba.Kolba) -> None:
    with routes.test_request_context("/user/x", base_url="http://localhost/mount"):
        assert kolba.request.script_root == "/mount"
        assert kolba.url_for("user", name="y") == "/mount/user/y"
        assert kolba.url_for("index", _external=True) == "http://localhost/mount/"


def test_script_name_prefix_through_client(routes: kolba.Kolba) -> None:
    @routes.route("/link")
    def link() -> str:
        return kolba.url_for("user", name="n")

    resp = routes.test_client().get("/link", environ_overrides={"SCRIPT_NAME": "/app"})
    assert resp.data == b"/app/user/n"


def test_server_name_inside_request_uses_request_host(routes: kolba.Kolba) -> None:
    routes.config["SERVER_NAME"] = "example.com"
    with routes.test_request_context(base_url="http://example.com"):
        assert kolba.url_for("index", _external=True) == "http://example.com/"


def test_url_for_subdomain_in_app_context(app: kolba.Kolba) -> None:
    app.subdomain_matching = True
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/", subdomain="api")
    def api() -> str:
        return ""

    with app.app_context():
        assert kolba.url_for("api") == "http://api.example.com/"


def test_url_for_host_matching() -> None:
    app = kolba.Kolba("kolba_hm", host_matching=True, static_folder=None)

    @app.route("/x", host="other.test")
    def x() -> str:
        return ""

    with app.test_request_context("/", base_url="http://main.test"):
        assert kolba.url_for("x") == "http://other.test/x"


def test_url_for_jinja_global(routes: kolba.Kolba) -> None:
    with routes.test_request_context():
        tmpl = routes.jinja_env.from_string("{{ url_for('user', name='t') }}")
        assert tmpl.render() == "/user/t"


# --- blueprint-relative endpoints ------------------------------------------------------


class TestBlueprintRelative:
    """``.endpoint`` resolves against the current request's blueprint."""

    @pytest.fixture
    def bp_app(self, app: kolba.Kolba) -> kolba.Kolba:
        bp = kolba.Blueprint("bp", __name__, url_prefix="/bp")

        @bp.route("/")
        def index() -> str:
            return kolba.url_for(".other")

        @bp.route("/other")
        def other() -> str:
            return kolba.url_for(".index", _external=True)

        @app.route("/")
        def index_app() -> str:
            return kolba.url_for(".other")

        @app.route("/other")
        def other() -> str:  # noqa: F811
            return kolba.url_for("bp.other")

        app.register_blueprint(bp)
        return app

    def test_relative_in_blueprint_view(self, bp_app: kolba.Kolba) -> None:
        client = bp_app.test_client()
        assert client.get("/bp/").data == b"/bp/other"
        assert client.get("/bp/other").data == b"http://localhost/bp/"

    def test_relative_in_app_view(self, bp_app: kolba.Kolba) -> None:
        assert bp_app.test_client().get("/").data == b"/other"

    def test_absolute_blueprint_endpoint(self, bp_app: kolba.Kolba) -> None:
        assert bp_app.test_client().get("/other").data == b"/bp/other"
        with bp_app.test_request_context():
            assert kolba.url_for("bp.index") == "/bp/"
            assert kolba.url_for(".other") == "/other"

    def test_relative_from_test_request_context_in_blueprint(self, bp_app: kolba.Kolba) -> None:
        with bp_app.test_request_context("/bp/other"):
            assert kolba.request.blueprint == "bp"
            assert kolba.url_for(".index") == "/bp/"

    def test_nested_blueprints(self, app: kolba.Kolba) -> None:
        parent = kolba.Blueprint("parent", __name__, url_prefix="/p")
        child = kolba.Blueprint("child", __name__, url_prefix="/c")

        @child.route("/a")
        def a() -> str:
            return kolba.url_for(".b")

        @child.route("/b")
        def b() -> str:
            return "b"

        parent.register_blueprint(child)
        app.register_blueprint(parent)
        assert app.test_client().get("/p/c/a").data == b"/p/c/b"
        with app.test_request_context():
            assert kolba.url_for("parent.child.b") == "/p/c/b"

    def test_blueprint_url_defaults(self, app: kolba.Kolba) -> None:
        bp = kolba.Blueprint("lang", __name__, url_prefix="/<lang>")

        @bp.url_defaults
        def add_lang(endpoint: str, values: dict[str, Any]) -> None:
            values.setdefault("lang", "en")

        @bp.url_value_preprocessor
        def pull(endpoint: str | None, values: dict[str, Any] | None) -> None:
            kolba.g.lang = (values or {}).pop("lang")

        @bp.route("/home")
        def home() -> str:
            return f"{kolba.g.lang} {kolba.url_for('.home')}"

        app.register_blueprint(bp)
        assert app.test_client().get("/fr/home").data == b"fr /en/home"
        with app.test_request_context():
            assert kolba.url_for("lang.home") == "/en/home"
