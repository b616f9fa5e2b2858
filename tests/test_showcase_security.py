"""The showcase is an example people copy, so its security properties are tested.

Authorisation of every API route for every kind of caller, the configuration
a deployment gets by default, login throttling, sessions that end at logout,
hostile input, request limits, security headers and styled error pages.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import typing as t
from pathlib import Path

import pytest

from tests.showcase_support import (
    PASSWORD,
    create_api_token,
    create_app,
    execute,
    html,
    instance_path,
    log_in,
    logged_in_client,
    post_form,
    register,
    rows,
    showcase_app,
    token_on,
    web,
)

if t.TYPE_CHECKING:
    from werkzeug.test import TestResponse

    from kolba import Kolba
    from kolba.testing import KolbaClient

__all__ = ["instance_path", "showcase_app", "web"]  # fixtures, imported for pytest to find

MAX_ROW_ID = 2**63 - 1


# -- the default configuration is production -----------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No ``SHOWCASE_*`` variables but an instance folder of the test's own."""
    for name in ("SHOWCASE_CONFIG", "SHOWCASE_SECRET_KEY", "SHOWCASE_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHOWCASE_INSTANCE_PATH", str(tmp_path / "instance"))
    return monkeypatch


def test_create_app_without_environment_refuses_to_start(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(RuntimeError) as info:
        create_app()
    message = str(info.value)
    assert "SHOWCASE_SECRET_KEY" in message
    assert "32 random bytes" in message
    assert "secrets.token_hex(32)" in message
    assert "SHOWCASE_CONFIG=development" in message


def test_create_app_defaults_to_production(clean_env: pytest.MonkeyPatch) -> None:
    key = secrets.token_hex(32)
    clean_env.setenv("SHOWCASE_SECRET_KEY", key)
    app = create_app()
    assert app.debug is False
    assert app.testing is False
    assert app.config["SECRET_KEY"] == key
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_config_named_in_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SHOWCASE_CONFIG", "development")
    assert create_app().debug is True


def test_unknown_config_name_is_an_error(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="'prod'.*development, production, testing"):
        create_app("prod")


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("", id="empty"),
        pytest.param("a real secret", id="short"),
        pytest.param("dev-only-insecure-key", id="old-published-key"),
        pytest.param(secrets.token_hex(16), id="only-16-random-bytes"),
        pytest.param("a" * 64, id="one-character-repeated"),
        pytest.param("01" * 40, id="two-characters-repeated"),
        pytest.param("correct horse battery staple, the long way", id="a-sentence"),
        pytest.param(b"\x00" * 32, id="zero-bytes"),
    ],
)
def test_production_refuses_a_weak_secret_key(tmp_path: Path, key: str | bytes) -> None:
    with pytest.raises(RuntimeError, match="at least 32 random bytes"):
        create_app({"SECRET_KEY": key}, instance_path=str(tmp_path))


def test_production_refuses_a_missing_secret_key(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="SHOWCASE_SECRET_KEY is not set"):
        create_app({"SECRET_KEY": None}, instance_path=str(tmp_path))


@pytest.mark.parametrize(
    "key",
    [secrets.token_hex(32), secrets.token_urlsafe(32), secrets.token_bytes(32)],
    ids=["token_hex", "token_urlsafe", "token_bytes"],
)
def test_production_accepts_a_random_secret_key(tmp_path: Path, key: str | bytes) -> None:
    app = create_app({"SECRET_KEY": key}, instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == key


@pytest.mark.parametrize("config", ["production", "development"])
def test_the_testing_key_is_refused_outside_tests(
    clean_env: pytest.MonkeyPatch, config: str
) -> None:
    from showcase.config import TESTING_SECRET_KEY

    clean_env.setenv("SHOWCASE_SECRET_KEY", TESTING_SECRET_KEY)
    with pytest.raises(RuntimeError, match="testing key"):
        create_app(config)


def test_development_without_a_key_gets_a_random_one(clean_env: pytest.MonkeyPatch) -> None:
    first, second = create_app("development"), create_app("development")
    assert len(first.config["SECRET_KEY"]) >= 64
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]


