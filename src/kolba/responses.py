"""From what a view returns to what the door sends.

:func:`to_response` is ``make_response``'s conversion.  The serving core
also has two shortcuts that skip the response object when nothing could
observe it: :func:`direct_result` for a plain ``str``/``bytes``/``dict``/
``list`` and :func:`stock_error_result` for an HTTP error nobody handles.
Both give the same status, headers and bytes as the general path; they
return a ``(status line, header list, body chunks)`` triple, which every
door can send without further work.
"""

from __future__ import annotations

import collections.abc as cabc
import sys
import typing as t

from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from .wrappers import Response, text_response

if t.TYPE_CHECKING:
    from ._shape import AppShape
    from .ctx import RequestContext
    from _typeshed.wsgi import WSGIEnvironment

    from .app import Kolba

#: ``(status line, headers, body chunks)``: a response ready to send.
Triple = tuple[str, list[tuple[str, str]], t.Iterable[bytes]]
#: A triple as ASGI sends it: the status code, and the headers as lower-case
#: bytes pairs (``direct_result``'s answer for the ASGI door).
RawTriple = tuple[int, list[tuple[bytes, bytes]], list[bytes]]

HTML = "text/html; charset=utf-8"
JSON = "application/json"

_BAD_RETURN = (
    "The view function did not return a valid response. The return type"
    " must be a string, dict, list, tuple with headers or status, Response"
    " instance, or WSGI callable, but it was a {kind}."
)


def _split_tuple(rv: tuple[t.Any, ...]) -> tuple[t.Any, t.Any, t.Any]:
    """``(body, status, headers)`` from the tuple forms a view may return."""
    size = len(rv)
    if size == 3:
        return rv[0], rv[1], rv[2]
    if size == 2:
        second = rv[1]
        looks_like_headers = isinstance(second, (Headers, dict, tuple, list))
        return (rv[0], None, second) if looks_like_headers else (rv[0], second, None)
    raise TypeError(
        "The view function did not return a valid response tuple. The tuple"
        " must have the form (body, status, headers), (body, status), or"
        " (body, headers)."
    )


def _coerce_body(app: AppShape, body: t.Any, ctx: RequestContext | None) -> t.Any:
    """A response object for a dict, list, other response or WSGI callable."""
    if isinstance(body, (dict, list)):
        return app.json.response(body)
    if isinstance(body, WerkzeugResponse) or callable(body):
        try:
            return app.response_class.force_type(body, None if ctx is None else ctx.environ)
        except TypeError as error:
            message = f"{error}\n{_BAD_RETURN.format(kind=type(body).__name__)}"
            raise TypeError(message).with_traceback(sys.exc_info()[2]) from None
    raise TypeError(_BAD_RETURN.format(kind=type(body).__name__))


def to_response(app: AppShape, rv: t.Any, ctx: RequestContext | None) -> Response:
    """Flask's ``make_response``: any value a view may return, as a response object.

    ``ctx`` is the current request's context, if any: a WSGI callable runs
    with its environ, and an error message names its endpoint.
    """
    status = headers = None
    if isinstance(rv, tuple):
        rv, status, headers = _split_tuple(rv)
    if rv is None:
        endpoint = None if ctx is None else ctx._matched_endpoint()
        raise TypeError(
            f"The view function for {endpoint!r} did not return a valid"
            " response. The function either returned None or ended without a"
            " return statement."
        )
    if not isinstance(rv, app.response_class):
        if type(rv) is str and status is None and headers is None:
            return text_response(app.response_class, rv)
        if isinstance(rv, (str, bytes, bytearray, cabc.Iterator)):
            return app.response_class(rv, status=status, headers=headers)
        rv = _coerce_body(app, rv, ctx)
    if isinstance(status, (str, bytes, bytearray)):
        rv.status = status  # a whole status line such as "201 CREATED"
    elif status is not None:
        rv.status_code = status
    if headers:
        rv.headers.update(headers)
    return rv  # type: ignore[no-any-return]


