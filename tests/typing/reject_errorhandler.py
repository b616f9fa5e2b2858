"""Error handlers of the wrong shape; mypy must report each marked line."""

from __future__ import annotations

from kolba import Blueprint, Kolba

app = Kolba(__name__)
bp = Blueprint("bp", __name__)


@app.errorhandler(404)  # E: Value of type variable "T_error_handler"
def takes_no_error() -> str:
    return "missing"


@app.errorhandler(KeyError)  # E: Value of type variable "T_error_handler"
def takes_two_arguments(error: KeyError, extra: int) -> str:
    return "missing"


@bp.app_errorhandler(500)  # E: Value of type variable "T_error_handler"
def returns_int(error: Exception) -> int:
    return 500
