"""Request lifecycle hooks, URL value hooks, and template/shell registration."""

from __future__ import annotations

from typing import Any

import pytest

import kolba
from kolba import Response, g, has_app_context, has_request_context, request, url_for


# --- before_request --------------------------------------------------------------


def test_before_request_runs_in_registration_order(app: kolba.Kolba, client: Any) -> None:
    order: list[str] = []

    @app.before_request
    def first() -> None:
        order.append("first")

    @app.before_request
    def second() -> None:
        order.append("second")

    @app.route("/")
    def index() -> str:
        order.append("view")
        return "ok"

    assert client.get("/").data == b"ok"
    assert order == ["first", "second", "view"]


def test_before_request_returning_none_continues(app: kolba.Kolba, client: Any) -> None:
    @app.before_request
    def nothing() -> None:
        return None

    @app.route("/")
    def index() -> str:
        return "view"

    assert client.get("/").data == b"view"


def test_before_request_short_circuits(app: kolba.Kolba, client: Any) -> None:
    order: list[str] = []

    @app.before_request
    def stop() -> tuple[str, int]:
        order.append("stop")
        return "stopped", 403

    @app.before_request
    def never() -> None:
        order.append("never")

    @app.after_request
    def after(response: Response) -> Response:
        order.append("after")
        response.headers["X-After"] = "yes"
        return response

    @app.route("/")
    def index() -> str:
        order.append("view")
        return "view"

    rv = client.get("/")
    assert rv.status_code == 403
    assert rv.data == b"stopped"
    assert rv.headers["X-After"] == "yes"
    assert order == ["stop", "after"]


def test_before_request_empty_string_short_circuits(app: kolba.Kolba, client: Any) -> None:
    @app.before_request
    def empty() -> str:
        return ""

    @app.route("/")
    def index() -> str:
        return "view"

    rv = client.get("/")
    assert rv.status_code == 200
    assert rv.data == b""


def test_before_request_can_return_response_object(app: kolba.Kolba, client: Any) -> None:
    @app.before_request
    def redirect_all() -> Any:
        return kolba.redirect("/elsewhere")

    @app.route("/")
    def index() -> str:
        return "view"

    rv = client.get("/")
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/elsewhere"


def test_before_request_sees_request_and_sets_g(app: kolba.Kolba, client: Any) -> None:
    @app.before_request
    def load_user() -> None:
        g.user = request.headers.get("X-User", "anon")

    @app.route("/")
    def index() -> str:
        return str(g.user)

    assert client.get("/", headers={"X-User": "bob"}).data == b"bob"
    assert client.get("/").data == b"anon"


