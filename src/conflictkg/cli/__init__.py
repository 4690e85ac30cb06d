"""The `conflictkg` command: a thin layer over the library (STYLE.md 4).

Each module in this package defines `COMMANDS`, a list of click commands; they are
discovered here, so a stage adds its commands without touching this file.
Exit codes: 0 success, 1 SHACL violations or failed checks, 2 bad input.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from conflictkg import __version__
from conflictkg.errors import ConflictKGError


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConflictKGError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="conflictkg")
def main() -> None:
    """conflictkg: a knowledge graph of armed-conflict actors and events from human-rights reports.

    Exit codes: 0 success, 1 SHACL violations or failed checks, 2 bad input.
    """


def _discover() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            main.add_command(command)


_discover()
