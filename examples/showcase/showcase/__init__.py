"""The Kolba showcase: a small but complete app built from the tutorials.

``create_app`` is the application factory: ``gunicorn 'showcase:create_app()'``,
``kolba --app showcase run`` and the tests all build the app through it.
"""

from __future__ import annotations

import logging
import os
import typing as t

from kolba import Kolba

from . import api, auth, csrf, db, errors, main
from .config import CONFIGS, DEV_SECRET_KEY, Config, level_from_name

__all__ = ["create_app"]

#: Chooses the config class when ``create_app`` is given none.
CONFIG_ENV = "SHOWCASE_CONFIG"
#: Puts the instance folder (database) somewhere else, e.g. a temp dir.
INSTANCE_ENV = "SHOWCASE_INSTANCE_PATH"

_HANDLER_MARK = "_showcase_handler"


def create_app(
    config_name_or_object: str | object | t.Mapping[str, t.Any] | None = None,
    *,
    instance_path: str | None = None,
) -> Kolba:
    """Build and wire up a new app.

    ``config_name_or_object`` is ``"development"``, ``"testing"`` or
    ``"production"``, an import path or object for ``config.from_object``, or
    a mapping of overrides applied on top of :class:`Config`. ``None`` reads
    the name from ``$SHOWCASE_CONFIG`` (default ``development``).
    """
    app = Kolba(
        __name__,
        instance_path=instance_path or os.environ.get(INSTANCE_ENV) or None,
        instance_relative_config=True,
    )
    _load_config(app, config_name_or_object)
    _check_secret_key(app)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["DATABASE"] = os.path.join(app.instance_path, app.config["DATABASE"])
    configure_logging(app)

    db.init_app(app)
    csrf.init_app(app)
    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(app, api.bp)
    errors.init_app(app)
    return app


def _load_config(app: Kolba, source: str | object | t.Mapping[str, t.Any] | None) -> None:
    """Apply the chosen configuration to ``app.config``."""
    if source is None:
        source = os.environ.get(CONFIG_ENV, "development")
    if isinstance(source, t.Mapping):
        app.config.from_object(Config)
        app.config.from_mapping(source)
    elif isinstance(source, str) and source in CONFIGS:
        app.config.from_object(CONFIGS[source])
    else:
        app.config.from_object(source)


def _check_secret_key(app: Kolba) -> None:
    """Refuse to serve production traffic with the published dev key."""
    if app.debug or app.testing:
        return
    if app.config["SECRET_KEY"] in (None, "", DEV_SECRET_KEY):
        raise RuntimeError(
            "Set SHOWCASE_SECRET_KEY to a long random value before running in production."
        )


def configure_logging(app: Kolba) -> None:
    """Give ``app.logger`` the level and format named in the config.

    The factory can run many times in one process (the tests do), so the
    handler it added before is replaced rather than stacked.
    """
    from kolba.logging import default_handler, wsgi_errors_stream

    logger: logging.Logger = app.logger
    for handler in list(logger.handlers):
        if handler is default_handler or getattr(handler, _HANDLER_MARK, False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(wsgi_errors_stream)
    handler.setFormatter(logging.Formatter(app.config["LOG_FORMAT"]))
    setattr(handler, _HANDLER_MARK, True)
    logger.addHandler(handler)
    logger.setLevel(level_from_name(app.config["LOG_LEVEL"]))
