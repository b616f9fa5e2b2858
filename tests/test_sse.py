"""Server-sent events (``kolba.sse``): exact framing, and the response through both doors."""

from __future__ import annotations

import asyncio
import threading
import time
import typing as t

import pytest

import kolba
from kolba import request, stream_with_context

pytestmark = pytest.mark.kolba_only  # Flask has no event-stream helper
sse = pytest.importorskip("kolba.sse", reason="Flask has no event-stream helper")


# -- framing -------------------------------------------------------------------------------


def test_data_only() -> None:
    assert str(sse.event("hello")) == "data: hello\n\n"
    assert bytes(sse.event("z\u00f3\u0142w")) == "data: z\u00f3\u0142w\n\n".encode()


def test_every_field() -> None:
    frame = str(sse.event("payload", event="update", id=7, retry=2500))
    assert frame == "id: 7\nevent: update\nretry: 2500\ndata: payload\n\n"


@pytest.mark.parametrize(
    "data, lines",
    [
        ("one\ntwo", ["one", "two"]),
        ("one\r\ntwo\rthree", ["one", "two", "three"]),
        ("trailing\n", ["trailing", ""]),
        ("\nleading", ["", "leading"]),
        ("", [""]),
        ("a\n\nb", ["a", "", "b"]),
    ],
)
def test_line_breaks_in_data_become_several_data_lines(data: str, lines: list[str]) -> None:
    expected = "".join(f"data: {line}\n" for line in lines) + "\n"
    assert str(sse.event(data)) == expected


def test_data_that_is_not_text_is_json() -> None:
    assert str(sse.event({"n": 1, "tags": ["a"]})) == 'data: {"n": 1, "tags": ["a"]}\n\n'
    assert str(sse.event([1, 2])) == "data: [1, 2]\n\n"
    assert str(sse.event(0)) == "data: 0\n\n"


def test_fields_without_data() -> None:
    assert str(sse.Event(id="42")) == "id: 42\n\n"
    assert str(sse.Event(retry=0)) == "retry: 0\n\n"
    assert str(sse.Event(event="ping")) == "event: ping\n\n"


