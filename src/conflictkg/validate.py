"""SHACL validation of the graph, in parallel batches, plus cross-node SPARQL checks.

The shapes (`shapes/*.ttl`) are SHACL Core only: pyshacl's `sh:sparql` is slow and gave
false positives at scale (ENGINES.md), so rules that join several nodes are SPARQL
checks the store runs (`CHECKS`). Results of both share one `Result` type.

Batching (ENGINES.md, SHACL): pyshacl's memory grows with the graph, so the asserted
graphs are cut into units (the registry graph, each report graph), packed into
batches of about `batch_size` events. A batch carries (1) its units' triples,
(2) the full description of every node they describe, from every asserted graph, and
(3) the full description of every node those point to, plus the ontology. A node's
shapes look at most two hops away (its values and their types and values), so a node
validates the same in its batch as in the whole graph; each batch reports only the
nodes its units describe. `tests/test_validate.py` proves batch == whole.
"""

from __future__ import annotations

import enum
import io
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox
from tqdm import tqdm

from conflictkg.errors import BadInput
from conflictkg.graph import iris
from conflictkg.paths import shapes_dir
from conflictkg.store import Term, select, serialized
from conflictkg.vocab import ID_NS, PREFIXES, sparql_prefixes

SH = PREFIXES["sh"]
SHP = "https://w3id.org/conflictkg/shapes#"
_SKIP_GRAPHS = frozenset({iris.ONTOLOGY_GRAPH, *iris.DERIVED_GRAPHS})
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_EVENT = ox.NamedNode(PREFIXES["ckg"] + "Event")


