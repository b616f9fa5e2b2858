"""``Rule``: one URL pattern, parsed once into match segments and a build template.

Parsing happens when the rule is bound to a map (so a bad rule fails at
registration, as with Werkzeug); the matcher and ``MapAdapter.build`` then
only read the precomputed pieces.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import quote

from werkzeug.routing import BaseConverter
from werkzeug.routing import RuleFactory
from werkzeug.routing import ValidationError

from .converters import PATH_SAFE
from .converters import encode_query
from .converters import IntegerConverter
from .converters import is_identity_to_python
from .converters import parse_converter_args

if t.TYPE_CHECKING:
    from .map import Map

__all__ = ["Rule", "RulePart"]

# Tokens of a rule string: a slash, literal text, or ``<conv(args):name>``.
_TOKEN = re.compile(
    r"""
      (?P<slash>/)
    | (?P<text>[^</]+)
    | <
        (?:
            (?P<conv>[a-zA-Z_][a-zA-Z0-9_]*)
            (?:\((?P<args>.*?)\))?
            :
        )?
        (?P<name>[a-zA-Z_][a-zA-Z0-9_]*)
      >
    """,
    re.VERBOSE,
)

#: ``<name>`` placeholders in a ``redirect_to`` string.
PLACEHOLDER = re.compile(r"<([^>]+)>")

_MERGE_SLASHES = re.compile("/{2,}")

#: Prefix of the regex group names that carry converter values.
GROUP_PREFIX = "__kolba_"

Weight = tuple[int, list[tuple[int, int]], int, list[t.Any]]


class RulePart:
    """One slash-delimited piece of a rule, as the matcher consumes it.

    A static part's ``content`` is the literal text; a dynamic part's is a
    regex with one named group per converter. A ``final`` part swallows the
    rest of the path (it holds a converter that matches slashes).
    """

    __slots__ = ("content", "final", "static", "suffixed", "weight")

    def __init__(
        self, content: str, final: bool, static: bool, suffixed: bool, weight: Weight
    ) -> None:
        self.content = content
        self.final = final
        self.static = static
        self.suffixed = suffixed
        self.weight = weight

    def same_transition(self, other: RulePart) -> bool:
        """Tell whether two rules can share the matcher state after this part."""
        return (
            self.content == other.content
            and self.final == other.final
            and self.static == other.static
            and self.suffixed == other.suffixed
            and self.weight == other.weight
        )

    def __repr__(self) -> str:
        kind = "static" if self.static else "dynamic"
        return f"<RulePart {kind} {self.content!r}>"


class _PartAccumulator:
    """Collects tokens until a slash closes the current part."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start a fresh part."""
        self.content = ""
        self.static = True
        self.final = False
        self.static_weights: list[tuple[int, int]] = []
        self.arg_weights: list[t.Any] = []
        self.groups = 0

    def add_text(self, text: str) -> None:
        """Append literal text (escaped once the part has become a regex)."""
        self.static_weights.append((len(self.static_weights), -len(text)))
        self.content += text if self.static else re.escape(text)

    def add_converter(self, converter: BaseConverter) -> None:
        """Append a converter group, turning the part into a regex."""
        if self.static:
            self.content = re.escape(self.content)
            self.static = False
        if not converter.part_isolating:
            self.final = True
        self.content += f"(?P<{GROUP_PREFIX}{self.groups}>{converter.regex})"
        self.groups += 1
        self.arg_weights.append(converter.weight)

    def weight(self) -> Weight:
        """Order key among sibling dynamic parts (lower is tried first)."""
        statics, args = self.static_weights, self.arg_weights
        return (-len(statics), statics, -len(args), args)

    def close(self, last: bool) -> list[RulePart]:
        """Emit the finished part(s); a slash inside a final part just continues."""
        content = self.content
        suffixed = last and self.final and content.endswith("/")
        if suffixed:
            # A trailing slash after a slash-matching converter is optional in
            # the regex so that a missing one can trigger the slash redirect.
            content = content[:-1] + "(?<!/)(/?)"
        if not self.static:
            content += r"\Z"
        weight = self.weight()
        parts = [RulePart(content, self.final, self.static, suffixed, weight)]
        if suffixed:
            parts.append(RulePart("", False, True, False, weight))
        self.reset()
        return parts


def _empty_domain_part() -> RulePart:
    """The part that stands for 'no subdomain / no host pattern'."""
    return RulePart("", False, True, False, (0, [], 0, []))


