"""Kolba's query-string and urlencoded-form fast path equals Werkzeug's parsing."""

from __future__ import annotations

import io
import typing as t
from urllib.parse import parse_qsl

import pytest
import werkzeug  # noqa: F401 - registers the "werkzeug.url_quote" error handler
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.wrappers import Request as WerkzeugRequest

pytestmark = pytest.mark.kolba_only

# ASCII text takes Kolba's whole-string decoding; an escaped separator (%26,
# %3D, %3d) is marked with a control character, so those characters (raw or
# escaped) are here too.  Backslashes and bad escapes take the slow path.
_ASCII_TOKENS = list("ab=&+%2FfE0~ -_.\\\x00\x01") + [
    "%e9", "%C3%A9", "%zz", "%", "%4", "%4g", "%41", "%26", "%3D", "%3d", "%2B", "%25",
    "%0A", "%E2%82", "%e2%82%ac", "%ff", "%5C", "%00", "%01", "%C3", "%F0%9F",
]
_ALPHABET = st.sampled_from([*_ASCII_TOKENS, "é", "\xff"])
query_text = st.one_of(
    st.lists(st.sampled_from(_ASCII_TOKENS), max_size=30).map("".join),
    st.lists(_ALPHABET, max_size=30).map("".join),
)


def _same_kind(ours: t.Any, theirs: t.Any) -> bool:
    """Kolba's value has Werkzeug's class, or is Kolba's quicker ``ImmutableMultiDict``."""
    from werkzeug.datastructures import ImmutableMultiDict

    from kolba.wrappers import RequestMultiDict

    if type(theirs) is ImmutableMultiDict:
        return type(ours) is RequestMultiDict
    return type(ours) is type(theirs)


def _werkzeug_pairs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")


@settings(max_examples=400, deadline=None)
@given(query_text)
def test_parse_urlencoded_matches_parse_qsl(text: str) -> None:
    from kolba.wrappers import parse_urlencoded

    assert parse_urlencoded(text) == _werkzeug_pairs(text)


@settings(max_examples=600, deadline=None)
@given(query_text)
def test_urlencoded_fields_match_parse_qsl(text: str) -> None:
    """The one-step unescaping groups exactly what Werkzeug's pairs group to."""
    from werkzeug.datastructures import ImmutableMultiDict

    from kolba.wrappers import urlencoded_fields

    pairs = _werkzeug_pairs(text)
    expected: dict[str, list[str]] = {}
    for name, value in pairs:
        expected.setdefault(name, []).append(value)
    fields = urlencoded_fields(text)
    assert fields.to_dict(flat=False) == expected
    assert list(fields) == list(expected)  # keys in order of first appearance
    assert list(fields.items(multi=True)) == list(ImmutableMultiDict(pairs).items(multi=True))
    assert fields == ImmutableMultiDict(pairs)


@pytest.mark.parametrize(
    "text",
    [
        "message=hello+world+%26+more&city=Krak%C3%B3w",  # an escaped "&": U+0001 separates
        "a=%26&b=%01&c=Krak%C3%B3w",  # ... unless the text escapes U+0001 too
        "a=%26&b=\x01&c=%C3%B3",  # ... or holds it raw
        "a=%26%3D&b==c&%C3=%B3",  # an escaped "=" as well: the general separators
        "a=%26&b=%ff%C3",  # bytes that are not UTF-8 stay escaped
    ],
)
def test_escaped_separators_stay_data(text: str) -> None:
    from kolba.wrappers import urlencoded_fields

    expected: dict[str, list[str]] = {}
    for name, value in _werkzeug_pairs(text):
        expected.setdefault(name, []).append(value)
    assert urlencoded_fields(text).to_dict(flat=False) == expected


_ESCAPE_ALPHABET = st.sampled_from(
    list("a%+é€\U0001f600\\") + ["%C3", "%A9", "%e2%82", "%AC", "%ff", "%4", "%zz", "%%", "%0A", "%41", "%5c", "x"]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_ESCAPE_ALPHABET, max_size=20).map("".join))
