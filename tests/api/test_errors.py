"""The answers a typed view gives to input it cannot take, and what happens to bad output."""

import datetime
import logging
import typing as t

import pytest

from kolba import Kolba, jsonify
from kolba.api import Query, ResponseValidationError, ValidationError

from ._helpers import PROBLEM_JSON, invalid, payload, problem
from .models import Order, Tag

pytestmark = pytest.mark.kolba_only

ORDER = {"id": "o1", "lines": [{"sku": "a", "qty": 1, "price": 2.0}]}


@pytest.fixture
def orders(app: Kolba) -> Kolba:
    @app.post("/orders")
    def create(order: Order) -> Order:
        return order

    return app


def test_malformed_json_is_400(orders: Kolba) -> None:
    reply = orders.test_client().post("/orders", data=b'{"id": ', content_type="application/json")
    assert reply.status_code == 400
    assert reply.mimetype == PROBLEM_JSON
    assert payload(reply) == problem(400, "Bad Request", "The request body is not valid JSON.")


def test_wrong_content_type_is_415(orders: Kolba) -> None:
    client = orders.test_client()
    reply = client.post("/orders", data=b"id=o1", content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 415
    assert payload(reply) == problem(
        415, "Unsupported Media Type",
        "The request body must be JSON (application/json), not 'application/x-www-form-urlencoded'.",
    )
    untyped = client.post("/orders", data=b"{}", content_type="")
    assert untyped.status_code == 415
    assert payload(untyped)["detail"] == "The request body must be JSON (application/json), not 'untyped'."


def test_form_view_refuses_json_with_415(app: Kolba) -> None:
    from kolba.api import Form

    @app.post("/form")
    def form(name: t.Annotated[str, Form()]) -> dict[str, str]:
        return {"name": name}

    reply = app.test_client().post("/form", json={"name": "x"})
    assert reply.status_code == 415
    assert payload(reply) == problem(
        415, "Unsupported Media Type",
        "The request body must be a form (application/x-www-form-urlencoded or multipart/form-data),"
        " not 'application/json'.",
    )


def test_oversized_body_is_413(orders: Kolba) -> None:
    orders.config["MAX_CONTENT_LENGTH"] = 16
    reply = orders.test_client().post("/orders", json=ORDER)
    assert reply.status_code == 413
    assert payload(reply) == problem(
        413, "Request Entity Too Large", "The request body is larger than this server accepts."
    )


def test_oversized_form_is_413(app: Kolba) -> None:
    from kolba.api import Form

    @app.post("/form")
    def form(name: t.Annotated[str, Form()]) -> dict[str, str]:
        return {"name": name}

    app.config["MAX_CONTENT_LENGTH"] = 8
    reply = app.test_client().post("/form", data={"name": "x" * 50})
    assert reply.status_code == 413
    assert payload(reply)["status"] == 413


def test_validation_errors_can_be_handled_by_the_app(orders: Kolba) -> None:
    @orders.errorhandler(ValidationError)
    def explain(error: ValidationError) -> t.Any:
        return jsonify(problems=[".".join(map(str, e["location"])) for e in error.errors]), 400

    reply = orders.test_client().post("/orders", json={"id": 1, "lines": []})
    assert reply.status_code == 400
    assert reply.get_json() == {"problems": ["body.id"]}


def test_a_422_handler_catches_validation_errors(orders: Kolba) -> None:
    @orders.errorhandler(422)
    def unprocessable(error: Exception) -> t.Any:
        return "nope", 422

    reply = orders.test_client().post("/orders", json={})
    assert (reply.status_code, reply.data) == (422, b"nope")


def test_blueprint_handler_sees_its_own_validation_errors(app: Kolba) -> None:
    from kolba import Blueprint

    bp = Blueprint("shop", __name__)

    @bp.post("/tags")
    def tags(tag: Tag) -> Tag:
        return tag

    @bp.errorhandler(ValidationError)
    def local(error: ValidationError) -> t.Any:
        return {"blueprint": True, "count": len(error.errors)}, 422

    app.register_blueprint(bp)
    reply = app.test_client().post("/tags", json={"weight": 2})
    assert reply.get_json() == {"blueprint": True, "count": 1}


def test_errors_keep_problem_json_through_after_request_hooks(orders: Kolba) -> None:
    @orders.after_request
    def mark(response: t.Any) -> t.Any:
        response.headers["X-Seen"] = "yes"
        return response

    reply = orders.test_client().post("/orders", json={})
    assert reply.headers["X-Seen"] == "yes"
    assert payload(reply) == invalid(
        (["body", "id"], "Object missing required field `id`", "missing")
    )


# -- what a typed view returns ----------------------------------------------------------------------


def test_return_forms(app: Kolba) -> None:
    @app.get("/plain")
    def plain() -> Tag:
        return Tag("a")

    @app.get("/with-status")
    def with_status() -> Tag:
        return Tag("b"), 202  # type: ignore[return-value]

    @app.get("/with-headers")
    def with_headers() -> Tag:
        return Tag("c"), 201, {"X-Id": "7"}  # type: ignore[return-value]

    @app.get("/with-header-dict")
    def with_header_dict() -> Tag:
        return Tag("d"), {"X-Id": "8"}  # type: ignore[return-value]

    @app.get("/response")
    def response() -> Tag:
        return jsonify(raw=True)  # type: ignore[return-value]

    client = app.test_client()
    assert (client.get("/plain").status_code, payload(client.get("/plain"))) == (200, {"name": "a", "weight": 1.0})
    assert client.get("/with-status").status_code == 202
    reply = client.get("/with-headers")
    assert (reply.status_code, reply.headers["X-Id"], payload(reply)["name"]) == (201, "7", "c")
    reply = client.get("/with-header-dict")
    assert (reply.status_code, reply.headers["X-Id"]) == (200, "8")
    assert client.get("/response").get_json() == {"raw": True}


def test_status_option_and_204(app: Kolba) -> None:
    @app.post("/tags", status=201)
    def create(tag: Tag) -> Tag:
        return tag

    @app.delete("/tags/<name>", status=204)
    def delete(name: str) -> None:
        return None

    @app.put("/flask/<name>", status=202)
    def flask_value(name: str) -> t.Any:
        return {"name": name}

    client = app.test_client()
    assert client.post("/tags", json={"name": "n"}).status_code == 201
    gone = client.delete("/tags/n")
    assert (gone.status_code, gone.data) == (204, b"")
    accepted = client.put("/flask/x")
    assert (accepted.status_code, accepted.get_json()) == (202, {"name": "x"})


def test_dict_and_objects_are_converted_to_the_response_type(app: Kolba) -> None:
    class Row:  # e.g. an ORM object
        def __init__(self) -> None:
            self.name = "row"
            self.weight = 3

    @app.get("/from-dict")
    def from_dict() -> Tag:
        return {"name": "d", "weight": 2}  # type: ignore[return-value]

    @app.get("/from-object", response=list[Tag])
    def from_object() -> t.Any:
        return [Row()]

    client = app.test_client()
    assert payload(client.get("/from-dict")) == {"name": "d", "weight": 2.0}
    assert payload(client.get("/from-object")) == [{"name": "row", "weight": 3.0}]


def test_a_value_that_does_not_fit_is_a_logged_500(app: Kolba, caplog: pytest.LogCaptureFixture) -> None:
    @app.get("/bad")
    def bad() -> Order:
        return {"id": "o", "lines": [{"sku": "a", "qty": 1, "price": "free"}]}  # type: ignore[return-value]

    with pytest.raises(ResponseValidationError) as raised:
        app.test_client().get("/bad")
    assert str(raised.value) == (
        "View 'bad' returned a value that does not match its response type:"
        " Expected `float`, got `str` at $.lines[0].price"
    )
    app.testing = False
    with caplog.at_level(logging.ERROR):
        reply = app.test_client().get("/bad")
    assert reply.status_code == 500
    assert b"Internal Server Error" in reply.data
    assert "$.lines[0].price" in caplog.text


def test_an_unencodable_field_is_a_500_naming_its_path(app: Kolba, caplog: pytest.LogCaptureFixture) -> None:
    from .models import Line

    @app.get("/odd", response=dict[str, t.Any])
    def odd() -> t.Any:
        return {"ok": [1, {"when": datetime.date(2024, 1, 1), "what": object()}]}

    @app.get("/odd-line")
    def odd_line() -> Line:
        return Line("s", 1, object())  # type: ignore[arg-type]

    app.testing = False
    with caplog.at_level(logging.ERROR):
        assert app.test_client().get("/odd").status_code == 500
        assert app.test_client().get("/odd-line").status_code == 500
    assert "cannot be encoded as JSON at $.ok[1].what" in caplog.text
    assert "cannot be encoded as JSON at $.price" in caplog.text


def test_no_validation_error_when_all_is_well(app: Kolba) -> None:
    seen: list[t.Any] = []

    @app.get("/count")
    def count(n: t.Annotated[int, Query()] = 0) -> dict[str, int]:
        seen.append(n)
        return {"n": n}

    assert app.test_client().get("/count?n=2").get_json() == {"n": 2}
    assert seen == [2]


# -- per-status types and JSON errors ------------------------------------------------------------


def test_the_status_picks_the_declared_type(app: Kolba) -> None:
    from .models import Error

    @app.get("/tags/<name>", responses={404: Error})
    def show(name: str) -> Tag:
        if name == "missing":
            return {"message": "no such tag"}, 404  # type: ignore[return-value]
        return Tag(name)

    client = app.test_client()
    assert payload(client.get("/tags/a")) == {"name": "a", "weight": 1.0}
    missing = client.get("/tags/missing")
    assert (missing.status_code, payload(missing)) == (404, {"message": "no such tag"})


def test_model_values_without_a_declared_type_are_encoded_as_themselves(app: Kolba) -> None:
    from .models import Error, User

    @app.get("/who")
    def who(name: t.Annotated[str, Query()] = "") -> t.Any:
        if not name:
            return Error("name it"), 400
        if name == "text":
            return "plain text"
        return User(name=name, age=3)

    client = app.test_client()
    assert payload(client.get("/who?name=ann")) == {"name": "ann", "age": 3, "tags": []}
    bad = client.get("/who")
    assert (bad.status_code, payload(bad)) == (400, {"message": "name it"})
    assert client.get("/who?name=text").data == b"plain text"


def test_json_errors_turn_http_errors_into_problem_details() -> None:
    from kolba import abort
    from kolba.api import API

    app = Kolba(__name__)
    API(app, json_errors=True)

    @app.post("/only-post")
    def only_post() -> str:
        abort(403, "Not yours.")

    @app.get("/dir/")
    def directory() -> str:
        return "dir"

    client = app.test_client()
    missing = client.get("/missing")
    assert missing.mimetype == PROBLEM_JSON
    assert payload(missing) == problem(
        404, "Not Found",
        "The requested URL was not found on the server. If you entered the URL manually please check"
        " your spelling and try again.",
    )
    wrong = client.get("/only-post")
    assert wrong.status_code == 405
    assert set(wrong.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert payload(wrong)["title"] == "Method Not Allowed"
    assert payload(client.post("/only-post")) == problem(403, "Forbidden", "Not yours.")
    redirect = client.get("/dir")
    assert (redirect.status_code, redirect.headers["Location"]) == (308, "http://localhost/dir/")


def test_without_json_errors_http_errors_keep_their_pages(orders: Kolba) -> None:
    reply = orders.test_client().get("/missing")
    assert (reply.status_code, reply.mimetype) == (404, "text/html")


def test_typed_responses_alone_make_a_view_typed(app: Kolba) -> None:
    from .models import Error

    @app.get("/maybe/<int:n>", responses={404: Error})
    def maybe(n: int) -> t.Any:
        if n == 0:
            return {"message": "none"}, 404
        return {"n": n}

    @app.get("/described", responses={404: "Not here"})
    def described() -> str:
        return "plain"

    client = app.test_client()
    assert app.view_functions["maybe"] is not maybe
    assert app.view_functions["described"] is described
    assert (client.get("/maybe/0").status_code, payload(client.get("/maybe/0"))) == (404, {"message": "none"})
    assert client.get("/maybe/2").get_json() == {"n": 2}