class Severity(enum.Enum):
    """SHACL severities, most serious first (https://www.w3.org/TR/shacl/#severity)."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def iri(self) -> str:
        return SH + self.value

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


@dataclass(frozen=True, order=True)
class Result:
    """One finding. Terms are in N-Triples syntax (`<iri>`, `"lit"^^<dt>`), so results from
    rdflib (pyshacl) and from pyoxigraph (checks) compare equal."""

    shape: str  # IRI of the named shape (shapes/*.ttl) or check (shp:check-...)
    focus: str
    path: str
    value: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    component: str = field(default="", compare=False)


@dataclass
class ValidationReport:
    results: list[Result]
    batches: int = 1

    def __post_init__(self) -> None:
        self.results = sorted(set(self.results), key=lambda r: (r.severity.rank, r.shape, r.focus,
                                                                  r.path, r.value))

    @property
    def conforms(self) -> bool:
        """SHACL conformance in the build's sense: no Violation (warnings and infos are
        reported, not failures)."""
        return not any(r.severity is Severity.VIOLATION for r in self.results)

    def count(self, severity: Severity) -> int:
        return sum(r.severity is severity for r in self.results)

    def summary(self) -> str:
        state = "conforms" if self.conforms else "does not conform"
        return (f"{state}: {self.count(Severity.VIOLATION)} violations, "
                f"{self.count(Severity.WARNING)} warnings, {self.count(Severity.INFO)} infos")

    def text(self) -> str:
        """Readable report: grouped by shape (worst first), then by focus node."""
        out = [f"SHACL validation: {self.summary()}", ""]
        by_shape: dict[str, list[Result]] = {}
        for r in self.results:
            by_shape.setdefault(r.shape, []).append(r)
        for shape, rows in by_shape.items():
            sev = rows[0].severity.value
            out.append(f"{sev} {_short(shape)} ({len(rows)}): {rows[0].message}")
            by_focus: dict[str, list[Result]] = {}
            for r in rows:
                by_focus.setdefault(r.focus, []).append(r)
            for focus, frs in by_focus.items():
                out.append(f"  {_short(focus)}")
                for r in frs:
                    detail = " ".join(x for x in (
                        f"path {_short(r.path)}" if r.path else "",
                        f"value {_short(r.value)}" if r.value else "",
                        f"({r.message})" if r.message != rows[0].message else "") if x)
                    if detail:
                        out.append(f"    {detail}")
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def turtle(self) -> bytes:
        """The machine report: a sh:ValidationReport in Turtle, sorted, with
        deterministic result IRIs (so two runs give the same bytes)."""
        import hashlib

        quads: list[ox.Triple] = []
        base = "urn:conflictkg:validation"
        rep = ox.NamedNode(base)
        t = ox.NamedNode
        quads.append(ox.Triple(rep, _RDF_TYPE, t(SH + "ValidationReport")))
        quads.append(ox.Triple(rep, t(SH + "conforms"), ox.Literal(
            "true" if self.conforms else "false", datatype=t(PREFIXES["xsd"] + "boolean"))))
        for r in self.results:
            key = "|".join((r.shape, r.focus, r.path, r.value, r.component))
            node = t(f"{base}/result/{hashlib.sha1(key.encode()).hexdigest()[:16]}")
            quads.append(ox.Triple(rep, t(SH + "result"), node))
            quads.append(ox.Triple(node, _RDF_TYPE, t(SH + "ValidationResult")))
            quads.append(ox.Triple(node, t(SH + "resultSeverity"), t(r.severity.iri)))
            quads.append(ox.Triple(node, t(SH + "sourceShape"), t(r.shape)))
            quads.append(ox.Triple(node, t(SH + "focusNode"), _parse_term(r.focus)))
            quads.append(ox.Triple(node, t(SH + "resultMessage"), ox.Literal(r.message)))
            if r.path:
                quads.append(ox.Triple(node, t(SH + "resultPath"), _parse_term(r.path)))
            if r.value:
                quads.append(ox.Triple(node, t(SH + "value"), _parse_term(r.value)))
            if r.component:
                quads.append(ox.Triple(node, t(SH + "sourceConstraintComponent"), t(r.component)))
        quads.sort(key=str)
        from conflictkg.export.rdf import serialize_prefixed

        buf = io.BytesIO()
        serialize_prefixed(quads, buf, ox.RdfFormat.TURTLE, {**PREFIXES, "shp": SHP})
        return buf.getvalue()


def _parse_term(nt: str) -> Term:
    if nt.startswith("<") and nt.endswith(">"):
        return ox.NamedNode(nt[1:-1])
    if nt.startswith("_:"):
        return ox.BlankNode(nt[2:])
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {nt} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return triple.object


def _short(term: str) -> str:
    from conflictkg.export.rdf import EXPORT_PREFIXES

    if term.startswith('"') and '"^^<' in term and term.endswith(">"):  # a typed literal
        lexical, datatype = term.rsplit("^^", 1)
        return f"{lexical}^^{_short(datatype)}"
    iri = term[1:-1] if term.startswith("<") and term.endswith(">") else term
    for prefix, ns in sorted({**EXPORT_PREFIXES, "shp": SHP}.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and "<" not in iri:
            return f"{prefix}:{iri[len(ns):]}"
    return term


# -- SHACL with pyshacl, one batch ----------------------------------------------------

@cache
def shapes_ntriples(folder: str | None = None) -> bytes:
    """All shapes files as one N-Triples document (what worker processes receive)."""
    d = Path(folder) if folder else shapes_dir()
    files = sorted(d.glob("*.ttl"))
    if not files:
        raise BadInput(f"{d}: no SHACL shapes (*.ttl) found")
    triples: list[ox.Triple] = []
    for f in files:
        try:
            with f.open("rb") as fh:
                triples.extend(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=f.as_uri()))
        except SyntaxError as exc:
            raise BadInput(f"{f}: malformed Turtle in the shapes: {exc}") from exc
    return serialized(triples, ox.RdfFormat.N_TRIPLES)


_WORKER: dict[str, Any] = {}


def _init_worker(shapes_nt: bytes, ontology_nt: bytes) -> None:
    import rdflib

    _WORKER["shapes"] = rdflib.Graph().parse(data=shapes_nt, format="nt")
    _WORKER["ontology"] = ontology_nt


def _validate_batch(args: tuple[bytes, frozenset[str]]) -> list[Result]:
    """pyshacl on one batch (N-Triples data), keeping results whose focus the batch owns."""
    import pyshacl
    import rdflib

    data_nt, owned = args
    g = rdflib.Graph()
    g.parse(data=data_nt + _WORKER["ontology"], format="nt")  # type: ignore[operator]
    _conforms, results_graph, _text = pyshacl.validate(
        g, shacl_graph=_WORKER["shapes"], inference="none", advanced=False,
        allow_warnings=True, abort_on_first=False,
    )
    return [r for r in _results_from_graph(results_graph, _WORKER["shapes"]) if r.focus in owned]


def _results_from_graph(rg, shapes) -> Iterator[Result]:
    import rdflib
    from rdflib.namespace import SH as SHNS

    for node in rg.subjects(rdflib.RDF.type, SHNS.ValidationResult):
        shape = rg.value(node, SHNS.sourceShape)
        if isinstance(shape, rdflib.BNode):
            # an anonymous shape inside sh:or / sh:qualifiedValueShape: name its owner
            owner = next((s for s, _p, _o in shapes.triples((None, None, shape))
                          if isinstance(s, rdflib.URIRef)), shape)
            shape = owner
        sev = rg.value(node, SHNS.resultSeverity)
        path = rg.value(node, SHNS.resultPath)
        value = rg.value(node, SHNS.value)
        msg = rg.value(node, SHNS.resultMessage)
        comp = rg.value(node, SHNS.sourceConstraintComponent)
        yield Result(
            shape=str(shape), focus=_nt(rg.value(node, SHNS.focusNode)),
            path=_nt(path) if isinstance(path, rdflib.URIRef) else "",
            value=_nt(value) if value is not None else "",
            severity=Severity(str(sev).rsplit("#", 1)[-1]),
            message=str(msg) if msg else "", component=str(comp or ""),
        )


def _nt(term) -> str:
    import rdflib

    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        ox_lit = (ox.Literal(str(term), language=term.language) if term.language else
                  ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
                  if term.datatype else ox.Literal(str(term)))
        return str(ox_lit)
    return f"_:{term}"


# -- cutting the store into batches -------------------------------------------------

@dataclass
class Batch:
    graphs: list[str]
    events: int
    data: bytes = b""
    owned: frozenset[str] = frozenset()


def _asserted_graphs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs()
                  if isinstance(g, ox.NamedNode) and g.value not in _SKIP_GRAPHS)


def plan_batches(store: ox.Store, batch_size: int = 1000) -> list[Batch]:
    """Pack units (registry graph, report graphs) into batches of about `batch_size` events;
    the registry and reports without events fill the first batches."""
    counts: dict[str, int] = {}
    for sol in select(
        store,
        "SELECT ?g (COUNT(DISTINCT ?e) AS ?n) { GRAPH ?g { ?e a ?c } FILTER(?c = ?event) } GROUP BY ?g"
        .replace("?event", str(_EVENT))
    ):
        counts[sol["g"].value] = int(sol["n"].value)
    batches: list[Batch] = []
    cur = Batch([], 0)
    for g in _asserted_graphs(store):
        n = counts.get(g, 0)
        if cur.graphs and cur.events + n > batch_size:
            batches.append(cur)
            cur = Batch([], 0)
        cur.graphs.append(g)
        cur.events += n
    if cur.graphs:
        batches.append(cur)
    return batches


def _description(store: ox.Store, node: ox.NamedNode | ox.BlankNode, skip: frozenset[str]
                 ) -> Iterator[ox.Triple]:
    for q in store.quads_for_pattern(node, None, None, None):
        if isinstance(q.graph_name, ox.DefaultGraph) or q.graph_name.value not in skip:
            yield ox.Triple(q.subject, q.predicate, q.object)


def fill_batch(store: ox.Store, batch: Batch) -> Batch:
    """Gather a batch's data (see the module docstring) as N-Triples."""
    triples: set[ox.Triple] = set()
    owned: set[Term] = set()
    for g in batch.graphs:
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g)):
            triples.add(ox.Triple(q.subject, q.predicate, q.object))
            owned.add(q.subject)
    level1: set[Term] = set()
    for s in owned:
        for t in _description(store, s, _SKIP_GRAPHS):  # type: ignore[arg-type]
            triples.add(t)
            if isinstance(t.object, ox.NamedNode | ox.BlankNode):
                level1.add(t.object)
    for o in level1 - owned:
        triples.update(_description(store, o, _SKIP_GRAPHS))  # type: ignore[arg-type]
    batch.data = serialized(sorted(triples, key=str), ox.RdfFormat.N_TRIPLES)
    batch.owned = frozenset(str(s) for s in owned)
    return batch


