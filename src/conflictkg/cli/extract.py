"""`conflictkg extract`: reports -> events.jsonl (+ relations.jsonl), a thin layer over
`conflictkg.extract.extract`."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from conflictkg.errors import BadInput
from conflictkg.io import atomic_output
from conflictkg.reports import find_reports, iter_corpus, load_report


def _write(rows, path: Path) -> None:
    lines = "".join(
        json.dumps(r.to_json() if hasattr(r, "to_json") else asdict(r), ensure_ascii=False) + "\n"
        for r in rows
    )
    if str(path) == "-":
        sys.stdout.write(lines)
        return
    with atomic_output(path) as fh:
        fh.write(lines)


@click.command("extract")
@click.argument("reports", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path, allow_dash=True),
    required=True,
    help="Events file (JSON Lines, one event a line; '-' for standard output).",
)
@click.option(
    "--relations",
    "relations_out",
    type=click.Path(path_type=Path, allow_dash=True),
    help="Also write the actor relations the text states (JSON Lines).",
)
@click.option(
    "--actors",
    "actors_out",
    type=click.Path(path_type=Path),
    help="Also write the actors that are not registry keys (JSON Lines).",
)
@click.option("--covers", type=int, help="The year the report covers (when it has no .meta.json sidecar).")
@click.option("--title", help="Report title (no sidecar).")
@click.option("--publisher", help="Report publisher (no sidecar).")
@click.option("--url", help="Report URL (no sidecar).")
@click.option("--country", help="ISO 3166-1 alpha-2 code of the country the report is about.")
@click.option(
    "--corpus",
    "corpus",
    type=click.Path(path_type=Path),
    help="Read reports from a corpus .jsonl.gz (id, country, year, title, url, text).",
)
@click.option("--limit", type=int, help="With --corpus: only the first N reports.")
@click.option("--workers", type=int, default=1, show_default=True, help="Processes to use.")
@click.option("--progress/--no-progress", default=False, help="Show a progress bar on standard error.")
def extract(
    reports,
    output,
    relations_out,
    actors_out,
    covers,
    title,
    publisher,
    url,
    country,
    corpus,
    limit,
    workers,
    progress,
):
    """Extract events (and relations) from REPORT files (.txt with a .meta.json sidecar).

    Without a sidecar give --covers YEAR. Ends with a summary on standard error:
    reports, sentences, events, relations, skipped sentences.
    """
    from conflictkg.extract import extract as run

    if not reports and corpus is None:
        raise BadInput("give REPORT files or --corpus FILE")
    overrides = {
        "covers": covers,
        "title": title,
        "publisher": publisher,
        "url": url,
        "country": country.upper() if country else None,
    }
    items = []
    if reports:
        items.extend(load_report(p, overrides) for p in find_reports(list(reports)))
    if corpus is not None:
        if not corpus.exists():
            raise BadInput(f"{corpus}: no such corpus file")
        items = [*items, *iter_corpus(corpus, limit)]
    result = run(items, workers=max(1, workers), progress=progress)
    _write(result.events, output)
    if relations_out is not None:
        _write(result.relations, relations_out)
    if actors_out is not None:
        _write(result.actors.values(), actors_out)
    s = result.stats
    click.echo(
        f"extracted {s.reports} reports, {s.sentences} sentences: {s.events} events, "
        f"{s.relations} relations, {s.skipped} sentences skipped",
        err=True,
    )


COMMANDS = [extract]
