"""Unit tests of ``kolba.routing``: converters, rules, matching, redirects, building.

Under ``KOLBA_TESTS_AGAINST=flask`` the same tests run against
``werkzeug.routing``, which proves they encode Werkzeug's behaviour.
"""

from __future__ import annotations

import os
import typing as t
import uuid
import warnings

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter as WerkzeugBaseConverter
from werkzeug.routing import BuildError
from werkzeug.routing import EndpointPrefix
from werkzeug.routing import RequestRedirect
from werkzeug.routing import Submount
from werkzeug.routing import ValidationError
from werkzeug.routing import WebsocketMismatch

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    import werkzeug.routing as routing
else:
    import kolba.routing as routing  # type: ignore[no-redef]

Map = routing.Map
Rule = routing.Rule


def adapter(*rules: t.Any, server: str = "example.com", **options: t.Any) -> t.Any:
    """A map of these rules bound to a server name."""
    return Map(list(rules), **options).bind(server)


def redirect_of(a: t.Any, path: str, method: str = "GET", **kwargs: t.Any) -> str:
    """The target of the redirect that matching ``path`` raises."""
    with pytest.raises(RequestRedirect) as info:
        a.match(path, method, **kwargs)
    assert info.value.code == 308
    return str(info.value.new_url)


# -- converters ------------------------------------------------------------------


def test_default_converter_takes_one_nonempty_segment() -> None:
    a = adapter(Rule("/p/<name>", endpoint="p"))
    assert a.match("/p/hello world") == ("p", {"name": "hello world"})
    assert a.match("/p/ünï") == ("p", {"name": "ünï"})
    with pytest.raises(NotFound):
        a.match("/p/a/b")


def test_string_converter_length_arguments() -> None:
    a = adapter(
        Rule("/exact/<string(length=2):x>", endpoint="exact"),
        Rule("/range/<string(minlength=2, maxlength=3):x>", endpoint="range"),
    )
    assert a.match("/exact/ab") == ("exact", {"x": "ab"})
    assert a.match("/range/abc") == ("range", {"x": "abc"})
    for path in ("/exact/abc", "/exact/a", "/range/a", "/range/abcd"):
        with pytest.raises(NotFound):
            a.match(path)


def test_int_converter_options() -> None:
    a = adapter(
        Rule("/plain/<int:n>", endpoint="plain"),
        Rule("/fixed/<int(fixed_digits=3):n>", endpoint="fixed"),
        Rule("/range/<int(min=5, max=10):n>", endpoint="range"),
        Rule("/signed/<int(signed=True):n>", endpoint="signed"),
    )
    assert a.match("/plain/042") == ("plain", {"n": 42})
    assert a.match("/fixed/007") == ("fixed", {"n": 7})
    assert a.match("/range/10") == ("range", {"n": 10})
    assert a.match("/signed/-3") == ("signed", {"n": -3})
    for path in ("/plain/-1", "/plain/1.5", "/fixed/7", "/fixed/0007", "/range/4", "/range/11"):
        with pytest.raises(NotFound):
            a.match(path)
    assert a.build("fixed", {"n": 7}) == "/fixed/007"
    assert a.build("signed", {"n": -3}) == "/signed/-3"


def test_float_converter_options() -> None:
    a = adapter(
        Rule("/f/<float:x>", endpoint="f"),
        Rule("/s/<float(signed=True, max=2.5):x>", endpoint="s"),
    )
    assert a.match("/f/1.5") == ("f", {"x": 1.5})
    assert a.match("/s/-7.25") == ("s", {"x": -7.25})
    for path in ("/f/1", "/f/.5", "/f/-1.5", "/s/3.0"):
        with pytest.raises(NotFound):
            a.match(path)
    assert a.build("f", {"x": 2}) == "/f/2.0"


def test_path_converter_spans_slashes_even_mid_rule() -> None:
    a = adapter(
        Rule("/files/<path:p>", endpoint="files"),
        Rule("/files/<path:p>/edit", endpoint="edit"),
        Rule("/files/static", endpoint="static"),
    )
    assert a.match("/files/a/b/c") == ("files", {"p": "a/b/c"})
    assert a.match("/files/a/b/edit") == ("edit", {"p": "a/b"})
    assert a.match("/files/static") == ("static", {})
    assert a.build("files", {"p": "a b/ü"}) == "/files/a%20b/%C3%BC"


def test_uuid_converter_returns_and_builds_uuid() -> None:
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    a = adapter(Rule("/o/<uuid:id>", endpoint="o"))
    assert a.match(f"/o/{str(value).upper()}") == ("o", {"id": value})
    assert a.build("o", {"id": value}) == f"/o/{value}"
    with pytest.raises(NotFound):
        a.match("/o/1234")


def test_any_converter_matches_listed_words_only() -> None:
    a = adapter(Rule('/<any(about, help, "foo,bar"):page>', endpoint="page"))
    assert a.match("/help") == ("page", {"page": "help"})
    assert a.match("/foo,bar") == ("page", {"page": "foo,bar"})
    with pytest.raises(NotFound):
        a.match("/other")
    with pytest.raises(ValueError, match="'other' is not one of 'about', 'foo,bar', 'help'"):
        a.build("page", {"page": "other"})


def test_converter_classes_follow_werkzeug_protocol() -> None:
    conv = Map().converters
    assert set(conv) >= {"default", "string", "int", "float", "path", "uuid", "any"}
    for cls in conv.values():
        assert issubclass(cls, WerkzeugBaseConverter)
    assert conv["path"].part_isolating is False
    assert conv["path"].weight == 200
    assert conv["int"].weight == 50
    assert conv["default"] is conv["string"]
    assert conv["int"](Map(), signed=True).regex == r"-?\d+"
    assert conv["string"](Map(), length=3).regex == "[^/]{3}"


