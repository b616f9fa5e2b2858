"""Blueprints: registration, prefixes, nesting, scoped and app-wide hooks, CLI."""

from __future__ import annotations

import os
from typing import Any

import click
import pytest
from werkzeug.exceptions import NotFound

import kolba
from kolba import Blueprint, Kolba, g, render_template_string, request, url_for

HERE = os.path.dirname(os.path.abspath(__file__))

SETUP_TAIL = (
    "It has already been registered at least once, any changes will not be"
    " applied consistently."
)


def make_app(**kwargs: Any) -> Kolba:
    app = Kolba("bp_app", root_path=HERE, **kwargs)
    app.config.update(TESTING=True, SECRET_KEY="bp key")
    return app


def rules(app: Kolba) -> dict[str, str]:
    return {r.endpoint: r.rule for r in app.url_map.iter_rules()}


# -- construction ----------------------------------------------------------------


def test_constructor_stores_arguments() -> None:
    bp = Blueprint(
        "shop",
        __name__,
        static_folder="bp_static",
        static_url_path="/shop-assets",
        template_folder="tmpl",
        url_prefix="/shop",
        subdomain="store",
        url_defaults={"lang": "en"},
    )
    assert bp.name == "shop"
    assert bp.import_name == __name__
    assert bp.url_prefix == "/shop"
    assert bp.subdomain == "store"
    assert bp.url_values_defaults == {"lang": "en"}
    assert bp.root_path == HERE
    assert bp.static_folder == os.path.join(HERE, "bp_static")
    assert bp.static_url_path == "/shop-assets"
    assert bp.template_folder == "tmpl"
    assert bp.has_static_folder is True


def test_defaults_without_optional_arguments() -> None:
    bp = Blueprint("plain", __name__)
    assert bp.url_prefix is None
    assert bp.subdomain is None
    assert bp.url_values_defaults == {}
    assert bp.static_folder is None
    assert bp.static_url_path is None
    assert bp.has_static_folder is False
    assert bp.template_folder is None


def test_explicit_root_path(tmp_path: Any) -> None:
    bp = Blueprint("rooted", __name__, root_path=str(tmp_path), static_folder="files")
    assert bp.root_path == str(tmp_path)
    assert bp.static_folder == os.path.join(str(tmp_path), "files")


def test_static_url_path_defaults_to_folder_name() -> None:
    bp = Blueprint("s", __name__, static_folder="bp_static")
    assert bp.static_url_path == "/bp_static"


def test_name_with_dot_rejected() -> None:
    with pytest.raises(ValueError) as exc:
        Blueprint("a.b", __name__)
    assert str(exc.value) == "'name' may not contain a dot '.' character."


def test_empty_name_rejected() -> None:
    with pytest.raises(ValueError) as exc:
        Blueprint("", __name__)
    assert str(exc.value) == "'name' may not be empty."


def test_endpoint_with_dot_rejected() -> None:
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError) as exc:
        bp.add_url_rule("/", "a.b", lambda: "")
    assert str(exc.value) == "'endpoint' may not contain a dot '.' character."
    with pytest.raises(ValueError) as exc2:
        bp.route("/", endpoint="x.y")(lambda: "")
    assert str(exc2.value) == "'endpoint' may not contain a dot '.' character."


def test_view_function_name_with_dot_rejected() -> None:
    bp = Blueprint("bp", __name__)

    def view() -> str:
        return ""

    view.__name__ = "dotted.name"
    with pytest.raises(ValueError) as exc:
        bp.add_url_rule("/", view_func=view)
    assert str(exc.value) == "'view_func' name may not contain a dot '.' character."
    with pytest.raises(ValueError):
        bp.route("/")(view)


# -- routes and prefixes ---------------------------------------------------------


def test_routes_without_prefix(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__)

    @bp.route("/hello")
    def hello() -> str:
        return f"{request.endpoint}|{request.blueprint}"

    app.register_blueprint(bp)
    assert rules(app)["bp.hello"] == "/hello"
    assert client.get("/hello").data == b"bp.hello|bp"


@pytest.mark.parametrize(
    ("prefix", "rule", "expected"),
    [
        ("/pre", "/x", "/pre/x"),
        ("/pre/", "/x", "/pre/x"),
        ("/pre", "x", "/pre/x"),
        ("/pre/", "x", "/pre/x"),
        ("/pre", "/", "/pre/"),
        ("/pre", "", "/pre"),
        ("/a/b", "/c/d", "/a/b/c/d"),
    ],
)
def test_prefix_joins(prefix: str, rule: str, expected: str) -> None:
    app = make_app()
    bp = Blueprint("bp", __name__, url_prefix=prefix)
    bp.add_url_rule(rule, "view", lambda: "joined")
    app.register_blueprint(bp)
    assert rules(app)["bp.view"] == expected
    assert app.test_client().get(expected).data == b"joined"


