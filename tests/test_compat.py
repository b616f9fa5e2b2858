"""``kolba.compat.install()``: ``import flask`` resolves to Kolba.

``install()`` replaces ``flask`` in ``sys.modules`` for the whole process, so every
scenario runs in a subprocess and the tests assert on what it prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

pytestmark = pytest.mark.kolba_only

# Each check is an expression evaluated after ``install()``; it must be exactly True.
IDENTITY_CHECKS: dict[str, str] = {
    "Flask is Kolba": "flask.Flask is kolba.Kolba",
    "request": "flask.request is kolba.request",
    "current_app": "flask.current_app is kolba.current_app",
    "g": "flask.g is kolba.g",
    "session": "flask.session is kolba.session",
    "Blueprint": "flask.Blueprint is kolba.Blueprint",
    "jsonify": "flask.jsonify is kolba.jsonify",
    "abort": "flask.abort is kolba.abort",
    "url_for": "flask.url_for is kolba.url_for",
    "redirect": "flask.redirect is kolba.redirect",
    "make_response": "flask.make_response is kolba.make_response",
    "Response": "flask.Response is kolba.Response",
    "Request": "flask.Request is kolba.Request",
    "Config top": "flask.Config is kolba.Config",
    "request_started": "flask.request_started is kolba.request_started",
    "import flask twice": "M('flask') is flask",
    "globals.request": "M('flask.globals').request is kolba.request",
    "globals.request_ctx": "M('flask.globals').request_ctx is M('kolba.globals').request_ctx",
    "globals.app_ctx": "M('flask.globals').app_ctx is M('kolba.globals').app_ctx",
    "ctx.AppContext": "M('flask.ctx').AppContext is M('kolba.ctx').AppContext",
    "ctx.RequestContext": "M('flask.ctx').RequestContext is M('kolba.ctx').RequestContext",
    "ctx.after_this_request": "M('flask.ctx').after_this_request is kolba.after_this_request",
    "helpers.url_for": "M('flask.helpers').url_for is kolba.url_for",
    "helpers.stream_with_context": (
        "M('flask.helpers').stream_with_context is kolba.stream_with_context"
    ),
    "wrappers.Request": "M('flask.wrappers').Request is M('kolba.wrappers').Request",
    "wrappers.Response": "M('flask.wrappers').Response is M('kolba.wrappers').Response",
    "json.jsonify": "M('flask.json').jsonify is M('kolba.json').jsonify",
    "json.dumps": "M('flask.json').dumps is M('kolba.json').dumps",
    "json.provider": (
        "M('flask.json.provider').DefaultJSONProvider"
        " is M('kolba.json.provider').DefaultJSONProvider"
    ),
    "json.tag": (
        "M('flask.json.tag').TaggedJSONSerializer is M('kolba.json.tag').TaggedJSONSerializer"
    ),
    "sessions.SecureCookieSessionInterface": (
        "M('flask.sessions').SecureCookieSessionInterface"
        " is M('kolba.sessions').SecureCookieSessionInterface"
    ),
    "sessions.SessionInterface": (
        "M('flask.sessions').SessionInterface is M('kolba.sessions').SessionInterface"
    ),
    "signals.request_finished": (
        "M('flask.signals').request_finished is M('kolba.signals').request_finished"
    ),
    "testing.FlaskClient": "M('flask.testing').FlaskClient is M('kolba.testing').KolbaClient",
    "testing.FlaskCliRunner": (
        "M('flask.testing').FlaskCliRunner is M('kolba.testing').KolbaCliRunner"
    ),
    "testing.EnvironBuilder": (
        "M('flask.testing').EnvironBuilder is M('kolba.testing').EnvironBuilder"
    ),
    "views.MethodView": "M('flask.views').MethodView is M('kolba.views').MethodView",
    "views.View": "M('flask.views').View is M('kolba.views').View",
    "config.Config": "M('flask.config').Config is M('kolba.config').Config",
    "cli.FlaskGroup": "M('flask.cli').FlaskGroup is M('kolba.cli').KolbaGroup",
    "cli.with_appcontext": "M('flask.cli').with_appcontext is M('kolba.cli').with_appcontext",
    "cli.AppGroup": "M('flask.cli').AppGroup is M('kolba.cli').AppGroup",
    "cli.ScriptInfo": "M('flask.cli').ScriptInfo is M('kolba.cli').ScriptInfo",
    "blueprints.Blueprint": "M('flask.blueprints').Blueprint is kolba.Blueprint",
    "kolba app isinstance Flask": "isinstance(kolba.Kolba('x'), flask.Flask)",
    "Flask() makes a Kolba": "type(flask.Flask('x')) is kolba.Kolba",
}

PROBE = """
import importlib, json, sys
import kolba
import kolba.compat
kolba.compat.install()
kolba.compat.install()
import flask
M = importlib.import_module
checks = json.loads(sys.argv[1])
out = {}
for name, expr in checks.items():
    try:
        out[name] = repr(eval(expr))
    except BaseException as e:
        out[name] = "error: %s: %s" % (type(e).__name__, e)
