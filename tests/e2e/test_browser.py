"""The showcase driven in headless Chromium through Playwright.

The app runs under gunicorn in a subprocess, exactly as deployed; the
browser clicks links, fills forms and reads computed styles. A failed test
leaves a screenshot in ``tests/e2e/artifacts/``.

Needs ``/usr/bin/chromium`` (Debian's package) and the ``playwright`` Python
package; the browser Playwright would download is never used. Without them
the module is skipped, unless ``KOLBA_REQUIRE_E2E`` is set (as in CI), in
which case the missing piece is an error.
"""

from __future__ import annotations

import itertools
import os
import re
import typing as t

import pytest

from tests.e2e._servers import init_database, module_available, serve, showcase_env
from tests.e2e.conftest import artifact_path, call_failed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
PASSWORD = "correct horse battery"


def _missing() -> list[str]:
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not module_available("playwright"):
        missing.append("the playwright package (pip install playwright)")
    if not module_available("gunicorn"):
        missing.append("gunicorn (pip install -e '.[bench]')")
    return missing


_MISSING = _missing()
if _MISSING:
    _why = "browser tests need " + ", ".join(_MISSING)
    if os.environ.get("KOLBA_REQUIRE_E2E"):
        raise RuntimeError(f"{_why}; KOLBA_REQUIRE_E2E is set, so this is an error")
    pytest.skip(f"{_why}; set KOLBA_REQUIRE_E2E=1 to make this an error", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)
_names = itertools.count(1)


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[str]:
    env = showcase_env(tmp_path_factory.mktemp("browser-instance"))
    init_database(env)
    with serve("gunicorn", env) as url:
        yield url


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


@pytest.fixture
def page(browser: Browser, base_url: str, request: pytest.FixtureRequest) -> t.Iterator[Page]:
    """A fresh page with its own cookies; screenshotted if the test fails."""
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        if call_failed(request.node):
            page.screenshot(path=str(artifact_path(request.node, ".png")), full_page=True)
        context.close()


def unique_name() -> str:
    return f"user{os.getpid()}x{next(_names)}"


def flash(page: Page, category: str) -> t.Any:
    return page.locator(f".flashes .flash-{category}")


def nav(page: Page, text: str) -> t.Any:
    return page.locator("nav.nav").get_by_role("link", name=text, exact=True)


def register_and_log_in(page: Page, username: str) -> None:
    page.goto("/")
    nav(page, "Register").click()
    expect(page).to_have_url(re.compile(r"/auth/register$"))
    page.fill("#username", username)
    page.fill("#email", f"{username}@example.com")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    expect(flash(page, "success")).to_have_text("Registration successful. Please log in.")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()


# -- tests -----------------------------------------------------------------------------------


def test_home_page_is_styled_by_the_stylesheet(page: Page) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200
    expect(page).to_have_title("Home · Kolba Showcase")
    expect(page.locator("h1")).to_have_text("Welcome to Kolba!")
    sheets = page.evaluate("Array.from(document.styleSheets, s => s.href)")
    assert any(href and href.endswith("/static/style.css") for href in sheets)
    style = page.evaluate(
        """() => {
            const body = getComputedStyle(document.body);
            const card = getComputedStyle(document.querySelector('.card'));
            const header = getComputedStyle(document.querySelector('.site-header'));
            return {bg: body.backgroundColor, radius: card.borderRadius,
                    cardBg: card.backgroundColor, headerBorder: header.borderBottomStyle};
        }"""
    )
    assert style == {
        "bg": "rgb(245, 247, 251)",
        "radius": "10px",
        "cardBg": "rgb(255, 255, 255)",
        "headerBorder": "solid",
    }
    expect(page.locator(".cards .card")).to_have_count(4)


