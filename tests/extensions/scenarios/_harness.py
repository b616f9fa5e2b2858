"""What every extension scenario shares: the backend switch and the report.

A scenario is a script run in its own process, because ``kolba.compat.install()``
replaces ``flask`` for the whole interpreter.  It records one observation per
named check; a check that raises records the error and where it came from, so
one broken behaviour does not hide the others.  The report is printed as JSON
on the last line of stdout.
"""

from __future__ import annotations

import atexit
import json
import re
import shutil
import sys
import tempfile
import traceback
import typing as t

FLASK_FLAG = "--flask"


def choose_backend() -> str:
    """Install Kolba as ``flask`` unless the scenario was asked to use real Flask.

    This must run before anything imports ``flask`` or an extension.
    """
    if FLASK_FLAG in sys.argv[1:]:
        return "flask"
    import kolba.compat

    kolba.compat.install()
    return "kolba"


def scratch_folder(prefix: str) -> str:
    """A temporary folder that is removed when the scenario's process ends.

    Scenarios run as scripts, not under pytest, so ``tmp_path`` is not there
    to clean up after them; without this every run left a folder in /tmp.
    """
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def header_summary(response: t.Any) -> list[list[str]]:
    """A response's headers with the per-run parts of cookies blanked out.

    Cookie values are signed with timestamps and expiry dates move with the
    clock, so only the cookie name and its attribute names/fixed values remain.
    ``Allow`` lists methods in set order, which differs from run to run.
    """
    summary = []
    for name, value in response.headers.items():
        if name.lower() == "set-cookie":
            value = re.sub(r"^([^=]*)=[^;]+", r"\1=<v>", value)
            value = re.sub(r"(Expires|Max-Age)=[^;]*", r"\1=<t>", value)
        if name.lower() == "allow":
            value = ", ".join(sorted(value.split(", ")))
        summary.append([name, value])
    return sorted(summary)


class Report:
    """Named observations of one scenario, written out as JSON at the end."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.results: dict[str, t.Any] = {}
        self.errors: dict[str, str] = {}

    def check(self, name: str) -> t.Callable[[t.Callable[[], t.Any]], None]:
        """Run the decorated function now and record what it returns or raises."""

        def run(func: t.Callable[[], t.Any]) -> None:
            try:
                self.results[name] = func()
            except BaseException as exc:  # noqa: BLE001 - the report must survive
                self.results[name] = {"error": f"{type(exc).__name__}: {exc}"}
                self.errors[name] = "".join(traceback.format_exception(exc)[-6:])

        return run

    def emit(self) -> None:
        """Print the report; the pytest side reads the last stdout line."""
        for name, trace in self.errors.items():
            print(f"--- {name}\n{trace}", file=sys.stderr)
        payload = {"backend": self.backend, "results": self.results, "errors": self.errors}
        print(json.dumps(payload, default=repr))
