# mypy: disallow-untyped-decorators=False
# Bottle ships no type hints, so its route decorators are untyped.
"""The benchmark endpoints written as an ordinary Bottle app."""

from __future__ import annotations

from typing import Any

import bottle
import jinja2
from bottle import request, response
from itsdangerous import BadSignature

from benchmarks.apps.common import (
    FILLER_ROUTES,
    ITEMS,
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    TEMPLATE_DIR,
    TEMPLATE_TITLE,
    make_session_serializer,
    signed_session_cookie,
    signed_session_cookies,
)

templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)
sessions = make_session_serializer()

app = bottle.Bottle()


def _add_filler_routes() -> None:
    """Register dynamic routes nobody requests, so matching is not trivial."""
    for i in range(FILLER_ROUTES):

        def filler(id: int, i: int = i) -> dict[str, Any]:
            return {"route": i, "id": id}

        app.route(f"/r{i}/<id:int>", callback=filler)


_add_filler_routes()


@app.get("/")
def hello() -> str:
    return "Hello, World!"


@app.get("/user/<user_id:int>")
def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "name": f"user{user_id}"}


@app.get("/search")
def search() -> dict[str, Any]:
    return {
        "q": request.query.getunicode("q", ""),
        "page": request.query.get("page", 1, type=int),
        "request_id": request.get_header("X-Request-Id"),
    }


@app.post("/form")
def form() -> str:
    fields = request.forms
    return f"fields={len(fields)} name={fields.getunicode('name')} city={fields.getunicode('city')}"


@app.post("/echo")
def echo() -> Any:
    return request.json


@app.get("/items")
def items() -> str:
    return templates.get_template("items.html").render(title=TEMPLATE_TITLE, items=ITEMS)


hooks_app = bottle.Bottle()


@hooks_app.hook("before_request")
def remember_greeting() -> None:
    request.greeting = "hi"


@hooks_app.hook("after_request")
def mark_response() -> None:
    response.set_header("X-Hook", "after")


@hooks_app.get("/prefs")
def prefs() -> str:
    return f"{request.greeting} theme={request.get_cookie('theme', 'light')}"


session_app = bottle.Bottle()


@session_app.get("/me")
def me() -> str:
    user = "anonymous"
    cookie = request.get_cookie(SESSION_COOKIE)
    if cookie is not None:
        try:
            user = sessions.loads(cookie, max_age=SESSION_MAX_AGE).get("user", user)
        except BadSignature:
            pass
    return f"Hello, {user}"


def session_cookie() -> str:
    """Return the signed cookie ``me`` accepts."""
    return signed_session_cookie()


def session_cookies(count: int) -> list[str]:
    """Return ``count`` distinct signed cookies, all for the same user."""
    return signed_session_cookies(count)
