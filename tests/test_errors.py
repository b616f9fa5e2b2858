"""Error handlers, default error pages, exception propagation and trapping."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from werkzeug.exceptions import (
    BadRequest,
    BadRequestKeyError,
    Forbidden,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
)

import kolba
from kolba import Response, abort, request


class AppError(Exception):
    """A custom application error."""


class SpecificError(AppError):
    """A more specific application error."""


class MissingThing(NotFound):
    """A NotFound subclass with its own description."""

    description = "The thing is missing."


@pytest.fixture
def prod_app(app: kolba.Kolba) -> kolba.Kolba:
    """An app that turns unhandled errors into 500 pages instead of propagating them."""
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom() -> str:
        raise ZeroDivisionError("division")

    return app


# --- registration ---------------------------------------------------------------------


def test_errorhandler_decorator_returns_function(app: kolba.Kolba) -> None:
    def handler(e: Exception) -> str:
        return ""

    assert app.errorhandler(404)(handler) is handler
    assert app.errorhandler(AppError)(handler) is handler


def test_error_handler_spec_structure(app: kolba.Kolba) -> None:
    def on_404(e: Exception) -> str:
        return ""

    def on_app(e: Exception) -> str:
        return ""

    app.register_error_handler(404, on_404)
    app.register_error_handler(AppError, on_app)
    assert app.error_handler_spec[None][404][NotFound] is on_404
    assert app.error_handler_spec[None][None][AppError] is on_app


def test_code_and_class_register_same_slot(app: kolba.Kolba, client: Any) -> None:
    app.register_error_handler(404, lambda e: ("by code", 404))
    app.register_error_handler(NotFound, lambda e: ("by class", 404))
    assert client.get("/missing").data == b"by class"
    assert list(app.error_handler_spec[None][404]) == [NotFound]


def test_register_non_exception_class_raises_value_error(app: kolba.Kolba) -> None:
    with pytest.raises(ValueError, match="is not a subclass of Exception"):
        app.register_error_handler(str, lambda e: "")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is not a subclass of Exception"):

        @app.errorhandler(int)  # type: ignore[arg-type]
        def handler(e: Any) -> str:
            return ""


def test_register_exception_instance_raises_type_error(app: kolba.Kolba) -> None:
    with pytest.raises(TypeError, match="is an instance, not a class"):
        app.register_error_handler(ValueError(), lambda e: "")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="is an instance, not a class"):
        app.register_error_handler(NotFound(), lambda e: "")  # type: ignore[arg-type]


def test_register_unknown_code_raises_value_error(app: kolba.Kolba) -> None:
    with pytest.raises(ValueError, match="not a recognized HTTP error code"):
        app.register_error_handler(999, lambda e: "")
    with pytest.raises(ValueError, match="'299' is not a recognized HTTP error code"):

        @app.errorhandler(299)
        def handler(e: Any) -> str:
            return ""


def test_custom_http_exception_with_unusual_code_can_be_registered(
    app: kolba.Kolba, client: Any
) -> None:
    class Unusual(HTTPException):
        code = 599
        description = "unusual"

    @app.errorhandler(Unusual)
    def handle(e: Unusual) -> tuple[str, int]:
        return f"caught {e.code}", 599

    @app.route("/")
    def index() -> str:
        raise Unusual()

    assert app.error_handler_spec[None][599][Unusual] is handle
    rv = client.get("/")
    assert rv.status_code == 599
    assert rv.data == b"caught 599"


# --- lookup ------------------------------------------------------------------------------


def test_errorhandler_404_for_routing_miss(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        seen.append((type(e), request.path, request.url_rule))
        return "custom missing", 404

    rv = client.get("/nowhere")
    assert rv.status_code == 404
    assert rv.data == b"custom missing"
    assert seen == [(NotFound, "/nowhere", None)]


def test_errorhandler_404_for_abort(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return f"missing: {e.description}", 404

    @app.route("/")
    def index() -> str:
        abort(404, description="no such page")

    rv = client.get("/")
    assert rv.status_code == 404
    assert rv.data == b"missing: no such page"


def test_handler_return_string_means_status_200(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(404)
    def not_found(e: NotFound) -> str:
        return "just a string"

    rv = client.get("/nowhere")
    assert rv.status_code == 200
    assert rv.data == b"just a string"


def test_handler_returning_tuple_with_headers(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(AppError)
    def handle(e: AppError) -> tuple[str, int, dict[str, str]]:
        return "app error", 409, {"X-Error": "app"}

    @app.route("/")
    def index() -> str:
        raise AppError()

    rv = client.get("/")
    assert rv.status_code == 409
    assert rv.headers["X-Error"] == "app"
    assert rv.data == b"app error"


def test_handler_returning_dict_and_status(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(403)
    def forbidden(e: Forbidden) -> tuple[dict[str, Any], int]:
        return {"error": e.name, "code": e.code}, 403

    @app.route("/")
    def index() -> str:
        abort(403)

    rv = client.get("/")
    assert rv.status_code == 403
    assert rv.json == {"error": "Forbidden", "code": 403}


def test_handler_returning_the_exception_gives_default_page(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(HTTPException)
    def passthrough(e: HTTPException) -> HTTPException:
        return e

    rv = client.get("/nowhere")
    assert rv.status_code == 404
    assert rv.data == NotFound().get_body().encode()


def test_http_exception_json_pattern(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(HTTPException)
    def as_json(e: HTTPException) -> Any:
        response = e.get_response()
        response.data = json.dumps({"code": e.code, "name": e.name})
        response.content_type = "application/json"
        return response

    rv = client.get("/nowhere")
    assert rv.status_code == 404
    assert rv.content_type == "application/json"
    assert rv.json == {"code": 404, "name": "Not Found"}


def test_custom_exception_handler(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(AppError)
    def handle(e: AppError) -> tuple[str, int]:
        return f"{type(e).__name__}:{e}", 400

    @app.route("/base")
    def base() -> str:
        raise AppError("a")

    @app.route("/sub")
    def sub() -> str:
        raise SpecificError("b")

    assert client.get("/base").data == b"AppError:a"
    assert client.get("/sub").data == b"SpecificError:b"


def test_most_specific_handler_wins(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(SpecificError)
    def specific(e: Exception) -> str:
        return "specific"

    @app.errorhandler(AppError)
    def general(e: Exception) -> str:
        return "general"

    @app.errorhandler(Exception)
    def anything(e: Exception) -> str:
        return "anything"

    @app.route("/<kind>")
    def raise_it(kind: str) -> str:
        raise {"s": SpecificError, "a": AppError, "k": KeyError}[kind]()

    assert client.get("/s").data == b"specific"
    assert client.get("/a").data == b"general"
    assert client.get("/k").data == b"anything"


def test_exception_handler_also_catches_http_exceptions(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(Exception)
    def anything(e: Exception) -> tuple[str, int]:
        return type(e).__name__, 599

    rv = client.get("/nowhere")
    assert rv.status_code == 599
    assert rv.data == b"NotFound"


def test_http_exception_handler_catches_all_http_errors(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(HTTPException)
    def any_http(e: HTTPException) -> tuple[str, int]:
        assert e.code is not None
        return f"{e.code} {e.name}", e.code

    @app.route("/forbidden")
    def forbidden() -> str:
        abort(403)

    rv = client.get("/forbidden")
    assert (rv.status_code, rv.data) == (403, b"403 Forbidden")
    rv = client.get("/nowhere")
    assert (rv.status_code, rv.data) == (404, b"404 Not Found")
    rv = client.post("/forbidden")
    assert (rv.status_code, rv.data) == (405, b"405 Method Not Allowed")


def test_http_exception_handler_does_not_catch_plain_exceptions(
    app: kolba.Kolba, client: Any
) -> None:
    app.register_error_handler(HTTPException, lambda e: ("http", 400))

    @app.route("/")
    def index() -> str:
        raise ValueError("plain")

    with pytest.raises(ValueError, match="plain"):
        client.get("/")


def test_code_handler_beats_http_exception_handler(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(HTTPException)
    def any_http(e: HTTPException) -> tuple[str, int]:
        return "generic", e.code or 500

    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return "by code", 404

    assert client.get("/nowhere").data == b"by code"


def test_code_handler_beats_exception_handler_even_if_registered_later(
    app: kolba.Kolba, client: Any
) -> None:
    app.register_error_handler(Exception, lambda e: ("exception", 500))
    app.register_error_handler(404, lambda e: ("code", 404))
    assert client.get("/nowhere").data == b"code"


def test_http_exception_subclass_uses_code_handler(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return f"{type(e).__name__}: {e.description}", 404

    @app.route("/")
    def index() -> str:
        raise MissingThing()

    assert client.get("/").data == b"MissingThing: The thing is missing."


def test_http_exception_subclass_specific_handler_wins(app: kolba.Kolba, client: Any) -> None:
    app.register_error_handler(404, lambda e: ("code", 404))
    app.register_error_handler(MissingThing, lambda e: ("subclass", 404))

    @app.route("/")
    def index() -> str:
        raise MissingThing()

    assert client.get("/").data == b"subclass"
    assert client.get("/nowhere").data == b"code"


def test_register_error_handler_function(app: kolba.Kolba, client: Any) -> None:
    def on_app_error(e: AppError) -> tuple[str, int]:
        return "registered", 418

    app.register_error_handler(AppError, on_app_error)

    @app.route("/")
    def index() -> str:
        raise AppError()

    rv = client.get("/")
    assert rv.status_code == 418
    assert rv.data == b"registered"


def test_handler_receives_exception_instance(app: kolba.Kolba, client: Any) -> None:
    received: list[Any] = []
    err = AppError("exact")

    @app.errorhandler(AppError)
    def handle(e: AppError) -> str:
        received.append(e)
        return ""

    @app.route("/")
    def index() -> str:
        raise err

    client.get("/")
    assert received == [err]
    assert received[0] is err


def test_later_registration_replaces_handler(app: kolba.Kolba, client: Any) -> None:
    app.register_error_handler(AppError, lambda e: "first")
    app.register_error_handler(AppError, lambda e: "second")

    @app.route("/")
    def index() -> str:
        raise AppError()

    assert client.get("/").data == b"second"


def test_request_redirect_bypasses_http_exception_handlers(
    app: kolba.Kolba, client: Any
) -> None:
    called: list[Any] = []

    @app.errorhandler(HTTPException)
    def any_http(e: HTTPException) -> tuple[str, int]:
        called.append(e)
        return "handled", 500

    @app.route("/dir/")
    def directory() -> str:
        return "dir"

    rv = client.get("/dir")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/dir/"
    assert called == []


def test_http_exception_with_response_bypasses_handlers(app: kolba.Kolba, client: Any) -> None:
    called: list[Any] = []

    @app.errorhandler(HTTPException)
    def any_http(e: HTTPException) -> tuple[str, int]:
        called.append(e)
        return "handled", 500

    @app.route("/")
    def index() -> str:
        abort(Response("short and stout", status=418))

    rv = client.get("/")
    assert rv.status_code == 418
    assert rv.data == b"short and stout"
    assert called == []


def test_http_exception_with_custom_response_object(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        raise Forbidden(response=Response("custom forbidden", status=403, mimetype="text/plain"))

    rv = client.get("/")
    assert rv.status_code == 403
    assert rv.data == b"custom forbidden"
    assert rv.mimetype == "text/plain"


def test_abort_with_custom_description(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        abort(400, "You sent <b>garbage</b>")

    rv = client.get("/")
    assert rv.status_code == 400
    assert b"<p>You sent &lt;b&gt;garbage&lt;/b&gt;</p>" in rv.data
    assert b"<title>400 Bad Request</title>" in rv.data


def test_abort_inside_before_request(app: kolba.Kolba, client: Any) -> None:
    view_called: list[bool] = []

    @app.before_request
    def guard() -> None:
        if "token" not in request.args:
            abort(401)

    @app.errorhandler(401)
    def unauthorized(e: HTTPException) -> tuple[str, int]:
        return "login first", 401

    @app.after_request
    def after(response: Response) -> Response:
        response.headers["X-After"] = "ran"
        return response

    @app.route("/")
    def index() -> str:
        view_called.append(True)
        return "secret"

    rv = client.get("/")
    assert (rv.status_code, rv.data) == (401, b"login first")
    assert rv.headers["X-After"] == "ran"
    assert view_called == []
    assert client.get("/?token=1").data == b"secret"


def test_errorhandler_405(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    @app.errorhandler(405)
    def not_allowed(e: MethodNotAllowed) -> tuple[str, int]:
        seen.append(sorted(e.valid_methods or []))
        return "wrong method", 405

    @app.route("/", methods=["GET", "PUT"])
    def index() -> str:
        return ""

    rv = client.delete("/")
    assert (rv.status_code, rv.data) == (405, b"wrong method")
    assert seen == [["GET", "HEAD", "OPTIONS", "PUT"]]


# --- default error pages --------------------------------------------------------------


def test_default_404_page(client: Any) -> None:
    rv = client.get("/nowhere")
    assert rv.status_code == 404
    assert rv.status == "404 NOT FOUND"
    assert rv.content_type == "text/html; charset=utf-8"
    assert rv.data == NotFound().get_body().encode()
    assert rv.data.startswith(b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>")


def test_default_405_page_has_allow_header(app: kolba.Kolba, client: Any) -> None:
    @app.route("/", methods=["POST"])
    def index() -> str:
        return ""

    rv = client.get("/")
    assert rv.status_code == 405
    assert set(rv.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert rv.data == MethodNotAllowed().get_body().encode()


def test_default_abort_page(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        abort(403)

    rv = client.get("/")
    assert rv.status_code == 403
    assert rv.data == Forbidden().get_body().encode()


# --- unhandled exceptions ---------------------------------------------------------------


def test_unhandled_exception_gives_500_page(prod_app: kolba.Kolba) -> None:
    rv = prod_app.test_client().get("/boom")
    assert rv.status_code == 500
    assert rv.content_type == "text/html; charset=utf-8"
    assert rv.data == InternalServerError().get_body().encode()


def test_unhandled_exception_is_logged(
    prod_app: kolba.Kolba, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        prod_app.test_client().get("/boom?x=1")
    records = [r for r in caplog.records if r.name == prod_app.logger.name]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Exception on /boom [GET]"
    assert record.exc_info is not None
    assert record.exc_info[0] is ZeroDivisionError
    assert prod_app.logger.name == "kolba_test"


def test_post_exception_log_message(prod_app: kolba.Kolba, caplog: pytest.LogCaptureFixture) -> None:
    @prod_app.route("/save", methods=["POST"])
    def save() -> str:
        raise KeyError("k")

    with caplog.at_level(logging.ERROR):
        assert prod_app.test_client().post("/save").status_code == 500
    assert [r.getMessage() for r in caplog.records if r.name == "kolba_test"] == [
        "Exception on /save [POST]"
    ]


def test_handled_exception_is_not_logged(
    app: kolba.Kolba, caplog: pytest.LogCaptureFixture
) -> None:
    app.testing = False
    app.register_error_handler(ValueError, lambda e: ("ok", 400))

    @app.route("/")
    def index() -> str:
        raise ValueError()

    with caplog.at_level(logging.DEBUG):
        assert app.test_client().get("/").status_code == 400
    assert [r for r in caplog.records if r.name == "kolba_test"] == []


def test_after_request_runs_on_default_500(prod_app: kolba.Kolba) -> None:
    @prod_app.after_request
    def tag(response: Response) -> Response:
        response.headers["X-Status"] = str(response.status_code)
        return response

    rv = prod_app.test_client().get("/boom")
    assert rv.status_code == 500
    assert rv.headers["X-Status"] == "500"


def test_testing_propagates_exceptions(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("propagated")

    with pytest.raises(ZeroDivisionError, match="propagated"):
        client.get("/")


def test_propagate_exceptions_config_overrides_testing(app: kolba.Kolba) -> None:
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=True)

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    with pytest.raises(ZeroDivisionError):
        app.test_client().get("/")


def test_propagate_exceptions_false_overrides_testing(app: kolba.Kolba) -> None:
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    assert app.test_client().get("/").status_code == 500


def test_debug_mode_propagates(app: kolba.Kolba) -> None:
    app.config.update(TESTING=False)
    app.debug = True

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    with pytest.raises(ZeroDivisionError):
        app.test_client().get("/")


def test_500_handler_receives_internal_server_error(prod_app: kolba.Kolba) -> None:
    received: list[Any] = []

    @prod_app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        received.append(e)
        return "sorry", 500

    rv = prod_app.test_client().get("/boom")
    assert (rv.status_code, rv.data) == (500, b"sorry")
    assert len(received) == 1
    assert type(received[0]) is InternalServerError
    assert isinstance(received[0].original_exception, ZeroDivisionError)
    assert str(received[0].original_exception) == "division"


def test_500_handler_registered_by_class(prod_app: kolba.Kolba) -> None:
    prod_app.register_error_handler(
        InternalServerError, lambda e: (type(e.original_exception).__name__, 500)
    )
    assert prod_app.test_client().get("/boom").data == b"ZeroDivisionError"


def test_500_handler_for_abort_500_has_no_original_exception(app: kolba.Kolba) -> None:
    received: list[Any] = []

    @app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        received.append(e.original_exception)
        return "aborted", 500

    @app.route("/")
    def index() -> str:
        abort(500)

    assert app.test_client().get("/").data == b"aborted"
    assert received == [None]


def test_500_handler_not_used_when_propagating(app: kolba.Kolba, client: Any) -> None:
    called: list[Any] = []

    @app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        called.append(e)
        return "handled", 500

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    with pytest.raises(ZeroDivisionError):
        client.get("/")
    assert called == []


def test_exception_handler_catches_even_when_testing(app: kolba.Kolba, client: Any) -> None:
    app.register_error_handler(Exception, lambda e: (f"caught {type(e).__name__}", 500))

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    assert client.get("/").data == b"caught ZeroDivisionError"


def test_error_handler_raising_propagates_when_testing(app: kolba.Kolba, client: Any) -> None:
    @app.errorhandler(ValueError)
    def broken(e: ValueError) -> str:
        raise KeyError("from handler")

    @app.route("/")
    def index() -> str:
        raise ValueError()

    with pytest.raises(KeyError, match="from handler"):
        client.get("/")


def test_error_handler_raising_becomes_500(prod_app: kolba.Kolba) -> None:
    received: list[Any] = []

    @prod_app.errorhandler(ValueError)
    def broken(e: ValueError) -> str:
        raise KeyError("from handler")

    @prod_app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        received.append(e.original_exception)
        return "fallback", 500

    @prod_app.route("/v")
    def index() -> str:
        raise ValueError()

    rv = prod_app.test_client().get("/v")
    assert (rv.status_code, rv.data) == (500, b"fallback")
    assert len(received) == 1
    assert isinstance(received[0], KeyError)


def test_error_handler_raising_http_exception_is_not_rehandled(
    prod_app: kolba.Kolba,
) -> None:
    @prod_app.errorhandler(ValueError)
    def to_404(e: ValueError) -> str:
        abort(404)

    prod_app.register_error_handler(404, lambda e: ("handled 404", 404))

    @prod_app.route("/v")
    def index() -> str:
        raise ValueError()

    rv = prod_app.test_client().get("/v")
    assert rv.status_code == 500


def test_app_testing_flag_controls_propagation(app: kolba.Kolba) -> None:
    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    client = app.test_client()
    assert app.testing is True
    with pytest.raises(ZeroDivisionError):
        client.get("/")
    app.testing = False
    assert app.config["TESTING"] is False
    assert client.get("/").status_code == 500


# --- got_request_exception ------------------------------------------------------------------


def test_got_request_exception_signal_on_500(prod_app: kolba.Kolba) -> None:
    received: list[Any] = []

    def listener(sender: Any, **extra: Any) -> None:
        received.append((sender, extra))

    with kolba.got_request_exception.connected_to(listener, prod_app):
        assert prod_app.test_client().get("/boom").status_code == 500
    assert len(received) == 1
    sender, extra = received[0]
    assert sender is prod_app
    assert list(extra) == ["exception"]
    assert isinstance(extra["exception"], ZeroDivisionError)


def test_got_request_exception_signal_when_propagating(app: kolba.Kolba, client: Any) -> None:
    received: list[Any] = []

    @app.route("/")
    def index() -> str:
        raise KeyError("k")

    def listener(sender: Any, exception: BaseException, **extra: Any) -> None:
        received.append(exception)

    kolba.signals.got_request_exception.connect(listener, app)
    try:
        with pytest.raises(KeyError):
            client.get("/")
    finally:
        kolba.signals.got_request_exception.disconnect(listener, app)
    assert len(received) == 1
    assert isinstance(received[0], KeyError)


def test_got_request_exception_not_sent_for_handled_errors(app: kolba.Kolba, client: Any) -> None:
    received: list[Any] = []
    app.register_error_handler(ValueError, lambda e: ("handled", 400))

    @app.route("/")
    def index() -> str:
        raise ValueError()

    with kolba.got_request_exception.connected_to(lambda s, **kw: received.append(kw), app):
        client.get("/")
        client.get("/nowhere")
    assert received == []


def test_signals_module_and_top_level_are_same_objects() -> None:
    assert kolba.signals.got_request_exception is kolba.got_request_exception


# --- trapping ------------------------------------------------------------------------------


def test_trap_http_exceptions_raises_through_client(app: kolba.Kolba, client: Any) -> None:
    app.config["TRAP_HTTP_EXCEPTIONS"] = True

    @app.route("/")
    def index() -> str:
        abort(403)

    with pytest.raises(NotFound):
        client.get("/nowhere")
    with pytest.raises(Forbidden):
        client.get("/")


def test_trap_http_exceptions_still_uses_registered_handler(
    app: kolba.Kolba, client: Any
) -> None:
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    app.register_error_handler(404, lambda e: ("handled", 404))
    assert client.get("/nowhere").data == b"handled"


def test_trap_http_exceptions_without_propagation_gives_500(prod_app: kolba.Kolba) -> None:
    prod_app.config["TRAP_HTTP_EXCEPTIONS"] = True
    assert prod_app.test_client().get("/nowhere").status_code == 500


@pytest.fixture
def form_app(app: kolba.Kolba) -> kolba.Kolba:
    @app.route("/form", methods=["POST"])
    def form() -> str:
        return request.form["missing"]

    @app.route("/bad")
    def bad() -> str:
        abort(400)

    return app


def test_bad_request_key_error_is_400_by_default(form_app: kolba.Kolba) -> None:
    rv = form_app.test_client().post("/form", data={"other": "1"})
    assert rv.status_code == 400
    assert b"KeyError" not in rv.data
    assert rv.data == BadRequest().get_body().encode()


def test_debug_traps_bad_request_key_error(form_app: kolba.Kolba) -> None:
    form_app.debug = True
    with pytest.raises(BadRequestKeyError) as info:
        form_app.test_client().post("/form", data={"other": "1"})
    assert "KeyError: 'missing'" in str(info.value)


def test_debug_does_not_trap_other_bad_requests(form_app: kolba.Kolba) -> None:
    form_app.debug = True
    assert form_app.test_client().get("/bad").status_code == 400


def test_trap_bad_request_errors_true(form_app: kolba.Kolba) -> None:
    form_app.config["TRAP_BAD_REQUEST_ERRORS"] = True
    client = form_app.test_client()
    with pytest.raises(BadRequestKeyError) as info:
        client.post("/form", data={})
    assert "missing" in str(info.value)
    with pytest.raises(BadRequest):
        client.get("/bad")


def test_trap_bad_request_errors_false_in_debug_shows_key(form_app: kolba.Kolba) -> None:
    form_app.debug = True
    form_app.config["TRAP_BAD_REQUEST_ERRORS"] = False
    rv = form_app.test_client().post("/form", data={})
    assert rv.status_code == 400
    assert b"<br>KeyError: &#39;missing&#39;</p>" in rv.data


def test_bad_request_key_error_handler(form_app: kolba.Kolba) -> None:
    @form_app.errorhandler(400)
    def bad(e: BadRequest) -> tuple[str, int]:
        return f"{type(e).__name__}", 400

    assert form_app.test_client().post("/form", data={}).data == b"BadRequestKeyError"
