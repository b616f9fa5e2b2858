"""Kolba's router gives Werkzeug's answers: same rules, same requests, same outcomes.

Identical rules go into a ``werkzeug.routing.Map`` and a ``kolba.routing.Map``;
a deterministic flood of request paths (every rule's example URLs, mutated
with extra or missing slashes, doubled slashes, bad converter values, junk)
and build calls runs through both, and every outcome must agree: the same
rule and values, or the same exception with the same redirect target or
allowed methods. ``Map.match_fast`` must agree with ``match`` whenever it
answers.
"""

from __future__ import annotations

import os
import random
import re
import typing as t
import uuid

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter
from werkzeug.routing import BuildError
from werkzeug.routing import Map as WMap
from werkzeug.routing import RequestRedirect
from werkzeug.routing import Rule as WRule
from werkzeug.routing import ValidationError
from werkzeug.routing import WebsocketMismatch

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    pytest.skip("compares kolba.routing with Werkzeug itself", allow_module_level=True)

from kolba.routing import Map as KMap  # noqa: E402
from kolba.routing import Rule as KRule  # noqa: E402

pytestmark = pytest.mark.kolba_only


class EvenConverter(BaseConverter):
    """Digits that must be even, checked after the regex (ValidationError)."""

    regex = r"\d+"
    weight = 60

    def to_python(self, value: str) -> int:
        number = int(value)
        if number % 2:
            raise ValidationError()
        return number

    def to_url(self, value: t.Any) -> str:
        if int(value) % 2:
            raise ValidationError()
        return str(value)


class SlashyConverter(BaseConverter):
    """Two words joined by a slash: not part-isolating."""

    regex = r"[a-z]+/[a-z]+"


class PrefixConverter(BaseConverter):
    """A word behind a fixed prefix given as a converter argument."""

    def __init__(self, map: t.Any, prefix: str) -> None:
        super().__init__(map)
        self.regex = re.escape(prefix) + "[a-z]+"


CONVERTERS = {"even": EvenConverter, "slashy": SlashyConverter, "pref": PrefixConverter}

UUID_TEXT = "12345678-1234-5678-1234-567812345678"

# converter text -> (valid URL samples, invalid URL samples, build values)
SAMPLES: dict[str, tuple[list[str], list[str], list[t.Any]]] = {
    "default": (["abc", "ä ö", "42", "x.y", "%41", "a\nb"], [""], ["abc", "a b", "ä?#%+&=", 42]),
    "string(length=2)": (["ab", "42"], ["abc", "a"], ["ab", "é"]),
    "string(minlength=2, maxlength=4)": (["ab", "abcd"], ["a", "abcde"], ["abc"]),
    "int": (["0", "42", "007", "١٢"], ["-1", "4.2", "x"], [0, 42, "17"]),
    "int(fixed_digits=3)": (["007", "123"], ["7", "1234"], [7, 123]),
    "int(min=5, max=50)": (["5", "50"], ["4", "51"], [5, 50, 4]),
    "int(signed=True)": (["-3", "3"], ["+3", "--3"], [-3, 3]),
    "float": (["1.5", "0.0"], ["1", "1.", ".5"], [1.5, 2.0]),
    "float(signed=True, max=10)": (["-1.5", "9.0"], ["10.5"], [-1.5]),
    "path": (["a", "a/b", "x y/ä/c"], ["", "a\nb"], ["a/b", "x y/ä", "q?x#y"]),
    "uuid": ([UUID_TEXT, UUID_TEXT.upper()], ["1234"], [uuid.UUID(UUID_TEXT)]),
    'any(red, green, "blue,ish")': (["red", "blue,ish"], ["pink"], ["red", "pink"]),
    "even": (["4", "10"], ["3"], [4, 3]),
    "slashy": (["ab/cd"], ["ab", "ab/"], ["ab/cd"]),
    'pref("x-")': (["x-ab"], ["ab", "x-"], ["x-ab"]),
}
CONVERTER_TEXTS = list(SAMPLES)
STATICS = ["a", "b", "users", "posts", "api", "v1", "x-y", "café", "sp ace", "item-1", "42"]
MIXED = ["item-<int:{v}>", "<{v}>.json", "v<int:{v}>-<{w}>", "pre<path:{v}>"]
METHODS = [None, None, None, ["GET"], ["POST"], ["GET", "POST"], ["PUT", "DELETE"]]
ALL_METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]
PLACEHOLDER = re.compile(r"<(?:([^>]*):)?(\w+)>")