def test_nav_links_lead_to_their_pages(page: Page) -> None:
    page.goto("/")
    for text, path, heading in [
        ("Submit", "/submit", "Submit Your Data"),
        ("Contact", "/contact", "Contact Us"),
        ("Log in", "/auth/login", "Log in"),
        ("Register", "/auth/register", "Create an account"),
        ("Home", "/", "Welcome to Kolba!"),
    ]:
        nav(page, text).click()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.locator("main h1")).to_have_text(heading)
    with page.expect_response(re.compile(r"/api/$")) as api:
        nav(page, "API").click()
    assert api.value.status == 200
    assert api.value.headers["content-type"] == "application/json"
    assert "endpoints" in api.value.json()


def test_submit_form_shows_escaped_input(page: Page) -> None:
    page.goto("/submit")
    page.fill("#user_input", "<b>not bold</b>")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("main h1")).to_have_text("Data Successfully Submitted!")
    expect(page.locator("strong.submitted")).to_have_text("<b>not bold</b>")
    expect(page.locator("strong.submitted b")).to_have_count(0)


def test_contact_form_validates_then_thanks(page: Page) -> None:
    page.goto("/contact")
    page.fill("#name", "Ann")
    page.fill("#email", "not-an-email")
    page.fill("#message", "Hello from Chromium")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator("#email-error")).to_have_text("Enter a valid email address.")
    expect(page.locator("#name")).to_have_value("Ann")
    page.fill("#email", "ann@example.com")
    page.get_by_role("button", name="Send message").click()
    expect(page).to_have_url(re.compile(r"/thank-you$"))
    expect(flash(page, "success")).to_have_text("Thanks, Ann! Your message has been received.")
    page.reload()
    expect(page.locator(".flashes")).to_have_count(0)


def test_register_login_dashboard_and_logout(page: Page) -> None:
    username = unique_name()
    register_and_log_in(page, username)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(flash(page, "success")).to_have_text(f"Welcome back, {username}!")
    expect(page.locator("main h1")).to_have_text(f"Welcome to your dashboard, {username}!")
    expect(nav(page, "Log in")).to_have_count(0)

    page.fill("#title", "Written in a browser")
    page.fill("#body", "via the dashboard form")
    page.get_by_role("button", name="Save note").click()
    expect(flash(page, "success")).to_contain_text("saved.")
    expect(page.locator("ul.notes")).to_contain_text("Written in a browser")

    nav(page, username).click()
    expect(page.locator("main h1")).to_have_text(f"{username}'s Profile")
    expect(page.locator(".details dd").nth(2)).to_have_text("1")
    expect(page.locator("main")).not_to_contain_text("Written in a browser")  # notes are private

    page.locator("nav.nav").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(flash(page, "info")).to_have_text("You have been logged out.")
    expect(nav(page, "Log in")).to_be_visible()
    expect(nav(page, "Dashboard")).to_have_count(0)


