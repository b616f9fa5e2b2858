"""``flask.__version__`` as Flask 3.1 answers it: deprecated, via package metadata.

Under the alias the ``flask`` module *is* the ``kolba`` module, so one
attribute has to serve both names.  While the alias is installed, reading
``__version__`` from outside Kolba warns as Flask 3.1 does and answers
``importlib.metadata.version("flask")`` (Flask's version Kolba implements,
or the installed Flask's own).  Kolba's own modules (its ``--version``
line) still read Kolba's version; everyone can ask
``importlib.metadata.version("kolba")``.
"""

from __future__ import annotations

import sys
import types
import typing as t
import warnings

_DEPRECATED = (
    "The '__version__' attribute is deprecated and will be removed in"
    " Flask 3.2. Use feature detection or"
    " 'importlib.metadata.version(\"flask\")' instead."
)

#: What :func:`answer_as_flask` took off the module, for :func:`restore`:
#: the module, Kolba's version string and the module's own ``__getattr__``.
_saved: tuple[types.ModuleType, str, t.Any] | None = None


def _called_from_kolba(depth: int) -> bool:
    """Whether the code reading the attribute belongs to Kolba (not the alias layer)."""
    caller = sys._getframe(depth).f_globals.get("__name__", "")
    return (caller == "kolba" or caller.startswith("kolba.")) and not caller.startswith(
        "kolba.compat"
    )


def answer_as_flask(module: types.ModuleType) -> None:
    """Serve ``module.__version__`` through a deprecated lookup, as Flask 3.1 does."""
    global _saved
    if _saved is not None or "__version__" not in vars(module):
        return
    own_version = vars(module).pop("__version__")
    fallback = vars(module).get("__getattr__")

    def __getattr__(name: str) -> t.Any:
        if name != "__version__":
            if fallback is None:
                raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
            return fallback(name)
        if _called_from_kolba(2):
            return own_version
        warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
        from importlib.metadata import version

        return version("flask")

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    _saved = (module, own_version, fallback)


def restore() -> None:
    """Give the module back its plain ``__version__`` (when the alias is removed)."""
    global _saved
    if _saved is None:
        return
    module, own_version, fallback = _saved
    module.__version__ = own_version  # type: ignore[attr-defined]
    if fallback is None:
        vars(module).pop("__getattr__", None)
    else:
        module.__getattr__ = fallback  # type: ignore[method-assign]
    _saved = None
