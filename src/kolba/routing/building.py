"""Kolba's URL builder: per-rule recipes prepared once, filled in on each ``url_for``.

A ``Recipe`` holds what building one rule needs, worked out when the map
changes: the values the rule requires, its defaults, its literal text
already quoted, and a small function per URL half (domain and path) that
fills in the converted values. ``Book`` groups the recipes by endpoint in
Werkzeug's build order (``Map.iter_rules(endpoint)``). Building then costs
one dict lookup, a few membership tests and one string concatenation in
the common case, where ``MapAdapter.build`` from Werkzeug walks more
general code. The results are Werkzeug's, checked by
``tests/test_routing_build.py``.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import quote
from urllib.parse import quote_plus

from werkzeug.datastructures import MultiDict
from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError

if t.TYPE_CHECKING:
    from werkzeug.routing import Map
    from werkzeug.routing import Rule

__all__ = ["Book", "Recipe", "build_arguments", "PATH_SAFE", "QUERY_SAFE"]

#: Left unquoted in a built path (the WHATWG path-segment set, as Werkzeug).
PATH_SAFE = "!$&'()*+,/:;=@"
#: Left unquoted in a built query string.
QUERY_SAFE = "!$'()*,/:;?@"

Fill = t.Callable[[t.Mapping[str, t.Any]], str]


def build_arguments(values: t.Mapping[str, t.Any] | None) -> dict[str, t.Any]:
    """The values a build works with: None dropped, a MultiDict's lists unpacked.

    A key of a ``MultiDict`` with one value maps to that value, with more to
    the list of them (they become repeated query arguments). A plain dict
    without None values needs none of this: ``MapAdapter.build`` uses it as
    it is.
    """
    if not values:
        return {}
    if isinstance(values, MultiDict):
        return {
            key: items[0] if len(items) == 1 else items
            for key, items in values.lists()
            if items
        }
    return {key: value for key, value in values.items() if value is not None}


#: Text that ``quote(text, safe=PATH_SAFE)`` leaves as it is.
_NOTHING_TO_QUOTE = re.compile(r"[A-Za-z0-9_.~!$&'()*+,/:;=@-]*\Z")


def _quote_text(value: t.Any) -> str:
    """``BaseConverter.to_url``: the value as text, percent-encoded for a path.

    Most values (slugs, names, numbers) have nothing to encode; they skip
    ``quote``, which costs more than the rest of a build.
    """
    text = str(value)
    if _NOTHING_TO_QUOTE.match(text) is not None:
        return text
    return quote(text, safe=PATH_SAFE)


#: Text that ``quote_plus(text, safe=QUERY_SAFE)`` leaves as it is.
_NOTHING_TO_QUOTE_IN_QUERY = re.compile(r"[A-Za-z0-9_.~!$'()*,/:;?@-]*\Z")


def _query_text(item: t.Any) -> str:
    """A query key or value encoded as ``urlencode`` does (``+`` for spaces)."""
    if isinstance(item, bytes):
        return quote_plus(item, safe=QUERY_SAFE)
    text = str(item)
    if _NOTHING_TO_QUOTE_IN_QUERY.match(text) is not None:
        return text
    return quote_plus(text, safe=QUERY_SAFE)


def _to_url(converter: BaseConverter) -> t.Callable[[t.Any], str]:
    """The converter's ``to_url``, or the same quoting done faster for the base one."""
    if type(converter).to_url is BaseConverter.to_url:
        return _quote_text
    return converter.to_url


class _Template:
    """Literal text with holes for converted values: one half of a built URL."""

    def __init__(self) -> None:
        self.head = ""
        #: (variable, to_url, literal text after it)
        self.holes: list[tuple[str, t.Callable[[t.Any], str], str]] = []

    def add_text(self, text: str) -> None:
        if self.holes:
            name, to_url, after = self.holes[-1]
            self.holes[-1] = (name, to_url, after + text)
        else:
            self.head += text

    def add_hole(self, name: str, to_url: t.Callable[[t.Any], str]) -> None:
        self.holes.append((name, to_url, ""))

    def constant(self) -> str | None:
        """The whole text when there are no holes."""
        return None if self.holes else self.head

    def filler(self) -> Fill:
        """A function filling the holes from the build values.

        One hole (``/user/<int:id>``) gets a direct expression; more holes a
        loop over the prepared triples.
        """
        head, holes = self.head, tuple(self.holes)
        if not holes:
            return lambda values: head
        if len(holes) == 1:
            ((name, to_url, tail),) = holes
            return lambda values: head + to_url(values[name]) + tail

        def fill(values: t.Mapping[str, t.Any]) -> str:
            text = head
            for name, to_url, after in holes:
                text += to_url(values[name]) + after
            return text

        return fill


