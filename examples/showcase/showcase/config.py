"""Configuration classes, one per environment, and the variables that fill them.

Production is the default: ``create_app()`` with no argument and no
``SHOWCASE_CONFIG`` builds a production app, which refuses to start without a
strong ``SHOWCASE_SECRET_KEY`` (see ``secret_key.py``). Development has to be
asked for (``run.py`` and ``make run`` do), so a forgotten variable can never
turn a deployment into a debug server signing sessions with a known key.

Values that differ per machine come from ``SHOWCASE_*`` environment variables,
read when the app is created (not when this module is imported), so a real
secret never has to live in the source tree.
"""

from __future__ import annotations

import logging
import os
import typing as t

#: The key the test suite signs cookies with. It is in this file, so it is
#: public: ``create_app`` refuses it whenever ``TESTING`` is off.
TESTING_SECRET_KEY = "testing-key-never-valid-outside-the-test-suite"

#: The config keys a ``SHOWCASE_<key>`` environment variable may set.
ENVIRONMENT_KEYS = ("SECRET_KEY", "DATABASE", "LOG_LEVEL")


class Config:
    """Settings every environment shares; on their own they are production's."""

    DEBUG = False
    TESTING = False
    #: Signs the session cookie. Production takes it from ``SHOWCASE_SECRET_KEY``.
    SECRET_KEY: str | bytes | None = None
    #: A relative path is resolved inside the app's instance folder.
    DATABASE = "showcase.sqlite"
    LOG_LEVEL = "INFO"
    LOG_FORMAT = "[%(asctime)s] %(levelname)s in %(module)s: %(message)s"

    # The session cookie: never readable by scripts, not sent on cross-site
    # POSTs, and only over HTTPS (browsers treat http://localhost as secure).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True

    # Request limits. The largest valid note (200 + 5,000 characters, each
    # up to 12 bytes once JSON- or percent-escaped) is about 63 KiB, so
    # 128 KiB refuses nothing legitimate and stops a 100 MB upload at the door.
    MAX_CONTENT_LENGTH = 128 * 1024
    MAX_FORM_MEMORY_SIZE = 64 * 1024
    #: No form here has more than a handful of fields.
    MAX_FORM_PARTS = 50

    #: Werkzeug's default method, named so the dummy hash (``passwords.py``)
    #: and real ones always cost the same.
    PASSWORD_HASH_METHOD = "scrypt"

    # Login throttling (``throttle.py``): after this many failures within
    # the window, further attempts get 429 until the oldest failure expires.
    LOGIN_FAILURES_PER_USER = 5
    LOGIN_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW = 15 * 60

    #: Upper bounds the forms and the API enforce.
    MAX_TITLE_LENGTH = 200
    MAX_TEXT_LENGTH = 5000


class ProductionConfig(Config):
    """A deployment: the base settings, a strong key from the environment."""


class DevelopmentConfig(Config):
    """Local work: debug mode, chatty logs, cookies over plain HTTP.

    Without ``SHOWCASE_SECRET_KEY`` the app gets a random key per process
    (``secret_key.py``), so sessions last until the server restarts.
    """

    DEBUG = True
    LOG_LEVEL = "DEBUG"
    SESSION_COOKIE_SECURE = False


class TestingConfig(Config):
    """The test suite: errors propagate, a public key, quiet logs, cheap hashes.

    The environment is not read for this config, so a developer's exported
    ``SHOWCASE_DATABASE`` can never point the tests at real data.
    """

    TESTING = True
    SECRET_KEY = TESTING_SECRET_KEY
    LOG_LEVEL = "WARNING"
    #: Fast enough for hundreds of logins in a test run; never use it for real.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_class(name: str) -> type[Config] | str:
    """The class for a config name; a dotted name is returned as an import path."""
    if name in CONFIGS:
        return CONFIGS[name]
    if "." in name:
        return name
    raise ValueError(
        f"Unknown config {name!r}; use one of {', '.join(sorted(CONFIGS))},"
        " or the import path of a config class."
    )


def from_environment() -> dict[str, t.Any]:
    """The config keys set by ``SHOWCASE_*`` variables, read now."""
    found = {key: os.environ.get(f"SHOWCASE_{key}") for key in ENVIRONMENT_KEYS}
    return {key: value for key, value in found.items() if value is not None}


def level_from_name(name: str | int) -> int:
    """Turn ``"debug"`` or ``10`` into a logging level, rejecting typos early."""
    if isinstance(name, int):
        return name
    level = logging.getLevelName(name.upper())
    if not isinstance(level, int):
        raise ValueError(f"Unknown LOG_LEVEL {name!r}.")
    return level
