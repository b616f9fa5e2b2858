"""The ASGI benchmark endpoints as an ordinary Falcon 4 ASGI app (``falcon.asgi.App``)."""

from __future__ import annotations

from typing import Any

import falcon
import falcon.asgi

from benchmarks.apps.common import FILLER_ROUTES


class FillerResource:
    """A dynamic route nobody requests, so matching is not trivial."""

    def __init__(self, index: int) -> None:
        self.index = index

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response, id: int) -> None:
        resp.media = {"route": self.index, "id": id}


class HelloResource:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = "Hello, World!"


class UserResource:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response, user_id: int) -> None:
        resp.media = {"id": user_id, "name": f"user{user_id}"}


class SearchResource:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.media = {
            "q": req.get_param("q", default=""),
            "page": req.get_param_as_int("page", default=1),
            "request_id": req.get_header("X-Request-Id"),
        }


class FormResource:
    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        form: dict[str, Any] = await req.get_media()
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"fields={len(form)} name={form['name']} city={form['city']}"


class EchoResource:
    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.media = await req.get_media()


app = falcon.asgi.App()
for _i in range(FILLER_ROUTES):
    app.add_route(f"/r{_i}/{{id:int}}", FillerResource(_i))
app.add_route("/", HelloResource())
app.add_route("/user/{user_id:int}", UserResource())
app.add_route("/search", SearchResource())
app.add_route("/form", FormResource())
app.add_route("/echo", EchoResource())
