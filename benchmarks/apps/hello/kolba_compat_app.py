"""Hello, World! in Flask's spelling, on Kolba through ``kolba.compat.install()``.

This is what a drop-in user imports: ``flask`` resolved to Kolba.  The
import-time child is a fresh interpreter, so the alias stays in place.
"""

from __future__ import annotations

import kolba.compat

kolba.compat.install()

from flask import Flask  # noqa: E402 - Kolba's, through the alias

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
