"""Problem details (RFC 9457) for requests a typed view cannot accept.

Each error is a Werkzeug ``HTTPException`` subclass, so Flask's machinery
handles it: ``@app.errorhandler(ValidationError)`` (or ``422``) replaces the
response, and unhandled ones render themselves as
``application/problem+json``::

    {"type": "about:blank", "title": "Unprocessable Entity", "status": 422,
     "detail": "The request did not match the view's declared types.",
     "errors": [{"location": ["body", "items", 0, "price"],
                 "message": "Expected `float`, got `str`", "type": "type"}]}
"""

from __future__ import annotations

import json
import typing as t

from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    UnprocessableEntity,
    UnsupportedMediaType,
)
from werkzeug.http import HTTP_STATUS_CODES

if t.TYPE_CHECKING:
    from .engines import FieldError

__all__ = [
    "BodyTooLarge", "MalformedBody", "Problem", "ResponseValidationError",
    "UnsupportedBody", "ValidationError", "problem_for",
]

PROBLEM_JSON = "application/problem+json"


class Problem(HTTPException):
    """An HTTP error whose page is an RFC 9457 problem details object."""

    def problem(self) -> dict[str, t.Any]:
        """The problem details members; subclasses add their own."""
        code = self.code or 500
        return {
            "type": "about:blank",
            "title": HTTP_STATUS_CODES.get(code, "Unknown Error"),
            "status": code,
            "detail": self.description,
        }

    def get_body(self, environ: t.Any = None, scope: t.Any = None) -> str:
        return json.dumps(self.problem())

    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> list[tuple[str, str]]:
        return [("Content-Type", PROBLEM_JSON)]


class ValidationError(Problem, UnprocessableEntity):
    """422: the request's values do not match the view's types.

    ``errors`` lists every problem found, each with its ``location``,
    ``message`` and ``type``.  Register ``@app.errorhandler(ValidationError)``
    to answer differently.
    """

    description = "The request did not match the view's declared types."

    def __init__(self, errors: list[FieldError], description: str | None = None) -> None:
        super().__init__(description)
        self.errors = errors

    def problem(self) -> dict[str, t.Any]:
        return {**super().problem(), "errors": self.errors}


class MalformedBody(Problem, BadRequest):
    """400: the body could not be parsed at all (malformed JSON)."""

    description = "The request body is not valid JSON."


class UnsupportedBody(Problem, UnsupportedMediaType):
    """415: the body's content type is not the one the view reads."""


class BodyTooLarge(Problem, RequestEntityTooLarge):
    """413: the body is larger than ``MAX_CONTENT_LENGTH``."""

    description = "The request body is larger than this server accepts."


def problem_for(error: HTTPException) -> t.Any:
    """An error handler: any HTTP error as problem details (``API(json_errors=True)``).

    Redirects and errors without a code pass through unchanged; the
    error's own headers (``Allow`` of a 405, ``Retry-After``...) are kept.
    """
    if isinstance(error, Problem) or error.code is None or error.code < 400:
        return error
    code = error.code
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(code, "Unknown Error"),
        "status": code,
        "detail": error.description,
    }
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    headers.append(("Content-Type", PROBLEM_JSON))
    return json.dumps(body), code, headers


class ResponseValidationError(Exception):
    """A typed view returned a value its response type cannot hold or encode.

    It is a server error (500), logged with the path of the offending
    field; nothing of the response has been sent when it is raised.
    """