def test_percent_decoding_matches_unquote(text: str) -> None:
    from urllib.parse import unquote

    from kolba.wrappers import _percent_decode

    assert _percent_decode(text) == unquote(text, errors="werkzeug.url_quote")


def _environ(query: str = "", body: bytes = b"", content_type: str | None = None) -> dict:  # type: ignore[type-arg]
    environ = {
        "REQUEST_METHOD": "POST",
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    return environ


@settings(max_examples=200, deadline=None)
@given(query_text)
def test_args_match_werkzeug(text: str) -> None:
    from kolba.wrappers import Request

    raw = text.encode("utf-8").decode("latin1")
    ours = Request(_environ(query=raw)).args
    theirs = WerkzeugRequest(_environ(query=raw)).args
    assert list(ours.items(multi=True)) == list(theirs.items(multi=True))
    assert _same_kind(ours, theirs)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8",
    ],
)
@settings(max_examples=100, deadline=None)
@given(text=query_text)
def test_urlencoded_form_matches_werkzeug(content_type: str, text: str) -> None:
    from kolba.wrappers import Request

    body = text.encode("utf-8")
    ours = Request(_environ(body=body, content_type=content_type))
    theirs = WerkzeugRequest(_environ(body=body, content_type=content_type))
    assert list(ours.form.items(multi=True)) == list(theirs.form.items(multi=True))
    assert not ours.files and not theirs.files
    assert ours.stream.read() == theirs.stream.read() == b""


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "text/plain",
        "application/x-www-form-urlencodedx",
        "application/x-www-form-urlencoded-extra; charset=utf-8",
        "application/x-www-form",
        "APPLICATION/X-WWW-FORM-URLENCODED",
        " application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded ; charset=utf-8",
    ],
)
def test_only_urlencoded_bodies_are_forms_as_in_werkzeug(content_type: str | None) -> None:
    # The fast path must not claim a body Werkzeug would not parse (a body
    # without Content-Type is no form), nor miss one it would.
    from kolba.wrappers import Request

    body = b"a=1&b=2"
    ours = Request(_environ(body=body, content_type=content_type))
    theirs = WerkzeugRequest(_environ(body=body, content_type=content_type))
    assert list(ours.form.items(multi=True)) == list(theirs.form.items(multi=True))
    assert ours.get_data() == theirs.get_data()


def test_is_urlencoded_recognises_exactly_the_plain_spellings() -> None:
    from kolba.wrappers import _is_urlencoded

    assert _is_urlencoded("application/x-www-form-urlencoded")
    assert _is_urlencoded("application/x-www-form-urlencoded; charset=utf-8")
    for other in (None, "", "application/x-www-form-urlencodedx", "application/json", "x"):
        assert not _is_urlencoded(other)


def test_missing_query_string_is_an_empty_query_as_in_werkzeug() -> None:
    # PEP 3333 lets a server leave QUERY_STRING out of the environ.
    from kolba.wrappers import Request

    environ = _environ()
    del environ["QUERY_STRING"]
    ours, theirs = Request(dict(environ)), WerkzeugRequest(dict(environ))
    assert ours.args == theirs.args == {}
    assert _same_kind(ours.args, theirs.args)
    assert ours.query_string == theirs.query_string == b""
    fresh = Request(dict(environ))
    assert fresh.query_string == b"" and fresh.args == {}  # other order, Werkzeug's path
    assert Request(dict(environ)).full_path == WerkzeugRequest(dict(environ)).full_path


