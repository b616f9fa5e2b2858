"""The typed-API benchmark section: Kolba's app verifies, other columns when installed."""

import importlib.util

import pytest

from benchmarks import measure, typed_api

pytestmark = pytest.mark.kolba_only


@pytest.mark.parametrize("scenario", typed_api.SCENARIO_NAMES)
def test_kolba_answers_every_typed_scenario(scenario: str) -> None:
    cell = typed_api.build(["kolba"], [scenario])[scenario, "kolba"]
    assert (cell.status, cell.reason) == (measure.OK, "")


@pytest.mark.parametrize("column", [c for c in typed_api.COLUMN_NAMES if c != "kolba"])
def test_the_other_frameworks_answer_alike_when_installed(column: str) -> None:
    if importlib.util.find_spec(typed_api.BY_NAME[column].distribution.replace("-", "_")) is None:
        pytest.skip(f"{column} is not installed (pip install 'kolba[bench]')")
    grid = typed_api.build([column], typed_api.SCENARIO_NAMES)
    assert {name: (cell.status, cell.reason) for (name, _), cell in grid.items()} == {
        name: (measure.OK, "") for name in typed_api.SCENARIO_NAMES
    }


def test_a_quick_run_times_kolba_and_reports_the_ratios() -> None:
    text, data = typed_api.run(["kolba"], ["typed_get"], rounds=1, duration=0.01)
    assert "typed_get" in text and "kolba/fastapi" not in text
    assert data["doors"] == {"kolba": "wsgi"}
    assert data["results"]["typed_get"]["kolba"]["status"] == "ok"


# -- end to end under granian -----------------------------------------------------------------------


def test_wrk_sends_the_post_body_from_a_lua_long_string() -> None:
    from benchmarks import e2e, scenarios

    post = typed_api.SCENARIOS[0]
    script = e2e.wrk_script(post)
    assert script == f'wrk.method = "POST"\nwrk.body = [[{post.body.decode()}]]\n'
    tricky = scenarios.Scenario("x", "x", "PUT", "/", post.expect, body=b'{"a": "]]", "b": "]=]"}')
    assert e2e.wrk_script(tricky) == 'wrk.method = "PUT"\nwrk.body = [==[{"a": "]]", "b": "]=]"}]==]\n'
    assert e2e.wrk_script(scenarios.BY_NAME["hello"]) is None
    target = e2e.Target(post, "m", {"Content-Type": "application/json"})
    command = e2e.wrk_command("wrk", 8123, target, e2e.Settings(), "/tmp/body.lua")
    assert command[-3:] == ["-s", "/tmp/body.lua", "http://127.0.0.1:8123/orders"]


def test_each_door_is_served_by_granians_interface_for_it() -> None:
    grid = typed_api.e2e_grid(["kolba", "kolba-asgi", "fastapi"], ["validated_post"])
    specs = {key: cell.target.app_spec for key, cell in grid.items() if cell.target}
    assert specs == {
        ("granian-wsgi", "validated_post", "kolba"): "benchmarks.apps.api.kolba_api:app",
        ("granian-asgi", "validated_post", "kolba-asgi"): "benchmarks.apps.api.kolba_api:asgi_app",
        ("granian-asgi", "validated_post", "fastapi"): "benchmarks.apps.api.fastapi_api:app",
    }
    assert grid["granian-wsgi", "validated_post", "kolba"].target.headers == {  # type: ignore[union-attr]
        "Content-Type": "application/json"
    }
    assert "--interface" in typed_api.E2E_SERVERS["granian-asgi"].arguments
    assert typed_api.E2E_SERVERS["granian-asgi"].arguments[2] == "asgi"
    assert typed_api.E2E_SERVERS["granian-wsgi"].arguments[2] == "wsgi"


def test_a_quick_end_to_end_run_loads_both_kolba_doors() -> None:
    from benchmarks import e2e

    if e2e.find_wrk() is None or importlib.util.find_spec("granian") is None:
        pytest.skip("needs wrk and granian")
    text, data = typed_api.run_e2e(["kolba", "kolba-asgi"], ["validated_post"], e2e.Settings(1, 8, 1))
    results = data["results"]["granian"]["validated_post"]
    assert results["kolba"]["status"] == results["kolba-asgi"]["status"] == "ok", text
    assert results["kolba"]["requests_per_second"] > 0
    assert "granian-asgi: ASGI" in text
