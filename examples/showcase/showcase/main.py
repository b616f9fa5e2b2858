"""The ``main`` blueprint: the pages the tutorials build, one by one.

Home, the submit form, the contact form, profile pages and the dashboard
that only logged-in users may see. Notes are private: a profile page shows
how many notes a user wrote, not what they say.
"""

from __future__ import annotations

import sqlite3
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

from .current_user import login_required
from .db import get_db, utcnow
from .tokens import list_tokens
from .validation import validate_contact, validate_note

bp = Blueprint("main", __name__)


@bp.route("/")
def home() -> str:
    """The landing page, with a tour of what the app shows."""
    return render_template("index.html", title="Home", message="Welcome to Kolba!")


@bp.route("/submit", methods=("GET", "POST"))
def submit_data() -> t.Any:
    """GET shows the form; POST echoes the input (escaped by Jinja)."""
    if request.method == "POST":
        user_input = request.form.get("user_input", "").strip()
        if user_input:
            return render_template("submitted.html", data=user_input)
        flash("Please enter something before submitting.", "warning")
        return redirect(url_for("main.submit_data"))
    return render_template("submit_form.html")


@bp.route("/contact", methods=("GET", "POST"))
def contact() -> t.Any:
    """Validate and store a message, then redirect (Post/Redirect/Get)."""
    if request.method == "GET":
        return render_template("contact.html", form={}, errors={})
    data, errors = validate_contact(request.form)
    if errors:
        return render_template("contact.html", form=data, errors=errors), 400
    db = get_db()
    db.execute(
        "INSERT INTO message (name, email, body, created_at) VALUES (?, ?, ?, ?)",
        (data["name"], data["email"], data["message"], utcnow()),
    )
    db.commit()
    current_app.logger.info("Contact message from %s", data["email"])
    flash(f"Thanks, {data['name']}! Your message has been received.", "success")
    return redirect(url_for("main.thank_you"))


@bp.route("/thank-you")
def thank_you() -> str:
    """Where the contact form lands; the flash message says what happened."""
    return render_template("thank_you.html")


def _user_notes(user_id: int) -> list[sqlite3.Row]:
    """The notes a user wrote, newest first."""
    return get_db().execute(
        "SELECT id, title, body, created_at FROM note WHERE author_id = ?"
        " ORDER BY created_at DESC, id DESC",
        (user_id,),
    ).fetchall()


def _render_profile(user: sqlite3.Row | None) -> str:
    """One template serves both profile URLs; unknown users are 404."""
    if user is None:
        abort(404)
    (count,) = get_db().execute(
        "SELECT COUNT(*) FROM note WHERE author_id = ?", (user["id"],)
    ).fetchone()
    return render_template("profile.html", user=user, note_count=count)


@bp.route("/profile/<username>")
def profile(username: str) -> str:
    """A user's public page, looked up by name."""
    user = get_db().execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
    return _render_profile(user)


@bp.route("/user/<id:user_id>")
def user_by_id(user_id: int) -> str:
    """The same page by numeric id; the ``id`` converter 404s on anything else."""
    user = get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()
    return _render_profile(user)


@bp.route("/dashboard")
@login_required
def dashboard() -> str:
    """The logged-in user's notes and API tokens, with forms to add them."""
    return dashboard_page()


def dashboard_page(**context: t.Any) -> str:
    """The dashboard, with empty forms unless ``context`` says otherwise."""
    defaults: dict[str, t.Any] = {"form": {}, "errors": {}, "token_form": {}, "token_errors": {}}
    return render_template(
        "dashboard.html",
        notes=_user_notes(g.user["id"]),
        tokens=list_tokens(g.user["id"]),
        **{**defaults, **context},
    )


@bp.route("/notes", methods=("POST",))
@login_required
def create_note() -> t.Any:
    """Add a note from the dashboard form; the API sees it too."""
    data, errors = validate_note(request.form)
    if errors:
        return dashboard_page(form=request.form, errors=errors), 400
    db = get_db()
    db.execute(
        "INSERT INTO note (title, body, author_id, created_at) VALUES (?, ?, ?, ?)",
        (data["title"], data["body"], g.user["id"], utcnow()),
    )
    db.commit()
    flash(f"Note “{data['title']}” saved.", "success")
    return redirect(url_for("main.dashboard"))
