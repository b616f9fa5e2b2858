"""What ``kolba.routing`` relies on in Werkzeug beyond its documented API.

Kolba's matcher and URL builder read the pieces Werkzeug's ``Rule`` parsed,
and Kolba's ``Map`` hooks into how Werkzeug's ``Map`` registers rules and
binds adapters. Each test pins one such contract, stated in Kolba's words,
on Werkzeug's own classes. A failure here means Werkzeug changed an
internal: ``kolba/routing`` must be adapted before anything else is trusted.
"""

from __future__ import annotations

import dataclasses
import os
import re
from urllib.parse import quote

import pytest
from werkzeug.routing import BaseConverter
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Map
from werkzeug.routing import MapAdapter
from werkzeug.routing import RequestRedirect
from werkzeug.routing import Rule
from werkzeug.routing import Submount
from werkzeug.routing.rules import RulePart

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    pytest.skip("pins Werkzeug internals that only Kolba uses", allow_module_level=True)

pytestmark = pytest.mark.kolba_only

CHANGED = "Werkzeug changed an internal kolba.routing relies on: "


def bound(string: str, **options: object) -> Rule:
    """A Werkzeug rule bound to a fresh Werkzeug map."""
    map_options = {k: options.pop(k) for k in ("host_matching",) if k in options}
    rule = Rule(string, endpoint="e", **options)  # type: ignore[arg-type]
    Map([rule], **map_options)  # type: ignore[arg-type]
    return rule


def shape(rule: Rule) -> list[tuple[str, bool, bool, bool]]:
    """(content, final, static, suffixed) of every part."""
    return [(p.content, p.final, p.static, p.suffixed) for p in rule._parts]


# -- Rule._parts: what the trie is built from -------------------------------------------


def test_rule_parts_are_dataclasses_with_the_fields_the_trie_reads() -> None:
    fields = [f.name for f in dataclasses.fields(RulePart)]
    assert fields == ["content", "final", "static", "suffixed", "weight"], CHANGED + (
        f"RulePart fields are now {fields}"
    )
    for part in bound("/a/<int:b>/<path:c>/")._parts:
        assert isinstance(part, RulePart), CHANGED + "Rule._parts no longer holds RuleParts"


def test_rule_parts_are_one_domain_part_then_one_per_slash_separated_piece() -> None:
    # The path "/a/b" splits into "", "a", "b": the parts line up with it.
    assert shape(bound("/a/b")) == [
        ("", False, True, False), ("", False, True, False),
        ("a", False, True, False), ("b", False, True, False),
    ], CHANGED + "static rules are no longer split into domain + path segments"
    assert [p.content for p in bound("/")._parts] == ["", "", ""], CHANGED + "'/' changed"
    assert [p.content for p in bound("/a/")._parts] == ["", "", "a", ""], CHANGED + (
        "a trailing slash is no longer an empty last part"
    )


def test_rule_parts_domain_part_holds_the_subdomain_or_host_pattern() -> None:
    sub = bound("/s", subdomain="api")
    assert sub._parts[0].content == "api" and sub._parts[0].static, CHANGED + "subdomain part"
    host = bound("/s", host="<h>.example.com", host_matching=True)
    assert host._parts[0].content == r"(?P<__werkzeug_0>[^/]{1,})\.example\.com\Z", (
        CHANGED + "host part"
    )


def test_converter_parts_are_anchored_regexes_with_numbered_groups() -> None:
    rule = bound("/x-<a>.<int:b>/<c>")
    assert shape(rule)[2:] == [
        (r"x\-(?P<__werkzeug_0>[^/]{1,})\.(?P<__werkzeug_1>\d+)\Z", False, False, False),
        (r"(?P<__werkzeug_0>[^/]{1,})\Z", False, False, False),
    ], CHANGED + "converter parts no longer use __werkzeug_<n> groups, numbered per part"


def test_the_two_shortcut_regexes_are_spelled_as_the_matcher_expects() -> None:
    # Not a correctness matter (other spellings go through the regex), but the
    # fast paths for the default and int converters would silently switch off.
    from kolba.routing.matcher import DECIMAL
    from kolba.routing.matcher import NON_EMPTY
    from kolba.routing.matcher import _SHORTCUTS

    assert _SHORTCUTS[bound("/<a>")._parts[-1].content] == NON_EMPTY, CHANGED + "default regex"
    assert _SHORTCUTS[bound("/<int:a>")._parts[-1].content] == DECIMAL, CHANGED + "int regex"


def test_slash_spanning_converters_make_one_final_part() -> None:
    rule = bound("/f/<path:p>/edit")
    assert shape(rule)[2:] == [
        ("f", False, True, False),
        (r"(?P<__werkzeug_0>[^/].*?)/edit\Z", True, False, False),
    ], CHANGED + "a path converter no longer makes one final part spanning the rest"