def test_register_url_prefix_overrides_blueprint_prefix(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/own")

    @bp.route("/x")
    def x() -> str:
        return request.path

    app.register_blueprint(bp, url_prefix="/over")
    assert client.get("/over/x").data == b"/over/x"
    assert client.get("/own/x").status_code == 404


def test_register_empty_url_prefix_overrides_blueprint_prefix(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/own")

    @bp.route("/x")
    def x() -> str:
        return request.path

    app.register_blueprint(bp, url_prefix="")
    assert rules(app)["bp.x"] == "/x"
    assert client.get("/x").data == b"/x"


def test_blueprint_url_defaults_passed_to_view(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp", url_defaults={"lang": "en"})

    @bp.route("/page")
    def page(lang: str) -> str:
        return lang

    @bp.route("/other", defaults={"lang": "de"})
    def other(lang: str) -> str:
        return lang

    app.register_blueprint(bp)
    assert client.get("/bp/page").data == b"en"
    assert client.get("/bp/other").data == b"de"


def test_register_url_defaults_merge_over_blueprint_defaults(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__, url_defaults={"lang": "en", "page": 1})

    @bp.route("/p")
    def p(lang: str, page: int) -> str:
        return f"{lang}-{page}"

    app.register_blueprint(bp, url_defaults={"lang": "fr"})
    assert client.get("/p").data == b"fr-1"


def test_register_with_name_changes_endpoints(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__)

    @bp.route("/v")
    def v() -> str:
        return f"{request.blueprint} {url_for('.v')}"

    app.register_blueprint(bp, name="alias", url_prefix="/al")
    assert "alias.v" in app.view_functions
    assert "bp.v" not in app.view_functions
    assert app.blueprints == {"alias": bp}
    assert client.get("/al/v").data == b"alias /al/v"


def test_register_same_blueprint_twice_under_different_names(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__)

    @bp.route("/where")
    def where() -> str:
        return f"{request.blueprint}:{url_for('.where')}"

    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, url_prefix="/two", name="second")
    assert client.get("/one/where").data == b"bp:/one/where"
    assert client.get("/two/where").data == b"second:/two/where"
    with app.test_request_context():
        assert url_for("bp.where") == "/one/where"
        assert url_for("second.where") == "/two/where"
    assert app.blueprints["bp"] is bp
    assert app.blueprints["second"] is bp


def test_register_same_name_twice_raises(app: Kolba) -> None:
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    with pytest.raises(ValueError) as exc:
        app.register_blueprint(bp)
    assert str(exc.value) == (
        "The name 'bp' is already registered for this blueprint."
        " Use 'name=' to provide a unique name."
    )


def test_register_different_blueprint_same_name_raises(app: Kolba) -> None:
    app.register_blueprint(Blueprint("bp", __name__))
    with pytest.raises(ValueError) as exc:
        app.register_blueprint(Blueprint("bp", __name__))
    assert str(exc.value) == (
        "The name 'bp' is already registered for a different blueprint."
        " Use 'name=' to provide a unique name."
    )


def test_nested_same_name_twice_message_names_the_full_path(app: Kolba) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)
    parent.register_blueprint(child)
    parent.register_blueprint(child)
    with pytest.raises(ValueError) as exc:
        app.register_blueprint(parent)
    assert str(exc.value) == (
        "The name 'child' is already registered for this blueprint"
        " 'parent.child'. Use 'name=' to provide a unique name."
    )


def test_register_blueprint_on_itself_raises() -> None:
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError) as exc:
        bp.register_blueprint(bp)
    assert str(exc.value) == "Cannot register a blueprint on itself"


@pytest.mark.parametrize(
    "method", ["route", "add_url_rule", "before_request", "errorhandler", "record", "url_defaults"]
)
def test_setup_method_after_registration_raises(app: Kolba, method: str) -> None:
    bp = Blueprint("late", __name__)
    app.register_blueprint(bp)
    with pytest.raises(AssertionError) as exc:
        if method == "route":
            bp.route("/late")(lambda: "")
        elif method == "add_url_rule":
            bp.add_url_rule("/late", "late", lambda: "")
        elif method == "errorhandler":
            bp.errorhandler(404)(lambda e: "")
        else:
            getattr(bp, method)(lambda *a: None)
    first_line = str(exc.value).splitlines()[0]
    assert first_line == (
        f"The setup method '{method}' can no longer be called on the blueprint 'late'. "
        + SETUP_TAIL
    )


def test_setup_methods_allowed_before_registration(app: Kolba, client: Any) -> None:
    bp = Blueprint("early", __name__)
    bp.route("/a")(lambda: "a")
    bp.before_request(lambda: None)
    app.register_blueprint(bp)
    assert client.get("/a").data == b"a"


def test_blueprint_registered_on_two_apps() -> None:
    bp = Blueprint("shared", __name__)

    @bp.route("/s")
    def s() -> str:
        return kolba.current_app.name

    first = Kolba("first_app", root_path=HERE)
    second = Kolba("second_app", root_path=HERE)
    first.register_blueprint(bp)
    second.register_blueprint(bp)
    assert first.test_client().get("/s").data == b"first_app"
    assert second.test_client().get("/s").data == b"second_app"