def test_dashboard_requires_login_and_returns_after_it(page: Page) -> None:
    username = unique_name()
    register_and_log_in(page, username)
    page.locator("nav.nav").get_by_role("button", name="Log out").click()
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=(/|%2F)dashboard$"))
    expect(flash(page, "warning")).to_have_text("Please log in to see that page.")
    page.fill("#username", username)
    page.fill("#password", "wrong password")
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(flash(page, "error")).to_have_text("Invalid username or password.")
    page.fill("#password", PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def expect_styled_error(page: Page, code: int, title: str) -> None:
    """The page is the showcase's own error page, stylesheet applied."""
    expect(page).to_have_title(f"{title} · Kolba Showcase")
    expect(page.locator(".error-code")).to_have_text(str(code))
    # The text can be in the DOM before the stylesheet has arrived; the assertion
    # retries until the computed colour is the stylesheet's (or the timeout).
    expect(page.locator(".error-code")).to_have_css("color", "rgb(37, 99, 235)")
    expect(nav(page, "Home")).to_be_visible()


def test_forged_csrf_token_is_rejected_with_a_styled_page(page: Page) -> None:
    page.goto("/submit")
    page.eval_on_selector("input[name=csrf_token]", "el => { el.value = 'forged'; }")
    page.fill("#user_input", "sneaky")
    with page.expect_response(re.compile(r"/submit$")) as posted:
        page.get_by_role("button", name="Submit").click()
    assert posted.value.status == 400
    expect(page.locator("main")).to_contain_text("CSRF token is invalid")
    expect_styled_error(page, 400, "Bad Request")


def test_get_logout_gets_a_styled_405(page: Page) -> None:
    response = page.goto("/auth/logout")
    assert response is not None and response.status == 405
    assert "POST" in response.headers["allow"]
    expect_styled_error(page, 405, "Method Not Allowed")


def test_json_api_from_page_script(page: Page) -> None:
    page.goto("/")
    anonymous = page.evaluate("async () => (await fetch('/api/notes')).status")
    assert anonymous == 401
    register_and_log_in(page, unique_name())
    result = page.evaluate(
        """async () => {
            const created = await fetch('/api/notes', {
                method: 'POST',
                headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({title: 'from fetch'}),
            });
            const note = await created.json();
            const again = await fetch(created.headers.get('Location'));
            const bad = await fetch('/api/notes', {
                method: 'POST',
                headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({title: 7}),
            });
            return {status: created.status, note, read: await again.json(),
                    badStatus: bad.status, bad: await bad.json()};
        }"""
    )
    assert result["status"] == 201
    assert result["read"] == result["note"]
    assert result["note"]["title"] == "from fetch"
    assert result["badStatus"] == 422
    assert result["bad"]["errors"] == [
        {"location": ["body", "title"], "message": "Expected `str`, got `int`", "type": "type"}
    ]


def test_custom_404_page(page: Page) -> None:
    response = page.goto("/no/such/page")
    assert response is not None and response.status == 404
    expect(page).to_have_title("Page Not Found · Kolba Showcase")
    expect(page.locator("main h1")).to_have_text("Page not found")
    # The text can be in the DOM before the stylesheet has arrived; the assertion
    # retries until the computed colour is the stylesheet's (or the timeout).
    expect(page.locator(".error-code")).to_have_css("color", "rgb(37, 99, 235)")
    page.get_by_role("link", name="Back to Home").click()
    expect(page).to_have_url(re.compile(r"/$"))



def test_pages_break_no_content_security_policy_rule(page: Page) -> None:
    """Every page renders under its policy: nothing inline is blocked."""
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('Content Security Policy violation: ' + e.violatedDirective));"
    )
    response = page.goto("/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    register_and_log_in(page, unique_name())
    for path in ["/", "/submit", "/contact", "/dashboard", "/account/password", "/no/such/page"]:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
    page.goto("/dashboard")
    page.fill("#name", "csp check")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("code.api-token")).to_be_visible()
    assert violations == []


def test_session_cookie_is_secure_and_http_only(page: Page) -> None:
    register_and_log_in(page, unique_name())
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "session"]
    assert cookie["secure"] is True and cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"


def test_cookie_saved_before_logout_is_refused(page: Page) -> None:
    register_and_log_in(page, unique_name())
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    saved = page.context.cookies()
    page.locator("nav.nav").get_by_role("button", name="Log out").click()
    expect(flash(page, "info")).to_have_text("You have been logged out.")
    page.context.add_cookies(saved)  # put the old session cookie back, as a thief would
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))


def test_api_token_made_on_the_dashboard_works_without_cookies(page: Page, base_url: str) -> None:
    import json
    import urllib.request

    username = unique_name()
    register_and_log_in(page, username)
    page.fill("#name", "script")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("code.api-token").inner_text()
    request = urllib.request.Request(
        base_url + "/api/notes",
        data=json.dumps({"title": "from a script"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 201
        assert json.load(reply)["author"] == username
    page.goto("/dashboard")
    expect(page.locator("ul.notes")).to_contain_text("from a script")
    expect(page.locator("ul.tokens")).to_contain_text("script")
    expect(page.locator("body")).not_to_contain_text(token)

