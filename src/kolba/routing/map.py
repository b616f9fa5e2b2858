"""``Map`` and ``MapAdapter``: Werkzeug's classes with Kolba's matcher and builder.

Registration, binding, redirects and 405s are Werkzeug's own code,
inherited. Kolba adds two things compiled from the registered rules
whenever they change:

- ``Map.match_fast``, the per-request lookup used by the app: a trie with a
  static-URL index (``matcher.py``) that answers plain matches and plain
  misses and defers everything else. ``MapAdapter.match`` asks it first too,
  and calls Werkzeug's ``match`` only for the deferred requests;
- ``MapAdapter.build`` (``url_for``), served from prepared recipes
  (``building.py``).
"""

from __future__ import annotations

import re
import threading
import typing as t
from urllib.parse import quote

from werkzeug.exceptions import NotFound
from werkzeug.routing import BuildError
from werkzeug.routing import Map as WerkzeugMap
from werkzeug.routing import MapAdapter as WerkzeugMapAdapter
from werkzeug.routing import Rule as WerkzeugRule
from werkzeug.routing import RuleFactory
from werkzeug.routing import ValidationError

from .building import Book
from .building import build_arguments
from .matcher import Matcher
from .matcher import SlashRequired
from .matcher import Target
from .matcher import Trail
from .rules import Rule

__all__ = ["Map", "MapAdapter"]

#: What ``match_fast`` returns. Rules are typed as Kolba's ``Rule``, which is
#: what an app registers (``url_rule_class``); a plain Werkzeug rule added
#: by hand to a Kolba map is returned as it is.
Match = tuple[Rule, dict[str, t.Any]]

#: ``Map.plain_routes`` before compiling: nothing (never filled).
_NO_ROUTES: dict[str, dict[str, Rule]] = {}


