"""The servers the soak runs the showcase under, and how to start and stop one.

Every server binds 127.0.0.1 on a free port, runs in a process group of its
own and is stopped by its PID (SIGTERM, then SIGKILL) whatever happens. The
showcase runs in its production configuration with a fresh random key and
a fresh instance folder (database) per run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import typing as t
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e._servers import SHOWCASE_DIR, _stop, _wait_until_ready, free_port

HOST = "127.0.0.1"
TARGETS_DIR = Path(__file__).resolve().parent / "targets"
#: What the WSGI servers import (the factory) and what the ASGI ones do.
WSGI_TARGET = "showcase:create_app()"
ASGI_TARGET = "showcase_asgi:app.asgi"


@dataclass(frozen=True)
class Server:
    """One way of serving the showcase: a server, its worker model and its settings."""

    name: str
    door: str
    summary: str
    #: What follows ``python -m``; ``{host}``, ``{port}`` and ``{workers}`` are filled in.
    arguments: tuple[str, ...]
    #: Whether ``python -m tools.soak`` runs it when no ``--servers`` are named.
    by_default: bool = True

    def argv(self, port: int, workers: int) -> list[str]:
        """The full command line on ``port``."""
        filled = (arg.format(host=HOST, port=port, workers=workers) for arg in self.arguments)
        return [sys.executable, "-m", *filled]

    def shown(self, workers: int) -> str:
        """The command as a person would type it (for the reports)."""
        return " ".join(["python", *self.argv(8000, workers)[1:]])


SERVERS: tuple[Server, ...] = (
    Server(
        "gunicorn-sync", "wsgi", "gunicorn, sync workers (one request at a time each)",
        ("gunicorn", "--bind", "{host}:{port}", "--workers", "{workers}",
         "--worker-class", "sync", "--timeout", "30", "--graceful-timeout", "5",
         "--log-level", "warning", WSGI_TARGET),
    ),
    Server(
        "gunicorn-gthread", "wsgi", "gunicorn, gthread workers with 4 threads each",
        ("gunicorn", "--bind", "{host}:{port}", "--workers", "{workers}",
         "--worker-class", "gthread", "--threads", "4", "--timeout", "30",
         "--graceful-timeout", "5", "--log-level", "warning", WSGI_TARGET),
    ),
    Server(
        "granian-wsgi", "wsgi", "granian, WSGI interface",
        ("granian", "--interface", "wsgi", "--host", "{host}", "--port", "{port}",
         "--workers", "{workers}", "--no-ws", "--log-level", "warning",
         "--factory", "showcase:create_app"),
    ),
    Server(
        "uvicorn-asgi", "asgi", "uvicorn, the ASGI door (app.asgi)",
        ("uvicorn", "--host", "{host}", "--port", "{port}", "--workers", "{workers}",
         "--log-level", "warning", "--no-access-log", ASGI_TARGET),
    ),
    Server(
        "granian-asgi", "asgi", "granian, ASGI interface, the ASGI door (app.asgi)",
        ("granian", "--interface", "asgi", "--host", "{host}", "--port", "{port}",
         "--workers", "{workers}", "--no-ws", "--log-level", "warning", ASGI_TARGET),
    ),
    Server(
        "hypercorn-asgi", "asgi", "hypercorn, asyncio workers, the ASGI door (app.asgi)",
        ("hypercorn", "--bind", "{host}:{port}", "--workers", "{workers}",
         "--log-level", "warning", ASGI_TARGET),
        by_default=False,
    ),
)  # fmt: skip
SERVERS_BY_NAME: dict[str, Server] = {server.name: server for server in SERVERS}


@dataclass(frozen=True)
class Running:
    """A started server: where it listens and the PID of its top process."""

    server: Server
    port: int
    pid: int
    log: t.IO[bytes]

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_text(self) -> str:
        """Everything the server wrote so far (stdout and stderr)."""
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


def server_env(env: t.Mapping[str, str]) -> dict[str, str]:
    """``env`` with the ASGI target module importable too."""
    out = dict(env)
    out["PYTHONPATH"] = ":".join(filter(None, [str(TARGETS_DIR), out.get("PYTHONPATH")]))
    return out


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started in its own process group, by its PID.

    SIGTERM to the top process, SIGKILL to the group if it does not stop in
    time; then SIGKILL to whatever of the group outlived its top process (a
    worker orphaned by a supervisor that died first), so nothing is left.
    """
    try:
        _stop(proc)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def serve(
    server: Server, env: t.Mapping[str, str], workers: int = 2, log_path: Path | None = None
) -> t.Iterator[Running]:
    """Run the showcase under ``server`` until the block ends; yield it once it answers.

    The server's output goes to ``log_path`` (kept after it stops, so what it
    wrote while shutting down can be read too), or to a temporary file.
    """
    port = free_port()
    with (open(log_path, "w+b") if log_path else tempfile.TemporaryFile()) as log:
        proc = subprocess.Popen(
            server.argv(port, workers), cwd=SHOWCASE_DIR, env=server_env(env),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            _wait_until_ready(proc, f"http://{HOST}:{port}/api/", log)
            yield Running(server, port, proc.pid, log)
        finally:
            stop(proc)
