"""The serving core: one request's lifecycle, whichever door it came through.

A door (:mod:`kolba.wsgi`) hands the core an environ, a function that emits
a result and an opaque sink for that function (``start_response`` for
WSGI).  The core makes the request current, matches it, runs hooks and the
view, turns errors into responses, emits the result while the request is
still current, and tears the request down::

    door -> Core.serve -> RequestContext.match_request (routing)
         -> EndpointPlan / full_dispatch_request (hooks, view)
         -> responses (conversion, shortcuts) -> emit (door)

**Lanes.**  Every request takes one of two dispatch lanes and one of two
context lanes, all decided in :meth:`Core.decide` and nowhere else:

* *planned* dispatch follows a per-endpoint :class:`~kolba.plans.EndpointPlan`
  and may skip the response object (:mod:`kolba.responses`); *general*
  dispatch calls Flask's public steps (``full_dispatch_request`` and the
  rest) on the app.  Planned is used unless one of those steps is replaced
  on the app's class or on the app object, or ``KOLBA_TESTS_LANE=general``
  is set (the test suite runs with it too, so the lanes cannot drift).
* the *lean* context lane makes the request current with one context
  variable ``set`` and undoes it with one ``reset``; the *full* lane pushes
  and pops both contexts as Flask does.  Lean is used when nothing could
  tell the difference: no teardown callbacks, no receivers for context or
  teardown signals, no custom session interface opened at push time, and no
  test client keeping the contexts.

Nothing here knows WSGI beyond the environ that Werkzeug's request wraps.
"""

from __future__ import annotations

import itertools
import os
import sys
import typing as t

from werkzeug.exceptions import BadRequestKeyError, HTTPException
from werkzeug.routing import RequestRedirect, RoutingException

from .concurrency import (
    call_either, pin, run_in_worker, run_in_worker_keeping, settle, track_request_tasks, unpin,
)
from .ctx import _UNSET, PRESERVE_CONTEXT, AppContext, RequestContext, _new_object, _send, enter_lean
from .errors import explain_missing_key, renders_itself
from .globals import _get_frame, _set_frame
from .plans import EndpointPlan, awaitable, run_after_hooks
from .dispatch import save_session, store_session
from .responses import HTML_TYPED, RawTriple, Triple, direct_result, stock_error_result
from .wrappers import Response, ResponseHeaders, _new_headers, plain_triple

if t.TYPE_CHECKING:
    import asyncio

    from _typeshed.wsgi import WSGIEnvironment

    from .app import Kolba
    from .asgi import DoorContext

_R = t.TypeVar("_R")
_S = t.TypeVar("_S")

#: What a lane's dispatch produces: a response object or a ready triple.
Result = t.Union[Response, Triple]
#: What the async serving path answers: also ASGI's own triple (see direct_result).
AsyncResult = t.Union[Response, Triple, RawTriple]
Emit = t.Callable[[Result, "WSGIEnvironment", _S], _R]
AsyncEmit = t.Callable[[Result, "WSGIEnvironment", _S], t.Awaitable[None]]

# perf: a bare Response, without the constructor's argument checks.
_new_response = Response.__new__

#: Flask steps the planned lane stands in for; replacing one means general dispatch.
DISPATCH_STEPS = frozenset(
    {
        "full_dispatch_request", "preprocess_request", "dispatch_request",
        "finalize_request", "make_response", "process_response",
        "raise_routing_exception", "make_default_options_response",
        "ensure_sync", "async_to_sync",
    }
)
#: Steps the lean context lane skips; replacing one means full contexts.
CONTEXT_STEPS = frozenset(
    {"request_context", "app_context", "do_teardown_request", "do_teardown_appcontext"}
)
#: Error steps the stock error page and the event-loop lane stand in for.
ERROR_STEPS = frozenset({"handle_user_exception", "handle_http_exception", "handle_exception"})
#: App attributes whose assignment means the lanes must be decided again.
WATCHED = DISPATCH_STEPS | CONTEXT_STEPS | ERROR_STEPS | {
    "response_class",
    "request_class",
    "session_interface",
    "wsgi_app",
}

