"""Facts to quads: one named graph per report (DESIGN.md, The model).

Every event, attribution and relation points to its evidence (ckg:evidence): one node
per quoted sentence that gives the report (ckg:inReport), the exact quote (ckg:quote) and
its character offsets (ckg:startOffset, ckg:endOffset: code points, end exclusive). That is
5 quads per quote; the full Web Annotation form (target, text quote and position
selectors, oa:hasBody) is added at export time (`conflictkg.export.rdf`), where linked-data
platforms read it, instead of costing 13 quads per quote in the store. Facts say their
report with ckg:inReport, a sub-property of prov:wasDerivedFrom.

Quads are built with pyoxigraph terms: it is the store's own representation and
several times faster than rdflib's for large builds.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from conflictkg.facts import Event, ExtractionResult, Relation, Span
from conflictkg.graph import iris
from conflictkg.registry import PlaceRecord, Registry, norm
from conflictkg.reports import Report
from conflictkg.store import Term
from conflictkg.vocab import CKG, DCTERMS, GEO, OA, PROV, RDF, RDFS, XSD

N = ox.NamedNode
_INT = XSD.integer
_DATE = XSD.date


def _lit(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_INT)


def _bool(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=XSD.boolean)


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=_DATE)


def date_bounds(date: str | None) -> tuple[str, str] | None:
    """'2023-04-22' | '2023-05' | '2023' | 'a/b' -> (first day, last day), ISO dates."""
    if not date:
        return None
    parts = str(date).split("/")

    def bound(d: str, end: bool) -> str | None:
        d = d.strip()
        if re.fullmatch(r"\d{4}", d):
            return f"{d}-12-31" if end else f"{d}-01-01"
        m = re.fullmatch(r"(\d{4})-(\d{2})", d)
        if m:
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12:
                return None
            last = calendar.monthrange(year, month)[1]
            return f"{d}-{last:02d}" if end else f"{d}-01"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
            return d
        return None

    lo, hi = bound(parts[0], False), bound(parts[-1], True)
    return (lo, hi) if lo and hi else None


PRECISION = {"day": "DayPrecision", "month": "MonthPrecision", "year": "YearPrecision",
             "range": "RangePrecision"}


@dataclass
class GraphBuilder:
    """Turns one report's facts into the quads of its named graph.

    `new_actors` and `new_places` collect what the registry did not know, so the
    report graph describes them (ckg:inRegistry false).
    """

    report: Report
    registry: Registry
    graph: ox.NamedNode = field(init=False)
    report_node: ox.NamedNode = field(init=False)
    quads: list[ox.Quad] = field(default_factory=list)
    spans_repaired: int = 0
    spans_dropped: int = 0
    _evidence_done: set[str] = field(default_factory=set)
    _places_done: set[str] = field(default_factory=set)
    _event_country: str | None = None

    def __post_init__(self) -> None:
        self.graph = N(iris.report_graph(self.report.id))
        self.report_node = N(iris.report(self.report.id))

    # -- helpers -----------------------------------------------------------
    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: Term) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))

    def actor(self, key: str) -> ox.NamedNode:
        iri = self.registry.actor_iris.get(key)
        return N(iri) if iri else N(iris.actor(key))

    @property
    def country(self) -> str | None:
        """The report's country, else (corpus reports carry none) the event's."""
        return self.report.meta.country or self._event_country

    def evidence(self, span: Span) -> ox.NamedNode:
        iri = iris.evidence(self.report.id, span.start, span.end)
        node = N(iri)
        if iri not in self._evidence_done:
            self._evidence_done.add(iri)
            self.add(node, RDF.type, CKG.Evidence)
            self.add(node, CKG.inReport, self.report_node)
            self.add(node, CKG.quote, _lit(span.quote))
            self.add(node, CKG.startOffset, _int(span.start))
            self.add(node, CKG.endOffset, _int(span.end))
        return node

    def spans_for(self, quotes: list[str], spans: list[Span]) -> list[Span]:
        """The evidence spans of a fact: given offsets, else found by searching the text.

        Evidence must select the exact text (oa:exact == text[start:end]): a span whose
        offsets do not hold its quote is re-anchored on the quote's first occurrence, or
        dropped if the quote is not in the report (counted in `spans_repaired` /
        `spans_dropped`: bad data is cleaned or dropped and counted, STYLE.md 6)."""
        text = self.report.text
        if not spans:
            spans = [Span(at, at + len(q), q) for q in quotes if (at := text.find(q)) >= 0]
            self.spans_dropped += sum(1 for q in quotes if q and text.find(q) < 0)
            return spans
        out = []
        for sp in spans:
            if text[sp.start:sp.end] == sp.quote and sp.quote:
                out.append(sp)
                continue
            at = text.find(sp.quote) if sp.quote else -1
            if at >= 0:
                out.append(Span(at, at + len(sp.quote), sp.quote, sp.sentence))
                self.spans_repaired += 1
            else:
                self.spans_dropped += 1
        return out

    # -- places ------------------------------------------------------------
    def resolve_place(self, name: str | None, admin1: str | None) -> ox.NamedNode | None:
        """The registry place of that name (in the admin1 region when given), or a new
        locality placed in its region."""
        if not name and not admin1:
            return None
        region = self._region(admin1)
        if name:
            hits = self.registry.places_named(name, self.country)
            if region is not None and len(hits) > 1:
                inside = [p for p in hits if self._within(p, region.iri)]
                hits = inside or hits
            if hits:
                best = sorted(hits, key=lambda p: (p.kind != "Locality", p.iri))[0]
                return N(best.iri)
            return self._new_place(name, "Locality", region.iri if region else None)
        assert admin1 is not None
        return N(region.iri) if region else self._new_place(admin1, "Region", None)

    def _region(self, admin1: str | None) -> PlaceRecord | None:
        if not admin1:
            return None
        hits = [p for p in self.registry.places_named(admin1, self.country) if p.kind == "Region"]
        return hits[0] if hits else None

    def _within(self, place: PlaceRecord, ancestor: str) -> bool:
        cur: PlaceRecord | None = place
        seen: set[str] = set()
        while cur is not None and cur.iri not in seen:
            if cur.iri == ancestor:
                return True
            seen.add(cur.iri)
            cur = self.registry.places.get(cur.parent) if cur.parent else None
        return False

    def _new_place(self, name: str, kind: str, parent: str | None) -> ox.NamedNode:
        iri = iris.place(self.country, kind, name)
        node = N(iri)
        if iri not in self._places_done:
            self._places_done.add(iri)
            self.add(node, RDF.type, CKG[kind])
            self.add(node, RDFS.label, _lit(name, "en"))
            self.add(node, CKG.inRegistry, _bool(False))
            up = parent or (self._country_node() if self.country else None)
            if up:
                self.add(node, CKG.partOf, N(up))
        return node

    def _country_node(self) -> str:
        """The country's IRI; described in the report graph when the gazetteer lacks it,
        so every new place hangs from a ckg:Country."""
        assert self.country is not None
        iri = iris.country(self.country)
        if iri not in self.registry.places and iri not in self._places_done:
            self._places_done.add(iri)
            node = N(iri)
            self.add(node, RDF.type, CKG.Country)
            self.add(node, RDFS.label, _lit(self.country.upper()))
            self.add(node, CKG.iso3166, _lit(self.country.upper()))
            self.add(node, CKG.inRegistry, _bool(False))
        return iri

    # -- facts -------------------------------------------------------------
    def add_report(self) -> None:
        r, m = self.report_node, self.report.meta
        self.add(r, RDF.type, CKG.Report)
        self.add(r, RDFS.label, _lit(m.title or self.report.doc, "en"))
        if m.title:
            self.add(r, DCTERMS.title, _lit(m.title, "en"))
        if m.publisher:
            self.add(r, DCTERMS.publisher, _lit(m.publisher))
        if m.url:
            self.add(r, CKG.url, ox.Literal(m.url, datatype=XSD.anyURI))
        if m.published:
            self.add(r, DCTERMS.issued, _lit(m.published))
        self.add(r, DCTERMS.language, _lit(m.language))
        self.add(r, DCTERMS.identifier, _lit(self.report.doc))
        self.add(r, CKG.coversYear, _int(m.covers))
        self.add(r, CKG.sha256, _lit(self.report.sha256))
        if m.country:
            self.add(r, CKG.reportCountry, N(self._country_node()))

    def add_actor(self, key: str, label: str, kind_class: str, aliases: Iterable[str] = ()) -> None:
        node = N(iris.actor(key))
        self.add(node, RDF.type, N(kind_class))
        self.add(node, RDFS.label, _lit(label, "en"))
        self.add(node, CKG.registryKey, _lit(key))
        self.add(node, CKG.inRegistry, _bool(False))
        for a in sorted(set(aliases) - {label}):
            self.add(node, N("http://www.w3.org/2004/02/skos/core#altLabel"), _lit(a, "en"))

    def add_event(self, ev: Event) -> ox.NamedNode:
        e = N(iris.event(ev.id))
        self.add(e, RDF.type, CKG.Event)
        for t in ev.types:
            self.add(e, RDF.type, CKG[t])
        if ev.types:
            self.add(e, CKG.mainType, CKG[ev.types[0]])
        self.add(e, RDFS.label, _lit(event_label(ev), "en"))
        self.add(e, CKG.inReport, self.report_node)
        if ev.aggregate:  # written only when true: absent means one incident
            self.add(e, CKG.aggregate, _bool(True))
        for key in ev.perpetrators:
            self.add(e, CKG.perpetrator, self.actor(key))
        for key in ev.partners:
            self.add(e, CKG.partner, self.actor(key))
        for key in ev.targets:
            self.add(e, CKG.target, self.actor(key))
        bounds = date_bounds(ev.date)
        if bounds:
            self.add(e, CKG.startDate, _date(bounds[0]))
            self.add(e, CKG.endDate, _date(bounds[1]))
            self.add(e, CKG.dateText, _lit(str(ev.date)))
            if ev.date_precision in PRECISION:
                self.add(e, CKG.datePrecision, CKG[PRECISION[ev.date_precision]])
        self._event_country = ev.country
        place = self.resolve_place(ev.location, ev.admin1)
        if place is not None:
            self.add(e, CKG.place, place)
        if ev.killed is not None:
            self.add(e, CKG.fatalities, _int(ev.killed))
            self.add(e, CKG.fatalitiesQualifier, CKG[ev.killed_qualifier or "exact"])
        for n, v in enumerate(ev.victims, 1):
            vg = N(iris.victim_group(e.value, n))
            self.add(e, CKG.victims, vg)
            self.add(vg, RDF.type, CKG.VictimGroup)
            self.add(vg, CKG.victimCategory, CKG[v.category])
            self.add(vg, CKG.harm, CKG[v.harm])
            if v.count is not None:
                self.add(vg, CKG.count, _int(v.count))
                self.add(vg, CKG.countQualifier, CKG[v.qualifier or "exact"])
            if v.ethnicity:
                self.add(vg, CKG.ethnicity, _lit(v.ethnicity))
        if ev.notes:
            self.add(e, CKG.notes, _lit(ev.notes))
        spans = self.spans_for(ev.quotes, ev.evidence)
        ev_nodes = [self.evidence(s) for s in spans]
        for node in ev_nodes:
            self.add(e, CKG.evidence, node)
        # one qualified attribution per (event, report): who, how, said by whom
        a = N(iris.attribution(e.value, self.report.id))
        self.add(e, CKG.attribution, a)
        self.add(a, RDF.type, CKG.Attribution)
        self.add(a, CKG.attributionMode, CKG[ev.attribution or "asserted"])
        self.add(a, CKG.inReport, self.report_node)
        for key in ev.perpetrators:
            self.add(a, CKG.attributedTo, self.actor(key))
        for key in ev.attributed_by:
            self.add(a, CKG.attributedBy, self.actor(key))  # the body making the claim
        for node in ev_nodes:
            self.add(a, CKG.evidence, node)
        return e

    def add_relation(self, rel: Relation) -> ox.NamedNode:
        s, o, p = self.actor(rel.subject), self.actor(rel.object), CKG[rel.relation]
        self.add(s, p, o)
        r = N(iris.relation(self.report.id, s.value, p.value, o.value))
        self.add(r, RDF.type, CKG.ActorRelation)
        self.add(r, CKG.relationSubject, s)
        self.add(r, CKG.relationProperty, p)
        self.add(r, CKG.relationObject, o)
        self.add(r, CKG.inReport, self.report_node)
        self.add(r, CKG.attributionMode, CKG[rel.attribution or "asserted"])
        year = self.report.meta.covers
        self.add(r, CKG.validFrom, _date(rel.valid_from or f"{year}-01-01"))
        self.add(r, CKG.validUntil, _date(rel.valid_until or f"{year}-12-31"))
        for span in self.spans_for([rel.quote] if rel.quote else [], rel.evidence):
            self.add(r, CKG.evidence, self.evidence(span))
        return r


def event_label(ev: Event) -> str:
    kind = re.sub(r"(?<!^)(?=[A-Z])", " ", ev.types[0]).lower() if ev.types else "event"
    where = f" in {ev.location}" if ev.location else (f" in {ev.admin1}" if ev.admin1 else "")
    when = f", {ev.date}" if ev.date else ""
    return f"{kind}{where}{when}"


def report_quads(report: Report, result: ExtractionResult, registry: Registry,
                 stats: dict[str, int] | None = None) -> list[ox.Quad]:
    """All quads of one report's named graph, in a deterministic order. `stats`, if
    given, is incremented with `spans_repaired` and `spans_dropped`."""
    b = GraphBuilder(report, registry)
    b.add_report()
    used = {k for ev in result.events if ev.doc == report.doc
            for k in (*ev.perpetrators, *ev.partners, *ev.targets, *ev.attributed_by)}
    used |= {k for r in result.relations if r.doc == report.doc for k in (r.subject, r.object)}
    for key in sorted(used):
        if key in registry.actor_iris:
            continue
        rec = result.actors.get(key)
        kind = rec.kind if rec else "Unidentified"
        cls = registry.kind_classes.get(kind) or registry.kind_classes["Organization"]
        b.add_actor(key, rec.label if rec else key.replace("_", " ").title(), cls,
                    rec.aliases if rec else ())
    for ev in result.events:
        if ev.doc == report.doc:
            b.add_event(ev)
    seen: set[tuple[str, str, str]] = set()
    for rel in result.relations:
        if rel.doc != report.doc:
            continue
        k = (rel.subject, rel.relation, rel.object)
        if k in seen:
            continue
        seen.add(k)
        b.add_relation(rel)
    if stats is not None:
        stats["spans_repaired"] = stats.get("spans_repaired", 0) + b.spans_repaired
        stats["spans_dropped"] = stats.get("spans_dropped", 0) + b.spans_dropped
    return sorted(set(b.quads), key=str)


def registry_quads(registry: Registry) -> Iterator[ox.Quad]:
    """The reference registry (actors, gazetteer) in its own named graph, with the
    description of every report its relations cite (so the registry graph stands on its
    own when those reports are not part of the build)."""
    g = N(iris.REGISTRY_GRAPH)
    for s, p, o in registry.graph:
        yield ox.Quad(rdflib_to_ox(s), rdflib_to_ox(p), rdflib_to_ox(o), g)  # type: ignore[arg-type]
    for q in cited_source_quads(registry):
        yield ox.Quad(q.subject, q.predicate, q.object, g)


def cited_source_quads(registry: Registry) -> list[ox.Quad]:
    """The ckg:Report description of each source the registry cites (ckg:inReport,
    oa:hasSource, prov:wasDerivedFrom -> id/source/NAME), read from NAME.txt and its
    sidecar in seeds/; a source with no such file stays a bare IRI."""
    from conflictkg.errors import BadInput
    from conflictkg.paths import seeds_dir
    from conflictkg.reports import load_report

    prefix = iris.report("")
    cites = {CKG.inReport.value, OA.hasSource.value, PROV.wasDerivedFrom.value}
    names = sorted({str(o)[len(prefix):] for _s, p, o in registry.graph
                    if str(p) in cites and str(o).startswith(prefix)})
    out: list[ox.Quad] = []
    for name in names:
        path = seeds_dir() / f"{name}.txt"
        if not path.exists():
            continue
        try:
            report = load_report(path)
        except BadInput:
            continue
        b = GraphBuilder(report, registry)
        b.add_report()
        out.extend(b.quads)
    return sorted(set(out), key=str)


def rdflib_to_ox(term: Any) -> Term | None:
    """An rdflib term as the pyoxigraph term (None stays None): the one conversion both the
    graph stage and the query layer use."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return N(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=N(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(term)


def place_norm(name: str) -> str:
    return norm(name)


__all__ = ["GraphBuilder", "report_quads", "registry_quads", "date_bounds", "event_label"]
_ = GEO  # geometry triples are the gazetteer's
