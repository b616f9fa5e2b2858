"""SQLite through the standard library: one connection per app context.

The connection is opened the first time a view asks for it, kept on ``g``
for the rest of the request, and closed by ``teardown_appcontext`` even when
the view raised.

Writers do not fail under load ("database is locked" was a 500 once many
clients wrote at once): the database is in WAL mode (set by ``init-db``),
so readers and a committing writer do not block each other; each write
transaction begins with ``BEGIN IMMEDIATE`` (the connection's
``isolation_level``), since a deferred one takes a read lock first and can
deadlock with another writer, which SQLite answers at once without
waiting; and a writer waits up to 30 s for its turn (the default 5 s ran
out under load; 30 s is also a gunicorn worker's timeout).

Row ids in URLs use the ``id`` converter: SQLite integers stop at 2**63 - 1,
and a larger number handed to ``sqlite3`` raises ``OverflowError`` (a 500),
so the converter makes such URLs match no route (a 404) instead.
"""

from __future__ import annotations

import os
import sqlite3
import typing as t
from datetime import datetime, timezone

import click
from werkzeug.routing import IntegerConverter

from kolba import current_app, g

if t.TYPE_CHECKING:
    from kolba import Kolba

#: The ``PRAGMA user_version`` that ``schema.sql`` sets.
SCHEMA_VERSION = 2
#: The largest value an SQLite INTEGER (a row id) can hold.
MAX_ROW_ID = 2**63 - 1


class RowIdConverter(IntegerConverter):
    """``<id:name>``: a positive integer that fits an SQLite row id."""

    def __init__(self, map: t.Any) -> None:
        super().__init__(map, min=1, max=MAX_ROW_ID)


def get_db() -> sqlite3.Connection:
    """Return this app context's connection, opening it on first use."""
    if "db" not in g:
        conn = sqlite3.connect(
            current_app.config["DATABASE"], isolation_level="IMMEDIATE", timeout=30.0
        )
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
    db.execute("PRAGMA journal_mode = WAL")  # kept in the file: set once, here
    with current_app.open_resource("schema.sql", "r", encoding="utf-8") as f:
        db.executescript(f.read())
    db.commit()


def schema_is_current() -> bool:
    """Whether the database exists with this version's schema, so ``run.py`` knows to init."""
    if not os.path.exists(current_app.config["DATABASE"]):
        return False
    (version,) = get_db().execute("PRAGMA user_version").fetchone()
    return bool(version == SCHEMA_VERSION)


def utcnow() -> str:
    """The current time as the ISO 8601 text stored in ``created_at``."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def init_app(app: Kolba) -> None:
    """Wire the connection's lifetime, the ``id`` converter and ``init-db`` into ``app``.

    Call it before registering blueprints: their rules use the converter.
    """
    app.url_map.converters["id"] = RowIdConverter
    app.teardown_appcontext(close_db)

    @app.cli.command("init-db")
    def init_db_command() -> None:
        """Clear the existing data and create new tables."""
        init_db()
        click.echo(f"Initialized the database at {current_app.config['DATABASE']}.")
