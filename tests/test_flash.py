"""Message flashing: storage in the session, consumption, filtering, signal."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup

import kolba
from kolba import (
    Kolba,
    flash,
    get_flashed_messages,
    redirect,
    render_template_string,
    session,
    url_for,
)


@pytest.fixture
def flash_app(app: Kolba) -> Kolba:
    @app.route("/add", methods=["POST"])
    def add() -> Any:
        flash("plain")
        flash("careful", "warning")
        flash("broken", "error")
        flash("also broken", category="error")
        return redirect(url_for("show"))

    @app.route("/show")
    def show() -> Any:
        return {"messages": get_flashed_messages()}

    @app.route("/show/categories")
    def show_categories() -> Any:
        return {"messages": get_flashed_messages(with_categories=True)}

    @app.route("/show/errors")
    def show_errors() -> Any:
        return {"messages": get_flashed_messages(category_filter=["error"])}

    @app.route("/show/errors-and-warnings")
    def show_errors_and_warnings() -> Any:
        return {
            "messages": get_flashed_messages(
                with_categories=True, category_filter=["warning", "error"]
            )
        }

    return app


def test_flash_across_redirect(flash_app: Kolba) -> None:
    client = flash_app.test_client()
    response = client.post("/add", follow_redirects=True)
    assert response.request.path == "/show"
    assert response.get_json() == {
        "messages": ["plain", "careful", "broken", "also broken"]
    }


def test_messages_consumed_once(flash_app: Kolba) -> None:
    client = flash_app.test_client()
    client.post("/add")
    assert len(client.get("/show").get_json()["messages"]) == 4
    assert client.get("/show").get_json() == {"messages": []}


def test_with_categories(flash_app: Kolba) -> None:
    client = flash_app.test_client()
    client.post("/add")
    assert client.get("/show/categories").get_json() == {
        "messages": [
            ["message", "plain"],
            ["warning", "careful"],
            ["error", "broken"],
            ["error", "also broken"],
        ]
    }


def test_category_filter(flash_app: Kolba) -> None:
    client = flash_app.test_client()
    client.post("/add")
    assert client.get("/show/errors").get_json() == {"messages": ["broken", "also broken"]}


def test_category_filter_consumes_all_messages(flash_app: Kolba) -> None:
    client = flash_app.test_client()
    client.post("/add")
    client.get("/show/errors")
    assert client.get("/show").get_json() == {"messages": []}


def test_category_filter_with_categories(flash_app: Kolba) -> None:
    client = flash_app.test_client()
    client.post("/add")
    assert client.get("/show/errors-and-warnings").get_json() == {
        "messages": [["warning", "careful"], ["error", "broken"], ["error", "also broken"]]
    }


def test_no_messages_gives_empty_list(flash_app: Kolba) -> None:
    client = flash_app.test_client()
    assert client.get("/show").get_json() == {"messages": []}
    assert client.get("/show/categories").get_json() == {"messages": []}


def test_repeated_calls_in_one_request_return_same_messages(app: Kolba, client: Any) -> None:
    @app.route("/set")
    def set_() -> str:
        flash("one")
        flash("two", "info")
        return ""

    @app.route("/get")
    def get() -> Any:
        first = get_flashed_messages()
        second = get_flashed_messages()
        filtered = get_flashed_messages(category_filter=["info"])
        third = get_flashed_messages(with_categories=True)
        return {"first": first, "second": second, "filtered": filtered, "third": third}

    client.get("/set")
    assert client.get("/get").get_json() == {
        "first": ["one", "two"],
        "second": ["one", "two"],
        "filtered": ["two"],
        "third": [["message", "one"], ["info", "two"]],
    }


def test_flash_and_read_in_same_request(app: Kolba) -> None:
    with app.test_request_context():
        flash("now")
        assert get_flashed_messages() == ["now"]
        assert "_flashes" not in session


def test_flash_after_reading_waits_for_next_request(app: Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> Any:
        before = get_flashed_messages()
        flash("later")
        return {"before": before, "after": get_flashed_messages()}

    assert client.get("/").get_json() == {"before": [], "after": []}
    assert client.get("/").get_json() == {"before": ["later"], "after": ["later"]}


def test_flashes_stored_in_session(app: Kolba) -> None:
    with app.test_request_context():
        flash("hi", "info")
        flash("there")
        assert session["_flashes"] == [("info", "hi"), ("message", "there")]
        assert session.modified is True


def test_markup_message_survives_round_trip(app: Kolba, client: Any) -> None:
    @app.route("/set")
    def set_() -> str:
        flash(Markup("<b>bold</b>"))
        flash("<i>escaped</i>")
        return ""

    @app.route("/get")
    def get() -> str:
        messages = get_flashed_messages()
        kinds = ",".join(type(m).__name__ for m in messages)
        return kinds + "|" + render_template_string(
            "{% for m in get_flashed_messages() %}{{ m }};{% endfor %}"
        )

    client.get("/set")
    assert client.get("/get").data == b"Markup,str|<b>bold</b>;&lt;i&gt;escaped&lt;/i&gt;;"


def test_template_global_with_categories(app: Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        flash("saved", "success")
        flash("hmm", "warning")
        return render_template_string(
            "{% for c, m in get_flashed_messages(with_categories=true) %}[{{ c }}:{{ m }}]{% endfor %}"
            "{{ get_flashed_messages(category_filter=['warning'])|join(',') }}"
        )

    assert client.get("/").data == b"[success:saved][warning:hmm]hmm"


def test_flash_without_secret_key_raises() -> None:
    app = Kolba("no_secret")
    app.testing = True

    @app.route("/")
    def index() -> str:
        flash("nope")
        return ""

    with pytest.raises(RuntimeError) as exc:
        app.test_client().get("/")
    assert str(exc.value).startswith("The session is unavailable because no secret key was set.")


def test_get_flashed_messages_without_secret_key_is_empty() -> None:
    app = Kolba("no_secret")
    with app.test_request_context():
        assert get_flashed_messages() == []


def test_message_flashed_signal(app: Kolba) -> None:
    recorded: list[tuple[Any, Any, str]] = []

    def receiver(sender: Any, message: Any, category: str, **extra: Any) -> None:
        recorded.append((sender, message, category))

    with kolba.message_flashed.connected_to(receiver, app):
        with app.test_request_context():
            flash("first")
            flash("second", "error")
    assert recorded == [(app, "first", "message"), (app, "second", "error")]


def test_message_flashed_signal_ignores_other_apps(app: Kolba) -> None:
    other = Kolba("other")
    recorded: list[Any] = []
    with kolba.message_flashed.connected_to(lambda s, **kw: recorded.append(kw), other):
        with app.test_request_context():
            flash("not for other")
    assert recorded == []


def test_flashes_isolated_between_clients(flash_app: Kolba) -> None:
    first, second = flash_app.test_client(), flash_app.test_client()
    first.post("/add")
    assert second.get("/show").get_json() == {"messages": []}
    assert len(first.get("/show").get_json()["messages"]) == 4


def test_flash_needs_a_request(app: Kolba) -> None:
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        flash("x")
    with app.app_context():
        with pytest.raises(RuntimeError, match="Working outside of request context"):
            flash("x")


def test_get_flashed_messages_needs_a_request(app: Kolba) -> None:
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        get_flashed_messages()
    with app.app_context():
        with pytest.raises(RuntimeError, match="Working outside of request context"):
            get_flashed_messages()


def test_async_message_flashed_receiver_is_run(app: Kolba) -> None:
    if Kolba.__module__.startswith("flask"):
        pytest.importorskip("asgiref")  # Flask runs async receivers through it
    recorded: list[str] = []

    async def receiver(sender: Any, message: str, category: str, **extra: Any) -> None:
        recorded.append(message)

    with kolba.message_flashed.connected_to(receiver, app):
        with app.test_request_context():
            flash("awaited")
    assert recorded == ["awaited"]


@pytest.mark.kolba_only
def test_flash_does_not_import_blinker() -> None:
    """Without ``kolba.signals`` nobody can listen, so flashing loads no Blinker."""
    import subprocess
    import sys

    code = (
        "import sys, kolba\n"
        "app = kolba.Kolba('x'); app.secret_key = 'k'\n"
        "with app.test_request_context():\n"
        "    kolba.flash('hi'); assert kolba.get_flashed_messages() == ['hi']\n"
        "print('blinker' in sys.modules, 'kolba.signals' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
