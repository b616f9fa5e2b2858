"""The ``kolba`` command line: finding the app, ``run``, ``shell``, ``routes``.

Click is imported with this module, and this module is imported only when a
CLI feature is used (``app.cli``, ``app.run()``, the ``kolba`` command), so
``import kolba`` stays light.  Behaviour follows Flask 3.1's ``flask``
command, spelled the Kolba way: ``KOLBA_APP``, ``KOLBA_DEBUG``,
``KOLBA_RUN_*`` and ``.kolbaenv``.
"""

from __future__ import annotations

import ast
import inspect
import os
import sys
import traceback
import typing as t
from functools import update_wrapper
from operator import itemgetter
from types import ModuleType

import click
from click.core import ParameterSource

from .helpers import get_debug_flag, get_load_dotenv

if t.TYPE_CHECKING:
    import ssl

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .app import Kolba

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])

#: Set while the ``kolba`` command runs, so ``app.run()`` knows not to block it.
_RUN_FROM_CLI_ENV = "KOLBA_RUN_FROM_CLI"

#: Default dotenv files, lowest precedence first.
_DEFAULT_DOTENV_FILES = (".kolbaenv", ".env")


class NoAppException(click.UsageError):
    """Raised when no application can be found or loaded."""


# -- finding the application ---------------------------------------------------------------


def _kolba_class() -> type[Kolba]:
    """Import the app class late: ``kolba.app`` imports this module lazily too."""
    from .app import Kolba

    return Kolba


def _is_internal_frame(filename: str) -> bool:
    """Frames of this module and of the import system say nothing about the user's bug."""
    return filename == _THIS_FILE or filename.startswith("<frozen importlib")


#: What tracebacks call this module (``co_filename``, which may differ from ``__file__``).
_THIS_FILE = _is_internal_frame.__code__.co_filename


