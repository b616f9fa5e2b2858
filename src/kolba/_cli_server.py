"""``kolba run`` and ``app.run()``: Werkzeug's development server, its options and banner."""

from __future__ import annotations

import os
import traceback
import typing as t

import click
from click.core import ParameterSource

from ._cli_app import ScriptInfo, pass_script_info
from ._env_names import adopt_flask_names, env_value, flask_names_active, get_debug_flag, get_load_dotenv, publish

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .app import Kolba

#: Set (to ``true``) while the command line runs, so ``app.run()`` knows not to block it.
RUN_FROM_CLI = "RUN_FROM_CLI"

#: Where ``app.run()`` serves when neither the call nor ``SERVER_NAME`` says.
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 5000


def show_server_banner(debug: bool | None, app_import_path: str | None) -> None:
    """Say which app is served and whether debug mode is on (once, not again after a reload)."""
    from werkzeug.serving import is_running_from_reloader

    if is_running_from_reloader():
        return
    facts = []
    if app_import_path is not None:
        facts.append(f" * Serving Kolba app '{app_import_path}'")
    if debug is not None:
        facts.append(" * Debug mode: " + ("on" if debug else "off"))
    if facts:
        click.echo("\n".join(facts))


# -- HTTPS options ------------------------------------------------------------------------------


def _ssl_module(param: click.Parameter | None, ctx: click.Context | None) -> t.Any:
    try:
        import ssl
    except ImportError:  # pragma: no cover - a Python built without SSL
        raise click.BadParameter(
            'Using "--cert" requires Python to be compiled with SSL support.', ctx, param
        ) from None
    return ssl


def _check_cryptography(param: click.Parameter | None, ctx: click.Context | None) -> None:
    """Werkzeug makes ad-hoc certificates with cryptography: fail early and plainly without it.

    Importing the part Werkzeug uses (rather than asking ``find_spec``)
    also covers a ``None`` entry or a stand-in module in ``sys.modules``,
    the usual ways of making a package unimportable on purpose.
    """
    from importlib import import_module

    try:
        import_module("cryptography.x509")
    except ImportError:
        raise click.BadParameter(
            "Using ad-hoc certificates requires the cryptography library.", ctx, param
        ) from None


class CertParamType(click.ParamType):  # type: ignore[type-arg,unused-ignore]  # generic from click 8.4
    """``--cert``: a certificate file, ``adhoc``, or the import path of an ``ssl.SSLContext``."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None) -> t.Any:
        """A file wins; then ``adhoc``; then an SSLContext object; else the file's error stands."""
        ssl = _ssl_module(param, ctx)
        if isinstance(value, ssl.SSLContext):
            return value
        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter as file_error:
            text = str(value)
            if text.lower() == "adhoc":
                _check_cryptography(param, ctx)
                return "adhoc"
            from werkzeug.utils import import_string

            named = import_string(text, silent=True)
            if isinstance(named, ssl.SSLContext):
                return named
            raise file_error


def _cert_kind(cert: t.Any) -> str | None:
    """What ``--cert`` turned out to be: None, ``adhoc``, ``context`` or ``file``."""
    if cert is None:
        return None
    if isinstance(cert, str) and cert == "adhoc":
        return "adhoc"
    return "file" if isinstance(cert, str) else "context"


#: Why ``--key`` is refused, by the kind of ``--cert`` it came with.
_KEY_REFUSED = {
    None: '"--cert" must also be specified.',
    "adhoc": 'When "--cert" is "adhoc", "--key" is not used.',
    "context": 'When "--cert" is an SSLContext object, "--key" is not used.',
}


