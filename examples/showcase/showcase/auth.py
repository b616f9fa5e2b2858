"""The ``auth`` blueprint: registration, login, logout, ``login_required``.

Passwords are stored as Werkzeug salted hashes. Logging in puts the user's
id in the signed session cookie; ``load_logged_in_user`` turns it back into
``g.user`` at the start of every request, anywhere in the app.
"""

from __future__ import annotations

import functools
import sqlite3
import typing as t
from urllib.parse import urlsplit

from werkzeug.security import check_password_hash, generate_password_hash

from kolba import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from .db import get_db, utcnow
from .validation import validate_registration

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response

bp = Blueprint("auth", __name__, url_prefix="/auth")

_V = t.TypeVar("_V", bound=t.Callable[..., t.Any])


@bp.before_app_request
def load_logged_in_user() -> None:
    """Put the logged-in user's row (or None) on ``g.user``."""
    user_id = session.get("user_id")
    g.user = None
    if user_id is not None:
        g.user = get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()


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


def _safe_next(target: str | None) -> str | None:
    """Accept only a local path, so ``next`` cannot send users off-site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/register", methods=("GET", "POST"))
def register() -> t.Any:
    """Show the sign-up form; create the account on a valid POST."""
    if request.method == "GET":
        return render_template("auth/register.html", form={}, errors={})
    data, errors = validate_registration(request.form)
    if not errors:
        try:
            _create_user(data)
        except sqlite3.IntegrityError:
            errors["username"] = f"User {data['username']} is already registered."
        else:
            current_app.logger.info("Registered user %s", data["username"])
            flash("Registration successful. Please log in.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=data, errors=errors), 400


def _create_user(data: dict[str, str]) -> None:
    """Insert the user row; raises IntegrityError if the name is taken."""
    db = get_db()
    db.execute(
        "INSERT INTO user (username, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
        (data["username"], data["email"], generate_password_hash(data["password"]), utcnow()),
    )
    db.commit()


@bp.route("/login", methods=("GET", "POST"))
def login() -> t.Any:
    """Show the login form; start a session on valid credentials."""
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", username="", next_url=next_url)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    user = get_db().execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
    if user is None or not check_password_hash(user["password_hash"], password):
        current_app.logger.warning("Failed login for %r", username)
        flash("Invalid username or password.", "error")
        page = render_template("auth/login.html", username=username, next_url=next_url)
        return page, 400
    session.clear()
    session["user_id"] = user["id"]
    flash(f"Welcome back, {user['username']}!", "success")
    return redirect(next_url or url_for("main.dashboard"))


@bp.route("/logout", methods=("POST",))
def logout() -> Response:
    """End the session; a POST so a stray link or image cannot log you out."""
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(url_for("main.home"))
