"""The benchmark suite's verification step: every app answers every scenario correctly.

Only the check that runs before timing is exercised here, so a framework
upgrade or an app edit that breaks a response shows up in the test run
rather than as a silently wrong benchmark number.

Falcon and Bottle come with the ``bench`` extra only, and the extension
scenario's Flask extensions with the ``test`` extra: without them their
cells are skipped, not failed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import typing as t

import pytest

from benchmarks import measure, report
from benchmarks.frameworks import BY_NAME, FRAMEWORKS
from benchmarks.harness import Reply
from benchmarks.scenarios import SCENARIOS, Expect

REFERENCE = ("raw", "flask", "falcon", "bottle")
SCENARIO_NAMES = [scenario.name for scenario in SCENARIOS]


def _installed(framework: str) -> pytest.MarkDecorator | tuple[()]:
    """A skip mark when the framework's package is missing (it is not a Kolba dependency)."""
    distribution = BY_NAME[framework].distribution
    if distribution is None or distribution == "kolba":
        return ()
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return pytest.mark.skip(reason=f"{distribution} is not installed (pip install -e '.[bench]')")
    return ()


REFERENCE_PARAMS = [pytest.param(name, marks=_installed(name)) for name in REFERENCE]


def _verified(framework: str) -> measure.Grid:
    return measure.verify([BY_NAME[framework]], SCENARIOS)


def _cell(framework: str, scenario: str) -> measure.Cell:
    chosen = [s for s in SCENARIOS if s.name == scenario]
    return measure.verify([BY_NAME[framework]], chosen)[scenario, framework]


#: Scenarios that run Flask extensions, which only the Flask and Kolba columns serve.
EXTENSION_SCENARIOS = {scenario.name for scenario in SCENARIOS if scenario.extensions}
#: What those scenarios import: pinned in the ``test`` extra, not Kolba dependencies.
EXTENSION_MODULES = ("flask_login", "flask_sqlalchemy")


def _skip_without_extensions(scenario: str) -> None:
    """Skip an extension scenario when its extensions are not installed."""
    if scenario not in EXTENSION_SCENARIOS:
        return
    missing = [name for name in EXTENSION_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"the {scenario} scenario needs {', '.join(missing)} (pip install -e '.[test]')")


@pytest.mark.parametrize("scenario", SCENARIO_NAMES)
@pytest.mark.parametrize("framework", REFERENCE_PARAMS)
def test_reference_framework_verifies(framework: str, scenario: str) -> None:
    if framework == "flask":
        _skip_without_extensions(scenario)
    cell = _cell(framework, scenario)
    if scenario in EXTENSION_SCENARIOS and framework != "flask":
        assert cell.status == measure.NOT_APPLICABLE
        return
    assert (cell.status, cell.reason) == (measure.OK, "")


def _kolba_cases() -> list[t.Any]:
    """Kolba runs extension scenarios through ``kolba.compat``, which Flask lacks."""
    cases = []
    for scenario in SCENARIO_NAMES:
        for framework in ("kolba", "kolba-compat"):
            kolba_only = framework == "kolba-compat" or scenario in EXTENSION_SCENARIOS
            marks = [pytest.mark.kolba_only] if kolba_only else []
            cases.append(pytest.param(framework, scenario, marks=marks, id=f"{framework}-{scenario}"))
    return cases


@pytest.mark.parametrize(("framework", "scenario"), _kolba_cases())
def test_kolba_verifies(framework: str, scenario: str) -> None:
    _skip_without_extensions(scenario)
    cell = _cell(framework, scenario)
    assert (cell.status, cell.reason) == (measure.OK, "")


@pytest.mark.kolba_only
def test_extension_page_runs_on_each_framework_with_its_own_extensions() -> None:
    """Flask's column and Kolba's share one process but not their extension modules."""
    _skip_without_extensions("extensions")
    import flask
    import flask_login

    from benchmarks.apps import flask_app, kolba_app
    from benchmarks.apps.through_alias import extensions_module

    import kolba

    kolba_page = kolba_app.extensions_app
    assert isinstance(kolba_page, kolba.Kolba)
    assert not isinstance(flask_app.extensions_app, kolba.Kolba)
    assert extensions_module().login_required.__module__ == "flask_login.utils"
    assert extensions_module().login_required is not flask_login.login_required
    import flask_login as flask_login_again

    assert flask_login_again is flask_login and flask_login.utils.current_app is flask.current_app


