"""Requests for a host the app is not configured for answer as in Flask 3.1.

Each case gives a configuration, a ``Host`` header and a path; the expected
status, ``Location`` and warnings are what Flask 3.1 answers (the module
passes with ``KOLBA_TESTS_AGAINST=flask``).  With ``SERVER_NAME`` alone,
Flask 3.1 serves any host; with subdomain matching, a host outside
``SERVER_NAME`` is a 404 with a warning, and an unknown subdomain a plain
404.
"""

from __future__ import annotations

import os
import typing as t
import warnings

import pytest

import kolba

TESTS_DIR = os.path.dirname(__file__)


def _foreign(host: str, server: str = "example.com") -> str:
    return f"Current server name '{host}' doesn't match configured server name '{server}'"


def _make_app(
    server_name: str | None,
    subdomain_matching: bool = False,
    default_subdomain: str = "",
    handler: bool = False,
) -> kolba.Kolba:
    app = kolba.Kolba("hosts_app", root_path=TESTS_DIR, subdomain_matching=subdomain_matching)
    app.config["SERVER_NAME"] = server_name
    app.url_map.default_subdomain = default_subdomain  # after the static route, as users do

    @app.route("/")
    def index() -> str:
        return f"index {kolba.request.host}"

    @app.route("/dir/")
    def directory() -> str:
        return "dir"

    @app.route("/api", subdomain="api")
    def api() -> str:
        return "api"

    @app.route("/user", subdomain="<name>")
    def user(name: str) -> str:
        return f"user {name}"

    if handler:

        @app.errorhandler(404)
        def missing(error: Exception) -> tuple[str, int]:
            return f"missing {type(error).__name__} {kolba.request.url_rule}", 404

    return app


def _get(app: kolba.Kolba, host: str, path: str) -> tuple[int, str | None, str, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = app.test_client().get(path, headers={"Host": host})
    text = response.get_data(as_text=True)
    body = text if not text.startswith("<") else "<page>"
    seen = [f"{w.category.__name__}: {w.message}" for w in caught]
    return response.status_code, response.headers.get("Location"), body, seen


CASES: list[tuple[str, dict[str, t.Any], str, str, tuple[int, str | None, str, list[str]]]] = [
    # SERVER_NAME alone does not restrict hosts in Flask 3.1.
    ("server_name_own_host", {"server_name": "example.com"}, "example.com", "/",
     (200, None, "index example.com", [])),
    ("server_name_other_host", {"server_name": "example.com"}, "other.org", "/",
     (200, None, "index other.org", [])),
    ("server_name_other_host_subdomain_rule", {"server_name": "example.com"}, "other.org",
     "/api", (404, None, "<page>", [])),
    ("server_name_port_mismatch", {"server_name": "example.com:8080"}, "example.com", "/",
     (200, None, "index example.com", [])),
    # Subdomain matching: a foreign host warns and matches nothing.
    ("subdomains_other_host", {"server_name": "example.com", "subdomain_matching": True},
     "other.org", "/", (404, None, "<page>", ["UserWarning: " + _foreign("other.org")])),
    ("subdomains_other_host_handled",
     {"server_name": "example.com", "subdomain_matching": True, "handler": True},
     "other.org", "/",
     (404, None, "missing NotFound None", ["UserWarning: " + _foreign("other.org")])),
    ("subdomains_ip_host", {"server_name": "example.com", "subdomain_matching": True},
     "127.0.0.1:5000", "/",
     (404, None, "<page>", ["UserWarning: " + _foreign("127.0.0.1:5000")])),
    ("subdomains_port_not_configured",
     {"server_name": "example.com", "subdomain_matching": True},
     "example.com:8080", "/",
     (404, None, "<page>", ["UserWarning: " + _foreign("example.com:8080")])),
    ("subdomains_own_host", {"server_name": "example.com", "subdomain_matching": True},
     "example.com", "/", (200, None, "index example.com", [])),
    ("subdomains_host_case", {"server_name": "example.com", "subdomain_matching": True},
     "EXAMPLE.com", "/", (200, None, "index EXAMPLE.com", [])),
    ("subdomains_known_subdomain", {"server_name": "example.com", "subdomain_matching": True},
     "api.example.com", "/api", (200, None, "api", [])),
    ("subdomains_other_subdomain_fixed_rule",
     {"server_name": "example.com", "subdomain_matching": True},
     "www.example.com", "/api", (404, None, "<page>", [])),
    ("subdomains_other_subdomain_root",
     {"server_name": "example.com", "subdomain_matching": True},
     "api.example.com", "/", (404, None, "<page>", [])),
    ("subdomains_variable", {"server_name": "example.com", "subdomain_matching": True},
     "bob.example.com", "/user", (200, None, "user bob", [])),
    ("subdomains_nested_variable", {"server_name": "example.com", "subdomain_matching": True},
     "a.b.example.com", "/user", (200, None, "user a.b", [])),
    ("subdomains_redirect_keeps_subdomain",
     {"server_name": "example.com", "subdomain_matching": True},
     "example.com", "/dir", (308, "http://example.com/dir/", "<page>", [])),
    ("subdomains_without_server_name", {"server_name": None, "subdomain_matching": True},
     "api.example.com", "/api", (404, None, "<page>", [])),
    # A default subdomain binds every request to it, subdomain matching or not.
    ("default_subdomain_root", {"server_name": "example.com", "default_subdomain": "www"},
     "example.com", "/", (200, None, "index example.com", [])),
    ("default_subdomain_static_added_before",
     {"server_name": "example.com", "default_subdomain": "www"},
     "example.com", "/static/style.css", (404, None, "<page>", [])),
    ("default_subdomain_redirect", {"server_name": None, "default_subdomain": "www"},
     "other.org", "/dir", (308, "http://www.other.org/dir/", "<page>", [])),
    ("default_subdomain_with_matching",
     {"server_name": "example.com", "subdomain_matching": True, "default_subdomain": "www"},
     "www.example.com", "/", (200, None, "index www.example.com", [])),
    ("default_subdomain_with_matching_bare",
     {"server_name": "example.com", "subdomain_matching": True, "default_subdomain": "www"},
     "example.com", "/", (404, None, "<page>", [])),
]


@pytest.mark.parametrize(
    ("config", "host", "path", "expected"),
    [pytest.param(config, host, path, expected, id=name) for name, config, host, path, expected in CASES],
)
def test_request_for_host(
    config: dict[str, t.Any], host: str, path: str, expected: tuple[int, str | None, str, list[str]]
) -> None:
    assert _get(_make_app(**config), host, path) == expected


def test_static_file_served_without_default_subdomain() -> None:
    """The control for ``default_subdomain_static_added_before``: the file exists."""
    assert _get(_make_app("example.com"), "example.com", "/static/style.css")[0] == 200


def test_host_matching_other_host_is_404() -> None:
    app = kolba.Kolba("hosts_app", host_matching=True, static_host="static.example.com")
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/", host="<user>.example.com")
    def index(user: str) -> str:
        return user

    assert _get(app, "bob.example.com", "/") == (200, None, "bob", [])
    assert _get(app, "other.org", "/") == (404, None, "<page>", [])
