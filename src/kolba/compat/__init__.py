"""Run Flask code unmodified: ``import kolba.compat; kolba.compat.install()``.

After ``install()``, ``import flask`` and ``import flask.<module>`` give
Kolba's modules, with Flask's spellings (``Flask``, ``FlaskClient``,
``FlaskGroup``, ...) added beside Kolba's, so Flask extensions and apps
work on Kolba without edits.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import typing as t

from . import _dunder_version

if t.TYPE_CHECKING:
    import importlib.metadata

#: Flask's module names and the Kolba module each one maps to.
MODULES: dict[str, str] = {
    "flask": "kolba",
    "flask.app": "kolba.app",
    "flask.blueprints": "kolba.blueprints",
    "flask.cli": "kolba.cli",
    "flask.config": "kolba.config",
    "flask.ctx": "kolba.ctx",
    "flask.debughelpers": "kolba.debughelpers",
    "flask.globals": "kolba.globals",
    "flask.helpers": "kolba.helpers",
    "flask.json": "kolba.json",
    "flask.json.provider": "kolba.json.provider",
    "flask.json.tag": "kolba.json.tag",
    "flask.logging": "kolba.logging",
    "flask.sessions": "kolba.sessions",
    "flask.signals": "kolba.signals",
    "flask.templating": "kolba.templating",
    "flask.testing": "kolba.testing",
    "flask.typing": "kolba.typing",
    "flask.views": "kolba.views",
    "flask.wrappers": "kolba.wrappers",
    "flask.scaffold": "kolba.scaffold",
}

#: Flask's IO-free layer: Kolba has no separate one, so these modules hold
#: Flask's names for the corresponding Kolba classes.
SANSIO: dict[str, dict[str, tuple[str, str]]] = {
    "flask.sansio": {},
    "flask.sansio.app": {"App": ("kolba.app", "Kolba")},
    "flask.sansio.blueprints": {
        "Blueprint": ("kolba.blueprints", "Blueprint"),
        "BlueprintSetupState": ("kolba.blueprints", "BlueprintSetupState"),
    },
    "flask.sansio.scaffold": {
        "Scaffold": ("kolba.scaffold", "Scaffold"),
        "setupmethod": ("kolba.scaffold", "setupmethod"),
    },
}


def flask_spelling(name: str) -> str:
    """``KolbaClient`` -> ``FlaskClient``, ``KOLBA_APP`` -> ``FLASK_APP``."""
    return name.replace("Kolba", "Flask").replace("KOLBA", "FLASK")


def add_flask_spellings(module: types.ModuleType) -> None:
    """Give every Kolba-named public attribute its Flask name as well."""
    for name, value in list(vars(module).items()):
        alias = flask_spelling(name)
        if alias != name and not hasattr(module, alias):
            setattr(module, alias, value)


class _FlaskAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``flask.*`` imports with the matching Kolba modules.

    It also answers ``importlib.metadata`` queries for the Flask
    distribution when no real Flask is installed (see
    :mod:`kolba.compat._metadata`).
    """

    def find_distributions(
        self, context: importlib.metadata.DistributionFinder.Context | None = None
    ) -> t.Iterable[importlib.metadata.Distribution]:
        """Offer Flask's metadata, for ``importlib.metadata.version("flask")``."""
        from importlib.metadata import DistributionFinder

        from ._metadata import flask_distributions

        return flask_distributions(context or DistributionFinder.Context())

    def find_spec(
        self, fullname: str, path: t.Any = None, target: t.Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MODULES and fullname not in SANSIO:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        if spec.name in SANSIO:
            return _sansio_module(spec.name)
        module = importlib.import_module(MODULES[spec.name])
        _own_specs[id(module)] = module.__spec__
        if spec.name == "flask":
            _load_lazy_exports(module)
            _dunder_version.answer_as_flask(module)
        add_flask_spellings(module)
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """The Kolba module is already executed; only undo import's relabelling.

        The import system sets ``__spec__`` to the ``flask.*`` spec on the
        module it was handed; the Kolba module keeps its own, so reloading
        and tools that read ``__spec__`` still see ``kolba``.
        """
        original = _own_specs.pop(id(module), None)
        if original is not None:
            module.__spec__ = original


def _sansio_module(name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__path__ = []
    for attr, (source, source_attr) in SANSIO[name].items():
        setattr(module, attr, getattr(importlib.import_module(source), source_attr))
    return module


def _load_lazy_exports(module: types.ModuleType) -> None:
    """Import everything ``import flask`` would have imported.

    Flask's package imports all its submodules, so code may use
    ``flask.sessions`` or ``flask.json.tag`` after a bare ``import flask``.
    """
    for name in getattr(module, "__all__", ()):
        try:
            getattr(module, name)
        except (AttributeError, ImportError):
            continue
    for kolba_name in MODULES.values():
        try:
            importlib.import_module(kolba_name)
        except ImportError:
            continue


#: Kolba modules' own specs, kept across the alias import that relabels them.
_own_specs: dict[int, importlib.machinery.ModuleSpec | None] = {}

_finder = _FlaskAliasFinder()


def install() -> None:
    """Make ``flask`` and its submodules resolve to Kolba, process-wide."""
    for name in [n for n in sys.modules if n == "flask" or n.startswith("flask.")]:
        del sys.modules[name]
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def uninstall() -> None:
    """Undo :func:`install`; the real Flask imports again afterwards."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    _dunder_version.restore()
    for name in [n for n in sys.modules if n == "flask" or n.startswith("flask.")]:
        del sys.modules[name]


def installed() -> bool:
    """Whether :func:`install` is in effect, so ``import flask`` gives Kolba.

    The CLI asks this to decide whether Flask's environment names
    (``FLASK_APP``, ``.flaskenv``, ...) count as well as Kolba's.
    """
    return _finder in sys.meta_path
