"""The ``account`` blueprint (``/account``): what a logged-in user manages.

- API tokens: create one (its value is shown once) or revoke one.
- The password: changing it needs the current one, and ends every other
  session of the user (a thief's included), keeping only this one.
"""

from __future__ import annotations

import typing as t

from kolba import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from . import throttle, tokens
from .current_user import end_all_sessions, login_required, start_session
from .db import get_db
from .main import dashboard_page
from .passwords import hash_password, verify_password
from .validation import validate_password_change

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.post("/tokens")
@login_required
def create_token() -> t.Any:
    """Create an API token and show it, this once."""
    name = request.form.get("name", "").strip()
    problem = tokens.validate_name(name)
    if problem is not None:
        return dashboard_page(token_form={"name": name}, token_errors={"name": problem}), 400
    token = tokens.create_token(g.user["id"], name)
    current_app.logger.info("User %s created API token %r", g.user["username"], name)
    # Rendered, not redirected: after a redirect the token would have to
    # travel in the session cookie, which is signed but readable. And kept
    # out of every cache, so it is really shown only this once.
    page = render_template("account/token_created.html", token=token, name=name)
    return page, 201, {"Cache-Control": "no-store"}


@bp.post("/tokens/<id:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> t.Any:
    """Revoke one of the user's tokens; someone else's is a 404."""
    if not tokens.revoke_token(g.user["id"], token_id):
        abort(404)
    flash("The API token was revoked.", "info")
    return redirect(url_for("main.dashboard"))


@bp.route("/password", methods=("GET", "POST"))
@login_required
def change_password() -> t.Any:
    """Change the password, then end the user's other sessions."""
    if request.method == "GET":
        return render_template("account/password.html", errors={})
    keys = throttle.login_keys(g.user["username"])
    wait = throttle.retry_after(keys)
    if wait is not None:
        flash("Too many wrong passwords. Try again later.", "error")
        return render_template("account/password.html", errors={}), 429, {"Retry-After": str(wait)}
    new_password, errors = validate_password_change(request.form)
    if not verify_password(g.user["password_hash"], request.form.get("current", "")):
        throttle.record_failure(keys)
        errors["current"] = "Your current password is wrong."
    if errors:
        return render_template("account/password.html", errors=errors), 400
    _store_password(g.user["id"], new_password)
    flash("Password changed. Your other sessions were logged out.", "success")
    return redirect(url_for("main.dashboard"))


def _store_password(user_id: int, password: str) -> None:
    """Save the new hash, end every session, and start this one afresh."""
    db = get_db()
    db.execute("UPDATE user SET password_hash = ? WHERE id = ?", (hash_password(password), user_id))
    db.commit()
    end_all_sessions(user_id)
    start_session(db.execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone())
