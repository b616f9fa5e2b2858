"""The fault app as a server imports it (``tests.safety_apps.faults_served:app``).

Used by ``tests/e2e/test_fault_servers.py``.  Its SQLite file is named by
``KOLBA_FAULT_DB``.  Under ``KOLBA_TESTS_AGAINST=flask`` the same app runs
on Flask.
"""

from __future__ import annotations

import os

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    from tests import _against_flask

    _against_flask.install()

from tests.safety_apps.faults import build_fault_app  # noqa: E402

app = build_fault_app(os.environ["KOLBA_FAULT_DB"])
