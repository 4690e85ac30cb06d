"""`conflictkg network`: project the store into an actor network, export it, rank its actors.

    conflictkg network --kind alliance --format graphml -o alliance.graphml
    conflictkg network --kind signed -o actors.png
    conflictkg network --kind signed --metrics            # centrality table (TSV) on stdout
    conflictkg network --kind signed --balance --blocs     # triads, frustration, ally blocs
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from conflictkg.cli._common import output_option, store_option
from conflictkg.errors import BadInput
from conflictkg.network.names import FORMATS, KINDS
from conflictkg.store import open_store


def _label(g, n) -> str:
    return str(g.nodes[n].get("label", n))


@click.command("network")
@click.option("--kind", "kind", type=click.Choice(KINDS), default="signed", show_default=True,
              help="signed: cooperation +/hostility -; alliance: cooperation ties only; "
                   "victim: perpetrator -> victim categories and communities; bipartite: actor-event; "
                   "coperpetration: actors who carried out events together.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from the -o suffix).")
@output_option("Write the network to this file (.graphml, .gexf, .json, .png).")
@store_option
@click.option("--metrics", is_flag=True, help="Print the centrality table (TSV) and Louvain communities.")
@click.option("--balance", "show_balance", is_flag=True,
              help="Print structural balance: triangle counts, unbalanced triads, frustration index.")
@click.option("--blocs", is_flag=True,
              help="Print blocs of mutual allies (maximal cooperation cliques, >= 3).")
@click.option("--no-evidence", is_flag=True, help="Leave the evidence IRIs off the edges (smaller files).")
def network(kind: str, fmt: str | None, output: Path | None, store: Path, metrics: bool, show_balance: bool,
            blocs: bool, no_evidence: bool) -> None:
    """Project the knowledge graph into a networkx actor network; export it or print its metrics."""
    if output is None and not (metrics or show_balance or blocs):
        raise BadInput("nothing to do: give -o FILE to export the network, "
                       "or --metrics / --balance / --blocs")
    if output is not None and str(output) == "-":
        raise BadInput("-o -: networks are written to a file (GraphML, GEXF, JSON or PNG), not to stdout")
    # networkx and pandas are loaded here, not when the command line starts
    from conflictkg.network import ally_blocs, balance, centrality, communities, project, write_graph
    from conflictkg.network.exports import format_for

    if output is not None:
        fmt = format_for(output, fmt)  # fail on a bad suffix before the work
    g = project(open_store(store, read_only=True), kind, evidence=not no_evidence)  # type: ignore[arg-type]
    if output is not None:
        write_graph(g, output, fmt)
        click.echo(f"wrote {output} ({kind}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges)",
                   err=True)
    if metrics:
        table = centrality(g)
        comm = {n: i for i, c in enumerate(communities(g)) for n in c}
        table.insert(3, "community", table["node"].map(comm))
        click.echo(table.to_csv(sep="\t", index=False, float_format="%.4f"), nl=False)
    if show_balance:
        report = balance(g)
        for k, v in report.summary().items():
            click.echo(f"{k}\t{v}")
        for t in report.unbalanced:
            click.echo(f"unbalanced\t{t.pattern}\t" + "\t".join(t.labels))
    if blocs:
        for i, bloc in enumerate(ally_blocs(g), 1):
            click.echo(f"bloc {i}\t" + "\t".join(sorted(_label(g, n) for n in bloc)))
    sys.stdout.flush()


COMMANDS = [network]
