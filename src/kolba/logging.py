"""``app.logger``: a standard :mod:`logging` logger, configured only if nobody else did.

Kolba never overrides a logging set-up made by the application.  It steps in
in two cases only: a logger whose records no handler would print gets
:data:`default_handler`, and in debug mode a logger whose level was never set
gets ``DEBUG``.
"""

from __future__ import annotations

import logging
import sys
import typing as t

from werkzeug.local import LocalProxy

from .globals import _get_frame

__all__ = ["create_logger", "default_handler", "has_level_handler", "wsgi_errors_stream"]


class _NamedApp(t.Protocol):
    """The parts of the application that decide how its logger is set up."""

    @property
    def name(self) -> str: ...

    @property
    def debug(self) -> bool: ...


def _errors_stream_now() -> t.TextIO:
    """The stream errors belong to at this moment.

    Inside a request that is the server's ``wsgi.errors`` stream, so messages
    end up in the server's error log next to the request; otherwise standard
    error.
    """
    frame = _get_frame(None)
    if frame is None or frame[1] is None:
        return sys.stderr
    stream: t.TextIO = frame[1].request.environ["wsgi.errors"]
    return stream


#: Writes to the current request's ``wsgi.errors`` stream, or to
#: ``sys.stderr`` outside a request.  In a logging configuration it is
#: ``ext://kolba.logging.wsgi_errors_stream``.
wsgi_errors_stream: t.TextIO = LocalProxy(_errors_stream_now)  # type: ignore[assignment]


def _reached_loggers(logger: logging.Logger) -> t.Iterator[logging.Logger]:
    """Yield ``logger`` and then each ancestor its records propagate up to."""
    current: logging.Logger | None = logger
    while current is not None:
        yield current
        current = current.parent if current.propagate else None


def has_level_handler(logger: logging.Logger) -> bool:
    """Tell whether a record at the logger's effective level would be handled.

    A handler counts if its own level lets such a record through and it sits
    on the logger or on an ancestor that the records propagate to.
    """
    threshold = logger.getEffectiveLevel()
    return any(
        handler.level <= threshold
        for reached in _reached_loggers(logger)
        for handler in reached.handlers
    )


#: The handler added when nothing else would print the app's records: it
#: writes ``[time] LEVEL in module: message`` lines to
#: :data:`wsgi_errors_stream`.  Remove it from ``app.logger`` to take over.
default_handler = logging.StreamHandler(wsgi_errors_stream)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def create_logger(app: _NamedApp) -> logging.Logger:
    """Return the logger named after the app, with the gaps in its set-up filled.

    This is what ``app.logger`` calls the first time it is read.
    """
    logger = logging.getLogger(app.name)
    _fill_gaps(logger, app.debug)
    return logger


def _fill_gaps(logger: logging.Logger, debug: bool) -> None:
    """Make sure the logger's records are seen, touching only what is unset.

    In debug mode a level that was never set becomes ``DEBUG``; a logger
    whose records would reach no handler gets :data:`default_handler`.
    """
    if debug and logger.level == logging.NOTSET:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
