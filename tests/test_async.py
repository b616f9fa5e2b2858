"""``async def`` views and hooks called from synchronous code (the WSGI door).

These match Flask with asgiref: each call sees the caller's context
variables and hands back the ones it set, tasks it leaves behind do not
outlive the call, and a thread that already runs an event loop can still
serve an async view.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import typing as t

import pytest

import kolba
from kolba import request, stream_with_context

pytest.importorskip("asgiref")  # Flask needs it for async views; Kolba does not

marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="unset")


def test_a_contextvar_set_in_an_async_before_request_reaches_the_view(app: kolba.Kolba) -> None:
    @app.before_request
    async def mark() -> None:
        marker.set("from the hook")

    @app.route("/sync")
    def sync_view() -> str:
        return marker.get()

    @app.route("/async")
    async def async_view() -> str:
        return marker.get()

    client = app.test_client()
    assert client.get("/sync").text == "from the hook"
    assert client.get("/async").text == "from the hook"


def test_a_contextvar_set_in_an_async_view_reaches_after_request(app: kolba.Kolba) -> None:
    @app.route("/")
    async def view() -> str:
        marker.set("from the view")
        return "ok"

    @app.after_request
    def tag(response: kolba.Response) -> kolba.Response:
        response.headers["X-Marker"] = marker.get()
        return response

    assert app.test_client().get("/").headers["X-Marker"] == "from the view"


def test_tasks_left_behind_never_run_during_a_later_request(app: kolba.Kolba) -> None:
    active: dict[str, str | None] = {"path": None}
    seen: list[str | None] = []

    @app.before_request
    def enter() -> None:
        active["path"] = request.path

    @app.teardown_request
    def leave(exc: BaseException | None) -> None:
        active["path"] = None

    async def background() -> None:
        try:
            for _ in range(5):
                await asyncio.sleep(0)
            seen.append(active["path"])
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    @app.route("/one")
    async def one() -> str:
        asyncio.get_running_loop().create_task(background())
        return "one"

    @app.route("/two")
    async def two() -> str:
        for _ in range(10):
            await asyncio.sleep(0)
        return "two"

    client = app.test_client()
    assert client.get("/one").text == "one"
    assert client.get("/two").text == "two"
    # Finished or cancelled before /one's teardown, never run on during /two
    # (which would see "/two") or after /one's teardown (None). Where the
    # view ran on a server's loop from a worker thread (the ASGI door's
    # general lane), the loop is free while the thread finishes the request,
    # so the task may end during /one.
    assert seen in ([], ["cancelled"], ["/one"])


@pytest.mark.kolba_only  # Flask (asgiref) refuses: "You cannot use AsyncToSync in the same thread as an async event loop"
def test_an_async_view_from_a_thread_that_runs_a_loop(app: kolba.Kolba) -> None:
    @app.route("/")
    async def view() -> str:
        await asyncio.sleep(0)
        return "ok"

    client = app.test_client()

    async def caller() -> tuple[int, str]:
        response = client.get("/")  # a blocking call made inside a running loop
        return response.status_code, response.text

    assert asyncio.run(caller()) == (200, "ok")


def test_an_async_view_can_return_a_stream_with_context_generator(app: kolba.Kolba) -> None:
    @app.route("/stream")
    async def view() -> t.Any:
        @stream_with_context
        def chunks() -> t.Iterator[str]:
            yield "path="
            yield request.path

        return chunks()

    response = app.test_client().get("/stream")
    assert (response.status_code, response.text) == (200, "path=/stream")


def test_an_async_error_handler_and_teardown(app: kolba.Kolba) -> None:
    torn: list[str] = []

    @app.route("/")
    def view() -> str:
        raise KeyError("x")

    @app.errorhandler(KeyError)
    async def handled(error: KeyError) -> tuple[str, int]:
        await asyncio.sleep(0)
        return "handled", 409

    @app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        torn.append(type(exc).__name__ if exc else "none")

    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (409, "handled")
    assert torn == ["none"]


@pytest.mark.kolba_only
def test_a_plain_wsgi_app_never_imports_asyncio() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "KOLBA_TESTS_DOOR"}
    code = (
        "import sys, kolba\n"
        "app = kolba.Kolba('lazy')\n"
        "@app.route('/')\n"
        "def index() -> str:\n"
        "    return 'hi'\n"
        "assert app.test_client().get('/').text == 'hi'\n"
        "print('asyncio' in sys.modules, 'concurrent.futures' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
