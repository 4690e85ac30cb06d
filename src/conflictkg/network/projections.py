"""Project the knowledge graph into networkx graphs of actors.

Every projection pulls aggregated rows from a pyoxigraph Store (the union of its named
graphs) with SPARQL that groups by actor pair, so it scales to millions of events; Python
only merges the few rows per pair. Which relations and events become edges, and with which
sign, comes from the ontology (`rules.py`).

Signed actor network (`signed_actor_network`), undirected, one edge per actor pair, from:
- stated relations (`?a ckg:alliedWith ?b` ...) in report and registry graphs; the
  `inferred` graph is left out, so a tie counts what reports say, not what the reasoner
  derives from it;
- hostile events: a perpetrator and a different target of an event of a class with
  `ckg:hostileEventType true` (an armed clash: both sides are perpetrators and targets, so
  each side targets the other);
- joint operations: two different actors in `ckg:jointOperationTie` roles (perpetrator,
  partner) of one event, neither a target of it (so the two sides of a clash are not partners).

Mixed-sign pairs are resolved by the sum of signed support: `signed_weight = positive -
negative` (each statement or event counts 1); `sign` is +1, -1, or 0 when they cancel
("contested"; left out of structural balance).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox

from conflictkg.graph.iris import INFERRED_GRAPH, ONTOLOGY_GRAPH
from conflictkg.network.rules import NetworkRules, local_name, network_rules
from conflictkg.store import select_strings
from conflictkg.vocab import CKG, RDF, RDFS, sparql_prefixes

JOINT_OPERATION = "jointOperation"  # name of the event-derived tie kinds in `relations`
HOSTILE_EVENT = "hostileEvent"


def _values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(f'<{i}>' for i in iris)} }}"


def _alternatives(iris: Iterable[str]) -> str:
    """A property path `<p>|<q>`: measured 7x faster than joining two VALUES blocks (bench/)."""
    return "|".join(f"<{i}>" for i in iris)


def _concat(var: str, out: str, evidence: bool) -> str:
    if not evidence:
        return ""
    return f'(GROUP_CONCAT(DISTINCT STR(?{var}); separator=" ") AS ?{out})'


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT over the union of named graphs, as plain strings (None left out)."""
    return select_strings(store, sparql_prefixes() + query, use_default_graph_as_union=True)


def _split(value: str | None) -> set[str]:
    return set(value.split()) if value else set()


@dataclass
class _Pair:
    """What supports one actor pair: counts per relation kind, events, statements, reports."""

    support: Counter = field(default_factory=Counter)  # relation name -> statements/events
    positive: int = 0
    negative: int = 0
    events: int = 0
    statements: int = 0
    reports: set[str] = field(default_factory=set)
    evidence: set[str] = field(default_factory=set)

    def add(self, name: str, sign: int, n: int, *, events: bool, reports: set[str],
            evidence: set[str]) -> None:
        self.support[name] += n
        if sign > 0:
            self.positive += n
        else:
            self.negative += n
        if events:
            self.events += n
        else:
            self.statements += n
        self.reports |= reports
        self.evidence |= evidence

    def attrs(self, evidence: bool) -> dict[str, object]:
        net = self.positive - self.negative
        sign = (net > 0) - (net < 0)
        out: dict[str, object] = {
            "sign": sign,
            "tie_kind": {1: "cooperation", -1: "hostility", 0: "contested"}[sign],
            "weight": self.positive + self.negative,
            "signed_weight": net,
            "positive": self.positive,
            "negative": self.negative,
            "relations": " ".join(sorted(self.support)),
            "events": self.events,
            "statements": self.statements,
            "reports": len(self.reports),
        }
        if evidence:
            out["evidence"] = " ".join(sorted(self.evidence))
        return out


