"""The built documentation site in headless Chromium.

``make docs`` writes the site to ``site/``; this module serves that folder
over HTTP on a free local port and opens the home page, a guide and an API
reference page, on a desktop-sized and a phone-sized screen. Each page must
have its title, the navigation and content, and load every asset it asks
for (no 4xx). The search page must find a name. A failed test leaves a
screenshot in ``tests/e2e/artifacts/``.

Skipped without Chromium, Playwright or a built site, unless
``KOLBA_REQUIRE_E2E`` (browser) or ``KOLBA_REQUIRE_DOCS`` (site) is set, as
in CI, which makes the missing piece an error.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import typing as t
from pathlib import Path

import pytest

from tests.e2e._servers import module_available
from tests.e2e.conftest import artifact_path, call_failed

SITE = Path(__file__).resolve().parent.parent.parent / "site"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.kolba_only


def _missing() -> list[tuple[str, str]]:
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append(("KOLBA_REQUIRE_E2E", f"{CHROMIUM} (apt-get install chromium)"))
    if not module_available("playwright"):
        missing.append(("KOLBA_REQUIRE_E2E", "the playwright package (pip install playwright)"))
    if not (SITE / "index.html").is_file():
        missing.append(("KOLBA_REQUIRE_DOCS", "a built site in site/ (make docs)"))
    return missing


_MISSING = _missing()
if _MISSING:
    _why = "docs browser tests need " + ", ".join(what for _, what in _MISSING)
    _required = [flag for flag, _ in _MISSING if os.environ.get(flag)]
    if _required:
        raise RuntimeError(f"{_why}; {_required[0]} is set, so this is an error")
    pytest.skip(f"{_why}; set KOLBA_REQUIRE_E2E/KOLBA_REQUIRE_DOCS to make this an error",
                allow_module_level=True)

from playwright.sync_api import Browser, Page, Response, expect, sync_playwright  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def base_url() -> t.Iterator[str]:
    """The site folder, served over HTTP on a free loopback port."""
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> t.Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


class Visit(t.NamedTuple):
    page: Page
    failed_loads: list[str]


@pytest.fixture(params=["desktop", "phone"])
def visit(
    browser: Browser, base_url: str, request: pytest.FixtureRequest
) -> t.Iterator[Visit]:
    """A page on a desktop- or phone-sized screen that records every failed load."""
    phone = request.param == "phone"
    context = browser.new_context(
        base_url=base_url, viewport=PHONE if phone else DESKTOP, is_mobile=phone,
        has_touch=phone,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    failed: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", record)
    page.on("requestfailed", lambda req: failed.append(f"failed {req.url}"))
    try:
        yield Visit(page, failed)
    finally:
        if call_failed(request.node):
            page.screenshot(path=str(artifact_path(request.node, ".png")), full_page=True)
        context.close()


PAGES = {
    "home": ("/index.html", "Kolba", "Where to start"),
    "guide": ("/routing.html", "Routing", "Rule syntax and converters"),
    "api": ("/api/app.html", "Application object", "kolba.Kolba"),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_with_navigation_and_every_asset(visit: Visit, name: str) -> None:
    path, heading, text = PAGES[name]
    page = visit.page
    response = page.goto(path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    assert "Kolba" in page.title() and heading in page.title()
    expect(page.locator("article h1")).to_contain_text(heading)
    expect(page.locator("article")).to_contain_text(text)
    # The navigation: beside the page on a desktop, behind the menu button on a phone.
    tree = page.locator(".sidebar-drawer .sidebar-tree")
    if page.viewport_size == PHONE:
        expect(tree).not_to_be_in_viewport()
        page.locator(".mobile-header .nav-overlay-icon").click()
    expect(tree.get_by_role("link", name="Routing", exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name="API reference", exact=True)).to_be_visible()
    # Nothing wider than the screen: long code scrolls inside its own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
    stylesheets = page.evaluate("Array.from(document.styleSheets, s => s.href).filter(Boolean)")
    assert any("furo" in href for href in stylesheets), stylesheets
    assert not visit.failed_loads, visit.failed_loads


def test_search_finds_a_name(visit: Visit) -> None:
    page = visit.page
    page.goto("/search.html?q=url_for")
    results = page.locator("#search-results li")
    expect(results.first).to_be_visible()
    expect(page.locator("#search-results")).to_contain_text("url_for")
    assert not visit.failed_loads, visit.failed_loads
