"""Kolba's compiled matcher: a segment trie with an exact index of static URLs.

The trie is built from the pieces Werkzeug's ``Rule`` already parsed
(``rule._parts``, pinned in ``tests/test_werkzeug_interface.py``): one level
per slash-separated part, the first level being the subdomain or host. A
state maps literal segments to children through a dict and tries its
converter segments afterwards, in Werkzeug's weight order, backtracking when
a branch fails. Every URL that reaches a rule through literal segments only
is also put in ``static_index``, so the most common requests cost two dict
lookups.

The matcher only answers the plain cases (a match, or a miss with nothing
near it); anything else is signalled so that ``Map.match_fast`` can hand the
request to Werkzeug's ``MapAdapter.match``.
"""

from __future__ import annotations

import re
import typing as t

from werkzeug.routing import BaseConverter
from werkzeug.routing import IntegerConverter
from werkzeug.routing import ValidationError

if t.TYPE_CHECKING:
    from werkzeug.routing import Rule
    from werkzeug.routing.rules import RulePart

__all__ = ["Matcher", "SlashRequired", "State", "Target", "Trail", "walk"]

#: Werkzeug names the regex group of the n-th converter of a part like this.
GROUP_PREFIX = "__werkzeug_"


class SlashRequired(Exception):
    """The path reaches a strict-slash rule only once a trailing slash is added."""


#: Near misses of one search: a rule's method set when only the method was
#: wrong, None when only the websocket flag was. Any entry means the answer
#: is a 405 or a websocket error, which only ``MapAdapter.match`` gives.
Trail = list["set[str] | None"]

Convert = t.Callable[[str], t.Any]


def _int_or_no_match(text: str) -> int:
    """``IntegerConverter.to_python`` without options, minus its attribute checks.

    ``int`` refuses more than 4300 digits; like Werkzeug, that is no match.
    """
    try:
        return int(text)
    except ValueError:
        raise ValidationError() from None


def conversion(converter: BaseConverter) -> Convert | None:
    """How a matched string becomes a view argument; None keeps the string.

    ``BaseConverter.to_python`` returns its argument, so it is skipped, and an
    option-less ``int`` converter reduces to ``int()``.
    """
    method = type(converter).to_python
    if method is BaseConverter.to_python:
        return None
    plain_int = (
        type(converter) is IntegerConverter
        and not converter.fixed_digits
        and converter.min is None
        and converter.max is None
    )
    return _int_or_no_match if plain_int else converter.to_python


class Target:
    """A rule as the trie stores it, with its value conversions prepared.

    ``guarded`` marks rules whose match may still turn into a redirect
    (``redirect_to``, an alias, or a sibling rule owning the URL through
    its defaults); ``sources`` are those siblings.
    """

    __slots__ = ("rule", "values", "defaults", "guarded", "sources")

    def __init__(self, rule: Rule, sources: tuple[Rule, ...]) -> None:
        self.rule = rule
        self.defaults = dict(rule.defaults) if rule.defaults else None
        #: Matched strings -> view arguments; raises ``ValidationError`` if refused.
        self.values = _argument_maker(rule, self.defaults)
        self.sources = sources
        self.guarded = bool(sources) or rule.alias or rule.redirect_to is not None


MakeArguments = t.Callable[[list[str]], dict[str, t.Any]]


def _argument_maker(rule: Rule, defaults: dict[str, t.Any] | None) -> MakeArguments:
    """A function turning matched strings into view arguments, defaults merged.

    Values arrive in the order of the rule's variables. A rule with a single
    variable and no defaults (the usual ``/user/<int:id>``) gets a direct one.
    """
    steps = tuple((name, conversion(conv)) for name, conv in rule._converters.items())
    if len(steps) == 1 and defaults is None:
        ((name, convert),) = steps
        if convert is None:
            return lambda raw: {name: raw[0]}
        return lambda raw: {name: convert(raw[0])}

    def make(raw: list[str]) -> dict[str, t.Any]:
        out = {
            name: text if convert is None else convert(text)
            for (name, convert), text in zip(steps, raw)
        }
        if defaults is not None:
            out.update(defaults)
        return out

    return make


# How a converter edge tests one segment when its regex is one of the two
# everybody uses: ``\d`` and ``str.isdecimal`` both mean Unicode category Nd,
# and a segment never holds a slash.
BY_REGEX, NON_EMPTY, DECIMAL = 0, 1, 2
_SHORTCUTS = {
    f"(?P<{GROUP_PREFIX}0>[^/]{{1,}})\\Z": NON_EMPTY,
    f"(?P<{GROUP_PREFIX}0>\\d+)\\Z": DECIMAL,
}


