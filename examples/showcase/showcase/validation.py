"""Plain-function validation shared by the HTML forms and the JSON API.

The API's structs check the types of a note's fields; the rules that depend
on the configuration (lengths) or on the meaning (a blank title) are the
``check_note_*`` functions here, used by both.

Each validator returns ``(clean_data, errors)``: ``errors`` maps a field
name to a message the page or the API shows next to that field, and is
empty when the input is acceptable.
"""

from __future__ import annotations

import re
import typing as t

from kolba import current_app

Errors = dict[str, str]

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,30}$")
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 100


def _text(source: t.Mapping[str, t.Any], name: str) -> str:
    """A form field's value with surrounding blanks removed ('' if absent)."""
    value = source.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _check_email(email: str, errors: Errors) -> None:
    """Record an error unless ``email`` looks like an address."""
    if not email:
        errors["email"] = "Email is required."
    elif not EMAIL_RE.match(email):
        errors["email"] = "Enter a valid email address."


def validate_contact(form: t.Mapping[str, t.Any]) -> tuple[dict[str, str], Errors]:
    """Check the contact form: a name, a valid email, a message."""
    data = {key: _text(form, key) for key in ("name", "email", "message")}
    errors: Errors = {}
    if not data["name"]:
        errors["name"] = "Name is required."
    elif len(data["name"]) > MAX_NAME_LENGTH:
        errors["name"] = f"Name must be at most {MAX_NAME_LENGTH} characters."
    _check_email(data["email"], errors)
    limit = current_app.config["MAX_TEXT_LENGTH"]
    if not data["message"]:
        errors["message"] = "Message is required."
    elif len(data["message"]) > limit:
        errors["message"] = f"Message must be at most {limit} characters."
    return data, errors


def validate_registration(form: t.Mapping[str, t.Any]) -> tuple[dict[str, str], Errors]:
    """Check the sign-up form; uniqueness is the database's job."""
    data = {key: _text(form, key) for key in ("username", "email")}
    password = form.get("password", "")
    confirm = form.get("confirm", "")
    errors: Errors = {}
    if not data["username"]:
        errors["username"] = "Username is required."
    elif not USERNAME_RE.match(data["username"]):
        errors["username"] = "Use 3 to 30 letters, digits, dots, dashes or underscores."
    _check_email(data["email"], errors)
    _check_new_password(password, confirm, errors)
    data["password"] = password
    return data, errors


def validate_password_change(form: t.Mapping[str, t.Any]) -> tuple[str, Errors]:
    """Check the new password and its confirmation; the current one is the view's job."""
    password = form.get("password", "")
    errors: Errors = {}
    _check_new_password(password, form.get("confirm", ""), errors)
    return password, errors


def _check_new_password(password: str, confirm: str, errors: Errors) -> None:
    """Record an error unless ``password`` is long enough and typed twice alike."""
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"Password must be at least {MIN_PASSWORD_LENGTH} characters."
    elif password != confirm:
        errors["confirm"] = "Passwords do not match."


def is_storable(text: str) -> bool:
    """Whether ``text`` can be encoded as UTF-8, as SQLite stores it.

    JSON can spell a lone surrogate (``"\\ud800"``), which Python decodes
    into a string that no encoder accepts; ``sqlite3`` would raise on it.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_note_title(value: str) -> tuple[str, str | None]:
    """A note title stripped, and what is wrong with it (``None`` if nothing).

    It must be storable text, not blank, within ``MAX_TITLE_LENGTH``.
    """
    if not is_storable(value):
        return value, "Title must be valid Unicode text."
    title = value.strip()
    limit = current_app.config["MAX_TITLE_LENGTH"]
    if not title:
        return title, "Title is required."
    if len(title) > limit:
        return title, f"Title must be at most {limit} characters."
    return title, None


def check_note_body(value: str) -> tuple[str, str | None]:
    """A note body (kept as sent, blank allowed), and what is wrong with it."""
    if not is_storable(value):
        return value, "Body must be valid Unicode text."
    limit = current_app.config["MAX_TEXT_LENGTH"]
    if len(value) > limit:
        return value, f"Body must be at most {limit} characters."
    return value, None


def _check_field(
    data: t.Mapping[str, t.Any], name: str, default: t.Any, clean: dict[str, str], errors: Errors
) -> None:
    """Check one text field of a note form with its ``check_note_*`` rule."""
    value = data.get(name, default)
    if not isinstance(value, str):
        missing = value is None and name == "title"
        errors[name] = "Title is required." if missing else f"{name.title()} must be a string."
        return
    check = check_note_title if name == "title" else check_note_body
    cleaned, problem = check(value)
    if problem is None:
        clean[name] = cleaned
    else:
        errors[name] = problem


def validate_note(
    data: t.Mapping[str, t.Any], *, partial: bool = False
) -> tuple[dict[str, str], Errors]:
    """Check a note's fields; with ``partial`` only the fields present.

    A full note needs a title; the body defaults to the empty string.
    """
    errors: Errors = {}
    clean: dict[str, str] = {}
    for name, default in (("title", None), ("body", "")):
        if name in data or not partial:
            _check_field(data, name, default, clean, errors)
    return clean, errors
