"""Views of the ``main`` blueprint."""

from __future__ import annotations

from kolba import current_app, redirect, render_template, url_for

from . import main


@main.route("/")
def index() -> str:
    """Render the home page through the blueprint's template folder."""
    return render_template("main/index.html", title="Home")


@main.route("/go")
def go() -> object:
    """Redirect with a blueprint-relative endpoint."""
    return redirect(url_for(".index"))


@main.route("/user/<name>")
def user(name: str) -> str:
    """Greet one user."""
    return render_template("main/user.html", name=name)


@main.route("/greet")
def greet() -> str:
    """Show per-app configuration to prove factory apps are independent."""
    return str(current_app.config["GREETING"])
