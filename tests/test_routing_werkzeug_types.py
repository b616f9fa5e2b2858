"""An app's routing objects are Werkzeug's, as tools written for Flask expect.

API-schema generators and similar tools walk ``app.url_map``: they check
rules, maps and adapters with ``isinstance`` against Werkzeug's classes and
look converters up by their class. The last test records a known gap of
the app's fast lane. Under ``KOLBA_TESTS_AGAINST=flask`` the same tests run
on Flask.
"""

from __future__ import annotations

import typing as t
import uuid

import pytest
import werkzeug.routing as wr
from werkzeug.test import EnvironBuilder

import kolba

#: How a schema tool might name parameter types: by exact converter class.
SCHEMA_TYPES: dict[type[wr.BaseConverter], str] = {
    wr.IntegerConverter: "integer",
    wr.FloatConverter: "number",
    wr.UnicodeConverter: "string",
    wr.PathConverter: "path",
    wr.UUIDConverter: "uuid",
    wr.AnyConverter: "enum",
}


def make_app() -> kolba.Kolba:
    app = kolba.Kolba(__name__, static_folder=None)

    @app.route("/items/<int:item_id>/<float:price>/<name>")
    def item(item_id: int, price: float, name: str) -> str:
        return "item"

    @app.route("/files/<path:p>/<uuid:u>/<any(a, b):kind>", methods=["GET", "POST"])
    def files(p: str, u: uuid.UUID, kind: str) -> str:
        return "files"

    return app


def test_map_rules_and_adapters_are_werkzeug_instances() -> None:
    app = make_app()
    assert isinstance(app.url_map, wr.Map)
    rules = list(app.url_map.iter_rules())
    assert rules and all(isinstance(rule, wr.Rule) for rule in rules)
    assert isinstance(app.url_map.bind("example.com"), wr.MapAdapter)
    environ = EnvironBuilder("/items/1/2.5/x").get_environ()
    assert isinstance(app.url_map.bind_to_environ(environ), wr.MapAdapter)
    with app.test_request_context("/items/1/2.5/x"):
        assert isinstance(kolba.request.url_rule, wr.Rule)


def test_rule_converters_are_werkzeugs_classes() -> None:
    app = make_app()
    found = {}
    for rule in app.url_map.iter_rules():
        for name, conv in rule._converters.items():
            found[name] = SCHEMA_TYPES[type(conv)]
    assert found == {"item_id": "integer", "price": "number", "name": "string",
                     "p": "path", "u": "uuid", "kind": "enum"}
    item = next(app.url_map.iter_rules("item"))
    assert isinstance(item._converters["item_id"], wr.IntegerConverter)
    assert isinstance(item._converters["item_id"], wr.BaseConverter)


def test_url_map_converters_are_werkzeugs_defaults() -> None:
    converters = make_app().url_map.converters
    assert converters == dict(wr.Map.default_converters)
    assert converters["int"] is wr.IntegerConverter
    assert converters["default"] is converters["string"] is wr.UnicodeConverter


def test_rule_attributes_the_app_uses() -> None:
    app = make_app()
    files = next(app.url_map.iter_rules("files"))
    assert files.endpoint == "files"
    assert files.methods == {"GET", "HEAD", "POST", "OPTIONS"}
    assert files.websocket is False
    assert files.arguments == {"p", "u", "kind"}
    assert t.cast(t.Any, files).provide_automatic_options is True


def test_a_plain_werkzeug_rule_and_rule_factories_serve_requests() -> None:
    app = make_app()
    app.url_map.add(wr.Rule("/plain/<int:n>", endpoint="plain"))
    app.url_map.add(wr.Submount("/sub", [wr.Rule("/<int:n>", endpoint="sub")]))
    app.view_functions["plain"] = lambda n: f"plain {n}"
    app.view_functions["sub"] = lambda n: f"sub {n}"
    client = app.test_client()
    assert client.get("/plain/3").data == b"plain 3"
    assert client.get("/sub/4").data == b"sub 4"
    with app.test_request_context():
        assert kolba.url_for("plain", n=5, q="x") == "/plain/5?q=x"
        assert kolba.url_for("sub", n=6) == "/sub/6"


def test_default_subdomain_without_subdomain_matching_serves_its_rules() -> None:
    app = kolba.Kolba(__name__, static_folder=None)
    app.url_map.default_subdomain = "www"
    app.add_url_rule("/", "index", lambda: "ok")
    assert app.test_client().get("/").status_code == 200
