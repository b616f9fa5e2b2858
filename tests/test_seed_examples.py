"""Every code example of the seeds runs on Kolba, spelled both ways, and on Flask.

The examples live in ``tests/seeds`` in Flask's spelling, as the seeds print
them.  Each one is copied to a temporary folder (with the templates and static
files it needs) and run three ways, each in its own processes because
``kolba.compat.install()`` replaces ``flask`` for the whole interpreter:

``kolba``
    the copy rewritten by :func:`kolba_spelling` (``from flask import Flask``
    becomes ``from kolba import Kolba``).  Examples that use a Flask extension
    also call ``kolba.compat.install()``, because the extension itself imports
    ``flask``; the others must never import Flask at all.
``compat``
    the unmodified copy after ``import kolba.compat; kolba.compat.install()``.
``flask``
    the unmodified copy on real Flask: the control that proves each expectation
    is Flask's behaviour, so a mismatch on the other two is Kolba's.

A driver per example (below, ``_drive_<example>``) imports the example in the
child process, drives every route with the app's test client and records named
observations; the child prints them as JSON and the tests compare them with
``EXPECTED``.  The seed's own ``unittest`` test case runs under
``python -m unittest``.  All child processes start together on first use.
"""

from __future__ import annotations

import ast
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tokenize
import traceback
import typing as t
from pathlib import Path

import pytest

SEEDS = Path(__file__).parent / "seeds"
AGAINST_FLASK = os.environ.get("KOLBA_TESTS_AGAINST") == "flask"
TIMEOUT = 120

# -- the Kolba spelling --------------------------------------------------------


def _kolba_name(name: str) -> str:
    """``Flask`` -> ``Kolba``, ``FlaskClient`` -> ``KolbaClient``, ``FLASK_X`` -> ``KOLBA_X``."""
    return name.replace("Flask", "Kolba").replace("FLASK", "KOLBA")


def _is_flask_module(module: str | None) -> bool:
    """``flask`` or one of its submodules, but not an extension such as ``flask_wtf``."""
    return module is not None and (module == "flask" or module.startswith("flask."))


class _Renames(t.NamedTuple):
    """What :func:`kolba_spelling` renames, found from the ``from flask`` imports."""

    everywhere: dict[str, str]  # names imported without ``as``: renamed in every use
    aliased: set[str]  # names imported ``as`` another: renamed in the import only
    import_lines: set[int]  # the lines those ``from flask`` imports span


def _imported_renames(tree: ast.AST) -> _Renames:
    """Names bound by ``from flask... import`` that Kolba spells differently."""
    renames = _Renames({}, set(), set())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ImportFrom) and node.level == 0):
            continue
        if not _is_flask_module(node.module):
            continue
        renames.import_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        for alias in node.names:
            if _kolba_name(alias.name) == alias.name:
                continue
            if alias.asname is None:
                renames.everywhere[alias.name] = _kolba_name(alias.name)
            else:
                renames.aliased.add(alias.name)
    return renames


def _token_rename(
    tok: tokenize.TokenInfo, before: list[tokenize.TokenInfo], renames: _Renames
) -> str | None:
    """The Kolba spelling of one NAME token, or None when it stays as it is."""
    previous = before[-1].string if before else ""
    if tok.string == "flask" and previous != ".":
        return "kolba"
    if previous == "." and len(before) >= 2 and before[-2].string == "flask":
        # ``flask.Flask`` after ``import flask``: the attribute follows the module.
        renamed = _kolba_name(tok.string)
        return renamed if renamed != tok.string else None
    if previous != "." and tok.string in renames.everywhere:
        return renames.everywhere[tok.string]
    in_import = tok.start[0] in renames.import_lines
    if in_import and previous not in (".", "as") and tok.string in renames.aliased:
        return _kolba_name(tok.string)
    return None


def kolba_spelling(source: str) -> str:
    """Rewrite Flask-spelled code the way the seeds' rule says: Flask's imports in Kolba's names.

    Only code changes: the module name ``flask`` (and ``flask.<sub>``) becomes
    ``kolba``, and every name imported from it that contains ``Flask``/``FLASK``
    takes the ``Kolba``/``KOLBA`` spelling wherever it is used.  Strings,
    comments, extensions (``flask_wtf``) and the names they export
    (``FlaskForm``), and user names such as ``FlaskTestCase`` stay unchanged.
    """
    renames = _imported_renames(ast.parse(source))
    edits: list[tuple[int, int, int, str]] = []
    significant: list[tokenize.TokenInfo] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME:
            new = _token_rename(tok, significant[-2:], renames)
            if new is not None:
                edits.append((tok.start[0], tok.start[1], tok.end[1], new))
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT,
                            tokenize.INDENT, tokenize.DEDENT):
            significant.append(tok)
    lines = source.splitlines(keepends=True)
    for row, start, end, new in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + new + line[end:]
    return "".join(lines)


# -- what runs where -------------------------------------------------------------


class Group(t.NamedTuple):
    """Examples that share one child process: one folder, one import namespace."""

    name: str
    folder: str | None  # a project folder under seeds/, or None for the single files
    examples: tuple[str, ...]
    extensions: bool  # uses a Flask extension: needs compat even in Kolba's spelling


GROUPS: tuple[Group, ...] = (
    Group(
        "plain",
        None,
        (
            "ex_000_1", "ex_000_2", "ex_000_3", "ex_000_4", "ex_000_5", "ex_000_10",
            "ex_001_1", "ex_001_2", "ex_001_3", "ex_001_4", "ex_002_1", "ex_003_1",
            "ex_004_1", "ex_004_2", "ex_004_3", "ex_004_4",
        ),
        extensions=False,
    ),
    Group(
        "extensions",
        None,
        ("ex_000_6", "ex_000_7", "ex_000_8", "ex_000_9", "ex_004_5", "ex_004_6"),
        extensions=True,
    ),
    Group("ex_000_11", "ex_000_11", ("ex_000_11",), extensions=False),
    Group("ex_000_12", "ex_000_12", ("ex_000_12",), extensions=False),
)
GROUP_OF = {example: group for group in GROUPS for example in group.examples}
EXAMPLES = tuple(GROUP_OF)
BACKENDS = ("kolba", "compat", "flask")
STARTED_BACKENDS = ("flask",) if AGAINST_FLASK else BACKENDS
BACKEND_PARAMS = [
    pytest.param("kolba", marks=pytest.mark.kolba_only),
    pytest.param("compat", marks=pytest.mark.kolba_only),
    pytest.param("flask"),
]