def _validate_key(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    """``--key`` goes with a certificate file and nothing else; the pair replaces ``cert``."""
    cert = ctx.params.get("cert")
    kind = _cert_kind(cert)
    if value is None:
        if kind == "file":
            raise click.BadParameter('Required when using "--cert".', ctx, param)
        return None
    if kind != "file":
        raise click.BadParameter(_KEY_REFUSED[kind], ctx, param)
    ctx.params["cert"] = (cert, value)
    return value


class SeparatedPathType(click.Path):
    """Several paths in one value, separated as in ``PATH`` (``:``, or ``;`` on Windows)."""

    def convert(self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None) -> t.Any:
        """Each path is checked on its own, as ``click.Path`` would check it."""
        check = super().convert
        return [check(part, param, ctx) for part in self.split_envvar_value(value)]


# -- kolba run ----------------------------------------------------------------------------------


def _failing_app(error: Exception) -> WSGIApplication:
    """A WSGI app that raises ``error`` on every request."""

    def raise_loading_error(environ: WSGIEnvironment, start_response: StartResponse) -> t.Iterable[bytes]:
        raise error

    return raise_loading_error


def _app_to_serve(info: ScriptInfo) -> WSGIApplication:
    """The app; in the reloader's child, its loading error served on each request instead.

    Exiting there would end the reloader, so the error is printed and the
    server keeps watching until the code is fixed.
    """
    from werkzeug.serving import is_running_from_reloader

    if not is_running_from_reloader():
        return info.load_app()
    try:
        return info.load_app()
    except Exception as error:
        traceback.print_exc()
        return _failing_app(error)


#: ``run`` options that ``FLASK_RUN_*`` can still set once an app has installed the alias itself.
_LATE_FLASK_OPTIONS = frozenset(
    {"host", "port", "reload", "debugger", "with_threads", "extra_files", "exclude_patterns"}
)


def _adopt_late_flask_options(ctx: click.Context, values: dict[str, t.Any]) -> None:
    """Apply ``FLASK_RUN_*`` to options left at their defaults, when Flask names count now.

    The options are read before the app is imported; an app module that
    installs the ``flask`` alias itself makes Flask's names count only then.
    """
    if not flask_names_active():
        return
    adopt_flask_names("RUN_")
    for param in ctx.command.params:
        name = param.name
        if name not in _LATE_FLASK_OPTIONS or ctx.get_parameter_source(name) is not ParameterSource.DEFAULT:
            continue
        raw = param.value_from_envvar(ctx)
        if raw is not None:
            values[name] = param.type_cast_value(ctx, raw)


def _debug_callback(ctx: click.Context, param: click.Parameter, value: bool | None) -> bool | None:
    """Publish an explicit ``--debug``/``--no-debug`` as ``KOLBA_DEBUG``.

    The environment carries it so an app factory sees it while it builds
    the app; without the option (``None``) the environment stays as it is.
    """
    if value is not None:
        publish("DEBUG", "1" if value else "0")
    return value


debug_option = click.Option(
    ["--debug/--no-debug"],
    default=None,
    expose_value=False,
    allow_from_autoenv=False,
    callback=_debug_callback,
    help="Turn debug mode on or off (default: from KOLBA_DEBUG).",
)


@click.command("run", short_help="Run a development server.")
@click.option("--host", "-h", default=DEFAULT_HOST, help="Interface to listen on.")
@click.option("--port", "-p", default=DEFAULT_PORT, help="Port to listen on.")
@click.option("--cert", type=CertParamType(), is_eager=True, help="Serve HTTPS with this certificate file, 'adhoc', or an SSLContext import path.")
@click.option("--key", type=click.Path(exists=True, dir_okay=False, resolve_path=True), callback=_validate_key, expose_value=False, help="The private key of the --cert file.")
@click.option("--reload/--no-reload", default=None, help="Restart on code changes (default: in debug mode).")
@click.option("--debugger/--no-debugger", default=None, help="Use the interactive debugger (default: in debug mode).")
@click.option("--with-threads/--without-threads", default=True, help="Serve each request in its own thread.")
@click.option(
    "--extra-files", type=SeparatedPathType(), default=None,
    help=f"More files whose change triggers a reload, separated by {os.pathsep!r}.",
)
@click.option(
    "--exclude-patterns", type=SeparatedPathType(), default=None,
    help=f"fnmatch patterns of files that never trigger a reload, separated by {os.pathsep!r}.",
)
@pass_script_info
def run_command(info: ScriptInfo, /, **values: t.Any) -> None:
    """Serve the app with Werkzeug's development server.

    It is for development only: use a production WSGI server (gunicorn,
    granian, ...) to deploy. Debug mode ('--debug') turns the reloader and
    the interactive debugger on.
    """
    from werkzeug.serving import run_simple

    app = _app_to_serve(info)
    _adopt_late_flask_options(click.get_current_context(), values)
    debug = get_debug_flag()
    show_server_banner(debug, info.app_import_path)
    reload, debugger = values["reload"], values["debugger"]
    run_simple(
        values["host"], values["port"], app,
        use_reloader=debug if reload is None else reload,
        use_debugger=debug if debugger is None else debugger,
        threaded=values["with_threads"], ssl_context=values["cert"],
        extra_files=values["extra_files"], exclude_patterns=values["exclude_patterns"],
    )


# ``kolba run --debug`` works as well as ``kolba --debug run``.
run_command.params.insert(0, debug_option)


# -- app.run() ----------------------------------------------------------------------------------


def _refuse_under_cli() -> bool:
    """Whether the command line is running: then ``app.run()`` says so and returns."""
    from werkzeug.serving import is_running_from_reloader

    if env_value(RUN_FROM_CLI) != "true":
        return False
    if not is_running_from_reloader():
        command = "flask" if flask_names_active() else "kolba"
        click.secho(
            f" * Ignoring a call to 'app.run()' that would block the current '{command}'"
            " CLI command.\n   Only call 'app.run()' in an 'if __name__ =="
            " \"__main__\"' guard.",
            fg="red",
        )
    return True


def _address(app: Kolba, host: str | None, port: int | None) -> tuple[str, int]:
    """The call's host and port, else ``SERVER_NAME``'s, else 127.0.0.1:5000."""
    configured = str(app.config.get("SERVER_NAME") or "")
    name_host, _, name_port = configured.partition(":")
    chosen_host = host or name_host or DEFAULT_HOST
    if port is not None:
        return chosen_host, int(port)
    return chosen_host, int(name_port) if name_port else DEFAULT_PORT


def run_app(
    app: Kolba, host: str | None = None, port: int | None = None, debug: bool | None = None,
    load_dotenv: bool = True, **options: t.Any,
) -> None:
    """What ``app.run()`` does: serve ``app`` with Werkzeug's development server.

    Env files are loaded first (unless ``load_dotenv=False``) and may set
    ``KOLBA_DEBUG``; ``debug`` wins over it.  The remaining ``options`` go to
    ``werkzeug.serving.run_simple``.  Under the ``kolba`` command the call
    returns at once: an unguarded ``app.run()`` must not block a command.
    """
    from werkzeug.serving import run_simple

    from ._cli_dotenv import load_dotenv as load_env_files

    if _refuse_under_cli():
        return
    if get_load_dotenv(load_dotenv):
        load_env_files()
        if env_value("DEBUG") is not None:
            app.debug = get_debug_flag()
    if debug is not None:
        app.debug = bool(debug)
    for flag in ("use_reloader", "use_debugger"):
        options.setdefault(flag, app.debug)
    options.setdefault("threaded", True)
    serve_host, serve_port = _address(app, host, port)
    show_server_banner(app.debug, app.name)
    run_simple(serve_host, serve_port, app, **options)