def test_parse_converter_args_like_werkzeug() -> None:
    parse = routing.parse_converter_args
    assert parse('1, 2.5, "a,b", x=True, y=None') == ((1, 2.5, "a,b"), {"x": True, "y": None})
    assert parse("") == ((), {})
    assert parse("u'x', name") == (("x", "name"), {})
    assert parse("length = 2") == ((), {"length": 2})
    with pytest.raises(ValueError, match="Cannot parse converter argument"):
        parse("a b")


def test_custom_converter_registered_on_map() -> None:
    class ListConverter(WerkzeugBaseConverter):
        def to_python(self, value: str) -> list[str]:
            return value.split(",")

        def to_url(self, value: t.Any) -> str:
            return ",".join(str(v) for v in value)

    m = Map([Rule("/l/<list:items>", endpoint="l")], converters={"list": ListConverter})
    a = m.bind("example.com")
    assert a.match("/l/a,b") == ("l", {"items": ["a", "b"]})
    assert a.build("l", {"items": [1, 2]}) == "/l/1,2"

    later = Map()
    later.converters["list"] = ListConverter
    later.add(Rule("/x/<list:items>", endpoint="x"))
    assert later.bind("h").match("/x/q") == ("x", {"items": ["q"]})
    assert "list" not in Map().converters


def test_validation_error_from_to_python_rejects_the_match() -> None:
    class Even(WerkzeugBaseConverter):
        regex = r"\d+"

        def to_python(self, value: str) -> int:
            if int(value) % 2:
                raise ValidationError()
            return int(value)

    a = adapter(Rule("/e/<even:n>", endpoint="even"), Rule("/s/<n>", endpoint="s"),
                converters={"even": Even})
    assert a.match("/e/4") == ("even", {"n": 4})
    with pytest.raises(NotFound):
        a.match("/e/3")


def test_converter_with_slashes_in_regex_is_not_part_isolating() -> None:
    class Pair(WerkzeugBaseConverter):
        regex = "[a-z]+/[a-z]+"

    assert Pair.part_isolating is False
    a = adapter(Rule("/two/<pair:p>/end", endpoint="two"), converters={"pair": Pair})
    assert a.match("/two/ab/cd/end") == ("two", {"p": "ab/cd"})


def test_unknown_converter_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="the converter 'nope' does not exist"):
        Map([Rule("/<nope:x>", endpoint="x")])


# -- rules -------------------------------------------------------------------------


def test_rule_must_start_with_slash() -> None:
    with pytest.raises(ValueError, match="must start with a slash"):
        Rule("x", endpoint="x")


def test_malformed_rule_is_rejected_on_add() -> None:
    with pytest.raises(ValueError, match="malformed url rule"):
        Map([Rule("/<1bad>", endpoint="x")])


def test_duplicate_variable_name_is_refused_on_add() -> None:
    # Werkzeug refuses it while compiling the rule's URL builder.
    with pytest.raises(SyntaxError, match="duplicate argument 'a'"):
        Map([Rule("/<a>/<int:a>", endpoint="x")])


def test_methods_are_upper_cased_and_get_adds_head() -> None:
    rule = Rule("/", methods=["get", "post"], endpoint="i")
    assert rule.methods == {"GET", "HEAD", "POST"}
    assert Rule("/", endpoint="i").methods is None
    with pytest.raises(TypeError):
        Rule("/", methods="GET", endpoint="i")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="WebSocket rules"):
        Rule("/", methods=["POST"], websocket=True, endpoint="i")


def test_rule_attributes_after_binding() -> None:
    rule = Rule("/u/<int:id>/", defaults={"page": 1}, endpoint="u")
    m = Map([rule], strict_slashes=False, merge_slashes=False)
    assert rule.map is m
    assert rule.arguments == {"id", "page"}
    assert rule.defaults == {"page": 1}
    assert rule.strict_slashes is False and rule.merge_slashes is False
    assert rule.subdomain == "" and rule.host is None
    assert rule.is_leaf is False and rule.build_only is False
    assert rule.alias is False and rule.websocket is False and rule.redirect_to is None
    assert str(rule) == "/u/<int:id>/"
    assert rule.build_compare_key() == (0, -2, -1)
    rule.provide_automatic_options = True  # apps store extra attributes
    assert rule.provide_automatic_options is True


def test_rule_repr_and_equality() -> None:
    assert repr(Rule("/x", endpoint="x")) == "<Rule (unbound)>"
    rule = Rule("/u/<int:id>", methods=["POST"], endpoint="user")
    Map([rule])
    assert repr(rule) == "<Rule '/u/<id>' (POST) -> user>"
    other = Rule("/u/<int:id>", endpoint="other")
    Map([other])
    assert rule == other
    copy = rule.empty()
    assert copy.map is None and copy.rule == rule.rule and copy.endpoint == "user"


def test_rule_cannot_be_bound_twice() -> None:
    rule = Rule("/x", endpoint="x")
    Map([rule])
    with pytest.raises(RuntimeError, match="already bound"):
        Map([rule])


def test_suitable_for_and_provides_defaults_for() -> None:
    index = Rule("/all/", defaults={"page": 1}, endpoint="all")
    paged = Rule("/all/page/<int:page>", endpoint="all")
    Map([index, paged])
    assert index.provides_defaults_for(paged)
    assert not paged.provides_defaults_for(index)
    assert index.suitable_for({})
    assert index.suitable_for({"page": 1})
    assert not index.suitable_for({"page": 2})
    assert not paged.suitable_for({})
    assert paged.suitable_for({"page": 2}, method="GET")
    post_only = Rule("/p", methods=["POST"], endpoint="p")
    Map([post_only])
    assert not post_only.suitable_for({}, method="GET")