def _relation_rows(store: ox.Store, rules: NetworkRules, evidence: bool) -> list[dict[str, str]]:
    """Stated relations per (subject, property, object). A statement is a qualified
    `ckg:ActorRelation` node (the registry repeats the reports' nodes: counted once), or, for a
    triple no such node qualifies, each graph that states it."""
    return _select(store, f"""
SELECT ?a ?p ?b (COUNT(DISTINCT ?stmt) AS ?n) (GROUP_CONCAT(DISTINCT STR(?rep); separator=" ") AS ?reps)
       {_concat("r", "ev", evidence)}
WHERE {{
  {_values("p", (t.prop for t in rules.ties))}
  GRAPH ?g {{ ?a ?p ?b }}
  FILTER(?a != ?b && ?g != <{INFERRED_GRAPH}> && ?g != <{ONTOLOGY_GRAPH}>)
  OPTIONAL {{ ?r ckg:relationSubject ?a ; ckg:relationProperty ?p ; ckg:relationObject ?b .
             OPTIONAL {{ ?r ckg:inReport ?rep }} }}
  BIND(COALESCE(?r, ?g) AS ?stmt)
}} GROUP BY ?a ?p ?b""")


def _hostile_rows(store: ox.Store, rules: NetworkRules, evidence: bool) -> list[dict[str, str]]:
    """Hostile events per unordered actor pair (a < b): one perpetrator, the other a target.
    A clash where each side targets the other counts once."""
    return _select(store, f"""
SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?n) (GROUP_CONCAT(DISTINCT STR(?rep); separator=" ") AS ?reps)
       {_concat("e", "ev", evidence)}
WHERE {{
  {{ SELECT DISTINCT ?e WHERE {{ {_values("t", rules.hostile_event_types)} ?e a ?t }} }}
  ?e ckg:perpetrator ?x ; ckg:target ?y . FILTER(?x != ?y)
  BIND(IF(STR(?x) < STR(?y), ?x, ?y) AS ?a) BIND(IF(STR(?x) < STR(?y), ?y, ?x) AS ?b)
  OPTIONAL {{ ?e ckg:inReport ?rep }}
}} GROUP BY ?a ?b""")


def _joint_rows(store: ox.Store, rules: NetworkRules, evidence: bool) -> list[dict[str, str]]:
    """Joint operations per actor pair (a < b): both in joint roles, neither a target."""
    return _select(store, f"""
SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?n) (GROUP_CONCAT(DISTINCT STR(?rep); separator=" ") AS ?reps)
       {_concat("e", "ev", evidence)}
WHERE {{
  ?e {_alternatives(rules.joint_roles)} ?a . ?e {_alternatives(rules.joint_roles)} ?b .
  FILTER(STR(?a) < STR(?b))
  FILTER NOT EXISTS {{ ?e ckg:target ?a }} FILTER NOT EXISTS {{ ?e ckg:target ?b }}
  OPTIONAL {{ ?e ckg:inReport ?rep }}
}} GROUP BY ?a ?b""")


