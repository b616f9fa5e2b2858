"""Flask-JWT-Extended: access and refresh tokens in headers and cookies, and its errors."""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import typing as t
from datetime import timedelta

from _harness import Report, choose_backend, header_summary

report = Report(choose_backend())

import flask  # noqa: E402
from flask import Blueprint, Flask, jsonify, request  # noqa: E402
from flask_jwt_extended import (  # noqa: E402
    JWTManager,
    create_access_token,
    create_refresh_token,
    current_user,
    decode_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
    verify_jwt_in_request,
)

app = Flask(__name__)
app.config.update(
    JWT_SECRET_KEY="jwt secret",
    JWT_TOKEN_LOCATION=["headers", "cookies"],
    JWT_COOKIE_SECURE=False,
    JWT_ACCESS_TOKEN_EXPIRES=timedelta(minutes=15),
)
jwt = JWTManager(app)

USERS = {"ann": {"id": 1, "role": "admin"}, "bob": {"id": 2, "role": "reader"}}
REVOKED: set[str] = set()


@jwt.user_lookup_loader
def load_user(header: dict[str, t.Any], payload: dict[str, t.Any]) -> dict[str, t.Any] | None:
    return USERS.get(payload["sub"])


@jwt.additional_claims_loader
def claims(identity: str) -> dict[str, t.Any]:
    return {"role": USERS.get(identity, {}).get("role", "none")}


@jwt.token_in_blocklist_loader
def revoked(header: dict[str, t.Any], payload: dict[str, t.Any]) -> bool:
    return payload["jti"] in REVOKED


@app.route("/login", methods=["POST"])
def login() -> t.Any:
    """Tokens in the JSON body, as an API client wants them."""
    name = request.json.get("username") if request.is_json else None
    if name not in USERS:
        return jsonify(msg="Bad username"), 401
    return jsonify(access=create_access_token(identity=name, fresh=True),
                   refresh=create_refresh_token(identity=name))


@app.route("/login-cookies", methods=["POST"])
def login_cookies() -> t.Any:
    """Tokens in cookies, with their CSRF double-submit cookies, for a browser."""
    name = request.form["username"]
    response = jsonify(login=True)
    set_access_cookies(response, create_access_token(identity=name))
    set_refresh_cookies(response, create_refresh_token(identity=name))
    return response


@app.route("/logout-cookies", methods=["POST"])
def logout_cookies() -> t.Any:
    response = jsonify(logout=True)
    unset_jwt_cookies(response)
    return response


@app.route("/me")
@jwt_required()
def me() -> t.Any:
    return jsonify(identity=get_jwt_identity(), user_id=current_user["id"], role=get_jwt()["role"],
                   type=get_jwt()["type"])


@app.route("/me", methods=["POST"])
@jwt_required()
def me_post() -> t.Any:
    """A state-changing request: cookies need the CSRF header."""
    return jsonify(changed=get_jwt_identity())


@app.route("/refresh", methods=["POST"])
@jwt_required(refresh=True)
def refresh() -> t.Any:
    return jsonify(access=create_access_token(identity=get_jwt_identity(), fresh=False))


@app.route("/fresh-only")
@jwt_required(fresh=True)
def fresh_only() -> t.Any:
    return jsonify(fresh=True)


@app.route("/maybe")
@jwt_required(optional=True)
def maybe() -> t.Any:
    return jsonify(identity=get_jwt_identity())


@app.route("/revoke", methods=["DELETE"])
@jwt_required()
def revoke() -> t.Any:
    REVOKED.add(get_jwt()["jti"])
    return jsonify(msg="revoked")


admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.before_request
def admins_only() -> t.Any:
    """A whole blueprint behind a token check, in a hook rather than a decorator."""
    verify_jwt_in_request()
    if get_jwt()["role"] != "admin":
        return jsonify(msg="Admins only"), 403
    return None


@admin.route("/panel")
def panel() -> t.Any:
    return jsonify(panel=get_jwt_identity())


app.register_blueprint(admin)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def answer(response: t.Any) -> list[t.Any]:
    return [response.status_code, response.get_json()]


def tokens(name: str = "ann") -> dict[str, str]:
    result: dict[str, str] = app.test_client().post("/login", json={"username": name}).get_json()
    return result


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("login_issues_tokens")
def _() -> t.Any:
    issued = tokens()
    with app.app_context():
        access, refresh_token = decode_token(issued["access"]), decode_token(issued["refresh"])
    keep = ("sub", "type", "fresh", "role")
    return [{k: access.get(k) for k in keep}, {k: refresh_token.get(k) for k in keep},
            access["exp"] - access["iat"]]


