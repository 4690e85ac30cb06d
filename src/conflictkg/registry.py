"""The reference registry: canonical actors and the gazetteer, read from ontology/*.ttl.

The Turtle files are the single truth (STYLE.md 1); this module only reads them into
records the extractor and the graph stage use. Actor kinds are the ontology's
`ckg:actorKindKey` values ("StateForce", "IslamistArmedGroup", ...).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conflictkg.errors import BadInput
from conflictkg.facts import ActorRecord
from conflictkg.paths import ontology_file, reference_files
from conflictkg.vocab import CKG_NS

CKG = rdflib.Namespace(CKG_NS)
GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
PLACE_CLASSES = ("Country", "Region", "Circle", "Commune", "Locality", "NaturalFeature")


def norm(text: str) -> str:
    """Fold case, accents and quote styles for name matching."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


def name_key(name: str) -> str:
    """The key an actor found by its name gets: "Houthis" -> HOUTHIS, "al-Shabaab" -> AL_SHABAAB."""
    return re.sub(r"[^A-Z0-9]+", "_", norm(name).upper()).strip("_")


@dataclass(slots=True)
class PlaceRecord:
    iri: str
    name: str
    kind: str  # one of PLACE_CLASSES
    country: str | None  # ISO alpha-2
    alt_names: list[str] = field(default_factory=list)
    parent: str | None = None  # IRI of the place it is directly part of
    lat: float | None = None
    lon: float | None = None


@dataclass(slots=True)
class Registry:
    actors: dict[str, ActorRecord]
    actor_iris: dict[str, str]  # key -> IRI
    places: dict[str, PlaceRecord]  # IRI -> record
    kind_classes: dict[str, str]  # actor kind key -> class IRI
    graph: rdflib.Graph

    def actor_by_alias(self, name: str) -> ActorRecord | None:
        return self._alias_index().get(norm(name))

    @cache  # noqa: B019 - a Registry lives for the process
    def _alias_index(self) -> dict[str, ActorRecord]:
        index: dict[str, ActorRecord] = {}
        for rec in self.actors.values():
            for name in (rec.key, rec.label, *rec.aliases):
                index.setdefault(norm(name), rec)
        return index

    def places_named(self, name: str, country: str | None = None) -> list[PlaceRecord]:
        hits = self._place_index().get(norm(name), [])
        if country:
            hits = [p for p in hits if p.country in (None, country.upper())]
        return hits

    @cache  # noqa: B019
    def _place_index(self) -> dict[str, list[PlaceRecord]]:
        index: dict[str, list[PlaceRecord]] = {}
        for rec in self.places.values():
            for name in (rec.name, *rec.alt_names):
                index.setdefault(norm(name), []).append(rec)
        return index

    def region_of(self, place: PlaceRecord) -> PlaceRecord | None:
        """Walk ckg:partOf up to the first-level division (admin1)."""
        seen: set[str] = set()
        cur: PlaceRecord | None = place
        while cur is not None and cur.iri not in seen:
            if cur.kind == "Region":
                return cur
            seen.add(cur.iri)
            cur = self.places.get(cur.parent) if cur.parent else None
        return None

    def __hash__(self) -> int:
        return id(self)


def _parse(paths: list[Path]) -> rdflib.Graph:
    g = rdflib.Graph()
    for p in paths:
        try:
            g.parse(p, format="turtle")
        except Exception as exc:  # rdflib raises many kinds
            raise BadInput(f"{p}: malformed Turtle: {exc}") from exc
    return g


@cache
def load_registry(extra: tuple[Path, ...] = ()) -> Registry:
    onto = _parse([ontology_file()])
    kind_classes = {
        str(key): str(cls) for cls, key in onto.subject_objects(CKG.actorKindKey)
    }
    class_kind = {v: k for k, v in kind_classes.items()}
    # subclasses without a key of their own take their nearest keyed ancestor's kind
    for cls in onto.subjects(RDF.type, OWL.Class):
        if str(cls) in class_kind:
            continue
        for sup in onto.transitive_objects(cls, RDFS.subClassOf):
            if str(sup) in class_kind:
                class_kind[str(cls)] = class_kind[str(sup)]
                break

    g = _parse([*reference_files(), *extra])
    actors: dict[str, ActorRecord] = {}
    actor_iris: dict[str, str] = {}
    for subj, key in g.subject_objects(CKG.registryKey):
        kinds = sorted(class_kind[str(t)] for t in g.objects(subj, RDF.type) if str(t) in class_kind)
        # the most specific class is listed: prefer a kind that is not a coalition marker
        kind = kinds[0] if kinds else "Organization"
        label = g.value(subj, SKOS.prefLabel) or g.value(subj, RDFS.label) or key
        country = g.value(subj, CKG.country)
        iso = g.value(country, CKG.iso3166) if country is not None else None
        rec = ActorRecord(
            key=str(key),
            label=str(label),
            kind=kind,
            aliases=sorted(str(a) for a in g.objects(subj, SKOS.altLabel)),
            country=str(iso) if iso else None,
            wikidata=str(g.value(subj, CKG.wikidata)) if g.value(subj, CKG.wikidata) else None,
            in_registry=True,
        )
        actors[rec.key] = rec
        actor_iris[rec.key] = str(subj)

    places: dict[str, PlaceRecord] = {}
    for place_class in PLACE_CLASSES:
        for subj in g.subjects(RDF.type, CKG[place_class]):
            places[str(subj)] = PlaceRecord(
                iri=str(subj), name=str(g.value(subj, RDFS.label) or ""), kind=place_class, country=None,
                alt_names=sorted(str(a) for a in g.objects(subj, SKOS.altLabel)),
                parent=str(g.value(subj, CKG.partOf)) if g.value(subj, CKG.partOf) else None,
            )
    for place in places.values():
        # country: the ISO code of the Country it is (transitively) part of
        cur: PlaceRecord | None = place
        seen: set[str] = set()
        while cur is not None and cur.iri not in seen:
            seen.add(cur.iri)
            code = g.value(rdflib.URIRef(cur.iri), CKG.iso3166)
            if cur.kind == "Country" and code:
                place.country = str(code)[:2].upper()
                break
            cur = places.get(cur.parent) if cur.parent else None
        geom = g.value(rdflib.URIRef(place.iri), GEO.hasGeometry)
        wkt = g.value(geom, GEO.asWKT) if geom is not None else None
        if wkt:
            lon, lat = str(wkt).split("(", 1)[1].rstrip(")").split()[:2]
            place.lon, place.lat = float(lon), float(lat)
    return Registry(actors, actor_iris, places, kind_classes, g)
