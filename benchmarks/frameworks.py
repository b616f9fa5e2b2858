"""Which frameworks take part, where their apps live and how to load them safely."""

from __future__ import annotations

import importlib
import importlib.metadata
import traceback
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Framework:
    """A framework under test: its app module and the distribution to report."""

    name: str
    module: str
    distribution: str | None

    def version(self) -> str | None:
        """Return the installed version, or None for the bare WSGI floor."""
        if self.distribution is None:
            return None
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"


FRAMEWORKS: tuple[Framework, ...] = (
    Framework("raw", "benchmarks.apps.raw", None),
    Framework("flask", "benchmarks.apps.flask_app", "flask"),
    Framework("falcon", "benchmarks.apps.falcon_app", "falcon"),
    Framework("bottle", "benchmarks.apps.bottle_app", "bottle"),
    Framework("kolba", "benchmarks.apps.kolba_app", "kolba"),
    Framework("kolba-compat", "benchmarks.apps.kolba_compat_app", "kolba"),
)

BY_NAME: dict[str, Framework] = {framework.name: framework for framework in FRAMEWORKS}

LIBRARIES = ("werkzeug", "jinja2", "itsdangerous", "markupsafe", "starlette", "quart")
"""Shared dependencies and the ASGI section's frameworks, whose versions belong next to the numbers."""


class LoadFailure(Exception):
    """A framework's app module could not be imported; the message says why."""


def load(framework: Framework) -> ModuleType:
    """Import the framework's app module, turning any error into ``LoadFailure``.

    Kolba is written alongside these benchmarks, so its module may raise
    anything at import time; the others must still be measured.
    """
    try:
        return importlib.import_module(framework.module)
    except Exception as error:
        raise LoadFailure(describe(error)) from error


def describe(error: BaseException) -> str:
    """Summarise an exception in one line, with the innermost frame it came from."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}{where}".strip()


def versions() -> dict[str, str | None]:
    """Return the version of every framework and shared library, by name."""
    found: dict[str, str | None] = {fw.name: fw.version() for fw in FRAMEWORKS}
    for library in LIBRARIES:
        try:
            found[library] = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            found[library] = None
    return found
