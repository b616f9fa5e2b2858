"""What the ``kolba.typing`` aliases refuse; mypy --strict must report each marked line.

The decorators here are bound to the ``T_*`` type variables, as Kolba's
are meant to be, so these are the errors a user's app gets once they are.
"""

from __future__ import annotations

import typing as t

from kolba import Response
from kolba.typing import (
    T_after_request,
    T_before_request,
    T_error_handler,
    T_route,
    T_teardown,
    T_template_test,
    T_url_defaults,
)


def route(rule: str) -> t.Callable[[T_route], T_route]:
    return lambda f: f


def errorhandler(code: int) -> t.Callable[[T_error_handler], T_error_handler]:
    return lambda f: f


def before_request(f: T_before_request) -> T_before_request:
    return f


def after_request(f: T_after_request) -> T_after_request:
    return f


def teardown_request(f: T_teardown) -> T_teardown:
    return f


def url_defaults(f: T_url_defaults) -> T_url_defaults:
    return f


def template_test(f: T_template_test) -> T_template_test:
    return f


@route("/int")  # E: Value of type variable "T_route"
def returns_int() -> int:
    return 1


@route("/set")  # E: Value of type variable "T_route"
def returns_set() -> set[str]:
    return {"a"}


@route("/none")  # E: Value of type variable "T_route"
def returns_none() -> None:
    pass


@route("/async-int")  # E: Value of type variable "T_route"
async def async_returns_int() -> int:
    return 1


@route("/bad-status")  # E: Value of type variable "T_route"
def status_as_text() -> tuple[str, str, str]:
    return "ok", "200", "OK"


@errorhandler(404)  # E: Value of type variable "T_error_handler"
def handler_without_error() -> str:
    return "missing"


@errorhandler(404)  # E: Value of type variable "T_error_handler"
def handler_with_two_arguments(error: Exception, extra: int) -> str:
    return "missing"


@errorhandler(404)  # E: Value of type variable "T_error_handler"
def handler_returning_int(error: Exception) -> int:
    return 404


@before_request  # E: Value of type variable "T_before_request"
def before_returning_int() -> int:
    return 1


@before_request  # E: Value of type variable "T_before_request"
def before_with_argument(response: Response) -> None:
    pass


@after_request  # E: Value of type variable "T_after_request"
def after_without_response() -> None:
    pass


@teardown_request  # E: Value of type variable "T_teardown"
def teardown_without_error() -> None:
    pass


@url_defaults  # E: Value of type variable "T_url_defaults"
def defaults_without_values(endpoint: str) -> None:
    pass


@template_test  # E: Value of type variable "T_template_test"
def test_returning_text(value: str) -> str:
    return value
