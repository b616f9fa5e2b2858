"""Every Flask signal: when it is sent, by whom, with what; connecting and filtering."""

from __future__ import annotations

import subprocess
import sys
import contextvars
import textwrap
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import blinker
import jinja2
import pytest
from markupsafe import Markup

import kolba
from kolba import (
    Blueprint,
    Kolba,
    abort,
    flash,
    g,
    render_template,
    render_template_string,
    signals,
    stream_template_string,
)

ALL_SIGNALS = {
    "template_rendered": "template-rendered",
    "before_render_template": "before-render-template",
    "request_started": "request-started",
    "request_finished": "request-finished",
    "request_tearing_down": "request-tearing-down",
    "got_request_exception": "got-request-exception",
    "appcontext_tearing_down": "appcontext-tearing-down",
    "appcontext_pushed": "appcontext-pushed",
    "appcontext_popped": "appcontext-popped",
    "message_flashed": "message-flashed",
}

Events = list[tuple[str, Any, dict[str, Any]]]


@pytest.fixture
def events(app: Kolba) -> Iterator[Events]:
    """Record every signal ``app`` sends while the test runs."""
    recorded: Events = []
    with ExitStack() as stack:
        for attr in ALL_SIGNALS:

            def receive(sender: Any, _name: str = attr, **extra: Any) -> None:
                recorded.append((_name, sender, extra))

            stack.enter_context(getattr(signals, attr).connected_to(receive, app))
        yield recorded


def names(events: Events) -> list[str]:
    return [name for name, _, _ in events]


def extra_of(events: Events, name: str) -> dict[str, Any]:
    matches = [extra for n, _, extra in events if n == name]
    assert len(matches) == 1, f"{name} sent {len(matches)} times"
    return matches[0]


# -- the signal objects ------------------------------------------------------------------


@pytest.mark.parametrize(("attr", "signal_name"), sorted(ALL_SIGNALS.items()))
def test_signal_objects(attr: str, signal_name: str) -> None:
    signal = getattr(signals, attr)
    assert isinstance(signal, blinker.NamedSignal)
    assert signal.name == signal_name
    assert getattr(kolba, attr) is signal


# -- the full sequence of one request --------------------------------------------------------


def test_full_request_sequence(app: Kolba, client: Any, events: Events) -> None:
    @app.route("/")
    def index() -> str:
        flash("hi")
        return render_template_string("{{ word }}", word="ok")

    response = client.get("/")
    assert response.data == b"ok"
    assert names(events) == [
        "appcontext_pushed",
        "request_started",
        "message_flashed",
        "before_render_template",
        "template_rendered",
        "request_finished",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]
    assert all(sender is app for _, sender, _ in events)