def test_a_final_part_before_a_trailing_slash_is_suffixed() -> None:
    # The optional slash is the pattern's last group; an empty static part follows.
    rule = bound("/f/<path:p>/")
    (content, final, static, suffixed), empty = shape(rule)[3], shape(rule)[4]
    assert (final, static, suffixed) == (True, False, True), CHANGED + "suffixed flags"
    assert content.endswith(r"(?<!/)(/?)\Z"), CHANGED + f"suffix spelled {content!r}"
    assert re.compile(content).groups == 2, CHANGED + "the slash group is not the last group"
    assert empty == ("", False, True, False), CHANGED + "no empty part after a suffixed one"


def test_merge_slashes_merges_the_parts_and_the_trace() -> None:
    merged, kept = bound("/a//b"), bound("/a//b", merge_slashes=False)
    assert [p.content for p in merged._parts] == ["", "", "a", "b"], CHANGED + "merged parts"
    assert [p.content for p in kept._parts] == ["", "", "a", "", "b"], CHANGED + "kept parts"
    assert "".join(text for _, text in merged._trace) == "|/a/b", CHANGED + "merged trace"


def test_part_weights_order_converters_like_werkzeugs_matching() -> None:
    # Lower weight is tried first: int before default before path.
    weights = {
        name: bound(f"/<{name}:v>")._parts[-1].weight for name in ("int", "string", "path")
    }
    assert weights["int"] < weights["string"] < weights["path"], CHANGED + "weight order"
    assert bound("/a")._parts[-1].weight == bound("/b")._parts[-1].weight, CHANGED + (
        "equal-length literals no longer weigh the same"
    )


# -- Rule._converters and Rule._trace: values and building ------------------------------


def test_rule_converters_map_each_variable_to_its_converter_in_rule_order() -> None:
    rule = bound("/<a>/x<int:b>-<c>", subdomain="<d>.<e>")
    assert list(rule._converters) == ["d", "e", "a", "b", "c"], CHANGED + (
        "Rule._converters no longer lists variables domain first, in order of appearance"
    )
    assert isinstance(rule._converters["b"], IntegerConverter), CHANGED + "converter instances"


def test_rule_trace_lists_literal_text_and_variables_with_one_domain_separator() -> None:
    assert bound("/a/<int:b>.json", subdomain="<s>.x")._trace == [
        (True, "s"), (False, ".x"), (False, "|"), (False, "/"), (False, "a"),
        (False, "/"), (True, "b"), (False, ".json"),
    ], CHANGED + "Rule._trace format"
    # A literal "|" in the path is plain text after the separator.
    assert bound("/|")._trace == [(False, "|"), (False, "/"), (False, "|")], CHANGED + "'|'"


def test_integer_converter_keeps_its_options_as_attributes() -> None:
    conv = IntegerConverter(Map(), fixed_digits=3, min=1, max=9)
    assert (conv.fixed_digits, conv.min, conv.max) == (3, 1, 9), CHANGED + "int options"
    plain = IntegerConverter(Map())
    assert (plain.fixed_digits, plain.min, plain.max) == (0, None, None), CHANGED + "defaults"


def test_base_converter_to_python_is_the_identity_and_to_url_quotes() -> None:
    conv = BaseConverter(Map())
    assert conv.to_python("a b") == "a b", CHANGED + "BaseConverter.to_python"
    for value in ("a b/c?d", "ä", 42, "!$&'()*+,/:;=@%"):
        assert conv.to_url(value) == quote(str(value), safe="!$&'()*+,/:;=@"), CHANGED + (
            "BaseConverter.to_url quoting"
        )


def test_oversized_int_segments_are_no_match() -> None:
    # Kolba's int shortcut turns int()'s ValueError into "no match" (404) too.
    from werkzeug.exceptions import NotFound

    adapter = Map([Rule("/<int:n>", endpoint="n")]).bind("example.com")
    with pytest.raises(NotFound):
        adapter.match("/" + "9" * 5000)


# -- Map: registration order, binding -------------------------------------------------------


def test_map_init_adds_rules_through_add_and_a_rule_is_its_own_factory() -> None:
    seen: list[object] = []

    class Recording(Map):
        def add(self, rulefactory: object) -> None:
            seen.append(rulefactory)
            super().add(rulefactory)  # type: ignore[arg-type]

    rule, mount = Rule("/a", endpoint="a"), Submount("/s", [Rule("/b", endpoint="b")])
    m = Recording([rule, mount])
    assert seen == [rule, mount], CHANGED + "Map.__init__ no longer registers through add()"
    assert list(Rule("/x", endpoint="x").get_rules(m))[0].rule == "/x"
    fresh = Rule("/y", endpoint="y")
    assert list(fresh.get_rules(m)) == [fresh] and list(fresh.get_rules(m))[0] is fresh, (
        CHANGED + "Rule.get_rules no longer yields the rule itself"
    )


