"""``session.accessed`` / ``session.modified`` read late, on a session the view never touched.

Extensions read these flags in ``after_request`` hooks and teardown
callbacks to decide whether to save or refresh something.  Kolba opens
the cookie session lazily, so these reads are the first touch; they must
answer what Flask 3.1 answers (and reading them counts as an access, so
the response varies on ``Cookie``).
"""

from __future__ import annotations

import typing as t

import pytest

import kolba
from kolba.sessions import SecureCookieSessionInterface


class _SubclassedInterface(SecureCookieSessionInterface):
    """Any interface other than the default opens at push time, as in Flask."""


def _flags(where: str) -> tuple[str, t.Any, t.Any, t.Any]:
    try:
        return (where, kolba.session.accessed, kolba.session.modified, kolba.session.permanent)
    except Exception as exc:  # noqa: BLE001 - the observation is the point
        return (where, f"{type(exc).__name__}: {exc}", None, None)


def _app(secret_key: str | None, interface: bool) -> tuple[kolba.Kolba, list[t.Any]]:
    app = kolba.Kolba("unopened_session")
    app.config["SECRET_KEY"] = secret_key
    if interface:
        app.session_interface = _SubclassedInterface()
    seen: list[t.Any] = []

    @app.after_request
    def after(response: kolba.Response) -> kolba.Response:
        seen.append(_flags("after_request"))
        return response

    @app.teardown_request
    def teardown(error: BaseException | None) -> None:
        seen.append(_flags("teardown_request"))

    @app.route("/")
    def untouched() -> str:
        return "untouched"

    @app.route("/later")
    def later() -> str:
        @kolba.after_this_request
        def this_request(response: kolba.Response) -> kolba.Response:
            seen.append(_flags("after_this_request"))
            return response

        return "later"

    @app.route("/fails")
    def fails() -> str:
        raise ValueError("boom")

    return app, seen


SETUPS = [
    pytest.param("key", False, id="cookie-session"),
    pytest.param(None, False, id="no-secret-key"),
    pytest.param("key", True, id="subclassed-interface"),
]


@pytest.mark.parametrize(("secret_key", "interface"), SETUPS)
@pytest.mark.parametrize("path", ["/", "/missing", "/fails"])
def test_flags_in_hooks_and_teardown(secret_key: str | None, interface: bool, path: str) -> None:
    app, seen = _app(secret_key, interface)
    response = app.test_client().get(path)
    assert response.status_code == {"/": 200, "/missing": 404, "/fails": 500}[path]
    assert seen == [
        ("after_request", True, False, False),
        ("teardown_request", True, False, False),
    ]
    expected_vary = None if secret_key is None else "Cookie"
    assert response.headers.get("Vary") == expected_vary
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(("secret_key", "interface"), SETUPS)
def test_flags_in_after_this_request(secret_key: str | None, interface: bool) -> None:
    app, seen = _app(secret_key, interface)
    app.test_client().get("/later")
    assert seen[0] == ("after_this_request", True, False, False)


def test_flags_on_a_test_request_context() -> None:
    app, _ = _app("key", False)
    with app.test_request_context("/"):
        assert (kolba.session.accessed, kolba.session.modified) == (True, False)


def test_flags_with_a_session_cookie_sent() -> None:
    """The client holds a session; the view still never reads it."""
    app, seen = _app("key", False)

    @app.route("/write")
    def write() -> str:
        kolba.session["n"] = 1
        return "written"

    client = app.test_client()
    client.get("/write")
    seen.clear()
    response = client.get("/")
    assert seen == [
        ("after_request", True, False, False),
        ("teardown_request", True, False, False),
    ]
    assert response.headers.get("Vary") == "Cookie"
    assert "Set-Cookie" not in response.headers
