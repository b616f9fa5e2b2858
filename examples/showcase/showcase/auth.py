"""The ``auth`` blueprint: registration, login and logout.

Passwords are stored as salted hashes (``passwords.py``). Logging in puts
the user's id and session version in the signed session cookie
(``current_user.py``); logging out bumps the version, which ends that
session and every other one the user has. Failed logins are throttled
(``throttle.py``).
"""

from __future__ import annotations

import math
import sqlite3
import typing as t
from urllib.parse import urlsplit

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

from . import throttle
from .current_user import end_all_sessions, start_session
from .db import get_db, utcnow
from .passwords import hash_password, verify_password
from .validation import validate_registration

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response

bp = Blueprint("auth", __name__, url_prefix="/auth")


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
        (data["username"], data["email"], hash_password(data["password"]), utcnow()),
    )
    db.commit()


@bp.route("/login", methods=("GET", "POST"))
def login() -> t.Any:
    """Show the login form; start a session on valid credentials."""
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return _login_page("", next_url)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    keys = throttle.login_keys(username)
    wait = throttle.retry_after(keys)
    if wait is not None:
        current_app.logger.warning("Throttled login for %r from %s", username, request.remote_addr)
        flash(f"Too many failed logins. Try again in {_minutes(wait)}.", "error")
        return _login_page(username, next_url), 429, {"Retry-After": str(wait)}
    user = get_db().execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
    # An unknown user takes the same path: verify_password checks a dummy hash.
    if not verify_password(user["password_hash"] if user else None, password):
        throttle.record_failure(keys)
        current_app.logger.warning("Failed login for %r", username)
        flash("Invalid username or password.", "error")
        return _login_page(username, next_url), 400
    throttle.forget_failures(username)
    start_session(user)
    flash(f"Welcome back, {user['username']}!", "success")
    return redirect(next_url or url_for("main.dashboard"))


def _login_page(username: str, next_url: str | None) -> str:
    return render_template("auth/login.html", username=username, next_url=next_url)


def _minutes(seconds: int) -> str:
    """``"1 minute"``, ``"15 minutes"``: a wait, rounded up."""
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


@bp.route("/logout", methods=("POST",))
def logout() -> Response:
    """End the user's sessions everywhere; a POST, so a stray link or image cannot."""
    if g.user is not None:
        end_all_sessions(g.user["id"])
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(url_for("main.home"))
