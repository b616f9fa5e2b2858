"""WebSocket routes served through ``app.asgi``, driven by the test client.

``client.websocket(path)`` speaks to the ASGI door in process; a few tests
drive the door with hand-written ASGI messages to see what a server sees.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import typing as t

import pytest

import kolba

pytestmark = pytest.mark.kolba_only  # Flask has no WebSockets

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    pytest.skip("Flask has no WebSockets", allow_module_level=True)

from werkzeug.exceptions import Forbidden  # noqa: E402

from kolba import abort, g, request, session, url_for, websocket  # noqa: E402
from kolba.testing import WebSocketRejected  # noqa: E402
from kolba.websockets import UpgradeRequired, WebSocket, WebSocketDisconnect  # noqa: E402


@pytest.fixture
def echo(app: kolba.Kolba) -> kolba.Kolba:
    @app.websocket("/echo")
    async def echo() -> None:
        async for message in websocket:
            await websocket.send(message)

    return app


# --- routes and the websocket object -------------------------------------------------


def test_messages_go_both_ways_as_text_and_bytes(echo: kolba.Kolba) -> None:
    with echo.test_client().websocket("/echo") as ws:
        ws.send("hello")
        assert ws.receive() == "hello"
        ws.send(b"\x00\xff")
        assert ws.receive() == b"\x00\xff"


def test_json_both_ways_uses_the_apps_provider(app: kolba.Kolba) -> None:
    app.json.sort_keys = False  # type: ignore[attr-defined]

    @app.websocket("/json")
    async def json_echo() -> None:
        value = await websocket.receive_json()
        await websocket.send_json({"z": 1, "got": value})

    with app.test_client().websocket("/json") as ws:
        ws.send_json([1, "two"])
        assert ws.receive() == '{"z": 1, "got": [1, "two"]}'


def test_converters_view_args_and_the_handshake_request(app: kolba.Kolba) -> None:
    @app.websocket("/rooms/<int:number>/<name>")
    async def room(number: int, name: str) -> None:
        ws = websocket._get_current_object()
        assert isinstance(ws, WebSocket)
        await websocket.send_json(
            {
                "number": number, "name": name, "view_args": websocket.view_args,
                "args": websocket.args.to_dict(), "header": websocket.headers.get("X-Token"),
                "path": websocket.path, "url": websocket.url, "endpoint": websocket.endpoint,
                "request_path": request.path, "same": request._get_current_object() is ws.request,
            }
        )

    client = app.test_client()
    with client.websocket("/rooms/7/blue?q=1", headers={"X-Token": "abc"}) as ws:
        assert ws.receive_json() == {
            "number": 7, "name": "blue", "view_args": {"number": 7, "name": "blue"},
            "args": {"q": "1"}, "header": "abc", "path": "/rooms/7/blue",
            "url": "ws://localhost/rooms/7/blue?q=1", "endpoint": "room",
            "request_path": "/rooms/7/blue", "same": True,
        }
    with pytest.raises(WebSocketRejected) as refused:
        with client.websocket("/rooms/seven/blue"):
            pass
    assert refused.value.status_code == 404


def test_a_websocket_to_an_http_route_is_refused(app: kolba.Kolba) -> None:
    @app.route("/page")
    def page() -> str:
        return "page"

    client = app.test_client()
    with pytest.raises(WebSocketRejected) as refused:
        with client.websocket("/page"):
            pass
    assert refused.value.status_code == 400  # Werkzeug's websocket mismatch
    with pytest.raises(WebSocketRejected) as missing:
        with client.websocket("/nowhere"):
            pass
    assert missing.value.status_code == 404


def test_an_http_route_and_a_websocket_may_share_a_url(app: kolba.Kolba) -> None:
    @app.route("/chat")
    def chat_page() -> str:
        return "the page"

    @app.websocket("/chat")
    async def chat_socket() -> None:
        await websocket.send("the socket")

    client = app.test_client()
    assert client.get("/chat").text == "the page"
    with client.websocket("/chat") as ws:
        assert ws.receive() == "the socket"


def test_url_for_builds_ws_urls_and_relative_names(app: kolba.Kolba) -> None:
    bp = kolba.Blueprint("live", __name__, url_prefix="/live")

    @bp.websocket("/feed/<int:n>")
    async def feed(n: int) -> None:
        await websocket.send(" ".join((url_for(".feed", n=n + 1), url_for("page", _external=True))))

    @app.route("/page")
    def page() -> str:
        return url_for("live.feed", n=1)

    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/page").text == "ws://localhost/live/feed/1"
    with client.websocket("/live/feed/1") as ws:
        assert ws.receive() == "ws://localhost/live/feed/2 http://localhost/page"
    for secure in ("https://localhost/live/feed/1", "wss://localhost/live/feed/1"):
        with client.websocket(secure) as ws:
            assert ws.receive() == "wss://localhost/live/feed/2 https://localhost/page"


def test_nested_blueprint_prefixes_and_hooks_apply(app: kolba.Kolba) -> None:
    order: list[str] = []
    outer = kolba.Blueprint("outer", __name__, url_prefix="/outer")
    inner = kolba.Blueprint("inner", __name__, url_prefix="/inner")

    @app.before_websocket
    def app_before() -> None:
        order.append("app")

    @outer.before_websocket
    def outer_before() -> None:
        order.append("outer")

    @inner.before_websocket
    async def inner_before() -> None:
        order.append("inner")

    @inner.after_websocket
    def inner_after(response: t.Any) -> None:
        order.append(f"inner after {response}")

    @app.after_websocket
    async def app_after(response: t.Any) -> None:
        order.append(f"app after {response}")

    @inner.websocket("/ws/<room>")
    async def room(room: str) -> None:
        order.append(f"handler {room} {websocket.blueprint}")
        await websocket.accept()

    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    with app.test_client().websocket("/outer/inner/ws/red") as ws:
        with pytest.raises(WebSocketDisconnect):
            ws.receive()
    assert order == [
        "app", "outer", "inner", "handler red outer.inner", "inner after None", "app after None"
    ]


def test_blueprint_app_wide_hooks_run_for_every_websocket(app: kolba.Kolba) -> None:
    seen: list[str] = []
    bp = kolba.Blueprint("audit", __name__)

    @bp.before_app_websocket
    def before() -> None:
        seen.append("before")

    @bp.after_app_websocket
    def after(response: t.Any) -> None:
        seen.append("after")

    @app.websocket("/ws")
    async def handler() -> None:
        seen.append("handler")
        await websocket.accept()

    app.register_blueprint(bp)
    with app.test_client().websocket("/ws") as ws:
        with pytest.raises(WebSocketDisconnect):
            ws.receive()
    assert seen == ["before", "handler", "after"]


def test_url_value_preprocessors_run_and_http_hooks_do_not(app: kolba.Kolba) -> None:
    seen: list[str] = []
    bp = kolba.Blueprint("lang", __name__, url_prefix="/<lang>")

    @bp.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        assert values is not None
        g.lang = values.pop("lang")

    @app.before_request
    def http_only() -> None:
        seen.append("before_request")

    @app.after_request
    def http_only_after(response: kolba.Response) -> kolba.Response:
        seen.append("after_request")
        return response

    @bp.websocket("/ws")
    async def handler() -> None:
        await websocket.send(g.lang)

    app.register_blueprint(bp)
    with app.test_client().websocket("/fr/ws") as ws:
        assert ws.receive() == "fr"
    assert seen == []


def test_the_same_handler_may_serve_two_rules(app: kolba.Kolba) -> None:
    async def handler() -> None:
        await websocket.send(websocket.path)

    app.add_websocket("/a", "both", handler)
    app.add_websocket("/b", "both", handler)
    client = app.test_client()
    for path in ("/a", "/b"):
        with client.websocket(path) as ws:
            assert ws.receive() == path


def test_blueprint_error_handlers_apply_to_its_websockets_only(app: kolba.Kolba) -> None:
    class Closed(Exception):
        pass

    bp = kolba.Blueprint("shop", __name__, url_prefix="/shop")

    @bp.errorhandler(Closed)
    def closed(error: Closed) -> tuple[str, int]:
        return "the shop is closed", 503

    @bp.websocket("/ws")
    async def shop_socket() -> None:
        raise Closed()

    @app.websocket("/ws")
    async def app_socket() -> None:
        raise Closed()

    app.register_blueprint(bp)
    client = app.test_client()
    with pytest.raises(WebSocketRejected) as refused:
        with client.websocket("/shop/ws"):
            pass
    assert (refused.value.status_code, refused.value.response.text) == (503, "the shop is closed")
    with pytest.raises(Closed):
        with client.websocket("/ws"):
            pass


def test_a_plain_handler_is_refused_at_registration(app: kolba.Kolba) -> None:
    with pytest.raises(TypeError, match="must be an 'async def' function"):

        @app.websocket("/ws")
        def handler() -> None:  # type: ignore[type-var]
            pass


def test_websocket_is_unbound_outside_a_websocket(app: kolba.Kolba) -> None:
    assert not websocket
    with pytest.raises(RuntimeError, match="outside of WebSocket context"):
        websocket.path  # noqa: B018

    @app.route("/")
    def index() -> str:
        try:
            websocket.path  # noqa: B018
        except RuntimeError as error:
            return str(error).splitlines()[0]
        return "bound"

    assert app.test_client().get("/").text == "Working outside of WebSocket context."


# --- plain HTTP to a WebSocket route ---------------------------------------------------


@pytest.mark.parametrize("door", ["wsgi", "asgi"])
def test_http_to_a_websocket_route_answers_426(echo: kolba.Kolba, door: str) -> None:
    response = echo.test_client(door=door).get("/echo")
    assert response.status_code == 426
    assert "WebSocket client" in response.text and "uvicorn module:app.asgi" in response.text


@pytest.mark.wsgi_only
def test_under_wsgi_a_websocket_handshake_answers_426(echo: kolba.Kolba) -> None:
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13"}
    response = echo.test_client(door="wsgi").get("/echo", headers=headers)
    assert response.status_code == 426


def test_the_426_answer_can_be_handled(echo: kolba.Kolba) -> None:
    @echo.errorhandler(UpgradeRequired)
    def explain(error: UpgradeRequired) -> tuple[str, int]:
        return "use ws://", 426

    assert echo.test_client().get("/echo").text == "use ws://"


# --- refusing the handshake ------------------------------------------------------------


def test_a_before_websocket_value_refuses_with_that_response(app: kolba.Kolba) -> None:
    @app.before_websocket
    async def gate() -> t.Any:
        if websocket.args.get("token") != "yes":
            return {"error": "no token"}, 401, {"X-Why": "token"}
        return None

    @app.websocket("/ws")
    async def handler() -> None:
        await websocket.send("in")

    client = app.test_client()
    with pytest.raises(WebSocketRejected) as refused:
        with client.websocket("/ws"):
            pass
    response = refused.value.response
    assert (response.status_code, response.json, response.headers["X-Why"]) == (
        401, {"error": "no token"}, "token"
    )
    with client.websocket("/ws?token=yes") as ws:
        assert ws.receive() == "in"


def test_abort_before_accept_refuses_and_error_handlers_apply(app: kolba.Kolba) -> None:
    class Banned(Exception):
        pass

    @app.errorhandler(Banned)
    async def banned(error: Banned) -> tuple[str, int]:
        return "banned", 418

    @app.websocket("/ws/<how>")
    async def handler(how: str) -> None:
        if how == "abort":
            abort(403)
        raise Banned()

    client = app.test_client()
    with pytest.raises(WebSocketRejected) as forbidden:
        with client.websocket("/ws/abort"):
            pass
    assert forbidden.value.status_code == 403
    with pytest.raises(WebSocketRejected) as teapot:
        with client.websocket("/ws/banned"):
            pass
    assert (teapot.value.status_code, teapot.value.response.text) == (418, "banned")


def test_a_value_returned_before_accept_refuses(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> tuple[str, int]:
        return "go away", 409

    with pytest.raises(WebSocketRejected) as refused:
        with app.test_client().websocket("/ws"):
            pass
    assert (refused.value.status_code, refused.value.response.text) == (409, "go away")


def test_a_refusal_with_an_async_body_sends_that_body(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> t.Any:
        async def parts() -> t.AsyncIterator[bytes]:
            yield b"not "
            yield b"today"

        return kolba.Response(parts(), 429, {"Retry-After": "5"})

    with pytest.raises(WebSocketRejected) as refused:
        with app.test_client().websocket("/ws"):
            pass
    response = refused.value.response
    assert (response.status_code, response.text, response.headers["Retry-After"]) == (
        429, "not today", "5"
    )


def test_after_websocket_may_replace_the_refusal(app: kolba.Kolba) -> None:
    @app.after_websocket
    def stamp(response: kolba.Response | None) -> kolba.Response | None:
        assert response is not None
        response.headers["X-Stamp"] = "1"
        return response

    @app.websocket("/ws")
    async def handler() -> None:
        abort(403)

    with pytest.raises(WebSocketRejected) as refused:
        with app.test_client().websocket("/ws"):
            pass
    assert refused.value.response.headers["X-Stamp"] == "1"


@pytest.mark.parametrize("how", ["close", "return"])
def test_closing_or_returning_before_accept_refuses_with_403(app: kolba.Kolba, how: str) -> None:
    @app.websocket("/ws")
    async def handler() -> None:
        if how == "close":
            await websocket.close()

    with pytest.raises(WebSocketRejected) as refused:
        with app.test_client().websocket("/ws"):
            pass
    assert refused.value.status_code == 403


def test_an_unhandled_error_before_accept_propagates_when_testing(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> None:
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError, match="boom"):
        with app.test_client().websocket("/ws"):
            pass


def test_an_unhandled_error_before_accept_is_a_logged_500(
    app: kolba.Kolba, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    torn: list[BaseException | None] = []

    @app.teardown_request
    def record(error: BaseException | None) -> None:
        torn.append(error)

    @app.websocket("/ws")
    async def handler() -> None:
        raise ZeroDivisionError("boom")

    with caplog.at_level(logging.ERROR), pytest.raises(WebSocketRejected) as refused:
        with app.test_client().websocket("/ws"):
            pass
    assert refused.value.status_code == 500
    assert "Exception on /ws [GET]" in caplog.text
    assert len(torn) == 1 and isinstance(torn[0], ZeroDivisionError)


# --- after accept: closes and errors ----------------------------------------------------


def test_a_handler_that_returns_closes_with_1000(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> str:
        await websocket.send("bye")
        return "ignored once accepted"

    with app.test_client().websocket("/ws") as ws:
        assert ws.receive() == "bye"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive()
    assert closed.value.code == 1000


def test_close_sends_the_code_and_reason(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> None:
        await websocket.accept()
        await websocket.close(4001, "go home")

    with app.test_client().websocket("/ws") as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive()
    assert (closed.value.code, closed.value.reason) == (4001, "go home")


def test_an_error_after_accept_closes_with_1011_and_is_logged(
    app: kolba.Kolba, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.websocket("/ws")
    async def handler() -> None:
        await websocket.send("ready")
        raise ZeroDivisionError("late")

    with caplog.at_level(logging.ERROR), app.test_client().websocket("/ws") as ws:
        assert ws.receive() == "ready"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive()
    assert closed.value.code == 1011
    assert "ZeroDivisionError: late" in caplog.text


def test_an_error_after_accept_propagates_when_testing(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> None:
        await websocket.send("ready")
        raise ZeroDivisionError("late")

    with app.test_client().websocket("/ws") as ws:
        assert ws.receive() == "ready"
        with pytest.raises(ZeroDivisionError, match="late"):
            ws.receive()
    assert ws.close_code == 1011


def test_a_handled_error_after_accept_may_send_then_closes_with_1011(app: kolba.Kolba) -> None:
    class Invalid(Exception):
        pass

    @app.errorhandler(Invalid)
    async def invalid(error: Invalid) -> str:
        await websocket.send_json({"error": "invalid"})
        return "not sent"

    @app.websocket("/ws")
    async def handler() -> None:
        await websocket.accept()
        raise Invalid()

    with app.test_client().websocket("/ws") as ws:
        assert ws.receive_json() == {"error": "invalid"}
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive()
    assert closed.value.code == 1011


@pytest.mark.parametrize("accept", [False, True])
def test_a_failing_after_websocket_hook_is_an_unhandled_error(
    app: kolba.Kolba, caplog: pytest.LogCaptureFixture, accept: bool
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.after_websocket
    def broken(response: t.Any) -> None:
        raise KeyError("after")

    @app.websocket("/ws")
    async def handler() -> tuple[str, int] | None:
        if accept:
            await websocket.accept()
            return None
        return "refused", 409

    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        if accept:
            with client.websocket("/ws") as ws:
                with pytest.raises(WebSocketDisconnect) as closed:
                    ws.receive()
            assert closed.value.code == 1011
        else:
            with pytest.raises(WebSocketRejected) as refused:
                with client.websocket("/ws"):
                    pass
            assert refused.value.status_code == 500
    assert "KeyError: 'after'" in caplog.text


# --- the client leaving, teardown, tasks -------------------------------------------------


def test_a_client_close_ends_receive_and_teardown_runs(app: kolba.Kolba) -> None:
    events: list[t.Any] = []
    ended = threading.Event()

    @app.teardown_request
    def teardown(error: BaseException | None) -> None:
        events.append(("teardown", error))

    @app.teardown_appcontext
    def app_teardown(error: BaseException | None) -> None:
        events.append(("appcontext", error))
        ended.set()

    @app.websocket("/ws")
    async def handler() -> None:
        await websocket.send("hi")
        try:
            await websocket.receive()
        except WebSocketDisconnect as gone:
            events.append(("left", gone.code))
            raise

    with app.test_client().websocket("/ws") as ws:
        assert ws.receive() == "hi"
        ws.close(4000)
    assert ended.wait(5)
    assert events == [("left", 4000), ("teardown", None), ("appcontext", None)]


def test_async_for_ends_quietly_when_the_client_leaves(app: kolba.Kolba) -> None:
    received: list[t.Any] = []

    @app.websocket("/ws")
    async def handler() -> None:
        async for message in websocket:
            received.append(message)
        received.append(("closed", websocket.close_code))

    with app.test_client().websocket("/ws") as ws:
        ws.send("one")
        ws.send("two")
    assert received == ["one", "two", ("closed", 1000)]


def test_tasks_the_handler_leaves_are_cancelled_before_teardown(app: kolba.Kolba) -> None:
    events: list[str] = []

    @app.teardown_request
    def teardown(error: BaseException | None) -> None:
        events.append("teardown")

    async def ticker() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            events.append("cancelled")
            raise

    @app.websocket("/ws")
    async def handler() -> None:
        asyncio.create_task(ticker())  # noqa: RUF006 - left behind on purpose
        await asyncio.sleep(0)  # the ticker starts
        await websocket.send("started")

    with app.test_client().websocket("/ws") as ws:
        assert ws.receive() == "started"
    assert events == ["cancelled", "teardown"]


# --- session, g, cookies, subprotocols ----------------------------------------------------


def test_session_is_read_from_the_cookie_and_never_saved(app: kolba.Kolba) -> None:
    @app.route("/login")
    def login() -> str:
        session["user"] = "ada"
        return "ok"

    @app.route("/whoami")
    def whoami() -> str:
        return str(session.get("user"))

    @app.websocket("/ws")
    async def handler() -> None:
        await websocket.send(session["user"])
        session["user"] = "changed"

    client = app.test_client()
    client.get("/login")
    with client.websocket("/ws") as ws:
        assert ws.receive() == "ada"
    assert client.get("/whoami").text == "ada"


def test_g_and_cookies_inside_the_handler(app: kolba.Kolba) -> None:
    @app.before_websocket
    def load() -> None:
        g.flavour = websocket.cookies.get("flavour")

    @app.websocket("/ws")
    async def handler() -> None:
        await websocket.send(g.flavour)

    client = app.test_client()
    client.set_cookie("flavour", "mint")
    with client.websocket("/ws") as ws:
        assert ws.receive() == "mint"


def test_accept_with_a_subprotocol_and_headers(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> None:
        assert websocket.subprotocols == ["v1", "v2"]
        await websocket.accept("v2", headers={"X-Server": "kolba"})
        await websocket.send(str(websocket.subprotocol))

    with app.test_client().websocket("/ws", subprotocols=["v1", "v2"]) as ws:
        assert ws.subprotocol == "v2"
        assert ws.accept_headers["X-Server"] == "kolba"
        assert ws.receive() == "v2"


def test_accepting_a_subprotocol_the_client_did_not_offer_fails(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> None:
        await websocket.accept("v9")

    with pytest.raises(ValueError, match="did not offer the subprotocol 'v9'"):
        with app.test_client().websocket("/ws", subprotocols=["v1"]):
            pass


@pytest.mark.parametrize("door", ["wsgi", "asgi"])
def test_the_client_speaks_websocket_whichever_door_it_uses(echo: kolba.Kolba, door: str) -> None:
    with echo.test_client(door=door).websocket("/echo") as ws:
        ws.send("through app.asgi")
        assert ws.receive() == "through app.asgi"


def test_sending_something_else_than_text_or_bytes_is_a_type_error(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> None:
        with pytest.raises(TypeError, match="use send_json"):
            await websocket.send({"a": 1})  # type: ignore[arg-type]
        await websocket.send("checked")

    with app.test_client().websocket("/ws") as ws:
        assert ws.receive() == "checked"


def test_the_test_websocket_must_be_opened_with_with(echo: kolba.Kolba) -> None:
    ws = echo.test_client().websocket("/echo")
    with pytest.raises(RuntimeError, match="with client.websocket"):
        ws.send("too early")
    with pytest.raises(RuntimeError, match="with client.websocket"):
        ws.receive()


def test_werkzeug_client_response_wrapper_is_a_test_response(app: kolba.Kolba) -> None:
    # Refusals are built with ``client.response_wrapper`` (Werkzeug: "always
    # a subclass of TestResponse") so they read like any other response.
    from werkzeug.test import TestResponse

    client = app.test_client()
    assert issubclass(client.response_wrapper, TestResponse)
    assert issubclass(client.response_wrapper, app.response_class)


# --- the ASGI messages a server sees ------------------------------------------------------


def _drive(
    app: kolba.Kolba, incoming: list[dict[str, t.Any]], extensions: dict[str, t.Any] | None = None,
    send_error: type[BaseException] | None = None,
) -> list[dict[str, t.Any]]:
    """Run one websocket scope through ``app.asgi``; the messages it sent."""
    scope: dict[str, t.Any] = {
        "type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "path": "/ws",
        "query_string": b"", "root_path": "", "headers": [(b"host", b"localhost")],
        "server": ("localhost", 80), "client": ("127.0.0.1", 5000), "subprotocols": [],
        "extensions": extensions or {},
    }
    sent: list[dict[str, t.Any]] = []
    pending = list(incoming)

    async def receive() -> dict[str, t.Any]:
        if pending:
            return pending.pop(0)
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(message: dict[str, t.Any]) -> None:
        if send_error is not None and message["type"] == "websocket.send":
            raise send_error()
        sent.append(message)

    # On the test client's loop, which lives on: a loop closed here could
    # leave its id to a later one.
    from kolba._asgi_client import _background_loop

    asyncio.run_coroutine_threadsafe(app.asgi(scope, receive, send), _background_loop()).result(10)
    return sent


def test_without_the_http_response_extension_a_refusal_is_a_close(app: kolba.Kolba) -> None:
    @app.websocket("/ws")
    async def handler() -> None:
        raise Forbidden()

    connect = [{"type": "websocket.connect"}]
    assert [m["type"] for m in _drive(app, connect)] == ["websocket.close"]
    with_extension = _drive(app, connect, {"websocket.http.response": {}})
    assert [m["type"] for m in with_extension] == [
        "websocket.http.response.start", "websocket.http.response.body"
    ]
    assert with_extension[0]["status"] == 403


def test_a_client_gone_before_the_handshake_runs_nothing(app: kolba.Kolba) -> None:
    called: list[bool] = []

    @app.websocket("/ws")
    async def handler() -> None:
        called.append(True)

    assert _drive(app, [{"type": "websocket.disconnect", "code": 1001}]) == []
    assert called == []


def test_a_send_the_server_reports_closed_raises_disconnect(app: kolba.Kolba) -> None:
    codes: list[int] = []

    @app.websocket("/ws")
    async def handler() -> None:
        try:
            await websocket.send("anyone?")
        except WebSocketDisconnect as gone:
            codes.append(gone.code)

    sent = _drive(app, [{"type": "websocket.connect"}], send_error=ConnectionResetError)
    assert [m["type"] for m in sent] == ["websocket.accept"]  # no close: the client is gone
    assert codes == [1006]
