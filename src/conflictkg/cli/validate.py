"""`conflictkg validate`: SHACL validation of a file or the store (library: conflictkg.validate)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from conflictkg.cli._common import output_option, store_option


@click.command("validate")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "turtle"]), default="text",
              show_default=True, help="text: grouped by shape and focus node; turtle: the "
                                      "sh:ValidationReport.")
@output_option("Write the report here ('-' or nothing: standard output).")
@click.option("--workers", type=click.IntRange(1), default=2, show_default=True,
              help="Processes validating batches in parallel.")
@click.option("--batch-size", type=click.IntRange(1), default=1000, show_default=True,
              help="Events per batch.")
@click.option("--shapes", type=click.Path(path_type=Path, exists=True, file_okay=False),
              default=None, help="Folder of SHACL shapes (default: shapes/).")
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql",
              show_default=True, help="sparql: the shapes compiled to SPARQL the store runs "
                                      "(fast); pyshacl: the reference engine, in batches.")
def validate_cmd(file, store, fmt, output, workers, batch_size, shapes, engine):
    """Validate FILE (.ttl, .trig, .nt, .nq, .jsonld) or, without FILE, the store
    (default build/store) against the SHACL shapes and the cross-node checks.

    Exit codes: 0 conforms (warnings allowed), 1 violations, 2 bad input.
    """
    from conflictkg.io import atomic_output
    from conflictkg.store import open_store
    from conflictkg.validate import load_file, validate_store

    target = load_file(file) if file else open_store(store, read_only=True)
    report = validate_store(target, batch_size=batch_size, workers=workers,
                            progress=sys.stderr.isatty(), shapes=shapes, engine=engine,
                            store_path=None if file else store)
    data = report.turtle() if fmt == "turtle" else report.text().encode("utf-8")
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        with _writing(output), atomic_output(output, "wb") as fh:
            fh.write(data)
        click.echo(report.summary(), err=True)
    sys.exit(0 if report.conforms else 1)


def _writing(path):
    from conflictkg.pipeline import _writing as writing

    return writing(Path(path))


COMMANDS = [validate_cmd]
