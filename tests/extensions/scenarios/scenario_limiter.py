"""Flask-Limiter: memory storage, limits per route and per blueprint, 429 and its headers."""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import typing as t

from _harness import Report, choose_backend

report = Report(choose_backend())

import flask  # noqa: E402
from flask import Blueprint, Flask, jsonify, request  # noqa: E402
from flask_limiter import Limiter  # noqa: E402
from flask_limiter.util import get_remote_address  # noqa: E402

app = Flask(__name__)
app.config.update(RATELIMIT_HEADERS_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
limiter = Limiter(get_remote_address, app=app, default_limits=["5 per minute"])


@app.route("/default")
def default() -> t.Any:
    """Only the app-wide default applies."""
    return "default"


@app.route("/tight")
@limiter.limit("2 per minute")
def tight() -> t.Any:
    """A route's own limit replaces the default."""
    return "tight"


@app.route("/free")
@limiter.exempt
def free() -> t.Any:
    """Never limited."""
    return "free"


@app.route("/by-key")
@limiter.limit("1 per minute", key_func=lambda: request.args.get("key", "anon"))
def by_key() -> t.Any:
    """Counted per query parameter, not per address."""
    return request.args.get("key", "anon")


@app.route("/post-only", methods=["GET", "POST"])
@limiter.limit("1 per minute", methods=["POST"])
def post_only() -> t.Any:
    """Only POSTs count."""
    return request.method


shared = limiter.shared_limit("2 per minute", scope="reports")


@app.route("/report/a")
@shared
def report_a() -> t.Any:
    return "a"


@app.route("/report/b")
@shared
def report_b() -> t.Any:
    return "b"


api = Blueprint("api", __name__, url_prefix="/api")
limiter.limit("3 per minute")(api)


@api.route("/items")
def items() -> t.Any:
    """Limited by the blueprint's limit."""
    return jsonify(items=[1, 2])


@api.route("/items/<int:item_id>")
@limiter.limit("1 per minute", override_defaults=False)
def item(item_id: int) -> t.Any:
    """The route's limit and the blueprint's both count."""
    return jsonify(id=item_id)


admin = Blueprint("admin", __name__, url_prefix="/admin")
limiter.exempt(admin)


@admin.route("/")
def admin_home() -> t.Any:
    return "admin"


app.register_blueprint(api)
app.register_blueprint(admin)

custom = Flask(__name__)
custom_limiter = Limiter(get_remote_address, app=custom, storage_uri="memory://",
                         headers_enabled=True)


@custom.errorhandler(429)
def too_many(error: t.Any) -> t.Any:
    """A JSON 429 with the limit's description."""
    return jsonify(error="slow down", limit=str(error.description)), 429


@custom.route("/ping")
@custom_limiter.limit("1/minute;10/hour")
def ping() -> t.Any:
    return "pong"


@custom.route("/state")
@custom_limiter.limit("5 per minute")
def state() -> t.Any:
    """What the limiter keeps on the request context for this request."""
    ctx = flask.globals.request_ctx._get_current_object()
    kept = sorted(name for name in vars(ctx) if "limiter" in name)
    return jsonify(stored_on_ctx=kept, current=str(custom_limiter.current_limit.limit))


def limit_headers(response: t.Any) -> dict[str, t.Any]:
    """The rate limit headers, with the clock-dependent ones checked for shape only."""
    h = response.headers
    reset = h.get("X-RateLimit-Reset")
    retry = h.get("Retry-After")
    return {
        "limit": h.get("X-RateLimit-Limit"),
        "remaining": h.get("X-RateLimit-Remaining"),
        "reset_is_epoch": reset is not None and reset.isdigit() and int(reset) > 1_600_000_000,
        "retry_after": None if retry is None else (retry.isdigit() and 0 < int(retry) <= 60),
    }


def hammer(client: t.Any, path: str, times: int, method: str = "get", **kwargs: t.Any) -> list[int]:
    return [getattr(client, method)(path, **kwargs).status_code for _ in range(times)]


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("default_limit")
def _() -> t.Any:
    client = app.test_client()
    codes = hammer(client, "/default", 5)
    blocked = client.get("/default")
    return [codes, blocked.status_code, limit_headers(blocked)]


@report.check("route_limit_headers")
def _() -> t.Any:
    client = app.test_client()
    first = client.get("/tight")
    client.get("/tight")
    third = client.get("/tight")
    return [first.status_code, limit_headers(first), third.status_code, limit_headers(third),
            third.mimetype, "2 per 1 minute" in third.get_data(as_text=True)]


@report.check("exempt_route")
def _() -> t.Any:
    response = app.test_client().get("/free")
    return [hammer(app.test_client(), "/free", 8), "X-RateLimit-Limit" in response.headers]


@report.check("key_func")
def _() -> t.Any:
    client = app.test_client()
    return [hammer(client, "/by-key?key=a", 2), hammer(client, "/by-key?key=b", 2)]


@report.check("per_address")
def _() -> t.Any:
    other = app.test_client()
    codes = [other.get("/tight", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code
             for _ in range(3)]
    return codes


@report.check("methods_filter")
def _() -> t.Any:
    client = app.test_client()
    return [hammer(client, "/post-only", 3), hammer(client, "/post-only", 2, method="post")]


@report.check("shared_limit")
def _() -> t.Any:
    client = app.test_client()
    return [client.get("/report/a").status_code, client.get("/report/b").status_code,
            client.get("/report/a").status_code, client.get("/report/b").status_code]


@report.check("blueprint_limit")
def _() -> t.Any:
    client = app.test_client()
    codes = hammer(client, "/api/items", 4)
    return [codes, limit_headers(client.get("/api/items"))["limit"]]


@report.check("blueprint_and_route_limit")
def _() -> t.Any:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.2.2.2"
    return hammer(client, "/api/items/7", 2)


@report.check("exempt_blueprint")
def _() -> t.Any:
    return hammer(app.test_client(), "/admin/", 7)


@report.check("custom_429_handler")
def _() -> t.Any:
    client = custom.test_client()
    first = client.get("/ping")
    second = client.get("/ping")
    return [first.status_code, second.status_code, second.get_json(), limit_headers(second)]


@report.check("request_context_state")
def _() -> t.Any:
    r = custom.test_client().get("/state")
    return [r.status_code, r.get_json()]


@report.check("limiter_api")
def _() -> t.Any:
    with app.test_request_context("/tight"):
        current = limiter.current_limit
    limiter.reset()
    after_reset = app.test_client().get("/tight").status_code
    return [current, after_reset, sorted(app.extensions)]


report.emit()