class Map(WerkzeugMap):
    """Werkzeug's ``Map``; also compiles Kolba's matcher and URL builder on demand.

    Constructor arguments, attributes and methods are Werkzeug's. ``bind`` and
    ``bind_to_environ`` return Kolba's ``MapAdapter``.
    """

    _default_subdomain: str

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        #: Every rule added, in order: matching tries rules in this order.
        self._added: list[WerkzeugRule] = []
        self._trie: Matcher | None = None
        self._book: Book | None = None
        #: Path -> method -> rule, for requests in the default subdomain whose
        #: match is that rule with no view arguments (``Matcher.plain_routes``);
        #: empty until the matcher is compiled.  The app looks a request up
        #: here before calling ``match_fast``.
        self.plain_routes: dict[str, dict[str, Rule]] = _NO_ROUTES
        self._compile_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def default_subdomain(self) -> str:
        """Werkzeug's attribute: the subdomain of requests that name none."""
        return self._default_subdomain

    @default_subdomain.setter
    def default_subdomain(self, value: str) -> None:
        # ``plain_routes`` holds this subdomain's paths: compile again.
        self._default_subdomain = value
        self._trie = None
        self.plain_routes = _NO_ROUTES

    def add(self, rulefactory: RuleFactory) -> None:
        """Add a rule or a factory's rules (Werkzeug's ``add``), noting their order."""
        with self._compile_lock:
            # A rule is its own factory (it yields itself), so adding each
            # produced rule again is Werkzeug's add of that rule.
            for rule in rulefactory.get_rules(self):
                super().add(rule)
                self._added.append(rule)
            self._trie = None
            self._book = None
            self.plain_routes = _NO_ROUTES

    # -- compiled state ----------------------------------------------------------

    def _compile_trie(self) -> Matcher:
        """Build the matcher from the current rules (once per change)."""
        with self._compile_lock:
            trie = self._trie
            if trie is None:
                targets = [
                    Target(rule, self._default_owners(rule))
                    for rule in self._added
                    if not rule.build_only
                ]
                trie = self._trie = Matcher(targets)
                # The rules are an app's, Kolba's ``Rule`` (see ``Match``).
                self.plain_routes = t.cast(
                    "dict[str, dict[str, Rule]]", trie.plain_routes(self._default_subdomain)
                )
            return trie

    def _default_owners(self, rule: WerkzeugRule) -> tuple[WerkzeugRule, ...]:
        """Rules of the same endpoint whose defaults may claim ``rule``'s URLs.

        Werkzeug redirects a match to such a rule when it ranks earlier and
        suits the values; ``match_fast`` defers whenever any of them suits,
        which covers that without depending on the rank.
        """
        return tuple(
            other for other in self.iter_rules(rule.endpoint) if other.provides_defaults_for(rule)
        )

    def _compile_book(self) -> Book:
        """Build the URL recipes from the current rules (once per change)."""
        with self._compile_lock:
            book = self._book
            if book is None:
                book = self._book = Book(self)
            return book

    # -- matching ----------------------------------------------------------------

    def match_fast(self, domain: str, path: str, method: str) -> Match | None:
        """Match an HTTP request on the compiled trie, or return None to defer.

        Returns ``(rule, view_args)`` for a plain match and raises
        ``NotFound`` for a plain miss, exactly as ``MapAdapter.match`` would.
        Returns None when the answer is anything else (a redirect, a 405, a
        near miss): the caller then asks ``MapAdapter.match``. ``domain`` is
        the subdomain, or the host with host matching.
        """
        trie = self._trie
        if trie is None:
            trie = self._compile_trie()
        paths = trie.static_index.get(domain)
        if paths is not None:
            # perf: the path as it came first; every key starts with one
            # slash, so a hit needs no normalizing
            targets = paths.get(path)
            if targets is None and (path[:1] != "/" or path[1:2] == "/"):
                path = "/" + path.lstrip("/") if path else ""
                targets = paths.get(path)
            if targets is not None:
                for target in targets:
                    rule = target.rule
                    methods = rule.methods
                    if (methods is None or method in methods) and not rule.websocket:
                        values = dict(target.defaults) if target.defaults else {}
                        if target.guarded:
                            return self._unless_redirected(target, values, method)
                        return rule, values  # type: ignore[return-value]
        elif path[:1] != "/" or path[1:2] == "/":
            path = "/" + path.lstrip("/") if path else ""
        trail: Trail = []
        try:
            found = trie.search(domain, path, method, trail)
        except SlashRequired:
            return None
        if found is None:
            if trail or ("//" in path and self.merge_slashes):
                return None
            raise NotFound()
        target, raw = found
        try:
            values = target.values(raw)
        except ValidationError:
            if trail:
                return None
            raise NotFound() from None
        if target.guarded:
            return self._unless_redirected(target, values, method)
        return target.rule, values  # type: ignore[return-value]

    def _unless_redirected(
        self, target: Target, values: dict[str, t.Any], method: str
    ) -> Match | None:
        """The match, or None where ``MapAdapter.match`` may redirect instead."""
        rule = target.rule
        if rule.redirect_to is not None:
            return None
        if self.redirect_defaults:
            if rule.alias:
                return None
            if any(owner.suitable_for(values, method) for owner in target.sources):
                return None
        return rule, values  # type: ignore[return-value]

    # -- binding -----------------------------------------------------------------

    def bind(self, *args: t.Any, **kwargs: t.Any) -> MapAdapter:
        """Werkzeug's ``bind``, returning Kolba's ``MapAdapter``."""
        return _as_kolba_adapter(super().bind(*args, **kwargs))

    def bind_to_environ(self, *args: t.Any, **kwargs: t.Any) -> MapAdapter:
        """Werkzeug's ``bind_to_environ``, returning Kolba's ``MapAdapter``."""
        return _as_kolba_adapter(super().bind_to_environ(*args, **kwargs))


#: Characters that may not appear in a header value as they are: controls,
#: space and everything beyond ASCII.
_NOT_HEADER_SAFE = re.compile(r"[^\x21-\x7e]+")


def _percent_encode(match: re.Match[str]) -> str:
    return quote(match.group(), safe="")


