"""Malformed input never gets a 500, a crash, a hang or a traceback.

Kolba's promise: bad input gets a clear 4xx, limits and secure defaults are
on, nothing is lost.  Every test here throws something a hostile client or
an odd server can send at a realistic application (``tests/safety_apps``)
and pins the exact status.  Most requests are raw WSGI environs built by
hand, because servers pass things the test client never would (undecoded
percent escapes, non-UTF-8 bytes tunnelled as latin-1, bogus
``CONTENT_LENGTH``, ``wsgi.input_terminated`` streams).

The fixture app runs with ``TESTING=True``, so an unhandled error propagates
out of the WSGI call and fails the test with its traceback instead of
hiding behind a 500 page.  Tests marked ``kolba_only`` pin a 4xx where
Flask 3.1 itself answers 500 (a Flask bug Kolba fixes).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import time
import typing as t
import zlib
from dataclasses import dataclass
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from itsdangerous import TimestampSigner
from werkzeug.datastructures import Headers

from tests.conftest import AGAINST_FLASK
from tests.safety_apps import SECRET_TEXT, build_app

SECRET_KEY = "safety secret key"
_AUTO = object()

# -- the raw WSGI harness ----------------------------------------------------------------


@dataclass
class Result:
    """What the server would have sent: status code, headers, body bytes."""

    status: int
    headers: Headers
    body: bytes

    def json(self) -> t.Any:
        """The body parsed as JSON (the fixture's views return JSON)."""
        return json.loads(self.body)


def environ(
    method: str = "GET",
    path: str = "/",
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    content_length: t.Any = _AUTO,
    extra: dict[str, t.Any] | None = None,
) -> dict[str, t.Any]:
    """A WSGI environ as a PEP 3333 server builds it; ``None`` in ``extra`` deletes a key.

    ``path`` and ``query`` are native (latin-1 tunnelled) strings, so a
    test writes ``"\\xff"`` for a raw 0xFF byte on the wire.
    """
    env: dict[str, t.Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if content_length is _AUTO:
        if body:
            env["CONTENT_LENGTH"] = str(len(body))
    elif content_length is not None:
        env["CONTENT_LENGTH"] = content_length
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = f"HTTP_{key}"
        env[key] = value
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def call(app: t.Any, **kwargs: t.Any) -> Result:
    """Run one request through ``app`` exactly as a WSGI server does."""
    captured: list[t.Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> t.Any:
        captured[:] = [status, headers]
        return lambda data: None

    iterable = app(environ(**kwargs), start_response)
    try:
        body = b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    status, headers = captured
    return Result(int(status[:3]), Headers(headers), body)


@pytest.fixture
def app() -> t.Any:
    """The realistic fixture application (overrides conftest's bare app)."""
    return build_app()


@pytest.fixture
def make_app() -> t.Callable[..., t.Any]:
    """Build the fixture application with extra configuration."""
    return build_app


@lru_cache(maxsize=None)
def shared_app() -> t.Any:
    """One app for the property tests, which call it hundreds of times."""
    return build_app()


def assert_error_page(result: Result, status: int) -> None:
    """An error answer: the exact status and an HTML page with no traceback."""
    assert result.status == status, result.body[:300]
    assert b"Traceback" not in result.body
    assert b'File "' not in result.body


# -- paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/name/%zz", "%zz"),  # an undecoded, malformed escape stays literal
        ("/name/\xff", "\ufffd"),  # a raw non-UTF-8 byte is replaced, not fatal
        ("/name/\xc3\xa9", "\xe9"),  # UTF-8 bytes tunnelled as latin-1
        ("/name/a\x00b", "a\x00b"),
        ("/name/a\\b", "a\\b"),
        ("/name/..", ".."),
        ("/name/a%2fb", "a%2fb"),  # the server left the escape alone
    ],
)
def test_path_odd_bytes_reach_the_view(app: t.Any, path: str, name: str) -> None:
    result = call(app, path=path)
    assert result.status == 200
    assert result.json() == {"name": name}


@pytest.mark.parametrize(
    ("url", "name"),
    [("/name/%zz", "%zz"), ("/name/%ff", "\ufffd"), ("/name/%00", "\x00"), ("/name/%C3%A9", "\xe9")],
)
def test_path_escapes_through_test_client(app: t.Any, url: str, name: str) -> None:
    response = app.test_client().get(url)
    assert response.status_code == 200
    assert response.get_json() == {"name": name}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("//item/1", 200),  # leading slashes collapse
        ("item/1", 200),  # a server that forgets the leading slash
        ("/./item/1", 404),
        ("/../item/1", 404),
        ("/item/../item/1", 404),
        ("/nope", 404),
        ("/" * 100_000, 200),
        ("/" + "a/" * 50_000, 404),
        ("/name/" + "a/" * 50_000, 404),
        ("/name/" + "a" * 1_000_000, 200),
        ("/wiki/" + "a/" * 200_000, 200),
    ],
)
def test_odd_and_huge_paths(app: t.Any, path: str, status: int) -> None:
    started = time.perf_counter()
    result = call(app, path=path)
    assert result.status == status
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("", "http://localhost/"),
        ("/folder", "http://localhost/folder/"),
        ("/item//1", "http://localhost/item/1"),
        ("/download//etc/passwd", "http://localhost/download/etc/passwd"),
    ],
)
def test_redirects_stay_on_this_host(app: t.Any, path: str, location: str) -> None:
    result = call(app, path=path)
    assert result.status == 308
    assert result.headers["Location"] == location


def test_redirect_keeps_a_malformed_query(app: t.Any) -> None:
    result = call(app, path="/folder", query="a=%zz&%ff")
    assert result.status == 308
    assert result.headers["Location"] == "http://localhost/folder/?a=%zz&%ff"


def test_redirect_replaces_raw_non_utf8_query_bytes(app: t.Any) -> None:
    result = call(app, path="/folder", query="a=\xff")
    assert result.status == 308
    assert result.headers["Location"] == "http://localhost/folder/?a=%EF%BF%BD"


@pytest.mark.kolba_only
@pytest.mark.parametrize("query", ["a=\n", "a=\r\nSet-Cookie: x=1", "\r"])
def test_redirect_with_line_breaks_in_a_raw_query(app: t.Any, query: str) -> None:
    # Flask 3.1: the redirect target keeps the raw CR/LF and Werkzeug's header
    # check raises ValueError -> 500.  The target must be quoted instead.
    result = call(app, path="/folder", query=query)
    assert result.status == 308
    location = result.headers["Location"]
    assert location.startswith("http://localhost/folder/")
    assert "\n" not in location and "\r" not in location


@pytest.mark.kolba_only
@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("to=/a%0D%0ASet-Cookie:%20admin=1", "/a%0D%0ASet-Cookie:%20admin=1"),
        ("to=/a%0Ab", "/a%0Ab"),
        ("to=/a%09b%00c%7F", "/a%09b%00c%7F"),
        ("to=/plain", "/plain"),
    ],
)
def test_redirect_to_a_user_value_with_control_characters(app: t.Any, query: str, location: str) -> None:
    # Flask 3.1 raises ValueError for the CR/LF cases (a 500).
    result = call(app, path="/next", query=query)
    assert result.status == 302
    assert result.headers["Location"] == location
    assert "Set-Cookie" not in result.headers


def test_environ_without_optional_keys(app: t.Any) -> None:
    # PEP 3333 lets a server omit PATH_INFO, QUERY_STRING, SCRIPT_NAME and Host.
    extra = {"PATH_INFO": None, "QUERY_STRING": None, "SCRIPT_NAME": None, "HTTP_HOST": None}
    result = call(app, extra=extra)
    assert result.status == 200
    assert result.body == b"index"