def _user_traceback(exc: BaseException) -> str:
    """Format ``exc`` with only the frames that belong to the user's code."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not _is_internal_frame(frame.filename)
    ]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines.extend(traceback.format_list(frames))
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)


def _call_never_started(func: t.Callable[..., t.Any], exc: BaseException) -> bool:
    """Whether ``exc`` (a TypeError) came from the call itself, not the body of ``func``.

    A factory given the wrong arguments fails before its first line runs, so
    its code object never shows up in the traceback.
    """
    code = getattr(func, "__code__", None)
    return all(frame.tb_frame.f_code is not code for frame in _walk_tb(exc.__traceback__))


def _walk_tb(tb: t.Any) -> t.Iterator[t.Any]:
    """Each entry of a traceback chain, outermost first."""
    while tb is not None:
        yield tb
        tb = tb.tb_next


def find_best_app(module: ModuleType) -> Kolba:
    """Pick the app of ``module``: a well-known name, the only app, or a factory."""
    kolba_class = _kolba_class()
    for name in ("app", "application"):
        candidate = getattr(module, name, None)
        if isinstance(candidate, kolba_class):
            return candidate
    apps = [value for value in vars(module).values() if isinstance(value, kolba_class)]
    if len(apps) > 1:
        raise NoAppException(
            f"Detected multiple Kolba applications in module '{module.__name__}'."
            f" Use '{module.__name__}:name' to specify the correct one."
        )
    if apps:
        return apps[0]
    for name in ("create_app", "make_app"):
        factory = getattr(module, name, None)
        if inspect.isfunction(factory):
            app = _call_default_factory(module, name, factory)
            if isinstance(app, kolba_class):
                return app
    raise NoAppException(
        f"Failed to find Kolba application or factory in module '{module.__name__}'."
        f" Use '{module.__name__}:name' to specify one."
    )


def _call_default_factory(module: ModuleType, name: str, factory: t.Callable[[], t.Any]) -> t.Any:
    """Call a discovered ``create_app``; a factory that needs arguments gets a hint."""
    try:
        return factory()
    except TypeError as e:
        if not _call_never_started(factory, e):
            raise
        raise NoAppException(
            f"Detected factory '{name}' in module '{module.__name__}', but could not"
            f" call it without arguments. Use '{module.__name__}:{name}(args)' to"
            " specify arguments."
        ) from e


def _parse_app_spec(spec: str) -> tuple[str, list[t.Any] | None, dict[str, t.Any]]:
    """Read ``name`` or ``name(literal args)``; the args are None for a plain name."""
    not_understood = NoAppException(
        f"Failed to parse {spec!r} as an attribute name or function call."
    )
    try:
        node = ast.parse(spec.strip(), mode="eval").body
    except SyntaxError:
        raise not_understood from None
    if isinstance(node, ast.Name):
        return node.id, None, {}
    if not isinstance(node, ast.Call):
        raise not_understood
    if not isinstance(node.func, ast.Name):
        raise NoAppException(f"Function reference must be a simple name: {spec!r}.")
    try:
        args = [ast.literal_eval(arg) for arg in node.args]
        kwargs = {_keyword_name(kw): ast.literal_eval(kw.value) for kw in node.keywords}
    except (ValueError, TypeError, SyntaxError):
        raise NoAppException(
            f"Failed to parse arguments as literal values: {spec!r}."
        ) from None
    return node.func.id, args, kwargs


def _keyword_name(keyword: ast.keyword) -> str:
    """The name of ``key=value``; ``**mapping`` is refused, it is not a literal argument."""
    if keyword.arg is None:
        raise ValueError("unpacked keyword arguments")
    return keyword.arg


def find_app_by_string(module: ModuleType, app_name: str) -> Kolba:
    """Resolve the ``name`` or ``factory(args)`` part of ``--app module:...``."""
    name, args, kwargs = _parse_app_spec(app_name)
    try:
        target = getattr(module, name)
    except AttributeError as e:
        raise NoAppException(f"Failed to find attribute {name!r} in {module.__name__!r}.") from e
    app = target
    if inspect.isfunction(target):
        try:
            app = target(*(args or ()), **kwargs)
        except TypeError as e:
            if not _call_never_started(target, e):
                raise
            raise NoAppException(
                f"The factory {app_name!r} in module {module.__name__!r} could not be"
                " called with the specified arguments."
            ) from e
    if isinstance(app, _kolba_class()):
        return app
    raise NoAppException(
        f"A valid Kolba application was not obtained from '{module.__name__}:{app_name}'."
    )


def prepare_import(path: str) -> str:
    """Turn a file, package or module path into an import name, fixing ``sys.path``.

    The directory above the outermost package goes first on ``sys.path`` so the
    module imports under its full dotted name.
    """
    target = os.path.realpath(path)
    stem, ext = os.path.splitext(target)
    if ext == ".py":
        target = stem
    if os.path.basename(target) == "__init__":
        target = os.path.dirname(target)
    parent, leaf = os.path.split(target)
    parts = [leaf]
    while os.path.isfile(os.path.join(parent, "__init__.py")):
        parent, leaf = os.path.split(parent)
        parts.insert(0, leaf)
    if not sys.path or sys.path[0] != parent:
        sys.path.insert(0, parent)
    return ".".join(parts)


def _names_missing_module(exc: ImportError, module_name: str) -> bool:
    """Whether ``exc`` says ``module_name`` itself, or a package above it, does not exist."""
    missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
    if not missing:
        return False
    return module_name == missing or module_name.startswith(missing + ".")


def _import_module(module_name: str, raise_if_not_found: bool) -> ModuleType | None:
    """Import the app's module, telling "no such module" from a bug inside it."""
    try:
        __import__(module_name)
    except ImportError as e:
        if not _names_missing_module(e, module_name):
            raise NoAppException(
                f"While importing {module_name!r}, an ImportError was raised:\n\n"
                f"{_user_traceback(e)}"
            ) from None
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.") from None
        return None
    return sys.modules[module_name]


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[True] = True
) -> Kolba: ...


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[False] = ...
) -> Kolba | None: ...


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Kolba | None:
    """Import ``module_name`` and find the app in it (by ``app_name`` if given)."""
    module = _import_module(module_name, raise_if_not_found)
    if module is None:
        return None
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