@pytest.mark.parametrize("data_first", [True, False])
def test_form_and_raw_body_read_in_either_order_match_werkzeug(data_first: bool) -> None:
    from kolba.wrappers import Request

    body = b"a=1&b=%C3%A9&c=x+y"
    ct = "application/x-www-form-urlencoded"
    seen = []
    for cls in (Request, WerkzeugRequest):
        request = cls(_environ(body=body, content_type=ct))
        if data_first:
            seen.append((request.get_data(), list(request.form.items(multi=True))))
        else:
            seen.append((list(request.form.items(multi=True)), request.get_data()))
    assert seen[0] == seen[1]
    assert ("b", "é") in (seen[0][1] if data_first else seen[0][0])


def test_invalid_utf8_form_keeps_its_fields() -> None:
    """Werkzeug drops the whole form; Kolba keeps it, bad bytes percent-encoded."""
    from kolba.wrappers import Request

    body = b"a=\xff\xfe&b=ok"
    ct = "application/x-www-form-urlencoded"
    assert dict(Request(_environ(body=body, content_type=ct)).form) == {"a": "%FF%FE", "b": "ok"}
    assert dict(WerkzeugRequest(_environ(body=body, content_type=ct)).form) == {}


def test_too_large_form_is_413() -> None:
    from werkzeug.exceptions import RequestEntityTooLarge

    from kolba.wrappers import Request

    request = Request(_environ(body=b"a=1" * 100, content_type="application/x-www-form-urlencoded"))
    request.max_content_length = 10
    with pytest.raises(RequestEntityTooLarge):
        request.form  # noqa: B018


def test_subclass_customising_parsing_takes_werkzeugs_path() -> None:
    from werkzeug.datastructures import MultiDict

    from kolba.wrappers import Request

    class Ordered(Request):
        parameter_storage_class = MultiDict

    assert Request._fast_parsing is True
    assert Ordered._fast_parsing is False
    assert type(Ordered(_environ(query="a=1")).args) is MultiDict


_COOKIE_ALPHABET = st.sampled_from(
    list("ab=; \t\"\\,é\n\x0c") + ["theme=dark", "; ", "id=42", '"q"', "x=", "=y", ";;", "  ", "%41"]
)
cookie_header = st.lists(_COOKIE_ALPHABET, max_size=25).map("".join)


@settings(max_examples=1500, deadline=None)
@given(cookie_header)
def test_cookie_parsing_matches_werkzeug(header: str) -> None:
    from werkzeug.datastructures import ImmutableMultiDict
    from werkzeug.sansio.http import parse_cookie

    from kolba.wrappers import parse_cookie_header

    ours = parse_cookie_header(header, ImmutableMultiDict)
    theirs = parse_cookie(header, cls=ImmutableMultiDict)
    assert list(ours.items(multi=True)) == list(theirs.items(multi=True))


@pytest.mark.parametrize(
    "header",
    ["theme=dark; other=1", "a=1;b=2;", "a=1; a=2", 'a="quoted"; b=2', "flag; a=1", " a = 1 "],
)
def test_cookie_examples_match_werkzeug(header: str) -> None:
    from werkzeug.datastructures import ImmutableMultiDict
    from werkzeug.sansio.http import parse_cookie

    from kolba.wrappers import parse_cookie_header

    ours = parse_cookie_header(header, ImmutableMultiDict)
    assert list(ours.items(multi=True)) == list(
        parse_cookie(header, cls=ImmutableMultiDict).items(multi=True)
    )


@pytest.mark.parametrize("body", [b"", b"x", b'{"a": [1, 2, 3]}', b"\xff" * 5000])
def test_sized_body_reads_like_werkzeug(body: bytes) -> None:
    from kolba.wrappers import Request

    ours = Request(_environ(body=body, content_type="application/octet-stream"))
    theirs = WerkzeugRequest(_environ(body=body, content_type="application/octet-stream"))
    assert ours.get_data() == theirs.get_data() == body
    assert ours.get_data(as_text=True) == theirs.get_data(as_text=True)
    assert ours.stream.read() == theirs.stream.read() == b""


def test_sized_body_not_cached_reads_once() -> None:
    from kolba.wrappers import Request

    request = Request(_environ(body=b"abc", content_type="text/plain"))
    assert request.get_data(cache=False) == b"abc"
    assert request.get_data() == b""


