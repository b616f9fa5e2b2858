"""Calls ``app.run()`` at import time, outside a ``__main__`` guard."""

import os

import click

from kolba import Kolba

app = Kolba(__name__, static_folder=None)


@app.cli.command("ping")
def ping() -> None:
    click.echo("pong")


# The tests point CLIAPP_PORT at a busy port: if the call were not ignored, the
# server would exit with an error instead of blocking the test run.
app.run(port=int(os.environ.get("CLIAPP_PORT", "5000")))