def _split_app_import_path(value: str) -> tuple[str, str | None]:
    """``module:name`` -> ``(module, name)``; a drive colon (``C:\\``) does not split."""
    start = 0
    while (colon := value.find(":", start)) != -1:
        if value[colon + 1 : colon + 2] not in ("/", "\\"):
            return value[:colon], value[colon + 1 :]
        start = colon + 1
    return value, None


def _default_app() -> Kolba | None:
    """The app of ``wsgi.py`` or ``app.py`` (file or package) in the current folder."""
    for module_file in ("wsgi.py", "app.py"):
        package_dir = module_file[:-3]
        if not (os.path.isfile(module_file) or os.path.isdir(package_dir)):
            continue
        app = locate_app(prepare_import(module_file), None, raise_if_not_found=False)
        if app is not None:
            return app
    return None


class ScriptInfo:
    """Carries what the CLI needs to load the app, and loads it once."""

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Kolba] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        #: Where to import the app from, as given to ``--app``.
        self.app_import_path = app_import_path
        #: A callable returning the app; wins over ``app_import_path``.
        self.create_app = create_app
        #: Free space for whatever commands want to share.
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        #: Whether ``.env`` and ``.kolbaenv`` are loaded (``KOLBA_SKIP_DOTENV`` says no).
        self.load_dotenv_defaults = get_load_dotenv(load_dotenv_defaults)
        self._loaded_app: Kolba | None = None

    def load_app(self) -> Kolba:
        """Return the app, creating or importing it on the first call."""
        if self._loaded_app is not None:
            return self._loaded_app
        app = self._find_app()
        if self.set_debug_flag:
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app

    def _find_app(self) -> Kolba:
        if self.create_app is not None:
            return self.create_app()
        if self.app_import_path:
            path, name = _split_app_import_path(self.app_import_path)
            return locate_app(prepare_import(path), name)
        app = _default_app()
        if app is None:
            raise NoAppException(
                "Could not locate a Kolba application. Use the 'kolba --app' option,"
                " 'KOLBA_APP' environment variable, or a 'wsgi.py' or 'app.py' file"
                " in the current directory."
            )
        return app


pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def _active_app() -> Kolba | None:
    """The app of the active app context, if any, without raising."""
    from .globals import _cv_frame

    frame = _cv_frame.get(None)
    return None if frame is None else frame[0].app


def with_appcontext(f: _F) -> _F:
    """Run a command inside the app's application context, loading the app if needed."""

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if _active_app() is None:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A Click group whose commands run in the app context by default."""

    def command(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Command]:
        """Like Click's, plus ``with_appcontext`` unless ``with_appcontext=False``."""
        wrap_for_ctx = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            if wrap_for_ctx:
                f = with_appcontext(f)
            return click.Group.command(self, *args, **kwargs)(f)  # type: ignore[no-any-return]

        return decorator

    def group(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Group]:
        """Like Click's, but the new group is an :class:`AppGroup` too."""
        kwargs.setdefault("cls", AppGroup)
        return click.Group.group(self, *args, **kwargs)  # type: ignore[no-any-return]


# -- environment files -----------------------------------------------------------------------


def _dotenv_installed() -> bool:
    """python-dotenv is optional; env files are ignored without it."""
    try:
        import dotenv  # noqa: F401
    except ImportError:
        return False
    return True


def load_dotenv(path: str | os.PathLike[str] | None = None, load_defaults: bool = True) -> bool:
    """Set environment variables from dotenv files; never overrides variables already set.

    Precedence: ``path``, then the nearest ``.env``, then the nearest
    ``.kolbaenv`` (both searched upward from the current folder).  Returns
    whether any variable was read.  Without python-dotenv this does nothing.
    """
    try:
        import dotenv
    except ImportError:
        if path or any(os.path.isfile(name) for name in _DEFAULT_DOTENV_FILES):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv to use them.",
                fg="yellow",
                err=True,
            )
        return False
    values: dict[str, str | None] = {}
    if load_defaults:
        for name in _DEFAULT_DOTENV_FILES:
            found = dotenv.find_dotenv(name, usecwd=True)
            if found:
                values.update(dotenv.dotenv_values(found, encoding="utf-8"))
    if path is not None and os.path.isfile(path):
        values.update(dotenv.dotenv_values(path, encoding="utf-8"))
    for key, value in values.items():
        if value is not None and key not in os.environ:
            os.environ[key] = value
    return bool(values)


