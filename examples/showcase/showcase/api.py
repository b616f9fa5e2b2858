"""The ``api`` blueprint: a JSON CRUD resource for notes under ``/api``.

Every answer is JSON, errors included: ``{"error": <status phrase>,
"message": <what went wrong>}`` plus ``"fields"`` (field name to message)
when the input did not validate.

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

from werkzeug.exceptions import BadRequest
from werkzeug.http import HTTP_STATUS_CODES

from kolba import Blueprint, g, jsonify, request, url_for

from .db import get_db, utcnow
from .tokens import user_for_token
from .validation import Errors, validate_note

if t.TYPE_CHECKING:
    # The base class: what ``jsonify`` is annotated to return in every version.
    from werkzeug.sansio.response import Response

bp = Blueprint("api", __name__, url_prefix="/api")

NOTE_FIELDS = frozenset({"title", "body"})
#: Endpoints anyone may call; every other one needs a caller (deny by default).
PUBLIC_ENDPOINTS = frozenset({"api.index"})
_SELECT_NOTE = (
    "SELECT note.id, note.title, note.body, note.created_at, user.username AS author"
    " FROM note JOIN user ON user.id = note.author_id"
)


class APIError(Exception):
    """An error the API reports as a JSON body with ``status``."""

    def __init__(
        self,
        status: int,
        message: str,
        fields: Errors | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields
        self.headers = headers or {}


def error_body(status: int, message: str, fields: Errors | None = None) -> dict[str, t.Any]:
    """The JSON shape shared by every API error."""
    body: dict[str, t.Any] = {"error": HTTP_STATUS_CODES.get(status, "Error"), "message": message}
    if fields is not None:
        body["fields"] = fields
    return body


@bp.errorhandler(APIError)
def handle_api_error(e: APIError) -> tuple[Response, int, dict[str, str]]:
    """Turn an :class:`APIError` into its JSON response."""
    return jsonify(error_body(e.status, e.message, e.fields)), e.status, e.headers


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
            challenge = 'Bearer realm="showcase", error="invalid_token"'
            message = "The API token is invalid or revoked; send 'Authorization: Bearer <token>'."
            raise APIError(401, message, headers={"WWW-Authenticate": challenge})
        return user
    if g.user is None:
        message = "Log in, or send an API token as 'Authorization: Bearer <token>'."
        raise APIError(401, message, headers={"WWW-Authenticate": 'Bearer realm="showcase"'})
    return t.cast(sqlite3.Row, g.user)


def _note_json(row: sqlite3.Row) -> dict[str, t.Any]:
    """A note row as the API shows it."""
    return {
        "id": row["id"],
        "title": row["title"],
        "body": row["body"],
        "created_at": row["created_at"],
        "author": row["author"],
    }


def _get_note_row(note_id: int) -> sqlite3.Row:
    """Fetch one of the caller's notes, or answer 404 (for other users' notes too)."""
    row = get_db().execute(
        f"{_SELECT_NOTE} WHERE note.id = ? AND note.author_id = ?", (note_id, g.api_user["id"])
    ).fetchone()
    if row is None:
        raise APIError(404, f"No note with id {note_id}.")
    return t.cast(sqlite3.Row, row)


def _json_object() -> dict[str, t.Any]:
    """The request body as a JSON object, or a 415/400 error."""
    if not request.is_json:
        raise APIError(415, "Send JSON with 'Content-Type: application/json'.")
    try:
        # Kolba's parser, not json.loads: it turns JSON nested too deeply
        # for Python's recursion limit into a 400 too.
        data = request.get_json()
    except BadRequest:
        raise APIError(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise APIError(400, "The JSON body must be an object.")
    return data


def _validated_note(*, partial: bool) -> dict[str, str]:
    """Read and check a note from the body, or answer 422 with the fields."""
    data = _json_object()
    clean, errors = validate_note(data, partial=partial)
    for name in sorted(set(data) - NOTE_FIELDS):
        errors[name] = "Unknown field."
    if partial and not errors and not clean:
        raise APIError(422, "Send at least one of: body, title.", {})
    if errors:
        raise APIError(422, "The note is not valid.", errors)
    return clean


@bp.get("/")
def index() -> dict[str, t.Any]:
    """A greeting and a map of the API, as the tutorials' first JSON view."""
    return {
        "message": "Hello, Kolba API!",
        "authentication": "Authorization: Bearer <token> (from the dashboard), or log in",
        "endpoints": {
            "list_notes": "GET /api/notes",
            "create_note": "POST /api/notes",
            "get_note": "GET /api/notes/<id>",
            "replace_note": "PUT /api/notes/<id>",
            "update_note": "PATCH /api/notes/<id>",
            "delete_note": "DELETE /api/notes/<id>",
        },
    }


@bp.get("/notes")
def list_notes() -> dict[str, t.Any]:
    """The caller's notes, newest first."""
    rows = get_db().execute(
        f"{_SELECT_NOTE} WHERE note.author_id = ? ORDER BY note.id DESC", (g.api_user["id"],)
    ).fetchall()
    notes = [_note_json(row) for row in rows]
    return {"notes": notes, "count": len(notes)}


@bp.post("/notes")
def create_note() -> tuple[Response, int, dict[str, str]]:
    """Create a note; 201 with its URL in ``Location``."""
    data = _validated_note(partial=False)
    db = get_db()
    cursor = db.execute(
        "INSERT INTO note (title, body, author_id, created_at) VALUES (?, ?, ?, ?)",
        (data["title"], data["body"], g.api_user["id"], utcnow()),
    )
    db.commit()
    note_id = t.cast(int, cursor.lastrowid)
    location = url_for("api.get_note", note_id=note_id)
    return jsonify(_note_json(_get_note_row(note_id))), 201, {"Location": location}


@bp.get("/notes/<id:note_id>")
def get_note(note_id: int) -> dict[str, t.Any]:
    """One note."""
    return _note_json(_get_note_row(note_id))


@bp.route("/notes/<id:note_id>", methods=("PUT", "PATCH"))
def update_note(note_id: int) -> dict[str, t.Any]:
    """PUT replaces the note (title required); PATCH changes the fields sent."""
    _get_note_row(note_id)
    data = _validated_note(partial=request.method == "PATCH")
    # Column names come from NOTE_FIELDS (validated), never from the client.
    assignments = ", ".join(f"{name} = ?" for name in sorted(data))
    values = [data[name] for name in sorted(data)]
    db = get_db()
    db.execute(f"UPDATE note SET {assignments} WHERE id = ?", (*values, note_id))
    db.commit()
    return _note_json(_get_note_row(note_id))


@bp.delete("/notes/<id:note_id>")
def delete_note(note_id: int) -> tuple[str, int]:
    """Remove a note; 204 with no body."""
    _get_note_row(note_id)
    db = get_db()
    db.execute("DELETE FROM note WHERE id = ?", (note_id,))  # the caller's: checked above
    db.commit()
    return "", 204
