"""Error pages: the showcase's own templates for people, problem details for ``/api``.

The handlers are registered on the app, not on a blueprint, because a URL
that matches no route belongs to no blueprint; the path prefix decides
which kind of client is asking. Every client error (the CSRF check's 400, a
GET of the POST-only logout's 405, an oversized form's 413, ...) gets a page
in the site's style, with the headers that go with it (``Allow``,
``Retry-After``, ``WWW-Authenticate``). Under ``/api`` the same errors are
RFC 9457 problem details (``application/problem+json``), as the typed
views' own 400/415/422 are, by :func:`kolba.api.problem_for`.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import HTTPException, InternalServerError

from kolba import make_response, render_template, request
from kolba.api import problem_for

if t.TYPE_CHECKING:
    from kolba import Kolba

#: Headers an error response keeps when its body is rewritten.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def wants_json() -> bool:
    """Whether this request is for the API, judged by its path."""
    path = request.path
    return path == "/api" or path.startswith("/api/")


def _with_headers(e: HTTPException, response: t.Any) -> t.Any:
    """``response`` with ``e``'s status and the headers it must keep."""
    response.status_code = e.code or 500
    for name, value in e.get_headers():
        if name in _KEPT_HEADERS:
            response.headers[name] = value
    return response


def _json_error(e: HTTPException) -> t.Any:
    """``e`` as problem details, keeping its headers."""
    return problem_for(e)


def _page(e: HTTPException, template: str, **context: t.Any) -> t.Any:
    """``e`` as a page of the site, from ``template``."""
    return _with_headers(e, make_response(render_template(template, error=e, **context)))


def handle_http_exception(e: HTTPException) -> t.Any:
    """Any HTTP error without a handler of its own: JSON for the API, else a page."""
    if e.code is None or e.code < 400:
        return e  # not an error: e.g. a redirect raised by routing
    if wants_json():
        return _json_error(e)
    return _page(e, "errors/error.html")


def page_not_found(e: HTTPException) -> t.Any:
    """The 404 page names the path that was not found."""
    if wants_json():
        return _json_error(e)
    return _page(e, "errors/404.html", path=request.path)


def internal_server_error(e: InternalServerError) -> t.Any:
    """The 500 page; the app already logged the traceback."""
    generic = InternalServerError()  # the original's description may say too much
    if wants_json():
        return _json_error(generic)
    return _page(generic, "errors/500.html")


def init_app(app: Kolba) -> None:
    """Register the handlers; the code-specific ones win over the generic one."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(404, page_not_found)
    app.register_error_handler(500, internal_server_error)