def test_iter_rules_of_an_endpoint_is_the_build_order() -> None:
    # Kolba's builder tries rules in iter_rules(endpoint) order: the first
    # suitable one in that order must be the one Werkzeug builds.
    rules = [
        Rule("/", endpoint="e"),
        Rule("/<int:page>", endpoint="e"),
        Rule("/<int:page>/<lang>", endpoint="e", defaults={"x": 1}),
        Rule("/alias/<int:page>", endpoint="e", alias=True),
    ]
    m = Map(rules)
    order = list(m.iter_rules("e"))
    assert order == sorted(order, key=lambda r: r.build_compare_key()), CHANGED + "order"
    adapter = m.bind("example.com")
    for values in ({}, {"page": 2}, {"page": 2, "lang": "de"}, {"page": 2, "lang": "de", "x": 1}):
        first = next(r for r in order if r.suitable_for(values, "GET"))
        built = first.build(values)
        assert built is not None
        assert adapter.build("e", values) == built[1], CHANGED + f"build order for {values}"


def test_bound_adapters_keep_their_state_in_instance_attributes() -> None:
    # Kolba's Map gives the adapter Werkzeug's bind made Kolba's class.
    adapter = Map([Rule("/", endpoint="i")]).bind("example.com", "/app")
    assert not hasattr(MapAdapter, "__slots__"), CHANGED + "MapAdapter has __slots__"
    assert {"map", "server_name", "script_name", "subdomain", "url_scheme", "path_info",
            "default_method", "query_args", "websocket"} <= set(vars(adapter)), CHANGED + (
        "MapAdapter's attributes"
    )

    class Sub(MapAdapter):
        pass

    adapter.__class__ = Sub
    assert adapter.build("i") == "/app/", CHANGED + "a re-classed adapter no longer works"


def test_redirects_take_the_query_string_from_encode_query_args() -> None:
    # Kolba's MapAdapter overrides encode_query_args to make redirects safe.
    class Marking(MapAdapter):
        def encode_query_args(self, query_args: object) -> str:
            return "marked"

    adapter = Map([Rule("/dir/", endpoint="d")]).bind("example.com", query_args="a=1")
    adapter.__class__ = Marking
    with pytest.raises(RequestRedirect) as info:
        adapter.match("/dir")
    assert info.value.new_url == "http://example.com/dir/?marked", CHANGED + (
        "slash redirects no longer call encode_query_args"
    )


# -- Rule._compile_builder: deferred by Kolba's Rule ------------------------------------------


def test_compile_asks_compile_builder_for_both_builders_after_parsing() -> None:
    calls: list[tuple[bool, list[tuple[bool, str]], list[str]]] = []

    class Recording(Rule):
        def _compile_builder(self, append_unknown: bool = True):  # type: ignore[no-untyped-def]
            calls.append((append_unknown, list(self._trace), list(self._converters)))
            return super()._compile_builder(append_unknown)

    rule = Recording("/a/<int:b>", endpoint="e")
    Map([rule])
    trace = [(False, "|"), (False, "/"), (False, "a"), (False, "/"), (True, "b")]
    assert sorted(calls) == [(False, trace, ["b"]), (True, trace, ["b"])], CHANGED + (
        "Rule.compile no longer gets two builders from _compile_builder after parsing"
    )


def test_a_transparent_wrapper_around_the_builders_builds_alike() -> None:
    # Kolba's Rule returns a wrapper that generates Werkzeug's builder on its
    # first call; whatever Werkzeug does with the result must still work.
    class Wrapping(Rule):
        def _compile_builder(self, append_unknown: bool = True):  # type: ignore[no-untyped-def]
            real = super()._compile_builder(append_unknown)
            return lambda *args, **kwargs: real(*args, **kwargs)

    for string, values in [("/a/<int:b>", {"b": 3, "q": "x y"}), ("/", {}),
                           ("/<path:p>/<x>", {"p": "a/b", "x": "ü"})]:
        plain, wrapped = Rule(string, endpoint="e"), Wrapping(string, endpoint="e")
        Map([plain])
        Map([wrapped])
        for append in (True, False):
            assert wrapped.build(values, append) == plain.build(values, append), CHANGED + (
                "Rule.build no longer works through a wrapped builder"
            )


def test_builder_generation_is_where_bad_rules_fail() -> None:
    # Kolba generates eagerly for these rules so that adding them still fails.
    with pytest.raises(SyntaxError):
        Map([Rule("/<a>/<a>", endpoint="e")])
    with pytest.raises(ValueError):
        Map([Rule("/<int:x>", endpoint="e", defaults={"x": "abc"})])