_SUBCLASS = ox.NamedNode(PREFIXES["rdfs"] + "subClassOf")


def _ontology_nt(store: ox.Store) -> bytes:
    """The part of the ontology SHACL Core reads: class hierarchy (sh:class, sh:targetClass
    reach subclasses) and the types of the ontology's individuals (ckg:killed a ckg:Harm)."""
    g = ox.NamedNode(iris.ONTOLOGY_GRAPH)
    quads = list(store.quads_for_pattern(None, None, None, g))
    if not quads:  # a file validated on its own: take the ontology from ontology/
        from conflictkg.store import ontology_quads

        quads = ontology_quads()
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads
               if q.predicate in (_SUBCLASS, _RDF_TYPE) and isinstance(q.subject, ox.NamedNode)
               and isinstance(q.object, ox.NamedNode)]
    return serialized(triples, ox.RdfFormat.N_TRIPLES)


# -- cross-node checks the store runs ----------------------------------------------

@dataclass(frozen=True)
class Check:
    """A rule over several nodes, as a SPARQL SELECT returning ?focus (and ?path, ?value)."""

    name: str
    severity: Severity
    message: str
    query: str

    @property
    def iri(self) -> str:
        return f"{SHP}check-{self.name}"


CHECKS: tuple[Check, ...] = (
    Check("quote-offsets", Severity.VIOLATION,
          "The quoted text and its offsets disagree: end - start must equal the length of the quote.",
          """SELECT DISTINCT ?focus ?value { GRAPH ?g {
               ?focus ckg:quote ?exact ; ckg:startOffset ?start ; ckg:endOffset ?end .
               FILTER(STRLEN(?exact) != ?end - ?start) BIND(?exact AS ?value) } }"""),
    Check("relation-qualified", Severity.VIOLATION,
          "A relation triple in a report graph has no qualified ckg:ActorRelation node (with its "
          "evidence) in the same graph.",
          """SELECT DISTINCT ?focus ?path ?value { GRAPH ?g {
               ?focus ?path ?value .
               VALUES ?path { ckg:memberOf ckg:affiliateOf ckg:alliedWith ckg:alignedWith ckg:rivalOf
                              ckg:foughtAgainst ckg:operatesWith ckg:linkedTo ckg:targets }
               FILTER NOT EXISTS { ?r ckg:relationSubject ?focus ; ckg:relationProperty ?path ;
                                      ckg:relationObject ?value } }
             FILTER(?g NOT IN (ckgid:graph\\/registry, ckgid:graph\\/inferred,
                               ckgid:graph\\/ontology)) }"""),
    Check("attribution-perpetrators", Severity.WARNING,
          "The attribution names an actor that is not among the event's perpetrators in the same report.",
          """SELECT DISTINCT ?focus ?value { GRAPH ?g {
               ?e ckg:attribution ?focus . ?focus ckg:attributedTo ?value .
               FILTER NOT EXISTS { ?e ckg:perpetrator ?value } } }"""),
)


