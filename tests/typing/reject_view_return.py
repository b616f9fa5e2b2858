"""Views whose return value Kolba cannot send; mypy must report each marked line."""

from __future__ import annotations

from kolba import Blueprint, Kolba

app = Kolba(__name__)
bp = Blueprint("bp", __name__)


@app.route("/int")  # E: Value of type variable "T_route"
def returns_int() -> int:
    return 1


@app.get("/set")  # E: Value of type variable "T_route"
def returns_set() -> set[str]:
    return {"a"}


@bp.post("/async-int")  # E: Value of type variable "T_route"
async def async_returns_int() -> int:
    return 1
