"""Kolba's quicker JSON reading gives what ``json.loads`` gives, errors included."""

from __future__ import annotations

import json
import typing as t
import uuid
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from kolba.json.tag import JSONTag, TaggedJSONSerializer

pytestmark = pytest.mark.kolba_only
parse = pytest.importorskip("kolba.json.parsing", reason="Flask has no such module").parse

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8), st.sampled_from([" t", " di", " b", "\\", '"', " ", "\u00e9", "\U0001f600"]),
)
_keys = st.one_of(st.text(max_size=6), st.sampled_from([" t", " di", " b", " m", " u", " d", "a b", " "]))
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def documents(draw: st.DrawFn) -> str | bytes:
    """JSON documents as a client or a cookie might carry them, good and bad."""
    value = draw(json_values)
    text = json.dumps(
        value,
        separators=draw(st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : ")])),
        ensure_ascii=draw(st.booleans()),
        indent=draw(st.sampled_from([None, 2])),
    )
    text = draw(st.sampled_from(["", " ", "\n", "\ufeff"])) + text + draw(st.sampled_from(["", " ", "\n", "x", "]", "{}"]))
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # cut short
    encoding = draw(st.sampled_from([None, "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32-be", "latin-1"]))
    if encoding is None:
        return text
    return text.encode(encoding, "replace")


def _outcome(call: t.Callable[[], t.Any]) -> tuple[str, str]:
    try:
        value = call()
    except Exception as error:  # noqa: BLE001 - the error itself is compared
        return type(error).__name__, str(error)
    return "value", repr(value)


@settings(max_examples=800, deadline=None)
@given(documents())
def test_parse_answers_as_json_loads(document: str | bytes) -> None:
    assert _outcome(lambda: parse(document)) == _outcome(lambda: json.loads(document))


@pytest.mark.parametrize(
    "document",
    ['{"a":1}', b'{"a":[1,2.5,null,true]}', "[1, 2]", '{"a":1} ', ' {"a":1}', '{"a":', b"[\x00", "{}x", b"\xef\xbb\xbf{}"],
)
def test_parse_examples(document: str | bytes) -> None:
    assert _outcome(lambda: parse(document)) == _outcome(lambda: json.loads(document))


def test_deep_nesting_raises_as_json_loads_does() -> None:
    document = "[" * 100_000 + "]" * 100_000
    with pytest.raises(RecursionError):
        json.loads(document)
    with pytest.raises(RecursionError):
        parse(document)


# -- the session serializer ---------------------------------------------------------------

_session_scalars = st.one_of(
    _scalars,
    st.tuples(st.integers(), st.text(max_size=3)),
    st.binary(max_size=6),
    st.text(max_size=6).map(Markup),
    st.uuids(),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0, tzinfo=timezone.utc)
    ),
)
session_values = st.recursive(
    _session_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=500, deadline=None)
@given(session_values)
def test_tagged_loads_rebuilds_what_dumps_wrote(value: t.Any) -> None:
    serializer = TaggedJSONSerializer()
    text = serializer.dumps(value)
    # repr, not ==: a NaN inside is not equal to itself.
    assert repr(serializer.loads(text)) == repr(serializer._rebuild(json.loads(text)))


@pytest.mark.parametrize(
    "text",
    ['{"\\u0020t":[1,2]}', '{" t":[1]}', '{"a": {" t":[1]}}', '{"a" : [{" b":"YQ=="}]}', '{"user":"alice","visit":5}'],
)
def test_tagged_loads_of_written_text(text: str) -> None:
    """Texts another writer might produce: escapes and spacing still find every tag."""
    serializer = TaggedJSONSerializer()
    assert repr(serializer.loads(text)) == repr(serializer._rebuild(json.loads(text)))


def test_plain_session_text_is_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    """perf: text that can hold no tag comes back as parsed, without the untagging walk."""
    serializer = TaggedJSONSerializer()

    def no_walk(value: t.Any) -> t.Any:
        raise AssertionError("walked")

    monkeypatch.setattr(TaggedJSONSerializer, "_rebuild", lambda self, value: no_walk(value))
    assert serializer.loads('{"user":"alice","visit":5,"ids":[1,2]}') == {"user": "alice", "visit": 5, "ids": [1, 2]}
    with pytest.raises(AssertionError, match="walked"):
        serializer.loads('{"pair":{" t":[1,2]}}')


class _TagWithoutSpace(JSONTag):
    __slots__ = ()
    key = "fs"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, frozenset)

    def to_json(self, value: t.Any) -> t.Any:
        return sorted(value)

    def to_python(self, value: t.Any) -> t.Any:
        return frozenset(value)


def test_a_tag_key_without_a_leading_space_is_still_found() -> None:
    serializer = TaggedJSONSerializer()
    serializer.register(_TagWithoutSpace, index=0)
    text = serializer.dumps({"ids": frozenset({3, 1})})
    assert text == '{"ids":{"fs":[1,3]}}'
    assert serializer.loads(text) == {"ids": frozenset({1, 3})}


def test_uuid_and_datetime_survive_a_round_trip() -> None:
    serializer = TaggedJSONSerializer()
    value = {"id": uuid.UUID(int=7), "at": datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)}
    assert serializer.loads(serializer.dumps(value)) == value