def test_app_view_has_no_blueprint(app: Kolba, client: Any) -> None:
    @app.route("/plain")
    def plain() -> str:
        return f"{request.blueprint!r} {request.blueprints!r}"

    assert client.get("/plain").data == b"None []"


# -- nesting three deep ----------------------------------------------------------


def build_chain(log: list[str]) -> tuple[Blueprint, Blueprint, Blueprint]:
    """Blueprints a > b > c, each with request hooks that append to ``log``."""
    a = Blueprint("a", __name__, url_prefix="/a")
    b = Blueprint("b", __name__, url_prefix="/b")
    c = Blueprint("c", __name__, url_prefix="/c")
    for bp in (a, b, c):
        name = bp.name
        bp.before_request(lambda name=name: log.append(f"before {name}"))

        def after(response: Any, name: str = name) -> Any:
            log.append(f"after {name}")
            return response

        bp.after_request(after)
        bp.teardown_request(lambda exc, name=name: log.append(f"teardown {name}"))

    @c.route("/view")
    def view() -> str:
        log.append("view")
        return f"{request.endpoint}|{request.blueprint}|{','.join(request.blueprints)}"

    @b.route("/mid")
    def mid() -> str:
        return f"{request.endpoint}|{request.blueprint}|{','.join(request.blueprints)}"

    b.register_blueprint(c)
    a.register_blueprint(b)
    return a, b, c


def app_with_chain(log: list[str]) -> Kolba:
    app = make_app()
    app.before_request(lambda: log.append("before app"))

    @app.after_request
    def after(response: Any) -> Any:
        log.append("after app")
        return response

    app.teardown_request(lambda exc: log.append("teardown app"))
    a, _, _ = build_chain(log)
    app.register_blueprint(a)
    return app


def test_nested_prefixes_endpoints_and_request_blueprints() -> None:
    app = app_with_chain([])
    assert rules(app)["a.b.c.view"] == "/a/b/c/view"
    assert rules(app)["a.b.mid"] == "/a/b/mid"
    client = app.test_client()
    assert client.get("/a/b/c/view").data == b"a.b.c.view|a.b.c|a.b.c,a.b,a"
    assert client.get("/a/b/mid").data == b"a.b.mid|a.b|a.b,a"


def test_nested_blueprints_registered_in_app_blueprints() -> None:
    app = make_app()
    a, b, c = build_chain([])
    app.register_blueprint(a)
    assert app.blueprints["a"] is a
    assert app.blueprints["a.b"] is b
    assert app.blueprints["a.b.c"] is c


def test_nested_hook_order() -> None:
    log: list[str] = []
    app = app_with_chain(log)
    app.test_client().get("/a/b/c/view")
    assert log == [
        "before app",
        "before a",
        "before b",
        "before c",
        "view",
        "after c",
        "after b",
        "after a",
        "after app",
        "teardown c",
        "teardown b",
        "teardown a",
        "teardown app",
    ]


def test_nested_hooks_of_outer_levels_only_for_middle_view() -> None:
    log: list[str] = []
    app = app_with_chain(log)
    app.test_client().get("/a/b/mid")
    assert log == [
        "before app",
        "before a",
        "before b",
        "after b",
        "after a",
        "after app",
        "teardown b",
        "teardown a",
        "teardown app",
    ]


def test_hooks_within_one_level_order(app: Kolba, client: Any) -> None:
    log: list[str] = []
    bp = Blueprint("bp", __name__)
    for n in (1, 2):
        bp.before_request(lambda n=n: log.append(f"before{n}"))

        def after(response: Any, n: int = n) -> Any:
            log.append(f"after{n}")
            return response

        bp.after_request(after)
        bp.teardown_request(lambda exc, n=n: log.append(f"teardown{n}"))
    bp.route("/")(lambda: "x")
    app.register_blueprint(bp)
    client.get("/")
    assert log == ["before1", "before2", "after2", "after1", "teardown2", "teardown1"]


def test_nested_before_request_return_short_circuits_inner_levels() -> None:
    log: list[str] = []
    app = make_app()
    a, b, c = Blueprint("a", __name__), Blueprint("b", __name__), Blueprint("c", __name__)
    a.before_request(lambda: log.append("a"))

    @b.before_request
    def stop() -> str:
        log.append("b")
        return "stopped by b"

    c.before_request(lambda: log.append("c"))
    c.route("/x")(lambda: "view")
    b.register_blueprint(c)
    a.register_blueprint(b)
    app.register_blueprint(a)
    assert app.test_client().get("/x").data == b"stopped by b"
    assert log == ["a", "b"]


