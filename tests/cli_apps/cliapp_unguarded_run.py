"""Calls ``app.run()`` at import time, outside a ``__main__`` guard."""

import click

from kolba import Kolba

app = Kolba(__name__, static_folder=None)


@app.cli.command("ping")
def ping() -> None:
    click.echo("pong")


app.run()
