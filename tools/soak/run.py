"""One soak run per server: seed, serve, load, sample memory, stop, audit.

``soak(server, settings)`` returns a :class:`Result` holding everything the
report shows; the targets (no 5xx, no lost write, memory drift within
bounds) are judged by :meth:`Result.failures`.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e._servers import showcase_env

from . import procs
from .ledger import Audit, Ledger, audit
from .load import Load, Tally
from .seed import seed
from .servers import HOST, Running, Server, serve

#: The target for the growth of each worker's memory between the two samples.
MAX_RSS_DRIFT = 0.10


@dataclass(frozen=True)
class Settings:
    """How long, how hard, and how many worker processes."""

    seconds: float = 30.0
    clients: int = 16
    workers: int = 2
    seed: int = 1
    #: When the first memory sample is taken (the second is at the end of the load).
    first_sample: float = 10.0
    #: Whether the memory drift is a target (short runs measure start-up, not drift).
    judge_drift: bool = True


@dataclass(frozen=True)
class MemorySample:
    """Resident memory (KiB) of each worker at one moment, keyed by PID."""

    at: float
    rss: dict[int, int]


@dataclass
class Result:
    """One server's run."""

    server: Server
    settings: Settings
    command: str
    seconds: float = 0.0
    tally: Tally = field(default_factory=Tally)
    warm_up: Tally = field(default_factory=Tally)
    ledger: Ledger = field(default_factory=Ledger)
    audit: Audit | None = None
    samples: list[MemorySample] = field(default_factory=list)
    tracebacks: int = 0
    log_tail: str = ""
    #: The server log from its first traceback on (at most 6,000 characters), so a
    #: failed run in CI shows why, not only that.
    first_traceback: str = ""
    error: str = ""

    @property
    def p50_ms(self) -> float | None:
        return percentile_ms(self.tally.latencies, 50)

    @property
    def p99_ms(self) -> float | None:
        return percentile_ms(self.tally.latencies, 99)

    @property
    def drift(self) -> float | None:
        """The largest relative growth of one worker between the two samples."""
        if len(self.samples) < 2:
            return None
        first, last = self.samples[0].rss, self.samples[-1].rss
        common = [pid for pid in first if pid in last and first[pid] > 0]
        if not common:
            return None
        return max((last[pid] - first[pid]) / first[pid] for pid in common)

    @property
    def workers_replaced(self) -> bool:
        """Whether the worker PIDs changed between samples (a worker died)."""
        pids = {frozenset(sample.rss) for sample in self.samples}
        return len(pids) > 1

    def failures(self) -> list[str]:
        """The targets this run missed, in words; empty when it met them all."""
        missed = []
        if self.error:
            missed.append(self.error)
        for phase, tally in (("warm-up", self.warm_up), ("load", self.tally)):
            if tally.server_errors:
                missed.append(f"{phase}: {tally.server_errors} replies with a 5xx status")
            if tally.socket_errors:
                missed.append(f"{phase}: socket errors {dict(tally.socket_errors)}")
            if tally.unexpected:
                missed.append(f"{phase}: unexpected statuses {dict(tally.unexpected)}")
        if self.audit is None:
            missed.append("the database was not audited")
        elif not self.audit.ok:
            missed.append(f"writes not found as acknowledged: {self.audit}")
        if self.workers_replaced:
            missed.append("a worker process was replaced during the load")
        drift = self.drift
        if self.settings.judge_drift and drift is not None and drift > MAX_RSS_DRIFT:
            missed.append(f"worker memory grew {drift:.1%} (target: at most {MAX_RSS_DRIFT:.0%})")
        if self.tracebacks:
            missed.append(f"{self.tracebacks} tracebacks in the server log")
        return missed


def first_traceback(log: str, size: int = 6000) -> str:
    """``log`` from the line before its first traceback on (the logger's message), at most ``size`` characters."""
    start = log.find("Traceback (most recent call last)")
    if start < 0:
        return ""
    line_before = log.rfind("\n", 0, max(0, start - 1)) + 1
    return log[line_before:line_before + size]


def percentile_ms(values: list[float], percent: int) -> float | None:
    """The ``percent``-th percentile of ``values`` (seconds), in milliseconds."""
    if len(values) < 2:
        return values[0] * 1000 if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1] * 1000


#: Readings per memory sample, this far apart; the sample keeps each worker's smallest.
READINGS = 5
READING_INTERVAL = 0.1


async def _sample(running: Running, started: float) -> MemorySample:
    """Each worker's resident memory, the least of a few readings.

    A login allocates scrypt's 32 MiB for a few milliseconds; taking the
    least of readings 0.1 s apart keeps such a spike from passing for growth.
    """
    least: dict[int, int] = {}
    for reading in range(READINGS):
        if reading:
            await asyncio.sleep(READING_INTERVAL)
        for pid in procs.workers(running.pid):
            rss = procs.rss_kib(pid)
            if rss:
                least[pid] = min(rss, least.get(pid, rss))
    return MemorySample(time.monotonic() - started, least)


async def _load_and_sample(running: Running, result: Result, users: t.Any) -> None:
    settings = result.settings
    load = Load(HOST, running.port, users, settings.seed)
    await load.warm_up()
    started = time.monotonic()
    timed = asyncio.ensure_future(load.run(settings.seconds))
    span = (READINGS - 1) * READING_INTERVAL

    async def at(moment: float) -> None:
        await asyncio.sleep(max(0.0, moment - span - (time.monotonic() - started)))
        result.samples.append(await _sample(running, started))

    await at(settings.first_sample)
    await at(settings.seconds - 0.05)
    await timed
    result.seconds = time.monotonic() - started
    result.tally, result.warm_up, result.ledger = load.tally, load.warm_up_tally, load.ledger


def soak(server: Server, settings: Settings) -> Result:
    """Serve the showcase under ``server``, load it, stop it, and check the database."""
    result = Result(server, settings, server.shown(settings.workers))
    with tempfile.TemporaryDirectory(prefix=f"soak-{server.name}-") as folder:
        instance = Path(folder)
        env = showcase_env(instance)
        env["SHOWCASE_LOG_LEVEL"] = "WARNING"  # failed logins are logged as warnings
        users = seed(env, settings.clients)
        log_path = instance / "server.log"
        try:
            with serve(server, env, settings.workers, log_path) as running:
                asyncio.run(_load_and_sample(running, result, users))
        except RuntimeError as exc:  # the server did not start
            result.error = str(exc).splitlines()[0]
            return result
        # The server has stopped: everything it acknowledged must be on disk.
        log = log_path.read_text("utf-8", "replace")
        result.tracebacks = log.count("Traceback (most recent call last)")
        result.log_tail = log[-2000:]
        result.first_traceback = first_traceback(log)
        result.audit = audit(instance / "showcase.sqlite", result.ledger)
    return result
