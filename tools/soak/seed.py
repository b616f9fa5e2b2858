"""A fresh showcase database with the load's users, each with an API token.

Seeding runs in a child process with the server's environment, through the
showcase's own code (``init_db``, ``hash_password``, ``create_token``), so
the rows are exactly what registration and the dashboard would write. Every
user shares one password hash: hashing is deliberately slow (scrypt), and
the load measures serving, not sign-ups.
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from dataclasses import dataclass

from tests.e2e._servers import SHOWCASE_DIR

PASSWORD = "correct horse battery staple"
SEED_TIMEOUT = 60.0

_SEED_CODE = """
import json, sys
from showcase import create_app
from showcase.db import get_db, init_db, utcnow
from showcase.passwords import hash_password
from showcase.tokens import create_token

names, password = json.loads(sys.argv[1]), sys.argv[2]
app = create_app()
with app.app_context():
    init_db()
    db = get_db()
    hashed = hash_password(password)
    seeded = []
    for name in names:
        cursor = db.execute(
            "INSERT INTO user (username, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
            (name, name + "@example.com", hashed, utcnow()),
        )
        db.commit()
        seeded.append([name, cursor.lastrowid, create_token(cursor.lastrowid, "soak")])
print(json.dumps(seeded))
"""


@dataclass(frozen=True)
class User:
    """A seeded account: what a load client logs in or authenticates with."""

    name: str
    id: int
    token: str


def seed(env: t.Mapping[str, str], count: int) -> list[User]:
    """Recreate the schema and add ``count`` users (``soak00``, ``soak01``, ...)."""
    names = [f"soak{index:02d}" for index in range(count)]
    done = subprocess.run(
        [sys.executable, "-c", _SEED_CODE, json.dumps(names), PASSWORD],
        cwd=SHOWCASE_DIR, env=dict(env), check=True, timeout=SEED_TIMEOUT,
        capture_output=True, text=True,
    )
    return [User(name, user_id, token) for name, user_id, token in json.loads(done.stdout)]
