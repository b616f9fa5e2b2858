"""Request bodies from hostile clients and odd servers, in process.

Three promises, each checked for every way a view reads a body (``get_data``,
``stream``, ``form``, ``files``, ``get_json``):

* a declared ``Content-Length`` over ``MAX_CONTENT_LENGTH`` is a 413 before a
  single byte is read, whether or not the server marks its input as
  terminated (``wsgi.input_terminated``, as gunicorn and granian do);
* an error raised by the server's input stream while the body is read is a
  400 with a short message, never a 500;
* a body shorter than its declared length (the client half-closed) is a 400,
  never parsed as if it were complete.

The inputs below stand in for a server's ``wsgi.input``; the same cases run
against real gunicorn and granian workers in ``test_real_servers``.
"""

from __future__ import annotations

import io
import typing as t

import pytest

import kolba

from tests.safety_apps import build_app
from tests.test_safety import FORM, JSON, MULTIPART, _file, _part, assert_error_page, call


class Blocked(BaseException):
    """A read that would wait forever for bytes the client never sends.

    A ``BaseException``, so no ``except Exception`` in the framework can turn
    the hang it stands for into an ordinary error page.
    """


class BlockingInput:
    """``wsgi.input`` of a client that sent its headers but not its body."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        raise Blocked("read a body the client has not sent")

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


class ServerInputError(Exception):
    """What a server raises for a body it cannot decode (gunicorn: InvalidChunkSize)."""


class BrokenInput:
    """``wsgi.input`` that yields ``good`` bytes, then fails as a server's reader does."""

    def __init__(self, good: bytes = b"", error: Exception | None = None) -> None:
        self._good = io.BytesIO(good)
        self._error = error or ServerInputError("Invalid chunk size: 'zz'")

    def read(self, size: int = -1) -> bytes:
        chunk = self._good.read(size)
        if chunk:
            return chunk
        raise self._error

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size is not None and size >= 0 else 65536)


class HalfClosedInput:
    """``wsgi.input`` of a client that sent part of its body and shut its side."""

    def __init__(self, data: bytes, step: int | None = None) -> None:
        self._data = io.BytesIO(data)
        self._step = step

    def read(self, size: int = -1) -> bytes:
        if self._step is not None:
            size = self._step if size is None or size < 0 else min(size, self._step)
        return self._data.read(size)

    def readline(self, size: int = -1) -> bytes:
        return self._data.readline(size)


TERMINATED = {"wsgi.input_terminated": True}

#: Every way the fixture app reads a body: (path, request headers, a body).
READERS = [
    ("/data", {}, b"a=1&b=2"),
    ("/stream", {}, b"a=1&b=2"),
    ("/form", FORM, b"a=1&b=2"),
    ("/form", MULTIPART, _part(b"a", b"1") + b"--XX--\r\n"),
    ("/upload", MULTIPART, _file(b"file", b"f.txt", b"hello") + b"--XX--\r\n"),
    ("/json", JSON, b'{"a": [1, 2]}'),
    ("/json-silent", JSON, b'{"a": [1, 2]}'),
]
READER_IDS = [f"{path}-{headers.get('Content-Type', 'none').split(';')[0]}" for path, headers, _ in READERS]


def _extra(wsgi_input: t.Any, terminated: bool) -> dict[str, t.Any]:
    extra: dict[str, t.Any] = {"wsgi.input": wsgi_input}
    if terminated:
        extra.update(TERMINATED)
    return extra


# -- a declared length over the limit: 413 before any read ------------------------------


@pytest.mark.parametrize("terminated", [False, True], ids=["plain", "terminated"])
@pytest.mark.parametrize(("path", "headers", "body"), READERS, ids=READER_IDS)
def test_declared_length_over_the_limit_is_413_before_any_read(
    path: str, headers: dict[str, str], body: bytes, terminated: bool
) -> None:
    app = build_app(MAX_CONTENT_LENGTH=100)
    stream = BlockingInput()
    result = call(
        app, method="POST", path=path, headers=headers, content_length="5000",
        extra=_extra(stream, terminated),
    )
    assert_error_page(result, 413)
    assert stream.reads == 0


@pytest.mark.parametrize("terminated", [False, True], ids=["plain", "terminated"])
def test_declared_length_over_the_limit_with_the_stream_touched_first(terminated: bool) -> None:
    app = build_app(MAX_CONTENT_LENGTH=100)

    @app.route("/touch-then-form", methods=["POST"])
    def touch_then_form() -> dict[str, t.Any]:
        from kolba import request

        request.stream  # noqa: B018 - the check happens when the stream is made
        return {"form": request.form.to_dict()}

    stream = BlockingInput()
    result = call(
        app, method="POST", path="/touch-then-form", headers=FORM, content_length="5000",
        extra=_extra(stream, terminated),
    )
    assert_error_page(result, 413)
    assert stream.reads == 0