def _transition(part: RulePart) -> tuple[t.Any, ...]:
    """Parts with equal keys lead to the same state (they match the same text)."""
    return (part.content, part.final, part.static, part.suffixed, part.weight)


class Edge:
    """A converter transition: how to test a segment and the state it leads to."""

    __slots__ = ("key", "weight", "match", "final", "kind", "slash_group", "groups", "state")

    def __init__(self, part: RulePart) -> None:
        pattern = re.compile(part.content)
        self.key = _transition(part)
        self.weight = part.weight
        self.match = pattern.match
        self.final = part.final
        self.kind = BY_REGEX if part.final else _SHORTCUTS.get(part.content, BY_REGEX)
        # A "suffixed" part ends in an optional slash, captured by its last group.
        self.slash_group = pattern.groups if part.suffixed else 0
        # Werkzeug's groups carry the values, numbered in rule order; a
        # converter's regex may bring groups of its own, which are skipped.
        ours = {
            int(name[len(GROUP_PREFIX) :]): number
            for name, number in pattern.groupindex.items()
            if name.startswith(GROUP_PREFIX)
        }
        self.groups = tuple(ours[n] for n in sorted(ours))
        self.state = State()


class State:
    """A node of the trie: the targets ending here and the ways onwards."""

    __slots__ = ("static", "dynamic", "targets", "lenient")

    def __init__(self) -> None:
        self.static: dict[str, State] = {}
        self.dynamic: list[Edge] = []
        self.targets: list[Target] = []
        #: The targets whose rules accept one trailing slash more (no strict slashes).
        self.lenient: list[Target] = []

    def child(self, part: RulePart) -> State:
        """The state after ``part``, created on first use."""
        if part.static:
            nxt = self.static.get(part.content)
            if nxt is None:
                nxt = self.static[part.content] = State()
            return nxt
        key = _transition(part)
        for edge in self.dynamic:
            if edge.key == key:
                return edge.state
        edge = Edge(part)
        self.dynamic.append(edge)
        return edge.state

    def finish(self) -> None:
        """Sort converter edges lightest first (ties keep rule order), here and below."""
        self.lenient = [target for target in self.targets if not target.rule.strict_slashes]
        self.dynamic.sort(key=lambda edge: edge.weight)
        for nxt in self.static.values():
            nxt.finish()
        for edge in self.dynamic:
            edge.state.finish()


Found = tuple[Target, list[str]]


class Matcher:
    """The trie for one map's matchable rules (in registration order)."""

    def __init__(self, targets: t.Iterable[Target]) -> None:
        self.root = State()
        for target in targets:
            state = self.root
            for part in target.rule._parts:
                state = state.child(part)
            state.targets.append(target)
        self.root.finish()
        #: domain -> the state after it, when every domain part is literal.
        self.domains: dict[str, State] | None = None if self.root.dynamic else self.root.static
        #: domain -> URL path -> targets, for paths made of literal segments only.
        self.static_index: dict[str, dict[str, list[Target]]] = {}
        for domain, state in self.root.static.items():
            paths: dict[str, list[Target]] = {}
            _collect_static(state, None, paths)
            if paths:
                self.static_index[domain] = paths

    def plain_routes(self, domain: str) -> dict[str, dict[str, Rule]]:
        """Path -> method -> rule, for the static paths of ``domain`` whose match is final.

        A path and method are in it when the first rule on that path taking
        the method (what ``Map.match_fast`` picks) is an HTTP rule listing its
        methods, with no defaults and nothing that could redirect
        (``Target.guarded``): its match is that rule with no view arguments.
        perf: the app asks this table before ``match_fast`` (two dict
        lookups instead of a call and a scan of the path's targets; a path
        not in it costs one).
        """
        table: dict[str, dict[str, Rule]] = {}
        for path, targets in self.static_index.get(domain, {}).items():
            taken: set[str] = set()
            for target in targets:
                rule = target.rule
                if rule.websocket:
                    continue
                if rule.methods is None:
                    break  # it takes every method left: match_fast answers those
                plain = not target.guarded and target.defaults is None
                for method in rule.methods - taken:
                    taken.add(method)
                    if plain:
                        table.setdefault(path, {})[method] = rule
        return table

    def search(self, domain: str, path: str, method: str, trail: Trail) -> Found | None:
        """First target for an HTTP request; raise ``SlashRequired`` for a redirect."""
        domains = self.domains
        if domains is None:
            parts = path.split("/")
            parts.insert(0, domain)
            return walk(self.root, parts, 0, [], method, trail)
        state = domains.get(domain)
        if state is None:
            return None
        return walk(state, path.split("/"), 0, [], method, trail)


