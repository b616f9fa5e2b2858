"""Flask-SQLAlchemy on the seeds' ``User`` model, driven through the test client."""

from __future__ import annotations

import datetime
import decimal
import os
import tempfile
import threading
import typing as t

from _harness import Report, choose_backend, header_summary

report = Report(choose_backend())

import flask  # noqa: E402
from flask import Flask, jsonify, request, stream_with_context  # noqa: E402
from flask_sqlalchemy import SQLAlchemy  # noqa: E402
from flask_sqlalchemy.record_queries import get_recorded_queries  # noqa: E402
from flask_sqlalchemy.track_modifications import models_committed  # noqa: E402

app = Flask(__name__)
app.config.update(
    SQLALCHEMY_DATABASE_URI="sqlite://",
    SQLALCHEMY_RECORD_QUERIES=True,
    SQLALCHEMY_TRACK_MODIFICATIONS=True,
    PROPAGATE_EXCEPTIONS=False,
)
db = SQLAlchemy(app)

# Sessions seen by views, kept alive so identities stay comparable.
seen_sessions: list[t.Any] = []
committed: list[list[str]] = []


class User(db.Model):  # type: ignore[name-defined,misc]
    """The seeds' model."""

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)


class Order(db.Model):  # type: ignore[name-defined,misc]
    """Column types whose values ``jsonify`` must serialise like Flask does."""

    id = db.Column(db.Integer, primary_key=True)
    total = db.Column(db.Numeric(10, 2))
    placed = db.Column(db.DateTime)
    day = db.Column(db.Date)


@app.route("/users")
def get_users() -> t.Any:
    """The seeds' listing view."""
    users = User.query.all()
    return {"users": [{"username": u.username, "email": u.email} for u in users]}


@app.route("/names")
def names() -> t.Any:
    """The second seed's variant, through ``jsonify``."""
    return jsonify([user.username for user in User.query.all()])


@app.route("/users/<int:user_id>")
def get_user(user_id: int) -> t.Any:
    """404 through ``db.get_or_404``."""
    return jsonify(username=db.get_or_404(User, user_id).username)


@app.route("/by-name/<name>")
def by_name(name: str) -> t.Any:
    """404 through the legacy query's ``first_or_404``."""
    return jsonify(email=User.query.filter_by(username=name).first_or_404().email)


@app.post("/users")
def create_user() -> t.Any:
    """Insert from a JSON body."""
    data = request.get_json()
    user = User(username=data["username"], email=data["email"])
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id), 201


@app.post("/draft")
def draft() -> t.Any:
    """Add a row without committing; teardown must throw it away."""
    seen_sessions.append(db.session())
    db.session.add(User(username="draft", email="draft@example.com"))
    return {"pending": len(db.session.new)}


@app.route("/state")
def state() -> t.Any:
    """What the session of this request holds."""
    seen_sessions.append(db.session())
    return {"pending": len(db.session.new), "count": db.session.query(User).count()}


@app.route("/page")
def page() -> t.Any:
    """``db.paginate`` reads ``page`` and ``per_page`` from ``request.args``."""
    result = db.paginate(db.select(User).order_by(User.id), max_per_page=10)
    return {"page": result.page, "pages": result.pages, "items": [u.username for u in result]}


@app.route("/boom")
def boom() -> t.Any:
    """A failing view; the session must still be removed."""
    seen_sessions.append(db.session())
    db.session.add(User(username="boom", email="boom@example.com"))
    raise RuntimeError("boom")


@app.route("/queries")
def queries() -> t.Any:
    """``SQLALCHEMY_RECORD_QUERIES`` keeps queries on ``g``."""
    User.query.count()
    return {"recorded": len(get_recorded_queries())}


@app.route("/stream")
def stream() -> t.Any:
    """A streamed body that queries while the response is being sent."""

    def rows() -> t.Iterator[str]:
        yield "users:"
        for user in User.query.order_by(User.id):
            yield f" {user.username}"

    return stream_with_context(rows())


@app.route("/orders")
def orders() -> t.Any:
    """Decimal, datetime and date through ``jsonify``."""
    order = db.get_or_404(Order, 1)
    return jsonify(total=order.total, placed=order.placed, day=order.day)


barrier = threading.Barrier(2, timeout=5)
thread_sessions: dict[str, int] = {}


@app.route("/thread/<name>")
def in_thread(name: str) -> t.Any:
    """Two threads meet inside this view; each must see its own session."""
    session = db.session()
    barrier.wait()  # both requests are inside their views now
    thread_sessions[name] = id(session)
    barrier.wait()  # keep both sessions alive until both ids are taken
    return "ok"


@models_committed.connect_via(app)
def on_commit(sender: t.Any, changes: list[tuple[t.Any, str]]) -> None:
    """Track-modifications sends with the real app object as sender."""
    for obj, op in changes:
        committed.append([f"{op}:{getattr(obj, 'username', type(obj).__name__)}"])


