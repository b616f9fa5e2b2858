"""JSON: the default provider, jsonify, the kolba.json helpers, orjson."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import io
import json
import typing as t
import uuid

import pytest
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

import kolba
import kolba.json
from kolba.json.provider import DefaultJSONProvider, JSONProvider


@dataclasses.dataclass
class Point:
    x: int
    y: int


class HTMLish:
    def __html__(self) -> Markup:
        return Markup("<em>hi</em>")


class Unknown:
    pass


class StandInApp:
    """The two attributes a provider reads from its app."""

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug
        self.response_class = WerkzeugResponse


UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")

EXTRA_TYPES = [
    (datetime.datetime(2020, 1, 2, 3, 4, 5), '"Thu, 02 Jan 2020 03:04:05 GMT"'),
    (
        datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        '"Thu, 02 Jan 2020 01:04:05 GMT"',
    ),
    (datetime.date(2020, 1, 2), '"Thu, 02 Jan 2020 00:00:00 GMT"'),
    (decimal.Decimal("1.10"), '"1.10"'),
    (UUID, '"12345678-1234-5678-1234-567812345678"'),
    (Point(1, 2), '{"x": 1, "y": 2}'),
    (Markup("<b>x</b>"), '"<b>x</b>"'),
    (HTMLish(), '"<em>hi</em>"'),
]


# -- kolba.json outside an application context ------------------------------------


def test_dumps_without_app_is_plain_json_with_extra_types() -> None:
    assert kolba.json.dumps({"b": 1, "a": "\u00e9"}) == '{"b": 1, "a": "\\u00e9"}'
    assert kolba.json.dumps(decimal.Decimal("2.5")) == '"2.5"'
    assert kolba.json.dumps({"b": 1, "a": 2}, sort_keys=True, separators=(",", ":")) == (
        '{"a":2,"b":1}'
    )
    with pytest.raises(TypeError, match="Object of type Unknown is not JSON serializable"):
        kolba.json.dumps(Unknown())


def test_dump_load_loads_without_app() -> None:
    out = io.StringIO()
    kolba.json.dump({"when": datetime.date(2020, 1, 2)}, out)
    assert out.getvalue() == '{"when": "Thu, 02 Jan 2020 00:00:00 GMT"}'
    assert kolba.json.load(io.StringIO('{"a": [1, 2]}')) == {"a": [1, 2]}
    assert kolba.json.load(io.BytesIO(b'{"a": null}')) == {"a": None}
    assert kolba.json.loads('{"a": 1}') == {"a": 1}
    assert kolba.json.loads(b'"\xc3\xa9"') == "\u00e9"
    assert kolba.json.loads("1.5", parse_float=decimal.Decimal) == decimal.Decimal("1.5")


def test_jsonify_needs_an_app() -> None:
    with pytest.raises(RuntimeError, match="application context"):
        kolba.jsonify(a=1)


# -- the default provider ---------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), EXTRA_TYPES)
def test_default_provider_extra_types(app: kolba.Kolba, value: t.Any, expected: str) -> None:
    assert app.json.dumps(value) == expected
    compact = json.dumps(json.loads(expected), separators=(",", ":"))
    assert app.json.dumps([value], separators=(",", ":")) == f"[{compact}]"


def test_default_provider_rejects_unknown_types(app: kolba.Kolba) -> None:
    with pytest.raises(TypeError, match="^Object of type Unknown is not JSON serializable$"):
        app.json.dumps({"a": Unknown()})
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        app.json.dumps({1, 2}, separators=(",", ":"))


def test_default_provider_circular_and_deep_data(app: kolba.Kolba) -> None:
    loop: list[t.Any] = []
    loop.append(loop)
    for kwargs in ({}, {"separators": (",", ":")}, {"indent": 2}):
        with pytest.raises(ValueError, match="Circular reference detected"):
            app.json.dumps(loop, **kwargs)
    deep: list[t.Any] = []
    for _ in range(200_000):
        deep = [deep]
    with pytest.raises(RecursionError):
        app.json.dumps(deep, separators=(",", ":"))


def test_default_provider_sorts_keys_and_escapes_by_default(app: kolba.Kolba) -> None:
    data = {"b": "\u00e9\U0001f600", "a": [1, 2.5, None, True]}
    assert app.json.dumps(data) == '{"a": [1, 2.5, null, true], "b": "\\u00e9\\ud83d\\ude00"}'
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    assert app.json.dumps(data) == '{"b": "\u00e9\U0001f600", "a": [1, 2.5, null, true]}'


def test_default_provider_keyword_arguments_win(app: kolba.Kolba) -> None:
    data = {"b": 1, "a": "\u00e9"}
    assert app.json.dumps(data, sort_keys=False) == '{"b": 1, "a": "\\u00e9"}'
    assert app.json.dumps(data, ensure_ascii=False) == '{"a": "\u00e9", "b": 1}'
    assert app.json.dumps(data, indent=1) == '{\n "a": "\\u00e9",\n "b": 1\n}'
    assert app.json.dumps(Unknown(), default=lambda o: "converted") == '"converted"'
    assert app.json.dumps({1: 2}) == '{"1": 2}'


def test_default_attribute_can_be_replaced(app: kolba.Kolba) -> None:
    app.json.default = lambda o: f"<{type(o).__name__}>"  # type: ignore[attr-defined]
    assert app.json.dumps([Unknown()]) == '["<Unknown>"]'
    with app.app_context():
        assert kolba.jsonify(Unknown()).get_data() == b'"<Unknown>"\n'


def test_default_provider_loads(app: kolba.Kolba) -> None:
    assert app.json.loads('{"a": [1, 2]}') == {"a": [1, 2]}
    assert app.json.loads(b'{"a": "\xc3\xa9"}') == {"a": "\u00e9"}
    assert app.json.load(io.StringIO("[true]")) == [True]
    with pytest.raises(ValueError):
        app.json.loads("{")


def test_provider_keeps_a_weak_proxy_to_the_app() -> None:
    stand_in = StandInApp()
    provider = DefaultJSONProvider(stand_in)  # type: ignore[arg-type]
    assert provider._app.debug is False
    del stand_in
    with pytest.raises(ReferenceError):
        provider._app.debug


def test_provider_class_attributes() -> None:
    assert DefaultJSONProvider.ensure_ascii is True
    assert DefaultJSONProvider.sort_keys is True
    assert DefaultJSONProvider.compact is None
    assert DefaultJSONProvider.mimetype == "application/json"


# -- response() and jsonify -------------------------------------------------------


def test_response_is_compact_with_trailing_newline(app: kolba.Kolba) -> None:
    rv = app.json.response({"b": [1, 2], "a": "\u00e9"})
    assert rv.mimetype == "application/json"
    assert rv.headers["Content-Type"] == "application/json"
    assert rv.get_data() == b'{"a":"\\u00e9","b":[1,2]}\n'


def test_response_is_indented_in_debug_mode(app: kolba.Kolba) -> None:
    app.debug = True
    rv = app.json.response({"b": [1, 2], "a": {}})
    assert rv.get_data() == b'{\n  "a": {},\n  "b": [\n    1,\n    2\n  ]\n}\n'


@pytest.mark.parametrize(
    ("compact", "debug", "expected"),
    [
        (None, False, b'{"a":[1]}\n'),
        (None, True, b'{\n  "a": [\n    1\n  ]\n}\n'),
        (True, True, b'{"a":[1]}\n'),
        (False, False, b'{\n  "a": [\n    1\n  ]\n}\n'),
    ],
)
def test_response_compact_setting(
    app: kolba.Kolba, compact: bool | None, debug: bool, expected: bytes
) -> None:
    app.debug = debug
    app.json.compact = compact  # type: ignore[attr-defined]
    assert app.json.response({"a": [1]}).get_data() == expected


def test_response_mimetype_setting(app: kolba.Kolba) -> None:
    app.json.mimetype = "application/vnd.api+json"  # type: ignore[attr-defined]
    rv = app.json.response([1])
    assert rv.mimetype == "application/vnd.api+json"
    assert rv.get_data() == b"[1]\n"


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((), {}, b"null\n"),
        ((1,), {}, b"1\n"),
        (([1, 2],), {}, b"[1,2]\n"),
        ((1, "two", None), {}, b'[1,"two",null]\n'),
        ((), {"b": 2, "a": 1}, b'{"a":1,"b":2}\n'),
        (({"x": decimal.Decimal("1.5")},), {}, b'{"x":"1.5"}\n'),
    ],
)
def test_jsonify_argument_rules(
    app_ctx: t.Any, args: tuple[t.Any, ...], kwargs: dict[str, t.Any], expected: bytes
) -> None:
    rv = kolba.jsonify(*args, **kwargs)
    assert rv.status_code == 200
    assert rv.mimetype == "application/json"
    assert rv.get_data() == expected


def test_jsonify_rejects_args_and_kwargs_together(app_ctx: t.Any) -> None:
    with pytest.raises(TypeError, match="either args or kwargs, not both"):
        kolba.jsonify(1, a=2)


def test_jsonify_is_the_app_response_class(app: kolba.Kolba) -> None:
    with app.app_context():
        assert isinstance(kolba.jsonify(a=1), app.response_class)


@pytest.mark.parametrize("base", ["app", "werkzeug"])
def test_jsonify_runs_a_custom_response_constructor(app: kolba.Kolba, base: str) -> None:
    """A response class with its own ``__init__`` gets it called by jsonify."""
    parent: t.Any = app.response_class if base == "app" else WerkzeugResponse

    class Stamped(parent):  # type: ignore[misc, valid-type]
        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            self.headers["X-Stamp"] = "yes"

    app.response_class = Stamped
    with app.app_context():
        response = kolba.jsonify(a=1)
    assert type(response) is Stamped
    assert response.headers["X-Stamp"] == "yes"
    assert response.get_json() == {"a": 1}
    assert response.mimetype == "application/json"


class AlwaysDebugging(kolba.Kolba):
    """An app whose debug mode is its own, not the config's."""

    @property
    def debug(self) -> bool:  # type: ignore[override]
        return True


