"""The seeds' extension examples together in one app, as the first seed shows them.

Flask-SQLAlchemy holds the users, Flask-WTF's ``LoginForm`` logs them in through
Flask-Login, Flask-RESTful serves the ``HelloWorld`` API and Flask-CORS opens it.
"""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import re
import typing as t

from _harness import Report, choose_backend

report = Report(choose_backend())

import flask  # noqa: E402
from flask import Flask, redirect, render_template, request, url_for  # noqa: E402
from flask_cors import CORS  # noqa: E402
from flask_login import LoginManager, UserMixin, login_required, login_user  # noqa: E402
from flask_restful import Api, Resource  # noqa: E402
from flask_sqlalchemy import SQLAlchemy  # noqa: E402
from flask_wtf import FlaskForm  # noqa: E402
from werkzeug.security import check_password_hash, generate_password_hash  # noqa: E402
from wtforms import PasswordField, StringField, SubmitField  # noqa: E402
from wtforms.validators import DataRequired, Email  # noqa: E402

app = Flask(__name__)
app.config.update(SECRET_KEY="seed secret", SQLALCHEMY_DATABASE_URI="sqlite://")
db = SQLAlchemy(app)
login_manager = LoginManager()
login_manager.init_app(app)
login_manager.login_view = "login"
api = Api(app)
CORS(app, resources={r"/api/*": {"origins": "*"}})


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """The seeds' model with the password check their login view calls."""

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
    password_hash = db.Column(db.String(200), nullable=False)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class LoginForm(FlaskForm):  # type: ignore[misc]
    """The seeds' form."""

    email = StringField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Login")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The seeds' loader (``db.session.get`` instead of the legacy ``Query.get``)."""
    return db.session.get(User, int(user_id))


@app.route("/users")
def get_users() -> t.Any:
    """The seeds' listing view."""
    users = User.query.all()
    return {"users": [{"username": u.username, "email": u.email} for u in users]}


@app.route("/login", methods=["GET", "POST"])
def login() -> t.Any:
    """The seeds' login view, verbatim apart from the flash on failure."""
    form = LoginForm()
    if form.validate_on_submit():
        user = User.query.filter_by(email=form.email.data).first()
        if user and user.check_password(form.password.data):
            login_user(user)
            return redirect(url_for("dashboard"))
        flask.flash("Invalid email or password")
    return render_template("seed_login.html", form=form)


@app.route("/dashboard")
@login_required
def dashboard() -> t.Any:
    """The seeds' dashboard."""
    return "Welcome to your dashboard!"


class HelloWorld(Resource):  # type: ignore[misc]
    """The seeds' resource."""

    def get(self) -> t.Any:
        return {"message": "Hello, World!"}

    def post(self) -> t.Any:
        data = request.get_json()
        return {"message": "Data received", "data": data}, 201


api.add_resource(HelloWorld, "/api/hello")

with app.app_context():
    db.create_all()
    db.session.add(User(
        username="alice",
        email="alice@example.com",
        password_hash=generate_password_hash("s3cret", method="pbkdf2:sha256:1000"),
    ))
    db.session.commit()

client = app.test_client()


def token() -> str:
    """The CSRF token from the rendered login page."""
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match is not None, "no csrf_token input rendered"
    return match.group(1)


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("users")
def _() -> t.Any:
    return client.get("/users").get_json()


@report.check("dashboard_needs_login")
def _() -> t.Any:
    r = client.get("/dashboard")
    return [r.status_code, r.headers.get("Location")]


@report.check("wrong_password")
def _() -> t.Any:
    data = {"email": "alice@example.com", "password": "nope", "csrf_token": token()}
    body = client.post("/login", data=data).get_data(as_text=True)
    return re.findall(r'<p class="flash">([^<]*)</p>', body)


@report.check("login_then_dashboard")
def _() -> t.Any:
    data = {"email": "alice@example.com", "password": "s3cret", "csrf_token": token()}
    r = client.post("/login", data=data)
    dash = client.get("/dashboard")
    page = client.get("/login").get_data(as_text=True)
    return [r.status_code, r.headers.get("Location"), dash.get_data(as_text=True),
            "already in as alice" in page]


@report.check("api_with_cors")
def _() -> t.Any:
    r = client.post("/api/hello", json={"x": 1}, headers={"Origin": "http://spa.example"})
    return [r.status_code, r.get_json(), r.headers.get("Access-Control-Allow-Origin")]


@report.check("api_preflight")
def _() -> t.Any:
    r = client.options("/api/hello", headers={
        "Origin": "http://spa.example", "Access-Control-Request-Method": "POST",
    })
    return [r.status_code, r.headers.get("Access-Control-Allow-Origin")]


report.emit()