def test_sized_body_over_the_limit_is_413_and_short_body_is_400() -> None:
    from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

    from kolba.wrappers import Request

    big = Request(_environ(body=b"a" * 100, content_type="text/plain"))
    big.max_content_length = 10
    with pytest.raises(RequestEntityTooLarge):
        big.get_data()
    short = _environ(body=b"abc", content_type="text/plain")
    short["CONTENT_LENGTH"] = "10"
    with pytest.raises(ClientDisconnected):
        Request(short).get_data()
    with pytest.raises(ClientDisconnected):
        WerkzeugRequest(_environ(body=b"abc", content_type="text/plain") | {"CONTENT_LENGTH": "10"}).get_data()


def test_a_length_read_before_is_still_checked_against_each_limit() -> None:
    """Content-Length values are remembered as numbers; every request still checks its own limit."""
    from werkzeug.exceptions import RequestEntityTooLarge

    from kolba.wrappers import Request

    assert Request(_environ(body=b"a=1234567", content_type="text/plain")).get_data() == b"a=1234567"
    small = Request(_environ(body=b"a=1234567", content_type="application/x-www-form-urlencoded"))
    small.max_content_length = 5
    with pytest.raises(RequestEntityTooLarge):
        small.form  # noqa: B018
    def odd() -> dict:  # type: ignore[type-arg]
        return _environ(body=b"abc", content_type="text/plain") | {"CONTENT_LENGTH": "3 "}

    assert Request(odd()).get_data() == WerkzeugRequest(odd()).get_data()


@pytest.mark.parametrize("value", [str(2**63), "9" * 5000, "0" * 20 + "3"])
def test_a_length_of_many_digits_reads_as_werkzeug_reads_it(value: str) -> None:
    """Lengths past what ``declared_length`` remembers, or past what ``int()`` reads, answer as Werkzeug's."""
    from werkzeug.exceptions import HTTPException

    from kolba.wrappers import Request

    def answer(cls: type) -> object:
        request = cls(_environ(body=b"abc", content_type="text/plain") | {"CONTENT_LENGTH": value})
        try:
            return (request.get_data(), list(request.form.items()))
        except HTTPException as error:
            return error.code  # a body shorter than 2**63 bytes: a 400 from either

    assert answer(Request) == answer(WerkzeugRequest)


@pytest.mark.parametrize("first", ["files", "get_data(parse_form_data=True)", "stream"])
def test_an_urlencoded_form_loaded_another_way_matches_werkzeug(first: str) -> None:
    """``_load_form_data`` (files, ``parse_form_data``) and a read stream reach the same form as Werkzeug."""
    from kolba.wrappers import Request

    body = b"a=1&b=%C3%A9&a=2"
    seen = []
    for cls in (Request, WerkzeugRequest):
        request = cls(_environ(body=body, content_type="application/x-www-form-urlencoded"))
        if first == "files":
            assert not request.files
        elif first == "stream":
            request.stream  # noqa: B018 - made, not read
        else:
            assert request.get_data(parse_form_data=True) == b""  # the form parse read it
        seen.append(list(request.form.items(multi=True)))
    assert seen[0] == seen[1] == [("a", "1"), ("a", "2"), ("b", "é")]


def test_memo_tables_stay_bounded() -> None:
    """``remember`` empties a table at its limit, so client-chosen keys cannot grow it."""
    from kolba.wrappers import remember

    table: dict[str, int] = {}
    for n in range(25):
        assert remember(table, str(n), n, 10) == n
    assert len(table) <= 10 and table["24"] == 24


