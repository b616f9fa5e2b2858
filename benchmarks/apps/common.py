"""Data and settings every benchmark app shares, so their responses match."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from itsdangerous import URLSafeTimedSerializer

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
"""Where ``items.html`` lives; Flask and Kolba find it as their default ``templates``."""

SECRET_KEY = "benchmark secret key"

FILLER_ROUTES = 50
"""Dynamic routes registered besides the measured ones, so matching has work to do."""

SESSION_COOKIE = "session"
SESSION_MAX_AGE = 31 * 24 * 3600
"""Flask's default permanent session lifetime, so signature checks cost the same."""

ITEMS: list[dict[str, Any]] = [
    {"id": i, "name": f"Item {i} <&>", "price": i * 1.25} for i in range(20)
]
"""What the ``template`` scenario renders; the markup characters prove autoescaping."""

TEMPLATE_TITLE = "Items"


def make_session_serializer() -> URLSafeTimedSerializer:
    """Build the signer Flask's cookie sessions use, for apps that verify by hand.

    Same salt, key derivation and digest as Flask's session interface, so raw,
    Falcon and Bottle pay for the same HMAC work when they check the cookie.
    """
    return URLSafeTimedSerializer(
        SECRET_KEY,
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )


def signed_session_cookie() -> str:
    """Return a ``Cookie`` header value carrying the benchmark user's session."""
    value = make_session_serializer().dumps({"user": "alice"})
    return f"{SESSION_COOKIE}={value}"


def signed_session_cookies(count: int) -> list[str]:
    """Return ``count`` distinct ``Cookie`` values, all for the benchmark user.

    Each session also carries its own ``visit`` number, so every cookie's
    signature differs and no verified-cookie cache can answer them all.
    """
    serializer = make_session_serializer()
    return [f"{SESSION_COOKIE}={serializer.dumps(session_payload(i))}" for i in range(count)]


def session_payload(visit: int) -> dict[str, object]:
    """The session stored in the ``visit``-th rotating cookie."""
    return {"user": "alice", "visit": visit}

ORDERS_USER = "alice"
"""Who logs in for the ``extensions`` scenario and whose orders the page lists."""

ORDERS: list[dict[str, Any]] = [
    {"product": f"Product {i} <&>", "quantity": i % 4 + 1, "price": 3.5 * (i + 1)}
    for i in range(10)
]
"""The signed-in user's orders, stored in SQLite by the ``extensions`` app."""
