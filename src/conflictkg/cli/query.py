"""`conflictkg queries` and `conflictkg query`: the SPARQL library from the command line.

Thin over `conflictkg.query` (STYLE.md 4): list the library, run a named query or a user's
`.rq` file on the embedded store or a SPARQL endpoint, print or write the answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from conflictkg.cli._common import DEFAULT_STORE, output_option, store_option
from conflictkg.errors import BadInput
from conflictkg.io import atomic_output
from conflictkg.query import (
    FORMATS,
    QueryResult,
    format_result,
    list_queries,
    load_query,
    parse_param_args,
    run_query,
    run_remote,
)


def open_store(path: Path):
    """The embedded store, read-only (a build or a server may hold it)."""
    from conflictkg.store import open_store as _open

    if not Path(path).exists():
        hint = " (run `conflictkg build` first)" if Path(path) == DEFAULT_STORE else ""
        raise BadInput(f"{path}: no store there{hint}; give one with --store DIR")
    return _open(Path(path), read_only=True)


@click.command("queries")
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def queries(name: str | None, fmt: str) -> None:
    """List the library's SPARQL queries with their titles, or describe one (NAME)."""
    infos = [load_query(name)] if name else list_queries()
    rows = [(q.name, q.title, ", ".join(
        f"{p.name} ({p.type}{'' if not p.required else ', required'})" for p in q.params))
        for q in infos]
    if fmt == "json":
        import json

        click.echo(json.dumps([
            {"name": q.name, "title": q.title, "description": q.description,
             "params": [{"name": p.name, "type": p.type, "default": p.default,
                         "required": p.required, "description": p.description}
                        for p in q.params]} for q in infos], ensure_ascii=False, indent=2))
        return
    if name:
        q = infos[0]
        click.echo(f"{q.name}: {q.title}\n\n{q.description}\n")
        for p in q.params:
            extra = "required" if p.required else (f"default {p.default}" if p.default
                                                   else "optional")
            click.echo(f"  --param {p.name}=...  ({p.type}, {extra}) {p.description}")
        click.echo(f"\nfile: {q.path}")
        return
    result = QueryResult(["name", "title", "params"], list(rows))
    click.echo(format_result(result, "table"), nl=False)


@click.command("query")
@click.argument("name")
@store_option
@click.option("--endpoint", metavar="URL", help="Query a SPARQL 1.1 endpoint instead of the store.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the query (repeatable): --param actor=JNIM --param year=2023.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True)
@output_option()
def query(name: str, store: Path, endpoint: str | None, params: tuple[str, ...], fmt: str,
          output: Path | None) -> None:
    """Run a library query (see `conflictkg queries`) or your own .rq file.

    NAME is a query of the library (`alliances`) or the path of a SPARQL file. Parameters
    are typed and bound by the engine; actor parameters take a registry key (JNIM), a
    Wikidata QID (Q28877411), a name or an IRI. Exit code 2 on an unknown query, a missing
    or ill-typed parameter, or a syntax error (with its line and column).
    """
    values = parse_param_args(params)
    if endpoint:
        result = run_remote(endpoint, name, values)
    else:
        load_query(name)  # an unknown query is reported before the store is opened
        result = run_query(open_store(store), name, values)
    text = format_result(result, fmt)  # type: ignore[arg-type]
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    with atomic_output(output) as fh:
        fh.write(text)
    click.echo(f"{len(result)} rows -> {output}", err=True)


COMMANDS = [queries, query]