def redirect_callable(adapter: t.Any, **values: t.Any) -> str:
    """A callable ``redirect_to`` target shared by both maps."""
    return "target/" + "/".join(f"{k}-{values[k]}" for k in sorted(values))


Spec = tuple[str, dict[str, t.Any]]


def explicit_rules() -> list[Spec]:
    """Hand-picked rules for each feature that random rules rarely hit."""
    return [
        ("/", {"endpoint": "index"}),
        ("/all/", {"endpoint": "all", "defaults": {"page": 1}}),
        ("/all/page/<int:page>", {"endpoint": "all"}),
        ("/lang/", {"endpoint": "lang", "defaults": {"lang": "en"}}),
        ("/lang/<string(length=2):lang>/", {"endpoint": "lang"}),
        ("/show/<int:id>", {"endpoint": "show"}),
        ("/old/<int:id>", {"endpoint": "show", "alias": True}),
        ("/legacy/<slug>", {"endpoint": "legacy", "redirect_to": "new/<slug>"}),
        ("/legacy2/<int:id>", {"endpoint": "legacy2", "redirect_to": redirect_callable}),
        ("/ws", {"endpoint": "ws", "websocket": True}),
        ("/ws", {"endpoint": "ws_http", "methods": ["POST"]}),
        ("/wsonly/<int:n>", {"endpoint": "wsonly", "websocket": True}),
        ("/files/<path:p>/edit", {"endpoint": "edit"}),
        ("/files/<path:p>/", {"endpoint": "files_dir"}),
        ("/files/<path:p>", {"endpoint": "files"}),
        ("/files/static", {"endpoint": "files_static"}),
        ("/loose/", {"endpoint": "loose", "strict_slashes": False}),
        ("/loose2", {"endpoint": "loose2", "strict_slashes": False}),
        ("/nomerge//x", {"endpoint": "nomerge", "merge_slashes": False}),
        ("/merge//y", {"endpoint": "merge"}),
        ("//dbl", {"endpoint": "dbl"}),  # a static path with an empty first segment
        ("//dbl2", {"endpoint": "dbl2", "merge_slashes": False}),
        ("/d/<int:page>", {"endpoint": "dflt", "defaults": {"page": 2}}),
        ("/build-only/<x>", {"endpoint": "bo", "build_only": True}),
        ("/m", {"endpoint": "m_get", "methods": ["GET"]}),
        ("/m", {"endpoint": "m_post", "methods": ["POST"]}),
        ("/m/<int:x>", {"endpoint": "m_put", "methods": ["PUT"]}),
        ("/m/<x>", {"endpoint": "m_del", "methods": ["DELETE"]}),
        ("/c/<a>/<int:b>", {"endpoint": "c1"}),
        ("/c/<int:a>/<b>", {"endpoint": "c2"}),
        ("/c/x/<b>", {"endpoint": "c3"}),
        ("/two/<slashy:s>/end", {"endpoint": "two"}),
        ("/pre/<pref('x-'):s>", {"endpoint": "pre"}),
        ("/even/<even:n>", {"endpoint": "even"}),
        ("/even/<int:n>", {"endpoint": "even_fallback"}),
        ("/many/<a>-<b>-<c>-<d>-<e>-<f>-<g>-<h>-<i>-<j>-<k>-<l>", {"endpoint": "many"}),
        ("/anyp/<any(a, b):x>/<path:rest>", {"endpoint": "anyp"}),
        ("/opt/<int:n>", {"endpoint": "opt", "methods": ["GET", "OPTIONS"]}),
    ]


