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
    import pyoxigraph as ox

    from conflictkg.interop import import_dataset, load_into
    from conflictkg.io import atomic_output

    result = import_dataset(file, fmt, dataset_name, citation=citation, title=title)  # type: ignore[arg-type]
    s = result.summary
    if s.rows and not s.imported:
        raise BadInput(f"{file}: none of the {s.rows} rows could be imported: "
                       + "; ".join(f"line {k.line}: {k.reason}" for k in s.skipped[:5]))
    ctx = click.get_current_context()
    store_given = ctx.get_parameter_source("store") != click.core.ParameterSource.DEFAULT
    if output is not None:
        data = ox.serialize(result.quads, format=ox.RdfFormat.N_QUADS) or b""
        if str(output) == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            with atomic_output(output, "wb") as fh:
                fh.write(data)
    if output is None or store_given:
        try:
            from conflictkg.store import open_store
        except ImportError:  # pragma: no cover - the store module is the graph engineer's
            open_store = None
        db = open_store(store, read_only=False) if open_store else ox.Store(str(store))
        load_into(db, result)
        db.flush()
    echo = (lambda m: click.echo(m, err=True)) if str(output) == "-" else click.echo
    for line in s.lines():
        echo(line)


COMMANDS = [import_]
