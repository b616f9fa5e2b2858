"""Kolba defers ``werkzeug/__init__.py`` (dev server, test client) until it is needed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.kolba_only


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_kolba_leaves_the_dev_server_and_test_client_unloaded() -> None:
    out = run(
        """
        import sys
        import kolba
        app = kolba.Kolba("x")
        print(sorted(m for m in ("werkzeug.serving", "werkzeug.test", "http.server") if m in sys.modules))
        """
    )
    assert out == "[]"


def test_package_attributes_load_werkzeugs_init_on_demand() -> None:
    out = run(
        """
        import sys
        import kolba
        import werkzeug
        import werkzeug.serving as serving_module
        import werkzeug.test as test_module
        from werkzeug.wrappers import Request, Response
        assert "run_simple" not in vars(werkzeug)
        from werkzeug import Client, run_simple
        assert run_simple is serving_module.run_simple
        assert Client is test_module.Client
        assert werkzeug.Request is Request and werkzeug.Response is Response
        assert "run_simple" in dir(werkzeug)
        try:
            werkzeug.no_such_name
        except AttributeError as e:
            print(e)
        """
    )
    assert out == "module 'werkzeug' has no attribute 'no_such_name'"


def test_submodule_attribute_works_before_init() -> None:
    out = run(
        """
        import sys
        import kolba
        import werkzeug
        print(werkzeug.serving.run_simple.__module__, "werkzeug.test" in sys.modules)
        """
    )
    assert out == "werkzeug.serving False"


def test_werkzeug_imported_first_is_left_alone() -> None:
    out = run(
        """
        import sys
        import werkzeug
        import kolba
        assert sys.modules["werkzeug"] is werkzeug
        print("run_simple" in vars(werkzeug))
        """
    )
    assert out == "True"


def test_threads_racing_for_a_package_attribute_all_get_it() -> None:
    out = run(
        """
        import threading
        import kolba
        import werkzeug
        barrier = threading.Barrier(8)
        seen, errors = [], []
        def grab():
            barrier.wait()
            try:
                seen.append(werkzeug.Client)
            except Exception as e:
                errors.append(repr(e))
        threads = [threading.Thread(target=grab) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(len(seen), len(set(map(id, seen))), errors)
        """
    )
    assert out == "8 1 []"


def test_deferral_on_a_package_with_its_own_getattr(tmp_path: Path) -> None:
    """The mechanism itself: submodules before ``__init__``, then the package's own hook."""
    package = tmp_path / "deferred_pkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import sys\n"
        "sys.modules['deferred_pkg'].init_runs = getattr(sys.modules['deferred_pkg'], 'init_runs', 0) + 1\n"
        "from .helpers import shout\n"
        "def __getattr__(name):\n"
        "    if name == 'old_name':\n"
        "        return 'from the package hook'\n"
        "    raise AttributeError(name)\n"
    )
    (package / "helpers.py").write_text("def shout(text):\n    return text.upper()\n")
    (package / "other.py").write_text("VALUE = 42\n")
    out = run(
        f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from kolba._werkzeug_package import defer_package_init
        defer_package_init("deferred_pkg")
        import deferred_pkg
        from deferred_pkg import helpers
        assert deferred_pkg.other.VALUE == 42
        assert "init_runs" not in vars(deferred_pkg)
        assert deferred_pkg.old_name == "from the package hook"
        assert deferred_pkg.shout("x") == "X" and deferred_pkg.init_runs == 1
        try:
            deferred_pkg.missing
        except AttributeError:
            print("missing raises")
        """
    )
    assert out == "missing raises"
