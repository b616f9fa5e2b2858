"""SQLite through the standard library: one connection per app context.

The connection is opened the first time a view asks for it, kept on ``g``
for the rest of the request, and closed by ``teardown_appcontext`` even when
the view raised.
"""

from __future__ import annotations

import os
import sqlite3
import typing as t
from datetime import datetime, timezone

import click

from kolba import current_app, g

if t.TYPE_CHECKING:
    from kolba import Kolba


def get_db() -> sqlite3.Connection:
    """Return this app context's connection, opening it on first use."""
    if "db" not in g:
        conn = sqlite3.connect(current_app.config["DATABASE"])
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        g.db = conn
    return t.cast(sqlite3.Connection, g.db)


def close_db(exc: BaseException | None = None) -> None:
    """Close the context's connection, if one was opened."""
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def init_db() -> None:
    """Drop and recreate every table from ``schema.sql``."""
    db = get_db()
    with current_app.open_resource("schema.sql", "r", encoding="utf-8") as f:
        db.executescript(f.read())
    db.commit()


def database_exists() -> bool:
    """Tell whether the schema was created, so ``run.py`` knows to init."""
    path = current_app.config["DATABASE"]
    if not os.path.exists(path):
        return False
    row = get_db().execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'note'"
    ).fetchone()
    return row is not None


def utcnow() -> str:
    """The current time as the ISO 8601 text stored in ``created_at``."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def init_app(app: Kolba) -> None:
    """Wire the connection's lifetime and the ``init-db`` command into ``app``."""
    app.teardown_appcontext(close_db)

    @app.cli.command("init-db")
    def init_db_command() -> None:
        """Clear the existing data and create new tables."""
        init_db()
        click.echo(f"Initialized the database at {current_app.config['DATABASE']}.")
