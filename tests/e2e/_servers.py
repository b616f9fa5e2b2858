"""Start the showcase under a real WSGI server in a subprocess, and stop it.

Shared by the server tests and the browser tests. Every wait is bounded and
the server process is always terminated, even when a test fails midway.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOWCASE_DIR = ROOT / "examples" / "showcase"

STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 10.0

#: ``{port}`` is filled in with a free loopback port.
GUNICORN_ARGV = (
    "-m", "gunicorn",
    "--bind", "127.0.0.1:{port}",
    "--worker-class", "sync",
    "--workers", "1",
    "--timeout", "30",
    "--graceful-timeout", "5",
    "--access-logfile", "-",
    "showcase:create_app()",
)
GRANIAN_ARGV = (
    "-m", "granian",
    "--interface", "wsgi",
    "--host", "127.0.0.1",
    "--port", "{port}",
    "--workers", "1",
    "--no-ws",
    "--factory",
    "showcase:create_app",
)
SERVERS: dict[str, tuple[str, ...]] = {"gunicorn": GUNICORN_ARGV, "granian": GRANIAN_ARGV}


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def showcase_env(instance: Path) -> dict[str, str]:
    """The environment of a production-mode showcase using ``instance``."""
    env = dict(os.environ)
    env.update(
        SHOWCASE_CONFIG="production",
        SHOWCASE_SECRET_KEY=secrets.token_hex(32),
        SHOWCASE_INSTANCE_PATH=str(instance),
        SHOWCASE_LOG_LEVEL="INFO",
        PYTHONPATH=os.pathsep.join(filter(None, [str(SHOWCASE_DIR), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    # The tests may run against Flask; the served app is always Kolba.
    env.pop("KOLBA_TESTS_AGAINST", None)
    return env


def init_database(env: dict[str, str]) -> None:
    """Create the schema in a separate process, as the deployed app would see it."""
    code = (
        "from showcase import create_app\n"
        "from showcase.db import init_db\n"
        "with create_app().app_context():\n"
        "    init_db()\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=SHOWCASE_DIR,
        env=env,
        check=True,
        timeout=STARTUP_TIMEOUT,
        capture_output=True,
    )


def _read_log(log: t.IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode("utf-8", "replace")


def _wait_until_ready(proc: subprocess.Popen[bytes], url: str, log: t.IO[bytes]) -> None:
    """Poll ``url`` until the server answers anything, or give up loudly."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{_read_log(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server not ready after {STARTUP_TIMEOUT}s:\n{_read_log(log)}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (graceful), then SIGKILL the process group we created."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=SHUTDOWN_TIMEOUT)


@contextmanager
def serve(server: str, env: dict[str, str]) -> t.Iterator[str]:
    """Run the showcase under ``server``; yield its base URL."""
    port = free_port()
    argv = [sys.executable, *(arg.format(port=port) for arg in SERVERS[server])]
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            argv,
            cwd=SHOWCASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_ready(proc, f"{base_url}/api/", log)
            yield base_url
        finally:
            _stop(proc)


def module_available(name: str) -> bool:
    """Whether ``python -m name`` can work in this interpreter."""
    import importlib.util

    return importlib.util.find_spec(name) is not None
