"""Application and request contexts, the context-local proxies, and helpers built on them."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any

import pytest
from werkzeug.exceptions import NotFound

import kolba
from kolba import (
    Response,
    after_this_request,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
    stream_with_context,
)
from kolba.globals import app_ctx, request_ctx

NO_APP = "Working outside of application context."
NO_REQ = "Working outside of request context."


def isolated(fn: Any) -> Any:
    """Run ``fn`` in a copied contextvars context so a broken push/pop cannot leak into other tests."""
    return contextvars.copy_context().run(fn)


# --- proxies outside any context ---------------------------------------------


def test_current_app_outside_context_raises() -> None:
    with pytest.raises(RuntimeError) as info:
        current_app.name
    assert NO_APP in str(info.value)


def test_g_outside_context_raises() -> None:
    with pytest.raises(RuntimeError) as info:
        g.x = 1
    assert NO_APP in str(info.value)


def test_request_outside_context_raises() -> None:
    with pytest.raises(RuntimeError) as info:
        request.args
    assert NO_REQ in str(info.value)


def test_session_outside_context_raises() -> None:
    with pytest.raises(RuntimeError) as info:
        session.get("x")
    assert NO_REQ in str(info.value)


def test_request_outside_request_but_inside_app_context_raises(app: kolba.Kolba) -> None:
    with app.app_context():
        assert current_app.name == "kolba_test"
        with pytest.raises(RuntimeError) as info:
            request.path
        assert NO_REQ in str(info.value)


def test_has_context_flags_outside() -> None:
    assert has_app_context() is False
    assert has_request_context() is False


def test_proxies_are_falsy_outside_context() -> None:
    assert not current_app
    assert not request
    assert not g
    assert not session


def test_current_app_in_thread_without_context_raises(app: kolba.Kolba) -> None:
    seen: dict[str, Any] = {}

    def worker() -> None:
        seen["has_app"] = has_app_context()
        seen["has_req"] = has_request_context()
        try:
            current_app.name
        except RuntimeError as e:
            seen["error"] = str(e)

    with app.test_request_context("/main"):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert request.path == "/main"
    assert seen["has_app"] is False
    assert seen["has_req"] is False
    assert NO_APP in seen["error"]


# --- app context ---------------------------------------------------------------


def test_app_context_push_pop(app: kolba.Kolba) -> None:
    ctx = app.app_context()
    ctx.push()
    try:
        assert has_app_context()
        assert not has_request_context()
        assert current_app._get_current_object() is app
        assert ctx.app is app
    finally:
        ctx.pop()
    assert not has_app_context()


def test_app_context_with_statement_returns_context(app: kolba.Kolba) -> None:
    with app.app_context() as ctx:
        assert app_ctx._get_current_object() is ctx
        assert ctx.g is g._get_current_object()
    assert not has_app_context()


def test_app_ctx_fixture(app: kolba.Kolba, app_ctx: Any) -> None:
    assert current_app._get_current_object() is app
    assert app_ctx.app is app


def test_nested_app_contexts_of_same_app_have_separate_g(app: kolba.Kolba) -> None:
    with app.app_context():
        g.value = "outer"
        with app.app_context():
            assert "value" not in g
            g.value = "inner"
            assert g.value == "inner"
        assert g.value == "outer"


def test_nested_app_contexts_of_different_apps(app: kolba.Kolba) -> None:
    other = kolba.Kolba("other")
    with app.app_context():
        with other.app_context():
            assert current_app._get_current_object() is other
            assert current_app.name == "other"
        assert current_app._get_current_object() is app


def test_same_app_context_pushed_twice_tears_down_once(app: kolba.Kolba) -> None:
    calls: list[Any] = []
    app.teardown_appcontext(calls.append)
    ctx = app.app_context()
    ctx.push()
    ctx.push()
    ctx.pop()
    assert calls == []
    assert has_app_context()
    ctx.pop()
    assert calls == [None]
    assert not has_app_context()


def test_teardown_appcontext_receives_exception_from_with_block(app: kolba.Kolba) -> None:
    calls: list[Any] = []
    app.teardown_appcontext(calls.append)
    with pytest.raises(ValueError):
        with app.app_context():
            raise ValueError("boom")
    assert len(calls) == 1
    assert isinstance(calls[0], ValueError)
    assert str(calls[0]) == "boom"


def test_app_context_pop_explicit_exception(app: kolba.Kolba) -> None:
    calls: list[Any] = []
    app.teardown_appcontext(calls.append)
    err = KeyError("k")
    ctx = app.app_context()
    ctx.push()
    ctx.pop(err)
    assert calls == [err]


def test_popping_wrong_app_context_raises_assertion(app: kolba.Kolba) -> None:
    def scenario() -> str:
        first = app.app_context()
        second = app.app_context()
        first.push()
        second.push()
        with pytest.raises(AssertionError) as info:
            first.pop()
        return str(info.value)

    message = isolated(scenario)
    assert "Popped wrong app context" in message


def test_popping_wrong_request_context_raises_assertion(app: kolba.Kolba) -> None:
    def scenario() -> str:
        first = app.test_request_context("/a")
        second = app.test_request_context("/b")
        first.push()
        second.push()
        with pytest.raises(AssertionError) as info:
            first.pop()
        return str(info.value)

    message = isolated(scenario)
    assert "Popped wrong request context" in message


# --- g --------------------------------------------------------------------------


def test_g_attribute_set_get_delete(app_ctx: Any) -> None:
    g.x = 1
    assert g.x == 1
    assert app_ctx.g.x == 1
    del g.x
    with pytest.raises(AttributeError):
        g.x
    with pytest.raises(AttributeError):
        del g.x


def test_g_missing_attribute_raises_attribute_error(app_ctx: Any) -> None:
    with pytest.raises(AttributeError):
        g.nope
    assert getattr(g, "nope", "fallback") == "fallback"
    assert not hasattr(g, "nope")


def test_g_missing_attribute_names_it_as_flask_does(app: kolba.Kolba) -> None:
    """The message is the bare name, on the first and on later reads, as Flask's ``g`` says it.

    A property of a custom ``g`` class that raises AttributeError itself is
    reported by the name read, as Flask's ``__getattr__`` fallback does.
    """

    class Globals(app.app_ctx_globals_class):  # type: ignore[name-defined, misc]
        @property
        def broken(self) -> Any:
            raise AttributeError("inner")

    for _ in range(3):
        with app.app_context():
            with pytest.raises(AttributeError) as missing:
                g.never_set_anywhere
            assert str(missing.value) == "never_set_anywhere"
    app.app_ctx_globals_class = Globals
    for _ in range(3):
        with app.app_context():
            with pytest.raises(AttributeError) as broken:
                g.broken
            assert str(broken.value) == "broken"


def test_g_get(app_ctx: Any) -> None:
    assert g.get("a") is None
    assert g.get("a", 5) == 5
    g.a = 0
    assert g.get("a", 5) == 0


def test_g_pop(app_ctx: Any) -> None:
    g.a = "value"
    assert g.pop("a") == "value"
    assert "a" not in g
    assert g.pop("a", "default") == "default"
    with pytest.raises(KeyError):
        g.pop("a")


def test_g_setdefault(app_ctx: Any) -> None:
    assert g.setdefault("items", []) == []
    g.items.append(1)
    assert g.setdefault("items", ["ignored"]) == [1]
    assert g.setdefault("none") is None
    assert "none" in g


def test_g_contains_and_iter(app_ctx: Any) -> None:
    assert "a" not in g
    assert list(g) == []
    g.a = 1
    g.b = 2
    assert "a" in g
    assert sorted(iter(g)) == ["a", "b"]


def test_g_repr_names_app(app_ctx: Any) -> None:
    assert "kolba_test" in repr(g)


def test_g_is_per_app_context(app: kolba.Kolba) -> None:
    with app.app_context():
        g.x = 1
    with app.app_context():
        assert "x" not in g


def test_request_inside_app_context_shares_g(app: kolba.Kolba) -> None:
    with app.app_context() as actx:
        g.user = "alice"
        with app.test_request_context("/"):
            assert g.user == "alice"
            assert app_ctx._get_current_object() is actx
            g.extra = 1
        assert g.extra == 1


def test_request_inside_app_context_of_other_app_gets_own_g(app: kolba.Kolba) -> None:
    other = kolba.Kolba("other")
    with other.app_context():
        g.user = "alice"
        with app.test_request_context("/"):
            assert current_app.name == "kolba_test"
            assert "user" not in g
        assert g.user == "alice"
        assert current_app.name == "other"


def test_request_pushes_and_pops_its_own_app_context(app: kolba.Kolba) -> None:
    with app.test_request_context("/"):
        assert has_app_context()
        assert has_request_context()
        assert current_app._get_current_object() is app
    assert not has_app_context()
    assert not has_request_context()


def test_g_inside_view_shared_with_hooks(app: kolba.Kolba, client: Any) -> None:
    @app.before_request
    def load() -> None:
        g.who = "hook"

    @app.route("/")
    def index() -> str:
        return str(g.who)

    assert client.get("/").data == b"hook"


# --- proxies inside contexts -------------------------------------------------------


def test_proxy_get_current_object(app: kolba.Kolba) -> None:
    with app.test_request_context("/x") as ctx:
        assert current_app._get_current_object() is app
        assert request._get_current_object() is ctx.request
        assert isinstance(request._get_current_object(), app.request_class)
        assert request_ctx._get_current_object() is ctx
        assert g._get_current_object() is app_ctx.g
        assert session._get_current_object() is ctx.session


def test_proxy_equality_and_identity(app: kolba.Kolba, app_ctx: Any) -> None:
    assert current_app == app
    assert current_app is not app
    assert current_app.name == app.name


def test_proxy_isinstance(app: kolba.Kolba, req_ctx: Any) -> None:
    assert isinstance(current_app, kolba.Kolba)
    assert isinstance(request, kolba.Request)


def test_proxies_truthy_inside_context(req_ctx: Any) -> None:
    assert current_app
    assert request
    assert has_app_context() and has_request_context()


def test_proxy_repr(app: kolba.Kolba) -> None:
    with app.test_request_context("/x?y=1", method="POST"):
        assert repr(request) == "<Request 'http://localhost/x?y=1' [POST]>"
        assert repr(current_app) == f"<{type(app).__name__} 'kolba_test'>"


def test_setting_attribute_through_request_proxy(req_ctx: Any) -> None:
    request.custom = 42
    assert req_ctx.request.custom == 42
    assert request.custom == 42


def test_request_ctx_and_app_ctx_proxies(app: kolba.Kolba) -> None:
    with app.test_request_context("/p") as rctx:
        assert request_ctx.request is rctx.request
        assert request_ctx.app is app
        assert app_ctx.app is app
        assert app_ctx.g is g._get_current_object()


def test_request_ctx_proxy_outside_raises() -> None:
    with pytest.raises(RuntimeError) as info:
        request_ctx.request
    assert NO_REQ in str(info.value)
    with pytest.raises(RuntimeError) as info:
        app_ctx.app
    assert NO_APP in str(info.value)


def test_session_proxy_inside_request(req_ctx: Any) -> None:
    assert session.get("missing") is None
    session["a"] = 1
    assert session["a"] == 1
    assert session.modified is True
    assert req_ctx.session["a"] == 1


def _read_through_every_proxy(app: kolba.Kolba) -> None:
    with app.test_request_context("/?a=1"):
        request.learned_probe = "set"
        g.learned_probe = "set"
        session["k"] = "v"
        assert request.learned_probe == "set" and g.learned_probe == "set"
        assert request.args["a"] == "1" and session.get("k") == "v"
        assert current_app.import_name == app.import_name


def test_proxy_reads_answer_alike_the_second_time(app: kolba.Kolba) -> None:
    """Names read once (and so learned by Kolba's proxies) answer as before later."""
    _read_through_every_proxy(app)
    with app.test_request_context("/"):
        # Read before, absent from this request: the usual AttributeError.
        with pytest.raises(AttributeError, match="learned_probe"):
            request.learned_probe
        with pytest.raises(AttributeError, match="learned_probe"):
            g.learned_probe
        assert getattr(g, "learned_probe", "default") == "default"
        assert not hasattr(request, "learned_probe")
        assert request.args.get("a") is None
    for proxy, message in ((request, NO_REQ), (g, NO_APP), (current_app, NO_APP), (session, NO_REQ)):
        with pytest.raises(RuntimeError, match=message):
            proxy.import_name if proxy is current_app else proxy.get


@pytest.mark.kolba_only
def test_proxies_learn_the_names_read_through_them(app: kolba.Kolba) -> None:
    """perf: a name read once becomes a property of the proxy's own type."""
    _read_through_every_proxy(app)
    learned = [(request, "args"), (g, "learned_probe"), (current_app, "import_name"), (session, "get")]
    for proxy, name in learned:
        assert isinstance(vars(type(proxy)).get(name), property), name
    assert type(request) is not type(g) and type(current_app) is not type(session)


def test_proxies_read_names_that_are_not_identifiers(app: kolba.Kolba) -> None:
    """A name only ``getattr`` can spell is forwarded as well (not written into source)."""
    with app.test_request_context("/?a=1"):
        setattr(request._get_current_object(), "odd name", 1)
        g_obj = g._get_current_object()
        setattr(g_obj, "odd-name", 2)
        for _ in range(2):  # learned, then through the learned property
            assert getattr(request, "odd name") == 1 and getattr(g, "odd-name") == 2
        with pytest.raises(AttributeError):
            getattr(request, "class")
        assert getattr(g, "import", "default") == "default"


@pytest.mark.kolba_only
def test_the_request_proxy_reads_kept_attributes_without_their_descriptor() -> None:
    """perf: ``request.form`` (and args, cookies, headers) runs no ``__get__``, first read included."""
    from kolba.wrappers import UNREAD
    from tests._calls import assert_not_called, calls_made

    app = kolba.Kolba(__name__)
    for learned in (False, True, True):  # the proxy learns the names, then their classes
        with app.test_request_context("/?q=1", method="POST", data={"a": "b"},
                                      headers={"Cookie": "c=d"}):
            assert request._get_current_object()._kept_form is UNREAD
            found, called = calls_made(lambda: (request.form["a"], request.args["q"],
                                                request.cookies["c"], request.headers["Cookie"]))
            assert found == ("b", "1", "d", "c=d")
            if learned:
                assert_not_called(called, "kolba.wrappers.kept_attribute.__get__")
            assert request._get_current_object()._kept_form is request.form


def test_a_request_class_may_redefine_a_kept_attribute() -> None:
    """A subclass's own ``form`` answers every read through the proxy, uncached."""

    class Counting(kolba.Request):
        reads = 0

        @property
        def form(self) -> Any:
            Counting.reads += 1
            return {"read": Counting.reads}

    class Inheriting(kolba.Request):
        pass

    app = kolba.Kolba(__name__)
    app.request_class = Counting
    with app.test_request_context("/", method="POST", data={"a": "b"}):
        assert request.form == {"read": 1} and request.form == {"read": 2}
    app.request_class = Inheriting
    with app.test_request_context("/", method="POST", data={"a": "b"}):
        assert request.form["a"] == "b" and request.form is request.form


def test_proxies_do_not_learn_dunder_names(req_ctx: Any) -> None:
    """Protocols look dunders up on the type, so those are never added to it."""
    with pytest.raises(AttributeError):
        request.__fspath__
    assert "__fspath__" not in type(request).__dict__
    with pytest.raises(TypeError):
        import os

        os.fspath(request)  # type: ignore[call-overload]


def test_req_ctx_fixture(req_ctx: Any) -> None:
    assert request.path == "/"
    assert request.method == "GET"


# --- test_request_context ------------------------------------------------------------


def test_test_request_context_defaults(app: kolba.Kolba) -> None:
    with app.test_request_context():
        assert request.method == "GET"
        assert request.path == "/"
        assert request.url == "http://localhost/"
        assert request.host == "localhost"
        assert request.scheme == "http"


def test_test_request_context_full_arguments(app: kolba.Kolba) -> None:
    with app.test_request_context(
        "/p?x=1",
        method="POST",
        data={"a": "b"},
        headers={"X-Thing": "yes"},
        base_url="https://example.org/root",
    ):
        assert request.method == "POST"
        assert request.url == "https://example.org/root/p?x=1"
        assert request.script_root == "/root"
        assert request.path == "/p"
        assert request.args["x"] == "1"
        assert request.form["a"] == "b"
        assert request.headers["X-Thing"] == "yes"
        assert request.host == "example.org"
        assert request.is_secure


def test_test_request_context_json(app: kolba.Kolba) -> None:
    with app.test_request_context("/", method="POST", json={"k": [1, 2]}):
        assert request.is_json
        assert request.mimetype == "application/json"
        assert request.get_json() == {"k": [1, 2]}


def test_test_request_context_query_string(app: kolba.Kolba) -> None:
    with app.test_request_context("/s", query_string={"q": "v", "n": "1"}):
        assert request.args.to_dict() == {"q": "v", "n": "1"}


def test_test_request_context_subdomain_and_scheme(app: kolba.Kolba) -> None:
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/x", subdomain="api", url_scheme="https"):
        assert request.host == "api.example.com"
        assert request.url == "https://api.example.com/x"


def test_test_request_context_matches_route(app: kolba.Kolba) -> None:
    @app.route("/user/<int:uid>")
    def user(uid: int) -> str:
        return str(uid)

    with app.test_request_context("/user/7"):
        assert request.endpoint == "user"
        assert request.view_args == {"uid": 7}
        assert request.url_rule is not None
        assert request.url_rule.rule == "/user/<int:uid>"
        assert request.routing_exception is None


def test_test_request_context_unmatched_route(app: kolba.Kolba) -> None:
    with app.test_request_context("/nothing"):
        assert request.endpoint is None
        assert request.url_rule is None
        assert isinstance(request.routing_exception, NotFound)


def test_test_request_context_environ_base(app: kolba.Kolba) -> None:
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "10.0.0.1"}):
        assert request.remote_addr == "10.0.0.1"


