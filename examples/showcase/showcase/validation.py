"""Plain-function validation shared by the HTML forms and the JSON API.

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


def _check_title(value: t.Any, errors: Errors) -> str | None:
    """A note title: a non-blank string within the configured length."""
    if value is None:
        errors["title"] = "Title is required."
        return None
    if not isinstance(value, str):
        errors["title"] = "Title must be a string."
        return None
    if not is_storable(value):
        errors["title"] = "Title must be valid Unicode text."
        return None
    title = value.strip()
    limit = current_app.config["MAX_TITLE_LENGTH"]
    if not title:
        errors["title"] = "Title is required."
    elif len(title) > limit:
        errors["title"] = f"Title must be at most {limit} characters."
    return title


def _check_body(value: t.Any, errors: Errors) -> str | None:
    """A note body: any string within the configured length, blank allowed."""
    if not isinstance(value, str):
        errors["body"] = "Body must be a string."
        return None
    if not is_storable(value):
        errors["body"] = "Body must be valid Unicode text."
        return None
    limit = current_app.config["MAX_TEXT_LENGTH"]
    if len(value) > limit:
        errors["body"] = f"Body must be at most {limit} characters."
    return value


def validate_note(
    data: t.Mapping[str, t.Any], *, partial: bool = False
) -> tuple[dict[str, str], Errors]:
    """Check a note's fields; with ``partial`` only the fields present.

    A full note needs a title; the body defaults to the empty string.
    """
    errors: Errors = {}
    clean: dict[str, str] = {}
    if "title" in data or not partial:
        title = _check_title(data.get("title"), errors)
        if title is not None:
            clean["title"] = title
    if "body" in data or not partial:
        body = _check_body(data.get("body", ""), errors)
        if body is not None:
            clean["body"] = body
    return clean, errors
