"""The typed-API endpoints on APIFlask: marshmallow schemas, its default."""

from __future__ import annotations

from apiflask import APIFlask, Schema
from apiflask.fields import Boolean, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range

from benchmarks.apps.api.payload import TOTAL


class Address(Schema):
    street = String(required=True)
    city = String(required=True)
    postcode = String(required=True)
    country = String(required=True, validate=Length(2, 2))


class Line(Schema):
    sku = String(required=True)
    qty = Integer(required=True, validate=Range(min=1))
    price = Float(required=True, validate=Range(min=0, min_inclusive=False))


class Order(Schema):
    order_id = String(required=True)
    customer_email = String(required=True)
    currency = String(required=True, validate=Length(3, 3))
    paid = Boolean(required=True)
    coupon = String(required=True, allow_none=True)
    priority = Integer(required=True, validate=Range(0, 5))
    note = String(required=True)
    tags = List(String(), required=True)
    shipping = Nested(Address, required=True)
    lines = List(Nested(Line), required=True)


class ItemsQuery(Schema):
    q = String(required=True, validate=Length(min=1))
    page = Integer(load_default=1, validate=Range(min=1))
    size = Integer(load_default=20, validate=Range(1, 100))
    sort = String(load_default="name", validate=OneOf(["name", "price"]))
    tag = List(String(), load_default=[])


class Page(Schema):
    q = String()
    page = Integer()
    size = Integer()
    sort = String()
    tags = List(String())
    total = Integer()


app = APIFlask(__name__, spec_path=None, docs_path=None)


@app.post("/orders")
@app.input(Order)
@app.output(Order)
def create(json_data: dict) -> dict:  # type: ignore[type-arg]
    return json_data


@app.get("/items")
@app.input(ItemsQuery, location="query")
@app.output(Page)
def items(query_data: dict) -> dict:  # type: ignore[type-arg]
    return {
        "q": query_data["q"], "page": query_data["page"], "size": query_data["size"],
        "sort": query_data["sort"], "tags": query_data["tag"], "total": TOTAL,
    }
