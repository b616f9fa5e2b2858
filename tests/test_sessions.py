"""Sessions: signed cookies, their flags and attributes, and custom backends."""

from __future__ import annotations

import hashlib
import time
import typing as t
from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import Markup

import kolba
from kolba.json.tag import TaggedJSONSerializer
from kolba.sessions import (
    NullSession,
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionInterface,
    SessionMixin,
)

RICH_DATA: dict[str, t.Any] = {
    "tuple": (1, (2, "x")),
    "bytes": b"\x00\xff",
    "markup": Markup("<b>hi</b>"),
    "uuid": UUID("12345678-1234-5678-1234-567812345678"),
    "when": datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    "nested": {"list": [1, {" t": "looks tagged"}]},
}


def set_cookies(response: t.Any) -> list[str]:
    return list(response.headers.getlist("Set-Cookie"))


def session_cookie(client: t.Any, name: str = "session") -> t.Any:
    return client.get_cookie(name)


def cookie_payload(cookie_value: str) -> str:
    """The signed data without timestamp and signature."""
    return cookie_value.rsplit(".", 2)[0]


def add_session_routes(app: kolba.Kolba, seen: list[dict[str, t.Any]]) -> None:
    @app.post("/set")
    def set_values() -> str:
        kolba.session.update(kolba.request.get_json())
        return "set"

    @app.route("/rich")
    def set_rich() -> str:
        kolba.session.update(RICH_DATA)
        return "rich"

    @app.route("/read")
    def read() -> str:
        seen.append(dict(kolba.session))
        return str(kolba.session.get("n", "none"))

    @app.route("/plain")
    def plain() -> str:
        return "plain"


@pytest.fixture
def seen(app: kolba.Kolba) -> list[dict[str, t.Any]]:
    found: list[dict[str, t.Any]] = []
    add_session_routes(app, found)
    return found


# --- session objects --------------------------------------------------------


def test_secure_cookie_session_tracks_modification() -> None:
    s = SecureCookieSession({"a": 1})
    assert s == {"a": 1}
    assert not s.modified and not s.new
    s["b"] = 2
    assert s.modified
    assert isinstance(s, SessionMixin)


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.__setitem__("x", 1),
        lambda s: s.__delitem__("a"),
        lambda s: s.pop("a"),
        lambda s: s.popitem(),
        lambda s: s.clear(),
        lambda s: s.update(x=1),
        lambda s: s.setdefault("x", 1),
    ],
)
def test_every_write_marks_modified(change: t.Callable[[SecureCookieSession], t.Any]) -> None:
    s = SecureCookieSession({"a": 1})
    change(s)
    assert s.modified


def test_permanent_is_stored_in_the_data() -> None:
    s = SecureCookieSession()
    assert s.permanent is False
    s.permanent = 1  # type: ignore[assignment]
    assert s["_permanent"] is True and s.permanent is True
    assert s.modified
    s.permanent = False
    assert s == {"_permanent": False}


@pytest.mark.kolba_only
@pytest.mark.parametrize(
    "read",
    [
        lambda s: s["a"],
        lambda s: s.get("a"),
        lambda s: s.get("missing", 0),
        lambda s: s.setdefault("a", 2),
        lambda s: "a" in s,
        lambda s: "missing" in s,
    ],
    ids=["getitem", "get", "get-default", "setdefault-existing", "contains", "contains-missing"],
)
def test_reads_mark_the_session_accessed_not_modified(read: t.Callable[[SecureCookieSession], t.Any]) -> None:
    # Kolba's session notices its own reads (Flask's relies on the proxy):
    # code holding the object itself, as extensions do, still gets Vary.
    s = SecureCookieSession({"a": 1})
    assert not s.accessed
    read(s)
    assert s.accessed
    assert not s.modified
    assert s == {"a": 1}


@pytest.mark.kolba_only
def test_writes_mark_the_session_accessed_too() -> None:
    s = SecureCookieSession({"a": 1})
    s["b"] = 2
    assert s.accessed and s.modified


def test_filling_a_session_is_neither_access_nor_change() -> None:
    s = SecureCookieSession({"a": 1, "b": 2})
    assert not s.accessed and not s.modified
    assert type(s).accessed is False and type(s).modified is False


