"""The ``kolba`` command line: the group, its options, and every public CLI name.

This module (and Click) is imported only when a CLI feature is used
(``app.cli``, ``app.run()``, the CLI test runner, the ``kolba`` command),
so ``import kolba`` stays light.  The behaviour follows Flask 3.1's
``flask`` command with Kolba's spellings (``KOLBA_APP``, ``KOLBA_DEBUG``,
``KOLBA_RUN_*``, ``.kolbaenv``); while Flask code runs on Kolba through
:mod:`kolba.compat` (``python -m kolba.compat``, ``kolba --flask-compat``),
Flask's spellings count too.

The pieces live in modules of their own: finding the app
(``_cli_discovery``), loading it for a command (``_cli_app``), env files
(``_cli_dotenv``), the development server (``_cli_server``) and the
``shell`` and ``routes`` commands (``_cli_inspect``).
"""

from __future__ import annotations

import typing as t

import click

from ._cli_app import AppGroup, ScriptInfo, enter_app_context, pass_script_info, with_appcontext
from ._cli_discovery import (
    NoAppException,
    find_app_by_string,
    find_best_app,
    locate_app,
    prepare_import,
    user_traceback,
)
from ._cli_dotenv import dotenv_available, load_dotenv
from ._cli_inspect import routes_command, shell_command
from ._cli_openapi import openapi_command
from ._cli_server import (
    RUN_FROM_CLI,
    CertParamType,
    SeparatedPathType,
    debug_option,
    run_app,
    run_command,
    show_server_banner,
)
from ._env_names import adopt_flask_names, env_value, flask_names_active, get_debug_flag, get_load_dotenv, publish

if t.TYPE_CHECKING:
    from .app import Kolba

__all__ = [
    "AppGroup", "CertParamType", "FlaskGroup", "KolbaGroup", "NoAppException", "ScriptInfo",
    "SeparatedPathType", "cli", "find_app_by_string", "find_best_app", "get_debug_flag",
    "get_load_dotenv", "get_version", "load_dotenv", "locate_app", "main", "pass_script_info",
    "prepare_import", "routes_command", "run_app", "run_command", "shell_command",
    "show_server_banner", "version_option", "with_appcontext",
]

#: ``ctx.meta`` keys: the environment is prepared once; help is being listed.
_PREPARED = "kolba.cli.environment_prepared"
_LISTING = "kolba.cli.listing_commands"

#: Group options that take a value, for spotting ``--flask-compat`` before Click parses.
_VALUE_OPTIONS = frozenset({"-e", "--env-file", "-A", "--app"})


def _prepare_environment(ctx: click.Context, env_file: str | None = None) -> None:
    """Load the env files and read ``KOLBA_APP``, once per invocation, before the app is needed.

    Runs from the ``--env-file`` callback, or earlier when ``--help`` lists
    the app's commands before the other options are processed.
    """
    info = ctx.ensure_object(ScriptInfo)
    if not ctx.meta.get(_PREPARED):
        ctx.meta[_PREPARED] = True
        if env_file is not None or info.load_dotenv_defaults:
            load_dotenv(env_file, load_defaults=info.load_dotenv_defaults)
    if info.app_import_path is None:
        info.app_import_path = env_value("APP")


def _env_file_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Load ``--env-file`` (over the default files) before any other option reads the environment."""
    if value is not None and not dotenv_available():
        raise click.BadParameter("python-dotenv must be installed to load an env file.", ctx=ctx, param=param)
    _prepare_environment(ctx, value)
    return value


def _app_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An explicit ``--app`` wins over ``KOLBA_APP``; the app is imported only when needed."""
    if value:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def get_version(ctx: click.Context, param: click.Parameter, value: t.Any) -> None:
    """``--version``: print the Python, Kolba and Werkzeug versions, then stop."""
    if not value or ctx.resilient_parsing:
        return
    import platform
    from importlib.metadata import version

    from . import __version__

    lines = (f"Python {platform.python_version()}", f"Kolba {__version__}", f"Werkzeug {version('werkzeug')}")
    click.echo("\n".join(lines), color=ctx.color)
    ctx.exit()


# Eager, and declared first: the env files must be loaded before other options read the environment.
_env_file_option = click.Option(
    ["-e", "--env-file"], type=click.Path(exists=True, dir_okay=False), is_eager=True,
    expose_value=False, callback=_env_file_callback,
    help="Load environment variables from this file, over those of '.env' and '.kolbaenv'"
    " (variables already set win over all files). Needs python-dotenv.",
)
# Eager, so that --help can list the app's commands.
_app_option = click.Option(
    ["-A", "--app"], metavar="IMPORT", is_eager=True, expose_value=False,
    allow_from_autoenv=False, callback=_app_callback,
    help="The app or app factory to load, as 'module:name'. The module is a dotted import name"
    " or a file path; the name may be left out when it is 'app', 'application', 'create_app' or"
    " 'make_app', and may be 'factory(args)' with literal arguments.",
)
version_option = click.Option(
    ["--version"], is_flag=True, is_eager=True, expose_value=False, callback=get_version,
    help="Show the Python, Kolba and Werkzeug versions.",
)
_flask_compat_option = click.Option(
    ["--flask-compat"], is_flag=True, is_eager=True, expose_value=False,
    help="Run Flask code: 'import flask' gives Kolba (kolba.compat), Flask's 'flask.commands'"
    " plugins load, and FLASK_APP, FLASK_DEBUG, FLASK_RUN_* and '.flaskenv' count too.",
)


