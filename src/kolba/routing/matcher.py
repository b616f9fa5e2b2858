"""The compiled matcher: a segment trie searched depth-first with backtracking.

Each state maps the next path segment to a child through a dict (static
segments) and, failing that, tries its converter segments in weight order
with precompiled regexes. The search order, the slash-redirect rules and
the bookkeeping of near misses (wrong method, websocket mismatch) follow
Werkzeug's state machine so that every request gets Werkzeug's answer.

The trie is rebuilt from the rule list only when rules changed; a request
never compiles anything.
"""

from __future__ import annotations

import re
import typing as t

from .rules import GROUP_PREFIX

if t.TYPE_CHECKING:
    from .rules import Rule
    from .rules import RulePart

__all__ = ["Matcher", "SlashRequired", "Trail", "near_miss_methods", "walk"]

_MERGE_SLASHES = re.compile("/{2,}")


class SlashRequired(Exception):
    """The path matches a strict-slash rule once a trailing slash is added."""


#: Near misses seen during one search, in order: a rule's method set when
#: only the method was wrong, None when only the websocket flag was. They
#: decide between 405, websocket mismatch and 404 when nothing matches.
Trail = list["set[str] | None"]


def near_miss_methods(trail: Trail) -> set[str]:
    """Union of the methods of rules that matched all but the method."""
    methods: set[str] = set()
    for entry in trail:
        if entry is not None:
            methods.update(entry)
    return methods


# How a non-final converter edge tests one segment: most rules use the
# default string or int converter, whose regexes reduce to a str test.
BY_REGEX, NON_EMPTY, DECIMAL = 0, 1, 2
_SHORTCUTS = {
    f"(?P<{GROUP_PREFIX}0>[^/]{{1,}})\\Z": NON_EMPTY,
    f"(?P<{GROUP_PREFIX}0>\\d+)\\Z": DECIMAL,
}


class Edge:
    """A converter transition: a compiled regex and where it leads."""

    __slots__ = ("part", "match", "final", "kind", "suffix_group", "groups", "state")

    def __init__(self, part: RulePart, state: State) -> None:
        pattern = re.compile(part.content)
        self.part = part
        self.match = pattern.match
        self.final = part.final
        # ``\d`` and ``str.isdecimal`` both mean Unicode category Nd, and a
        # segment never holds a slash, so these tests equal the regexes.
        self.kind = BY_REGEX if part.final else _SHORTCUTS.get(part.content, BY_REGEX)
        self.suffix_group = pattern.groups if part.suffixed else 0
        # Only our named groups carry values (a converter's own regex may
        # have groups too); they are numbered in rule order.
        index = pattern.groupindex
        numbered = sorted(
            (int(name[len(GROUP_PREFIX) :]), group)
            for name, group in index.items()
            if name.startswith(GROUP_PREFIX)
        )
        self.groups = tuple(group for _, group in numbered)
        self.state = state


class State:
    """A node of the trie: rules ending here and transitions onwards."""

    __slots__ = ("static", "dynamic", "rules")

    def __init__(self) -> None:
        self.static: dict[str, State] = {}
        self.dynamic: list[Edge] = []
        self.rules: list[Rule] = []


Found = tuple["Rule", list[str]]
_SLASH_ONLY = [""]


class Matcher:
    """The trie for one map's rules plus an exact index of static URLs."""

    def __init__(self, rules: t.Iterable[Rule]) -> None:
        self.root = State()
        for rule in rules:
            self._insert(rule)
        self._sort(self.root)
        #: domain -> its state, when no rule has a host/subdomain pattern (so
        #: the domain needs no backtracking); lets a search skip the root.
        self.plain_domains: dict[str, State] = {} if self.root.dynamic else self.root.static
        #: domain -> path -> rules of the state reached purely statically.
        self.static_index: dict[str, dict[str, list[Rule]]] = {}
        for domain, state in self.root.static.items():
            paths: dict[str, list[Rule]] = {}
            self._index(state, [], paths)
            if paths:
                self.static_index[domain] = paths

    def _insert(self, rule: Rule) -> None:
        """Thread a rule's parts through the trie, sharing equal transitions."""
        state = self.root
        for part in rule._parts:
            if part.static:
                nxt = state.static.get(part.content)
                if nxt is None:
                    nxt = state.static[part.content] = State()
                state = nxt
                continue
            for edge in state.dynamic:
                if edge.part.same_transition(part):
                    state = edge.state
                    break
            else:
                edge = Edge(part, State())
                state.dynamic.append(edge)
                state = edge.state
        state.rules.append(rule)

    def _sort(self, state: State) -> None:
        """Order converter transitions by weight (stable, like insertion ties)."""
        state.dynamic.sort(key=lambda edge: edge.part.weight)
        for child in state.static.values():
            self._sort(child)
        for edge in state.dynamic:
            self._sort(edge.state)

    def _index(self, state: State, segments: list[str], out: dict[str, list[Rule]]) -> None:
        """Record every statically reachable state that ends some rules."""
        if state.rules:
            out["/".join(segments)] = state.rules
        for segment, child in state.static.items():
            segments.append(segment)
            self._index(child, segments, out)
            segments.pop()

    # -- searching -------------------------------------------------------------------

    def search(
        self, domain: str, path: str, method: str, websocket: bool, trail: Trail
    ) -> Found | None:
        """Find the first rule for the path; raise ``SlashRequired`` for a redirect."""
        state = self.plain_domains.get(domain)
        if state is not None:
            return walk(state, path.split("/"), 0, [], method, websocket, trail)
        root = self.root
        if root.dynamic:
            parts = path.split("/")
            parts.insert(0, domain)
            return walk(root, parts, 0, [], method, websocket, trail)
        # No host/subdomain patterns: the domain is one dict lookup.
        state = root.static.get(domain)
        if state is None:
            return None
        return walk(state, path.split("/"), 0, [], method, websocket, trail)

    @staticmethod
    def merge(path: str) -> str:
        """Collapse runs of slashes, as a merged-slash redirect target does."""
        return _MERGE_SLASHES.sub("/", path)


