"""`conflictkg build`: reports in, a validated knowledge graph out (library: conflictkg.pipeline)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from conflictkg.cli._common import DEFAULT_OUT, store_option
from conflictkg.paths import seeds_dir


@click.command("build")
@click.argument("reports", nargs=-1, type=click.Path(path_type=Path))
@store_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT,
              show_default=True,
              help="Folder for the exports: conflictkg.trig, conflictkg.ttl, events.jsonl, "
                   "relations.jsonl, validation.txt.")
@click.option("--facts", "facts", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="Use these events (JSON Lines, the extractor's format) instead of extracting.")
@click.option("--relations", "--facts-relations", "relations", multiple=True,
              type=click.Path(path_type=Path, exists=True),
              help="Relations (JSON Lines) to go with --facts.")
@click.option("--workers", type=click.IntRange(1), default=2, show_default=True,
              help="Processes for extraction and validation.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@click.option("--no-reason", is_flag=True, help="Skip materialising the inferred graph.")
@click.option("--no-export", is_flag=True, help="Build the store only.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bars on standard error (default: when it is a terminal).")
def build_cmd(reports, store, out_dir, facts, relations, workers, no_validate, no_reason,
              no_export, progress):
    """Build the knowledge graph from REPORTS (files or folders; default: seeds/).

    Extracts events, actors and relations, turns them into RDF (one named graph per
    report, one for the registry, one for the ontology), validates them with the SHACL
    shapes in shapes/, loads them into the store (default build/store, replaced whole
    only when the new one is complete) and writes the exports into --out (default build/).

    Exit codes: 0 built and conforms, 1 built but SHACL violations (see
    build/validation.txt), 2 bad input (nothing changed).
    """
    from conflictkg.pipeline import build, facts_from_files

    if relations and not facts:
        raise click.UsageError("--relations goes with --facts")
    paths = list(reports) or [seeds_dir()]
    result = facts_from_files(facts, relations) if facts else None
    summary = build(
        paths, store, None if no_export else out_dir, workers=workers,
        validate=not no_validate, reason=not no_reason,
        progress=sys.stderr.isatty() if progress is None else progress, facts=result,
    )
    click.echo(summary.text())
    if summary.conforms is False:
        click.echo(f"error: the graph does not conform to the shapes; see {out_dir / 'validation.txt'}",
                   err=True)
        sys.exit(1)


COMMANDS = [build_cmd]
