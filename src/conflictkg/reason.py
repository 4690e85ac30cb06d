"""Reasoning: a HermiT consistency check, and the inferences users query, materialised.

Two jobs, two engines (DESIGN.md, Engines; ENGINES.md, Reasoning):

* `check_consistency` hands the ontology, the registry and the data to HermiT (through
  owlready2) and, when HermiT finds them inconsistent, names the individuals at fault:
  those typed (by assertion, subclass, domain or range) with two disjoint classes, and
  those with two values of a functional data property. HermiT rejects `xsd:date`, which
  is not in the OWL 2 datatype map, so the reasoner's copy carries dates as `xsd:dateTime`.
* `materialise` writes what OWL entails and plain SPARQL engines cannot see into the
  named graph `graph/inferred` (graph.iris.INFERRED_GRAPH): inverse, symmetric and
  transitive relations, super-properties, super-classes, and the classes that domains
  and ranges imply (an event's perpetrator is a ckg:Actor). The rules are read from the
  ontology's axioms and run as SPARQL in pyoxigraph, so they scale with the store, not
  with a reasoner. It is deterministic and idempotent: it clears the graph, then runs the
  rules to a fixpoint; only triples not asserted anywhere else are written.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from conflictkg.errors import BadInput
from conflictkg.graph import iris
from conflictkg.paths import ontology_files, reference_files
from conflictkg.store import Subject, Term, select
from conflictkg.vocab import ID_NS, PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_ = PREFIXES["rdfs"]
OWL_ = PREFIXES["owl"]
XSD_ = PREFIXES["xsd"]
OA_ = PREFIXES["oa"]
CKG_ = PREFIXES["ckg"]
_N = ox.NamedNode

# The OWL 2 datatype map (https://www.w3.org/TR/owl2-syntax/#Datatype_Maps): HermiT reads only
# these. Dates become dateTimes; literals of any other type (geo:wktLiteral, xsd:gYear) are left
# out of the reasoner's copy: no class or disjointness depends on them.
_TO_DATETIME = {XSD_ + "date"}
_OWL2_DATATYPES = {XSD_ + t for t in (
    "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger",
    "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte", "double", "float", "string", "normalizedString", "token",
    "language", "Name", "NCName", "NMTOKEN", "boolean", "hexBinary", "base64Binary", "anyURI",
    "dateTime", "dateTimeStamp")} | {
    PREFIXES["rdf"] + t for t in ("PlainLiteral", "XMLLiteral", "langString")} | {
    OWL_ + "real", OWL_ + "rational", RDFS_ + "Literal"}
_DATETIME = _N(XSD_ + "dateTime")

# Predicates of the evidence layer: quotes and offsets (and the Web Annotation plumbing of an
# exported graph). They add bulk and no class or disjointness to reason about, so the
# reasoner's slice leaves them out.
_SLICE_SKIP_PREDICATES = {OA_ + p for p in ("hasBody", "hasTarget", "hasSource", "hasSelector",
                                            "exact", "prefix", "suffix", "start", "end")} | {
    CKG_ + p for p in ("quote", "startOffset", "endOffset")}
_SLICE_SKIP_SUBJECT_PREFIX = ID_NS + "evidence/"


# ---------------------------------------------------------------------------
# The ontology's axioms, as the rules need them
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Axioms:
    """The axioms of the ontology that drive materialisation and diagnosis (IRIs as str)."""

    superclasses: dict[str, frozenset[str]]  # class -> all its strict superclasses
    superproperties: dict[str, frozenset[str]]  # property -> all its strict superproperties
    inverses: tuple[tuple[str, str], ...]  # (p, q): p owl:inverseOf q
    symmetric: frozenset[str]
    transitive: frozenset[str]
    domains: dict[str, frozenset[str]]  # property -> classes (rdfs:domain)
    ranges: dict[str, frozenset[str]]  # object property -> classes (rdfs:range)
    disjoint: frozenset[frozenset[str]]  # pairs of disjoint classes
    functional_data: frozenset[str]  # functional datatype properties
    object_properties: frozenset[str]


def _closure(direct: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            cur = todo.pop()
            if cur in seen or cur == start:
                continue
            seen.add(cur)
            todo.extend(direct.get(cur, ()))
        out[start] = frozenset(seen)
    return out


def _rdf_list(triples: dict[tuple[str, str], list[Term]], head: Term) -> list[str]:
    items: list[str] = []
    nil = PREFIXES["rdf"] + "nil"
    cur = head
    while isinstance(cur, ox.NamedNode | ox.BlankNode) and cur.value != nil:
        first = triples.get((_key(cur), PREFIXES["rdf"] + "first"), [])
        items.extend(t.value for t in first if isinstance(t, ox.NamedNode))
        rest = triples.get((_key(cur), PREFIXES["rdf"] + "rest"), [])
        cur = rest[0] if rest else ox.NamedNode(nil)
    return items


def _key(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term) if isinstance(term, ox.Triple) else term.value


def axioms_from(triples: Iterable[ox.Triple]) -> Axioms:
    """Read the axioms from the ontology's triples."""
    by_sp: dict[tuple[str, str], list[Term]] = defaultdict(list)
    by_p: dict[str, list[tuple[Term, Term]]] = defaultdict(list)
    for t in triples:
        by_sp[(_key(t.subject), t.predicate.value)].append(t.object)
        by_p[t.predicate.value].append((t.subject, t.object))

    def named_pairs(pred: str) -> Iterator[tuple[str, str]]:
        for s, o in by_p.get(pred, ()):
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
                yield s.value, o.value

    def typed(cls: str) -> set[str]:
        return {s.value for s, o in by_p.get(RDF_TYPE, ())
                if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and o.value == cls}

    sub_c: dict[str, set[str]] = defaultdict(set)
    for s, o in named_pairs(RDFS_ + "subClassOf"):
        sub_c[s].add(o)
    sub_p: dict[str, set[str]] = defaultdict(set)
    for s, o in named_pairs(RDFS_ + "subPropertyOf"):
        sub_p[s].add(o)
    domains: dict[str, set[str]] = defaultdict(set)
    for s, o in named_pairs(RDFS_ + "domain"):
        domains[s].add(o)
    ranges: dict[str, set[str]] = defaultdict(set)
    object_properties = typed(OWL_ + "ObjectProperty")
    for s, o in named_pairs(RDFS_ + "range"):
        if s in object_properties:
            ranges[s].add(o)

    disjoint: set[frozenset[str]] = set()
    for s, o in named_pairs(OWL_ + "disjointWith"):
        disjoint.add(frozenset((s, o)))
    for node, cls in by_p.get(RDF_TYPE, ()):
        if not isinstance(cls, ox.NamedNode) or cls.value != OWL_ + "AllDisjointClasses":
            continue
        for head in by_sp.get((_key(node), OWL_ + "members"), []):
            members = _rdf_list(by_sp, head)
            disjoint.update(frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:])

    functional = typed(OWL_ + "FunctionalProperty") & typed(OWL_ + "DatatypeProperty")
    return Axioms(
        superclasses=_closure(sub_c),
        superproperties=_closure(sub_p),
        inverses=tuple(sorted(named_pairs(OWL_ + "inverseOf"))),
        symmetric=frozenset(typed(OWL_ + "SymmetricProperty")),
        transitive=frozenset(typed(OWL_ + "TransitiveProperty")),
        domains={k: frozenset(v) for k, v in domains.items()},
        ranges={k: frozenset(v) for k, v in ranges.items()},
        disjoint=frozenset(disjoint),
        functional_data=frozenset(functional),
        object_properties=frozenset(object_properties),
    )


