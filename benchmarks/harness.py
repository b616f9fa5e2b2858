"""Calling a WSGI app in-process: fresh environs, captured replies, timed batches."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from itertools import repeat
from time import process_time
from typing import Any

Environ = dict[str, Any]
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def base_environ(
    method: str,
    path: str,
    query: str = "",
    headers: dict[str, str] | None = None,
    content_type: str = "",
    body: bytes = b"",
) -> Environ:
    """Build the environ a WSGI server would pass for one plain HTTP/1.1 request.

    ``wsgi.input`` is left out: every request gets its own stream, see
    ``fresh_environ``.
    """
    environ: Environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "HTTP_HOST": "localhost",
        "HTTP_USER_AGENT": "kolba-bench/1.0",
        "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if body or method in ("POST", "PUT", "PATCH"):
        environ["CONTENT_LENGTH"] = str(len(body))
    if content_type:
        environ["CONTENT_TYPE"] = content_type
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def fresh_environ(template: Environ, body: bytes) -> Environ:
    """Copy the template and give it an unread input stream, as a server would."""
    environ = template.copy()
    environ["wsgi.input"] = BytesIO(body)
    return environ


def _discard(data: bytes) -> None:
    """Accept bytes from the legacy ``write`` callable and drop them."""


def _discarding_start_response(
    status: str, headers: list[tuple[str, str]], exc_info: object = None
) -> Callable[[bytes], object]:
    return _discard


@dataclass
class Reply:
    """What one request produced: status line, header list and the whole body."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def code(self) -> int:
        """Return the numeric status code."""
        return int(self.status.split(" ", 1)[0])

    def header(self, name: str) -> str | None:
        """Return the first header called ``name`` (any case), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


def call(app: WSGIApp, template: Environ, body: bytes) -> Reply:
    """Make one request and keep everything the app sent back."""
    captured: list[tuple[str, list[tuple[str, str]]]] = []
    written: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], object]:
        captured.append((status, list(headers)))
        return written.append

    result = app(fresh_environ(template, body), start_response)
    try:
        chunks = [bytes(chunk) for chunk in result]
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if not captured:
        raise RuntimeError("the app never called start_response")
    status, headers = captured[-1]
    return Reply(status, headers, b"".join(written) + b"".join(chunks))


def serve(app: WSGIApp, template: Environ, body: bytes) -> None:
    """Make one untimed request the way ``run_batch`` does, discarding the reply."""
    result = app(fresh_environ(template, body), _discarding_start_response)
    for _chunk in result:
        pass
    close = getattr(result, "close", None)
    if close is not None:
        close()


def run_batch(app: WSGIApp, template: Environ, body: bytes, count: int) -> float:
    """Make ``count`` requests and return the CPU seconds they took.

    Each request gets a copied environ and a new input stream, and the body
    iterable is drained and closed, which is what a WSGI server does.  A
    collection beforehand keeps one batch's garbage from billing the next.
    """
    copy = template.copy
    stream = BytesIO
    start_response = _discarding_start_response
    gc.collect()
    started = process_time()
    for _ in repeat(None, count):
        environ = copy()
        environ["wsgi.input"] = stream(body)
        result = app(environ, start_response)
        for _chunk in result:
            pass
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return process_time() - started
