"""Flask extensions from PyPI, unmodified, on Kolba through ``kolba.compat.install()``.

``install()`` replaces ``flask`` for the whole interpreter, so every scenario in
``scenarios/`` runs in its own process and prints a JSON report of named checks.
Each scenario also runs once on real Flask (``--flask``); both runs must match
the same expectations, so a check that passes on Flask and fails on Kolba
points at Kolba.  All processes start together on first use to keep the module
fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SCENARIO_DIR = Path(__file__).parent / "scenarios"
AGAINST_FLASK = os.environ.get("KOLBA_TESTS_AGAINST") == "flask"
BACKENDS = ("flask",) if AGAINST_FLASK else ("flask", "kolba")
TIMEOUT = 120

#: Flask-JWT-Extended's answer when neither the header nor the cookie holds a token.
JWT_MISSING = (
    "Missing JWT in headers or cookies (Missing Authorization Header;"
    ' Missing cookie "access_token_cookie")'
)
#: ... and when the ``Authorization`` header has another scheme.
JWT_NOT_BEARER = (
    "Missing JWT in headers or cookies (Missing 'Bearer' type in 'Authorization' header."
    " Expected 'Authorization: Bearer <JWT>'; Missing cookie \"access_token_cookie\")"
)

EXPECTED: dict[str, dict[str, Any]] = {
    "sqlalchemy": {
        "create_all_and_insert": ["alice"],
        "models_committed_signal": [["insert:alice"], ["insert:bob"]],
        "list_users": [200, {"users": [{"email": "alice@example.com", "username": "alice"}]}],
        "post_user": [201, {"id": 2}, ["alice", "bob"]],
        "get_or_404": [{"username": "alice"}, 404],
        "first_or_404": [{"email": "bob@example.com"}, 404],
        "paginate": {"items": ["bob"], "page": 2, "pages": 2},
        "paginate_out_of_range_404": [404, 404],
        "stream_with_context_queries": [200, "users: alice bob"],
        "response_headers": [
            [["Content-Length", "106"], ["Content-Type", "application/json"]],
            [["Content-Length", "207"], ["Content-Type", "text/html; charset=utf-8"]],
            [["Content-Length", "106"], ["Content-Type", "application/json"]],
            "",
        ],
        "shell_context": [True, True, True],
        "sessions_not_shared": {
            "first": {"pending": 1},
            "second": {"count": 2, "pending": 0},
            "distinct_sessions": True,
        },
        "teardown_removes_session": {"new": 0, "identity_map": 0},
        "teardown_after_error": [500, 0, 2],
        "record_queries": {"recorded": 1},
        "session_scoped_to_app_context": {
            "request_reuses_app_ctx": True,
            "nested_is_new": True,
            "restored": True,
        },
        "threads_get_own_sessions": [["a", "b"], True],
        "jsonify_column_types": {
            "day": "Fri, 17 May 2024 00:00:00 GMT",
            "placed": "Fri, 17 May 2024 08:30:00 GMT",
            "total": "12.50",
        },
        "seed_relative_sqlite_uri_in_instance_path": True,
        "app_factory_two_apps": [["first"], ["second"], ["sqlalchemy"], True],
        "outside_context_error": True,
    },
    "wtf": {
        "get_renders_form": {
            "status": 200,
            "token_input": True,
            "email_input": True,
            "action": True,
            "session_cookie": True,
        },
        "post_without_token": [400, {"csrf_error": "The CSRF token is missing."}],
        "post_bad_token": [400, {"csrf_error": "The CSRF token is invalid."}],
        "post_with_token": [200, {"email": "alice@example.com", "ok": True}],
        "post_invalid_email": [
            200,
            ["email: Invalid email address.", "password: This field is required."],
        ],
        "token_header_and_json_body": [200, {"email": "alice@example.com", "ok": True}],
        "template_global_token_valid": [200, {"email": "alice@example.com", "ok": True}],
        "token_from_other_session_rejected": [
            400,
            {"csrf_error": "The CSRF session token is missing."},
        ],
        "exempt_view_form_csrf": [
            200,
            {"errors": {"csrf_token": ["The CSRF token is missing."]}, "valid": False},
        ],
        "file_upload": [
            200,
            {"name": "a.txt", "size": 5},
            400,
            {"errors": {"upload": ["This field is required."]}},
        ],
        "exempt_blueprint": [200, {"received": "push"}],
        "form_in_test_request_context": [
            True,
            False,
            {"password": ["This field is required."]},
            "a@b.co",
        ],
        "form_outside_request": [False, True],
        "https_referrer_checks": [
            {"csrf_error": "The referrer header is missing."},
            {"csrf_error": "The referrer does not match the host."},
            200,
        ],
        "response_headers": [
            [
                ["Content-Length", "489"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Set-Cookie", "session=<v>; HttpOnly; Path=/"],
                ["Vary", "Cookie"],
            ],
            [["Content-Length", "44"], ["Content-Type", "application/json"]],
        ],
        "csrf_disabled_by_config": [200, {"email": "alice@example.com", "ok": True}],
    },
    "login": {
        "anonymous_redirected_to_login_view": [302, "/login?next=%2Fdashboard"],
        "login_message_flashed": [["message", "Please log in to access this page."]],
        "anonymous_current_user": {"anonymous": True, "authenticated": False, "id": None},
        "login_follows_next": [302, "/dashboard", None],
        "current_user_in_template": [200, "Welcome alice (True)"],
        "current_user_in_view": {"anonymous": False, "authenticated": True, "id": "1"},
        "session_holds_user_id": ["1", True, True],
        "logout": [200, {"anonymous": True, "authenticated": False, "id": None}, 302],
        "signals": ["in:alice", "out:alice"],
        "remember_cookie_set": [302, True],
        "remember_cookie_restores_user": [
            {"anonymous": False, "authenticated": True, "id": "2"},
            ["2", False, None],
        ],
        "logout_clears_remember_cookie": [1, True, None],
        "flask_login_client": {"anonymous": False, "authenticated": True, "id": "1"},
        "unauthorized_json_api": [401, "text/html"],
        "options_exempt_from_login_required": [200, ["GET", "HEAD", "OPTIONS"]],
        "blueprint_login_view": [302, "/admin/login?next=%2Fadmin%2Fpanel"],
        "fresh_login_required": [200, 302, "/reauth?next=%2Fsettings", 200],
        "copy_current_request_context_thread": {"here": "2", "seen": ["2"]},
        "use_session_for_next": ["/login", "/dashboard?tab=1"],
        "follow_redirects_login_flow": [
            "/login",
            "login page",
            "/dashboard",
            "Welcome alice (True)",
            [302],
        ],
        "with_client_keeps_context": [["1", "/whoami"], False],
        "response_headers": [
            [
                ["Content-Length", "207"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Location", "/dashboard"],
                ["Set-Cookie", "remember_token=<v>; Expires=<t>; HttpOnly; Path=/"],
                ["Set-Cookie", "session=<v>; HttpOnly; Path=/"],
                ["Vary", "Cookie"],
            ],
            [["Content-Length", "50"], ["Content-Type", "application/json"], ["Vary", "Cookie"]],
            [
                ["Content-Length", "3"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Set-Cookie", "remember_token=; Expires=<t>; Max-Age=<t>; Path=/"],
                ["Set-Cookie", "session=; Expires=<t>; Max-Age=<t>; HttpOnly; Path=/"],
                ["Vary", "Cookie"],
            ],
        ],
        "request_loader_header": ["2", None],
        "strong_session_protection": ["1", None],
    },
    "restful": {
        "seed_get": [200, "application/json", {"message": "Hello, World!"}],
        "seed_post": [201, "application/json", {"message": "Data received", "data": {"a": 1}}],
        "get_todo": [200, "application/json", {"task": "build an API"}],
        "abort_404_json_message": [
            404,
            "application/json",
            {"message": "Todo nope doesn't exist"},
        ],
        "reqparse_form_put": [
            201,
            "application/json",
            {"task": "write tests", "priority": 3},
            "todo2",
        ],
        "reqparse_json_put": [201, "application/json", {"task": "json task", "priority": 1}],
        "reqparse_default_locations_form_post_415": ["UnsupportedMediaType", 415],
        "reqparse_missing_400": [
            400,
            "application/json",
            {"message": {"task": "task is required"}},
        ],
        "reqparse_bad_type_400": [
            400,
            "application/json",
            {"message": {"priority": "invalid literal for int() with base 10: 'high'"}},
        ],
        "delete_204": [204, ""],
        "marshal_with_url_field": [
            200,
            "application/json",
            [
                {"id": "todo1", "task": "build an API", "uri": "/todos/todo1"},
                {"id": "todo2", "task": "write tests", "uri": "/todos/todo2"},
            ],
        ],
        "method_not_allowed_json": [
            405,
            "application/json",
            {"message": "The method is not allowed for the requested URL."},
            ["GET", "HEAD", "OPTIONS", "POST"],
        ],
        "options_automatic": [200, ["GET", "HEAD", "OPTIONS", "POST"]],
        "unknown_url_404": [404, "text/html"],
        "unexpected_error_500_json": [
            500,
            "application/json",
            {"message": "Internal Server Error"},
        ],
        "got_request_exception_sent": [
            "NotFound",
            "BadRequest",
            "BadRequest",
            "MethodNotAllowed",
            "ZeroDivisionError",
        ],
        "plain_route_untouched": [200, "plain"],
        "api_url_for": ["/todos/x", "/api/hello"],
        "head_uses_get": [200, "", "application/json"],
        "method_decorators_401": [
            [401, "application/json", {"message": "token required"}],
            [200, "application/json", {"secret": 42}],
        ],
        "representation_by_accept": [200, "text/csv", "task,build an API", "application/json"],
        "errors_mapping_409": [
            409,
            "application/json",
            {"message": "already exists", "status": 409},
        ],
        # Flask-RESTful answers errors in its resources itself, before Flask's handlers.
        "flask_errorhandler_in_resource": [
            500,
            "application/json",
            {"message": "Internal Server Error"},
        ],
        "crossdomain_decorator": [
            [200, "application/json", {"shared": True}],
            "*",
            200,
            None,
            ["GET", "HEAD", "OPTIONS"],
        ],
        "response_headers": [
            [["Content-Length", "29"], ["Content-Type", "application/json"]],
            [
                ["Allow", "GET, HEAD, OPTIONS, POST"],
                ["Content-Length", "64"],
                ["Content-Type", "application/json"],
            ],
            [["Content-Length", "37"], ["Content-Type", "application/json"]],
        ],
        "blueprint_api": [
            200,
            "application/json",
            {"message": "Hello, World!"},
            "/v2/hello",
            404,
        ],
        "catch_all_404s": [
            404,
            "application/json",
            {
                "message": "The requested URL was not found on the server. If you entered"
                " the URL manually please check your spelling and try again."
            },
        ],
    },
    "cors": {
        "simple_request_allow_origin": [
            200,
            {"data": "Sample data"},
            {"Access-Control-Allow-Origin": "http://x.example", "Vary": "Origin"},
        ],
        "no_origin_still_wildcard": [200, {"Access-Control-Allow-Origin": "*"}],
        "preflight": [
            200,
            "",
            {
                "Access-Control-Allow-Origin": "http://x.example",
                "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
                "Access-Control-Allow-Headers": "Content-Type, X-Custom",
                "Vary": "Origin",
            },
        ],
        "http_error_has_cors": [
            410,
            {"Access-Control-Allow-Origin": "http://x.example", "Vary": "Origin"},
        ],
        "not_found_has_cors": [
            404,
            {"Access-Control-Allow-Origin": "http://x.example", "Vary": "Origin"},
        ],
        "unhandled_error_has_cors": [
            500,
            {"Access-Control-Allow-Origin": "http://x.example", "Vary": "Origin"},
        ],
        "resource_rule_allowed_origin": [
            200,
            {
                "Access-Control-Allow-Origin": "http://good.example",
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Expose-Headers": "X-Total",
            },
        ],
        "resource_rule_other_origin": [200, {}],
        "resource_rule_preflight": [
            200,
            {
                "Access-Control-Allow-Origin": "http://good.example",
                "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Expose-Headers": "X-Total",
                "Access-Control-Max-Age": "600",
            },
        ],
        "outside_resources": [200, {}],
        "cross_origin_simple": [
            200,
            "open",
            {"Access-Control-Allow-Origin": "http://any.example", "Vary": "Origin"},
        ],
        "cross_origin_preflight": [
            200,
            ["GET", "HEAD", "OPTIONS", "PUT"],
            {
                "Access-Control-Allow-Origin": "http://any.example",
                "Access-Control-Allow-Methods": "GET, PUT",
                "Access-Control-Allow-Headers": "X-Custom",
                "Vary": "Origin",
            },
        ],
        "preflight_unknown_route": [
            404,
            {
                "Access-Control-Allow-Origin": "http://x.example",
                "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
                "Vary": "Origin",
            },
        ],
        "response_headers": [
            [
                ["Access-Control-Allow-Origin", "http://x.example"],
                ["Content-Length", "23"],
                ["Content-Type", "application/json"],
                ["Vary", "Origin"],
            ],
            [
                ["Access-Control-Allow-Headers", "X-Custom"],
                ["Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"],
                ["Access-Control-Allow-Origin", "http://x.example"],
                ["Allow", "GET, HEAD, OPTIONS, POST"],
                ["Content-Length", "0"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Vary", "Origin"],
            ],
        ],
        "blueprint_cors": [{"Access-Control-Allow-Origin": "http://bp.example"}, {}],
    },
    "seed_app": {
        "users": {"users": [{"email": "alice@example.com", "username": "alice"}]},
        "dashboard_needs_login": [302, "/login?next=%2Fdashboard"],
        "wrong_password": ["Invalid email or password"],
        "login_then_dashboard": [302, "/dashboard", "Welcome to your dashboard!", True],
        "api_with_cors": [
            201,
            {"message": "Data received", "data": {"x": 1}},
            "http://spa.example",
        ],
        "api_preflight": [200, "http://spa.example"],
    },
    "caching": {
        "simple_cached_view": [
            {"products": ["tea", "coffee"], "run": 1},
            {"products": ["tea", "coffee"], "run": 1},
            [["Content-Length", "38"], ["Content-Type", "application/json"]],
        ],
        "simple_query_string_keys": [
            [[200, "tea #1"], [200, "tea #1"]],
            [[200, "mate #2"], [200, "mate #2"]],
        ],
        "simple_template_view": [
            [200, "<h1>about</h1> #1"],
            [200, "<h1>about</h1> #1"],
            [200, "<h1>contact</h1> #1"],
            [200, "<h1>contact</h1> #1"],
        ],
        "simple_unless": [[[200, "1"], [200, "2"]], [[200, "3"], [200, "3"]]],
        # Flask-Caching keys views by path, not method: a POST gets the cached GET.
        "simple_post_answered_from_get_cache": ["GET 1", "GET 1", "GET 1"],
        # Any status is cached unless a response_filter says otherwise.
        "simple_error_status_cached_too": [[418, "short and stout 1"], [418, "short and stout 1"]],
        "simple_memoize": [
            [[200, "tea:EUR:1"], [200, "tea:EUR:1"]],
            [[200, "tea:USD:1"], [200, "tea:USD:1"]],
            "forgotten",
            [[200, "tea:EUR:2"], [200, "tea:EUR:2"]],
        ],
        "simple_delete_key": 2,
        "simple_jinja_cache_tag": [[200, "sidebar #1"], [200, "sidebar #1"]],
        "simple_blueprint_key_prefix": [None, [[200, "offer 1"], [200, "offer 1"]], True],
        "simple_direct_api_in_app_context": [
            {"a": 1},
            [{"a": 1}, None],
            2,
            True,
            "scenario_caching",
        ],
        "filesystem_cached_view": [
            {"products": ["tea", "coffee"], "run": 1},
            {"products": ["tea", "coffee"], "run": 1},
            [["Content-Length", "38"], ["Content-Type", "application/json"]],
        ],
        "filesystem_query_string_keys": [
            [[200, "tea #1"], [200, "tea #1"]],
            [[200, "mate #2"], [200, "mate #2"]],
        ],
        "filesystem_template_view": [
            [200, "<h1>about</h1> #1"],
            [200, "<h1>about</h1> #1"],
            [200, "<h1>contact</h1> #1"],
            [200, "<h1>contact</h1> #1"],
        ],
        "filesystem_unless": [[[200, "1"], [200, "2"]], [[200, "3"], [200, "3"]]],
        "filesystem_post_answered_from_get_cache": ["GET 1", "GET 1", "GET 1"],
        "filesystem_error_status_cached_too": [
            [418, "short and stout 1"],
            [418, "short and stout 1"],
        ],
        "filesystem_memoize": [
            [[200, "tea:EUR:1"], [200, "tea:EUR:1"]],
            [[200, "tea:USD:1"], [200, "tea:USD:1"]],
            "forgotten",
            [[200, "tea:EUR:2"], [200, "tea:EUR:2"]],
        ],
        "filesystem_delete_key": 2,
        "filesystem_jinja_cache_tag": [[200, "sidebar #1"], [200, "sidebar #1"]],
        "filesystem_blueprint_key_prefix": [None, [[200, "offer 1"], [200, "offer 1"]], True],
        "filesystem_direct_api_in_app_context": [
            {"a": 1},
            [{"a": 1}, None],
            2,
            True,
            "scenario_caching",
        ],
    },
    "session": {
        "cachelib_add_and_read": [
            {"cart": ["tea"]},
            {"cart": ["tea", "milk"]},
            {"cart": ["tea", "milk"], "sid_length": 43},
            [
                ["Content-Length", "17"],
                ["Content-Type", "application/json"],
                ["Set-Cookie", "session=<v>; HttpOnly; Path=/"],
                ["Vary", "Cookie"],
            ],
        ],
        "cachelib_kept_on_server": [43, ["cart"]],
        "cachelib_other_client_is_apart": [[], True],
        "cachelib_unknown_sid_starts_afresh": [],
        "cachelib_untouched_session_flags": [
            200,
            [
                ["Content-Length", "15"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Vary", "Cookie"],
            ],
            [[True, False, "CacheLibSession"], [True, False]],
        ],
        "cachelib_permanent": [
            [
                ["Content-Length", "2"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Set-Cookie", "session=<v>; Expires=<t>; HttpOnly; Path=/"],
                ["Vary", "Cookie"],
            ],
            ["_permanent", "who"],
        ],
        "cachelib_regenerate": [True, None, ["tea", "milk"]],
        "cachelib_clear_deletes": [
            [
                ["Content-Length", "4"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Set-Cookie", "session=; Expires=<t>; Max-Age=<t>; Path=/"],
                ["Vary", "Cookie"],
            ],
            None,
            None,
        ],
        "cachelib_session_transaction": ["jam", "bread"],
        "sqlalchemy_add_and_read": [
            {"cart": ["tea"]},
            {"cart": ["tea", "milk"]},
            {"cart": ["tea", "milk"], "sid_length": 43},
            [
                ["Content-Length", "17"],
                ["Content-Type", "application/json"],
                ["Set-Cookie", "session=<v>; HttpOnly; Path=/"],
                ["Vary", "Cookie"],
            ],
        ],
        "sqlalchemy_kept_on_server": [43, ["cart"]],
        "sqlalchemy_other_client_is_apart": [[], True],
        "sqlalchemy_unknown_sid_starts_afresh": [],
        "sqlalchemy_untouched_session_flags": [
            200,
            [
                ["Content-Length", "15"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Vary", "Cookie"],
            ],
            [[True, False, "SqlAlchemySession"], [True, False]],
        ],
        "sqlalchemy_permanent": [
            [
                ["Content-Length", "2"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Set-Cookie", "session=<v>; Expires=<t>; HttpOnly; Path=/"],
                ["Vary", "Cookie"],
            ],
            ["_permanent", "who"],
        ],
        "sqlalchemy_regenerate": [True, None, ["tea", "milk"]],
        "sqlalchemy_clear_deletes": [
            [
                ["Content-Length", "4"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["Set-Cookie", "session=; Expires=<t>; Max-Age=<t>; Path=/"],
                ["Vary", "Cookie"],
            ],
            None,
            None,
        ],
        "sqlalchemy_session_transaction": ["jam", "bread"],
    },
    "migrate": {
        "db_init": [0, ["README", "alembic.ini", "env.py", "script.py.mako", "versions"], ""],
        "db_migrate_first": [0, ["Detected added table 'user'"], 1, ""],
        "db_upgrade": [
            0,
            ["Running upgrade  -> <rev>, users"],
            {"alembic_version": ["version_num"], "user": ["id", "name"]},
            "",
        ],
        "db_migrate_added_column": [0, ["Detected added column 'user.email'"], ""],
        "db_upgrade_again": [0, ["Running upgrade <rev> -> <rev>, email"], ["id", "name", "email"], ""],
        "upgrade_api_in_app_context": {
            "alembic_version": ["version_num"],
            "user": ["id", "name", "email"],
        },
    },
    "limiter": {
        "default_limit": [
            [200, 200, 200, 200, 200],
            429,
            {"limit": "5", "remaining": "0", "reset_is_epoch": True, "retry_after": True},
        ],
        "route_limit_headers": [
            200,
            {"limit": "2", "remaining": "1", "reset_is_epoch": True, "retry_after": True},
            429,
            {"limit": "2", "remaining": "0", "reset_is_epoch": True, "retry_after": True},
            "text/html",
            True,
        ],
        "exempt_route": [[200, 200, 200, 200, 200, 200, 200, 200], False],
        "key_func": [[200, 429], [200, 429]],
        "per_address": [200, 200, 429],
        "methods_filter": [[200, 200, 200], [200, 429]],
        "shared_limit": [200, 200, 429, 429],
        "blueprint_limit": [[200, 200, 200, 429], "3"],
        "blueprint_and_route_limit": [200, 429],
        "exempt_blueprint": [200, 200, 200, 200, 200, 200, 200],
        "custom_429_handler": [
            200,
            429,
            {"error": "slow down", "limit": "1 per 1 minute"},
            {"limit": "1", "remaining": "0", "reset_is_epoch": True, "retry_after": True},
        ],
        "request_context_state": [
            200,
            {"current": "5 per 1 minute", "stored_on_ctx": ["_limiter_request_context"]},
        ],
        "limiter_api": [None, 200, ["limiter"]],
    },
    "jwt": {
        "login_issues_tokens": [
            {"sub": "ann", "type": "access", "fresh": True, "role": "admin"},
            {"sub": "ann", "type": "refresh", "fresh": False, "role": "admin"},
            900,
        ],
        "bad_login": [401, {"msg": "Bad username"}],
        "header_access": [
            200,
            {"identity": "ann", "role": "admin", "type": "access", "user_id": 1},
        ],
        "missing_token": [
            401,
            {
                "msg": JWT_MISSING,
            },
            [["Content-Length", "115"], ["Content-Type", "application/json"]],
        ],
        "malformed_header": [
            [
                401,
                {
                    "msg": JWT_NOT_BEARER,
                },
            ],
            [422, {"msg": "Invalid header padding"}],
        ],
        "bad_signature": [422, {"msg": "Signature verification failed"}],
        "expired_token": [401, {"msg": "Token has expired"}],
        "refresh_token_where_access_needed": [422, {"msg": "Only non-refresh tokens are allowed"}],
        "refresh_flow_and_freshness": [
            [200, {"fresh": True}],
            [401, {"msg": "Fresh token required"}],
            [422, {"msg": "Only refresh tokens are allowed"}],
        ],
        "optional": [[200, {"identity": None}], [200, {"identity": "bob"}]],
        "revoked_token": [401, {"msg": "Token has been revoked"}],
        "cookies_login": [
            200,
            [
                "access_token_cookie",
                "csrf_access_token",
                "csrf_refresh_token",
                "refresh_token_cookie",
            ],
            [
                ["Content-Length", "15"],
                ["Content-Type", "application/json"],
                ["Set-Cookie", "access_token_cookie=<v>; HttpOnly; Path=/"],
                ["Set-Cookie", "csrf_access_token=<v>; Path=/"],
                ["Set-Cookie", "csrf_refresh_token=<v>; Path=/"],
                ["Set-Cookie", "refresh_token_cookie=<v>; HttpOnly; Path=/"],
            ],
            [200, {"identity": "ann", "role": "admin", "type": "access", "user_id": 1}],
        ],
        "cookies_csrf": [
            [401, {"msg": "Missing CSRF token"}],
            [401, {"msg": "CSRF double submit tokens do not match"}],
            [200, {"changed": "bob"}],
        ],
        "cookies_refresh": [200, ["access"]],
        "cookies_logout": [
            200,
            [
                ["Content-Length", "16"],
                ["Content-Type", "application/json"],
                ["Set-Cookie", "access_token_cookie=; Expires=<t>; HttpOnly; Path=/"],
                ["Set-Cookie", "csrf_access_token=; Expires=<t>; Path=/"],
                ["Set-Cookie", "csrf_refresh_token=; Expires=<t>; Path=/"],
                ["Set-Cookie", "refresh_token_cookie=; Expires=<t>; HttpOnly; Path=/"],
            ],
            [
                401,
                {
                    "msg": JWT_MISSING,
                },
            ],
        ],
        "blueprint_hook": [
            [
                401,
                {
                    "msg": JWT_MISSING,
                },
            ],
            [403, {"msg": "Admins only"}],
            [200, {"panel": "ann"}],
        ],
        "custom_unauthorized_callback": [
            418,
            {"error": "Missing Authorization Header", "path": "/p"},
        ],
    },
    "httpauth": {
        "basic_ok": [200, {"user": "ann", "username": "ann"}, None],
        "basic_missing": [
            401,
            "Unauthorized Access",
            "Basic realm=\"Staff\"",
            [
                ["Content-Length", "19"],
                ["Content-Type", "text/html; charset=utf-8"],
                ["WWW-Authenticate", "Basic realm=\"Staff\""],
            ],
        ],
        "basic_wrong_password": [401, "Unauthorized Access", "Basic realm=\"Staff\""],
        "basic_malformed_header": [
            [401, "Unauthorized Access", "Basic realm=\"Staff\""],
            [401, "Unauthorized Access", "Basic realm=\"Staff\""],
        ],
        "basic_via_test_client_auth": [200, {"user": "bob", "username": "bob"}, None],
        "roles": [
            [200, "admin area", None],
            [403, "Unauthorized Access", "Basic realm=\"Staff\""],
        ],
        "optional": [[200, {"user": None}, None], [200, {"user": "bob"}, None]],
        "token_ok": [200, {"user": "bob", "via": "token"}, None],
        "token_errors": [
            [
                401,
                {"error": "token required", "status": 401},
                "Bearer realm=\"Authentication Required\"",
            ],
            [
                401,
                {"error": "token required", "status": 401},
                "Bearer realm=\"Authentication Required\"",
            ],
            [
                401,
                {"error": "token required", "status": 401},
                "Bearer realm=\"Authentication Required\"",
            ],
        ],
        "multi_auth": [
            [200, {"user": "ann"}, None],
            [200, {"user": "ann"}, None],
            [401, "Unauthorized Access", "Basic realm=\"Staff\""],
        ],
        "blueprint_guard": [
            [
                401,
                {"error": "token required", "status": 401},
                "Bearer realm=\"Authentication Required\"",
            ],
            [200, {"items": ["a"], "user": "ann"}, None],
        ],
        "options_not_challenged": [200, ["GET", "HEAD", "OPTIONS"]],
    },
    "socketio": {
        "connect_and_welcome": [True, [["welcome", [{"user": None, "auth": {"token": "good"}}]]]],
        "connect_refused": False,
        "http_session_carried_over": [
            [["welcome", [{"user": "ann", "auth": None}]]],
            [["connect", "ann", "/socket.io", True], ["disconnect", "ann"]],
        ],
        "send_and_ack": [[["message", "echo: hello"]], "heard", [["shouted", [{"text": "HI"}]]]],
        "broadcast": [[["shouted", [{"text": "ALL"}]]], [["shouted", [{"text": "ALL"}]]]],
        "socket_session_and_g": [["bob", "blue", "blue"], ["blue", None], 200],
        "rooms": [
            "lobby",
            2,
            [[["said", ["psst"]]], [["said", ["psst"]]], []],
            [["said", ["again"]]],
            [],
        ],
        "error_handler": [
            [["failed", ["handler failed"]]],
            [["error", "ValueError", "handler failed", "fail"]],
        ],
        "namespace_class": [
            [["ready", [{"namespace": "/chat"}]]],
            {"pong": 42, "app": "scenario_socketio"},
        ],
        "disconnect_handler": [False, [["disconnect", "cy"]]],
    },
}


def _command(scenario: str, backend: str) -> list[str]:
    """The command line of one scenario run."""
    script = str(SCENARIO_DIR / f"scenario_{scenario}.py")
    return [sys.executable, script] + (["--flask"] if backend == "flask" else [])


def _parse(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """Wait for a scenario and read its JSON report, or describe how it died."""
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return {"crash": f"timed out after {TIMEOUT}s\n{err[-4000:]}"}
    lines = out.strip().splitlines()
    try:
        report: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        return {"crash": f"exit {proc.returncode}, no report\n{out[-2000:]}\n{err[-4000:]}"}
    report["returncode"] = proc.returncode
    return report


@cache
def _all_reports() -> dict[tuple[str, str], dict[str, Any]]:
    """Run every scenario on every backend, all processes at once."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("KOLBA_TESTS_AGAINST", None)
    procs = {
        (scenario, backend): subprocess.Popen(
            _command(scenario, backend),
            cwd=SCENARIO_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for scenario in EXPECTED
        for backend in BACKENDS
    }
    return {key: _parse(proc) for key, proc in procs.items()}


def _report(scenario: str, backend: str) -> dict[str, Any]:
    """One scenario's report; a crashed process fails every check of it."""
    report = _all_reports()[(scenario, backend)]
    if "crash" in report:
        pytest.fail(f"scenario {scenario} on {backend} crashed:\n{report['crash']}")
    return report


def _backend_marks(backend: str) -> list[pytest.MarkDecorator]:
    """Kolba runs exercise ``kolba.compat``, a Kolba-only feature."""
    return [pytest.mark.kolba_only] if backend == "kolba" else []


SCENARIO_CASES = [
    pytest.param(scenario, backend, id=f"{scenario}-{backend}", marks=_backend_marks(backend))
    for scenario in EXPECTED
    for backend in ("flask", "kolba")
]

CHECK_CASES = [
    pytest.param(
        scenario, backend, check, id=f"{scenario}-{backend}-{check}", marks=_backend_marks(backend)
    )
    for scenario, checks in EXPECTED.items()
    for backend in ("flask", "kolba")
    for check in checks
]


@pytest.mark.parametrize(("scenario", "backend"), SCENARIO_CASES)
def test_scenario_ran_on_backend(scenario: str, backend: str) -> None:
    """The process exited cleanly, ran every check, and ``flask`` was the intended one."""
    report = _report(scenario, backend)
    assert report["returncode"] == 0
    assert report["backend"] == backend
    assert report["results"]["backend_module"] == backend
    assert set(report["results"]) == {"backend_module", *EXPECTED[scenario]}


@pytest.mark.parametrize(("scenario", "backend", "check"), CHECK_CASES)
def test_extension_behaviour(scenario: str, backend: str, check: str) -> None:
    """One observed behaviour equals what real Flask produces."""
    report = _report(scenario, backend)
    observed = report["results"].get(check, {"error": "check did not run"})
    trace = report["errors"].get(check, "")
    assert observed == EXPECTED[scenario][check], trace


def test_a_scenarios_scratch_folder_is_gone_when_it_ends() -> None:
    """Scenarios that need files write them where their process removes them."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from _harness import scratch_folder;"
        "folder = scratch_folder('kolba-scratch-test-');"
        "open(folder + '/kept', 'w').write('x');"
        "print(folder)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(SCENARIO_DIR)],
        capture_output=True, text=True, timeout=TIMEOUT, check=True,
    )
    folder = Path(done.stdout.strip())
    assert folder.name.startswith("kolba-scratch-test-")
    assert not folder.exists()