def _parse_files(paths: Iterable[Path]) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    for p in paths:
        try:
            with p.open("rb") as fh:
                out.extend(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=p.resolve().as_uri()))
        except (OSError, SyntaxError, ValueError) as exc:
            raise BadInput(f"{p}: cannot read Turtle: {exc}") from exc
    return out


@cache
def ontology_axioms() -> Axioms:
    """The axioms of ontology/conflictkg.ttl (+ mappings.ttl)."""
    return axioms_from(_parse_files(ontology_files()))


# ---------------------------------------------------------------------------
# Materialisation
# ---------------------------------------------------------------------------
CKG_ = PREFIXES["ckg"]
# the two small hierarchies: their standard-vocabulary names (prov:Agent, org:memberOf,
# geo:sfWithin ...) are materialised by default; those of the per-fact nodes are not
_HIERARCHY_ROOTS = frozenset({CKG_ + "Actor", CKG_ + "Place"})


@dataclass(frozen=True, slots=True)
class Rule:
    """Entailment rules with one conclusion, run as one SPARQL update inside Oxigraph.

    `where` (a group: `{ ... } UNION { ... }`) binds ?a (and ?b for a property) to what
    the rule concludes from. The update inserts `?a predicate ?b` (or `?a rdf:type cls`)
    into the inferred graph, once, unless some graph already states it. `reads`: the
    predicates and classes `where` reads (a class as itself). A `generative` rule (inverse,
    symmetric) makes links whose own consequences are drawn in the next round; the others
    read every sub-property and sub-class of what they conclude, so their conclusions are
    final and never read again. `mirror`: the rule that would only give back this rule's
    input (the inverse of an inverse; a symmetric rule is its own mirror).
    """

    name: str
    where: str
    predicate: str
    cls: str | None = None
    reads: frozenset[str] = frozenset()
    generative: bool = False
    mirror: str | None = None

    def update(self, into: tuple[str, ...], source: str | None, skip: tuple[str, ...] = (),
               hashed: bool = True) -> str:
        """The SPARQL update: match `where` in the graph `source` (None: the default graph
        and every named graph but `skip`), drop the conclusions some graph states, insert
        the others into the graphs `into`. `hashed`: drop them with MINUS (one hash of the
        stated triples, cheap for many rows) rather than one NOT EXISTS lookup per row."""
        head = f"?a <{RDF_TYPE}> <{self.cls}>" if self.cls else f"?a <{self.predicate}> ?b"
        keys = "?a" if self.cls else "?a ?b"
        w = self.where
        if source is None:
            not_skipped = " && ".join(f"?g != <{g}>" for g in skip) or "true"
            match = f"{{ {w} }} UNION {{ GRAPH ?g {{ {w} }} FILTER({not_skipped}) }}"
        else:
            match = f"GRAPH <{source}> {{ {w} }}"
        stated = "MINUS" if hashed else "FILTER NOT EXISTS"
        insert = " ".join(f"GRAPH <{g}> {{ {head} }}" for g in into)
        return (f"INSERT {{ {insert} }} WHERE {{ {{ SELECT DISTINCT {keys} WHERE {{ {match} }} }} "
                f"{stated} {{ {{ {head} }} UNION {{ GRAPH ?h {{ {head} }} }} }} }}")


