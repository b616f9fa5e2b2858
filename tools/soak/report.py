"""The soak's results as Markdown tables (for docs/reliability.md) and JSON."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import typing as t

from .run import MAX_RSS_DRIFT, Result, percentile_ms

_DISTRIBUTIONS = ("kolba", "werkzeug", "gunicorn", "granian", "uvicorn")


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _mib(rss: dict[int, int]) -> str:
    return " / ".join(f"{kib / 1024:.1f}" for _, kib in sorted(rss.items())) or "–"


def _statuses(result: Result) -> str:
    return ", ".join(f"{code}: {n}" for code, n in sorted(result.tally.statuses.items()))


def environment() -> str:
    """One line naming the machine and the versions the figures come from."""
    versions = []
    for name in _DISTRIBUTIONS:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return (
        f"{os.cpu_count()} CPUs, Linux {platform.release()}, Python {platform.python_version()}, "
        + ", ".join(versions)
    )


def traffic_table(results: t.Sequence[Result]) -> str:
    """Requests, statuses, errors and latency, one row per server."""
    rows = [
        "| server | requests | req/s | statuses | 5xx | socket errors | p50 ms | p99 ms |",
        "|---|--:|--:|---|--:|--:|--:|--:|",
    ]
    for r in results:
        rate = r.tally.requests / r.seconds if r.seconds else 0.0
        rows.append(
            f"| {r.server.name} | {r.tally.requests} | {rate:.0f} | {_statuses(r)} "
            f"| {r.tally.server_errors} | {sum(r.tally.socket_errors.values())} "
            f"| {_ms(r.p50_ms)} | {_ms(r.p99_ms)} |"
        )
    return "\n".join(rows)


def integrity_table(results: t.Sequence[Result]) -> str:
    """Memory per worker and acknowledged writes against the database."""
    first = results[0].settings.first_sample if results else 10
    last = results[0].settings.seconds if results else 30
    rows = [
        f"| server | worker RSS at {first:.3g} s (MiB) | at {last:.3g} s | drift "
        "| writes acknowledged (create/edit/delete) | rows expected | found | lost |",
        "|---|---|---|--:|---|--:|--:|--:|",
    ]
    for r in results:
        samples = r.samples
        drift = r.drift
        audit = r.audit
        writes = "–" if audit is None else (
            f"{audit.acknowledged} ({audit.creates}/{audit.edits}/{audit.deletes})"
        )
        rows.append(
            f"| {r.server.name} | {_mib(samples[0].rss) if samples else '–'} "
            f"| {_mib(samples[-1].rss) if len(samples) > 1 else '–'} "
            f"| {'–' if drift is None else f'{drift:+.1%}'} | {writes} "
            f"| {'–' if audit is None else audit.expected_present} "
            f"| {'–' if audit is None else audit.found} "
            f"| {'–' if audit is None else len(audit.lost)} |"
        )
    return "\n".join(rows)


def verdicts(results: t.Sequence[Result]) -> str:
    """Per server: the targets met, or what was missed."""
    lines = []
    for r in results:
        missed = r.failures()
        lines.append(f"- {r.server.name}: " + ("; ".join(missed) if missed else "all targets met"))
    return "\n".join(lines)


def markdown(results: t.Sequence[Result], command: str) -> str:
    """The whole report."""
    commands = "\n".join(f"    {r.server.name}: {r.command}" for r in results)
    return "\n\n".join([
        f"Command: `{command}`  \nMachine: {environment()}",
        traffic_table(results),
        integrity_table(results),
        f"Targets: no 5xx, no socket error, no lost write, drift at most {MAX_RSS_DRIFT:.0%}.",
        verdicts(results),
        "Servers (port 8000 stands for the free port each run picks):\n\n" + commands,
    ])


def as_json(results: t.Sequence[Result], command: str) -> dict[str, t.Any]:
    """Everything measured, for a results file."""
    return {
        "command": command,
        "environment": environment(),
        "runs": [
            {
                "server": r.server.name,
                "server_command": r.command,
                "seconds": r.seconds,
                "requests": r.tally.requests,
                "statuses": {str(k): v for k, v in sorted(r.tally.statuses.items())},
                "socket_errors": dict(r.tally.socket_errors),
                "unexpected": {f"{a} {s}": n for (a, s), n in r.tally.unexpected.items()},
                "actions": dict(r.tally.actions),
                "latency_ms_by_action": {
                    action: {"p50": percentile_ms(values, 50), "p99": percentile_ms(values, 99)}
                    for action, values in sorted(r.tally.by_action.items())
                },
                "warm_up_statuses": {str(k): v for k, v in sorted(r.warm_up.statuses.items())},
                "p50_ms": r.p50_ms,
                "p99_ms": r.p99_ms,
                "rss_kib": [{"at": s.at, "rss": s.rss} for s in r.samples],
                "drift": r.drift,
                "audit": None if r.audit is None else vars(r.audit),
                "tracebacks": r.tracebacks,
                "failures": r.failures(),
            }
            for r in results
        ],
    }
