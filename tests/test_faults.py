"""The fault matrix, in process: one part of a request fails, the app holds.

For each fault (``tests/safety_apps/faults.py``): the defined answer (the
500 page, the exception handed to the server, or the stream cut), the
teardown functions ran and saw the error, the log records are exactly the
expected ones, the SQLite connection opened in ``before_request`` is closed,
no file descriptor is left open, and the next request on the same app is
healthy.  Runs through the test client in both doors (``KOLBA_TESTS_DOOR``)
and against Flask (``KOLBA_TESTS_AGAINST``); the table is in
docs/reliability.md.
"""

from __future__ import annotations

import logging
import typing as t
from pathlib import Path

import pytest

from tests.conftest import ASGI_DOOR
from tests.safety_apps.faults import build_fault_app, open_fds

EXCEPTION_LOG = "Exception on / [GET]"
#: Flask logs this when the error page's own ``after_request`` fails again.
FINALIZE_LOG = "Request finalizing failed with an error while handling an error"


class Case(t.NamedTuple):
    fault: str
    #: The status, or None when the exception reaches the server.
    status: int | None
    #: The error the teardown functions are given (its class name).
    teardown_sees: str | None
    logs: tuple[str, ...]


CASES = [
    Case("view", 500, "RuntimeError", (EXCEPTION_LOG,)),
    Case("before", 500, "RuntimeError", (EXCEPTION_LOG,)),
    # The 500 page goes through after_request too, which fails again.
    Case("after", 500, "RuntimeError", (EXCEPTION_LOG, FINALIZE_LOG)),
    Case("user-handler", 500, "RuntimeError", (EXCEPTION_LOG,)),
    Case("template", 500, "ZeroDivisionError", (EXCEPTION_LOG,)),
    Case("template-syntax", 500, "TemplateSyntaxError", (EXCEPTION_LOG,)),
    # No error handler is left to turn these into a page: the server's turn.
    Case("handler", None, "RuntimeError", (EXCEPTION_LOG,)),
    Case("teardown", None, None, ()),
]


class Harness(t.NamedTuple):
    app: t.Any
    client: t.Any
    stats: dict[str, t.Any]
    caplog: pytest.LogCaptureFixture

    def app_logs(self) -> list[str]:
        name = self.app.logger.name
        return [r.getMessage() for r in self.caplog.records if r.name == name and r.levelno >= logging.ERROR]

    def assert_healthy(self, fds_before: int) -> None:
        """The next request is answered, nothing is left open."""
        reply = self.client.get("/")
        assert (reply.status_code, reply.data) == (200, b"ok")
        assert self.stats["opened"] == self.stats["closed"]
        assert open_fds() <= fds_before


@pytest.fixture
def harness(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Harness:
    app = build_fault_app(str(tmp_path / "app.sqlite"))
    client = app.test_client()
    # Warm up: templates, the error page, the client's own machinery.
    assert client.get("/").status_code == 200
    client.get("/?fault=template")
    client.get("/stream").close()
    app.extensions["fault_stats"]["teardowns"].clear()
    caplog.clear()
    caplog.set_level(logging.ERROR)
    return Harness(app, client, app.extensions["fault_stats"], caplog)


@pytest.mark.parametrize("case", CASES, ids=[case.fault for case in CASES])
def test_fault_gives_the_defined_answer_and_leaves_nothing_open(harness: Harness, case: Case) -> None:
    fds_before = open_fds()
    if case.status is None:
        with pytest.raises(RuntimeError):
            harness.client.get(f"/?fault={case.fault}")
    else:
        reply = harness.client.get(f"/?fault={case.fault}")
        assert reply.status_code == case.status
        assert b"Internal Server Error" in reply.data
    assert harness.stats["teardowns"] == [case.teardown_sees]
    assert harness.app_logs() == list(case.logs)
    assert harness.stats["opened"] == harness.stats["closed"]
    harness.assert_healthy(fds_before)


def test_stream_failing_halfway_is_cut_and_torn_down(harness: Harness) -> None:
    fds_before = open_fds()
    if ASGI_DOOR:
        # The ASGI door has no server to hand the error to: it logs it once
        # and ends the response where the body stopped.
        reply = harness.client.get("/stream?fault=stream")
        assert (reply.status_code, reply.data) == (200, b"part 1\n")
        assert harness.app_logs() == ["Error while streaming a response body"]
    else:
        # WSGI: the headers are out; the error goes to the server, which
        # logs it and drops the connection.  The app logs nothing.
        reply = harness.client.get("/stream?fault=stream")
        assert reply.status_code == 200
        with pytest.raises(RuntimeError, match="halfway"):
            reply.get_data()
        assert harness.app_logs() == []
    assert harness.stats["teardowns"][-1] == "RuntimeError"
    harness.assert_healthy(fds_before)


@pytest.mark.kolba_only
def test_stream_failing_halfway_is_torn_down_once(harness: Harness) -> None:
    # Flask 3.1 runs the teardown functions twice for a stream_with_context
    # response: with None when the view returns, then with the error when
    # the generator ends.  Kolba runs them once, when the body is done.
    reply = harness.client.get("/stream?fault=stream")
    if not ASGI_DOOR:
        with pytest.raises(RuntimeError):
            reply.get_data()
    assert harness.stats["teardowns"] == ["RuntimeError"]


@pytest.mark.kolba_only
def test_a_streamed_body_runs_in_the_request_thread(harness: Harness) -> None:
    # The generator reads the SQLite connection before_request opened, and
    # teardown closes it; sqlite3 refuses both from another thread.  The
    # ASGI door used to run each step of a body in whichever worker thread
    # was free: the body came out empty (the generator failed) and the
    # connection was never closed.  (Flask 3.1 tears the request down when
    # the view returns, so g.db is gone before the generator runs.)
    fds_before = open_fds()
    for _ in range(20):
        reply = harness.client.get("/stream?db=1")
        assert (reply.status_code, reply.get_data()) == (200, b"part 1\npart 2\n")
    assert harness.stats["teardowns"] == [None] * 20
    assert harness.app_logs() == []
    harness.assert_healthy(fds_before)


@pytest.mark.wsgi_only  # the in-process ASGI client reads a body whole; see tests/e2e/test_fault_servers.py
def test_a_stream_closed_early_by_the_client_is_torn_down(harness: Harness) -> None:
    fds_before = open_fds()
    reply = harness.client.get("/endless")
    assert next(iter(reply.response)).startswith(b"tick")
    reply.close()
    assert harness.stats["streams_closed"] == 1
    # Flask 3.1 also tears down once with None when the view returns.
    assert harness.stats["teardowns"][-1] == "GeneratorExit"
    harness.assert_healthy(fds_before)


def test_the_same_fault_a_hundred_times_leaks_nothing(harness: Harness) -> None:
    fds_before = open_fds()
    for fault in ("view", "before", "after", "template") * 25:
        assert harness.client.get(f"/?fault={fault}").status_code == 500
    assert len(harness.stats["teardowns"]) == 100
    assert len(harness.app_logs()) == 125  # "after" logs twice
    harness.assert_healthy(fds_before)
