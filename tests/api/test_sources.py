"""Every place a typed view's values come from: URL, query, headers, cookies, body, form, files."""

import io
import typing as t
import uuid

import pytest
from werkzeug.datastructures import FileStorage

from kolba import Kolba
from kolba.api import Body, Cookie, File, Form, Header, Query

from ._helpers import invalid, payload
from .models import Color, Filters, Line, Order, Point, Signup, Tag, User

pytestmark = pytest.mark.kolba_only


# -- URL variables ----------------------------------------------------------------------------------


def test_url_variables_keep_their_converters(app: Kolba) -> None:
    @app.get("/users/<uuid:uid>/orders/<int:number>")
    def order(uid: uuid.UUID, number: int, verbose: t.Annotated[bool, Query()] = False) -> dict[str, t.Any]:
        return {"uid": str(uid), "number": number, "verbose": verbose}

    uid = uuid.uuid4()
    reply = app.test_client().get(f"/users/{uid}/orders/7?verbose=true")
    assert payload(reply) == {"uid": str(uid), "number": 7, "verbose": True}


def test_url_variable_annotation_converts_a_string_variable(app: Kolba) -> None:
    @app.get("/items/<item_id>")
    def item(item_id: int, full: t.Annotated[bool, Query()] = False) -> dict[str, t.Any]:
        return {"id": item_id, "type": type(item_id).__name__}

    client = app.test_client()
    assert payload(client.get("/items/12")) == {"id": 12, "type": "int"}
    reply = client.get("/items/twelve")
    assert reply.status_code == 422
    assert payload(reply) == invalid((["path", "item_id"], "Expected `int`, got `str`", "type"))


def test_rule_defaults_reach_the_view(app: Kolba) -> None:
    @app.get("/pages/", defaults={"number": 1})
    @app.get("/pages/<int:number>")
    def pages(number: int, size: t.Annotated[int, Query()] = 10) -> dict[str, int]:
        return {"number": number, "size": size}

    client = app.test_client()
    assert payload(client.get("/pages/")) == {"number": 1, "size": 10}
    assert payload(client.get("/pages/3?size=5")) == {"number": 3, "size": 5}


# -- the query string ---------------------------------------------------------------------------------


def test_query_scalars_defaults_and_constraints(app: Kolba) -> None:
    @app.get("/search")
    def search(
        q: t.Annotated[str, Query(min_length=2)],
        page: t.Annotated[int, Query(ge=1)] = 1,
        ratio: t.Annotated[float, Query(lt=1)] = 0.5,
        exact: t.Annotated[bool, Query()] = False,
    ) -> dict[str, t.Any]:
        return {"q": q, "page": page, "ratio": ratio, "exact": exact}

    client = app.test_client()
    assert payload(client.get("/search?q=kolba")) == {"q": "kolba", "page": 1, "ratio": 0.5, "exact": False}
    assert payload(client.get("/search?q=kolba&page=3&ratio=0.25&exact=1")) == {
        "q": "kolba", "page": 3, "ratio": 0.25, "exact": True,
    }
    assert payload(client.get("/search?q=k")) == invalid(
        (["query", "q"], "Expected `str` of length >= 2", "constraint")
    )
    assert payload(client.get("/search?q=kolba&page=0")) == invalid(
        (["query", "page"], "Expected `int` >= 1", "constraint")
    )
    assert payload(client.get("/search")) == invalid(
        (["query", "q"], "Object missing required field `q`", "missing")
    )


def test_query_lists_come_from_repeated_keys(app: Kolba) -> None:
    @app.get("/tagged")
    def tagged(
        tag: t.Annotated[list[str], Query()] = [],  # noqa: B006 - copied for every request
        year: t.Annotated[list[int], Query(alias="y")] = [],  # noqa: B006
    ) -> dict[str, t.Any]:
        tag.append("seen")
        return {"tag": tag, "year": year}

    client = app.test_client()
    assert payload(client.get("/tagged?tag=a&tag=b&y=2024&y=2025")) == {
        "tag": ["a", "b", "seen"], "year": [2024, 2025],
    }
    # The default list is a fresh copy each time.
    assert payload(client.get("/tagged")) == {"tag": ["seen"], "year": []}
    assert payload(client.get("/tagged")) == {"tag": ["seen"], "year": []}
    assert payload(client.get("/tagged?y=2024&y=soon")) == invalid(
        (["query", "y", 1], "Expected `int`, got `str`", "type")
    )


