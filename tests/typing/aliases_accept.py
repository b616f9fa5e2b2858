"""The ``kolba.typing`` aliases accept what Kolba accepts; mypy --strict must pass.

Decorators written against the ``T_*`` type variables (as Kolba's own are
meant to be) keep each function's exact type.
"""

from __future__ import annotations

import typing as t
from collections.abc import AsyncIterator, Iterator

from werkzeug.datastructures import Headers

from kolba import Response
from kolba.typing import (
    AfterRequestCallable,
    BeforeRequestCallable,
    ErrorHandlerCallable,
    HeadersValue,
    ResponseReturnValue,
    ResponseValue,
    RouteCallable,
    T_after_request,
    T_before_request,
    T_error_handler,
    T_route,
    T_shell_context_processor,
    T_teardown,
    T_template_context_processor,
    T_template_filter,
    T_template_global,
    T_template_test,
    T_url_defaults,
    T_url_value_preprocessor,
    TeardownCallable,
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


def url_value_preprocessor(f: T_url_value_preprocessor) -> T_url_value_preprocessor:
    return f


def context_processor(f: T_template_context_processor) -> T_template_context_processor:
    return f


def shell_context_processor(f: T_shell_context_processor) -> T_shell_context_processor:
    return f


def template_filter(f: T_template_filter) -> T_template_filter:
    return f


def template_global(f: T_template_global) -> T_template_global:
    return f


def template_test(f: T_template_test) -> T_template_test:
    return f


# -- every shape of view return value ------------------------------------------------


class Item(t.TypedDict):
    id: int


@route("/text")
def text() -> str:
    return "hello"


@route("/bytes/<int:n>")
def raw(n: int) -> bytes:
    return b"x" * n


@route("/dict")
def as_dict() -> dict[str, object]:
    return {"a": 1}


@route("/typed")
def typed() -> Item:
    return {"id": 1}


@route("/list")
def as_list() -> list[int]:
    return [1, 2]


@route("/response")
def response() -> Response:
    return Response("ok")


@route("/status")
def with_status() -> tuple[str, int]:
    return "created", 201


@route("/headers")
def with_headers() -> tuple[str, dict[str, str]]:
    return "ok", {"X-A": "1"}


@route("/all")
def with_everything() -> tuple[dict[str, int], int, list[tuple[str, str]]]:
    return {"a": 1}, 200, [("X-A", "1")]


@route("/headers-object")
def with_headers_object() -> tuple[str, int, Headers]:
    return "ok", 200, Headers({"X-A": "1"})


@route("/stream")
def stream() -> Iterator[str]:
    yield "a"


@route("/async")
async def async_view() -> str:
    return "hello"


@route("/async-stream")
def async_stream() -> AsyncIterator[bytes]:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"a"

    return chunks()


@route("/alias")
def alias() -> ResponseReturnValue:
    return "ok"


@route("/wsgi")
def wsgi_app() -> t.Any:
    return Response("ok")


# -- hooks and handlers ---------------------------------------------------------------


@errorhandler(404)
def not_found(error: Exception) -> tuple[str, int]:
    return "missing", 404


@errorhandler(500)
async def server_error(error: Exception) -> Response:
    return Response("broken", 500)


@before_request
def nothing_to_do() -> None:
    return None


@before_request
def maybe_stop() -> ResponseReturnValue | None:
    return ("stop", 403) if text() == "no" else None


@before_request
async def async_before() -> None:
    return None


@after_request
def add_header(response: Response) -> Response:
    response.headers["X-A"] = "1"
    return response


@after_request
async def async_after(response: Response) -> Response:
    return response


@teardown_request
def close_things(error: BaseException | None) -> None:
    pass


@url_defaults
def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
    values.setdefault("lang", "en")


@url_value_preprocessor
def pop_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
    if values:
        values.pop("lang", None)


@context_processor
def inject() -> dict[str, t.Any]:
    return {"site": "kolba"}


@shell_context_processor
def shell_names() -> dict[str, t.Any]:
    return {"answer": 42}


@template_filter
def reverse(s: str) -> str:
    return s[::-1]


@template_global
def double(n: int) -> int:
    return n * 2


@template_test
def is_even(n: int) -> bool:
    return n % 2 == 0


# -- the decorated functions keep their own types -----------------------------------------

n_bytes: bytes = raw(3)
item_id: int = typed()["id"]
status: int = with_status()[1]
reversed_text: str = reverse("abc")
even: bool = is_even(2)

# -- the aliases are usable as annotations -------------------------------------------------

views: list[RouteCallable] = [text, raw, as_dict, async_view, stream]
handlers: list[ErrorHandlerCallable] = [not_found, server_error]
befores: list[BeforeRequestCallable] = [nothing_to_do, maybe_stop, async_before]
afters: list[AfterRequestCallable[Response]] = [add_header, async_after]
teardowns: list[TeardownCallable] = [close_things]
body: ResponseValue = {"a": 1}
headers: HeadersValue = [("X-A", "1")]
