"""The benchmark endpoints as bare WSGI callables: the floor any framework adds to.

Dispatch is a dict of static paths plus a dict keyed by the first path
segment for the ``/<prefix>/<int>`` routes, which is about the least work
that still routes the same URLs.  Parsing uses the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import jinja2
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

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
Reply = tuple[str, list[tuple[str, str]], bytes]

HTML = "text/html; charset=utf-8"
JSON = "application/json"

templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)
sessions = make_session_serializer()


def _html(text: str, status: str = "200 OK") -> Reply:
    body = text.encode()
    return status, [("Content-Type", HTML), ("Content-Length", str(len(body)))], body


def _json(value: Any) -> Reply:
    body = json.dumps(value, separators=(",", ":")).encode()
    return "200 OK", [("Content-Type", JSON), ("Content-Length", str(len(body)))], body


def _read_body(environ: Environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
    return data


def _cookies(environ: Environ) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in environ.get("HTTP_COOKIE", "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            cookies.setdefault(name, value)
    return cookies


def hello(environ: Environ) -> Reply:
    return _html("Hello, World!")


def search(environ: Environ) -> Reply:
    args = parse_qs(environ.get("QUERY_STRING", ""))
    return _json(
        {
            "q": args.get("q", [""])[0],
            "page": int(args.get("page", ["1"])[0]),
            "request_id": environ.get("HTTP_X_REQUEST_ID"),
        }
    )


def form(environ: Environ) -> Reply:
    fields = dict(parse_qsl(_read_body(environ).decode("latin-1"), encoding="utf-8"))
    return _html(f"fields={len(fields)} name={fields['name']} city={fields['city']}")


def echo(environ: Environ) -> Reply:
    return _json(json.loads(_read_body(environ)))


def items(environ: Environ) -> Reply:
    return _html(templates.get_template("items.html").render(title=TEMPLATE_TITLE, items=ITEMS))


def me(environ: Environ) -> Reply:
    user = "anonymous"
    cookie = _cookies(environ).get(SESSION_COOKIE)
    if cookie is not None:
        try:
            user = sessions.loads(cookie, max_age=SESSION_MAX_AGE).get("user", user)
        except BadSignature:
            pass
    return _html(f"Hello, {user}")


def user(user_id: int) -> Reply:
    return _json({"id": user_id, "name": f"user{user_id}"})


def _filler(index: int) -> Callable[[int], Reply]:
    def view(id: int) -> Reply:
        return _json({"route": index, "id": id})

    return view


STATIC: dict[str, Callable[[Environ], Reply]] = {
    "/": hello,
    "/search": search,
    "/items": items,
}
POST: dict[str, Callable[[Environ], Reply]] = {"/form": form, "/echo": echo}
DYNAMIC: dict[str, Callable[[int], Reply]] = {f"r{i}": _filler(i) for i in range(FILLER_ROUTES)}
DYNAMIC["user"] = user


def _dispatch(environ: Environ) -> Reply:
    path: str = environ.get("PATH_INFO") or "/"
    method = environ["REQUEST_METHOD"]
    table = POST if method == "POST" else STATIC
    view = table.get(path)
    if view is not None and method in ("GET", "POST"):
        return view(environ)
    _, prefix, number = path.split("/", 2) if path.count("/") == 2 else ("", "", "")
    dynamic = DYNAMIC.get(prefix)
    if dynamic is not None and number.isdigit() and method == "GET":
        return dynamic(int(number))
    return _html("<h1>Not Found</h1>", "404 Not Found")


def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    status, headers, body = _dispatch(environ)
    start_response(status, headers)
    return [body]


def hooks_app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Run a before step, the view and an after step, as framework hooks would."""
    if environ.get("PATH_INFO") != "/prefs" or environ["REQUEST_METHOD"] != "GET":
        status, headers, body = _html("<h1>Not Found</h1>", "404 Not Found")
    else:
        context = {"greeting": "hi"}
        status, headers, body = _html(
            f"{context['greeting']} theme={_cookies(environ).get('theme', 'light')}"
        )
    headers.append(("X-Hook", "after"))
    start_response(status, headers)
    return [body]


def session_app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Serve only ``/me``, the endpoint that reads the signed session."""
    if environ.get("PATH_INFO") == "/me" and environ["REQUEST_METHOD"] == "GET":
        status, headers, body = me(environ)
    else:
        status, headers, body = _html("<h1>Not Found</h1>", "404 Not Found")
    start_response(status, headers)
    return [body]


def session_cookie() -> str:
    """Return the signed cookie ``me`` accepts."""
    return signed_session_cookie()


def session_cookies(count: int) -> list[str]:
    """Return ``count`` distinct signed cookies, all for the same user."""
    return signed_session_cookies(count)
