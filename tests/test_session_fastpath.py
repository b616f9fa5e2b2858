"""The session cookie's verification and payload fast path gives itsdangerous's answers.

Kolba checks a first-seen cookie and decodes its payload itself; the
reference here is a plain itsdangerous serializer with the same settings
(Flask's salt, HMAC key derivation, SHA-1, the tagged JSON serializer).
Every cookie, valid, tampered, expired or junk, must load to the same
value or fail with the same error class.
"""

from __future__ import annotations

import hashlib
import time
import typing as t

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import BadData, URLSafeTimedSerializer

import kolba
from kolba.json.tag import TaggedJSONSerializer

pytestmark = pytest.mark.kolba_only

KEYS = ["old key", "current key"]
#: With fallback keys itsdangerous tries each signer; with one, Kolba asks it directly.
KEY_SETS = st.sampled_from([KEYS, KEYS[-1:]])


def _reference(keys: list[str]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        keys, salt="cookie-session", serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )


def _kolba(keys: list[str]) -> t.Any:
    app = kolba.Kolba(__name__)
    app.config.update(SECRET_KEY=keys[-1], SECRET_KEY_FALLBACKS=keys[:-1])
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    return serializer


def _outcome(serializer: t.Any, cookie: str, max_age: int | None) -> tuple[str, t.Any]:
    try:
        return "ok", serializer.loads(cookie, max_age=max_age)
    except BadData as error:
        return "error", type(error)


session_values = st.dictionaries(
    st.text(max_size=6),
    st.one_of(
        st.integers(), st.text(max_size=40), st.binary(max_size=8), st.booleans(), st.none(),
        st.tuples(st.integers()), st.just("x" * 300),  # long repetition: a compressed payload
    ),
    max_size=4,
)
edits = st.lists(
    st.tuples(st.sampled_from(["replace", "insert", "delete"]), st.integers(0, 400),
              st.sampled_from(list("aAz09-_.=+/ %é\x00"))),
    max_size=3,
)


def _edited(cookie: str, changes: list[tuple[str, int, str]]) -> str:
    for kind, where, char in changes:
        where = where % (len(cookie) + 1)
        if kind == "insert":
            cookie = cookie[:where] + char + cookie[where:]
        elif cookie:
            where = min(where, len(cookie) - 1)
            cookie = cookie[:where] + (char if kind == "replace" else "") + cookie[where + 1 :]
    return cookie


@settings(max_examples=400, deadline=None)
@given(value=session_values, changes=edits, signer=st.sampled_from(KEYS + ["stranger"]),
       # -1: always expired (0 would straddle a second boundary between the two loads)
       max_age=st.sampled_from([None, 3600, -1]), keys=KEY_SETS)
def test_cookie_loading_matches_itsdangerous(
    value: dict[str, t.Any], changes: list[tuple[str, int, str]], signer: str,
    max_age: int | None, keys: list[str],
) -> None:
    cookie = _edited(_reference([signer]).dumps(value), changes)
    # Twice for Kolba: once checked, once (if valid) from the verified cache.
    expected = _outcome(_reference(keys), cookie, max_age)
    ours = _kolba(keys)
    assert _outcome(ours, cookie, max_age) == expected
    assert _outcome(ours, cookie, max_age) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAzZ09-_.=+/é\x00 ")), max_size=60), KEY_SETS)
def test_junk_cookies_fail_as_in_itsdangerous(cookie: str, keys: list[str]) -> None:
    assert _outcome(_kolba(keys), cookie, None) == _outcome(_reference(keys), cookie, None)


@pytest.mark.parametrize("keys", [KEYS, KEYS[-1:]])
@pytest.mark.parametrize("age", [-10, 0, 99, 100, 101])
def test_age_limits_match_itsdangerous(
    monkeypatch: pytest.MonkeyPatch, age: int, keys: list[str]
) -> None:
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    cookie = _reference(keys).dumps({"user": "alice"})
    monkeypatch.setattr(time, "time", lambda: now + age)
    expected = _outcome(_reference(keys), cookie, 100)
    assert _outcome(_kolba(keys), cookie, 100) == expected


def test_a_first_seen_cookie_skips_itsdangerous_verification() -> None:
    """The fast path is taken: no itsdangerous unsign or base64 helper runs."""
    from tests._calls import assert_not_called, calls_made

    ours = _kolba(KEYS)
    cookie = _reference(KEYS).dumps({"user": "alice", "visit": 7})
    value, called = calls_made(lambda: ours.loads(cookie, max_age=3600))
    assert value == {"user": "alice", "visit": 7}
    assert_not_called(
        called, "itsdangerous.signer.Signer.unsign", "itsdangerous.encoding.base64_decode"
    )


def test_one_key_skips_itsdangerous_signer_loop() -> None:
    from tests._calls import assert_not_called, calls_made

    ours = _kolba(KEYS[-1:])
    cookie = _reference(KEYS[-1:]).dumps({"user": "alice"})
    value, called = calls_made(lambda: ours.loads(cookie, max_age=3600))
    assert value == {"user": "alice"}
    assert_not_called(called, "itsdangerous.timed.TimedSerializer.loads")


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=150), st.binary(max_size=300))
def test_hmac_sha1_matches_the_standard_library(key: bytes, message: bytes) -> None:
    """Keys shorter, equal to and longer than SHA-1's 64-byte block, asked twice (remembered)."""
    import hmac

    from kolba.sessions import hmac_sha1

    expected = hmac.digest(key, message, "sha1")
    assert hmac_sha1(key, message) == expected
    assert hmac_sha1(key, message) == expected


def test_hmac_sha1_keys_around_the_block_size() -> None:
    import hmac

    from kolba.sessions import hmac_sha1

    for size in (0, 1, 20, 63, 64, 65, 128, 1000):
        key = bytes(range(256))[:size] * (1 + size // 256)
        key = key[:size]
        assert hmac_sha1(key, b"value.stamp") == hmac.digest(key, b"value.stamp", "sha1"), size