@pytest.mark.parametrize(("path", "expected"), [
    ("/args", {"args": {}}),
    ("/url", {"url": "http://localhost/url", "host": "localhost", "host_url": "http://localhost/",
              "path": "/url", "full_path": "/url?"}),
])
def test_environ_without_query_string(app: t.Any, path: str, expected: dict[str, t.Any]) -> None:
    result = call(app, path=path, extra={"QUERY_STRING": None})
    assert result.status == 200
    assert result.json() == expected


def test_non_utf8_script_name(app: t.Any) -> None:
    result = call(app, path="/url", extra={"SCRIPT_NAME": "/\xff"})
    assert result.status == 200
    assert result.json()["path"] == "/url"


# -- converters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "payload"),
    [
        ("/item/42", 200, {"item": 42}),
        ("/item/" + "9" * 30, 200, {"item": 999}),
        ("/item/\u0661\u0662".encode().decode("latin1"), 200, {"item": 12}),  # Arabic-Indic digits
        ("/item/-1", 404, None),
        ("/item/1.5", 404, None),
        ("/item/%31", 404, None),
        ("/item/", 404, None),
        ("/signed/-5", 200, {"n": -5}),
        ("/signed/--5", 404, None),
        ("/bounded/0", 404, None),
        ("/bounded/100", 404, None),
        ("/bounded/" + "9" * 5000, 404, None),
        ("/price/1.5", 200, {"price": 1.5}),
        ("/price/nan", 404, None),
        ("/price/inf", 404, None),
        ("/price/1e5", 404, None),
        ("/price/1.", 404, None),
        ("/thing/12345678-1234-1234-1234-123456789abc", 200, None),
        ("/thing/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", 404, None),
        ("/thing/1234", 404, None),
        ("/thing/12345678123412341234123456789abc", 404, None),
        ("/code/abc", 200, {"code": "abc"}),
        ("/code/abcd", 404, None),
        ("/kind/film", 200, {"kind": "film"}),
        ("/kind/music", 404, None),
        ("/kind/film/", 404, None),
    ],
)
def test_converters_reject_bad_values_with_404(
    app: t.Any, path: str, status: int, payload: t.Any
) -> None:
    result = call(app, path=path)
    assert result.status == status
    if payload is not None:
        assert result.json() == payload


def test_int_converter_with_more_digits_than_python_parses(app: t.Any) -> None:
    # int() refuses strings over sys.get_int_max_str_digits() (4300) digits
    # with ValueError; the converter must turn that into "no match".
    result = call(app, path="/item/" + "9" * 5000)
    assert_error_page(result, 404)


def test_float_converter_overflow_is_infinity_like_flask(app: t.Any) -> None:
    result = call(app, path="/price/" + "9" * 400 + ".5")
    assert result.status == 200
    assert result.body == b'{"price":Infinity}\n'


def test_path_converter_traversal_is_just_text(app: t.Any) -> None:
    result = call(app, path="/wiki/../../etc/passwd")
    assert result.status == 200
    assert result.json() == {"page": "../../etc/passwd"}


# -- methods --------------------------------------------------------------------------------


def test_lowercase_get_is_get(app: t.Any) -> None:
    result = call(app, method="get", path="/")
    assert result.status == 200
    assert result.body == b"index"


def test_lowercase_post_is_post(app: t.Any) -> None:
    result = call(app, method="post", path="/post-only")
    assert result.status == 200
    assert result.body == b"posted"


def test_lowercase_options_answers_like_options(app: t.Any) -> None:
    # The method is case-normalised for matching, so the automatic OPTIONS
    # answer must apply too, instead of running the GET view.
    result = call(app, method="options", path="/")
    assert result.status == 200
    assert result.body == b""
    assert set(result.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("method", ["FOO", "", "G\xffT", "G\x00T", "X" * 10_000, "GET "])
def test_unknown_methods_get_405_with_allow(app: t.Any, method: str) -> None:
    result = call(app, method=method, path="/")
    assert_error_page(result, 405)
    assert set(result.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


GET_URLS = [
    ("/", 200),
    ("/item/7", 200),
    ("/signed/-7", 200),
    ("/bounded/7", 200),
    ("/price/7.5", 200),
    ("/thing/12345678-1234-1234-1234-123456789abc", 200),
    ("/name/x", 200),
    ("/code/abc", 200),
    ("/kind/book", 200),
    ("/wiki/a/b", 200),
    ("/folder/", 200),
    ("/args?a=1", 200),
    ("/arg", 400),
    ("/cookies", 200),
    ("/headers", 200),
    ("/url", 200),
    ("/session/get", 200),
    ("/session/set/v", 200),
    ("/download/report.txt", 200),
    ("/download/missing.txt", 404),
    ("/static/digits.txt", 200),
    ("/static/missing.txt", 404),
    ("/nope", 404),
    ("/folder", 308),
    ("/post-only", 405),
]


@pytest.mark.parametrize(("url", "status"), GET_URLS)
def test_head_matches_get_without_a_body(app: t.Any, url: str, status: int) -> None:
    path, _, query = url.partition("?")
    get = call(app, path=path, query=query)
    head = call(app, method="HEAD", path=path, query=query)
    assert get.status == status
    assert head.status == status
    assert head.body == b""


@pytest.mark.parametrize(("url", "status"), GET_URLS)
def test_options_on_everything(app: t.Any, url: str, status: int) -> None:
    # Only a URL no rule matches is 404; a view's own 4xx never runs.
    path, _, query = url.partition("?")
    result = call(app, method="OPTIONS", path=path, query=query)
    if path == "/nope":
        assert_error_page(result, 404)
    elif status == 308:
        assert result.status == 308
    else:
        assert result.status == 200
        assert result.body == b""
        assert "OPTIONS" in result.headers["Allow"]


@pytest.mark.parametrize("path", ["*", "/*"])
def test_options_asterisk_is_404(app: t.Any, path: str) -> None:
    assert_error_page(call(app, method="OPTIONS", path=path), 404)


@pytest.mark.parametrize("path", ["/form", "/json", "/data", "/upload", "/post-only"])
def test_get_on_post_only_routes_is_405(app: t.Any, path: str) -> None:
    result = call(app, path=path)
    assert_error_page(result, 405)
    assert "POST" in result.headers["Allow"]
    head = call(app, method="HEAD", path=path)
    assert head.status == 405
    assert head.body == b""
    options = call(app, method="OPTIONS", path=path)
    assert options.status == 200
    assert set(options.headers["Allow"].split(", ")) >= {"POST", "OPTIONS"}


# -- query strings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ("a=%zz", {"a": ["%zz"]}),
        ("a=%ff%fe", {"a": ["%FF%FE"]}),  # invalid UTF-8 escapes are kept, re-quoted
        ("a=%", {"a": ["%"]}),
        ("a=%2", {"a": ["%2"]}),
        ("a=\x00", {"a": ["\x00"]}),
        ("a=%00", {"a": ["\x00"]}),
        ("&&&=&a", {"": [""], "a": [""]}),
        ("a=1;b=2", {"a": ["1;b=2"]}),
        ("a=1&a=2", {"a": ["1", "2"]}),
        ("a+b=c+d", {"a b": ["c d"]}),
    ],
)
def test_malformed_query_strings(app: t.Any, query: str, args: dict[str, list[str]]) -> None:
    result = call(app, path="/args", query=query)
    assert result.status == 200
    assert result.json() == {"args": args}