def _error_chain(handled_by: set[str]) -> Kolba:
    app = make_app()
    a, b, c = Blueprint("a", __name__), Blueprint("b", __name__), Blueprint("c", __name__)
    levels: dict[str, Any] = {"a": a, "b": b, "c": c, "app": app}
    for name, owner in levels.items():
        if name in handled_by:
            owner.register_error_handler(LookupError, lambda e, name=name: (f"handled by {name}", 500))

    @c.route("/boom")
    def boom() -> str:
        raise KeyError("boom")

    b.register_blueprint(c, url_prefix="/c")
    a.register_blueprint(b, url_prefix="/b")
    app.register_blueprint(a, url_prefix="/a")
    return app


@pytest.mark.parametrize(
    ("handled_by", "winner"),
    [
        ({"c", "b", "a", "app"}, "c"),
        ({"b", "a", "app"}, "b"),
        ({"a", "app"}, "a"),
        ({"app"}, "app"),
        ({"c", "app"}, "c"),
        ({"a", "c"}, "c"),
    ],
)
def test_nested_error_handlers_innermost_first(handled_by: set[str], winner: str) -> None:
    app = _error_chain(handled_by)
    response = app.test_client().get("/a/b/c/boom")
    assert response.status_code == 500
    assert response.data == f"handled by {winner}".encode()


def test_nested_error_handler_inner_generic_beats_outer_specific() -> None:
    app = make_app()
    outer, inner = Blueprint("outer", __name__), Blueprint("inner", __name__)
    outer.register_error_handler(KeyError, lambda e: ("outer KeyError", 500))
    inner.register_error_handler(Exception, lambda e: ("inner Exception", 500))

    @inner.route("/e")
    def e() -> str:
        raise KeyError("x")

    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    # Levels are searched innermost first; the MRO only within one level.
    assert app.test_client().get("/e").data == b"inner Exception"


def test_routing_404_under_blueprint_prefix_goes_to_app_handler() -> None:
    app = make_app()
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.register_error_handler(404, lambda e: ("bp 404", 404))
    app.register_error_handler(404, lambda e: ("app 404", 404))

    @bp.route("/missing")
    def missing() -> str:
        kolba.abort(404)

    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/bp/nope").data == b"app 404"
    assert client.get("/bp/missing").data == b"bp 404"


def test_nested_url_value_preprocessors_each_level() -> None:
    app = make_app()
    order: list[str] = []
    a = Blueprint("a", __name__, url_prefix="/<org>")
    b = Blueprint("b", __name__, url_prefix="/<team>")
    c = Blueprint("c", __name__, url_prefix="/<user>")

    @app.url_value_preprocessor
    def app_pre(endpoint: str | None, values: dict[str, Any] | None) -> None:
        order.append("app")

    def popper(key: str, level: str) -> Any:
        def pre(endpoint: str | None, values: dict[str, Any] | None) -> None:
            order.append(level)
            assert values is not None
            setattr(g, key, values.pop(key))

        return pre

    a.url_value_preprocessor(popper("org", "a"))
    b.url_value_preprocessor(popper("team", "b"))
    c.url_value_preprocessor(popper("user", "c"))

    @c.route("/profile")
    def profile() -> str:
        return f"{g.org}/{g.team}/{g.user}"

    b.register_blueprint(c)
    a.register_blueprint(b)
    app.register_blueprint(a)
    assert app.test_client().get("/acme/core/ann/profile").data == b"acme/core/ann"
    assert order == ["app", "a", "b", "c"]


def test_nested_url_defaults_each_level() -> None:
    app = make_app()
    a = Blueprint("a", __name__, url_prefix="/<org>")
    b = Blueprint("b", __name__, url_prefix="/<team>")
    c = Blueprint("c", __name__, url_prefix="/<user>")
    order: list[str] = []

    @app.url_defaults
    def app_defaults(endpoint: str, values: dict[str, Any]) -> None:
        order.append("app")
        values.setdefault("user", "from-app")

    @a.url_defaults
    def a_defaults(endpoint: str, values: dict[str, Any]) -> None:
        order.append("a")
        values.setdefault("org", "acme")

    @b.url_defaults
    def b_defaults(endpoint: str, values: dict[str, Any]) -> None:
        order.append("b")
        values.setdefault("team", "core")

    @c.url_defaults
    def c_defaults(endpoint: str, values: dict[str, Any]) -> None:
        order.append("c")
        values["user"] = "from-c"

    c.add_url_rule("/profile", "profile", lambda org, team, user: "")
    b.register_blueprint(c)
    a.register_blueprint(b)
    app.register_blueprint(a)
    with app.test_request_context():
        assert url_for("a.b.c.profile") == "/acme/core/from-c/profile"
    assert order == ["app", "a", "b", "c"]


def test_url_defaults_scoped_to_blueprint_endpoints(app: Kolba) -> None:
    bp = Blueprint("bp", __name__)

    @bp.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", "en")

    bp.add_url_rule("/<lang>/page", "page", lambda lang: lang)
    app.add_url_rule("/<lang>/home", "home", lambda lang: lang)
    app.register_blueprint(bp)
    with app.test_request_context():
        assert url_for("bp.page") == "/en/page"
        with pytest.raises(Exception) as exc:
            url_for("home")
        assert type(exc.value).__name__ == "BuildError"


