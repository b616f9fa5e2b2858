"""The benchmark endpoints written as an ordinary Falcon 4 app."""

from __future__ import annotations

from typing import Any

import falcon
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

templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)
sessions = make_session_serializer()


class FillerResource:
    """A dynamic route nobody requests, so matching is not trivial."""

    def __init__(self, index: int) -> None:
        self.index = index

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = {"route": self.index, "id": id}


class HelloResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = "Hello, World!"


class UserResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        resp.media = {"id": user_id, "name": f"user{user_id}"}


class SearchResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {
            "q": req.get_param("q", default=""),
            "page": req.get_param_as_int("page", default=1),
            "request_id": req.get_header("X-Request-Id"),
        }


class FormResource:
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form: dict[str, Any] = req.get_media()
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"fields={len(form)} name={form['name']} city={form['city']}"


class EchoResource:
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = req.get_media()


class ItemsResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = templates.get_template("items.html").render(title=TEMPLATE_TITLE, items=ITEMS)


class MeResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        user = "anonymous"
        cookie = req.cookies.get(SESSION_COOKIE)
        if cookie is not None:
            try:
                user = sessions.loads(cookie, max_age=SESSION_MAX_AGE).get("user", user)
            except BadSignature:
                pass
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"Hello, {user}"


app = falcon.App()
for _i in range(FILLER_ROUTES):
    app.add_route(f"/r{_i}/{{id:int}}", FillerResource(_i))
app.add_route("/", HelloResource())
app.add_route("/user/{user_id:int}", UserResource())
app.add_route("/search", SearchResource())
app.add_route("/form", FormResource())
app.add_route("/echo", EchoResource())
app.add_route("/items", ItemsResource())


class HookMiddleware:
    """Falcon's spelling of a before- and after-request hook pair."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.greeting = "hi"

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        resp.set_header("X-Hook", "after")


class PrefsResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        theme = req.cookies.get("theme", "light")
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"{req.context.greeting} theme={theme}"


hooks_app = falcon.App(middleware=[HookMiddleware()])
hooks_app.add_route("/prefs", PrefsResource())


session_app = falcon.App()
session_app.add_route("/me", MeResource())


def session_cookie() -> str:
    """Return the signed cookie ``MeResource`` accepts."""
    return signed_session_cookie()


def session_cookies(count: int) -> list[str]:
    """Return ``count`` distinct signed cookies, all for the same user."""
    return signed_session_cookies(count)
