"""Serve the showcase with the development server: ``python run.py``.

Creates the app through the factory, creates the database schema when it is
missing (or always, with ``--fresh``), then calls ``app.run``. It needs
nothing from the ``kolba`` command, so it works from any directory.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from showcase import create_app  # noqa: E402
from showcase.db import database_exists, init_db  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the few options the script takes."""
    parser = argparse.ArgumentParser(description="Run the Kolba showcase app.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--config", default=None, help="development, testing or production")
    parser.add_argument("--fresh", action="store_true", help="recreate the database first")
    parser.add_argument("--debug", action="store_true", help="debugger and reloader")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Prepare the database, then serve until interrupted."""
    args = parse_args(argv)
    app = create_app(args.config)
    # With --debug the reloader runs this script again in a child process;
    # only the first run may touch the database, or every reload would wipe it.
    if os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        with app.app_context():
            if args.fresh or not database_exists():
                init_db()
                print(f" * Initialized the database at {app.config['DATABASE']}")
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
