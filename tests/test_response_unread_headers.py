"""Responses whose headers nobody reads: built on first read, sent as Werkzeug would.

A response made by Kolba's fast constructors (a ``str`` from a view, ``jsonify``,
``Response(text)``) keeps its two headers as a pair until something reads
``headers``.  Whatever is done to it before it is sent, the status, headers
and body on the wire must be those of the same steps done to Werkzeug's own
response.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response as WerkzeugResponse

pytestmark = pytest.mark.kolba_only


def _kolba() -> Any:
    import kolba.wrappers

    return kolba.wrappers


def _sent(response: Any, method: str = "GET") -> tuple[str, list[tuple[str, str]], bytes]:
    started: list[Any] = []
    environ = EnvironBuilder(method=method).get_environ()
    body = b"".join(response(environ, lambda status, headers, exc_info=None: started.append((status, headers))))
    status, headers = started[0]
    return status, list(headers), body


def _made(kind: str, text: str) -> tuple[Any, Any]:
    """A Kolba response by one of its fast constructors, and Werkzeug's equivalent."""
    wrappers = _kolba()
    if kind == "text_response":
        ours = wrappers.text_response(wrappers.Response, text)
        theirs = WerkzeugResponse(text, mimetype="text/html")
    elif kind == "json":
        ours = wrappers.text_response(wrappers.Response, text, "application/json")
        theirs = WerkzeugResponse(text, mimetype="application/json")
    elif kind == "bytes":
        ours = wrappers.Response(text.encode(), mimetype="image/png")
        theirs = WerkzeugResponse(text.encode(), mimetype="image/png")
    else:
        ours = wrappers.Response(text)
        theirs = WerkzeugResponse(text, mimetype="text/html")
    return ours, theirs


_STEPS: dict[str, Callable[[Any], Any]] = {
    "read headers": lambda r: r.headers.get("Content-Type"),
    "add header": lambda r: r.headers.__setitem__("X-Hook", "after"),
    "replace content type": lambda r: r.headers.__setitem__("content-type", "text/plain"),
    "status 201": lambda r: setattr(r, "status_code", 201),
    "status 204": lambda r: setattr(r, "status_code", 204),
    "status 304": lambda r: setattr(r, "status_code", 304),
    "status 404": lambda r: setattr(r, "status", "404 NOT FOUND"),
    "set data": lambda r: r.set_data(b"replaced body"),
    "mimetype": lambda r: setattr(r, "mimetype", "text/csv"),
    "replace body list": lambda r: setattr(r, "response", [b"other"]),
    "on close": lambda r: r.call_on_close(lambda: None),
    "location": lambda r: r.headers.__setitem__("Location", "/elsewhere"),
    "cookie": lambda r: r.set_cookie("a", "1"),
    "content length": lambda r: r.content_length,
}


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["text_response", "json", "bytes", "constructor"]),
    text=st.text(max_size=12),
    steps=st.lists(st.sampled_from(sorted(_STEPS)), max_size=3),
    method=st.sampled_from(["GET", "HEAD"]),
)
def test_what_is_sent_matches_werkzeug_after_any_steps(
    kind: str, text: str, steps: list[str], method: str
) -> None:
    ours, theirs = _made(kind, text)
    for step in steps:
        _STEPS[step](ours)
        _STEPS[step](theirs)
    assert _sent(ours, method) == _sent(theirs, method)
    assert list(ours.headers.items()) == list(theirs.headers.items())


def test_headers_are_built_on_first_read_only() -> None:
    wrappers = _kolba()
    response = wrappers.text_response(wrappers.Response, "hello")
    assert "headers" not in vars(response) and response._plain == ("text/html; charset=utf-8", "5")
    headers = response.headers
    assert type(headers) is wrappers.ResponseHeaders
    assert list(headers.items()) == [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "5")]
    assert response._plain is None and response.headers is headers
    headers["X-Later"] = "1"
    assert ("X-Later", "1") in _sent(response)[1]


def test_a_bare_instance_still_has_no_headers() -> None:
    wrappers = _kolba()
    with pytest.raises(AttributeError):
        wrappers.Response.__new__(wrappers.Response).headers


def test_copies_and_pickles_of_an_unread_response_build_their_own_headers() -> None:
    wrappers = _kolba()
    response = wrappers.text_response(wrappers.Response, "hello")
    duplicate = copy.copy(response)
    duplicate.headers["X-Copy"] = "1"
    assert "X-Copy" not in response.headers
    restored = pickle.loads(pickle.dumps(response))
    assert _sent(restored) == _sent(response)


def test_the_core_sends_a_hooked_response_with_its_headers_built(app: Any, client: Any) -> None:
    @app.after_request
    def mark(response: Any) -> Any:
        response.headers["X-Hook"] = "after"
        return response

    app.add_url_rule("/", "index", lambda: "hi")
    app.add_url_rule("/j", "json", lambda: _jsonify(a=1))
    for path in ("/", "/j"):
        sent = client.get(path)
        assert sent.headers["X-Hook"] == "after"
        assert sent.headers["Content-Length"] == str(len(sent.data))


def _jsonify(**values: Any) -> Any:
    from kolba import jsonify

    return jsonify(**values)
