"""Flask-HTTPAuth: Basic and token authentication, roles, error handlers, MultiAuth."""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import base64
import typing as t

from _harness import Report, choose_backend, header_summary

report = Report(choose_backend())

import flask  # noqa: E402
from flask import Blueprint, Flask, g, jsonify  # noqa: E402
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth, MultiAuth  # noqa: E402
from werkzeug.security import check_password_hash, generate_password_hash  # noqa: E402

app = Flask(__name__)
basic = HTTPBasicAuth(realm="Staff")
token_auth = HTTPTokenAuth(scheme="Bearer")
either = MultiAuth(basic, token_auth)

PASSWORDS = {"ann": generate_password_hash("s3cret"), "bob": generate_password_hash("hunter2")}
ROLES = {"ann": ["admin", "staff"], "bob": ["staff"]}
TOKENS = {"tok-ann": "ann", "tok-bob": "bob"}


@basic.verify_password
def verify_password(username: str, password: str) -> str | None:
    if username in PASSWORDS and check_password_hash(PASSWORDS[username], password):
        return username
    return None


@basic.get_user_roles
def roles(user: str) -> list[str]:
    return ROLES.get(user, [])


@token_auth.verify_token
def verify_token(token: str) -> str | None:
    user = TOKENS.get(token)
    if user is not None:
        g.via = "token"
    return user


@token_auth.error_handler
def token_error(status: int) -> t.Any:
    return jsonify(error="token required", status=status), status


@app.route("/basic")
@basic.login_required
def basic_view() -> t.Any:
    return jsonify(user=basic.current_user(), username=basic.username())


@app.route("/admin")
@basic.login_required(role="admin")
def admin_view() -> t.Any:
    return "admin area"


@app.route("/optional")
@basic.login_required(optional=True)
def optional_view() -> t.Any:
    return jsonify(user=basic.current_user())


@app.route("/token")
@token_auth.login_required
def token_view() -> t.Any:
    return jsonify(user=token_auth.current_user(), via=g.get("via"))


@app.route("/either")
@either.login_required
def either_view() -> t.Any:
    return jsonify(user=either.current_user())


api = Blueprint("api", __name__, url_prefix="/api")


@api.before_request
@token_auth.login_required
def api_guard() -> None:
    """The whole blueprint needs a token."""


@api.route("/items")
def items() -> t.Any:
    return jsonify(items=["a"], user=token_auth.current_user())


app.register_blueprint(api)


def basic_header(user: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def seen(response: t.Any) -> list[t.Any]:
    body = response.get_json() if response.is_json else response.get_data(as_text=True)
    return [response.status_code, body, response.headers.get("WWW-Authenticate")]


client = app.test_client()


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("basic_ok")
def _() -> t.Any:
    return seen(client.get("/basic", headers=basic_header("ann", "s3cret")))


@report.check("basic_missing")
def _() -> t.Any:
    r = client.get("/basic")
    return [*seen(r), header_summary(r)]


@report.check("basic_wrong_password")
def _() -> t.Any:
    return seen(client.get("/basic", headers=basic_header("ann", "nope")))


@report.check("basic_malformed_header")
def _() -> t.Any:
    return [seen(client.get("/basic", headers={"Authorization": "Basic !!!"})),
            seen(client.get("/basic", headers={"Authorization": "Basic"}))]


@report.check("basic_via_test_client_auth")
def _() -> t.Any:
    return seen(client.get("/basic", auth=("bob", "hunter2")))


@report.check("roles")
def _() -> t.Any:
    return [seen(client.get("/admin", headers=basic_header("ann", "s3cret"))),
            seen(client.get("/admin", headers=basic_header("bob", "hunter2")))]


@report.check("optional")
def _() -> t.Any:
    return [seen(client.get("/optional")),
            seen(client.get("/optional", headers=basic_header("bob", "hunter2")))]


@report.check("token_ok")
def _() -> t.Any:
    return seen(client.get("/token", headers={"Authorization": "Bearer tok-bob"}))


@report.check("token_errors")
def _() -> t.Any:
    return [seen(client.get("/token")),
            seen(client.get("/token", headers={"Authorization": "Bearer nope"})),
            seen(client.get("/token", headers={"Authorization": "Token tok-bob"}))]


@report.check("multi_auth")
def _() -> t.Any:
    return [seen(client.get("/either", headers=basic_header("ann", "s3cret"))),
            seen(client.get("/either", headers={"Authorization": "Bearer tok-ann"})),
            seen(client.get("/either"))]


@report.check("blueprint_guard")
def _() -> t.Any:
    return [seen(client.get("/api/items")),
            seen(client.get("/api/items", headers={"Authorization": "Bearer tok-ann"}))]


@report.check("options_not_challenged")
def _() -> t.Any:
    r = client.options("/basic")
    return [r.status_code, sorted(r.headers.get("Allow", "").split(", "))]


report.emit()