def _in_hierarchies(ax: Axioms, term: str, is_class: bool) -> bool:
    """Is `term` about actors or places: a subclass of ckg:Actor or ckg:Place, or a property
    whose domain (its own or a super-property's) is one?"""
    def actor_or_place(c: str) -> bool:
        return c in _HIERARCHY_ROOTS or bool(ax.superclasses.get(c, frozenset()) & _HIERARCHY_ROOTS)

    if is_class:
        return actor_or_place(term)
    return any(actor_or_place(d) for q in (term, *ax.superproperties.get(term, ()))
               for d in ax.domains.get(q, ()))


def _below(closure: dict[str, frozenset[str]], term: str) -> set[str]:
    """`term` and everything under it (sub-properties or sub-classes)."""
    return {term} | {t for t, sups in closure.items() if term in sups}


def _rules(ax: Axioms, restate_facts: bool = False) -> list[Rule]:
    """The rules, compiled so that one pass over the data draws every consequence of it:
    each conclusion reads all the sub-properties, sub-classes, domains and ranges that
    lead to it (the closures are precomputed in Axioms). Only what the generative rules
    (inverse, symmetric) and the transitive closures add needs another round. Without
    `restate_facts`, a term outside the ckg namespace (prov, sem, schema, oa, geo, org ...)
    is concluded only from actor and place terms (see `materialise`)."""
    def wanted(src: str, sup: str, is_class: bool) -> bool:
        return restate_facts or sup.startswith(CKG_) or _in_hierarchies(ax, src, is_class)

    rules: list[Rule] = []
    inverse_pairs = {pair for a, b in ax.inverses for pair in ((a, b), (b, a))}
    for p, q in sorted(inverse_pairs):
        ps = _below(ax.superproperties, p)
        rules.append(Rule(f"inverseOf {curie(p)} {curie(q)}",
                          _union("?b <{}> ?a FILTER(!isLiteral(?a))", ps), q, reads=frozenset(ps),
                          generative=True, mirror=f"inverseOf {curie(q)} {curie(p)}"))
    for p in sorted(ax.symmetric):
        ps = _below(ax.superproperties, p)
        name = f"SymmetricProperty {curie(p)}"
        rules.append(Rule(name, _union("?b <{}> ?a FILTER(!isLiteral(?a))", ps), p,
                          reads=frozenset(ps), generative=True, mirror=name))
    subs: dict[str, set[str]] = defaultdict(set)
    for p, qs in ax.superproperties.items():
        for q in qs:
            if wanted(p, q, False):
                subs[q].add(p)
    for q, ps in sorted(subs.items()):
        rules.append(Rule(f"subPropertyOf {curie(q)}", _union("?a <{}> ?b", ps), q,
                          reads=frozenset(ps)))
    # a class: from its sub-classes, and from the domains and ranges at or under it, read on
    # every sub-property of the property that has them
    classes = set(ax.superclasses) | {c for cs in ax.superclasses.values() for c in cs} | {
        c for cs in (*ax.domains.values(), *ax.ranges.values()) for c in cs}
    for d in sorted(classes):
        pats: set[str] = set()
        reads: set[str] = set()
        for c in _below(ax.superclasses, d) - {d}:
            if wanted(c, d, True):
                pats.add(f"{{ ?a <{RDF_TYPE}> <{c}> }}")
                reads.add(c)
        for axiom, pattern in ((ax.domains, "{{ ?a <{}> ?o }}"),
                               (ax.ranges, "{{ ?s <{}> ?a FILTER(isIRI(?a) || isBlank(?a)) }}")):
            for p, cs in axiom.items():
                if any(c == d or (d in ax.superclasses.get(c, ()) and wanted(c, d, True)) for c in cs):
                    for sub in _below(ax.superproperties, p):
                        pats.add(pattern.format(sub))
                        reads.add(sub)
        if pats:
            rules.append(Rule(f"type {curie(d)}", " UNION ".join(sorted(pats)), RDF_TYPE, d,
                              frozenset(reads)))
    return rules


