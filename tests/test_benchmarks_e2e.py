"""The benchmark sections that drive outside tools: wrk over real servers, and valgrind.

The e2e smoke test runs that section the way ``python -m benchmarks`` does,
in ``--quick`` mode, and reads the numbers back from the JSON results file.
It needs wrk, and the instruction count of one cell needs valgrind; each is
skipped without its tool (``make test`` installs both as root).  The other
tests need no tool.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import e2e, runner, scenarios

pytestmark = pytest.mark.kolba_only
"""Benchmark plumbing, not Flask behaviour: nothing to check against Flask."""

WRK_OUTPUT = """\
Running 2s test @ http://127.0.0.1:18431/user/42
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.05ms  725.25us   8.70ms   86.17%
    Req/Sec     7.86k     0.91k    8.77k    90.00%
  Latency Distribution
     50%    3.83ms
     75%    4.20ms
     90%    4.91ms
     99%  870.00us
  15624 requests in 2.00s, 2.55MB read
  Socket errors: connect 0, read 3, write 1, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:   7809.88
Transfer/sec:      1.27MB
"""


def _run_section(tmp_path: Path, *extra: str) -> dict[str, Any]:
    """Run only the e2e section quickly and return its part of the JSON results."""
    out = tmp_path / "results.json"
    argv = ["--quick", "--sections", "e2e", "--json", str(out), *extra]
    assert runner.main(argv) == 0
    section: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))["e2e"]
    return section


def test_quick_e2e_run_posts_positive_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if e2e.find_wrk() is None:
        pytest.skip(f"wrk is not installed ({e2e.WRK_INSTALL})")
    section = _run_section(
        tmp_path,
        "--frameworks", "raw,kolba",
        "--e2e-scenarios", "hello",
        "--e2e-servers", "gunicorn",
    )  # fmt: skip
    assert section["status"] == "ok"
    cells = section["results"]["gunicorn"]["hello"]
    for framework in ("raw", "kolba"):
        cell = cells[framework]
        assert cell["status"] == "ok", cell
        assert cell["requests_per_second"] > 0
        assert cell["p99_ms"] > 0
        assert cell["rounds_requests"][0] > 0
    table = capsys.readouterr().out
    assert "gunicorn  hello" in table and "req/s" in table and "p99 ms" in table


def test_missing_wrk_skips_the_section_with_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    section = _run_section(tmp_path, "--frameworks", "raw")
    assert section["status"] == "skipped"
    assert e2e.WRK_INSTALL in section["reason"]
    assert "end-to-end: skipped: wrk not found on PATH" in capsys.readouterr().out


def test_wrk_report_is_parsed_into_numbers() -> None:
    result = e2e.parse_wrk(WRK_OUTPUT)
    assert result.requests_per_second == pytest.approx(7809.88)
    assert result.p99_ms == pytest.approx(0.87)
    assert result.requests == 15624
    assert result.socket_errors == 6
    assert result.error_statuses == 7


def test_unreadable_wrk_report_is_an_error_not_a_number() -> None:
    with pytest.raises(e2e.WrkFailure, match="unreadable wrk output"):
        e2e.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_servers_and_load_stay_on_loopback() -> None:
    target = e2e.Target(scenarios.BY_NAME["query_header"], "benchmarks.apps.raw", {"A": "b"})
    command = e2e.wrk_command("wrk", 8123, target, e2e.Settings())
    assert command[-1] == "http://127.0.0.1:8123/search?q=kolba&page=2"
    assert ["-H", "A: b"] == command[command.index("-H") : command.index("-H") + 2]
    for server in e2e.SERVERS:
        argv = server.command("benchmarks.apps.raw:app", 8123)
        assert any("127.0.0.1" in arg for arg in argv), server.name
        assert not any("0.0.0.0" in arg for arg in argv), server.name


# -- the instructions section ---------------------------------------------------------------------


def test_instruction_count_of_one_cell() -> None:
    from benchmarks import instructions

    valgrind = instructions.find_valgrind()
    if valgrind is None:
        pytest.skip(f"valgrind is not installed ({instructions.VALGRIND_INSTALL})")
    cell = instructions.count(valgrind, "kolba", "hello", requests=20)
    assert cell["status"] == "ok", cell
    # Some thousands of instructions: more than nothing, far less than a whole import.
    assert 1_000 < cell["per_request"] < 1_000_000


def test_instruction_count_of_a_broken_cell_is_a_failure() -> None:
    from benchmarks import instructions

    cell = instructions.count("/bin/false", "kolba", "hello", requests=5)  # a "valgrind" that fails
    assert cell["status"] == "failed"


def test_missing_valgrind_skips_the_instructions_section(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks import instructions

    monkeypatch.setattr(instructions, "find_valgrind", lambda: None)
    text, data = instructions.run(["kolba"], ["hello"])
    assert data["status"] == "skipped"
    assert instructions.VALGRIND_INSTALL in text and instructions.VALGRIND_INSTALL in data["reason"]


def test_instructions_table_shows_ratios_and_failures() -> None:
    from benchmarks import instructions

    results = {
        "hello": {
            "flask": {"status": "ok", "per_request": 300_000},
            "falcon": {"status": "ok", "per_request": 80_000},
            "kolba": {"status": "ok", "per_request": 40_000},
        },
        "session": {
            "flask": {"status": "ok", "per_request": 600_000},
            "falcon": {"status": "failed", "reason": "boom"},
            "kolba": {"status": "ok", "per_request": 150_000},
        },
    }
    table = instructions._table(results, ["flask", "falcon", "kolba"])
    lines = table.splitlines()
    assert lines[0].split() == ["scenario", "flask", "falcon", "kolba", "flask/kolba", "falcon/kolba"]
    assert lines[1].split() == ["hello", "300,000", "80,000", "40,000", "7.50x", "2.00x"]
    assert lines[2].split() == ["session", "600,000", "FAIL", "150,000", "4.00x", "-"]
    assert "session/falcon: boom" in table


def test_instructions_section_is_optional() -> None:
    assert "instructions" not in runner.parse_args([]).sections
    args = runner.parse_args(["--sections", "instructions", "--frameworks", "kolba"])
    assert args.sections == ["instructions"] and args.json is None
