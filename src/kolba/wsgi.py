"""The WSGI door: an environ in, ``start_response`` and a body iterable out.

Everything between is the serving core's (:mod:`kolba.core`).  The door only
says how a result leaves: a ready ``(status, headers, body)`` triple goes
straight to ``start_response``; a response object emits itself, as a WSGI
application, so its own HEAD, conditional and streaming rules apply (one of
Kolba's class is sent by ``send_wsgi`` as its ``__call__`` would send it).
"""

from __future__ import annotations

import typing as t

from .wrappers import send_wsgi

if t.TYPE_CHECKING:
    from ._shape import AppShape
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from .app import Kolba
    from .core import Result


#: Send one result through ``start_response``; return the body to iterate.
#: perf: :func:`kolba.wrappers.send_wsgi` itself, which sends a response of
#: Kolba's class without a call of its own.
emit: t.Callable[[Result, WSGIEnvironment, StartResponse], t.Iterable[bytes]] = send_wsgi


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
