"""The projections by name, as the CLI and notebooks ask for them."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pyoxigraph as ox

from conflictkg.network.bipartite import actor_event_graph
from conflictkg.network.names import Kind
from conflictkg.network.projections import alliance_network, coperpetration_network, signed_actor_network
from conflictkg.network.victims import actor_victim_network


def project(store: ox.Store, kind: Kind, *, evidence: bool = True) -> nx.Graph:
    """The projection `kind` of the store's graph."""
    builders: dict[str, Callable[[], nx.Graph]] = {
        "signed": lambda: signed_actor_network(store, evidence=evidence),
        "alliance": lambda: alliance_network(store, evidence=evidence),
        "victim": lambda: actor_victim_network(store, evidence=evidence),
        "bipartite": lambda: actor_event_graph(store),
        "coperpetration": lambda: coperpetration_network(store, evidence=evidence),
    }
    return builders[kind]()
