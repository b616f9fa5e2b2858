"""Sessions: the pluggable interface and the default signed-cookie backend.

The default backend keeps the whole session in a cookie signed with
:mod:`itsdangerous`; the data is readable by the client but cannot be forged
without the secret key.  Salt, digest, key derivation and payload format are
Flask's, so a cookie written by a Flask app opens in a Kolba app sharing its
secret key, and the other way round.

This module is imported the first time a request touches the session, so the
cost of :mod:`itsdangerous` is paid only by applications that use sessions.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import re
import typing as t
from collections.abc import Mapping, MutableMapping
from datetime import datetime, timedelta, timezone

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes
from itsdangerous.signer import Signer, SigningAlgorithm
from werkzeug.datastructures import CallbackDict

from .json.tag import TaggedJSONSerializer

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Kolba
    from .wrappers import Request, Response

__all__ = [
    "NullSession",
    "SecureCookieSession",
    "SecureCookieSessionInterface",
    "SessionInterface",
    "SessionMixin",
    "session_json_serializer",
]

_NO_SECRET_KEY = (
    "The session is unavailable because no secret key was set.  Set the"
    " secret_key on the application to something unique and secret."
)


class SessionMixin(MutableMapping[str, t.Any]):
    """The attributes every session object offers on top of a mapping."""

    #: Whether the session was just created; the cookie backend cannot tell
    #: an empty session from a new one, so the default is always ``False``.
    new = False

    #: Whether the data changed.  Backends that cannot track changes leave it
    #: ``True`` so the session is always saved.
    modified = True

    #: Whether the request read or wrote the session; the request context sets
    #: it on every access through :data:`kolba.session`.  When true the
    #: response gets ``Vary: Cookie`` so shared caches keep users apart.
    accessed = False

    @property
    def permanent(self) -> bool:
        """Whether the session outlives the browser; stored under ``_permanent``."""
        return bool(self.get("_permanent", False))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)


def _note_update(session: SecureCookieSession) -> None:
    """Record a change so the cookie gets rewritten."""
    session.modified = True
    session.accessed = True


class SecureCookieSession(CallbackDict[str, t.Any], SessionMixin):
    """A dict that notices its own changes and reads.

    Only the top level is watched: after mutating a nested list or dict in
    place, set :attr:`modified` by hand.
    """

    modified = False

    def __init__(self, initial: Mapping[str, t.Any] | None = None) -> None:
        """Fill the session from ``initial`` without counting it as a change."""
        super().__init__(initial, _note_update)

    def __getitem__(self, key: str) -> t.Any:
        """Read a value, recording the access for ``Vary: Cookie``."""
        self.accessed = True
        return super().__getitem__(key)

    def get(self, key: str, default: t.Any = None) -> t.Any:
        """Read a value or ``default``, recording the access."""
        self.accessed = True
        return super().get(key, default)

    # ``setdefault`` needs no override: Werkzeug's tests for the key with
    # ``in``, which records the access (pinned by the session tests).

    def __contains__(self, key: object) -> bool:
        """Test for a key; the answer depends on the cookie, so it is an access."""
        self.accessed = True
        return super().__contains__(key)


class NullSession(SecureCookieSession):
    """The stand-in session used when sessions cannot work (no secret key).

    Reading gives an empty session; any write raises a :exc:`RuntimeError`
    that says how to fix the configuration.
    """

    def _refuse(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        """Explain why the session cannot be changed."""
        raise RuntimeError(_NO_SECRET_KEY)

    __setitem__ = __delitem__ = clear = pop = popitem = _refuse
    update = setdefault = __ior__ = _refuse


class SessionInterface:
    """The contract between the app and a session backend.

    Subclasses implement :meth:`open_session` and :meth:`save_session`; the
    cookie helpers read the app's configuration and can be overridden one by
    one.  Install a backend with ``app.session_interface = MyInterface()``.
    Requests sharing a session may run concurrently, in any order.
    """

    #: The class :meth:`make_null_session` builds and :meth:`is_null_session`
    #: recognises.
    null_session_class: type[NullSession] = NullSession

    #: Whether the backend pickles data; extensions may check it.
    pickle_based = False

    def make_null_session(self, app: Kolba) -> NullSession:
        """Build the read-only session used when :meth:`open_session` gives None."""
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Tell whether ``obj`` is a null session, which is never saved."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Kolba) -> str:
        """The cookie name, from ``SESSION_COOKIE_NAME``."""
        return t.cast(str, app.config["SESSION_COOKIE_NAME"])

    def get_cookie_domain(self, app: Kolba) -> str | None:
        """The cookie ``Domain``, from ``SESSION_COOKIE_DOMAIN`` (None: host only)."""
        return t.cast("str | None", app.config["SESSION_COOKIE_DOMAIN"])

    def get_cookie_path(self, app: Kolba) -> str:
        """The cookie ``Path``: ``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``."""
        config = app.config
        return t.cast(str, config["SESSION_COOKIE_PATH"] or config["APPLICATION_ROOT"])

    def get_cookie_httponly(self, app: Kolba) -> bool:
        """Whether scripts are barred from the cookie (``SESSION_COOKIE_HTTPONLY``)."""
        return t.cast(bool, app.config["SESSION_COOKIE_HTTPONLY"])

    def get_cookie_secure(self, app: Kolba) -> bool:
        """Whether the cookie is HTTPS-only (``SESSION_COOKIE_SECURE``)."""
        return t.cast(bool, app.config["SESSION_COOKIE_SECURE"])

    def get_cookie_samesite(self, app: Kolba) -> str | None:
        """The cookie ``SameSite`` value (``SESSION_COOKIE_SAMESITE``)."""
        return t.cast("str | None", app.config["SESSION_COOKIE_SAMESITE"])

    def get_cookie_partitioned(self, app: Kolba) -> bool:
        """Whether the cookie is partitioned (CHIPS), from ``SESSION_COOKIE_PARTITIONED``."""
        return t.cast(bool, app.config["SESSION_COOKIE_PARTITIONED"])

    def get_expiration_time(self, app: Kolba, session: SessionMixin) -> datetime | None:
        """When a permanent session's cookie expires; None ends it with the browser."""
        lifetime: timedelta | None = app.permanent_session_lifetime
        if lifetime is None or not session.permanent:
            return None
        return datetime.now(timezone.utc) + lifetime

    def should_set_cookie(self, app: Kolba, session: SessionMixin) -> bool:
        """Whether to send the cookie: on change, or always when refreshing.

        ``SESSION_REFRESH_EACH_REQUEST`` makes permanent sessions slide their
        expiry forward on every response.
        """
        if session.modified:
            return True
        return bool(session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"])

    def open_session(self, app: Kolba, request: Request) -> SessionMixin | None:
        """Load the session for ``request``; None falls back to a null session."""
        raise NotImplementedError()

    def save_session(self, app: Kolba, session: SessionMixin, response: Response) -> None:
        """Persist ``session`` onto ``response``; skipped for null sessions."""
        raise NotImplementedError()


#: The tagged JSON serializer shared by cookie sessions.
session_json_serializer = TaggedJSONSerializer()


def _sha1(data: bytes = b"") -> t.Any:
    """Build a SHA-1 hash only when signing, so FIPS builds can still import us."""
    return hashlib.sha1(data)


class _PreparedSHA1(SigningAlgorithm):
    """HMAC-SHA1 by :func:`hmac_sha1`, from hash states prepared once per key.

    perf: given a digest constructor that is a Python function (as ``_sha1``
    is), :func:`hmac.new` falls back to its pure-Python HMAC, which builds
    and pads two hash objects in Python on every signature.  The bytes are
    the same; verifying compares them in constant time (itsdangerous's
    ``SigningAlgorithm.verify_signature``).
    """

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac_sha1(key, value)


#: HMAC's two keyed SHA-1 states per signing key, each with its padded key
#: already hashed in (RFC 2104).  A signing key is long-lived; bounded.
_sha1_pads: dict[bytes, tuple[t.Any, t.Any]] = {}

_SHA1_BLOCK = 64
_INNER_PAD = bytes(x ^ 0x36 for x in range(256))
_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))


