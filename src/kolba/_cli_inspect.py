"""``kolba shell`` and ``kolba routes``: looking into the app from the command line."""

from __future__ import annotations

import os
import sys
import typing as t

import click

from ._cli_app import active_app, with_appcontext

if t.TYPE_CHECKING:
    from .app import Kolba


class _Rule(t.Protocol):
    """What the table reads from a URL rule (Kolba's rules and Werkzeug's alike)."""

    endpoint: t.Any
    methods: t.Any
    host: str | None
    subdomain: str | None
    rule: str


def _the_app() -> Kolba:
    """The app of the active context; these commands always run under ``with_appcontext``."""
    app = active_app()
    if app is None:  # pragma: no cover - with_appcontext guarantees one
        raise click.UsageError("No application context is active.")
    return app


# -- shell --------------------------------------------------------------------------------------


def _startup_names() -> dict[str, t.Any]:
    """What the file named by ``PYTHONSTARTUP`` defines, as the interactive interpreter would run it."""
    names: dict[str, t.Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup, encoding="utf-8") as source:
            exec(compile(source.read(), startup, "exec"), names)
    return names


def _line_editing(names: dict[str, t.Any]) -> None:
    """On a terminal, turn on what ``python`` itself would: readline, history, completion.

    Completion is pointed at the shell's own names, not ``__main__``'s.
    """
    hook = getattr(sys, "__interactivehook__", None)
    if hook is None or not sys.stdin.isatty():
        return
    try:
        import readline
        from rlcompleter import Completer
    except ImportError:  # pragma: no cover - platforms without readline
        pass
    else:
        readline.set_completer(Completer(names).complete)
    hook()


@click.command("shell", short_help="Run a shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Start an interactive Python shell inside the app's application context.

    ``app`` and ``g`` are defined, the ``PYTHONSTARTUP`` file is run, and the
    app's shell context processors add their names.
    """
    import code

    app = _the_app()
    names = _startup_names()
    names.update(app.make_shell_context())
    banner = "\n".join(
        (f"Python {sys.version} on {sys.platform}", f"App: {app.import_name}", f"Instance: {app.instance_path}")
    )
    _line_editing(names)
    code.interact(banner=banner, local=names)


# -- routes -------------------------------------------------------------------------------------

#: Methods every rule answers on its own; listed only with ``--all-methods``.
_AUTOMATIC_METHODS = frozenset({"HEAD", "OPTIONS"})


class _Column(t.NamedTuple):
    title: str
    sort_key: str
    cells: list[str]


def _columns(rules: t.Sequence[_Rule], host_matching: bool, all_methods: bool) -> list[_Column]:
    """The table's columns; the subdomain/host column only when some rule has one."""
    hidden: frozenset[str] = frozenset() if all_methods else _AUTOMATIC_METHODS
    methods = [", ".join(sorted(set(rule.methods or ()) - hidden)) for rule in rules]
    domains = [str((rule.host if host_matching else rule.subdomain) or "") for rule in rules]
    columns = [
        _Column("Endpoint", "endpoint", [str(rule.endpoint) for rule in rules]),
        _Column("Methods", "methods", methods),
    ]
    if any(domains):
        columns.append(_Column("Host" if host_matching else "Subdomain", "domain", domains))
    columns.append(_Column("Rule", "rule", [rule.rule for rule in rules]))
    return columns


def _rows(columns: list[_Column], sort: str) -> list[tuple[str, ...]]:
    """One row per rule; ``match`` (and ``domain`` without its column) keeps the map's order."""
    rows = list(zip(*(column.cells for column in columns)))
    keys = [column.sort_key for column in columns]
    if sort in keys:
        position = keys.index(sort)
        rows.sort(key=lambda row: row[position])
    return rows


@click.command("routes", short_help="Show the routes for the app.")
@click.option(
    "--sort", "-s", default="endpoint",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    help="Order of the rows; 'match' is the order in which requests are matched.",
)
@click.option("--all-methods", is_flag=True, help="Also list HEAD and OPTIONS.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """List the app's URL rules with their endpoints and methods."""
    url_map = _the_app().url_map
    rules = list(url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return
    columns = _columns(rules, url_map.host_matching, all_methods)
    table = [tuple(column.title for column in columns), *_rows(columns, sort)]
    widths = [max(len(row[index]) for row in table) for index in range(len(columns))]
    table.insert(1, tuple("-" * width for width in widths))
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))
