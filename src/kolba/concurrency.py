"""Where ``async def`` and plain functions run, and how the context follows them.

Kolba calls user code from two worlds:

* **Synchronous code** (the WSGI door, and the worker threads of the ASGI
  door) calls a coroutine function through :func:`async_to_sync`.  In an
  ASGI worker thread the coroutine runs on the server's event loop, which
  the thread waits for; elsewhere it runs on an event loop kept per thread,
  or, when that thread already runs a loop, on a helper thread's loop.
* **The event loop** (the ASGI door) calls a plain function through
  :func:`run_in_worker`, in a bounded pool of threads.

Either way the callee runs in a copy of the caller's context variables, and
the values it set are copied back afterwards, so a ``ContextVar`` set in an
``async`` before-request hook is visible to the view (as with Flask and
asgiref).  Tasks a coroutine leaves behind on a per-thread loop are
cancelled before the call returns, so they can never resume during a later
request.
"""

from __future__ import annotations

import contextvars
import functools
import os
import threading
import typing as t
import weakref

from .globals import _get_frame

if t.TYPE_CHECKING:
    # asyncio and concurrent.futures are imported where first needed: a
    # plain WSGI app never loads them (import time).
    import asyncio
    import concurrent.futures

_T = t.TypeVar("_T")
_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect
_MISSING = object()


def is_coroutine_function(func: t.Callable[..., t.Any]) -> bool:
    """``inspect.iscoroutinefunction``, answering plain functions without inspect."""
    code = getattr(func, "__code__", None)
    if code is not None and not code.co_flags & _CO_COROUTINE:
        if not hasattr(func, "_is_coroutine_marker"):
            return False  # perf: the usual case answers here
    import inspect

    return inspect.iscoroutinefunction(func)


# -- context variables across threads and tasks ---------------------------------------


def adopt(changed: contextvars.Context) -> None:
    """Set, in the current context, every variable whose value ``changed`` differs in."""
    for variable, value in changed.items():
        if variable.get(_MISSING) is not value:
            variable.set(value)


async def _capturing(coro: t.Awaitable[_T], box: list[contextvars.Context]) -> _T:
    """Await ``coro`` and keep a snapshot of the task's context at the end."""
    try:
        return await coro
    finally:
        box.append(contextvars.copy_context())


# -- synchronous callers: a loop per thread ----------------------------------------------


class _ThreadLoop:
    """One thread's event loop, closed when the thread's state is collected."""

    def __init__(self) -> None:
        import asyncio

        # The loop registers its self-pipe reader with a copy of the current
        # context.  Made in an empty one, the loop (which lives as long as its
        # thread) keeps no request, and so no app, alive.
        self.loop = contextvars.Context().run(asyncio.new_event_loop)

    def __del__(self) -> None:
        try:
            if not self.loop.is_closed():
                self.loop.close()
        except Exception:  # noqa: BLE001 - asyncio may be gone at interpreter exit
            pass


_per_thread = threading.local()


def _thread_loop() -> asyncio.AbstractEventLoop:
    holder: _ThreadLoop | None = getattr(_per_thread, "loop", None)
    if holder is None or holder.loop.is_closed():
        holder = _per_thread.loop = _ThreadLoop()
    return holder.loop


def _run_here(coro: t.Awaitable[_T]) -> tuple[_T, contextvars.Context]:
    """Run ``coro`` on this thread's loop; cancel the tasks it leaves behind."""
    import asyncio

    loop = _thread_loop()
    box: list[contextvars.Context] = []
    before = asyncio.all_tasks(loop)
    main = loop.create_task(_capturing(coro, box))
    try:
        result = loop.run_until_complete(main)
    finally:
        leftover = asyncio.all_tasks(loop) - before - {main}
        for task in leftover:
            task.cancel()
        if leftover:
            loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
    return result, box[0]


_helpers: concurrent.futures.ThreadPoolExecutor | None = None
_helpers_lock = threading.Lock()


def _helper_pool() -> concurrent.futures.ThreadPoolExecutor:
    """Threads that run coroutines for callers whose own thread runs a loop."""
    import concurrent.futures

    global _helpers
    with _helpers_lock:
        if _helpers is None:
            _helpers = concurrent.futures.ThreadPoolExecutor(
                max_workers=8, thread_name_prefix="kolba-async"
            )
        return _helpers


