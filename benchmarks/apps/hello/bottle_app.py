# mypy: disallow-untyped-decorators=False
# Bottle ships no type hints, so its route decorators are untyped.
"""Hello, World! in Bottle."""

from __future__ import annotations

import bottle

app = bottle.Bottle()


@app.get("/")
def hello() -> str:
    return "Hello, World!"
