"""The showcase served by real WSGI servers (gunicorn sync, granian WSGI).

Requests travel over loopback HTTP with urllib, so these tests see exactly
what a deployment would: status lines, headers, cookies, bodies.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import typing as t
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e._servers import init_database, module_available, serve, showcase_env

REQUEST_TIMEOUT = 10.0
REQUIRE = bool(os.environ.get("KOLBA_REQUIRE_E2E"))


def _server_param(name: str) -> t.Any:
    if module_available(name) or REQUIRE:
        return name
    reason = (
        f"{name} is not installed (pip install -e '.[bench]');"
        " set KOLBA_REQUIRE_E2E=1 to make this an error"
    )
    return pytest.param(name, marks=pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module", params=[_server_param("gunicorn"), _server_param("granian")])
def base_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> t.Iterator[str]:
    instance: Path = tmp_path_factory.mktemp(f"{request.param}-instance")
    env = showcase_env(instance)
    init_database(env)
    with serve(request.param, env) as url:
        yield url


class Reply(t.NamedTuple):
    status: int
    headers: t.Any
    body: bytes

    def json(self) -> t.Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let the tests see 302s instead of following them."""

    def redirect_request(self, *args: t.Any, **kwargs: t.Any) -> None:
        return None


def make_opener() -> urllib.request.OpenerDirector:
    # The production cookie is Secure; like browsers, treat loopback HTTP as secure.
    policy = http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
    jar = http.cookiejar.CookieJar(policy)
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def fetch(
    url: str,
    method: str = "GET",
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    opener: urllib.request.OpenerDirector | None = None,
) -> Reply:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = opener or make_opener()
    try:
        with opener.open(req, timeout=REQUEST_TIMEOUT) as resp:
            return Reply(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return Reply(err.code, err.headers, err.read())


def send_json(url: str, method: str, payload: t.Any, token: str) -> Reply:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", **bearer(token)}
    return fetch(url, method, data=body, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


PASSWORD = "correct horse battery"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def post_form(
    base_url: str,
    path: str,
    fields: dict[str, str],
    opener: urllib.request.OpenerDirector,
    page: str | None = None,
) -> Reply:
    """Submit a form with the CSRF token from ``page`` (default ``path``), as a browser would."""
    shown = fetch(base_url + (page or path), opener=opener)
    match = re.search(r'name="csrf_token" value="([^"]+)"', shown.text)
    assert match is not None, shown.text
    data = urllib.parse.urlencode({**fields, "csrf_token": match.group(1)}).encode()
    return fetch(base_url + path, "POST", data=data, headers=FORM, opener=opener)


class Account(t.NamedTuple):
    username: str
    opener: urllib.request.OpenerDirector
    token: str


def sign_up(base_url: str, username: str) -> Account:
    """Register and log in over HTTP, then create an API token on the dashboard."""
    opener = make_opener()
    form = {"username": username, "email": f"{username}@example.com",
            "password": PASSWORD, "confirm": PASSWORD}
    assert post_form(base_url, "/auth/register", form, opener).status == 302
    login = post_form(base_url, "/auth/login", {"username": username, "password": PASSWORD}, opener)
    assert login.status == 302
    created = post_form(base_url, "/account/tokens", {"name": "tests"}, opener, page="/dashboard")
    assert created.status == 201, created.text
    token = re.search(r'<code class="api-token">([^<]+)</code>', created.text)
    assert token is not None
    return Account(username, opener, token.group(1))


@pytest.fixture(scope="module")
def alice(base_url: str) -> Account:
    return sign_up(base_url, "alice")


def test_home_page(base_url: str) -> None:
    reply = fetch(base_url + "/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Welcome to Kolba!" in reply.text
    assert 'href="/static/style.css"' in reply.text


def test_stylesheet(base_url: str) -> None:
    reply = fetch(base_url + "/static/style.css")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/css")
    assert int(reply.headers["Content-Length"]) == len(reply.body) > 0


def test_json_api_create_then_read(base_url: str, alice: Account) -> None:
    note_in = {"title": "Over HTTP", "body": "héllo"}
    created = send_json(base_url + "/api/notes", "POST", note_in, alice.token)
    assert created.status == 201
    assert created.headers["Content-Type"] == "application/json"
    location = created.headers["Location"]
    assert re.fullmatch(r"(http://127\.0\.0\.1:\d+)?/api/notes/\d+", location)
    note = created.json()
    url = base_url + location if location.startswith("/") else location
    read = fetch(url, headers=bearer(alice.token))
    assert read.status == 200
    assert read.json() == note
    assert note["title"] == "Over HTTP" and note["body"] == "héllo"
    assert note["author"] == "alice"
    # The session cookie works for the API too.
    listing = fetch(base_url + "/api/notes", opener=alice.opener).json()
    assert note in listing["notes"]


def test_json_api_refuses_anonymous_and_other_users(base_url: str, alice: Account) -> None:
    private = {"title": "private", "body": "eyes only"}
    note = send_json(base_url + "/api/notes", "POST", private, alice.token).json()
    anonymous = fetch(base_url + "/api/notes")
    assert anonymous.status == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert "eyes only" not in anonymous.text
    assert send_json(base_url + "/api/notes", "POST", {"title": "x"}, "sct_forged").status == 401
    bob = sign_up(base_url, "bob")
    url = f"{base_url}/api/notes/{note['id']}"
    assert fetch(url, headers=bearer(bob.token)).status == 404
    assert fetch(url, "DELETE", headers=bearer(bob.token)).status == 404
    assert fetch(url, headers=bearer(alice.token)).status == 200


def test_json_api_errors(base_url: str, alice: Account) -> None:
    invalid = send_json(base_url + "/api/notes", "POST", {"title": ""}, alice.token)
    assert invalid.status == 422
    assert invalid.headers["Content-Type"] == "application/problem+json"
    assert invalid.json()["errors"] == [
        {"location": ["body", "title"], "message": "Title is required.", "type": "constraint"}
    ]
    headers = {"Content-Type": "application/json", **bearer(alice.token)}
    malformed = fetch(base_url + "/api/notes", "POST", data=b"{", headers=headers)
    assert malformed.status == 400
    assert malformed.json()["title"] == "Bad Request"
    deep = fetch(base_url + "/api/notes", "POST", data=b"[" * 1000 + b"]" * 1000, headers=headers)
    assert deep.status == 422  # not an object: refused before the nesting is walked
    missing = fetch(base_url + "/api/notes/999999", headers=bearer(alice.token))
    assert missing.status == 404
    assert missing.json() == {
        "type": "about:blank", "title": "Not Found", "status": 404, "detail": "No note with id 999999.",
    }
    huge_id = fetch(base_url + "/api/notes/9223372036854775808", headers=bearer(alice.token))
    assert huge_id.status == 404


def test_oversized_body_is_413(base_url: str, alice: Account) -> None:
    headers = {"Content-Type": "application/json", **bearer(alice.token)}
    body = json.dumps({"title": "big", "body": "x" * 140_000}).encode()
    reply = fetch(base_url + "/api/notes", "POST", data=body, headers=headers)
    assert reply.status == 413


def test_delete_is_204_without_body(base_url: str, alice: Account) -> None:
    note = send_json(base_url + "/api/notes", "POST", {"title": "short-lived"}, alice.token).json()
    deleted = fetch(f"{base_url}/api/notes/{note['id']}", "DELETE", headers=bearer(alice.token))
    assert deleted.status == 204
    assert deleted.body == b""
    assert fetch(f"{base_url}/api/notes/{note['id']}", headers=bearer(alice.token)).status == 404


def test_custom_404_page(base_url: str) -> None:
    reply = fetch(base_url + "/definitely/not/here")
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Page not found" in reply.text


def test_session_cookie_and_csrf_round_trip(base_url: str) -> None:
    opener = make_opener()
    form_page = fetch(base_url + "/submit", opener=opener)
    flags = {part.strip() for part in form_page.headers["Set-Cookie"].split(";")}
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= flags  # the production config
    ok = post_form(base_url, "/submit", {"user_input": "served"}, opener)
    assert ok.status == 200
    assert "You entered: <strong" in ok.text and "served" in ok.text
    forged_form = b"user_input=x&csrf_token=no"
    forged = fetch(base_url + "/submit", "POST", data=forged_form, headers=FORM)
    assert forged.status == 400
    assert "<title>Bad Request · Kolba Showcase</title>" in forged.text


def test_security_headers(base_url: str) -> None:
    page = fetch(base_url + "/")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    api = fetch(base_url + "/api/")
    assert api.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_login_redirect_over_http(base_url: str) -> None:
    reply = fetch(base_url + "/dashboard")
    assert reply.status == 302
    assert reply.headers["Location"].endswith("/auth/login?next=/dashboard")


def test_failed_logins_are_throttled(base_url: str) -> None:
    sign_up(base_url, "carol")
    opener = make_opener()
    wrong = {"username": "carol", "password": "wrong password"}
    statuses = [post_form(base_url, "/auth/login", wrong, opener).status for _ in range(5)]
    assert statuses == [400] * 5
    right = post_form(base_url, "/auth/login", {"username": "carol", "password": PASSWORD}, opener)
    assert right.status == 429
    assert int(right.headers["Retry-After"]) > 0


def test_concurrent_requests(base_url: str, alice: Account) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        calls = [base_url + "/api/notes"] * 24
        replies = list(pool.map(lambda url: fetch(url, headers=bearer(alice.token)), calls))
    assert {r.status for r in replies} == {200}
    assert all("notes" in r.json() for r in replies)
