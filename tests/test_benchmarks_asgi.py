"""The benchmarks' ASGI sections: every app answers every scenario correctly, and the plumbing.

As for the WSGI section, only the verification before timing (and a tiny
timed run) is exercised, so an app edit or a framework upgrade that breaks
a reply shows up here rather than as a silently wrong number.  The quick
end-to-end run needs wrk and is skipped without it.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import asgi, asgi_harness, e2e, instructions, measure, report, runner
from benchmarks.scenarios import BY_NAME as SCENARIOS

pytestmark = pytest.mark.kolba_only
"""Benchmark plumbing, not Flask behaviour: nothing to check against Flask."""


def _installed(distribution: str) -> bool:
    try:
        return importlib.util.find_spec(distribution) is not None
    except ValueError:  # a module put in sys.modules by hand (kolba, against Flask)
        return True


def _framework_param(name: str) -> Any:
    distribution = asgi.BY_NAME[name].distribution
    if distribution is None or _installed(distribution):
        return name
    return pytest.param(name, marks=pytest.mark.skip(reason=f"{distribution} is not installed"))


@pytest.fixture(scope="module", autouse=True)
def _lifespans_stopped() -> Any:
    yield
    asgi_harness.stop_lifespans()


@pytest.mark.parametrize("scenario", asgi.SCENARIO_NAMES)
@pytest.mark.parametrize("framework", [_framework_param(name) for name in asgi.FRAMEWORK_NAMES])
def test_every_asgi_app_verifies(framework: str, scenario: str) -> None:
    grid = measure.verify([asgi.BY_NAME[framework]], [SCENARIOS[scenario]], asgi.DRIVER)
    cell = grid[scenario, framework]
    assert (cell.status, cell.reason) == (measure.OK, "")


def test_a_wrong_asgi_reply_is_not_timed() -> None:
    async def broken(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"Goodbye"})

    scenario = SCENARIOS["hello"]
    prepared = asgi.prepare(scenario, type("module", (), {"app": broken, "__name__": "broken"}))  # type: ignore[arg-type]
    cell = measure.checked_cell(scenario, prepared, asgi.DRIVER)
    assert cell.status == measure.FAILED
    assert "Content-Type" in cell.reason and "body" in cell.reason


def test_the_scope_carries_the_scenario() -> None:
    scenario = SCENARIOS["query_header"]
    scope = asgi.prepare(scenario, importlib.import_module("benchmarks.apps.asgi_raw")).environ
    assert scope["path"] == "/search" and scope["query_string"] == b"q=kolba&page=2"
    assert (b"x-request-id", b"req-7f3a") in scope["headers"]
    post = asgi.prepare(SCENARIOS["json_post"], importlib.import_module("benchmarks.apps.asgi_raw")).environ
    assert (b"content-length", str(len(SCENARIOS["json_post"].body)).encode()) in post["headers"]


def test_a_timed_asgi_cell_posts_a_number_with_the_ratio_columns() -> None:
    grid = measure.verify(
        [asgi.BY_NAME["raw"], asgi.BY_NAME["kolba"]], [SCENARIOS["hello"]], asgi.DRIVER
    )
    measure.measure(grid, ["hello"], ["raw", "kolba"], rounds=1, duration=0.001, driver=asgi.DRIVER)
    for name in ("raw", "kolba"):
        assert grid["hello", name].median is not None and grid["hello", name].median > 0  # type: ignore[operator]
    table = report.table(grid, ["hello"], ["raw", "kolba"], asgi.RATIOS)
    assert "kolba/raw" in table.splitlines()[0]


def test_targets_say_met_or_missed() -> None:
    def cell(rate: float) -> measure.Cell:
        return measure.Cell(measure.OK, rates=[rate])

    grid = {
        ("hello", "kolba"): cell(90), ("hello", "falcon"): cell(100),
        ("hello", "quart"): cell(10), ("hello", "raw"): cell(1000),
        ("json_post", "kolba"): cell(85), ("json_post", "falcon"): cell(100),
        ("json_post", "quart"): cell(50), ("json_post", "raw"): cell(100),
    }
    lines = asgi.in_process_targets(grid, ["hello", "json_post"])
    assert lines[1].startswith("  hello: kolba/falcon 0.90x (need >= 1x) [MISSED]")
    assert lines[1].endswith("kolba/quart 9.00x (>= 3x) or kolba/raw 0.09x (>= 0.8x) [met]")
    assert "kolba/falcon 0.85x (need >= 0.8x) [met]" in lines[2]
    assert lines[2].endswith("kolba/quart 1.70x (>= 3x) or kolba/raw 0.85x (>= 0.8x) [met]")


def test_asgi_sections_run_by_default_and_instructions_only_when_named() -> None:
    sections = runner.parse_args([]).sections
    assert "asgi" in sections and "asgi-e2e" in sections and "asgi-instructions" not in sections
    args = runner.parse_args(["--sections", "asgi", "--asgi-frameworks", "kolba,raw"])
    assert args.asgi_frameworks == ["raw", "kolba"] and args.json is None


def test_the_counted_child_serves_asgi_apps(capsys: pytest.CaptureFixture[str]) -> None:
    instructions.child("kolba", "json_by_id", 5, kind="asgi")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"served": 5}


def test_quick_asgi_e2e_run_posts_positive_numbers(tmp_path: Path) -> None:
    if e2e.find_wrk() is None:
        pytest.skip(f"wrk is not installed ({e2e.WRK_INSTALL})")
    out = tmp_path / "results.json"
    argv = [
        "--quick", "--sections", "asgi-e2e", "--json", str(out),
        "--asgi-frameworks", "raw,kolba", "--asgi-e2e-scenarios", "hello",
        "--asgi-e2e-servers", "granian",
    ]  # fmt: skip
    assert runner.main(argv) == 0
    section = json.loads(out.read_text(encoding="utf-8"))["asgi_e2e"]
    assert section["status"] == "ok"
    for framework in ("raw", "kolba"):
        cell = section["results"]["granian"]["hello"][framework]
        assert cell["status"] == "ok", cell
        assert cell["requests_per_second"] > 0
