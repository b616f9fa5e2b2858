"""Shared fixtures: an app in testing mode and its client."""

from __future__ import annotations

import os

import pytest

AGAINST_FLASK = os.environ.get("KOLBA_TESTS_AGAINST") == "flask"
#: ``KOLBA_TESTS_LANE=general`` makes the serving core take Flask's public
#: steps for every request (read by ``kolba.core`` at import), so the whole
#: suite checks that both lanes behave alike.
GENERAL_LANE = os.environ.get("KOLBA_TESTS_LANE") == "general"
#: ``KOLBA_TESTS_DOOR=asgi`` makes every test client drive ``app.asgi``.
ASGI_DOOR = os.environ.get("KOLBA_TESTS_DOOR") == "asgi"

if AGAINST_FLASK:
    from tests import _against_flask

    _against_flask.install()
    # The showcase's JSON API is built on typed views (kolba.api), which
    # Flask lacks, so the showcase cannot be imported against Flask. Its
    # end-to-end tests (tests/e2e) serve the real Kolba app in every run.
    collect_ignore = ["test_showcase.py", "test_showcase_security.py"]

import kolba  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "kolba_only: the test checks a Kolba extra that Flask lacks"
    )
    config.addinivalue_line(
        "markers",
        "planned_lane_only: the test checks work the planned lane avoids"
        " (the general lane does it, as Flask does)",
    )
    config.addinivalue_line(
        "markers", "wsgi_only: the test checks something only WSGI has (environ keys, wsgi_app middleware)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skips = []
    if AGAINST_FLASK:
        skips.append(("kolba_only", "Kolba-only behaviour; not checked against Flask"))
    if GENERAL_LANE:
        skips.append(("planned_lane_only", "checks the planned lane; this run forces the general one"))
    if ASGI_DOOR:
        skips.append(("wsgi_only", "WSGI-specific; this run drives app.asgi"))
    for item in items:
        for marker, reason in skips:
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _no_context_leaks(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Fail the test that leaves an app or request context pushed behind it."""
    if AGAINST_FLASK:
        yield
        return
    from kolba.globals import _cv_frame

    before = _cv_frame.get(None)
    yield
    leaked = _cv_frame.get(None)
    if leaked is not before:
        pytest.fail(f"{request.node.nodeid} left a context pushed: {leaked!r}")


@pytest.fixture
def app() -> "kolba.Kolba":
    app = kolba.Kolba("kolba_test", root_path=os.path.dirname(__file__))
    app.config.update(TESTING=True, SECRET_KEY="test key")
    return app


@pytest.fixture
def client(app: "kolba.Kolba"):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def app_ctx(app: "kolba.Kolba"):  # type: ignore[no-untyped-def]
    with app.app_context() as ctx:
        yield ctx


@pytest.fixture
def req_ctx(app: "kolba.Kolba"):  # type: ignore[no-untyped-def]
    with app.test_request_context() as ctx:
        yield ctx
