"""How many slow clients a server holds while a normal client still gets answers.

``python -m tools.soak slowloris`` serves the showcase under each server
(2 workers, as the soak does), then opens slow clients in rising numbers
(1 to 8, then 16, 32, ... up to ``--max-clients``, 300 by default). A slow
client sends a request line and then one header line every :data:`TRICKLE` seconds, never the blank line
that ends the headers, which is what a client on a bad link, or an attacker,
does. At each level, once the slow clients are connected, a normal client
sends :data:`PROBES` requests (``GET /api/``, a new connection each) and
must get each reply within :data:`PROBE_TIMEOUT` seconds. The level the
server *holds* is the largest one at which every probe was answered.

Everything is bounded: each level lasts a few seconds, the slow clients are
closed when the server is done, and the server (127.0.0.1, a free port, its
own process group) is stopped by its PID.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import shlex
import statistics
import sys
import tempfile
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e._servers import showcase_env

from .httpclient import Connection, SocketError
from .seed import seed
from .servers import HOST, SERVERS, SERVERS_BY_NAME, Server, serve

#: Seconds between two header lines of a slow client.
TRICKLE = 1.0
#: Seconds the slow clients of a level get to connect before the probes.
SETTLE = 1.0
PROBES = 3
PROBE_TIMEOUT = 2.0
DEFAULT_MAX_CLIENTS = 300


def levels(most: int) -> list[int]:
    """1 to 8 one by one (worker and thread counts are small), then 16, 32, ..., ``most``."""
    found, level = [], 1
    while level < most:
        found.append(level)
        level = level + 1 if level < 8 else level * 2
    return [*found, most] if most >= 1 else []


class SlowClient:
    """One connection that sends its headers a line at a time and never finishes."""

    def __init__(self, port: int, index: int) -> None:
        self.port = port
        self.index = index
        self.closed_by_server = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._trickle())

    async def _trickle(self) -> None:
        try:
            reader, writer = await asyncio.open_connection(HOST, self.port)
        except OSError:
            self.closed_by_server = True
            return
        try:
            writer.write(f"GET /api/?slow={self.index} HTTP/1.1\r\n".encode())
            line = 0
            while True:
                await writer.drain()
                try:
                    data: bytes | None = await asyncio.wait_for(reader.read(1), TRICKLE)
                except asyncio.TimeoutError:
                    data = None
                if data is not None:  # closed (b""), or answered (408) before the headers ended
                    self.closed_by_server = True
                    return
                line += 1
                writer.write(f"X-Slow-{line}: {'a' * 20}\r\n".encode())
        except (OSError, asyncio.IncompleteReadError):
            self.closed_by_server = True
        finally:
            writer.close()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await self._task


@dataclass
class Level:
    """What the normal client saw while ``slow`` slow clients were connected."""

    slow: int
    answered: int
    latencies: list[float]
    closed_by_server: int

    @property
    def held(self) -> bool:
        return self.answered == PROBES

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.latencies) * 1000 if self.latencies else None


@dataclass
class Outcome:
    """One server's levels, and its command line."""

    server: Server
    command: str
    levels: list[Level] = field(default_factory=list)
    error: str = ""

    @property
    def held(self) -> int:
        """The largest number of slow clients at which every probe was answered."""
        held = 0
        for level in self.levels:
            if not level.held:
                break
            held = level.slow
        return held

    @property
    def blocked_at(self) -> int | None:
        """The first level at which a probe went unanswered, if any."""
        return next((level.slow for level in self.levels if not level.held), None)


async def _probe(port: int) -> float | None:
    """One normal request on a new connection: its latency, or None unanswered."""
    conn = Connection(HOST, port)
    started = time.perf_counter()
    try:
        reply = await asyncio.wait_for(
            conn.request("GET", "/api/", {"Connection": "close"}), PROBE_TIMEOUT
        )
    except (SocketError, asyncio.TimeoutError):
        return None
    finally:
        await conn.close()
    return time.perf_counter() - started if reply.status < 500 else None


async def _escalate(port: int, most: int) -> list[Level]:
    slow: list[SlowClient] = []
    seen: list[Level] = []
    try:
        for level in levels(most):
            while len(slow) < level:
                client = SlowClient(port, len(slow))
                client.start()
                slow.append(client)
            await asyncio.sleep(SETTLE)
            latencies = [
                latency for latency in [await _probe(port) for _ in range(PROBES)]
                if latency is not None
            ]  # fmt: skip
            closed = sum(client.closed_by_server for client in slow)
            seen.append(Level(level, len(latencies), latencies, closed))
            if len(latencies) < PROBES:
                break  # blocked: more slow clients would only block it longer
    finally:
        await asyncio.gather(*(client.stop() for client in slow))
    return seen


def measure(server: Server, most: int, workers: int = 2) -> Outcome:
    """Serve the showcase under ``server`` and find how many slow clients it holds."""
    outcome = Outcome(server, server.shown(workers))
    with tempfile.TemporaryDirectory(prefix=f"slowloris-{server.name}-") as folder:
        env = showcase_env(Path(folder))
        env["SHOWCASE_LOG_LEVEL"] = "WARNING"
        seed(env, 0)  # the schema only
        try:
            with serve(server, env, workers, Path(folder) / "server.log") as running:
                outcome.levels = asyncio.run(_escalate(running.port, most))
        except RuntimeError as exc:
            outcome.error = str(exc).splitlines()[0]
    return outcome


def table(outcomes: t.Sequence[Outcome]) -> str:
    """One row per server, in Markdown."""
    rows = [
        "| server | slow clients held | first level blocked | probe p50 ms at the level held "
        "| slow clients closed by the server |",
        "|---|--:|--:|--:|--:|",
    ]
    for o in outcomes:
        if o.error:
            rows.append(f"| {o.server.name} | error: {o.error} | | | |")
            continue
        kept = [level for level in o.levels if level.slow == o.held]
        median = kept[0].median_ms if kept else None
        closed = o.levels[-1].closed_by_server if o.levels else 0
        rows.append(
            f"| {o.server.name} | {o.held} | {o.blocked_at or 'none'} "
            f"| {'–' if median is None else f'{median:.1f}'} | {closed} |"
        )
    return "\n".join(rows)


def main(argv: t.Sequence[str]) -> int:
    """Measure each server; print the table. Exit status 0 (this is a measurement)."""
    parser = argparse.ArgumentParser(prog="python -m tools.soak slowloris", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", default=",".join(SERVERS_BY_NAME),
                        help="comma-separated, from: " + ", ".join(SERVERS_BY_NAME))
    parser.add_argument("--max-clients", type=int, default=DEFAULT_MAX_CLIENTS)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    unknown = [name for name in names if name not in SERVERS_BY_NAME]
    if unknown:
        print(f"unknown servers: {', '.join(unknown)}", file=sys.stderr)
        return 2
    outcomes = []
    for server in (s for s in SERVERS if s.name in names):
        if importlib.util.find_spec(server.arguments[0]) is None:
            print(f"{server.name}: skipped, not installed", file=sys.stderr)
            continue
        print(f"{server.name}: slow clients up to {args.max_clients} ...", file=sys.stderr,
              flush=True)
        outcomes.append(measure(server, args.max_clients, args.workers))
    print(f"Command: `{' '.join(['python -m tools.soak slowloris', shlex.join(argv)]).strip()}`")
    print(f"\nEach slow client sends one header line every {TRICKLE:g} s; at each level, "
          f"{PROBES} probes (GET /api/) must each be answered within {PROBE_TIMEOUT:g} s.\n")
    print(table(outcomes))
    return 0
