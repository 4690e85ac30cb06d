"""`conflictkg serve` (a SPARQL endpoint over the store) and `conflictkg push` (into a
remote triplestore): thin commands over conflictkg.serve and conflictkg.push."""

from __future__ import annotations

from pathlib import Path

import click

from conflictkg.cli._common import store_option


@click.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 exposes the endpoint).")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--writable", is_flag=True,
              help="Serve read-write: also SPARQL Update at /update and Graph Store at /store.")
@click.option("--union-default-graph/--no-union-default-graph", default=True, show_default=True,
              help="Query the union of the named graphs when a query names no graph.")
@click.option("--timeout-s", type=click.IntRange(1), default=None,
              help="Stop queries that run longer than this many seconds.")
def serve(store: Path, host: str, port: int, writable: bool, union_default_graph: bool,
          timeout_s: int | None) -> None:
    """Serve the store as a SPARQL 1.1 Protocol endpoint (the Oxigraph server).

    Read-only and on loopback unless asked. Query it with any SPARQL client:

        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ...' http://127.0.0.1:7878/query
    """
    from conflictkg.serve import serve_forever

    code = serve_forever(store, host, port, read_only=not writable,
                         union_default_graph=union_default_graph, timeout_s=timeout_s,
                         announce=lambda m: click.echo(m, err=True))
    raise SystemExit(code)


@click.command()
@store_option
@click.option("--endpoint", metavar="URL",
              help="SPARQL 1.1 Update endpoint (Oxigraph: http://HOST:PORT/update; Fuseki: "
                   ".../DATASET/update; Virtuoso, GraphDB: their SPARQL endpoint).")
@click.option("--graph-store", metavar="URL",
              help="SPARQL 1.1 Graph Store endpoint (Oxigraph: http://HOST:PORT/store; Fuseki: "
                   ".../DATASET/data); used instead of Update when given.")
@click.option("--auth", metavar="USER:PASSWORD", help="HTTP basic authentication.")
@click.option("--digest", is_flag=True, help="Use HTTP digest authentication with --auth.")
@click.option("--batch", type=click.IntRange(1), default=50_000, show_default=True,
              help="Triples per request.")
@click.option("--graph", "graphs", multiple=True, metavar="IRI",
              help="Push only this named graph (repeatable); default: every graph of the store.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def push(store: Path, endpoint: str | None, graph_store: str | None, auth: str | None,
         digest: bool, batch: int, graphs: tuple[str, ...], quiet: bool) -> None:
    """Load the store's named graphs (one per report) into a remote triplestore.

    Each graph is replaced as a whole, so pushing twice gives the same graph.
    """
    from conflictkg.push import Auth, Target
    from conflictkg.push import push as do_push

    target = Target(endpoint, graph_store, Auth.parse(auth, digest) if auth else None)
    stats = do_push(store, target, batch=batch, graphs=list(graphs) or None, progress=not quiet)
    where = graph_store or endpoint
    click.echo(f"pushed {stats.graphs} graphs, {stats.triples} triples to {where} "
               f"({stats.requests} requests, {target.protocol.value})", err=True)


COMMANDS = [serve, push]
