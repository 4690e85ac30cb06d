"""The actor-to-victim network: who harms which civilian categories and communities.

A directed graph from each perpetrator to the victim categories (`ckg:victimCategory`:
civilians, men, children...) and communities (`ckg:ethnicity`) of the victim groups of the
events it carried out. Only victim groups whose `ckg:harm` the ontology marks
`ckg:countsAsHarm true` count (killed, injured, abducted, arrested, tortured, raped,
displaced...): people sentenced by a court or released are outcomes, not harm, and an actor
whose events only sentence or release people has no victim edge. Edge attributes: `events`
(distinct events), `killed` (sum of the counts of victim groups whose harm is `ckg:killed`),
`victims` (sum of the harmed victim-group counts; a group harmed several ways, e.g. arrested
and tortured, counts once per harm), `harms` (space-separated harm names), `weight`
(= events), `evidence` (event IRIs). Every perpetrator of an event is credited with all of
its victims, as ACLED does.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pyoxigraph as ox

from conflictkg.network.projections import _add_nodes, _concat, _select, _split
from conflictkg.network.rules import NetworkRules, local_name, network_rules
from conflictkg.vocab import CKG

COMMUNITY_PREFIX = "community:"  # node id of a community named by ckg:ethnicity


def _rows(store: ox.Store, evidence: bool, harms: tuple[str, ...]) -> list[dict[str, str]]:
    if not harms:
        return []
    return _select(store, f"""
SELECT ?a ?cat ?eth (COUNT(DISTINCT ?e) AS ?n) (SUM(?killed) AS ?k) (SUM(?c) AS ?total)
       (GROUP_CONCAT(DISTINCT STR(?h); separator=" ") AS ?harms) {_concat("e", "ev", evidence)}
WHERE {{
  ?e ckg:perpetrator ?a ; ckg:victims ?v . ?v ckg:victimCategory ?cat ; ckg:harm ?h .
  FILTER(?h IN ({", ".join(f"<{h}>" for h in harms)}))
  OPTIONAL {{ ?v ckg:count ?count }} OPTIONAL {{ ?v ckg:ethnicity ?eth }}
  BIND(COALESCE(?count, 0) AS ?c) BIND(IF(?h = {CKG.killed}, ?c, 0) AS ?killed)
}} GROUP BY ?a ?cat ?eth""")


def actor_victim_network(store: ox.Store, *, evidence: bool = True,
                         rules: NetworkRules | None = None) -> nx.DiGraph:
    """Perpetrator -> victim category / community, weighted by events and killed."""
    rules = rules or network_rules(store)
    rows = _rows(store, evidence, rules.harms)
    acc: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"events": 0, "killed": 0, "victims": 0, "harms": set(), "evidence": set()})
    targets: dict[str, dict[str, str]] = {}
    for r in rows:
        cat = r["cat"]
        targets[cat] = {"node_type": "victim_category", "label": local_name(cat), "iri": cat,
                        "kind": "VictimCategory", "kind_label": "victim category"}
        ends = [cat]
        if "eth" in r:
            node = COMMUNITY_PREFIX + r["eth"]
            targets[node] = {"node_type": "community", "label": r["eth"], "kind": "Community",
                             "kind_label": "community"}
            ends.append(node)
        for end in ends:
            tally = acc[(r["a"], end)]
            tally["events"] += int(r["n"])  # exact per row; summed over ethnicities it may overcount
            tally["killed"] += int(r["k"])
            tally["victims"] += int(r["total"])
            tally["harms"] |= {local_name(h) for h in _split(r.get("harms"))}
            tally["evidence"] |= _split(r.get("ev"))
    g = nx.DiGraph(name="actor-victim network", projection="victim")
    _add_nodes(g, store, {a for a, _ in acc}, rules)
    for node, node_attrs in sorted(targets.items()):
        g.add_node(node, **node_attrs)
    for (a, end), v in sorted(acc.items()):
        events = len(v["evidence"]) if evidence else v["events"]
        attrs: dict[str, int | str] = {"events": events, "weight": events, "killed": v["killed"],
                                       "victims": v["victims"], "harms": " ".join(sorted(v["harms"]))}
        if evidence:
            attrs["evidence"] = " ".join(sorted(v["evidence"]))
        g.add_edge(a, end, **attrs)
    return g