def test_query_optional_union_and_enum(app: Kolba) -> None:
    @app.get("/paint")
    def paint(
        color: t.Annotated[Color, Query()] = Color.RED,
        size: t.Annotated[int | None, Query()] = None,
        label: t.Annotated[int | str, Query()] = "none",
    ) -> dict[str, t.Any]:
        return {"color": color.value, "size": size, "label": [type(label).__name__, label]}

    client = app.test_client()
    assert payload(client.get("/paint")) == {"color": "red", "size": None, "label": ["str", "none"]}
    # A query value is text: with ``str`` in the union it stays a string.
    assert payload(client.get("/paint?color=blue&size=3&label=7")) == {
        "color": "blue", "size": 3, "label": ["str", "7"],
    }
    assert payload(client.get("/paint?color=green")) == invalid(
        (["query", "color"], "Invalid enum value 'green'", "enum")
    )


def test_query_model_takes_the_whole_query_string(app: Kolba) -> None:
    @app.get("/filter")
    def filter_view(filters: t.Annotated[Filters, Query()]) -> Filters:
        return filters

    client = app.test_client()
    assert payload(client.get("/filter?q=x&tags=a&tags=b&page=2")) == {"q": "x", "page": 2, "tags": ["a", "b"]}
    assert payload(client.get("/filter?q=x")) == {"q": "x", "page": 1, "tags": []}
    assert payload(client.get("/filter?page=2")) == invalid(
        (["query", "q"], "Object missing required field `q`", "missing")
    )


def test_several_sources_report_their_errors_together(app: Kolba) -> None:
    @app.get("/many")
    def many(
        page: t.Annotated[int, Query()],
        x_limit: t.Annotated[int, Header()],
    ) -> dict[str, int]:
        return {"page": page, "limit": x_limit}

    reply = app.test_client().get("/many?page=one", headers={"X-Limit": "lots"})
    assert payload(reply) == invalid(
        (["query", "page"], "Expected `int`, got `str`", "type"),
        (["header", "x-limit"], "Expected `int`, got `str`", "type"),
    )


# -- headers and cookies ---------------------------------------------------------------------------------


def test_headers_by_converted_name_alias_and_list(app: Kolba) -> None:
    @app.get("/headers")
    def headers(
        x_request_id: t.Annotated[str, Header()],
        token: t.Annotated[str | None, Header(alias="Authorization")] = None,
        raw_name: t.Annotated[str, Header(convert_underscores=False)] = "",
        accept_language: t.Annotated[list[str], Header()] = [],  # noqa: B006
        content_type: t.Annotated[str, Header()] = "",
    ) -> dict[str, t.Any]:
        return {
            "id": x_request_id, "token": token, "raw": raw_name,
            "languages": accept_language, "type": content_type,
        }

    client = app.test_client()
    sent = {
        "X-Request-Id": "r-1", "Authorization": "Bearer t", "raw_name": "kept",
        "Accept-Language": "pl, en;q=0.5",
    }
    assert payload(client.get("/headers", headers=sent, content_type="text/plain")) == {
        "id": "r-1", "token": "Bearer t", "raw": "kept", "languages": ["pl", "en;q=0.5"],
        "type": "text/plain",
    }
    assert payload(client.get("/headers")) == invalid(
        (["header", "x-request-id"], "Object missing required field `x-request-id`", "missing")
    )


def test_cookies(app: Kolba) -> None:
    @app.get("/prefs")
    def prefs(
        theme: t.Annotated[str, Cookie()] = "light",
        visits: t.Annotated[int, Cookie(ge=0)] = 0,
    ) -> dict[str, t.Any]:
        return {"theme": theme, "visits": visits}

    client = app.test_client()
    assert payload(client.get("/prefs")) == {"theme": "light", "visits": 0}
    client.set_cookie("theme", "dark")
    client.set_cookie("visits", "4")
    assert payload(client.get("/prefs")) == {"theme": "dark", "visits": 4}
    client.set_cookie("visits", "-1")
    assert payload(client.get("/prefs")) == invalid(
        (["cookie", "visits"], "Expected `int` >= 0", "constraint")
    )


