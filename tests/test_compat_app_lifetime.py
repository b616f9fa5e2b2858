"""An app is freed once the last reference to it goes, whatever it did meanwhile.

App factories and test suites build many apps; each must be collectable.
Every case builds an app in a helper thread, uses one feature, drops the
app and checks a weak reference after ``gc.collect()``.  The helper thread
stays alive until the check is done, so anything kept per thread (an event
loop for ``async def`` views, say) is still there when the reference is
checked, as it would be in a server's worker thread.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import typing as t
import weakref

import pytest

import kolba

TESTS_DIR = os.path.dirname(__file__)

#: Registers what it needs on the app, yields, then uses the app.
Use = t.Callable[[kolba.Kolba], t.Iterator[None]]


def _new_app() -> kolba.Kolba:
    app = kolba.Kolba("lifetime_app", root_path=TESTS_DIR)
    app.config.update(TESTING=True, SECRET_KEY="lifetime")

    @app.route("/")
    def index() -> str:
        return "index"

    return app


def _requests(app: kolba.Kolba) -> t.Iterator[None]:
    @app.route("/json/<int:n>")
    def as_json(n: int) -> t.Any:
        kolba.g.n = n
        return {"n": n, "url": kolba.url_for("as_json", n=n)}

    @app.errorhandler(404)
    def missing(error: Exception) -> t.Any:
        return "missing", 404

    @app.before_request
    def before() -> None:
        kolba.g.seen = True

    @app.teardown_request
    def teardown(error: BaseException | None) -> None:
        pass

    yield
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/json/3").get_json()["n"] == 3
    assert client.get("/nope").status_code == 404


def _templates(app: kolba.Kolba) -> t.Iterator[None]:
    @app.route("/page")
    def page() -> str:
        return kolba.render_template("context.html") + kolba.render_template_string(
            "{{ request.path }} {{ url_for('index') }} {{ g.get('x') }}"
        )

    yield
    assert app.test_client().get("/page").status_code == 200


def _sessions(app: kolba.Kolba) -> t.Iterator[None]:
    @app.route("/set")
    def set_value() -> str:
        kolba.session["n"] = kolba.session.get("n", 0) + 1
        return str(kolba.session["n"])

    yield
    client = app.test_client()
    client.get("/set")
    assert client.get("/set").text == "2"
    with client.session_transaction() as session:
        session["n"] = 10
    assert client.get("/set").text == "11"


def _blueprints(app: kolba.Kolba) -> t.Iterator[None]:
    bp = kolba.Blueprint("bp", __name__, url_prefix="/bp", template_folder="templates")

    @bp.route("/here")
    def here() -> str:
        return kolba.url_for(".here")

    @bp.before_request
    def bp_before() -> None:
        pass

    app.register_blueprint(bp)
    yield
    assert app.test_client().get("/bp/here").text == "/bp/here"


def _kept_contexts(app: kolba.Kolba) -> t.Iterator[None]:
    yield
    client = app.test_client()
    with client:
        client.get("/?q=1")
        assert kolba.request.args["q"] == "1"
    with app.test_request_context("/x"), app.app_context():
        kolba.g.value = 1


def _cli_runner(app: kolba.Kolba) -> t.Iterator[None]:
    @app.cli.command("hello")
    def hello() -> None:
        print("hello")

    yield
    from kolba.cli import routes_command

    runner = app.test_cli_runner()
    assert runner.invoke(args=["hello"]).output == "hello\n"
    assert "index" in runner.invoke(routes_command).output


def _async_view(app: kolba.Kolba) -> t.Iterator[None]:
    @app.route("/async")
    async def slow() -> str:
        return "async"

    @app.before_request
    async def async_hook() -> None:
        pass

    yield
    assert app.test_client().get("/async").text == "async"


def _everything(app: kolba.Kolba) -> t.Iterator[None]:
    uses = [_requests, _templates, _sessions, _blueprints, _kept_contexts, _cli_runner, _async_view]
    steps = [use(app) for use in uses]
    for step in steps:
        next(step)  # register everything before the first request
    yield
    for step in steps:
        next(step, None)


CASES: dict[str, Use] = {
    "requests": _requests,
    "templates": _templates,
    "sessions": _sessions,
    "blueprints": _blueprints,
    "kept_contexts": _kept_contexts,
    "cli_runner": _cli_runner,
    "async_view": _async_view,
    "everything": _everything,
}


def _use_and_drop(use: Use, errors: list[BaseException]) -> weakref.ref[kolba.Kolba]:
    app = _new_app()
    try:
        for _ in use(app):
            pass
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)
    return weakref.ref(app)


@pytest.mark.parametrize("case", list(CASES))
def test_app_is_freed_after_use(case: str) -> None:
    done = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []
    refs: list[weakref.ref[kolba.Kolba]] = []

    def worker() -> None:
        refs.append(_use_and_drop(CASES[case], errors))
        done.set()
        release.wait(30)  # keep this thread's state alive until the check

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert done.wait(30)
        if errors:
            raise errors[0]
        # A worker thread of the ASGI door drops its last reference to the
        # finished call just after handing back the result: give it a moment.
        for _ in range(100):
            gc.collect()
            if refs[0]() is None:
                break
            time.sleep(0.02)
        assert refs[0]() is None, gc.get_referrers(refs[0]())
    finally:
        release.set()
        thread.join(30)
