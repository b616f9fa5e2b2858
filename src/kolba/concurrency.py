"""Running ``async def`` views and hooks from synchronous code.

Under the WSGI door every callable is called synchronously; a coroutine
function is wrapped so that calling it runs the coroutine to completion on
an event loop kept per thread.
"""

from __future__ import annotations

import functools
import threading
import typing as t

_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect


def is_coroutine_function(func: t.Callable[..., t.Any]) -> bool:
    """``inspect.iscoroutinefunction``, answering plain functions without inspect."""
    code = getattr(func, "__code__", None)
    if code is not None and not code.co_flags & _CO_COROUTINE:
        if not hasattr(func, "_is_coroutine_marker"):
            return False  # perf: the usual case answers here
    import inspect

    return inspect.iscoroutinefunction(func)


class _ThreadLoop:
    """One thread's event loop, closed when the thread's state is collected."""

    def __init__(self) -> None:
        import asyncio
        import contextvars

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


def run_coroutine(coro: t.Coroutine[t.Any, t.Any, t.Any]) -> t.Any:
    """Run ``coro`` to completion on this thread's loop and return its result."""
    holder: _ThreadLoop | None = getattr(_per_thread, "loop", None)
    if holder is None or holder.loop.is_closed():
        holder = _per_thread.loop = _ThreadLoop()
    return holder.loop.run_until_complete(coro)


def async_to_sync(
    func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]],
) -> t.Callable[..., t.Any]:
    """A plain function that runs ``func``'s coroutine and returns its result."""

    @functools.wraps(func)
    def run(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return run_coroutine(func(*args, **kwargs))

    return run
