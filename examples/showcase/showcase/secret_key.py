"""The secret key check: the app refuses to start with a key others could know.

A session cookie is only as trustworthy as the key that signs it: with a
known or guessable key anyone can write ``{"user_id": 1}`` into a cookie and
be that user. So, outside debug mode and the tests, ``create_app`` refuses a
missing key, the published testing key, and any key that cannot hold 32
random bytes.

No check can tell random text from chosen text. This one estimates how many
random bits a key's length and alphabet could carry, which catches the usual
mistakes: a placeholder, a sentence, a short token, a repeated character.
"""

from __future__ import annotations

import secrets
import string
import typing as t

from .config import TESTING_SECRET_KEY

if t.TYPE_CHECKING:
    from kolba import Kolba

#: 32 random bytes, what ``secrets.token_hex(32)`` or ``token_urlsafe(32)`` give.
MIN_BITS = 256
#: A random key of that size uses many different symbols; "aaaa..." does not.
MIN_DISTINCT_SYMBOLS = 10
GENERATE = "python -c 'import secrets; print(secrets.token_hex(32))'"

_HEX = frozenset(string.hexdigits.encode())
_BASE64 = frozenset((string.ascii_letters + string.digits + "+/-_=").encode())
_TEXT = frozenset(string.printable.encode())
#: Bits each symbol can carry: hex and base64 come from generators; other
#: text is assumed typed by a person (English carries 1 to 2 bits a letter).
_BITS_PER_SYMBOL = ((_HEX, 4.0), (_BASE64, 6.0), (_TEXT, 2.0))


def estimated_bits(key: str | bytes) -> float:
    """At most how many random bits ``key`` holds, judged by its length and alphabet."""
    data = key.encode("utf-8") if isinstance(key, str) else key
    symbols = set(data)
    if len(symbols) < MIN_DISTINCT_SYMBOLS:
        return 0.0
    for alphabet, bits in _BITS_PER_SYMBOL:
        if symbols <= alphabet:
            return len(data) * bits
    if isinstance(key, str):
        return len(key) * 2.0  # non-ASCII text: still typed by a person
    return len(data) * 8.0  # raw bytes, e.g. secrets.token_bytes(32)


def key_problem(key: object) -> str | None:
    """Why ``key`` cannot sign production sessions, or None if it can."""
    if key is None or key == "" or key == b"":
        return "SHOWCASE_SECRET_KEY is not set."
    if not isinstance(key, (str, bytes)):
        return f"SECRET_KEY must be text or bytes, not {type(key).__name__}."
    bits = estimated_bits(key)
    if bits < MIN_BITS:
        return f"The secret key is too weak (about {bits:.0f} random bits; {MIN_BITS} needed)."
    return None


def check_secret_key(app: Kolba) -> None:
    """Refuse to build an app whose sessions could be forged.

    Debug mode without a key gets a random one: sessions then last as long
    as the process, which is all local work needs.
    """
    key = app.config.get("SECRET_KEY")
    if key == TESTING_SECRET_KEY and not app.testing:
        raise RuntimeError(
            "SECRET_KEY is the testing key, which is published in config.py and"
            f" only accepted with TESTING on. Generate a key with: {GENERATE}"
        )
    if app.testing:
        return
    if app.debug:
        if not key:
            app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    problem = key_problem(key)
    if problem is not None:
        raise RuntimeError(
            f"{problem} A production app needs a SECRET_KEY of at least 32 random"
            f" bytes: set SHOWCASE_SECRET_KEY to the output of {GENERATE}"
            " (or set SHOWCASE_CONFIG=development for local work)."
        )
