"""The Kolba showcase: a small but complete app built from the tutorials.

``create_app`` is the application factory: ``gunicorn 'showcase:create_app()'``,
``kolba --app showcase run`` and the tests all build the app through it.
"""

from __future__ import annotations

import logging
import os
import typing as t

from kolba import Kolba

from . import account, api, auth, csrf, current_user, db, errors, headers, main, tokens
from .config import Config, config_class, from_environment, level_from_name
from .secret_key import check_secret_key

__all__ = ["create_app"]

#: Chooses the config class when ``create_app`` is given none.
CONFIG_ENV = "SHOWCASE_CONFIG"
#: What ``create_app()`` builds when nothing says otherwise: never debug.
DEFAULT_CONFIG = "production"
#: Puts the instance folder (database) somewhere else, e.g. a temp dir.
INSTANCE_ENV = "SHOWCASE_INSTANCE_PATH"

_HANDLER_MARK = "_showcase_handler"
#: The OpenAPI document's description (``/openapi.json``, shown on ``/docs``).
API_DESCRIPTION = (
    "The showcase's notes, in JSON. Authenticate with an API token from the dashboard"
    " (`Authorization: Bearer sct_...`) or the logged-in session; callers see only their own notes."
)


def create_app(
    config_name_or_object: str | object | t.Mapping[str, t.Any] | None = None,
    *,
    instance_path: str | None = None,
) -> Kolba:
    """Build and wire up a new app.

    ``config_name_or_object`` is ``"production"``, ``"development"`` or
    ``"testing"``, an import path or object for ``config.from_object``, or a
    mapping of overrides applied on top of :class:`Config`. ``None`` reads
    the name from ``$SHOWCASE_CONFIG``, and without it builds production,
    which refuses to start without a strong ``SHOWCASE_SECRET_KEY``.
    """
    app = Kolba(
        __name__,
        instance_path=instance_path or os.environ.get(INSTANCE_ENV) or None,
        instance_relative_config=True,
    )
    _load_config(app, config_name_or_object)
    check_secret_key(app)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["DATABASE"] = os.path.join(app.instance_path, app.config["DATABASE"])
    configure_logging(app)

    db.init_app(app)  # first: the blueprints' rules use its ``id`` converter
    tokens.init_app(app)
    current_user.init_app(app)  # before the CSRF check, so its error page knows the user
    csrf.init_app(app)
    headers.init_app(app)
    for blueprint in (main.bp, auth.bp, account.bp, api.bp):
        app.register_blueprint(blueprint)
    csrf.exempt(app, api.bp)
    api.NotesAPI(app, title="Kolba Showcase", version="1.0.0", description=API_DESCRIPTION)
    errors.init_app(app)
    return app


def _load_config(app: Kolba, source: str | object | t.Mapping[str, t.Any] | None) -> None:
    """Apply the chosen configuration, then ``SHOWCASE_*`` variables, then overrides.

    The environment is not read for the testing config, so variables a
    developer exported never reach the test suite.
    """
    if source is None:
        source = os.environ.get(CONFIG_ENV, DEFAULT_CONFIG)
    overrides: t.Mapping[str, t.Any] = {}
    if isinstance(source, t.Mapping):
        overrides, source = source, Config
    elif isinstance(source, str):
        source = config_class(source)
    app.config.from_object(source)
    if not (app.config["TESTING"] or overrides.get("TESTING")):
        app.config.update(from_environment())
    app.config.update(overrides)


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
