"""The ``api`` blueprint, registered by the factory under a URL prefix."""

from __future__ import annotations

from kolba import Blueprint

api = Blueprint("api", __name__)

from . import routes  # noqa: E402,F401
