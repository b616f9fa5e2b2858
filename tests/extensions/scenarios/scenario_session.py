"""Flask-Session: server-side sessions in a cachelib filesystem cache and in SQLAlchemy."""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import typing as t
import warnings

from _harness import Report, choose_backend, header_summary, scratch_folder

report = Report(choose_backend())

from cachelib.file import FileSystemCache  # noqa: E402
import flask  # noqa: E402
from flask import Flask, jsonify, request, session  # noqa: E402
from flask_session import Session  # noqa: E402
from flask_sqlalchemy import SQLAlchemy  # noqa: E402

CACHE_DIR = scratch_folder("kolba-session-")


def build(backend: str) -> tuple[Flask, t.Any]:
    """A small cart app whose session lives on the server."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="session secret", SESSION_PERMANENT=False)
    store: t.Any
    if backend == "cachelib":
        store = FileSystemCache(CACHE_DIR, threshold=100)
        app.config.update(SESSION_TYPE="cachelib", SESSION_CACHELIB=store)
    else:
        app.config.update(SQLALCHEMY_DATABASE_URI="sqlite://", SESSION_TYPE="sqlalchemy")
        store = SQLAlchemy(app)
        app.config["SESSION_SQLALCHEMY"] = store
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Session(app)
    flags: list[t.Any] = []
    app.extensions["flags"] = flags

    @app.route("/cart/add/<item>")
    def add(item: str) -> t.Any:
        session.setdefault("cart", []).append(item)
        session.modified = True
        return jsonify(cart=session["cart"])

    @app.route("/cart")
    def show() -> t.Any:
        return jsonify(cart=session.get("cart", []), sid_length=len(session.sid))

    @app.route("/checkout")
    def checkout() -> t.Any:
        session.clear()
        return "done"

    @app.route("/remember")
    def remember() -> t.Any:
        session.permanent = True
        session["who"] = request.args["who"]
        return "ok"

    @app.route("/rotate")
    def rotate() -> t.Any:
        app.session_interface.regenerate(session)
        return "rotated"

    @app.route("/plain")
    def plain() -> t.Any:
        return "no session here"

    @app.after_request
    def read_flags(response: t.Any) -> t.Any:
        if request.path == "/plain":
            flags.append([session.accessed, session.modified, type(session._get_current_object()).__name__])
        return response

    @app.teardown_request
    def teardown_flags(error: t.Any) -> None:
        if request.path == "/plain":
            flags.append([session.accessed, session.modified])

    return app, store


def sid_of(client: t.Any) -> str:
    """The session id the client's cookie holds (unsigned in Flask-Session 0.8)."""
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie"
    return str(cookie.value)


def stored(app: Flask, store: t.Any, backend: str, sid: str) -> t.Any:
    """What the server keeps for ``sid``, read from the backend directly."""
    if backend == "cachelib":
        raw = store.get("session:" + sid)  # cachelib keeps the dict itself
        return None if raw is None else sorted(raw)
    with app.app_context():
        model = app.session_interface.sql_session_model
        row = store.session.execute(store.select(model).filter_by(session_id="session:" + sid))
        found = row.scalar_one_or_none()
        if found is None:
            return None
        return sorted(app.session_interface.serializer.decode(found.data))


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


for BACKEND in ("cachelib", "sqlalchemy"):
    app, store = build(BACKEND)
    client = app.test_client()

    @report.check(f"{BACKEND}_add_and_read")
    def _() -> t.Any:
        first = client.get("/cart/add/tea")
        second = client.get("/cart/add/milk")
        return [first.get_json(), second.get_json(), client.get("/cart").get_json(),
                header_summary(first)]

    @report.check(f"{BACKEND}_kept_on_server")
    def _() -> t.Any:
        sid = sid_of(client)
        return [len(sid), stored(app, store, BACKEND, sid)]

    @report.check(f"{BACKEND}_other_client_is_apart")
    def _() -> t.Any:
        other = app.test_client()
        return [other.get("/cart").get_json()["cart"], other.get_cookie("session") is None]

    @report.check(f"{BACKEND}_unknown_sid_starts_afresh")
    def _() -> t.Any:
        stranger = app.test_client()
        stranger.set_cookie("session", "not-a-real-session-id")
        return stranger.get("/cart").get_json()["cart"]

    @report.check(f"{BACKEND}_untouched_session_flags")
    def _() -> t.Any:
        app.extensions["flags"].clear()
        r = client.get("/plain")
        return [r.status_code, header_summary(r), app.extensions["flags"]]

    @report.check(f"{BACKEND}_permanent")
    def _() -> t.Any:
        visitor = app.test_client()
        r = visitor.get("/remember?who=ann")
        return [header_summary(r), stored(app, store, BACKEND, sid_of(visitor))]

    @report.check(f"{BACKEND}_regenerate")
    def _() -> t.Any:
        before = sid_of(client)
        client.get("/rotate")
        after = sid_of(client)
        return [before != after, stored(app, store, BACKEND, before),
                client.get("/cart").get_json()["cart"]]

    @report.check(f"{BACKEND}_clear_deletes")
    def _() -> t.Any:
        sid = sid_of(client)
        r = client.get("/checkout")
        return [header_summary(r), stored(app, store, BACKEND, sid), client.get_cookie("session")]

    @report.check(f"{BACKEND}_session_transaction")
    def _() -> t.Any:
        browser = app.test_client()
        browser.get("/cart/add/jam")
        with browser.session_transaction() as sess:
            sess["cart"].append("bread")
            sess.modified = True
        return browser.get("/cart").get_json()["cart"]


report.emit()
