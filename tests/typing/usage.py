"""Typical Kolba user code; mypy --strict must accept it (decorators keep types)."""

from __future__ import annotations

from collections.abc import Coroutine, Iterator
from typing import Any

from kolba import (
    Blueprint, Kolba, Response, abort, flash, g, get_flashed_messages, jsonify, make_response,
    redirect, request, session, stream_with_context, url_for, websocket,
)
from kolba.typing import ResponseReturnValue
from kolba.views import MethodView
from kolba.websockets import WebSocketDisconnect

app = Kolba(__name__)
bp = Blueprint("api", __name__, url_prefix="/api")


@app.route("/")
def home() -> str:
    return "Hello, World!"


@app.get("/user/<int:user_id>")
def user(user_id: int) -> dict[str, object]:
    return {"id": user_id, "name": request.args.get("name", "")}


@app.post("/login")
def login() -> ResponseReturnValue:
    session["user"] = request.form["name"]
    return redirect(url_for("home"))


@app.errorhandler(404)
def not_found(error: Exception) -> tuple[str, int]:
    return "missing", 404


@app.before_request
def load_user() -> None:
    g.user = session.get("user")


@app.after_request
def tag(response: Response) -> Response:
    response.headers["X-App"] = "kolba"
    return response


@bp.route("/items")
def items() -> Response:
    if request.args.get("fail"):
        abort(400)
    return jsonify(items=[1, 2, 3])


@app.route("/stream")
def stream() -> Response:
    def chunks() -> Iterator[str]:
        yield request.args.get("x", "")

    return Response(stream_with_context(chunks()))


@stream_with_context
def numbered() -> Iterator[str]:
    yield "1"


@app.route("/flash")
def flashing() -> Response:
    flash("saved", "info")
    messages: list[str] | list[tuple[str, str]] = get_flashed_messages()
    response = make_response(str(messages), 200)
    return response


class Counter(MethodView):
    def get(self) -> str:
        return "0"


app.add_url_rule("/counter", view_func=Counter.as_view("counter"))


@bp.websocket("/ws/<room>")
async def room_socket(room: str) -> None:
    await websocket.accept(headers={"X-Room": room})
    try:
        async for message in websocket:
            await websocket.send(message)
        data: Any = await websocket.receive_json()
        await websocket.send_json({"room": room, "args": websocket.args.get("x"), "data": data})
    except WebSocketDisconnect as gone:
        code: int = gone.code
        print(code)


@app.before_websocket
async def gate() -> tuple[str, int] | None:
    return None if websocket.cookies.get("ok") else ("no", 403)


@bp.after_app_websocket
def after_socket(response: Response | None) -> Response | None:
    return response


app.register_blueprint(bp)

# The decorators return the function unchanged, so its type survives.
reveal_home: str = home()
reveal_user: dict[str, object] = user(1)
streamed: Iterator[str] = numbered()
socket_call: Coroutine[Any, Any, None] = room_socket("lobby")