def test_nested_context_processors_each_level() -> None:
    app = make_app()
    a, b, c = Blueprint("a", __name__), Blueprint("b", __name__), Blueprint("c", __name__)
    app.context_processor(lambda: {"who": "app", "app_only": "A"})
    a.context_processor(lambda: {"who": "a", "a_only": "1"})
    b.context_processor(lambda: {"who": "b", "b_only": "2"})
    c.context_processor(lambda: {"who": "c", "c_only": "3"})
    template = "{{ who }} {{ app_only }}{{ a_only }}{{ b_only }}{{ c_only|default('-') }}"

    @c.route("/c")
    def in_c() -> str:
        return render_template_string(template)

    @b.route("/b")
    def in_b() -> str:
        return render_template_string(template)

    @app.route("/app")
    def in_app() -> str:
        return render_template_string("{{ who }} {{ a_only|default('-') }}")

    b.register_blueprint(c)
    a.register_blueprint(b)
    app.register_blueprint(a)
    client = app.test_client()
    assert client.get("/c").data == b"c A123"
    assert client.get("/b").data == b"b A12-"
    assert client.get("/app").data == b"app -"


def test_explicit_template_context_beats_processors(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__)
    bp.context_processor(lambda: {"who": "processor"})
    bp.route("/")(lambda: render_template_string("{{ who }}", who="explicit"))
    app.register_blueprint(bp)
    assert client.get("/").data == b"explicit"


def test_nested_registration_options_override_child(app: Kolba, client: Any) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/own")

    @child.route("/x")
    def x() -> str:
        return f"{request.endpoint} {url_for('.x')}"

    parent.register_blueprint(child, url_prefix="/kid", name="kid")
    app.register_blueprint(parent)
    assert client.get("/p/kid/x").data == b"parent.kid.x /p/kid/x"
    assert client.get("/p/own/x").status_code == 404


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("/a", "/b", "/a/b/x"),
        ("/a/", "/b", "/a/b/x"),
        ("/a/", "b/", "/a/b/x"),
        ("/a", None, "/a/x"),
        (None, "/b", "/b/x"),
    ],
)
def test_nested_prefix_joins(outer: str | None, inner: str | None, expected: str) -> None:
    app = make_app()
    parent = Blueprint("parent", __name__, url_prefix=outer)
    child = Blueprint("child", __name__, url_prefix=inner)
    child.add_url_rule("/x", "x", lambda: "ok")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert rules(app)["parent.child.x"] == expected
    assert app.test_client().get(expected).data == b"ok"


def test_relative_url_for_in_nested_view_and_absolute_outside() -> None:
    app = make_app()
    a, b, c = Blueprint("a", __name__), Blueprint("b", __name__), Blueprint("c", __name__)

    @c.route("/c/one")
    def one() -> str:
        return url_for(".two")

    @c.route("/c/two")
    def two() -> str:
        return ""

    @app.route("/outside")
    def outside() -> str:
        return url_for("a.b.c.one") + " " + url_for(".outside")

    b.register_blueprint(c)
    a.register_blueprint(b)
    app.register_blueprint(a)
    client = app.test_client()
    assert client.get("/c/one").data == b"/c/two"
    assert client.get("/outside").data == b"/c/one /outside"


