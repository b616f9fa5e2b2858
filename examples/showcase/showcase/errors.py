"""Error pages: templates for people, JSON for the ``/api`` paths.

The handlers are registered on the app, not on a blueprint, because a URL
that matches no route belongs to no blueprint; the path prefix decides
which kind of client is asking.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import HTTPException, InternalServerError

from kolba import jsonify, render_template, request

from .api import error_body

if t.TYPE_CHECKING:
    from kolba import Kolba

#: Headers an error response keeps when its body is rewritten as JSON.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def wants_json() -> bool:
    """Whether this request is for the API, judged by its path."""
    path = request.path
    return path == "/api" or path.startswith("/api/")


def _json_error(e: HTTPException) -> t.Any:
    """``e`` as a JSON body, keeping headers such as 405's ``Allow``."""
    code = e.code or 500
    response = jsonify(error_body(code, e.description or ""))
    response.status_code = code
    for name, value in e.get_headers():
        if name in _KEPT_HEADERS:
            response.headers[name] = value
    return response


def handle_http_exception(e: HTTPException) -> t.Any:
    """Any HTTP error without a page of its own: JSON for the API, else as is."""
    if wants_json():
        return _json_error(e)
    return e


def page_not_found(e: HTTPException) -> t.Any:
    """The custom 404 page."""
    if wants_json():
        return _json_error(e)
    return render_template("errors/404.html", path=request.path), 404


def internal_server_error(e: InternalServerError) -> t.Any:
    """The custom 500 page; the app already logged the traceback."""
    if wants_json():
        return _json_error(InternalServerError())
    return render_template("errors/500.html"), 500


def init_app(app: Kolba) -> None:
    """Register the handlers; the code-specific ones win over the generic one."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(404, page_not_found)
    app.register_error_handler(500, internal_server_error)