@pytest.mark.parametrize("door", ["form", "get_data"])
def test_a_subclass_limit_holds_on_the_quick_body_read(door: str) -> None:
    """A subclass's own ``max_content_length`` is the limit, not the app's config."""
    from werkzeug.exceptions import RequestEntityTooLarge

    import kolba
    from kolba.wrappers import Request

    class Strict(Request):
        max_content_length = 4  # type: ignore[assignment]

    app = kolba.Kolba(__name__)
    environ = _environ(body=b"a=123456", content_type="application/x-www-form-urlencoded")
    with app.app_context():
        request = Strict(environ)
        with pytest.raises(RequestEntityTooLarge):
            request.form if door == "form" else request.get_data()  # noqa: B018
    with app.app_context():
        assert Request(_environ(body=b"a=123456", content_type="application/x-www-form-urlencoded")).form["a"] == "123456"


_JSON_BODIES = [b'{"a": [1, 2]}', b"[1,", b"", b'"\xff"', b"null"]
_JSON_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json ; charset=utf-8",
    "Application/JSON",
    "application/vnd.api+json",
    "text/plain",
    None,
]


def _json_outcome(request: t.Any, **options: t.Any) -> tuple[str, t.Any]:
    from werkzeug.exceptions import BadRequest, UnsupportedMediaType

    try:
        return ("value", request.get_json(**options))
    except UnsupportedMediaType:
        return ("415", None)
    except BadRequest:
        return ("400", None)


@pytest.mark.parametrize("content_type", _JSON_TYPES)
@pytest.mark.parametrize("body", _JSON_BODIES)
def test_get_json_matches_werkzeug(content_type: str | None, body: bytes) -> None:
    """The application/json shortcut gives Werkzeug's answers, cached the same way."""
    from kolba.wrappers import Request

    ours = Request(_environ(body=body, content_type=content_type))
    theirs = WerkzeugRequest(_environ(body=body, content_type=content_type))
    for options in ({"silent": True}, {}, {"force": True}, {"silent": True}):
        assert _json_outcome(ours, **options) == _json_outcome(theirs, **options)
    assert ours._cached_json == theirs._cached_json


def test_json_shortcut_steps_aside_for_a_custom_is_json() -> None:
    from kolba.wrappers import Request

    class TextIsJson(Request):
        @property
        def is_json(self) -> bool:
            return True

    class Plain(Request):
        pass

    assert Request._fast_json and Plain._fast_json and not TextIsJson._fast_json
    request = TextIsJson(_environ(body=b"[1]", content_type="text/plain"))
    assert request.get_json() == [1]


_HEADER_NAMES = st.sampled_from(
    ["X-Request-Id", "x-request-id", "X_REQUEST_ID", "Content-Type", "content-length",
     "Host", "Accept", "X-Missing", "", "-", "Cookie", "HTTP_HOST"]
)


@settings(max_examples=300, deadline=None)
@given(name=_HEADER_NAMES, default=st.sampled_from([None, "fallback", 0]))
def test_request_headers_get_matches_werkzeug(name: str, default: t.Any) -> None:
    from werkzeug.datastructures import EnvironHeaders

    from kolba.wrappers import RequestHeaders

    environ = {
        "HTTP_X_REQUEST_ID": "req-1",
        "HTTP_HOST": "example.com",
        "CONTENT_TYPE": "",
        "CONTENT_LENGTH": "12",
        "HTTP_HTTP_HOST": "odd",
        "HTTP_ACCEPT": "*/*",
    }
    ours, theirs = RequestHeaders(environ), EnvironHeaders(environ)
    assert ours.get(name, default) == theirs.get(name, default)
    assert ours.get(name) == theirs.get(name)
    assert ours.get(name, default, type=len) == theirs.get(name, default, type=len)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "", "é"]), st.text(max_size=3)), max_size=8))
def test_multidict_filled_directly_equals_the_constructor(pairs: list[tuple[str, str]]) -> None:
    from werkzeug.datastructures import ImmutableMultiDict, MultiDict

    from kolba.wrappers import multidict

    ours, theirs = multidict(ImmutableMultiDict, pairs), ImmutableMultiDict(pairs)
    assert _same_kind(ours, theirs)
    assert list(ours.items(multi=True)) == list(theirs.items(multi=True))
    assert ours == theirs and ours.to_dict(flat=False) == theirs.to_dict(flat=False)
    assert type(multidict(MultiDict, pairs)) is MultiDict