def _pads_for(key: bytes) -> tuple[t.Any, t.Any]:
    short = hashlib.sha1(key).digest() if len(key) > _SHA1_BLOCK else key
    block = short.ljust(_SHA1_BLOCK, b"\0")
    pads = (hashlib.sha1(block.translate(_INNER_PAD)), hashlib.sha1(block.translate(_OUTER_PAD)))
    if len(_sha1_pads) >= 64:
        _sha1_pads.clear()
    _sha1_pads[key] = pads
    return pads


def hmac_sha1(key: bytes, message: bytes) -> bytes:
    """``hmac.digest(key, message, "sha1")``, from the key's remembered hash states.

    perf: the one-shot sets up OpenSSL's HMAC for the key on every call,
    about twice the work of copying two prepared SHA-1 states and feeding
    each one block; a session cookie is verified once per request.
    """
    pads = _sha1_pads.get(key) or _pads_for(key)
    inner = pads[0].copy()
    inner.update(message)
    outer = pads[1].copy()
    outer.update(inner.digest())
    return outer.digest()  # type: ignore[no-any-return]


class _KeyCachingSigner(TimestampSigner):
    """A timestamp signer that derives each signing key once, not per request.

    itsdangerous re-runs the key derivation (an HMAC of the salt) on every
    sign and every verify; the result depends only on the inputs below, so
    it is remembered.  Signatures are byte-for-byte the same.
    """

    _derived: t.ClassVar[dict[tuple[t.Any, ...], bytes]] = {}

    #: How many verified cookies each signer remembers.
    verified_cache_size = 256

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        # The interface never passes an algorithm, so itsdangerous made the
        # HMAC one for ``digest_method``; SHA-1 gets the quicker equivalent.
        if self.digest_method in (_sha1, hashlib.sha1):
            self.algorithm = _PreparedSHA1()
        self._verified: dict[str | bytes, tuple[bytes, int, datetime]] = {}

    def unsign(  # type: ignore[override]
        self,
        signed_value: str | bytes,
        max_age: int | None = None,
        return_timestamp: bool = False,
    ) -> tuple[bytes, datetime] | bytes:
        """Verify as itsdangerous does, skipping the HMAC for a value seen valid before.

        perf: a browser sends the same session cookie with every request
        until the session changes, and checking its signature again gives
        the same answer, since this signer's keys never change (a new
        key set builds a new signer).  The age check still runs on every
        call; anything not remembered as valid, or now too old, goes
        through itsdangerous, which raises the usual errors.
        """
        known = self._verified.get(signed_value)
        if known is not None:
            value, signed_at, signed = known
            if max_age is None or 0 <= self.get_timestamp() - signed_at <= max_age:
                return (value, signed) if return_timestamp else value
        checked = self._check(signed_value, max_age)
        if checked is None:  # not plainly valid: itsdangerous decides and explains
            value, signed = super().unsign(signed_value, max_age, return_timestamp=True)
        else:
            value, signed = checked[0], self.timestamp_to_datetime(checked[1])
        verified = self._verified
        if len(verified) >= self.verified_cache_size:
            verified.clear()  # atomic, unlike evicting one entry, so thread-safe
        verified[signed_value] = (value, int(signed.timestamp()), signed)
        return (value, signed) if return_timestamp else value

    def _check(self, signed_value: str | bytes, max_age: int | None) -> tuple[bytes, int] | None:
        """``(value, timestamp)`` of a well-formed, correctly signed, fresh value, else None.

        perf: itsdangerous's verification runs a few dozen Python calls
        (byte coercions, base64 helpers, one algorithm call per key); a
        cookie seen for the first time is checked here in a handful.  The
        wire format is itsdangerous's: ``value.timestamp.signature``, the
        last two URL-safe base64 without padding, the timestamp big-endian
        seconds.  Only the plain case is decided here (SHA-1 one-shot
        HMAC, ``.`` separator, URL-safe characters only); None sends
        everything else, including every failure, to itsdangerous, so its
        errors are unchanged.
        """
        if type(self.algorithm) is not _PreparedSHA1 or self.sep != b".":
            return None
        # itsdangerous's serializers pass bytes; a direct caller may pass text.
        if type(signed_value) is bytes:
            signed, text = signed_value, signed_value.decode("latin-1")
        elif type(signed_value) is str:
            signed, text = signed_value.encode("latin-1", "replace"), signed_value
        else:
            return None
        if _URL_SAFE.fullmatch(text) is None:  # then ``signed`` is ASCII
            return None
        rest, _, signature = signed.rpartition(b".")
        value, dot, stamp = rest.rpartition(b".")
        if not dot:
            return None
        try:
            wanted = _b64decode(signature)
            timestamp = int.from_bytes(_b64decode(stamp), "big")
        except binascii.Error:
            return None
        for secret_key in reversed(self.secret_keys):
            if hmac.compare_digest(hmac_sha1(self.derive_key(secret_key), rest), wanted):
                break
        else:
            return None
        if max_age is not None and not 0 <= self.get_timestamp() - timestamp <= max_age:
            return None
        return value, timestamp

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """Return the derived key for ``secret_key`` (default: the newest key)."""
        raw = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        settings = (raw, self.salt, self.key_derivation, self.digest_method)
        derived = self._derived.get(settings)
        if derived is None:
            derived = super().derive_key(raw)
            if len(self._derived) >= 64:
                self._derived.clear()
            self._derived[settings] = derived
        return derived


