"""Flask internals that extensions import, reachable through kolba.compat."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.kolba_only

SCRIPT = textwrap.dedent(
    """
    import json
    import kolba.compat
    kolba.compat.install()
    import flask
    out = {}
    out["sessions_attr"] = flask.sessions.__name__
    out["json_tag_attr"] = flask.json.tag.__name__
    from flask.globals import _cv_app, _cv_request
    from flask.sansio.app import App
    from flask.sansio.blueprints import Blueprint as SansioBlueprint, BlueprintSetupState
    from flask.sansio.scaffold import Scaffold, setupmethod
    from flask.templating import template_rendered, before_render_template
    from flask.helpers import _split_blueprint_path
    from flask.debughelpers import explain_template_loading_attempts
    app = flask.Flask("probe")
    out["is_app"] = isinstance(app, App)
    out["bp_same"] = SansioBlueprint is flask.Blueprint
    out["outside"] = [_cv_app.get(None), _cv_request.get(None)]
    with app.test_request_context("/x"):
        out["inside_app"] = _cv_app.get().app is app
        out["inside_path"] = _cv_request.get().request.path
    try:
        _cv_app.get()
    except LookupError:
        out["lookup_error"] = True
    out["split"] = _split_blueprint_path("a.b.c")
    # set()/reset() behave like ContextVar's: a pushed app context, then undone.
    token = _cv_app.set(app.app_context())
    out["set_app"] = flask.current_app.name
    _cv_app.reset(token)
    out["after_reset"] = flask.has_app_context()
    ctx = app.test_request_context("/y")
    token = _cv_request.set(ctx)
    out["set_request"] = [flask.request.path, flask.current_app.name]
    _cv_request.reset(token)
    out["after_request_reset"] = [flask.has_request_context(), flask.has_app_context()]
    out["signal"] = template_rendered.name
    import kolba, kolba.globals
    out["own_specs"] = [kolba.__spec__.name, kolba.globals.__spec__.name]
    kolba.compat.uninstall()
    import flask as real_flask
    out["uninstalled"] = [real_flask.Flask is not kolba.Kolba, real_flask.__name__]
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def probe() -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_submodules_are_attributes_after_plain_import(probe: dict[str, object]) -> None:
    assert probe["sessions_attr"] == "kolba.sessions"
    assert probe["json_tag_attr"] == "kolba.json.tag"


def test_context_var_views(probe: dict[str, object]) -> None:
    assert probe["outside"] == [None, None]
    assert probe["inside_app"] is True
    assert probe["inside_path"] == "/x"
    assert probe["lookup_error"] is True


def test_sansio_names(probe: dict[str, object]) -> None:
    assert probe["is_app"] is True
    assert probe["bp_same"] is True


def test_reexports(probe: dict[str, object]) -> None:
    assert probe["split"] == ["a.b.c", "a.b", "a"]
    assert probe["signal"] == "template-rendered"


def test_kolba_modules_keep_their_own_spec(probe: dict[str, object]) -> None:
    assert probe["own_specs"] == ["kolba", "kolba.globals"]


def test_context_var_views_set_and_reset(probe: dict[str, object]) -> None:
    assert probe["set_app"] == "probe"
    assert probe["after_reset"] is False
    assert probe["set_request"] == ["/y", "probe"]
    assert probe["after_request_reset"] == [False, False]


def test_uninstall_brings_back_real_flask(probe: dict[str, object]) -> None:
    assert probe["uninstalled"] == [True, "flask"]
