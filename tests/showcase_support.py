"""Fixtures and helpers shared by the showcase's test modules.

Each test gets its own instance folder and SQLite file, so tests never share
users, notes, tokens or sessions. To keep that cheap: the testing
configuration hashes passwords quickly, the databases live in memory-backed
``/dev/shm`` when there is one (each commit is an fsync), and the apps share
compiled templates.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
import tempfile
import typing as t
from pathlib import Path

import pytest
from jinja2 import BytecodeCache

SHOWCASE_DIR = Path(__file__).resolve().parent.parent / "examples" / "showcase"
if str(SHOWCASE_DIR) not in sys.path:
    sys.path.insert(0, str(SHOWCASE_DIR))

from showcase import create_app  # noqa: E402
from showcase.db import get_db, init_db  # noqa: E402

if t.TYPE_CHECKING:
    from jinja2.bccache import Bucket
    from werkzeug.test import TestResponse

    from kolba import Kolba
    from kolba.testing import KolbaClient

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
API_TOKEN_RE = re.compile(r'<code class="api-token">([^<]+)</code>')
PASSWORD = "correct horse battery"


class SharedTemplateCache(BytecodeCache):
    """Compiled templates kept in memory for every app the tests create."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedTemplateCache()


@pytest.fixture
def instance_path(tmp_path: Path) -> t.Iterator[str]:
    """A fresh instance folder, in memory when the system offers it."""
    if not os.path.isdir("/dev/shm"):
        yield str(tmp_path / "instance")
        return
    folder = tempfile.mkdtemp(prefix="showcase-test-", dir="/dev/shm")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def showcase_app(instance_path: str) -> Kolba:
    app = create_app("testing", instance_path=instance_path)
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    with app.app_context():
        init_db()
    return app


@pytest.fixture
def web(showcase_app: Kolba) -> KolbaClient:
    return showcase_app.test_client()


def html(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def token_on(web: KolbaClient, page: str) -> str:
    """The CSRF token rendered in the hidden field of ``page``."""
    match = TOKEN_RE.search(html(web.get(page)))
    assert match is not None, f"no CSRF field on {page}"
    return match.group(1)


def post_form(
    web: KolbaClient, path: str, data: dict[str, str], page: str | None = None, **kw: t.Any
) -> TestResponse:
    """Submit a form the way a browser would: token taken from the page first."""
    token = token_on(web, page or path)
    return web.post(path, data={**data, "csrf_token": token}, **kw)


def register(web: KolbaClient, username: str = "alice", password: str = PASSWORD) -> TestResponse:
    form = {
        "username": username,
        "email": f"{username}@example.com",
        "password": password,
        "confirm": password,
    }
    return post_form(web, "/auth/register", form)


def log_in(
    web: KolbaClient,
    username: str = "alice",
    password: str = PASSWORD,
    query: str = "",
    **kw: t.Any,
) -> TestResponse:
    form = {"username": username, "password": password}
    page = f"/auth/login{query}"
    return post_form(web, page, form, **kw)


def logged_in_client(app: Kolba, username: str) -> KolbaClient:
    """A new client (its own cookie jar) for a newly registered, logged-in user."""
    client = app.test_client()
    assert register(client, username).status_code == 302
    assert log_in(client, username).status_code == 302
    return client


def create_api_token(web: KolbaClient, name: str = "laptop") -> str:
    """Create a token from the dashboard form, as a logged-in user would."""
    response = post_form(web, "/account/tokens", {"name": name}, page="/dashboard")
    assert response.status_code == 201, html(response)
    match = API_TOKEN_RE.search(html(response))
    assert match is not None, "the new token is not shown"
    return match.group(1)


def rows(app: Kolba, sql: str, *params: t.Any) -> list[sqlite3.Row]:
    with app.app_context():
        return get_db().execute(sql, params).fetchall()


def execute(app: Kolba, sql: str, *params: t.Any) -> None:
    with app.app_context():
        db = get_db()
        db.execute(sql, params)
        db.commit()