#: The characters of URL-safe base64 and itsdangerous's ``.`` separator.
_URL_SAFE = re.compile(r"[A-Za-z0-9_\-.]+")
_TO_STANDARD_BASE64 = bytes.maketrans(b"-_", b"+/")


def _b64decode(data: bytes) -> bytes:
    """Decode unpadded URL-safe base64 (the caller checked the alphabet)."""
    return binascii.a2b_base64(data.translate(_TO_STANDARD_BASE64) + b"=" * (-len(data) % 4))


class _SignerCachingSerializer(URLSafeTimedSerializer):
    """A serializer that builds its signer once per salt instead of per call.

    itsdangerous constructs a new signer (and its algorithm object) for
    every ``dumps`` and ``loads``; with the keys and settings fixed for the
    serializer's lifetime, one per salt serves every request.
    """

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        cache: dict[t.Any, Signer] = self.__dict__.setdefault("_signers", {})
        signer = cache.get(salt)
        if signer is None:
            signer = cache[salt] = super().make_signer(salt)
        return signer

    def loads(  # type: ignore[override]
        self,
        s: str | bytes,
        max_age: int | None = None,
        return_timestamp: bool = False,
        salt: str | bytes | None = None,
    ) -> t.Any:
        """Verify and decode ``s``; with one key, straight through its signer.

        perf: with a single secret key there is one signer to try, so its
        verdict (a value, or the ``BadSignature`` or ``SignatureExpired``
        it raises) is the answer, without itsdangerous's loop over
        signers.  Fallback keys, timestamps and other salts take that loop.
        """
        if return_timestamp or salt is not None or len(self.secret_keys) != 1:
            return super().loads(s, max_age, return_timestamp, salt)
        value = self.make_signer(self.salt).unsign(s, max_age=max_age)  # type: ignore[call-arg]
        return self.load_payload(value)

    def load_payload(
        self, payload: bytes, *args: t.Any, serializer: t.Any = None, **kwargs: t.Any
    ) -> t.Any:
        """Decode an uncompressed payload for the session's JSON serializer directly.

        perf: itsdangerous's route goes through several byte-coercion and
        base64 helpers.  A payload starting with ``.`` (compressed), another
        serializer, or anything that fails here goes to itsdangerous, which
        raises its usual ``BadPayload``.
        """
        if (
            serializer is None
            and not args
            and not kwargs
            and type(payload) is bytes
            and type(self.serializer) is TaggedJSONSerializer
            and payload[:1] != b"."
            and _URL_SAFE.fullmatch(payload.decode("latin-1")) is not None
        ):
            try:
                return self.serializer.loads(_b64decode(payload).decode("utf-8"))
            except Exception:  # noqa: BLE001 - itsdangerous re-raises it as BadPayload
                pass
        return super().load_payload(payload, *args, serializer=serializer, **kwargs)