def _union(pattern: str, terms: Iterable[str]) -> str:
    return " UNION ".join("{ " + pattern.format(t) + " }" for t in sorted(terms))


def _keys(store: ox.Store, graph: str) -> set[str]:
    """The predicates (and, for rdf:type, the classes) a graph has triples of."""
    q = (f"SELECT DISTINCT ?k WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
         f"BIND(IF(?p = <{RDF_TYPE}>, ?o, ?p) AS ?k) }}")
    return {r[0].value for r in select(store, q) if r[0] is not None}


def _count(store: ox.Store, graph: str) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return int(next(iter(select(store, q)))[0].value)


def _transitive(store: ox.Store, p: str, into: tuple[ox.NamedNode, ...]) -> int:
    """Close one transitive property in Python: its edges are few (memberships, partOf)."""
    pred = _N(p)
    succ: dict[Subject, set[Subject]] = defaultdict(set)
    for q in store.quads_for_pattern(None, pred, None):
        if not isinstance(q.object, ox.Literal):
            succ[q.subject].add(q.object)
    new: list[ox.Quad] = []
    for start in succ:
        seen: set[Subject] = set()
        todo = list(succ[start])
        while todo:
            cur = todo.pop()
            if cur in seen:
                continue
            seen.add(cur)
            todo.extend(succ.get(cur, ()))
        new.extend(ox.Quad(start, pred, o, g) for o in seen - succ[start] for g in into)
    if new:
        store.extend(new)
    return len(new) // len(into)


_SMALL_DELTA = 2_000  # fewer rows than this: look each conclusion up rather than hash them all


