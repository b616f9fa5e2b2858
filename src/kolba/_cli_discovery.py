"""Finding the application the ``kolba`` command works on.

``--app module:spec`` names a module (dotted, or a file or package path) and
optionally what in it is the app: an attribute, or a factory called with
literal arguments.  Without a spec the module's ``app``/``application``, its
only app, or its ``create_app``/``make_app`` factory is taken.  Every way
of failing ends in a :class:`NoAppException` whose message says what to do.
"""

from __future__ import annotations

import ast
import inspect
import os
import sys
import traceback
import typing as t
from types import ModuleType

import click

if t.TYPE_CHECKING:
    from .app import Kolba

#: Names tried, in order, when the module is given without ``:spec``.
APP_NAMES = ("app", "application")
FACTORY_NAMES = ("create_app", "make_app")
#: Files (or packages, without ``.py``) tried when no app is named at all.
DEFAULT_MODULE_FILES = ("wsgi.py", "app.py")


class NoAppException(click.UsageError):
    """Raised when no application can be found or loaded."""


def _app_class() -> type[Kolba]:
    """The app class, imported late: ``kolba.app`` reaches this module lazily."""
    from .app import Kolba

    return Kolba


def _is_plain_flask_app(value: object) -> bool:
    """Whether ``value`` is a real ``flask.Flask`` (not Kolba under the ``flask`` alias).

    Looked up by class identity in the MRO, so Flask is never imported here.
    """
    return any(
        cls.__name__ == "Flask" and cls.__module__ in ("flask.app", "flask")
        for cls in type(value).__mro__
    )


def flask_app_hint(where: str, spec: str) -> NoAppException:
    """The error for a module that holds a Flask app: say how to run it on Kolba."""
    return NoAppException(
        f"{where} holds a Flask application (flask.Flask), which the kolba command"
        " does not load as it is. Run it on Kolba through the Flask compatibility"
        f" layer, which serves 'import flask' with Kolba: 'python -m kolba.compat"
        f" --app {spec} COMMAND' or 'kolba --flask-compat --app {spec} COMMAND'"
        " (see the compat docs)."
    )


# -- tracebacks without the CLI's own frames ----------------------------------------------------

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _is_cli_machinery(filename: str) -> bool:
    """Frames of the import system and of Kolba's CLI modules say nothing about the user's bug."""
    if filename.startswith("<frozen importlib"):
        return True
    folder, base = os.path.split(os.path.abspath(filename))
    in_kolba = folder in (_PACKAGE_DIR, os.path.join(_PACKAGE_DIR, "compat"))
    return in_kolba and (base == "cli.py" or base.startswith(("_cli", "__main__")))


def user_traceback(exc: BaseException) -> str:
    """``exc`` formatted with only the frames of the user's code."""
    kept = [
        entry
        for entry in traceback.extract_tb(exc.__traceback__)
        if not _is_cli_machinery(entry.filename)
    ]
    head = ["Traceback (most recent call last):\n"] if kept else []
    body = traceback.format_list(kept)
    return "".join(head + body + traceback.format_exception_only(type(exc), exc))


# -- calling factories --------------------------------------------------------------------------


def _accepts(func: t.Callable[..., t.Any], args: t.Sequence[t.Any], kwargs: dict[str, t.Any]) -> bool:
    """Whether ``func`` can be called with these arguments, decided before calling it.

    Checking the signature first keeps a ``TypeError`` raised *inside* the
    factory visible as what it is, a bug in the factory.
    """
    try:
        inspect.signature(func).bind(*args, **kwargs)
    except TypeError:
        return False
    except ValueError:  # no signature to check (a builtin): let the call decide
        return True
    return True


# -- the module's app, without a spec -----------------------------------------------------------


def _apps_in(module: ModuleType) -> list[Kolba]:
    """Every app object the module holds, named or not, each once."""
    app_class = _app_class()
    seen: dict[int, Kolba] = {}
    for value in vars(module).values():
        if isinstance(value, app_class):
            seen.setdefault(id(value), value)
    return list(seen.values())


def _from_factories(module: ModuleType) -> Kolba | None:
    """Call the first conventional factory that yields an app."""
    app_class = _app_class()
    for name in FACTORY_NAMES:
        factory = getattr(module, name, None)
        if not inspect.isfunction(factory):
            continue
        if not _accepts(factory, (), {}):
            raise NoAppException(
                f"Detected factory '{name}' in module '{module.__name__}', but could not"
                f" call it without arguments. Use '{module.__name__}:{name}(args)' to"
                " specify arguments."
            )
        made = factory()
        if isinstance(made, app_class):
            return made
        if _is_plain_flask_app(made):
            raise flask_app_hint(f"The factory '{name}' of module '{module.__name__}'", module.__name__)
    return None


def find_best_app(module: ModuleType) -> Kolba:
    """Pick the app of ``module``: a conventional name, the only app, or a factory's app."""
    app_class = _app_class()
    named = [getattr(module, name, None) for name in APP_NAMES]
    for candidate in named:
        if isinstance(candidate, app_class):
            return candidate
    apps = _apps_in(module)
    if len(apps) == 1:
        return apps[0]
    if apps:
        raise NoAppException(
            f"Detected multiple Kolba applications in module '{module.__name__}'."
            f" Use '{module.__name__}:name' to specify the correct one."
        )
    made = _from_factories(module)
    if made is not None:
        return made
    if any(_is_plain_flask_app(value) for value in vars(module).values()):
        raise flask_app_hint(f"Module '{module.__name__}'", module.__name__)
    raise NoAppException(
        f"Failed to find Kolba application or factory in module '{module.__name__}'."
        f" Use '{module.__name__}:name' to specify one."
    )