def walk(
    state: State,
    parts: list[str],
    i: int,
    values: list[str],
    method: str,
    websocket: bool,
    trail: Trail,
) -> Found | None:
    """Match ``parts[i:]`` from ``state``: static first, then converters."""
    last = len(parts) - 1
    # Purely static stretches need no backtracking: follow them in a loop.
    while i < last and not state.dynamic:
        nxt = state.static.get(parts[i])
        if nxt is None:
            return None
        state = nxt
        i += 1
    if i > last:
        return _at_end(state, values, method, websocket, trail)
    part = parts[i]
    nxt = state.static.get(part)
    if nxt is not None:
        if i == last:
            found = _at_end(nxt, values, method, websocket, trail)
        else:
            found = walk(nxt, parts, i + 1, values, method, websocket, trail)
        if found is not None:
            return found
    for edge in state.dynamic:
        kind = edge.kind
        if kind == NON_EMPTY:
            if not part:
                continue
            values.append(part)
            count = 1
        elif kind == DECIMAL:
            if not part.isdecimal():
                continue
            values.append(part)
            count = 1
        else:
            final = edge.final
            m = edge.match("/".join(parts[i:]) if final and i < last else part)
            if m is None:
                continue
            groups = edge.groups
            count = len(groups)
            if count == 1:
                values.append(m.group(groups[0]))
            else:
                values.extend(m.group(g) for g in groups)
            if final:
                # The rest of the path is consumed; a captured trailing slash
                # still has to be matched (or redirected to) as its own part.
                if edge.suffix_group and m.group(edge.suffix_group) == "/":
                    found = walk(edge.state, _SLASH_ONLY, 0, values, method, websocket, trail)
                else:
                    found = _at_end(edge.state, values, method, websocket, trail)
                if found is not None:
                    return found
                del values[len(values) - count :]
                continue
        if i == last:
            found = _at_end(edge.state, values, method, websocket, trail)
        else:
            found = walk(edge.state, parts, i + 1, values, method, websocket, trail)
        if found is not None:
            return found
        del values[len(values) - count :]
    if i == last and part == "":
        return _lenient_slash(state, values, method, websocket, trail)
    return None


def _at_end(
    state: State, values: list[str], method: str, websocket: bool, trail: Trail
) -> Found | None:
    """All segments consumed: pick a rule here, or ask for a trailing slash."""
    for rule in state.rules:
        methods = rule.methods
        if methods is not None and method not in methods:
            trail.append(methods)
        elif rule.websocket != websocket:
            trail.append(None)
        else:
            return rule, values
    branch = state.static.get("")
    if branch is not None:
        for rule in branch.rules:
            methods = rule.methods
            if websocket == rule.websocket and (methods is None or method in methods):
                if rule.strict_slashes:
                    raise SlashRequired()
                return rule, values
    return None


def _lenient_slash(
    state: State, values: list[str], method: str, websocket: bool, trail: Trail
) -> Found | None:
    """A lone trailing slash is left: rules without strict slashes accept it."""
    for rule in state.rules:
        if rule.strict_slashes:
            continue
        methods = rule.methods
        if methods is not None and method not in methods:
            trail.append(methods)
        elif rule.websocket != websocket:
            trail.append(None)
        else:
            return rule, values
    return None
