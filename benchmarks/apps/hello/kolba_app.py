"""Hello, World! in Kolba."""

from __future__ import annotations

from kolba import Kolba

app = Kolba(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