def test_a_body_within_the_limit_is_read_after_touching_the_stream() -> None:
    # The stream made first, then the form parsed from it: an in-limit body
    # is parsed, whether the input is terminated or not.
    app = build_app(MAX_CONTENT_LENGTH=100)

    @app.route("/touch-then-form", methods=["POST"])
    def touch_then_form() -> dict[str, t.Any]:
        from kolba import request

        request.stream  # noqa: B018
        return {"form": request.form.to_dict()}

    for terminated in (False, True):
        result = call(
            app, method="POST", path="/touch-then-form", headers=FORM, body=b"a=1&b=2",
            extra=TERMINATED if terminated else None,
        )
        assert result.status == 200, terminated
        assert result.json() == {"form": {"a": "1", "b": "2"}}


def _at_the_limit_cases() -> list[t.Any]:
    cases = []
    for (path, headers, body), name in zip(READERS, READER_IDS):
        for terminated in (False, True):
            # Flask 3.1 answers 413 to a terminated multipart body exactly at
            # the limit (its parser reads past the end to look for more).
            marks = [pytest.mark.kolba_only] if terminated and headers is MULTIPART else []
            case_id = f"{name}-{'terminated' if terminated else 'plain'}"
            cases.append(pytest.param(path, headers, body, terminated, marks=marks, id=case_id))
    return cases


@pytest.mark.parametrize(("path", "headers", "body", "terminated"), _at_the_limit_cases())
def test_a_body_exactly_at_the_limit_is_read(
    path: str, headers: dict[str, str], body: bytes, terminated: bool
) -> None:
    app = build_app(MAX_CONTENT_LENGTH=len(body))
    extra = TERMINATED if terminated else None
    result = call(app, method="POST", path=path, headers=headers, body=body, extra=extra)
    assert result.status == 200, result.body[:300]


def test_the_view_that_never_reads_the_body_is_not_refused() -> None:
    # As in Flask, the limit is checked when the body is read, not before.
    app = build_app(MAX_CONTENT_LENGTH=100)
    stream = BlockingInput()
    result = call(app, path="/", method="GET", content_length="5000", extra=_extra(stream, True))
    assert result.status == 200
    assert stream.reads == 0


# -- errors raised by the server's input: 400 -------------------------------------------


@pytest.mark.kolba_only
@pytest.mark.parametrize("declared", [None, "200"], ids=["chunked", "sized"])
@pytest.mark.parametrize(("path", "headers", "body"), READERS, ids=READER_IDS)
def test_an_error_from_the_server_input_is_400(
    path: str, headers: dict[str, str], body: bytes, declared: str | None
) -> None:
    # Flask 3.1 lets the server's exception escape (a 500, or under
    # gunicorn its own error page).
    stream = BrokenInput(body[:5])
    extra = _extra(stream, terminated=True)
    if declared is None:
        extra["HTTP_TRANSFER_ENCODING"] = "chunked"
    result = call(build_app(), method="POST", path=path, headers=headers, content_length=declared, extra=extra)
    assert_error_page(result, 400)
    assert b"could not be read" in result.body


@pytest.mark.kolba_only
@pytest.mark.parametrize("error", [OSError("connection reset"), ValueError("bad chunk"), TimeoutError()])
@pytest.mark.parametrize("terminated", [False, True], ids=["plain", "terminated"])
def test_any_error_while_reading_is_400(error: Exception, terminated: bool) -> None:
    result = call(
        build_app(), method="POST", path="/data", content_length="20",
        extra=_extra(BrokenInput(b"abc", error), terminated),
    )
    assert_error_page(result, 400)


@pytest.mark.kolba_only
def test_the_read_error_keeps_its_cause() -> None:
    from werkzeug.exceptions import BadRequest

    from kolba.wrappers import Request

    environ = build_app().test_request_context().request.environ
    environ.update(CONTENT_LENGTH="9", REQUEST_METHOD="POST")
    environ["wsgi.input"] = BrokenInput()
    with pytest.raises(BadRequest) as caught:
        Request(environ).get_data()
    assert isinstance(caught.value.__cause__, ServerInputError)


# -- bodies cut short: 400, never parsed as complete ------------------------------------


@pytest.mark.kolba_only
@pytest.mark.parametrize(("path", "headers", "body"), READERS, ids=READER_IDS)
def test_a_terminated_body_shorter_than_declared_is_400(
    path: str, headers: dict[str, str], body: bytes
) -> None:
    # Flask 3.1 reads a terminated input to its end and parses what came
    # (``a=1`` of a declared 100 bytes gives the form {"a": "1"}).
    result = call(
        build_app(), method="POST", path=path, headers=headers, content_length=str(len(body) + 50),
        extra=_extra(HalfClosedInput(body), terminated=True),
    )
    assert_error_page(result, 400)


@pytest.mark.parametrize(("path", "headers", "body"), READERS, ids=READER_IDS)
def test_a_plain_body_shorter_than_declared_is_400(
    path: str, headers: dict[str, str], body: bytes
) -> None:
    result = call(
        build_app(), method="POST", path=path, headers=headers, content_length=str(len(body) + 50),
        extra=_extra(HalfClosedInput(body), terminated=False),
    )
    assert_error_page(result, 400)


