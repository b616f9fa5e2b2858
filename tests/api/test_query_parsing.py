"""Typed query parameters read the query string exactly as ``request.args`` does.

The reader parses the query string itself when no request object exists
yet, and otherwise reads ``request.args``' lists through ``dict.get`` (the
MultiDict storage that ``kolba.wrappers`` probes once).  Both must give
what ``request.args.getlist`` gives, for any query string.
"""

import typing as t

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from kolba import Kolba, request
from kolba.api import Query

pytestmark = pytest.mark.kolba_only

KEYS = ("a", "b", "c d", "é")


def _app() -> Kolba:
    app = Kolba(__name__)

    @app.get("/typed")
    def typed(
        a: t.Annotated[list[str], Query()] = [],  # noqa: B006
        b: t.Annotated[list[str], Query()] = [],  # noqa: B006
        c_d: t.Annotated[list[str], Query(alias="c d")] = [],  # noqa: B006
        e: t.Annotated[list[str], Query(alias="é")] = [],  # noqa: B006
    ) -> dict[str, list[str]]:
        return {"a": a, "b": b, "c d": c_d, "é": e}

    @app.get("/args")
    def args() -> dict[str, list[str]]:
        return {key: request.args.getlist(key) for key in KEYS}

    @app.get("/both")
    def both(a: t.Annotated[list[str], Query()] = []) -> dict[str, t.Any]:  # noqa: B006
        return {"typed": a, "args": request.args.getlist("a")}

    return app


APP = _app()

pieces = st.sampled_from(["a", "b", "c+d", "c%20d", "%C3%A9", "é", "x", "", "%", "%zz", "%FF", "+", "=", "&"])
query_strings = st.lists(pieces, max_size=12).map("".join)


@settings(max_examples=200, deadline=None)
@given(query_strings)
def test_typed_lists_equal_request_args(query: str) -> None:
    client = APP.test_client()
    typed = client.get("/typed", query_string=query).get_json()
    plain = client.get("/args", query_string=query).get_json()
    assert typed == plain


def test_with_a_request_object_already_made_the_lists_come_from_request_args() -> None:
    app = _app()

    @app.before_request
    def touch() -> None:
        request.args  # noqa: B018 - the request object and args exist before the view

    reply = app.test_client().get("/both?a=1&a=2&a=%C3%A9")
    assert reply.get_json() == {"typed": ["1", "2", "é"], "args": ["1", "2", "é"]}


def test_multidict_lists_are_what_getlist_returns() -> None:
    # The storage the reader relies on (through kolba.api.readers' probe): if
    # Werkzeug changes it, the probe turns the shortcut off and this fails.
    from kolba.api.readers import _LISTS_IN_DICT

    assert _LISTS_IN_DICT
    values = ImmutableMultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert dict.get(values, "a") == values.getlist("a") == ["1", "3"]
