"""The environment variables and env files that configure Kolba, and Flask's names for them.

Kolba reads ``KOLBA_<NAME>`` variables and ``.kolbaenv`` files.  While Flask
code runs on Kolba (the :mod:`kolba.compat` alias is installed, which
``python -m kolba.compat`` and ``kolba --flask-compat`` do), it also reads
Flask's spellings, ``FLASK_<NAME>`` and ``.flaskenv``, so deployments and
scripts written for Flask keep working.  When both spellings are set,
Kolba's wins.

This module imports neither Click nor the app: ``import kolba`` reads the
debug flag through it.
"""

from __future__ import annotations

import os
import sys

KOLBA_PREFIX = "KOLBA_"
FLASK_PREFIX = "FLASK_"

#: Values that switch a flag variable off; anything else non-empty switches it on.
_OFF_WORDS = frozenset({"0", "false", "no"})


def flask_names_active() -> bool:
    """Whether Flask's spellings count too: true while the ``flask`` alias is installed.

    Looked up on every call, because an app module may install the alias
    itself while the ``kolba`` command imports it.
    """
    compat = sys.modules.get("kolba.compat")
    return compat is not None and bool(compat.installed())


def prefixes() -> tuple[str, ...]:
    """The variable prefixes in force, the one that wins first."""
    if flask_names_active():
        return (KOLBA_PREFIX, FLASK_PREFIX)
    return (KOLBA_PREFIX,)


def env_value(name: str) -> str | None:
    """``KOLBA_<name>``, else (under the alias) ``FLASK_<name>``; empty counts as unset."""
    for prefix in prefixes():
        value = os.environ.get(prefix + name)
        if value:
            return value
    return None


def env_flag(name: str, default: bool) -> bool:
    """A yes/no variable: unset gives ``default``; ``0``, ``false`` and ``no`` mean no."""
    value = env_value(name)
    if value is None:
        return default
    return value.lower() not in _OFF_WORDS


def dotenv_file_names() -> tuple[str, ...]:
    """The default env files, lowest precedence first (``.env`` wins over the others)."""
    if flask_names_active():
        return (".flaskenv", ".kolbaenv", ".env")
    return (".kolbaenv", ".env")


def publish(name: str, value: str) -> None:
    """Set ``KOLBA_<name>`` (and Flask's spelling under the alias) for code that reads it."""
    for prefix in prefixes():
        os.environ[prefix + name] = value


def adopt_flask_names(stem: str = "") -> None:
    """Copy each ``FLASK_<stem>...`` variable to its ``KOLBA_`` name, unless that is set.

    Click derives an option's variable from one prefix (``KOLBA_RUN_PORT``
    for ``run --port``); copying lets ``FLASK_RUN_PORT`` and the variables of
    extension commands (``FLASK_DB_...``) reach the same options, with
    Kolba's spelling still winning.  Does nothing unless the alias is
    installed.
    """
    if not flask_names_active():
        return
    start = FLASK_PREFIX + stem
    for key, value in list(os.environ.items()):
        if key.startswith(start) and value:
            os.environ.setdefault(KOLBA_PREFIX + key[len(FLASK_PREFIX) :], value)


def get_debug_flag() -> bool:
    """Debug mode as set by ``KOLBA_DEBUG`` (or ``FLASK_DEBUG`` under the alias)."""
    return env_flag("DEBUG", False)


def get_load_dotenv(default: bool = True) -> bool:
    """Whether to load the default env files; ``KOLBA_SKIP_DOTENV`` turns that off.

    ``FLASK_SKIP_DOTENV`` does the same under the alias.  Without either,
    the answer is ``default``.
    """
    return not env_flag("SKIP_DOTENV", not default)