# ``python -c`` keeps the child's cwd (the example's copy) first on sys.path.
_BOOT = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__seed_driver__')"
_COMPAT_UNITTEST = (
    "import kolba.compat; kolba.compat.install(); import unittest; "
    "unittest.main(module=None, argv=['python -m unittest', '-v'])"
)


def _copy_examples(group_folder: str | None, dest: Path, backend: str) -> Path:
    """Copy an example folder (the single files with templates/static, or a project)."""
    if group_folder is None:
        dest.mkdir(parents=True)
        for path in SEEDS.glob("ex_*.py"):
            shutil.copy(path, dest / path.name)
        for sub in ("templates", "static"):
            shutil.copytree(SEEDS / sub, dest / sub)
    else:
        shutil.copytree(SEEDS / group_folder, dest, ignore=shutil.ignore_patterns("__pycache__"))
    if backend == "kolba":
        for path in dest.rglob("*.py"):
            path.write_text(kolba_spelling(path.read_text()))
    return dest


def _child_env() -> dict[str, str]:
    """The children choose their backend themselves; pytest's switch must not leak in."""
    env = dict(os.environ)
    env.pop("KOLBA_TESTS_AGAINST", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class SeedRuns:
    """All child processes, started at once; each report is read when first needed."""

    def __init__(self, root: Path) -> None:
        self._procs: dict[tuple[str, str], subprocess.Popen[str]] = {}
        self._done: dict[tuple[str, str], tuple[int, str, str]] = {}
        for backend in STARTED_BACKENDS:
            for group in GROUPS:
                cwd = _copy_examples(group.folder, root / backend / group.name, backend)
                argv = [sys.executable, "-c", _BOOT, __file__, backend, group.name]
                self._start((backend, group.name), argv, cwd)
            cwd = _copy_examples("ex_000_12", root / backend / "unittest", backend)
            if backend == "compat":
                argv = [sys.executable, "-c", _COMPAT_UNITTEST]
            else:
                argv = [sys.executable, "-m", "unittest", "-v"]
            self._start((backend, "unittest"), argv, cwd)

    def _start(self, key: tuple[str, str], argv: list[str], cwd: Path) -> None:
        proc = subprocess.Popen(
            argv, cwd=cwd, env=_child_env(), text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self._procs[key] = proc

    def finished(self, backend: str, name: str) -> tuple[int, str, str]:
        """Return code, stdout and stderr of one child."""
        key = (backend, name)
        if key not in self._done:
            proc = self._procs[key]
            try:
                out, err = proc.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            self._done[key] = (proc.returncode, out, err)
        return self._done[key]

    def report(self, backend: str, group: str) -> dict[str, t.Any]:
        """The JSON report a driver child printed on its last stdout line."""
        code, out, err = self.finished(backend, group)
        lines = out.strip().splitlines()
        if code != 0 or not lines:
            pytest.fail(f"{backend}/{group} child failed ({code}):\n{err[-4000:]}")
        report: dict[str, t.Any] = json.loads(lines[-1])
        report["stderr"] = err
        return report

    def close(self) -> None:
        """Stop children whose report no test read (a deselected or failed run)."""
        for proc in self._procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[SeedRuns]:
    """Start every child once per module; they run in parallel while tests read them."""
    runs = SeedRuns(tmp_path_factory.mktemp("seed_examples"))
    yield runs
    runs.close()


# -- what each example must do ---------------------------------------------------------

_HTML = "text/html; charset=utf-8"
_JSON = "application/json"
_NOT_FOUND = (
    "404 Not Found: The requested URL was not found on the server. If you entered"
    " the URL manually please check your spelling and try again."
)

EXPECTED: dict[str, dict[str, t.Any]] = {
    # -- seed 000 ------------------------------------------------------------------
    "ex_000_1": {
        "home": [200, _HTML, "Hello, World!"],
        "user": [200, _HTML, "Hello, alice!"],
        "user_url_decoded": "Hello, J\u00f6rg K!",
        "user_without_name_404": 404,
        "user_two_segments_404": 404,
    },
    "ex_000_2": {
        "hello": [200, _HTML, "Hello, Flask!"],
        "head": [200, "", 13],  # HEAD: no body, GET's length
        "imported_not_run": "ex_000_2",  # imported, so app.run() never ran
    },
    "ex_000_3": {
        "index": [200, _HTML, "Welcome to Flask!"],
        "api_get": [200, _JSON, {"message": "Send a POST request with JSON data"}],
        "api_post_json": [
            200, _JSON, {"message": "Data received", "data": {"name": "Ada", "n": [1, 2]}},
        ],
        "api_post_not_json_415": 415,
        "api_post_bad_json_400": 400,
        "api_put_405": [405, ["GET", "HEAD", "OPTIONS", "POST"]],
        "user_int": [200, _HTML, "User ID: 42"],
        "user_not_int_404": [404, 404],
    },
    "ex_000_4": {
        "profile": [
            200,
            _HTML,
            {"title": ["Profile"], "h1": ["alice's Profile"], "p": ["Age: 25", "City: New York"]},
        ],
        "profile_escapes_name": ["&lt;b&gt;b's Profile"],
    },
    "ex_000_5": {
        "contact_form": [200, _HTML, ["/contact"], ["name", "email", "message"]],
        "post_redirects": [302, "/thank-you"],
        "post_follows_to_thank_you": [200, "/thank-you", "Thank you for your message!", [302]],
        "post_missing_field_400": 400,  # request.form['message'] is missing
        "thank_you": [200, _HTML, "Thank you for your message!"],
        "delete_405": 405,
    },
    "ex_000_6": {
        "users_empty": [200, _JSON, {"users": []}],
        "users_listed": [
            200,
            _JSON,
            {
                "users": [
                    {"username": "alice", "email": "alice@example.com"},
                    {"username": "bob", "email": "bob@example.com"},
                ]
            },
        ],
        "sqlite_file_in_instance_folder": [True, True],
    },
    "ex_000_7": {
        "valid_with_csrf_token": [True, {}],
        "missing_csrf_token": [False, {"csrf_token": ["The CSRF token is missing."]}],
        "get_is_not_submitted": [False, {}],
        "invalid_fields": [
            False,
            {"email": ["Invalid email address."], "password": ["This field is required."]},
        ],
        "renders_fields": [
            '<input id="email" name="email" required type="text" value="">',
            '<input id="password" name="password" required type="password" value="">',
            '<input id="submit" name="submit" type="submit" value="Login">',
            '<label for="email">Email</label>',
        ],
    },
    "ex_000_8": {
        "dashboard_anonymous_401": 401,  # no login_view: Flask-Login answers 401
        "login_page": [200, ["Login"], ["csrf_token", "email", "password", "submit"], True],
        "login_without_csrf_token": [200, ["csrf_token: The CSRF token is missing."]],
        "login_wrong_password": [200, []],
        "login_unknown_email": 200,
        "login_invalid_email": [200, ["email: Invalid email address."]],
        "login_redirects_to_dashboard": [302, "/dashboard"],
        "session_holds_user": ["1", True],
        "dashboard_logged_in": [200, _HTML, "Welcome to your dashboard!"],
        "dashboard_still_anonymous": 401,
    },
    "ex_000_9": {
        "get": [200, _JSON, {"message": "Hello, World!"}],
        "post": [201, _JSON, {"message": "Data received", "data": {"name": "Ada"}}],
        "post_not_json": [
            415,
            _JSON,
            {
                "message": "Did not attempt to load JSON data because the request"
                " Content-Type was not 'application/json'."
            },
        ],
        "delete_405": [
            405,
            _JSON,
            {"message": "The method is not allowed for the requested URL."},
            ["GET", "HEAD", "OPTIONS", "POST"],
        ],
        "head": [200, ""],
        "unknown_url_404": 404,
    },
    "ex_000_10": {
        "divide": [200, _HTML, "Result: 25.0"],
        "divide_by_zero_400": [400, _HTML, "Cannot divide by zero!"],
        "not_found_page": [
            404,
            _HTML,
            {"title": ["Page not found"], "h1": ["404 - Page not found"], "p": ["No page at /nope."]},
        ],
        "negative_is_not_int_404": [
            404, _HTML, {"h1": ["404 - Page not found"], "p": ["No page at /divide/-5."]},
        ],
        "server_error_page": [
            500, _HTML, {"title": ["Server error"], "h1": ["500 - Something went wrong"]},
        ],
        "post_405_default_page": [
            405, _HTML, {"title": ["405 Method Not Allowed"], "h1": ["Method Not Allowed"]},
        ],
    },
    "ex_000_11": {
        "development_config": [[True, False, "dev"], True, "dev"],
        "production_config": [[False, False, "prod-secret-key"], False],
        "config_class_object": [True, False, "dev"],
        "secret_key_signs_sessions": True,
        "no_routes_404": 404,
    },
    "ex_000_12": {
        "development_debug": [True, True],
        "testing_not_debug": [False, False],
        "blueprint_registered": ["main"],
        "rules": [["/", "main.index"], ["/static/<path:filename>", "static"]],
        "home_page": [200, _HTML, "Home page"],
        "dev_home_page": [200, _HTML, "Home page"],
        "missing_page_404": 404,
        "url_for_blueprint_view": ["/", "/"],
        "app_name_and_root": ["app", "app", True],
    },
    # -- seed 001 ------------------------------------------------------------------
    "ex_001_1": {
        "home": [200, _HTML, "Hello, Welcome to Flask!"],
    },
    "ex_001_2": {
        "home": [200, _HTML, "Welcome to the Home Page"],
        "about": [200, _HTML, "This is the About Page"],
        "contact": [200, _HTML, "Contact us at contact@example.com"],
        "trailing_slash_404": 404,
        "post_405": [405, ["GET", "HEAD", "OPTIONS"]],
    },
    "ex_001_3": {
        "user": [200, _HTML, "Hello, alice! Welcome to your profile."],
        "post": [200, _HTML, "Displaying post with ID: 7"],
        "post_not_int_404": 404,
        "missing_variable_404": [404, 404],
        "url_for": ["/user/a%20b", "/post/3"],
    },
    "ex_001_4": {
        "get": [200, _HTML, "Please submit the form."],
        "post": [200, _HTML, "Form submitted successfully!"],
        "head": [200, ""],
        "options": [200, ["GET", "HEAD", "OPTIONS", "POST"]],
        "put_405": [405, ["GET", "HEAD", "OPTIONS", "POST"]],
    },
    # -- seed 002 ------------------------------------------------------------------
    "ex_002_1": {
        "home": [
            200,
            _HTML,
            {
                "title": ["Flask Home"],
                "h1": ["Welcome to Flask 2025!"],
                "p": [
                    "This is your first Flask application running in 2025!",
                    'Go to <a href="/submit">the submission page</a>.',
                ],
            },
            ["/submit"],
        ],
        "submit_form": [
            200,
            _HTML,
            {"title": ["Submit Data"], "h1": ["Submit Your Data"], "label": ["Enter something:"]},
            ["/static/style.css", "/"],
            ["/submit"],
        ],
        "submitted": [
            200, _HTML, {"h1": ["Data Successfully Submitted!"], "strong": ["Hello seeds"]},
        ],
        "submitted_is_escaped": ["&lt;b&gt;x&lt;/b&gt;"],
        "empty_input_redirects_home": [302, "/"],
        "empty_input_follows_to_home": [200, "/", ["Welcome to Flask 2025!"]],
        "static_css": [200, "text/css; charset=utf-8", True, True],
        "static_css_not_modified": [304, ""],
        "static_missing_404": 404,
    },
    # -- seed 003 ------------------------------------------------------------------
    "ex_003_1": {
        "hello_world": [200, _HTML, "Hello, World!"],
    },
    # -- seed 004 ------------------------------------------------------------------
    "ex_004_1": {
        "imported_without_serving": ["ex_004_1", "ex_004_1"],
        "only_static_rule": ["/static/<path:filename>"],
        "no_routes_404": 404,
    },
    "ex_004_2": {
        "home": [200, _HTML, "Hello, Flask and WSGI!"],
        "plain_wsgi_call": [
            [["200 OK", [["Content-Length", "22"], ["Content-Type", _HTML]]]],
            "Hello, Flask and WSGI!",
        ],
    },
    "ex_004_3": {
        "home": [200, _HTML, "Hello, Werkzeug!"],
        "echo_object": [200, _JSON, {"a": 1, "b": [True, None]}],
        "echo_list": [200, _JSON, [1, "two"]],
        "echo_not_json_415": [
            415,
            "text/plain",
            "415 Unsupported Media Type: Did not attempt to load JSON data because the"
            " request Content-Type was not 'application/json'.",
        ],
        "echo_bad_json_400": [
            400,
            "text/plain",
            "400 Bad Request: The browser (or proxy) sent a request that this server"
            " could not understand.",
        ],
        "echo_get_405": [
            405,
            "text/plain",
            "405 Method Not Allowed: The method is not allowed for the requested URL.",
            ["OPTIONS", "POST"],
        ],
        "missing_404": [404, "text/plain", _NOT_FOUND],
        "body_length_matches": True,
    },
    "ex_004_4": {
        "api": [200, _JSON, {"message": "Hello, Flask API!"}],
        "api_post_405": [405, ["GET", "HEAD", "OPTIONS"]],
    },
    "ex_004_5": {
        "users_empty": [200, _JSON, []],
        "users_listed": [200, _JSON, ["alice", "bob"]],
        "sqlite_file_in_instance_folder": True,
    },
    "ex_004_6": {
        "data": [200, _JSON, {"data": "Sample data"}],
        # [status, Access-Control-Allow-Origin, -Allow-Methods, Vary]
        "cors_with_origin": [200, "https://other.example", None, "Origin"],
        "cors_without_origin": [200, "*", None, None],
        "preflight": [
            200,
            "https://other.example",
            ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
            "Origin",
        ],
        "not_found_still_cors": [404, "https://other.example", None, "Origin"],
    },
}


def _expected(example: str, backend: str) -> dict[str, t.Any]:
    """An example's expectations plus the framework its app must really be."""
    framework = "flask" if backend == "flask" else "kolba"
    return {**EXPECTED[example], "framework": framework}


# -- the tests -----------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKEND_PARAMS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_seed_example(seed_runs: SeedRuns, example: str, backend: str) -> None:
    """One example's observations on one backend equal Flask's (the same table for all three)."""
    report = seed_runs.report(backend, GROUP_OF[example].name)
    got = report["results"][example]
    expected = _expected(example, backend)
    wrong = {
        name: {"expected": value, "got": got["values"].get(name, "<not recorded>")}
        for name, value in expected.items()
        if got["values"].get(name, "<not recorded>") != value
    }
    unexpected = sorted(set(got["values"]) - set(expected))
    detail = "\n".join(f"--- {name}\n{trace}" for name, trace in got["errors"].items())
    assert not wrong and not unexpected, (
        f"{example} on {backend}: {json.dumps(wrong, indent=1)}\n"
        f"recorded but not expected: {unexpected}\n{detail}\n{report['stderr'][-3000:]}"
    )


@pytest.mark.kolba_only
def test_kolba_spelling_never_imports_flask(seed_runs: SeedRuns) -> None:
    """The examples without extensions run on Kolba alone: no ``flask`` module loads."""
    report = seed_runs.report("kolba", "plain")
    assert report["compat_installed"] is False
    assert report["flask_modules"] == []


@pytest.mark.kolba_only
def test_compat_and_extensions_run_on_kolba(seed_runs: SeedRuns) -> None:
    """With compat installed, ``flask`` in the child is Kolba, so the extensions use Kolba."""
    for backend in ("kolba", "compat"):
        report = seed_runs.report(backend, "extensions")
        assert report["compat_installed"] is True
        assert report["flask_is_kolba"] is True


def test_flask_control_is_real_flask(seed_runs: SeedRuns) -> None:
    """The control really ran Flask, so agreeing with it means agreeing with Flask."""
    report = seed_runs.report("flask", "extensions")
    assert report["compat_installed"] is False
    assert report["flask_is_kolba"] is False


@pytest.mark.parametrize("backend", BACKEND_PARAMS)
def test_seed_unittest_passes(seed_runs: SeedRuns, backend: str) -> None:
    """The seed's own ``unittest`` case of the app factory, under ``python -m unittest``."""
    code, _, err = seed_runs.finished(backend, "unittest")
    assert code == 0, err
    assert "test_home_page (tests.FlaskTestCase" in err
    assert "Ran 1 test" in err
    assert err.rstrip().endswith("OK")


# -- the spelling transformation -----------------------------------------------------


@pytest.mark.parametrize(
    ("flask_code", "kolba_code"),
    [
        (
            "from flask import Flask\napp = Flask(__name__)\n",
            "from kolba import Kolba\napp = Kolba(__name__)\n",
        ),
        (
            "from flask import Flask, request, jsonify\n",
            "from kolba import Kolba, request, jsonify\n",
        ),
        (
            "from flask import (\n    Flask,\n    url_for,\n)\n",
            "from kolba import (\n    Kolba,\n    url_for,\n)\n",
        ),
        (
            "from flask.testing import FlaskClient\nc: FlaskClient\n",
            "from kolba.testing import KolbaClient\nc: KolbaClient\n",
        ),
        (
            "import flask\napp = flask.Flask(__name__)\nflask.request.args\n",
            "import kolba\napp = kolba.Kolba(__name__)\nkolba.request.args\n",
        ),
        (
            "from flask import Flask as F\napp = F(__name__)\n",
            "from kolba import Kolba as F\napp = F(__name__)\n",
        ),
        (
            "from flask import Flask as FlaskApp\napp = FlaskApp(__name__)\n",
            "from kolba import Kolba as FlaskApp\napp = FlaskApp(__name__)\n",
        ),
        (
            "from flask import Flask\nx = 'Hello, Flask!'  # a Flask app\n",
            "from kolba import Kolba\nx = 'Hello, Flask!'  # a Flask app\n",
        ),
    ],
)
def test_kolba_spelling_rewrites_flask_imports(flask_code: str, kolba_code: str) -> None:
    """Flask's module and the Flask-spelled names imported from it take Kolba's spelling."""
    assert kolba_spelling(flask_code) == kolba_code


@pytest.mark.parametrize(
    "code",
    [
        "from flask_wtf import FlaskForm\nclass LoginForm(FlaskForm):\n    pass\n",
        "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "import unittest\nclass FlaskTestCase(unittest.TestCase):\n    pass\n",
        "from .main import main as main_blueprint\n",
        "config.flask = 1\nFlask = 2\n",
    ],
)
def test_kolba_spelling_leaves_other_code_alone(code: str) -> None:
    """Extensions, their names and user names that merely contain "Flask" stay as written."""
    assert kolba_spelling(code) == code


def _seed_sources() -> list[Path]:
    return sorted(p for p in SEEDS.rglob("*.py") if p.name != "__init__.py" or p.parent != SEEDS)


def _imports_flask(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and _is_flask_module(node.module):
            return True
        if isinstance(node, ast.Import) and any(_is_flask_module(a.name) for a in node.names):
            return True
    return False


@pytest.mark.parametrize("path", _seed_sources(), ids=lambda p: str(p.relative_to(SEEDS)))
def test_kolba_spelling_of_each_example(path: Path) -> None:
    """Each example in Kolba's spelling imports only Kolba and differs only in those names."""
    source = path.read_text()
    rewritten = kolba_spelling(source)
    tree = ast.parse(rewritten)
    assert not _imports_flask(tree)
    assert not any(isinstance(n, ast.Name) and n.id == "Flask" for n in ast.walk(tree))
    assert (rewritten != source) == _imports_flask(ast.parse(source))
    before = list(tokenize.generate_tokens(io.StringIO(source).readline))
    after = list(tokenize.generate_tokens(io.StringIO(rewritten).readline))
    changed = {(a.string, b.string) for a, b in zip(before, after) if a[:2] != b[:2]}
    assert len(before) == len(after)
    assert changed <= {("flask", "kolba"), ("Flask", "Kolba")}


def test_seed_folder_holds_only_seed_examples() -> None:
    """Every example module is run by a group and has its expectations."""
    single = {p.stem for p in SEEDS.glob("ex_*.py")}
    folders = {p.name for p in SEEDS.glob("ex_*") if p.is_dir()}
    assert single | folders == set(EXAMPLES) == set(EXPECTED)


# == the child process side ============================================================
# Everything below runs in a child started with ``_BOOT``, never in pytest's process.


class Observations:
    """Named observations of one example; a failing check records its error."""

    def __init__(self) -> None:
        self.values: dict[str, t.Any] = {}
        self.errors: dict[str, str] = {}

    def check(self, name: str) -> t.Callable[[t.Callable[[], t.Any]], None]:
        """Run the decorated function now and record what it returns or raises."""

        def run(func: t.Callable[[], t.Any]) -> None:
            try:
                self.values[name] = func()
            except Exception as exc:  # noqa: BLE001 - one failure must not hide the rest
                self.values[name] = {"error": f"{type(exc).__name__}: {exc}"}
                self.errors[name] = traceback.format_exc()[-3000:]

        return run

    def uses(self, app: t.Any) -> None:
        """Record which framework the example's app object really comes from."""
        framework = type(app).__module__.partition(".")[0]
        previous = self.values.setdefault("framework", framework)
        if previous != framework:
            self.values["framework"] = f"{previous}+{framework}"


class Env:
    """The child's backend: which package the drivers' own helpers come from."""

    def __init__(self, backend: str) -> None:
        self.backend = backend

    @property
    def fw(self) -> t.Any:
        """``kolba`` in Kolba's spelling, ``flask`` otherwise (Kolba itself under compat)."""
        return importlib.import_module("kolba" if self.backend == "kolba" else "flask")

    def new_app(self, name: str) -> t.Any:
        cls = self.fw.Kolba if self.backend == "kolba" else self.fw.Flask
        return cls(name)


def _tags(html: str, tag: str) -> list[str]:
    """The inner text of every ``<tag ...>...</tag>`` in a page, stripped."""
    pattern = rf"<{tag}(?:\s[^>]*)?>(.*?)</{tag}>"
    return [m.strip() for m in re.findall(pattern, html, flags=re.S | re.I)]


def _attrs(html: str, attr: str) -> list[str]:
    return re.findall(rf'\s{attr}="([^"]*)"', html)


def _page(r: t.Any, *tags: str) -> list[t.Any]:
    """Status, content type and the text of the named tags of an HTML response."""
    return [r.status_code, r.content_type, {tag: _tags(r.text, tag) for tag in tags}]


def _text(r: t.Any) -> list[t.Any]:
    return [r.status_code, r.content_type, r.text]


def _json(r: t.Any) -> list[t.Any]:
    return [r.status_code, r.content_type, r.get_json(silent=True)]


def _allow(r: t.Any) -> list[str]:
    return sorted(m.strip() for m in r.headers.get("Allow", "").split(",") if m.strip())


def _drive_ex_000_1(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_1")
    obs.uses(m.app)
    c = m.app.test_client()
    obs.check("home")(lambda: _text(c.get("/")))
    obs.check("user")(lambda: _text(c.get("/user/alice")))
    obs.check("user_url_decoded")(lambda: c.get("/user/J%C3%B6rg%20K").text)
    obs.check("user_without_name_404")(lambda: c.get("/user/").status_code)
    obs.check("user_two_segments_404")(lambda: c.get("/user/a/b").status_code)


def _drive_ex_000_2(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_2")
    obs.uses(m.app)
    c = m.app.test_client()
    obs.check("hello")(lambda: _text(c.get("/")))
    obs.check("head")(lambda: (lambda r: [r.status_code, r.text, r.content_length])(c.head("/")))
    obs.check("imported_not_run")(lambda: m.__name__)


def _drive_ex_000_3(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_3")
    obs.uses(m.app)
    c = m.app.test_client()
    obs.check("index")(lambda: _text(c.get("/")))
    obs.check("api_get")(lambda: _json(c.get("/api/data")))
    obs.check("api_post_json")(lambda: _json(c.post("/api/data", json={"name": "Ada", "n": [1, 2]})))
    obs.check("api_post_not_json_415")(
        lambda: c.post("/api/data", data="name=Ada", content_type="text/plain").status_code
    )
    obs.check("api_post_bad_json_400")(
        lambda: c.post("/api/data", data="{oops", content_type="application/json").status_code
    )

    @obs.check("api_put_405")
    def _() -> t.Any:
        r = c.put("/api/data")
        return [r.status_code, _allow(r)]

    obs.check("user_int")(lambda: _text(c.get("/user/42")))
    obs.check("user_not_int_404")(lambda: [c.get("/user/abc").status_code, c.get("/user/-1").status_code])


def _drive_ex_000_4(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_4")
    obs.uses(m.app)
    c = m.app.test_client()
    obs.check("profile")(lambda: _page(c.get("/profile/alice"), "title", "h1", "p"))
    obs.check("profile_escapes_name")(lambda: _tags(c.get("/profile/%3Cb%3Eb").text, "h1"))


def _drive_ex_000_5(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_5")
    obs.uses(m.app)
    c = m.app.test_client()
    form = {"name": "Ada", "email": "ada@example.com", "message": "Hi"}

    @obs.check("contact_form")
    def _() -> t.Any:
        r = c.get("/contact")
        return [r.status_code, r.content_type, _attrs(r.text, "action"), _attrs(r.text, "name")]

    @obs.check("post_redirects")
    def _() -> t.Any:
        r = c.post("/contact", data=form)
        return [r.status_code, r.headers["Location"]]

    @obs.check("post_follows_to_thank_you")
    def _() -> t.Any:
        r = c.post("/contact", data=form, follow_redirects=True)
        return [r.status_code, r.request.path, r.text, [h.status_code for h in r.history]]

    obs.check("post_missing_field_400")(
        lambda: c.post("/contact", data={"name": "Ada", "email": "a@b.c"}).status_code
    )
    obs.check("thank_you")(lambda: _text(c.get("/thank-you")))
    obs.check("delete_405")(lambda: c.delete("/contact").status_code)


def _drive_ex_000_6(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_6")
    obs.uses(m.app)
    c = m.app.test_client()
    with m.app.app_context():
        m.db.create_all()
    obs.check("users_empty")(lambda: _json(c.get("/users")))

    @obs.check("users_listed")
    def _() -> t.Any:
        with m.app.app_context():
            m.db.session.add(m.User(username="alice", email="alice@example.com"))
            m.db.session.add(m.User(username="bob", email="bob@example.com"))
            m.db.session.commit()
        return _json(c.get("/users"))

    @obs.check("sqlite_file_in_instance_folder")
    def _() -> t.Any:
        path = os.path.join(os.getcwd(), "instance", "app.db")
        return [m.app.instance_path == os.path.join(os.getcwd(), "instance"), os.path.isfile(path)]


def _drive_ex_000_7(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_7")
    from flask_wtf.csrf import generate_csrf  # type: ignore[import-untyped]
    from werkzeug.datastructures import MultiDict

    app = env.new_app("seed_form")
    app.secret_key = "seed secret"
    obs.uses(app)
    good = {"email": "alice@example.com", "password": "secret"}

    def validate(data: dict[str, str], method: str = "POST", token: bool = False) -> list[t.Any]:
        with app.test_request_context("/login", method=method):
            fields = MultiDict({**data, "csrf_token": generate_csrf()} if token else data)
            form = m.LoginForm(formdata=fields)
            return [form.validate_on_submit(), form.errors]

    obs.check("valid_with_csrf_token")(lambda: validate(good, token=True))
    obs.check("missing_csrf_token")(lambda: validate(good))
    obs.check("get_is_not_submitted")(lambda: validate(good, method="GET", token=True))
    obs.check("invalid_fields")(lambda: validate({"email": "not-an-email"}, token=True))

    @obs.check("renders_fields")
    def _() -> t.Any:
        with app.test_request_context("/login"):
            form = m.LoginForm()
            return [str(form.email), str(form.password), str(form.submit), str(form.email.label)]


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    return match.group(1) if match else ""


def _drive_ex_000_8(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_8")
    obs.uses(m.app)
    anonymous = m.app.test_client()
    c = m.app.test_client()
    obs.check("dashboard_anonymous_401")(lambda: anonymous.get("/dashboard").status_code)

    @obs.check("login_page")
    def _() -> t.Any:
        r = c.get("/login")
        return [r.status_code, _tags(r.text, "h1"), _attrs(r.text, "name"), bool(_csrf_token(r.text))]

    def post(data: dict[str, str], token: bool = True) -> t.Any:
        fields = {**data, "csrf_token": _csrf_token(c.get("/login").text)} if token else data
        return c.post("/login", data=fields)

    good = {"email": "alice@example.com", "password": "secret"}
    obs.check("login_without_csrf_token")(
        lambda: (lambda r: [r.status_code, _tags(r.text, "p")])(post(good, token=False))
    )
    obs.check("login_wrong_password")(
        lambda: (lambda r: [r.status_code, _tags(r.text, "p")])(post({**good, "password": "x"}))
    )
    obs.check("login_unknown_email")(
        lambda: post({**good, "email": "bob@example.com"}).status_code
    )
    obs.check("login_invalid_email")(
        lambda: (lambda r: [r.status_code, _tags(r.text, "p")])(post({**good, "email": "bob"}))
    )
    obs.check("login_redirects_to_dashboard")(
        lambda: (lambda r: [r.status_code, r.headers.get("Location")])(post(good))
    )

    @obs.check("session_holds_user")
    def _() -> t.Any:
        with c.session_transaction() as sess:
            return [sess.get("_user_id"), sess.get("_fresh")]

    obs.check("dashboard_logged_in")(lambda: _text(c.get("/dashboard")))
    obs.check("dashboard_still_anonymous")(lambda: anonymous.get("/dashboard").status_code)


def _drive_ex_000_9(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_9")
    obs.uses(m.app)
    c = m.app.test_client()
    obs.check("get")(lambda: _json(c.get("/api/hello")))
    obs.check("post")(lambda: _json(c.post("/api/hello", json={"name": "Ada"})))
    obs.check("post_not_json")(
        lambda: _json(c.post("/api/hello", data="x", content_type="text/plain"))
    )

    @obs.check("delete_405")
    def _() -> t.Any:
        r = c.delete("/api/hello")
        return [*_json(r), _allow(r)]

    obs.check("head")(lambda: (lambda r: [r.status_code, r.text])(c.head("/api/hello")))
    obs.check("unknown_url_404")(lambda: c.get("/api/nope").status_code)


def _drive_ex_000_10(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_000_10")
    obs.uses(m.app)

    def boom() -> str:
        raise RuntimeError("seed example failure")

    # An unhandled error is the only way to reach the seed's 500 handler.
    m.app.add_url_rule("/boom", "boom", boom)
    c = m.app.test_client()
    obs.check("divide")(lambda: _text(c.get("/divide/4")))
    obs.check("divide_by_zero_400")(lambda: _text(c.get("/divide/0")))
    obs.check("not_found_page")(lambda: _page(c.get("/nope"), "title", "h1", "p"))
    obs.check("negative_is_not_int_404")(lambda: _page(c.get("/divide/-5"), "h1", "p"))
    obs.check("server_error_page")(lambda: _page(c.get("/boom"), "title", "h1"))
    obs.check("post_405_default_page")(lambda: _page(c.post("/divide/4"), "title", "h1"))


def _drive_ex_000_11(obs: Observations, env: Env) -> None:
    m = importlib.import_module("app")
    config = importlib.import_module("config")
    obs.uses(m.app)
    keys = ("DEBUG", "TESTING", "SECRET_KEY")
    obs.check("development_config")(
        lambda: [[m.app.config[k] for k in keys], m.app.debug, m.app.secret_key]
    )

    @obs.check("production_config")
    def _() -> t.Any:
        prod = type(m.app)("prod")
        prod.config.from_object("config.ProductionConfig")
        return [[prod.config[k] for k in keys], prod.debug]

    @obs.check("config_class_object")
    def _() -> t.Any:
        other = type(m.app)("other")
        other.config.from_object(config.DevelopmentConfig)
        return [other.config[k] for k in keys]

    @obs.check("secret_key_signs_sessions")
    def _() -> t.Any:
        with m.app.test_request_context("/"):
            interface = m.app.session_interface
            return interface.get_signing_serializer(m.app) is not None

    obs.check("no_routes_404")(lambda: m.app.test_client().get("/").status_code)


def _drive_ex_000_12(obs: Observations, env: Env) -> None:
    create_app = importlib.import_module("app").create_app
    dev = create_app()
    testing = create_app("testing")
    obs.uses(dev)
    obs.uses(testing)
    obs.check("development_debug")(lambda: [dev.debug, dev.config["DEBUG"]])
    obs.check("testing_not_debug")(lambda: [testing.debug, testing.config["DEBUG"]])
    obs.check("blueprint_registered")(lambda: list(dev.blueprints))
    obs.check("rules")(lambda: sorted([r.rule, r.endpoint] for r in dev.url_map.iter_rules()))
    obs.check("home_page")(lambda: _text(testing.test_client().get("/")))
    obs.check("dev_home_page")(lambda: _text(dev.test_client().get("/")))
    obs.check("missing_page_404")(lambda: testing.test_client().get("/nope").status_code)

    @obs.check("url_for_blueprint_view")
    def _() -> t.Any:
        with dev.test_request_context("/"):
            return [env.fw.url_for("main.index"), env.fw.url_for(".index")]

    obs.check("app_name_and_root")(
        lambda: [dev.name, os.path.relpath(dev.root_path), dev is not testing]
    )


def _drive_ex_001_1(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_001_1")
    obs.uses(m.app)
    obs.check("home")(lambda: _text(m.app.test_client().get("/")))


def _drive_ex_001_2(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_001_2")
    obs.uses(m.app)
    c = m.app.test_client()
    obs.check("home")(lambda: _text(c.get("/")))
    obs.check("about")(lambda: _text(c.get("/about")))
    obs.check("contact")(lambda: _text(c.get("/contact")))
    obs.check("trailing_slash_404")(lambda: c.get("/about/").status_code)
    obs.check("post_405")(lambda: (lambda r: [r.status_code, _allow(r)])(c.post("/about")))


def _drive_ex_001_3(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_001_3")
    obs.uses(m.app)
    c = m.app.test_client()
    obs.check("user")(lambda: _text(c.get("/user/alice")))
    obs.check("post")(lambda: _text(c.get("/post/7")))
    obs.check("post_not_int_404")(lambda: c.get("/post/seven").status_code)
    obs.check("missing_variable_404")(lambda: [c.get("/user/").status_code, c.get("/post/").status_code])

    @obs.check("url_for")
    def _() -> t.Any:
        with m.app.test_request_context():
            url_for = env.fw.url_for
            return [url_for("show_user", username="a b"), url_for("show_post", post_id=3)]


def _drive_ex_001_4(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_001_4")
    obs.uses(m.app)
    c = m.app.test_client()
    obs.check("get")(lambda: _text(c.get("/submit")))
    obs.check("post")(lambda: _text(c.post("/submit", data={"x": "1"})))
    obs.check("head")(lambda: (lambda r: [r.status_code, r.text])(c.head("/submit")))
    obs.check("options")(lambda: (lambda r: [r.status_code, _allow(r)])(c.options("/submit")))
    obs.check("put_405")(lambda: (lambda r: [r.status_code, _allow(r)])(c.put("/submit")))


def _drive_ex_002_1(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_002_1")
    obs.uses(m.app)
    c = m.app.test_client()

    @obs.check("home")
    def _() -> t.Any:
        r = c.get("/")
        return [*_page(r, "title", "h1", "p"), _attrs(r.text, "href")]

    @obs.check("submit_form")
    def _() -> t.Any:
        r = c.get("/submit")
        return [*_page(r, "title", "h1", "label"), _attrs(r.text, "href"), _attrs(r.text, "action")]

    obs.check("submitted")(
        lambda: _page(c.post("/submit", data={"user_input": "Hello seeds"}), "h1", "strong")
    )
    obs.check("submitted_is_escaped")(
        lambda: _tags(c.post("/submit", data={"user_input": "<b>x</b>"}).text, "strong")
    )
    obs.check("empty_input_redirects_home")(
        lambda: (lambda r: [r.status_code, r.headers["Location"]])(
            c.post("/submit", data={"user_input": ""})
        )
    )

    @obs.check("empty_input_follows_to_home")
    def _() -> t.Any:
        r = c.post("/submit", data={}, follow_redirects=True)
        return [r.status_code, r.request.path, _tags(r.text, "h1")]

    @obs.check("static_css")
    def _() -> t.Any:
        r = c.get("/static/style.css")
        on_disk = Path("static/style.css").read_bytes()
        return [r.status_code, r.content_type, r.data == on_disk, r.content_length == len(on_disk)]

    @obs.check("static_css_not_modified")
    def _() -> t.Any:
        etag = c.get("/static/style.css").headers["ETag"]
        r = c.get("/static/style.css", headers={"If-None-Match": etag})
        return [r.status_code, r.text]

    obs.check("static_missing_404")(lambda: c.get("/static/nope.css").status_code)


def _drive_ex_003_1(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_003_1")
    obs.uses(m.app)
    obs.check("hello_world")(lambda: _text(m.app.test_client().get("/")))


def _drive_ex_004_1(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_004_1")
    obs.uses(m.app)
    obs.check("imported_without_serving")(lambda: [m.__name__, m.app.name])
    obs.check("only_static_rule")(lambda: [r.rule for r in m.app.url_map.iter_rules()])
    obs.check("no_routes_404")(lambda: m.app.test_client().get("/").status_code)


def _drive_ex_004_2(obs: Observations, env: Env) -> None:
    from wsgiref.util import setup_testing_defaults

    m = importlib.import_module("ex_004_2")
    obs.uses(m.app)
    obs.check("home")(lambda: _text(m.app.test_client().get("/")))

    @obs.check("plain_wsgi_call")
    def _() -> t.Any:
        environ: dict[str, t.Any] = {}
        setup_testing_defaults(environ)
        started: list[t.Any] = []
        body = b"".join(m.app(environ, lambda status, headers, exc=None: started.append([status, sorted(headers)])))
        return [started, body.decode()]


def _drive_ex_004_3(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_004_3")
    obs.uses(m.app)
    c = m.app.test_client()

    def seen(r: t.Any) -> list[t.Any]:
        return [r.status_code, r.content_type, r.text]

    obs.check("home")(lambda: seen(c.get("/")))
    obs.check("echo_object")(lambda: _json(c.post("/echo", json={"a": 1, "b": [True, None]})))
    obs.check("echo_list")(lambda: _json(c.post("/echo", json=[1, "two"])))
    obs.check("echo_not_json_415")(lambda: seen(c.post("/echo", data="a=1", content_type="text/plain")))
    obs.check("echo_bad_json_400")(
        lambda: seen(c.post("/echo", data="{oops", content_type="application/json"))
    )
    obs.check("echo_get_405")(lambda: [*seen(c.get("/echo")), _allow(c.get("/echo"))])
    obs.check("missing_404")(lambda: seen(c.get("/missing")))
    obs.check("body_length_matches")(
        lambda: (lambda r: r.content_length == len(r.data))(c.get("/missing"))
    )


def _drive_ex_004_4(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_004_4")
    obs.uses(m.app)
    c = m.app.test_client()
    obs.check("api")(lambda: _json(c.get("/api")))
    obs.check("api_post_405")(lambda: (lambda r: [r.status_code, _allow(r)])(c.post("/api")))


def _drive_ex_004_5(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_004_5")
    obs.uses(m.app)
    c = m.app.test_client()
    with m.app.app_context():
        m.db.create_all()
    obs.check("users_empty")(lambda: _json(c.get("/users")))

    @obs.check("users_listed")
    def _() -> t.Any:
        with m.app.app_context():
            m.db.session.add_all([m.User(username="alice"), m.User(username="bob")])
            m.db.session.commit()
        return _json(c.get("/users"))

    obs.check("sqlite_file_in_instance_folder")(
        lambda: os.path.isfile(os.path.join(os.getcwd(), "instance", "test.db"))
    )


def _cors(r: t.Any) -> list[t.Any]:
    allow_methods = r.headers.get("Access-Control-Allow-Methods")
    return [
        r.status_code,
        r.headers.get("Access-Control-Allow-Origin"),
        sorted(allow_methods.split(", ")) if allow_methods else None,
        r.headers.get("Vary"),
    ]


def _drive_ex_004_6(obs: Observations, env: Env) -> None:
    m = importlib.import_module("ex_004_6")
    obs.uses(m.app)
    c = m.app.test_client()
    origin = {"Origin": "https://other.example"}
    obs.check("data")(lambda: _json(c.get("/api/data", headers=origin)))
    obs.check("cors_with_origin")(lambda: _cors(c.get("/api/data", headers=origin)))
    obs.check("cors_without_origin")(lambda: _cors(c.get("/api/data")))
    obs.check("preflight")(
        lambda: _cors(
            c.options("/api/data", headers={**origin, "Access-Control-Request-Method": "GET"})
        )
    )
    obs.check("not_found_still_cors")(lambda: _cors(c.get("/nope", headers=origin)))


def _driver_main(backend: str, group_name: str) -> None:
    """Run one group's drivers and print the JSON report on the last line."""
    group = next(g for g in GROUPS if g.name == group_name)
    compat = backend == "compat" or (backend == "kolba" and group.extensions)
    if compat:
        import kolba.compat

        kolba.compat.install()
    env = Env(backend)
    results: dict[str, t.Any] = {}
    for example in group.examples:
        obs = Observations()
        obs.check("driver")(lambda: globals()[f"_drive_{example}"](obs, env))
        if obs.values.get("driver") is None:
            del obs.values["driver"]
        results[example] = {"values": obs.values, "errors": obs.errors}
    flask_modules = sorted(n for n in sys.modules if _is_flask_module(n))
    flask_is_kolba = bool(flask_modules) and sys.modules["flask"].__name__ == "kolba"
    report = {
        "results": results,
        "compat_installed": compat,
        "flask_modules": flask_modules,
        "flask_is_kolba": flask_is_kolba,
    }
    print(json.dumps(report, default=repr))


if __name__ == "__seed_driver__":
    _driver_main(sys.argv[2], sys.argv[3])