def test_the_environment_does_not_reach_the_testing_config(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A developer's exported variables must never point the tests at a real database.
    clean_env.setenv("SHOWCASE_DATABASE", str(tmp_path / "precious.sqlite"))
    clean_env.setenv("SHOWCASE_SECRET_KEY", secrets.token_hex(32))
    app = create_app("testing")
    assert app.config["DATABASE"] == str(tmp_path / "instance" / "showcase.sqlite")


def test_production_session_cookie_is_secure(tmp_path: Path) -> None:
    app = create_app({"SECRET_KEY": secrets.token_hex(32)}, instance_path=str(tmp_path))
    with app.app_context():
        from showcase.db import init_db

        init_db()
    cookie = app.test_client().get("/submit").headers["Set-Cookie"]
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= {p.strip() for p in cookie.split(";")}


# -- the JSON API: who may do what --------------------------------------------------------------

ACTORS = ["anonymous", "owner-session", "owner-token", "other-session", "other-token"]


class APIWorld:
    """Alice owns note ``note_id``; bob is another user. Both have a session and a token."""

    def __init__(self, app: Kolba) -> None:
        self.app = app
        self.alice = logged_in_client(app, "alice")
        self.bob = logged_in_client(app, "bob")
        self.tokens = {"alice": create_api_token(self.alice), "bob": create_api_token(self.bob)}
        created = self.alice.post("/api/notes", json={"title": "Alice's", "body": "secret"})
        assert created.status_code == 201
        self.note_id: int = created.get_json()["id"]

    def call(self, actor: str, method: str, path: str, body: t.Any = None) -> TestResponse:
        """Send a request as ``actor`` (see ``ACTORS``)."""
        who, _, how = actor.partition("-")
        user = {"owner": "alice", "other": "bob"}.get(who)
        headers = {}
        if user is None:
            client = self.app.test_client()
        elif how == "token":
            client = self.app.test_client()  # no cookies: the token alone must do
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        else:
            client = self.alice if user == "alice" else self.bob
        kw: dict[str, t.Any] = {"headers": headers}
        if body is not None:
            kw["json"] = body
        return client.open(path.format(id=self.note_id), method=method, **kw)

    def note(self) -> tuple[str, str] | None:
        found = rows(self.app, "SELECT title, body FROM note WHERE id = ?", self.note_id)
        return (found[0]["title"], found[0]["body"]) if found else None


@pytest.fixture
def world(showcase_app: Kolba) -> APIWorld:
    return APIWorld(showcase_app)


#: method, path, body, then the status for an owner and for another user.
ROUTES = [
    ("GET", "/api/notes", None, 200, 200),
    ("POST", "/api/notes", {"title": "New"}, 201, 201),
    ("GET", "/api/notes/{id}", None, 200, 404),
    ("PUT", "/api/notes/{id}", {"title": "Replaced"}, 200, 404),
    ("PATCH", "/api/notes/{id}", {"body": "patched"}, 200, 404),
    ("DELETE", "/api/notes/{id}", None, 204, 404),
]
NOTE_AFTER = {
    "PUT": ("Replaced", ""),
    "PATCH": ("Alice's", "patched"),
    "DELETE": None,
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("method", "path", "body", "owner_status", "other_status"),
    ROUTES,
    ids=[f"{m} {p}" for m, p, *_ in ROUTES],
)
def test_api_route_by_caller(
    world: APIWorld,
    actor: str,
    method: str,
    path: str,
    body: t.Any,
    owner_status: int,
    other_status: int,
) -> None:
    response = world.call(actor, method, path, body)
    expected = {"anonymous": 401, "owner": owner_status, "other": other_status}
    assert response.status_code == expected[actor.partition("-")[0]], response.get_data()
    if response.status_code != 204:
        ok = response.status_code < 400
        assert response.mimetype == ("application/json" if ok else "application/problem+json")
    if actor == "anonymous":
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["title"] == "Unauthorized"
    # Only the owner changes alice's note; nobody else learns what it says.
    changed = actor.startswith("owner") and method in NOTE_AFTER
    assert world.note() == (NOTE_AFTER[method] if changed else ("Alice's", "secret"))
    if not actor.startswith("owner"):
        assert b"secret" not in response.get_data()


@pytest.mark.parametrize("actor", ["owner-session", "other-token"])
def test_api_lists_only_the_callers_notes(world: APIWorld, actor: str) -> None:
    world.call("other-session", "POST", "/api/notes", {"title": "Bob's"})
    listing = world.call(actor, "GET", "/api/notes").get_json()
    mine = "Alice's" if actor.startswith("owner") else "Bob's"
    assert [note["title"] for note in listing["notes"]] == [mine]
    assert listing["count"] == 1


def test_api_creates_notes_for_the_caller(world: APIWorld) -> None:
    created = world.call("other-token", "POST", "/api/notes", {"title": "Via token"})
    assert created.get_json()["author"] == "bob"
    assert world.call("owner-session", "GET", created.headers["Location"]).status_code == 404


@pytest.mark.parametrize("actor", ACTORS)
def test_api_index_is_public(world: APIWorld, actor: str) -> None:
    assert world.call(actor, "GET", "/api/").status_code == 200


@pytest.mark.parametrize(
    "authorization",
    ["Bearer sct_not-a-real-token", "Bearer ", "Basic YWxpY2U6cGFzc3dvcmQ=", "Bearer a b"],
)
def test_api_rejects_bad_credentials(world: APIWorld, authorization: str) -> None:
    # A bad Authorization header is refused even with a valid session cookie:
    # the client asked to be someone specific, and it is not.
    response = world.alice.get("/api/notes", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "secret" not in html(response)


# -- API tokens ----------------------------------------------------------------------------------


def test_tokens_are_stored_hashed(world: APIWorld) -> None:
    token = world.tokens["alice"]
    assert token.startswith("sct_") and len(token) >= 40
    stored = [r["token_hash"] for r in rows(world.app, "SELECT token_hash FROM api_token")]
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    with world.app.app_context():
        from showcase.db import get_db

        everything = "\n".join(get_db().iterdump())
    assert token not in everything


def test_token_is_shown_once_and_listed_by_name(world: APIWorld) -> None:
    shown = post_form(world.alice, "/account/tokens", {"name": "desktop"}, page="/dashboard")
    assert shown.headers["Cache-Control"] == "no-store"
    dashboard = html(world.alice.get("/dashboard"))
    assert world.tokens["alice"] not in dashboard
    assert "laptop" in dashboard


def test_revoked_token_stops_working(world: APIWorld) -> None:
    (row,) = rows(world.app, "SELECT id FROM api_token WHERE name = 'laptop' AND user_id = 1")
    revoke = f"/account/tokens/{row['id']}/revoke"
    response = post_form(world.alice, revoke, {}, page="/dashboard")
    assert response.status_code == 302
    assert world.call("owner-token", "GET", "/api/notes").status_code == 401
    assert world.call("other-token", "GET", "/api/notes").status_code == 200


def test_nobody_revokes_another_users_token(world: APIWorld) -> None:
    (row,) = rows(world.app, "SELECT id FROM api_token WHERE user_id = 1")
    response = post_form(world.bob, f"/account/tokens/{row['id']}/revoke", {}, page="/dashboard")
    assert response.status_code == 404
    assert world.call("owner-token", "GET", "/api/notes").status_code == 200


def test_token_pages_need_login_and_csrf(web: KolbaClient, showcase_app: Kolba) -> None:
    response = post_form(web, "/account/tokens", {"name": "x"}, page="/submit")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    alice = logged_in_client(showcase_app, "alice")
    assert alice.post("/account/tokens", data={"name": "x"}).status_code == 400
    assert rows(showcase_app, "SELECT * FROM api_token") == []


@pytest.mark.parametrize(("name", "ok"), [("", False), ("x" * 51, False), ("ci", True)])
def test_token_name_is_validated(showcase_app: Kolba, name: str, ok: bool) -> None:
    alice = logged_in_client(showcase_app, "alice")
    response = post_form(alice, "/account/tokens", {"name": name}, page="/dashboard")
    assert response.status_code == (201 if ok else 400)
    assert len(rows(showcase_app, "SELECT * FROM api_token")) == int(ok)


def test_cli_creates_a_token(showcase_app: Kolba, web: KolbaClient) -> None:
    register(web)
    runner = showcase_app.test_cli_runner()
    result = runner.invoke(args=["create-token", "alice", "--name", "deploy"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    client = showcase_app.test_client()
    reply = client.post(
        "/api/notes", json={"title": "From CI"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.status_code == 201
    assert reply.get_json()["author"] == "alice"
    missing = runner.invoke(args=["create-token", "nobody"])
    assert missing.exit_code != 0
    assert "No user named 'nobody'" in missing.output


# -- login: throttled, and the same work for unknown and real users -------------------------------


def fail_login(web: KolbaClient, username: str, times: int, address: str = "") -> TestResponse:
    response: TestResponse | None = None
    extra = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    for _ in range(times):
        response = log_in(web, username, "wrong password", **extra)
    assert response is not None
    return response


def log_in_from(web: KolbaClient, address: str, username: str = "alice") -> TestResponse:
    form = {"username": username, "password": PASSWORD}
    return post_form(web, "/auth/login", form, environ_base={"REMOTE_ADDR": address})


def assert_throttled(response: TestResponse, window: int) -> None:
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= window
    assert "Too many failed logins" in html(response)
    assert 'href="/static/style.css"' in html(response)


def test_login_throttles_repeated_failures_per_username(
    showcase_app: Kolba, web: KolbaClient
) -> None:
    register(web)
    limit = showcase_app.config["LOGIN_FAILURES_PER_USER"]
    window = showcase_app.config["LOGIN_FAILURE_WINDOW"]
    assert fail_login(web, "alice", limit).status_code == 400
    # Even the right password is refused now, from any address.
    assert_throttled(log_in(web), window)
    assert_throttled(log_in_from(showcase_app.test_client(), "198.51.100.7"), window)
    with web.session_transaction() as sess:
        assert "user_id" not in sess
    # Once the failures are older than the window, the user may log in again.
    execute(showcase_app, "UPDATE login_failure SET failed_at = failed_at - ?", window + 1)
    assert log_in(web).status_code == 302


def test_login_throttles_per_client_address(showcase_app: Kolba, web: KolbaClient) -> None:
    register(web)
    limit = showcase_app.config["LOGIN_FAILURES_PER_ADDRESS"]
    per_user = showcase_app.config["LOGIN_FAILURES_PER_USER"]
    for n in range(limit):  # several usernames, each staying within its own limit
        fail_login(web, f"guess{n // per_user}", 1, address="203.0.113.5")
    assert_throttled(log_in_from(web, "203.0.113.5"), showcase_app.config["LOGIN_FAILURE_WINDOW"])
    assert log_in_from(web, "203.0.113.6").status_code == 302


def test_unknown_usernames_are_throttled_alike(showcase_app: Kolba, web: KolbaClient) -> None:
    limit = showcase_app.config["LOGIN_FAILURES_PER_USER"]
    fail_login(web, "nobody", limit)
    assert log_in(web, "nobody", "anything").status_code == 429


def test_a_successful_login_clears_the_usernames_failures(
    showcase_app: Kolba, web: KolbaClient
) -> None:
    register(web)
    limit = showcase_app.config["LOGIN_FAILURES_PER_USER"]
    fail_login(web, "alice", limit - 1)
    assert log_in(web).status_code == 302
    assert fail_login(web, "alice", limit - 1).status_code == 400
    assert log_in(web).status_code == 302


def test_unknown_and_real_users_both_check_a_password_hash(
    showcase_app: Kolba, web: KolbaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from showcase import passwords

    register(web)
    checked: list[str] = []
    real_check = passwords.check_password_hash

    def recording_check(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real_check(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", recording_check)
    assert log_in(web, "nobody", "wrong password").status_code == 400
    assert log_in(web, "alice", "wrong password").status_code == 400
    assert len(checked) == 2
    dummy, real = checked
    (user,) = rows(showcase_app, "SELECT password_hash FROM user")
    assert real == user["password_hash"]
    # The same method and cost parameters, so both checks take as long.
    assert dummy != real
    assert dummy.rsplit("$", 2)[0] == real.rsplit("$", 2)[0]


def test_the_password_hash_method_follows_the_config(showcase_app: Kolba, web: KolbaClient) -> None:
    register(web)
    (user,) = rows(showcase_app, "SELECT password_hash FROM user")
    assert user["password_hash"].startswith(showcase_app.config["PASSWORD_HASH_METHOD"] + "$")
    from showcase.config import Config

    assert Config.PASSWORD_HASH_METHOD.startswith("scrypt")


# -- sessions end at logout and at a password change -------------------------------------------


def session_cookie(client: KolbaClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def client_with_cookie(app: Kolba, value: str) -> KolbaClient:
    client = app.test_client()
    client.set_cookie("session", value)
    return client


def test_cookie_saved_before_logout_no_longer_works(showcase_app: Kolba) -> None:
    alice = logged_in_client(showcase_app, "alice")
    saved = session_cookie(alice)
    assert client_with_cookie(showcase_app, saved).get("/dashboard").status_code == 200
    assert post_form(alice, "/auth/logout", {}, page="/dashboard").status_code == 302
    replayed = client_with_cookie(showcase_app, saved)
    assert replayed.get("/dashboard").status_code == 302
    assert replayed.get("/api/notes").status_code == 401
    # Logging in again starts a new, working session.
    assert log_in(alice).status_code == 302
    assert alice.get("/dashboard").status_code == 200


def test_logout_ends_the_users_other_sessions(showcase_app: Kolba) -> None:
    laptop = logged_in_client(showcase_app, "alice")
    phone = showcase_app.test_client()
    log_in(phone)
    post_form(laptop, "/auth/logout", {}, page="/dashboard")
    assert phone.get("/dashboard").status_code == 302


def change_password(client: KolbaClient, current: str, new: str) -> TestResponse:
    form = {"current": current, "password": new, "confirm": new}
    return post_form(client, "/account/password", form)


def test_password_change_ends_other_sessions_but_keeps_this_one(showcase_app: Kolba) -> None:
    alice = logged_in_client(showcase_app, "alice")
    saved = session_cookie(alice)
    response = change_password(alice, PASSWORD, "a brand new passphrase")
    assert response.status_code == 302
    assert alice.get("/dashboard").status_code == 200
    assert client_with_cookie(showcase_app, saved).get("/dashboard").status_code == 302
    other = showcase_app.test_client()
    assert log_in(other, password=PASSWORD).status_code == 400
    assert log_in(other, password="a brand new passphrase").status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password", "a brand new passphrase", None, "Your current password is wrong."),
        (PASSWORD, "short", None, "Password must be at least 8 characters."),
        (PASSWORD, "a brand new passphrase", "different", "Passwords do not match."),
    ],
)
def test_password_change_validates(
    showcase_app: Kolba, current: str, new: str, confirm: str | None, message: str
) -> None:
    alice = logged_in_client(showcase_app, "alice")
    form = {"current": current, "password": new, "confirm": confirm or new}
    response = post_form(alice, "/account/password", form)
    assert response.status_code == 400
    assert message in html(response)
    assert log_in(showcase_app.test_client()).status_code == 302


def test_wrong_current_passwords_are_throttled_like_logins(showcase_app: Kolba) -> None:
    alice = logged_in_client(showcase_app, "alice")
    for _ in range(showcase_app.config["LOGIN_FAILURES_PER_USER"]):
        assert change_password(alice, "wrong password", "a brand new passphrase").status_code == 400
    response = change_password(alice, PASSWORD, "a brand new passphrase")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert log_in(showcase_app.test_client()).status_code == 429  # the same counter


def test_password_page_requires_login(web: KolbaClient) -> None:
    response = web.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/account/password"


# -- hostile input gets a 4xx, never a 500 -------------------------------------------------------


@pytest.fixture
def alice(showcase_app: Kolba) -> KolbaClient:
    showcase_app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug shows as a 500, not a raise
    client = logged_in_client(showcase_app, "alice")
    assert client.post("/api/notes", json={"title": "first"}).status_code == 201
    return client


DEEP = b"[" * 1000 + b"]" * 1000


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
@pytest.mark.parametrize(
    ("body", "location"),
    [
        (b'{"title": ' + DEEP + b"}", ["body", "title"]),
        (b'{"title": "ok", "extra": ' + DEEP + b"}", ["body", "extra"]),
        (DEEP, ["body"]),
    ],
    ids=["in-a-field", "in-an-unknown-field", "whole-body"],
)
def test_deeply_nested_json_is_422(
    alice: KolbaClient, method: str, body: bytes, location: list[str]
) -> None:
    # The body is decoded into the note's struct, which stops at the first
    # value of the wrong shape: the nesting is never walked.
    path = "/api/notes" if method == "POST" else "/api/notes/1"
    response = alice.open(path, method=method, data=body, content_type="application/json")
    assert response.status_code == 422
    assert [e["location"] for e in response.get_json()["errors"]] == [location]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
@pytest.mark.parametrize("field", ["title", "body"])
def test_lone_surrogate_is_400(
    showcase_app: Kolba, alice: KolbaClient, method: str, field: str
) -> None:
    path = "/api/notes" if method == "POST" else "/api/notes/1"
    note = {"title": "ok", "body": "ok", field: "bad \ud800 text"}
    data = json.dumps(note)  # ASCII: the surrogate travels as the escape \ud800
    response = alice.open(path, method=method, data=data, content_type="application/json")
    # The JSON decoder refuses text that is not Unicode, so nothing reaches SQLite.
    assert response.status_code == 400
    assert response.get_json()["detail"] == "The request body is not valid JSON."
    assert [tuple(r) for r in rows(showcase_app, "SELECT title, body FROM note")] == [("first", "")]


def test_lone_surrogate_in_a_field_name_is_400(alice: KolbaClient) -> None:
    body = '{"title": "ok", "\\udfff": 1}'
    response = alice.post("/api/notes", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["detail"] == "The request body is not valid JSON."


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("note_id", [MAX_ROW_ID + 1, 10**30, 0])
def test_note_ids_outside_sqlite_range_are_404(
    alice: KolbaClient, method: str, note_id: int
) -> None:
    response = alice.open(f"/api/notes/{note_id}", method=method, json={"title": "x"})
    # No rule matches, so the router answers: 404 for GET, and 405 for the
    # other methods (Werkzeug's router, and Flask, say 405 when a rule for
    # another method failed its converter). Never a 500.
    assert response.status_code == (404 if method == "GET" else 405)
    assert response.mimetype == "application/problem+json"


def test_largest_note_id_is_a_plain_404(alice: KolbaClient) -> None:
    response = alice.get(f"/api/notes/{MAX_ROW_ID}")
    assert response.status_code == 404
    assert response.get_json()["detail"] == f"No note with id {MAX_ROW_ID}."


@pytest.mark.parametrize("user_id", [MAX_ROW_ID, MAX_ROW_ID + 1, 10**30])
def test_user_ids_outside_sqlite_range_are_404(alice: KolbaClient, user_id: int) -> None:
    response = alice.get(f"/user/{user_id}")
    assert response.status_code == 404
    assert "Page not found" in html(response)


def test_token_ids_outside_sqlite_range_are_404(alice: KolbaClient) -> None:
    response = post_form(alice, f"/account/tokens/{MAX_ROW_ID + 1}/revoke", {}, page="/dashboard")
    assert response.status_code == 404


# -- request limits ------------------------------------------------------------------------------


def test_oversized_json_is_413(showcase_app: Kolba, alice: KolbaClient) -> None:
    body = json.dumps({"title": "big", "body": "x" * showcase_app.config["MAX_CONTENT_LENGTH"]})
    response = alice.post("/api/notes", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["title"] == "Request Entity Too Large"


def test_oversized_form_is_a_styled_413(showcase_app: Kolba, web: KolbaClient) -> None:
    token = token_on(web, "/contact")
    big = "x" * showcase_app.config["MAX_CONTENT_LENGTH"]
    response = web.post("/contact", data={"name": "A", "message": big, "csrf_token": token})
    assert response.status_code == 413
    assert "<title>Request Entity Too Large · Kolba Showcase</title>" in html(response)


def test_the_largest_valid_note_fits_the_limit(showcase_app: Kolba, alice: KolbaClient) -> None:
    # Four-byte characters, sent \\u-escaped: the most bytes a valid note can take.
    title = "\U0001f600" * showcase_app.config["MAX_TITLE_LENGTH"]
    body = "\U0001f600" * showcase_app.config["MAX_TEXT_LENGTH"]
    payload = json.dumps({"title": title, "body": body}, ensure_ascii=True)
    response = alice.post("/api/notes", data=payload, content_type="application/json")
    assert response.status_code == 201, response.get_json()


def test_the_largest_valid_contact_message_fits_the_limit(
    showcase_app: Kolba, web: KolbaClient
) -> None:
    message = "\U0001f600" * showcase_app.config["MAX_TEXT_LENGTH"]
    data = {"name": "Ann", "email": "ann@example.com", "message": message}
    assert post_form(web, "/contact", data).status_code == 302


# -- security headers ----------------------------------------------------------------------------


def test_pages_send_a_content_security_policy(web: KolbaClient) -> None:
    response = web.get("/")
    policy = {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in response.headers["Content-Security-Policy"].split(";")
    }
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'none'"


@pytest.mark.parametrize(
    "path", ["/", "/api/", "/static/style.css", "/no/such/page", "/api/notes", "/dashboard"]
)
def test_every_response_sends_nosniff_and_a_referrer_policy(web: KolbaClient, path: str) -> None:
    response = web.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response.headers
    response.close()


def test_json_responses_get_a_policy_that_allows_nothing(web: KolbaClient) -> None:
    policy = web.get("/api/").headers["Content-Security-Policy"]
    assert policy == "default-src 'none'; frame-ancestors 'none'"


@pytest.mark.parametrize(
    "path", ["/", "/submit", "/contact", "/auth/login", "/auth/register", "/dashboard"]
)
def test_pages_have_no_inline_script_or_style(showcase_app: Kolba, path: str) -> None:
    # The policy forbids them, so a page that used one would silently break.
    alice = logged_in_client(showcase_app, "alice")
    page = html(alice.get(path)).lower()
    assert "<script" not in page and "<style" not in page
    assert not re.search(r"\s(style|on[a-z]+)=", page)


# -- styled error pages --------------------------------------------------------------------------


def assert_styled(response: TestResponse, status: int, title: str) -> str:
    body = html(response)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<title>{title} · Kolba Showcase</title>" in body
    assert 'href="/static/style.css"' in body
    assert f'<p class="error-code">{status}</p>' in body
    return body


def test_csrf_failure_page_is_styled(web: KolbaClient) -> None:
    web.get("/submit")
    body = assert_styled(web.post("/submit", data={"user_input": "x"}), 400, "Bad Request")
    assert "The CSRF token is missing. Reload the page and try again." in body


def test_get_logout_page_is_styled_and_says_what_is_allowed(web: KolbaClient) -> None:
    response = web.get("/auth/logout")
    assert_styled(response, 405, "Method Not Allowed")
    assert "POST" in response.headers["Allow"]


def test_other_client_errors_are_styled_too(web: KolbaClient) -> None:
    assert_styled(web.put("/contact"), 405, "Method Not Allowed")


def test_api_errors_stay_json(web: KolbaClient) -> None:
    response = web.open("/api/notes", method="PUT")
    assert response.status_code == 405
    assert response.get_json()["title"] == "Method Not Allowed"


def test_slash_redirect_is_not_an_error(web: KolbaClient) -> None:
    response = web.get("/api")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/api/")
