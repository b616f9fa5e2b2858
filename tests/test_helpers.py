"""The helpers views call: redirect, abort, make_response, url_for, files, blueprint names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers import Response as WerkzeugResponse

import kolba
from kolba import abort, make_response, redirect, url_for

HERE = Path(__file__).resolve().parent


# -- redirect and abort ------------------------------------------------------------


def test_redirect_outside_an_app_is_werkzeugs(app: kolba.Kolba) -> None:
    response = redirect("/elsewhere", 301)
    assert type(response) is WerkzeugResponse
    assert response.status_code == 301
    assert response.headers["Location"] == "/elsewhere"

    class Custom(WerkzeugResponse):
        pass

    assert type(redirect("/x", Response=Custom)) is Custom


def test_redirect_inside_an_app_uses_the_app(app: kolba.Kolba) -> None:
    class AppResponse(kolba.Response):
        pass

    app.response_class = AppResponse
    with app.app_context():
        response = redirect("/elsewhere")
    assert type(response) is AppResponse
    assert response.status_code == 302


def test_abort_outside_an_app_raises_werkzeugs_error() -> None:
    with pytest.raises(NotFound):
        abort(404)
    with pytest.raises(HTTPException) as info:
        abort(WerkzeugResponse("custom", 418))
    assert info.value.get_response().status_code == 418


def test_abort_inside_an_app_uses_its_aborter(app: kolba.Kolba) -> None:
    class ClientClosed(HTTPException):
        code = 499
        description = "The client went away."

    app.aborter.mapping[499] = ClientClosed
    with app.app_context():
        with pytest.raises(ClientClosed):
            abort(499)
    with pytest.raises(LookupError):
        abort(499)


# -- make_response ----------------------------------------------------------------------


def test_make_response_forms(app: kolba.Kolba) -> None:
    with app.test_request_context():
        empty = make_response()
        assert type(empty) is app.response_class
        assert (empty.status_code, empty.data) == (200, b"")
        single = make_response("body")
        assert (single.status_code, single.data) == (200, b"body")
        several = make_response("made", 201, {"X-A": "1"})
        assert (several.status_code, several.headers["X-A"]) == (201, "1")
        packed = make_response(("packed", 202))
        assert packed.status_code == 202
        data = make_response({"a": 1})
        assert data.get_json() == {"a": 1}


def test_make_response_needs_an_app() -> None:
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        make_response("x")


# -- url_for ----------------------------------------------------------------------------------


def test_url_for_passes_every_option_to_the_app(app: kolba.Kolba) -> None:
    @app.route("/item/<int:item_id>", methods=["GET", "POST"])
    def item(item_id: int) -> str:
        return ""

    with app.test_request_context():
        assert url_for("item", item_id=3, q="x") == "/item/3?q=x"
        assert url_for("item", item_id=3, _anchor="top") == "/item/3#top"
        assert url_for("item", item_id=3, _external=True) == "http://localhost/item/3"
        assert url_for("item", item_id=3, _scheme="https", _external=True) == (
            "https://localhost/item/3"
        )
        assert url_for("item", item_id=3, _method="POST") == "/item/3"


# -- files -----------------------------------------------------------------------------------


def test_send_file_relative_path_with_x_sendfile(app: kolba.Kolba) -> None:
    app.config["USE_X_SENDFILE"] = True
    with app.test_request_context():
        response = kolba.send_file("static/hello.txt")
        assert response.headers["X-Sendfile"] == os.path.join(app.root_path, "static/hello.txt")
        assert response.data == b""
        response.close()


def test_send_from_directory_relative_folder(app: kolba.Kolba) -> None:
    with app.test_request_context():
        response = kolba.send_from_directory("static", "hello.txt")
        response.direct_passthrough = False
        assert response.data == (HERE / "static" / "hello.txt").read_bytes()
        response.close()
        with pytest.raises(NotFound):
            kolba.send_from_directory("static", "../conftest.py")


def test_send_from_directory_max_age_argument(app: kolba.Kolba) -> None:
    with app.test_request_context():
        response = kolba.send_from_directory("static", "hello.txt", max_age=60)
        assert response.cache_control.max_age == 60
        response.close()


# -- blueprint names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("shop", ["shop"]),
        ("shop.cart", ["shop.cart", "shop"]),
        ("shop.cart.api", ["shop.cart.api", "shop.cart", "shop"]),
    ],
)
def test_split_blueprint_path(name: str, expected: list[str]) -> None:
    from kolba.helpers import _split_blueprint_path

    assert _split_blueprint_path(name) == expected

