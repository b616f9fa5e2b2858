"""Makes ``import kolba`` give Flask in child processes of the tests run against Flask.

Only on ``PYTHONPATH`` when ``KOLBA_TESTS_AGAINST=flask``.
"""

import os
import sys

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    sys.path.insert(0, os.environ["KOLBA_TESTS_ROOT"])
    from tests import _against_flask

    _against_flask.install()
