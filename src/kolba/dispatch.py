"""Flask's public request steps, as methods of :class:`~kolba.Kolba`.

These are the *general lane* of the serving core: it calls
``full_dispatch_request`` and the steps below exactly as Flask does, so a
subclass or an extension that overrides or replaces one of them is obeyed.
When none is replaced, the core follows the per-endpoint plan instead
(:mod:`kolba.core`), which shares the hook-chain code in :mod:`kolba.plans`
with these methods.
"""

from __future__ import annotations

import sys
import typing as t

from werkzeug.routing import RequestRedirect

from .ctx import _UNSET, _send
from .globals import _get_frame
from .plans import blueprint_scopes, inner_first, outer_first, run_after_hooks, run_preprocessors
from .responses import to_response

if t.TYPE_CHECKING:
    from ._shape import AppShape
    from .app import Kolba
    from .ctx import RequestContext
    from .wrappers import Request, Response


def _request_ctx() -> RequestContext:
    frame = _get_frame(None)
    assert frame is not None and frame[1] is not None, "no request context is active"
    return frame[1]


def save_session(app: AppShape, ctx: RequestContext, response: Response) -> None:
    """Save the session into the response, if the request could have one.

    An unopened session needs saving only to refresh a cookie the client
    sent; when the Cookie header cannot contain the session cookie's name,
    nothing is parsed at all.
    """
    if ctx._session is None and not may_send_session_cookie(app, ctx):
        return
    store_session(app, ctx, response)


def store_session(app: AppShape, ctx: RequestContext, response: Response) -> None:
    """Save the session into the response, opening it first if no one did (:func:`save_session`'s second half)."""
    interface = app.session_interface
    session = ctx._open_session()
    if not interface.is_null_session(session):
        interface.save_session(t.cast("Kolba", app), session, response)


def may_send_session_cookie(app: AppShape, ctx: RequestContext) -> bool:
    """Whether the client sent the session cookie, so an unopened session may still need saving."""
    header = ctx.environ.get("HTTP_COOKIE")
    if not header:
        return False
    name = app.config["SESSION_COOKIE_NAME"]
    # perf: the substring test spares parsing cookies that cannot include it.
    return name in header and name in ctx.request.cookies


class DispatchSteps:
    """``full_dispatch_request`` and the steps it is made of."""

    def full_dispatch_request(self: AppShape) -> Response:
        """Before hooks, the view and error handling, then :meth:`finalize_request`."""
        self._got_first_request = True
        return self.finalize_request(self._answer_or_handled_error())

    def _answer_or_handled_error(self: AppShape) -> t.Any:
        """What the before hooks or the view answer, or what an error handler makes of it."""
        try:
            _send("request_started", self)
            early = self.preprocess_request()
            return self.dispatch_request() if early is None else early
        except Exception as e:
            return self.handle_user_exception(e)

    def preprocess_request(self: AppShape) -> t.Any:
        """Run URL value preprocessors and before-request hooks.

        The app's own run first, then each blueprint's from the outermost in;
        the first hook that returns a value ends the request with it.
        """
        req = _request_ctx().request
        scopes = tuple(req.blueprints)
        sync = self.ensure_sync
        return run_preprocessors(
            req.endpoint,
            req.view_args,
            outer_first(self.url_value_preprocessors, scopes),
            (sync(hook) for hook in outer_first(self.before_request_funcs, scopes)),
        )

    def dispatch_request(self: AppShape) -> t.Any:
        """Call the matched view, answer an automatic OPTIONS, or raise the routing error."""
        req = _request_ctx().request
        if req.routing_exception is not None:
            self.raise_routing_exception(req)
        rule = req.url_rule
        assert rule is not None
        if req.method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
            return self.make_default_options_response()
        view = self.ensure_sync(self.view_functions[rule.endpoint])
        return view(**t.cast("dict[str, t.Any]", req.view_args))

    def raise_routing_exception(self: AppShape, request: Request) -> t.NoReturn:
        """Raise the routing error; in debug, explain a redirect that loses a body."""
        error = request.routing_exception
        assert error is not None
        keeps_body = (
            not isinstance(error, RequestRedirect)
            or error.code in (307, 308)
            or request.method in ("GET", "HEAD", "OPTIONS")
        )
        if not self.debug or keeps_body:
            raise error
        from .debughelpers import FormDataRoutingRedirect

        raise FormDataRoutingRedirect(request)

    def make_default_options_response(self: AppShape) -> Response:
        """An empty 200 whose ``Allow`` header lists the methods the URL accepts."""
        adapter = _request_ctx().url_adapter
        assert adapter is not None
        response = self.response_class()
        response.allow.update(adapter.allowed_methods())
        return response

    def make_response(self: AppShape, rv: t.Any) -> Response:
        """Turn any value a view may return into an instance of :attr:`response_class`.

        Accepted: a response object, ``str``/``bytes``, a ``dict`` or ``list``
        (as JSON), an iterator of chunks, a WSGI callable, or a tuple adding a
        status and/or headers to one of those.
        """
        frame = _get_frame(None)
        return to_response(self, rv, None if frame is None else frame[1])

    def process_response(self: AppShape, response: Response) -> Response:
        """After-request callbacks (this request's, then the hooks), then save the session."""
        ctx = _request_ctx()
        sync = self.ensure_sync
        response = run_after_hooks(response, (sync(f) for f in ctx._after_request_functions))
        scopes = blueprint_scopes(ctx._matched_endpoint())
        hooks = inner_first(self.after_request_funcs, scopes)
        response = run_after_hooks(response, (sync(f) for f in hooks))
        save_session(self, ctx, response)
        return response

    def finalize_request(self: AppShape, rv: t.Any, from_error_handler: bool = False) -> Response:
        """Make the response, run :meth:`process_response` and signal the end.

        When this runs for the 500 page, a failure here is logged and the
        response made so far is sent anyway.
        """
        made = self.make_response(rv)
        try:
            return self._processed_and_announced(made)
        except Exception:
            if not from_error_handler:
                raise
            self._log_finalize_failure()
            return made

    def _processed_and_announced(self: AppShape, response: Response) -> Response:
        processed = self.process_response(response)
        _send("request_finished", self, response=processed)
        return processed

    def do_teardown_request(self: AppShape, exc: BaseException | None = _UNSET) -> None:
        """Teardown callbacks of the request: innermost blueprint first, newest first."""
        if exc is _UNSET:
            exc = sys.exc_info()[1]
        frame = _get_frame(None)
        scopes: tuple[str, ...] = ()
        if frame is not None and frame[1] is not None:
            scopes = blueprint_scopes(frame[1]._matched_endpoint())
        for callback in inner_first(self.teardown_request_funcs, scopes):
            self.ensure_sync(callback)(exc)
        _send("request_tearing_down", self, exc=exc)

    def do_teardown_appcontext(self: AppShape, exc: BaseException | None = _UNSET) -> None:
        """``teardown_appcontext`` callbacks, newest first."""
        if exc is _UNSET:
            exc = sys.exc_info()[1]
        for callback in reversed(self.teardown_appcontext_funcs):
            self.ensure_sync(callback)(exc)
        _send("appcontext_tearing_down", self, exc=exc)
