"""Class-based views: View and MethodView through a real app."""

from __future__ import annotations

import functools
import typing as t

import pytest

import kolba
from kolba.views import MethodView, View

#: Flask runs async views through asgiref, which Kolba does not need.
RUNNING_FLASK = kolba.Kolba.__module__.startswith("flask")


def add_header(name: str) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
    """A view decorator that records its order in a response header."""

    def decorator(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(view)
        def wrapped(**kwargs: t.Any) -> t.Any:
            rv = kolba.make_response(view(**kwargs))
            rv.headers["X-Order"] = ",".join(filter(None, [rv.headers.get("X-Order"), name]))
            return rv

        return wrapped

    return decorator


# -- View ---------------------------------------------------------------------------


class Greeting(View):
    """Say hello."""

    def __init__(self, greeting: str = "Hello", *, punctuation: str = "!") -> None:
        self.greeting = greeting
        self.punctuation = punctuation

    def dispatch_request(self, name: str) -> str:
        return f"{self.greeting}, {name}{self.punctuation}"


def test_view_dispatch_with_url_variables_and_class_arguments(
    app: kolba.Kolba, client: t.Any
) -> None:
    app.add_url_rule("/hi/<name>", view_func=Greeting.as_view("hi", "Hi", punctuation="?"))
    app.add_url_rule("/hello/<name>", view_func=Greeting.as_view("hello"))
    assert client.get("/hi/Ann").data == b"Hi, Ann?"
    assert client.get("/hello/Bo").data == b"Hello, Bo!"
    with app.test_request_context():
        assert kolba.url_for("hi", name="x") == "/hi/x"


def test_as_view_attributes() -> None:
    view = Greeting.as_view("greet")
    assert view.view_class is Greeting  # type: ignore[attr-defined]
    assert view.__name__ == "greet"
    assert view.__doc__ == "Say hello."
    assert view.__module__ == Greeting.__module__
    assert view.methods is None  # type: ignore[attr-defined]
    assert view.provide_automatic_options is None  # type: ignore[attr-defined]

    class Posting(View):
        methods = ["POST"]
        provide_automatic_options = False

    posting = Posting.as_view("posting")
    assert posting.methods == ["POST"]  # type: ignore[attr-defined]
    assert posting.provide_automatic_options is False  # type: ignore[attr-defined]
    assert posting.__doc__ is None


def test_view_methods_restrict_the_route(app: kolba.Kolba, client: t.Any) -> None:
    class Posting(View):
        methods = ["POST"]

        def dispatch_request(self) -> str:
            return kolba.request.method

    app.add_url_rule("/", view_func=Posting.as_view("posting"))
    assert client.post("/").data == b"POST"
    rv = client.get("/")
    assert rv.status_code == 405
    assert sorted(rv.headers["Allow"].split(", ")) == ["OPTIONS", "POST"]


def test_view_without_automatic_options(app: kolba.Kolba, client: t.Any) -> None:
    class NoOptions(View):
        methods = ["GET"]
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return "got"

    app.add_url_rule("/", view_func=NoOptions.as_view("no_options"))
    assert client.get("/").data == b"got"
    assert client.options("/").status_code == 405


def test_base_view_must_be_overridden(app: kolba.Kolba, client: t.Any) -> None:
    app.add_url_rule("/", view_func=View.as_view("bare"))
    with pytest.raises(NotImplementedError):
        client.get("/")


def test_init_every_request_builds_an_instance_per_request(
    app: kolba.Kolba, client: t.Any
) -> None:
    created: list[object] = []

    class Counting(View):
        def __init__(self) -> None:
            created.append(self)

        def dispatch_request(self) -> str:
            return str(len(created))

    app.add_url_rule("/", view_func=Counting.as_view("counting"))
    assert created == []
    assert client.get("/").data == b"1"
    assert client.get("/").data == b"2"
    assert created[0] is not created[1]


def test_init_every_request_false_shares_one_instance(app: kolba.Kolba, client: t.Any) -> None:
    created: list[object] = []

    class Shared(View):
        init_every_request = False

        def __init__(self, label: str) -> None:
            created.append(self)
            self.label = label
            self.hits = 0

        def dispatch_request(self) -> str:
            self.hits += 1
            return f"{self.label}{self.hits}"

    app.add_url_rule("/", view_func=Shared.as_view("shared", "hit"))
    assert len(created) == 1  # built by as_view, before any request
    assert client.get("/").data == b"hit1"
    assert client.get("/").data == b"hit2"
    assert len(created) == 1


def test_view_class_attribute_can_be_swapped(app: kolba.Kolba, client: t.Any) -> None:
    class Real(View):
        def dispatch_request(self) -> str:
            return "real"

    class Stand(Real):
        def dispatch_request(self) -> str:
            return "stand-in"

    view = Real.as_view("swap")
    app.add_url_rule("/", view_func=view)
    assert client.get("/").data == b"real"
    view.view_class = Stand  # type: ignore[attr-defined]
    assert client.get("/").data == b"stand-in"


def test_decorators_apply_in_order(app: kolba.Kolba, client: t.Any) -> None:
    seen_names: list[str] = []

    def record_name(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        seen_names.append(view.__name__)
        return view

    class Decorated(View):
        """Decorated docs."""

        decorators = [record_name, add_header("inner"), add_header("outer")]

        def dispatch_request(self) -> str:
            return "body"

    view = Decorated.as_view("decorated")
    assert seen_names == ["decorated"]
    assert view.__name__ == "decorated"
    assert view.__doc__ == "Decorated docs."
    assert view.view_class is Decorated  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=view)
    rv = client.get("/")
    assert rv.data == b"body"
    assert rv.headers["X-Order"] == "inner,outer"


def test_decorators_with_a_shared_instance(app: kolba.Kolba, client: t.Any) -> None:
    class SharedDecorated(View):
        init_every_request = False
        decorators = [add_header("only")]

        def dispatch_request(self, item: int) -> str:
            return f"item {item}"

    app.add_url_rule("/<int:item>", view_func=SharedDecorated.as_view("shared_decorated"))
    rv = client.get("/7")
    assert rv.data == b"item 7"
    assert rv.headers["X-Order"] == "only"


def test_swapping_view_class_works_through_decorators(app: kolba.Kolba, client: t.Any) -> None:
    class Real(View):
        decorators = [add_header("wrapped")]

        def dispatch_request(self) -> str:
            return "real"

    class Stand(Real):
        def dispatch_request(self) -> str:
            return "stand-in"

    view = Real.as_view("swap_decorated")
    app.add_url_rule("/", view_func=view)
    view.view_class = Stand  # type: ignore[attr-defined]
    rv = client.get("/")
    assert rv.data == b"stand-in"
    assert rv.headers["X-Order"] == "wrapped"


def test_swapping_view_class_does_not_affect_a_shared_instance(
    app: kolba.Kolba, client: t.Any
) -> None:
    class Real(View):
        init_every_request = False

        def dispatch_request(self) -> str:
            return type(self).__name__

    class Stand(Real):
        pass

    view = Real.as_view("swap_shared")
    app.add_url_rule("/", view_func=view)
    view.view_class = Stand  # type: ignore[attr-defined]
    assert client.get("/").data == b"Real"


def test_decorators_see_the_endpoint_name_and_module() -> None:
    seen: list[tuple[str, str, t.Any]] = []

    def record(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        seen.append((view.__name__, view.__module__, getattr(view, "view_class", None)))
        return view

    class Recorded(View):
        decorators = [record, record]

        def dispatch_request(self) -> str:
            return ""

    Recorded.as_view("recorded")
    assert seen == [("recorded", __name__, None)] * 2


def test_undocumented_subclass_view_has_no_docstring() -> None:
    class Undocumented(Greeting):
        pass

    assert Undocumented.as_view("undocumented").__doc__ is None


def test_each_as_view_call_makes_a_new_function() -> None:
    first = Greeting.as_view("one")
    second = Greeting.as_view("one")
    assert first is not second
    first.view_class = Greeting  # type: ignore[attr-defined]
    assert second.view_class is Greeting  # type: ignore[attr-defined]


# -- MethodView ---------------------------------------------------------------------


class Counter(MethodView):
    def get(self) -> str:
        return "count"

    def post(self) -> str:
        return "added"


def test_method_view_collects_methods() -> None:
    assert Counter.methods == {"GET", "POST"}

    class WithDelete(Counter):
        def delete(self) -> str:
            return "deleted"

    assert WithDelete.methods == {"GET", "POST", "DELETE"}

    class Mixin:
        def put(self) -> str:
            return "put"

    class Mixed(Mixin, MethodView):
        pass

    assert Mixed.methods == {"PUT"}

    class Explicit(MethodView):
        methods = ["GET"]

        def get(self) -> str:
            return ""

        def patch(self) -> str:
            return ""

    assert Explicit.methods == ["GET"]

    class Empty(MethodView):
        pass

    assert Empty.methods is None


def test_method_view_inherits_base_methods_declared_explicitly() -> None:
    class Base(MethodView):
        methods = ["GET", "PROPFIND"]

        def get(self) -> str:
            return ""

    class Child(Base):
        def post(self) -> str:
            return ""

    assert Child.methods == {"GET", "PROPFIND", "POST"}


def test_method_view_dispatches_by_method(app: kolba.Kolba, client: t.Any) -> None:
    app.add_url_rule("/counter", view_func=Counter.as_view("counter"))
    assert client.get("/counter").data == b"count"
    assert client.post("/counter").data == b"added"
    rv = client.head("/counter")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["Content-Length"] == "5"
    rv = client.options("/counter")
    assert sorted(rv.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS", "POST"]


def test_method_view_undefined_method_is_405(app: kolba.Kolba, client: t.Any) -> None:
    app.add_url_rule("/counter", view_func=Counter.as_view("counter"))
    rv = client.put("/counter")
    assert rv.status_code == 405
    assert sorted(rv.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS", "POST"]
    assert client.delete("/counter").status_code == 405


def test_method_view_explicit_head_wins(app: kolba.Kolba, client: t.Any) -> None:
    calls: list[str] = []

    class WithHead(MethodView):
        def get(self) -> str:
            calls.append("get")
            return "get"

        def head(self) -> t.Any:
            calls.append("head")
            return "", 204

    app.add_url_rule("/", view_func=WithHead.as_view("with_head"))
    assert client.head("/").status_code == 204
    assert calls == ["head"]


def test_method_view_unimplemented_method(app: kolba.Kolba, client: t.Any) -> None:
    class Declared(MethodView):
        methods = ["GET", "POST"]

        def get(self) -> str:
            return "get"

    app.add_url_rule("/", view_func=Declared.as_view("declared"))
    assert client.get("/").data == b"get"
    with pytest.raises(AssertionError, match="Unimplemented method 'POST'"):
        client.post("/")


def test_method_view_url_variables_and_arguments(app: kolba.Kolba, client: t.Any) -> None:
    class Items(MethodView):
        init_every_request = False

        def __init__(self, store: dict[int, str]) -> None:
            self.store = store

        def get(self, item_id: int) -> t.Any:
            return {"id": item_id, "name": self.store[item_id]}

        def delete(self, item_id: int) -> t.Any:
            del self.store[item_id]
            return "", 204

    store = {1: "one", 2: "two"}
    app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("items", store))
    assert client.get("/items/2").get_json() == {"id": 2, "name": "two"}
    assert client.delete("/items/2").status_code == 204
    assert store == {1: "one"}


def test_method_view_async_handlers(app: kolba.Kolba, client: t.Any) -> None:
    if RUNNING_FLASK:
        pytest.importorskip("asgiref")

    class AsyncView(MethodView):
        async def get(self) -> str:
            return "async get"

        def post(self) -> str:
            return "sync post"

    app.add_url_rule("/", view_func=AsyncView.as_view("async_view"))
    assert client.get("/").data == b"async get"
    assert client.post("/").data == b"sync post"


def test_async_view_dispatch_request(app: kolba.Kolba, client: t.Any) -> None:
    if RUNNING_FLASK:
        pytest.importorskip("asgiref")

    class AsyncPlain(View):
        async def dispatch_request(self) -> str:
            return "async dispatch"

    app.add_url_rule("/", view_func=AsyncPlain.as_view("async_plain"))
    assert client.get("/").data == b"async dispatch"


@pytest.mark.parametrize("shared", [True, False])
def test_view_function_needs_an_app_context(shared: bool) -> None:
    class Plain(View):
        init_every_request = not shared

        def dispatch_request(self) -> str:
            return "plain"

    with pytest.raises(RuntimeError, match="Working outside of application context"):
        Plain.as_view("plain")()
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        Counter().dispatch_request()
