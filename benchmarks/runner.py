"""Command line: verify, measure, print the tables and write the JSON results."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from benchmarks import frameworks, importtime, measure, memory, report, routing_scale, scenarios

DEFAULT_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "latest.json")
SECTIONS = ("requests", "import", "memory", "routing")


def _names(known: Sequence[str], what: str) -> Any:
    """Build an argparse type that accepts a comma list drawn from ``known``."""

    def parse(text: str) -> list[str]:
        chosen = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in chosen if name not in known]
        if unknown or not chosen:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(unknown) or '(none given)'}; choose from {', '.join(known)}"
            )
        return [name for name in known if name in chosen]

    return parse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line; ``--quick`` shrinks every setting for a CI smoke run."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="In-process WSGI benchmarks: Kolba against a bare WSGI floor, Flask, Falcon and Bottle.",
    )
    scenario_names = [scenario.name for scenario in scenarios.SCENARIOS]
    framework_names = [framework.name for framework in frameworks.FRAMEWORKS]
    parser.add_argument("--scenarios", type=_names(scenario_names, "scenario"), default=scenario_names,
                        help=f"comma list (default all: {','.join(scenario_names)})")
    parser.add_argument("--frameworks", type=_names(framework_names, "framework"), default=framework_names,
                        help=f"comma list (default all: {','.join(framework_names)})")
    parser.add_argument("--sections", type=_names(SECTIONS, "section"), default=list(SECTIONS),
                        help=f"comma list (default all: {','.join(SECTIONS)})")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds per cell (default 5)")
    parser.add_argument("--duration", type=float, default=None,
                        help="CPU seconds per cell per round (default 0.3)")
    parser.add_argument("--import-runs", type=int, default=None, help="fresh interpreters per import timing (default 5)")
    parser.add_argument("--json", metavar="PATH", default=None,
                        help=f"results file (default {os.path.relpath(DEFAULT_JSON)}, written only by a full, non-quick run)")
    parser.add_argument("--quick", action="store_true", help="tiny durations: proves the suite runs, not how fast")
    args = parser.parse_args(argv)
    quick = args.quick
    args.rounds = args.rounds or (1 if quick else 5)
    args.duration = args.duration or (0.01 if quick else 0.3)
    args.import_runs = args.import_runs or (1 if quick else 5)
    full = not quick and len(args.sections) == len(SECTIONS) and len(args.scenarios) == len(scenario_names) \
        and len(args.frameworks) == len(framework_names)
    args.json = args.json or (DEFAULT_JSON if full else None)
    return args


def _requests(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """Verify and time the scenario grid."""
    chosen_frameworks = [frameworks.BY_NAME[name] for name in args.frameworks]
    chosen_scenarios = [scenarios.BY_NAME[name] for name in args.scenarios]
    print("requests: verifying", file=sys.stderr, flush=True)
    grid = measure.verify(chosen_frameworks, chosen_scenarios)
    print(f"requests: timing {args.rounds} rounds of {args.duration} s per cell", file=sys.stderr, flush=True)
    measure.measure(grid, args.scenarios, args.frameworks, args.rounds, args.duration)
    title = f"requests per CPU-second, in-process (median of {args.rounds} rounds x {args.duration} s)"
    text = "\n".join(
        [title, report.table(grid, args.scenarios, args.frameworks),
         *report.failures(grid, args.scenarios, args.frameworks)]
    )
    return text, report.grid_json(grid, args.scenarios, args.frameworks)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sections, print their tables, write JSON; 0 unless nothing ran."""
    args = parse_args(argv)
    started = time.perf_counter()
    results: dict[str, Any] = {
        **report.environment(),
        "settings": {"rounds": args.rounds, "duration": args.duration, "import_runs": args.import_runs,
                     "quick": args.quick, "timer": "time.process_time"},
    }
    texts: list[str] = []
    if "requests" in args.sections:
        text, results["requests"] = _requests(args)
        texts.append(text)
    if "routing" in args.sections and set(routing_scale.FRAMEWORKS) & set(args.frameworks):
        text, results["routing_scale"] = routing_scale.run(args.frameworks, args.rounds, args.duration)
        texts.append(f"routing scale: requests per CPU-second to the last route\n{text}")
    if "import" in args.sections:
        text, results["import_time"] = importtime.run(args.frameworks, args.import_runs)
        texts.append(f"import time of framework + hello app (min of {args.import_runs} fresh interpreters)\n{text}")
    if "memory" in args.sections:
        text, results["memory"] = memory.run(args.frameworks)
        texts.append(f"resident memory after 1000 requests (fresh interpreter)\n{text}")
    results["elapsed_seconds"] = round(time.perf_counter() - started, 1)
    versions = ", ".join(f"{name} {version}" for name, version in results["versions"].items() if version)
    print(f"\nPython {results['python']} ({results['implementation']}); {versions}\n")
    print("\n\n".join(texts))
    if args.json:
        report.write_json(args.json, results)
        print(f"\nresults written to {os.path.relpath(args.json)}")
    return 0
