"""Configuration classes, one per environment.

``create_app`` loads one of these with ``app.config.from_object``. Values
that differ per machine come from ``SHOWCASE_*`` environment variables, so a
real secret never has to live in the source tree.
"""

from __future__ import annotations

import logging
import os

#: Published in this file, so production refuses to start with it.
DEV_SECRET_KEY = "dev-only-insecure-key"


def _env(name: str, default: str) -> str:
    """A ``SHOWCASE_<name>`` environment variable, or ``default``."""
    return os.environ.get(f"SHOWCASE_{name}", default)


class Config:
    """Settings every environment shares."""

    DEBUG = False
    TESTING = False
    #: Signs the session cookie; set ``SHOWCASE_SECRET_KEY`` outside development.
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET_KEY)
    #: A relative path is resolved inside the app's instance folder.
    DATABASE = _env("DATABASE", "showcase.sqlite")
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")
    LOG_FORMAT = "[%(asctime)s] %(levelname)s in %(module)s: %(message)s"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Upper bounds the forms and the API enforce.
    MAX_TITLE_LENGTH = 200
    MAX_TEXT_LENGTH = 5000


class DevelopmentConfig(Config):
    """Local work: debug mode and chatty logs."""

    DEBUG = True
    LOG_LEVEL = _env("LOG_LEVEL", "DEBUG")


class TestingConfig(Config):
    """The test suite: errors propagate, a throwaway key, quiet logs."""

    TESTING = True
    SECRET_KEY = "testing-key"
    LOG_LEVEL = "WARNING"


class ProductionConfig(Config):
    """A deployment: the secret key must come from ``SHOWCASE_SECRET_KEY``."""

    #: Behind HTTPS, set ``SHOWCASE_SESSION_COOKIE_SECURE=true``.
    SESSION_COOKIE_SECURE = _env("SESSION_COOKIE_SECURE", "false").lower() == "true"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def level_from_name(name: str | int) -> int:
    """Turn ``"debug"`` or ``10`` into a logging level, rejecting typos early."""
    if isinstance(name, int):
        return name
    level = logging.getLevelName(name.upper())
    if not isinstance(level, int):
        raise ValueError(f"Unknown LOG_LEVEL {name!r}.")
    return level