def _collect_static(state: State, prefix: str | None, out: dict[str, list[Target]]) -> None:
    """Index the states reachable through literal segments by their URL path.

    A path with an empty first segment (a rule ``//x``) is left out: the
    matcher looks up paths as they come, and a request path starting with
    two slashes is one to normalize (``Map.match_fast``), never a key.
    """
    if state.targets and prefix is not None and not prefix.startswith("//"):
        out[prefix] = state.targets
    for segment, nxt in state.static.items():
        _collect_static(nxt, segment if prefix is None else f"{prefix}/{segment}", out)


_SLASH: list[str] = [""]


def walk(
    state: State, parts: list[str], i: int, values: list[str], method: str, trail: Trail
) -> Found | None:
    """Match ``parts[i:]`` (at least one part) from ``state``: literals first, then converters."""
    last = len(parts) - 1
    # Without converter edges there is nothing to come back for: no recursion.
    while not state.dynamic and i < last:
        nxt = state.static.get(parts[i])
        if nxt is None:
            return None
        state = nxt
        i += 1
    part = parts[i]
    nxt = state.static.get(part)
    if nxt is not None:
        if i == last:
            found = _end(nxt, values, method, trail)
        else:
            found = walk(nxt, parts, i + 1, values, method, trail)
        if found is not None:
            return found
    for edge in state.dynamic:
        kind = edge.kind
        if kind == BY_REGEX:
            found = _regex_edge(edge, parts, i, values, method, trail)
            if found is not None:
                return found
            continue
        # A shortcut edge takes exactly this one segment as its value.
        if not (part.isdecimal() if kind == DECIMAL else part):
            continue
        values.append(part)
        if i == last:
            found = _end(edge.state, values, method, trail)
        else:
            found = walk(edge.state, parts, i + 1, values, method, trail)
        if found is not None:
            return found
        values.pop()
    if i == last and not part and state.lenient:
        # The path ends in a slash these rules lack: only lenient ones take it.
        return _pick(state.lenient, values, method, trail)
    return None


def _regex_edge(
    edge: Edge, parts: list[str], i: int, values: list[str], method: str, trail: Trail
) -> Found | None:
    """Follow a converter edge that needs its regex; undo its values on failure."""
    last = len(parts) - 1
    if edge.final and i < last:
        m = edge.match("/".join(parts[i:]))  # it may span the remaining segments
    else:
        m = edge.match(parts[i])
    if m is None:
        return None
    mark = len(values)
    values.extend(m.group(g) for g in edge.groups)
    if not edge.final:
        if i == last:
            found = _end(edge.state, values, method, trail)
        else:
            found = walk(edge.state, parts, i + 1, values, method, trail)
    elif edge.slash_group and m.group(edge.slash_group) == "/":
        # The rest of the path was consumed, but a captured trailing slash is
        # one more (empty) segment for the rules after the edge.
        found = walk(edge.state, _SLASH, 0, values, method, trail)
    else:
        found = _end(edge.state, values, method, trail)
    if found is None:
        del values[mark:]
    return found


def _pick(targets: list[Target], values: list[str], method: str, trail: Trail) -> Found | None:
    """The first HTTP rule accepting the method; note the near misses on the way."""
    for target in targets:
        rule = target.rule
        methods = rule.methods
        if methods is not None and method not in methods:
            trail.append(methods)
        elif rule.websocket:
            trail.append(None)
        else:
            return target, values
    return None


def _end(state: State, values: list[str], method: str, trail: Trail) -> Found | None:
    """The path is used up at ``state``: a rule here, or one a slash further."""
    found = _pick(state.targets, values, method, trail) if state.targets else None
    if found is not None:
        return found
    branch = state.static.get("")
    if branch is None:
        return None
    for target in branch.targets:
        rule = target.rule
        methods = rule.methods
        if not rule.websocket and (methods is None or method in methods):
            if rule.strict_slashes:
                raise SlashRequired()
            return target, values
    return None