@pytest.mark.parametrize("view", ["jsonify", "dict"])
def test_a_subclass_that_defines_debug_decides_the_layout(view: str) -> None:
    app = AlwaysDebugging(__name__)
    app.config["DEBUG"] = False

    @app.route("/")
    def answer() -> t.Any:
        return kolba.jsonify(a=[1]) if view == "jsonify" else {"a": [1]}

    assert app.test_client().get("/").data == b'{\n  "a": [\n    1\n  ]\n}\n'


@pytest.mark.kolba_only
def test_the_app_says_whether_debug_is_the_configs() -> None:
    assert kolba.Kolba(__name__)._debug_is_config is True
    assert AlwaysDebugging(__name__)._debug_is_config is False


@pytest.mark.parametrize("debug", [False, True])
def test_returned_dicts_and_lists_match_jsonify(app: kolba.Kolba, debug: bool) -> None:
    app.debug = debug
    data = {"z": [1, 2.5, None], "a": {"nested": "\u00e9"}, "when": datetime.date(2020, 1, 2)}

    @app.route("/dict")
    def as_dict() -> t.Any:
        return data

    @app.route("/list")
    def as_list() -> t.Any:
        return [data, 1]

    @app.route("/jsonify")
    def via_jsonify() -> t.Any:
        return kolba.jsonify(data)

    client = app.test_client()
    expected = client.get("/jsonify")
    got = client.get("/dict")
    assert got.get_data() == expected.get_data()
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Content-Length"] == str(len(expected.get_data()))
    assert client.get("/list").get_data() == app.json.response([data, 1]).get_data()
    assert client.get("/list").get_json() == [json.loads(expected.get_data()), 1]


