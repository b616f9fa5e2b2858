"""Blueprint commands: default group, merged into the app, custom group names."""

import click

from kolba import Kolba, current_app
from kolba.blueprints import Blueprint

default_bp = Blueprint("bp_default", __name__)
merged_bp = Blueprint("bp_merged", __name__, cli_group=None)
custom_bp = Blueprint("bp_custom", __name__, cli_group="custom")
override_bp = Blueprint("bp_override", __name__)


@default_bp.cli.command("cmd")
def default_cmd() -> None:
    click.echo(f"default group, app={current_app.name}")


@merged_bp.cli.command("merged-cmd")
def merged_cmd() -> None:
    click.echo("merged into the app group")


@custom_bp.cli.command("cmd")
def custom_cmd() -> None:
    click.echo("custom group")


@override_bp.cli.command("cmd")
def override_cmd() -> None:
    click.echo("group named at registration")


def create_app() -> Kolba:
    app = Kolba("cliapp_blueprints", static_folder=None)
    app.register_blueprint(default_bp)
    app.register_blueprint(merged_bp)
    app.register_blueprint(custom_bp)
    app.register_blueprint(override_bp, cli_group="renamed")
    return app
