"""The typed-API endpoints on FastAPI: pydantic models, async handlers."""

from __future__ import annotations

import enum
from typing import Annotated

from fastapi import FastAPI, Query
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


class Page(BaseModel):
    q: str
    page: int
    size: int
    sort: Sort
    tags: list[str]
    total: int


app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.post("/orders")
async def create(order: Order) -> Order:
    return order


@app.get("/items")
async def items(
    q: Annotated[str, Query(min_length=1)],
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
    sort: Sort = Sort.NAME,
    tag: Annotated[list[str], Query()] = [],  # noqa: B006
) -> Page:
    return Page(q=q, page=page, size=size, sort=sort, tags=tag, total=TOTAL)