class Rule(RuleFactory):
    """A URL pattern with an endpoint, methods and defaults (Werkzeug's API)."""

    def __init__(
        self,
        string: str,
        defaults: t.Mapping[str, t.Any] | None = None,
        subdomain: str | None = None,
        methods: t.Iterable[str] | None = None,
        build_only: bool = False,
        endpoint: t.Any | None = None,
        strict_slashes: bool | None = None,
        merge_slashes: bool | None = None,
        redirect_to: str | t.Callable[..., str] | None = None,
        alias: bool = False,
        host: str | None = None,
        websocket: bool = False,
    ) -> None:
        if not string.startswith("/"):
            raise ValueError(f"URL rule '{string}' must start with a slash.")
        self.rule = string
        self.is_leaf = not string.endswith("/")
        self.is_branch = string.endswith("/")
        self.map: Map = None  # type: ignore[assignment]
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.subdomain = subdomain
        self.host = host
        self.defaults = defaults
        self.build_only = build_only
        self.alias = alias
        self.websocket = websocket
        self.methods = _normalize_methods(methods, websocket)
        self.endpoint: t.Any = endpoint
        self.redirect_to = redirect_to
        self.arguments: set[str] = set(map(str, defaults)) if defaults else set()
        self._converters: dict[str, BaseConverter] = {}
        self._trace: list[tuple[bool, str]] = []
        self._parts: list[RulePart] = []
        self._render_domain: Renderer = _renderer([])
        self._render_path: Renderer = _renderer([])
        self._consumed: frozenset[str] = frozenset()
        self._required: tuple[str, ...] = ()
        self._python_steps: tuple[tuple[str, t.Callable[[str], t.Any] | None], ...] = ()
        #: Earlier rules of the endpoint that may own this rule's URL through
        #: their defaults (set by ``Map.update``; checked by ``match_fast``).
        self._redirect_sources: tuple[Rule, ...] = ()

    # -- copies and factories ------------------------------------------------

    def empty(self) -> Rule:
        """Return an unbound copy, e.g. for a rule factory or another map."""
        return type(self)(self.rule, **self.get_empty_kwargs())

    def get_empty_kwargs(self) -> t.Mapping[str, t.Any]:
        """Keyword arguments that ``empty()`` passes to the copy."""
        return {
            "defaults": dict(self.defaults) if self.defaults else None,
            "subdomain": self.subdomain,
            "methods": self.methods,
            "build_only": self.build_only,
            "endpoint": self.endpoint,
            "strict_slashes": self.strict_slashes,
            "redirect_to": self.redirect_to,
            "alias": self.alias,
            "host": self.host,
        }

    def get_rules(self, map: t.Any) -> t.Iterator[Rule]:  # type: ignore[override]
        """Yield this rule: a rule is its own factory."""
        yield self

    # -- binding and compiling -------------------------------------------------

    def refresh(self) -> None:
        """Recompile after the rule was changed in place."""
        self.bind(self.map, rebind=True)

    def bind(self, map: Map, rebind: bool = False) -> None:
        """Attach to a map, inherit its slash/subdomain settings and compile."""
        if self.map is not None and not rebind:
            raise RuntimeError(f"url rule {self!r} already bound to map {self.map!r}")
        self.map = map
        if self.strict_slashes is None:
            self.strict_slashes = map.strict_slashes
        if self.merge_slashes is None:
            self.merge_slashes = map.merge_slashes
        if self.subdomain is None:
            self.subdomain = map.default_subdomain
        self.compile()

    def get_converter(
        self,
        variable_name: str,
        converter_name: str,
        args: tuple[t.Any, ...],
        kwargs: t.Mapping[str, t.Any],
    ) -> BaseConverter:
        """Instantiate the named converter of the map (a hook for subclasses)."""
        if converter_name not in self.map.converters:
            raise LookupError(f"the converter {converter_name!r} does not exist")
        owner: t.Any = self.map
        return self.map.converters[converter_name](owner, *args, **kwargs)

    def compile(self) -> None:
        """Parse the domain and path patterns into parts and build templates."""
        assert self.map is not None, "rule not bound"
        self._parts = []
        self._trace = []
        self._converters = {}
        self._duplicates: list[str] = []
        if self.map.host_matching:
            domain_pattern = self.host or ""
        else:
            domain_pattern = self.subdomain or ""
        if domain_pattern:
            self._parts.extend(self._parse(domain_pattern))
        else:
            self._parts.append(_empty_domain_part())
        self._trace.append((False, "|"))
        path = self.rule
        if self.merge_slashes:
            path = _MERGE_SLASHES.sub("/", path)
        self._parts.extend(self._parse(path))
        self._prepare_build()
        if self._duplicates:
            # Reported after the whole rule parsed, so a malformed rule
            # reports that first (Werkzeug's order of failures).
            name = self._duplicates[0]
            raise ValueError(f"variable name {name!r} used twice in rule {self.rule!r}.")
        self._prepare_match()

    def _parse(self, pattern: str) -> list[RulePart]:
        """Split one pattern into parts, registering its converters."""
        parts: list[RulePart] = []
        acc = _PartAccumulator()
        pos = 0
        while pos < len(pattern):
            token = _TOKEN.match(pattern, pos)
            if token is None:
                raise ValueError(f"malformed url rule: {pattern!r}")
            pos = token.end()
            text, name = token.group("text"), token.group("name")
            if text is not None:
                self._trace.append((False, text))
                acc.add_text(text)
            elif name is not None:
                converter = self._make_converter(
                    name, token.group("conv") or "default", token.group("args") or ""
                )
                self._trace.append((True, name))
                acc.add_converter(converter)
            else:
                self._trace.append((False, "/"))
                if acc.final:
                    acc.content += "/"
                else:
                    parts.extend(acc.close(last=False))
        parts.extend(acc.close(last=True))
        return parts

    def _make_converter(self, name: str, conv: str, args: str) -> BaseConverter:
        """Create and register the converter for one ``<...>`` variable."""
        if name in self._converters:
            self._duplicates.append(name)
        c_args, c_kwargs = parse_converter_args(args)
        converter = self.get_converter(name, conv, c_args, c_kwargs)
        self._converters[name] = converter
        self.arguments.add(name)
        return converter

    def _prepare_build(self) -> None:
        """Precompute constant text and converter slots for building URLs."""
        defaults = self.defaults or {}
        domain: list[t.Any] = []
        path: list[t.Any] = []
        ops = domain
        for dynamic, data in self._trace:
            if not dynamic and data == "|" and ops is domain:
                ops = path
                continue
            if not dynamic:
                _append_text(ops, quote(data, safe=PATH_SAFE))
            elif data in defaults:
                _append_text(ops, self._converters[data].to_url(defaults[data]))
            else:
                ops.append((data, self._converters[data].to_url))
        self._render_domain = _renderer(domain)
        self._render_path = _renderer(path)
        self._consumed = frozenset(self._converters) | frozenset(defaults)
        self._required = tuple(k for k in self.arguments if k not in defaults)

    def _prepare_match(self) -> None:
        """Record which converters need ``to_python`` after a match."""
        steps: list[tuple[str, t.Callable[[str], t.Any] | None]] = []
        for name, converter in self._converters.items():
            func: t.Callable[[str], t.Any] | None = converter.to_python
            if is_identity_to_python(converter):
                func = None
            elif _is_plain_int(converter):
                func = _digits_to_int
            steps.append((str(name), func))
        self._python_steps = tuple(steps)

    # -- matching helpers ------------------------------------------------------

    def convert_values(self, raw: list[str]) -> dict[str, t.Any]:
        """Apply converters to matched strings and merge defaults.

        Raises ``ValidationError`` when a converter rejects its value.
        """
        steps = self._python_steps
        if len(steps) == 1:
            name, to_python = steps[0]
            result = {name: raw[0] if to_python is None else to_python(raw[0])}
        else:
            result = {}
            for (name, to_python), value in zip(steps, raw):
                result[name] = value if to_python is None else to_python(value)
        if self.defaults:
            result.update(self.defaults)
        return result

    # -- building ----------------------------------------------------------------

    def build(
        self, values: t.Mapping[str, t.Any], append_unknown: bool = True
    ) -> tuple[str, str] | None:
        """Return ``(domain_part, path)`` for these values, or None if refused."""
        query = ""
        consumed = self._consumed
        if append_unknown and not consumed.issuperset(values):
            extra = {k: v for k, v in values.items() if k not in consumed}
            query = self._encode_query(extra)
        try:
            domain = self._render_domain(values)
            path = self._render_path(values)
        except ValidationError:
            return None
        if query:
            return domain, f"{path}?{query}"
        return domain, path

    def _encode_query(self, extra: dict[str, t.Any]) -> str:
        """Encode leftover build values as a query string."""
        items: t.Iterable[tuple[str, t.Any]] = _multi_items(extra)
        if self.map.sort_parameters:
            items = sorted(items, key=self.map.sort_key)
        return encode_query(items)

    def provides_defaults_for(self, rule: Rule) -> bool:
        """Tell whether this rule is the canonical URL for ``rule``'s values."""
        return bool(
            not self.build_only
            and self.defaults
            and self.endpoint == rule.endpoint
            and self != rule
            and self.arguments == rule.arguments
        )

    def suitable_for(self, values: t.Mapping[str, t.Any], method: str | None = None) -> bool:
        """Tell whether these values and method can build this rule."""
        if method is not None and self.methods is not None and method not in self.methods:
            return False
        for key in self._required:
            if key not in values:
                return False
        defaults = self.defaults
        if defaults:
            for key, value in defaults.items():
                if key in values and value != values[key]:
                    return False
        return True

    def build_compare_key(self) -> tuple[int, int, int]:
        """Sort key among an endpoint's rules: most specific first, aliases last."""
        return (1 if self.alias else 0, -len(self.arguments), -len(self.defaults or ()))

    # -- dunder ------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and self._trace == other._trace

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.rule

    def __repr__(self) -> str:
        if self.map is None:
            return f"<{type(self).__name__} (unbound)>"
        shown = "".join(f"<{d}>" if dyn else d for dyn, d in self._trace).lstrip("|")
        methods = f" ({', '.join(self.methods)})" if self.methods is not None else ""
        return f"<{type(self).__name__} {shown!r}{methods} -> {self.endpoint}>"


