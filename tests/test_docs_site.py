"""The built documentation site (``make docs`` writes ``site/``) covers the API.

* Every public name of Kolba has an entry in the API reference (read from
  the site's ``objects.inv``, the inventory Sphinx writes of what it
  documented).
* Every entry shows a signature and says what the object is for.
* Every page has the site's navigation and search, and every local link in
  the built HTML points at a file that exists.

Broken links and anchors inside the Markdown are caught earlier, by the
build itself (``make docs`` turns Sphinx's warnings into errors).

Without a built site these tests are skipped, unless ``KOLBA_REQUIRE_DOCS``
is set (as in CI, where ``make test`` builds the site first).
"""

from __future__ import annotations

import html.parser
import importlib
import os
import re
import typing as t
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"

pytestmark = pytest.mark.kolba_only

if not (SITE / "objects.inv").is_file():
    _why = "no built site in site/ (run `make docs`)"
    if os.environ.get("KOLBA_REQUIRE_DOCS"):
        raise RuntimeError(f"{_why}; KOLBA_REQUIRE_DOCS is set, so this is an error")
    pytest.skip(f"{_why}; set KOLBA_REQUIRE_DOCS=1 to make this an error", allow_module_level=True)

#: Modules whose public names the reference must cover. ``None``: take the
#: module's ``__all__``; a tuple: the names, for modules without one.
PUBLIC: dict[str, tuple[str, ...] | None] = {
    "kolba": None,
    "kolba.blueprints": ("Blueprint", "BlueprintSetupState"),
    "kolba.cli": None,
    "kolba.compat": ("install", "uninstall", "installed", "flask_spelling", "add_flask_spellings"),
    "kolba.config": None,
    "kolba.ctx": None,
    "kolba.globals": ("current_app", "g", "request", "session", "app_ctx", "request_ctx", "ContextProxy"),
    "kolba.helpers": (
        "url_for", "redirect", "abort", "make_response", "stream_with_context", "flash",
        "get_flashed_messages", "send_file", "send_from_directory", "get_template_attribute",
        "get_root_path", "get_debug_flag", "get_load_dotenv",
    ),
    "kolba.json": None,
    "kolba.json.provider": None,
    "kolba.json.tag": None,
    "kolba.logging": None,
    "kolba.routing": None,
    "kolba.sessions": None,
    "kolba.signals": (
        "appcontext_pushed", "appcontext_popped", "appcontext_tearing_down", "request_started",
        "request_finished", "request_tearing_down", "got_request_exception",
        "before_render_template", "template_rendered", "message_flashed",
    ),
    "kolba.templating": None,
    "kolba.testing": ("KolbaClient", "KolbaCliRunner", "EnvironBuilder"),
    "kolba.typing": None,
    "kolba.views": None,
    "kolba.api": None,
    "kolba.websockets": ("WebSocket", "WebSocketDisconnect", "UpgradeRequired"),
    "kolba.wrappers": ("Request", "Response"),
}
#: Public names that are not API objects of their own.
NOT_ENTRIES = {"kolba.json"}  # the module ``kolba.json``, listed in ``kolba.__all__``


def _public_names(module_name: str) -> list[str]:
    names = PUBLIC[module_name]
    module = importlib.import_module(module_name)
    if names is None:
        if hasattr(module, "__all__"):
            names = tuple(module.__all__)
        else:  # kolba.typing: every alias and type variable it defines
            names = tuple(
                name for name, value in vars(module).items()
                if not name.startswith("_") and not isinstance(value, type(t))
                and name != "annotations"
            )
    return [name for name in names if not name.startswith("_")]


def _inventory() -> dict[str, str]:
    """``{qualified name: uri}`` of the Python objects in ``objects.inv``."""
    data = (SITE / "objects.inv").read_bytes()
    header_end = 0
    for _ in range(4):
        header_end = data.index(b"\n", header_end) + 1
    entries: dict[str, str] = {}
    for line in zlib.decompress(data[header_end:]).decode().splitlines():
        match = re.match(r"(?x)(.+?)\s+(\S+):(\S+)\s+(-?\d+)\s+(\S*)\s+(.*)", line)
        if match and match[2] == "py":
            uri = match[5].replace("$", match[1])
            entries[match[1]] = uri
    return entries


def _resolve(qualified: str) -> object:
    module_name, _, name = qualified.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError):
        owner = _resolve(module_name)
        return getattr(owner, name)


def test_every_public_name_has_an_entry() -> None:
    inventory = _inventory()
    documented_ids: set[int] = set()
    for qualified in inventory:
        try:
            documented_ids.add(id(_resolve(qualified)))
        except (ImportError, AttributeError, ValueError):
            pass
    missing = []
    for module_name in PUBLIC:
        module = importlib.import_module(module_name)
        for name in _public_names(module_name):
            qualified = f"{module_name}.{name}"
            if qualified in NOT_ENTRIES or qualified in inventory:
                continue
            value = getattr(module, name)
            # Documented under another of its import paths (kolba.url_for is
            # kolba.helpers.url_for). Only objects with an identity of their
            # own count: a shared string or number proves nothing.
            if not isinstance(value, (str, int, float, bool, type(None))) and id(value) in documented_ids:
                continue
            missing.append(qualified)
    assert not missing, f"public names with no entry in the API reference: {missing}"


