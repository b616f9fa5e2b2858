"""The short soak against one real server: load it for two seconds, then audit the database.

The server follows the door the suite drives: uvicorn serving ``app.asgi``
when ``KOLBA_TESTS_DOOR=asgi``, gunicorn's sync workers otherwise. The full
comparison (every server, 30 s each) is ``make soak``; its figures are in
docs/reliability.md.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import ASGI_DOOR
from tests.e2e._servers import module_available
from tools.soak.run import Settings, first_traceback, soak
from tools.soak.servers import SERVERS_BY_NAME

pytestmark = pytest.mark.kolba_only

SERVER = SERVERS_BY_NAME["uvicorn-asgi" if ASGI_DOOR else "gunicorn-sync"]
REQUIRE = bool(os.environ.get("KOLBA_REQUIRE_E2E"))


@pytest.mark.skipif(
    not (module_available(SERVER.arguments[0]) or REQUIRE),
    reason=f"{SERVER.arguments[0]} is not installed; set KOLBA_REQUIRE_E2E=1 to make this an error",
)
def test_short_soak_meets_every_target() -> None:
    settings = Settings(seconds=2.0, clients=6, workers=2, first_sample=0.7, judge_drift=False)
    result = soak(SERVER, settings)
    assert result.failures() == [], result.log_tail
    assert result.tally.requests > 20
    assert result.audit is not None
    assert result.audit.creates > 0
    assert result.audit.found == result.audit.expected_present > 0
    assert len(result.samples) == 2
    assert all(result.samples[0].rss.values())


def test_a_failed_run_shows_the_server_logs_first_traceback() -> None:
    log = (
        "INFO started\n"
        "ERROR Exception on /api/notes [POST]\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in f\n'
        "sqlite3.OperationalError: database is locked\n"
        "INFO more\n"
    )
    excerpt = first_traceback(log)
    assert excerpt.startswith("ERROR Exception on /api/notes [POST]\nTraceback")
    assert "database is locked" in excerpt
    assert first_traceback(log, size=20) == "ERROR Exception on /"
    assert first_traceback("Traceback (most recent call last):\n  x\n").startswith("Traceback")
    assert first_traceback("no trouble here\n") == ""
