"""Options and helpers the commands share, so flags mean the same everywhere."""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_STORE = Path("build/store")
DEFAULT_OUT = Path("build")

store_option = click.option(
    "--store", "store", type=click.Path(path_type=Path), default=DEFAULT_STORE, show_default=True,
    help="The embedded Oxigraph store directory.",
)


def output_option(help: str = "Output file ('-' for standard output).", required: bool = False):
    return click.option("-o", "--output", "output", type=click.Path(path_type=Path, allow_dash=True),
                        required=required, help=help)