# -- JSON bodies ---------------------------------------------------------------------------------


def test_dataclass_body_nested_and_echoed(app: Kolba) -> None:
    @app.post("/orders")
    def create(order: Order) -> Order:
        assert isinstance(order.lines[0], Line)
        return order

    client = app.test_client()
    sent = {"id": "o1", "lines": [{"sku": "a", "qty": 2, "price": 1.5}]}
    assert payload(client.post("/orders", json=sent)) == {**sent, "color": "red", "note": None}
    bad = {"id": "o1", "lines": [{"sku": "a", "qty": 2, "price": 1.5}, {"sku": "b", "qty": 0, "price": 1}]}
    assert payload(client.post("/orders", json=bad)) == invalid(
        (["body", "lines", 1, "qty"], "Expected `int` >= 1", "constraint")
    )
    missing = {"id": "o1", "lines": [{"sku": "a", "price": 1.5}]}
    assert payload(client.post("/orders", json=missing)) == invalid(
        (["body", "lines", 0, "qty"], "Object missing required field `qty`", "missing")
    )


def test_typeddict_struct_and_union_bodies(app: Kolba) -> None:
    @app.post("/point")
    def point(p: t.Annotated[Point, Body()]) -> dict[str, int]:
        return {"sum": p["x"] + p["y"]}

    @app.post("/tag")
    def tag(tag: Tag) -> Tag:
        return tag

    @app.post("/tags")
    def tags(items: t.Annotated[list[Tag], Body(max_length=2)]) -> list[Tag]:
        return items

    client = app.test_client()
    assert payload(client.post("/point", json={"x": 1, "y": 2})) == {"sum": 3}
    assert payload(client.post("/point", json={"x": 1})) == invalid(
        (["body", "y"], "Object missing required field `y`", "missing")
    )
    assert payload(client.post("/tag", json={"name": "a"})) == {"name": "a", "weight": 1.0}
    assert payload(client.post("/tags", json=[{"name": "a"}, {"name": "b", "weight": 2}])) == [
        {"name": "a", "weight": 1.0}, {"name": "b", "weight": 2.0},
    ]
    assert payload(client.post("/tags", json=[{"name": "a"}] * 3)) == invalid(
        (["body"], "Expected `array` of length <= 2", "constraint")
    )


def test_tagged_union_body(app: Kolba) -> None:
    from .models import Cat, Dog

    @app.post("/pets")
    def pet(animal: t.Annotated[Cat | Dog, Body()]) -> dict[str, str]:
        return {"kind": type(animal).__name__}

    client = app.test_client()
    assert payload(client.post("/pets", json={"type": "cat", "lives": 9})) == {"kind": "Cat"}
    assert payload(client.post("/pets", json={"type": "dog", "good": True})) == {"kind": "Dog"}
    assert payload(client.post("/pets", json={"type": "cow"})) == invalid(
        (["body", "type"], "Invalid value 'cow'", "invalid")
    )


def test_optional_body_defaults_when_absent(app: Kolba) -> None:
    @app.post("/maybe")
    def maybe(tag: Tag | None = None) -> dict[str, t.Any]:
        return {"tag": None if tag is None else tag.name}

    client = app.test_client()
    assert payload(client.post("/maybe")) == {"tag": None}
    assert payload(client.post("/maybe", json={"name": "x"})) == {"tag": "x"}


def test_required_body_missing(app: Kolba) -> None:
    @app.post("/needs")
    def needs(tag: Tag) -> Tag:
        return tag

    client = app.test_client()
    expected = invalid((["body"], "A JSON body is required", "missing"))
    assert payload(client.post("/needs")) == expected
    assert payload(client.post("/needs", data=b"", content_type="application/json")) == expected


