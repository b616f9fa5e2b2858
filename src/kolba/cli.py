"""The command line: app loading, ``AppGroup``, ``with_appcontext``, ``run``.

Click is imported with this module, and this module only when a CLI
feature is used, so ``import kolba`` stays light.
"""

from __future__ import annotations

import os
import sys
import typing as t
from functools import update_wrapper

import click

if t.TYPE_CHECKING:
    from .app import Kolba

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])


class NoAppException(click.UsageError):
    """Raised when no application can be found or loaded."""


class ScriptInfo:
    """Carries what the CLI needs to load the app, and loads it once."""

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Kolba] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        self.load_dotenv_defaults = load_dotenv_defaults
        self._loaded_app: Kolba | None = None

    def load_app(self) -> Kolba:
        """Return the app, creating or importing it on the first call."""
        if self._loaded_app is not None:
            return self._loaded_app
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            app = _import_app(self.app_import_path)
        else:
            app = _find_default_app()
        if self.set_debug_flag:
            from .helpers import get_debug_flag

            app.debug = get_debug_flag()
        self._loaded_app = app
        return app


pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: _F) -> _F:
    """Run a command inside the app's application context."""

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        from .globals import _cv_frame

        if _cv_frame.get(None) is None:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A Click group whose commands run in the app context by default."""

    def command(self, *args: t.Any, **kwargs: t.Any) -> t.Any:  # type: ignore[override]
        """Like Click's, plus ``with_appcontext`` unless ``with_appcontext=False``."""
        wrap_for_ctx = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            if wrap_for_ctx:
                f = with_appcontext(f)
            return click.Group.command(self, *args, **kwargs)(f)  # type: ignore[no-any-return]

        return decorator

    def group(self, *args: t.Any, **kwargs: t.Any) -> t.Any:  # type: ignore[override]
        """Like Click's, but the new group is an :class:`AppGroup` too."""
        kwargs.setdefault("cls", AppGroup)
        return click.Group.group(self, *args, **kwargs)


def _import_app(import_path: str) -> Kolba:
    from werkzeug.utils import import_string

    module_name, _, attr = import_path.partition(":")
    try:
        module = import_string(module_name)
    except ImportError as e:
        raise NoAppException(f"Could not import {module_name!r}: {e}") from None
    return _app_from_module(module, attr or None)


def _app_from_module(module: t.Any, attr: str | None) -> Kolba:
    from .app import Kolba

    if attr:
        if attr.endswith("()"):
            return t.cast(Kolba, getattr(module, attr[:-2])())
        return t.cast(Kolba, getattr(module, attr))
    for name in ("app", "application"):
        if isinstance(getattr(module, name, None), Kolba):
            return t.cast(Kolba, getattr(module, name))
    found = [v for v in vars(module).values() if isinstance(v, Kolba)]
    if len(found) == 1:
        return found[0]
    for name in ("create_app", "make_app"):
        factory = getattr(module, name, None)
        if callable(factory):
            return t.cast(Kolba, factory())
    raise NoAppException(f"Failed to find a Kolba application in module {module.__name__!r}.")


def _find_default_app() -> Kolba:
    env_path = os.environ.get("KOLBA_APP")
    if env_path:
        return _import_app(env_path)
    sys.path.insert(0, os.getcwd())
    for candidate in ("wsgi", "app"):
        if os.path.exists(f"{candidate}.py"):
            return _import_app(candidate)
    raise NoAppException(
        "Could not locate a Kolba application. Use the 'kolba --app' option,"
        " 'KOLBA_APP' environment variable, or a 'wsgi.py' or 'app.py' file"
        " in the current directory."
    )


def run_app(
    app: Kolba,
    host: str | None = None,
    port: int | None = None,
    debug: bool | None = None,
    load_dotenv: bool = True,
    **options: t.Any,
) -> None:
    """Serve ``app`` with Werkzeug's development server (``app.run``)."""
    from werkzeug.serving import run_simple

    if debug is not None:
        app.debug = bool(debug)
    server_name = app.config.get("SERVER_NAME")
    default_host, _, default_port = (server_name or "").partition(":")
    host = host or default_host or "127.0.0.1"
    port = int(port or default_port or 5000)
    options.setdefault("use_reloader", app.debug)
    options.setdefault("use_debugger", app.debug)
    options.setdefault("threaded", True)
    try:
        run_simple(t.cast(str, host), port, app, **options)
    finally:
        app._got_first_request = False


def main() -> None:
    """Entry point of the ``kolba`` command."""
    cli = AppGroup(help="A general utility script for Kolba applications.")

    @cli.command("run", with_appcontext=False)
    @click.option("--host", "-h", default="127.0.0.1")
    @click.option("--port", "-p", default=5000, type=int)
    @pass_script_info
    def run_command(info: ScriptInfo, host: str, port: int) -> None:
        run_app(info.load_app(), host=host, port=port)

    cli.main(obj=ScriptInfo())