# -- map ---------------------------------------------------------------------------


def test_map_attributes_and_iter_rules() -> None:
    rules = [Rule("/a", endpoint="a"), Rule("/b", endpoint="b"), Rule("/a2", endpoint="a")]
    m = Map(rules, strict_slashes=False, host_matching=False, default_subdomain="www")
    assert m.strict_slashes is False and m.merge_slashes is True
    assert m.host_matching is False and m.default_subdomain == "www"
    assert m.redirect_defaults is True
    assert [r.rule for r in m.iter_rules()] == ["/a", "/a2", "/b"]
    assert [r.rule for r in m.iter_rules("a")] == ["/a", "/a2"]
    assert [r.rule for r in m._rules_by_endpoint["b"]] == ["/b"]
    assert repr(m).startswith("Map([<Rule 'www|/a' -> a>")


def test_is_endpoint_expecting() -> None:
    m = Map([Rule("/<lang>/x", endpoint="x"), Rule("/y", endpoint="y")])
    assert m.is_endpoint_expecting("x", "lang")
    assert not m.is_endpoint_expecting("y", "lang")


def test_rule_factories_from_werkzeug() -> None:
    m = Map([EndpointPrefix("blog/", [Submount("/blog", [
        Rule("/", endpoint="index"),
        Rule("/entry/<slug>", endpoint="show"),
    ])])])
    a = m.bind("example.com")
    assert a.match("/blog/entry/hi") == ("blog/show", {"slug": "hi"})
    assert a.build("blog/index") == "/blog/"


def test_rule_template_from_werkzeug() -> None:
    from werkzeug.routing import RuleTemplate

    resource = RuleTemplate([Rule("/$name/", endpoint="$name.list"),
                             Rule("/$name/<int:id>", endpoint="$name.show")])
    a = Map([resource(name="user"), resource(name="page")]).bind("example.com")
    assert a.match("/page/3") == ("page.show", {"id": 3})
    assert a.build("user.list") == "/user/"


@pytest.mark.kolba_only
def test_matcher_compiles_lazily_once_per_change() -> None:
    m = Map([Rule(f"/r{i}/<int:id>", endpoint=f"r{i}") for i in range(50)])
    assert m._trie is None
    assert m.match_fast("", "/r7/1", "GET") is not None
    compiled = m._trie
    assert compiled is not None
    m.match_fast("", "/r8/1", "GET")
    assert m._trie is compiled
    m.add(Rule("/late", endpoint="late"))
    assert m._trie is None
    assert m.match_fast("", "/late", "GET") is not None
    assert m._trie is not compiled


@pytest.mark.kolba_only
def test_builder_compiles_lazily_once_per_change() -> None:
    m = Map([Rule("/a", endpoint="a")])
    a = m.bind("example.com")
    assert m._book is None
    assert a.build("a") == "/a"
    book = m._book
    assert book is not None and a.build("a", {"q": 1}) == "/a?q=1" and m._book is book
    m.add(Rule("/b/<int:n>", endpoint="b"))
    assert m._book is None
    assert a.build("b", {"n": 2}) == "/b/2"


def test_rules_added_after_matching_are_found() -> None:
    m = Map([Rule("/a", endpoint="a")])
    a = m.bind("example.com")
    assert a.match("/a") == ("a", {})
    m.add(Rule("/b/<int:n>", endpoint="b"))
    assert a.match("/b/1") == ("b", {"n": 1})


# -- matching --------------------------------------------------------------------


def test_static_segment_preferred_over_converter_with_backtracking() -> None:
    a = adapter(
        Rule("/c/<a>/<int:b>", endpoint="dyn"),
        Rule("/c/x/<b>", endpoint="static_first"),
        Rule("/c/x/y/z", endpoint="deep"),
    )
    assert a.match("/c/x/5") == ("static_first", {"b": "5"})
    assert a.match("/c/y/5") == ("dyn", {"a": "y", "b": 5})
    assert a.match("/c/x/y") == ("static_first", {"b": "y"})


def test_converter_weights_order_candidates() -> None:
    a = adapter(Rule("/<name>", endpoint="name"), Rule("/<int:n>", endpoint="int"),
                Rule("/<path:p>", endpoint="path"))
    assert a.match("/42") == ("int", {"n": 42})
    assert a.match("/bob") == ("name", {"name": "bob"})
    assert a.match("/a/b") == ("path", {"p": "a/b"})


def test_strict_slashes_redirect_and_not_found() -> None:
    a = adapter(Rule("/branch/", endpoint="branch"), Rule("/leaf", endpoint="leaf"))
    assert redirect_of(a, "/branch") == "http://example.com/branch/"
    assert a.match("/branch/") == ("branch", {})
    with pytest.raises(NotFound):
        a.match("/leaf/")


def test_strict_slashes_false_matches_both_spellings() -> None:
    a = adapter(Rule("/leaf", endpoint="leaf", strict_slashes=False),
                Rule("/branch/", endpoint="branch", strict_slashes=False))
    assert a.match("/leaf/") == ("leaf", {})
    assert a.match("/branch") == ("branch", {})
    m = Map([Rule("/leaf", endpoint="leaf")], strict_slashes=False)
    assert m.bind("h").match("/leaf/") == ("leaf", {})


