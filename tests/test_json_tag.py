"""Tagged JSON: round trips, exact wire format, and tag registration."""

from __future__ import annotations

import typing as t
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest
from markupsafe import Markup

import kolba
from kolba.json.tag import (
    JSONTag,
    PassDict,
    PassList,
    TagBytes,
    TagDateTime,
    TagDict,
    TaggedJSONSerializer,
    TagMarkup,
    TagTuple,
    TagUUID,
)

AWARE = datetime(2021, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
SOME_UUID = UUID("12345678-1234-5678-1234-567812345678")


class HasHTML:
    """Any object following the ``__html__`` protocol."""

    def __html__(self) -> str:
        return "<em>hi</em>"


@pytest.fixture
def s() -> TaggedJSONSerializer:
    return TaggedJSONSerializer()


@pytest.mark.parametrize(
    "value",
    [
        {" t": (1, 2, 3)},
        {" t__": b"x"},
        {" di": 1},
        {" t": "not a tuple"},
        {"a": (1, [2, (3, b"\xff")]), "b": {"c": {" u": "x"}}},
        (),
        (1,),
        [(1, 2), {"x": (3,)}],
        b"",
        b"\x00\x01binary\xfe",
        Markup("<b>safe</b>"),
        SOME_UUID,
        AWARE,
        "plain",
        12,
        1.5,
        True,
        None,
        [],
        {},
        {"": 1},
        {"unicode ü": "√"},
    ],
)
def test_round_trip(s: TaggedJSONSerializer, value: t.Any) -> None:
    loaded = s.loads(s.dumps(value))
    assert loaded == value
    assert type(loaded) is type(value)


def test_round_trip_inside_app_context(app: kolba.Kolba, s: TaggedJSONSerializer) -> None:
    value = {"z": (b"1", SOME_UUID), "a": [AWARE, Markup("&amp;")]}
    with app.app_context():
        assert s.loads(s.dumps(value)) == value


def test_nested_types_are_restored(s: TaggedJSONSerializer) -> None:
    value = {"k": [(b"a", (SOME_UUID,)), {"m": Markup("<i>")}]}
    loaded = s.loads(s.dumps(value))
    inner = loaded["k"][0]
    assert isinstance(inner, tuple) and isinstance(inner[1], tuple)
    assert inner[0] == b"a" and inner[1][0] == SOME_UUID
    assert isinstance(loaded["k"][1]["m"], Markup)


def test_exact_wire_format_in_app_context(app: kolba.Kolba, s: TaggedJSONSerializer) -> None:
    value = {
        "b": (1, b"\x00x", Markup("<b>"), UUID(int=5), datetime(2020, 1, 2, 3, 4, 5)),
        "a": {" t": [1]},
        "é": "ü",
    }
    expected = (
        '{"a":{" di":{" t__":[1]}},"b":{" t":[1,{" b":"AHg="},{" m":"<b>"},'
        '{" u":"00000000000000000000000000000005"},'
        '{" d":"Thu, 02 Jan 2020 03:04:05 GMT"}]},"\\u00e9":"\\u00fc"}'
    )
    with app.app_context():
        assert s.dumps(value) == expected


def test_loads_accepts_bytes(s: TaggedJSONSerializer) -> None:
    assert s.loads(b'{"x":{" t":[1,2]}}') == {"x": (1, 2)}


def test_dict_colliding_with_tag_is_wrapped(s: TaggedJSONSerializer) -> None:
    assert s.tag({" t": [1]}) == {" di": {" t__": [1]}}
    assert s.tag({" t": 1, "other": 2}) == {" t": 1, "other": 2}
    assert s.loads(s.dumps({" di": {" t": 5}})) == {" di": {" t": 5}}


def test_tag_output_for_each_type(s: TaggedJSONSerializer) -> None:
    assert s.tag((1, b"ab")) == {" t": [1, {" b": "YWI="}]}
    assert s.tag(SOME_UUID) == {" u": SOME_UUID.hex}
    assert s.tag(AWARE) == {" d": "Thu, 04 Mar 2021 05:06:07 GMT"}
    assert s.tag(HasHTML()) == {" m": "<em>hi</em>"}
    assert s.tag([1, (2,)]) == [1, {" t": [2]}]
    assert s.tag({"a": b""}) == {"a": {" b": ""}}
    assert s.tag("text") == "text"


def test_html_object_loads_as_markup(s: TaggedJSONSerializer) -> None:
    loaded = s.loads(s.dumps(HasHTML()))
    assert loaded == Markup("<em>hi</em>")
    assert isinstance(loaded, Markup)


def test_naive_datetime_loads_as_utc_whole_seconds(s: TaggedJSONSerializer) -> None:
    naive = datetime(2022, 5, 6, 7, 8, 9, 123456)
    loaded = s.loads(s.dumps(naive))
    assert loaded == datetime(2022, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    other_zone = datetime(2022, 5, 6, 9, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    assert s.loads(s.dumps(other_zone)) == loaded


def test_untag_leaves_unknown_shapes(s: TaggedJSONSerializer) -> None:
    assert s.untag({" nope": 1}) == {" nope": 1}
    assert s.untag({" t": [1], "x": 2}) == {" t": [1], "x": 2}
    assert s.untag({" t": [1, 2]}) == (1, 2)
    assert s.untag({" b": "YQ=="}) == b"a"


def test_default_tags_and_order() -> None:
    assert TaggedJSONSerializer.default_tags == [
        TagDict, PassDict, TagTuple, PassList, TagBytes, TagMarkup, TagUUID, TagDateTime,
    ]
    s = TaggedJSONSerializer()
    assert [type(tag) for tag in s.order] == TaggedJSONSerializer.default_tags
    assert set(s.tags) == {" di", " t", " b", " m", " u", " d"}
    assert all(tag.serializer is s for tag in s.order)


def test_base_tag_methods_are_abstract(s: TaggedJSONSerializer) -> None:
    tag = JSONTag(s)
    assert tag.key == ""
    for method in (tag.check, tag.to_json, tag.to_python):
        with pytest.raises(NotImplementedError):
            method(1)


class TagOrderedDict(JSONTag):
    __slots__ = ("serializer",)
    key = " od"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, OrderedDict)

    def to_json(self, value: t.Any) -> t.Any:
        return [[k, self.serializer.tag(v)] for k, v in value.items()]

    def to_python(self, value: t.Any) -> t.Any:
        return OrderedDict(value)


def test_register_custom_tag_before_dict(s: TaggedJSONSerializer) -> None:
    s.register(TagOrderedDict, index=0)
    assert isinstance(s.order[0], TagOrderedDict)
    value = OrderedDict([("b", (1,)), ("a", 2)])
    loaded = s.loads(s.dumps(value))
    assert type(loaded) is OrderedDict
    assert list(loaded.items()) == [("b", (1,)), ("a", 2)]


def test_register_appended_tag_loses_to_earlier_match(s: TaggedJSONSerializer) -> None:
    s.register(TagOrderedDict)
    assert isinstance(s.order[-1], TagOrderedDict)
    loaded = s.loads(s.dumps(OrderedDict(a=1)))
    assert type(loaded) is dict


def test_register_duplicate_key_raises(s: TaggedJSONSerializer) -> None:
    with pytest.raises(KeyError, match="' t' is already registered"):
        s.register(TagTuple)


class ListTuple(JSONTag):
    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        return list(value)

    def to_python(self, value: t.Any) -> t.Any:
        return ["from", "custom", *value]


def test_register_force_replaces_loader(s: TaggedJSONSerializer) -> None:
    s.register(ListTuple, force=True, index=0)
    assert isinstance(s.tags[" t"], ListTuple)
    assert s.loads(s.dumps((1, 2))) == ["from", "custom", 1, 2]


def test_tag_without_key_is_not_indexed(s: TaggedJSONSerializer) -> None:
    class PassSet(JSONTag):
        __slots__ = ()

        def check(self, value: t.Any) -> bool:
            return isinstance(value, set)

        def tag(self, value: t.Any) -> t.Any:
            return sorted(value)

    before = dict(s.tags)
    s.register(PassSet)
    s.register(PassSet)
    assert s.tags == before
    assert s.dumps({3, 1, 2}) == "[1,2,3]"


INTEROP_VALUES = [
    {"t": (1, b"2", [SOME_UUID]), "m": Markup("<p>"), "d": AWARE, " b": {" t": 1}},
    {" di": {" t": (1,)}},
    {" t__": [1]},
    [(), (1, (2, (3,))), b"", b"\xff\x00"],
    {"naive": datetime(2020, 2, 29, 23, 59, 59, 999999)},
    {"z": 1, "a": {"y": [None, True, 1.5, "\u00e9\U0001f600"]}},
    (HasHTML(), "plain", 0),
    "just text",
    None,
]


@pytest.mark.parametrize("value", INTEROP_VALUES)
def test_flask_and_kolba_serializers_write_the_same_text(app: kolba.Kolba, value: t.Any) -> None:
    import flask
    from flask.json.tag import TaggedJSONSerializer as FlaskSerializer

    flask_app = flask.Flask("flask_side")
    assert TaggedJSONSerializer().dumps(value) == FlaskSerializer().dumps(value)
    with flask_app.app_context():
        flask_text = FlaskSerializer().dumps(value)
    with app.app_context():
        assert TaggedJSONSerializer().dumps(value) == flask_text


@pytest.mark.parametrize("value", INTEROP_VALUES)
def test_flask_and_kolba_serializers_read_each_other(value: t.Any) -> None:
    from flask.json.tag import TaggedJSONSerializer as FlaskSerializer

    kolba_side, flask_side = TaggedJSONSerializer(), FlaskSerializer()
    from_flask = kolba_side.loads(flask_side.dumps(value))
    from_kolba = flask_side.loads(kolba_side.dumps(value))
    assert from_flask == from_kolba == flask_side.loads(flask_side.dumps(value))
    assert _types(from_flask) == _types(from_kolba)


def _types(value: t.Any) -> t.Any:
    """The type tree of a loaded value, to compare more than equality."""
    if isinstance(value, dict):
        return {key: _types(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value), [_types(item) for item in value])
    return type(value)
