"""The ASGI benchmark endpoints as an ordinary Quart app (Flask's API, async)."""

from __future__ import annotations

from typing import Any

from quart import Quart, jsonify, request

from benchmarks.apps.common import FILLER_ROUTES

app = Quart(__name__)


def _add_filler_routes() -> None:
    """Register dynamic routes nobody requests, so matching is not trivial."""
    for i in range(FILLER_ROUTES):

        async def filler(id: int, i: int = i) -> Any:
            return jsonify(route=i, id=id)

        app.add_url_rule(f"/r{i}/<int:id>", endpoint=f"filler{i}", view_func=filler)


_add_filler_routes()


@app.route("/")
async def hello() -> Any:
    return "Hello, World!"


@app.route("/user/<int:user_id>")
async def user(user_id: int) -> Any:
    return jsonify(id=user_id, name=f"user{user_id}")


@app.route("/search")
async def search() -> Any:
    return jsonify(
        q=request.args.get("q", ""),
        page=request.args.get("page", 1, type=int),
        request_id=request.headers.get("X-Request-Id"),
    )


@app.post("/form")
async def form() -> Any:
    fields = await request.form
    return f"fields={len(fields)} name={fields['name']} city={fields['city']}"


@app.post("/echo")
async def echo() -> Any:
    return jsonify(await request.get_json())