# -- the module's app, from ``:spec`` -----------------------------------------------------------


class _Spec(t.NamedTuple):
    """``name`` or ``name(args)`` from ``--app module:spec``; ``call`` says which."""

    name: str
    call: bool
    args: tuple[t.Any, ...]
    kwargs: dict[str, t.Any]


def _literal_call_arguments(node: ast.Call, text: str) -> tuple[tuple[t.Any, ...], dict[str, t.Any]]:
    """The call's arguments as Python values; anything but literals is refused."""
    if any(keyword.arg is None for keyword in node.keywords):
        raise NoAppException(f"Failed to parse arguments as literal values: {text!r}.")
    try:
        args = tuple(ast.literal_eval(arg) for arg in node.args)
        kwargs = {str(kw.arg): ast.literal_eval(kw.value) for kw in node.keywords}
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise NoAppException(f"Failed to parse arguments as literal values: {text!r}.") from None
    return args, kwargs


def parse_app_spec(text: str) -> _Spec:
    """Read the part after the colon of ``--app module:spec``."""
    unreadable = f"Failed to parse {text!r} as an attribute name or function call."
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise NoAppException(unreadable) from None
    node = tree.body
    if isinstance(node, ast.Name):
        return _Spec(node.id, False, (), {})
    if not isinstance(node, ast.Call):
        raise NoAppException(unreadable)
    if not isinstance(node.func, ast.Name):
        raise NoAppException(f"Function reference must be a simple name: {text!r}.")
    args, kwargs = _literal_call_arguments(node, text)
    return _Spec(node.func.id, True, args, kwargs)


def find_app_by_string(module: ModuleType, app_name: str) -> Kolba:
    """Resolve ``spec`` of ``--app module:spec`` in ``module``; a function is called."""
    spec = parse_app_spec(app_name)
    if not hasattr(module, spec.name):
        raise NoAppException(f"Failed to find attribute {spec.name!r} in {module.__name__!r}.")
    found = getattr(module, spec.name)
    if inspect.isfunction(found):
        if not _accepts(found, spec.args, spec.kwargs):
            raise NoAppException(
                f"The factory {app_name!r} in module {module.__name__!r} could not be"
                " called with the specified arguments."
            )
        found = found(*spec.args, **spec.kwargs)
    if isinstance(found, _app_class()):
        return found
    where = f"'{module.__name__}:{app_name}'"
    if _is_plain_flask_app(found):
        raise flask_app_hint(where.capitalize(), f"{module.__name__}:{app_name}")
    raise NoAppException(f"A valid Kolba application was not obtained from {where}.")


# -- importing the module -----------------------------------------------------------------------


def prepare_import(path: str) -> str:
    """Turn a file, package or module path into an import name, and make it importable.

    The folder above the outermost package is put first on ``sys.path``, so
    ``src/pkg/sub.py`` imports as ``pkg.sub`` when ``src/pkg`` is a package.
    """
    location = os.path.realpath(path)
    if location.endswith(".py"):
        location = location[: -len(".py")]
    if os.path.basename(location) == "__init__":
        location = os.path.dirname(location)
    names: list[str] = []
    folder = location
    while True:
        folder, name = os.path.split(folder)
        names.insert(0, name)
        if not os.path.isfile(os.path.join(folder, "__init__.py")):
            break
    if sys.path[:1] != [folder]:
        sys.path.insert(0, folder)
    return ".".join(names)


def _is_missing(module_name: str, error: ImportError) -> bool:
    """Whether ``error`` says the module itself (or a package above it) does not exist.

    Any other import error happened while the module ran: a bug to report
    with its traceback, not a wrong name.
    """
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return False
    parts = module_name.split(".")
    ancestry = {".".join(parts[:end]) for end in range(1, len(parts) + 1)}
    return error.name in ancestry


def _import(module_name: str, raise_if_not_found: bool) -> ModuleType | None:
    try:
        __import__(module_name)
    except ImportError as error:
        if not _is_missing(module_name, error):
            raise NoAppException(
                f"While importing {module_name!r}, an ImportError was raised:\n\n"
                f"{user_traceback(error)}"
            ) from None
        if not raise_if_not_found:
            return None
        raise NoAppException(f"Could not import {module_name!r}.") from None
    return sys.modules[module_name]


@t.overload
def locate_app(module_name: str, app_name: str | None, raise_if_not_found: t.Literal[True] = True) -> Kolba: ...


@t.overload
def locate_app(module_name: str, app_name: str | None, raise_if_not_found: bool = ...) -> Kolba | None: ...


def locate_app(module_name: str, app_name: str | None, raise_if_not_found: bool = True) -> Kolba | None:
    """Import ``module_name`` and return its app; None if it does not exist and that is allowed."""
    module = _import(module_name, raise_if_not_found)
    if module is None:
        return None
    return find_best_app(module) if app_name is None else find_app_by_string(module, app_name)


def split_import_path(value: str) -> tuple[str, str | None]:
    """``module:spec`` -> ``(module, spec)``; a Windows drive (``C:\\``) is not a separator."""
    position = 0
    while True:
        colon = value.find(":", position)
        if colon < 0:
            return value, None
        if value[colon + 1 : colon + 2] not in ("\\", "/"):
            return value[:colon], value[colon + 1 :]
        position = colon + 1


def default_app() -> Kolba | None:
    """The app of ``wsgi.py`` or ``app.py`` (file or package) in the current folder, if any."""
    for file_name in DEFAULT_MODULE_FILES:
        package = file_name[: -len(".py")]
        if os.path.isfile(file_name) or os.path.isdir(package):
            found = locate_app(prepare_import(file_name), None, raise_if_not_found=False)
            if found is not None:
                return found
    return None
