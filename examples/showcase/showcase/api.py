"""The ``api`` blueprint: a JSON CRUD resource for notes under ``/api``, on typed views.

The views declare what they take and return (:mod:`kolba.api`): request
bodies are ``msgspec`` structs, decoded and checked before the view runs,
and the answers are typed, so the app's OpenAPI document
(``/openapi.json``) describes every operation and ``/docs`` lets you try
them. Every error is RFC 9457 problem details (``application/problem+json``):
``{"type", "title", "status", "detail"}``, plus ``"errors"`` (each with its
``location``, ``message`` and ``type``) when the input did not validate.

Who may call it: every endpoint except the index needs a caller, either an
API token (``Authorization: Bearer ...``, see ``tokens.py``) or the
logged-in user's session. Notes are private: callers see and change only
their own, and someone else's note answers 404, exactly like a missing one.

The blueprint is exempt from CSRF tokens, though the session cookie can
authenticate it, because a cross-site page cannot forge these requests:
bodies must be ``application/json`` and DELETE is not a "simple" method, so
a browser asks the server first (a CORS preflight), which this app never
grants; and the cookie is ``SameSite=Lax``.
"""

from __future__ import annotations

import sqlite3
import typing as t

import msgspec
from werkzeug.exceptions import Unauthorized

from kolba import Blueprint, abort, g, request, url_for
from kolba.api import API, FieldError, HTTPBearer, SessionCookie, ValidationError, secure

from .db import get_db, utcnow
from .tokens import user_for_token
from .validation import check_note_body, check_note_title

if t.TYPE_CHECKING:
    from kolba import Kolba

bp = Blueprint("api", __name__, url_prefix="/api")
secure(
    bp,
    token=HTTPBearer(description="An API token from the dashboard (`sct_...`)."),
    session=SessionCookie(description="The logged-in user's session cookie."),
)

#: Endpoints anyone may call; every other one needs a caller (deny by default).
PUBLIC_ENDPOINTS = frozenset({"api.index"})
_SELECT_NOTE = (
    "SELECT note.id, note.title, note.body, note.created_at, user.username AS author"
    " FROM note JOIN user ON user.id = note.author_id"
)


# -- what goes in and out ------------------------------------------------------------------------


class NoteIn(msgspec.Struct, forbid_unknown_fields=True):
    """A whole note, as POST and PUT take it: a title, and a body that defaults to ``""``."""

    title: str
    body: str = ""


class NoteChanges(msgspec.Struct, forbid_unknown_fields=True):
    """The fields a PATCH changes; those left out keep their value."""

    title: str | msgspec.UnsetType = msgspec.UNSET
    body: str | msgspec.UnsetType = msgspec.UNSET


class Note(msgspec.Struct):
    """A stored note; ``author`` is its owner's username."""

    id: int
    title: str
    body: str
    created_at: str
    author: str


class NoteList(msgspec.Struct):
    """The caller's notes, newest first, and how many there are."""

    notes: list[Note]
    count: int


class Unauthenticated(Unauthorized):
    """401 with the ``WWW-Authenticate`` challenge ``challenge``."""

    def __init__(self, description: str, challenge: str) -> None:
        super().__init__(description)
        self.challenge = challenge

    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> list[tuple[str, str]]:
        return [*super().get_headers(environ, scope), ("WWW-Authenticate", self.challenge)]


# -- who is calling ------------------------------------------------------------------------------


