"""The safety fixture app as a WSGI server imports it (``tests.safety_apps.served:app``).

Used by ``tests/test_real_servers.py``: ``MAX_CONTENT_LENGTH`` is 1000 bytes
and ``TESTING`` is off, so an unhandled error becomes the 500 page a
deployment would send.  Under ``KOLBA_TESTS_AGAINST=flask`` the server runs
the same app on Flask, to show what Flask itself answers.
"""

from __future__ import annotations

import os

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    from tests import _against_flask

    _against_flask.install()

from tests.safety_apps import build_app  # noqa: E402

#: The body limit the real-server tests cross.
LIMIT = 1000

app = build_app(MAX_CONTENT_LENGTH=LIMIT, TESTING=False)