def test_merge_slashes_redirects_to_merged_path() -> None:
    a = adapter(Rule("/a/b", endpoint="ab"), Rule("/keep//x", endpoint="keep",
                                                  merge_slashes=False))
    assert redirect_of(a, "/a//b") == "http://example.com/a/b"
    assert a.match("//a/b") == ("ab", {})  # leading slashes are stripped, not redirected
    assert a.match("/keep//x") == ("keep", {})
    with pytest.raises(NotFound):
        adapter(Rule("/a/b", endpoint="ab"), merge_slashes=False).match("/a//b")


def test_redirect_keeps_script_name_scheme_and_query() -> None:
    m = Map([Rule("/dir/", endpoint="dir")])
    a = m.bind("Example.com:8080", script_name="/app", url_scheme="https")
    url = redirect_of(a, "/dir", query_args={"q": "a b", "n": ["1", "2"]})
    assert url == "https://example.com:8080/app/dir/?q=a+b&n=1&n=2"
    assert redirect_of(a, "/dir", query_args="x=%20") == "https://example.com:8080/app/dir/?x=%20"


def test_redirect_url_quotes_unicode_path() -> None:
    a = adapter(Rule("/ä ö/", endpoint="u"))
    assert redirect_of(a, "/ä ö") == "http://example.com/%C3%A4%20%C3%B6/"


def test_redirect_defaults_sends_to_canonical_rule() -> None:
    rules = [Rule("/all/", defaults={"page": 1}, endpoint="all"),
             Rule("/all/page/<int:page>", endpoint="all")]
    a = Map(rules).bind("example.com")
    assert redirect_of(a, "/all/page/1") == "http://example.com/all/"
    assert a.match("/all/page/2") == ("all", {"page": 2})
    assert a.match("/all/") == ("all", {"page": 1})
    plain = Map([r.empty() for r in rules], redirect_defaults=False).bind("example.com")
    assert plain.match("/all/page/1") == ("all", {"page": 1})


def test_alias_rule_redirects_to_canonical_url() -> None:
    a = adapter(Rule("/show/<int:id>", endpoint="show"),
                Rule("/old/<int:id>", endpoint="show", alias=True))
    assert redirect_of(a, "/old/5") == "http://example.com/show/5"


def test_redirect_to_string_and_callable() -> None:
    def to_slug(adapter: t.Any, id: int) -> str:
        return f"item/{id * 2}"

    m = Map([
        Rule("/old/<slug>", redirect_to="new/<slug>", endpoint="old"),
        Rule("/num/<int:id>", redirect_to=to_slug, endpoint="num"),
    ])
    a = m.bind("example.com", script_name="/app")
    assert redirect_of(a, "/old/a b") == "http://example.com/app/new/a%20b"
    assert redirect_of(a, "/num/4") == "http://example.com/app/item/8"


def test_method_not_allowed_lists_union_of_methods() -> None:
    a = adapter(Rule("/m", methods=["GET"], endpoint="g"),
                Rule("/m", methods=["POST"], endpoint="p"),
                Rule("/x", methods=["PUT"], endpoint="x"))
    assert a.match("/m", "POST") == ("p", {})
    assert a.match("/m", "HEAD") == ("g", {})
    with pytest.raises(MethodNotAllowed) as info:
        a.match("/m", "DELETE")
    assert set(info.value.valid_methods or ()) == {"GET", "HEAD", "POST"}
    assert set(a.allowed_methods("/m")) == {"GET", "HEAD", "POST"}
    assert list(a.allowed_methods("/nothing")) == []
    with pytest.raises(NotFound):
        a.match("/nothing", "DELETE")


def test_websocket_rules_and_mismatch() -> None:
    m = Map([Rule("/ws", websocket=True, endpoint="ws"), Rule("/http", endpoint="http")])
    ws = m.bind("example.com", url_scheme="wss")
    assert ws.websocket is True
    assert ws.match("/ws") == ("ws", {})
    with pytest.raises(WebsocketMismatch):
        ws.match("/http")
    http = m.bind("example.com")
    with pytest.raises(WebsocketMismatch):
        http.match("/ws")
    assert http.match("/ws", websocket=True) == ("ws", {})
    assert http.build("ws") == "ws://example.com/ws"
    assert ws.build("http") == "/http"
    assert ws.build("http", force_external=True) == "https://example.com/http"


def test_defaults_are_merged_into_values() -> None:
    a = adapter(Rule("/p/<int:n>", defaults={"lang": "en"}, endpoint="p"))
    assert a.match("/p/3") == ("p", {"n": 3, "lang": "en"})


def test_empty_path_is_root_and_return_rule() -> None:
    root = Rule("/", endpoint="index")
    a = adapter(root)
    assert redirect_of(a, "") == "http://example.com/"
    rule, values = a.match("/", return_rule=True)
    assert rule is root and values == {}
    assert a.test("/") is True and a.test("/missing") is False


def test_unicode_and_already_decoded_paths() -> None:
    a = adapter(Rule("/wiki/<page>", endpoint="wiki"), Rule("/ä/<int:n>", endpoint="u"))
    assert a.match("/wiki/%41 b") == ("wiki", {"page": "%41 b"})
    assert a.match("/ä/١٢") == ("u", {"n": 12})


def test_subdomain_matching() -> None:
    m = Map([
        Rule("/", endpoint="home"),
        Rule("/", subdomain="<user>", endpoint="user_home"),
        Rule("/api", subdomain="api", endpoint="api"),
    ], default_subdomain="www")
    assert m.bind("example.com").match("/") == ("home", {})
    assert m.bind("example.com", subdomain="bob").match("/") == ("user_home", {"user": "bob"})
    assert m.bind("example.com", subdomain="api").match("/api") == ("api", {})
    with pytest.raises(NotFound):
        m.bind("example.com", subdomain="bob").match("/api")


