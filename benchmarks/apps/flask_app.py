"""The benchmark endpoints written as an ordinary Flask app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, g, jsonify, render_template, request, session

if TYPE_CHECKING:
    from flask import Response
    from flask.typing import ResponseReturnValue

from benchmarks.apps.common import (
    FILLER_ROUTES, ITEMS, SECRET_KEY, TEMPLATE_TITLE, session_payload,
)

app = Flask(__name__)


def _add_filler_routes() -> None:
    """Register dynamic routes nobody requests, so matching is not trivial."""
    for i in range(FILLER_ROUTES):

        def filler(id: int, i: int = i) -> ResponseReturnValue:
            return jsonify(route=i, id=id)

        app.add_url_rule(f"/r{i}/<int:id>", endpoint=f"filler{i}", view_func=filler)


_add_filler_routes()


@app.route("/")
def hello() -> ResponseReturnValue:
    return "Hello, World!"


@app.route("/user/<int:user_id>")
def user(user_id: int) -> ResponseReturnValue:
    return jsonify(id=user_id, name=f"user{user_id}")


@app.route("/search")
def search() -> ResponseReturnValue:
    return jsonify(
        q=request.args.get("q", ""),
        page=request.args.get("page", 1, type=int),
        request_id=request.headers.get("X-Request-Id"),
    )


@app.post("/form")
def form() -> ResponseReturnValue:
    return f"fields={len(request.form)} name={request.form['name']} city={request.form['city']}"


@app.post("/echo")
def echo() -> ResponseReturnValue:
    return jsonify(request.get_json())


@app.route("/items")
def items() -> ResponseReturnValue:
    return render_template("items.html", title=TEMPLATE_TITLE, items=ITEMS)


hooks_app = Flask(__name__)


@hooks_app.before_request
def remember_greeting() -> None:
    g.greeting = "hi"


@hooks_app.after_request
def mark_response(response: Response) -> Response:
    response.headers["X-Hook"] = "after"
    return response


@hooks_app.route("/prefs")
def prefs() -> ResponseReturnValue:
    return f"{g.greeting} theme={request.cookies.get('theme', 'light')}"


session_app = Flask(__name__)
session_app.config["SECRET_KEY"] = SECRET_KEY


@session_app.route("/me")
def me() -> ResponseReturnValue:
    return f"Hello, {session.get('user', 'anonymous')}"


def session_cookie() -> str:
    """Let the test client store the user in a session and return its cookie."""
    client = session_app.test_client()
    with client.session_transaction() as sess:
        sess["user"] = "alice"
    cookie = client.get_cookie(session_app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None, "session_transaction set no cookie"
    return f"{cookie.key}={cookie.value}"


def session_cookies(count: int) -> list[str]:
    """Return ``count`` distinct cookies signed by the app's own session interface."""
    serializer = session_app.session_interface.get_signing_serializer(session_app)  # type: ignore[attr-defined]
    assert serializer is not None, "the session app has no secret key"
    name = session_app.config["SESSION_COOKIE_NAME"]
    return [f"{name}={serializer.dumps(session_payload(i))}" for i in range(count)]


def make_routing_app(kind: str, count: int) -> Flask:
    """Build an app with ``count`` static or dynamic routes for the scale section."""
    scaled = Flask(__name__)
    for i in range(count):
        if kind == "static":

            def static_view(i: int = i) -> ResponseReturnValue:
                return f"s{i}"

            scaled.add_url_rule(f"/s{i}", endpoint=f"s{i}", view_func=static_view)
        else:

            def dynamic_view(id: int, i: int = i) -> ResponseReturnValue:
                return f"d{i}:{id}"

            scaled.add_url_rule(f"/d{i}/<int:id>", endpoint=f"d{i}", view_func=dynamic_view)
    return scaled


def __getattr__(name: str) -> Any:
    """``extensions_app`` and ``extensions_cookie``: the extension-heavy page, on first use.

    Kept out of this module's import so that Flask-Login and Flask-SQLAlchemy
    weigh only on the scenario that uses them.
    """
    from benchmarks.apps import extensions_app, through_alias

    if name == "extensions_app":
        return extensions_app.app
    if name == "extensions_cookie":
        return lambda: extensions_app.login_cookie(*through_alias.bench_client())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
