"""Which Python functions a piece of code runs: for tests that a fast path is taken.

Kolba's fast paths give the same answers as the general code they stand in
for, so a test of the answer alone cannot tell whether the fast path ran;
a change that quietly disables one passes every such test.  These helpers
watch the calls (with ``sys.setprofile``; nothing is replaced) so a test can
also say which general code must *not* run.
"""

from __future__ import annotations

import sys
import typing as t

_T = t.TypeVar("_T")


def calls_made(fn: t.Callable[[], _T]) -> tuple[_T, set[str]]:
    """Run ``fn``; return its result and the ``module.qualname`` of every Python function it called."""
    called: set[str] = set()

    def profile(frame: t.Any, event: str, arg: t.Any) -> None:
        if event == "call":
            code = frame.f_code
            called.add(f"{frame.f_globals.get('__name__')}.{getattr(code, 'co_qualname', code.co_name)}")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = fn()
    finally:
        sys.setprofile(previous)
    return result, called


def assert_not_called(called: set[str], *names: str) -> None:
    """Fail naming each of ``names`` (``module.qualname``) found in ``called``."""
    found = sorted(name for name in names if name in called)
    assert not found, f"the general path ran: {found}"