def public(extra: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments minus blinker's private async plumbing."""
    return {k: v for k, v in extra.items() if k != "_async_wrapper"}


def test_keyword_arguments_of_each_signal(app: Kolba, client: Any, events: Events) -> None:
    app.route("/")(lambda: "x")
    client.get("/")
    assert public(extra_of(events, "appcontext_pushed")) == {}
    assert public(extra_of(events, "request_started")) == {}
    assert list(public(extra_of(events, "request_finished"))) == ["response"]
    assert public(extra_of(events, "request_tearing_down")) == {"exc": None}
    assert public(extra_of(events, "appcontext_tearing_down")) == {"exc": None}
    assert public(extra_of(events, "appcontext_popped")) == {}


# -- template signals --------------------------------------------------------------------------


def test_template_rendered_template_and_context(app: Kolba, events: Events) -> None:
    with app.test_request_context("/page"):
        assert render_template_string("{{ a }}-{{ b }}", a=1, b="two") == "1-two"
        extra = extra_of(events, "template_rendered")
        assert isinstance(extra["template"], jinja2.Template)
        context = extra["context"]
        assert context["a"] == 1
        assert context["b"] == "two"
        assert context["request"] is kolba.request._get_current_object()  # type: ignore[attr-defined]
        assert context["g"] is g._get_current_object()
        # The session stays a Jinja global; only g and request are added.
        assert set(context) == {"a", "b", "g", "request"}


def test_before_render_template_gets_same_template_and_context(app: Kolba, events: Events) -> None:
    with app.app_context():
        render_template_string("{{ x }}", x=5)
    before = extra_of(events, "before_render_template")
    after = extra_of(events, "template_rendered")
    assert before["template"] is after["template"]
    assert before["context"]["x"] == 5
    assert names(events).index("before_render_template") < names(events).index("template_rendered")


def test_before_render_template_can_change_context(app: Kolba) -> None:
    def receiver(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        context["name"] = context["name"].upper()
        context["added"] = "!"

    with signals.before_render_template.connected_to(receiver, app):
        with app.app_context():
            assert render_template_string("{{ name }}{{ added }}", name="ann") == "ANN!"


def test_template_signals_for_file_template() -> None:
    from tests.bp_pkg import create_app

    app = create_app()
    rendered: list[tuple[str | None, dict[str, Any]]] = []

    def receiver(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        rendered.append((template.name, dict(context)))

    with signals.template_rendered.connected_to(receiver, app):
        assert app.test_client().get("/user/kim").data == b"Hello, kim! (main.user)"
        with app.test_request_context():
            render_template("main/user.html", name="lee")
    assert [name for name, _ in rendered] == ["main/user.html", "main/user.html"]
    assert rendered[0][1]["name"] == "kim"
    assert rendered[1][1]["name"] == "lee"


def test_context_processor_values_in_signal_context(app: Kolba, events: Events) -> None:
    app.context_processor(lambda: {"injected": 42})
    with app.test_request_context():
        render_template_string("")
    assert extra_of(events, "template_rendered")["context"]["injected"] == 42


def test_stream_template_signals(app: Kolba, events: Events) -> None:
    with app.app_context():
        stream = stream_template_string("{{ a }}{{ b }}", a="x", b="y")
        assert names(events) == ["appcontext_pushed", "before_render_template"]
        assert "".join(stream) == "xy"
        assert names(events) == ["appcontext_pushed", "before_render_template", "template_rendered"]
    assert extra_of(events, "template_rendered")["context"]["a"] == "x"


def test_stream_template_in_request_renders_after_consumption(app: Kolba, events: Events) -> None:
    with app.test_request_context():
        stream = stream_template_string("{{ a }}", a="z")
        assert "template_rendered" not in names(events)
        assert "".join(stream) == "z"
        assert names(events).count("template_rendered") == 1
        assert names(events).count("before_render_template") == 1


def test_each_render_sends_once(app: Kolba, events: Events) -> None:
    with app.app_context():
        render_template_string("1")
        render_template_string("2")
    assert names(events).count("template_rendered") == 2
    assert names(events).count("before_render_template") == 2


# -- request signals ----------------------------------------------------------------------------


def test_request_finished_gets_final_response(app: Kolba, client: Any, events: Events) -> None:
    @app.after_request
    def stamp(response: Any) -> Any:
        response.headers["X-Stamp"] = "yes"
        return response

    app.route("/")(lambda: ("made", 201))
    response = client.get("/")
    sent = extra_of(events, "request_finished")["response"]
    assert sent.status_code == 201
    assert sent.headers["X-Stamp"] == "yes"
    assert sent.get_data() == b"made" == response.data


def test_request_started_sees_request(app: Kolba, client: Any) -> None:
    seen: list[str] = []

    def receiver(sender: Any, **extra: Any) -> None:
        seen.append(f"{kolba.request.method} {kolba.request.path}")

    app.route("/here", methods=["POST"])(lambda: "")
    with signals.request_started.connected_to(receiver, app):
        client.post("/here")
    assert seen == ["POST /here"]


def test_unhandled_exception_signals(app: Kolba, events: Events) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    boom = ZeroDivisionError("boom")

    @app.route("/")
    def index() -> str:
        raise boom

    response = app.test_client().get("/")
    assert response.status_code == 500
    assert extra_of(events, "got_request_exception")["exception"] is boom
    assert extra_of(events, "request_tearing_down")["exc"] is boom
    assert extra_of(events, "appcontext_tearing_down")["exc"] is boom
    sequence = names(events)
    assert sequence.index("got_request_exception") < sequence.index("request_finished")


def test_exception_signal_when_propagating(app: Kolba, events: Events) -> None:
    @app.route("/")
    def index() -> str:
        raise KeyError("k")

    with pytest.raises(KeyError):
        app.test_client().get("/")
    assert isinstance(extra_of(events, "got_request_exception")["exception"], KeyError)
    assert "request_finished" not in names(events)
    assert isinstance(extra_of(events, "request_tearing_down")["exc"], KeyError)
    assert names(events)[-1] == "appcontext_popped"


def test_http_exception_sends_no_exception_signal(app: Kolba, client: Any, events: Events) -> None:
    @app.route("/")
    def index() -> str:
        abort(404)

    assert client.get("/").status_code == 404
    assert "got_request_exception" not in names(events)
    assert extra_of(events, "request_tearing_down")["exc"] is None


def test_handled_exception_sends_no_exception_signal(app: Kolba, client: Any, events: Events) -> None:
    app.register_error_handler(ValueError, lambda e: ("handled", 400))

    @app.route("/")
    def index() -> str:
        raise ValueError("v")

    assert client.get("/").data == b"handled"
    assert "got_request_exception" not in names(events)


def test_exception_in_blueprint_view_signal(app: Kolba, events: Events) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.route("/boom")
    def boom() -> str:
        raise RuntimeError("bp failure")

    app.register_blueprint(bp)
    assert app.test_client().get("/bp/boom").status_code == 500
    exception = extra_of(events, "got_request_exception")["exception"]
    assert str(exception) == "bp failure"


def test_test_request_context_sends_no_request_started(app: Kolba, events: Events) -> None:
    with app.test_request_context():
        pass
    assert names(events) == [
        "appcontext_pushed",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]


# -- app context signals ----------------------------------------------------------------------


def test_app_context_signals_outside_request(app: Kolba, events: Events) -> None:
    with app.app_context():
        assert names(events) == ["appcontext_pushed"]
    assert names(events) == ["appcontext_pushed", "appcontext_tearing_down", "appcontext_popped"]


def test_nested_app_contexts_send_twice(app: Kolba, events: Events) -> None:
    with app.app_context():
        with app.app_context():
            pass
    assert names(events) == [
        "appcontext_pushed",
        "appcontext_pushed",
        "appcontext_tearing_down",
        "appcontext_popped",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]


def test_appcontext_tearing_down_receives_error(app: Kolba, events: Events) -> None:
    with pytest.raises(LookupError):
        with app.app_context():
            raise LookupError("lost")
    exc = extra_of(events, "appcontext_tearing_down")["exc"]
    assert isinstance(exc, LookupError)
    assert exc.args == ("lost",)


def test_appcontext_pushed_receiver_can_set_g(app: Kolba, client: Any) -> None:
    def set_user(sender: Any, **extra: Any) -> None:
        g.user = "from signal"

    app.route("/")(lambda: g.user)
    with signals.appcontext_pushed.connected_to(set_user, app):
        assert client.get("/").data == b"from signal"


def test_appcontext_popped_after_teardown_functions(app: Kolba) -> None:
    order: list[str] = []
    app.teardown_appcontext(lambda exc: order.append("teardown_appcontext"))
    receiver = lambda sender, **kw: order.append("popped")  # noqa: E731
    tearing = lambda sender, **kw: order.append("tearing_down")  # noqa: E731
    with signals.appcontext_popped.connected_to(receiver, app):
        with signals.appcontext_tearing_down.connected_to(tearing, app):
            with app.app_context():
                pass
    assert order == ["teardown_appcontext", "tearing_down", "popped"]


# -- message_flashed --------------------------------------------------------------------------


def test_message_flashed_arguments(app: Kolba, events: Events) -> None:
    with app.test_request_context():
        flash(Markup("<b>x</b>"), "info")
    extra = extra_of(events, "message_flashed")
    assert extra["message"] == Markup("<b>x</b>")
    assert isinstance(extra["message"], Markup)
    assert extra["category"] == "info"


# -- connecting, disconnecting, sender filtering -------------------------------------------------


def test_connect_and_disconnect(app: Kolba, client: Any) -> None:
    calls: list[Any] = []

    def receiver(sender: Any, **extra: Any) -> None:
        calls.append(sender)

    app.route("/")(lambda: "")
    signals.request_started.connect(receiver, app)
    try:
        client.get("/")
        client.get("/")
    finally:
        signals.request_started.disconnect(receiver, app)
    client.get("/")
    assert calls == [app, app]


def test_sender_filtering_between_apps() -> None:
    first, second = Kolba("first"), Kolba("second")
    for a in (first, second):
        a.route("/")(lambda: "")
    only_first: list[str] = []
    everyone: list[str] = []

    def filtered(sender: Any, **extra: Any) -> None:
        only_first.append(sender.name)

    def unfiltered(sender: Any, **extra: Any) -> None:
        everyone.append(sender.name)

    with signals.request_finished.connected_to(filtered, first):
        with signals.request_finished.connected_to(unfiltered):
            first.test_client().get("/")
            second.test_client().get("/")
    assert only_first == ["first"]
    assert everyone == ["first", "second"]


def test_connected_to_disconnects_even_on_error(app: Kolba, client: Any) -> None:
    calls: list[Any] = []
    receiver = lambda sender, **kw: calls.append(sender)  # noqa: E731
    app.route("/")(lambda: "")
    with pytest.raises(RuntimeError):
        with signals.request_started.connected_to(receiver, app):
            client.get("/")
            raise RuntimeError("leave block")
    client.get("/")
    assert calls == [app]


def test_connect_via_decorator(app: Kolba, client: Any) -> None:
    calls: list[Any] = []

    @signals.request_tearing_down.connect_via(app)
    def on_teardown(sender: Any, exc: BaseException | None, **extra: Any) -> None:
        calls.append((sender, exc))

    try:
        app.route("/")(lambda: "")
        client.get("/")
    finally:
        signals.request_tearing_down.disconnect(on_teardown, app)
    assert calls == [(app, None)]


def test_multiple_receivers_all_called(app: Kolba, client: Any) -> None:
    calls: list[str] = []
    one = lambda sender, **kw: calls.append("one")  # noqa: E731
    two = lambda sender, **kw: calls.append("two")  # noqa: E731
    app.route("/")(lambda: "")
    with signals.request_started.connected_to(one, app), signals.request_started.connected_to(two, app):
        client.get("/")
    assert sorted(calls) == ["one", "two"]


def test_receiver_exception_propagates_to_caller(app: Kolba) -> None:
    def broken(sender: Any, **extra: Any) -> None:
        raise RuntimeError("receiver failed")

    def push_with_broken_receiver() -> None:
        with signals.appcontext_pushed.connected_to(broken, app):
            with pytest.raises(RuntimeError, match="receiver failed"):
                with app.app_context():
                    pass

    # The failed push leaves its context current (as in Flask), so run it in
    # a copied context that is thrown away afterwards.
    contextvars.copy_context().run(push_with_broken_receiver)


# -- Kolba extra: no blinker unless someone listens ----------------------------------------------


@pytest.mark.kolba_only
def test_blinker_not_imported_without_receivers() -> None:
    code = textwrap.dedent(
        """
        import sys
        import kolba

        app = kolba.Kolba("lonely")
        app.config.update(SECRET_KEY="s")

        @app.route("/")
        def index():
            return "ok"

        @app.route("/flash")
        def flashing():
            kolba.flash("hi")
            return "flashed"

        @app.route("/boom")
        def boom():
            raise ZeroDivisionError

        client = app.test_client()
        results = [
            client.get("/").data,
            client.get("/flash").data,
            client.get("/boom").status_code,
            client.get("/missing").status_code,
        ]
        with app.app_context():
            pass
        print(results, "blinker" in sys.modules, "kolba.signals" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    assert out == "[b'ok', b'flashed', 500, 404] False False"