def materialise(store: ox.Store, axioms: Axioms | None = None, max_rounds: int = 20,
                graph: str = iris.INFERRED_GRAPH, *, restate_facts: bool = False,
                timings: dict[str, float] | None = None, progress: bool = False) -> int:
    """Write the entailed triples into the inferred graph; return how many it holds.

    Deterministic and idempotent: the graph is cleared, then the rules run over the
    store's graphs until a round adds nothing. Only triples stated in no graph are written.

    Linear in the data: each rule is one SPARQL update run inside Oxigraph (no row crosses
    into Python), compiled to read every sub-property, sub-class, domain and range that
    leads to its conclusion, so the first round draws every consequence of the stated
    triples in one pass. Later rounds read only what the inverse, symmetric and transitive
    rules added (each into its own scratch graph, so an inverse is not inverted back).
    The transitive closures (memberships, partOf: the small actor and place hierarchies)
    are computed in Python.

    What is concluded: everything in the ckg vocabulary (inverse, symmetric and transitive
    links, super-properties, super-classes, the classes domains and ranges imply), and the
    standard vocabularies' names of actors and places (prov:Agent, sem:Actor,
    org:Organization, org:memberOf, geo:sfWithin, schema:containedInPlace, geo:Feature ...).
    The standard vocabularies' restatement of every event, evidence, attribution and report
    (prov:wasDerivedFrom, sem:hasBeginTimeStamp, schema:startDate, sem:hasActor, sem:Event,
    prov:Entity, oa:Annotation ...) adds ~20 triples per event that say nothing a query
    cannot read from the ckg term they restate (no axiom of the ontology starts from a
    term outside ckg): only with `restate_facts=True`.
    `timings`, when given, receives the CPU seconds of each rule (bench/bench_reason.py);
    `progress` shows the rules of the first round (the long one) on stderr.
    """
    from tqdm import tqdm

    ax = axioms or ontology_axioms()
    inferred = _N(graph)
    if store.contains_named_graph(inferred):
        store.clear_graph(inferred)
    else:
        store.add_graph(inferred)
    rules = _rules(ax, restate_facts)
    scratch = f"{graph}/delta"

    def timed(name: str, fn, *args) -> None:
        t = time.process_time()
        fn(*args)
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.process_time() - t

    def closures(n: int, sources: list[tuple[str, str, tuple[set[str], int]]]) -> None:
        for p in sorted(ax.transitive):
            below = _below(ax.superproperties, p)
            if n == 0 or any(keys & below and producer != f"transitive {p}"
                             for _, producer, (keys, _size) in sources):
                delta = f"{scratch}/{n}/transitive-{len(made)}"
                store.add_graph(_N(delta))
                made.append((delta, f"transitive {p}"))
                timed(f"transitive {curie(p)}", _transitive, store, p, (inferred, _N(delta)))

    made: list[tuple[str, str]] = []  # (scratch graph, producer) of this round
    try:
        sources: list[tuple[str, str, tuple[set[str], int]]] = []  # (graph, producer, (keys, size))
        for n in range(max_rounds):
            made = []
            bar = tqdm(rules, desc=f"materialise, round {n + 1}", unit="rule", file=sys.stderr,
                       disable=not progress or n > 0, leave=False)
            for i, rule in enumerate(bar):
                delta = f"{scratch}/{n}/{i}"
                into = (graph, delta) if rule.generative else (graph,)
                if rule.generative:
                    store.add_graph(_N(delta))
                    made.append((delta, rule.name))
                if n == 0:  # every stated triple, once
                    timed(rule.name, store.update,
                          rule.update(into, None, (graph, *iris.SUMMARY_GRAPHS, *(d for d, _ in made))))
                    continue
                for src, producer, (keys, size) in sources:
                    if rule.reads & keys and producer != rule.mirror:
                        timed(rule.name, store.update, rule.update(into, src, hashed=size > _SMALL_DELTA))
            closures(n, sources)
            for src, _, _ in sources:
                store.remove_graph(_N(src))
            sources = []
            for delta, producer in made:
                size = _count(store, delta)
                if size:
                    sources.append((delta, producer, (_keys(store, delta), size)))
                else:
                    store.remove_graph(_N(delta))
            if not sources:
                break
    finally:
        for g in list(store.named_graphs()):
            if g.value.startswith(scratch + "/"):
                store.remove_graph(g)
        from conflictkg.query import forget
        forget(store)  # its summaries are checked in full again (query.check_store_fresh)
    return _count(store, graph)


# ---------------------------------------------------------------------------
# Consistency
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Offender:
    """An individual at fault, the classes or values that clash, and why."""

    iri: str
    clash: tuple[str, ...]
    reason: str

    def __str__(self) -> str:
        return f"<{self.iri}>: {self.reason}"


@dataclass(slots=True)
class ConsistencyReport:
    """What HermiT said about the ontology + registry + data, and who is at fault."""

    consistent: bool
    offenders: list[Offender] = field(default_factory=list)
    triples: int = 0  # size of the slice HermiT read (ontology included)
    seconds: float = 0.0  # HermiT's time
    reasoner_message: str = ""
    data_triples: int = 0  # all data triples, every one checked by the rules of diagnose()
    graphs_checked: int = 0  # report graphs in HermiT's slice ...
    graphs_total: int = 0  # ... of all report graphs (a store larger than max_triples is sampled)

    def summary(self) -> str:
        scope = (f"{self.triples} triples checked by HermiT in {self.seconds:.1f} s"
                 + (f", {self.graphs_checked} of {self.graphs_total} report graphs; all "
                    f"{self.data_triples} data triples checked by rules"
                    if self.graphs_checked < self.graphs_total else ""))
        head = f"consistent ({scope})" if self.consistent else f"INCONSISTENT ({scope})"
        lines = [head, *(f"  {o}" for o in self.offenders)]
        if not self.consistent and not self.offenders:
            lines.append("  no single individual found at fault; reasoner said: "
                         + (self.reasoner_message.strip().splitlines() or [""])[-1])
        return "\n".join(lines)


def _reasoner_term(term: Term) -> Term | None:
    """The term as HermiT can read it: xsd:date -> xsd:dateTime; None for other non-OWL-2 types."""
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in _TO_DATETIME:
            return ox.Literal(term.value[:10] + "T00:00:00", datatype=_DATETIME)
        return term if dt in _OWL2_DATATYPES else None
    if isinstance(term, ox.NamedNode) and term.value in _TO_DATETIME:
        return _DATETIME
    return term