@pytest.mark.parametrize(
    "terminated",
    [False, pytest.param(True, marks=pytest.mark.kolba_only)],
    ids=["plain", "terminated"],
)
@pytest.mark.parametrize(("path", "headers", "body"), READERS, ids=READER_IDS)
def test_a_body_arriving_in_small_pieces_is_read_whole(
    path: str, headers: dict[str, str], body: bytes, terminated: bool
) -> None:
    # A server may hand over fewer bytes than asked for; only an empty read
    # means the client stopped sending.  (Flask 3.1 takes the first piece of
    # a terminated input as the whole body.)
    result = call(
        build_app(), method="POST", path=path, headers=headers, body=body,
        extra=_extra(HalfClosedInput(body, step=3), terminated),
    )
    assert result.status == 200, result.body[:300]


@pytest.mark.kolba_only
def test_a_terminated_body_is_not_read_past_its_declared_length() -> None:
    stream = HalfClosedInput(b"abcdef")
    result = call(
        build_app(), method="POST", path="/stream", content_length="3",
        extra=_extra(stream, terminated=True),
    )
    assert result.json() == {"size": 3}


@pytest.mark.kolba_only
def test_a_terminated_body_of_unknown_length_is_read_whole() -> None:
    # Flask 3.1 makes one read() of the server's input and takes what it
    # gets as the whole body.
    body = b"x" * 200_000
    extra = _extra(HalfClosedInput(body, step=7000), terminated=True)
    extra["HTTP_TRANSFER_ENCODING"] = "chunked"
    result = call(build_app(), method="POST", path="/stream", content_length=None, extra=extra)
    assert result.json() == {"size": len(body)}


@pytest.mark.kolba_only
@pytest.mark.parametrize(("path", "headers", "body"), READERS, ids=READER_IDS)
def test_a_terminated_body_one_byte_over_the_limit_is_413(
    path: str, headers: dict[str, str], body: bytes
) -> None:
    # No declared length (chunked): the limit is found by reading, and one
    # byte too many is enough.  Flask 3.1 cuts the body at the limit instead.
    extra = _extra(HalfClosedInput(body), terminated=True)
    extra["HTTP_TRANSFER_ENCODING"] = "chunked"
    result = call(
        build_app(MAX_CONTENT_LENGTH=len(body) - 1), method="POST", path=path, headers=headers,
        content_length=None, extra=extra,
    )
    assert_error_page(result, 413)


@pytest.mark.kolba_only
@pytest.mark.parametrize("terminated", [False, True], ids=["plain", "terminated"])
def test_the_stream_works_as_a_raw_file(terminated: bool) -> None:
    # Code that wraps request.stream (io.BufferedReader, readinto) gets the body.
    from kolba.wrappers import Request

    environ = build_app().test_request_context().request.environ
    environ.update(REQUEST_METHOD="POST", CONTENT_LENGTH="11")
    environ["wsgi.input"] = HalfClosedInput(b"hello world", step=4)
    if terminated:
        environ.update(TERMINATED)
    stream = Request(environ).stream
    buffer = bytearray(5)
    assert stream.readinto(buffer) == 4 and bytes(buffer) == b"hell\0"
    assert io.BufferedReader(stream).read() == b"o world"  # type: ignore[arg-type]
    assert stream.read(5) == b""


# -- the stream, made or assigned ------------------------------------------------


@pytest.mark.parametrize("read", ["form", "get_data", "get_json"])
def test_an_assigned_stream_is_the_body_read(read: str) -> None:
    app = kolba.Kolba(__name__)
    sent, assigned = b'{"a": 1}', b'{"b": 2}'
    kind = "application/json" if read == "get_json" else "application/x-www-form-urlencoded"
    with app.test_request_context("/", method="POST", data=sent, content_type=kind):
        kolba.request.stream = io.BytesIO(assigned)
        if read == "form":
            assert list(kolba.request.form) == ['{"b": 2}']
        elif read == "get_data":
            assert kolba.request.get_data() == assigned
        else:
            assert kolba.request.get_json() == {"b": 2}


def test_the_stream_is_made_once_and_again_after_deletion() -> None:
    app = kolba.Kolba(__name__)
    with app.test_request_context("/", method="POST", data=b"abcdef"):
        first = kolba.request.stream
        assert kolba.request.stream is first
        assert first.read(2) == b"ab"
        del kolba.request.stream
        assert kolba.request.stream is not first


@pytest.mark.parametrize("read", ["form", "get_data"])
def test_a_body_read_in_one_piece_leaves_the_stream_at_its_end(read: str) -> None:
    app = kolba.Kolba(__name__)
    with app.test_request_context("/", method="POST", data={"a": "1"}):
        if read == "form":
            assert kolba.request.form["a"] == "1"
        else:
            assert kolba.request.get_data() == b"a=1"
        assert kolba.request.stream.read() == b""
        assert kolba.request.get_data() == (b"" if read == "form" else b"a=1")
