"""The app the development-server tests serve; copied into a temp dir as ``app.py``.

The tests rewrite ``GREETING`` to watch the reloader pick up an edit, and
request ``/boom`` to see how the server reports an unhandled exception.
"""

from __future__ import annotations

import os

from kolba import Kolba

app = Kolba(__name__)

GREETING = "hello from the first version"


@app.route("/")
def index() -> str:
    """Serve the greeting, the text the reload tests change."""
    return GREETING


@app.route("/boom")
def boom() -> str:
    """Fail with a message the tests look for in the page and in the log."""
    raise RuntimeError("devserver boom 4242")


if __name__ == "__main__":
    app.run(debug=True, port=int(os.environ["DEVSERVER_PORT"]))