# -- the helpers follow the app's provider ----------------------------------------


class ShoutingProvider(DefaultJSONProvider):
    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        return super().dumps(obj, **kwargs).upper()

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        return {"loaded": super().loads(s, **kwargs)}


def test_helpers_use_the_app_provider_in_a_context(app: kolba.Kolba) -> None:
    app.json = ShoutingProvider(app)
    with app.app_context():
        assert kolba.json.dumps({"b": "x", "a": 1}) == '{"A": 1, "B": "X"}'
        out = io.StringIO()
        kolba.json.dump(["x"], out)
        assert out.getvalue() == '["X"]'
        assert kolba.json.loads("1") == {"loaded": 1}
        assert kolba.json.load(io.StringIO("2")) == {"loaded": 2}
        assert kolba.jsonify(a="b").get_data() == b'{"A":"B"}\n'
    assert kolba.json.dumps({"b": "x", "a": 1}) == '{"b": "x", "a": 1}'


def test_overridden_dumps_shapes_view_responses(app: kolba.Kolba) -> None:
    app.json = ShoutingProvider(app)

    @app.route("/")
    def index() -> t.Any:
        return {"b": "x", "a": 1}

    rv = app.test_client().get("/")
    assert rv.get_data() == b'{"A":1,"B":"X"}\n'