client = app.test_client()


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("create_all_and_insert")
def _() -> t.Any:
    with app.app_context():
        db.create_all()
        db.session.add(User(username="alice", email="alice@example.com"))
        db.session.commit()
        return [u.username for u in db.session.execute(db.select(User)).scalars()]


@report.check("list_users")
def _() -> t.Any:
    r = client.get("/users")
    return [r.status_code, r.get_json()]


@report.check("post_user")
def _() -> t.Any:
    r = client.post("/users", json={"username": "bob", "email": "bob@example.com"})
    return [r.status_code, r.get_json(), client.get("/names").get_json()]


@report.check("models_committed_signal")
def _() -> t.Any:
    return list(committed)


@report.check("get_or_404")
def _() -> t.Any:
    return [client.get("/users/1").get_json(), client.get("/users/999").status_code]


@report.check("first_or_404")
def _() -> t.Any:
    return [client.get("/by-name/bob").get_json(), client.get("/by-name/zed").status_code]


@report.check("paginate")
def _() -> t.Any:
    return client.get("/page?page=2&per_page=1").get_json()


@report.check("paginate_out_of_range_404")
def _() -> t.Any:
    return [client.get("/page?page=99&per_page=1").status_code,
            client.get("/page?page=abc").status_code]


@report.check("stream_with_context_queries")
def _() -> t.Any:
    r = client.get("/stream")
    return [r.status_code, r.get_data(as_text=True)]


@report.check("response_headers")
def _() -> t.Any:
    head = client.head("/users")
    return [header_summary(client.get("/users")), header_summary(client.get("/users/999")),
            header_summary(head), head.get_data(as_text=True)]


@report.check("shell_context")
def _() -> t.Any:
    with app.app_context():
        context = app.make_shell_context()
    return [context.get("db") is db, context.get("User") is User, "app" in context]


@report.check("sessions_not_shared")
def _() -> t.Any:
    first = client.post("/draft").get_json()
    second = client.get("/state").get_json()
    return {
        "first": first,
        "second": second,
        "distinct_sessions": seen_sessions[0] is not seen_sessions[1],
    }


@report.check("teardown_removes_session")
def _() -> t.Any:
    old = seen_sessions[0]
    return {"new": len(old.new), "identity_map": len(old.identity_map)}


@report.check("teardown_after_error")
def _() -> t.Any:
    r = client.get("/boom")
    old = seen_sessions[-1]
    return [r.status_code, len(old.new), client.get("/state").get_json()["count"]]


@report.check("record_queries")
def _() -> t.Any:
    return client.get("/queries").get_json()


@report.check("session_scoped_to_app_context")
def _() -> t.Any:
    with app.app_context():
        outer = db.session()
        with app.test_request_context():
            reused = db.session() is outer
        with app.app_context():
            nested = db.session() is not outer
        after = db.session() is outer
    return {"request_reuses_app_ctx": reused, "nested_is_new": nested, "restored": after}


@report.check("threads_get_own_sessions")
def _() -> t.Any:
    def hit(name: str) -> None:
        app.test_client().get(f"/thread/{name}")

    threads = [threading.Thread(target=hit, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return [sorted(thread_sessions), thread_sessions.get("a") != thread_sessions.get("b")]


@report.check("jsonify_column_types")
def _() -> t.Any:
    with app.app_context():
        db.session.add(Order(
            total=decimal.Decimal("12.50"),
            placed=datetime.datetime(2024, 5, 17, 8, 30),
            day=datetime.date(2024, 5, 17),
        ))
        db.session.commit()
    return client.get("/orders").get_json()


@report.check("seed_relative_sqlite_uri_in_instance_path")
def _() -> t.Any:
    with tempfile.TemporaryDirectory() as instance:
        seed_app = Flask(__name__, instance_path=instance)
        seed_app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///app.db"
        seed_db = SQLAlchemy(seed_app)
        with seed_app.app_context():
            database = seed_db.engine.url.database
            seed_db.engine.dispose()
        return database == os.path.join(instance, "app.db")


@report.check("app_factory_two_apps")
def _() -> t.Any:
    shared = SQLAlchemy()

    class Item(shared.Model):  # type: ignore[name-defined,misc]
        id = shared.Column(shared.Integer, primary_key=True)
        name = shared.Column(shared.String(20))

    def create_app(name: str) -> t.Any:
        made = Flask(name)
        made.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
        shared.init_app(made)

        @made.route("/items")
        def list_items() -> t.Any:
            return jsonify([item.name for item in Item.query.all()])

        with made.app_context():
            shared.create_all()
            shared.session.add(Item(name=name))
            shared.session.commit()
        return made

    first, second = create_app("first"), create_app("second")
    return [first.test_client().get("/items").get_json(),
            second.test_client().get("/items").get_json(),
            sorted(first.extensions), first.extensions["sqlalchemy"] is shared]


@report.check("outside_context_error")
def _() -> t.Any:
    try:
        User.query.all()
    except RuntimeError as exc:
        return "application context" in str(exc)
    return "no error"


report.emit()