def _triple(status: str, content_type: str, body: bytes, method: str | None) -> Triple:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    # A HEAD answer keeps GET's headers (Content-Length included) without the body.
    return (status, headers, [] if method == "HEAD" else [body])


@t.overload
def direct_result(
    app: Kolba, rv: t.Any, method: str | None, raw: t.Literal[False] = False
) -> Triple | Response | None: ...
@t.overload
def direct_result(app: Kolba, rv: t.Any, method: str | None, raw: t.Literal[True]) -> RawTriple | Response | None: ...
def direct_result(
    app: Kolba, rv: t.Any, method: str | None, raw: bool = False
) -> Triple | RawTriple | Response | None:
    """What to send for a view value that needs no conversion, answering ``method``.

    The triple for a plain ``str``/``bytes``/``dict``/``list``; the value
    itself for a response of Kolba's class (``make_response`` would return
    it unchanged).  None when the value needs ``make_response`` (anything
    else, or a JSON provider whose responses are not plain
    ``application/json``).  Only for an app whose ``response_class`` is
    Kolba's (the core's shortcut lane).  ``raw`` asks for ASGI's triple
    (:data:`RawTriple`), so the ASGI door sends it as it is (perf: no
    header to convert).
    """
    kind = type(rv)
    if kind is str:
        body, typed = rv.encode(), HTML_TYPED
    elif kind is Response:
        return rv  # type: ignore[no-any-return]
    elif kind is bytes:
        body, typed = rv, HTML_TYPED
    elif kind is dict or kind is list:
        provider = app.json
        if provider.fast_response_mimetype() != JSON:
            return None
        debug = app.config["DEBUG"] if app._debug_is_config else app.debug  # perf: as jsonify
        body, typed = provider.dumps_for_response(rv, debug).encode(), _JSON_TYPED
    else:
        return None
    # perf: _triple, inline, with the Content-Type header made once
    length = str(len(body))
    if raw:
        raw_headers = [_RAW_TYPED[typed], (b"content-length", length.encode())]
        return (200, raw_headers, [] if method == "HEAD" else [body])
    return ("200 OK", [typed, ("Content-Length", length)], [] if method == "HEAD" else [body])


# The Content-Type headers of direct_result's answers (perf: one tuple each,
# shared by every answer's header list; a tuple cannot change).  The core's
# response for a str under after hooks shares the first.
HTML_TYPED = ("Content-Type", HTML)
_JSON_TYPED = ("Content-Type", JSON)
#: Each of them as ASGI sends it.
_RAW_TYPED = {typed: (b"content-type", typed[1].encode("latin-1")) for typed in (HTML_TYPED, _JSON_TYPED)}


#: Rendered stock error pages, one per exception class and code.
_stock_pages: dict[tuple[type[HTTPException], int], tuple[str, bytes]] = {}


def _renders_as_stock(error: HTTPException) -> bool:
    """Whether ``error`` renders exactly as its class's default page."""
    kind = type(error)
    return (
        error.description is kind.description
        and kind.get_body is HTTPException.get_body
        and kind.get_headers is HTTPException.get_headers
        and kind.get_description is HTTPException.get_description
    )


def stock_error_result(error: HTTPException, method: str | None, ctx: RequestContext) -> Triple | Response | None:
    """Werkzeug's page for an HTTP error that nothing handles or changes.

    The general path reaches the same bytes by running the error as a WSGI
    app inside ``force_type``.  Errors with a class-default page are
    rendered once per class; others render here, directly.  None means
    "take the general path" (a custom response or a custom page class).
    """
    if error.response is not None or error.code is None:
        return None
    if _renders_as_stock(error):
        key = (type(error), error.code)
        page = _stock_pages.get(key)
        if page is None:
            rendered = error.get_response()
            page = _stock_pages[key] = (rendered.status, rendered.get_data())
        return _triple(page[0], HTML, page[1], method)
    rendered = error.get_response(ctx.environ)
    if type(rendered) is not WerkzeugResponse:
        return None
    rendered.__class__ = Response  # same state; Kolba's class adds no fields
    return t.cast(Response, rendered)