def test_relative_url_for_in_blueprint_and_absolute_from_app(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.route("/x")
    def x() -> str:
        return url_for(".y", n=3)

    @bp.route("/y/<int:n>")
    def y(n: int) -> str:
        return str(n)

    @app.route("/")
    def index() -> str:
        return url_for("bp.x")

    app.register_blueprint(bp)
    assert client.get("/bp/x").data == b"/bp/y/3"
    assert client.get("/").data == b"/bp/x"


# -- record / record_once ----------------------------------------------------------


def test_record_receives_state_for_each_registration(app: Kolba) -> None:
    bp = Blueprint("rec", __name__, url_prefix="/own")
    seen: list[tuple[Any, dict[str, Any], bool, Any, str | None]] = []
    bp.record(lambda s: seen.append((s.app, dict(s.options), s.first_registration, s.blueprint, s.url_prefix)))
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again", url_prefix="/two")
    assert seen == [
        (app, {}, True, bp, "/own"),
        (app, {"name": "again", "url_prefix": "/two"}, False, bp, "/two"),
    ]


def test_record_first_registration_is_per_app() -> None:
    bp = Blueprint("rec", __name__)
    flags: list[tuple[str, bool]] = []
    bp.record(lambda s: flags.append((s.app.name, s.first_registration)))
    one, two = Kolba("one", root_path=HERE), Kolba("two", root_path=HERE)
    one.register_blueprint(bp)
    two.register_blueprint(bp)
    one.register_blueprint(bp, name="other")
    assert flags == [("one", True), ("two", True), ("one", False)]


def test_record_once_runs_once_per_app() -> None:
    bp = Blueprint("rec", __name__)
    calls: list[str] = []
    bp.record_once(lambda s: calls.append(s.app.name))
    one, two = Kolba("one", root_path=HERE), Kolba("two", root_path=HERE)
    one.register_blueprint(bp)
    one.register_blueprint(bp, name="dup")
    two.register_blueprint(bp)
    assert calls == ["one", "two"]


def test_record_state_merges_url_defaults_and_options(app: Kolba) -> None:
    bp = Blueprint("rec", __name__, subdomain="sub", url_defaults={"a": 1, "b": 2})
    states: list[Any] = []
    bp.record(states.append)
    app.register_blueprint(bp, url_defaults={"b": 3}, custom="value")
    state = states[0]
    assert state.subdomain == "sub"
    assert state.url_prefix is None
    assert state.url_defaults == {"a": 1, "b": 3}
    assert state.options["custom"] == "value"


def test_record_can_add_rules_through_state(app: Kolba, client: Any) -> None:
    bp = Blueprint("rec", __name__, url_prefix="/r")
    bp.record(lambda s: s.add_url_rule("/added", "added", lambda: "via state"))
    app.register_blueprint(bp)
    assert rules(app)["rec.added"] == "/r/added"
    assert client.get("/r/added").data == b"via state"


# -- blueprint-scoped versus app-wide registrations -------------------------------


def scoped_app(log: list[str]) -> Kolba:
    app = make_app()
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.before_request(lambda: log.append("bp before"))
    bp.before_app_request(lambda: log.append("app-wide before"))

    @bp.after_request
    def after(response: Any) -> Any:
        log.append("bp after")
        return response

    @bp.after_app_request
    def after_app(response: Any) -> Any:
        log.append("app-wide after")
        return response

    bp.teardown_request(lambda exc: log.append("bp teardown"))
    bp.teardown_app_request(lambda exc: log.append("app-wide teardown"))
    bp.route("/v")(lambda: "bp view")
    app.route("/v")(lambda: "app view")
    app.register_blueprint(bp)
    return app


def test_blueprint_hooks_run_for_blueprint_view() -> None:
    log: list[str] = []
    scoped_app(log).test_client().get("/bp/v")
    assert log == [
        "app-wide before",
        "bp before",
        "bp after",
        "app-wide after",
        "bp teardown",
        "app-wide teardown",
    ]


def test_only_app_wide_blueprint_hooks_run_for_app_view() -> None:
    log: list[str] = []
    response = scoped_app(log).test_client().get("/v")
    assert response.data == b"app view"
    assert log == ["app-wide before", "app-wide after", "app-wide teardown"]


def test_blueprint_errorhandler_vs_app_errorhandler() -> None:
    app = make_app()
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.register_error_handler(ZeroDivisionError, lambda e: ("bp scoped", 500))

    @bp.app_errorhandler(KeyError)
    def app_wide(e: Exception) -> tuple[str, int]:
        return "app-wide KeyError", 418

    @bp.route("/zero")
    def zero() -> str:
        return str(1 / 0)

    @app.route("/zero")
    def app_zero() -> str:
        return str(1 / 0)

    @app.route("/key")
    def key() -> str:
        raise KeyError("k")

    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/bp/zero").data == b"bp scoped"
    with pytest.raises(ZeroDivisionError):
        client.get("/zero")  # TESTING propagates: the bp handler is not used
    response = client.get("/key")
    assert (response.status_code, response.data) == (418, b"app-wide KeyError")


def test_app_errorhandler_for_routing_404(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__)
    bp.app_errorhandler(404)(lambda e: ("custom 404", 404))
    app.register_blueprint(bp)
    response = client.get("/nowhere")
    assert (response.status_code, response.data) == (404, b"custom 404")


def test_app_context_processor_vs_context_processor(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.context_processor(lambda: {"scoped": "S"})
    bp.app_context_processor(lambda: {"wide": "W"})
    template = "{{ scoped|default('-') }}{{ wide|default('-') }}"
    bp.route("/")(lambda: render_template_string(template))
    app.route("/")(lambda: render_template_string(template))
    app.register_blueprint(bp)
    assert client.get("/bp/").data == b"SW"
    assert client.get("/").data == b"-W"


def test_app_template_filter_test_global(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__)

    @bp.app_template_filter()
    def shout(s: str) -> str:
        return s.upper() + "!"

    @bp.app_template_filter("rev")
    def reverse(s: str) -> str:
        return s[::-1]

    @bp.app_template_test()
    def even(n: int) -> bool:
        return n % 2 == 0

    @bp.app_template_test("big")
    def is_big(n: int) -> bool:
        return n > 100

    @bp.app_template_global()
    def answer() -> int:
        return 42

    @bp.app_template_global("site")
    def site_name() -> str:
        return "Kolba"

    app.register_blueprint(bp)
    assert app.jinja_env.filters["shout"] is shout
    assert app.jinja_env.filters["rev"] is reverse
    assert app.jinja_env.tests["even"] is even
    assert app.jinja_env.tests["big"] is is_big
    assert app.jinja_env.globals["answer"] is answer
    assert app.jinja_env.globals["site"] is site_name

    @app.route("/")
    def index() -> str:
        return render_template_string(
            "{{ 'hi'|shout }} {{ 'abc'|rev }} {{ 4 is even }} {{ 7 is even }}"
            " {{ 500 is big }} {{ answer() }} {{ site() }}"
        )

    assert client.get("/").data == b"HI! cba True False True 42 Kolba"


def test_add_app_template_functions(app: Kolba) -> None:
    bp = Blueprint("bp", __name__)
    bp.add_app_template_filter(str.lower, "low")
    bp.add_app_template_test(str.isdigit, "digits")
    bp.add_app_template_global(len, "length_of")
    app.register_blueprint(bp)
    with app.app_context():
        assert render_template_string("{{ 'AB'|low }} {{ '12' is digits }} {{ length_of('abc') }}") == "ab True 3"


def test_app_url_defaults_and_value_preprocessor(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__)

    @bp.app_url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        if app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values.setdefault("lang", g.get("lang", "en"))

    @bp.app_url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values is not None and "lang" in values:
            g.lang = values.pop("lang")

    @app.route("/<lang>/about")
    def about() -> str:
        return f"{g.lang} {url_for('about')}"

    app.register_blueprint(bp)
    assert client.get("/de/about").data == b"de /de/about"
    with app.test_request_context():
        assert url_for("about") == "/en/about"


def test_blueprint_url_value_preprocessor_scoped(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    calls: list[str | None] = []
    bp.url_value_preprocessor(lambda endpoint, values: calls.append(endpoint))
    bp.route("/<x>")(lambda x: x)
    app.route("/<x>")(lambda x: x)
    app.register_blueprint(bp)
    client.get("/bp/1")
    client.get("/2")
    assert calls == ["bp.<lambda>"]


# -- subdomains --------------------------------------------------------------------


def subdomain_app() -> Kolba:
    app = make_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    api = Blueprint("api", __name__, subdomain="api")

    @api.route("/")
    def index() -> str:
        return f"api {url_for('api.index')} {url_for('api.index', _external=True)}"

    @app.route("/")
    def home() -> str:
        return f"home {url_for('api.index')}"

    app.register_blueprint(api)
    other = Blueprint("other", __name__, subdomain="own")
    other.route("/o")(lambda: request.host)
    app.register_blueprint(other, subdomain="over")
    return app


def test_blueprint_subdomain_routing() -> None:
    client = subdomain_app().test_client()
    assert client.get("/", base_url="http://api.example.test/").data == (
        b"api / http://api.example.test/"
    )
    assert client.get("/").data == b"home http://api.example.test/"


def test_register_subdomain_overrides_blueprint_subdomain() -> None:
    client = subdomain_app().test_client()
    assert client.get("/o", base_url="http://over.example.test/").data == b"over.example.test"
    assert client.get("/o", base_url="http://own.example.test/").status_code == 404


def test_register_empty_subdomain_overrides_blueprint_subdomain() -> None:
    app = make_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    bp = Blueprint("bp", __name__, subdomain="api")
    bp.add_url_rule("/s", "s", lambda: request.host)
    app.register_blueprint(bp, subdomain="")
    client = app.test_client()
    assert client.get("/s", base_url="http://example.test/").data == b"example.test"
    assert client.get("/s", base_url="http://api.example.test/").status_code == 404


def test_nested_subdomains_joined() -> None:
    app = make_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    outer = Blueprint("outer", __name__, subdomain="outer")
    inner = Blueprint("inner", __name__, subdomain="inner")
    inner.route("/n")(lambda: request.host)
    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "outer.inner.<lambda>")
    assert rule.subdomain == "inner.outer"
    response = app.test_client().get("/n", base_url="http://inner.outer.example.test/")
    assert response.data == b"inner.outer.example.test"


# -- CLI groups ----------------------------------------------------------------------


def cli_blueprint(name: str, command: str = "hello", **kwargs: Any) -> Blueprint:
    bp = Blueprint(name, __name__, **kwargs)

    @bp.cli.command(command)
    @click.argument("who", default="world")
    def cmd(who: str) -> None:
        click.echo(f"{command} {who} from {kolba.current_app.name}")

    return bp


def test_cli_group_defaults_to_blueprint_name(app: Kolba) -> None:
    app.register_blueprint(cli_blueprint("tools"))
    result = app.test_cli_runner().invoke(args=["tools", "hello", "ann"])
    assert result.exit_code == 0
    assert result.output == "hello ann from kolba_test\n"


def test_cli_group_custom_name(app: Kolba) -> None:
    app.register_blueprint(cli_blueprint("tools", cli_group="custom"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["custom", "hello"]).output == "hello world from kolba_test\n"
    assert runner.invoke(args=["tools", "hello"]).exit_code == 2


def test_cli_group_none_merges_into_app_group(app: Kolba) -> None:
    app.register_blueprint(cli_blueprint("tools", cli_group=None))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["hello", "bob"])
    assert result.exit_code == 0
    assert result.output == "hello bob from kolba_test\n"
    assert "tools" not in app.cli.commands


def test_cli_group_overridden_at_registration(app: Kolba) -> None:
    app.register_blueprint(cli_blueprint("tools", command="yo"), cli_group="over")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["over", "yo"]).output == "yo world from kolba_test\n"
    assert runner.invoke(args=["tools", "yo"]).exit_code == 2


def test_blueprint_without_commands_adds_no_group(app: Kolba) -> None:
    before = set(app.cli.commands)
    app.register_blueprint(Blueprint("quiet", __name__))
    assert set(app.cli.commands) == before


# -- the seeds' package layout -------------------------------------------------------


def test_package_factory_serves_blueprint_views() -> None:
    from tests.bp_pkg import create_app

    client = create_app().test_client()
    response = client.get("/")
    assert response.status_code == 200
    assert response.data == b'<h1>Home</h1> <a href="/user/ann">ann</a>'


def test_package_relative_redirect_and_template() -> None:
    from tests.bp_pkg import create_app

    client = create_app().test_client()
    response = client.get("/go")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/user/zoe").data == b"Hello, zoe! (main.user)"


def test_package_app_errorhandler_from_blueprint_module() -> None:
    from tests.bp_pkg import create_app

    response = create_app().test_client().get("/missing/page")
    assert response.status_code == 404
    assert response.data == b"main 404: /missing/page"


def test_package_second_blueprint_with_prefix() -> None:
    from tests.bp_pkg import create_app

    client = create_app().test_client()
    response = client.get("/api/v1/items")
    assert response.status_code == 200
    assert response.get_json() == {"items": ["a", "b"], "self": "/api/v1/items"}


def test_package_factory_builds_independent_apps() -> None:
    from tests.bp_pkg import create_app
    from tests.bp_pkg.main import main

    first = create_app({"GREETING": "one"})
    second = create_app({"GREETING": "two"})
    assert first is not second
    assert first.blueprints["main"] is main
    assert second.blueprints["main"] is main
    assert first.test_client().get("/greet").data == b"one"
    assert second.test_client().get("/greet").data == b"two"


def test_package_blueprint_attributes() -> None:
    from tests.bp_pkg.main import main

    assert main.name == "main"
    assert main.import_name == "tests.bp_pkg.main"
    assert main.root_path == os.path.join(HERE, "bp_pkg", "main")
    assert main.template_folder == "templates"


def test_unknown_blueprint_endpoint_build_error(app: Kolba) -> None:
    bp = Blueprint("bp", __name__)
    bp.route("/x")(lambda: "")
    app.register_blueprint(bp)
    with app.test_request_context():
        with pytest.raises(Exception) as exc:
            url_for("bp.missing")
        assert type(exc.value).__name__ == "BuildError"
        assert url_for("bp.<lambda>") == "/x"


def test_blueprint_abort_404_inside_view(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__)

    @bp.route("/gone")
    def gone() -> str:
        raise NotFound()

    app.register_blueprint(bp)
    assert client.get("/gone").status_code == 404


def test_blueprint_template_folder_searched_after_app(tmp_path: Any) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("app page")
    bp_templates = tmp_path / "bp" / "templates"
    bp_templates.mkdir(parents=True)
    (bp_templates / "page.html").write_text("bp page")
    (bp_templates / "only_bp.html").write_text("only in bp {{ n }}")
    app = Kolba("tpl_app", root_path=str(tmp_path))
    bp = Blueprint("bp", __name__, root_path=str(tmp_path / "bp"), template_folder="templates")
    bp.add_url_rule("/page", "page", lambda: kolba.render_template("page.html"))
    bp.add_url_rule("/only", "only", lambda: kolba.render_template("only_bp.html", n=1))
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/page").data == b"app page"
    assert client.get("/only").data == b"only in bp 1"


def test_two_views_for_one_blueprint_endpoint_rejected(app: Kolba) -> None:
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/one", "same", lambda: "one")
    bp.add_url_rule("/two", "same", lambda: "two")
    with pytest.raises(AssertionError) as exc:
        app.register_blueprint(bp)
    assert str(exc.value) == (
        "View function mapping is overwriting an existing endpoint function: bp.same"
    )


def test_same_view_for_two_rules_allowed(app: Kolba, client: Any) -> None:
    bp = Blueprint("bp", __name__)

    def view() -> str:
        return request.path

    bp.add_url_rule("/one", "same", view)
    bp.add_url_rule("/two", "same", view)
    app.register_blueprint(bp)
    assert client.get("/one").data == b"/one"
    assert client.get("/two").data == b"/two"