def _solution_term(sol: ox.QuerySolution, name: str) -> str:
    try:
        v = sol[name]
    except KeyError:
        return ""
    return str(v) if v is not None else ""


def run_checks(store: ox.Store, checks: Iterable[Check] = CHECKS) -> list[Result]:
    out: list[Result] = []
    for c in checks:
        for sol in select(store, sparql_prefixes() + c.query):
            focus, path, value = (_solution_term(sol, n) for n in ("focus", "path", "value"))
            out.append(Result(shape=c.iri, focus=focus, path=path, value=value,
                              severity=c.severity, message=c.message,
                              component=SH + "SPARQLConstraintComponent"))
    return out


# -- entry points --------------------------------------------------------------------

#: "sparql": the shapes compiled to SPARQL that the store runs (`conflictkg.sparql_shacl`);
#: "pyshacl": the reference, pyshacl over batches. Same results (tests/test_validate_engines.py).
Engine = Literal["sparql", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("sparql", "pyshacl")


def validate_store(store: ox.Store, *, batch_size: int = 1000, workers: int = 1,
                   progress: bool = False, shapes: Path | None = None,
                   engine: Engine = "sparql", store_path: Path | None = None
                   ) -> ValidationReport:
    """Validate the asserted graphs of `store` (not the ontology, not inferred triples)
    against `shapes/`, and run the SPARQL checks.

    engine "sparql" runs one query per constraint over all graphs at once, in `workers`
    processes when `store_path` (the on-disk store's directory) is given; "pyshacl"
    validates batches of about `batch_size` events in `workers` processes (bench/shacl.md:
    the sparql engine costs ~10x less CPU and its memory does not grow in Python)."""
    shapes_nt = shapes_ntriples(str(shapes) if shapes else None)
    if engine == "sparql":
        from conflictkg import sparql_shacl

        try:
            return ValidationReport(sparql_shacl.validate(store, shapes_nt, progress=progress,
                                                          workers=workers, store_path=store_path,
                                                          checks=CHECKS), batches=1)
        except sparql_shacl.UnsupportedShapes as exc:
            raise BadInput(f"{shapes or shapes_dir()}: {exc}") from exc
    if engine != "pyshacl":
        raise BadInput(f"unknown SHACL engine {engine!r}; use one of {', '.join(ENGINES)}")
    onto_nt = _ontology_nt(store)
    batches = plan_batches(store, batch_size)
    jobs = ((b.data, b.owned) for b in (fill_batch(store, b) for b in batches))
    results: list[Result] = []
    bar = tqdm(total=len(batches), desc="validate", unit="batch", disable=not progress,
               file=sys.stderr)
    if workers <= 1 or len(batches) <= 1:
        _init_worker(shapes_nt, onto_nt)
        for job in jobs:
            results.extend(_validate_batch(job))
            bar.update()
    else:
        # at most two batches per worker in flight: batches are gathered lazily, so memory
        # stays bounded however large the store (Executor.map would gather them all first)
        n = min(workers, os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=n, initializer=_init_worker,
                                 initargs=(shapes_nt, onto_nt)) as pool:
            pending: set[Future] = set()
            for job in jobs:
                pending.add(pool.submit(_validate_batch, job))
                if len(pending) >= 2 * n:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        results.extend(f.result())
                        bar.update()
            for f in pending:
                results.extend(f.result())
                bar.update()
    bar.close()
    results.extend(run_checks(store))
    return ValidationReport(results, batches=len(batches))


def validate_whole(store: ox.Store, shapes: Path | None = None) -> ValidationReport:
    """One pyshacl run over all asserted graphs at once: the reference the batches must equal."""
    everything = Batch(_asserted_graphs(store), 0)
    fill_batch(store, everything)
    _init_worker(shapes_ntriples(str(shapes) if shapes else None), _ontology_nt(store))
    results = _validate_batch((everything.data, everything.owned))
    results.extend(run_checks(store))
    return ValidationReport(results)


_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES,
            ".nq": ox.RdfFormat.N_QUADS, ".jsonld": ox.RdfFormat.JSON_LD,
            ".json": ox.RdfFormat.JSON_LD}
_FILE_GRAPH = f"{ID_NS}graph/file"


def load_file(path: Path) -> ox.Store:
    """Parse an RDF file into an in-memory store; triples go to one named graph.
    Malformed input is a BadInput naming the file and the line."""
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BadInput(f"{path}: unknown RDF format; use .ttl, .trig, .nt, .nq or .jsonld")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from exc
    store = ox.Store()
    try:
        parsed = list(ox.parse(io.BytesIO(data), format=fmt, base_iri=path.resolve().as_uri()))
    except (SyntaxError, ValueError) as exc:
        raise BadInput(f"{path}: malformed {fmt.name}: {exc}") from exc
    g = ox.NamedNode(_FILE_GRAPH)
    quads = [q if isinstance(q, ox.Quad) and not isinstance(q.graph_name, ox.DefaultGraph)
             else ox.Quad(q.subject, q.predicate, q.object, g) for q in parsed]
    store.bulk_extend(quads)
    return store


def validate_file(path: Path, **kwargs) -> ValidationReport:
    return validate_store(load_file(path), **kwargs)
