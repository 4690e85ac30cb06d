"""Metrics a conflict analyst ranks actors by: degree, betweenness, eigenvector centrality,
PageRank, and Louvain communities; blocs of mutual allies.

On a signed network the centralities use `weight` (the support of a tie, always positive:
a well-documented hostile tie is as central as a cooperative one); communities and blocs
use only the positive (cooperation) ties, since Louvain's modularity assumes positive weights.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

SEED = 42  # Louvain is randomised: a fixed seed makes communities reproducible


def _undirected(g: nx.Graph) -> nx.Graph:
    return g.to_undirected(as_view=True) if g.is_directed() else g


def _eigenvector(g: nx.Graph) -> dict:
    """Eigenvector centrality per connected component (scaled by its share of the nodes): the
    leading eigenvector of a disconnected graph only sees its largest component."""
    out: dict = {}
    for comp in nx.connected_components(g):
        if len(comp) < 3:
            out.update(dict.fromkeys(comp, 0.0))
            continue
        sub = g.subgraph(comp)
        try:
            ec = nx.eigenvector_centrality_numpy(sub, weight="weight", max_iter=1000)
        except (nx.NetworkXException, ArithmeticError, ValueError):
            ec = dict.fromkeys(comp, float("nan"))
        share = len(comp) / g.number_of_nodes()
        out.update({n: abs(v) * share for n, v in ec.items()})
    return out


EXACT_BETWEENNESS = 2_000_000  # nodes x edges above which betweenness samples pivots
PIVOTS = 200


def centrality(g: nx.Graph, *, betweenness_k: int | None = None) -> pd.DataFrame:
    """One row per node: label, kind, degree, strength (sum of tie weights), positive and
    negative degree (signed graphs), betweenness, eigenvector centrality, PageRank; sorted by
    PageRank. Betweenness is exact on actor-sized graphs; when nodes x edges exceeds
    `EXACT_BETWEENNESS` it is estimated from `PIVOTS` sampled sources (fixed seed), or from
    `betweenness_k` sources if given (the DataFrame's `attrs["betweenness_pivots"]` says which)."""
    u = _undirected(g)
    n = u.number_of_nodes()
    if n == 0:
        return pd.DataFrame(columns=["node", "label", "kind", "degree", "strength", "betweenness",
                                     "eigenvector", "pagerank"])
    if betweenness_k is None and n * u.number_of_edges() > EXACT_BETWEENNESS:
        betweenness_k = PIVOTS
    k = betweenness_k if betweenness_k and betweenness_k < n else None
    between = nx.betweenness_centrality(u, k=k, seed=SEED if k else None)
    pagerank = nx.pagerank(u, weight="weight")
    eig = _eigenvector(u)
    rows = []
    for node, d in u.nodes(data=True):
        signs = [e.get("sign", 1) for _, _, e in u.edges(node, data=True)]
        rows.append({
            "node": node, "label": d.get("label", str(node)), "kind": d.get("kind", ""),
            "degree": u.degree(node), "strength": u.degree(node, weight="weight"),
            "positive_degree": sum(s > 0 for s in signs), "negative_degree": sum(s < 0 for s in signs),
            "betweenness": between[node], "eigenvector": eig[node], "pagerank": pagerank[node],
        })
    df = pd.DataFrame(rows).sort_values(["pagerank", "label"], ascending=[False, True]).reset_index(drop=True)
    df.attrs["betweenness_pivots"] = k or n
    return df


def _positive(g: nx.Graph) -> nx.Graph:
    u = _undirected(g)
    h = nx.Graph()
    h.add_nodes_from(u.nodes(data=True))
    h.add_edges_from((a, b, d) for a, b, d in u.edges(data=True) if d.get("sign", 1) > 0)
    return h


def communities(g: nx.Graph, *, seed: int = SEED) -> list[frozenset]:
    """Louvain communities of the cooperation ties (fixed seed: deterministic), largest first;
    an actor with no cooperation tie is a community of its own."""
    found = nx.community.louvain_communities(_positive(g), weight="weight", seed=seed)
    return sorted((frozenset(c) for c in found), key=lambda c: (-len(c), sorted(map(str, c))))


def community_table(g: nx.Graph, comms: list[frozenset] | None = None) -> pd.DataFrame:
    """node, label, kind, community (0 = largest)."""
    comms = communities(g) if comms is None else comms
    return pd.DataFrame([{"node": n, "label": g.nodes[n].get("label", str(n)),
                          "kind": g.nodes[n].get("kind", ""), "community": i}
                         for i, c in enumerate(comms) for n in sorted(c, key=str)])


def ally_blocs(g: nx.Graph, *, min_size: int = 3) -> list[frozenset]:
    """Blocs of mutual allies: maximal cliques of the cooperation ties with at least `min_size`
    actors (every member cooperates with every other), largest first."""
    cliques = (frozenset(c) for c in nx.find_cliques(_positive(g)) if len(c) >= min_size)
    return sorted(cliques, key=lambda c: (-len(c), sorted(map(str, c))))