def random_rule(rng: random.Random, endpoints: int) -> Spec:
    """One random rule built from competing static and converter segments."""
    segments = []
    names = iter(f"v{i}" for i in range(20))
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.5:
            segments.append(rng.choice(STATICS))
        elif roll < 0.85:
            conv = rng.choice(CONVERTER_TEXTS)
            name = next(names)
            segments.append(f"<{name}>" if conv == "default" else f"<{conv}:{name}>")
        else:
            segments.append(rng.choice(MIXED).format(v=next(names), w=next(names)))
    string = "/" + "/".join(segments) + ("/" if rng.random() < 0.3 else "")
    options: dict[str, t.Any] = {"endpoint": f"e{rng.randrange(endpoints)}"}
    methods = rng.choice(METHODS)
    if methods is not None:
        options["methods"] = methods
    if rng.random() < 0.1:
        options["strict_slashes"] = False
    if rng.random() < 0.05:
        options["merge_slashes"] = False
    if rng.random() < 0.05:
        options["defaults"] = {"extra": "d"}
    return string, options


def make_maps(
    specs: list[Spec], **map_options: t.Any
) -> tuple[WMap, KMap, list[WRule], list[KRule]]:
    """The same rules, added in the same order, to a Werkzeug and a Kolba map."""
    wmap = WMap(converters=CONVERTERS, **map_options)
    kmap = KMap(converters=CONVERTERS, **map_options)
    wrules, krules = [], []
    for string, options in specs:
        wrule, krule = WRule(string, **options), KRule(string, **options)
        wmap.add(wrule)
        kmap.add(krule)
        wrules.append(wrule)
        krules.append(krule)
    return wmap, kmap, wrules, krules


def fill(rule: str, rng: random.Random, bad: bool) -> str:
    """An example path for a rule string, optionally with one bad value."""
    holes = PLACEHOLDER.findall(rule)
    spoil = rng.randrange(len(holes)) if bad and holes else -1
    counter = iter(range(len(holes)))

    def sub(m: re.Match[str]) -> str:
        conv = m.group(1) or "default"
        good, wrong, _ = SAMPLES.get(conv, (["zz"], [""], []))
        pool = wrong if next(counter) == spoil else good
        return rng.choice(pool)

    return PLACEHOLDER.sub(sub, rule)


def mutations(path: str, rng: random.Random) -> list[str]:
    """The path and nearby variants that exercise redirects and misses."""
    out = [path]
    out.append(path[:-1] if path.endswith("/") and len(path) > 1 else path + "/")
    slashes = [i for i, c in enumerate(path) if c == "/"]
    pos = rng.choice(slashes)
    out.append(path[:pos] + "/" + path[pos:])
    out.append("/" + path)
    out.append(path.rstrip("/") + "/junk")
    out.append(path.rsplit("/", 1)[0] or "/")
    out.append(path.upper())
    return out


def example_paths(specs: list[Spec], rng: random.Random) -> list[str]:
    """Example URLs of every rule, their mutations, and random junk."""
    paths: list[str] = ["", "/", "//", "///a", "/a//b//", "/%2F", "/ä", "/\n", "//dbl", "/dbl", "dbl", "///dbl2"]
    for string, _ in specs:
        for bad in (False, False, True):
            paths.extend(mutations(fill(string, rng, bad), rng))
    for _ in range(200):
        paths.append("/" + "/".join(rng.choice(STATICS + ["", "1", "x"]) for _ in range(3)))
    return list(dict.fromkeys(paths))


def match_outcome(adapter: t.Any, index: dict[int, int], path: str, method: str,
                  websocket: bool, query: t.Any) -> tuple[t.Any, ...]:
    """Normalize a match result or exception into something comparable."""
    try:
        rule, values = adapter.match(path, method, return_rule=True,
                                     query_args=query, websocket=websocket)
    except RequestRedirect as e:
        return ("redirect", e.new_url)
    except MethodNotAllowed as e:
        return ("405", frozenset(e.valid_methods or ()))
    except WebsocketMismatch:
        return ("websocket",)
    except NotFound:
        return ("404",)
    except HTTPException as e:
        return ("http", type(e).__name__)
    except Exception as e:  # any other failure must be the same too
        return ("error", type(e).__name__)
    return ("ok", index[id(rule)], values)


