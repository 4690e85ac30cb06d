"""The ACLED / UCDP correspondences, read from the ontology files (never restated in code).

`ontology/conflictkg.ttl` carries `ckg:acledInterCode` on actor classes and
`ckg:acledTimePrecision` on date precisions; `ontology/mappings.ttl` carries SKOS
concept schemes for ACLED event / sub-event types and UCDP types of violence, linked
to the ckg event classes. This module only reads them, so changing a mapping is
editing Turtle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conflictkg.paths import ontology_files
from conflictkg.registry import norm
from conflictkg.vocab import CKG_NS

CKG = rdflib.Namespace(CKG_NS)
# SKOS mapping properties, strongest first: an exact match wins over a close one.
_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.broadMatch, SKOS.relatedMatch)


@dataclass(frozen=True, slots=True)
class AcledType:
    """An ACLED event classification (ACLED Codebook, 'Event types')."""

    event_type: str
    sub_event_type: str
    disorder_type: str


@dataclass(slots=True)
class Mappings:
    """What the ontology says about ACLED and UCDP codes; class IRIs are strings."""

    inter_codes: dict[str, int]  # actor class -> ACLED inter code
    superclasses: dict[str, set[str]]  # class -> all its superclasses (itself included)
    time_precision: dict[str, int]  # ckg date precision IRI -> ACLED time_precision
    acled_types: dict[str, AcledType] = field(default_factory=dict)  # event class -> ACLED type
    acled_classes: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, sub) -> class
    ucdp_classes: dict[int, str] = field(default_factory=dict)  # type_of_violence -> event class
    inter_classes: dict[int, str] = field(default_factory=dict)  # inter code -> preferred class
    acled_type_classes: dict[str, str] = field(default_factory=dict)  # event type -> broad class
    inter_names: dict[str, int] = field(default_factory=dict)  # "state forces" -> 1

    def inter_code(self, classes: Iterable[str]) -> int | None:
        """The ACLED inter code of an actor typed with `classes` (most specific coded class)."""
        best: tuple[int, int] | None = None
        for cls in classes:
            for sup in self.superclasses.get(cls, {cls}):
                code = self.inter_codes.get(sup)
                if code is None:
                    continue
                depth = len(self.superclasses.get(sup, ()))  # deeper = more specific
                if best is None or depth > best[0]:
                    best = (depth, code)
        return best[1] if best else None

    def acled_type(self, event_class: str) -> AcledType | None:
        for sup in sorted(self.superclasses.get(event_class, {event_class}),
                          key=lambda c: -len(self.superclasses.get(c, ()))):
            if sup in self.acled_types:
                return self.acled_types[sup]
        return None

    def event_class_for_acled(self, event_type: str, sub_event_type: str,
                              hint: str | None = None) -> str | None:
        """The ckg class of an ACLED type. `hint` (a class IRI, e.g. from our own export's
        tags) is taken when the ontology maps it to this very sub-event type."""
        key = (norm(event_type), norm(sub_event_type))
        if hint and hint in self.acled_types:
            t = self.acled_types[hint]
            if (norm(t.event_type), norm(t.sub_event_type)) == key:
                return hint
        if key in self.acled_classes:
            return self.acled_classes[key]
        # a sub-event type no class maps to (Air/drone strike): the broad class of its type
        return self.acled_type_classes.get(key[0])


def _closure(g: rdflib.Graph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for cls in set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDFS.subClassOf, None)):
        if isinstance(cls, rdflib.URIRef):
            out[str(cls)] = {str(c) for c in g.transitive_objects(cls, RDFS.subClassOf)}
    return out


def _text(g: rdflib.Graph, node, *props) -> str | None:
    for p in props:
        for v in g.objects(node, p):
            return str(v)
    return None


@cache
def load_mappings() -> Mappings:
    g = rdflib.Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    sup = _closure(g)
    inter = {str(s): int(str(o)) for s, o in g.subject_objects(CKG.acledInterCode)}
    tprec = {str(s): int(str(o)) for s, o in g.subject_objects(CKG.acledTimePrecision)}
    m = Mappings(inter, sup, tprec)
    _read_schemes(g, m)
    return m


def _label(g: rdflib.Graph, node) -> str | None:
    return _text(g, node, SKOS.prefLabel, RDFS.label, SKOS.notation)


def _rank(g: rdflib.Graph, cls, concept) -> int:
    """How well `cls` matches `concept`: 0 exact, 1 close, 2 broad... (mappings.ttl header)."""
    for rank, prop in enumerate(_MATCHES):
        if (cls, prop, concept) in g:
            return rank
    return len(_MATCHES)


def _common_superclass(classes: list[str], sup: dict[str, set[str]]) -> str:
    """The most specific class all `classes` fall under: an ambiguous reverse mapping
    (ACLED 'Other' covers seven ckg classes) claims no more than the data says."""
    if len(classes) == 1:
        return classes[0]
    shared = set.intersection(*(sup.get(c, {c}) for c in classes))
    shared = {c for c in shared if c.startswith(CKG_NS)} or {CKG_NS + "Event"}
    return max(sorted(shared), key=lambda c: len(sup.get(c, ())))


def _best(candidates: dict[str, tuple], sup: dict[str, set[str]]) -> str | None:
    """The class with the lowest rank tuple; ties resolved by `_common_superclass`."""
    if not candidates:
        return None
    top = min(candidates.values())
    return _common_superclass(sorted(c for c, r in candidates.items() if r == top), sup)


def _read_schemes(g: rdflib.Graph, m: Mappings) -> None:
    """Read mappings.ttl with exactly the predicates its header names."""
    # events -> ACLED: ckg:acledSubEventType, its skos:broader event type, that type's disorder
    reverse: dict[tuple[str, str], dict[str, tuple]] = {}
    for cls, sub in g.subject_objects(CKG.acledSubEventType):
        etype = next(iter(g.objects(sub, SKOS.broader)), None) or g.value(cls, CKG.acledEventType)
        sub_label, type_label = _label(g, sub), _label(g, etype) if etype is not None else None
        if not sub_label or not type_label:
            continue
        # on the sub-event type (Riots' two differ), else on its event type
        disorder = _text(g, sub, CKG.acledDisorderType) or _text(g, etype, CKG.acledDisorderType) or ""
        m.acled_types[str(cls)] = AcledType(type_label, sub_label, disorder)
        key = (norm(type_label), norm(sub_label))
        reverse.setdefault(key, {})[str(cls)] = (_rank(g, cls, sub),)
    for key, cands in reverse.items():
        best = _best(cands, m.superclasses)
        if best:
            m.acled_classes[key] = best
    by_type: dict[str, set[str]] = {}
    for (type_key, _), tcands in reverse.items():
        by_type.setdefault(type_key, set()).update(tcands)
    for type_key, classes in by_type.items():
        # strictly above every class of the type: an unmapped sub-event is none of them
        shared = set.intersection(*(m.superclasses.get(c, {c}) - {c} for c in classes))
        shared = {c for c in shared if c.startswith(CKG_NS)} or {CKG_NS + "Event"}
        m.acled_type_classes[type_key] = max(sorted(shared), key=lambda c: len(m.superclasses.get(c, ())))
    # UCDP type_of_violence -> event class: a class matched to the concept (exactMatch...)
    # first, then the class that falls under the fewest violence types (the most specific)
    ucdp: dict[int, dict[str, tuple]] = {}
    for cls, concept in g.subject_objects(CKG.ucdpViolenceType):
        notation = _text(g, concept, SKOS.notation)
        if not (notation and notation.isdigit()) or str(cls) not in m.superclasses:
            continue
        if not any(c == CKG_NS + "Event" for c in m.superclasses[str(cls)]):
            continue  # actor classes carry the property too
        n_types = len(set(g.objects(cls, CKG.ucdpViolenceType)))
        acled_rank = min((_rank(g, cls, s) for s in g.objects(cls, CKG.acledSubEventType)),
                         default=len(_MATCHES))
        ucdp.setdefault(int(notation), {})[str(cls)] = (_rank(g, cls, concept), n_types,
                                                         acled_rank, str(cls))
    for vcode, vcands in ucdp.items():
        m.ucdp_classes[vcode] = min(vcands.items(), key=lambda kv: kv[1])[0]
    # ACLED inter codes by name: exports since 2024 write "State forces", not 1
    for concept, lit in g.subject_objects(SKOS.notation):
        if str(lit).isdigit() and any("inter" in str(x) for x in g.objects(concept, SKOS.inScheme)):
            for label in (*g.objects(concept, SKOS.prefLabel), *g.objects(concept, RDFS.label)):
                m.inter_names[norm(str(label))] = int(str(lit))
    # ACLED inter code -> actor class: the best-matched class (exact, close, broad)
    inter: dict[int, dict[str, tuple]] = {}
    for prop in _MATCHES:
        for cls, concept in g.subject_objects(prop):
            inotation = _text(g, concept, SKOS.notation)
            in_scheme = any("inter" in str(x) for x in g.objects(concept, SKOS.inScheme))
            if inotation and inotation.isdigit() and in_scheme:
                inter.setdefault(int(inotation), {})[str(cls)] = (_rank(g, cls, concept),)
    for icode, icands in inter.items():
        ibest = _best(icands, m.superclasses)
        if ibest:
            m.inter_classes[icode] = ibest
