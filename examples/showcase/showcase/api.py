"""The ``api`` blueprint: a JSON CRUD resource for notes under ``/api``.

Every answer is JSON, errors included: ``{"error": <status phrase>,
"message": <what went wrong>}`` plus ``"fields"`` (field name to message)
when the input did not validate. The blueprint is exempt from CSRF because
it accepts only ``application/json`` bodies.
"""

from __future__ import annotations

import sqlite3
import typing as t

from werkzeug.http import HTTP_STATUS_CODES

from kolba import Blueprint, current_app, g, jsonify, request, url_for

from .db import get_db, utcnow
from .validation import Errors, validate_note

if t.TYPE_CHECKING:
    # The base class: what ``jsonify`` is annotated to return in every version.
    from werkzeug.sansio.response import Response

bp = Blueprint("api", __name__, url_prefix="/api")

NOTE_FIELDS = frozenset({"title", "body"})
_SELECT_NOTE = (
    "SELECT note.id, note.title, note.body, note.created_at, user.username AS author"
    " FROM note LEFT JOIN user ON user.id = note.author_id"
)


class APIError(Exception):
    """An error the API reports as a JSON body with ``status``."""

    def __init__(self, status: int, message: str, fields: Errors | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields


def error_body(status: int, message: str, fields: Errors | None = None) -> dict[str, t.Any]:
    """The JSON shape shared by every API error."""
    body: dict[str, t.Any] = {"error": HTTP_STATUS_CODES.get(status, "Error"), "message": message}
    if fields is not None:
        body["fields"] = fields
    return body


@bp.errorhandler(APIError)
def handle_api_error(e: APIError) -> tuple[Response, int]:
    """Turn an :class:`APIError` into its JSON response."""
    return jsonify(error_body(e.status, e.message, e.fields)), e.status


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
    """Fetch a note or answer 404."""
    row = get_db().execute(f"{_SELECT_NOTE} WHERE note.id = ?", (note_id,)).fetchone()
    if row is None:
        raise APIError(404, f"No note with id {note_id}.")
    return t.cast(sqlite3.Row, row)


def _json_object() -> dict[str, t.Any]:
    """The request body as a JSON object, or a 415/400 error."""
    if not request.is_json:
        raise APIError(415, "Send JSON with 'Content-Type: application/json'.")
    try:
        data = current_app.json.loads(request.get_data(cache=True))
    except ValueError:
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
    """Every note, newest first."""
    rows = get_db().execute(f"{_SELECT_NOTE} ORDER BY note.id DESC").fetchall()
    notes = [_note_json(row) for row in rows]
    return {"notes": notes, "count": len(notes)}


@bp.post("/notes")
def create_note() -> tuple[Response, int, dict[str, str]]:
    """Create a note; 201 with its URL in ``Location``."""
    data = _validated_note(partial=False)
    author_id = g.user["id"] if g.get("user") is not None else None
    db = get_db()
    cursor = db.execute(
        "INSERT INTO note (title, body, author_id, created_at) VALUES (?, ?, ?, ?)",
        (data["title"], data["body"], author_id, utcnow()),
    )
    db.commit()
    note_id = t.cast(int, cursor.lastrowid)
    location = url_for("api.get_note", note_id=note_id)
    return jsonify(_note_json(_get_note_row(note_id))), 201, {"Location": location}


@bp.get("/notes/<int:note_id>")
def get_note(note_id: int) -> dict[str, t.Any]:
    """One note."""
    return _note_json(_get_note_row(note_id))


@bp.route("/notes/<int:note_id>", methods=("PUT", "PATCH"))
def update_note(note_id: int) -> dict[str, t.Any]:
    """PUT replaces the note (title required); PATCH changes the fields sent."""
    _get_note_row(note_id)
    data = _validated_note(partial=request.method == "PATCH")
    assignments = ", ".join(f"{name} = ?" for name in sorted(data))
    values = [data[name] for name in sorted(data)]
    db = get_db()
    db.execute(f"UPDATE note SET {assignments} WHERE id = ?", (*values, note_id))
    db.commit()
    return _note_json(_get_note_row(note_id))


@bp.delete("/notes/<int:note_id>")
def delete_note(note_id: int) -> tuple[str, int]:
    """Remove a note; 204 with no body."""
    _get_note_row(note_id)
    db = get_db()
    db.execute("DELETE FROM note WHERE id = ?", (note_id,))
    db.commit()
    return "", 204
