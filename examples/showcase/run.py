"""Serve the showcase with the development server: ``python run.py``.

Builds the app through the factory with the **development** config unless
``--config`` says otherwise (``create_app()`` alone would build production,
which needs a real secret key), creates the database when it is missing or
has an older schema (or always, with ``--fresh``), then calls ``app.run``.
It needs nothing from the ``kolba`` command, so it works from any directory.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from showcase import create_app  # noqa: E402
from showcase.db import init_db, schema_is_current  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the few options the script takes."""
    parser = argparse.ArgumentParser(description="Run the Kolba showcase app.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument(
        "--config", default="development", help="development (default), testing or production"
    )
    parser.add_argument("--fresh", action="store_true", help="recreate the database first")
    parser.add_argument("--debug", action="store_true", help="debugger and reloader")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Prepare the database, then serve until interrupted."""
    args = parse_args(argv)
    if args.config == "development":
        # One random key for this run, inherited by the reloader's child
        # processes, so a code change does not log everyone out.
        os.environ.setdefault("SHOWCASE_SECRET_KEY", secrets.token_hex(32))
    try:
        app = create_app(args.config)
    except (RuntimeError, ValueError) as e:
        sys.exit(f"Cannot start the showcase: {e}")
    # With --debug the reloader runs this script again in a child process;
    # only the first run may touch the database, or every reload would wipe it.
    if os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        with app.app_context():
            if args.fresh or not schema_is_current():
                init_db()
                print(f" * Initialized the database at {app.config['DATABASE']}")
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