def test_mixin_defaults() -> None:
    class DictSession(dict, SessionMixin):  # type: ignore[type-arg]
        pass

    s = DictSession()
    assert s.new is False and s.modified is True
    s.permanent = True
    assert s == {"_permanent": True}


def test_null_session_reads_but_refuses_writes() -> None:
    s = NullSession()
    assert s.get("x", 5) == 5 and len(s) == 0 and "x" not in s
    assert s.permanent is False
    writes: list[t.Callable[[], t.Any]] = [
        lambda: s.__setitem__("x", 1),
        lambda: s.__delitem__("x"),
        lambda: s.pop("x"),
        lambda: s.popitem(),
        lambda: s.clear(),
        lambda: s.update(x=1),
        lambda: s.setdefault("x", 1),
    ]
    for write in writes:
        with pytest.raises(RuntimeError, match="no secret key was set"):
            write()
    with pytest.raises(RuntimeError, match="secret_key"):
        s.permanent = True
    assert len(s) == 0


def test_interface_defaults(app: kolba.Kolba) -> None:
    interface = SessionInterface()
    assert interface.pickle_based is False
    assert interface.null_session_class is NullSession
    null = interface.make_null_session(app)
    assert isinstance(null, NullSession)
    assert interface.is_null_session(null)
    assert not interface.is_null_session(SecureCookieSession())
    with pytest.raises(NotImplementedError):
        interface.open_session(app, None)  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        interface.save_session(app, SecureCookieSession(), None)  # type: ignore[arg-type]


def test_cookie_settings_come_from_config(app: kolba.Kolba) -> None:
    interface = SessionInterface()
    assert interface.get_cookie_name(app) == "session"
    assert interface.get_cookie_domain(app) is None
    assert interface.get_cookie_path(app) == "/"
    assert interface.get_cookie_httponly(app) is True
    assert interface.get_cookie_secure(app) is False
    assert interface.get_cookie_samesite(app) is None
    assert interface.get_cookie_partitioned(app) is False
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.org",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PARTITIONED=True,
        APPLICATION_ROOT="/root",
    )
    assert interface.get_cookie_name(app) == "sid"
    assert interface.get_cookie_domain(app) == "example.org"
    assert interface.get_cookie_path(app) == "/root"
    assert interface.get_cookie_httponly(app) is False
    assert interface.get_cookie_secure(app) is True
    assert interface.get_cookie_samesite(app) == "Strict"
    assert interface.get_cookie_partitioned(app) is True
    app.config["SESSION_COOKIE_PATH"] = "/cookie"
    assert interface.get_cookie_path(app) == "/cookie"


def test_expiration_time_and_should_set_cookie(app: kolba.Kolba) -> None:
    interface = SessionInterface()
    s = SecureCookieSession()
    assert interface.get_expiration_time(app, s) is None
    assert not interface.should_set_cookie(app, s)
    s.permanent = True
    expires = interface.get_expiration_time(app, s)
    assert expires is not None
    expected = datetime.now(timezone.utc) + app.permanent_session_lifetime
    assert abs((expires - expected).total_seconds()) < 5
    assert interface.should_set_cookie(app, s)
    s.modified = False
    assert interface.should_set_cookie(app, s)
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    assert not interface.should_set_cookie(app, s)
    s.modified = True
    assert interface.should_set_cookie(app, s)


def test_secure_cookie_interface_settings(app: kolba.Kolba) -> None:
    interface = SecureCookieSessionInterface()
    assert interface.salt == "cookie-session"
    assert interface.key_derivation == "hmac"
    assert interface.digest_method().name == "sha1"
    assert isinstance(interface.serializer, TaggedJSONSerializer)
    assert interface.session_class is SecureCookieSession
    assert isinstance(interface, SessionInterface)
    assert isinstance(app.session_interface, SecureCookieSessionInterface)