class SecureCookieSessionInterface(SessionInterface):
    """Sessions stored in a cookie signed by :mod:`itsdangerous`."""

    #: Mixed into the key so session signatures differ from other signatures.
    salt = "cookie-session"
    #: The hash behind the HMAC signature.
    digest_method = staticmethod(_sha1)
    #: How itsdangerous derives the signing key from the secret key.
    key_derivation = "hmac"
    #: The payload serializer, preserving tuples, bytes, datetimes and more.
    serializer = session_json_serializer
    session_class: type[SecureCookieSession] = SecureCookieSession

    _signing_cache: tuple[tuple[t.Any, ...], URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Kolba) -> URLSafeTimedSerializer | None:
        """The signer for this app's keys, or None when no secret key is set.

        ``SECRET_KEY_FALLBACKS`` lets old keys keep verifying during a
        rotation; only ``SECRET_KEY`` signs.  The signer is rebuilt only when
        a setting it depends on changes, not on every request.
        """
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config["SECRET_KEY_FALLBACKS"] or ()
        settings = (
            secret_key,
            tuple(fallbacks),
            self.salt,
            self.key_derivation,
            self.digest_method,
            self.serializer,
        )
        cached = self._signing_cache
        if cached is not None and cached[0] == settings:
            return cached[1]
        signer = self._make_signing_serializer([*fallbacks, secret_key])
        self._signing_cache = (settings, signer)
        return signer

    def _make_signing_serializer(self, keys: list[t.Any]) -> URLSafeTimedSerializer:
        """Build a signer; itsdangerous signs with the last key, verifies with all."""
        return _SignerCachingSerializer(
            keys,
            salt=self.salt,
            serializer=self.serializer,
            signer=_KeyCachingSigner,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

    def open_session(self, app: Kolba, request: Request) -> SecureCookieSession | None:
        """Verify and load the cookie; anything unreadable gives a fresh session."""
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        cookies = request.cookies
        name = self.get_cookie_name(app)
        # perf: a missing key makes MultiDict.get build and catch a BadRequestKeyError.
        cookie = cookies[name] if name in cookies else None
        if not cookie:
            return self.session_class()
        lifetime: timedelta | None = app.permanent_session_lifetime
        max_age = None if lifetime is None else int(lifetime.total_seconds())
        try:
            data = signer.loads(cookie, max_age=max_age)
        except BadData:
            return self.session_class()
        if not isinstance(data, dict):
            # Correctly signed but not a session object: start afresh, no 500.
            return self.session_class()
        return self.session_class(data)

    def save_session(self, app: Kolba, session: SessionMixin, response: Response) -> None:
        """Write, refresh or delete the cookie to match the session's state."""
        if session.accessed:
            _vary_on_cookie(response)
        if not session:
            if session.modified:
                self._delete_cookie(app, response)
            return
        if not self.should_set_cookie(app, session):
            return
        # A session is saved only if it was opened, which took a secret key.
        signer = t.cast(URLSafeTimedSerializer, self.get_signing_serializer(app))
        response.set_cookie(
            self.get_cookie_name(app),
            signer.dumps(dict(session)),
            expires=self.get_expiration_time(app, session),
            **self._cookie_attributes(app),
        )
        _vary_on_cookie(response)

    def _delete_cookie(self, app: Kolba, response: Response) -> None:
        """Expire the cookie of a session that was emptied during the request."""
        response.delete_cookie(self.get_cookie_name(app), **self._cookie_attributes(app))
        _vary_on_cookie(response)

    def _cookie_attributes(self, app: Kolba) -> dict[str, t.Any]:
        """The cookie attributes setting and deleting must agree on."""
        return {
            "path": self.get_cookie_path(app),
            "domain": self.get_cookie_domain(app),
            "secure": self.get_cookie_secure(app),
            "httponly": self.get_cookie_httponly(app),
            "samesite": self.get_cookie_samesite(app),
            "partitioned": self.get_cookie_partitioned(app),
        }


def _vary_on_cookie(response: Response) -> None:
    """Add ``Cookie`` to the response's ``Vary`` header.

    The common case, no ``Vary`` header yet, sets it directly; otherwise
    Werkzeug's header set merges it, keeping existing entries.
    """
    # perf: ``response.vary`` parses and re-serialises the header on every
    # use, and ``Headers.getlist`` is a general loop; Werkzeug's pair list
    # (``_list``, pinned in tests/test_request_fastpaths.py) answers directly.
    headers = response.headers
    for name, _ in headers._list:
        if name == "Vary" or name.lower() == "vary":
            response.vary.add("Cookie")
            return
    headers.add("Vary", "Cookie")
