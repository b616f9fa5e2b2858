"""``app.asgi`` called in process: ``await app.asgi(scope, receive, send)``.

No server and no test client: each test builds the scope a server would
send, feeds ``receive`` the messages it chooses (body chunks, a disconnect)
and records every message the app sends, so what the door does on the wire
is checked message by message.
"""

from __future__ import annotations

import asyncio
import gc
import io
import os
import threading
import time
import typing as t

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kolba
from kolba import current_app, g, request, session, stream_with_context

pytestmark = pytest.mark.kolba_only  # Flask has no ASGI door

Message = t.Dict[str, t.Any]


class Reply:
    """What the app sent for one request, and how often it called ``receive``."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.receive_calls = 0
        #: ``receive_calls`` when the response started: the calls made to
        #: read the request, not those of the door watching for a disconnect.
        self.receive_calls_before_start: int | None = None

    def record(self, message: Message) -> None:
        if not self.messages:
            self.receive_calls_before_start = self.receive_calls
        self.messages.append(message)

    @property
    def start(self) -> Message:
        starts = [m for m in self.messages if m["type"] == "http.response.start"]
        assert len(starts) == 1, self.messages
        return starts[0]

    @property
    def status(self) -> int:
        return int(self.start["status"])

    @property
    def headers(self) -> dict[str, str]:
        return {k.decode("latin-1"): v.decode("latin-1") for k, v in self.start["headers"]}

    def header_list(self, name: str) -> list[str]:
        wanted = name.lower().encode("latin-1")
        return [v.decode("latin-1") for k, v in self.start["headers"] if k == wanted]

    @property
    def chunks(self) -> list[bytes]:
        return [m.get("body", b"") for m in self.messages if m["type"] == "http.response.body"]

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def complete(self) -> bool:
        """Whether the last body message said there is no more body."""
        last = self.messages[-1] if self.messages else {}
        if last.get("type") == "http.response.pathsend":
            return True
        return last.get("type") == "http.response.body" and not last.get("more_body", False)


def make_scope(
    path: str = "/", method: str = "GET", *, query: bytes = b"",
    headers: t.Sequence[tuple[str, str]] = (), **extra: t.Any,
) -> dict[str, t.Any]:
    """The http scope uvicorn sends for a plain HTTP/1.1 request."""
    scope: dict[str, t.Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8"),
        "root_path": "",
        "query_string": query,
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50123),
    }
    scope.update(extra)
    return scope


async def exchange(
    app: kolba.Kolba, scope: dict[str, t.Any], body: t.Sequence[bytes] = (b"",), *,
    disconnect_after: int | None = None, on_send: t.Callable[[Message], None] | None = None,
) -> Reply:
    """Run one request through ``app.asgi``.

    ``body`` is sent as that many ``http.request`` messages.  After them the
    client stays connected, unless ``disconnect_after`` says after how many
    response body messages it leaves (``receive`` then answers
    ``http.disconnect``).
    """
    reply = Reply()
    pending = list(body)
    gone = asyncio.Event()

    async def receive() -> Message:
        reply.receive_calls += 1
        if pending:
            chunk = pending.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        reply.record(message)
        if on_send is not None:
            on_send(message)
        if disconnect_after is not None and len(reply.chunks) >= disconnect_after:
            gone.set()

    await asyncio.wait_for(app.asgi(scope, receive, send), timeout=10)
    return reply


def call(app: kolba.Kolba, path: str = "/", method: str = "GET", **kwargs: t.Any) -> Reply:
    """One request on a fresh event loop (as a server's worker would run it)."""
    body = kwargs.pop("body", (b"",))
    disconnect_after = kwargs.pop("disconnect_after", None)
    scope = make_scope(path, method, **kwargs)
    return asyncio.run(exchange(app, scope, body, disconnect_after=disconnect_after))


# -- the scope as the request sees it -------------------------------------------------


def test_path_query_and_method_reach_the_request(app: kolba.Kolba) -> None:
    @app.route("/things/<name>", methods=["PUT"])
    def thing(name: str) -> dict[str, t.Any]:
        return {
            "name": name, "path": request.path, "method": request.method,
            "a": request.args.getlist("a"), "b": request.args["b"],
            "query": request.query_string.decode(),
        }

    reply = call(app, "/things/caf\u00e9", "PUT", query=b"a=1&a=2&b=%C3%A9t%C3%A9")
    assert reply.status == 200
    import json

    assert json.loads(reply.body) == {
        "name": "caf\u00e9", "path": "/things/caf\u00e9", "method": "PUT",
        "a": ["1", "2"], "b": "\u00e9t\u00e9", "query": "a=1&a=2&b=%C3%A9t%C3%A9",
    }


def test_a_unicode_path_matches_and_builds_urls(app: kolba.Kolba) -> None:
    @app.route("/\u017c\u00f3\u0142w/<name>")
    def turtle(name: str) -> str:
        return f"{name} {kolba.url_for('turtle', name=name)} {request.url}"

    reply = call(app, "/\u017c\u00f3\u0142w/\u0142\u00f3d\u017a", headers=[("Host", "example.org")])
    assert reply.text == (
        "\u0142\u00f3d\u017a /%C5%BC%C3%B3%C5%82w/%C5%82%C3%B3d%C5%BA"
        " http://example.org/\u017c\u00f3\u0142w/\u0142\u00f3d\u017a"
    )
    # The same as through the WSGI door.
    wsgi = app.test_client(door="wsgi").get("/\u017c\u00f3\u0142w/\u0142\u00f3d\u017a", headers={"Host": "example.org"})
    assert wsgi.text == reply.text


def test_root_path_becomes_the_script_root(app: kolba.Kolba) -> None:
    @app.route("/hello")
    def hello() -> str:
        return f"{request.script_root}|{request.path}|{kolba.url_for('hello')}"

    # Servers following ASGI 2.3 put the root path in ``path`` too ...
    assert call(app, "/api/hello", root_path="/api").text == "/api|/hello|/api/hello"
    # ... older ones give only the part below it.
    assert call(app, "/hello", root_path="/api").text == "/api|/hello|/api/hello"


def test_repeated_headers_and_cookies_are_joined(app: kolba.Kolba) -> None:
    @app.route("/")
    def view() -> dict[str, t.Any]:
        return {
            "dup": [part.strip() for part in request.headers["X-Dup"].split(",")],
            "cookies": dict(request.cookies),
            "type": request.content_type,
            "length": request.content_length,
        }

    headers = [
        ("X-Dup", "one"), ("Cookie", "a=1"), ("X-Dup", "two"), ("Cookie", "b=2; c=3"),
        ("Content-Type", "text/plain"), ("Content-Length", "0"),
    ]
    reply = call(app, "/", headers=headers)
    import json

    assert json.loads(reply.body) == {
        "dup": ["one", "two"], "cookies": {"a": "1", "b": "2", "c": "3"},
        "type": "text/plain", "length": 0,
    }


def test_client_server_and_scheme(app: kolba.Kolba) -> None:
    @app.route("/")
    def view() -> str:
        env = request.environ
        return " ".join([
            request.remote_addr or "-", env.get("REMOTE_PORT", "-"), request.host,
            request.scheme, str(request.is_secure), request.url, env["SERVER_PROTOCOL"],
        ])

    reply = call(app, "/", scheme="https", client=("10.0.0.7", 4321), server=("10.0.0.1", 443),
                 http_version="2")
    assert reply.text == "10.0.0.7 4321 10.0.0.1 https True https://10.0.0.1/ HTTP/2"
    # The Host header wins over the server address, as under WSGI.
    reply = call(app, "/", headers=[("Host", "example.org:8080")])
    assert reply.text == "127.0.0.1 50123 example.org:8080 http False http://example.org:8080/ HTTP/1.1"


def test_scopes_without_optional_fields(app: kolba.Kolba) -> None:
    @app.route("/")
    def view() -> str:
        return f"{request.remote_addr} {request.host} {request.scheme}"

    scope = make_scope("/")
    for key in ("client", "server", "scheme", "root_path", "raw_path", "http_version"):
        del scope[key]
    assert asyncio.run(exchange(app, scope)).text == "None localhost http"
    # granian gives the ports as strings.
    reply = call(app, "/", server=("127.0.0.1", "8123"), client=("127.0.0.1", "5555"))
    assert reply.text == "127.0.0.1 127.0.0.1:8123 http"


def test_each_server_address_gives_its_own_name_and_port(app: kolba.Kolba) -> None:
    # The door remembers a base environ per server address; a server given
    # as a list (not hashable) is served all the same.
    @app.route("/")
    def view() -> str:
        env = request.environ
        return f"{env['SERVER_NAME']}:{env['SERVER_PORT']} {env['REMOTE_PORT']}"

    for server, client, expected in [
        (("10.0.0.1", 8000), ("127.0.0.1", 1), "10.0.0.1:8000 1"),
        (("10.0.0.2", 9000), ("127.0.0.1", 2), "10.0.0.2:9000 2"),
        (["10.0.0.3", 7000], ("127.0.0.1", 1), "10.0.0.3:7000 1"),
        (("10.0.0.1", 8000), ("127.0.0.1", 3), "10.0.0.1:8000 3"),
        (("10.0.0.4", None), ("127.0.0.1", 3), "10.0.0.4:80 3"),
    ]:
        assert call(app, "/", server=server, client=client).text == expected
    scope = make_scope("/", scheme="https")
    del scope["server"]
    assert asyncio.run(exchange(app, scope)).text == "localhost:443 50123"


def test_the_input_of_a_bodiless_request_stays_empty_and_open(app: kolba.Kolba) -> None:
    # One empty input serves every request without a body: closing or
    # reading it in one request changes nothing for the next.
    @app.route("/")
    def view() -> str:
        stream = request.environ["wsgi.input"]
        seen = f"{stream.read()!r} {stream.read(10)!r} {stream.readline()!r}"
        stream.close()
        return f"{seen} {stream.closed} {request.get_data()!r}"

    for _ in range(2):
        assert call(app, "/").text == "b'' b'' b'' False b''"


def test_headers_are_sent_as_lowercase_bytes(app: kolba.Kolba) -> None:
    @app.route("/")
    def view() -> kolba.Response:
        response = kolba.make_response("hi")
        response.headers["X-Custom"] = "Value"
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    reply = call(app, "/")
    names = [name for name, _ in reply.start["headers"]]
    assert all(isinstance(name, bytes) and name == name.lower() for name in names)
    assert reply.headers["x-custom"] == "Value"
    assert len(reply.header_list("set-cookie")) == 2
    assert reply.complete and reply.body == b"hi"


# -- where code runs ----------------------------------------------------------------------


def test_an_async_view_runs_on_the_event_loop_thread(app: kolba.Kolba) -> None:
    seen: dict[str, t.Any] = {}

    @app.before_request
    async def before() -> None:
        seen["before"] = threading.get_ident()

    @app.route("/")
    async def view() -> str:
        seen["view"] = threading.get_ident()
        seen["loop"] = asyncio.get_running_loop()
        return "ok"

    @app.teardown_request
    async def teardown(error: BaseException | None) -> None:
        seen["teardown"] = threading.get_ident()

    async def main() -> Reply:
        seen["server"] = (threading.get_ident(), asyncio.get_running_loop())
        return await exchange(app, make_scope("/"))

    assert asyncio.run(main()).text == "ok"
    server_thread, server_loop = seen["server"]
    assert seen["before"] == seen["view"] == seen["teardown"] == server_thread
    assert seen["loop"] is server_loop


def test_a_plain_view_runs_push_view_and_teardown_on_one_worker_thread(app: kolba.Kolba) -> None:
    seen: dict[str, int] = {}

    @app.before_request
    def before() -> None:
        seen["before"] = threading.get_ident()

    @app.route("/")
    def view() -> str:
        seen["view"] = threading.get_ident()
        return "ok"

    @app.after_request
    def after(response: kolba.Response) -> kolba.Response:
        seen["after"] = threading.get_ident()
        return response

    @app.teardown_request
    def teardown(error: BaseException | None) -> None:
        seen["teardown"] = threading.get_ident()

    @app.teardown_appcontext
    def app_teardown(error: BaseException | None) -> None:
        seen["app_teardown"] = threading.get_ident()

    assert call(app, "/").text == "ok"
    threads = set(seen.values())
    assert len(seen) == 5 and len(threads) == 1
    assert threads != {threading.get_ident()}  # not the event loop's thread


def test_a_plain_view_calling_async_code_runs_it_on_the_server_loop(app: kolba.Kolba) -> None:
    seen: dict[str, t.Any] = {}

    @app.before_request
    async def before() -> None:
        seen["hook_loop"] = asyncio.get_running_loop()

    @app.route("/")
    def view() -> str:
        seen["view_thread"] = threading.get_ident()
        return "ok"

    async def main() -> Reply:
        seen["server_loop"] = asyncio.get_running_loop()
        return await exchange(app, make_scope("/"))

    assert asyncio.run(main()).text == "ok"
    assert seen["hook_loop"] is seen["server_loop"]
    assert seen["view_thread"] != threading.get_ident()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_request_g_session_and_current_app_in_either_kind_of_view(app: kolba.Kolba, kind: str) -> None:
    @app.before_request
    def before() -> None:
        g.user = "ada"

    def body() -> str:
        session["visits"] = session.get("visits", 0) + 1
        return f"{current_app.name} {request.args['x']} {g.user} {session['visits']}"

    if kind == "sync":
        app.add_url_rule("/", "view", body)
    else:

        async def view() -> str:
            return body()

        app.add_url_rule("/", "view", view)

    first = call(app, "/", query=b"x=1")
    assert first.text == "kolba_test 1 ada 1"
    cookie = first.headers["set-cookie"].split(";")[0]
    second = call(app, "/", query=b"x=2", headers=[("Cookie", cookie)])
    assert second.text == "kolba_test 2 ada 2"


def test_tasks_a_request_leaves_behind_are_cancelled_on_every_new_loop(app: kolba.Kolba) -> None:
    # Each loop is new (and may reuse a closed one's id()): the door must
    # see that it has not tracked it yet.
    seen: list[str] = []

    @app.route("/")
    async def view() -> str:
        async def later() -> None:
            try:
                await asyncio.sleep(0.05)
                seen.append("resumed")
            except asyncio.CancelledError:
                seen.append("cancelled")
                raise

        asyncio.ensure_future(later())
        await asyncio.sleep(0)  # let it start
        return "ok"

    async def main() -> None:
        await exchange(app, make_scope("/"))
        await asyncio.sleep(0.1)

    for _ in range(12):
        loop = asyncio.new_event_loop()
        loop.run_until_complete(main())
        loop.close()
        del loop
        gc.collect()
    assert seen == ["cancelled"] * 12


# -- the request body ---------------------------------------------------------------------


def _form_app(app: kolba.Kolba) -> None:
    @app.post("/sync")
    def sync_view() -> dict[str, t.Any]:
        return _describe_body()

    @app.post("/async")
    async def async_view() -> dict[str, t.Any]:
        return _describe_body()


def _describe_body() -> dict[str, t.Any]:
    if request.mimetype == "application/json":
        return {"json": request.get_json(), "data": request.get_data(as_text=True)}
    if request.mimetype == "application/octet-stream":
        return {"data": request.data.decode()}
    files = {name: f"{f.filename}:{f.read().decode()}" for name, f in request.files.items()}
    return {"form": request.form.to_dict(flat=False), "files": files}


@pytest.mark.parametrize("path", ["/sync", "/async"])
def test_form_fields_and_files(app: kolba.Kolba, path: str) -> None:
    _form_app(app)
    boundary = "xyzzy"
    payload = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"up\"; filename=\"n.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\nfile body\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    headers = [
        ("Content-Type", f"multipart/form-data; boundary={boundary}"),
        ("Content-Length", str(len(payload))),
    ]
    # The body arrives in several messages, split mid-part.
    chunks = [payload[:10], payload[10:70], payload[70:]]
    reply = call(app, path, "POST", headers=headers, body=chunks)
    import json

    assert json.loads(reply.body) == {"form": {"a": ["1", "2"]}, "files": {"up": "n.txt:file body"}}


