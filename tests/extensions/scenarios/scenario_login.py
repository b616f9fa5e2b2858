"""Flask-Login: login, logout, ``login_required``, ``current_user``, remember-me."""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import threading
import typing as t

from _harness import Report, choose_backend, header_summary

report = Report(choose_backend())

import flask  # noqa: E402
from flask import (  # noqa: E402
    Blueprint,
    Flask,
    copy_current_request_context,
    jsonify,
    redirect,
    render_template_string,
    request,
    url_for,
)
from flask_login import (  # noqa: E402
    FlaskLoginClient,
    LoginManager,
    UserMixin,
    confirm_login,
    current_user,
    fresh_login_required,
    login_required,
    login_user,
    logout_user,
    user_logged_in,
    user_logged_out,
)

app = Flask(__name__)
app.secret_key = "login secret"  # the seeds' spelling
login_manager = LoginManager()
login_manager.init_app(app)
login_manager.login_view = "login"
login_manager.refresh_view = "reauth"

signals: list[str] = []


class User(UserMixin):  # type: ignore[misc]
    """An in-memory user; ``UserMixin`` supplies ``get_id`` and the flags."""

    def __init__(self, user_id: str, name: str) -> None:
        self.id = user_id
        self.name = name


USERS = {"1": User("1", "alice"), "2": User("2", "bob")}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The seeds' loader, over the dict."""
    return USERS.get(user_id)


@user_logged_in.connect_via(app)
def on_login(sender: t.Any, user: User) -> None:
    """Flask-Login sends with ``current_app._get_current_object()``."""
    signals.append(f"in:{user.name}")


@user_logged_out.connect_via(app)
def on_logout(sender: t.Any, user: User) -> None:
    """Sent by ``logout_user``."""
    signals.append(f"out:{user.name}")


@app.route("/login", methods=["GET", "POST"])
def login() -> t.Any:
    """Log the posted user in and go where ``next`` says."""
    if request.method == "POST":
        user = USERS[request.form["id"]]
        login_user(user, remember=request.form.get("remember") == "y")
        return redirect(request.args.get("next") or url_for("dashboard"))
    return "login page"


@app.route("/dashboard")
@login_required
def dashboard() -> t.Any:
    """``current_user`` in a template, through Flask-Login's context processor."""
    return render_template_string(
        "Welcome {{ current_user.name }} ({{ current_user.is_authenticated }})"
    )


@app.route("/whoami")
def whoami() -> t.Any:
    """``current_user`` in a view."""
    return jsonify(
        authenticated=current_user.is_authenticated,
        anonymous=current_user.is_anonymous,
        id=current_user.get_id(),
    )


@app.route("/in-thread")
def in_thread() -> t.Any:
    """``current_user`` inside a thread that copied the request context."""
    seen: list[t.Any] = []

    @copy_current_request_context
    def worker() -> None:
        seen.append(current_user.get_id())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(5)
    return jsonify(seen=seen, here=current_user.get_id())


@app.route("/logout")
def logout() -> t.Any:
    """``logout_user`` clears the session and the remember cookie."""
    logout_user()
    return "bye"


@app.route("/settings")
@fresh_login_required
def settings() -> t.Any:
    """Needs a fresh login; a remember-cookie login is not fresh."""
    return "settings"


@app.route("/reauth")
def reauth() -> t.Any:
    """``confirm_login`` marks the session fresh again."""
    confirm_login()
    return "fresh"


admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.route("/login")
def admin_login() -> t.Any:
    """The blueprint's own login view."""
    return "admin login"


@admin.route("/panel")
@login_required
def panel() -> t.Any:
    """Protected inside the blueprint."""
    return "panel"


app.register_blueprint(admin)
login_manager.blueprint_login_views = {"admin": "admin.admin_login"}

client = app.test_client()


def remember_value(browser: t.Any) -> str:
    """The remember-me cookie a client holds; it must be there."""
    cookie = browser.get_cookie("remember_token")
    assert cookie is not None, "no remember_token cookie"
    return str(cookie.value)


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("anonymous_redirected_to_login_view")
def _() -> t.Any:
    r = client.get("/dashboard")
    return [r.status_code, r.headers.get("Location")]


@report.check("login_message_flashed")
def _() -> t.Any:
    with client.session_transaction() as sess:
        return sess.get("_flashes")


@report.check("anonymous_current_user")
def _() -> t.Any:
    return client.get("/whoami").get_json()


@report.check("login_follows_next")
def _() -> t.Any:
    r = client.post("/login?next=/dashboard", data={"id": "1"})
    return [r.status_code, r.headers.get("Location"), client.get_cookie("remember_token")]


@report.check("current_user_in_template")
def _() -> t.Any:
    r = client.get("/dashboard")
    return [r.status_code, r.get_data(as_text=True)]


@report.check("current_user_in_view")
def _() -> t.Any:
    return client.get("/whoami").get_json()


@report.check("session_holds_user_id")
def _() -> t.Any:
    with client.session_transaction() as sess:
        return [sess.get("_user_id"), sess.get("_fresh"), "_id" in sess]


