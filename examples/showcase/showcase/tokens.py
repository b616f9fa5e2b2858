"""API tokens: how scripts call the JSON API without a browser session.

A token is 32 random bytes behind a ``sct_`` prefix (which lets secret
scanners recognise a leaked one). It is shown once, when created, and only
its SHA-256 digest is stored. A fast hash is enough here, unlike for
passwords: nobody can guess 256 random bits, however fast each guess is, and
a plain digest can be looked up with an index. Clients send it as
``Authorization: Bearer sct_...``.

Users create and revoke tokens on the dashboard; ``kolba --app showcase
create-token USERNAME`` creates one from the command line.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import typing as t

import click

from .db import get_db, utcnow

if t.TYPE_CHECKING:
    from kolba import Kolba

PREFIX = "sct_"
MAX_NAME_LENGTH = 50
#: Longer values cannot be tokens; they are refused before hashing.
MAX_TOKEN_LENGTH = 100


def digest(token: str) -> str:
    """What the database stores for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user_id: int, name: str) -> str:
    """Store a new token for the user and return it; it cannot be shown again."""
    token = PREFIX + secrets.token_urlsafe(32)
    db = get_db()
    db.execute(
        "INSERT INTO api_token (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
        (user_id, name, digest(token), utcnow()),
    )
    db.commit()
    return token


def user_for_token(token: str) -> sqlite3.Row | None:
    """The user a token belongs to, or None for an unknown or revoked one."""
    if not token.startswith(PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = get_db().execute(
        "SELECT user.* FROM api_token JOIN user ON user.id = api_token.user_id"
        " WHERE api_token.token_hash = ?",
        (digest(token),),
    ).fetchone()
    return t.cast("sqlite3.Row | None", row)


def list_tokens(user_id: int) -> list[sqlite3.Row]:
    """The user's tokens (names and dates; the tokens themselves are not kept)."""
    return get_db().execute(
        "SELECT id, name, created_at FROM api_token WHERE user_id = ? ORDER BY id", (user_id,)
    ).fetchall()


def revoke_token(user_id: int, token_id: int) -> bool:
    """Delete one of the user's tokens; False if the user has no such token."""
    db = get_db()
    cursor = db.execute(
        "DELETE FROM api_token WHERE id = ? AND user_id = ?", (token_id, user_id)
    )
    db.commit()
    return cursor.rowcount == 1


def validate_name(name: str) -> str | None:
    """An error message for a token name, or None if it is acceptable."""
    if not name:
        return "Give the token a name, such as the machine that will use it."
    if len(name) > MAX_NAME_LENGTH:
        return f"Name must be at most {MAX_NAME_LENGTH} characters."
    return None


def init_app(app: Kolba) -> None:
    """Add the ``create-token`` command."""

    @app.cli.command("create-token")
    @click.argument("username")
    @click.option("--name", default="cli", show_default=True, help="What the token is for.")
    def create_token_command(username: str, name: str) -> None:
        """Create an API token for USERNAME and print it (shown only this once)."""
        problem = validate_name(name)
        if problem is not None:
            raise click.BadParameter(problem, param_hint="--name")
        user = get_db().execute("SELECT id FROM user WHERE username = ?", (username,)).fetchone()
        if user is None:
            raise click.ClickException(f"No user named {username!r}.")
        click.echo(f"API token {name!r} for {username} (store it now, it is not shown again):")
        click.echo(create_token(user["id"], name))