#: ``run_app`` has a parameter named ``load_dotenv``; this reaches the function.
_load_dotenv_files = load_dotenv


# -- the group options -------------------------------------------------------------------------


def _env_file_callback(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """Load ``--env-file`` and the default files before the other options are read."""
    if value is not None and not _dotenv_installed():
        raise click.BadParameter(
            "python-dotenv must be installed to load an env file.", ctx=ctx, param=param
        )
    info = ctx.ensure_object(ScriptInfo)
    if value is not None or info.load_dotenv_defaults:
        load_dotenv(value, load_defaults=info.load_dotenv_defaults)
    return value


def _app_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Record ``--app`` on the ScriptInfo; the app itself is loaded only when needed."""
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _debug_callback(ctx: click.Context, param: click.Parameter, value: bool) -> bool | None:
    """Publish an explicit ``--debug``/``--no-debug`` as ``KOLBA_DEBUG``.

    The environment, not the ScriptInfo, carries it, so an app factory sees
    the flag while it builds the app.
    """
    source = ctx.get_parameter_source(param.name or "debug")
    if source is None or source in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
        return None
    os.environ["KOLBA_DEBUG"] = "1" if value else "0"
    return value


def get_version(ctx: click.Context, param: click.Parameter, value: t.Any) -> None:
    """Print the Python, Kolba and Werkzeug versions and stop."""
    if not value or ctx.resilient_parsing:
        return
    import platform
    from importlib.metadata import version

    from . import __version__

    click.echo(
        f"Python {platform.python_version()}\n"
        f"Kolba {__version__}\n"
        f"Werkzeug {version('werkzeug')}",
        color=ctx.color,
    )
    ctx.exit()


# Eager so the dotenv files are loaded before any other option reads the environment.
_env_file_option = click.Option(
    ["-e", "--env-file"],
    type=click.Path(exists=True, dir_okay=False),
    help=(
        "Load environment variables from this file, taking precedence over those set"
        " by '.env' and '.kolbaenv'. Variables set directly in the environment take"
        " highest precedence. python-dotenv must be installed."
    ),
    is_eager=True,
    expose_value=False,
    callback=_env_file_callback,
)

# Eager so the app's commands are known when --help lists them.
_app_option = click.Option(
    ["-A", "--app"],
    metavar="IMPORT",
    help=(
        "The Kolba application or factory function to load, in the form 'module:name'."
        " Module can be a dotted import or file path. Name is not required if it is"
        " 'app', 'application', 'create_app', or 'make_app', and can be 'name(args)'"
        " to pass arguments."
    ),
    is_eager=True,
    expose_value=False,
    callback=_app_callback,
)

_debug_option = click.Option(
    ["--debug/--no-debug"],
    help="Set debug mode.",
    expose_value=False,
    callback=_debug_callback,
)

version_option = click.Option(
    ["--version"],
    help="Show the Kolba version.",
    expose_value=False,
    callback=get_version,
    is_flag=True,
    is_eager=True,
)


class KolbaGroup(AppGroup):
    """The ``kolba`` command: built-in commands plus the app's and plugins' commands.

    ``create_app`` is called to build the app instead of importing it;
    ``load_dotenv`` loads the default dotenv files; ``set_debug_flag`` sets
    ``app.debug`` from ``KOLBA_DEBUG``.  Plugins add commands through the
    ``kolba.commands`` entry point group.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., Kolba] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        params: list[click.Parameter] = list(extra.pop("params", None) or ())
        params += [_env_file_option, _app_option, _debug_option]
        if add_version_option:
            params.append(version_option)
        extra["context_settings"] = dict(extra.get("context_settings") or {})
        extra["context_settings"].setdefault("auto_envvar_prefix", "KOLBA")
        super().__init__(params=params, **extra)
        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        if add_default_commands:
            for command in (run_command, shell_command, routes_command):
                self.add_command(command)
        self._loaded_plugin_commands = False

    def _load_plugin_commands(self) -> None:
        """Add the ``kolba.commands`` entry points, once, when commands are first looked up."""
        if self._loaded_plugin_commands:
            return
        from importlib.metadata import entry_points

        for entry_point in entry_points(group="kolba.commands"):
            self.add_command(entry_point.load(), entry_point.name)
        self._loaded_plugin_commands = True

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Built-in and plugin commands first (they work without an app), then the app's."""
        self._load_plugin_commands()
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
            return None
        if _active_app() is not app:
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """All command names; an app that fails to load is reported, not fatal."""
        self._load_plugin_commands()
        names = set(super().list_commands(ctx))
        try:
            names.update(ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx))
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
        except Exception as e:
            click.secho(
                f"Error: While loading the app, an exception was raised:\n\n"
                f"{_user_traceback(e)}",
                err=True,
                fg="red",
            )
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        """Create the ScriptInfo, and tell ``app.run()`` the CLI is in charge."""
        os.environ[_RUN_FROM_CLI_ENV] = "true"
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Read ``KOLBA_APP`` and the env file early when only help will be shown.

        Help short-circuits option processing, and the app's commands could
        not be listed otherwise.
        """
        help_only = len(args) == 1 and args[0] in self.get_help_option_names(ctx)
        if help_only or (not args and self.no_args_is_help):
            _env_file_option.handle_parse_result(ctx, {}, [])
            _app_option.handle_parse_result(ctx, {}, [])
        return super().parse_args(ctx, args)


#: Flask's name for the group, for code written against ``flask.cli``.
FlaskGroup = KolbaGroup


# -- run ---------------------------------------------------------------------------------------


def show_server_banner(debug: bool | None, app_import_path: str | None) -> None:
    """Name the app and the debug mode once, not again in the reloader's child."""
    from werkzeug.serving import is_running_from_reloader

    if is_running_from_reloader():
        return
    if app_import_path is not None:
        click.echo(f" * Serving Kolba app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")


