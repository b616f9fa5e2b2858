"""``before_request`` functions returning what is not a response; mypy must report each marked line."""

from __future__ import annotations

from kolba import Blueprint, Kolba

app = Kolba(__name__)
bp = Blueprint("bp", __name__)


@app.before_request  # E: Value of type variable "T_before_request"
def returns_int() -> int:
    return 1


@bp.before_app_request  # E: Value of type variable "T_before_request"
def returns_set() -> set[int]:
    return set()
