"""Typed views in a module with ``from __future__ import annotations`` (strings everywhere)."""

from __future__ import annotations

import typing as t

import pytest

from kolba import Kolba
from kolba.api import Header, Query

from ._helpers import invalid, payload
from .models import Order, Tag

pytestmark = pytest.mark.kolba_only

if t.TYPE_CHECKING:
    from kolba.typing import ResponseReturnValue


def create(order: Order, dry: t.Annotated[bool, Query()] = False) -> Order:
    return order


def tagged(name: t.Annotated[str, Header(alias="X-Name")]) -> list[Tag]:
    return [Tag(name)]


def plain(id: int) -> ResponseReturnValue:
    return str(id)


def test_string_annotations_are_evaluated_at_registration(app: Kolba) -> None:
    app.add_url_rule("/orders", view_func=create, methods=["POST"])
    app.add_url_rule("/tags", view_func=tagged)
    app.add_url_rule("/plain/<int:id>", view_func=plain)
    client = app.test_client()
    assert payload(client.post("/orders?dry=1", json={"id": "a", "lines": []}))["id"] == "a"
    assert payload(client.get("/tags", headers={"X-Name": "n"})) == [{"name": "n", "weight": 1.0}]
    assert payload(client.get("/tags")) == invalid(
        (["header", "X-Name"], "Object missing required field `X-Name`", "missing")
    )
    # A name only a type checker sees leaves a plain view plain.
    assert app.view_functions["plain"] is plain
    assert client.get("/plain/4").data == b"4"
