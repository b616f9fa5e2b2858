"""The application's configuration mapping and the loaders that fill it.

``Config`` is a plain ``dict`` so reads on the request path cost nothing
extra; the loaders only run at start-up.
"""

from __future__ import annotations

import errno
import json
import os
import types
import typing as t

__all__ = ["Config", "ConfigAttribute"]

T = t.TypeVar("T")

#: ``errno`` values that ``silent=True`` treats as "there is no such file".
_PYFILE_MISSING = frozenset((errno.ENOENT, errno.EISDIR, errno.ENOTDIR))
_FILE_MISSING = frozenset((errno.ENOENT, errno.EISDIR))


class _HasConfig(t.Protocol):
    """Anything with a ``config`` mapping, such as the application."""

    @property
    def config(self) -> t.MutableMapping[str, t.Any]: ...


class ConfigAttribute(t.Generic[T]):
    """Expose one configuration key as an attribute of the owner.

    The application uses it so ``app.testing`` and ``app.config["TESTING"]``
    can never disagree: the attribute holds no value of its own.
    """

    def __init__(
        self, name: str, get_converter: t.Callable[[t.Any], T] | None = None
    ) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    @t.overload
    def __get__(self, obj: None, owner: type[t.Any] | None = None) -> ConfigAttribute[T]: ...

    @t.overload
    def __get__(self, obj: _HasConfig, owner: type[t.Any] | None = None) -> T: ...

    def __get__(
        self, obj: _HasConfig | None, owner: type[t.Any] | None = None
    ) -> T | ConfigAttribute[T]:
        """Read the key from the instance's config, converted if asked."""
        if obj is None:
            return self
        value = obj.config[self.__name__]
        convert = self.get_converter
        return value if convert is None else convert(value)

    def __set__(self, obj: _HasConfig, value: t.Any) -> None:
        """Write straight through to the config so both views stay in step."""
        obj.config[self.__name__] = value


def _upper_items(pairs: t.Iterable[tuple[str, t.Any]]) -> t.Iterator[tuple[str, t.Any]]:
    """Keep only upper-case keys: lower-case names are helpers, not settings."""
    return ((key, value) for key, value in pairs if key.isupper())


class Config(dict):  # type: ignore[type-arg]
    """A ``dict`` of settings plus loaders for files, objects and the environment.

    Only upper-case keys are taken by the object, file and mapping loaders,
    so a settings module may keep lower-case helper names of its own.

    :param root_path: Relative file names given to the loaders are read from
        this folder (the application's ``root_path``).
    :param defaults: Initial values.
    """

    def __init__(
        self,
        root_path: str | os.PathLike[str],
        defaults: t.Mapping[str, t.Any] | None = None,
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def _resolve(self, filename: str | os.PathLike[str]) -> str:
        """Anchor a relative name at ``root_path``; absolute names win."""
        return os.path.join(self.root_path, filename)

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python file named by an environment variable.

        Deployments point the variable at a file outside the package, so the
        error says clearly when the variable itself is missing.

        :return: ``True`` if a file was loaded.
        """
        filename = os.environ.get(variable_name)
        if filename:
            return self.from_pyfile(filename, silent=silent)
        if silent:
            return False
        raise RuntimeError(
            f"The environment variable {variable_name!r} is not set and as"
            " such configuration could not be loaded. Set this variable and"
            " make it point to a configuration file"
        )

    def from_prefixed_env(
        self, prefix: str = "KOLBA", *, loads: t.Callable[[str], t.Any] = json.loads
    ) -> bool:
        """Load every ``{prefix}_*`` environment variable, without the prefix.

        Values go through ``loads`` (JSON by default) so ``KOLBA_DEBUG=true``
        becomes a boolean; a value it cannot parse stays a string. A double
        underscore in the name sets a key inside a nested dict, creating the
        intermediate dicts it needs. Variables are read in sorted order so
        the result does not depend on the environment's ordering.

        :return: Always ``True``.
        """
        start = f"{prefix}_"
        for name in sorted(os.environ):
            if name.startswith(start):
                raw = os.environ[name]
                self._set_nested(name[len(start) :], _parse_env_value(raw, loads))
        return True

    def _set_nested(self, dotted: str, value: t.Any) -> None:
        """Assign ``value`` at the path spelled by ``__``-separated names."""
        *parents, leaf = dotted.split("__")
        target: t.Any = self
        for part in parents:
            if part not in target:
                target[part] = {}
            target = target[part]
        target[leaf] = value

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """Run a Python file and take its upper-case names as settings.

        The file is executed as if it were a module named ``config`` so that
        it can compute values; it is never added to ``sys.modules``.

        :param silent: Return ``False`` instead of raising when the file does
            not exist (or the name is a folder).
        :return: ``True`` if the file was loaded.
        """
        path = self._resolve(filename)
        module = types.ModuleType("config")
        module.__file__ = path
        try:
            with open(path, "rb") as handle:
                exec(compile(handle.read(), path, "exec"), module.__dict__)
        except OSError as exc:
            if silent and exc.errno in _PYFILE_MISSING:
                return False
            _explain_load_error(exc)
            raise
        self.from_object(module)
        return True

    def from_object(self, obj: object | str) -> None:
        """Copy the upper-case attributes of a module, class or instance.

        Attributes are read with ``dir``/``getattr`` so a settings class
        inherits its base class's values. A string is imported first
        (``"package.module"`` or ``"package.module:Name"``).
        """
        if isinstance(obj, str):
            from werkzeug.utils import import_string

            obj = import_string(obj)
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: t.Callable[[t.IO[t.Any]], t.Mapping[str, t.Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Read a data file with ``load`` and pass the mapping to ``from_mapping``.

        ``load`` is e.g. ``json.load`` (text mode) or ``tomllib.load``
        (``text=False``, since TOML is read from bytes).

        :param silent: Return ``False`` instead of raising when the file does
            not exist.
        :return: ``True`` if the file was loaded.
        """
        path = self._resolve(filename)
        try:
            with open(path, "r" if text else "rb") as handle:
                data = load(handle)
        except OSError as exc:
            if silent and exc.errno in _FILE_MISSING:
                return False
            _explain_load_error(exc)
            raise
        return self.from_mapping(data)

    def from_mapping(
        self, mapping: t.Mapping[str, t.Any] | None = None, **kwargs: t.Any
    ) -> bool:
        """Update like ``dict.update`` but skip keys that are not upper-case.

        :return: Always ``True``.
        """
        merged: dict[str, t.Any] = {}
        if mapping is not None:
            merged.update(mapping)
        merged.update(kwargs)
        self.update(_upper_items(merged.items()))
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, t.Any]:
        """Collect the settings whose keys start with ``namespace``.

        Handy for passing e.g. every ``IMAGE_STORE_*`` setting as keyword
        arguments: by default the prefix is cut off and the rest lower-cased.
        """
        cut = len(namespace) if trim_namespace else 0
        found: dict[str, t.Any] = {}
        for key, value in self.items():
            if key.startswith(namespace):
                name = key[cut:]
                found[name.lower() if lowercase else name] = value
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


def _parse_env_value(raw: str, loads: t.Callable[[str], t.Any]) -> t.Any:
    """Convert with ``loads``; anything it rejects is kept as the raw text."""
    try:
        return loads(raw)
    except Exception:
        return raw


def _explain_load_error(exc: OSError) -> None:
    """Say in the error that it was the configuration file that failed."""
    exc.strerror = f"Unable to load configuration file ({exc.strerror})"
