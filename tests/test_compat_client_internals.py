"""Private test-client methods of Flask's that extensions call.

Flask-SocketIO's test client builds its handshake environ through
``FlaskClient._request_from_builder_args`` and injects cookies through
Werkzeug's ``Client._add_cookies_to_wsgi``.  These tests pin what those
calls give on Flask 3.1 (they pass with ``KOLBA_TESTS_AGAINST=flask``).
"""

from __future__ import annotations

import kolba


def test_request_from_builder_args_uses_app_defaults(app: kolba.Kolba) -> None:
    app.config["SERVER_NAME"] = "example.com"
    client = app.test_client()
    request = client._request_from_builder_args(
        args=(), kwargs={"path": "/socket.io?EIO=4", "headers": {"X-Probe": "1"}}
    )
    assert request.url == "http://example.com/socket.io?EIO=4"
    assert request.headers["X-Probe"] == "1"
    assert request.remote_addr == "127.0.0.1"
    assert request.user_agent.string.startswith("Werkzeug/")


def test_request_from_builder_args_positional_and_environ_base(app: kolba.Kolba) -> None:
    client = app.test_client()
    request = client._request_from_builder_args(
        args=("/p",), kwargs={"method": "POST", "environ_base": {"REMOTE_ADDR": "10.0.0.9"}}
    )
    assert (request.path, request.method, request.remote_addr) == ("/p", "POST", "10.0.0.9")
    assert request.host == "localhost"


def test_request_from_builder_args_inside_with_client(app: kolba.Kolba) -> None:
    client = app.test_client()
    with client:
        request = client._request_from_builder_args(args=("/p",), kwargs={})
        assert "werkzeug.debug.preserve_context" in request.environ
    request = client._request_from_builder_args(args=("/p",), kwargs={})
    assert "werkzeug.debug.preserve_context" not in request.environ


def test_cookies_injected_into_a_built_environ(app: kolba.Kolba) -> None:
    @app.route("/set")
    def set_cookie() -> kolba.Response:
        response = kolba.make_response("set")
        response.set_cookie("flavour", "oat")
        return response

    client = app.test_client()
    client.get("/set")
    environ = client._request_from_builder_args(args=("/other",), kwargs={}).environ
    client._add_cookies_to_wsgi(environ)
    assert environ["HTTP_COOKIE"] == "flavour=oat"