@bp.before_request
def authenticate() -> None:
    """Find who is calling (``g.api_user``), or answer 401."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        g.api_user = _caller()


def _caller() -> sqlite3.Row:
    """The token's owner if an Authorization header is sent, else the session's user.

    A bad token is refused even alongside a valid session: the client asked
    to act as someone specific, and silently acting as someone else would
    hide its mistake.
    """
    if "Authorization" in request.headers:
        auth = request.authorization
        user = None
        if auth is not None and auth.type == "bearer":
            user = user_for_token(auth.token or "")
        if user is None:
            raise Unauthenticated(
                "The API token is invalid or revoked; send 'Authorization: Bearer <token>'.",
                'Bearer realm="showcase", error="invalid_token"',
            )
        return user
    if g.user is None:
        raise Unauthenticated(
            "Log in, or send an API token as 'Authorization: Bearer <token>'.",
            'Bearer realm="showcase"',
        )
    return t.cast(sqlite3.Row, g.user)


# -- storage -------------------------------------------------------------------------------------


def _note(row: sqlite3.Row) -> Note:
    """A note row as the API shows it."""
    return Note(row["id"], row["title"], row["body"], row["created_at"], row["author"])


def _get_note(note_id: int) -> Note:
    """One of the caller's notes, or 404 (for other users' notes too)."""
    row = get_db().execute(
        f"{_SELECT_NOTE} WHERE note.id = ? AND note.author_id = ?", (note_id, g.api_user["id"])
    ).fetchone()
    if row is None:
        abort(404, f"No note with id {note_id}.")
    return _note(row)


def _checked(fields: dict[str, str]) -> dict[str, str]:
    """The note's fields cleaned (title stripped), or 422 listing every problem.

    The struct checked the types; these are the rules that depend on the
    app's configuration, shared with the dashboard's form.
    """
    clean: dict[str, str] = {}
    problems: list[FieldError] = []
    for name, check in (("title", check_note_title), ("body", check_note_body)):
        if name not in fields:
            continue
        value, problem = check(fields[name])
        if problem is None:
            clean[name] = value
        else:
            problems.append(FieldError(location=["body", name], message=problem, type="constraint"))
    if problems:
        raise ValidationError(problems, "The note is not valid.")
    return clean


# -- the views -----------------------------------------------------------------------------------


@bp.get("/", security=[])
def index() -> dict[str, t.Any]:
    """A greeting and a map of the API (public)."""
    return {
        "message": "Hello, Kolba API!",
        "authentication": "Authorization: Bearer <token> (from the dashboard), or log in",
        "documentation": "/docs",
        "endpoints": {
            "list_notes": "GET /api/notes",
            "create_note": "POST /api/notes",
            "get_note": "GET /api/notes/<id>",
            "replace_note": "PUT /api/notes/<id>",
            "update_note": "PATCH /api/notes/<id>",
            "delete_note": "DELETE /api/notes/<id>",
        },
    }


@bp.get("/notes", responses={401: "No caller, or a bad token."})
def list_notes() -> NoteList:
    """List the caller's notes, newest first."""
    rows = get_db().execute(
        f"{_SELECT_NOTE} WHERE note.author_id = ? ORDER BY note.id DESC", (g.api_user["id"],)
    ).fetchall()
    notes = [_note(row) for row in rows]
    return NoteList(notes, len(notes))


@bp.post("/notes", response=Note, status=201, responses={401: "No caller, or a bad token."})
def create_note(note: NoteIn) -> tuple[Note, dict[str, str]]:
    """Create a note.

    The answer is the stored note, with its URL in the `Location` header.
    """
    data = _checked({"title": note.title, "body": note.body})
    db = get_db()
    cursor = db.execute(
        "INSERT INTO note (title, body, author_id, created_at) VALUES (?, ?, ?, ?)",
        (data["title"], data["body"], g.api_user["id"], utcnow()),
    )
    db.commit()
    note_id = t.cast(int, cursor.lastrowid)
    return _get_note(note_id), {"Location": url_for("api.get_note", note_id=note_id)}


_NOT_YOURS = {401: "No caller, or a bad token.", 404: "No such note among the caller's."}


@bp.get("/notes/<id:note_id>", responses=_NOT_YOURS)
def get_note(note_id: int) -> Note:
    """Read one note."""
    return _get_note(note_id)


@bp.put("/notes/<id:note_id>", responses=_NOT_YOURS)
def replace_note(note_id: int, note: NoteIn) -> Note:
    """Replace a note: the title is required, the body defaults to an empty string."""
    _get_note(note_id)
    return _update(note_id, _checked({"title": note.title, "body": note.body}))


@bp.patch("/notes/<id:note_id>", responses=_NOT_YOURS)
def update_note(note_id: int, changes: NoteChanges) -> Note:
    """Change only the fields sent (at least one)."""
    _get_note(note_id)
    sent = {name: value for name in ("title", "body")
            if isinstance(value := getattr(changes, name), str)}
    if not sent:
        problem = FieldError(location=["body"], message="Send at least one of: body, title.",
                             type="missing")
        raise ValidationError([problem], "The note is not valid.")
    return _update(note_id, _checked(sent))


def _update(note_id: int, data: dict[str, str]) -> Note:
    """Store ``data``'s fields in the note and return it."""
    # Column names come from the struct's fields, never from the client.
    assignments = ", ".join(f"{name} = ?" for name in sorted(data))
    values = [data[name] for name in sorted(data)]
    db = get_db()
    db.execute(f"UPDATE note SET {assignments} WHERE id = ?", (*values, note_id))
    db.commit()
    return _get_note(note_id)


@bp.delete("/notes/<id:note_id>", status=204, responses=_NOT_YOURS)
def delete_note(note_id: int) -> None:
    """Delete a note; 204 with no body."""
    _get_note(note_id)
    db = get_db()
    db.execute("DELETE FROM note WHERE id = ?", (note_id,))  # the caller's: checked above
    db.commit()


# -- the OpenAPI document ------------------------------------------------------------------------


class NotesAPI(API):
    """The app's API setup (``/openapi.json``, ``/docs``), describing the JSON API alone.

    The HTML pages are for people, so their routes are left out of the
    document the docs page shows.
    """

    def document(self, app: Kolba) -> dict[str, t.Any]:
        document = super().document(app)
        prefix = bp.url_prefix or ""
        document["paths"] = {
            path: item for path, item in document["paths"].items() if path.startswith(prefix + "/")
        }
        if "tags" in document:
            document["tags"] = [tag for tag in document["tags"] if tag["name"] == bp.name]
        return document
