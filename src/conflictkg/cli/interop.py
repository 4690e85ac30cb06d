"""`conflictkg import`: UCDP GED and ACLED CSV files into the store (or an N-Quads file)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from conflictkg.cli._common import output_option, store_option
from conflictkg.errors import BadInput


@click.command("import")
@click.option("--format", "fmt", type=click.Choice(["ucdp-ged", "acled-csv"]), required=True,
              help="The dataset's format.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@store_option
@click.option("--dataset-name", default=None,
              help="Names the dataset and its graph id/graph/dataset-<name> (default: file stem).")
@click.option("--citation", default=None,
              help="How to cite the file (default: the dataset's reference article); name your release.")
@click.option("--title", default=None, help="The dataset's title (default: the format's name).")
@output_option("Also write the dataset graph as N-Quads to this file ('-' for standard output); "
               "then the store is only written when --store is given.")
def import_(fmt: str, file: Path, store: Path, dataset_name: str | None, citation: str | None,
            title: str | None, output: Path | None) -> None:
    """Import a dataset's rows as events in their own named graph.

    Actors are matched to the registry by name and alias (the others are created and
    listed); bad rows are skipped and listed with their line numbers.
    """
    import contextlib

    import pyoxigraph as ox

    from conflictkg.interop import import_dataset, import_into
    from conflictkg.io import atomic_output

    ctx = click.get_current_context()
    store_given = ctx.get_parameter_source("store") != click.core.ParameterSource.DEFAULT
    to_stdout = output is not None and str(output) == "-"
    options = {"citation": citation, "title": title}
    with contextlib.ExitStack() as stack:
        out = None
        if output is not None:
            out = sys.stdout.buffer if to_stdout else stack.enter_context(atomic_output(output, "wb"))
        if output is None or store_given:
            from conflictkg.store import open_store

            db = open_store(store, read_only=False)
            summary = import_into(db, file, fmt, dataset_name, out=out, **options)  # type: ignore[arg-type]
            db.flush()
        else:
            sink = out

            def write(quads: list[ox.Quad]) -> None:
                assert sink is not None
                sink.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")

            summary = import_dataset(file, fmt, dataset_name, sink=write, **options).summary  # type: ignore[arg-type]
        if summary.rows and not summary.imported:
            raise BadInput(f"{file}: none of the {summary.rows} rows could be imported: "
                           + "; ".join(f"line {k.line}: {k.reason}" for k in summary.skipped[:5]))
    echo = (lambda m: click.echo(m, err=True)) if to_stdout else click.echo
    for line in summary.lines():
        echo(line)


COMMANDS = [import_]
