"""Run Kolba's test suite against Flask 3.1 itself.

Set ``KOLBA_TESTS_AGAINST=flask`` and ``import kolba`` resolves to Flask with
its names spelled the Kolba way.  This proves each test encodes Flask's real
behaviour before Kolba is asked to pass it.
"""

from __future__ import annotations

import importlib
import sys
import types

_SUBMODULES = (
    "app", "blueprints", "cli", "config", "ctx", "globals", "helpers", "json",
    "json.provider", "json.tag", "logging", "sessions", "signals",
    "templating", "testing", "views", "wrappers", "debughelpers", "typing",
)


def _kolba_spelling(name: str) -> str:
    return name.replace("Flask", "Kolba").replace("FLASK", "KOLBA")


def _mirror(flask_module: types.ModuleType, name: str) -> types.ModuleType:
    mirror = types.ModuleType(name)
    for attr, value in vars(flask_module).items():
        if attr in ("__name__", "__spec__", "__loader__", "__package__"):
            continue
        setattr(mirror, attr, value)
        setattr(mirror, _kolba_spelling(attr), value)
    mirror.__path__ = []  # type: ignore[attr-defined]
    return mirror


def install() -> None:
    """Put Flask's modules into ``sys.modules`` under Kolba's names."""
    root = _mirror(importlib.import_module("flask"), "kolba")
    sys.modules["kolba"] = root
    for sub in _SUBMODULES:
        try:
            flask_sub = importlib.import_module(f"flask.{sub}")
        except ImportError:
            continue
        mirror = _mirror(flask_sub, f"kolba.{sub}")
        sys.modules[f"kolba.{sub}"] = mirror
        parent_name, _, leaf = f"kolba.{sub}".rpartition(".")
        setattr(sys.modules[parent_name], leaf, mirror)
