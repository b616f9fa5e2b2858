"""The ``main`` blueprint; views and error handlers attach themselves on import."""

from __future__ import annotations

from kolba import Blueprint

main = Blueprint("main", __name__, template_folder="templates")

from . import errors, views  # noqa: E402,F401
