"""The actor-event bipartite graph: actors on one side (`bipartite=0`), events on the other
(`bipartite=1`), an edge per actor and event with the roles it plays (the sub-properties of
`ckg:participant`: perpetrator, partner, target; a clash side is "perpetrator target").
`networkx.algorithms.bipartite` works on it directly; `coperpetration_network` is its
projection on actors computed in SPARQL."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pyoxigraph as ox

from conflictkg.network.projections import _add_nodes, _select, _values
from conflictkg.network.rules import NetworkRules, local_name, network_rules


def actor_event_graph(store: ox.Store, *, rules: NetworkRules | None = None) -> nx.Graph:
    rules = rules or network_rules(store)
    # plain rows, grouped here: GROUP BY / SAMPLE in SPARQL measured 2-4x slower (bench/)
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in _select(store, f"SELECT ?e ?a ?role WHERE {{ {_values('role', rules.roles)} ?e ?role ?a }}"):
        roles[r["e"], r["a"]].add(local_name(r["role"]))
    events: dict[str, dict[str, object]] = {e: {} for e, _ in roles}
    for r in _select(store, """SELECT ?e ?l ?t ?d ?f WHERE { ?e a ckg:Event .
      OPTIONAL { ?e ckg:mainType ?t } OPTIONAL { ?e rdfs:label ?l } OPTIONAL { ?e ckg:startDate ?d }
      OPTIONAL { ?e ckg:fatalities ?f } }"""):
        ev = events.get(r["e"])
        if ev is None or ev:  # not in the graph, or seen already
            continue
        ev.update(label=r.get("l", local_name(r["e"])), kind=local_name(r.get("t", "Event")))
        if "d" in r:
            ev["date"] = r["d"]
        if "f" in r:
            ev["fatalities"] = int(r["f"])
    g = nx.Graph(name="actor-event graph", projection="bipartite")
    _add_nodes(g, store, {a for _, a in roles}, rules)
    for n in g:
        g.nodes[n]["bipartite"] = 0
    for e in sorted(events):
        g.add_node(e, iri=e, node_type="event", bipartite=1, kind_label="event", **events[e])
    for (e, a), names in sorted(roles.items()):
        g.add_edge(a, e, role=" ".join(sorted(names)))
    return g