@report.check("logout")
def _() -> t.Any:
    r = client.get("/logout")
    return [r.status_code, client.get("/whoami").get_json(), client.get("/dashboard").status_code]


@report.check("signals")
def _() -> t.Any:
    return list(signals)


@report.check("remember_cookie_set")
def _() -> t.Any:
    r = client.post("/login", data={"id": "2", "remember": "y"})
    cookie = client.get_cookie("remember_token")
    return [r.status_code, cookie is not None and cookie.value.startswith("2|")]


@report.check("remember_cookie_restores_user")
def _() -> t.Any:
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember_value(client))
    who = fresh.get("/whoami").get_json()
    with fresh.session_transaction() as sess:
        restored = [sess.get("_user_id"), sess.get("_fresh"), sess.get("_remember")]
    return [who, restored]


@report.check("logout_clears_remember_cookie")
def _() -> t.Any:
    r = client.get("/logout")
    cleared = [c for c in r.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    return [len(cleared), "Expires=Thu, 01 Jan 1970" in (cleared or [""])[0],
            client.get_cookie("remember_token")]


@report.check("flask_login_client")
def _() -> t.Any:
    app.test_client_class = FlaskLoginClient
    try:
        logged_in = app.test_client(user=USERS["1"])
        return logged_in.get("/whoami").get_json()
    finally:
        app.test_client_class = None


@report.check("unauthorized_json_api")
def _() -> t.Any:
    login_manager.login_view = None
    try:
        r = app.test_client().get("/dashboard")
        return [r.status_code, r.mimetype]
    finally:
        login_manager.login_view = "login"


@report.check("options_exempt_from_login_required")
def _() -> t.Any:
    r = app.test_client().options("/dashboard")
    return [r.status_code, sorted(r.headers.get("Allow", "").split(", "))]


@report.check("blueprint_login_view")
def _() -> t.Any:
    r = app.test_client().get("/admin/panel")
    return [r.status_code, r.headers.get("Location")]


@report.check("fresh_login_required")
def _() -> t.Any:
    browser = app.test_client()
    browser.post("/login", data={"id": "1", "remember": "y"})
    fresh = browser.get("/settings").status_code
    restored = app.test_client()
    restored.set_cookie("remember_token", remember_value(browser))
    stale = restored.get("/settings")
    restored.get("/reauth")
    return [fresh, stale.status_code, stale.headers.get("Location"),
            restored.get("/settings").status_code]


@report.check("copy_current_request_context_thread")
def _() -> t.Any:
    browser = app.test_client()
    browser.post("/login", data={"id": "2"})
    return browser.get("/in-thread").get_json()


@report.check("use_session_for_next")
def _() -> t.Any:
    app.config["USE_SESSION_FOR_NEXT"] = True
    try:
        browser = app.test_client()
        r = browser.get("/dashboard?tab=1")
        with browser.session_transaction() as sess:
            stored = sess.get("next")
        return [r.headers.get("Location"), stored]
    finally:
        app.config["USE_SESSION_FOR_NEXT"] = False


@report.check("follow_redirects_login_flow")
def _() -> t.Any:
    browser = app.test_client()
    first = browser.get("/dashboard", follow_redirects=True)
    second = browser.post("/login?next=/dashboard", data={"id": "1"}, follow_redirects=True)
    return [first.request.path, first.get_data(as_text=True), second.request.path,
            second.get_data(as_text=True), [r.status_code for r in second.history]]


@report.check("with_client_keeps_context")
def _() -> t.Any:
    with app.test_client() as browser:
        browser.post("/login", data={"id": "1"})
        browser.get("/whoami")
        kept = [current_user.get_id(), request.path]
    return [kept, flask.has_request_context()]


@report.check("response_headers")
def _() -> t.Any:
    browser = app.test_client()
    login = browser.post("/login", data={"id": "1", "remember": "y"})
    who = browser.get("/whoami")
    out = browser.get("/logout")
    return [header_summary(login), header_summary(who), header_summary(out)]


@report.check("request_loader_header")
def _() -> t.Any:
    @login_manager.request_loader
    def from_header(req: t.Any) -> User | None:
        return USERS.get(req.headers.get("X-Api-User", ""))

    try:
        api = app.test_client()
        return [api.get("/whoami", headers={"X-Api-User": "2"}).get_json()["id"],
                api.get("/whoami").get_json()["id"]]
    finally:
        login_manager._request_callback = None


@report.check("strong_session_protection")
def _() -> t.Any:
    login_manager.session_protection = "strong"
    try:
        browser = app.test_client()
        browser.post("/login", data={"id": "1"}, headers={"User-Agent": "A"})
        same = browser.get("/whoami", headers={"User-Agent": "A"}).get_json()["id"]
        other = browser.get("/whoami", headers={"User-Agent": "B"}).get_json()["id"]
        return [same, other]
    finally:
        login_manager.session_protection = "basic"


report.emit()
