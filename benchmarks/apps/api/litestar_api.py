"""The typed-API endpoints on Litestar: msgspec Structs, async handlers."""

from __future__ import annotations

import enum
from typing import Annotated

import msgspec
from litestar import Litestar, get, post
from litestar.params import Parameter

from benchmarks.apps.api.payload import TOTAL


class Address(msgspec.Struct):
    street: str
    city: str
    postcode: str
    country: Annotated[str, msgspec.Meta(min_length=2, max_length=2)]


class Line(msgspec.Struct):
    sku: str
    qty: Annotated[int, msgspec.Meta(ge=1)]
    price: Annotated[float, msgspec.Meta(gt=0)]


class Order(msgspec.Struct):
    order_id: str
    customer_email: str
    currency: Annotated[str, msgspec.Meta(min_length=3, max_length=3)]
    paid: bool
    coupon: str | None
    priority: Annotated[int, msgspec.Meta(ge=0, le=5)]
    note: str
    tags: list[str]
    shipping: Address
    lines: list[Line]


class Sort(enum.Enum):
    NAME = "name"
    PRICE = "price"


class Page(msgspec.Struct):
    q: str
    page: int
    size: int
    sort: Sort
    tags: list[str]
    total: int


@post("/orders", status_code=200)
async def create(data: Order) -> Order:
    return data


@get("/items")
async def items(
    q: Annotated[str, Parameter(min_length=1)],
    page: Annotated[int, Parameter(ge=1)] = 1,
    size: Annotated[int, Parameter(ge=1, le=100)] = 20,
    sort: Sort = Sort.NAME,
    tag: list[str] | None = None,
) -> Page:
    return Page(q, page, size, sort, tag or [], TOTAL)


app = Litestar([create, items], openapi_config=None)