# -- the fast paths are taken ------------------------------------------------------------
# The tests above prove each fast path answers as Werkzeug does.  These prove
# it runs: a change that sends every request down Werkzeug's general code
# gives the same answers, only slower, and would pass them all.

_URLENCODED = "application/x-www-form-urlencoded"


def _werkzeug(name: str) -> str:
    return f"werkzeug.wrappers.request.Request.{name}"


def test_a_plain_body_is_read_without_werkzeugs_stream() -> None:
    from kolba.wrappers import Request
    from tests._calls import assert_not_called, calls_made

    request = Request(_environ(body=b"abc", content_type="text/plain"))
    data, called = calls_made(request.get_data)
    assert data == b"abc"
    assert_not_called(called, _werkzeug("get_data"), "kolba.wrappers.Request.stream")


def test_a_plain_urlencoded_form_is_parsed_without_werkzeugs_parser() -> None:
    from kolba.wrappers import Request
    from tests._calls import assert_not_called, calls_made

    request = Request(_environ(body=b"a=1&b=2", content_type=_URLENCODED))
    form, called = calls_made(lambda: request.form)
    assert form.to_dict() == {"a": "1", "b": "2"}
    assert_not_called(
        called, _werkzeug("_load_form_data"), _werkzeug("_get_stream_for_parsing"),
        "werkzeug.formparser.FormDataParser.parse", "kolba.wrappers.Request.stream",
    )


def test_a_plain_json_body_is_parsed_without_werkzeugs_get_json() -> None:
    from kolba.wrappers import Request
    from tests._calls import assert_not_called, calls_made

    request = Request(_environ(body=b'{"a": 1}', content_type="application/json"))
    value, called = calls_made(request.get_json)
    assert value == {"a": 1}
    assert_not_called(called, _werkzeug("get_json"), _werkzeug("is_json"))


def test_the_query_string_is_parsed_without_werkzeugs_parser() -> None:
    from kolba.wrappers import Request
    from tests._calls import assert_not_called, calls_made

    request = Request(_environ(query="a=1&b=%C3%A9"))
    args, called = calls_made(lambda: request.args)
    assert args.to_dict() == {"a": "1", "b": "é"}
    assert_not_called(called, "werkzeug.sansio.request.Request.args", "werkzeug.urls.url_decode")


def test_a_browser_cookie_header_is_split_without_werkzeugs_parser() -> None:
    from werkzeug.datastructures import ImmutableMultiDict

    from kolba.wrappers import parse_cookie_header
    from tests._calls import assert_not_called, calls_made

    for header in ("theme=dark; id=42", " theme=dark;id=42; ", "theme=dark; flag; id=42"):
        cookies, called = calls_made(lambda: parse_cookie_header(header, ImmutableMultiDict))
        assert {**cookies.to_dict(), "flag": ""} == {"theme": "dark", "id": "42", "flag": ""}, header
        assert_not_called(called, "werkzeug.sansio.http.parse_cookie")


def test_an_immutable_multidict_is_filled_without_its_constructor() -> None:
    from werkzeug.datastructures import ImmutableMultiDict, MultiDict

    from kolba.wrappers import multidict
    from tests._calls import assert_not_called, calls_made

    pairs = [("a", "1"), ("b", "2"), ("a", "3")]
    filled, called = calls_made(lambda: multidict(ImmutableMultiDict, pairs))
    assert filled == ImmutableMultiDict(pairs) and _same_kind(filled, ImmutableMultiDict(pairs))
    assert_not_called(called, "werkzeug.datastructures.structures.MultiDict.__init__")
    other = multidict(MultiDict, pairs)
    assert type(other) is MultiDict and other.getlist("a") == ["1", "3"]


