"""The typed-API endpoints on Kolba: dataclasses validated by msgspec (kolba.api)."""

from __future__ import annotations

import dataclasses
import enum
from typing import Annotated

from msgspec import Meta

from benchmarks.apps.api.payload import TOTAL
from kolba import Kolba
from kolba.api import Query


@dataclasses.dataclass
class Address:
    street: str
    city: str
    postcode: str
    country: Annotated[str, Meta(min_length=2, max_length=2)]


@dataclasses.dataclass
class Line:
    sku: str
    qty: Annotated[int, Meta(ge=1)]
    price: Annotated[float, Meta(gt=0)]


@dataclasses.dataclass
class Order:
    order_id: str
    customer_email: str
    currency: Annotated[str, Meta(min_length=3, max_length=3)]
    paid: bool
    coupon: str | None
    priority: Annotated[int, Meta(ge=0, le=5)]
    note: str
    tags: list[str]
    shipping: Address
    lines: list[Line]


class Sort(enum.Enum):
    NAME = "name"
    PRICE = "price"


@dataclasses.dataclass
class Page:
    q: str
    page: int
    size: int
    sort: Sort
    tags: list[str]
    total: int


def _make(asynchronous: bool) -> Kolba:
    app = Kolba(__name__)

    def create(order: Order) -> Order:
        return order

    def items(
        q: Annotated[str, Query(min_length=1)],
        page: Annotated[int, Query(ge=1)] = 1,
        size: Annotated[int, Query(ge=1, le=100)] = 20,
        sort: Annotated[Sort, Query()] = Sort.NAME,
        tag: Annotated[list[str], Query()] = [],  # noqa: B006 - copied per request
    ) -> Page:
        return Page(q, page, size, sort, tag, TOTAL)

    if asynchronous:

        async def create_async(order: Order) -> Order:
            return order

        async def items_async(
            q: Annotated[str, Query(min_length=1)],
            page: Annotated[int, Query(ge=1)] = 1,
            size: Annotated[int, Query(ge=1, le=100)] = 20,
            sort: Annotated[Sort, Query()] = Sort.NAME,
            tag: Annotated[list[str], Query()] = [],  # noqa: B006
        ) -> Page:
            return Page(q, page, size, sort, tag, TOTAL)

        app.post("/orders", endpoint="create")(create_async)
        app.get("/items", endpoint="items")(items_async)
    else:
        app.post("/orders")(create)
        app.get("/items")(items)
    return app


app = _make(asynchronous=False)
"""Plain views, for the WSGI door."""

async_app = _make(asynchronous=True)
"""``async def`` views, for the ASGI door (they run on its event loop)."""

asgi_app = async_app.asgi
"""The ASGI door of ``async_app``, by one name, for servers given ``module:attribute``."""