@pytest.mark.kolba_only
def test_the_compat_column_runs_flask_code_on_kolba_and_leaves_flask_alone() -> None:
    import flask

    from benchmarks.apps import kolba_compat_app

    import kolba

    assert isinstance(kolba_compat_app.app, kolba.Kolba)
    assert "kolba.signals" in __import__("sys").modules
    import flask as flask_again

    assert flask_again is flask and not issubclass(flask.Flask, kolba.Kolba)


def test_every_framework_is_listed() -> None:
    assert [framework.name for framework in FRAMEWORKS] == [*REFERENCE, "kolba", "kolba-compat"]


@pytest.mark.parametrize("framework", ["kolba", "kolba-compat"])
def test_the_import_time_cell_of_kolbas_columns_runs(framework: str) -> None:
    # Every framework needs a hello app of the same module name under
    # apps/hello; kolba-compat had none, and its cell printed "failed".
    from benchmarks.importtime import measure_one

    found = measure_one(framework, runs=1)
    assert found["status"] == "ok", found.get("reason")
    assert found["cpu_ms"] > 0


def test_every_framework_has_a_hello_app() -> None:
    from pathlib import Path

    import benchmarks.apps.hello

    folder = Path(benchmarks.apps.hello.__file__).parent
    for framework in FRAMEWORKS:
        assert (folder / (framework.module.rsplit(".", 1)[-1] + ".py")).is_file(), framework.name


def test_expectation_rejects_a_wrong_reply() -> None:
    expect = Expect(mimetype="application/json", json={"id": 42}, headers={"X-Hook": "after"})
    reply = Reply("200 OK", [("Content-Type", "text/html; charset=utf-8")], b'{"id": 41}')
    problems = expect.problems(reply)
    assert len(problems) == 3
    assert any("Content-Type" in problem for problem in problems)
    assert any("X-Hook" in problem for problem in problems)
    assert any("JSON" in problem for problem in problems)


def test_expectation_rejects_a_wrong_content_length() -> None:
    reply = Reply("200 OK", [("Content-Length", "5")], b"Hello, World!")
    assert Expect(text="Hello, World!").problems(reply) == [
        "Content-Length 5 but 13 body bytes"
    ]


def test_a_timed_cell_posts_a_number_and_the_table_shows_it() -> None:
    grid = _verified("raw")
    hello = {("hello", "raw"): grid["hello", "raw"]}
    measure.measure(hello, ["hello"], ["raw"], rounds=2, duration=0.001)
    cell = hello["hello", "raw"]
    assert cell.status == measure.OK and len(cell.rates) == 2
    assert cell.median is not None and cell.median > 0
    assert f"{cell.median:,.0f}" in report.table(hello, ["hello"], ["raw"])


def test_not_found_rejects_an_empty_404() -> None:
    """A 404 with no error page must not count as the ``not_found`` reply."""
    from benchmarks.scenarios import BY_NAME as BY_SCENARIO

    expect = BY_SCENARIO["not_found"].expect
    assert expect.problems(Reply("404 NOT FOUND", [], b"")) == ["body b'' lacks 'Not Found'"]
    assert expect.problems(Reply("404 NOT FOUND", [], b"<h1>Not Found</h1>")) == []


@pytest.mark.parametrize("framework", ["raw", "kolba"])
def test_the_session_scenario_rotates_through_distinct_cookies(framework: str) -> None:
    """Every request of ``session`` carries a different signed cookie, then the cycle repeats."""
    from benchmarks.scenarios import BY_NAME as BY_SCENARIO

    scenario = BY_SCENARIO["session"]
    module = importlib.import_module(BY_NAME[framework].module)
    template = scenario.prepare(module).environ
    sent = [template.copy()["HTTP_COOKIE"] for _ in range(scenario.cookie_count + 1)]
    assert scenario.cookie_count == 1000
    assert len(set(sent)) == 1000 and sent[0] == sent[-1]
    single = BY_SCENARIO["session_one_cookie"].prepare(module).environ
    assert single.copy()["HTTP_COOKIE"] == single.copy()["HTTP_COOKIE"]
