"""Kolba's types under ``mypy --strict``: the package itself, and users' code.

``tests/typing/`` holds user code of two kinds:

* files mypy must accept (``usage.py``, ``aliases_accept.py``);
* files mypy must reject, where every line ending in ``# E: <text>`` must
  get an error containing that text, and no other line may get one
  (``aliases_reject.py`` and the ``reject_*.py`` files).

mypy runs once over all of them; each file is then judged on its own.  The
``reject_*.py`` files use Kolba's real decorators, which only refuse bad
functions once they are typed with the ``kolba.typing.T_*`` variables; until
then they are expected failures, and ``strict`` turns them into failures as
soon as the decorators do their job, so the marker gets removed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.kolba_only

ROOT = Path(__file__).resolve().parent.parent
USER_CODE = ROOT / "tests" / "typing"

MUST_PASS = ["usage.py", "aliases_accept.py"]
MUST_FAIL = ["aliases_reject.py"]
MUST_FAIL_ONCE_DECORATORS_ARE_TYPED = [
    "reject_view_return.py", "reject_errorhandler.py", "reject_before_request.py",
]

_EXPECTED = re.compile(r"#\s*E:\s*(?P<text>.+?)\s*$")
_REPORTED = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: (?P<text>.*)$")


def _mypy(*targets: str) -> subprocess.CompletedProcess[str]:
    """Run mypy --strict with this checkout's ``src`` ahead of any installed Kolba."""
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *targets],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def reported() -> dict[str, dict[int, list[str]]]:
    """mypy's errors for every file under ``tests/typing``, by file name and line."""
    files = MUST_PASS + MUST_FAIL + MUST_FAIL_ONCE_DECORATORS_ARE_TYPED
    result = _mypy(*(str(USER_CODE / name) for name in files))
    assert not result.stderr, result.stderr
    errors: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for line in result.stdout.splitlines():
        match = _REPORTED.match(line)
        if match:
            errors[Path(match["path"]).name][int(match["line"])].append(match["text"])
    return errors


def _expected(name: str) -> dict[int, str]:
    """The ``# E:`` expectations of a file, by line number."""
    lines = (USER_CODE / name).read_text().splitlines()
    return {
        number: match["text"]
        for number, line in enumerate(lines, start=1)
        if (match := _EXPECTED.search(line))
    }


def _judge(name: str, reported: dict[str, dict[int, list[str]]]) -> None:
    """Fail unless mypy reported exactly the file's expected errors."""
    expected = _expected(name)
    got = reported.get(name, {})
    missing = {
        line: text for line, text in expected.items()
        if not any(text in message for message in got.get(line, []))
    }
    unexpected = {line: messages for line, messages in got.items() if line not in expected}
    assert not missing and not unexpected, (
        f"{name}: expected but not reported: {missing}; reported but not expected: {unexpected}"
    )


def test_package_is_mypy_strict_clean() -> None:
    result = _mypy("src/kolba")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", MUST_PASS)
def test_user_code_type_checks(name: str, reported: dict[str, dict[int, list[str]]]) -> None:
    assert _expected(name) == {}
    _judge(name, reported)


@pytest.mark.parametrize("name", MUST_FAIL)
def test_aliases_refuse_wrong_functions(
    name: str, reported: dict[str, dict[int, list[str]]]
) -> None:
    assert _expected(name), "a must-fail file needs '# E:' lines"
    _judge(name, reported)


@pytest.mark.parametrize("name", MUST_FAIL_ONCE_DECORATORS_ARE_TYPED)
def test_decorators_refuse_wrong_functions(
    name: str, reported: dict[str, dict[int, list[str]]]
) -> None:
    assert _expected(name), "a must-fail file needs '# E:' lines"
    _judge(name, reported)


def test_expectation_markers_are_read() -> None:
    """The harness itself: a marker is found, with its text, on its own line."""
    expected = _expected("aliases_reject.py")
    assert all(text.startswith("Value of type variable") for text in expected.values())
    source = (USER_CODE / "aliases_reject.py").read_text().splitlines()
    first = min(expected)
    assert source[first - 1].startswith("@route(")


def test_judge_reports_missing_and_unexpected_errors() -> None:
    """The harness itself: both kinds of disagreement with the markers fail."""
    marked = min(_expected("aliases_reject.py"))
    with pytest.raises(AssertionError, match="expected but not reported"):
        _judge("aliases_reject.py", {})
    with pytest.raises(AssertionError, match="reported but not expected"):
        _judge("usage.py", {"usage.py": {marked: ["error: something"]}})


def test_runtime_names_match_flask_typing() -> None:
    """Every public name of ``flask.typing`` exists in ``kolba.typing``."""
    import flask.typing

    import kolba.typing

    flask_names = {name for name in vars(flask.typing) if not name.startswith("_")}
    flask_names -= {"annotations", "cabc", "t"}
    assert flask_names <= set(vars(kolba.typing))