class MapAdapter(WerkzeugMapAdapter):
    """Werkzeug's ``MapAdapter`` with Kolba's matcher in front and Kolba's builder.

    Redirects also differ in one safety detail: see ``encode_query_args``.
    """

    map: Map

    @t.overload
    def match(
        self, path_info: str | None = None, method: str | None = None,
        return_rule: t.Literal[False] = False,
        query_args: t.Mapping[str, t.Any] | str | None = None, websocket: bool | None = None,
    ) -> tuple[t.Any, t.Mapping[str, t.Any]]: ...

    @t.overload
    def match(
        self, path_info: str | None = None, method: str | None = None,
        return_rule: t.Literal[True] = True,
        query_args: t.Mapping[str, t.Any] | str | None = None, websocket: bool | None = None,
    ) -> tuple[Rule, t.Mapping[str, t.Any]]: ...

    def match(
        self, path_info: str | None = None, method: str | None = None,
        return_rule: bool = False,
        query_args: t.Mapping[str, t.Any] | str | None = None, websocket: bool | None = None,
    ) -> tuple[t.Any, t.Mapping[str, t.Any]]:
        """Werkzeug's ``match``, answered by Kolba's matcher when the answer is plain.

        A plain match or a plain 404 comes from ``Map.match_fast``, which is
        several times cheaper than Werkzeug's state machine (apps matching
        subdomains or hosts take this way for every request). Redirects,
        405s and websocket requests are left to Werkzeug's ``match``.
        """
        domain = self.server_name if self.map.host_matching else self.subdomain
        if not (self.websocket if websocket is None else websocket) and domain is not None:
            path = self.path_info if path_info is None else path_info
            found = self.map.match_fast(domain, path, (method or self.default_method).upper())
            if found is not None:
                rule, values = found
                return (rule if return_rule else rule.endpoint), values
        werkzeug_match: t.Any = super().match
        answer: tuple[t.Any, t.Mapping[str, t.Any]] = werkzeug_match(
            path_info, method, return_rule, query_args, websocket
        )
        return answer

    def encode_query_args(self, query_args: t.Mapping[str, t.Any] | str) -> str:
        """Werkzeug's query string for a redirect, made fit for a ``Location`` header.

        A raw query string is passed through by Werkzeug; one holding CR, LF,
        other controls, spaces or non-ASCII text would make the redirect fail
        with a 500 (Flask 3.1 does). Those characters are percent-encoded
        (UTF-8), as browsers do; all others are kept as the client sent them.
        """
        encoded = super().encode_query_args(query_args)
        return _NOT_HEADER_SAFE.sub(_percent_encode, encoded)

    def build(
        self, endpoint: t.Any, values: t.Mapping[str, t.Any] | None = None,
        method: str | None = None, force_external: bool = False,
        append_unknown: bool = True, url_scheme: str | None = None,
    ) -> str:
        """Build a URL for ``endpoint`` (Werkzeug's semantics; ``BuildError`` if none fits).

        Without a method, rules accepting the adapter's default method are
        tried first, then all rules.
        """
        map = self.map
        book = map._book
        if book is None:
            book = map._compile_book()
        arguments: t.Mapping[str, t.Any]
        if type(values) is dict:  # url_for's keyword arguments: usually nothing to drop
            arguments = values
            for value in values.values():
                if value is None:
                    arguments = build_arguments(values)
                    break
        else:
            arguments = build_arguments(values)
        home = self.server_name if map.host_matching else None
        found = book.find(
            endpoint, arguments, self.default_method if method is None else method,
            append_unknown, home,
        )
        if found is None and method is None:
            found = book.find(endpoint, arguments, None, append_unknown, home)
        if found is None:
            raise BuildError(endpoint, dict(arguments), method, self)
        domain, path, websocket = found
        if not (force_external or websocket or home is not None) and domain == self.subdomain:
            return f"{self.script_name.rstrip('/')}/{path.lstrip('/')}"
        return self._url_for_built(domain, path, websocket, force_external, url_scheme)

    def _url_for_built(
        self, domain: str, path: str, websocket: bool, external: bool, scheme: str | None
    ) -> str:
        """A path on this adapter's script root, or a full URL when it must be one.

        Websocket rules always give full ``ws``/``wss`` URLs; other rules give
        a full URL when asked to, or when built for another (sub)domain.
        """
        if not (external or websocket):
            if self.map.host_matching:
                local = self.get_host(domain) == self.server_name
            else:
                local = domain == self.subdomain
            if local:
                return f"{self.script_name.rstrip('/')}/{path.lstrip('/')}"
        if scheme is None:
            scheme = self.url_scheme
        secure = scheme in ("https", "wss")
        if websocket:
            scheme = "wss" if secure else "ws"
        elif scheme:
            scheme = "https" if secure else "http"
        prefix = f"{scheme}:" if scheme else ""
        return f"{prefix}//{self.get_host(domain)}{self.script_name[:-1]}/{path.lstrip('/')}"


def _as_kolba_adapter(adapter: WerkzeugMapAdapter) -> MapAdapter:
    """Give an adapter made by Werkzeug's ``bind`` Kolba's class.

    Werkzeug's ``bind`` constructs its own class; the adapter keeps its state
    in plain instance attributes, so switching the class keeps every value.
    """
    adapter.__class__ = MapAdapter
    return t.cast(MapAdapter, adapter)
