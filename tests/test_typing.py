"""Kolba type-checks under mypy --strict, and so does typical user code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.kolba_only

ROOT = Path(__file__).resolve().parent.parent


def _mypy(*targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_package_is_mypy_strict_clean() -> None:
    result = _mypy("src/kolba")
    assert result.returncode == 0, result.stdout + result.stderr


def test_user_code_keeps_its_types() -> None:
    result = _mypy("tests/typing/usage.py")
    assert result.returncode == 0, result.stdout + result.stderr
