"""Hook chains, and the per-endpoint plan the serving core follows.

Flask walks the registered hooks of the app and of every blueprint an
endpoint belongs to on each request.  The order is fixed by the endpoint
alone, so Kolba works each chain out once per endpoint and keeps it in an
:class:`EndpointPlan`.  Flask's public steps (``preprocess_request``,
``process_response``) use the same chain functions, so both lanes run hooks
in one order by construction.
"""

from __future__ import annotations

import functools
import typing as t

from .concurrency import is_coroutine_function, run_in_worker

if t.TYPE_CHECKING:
    from .app import Kolba

_Hooks = t.Mapping[t.Optional[str], t.Sequence[t.Callable[..., t.Any]]]


def blueprint_scopes(endpoint: str | None) -> tuple[str, ...]:
    """The blueprints an endpoint belongs to, innermost first.

    ``"admin.users.list"`` belongs to ``"admin.users"`` and to ``"admin"``.
    """
    if endpoint is None:
        return ()
    owner, dot, _ = endpoint.rpartition(".")
    if not dot:
        return ()
    names = [owner]
    while "." in owner:
        owner = owner.rpartition(".")[0]
        names.append(owner)
    return tuple(names)


def _registered(hooks: _Hooks, scope: str | None) -> t.Sequence[t.Callable[..., t.Any]]:
    # ``in`` first: a hook dict may be a defaultdict, and reading a missing
    # key would add it.
    return hooks[scope] if scope in hooks else ()


def outer_first(hooks: _Hooks, scopes: t.Sequence[str]) -> list[t.Callable[..., t.Any]]:
    """Hooks in the order "before" hooks run: the app's, then outermost blueprint in."""
    chain = list(_registered(hooks, None))
    for scope in reversed(scopes):
        chain += _registered(hooks, scope)
    return chain


def inner_first(hooks: _Hooks, scopes: t.Sequence[str]) -> list[t.Callable[..., t.Any]]:
    """Hooks in the order "after" hooks run: innermost blueprint out, each newest first."""
    chain: list[t.Callable[..., t.Any]] = []
    for scope in (*scopes, None):
        chain += reversed(_registered(hooks, scope))
    return chain


def run_preprocessors(
    endpoint: str | None,
    view_args: dict[str, t.Any] | None,
    url_preprocessors: t.Iterable[t.Callable[..., t.Any]],
    before: t.Iterable[t.Callable[[], t.Any]],
) -> t.Any:
    """URL value preprocessors, then before-request hooks until one answers."""
    for preprocess in url_preprocessors:
        preprocess(endpoint, view_args)
    for hook in before:
        answer = hook()
        if answer is not None:
            return answer
    return None


def run_after_hooks(response: t.Any, hooks: t.Iterable[t.Callable[[t.Any], t.Any]]) -> t.Any:
    """Pass the response through each after-request hook in turn."""
    for hook in hooks:
        response = hook(response)
    return response


def awaitable(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Awaitable[t.Any]]:
    """``func`` itself if it is a coroutine function, else a stand-in run in a worker."""
    if is_coroutine_function(func):
        return func

    async def in_worker(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return await run_in_worker(functools.partial(func, *args, **kwargs))

    return in_worker


def _missing_view(endpoint: str) -> t.Callable[..., t.Any]:
    def missing(**view_args: t.Any) -> t.Any:
        # A rule without a view: Flask's lookup fails the same way.
        raise KeyError(endpoint)

    return missing


class EndpointPlan:
    """What serving one endpoint takes, resolved once and never changed.

    A plan is complete before the core publishes it, so a thread that finds
    one can use every field; when registration changes, the core drops its
    plans and builds new ones.
    """

    __slots__ = (
        "endpoint", "blueprints", "view", "url_preprocessors", "before", "after", "preprocessing",
        "on_loop", "view_async", "before_async", "after_async", "streams_body", "bare",
    )

    def __init__(self, app: Kolba, endpoint: str | None) -> None:
        sync = app.ensure_sync
        scopes = blueprint_scopes(endpoint)
        self.endpoint = endpoint
        self.blueprints: tuple[str, ...] = scopes
        view = None if endpoint is None else app.view_functions.get(endpoint)
        raw_view = _missing_view(t.cast(str, endpoint)) if view is None else view
        before = outer_first(app.before_request_funcs, scopes)
        after = inner_first(app.after_request_funcs, scopes)
        self.view: t.Callable[..., t.Any] = sync(raw_view)
        self.url_preprocessors = tuple(outer_first(app.url_value_preprocessors, scopes))
        self.before = tuple(sync(f) for f in before)
        self.after = tuple(sync(f) for f in after)
        #: Whether there is anything to run before the view.
        self.preprocessing = bool(self.url_preprocessors or self.before)
        # Under the ASGI door: an async view's request runs on the event loop,
        # where every step is awaited (plain functions in worker threads); a
        # plain view's request runs whole in one worker thread.
        self.on_loop = is_coroutine_function(raw_view) or (
            view is None and all(map(is_coroutine_function, (*before, *after)))
        )
        #: The view reads its body as it arrives (``kolba.stream_request_body``).
        self.streams_body = bool(getattr(raw_view, "kolba_streams_body", False))
        self.view_async = awaitable(raw_view)
        self.before_async = tuple(map(awaitable, before))
        self.after_async = tuple(map(awaitable, after))
        #: A registered view with no hook or preprocessor around it: once
        #: matched, the view alone makes the answer.
        self.bare = view is not None and not self.preprocessing and not self.after