def test_comments() -> None:
    assert str(sse.comment("hi")) == ": hi\n\n"
    assert str(sse.comment("two\nlines")) == ": two\n: lines\n\n"
    assert str(sse.Event("x", comment="note")) == ": note\ndata: x\n\n"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"event": "a\nb"}, "event name"),
        ({"id": "a\rb"}, "event id"),
        ({"id": "a\0b"}, "event id"),
        ({"retry": -1}, "retry"),
        ({"retry": 1.5}, "retry"),
        ({"retry": True}, "retry"),
    ],
)
def test_values_that_would_break_the_framing_are_refused(kwargs: dict[str, t.Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sse.Event("x", **kwargs)


def test_repr() -> None:
    assert repr(sse.event("x", id=1)) == "Event(data='x', id='1')"


# -- the response, through either door -------------------------------------------------------


def _frames(body: bytes) -> list[str]:
    return [frame + "\n\n" for frame in body.decode().split("\n\n") if frame]


@pytest.fixture(params=["wsgi", "asgi"])
def door(request: pytest.FixtureRequest) -> str:
    return t.cast(str, request.param)


def test_headers(app: kolba.Kolba, door: str) -> None:
    @app.route("/events")
    def events() -> kolba.Response:
        return sse.response(iter(["a"]), headers={"X-Extra": "1"})

    reply = app.test_client(door=door).get("/events")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert reply.headers["Cache-Control"] == "no-cache"
    assert reply.headers["X-Accel-Buffering"] == "no"
    assert reply.headers["X-Extra"] == "1"
    assert "Content-Length" not in reply.headers
    assert reply.data == b"data: a\n\n"


@pytest.mark.parametrize("view_kind", ["sync", "async"])
@pytest.mark.parametrize("source_kind", ["sync", "async"])
def test_a_generator_of_mixed_items(app: kolba.Kolba, door: str, view_kind: str, source_kind: str) -> None:
    items: list[t.Any] = [
        "plain", sse.event("multi\nline", event="note", id=1), None, {"k": [1]}, b"bytes",
        sse.comment("just a comment"), sse.Event(retry=1000),
    ]

    def plain() -> t.Iterator[t.Any]:
        yield from items

    async def awaiting() -> t.AsyncIterator[t.Any]:
        for item in items:
            await asyncio.sleep(0)
            yield item

    def make() -> kolba.Response:
        return sse.response(plain() if source_kind == "sync" else awaiting())

    if view_kind == "sync":
        app.add_url_rule("/events", "events", make)
    else:

        async def events() -> kolba.Response:
            return make()

        app.add_url_rule("/events", "events", events)
    body = app.test_client(door=door).get("/events").data
    assert _frames(body) == [
        "data: plain\n\n",
        "id: 1\nevent: note\ndata: multi\ndata: line\n\n",
        'data: {"k": [1]}\n\n',
        "data: bytes\n\n",
        ": just a comment\n\n",
        "retry: 1000\n\n",
    ]


def test_json_data_goes_through_the_apps_provider(app: kolba.Kolba, door: str) -> None:
    import datetime

    @app.route("/events")
    def events() -> kolba.Response:
        return sse.response(iter([{"when": datetime.date(2026, 12, 5), "b": 1, "a": 2}]))

    body = app.test_client(door=door).get("/events").data
    assert body == b'data: {"a": 2, "b": 1, "when": "Sat, 05 Dec 2026 00:00:00 GMT"}\n\n'


@pytest.mark.parametrize("source_kind", ["sync", "async"])
def test_keep_alive_comments_while_the_generator_waits(app: kolba.Kolba, door: str, source_kind: str) -> None:
    def slow() -> t.Iterator[str | None]:
        yield "first"
        # A plain generator says it is waiting by yielding None (under WSGI
        # nothing else can interrupt it).
        deadline = time.monotonic() + 0.35
        while time.monotonic() < deadline:
            time.sleep(0.01)
            yield None
        yield "second"

    async def slow_async() -> t.AsyncIterator[str]:
        yield "first"
        await asyncio.sleep(0.35)
        yield "second"

    @app.route("/events")
    def events() -> kolba.Response:
        return sse.response(slow() if source_kind == "sync" else slow_async(), keep_alive=0.1)

    frames = _frames(app.test_client(door=door).get("/events").data)
    assert frames[0] == "data: first\n\n" and frames[-1] == "data: second\n\n"
    middle = frames[1:-1]
    assert 2 <= len(middle) <= 4 and set(middle) == {": keep-alive\n\n"}


def test_stream_with_context_gives_the_generator_the_request(app: kolba.Kolba, door: str) -> None:
    @app.route("/events")
    def events() -> kolba.Response:
        @stream_with_context
        def feed() -> t.Iterator[str]:
            yield request.args["room"]

        return sse.response(feed(), keep_alive=5)

    assert app.test_client(door=door).get("/events?room=kitchen").data == b"data: kitchen\n\n"


def test_an_error_in_the_generator_reaches_the_server(app: kolba.Kolba, door: str) -> None:
    @app.route("/events")
    def events() -> kolba.Response:
        def broken() -> t.Iterator[str]:
            yield "one"
            raise LookupError("feed broke")

        return sse.response(broken(), keep_alive=5)

    with pytest.raises(LookupError, match="feed broke"):
        app.test_client(door=door).get("/events").get_data()


# -- a client that leaves ------------------------------------------------------------------


def test_closing_the_wsgi_body_ends_a_plain_generator_at_its_next_yield(app: kolba.Kolba) -> None:
    ended = threading.Event()

    def feed() -> t.Iterator[str]:
        try:
            while True:
                time.sleep(0.01)
                yield "tick"
        finally:
            ended.set()

    @app.route("/events")
    def events() -> kolba.Response:
        return sse.response(feed(), keep_alive=1)

    reply = app.test_client(door="wsgi").get("/events", buffered=False)
    chunks = iter(reply.response)
    assert next(chunks) == b"data: tick\n\n"
    reply.close()
    assert ended.wait(2)


def test_closing_the_wsgi_body_cancels_an_async_generator(app: kolba.Kolba) -> None:
    ended = threading.Event()

    async def feed() -> t.AsyncIterator[str]:
        try:
            yield "first"
            await asyncio.Event().wait()
        finally:
            ended.set()

    @app.route("/events")
    def events() -> kolba.Response:
        return sse.response(feed(), keep_alive=0.05)

    reply = app.test_client(door="wsgi").get("/events", buffered=False)
    chunks = iter(reply.response)
    assert next(chunks) == b"data: first\n\n"
    assert next(chunks) == b": keep-alive\n\n"
    reply.close()
    assert ended.wait(2)


@pytest.mark.parametrize("source_kind", ["sync", "async"])
def test_a_client_that_leaves_ends_the_generator_under_asgi(app: kolba.Kolba, source_kind: str) -> None:
    from tests.test_asgi import exchange, make_scope

    ended: list[str] = []

    def feed() -> t.Iterator[str]:
        try:
            while True:
                time.sleep(0.01)
                yield "tick"
        finally:
            ended.append("plain")

    async def feed_async() -> t.AsyncIterator[str]:
        try:
            yield "tick"
            await asyncio.Event().wait()
        finally:
            ended.append("async")

    @app.route("/events")
    async def events() -> kolba.Response:
        return sse.response(feed() if source_kind == "sync" else feed_async(), keep_alive=30)

    reply = asyncio.run(exchange(app, make_scope("/events"), disconnect_after=1))
    assert reply.chunks[0] == b"data: tick\n\n"
    assert ended == ["plain" if source_kind == "sync" else "async"]


def test_kolba_sse_is_reachable_from_kolba() -> None:
    assert kolba.sse is sse


def test_under_asgi_a_plain_generator_that_blocks_gets_timed_keep_alives(app: kolba.Kolba) -> None:
    @app.route("/events")
    def events() -> kolba.Response:
        def slow() -> t.Iterator[str]:
            yield "first"
            time.sleep(0.35)
            yield "second"

        return sse.response(slow(), keep_alive=0.1)

    frames = _frames(app.test_client(door="asgi").get("/events").data)
    assert frames[0] == "data: first\n\n" and frames[-1] == "data: second\n\n"
    assert 2 <= len(frames[1:-1]) <= 4 and set(frames[1:-1]) == {": keep-alive\n\n"}


def test_without_keep_alive_none_items_send_nothing(app: kolba.Kolba, door: str) -> None:
    @app.route("/events")
    def events() -> kolba.Response:
        def feed() -> t.Iterator[str | None]:
            yield None
            time.sleep(0.05)
            yield None
            yield "only"

        return sse.response(feed(), keep_alive=None)

    assert app.test_client(door=door).get("/events").data == b"data: only\n\n"
