"""A chat served by real ASGI servers in the WebSocket end-to-end tests.

``/chat/<room>?name=...`` relays each message to everyone else in the room;
``/quit`` closes with 4000.  A ``token=bad`` handshake is refused with 401,
and ``/once`` sends one message and returns (a 1000 close).
"""

from __future__ import annotations

import typing as t

import kolba
from kolba import websocket
from kolba.websockets import WebSocket, WebSocketDisconnect

app = kolba.Kolba(__name__)
rooms: dict[str, set[WebSocket]] = {}


@app.route("/")
def index() -> str:
    return "chat"


@app.before_websocket
def check_token() -> t.Any:
    if websocket.args.get("token") == "bad":
        return "token refused", 401
    return None


@app.websocket("/chat/<room>")
async def chat(room: str) -> None:
    me = websocket._get_current_object()
    name = websocket.args.get("name", "anonymous")
    members = rooms.setdefault(room, set())
    members.add(me)  # before accepting: once connected, a client is in the room
    await websocket.accept()
    try:
        async for message in websocket:
            if message == "/quit":
                await websocket.close(4000, "bye")
                break
            for peer in list(members - {me}):
                try:
                    await peer.send(f"{name}: {message}")
                except WebSocketDisconnect:
                    members.discard(peer)
    finally:
        members.discard(me)


@app.websocket("/once")
async def once() -> None:
    await websocket.send("just this")