class CertParamType(click.ParamType):  # type: ignore[type-arg]
    """``--cert``: a certificate file, ``adhoc``, or the import path of an SSLContext."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Accept a file first; otherwise ``adhoc`` or an SSLContext object."""
        try:
            import ssl
        except ImportError:  # pragma: no cover - Python built without SSL
            raise click.BadParameter(
                'Using "--cert" requires Python to be compiled with SSL support.', ctx, param
            ) from None
        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            text = click.STRING(value, param, ctx).lower()
            if text == "adhoc":
                return _require_cryptography(text, param, ctx)
            from werkzeug.utils import import_string

            obj = import_string(text, silent=True)
            if isinstance(obj, ssl.SSLContext):
                return obj
            raise


def _require_cryptography(
    value: str, param: click.Parameter | None, ctx: click.Context | None
) -> str:
    """Ad-hoc certificates are made by Werkzeug with ``cryptography``; say so up front."""
    from importlib.util import find_spec

    if find_spec("cryptography") is None:
        raise click.BadParameter(
            "Using ad-hoc certificates requires the cryptography library.", ctx, param
        )
    return value


def _is_ssl_context(value: t.Any) -> bool:
    """Whether ``--cert`` named an SSLContext, which carries its own key."""
    try:
        import ssl
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, ssl.SSLContext)


