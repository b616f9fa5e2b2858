"""Command line: verify, measure, print the tables and write the JSON results."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks import (
    asgi,
    e2e,
    frameworks,
    importtime,
    instructions,
    measure,
    memory,
    report,
    routing_scale,
    scenarios,
    typed_api,
)

DEFAULT_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "latest.json")
SECTIONS = ("requests", "api", "api-e2e", "routing", "import", "memory", "e2e", "asgi", "asgi-e2e")
#: Sections run only when named in ``--sections``: slow, and needing extra tools.
OPTIONAL_SECTIONS = ("instructions", "asgi-instructions")
SCENARIO_NAMES = [scenario.name for scenario in scenarios.SCENARIOS]
FRAMEWORK_NAMES = [framework.name for framework in frameworks.FRAMEWORKS]


def _names(known: Sequence[str], what: str) -> Callable[[str], list[str]]:
    """Build an argparse type that accepts a comma list drawn from ``known``."""

    def parse(text: str) -> list[str]:
        chosen = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in chosen if name not in known]
        if unknown or not chosen:
            given = ", ".join(unknown) or "(none given)"
            raise argparse.ArgumentTypeError(
                f"unknown {what} {given}; choose from {', '.join(known)}"
            )
        return [name for name in known if name in chosen]

    return parse


def _add_selection(
    parser: argparse.ArgumentParser,
    flag: str,
    known: Sequence[str],
    default: Sequence[str] | None = None,
) -> None:
    chosen = list(known if default is None else default)
    if len(chosen) == len(known):
        help_text = f"comma list (default all: {','.join(known)})"
    else:
        help_text = f"comma list (default {','.join(chosen)}; choose from {','.join(known)})"
    parser.add_argument(
        f"--{flag}",
        type=_names(known, flag.removeprefix("e2e-").rstrip("s")),
        default=chosen,
        help=help_text,
    )


def _positive(text: str) -> int:
    """Parse a whole number of at least 1 (wrk accepts no fractions or zero here)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _add_e2e_options(parser: argparse.ArgumentParser) -> None:
    """Add the end-to-end section's own knobs: servers, scenarios, wrk load and rounds."""
    _add_selection(parser, "e2e-servers", e2e.SERVER_NAMES)
    _add_selection(parser, "e2e-scenarios", e2e.SCENARIO_NAMES, e2e.DEFAULT_SCENARIOS)
    parser.add_argument("--e2e-rounds", type=_positive, help="interleaved rounds (default 2)")
    parser.add_argument(
        "--e2e-duration", type=_positive, help="whole seconds of wrk load per cell (default 3)"
    )
    parser.add_argument(
        "--e2e-connections", type=_positive, default=32, help="wrk connections (default 32)"
    )


def _add_asgi_options(parser: argparse.ArgumentParser) -> None:
    """Add the ASGI sections' own selections (their e2e load settings are the WSGI ones)."""
    _add_selection(parser, "asgi-frameworks", asgi.FRAMEWORK_NAMES)
    _add_selection(parser, "asgi-scenarios", asgi.SCENARIO_NAMES)
    _add_selection(parser, "asgi-e2e-servers", asgi.SERVER_NAMES)
    _add_selection(
        parser, "asgi-e2e-scenarios", asgi.E2E_SCENARIO_NAMES, asgi.DEFAULT_E2E_SCENARIOS
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line; ``--quick`` shrinks every setting for a CI smoke run."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of Kolba against a bare WSGI floor, Flask, Falcon and Bottle"
        " (WSGI), and against a bare ASGI floor, Starlette, Quart and Falcon's ASGI app (ASGI).",
    )
    _add_selection(parser, "scenarios", SCENARIO_NAMES)
    _add_selection(parser, "frameworks", FRAMEWORK_NAMES)
    _add_selection(parser, "sections", SECTIONS + OPTIONAL_SECTIONS, SECTIONS)
    parser.add_argument("--rounds", type=int, help="timed rounds per cell (default 5)")
    parser.add_argument(
        "--duration", type=float, help="CPU seconds per cell per round (default 0.3)"
    )
    parser.add_argument(
        "--import-runs", type=int, help="fresh interpreters per import timing (default 5)"
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        help=f"results file (default {os.path.relpath(DEFAULT_JSON)}, "
        "written by default only by a full, non-quick run)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny durations: proves the suite runs, not speed"
    )
    _add_selection(parser, "api-frameworks", typed_api.COLUMN_NAMES)
    _add_selection(parser, "api-scenarios", typed_api.SCENARIO_NAMES)
    _add_e2e_options(parser)
    _add_asgi_options(parser)
    return _settle(parser.parse_args(argv))