def test_host_matching() -> None:
    m = Map([
        Rule("/", host="example.com", endpoint="main"),
        Rule("/", host="<shop>.example.com", endpoint="shop"),
    ], host_matching=True)
    assert m.bind("example.com").match("/") == ("main", {})
    assert m.bind("toys.example.com").match("/") == ("shop", {"shop": "toys"})
    with pytest.raises(NotFound):
        m.bind("other.org").match("/")
    with pytest.raises(RuntimeError):
        m.bind("example.com", subdomain="x")
    a = m.bind("example.com")
    assert a.build("main") == "/"
    assert a.build("shop", {"shop": "toys"}) == "http://toys.example.com/"


def test_dispatch_calls_view_and_returns_redirects() -> None:
    a = adapter(Rule("/u/<int:id>", endpoint="user"), Rule("/d/", endpoint="d"))
    result = a.dispatch(lambda endpoint, values: (endpoint, values), "/u/3")  # type: ignore
    assert result == ("user", {"id": 3})
    assert isinstance(a.dispatch(lambda e, v: None, "/d"), RequestRedirect)  # type: ignore
    assert isinstance(a.dispatch(lambda e, v: None, "/x", catch_http_exceptions=True),
                      NotFound)  # type: ignore
    with pytest.raises(NotFound):
        a.dispatch(lambda e, v: None, "/x")  # type: ignore


# -- binding -----------------------------------------------------------------------


def test_bind_attributes() -> None:
    m = Map([Rule("/", endpoint="i")], default_subdomain="www")
    a = m.bind("Example.COM", script_name="/app", url_scheme="https",
               default_method="POST", path_info="/x", query_args="a=1")
    assert a.map is m
    assert (a.server_name, a.script_name, a.subdomain) == ("example.com", "/app/", "www")
    assert (a.url_scheme, a.default_method, a.path_info) == ("https", "POST", "/x")
    assert a.query_args == "a=1" and a.websocket is False
    assert m.bind("bücher.de").server_name == "xn--bcher-kva.de"
    assert a.get_host(None) == "www.example.com"
    assert a.get_host("") == "example.com"


def _environ(host: str, path: str = "/", scheme: str = "http", **extra: str) -> dict[str, t.Any]:
    env = {"wsgi.url_scheme": scheme, "HTTP_HOST": host, "SERVER_NAME": "localhost",
           "SERVER_PORT": "80", "REQUEST_METHOD": "GET", "SCRIPT_NAME": "",
           "PATH_INFO": path, "QUERY_STRING": "a=%C3%A4"}
    env.update(extra)
    return env


def test_bind_to_environ_derives_subdomain_path_and_query() -> None:
    m = Map([Rule("/", subdomain="<user>", endpoint="u")])
    raw_path = "/ä".encode().decode("latin1")
    a = m.bind_to_environ(_environ("bob.example.com", raw_path), server_name="example.com")
    assert a.subdomain == "bob" and a.server_name == "example.com"
    assert a.path_info == "/ä" and a.query_args == "a=%C3%A4"
    assert a.default_method == "GET" and a.script_name == "/"
    b = m.bind_to_environ(_environ("example.com:443", scheme="https"),
                          server_name="example.com:443")
    assert b.subdomain == "" and b.server_name == "example.com"