def build_outcome(adapter: t.Any, endpoint: t.Any, values: t.Any, method: str | None,
                  external: bool, append: bool, scheme: str | None) -> tuple[t.Any, ...]:
    """Normalize a build result or exception into something comparable."""
    try:
        url = adapter.build(endpoint, values, method, force_external=external,
                            append_unknown=append, url_scheme=scheme)
    except BuildError as e:
        # The message (scored against every rule with difflib) is slow to
        # compute: compare it for a deterministic sample only.
        message = str(e) if len(str(values)) % 8 == 0 else ""
        return ("BuildError", e.endpoint, dict(e.values), e.method, message)
    except Exception as e:
        return ("error", type(e).__name__, str(e))
    return ("ok", url)


QUERIES: list[t.Any] = [None, {"q": "a b&c", "n": ["1", "2"]}, "x=1&y=%20"]


def check_matching(wmap: WMap, kmap: KMap, wrules: list[WRule], krules: list[KRule],
                   paths: list[str], binds: list[dict[str, t.Any]], rng: random.Random,
                   fast: bool = True) -> int:
    """Run every path through both maps; return how many fast answers were checked."""
    windex = {id(r): i for i, r in enumerate(wrules)}
    kindex = {id(r): i for i, r in enumerate(krules)}
    fast_answers = 0
    for bind in binds:
        wad, kad = wmap.bind(**bind), kmap.bind(**bind)
        domain = kad.server_name if kmap.host_matching else kad.subdomain
        for path in paths:
            methods = ["GET", rng.choice(ALL_METHODS)]
            for method in methods:
                websocket = rng.random() < 0.05
                query = rng.choice(QUERIES)
                expected = match_outcome(wad, windex, path, method, websocket, query)
                got = match_outcome(kad, kindex, path, method, websocket, query)
                assert got == expected, (bind, path, method, websocket)
                if fast and not websocket:
                    fast_answers += check_fast(kmap, kindex, domain, path, method, expected)
    return fast_answers


def check_fast(kmap: KMap, kindex: dict[int, int], domain: str, path: str, method: str,
               expected: tuple[t.Any, ...]) -> int:
    """``match_fast`` returns None or exactly what ``match`` returned; so does ``plain_routes``."""
    if domain == kmap.default_subdomain:
        kmap._compile_trie()  # fills plain_routes, as the app's first match does
        plain = kmap.plain_routes.get(path, {}).get(method)
        if plain is not None:
            assert expected == ("ok", kindex[id(plain)], {}), (path, method)
    try:
        result = kmap.match_fast(domain, path, method)
    except NotFound:
        assert expected == ("404",), (path, method, expected)
        return 1
    if result is None:
        return 0
    rule, values = result
    assert expected == ("ok", kindex[id(rule)], values), (path, method)
    return 1


def build_values(rule: str, rng: random.Random) -> list[dict[str, t.Any] | MultiDict[str, t.Any]]:
    """Value sets for building a rule: complete, with extras, or missing one."""
    holes = PLACEHOLDER.findall(rule)
    extras: list[dict[str, t.Any]] = [
        {}, {"q": "a b"}, {"x": [1, 2]}, {"u": "ü/?#%+&="}, {"n": None}, {"page": 1},
        {"lang": "en"}, {"extra": "d"}, {"page": 3, "z": ("a", "b")},
    ]
    out: list[dict[str, t.Any] | MultiDict[str, t.Any]] = []
    for _ in range(3):
        values = {name: rng.choice(SAMPLES.get(conv or "default", ([], [], ["v"]))[2])
                  for conv, name in holes}
        values.update(rng.choice(extras))
        out.append(values)
    if holes:
        partial = {name: "v" for _, name in holes[1:]}
        out.append(partial)
        multi = MultiDict([(name, "1") for _, name in holes])
        multi.add("q", "one")
        multi.add("q", "two")
        out.append(multi)
    return out


