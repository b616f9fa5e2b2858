"""Flask-SocketIO in threading mode, driven through its own test client."""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import typing as t

from _harness import Report, choose_backend

report = Report(choose_backend())

import flask  # noqa: E402
from flask import Flask, g, request, session  # noqa: E402
from flask_socketio import (  # noqa: E402
    ConnectionRefusedError,
    Namespace,
    SocketIO,
    emit,
    join_room,
    leave_room,
    rooms,
    send,
)

app = Flask(__name__)
app.config["SECRET_KEY"] = "socket secret"
socketio = SocketIO(app, async_mode="threading")
seen_on_server: list[t.Any] = []


@app.route("/login/<name>")
def login(name: str) -> t.Any:
    """An HTTP login whose session the socket connection then sees."""
    session["user"] = name
    return "ok"


@socketio.on("connect")
def on_connect(auth: t.Any = None) -> t.Any:
    if auth is not None and auth.get("token") == "bad":
        raise ConnectionRefusedError("bad token")
    seen_on_server.append(["connect", session.get("user"), request.path, bool(request.sid)])
    emit("welcome", {"user": session.get("user"), "auth": auth})
    return None


@socketio.on("disconnect")
def on_disconnect(*args: t.Any) -> None:
    seen_on_server.append(["disconnect", session.get("user")])


@socketio.on("message")
def on_message(message: t.Any) -> None:
    send(f"echo: {message}")


@socketio.on("shout")
def on_shout(data: dict[str, t.Any]) -> t.Any:
    emit("shouted", {"text": data["text"].upper()}, broadcast=True)
    return "heard"


@socketio.on("remember")
def on_remember(value: str) -> t.Any:
    """Writes to the socket's own session (Flask-SocketIO manages it)."""
    session["remembered"] = value
    g.value = value
    return [session.get("user"), session["remembered"], g.value]


@socketio.on("recall")
def on_recall() -> t.Any:
    return [session.get("remembered"), g.get("value")]


@socketio.on("join")
def on_join(room: str) -> None:
    join_room(room)
    emit("joined", {"room": room, "rooms": sorted(rooms())})


@socketio.on("leave")
def on_leave(room: str) -> None:
    leave_room(room)


@socketio.on("say")
def on_say(data: dict[str, str]) -> None:
    emit("said", data["text"], to=data["room"])


@socketio.on("fail")
def on_fail() -> None:
    raise ValueError("handler failed")


@socketio.on_error_default
def on_error(error: Exception) -> t.Any:
    seen_on_server.append(["error", type(error).__name__, str(error), request.event["message"]])
    emit("failed", str(error))
    return None


class Chat(Namespace):  # type: ignore[misc]
    """A class-based namespace."""

    def on_connect(self) -> None:
        emit("ready", {"namespace": request.namespace})

    def on_ping(self, data: t.Any) -> t.Any:
        return {"pong": data, "app": flask.current_app.name}


socketio.on_namespace(Chat("/chat"))


def received(client: t.Any, namespace: str | None = None) -> list[list[t.Any]]:
    return [[m["name"], m["args"]] for m in client.get_received(namespace)]


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("connect_and_welcome")
def _() -> t.Any:
    client = socketio.test_client(app, auth={"token": "good"})
    result = [client.is_connected(), received(client)]
    client.disconnect()
    return result


@report.check("connect_refused")
def _() -> t.Any:
    client = socketio.test_client(app, auth={"token": "bad"})
    return client.is_connected()


@report.check("http_session_carried_over")
def _() -> t.Any:
    http = app.test_client()
    http.get("/login/ann")
    seen_on_server.clear()
    client = socketio.test_client(app, flask_test_client=http)
    welcome = received(client)
    client.disconnect()
    return [welcome, seen_on_server[:]]


@report.check("send_and_ack")
def _() -> t.Any:
    client = socketio.test_client(app)
    client.get_received()
    client.send("hello")
    echoed = received(client)
    ack = client.emit("shout", {"text": "hi"}, callback=True)
    return [echoed, ack, received(client)]


@report.check("broadcast")
def _() -> t.Any:
    first, second = socketio.test_client(app), socketio.test_client(app)
    first.get_received()
    second.get_received()
    first.emit("shout", {"text": "all"})
    return [received(first), received(second)]


@report.check("socket_session_and_g")
def _() -> t.Any:
    http = app.test_client()
    http.get("/login/bob")
    client = socketio.test_client(app, flask_test_client=http)
    stored = client.emit("remember", "blue", callback=True)
    recalled = client.emit("recall", callback=True)
    return [stored, recalled, http.get("/login/bob").status_code]


@report.check("rooms")
def _() -> t.Any:
    a, b, c = (socketio.test_client(app) for _ in range(3))
    for client in (a, b, c):
        client.get_received()
    a.emit("join", "lobby")
    b.emit("join", "lobby")
    joined = received(a)[0][1][0]
    a.get_received()
    b.get_received()
    a.emit("say", {"room": "lobby", "text": "psst"})
    heard = [received(a), received(b), received(c)]
    b.emit("leave", "lobby")
    a.emit("say", {"room": "lobby", "text": "again"})
    return [joined["room"], len(joined["rooms"]), heard, received(a), received(b)]


@report.check("error_handler")
def _() -> t.Any:
    client = socketio.test_client(app)
    client.get_received()
    seen_on_server.clear()
    client.emit("fail")
    return [received(client), seen_on_server[:]]


@report.check("namespace_class")
def _() -> t.Any:
    client = socketio.test_client(app, namespace="/chat")
    ready = received(client, "/chat")
    pong = client.emit("ping", 42, namespace="/chat", callback=True)
    return [ready, pong]


@report.check("disconnect_handler")
def _() -> t.Any:
    http = app.test_client()
    http.get("/login/cy")
    client = socketio.test_client(app, flask_test_client=http)
    seen_on_server.clear()
    client.disconnect()
    return [client.is_connected(), seen_on_server[:]]


report.emit()
