"""Server-sent events: a ``text/event-stream`` response from a generator.

::

    from kolba import sse

    @app.route("/updates")
    async def updates():
        async def feed():
            async for change in watch_changes():
                yield sse.event(change, event="change", id=change["version"])
        return sse.response(feed())

Each item the generator yields becomes one event: an :class:`Event` as
given, a ``str`` (or UTF-8 ``bytes``) as its data, and any other value as
its JSON (through the app's JSON provider).  ``None`` sends nothing; it is
how a plain generator says "still waiting" (below).

**Keep-alives.**  When ``keep_alive`` seconds pass without a frame, a
comment line (``: keep-alive``) goes out, so proxies and browsers keep the
connection open.  Under ASGI, and for async generators under WSGI, a timer
does it while the generator waits.  A plain generator under WSGI runs in
the server's thread and cannot be interrupted; the comment goes out when
it next yields, so one that waits for long should wait in slices and yield
``None`` between them (``queue.get(timeout=5)``, then ``yield None``).

**Disconnects.**  A client that leaves ends the generator (its ``finally``
runs): an async one at once, cancelled where it waits; a plain one once its
current step returns.

The wire format is the HTML standard's: every field is a ``name: value``
line, data with line breaks becomes several ``data:`` lines, and a blank
line ends the event.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import queue
import re
import threading
import time
import typing as t

from .wrappers import Response

#: Seconds between keep-alive comments while the generator sends nothing.
KEEP_ALIVE = 15.0

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_KEEP_ALIVE_FRAME = b": keep-alive\n\n"

Dumps = t.Callable[[t.Any], str]


class Event:
    """One server-sent event; ``bytes(event)`` is its frame on the wire.

    ``data`` that is not a string is sent as JSON.  ``id`` becomes the
    browser's ``lastEventId`` (sent back in ``Last-Event-ID`` when it
    reconnects); ``retry`` tells it how many milliseconds to wait before
    reconnecting; ``comment`` lines are ignored by clients.
    """

    __slots__ = ("data", "event", "id", "retry", "comment")

    def __init__(
        self, data: t.Any = None, *, event: str | None = None, id: str | int | None = None,
        retry: int | None = None, comment: str | None = None,
    ) -> None:
        if event is not None and _LINE_BREAK.search(event):
            raise ValueError("An event name cannot contain a line break.")
        if id is not None:
            id = str(id)
            if _LINE_BREAK.search(id) or "\0" in id:
                raise ValueError("An event id cannot contain a line break or NUL.")
        if retry is not None and (type(retry) is not int or retry < 0):
            raise ValueError("retry is a whole number of milliseconds, not negative.")
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry
        self.comment = comment

    def frame(self, dumps: Dumps = json.dumps) -> str:
        """The event as text on the wire, ending with its blank line."""
        lines: list[str] = []
        if self.comment is not None:
            lines.extend(": " + line for line in _LINE_BREAK.split(self.comment))
        if self.id is not None:
            lines.append("id: " + self.id)
        if self.event is not None:
            lines.append("event: " + self.event)
        if self.retry is not None:
            lines.append(f"retry: {self.retry}")
        data = self.data
        if data is not None:
            text = data if isinstance(data, str) else dumps(data)
            lines.extend("data: " + line for line in _LINE_BREAK.split(text))
        lines.append("\n")
        return "\n".join(lines)

    def __bytes__(self) -> bytes:
        return self.frame().encode("utf-8")

    def __str__(self) -> str:
        return self.frame()

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in self.__slots__
            if getattr(self, name) is not None
        )
        return f"Event({fields})"


def event(
    data: t.Any = None, event: str | None = None, id: str | int | None = None,
    retry: int | None = None,
) -> Event:
    """An event to yield into :func:`response`; see :class:`Event`."""
    return Event(data, event=event, id=id, retry=retry)


def comment(text: str) -> Event:
    """A comment line, which clients ignore (keep-alives are comments too)."""
    return Event(comment=text)


def _encoder(source_dumps: Dumps | None) -> t.Callable[[t.Any], bytes | None]:
    dumps = source_dumps or json.dumps

    def encode(item: t.Any) -> bytes | None:
        if item is None:
            return None
        if isinstance(item, Event):
            message = item
        else:
            message = Event(item.decode("utf-8") if isinstance(item, bytes) else item)
        return message.frame(dumps).encode("utf-8")

    return encode


class _End:
    """Marks the end of a plain iterator, handed back from a worker thread."""


_END = _End()


def _next_or_end(iterator: t.Iterator[t.Any]) -> t.Any:
    return next(iterator, _END)


class EventStream:
    """The body of an event-stream response: the source's items as frames.

    Iterable both ways: the ASGI door iterates it asynchronously (a plain
    source's steps in worker threads), a WSGI server plainly (a plain
    source in the server's thread, an async one on a helper thread's event
    loop).
    """

    def __init__(self, source: t.Iterable[t.Any] | t.AsyncIterable[t.Any], keep_alive: float | None = KEEP_ALIVE,
                 dumps: Dumps | None = None) -> None:
        self.source = source
        self.keep_alive = keep_alive
        self._encode = _encoder(dumps)
        self._pump: _Pump | None = None

    # -- the event loop (ASGI) ------------------------------------------------

    def __aiter__(self) -> t.AsyncIterator[bytes]:
        return self._frames_async()

    async def _frames_async(self) -> t.AsyncIterator[bytes]:
        from .concurrency import run_in_request_thread

        source = self.source
        is_async = hasattr(source, "__aiter__")
        if is_async:
            async_items = t.cast("t.AsyncIterable[t.Any]", source).__aiter__()
        else:
            items = iter(source)  # type: ignore[arg-type]
        keep_alive = self.keep_alive
        pending: asyncio.Future[t.Any] | None = None
        last = time.monotonic()
        try:
            while True:
                if pending is None:
                    if is_async:
                        pending = asyncio.ensure_future(async_items.__anext__())
                    else:
                        pending = asyncio.ensure_future(run_in_request_thread(_next_or_end, items))
                if keep_alive is None:
                    await asyncio.wait((pending,))
                else:
                    wait = max(0.0, keep_alive - (time.monotonic() - last))
                    done, _ = await asyncio.wait((pending,), timeout=wait)
                    if not done:
                        last = time.monotonic()
                        yield _KEEP_ALIVE_FRAME
                        continue
                step, pending = pending, None
                try:
                    item = step.result()
                except StopAsyncIteration:
                    return
                if item is _END:
                    return
                frame = self._frame_for(item, last)
                if frame is None:
                    continue
                last = time.monotonic()
                yield frame
        finally:
            if is_async:
                if pending is not None:
                    pending.cancel()  # the async source ends where it waits
                    await asyncio.wait((pending,))
                close = getattr(async_items, "aclose", None)
                if close is not None:
                    await close()
            else:
                if pending is not None:
                    await asyncio.wait((pending,))  # a thread cannot be interrupted
                close = getattr(items, "close", None)
                if close is not None:
                    await run_in_request_thread(close)

    def _frame_for(self, item: t.Any, last: float) -> bytes | None:
        """The bytes to send for ``item``, or None to send nothing yet.

        ``None`` from the source means "nothing to send": a keep-alive goes
        out instead once ``keep_alive`` seconds have passed since ``last``,
        the time the previous frame went out.
        """
        frame = self._encode(item)
        if frame is not None:
            return frame
        keep_alive = self.keep_alive
        if keep_alive is None or time.monotonic() - last < keep_alive:
            return None
        return _KEEP_ALIVE_FRAME

    # -- a plain server thread (WSGI) -------------------------------------------

    def __iter__(self) -> t.Iterator[bytes]:
        source = self.source
        if not hasattr(source, "__aiter__"):
            return self._frames_here(source)
        self._pump = _Pump(source, self._encode)  # type: ignore[arg-type]
        return self._pump.frames(self.keep_alive)

    def _frames_here(self, source: t.Iterable[t.Any]) -> t.Iterator[bytes]:
        """A plain source in the server's own thread.

        It cannot be interrupted while it waits, so it says when it has
        nothing by yielding ``None``; a keep-alive goes out then, if the
        last frame is ``keep_alive`` seconds old.  (A helper thread could
        time the comments itself, but a ``stream_with_context`` generator
        must end in the thread that started it.)
        """
        items = iter(source)
        last = time.monotonic()
        try:
            for item in items:
                frame = self._frame_for(item, last)
                if frame is None:
                    continue
                last = time.monotonic()
                yield frame
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    def close(self) -> None:
        """The server is done with the body (the client may have left)."""
        if self._pump is not None:
            self._pump.stop()
        elif not hasattr(self.source, "__aiter__"):
            close = getattr(self.source, "close", None)
            if close is not None:
                close()


class _Pump:
    """Runs an async source on its own event loop in a helper thread (WSGI).

    Frames come back over a small queue; when the consumer stops, the
    source is cancelled where it waits.
    """

    def __init__(self, source: t.AsyncIterable[t.Any], encode: t.Callable[[t.Any], bytes | None]) -> None:
        self.source = source
        self.encode = encode
        self.handover: queue.Queue[tuple[str, t.Any]] = queue.Queue(maxsize=16)
        self.stopped = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Future[None] | None = None
        context = contextvars.copy_context()
        self.thread = threading.Thread(target=context.run, args=(self._run,), name="kolba-sse", daemon=True)
        self.thread.start()

    def frames(self, keep_alive: float | None) -> t.Iterator[bytes]:
        try:
            while True:
                try:
                    kind, value = self.handover.get(timeout=keep_alive)
                except queue.Empty:
                    yield _KEEP_ALIVE_FRAME
                    continue
                if kind == "frame":
                    yield value
                elif kind == "end":
                    return
                else:
                    raise value
        finally:
            self.stop()

    def stop(self) -> None:
        self.stopped.set()
        loop, task = self.loop, self.task
        if loop is not None and task is not None:
            try:
                loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:
                pass  # the loop has finished already

    def _put(self, kind: str, value: t.Any) -> bool:
        """Hand over one entry; False once the consumer has stopped."""
        while not self.stopped.is_set():
            try:
                self.handover.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            asyncio.run(self._drain())
        except BaseException as error:  # noqa: BLE001 - re-raised in the consumer
            self._put("error", error)
        else:
            self._put("end", None)

    async def _drain(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.task = asyncio.current_task()
        if self.stopped.is_set():
            return
        items = self.source.__aiter__()
        try:
            async for item in items:
                frame = self.encode(item)
                if frame is not None and not await asyncio.to_thread(self._put, "frame", frame):
                    return
        except asyncio.CancelledError:
            return
        finally:
            close = getattr(items, "aclose", None)
            if close is not None:
                await close()


def response(
    source: t.Iterable[t.Any] | t.AsyncIterable[t.Any], *, keep_alive: float | None = KEEP_ALIVE,
    status: int = 200, headers: t.Mapping[str, str] | None = None,
) -> Response:
    """A ``text/event-stream`` response sending the items ``source`` yields.

    ``keep_alive`` is the number of seconds of silence after which a
    comment line is sent (None: never).  The response is not cached and
    asks proxies not to buffer it (``Cache-Control: no-cache``,
    ``X-Accel-Buffering: no``).  Called where an app is current, non-string
    data is encoded by the app's JSON provider.
    """
    from .ctx import has_app_context
    from .globals import current_app

    dumps = current_app.json.dumps if has_app_context() else None
    stream = EventStream(source, keep_alive, dumps)
    reply = Response(stream, status=status, headers=headers, mimetype="text/event-stream")
    reply.headers["Cache-Control"] = "no-cache"
    reply.headers["X-Accel-Buffering"] = "no"
    return reply


__all__ = ["Event", "EventStream", "KEEP_ALIVE", "comment", "event", "response"]
