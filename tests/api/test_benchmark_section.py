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