try:
    from flask import (Flask, Blueprint, Config, Request, Response, abort,
        after_this_request, copy_current_request_context, current_app, flash, g,
        get_flashed_messages, has_app_context, has_request_context, jsonify,
        make_response, redirect, render_template, render_template_string, request,
        send_file, send_from_directory, session, stream_with_context, url_for,
        request_started, request_finished, got_request_exception)
    from flask.cli import FlaskGroup, with_appcontext, AppGroup, ScriptInfo
    from flask.testing import FlaskClient, FlaskCliRunner
    from flask.views import MethodView, View
    from flask.json.provider import DefaultJSONProvider
    from flask.sessions import SecureCookieSessionInterface
    from flask.globals import request_ctx, app_ctx
    from flask.ctx import AppContext, RequestContext
    out["from-imports"] = "True"
except BaseException as e:
    out["from-imports"] = "error: %s: %s" % (type(e).__name__, e)
print(json.dumps(out))
"""

APP_SCENARIO = """
import json
import kolba.compat
kolba.compat.install()

import click
from flask import Flask, abort, current_app, g, jsonify, request, session
from flask.views import MethodView

app = Flask(__name__)
app.config["SECRET_KEY"] = "dev"


@app.before_request
def load_user():
    g.user = request.headers.get("X-User", "anon")


@app.errorhandler(404)
def not_found(e):
    return jsonify(error="not found", path=request.path), 404


@app.route("/hello")
def hello():
    return jsonify(msg="hello " + request.args.get("name", "world"), user=g.user)


@app.route("/items/<int:item_id>", methods=["GET", "POST"])
def item(item_id):
    if item_id > 10:
        abort(404)
    if request.method == "POST":
        session["last"] = item_id
        return {"saved": item_id}, 201
    return {"id": item_id, "last": session.get("last")}


class Counter(MethodView):
    def get(self):
        return {"count": len(request.args)}


app.add_url_rule("/count", view_func=Counter.as_view("count"))


@app.cli.command("greet")
@click.argument("who")
def greet(who):
    click.echo("hi %s from %s" % (who, current_app.name))


client = app.test_client()
out = {"app_module": type(app).__module__}
r = client.get("/hello?name=kolba", headers={"X-User": "bob"})
out["hello"] = [r.status_code, r.get_json()]
r = client.get("/items/99")
out["missing"] = [r.status_code, r.get_json()]
r = client.get("/nowhere")
out["routing_missing"] = [r.status_code, r.get_json()]
r = client.post("/items/3")
out["post"] = [r.status_code, r.get_json()]
r = client.get("/items/4")
out["get"] = [r.status_code, r.get_json()]
r = client.get("/count?a=1&b=2")
out["count"] = [r.status_code, r.get_json()]
result = app.test_cli_runner().invoke(args=["greet", "you"])
out["cli"] = [result.exit_code, result.output]
print(json.dumps(out))
"""


def _run(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; return the JSON it prints, or its stderr."""
    env = {k: v for k, v in os.environ.items() if k != "KOLBA_TESTS_AGAINST"}
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"__failed__": proc.stderr[-3000:]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


@pytest.fixture(scope="module")
def probe() -> dict[str, Any]:
    return _run(PROBE, json.dumps(IDENTITY_CHECKS))


@pytest.fixture(scope="module")
def scenario() -> dict[str, Any]:
    return _run(APP_SCENARIO)


@pytest.mark.parametrize("check", sorted(IDENTITY_CHECKS))
def test_flask_name_resolves_to_kolba(probe: dict[str, Any], check: str) -> None:
    assert "__failed__" not in probe, probe["__failed__"]
    assert probe[check] == "True", f"{IDENTITY_CHECKS[check]} -> {probe[check]}"


def test_flask_spellings_importable(probe: dict[str, Any]) -> None:
    assert "__failed__" not in probe, probe["__failed__"]
    assert probe["from-imports"] == "True"


def test_without_install_flask_is_real_flask() -> None:
    out = _run(
        """
        import json
        import kolba
        import kolba.compat
        import flask
        print(json.dumps({"same": flask.Flask is kolba.Kolba,
                          "flask_module": flask.Flask.__module__}))
        """
    )
    assert out == {"same": False, "flask_module": "flask.app"}


def test_scenario_ran(scenario: dict[str, Any]) -> None:
    assert "__failed__" not in scenario, scenario["__failed__"]


def test_app_module_is_kolba(scenario: dict[str, Any]) -> None:
    assert scenario["app_module"].startswith("kolba")


def test_app_routes_and_jsonify(scenario: dict[str, Any]) -> None:
    assert scenario["hello"] == [200, {"msg": "hello kolba", "user": "bob"}]


def test_app_abort_reaches_errorhandler(scenario: dict[str, Any]) -> None:
    assert scenario["missing"] == [404, {"error": "not found", "path": "/items/99"}]
    assert scenario["routing_missing"] == [404, {"error": "not found", "path": "/nowhere"}]


def test_app_session_round_trip(scenario: dict[str, Any]) -> None:
    assert scenario["post"] == [201, {"saved": 3}]
    assert scenario["get"] == [200, {"id": 4, "last": 3}]


def test_app_method_view(scenario: dict[str, Any]) -> None:
    assert scenario["count"] == [200, {"count": 2}]


def test_app_cli_command(scenario: dict[str, Any]) -> None:
    assert scenario["cli"] == [0, "hi you from __main__\n"]