_SIGNALS_FOR_CONTEXTS = frozenset(
    {"appcontext-pushed", "appcontext-popped", "appcontext-tearing-down", "request-tearing-down"}
)
_SIGNALS_FOR_DISPATCH = frozenset({"request-started", "request-finished"})

_FORCE_GENERAL = os.environ.get("KOLBA_TESTS_LANE") == "general"

#: Methods a matched request's view answers itself (OPTIONS may be answered
#: by the route; a lower-case method takes the general steps).
_VIEW_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})

#: Bumped by :mod:`kolba.signals` whenever a lifecycle receiver (dis)connects.
_receivers_epoch = 0


def receivers_changed() -> None:
    """Tell every app's core to decide its lanes again before the next request."""
    global _receivers_epoch
    _receivers_epoch += 1


def listening_signals(app: Kolba) -> frozenset[str]:
    """Names of the lifecycle signals that would reach a receiver for ``app`` now."""
    module = sys.modules.get("kolba.signals")
    if module is None:
        return frozenset()
    return frozenset(
        signal.name
        for signal in module.LIFECYCLE
        if any(True for _ in signal.receivers_for(app))
    )


def replaced_steps(app: Kolba) -> frozenset[str]:
    """The watched names a subclass overrides or the app object itself holds."""
    from .app import Kolba

    names = {name for name in WATCHED if name in app.__dict__}
    for klass in type(app).__mro__:
        if klass is Kolba:
            break
        names.update(WATCHED.intersection(vars(klass)))
    return frozenset(names)


class Lane:
    """How requests are served until the next decision; never changed once made."""

    __slots__ = (
        "planned", "lean", "shortcuts", "stock_errors", "signals", "error_steps_own", "epoch",
        "middleware",
    )

    def __init__(
        self, planned: bool, lean: bool, shortcuts: bool, stock_errors: bool, signals: bool,
        epoch: int, error_steps_own: bool = False, middleware: bool = False,
    ) -> None:
        # Whether the endpoint plans apply, and whether contexts are pushed lean.
        self.planned, self.lean = planned, lean
        # shortcuts: plain values are sent without a response object;
        # stock_errors: unhandled stock HTTP errors are sent as pre-rendered pages.
        self.shortcuts, self.stock_errors = shortcuts, stock_errors
        # error_steps_own: the error steps are Kolba's own, so their async
        # twins may stand in; signals: request_started/finished have receivers.
        self.error_steps_own, self.signals = error_steps_own, signals
        # middleware: ``app.wsgi_app`` is wrapped (ProxyFix, ...) or
        # overridden, so the ASGI door sends each request through it.
        self.middleware, self.epoch = middleware, epoch

    def __repr__(self) -> str:
        on = [name for name in self.__slots__[:5] if getattr(self, name)]
        return f"<Lane {' '.join(on) or 'general'}>"


#: Stands in before the first decision and after every invalidation.
# ``middleware``: until the lanes are decided, the WSGI door calls
# ``app.wsgi_app`` (which may have been wrapped since the last decision).
_UNDECIDED = Lane(False, False, False, False, False, epoch=-1, middleware=True)


def _may_carry_session(app: Kolba, cookie: str | None) -> bool:
    """Over-approximates "the client sent a session cookie" from the Cookie header, without parsing."""
    if not cookie:
        return False
    return app.config["SESSION_COOKIE_NAME"] in cookie


def _running_loop() -> asyncio.AbstractEventLoop:
    """The running event loop (asyncio imported here, not by ``import kolba``).

    Replaces itself with asyncio's own lookup on first use: an ``import``
    statement on every request costs more than the lookup.
    """
    global _running_loop
    import asyncio

    _running_loop = asyncio.get_running_loop
    return _running_loop()


