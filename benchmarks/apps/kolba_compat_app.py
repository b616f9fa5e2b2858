"""``flask_app.py``, unmodified, on Kolba through ``kolba.compat.install()``.

This is what a drop-in user runs: Flask's import names resolved to Kolba,
with ``flask.signals`` imported as Flask-Login and other extensions do.
The alias is removed again once the module has been executed, so that the
real Flask measured in the same process stays the real Flask; the app built
here is a Kolba app either way.
"""

from __future__ import annotations

from typing import Any

import kolba
from benchmarks.apps import through_alias

_module = through_alias.load("flask_app.py", f"{__name__}.flask_source")
assert isinstance(_module.app, kolba.Kolba), "the alias did not give Kolba"

app = _module.app
hooks_app = _module.hooks_app
session_app = _module.session_app
session_cookie = _module.session_cookie
session_cookies = _module.session_cookies


def __getattr__(name: str) -> Any:
    """``extensions_app`` and ``extensions_cookie``, loaded through the alias on first use."""
    if name == "extensions_app":
        return through_alias.extensions_module().app
    if name == "extensions_cookie":
        return lambda: through_alias.extensions_module().login_cookie(*through_alias.bench_client())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