def test_thousands_of_query_parameters(app: t.Any) -> None:
    query = "&".join(f"k{i}=v" for i in range(5000))
    result = call(app, path="/args", query=query)
    assert result.status == 200
    assert len(result.json()["args"]) == 5000


def test_required_query_argument_missing_is_400(app: t.Any) -> None:
    assert_error_page(call(app, path="/arg"), 400)


@pytest.mark.parametrize("n", ["abc", "9" * 5000, "1.5", "", "\x00"])
def test_typed_query_argument_that_does_not_convert_is_none(app: t.Any, n: str) -> None:
    result = call(app, path="/arg", query=f"q=1&n={n}")
    assert result.status == 200
    assert result.json() == {"q": "1", "n": None}


@pytest.mark.kolba_only
def test_raw_non_utf8_query_string_is_not_fatal(app: t.Any) -> None:
    # Flask 3.1: request.args runs query_string.decode() strictly -> 500.
    result = call(app, path="/args", query="a=\xff\xfe&b=1")
    assert result.status == 200
    args = result.json()["args"]
    assert args["b"] == ["1"]
    assert list(args) == ["a", "b"]


@pytest.mark.kolba_only
def test_raw_non_utf8_query_string_in_full_path(app: t.Any) -> None:
    # Flask 3.1: request.full_path decodes the query strictly -> 500.
    result = call(app, path="/url", query="a=\xff")
    assert result.status == 200
    assert result.json()["full_path"].startswith("/url?a=")


# -- request bodies and Content-Length ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content_length", "body", "status", "size"),
    [
        (None, b"abc", 200, 0),  # no length and no terminated input: read nothing
        ("", b"abc", 200, 0),
        ("abc", b"abc", 200, 0),  # unparseable length counts as no body
        ("-5", b"abc", 200, 0),
        ("+3", b"abc", 200, 0),
        ("0_3", b"abc", 200, 0),
        ("\u0663", b"abc", 200, 0),
        (" 3 ", b"abc", 200, 3),
        ("3", b"abcdef", 200, 3),  # the rest belongs to the next request
        ("10", b"ab", 400, None),  # the client hung up early
        ("9" * 30, b"abc", 400, None),
        ("9" * 5000, b"abc", 200, 0),  # too long for int(): unparseable
    ],
)
def test_content_length_variants(
    app: t.Any, content_length: str | None, body: bytes, status: int, size: int | None
) -> None:
    result = call(app, method="POST", path="/data", body=body, content_length=content_length)
    if size is None:
        assert_error_page(result, status)
    else:
        assert result.status == status
        assert result.json() == {"size": size}


def test_stream_with_a_huge_content_length_is_400(app: t.Any) -> None:
    result = call(app, method="POST", path="/stream", body=b"x", content_length="9" * 30)
    assert_error_page(result, 400)


def test_terminated_input_without_length_is_read_whole(app: t.Any) -> None:
    body = b"chunked body " * 1000
    extra = {"wsgi.input_terminated": True}
    result = call(app, method="POST", path="/data", body=body, content_length=None, extra=extra)
    assert result.status == 200
    assert result.json() == {"size": len(body)}


def test_terminated_input_exactly_at_the_limit(make_app: t.Any) -> None:
    app = make_app(MAX_CONTENT_LENGTH=10)
    extra = {"wsgi.input_terminated": True}
    result = call(app, method="POST", path="/data", body=b"x" * 10, content_length=None, extra=extra)
    assert result.status == 200
    assert result.json() == {"size": 10}


class WouldBlock(Exception):
    """Raised by a socket-like input when a read would wait for bytes never sent."""


class SocketInput:
    """``wsgi.input`` that behaves like a socket: reading past the data blocks.

    Blocking is turned into ``WouldBlock`` (not an OSError, so nothing in the
    framework swallows it) to show up as a failure instead of a hung test.
    """

    def __init__(self, data: bytes, endless: bool = False) -> None:
        self._data = io.BytesIO(data)
        self._endless = endless
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        if self._endless:
            if size is None or size < 0:
                raise WouldBlock("read() of an endless stream")
            self.bytes_read += size
            return b"x" * size
        chunk = self._data.read(size)
        if not chunk and size != 0:
            raise WouldBlock("read past the end of what the client sent")
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size is not None and size >= 0 else 65536)


@pytest.mark.parametrize("path", ["/data", "/stream", "/form", "/json-silent"])
def test_body_without_length_is_never_read(app: t.Any, path: str) -> None:
    # No Content-Length and no wsgi.input_terminated: on a keep-alive socket
    # any read would wait forever, so the body must count as empty.
    stream = SocketInput(b"")
    headers = FORM if path == "/form" else JSON
    result = call(
        app, method="POST", path=path, headers=headers, content_length=None,
        extra={"wsgi.input": stream},
    )
    assert result.status == 200
    assert stream.bytes_read == 0


@pytest.mark.parametrize("path", ["/data", "/stream", "/form"])
def test_body_is_never_read_past_content_length(app: t.Any, path: str) -> None:
    stream = SocketInput(b"a=1")
    headers = FORM if path == "/form" else {}
    result = call(
        app, method="POST", path=path, headers=headers, content_length="3",
        extra={"wsgi.input": stream},
    )
    assert result.status == 200
    assert stream.bytes_read == 3


@pytest.mark.kolba_only
@pytest.mark.parametrize("path", ["/data", "/stream", "/form", "/json"])
def test_endless_terminated_input_stops_at_the_limit_with_413(make_app: t.Any, path: str) -> None:
    # A chunked upload that never ends: reading must stop at
    # MAX_CONTENT_LENGTH and answer 413 (Flask 3.1 answers 200 with the
    # first MAX_CONTENT_LENGTH bytes as the whole body).
    app = make_app(MAX_CONTENT_LENGTH=1000)
    stream = SocketInput(b"", endless=True)
    headers = FORM if path == "/form" else JSON
    result = call(
        app, method="POST", path=path, headers=headers, content_length=None,
        extra={"wsgi.input": stream, "wsgi.input_terminated": True},
    )
    assert_error_page(result, 413)
    assert stream.bytes_read <= 1000 + 65536


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}
MULTIPART = {"Content-Type": "multipart/form-data; boundary=XX"}

#: Bodies over a MAX_CONTENT_LENGTH of 10, for every way a view reads a body.
OVERSIZED_BODIES = [
    ("/data", {}, b"x" * 100),
    ("/stream", {}, b"x" * 100),
    ("/form", FORM, b"a=" + b"x" * 100),
    ("/json", JSON, b"[" + b"1," * 50 + b"1]"),
]


@pytest.mark.parametrize(
    ("path", "headers", "body"),
    OVERSIZED_BODIES,
)
def test_max_content_length_exceeded_is_413(
    make_app: t.Any, path: str, headers: dict[str, str], body: bytes
) -> None:
    app = make_app(MAX_CONTENT_LENGTH=10)
    result = call(app, method="POST", path=path, headers=headers, body=body)
    assert_error_page(result, 413)


def test_max_content_length_checks_the_declared_length(make_app: t.Any) -> None:
    app = make_app(MAX_CONTENT_LENGTH=10)
    result = call(app, method="POST", path="/data", body=b"x", content_length="9" * 30)
    assert_error_page(result, 413)