def test_signing_serializer_needs_secret_key(app: kolba.Kolba) -> None:
    interface = SecureCookieSessionInterface()
    signer = interface.get_signing_serializer(app)
    assert signer is not None
    assert signer.loads(signer.dumps({"a": (1,)})) == {"a": (1,)}
    app.config["SECRET_KEY"] = None
    assert interface.get_signing_serializer(app) is None
    app.config["SECRET_KEY"] = ""
    assert interface.get_signing_serializer(app) is None


def test_signing_serializer_follows_key_changes(app: kolba.Kolba) -> None:
    interface = SecureCookieSessionInterface()
    first = interface.get_signing_serializer(app)
    assert first is not None
    token = first.dumps({"a": 1})
    app.config["SECRET_KEY"] = "another key"
    second = interface.get_signing_serializer(app)
    assert second is not None
    assert second.dumps({"a": 1}) != token
    app.config["SECRET_KEY_FALLBACKS"] = ["test key"]
    rotated = interface.get_signing_serializer(app)
    assert rotated is not None
    assert rotated.loads(token) == {"a": 1}


# --- requests ---------------------------------------------------------------


def test_session_persists_across_requests(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    response = client.post("/set", json={"n": 42, "name": "kolba"})
    assert response.status_code == 200
    assert len(set_cookies(response)) == 1
    assert client.get("/read").text == "42"
    assert seen == [{"n": 42, "name": "kolba"}]


def test_unmodified_session_sets_no_cookie(client: t.Any, seen: list[t.Any]) -> None:
    client.post("/set", json={"n": 1})
    response = client.get("/read")
    assert set_cookies(response) == []
    assert client.get("/plain").headers.get("Set-Cookie") is None


def test_empty_session_without_cookie_writes_nothing(client: t.Any, seen: list[t.Any]) -> None:
    response = client.get("/read")
    assert response.text == "none"
    assert set_cookies(response) == []
    assert seen == [{}]


def test_tagged_types_survive_the_cookie(client: t.Any, seen: list[t.Any]) -> None:
    client.get("/rich")
    client.get("/read")
    assert seen == [RICH_DATA]
    assert type(seen[0]["tuple"]) is tuple
    assert type(seen[0]["markup"]) is Markup


def test_flags_seen_by_the_view(app: kolba.Kolba, client: t.Any) -> None:
    flags: list[tuple[bool, bool]] = []

    @app.route("/touch/<mode>")
    def touch(mode: str) -> str:
        if mode == "read":
            kolba.session.get("x")
        elif mode == "write":
            kolba.session["x"] = 1
        flags.append((kolba.session.modified, kolba.session.accessed))
        return mode

    client.get("/touch/read")
    client.get("/touch/write")
    client.get("/touch/read")
    assert flags == [(False, True), (True, True), (False, True)]


@pytest.mark.parametrize(
    "use",
    [
        lambda s: s.get("x"),
        lambda s: s["x"] if "x" in s else None,
        lambda s: "x" in s,
        lambda s: len(s),
        lambda s: s.permanent,
        lambda s: s.setdefault("y", 1),
    ],
)
def test_vary_cookie_when_session_accessed(
    app: kolba.Kolba, client: t.Any, use: t.Callable[[t.Any], t.Any]
) -> None:
    @app.route("/use")
    def use_session() -> str:
        use(kolba.session)
        return "used"

    @app.route("/ignore")
    def ignore_session() -> str:
        return "ignored"

    assert "Cookie" in client.get("/use").headers.get("Vary", "")
    assert "Vary" not in client.get("/ignore").headers


def test_vary_keeps_other_values(app: kolba.Kolba, client: t.Any) -> None:
    @app.route("/")
    def index() -> t.Any:
        response = kolba.make_response(str(kolba.session.get("x")))
        response.vary.add("Accept-Encoding")
        return response

    vary = client.get("/").headers["Vary"]
    assert "Accept-Encoding" in vary and "Cookie" in vary


def test_vary_in_lower_case_is_merged_not_repeated(app: kolba.Kolba, client: t.Any) -> None:
    @app.route("/")
    def index() -> t.Any:
        return str(kolba.session.get("x")), {"vary": "Accept"}

    assert client.get("/").headers.getlist("Vary") == ["Accept, Cookie"]


def test_cookie_attributes_from_config(app: kolba.Kolba, client: t.Any) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/p",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PARTITIONED=True,
    )

    @app.route("/p/set")
    def set_it() -> str:
        kolba.session["a"] = 1
        return ""

    (header,) = set_cookies(client.get("/p/set", base_url="https://www.example.com"))
    parts = header.split("; ")
    assert parts[0].startswith("sid=")
    assert set(parts[1:]) == {"Domain=example.com", "Secure", "Path=/p", "SameSite=Lax", "Partitioned"}


