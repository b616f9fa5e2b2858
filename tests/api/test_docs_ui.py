"""The Swagger UI page in headless Chromium: it renders offline and tries a request.

The sample API runs on a loopback port in a thread (Werkzeug's server);
every request the page makes must go to that server, since the assets come
from the installed package.  A failed test leaves a screenshot in
``tests/e2e/artifacts/``.  Skipped without ``/usr/bin/chromium`` or
Playwright, unless ``KOLBA_REQUIRE_E2E`` is set.
"""

import os
import threading
import typing as t

import pytest

from tests.e2e.conftest import artifact_path

from . import sample_app
from .conftest import CALL_FAILED

pytestmark = pytest.mark.kolba_only

CHROMIUM = "/usr/bin/chromium"
_missing = not os.path.exists(CHROMIUM)
try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:  # pragma: no cover - playwright is a test dependency
    _missing = True
if _missing:
    if os.environ.get("KOLBA_REQUIRE_E2E"):
        raise RuntimeError("the docs UI test needs /usr/bin/chromium and playwright")
    pytest.skip("needs /usr/bin/chromium and playwright", allow_module_level=True)


@pytest.fixture(scope="module")
def base_url() -> t.Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, sample_app.create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page(base_url: str, request: pytest.FixtureRequest) -> t.Iterator["Page"]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, timeout=30_000,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        context = browser.new_context(base_url=base_url)
        context.set_default_timeout(15_000)
        opened = context.new_page()
        elsewhere: list[str] = []
        opened.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(base_url) else None)
        try:
            yield opened
            assert elsewhere == [], "the docs page reached another host"
        finally:
            if request.node.stash.get(CALL_FAILED, False):
                opened.screenshot(path=str(artifact_path(request.node, ".png")), full_page=True)
            context.close()
            browser.close()


def test_docs_page_lists_the_operations_and_tries_one(page: "Page") -> None:
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Pet store")
    operation = page.locator("#operations-default-list_pets, .opblock-get:has-text('/pets')").first
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    answer = page.locator(".live-responses-table tbody tr.response").first
    expect(answer.locator(".response-col_status")).to_have_text("200")
    expect(answer.locator(".response-col_description")).to_contain_text("[]")