def test_bind_to_environ_with_foreign_host_warns_and_matches_nothing() -> None:
    m = Map([Rule("/", endpoint="i")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = m.bind_to_environ(_environ("10.0.0.1"), server_name="example.com")
    assert a.subdomain == "<invalid>"
    assert "doesn't match configured server name" in str(caught[0].message)
    with pytest.raises(NotFound):
        a.match("/")


def test_bind_to_environ_detects_websocket_upgrade() -> None:
    m = Map([Rule("/ws", websocket=True, endpoint="ws")])
    env = _environ("example.com", "/ws", HTTP_CONNECTION="keep-alive, Upgrade",
                   HTTP_UPGRADE="websocket")
    a = m.bind_to_environ(env)
    assert a.url_scheme == "ws" and a.websocket is True
    assert a.match() == ("ws", {})


# -- building ----------------------------------------------------------------------


def test_build_appends_unknown_values_as_query() -> None:
    a = adapter(Rule("/u/<int:id>", endpoint="u"))
    assert a.build("u", {"id": 1, "q": "a b", "x": None}) == "/u/1?q=a+b"
    assert a.build("u", {"id": 1, "tags": ["a", "b"]}) == "/u/1?tags=a&tags=b"
    assert a.build("u", {"id": 1, "q": "x"}, append_unknown=False) == "/u/1"
    multi = MultiDict([("id", 2), ("q", "a"), ("q", "b")])
    assert a.build("u", multi) == "/u/2?q=a&q=b"


def test_build_quotes_like_werkzeug() -> None:
    a = adapter(Rule("/s/<s>", endpoint="s"), Rule("/p/<path:p>", endpoint="p"))
    odd = "ä /?#%+&='"
    assert a.build("s", {"s": odd}) == "/s/%C3%A4%20/%3F%23%25+&='"
    assert a.build("p", {"p": odd}) == "/p/%C3%A4%20/%3F%23%25+&='"
    assert a.build("s", {"s": "x", "k": odd}) == "/s/x?k=%C3%A4+/?%23%25%2B%26%3D'"


def test_build_sort_parameters() -> None:
    m = Map([Rule("/", endpoint="i")], sort_parameters=True)
    assert m.bind("h").build("i", {"b": 1, "a": 2, "c": 3}) == "/?a=2&b=1&c=3"
    by_value = Map([Rule("/", endpoint="i")], sort_parameters=True, sort_key=lambda i: i[1])
    assert by_value.bind("h").build("i", {"b": "1", "a": "2"}) == "/?b=1&a=2"
    assert Map([Rule("/", endpoint="i")]).bind("h").build("i", {"b": 1, "a": 2}) == "/?b=1&a=2"


def test_build_respects_defaults() -> None:
    a = adapter(Rule("/all/", defaults={"page": 1}, endpoint="all"),
                Rule("/all/page/<int:page>", endpoint="all"))
    assert a.build("all") == "/all/"
    assert a.build("all", {"page": 1}) == "/all/"
    assert a.build("all", {"page": 3}) == "/all/page/3"


def test_build_external_and_scheme() -> None:
    m = Map([Rule("/x", endpoint="x")])
    a = m.bind("example.com", script_name="/app")
    assert a.build("x") == "/app/x"
    assert a.build("x", force_external=True) == "http://example.com/app/x"
    assert a.build("x", force_external=True, url_scheme="https") == "https://example.com/app/x"


def test_build_other_subdomain_is_external() -> None:
    m = Map([Rule("/", subdomain="<user>", endpoint="u"), Rule("/h", endpoint="h")],
            default_subdomain="www")
    a = m.bind("example.com")
    assert a.build("u", {"user": "bob"}) == "http://bob.example.com/"
    assert a.build("h") == "/h"
    assert m.bind("example.com", subdomain="bob").build("h") == "http://www.example.com/h"


def test_build_by_method() -> None:
    a = adapter(Rule("/g", methods=["GET"], endpoint="e"),
                Rule("/p", methods=["POST"], endpoint="e"))
    assert a.build("e") == "/g"
    assert a.build("e", method="POST") == "/p"


def test_build_error_carries_details_and_suggestion() -> None:
    a = adapter(Rule("/u/<int:id>", endpoint="user"))
    with pytest.raises(BuildError) as info:
        a.build("user")
    err = info.value
    assert err.endpoint == "user" and err.values == {} and err.method is None
    assert "Did you forget to specify values ['id']?" in str(err)
    with pytest.raises(BuildError) as info:
        a.build("usr", {"id": 1})
    assert "Did you mean 'user' instead?" in str(info.value)


def test_validation_error_from_to_url_skips_the_rule() -> None:
    class EvenOnly(WerkzeugBaseConverter):
        def to_url(self, value: t.Any) -> str:
            if int(value) % 2:
                raise ValidationError()
            return str(value)

    a = adapter(Rule("/even/<even:n>", endpoint="n"), Rule("/any/<n>", endpoint="n"),
                converters={"even": EvenOnly})
    assert a.build("n", {"n": 2}) == "/even/2"
    assert a.build("n", {"n": 3}) == "/any/3"


# -- match_fast ------------------------------------------------------------------


@pytest.mark.kolba_only
def test_match_fast_returns_rule_and_values_for_plain_matches() -> None:
    user = Rule("/user/<int:id>", endpoint="user", defaults={"tab": "home"})
    index = Rule("/", endpoint="index")
    m = Map([index, user])
    assert m.match_fast("", "/", "GET") == (index, {})
    rule, values = m.match_fast("", "/user/42", "GET")  # type: ignore[misc]
    assert rule is user and values == {"id": 42, "tab": "home"}
    assert m.match_fast("", "user/42", "GET")[1]["id"] == 42  # type: ignore[index]


@pytest.mark.kolba_only
def test_match_fast_raises_not_found_for_plain_miss() -> None:
    m = Map([Rule("/a", endpoint="a"), Rule("/n/<int:id>", endpoint="n")])
    for path in ("/missing", "/a/", "/n/x"):
        with pytest.raises(NotFound):
            m.match_fast("", path, "GET")


@pytest.mark.kolba_only
def test_match_fast_defers_everything_else_to_match() -> None:
    m = Map([
        Rule("/dir/", endpoint="dir"),
        Rule("/a/b", endpoint="ab"),
        Rule("/post", methods=["POST"], endpoint="post"),
        Rule("/ws", websocket=True, endpoint="ws"),
        Rule("/old", redirect_to="/new", endpoint="old"),
        Rule("/all/", defaults={"page": 1}, endpoint="all"),
        Rule("/all/<int:page>", endpoint="all"),
        Rule("/alias", alias=True, endpoint="dir"),
    ])
    for path, method in [("/dir", "GET"), ("/a//b", "GET"), ("/post", "GET"),
                         ("/ws", "GET"), ("/old", "GET"), ("/all/1", "GET"),
                         ("/alias", "GET")]:
        assert m.match_fast("", path, method) is None, path
    assert m.match_fast("", "/all/2", "GET") is not None


@pytest.mark.kolba_only
def test_static_index_holds_each_static_rule_under_its_own_path() -> None:
    a_b, a, c = Rule("/a/b", endpoint="ab"), Rule("/a", endpoint="a"), Rule("/c", endpoint="c")
    root, deep = Rule("/", endpoint="root"), Rule("/a/b/d/", endpoint="abd")
    m = Map([a_b, a, c, root, deep, Rule("/n/<int:n>/e", endpoint="dyn")])
    assert m.match_fast("", "/c", "GET") == (c, {})
    index = m._trie.static_index[""]  # type: ignore[union-attr]
    assert sorted(index) == ["/", "/a", "/a/b", "/a/b/d/", "/c"]
    assert [target.rule for target in index["/a/b"]] == [a_b]
    assert [target.rule for target in index["/c"]] == [c]
    # Sibling paths glued together must not reach one of them.
    for glued in ("/a/b/c", "/a/c", "/c/a/b", "/a/b/a", "/c/c", "/ca/b"):
        with pytest.raises(NotFound):
            m.match_fast("", glued, "GET")
    assert m.match_fast("", "/a/b", "GET") == (a_b, {})
    assert m.match_fast("", "/a/b/d/", "GET") == (deep, {})


@pytest.mark.kolba_only
def test_plain_routes_hold_the_final_matches_of_static_paths() -> None:
    ws = Rule("/both", websocket=True, endpoint="ws")
    both = Rule("/both", methods=["GET"], endpoint="both")
    get_only = Rule("/m", methods=["GET"], endpoint="g")
    post_only = Rule("/m", methods=["POST"], endpoint="p")
    later_get = Rule("/m", methods=["GET", "PUT"], endpoint="later")
    anything = Rule("/any", endpoint="any")  # any method: left to match_fast
    defaults = Rule("/d", methods=["GET"], defaults={"page": 1}, endpoint="d")
    old = Rule("/old", methods=["GET"], redirect_to="/new", endpoint="old")
    alias = Rule("/alias", methods=["GET"], alias=True, endpoint="both")
    owned = Rule("/all/", methods=["GET"], endpoint="all")  # /all/1 may redirect here
    m = Map([ws, both, get_only, post_only, later_get, anything, defaults, old, alias, owned,
             Rule("/all/<int:page>", methods=["GET"], defaults={"page": 1}, endpoint="all"),
             Rule("/dyn/<int:n>", methods=["GET"], endpoint="dyn")])
    assert m.plain_routes == {}  # nothing before the matcher is compiled
    m.match_fast("", "/m", "GET")
    table = m.plain_routes
    assert table["/both"]["GET"] is both and table["/both"]["HEAD"] is both
    assert table["/m"]["GET"] is get_only and table["/m"]["POST"] is post_only
    assert table["/m"]["PUT"] is later_get  # the first rule taking PUT
    for path in ("/any", "/d", "/old", "/alias", "/dyn/1"):
        assert path not in table, path
    # Each entry is exactly what match_fast answers.
    for path, methods in table.items():
        for method, rule in methods.items():
            assert m.match_fast("", path, method) == (rule, {})


@pytest.mark.kolba_only
def test_plain_routes_follow_new_rules_and_the_default_subdomain() -> None:
    www = Rule("/x", methods=["GET"], endpoint="www")
    api = Rule("/x", methods=["GET"], endpoint="api", subdomain="api")
    m = Map([www, api])
    m.match_fast("", "/x", "GET")
    assert m.plain_routes["/x"]["GET"] is www
    late = Rule("/late", methods=["GET"], endpoint="late")
    m.add(late)
    assert m.plain_routes == {}  # emptied with the matcher
    m.match_fast("", "/late", "GET")
    assert m.plain_routes["/late"]["GET"] is late
    m.default_subdomain = "api"
    assert m.plain_routes == {} and m._trie is None
    m.match_fast("api", "/x", "GET")
    assert m.plain_routes["/x"]["GET"] is api and list(m.plain_routes) == ["/x"]
    assert m.default_subdomain == "api" and Map(default_subdomain="z").default_subdomain == "z"


@pytest.mark.kolba_only
def test_static_index_is_per_domain() -> None:
    api, www = Rule("/x", endpoint="api", subdomain="api"), Rule("/x", endpoint="www")
    m = Map([api, www])
    assert m.match_fast("api", "/x", "GET") == (api, {})
    assert m.match_fast("", "/x", "GET") == (www, {})
    assert sorted(m._trie.static_index) == ["", "api"]  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        m.match_fast("other", "/x", "GET")


@pytest.mark.kolba_only
def test_common_converter_edges_take_the_segment_shortcuts() -> None:
    from kolba.routing.matcher import BY_REGEX, DECIMAL, NON_EMPTY

    m = Map([Rule("/u/<int:id>", endpoint="u"), Rule("/u/<name>", endpoint="n"),
             Rule("/u/<int(signed=True):x>/s", endpoint="s")])
    assert m.match_fast("", "/u/7", "GET") is not None
    state = m._trie.domains[""].static[""].static["u"]  # type: ignore[union-attr]
    assert [edge.kind for edge in state.dynamic] == [DECIMAL, BY_REGEX, NON_EMPTY]
    assert m.match_fast("", "/u/-3/s", "GET")[1] == {"x": -3}  # type: ignore[index]
    assert m.match_fast("", "/u/٣", "GET")[1] == {"id": 3}  # type: ignore[index]
    assert m.match_fast("", "/u/x", "GET")[1] == {"name": "x"}  # type: ignore[index]
    with pytest.raises(NotFound):
        m.match_fast("", "/u/", "GET")


@pytest.mark.kolba_only
def test_match_fast_backtracks_out_of_a_failed_converter_branch() -> None:
    deep = Rule("/<a>/<int:b>/end", endpoint="deep")
    flat = Rule("/<a>/<c>", endpoint="flat")
    m = Map([deep, flat])
    assert m.match_fast("", "/x/5/end", "GET") == (deep, {"a": "x", "b": 5})
    # "5" went down the int edge, found no "end", and its value was undone.
    assert m.match_fast("", "/x/5", "GET") == (flat, {"a": "x", "c": "5"})
    path = Rule("/p/<path:rest>/edit", endpoint="edit")
    other = Rule("/p/<path:rest>", endpoint="any")
    m = Map([path, other])
    assert m.match_fast("", "/p/a/b/edit", "GET") == (path, {"rest": "a/b"})
    assert m.match_fast("", "/p/a/b/view", "GET") == (other, {"rest": "a/b/view"})


@pytest.mark.kolba_only
def test_match_fast_lenient_trailing_slash_only_for_non_strict_rules() -> None:
    loose = Rule("/loose", endpoint="loose", strict_slashes=False)
    strict = Rule("/strict", endpoint="strict")
    post_only = Rule("/lp", endpoint="lp", strict_slashes=False, methods=["POST"])
    m = Map([loose, strict, post_only, Rule("/v/<int:n>", endpoint="v", strict_slashes=False)])
    assert m.match_fast("", "/loose/", "GET") == (loose, {})
    assert m.match_fast("", "/v/3/", "GET")[1] == {"n": 3}  # type: ignore[index]
    with pytest.raises(NotFound):
        m.match_fast("", "/strict/", "GET")
    assert m.match_fast("", "/lp/", "GET") is None  # a 405 for MapAdapter.match
    with pytest.raises(MethodNotAllowed):
        m.bind("example.com").match("/lp/", "GET")


@pytest.mark.kolba_only
def test_match_fast_oversized_int_segment_is_a_plain_miss() -> None:
    m = Map([Rule("/n/<int:n>", endpoint="n")])
    with pytest.raises(NotFound):
        m.match_fast("", "/n/" + "9" * 5000, "GET")
    assert m.match_fast("", "/n/" + "9" * 4000, "GET")[1]["n"] == int("9" * 4000)  # type: ignore[index]


@pytest.mark.kolba_only
def test_redirect_query_is_made_fit_for_a_location_header() -> None:
    # Werkzeug passes a raw query through; CR/LF would then fail the redirect.
    m = Map([Rule("/dir/", endpoint="d")])
    raw = m.bind("example.com", query_args="a=\r\nSet-Cookie: x&b=ä")
    assert redirect_of(raw, "/dir") == "http://example.com/dir/?a=%0D%0ASet-Cookie:%20x&b=%C3%A4"
    kept = m.bind("example.com", query_args="a=%zz&%ff&c=<{|}>")
    assert redirect_of(kept, "/dir") == "http://example.com/dir/?a=%zz&%ff&c=<{|}>"
    mapping = m.bind("example.com", query_args={"q": "a b\n"})
    assert redirect_of(mapping, "/dir") == "http://example.com/dir/?q=a+b%0A"


def test_rules_with_bad_builders_are_refused_on_add() -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        Map([Rule("/<int:x>", endpoint="e", defaults={"x": "abc"})])
    with pytest.raises(TypeError):
        Map([Rule("/<int:x>", endpoint="e", defaults={"x": None})])


def test_rule_build_werkzeugs_own_method_works() -> None:
    rule = Rule("/a/<int:b>/<path:c>", endpoint="e")
    Map([rule])
    assert rule.build({"b": 3, "c": "x/y z", "q": "1"}) == ("", "/a/3/x/y%20z?q=1")
    assert rule.build({"b": 3, "c": "x", "q": "1"}, append_unknown=False) == ("", "/a/3/x")
    assert rule.build({"b": 3, "c": "x"}) == ("", "/a/3/x")  # generated once, reused


# -- how the matcher converts values (its shortcuts are taken, and only where they are exact) --


def test_int_bounds_still_refuse_out_of_range_values() -> None:
    a = adapter(
        Rule("/min/<int(min=5):n>", endpoint="min"),
        Rule("/max/<int(max=5):n>", endpoint="max"),
        Rule("/both/<int(min=2, max=4):n>", endpoint="both"),
    )
    assert a.match("/min/7") == ("min", {"n": 7})
    assert a.match("/max/3") == ("max", {"n": 3})
    assert a.match("/both/3") == ("both", {"n": 3})
    for path in ("/min/3", "/max/9", "/both/1", "/both/5"):
        with pytest.raises(NotFound):
            a.match(path)


@pytest.mark.kolba_only
def test_conversion_skips_identity_converters_and_reduces_plain_ints() -> None:
    from kolba.routing import matcher

    m = Map([Rule("/<a>/<int:b>/<int(min=1):c>/<int(max=9):d>/<float:e>", endpoint="x")])
    conv = next(iter(m.iter_rules()))._converters
    assert matcher.conversion(conv["a"]) is None  # the default converter returns its input
    assert matcher.conversion(conv["b"]) is matcher._int_or_no_match
    for bounded in ("c", "d"):  # bounds need the converter's own check
        assert matcher.conversion(conv[bounded]) == conv[bounded].to_python
    assert matcher.conversion(conv["e"]) == conv["e"].to_python


@pytest.mark.kolba_only
def test_a_single_variable_rule_without_defaults_gets_the_direct_argument_maker() -> None:
    from kolba.routing import matcher

    one = next(iter(Map([Rule("/u/<int:id>", endpoint="u")]).iter_rules()))
    two = next(iter(Map([Rule("/u/<int:id>/<name>", endpoint="u")]).iter_rules()))
    direct = matcher._argument_maker(one, None)
    general = matcher._argument_maker(two, None)
    assert direct.__name__ == "<lambda>" and general.__name__ == "make"
    assert direct(["7"]) == {"id": 7}
    assert general(["7", "x"]) == {"id": 7, "name": "x"}
    with_defaults = matcher._argument_maker(one, {"tab": "home"})
    assert with_defaults.__name__ == "make" and with_defaults(["7"]) == {"id": 7, "tab": "home"}