def test_default_cookie_attributes(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    (header,) = set_cookies(client.post("/set", json={"a": 1}))
    parts = header.split("; ")
    assert parts[0].startswith("session=")
    assert set(parts[1:]) == {"HttpOnly", "Path=/"}


def test_application_root_is_the_default_path(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    app.config["APPLICATION_ROOT"] = "/app"
    (header,) = set_cookies(client.post("/set", json={"a": 1}))
    assert "Path=/app" in header.split("; ")


def test_permanent_session_expires(app: kolba.Kolba, client: t.Any) -> None:
    app.permanent_session_lifetime = timedelta(days=3)

    @app.route("/perm")
    def perm() -> str:
        kolba.session.permanent = True
        kolba.session["a"] = 1
        return ""

    @app.route("/temp")
    def temp() -> str:
        kolba.session["a"] = 1
        return ""

    response = client.get("/perm")
    (header,) = set_cookies(response)
    assert "Expires=" in header
    expires = session_cookie(client).expires
    expected = datetime.now(timezone.utc) + timedelta(days=3)
    assert abs((expires - expected).total_seconds()) < 10
    client.delete_cookie("session")
    (header,) = set_cookies(client.get("/temp"))
    assert "Expires=" not in header and "Max-Age" not in header


def test_refresh_each_request(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    @app.route("/perm")
    def perm() -> str:
        kolba.session.permanent = True
        kolba.session["n"] = 7
        return ""

    client.get("/perm")
    refreshed = client.get("/plain")
    assert len(set_cookies(refreshed)) == 1
    assert "Expires=" in set_cookies(refreshed)[0]
    assert len(set_cookies(client.get("/read"))) == 1
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    assert set_cookies(client.get("/plain")) == []
    assert set_cookies(client.get("/read")) == []
    assert seen == [{"_permanent": True, "n": 7}] * 2


def test_refreshing_an_untouched_permanent_session_varies_on_cookie(
    app: kolba.Kolba, client: t.Any, seen: list[t.Any]
) -> None:
    # The view never touches the session, yet the response carries the
    # user's refreshed cookie: a shared cache must not hand it to others.
    @app.route("/perm")
    def perm() -> str:
        kolba.session.permanent = True
        kolba.session["n"] = 7
        return ""

    client.get("/perm")
    refreshed = client.get("/plain")
    assert len(set_cookies(refreshed)) == 1
    assert refreshed.headers.getlist("Vary") == ["Cookie"]


def test_deleting_the_cookie_varies_on_cookie_even_unread(app: kolba.Kolba) -> None:
    # A session marked modified without being read (a backend or extension
    # setting the flag) is emptied by deleting the cookie, and that answer
    # depends on the cookie as much as any other.
    session = SecureCookieSession()
    session.modified = True
    assert not session.accessed
    response = app.response_class("x")
    app.session_interface.save_session(app, session, response)
    (header,) = set_cookies(response)
    assert header.startswith("session=; Expires=Thu, 01 Jan 1970")
    assert response.headers.getlist("Vary") == ["Cookie"]


def test_refresh_skips_browser_sessions(client: t.Any, seen: list[t.Any]) -> None:
    client.post("/set", json={"n": 1})
    untouched = client.get("/plain")
    assert set_cookies(untouched) == []
    assert "Vary" not in untouched.headers
    assert set_cookies(client.get("/read")) == []


def test_emptied_session_deletes_cookie(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    @app.route("/clear")
    def clear() -> str:
        kolba.session.clear()
        return ""

    client.post("/set", json={"n": 1})
    response = client.get("/clear")
    (header,) = set_cookies(response)
    assert header.startswith("session=;")
    assert "Max-Age=0" in header and "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in header
    assert "Cookie" in response.headers["Vary"]
    assert session_cookie(client) is None
    assert client.get("/read").text == "none"


def test_deleted_cookie_uses_configured_attributes(app: kolba.Kolba, client: t.Any) -> None:
    app.config.update(SESSION_COOKIE_DOMAIN="example.com", SESSION_COOKIE_SAMESITE="Strict")

    @app.route("/pop")
    def pop() -> str:
        kolba.session.pop("a", None)
        kolba.session["b"] = 1
        del kolba.session["b"]
        return ""

    client.set_cookie("session", "ignored-invalid", domain="example.com")
    (header,) = set_cookies(client.get("/pop", base_url="http://example.com"))
    parts = header.split("; ")
    assert parts[0] == "session="
    assert {"Domain=example.com", "SameSite=Strict", "HttpOnly", "Path=/", "Max-Age=0"} <= set(parts)


def test_tampered_cookie_gives_empty_session(client: t.Any, seen: list[t.Any]) -> None:
    client.post("/set", json={"n": 5})
    good = session_cookie(client).value
    payload, stamp, signature = good.rsplit(".", 2)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for bad in (f"{payload}.{stamp}.{flipped}", "garbage", "a.b.c", good + "x"):
        client.set_cookie("session", bad)
        assert client.get("/read").text == "none"
    client.set_cookie("session", good)
    assert client.get("/read").text == "5"


def _old_cookie(secret: str, data: dict[str, t.Any], age: int) -> str:
    """A session cookie signed ``age`` seconds ago, made with itsdangerous alone."""

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age

    serializer = URLSafeTimedSerializer(
        secret,
        salt="cookie-session",
        serializer=TaggedJSONSerializer(),
        signer=PastSigner,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    return serializer.dumps(data)


def test_expired_cookie_gives_empty_session(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    client.set_cookie("session", _old_cookie("test key", {"n": 3}, age=1000))
    app.permanent_session_lifetime = timedelta(seconds=2000)
    assert client.get("/read").text == "3"
    app.permanent_session_lifetime = timedelta(seconds=500)
    assert client.get("/read").text == "none"
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=1500)
    assert client.get("/read").text == "3"


def test_secret_key_rotation(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    app.config["SECRET_KEY"] = "old key"
    client.post("/set", json={"n": 1})
    old_cookie = session_cookie(client).value

    app.config["SECRET_KEY"] = "new key"
    assert client.get("/read").text == "none"

    app.config["SECRET_KEY_FALLBACKS"] = ["older key", "old key"]
    assert client.get("/read").text == "1"
    client.post("/set", json={"n": 2})
    new_cookie = session_cookie(client).value
    assert new_cookie != old_cookie

    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/read").text == "2"
    client.set_cookie("session", old_cookie)
    assert client.get("/read").text == "none"


def test_no_secret_key(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    app.config["SECRET_KEY"] = None

    @app.route("/write")
    def write() -> str:
        kolba.session["x"] = 1
        return ""

    response = client.get("/read")
    assert response.text == "none"
    assert set_cookies(response) == []
    with pytest.raises(RuntimeError, match="secret key"):
        client.get("/write")


def test_no_secret_key_null_session_object(app: kolba.Kolba, client: t.Any) -> None:
    app.config["SECRET_KEY"] = None
    kinds: list[bool] = []

    @app.route("/")
    def index() -> str:
        kinds.append(isinstance(kolba.session._get_current_object(), NullSession))
        return ""

    client.get("/")
    assert kinds == [True]


def test_session_transaction(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    with client.session_transaction() as sess:
        sess["n"] = (9, b"z")
    assert client.get("/read").status_code == 200
    assert seen == [{"n": (9, b"z")}]
    with client.session_transaction() as sess:
        assert sess["n"] == (9, b"z")


# --- interoperability with Flask -------------------------------------------


def _flask_app(secret: str) -> t.Any:
    import flask

    flask_app = flask.Flask("flask_side")
    flask_app.secret_key = secret
    flask_app.config["TESTING"] = True
    flask_seen: list[dict[str, t.Any]] = []
    flask_app.config["SEEN"] = flask_seen

    @flask_app.route("/rich")
    def rich() -> str:
        flask.session.update(RICH_DATA)
        return ""

    @flask_app.route("/read")
    def read() -> str:
        flask_seen.append(dict(flask.session))
        return ""

    return flask_app


def test_flask_cookie_opens_in_kolba(client: t.Any, seen: list[t.Any]) -> None:
    flask_client = _flask_app("test key").test_client()
    flask_client.get("/rich")
    client.set_cookie("session", session_cookie(flask_client).value)
    client.get("/read")
    assert seen == [RICH_DATA]


def test_kolba_cookie_opens_in_flask(client: t.Any, seen: list[t.Any]) -> None:
    flask_app = _flask_app("test key")
    flask_client = flask_app.test_client()
    client.get("/rich")
    flask_client.set_cookie("session", session_cookie(client).value)
    flask_client.get("/read")
    assert flask_app.config["SEEN"] == [RICH_DATA]


def test_cookie_payload_identical_to_flask(client: t.Any, seen: list[t.Any]) -> None:
    flask_client = _flask_app("test key").test_client()
    flask_client.get("/rich")
    client.get("/rich")
    flask_value = session_cookie(flask_client).value
    kolba_value = session_cookie(client).value
    assert cookie_payload(kolba_value) == cookie_payload(flask_value)


def test_flask_interface_and_kolba_interface_agree(app: kolba.Kolba) -> None:
    from flask.sessions import SecureCookieSessionInterface as FlaskInterface

    flask_app = _flask_app("test key")
    flask_signer = FlaskInterface().get_signing_serializer(flask_app)
    kolba_signer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert flask_signer is not None and kolba_signer is not None
    with app.app_context():
        assert flask_signer.loads(kolba_signer.dumps(RICH_DATA)) == RICH_DATA
    with flask_app.app_context():
        assert kolba_signer.loads(flask_signer.dumps(RICH_DATA)) == RICH_DATA


# --- custom interfaces ------------------------------------------------------


class StoredSession(dict, SessionMixin):  # type: ignore[type-arg]
    """A server-side session: the cookie only carries an id."""

    def __init__(self, sid: str, data: dict[str, t.Any] | None = None) -> None:
        super().__init__(data or {})
        self.sid = sid


class MemoryInterface(SessionInterface):
    """Keeps session data in a dict, keyed by the ``sid`` cookie."""

    def __init__(self) -> None:
        self.store: dict[str, dict[str, t.Any]] = {}
        self.saved = 0

    def open_session(self, app: t.Any, request: t.Any) -> StoredSession | None:
        if request.args.get("null"):
            return None
        sid = request.cookies.get("sid") or f"id{len(self.store)}"
        return StoredSession(sid, self.store.get(sid))

    def save_session(self, app: t.Any, session: t.Any, response: t.Any) -> None:
        self.saved += 1
        self.store[session.sid] = dict(session)
        response.set_cookie("sid", session.sid, path=self.get_cookie_path(app))


def test_custom_session_interface(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    backend = MemoryInterface()
    app.session_interface = backend
    client.post("/set", json={"n": 11})
    assert backend.store == {"id0": {"n": 11}}
    assert session_cookie(client, "sid").value == "id0"
    assert session_cookie(client) is None
    assert client.get("/read").text == "11"
    assert seen == [{"n": 11}]
    assert backend.saved == 2


def test_custom_interface_none_falls_back_to_null_session(app: kolba.Kolba, client: t.Any) -> None:
    backend = MemoryInterface()
    app.session_interface = backend

    @app.route("/write")
    def write() -> str:
        kolba.session["x"] = 1
        return ""

    @app.route("/peek")
    def peek() -> str:
        return str(kolba.session.get("x", "empty"))

    assert client.get("/peek?null=1").text == "empty"
    assert backend.saved == 0
    with pytest.raises(RuntimeError, match="secret key"):
        client.get("/write?null=1")


def test_subclassing_the_cookie_interface(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    class Salted(SecureCookieSessionInterface):
        salt = "other-salt"

        def get_cookie_name(self, app: t.Any) -> str:
            return "custom"

    client.post("/set", json={"n": 4})
    default_cookie = session_cookie(client).value
    app.session_interface = Salted()
    client.set_cookie("custom", default_cookie)
    assert client.get("/read").text == "none"
    client.post("/set", json={"n": 5})
    assert session_cookie(client, "custom").value != default_cookie
    assert client.get("/read").text == "5"


@pytest.mark.kolba_only
def test_null_session_refuses_in_place_union() -> None:
    s = NullSession()
    with pytest.raises(RuntimeError, match="secret key"):
        s |= {"x": 1}
    assert len(s) == 0


# --- the verified-cookie cache ----------------------------------------------


@pytest.mark.kolba_only
def test_permanent_session_without_a_lifetime(app: kolba.Kolba, client: t.Any, seen: list[t.Any]) -> None:
    # PERMANENT_SESSION_LIFETIME = None: the cookie never expires by age and
    # carries no Expires (Flask 3.1 raises TypeError while saving: a 500).
    # The later reads are answered from the verified-cookie cache.
    app.config["PERMANENT_SESSION_LIFETIME"] = None

    @app.route("/perm")
    def perm() -> str:
        kolba.session.permanent = True
        kolba.session["n"] = 7
        return ""

    (header,) = set_cookies(client.get("/perm"))
    assert "Expires=" not in header and "Max-Age" not in header
    for _ in range(3):
        response = client.get("/read")
        assert response.text == "7"
        (refreshed,) = set_cookies(response)  # still refreshed on every request
        assert "Expires=" not in refreshed
    assert seen == [{"_permanent": True, "n": 7}] * 3


@pytest.mark.kolba_only
def test_remembered_cookie_without_a_max_age(app: kolba.Kolba) -> None:
    app.secret_key = "no max age"
    serializer = app.session_interface.get_signing_serializer(app)
    assert serializer is not None
    cookie = serializer.dumps({"n": 1})
    for _ in range(3):  # verified, then remembered
        assert serializer.loads(cookie, max_age=None) == {"n": 1}


@pytest.mark.kolba_only
def test_remembered_cookie_still_expires(
    app: kolba.Kolba, client: t.Any, seen: list[t.Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app.permanent_session_lifetime = timedelta(seconds=100)
    client.post("/set", json={"n": 7})
    assert client.get("/read").text == "7"
    assert client.get("/read").text == "7"  # now answered from the cache
    later = time.time() + 101
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/read").text == "none"


@pytest.mark.kolba_only
def test_remembered_cookie_does_not_vouch_for_a_tampered_one(
    client: t.Any, seen: list[t.Any]
) -> None:
    client.post("/set", json={"n": 5})
    good = session_cookie(client).value
    assert client.get("/read").text == "5"
    payload, stamp, signature = good.rsplit(".", 2)
    forged_payload = URLSafeTimedSerializer("x").dump_payload({"n": 6}).decode()
    for bad in (f"{forged_payload}.{stamp}.{signature}", good[:-1], f"{payload}.{stamp}"):
        client.set_cookie("session", bad)
        assert client.get("/read").text == "none"


@pytest.mark.kolba_only
def test_remembered_cookies_are_bounded(app: kolba.Kolba) -> None:
    app.secret_key = "bounded"
    serializer = app.session_interface.get_signing_serializer(app)
    assert serializer is not None
    signer = next(iter(serializer.iter_unsigners()))
    size = signer.verified_cache_size  # type: ignore[attr-defined]
    for n in range(size * 2 + 3):
        assert serializer.loads(serializer.dumps({"n": n})) == {"n": n}
        # Each new cookie is remembered; a full cache is emptied first.
        assert len(signer._verified) == n % size + 1  # type: ignore[attr-defined]


# --- the caches are used (their answers are tested above; here, that they answer)


def _signer(app: kolba.Kolba) -> t.Any:
    serializer = app.session_interface.get_signing_serializer(app)
    assert serializer is not None
    return next(iter(serializer.iter_unsigners()))


@pytest.mark.kolba_only
def test_the_signer_is_built_once_per_key_set(app: kolba.Kolba) -> None:
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert first is not None and interface.get_signing_serializer(app) is first
    assert first.make_signer("cookie-session") is first.make_signer("cookie-session")
    assert first.make_signer("other") is not first.make_signer("cookie-session")
    app.config["SECRET_KEY"] = "a new key"
    assert interface.get_signing_serializer(app) is not first


@pytest.mark.kolba_only
@pytest.mark.parametrize("age", [0, 50, 100], ids=["fresh", "middle-aged", "exactly-max-age"])
def test_a_cookie_verified_before_is_not_verified_again(
    app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch, age: int
) -> None:
    from tests._calls import assert_not_called, calls_made

    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    signer = _signer(app)
    signed = signer.sign(b"value")
    assert signer.unsign(signed, max_age=100) == b"value"  # verified, remembered
    monkeypatch.setattr(time, "time", lambda: now + age)
    value, called = calls_made(lambda: signer.unsign(signed, max_age=100))
    assert value == b"value"
    assert_not_called(called, "itsdangerous.signer.Signer.verify_signature", "itsdangerous.signer.Signer.unsign")


@pytest.mark.kolba_only
def test_the_derived_key_is_computed_once(app: kolba.Kolba) -> None:
    from tests._calls import assert_not_called, calls_made

    app.secret_key = "derive once"
    signer = _signer(app)
    signer.sign(b"first")  # derives the key
    _, called = calls_made(lambda: signer.sign(b"second"))
    assert_not_called(called, "itsdangerous.signer.Signer.derive_key")


@pytest.mark.kolba_only
def test_remembered_derived_keys_are_bounded() -> None:
    from kolba.sessions import _KeyCachingSigner

    _KeyCachingSigner._derived.clear()
    for n in range(150):
        signer = _KeyCachingSigner(f"key {n}", salt="s")
        assert signer.derive_key() == TimestampSigner(f"key {n}", salt="s").derive_key()
        assert len(_KeyCachingSigner._derived) == n % 64 + 1  # cleared when full, then refilled


@pytest.mark.kolba_only
def test_the_signer_keeps_itsdangerous_unsign_signature(app: kolba.Kolba) -> None:
    signer = _signer(app)
    signed = signer.sign(b"v")
    assert signer.unsign(signed) == b"v"  # verified
    assert signer.unsign(signed) == b"v"  # remembered
    value, when = signer.unsign(signed, return_timestamp=True)
    assert value == b"v" and isinstance(when, datetime)


@pytest.mark.kolba_only
def test_sha1_signatures_take_the_prepared_hmac(app: kolba.Kolba) -> None:
    import hmac

    from kolba.sessions import _PreparedSHA1

    signer = _signer(app)
    assert isinstance(signer.algorithm, _PreparedSHA1)
    key, value = b"k" * 20, b"payload"
    assert signer.algorithm.get_signature(key, value) == hmac.new(key, value, hashlib.sha1).digest()
    assert signer.algorithm.verify_signature(key, value, hmac.new(key, value, hashlib.sha1).digest())
    assert not signer.algorithm.verify_signature(key, value, b"\0" * 20)


def test_another_digest_signs_as_itsdangerous_does(app: kolba.Kolba) -> None:
    class SHA256Sessions(SecureCookieSessionInterface):
        digest_method = staticmethod(hashlib.sha256)

    app.session_interface = SHA256Sessions()
    ours = app.session_interface.get_signing_serializer(app)
    assert ours is not None
    stock = URLSafeTimedSerializer(
        "test key", salt="cookie-session", serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
    )
    token = stock.dumps({"a": 1})
    assert ours.loads(token) == {"a": 1}
    assert ours.loads(token) == {"a": 1}  # remembered
    assert len(token.rsplit(".", 1)[1]) == 43  # a SHA-256 signature, base64


@pytest.mark.kolba_only
def test_signatures_match_plain_itsdangerous(app: kolba.Kolba) -> None:
    app.secret_key = "same bytes"
    ours = app.session_interface.get_signing_serializer(app)
    assert ours is not None
    stock = URLSafeTimedSerializer(
        "same bytes",
        salt="cookie-session",
        serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    data = {"user": "alice", "n": [1, 2]}
    assert stock.loads(ours.dumps(data)) == data
    assert ours.loads(stock.dumps(data)) == data
