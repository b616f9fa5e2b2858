"""The soak tool's own logic (``tools/soak``): percentiles, the write audit, the report.

No server runs here: results are built by hand, the database is a small
SQLite file with the showcase's note columns, and the HTTP parser is fed
bytes through an ``asyncio.StreamReader``. ``tests/e2e/test_soak.py`` runs
the real thing for a few seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
import typing as t
from collections import Counter
from pathlib import Path

import pytest

from tools.soak import httpclient, procs
from tools.soak.bodies import MIB, cases
from tools.soak.ledger import Ledger, audit
from tools.soak.load import Tally
from tools.soak.report import as_json, integrity_table, markdown, traffic_table, verdicts
from tools.soak.run import MemorySample, Result, Settings, percentile_ms
from tools.soak.servers import SERVERS, SERVERS_BY_NAME, stop
from tools.soak.slowloris import PROBES, Level, Outcome, levels, table

pytestmark = pytest.mark.kolba_only


# -- percentiles -------------------------------------------------------------------------


def test_percentile_of_nothing_is_none() -> None:
    assert percentile_ms([], 50) is None


def test_percentile_of_one_value_is_that_value_in_ms() -> None:
    assert percentile_ms([0.25], 50) == 250.0
    assert percentile_ms([0.25], 99) == 250.0


def test_percentiles_interpolate_between_sorted_values() -> None:
    values = [i / 1000 for i in range(101)]  # 0 ms .. 100 ms, shuffled below
    values.reverse()
    assert percentile_ms(values, 50) == pytest.approx(50.0)
    assert percentile_ms(values, 99) == pytest.approx(99.0)
    assert percentile_ms([0.001, 0.003], 50) == pytest.approx(2.0)


def test_p99_sees_a_slow_tail_that_p50_ignores() -> None:
    values = [0.001] * 95 + [1.0] * 5
    assert percentile_ms(values, 50) == pytest.approx(1.0)
    assert percentile_ms(values, 99) == pytest.approx(1000.0)


# -- the write audit ---------------------------------------------------------------------


def _database(tmp_path: Path, rows: list[tuple[int, int, str]]) -> Path:
    path = tmp_path / f"notes{len(list(tmp_path.glob('*.sqlite')))}.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, author_id INTEGER, title TEXT)")
        conn.executemany("INSERT INTO note VALUES (?, ?, ?)", rows)
    return path


def _ledger() -> Ledger:
    ledger = Ledger()
    ledger.created(1, 10, "one")
    ledger.created(2, 10, "two")
    ledger.edited(2, "two, edited")
    ledger.created(3, 11, "three")
    ledger.removed(3)
    return ledger


def test_audit_passes_when_the_table_matches_what_was_acknowledged(tmp_path: Path) -> None:
    found = audit(_database(tmp_path, [(1, 10, "one"), (2, 10, "two, edited")]), _ledger())
    assert found.ok
    assert (found.acknowledged, found.creates, found.edits, found.deletes) == (5, 3, 1, 1)
    assert (found.expected_present, found.found) == (2, 2)


def test_audit_names_a_lost_note(tmp_path: Path) -> None:
    found = audit(_database(tmp_path, [(2, 10, "two, edited")]), _ledger())
    assert not found.ok
    assert found.lost == [1]
    assert found.found == 1


def test_audit_names_a_deleted_note_that_came_back(tmp_path: Path) -> None:
    rows = [(1, 10, "one"), (2, 10, "two, edited"), (3, 11, "three")]
    found = audit(_database(tmp_path, rows), _ledger())
    assert found.resurrected == [3]
    assert not found.ok


def test_audit_names_a_lost_edit_and_a_wrong_owner(tmp_path: Path) -> None:
    found = audit(_database(tmp_path, [(1, 11, "one"), (2, 10, "two")]), _ledger())
    assert found.wrong_owner == [1]
    assert found.stale_title == [2]
    assert found.lost == []


def test_audit_leaves_unanswered_writes_out(tmp_path: Path) -> None:
    """A write that got no reply may or may not have happened: neither outcome is a loss."""
    ledger = _ledger()
    ledger.uncertain.update({1, 3})
    found = audit(_database(tmp_path, [(2, 10, "two, edited"), (3, 11, "three")]), ledger)
    assert found.ok
    assert found.expected_present == 1


def test_notes_written_by_nobody_in_the_ledger_are_ignored(tmp_path: Path) -> None:
    rows = [(1, 10, "one"), (2, 10, "two, edited"), (99, 12, "seeded by someone else")]
    assert audit(_database(tmp_path, rows), _ledger()).ok


# -- judging a run -----------------------------------------------------------------------


def _result(tmp_path: Path, **changes: t.Any) -> Result:
    tally = Tally(statuses=Counter({200: 90, 201: 8, 204: 2}), latencies=[0.002] * 99 + [0.4])
    result = Result(SERVERS_BY_NAME["gunicorn-sync"], Settings(), "gunicorn ...", seconds=10.0,
                    tally=tally)  # fmt: skip
    result.ledger = _ledger()
    result.audit = audit(_database(tmp_path, [(1, 10, "one"), (2, 10, "two, edited")]),
                         result.ledger)  # fmt: skip
    result.samples = [MemorySample(10.0, {7: 40_000, 8: 50_000}),
                      MemorySample(30.0, {7: 41_000, 8: 52_000})]  # fmt: skip
    for name, value in changes.items():
        setattr(result, name, value)
    return result


def test_a_clean_run_meets_every_target(tmp_path: Path) -> None:
    result = _result(tmp_path)
    assert result.failures() == []
    assert result.drift == pytest.approx(0.04)  # the worker that grew most: 50 -> 52 MB


def test_a_5xx_a_socket_error_or_a_surprise_status_misses_a_target(tmp_path: Path) -> None:
    tally = Tally(statuses=Counter({200: 5, 502: 1}), socket_errors=Counter({"TimeoutError": 2}),
                  unexpected=Counter({("create", 502): 1}))  # fmt: skip
    missed = _result(tmp_path, tally=tally).failures()
    assert "load: 1 replies with a 5xx status" in missed
    assert "load: socket errors {'TimeoutError': 2}" in missed
    assert any("unexpected statuses" in line for line in missed)


def test_errors_while_warming_up_count_too(tmp_path: Path) -> None:
    warm = Tally(statuses=Counter({500: 1}))
    assert _result(tmp_path, warm_up=warm).failures() == ["warm-up: 1 replies with a 5xx status"]


def test_memory_drift_over_ten_percent_misses_only_when_judged(tmp_path: Path) -> None:
    samples = [MemorySample(10.0, {7: 40_000}), MemorySample(30.0, {7: 44_400})]
    missed = _result(tmp_path, samples=samples).failures()
    assert missed == ["worker memory grew 11.0% (target: at most 10%)"]
    short = Settings(seconds=3, judge_drift=False)
    assert _result(tmp_path, samples=samples, settings=short).failures() == []


def test_a_replaced_worker_and_a_missing_audit_miss_targets(tmp_path: Path) -> None:
    samples = [MemorySample(10.0, {7: 40_000}), MemorySample(30.0, {9: 40_000})]
    missed = _result(tmp_path, samples=samples, audit=None).failures()
    assert "a worker process was replaced during the load" in missed
    assert "the database was not audited" in missed


def test_drift_needs_two_samples_of_the_same_worker(tmp_path: Path) -> None:
    assert _result(tmp_path, samples=[MemorySample(1.0, {7: 1})]).drift is None
    other = [MemorySample(1.0, {7: 1}), MemorySample(2.0, {8: 5})]
    assert _result(tmp_path, samples=other).drift is None


# -- the report --------------------------------------------------------------------------


def test_traffic_table_row(tmp_path: Path) -> None:
    lines = traffic_table([_result(tmp_path)]).splitlines()
    # p99 of 99 x 2 ms and one 400 ms: 1% of the way from 2 ms to 400 ms (inclusive method).
    assert lines[0].startswith("| server | requests | req/s | statuses | 5xx |")
    assert lines[2] == (
        "| gunicorn-sync | 100 | 10 | 200: 90, 201: 8, 204: 2 | 0 | 0 | 2.0 | 6.0 |"
    )


def test_integrity_table_row(tmp_path: Path) -> None:
    lines = integrity_table([_result(tmp_path)]).splitlines()
    assert "worker RSS at 10 s (MiB) | at 30 s | drift" in lines[0]
    assert lines[2] == "| gunicorn-sync | 39.1 / 48.8 | 40.0 / 50.8 | +4.0% | 5 (3/1/1) | 2 | 2 | 0 |"


def test_verdicts_and_the_whole_report(tmp_path: Path) -> None:
    good, bad = _result(tmp_path), _result(tmp_path, audit=None)
    assert verdicts([good, bad]).splitlines() == [
        "- gunicorn-sync: all targets met",
        "- gunicorn-sync: the database was not audited",
    ]
    report = markdown([good], "python -m tools.soak --seconds 30")
    assert report.startswith("Command: `python -m tools.soak --seconds 30`")
    assert "gunicorn-sync: gunicorn ..." in report


def test_json_report_is_plain_json(tmp_path: Path) -> None:
    data = json.loads(json.dumps(as_json([_result(tmp_path)], "cmd")))
    run = data["runs"][0]
    assert run["statuses"] == {"200": 90, "201": 8, "204": 2}
    assert run["audit"]["lost"] == []
    assert run["failures"] == []


def test_server_commands_bind_loopback_only() -> None:
    for server in SERVERS:
        argv = server.argv(8123, 2)
        joined = " ".join(argv)
        assert "127.0.0.1" in joined and "0.0.0.0" not in joined, server.name
        assert "8123" in joined, server.name


# -- the slow-client measurement ---------------------------------------------------------


def test_levels_count_to_eight_then_double_up_to_the_maximum() -> None:
    assert levels(256) == [1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64, 128, 256]
    assert levels(300)[-2:] == [256, 300]
    assert levels(5) == [1, 2, 3, 4, 5]
    assert levels(1) == [1]
    assert levels(0) == []


def _level(slow: int, answered: int) -> Level:
    return Level(slow, answered, [0.001] * answered, 0)


def test_held_is_the_last_level_before_the_first_unanswered_probe() -> None:
    outcome = Outcome(SERVERS[0], "cmd", [_level(1, PROBES), _level(2, PROBES - 1)])
    assert (outcome.held, outcome.blocked_at) == (1, 2)
    blocked_at_once = Outcome(SERVERS[0], "cmd", [_level(1, 0)])
    assert (blocked_at_once.held, blocked_at_once.blocked_at) == (0, 1)
    rows = table([outcome]).splitlines()
    assert rows[2] == "| gunicorn-sync | 1 | 2 | 1.0 | 0 |"


# -- the HTTP client's parser ------------------------------------------------------------


def _parse(wire: bytes, method: str = "GET") -> tuple[int, t.Any, bytes, bool]:
    async def go() -> tuple[int, t.Any, bytes, bool]:
        reader = asyncio.StreamReader()
        reader.feed_data(wire)
        reader.feed_eof()
        status, headers, keep = await httpclient._read_head(reader)
        body = await httpclient._read_body(reader, headers, method, status)
        return status, headers, body, keep

    return asyncio.run(go())


def test_reply_with_content_length() -> None:
    status, headers, body, keep = _parse(
        b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\n"
        b"set-cookie: b=2\r\n\r\nhelloEXTRA"
    )
    reply = httpclient.Reply(status, headers, body, 0.0)
    assert (status, body, keep) == (201, b"hello", True)
    assert reply.all("Set-Cookie") == ["a=1", "b=2"]
    assert reply.header("content-length") == "5"


def test_chunked_reply_with_trailers() -> None:
    wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n"
    assert _parse(wire)[2] == b"abcde"


def test_no_body_for_head_and_204_and_http10_is_not_kept() -> None:
    assert _parse(b"HTTP/1.1 204 No Content\r\n\r\n")[2] == b""
    assert _parse(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", method="HEAD")[2] == b""
    assert _parse(b"HTTP/1.0 200 OK\r\n\r\nuntil close")[2:] == (b"until close", False)


def test_absurd_content_length_is_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        _parse(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")


# -- /proc -------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_workers_are_the_leaves_of_the_process_tree() -> None:
    me = os.getpid()
    rss = procs.rss_kib(me)
    assert rss is not None and rss > 0
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in procs.descendants(me)
        assert child.pid in procs.workers(me)
        assert me not in procs.workers(me)
        assert procs.workers(child.pid) == [child.pid]
    finally:
        child.kill()
        child.wait(timeout=10)
    assert procs.rss_kib(child.pid) is None


# -- the large-body measurement ----------------------------------------------------------


def test_each_body_is_as_long_as_its_declared_content_length() -> None:
    for case in cases(3):
        assert sum(len(piece) for piece in case.body()) == case.length, case.name


def test_the_bodies_are_well_formed() -> None:
    urlencoded, _, field, _, parts, _ = cases(1)
    assert b"".join(urlencoded.body()) == b"a=" + b"x" * (MIB - 2)
    multipart = b"".join(field.body())
    assert multipart.startswith(b"--soakboundary\r\nContent-Disposition: form-data; name=\"big\"")
    assert multipart.endswith(b"\r\n--soakboundary--\r\n")
    assert b"".join(parts.body()).count(b'name="f"') == 100_000
    assert parts.limits == {"MAX_FORM_PARTS": "none"}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_stop_leaves_nothing_of_the_process_group() -> None:
    """A worker that outlives its supervisor is killed with the group."""
    code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(30)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip
    assert proc.stdout is not None
    orphan = int(proc.stdout.readline())
    proc.stdout.close()
    stop(proc)
    assert proc.returncode is not None
    for _ in range(100):  # reaped by init a moment after SIGKILL
        if procs.rss_kib(orphan) is None:
            break
        time.sleep(0.02)
    assert procs.rss_kib(orphan) is None