def _settle(args: argparse.Namespace) -> argparse.Namespace:
    """Fill in defaults that depend on ``--quick`` and on whether the run is complete."""
    quick = args.quick
    args.rounds = args.rounds or (1 if quick else 5)
    args.duration = args.duration or (0.01 if quick else 0.3)
    args.import_runs = args.import_runs or (1 if quick else 5)
    args.e2e_rounds = args.e2e_rounds or (1 if quick else 2)
    args.e2e_duration = args.e2e_duration or (1 if quick else 3)
    complete = (
        set(SECTIONS) <= set(args.sections)
        and len(args.scenarios) == len(SCENARIO_NAMES)
        and len(args.frameworks) == len(FRAMEWORK_NAMES)
        and len(args.api_frameworks) == len(typed_api.COLUMN_NAMES)
        and len(args.api_scenarios) == len(typed_api.SCENARIO_NAMES)
        and len(args.e2e_servers) == len(e2e.SERVER_NAMES)
        and set(e2e.DEFAULT_SCENARIOS) <= set(args.e2e_scenarios)
        and len(args.asgi_frameworks) == len(asgi.FRAMEWORK_NAMES)
        and len(args.asgi_scenarios) == len(asgi.SCENARIO_NAMES)
        and len(args.asgi_e2e_servers) == len(asgi.SERVER_NAMES)
        and set(asgi.DEFAULT_E2E_SCENARIOS) <= set(args.asgi_e2e_scenarios)
    )
    # A partial or quick run must not overwrite the last full results.
    args.json = args.json or (DEFAULT_JSON if complete and not quick else None)
    return args


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _requests(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """Verify and time the scenario grid."""
    chosen_frameworks = [frameworks.BY_NAME[name] for name in args.frameworks]
    chosen_scenarios = [scenarios.BY_NAME[name] for name in args.scenarios]
    _say("requests: verifying")
    grid = measure.verify(chosen_frameworks, chosen_scenarios)
    _say(f"requests: timing {args.rounds} rounds of {args.duration} s per cell")
    measure.measure(grid, args.scenarios, args.frameworks, args.rounds, args.duration)
    lines = [
        f"requests per CPU-second, in-process (median of {args.rounds} rounds"
        f" x {args.duration} s)",
        report.table(grid, args.scenarios, args.frameworks),
        *report.failures(grid, args.scenarios, args.frameworks),
    ]
    return "\n".join(lines), report.grid_json(grid, args.scenarios, args.frameworks)


def _e2e(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """Serve every app with real servers over loopback and load them with wrk."""
    wrk = e2e.find_wrk()
    if wrk is None:
        reason = f"wrk not found on PATH; install it with: {e2e.WRK_INSTALL}"
        _say(f"e2e: skipped: {reason}")
        return f"end-to-end: skipped: {reason}", {"status": "skipped", "reason": reason}
    settings = e2e.Settings(args.e2e_duration, args.e2e_connections, args.e2e_rounds)
    servers, rows, columns = args.e2e_servers, args.e2e_scenarios, args.frameworks
    grid = e2e.prepare(columns, rows, servers)
    _say(f"e2e: {settings.rounds} rounds of wrk -d{settings.duration}s per cell")
    e2e.run(grid, wrk, settings, _say)
    setup = e2e.describe_setup(wrk, settings, servers)
    lines = [
        f"end-to-end over loopback: wrk -t{settings.threads} -c{settings.connections}"
        f" -d{settings.duration}s, median of {settings.rounds} rounds\n"
        "  (req/s ratio above 1: Kolba faster; p99 ratio below 1: Kolba answers sooner)",
        *(f"  {name}: {info['settings']}" for name, info in setup["servers"].items()),
        report.e2e_table(grid, servers, rows, columns),
        *report.e2e_failures(grid, servers, rows, columns),
        *report.e2e_warnings(grid, servers, rows, columns),
    ]
    data = report.e2e_json(grid, servers, rows, columns)
    return "\n".join(lines), {"status": "ok", "setup": setup, "results": data}


def _sections(args: argparse.Namespace, results: dict[str, Any]) -> list[str]:
    """Run each chosen section, storing its JSON in ``results``; return the texts."""
    texts: list[str] = []
    if "requests" in args.sections:
        text, results["requests"] = _requests(args)
        texts.append(text)
    if "api" in args.sections:
        text, results["typed_api"] = typed_api.run(
            args.api_frameworks, args.api_scenarios, args.rounds, args.duration
        )
        heading = (
            f"typed API: requests per CPU-second, in-process (median of {args.rounds} rounds"
            f" x {args.duration} s)"
        )
        texts.append(f"{heading}\n{text}")
    if "api-e2e" in args.sections:
        settings = e2e.Settings(args.e2e_duration, args.e2e_connections, args.e2e_rounds)
        text, results["typed_api_e2e"] = typed_api.run_e2e(
            args.api_frameworks, args.api_scenarios, settings
        )
        texts.append(text)
    if "routing" in args.sections and set(routing_scale.FRAMEWORKS) & set(args.frameworks):
        # Half the per-cell time: twelve cells per framework, one simple request each.
        duration = args.duration / 2
        text, results["routing_scale"] = routing_scale.run(args.frameworks, args.rounds, duration)
        heading = f"routing scale: requests per CPU-second to the last route ({duration:g} s)"
        texts.append(f"{heading}\n{text}")
    if "import" in args.sections:
        text, results["import_time"] = importtime.run(args.frameworks, args.import_runs)
        heading = f"import time of framework + hello app (min of {args.import_runs} interpreters)"
        texts.append(f"{heading}\n{text}")
    if "memory" in args.sections:
        text, results["memory"] = memory.run(args.frameworks)
        texts.append(f"resident memory after 1000 requests (fresh interpreter)\n{text}")
    if "e2e" in args.sections:
        text, results["e2e"] = _e2e(args)
        texts.append(text)
    if "instructions" in args.sections:
        text, results["instructions"] = instructions.run(args.frameworks, args.scenarios)
        heading = f"instructions per request (valgrind callgrind, {instructions.REQUESTS} requests)"
        texts.append(f"{heading}\n{text}")
    texts.extend(_asgi_sections(args, results))
    return texts


def _asgi_sections(args: argparse.Namespace, results: dict[str, Any]) -> list[str]:
    """The ASGI sections: in process, end to end, and (optional) instruction counts."""
    texts: list[str] = []
    if "asgi" in args.sections:
        text, results["asgi"] = asgi.run_in_process(
            args.asgi_frameworks, args.asgi_scenarios, args.rounds, args.duration
        )
        texts.append(text)
    if "asgi-e2e" in args.sections:
        settings = e2e.Settings(args.e2e_duration, args.e2e_connections, args.e2e_rounds)
        text, results["asgi_e2e"] = asgi.run_e2e(
            args.asgi_frameworks, args.asgi_e2e_scenarios, args.asgi_e2e_servers, settings
        )
        texts.append(text)
    if "asgi-instructions" in args.sections:
        text, results["asgi_instructions"] = instructions.run(
            args.asgi_frameworks, args.asgi_scenarios, kind="asgi"
        )
        heading = (
            f"ASGI instructions per request (valgrind callgrind, {instructions.REQUESTS} requests)"
        )
        texts.append(f"{heading}\n{text}")
    return texts


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sections, print their tables and write the JSON file."""
    args = parse_args(argv)
    started = time.perf_counter()
    results: dict[str, Any] = {
        **report.environment(),
        "settings": {
            "rounds": args.rounds,
            "duration": args.duration,
            "import_runs": args.import_runs,
            "quick": args.quick,
            "timer": "time.process_time",
        },
    }
    texts = _sections(args, results)
    results["elapsed_seconds"] = round(time.perf_counter() - started, 1)
    versions = ", ".join(
        f"{name} {version}" for name, version in results["versions"].items() if version
    )
    print(f"\nPython {results['python']} ({results['implementation']}); {versions}\n")
    print("\n\n".join(texts))
    if args.json:
        report.write_json(args.json, results)
        print(f"\nresults written to {os.path.relpath(args.json)}")
    return 0