@pytest.mark.parametrize(
    ("content_type", "plain"),
    [
        ("application/json", True),
        ("application/json;charset=utf-8", True),
        ("application/json; charset=utf-8", True),
        ("application/jsonx", False),
        ("application/json-seq", False),
        ("Application/JSON", False),  # valid, but left to Werkzeug's parser
        ("text/plain", False),
        ("", False),
        (None, False),
    ],
)
def test_is_json_content_type_knows_the_plain_spellings(content_type: str | None, plain: bool) -> None:
    from kolba.wrappers import _is_json_content_type

    assert _is_json_content_type(content_type) is plain


# -- odd environs and requests outside an app -----------------------------------------


def test_text_of_an_undecodable_body_matches_werkzeug() -> None:
    from kolba.wrappers import Request

    body = b"caf\xe9 \xff"
    ours = Request(_environ(body=body, content_type="text/plain"))
    theirs = WerkzeugRequest(_environ(body=body, content_type="text/plain"))
    assert ours.get_data(as_text=True) == theirs.get_data(as_text=True) == "caf\ufffd \ufffd"


def test_environ_without_a_method_is_get_as_in_werkzeug() -> None:
    from kolba.wrappers import Request

    environ = _environ()
    del environ["REQUEST_METHOD"]
    assert Request(environ).method == WerkzeugRequest(environ).method == "GET"


def test_limits_outside_an_app_are_werkzeugs() -> None:
    from kolba.wrappers import Request

    ours, theirs = Request(_environ()), WerkzeugRequest(_environ())
    assert ours.max_content_length == theirs.max_content_length
    assert ours.max_form_memory_size == theirs.max_form_memory_size == 500_000
    assert ours.max_form_parts == theirs.max_form_parts == 1_000


def test_limits_in_an_app_context_without_a_request_come_from_the_app() -> None:
    import kolba
    from kolba.wrappers import Request

    app = kolba.Kolba("limits_app")
    app.config.update(MAX_CONTENT_LENGTH=7, MAX_FORM_MEMORY_SIZE=8, MAX_FORM_PARTS=9)
    with app.app_context():
        request = Request(_environ())
        assert (request.max_content_length, request.max_form_memory_size, request.max_form_parts) == (7, 8, 9)


def test_header_names_asked_for_are_remembered_within_a_bound() -> None:
    from kolba.wrappers import _ENVIRON_KEYS, Request

    request = Request(_environ())
    for n in range(600):
        assert request.headers.get(f"X-Probe-{n}") is None
    assert len(_ENVIRON_KEYS) <= 512
    assert _ENVIRON_KEYS.get("X-Probe-0") == "HTTP_X_PROBE_0"


def test_a_subclass_reading_its_own_query_string_gets_args_from_it() -> None:
    from kolba.wrappers import Request

    class Rewritten(Request):
        @property
        def query_string(self) -> bytes:  # type: ignore[override]
            return b"rewritten=1"

    assert Rewritten(_environ(query="a=1")).args.to_dict() == {"rewritten": "1"}
    request = Request(_environ(query="a=1"))
    request.query_string = b"assigned=1"
    assert request.args.to_dict() == {"assigned": "1"}


def test_subclasses_pass_class_keywords_on() -> None:
    from kolba.wrappers import Request, Response

    with pytest.raises(TypeError):

        class Keyword(Request, unexpected=True):  # type: ignore[call-arg]
            pass

    with pytest.raises(TypeError):

        class KeywordResponse(Response, unexpected=True):  # type: ignore[call-arg]
            pass


def test_fields_without_escapes_are_not_percent_decoded() -> None:
    from kolba.wrappers import parse_urlencoded
    from tests._calls import assert_not_called, calls_made

    pairs, called = calls_made(lambda: parse_urlencoded("a=1&b+c=d+e"))
    assert pairs == [("a", "1"), ("b c", "d e")]
    assert_not_called(called, "kolba.wrappers._percent_decode")
