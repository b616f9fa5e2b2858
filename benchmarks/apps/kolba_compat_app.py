"""``flask_app.py``, unmodified, on Kolba through ``kolba.compat.install()``.

This is what a drop-in user runs: Flask's import names resolved to Kolba,
with ``flask.signals`` imported as Flask-Login and other extensions do.
The alias is removed again once the module has been executed, so that the
real Flask measured in the same process stays the real Flask; the app built
here is a Kolba app either way.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
import types

import kolba.compat


def _load_flask_app_through_the_alias() -> types.ModuleType:
    source = pathlib.Path(__file__).with_name("flask_app.py")
    spec = importlib.util.spec_from_file_location(f"{__name__}.flask_source", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # so the app finds its root path (templates)
    kolba.compat.install()
    try:
        import flask.signals  # noqa: F401 - imported by Flask-Login and many others

        spec.loader.exec_module(module)
    finally:
        kolba.compat.uninstall()
    return module


_module = _load_flask_app_through_the_alias()
assert isinstance(_module.app, kolba.Kolba), "the alias did not give Kolba"

app = _module.app
hooks_app = _module.hooks_app
session_app = _module.session_app
session_cookie = _module.session_cookie