@pytest.mark.kolba_only
@pytest.mark.parametrize(
    ("path", "headers", "body"),
    OVERSIZED_BODIES,
)
def test_max_content_length_on_terminated_input_is_413_not_truncation(
    make_app: t.Any, path: str, headers: dict[str, str], body: bytes
) -> None:
    # Flask 3.1 (Werkzeug's LimitedStream(is_max=True).readall) stops at the
    # limit and returns the first MAX_CONTENT_LENGTH bytes as if they were
    # the whole body: the view sees silently truncated data (or a 400 for
    # the cut JSON).  Nothing may be lost: the answer must be 413.
    app = make_app(MAX_CONTENT_LENGTH=10)
    extra = {"wsgi.input_terminated": True}
    result = call(
        app, method="POST", path=path, headers=headers, body=body, content_length=None, extra=extra
    )
    assert_error_page(result, 413)


def test_multipart_over_the_limit_on_terminated_input_is_413(make_app: t.Any) -> None:
    app = make_app(MAX_CONTENT_LENGTH=10)
    body = _part(b"a", b"x" * 100) + b"--XX--\r\n"
    extra = {"wsgi.input_terminated": True}
    result = call(
        app, method="POST", path="/form", headers=MULTIPART, body=body, content_length=None, extra=extra
    )
    assert_error_page(result, 413)


# -- forms and multipart ----------------------------------------------------------------------------


def _part(name: bytes, value: bytes, extra_headers: bytes = b"") -> bytes:
    return (
        b"--XX\r\nContent-Disposition: form-data; name=\"" + name + b"\"\r\n"
        + extra_headers + b"\r\n" + value + b"\r\n"
    )


def _file(name: bytes, filename: bytes, value: bytes) -> bytes:
    return (
        b"--XX\r\nContent-Disposition: form-data; name=\"" + name
        + b"\"; filename=\"" + filename + b"\"\r\n\r\n" + value + b"\r\n"
    )


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", _part(b"name", b"v") + b"--XX--\r\n"),  # no boundary
        ("multipart/form-data; boundary", _part(b"name", b"v") + b"--XX--\r\n"),
        ("multipart/form-data; boundary=\"", b"--\r\n"),
        ("multipart/form-data; boundary=\xff", b"--\xff\r\n--\xff--\r\n"),
        ("multipart/form-data; boundary=" + "b" * 5000, b"--" + b"b" * 5000 + b"--\r\n"),
        ("multipart/form-data; boundary=XX", b"garbage garbage"),
        ("multipart/form-data; boundary=XX", b"--XX\r\n\r\nvalue\r\n--XX--\r\n"),
        ("multipart/form-data; boundary=XX", b"--XX\r\nnocolon\r\n\r\nvalue\r\n--XX--\r\n"),
        ("multipart/form-data; boundary=XX", b"--XX--\r\n"),
        (";;;==\"\\", b"name=v"),
        ("text/plain", b"name=v"),
        # A part header that is not UTF-8 makes Werkzeug drop the whole form.
        ("multipart/form-data; boundary=XX", _part(b"\xff", b"v") + _part(b"name", b"x") + b"--XX--\r\n"),
        ("multipart/form-data; boundary=XX", _part(b"name", b"x") + _file(b"f", b"\xff.txt", b"v") + b"--XX--\r\n"),
    ],
)
def test_unparseable_forms_leave_required_fields_missing_400(
    app: t.Any, content_type: str, body: bytes
) -> None:
    headers = {"Content-Type": content_type}
    assert_error_page(call(app, method="POST", path="/field", headers=headers, body=body), 400)


@pytest.mark.kolba_only
def test_urlencoded_form_with_undecodable_bytes_keeps_every_field(app: t.Any) -> None:
    # Werkzeug (and so Flask) drops the whole form; Kolba keeps the fields and
    # leaves the undecodable byte percent-encoded.
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    body = b"name=x&junk=\xff&city=Krak\xc3\xb3w"
    result = call(app, method="POST", path="/form", headers=headers, body=body)
    assert result.status == 200
    assert json.loads(result.body)["form"] == {
        "name": ["x"], "junk": ["%FF"], "city": ["Kraków"],
    }


def test_multipart_missing_final_boundary_keeps_nothing_half_read(app: t.Any) -> None:
    body = b"--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nvalue"
    assert_error_page(call(app, method="POST", path="/field", headers=MULTIPART, body=body), 400)


def test_multipart_truncated_by_client_is_400(app: t.Any) -> None:
    body = _part(b"name", b"v")[:20]
    result = call(app, method="POST", path="/form", headers=MULTIPART, body=body, content_length="500")
    assert_error_page(result, 400)


@pytest.mark.parametrize(
    ("body", "form"),
    [
        (_part(b"a", b"v") + b"--XX--\r\n", {"a": ["v"]}),
        (b"--XX\nContent-Disposition: form-data; name=\"a\"\n\nv\n--XX--\n", {"a": ["v"]}),
        (b"preamble\r\n" + _part(b"a", b"v") + b"--XX--\r\n", {"a": ["v"]}),
        (_part(b"a", b"v") + b"--XX--\r\nepilogue" + b"x" * 1000, {"a": ["v"]}),
        (_part(b"a", b"\xff\xfe") + b"--XX--\r\n", {"a": ["\ufffd\ufffd"]}),
        (_part(b"a", b"v", b"Content-Type: text/plain; charset=bogus\r\n") + b"--XX--\r\n", {"a": ["v"]}),
    ],
)
def test_lenient_multipart_variants_parse(app: t.Any, body: bytes, form: dict[str, t.Any]) -> None:
    result = call(app, method="POST", path="/form", headers=MULTIPART, body=body)
    assert result.status == 200
    assert result.json() == {"form": form, "files": {}}


def test_multipart_upload_missing_file_is_400(app: t.Any) -> None:
    result = call(app, method="POST", path="/upload", headers=MULTIPART, body=b"--XX--\r\n")
    assert_error_page(result, 400)


def test_multipart_big_file_is_not_limited_by_form_memory(app: t.Any) -> None:
    body = _file(b"f", b"big.bin", b"v" * 600_000) + b"--XX--\r\n"
    result = call(app, method="POST", path="/form", headers=MULTIPART, body=body)
    assert result.status == 200
    assert result.json() == {"form": {}, "files": {"f": 600_000}}


@pytest.mark.parametrize(
    ("config", "body"),
    [
        ({"MAX_FORM_PARTS": 3}, b"".join(_part(b"a%d" % i, b"v") for i in range(5))),
        ({"MAX_FORM_PARTS": 3}, b"".join(_file(b"f%d" % i, b"x", b"v") for i in range(5))),
        ({}, b"".join(_part(b"a%d" % i, b"v") for i in range(1001))),  # default 1000
        ({"MAX_FORM_MEMORY_SIZE": 10}, _part(b"a", b"v" * 100)),
        ({}, _part(b"a", b"v" * 600_000)),  # default 500 000
        ({}, b"--XX\r\nX-Long: " + b"a" * 2_000_000 + b"\r\n\r\nv\r\n"),
        ({}, b"--XX\r\n" + b"X-A: b\r\n" * 100_000 + b"\r\nv\r\n"),
    ],
)
def test_multipart_limits_give_413(make_app: t.Any, config: dict[str, t.Any], body: bytes) -> None:
    app = make_app(**config)
    result = call(app, method="POST", path="/form", headers=MULTIPART, body=body + b"--XX--\r\n")
    assert_error_page(result, 413)


def test_urlencoded_form_is_limited_by_content_length_only(make_app: t.Any) -> None:
    # MAX_FORM_PARTS and MAX_FORM_MEMORY_SIZE are multipart limits.
    app = make_app(MAX_FORM_PARTS=3, MAX_FORM_MEMORY_SIZE=10)
    body = b"&".join(b"a%d=%s" % (i, b"v" * 20) for i in range(10))
    result = call(app, method="POST", path="/form", headers=FORM, body=body)
    assert result.status == 200
    assert len(result.json()["form"]) == 10