@pytest.mark.parametrize("path", ["/sync", "/async"])
@pytest.mark.parametrize("chunked", [False, True])
def test_json_and_raw_data(app: kolba.Kolba, path: str, chunked: bool) -> None:
    _form_app(app)
    payload = b'{"name": "\xc5\x82\xc3\xb3d\xc5\xba", "n": [1, 2]}'
    headers = [("Content-Type", "application/json")]
    if not chunked:
        headers.append(("Content-Length", str(len(payload))))
    else:
        headers.append(("Transfer-Encoding", "chunked"))
    reply = call(app, path, "POST", headers=headers, body=[payload[:5], payload[5:]])
    import json

    assert json.loads(reply.body) == {"json": {"name": "\u0142\u00f3d\u017a", "n": [1, 2]}, "data": payload.decode()}
    raw = [("Content-Type", "application/octet-stream"), ("Content-Length", "6")]
    assert json.loads(call(app, path, "POST", headers=raw, body=[b"abc", b"def"]).body) == {"data": "abcdef"}


def test_a_body_larger_than_the_spool_limit_is_read_whole(app: kolba.Kolba) -> None:
    from kolba import asgi

    @app.post("/")
    def view() -> str:
        data = request.get_data()
        return f"{len(data)} {data[:3].decode()} {data[-3:].decode()}"

    piece = b"x" * 65536
    chunks = [b"abc"] + [piece] * ((asgi.SPOOL_LIMIT // len(piece)) + 2) + [b"xyz"]
    size = sum(map(len, chunks))
    reply = call(app, "/", "POST", headers=[("Content-Length", str(size))], body=chunks)
    assert reply.text == f"{size} abc xyz"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_declared_length_over_the_limit_is_413_without_reading_the_body(app: kolba.Kolba, kind: str) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    if kind == "sync":

        @app.post("/")
        def view() -> str:
            return request.get_data(as_text=True)

    else:

        @app.post("/")
        async def view() -> str:
            return request.get_data(as_text=True)

    reply = call(app, "/", "POST", headers=[("Content-Length", "11")], body=[b"x" * 11])
    assert reply.status == 413
    assert reply.receive_calls_before_start == 0
    # A length of more digits than the door remembers is still a number.
    reply = call(app, "/", "POST", headers=[("Content-Length", str(2**63))], body=[b""])
    assert (reply.status, reply.receive_calls_before_start) == (413, 0)
    # At the limit is fine.
    reply = call(app, "/", "POST", headers=[("Content-Length", "10")], body=[b"y" * 10])
    assert (reply.status, reply.text) == (200, "y" * 10)


def test_a_chunked_body_over_the_limit_is_413_and_not_read_to_the_end(app: kolba.Kolba) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/")
    def view() -> str:
        return request.form.get("a", "-")

    headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Transfer-Encoding", "chunked")]
    reply = call(app, "/", "POST", headers=headers, body=[b"a=12345", b"67890", b"never", b"read"])
    assert reply.status == 413
    assert reply.receive_calls_before_start == 2  # stopped at the first chunk over the limit
    reply = call(app, "/", "POST", headers=headers, body=[b"a=12", b"3456"])
    assert (reply.status, reply.text) == (200, "123456")
    # The whole body in one message, over the limit or within it.
    reply = call(app, "/", "POST", headers=headers, body=[b"a=123456789"])
    assert (reply.status, reply.receive_calls_before_start) == (413, 1)
    reply = call(app, "/", "POST", headers=headers, body=[b"a=12345678"])
    assert (reply.status, reply.text) == (200, "12345678")


def test_a_view_that_ignores_an_oversized_body_still_answers(app: kolba.Kolba) -> None:
    # As under WSGI: the limit is enforced when the body is read.
    app.config["MAX_CONTENT_LENGTH"] = 4

    @app.post("/")
    def view() -> str:
        return "ignored"

    reply = call(app, "/", "POST", headers=[("Content-Length", "5")], body=[b"12345"])
    assert (reply.status, reply.text) == (200, "ignored")


def test_a_client_that_leaves_while_sending_the_body_gets_no_reply(app: kolba.Kolba) -> None:
    ran: list[str] = []

    @app.post("/")
    def view() -> str:
        ran.append("view")
        return "never"

    async def main() -> Reply:
        reply = Reply()
        messages = [
            {"type": "http.request", "body": b"part", "more_body": True},
            {"type": "http.disconnect"},
        ]

        async def receive() -> Message:
            return messages.pop(0)

        async def send(message: Message) -> None:
            reply.record(message)

        await app.asgi(make_scope("/", "POST", headers=[("Content-Length", "100")]), receive, send)
        return reply

    assert asyncio.run(main()).messages == []
    assert ran == []


# -- reading the body as it arrives (kolba.stream_request_body) ------------------------------


def _chunked(*, length: int | None = None) -> list[tuple[str, str]]:
    if length is None:
        return [("Transfer-Encoding", "chunked")]
    return [("Content-Length", str(length))]


@pytest.mark.parametrize("declared", [True, False])
def test_an_async_view_reads_its_body_as_it_arrives(app: kolba.Kolba, declared: bool) -> None:
    progress: list[tuple[bytes, int]] = []
    calls = {"receive": 0}

    @app.post("/upload")
    @kolba.stream_request_body
    async def upload() -> str:
        async for chunk in request.iter_body():
            # Each chunk is seen before the next one was even asked for.
            progress.append((chunk, calls["receive"]))
        return f"{sum(len(c) for c, _ in progress)} bytes"

    async def main() -> Reply:
        reply = Reply()
        parts = [b"one-", b"", b"two-", b"three"]

        async def receive() -> Message:
            calls["receive"] += 1
            if parts:
                return {"type": "http.request", "body": parts.pop(0), "more_body": bool(parts)}
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

        async def send(message: Message) -> None:
            reply.record(message)

        headers = _chunked(length=13 if declared else None)
        await app.asgi(make_scope("/upload", "POST", headers=headers), receive, send)
        return reply

    reply = asyncio.run(main())
    assert reply.text == "13 bytes"
    assert progress == [(b"one-", 1), (b"two-", 3), (b"three", 4)]


@pytest.mark.parametrize("kind", ["async", "plain"])
def test_a_view_that_streams_gets_a_body_sent_at_once_as_a_stream(app: kolba.Kolba, kind: str) -> None:
    """The door reads a body of declared length before matching; a streaming view still reads it as a stream."""
    seen: list[t.Any] = []

    if kind == "async":

        @app.post("/upload")
        @kolba.stream_request_body
        async def upload() -> str:
            seen.append(type(request.environ["wsgi.input"]).__name__)
            chunks = [chunk async for chunk in request.iter_body()]
            return repr(chunks)

    else:

        @app.post("/upload")
        @kolba.stream_request_body
        def upload() -> str:
            seen.append(type(request.environ["wsgi.input"]).__name__)
            return repr([request.stream.read(4), request.stream.read()])

    calls = {"receive": 0}

    async def main() -> Reply:
        reply = Reply()

        async def receive() -> Message:
            calls["receive"] += 1
            if calls["receive"] == 1:
                return {"type": "http.request", "body": b"whole-body", "more_body": False}
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

        async def send(message: Message) -> None:
            reply.record(message)

        await app.asgi(make_scope("/upload", "POST", headers=_chunked(length=10)), receive, send)
        return reply

    reply = asyncio.run(main())
    expected = "[b'whole-body']" if kind == "async" else "[b'whol', b'e-body']"
    assert (reply.status, reply.text) == (200, expected)
    assert seen == ["RequestBody"]
    assert calls["receive"] == 1


def test_the_door_asks_whether_a_view_streams_only_once_one_was_marked(
    app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch
) -> None:
    """perf: until some view is marked with stream_request_body, a body kept whole needs no check."""
    from kolba import asgi

    @app.post("/form")
    async def form() -> str:
        return request.form["a"]

    monkeypatch.setattr(asgi, "_views_stream", False)
    door = app.asgi
    asked: list[t.Any] = []
    monkeypatch.setattr(door, "_kept_body", lambda ctx, plan: asked.append(plan))
    headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", "3")]
    assert call(app, "/form", "POST", headers=headers, body=(b"a=1",)).text == "1"
    assert asked == []

    def upload() -> str:
        return "marked"

    kolba.stream_request_body(upload)
    assert asgi._views_stream is True
    assert call(app, "/form", "POST", headers=headers, body=(b"a=2",)).text == "2"
    assert len(asked) == 1


@pytest.mark.skipif(
    os.environ.get("KOLBA_TESTS_LANE") == "general", reason="the general lane takes Flask's steps for every request"
)
def test_a_view_with_nothing_around_it_answers_as_the_full_dispatch_does(
    app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The core awaits a bare view itself; each outcome matches what the WSGI door's dispatch gives."""
    app.secret_key = "s"

    @app.route("/ok", methods=["GET", "POST"])
    async def ok() -> t.Any:
        return {"ok": request.method}

    @app.get("/teapot")
    async def teapot() -> str:
        kolba.abort(418)

    @app.get("/missing")
    async def missing() -> str:
        kolba.abort(404)

    @app.get("/boom")
    async def boom() -> str:
        raise RuntimeError("boom")

    @app.get("/after")
    async def after() -> str:
        @kolba.after_this_request
        def mark(response: kolba.Response) -> kolba.Response:
            response.headers["X-After"] = "1"
            return response

        return "after"

    @app.get("/session")
    async def store() -> str:
        session["n"] = 1
        return "stored"

    @app.errorhandler(418)
    def handle_teapot(error: Exception) -> tuple[str, int]:
        return "short and stout", 418

    @app.errorhandler(RuntimeError)
    def handle_boom(error: Exception) -> tuple[str, int]:
        return f"handled {error}", 500

    dispatched: list[str] = []
    core_class = type(app._core)
    full = core_class.dispatch_async

    async def counting(core: t.Any, ctx: t.Any, plan: t.Any, lane: t.Any) -> t.Any:
        dispatched.append(ctx.scope["path"])
        return await full(core, ctx, plan, lane)

    monkeypatch.setattr(core_class, "dispatch_async", counting)
    wsgi = app.test_client(door="wsgi")
    cases = [("GET", "/ok"), ("POST", "/ok"), ("HEAD", "/ok"), ("OPTIONS", "/ok"), ("GET", "/teapot"),
             ("GET", "/missing"), ("GET", "/boom"), ("GET", "/after"), ("GET", "/session")]
    for method, path in cases:
        ours = call(app, path, method)
        theirs = wsgi.open(path, method=method)
        assert (ours.status, ours.body) == (theirs.status_code, theirs.data), (method, path)
        for name in ("content-type", "x-after", "allow"):
            assert ours.headers.get(name) == theirs.headers.get(name), (method, path, name)
        assert ("set-cookie" in ours.headers) is ("Set-Cookie" in theirs.headers), (method, path)
    assert dispatched == ["/ok"]  # only OPTIONS, which the route may answer, took the full steps


def test_a_plain_view_reads_a_streamed_body_from_request_stream(app: kolba.Kolba) -> None:
    seen: list[int] = []

    @app.post("/upload")
    @kolba.stream_request_body
    def upload() -> str:
        seen.append(threading.get_ident())
        first = request.stream.read(3)
        rest = request.stream.read()
        return f"{first.decode()}|{rest.decode()}"

    @app.post("/form")
    @kolba.stream_request_body
    def form() -> str:
        return ",".join(f"{k}={v}" for k, v in request.form.items())

    reply = call(app, "/upload", "POST", headers=_chunked(length=9), body=[b"ab", b"cdef", b"ghi"])
    assert reply.text == "abc|defghi"
    assert seen != [threading.get_ident()]
    # Chunked, and through the form parser.
    headers = [("Content-Type", "application/x-www-form-urlencoded"), *_chunked()]
    assert call(app, "/form", "POST", headers=headers, body=[b"a=1&b", b"=2"]).text == "a=1,b=2"


def test_a_streamed_body_over_the_limit_is_413(app: kolba.Kolba) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 8
    received: list[bytes] = []

    @app.post("/upload")
    @kolba.stream_request_body
    async def upload() -> str:
        async for chunk in request.iter_body():
            received.append(chunk)
        return "all"

    @app.post("/big")
    @kolba.stream_request_body
    async def big() -> str:
        request.max_content_length = 100
        return str(sum([len(chunk) async for chunk in request.iter_body()]))

    # Declared too long: refused before the first read.
    reply = call(app, "/upload", "POST", headers=_chunked(length=9), body=[b"x" * 9])
    assert (reply.status, reply.receive_calls_before_start, received) == (413, 0, [])
    # Chunked: refused at the chunk that passes the limit, after the earlier ones.
    reply = call(app, "/upload", "POST", headers=_chunked(), body=[b"12345", b"6789", b"never"])
    assert (reply.status, reply.receive_calls_before_start, received) == (413, 2, [b"12345"])
    # The view may raise the limit for itself before reading.
    assert call(app, "/big", "POST", headers=_chunked(), body=[b"x" * 50, b"y" * 50]).text == "100"


def test_reading_a_streamed_body_synchronously_on_the_loop_is_an_error(app: kolba.Kolba) -> None:
    @app.post("/upload")
    @kolba.stream_request_body
    async def upload() -> str:
        return request.get_data(as_text=True)

    app.config["TESTING"] = False
    reply = call(app, "/upload", "POST", headers=_chunked(length=2), body=[b"hi"])
    assert reply.status == 500
    app.config["TESTING"] = True
    with pytest.raises(RuntimeError, match="iter_body"):
        call(app, "/upload", "POST", headers=_chunked(length=2), body=[b"hi"])


def test_a_client_leaving_mid_body_is_a_client_disconnected_error(app: kolba.Kolba) -> None:
    from werkzeug.exceptions import ClientDisconnected

    caught: list[str] = []

    @app.post("/upload")
    @kolba.stream_request_body
    async def upload() -> str:
        try:
            async for _ in request.iter_body():
                pass
        except ClientDisconnected as error:
            caught.append(type(error).__name__)
            raise
        return "never"

    async def main() -> Reply:
        reply = Reply()
        messages = [{"type": "http.request", "body": b"a", "more_body": True}, {"type": "http.disconnect"}]

        async def receive() -> Message:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            reply.record(message)

        await app.asgi(make_scope("/upload", "POST", headers=_chunked()), receive, send)
        return reply

    assert asyncio.run(main()).status == 400
    assert caught == ["ClientGone"]


@pytest.mark.parametrize("door", ["wsgi", "asgi"])
def test_iter_body_without_the_mark_yields_the_whole_body(app: kolba.Kolba, door: str) -> None:
    @app.post("/")
    async def view() -> str:
        chunks = [chunk async for chunk in request.iter_body(size=4)]
        return "|".join(chunk.decode() for chunk in chunks)

    @app.post("/marked")
    @kolba.stream_request_body
    async def marked() -> str:
        return "|".join([chunk.decode() async for chunk in request.iter_body()])

    client = app.test_client(door=door)
    assert client.post("/", data=b"abcdefghij").text == "abcd|efgh|ij"
    # Under WSGI (and through the test client) the mark changes nothing visible.
    assert client.post("/marked", data=b"abcdefghij").text == "abcdefghij"


def test_the_mark_works_on_the_general_lane_too(app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch) -> None:
    class Replaced(kolba.Kolba):
        def dispatch_request(self) -> t.Any:  # any replaced step means the general lane
            return super().dispatch_request()

    app = Replaced("general")
    order: list[str] = []

    @app.post("/upload")
    @kolba.stream_request_body
    async def upload() -> str:
        order.append("view")
        return ",".join([chunk.decode() async for chunk in request.iter_body()])

    async def main() -> Reply:
        reply = Reply()
        parts = [b"a", b"b"]

        async def receive() -> Message:
            order.append("receive")
            if parts:
                return {"type": "http.request", "body": parts.pop(0), "more_body": bool(parts)}
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

        async def send(message: Message) -> None:
            reply.record(message)

        await app.asgi(make_scope("/upload", "POST", headers=_chunked()), receive, send)
        return reply

    assert asyncio.run(main()).text == "a,b"
    assert order == ["view", "receive", "receive"]


# -- streamed responses ---------------------------------------------------------------------


def test_a_sync_generator_is_sent_chunk_by_chunk(app: kolba.Kolba) -> None:
    @app.route("/")
    def view() -> t.Any:
        def numbers() -> t.Iterator[str]:
            for n in range(3):
                yield f"{n};"

        return numbers(), {"Content-Type": "text/plain"}

    reply = call(app, "/")
    assert reply.chunks[:3] == [b"0;", b"1;", b"2;"]
    assert all(m.get("more_body") for m in reply.messages[1:4])
    assert reply.complete and reply.body == b"0;1;2;"
    assert "content-length" not in reply.headers


def test_an_async_generator_is_sent_chunk_by_chunk(app: kolba.Kolba) -> None:
    @app.route("/")
    async def view() -> kolba.Response:
        async def numbers() -> t.AsyncIterator[str]:
            for n in range(3):
                await asyncio.sleep(0)
                yield f"{n};"

        return kolba.Response(numbers(), mimetype="text/plain")

    reply = call(app, "/")
    assert reply.status == 200 and reply.headers["content-type"] == "text/plain; charset=utf-8"
    assert reply.chunks[:3] == [b"0;", b"1;", b"2;"]
    assert reply.complete


@pytest.mark.planned_lane_only
def test_an_async_views_async_generator_runs_before_teardown(app: kolba.Kolba) -> None:
    # On the planned lane an async view's request stays current until its
    # body is sent; on the general lane (as for any plain view) it is torn
    # down first, and stream_with_context is the portable way.
    events: list[str] = []

    @app.teardown_request
    def teardown(error: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    async def view() -> kolba.Response:
        async def numbers() -> t.AsyncIterator[str]:
            events.append("body")
            yield request.path

        return kolba.Response(numbers())

    assert call(app, "/").text == "/"
    assert events == ["body", "teardown"]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_stream_with_context_keeps_the_request_for_the_generator(app: kolba.Kolba, kind: str) -> None:
    def body() -> t.Any:
        @stream_with_context
        def lines() -> t.Iterator[str]:
            yield request.args["name"]
            yield f" {g.greeting}"

        g.greeting = "hello"
        return lines()

    if kind == "sync":
        app.add_url_rule("/", "view", body)
    else:

        async def view() -> t.Any:
            return body()

        app.add_url_rule("/", "view", view)
    assert call(app, "/", query=b"name=ada").text == "ada hello"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_client_that_leaves_ends_the_generator_and_teardown_runs(app: kolba.Kolba, kind: str) -> None:
    events: list[str] = []

    @app.teardown_request
    def teardown(error: BaseException | None) -> None:
        events.append("teardown")

    def forever_sync() -> t.Iterator[bytes]:
        try:
            n = 0
            while True:
                n += 1
                time.sleep(0.001)
                yield b"tick\n"
        finally:
            events.append("finally")

    async def forever_async() -> t.AsyncIterator[bytes]:
        try:
            while True:
                await asyncio.sleep(0.001)
                yield b"tick\n"
        finally:
            events.append("finally")

    if kind == "sync":

        @app.route("/")
        def view() -> kolba.Response:
            return kolba.Response(forever_sync())

    else:

        @app.route("/")
        async def view() -> kolba.Response:
            return kolba.Response(forever_async())

    reply = call(app, "/", disconnect_after=3)
    assert reply.chunks[:3] == [b"tick\n"] * 3
    assert not reply.complete
    assert sorted(events) == ["finally", "teardown"]


def test_a_client_that_leaves_ends_an_async_generator_that_is_waiting(app: kolba.Kolba) -> None:
    events: list[str] = []

    @app.route("/")
    async def view() -> kolba.Response:
        async def waits() -> t.AsyncIterator[bytes]:
            try:
                yield b"first"
                await asyncio.Event().wait()  # nothing more, ever
                yield b"never"
            except asyncio.CancelledError:
                events.append("cancelled")
                raise
            finally:
                events.append("finally")

        return kolba.Response(waits())

    reply = call(app, "/", disconnect_after=1)
    assert reply.chunks == [b"first"]
    assert events == ["cancelled", "finally"]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_an_error_while_streaming_ends_the_response_without_a_500(
    app: kolba.Kolba, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["TESTING"] = False

    def broken_sync() -> t.Iterator[bytes]:
        yield b"partial"
        raise ValueError("broken stream")

    async def broken_async() -> t.AsyncIterator[bytes]:
        yield b"partial"
        raise ValueError("broken stream")

    if kind == "sync":

        @app.route("/stream")
        def stream() -> kolba.Response:
            return kolba.Response(broken_sync())

    else:

        @app.route("/stream")
        async def stream() -> kolba.Response:
            return kolba.Response(broken_async())

    @app.route("/ok")
    def ok() -> str:
        return "fine"

    reply = call(app, "/stream")
    assert reply.status == 200
    assert reply.chunks == [b"partial"]
    # Not completed: the server drops the connection instead of ending the
    # body as if it were whole.
    assert not reply.complete
    assert "broken stream" in caplog.text
    assert call(app, "/ok").text == "fine"


def test_an_error_while_streaming_propagates_when_testing(app: kolba.Kolba) -> None:
    @app.route("/")
    def view() -> kolba.Response:
        def broken() -> t.Iterator[bytes]:
            yield b"partial"
            raise ValueError("broken stream")

        return kolba.Response(broken())

    with pytest.raises(ValueError, match="broken stream"):
        call(app, "/")


# -- lifespan --------------------------------------------------------------------------------


async def lifespan(app: kolba.Kolba, during: t.Callable[[], t.Awaitable[t.Any]] | None = None) -> list[Message]:
    """Run the lifespan protocol as a server does, awaiting ``during()`` between
    startup and shutdown; the messages the app sent."""
    sent: list[Message] = []
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    started = asyncio.Event()

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"].startswith("lifespan.startup"):
            started.set()

    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    running = asyncio.ensure_future(app.asgi(scope, inbox.get, send))
    await inbox.put({"type": "lifespan.startup"})
    await asyncio.wait_for(started.wait(), timeout=10)
    if sent[-1]["type"] == "lifespan.startup.complete":
        if during is not None:
            await during()
        await inbox.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(running, timeout=10)
    return sent


def test_serving_hooks_run_once_each_sync_or_async(app: kolba.Kolba) -> None:
    events: list[str] = []

    @app.before_serving
    def open_pool() -> None:
        events.append(f"open {current_app.name}")

    @app.before_serving
    async def warm_cache() -> None:
        events.append("warm")

    @app.after_serving
    async def flush() -> None:
        events.append("flush")

    @app.after_serving
    def close_pool() -> None:
        events.append(f"close {current_app.name}")

    @app.route("/")
    def index() -> str:
        return ",".join(events)

    replies: list[Reply] = []

    async def requests() -> None:
        replies.append(await exchange(app, make_scope("/")))
        replies.append(await exchange(app, make_scope("/")))

    sent = asyncio.run(lifespan(app, requests))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert [reply.text for reply in replies] == ["open kolba_test,warm"] * 2
    sent = asyncio.run(lifespan(app))  # a second worker's whole life
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert events == ["open kolba_test", "warm", "flush", "close kolba_test"] * 2


def test_an_error_in_startup_fails_the_start_with_its_message(app: kolba.Kolba) -> None:
    later: list[str] = []

    @app.before_serving
    async def connect() -> None:
        raise ConnectionError("database unreachable at db:5432")

    @app.before_serving
    def never() -> None:
        later.append("ran")

    sent = asyncio.run(lifespan(app))
    assert sent == [{"type": "lifespan.startup.failed", "message": "ConnectionError: database unreachable at db:5432"}]
    assert later == []


def test_an_error_in_shutdown_is_reported(app: kolba.Kolba) -> None:
    @app.after_serving
    def close() -> None:
        raise RuntimeError("could not flush")

    sent = asyncio.run(lifespan(app))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.failed"]
    assert sent[1]["message"] == "RuntimeError: could not flush"


def test_an_app_without_hooks_completes_the_lifespan(app: kolba.Kolba) -> None:
    sent = asyncio.run(lifespan(app))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_serving_runs_the_same_hooks_under_wsgi(app: kolba.Kolba) -> None:
    events: list[str] = []

    @app.before_serving
    async def start() -> None:
        events.append(f"start {current_app.name}")

    @app.after_serving
    def stop() -> None:
        events.append("stop")

    @app.route("/")
    def index() -> str:
        return ",".join(events)

    with app.serving() as served:
        assert served is app
        assert app.test_client(door="wsgi").get("/").text == "start kolba_test"
        assert events == ["start kolba_test"]
    assert events == ["start kolba_test", "stop"]


def test_serving_runs_after_hooks_when_the_block_fails(app: kolba.Kolba) -> None:
    events: list[str] = []

    @app.after_serving
    def stop() -> None:
        events.append("stop")

    with pytest.raises(KeyError):
        with app.serving():
            raise KeyError("boom")
    assert events == ["stop"]


def test_other_scope_types_are_refused(app: kolba.Kolba) -> None:
    async def nothing() -> Message:
        raise AssertionError("not called")

    async def discard(message: Message) -> None:
        raise AssertionError("not called")

    with pytest.raises(RuntimeError, match="'telepathy'"):
        asyncio.run(app.asgi({"type": "telepathy"}, nothing, discard))


# -- send_file and the server's http.response.pathsend ------------------------------------

PATHSEND = {"http.response.pathsend": {}}


@pytest.fixture
def served_file(tmp_path: t.Any) -> str:
    path = tmp_path / "report.txt"
    path.write_bytes(b"0123456789" * 1000)
    return str(path)


def _file_app(app: kolba.Kolba, path: str) -> None:
    @app.route("/sync")
    def sync_file() -> kolba.Response:
        return kolba.send_file(path)

    @app.route("/async")
    async def async_file() -> kolba.Response:
        return kolba.send_file(path)

    @app.route("/dir/<name>")
    def from_directory(name: str) -> kolba.Response:
        return kolba.send_from_directory(os.path.dirname(path), name)

    @app.route("/opened")
    def opened() -> kolba.Response:
        file = open(path, "rb")
        file.read(5)  # already part-read: only the rest is the body
        return kolba.send_file(file, mimetype="text/plain")


@pytest.mark.parametrize("url", ["/sync", "/async", "/dir/report.txt"])
def test_a_whole_file_is_sent_by_path_when_the_server_offers_it(app: kolba.Kolba, served_file: str, url: str) -> None:
    _file_app(app, served_file)
    reply = call(app, url, extensions=PATHSEND)
    assert reply.status == 200
    assert reply.headers["content-length"] == "10000"
    assert reply.headers["content-type"].startswith("text/plain")
    assert "etag" in reply.headers and "last-modified" in reply.headers
    assert reply.messages[1:] == [{"type": "http.response.pathsend", "path": served_file}]


def test_a_static_file_is_sent_by_path(tmp_path: t.Any) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body { color: red }")
    app = kolba.Kolba("pathsend_static", root_path=str(tmp_path))
    reply = call(app, "/static/site.css", extensions=PATHSEND)
    assert reply.messages[1:] == [
        {"type": "http.response.pathsend", "path": str(tmp_path / "static" / "site.css")}
    ]


@pytest.mark.parametrize("url", ["/sync", "/async"])
def test_without_the_extension_the_file_is_streamed(app: kolba.Kolba, served_file: str, url: str) -> None:
    _file_app(app, served_file)
    reply = call(app, url)
    assert reply.status == 200 and reply.complete
    assert reply.body == b"0123456789" * 1000
    assert all(m["type"] != "http.response.pathsend" for m in reply.messages)


def test_ranges_head_and_304_are_not_sent_by_path(app: kolba.Kolba, served_file: str) -> None:
    _file_app(app, served_file)
    ranged = call(app, "/sync", headers=[("Range", "bytes=5-14")], extensions=PATHSEND)
    assert (ranged.status, ranged.body) == (206, b"5678901234")
    assert ranged.headers["content-range"] == "bytes 5-14/10000"
    head = call(app, "/sync", "HEAD", extensions=PATHSEND)
    assert (head.status, head.body, head.headers["content-length"]) == (200, b"", "10000")
    etag = call(app, "/sync", extensions=PATHSEND).headers["etag"]
    cached = call(app, "/sync", headers=[("If-None-Match", etag)], extensions=PATHSEND)
    assert (cached.status, cached.body) == (304, b"")
    for reply in (ranged, head, cached):
        assert all(m["type"] != "http.response.pathsend" for m in reply.messages)


def test_a_part_read_file_object_is_not_sent_by_path(app: kolba.Kolba, served_file: str) -> None:
    _file_app(app, served_file)
    reply = call(app, "/opened", extensions=PATHSEND)
    assert reply.body == (b"0123456789" * 1000)[5:]
    assert all(m["type"] != "http.response.pathsend" for m in reply.messages)


def test_the_file_is_closed_after_it_was_sent_by_path(app: kolba.Kolba, served_file: str) -> None:
    from kolba.asgi import PathFile

    made: list[PathFile] = []

    class Recorded(PathFile):
        __slots__ = ()

        def __init__(self, file: t.IO[bytes], block_size: int = 8192) -> None:
            super().__init__(file, block_size)
            made.append(self)

    @app.route("/")
    def view() -> kolba.Response:
        request.environ["wsgi.file_wrapper"] = Recorded
        return kolba.send_file(served_file)

    reply = call(app, "/", extensions=PATHSEND)
    assert reply.messages[-1]["type"] == "http.response.pathsend"
    assert len(made) == 1 and made[0].file.closed


# -- WSGI middleware on app.wsgi_app ----------------------------------------------------


def test_a_wrapped_wsgi_app_serves_asgi_requests_too(app: kolba.Kolba) -> None:
    # ProxyFix (and any middleware) wrapped around app.wsgi_app applies
    # under the ASGI door as under a WSGI server.
    from werkzeug.middleware.proxy_fix import ProxyFix

    @app.route("/")
    def who() -> str:
        return f"{request.remote_addr} {request.scheme} {request.host}"

    @app.route("/async")
    async def who_async() -> str:
        return f"{request.remote_addr} async"

    forwarded = [("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-Proto", "https")]
    assert call(app, "/", headers=forwarded).text.startswith("127.0.0.1 http")
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    assert call(app, "/", headers=forwarded).text == "203.0.113.7 https 127.0.0.1:8000"
    assert call(app, "/async", headers=forwarded).text == "203.0.113.7 async"
    del app.wsgi_app
    assert call(app, "/", headers=forwarded).text.startswith("127.0.0.1 http")


def test_middleware_may_change_the_answer_or_answer_itself(app: kolba.Kolba) -> None:
    @app.route("/")
    def index() -> str:
        return "from the app"

    inner = app.wsgi_app

    def middleware(environ: dict[str, t.Any], start_response: t.Any) -> t.Any:
        if environ["PATH_INFO"] == "/blocked":
            start_response("403 FORBIDDEN", [("Content-Type", "text/plain")])
            return [b"blocked ", b"here"]

        def start(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> t.Any:
            return start_response(status, [*headers, ("X-Wrapped", "yes")], exc_info)

        return inner(environ, start)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    reply = call(app, "/")
    assert (reply.status, reply.text, reply.headers["x-wrapped"]) == (200, "from the app", "yes")
    reply = call(app, "/blocked")
    assert (reply.status, reply.text) == (403, "blocked here")


def test_a_generator_middleware_that_starts_late_is_streamed_and_closed(app: kolba.Kolba) -> None:
    closed: list[bool] = []

    def late(environ: dict[str, t.Any], start_response: t.Any) -> t.Iterator[bytes]:
        try:
            start_response("200 OK", [("Content-Type", "text/plain")])
            yield b"one "
            yield b"two"
        finally:
            closed.append(True)

    app.wsgi_app = late  # type: ignore[method-assign]
    reply = call(app, "/anything")
    assert (reply.status, reply.text, closed) == (200, "one two", [True])


def test_a_middleware_that_never_starts_is_an_error_and_is_closed(app: kolba.Kolba) -> None:
    closed: list[bool] = []

    def silent(environ: dict[str, t.Any], start_response: t.Any) -> t.Iterator[bytes]:
        try:
            yield b"never started"
        finally:
            closed.append(True)

    app.wsgi_app = silent  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="without calling start_response"):
        call(app, "/anything")
    assert closed == [True]


def test_a_subclass_overriding_wsgi_app_is_called_under_asgi() -> None:
    seen: list[str] = []

    class Logged(kolba.Kolba):
        def wsgi_app(self, environ: t.Any, start_response: t.Any) -> t.Any:
            seen.append(environ["PATH_INFO"])
            return super().wsgi_app(environ, start_response)

    app = Logged(__name__)

    @app.route("/x")
    async def x() -> str:
        return "x"

    assert call(app, "/x").text == "x"
    assert seen == ["/x"]


# -- responses made into what the door sends -----------------------------------------


@pytest.mark.parametrize("kind", ["async", "sync"])
def test_a_response_class_that_overrides_call_is_still_called(app: kolba.Kolba, kind: str) -> None:
    class Stamped(kolba.Response):
        def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
            self.headers["X-Stamped"] = environ["REQUEST_METHOD"]
            return super().__call__(environ, start_response)

    app.response_class = Stamped

    if kind == "async":
        @app.get("/")
        async def view() -> str:
            return "hi"
    else:
        @app.get("/")
        def view() -> str:
            return "hi"

    reply = call(app, "/")
    assert (reply.status, reply.body) == (200, b"hi")
    assert reply.headers["x-stamped"] == "GET"


@pytest.mark.parametrize("hooked", [False, True])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("value", ["Kraków", b"\x00bytes", {"b": [1, 2], "a": "\u00e9"}, [1, "two"]])
def test_a_plain_value_is_sent_as_the_wsgi_door_sends_it(
    app: kolba.Kolba, value: t.Any, method: str, hooked: bool
) -> None:
    """A str, bytes, dict or list from an async view (ASGI's own triple, see direct_result): WSGI's answer.

    With a before-request hook the view is not bare, and its answer comes
    through ``dispatch_async`` rather than inline.
    """
    seen: list[str] = []
    if hooked:
        app.before_request(lambda: seen.append("before"))

    @app.get("/")
    async def view() -> t.Any:
        return value

    ours = call(app, "/", method)
    theirs = app.test_client(door="wsgi").open("/", method=method)
    assert type(ours.start["status"]) is int and ours.status == theirs.status_code == 200
    assert ours.body == theirs.data
    assert (ours.body == b"") is (method == "HEAD")
    assert ours.start["headers"] == [(name.lower().encode(), v.encode()) for name, v in theirs.headers.items()]
    assert seen == (["before", "before"] if hooked else [])


def test_a_bare_async_view_still_refreshes_a_session_it_never_read(app: kolba.Kolba) -> None:
    """The bare branch's plain answer is only for a request with nothing after the view.

    A permanent session's cookie the view never read must still be
    refreshed, with ``Vary: Cookie`` (``after_this_request`` is covered by
    ``test_a_view_with_nothing_around_it_answers_as_the_full_dispatch_does``).
    """

    @app.get("/perm")
    async def perm() -> str:
        session.permanent = True
        session["n"] = 7
        return "stored"

    @app.get("/plain")
    async def plain() -> str:
        return "plain"

    client = app.test_client(door="asgi")
    client.get("/perm")
    refreshed = client.get("/plain")
    assert refreshed.text == "plain"
    cookies = refreshed.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and "Expires=" in cookies[0]
    assert "Cookie" in refreshed.headers.get("Vary", "")


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_plain_response_is_sent_without_running_it_as_wsgi(app: kolba.Kolba, method: str) -> None:
    """perf: a response object with a list body becomes status, headers and body directly."""
    from kolba import core

    @app.get("/")
    async def view() -> kolba.Response:
        return kolba.jsonify(ok=True)

    calls: list[t.Any] = []
    original = core.call_wsgi

    def counting(*args: t.Any) -> t.Any:
        calls.append(args)
        return original(*args)

    core.call_wsgi = counting  # type: ignore[assignment]
    try:
        reply = call(app, "/", method)
    finally:
        core.call_wsgi = original  # type: ignore[assignment]
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.body == (b"" if method == "HEAD" else b'{"ok":true}\n')
    assert reply.headers["content-length"] == "12"
    assert calls == []


# -- the environ on demand (requests that carry no data) ---------------------------------
# A request without a body or a query string is matched and answered from the
# scope; its environ is built only when something reads it.  Each of these
# runs an ``async def`` view, which stays on the loop with that context.


def _counting_environs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each environ the door builds (by path) from now on."""
    from kolba import asgi

    built: list[str] = []
    original = asgi.environ_for

    def counting(scope: dict[str, t.Any], *args: t.Any, **kwargs: t.Any) -> dict[str, t.Any]:
        built.append(scope["path"])
        return original(scope, *args, **kwargs)

    monkeypatch.setattr(asgi, "environ_for", counting)
    return built


@pytest.mark.skipif(
    os.environ.get("KOLBA_TESTS_LANE") == "general", reason="Flask's steps (the general lane) read the request"
)
def test_a_request_that_reads_nothing_builds_no_environ(app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch) -> None:
    @app.get("/hello/<int:n>")
    async def hello(n: int) -> kolba.Response:
        return kolba.jsonify(n=n)

    built = _counting_environs(monkeypatch)
    reply = call(app, "/hello/7")
    assert (reply.status, reply.body) == (200, b'{"n":7}\n')
    assert built == []
    # HEAD keeps GET's headers without the body, from the scope's method.
    head = call(app, "/hello/7", "HEAD")
    assert (head.status, head.body, head.headers["content-length"]) == (200, b"", "8")
    assert built == []
    # A query string alone builds none either.
    assert call(app, "/hello/7", query=b"x=1").status == 200
    assert built == []


@pytest.mark.skipif(
    os.environ.get("KOLBA_TESTS_LANE") == "general", reason="Flask's steps (the general lane) read the request"
)
def test_what_views_read_most_comes_from_the_scope(app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch) -> None:
    """method, path, args, headers, cookies and remote_addr build no environ, and answer as the environ would."""
    from kolba.asgi import ScopeRequest

    seen: dict[str, t.Any] = {}

    @app.get("/read/<part>")
    async def read(part: str) -> str:
        seen["request"] = request._get_current_object()  # type: ignore[attr-defined]
        return " ".join([
            request.method, request.path, repr(request.args.getlist("a")), request.args.get("b", "-"),
            request.headers.get("X-Probe", "-"), repr(request.headers.get("X-Missing")),
            request.cookies.get("k", "-"), str(request.remote_addr),
        ])

    built = _counting_environs(monkeypatch)
    headers = [("X-Probe", "p1"), ("Cookie", "k=v; j=w")]
    reply = call(app, "/read/x", query=b"a=1&a=%C3%A9&b=+2", headers=headers)
    assert reply.text == "GET /read/x ['1', 'é'] " + " 2 p1 None v 127.0.0.1"
    assert built == []
    assert type(seen["request"]) is ScopeRequest
    assert "environ" not in vars(seen["request"])  # so teardown had no environ to clear


@pytest.mark.parametrize("first", ["headers", "headers.get", "environ"])
def test_a_scope_request_builds_one_environ_whichever_is_read_first(
    app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """``request.headers.environ`` is ``request.environ`` is the context's environ, built once."""
    from kolba.asgi import environ_for
    from kolba.globals import _cv_frame

    seen: dict[str, t.Any] = {}

    @app.get("/both")
    async def both() -> str:
        if first == "headers":
            seen["agent"] = request.headers["User-Agent"]
        elif first == "headers.get":
            seen["agent"] = request.headers.get("User-Agent")
        environ = request.environ
        seen["same"] = (request.headers.environ is environ, _cv_frame.get()[1].environ is environ)
        seen["holds"] = environ["werkzeug.request"] is request._get_current_object()  # type: ignore[attr-defined]
        seen["environ"] = dict(environ)
        seen["url"] = request.url
        return "ok"

    built = _counting_environs(monkeypatch)
    headers = [("User-Agent", "probe/1"), ("X-A", "1"), ("Content-Type", "text/plain")]
    assert call(app, "/both", query=b"q=1", headers=headers).text == "ok"
    assert built == ["/both"]
    assert seen["same"] == (True, True) and seen["holds"]
    assert seen["url"] == "http://127.0.0.1:8000/both?q=1"
    expected = environ_for(make_scope("/both", query=b"q=1", headers=headers))
    for key in ("wsgi.input", "wsgi.errors", "asgi.scope", "werkzeug.request"):
        seen["environ"].pop(key, None)
        expected.pop(key, None)
    assert seen["environ"] == expected


def _headers_by_name(scope: dict[str, t.Any]) -> dict[bytes, bytes] | None:
    """The headers by name, as the door gives a ScopeContext; None for a repeated name (the door uses the environ)."""
    by_name = dict(scope["headers"])
    return by_name if len(by_name) == len(scope["headers"]) else None


def _scope_request(scope: dict[str, t.Any], by_name: dict[bytes, bytes], body: bytes | None = None) -> kolba.Request:
    """The request object a ScopeContext makes for ``scope`` (and the whole ``body`` the door kept)."""
    from kolba.asgi import scope_context

    ctx = scope_context(kolba.Kolba(__name__), scope, by_name)
    ctx._body = body
    return ctx.request


_SCOPE_QUERIES = st.lists(
    st.sampled_from(["a", "=", "&", "%41", "%C3%A9", "%zz", "+", "\xe9", "\xff", "b", "%26"]), max_size=12
).map(lambda parts: "".join(parts).encode("latin-1"))
_SCOPE_HEADER_NAMES = st.sampled_from(
    ["x-probe", "x_probe", "X-Probe", "x-probess", "user-agent", "content-type", "content-length", "cookie"]
)


@settings(max_examples=150, deadline=None)
@given(
    path=st.sampled_from(["/", "/a", "//a/b/", "/caf\u00e9", "a"]),
    method=st.sampled_from(["GET", "HEAD", "get"]),
    query=_SCOPE_QUERIES,
    headers=st.lists(st.tuples(_SCOPE_HEADER_NAMES, st.sampled_from(["1", "v w", "k=v; j=w", "\xe9"])), max_size=4),
    client=st.sampled_from([("10.0.0.1", 5), None]),
)
def test_a_scope_request_answers_as_a_request_over_its_environ(
    path: str, method: str, query: bytes, headers: list[tuple[str, str]], client: t.Any
) -> None:
    """Each attribute a ScopeRequest reads from the scope equals the one Request reads from environ_for(scope)."""
    from kolba.asgi import ScopeRequest, environ_for

    scope = make_scope(path, method, query=query, client=client)
    scope["headers"] = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]  # case kept
    if client is None:
        del scope["client"]
    by_name = _headers_by_name(scope)
    if by_name is None:
        return  # the door serves repeated names through the environ
    ours = _scope_request(scope, by_name)
    assert type(ours) is ScopeRequest
    theirs = kolba.Request(environ_for(scope))
    for name in ("method", "path", "root_path", "remote_addr"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert list(ours.args.items(multi=True)) == list(theirs.args.items(multi=True))
    assert type(ours.args) is type(theirs.args)
    assert list(ours.headers.items()) == list(theirs.headers.items())
    for name in ("X-Probe", "x_probe", "Content-Type", "Content-Length", "Absent", "X-Probe\u00df", "Cookie"):
        assert ours.headers.get(name) == theirs.headers.get(name), name
        assert ours.headers.get(name, "dflt") == theirs.headers.get(name, "dflt"), name
    assert list(ours.cookies.items(multi=True)) == list(theirs.cookies.items(multi=True))
    assert ("environ" in vars(ours)) is not query.isascii()  # undecodable bytes take the environ's path
    assert ours.query_string == theirs.query_string and ours.url == theirs.url
    assert "environ" in vars(ours) and ours.environ["werkzeug.request"] is ours


@pytest.mark.skipif(
    os.environ.get("KOLBA_TESTS_LANE") == "general", reason="Flask's steps (the general lane) read the request"
)
def test_teardown_clears_the_request_from_an_environ_built_on_demand(app: kolba.Kolba) -> None:
    """The environ's ``werkzeug.request`` is cleared when one was built, and none is built to clear it."""
    from kolba.asgi import ScopeRequest

    seen: dict[str, t.Any] = {}

    @app.get("/built")
    async def built() -> str:
        seen["built"] = request._get_current_object()  # type: ignore[attr-defined]
        seen["environ"] = request.environ
        return "ok"

    @app.get("/scope")
    async def scope_only() -> str:
        seen["scope"] = request._get_current_object()  # type: ignore[attr-defined]
        return request.args.get("x", "")

    assert call(app, "/built").status == 200
    assert type(seen["built"]) is ScopeRequest
    assert seen["environ"]["werkzeug.request"] is None
    assert call(app, "/scope", query=b"x=1").body == b"1"
    assert type(seen["scope"]) is ScopeRequest and "environ" not in vars(seen["scope"])


def test_an_app_request_class_of_its_own_reads_the_environ(app: kolba.Kolba) -> None:
    """A subclass of Request may read anything from the environ, so it gets one."""

    class Own(kolba.Request):
        pass

    app.request_class = Own
    seen: list[type] = []

    @app.get("/own")
    async def own() -> str:
        seen.append(type(request._get_current_object()))  # type: ignore[attr-defined]
        return request.args.get("q", "-")

    assert call(app, "/own", query=b"q=1").text == "1"
    assert seen == [Own]


def test_reading_the_request_builds_the_same_environ(app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, t.Any] = {}

    @app.get("/who")
    async def who() -> str:
        seen["environ"] = dict(request.environ)
        return " ".join([
            request.method, request.url, request.host, str(request.remote_addr),
            request.headers["User-Agent"], request.cookies.get("k", "-"), request.endpoint or "-",
        ])

    built = _counting_environs(monkeypatch)
    headers = [("Host", "example.org"), ("User-Agent", "probe/1"), ("Cookie", "k=v")]
    reply = call(app, "/who", headers=headers)
    assert reply.text == "GET http://example.org/who example.org 127.0.0.1 probe/1 v who"
    assert built == ["/who"]
    from kolba.asgi import environ_for

    expected = environ_for(make_scope("/who", headers=headers))
    lazy = seen["environ"]
    for key in ("wsgi.input", "wsgi.errors", "asgi.scope", "werkzeug.request"):
        lazy.pop(key, None)
        expected.pop(key, None)
    assert lazy == expected


def test_hooks_sessions_and_errors_read_the_request_on_demand(app: kolba.Kolba) -> None:
    @app.before_request
    async def before() -> None:
        g.path = request.path

    @app.get("/set")
    async def set_value() -> str:
        session["n"] = 41
        return g.path

    @app.get("/get")
    async def get_value() -> str:
        return f"{g.path} {session.get('n')}"

    @app.get("/permanent")
    async def make_permanent() -> str:
        session.permanent = True
        return "ok"

    @app.get("/plain")
    async def plain() -> str:
        return "plain"

    client = app.test_client(door="asgi")
    assert client.get("/set").text == "/set"
    cookie = client.get_cookie("session")
    assert cookie is not None
    # Read back through the door in process, with the cookie as a browser sends it.
    reply = call(app, "/get", headers=[("Cookie", f"session={cookie.value}")])
    assert reply.text == "/get 41"
    # The session cookie in a second Cookie header (a repeated name, which
    # only the environ joins) is found too.
    reply = call(app, "/get", headers=[("Cookie", "a=1"), ("Cookie", f"session={cookie.value}")])
    assert reply.text == "/get 41"
    # A view that never touches a permanent session still refreshes its
    # cookie: the door saw the cookie without building the environ.
    client.get("/permanent")
    cookie = client.get_cookie("session")
    assert cookie is not None
    reply = call(app, "/plain", headers=[("Cookie", f"session={cookie.value}")])
    assert reply.text == "plain"
    assert reply.header_list("set-cookie")[0].startswith("session=")
    missing = call(app, "/nowhere")
    wsgi = app.test_client(door="wsgi").get("/nowhere")
    assert (missing.status, missing.body) == (404, wsgi.data)


def test_the_host_is_checked_from_the_scope(app: kolba.Kolba) -> None:
    @app.get("/")
    async def index() -> str:
        return "ok"

    bad = "\u00e9xample..org".encode("utf-8").decode("latin-1")
    for _ in range(2):  # an acceptable host is remembered; a bad one never is
        assert call(app, "/", headers=[("Host", bad)]).status == 400
        assert call(app, "/", headers=[("Host", "example.org")]).text == "ok"


def test_options_405_and_root_paths_without_an_environ(app: kolba.Kolba) -> None:
    @app.route("/item", methods=["GET", "POST"])
    async def item() -> str:
        return f"{request.script_root}|{request.path}"

    options = call(app, "/item", "OPTIONS")
    assert options.status == 200
    assert set(options.headers["allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert call(app, "/item", "DELETE").status == 405
    assert call(app, "/api/item", root_path="/api").text == "/api|/item"


def test_a_copied_context_and_a_get_with_a_body(app: kolba.Kolba) -> None:
    @app.get("/copy")
    async def copy() -> str:
        @kolba.copy_current_request_context
        def later() -> str:
            return request.path

        return await asyncio.get_running_loop().run_in_executor(None, later)

    @app.get("/body")
    async def body() -> str:
        return request.get_data(as_text=True)

    assert call(app, "/copy").text == "/copy"
    reply = call(app, "/body", headers=[("Content-Length", "5")], body=(b"hello",))
    assert reply.text == "hello"


_FORM = b"name=al%C3%ADce&city=Krak%C3%B3w&msg=a+%26+b&name=2"


@pytest.mark.skipif(
    os.environ.get("KOLBA_TESTS_LANE") == "general", reason="Flask's steps (the general lane) read the request"
)
@pytest.mark.parametrize("kind", ["form", "json", "data"])
def test_a_body_read_whole_builds_no_environ(app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """A form, a JSON body or the raw data of an async view's request comes from the bytes the door read."""
    seen: dict[str, t.Any] = {}

    @app.post("/in")
    async def read_body() -> t.Any:
        seen["request"] = request._get_current_object()  # type: ignore[attr-defined]
        if kind == "form":
            return f"{request.form.getlist('name')} {request.form['city']} {request.form['msg']}"
        if kind == "json":
            return {"got": request.get_json(), "again": request.get_json()}
        return f"{request.get_data()!r} {request.get_data()!r}"

    built = _counting_environs(monkeypatch)
    bodies = {
        "form": ("application/x-www-form-urlencoded", _FORM, "['alíce', '2'] Kraków a & b"),
        "json": ("application/json", b'{"n": [1, "\xc5\x82"]}', '{"again":{"n":[1,"\\u0142"]},"got":{"n":[1,"\\u0142"]}}\n'),
        "data": ("text/plain", b"raw \xff", "b'raw \\xff' b'raw \\xff'"),
    }
    content_type, body, expected = bodies[kind]
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    reply = call(app, "/in", "POST", headers=headers, body=(body,))
    assert (reply.status, reply.text) == (200, expected)
    assert built == []
    assert "environ" not in vars(seen["request"])


_BODY_READS = ["form", "data", "json", "stream", "environ-input", "files", "values"]


@settings(max_examples=120, deadline=None)
@given(
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
         "application/json", "text/plain", None]
    ),
    body=st.sampled_from([_FORM, b"", b'{"a": 1}', b"a=1&a=2&%zz=%C3", b"\xff\x00=", b"[1, 2"]),
    reads=st.lists(st.sampled_from(_BODY_READS), min_size=1, max_size=4),
)
def test_a_scope_request_reads_its_body_as_a_request_over_its_environ(
    content_type: str | None, body: bytes, reads: list[str]
) -> None:
    """Reads of a body the door kept as bytes answer, in any order, as reads of the environ's input do."""
    from kolba.asgi import environ_for

    headers = [("Content-Length", str(len(body)))]
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    scope = make_scope("/in", "POST", headers=headers)
    by_name = _headers_by_name(scope)
    assert by_name is not None
    app = kolba.Kolba(__name__)

    def answers(request: kolba.Request) -> list[t.Any]:
        got: list[t.Any] = []
        for read in reads:
            try:
                if read == "form":
                    got.append(list(request.form.items(multi=True)))
                elif read == "data":
                    got.append(request.get_data())
                elif read == "json":
                    got.append(request.get_json(silent=True))
                elif read == "stream":
                    got.append(request.stream.read())
                elif read == "environ-input":
                    got.append(request.environ["wsgi.input"].read())
                elif read == "files":
                    got.append(list(request.files.items(multi=True)))
                else:
                    got.append(list(request.values.items(multi=True)))
            except Exception as error:  # the same error, or the same answer
                got.append(type(error))
        return got

    with app.app_context():
        ours = answers(_scope_request(scope, by_name, body))
        theirs = answers(kolba.Request(environ_for(scope, io.BytesIO(body))))
    assert ours == theirs


def test_a_body_kept_as_bytes_keeps_each_requests_limit(app: kolba.Kolba) -> None:
    """The app's limit is checked by the door; one a hook sets on the request, when the view reads."""

    @app.before_request
    def limit() -> None:
        if request.args.get("small"):
            request.max_content_length = 3

    @app.post("/in")
    async def read_form() -> str:
        return request.form.get("a", "-")

    headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", "5")]
    assert call(app, "/in", "POST", headers=headers, body=(b"a=123",)).text == "123"
    assert call(app, "/in", "POST", query=b"small=1", headers=headers, body=(b"a=123",)).status == 413
    app.config["MAX_CONTENT_LENGTH"] = 4
    assert call(app, "/in", "POST", headers=headers, body=(b"a=123",)).status == 413


@pytest.mark.parametrize("repeated", [False, True])
@pytest.mark.parametrize("value", ["\u00b2", "9" * 5000])
def test_a_content_length_int_refuses_is_no_500(app: kolba.Kolba, repeated: bool, value: str) -> None:
    """A Content-Length of non-ASCII digits ('²') or of more digits than int() reads is read as Werkzeug reads it.

    Both once made the door raise (``int()``'s ValueError, a 500).
    """

    @app.post("/in")
    async def read_data() -> str:
        return repr(request.get_data())

    headers = [("Content-Length", value)]
    if repeated:  # the context over an environ, built up front
        headers += [("X-A", "1"), ("X-A", "2")]
    reply = call(app, "/in", "POST", headers=headers, body=(b"ab",))
    assert reply.status == 200
    scope = make_scope("/in", "POST", headers=headers)
    from kolba.asgi import environ_for

    assert reply.text == repr(kolba.Request(environ_for(scope, io.BytesIO(b"ab"))).get_data())


def test_a_body_the_door_keeps_is_in_the_environ_when_it_is_built(app: kolba.Kolba) -> None:
    """A plain view, a hook reading the environ, or a copied context all find the body in wsgi.input."""
    seen: list[str] = []

    @app.before_request
    def peek() -> None:
        if request.args.get("peek"):
            seen.append(request.environ["CONTENT_TYPE"])

    @app.post("/plain")
    def plain() -> str:
        return request.form["a"]

    @app.post("/async")
    async def on_loop() -> str:
        @kolba.copy_current_request_context
        def later() -> str:
            return str(request.form["a"])

        return await asyncio.get_running_loop().run_in_executor(None, later)

    headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", "5")]
    assert call(app, "/plain", "POST", headers=headers, body=(b"a=123",)).text == "123"
    assert call(app, "/async", "POST", query=b"peek=1", headers=headers, body=(b"a=456",)).text == "456"
    assert call(app, "/async", "POST", headers=headers, body=(b"a=789",)).text == "789"
    assert seen == ["application/x-www-form-urlencoded"]


_header_names = st.sampled_from(
    [b"host", b"cookie", b"x-dup", b"accept", b"content-type", b"content-length", b"x-\xe9t\xe9"]
) | st.binary(min_size=1, max_size=12).map(lambda raw: raw.lower().replace(b"_", b"-") or b"x")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_header_names, st.binary(max_size=16)), max_size=8))
def test_header_entries_of_the_environ(pairs: list[tuple[bytes, bytes]]) -> None:
    """Each name's values, in order, joined as WSGI joins them ("; " for cookies)."""
    from kolba.asgi import environ_for

    expected: dict[str, list[str]] = {}
    for name, value in pairs:
        key = name.decode("latin-1").upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        expected.setdefault(key, []).append(value.decode("latin-1"))
    scope = make_scope("/")
    scope["headers"] = pairs
    environ = environ_for(scope)
    base = environ_for(make_scope("/"))
    got = {key: value for key, value in environ.items() if key not in base}
    assert got == {key: ("; " if key == "HTTP_COOKIE" else ",").join(parts) for key, parts in expected.items()}


def test_a_scope_context_is_made_by_its_function_only(app: kolba.Kolba) -> None:
    """Calling the class would skip what ``scope_context`` sets; it says where to look instead."""
    from kolba.asgi import ScopeContext

    with pytest.raises(TypeError, match="scope_context"):
        ScopeContext(app, make_scope("/"), {})


@pytest.mark.parametrize("view_kind", ["async", "sync"])
def test_the_lean_app_context_has_the_fields_its_class_gives(view_kind: str) -> None:
    """The door's lean push makes the app context without the class call (perf); it must match ``AppContext(app)``."""
    from kolba.ctx import AppContext

    app = kolba.Kolba(__name__)
    seen: dict[str, t.Any] = {}

    def capture() -> str:
        made = kolba.globals.app_ctx._get_current_object()  # type: ignore[attr-defined]
        seen["type"] = type(made)
        seen["fields"] = {name: getattr(made, name, "<unset>") for name in AppContext.__slots__[:-2]}
        seen["dict"] = dict(vars(made))
        return "ok"

    if view_kind == "async":

        @app.route("/")
        async def index() -> str:
            return capture()

    else:
        app.add_url_rule("/", "index", capture)

    assert call(app).text == "ok"
    model = AppContext(app)
    assert seen["type"] is AppContext
    assert seen["fields"] == {name: getattr(model, name, "<unset>") for name in AppContext.__slots__[:-2]}
    assert seen["dict"] == {}


def test_a_scope_context_sets_every_field_the_base_context_sets(app: kolba.Kolba) -> None:
    """scope_context stands in for RequestContext.__init__ (perf); a field added there must be added here."""
    from kolba.asgi import ScopeContext, environ_for, scope_context
    from kolba.ctx import RequestContext

    scope = make_scope("/")
    base = RequestContext(app, environ_for(scope))
    lazy = scope_context(app, scope, {})
    assert type(lazy) is ScopeContext
    for klass in RequestContext.__mro__:
        for name in getattr(klass, "__slots__", ()):
            if name in ("__dict__", "__weakref__"):
                continue
            assert hasattr(lazy, name) == hasattr(base, name), name
    assert vars(lazy) == vars(base)
