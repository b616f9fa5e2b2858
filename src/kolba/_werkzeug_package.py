"""Load Werkzeug's modules without its package ``__init__`` until someone asks.

``werkzeug/__init__.py`` imports the development server and the test client
(and with them ``http.server``, ``socketserver``, ``ssl``, ``email`` and
``http.client``) only to offer ``werkzeug.run_simple``, ``werkzeug.Client``,
``werkzeug.Request`` and ``werkzeug.Response`` as shortcuts.  Python runs
that file before any ``werkzeug.*`` submodule, so every Werkzeug-based app
pays for a dev server it does not run in production: about a third of
Kolba's import time and a few MiB of memory per worker.

Kolba imports the submodules it uses directly.  When it is imported before
anything else has imported Werkzeug, it registers the ``werkzeug`` package
with its search path but without running ``__init__``; the first read of an
attribute the package does not have yet (``werkzeug.run_simple``,
``from werkzeug import Client``, ``werkzeug.__version__``) runs the real
``__init__`` in place, so every name Werkzeug defines is there from then on.
Submodules (``import werkzeug.serving``, ``from werkzeug.local import
LocalProxy``) never need it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import threading
import types
import typing as t

_PACKAGE = "werkzeug"


def defer_package_init(package: str = _PACKAGE) -> None:
    """Register ``package`` with its ``__init__`` deferred, unless already imported."""
    if package in sys.modules:
        return
    spec = importlib.util.find_spec(package)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    module = importlib.util.module_from_spec(spec)
    setattr(module, "__getattr__", _run_init_on_first_miss(module, spec.loader))  # noqa: B010
    sys.modules[package] = module


def _run_init_on_first_miss(module: types.ModuleType, loader: t.Any) -> t.Callable[[str], t.Any]:
    """The package's ``__getattr__`` until its ``__init__`` has run."""
    lock = threading.RLock()
    started: list[bool] = []

    def __getattr__(name: str) -> t.Any:
        if not started and _is_submodule(module, name):
            # ``from . import http`` inside Werkzeug probes the package first;
            # ``werkzeug.serving`` works without importing it, as __init__ would.
            return importlib.import_module(f"{module.__name__}.{name}")
        # Other threads wait here until ``__init__`` has finished; the thread
        # running it gets plain misses, as a normal import would give it.
        with lock:
            if not started:
                started.append(True)
                loader.exec_module(module)  # may replace this hook with Werkzeug's
        namespace = module.__dict__
        if name in namespace:
            return namespace[name]
        hook = namespace.get("__getattr__")
        if hook is not None and hook is not __getattr__:
            return hook(name)  # the package's own, e.g. for deprecated names
        raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")

    return __getattr__


def _is_submodule(module: types.ModuleType, name: str) -> bool:
    """Whether ``name`` is a module or package inside ``module``, found without importing it."""
    if name.startswith("__"):
        return False
    return importlib.machinery.PathFinder.find_spec(name, list(module.__path__)) is not None
