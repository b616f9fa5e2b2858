"""``run_in_worker_keeping``: the ASGI door keeps a request's worker thread for its body."""

from __future__ import annotations

import asyncio
import sys
import threading
import typing as t

import pytest

pytestmark = pytest.mark.kolba_only  # Kolba's own ASGI machinery


def _run(coro: t.Awaitable[t.Any]) -> t.Any:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_a_result_not_kept_gives_the_thread_back() -> None:
    from kolba.concurrency import run_in_worker_keeping

    async def main() -> tuple[int, t.Any]:
        return await run_in_worker_keeping(lambda result: False, lambda: 7)

    assert _run(main()) == (7, None)


def test_a_kept_thread_runs_every_later_call_until_released() -> None:
    from kolba.concurrency import run_in_worker_keeping

    async def main() -> tuple[int, list[int]]:
        first, pinned = await run_in_worker_keeping(lambda result: True, threading.get_ident)
        assert pinned is not None
        try:
            later = [await pinned.call(threading.get_ident) for _ in range(5)]
            with pytest.raises(ZeroDivisionError):
                await pinned.call(lambda: 1 // 0)
            later.append(await pinned.call(threading.get_ident))
        finally:
            pinned.release()
        return first, later

    first, later = _run(main())
    assert first != threading.get_ident()
    assert later == [first] * 6


def test_an_error_in_the_first_call_reaches_the_caller() -> None:
    from kolba.concurrency import run_in_worker_keeping

    def fail() -> None:
        raise LookupError("first")

    async def main() -> None:
        await run_in_worker_keeping(lambda result: True, fail)

    with pytest.raises(LookupError, match="first"):
        _run(main())


def test_a_caller_that_gave_up_releases_the_thread_it_would_have_kept() -> None:
    from kolba.concurrency import run_in_worker_keeping

    started, done = threading.Event(), threading.Event()
    kept: list[int] = []

    def slow() -> int:
        started.set()
        done.wait(2)
        kept.append(threading.get_ident())
        return 1

    async def main() -> None:
        task = asyncio.ensure_future(run_in_worker_keeping(lambda result: True, slow))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 2)
        task.cancel()
        done.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.1)  # the hand-over runs on the loop and releases the thread

    _run(main())
    # The released thread left Pinned.work: it is no longer blocked in it.
    thread = next(th for th in threading.enumerate() if th.ident == kept[0])
    frame = sys._current_frames().get(thread.ident)  # type: ignore[arg-type]
    assert "work" not in {f.f_code.co_name for f in _stack(frame)}


def _stack(frame: t.Any) -> t.Iterator[t.Any]:
    while frame is not None:
        yield frame
        frame = frame.f_back


@pytest.mark.parametrize("kind", ["stream_with_context", "sse"])
def test_a_plain_views_body_runs_in_the_thread_that_served_it(kind: str) -> None:
    import kolba
    from kolba import g, sse

    app = kolba.Kolba(__name__)

    @app.before_request
    def note_thread() -> None:
        g.thread = threading.get_ident()

    @app.route("/")
    def view() -> t.Any:
        def items() -> t.Iterator[str]:
            for _ in range(5):
                yield "same" if threading.get_ident() == g.thread else "other"

        if kind == "sse":
            return sse.response(kolba.stream_with_context(items()))
        return kolba.Response(kolba.stream_with_context(items()))

    client = app.test_client(door="asgi")
    for _ in range(10):
        body = client.get("/").get_data(as_text=True)
        assert body.count("same") == 5 and "other" not in body, body
