"""Routes of the ``api`` blueprint."""

from __future__ import annotations

from typing import Any

from kolba import url_for

from . import api


@api.route("/items")
def items() -> dict[str, Any]:
    """List items and the URL they were served from."""
    return {"items": ["a", "b"], "self": url_for(".items")}
