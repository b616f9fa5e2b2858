"""Running Flask source on Kolba, through ``kolba.compat``, beside the real Flask.

The benchmark measures Flask and Kolba in one process.  Flask code loaded
here is executed while the alias is installed, and the Flask extensions it
imports are imported afresh for it: extension modules already imported for
the real Flask are set aside meanwhile and put back afterwards, so each
framework's app keeps extension modules bound to its own ``flask``.  The
real Flask's modules are put back too, so the process keeps one Flask.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
import types
from functools import cache

from benchmarks.harness import base_environ

#: Top-level packages that import ``flask`` and so must be loaded per framework.
FLASK_BOUND = frozenset({"flask_login", "flask_sqlalchemy"})


def _flask_bound(name: str) -> bool:
    """Modules set aside while the alias is installed: Flask's own and the extensions'."""
    top = name.partition(".")[0]
    return top == "flask" or top in FLASK_BOUND


def load(filename: str, name: str) -> types.ModuleType:
    """Execute ``apps/<filename>`` as module ``name`` with ``import flask`` giving Kolba."""
    import kolba.compat

    source = pathlib.Path(__file__).with_name(filename)
    spec = importlib.util.spec_from_file_location(name, source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # so the app finds its root path (templates)
    set_aside = {n: m for n, m in sys.modules.items() if _flask_bound(n)}
    for n in set_aside:
        del sys.modules[n]
    kolba.compat.install()
    try:
        import flask.signals  # noqa: F401 - imported by Flask-Login and many others

        spec.loader.exec_module(module)
    finally:
        kolba.compat.uninstall()  # also drops the aliased flask modules
        for n in [n for n in sys.modules if _flask_bound(n)]:
            del sys.modules[n]
        sys.modules.update(set_aside)
    return module


@cache
def extensions_module() -> types.ModuleType:
    """``extensions_app.py`` on Kolba, loaded once for both Kolba columns."""
    return load("extensions_app.py", "benchmarks.apps.extensions_app_on_kolba")


def bench_client() -> tuple[str, str]:
    """The address and user agent every benchmark request carries."""
    environ = base_environ("GET", "/")
    return environ["REMOTE_ADDR"], environ["HTTP_USER_AGENT"]