def test_json_suffix_content_types_are_json(app: Kolba) -> None:
    @app.patch("/tag")
    def patch(tag: Tag) -> Tag:
        return tag

    reply = app.test_client().patch(
        "/tag", data=b'{"name": "p"}', content_type="application/merge-patch+json; charset=utf-8"
    )
    assert payload(reply) == {"name": "p", "weight": 1.0}


def test_pydantic_body_lists_every_error(app: Kolba) -> None:
    @app.post("/users")
    def create(user: User) -> User:
        return user

    client = app.test_client()
    assert payload(client.post("/users", json={"name": "a", "age": 3})) == {"name": "a", "age": 3, "tags": []}
    assert payload(client.post("/users", json={"age": -1, "tags": [1]})) == invalid(
        (["body", "name"], "Field required", "missing"),
        (["body", "age"], "Input should be greater than or equal to 0", "constraint"),
        (["body", "tags", 0], "Input should be a valid string", "type"),
    )


# -- forms and files ---------------------------------------------------------------------------------


def test_form_fields(app: Kolba) -> None:
    @app.post("/signup")
    def signup(
        username: t.Annotated[str, Form(min_length=3)],
        age: t.Annotated[int, Form()],
        interests: t.Annotated[list[str], Form()] = [],  # noqa: B006
    ) -> dict[str, t.Any]:
        return {"username": username, "age": age, "interests": interests}

    client = app.test_client()
    sent = {"username": "alice", "age": "30", "interests": ["a", "b"]}
    assert payload(client.post("/signup", data=sent)) == {"username": "alice", "age": 30, "interests": ["a", "b"]}
    assert payload(client.post("/signup", data={"username": "al", "age": "x"})) == invalid(
        (["form", "username"], "Expected `str` of length >= 3", "constraint")
    )


def test_form_model(app: Kolba) -> None:
    @app.post("/signup")
    def signup(form: t.Annotated[Signup, Form()]) -> Signup:
        return form

    client = app.test_client()
    assert payload(client.post("/signup", data={"username": "bo", "age": "9", "newsletter": "true"})) == {
        "username": "bo", "age": 9, "newsletter": True,
    }
    assert payload(client.post("/signup", data={"username": "bo"})) == invalid(
        (["form", "age"], "Object missing required field `age`", "missing")
    )


def test_files_single_many_and_missing(app: Kolba) -> None:
    @app.post("/upload")
    def upload(
        title: t.Annotated[str, Form()],
        document: t.Annotated[FileStorage, File()],
        extras: t.Annotated[list[FileStorage], File()] = [],  # noqa: B006
    ) -> dict[str, t.Any]:
        return {
            "title": title, "document": [document.filename, document.read().decode()],
            "extras": [f.filename for f in extras],
        }

    client = app.test_client()
    sent = {
        "title": "t", "document": (io.BytesIO(b"hello"), "a.txt"),
        "extras": [(io.BytesIO(b"1"), "b.txt"), (io.BytesIO(b"2"), "c.txt")],
    }
    assert payload(client.post("/upload", data=sent)) == {
        "title": "t", "document": ["a.txt", "hello"], "extras": ["b.txt", "c.txt"],
    }
    assert payload(client.post("/upload", data={"title": "t"})) == invalid(
        (["file", "document"], "Field required", "missing")
    )


def test_an_unmarked_filestorage_parameter_is_a_file(app: Kolba) -> None:
    @app.post("/avatar")
    def avatar(picture: FileStorage) -> dict[str, str | None]:
        return {"name": picture.filename}

    reply = app.test_client().post("/avatar", data={"picture": (io.BytesIO(b"x"), "me.png")})
    assert payload(reply) == {"name": "me.png"}



def test_unknown_fields_of_a_strict_model_are_located(app: Kolba) -> None:
    from .models import StrictNote

    @app.post("/strict")
    def strict(notes: t.Annotated[list[StrictNote], Body()]) -> dict[str, int]:
        return {"count": len(notes)}

    reply = app.test_client().post("/strict", json=[{"title": "a"}, {"title": "b", "colour": "red"}])
    assert payload(reply) == invalid(
        (["body", 1, "colour"], "Object contains unknown field `colour`", "unknown_field")
    )