def _actor_attrs(store: ox.Store, actors: set[str], rules: NetworkRules) -> dict[str, dict[str, object]]:
    """Node attributes: label, kind (most specific actor class), QID, registry key, event counts."""
    out: dict[str, dict[str, object]] = {a: {"label": local_name(a), "kind": "Actor", "kind_label": "actor",
                                             "perpetrated": 0, "targeted": 0, "killed": 0} for a in actors}
    if not actors:
        return out
    # per-actor index lookups: an actor's few triples, whatever the size of the graph (a
    # VALUES block of actors made the engine scan every rdf:type triple: 8 s at 100k events)
    rdf_type, label, qid, key = RDF.type, RDFS.label, CKG.wikidata, CKG.registryKey
    for a in actors:
        node = ox.NamedNode(a)
        objects: dict[ox.NamedNode, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = defaultdict(list)
        for p in (rdf_type, label, qid, key):
            objects[p] = sorted({q.object for q in store.quads_for_pattern(node, p, None, None)
                                 if not isinstance(q.object, ox.Triple)}, key=str)
        kind = rules.most_specific({c.value for c in objects[rdf_type] if isinstance(c, ox.NamedNode)})
        if kind is not None:
            out[a].update(kind=kind.name, kind_label=kind.label)
            if kind.acled_inter is not None:
                out[a]["acled_inter"] = kind.acled_inter
        for p, name in ((label, "label"), (qid, "qid"), (key, "registry_key")):
            if objects[p]:
                out[a][name] = objects[p][0].value
    # counted over every actor and filtered here: faster than binding the actors (bench/)
    for role, name in (("perpetrator", "perpetrated"), ("target", "targeted")):
        query = f"SELECT ?a (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e ckg:{role} ?a }} GROUP BY ?a"
        for r in _select(store, query):
            if r["a"] in out:
                out[r["a"]][name] = int(r["n"])
    for r in _select(store, """SELECT ?a (SUM(?f) AS ?n) WHERE {
      { SELECT DISTINCT ?a ?e ?f WHERE { ?e ckg:perpetrator ?a ; ckg:fatalities ?f } } } GROUP BY ?a"""):
        if r["a"] in out:
            out[r["a"]]["killed"] = int(r["n"])
    return out


def _add_nodes(g: nx.Graph, store: ox.Store, actors: set[str], rules: NetworkRules) -> None:
    for a, attrs in sorted(_actor_attrs(store, actors, rules).items()):
        g.add_node(a, iri=a, node_type="actor", **attrs)


def signed_actor_network(store: ox.Store, *, evidence: bool = True,
                         rules: NetworkRules | None = None) -> nx.Graph:
    """The signed actor network: cooperation ties positive, hostility ties negative.

    Nodes are actor IRIs; edge attributes are described in the module docstring. `evidence`
    adds, per edge, the space-separated IRIs of the supporting events and relation statements
    (each has `ckg:evidence` -> the quote); turn it off on very large graphs.
    """
    rules = rules or network_rules(store)
    pairs: dict[tuple[str, str], _Pair] = defaultdict(_Pair)

    def key(a: str, b: str) -> tuple[str, str]:
        return (a, b) if a < b else (b, a)

    for r in _relation_rows(store, rules, evidence):
        tie = rules.tie(r["p"])
        pairs[key(r["a"], r["b"])].add(tie.name, tie.sign, int(r["n"]), events=False,
                                       reports=_split(r.get("reps")), evidence=_split(r.get("ev")))
    for rows, name, sign in ((_hostile_rows(store, rules, evidence), HOSTILE_EVENT, rules.hostile_sign),
                             (_joint_rows(store, rules, evidence), JOINT_OPERATION, rules.joint_tie.sign)):
        for r in rows:
            pairs[key(r["a"], r["b"])].add(name, sign, int(r["n"]), events=True,
                                           reports=_split(r.get("reps")), evidence=_split(r.get("ev")))
    g = nx.Graph(name="signed actor network", projection="signed")
    _add_nodes(g, store, {n for p in pairs for n in p}, rules)
    for (a, b), pair in sorted(pairs.items()):
        g.add_edge(a, b, **pair.attrs(evidence))
    return g


def alliance_network(store: ox.Store, *, evidence: bool = True,
                     rules: NetworkRules | None = None) -> nx.Graph:
    """The cooperation (positive) part of the signed network, with every node kept."""
    return positive_subgraph(signed_actor_network(store, evidence=evidence, rules=rules))


def positive_subgraph(g: nx.Graph) -> nx.Graph:
    h = nx.Graph()
    h.graph.update(g.graph, name="alliance network", projection="alliance")
    h.add_nodes_from(g.nodes(data=True))
    h.add_edges_from((a, b, d) for a, b, d in g.edges(data=True) if d.get("sign", 1) > 0)
    return h


def coperpetration_network(store: ox.Store, *, evidence: bool = True,
                           rules: NetworkRules | None = None) -> nx.Graph:
    """Actors tied by the events they carried out together (the projection of the actor-event
    graph on actors, through the joint-operation roles): weight = number of shared events.
    The two sides of a clash are both targets of it, so they are not co-perpetrators here."""
    rules = rules or network_rules(store)
    rows = _joint_rows(store, rules, evidence)
    g = nx.Graph(name="co-perpetration network", projection="coperpetration")
    _add_nodes(g, store, {r[k] for r in rows for k in ("a", "b")}, rules)
    for r in rows:
        attrs: dict[str, object] = {"weight": int(r["n"]), "events": int(r["n"]),
                                    "reports": len(_split(r.get("reps")))}
        if evidence:
            attrs["evidence"] = " ".join(sorted(_split(r.get("ev"))))
        g.add_edge(r["a"], r["b"], **attrs)
    return g