def check_building(wmap: WMap, kmap: KMap, specs: list[Spec],
                   binds: list[dict[str, t.Any]], rng: random.Random) -> None:
    """Build every endpoint with many value sets through both maps."""
    cases = []
    for string, options in specs:
        for values in build_values(string, rng):
            method = rng.choice([None, None, "GET", "POST", "PUT"])
            flags = (rng.random() < 0.2, rng.random() < 0.8,
                     rng.choice([None, None, "https", "ws"]))
            cases.append((options.get("endpoint"), values, method, flags))
    cases.append(("no-such-endpoint", {"a": 1}, None, (False, True, None)))
    for bind in binds:
        wad, kad = wmap.bind(**bind), kmap.bind(**bind)
        for endpoint, values, method, (external, append, scheme) in cases:
            expected = build_outcome(wad, endpoint, values, method, external, append, scheme)
            got = build_outcome(kad, endpoint, values, method, external, append, scheme)
            assert got == expected, (bind, endpoint, values, method)


def test_large_default_map_matches_and_builds_like_werkzeug() -> None:
    rng = random.Random(20240501)
    specs = explicit_rules() + [random_rule(rng, 100) for _ in range(260)]
    wmap, kmap, wrules, krules = make_maps(specs)
    assert [r.rule for r in kmap.iter_rules()] == [r.rule for r in wmap.iter_rules()]
    binds = [
        {"server_name": "example.com"},
        {"server_name": "Example.COM:8080", "script_name": "/app", "url_scheme": "https"},
    ]
    paths = example_paths(specs, rng)
    fast = check_matching(wmap, kmap, wrules, krules, paths, binds, rng)
    assert fast > len(paths)  # match_fast answered for a large share of requests
    plain = kmap.plain_routes
    assert sum("GET" in plain.get(path, ()) for path in paths) >= 10  # and plain_routes for some
    check_building(wmap, kmap, specs, binds, rng)


def test_map_wide_options_match_and_build_like_werkzeug() -> None:
    rng = random.Random(7)
    specs = explicit_rules() + [random_rule(rng, 60) for _ in range(150)]
    options = {"strict_slashes": False, "merge_slashes": False,
               "redirect_defaults": False, "sort_parameters": True}
    wmap, kmap, wrules, krules = make_maps(specs, **options)
    binds = [{"server_name": "example.com", "script_name": "/root/"}]
    paths = example_paths(specs, rng)
    check_matching(wmap, kmap, wrules, krules, paths, binds, rng)
    check_building(wmap, kmap, specs, binds, rng)


def domain_specs(rng: random.Random, key: str, choices: list[str | None]) -> list[Spec]:
    """Random rules spread over subdomain (or host) patterns."""
    specs = []
    for string, options in explicit_rules()[:12] + [random_rule(rng, 40) for _ in range(90)]:
        options = dict(options)
        options[key] = rng.choice(choices)
        specs.append((string, options))
    return specs


def test_subdomain_map_matches_and_builds_like_werkzeug() -> None:
    rng = random.Random(99)
    specs = domain_specs(rng, "subdomain",
                         [None, None, "api", "<user>", "<string(length=2):lang>", "", "x.<user>"])
    wmap, kmap, wrules, krules = make_maps(specs, default_subdomain="www")
    binds = [
        {"server_name": "example.com"},
        {"server_name": "example.com", "subdomain": "api"},
        {"server_name": "example.com", "subdomain": "bob"},
        {"server_name": "example.com", "subdomain": "en"},
        {"server_name": "example.com", "subdomain": "x.bob"},
    ]
    paths = example_paths(specs, rng)[::4]
    check_matching(wmap, kmap, wrules, krules, paths, binds, rng)
    check_building(wmap, kmap, specs, binds, rng)


