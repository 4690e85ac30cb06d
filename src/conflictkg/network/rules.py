"""What becomes an edge, read from the ontology's annotations (STYLE.md 2), never a list in code.

- `ckg:networkEdge` (`ckg:cooperation` / `ckg:hostility`) and `ckg:edgeSign` (+1/-1) on the
  actor-relation properties: which stated relations are ties, and their sign;
- `ckg:hostileEventType true` on event classes: a perpetrator acting on a target of such an
  event makes a hostile tie;
- `ckg:jointOperationTie <property>` on event roles (`ckg:perpetrator`, `ckg:partner`): two
  actors in such roles of one event, neither a target of it, are tied as by that property;
- `ckg:actorKindKey` on actor classes: the kinds a node is coloured by (the most specific
  actor class), with their labels and ACLED inter codes;
- `ckg:countsAsHarm true` on `ckg:Harm` concepts: the harms the actor-victim network counts
  (killed, injured, arrested...), not the outcomes recorded in the same slot (sentenced, released).

The annotations are read from the store's ontology graph when it holds them (a store built by
`conflictkg build`), else from `ontology/conflictkg.ttl` (e.g. a test store of report graphs).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from conflictkg.paths import ontology_file
from conflictkg.store import select_strings
from conflictkg.vocab import sparql_prefixes

_RELATIONS = """SELECT ?p ?kind ?sign ?label WHERE {
  ?p ckg:networkEdge ?kind . OPTIONAL { ?p ckg:edgeSign ?sign } OPTIONAL { ?p rdfs:label ?label }
}"""
_HOSTILE = "SELECT ?c WHERE { ?c ckg:hostileEventType true }"
_JOINT = "SELECT ?role ?p WHERE { ?role ckg:jointOperationTie ?p }"
_ROLES = "SELECT ?role WHERE { ?role rdfs:subPropertyOf ckg:participant }"
_HARMS = "SELECT ?h WHERE { ?h ckg:countsAsHarm true }"
_KINDS = """SELECT ?c ?key ?label ?inter ?super WHERE {
  ?c ckg:actorKindKey ?key . OPTIONAL { ?c rdfs:label ?label } OPTIONAL { ?c ckg:acledInterCode ?inter }
  OPTIONAL { ?c rdfs:subClassOf+ ?super . ?super ckg:actorKindKey ?k2 }
}"""


@dataclass(frozen=True)
class Tie:
    """One actor-relation property as a network edge: its kind and sign."""

    prop: str  # IRI of the relation property
    name: str  # its local name, e.g. "alliedWith"
    kind: str  # local name of the ckg:EdgeKind: "cooperation" / "hostility"
    sign: int  # +1 / -1


@dataclass(frozen=True)
class ActorKind:
    cls: str  # IRI of the actor class
    name: str  # local name: "IslamistArmedGroup"
    label: str
    acled_inter: int | None
    supers: frozenset[str]  # the other kinds this one is a subclass of


@dataclass(frozen=True)
class NetworkRules:
    """The ontology's projection rules, as plain values the projections bind into SPARQL."""

    ties: tuple[Tie, ...]
    hostile_event_types: tuple[str, ...]
    joint_roles: tuple[str, ...]  # event role properties that make joint operations
    joint_tie: Tie  # the relation a joint operation counts as
    actor_kinds: tuple[ActorKind, ...]
    roles: tuple[str, ...]  # the event role properties (sub-properties of ckg:participant)
    harms: tuple[str, ...] = ()  # the ckg:Harm concepts that count as harm (ckg:countsAsHarm true)

    def tie(self, prop: str) -> Tie:
        return next(t for t in self.ties if t.prop == prop)

    @property
    def hostile_sign(self) -> int:
        """The sign of a hostile event tie: that of the relations declared ckg:hostility."""
        signs = {t.sign for t in self.ties if t.kind == "hostility"}
        return signs.pop() if len(signs) == 1 else -1

    def most_specific(self, classes: set[str]) -> ActorKind | None:
        """The most specific actor kind among an actor's classes (None if it has none)."""
        kinds = [k for k in self.actor_kinds if k.cls in classes]
        broader = set().union(*(k.supers for k in kinds)) if kinds else set()
        specific = sorted((k for k in kinds if k.cls not in broader), key=lambda k: k.name)
        return specific[0] if specific else None


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _rows(store: ox.Store, query: str, union: bool) -> list[dict[str, str]]:
    return select_strings(store, sparql_prefixes() + query, use_default_graph_as_union=union)


def _read(store: ox.Store, union: bool) -> NetworkRules | None:
    rel = _rows(store, _RELATIONS, union)
    if not rel:
        return None
    ties = tuple(sorted(
        {Tie(r["p"], local_name(r["p"]), local_name(r["kind"]),
             int(r["sign"]) if "sign" in r
             else (1 if local_name(r["kind"]) == "cooperation" else -1))
         for r in rel}, key=lambda t: t.prop))
    hostile = tuple(sorted(r["c"] for r in _rows(store, _HOSTILE, union)))
    joint = _rows(store, _JOINT, union)
    joint_props = {r["p"] for r in joint}
    if len(joint_props) != 1:
        if not joint_props:
            return None  # an ontology graph from before ckg:jointOperationTie: not usable
        raise ValueError(f"the ontology gives several ckg:jointOperationTie values: {sorted(joint_props)}")
    harms = tuple(sorted(r["h"] for r in _rows(store, _HARMS, union)))
    if not harms:
        return None  # an ontology graph from before ckg:countsAsHarm: not usable
    by_prop = {t.prop: t for t in ties}
    kind_rows = _rows(store, _KINDS, union)
    supers: dict[str, set[str]] = {}
    for r in kind_rows:
        supers.setdefault(r["c"], set()).update([r["super"]] if "super" in r else [])
    kinds = tuple(sorted(
        {ActorKind(r["c"], local_name(r["c"]),
                   r["label"] if "label" in r else local_name(r["c"]),
                   int(r["inter"]) if "inter" in r else None, frozenset(supers[r["c"]]))
         for r in kind_rows}, key=lambda k: k.name))
    return NetworkRules(ties, hostile, tuple(sorted(r["role"] for r in joint)),
                        by_prop[joint_props.pop()], kinds,
                        tuple(sorted(r["role"] for r in _rows(store, _ROLES, union))), harms)


@cache
def _from_file() -> NetworkRules:
    store = ox.Store()
    with ontology_file().open("rb") as fh:
        store.load(fh, format=ox.RdfFormat.TURTLE)
    rules = _read(store, union=False)
    if rules is None:
        raise ValueError(f"{ontology_file()} declares no ckg:networkEdge: no network projection possible")
    return rules


def network_rules(store: ox.Store | None = None) -> NetworkRules:
    """The projection rules: from the store's ontology graph if present, else the ontology file."""
    if store is not None:
        rules = _read(store, union=True)
        if rules is not None:
            return rules
        if _has_ontology(store):
            warnings.warn(f"the store's ontology graph predates the network annotations; "
                          f"using {ontology_file()} (rebuild the store to refresh it)", stacklevel=2)
    return _from_file()


def _has_ontology(store: ox.Store) -> bool:
    ask = sparql_prefixes() + "ASK { ?p ckg:networkEdge ?k }"
    return bool(store.query(ask, use_default_graph_as_union=True))
