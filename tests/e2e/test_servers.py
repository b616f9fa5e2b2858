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
    jar = http.cookiejar.CookieJar()
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


def send_json(url: str, method: str, payload: t.Any) -> Reply:
    body = json.dumps(payload).encode()
    return fetch(url, method, data=body, headers={"Content-Type": "application/json"})


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


def test_json_api_create_then_read(base_url: str) -> None:
    created = send_json(base_url + "/api/notes", "POST", {"title": "Over HTTP", "body": "héllo"})
    assert created.status == 201
    assert created.headers["Content-Type"] == "application/json"
    location = created.headers["Location"]
    assert re.fullmatch(r"(http://127\.0\.0\.1:\d+)?/api/notes/\d+", location)
    note = created.json()
    read = fetch(base_url + location if location.startswith("/") else location)
    assert read.status == 200
    assert read.json() == note
    assert note["title"] == "Over HTTP" and note["body"] == "héllo"
    listing = fetch(base_url + "/api/notes").json()
    assert note in listing["notes"]


def test_json_api_errors(base_url: str) -> None:
    invalid = send_json(base_url + "/api/notes", "POST", {"title": ""})
    assert invalid.status == 422
    assert invalid.json()["fields"] == {"title": "Title is required."}
    malformed = fetch(
        base_url + "/api/notes", "POST", data=b"{", headers={"Content-Type": "application/json"}
    )
    assert malformed.status == 400
    assert malformed.json()["error"] == "Bad Request"
    missing = fetch(base_url + "/api/notes/999999")
    assert missing.status == 404
    assert missing.json() == {"error": "Not Found", "message": "No note with id 999999."}


def test_delete_is_204_without_body(base_url: str) -> None:
    note = send_json(base_url + "/api/notes", "POST", {"title": "short-lived"}).json()
    deleted = fetch(f"{base_url}/api/notes/{note['id']}", "DELETE")
    assert deleted.status == 204
    assert deleted.body == b""
    assert fetch(f"{base_url}/api/notes/{note['id']}").status == 404


def test_custom_404_page(base_url: str) -> None:
    reply = fetch(base_url + "/definitely/not/here")
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Page not found" in reply.text


def test_session_cookie_and_csrf_round_trip(base_url: str) -> None:
    opener = make_opener()
    form_page = fetch(base_url + "/submit", opener=opener)
    assert "HttpOnly" in form_page.headers["Set-Cookie"]
    match = re.search(r'name="csrf_token" value="([^"]+)"', form_page.text)
    assert match is not None
    form = f"user_input=served&csrf_token={match.group(1)}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    ok = fetch(base_url + "/submit", "POST", data=form, headers=headers, opener=opener)
    assert ok.status == 200
    assert "You entered: <strong" in ok.text and "served" in ok.text
    forged_form = b"user_input=x&csrf_token=no"
    forged = fetch(base_url + "/submit", "POST", data=forged_form, headers=headers)
    assert forged.status == 400


def test_login_redirect_over_http(base_url: str) -> None:
    reply = fetch(base_url + "/dashboard")
    assert reply.status == 302
    assert reply.headers["Location"].endswith("/auth/login?next=/dashboard")


def test_concurrent_requests(base_url: str) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: fetch(base_url + "/api/notes"), range(24)))
    assert {r.status for r in replies} == {200}
    assert all("notes" in r.json() for r in replies)
