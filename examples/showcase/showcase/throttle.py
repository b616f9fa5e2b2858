"""Login throttling: too many recent failures, and logins wait.

Each failed login is recorded twice, under the username tried and under the
client's address. Once either has ``LOGIN_FAILURES_PER_USER`` (or
``_PER_ADDRESS``) failures within ``LOGIN_FAILURE_WINDOW`` seconds, further
attempts get 429 without a password check, until enough failures age out.

The per-username limit stops slow guessing of one account from many
addresses; the per-address limit stops one client trying many usernames.
The failures live in the database, not in memory, so every worker process
of a server counts the same attempts. Behind a reverse proxy, the client's
address is only right once ``ProxyFix`` is applied (see the docs).

Unknown usernames are counted like real ones, so the throttle reveals
nothing about which accounts exist.
"""

from __future__ import annotations

import math
import time

from kolba import current_app, request

from .db import get_db

#: Keys are stored with at most this many characters of the username.
MAX_KEY_LENGTH = 100


def login_keys(username: str) -> list[tuple[str, int]]:
    """The throttle keys of a login attempt, each with its failure limit."""
    config = current_app.config
    address = request.remote_addr or "unknown"
    return [
        (_user_key(username), config["LOGIN_FAILURES_PER_USER"]),
        (f"addr:{address}", config["LOGIN_FAILURES_PER_ADDRESS"]),
    ]


def retry_after(keys: list[tuple[str, int]]) -> int | None:
    """Seconds until an attempt is allowed again, or None if it is allowed now."""
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    now = time.time()
    wait = 0.0
    for key, limit in keys:
        times = [
            row[0]
            for row in get_db().execute(
                "SELECT failed_at FROM login_failure WHERE key = ? AND failed_at > ?"
                " ORDER BY failed_at DESC LIMIT ?",
                (key, now - window, limit),
            )
        ]
        if len(times) >= limit:
            # Allowed again when the oldest of the last ``limit`` failures expires.
            wait = max(wait, times[-1] + window - now)
    return max(1, math.ceil(wait)) if wait > 0 else None


def record_failure(keys: list[tuple[str, int]]) -> None:
    """Count a failed attempt under every key, and forget expired failures."""
    now = time.time()
    db = get_db()
    db.executemany(
        "INSERT INTO login_failure (key, failed_at) VALUES (?, ?)", [(k, now) for k, _ in keys]
    )
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    db.execute("DELETE FROM login_failure WHERE failed_at <= ?", (now - window,))
    db.commit()


def forget_failures(username: str) -> None:
    """After a successful login, the username starts with a clean slate."""
    db = get_db()
    db.execute("DELETE FROM login_failure WHERE key = ?", (_user_key(username),))
    db.commit()


def _user_key(username: str) -> str:
    """The key failures for ``username`` are counted under."""
    return f"user:{username}"[:MAX_KEY_LENGTH]
