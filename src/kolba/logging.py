"""The application logger and the handler Kolba adds when nobody else did."""

from __future__ import annotations

import logging
import sys
import typing as t

from werkzeug.local import LocalProxy

from .globals import request_ctx

__all__ = ["wsgi_errors_stream", "has_level_handler", "default_handler", "create_logger"]


class _AppLike(t.Protocol):
    """What ``create_logger`` reads from the application."""

    @property
    def name(self) -> str: ...

    @property
    def debug(self) -> bool: ...


def _error_stream() -> t.TextIO:
    """Pick the stream errors should go to at this moment.

    During a request that is the server's ``wsgi.errors`` (so messages land
    in the server's error log); otherwise standard error.
    """
    try:
        environ = request_ctx.environ
    except RuntimeError:
        return sys.stderr
    return environ["wsgi.errors"]  # type: ignore[no-any-return]


#: A stream that writes to the current request's ``wsgi.errors``, or to
#: ``sys.stderr`` outside a request. Logging configuration files can name it
#: as ``ext://kolba.logging.wsgi_errors_stream``.
wsgi_errors_stream: t.TextIO = LocalProxy(_error_stream)  # type: ignore[assignment]


def has_level_handler(logger: logging.Logger) -> bool:
    """Tell whether some handler would emit records at the logger's level.

    Handlers of ancestor loggers count as long as records propagate to them.
    """
    level = logger.getEffectiveLevel()
    node: logging.Logger | None = logger
    while node is not None:
        if any(handler.level <= level for handler in node.handlers):
            return True
        if not node.propagate:
            return False
        node = node.parent
    return False


def _make_default_handler() -> logging.StreamHandler[t.TextIO]:
    """Build the handler used when logging was not configured."""
    handler = logging.StreamHandler(wsgi_errors_stream)
    handler.setFormatter(
        logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
    )
    return handler


#: Writes to :data:`wsgi_errors_stream` with the format
#: ``[%(asctime)s] %(levelname)s in %(module)s: %(message)s``. Remove it from
#: ``app.logger`` to take over logging completely.
default_handler = _make_default_handler()


def create_logger(app: _AppLike) -> logging.Logger:
    """Return the logger named after the app, configured only if needed.

    In debug mode a logger whose level was never set gets ``DEBUG``. If no
    handler would emit the logger's records, :data:`default_handler` is
    added so errors are never silently lost; a logging setup made by the
    user is left alone.
    """
    logger = logging.getLogger(app.name)
    if app.debug and logger.level == logging.NOTSET:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
