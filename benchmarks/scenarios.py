"""The request scenarios: what is asked of every framework and what must come back."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

from benchmarks.apps.common import ITEMS, ORDERS, ORDERS_USER, TEMPLATE_DIR, TEMPLATE_TITLE
from benchmarks.harness import Environ, Reply, WSGIApp, base_environ

_UNSET: Any = object()

FORM_FIELDS = {
    "name": "alice",
    "email": "alice@example.com",
    "age": "30",
    "city": "Kraków",
    "message": "hello world & more",
}

JSON_PAYLOAD: dict[str, Any] = {
    "order_id": "A-1001",
    "currency": "EUR",
    "paid": True,
    "coupon": None,
    "customer": {"name": "Alice Example", "email": "alice@example.com", "tags": ["vip", "beta"]},
    "lines": [
        {"sku": f"SKU-{i:04d}", "qty": i % 5 + 1, "price": round(9.99 * (i + 1), 2), "note": "ok"}
        for i in range(14)
    ],
}
"""About 1 KB once encoded; echoed back by the ``json_post`` scenario."""


@cache
def expected_items_page() -> str:
    """Render the shared template with plain Jinja2: the page every app must produce."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)
    return env.get_template("items.html").render(title=TEMPLATE_TITLE, items=ITEMS)


