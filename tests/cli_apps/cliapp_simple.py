"""An app named ``app``, with routes, shell names and commands that report state."""

from __future__ import annotations

import os

import click

from kolba import Kolba, current_app

app = Kolba(__name__, static_folder=None)


@app.route("/")
def index() -> str:
    return "hello from cliapp_simple"


@app.shell_context_processor
def shell_names() -> dict[str, object]:
    return {"answer": 42}


@app.cli.command("hello")
@click.option("--name", default="World")
def hello(name: str) -> None:
    """Greet someone from inside the app context."""
    click.echo(f"Hello, {name}! app={current_app.name}")


@app.cli.command("show-debug")
def show_debug() -> None:
    """Print the app's debug flag."""
    click.echo(f"debug={current_app.debug}")


@app.cli.command("show-env")
@click.argument("names", nargs=-1)
def show_env(names: tuple[str, ...]) -> None:
    """Print environment variables, to see what dotenv files set."""
    for name in names:
        click.echo(f"{name}={os.environ.get(name)}")