def test_form_field_missing_is_400(app: t.Any) -> None:
    result = call(app, method="POST", path="/field", headers=FORM, body=b"other=1")
    assert_error_page(result, 400)


def test_form_with_malformed_escapes_keeps_them(app: t.Any) -> None:
    result = call(app, method="POST", path="/field", headers=FORM, body=b"name=%zz%")
    assert result.status == 200
    assert result.json() == {"name": "%zz%"}


def test_form_names_and_values_with_bad_escapes(app: t.Any) -> None:
    body = b"%ff=1&name=%fe&x=%zz&%=&a%=b"
    result = call(app, method="POST", path="/form", headers=FORM, body=body)
    assert result.status == 200
    assert result.json()["form"] == {
        "%": [""], "%FF": ["1"], "a%": ["b"], "name": ["%FE"], "x": ["%zz"]
    }


# -- JSON ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "headers", "body", "status"),
    [
        ("/json", JSON, b"{nope", 400),
        ("/json", JSON, b"", 400),
        ("/json", JSON, b'"\xff\xfe"', 400),
        ("/json", JSON, b"9" * 5000, 400),  # int() digit limit
        ("/json", JSON, b"[1,]", 400),
        ("/json", JSON, b"{'a': 1}", 400),
        ("/json", JSON, b"\x00", 400),
        ("/json", {"Content-Type": "text/plain"}, b"{}", 415),
        ("/json", {}, b"{}", 415),
        ("/json", {"Content-Type": "application/json\xff"}, b"{}", 415),
        ("/json", {"Content-Type": "application/jsonx"}, b"{}", 415),
        ("/json-object", JSON, b"[1]", 400),
        ("/json-object", JSON, b"null", 400),
        ("/json-force", {}, b"nope", 400),
        ("/json-force", {"Content-Type": "text/plain"}, b"", 400),
    ],
)
def test_bad_json_is_4xx(
    app: t.Any, path: str, headers: dict[str, str], body: bytes, status: int
) -> None:
    result = call(app, method="POST", path=path, headers=headers, body=body)
    assert_error_page(result, status)


@pytest.mark.parametrize(
    ("headers", "body", "kind"),
    [
        (JSON, b"NaN", "float"),
        (JSON, b"1e999", "float"),
        (JSON, b'"\\ud800"', "str"),  # a lone surrogate escape
        (JSON, '{"a": 1}'.encode("utf-16"), "dict"),
        (JSON, b"\xef\xbb\xbf{}", "dict"),
        ({"Content-Type": "application/json; charset=bogus"}, b"{}", "dict"),
        ({"Content-Type": "application/vnd.api+json"}, b"{}", "dict"),
        (JSON, b"[" * 100 + b"]" * 100, "list"),
    ],
)
def test_odd_but_valid_json(app: t.Any, headers: dict[str, str], body: bytes, kind: str) -> None:
    result = call(app, method="POST", path="/json", headers=headers, body=body)
    assert result.status == 200
    assert result.json() == {"type": kind}


def test_silent_json_returns_none_for_garbage(app: t.Any) -> None:
    result = call(app, method="POST", path="/json-silent", headers=JSON, body=b"{nope")
    assert result.status == 200
    assert result.json() == {"payload": None}


DEEP_JSON = [
    b"[" * 100_000,
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 100_000,
    b"[" * 5000 + b"]" * 5000,
]


@pytest.mark.kolba_only
@pytest.mark.parametrize("body", DEEP_JSON, ids=["open", "closed", "objects", "5000"])
def test_deeply_nested_json_is_400(app: t.Any, body: bytes) -> None:
    # Flask 3.1: json.loads raises RecursionError, which is not a ValueError,
    # so get_json lets it escape -> 500.
    result = call(app, method="POST", path="/json", headers=JSON, body=body)
    assert_error_page(result, 400)


@pytest.mark.kolba_only
@pytest.mark.parametrize("body", DEEP_JSON, ids=["open", "closed", "objects", "5000"])
def test_deeply_nested_json_silent_is_none(app: t.Any, body: bytes) -> None:
    result = call(app, method="POST", path="/json-silent", headers=JSON, body=body)
    assert result.status == 200
    assert result.json() == {"payload": None}


# -- cookies and sessions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cookie", "cookies"),
    [
        ("abc; def", {"abc": "", "def": ""}),
        ("a=1; ; =2; b==3", {"a": "1", "b": "=3"}),
        ('a="x\\"y; b="""; c="\\777"', {"c": "777"}),
        ('d="\\101"', {"d": "A"}),
        ("a=%zz", {"a": "%zz"}),
        ("a=\x00", {"a": "\x00"}),
        (";;;", {}),
        ("=", {}),
    ],
)
def test_malformed_cookie_headers(app: t.Any, cookie: str, cookies: dict[str, str]) -> None:
    result = call(app, path="/cookies", headers={"Cookie": cookie})
    assert result.status == 200
    assert result.json() == {"cookies": cookies}


def test_huge_cookie_header(app: t.Any) -> None:
    cookie = "; ".join(f"c{i}={'x' * 100}" for i in range(1000))
    result = call(app, path="/cookies", headers={"Cookie": cookie})
    assert result.status == 200
    assert len(result.json()["cookies"]) == 1000


@pytest.mark.parametrize("cookie", ["\xff=\xfe; a=1", "a=1; b=\xff", "a=1; b=\xc3"])
def test_non_utf8_cookie_bytes_do_not_break_reading_cookies(app: t.Any, cookie: str) -> None:
    result = call(app, path="/cookies", headers={"Cookie": cookie})
    assert result.status == 200
    assert result.json()["cookies"]["a"] == "1"


@pytest.mark.parametrize("cookie", ["a=\xff", "tracker=\xff; session=x", "session=\xff\xfe"])
@pytest.mark.parametrize("path", ["/", "/item/1", "/session/get", "/static/digits.txt"])
def test_non_utf8_cookie_bytes_on_any_route(app: t.Any, cookie: str, path: str) -> None:
    # A cookie another site on the domain set must not take this app down,
    # even on routes that never read cookies (the session machinery does).
    result = call(app, path=path, headers={"Cookie": cookie})
    assert result.status == 200


@pytest.mark.parametrize("secret_key", [None, "k"])
@pytest.mark.parametrize("cookie", ["session=\xff", "x=1; session=\xc3", "a=\xff"])
def test_non_utf8_cookie_on_a_hello_world_app(secret_key: str | None, cookie: str) -> None:
    # No hooks, no session use, maybe no secret key: the leanest app there is.
    import kolba

    bare = kolba.Kolba("bare")
    bare.config.update(TESTING=True, SECRET_KEY=secret_key)

    @bare.route("/")
    def index() -> str:
        return "ok"

    result = call(bare, headers={"Cookie": cookie})
    assert result.status == 200
    assert result.body == b"ok"


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "",
        "!!!.@@@.###",
        ".eJ!!!.x.y",
        "e30.AAAAAA.bad",
        "e30.!!!!.x",
        "." + "A" * 10_000,
        "x" * 5000,
        '"quoted"',
    ],
)
def test_garbage_session_cookie_gives_a_fresh_session(app: t.Any, value: str) -> None:
    result = call(app, path="/session/get", headers={"Cookie": f"session={value}"})
    assert result.status == 200
    assert result.json() == {"value": None, "keys": []}


