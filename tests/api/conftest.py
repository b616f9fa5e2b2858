"""Typed views (kolba.api) are Kolba's own: skipped when the suite runs against Flask."""

from __future__ import annotations

import os

if os.environ.get("KOLBA_TESTS_AGAINST") == "flask":
    # Flask has no kolba.api, so these modules would fail at import; every
    # module here is also marked kolba_only.
    collect_ignore_glob = ["test_*.py"]
