"""The WSGI door: an environ in, ``start_response`` and a body iterable out.

Everything between is the serving core's (:mod:`kolba.core`).  The door only
says how a result leaves: a ready ``(status, headers, body)`` triple goes
straight to ``start_response``; a response object emits itself, as a WSGI
application, so its own HEAD, conditional and streaming rules apply.
"""

from __future__ import annotations

import typing as t

from .wrappers import _plain_calling, send_wsgi

if t.TYPE_CHECKING:
    from ._shape import AppShape
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from .app import Kolba
    from .core import Result


def emit(result: Result, environ: WSGIEnvironment, start_response: StartResponse) -> t.Iterable[bytes]:
    """Send one result through ``start_response``; return the body to iterate."""
    if type(result) is tuple:
        start_response(result[0], result[1])
        return result[2]
    if type(result) in _plain_calling:
        return send_wsgi(result, environ, start_response)  # type: ignore[arg-type]
    return result(environ, start_response)  # type: ignore[operator]


class WSGIDoor:
    """The app's WSGI entry points."""

    def wsgi_app(
        self: AppShape, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """The WSGI application proper; middleware wraps this one.

        ``app.wsgi_app = SomeMiddleware(app.wsgi_app)`` keeps ``app`` itself
        the object servers are given.
        """
        return self._core.serve(environ, emit, start_response)

    def __call__(
        self: AppShape, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """Serve a request through :meth:`wsgi_app`, whatever wraps it."""
        core = self._core
        if core.lane.middleware:  # replaced or wrapped, or the lanes not decided yet
            return self.wsgi_app(environ, start_response)
        # perf: ``wsgi_app`` is Kolba's own, so its one step directly.  A
        # method of the app object is looked up unspecialized on every call
        # (CPython 3.11 specializes none once an object has over 30 attributes).
        return core.serve(environ, emit, start_response)
