"""Flask-CORS: the seeds' ``CORS(app)``, resource rules, and ``@cross_origin``."""

from __future__ import annotations

import typing as t

from _harness import Report, choose_backend, header_summary

report = Report(choose_backend())

import flask  # noqa: E402
from flask import Blueprint, Flask, abort, jsonify  # noqa: E402
from flask_cors import CORS, cross_origin  # noqa: E402

CORS_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Credentials",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Vary",
)

# The seeds' app: CORS for every route and origin.
app = Flask(__name__)
app.config.update(PROPAGATE_EXCEPTIONS=False)
CORS(app)


@app.route("/api/data", methods=["GET"])
def get_data() -> t.Any:
    """The seeds' view."""
    return jsonify({"data": "Sample data"})


@app.route("/api/items", methods=["GET", "POST"])
def items() -> t.Any:
    """A view with two methods, for the preflight's method list."""
    return jsonify([])


@app.route("/api/gone")
def gone() -> t.Any:
    """An HTTP error must still carry the CORS headers."""
    abort(410)


@app.route("/api/crash")
def crash() -> t.Any:
    """An unhandled error goes through ``handle_exception``, which Flask-CORS wraps."""
    raise RuntimeError("crash")


# A second app: rules per resource and the decorator.
scoped = Flask("scoped")
CORS(
    scoped,
    resources={r"/api/*": {"origins": ["http://good.example"]}},
    supports_credentials=True,
    expose_headers=["X-Total"],
    max_age=600,
)


@scoped.route("/api/list")
def api_list() -> t.Any:
    """Covered by the resource rule."""
    return jsonify([1, 2]), 200, {"X-Total": "2"}


@scoped.route("/private")
def private() -> t.Any:
    """Outside every rule: no CORS headers."""
    return "private"


@scoped.route("/open", methods=["GET", "PUT"])
@cross_origin(origins="*", methods=["GET", "PUT"], allow_headers=["X-Custom"])
def open_view() -> t.Any:
    """The decorator handles OPTIONS itself and sets headers per view."""
    return "open"


# CORS on one blueprint only.
public = Blueprint("public", __name__, url_prefix="/public")
CORS(public, origins=["http://bp.example"])


@public.route("/info")
def info() -> t.Any:
    """Inside the blueprint that has CORS."""
    return "info"


scoped.register_blueprint(public)


def cors_headers(r: t.Any) -> dict[str, str]:
    """The response's CORS-related headers, methods sorted for stable comparison."""
    found = {name: r.headers[name] for name in CORS_HEADERS if name in r.headers}
    for name in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers"):
        if name in found:
            found[name] = ", ".join(sorted(found[name].replace(" ", "").split(",")))
    return found


def preflight(client: t.Any, path: str, origin: str, method: str, headers: str = "") -> t.Any:
    """An OPTIONS request the way a browser sends it before a cross-origin call."""
    extra = {"Access-Control-Request-Headers": headers} if headers else {}
    return client.options(
        path, headers={"Origin": origin, "Access-Control-Request-Method": method, **extra}
    )


client = app.test_client()
scoped_client = scoped.test_client()


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("simple_request_allow_origin")
def _() -> t.Any:
    r = client.get("/api/data", headers={"Origin": "http://x.example"})
    return [r.status_code, r.get_json(), cors_headers(r)]


@report.check("no_origin_still_wildcard")
def _() -> t.Any:
    r = client.get("/api/data")
    return [r.status_code, cors_headers(r)]


@report.check("preflight")
def _() -> t.Any:
    r = preflight(client, "/api/items", "http://x.example", "POST", "Content-Type, X-Custom")
    return [r.status_code, r.get_data(as_text=True), cors_headers(r)]


@report.check("http_error_has_cors")
def _() -> t.Any:
    r = client.get("/api/gone", headers={"Origin": "http://x.example"})
    return [r.status_code, cors_headers(r)]


@report.check("not_found_has_cors")
def _() -> t.Any:
    r = client.get("/api/missing", headers={"Origin": "http://x.example"})
    return [r.status_code, cors_headers(r)]


@report.check("unhandled_error_has_cors")
def _() -> t.Any:
    r = client.get("/api/crash", headers={"Origin": "http://x.example"})
    return [r.status_code, cors_headers(r)]


@report.check("resource_rule_allowed_origin")
def _() -> t.Any:
    r = scoped_client.get("/api/list", headers={"Origin": "http://good.example"})
    return [r.status_code, cors_headers(r)]


@report.check("resource_rule_other_origin")
def _() -> t.Any:
    r = scoped_client.get("/api/list", headers={"Origin": "http://evil.example"})
    return [r.status_code, cors_headers(r)]


@report.check("resource_rule_preflight")
def _() -> t.Any:
    r = preflight(scoped_client, "/api/list", "http://good.example", "GET")
    return [r.status_code, cors_headers(r)]


@report.check("outside_resources")
def _() -> t.Any:
    r = scoped_client.get("/private", headers={"Origin": "http://good.example"})
    return [r.status_code, cors_headers(r)]


@report.check("cross_origin_simple")
def _() -> t.Any:
    r = scoped_client.put("/open", headers={"Origin": "http://any.example"})
    return [r.status_code, r.get_data(as_text=True), cors_headers(r)]


@report.check("cross_origin_preflight")
def _() -> t.Any:
    r = preflight(scoped_client, "/open", "http://any.example", "PUT", "X-Custom")
    return [r.status_code, sorted(r.headers.get("Allow", "").split(", ")), cors_headers(r)]


@report.check("preflight_unknown_route")
def _() -> t.Any:
    r = preflight(client, "/api/missing", "http://x.example", "GET")
    return [r.status_code, cors_headers(r)]


@report.check("response_headers")
def _() -> t.Any:
    simple = client.get("/api/data", headers={"Origin": "http://x.example"})
    pre = preflight(client, "/api/items", "http://x.example", "POST", "X-Custom")
    return [header_summary(simple), header_summary(pre)]


@report.check("blueprint_cors")
def _() -> t.Any:
    inside = scoped_client.get("/public/info", headers={"Origin": "http://bp.example"})
    outside = scoped_client.get("/private", headers={"Origin": "http://bp.example"})
    return [cors_headers(inside), cors_headers(outside)]


report.emit()