def test_host_matching_map_matches_and_builds_like_werkzeug() -> None:
    rng = random.Random(5)
    specs = domain_specs(rng, "host", [None, "example.com", "<sub>.example.com",
                                       "api.<dom>.org", "example.com:8080"])
    wmap, kmap, wrules, krules = make_maps(specs, host_matching=True)
    binds = [
        {"server_name": "example.com"},
        {"server_name": "shop.example.com"},
        {"server_name": "api.test.org", "url_scheme": "https"},
        {"server_name": "example.com:8080"},
        {"server_name": "other.net"},
    ]
    paths = example_paths(specs, rng)[::3]
    check_matching(wmap, kmap, wrules, krules, paths, binds, rng)
    check_building(wmap, kmap, specs, binds, rng)


def test_rules_added_after_first_match_recompile_identically() -> None:
    rng = random.Random(11)
    first = explicit_rules()
    later = [random_rule(rng, 30) for _ in range(60)]
    wmap, kmap, wrules, krules = make_maps(first)
    binds = [{"server_name": "example.com"}]
    check_matching(wmap, kmap, wrules, krules, example_paths(first, rng)[:100], binds, rng)
    for string, options in later:
        wrule, krule = WRule(string, **options), KRule(string, **options)
        wmap.add(wrule)
        kmap.add(krule)
        wrules.append(wrule)
        krules.append(krule)
    paths = example_paths(first + later, rng)
    check_matching(wmap, kmap, wrules, krules, paths, binds, rng)
    check_building(wmap, kmap, first + later, binds, rng)


def parse_outcome(make_map: t.Callable[[t.Any], t.Any], rule_cls: t.Any,
                  string: str) -> tuple[t.Any, ...]:
    """How a rule string parses: its parts and trace, or the error raised."""
    try:
        rule = rule_cls(string, endpoint="x")
        make_map(rule)
    except Exception as e:
        return ("error", type(e).__name__, str(e))
    parts = [(p.content, p.final, p.static, p.suffixed, tuple(p.weight)) for p in rule._parts]
    return ("ok", parts, rule._trace, sorted(rule.arguments), repr(rule))


def test_rule_string_parsing_matches_werkzeug_on_fuzzed_input() -> None:
    rng = random.Random(3)
    alphabet = ["/", "/", "<", ">", "a", "b1", "_", ":", "(", ")", "int", "path", "any",
                "string", "=", ",", '"', "'", " ", "2", "length", ".", "-", "é"]
    placeholders = ["<{}>", "<int:{}>", "<path:{}>", "<string(length=2):{}>",
                    "<any(x, 'y,z'):{}>", "<int(signed=True, max=3):{}>", "<slashy:{}>",
                    "<float(1):{}>", "<int(3 ):{}>", "<{}", "<int({}>"]
    strings = ["/" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
               for _ in range(1500)]
    for _ in range(1500):
        pieces = []
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.4:
                pieces.append(rng.choice(placeholders).format(rng.choice(["a", "b", "c"])))
            else:
                pieces.append(rng.choice(alphabet))
        strings.append("/" + "".join(pieces))
    strings += ["/<int(3):a>", "/<string(length=2):a>/<path:b>/", "/x<path:p>y/z",
                "/<any(a, 'b,c'):x>", "/<int(x=@):a>", "/a//b", "/<path:a>/<path:b>/"]
    for string in strings:
        expected = parse_outcome(lambda r: WMap([r], converters=CONVERTERS), WRule, string)
        got = parse_outcome(lambda r: KMap([r], converters=CONVERTERS), KRule, string)
        assert got == expected, string


def test_converter_argument_parsing_matches_werkzeug_on_fuzzed_input() -> None:
    from werkzeug.routing import parse_converter_args as werkzeug_parse

    from kolba.routing import parse_converter_args as kolba_parse

    rng = random.Random(4)
    alphabet = ["1", "2.5", "x", "=", ",", " ", '"', "'", "u", "True", "None", "a_b",
                "-", "@", ".", "inf", "0x1", "(", ")"]
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        outcomes = []
        for parse in (werkzeug_parse, kolba_parse):
            try:
                outcomes.append(("ok", repr(parse(text))))
            except Exception as e:
                outcomes.append(("error", type(e).__name__, str(e)))
        assert outcomes[1] == outcomes[0], text
