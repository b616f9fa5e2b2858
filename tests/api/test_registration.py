"""Which views become typed, what registration does with them, and where typed views work."""

import asyncio
import subprocess
import sys
import textwrap
import typing as t

import pytest

from kolba import Blueprint, Kolba
from kolba.api import Body, Query
from kolba.views import MethodView, View

from ._helpers import invalid, payload
from .models import Order, Tag, User

pytestmark = pytest.mark.kolba_only


# -- plain views stay plain ---------------------------------------------------------------------------


def test_plain_views_are_registered_untouched(app: Kolba) -> None:
    def hello() -> str:
        return "hi"

    def show(id: int, name: str = "x") -> dict[str, t.Any]:
        return {"id": id}

    def untyped(id):  # type: ignore[no-untyped-def]
        return str(id)

    app.add_url_rule("/", view_func=hello)
    app.add_url_rule("/show/<int:id>", view_func=show)
    app.add_url_rule("/untyped/<id>", view_func=untyped)
    assert app.view_functions["hello"] is hello
    assert app.view_functions["show"] is show
    assert app.view_functions["untyped"] is untyped
    assert not any(hasattr(rule, "api_route") for rule in app.url_map.iter_rules())


def test_annotations_only_known_to_type_checkers_leave_a_view_plain(app: Kolba) -> None:
    def view(id: "UnknownName") -> "AlsoUnknown":  # type: ignore[name-defined]  # noqa: F821
        return str(id)

    app.add_url_rule("/v/<id>", view_func=view)
    assert app.view_functions["view"] is view
    assert app.test_client().get("/v/3").data == b"3"


