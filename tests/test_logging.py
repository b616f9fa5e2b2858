"""The app logger: level and handler rules, and the wsgi.errors stream."""

from __future__ import annotations

import io
import logging
import sys
import typing as t

import pytest

import kolba
from kolba.logging import create_logger, default_handler, has_level_handler, wsgi_errors_stream


@pytest.fixture
def fresh_loggers() -> t.Iterator[list[logging.Logger]]:
    """Collect the loggers a test configures and reset them afterwards."""
    touched: list[logging.Logger] = []
    yield touched
    for logger in touched:
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)
        logger.propagate = True


def get_logger(name: str, touched: list[logging.Logger]) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
    touched.append(logger)
    return logger


class StandInApp:
    def __init__(self, name: str, debug: bool = False) -> None:
        self.name = name
        self.debug = debug


@pytest.fixture
def app_logger_reset(app: kolba.Kolba) -> t.Iterator[None]:
    """The test app's logger name is shared between tests: reset it afterwards."""
    logger = logging.getLogger(app.name)
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    yield
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True


# -- has_level_handler ------------------------------------------------------------


def test_has_level_handler_own_handlers(fresh_loggers: list[logging.Logger]) -> None:
    logger = get_logger("kolba_test_lvl", fresh_loggers)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    assert has_level_handler(logger) is False
    quiet = logging.StreamHandler(io.StringIO())
    quiet.setLevel(logging.ERROR)
    logger.addHandler(quiet)
    assert has_level_handler(logger) is False
    logger.setLevel(logging.ERROR)
    assert has_level_handler(logger) is True
    logger.setLevel(logging.DEBUG)
    logger.addHandler(logging.StreamHandler(io.StringIO()))  # level NOTSET: takes all
    assert has_level_handler(logger) is True


def test_has_level_handler_follows_propagation(fresh_loggers: list[logging.Logger]) -> None:
    parent = get_logger("kolba_test_parent", fresh_loggers)
    child = get_logger("kolba_test_parent.child", fresh_loggers)
    parent.propagate = False
    parent.setLevel(logging.WARNING)
    assert has_level_handler(child) is False
    parent.addHandler(logging.StreamHandler(io.StringIO()))
    assert has_level_handler(child) is True
    child.propagate = False
    assert has_level_handler(child) is False


def test_has_level_handler_uses_the_effective_level(fresh_loggers: list[logging.Logger]) -> None:
    parent = get_logger("kolba_test_eff", fresh_loggers)
    child = get_logger("kolba_test_eff.child", fresh_loggers)
    parent.propagate = False
    parent.setLevel(logging.DEBUG)
    handler = logging.StreamHandler(io.StringIO())
    handler.setLevel(logging.INFO)
    parent.addHandler(handler)
    assert has_level_handler(child) is False  # effective level DEBUG < INFO
    child.setLevel(logging.INFO)
    assert has_level_handler(child) is True


# -- create_logger ----------------------------------------------------------------


def test_create_logger_adds_default_handler_when_nothing_would_emit(
    fresh_loggers: list[logging.Logger],
) -> None:
    logger = get_logger("kolba_test_create", fresh_loggers)
    logger.propagate = False
    created = create_logger(StandInApp("kolba_test_create"))  # type: ignore[arg-type]
    assert created is logger
    assert created.handlers == [default_handler]
    assert created.level == logging.NOTSET
    create_logger(StandInApp("kolba_test_create"))  # type: ignore[arg-type]
    assert created.handlers == [default_handler]


def test_create_logger_leaves_configured_logging_alone(
    fresh_loggers: list[logging.Logger],
) -> None:
    parent = get_logger("kolba_test_conf", fresh_loggers)
    parent.propagate = False
    parent.addHandler(logging.StreamHandler(io.StringIO()))
    child = get_logger("kolba_test_conf.app", fresh_loggers)
    created = create_logger(StandInApp("kolba_test_conf.app"))  # type: ignore[arg-type]
    assert created is child
    assert created.handlers == []


def test_create_logger_debug_sets_level_only_if_unset(
    fresh_loggers: list[logging.Logger],
) -> None:
    logger = get_logger("kolba_test_debug", fresh_loggers)
    logger.propagate = False
    create_logger(StandInApp("kolba_test_debug", debug=True))  # type: ignore[arg-type]
    assert logger.level == logging.DEBUG
    logger.setLevel(logging.ERROR)
    create_logger(StandInApp("kolba_test_debug", debug=True))  # type: ignore[arg-type]
    assert logger.level == logging.ERROR
    other = get_logger("kolba_test_nodebug", fresh_loggers)
    create_logger(StandInApp("kolba_test_nodebug", debug=False))  # type: ignore[arg-type]
    assert other.level == logging.NOTSET


# -- the default handler and its stream -------------------------------------------


def test_default_handler_format_and_stream() -> None:
    assert isinstance(default_handler, logging.StreamHandler)
    assert default_handler.stream is wsgi_errors_stream
    assert default_handler.formatter is not None
    assert default_handler.formatter._fmt == (
        "[%(asctime)s] %(levelname)s in %(module)s: %(message)s"
    )


def test_wsgi_errors_stream_outside_a_request_is_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    wsgi_errors_stream.write("to stderr\n")
    wsgi_errors_stream.flush()
    assert capsys.readouterr().err == "to stderr\n"
    assert wsgi_errors_stream._get_current_object() is sys.stderr  # type: ignore[attr-defined]


def test_wsgi_errors_stream_in_a_request(app: kolba.Kolba) -> None:
    errors = io.StringIO()
    with app.test_request_context(errors_stream=errors):
        wsgi_errors_stream.write("to wsgi.errors")
        assert wsgi_errors_stream._get_current_object() is errors  # type: ignore[attr-defined]
    assert errors.getvalue() == "to wsgi.errors"


# -- the app's logger --------------------------------------------------------------


def test_app_logger_is_named_after_the_app(app: kolba.Kolba, app_logger_reset: None) -> None:
    assert app.logger.name == app.name == "kolba_test"
    assert app.logger is logging.getLogger("kolba_test")


def test_app_logger_level_in_debug(app: kolba.Kolba, app_logger_reset: None) -> None:
    app.debug = True
    assert app.logger.level == logging.DEBUG


def test_app_logger_level_without_debug(app: kolba.Kolba, app_logger_reset: None) -> None:
    assert app.logger.level == logging.NOTSET
    assert app.logger.getEffectiveLevel() == logging.getLogger().getEffectiveLevel()


def test_app_logger_writes_to_wsgi_errors_in_requests(
    app: kolba.Kolba, app_logger_reset: None
) -> None:
    logging.getLogger(app.name).propagate = False
    assert app.logger.handlers == [default_handler]

    @app.route("/")
    def index() -> str:
        app.logger.error("something %s", "broke")
        return "ok"

    errors = io.StringIO()
    rv = app.test_client().get("/", errors_stream=errors)
    assert rv.status_code == 200
    assert "ERROR in test_logging: something broke\n" in errors.getvalue()
    assert errors.getvalue().startswith("[")


def test_unhandled_exception_is_logged(app: kolba.Kolba, app_logger_reset: None) -> None:
    logging.getLogger(app.name).propagate = False
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/fail")
    def fail() -> str:
        raise ZeroDivisionError("nope")

    errors = io.StringIO()
    rv = app.test_client().get("/fail", errors_stream=errors)
    assert rv.status_code == 500
    text = errors.getvalue()
    assert "ERROR in app: Exception on /fail [GET]" in text
    assert "ZeroDivisionError: nope" in text