def _slice(data: Iterable[ox.Triple | ox.Quad]) -> Iterator[ox.Triple]:
    """The data the reasoner reads: no evidence plumbing, no inferred or ontology graph."""
    skip_graphs = {iris.ONTOLOGY_GRAPH, *iris.DERIVED_GRAPHS}
    for t in data:
        if isinstance(t, ox.Quad) and isinstance(t.graph_name, ox.NamedNode) \
                and t.graph_name.value in skip_graphs:
            continue
        if t.predicate.value in _SLICE_SKIP_PREDICATES:
            continue
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(_SLICE_SKIP_SUBJECT_PREFIX):
            continue
        yield ox.Triple(t.subject, t.predicate, t.object)


def _for_reasoner(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    out = []
    for t in triples:
        o = _reasoner_term(t.object)
        if o is not None:
            out.append(ox.Triple(t.subject, t.predicate, o))
    return out


def diagnose(data: Iterable[ox.Triple], ax: Axioms) -> list[Offender]:
    """Individuals of two disjoint classes (asserted, or implied by subclass, domain, range,
    or by an owl:sameAs individual), and individuals with two values of a functional data
    property. The usual causes of an inconsistent ABox here, found without a reasoner and
    named one by one."""
    triples = [t for t in data if not isinstance(t.subject, ox.Literal)]
    same = _same_as(triples)
    types: dict[str, set[str]] = defaultdict(set)
    why: dict[tuple[str, str], str] = {}
    values: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add_type(ind: str, cls: str, because: str) -> None:
        rep = same.get(ind, ind)
        if cls in types[rep]:
            return
        if rep != ind:
            because = f"{because} of {ind}, the same as it by owl:sameAs"
        for c in (cls, *ax.superclasses.get(cls, ())):
            if c not in types[rep]:
                types[rep].add(c)
                why.setdefault((rep, c), because if c == cls else f"{because}: {curie(cls)}")

    implied: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # predicate -> (domains, ranges)

    def implied_by(p: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if p not in implied:
            props = (p, *ax.superproperties.get(p, ()))
            implied[p] = (tuple(sorted({c for q in props for c in ax.domains.get(q, ())})),
                          tuple(sorted({c for q in props for c in ax.ranges.get(q, ())})))
        return implied[p]

    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if p == RDF_TYPE:
            if isinstance(o, ox.NamedNode):
                add_type(_key(s), o.value, "asserted")
            continue
        doms, rngs = implied_by(p)
        if doms:
            sk = _key(s)
            for c in doms:
                add_type(sk, c, f"as subject of {curie(p)}")
        if rngs and not isinstance(o, ox.Literal):
            ok = _key(o)
            for c in rngs:
                add_type(ok, c, f"as object of {curie(p)}")
        if p in ax.functional_data and isinstance(o, ox.Literal):
            sk = _key(s)
            values[(same.get(sk, sk), p)].add(_value(o))

    offenders: list[Offender] = []
    for ind in sorted(types):
        pairs = [tuple(sorted(pair)) for pair in ax.disjoint if pair <= types[ind]]
        for a, b in sorted(_most_specific(pairs, ax)):
            offenders.append(Offender(ind, (a, b), f"in disjoint classes {curie(a)} ({why[(ind, a)]}) "
                                      f"and {curie(b)} ({why[(ind, b)]})"))
    for (ind, p), vals in sorted(values.items()):
        if len(vals) > 1:
            offenders.append(Offender(ind, (p,), f"{len(vals)} values of the functional property "
                                      f"{curie(p)}: {', '.join(sorted(vals))}"))
    return offenders


def _value(lit: ox.Literal) -> str:
    """A literal's value for comparison: "05" and "5" are one xsd:integer."""
    if lit.datatype.value in {XSD_ + "integer", XSD_ + "int", XSD_ + "long", XSD_ + "nonNegativeInteger"}:
        try:
            return str(int(lit.value))
        except ValueError:
            pass
    return lit.value


def _same_as(triples: list[ox.Triple]) -> dict[str, str]:
    """owl:sameAs classes (union-find): individual -> representative, the smallest IRI of its
    class that is not a Wikidata item (a data IRI names the offender better than wd:Q...)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for t in triples:
        if t.predicate.value == OWL_ + "sameAs" and not isinstance(t.object, ox.Literal):
            a, b = find(_key(t.subject)), find(_key(t.object))
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    for root, members in groups.items():
        members.append(root)
    rep: dict[str, str] = {}
    for members in groups.values():
        best = min(set(members), key=lambda m: (m.startswith(PREFIXES["wd"]), m))
        rep.update({m: best for m in members})
    return rep


def _most_specific(pairs: list[tuple[str, ...]], ax: Axioms) -> list[tuple[str, ...]]:
    """Drop a clashing pair that a more specific pair implies: keep (IslamistArmedGroup,
    StateForce), not the (NonStateArmedGroup, StateForce) that follows from it."""
    def below(x: str, y: str) -> bool:
        return x == y or y in ax.superclasses.get(x, ())

    def implied(p: tuple[str, ...], q: tuple[str, ...]) -> bool:  # q more specific than p
        return q != p and ((below(q[0], p[0]) and below(q[1], p[1]))
                           or (below(q[0], p[1]) and below(q[1], p[0])))

    return [p for p in pairs if not any(implied(p, q) for q in pairs)]


def curie(iri: str) -> str:
    """ckg:StateForce rather than the full IRI, for messages people read."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and prefix != "ckgid":
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


@contextlib.contextmanager
def hermit_world(triples: list[ox.Triple]) -> Iterator[tuple[bool, Any, str, float]]:
    """Load the triples into a fresh owlready2 World and run HermiT on it.

    Yields (consistent, world, reasoner message, seconds); the world holds HermiT's
    classification when consistent, for tests and notebooks that ask what it inferred.
    owlready2 does not read Turtle, so the triples go through N-Triples in a temp dir.
    """
    import owlready2

    with tempfile.TemporaryDirectory(prefix="ckg-hermit-") as tmp:
        path = Path(tmp) / "slice.nt"
        with path.open("wb") as fh:
            ox.serialize(_for_reasoner(triples), fh, format=ox.RdfFormat.N_TRIPLES)
        world = owlready2.World()
        try:
            onto = world.get_ontology(path.as_uri()).load(format="ntriples")
            start = time.perf_counter()
            consistent, message = True, ""
            try:
                with onto:
                    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError as exc:
                consistent, message = False, str(exc)
            except owlready2.OwlReadyJavaError as exc:
                raise BadInput(f"HermiT could not read the data: {str(exc)[:2000]}") from exc
            except (FileNotFoundError, subprocess.SubprocessError) as exc:
                raise BadInput(f"HermiT needs Java (java on the PATH): {exc}") from exc
            yield consistent, world, message, time.perf_counter() - start
        finally:
            world.close()


def _graph_triples(store: ox.Store, graph: str) -> list[ox.Triple]:
    return list(_slice(store.quads_for_pattern(None, None, None, _N(graph))))


def _source_triples(source) -> list[ox.Triple]:
    """The data triples (sliced) of a graph-less source: rdflib Graph, Turtle file, triples."""
    if hasattr(source, "triples") and hasattr(source, "serialize"):  # an rdflib graph
        data = source.serialize(format="nt", encoding="utf-8")
        return list(_slice(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
    if isinstance(source, str | Path):
        return list(_slice(_parse_files([Path(source)])))
    return list(_slice(source))


def diagnose_store(store: ox.Store, ax: Axioms, limit: int = 50,
                   materialised: bool = False) -> list[Offender]:
    """`diagnose` for a store of any size. The rules are first materialised into a scratch
    graph (so every class an individual has by subclass, domain or range is an explicit
    type), then one indexed query per pair of disjoint classes and per functional data
    property finds the individuals at fault, which `diagnose` explains from their own
    triples. The scratch graph is removed afterwards. `materialised`: the store's inferred
    graph is current (materialise just ran), so no scratch graph is needed."""
    scratch = _N(ID_NS + "graph/reason-scratch")
    found: set[Subject] = set()
    try:
        if not materialised:
            materialise(store, ax, graph=scratch.value)
        for a, b in sorted(tuple(sorted(p)) for p in ax.disjoint):
            q = f"SELECT DISTINCT ?x WHERE {{ ?x a <{a}> . ?x a <{b}> }} LIMIT {limit}"
            found.update(r[0] for r in select(store, q, use_default_graph_as_union=True))
    finally:
        if store.contains_named_graph(scratch):
            store.remove_graph(scratch)
    for p in sorted(ax.functional_data):
        q = (f"SELECT ?x WHERE {{ ?x <{p}> ?v }} GROUP BY ?x "
             f"HAVING (COUNT(DISTINCT ?v) > 1) LIMIT {limit}")
        found.update(r[0] for r in select(store, q, use_default_graph_as_union=True))
    same = [r[0] for r in select(store, f"SELECT DISTINCT ?x WHERE {{ {{ ?x <{OWL_}sameAs> ?y }} UNION "
                                        f"{{ ?y <{OWL_}sameAs> ?x }} }}", use_default_graph_as_union=True)]
    # sameAs links are few: what they merge is diagnosed with the individuals found
    around = found | {x for x in same if not isinstance(x, ox.Literal)}
    triples: set[ox.Triple] = set()
    for x in sorted(around, key=str):
        for quad in store.quads_for_pattern(x, None, None):
            triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))
        for quad in store.quads_for_pattern(None, None, x):
            triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))
    return diagnose(sorted(triples, key=str), ax) if triples else []


