"""An extension-heavy Flask page: Flask-Login, Flask-SQLAlchemy and a template.

Ordinary Flask code, with nothing written for the benchmark's sake: the
``/orders`` page is behind ``login_required``, the user is loaded from
SQLite (in memory) by Flask-Login's user loader, the page queries the
user's orders through Flask-SQLAlchemy and renders ``orders.html``.  The
Flask column imports it as it is; the Kolba columns run this same source
through ``kolba.compat.install()`` (see ``through_alias.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

from benchmarks.apps.common import ORDERS, ORDERS_USER, SECRET_KEY

app = Flask(__name__)
app.config.update(SECRET_KEY=SECRET_KEY, SQLALCHEMY_DATABASE_URI="sqlite://")
db = SQLAlchemy(app)
login_manager = LoginManager(app)
login_manager.login_view = "login"


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), unique=True, nullable=False)


class Order(db.Model):  # type: ignore[name-defined,misc]
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey(User.id), nullable=False)
    product = db.Column(db.String(80), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    price = db.Column(db.Float, nullable=False)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@app.post("/login")
def login() -> ResponseReturnValue:
    user = db.session.execute(db.select(User).filter_by(name=request.form["name"])).scalar_one()
    login_user(user)
    return redirect(url_for("orders"))


@app.route("/orders")
@login_required
def orders() -> ResponseReturnValue:
    query = db.select(Order).filter_by(user_id=current_user.id).order_by(Order.id)
    return render_template("orders.html", orders=db.session.execute(query).scalars().all())


with app.app_context():
    db.create_all()
    owner = User(name=ORDERS_USER)
    db.session.add(owner)
    db.session.flush()
    db.session.add_all(Order(user_id=owner.id, **order) for order in ORDERS)
    db.session.commit()


def login_cookie(remote_addr: str, user_agent: str) -> str:
    """Log the user in as a browser at ``remote_addr`` would; return its session cookie.

    Flask-Login's session protection ties the session to the address and
    user agent, so they must be the ones the benchmark's requests carry.
    """
    client = app.test_client()
    client.post(
        "/login",
        data={"name": ORDERS_USER},
        environ_base={"REMOTE_ADDR": remote_addr},
        headers={"User-Agent": user_agent},
    )
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None, "login set no session cookie"
    return f"{cookie.key}={cookie.value}"
