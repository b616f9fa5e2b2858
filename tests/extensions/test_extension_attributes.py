"""Objects Flask lets extensions annotate accept any new attribute.

Flask-Limiter keeps its state on the request context, Flask-Login on ``g``
and the app, others on requests, responses, blueprints and views.  Each
case stores an attribute the object's class never heard of, on the object
itself and (where there is one) through its proxy, and reads it back.
These run in-process, so they also run against real Flask.
"""

from __future__ import annotations

import typing as t

import pytest
import werkzeug.routing

import kolba
import kolba.globals
from kolba.views import MethodView, View

MARK = object()


def _stores(obj: object, name: str = "_extension_state") -> bool:
    """Set an unheard-of attribute and read it back, also through ``vars()``."""
    setattr(obj, name, MARK)
    found = getattr(obj, name) is MARK and vars(obj).get(name) is MARK
    delattr(obj, name)
    return found and not hasattr(obj, name)


def test_app(app: kolba.Kolba) -> None:
    assert _stores(app)


def test_app_context(app: kolba.Kolba) -> None:
    with app.app_context() as ctx:
        assert _stores(ctx)
        kolba.globals.app_ctx._through_proxy = MARK
        assert ctx._through_proxy is MARK  # type: ignore[attr-defined]


def test_request_context(app: kolba.Kolba) -> None:
    with app.test_request_context("/") as ctx:
        assert _stores(ctx, "_limiter_request_context")
        kolba.globals.request_ctx._through_proxy = MARK
        assert ctx._through_proxy is MARK  # type: ignore[attr-defined]


def test_g(app: kolba.Kolba) -> None:
    with app.app_context():
        assert _stores(kolba.g._get_current_object())  # type: ignore[attr-defined]
        kolba.g._login_user = MARK
        assert kolba.g.get("_login_user") is MARK


def test_request(app: kolba.Kolba) -> None:
    with app.test_request_context("/"):
        assert _stores(kolba.request._get_current_object())  # type: ignore[attr-defined]
        kolba.request._through_proxy = MARK  # type: ignore[attr-defined]
        assert kolba.request._through_proxy is MARK  # type: ignore[attr-defined]


def test_request_in_a_served_request(app: kolba.Kolba) -> None:
    """The object a view sees (built lazily on Kolba's fast path) is annotatable too."""

    @app.before_request
    def mark() -> None:
        kolba.request._seen_by = "hook"  # type: ignore[attr-defined]

    @app.route("/")
    def view() -> str:
        return str(kolba.request._seen_by)  # type: ignore[attr-defined]

    assert app.test_client().get("/").text == "hook"


def test_response(app: kolba.Kolba) -> None:
    assert _stores(app.response_class("body"))

    @app.after_request
    def mark(response: kolba.Response) -> kolba.Response:
        response._cached_by_extension = True  # type: ignore[attr-defined]
        return response

    @app.route("/")
    def view() -> str:
        return "plain"

    assert app.test_client().get("/").status_code == 200


def test_blueprint() -> None:
    bp = kolba.Blueprint("bp", __name__)
    assert _stores(bp)


def test_view_instance_and_function(app: kolba.Kolba) -> None:
    seen: list[bool] = []

    class Show(View):
        def dispatch_request(self) -> str:
            seen.append(_stores(self))
            return "shown"

    class Items(MethodView):
        def get(self) -> str:
            seen.append(_stores(self))
            return "items"

    show = Show.as_view("show")
    items = Items.as_view("items")
    assert _stores(show) and _stores(items)
    show._limits = ["1/second"]  # type: ignore[attr-defined]
    app.add_url_rule("/show", view_func=show)
    app.add_url_rule("/items", view_func=items)
    client = app.test_client()
    assert client.get("/show").text == "shown" and client.get("/items").text == "items"
    assert seen == [True, True]
    assert app.view_functions["show"]._limits == ["1/second"]


def test_converters_are_werkzeugs(app: kolba.Kolba) -> None:
    """Schema generators tell parameter types apart by Werkzeug's converter classes."""

    @app.route("/items/<int:item_id>")
    def item(item_id: int) -> str:
        return str(item_id)

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "item")
    converters: dict[str, t.Any] = rule._converters  # type: ignore[attr-defined]
    assert isinstance(converters["item_id"], werkzeug.routing.IntegerConverter)
    assert app.url_map.converters["int"] is werkzeug.routing.IntegerConverter or issubclass(
        app.url_map.converters["int"], werkzeug.routing.IntegerConverter
    )
    assert isinstance(rule, werkzeug.routing.Rule)
    assert isinstance(app.url_map, werkzeug.routing.Map)
