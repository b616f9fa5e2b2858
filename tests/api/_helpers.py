"""What the typed-view tests compare responses with."""

from __future__ import annotations

import json
import typing as t

PROBLEM_JSON = "application/problem+json"
DETAIL_422 = "The request did not match the view's declared types."


def problem(status: int, title: str, detail: str, **extra: t.Any) -> dict[str, t.Any]:
    """The problem details body Kolba sends."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


def invalid(*errors: tuple[list[t.Any], str, str]) -> dict[str, t.Any]:
    """The 422 body listing ``(location, message, type)`` errors."""
    listed = [{"location": loc, "message": msg, "type": kind} for loc, msg, kind in errors]
    return problem(422, "Unprocessable Entity", DETAIL_422, errors=listed)


def payload(response: t.Any) -> t.Any:
    """The JSON body of a JSON or problem+json response."""
    assert response.mimetype in ("application/json", PROBLEM_JSON), response.mimetype
    return json.loads(response.get_data())
