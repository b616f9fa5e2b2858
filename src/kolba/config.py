"""Application settings: a ``dict`` with loaders, and attributes that mirror keys.

``app.config`` is read on every request, so :class:`Config` adds nothing to
``dict`` lookups; its loaders run at start-up only.  Every loader except
:meth:`Config.from_prefixed_env` keeps upper-case names only, which lets a
settings module or class hold lower-case helpers of its own.
"""

from __future__ import annotations

import errno
import json
import os
import types
import typing as t

__all__ = ["Config", "ConfigAttribute"]

_T = t.TypeVar("_T")

#: What :func:`_read_settings_file` returns for a missing file under ``silent``
#: (a loader may well return ``None`` for an empty file).
_ABSENT: t.Any = object()

# ``silent=True`` means "a settings file that is not there is not an error".
# For Python files a path running through a regular file counts as not there
# too; data files only forgive a missing file or a folder in its place.
_ABSENT_PYFILE = frozenset({errno.ENOENT, errno.EISDIR, errno.ENOTDIR})
_ABSENT_DATAFILE = frozenset({errno.ENOENT, errno.EISDIR})


class _Configured(t.Protocol):
    """An owner of :class:`ConfigAttribute`: anything with a ``config`` mapping."""

    @property
    def config(self) -> t.MutableMapping[str, t.Any]: ...


class ConfigAttribute(t.Generic[_T]):
    """An attribute that reads and writes one key of its owner's ``config``.

    It stores nothing itself, so ``app.debug`` and ``app.config["DEBUG"]``
    cannot drift apart.  ``get_converter`` turns the stored value into the
    attribute's type on reads (e.g. seconds into a ``timedelta``).
    """

    def __init__(
        self, name: str, get_converter: t.Callable[[t.Any], _T] | None = None
    ) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    @t.overload
    def __get__(self, obj: None, owner: type[t.Any] | None = None) -> ConfigAttribute[_T]: ...

    @t.overload
    def __get__(self, obj: _Configured, owner: type[t.Any] | None = None) -> _T: ...

    def __get__(
        self, obj: _Configured | None, owner: type[t.Any] | None = None
    ) -> _T | ConfigAttribute[_T]:
        """Return the converted setting; on the class, the descriptor itself."""
        if obj is None:
            return self
        stored = obj.config[self.__name__]
        if self.get_converter is None:
            return t.cast(_T, stored)
        return self.get_converter(stored)

    def __set__(self, obj: _Configured, value: t.Any) -> None:
        """Store the value in the owner's config under this attribute's key."""
        obj.config[self.__name__] = value