def test_importing_kolba_and_plain_views_do_not_load_the_typed_machinery() -> None:
    script = textwrap.dedent(
        """
        import sys
        from kolba import Kolba, Blueprint
        app = Kolba("plain")

        @app.route("/<int:id>")
        def view(id: int) -> str:
            return str(id)

        bp = Blueprint("bp", "plain")

        @bp.route("/x")
        def x() -> str:
            return "x"

        app.register_blueprint(bp, url_prefix="/bp")
        app.test_client().get("/1")
        print(sorted(m for m in sys.modules if m.startswith(("kolba.api", "msgspec", "pydantic"))))
        """
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    # Only the first look at annotated views: neither the compiler nor any engine.
    assert found.stdout.strip() == "['kolba.api', 'kolba.api._detect']"


# -- what makes a view typed ------------------------------------------------------------------------------


def test_markers_models_returns_and_options_make_a_view_typed(app: Kolba) -> None:
    def marker(q: t.Annotated[str, Query()]) -> str:
        return q

    def model(tag: Tag) -> str:
        return tag.name

    def returns() -> Tag:
        return Tag("r")

    def option() -> t.Any:
        return {"name": "o"}

    app.add_url_rule("/marker", view_func=marker)
    app.add_url_rule("/model", view_func=model, methods=["POST"])
    app.add_url_rule("/returns", view_func=returns)
    app.add_url_rule("/option", view_func=option, response=Tag)
    for endpoint, view in [("marker", marker), ("model", model), ("returns", returns), ("option", option)]:
        registered = app.view_functions[endpoint]
        assert registered is not view and registered.__wrapped__ is view  # type: ignore[attr-defined]
    client = app.test_client()
    assert client.get("/option").get_json() == {"name": "o", "weight": 1.0}
    assert client.get("/returns").get_json() == {"name": "r", "weight": 1.0}


def test_api_options_never_reach_the_rule(app: Kolba) -> None:
    def view() -> str:
        return "x"

    app.add_url_rule(
        "/doc-only", view_func=view, summary="S", tags=["t"], deprecated=True, operation_id="op",
        include_in_schema=True, security=[], responses={404: "missing"}, description="D",
    )
    rule = next(r for r in app.url_map.iter_rules() if r.rule == "/doc-only")
    assert rule.api_route.options["summary"] == "S"  # type: ignore[attr-defined]
    # Options alone describe the route; they do not wrap the view.
    assert app.view_functions["view"] is view


def test_one_view_on_several_rules_is_compiled_once(app: Kolba) -> None:
    @app.get("/items", endpoint="items")
    @app.get("/items/<int:page>", endpoint="items")
    def items(page: int = 1, size: t.Annotated[int, Query()] = 10) -> dict[str, int]:
        return {"page": page, "size": size}

    client = app.test_client()
    assert client.get("/items?size=2").get_json() == {"page": 1, "size": 2}
    assert client.get("/items/4").get_json() == {"page": 4, "size": 10}


def test_a_url_variable_is_never_the_body(app: Kolba) -> None:
    # A custom converter may give a model instance; the variable wins over the body.
    from werkzeug.routing import BaseConverter

    class TagConverter(BaseConverter):
        def to_python(self, value: str) -> Tag:
            return Tag(value)

        def to_url(self, value: t.Any) -> str:
            return str(value.name)

    app.url_map.converters["tag"] = TagConverter

    @app.get("/tags/<tag:tag>")
    def show(tag: Tag) -> str:
        return tag.name

    assert app.view_functions["show"] is show
    assert app.test_client().get("/tags/blue").data == b"blue"


# -- refusals at registration ---------------------------------------------------------------------------


def test_two_bodies_are_refused(app: Kolba) -> None:
    def two(a: Tag, b: Order) -> str:
        return ""

    with pytest.raises(TypeError, match=r"View 'two' has more than one request body \('a', 'b'\)"):
        app.add_url_rule("/two", view_func=two, methods=["POST"])


def test_body_and_form_together_are_refused(app: Kolba) -> None:
    from kolba.api import Form

    def both(a: Tag, name: t.Annotated[str, Form()]) -> str:
        return ""

    with pytest.raises(TypeError, match="reads both a JSON body .'a'. and form data .'name'."):
        app.add_url_rule("/both", view_func=both, methods=["POST"])


def test_unresolvable_annotations_on_a_typed_view_are_refused(app: Kolba) -> None:
    def view(tag: Tag, extra: "Missing" = None) -> str:  # type: ignore[name-defined,assignment]  # noqa: F821
        return ""

    with pytest.raises(TypeError, match="the annotations of 'extra' cannot be evaluated"):
        app.add_url_rule("/v", view_func=view, methods=["POST"])


def test_unsupported_types_are_refused(app: Kolba) -> None:
    class Opaque:
        pass

    def view(thing: t.Annotated[Opaque, Body()]) -> str:
        return ""

    with pytest.raises(TypeError, match="no validation engine supports the type"):
        app.add_url_rule("/v", view_func=view, methods=["POST"])


def test_registration_without_engines_names_the_extra() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["msgspec"] = None
        sys.modules["pydantic"] = None
        import importlib.util
        real = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *a: None if name in ("msgspec", "pydantic") else real(name, *a)
        import dataclasses
        from kolba import Kolba

        @dataclasses.dataclass
        class Item:
            name: str

        app = Kolba("no_engines")

        def plain(id: int) -> str:
            return str(id)

        app.add_url_rule("/p/<int:id>", view_func=plain)  # plain views still register
        try:
            @app.post("/items")
            def create(item: Item) -> Item:
                return item
        except TypeError as error:
            print(type(error).__name__, error)
        """
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == (
        "MissingEngine View 'create': body parameter 'item' is typed, which needs a validation"
        " engine: install msgspec with 'pip install kolba[api]' (or pydantic with"
        " 'pip install kolba[pydantic]')."
    )


# -- where typed views work ---------------------------------------------------------------------------------


def test_nested_blueprints(app: Kolba) -> None:
    outer = Blueprint("shop", __name__, url_prefix="/shop")
    inner = Blueprint("orders", __name__, url_prefix="/orders")

    @inner.post("/<int:number>")
    def update(number: int, order: Order, dry: t.Annotated[bool, Query()] = False) -> dict[str, t.Any]:
        return {"number": number, "id": order.id, "dry": dry}

    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    client = app.test_client()
    sent = {"id": "o", "lines": []}
    assert payload(client.post("/shop/orders/3?dry=1", json=sent)) == {"number": 3, "id": "o", "dry": True}
    assert payload(client.post("/shop/orders/3", json={})) == invalid(
        (["body", "id"], "Object missing required field `id`", "missing")
    )


def test_blueprint_registered_twice_under_two_names(app: Kolba) -> None:
    bp = Blueprint("tags", __name__)

    @bp.post("/")
    def create(tag: Tag) -> Tag:
        return tag

    app.register_blueprint(bp, url_prefix="/a")
    app.register_blueprint(bp, url_prefix="/b", name="tags_b")
    client = app.test_client()
    assert payload(client.post("/a/", json={"name": "a"}))["name"] == "a"
    assert payload(client.post("/b/", json={"name": "b"}))["name"] == "b"


class Tags(MethodView):
    init_every_request = False

    def __init__(self, store: list[Tag]) -> None:
        self.store = store

    def get(self, limit: t.Annotated[int, Query(ge=1)] = 10) -> list[Tag]:
        """List tags."""
        return self.store[:limit]

    def post(self, tag: Tag) -> Tag:
        """Add a tag."""
        self.store.append(tag)
        return tag

    def delete(self) -> str:
        self.store.clear()
        return "cleared"


def test_method_view_handlers_are_typed_per_method(app: Kolba) -> None:
    store: list[Tag] = []
    app.add_url_rule("/tags", view_func=Tags.as_view("tags", store))
    client = app.test_client()
    assert payload(client.post("/tags", json={"name": "a"})) == {"name": "a", "weight": 1.0}
    assert payload(client.post("/tags", json={"name": "b", "weight": 2})) == {"name": "b", "weight": 2.0}
    assert payload(client.get("/tags?limit=1")) == [{"name": "a", "weight": 1.0}]
    assert payload(client.get("/tags?limit=0")) == invalid(
        (["query", "limit"], "Expected `int` >= 1", "constraint")
    )
    assert client.head("/tags").status_code == 200
    assert client.delete("/tags").data == b"cleared"
    assert client.get("/tags").get_json() == []


def test_plain_view_class_with_typed_dispatch(app: Kolba) -> None:
    class Echo(View):
        methods = ["POST"]

        def dispatch_request(self, user: User) -> User:  # type: ignore[override]
            return user

    app.add_url_rule("/echo", view_func=Echo.as_view("echo"))
    reply = app.test_client().post("/echo", json={"name": "n", "age": 1})
    assert payload(reply) == {"name": "n", "age": 1, "tags": []}


def test_untyped_method_view_stays_untouched(app: Kolba) -> None:
    class Plain(MethodView):
        def get(self) -> str:
            return "plain"

    view = Plain.as_view("plain")
    app.add_url_rule("/plain", view_func=view)
    assert app.view_functions["plain"] is view


def test_async_views(app: Kolba) -> None:
    @app.post("/async/<int:n>")
    async def later(n: int, tag: Tag, times: t.Annotated[int, Query()] = 1) -> list[Tag]:
        await asyncio.sleep(0)
        return [Tag(tag.name, n)] * times

    registered = app.view_functions["later"]
    assert asyncio.iscoroutinefunction(registered)
    reply = app.test_client().post("/async/2?times=2", json={"name": "z"})
    assert payload(reply) == [{"name": "z", "weight": 2.0}] * 2
    bad = app.test_client().post("/async/2?times=x", json={"name": "z"})
    assert payload(bad) == invalid((["query", "times"], "Expected `int`, got `str`", "type"))


def test_decorated_views_keep_working(app: Kolba) -> None:
    import functools

    calls: list[str] = []

    def logged(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(f)
        def inner(*args: t.Any, **kwargs: t.Any) -> t.Any:
            calls.append(f.__name__)
            return f(*args, **kwargs)

        return inner

    @app.post("/tags")
    @logged
    def create(tag: Tag) -> Tag:
        return tag

    assert payload(app.test_client().post("/tags", json={"name": "d"}))["name"] == "d"
    assert calls == ["create"]


def test_general_lane_serves_typed_views_alike() -> None:
    app = Kolba(__name__)

    @app.post("/tags")
    def create(tag: Tag) -> Tag:
        return tag

    # Replacing a dispatch step on the app sends every request through Flask's steps.
    original = app.dispatch_request
    app.dispatch_request = lambda: original()  # type: ignore[method-assign]
    assert payload(app.test_client().post("/tags", json={"name": "g"})) == {"name": "g", "weight": 1.0}
    assert payload(app.test_client().post("/tags", json={})) == invalid(
        (["body", "name"], "Object missing required field `name`", "missing")
    )


def test_a_typed_view_called_outside_a_request_says_so(app: Kolba) -> None:
    @app.get("/q")
    def q(n: t.Annotated[int, Query()] = 0) -> dict[str, int]:
        return {"n": n}

    with pytest.raises(RuntimeError, match="Working outside of request context"):
        app.view_functions["q"]()
    with app.test_request_context("/q?n=3"):
        assert app.view_functions["q"]() == {"n": 3}
    assert q(n=5) == {"n": 5}  # the decorated function itself is untouched