class EnvelopeProvider(DefaultJSONProvider):
    def response(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        rv = super().response({"data": self._prepare_response_obj(args, kwargs)})
        rv.headers["X-Envelope"] = "yes"
        return rv


def test_overridden_response_shapes_view_responses(app: kolba.Kolba) -> None:
    app.json = EnvelopeProvider(app)

    @app.route("/")
    def index() -> t.Any:
        return [1, 2]

    rv = app.test_client().get("/")
    assert rv.get_data() == b'{"data":[1,2]}\n'
    assert rv.headers["X-Envelope"] == "yes"


def test_jsonify_keyword_arguments_go_through_an_overridden_response(app: kolba.Kolba) -> None:
    app.json = EnvelopeProvider(app)

    @app.route("/")
    def index() -> t.Any:
        return kolba.jsonify(a=1, b="x")

    rv = app.test_client().get("/")
    assert rv.get_data() == b'{"data":{"a":1,"b":"x"}}\n'
    assert rv.headers["X-Envelope"] == "yes"


class MinimalProvider(JSONProvider):
    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        return json.dumps(obj, sort_keys=True)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        return json.loads(s)


def test_base_provider_defaults(app: kolba.Kolba) -> None:
    app.json = MinimalProvider(app)

    @app.route("/")
    def index() -> t.Any:
        return {"b": 1, "a": 2}

    rv = app.test_client().get("/")
    assert rv.get_data() == b'{"a": 2, "b": 1}'
    assert rv.mimetype == "application/json"
    out = io.StringIO()
    app.json.dump([1], out)
    assert out.getvalue() == "[1]"
    assert app.json.load(io.BytesIO(b"[2]")) == [2]
    with pytest.raises(TypeError, match="either args or kwargs"):
        app.json.response(1, a=1)
    assert app.json.response().get_data() == b"null"


def test_base_provider_methods_are_abstract() -> None:
    provider = JSONProvider(StandInApp())  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        provider.dumps(1)
    with pytest.raises(NotImplementedError):
        provider.loads("1")


def test_request_get_json_uses_the_app_provider(app: kolba.Kolba) -> None:
    app.json = ShoutingProvider(app)

    @app.route("/", methods=["POST"])
    def index() -> t.Any:
        return kolba.request.get_json()

    rv = app.test_client().post("/", json={"a": 1})
    assert rv.get_data() == b'{"LOADED":{"A":1}}\n'


# -- Kolba's fast path: dumps_for_response and cached encoders --------------------


@pytest.mark.kolba_only
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("compact", [None, True, False])
def test_dumps_for_response_is_the_response_body(debug: bool, compact: bool | None) -> None:
    stand_in = StandInApp(debug)
    provider = DefaultJSONProvider(stand_in)  # type: ignore[arg-type]
    provider.compact = compact
    data = {"b": [1, {"c": None}], "a": "\u00e9", "d": datetime.date(2020, 1, 2)}
    body = provider.dumps_for_response(data)
    assert body.encode() == provider.response(data).get_data()
    assert body.endswith("\n")
    assert provider.fast_response_mimetype() == "application/json"
    provider.mimetype = "text/x-json"
    assert provider.fast_response_mimetype() == "text/x-json"


@pytest.mark.kolba_only
@pytest.mark.parametrize("compact", [None, True, False])
def test_dumps_for_response_takes_the_callers_debug_mode(compact: bool | None) -> None:
    stand_in = StandInApp(debug=True)
    provider = DefaultJSONProvider(stand_in)  # type: ignore[arg-type]
    provider.compact = compact
    indented = "[\n  1\n]\n"
    assert provider.dumps_for_response([1], True) == ("[1]\n" if compact else indented)
    # The caller's mode wins over the app's (which is on here).
    assert provider.dumps_for_response([1], False) == (indented if compact is False else "[1]\n")
    # Without it, the app's own ``debug`` is read.
    assert provider.dumps_for_response([1]) == provider.dumps_for_response([1], True)
    stand_in.debug = False
    assert provider.dumps_for_response([1]) == provider.dumps_for_response([1], False)


@pytest.mark.kolba_only
def test_fast_path_defers_to_customised_providers() -> None:
    stand_in = StandInApp()
    shouting = ShoutingProvider(stand_in)  # type: ignore[arg-type]
    assert shouting.dumps_for_response({"a": "x"}) == '{"A":"X"}\n'
    assert shouting.fast_response_mimetype() == "application/json"
    assert EnvelopeProvider(stand_in).fast_response_mimetype() is None  # type: ignore[arg-type]
    minimal = MinimalProvider(stand_in)  # type: ignore[arg-type]
    assert minimal.fast_response_mimetype() == "application/json"
    assert minimal.dumps_for_response({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


@pytest.mark.kolba_only
def test_default_settings_reuse_one_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = DefaultJSONProvider(stand_in := StandInApp())  # type: ignore[arg-type]
    provider.dumps({"warm": "up"})
    provider.dumps_for_response({"warm": "up"})
    stand_in.debug = True
    provider.dumps_for_response({"warm": "up"})
    built: list[json.JSONEncoder] = []
    original_init = json.JSONEncoder.__init__

    def counting_init(self: json.JSONEncoder, *args: t.Any, **kwargs: t.Any) -> None:
        built.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(json.JSONEncoder, "__init__", counting_init)
    for _ in range(3):
        assert provider.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
        assert provider.dumps_for_response([1]) == "[\n  1\n]\n"
    assert built == []
    stand_in.debug = False
    assert provider.dumps_for_response({"b": 1, "a": 2}) == '{"a":2,"b":1}\n'
    assert provider.dumps({"a": 1}, indent=3) == '{\n   "a": 1\n}'
    assert len(built) == 1  # only the call with unusual keyword arguments


@pytest.mark.kolba_only
def test_changed_settings_are_honoured_after_caching() -> None:
    provider = DefaultJSONProvider(stand_in := StandInApp())  # type: ignore[arg-type]
    data = {"b": "\u00e9", "a": 1}
    assert provider.dumps_for_response(data) == '{"a":1,"b":"\\u00e9"}\n'
    provider.ensure_ascii = False
    provider.sort_keys = False
    assert provider.dumps_for_response(data) == '{"b":"\u00e9","a":1}\n'
    provider.default = lambda o: "custom"  # type: ignore[method-assign, assignment]
    assert provider.dumps([Unknown()]) == '["custom"]'
    assert stand_in.debug is False


# -- OrJSONProvider -----------------------------------------------------------------


class Color(enum.Enum):
    RED = "red"


ORDINARY_DATA: list[t.Any] = [
    None,
    True,
    0,
    -17,
    2**63,
    2**64 + 1,
    -(2**63) - 1,
    1.5,
    -0.0,
    0.1,
    1e16,
    1e-4,
    3.5e-5,
    1e-7,
    5e-324,
    1.7976931348623157e308,
    "",
    "plain",
    "quote \" backslash \\ slash / controls \x00\x1f\n\t\r\b\f",
    "del \x7f latin \u00e9 euro \u20ac line-sep \u2028 astral \U0001f600",
    "text with e-1 and 0.00001 in it",
    [],
    {},
    [[], {}, [[]]],
    {"b": 1, "a": {"d": [1, 2], "c": None}, "\u00e9": 2, "A": 3, "": 4},
    {1: "int key", 2: "x"},
    {"when": datetime.datetime(2020, 1, 2, 3, 4, 5), "day": datetime.date(2021, 5, 6)},
    {"d": decimal.Decimal("1.10"), "u": UUID, "p": Point(1, 2), "m": Markup("<b>")},
    (1, "tuple"),
]


@pytest.fixture
def orjson_provider_class() -> type[DefaultJSONProvider]:
    pytest.importorskip("orjson")
    from kolba.json.provider import OrJSONProvider

    return OrJSONProvider


@pytest.mark.kolba_only
@pytest.mark.parametrize("value", ORDINARY_DATA, ids=repr)
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_orjson_response_bodies_are_byte_identical(
    orjson_provider_class: type[DefaultJSONProvider],
    value: t.Any,
    debug: bool,
    ensure_ascii: bool,
) -> None:
    stand_in = StandInApp(debug)
    standard = DefaultJSONProvider(stand_in)  # type: ignore[arg-type]
    fast = orjson_provider_class(stand_in)  # type: ignore[arg-type]
    standard.ensure_ascii = fast.ensure_ascii = ensure_ascii
    assert fast.response(value).get_data() == standard.response(value).get_data()
    assert fast.dumps_for_response(value) == standard.dumps_for_response(value)
    assert fast.dumps(value) == standard.dumps(value)
    assert fast.dumps(value, separators=(",", ":")) == standard.dumps(value, separators=(",", ":"))
    assert isinstance(fast.dumps(value), str)


@pytest.mark.kolba_only
def test_orjson_unsorted_keys_keep_insertion_order(
    orjson_provider_class: type[DefaultJSONProvider],
) -> None:
    fast = orjson_provider_class(stand_in := StandInApp())  # type: ignore[arg-type]
    fast.sort_keys = False
    assert fast.dumps_for_response({"b": 1, "a": 2}) == '{"b":1,"a":2}\n'
    assert stand_in.debug is False


@pytest.mark.kolba_only
def test_orjson_errors_match_the_standard_library(
    orjson_provider_class: type[DefaultJSONProvider],
) -> None:
    stand_in = StandInApp()
    fast = orjson_provider_class(stand_in)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^Object of type Unknown is not JSON serializable$"):
        fast.dumps_for_response({"a": Unknown()})
    loop: list[t.Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference detected"):
        fast.dumps_for_response(loop)
    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None"):
        fast.dumps_for_response({(1, 2): 1})


@pytest.mark.kolba_only
def test_orjson_known_differences(orjson_provider_class: type[DefaultJSONProvider]) -> None:
    stand_in = StandInApp()
    standard = DefaultJSONProvider(stand_in)  # type: ignore[arg-type]
    fast = orjson_provider_class(stand_in)  # type: ignore[arg-type]
    nan = float("nan")
    assert standard.dumps_for_response([nan]) == "[NaN]\n"
    assert fast.dumps_for_response([nan]) == "[null]\n"
    with pytest.raises(TypeError):
        standard.dumps_for_response(Color.RED)
    assert fast.dumps_for_response(Color.RED) == '"red"\n'


@pytest.mark.kolba_only
@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2.5, null, true], "b": "\\u00e9"}',
        "18446744073709551616",
        "-9223372036854775809",
        "12345678901234567890.5",
        "1e400",
        "NaN",
        "[-Infinity]",
        '"\\ud800"',
        "  [1]  ",
    ],
)
def test_orjson_loads_matches_the_standard_library(
    orjson_provider_class: type[DefaultJSONProvider], text: str
) -> None:
    fast = orjson_provider_class(StandInApp())  # type: ignore[arg-type]
    for source in (text, text.encode()):
        got = fast.loads(source)
        assert repr(got) == repr(json.loads(source))
        assert type(got) is type(json.loads(source))