@pytest.mark.parametrize("owner", ["Kolba", "Blueprint"])
def test_every_public_attribute_of_the_app_and_blueprints_has_an_entry(owner: str) -> None:
    """Instance attributes (``app.config``, ``bp.name``) are API too, not only methods."""
    inventory = _inventory()
    cls = getattr(kolba_module(), owner)
    instance = cls("example", "example") if owner == "Blueprint" else cls("example")
    names = {name for name in vars(instance)} | {
        name for klass in cls.__mro__ if klass.__module__.startswith("kolba")
        for name in vars(klass)
    }
    missing = sorted(
        name for name in names
        if not name.startswith("_") and f"kolba.{owner}.{name}" not in inventory
    )
    assert not missing, f"kolba.{owner} attributes with no entry: {missing}"


def kolba_module() -> t.Any:
    return importlib.import_module("kolba")


class _Entries(html.parser.HTMLParser):
    """The API entries of one page: each ``<dl class="py ...">`` item's signature and text."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, t.Any]] = []
        self._stack: list[dict[str, t.Any] | None] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "dl":
            if "py" in classes:
                entry = {"kind": classes[-1], "id": None, "signature": "", "text": ""}
                self.entries.append(entry)
                self._stack.append(entry)
            else:
                self._stack.append(None)
        elif tag == "dt" and self._current() and self._current()["id"] is None:
            self._current()["id"] = dict(attrs).get("id")
            self._in = "signature"
        elif tag == "dd" and self._current():
            self._in = "text"

    def handle_endtag(self, tag: str) -> None:
        if tag == "dl" and self._stack:
            self._stack.pop()
        elif tag in ("dt", "dd"):
            self._in = None

    def handle_data(self, data: str) -> None:
        entry = self._current()
        if entry is not None and self._in:
            entry[self._in] += data

    def _current(self) -> dict[str, t.Any] | None:
        return self._stack[-1] if self._stack else None


def _api_pages() -> list[Path]:
    return sorted(page for page in (SITE / "api").glob("*.html") if page.stem != "index")


def _takes_nothing(qualified: str) -> bool:
    """Whether a class shown without parentheses really is called with no arguments."""
    import inspect

    obj = _resolve(qualified)
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return True  # shown as Sphinx shows exceptions: by name
    try:
        return not inspect.signature(obj).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True  # no inspectable signature (a TypedDict, say): nothing to show


def test_the_reference_has_pages() -> None:
    names = {page.stem for page in _api_pages()}
    assert {"app", "wrappers", "contexts", "helpers", "config", "sessions", "json",
            "views", "signals", "testing", "cli", "blueprints", "typed", "websockets"} <= names


@pytest.mark.parametrize("page", _api_pages(), ids=lambda page: page.stem)
def test_every_entry_has_a_signature_and_a_sentence(page: Path) -> None:
    parser = _Entries()
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.entries, f"{page.name} documents nothing"
    bare = []
    for entry in parser.entries:
        signature = " ".join(entry["signature"].split())
        if entry["kind"] in ("function", "method", "class", "exception") and "(" not in signature:
            if not _takes_nothing(entry["id"]):
                bare.append((entry["id"], "no signature"))
        if len(entry["text"].split()) < 2:
            bare.append((entry["id"], "no description"))
    assert not bare, f"{page.name}: {bare}"


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])  # type: ignore[arg-type]
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "link", "script", "img"):
                self.links.append(values[name])  # type: ignore[arg-type]


def _parsed(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_local_links_and_anchors_in_the_built_html_resolve() -> None:
    """What the Markdown check cannot see: links made by templates and autodoc."""
    pages = sorted(SITE.rglob("*.html"))
    parsed = {page: _parsed(page) for page in pages}
    broken = []
    for page, links in parsed.items():
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(SITE)} -> {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parsed(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(SITE)} -> {link} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_every_page_has_navigation_and_search() -> None:
    for page in sorted(SITE.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if page.name in ("genindex.html", "py-modindex.html", "search.html"):
            continue
        assert 'class="sidebar-tree"' in text, page
        assert "search.html" in text, page
    assert (SITE / "searchindex.js").stat().st_size > 10_000


def test_no_page_shows_a_local_path_or_an_object_address() -> None:
    """Values autodoc prints (``<module ... from '/home/...'>``) must not leak into pages."""
    leaks = []
    for page in sorted(SITE.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if str(ROOT) in text or re.search(r"object at 0x[0-9a-f]+", text):
            leaks.append(str(page.relative_to(SITE)))
    assert not leaks, leaks