def _validate_key(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    """Pair ``--key`` with a ``--cert`` file; refuse it with ``adhoc`` or an SSLContext."""
    cert = ctx.params.get("cert")
    is_adhoc = cert == "adhoc"
    is_context = _is_ssl_context(cert)
    if value is None:
        if cert and not (is_adhoc or is_context):
            raise click.BadParameter('Required when using "--cert".', ctx, param)
        return value
    if is_adhoc:
        raise click.BadParameter('When "--cert" is "adhoc", "--key" is not used.', ctx, param)
    if is_context:
        raise click.BadParameter(
            'When "--cert" is an SSLContext object, "--key" is not used.', ctx, param
        )
    if not cert:
        raise click.BadParameter('"--cert" must also be specified.', ctx, param)
    ctx.params["cert"] = (cert, value)
    return value


class SeparatedPathType(click.Path):
    """Several paths in one value, separated like ``PATH`` (``:``, or ``;`` on Windows)."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Check each path on its own."""
        check_one = super().convert
        return [check_one(item, param, ctx) for item in self.split_envvar_value(value)]


def _app_for_server(info: ScriptInfo) -> WSGIApplication:
    """Load the app; in the reloader's child, serve the loading error instead of dying.

    Exiting there would end the reloader, so the error is printed and raised
    again on each request until the code is fixed.
    """
    from werkzeug.serving import is_running_from_reloader

    try:
        return info.load_app()
    except Exception as e:
        if not is_running_from_reloader():
            raise e from None
        traceback.print_exc()
        error = e

        def failing_app(
            environ: WSGIEnvironment, start_response: StartResponse
        ) -> t.Iterable[bytes]:
            raise error from None

        return failing_app


@click.command("run", short_help="Run a development server.")
@click.option("--host", "-h", default="127.0.0.1", help="The interface to bind to.")
@click.option("--port", "-p", default=5000, help="The port to bind to.")
@click.option(
    "--cert",
    type=CertParamType(),
    help="Specify a certificate file to use HTTPS.",
    is_eager=True,
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    expose_value=False,
    help="The key file to use when specifying a certificate.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Enable or disable the reloader. By default the reloader is active if debug"
    " is enabled.",
)
@click.option(
    "--debugger/--no-debugger",
    default=None,
    help="Enable or disable the debugger. By default the debugger is active if debug"
    " is enabled.",
)
@click.option(
    "--with-threads/--without-threads",
    default=True,
    help="Enable or disable multithreading.",
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    help="Extra files that trigger a reload on change. Multiple paths are separated"
    f" by {os.path.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    help="Files matching these fnmatch patterns will not trigger a reload on change."
    f" Multiple patterns are separated by {os.path.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    cert: ssl.SSLContext | tuple[str, str | None] | t.Literal["adhoc"] | None,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Run a local development server.

    This server is for development purposes only. It does not provide the
    stability, security, or performance of production WSGI servers.

    The reloader and debugger are enabled by default with the '--debug' option.
    """
    from werkzeug.serving import run_simple

    app = _app_for_server(info)
    debug = get_debug_flag()
    show_server_banner(debug, info.app_import_path)
    run_simple(
        host,
        port,
        app,
        use_reloader=debug if reload is None else reload,
        use_debugger=debug if debugger is None else debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


# ``kolba run --debug`` works as well as ``kolba --debug run``.
run_command.params.insert(0, _debug_option)


def _server_address(app: Kolba, host: str | None, port: int | None) -> tuple[str, int]:
    """Fill in host and port from ``SERVER_NAME``, then from the defaults."""
    server_name = app.config.get("SERVER_NAME") or ""
    name_host, _, name_port = server_name.partition(":")
    if port is None:
        port = int(name_port) if name_port else 5000
    return host or name_host or "127.0.0.1", int(port)


def run_app(
    app: Kolba,
    host: str | None = None,
    port: int | None = None,
    debug: bool | None = None,
    load_dotenv: bool = True,
    **options: t.Any,
) -> None:
    """Serve ``app`` with Werkzeug's development server; what ``app.run()`` does.

    Under the ``kolba`` command (``KOLBA_RUN_FROM_CLI``) this returns at once:
    an unguarded ``app.run()`` in the app module must not block the command.
    """
    from werkzeug.serving import is_running_from_reloader, run_simple

    if os.environ.get(_RUN_FROM_CLI_ENV) == "true":
        if not is_running_from_reloader():
            click.secho(
                " * Ignoring a call to 'app.run()' that would block the current 'kolba'"
                " CLI command.\n"
                "   Only call 'app.run()' in an 'if __name__ == \"__main__\"' guard.",
                fg="red",
            )
        return
    if get_load_dotenv(load_dotenv):
        _load_dotenv_files()
        if "KOLBA_DEBUG" in os.environ:
            app.debug = get_debug_flag()
    if debug is not None:
        app.debug = bool(debug)
    host, port = _server_address(app, host, port)
    options.setdefault("use_reloader", app.debug)
    options.setdefault("use_debugger", app.debug)
    options.setdefault("threaded", True)
    show_server_banner(app.debug, app.name)
    try:
        run_simple(host, port, app, **options)
    finally:
        # A later run() from the same interactive session starts fresh.
        app._got_first_request = False


# -- shell and routes ----------------------------------------------------------------------


def _current_app() -> Kolba:
    """The active app, typed; the commands below always run inside its context."""
    app = _active_app()
    if app is None:  # pragma: no cover - the commands run under with_appcontext
        raise RuntimeError("No application context is active.")
    return app


def _shell_namespace(app: Kolba) -> dict[str, t.Any]:
    """PYTHONSTARTUP's names, then the app's shell context on top."""
    namespace: dict[str, t.Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup, encoding="utf-8") as f:
            exec(compile(f.read(), startup, "exec"), namespace)
    namespace.update(app.make_shell_context())
    return namespace


def _enable_line_editing(namespace: dict[str, t.Any]) -> None:
    """Run the interpreter's interactive hook (readline, history) for a terminal.

    Completion then looks at the shell's namespace, not ``__main__``'s.
    """
    hook = getattr(sys, "__interactivehook__", None)
    if hook is None or not sys.stdin.isatty():
        return
    try:
        import readline
        from rlcompleter import Completer
    except ImportError:
        pass
    else:
        readline.set_completer(Completer(namespace).complete)
    hook()


@click.command("shell", short_help="Run a shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Run an interactive Python shell in the context of a given Kolba application.

    The application will populate the default namespace of this shell
    according to its configuration.
    """
    import code

    app = _current_app()
    banner = (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\n"
        f"Instance: {app.instance_path}"
    )
    namespace = _shell_namespace(app)
    _enable_line_editing(namespace)
    code.interact(banner=banner, local=namespace)


def _methods_cell(methods: t.Iterable[str] | None, hidden: set[str]) -> str:
    """The sorted methods of a rule, without the automatic HEAD and OPTIONS by default."""
    return ", ".join(sorted(set(methods or ()) - hidden))


def _route_table(sort: str, all_methods: bool) -> list[list[str]] | None:
    """Header plus one row per rule, sorted as asked; None without rules."""
    url_map = _current_app().url_map
    rules = list(url_map.iter_rules())
    if not rules:
        return None
    hidden = set() if all_methods else {"HEAD", "OPTIONS"}
    by_host = url_map.host_matching
    domains = [(rule.host if by_host else rule.subdomain) or "" for rule in rules]
    columns: list[tuple[str, str, list[str]]] = [
        ("Endpoint", "endpoint", [str(rule.endpoint) for rule in rules]),
        ("Methods", "methods", [_methods_cell(rule.methods, hidden) for rule in rules]),
    ]
    if any(domains):
        columns.append(("Host" if by_host else "Subdomain", "domain", domains))
    columns.append(("Rule", "rule", [rule.rule for rule in rules]))
    rows = [list(row) for row in zip(*(values for _, _, values in columns))]
    sort_keys = [key for _, key, _ in columns]
    if sort in sort_keys:  # "match" (and "domain" without the column) keeps map order
        rows.sort(key=itemgetter(sort_keys.index(sort)))
    return [[title for title, _, _ in columns], *rows]


@click.command("routes", short_help="Show the routes for the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    default="endpoint",
    help="Method to sort routes by. 'match' is the order that Kolba will match routes"
    " when dispatching a request.",
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS methods.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show all registered routes with endpoints and methods."""
    table = _route_table(sort, all_methods)
    if table is None:
        click.echo("No routes were registered.")
        return
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    table.insert(1, ["-" * width for width in widths])
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))


# -- the command -----------------------------------------------------------------------------

cli = KolbaGroup(
    name="kolba",
    help="""\
A general utility script for Kolba applications.

An application to load must be given with the '--app' option,
'KOLBA_APP' environment variable, or with a 'wsgi.py' or 'app.py' file
in the current directory.
""",
)


def main() -> None:
    """Entry point of the ``kolba`` command."""
    cli.main()