class Core:
    """One app's serving state: its current lane and its endpoint plans."""

    __slots__ = ("app", "lane", "plans", "loop")

    def __init__(self, app: Kolba) -> None:
        self.app = app
        self.lane = _UNDECIDED
        self.plans: dict[str | None, EndpointPlan] = {}
        #: The event loop the ASGI door last served on (its tasks are tracked).
        self.loop: asyncio.AbstractEventLoop | None = None

    def invalidate(self) -> None:
        """Registration changed: forget the plans and decide the lanes again."""
        self.plans = {}
        self.lane = _UNDECIDED

    def decide(self) -> Lane:
        """Work out the lane from what the app replaced, registered and who listens."""
        app = self.app
        epoch = _receivers_epoch  # read first: a later change re-decides
        replaced = replaced_steps(app)
        listening = listening_signals(app)
        planned = not _FORCE_GENERAL and not replaced & DISPATCH_STEPS
        quiet_contexts = not (
            replaced & CONTEXT_STEPS
            or listening & _SIGNALS_FOR_CONTEXTS
            or any(app.teardown_request_funcs.values())
            or app.teardown_appcontext_funcs
            or app._session_opens_eagerly
        )
        signals = bool(listening & _SIGNALS_FOR_DISPATCH)
        shortcuts = planned and not signals and app.response_class is Response
        error_steps_own = planned and not replaced & ERROR_STEPS
        lane = Lane(
            planned=planned,
            lean=planned and quiet_contexts,
            shortcuts=shortcuts,
            stock_errors=shortcuts and error_steps_own,
            signals=signals,
            epoch=epoch,
            error_steps_own=error_steps_own,
            middleware="wsgi_app" in replaced,
        )
        app._got_first_request = True
        # The compiled matcher looks in the map's default subdomain (see
        # RequestContext.match_request), so only host and subdomain matching
        # need the full adapter.
        app._path_only_routing = not (app.url_map.host_matching or app.subdomain_matching)
        self.lane = lane
        return lane

    # -- the lifecycle --------------------------------------------------------

    def serve(self, environ: WSGIEnvironment, emit: Emit[_S, _R], sink: _S) -> _R:
        """Serve one request and return what ``emit(result, environ, sink)`` returns."""
        lane = self.lane
        if lane.epoch != _receivers_epoch:
            lane = self.decide()
        if not lane.lean or PRESERVE_CONTEXT in environ:
            return self._serve_full(environ, lane, emit, sink)
        # The lean lane, inline (perf: one call less per request, measured
        # with benchmarks --sections instructions).
        app = self.app
        ctx = enter_lean(app, environ)
        try:
            try:
                ctx.match_request()
                result = self.dispatch(ctx, lane)
            except Exception as e:
                result = app.handle_exception(e)
            return emit(result, environ, sink)
        finally:
            ctx._pop_lean()

    def _serve_full(
        self, environ: WSGIEnvironment, lane: Lane, emit: Emit[_S, _R], sink: _S
    ) -> _R:
        app = self.app
        ctx = app.request_context(environ)
        error: BaseException | None = None
        try:
            try:
                ctx.push()
                result = self.dispatch(ctx, lane) if lane.planned else app.full_dispatch_request()
            except Exception as e:
                error = e
                result = app.handle_exception(e)
            except BaseException:
                error = sys.exc_info()[1]
                raise
            return emit(result, environ, sink)
        finally:
            keep = environ.get(PRESERVE_CONTEXT)
            current = _get_frame(None)
            if keep is not None and current is not None:
                # The test client re-enters both after the response, so the
                # request stays inspectable inside ``with client:``.
                keep(current[0])
                keep(current[1])
            if error is not None and app.should_ignore_error(error):
                error = None
            ctx.pop(error)

    # -- planned dispatch -------------------------------------------------------

    def plan_for(self, endpoint: str | None) -> EndpointPlan:
        """The endpoint's plan; a new one is complete before anyone can find it."""
        plan = self.plans.get(endpoint)
        if plan is None:
            plan = self.plans[endpoint] = EndpointPlan(self.app, endpoint)
        return plan

    def dispatch(self, ctx: RequestContext, lane: Lane) -> Result:
        """``full_dispatch_request`` by the endpoint's plan.

        perf: the usual request (no hooks, no session, a plain value) runs
        through this one function, and so does ``finalize_request`` (after
        hooks, the session, the signal) when one is needed; every step it
        inlines is a method of the app, or a function of
        :mod:`kolba.responses` or :mod:`kolba.wrappers`, as well.
        """
        app = self.app
        req = ctx._request
        rule = ctx.url_rule if req is None else req.url_rule
        endpoint = None if rule is None else rule.endpoint
        plan = self.plans.get(endpoint) or self.plan_for(endpoint)
        try:
            if lane.signals:
                _send("request_started", app)
            rv = None
            if plan.preprocessing:
                # perf: run_preprocessors, inline
                if plan.url_preprocessors:
                    req = ctx._request
                    view_args = ctx.view_args if req is None else req.view_args
                    for preprocess in plan.url_preprocessors:
                        preprocess(endpoint, view_args)
                for hook in plan.before:
                    rv = hook()
                    if rv is not None:
                        break
            if rv is None:
                req = ctx._request
                error = ctx.routing_exception if req is None else req.routing_exception
                if error is not None or rule is None:
                    rv = self._routing_failure(ctx, error)
                elif (
                    (method := ctx.environ.get("REQUEST_METHOD", "GET")) != "GET"
                    and method != "POST"  # perf: no upper() for the commonest two
                    and method.upper() == "OPTIONS"
                    and getattr(rule, "provide_automatic_options", False)
                ):
                    rv = app.make_default_options_response()
                else:
                    view_args = ctx.view_args if req is None else req.view_args
                    # perf: without arguments, a call CPython 3.11 runs inline (a
                    # call with ``**`` enters the view from C); the view read
                    # first, as 3.11 specializes no method call on a slot
                    view = plan.view
                    rv = view(**view_args) if view_args else view()
        except HTTPException as e:
            environ = ctx.environ
            stock = (
                self._stock_error(ctx, plan, e, environ.get("REQUEST_METHOD"), environ.get("HTTP_COOKIE"))
                if lane.stock_errors else None
            )
            if stock is not None:
                return stock
            rv = app.handle_user_exception(e)
        except Exception as e:
            rv = app.handle_user_exception(e)
        environ = ctx.environ
        cookie = environ.get("HTTP_COOKIE")
        if (
            not plan.after
            and not ctx._after_request_functions
            and ctx._session is None
            and (not cookie or app.config["SESSION_COOKIE_NAME"] not in cookie)
            and not lane.signals
        ):
            return self._unprocessed(rv, environ.get("REQUEST_METHOD"), lane)
        # ``finalize_request`` by the plan: after hooks and the session, then
        # the signal (perf: inline, not a method of its own: a call with six
        # arguments cost an after hook's request 565 instructions).
        if type(rv) is str and lane.shortcuts:
            # perf: make_response's str case, inline (the shortcut lane
            # means the app's response class is Response itself): the state
            # Werkzeug's ``__init__`` gives a 200 (as ``_fill``), with the
            # headers made now (as ``plain_headers``), as the hooks will read
            # them.  Inline, not calls of those, and with the Content-Type
            # pair that ``direct_result`` shares: about 950 instructions less.
            response = _new_response(Response)
            body = rv.encode()
            headers = response.headers = _new_headers(ResponseHeaders)
            headers._list = [HTML_TYPED, ("Content-Length", str(len(body)))]
            response._status = "200 OK"
            response._status_code = 200
            response.direct_passthrough = False
            response._on_close = []
            response.response = [body]
            response._plain = None  # perf: read specialized (not the class default)
        else:
            response = app.make_response(rv)
        callbacks = ctx._after_request_functions
        if callbacks:
            response = run_after_hooks(response, map(app.ensure_sync, callbacks))
        for hook in plan.after:  # perf: run_after_hooks, inline
            response = hook(response)
        if ctx._session is not None or (
            # perf: save_session's test, inline, on the header read above
            cookie and (name := app.config["SESSION_COOKIE_NAME"]) in cookie and name in ctx.request.cookies
        ):
            store_session(app, ctx, response)
        if lane.signals:
            _send("request_finished", app, response=response)
        return response

    def _unprocessed(self, rv: t.Any, method: str | None, lane: Lane) -> Result:
        """The result when ``process_response`` would change nothing.

        No hooks, no session to save or refresh: a plain value needs no
        response object at all.
        """
        if lane.shortcuts:
            if type(rv) is Response:
                # perf: a response of Kolba's class (jsonify's) as its triple
                # now, without direct_result and the WSGI call it would need.
                return plain_triple(rv, method) or rv
            direct = direct_result(self.app, rv, method)
            if direct is not None:
                return direct
        return self.app.make_response(rv)

    def _routing_failure(self, ctx: RequestContext, error: Exception | None) -> t.Any:
        """``dispatch_request`` when matching failed: raise the routing error."""
        app = self.app
        if error is None:
            return app.dispatch_request()  # an adapter that matched nothing; rare
        if app.debug and isinstance(error, RequestRedirect):
            app.raise_routing_exception(ctx.request)
        raise error

    def _stock_error(
        self, ctx: RequestContext, plan: EndpointPlan, error: HTTPException,
        method: str | None, cookie: str | None,
    ) -> Result | None:
        """The error's own page, when nothing would handle or change it.

        ``method`` and ``cookie`` (the Cookie header) are the request's, as
        the door's context knows them without building an environ.
        """
        app = self.app
        if (
            isinstance(error, (RoutingException, BadRequestKeyError))
            or plan.after
            or ctx._after_request_functions
            or ctx._session is not None
            or _may_carry_session(app, cookie)
            or app.trap_http_exception(error)
            or app._find_error_handler(error, plan.blueprints) is not None
        ):
            return None
        return stock_error_result(error, method, ctx)

    # -- the same lifecycle on an event loop (the ASGI door) -------------------

    async def serve_async(
        self, ctx: DoorContext, emit: AsyncEmit[_S], sink: _S,
        prepare: t.Callable[[DoorContext, EndpointPlan | None], t.Awaitable[None] | None] | None = None,
    ) -> Triple | RawTriple | None:
        """Serve one request from the event loop.

        ``ctx`` is the request's context, not yet matched or pushed; the
        ASGI door's builds its environ only when something reads it.  A
        plain answer (a triple whose body is a list of bytes) is returned
        for the door to send after the request's teardown, as a WSGI server
        sends what the app returned; anything else (streams, files, async
        bodies) is sent from here by ``await emit(result, environ, sink)``
        while the request is current, and None is returned.

        A request for an ``async def`` view runs here, on the loop, with each
        plain hook in a worker thread.  Any other request (a plain view, or
        an app whose steps are replaced) runs whole in one worker thread
        through :meth:`serve`, so its push, view and teardown share a thread.
        ``prepare`` (the door's body reading) is called with the context
        once the endpoint's plan is known (None on the general lane), before
        anything runs; what it returns, unless None, is awaited (perf: a
        door that needs no await for a body it already has runs no
        coroutine).
        """
        lane = self.lane
        if lane.epoch != _receivers_epoch:
            lane = self.decide()
        app = self.app
        plan = None
        if lane.planned and not lane.middleware:
            ctx.match_request()  # before the push: the endpoint decides where to run
            rule = ctx.url_rule  # matching sets it, whether or not it made a request object
            endpoint = None if rule is None else rule.endpoint
            plan = self.plans.get(endpoint) or self.plan_for(endpoint)
        if prepare is not None:
            pending = prepare(ctx, plan)
            if pending is not None:
                await pending
        loop = _running_loop()
        if loop is not self.loop:  # perf: one identity test per request
            track_request_tasks(loop)
            self.loop = loop
        if plan is None or not plan.on_loop:
            environ = ctx.environ
            if lane.middleware:
                ready, pinned = await run_in_worker_keeping(_lazy, call_wsgi, app.wsgi_app, environ)
            else:
                ready, pinned = await run_in_worker_keeping(_lazy, self.serve, environ, materialize, None)
            if pinned is None:
                if type(ready) is tuple and type(ready[2]) is list:
                    return ready
                await emit(ready, environ, sink)
                return None
            token = pin(pinned)  # the body's code runs in the thread that served the request
            try:
                await emit(ready, environ, sink)
            finally:
                unpin(token)
                pinned.release()
            return None
        lean = lane.lean and not ctx._kept
        if lean:
            outer = _get_frame(None)
            if outer is not None and outer[0].app is app:
                app_ctx = outer[0]
            else:
                # perf: AppContext(app) without the class call (see ctx.enter_lean)
                app_ctx = _new_object(AppContext)
                app_ctx.app = app
                app_ctx._g = None
                app_ctx._adapter = _UNSET
                app_ctx._pushes = []
            ctx._app_ctx = app_ctx
            ctx._pushes.append(_set_frame((app_ctx, ctx)))  # a lean push: its token alone
        error: BaseException | None = None
        try:
            try:
                if not lean:
                    ctx.push()
                if (
                    plan.bare
                    and not lane.signals
                    and ctx._request is None
                    and ctx.routing_exception is None
                    and ctx._method in _VIEW_METHODS
                ):
                    # perf: dispatch_async for a view with no hook or
                    # preprocessor around it, inline: a coroutine less.
                    try:
                        view_args = ctx.view_args
                        # perf: as in dispatch, a call without ``**`` when there are no arguments
                        view = plan.view_async
                        rv = await (view(**view_args) if view_args else view())
                    except Exception as raised:
                        stock = self._stock_answer(raised, ctx, plan, lane)
                        result = await self._failed_async(raised, ctx, plan, lane) if stock is None else stock
                    else:
                        cookie = ctx._cookie
                        if (
                            lane.shortcuts
                            and not ctx._after_request_functions
                            and ctx._session is None
                            and not (cookie and app.config["SESSION_COOKIE_NAME"] in cookie)
                        ):
                            # perf: _unprocessed_result's answer, inline (a bare
                            # plan has no after hooks; the lane sends no signals)
                            result = rv if type(rv) is Response else (
                                direct_result(app, rv, ctx._method, True) or app.make_response(rv)
                            )
                        else:
                            direct = self._unprocessed_result(ctx, plan, rv, lane)
                            result = await self._finish_async(ctx, plan, rv, lane) if direct is None else direct
                else:
                    result = await self.dispatch_async(ctx, plan, lane)
            except Exception as e:
                error = e
                result = await self._handle_exception_async(e, ctx, plan, lane)
            except BaseException:
                error = sys.exc_info()[1]
                raise
            if type(result) is not tuple:
                # While current, as under WSGI; perf: a plain response object
                # (jsonify's) is made a triple without the environ.
                result = plain_triple(result, ctx._method) or materialize(result, ctx.environ, None)  # type: ignore[arg-type]  # a response
                if type(result) is not tuple:  # a response with an async body
                    await emit(result, ctx.environ, sink)
                    return None
            if type(result[2]) is list:
                return result  # perf: no coroutine to send it; the door does, after teardown
            await emit(result, ctx.environ, sink)  # type: ignore[arg-type]  # not raw: a raw triple's body is a list
            return None
        finally:
            if ctx._tasks:
                # Tasks the request started end before its teardown, never later.
                await settle(ctx._tasks)
            if lean:
                ctx._pop_lean()
            else:
                await self._pop_async(ctx, error)

    async def _pop_async(self, ctx: RequestContext, error: BaseException | None) -> None:
        """Pop a fully pushed context; teardown callbacks run as they would in a worker."""
        keep = ctx.environ.get(PRESERVE_CONTEXT)
        current = _get_frame(None)
        if keep is not None and current is not None:
            keep(current[0])
            keep(current[1])
        if error is not None and self.app.should_ignore_error(error):
            error = None
        # Plain teardown callbacks run in the worker; async ones come back here.
        await run_in_worker(ctx.pop, error)

    async def dispatch_async(self, ctx: DoorContext, plan: EndpointPlan, lane: Lane) -> AsyncResult:
        """:meth:`dispatch` with every hook and the view awaited."""
        app = self.app
        req = ctx._request
        rule = ctx.url_rule if req is None else req.url_rule
        try:
            if lane.signals:
                _send("request_started", app)
            rv = None
            if plan.preprocessing:
                req = ctx._request
                view_args = ctx.view_args if req is None else req.view_args
                for preprocess in plan.url_preprocessors:
                    preprocess(plan.endpoint, view_args)
                for hook in plan.before_async:
                    rv = await hook()
                    if rv is not None:
                        break
            if rv is None:
                req = ctx._request
                error = ctx.routing_exception if req is None else req.routing_exception
                if error is not None or rule is None:
                    rv = self._routing_failure(ctx, error)
                elif (
                    (method := ctx._method) != "GET"
                    and method != "POST"  # perf: no upper() for the commonest two
                    and method.upper() == "OPTIONS"
                    and getattr(rule, "provide_automatic_options", False)
                ):
                    rv = app.make_default_options_response()
                else:
                    view_args = ctx.view_args if req is None else req.view_args
                    # perf: as in dispatch, a call without ``**`` when there are no arguments
                    view = plan.view_async
                    rv = await (view(**view_args) if view_args else view())
        except Exception as e:
            if isinstance(e, HTTPException) and lane.stock_errors:  # perf: _stock_answer, inline (not_found)
                stock = self._stock_error(ctx, plan, e, ctx._method, ctx._cookie)
                if stock is not None:
                    return stock
            return await self._failed_async(e, ctx, plan, lane)
        result = self._unprocessed_result(ctx, plan, rv, lane)
        return await self._finish_async(ctx, plan, rv, lane) if result is None else result

    def _stock_answer(self, error: Exception, ctx: DoorContext, plan: EndpointPlan, lane: Lane) -> Result | None:
        """The pre-rendered page for ``error``, an HTTP error nothing handles; else None."""
        if isinstance(error, HTTPException) and lane.stock_errors:
            return self._stock_error(ctx, plan, error, ctx._method, ctx._cookie)
        return None

    async def _failed_async(self, error: Exception, ctx: DoorContext, plan: EndpointPlan, lane: Lane) -> AsyncResult:
        """What :meth:`dispatch_async` answers when a hook or the view raised ``error`` (not a stock page)."""
        rv = await self._user_error_async(error, plan, lane)
        result = self._unprocessed_result(ctx, plan, rv, lane)
        return await self._finish_async(ctx, plan, rv, lane) if result is None else result

    def _unprocessed_result(self, ctx: DoorContext, plan: EndpointPlan, rv: t.Any, lane: Lane) -> AsyncResult | None:
        """What to send for ``rv`` when no after-request step applies (a triple or a response); else None."""
        cookie = ctx._cookie
        if (
            plan.after
            or ctx._after_request_functions
            or ctx._session is not None
            or (cookie and self.app.config["SESSION_COOKIE_NAME"] in cookie)
            or lane.signals
        ):
            return None
        if lane.shortcuts:  # perf: _unprocessed, inline
            if type(rv) is Response:
                return rv  # perf: direct_result's case, without the call (serve_async makes the triple)
            direct = direct_result(self.app, rv, ctx._method, True)
            if direct is not None:
                return direct
        return self.app.make_response(rv)

    async def _finish_async(
        self, ctx: RequestContext, plan: EndpointPlan, rv: t.Any, lane: Lane
    ) -> Response:
        """The end of :meth:`dispatch` (``finalize_request``), with the after hooks awaited."""
        app = self.app
        response = app.make_response(rv)
        for callback in ctx._after_request_functions:
            response = await awaitable(callback)(response)
        for hook in plan.after_async:
            response = await hook(response)
        if app._session_opens_eagerly:
            await run_in_worker(save_session, app, ctx, response)  # a custom store may block
        else:
            save_session(app, ctx, response)
        if lane.signals:
            _send("request_finished", app, response=response)
        return response

    async def _user_error_async(self, e: Exception, plan: EndpointPlan, lane: Lane) -> t.Any:
        """``handle_user_exception`` with the handler awaited.

        Called while ``e`` is being handled.  When the app replaced the error
        steps, the replacements are called as they are.
        """
        app = self.app
        if not lane.error_steps_own:
            return app.handle_user_exception(e)
        if isinstance(e, HTTPException):
            explain_missing_key(app, e)
            if not app.trap_http_exception(e):
                if renders_itself(e):
                    return e
                handler = app._find_error_handler(e, plan.blueprints)
                return e if handler is None else await call_either(handler, e)
        handler = app._find_error_handler(e, plan.blueprints)
        if handler is None:
            raise  # noqa: PLE0704 - called while handling ``e``
        return await call_either(handler, e)

    async def _handle_exception_async(
        self, e: Exception, ctx: RequestContext, plan: EndpointPlan, lane: Lane
    ) -> Result:
        """``handle_exception`` with the 500 handler and the after hooks awaited."""
        app = self.app
        if not lane.error_steps_own:
            return app.handle_exception(e)
        answer, handler = app._server_error(e)
        if handler is not None:
            answer = await call_either(handler, answer)
        response = app.make_response(answer)
        try:
            return await self._finish_async(ctx, plan, response, lane)
        except Exception:
            app._log_finalize_failure()
            return response


