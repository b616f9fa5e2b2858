"""An application that fails where it is told to, for the fault matrix.

``?fault=NAME`` makes one part of the request fail: the view (``view``),
a ``before_request`` / ``after_request`` / ``teardown_request`` hook, the
500 error handler (``handler``), a handler for the view's own exception
(``user-handler``), a template (``template``: raises while rendering;
``template-syntax``: does not compile), or a streamed body halfway through
(``/stream?fault=stream``).

Like a real app it opens a SQLite connection (a file, so an open file
descriptor) in ``before_request`` and closes it in ``teardown_appcontext``,
the pattern Flask's tutorial uses.  ``/stats`` reports what the test cannot
see from outside a server: connections still open, the teardowns that ran
(with the error each was given), streams whose generator was closed, the
worker's open file descriptors and process id.  ``/stats`` itself opens no
connection and records no teardown.
"""

from __future__ import annotations

import os
import sqlite3
import time
import typing as t

if t.TYPE_CHECKING:
    import kolba

HERE = os.path.dirname(os.path.abspath(__file__))
#: How long ``/endless`` streams at most: a bound, in case nobody closes it.
ENDLESS_SECONDS = 10.0

FAULTS = ("view", "before", "after", "teardown", "handler", "user-handler", "template", "template-syntax")


class Declined(Exception):
    """The view's own exception, which an error handler is registered for."""


def open_fds() -> int:
    """How many file descriptors this process has open."""
    return len(os.listdir("/proc/self/fd"))


def build_fault_app(db_path: str, **config: t.Any) -> kolba.Kolba:
    """The app; ``db_path`` is the SQLite file each request opens."""
    import kolba
    from kolba import g, request

    app = kolba.Kolba("fault_app", root_path=HERE)
    app.config.update(TESTING=False, SECRET_KEY="fault secret key")
    app.config.update(config)
    stats: dict[str, t.Any] = {"opened": 0, "closed": 0, "teardowns": [], "streams_closed": 0}
    app.extensions["fault_stats"] = stats

    def fault() -> str:
        return request.args.get("fault", "")

    # Registered first, so it runs last: a teardown_request function that
    # raises skips the ones registered before it (Flask does the same).
    @app.teardown_request
    def failing_teardown(exc: BaseException | None) -> None:
        if fault() == "teardown":
            raise RuntimeError("fault in teardown_request")

    @app.teardown_request
    def record_teardown(exc: BaseException | None) -> None:
        if request.endpoint == "stats_view":
            return
        stats["teardowns"].append(None if exc is None else type(exc).__name__)

    @app.teardown_appcontext
    def close_db(exc: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is not None:
            db.close()
            stats["closed"] += 1

    @app.before_request
    def open_db() -> None:
        if request.endpoint == "stats_view":
            return
        g.db = sqlite3.connect(db_path)
        stats["opened"] += 1
        g.db.execute("select 1").fetchall()
        if fault() == "before":
            raise RuntimeError("fault in before_request")

    @app.after_request
    def after(response: t.Any) -> t.Any:
        if fault() == "after":
            raise RuntimeError("fault in after_request")
        return response

    @app.errorhandler(500)
    def on_500(error: t.Any) -> t.Any:
        if fault() == "handler":
            raise RuntimeError("fault in the 500 handler")
        return error

    @app.errorhandler(Declined)
    def on_declined(error: Declined) -> t.Any:
        raise RuntimeError("fault in the Declined handler")

    _add_routes(app, stats)
    return app


def _add_routes(app: kolba.Kolba, stats: dict[str, t.Any]) -> None:
    import kolba
    from kolba import g, request

    @app.route("/")
    def index() -> t.Any:
        name = request.args.get("fault", "")
        if name in ("view", "handler"):
            raise RuntimeError("fault in the view")
        if name == "user-handler":
            raise Declined()
        if name == "template":
            return kolba.render_template_string("{{ 1 // n }}", n=0)
        if name == "template-syntax":
            return kolba.render_template_string("{% if %}")
        return "ok"

    @app.route("/stream")
    def stream() -> t.Any:
        def parts() -> t.Iterator[str]:
            # The generator uses the request's connection, as a view that
            # streams rows from a query does: it must run in that thread.
            if request.args.get("db"):
                yield "part %d\n" % g.db.execute("select 1").fetchone()[0]
            else:
                yield "part 1\n"
            if request.args.get("fault") == "stream":
                raise RuntimeError("fault halfway through a stream")
            yield "part 2\n"

        return kolba.Response(kolba.stream_with_context(parts()))

    @app.route("/endless")
    def endless() -> t.Any:
        def ticks() -> t.Iterator[bytes]:
            deadline = time.monotonic() + ENDLESS_SECONDS
            try:
                while time.monotonic() < deadline:
                    yield b"tick " * 200 + b"\n"
                    time.sleep(0.01)
            finally:
                stats["streams_closed"] += 1

        return kolba.Response(kolba.stream_with_context(ticks()))

    @app.route("/upload", methods=["POST"])
    def upload() -> dict[str, t.Any]:
        return {"size": len(request.get_data())}

    @app.route("/stats")
    def stats_view() -> dict[str, t.Any]:
        return {
            "open_db": stats["opened"] - stats["closed"], "teardowns": stats["teardowns"],
            "streams_closed": stats["streams_closed"], "fds": open_fds(), "pid": os.getpid(),
        }