def test_before_request_runs_for_unmatched_url(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    @app.before_request
    def record() -> None:
        seen.append((request.path, request.endpoint))

    assert client.get("/missing").status_code == 404
    assert seen == [("/missing", None)]


def test_before_request_decorator_returns_function(app: kolba.Kolba) -> None:
    def hook() -> None:
        return None

    assert app.before_request(hook) is hook


# --- after_request --------------------------------------------------------------------


def test_after_request_reverse_registration_order(app: kolba.Kolba, client: Any) -> None:
    order: list[str] = []

    @app.after_request
    def first(response: Response) -> Response:
        order.append("first")
        return response

    @app.after_request
    def second(response: Response) -> Response:
        order.append("second")
        return response

    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    assert order == ["second", "first"]


def test_after_request_modifies_response(app: kolba.Kolba, client: Any) -> None:
    @app.after_request
    def add(response: Response) -> Response:
        response.headers["X-Path"] = request.path
        response.set_data(response.get_data() + b"+after")
        return response

    @app.route("/p")
    def index() -> str:
        return "body"

    rv = client.get("/p")
    assert rv.headers["X-Path"] == "/p"
    assert rv.data == b"body+after"


def test_an_after_hook_sees_a_str_views_headers_as_flask_makes_them(app: kolba.Kolba, client: Any) -> None:
    """The response a str becomes under an after hook: Flask's two headers, in
    Flask's order; a hook that replaces one changes that response alone."""
    seen: list[list[tuple[str, str]]] = []

    @app.after_request
    def look(response: Response) -> Response:
        seen.append(list(response.headers.items()))
        if request.args.get("as") == "json":
            response.headers["Content-Type"] = "application/json"
        elif request.args.get("as") == "bare":
            del response.headers["Content-Length"]
        return response

    @app.route("/")
    def index() -> str:
        return "h\u00e9llo"

    retyped = client.get("/?as=json")
    unsized = client.get("/?as=bare")
    plain = client.get("/")
    assert seen == [[("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "6")]] * 3
    assert retyped.headers["Content-Type"] == "application/json"
    assert plain.headers["Content-Type"] == "text/html; charset=utf-8"
    assert plain.headers["Content-Length"] == "6" and plain.data == "h\u00e9llo".encode()
    assert unsized.data == "h\u00e9llo".encode()
    assert unsized.headers["Content-Type"] == "text/html; charset=utf-8"


def test_after_request_receives_response_object(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    @app.after_request
    def inspect(response: Response) -> Response:
        seen.append((type(response), response.status_code, response.get_data()))
        return response

    @app.route("/")
    def index() -> tuple[dict[str, int], int]:
        return {"a": 1}, 201

    client.get("/")
    assert seen[0][0] is app.response_class
    assert seen[0][1] == 201
    assert seen[0][2] == b'{"a":1}\n'


def test_after_request_may_replace_response(app: kolba.Kolba, client: Any) -> None:
    @app.after_request
    def replace(response: Response) -> Response:
        return Response("replaced", status=418, headers={"X-New": "1"})

    @app.route("/")
    def index() -> str:
        return "original"

    rv = client.get("/")
    assert rv.status_code == 418
    assert rv.data == b"replaced"
    assert rv.headers["X-New"] == "1"


def test_after_request_chain_sees_replacement(app: kolba.Kolba, client: Any) -> None:
    @app.after_request
    def runs_last(response: Response) -> Response:
        response.headers["X-Seen"] = response.get_data(as_text=True)
        return response

    @app.after_request
    def runs_first(response: Response) -> Response:
        return Response("new")

    @app.route("/")
    def index() -> str:
        return "old"

    assert client.get("/").headers["X-Seen"] == "new"


def test_after_request_returning_none_fails(app: kolba.Kolba, client: Any) -> None:
    @app.after_request
    def broken(response: Response) -> None:
        return None

    @app.route("/")
    def index() -> str:
        return "x"

    with pytest.raises(TypeError):
        client.get("/")


def test_after_request_runs_for_error_response(app: kolba.Kolba, client: Any) -> None:
    @app.after_request
    def tag(response: Response) -> Response:
        response.headers["X-Status"] = str(response.status_code)
        return response

    rv = client.get("/missing")
    assert rv.status_code == 404
    assert rv.headers["X-Status"] == "404"


# --- teardown_request / teardown_appcontext -------------------------------------------------


def test_teardown_request_runs_on_success(app: kolba.Kolba, client: Any) -> None:
    calls: list[Any] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        calls.append((exc, request.path, has_request_context()))

    @app.route("/")
    def index() -> str:
        return "ok"

    assert client.get("/").data == b"ok"
    assert calls == [(None, "/", True)]


def test_teardown_request_reverse_order(app: kolba.Kolba, client: Any) -> None:
    order: list[str] = []
    app.teardown_request(lambda exc: order.append("first"))
    app.teardown_request(lambda exc: order.append("second"))

    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    assert order == ["second", "first"]


def test_teardown_request_receives_unhandled_exception(app: kolba.Kolba, client: Any) -> None:
    calls: list[Any] = []
    app.teardown_request(calls.append)

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("nope")

    with pytest.raises(ZeroDivisionError):
        client.get("/")
    assert len(calls) == 1
    assert isinstance(calls[0], ZeroDivisionError)


def test_teardown_request_receives_exception_turned_into_500(
    app: kolba.Kolba, client: Any
) -> None:
    app.testing = False
    calls: list[Any] = []
    app.teardown_request(calls.append)

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("nope")

    assert client.get("/").status_code == 500
    assert len(calls) == 1
    assert isinstance(calls[0], ZeroDivisionError)


def test_teardown_request_gets_none_when_exception_was_handled(
    app: kolba.Kolba, client: Any
) -> None:
    calls: list[Any] = []
    app.teardown_request(calls.append)

    @app.errorhandler(ZeroDivisionError)
    def handle(e: Exception) -> tuple[str, int]:
        return "handled", 400

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError

    rv = client.get("/")
    assert rv.status_code == 400
    assert calls == [None]


def test_teardown_request_gets_none_for_http_error(app: kolba.Kolba, client: Any) -> None:
    calls: list[Any] = []
    app.teardown_request(calls.append)

    @app.route("/")
    def index() -> str:
        kolba.abort(403)

    assert client.get("/").status_code == 403
    assert client.get("/missing").status_code == 404
    assert calls == [None, None]


def test_teardown_request_return_value_ignored(app: kolba.Kolba, client: Any) -> None:
    app.teardown_request(lambda exc: "ignored")

    @app.route("/")
    def index() -> str:
        return "body"

    rv = client.get("/")
    assert rv.data == b"body"


def test_error_in_teardown_request_propagates(app: kolba.Kolba, client: Any) -> None:
    app_teardowns: list[Any] = []
    skipped: list[Any] = []
    app.teardown_appcontext(app_teardowns.append)

    @app.teardown_request
    def registered_first(exc: BaseException | None) -> None:
        skipped.append(exc)

    @app.teardown_request
    def registered_last(exc: BaseException | None) -> None:
        raise RuntimeError("teardown failed")

    @app.route("/")
    def index() -> str:
        return "ok"

    with pytest.raises(RuntimeError, match="teardown failed"):
        client.get("/")
    assert skipped == []
    assert app_teardowns == [None]
    assert not has_request_context()
    assert not has_app_context()


def test_error_in_teardown_request_propagates_even_without_testing(
    app: kolba.Kolba, client: Any
) -> None:
    app.testing = False

    @app.teardown_request
    def broken(exc: BaseException | None) -> None:
        raise RuntimeError("teardown failed")

    @app.route("/")
    def index() -> str:
        return "ok"

    with pytest.raises(RuntimeError, match="teardown failed"):
        client.get("/")


def test_teardown_appcontext_runs_after_request(app: kolba.Kolba, client: Any) -> None:
    order: list[Any] = []

    @app.teardown_request
    def req(exc: BaseException | None) -> None:
        order.append(("request", has_request_context()))

    @app.teardown_appcontext
    def appctx(exc: BaseException | None) -> None:
        order.append(("app", exc, has_request_context(), has_app_context()))

    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    assert order == [("request", True), ("app", None, False, True)]


def test_teardown_appcontext_reverse_order_and_exception(app: kolba.Kolba, client: Any) -> None:
    calls: list[Any] = []
    app.teardown_appcontext(lambda exc: calls.append(("first", type(exc))))
    app.teardown_appcontext(lambda exc: calls.append(("second", type(exc))))

    @app.route("/")
    def index() -> str:
        raise KeyError("x")

    with pytest.raises(KeyError):
        client.get("/")
    assert calls == [("second", KeyError), ("first", KeyError)]


def test_teardown_appcontext_funcs_is_a_list(app: kolba.Kolba) -> None:
    def f(exc: BaseException | None) -> None:
        return None

    assert app.teardown_appcontext(f) is f
    assert app.teardown_appcontext_funcs == [f]


def test_teardown_sees_g(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    @app.teardown_request
    def req(exc: BaseException | None) -> None:
        seen.append(g.get("res"))

    @app.teardown_appcontext
    def appctx(exc: BaseException | None) -> None:
        seen.append(g.get("res"))

    @app.route("/")
    def index() -> str:
        g.res = "db"
        return ""

    client.get("/")
    assert seen == ["db", "db"]


# --- hook registries ---------------------------------------------------------------------


def test_hook_registries_keyed_by_none(app: kolba.Kolba) -> None:
    def before() -> None:
        return None

    def after(r: Response) -> Response:
        return r

    def teardown(exc: BaseException | None) -> None:
        return None

    app.before_request(before)
    app.after_request(after)
    app.teardown_request(teardown)
    assert dict(app.before_request_funcs) == {None: [before]}
    assert dict(app.after_request_funcs) == {None: [after]}
    assert dict(app.teardown_request_funcs) == {None: [teardown]}


def test_hook_registries_empty_by_default(app: kolba.Kolba) -> None:
    assert dict(app.before_request_funcs) == {}
    assert dict(app.after_request_funcs) == {}
    assert dict(app.teardown_request_funcs) == {}
    assert dict(app.url_value_preprocessors) == {}
    assert dict(app.url_default_functions) == {}
    assert app.teardown_appcontext_funcs == []


def test_registry_appended_directly_is_used(app: kolba.Kolba, client: Any) -> None:
    def added(response: Response) -> Response:
        response.headers["X-Direct"] = "1"
        return response

    @app.route("/")
    def index() -> str:
        return ""

    app.after_request_funcs.setdefault(None, []).append(added)
    assert client.get("/").headers["X-Direct"] == "1"


def test_setup_after_first_request_is_refused(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    with pytest.raises(AssertionError, match="can no longer be called"):
        app.before_request(lambda: None)
    with pytest.raises(AssertionError, match="after_request"):
        app.after_request(lambda r: r)
    with pytest.raises(AssertionError, match="already handled its first request"):
        app.add_url_rule("/late", "late", lambda: "")


# --- url_value_preprocessor / url_defaults ------------------------------------------------


@pytest.fixture
def lang_app(app: kolba.Kolba) -> kolba.Kolba:
    @app.url_defaults
    def add_language_code(endpoint: str, values: dict[str, Any]) -> None:
        if "lang_code" in values or not g.get("lang_code"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            values["lang_code"] = g.lang_code

    @app.url_value_preprocessor
    def pull_lang_code(endpoint: str | None, values: dict[str, Any] | None) -> None:
        g.lang_code = values.pop("lang_code", None) if values else None

    @app.route("/<lang_code>/")
    def index() -> str:
        return url_for("about")

    @app.route("/<lang_code>/about")
    def about() -> str:
        return f"about:{g.lang_code}"

    @app.route("/plain")
    def plain() -> str:
        return url_for("about", lang_code="xx")

    return app


def test_lang_code_pattern_url_defaults(lang_app: kolba.Kolba) -> None:
    client = lang_app.test_client()
    assert client.get("/de/").data == b"/de/about"
    assert client.get("/fr/").data == b"/fr/about"


def test_lang_code_pattern_value_preprocessor(lang_app: kolba.Kolba) -> None:
    client = lang_app.test_client()
    assert client.get("/fr/about").data == b"about:fr"


def test_lang_code_explicit_value_wins(lang_app: kolba.Kolba) -> None:
    client = lang_app.test_client()
    assert client.get("/plain").data == b"/xx/about"


def test_url_value_preprocessor_arguments(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    @app.url_value_preprocessor
    def record(endpoint: str | None, values: dict[str, Any] | None) -> None:
        seen.append((endpoint, dict(values) if values is not None else None))

    @app.route("/item/<int:n>")
    def item(n: int) -> str:
        return str(n)

    @app.route("/")
    def index() -> str:
        return ""

    client.get("/item/3")
    client.get("/")
    client.get("/missing")
    assert seen == [("item", {"n": 3}), ("index", {}), (None, None)]


def test_url_value_preprocessor_runs_before_before_request(app: kolba.Kolba, client: Any) -> None:
    order: list[str] = []
    @app.before_request
    def before() -> None:
        order.append("before")

    @app.url_value_preprocessor
    def preprocess(endpoint: str | None, values: dict[str, Any] | None) -> None:
        order.append("preprocess")

    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    assert order == ["preprocess", "before"]


def test_url_value_preprocessor_pop_removes_view_argument(app: kolba.Kolba, client: Any) -> None:
    @app.url_value_preprocessor
    def strip(endpoint: str | None, values: dict[str, Any] | None) -> None:
        assert values is not None
        g.slug = values.pop("slug")

    @app.route("/<slug>/<int:n>")
    def view(n: int) -> str:
        return f"{g.slug}-{n}"

    assert client.get("/abc/5").data == b"abc-5"


def test_url_defaults_registry(app: kolba.Kolba) -> None:
    def defaults(endpoint: str, values: dict[str, Any]) -> None:
        return None

    def preprocess(endpoint: str | None, values: dict[str, Any] | None) -> None:
        return None

    assert app.url_defaults(defaults) is defaults
    assert app.url_value_preprocessor(preprocess) is preprocess
    assert dict(app.url_default_functions) == {None: [defaults]}
    assert dict(app.url_value_preprocessors) == {None: [preprocess]}


def test_url_defaults_receives_endpoint_and_values(app: kolba.Kolba) -> None:
    seen: list[Any] = []

    @app.url_defaults
    def record(endpoint: str, values: dict[str, Any]) -> None:
        seen.append((endpoint, dict(values)))
        values.setdefault("page", 1)

    @app.route("/list/<int:page>")
    def listing(page: int) -> str:
        return ""

    with app.test_request_context():
        assert url_for("listing") == "/list/1"
        assert url_for("listing", page=4) == "/list/4"
    assert seen == [("listing", {}), ("listing", {"page": 4})]


# --- template and shell registration ---------------------------------------------------


def test_context_processor_registration(app: kolba.Kolba) -> None:
    @app.context_processor
    def inject() -> dict[str, str]:
        return {"user": "alice", "site": "kolba"}

    assert app.template_context_processors[None][-1] is inject
    with app.test_request_context():
        assert kolba.render_template_string("{{ user }}@{{ site }}") == "alice@kolba"
        assert kolba.render_template_string("{{ user }}", user="bob") == "bob"


def test_context_processor_defaults_expose_request_g_session(app: kolba.Kolba) -> None:
    with app.test_request_context("/here"):
        g.thing = "gval"
        out = kolba.render_template_string("{{ request.path }} {{ g.thing }} {{ session|length }}")
    assert out == "/here gval 0"


def test_shell_context_processor(app: kolba.Kolba) -> None:
    @app.shell_context_processor
    def extra() -> dict[str, int]:
        return {"answer": 42}

    assert app.shell_context_processors == [extra]
    ctx = app.make_shell_context()
    assert ctx["app"] is app
    assert ctx["g"] is kolba.g
    assert ctx["answer"] == 42
    assert set(ctx) == {"app", "g", "answer"}


def test_shell_context_processors_later_override(app: kolba.Kolba) -> None:
    app.shell_context_processor(lambda: {"x": 1, "y": 1})
    app.shell_context_processor(lambda: {"x": 2})
    ctx = app.make_shell_context()
    assert (ctx["x"], ctx["y"]) == (2, 1)


def test_template_filter_registration(app: kolba.Kolba) -> None:
    @app.template_filter()
    def reverse(s: str) -> str:
        return s[::-1]

    @app.template_filter("shout")
    def make_loud(s: str) -> str:
        return s.upper()

    def double(s: str) -> str:
        return s * 2

    app.add_template_filter(double)
    app.add_template_filter(double, "twice")
    assert app.jinja_env.filters["reverse"] is reverse
    assert app.jinja_env.filters["shout"] is make_loud
    assert "make_loud" not in app.jinja_env.filters
    assert app.jinja_env.filters["double"] is double
    assert app.jinja_env.filters["twice"] is double
    with app.app_context():
        assert kolba.render_template_string("{{ 'ab'|reverse|shout|twice }}") == "BABA"


def test_template_test_registration(app: kolba.Kolba) -> None:
    @app.template_test()
    def even(n: int) -> bool:
        return n % 2 == 0

    @app.template_test("big")
    def is_big(n: int) -> bool:
        return n > 100

    def odd(n: int) -> bool:
        return n % 2 == 1

    app.add_template_test(odd)
    app.add_template_test(odd, "uneven")
    assert app.jinja_env.tests["even"] is even
    assert app.jinja_env.tests["big"] is is_big
    assert app.jinja_env.tests["odd"] is odd
    assert app.jinja_env.tests["uneven"] is odd
    with app.app_context():
        out = kolba.render_template_string("{{ 4 is even }} {{ 5 is big }} {{ 3 is uneven }}")
    assert out == "True False True"


def test_template_global_registration(app: kolba.Kolba) -> None:
    @app.template_global()
    def site_name() -> str:
        return "Kolba"

    @app.template_global("version")
    def get_version() -> str:
        return "1"

    def helper() -> str:
        return "h"

    app.add_template_global(helper)
    app.add_template_global(helper, "other")
    assert app.jinja_env.globals["site_name"] is site_name
    assert app.jinja_env.globals["version"] is get_version
    assert app.jinja_env.globals["helper"] is helper
    assert app.jinja_env.globals["other"] is helper
    with app.app_context():
        out = kolba.render_template_string("{{ site_name() }}{{ version() }}{{ other() }}")
    assert out == "Kolba1h"


def test_template_decorators_return_function(app: kolba.Kolba) -> None:
    def f(x: Any) -> Any:
        return x

    assert app.template_filter()(f) is f
    assert app.template_test()(f) is f
    assert app.template_global()(f) is f
    assert app.context_processor(lambda: {}) is not None
    processor = app.shell_context_processor(dict)
    assert processor is dict


# --- async hooks and views (Kolba runs them natively; Flask needs asgiref) ----------------


@pytest.mark.kolba_only
def test_async_view_and_hooks(app: kolba.Kolba, client: Any) -> None:
    order: list[str] = []

    @app.before_request
    async def before() -> None:
        order.append("before")
        g.who = "async"

    @app.after_request
    async def after(response: Response) -> Response:
        order.append("after")
        response.headers["X-Async"] = "1"
        return response

    @app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        order.append("teardown")

    @app.route("/")
    async def index() -> str:
        order.append("view")
        return f"{g.who}:{request.path}"

    rv = client.get("/")
    assert rv.data == b"async:/"
    assert rv.headers["X-Async"] == "1"
    assert order == ["before", "view", "after", "teardown"]


@pytest.mark.kolba_only
def test_async_before_request_short_circuits(app: kolba.Kolba, client: Any) -> None:
    @app.before_request
    async def stop() -> tuple[str, int]:
        return "stopped", 401

    @app.route("/")
    async def index() -> str:
        return "view"

    rv = client.get("/")
    assert rv.status_code == 401
    assert rv.data == b"stopped"


@pytest.mark.kolba_only
def test_async_error_handler(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(ValueError)
    async def handle(e: ValueError) -> tuple[str, int]:
        return f"handled {e}", 422

    @app.route("/")
    async def index() -> str:
        raise ValueError("bad")

    rv = client.get("/")
    assert rv.status_code == 422
    assert rv.data == b"handled bad"


# -- hook registries edited directly, after serving began (Flask reads them live) --


def test_before_request_appended_directly_after_first_request(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index() -> str:
        return "view"

    assert client.get("/").data == b"view"
    app.before_request_funcs.setdefault(None, []).append(lambda: "hook")
    assert client.get("/").data == b"hook"
    app.before_request_funcs[None] = []
    assert client.get("/").data == b"view"


def test_after_and_teardown_appended_directly_after_first_request(app, client) -> None:  # type: ignore[no-untyped-def]
    torn: list[object] = []

    @app.route("/")
    def index() -> str:
        return "view"

    client.get("/")

    def tag(response):  # type: ignore[no-untyped-def]
        response.headers["X-Tag"] = "after"
        return response

    app.after_request_funcs[None].append(tag)
    app.teardown_request_funcs[None].append(torn.append)
    app.teardown_appcontext_funcs.append(torn.append)
    assert client.get("/").headers["X-Tag"] == "after"
    assert torn == [None, None]


@pytest.mark.parametrize("path", ["/plain", "/typed/7"])
def test_a_url_value_preprocessor_can_give_any_view_arguments(app: kolba.Kolba, client: Any, path: str) -> None:
    """The view gets the arguments as the preprocessors leave them, even for a rule without any.

    (The core calls a view without ``**`` when it has no arguments; what
    counts is the dict after the preprocessors ran, not the match's.)
    """

    @app.url_value_preprocessor
    def add_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        assert values is not None
        values["lang"] = "pl"

    @app.route("/plain")
    def plain(lang: str) -> str:
        return f"plain {lang}"

    @app.route("/typed/<int:n>")
    def typed(n: int, lang: str) -> str:
        return f"typed {n} {lang}"

    response = client.get(path)
    assert response.status_code == 200
    assert response.text == ("plain pl" if path == "/plain" else "typed 7 pl")
