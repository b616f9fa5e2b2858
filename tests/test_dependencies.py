"""The declared dependency ranges are the ones CI tests."""

from __future__ import annotations

import pathlib
import re
import sys

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = pathlib.Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.kolba_only


def _lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    bounds = {}
    for requirement in project["dependencies"]:
        found = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement)
        assert found, f"{requirement!r} declares no lower bound"
        bounds[found[1].lower()] = found[2]
    return bounds


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints" / "lowest.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.lower()] = version
    return pins


def _same_version(a: str, b: str) -> bool:
    def parts(v: str) -> list[int]:
        numbers = [int(p) for p in v.split(".")]
        while numbers and numbers[-1] == 0:
            numbers.pop()
        return numbers

    return parts(a) == parts(b)


def test_lowest_constraints_pin_exactly_the_declared_lower_bounds() -> None:
    bounds, pins = _lower_bounds(), _pins()
    assert bounds.keys() == pins.keys()
    drift = {name: (bounds[name], pins[name]) for name in bounds if not _same_version(bounds[name], pins[name])}
    assert drift == {}
