"""The ASGI benchmark endpoints as an ordinary Starlette app.

Starlette's own form parser needs the python-multipart package, which the
``bench`` extra does not install; the form view parses the urlencoded body
with the standard library instead, as a Starlette user without it would.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from benchmarks.apps.common import FILLER_ROUTES


def _filler(index: int) -> Route:
    async def filler(request: Request) -> Response:
        return JSONResponse({"route": index, "id": request.path_params["id"]})

    return Route(f"/r{index}/{{id:int}}", filler)


async def hello(request: Request) -> Response:
    return HTMLResponse("Hello, World!")


async def user(request: Request) -> Response:
    user_id = request.path_params["user_id"]
    return JSONResponse({"id": user_id, "name": f"user{user_id}"})


async def search(request: Request) -> Response:
    args = request.query_params
    return JSONResponse(
        {
            "q": args.get("q", ""),
            "page": int(args.get("page", 1)),
            "request_id": request.headers.get("X-Request-Id"),
        }
    )


async def form(request: Request) -> Response:
    fields = dict(parse_qsl((await request.body()).decode("latin-1"), encoding="utf-8"))
    return HTMLResponse(f"fields={len(fields)} name={fields['name']} city={fields['city']}")


async def echo(request: Request) -> Response:
    return JSONResponse(await request.json())


app = Starlette(
    routes=[
        *(_filler(i) for i in range(FILLER_ROUTES)),
        Route("/", hello),
        Route("/user/{user_id:int}", user),
        Route("/search", search),
        Route("/form", form, methods=["POST"]),
        Route("/echo", echo, methods=["POST"]),
    ]
)