def run_coroutine(coro: t.Coroutine[t.Any, t.Any, _T]) -> _T:
    """Run ``coro`` to completion from synchronous code and return its result.

    The caller's context variables are visible to the coroutine, and those it
    sets are visible to the caller afterwards.
    """
    import asyncio

    server_loop = getattr(_per_thread, "server_loop", None)
    if server_loop is not None:
        # An ASGI worker thread: async code belongs on the server's loop.
        box: list[contextvars.Context] = []
        result = asyncio.run_coroutine_threadsafe(_capturing(coro, box), server_loop).result()
        adopt(box[0])
        return result
    if asyncio._get_running_loop() is None:
        result, changed = _run_here(coro)
    else:
        # This thread is inside a running loop, which cannot be re-entered.
        copied = contextvars.copy_context()
        result, changed = _helper_pool().submit(copied.run, _run_here, coro).result()
    adopt(changed)
    return result


def async_to_sync(
    func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]],
) -> t.Callable[..., t.Any]:
    """A plain function that runs ``func``'s coroutine and returns its result."""

    @functools.wraps(func)
    def run(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return run_coroutine(func(*args, **kwargs))

    return run


# -- the event loop's callers: a bounded pool of worker threads ---------------------------

#: How many threads the ASGI door may use for plain functions at once.
DEFAULT_WORKERS = int(os.environ.get("KOLBA_ASGI_THREADS", "40"))

_workers: concurrent.futures.ThreadPoolExecutor | None = None
_workers_lock = threading.Lock()


def _worker_pool() -> concurrent.futures.ThreadPoolExecutor:
    import concurrent.futures

    global _workers
    with _workers_lock:
        if _workers is None:
            _workers = concurrent.futures.ThreadPoolExecutor(
                max_workers=DEFAULT_WORKERS, thread_name_prefix="kolba-worker"
            )
        return _workers


def _call_for_loop(
    loop: asyncio.AbstractEventLoop,
    context: contextvars.Context,
    func: t.Callable[..., _T],
    args: tuple[t.Any, ...],
) -> _T:
    """In a worker: call ``func`` in ``context``, with coroutines routed back to ``loop``."""
    _per_thread.server_loop = loop
    try:
        return context.run(func, *args)
    finally:
        _per_thread.server_loop = None


def shutdown_workers() -> None:
    """Stop the worker threads (after serving; a new pool starts on demand)."""
    global _workers
    with _workers_lock:
        pool, _workers = _workers, None
    if pool is not None:
        pool.shutdown(wait=True)


async def run_in_worker(func: t.Callable[..., _T], *args: t.Any) -> _T:
    """Call ``func(*args)`` in a worker thread with this context, and adopt its changes.

    Coroutines the function runs through :func:`async_to_sync` come back to
    this loop.
    """
    import asyncio

    loop = asyncio.get_running_loop()
    copied = contextvars.copy_context()
    result = await loop.run_in_executor(_worker_pool(), _call_for_loop, loop, copied, func, args)
    adopt(copied)
    return result


# -- one request's thread, kept while its body is sent ------------------------------------

#: The :class:`Pinned` worker of the request being sent, if it kept one.
_pinned: contextvars.ContextVar[Pinned | None] = contextvars.ContextVar("kolba_pinned", default=None)


class Pinned:
    """The worker thread that served a request, kept to produce its lazy body.

    A streamed body (``stream_with_context`` above all) runs the request's
    code after the view returned: the generator, then the teardown when it
    ends.  That code must run in the thread that ran ``before_request``, as
    it does under a WSGI server, or thread-bound handles opened there (a
    ``sqlite3`` connection) can neither be used nor closed.  The thread
    waits for jobs (:meth:`call`) until :meth:`release`.
    """

    __slots__ = ("_jobs", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        import queue

        self._jobs: queue.SimpleQueue[tuple[t.Any, ...] | None] = queue.SimpleQueue()
        self.loop = loop

    async def call(self, func: t.Callable[..., _T], *args: t.Any) -> _T:
        """:func:`run_in_worker`, in this thread."""
        future = self.loop.create_future()
        copied = contextvars.copy_context()
        self._jobs.put((future, copied, func, args))
        result: _T = await future
        adopt(copied)
        return result

    def release(self) -> None:
        """Let the thread go back to the pool once the job it runs (if any) ends."""
        self._jobs.put(None)

    def work(self) -> None:
        """In the worker: run jobs until released."""
        loop = self.loop
        while (job := self._jobs.get()) is not None:
            future, copied, func, args = job
            try:
                value = _call_for_loop(loop, copied, func, args)
            except BaseException as error:  # noqa: BLE001 - handed to the awaiting task
                loop.call_soon_threadsafe(_hand_over, future, None, error, None)
            else:
                loop.call_soon_threadsafe(_hand_over, future, value, None, None)


def _hand_over(
    future: asyncio.Future[t.Any], value: t.Any, error: BaseException | None, pinned: Pinned | None
) -> None:
    """On the loop: settle ``future``; a thread kept for a task that gave up is let go."""
    if future.cancelled():
        if pinned is not None:
            pinned.release()
    elif error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


def _serve_then_keep(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[t.Any], context: contextvars.Context,
    keep: t.Callable[[t.Any], bool], func: t.Callable[..., t.Any], args: tuple[t.Any, ...],
) -> None:
    """In a worker: ``func(*args)``; if ``keep(result)``, stay as a :class:`Pinned` thread."""
    try:
        result = _call_for_loop(loop, context, func, args)
    except BaseException as error:  # noqa: BLE001 - handed to the awaiting task
        loop.call_soon_threadsafe(_hand_over, future, None, error, None)
        return
    if not keep(result):
        loop.call_soon_threadsafe(_hand_over, future, (result, None), None, None)
        return
    pinned = Pinned(loop)
    loop.call_soon_threadsafe(_hand_over, future, (result, pinned), None, pinned)
    pinned.work()


async def run_in_worker_keeping(
    keep: t.Callable[[t.Any], bool], func: t.Callable[..., _T], *args: t.Any
) -> tuple[_T, Pinned | None]:
    """:func:`run_in_worker`; the thread is kept (a :class:`Pinned`) if ``keep(result)``.

    The caller must :meth:`Pinned.release` the thread it is given.
    """
    import asyncio

    loop = asyncio.get_running_loop()
    future = loop.create_future()
    copied = contextvars.copy_context()
    _worker_pool().submit(_serve_then_keep, loop, future, copied, keep, func, args)
    result, pinned = await future
    adopt(copied)
    return result, pinned


async def run_in_request_thread(func: t.Callable[..., _T], *args: t.Any) -> _T:
    """:func:`run_in_worker`, in the request's kept thread when it has one."""
    pinned = _pinned.get()
    if pinned is not None:
        return await pinned.call(func, *args)
    return await run_in_worker(func, *args)


def pin(pinned: Pinned) -> contextvars.Token[Pinned | None]:
    """Make ``pinned`` the thread :func:`run_in_request_thread` uses in this context."""
    return _pinned.set(pinned)


def unpin(token: contextvars.Token[Pinned | None]) -> None:
    _pinned.reset(token)


async def call_either(func: t.Callable[..., t.Any], *args: t.Any) -> t.Any:
    """Await ``func(*args)`` if it is a coroutine function, else run it in a worker."""
    if is_coroutine_function(func):
        return await func(*args)
    return await run_in_worker(func, *args)


# -- tasks a request leaves behind on the server's loop ------------------------------------

#: Loops whose task factory records tasks; weak, so a closed loop is
#: forgotten (an id could be reused by a later loop).
_tracked_loops: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()


def track_request_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Have every task created on ``loop`` recorded on the request that created it.

    Done once per loop, through the loop's public task-factory hook and
    chained to any factory already installed.  A task belongs to the request
    context current where it was created; the request cancels what is still
    running before its teardown (:func:`settle`, :func:`settle_from_thread`).
    A loop without the hook is left alone, and its requests' tasks are not
    tracked.
    """
    import asyncio

    if loop in _tracked_loops:
        return
    _tracked_loops.add(loop)
    previous = loop.get_task_factory()

    def factory(loop: asyncio.AbstractEventLoop, coro: t.Any, **options: t.Any) -> asyncio.Task[t.Any]:
        if previous is not None:
            task = previous(loop, coro, **options)
        else:
            task = asyncio.Task(coro, loop=loop, **options)
        frame = _get_frame(None)
        if frame is not None and frame[1] is not None:
            owner = frame[1]
            if owner._tasks is None:
                owner._tasks = []
            owner._tasks.append(task)
        return task  # type: ignore[return-value]

    try:
        loop.set_task_factory(factory)
    except (NotImplementedError, AttributeError):
        pass


async def settle(tasks: list[asyncio.Task[t.Any]]) -> None:
    """Cancel the tasks still running and wait until they have ended."""
    import asyncio

    current = asyncio.current_task()
    pending = [task for task in tasks if not task.done() and task is not current]
    tasks.clear()
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


def settle_from_thread(tasks: list[asyncio.Task[t.Any]]) -> None:
    """:func:`settle`, called from synchronous code (a worker thread's teardown)."""
    import asyncio

    loop = tasks[0].get_loop()
    if asyncio._get_running_loop() is loop:
        for task in tasks:  # on the loop's own thread: cancel, cannot wait
            task.cancel()
        tasks.clear()
        return
    asyncio.run_coroutine_threadsafe(settle(tasks), loop).result()
