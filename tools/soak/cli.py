"""Command-line handling for ``python -m tools.soak`` (and ``make soak``)."""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import sys
import typing as t

from . import bodies, slowloris
from .report import as_json, markdown
from .run import Result, Settings, soak
from .servers import SERVERS, SERVERS_BY_NAME


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.soak", description=__doc__)
    parser.add_argument("--servers", default=",".join(s.name for s in SERVERS if s.by_default),
                        help="comma-separated, from: " + ", ".join(SERVERS_BY_NAME))
    parser.add_argument("--seconds", type=float, default=30.0, help="load per server")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (accounts)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server")
    parser.add_argument("--seed", type=int, default=1, help="seeds each client's choices")
    parser.add_argument("--json", metavar="PATH", help="also write every figure here")
    return parser


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the soak; print the report; 1 if any server missed a target.

    ``python -m tools.soak slowloris ...`` and ``python -m tools.soak bodies ...`` run
    the slow-client and the large-body measurements instead.
    """
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["slowloris"]:
        return slowloris.main(given[1:])
    if given[:1] == ["bodies"]:
        return bodies.main(given[1:])
    args = _parser().parse_args(given)
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    unknown = [name for name in names if name not in SERVERS_BY_NAME]
    if unknown:
        print(f"unknown servers: {', '.join(unknown)}", file=sys.stderr)
        return 2
    settings = Settings(
        seconds=args.seconds, clients=args.clients, workers=args.workers, seed=args.seed,
        first_sample=min(10.0, args.seconds / 3), judge_drift=args.seconds >= 20,
    )
    results: list[Result] = []
    for server in (s for s in SERVERS if s.name in names):
        module = server.arguments[0]
        if importlib.util.find_spec(module) is None:
            print(f"{server.name}: skipped, {module} is not installed", file=sys.stderr)
            continue
        print(f"{server.name}: {args.seconds:g} s of load ...", file=sys.stderr, flush=True)
        results.append(soak(server, settings))
    command = "python -m tools.soak " + shlex.join(given)
    print(markdown(results, command.strip()))
    for result in results:
        if result.failures() and result.first_traceback:
            print(f"\n{result.server.name}: the server log from its first traceback on:\n")
            print(result.first_traceback)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(as_json(results, command.strip()), out, indent=2)
    return 1 if any(result.failures() for result in results) else 0