def _asks_for_flask_compat(args: list[str]) -> bool:
    """Whether ``--flask-compat`` is among the group's own options (before the command name)."""
    tokens = iter(args)
    for token in tokens:
        if token == "--flask-compat":
            return True
        if token == "--" or not token.startswith("-"):
            return False
        if token in _VALUE_OPTIONS:
            next(tokens, None)
    return False


def _report(message: str) -> None:
    click.secho(f"Error: {message}\n", err=True, fg="red")


class KolbaGroup(AppGroup):
    """The ``kolba`` command: built-in commands, plugins' commands, and the app's commands.

    Build one for a project's own management script with ``create_app``
    (called instead of importing an app).  ``load_dotenv=False`` skips the
    default env files, ``set_debug_flag=False`` leaves ``app.debug`` alone,
    and plugins add commands through the ``kolba.commands`` entry points
    (``flask.commands`` too under the Flask alias).
    """

    def __init__(
        self, add_default_commands: bool = True, create_app: t.Callable[..., Kolba] | None = None,
        add_version_option: bool = True, load_dotenv: bool = True, set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        own: list[click.Parameter] = [_env_file_option, _app_option, debug_option]
        if add_version_option:
            own.append(version_option)
        settings = {"auto_envvar_prefix": "KOLBA", **(extra.pop("context_settings", None) or {})}
        params = [*(extra.pop("params", None) or ()), *own]
        super().__init__(params=params, context_settings=settings, **extra)
        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        self._plugin_groups_loaded: set[str] = set()
        if add_default_commands:
            defaults: tuple[click.Command, ...] = (run_command, shell_command, routes_command, openapi_command)
            for command in defaults:
                self.add_command(command)

    # -- commands ---------------------------------------------------------------------------

    def _load_plugin_commands(self) -> None:
        """Add the entry-point commands of installed packages; a built-in name is never replaced."""
        from importlib.metadata import entry_points

        wanted = ["kolba.commands", "flask.commands"] if flask_names_active() else ["kolba.commands"]
        for group in wanted:
            if group in self._plugin_groups_loaded:
                continue
            self._plugin_groups_loaded.add(group)
            for entry in entry_points(group=group):
                if entry.name not in self.commands:
                    self.add_command(entry.load(), entry.name)

    def _app_or_report(self, ctx: click.Context, crashes_too: bool) -> Kolba | None:
        """The app, or None after printing why it could not be loaded."""
        _prepare_environment(ctx)
        try:
            return ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as error:
            _report(error.format_message())
        except Exception as error:
            if not crashes_too:
                raise
            _report(f"While loading the app, an exception was raised:\n\n{user_traceback(error)}")
        return None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Built-in and plugin commands first (they need no app), then the app's own."""
        self._load_plugin_commands()
        command = super().get_command(ctx, cmd_name)
        if command is None:
            app = self._app_or_report(ctx, crashes_too=False)
            if app is None:
                return None
            if not ctx.meta.get(_LISTING):
                # Parameter callbacks of the app's commands may use current_app too.
                enter_app_context(ctx, app)
            command = app.cli.get_command(ctx, cmd_name)
        if command is not None:
            adopt_flask_names(cmd_name.upper().replace("-", "_") + "_")
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name; an app that fails to load is reported, and the rest still listed."""
        self._load_plugin_commands()
        names = set(super().list_commands(ctx))
        app = self._app_or_report(ctx, crashes_too=True)
        if app is not None:
            names.update(app.cli.list_commands(ctx))
        return sorted(names)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands for ``--help`` without entering the app's context."""
        ctx.meta[_LISTING] = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            ctx.meta.pop(_LISTING, None)

    # -- one invocation -----------------------------------------------------------------------

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: t.Any
    ) -> click.Context:
        """Start an invocation: the Flask alias if asked for, the ScriptInfo, the CLI marker.

        ``KOLBA_RUN_FROM_CLI`` tells an unguarded ``app.run()`` in the app's
        module not to start a second server.
        """
        if any(param.name == "flask_compat" for param in self.params) and _asks_for_flask_compat(args):
            from . import compat

            compat.install()
        publish(RUN_FROM_CLI, "true")
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app, set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)


#: Flask's name for the group, for code written against ``flask.cli``.
FlaskGroup = KolbaGroup

cli = KolbaGroup(
    name="kolba",
    params=[_flask_compat_option],
    help="Run commands of a Kolba application: 'run', 'shell', 'routes' and the app's own.\n\n"
    "The app is named with '--app' or the 'KOLBA_APP' environment variable, or found in a"
    " 'wsgi.py' or 'app.py' file in the current directory.",
)


def main() -> None:
    """Entry point of the ``kolba`` command (and of ``flask`` under the Flask alias)."""
    cli.main()