def _signed(payload: bytes, key: str = SECRET_KEY, compress: bool = False) -> str:
    """A session cookie value signed the way the cookie session signs: itsdangerous' format."""
    signer = TimestampSigner(
        key, salt="cookie-session", key_derivation="hmac", digest_method=hashlib.sha1
    )
    if compress:
        body = b"." + base64.urlsafe_b64encode(zlib.compress(payload)).rstrip(b"=")
    else:
        body = base64.urlsafe_b64encode(payload).rstrip(b"=")
    return signer.sign(body).decode()


def test_valid_session_cookie_round_trip(app: t.Any) -> None:
    result = call(app, path="/session/get", headers={"Cookie": "session=" + _signed(b'{"value":"v"}')})
    assert result.status == 200
    assert result.json() == {"value": "v", "keys": ["value"]}


def _session_cookie_from(result: Result) -> str:
    header = result.headers["Set-Cookie"]
    assert header.startswith("session=")
    return header.split(";", 1)[0][len("session=") :]


def test_tampered_session_cookie_gives_a_fresh_session(app: t.Any) -> None:
    cookie = _session_cookie_from(call(app, path="/session/set/admin"))
    payload, _, signature = cookie.rpartition(".")
    # The first character carries six signature bits; the last carries padding bits
    # too, so changing only it can decode to the same signature.
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    forged = _signed(b'{"value":"root"}', key="attacker key")
    for value in (f"{payload}.{flipped}", forged, cookie[1:], cookie + "x"):
        result = call(app, path="/session/get", headers={"Cookie": f"session={value}"})
        assert result.status == 200
        assert result.json() == {"value": None, "keys": []}


def test_expired_session_cookie_gives_a_fresh_session(make_app: t.Any) -> None:
    app = make_app(PERMANENT_SESSION_LIFETIME=1)
    signer = TimestampSigner(
        SECRET_KEY, salt="cookie-session", key_derivation="hmac", digest_method=hashlib.sha1
    )
    old = int(time.time()) - 3600
    body = base64.urlsafe_b64encode(b'{"value":"v"}').rstrip(b"=")
    timestamp = base64.urlsafe_b64encode(old.to_bytes(4, "big")).rstrip(b"=")
    value = signer.get_signature(body + b"." + timestamp)
    cookie = (body + b"." + timestamp + b"." + value).decode()
    result = call(app, path="/session/get", headers={"Cookie": f"session={cookie}"})
    assert result.status == 200
    assert result.json() == {"value": None, "keys": []}


def test_garbage_session_cookie_is_replaced_when_writing(app: t.Any) -> None:
    result = call(app, path="/session/set/v", headers={"Cookie": "session=garbage"})
    assert result.status == 200
    cookie = _session_cookie_from(result)
    again = call(app, path="/session/get", headers={"Cookie": f"session={cookie}"})
    assert again.json() == {"value": "v", "keys": ["value"]}


def test_signed_session_with_tags_flask_tolerates(app: t.Any) -> None:
    payloads = (
        b'{" zz": 1}', b'{" t": [1], "x": 1}', b"null", b"{}", b'{" b": "!!!"}', b'{" d": "garbage"}'
    )
    for payload in payloads:
        result = call(app, path="/session/get", headers={"Cookie": "session=" + _signed(payload)})
        assert result.status == 200


# These need a correctly signed cookie, i.e. a leaked key or another part of
# the system signing with the same key and salt: defence in depth.
@pytest.mark.kolba_only
@pytest.mark.parametrize(
    ("payload", "compress"),
    [
        (b"[1,2]", False),
        (b'"abc"', False),
        (b"5", False),
        (b'{" m": "x"}', False),  # a Markup tag: the session becomes a str
        (b"[1]", True),
    ],
)
def test_signed_session_that_is_not_an_object_gives_a_fresh_session(
    app: t.Any, payload: bytes, compress: bool
) -> None:
    # Flask 3.1: session_class(data) with a list/str/int -> TypeError -> 500.
    cookie = _signed(payload, compress=compress)
    result = call(app, path="/session/get", headers={"Cookie": f"session={cookie}"})
    assert result.status == 200
    assert result.json() == {"value": None, "keys": []}


@pytest.mark.kolba_only
@pytest.mark.parametrize(
    "payload",
    [
        b"\xff\xfe",
        b'{" u": "zz"}',
        b'{" t": 5}',
        b'{" di": 5}',
        b'{"a": ' + b"9" * 5000 + b"}",
        b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
)
def test_signed_session_that_does_not_decode_gives_a_fresh_session(
    app: t.Any, payload: bytes
) -> None:
    # Flask 3.1 catches only BadSignature; itsdangerous' BadPayload -> 500.
    result = call(app, path="/session/get", headers={"Cookie": "session=" + _signed(payload)})
    assert result.status == 200
    assert result.json() == {"value": None, "keys": []}


@pytest.mark.kolba_only
def test_signed_session_with_bad_compression_gives_a_fresh_session(app: t.Any) -> None:
    signer = TimestampSigner(
        SECRET_KEY, salt="cookie-session", key_derivation="hmac", digest_method=hashlib.sha1
    )
    cookie = signer.sign(b".AAAA").decode()
    result = call(app, path="/session/get", headers={"Cookie": f"session={cookie}"})
    assert result.status == 200
    assert result.json() == {"value": None, "keys": []}


# -- hosts --------------------------------------------------------------------------------------------

TRUSTED = {"TRUSTED_HOSTS": ["localhost", ".example.com"]}


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("localhost", 200),
        ("localhost:8080", 200),
        ("api.example.com", 200),
        ("example.com", 200),
        ("LOCALHOST", 400),
        ("evil.com", 400),
        ("example.com.evil.com", 400),
        ("[::1]", 400),
        ("[::1", 400),
        ("[::1]]", 400),
        ("localhost:99999999", 400),
        ("localhost:abc", 400),
        ("localhost:", 400),
        (":80", 400),
        ("", 400),
        ("a..b", 400),
        ("\xc3\xa9.com", 400),
        ("\xff", 400),
        ("localhost\x00", 400),
        ("localhost/evil", 400),
        ("user@localhost", 400),
        ("localhost evil", 400),
        ("localhost.", 400),
    ],
)
@pytest.mark.parametrize("path", ["/", "/url", "/folder", "/nope", "/static/digits.txt"])
def test_trusted_hosts(make_app: t.Any, host: str, status: int, path: str) -> None:
    app = make_app(**TRUSTED)
    result = call(app, path=path, headers={"Host": host})
    if status == 400:
        assert_error_page(result, 400)
    else:
        assert result.status in {200, 308, 404}


def test_trusted_hosts_without_host_header_uses_server_name(make_app: t.Any) -> None:
    app = make_app(**TRUSTED)
    assert call(app, extra={"HTTP_HOST": None}).status == 200
    bad = call(app, extra={"HTTP_HOST": None, "SERVER_NAME": "evil.com"})
    assert_error_page(bad, 400)


@pytest.mark.parametrize(
    ("host", "seen"),
    [
        ("[::1]:8080", "[::1]:8080"),
        ("LocalHost", "LocalHost"),
        ("[::1", ""),
        ("localhost:99999999", ""),
        ("localhost:abc", ""),
        ("", ""),
        ("\xc3\xa9.com", ""),
        ("evil.com/foo", ""),
        ("user@evil.com", ""),
        ("a b", ""),
    ],
)
def test_odd_hosts_without_trusted_hosts(app: t.Any, host: str, seen: str) -> None:
    result = call(app, path="/url", headers={"Host": host})
    assert result.status == 200
    assert result.json()["host"] == seen


