"""The ASGI benchmark endpoints as a Kolba app with ``async def`` views; ``app`` is ``app.asgi``.

The views are ``kolba_app.py``'s, written as coroutines: an ASGI user's
idiomatic Kolba, served on the event loop without a worker thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kolba import Kolba, jsonify, request

if TYPE_CHECKING:
    from kolba.typing import ResponseReturnValue

from benchmarks.apps.common import FILLER_ROUTES

kolba_app = Kolba(__name__)


def _add_filler_routes() -> None:
    """Register dynamic routes nobody requests, so matching is not trivial."""
    for i in range(FILLER_ROUTES):

        async def filler(id: int, i: int = i) -> ResponseReturnValue:
            return jsonify(route=i, id=id)

        kolba_app.add_url_rule(f"/r{i}/<int:id>", endpoint=f"filler{i}", view_func=filler)


_add_filler_routes()


@kolba_app.route("/")
async def hello() -> ResponseReturnValue:
    return "Hello, World!"


@kolba_app.route("/user/<int:user_id>")
async def user(user_id: int) -> ResponseReturnValue:
    return jsonify(id=user_id, name=f"user{user_id}")


@kolba_app.route("/search")
async def search() -> ResponseReturnValue:
    return jsonify(
        q=request.args.get("q", ""),
        page=request.args.get("page", 1, type=int),
        request_id=request.headers.get("X-Request-Id"),
    )


@kolba_app.post("/form")
async def form() -> ResponseReturnValue:
    return f"fields={len(request.form)} name={request.form['name']} city={request.form['city']}"


@kolba_app.post("/echo")
async def echo() -> ResponseReturnValue:
    return jsonify(request.get_json())


app = kolba_app.asgi