def check_consistency(source=None, *, with_reference: bool | None = None, bisect_calls: int = 8,
                      max_triples: int = 250_000, materialised: bool = False) -> ConsistencyReport:
    """Is the ontology + registry + data consistent? HermiT decides; the offenders are named.

    `source`: a pyoxigraph Store (its data graphs; the registry graph is in it), an rdflib
    Graph, a Turtle file, or triples; None checks the ontology and the reference files alone.
    The reference files are added unless the source is a store that already holds the
    registry graph (`with_reference` overrides).

    HermiT grows with its input (ENGINES.md; 92 s for the 400k triples of 10k events), so a
    store whose data exceed `max_triples` is sampled: HermiT reads the registry and whole
    report graphs in IRI order until the budget is spent, while the rules of `diagnose`
    (disjoint classes, functional values, owl:sameAs), run as SPARQL in the store, check
    every triple. When HermiT finds an inconsistency the rules cannot explain, the slice is
    bisected by subject (at most `bisect_calls` more HermiT runs) to name the individuals.
    `materialised`: the store's inferred graph is current, which saves the rules a pass.
    """
    onto = _parse_files(ontology_files())
    ax = axioms_from(onto)
    is_store = isinstance(source, ox.Store)
    if with_reference is None:
        with_reference = not (is_store and source.contains_named_graph(_N(iris.REGISTRY_GRAPH)))
    reference = list(_slice(_parse_files(reference_files()))) if with_reference else []
    slice_: list[ox.Triple] = [*reference]
    checked, reports = 0, []
    if is_store:
        if source.contains_named_graph(_N(iris.REGISTRY_GRAPH)):
            slice_ += _graph_triples(source, iris.REGISTRY_GRAPH)
        skip = {iris.REGISTRY_GRAPH, iris.ONTOLOGY_GRAPH, *iris.DERIVED_GRAPHS}
        reports = sorted(g.value for g in source.named_graphs()
                         if isinstance(g, ox.NamedNode) and g.value not in skip)
        slice_ += list(_slice(source.quads_for_pattern(None, None, None, ox.DefaultGraph())))
        for g in reports:
            triples_g = _graph_triples(source, g)
            if len(slice_) + len(triples_g) > max_triples and checked:
                break
            slice_.extend(triples_g)
            checked += 1
        data_count = sum(1 for _ in source.quads_for_pattern(None, None, None))
    elif source is not None:
        slice_ += _source_triples(source)
        data_count = len(slice_)
    else:
        data_count = len(slice_)
    triples = [*onto, *slice_]
    with hermit_world(triples) as (consistent, _world, message, seconds):
        pass
    if is_store and checked < len(reports):
        offenders = diagnose_store(source, ax, materialised=materialised)
        if with_reference:
            offenders += diagnose(reference, ax)
    else:
        offenders = diagnose(slice_, ax)
    report = ConsistencyReport(consistent and not offenders, offenders, triples=len(triples),
                               seconds=seconds, reasoner_message=message, data_triples=data_count,
                               graphs_checked=checked, graphs_total=len(reports))
    if not consistent and not offenders and bisect_calls > 0:
        report.offenders = _bisect(onto, slice_, bisect_calls)
    return report


