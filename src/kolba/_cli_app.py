"""Loading the app for a command, and running commands inside its application context."""

from __future__ import annotations

import dataclasses
import functools
import typing as t

import click

from ._cli_discovery import NoAppException, default_app, locate_app, prepare_import, split_import_path
from ._env_names import flask_names_active, get_debug_flag, get_load_dotenv

if t.TYPE_CHECKING:
    from .app import Kolba

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])


def _nothing_found() -> NoAppException:
    if flask_names_active():
        return NoAppException(
            "Could not locate a Kolba application. Use the '--app' option, the"
            " 'KOLBA_APP' or 'FLASK_APP' environment variable, or a 'wsgi.py' or"
            " 'app.py' file in the current directory."
        )
    return NoAppException(
        "Could not locate a Kolba application. Use the 'kolba --app' option,"
        " 'KOLBA_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the"
        " current directory."
    )


@dataclasses.dataclass(eq=False)
class ScriptInfo:
    """What a command needs to get the app, and the app once it is loaded.

    The ``kolba`` group makes one per invocation and Click hands it to the
    commands (``ctx.obj``); :meth:`load_app` loads the app on first use only,
    so commands that never need it (``--help``, ``--version``) never import it.
    """

    #: Where to import the app from, as given to ``--app``.
    app_import_path: str | None = None
    #: Builds the app; when given, it wins over ``app_import_path``.
    create_app: t.Callable[..., Kolba] | None = None
    #: Whether :meth:`load_app` sets ``app.debug`` from ``KOLBA_DEBUG``.
    set_debug_flag: bool = True
    #: Whether the default env files are loaded; ``KOLBA_SKIP_DOTENV`` can say no.
    load_dotenv_defaults: bool = True
    #: Free room for whatever the commands of one invocation want to share.
    data: dict[t.Any, t.Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.load_dotenv_defaults = get_load_dotenv(self.load_dotenv_defaults)
        self._app: Kolba | None = None

    def load_app(self) -> Kolba:
        """The app: built, imported or found on the first call, the same one afterwards."""
        if self._app is None:
            self._app = self._with_debug_flag(self._obtain())
        return self._app

    def _with_debug_flag(self, app: Kolba) -> Kolba:
        """Debug mode comes from the environment (``--debug`` published it there)."""
        if self.set_debug_flag:
            app.debug = get_debug_flag()
        return app

    def _obtain(self) -> Kolba:
        if self.create_app is not None:
            return self.create_app()
        if self.app_import_path:
            module_path, spec = split_import_path(self.app_import_path)
            return locate_app(prepare_import(module_path), spec)
        found = default_app()
        if found is None:
            raise _nothing_found()
        return found


pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def active_app() -> Kolba | None:
    """The app whose application context is active, through the public proxies only."""
    from . import current_app, has_app_context

    if not has_app_context():
        return None
    return t.cast("Kolba", current_app._get_current_object())  # type: ignore[attr-defined]


def enter_app_context(ctx: click.Context, app: Kolba) -> None:
    """Make ``app``'s application context current until ``ctx`` closes, unless it already is."""
    if active_app() is not app:
        ctx.with_resource(app.app_context())


def with_appcontext(f: _F) -> _F:
    """Run the command ``f`` inside the app's application context.

    The app is loaded through the command's :class:`ScriptInfo` when no
    application context is active yet; one that is active (another app's
    included) is used as it is.
    """

    @functools.wraps(f)
    def in_app_context(*args: t.Any, **kwargs: t.Any) -> t.Any:
        ctx = click.get_current_context()
        if active_app() is None:
            enter_app_context(ctx, ctx.ensure_object(ScriptInfo).load_app())
        return f(*args, **kwargs)

    return t.cast(_F, in_app_context)


class AppGroup(click.Group):
    """A Click group whose commands run inside the app context, unless told otherwise.

    ``app.cli`` and each blueprint's ``cli`` are AppGroups.  Subgroups made
    with :meth:`group` are AppGroups too.
    """

    @t.overload
    def command(self, __func: t.Callable[..., t.Any], /) -> click.Command: ...

    @t.overload
    def command(self, *args: t.Any, **kwargs: t.Any) -> t.Callable[[t.Callable[..., t.Any]], click.Command]: ...

    def command(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        """Click's ``command`` decorator plus :func:`with_appcontext`.

        ``with_appcontext=False`` leaves the command outside the context.
        ``@group.command`` without parentheses works as in Click.
        """
        in_context = kwargs.pop("with_appcontext", True)
        register = super().command

        def decorate(f: t.Callable[..., t.Any]) -> click.Command:
            callback = with_appcontext(f) if in_context else f
            command: click.Command = register(*args, **kwargs)(callback)
            return command

        if len(args) == 1 and callable(args[0]) and not kwargs:
            f, args = args[0], ()
            return decorate(f)
        return decorate

    def group(  # type: ignore[override,unused-ignore]  # Click's signature varies by version
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Group]:
        """Click's ``group`` decorator, making an :class:`AppGroup` unless ``cls`` says otherwise."""
        kwargs.setdefault("cls", AppGroup)
        decorator: t.Callable[[t.Callable[..., t.Any]], click.Group] = super().group(*args, **kwargs)
        return decorator
