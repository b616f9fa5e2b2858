"""How the app turns an exception into a response: Flask's error handling steps.

These are methods of :class:`~kolba.Kolba` (through :class:`ErrorHandling`)
so subclasses and extensions can override or wrap each one, as they can in
Flask.  Both lanes of the serving core call them through the app object.
"""

from __future__ import annotations

import sys
import typing as t

from werkzeug.exceptions import (
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
)
from werkzeug.routing import RoutingException

from .ctx import _send
from .globals import _get_frame
from .plans import blueprint_scopes

if t.TYPE_CHECKING:
    from ._shape import AppShape
    from .app import Kolba
    from .wrappers import Response

_Handler = t.Callable[[t.Any], t.Any]


def renders_itself(e: HTTPException) -> bool:
    """Errors without a code (internal proxies) and routing redirects are their own answer."""
    return e.code is None or isinstance(e, RoutingException)


def explain_missing_key(app: AppShape, e: HTTPException) -> None:
    """Name the missing form key in the error page when someone is debugging."""
    if isinstance(e, BadRequestKeyError) and not e.show_exception:
        e.show_exception = app.debug or bool(app.config["TRAP_BAD_REQUEST_ERRORS"])


def _current_blueprints() -> tuple[str, ...]:
    """The blueprints of the current request's endpoint, innermost first."""
    frame = _get_frame(None)
    if frame is None or frame[1] is None:
        return ()
    return blueprint_scopes(frame[1]._matched_endpoint())


class ErrorHandling:
    """Flask's error steps: find a handler, trap, handle, log, or answer 500."""

    def _find_error_handler(self: AppShape, e: Exception, blueprints: t.Sequence[str]) -> _Handler | None:
        """The registered handler for ``e``, or None.

        A handler for the error's HTTP code wins over one for its class; within
        each, the innermost blueprint wins over outer ones and the app, and a
        handler for a closer base class wins over a more distant one.
        """
        error_class = type(e)
        code = error_class.code if issubclass(error_class, HTTPException) else None
        registries = self.error_handler_spec
        lookups: tuple[int | None, ...] = (None,) if code is None else (code, None)
        for key in lookups:
            for scope in (*blueprints, None):
                per_scope = registries.get(scope)
                by_class = None if per_scope is None else per_scope.get(key)
                if not by_class:
                    continue
                for base in error_class.__mro__:
                    found: _Handler | None = by_class.get(base)
                    if found is not None:
                        return found
        return None

    def trap_http_exception(self: AppShape, e: Exception) -> bool:
        """Whether an HTTP error should escape like any other exception.

        ``TRAP_HTTP_EXCEPTIONS`` traps all of them; ``TRAP_BAD_REQUEST_ERRORS``
        traps bad requests, and when unset, debug mode traps missing form keys
        so the debugger shows which key was missing.
        """
        config = self.config
        if config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_requests = config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_requests is None:
            return self.debug and isinstance(e, BadRequestKeyError)
        return bool(trap_bad_requests) and isinstance(e, BadRequest)

    def should_ignore_error(self: AppShape, error: BaseException | None) -> bool:
        """Whether teardown callbacks should be told of ``error``; never, by default."""
        return False

    def handle_http_exception(self: AppShape, e: HTTPException) -> t.Any:
        """The registered handler's answer for an HTTP error, or the error itself.

        Errors without a code (internal proxies) and routing redirects are
        returned as they are: they render themselves.
        """
        if renders_itself(e):
            return e
        handler = self._find_error_handler(e, _current_blueprints())
        return e if handler is None else self.ensure_sync(handler)(e)

    def handle_user_exception(self: AppShape, e: Exception) -> t.Any:
        """Handle an error raised by a hook or view; re-raise what has no handler."""
        if isinstance(e, HTTPException):
            explain_missing_key(self, e)
            if not self.trap_http_exception(e):
                return self.handle_http_exception(e)
        handler = self._find_error_handler(e, _current_blueprints())
        if handler is not None:
            return self.ensure_sync(handler)(e)
        raise  # noqa: PLE0704 - always called while handling ``e``

    def handle_exception(self: AppShape, e: Exception) -> Response:
        """The last resort: propagate (testing, debug), or log and answer 500.

        A handler for 500 or ``InternalServerError`` gets an
        ``InternalServerError`` whose ``original_exception`` is ``e``.
        """
        answer, handler = self._server_error(e)
        if handler is not None:
            answer = self.ensure_sync(handler)(answer)
        return self.finalize_request(answer, from_error_handler=True)

    def _server_error(self: AppShape, e: Exception) -> tuple[t.Any, _Handler | None]:
        """Signal, then propagate ``e`` or log it: the 500 error and its handler.

        Called while ``e`` is being handled, so a propagated error keeps its
        traceback.
        """
        exc_info = sys.exc_info()
        _send("got_request_exception", self, exception=e)
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            if exc_info[1] is not e:
                raise e
            raise  # noqa: PLE0704 - re-raise with the original traceback
        self.log_exception(exc_info)
        answer = InternalServerError(original_exception=e)
        return answer, self._find_error_handler(answer, _current_blueprints())