def _consistent(triples: list[ox.Triple]) -> bool:
    with hermit_world(triples) as (consistent, _world, _message, _seconds):
        return consistent


def _bisect(onto: list[ox.Triple], data: list[ox.Triple], calls: int) -> list[Offender]:
    """Halve the data by subject while one half alone is inconsistent with the ontology; the
    subjects left are named. Stops when the clash needs both halves or the calls run out."""
    by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in data:
        by_subject[_key(t.subject)].append(t)
    current = sorted(by_subject)
    while len(current) > 1 and calls > 0:
        half = len(current) // 2
        narrowed = False
        for part in (current[:half], current[half:]):
            if calls <= 0:
                break
            calls -= 1
            if not _consistent([*onto, *(t for s in part for t in by_subject[s])]):
                current, narrowed = part, True
                break
        if not narrowed:
            break  # each half is consistent alone (the clash spans both), or no calls left
    if len(current) > 20:
        return [Offender(f"{len(current)} individuals", (), "HermiT: inconsistent; bisection stopped "
                         f"before it isolated them (first: {current[0]})")]
    return [Offender(s, (), "HermiT: inconsistent with the ontology together with the other individuals "
                     "listed (found by bisection; no disjoint classes or functional values explain it)")
            for s in current]


__all__ = ["Axioms", "ConsistencyReport", "Offender", "axioms_from", "check_consistency", "diagnose",
           "hermit_world", "materialise", "ontology_axioms"]