def _normalize_methods(methods: t.Iterable[str] | None, websocket: bool) -> set[str] | None:
    """Upper-case the methods and add HEAD wherever GET is allowed."""
    if methods is None:
        return None
    if isinstance(methods, str):
        raise TypeError("'methods' should be a list of strings.")
    result = {m.upper() for m in methods}
    if "GET" in result and "HEAD" not in result:
        result.add("HEAD")
    if websocket and result - {"GET", "HEAD", "OPTIONS"}:
        raise ValueError(
            "WebSocket rules can only use 'GET', 'HEAD', and 'OPTIONS' methods."
        )
    return result


def _digits_to_int(value: str) -> int:
    """``int()`` for a plain int segment; too many digits is a non-match, not a crash.

    Python refuses to parse integers of more than 4300 digits (ValueError),
    which Werkzeug's converter reports as a failed match (404).
    """
    try:
        return int(value)
    except ValueError:
        raise ValidationError() from None


def _is_plain_int(converter: BaseConverter) -> bool:
    """Tell whether an int converter has no digit count or range to check."""
    return (
        type(converter) is IntegerConverter
        and not converter.fixed_digits
        and converter.min is None
        and converter.max is None
    )


def _append_text(ops: list[t.Any], text: str) -> None:
    """Add constant text to a build template, merging with a previous constant."""
    if ops and isinstance(ops[-1], str):
        ops[-1] += text
    else:
        ops.append(text)


Renderer = t.Callable[[t.Mapping[str, t.Any]], str]


def _renderer(ops: list[t.Any]) -> Renderer:
    """A function filling a build template; common shapes get a direct one.

    ``ops`` alternates constant strings and ``(name, to_url)`` slots.
    """
    if not ops:
        return lambda values: ""
    if len(ops) == 1 and isinstance(ops[0], str):
        constant: str = ops[0]
        return lambda values: constant
    slots = [op for op in ops if not isinstance(op, str)]
    if len(slots) == 1:
        index = ops.index(slots[0])
        head = "".join(ops[:index])
        tail = "".join(ops[index + 1 :])
        name, to_url = slots[0]
        return lambda values: head + to_url(values[name]) + tail
    frozen = tuple(ops)

    def render(values: t.Mapping[str, t.Any]) -> str:
        return "".join(op if isinstance(op, str) else op[1](values[op[0]]) for op in frozen)

    return render


def _multi_items(mapping: t.Mapping[str, t.Any]) -> t.Iterator[tuple[str, t.Any]]:
    """Yield one pair per value, expanding lists, tuples and sets."""
    for key, value in mapping.items():
        if isinstance(value, (list, tuple, set)):
            for item in value:
                yield key, item
        else:
            yield key, value
