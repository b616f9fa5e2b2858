"""Environment files: ``.kolbaenv`` and ``.env`` (and ``.flaskenv`` under the Flask alias).

They are read with python-dotenv when it is installed and never override a
variable that is already set, so the real environment always wins.
"""

from __future__ import annotations

import os
import typing as t

import click

from ._env_names import dotenv_file_names

if t.TYPE_CHECKING:
    from types import ModuleType


def _dotenv_module() -> ModuleType | None:
    try:
        import dotenv
    except ImportError:
        return None
    return dotenv


def dotenv_available() -> bool:
    """Whether python-dotenv (an optional dependency) can be imported."""
    return _dotenv_module() is not None


def _tip_install_dotenv(path: str | os.PathLike[str] | None) -> None:
    """Env files that would be ignored deserve a word on stderr."""
    if path is not None or any(os.path.isfile(name) for name in dotenv_file_names()):
        click.secho(
            " * Tip: There are .env files present. Install python-dotenv to use them.",
            fg="yellow",
            err=True,
        )


def _files_by_precedence(
    dotenv: ModuleType, path: str | os.PathLike[str] | None, load_defaults: bool
) -> list[str | os.PathLike[str]]:
    """The files to read, the one that wins first: ``path``, then the defaults found upward."""
    files: list[str | os.PathLike[str]] = []
    if path is not None and os.path.isfile(path):
        files.append(path)
    if load_defaults:
        for name in reversed(dotenv_file_names()):
            found = dotenv.find_dotenv(name, usecwd=True)
            if found:
                files.append(found)
    return files


def load_dotenv(path: str | os.PathLike[str] | None = None, load_defaults: bool = True) -> bool:
    """Set environment variables from env files, never replacing one already set.

    ``path`` wins over the default files (``.env``, then ``.kolbaenv``, each
    the nearest one upward from the current folder); ``load_defaults=False``
    reads ``path`` alone.  Returns whether the files held any variable.
    Without python-dotenv nothing is read (a tip is printed when files exist).
    """
    dotenv = _dotenv_module()
    if dotenv is None:
        _tip_install_dotenv(path)
        return False
    found: dict[str, str] = {}
    for file in _files_by_precedence(dotenv, path, load_defaults):
        for key, value in dotenv.dotenv_values(file, encoding="utf-8").items():
            if value is not None:
                found.setdefault(key, value)
    for key, value in found.items():
        os.environ.setdefault(key, value)
    return bool(found)