def _query_pairs(extra: dict[str, t.Any]) -> t.Iterator[tuple[str, t.Any]]:
    """Query pairs: one per item of a list, tuple or set value (None included)."""
    for key, value in extra.items():
        if isinstance(value, (list, tuple, set)):
            for item in value:
                yield key, item
        else:
            yield key, value


class Recipe:
    """What building one rule needs, prepared from Werkzeug's parsed rule."""

    __slots__ = (
        "rule", "map", "methods", "required", "defaults", "taken", "websocket",
        "fixed_domain", "domain", "fixed_path", "path",
    )

    def __init__(self, rule: Rule, map: Map) -> None:
        self.rule = rule
        self.map = map
        self.methods = rule.methods
        self.websocket = rule.websocket
        defaults = dict(rule.defaults) if rule.defaults else {}
        self.defaults = tuple(defaults.items())
        self.required = tuple(sorted(name for name in rule.arguments if name not in defaults))
        #: Keys that never go into the query string.
        self.taken = frozenset(rule._converters) | frozenset(defaults)
        domain, path = _Template(), _Template()
        half = domain
        for is_variable, text in rule._trace:
            if half is domain and not is_variable and text == "|":
                half = path  # the first "|" ends the domain half
            elif not is_variable:
                half.add_text(quote(text, safe=PATH_SAFE))
            elif text in defaults:
                half.add_text(rule._converters[text].to_url(defaults[text]))
            else:
                half.add_hole(text, _to_url(rule._converters[text]))
        self.fixed_domain, self.domain = domain.constant(), domain.filler()
        self.fixed_path, self.path = path.constant(), path.filler()

    def attempt(
        self, values: t.Mapping[str, t.Any], method: str | None, append_unknown: bool
    ) -> tuple[str, str] | None:
        """``(domain, path)`` when this rule builds from the values, else None.

        The rule must accept the method, get every variable it has no
        default for, and agree with its defaults; a converter raising
        ``ValidationError`` refuses the values. The query string is made
        before the path so that its errors (sorting values that do not
        compare) win over a converter's, as in Werkzeug.
        """
        methods = self.methods
        if method is not None and methods is not None and method not in methods:
            return None
        for name in self.required:
            if name not in values:
                return None
        if self.defaults:
            for name, default in self.defaults:
                if name in values and default != values[name]:
                    return None
        query = ""
        if append_unknown and not self.taken.issuperset(values):
            query = self._query(values)
        try:
            domain = self.fixed_domain
            if domain is None:
                domain = self.domain(values)
            path = self.fixed_path
            if path is None:
                path = self.path(values)
        except ValidationError:
            return None
        if query:
            return domain, f"{path}?{query}"
        return domain, path

    def _query(self, values: t.Mapping[str, t.Any]) -> str:
        """The query string for the values that fill no variable of the rule.

        Sorting (``Map.sort_parameters``) sees the None items too; they are
        left out of the string afterwards.
        """
        taken = self.taken
        pairs: t.Iterable[tuple[str, t.Any]] = _query_pairs(
            {key: value for key, value in values.items() if key not in taken}
        )
        if self.map.sort_parameters:
            pairs = sorted(pairs, key=self.map.sort_key)
        return "&".join(
            f"{_query_text(key)}={_query_text(value)}" for key, value in pairs if value is not None
        )


Built = tuple[str, str, bool]


class Book:
    """Every endpoint's recipes, in the order their rules are tried."""

    def __init__(self, map: Map) -> None:
        grouped: dict[t.Any, list[Recipe]] = {}
        for rule in map.iter_rules():
            grouped.setdefault(rule.endpoint, []).append(Recipe(rule, map))
        self.by_endpoint = {endpoint: tuple(recipes) for endpoint, recipes in grouped.items()}

    def find(
        self, endpoint: t.Any, values: t.Mapping[str, t.Any], method: str | None,
        append_unknown: bool, home: str | None,
    ) -> Built | None:
        """Domain, path and websocket flag of the first recipe that builds.

        With host matching (``home`` is the bound host) a rule built for that
        host beats an earlier one built for another.
        """
        elsewhere: Built | None = None
        for recipe in self.by_endpoint.get(endpoint, ()):
            made = recipe.attempt(values, method, append_unknown)
            if made is None:
                continue
            if home is None or made[0] == home:
                return made[0], made[1], recipe.websocket
            if elsewhere is None:
                elsewhere = made[0], made[1], recipe.websocket
        return elsewhere