@pytest.mark.kolba_only
@pytest.mark.parametrize("text", ["{", "[1,]", "", b"\xff", "[1] x"])
def test_orjson_loads_errors_match(
    orjson_provider_class: type[DefaultJSONProvider], text: str | bytes
) -> None:
    fast = orjson_provider_class(StandInApp())  # type: ignore[arg-type]
    with pytest.raises(ValueError) as expected:
        json.loads(text)
    with pytest.raises(ValueError) as got:
        fast.loads(text)
    assert type(got.value) is type(expected.value)
    assert str(got.value) == str(expected.value)


@pytest.mark.kolba_only
def test_orjson_provider_as_app_provider(
    app: kolba.Kolba, orjson_provider_class: type[DefaultJSONProvider]
) -> None:
    app.json = orjson_provider_class(app)

    @app.route("/", methods=["POST"])
    def echo() -> t.Any:
        return {"got": kolba.request.get_json(), "name": "Zo\u00eb"}

    rv = app.test_client().post("/", json={"b": [1, 2], "a": None})
    assert rv.get_data() == b'{"got":{"a":null,"b":[1,2]},"name":"Zo\\u00eb"}\n'
    assert rv.mimetype == "application/json"


def test_extra_types_are_tried_in_order(app: kolba.Kolba) -> None:
    @dataclasses.dataclass
    class HTMLRecord:
        name: str

        def __html__(self) -> str:
            return "<b>record</b>"

    class Day(datetime.date):
        def __html__(self) -> str:
            return "<i>day</i>"

    with app.app_context():
        assert kolba.json.dumps(HTMLRecord("x")) == '{"name": "x"}'
        assert kolba.json.dumps(Day(2024, 1, 2)) == '"Tue, 02 Jan 2024 00:00:00 GMT"'
    assert kolba.json.dumps(HTMLRecord("x"), indent=None) == '{"name": "x"}'


def test_dumps_without_app_keeps_extra_types_with_options() -> None:
    assert kolba.json.dumps([decimal.Decimal("1.10")], indent=1) == '[\n "1.10"\n]'
    out = io.StringIO()
    kolba.json.dump(decimal.Decimal("3"), out, sort_keys=True)
    assert out.getvalue() == '"3"'
