"""`conflictkg export`: the store in an RDF (or other registered) format (library: conflictkg.export)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from conflictkg.cli._common import output_option, store_option
from conflictkg.export import formats


class _Formats(click.Choice):
    """The registered formats, read when the command runs (modules register themselves)."""

    def __init__(self) -> None:
        super().__init__([])

    @property  # type: ignore[override]
    def choices(self):  # noqa: D401
        return list(formats())

    @choices.setter
    def choices(self, value) -> None:
        pass


@click.command("export")
@click.option("--format", "fmt", type=_Formats(), required=True,
              help="Output format; see the list below.")
@output_option("Output file ('-' or nothing: standard output). Written atomically.")
@store_option
def export_cmd(fmt, output, store):
    """Export the store (default build/store), sorted and deterministic.

    \b
    Formats:
      ttl     Turtle, all graphs merged       trig  TriG, named graphs kept
      nt      N-Triples, all graphs merged    nq    N-Quads, named graphs kept
      jsonld  JSON-LD 1.1 with the context of ontology/context.jsonld
    and any other registered exporter (e.g. acled-csv).
    """
    from conflictkg.io import atomic_output
    from conflictkg.store import open_store

    exporter = formats()[fmt]
    st = open_store(store, read_only=True)
    if output is None or str(output) == "-":
        exporter.write(st, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        with _writing(output), atomic_output(Path(output), "wb") as fh:
            exporter.write(st, fh)
        click.echo(f"wrote {output} ({exporter.description})", err=True)


def _writing(path):
    from conflictkg.pipeline import _writing as writing

    return writing(Path(path))


COMMANDS = [export_cmd]
