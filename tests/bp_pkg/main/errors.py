"""App-wide error pages declared by the ``main`` blueprint."""

from __future__ import annotations

from kolba import render_template

from . import main


@main.app_errorhandler(404)
def page_not_found(error: Exception) -> tuple[str, int]:
    """Serve the package's 404 page for every URL of the app."""
    return render_template("main/404.html"), 404
