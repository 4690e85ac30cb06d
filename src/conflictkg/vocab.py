"""Every IRI the code uses, named once and checked against the ontology.

`CKG.Attack` is the pyoxigraph NamedNode of ckg:Attack; `CKG_R.Attack` the rdflib URIRef.
Asking for a term that ontology/conflictkg.ttl does not define raises AttributeError, so a
typo or a term removed from the ontology fails at the first use (and in tests/test_vocab.py).
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
from rdflib import URIRef

from conflictkg.paths import ontology_file

CKG_NS = "https://w3id.org/conflictkg/ontology#"
ID_NS = "https://w3id.org/conflictkg/id/"

PREFIXES: dict[str, str] = {
    "ckg": CKG_NS,
    "ckgid": ID_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "schema": "https://schema.org/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "oa": "http://www.w3.org/ns/oa#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "wd": "http://www.wikidata.org/entity/",
    "sh": "http://www.w3.org/ns/shacl#",
}


@cache
def defined_terms() -> frozenset[str]:
    """Every IRI the ontology declares (as the subject of an rdf:type triple)."""
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    with ontology_file().open("rb") as fh:
        return frozenset(
            t.subject.value
            for t in ox.parse(fh, format=ox.RdfFormat.TURTLE)
            if t.predicate == rdf_type and isinstance(t.subject, ox.NamedNode)
        )


class _Namespace:
    """Attribute access to checked IRIs of one namespace."""

    def __init__(self, base: str, factory, check: bool) -> None:
        self._base = base
        self._factory = factory
        self._check = check
        self._cache: dict[str, object] = {}

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str):
        try:
            return self._cache[name]
        except KeyError:
            pass
        iri = self._base + name
        if self._check and iri not in defined_terms():
            raise AttributeError(f"{iri} is not defined in {ontology_file()}")
        term = self._factory(iri)
        self._cache[name] = term
        return term

    def iri(self, name: str) -> str:
        term = self[name]
        return term.value if isinstance(term, ox.NamedNode) else str(term)


def _ns(prefix: str, check: bool = False) -> tuple[_Namespace, _Namespace]:
    base = PREFIXES[prefix]
    return _Namespace(base, ox.NamedNode, check), _Namespace(base, URIRef, check)


CKG, CKG_R = _ns("ckg", check=True)
RDF, RDF_R = _ns("rdf")
RDFS, RDFS_R = _ns("rdfs")
OWL, OWL_R = _ns("owl")
XSD, XSD_R = _ns("xsd")
SKOS, SKOS_R = _ns("skos")
DCTERMS, DCTERMS_R = _ns("dcterms")
PROV, PROV_R = _ns("prov")
OA, OA_R = _ns("oa")
GEO, GEO_R = _ns("geo")
ORG, ORG_R = _ns("org")
SCHEMA, SCHEMA_R = _ns("schema")
WD, WD_R = _ns("wd")


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