@pytest.mark.parametrize("host", ["evil.com/foo", "user@evil.com", "a b", "[::1]:99999"])
def test_redirect_never_points_at_a_host_injected_through_host(app: t.Any, host: str) -> None:
    result = call(app, path="/folder", headers={"Host": host})
    assert result.status == 308
    assert result.headers["Location"] == "http:///folder/"


@pytest.mark.parametrize("host", ["a..b", "a" * 100 + ".com"])
@pytest.mark.parametrize("path", ["/", "/url", ""])
def test_host_that_is_not_a_valid_idna_name_is_400(app: t.Any, host: str, path: str) -> None:
    # Flask binds the URL adapter to the host on every request and the IDNA
    # encoding refuses empty or over-long labels with BadHost (400).
    assert_error_page(call(app, path=path, headers={"Host": host}), 400)


def test_server_port_junk(app: t.Any) -> None:
    result = call(app, path="/url", extra={"SERVER_PORT": "junk", "HTTP_HOST": None})
    assert result.status == 200
    assert result.json()["host"] == ""


@pytest.mark.kolba_only
@pytest.mark.parametrize("host", ["xn--.com", "xn--a.com", "a.xn--zz-.com"])
@pytest.mark.parametrize("path", ["/", "/url", ""])
def test_host_with_undecodable_punycode_is_400(app: t.Any, host: str, path: str) -> None:
    # Flask 3.1: the host passes Werkzeug's checks and IDNA *encoding*, then
    # request.url decodes it (uri_to_iri) -> UnicodeError -> 500 on /url
    # (200 on "/", 308 to http://xn--.com/ on "").  Kolba rejects the host
    # up front, like Flask already does for hosts IDNA cannot encode.
    assert_error_page(call(app, path=path, headers={"Host": host}), 400)


# -- static files, downloads, conditional and range requests ------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "body"),
    [
        ({"If-Modified-Since": "garbage"}, 200, b"0123456789"),
        ({"If-Modified-Since": "Mon, 01 Jan 99999 00:00:00 GMT"}, 200, b"0123456789"),
        ({"If-Modified-Since": "Mon, 01 Jan 0000 00:00:00 GMT"}, 200, b"0123456789"),
        ({"If-Modified-Since": "\xff"}, 200, b"0123456789"),
        ({"If-Unmodified-Since": "garbage"}, 200, b"0123456789"),
        ({"If-None-Match": '"unclosed'}, 200, b"0123456789"),
        ({"If-None-Match": "W/"}, 200, b"0123456789"),
        ({"If-None-Match": ","}, 200, b"0123456789"),
        ({"If-None-Match": "*"}, 304, b""),
        ({"Range": "bytes=2-4"}, 206, b"234"),
        ({"Range": "bytes=-3"}, 206, b"789"),
        ({"Range": "bytes=7-"}, 206, b"789"),
        ({"Range": "bytes=0-999"}, 206, b"0123456789"),
        ({"Range": "bytes=0-1", "If-Range": "garbage"}, 200, b"0123456789"),
        ({"Range": "bytes=0-1", "If-Range": "Mon, 99 Foo"}, 200, b"0123456789"),
    ],
)
def test_static_conditional_and_range_headers(
    app: t.Any, headers: dict[str, str], status: int, body: bytes
) -> None:
    result = call(app, path="/static/digits.txt", headers=headers)
    assert result.status == status
    assert result.body == body


@pytest.mark.parametrize(
    "range_header",
    [
        "bytes=5-1",
        "bytes=abc",
        "bytes=",
        "bytes=-",
        "bytes=--1",
        "bytes=100-200",
        "bytes=-0",
        "bytes=0-1,3-4",
        "bytes=" + ",".join(f"{i}-{i}" for i in range(1000)),
        "bytes=0-" + "9" * 5000,
        "items=0-1",
        "\xff",
    ],
)
def test_static_unsatisfiable_range_is_416(app: t.Any, range_header: str) -> None:
    result = call(app, path="/static/digits.txt", headers={"Range": range_header})
    assert_error_page(result, 416)
    assert result.headers["Content-Range"] == "bytes */10"


def test_static_etag_round_trip_gives_304(app: t.Any) -> None:
    etag = call(app, path="/static/digits.txt").headers["ETag"]
    for header in (etag, f"W/{etag}", f'"x", {etag}', f"{etag}, garbage\xff"):
        result = call(app, path="/static/digits.txt", headers={"If-None-Match": header})
        assert result.status == 304
        assert result.body == b""


def test_static_head_and_options(app: t.Any) -> None:
    head = call(app, method="HEAD", path="/static/digits.txt")
    assert head.status == 200
    assert head.body == b""
    assert head.headers["Content-Length"] == "10"
    options = call(app, method="OPTIONS", path="/static/digits.txt")
    assert options.status == 200
    assert set(options.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert_error_page(call(app, method="POST", path="/static/digits.txt"), 405)


TRAVERSALS = [
    "../secret.txt",
    "..%2fsecret.txt",
    "..\\secret.txt",
    "sub/../../secret.txt",
    "%2e%2e/secret.txt",
    "./../secret.txt",
    "digits.txt\x00",
    "digits.txt\x00.png",
    "\x00",
    "sub",
    "sub/",
    ".",
    "/etc/passwd",
    "a" * 5000,
    "a/" * 3000 + "b",
    "\xff",
    "digits.txt/x",
]


@pytest.mark.parametrize("name", TRAVERSALS)
@pytest.mark.parametrize("prefix", ["/static/", "/download/"])
def test_file_serving_refuses_escapes_and_oddities(app: t.Any, prefix: str, name: str) -> None:
    result = call(app, path=prefix + name)
    assert result.status in {308, 404}
    assert SECRET_TEXT not in result.body
    if result.status == 308:
        follow = call(app, path=result.headers["Location"].replace("http://localhost", "", 1))
        assert_error_page(follow, 404)
    else:
        assert_error_page(result, 404)


@pytest.mark.parametrize(
    "url", ["/static/%2e%2e/secret.txt", "/download/%2e%2e%2fsecret.txt", "/download/..%5csecret.txt"]
)
def test_file_serving_escapes_through_test_client(app: t.Any, url: str) -> None:
    response = app.test_client().get(url)
    assert response.status_code == 404
    assert SECRET_TEXT not in response.data


def test_download_serves_its_own_files(app: t.Any) -> None:
    result = call(app, path="/download/report.txt")
    assert result.status == 200
    assert result.body == b"report contents\n"


# -- other request headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authorization", "auth"),
    [
        ("Basic !!!", None),
        ("Basic", "basic"),
        ("Basic YWJj", "basic"),  # no colon
        ("Basic Og==", "basic"),  # empty user and password
        ("Basic " + base64.b64encode(b"\xff:\xfe").decode(), None),  # not UTF-8
        ("Basic YWJjOmRlZg== extra", None),
        ("Bearer", "bearer"),
        ("Bearer  tok en", "bearer"),
        ("Digest a=\"b", "digest"),
        ("Digest", "digest"),
        ("Negotiate !!!", "negotiate"),
        ("", None),
    ],
)
def test_malformed_authorization_headers(app: t.Any, authorization: str, auth: str | None) -> None:
    result = call(app, path="/headers", headers={"Authorization": authorization})
    assert result.status == 200
    assert result.json()["auth"] == auth