@report.check("bad_login")
def _() -> t.Any:
    return answer(app.test_client().post("/login", json={"username": "eve"}))


@report.check("header_access")
def _() -> t.Any:
    return answer(app.test_client().get("/me", headers=bearer(tokens()["access"])))


@report.check("missing_token")
def _() -> t.Any:
    r = app.test_client().get("/me")
    return [*answer(r), header_summary(r)]


@report.check("malformed_header")
def _() -> t.Any:
    client = app.test_client()
    return [answer(client.get("/me", headers={"Authorization": "Token abc"})),
            answer(client.get("/me", headers=bearer("not.a.jwt")))]


@report.check("bad_signature")
def _() -> t.Any:
    access = tokens()["access"]
    forged = access[:-4] + ("AAAA" if not access.endswith("AAAA") else "BBBB")
    return answer(app.test_client().get("/me", headers=bearer(forged)))


@report.check("expired_token")
def _() -> t.Any:
    with app.app_context():
        old = create_access_token(identity="ann", expires_delta=timedelta(seconds=-10))
    return answer(app.test_client().get("/me", headers=bearer(old)))


@report.check("refresh_token_where_access_needed")
def _() -> t.Any:
    return answer(app.test_client().get("/me", headers=bearer(tokens()["refresh"])))


@report.check("refresh_flow_and_freshness")
def _() -> t.Any:
    client = app.test_client()
    issued = tokens()
    new_access = client.post("/refresh", headers=bearer(issued["refresh"])).get_json()["access"]
    return [answer(client.get("/fresh-only", headers=bearer(issued["access"]))),
            answer(client.get("/fresh-only", headers=bearer(new_access))),
            answer(client.post("/refresh", headers=bearer(issued["access"])))]


@report.check("optional")
def _() -> t.Any:
    client = app.test_client()
    return [answer(client.get("/maybe")),
            answer(client.get("/maybe", headers=bearer(tokens("bob")["access"])))]


@report.check("revoked_token")
def _() -> t.Any:
    client = app.test_client()
    access = tokens()["access"]
    client.delete("/revoke", headers=bearer(access))
    return answer(client.get("/me", headers=bearer(access)))


@report.check("cookies_login")
def _() -> t.Any:
    client = app.test_client()
    r = client.post("/login-cookies", data={"username": "ann"})
    names = sorted(c.split("=", 1)[0] for c in r.headers.getlist("Set-Cookie"))
    return [r.status_code, names, header_summary(r), answer(client.get("/me"))]


@report.check("cookies_csrf")
def _() -> t.Any:
    client = app.test_client()
    client.post("/login-cookies", data={"username": "bob"})
    csrf = client.get_cookie("csrf_access_token")
    assert csrf is not None
    return [answer(client.post("/me")),
            answer(client.post("/me", headers={"X-CSRF-TOKEN": "wrong"})),
            answer(client.post("/me", headers={"X-CSRF-TOKEN": csrf.value}))]


@report.check("cookies_refresh")
def _() -> t.Any:
    client = app.test_client()
    client.post("/login-cookies", data={"username": "ann"})
    csrf = client.get_cookie("csrf_refresh_token")
    assert csrf is not None
    r = client.post("/refresh", headers={"X-CSRF-TOKEN": csrf.value})
    return [r.status_code, sorted(r.get_json())]


@report.check("cookies_logout")
def _() -> t.Any:
    client = app.test_client()
    client.post("/login-cookies", data={"username": "ann"})
    r = client.post("/logout-cookies")
    return [r.status_code, header_summary(r), answer(client.get("/me"))]


@report.check("blueprint_hook")
def _() -> t.Any:
    client = app.test_client()
    return [answer(client.get("/admin/panel")),
            answer(client.get("/admin/panel", headers=bearer(tokens("bob")["access"]))),
            answer(client.get("/admin/panel", headers=bearer(tokens("ann")["access"])))]


@report.check("custom_unauthorized_callback")
def _() -> t.Any:
    other = Flask("other")
    other.config["JWT_SECRET_KEY"] = "x"
    manager = JWTManager(other)

    @manager.unauthorized_loader
    def missing(reason: str) -> t.Any:
        return jsonify(error=reason, path=request.path), 418

    @other.route("/p")
    @jwt_required()
    def protected() -> t.Any:
        return "never"

    return answer(other.test_client().get("/p"))


report.emit()
