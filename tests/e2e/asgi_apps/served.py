"""The app the ASGI server tests serve: ``served:app.asgi``.

Marker files go to the folder named by ``KOLBA_E2E_MARKERS``, so the test
process can see what ran inside the server (lifespan hooks, a generator's
``finally``).  ``KOLBA_E2E_FAIL_STARTUP`` makes startup fail.
"""

from __future__ import annotations

import asyncio
import os
import time
import typing as t
from pathlib import Path

import kolba
from kolba import request, sse

MARKERS = Path(os.environ.get("KOLBA_E2E_MARKERS", "."))
FILE = MARKERS / "payload.bin"  # written by the test

app = kolba.Kolba(__name__)
app.config["MAX_CONTENT_LENGTH"] = 1024


def mark(name: str, text: str = "") -> None:
    """Leave a marker file for the test process (written whole, then renamed)."""
    scratch = MARKERS / f".{name}.tmp"
    scratch.write_text(text)
    scratch.rename(MARKERS / name)


@app.before_serving
async def started() -> None:
    if os.environ.get("KOLBA_E2E_FAIL_STARTUP"):
        raise RuntimeError("the database at db.invalid:5432 is unreachable")
    await asyncio.sleep(0)
    mark(f"started-{os.getpid()}")


@app.after_serving
def stopped() -> None:
    mark(f"stopped-{os.getpid()}")


@app.route("/sync")
def sync_view() -> dict[str, t.Any]:
    return {"kind": "sync", "args": request.args.to_dict(), "pid": os.getpid()}


@app.route("/async")
async def async_view() -> dict[str, t.Any]:
    await asyncio.sleep(0)
    return {"kind": "async", "args": request.args.to_dict()}


@app.post("/echo")
async def echo() -> dict[str, t.Any]:
    return {"json": request.get_json()}


@app.post("/form")
def form() -> str:
    return ",".join(f"{key}={value}" for key, value in sorted(request.form.items()))


@app.route("/sleep")
async def sleep() -> str:
    await asyncio.sleep(0.5)
    return "slept"


@app.route("/events")
def events() -> kolba.Response:
    def feed() -> t.Iterator[t.Any]:
        yield sse.event("hello", event="greeting", id=1)
        yield sse.event("two\nlines", id=2)
        yield {"n": 3}

    return sse.response(feed(), keep_alive=5)


@app.route("/endless/<kind>")
async def endless(kind: str) -> kolba.Response:
    tag = request.args["tag"]

    def plain() -> t.Iterator[bytes]:
        try:
            while True:
                time.sleep(0.01)
                yield b"tick\n"
        finally:
            mark(f"finally-{tag}")

    async def waiting() -> t.AsyncIterator[bytes]:
        try:
            yield b"tick\n"
            await asyncio.Event().wait()
        finally:
            mark(f"finally-{tag}")

    return kolba.Response(plain() if kind == "sync" else waiting(), mimetype="text/plain")


@app.route("/file")
def file() -> kolba.Response:
    return kolba.send_file(FILE, mimetype="application/octet-stream")


async def recorded(scope: dict[str, t.Any], receive: t.Any, send: t.Any) -> None:
    """``app.asgi``, noting the kind of the last message of each response."""

    async def noting(message: dict[str, t.Any]) -> None:
        if message["type"] in ("http.response.body", "http.response.pathsend"):
            if not message.get("more_body"):
                name = scope["path"].strip("/").replace("/", "-") or "root"
                mark(f"sent-{name}", message["type"])
        await send(message)

    await app.asgi(scope, receive, noting if scope["type"] == "http" else send)
