"""Blinker signals sent around requests and application contexts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import blinker
import pytest

import kolba
from kolba import Response, has_app_context, has_request_context, request
from kolba import signals

Recorder = list[tuple[str, Any, dict[str, Any]]]

LIFECYCLE_SIGNALS = (
    "appcontext_pushed",
    "request_started",
    "request_finished",
    "got_request_exception",
    "request_tearing_down",
    "appcontext_tearing_down",
    "appcontext_popped",
)


def _listener(name: str, events: Recorder) -> Any:
    def receive(sender: Any, **extra: Any) -> None:
        events.append((name, sender, extra))

    return receive


@pytest.fixture
def events(app: kolba.Kolba) -> Iterator[Recorder]:
    """Record every lifecycle signal sent by ``app`` for the duration of a test."""
    recorded: Recorder = []
    with ExitStack() as stack:
        for name in LIFECYCLE_SIGNALS:
            signal = getattr(signals, name)
            stack.enter_context(signal.connected_to(_listener(name, recorded), app))
        yield recorded


def names(events: Recorder) -> list[str]:
    return [name for name, _, _ in events]


def test_signals_are_blinker_signals() -> None:
    for name in LIFECYCLE_SIGNALS:
        assert isinstance(getattr(signals, name), blinker.Signal)
        assert getattr(kolba, name) is getattr(signals, name)


def test_signal_names() -> None:
    assert signals.request_started.name == "request-started"
    assert signals.request_finished.name == "request-finished"
    assert signals.request_tearing_down.name == "request-tearing-down"
    assert signals.got_request_exception.name == "got-request-exception"
    assert signals.appcontext_tearing_down.name == "appcontext-tearing-down"
    assert signals.appcontext_pushed.name == "appcontext-pushed"
    assert signals.appcontext_popped.name == "appcontext-popped"


def test_successful_request_signal_sequence(
    app: kolba.Kolba, client: Any, events: Recorder
) -> None:
    @app.before_request
    def before() -> None:
        events.append(("before_request", None, {}))

    @app.after_request
    def after(response: Response) -> Response:
        events.append(("after_request", None, {}))
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append(("teardown_request", None, {}))

    @app.teardown_appcontext
    def teardown_app(exc: BaseException | None) -> None:
        events.append(("teardown_appcontext", None, {}))

    @app.route("/")
    def index() -> str:
        events.append(("view", None, {}))
        return "ok"

    client.get("/")
    assert names(events) == [
        "appcontext_pushed",
        "request_started",
        "before_request",
        "view",
        "after_request",
        "request_finished",
        "teardown_request",
        "request_tearing_down",
        "teardown_appcontext",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]


def test_sender_is_app_and_arguments(app: kolba.Kolba, client: Any, events: Recorder) -> None:
    @app.route("/")
    def index() -> str:
        return "ok"

    client.get("/")
    assert all(sender is app for _, sender, _ in events)
    extras = {name: extra for name, _, extra in events}
    assert extras["appcontext_pushed"] == {}
    assert extras["request_started"] == {}
    assert set(extras["request_finished"]) == {"response"}
    assert extras["request_tearing_down"] == {"exc": None}
    assert extras["appcontext_tearing_down"] == {"exc": None}
    assert extras["appcontext_popped"] == {}


def test_request_finished_receives_final_response(
    app: kolba.Kolba, client: Any, events: Recorder
) -> None:
    @app.after_request
    def after(response: Response) -> Response:
        response.headers["X-After"] = "1"
        return response

    @app.route("/")
    def index() -> tuple[str, int]:
        return "created", 201

    client.get("/")
    (response,) = [extra["response"] for name, _, extra in events if name == "request_finished"]
    assert isinstance(response, app.response_class)
    assert response.status_code == 201
    assert response.headers["X-After"] == "1"
    assert response.get_data() == b"created"


def test_request_started_receiver_sees_request(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    def receiver(sender: Any, **extra: Any) -> None:
        seen.append((request.path, request.args.get("a"), has_request_context()))

    @app.route("/p")
    def view() -> str:
        return ""

    with signals.request_started.connected_to(receiver, app):
        client.get("/p?a=1")
    assert seen == [("/p", "1", True)]


def test_tearing_down_receivers_context_state(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    def request_td(sender: Any, **extra: Any) -> None:
        seen.append(("request", has_request_context(), has_app_context()))

    def app_td(sender: Any, **extra: Any) -> None:
        seen.append(("app", has_request_context(), has_app_context()))

    def popped(sender: Any, **extra: Any) -> None:
        seen.append(("popped", has_request_context(), has_app_context()))

    @app.route("/")
    def view() -> str:
        return ""

    with signals.request_tearing_down.connected_to(
        request_td, app
    ), signals.appcontext_tearing_down.connected_to(app_td, app), signals.appcontext_popped.connected_to(
        popped, app
    ):
        client.get("/")
    assert seen == [("request", True, True), ("app", False, True), ("popped", False, False)]


def test_exception_signals_when_propagating(
    app: kolba.Kolba, client: Any, events: Recorder
) -> None:
    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("x")

    with pytest.raises(ZeroDivisionError):
        client.get("/")
    assert names(events) == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]
    extras = {name: extra for name, _, extra in events}
    exc = extras["got_request_exception"]["exception"]
    assert isinstance(exc, ZeroDivisionError)
    assert extras["request_tearing_down"] == {"exc": exc}
    assert extras["appcontext_tearing_down"] == {"exc": exc}


def test_exception_signals_with_500_page(app: kolba.Kolba, events: Recorder) -> None:
    app.testing = False

    @app.route("/")
    def index() -> str:
        raise KeyError("k")

    assert app.test_client().get("/").status_code == 500
    assert names(events) == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception",
        "request_finished",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]
    extras = {name: extra for name, _, extra in events}
    assert extras["request_finished"]["response"].status_code == 500
    assert isinstance(extras["request_tearing_down"]["exc"], KeyError)


def test_handled_error_sends_no_exception_signal(
    app: kolba.Kolba, client: Any, events: Recorder
) -> None:
    app.register_error_handler(KeyError, lambda e: ("handled", 400))

    @app.route("/")
    def index() -> str:
        raise KeyError()

    client.get("/")
    client.get("/missing")
    assert "got_request_exception" not in names(events)
    assert names(events).count("request_finished") == 2
    finished = [extra["response"].status_code for n, _, extra in events if n == "request_finished"]
    assert finished == [400, 404]


def test_connect_with_sender_filters_other_apps(app: kolba.Kolba) -> None:
    other = kolba.Kolba("other")
    received: list[Any] = []

    def receiver(sender: Any, **extra: Any) -> None:
        received.append(sender)

    for a in (app, other):
        a.add_url_rule("/", "index", lambda: "")
    signals.request_started.connect(receiver, app)
    try:
        app.test_client().get("/")
        other.test_client().get("/")
    finally:
        signals.request_started.disconnect(receiver, app)
    assert received == [app]


def test_connect_without_sender_receives_all_apps(app: kolba.Kolba) -> None:
    other = kolba.Kolba("other")
    received: list[str] = []

    def receiver(sender: Any, **extra: Any) -> None:
        received.append(sender.name)

    for a in (app, other):
        a.add_url_rule("/", "index", lambda: "")
    signals.request_finished.connect(receiver)
    try:
        app.test_client().get("/")
        other.test_client().get("/")
    finally:
        signals.request_finished.disconnect(receiver)
    assert received == ["kolba_test", "other"]


def test_connected_to_disconnects_after_block(app: kolba.Kolba, client: Any) -> None:
    received: list[Any] = []

    @app.route("/")
    def index() -> str:
        return ""

    with signals.request_finished.connected_to(lambda s, **kw: received.append(s), app):
        client.get("/")
    client.get("/")
    assert received == [app]


def test_connect_via_decorator(app: kolba.Kolba, client: Any) -> None:
    received: list[Any] = []

    @app.route("/")
    def index() -> str:
        return ""

    @signals.request_started.connect_via(app)
    def on_start(sender: Any, **extra: Any) -> None:
        received.append(sender)

    try:
        client.get("/")
    finally:
        signals.request_started.disconnect(on_start, app)
    assert received == [app]


def test_receivers_keyword_argument_names(app: kolba.Kolba, client: Any) -> None:
    received: dict[str, Any] = {}

    def finished(sender: Any, response: Response) -> None:
        received["response"] = response.status_code

    def tearing_down(sender: Any, exc: BaseException | None) -> None:
        received["exc"] = exc

    def app_tearing_down(sender: Any, exc: BaseException | None) -> None:
        received["app_exc"] = exc

    @app.route("/")
    def index() -> str:
        return ""

    with signals.request_finished.connected_to(
        finished, app
    ), signals.request_tearing_down.connected_to(
        tearing_down, app
    ), signals.appcontext_tearing_down.connected_to(app_tearing_down, app):
        client.get("/")
    assert received == {"response": 200, "exc": None, "app_exc": None}


def test_appcontext_signals_outside_requests(app: kolba.Kolba, events: Recorder) -> None:
    with app.app_context():
        pass
    assert names(events) == ["appcontext_pushed", "appcontext_tearing_down", "appcontext_popped"]
    assert events[1][2] == {"exc": None}


def test_appcontext_tearing_down_with_error(app: kolba.Kolba, events: Recorder) -> None:
    with pytest.raises(LookupError):
        with app.app_context():
            raise LookupError("gone")
    (extra,) = [e for n, _, e in events if n == "appcontext_tearing_down"]
    assert isinstance(extra["exc"], LookupError)


def test_test_request_context_sends_tearing_down_not_started(
    app: kolba.Kolba, events: Recorder
) -> None:
    with app.test_request_context("/"):
        pass
    assert names(events) == [
        "appcontext_pushed",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]


def test_receiver_exception_propagates(app: kolba.Kolba, client: Any) -> None:
    def broken(sender: Any, **extra: Any) -> None:
        raise RuntimeError("receiver failed")

    @app.route("/")
    def index() -> str:
        return ""

    with signals.request_started.connected_to(broken, app):
        with pytest.raises(RuntimeError, match="receiver failed"):
            client.get("/")
