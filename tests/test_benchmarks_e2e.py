"""The benchmark suite's end-to-end section: real servers over loopback, loaded by wrk.

The smoke test runs the section the way ``python -m benchmarks`` does, in
``--quick`` mode, and reads the numbers back from the JSON results file.  It
needs wrk and is skipped without it; the other tests need neither wrk nor a
server.
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
