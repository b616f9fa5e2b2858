"""Fixtures for the end-to-end tests: a screenshot of every failed browser test."""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

#: Where each test's call-phase report is kept, for fixtures' teardown to read.
CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> t.Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


def call_failed(node: pytest.Item) -> bool:
    """Whether ``node``'s test body failed (known during fixture teardown)."""
    report = node.stash.get(CALL_REPORT, None)
    return report is not None and report.failed


def artifact_path(node: pytest.Item, suffix: str) -> Path:
    """A file under ``tests/e2e/artifacts`` named after the test."""
    ARTIFACTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name)
    return ARTIFACTS / f"{safe}{suffix}"
