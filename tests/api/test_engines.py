"""The validation engines: msgspec, pydantic, one without the other, and engines of your own."""

import dataclasses
import subprocess
import sys
import textwrap
import typing as t

import msgspec
import pytest

from kolba import Kolba
from kolba.api import Body, Engine, FieldError, Query, register_engine
from kolba.api.engines import _registered, builtin_engine, engine_for

from ._helpers import invalid, payload
from .models import Order, Tag, Team, User

pytestmark = pytest.mark.kolba_only


def test_annotations_pick_their_engine() -> None:
    assert engine_for(Order, "x").name == "msgspec"
    assert engine_for(list[Tag], "x").name == "msgspec"
    assert engine_for(User, "x").name == "pydantic"
    assert engine_for(list[User] | None, "x").name == "pydantic"
    assert isinstance(builtin_engine("msgspec"), Engine)


def test_pydantic_nested_models_and_response_conversion(app: Kolba) -> None:
    @app.post("/teams")
    def create(team: Team) -> Team:
        return team

    @app.get("/team", response=Team)
    def from_dict() -> t.Any:
        return {"title": "t", "members": [{"name": "a", "age": 1}]}

    client = app.test_client()
    sent = {"title": "core", "members": [{"name": "a", "age": 1}, {"name": "b", "age": 2, "tags": ["x"]}]}
    assert payload(client.post("/teams", json=sent)) == {
        "title": "core",
        "members": [{"name": "a", "age": 1, "tags": []}, {"name": "b", "age": 2, "tags": ["x"]}],
    }
    assert payload(client.post("/teams", json={"title": "core", "members": [{"name": "a", "age": "x"}]})) == invalid(
        (["body", "members", 0, "age"], "Input should be a valid integer, unable to parse string as an integer", "type")
    )
    assert payload(client.get("/team")) == {"title": "t", "members": [{"name": "a", "age": 1, "tags": []}]}


def test_pydantic_query_model_and_malformed_json(app: Kolba) -> None:
    @app.get("/users")
    def find(user: t.Annotated[User, Query()]) -> User:
        return user

    @app.post("/users")
    def create(user: User) -> User:
        return user

    client = app.test_client()
    assert payload(client.get("/users?name=x&age=4&tags=a&tags=b")) == {"name": "x", "age": 4, "tags": ["a", "b"]}
    reply = client.post("/users", data=b"{", content_type="application/json")
    assert (reply.status_code, payload(reply)["title"]) == (400, "Bad Request")


def test_decoded_dataclasses_keep_their_defaults_when_echoed(app: Kolba) -> None:
    # msgspec leaves plain defaults out of a decoded dataclass's __dict__;
    # the echoed value must still carry every field.
    @dataclasses.dataclass
    class Inner:
        name: str
        level: int = 3

    @dataclasses.dataclass
    class Outer:
        inner: list[Inner]
        label: str = "none"
        flags: list[str] = dataclasses.field(default_factory=list)

    def echo(body: t.Annotated[Outer, Body()]) -> Outer:
        return body

    app.add_url_rule("/echo", view_func=echo, methods=["POST"])
    reply = app.test_client().post("/echo", json={"inner": [{"name": "a"}]})
    assert payload(reply) == {"inner": [{"name": "a", "level": 3}], "label": "none", "flags": []}


class ReversingEngine:
    """A toy engine for ``Reversed`` values: strings stored backwards."""

    name = "reversing"
    failures = (ValueError,)

    def claims(self, annotation: t.Any) -> bool:
        return annotation is Reversed

    def constrain(self, annotation: t.Any, constraints: t.Mapping[str, t.Any]) -> t.Any:
        return annotation

    def decoder(self, annotation: t.Any) -> t.Callable[[bytes], t.Any]:
        def decode(data: bytes) -> Reversed:
            text = msgspec.json.decode(data)
            if not isinstance(text, str):
                raise ValueError("not a string")
            return Reversed(text[::-1])

        return decode

    def converter(self, annotation: t.Any) -> t.Callable[[t.Any], t.Any]:
        return lambda value: Reversed(str(value)[::-1])

    def group(self, fields: t.Sequence[t.Any]) -> t.Callable[[t.Mapping[str, t.Any]], dict[str, t.Any]]:
        def read(raw: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
            if any(f.wire not in raw for f in fields):
                raise ValueError("missing")
            return {f.name: Reversed(raw[f.wire][::-1]) for f in fields}

        return read

    def keys(self, annotation: t.Any) -> dict[str, bool]:
        return {}

    def encoder(self, annotation: t.Any) -> t.Callable[[t.Any], bytes]:
        return lambda value: msgspec.json.encode(value.text[::-1])

    def explain(self, error: BaseException) -> list[FieldError] | None:
        return [{"location": [], "message": str(error), "type": "invalid"}]

    def schemas(self, annotations: t.Sequence[t.Any], ref_template: str) -> tuple[list[dict[str, t.Any]], dict[str, t.Any]]:
        return [{"type": "string", "description": "reversed"} for _ in annotations], {}


class Reversed:
    """A plain class: only the custom engine knows it."""

    def __init__(self, text: str) -> None:
        self.text = text


def test_an_engine_of_your_own(app: Kolba) -> None:
    engine = ReversingEngine()
    assert isinstance(engine, Engine)
    register_engine(engine)
    try:
        @app.post("/flip")
        def flip(word: t.Annotated[Reversed, Body()], hint: t.Annotated[Reversed, Query()]) -> Reversed:
            return Reversed(word.text + "|" + hint.text)

        client = app.test_client()
        reply = client.post("/flip?hint=ab", json="olleh")
        assert payload(reply) == "ab|olleh"  # "hello" + "|" + "ba", stored backwards
        assert payload(client.post("/flip?hint=ab", json=3)) == invalid((["body"], "not a string", "invalid"))
        assert payload(client.post("/flip", json="x")) == invalid((["query"], "missing", "invalid"))
        document = app.openapi()
        body = document["paths"]["/flip"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"type": "string", "description": "reversed"}
    finally:
        _registered.remove(engine)


def test_pydantic_serves_everything_without_msgspec() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["msgspec"] = None
        import importlib.util
        real = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *a: None if name == "msgspec" else real(name, *a)
        import dataclasses, json
        from typing import Annotated
        from kolba import Kolba
        from kolba.api import Query

        @dataclasses.dataclass
        class Item:
            name: str
            qty: int = 1

        app = Kolba("pydantic_only")

        @app.post("/items")
        def create(item: Item, dry: Annotated[bool, Query()] = False) -> Item:
            return item

        client = app.test_client()
        print(client.post("/items?dry=1", json={"name": "a"}).get_json())
        print(client.post("/items", json={"qty": "x"}).get_json()["errors"])
        """
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    lines = found.stdout.strip().splitlines()
    assert lines[0] == "{'name': 'a', 'qty': 1}"
    assert lines[1] == (
        "[{'location': ['body', 'name'], 'message': 'Field required', 'type': 'missing'},"
        " {'location': ['body', 'qty'], 'message': 'Input should be a valid integer, unable to parse"
        " string as an integer', 'type': 'type'}]"
    )
