"""The showcase app (examples/showcase) through the test client: pages, forms, the API.

The security properties (authorisation, configuration, throttling, sessions,
hostile input, headers, error pages) are in ``test_showcase_security.py``.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import typing as t
from pathlib import Path

import pytest
from werkzeug.security import check_password_hash

from tests.showcase_support import (
    PASSWORD,
    TOKEN_RE,
    create_app,
    execute,
    get_db,
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

from showcase.config import DevelopmentConfig  # noqa: I001 (importable once the above ran)

if t.TYPE_CHECKING:
    from kolba import Kolba
    from kolba.testing import KolbaClient

__all__ = ["instance_path", "showcase_app", "web"]  # fixtures, imported for pytest to find


@pytest.fixture
def alice(showcase_app: Kolba) -> KolbaClient:
    """A client logged in as alice, for the API."""
    return logged_in_client(showcase_app, "alice")


# -- the factory and configuration ------------------------------------------------------------


def test_factory_registers_the_blueprints(showcase_app: Kolba) -> None:
    assert set(showcase_app.blueprints) == {"main", "auth", "account", "api", "openapi_docs"}
    assert showcase_app.testing is True
    assert showcase_app.debug is False


def test_database_lives_in_the_instance_folder(showcase_app: Kolba, instance_path: str) -> None:
    db_path = Path(showcase_app.config["DATABASE"])
    assert db_path.parent == Path(instance_path)
    assert db_path.name == "showcase.sqlite"
    assert db_path.exists()


def test_config_by_name_class_and_mapping(tmp_path: Path) -> None:
    dev = create_app("development", instance_path=str(tmp_path))
    assert dev.debug is True
    from_class = create_app(DevelopmentConfig, instance_path=str(tmp_path))
    assert from_class.config["LOG_LEVEL"] == DevelopmentConfig.LOG_LEVEL
    mapped = create_app({"TESTING": True, "SECRET_KEY": "s3"}, instance_path=str(tmp_path))
    assert mapped.config["SECRET_KEY"] == "s3"
    assert mapped.config["MAX_TITLE_LENGTH"] == 200


def test_logging_follows_config_without_stacking_handlers(tmp_path: Path) -> None:
    fmt = "%(levelname)s|%(message)s"
    config = {"TESTING": True, "LOG_LEVEL": "ERROR", "LOG_FORMAT": fmt}
    create_app(config, instance_path=str(tmp_path))
    app = create_app(config, instance_path=str(tmp_path))
    assert app.logger.level == logging.ERROR
    ours = [h for h in app.logger.handlers if getattr(h, "_showcase_handler", False)]
    assert len(ours) == 1
    assert ours[0].formatter is not None and ours[0].formatter._fmt == fmt


def test_unknown_log_level_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="LOG_LEVEL"):
        create_app({"TESTING": True, "LOG_LEVEL": "LOUD"}, instance_path=str(tmp_path))


def test_connection_is_closed_when_the_app_context_ends(showcase_app: Kolba) -> None:
    with showcase_app.app_context():
        conn = get_db()
        assert get_db() is conn
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")


def test_the_database_lets_writers_wait_their_turn(showcase_app: Kolba) -> None:
    # Under load (the soak with 80 clients) writers failed with "database is
    # locked": in rollback-journal mode a committing writer blocks readers,
    # a deferred transaction can deadlock, and 5 s was too short a wait.
    with showcase_app.app_context():
        db = get_db()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
        assert db.isolation_level == "IMMEDIATE"


def test_a_write_waits_for_another_and_readers_do_not(showcase_app: Kolba) -> None:
    insert = "INSERT INTO message (name, email, body, created_at) VALUES ('a', 'a@b.c', 'x', 'now')"
    outcome: dict[str, t.Any] = {}

    def write() -> None:
        try:
            execute(showcase_app, insert)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            outcome["error"] = error
        outcome["written"] = True

    with showcase_app.app_context():
        db = get_db()
        db.execute(insert)  # BEGIN IMMEDIATE: this connection holds the write lock
        # A reader is not blocked, and sees only what was committed.
        assert rows(showcase_app, "SELECT count(*) FROM message")[0][0] == 0
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(0.3)
        assert writer.is_alive() and not outcome  # waiting, not failed
        db.commit()
    writer.join(10)
    assert outcome == {"written": True}
    assert rows(showcase_app, "SELECT count(*) FROM message")[0][0] == 2


def test_init_db_command_recreates_the_schema(showcase_app: Kolba) -> None:
    web = showcase_app.test_client()
    register(web)
    assert len(rows(showcase_app, "SELECT * FROM user")) == 1
    result = showcase_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Initialized the database" in result.output
    assert rows(showcase_app, "SELECT * FROM user") == []


# -- pages -----------------------------------------------------------------------------------


def test_home_page_uses_the_base_template(web: KolbaClient) -> None:
    response = web.get("/")
    body = html(response)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "<title>Home · Kolba Showcase</title>" in body
    assert "Welcome to Kolba!" in body
    assert 'href="/static/style.css"' in body
    for href in ("/submit", "/contact", "/api/", "/auth/login", "/auth/register"):
        assert f'href="{href}"' in body
    assert "Log out" not in body


def test_stylesheet_is_served(web: KolbaClient) -> None:
    response = web.get("/static/style.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert b".flash-success" in response.data
    response.close()


def test_submit_form_get_shows_the_form(web: KolbaClient) -> None:
    body = html(web.get("/submit"))
    assert "Submit Your Data" in body
    assert 'name="user_input"' in body
    assert TOKEN_RE.search(body)


def test_submit_form_post_echoes_escaped_input(web: KolbaClient) -> None:
    response = post_form(web, "/submit", {"user_input": "<script>alert(1)</script>"})
    body = html(response)
    assert response.status_code == 200
    assert "Data Successfully Submitted!" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_submit_form_empty_post_redirects_with_a_warning(web: KolbaClient) -> None:
    response = post_form(web, "/submit", {"user_input": "   "})
    assert response.status_code == 302
    assert response.headers["Location"] == "/submit"
    body = html(web.get("/submit"))
    assert 'class="flash flash-warning"' in body
    assert "Please enter something" in body


def test_contact_form_reports_every_invalid_field(showcase_app: Kolba, web: KolbaClient) -> None:
    response = post_form(web, "/contact", {"name": "", "email": "nope", "message": ""})
    body = html(response)
    assert response.status_code == 400
    assert "Name is required." in body
    assert "Enter a valid email address." in body
    assert "Message is required." in body
    assert rows(showcase_app, "SELECT * FROM message") == []


def test_contact_form_keeps_valid_values_on_error(web: KolbaClient) -> None:
    data = {"name": "Ann <b>", "email": "ann@", "message": "Hello"}
    body = html(post_form(web, "/contact", data))
    assert 'value="Ann &lt;b&gt;"' in body
    assert "Enter a valid email address." in body
    assert "Name is required." not in body
    assert ">Hello</textarea>" in body


def test_contact_form_success_redirects_and_flashes(showcase_app: Kolba, web: KolbaClient) -> None:
    data = {"name": "Ann", "email": "ann@example.com", "message": "Nice framework."}
    response = post_form(web, "/contact", data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/thank-you"
    body = html(web.get("/thank-you"))
    assert "Thank you for your message!" in body
    assert '<li class="flash flash-success" role="status">Thanks, Ann!' in body
    assert "Thanks, Ann!" not in html(web.get("/thank-you"))
    stored = rows(showcase_app, "SELECT name, email, body FROM message")
    assert [tuple(r) for r in stored] == [("Ann", "ann@example.com", "Nice framework.")]


# -- CSRF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/contact", "/submit", "/auth/login", "/auth/register"])
def test_post_without_csrf_token_is_rejected(web: KolbaClient, path: str) -> None:
    web.get(path)
    response = web.post(path, data={"name": "Ann", "user_input": "x", "username": "a"})
    assert response.status_code == 400
    assert "CSRF token is missing" in html(response)


def test_post_with_a_wrong_csrf_token_is_rejected(showcase_app: Kolba, web: KolbaClient) -> None:
    token_on(web, "/contact")
    data = {"name": "Ann", "email": "ann@example.com", "message": "x", "csrf_token": "forged"}
    response = web.post("/contact", data=data)
    assert response.status_code == 400
    assert "CSRF token is invalid" in html(response)
    assert rows(showcase_app, "SELECT * FROM message") == []


def test_token_from_another_session_is_rejected(showcase_app: Kolba, web: KolbaClient) -> None:
    other = showcase_app.test_client()
    stolen = token_on(other, "/submit")
    mine = token_on(web, "/submit")
    assert stolen != mine
    response = web.post("/submit", data={"user_input": "x", "csrf_token": stolen})
    assert response.status_code == 400


def test_csrf_token_is_stable_within_a_session(web: KolbaClient) -> None:
    assert token_on(web, "/submit") == token_on(web, "/contact")


def test_csrf_token_accepted_from_header(web: KolbaClient) -> None:
    token = token_on(web, "/submit")
    response = web.post("/submit", data={"user_input": "hi"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    assert "You entered: <strong" in html(response)


# -- accounts --------------------------------------------------------------------------------


def test_register_stores_a_hashed_password(showcase_app: Kolba, web: KolbaClient) -> None:
    response = register(web)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "Registration successful" in html(web.get("/auth/login"))
    (user,) = rows(showcase_app, "SELECT * FROM user")
    assert user["username"] == "alice"
    assert user["password_hash"] != PASSWORD
    assert check_password_hash(user["password_hash"], PASSWORD)


def test_register_rejects_a_taken_username(web: KolbaClient) -> None:
    register(web)
    response = register(web)
    assert response.status_code == 400
    assert "User alice is already registered." in html(response)


def test_register_validates_fields(showcase_app: Kolba, web: KolbaClient) -> None:
    form = {"username": "a b", "email": "x", "password": "short", "confirm": "short"}
    body = html(post_form(web, "/auth/register", form))
    assert "Use 3 to 30 letters" in body
    assert "Enter a valid email address." in body
    assert "Password must be at least 8 characters." in body
    mismatch = {"username": "bob", "email": "b@example.com", "password": PASSWORD, "confirm": "x"}
    response = post_form(web, "/auth/register", mismatch)
    assert response.status_code == 400
    assert "Passwords do not match." in html(response)
    assert rows(showcase_app, "SELECT * FROM user") == []


def test_login_with_a_wrong_password_fails(
    web: KolbaClient, caplog: pytest.LogCaptureFixture
) -> None:
    register(web)
    with caplog.at_level(logging.WARNING, logger="showcase"):
        response = log_in(web, password="wrong password")
    assert response.status_code == 400
    assert '<li class="flash flash-error" role="status">Invalid username or password.' in html(
        response
    )
    assert "Failed login for 'alice'" in caplog.text
    with web.session_transaction() as sess:
        assert "user_id" not in sess


def test_login_logout_and_dashboard_flow(web: KolbaClient) -> None:
    register(web)
    response = log_in(web)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    with web.session_transaction() as sess:
        assert sess["user_id"] == 1
    body = html(web.get("/dashboard"))
    assert "Welcome back, alice!" in body
    assert "Welcome to your dashboard, alice!" in body
    assert 'href="/profile/alice"' in body and "Log out" in body

    assert web.get("/auth/logout").status_code == 405
    response = post_form(web, "/auth/logout", {}, page="/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    body = html(web.get("/"))
    assert "You have been logged out." in body
    assert "Log out" not in body
    assert web.get("/dashboard").status_code == 302


def test_login_required_redirects_with_next(web: KolbaClient) -> None:
    response = web.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/dashboard"
    login_page = html(web.get("/auth/login?next=/dashboard"))
    assert "Please log in to see that page." in login_page
    register(web)
    assert 'name="next" value="/dashboard"' in login_page
    token = TOKEN_RE.search(login_page)
    assert token is not None
    form = {"username": "alice", "password": PASSWORD, "next": "/dashboard?tab=1"}
    response = web.post("/auth/login", data={**form, "csrf_token": token.group(1)})
    assert response.headers["Location"] == "/dashboard?tab=1"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_ignores_an_offsite_next(web: KolbaClient, target: str) -> None:
    register(web)
    form = {"username": "alice", "password": PASSWORD, "next": target}
    response = post_form(web, "/auth/login", form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_session_for_a_vanished_user_is_anonymous(web: KolbaClient) -> None:
    with web.session_transaction() as sess:
        sess["user_id"] = 999
    assert web.get("/dashboard").status_code == 302
    assert "Log in" in html(web.get("/"))


# -- profiles and the dashboard's note form -------------------------------------------------------


def test_profile_pages_by_name_and_id(web: KolbaClient) -> None:
    register(web)
    by_name = web.get("/profile/alice")
    assert by_name.status_code == 200
    assert "alice's Profile" in html(by_name)
    by_id = web.get("/user/1")
    assert by_id.status_code == 200
    assert "alice's Profile" in html(by_id)


@pytest.mark.parametrize("path", ["/profile/nobody", "/user/42", "/user/abc"])
def test_unknown_profiles_are_404(web: KolbaClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 404
    assert "Page not found" in html(response)


def test_dashboard_note_form_creates_a_note(web: KolbaClient) -> None:
    register(web)
    log_in(web)
    response = post_form(web, "/notes", {"title": "Groceries", "body": "milk"}, page="/dashboard")
    assert response.status_code == 302
    body = html(web.get("/dashboard"))
    assert "Note “Groceries” saved." in body
    assert "<strong>Groceries</strong> — milk" in body
    notes = web.get("/api/notes").get_json()["notes"]
    assert [(n["title"], n["author"]) for n in notes] == [("Groceries", "alice")]
    profile = html(web.get("/profile/alice"))
    assert "<dt>Notes</dt><dd>1</dd>" in profile
    assert "Groceries" not in profile  # notes are private; a profile shows only how many


def test_dashboard_note_form_validates(web: KolbaClient) -> None:
    register(web)
    log_in(web)
    response = post_form(web, "/notes", {"title": " ", "body": ""}, page="/dashboard")
    assert response.status_code == 400
    assert "Title is required." in html(response)


def test_note_form_requires_login(web: KolbaClient) -> None:
    response = post_form(web, "/notes", {"title": "x"}, page="/submit")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


# -- the JSON API ----------------------------------------------------------------------------


def test_api_index_lists_endpoints(web: KolbaClient) -> None:
    response = web.get("/api/")
    assert response.status_code == 200
    data = response.get_json()
    assert data["message"] == "Hello, Kolba API!"
    assert data["endpoints"]["create_note"] == "POST /api/notes"


def test_api_crud_round_trip(alice: KolbaClient) -> None:
    web = alice
    assert web.get("/api/notes").get_json() == {"count": 0, "notes": []}

    created = web.post("/api/notes", json={"title": "  First  ", "body": "hello"})
    assert created.status_code == 201
    assert created.headers["Location"] == "/api/notes/1"
    note = created.get_json()
    assert note["id"] == 1 and note["title"] == "First" and note["body"] == "hello"
    assert note["author"] == "alice"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", note["created_at"])

    assert web.get("/api/notes/1").get_json() == note
    listing = web.get("/api/notes").get_json()
    assert listing["count"] == 1 and listing["notes"] == [note]

    replaced = web.put("/api/notes/1", json={"title": "Second"})
    assert replaced.status_code == 200
    assert replaced.get_json()["body"] == ""
    patched = web.patch("/api/notes/1", json={"body": "changed"})
    assert patched.get_json()["title"] == "Second"
    assert patched.get_json()["body"] == "changed"
    assert patched.get_json()["created_at"] == note["created_at"]

    deleted = web.delete("/api/notes/1")
    assert deleted.status_code == 204
    assert deleted.data == b""
    assert web.get("/api/notes/1").status_code == 404


def test_api_records_the_logged_in_author(alice: KolbaClient) -> None:
    created = alice.post("/api/notes", json={"title": "Mine"})
    assert created.get_json()["author"] == "alice"


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_api_missing_note_is_a_json_404(alice: KolbaClient, method: str) -> None:
    response = getattr(alice, method)("/api/notes/7", json={"title": "x"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank", "title": "Not Found", "status": 404, "detail": "No note with id 7.",
    }


def test_api_malformed_json_is_400(alice: KolbaClient) -> None:
    response = alice.post("/api/notes", data=b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank", "title": "Bad Request", "status": 400,
        "detail": "The request body is not valid JSON.",
    }


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (b"", {"location": ["body"], "message": "A JSON body is required", "type": "missing"}),
        (b'["a list"]', {"location": ["body"], "message": "Expected `object`, got `array`", "type": "type"}),
        (b"null", {"location": ["body"], "message": "Expected `object`, got `null`", "type": "type"}),
    ],
)
def test_api_body_that_is_not_an_object_is_422(
    alice: KolbaClient, payload: bytes, error: dict[str, t.Any]
) -> None:
    response = alice.post("/api/notes", data=payload, content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [error]


def test_api_requires_a_json_content_type(alice: KolbaClient) -> None:
    response = alice.post("/api/notes", data={"title": "form"})
    assert response.status_code == 415
    assert response.get_json()["title"] == "Unsupported Media Type"
    assert alice.get("/api/notes").get_json()["count"] == 0


TYPES_DETAIL = "The request did not match the view's declared types."
RULES_DETAIL = "The note is not valid."


def _problem(location: list[t.Any], message: str, kind: str) -> dict[str, t.Any]:
    return {"location": location, "message": message, "type": kind}


@pytest.mark.parametrize(
    ("payload", "detail", "errors"),
    [
        # The struct checks the types (msgspec reports the first problem)...
        ({}, TYPES_DETAIL, [_problem(["body", "title"], "Object missing required field `title`", "missing")]),
        (
            {"title": 3, "body": ["x"]},
            TYPES_DETAIL,
            # The test client sends keys sorted: "body" is read, and refused, first.
            [_problem(["body", "body"], "Expected `str`, got `array`", "type")],
        ),
        (
            {"title": "ok", "colour": "red"},
            TYPES_DETAIL,
            [_problem(["body", "colour"], "Object contains unknown field `colour`", "unknown_field")],
        ),
        # ...the app's rules the rest, listing every field they refuse.
        ({"title": "   "}, RULES_DETAIL, [_problem(["body", "title"], "Title is required.", "constraint")]),
        (
            {"title": "x" * 201, "body": "y" * 5001},
            RULES_DETAIL,
            [
                _problem(["body", "title"], "Title must be at most 200 characters.", "constraint"),
                _problem(["body", "body"], "Body must be at most 5000 characters.", "constraint"),
            ],
        ),
    ],
)
def test_api_invalid_fields_are_422(
    alice: KolbaClient, payload: dict[str, t.Any], detail: str, errors: list[dict[str, t.Any]]
) -> None:
    web = alice
    response = web.post("/api/notes", json=payload)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank", "title": "Unprocessable Entity", "status": 422,
        "detail": detail, "errors": errors,
    }
    assert web.get("/api/notes").get_json()["count"] == 0


def test_api_put_needs_a_title_and_patch_needs_a_field(alice: KolbaClient) -> None:
    web = alice
    web.post("/api/notes", json={"title": "a"})
    put = web.put("/api/notes/1", json={"body": "only body"})
    assert put.status_code == 422
    assert put.get_json()["errors"] == [
        _problem(["body", "title"], "Object missing required field `title`", "missing")
    ]
    patch = web.patch("/api/notes/1", json={})
    assert patch.status_code == 422
    assert patch.get_json()["errors"] == [
        _problem(["body"], "Send at least one of: body, title.", "missing")
    ]
    assert web.patch("/api/notes/1", json={"title": None}).status_code == 422
    assert web.get("/api/notes/1").get_json()["title"] == "a"


def test_api_is_exempt_from_csrf_but_still_json_only(alice: KolbaClient) -> None:
    token_on(alice, "/submit")  # the session holds a CSRF token the API does not ask for
    assert alice.post("/api/notes", json={"title": "no token"}).status_code == 201


def test_api_wrong_method_is_a_json_405(web: KolbaClient) -> None:
    response = web.delete("/api/notes")
    assert response.status_code == 405
    assert response.get_json()["title"] == "Method Not Allowed"
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_api_unknown_path_is_a_json_404(web: KolbaClient) -> None:
    response = web.post("/api/nothing-here", json={})
    assert response.status_code == 404
    assert response.get_json()["title"] == "Not Found"


# -- error pages -----------------------------------------------------------------------------


def test_custom_404_page(web: KolbaClient) -> None:
    response = web.get("/no/such/page")
    body = html(response)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<title>Page Not Found · Kolba Showcase</title>" in body
    assert "<code>/no/such/page</code>" in body
    assert 'href="/static/style.css"' in body


def test_custom_500_page_and_json_500(
    showcase_app: Kolba, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> str:
        raise ZeroDivisionError("boom")

    showcase_app.add_url_rule("/boom", "boom", boom)
    showcase_app.add_url_rule("/api/boom", "api_boom", boom)
    showcase_app.config["PROPAGATE_EXCEPTIONS"] = False
    web = showcase_app.test_client()
    with caplog.at_level(logging.ERROR, logger="showcase"):
        response = web.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in html(response)
    assert "ZeroDivisionError" in caplog.text
    api = web.get("/api/boom")
    assert api.status_code == 500
    assert api.get_json()["title"] == "Internal Server Error"


# -- the OpenAPI document and the docs page ------------------------------------------------------


def test_openapi_document_describes_the_json_api(web: KolbaClient) -> None:
    from openapi_spec_validator import validate

    response = web.get("/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["info"]["title"] == "Kolba Showcase"
    # The HTML pages are for people: only the JSON API is described.
    assert sorted(document["paths"]) == ["/api/", "/api/notes", "/api/notes/{note_id}"]
    assert [tag["name"] for tag in document.get("tags", [{"name": "api"}])] == ["api"]
    operations = {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert sorted(operations) == [
        ("delete", "/api/notes/{note_id}"), ("get", "/api/"), ("get", "/api/notes"),
        ("get", "/api/notes/{note_id}"), ("patch", "/api/notes/{note_id}"), ("post", "/api/notes"),
        ("put", "/api/notes/{note_id}"),
    ]
    assert operations["get", "/api/"]["security"] == []
    callers = [{"token": []}, {"session": []}]
    for key, operation in operations.items():
        if key != ("get", "/api/"):
            assert operation["security"] == callers, key
            assert "401" in operation["responses"], key
    schemes = document["components"]["securitySchemes"]
    assert schemes["token"]["scheme"] == "bearer"
    assert (schemes["session"]["in"], schemes["session"]["name"]) == ("cookie", "session")
    created = operations["post", "/api/notes"]
    assert set(created["responses"]) >= {"201", "400", "415", "422"}
    body = created["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/NoteIn"}
    schemas = document["components"]["schemas"]
    assert schemas["NoteIn"]["required"] == ["title"]
    assert schemas["NoteIn"]["additionalProperties"] is False
    assert schemas["NoteChanges"]["required"] == []
    assert set(schemas["Note"]["properties"]) == {"id", "title", "body", "created_at", "author"}
    assert operations["delete", "/api/notes/{note_id}"]["responses"]["204"]


def test_docs_page_runs_only_its_own_script(web: KolbaClient) -> None:
    import base64
    import hashlib

    page = web.get("/docs")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    (inline,) = re.findall(r"<script>(.*?)</script>", text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    policy = page.headers["Content-Security-Policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy
    for asset in re.findall(r'(?:src|href)="(/docs/[^"]+)"', text):
        assert web.get(asset).status_code == 200, asset
    # Other pages keep the policy without exceptions.
    assert "sha256" not in web.get("/").headers["Content-Security-Policy"]
