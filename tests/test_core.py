"""The serving core: lane decisions, replaced steps, signals and cold starts.

Most of Kolba's behaviour is checked by the rest of the suite, which CI runs
in both lanes (``KOLBA_TESTS_LANE=general`` forces the general one).  These
tests pin what decides the lane and the bugs that lived in that decision.
"""

from __future__ import annotations

import sys
import threading
import typing as t

import pytest

import kolba
from tests.conftest import GENERAL_LANE

pytestmark = pytest.mark.kolba_only


def _app() -> kolba.Kolba:
    app = kolba.Kolba(__name__)

    @app.route("/")
    def index() -> str:
        return "hello"

    return app


def _lane(app: kolba.Kolba) -> t.Any:
    return app._core.decide()


@pytest.mark.planned_lane_only
def test_a_plain_app_takes_the_planned_lean_lane() -> None:
    lane = _lane(_app())
    assert (lane.planned, lane.lean, lane.shortcuts, lane.signals) == (True, True, True, False)


@pytest.mark.skipif(not GENERAL_LANE, reason="only when the general lane is forced")
def test_the_lane_switch_forces_the_general_lane() -> None:
    lane = _lane(_app())
    assert not lane.planned and not lane.lean


@pytest.mark.planned_lane_only
def test_teardown_callbacks_need_full_contexts() -> None:
    app = _app()
    app.teardown_request(lambda exc: None)
    lane = _lane(app)
    assert lane.planned and not lane.lean


STEPS = ["process_response", "make_response", "finalize_request", "preprocess_request",
         "dispatch_request", "full_dispatch_request"]


def _wrap(app: kolba.Kolba, step: str, calls: list[str]) -> None:
    original = getattr(app, step)

    def replacement(*args: t.Any, **kwargs: t.Any) -> t.Any:
        calls.append(step)
        return original(*args, **kwargs)

    setattr(app, step, replacement)


@pytest.mark.parametrize("step", STEPS)
def test_a_step_replaced_on_the_app_object_is_called(step: str) -> None:
    app = _app()
    calls: list[str] = []
    _wrap(app, step, calls)
    assert app.test_client().get("/").data == b"hello"
    assert step in calls


@pytest.mark.parametrize("step", STEPS)
def test_a_step_replaced_after_the_first_request_is_called(step: str) -> None:
    app = _app()
    client = app.test_client()
    client.get("/")
    calls: list[str] = []
    _wrap(app, step, calls)
    assert client.get("/").data == b"hello"
    assert step in calls
    del app.__dict__[step]  # back to the class's method: served as before
    calls.clear()
    assert client.get("/").data == b"hello"
    assert calls == []


def test_handle_user_exception_replaced_on_the_app_sees_stock_errors() -> None:
    app = _app()
    seen: list[int] = []
    original = app.handle_user_exception

    def spy(e: Exception) -> t.Any:
        seen.append(getattr(e, "code", 0))
        return original(e)

    app.handle_user_exception = spy  # type: ignore[method-assign]
    assert app.test_client().get("/missing").status_code == 404
    assert seen == [404]


def test_a_step_overridden_in_a_subclass_is_called() -> None:
    class Tagged(kolba.Kolba):
        def process_response(self, response: kolba.Response) -> kolba.Response:
            response.headers["X-Tag"] = "yes"
            return super().process_response(response)

    app = Tagged(__name__)
    app.add_url_rule("/", "index", lambda: "hello")
    assert app.test_client().get("/").headers["X-Tag"] == "yes"


@pytest.mark.planned_lane_only
def test_importing_signals_keeps_the_lean_lane() -> None:
    import kolba.signals  # noqa: F401 - what Flask-Login and the alias do

    app = _app()
    assert _lane(app).lean


@pytest.mark.planned_lane_only
def test_receivers_decide_the_lane_and_are_called() -> None:
    from kolba.signals import request_finished, request_started

    app = _app()
    client = app.test_client()
    client.get("/")
    assert app._core.lane.lean
    seen: list[str] = []

    def started(sender: t.Any, **extra: t.Any) -> None:
        seen.append("started")

    def finished(sender: t.Any, response: t.Any, **extra: t.Any) -> None:
        seen.append(f"finished {response.status_code}")

    request_started.connect(started, app)
    request_finished.connect(finished, app)
    try:
        client.get("/")
        assert seen == ["started", "finished 200"]
        assert app._core.lane.signals
    finally:
        request_started.disconnect(started, app)
        request_finished.disconnect(finished, app)
    seen.clear()
    client.get("/")
    assert seen == []
    assert app._core.lane.lean and not app._core.lane.signals


@pytest.mark.planned_lane_only
def test_reading_a_missing_hook_scope_keeps_the_plans() -> None:
    app = _app()
    app.test_client().get("/")
    plans = app._core.plans
    assert "index" in plans
    for table in (app.before_request_funcs, app.after_request_funcs,
                  app.teardown_request_funcs, app.url_value_preprocessors):
        assert table["no-such-blueprint"] == []
    assert app._core.plans is plans and "index" in plans


def test_editing_a_hook_list_in_place_is_seen() -> None:
    app = _app()
    client = app.test_client()
    client.get("/")

    def tag(response: kolba.Response) -> kolba.Response:
        response.headers["X-Late"] = "1"
        return response

    app.after_request_funcs[None].append(tag)
    assert client.get("/").headers.get("X-Late") == "1"


def test_replacing_a_view_function_is_seen() -> None:
    app = _app()
    client = app.test_client()
    assert client.get("/").data == b"hello"
    app.view_functions["index"] = lambda: "replaced"
    assert client.get("/").data == b"replaced"


@pytest.mark.parametrize("kind", ["async", "sync"])
def test_concurrent_cold_starts_never_fail(kind: str) -> None:
    """Eight threads make the first request to a fresh app at the same moment.

    A plan published before its view was resolved made some of them call a
    placeholder and answer 500.
    """
    from werkzeug.test import EnvironBuilder

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(40):
            app = kolba.Kolba(__name__)
            if kind == "async":

                async def view() -> str:
                    return "ok"
            else:

                def view() -> str:
                    return "ok"

            app.add_url_rule("/", "view", view)
            statuses: list[str] = []
            barrier = threading.Barrier(8)

            def hit() -> None:
                environ = EnvironBuilder("/").get_environ()
                barrier.wait()
                answer: list[str] = []
                body = app(environ, lambda status, headers: answer.append(status))
                b"".join(body)
                statuses.append(answer[0])

            threads = [threading.Thread(target=hit) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(10)
            assert statuses == ["200 OK"] * 8
    finally:
        sys.setswitchinterval(previous)


@pytest.mark.parametrize(
    "table", ["before_request_funcs", "after_request_funcs", "url_value_preprocessors"]
)
def test_a_hook_table_replaced_after_serving_is_seen(table: str) -> None:
    app = _app()
    client = app.test_client()
    client.get("/")
    seen: list[str] = []

    def record(*args: t.Any) -> t.Any:
        seen.append(table)
        return args[0] if table == "after_request_funcs" else None

    setattr(app, table, {None: [record]})
    assert client.get("/").status_code == 200
    assert seen == [table]
    # The replacement reports in-place changes as the original did.
    getattr(app, table)[None].clear()
    client.get("/")
    assert seen == [table]


def test_a_view_table_replaced_after_serving_is_seen() -> None:
    app = _app()
    client = app.test_client()
    client.get("/")
    app.view_functions = {"index": lambda: "new table"}
    assert client.get("/").text == "new table"
    app.view_functions["index"] = lambda: "changed in place"
    assert client.get("/").text == "changed in place"