# --- after_this_request ------------------------------------------------------------


def test_after_this_request_modifies_response(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        @after_this_request
        def add_header(response: Response) -> Response:
            response.headers["X-Foo"] = "Parachute"
            return response

        return "Hello"

    rv = client.get("/")
    assert rv.headers["X-Foo"] == "Parachute"
    assert rv.data == b"Hello"


def test_after_this_request_can_replace_response(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        after_this_request(lambda r: Response("replaced", status=202))
        return "original"

    rv = client.get("/")
    assert rv.status_code == 202
    assert rv.data == b"replaced"


def test_after_this_request_runs_before_after_request_in_order(
    app: kolba.Kolba, client: Any
) -> None:
    order: list[str] = []

    @app.after_request
    def app_hook(r: Response) -> Response:
        order.append("app")
        return r

    @app.route("/")
    def index() -> str:
        def one(r: Response) -> Response:
            order.append("one")
            return r

        def two(r: Response) -> Response:
            order.append("two")
            return r

        after_this_request(one)
        after_this_request(two)
        return ""

    client.get("/")
    assert order == ["one", "two", "app"]


def test_after_this_request_returns_function(req_ctx: Any) -> None:
    def f(r: Response) -> Response:
        return r

    assert after_this_request(f) is f


def test_after_this_request_outside_request_raises(app: kolba.Kolba) -> None:
    with pytest.raises(RuntimeError, match="after_this_request"):
        after_this_request(lambda r: r)
    with app.app_context():
        with pytest.raises(RuntimeError, match="after_this_request"):
            after_this_request(lambda r: r)


def test_after_this_request_only_affects_current_request(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        if request.args.get("mark"):
            after_this_request(_mark)
        return ""

    def _mark(r: Response) -> Response:
        r.headers["X-Mark"] = "1"
        return r

    assert client.get("/?mark=1").headers.get("X-Mark") == "1"
    assert "X-Mark" not in client.get("/").headers


# --- copy_current_request_context ----------------------------------------------------


def test_copy_current_request_context_in_thread(app: kolba.Kolba, client: Any) -> None:
    seen: dict[str, Any] = {}

    @app.route("/work")
    def work() -> str:
        session["k"] = "sv"
        g.outer = "view"

        @copy_current_request_context
        def job(suffix: str) -> str:
            seen["path"] = request.path
            seen["arg"] = request.args["a"]
            seen["session"] = session.get("k")
            seen["app"] = current_app.name
            return request.path + suffix

        thread = threading.Thread(target=lambda: seen.setdefault("result", job("!")))
        thread.start()
        thread.join()
        return "ok"

    assert client.get("/work?a=1").data == b"ok"
    assert seen == {
        "path": "/work",
        "arg": "1",
        "session": "sv",
        "app": "kolba_test",
        "result": "/work!",
    }


def test_copy_current_request_context_keeps_function_name(req_ctx: Any) -> None:
    @copy_current_request_context
    def named_job() -> None:
        """Doc."""

    assert named_job.__name__ == "named_job"
    assert named_job.__doc__ == "Doc."


def test_copy_current_request_context_outside_request_raises() -> None:
    with pytest.raises(RuntimeError, match="copy_current_request_context"):
        copy_current_request_context(lambda: None)


def test_copy_current_request_context_call_outside_original(app: kolba.Kolba) -> None:
    with app.test_request_context("/orig?z=9"):
        job = copy_current_request_context(lambda: (request.path, request.args["z"]))
    assert not has_request_context()
    assert job() == ("/orig", "9")
    assert not has_request_context()


# --- stream_with_context -------------------------------------------------------------


def test_stream_with_context_wrapping_generator(app: kolba.Kolba, client: Any) -> None:
    @app.route("/stream")
    def stream() -> Response:
        def gen() -> Any:
            yield "Hello "
            yield request.args["name"]
            yield "!"

        return Response(stream_with_context(gen()))

    assert client.get("/stream?name=World").data == b"Hello World!"


def test_stream_with_context_as_decorator(app: kolba.Kolba, client: Any) -> None:
    @app.route("/stream")
    def stream() -> Response:
        g.prefix = ">"

        @stream_with_context
        def gen(count: int) -> Any:
            for i in range(count):
                yield f"{g.prefix}{request.path}{i}"

        return Response(gen(2))

    assert client.get("/stream").data == b">/stream0>/stream1"


def test_stream_without_context_cannot_see_request(app: kolba.Kolba, client: Any) -> None:
    @app.route("/stream")
    def stream() -> Response:
        def gen() -> Any:
            yield "a"
            yield request.path

        return Response(gen())

    with pytest.raises(RuntimeError) as info:
        client.get("/stream").get_data()
    assert NO_REQ in str(info.value)


def test_stream_with_context_outside_request_raises() -> None:
    def gen() -> Any:
        yield "x"

    with pytest.raises(RuntimeError, match="stream_with_context"):
        stream_with_context(gen())


def test_stream_with_context_restores_no_context_after_streaming(
    app: kolba.Kolba, client: Any
) -> None:
    @app.route("/stream")
    def stream() -> Response:
        return Response(stream_with_context(iter(["a", "b"])))

    assert client.get("/stream").data == b"ab"
    assert not has_request_context()
    assert not has_app_context()


# --- isolation across threads and tasks -------------------------------------------------


def test_contexts_isolated_across_threads(app: kolba.Kolba) -> None:
    barrier = threading.Barrier(2)
    seen: dict[str, Any] = {}

    def worker(path: str) -> None:
        with app.test_request_context(path):
            g.path = path
            barrier.wait()
            seen[path] = (request.path, g.path)

    threads = [threading.Thread(target=worker, args=(p,)) for p in ("/one", "/two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"/one": ("/one", "/one"), "/two": ("/two", "/two")}
    assert not has_request_context()


def test_context_pushed_in_thread_invisible_to_main(app: kolba.Kolba) -> None:
    pushed = threading.Event()
    release = threading.Event()

    def worker() -> None:
        with app.app_context():
            pushed.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    pushed.wait(5)
    try:
        assert not has_app_context()
    finally:
        release.set()
        thread.join()


def test_contexts_isolated_across_asyncio_tasks(app: kolba.Kolba) -> None:
    async def handle(path: str) -> tuple[str, str, bool]:
        with app.test_request_context(path):
            g.mark = path
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            return request.path, g.mark, has_request_context()

    async def main() -> list[tuple[str, str, bool]]:
        return list(await asyncio.gather(handle("/a"), handle("/b"), handle("/c")))

    assert asyncio.run(main()) == [
        ("/a", "/a", True),
        ("/b", "/b", True),
        ("/c", "/c", True),
    ]
    assert not has_request_context()


def test_asyncio_task_inherits_current_context(app: kolba.Kolba) -> None:
    async def read() -> str:
        return current_app.name

    with app.app_context():
        assert asyncio.run(read()) == "kolba_test"


def test_context_pushed_in_task_does_not_leak_to_caller(app: kolba.Kolba) -> None:
    async def push_only() -> bool:
        app.app_context().push()
        return has_app_context()

    async def main() -> tuple[bool, bool]:
        inner = await asyncio.create_task(push_only())
        return inner, has_app_context()

    assert asyncio.run(main()) == (True, False)
    assert not has_app_context()


# --- appcontext signals ---------------------------------------------------------------


def test_appcontext_pushed_and_popped_order(app: kolba.Kolba) -> None:
    events: list[tuple[str, bool]] = []

    def pushed(sender: Any, **extra: Any) -> None:
        events.append(("pushed", has_app_context()))

    def popped(sender: Any, **extra: Any) -> None:
        events.append(("popped", has_app_context()))

    def teardown(exc: BaseException | None) -> None:
        events.append(("teardown", has_app_context()))

    app.teardown_appcontext(teardown)
    with kolba.appcontext_pushed.connected_to(pushed, app), kolba.appcontext_popped.connected_to(
        popped, app
    ):
        with app.app_context():
            events.append(("body", has_app_context()))
    assert events == [
        ("pushed", True),
        ("body", True),
        ("teardown", True),
        ("popped", False),
    ]


def test_appcontext_pushed_receiver_sees_current_app(app: kolba.Kolba) -> None:
    seen: list[Any] = []

    def pushed(sender: Any, **extra: Any) -> None:
        seen.append(current_app._get_current_object())

    with kolba.appcontext_pushed.connected_to(pushed, app):
        with app.app_context():
            pass
    assert seen == [app]


def test_request_in_existing_app_context_does_not_push_another(app: kolba.Kolba) -> None:
    events: list[str] = []

    def pushed(sender: Any, **extra: Any) -> None:
        events.append("pushed")

    def popped(sender: Any, **extra: Any) -> None:
        events.append("popped")

    with kolba.appcontext_pushed.connected_to(pushed, app), kolba.appcontext_popped.connected_to(
        popped, app
    ):
        with app.app_context():
            with app.test_request_context("/"):
                events.append("request")
        with app.test_request_context("/"):
            events.append("alone")
    assert events == ["pushed", "request", "popped", "pushed", "alone", "popped"]


def test_stream_with_context_on_app_without_teardown(app, client) -> None:  # type: ignore[no-untyped-def]
    """The lean request lane (nothing to tear down) must keep stream order too."""

    @app.route("/rows")
    def rows():  # type: ignore[no-untyped-def]
        @kolba.stream_with_context
        def generate():  # type: ignore[no-untyped-def]
            yield "a="
            yield kolba.request.args["a"]

        return generate()

    assert client.get("/rows?a=1").data == b"a=1"
    assert client.get("/rows?a=2").data == b"a=2"
    assert not kolba.has_request_context()


def _slot_values(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every slot ``obj``'s classes declare, with its value (or a marker when unset)."""
    values = {}
    for klass in type(obj).__mro__:
        for name in getattr(klass, "__slots__", ()):
            if name not in ("__dict__", "__weakref__") and name not in skip:
                values[name] = getattr(obj, name, "<unset>")
    return values


@pytest.mark.kolba_only
def test_the_lean_lane_makes_contexts_as_their_classes_do(app: kolba.Kolba) -> None:
    """``enter_lean`` stands in for both contexts' ``__init__`` and a push (perf).

    A field added to either ``__init__`` must be set there too.
    """
    from werkzeug.test import EnvironBuilder

    from kolba.ctx import AppContext, RequestContext, enter_lean

    environ = EnvironBuilder("/").get_environ()

    def check() -> None:
        ctx = enter_lean(app, environ)
        try:
            assert request_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
            assert app_ctx._get_current_object() is ctx._app_ctx  # type: ignore[attr-defined]
            assert type(ctx) is RequestContext and type(ctx._app_ctx) is AppContext
            pushed = ("_pushes", "_app_ctx")  # what the push sets
            assert _slot_values(ctx, pushed) == _slot_values(RequestContext(app, environ), pushed)
            assert vars(ctx) == {}
            assert _slot_values(ctx._app_ctx) == _slot_values(AppContext(app))
            assert vars(ctx._app_ctx) == {}
            # the lean push records its token alone: it made no app context to pop
            assert len(ctx._pushes) == 1 and type(ctx._pushes[0]) is contextvars.Token
        finally:
            ctx._pop_lean()
        assert not has_app_context()

    isolated(check)

    def inside_the_apps_context() -> None:
        with app.app_context() as outer:
            ctx = enter_lean(app, environ)
            assert ctx._app_ctx is outer
            ctx._pop_lean()
            assert app_ctx._get_current_object() is outer  # type: ignore[attr-defined]
            assert not has_request_context()

    isolated(inside_the_apps_context)


@pytest.mark.kolba_only
def test_a_lean_context_popped_and_pushed_again_pops_whole(app: kolba.Kolba) -> None:
    """The lean push records its token alone; ``pop`` takes that entry, and
    ``_pop_lean`` after a later ``push`` (whose entry is a pair, with the app
    context it made) pops that push as ``pop`` would, app context included."""
    from werkzeug.test import EnvironBuilder

    from kolba.ctx import enter_lean

    environ = EnvironBuilder("/").get_environ()

    def check() -> None:
        ctx = enter_lean(app, environ)
        ctx.pop()
        assert not has_request_context() and not has_app_context()
        ctx.push()
        assert request_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        ctx._pop_lean()
        assert not has_request_context() and not has_app_context()

    isolated(check)


def test_a_view_that_pops_and_pushes_its_context_leaves_none_behind(app: kolba.Kolba) -> None:
    """A view may pop its request context and push it again; after the
    request, neither that push nor the app context it made is current."""

    @app.route("/again")
    def again() -> str:
        ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
        ctx.pop()
        ctx.push()
        g.mark = "set"
        return "ok"

    def check() -> None:
        client = app.test_client()
        for _ in range(2):
            assert client.get("/again").text == "ok"
            assert not has_request_context() and not has_app_context()

    isolated(check)


@pytest.mark.kolba_only
def test_other_modules_call_shared_objects_through_bound_methods() -> None:
    """``_get_frame``, ``_set_frame`` and ``_reset_frame`` are the context variable's own.

    CPython 3.11 compiles ``name.method(...)`` without its method-call fast
    path when ``name`` was imported into the module (it takes it for a
    module), building a bound method per call; so no Kolba module but the
    one defining ``_cv_frame`` (or ``_known_lengths``, the ASGI door's
    lookup) calls a method on it.
    """
    import dis
    import pkgutil
    import types
    from collections.abc import Iterator

    from kolba import globals as kolba_globals

    assert kolba_globals._get_frame == kolba_globals._cv_frame.get
    assert kolba_globals._set_frame.__self__ is kolba_globals._cv_frame
    assert kolba_globals._reset_frame.__self__ is kolba_globals._cv_frame

    def codes(code: types.CodeType) -> Iterator[types.CodeType]:
        yield code
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                yield from codes(const)

    found = []
    for module in pkgutil.walk_packages(kolba.__path__, "kolba."):
        spec = module.module_finder.find_spec(module.name, None)  # type: ignore[call-arg]
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        with open(spec.origin, encoding="utf-8") as file:
            top = compile(file.read(), spec.origin, "exec")
        for code in codes(top):
            steps = list(dis.get_instructions(code))
            for load, attr in zip(steps, steps[1:]):
                if (
                    load.opname == "LOAD_GLOBAL"
                    and load.argval in ("_cv_frame", "_known_lengths")
                    and attr.opname in ("LOAD_ATTR", "LOAD_METHOD")
                ):
                    if module.name not in ("kolba.globals", "kolba.wrappers"):
                        found.append(f"{module.name}:{attr.positions.lineno if attr.positions else '?'}")
    assert found == []
