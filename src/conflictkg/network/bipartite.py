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
    rows = _select(store, f"""SELECT ?e ?a (GROUP_CONCAT(DISTINCT STR(?role); separator=" ") AS ?roles)
    WHERE {{ {_values("role", rules.roles)} ?e ?role ?a }} GROUP BY ?e ?a""")
    events: dict[str, dict[str, object]] = defaultdict(dict)
    for r in _select(store, """SELECT ?e (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?type) (SAMPLE(?d) AS ?date)
        (SAMPLE(?f) AS ?fatalities) WHERE {
      ?e a ckg:Event . FILTER EXISTS { ?e ckg:participant|ckg:perpetrator|ckg:partner|ckg:target ?x }
      OPTIONAL { ?e rdfs:label ?l } OPTIONAL { ?e ckg:mainType ?t } OPTIONAL { ?e ckg:startDate ?d }
      OPTIONAL { ?e ckg:fatalities ?f } } GROUP BY ?e"""):
        ev = events[r["e"]]
        ev.update(label=r.get("label", local_name(r["e"])), kind=local_name(r.get("type", "Event")))
        if "date" in r:
            ev["date"] = r["date"]
        if "fatalities" in r:
            ev["fatalities"] = int(r["fatalities"])
    g = nx.Graph(name="actor-event graph", projection="bipartite")
    _add_nodes(g, store, {r["a"] for r in rows}, rules)
    for n in g:
        g.nodes[n]["bipartite"] = 0
    for e in sorted({r["e"] for r in rows}):
        g.add_node(e, iri=e, node_type="event", bipartite=1, kind_label="event", **events.get(e, {}))
    for r in rows:
        g.add_edge(r["a"], r["e"], role=" ".join(sorted(local_name(x) for x in r["roles"].split())))
    return g
