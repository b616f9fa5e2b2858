"""Flask-WTF: the seeds' ``LoginForm`` with CSRF, through ``CSRFProtect`` and without."""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import re
import typing as t
from io import BytesIO

from _harness import Report, choose_backend, header_summary

report = Report(choose_backend())

import flask  # noqa: E402
from flask import (  # noqa: E402
    Blueprint,
    Flask,
    jsonify,
    render_template,
    render_template_string,
    request,
)
from flask_wtf import FlaskForm  # noqa: E402
from flask_wtf.csrf import CSRFError, CSRFProtect  # noqa: E402
from flask_wtf.file import FileField, FileRequired  # noqa: E402
from wtforms import PasswordField, StringField, SubmitField  # noqa: E402
from wtforms.validators import DataRequired, Email  # noqa: E402

app = Flask(__name__)
app.config.update(SECRET_KEY="wtf secret")
csrf = CSRFProtect(app)


class LoginForm(FlaskForm):  # type: ignore[misc]
    """The seeds' form."""

    email = StringField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Login")


class UploadForm(FlaskForm):  # type: ignore[misc]
    """A file field reads ``request.files`` through the form's formdata."""

    upload = FileField("File", validators=[FileRequired()])


@app.route("/login", methods=["GET", "POST"])
def login() -> t.Any:
    """The seeds' view: validate on submit, else render the form."""
    form = LoginForm()
    if form.validate_on_submit():
        return jsonify(ok=True, email=form.email.data)
    return render_template("login.html", form=form)


@app.route("/exempt", methods=["POST"])
@csrf.exempt
def exempt() -> t.Any:
    """Not guarded by CSRFProtect: the form's own CSRF check still runs."""
    form = LoginForm()
    return jsonify(valid=form.validate_on_submit(), errors=form.errors)


@app.route("/token")
def token() -> t.Any:
    """``csrf_token()`` is a template global once CSRFProtect is set up."""
    return render_template_string("{{ csrf_token() }}")


@app.route("/upload", methods=["POST"])
def upload() -> t.Any:
    """A FileField with FileRequired."""
    form = UploadForm()
    if form.validate_on_submit():
        return jsonify(name=form.upload.data.filename, size=len(form.upload.data.read()))
    return jsonify(errors=form.errors), 400


hooks = Blueprint("hooks", __name__, url_prefix="/hooks")


@hooks.post("/incoming")
def incoming() -> t.Any:
    """A webhook blueprint exempted as a whole."""
    return jsonify(received=request.form.get("event"))


csrf.exempt(hooks)
app.register_blueprint(hooks)


@app.errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> t.Any:
    """CSRFProtect raises a 400 subclass; answer it as JSON."""
    return jsonify(csrf_error=error.description), 400


client = app.test_client()
TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
GOOD = {"email": "alice@example.com", "password": "pw"}


def page_token() -> str:
    """The token rendered into the form by ``form.hidden_tag()``."""
    match = TOKEN_RE.search(client.get("/login").get_data(as_text=True))
    assert match is not None, "no csrf_token input rendered"
    return match.group(1)


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("get_renders_form")
def _() -> t.Any:
    r = client.get("/login")
    body = r.get_data(as_text=True)
    return {
        "status": r.status_code,
        "token_input": bool(TOKEN_RE.search(body)),
        "email_input": '<input id="email" name="email" required size="20" type="text" value="">'
        in body,
        "action": 'action="/login"' in body,
        "session_cookie": client.get_cookie("session") is not None,
    }


@report.check("post_without_token")
def _() -> t.Any:
    r = client.post("/login", data=GOOD)
    return [r.status_code, r.get_json()]


@report.check("post_bad_token")
def _() -> t.Any:
    r = client.post("/login", data={**GOOD, "csrf_token": "nonsense"})
    return [r.status_code, r.get_json()]


@report.check("post_with_token")
def _() -> t.Any:
    r = client.post("/login", data={**GOOD, "csrf_token": page_token()})
    return [r.status_code, r.get_json()]


@report.check("post_invalid_email")
def _() -> t.Any:
    r = client.post("/login", data={"email": "nope", "password": "", "csrf_token": page_token()})
    body = r.get_data(as_text=True)
    return [r.status_code, re.findall(r'<p class="error">([^<]*)</p>', body)]


@report.check("token_header_and_json_body")
def _() -> t.Any:
    r = client.post("/login", json=GOOD, headers={"X-CSRFToken": page_token()})
    return [r.status_code, r.get_json()]


@report.check("template_global_token_valid")
def _() -> t.Any:
    value = client.get("/token").get_data(as_text=True)
    r = client.post("/login", data={**GOOD, "csrf_token": value})
    return [r.status_code, r.get_json()]


@report.check("token_from_other_session_rejected")
def _() -> t.Any:
    other = app.test_client()
    r = other.post("/login", data={**GOOD, "csrf_token": page_token()})
    return [r.status_code, r.get_json()]


@report.check("exempt_view_form_csrf")
def _() -> t.Any:
    r = client.post("/exempt", data=GOOD)
    return [r.status_code, r.get_json()]


@report.check("file_upload")
def _() -> t.Any:
    token = page_token()
    ok = client.post(
        "/upload", data={"csrf_token": token, "upload": (BytesIO(b"hello"), "a.txt")}
    )
    missing = client.post("/upload", data={"csrf_token": token})
    return [ok.status_code, ok.get_json(), missing.status_code, missing.get_json()]


@report.check("exempt_blueprint")
def _() -> t.Any:
    r = app.test_client().post("/hooks/incoming", data={"event": "push"})
    return [r.status_code, r.get_json()]


@report.check("form_in_test_request_context")
def _() -> t.Any:
    with app.test_request_context("/login", method="POST", data={"email": "a@b.co"}):
        form = LoginForm(meta={"csrf": False})
        return [form.is_submitted(), form.validate(), form.errors, form.email.data]


@report.check("form_outside_request")
def _() -> t.Any:
    with app.app_context():
        form = LoginForm(meta={"csrf": False}, data={"email": "x@y.co", "password": "p"})
        return [form.is_submitted(), form.validate()]


@report.check("https_referrer_checks")
def _() -> t.Any:
    secure = app.test_client()
    page = secure.get("/login", base_url="https://localhost").get_data(as_text=True)
    match = TOKEN_RE.search(page)
    assert match is not None, "no csrf_token input rendered"
    data = {**GOOD, "csrf_token": match.group(1)}
    missing = secure.post("/login", base_url="https://localhost", data=data)
    foreign = secure.post("/login", base_url="https://localhost", data=data,
                          headers={"Referer": "https://evil.example/login"})
    same = secure.post("/login", base_url="https://localhost", data=data,
                       headers={"Referer": "https://localhost/login"})
    return [missing.get_json(), foreign.get_json(), same.status_code]


@report.check("response_headers")
def _() -> t.Any:
    fresh = app.test_client()
    return [header_summary(fresh.get("/login")), header_summary(fresh.post("/login", data=GOOD))]


@report.check("csrf_disabled_by_config")
def _() -> t.Any:
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        r = client.post("/login", data=GOOD)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    return [r.status_code, r.get_json()]


report.emit()