def call_wsgi(wsgi_app: t.Callable[..., t.Iterable[bytes]], environ: WSGIEnvironment) -> Triple:
    """Call a WSGI application and keep what it starts: ``(status, headers, body)``.

    For an app whose ``wsgi_app`` is wrapped in middleware, under the ASGI
    door; a body that is not a list is iterated later, in the same thread.
    """
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> t.Any:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started.append((status, headers))
        return None

    body = wsgi_app(environ, start_response)
    if not started:  # a generator app starts the response with its first chunk
        body = _Started(body)
        if not started:
            body.close()
            raise RuntimeError("The WSGI application returned without calling start_response.")
    status, headers = started[-1]
    if type(body) is tuple:
        body = list(body)
    return status, headers, body


class _Started:
    """A WSGI body whose first chunk was taken to make the app start its response."""

    def __init__(self, body: t.Iterable[bytes]) -> None:
        self._body = body
        rest = iter(body)
        first = next(rest, None)
        self._chunks = rest if first is None else itertools.chain((first,), rest)

    def __iter__(self) -> t.Iterator[bytes]:
        return self._chunks

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


def _lazy(result: Result) -> bool:
    """Whether a materialized result still has request code to run: a lazy body."""
    return type(result) is not tuple or type(result[2]) is not list


def materialize(result: Result, environ: WSGIEnvironment, sink: None) -> Result:
    """A result as a ``(status, headers, body)`` triple, made while the request is current.

    A plain response object (a list body, headers that need no rewriting)
    gives its triple directly (``plain_triple``); any other is run as a
    WSGI application, and its body may stay a lazy iterable (a stream),
    which the door sends later.  A response whose body is an async
    iterator stays as it is: only the event loop can iterate it.
    """
    if type(result) is tuple:
        return result
    triple = plain_triple(result, environ.get("REQUEST_METHOD"))  # perf: most responses, without a WSGI call
    if triple is not None:
        return triple
    if hasattr(getattr(result, "response", None), "__aiter__"):
        return result
    return call_wsgi(result, environ)  # type: ignore[arg-type]

