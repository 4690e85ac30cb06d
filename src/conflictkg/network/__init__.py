"""networkx projections of the knowledge graph, their metrics and exports (DESIGN.md, network).

    from conflictkg.network import signed_actor_network, centrality, balance, ally_blocs, write_graph
    g = signed_actor_network(store)          # pyoxigraph Store -> nx.Graph
    centrality(g).head()                     # pandas DataFrame, ranked by PageRank
    balance(g).unbalanced                    # triangles that break structural balance
    write_graph(g, "actors.graphml")         # or .gexf, .json, .png

What becomes an edge is read from the ontology's annotations (`rules.py`).
"""

from conflictkg.network.bipartite import actor_event_graph
from conflictkg.network.draw import draw, figure
from conflictkg.network.exports import FORMATS, read_graph, write_graph
from conflictkg.network.kinds import KINDS, project
from conflictkg.network.metrics import ally_blocs, centrality, communities, community_table
from conflictkg.network.projections import (
    alliance_network,
    coperpetration_network,
    positive_subgraph,
    signed_actor_network,
)
from conflictkg.network.rules import NetworkRules, network_rules
from conflictkg.network.triads import BalanceReport, Triad, balance
from conflictkg.network.victims import actor_victim_network

__all__ = [
    "FORMATS", "KINDS", "BalanceReport", "NetworkRules", "Triad", "actor_event_graph", "actor_victim_network",
    "alliance_network", "ally_blocs", "balance", "centrality", "communities", "community_table",
    "coperpetration_network", "draw", "figure", "network_rules", "positive_subgraph", "project", "read_graph",
    "signed_actor_network", "write_graph",
]