class Config(dict):  # type: ignore[type-arg]
    """The application's settings, with loaders for files, objects and the environment.

    :param root_path: Folder that relative file names given to the loaders
        start from (the app passes its ``root_path``, or its instance folder
        with ``instance_relative_config=True``).
    :param defaults: Initial settings; the mapping is copied.
    """

    def __init__(
        self, root_path: str | os.PathLike[str], defaults: t.Mapping[str, t.Any] | None = None
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def __repr__(self) -> str:
        return "<%s %s>" % (type(self).__name__, dict.__repr__(self))

    # -- from Python code ---------------------------------------------------

    def from_object(self, obj: object | str) -> None:
        """Copy the upper-case attributes of a module, class or instance.

        Names are found with :func:`dir`, so a settings class also passes on
        what it inherits.  A string is an import path first
        (``"package.module"`` or ``"package.module:Name"``).
        """
        source = _import(obj) if isinstance(obj, str) else obj
        self.update(_upper_case_attributes(source))

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """Execute a Python file and keep its upper-case names.

        The code runs in a fresh module called ``config`` whose ``__file__``
        is the file's path, so it may compute values (and find files next to
        itself); the module is not added to ``sys.modules``.

        :param silent: Return ``False`` when there is no such file.
        :return: Whether a file was loaded.
        """
        path = self._locate(filename)
        module = _read_settings_file(path, "rb", _execute_as_module, silent, _ABSENT_PYFILE)
        if module is _ABSENT:
            return False
        self.from_object(module)
        return True

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python file whose path an environment variable holds.

        :param silent: Return ``False`` when the variable is unset or empty,
            or the file is missing.
        :return: Whether a file was loaded.
        :raise RuntimeError: The variable is unset or empty (without ``silent``).
        """
        path = os.environ.get(variable_name) or None
        if path is not None:
            return self.from_pyfile(path, silent=silent)
        if not silent:
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set and as such"
                " configuration could not be loaded. Set this variable and make it"
                " point to a configuration file"
            )
        return False

    # -- from data ------------------------------------------------------------

    def from_file(
        self, filename: str | os.PathLike[str],
        load: t.Callable[[t.IO[t.Any]], t.Mapping[str, t.Any]],
        silent: bool = False, text: bool = True,
    ) -> bool:
        """Parse a data file with ``load`` and keep its upper-case keys.

        ``load`` receives the open file: ``json.load`` for JSON, or
        ``tomllib.load`` with ``text=False`` since TOML is read as bytes.

        :param silent: Return ``False`` when there is no such file.
        :return: Whether a file was loaded.
        """
        mode = "r" if text else "rb"
        data = _read_settings_file(self._locate(filename), mode, load, silent, _ABSENT_DATAFILE)
        return data is not _ABSENT and self.from_mapping(data)

    def from_mapping(
        self, mapping: t.Mapping[str, t.Any] | None = None, **kwargs: t.Any
    ) -> bool:
        """Add the upper-case items of ``mapping`` and then of ``kwargs``.

        Like ``dict.update``, ``mapping`` may also be an iterable of pairs.

        :return: Always ``True``.
        """
        for source in (dict(mapping or ()), kwargs):
            self.update((key, value) for key, value in source.items() if key.isupper())
        return True

    def from_prefixed_env(
        self, prefix: str | None = None, *, loads: t.Callable[[str], t.Any] = json.loads
    ) -> bool:
        """Load the ``{prefix}_*`` environment variables under their names without it.

        Each value goes through ``loads`` (JSON by default, so ``true`` and
        ``42`` arrive as a bool and an int); what it cannot parse is kept as
        text.  ``__`` in a name steps into nested dicts, which are created
        when missing: ``KOLBA_DB__HOST`` sets ``config["DB"]["HOST"]``.
        Names keep their case, and are read in sorted order.

        The default prefix is ``KOLBA``; while Flask code runs on Kolba (the
        :mod:`kolba.compat` alias is installed) ``FLASK_*`` variables are
        read too, and a ``KOLBA_*`` one wins over its ``FLASK_*`` twin.

        :return: Always ``True``.
        """
        if prefix is None:
            from ._env_names import prefixes

            # The winner last: its values overwrite the other's.
            heads = [name for name in reversed(prefixes())]
        else:
            heads = [f"{prefix}_"]
        for head in heads:
            for name in sorted(name for name in os.environ if name.startswith(head)):
                value = _decode(os.environ[name], loads)
                self._store_at(name[len(head):].split("__"), value)
        return True

    # -- reading --------------------------------------------------------------

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, t.Any]:
        """Return the settings whose keys start with ``namespace``.

        Made for handing a group of settings to a constructor: by default the
        prefix is removed and the rest lower-cased, so ``IMAGE_STORE_PATH``
        becomes ``path`` for ``get_namespace("IMAGE_STORE_")``.
        """
        start = len(namespace) if trim_namespace else 0
        spell: t.Callable[[str], str] = str.lower if lowercase else str
        return {
            spell(key[start:]): value
            for key, value in self.items()
            if key.startswith(namespace)
        }

    # -- helpers ----------------------------------------------------------------

    def _locate(self, filename: str | os.PathLike[str]) -> str:
        """Resolve a file name against ``root_path``; absolute names stay as they are."""
        return os.path.join(self.root_path, filename)

    def _store_at(self, keys: list[str], value: t.Any) -> None:
        """Set ``value`` under the nested ``keys``, creating dicts on the way."""
        node: t.Any = self
        for key in keys[:-1]:
            if key not in node:
                node[key] = {}
            node = node[key]
        node[keys[-1]] = value


def _import(path: str) -> t.Any:
    """Import the object an import path names (Werkzeug's ``import_string``)."""
    from werkzeug.utils import import_string

    return import_string(path)


def _upper_case_attributes(obj: object) -> dict[str, t.Any]:
    """The attributes of ``obj`` whose names are upper case, by name."""
    return {name: getattr(obj, name) for name in dir(obj) if name.isupper()}


def _execute_as_module(handle: t.IO[bytes]) -> types.ModuleType:
    """Run the source in ``handle`` as the body of a new ``config`` module."""
    module = types.ModuleType("config")
    module.__file__ = handle.name
    code = compile(handle.read(), handle.name, "exec")
    exec(code, vars(module))
    return module


def _read_settings_file(
    path: str, mode: str, read: t.Callable[[t.Any], t.Any],
    silent: bool, absent: frozenset[int],
) -> t.Any:
    """Open ``path`` and return what ``read`` makes of it.

    With ``silent``, an error whose ``errno`` is in ``absent`` gives ``_ABSENT``.
    Any other ``OSError`` is re-raised with its message saying that it was a
    configuration file that failed, since the path alone may not tell.
    """
    try:
        with open(path, mode) as handle:
            return read(handle)
    except OSError as error:
        if silent and error.errno in absent:
            return _ABSENT
        error.strerror = f"Unable to load configuration file ({error.strerror})"
        raise


def _decode(raw: str, loads: t.Callable[[str], t.Any]) -> t.Any:
    """Parse an environment value with ``loads``, keeping the text if it fails."""
    try:
        return loads(raw)
    except Exception:
        return raw
