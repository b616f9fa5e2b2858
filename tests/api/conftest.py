"""Typed views (kolba.api) are Kolba's own: skipped when the suite runs against Flask."""

from __future__ import annotations

import os

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    # Flask has no kolba.api, so these modules would fail at import; every
    # module here is also marked kolba_only.
    collect_ignore_glob = ["test_*.py"]

import typing as t

import pytest

#: Whether a test's body failed, for fixtures that leave evidence in their teardown.
CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> t.Generator[None, t.Any, t.Any]:
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report
