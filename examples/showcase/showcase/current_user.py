"""Who is logged in: ``g.user``, ``login_required``, and sessions that can be ended.

The session cookie is signed, not stored on the server, so "logging out" by
clearing it only clears the browser's copy: a copy saved earlier (stolen,
or left on another device) would still be valid. To make logout real, each
user row has a ``session_version``. Logging in copies it into the session;
every request compares the two; logging out or changing the password bumps
the row's number, and every cookie carrying the old one stops working.
"""

from __future__ import annotations

import functools
import sqlite3
import typing as t

from kolba import flash, g, redirect, request, session, url_for

from .db import get_db

if t.TYPE_CHECKING:
    from kolba import Kolba

_V = t.TypeVar("_V", bound=t.Callable[..., t.Any])

USER_ID = "user_id"
SESSION_VERSION = "session_version"


def load_logged_in_user() -> None:
    """Put the logged-in user's row (or None) on ``g.user``; drop stale sessions."""
    g.user = None
    user_id = session.get(USER_ID)
    if user_id is None:
        return
    user = get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()
    if user is None or session.get(SESSION_VERSION) != user["session_version"]:
        # Ended by a logout or password change (or the user is gone):
        # forget it, so the browser's cookie is cleared too.
        session.pop(USER_ID, None)
        session.pop(SESSION_VERSION, None)
        return
    g.user = user


def start_session(user: sqlite3.Row) -> None:
    """Log ``user`` in, in a fresh session (a new cookie, so none can be planted)."""
    session.clear()
    session[USER_ID] = user["id"]
    session[SESSION_VERSION] = user["session_version"]


def end_all_sessions(user_id: int) -> None:
    """Invalidate every session of the user, on every device."""
    db = get_db()
    db.execute("UPDATE user SET session_version = session_version + 1 WHERE id = ?", (user_id,))
    db.commit()


def login_required(view: _V) -> _V:
    """Send anonymous visitors to the login page, remembering where they were."""

    @functools.wraps(view)
    def wrapped_view(**kwargs: t.Any) -> t.Any:
        if g.user is None:
            flash("Please log in to see that page.", "warning")
            return redirect(url_for("auth.login", next=_current_path()))
        return view(**kwargs)

    return t.cast(_V, wrapped_view)


def _current_path() -> str:
    """The path and query string of this request, for ``next``."""
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path


def init_app(app: Kolba) -> None:
    """Load ``g.user`` before every request, in every blueprint."""
    app.before_request(load_logged_in_user)
