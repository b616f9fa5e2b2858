"""``kolba openapi``: print or write the app's OpenAPI document."""

from __future__ import annotations

import importlib
import json
import typing as t

import click

from ._cli_app import active_app, with_appcontext


def _as_yaml(document: dict[str, t.Any]) -> str:
    try:
        yaml = importlib.import_module("yaml")
    except ImportError:
        raise click.UsageError("YAML output needs PyYAML: pip install pyyaml") from None
    return str(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


def _chosen_format(given: str | None, output: str | None) -> str:
    """JSON unless asked for YAML, by ``--format`` or a ``.yaml``/``.yml`` output file."""
    if given is not None:
        return given
    if output is not None and output.lower().endswith((".yaml", ".yml")):
        return "yaml"
    return "json"


@click.command("openapi", short_help="Print the app's OpenAPI document.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True),
    help="Write the document to this file.",
)
@click.option(
    "--format", "format_", type=click.Choice(("json", "yaml")),
    help="JSON by default; YAML (with PyYAML installed) for '--format yaml' or a .yaml/.yml output file.",
)
@click.option("--indent", default=2, show_default=True, help="Indentation of the JSON output.")
@with_appcontext
def openapi_command(output: str | None, format_: str | None, indent: int) -> None:
    """Print the app's OpenAPI 3.1 document, built from its routes and typed views."""
    app = active_app()
    assert app is not None  # with_appcontext guarantees one
    document = app.openapi()
    if _chosen_format(format_, output) == "yaml":
        text = _as_yaml(document)
    else:
        text = json.dumps(document, indent=indent or None, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8") as file:
        file.write(text)
    click.echo(f"Wrote the OpenAPI document to {output}.", err=True)
