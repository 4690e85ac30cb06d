"""networkx projections of the knowledge graph, their metrics and exports (DESIGN.md, network).

    from conflictkg.network import signed_actor_network, centrality, balance, ally_blocs, write_graph
    g = signed_actor_network(store)          # pyoxigraph Store -> nx.Graph
    centrality(g).head()                     # pandas DataFrame, ranked by PageRank
    balance(g).unbalanced                    # triangles that break structural balance
    write_graph(g, "actors.graphml")         # or .gexf, .json, .png

What becomes an edge is read from the ontology's annotations (`rules.py`).

Each name is loaded from its module when first asked for (PEP 562): networkx and pandas
cost ~0.4 s to import, which every `conflictkg` command paid when the command line listed
the projections' names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: each public name and the module (of this package) that defines it
_WHERE = {
    "actor_event_graph": "bipartite",
    "draw": "draw", "figure": "draw",
    "FORMATS": "names", "KINDS": "names",
    "read_graph": "exports", "write_graph": "exports",
    "project": "kinds",
    "ally_blocs": "metrics", "centrality": "metrics", "communities": "metrics",
    "community_table": "metrics",
    "alliance_network": "projections", "coperpetration_network": "projections",
    "positive_subgraph": "projections", "signed_actor_network": "projections",
    "NetworkRules": "rules", "network_rules": "rules",
    "BalanceReport": "triads", "Triad": "triads", "balance": "triads",
    "actor_victim_network": "victims",
}

__all__ = [
    "FORMATS", "KINDS", "BalanceReport", "NetworkRules", "Triad", "actor_event_graph", "actor_victim_network",
    "alliance_network", "ally_blocs", "balance", "centrality", "communities", "community_table",
    "coperpetration_network", "draw", "figure", "network_rules", "positive_subgraph", "project", "read_graph",
    "signed_actor_network", "write_graph",
]
assert set(__all__) == set(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:  # the names as the type checker and editors see them
    from conflictkg.network.bipartite import actor_event_graph
    from conflictkg.network.draw import draw, figure
    from conflictkg.network.exports import read_graph, write_graph
    from conflictkg.network.kinds import project
    from conflictkg.network.metrics import ally_blocs, centrality, communities, community_table
    from conflictkg.network.names import FORMATS, KINDS
    from conflictkg.network.projections import (
        alliance_network,
        coperpetration_network,
        positive_subgraph,
        signed_actor_network,
    )
    from conflictkg.network.rules import NetworkRules, network_rules
    from conflictkg.network.triads import BalanceReport, Triad, balance
    from conflictkg.network.victims import actor_victim_network
