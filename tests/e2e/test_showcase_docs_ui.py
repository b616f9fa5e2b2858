"""The showcase's API docs page (``/docs``, Swagger UI) in headless Chromium.

The showcase runs under gunicorn in its production configuration, as in
``test_browser.py``. The page must render the typed API's operations from
the app's own OpenAPI document, load nothing from another host, break no
rule of the app's Content-Security-Policy, and send requests from "Try it
out": an anonymous one answered 401, and one with an API token answered
with the caller's notes. A failed test leaves a screenshot in
``tests/e2e/artifacts/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t

import pytest

from tests.e2e._servers import SHOWCASE_DIR, init_database, module_available, serve, showcase_env
from tests.e2e.conftest import artifact_path, call_failed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000

_MISSING = [what for what, there in [
    (f"{CHROMIUM} (apt-get install chromium)", os.path.exists(CHROMIUM)),
    ("the playwright package", module_available("playwright")),
    ("gunicorn", module_available("gunicorn")),
] if not there]
if _MISSING:
    _why = "the docs page test needs " + ", ".join(_MISSING)
    if os.environ.get("KOLBA_REQUIRE_E2E"):
        raise RuntimeError(f"{_why}; KOLBA_REQUIRE_E2E is set, so this is an error")
    pytest.skip(_why, allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)

#: Makes user ``ada`` with one note and prints an API token for her.
_SEED = """
from showcase import create_app
from showcase.db import get_db, utcnow
from showcase.tokens import create_token
with create_app().app_context():
    db = get_db()
    cursor = db.execute(
        "INSERT INTO user (username, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
        ("ada", "ada@example.com", "unused", utcnow()),
    )
    db.execute(
        "INSERT INTO note (title, body, author_id, created_at) VALUES (?, ?, ?, ?)",
        ("Seen through the docs", "hello", cursor.lastrowid, utcnow()),
    )
    db.commit()
    print(create_token(cursor.lastrowid, "docs"))
"""


class Site(t.NamedTuple):
    url: str
    token: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Site]:
    env = showcase_env(tmp_path_factory.mktemp("docs-ui-instance"))
    init_database(env)
    seeded = subprocess.run([sys.executable, "-c", _SEED], cwd=SHOWCASE_DIR, env=env,
                            check=True, timeout=60, capture_output=True, text=True)
    token = seeded.stdout.strip().splitlines()[-1]
    with serve("gunicorn", env) as url:
        yield Site(url, token)


@pytest.fixture
def page(site: Site, request: pytest.FixtureRequest) -> t.Iterator[Page]:
    """The docs page, loaded; fails the test on a CSP violation or a request elsewhere."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True, timeout=30_000)
        context = browser.new_context(base_url=site.url)
        context.set_default_timeout(TIMEOUT_MS)
        opened = context.new_page()
        elsewhere: list[str] = []
        opened.on("request", lambda r: None if r.url.startswith(site.url) else elsewhere.append(r.url))
        violations: list[str] = []
        opened.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        try:
            response = opened.goto("/docs")
            assert response is not None and response.status == 200
            yield opened
            assert elsewhere == [], "the docs page reached another host"
            assert violations == [], "the docs page broke the Content-Security-Policy"
        finally:
            if call_failed(request.node):
                opened.screenshot(path=str(artifact_path(request.node, ".png")), full_page=True)
            context.close()
            browser.close()


def operation(page: Page, operation_id: str) -> t.Any:
    """The block of one operation (Swagger UI ids it by tag and operation id)."""
    return page.locator(f"#operations-api-api_{operation_id}")


def try_it(page: Page, operation_id: str) -> t.Any:
    """Open an operation, press "Try it out" then "Execute"; the response row."""
    block = operation(page, operation_id)
    block.locator(".opblock-summary").first.click()
    block.get_by_role("button", name="Try it out").click()
    block.get_by_role("button", name="Execute").click()
    return block.locator(".live-responses-table tbody tr.response").first


def test_docs_page_lists_the_notes_operations(page: Page) -> None:
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kolba Showcase")
    for operation_id in ("index", "list_notes", "create_note", "get_note", "replace_note",
                         "update_note", "delete_note"):
        expect(operation(page, operation_id)).to_be_visible()
    expect(operation(page, "create_note").locator(".opblock-summary-path")).to_have_text("/api/notes")
    expect(page.locator(".auth-wrapper .authorize")).to_be_visible()  # the API declares security
    # The document describes the JSON API alone, not the HTML pages.
    expect(page.locator(".opblock-tag")).to_have_count(1)


def test_try_it_out_without_credentials_is_401(page: Page) -> None:
    answer = try_it(page, "list_notes")
    expect(answer.locator(".response-col_status")).to_have_text("401")
    expect(answer.locator(".response-col_description")).to_contain_text("Unauthorized")


def test_try_it_out_with_a_token_lists_the_callers_notes(page: Page, site: Site) -> None:
    page.locator(".auth-wrapper .authorize").click()
    dialog = page.locator(".dialog-ux")
    dialog.locator("input[type=text], input[type=password]").first.fill(site.token)
    dialog.get_by_role("button", name="Apply credentials").first.click()
    expect(dialog.get_by_role("heading", name="Authorized")).to_be_visible()
    dialog.get_by_role("button", name="Close").first.click()
    answer = try_it(page, "list_notes")
    expect(answer.locator(".response-col_status")).to_have_text("200")
    shown = answer.locator(".response-col_description pre, .response-col_description code").first
    expect(shown).to_contain_text("Seen through the docs")
    listing = json.loads(shown.inner_text())
    assert listing["count"] == 1 and listing["notes"][0]["author"] == "ada"
