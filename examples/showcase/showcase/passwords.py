"""Password hashing, with the same cost whether or not the user exists.

Checking a password against a salted hash is deliberately slow (tens of
milliseconds). If a login for an unknown username skipped that work, it
would answer measurably faster, and anyone could tell which usernames
exist. So an unknown user's password is checked against a dummy hash made
with the same method and parameters, and both paths take the same time.
"""

from __future__ import annotations

import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from kolba import current_app

_DUMMY_HASH_KEY = "showcase.dummy_password_hash"


def hash_password(password: str) -> str:
    """A salted hash of ``password``, with the configured method."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; no hash (no user) never matches.

    Without a hash the password is still checked, against the dummy one,
    so the answer takes as long as for a real user.
    """
    if stored_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(stored_hash, password)


def _dummy_hash() -> str:
    """A hash of a random password, made once per app with the configured method."""
    extensions = current_app.extensions
    if _DUMMY_HASH_KEY not in extensions:
        extensions[_DUMMY_HASH_KEY] = hash_password(secrets.token_urlsafe())
    return str(extensions[_DUMMY_HASH_KEY])