@cache
def expected_orders_page() -> str:
    """The ``extensions`` page, rendered with plain Jinja2 from the seeded orders."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)
    orders = [{"id": i + 1, **order} for i, order in enumerate(ORDERS)]
    user = {"name": ORDERS_USER}
    return env.get_template("orders.html").render(current_user=user, orders=orders)


@dataclass(frozen=True)
class Expect:
    """The parts of a reply that must match for a framework's number to count.

    ``text`` may be a callable so costly expectations are built only when checked.
    """

    status: int = 200
    mimetype: str | None = None
    text: str | Callable[[], str] | None = None
    json: Any = _UNSET
    headers: Mapping[str, str] = field(default_factory=dict)
    #: Text the body must contain, for replies whose exact wording is each
    #: framework's own (an error page) but whose content still counts.
    contains: str | None = None

    def problems(self, reply: Reply) -> list[str]:
        """List every way the reply differs from this expectation."""
        found: list[str] = []
        if reply.code != self.status:
            found.append(f"status {reply.status!r}, expected {self.status}")
        found.extend(self._header_problems(reply))
        found.extend(self._body_problems(reply))
        return found

    def _header_problems(self, reply: Reply) -> list[str]:
        found: list[str] = []
        content_type = reply.header("Content-Type") or ""
        mimetype, _, params = content_type.partition(";")
        if self.mimetype is not None and mimetype.strip().lower() != self.mimetype:
            found.append(f"Content-Type {content_type!r}, expected {self.mimetype}")
        charset = params.strip().lower()
        if charset.startswith("charset=") and charset != "charset=utf-8":
            found.append(f"Content-Type {content_type!r} is not UTF-8")
        length = reply.header("Content-Length")
        if length is not None and int(length) != len(reply.body):
            found.append(f"Content-Length {length} but {len(reply.body)} body bytes")
        for name, value in self.headers.items():
            if reply.header(name) != value:
                found.append(f"header {name}: {reply.header(name)!r}, expected {value!r}")
        return found

    def _body_problems(self, reply: Reply) -> list[str]:
        if self.contains is not None and self.contains.encode() not in reply.body:
            return [f"body {_clip(reply.body)} lacks {self.contains!r}"]
        if self.text is not None:
            text = self.text() if callable(self.text) else self.text
            if reply.body != text.encode():
                return [f"body {_clip(reply.body)}, expected {_clip(text.encode())}"]
        if self.json is not _UNSET:
            try:
                value = json.loads(reply.body)
            except ValueError:
                return [f"body is not JSON: {_clip(reply.body)}"]
            if value != self.json:
                return [f"JSON {_clip(reply.body)}, expected {self.json!r:.80}"]
        return []


def _clip(data: bytes, limit: int = 80) -> str:
    text = repr(data)
    return text if len(text) <= limit else text[:limit] + "..."


class Rotating(dict[str, Any]):
    """An environ template whose every ``copy()`` is the next of several variants.

    The harnesses copy the template once per request, so a scenario built
    on this sends each variant in turn (the first one is the template's own
    content, for the single verified request) without changing how any
    harness calls an app.
    """

    def __init__(self, variants: list[Environ]) -> None:
        super().__init__(variants[0])
        self._variants = variants
        self._next = 0

    def copy(self) -> Environ:  # type: ignore[override]
        """Return a fresh copy of the next variant, wrapping around at the end."""
        variant = self._variants[self._next]
        self._next = (self._next + 1) % len(self._variants)
        return variant.copy()


@dataclass(frozen=True)
class Prepared:
    """A scenario bound to one framework: the app to call and what to send it.

    ``door`` says how the app is called: ``"wsgi"`` (``environ`` is the
    environ template) or ``"asgi"`` (``environ`` is the http scope template).
    """

    app: Any
    environ: Environ
    body: bytes
    door: str = "wsgi"


@dataclass(frozen=True)
class Scenario:
    """One kind of request, identical for every framework, and its expected reply."""

    name: str
    summary: str
    method: str
    path: str
    expect: Expect
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = ""
    body: bytes = b""
    app_attr: str = "app"
    session: bool = False
    #: The module function whose ``Cookie`` value a ``session`` scenario sends.
    cookie_source: str = "session_cookie"
    #: Above 1: a ``session`` scenario rotates through this many distinct
    #: cookies from the module's ``session_cookies(count)``, one per request.
    cookie_count: int = 1
    #: Runs third-party Flask extensions: only the Flask and Kolba columns
    #: take part, and the memory and end-to-end sections leave it out.
    extensions: bool = False

    def prepare(self, module: ModuleType) -> Prepared:
        """Pick the framework module's app for this scenario and build its environ.

        Raises ``LookupError`` when the module has no app for it, which the
        runner reports as not applicable.
        """
        app = getattr(module, self.app_attr, None)
        if app is None:
            raise LookupError(f"{module.__name__} has no {self.app_attr}")
        if self.session and self.cookie_count > 1:
            cookies = module.session_cookies(self.cookie_count)
            variants = [self.prepare_app(app, {"Cookie": cookie}).environ for cookie in cookies]
            return Prepared(app, Rotating(variants), self.body)
        extra = {"Cookie": getattr(module, self.cookie_source)()} if self.session else {}
        return self.prepare_app(app, extra)

    def prepare_app(
        self, app: WSGIApp, extra_headers: Mapping[str, str] | None = None
    ) -> Prepared:
        """Bind the scenario to a given app, adding headers only known at run time."""
        headers = {**self.headers, **(extra_headers or {})}
        environ = base_environ(
            self.method, self.path, self.query, headers, self.content_type, self.body
        )
        return Prepared(app, environ, self.body)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "hello",
        "GET / returning a plain string",
        "GET",
        "/",
        Expect(mimetype="text/html", text="Hello, World!"),
    ),
    Scenario(
        "json_by_id",
        "GET /user/42 among 50 other dynamic routes, JSON out",
        "GET",
        "/user/42",
        Expect(mimetype="application/json", json={"id": 42, "name": "user42"}),
    ),
    Scenario(
        "query_header",
        "GET /search?q=kolba&page=2 reading args and X-Request-Id, JSON out",
        "GET",
        "/search",
        Expect(
            mimetype="application/json",
            json={"q": "kolba", "page": 2, "request_id": "req-7f3a"},
        ),
        query="q=kolba&page=2",
        headers={"X-Request-Id": "req-7f3a"},
    ),
    Scenario(
        "form_post",
        "urlencoded POST of 5 fields, text out",
        "POST",
        "/form",
        Expect(mimetype="text/html", text="fields=5 name=alice city=Kraków"),
        content_type="application/x-www-form-urlencoded",
        body=urlencode(FORM_FIELDS).encode(),
    ),
    Scenario(
        "json_post",
        "1 KB JSON POST echoed as JSON",
        "POST",
        "/echo",
        Expect(mimetype="application/json", json=JSON_PAYLOAD),
        content_type="application/json",
        body=json.dumps(JSON_PAYLOAD).encode(),
    ),
    Scenario(
        "template",
        "GET /items rendering a Jinja2 loop over 20 items",
        "GET",
        "/items",
        Expect(mimetype="text/html", text=expected_items_page),
    ),
    Scenario(
        "not_found",
        "GET /missing answered with 404",
        "GET",
        "/missing",
        Expect(status=404, contains="Not Found"),
    ),
    Scenario(
        "hooks_cookie",
        "before/after request hooks plus reading a cookie",
        "GET",
        "/prefs",
        Expect(mimetype="text/html", text="hi theme=dark", headers={"X-Hook": "after"}),
        headers={"Cookie": "theme=dark; lang=en"},
        app_attr="hooks_app",
    ),
    Scenario(
        "session",
        "reading a user from signed session cookies, 1,000 distinct ones in turn",
        "GET",
        "/me",
        Expect(mimetype="text/html", text="Hello, alice"),
        session=True,
        app_attr="session_app",
        cookie_count=1000,
    ),
    Scenario(
        "session_one_cookie",
        "reading a user from one signed session cookie sent on every request",
        "GET",
        "/me",
        Expect(mimetype="text/html", text="Hello, alice"),
        session=True,
        app_attr="session_app",
    ),
    Scenario(
        "extensions",
        "Flask-Login login_required page querying Flask-SQLAlchemy (SQLite), template out",
        "GET",
        "/orders",
        Expect(mimetype="text/html", text=expected_orders_page, headers={"Vary": "Cookie"}),
        session=True,
        app_attr="extensions_app",
        cookie_source="extensions_cookie",
        extensions=True,
    ),
)

BY_NAME: dict[str, Scenario] = {scenario.name: scenario for scenario in SCENARIOS}
