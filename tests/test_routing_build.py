"""Kolba's ``MapAdapter.build`` gives Werkzeug's answers: a property test.

Hypothesis draws a small URL map (rules with literal text, converters,
defaults, methods, subdomains or hosts, websocket, alias and build-only
rules), a binding, and build calls with varied values (unicode, reserved
characters, numbers, None, lists, MultiDicts). The same rules go into a
``werkzeug.routing.Map`` and a ``kolba.routing.Map``; every build must
return the same URL or raise the same exception with the same message.
"""

from __future__ import annotations

import os
import typing as t
import uuid
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Map as WMap
from werkzeug.routing import Rule as WRule

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    pytest.skip("compares kolba.routing with Werkzeug itself", allow_module_level=True)

from kolba.routing import Map as KMap  # noqa: E402
from kolba.routing import Rule as KRule  # noqa: E402

pytestmark = pytest.mark.kolba_only

# converter spelling -> values a build may pass for it (good and bad ones)
CONVERTERS: dict[str, list[t.Any]] = {
    "": ["abc", "a b", "ä/ö", "?#%&+=", "", 0, 4.5, True],
    "int": [0, 7, 1234, "12", -3, 2.0],
    "int(fixed_digits=3)": [7, 1234],
    "int(min=2, signed=True)": [-5, 1, 2, 3],
    "float": [1.5, 2, -0.25],
    "path": ["a/b", "x y/ä", "/lead", "q?x#y"],
    "any(red, 'blue sky')": ["red", "blue sky", "pink"],
    "uuid": [uuid.UUID(int=5), "not-a-uuid"],
    "string(length=2)": ["ab", "é!"],
}
LITERALS = ["a", "users", "x-y", "café", "sp ace", "50%", "a+b", "~t", "(p)", "|", "é.html"]
NAMES = ["v", "w", "page", "lang"]
EXTRA_KEYS = ["extra", "q", "n", "a b", "ü", "k&=?"]
EXTRA_VALUES: list[t.Any] = [
    "x", "a b&c=d", "ü/?#", 3, 0.5, None, "", b"\xff\x00", ["1", "2"], ("t", None), {"s"},
    [None], True, uuid.UUID(int=1), "a-b_c.d~e", "x+y", "%41", "q?x=1/2:3", b"raw", "\n",
]


