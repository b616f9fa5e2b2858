"""The typed-API endpoints on flask-openapi3: pydantic models on Flask."""

from __future__ import annotations

import enum

from flask_openapi3 import OpenAPI
from pydantic import BaseModel, Field

from benchmarks.apps.api.payload import TOTAL


class Address(BaseModel):
    street: str
    city: str
    postcode: str
    country: str = Field(min_length=2, max_length=2)


class Line(BaseModel):
    sku: str
    qty: int = Field(ge=1)
    price: float = Field(gt=0)


class Order(BaseModel):
    order_id: str
    customer_email: str
    currency: str = Field(min_length=3, max_length=3)
    paid: bool
    coupon: str | None
    priority: int = Field(ge=0, le=5)
    note: str
    tags: list[str]
    shipping: Address
    lines: list[Line]


class Sort(str, enum.Enum):
    NAME = "name"
    PRICE = "price"


class ItemsQuery(BaseModel):
    q: str = Field(min_length=1)
    page: int = Field(1, ge=1)
    size: int = Field(20, ge=1, le=100)
    sort: Sort = Sort.NAME
    tag: list[str] = []


class Page(BaseModel):
    q: str
    page: int
    size: int
    sort: Sort
    tags: list[str]
    total: int


app = OpenAPI(__name__)


@app.post("/orders", responses={200: Order})
def create(body: Order) -> dict:  # type: ignore[type-arg]
    return body.model_dump(mode="json")


@app.get("/items", responses={200: Page})
def items(query: ItemsQuery) -> dict:  # type: ignore[type-arg]
    page = Page(q=query.q, page=query.page, size=query.size, sort=query.sort, tags=query.tag, total=TOTAL)
    return page.model_dump(mode="json")
