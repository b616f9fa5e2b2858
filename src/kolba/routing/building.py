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

import typing as t
from urllib.parse import quote
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict
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
Hole = tuple[str, t.Callable[[t.Any], str]]


def build_arguments(values: t.Mapping[str, t.Any] | None) -> dict[str, t.Any]:
    """The values a build works with: None dropped, a MultiDict's lists unpacked.

    A key of a ``MultiDict`` with one value maps to that value, with more to
    the list of them (they become repeated query arguments).
    """
    if not values:
        return {}
    if isinstance(values, MultiDict):
        return {
            key: items[0] if len(items) == 1 else items
            for key, items in values.lists()
            if items
        }
    if type(values) is dict:
        for value in values.values():
            if value is None:
                break
        else:
            return values  # nothing to drop; building never changes it
    return {key: value for key, value in values.items() if value is not None}


def _filler(pieces: list[str | Hole]) -> Fill:
    """A function rendering literal pieces and converted holes into text.

    The shapes nearly all rules have (no hole, one hole) get a direct
    function; the rest join the pieces in a loop.
    """
    holes = [piece for piece in pieces if not isinstance(piece, str)]
    if not holes:
        text = "".join(t.cast("list[str]", pieces))
        return lambda values: text
    if len(holes) == 1:
        at = pieces.index(holes[0])
        head = "".join(t.cast("list[str]", pieces[:at]))
        tail = "".join(t.cast("list[str]", pieces[at + 1 :]))
        name, to_url = holes[0]
        return lambda values: head + to_url(values[name]) + tail
    frozen = tuple(pieces)

    def fill(values: t.Mapping[str, t.Any]) -> str:
        return "".join(
            piece if isinstance(piece, str) else piece[1](values[piece[0]])
            for piece in frozen
        )

    return fill


def _append(pieces: list[str | Hole], text: str) -> None:
    """Add literal text, merged into a literal that comes right before."""
    if pieces and isinstance(pieces[-1], str):
        pieces[-1] += text
    else:
        pieces.append(text)


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
        "rule", "methods", "required", "defaults", "taken", "websocket",
        "domain", "fixed_domain", "path", "map",
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
        halves: tuple[list[str | Hole], list[str | Hole]] = ([], [])
        pieces = halves[0]
        for is_variable, text in rule._trace:
            if pieces is halves[0] and not is_variable and text == "|":
                pieces = halves[1]  # the first "|" ends the domain half
            elif not is_variable:
                _append(pieces, quote(text, safe=PATH_SAFE))
            elif text in defaults:
                _append(pieces, rule._converters[text].to_url(defaults[text]))
            else:
                pieces.append((text, rule._converters[text].to_url))
        self.fixed_domain = "".join(t.cast("list[str]", halves[0])) if all(
            isinstance(piece, str) for piece in halves[0]
        ) else None
        self.domain = _filler(halves[0])
        self.path = _filler(halves[1])

    def accepts(self, values: t.Mapping[str, t.Any], method: str | None) -> bool:
        """Whether the method is allowed, every variable given, every default agreed."""
        if method is not None:
            methods = self.methods
            if methods is not None and method not in methods:
                return False
        for name in self.required:
            if name not in values:
                return False
        for name, default in self.defaults:
            if name in values and default != values[name]:
                return False
        return True

    def make(self, values: t.Mapping[str, t.Any], append_unknown: bool) -> tuple[str, str] | None:
        """``(domain, path)`` for accepted values; None when a converter refuses one.

        The query string comes first, so that its errors (sorting values
        that do not compare) win over a converter's, as in Werkzeug.
        """
        query = ""
        if append_unknown and not self.taken.issuperset(values):
            query = self._query({k: v for k, v in values.items() if k not in self.taken})
        try:
            domain = self.fixed_domain
            if domain is None:
                domain = self.domain(values)
            path = self.path(values)
        except ValidationError:
            return None
        if query:
            return domain, f"{path}?{query}"
        return domain, path

    def _query(self, extra: dict[str, t.Any]) -> str:
        """The query string for values that fill no variable of the rule.

        Sorting (``Map.sort_parameters``) sees the None items too; they are
        left out of the string afterwards.
        """
        pairs: t.Iterable[tuple[str, t.Any]] = _query_pairs(extra)
        if self.map.sort_parameters:
            pairs = sorted(pairs, key=self.map.sort_key)
        return urlencode([pair for pair in pairs if pair[1] is not None], safe=QUERY_SAFE)


Built = tuple[str, str, bool]


class Book:
    """Every endpoint's recipes, in the order their rules are tried."""

    def __init__(self, map: Map) -> None:
        self.by_endpoint: dict[t.Any, tuple[Recipe, ...]] = {}
        grouped: dict[t.Any, list[Recipe]] = {}
        for rule in map.iter_rules():
            grouped.setdefault(rule.endpoint, []).append(Recipe(rule, map))
        for endpoint, recipes in grouped.items():
            self.by_endpoint[endpoint] = tuple(recipes)

    def find(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any],
        method: str | None,
        append_unknown: bool,
        home: str | None,
    ) -> Built | None:
        """Domain, path and websocket flag of the first recipe that builds.

        With host matching (``home`` is the bound host) a rule built for that
        host beats an earlier one built for another.
        """
        elsewhere: Built | None = None
        for recipe in self.by_endpoint.get(endpoint, ()):
            if not recipe.accepts(values, method):
                continue
            made = recipe.make(values, append_unknown)
            if made is None:
                continue
            if home is None or made[0] == home:
                return made[0], made[1], recipe.websocket
            if elsewhere is None:
                elsewhere = made[0], made[1], recipe.websocket
        return elsewhere