@st.composite
def rule_string(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A rule string and its variable names (each used once)."""
    names = iter(NAMES)
    segments, used = [], []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["literal", "literal", "variable", "mixed"]))
        if kind == "literal":
            segments.append(draw(st.sampled_from(LITERALS)))
            continue
        name = next(names, None)
        if name is None:
            segments.append("z")
            continue
        conv = draw(st.sampled_from(list(CONVERTERS)))
        hole = f"<{conv}:{name}>" if conv else f"<{name}>"
        used.append(name)
        segments.append(hole if kind == "variable" else f"p-{hole}.txt")
    trailing = "/" if draw(st.booleans()) and segments else ""
    return "/" + "/".join(segments) + trailing, used


@st.composite
def rule_spec(draw: st.DrawFn, endpoints: list[str], domain_key: str) -> tuple[str, dict[str, t.Any]]:
    """A rule string with options."""
    string, names = draw(rule_string())
    options: dict[str, t.Any] = {"endpoint": draw(st.sampled_from(endpoints))}
    if draw(st.integers(0, 3)) == 0:
        options["methods"] = draw(st.sampled_from([["GET"], ["POST"], ["GET", "POST"], ["PUT"]]))
    defaults: dict[str, t.Any] = {}
    if names and draw(st.integers(0, 3)) == 0:
        defaults[names[-1]] = draw(st.sampled_from([1, "ab", 2.0]))
    if draw(st.integers(0, 4)) == 0:
        defaults["extra"] = draw(st.sampled_from(["d", 1, None]))
    if defaults:
        options["defaults"] = defaults
    if draw(st.integers(0, 3)) == 0:
        options[domain_key] = draw(st.sampled_from(
            ["api", "<lang>", "x.<lang>", "example.com", "<lang>.example.com", "a b"]
        ))
    flag = draw(st.sampled_from([None, None, None, "alias", "build_only", "websocket"]))
    if flag == "websocket" and options.get("methods") not in (None, ["GET"]):
        flag = None
    if flag:
        options[flag] = True
    return string, options


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, t.Any]:
    """A map, a binding and a batch of build calls."""
    host_matching = draw(st.booleans())
    endpoints = ["e0", "e1", "e2"]
    specs = draw(st.lists(rule_spec(endpoints, "host" if host_matching else "subdomain"),
                          min_size=1, max_size=6))
    map_options: dict[str, t.Any] = {"host_matching": host_matching}
    if draw(st.booleans()):
        map_options["sort_parameters"] = True
        map_options["sort_key"] = draw(st.sampled_from([None, lambda pair: str(pair[0])]))
    if not host_matching and draw(st.booleans()):
        map_options["default_subdomain"] = "www"
    bind: dict[str, t.Any] = {
        "server_name": draw(st.sampled_from(["example.com", "Example.COM:8080", "api.example.com"])),
        "script_name": draw(st.sampled_from([None, "/", "/app", "/app/", "/a b/", "//x//"])),
        "url_scheme": draw(st.sampled_from(["http", "https", "ws", "wss", "ftp", ""])),
        "default_method": draw(st.sampled_from(["GET", "POST"])),
    }
    if not host_matching:
        bind["subdomain"] = draw(st.sampled_from([None, "", "api", "www", "de"]))
    calls = []
    for _ in range(draw(st.integers(1, 8))):
        endpoint = draw(st.sampled_from(endpoints + ["missing"]))
        keys = draw(st.lists(st.sampled_from(NAMES + EXTRA_KEYS), max_size=5))
        pairs = []
        for key in keys:
            pool = [v for values in CONVERTERS.values() for v in values] + EXTRA_VALUES
            pairs.append((key, draw(st.sampled_from(pool))))
        kind = draw(st.sampled_from(["dict", "dict", "dict", "multidict", "mapping", "none"]))
        values: t.Any = {
            "dict": dict(pairs), "multidict": MultiDict(pairs),
            "mapping": MappingProxyType(dict(pairs)), "none": None,
        }[kind]
        calls.append((endpoint, values, {
            "method": draw(st.sampled_from([None, None, "GET", "POST", "PUT"])),
            "force_external": draw(st.booleans()),
            "append_unknown": draw(st.sampled_from([True, True, False])),
            "url_scheme": draw(st.sampled_from([None, None, "https", "http", "ws", "ftp"])),
        }))
    return {"specs": specs, "map": map_options, "bind": bind, "calls": calls}


def outcome(adapter: t.Any, endpoint: str, values: t.Any, options: dict[str, t.Any]) -> t.Any:
    """A URL, or the exception's type and message."""
    try:
        return adapter.build(endpoint, values, **options)
    except Exception as e:
        return (type(e).__name__, str(e))


def make_pair(case: dict[str, t.Any]) -> tuple[t.Any, t.Any] | None:
    """The same map in Werkzeug and Kolba, bound alike; None if Werkzeug refuses it."""
    adapters = []
    for map_cls, rule_cls in ((WMap, WRule), (KMap, KRule)):
        try:
            m = map_cls([rule_cls(string, **options) for string, options in case["specs"]],
                        **case["map"])
            adapters.append(m.bind(**case["bind"]))
        except Exception as e:
            adapters.append((type(e).__name__, str(e)))
    werkzeug_side, kolba_side = adapters
    if isinstance(werkzeug_side, tuple):
        assert kolba_side == werkzeug_side
        return None
    return werkzeug_side, kolba_side


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_build_gives_werkzeugs_answer(case: dict[str, t.Any]) -> None:
    pair = make_pair(case)
    if pair is None:
        return
    wad, kad = pair
    for endpoint, values, options in case["calls"]:
        expected = outcome(wad, endpoint, values, options)
        got = outcome(kad, endpoint, values, options)
        assert got == expected, (endpoint, values, options)


def test_build_leaves_the_values_unchanged() -> None:
    m = KMap([KRule("/u/<int:id>", endpoint="u", defaults={"x": 1})])
    values = {"id": 3, "q": None, "x": 1}
    assert m.bind("example.com").build("u", values) == "/u/3"
    assert values == {"id": 3, "q": None, "x": 1}


def test_build_error_values_are_a_copy() -> None:
    from werkzeug.routing import BuildError

    m = KMap([KRule("/u/<int:id>", endpoint="u")])
    values = {"q": 1}
    with pytest.raises(BuildError) as info:
        m.bind("example.com").build("u", values)
    values["later"] = 2  # url_for adds _anchor & co. to its dict after a failure
    assert dict(info.value.values) == {"q": 1}