@pytest.mark.kolba_only
@pytest.mark.parametrize("authorization", ["Basic \xff\xfe", "Basic \xc3\xa9\xc3\xa9"])
def test_authorization_with_non_ascii_basic_credentials_is_none(
    app: t.Any, authorization: str
) -> None:
    # Flask 3.1: base64.b64decode(str with non-ASCII) raises ValueError, which
    # Authorization.from_header does not catch -> 500.
    result = call(app, path="/headers", headers={"Authorization": authorization})
    assert result.status == 200
    assert result.json()["auth"] is None


GARBAGE_HEADERS: dict[str, str] = {
    "Accept": "text/html;q=abc, */*;q=nan, a;q=1e999, ;q=-1, b;q=",
    "Accept-Language": "en;q=xx, ,,;, \xff",
    "Accept-Charset": ";q=",
    "Accept-Encoding": "gzip;q=2, br;q=-0",
    "If-Modified-Since": "Mon, 99 Foo 2020",
    "If-Unmodified-Since": "\xff",
    "Date": "0",
    "If-None-Match": 'W/"a, "b',
    "If-Match": '"',
    "If-Range": "W/",
    "Range": "bytes=-",
    "Cache-Control": 'max-age=abc, =, no-cache="',
    "Pragma": ",,=",
    "Content-Type": 'text/plain; charset="unterminated',
    "X-Forwarded-For": ",,,\xff",
    "Max-Forwards": "abc",
    "Origin": "\x00",
    "Referer": "\xff",
    "User-Agent": "\xff\x00",
    "Content-MD5": "\xff",
}


@pytest.mark.kolba_only
@pytest.mark.parametrize("value", ['\x00"', 'x"', '"a"b"', 'W/"a"b"'])
def test_entity_tag_with_a_quote_inside_is_ignored(app: t.Any, value: str) -> None:
    """Werkzeug keeps the tag and then cannot write it back (a 500 once echoed)."""
    result = call(app, path="/headers", headers={"If-Range": value})
    assert result.status == 200
    assert result.json()["if_range"] == ""


def test_garbage_in_every_parsed_header(app: t.Any) -> None:
    result = call(app, path="/headers", headers=GARBAGE_HEADERS, content_length="9" * 5000)
    assert result.status == 200
    info = result.json()
    assert info["auth"] is None
    assert info["range"] is None
    assert info["ims"] == "None"
    assert info["content_length"] == 0


@pytest.mark.parametrize(("name", "value"), sorted(GARBAGE_HEADERS.items()))
def test_garbage_header_one_at_a_time(app: t.Any, name: str, value: str) -> None:
    assert call(app, path="/headers", headers={name: value}).status == 200


def test_accept_garbage_q_values_pick_nothing_wrongly(app: t.Any) -> None:
    result = call(app, path="/headers", headers={"Accept": "text/html;q=abc, */*;q=nan"})
    assert result.status == 200
    assert result.json()["json_ok"] is False


# -- production mode: the error pages leak nothing ----------------------------------------------------


PRODUCTION_CASES: list[tuple[dict[str, t.Any], int]] = [
    ({"path": "/arg"}, 400),
    ({"method": "POST", "path": "/json", "headers": JSON, "body": b"{nope"}, 400),
    ({"method": "POST", "path": "/json", "headers": {}, "body": b"{}"}, 415),
    ({"method": "POST", "path": "/field", "headers": FORM, "body": b"x=1"}, 400),
    ({"method": "POST", "path": "/data", "body": b"ab", "content_length": "10"}, 400),
    ({"path": "/", "headers": {"Cookie": "a=\xff"}}, 200),
    ({"path": "/item/" + "9" * 5000}, 404),
]


@pytest.mark.parametrize(("request_kwargs", "status"), PRODUCTION_CASES)
def test_production_error_pages_have_no_traceback(
    make_app: t.Any, request_kwargs: dict[str, t.Any], status: int
) -> None:
    app = make_app(TESTING=False, DEBUG=False, PROPAGATE_EXCEPTIONS=False)
    app.logger.disabled = True
    result = call(app, **request_kwargs)
    assert result.status == status
    assert b"Traceback" not in result.body
    assert b"safety_apps" not in result.body


# -- property tests: random bytes never give a 5xx ------------------------------------------------------

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

_latin1 = st.binary(max_size=60).map(lambda b: b.decode("latin1"))
# What can reach a request target: visible ASCII (no spaces or controls).
_ascii_printable = st.text(alphabet=[chr(c) for c in range(0x21, 0x7F)], max_size=60)
_path_prefix = st.sampled_from(
    ["/", "/name/", "/item/", "/price/", "/thing/", "/wiki/", "/static/", "/download/",
     "/session/set/", "/code/", "/kind/", "/folder", "/args", "/"]
)
_method = st.sampled_from(["GET", "HEAD", "OPTIONS", "POST", "get", "options", "FOO"])


@PROPERTY_SETTINGS
@given(prefix=_path_prefix, tail=_latin1, method=_method)
def test_random_path_bytes_never_5xx(prefix: str, tail: str, method: str) -> None:
    result = call(shared_app(), method=method, path=prefix + tail)
    assert result.status < 500
    assert SECRET_TEXT not in result.body


@PROPERTY_SETTINGS
@given(path=st.sampled_from(["/args", "/arg", "/url", "/folder"]), query=_ascii_printable)
def test_random_ascii_query_never_5xx(path: str, query: str) -> None:
    assert call(shared_app(), path=path, query=query).status < 500


@pytest.mark.kolba_only
@PROPERTY_SETTINGS
@given(path=st.sampled_from(["/args", "/arg", "/url", "/folder"]), query=_latin1)
def test_random_query_bytes_never_5xx(path: str, query: str) -> None:
    assert call(shared_app(), path=path, query=query).status < 500


_HEADER_NAMES = [
    "Accept", "Accept-Language", "Accept-Encoding", "Accept-Charset", "Cookie", "Host",
    "If-Modified-Since", "If-None-Match", "If-Match", "If-Range", "Range", "Cache-Control",
    "Content-Type", "X-Forwarded-For", "User-Agent", "Date", "Origin", "Max-Forwards",
]


@PROPERTY_SETTINGS
@given(
    path=st.sampled_from(["/headers", "/cookies", "/session/get", "/static/digits.txt", "/", "/url"]),
    values=st.dictionaries(st.sampled_from(_HEADER_NAMES), _latin1, max_size=4),
)
def test_random_header_bytes_never_5xx(path: str, values: dict[str, str]) -> None:
    if AGAINST_FLASK:
        # Werkzeug keeps an entity tag with a quote inside and cannot write
        # it back, a 500 that Kolba mends (test_entity_tag_with_a_quote_inside_is_ignored).
        assume('"' not in values.get("If-Range", ""))
    assert call(shared_app(), path=path, headers=values).status < 500


@pytest.mark.kolba_only
@PROPERTY_SETTINGS
@given(scheme=st.sampled_from(["Basic ", "Bearer ", "Digest ", ""]), value=_latin1)
def test_random_authorization_never_5xx(scheme: str, value: str) -> None:
    result = call(shared_app(), path="/headers", headers={"Authorization": scheme + value})
    assert result.status == 200


@PROPERTY_SETTINGS
@given(
    path=st.sampled_from(["/form", "/json-silent", "/data", "/field", "/upload"]),
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "multipart/form-data; boundary=XX",
         "application/json", "text/plain", "multipart/form-data"]
    ),
    body=st.binary(max_size=300),
)
def test_random_bodies_never_5xx(path: str, content_type: str, body: bytes) -> None:
    result = call(
        shared_app(), method="POST", path=path, headers={"Content-Type": content_type}, body=body
    )
    assert result.status < 500
