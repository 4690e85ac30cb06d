"""The ontology: it parses, every term is documented, it is OWL 2 DL consistent under HermiT,
and with the registry it classifies as expected. The SKOS mappings to ACLED / UCDP are complete."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conflictkg.paths import ontology_dir, ontology_file, ontology_files, reference_files
from conflictkg.reason import _parse_files, hermit_world

CKG = rdflib.Namespace("https://w3id.org/conflictkg/ontology#")
ACLED = rdflib.Namespace("https://w3id.org/conflictkg/scheme/acled/")
UCDP = rdflib.Namespace("https://w3id.org/conflictkg/scheme/ucdp/")
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    g = rdflib.Graph()
    for p in ontology_files():
        g.parse(p, format="turtle")
    return g


def _ckg_terms(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in g.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef) and s.startswith(str(CKG))}


def test_every_term_has_label_and_comment(onto):
    terms = _ckg_terms(onto)
    assert len(terms) > 150
    missing = sorted(f"{t} lacks {p.n3(onto.namespace_manager)}" for t in terms
                     for p in (RDFS.label, RDFS.comment) if (t, p, None) not in onto)
    assert not missing, "\n".join(missing)


def test_every_declared_term_has_a_label(onto):
    unlabelled = sorted(str(s) for s in onto.subjects(RDF.type, None)
                        if isinstance(s, rdflib.URIRef) and (s, RDFS.label, None) not in onto)
    assert not unlabelled, unlabelled


def test_object_properties_have_domain_or_are_generic(onto):
    """Role and relation properties say what they link; the few generic ones are listed."""
    generic = {CKG.evidence, CKG.inReport, CKG.attributionMode}
    lacking = sorted(str(p) for p in onto.subjects(RDF.type, OWL.ObjectProperty)
                     if p.startswith(str(CKG)) and p not in generic
                     and (p, RDFS.domain, None) not in onto
                     and (p, RDFS.subPropertyOf, None) not in onto)
    assert not lacking, lacking


def test_relation_characteristics(onto):
    for p in ("alliedWith", "operatesWith", "foughtAgainst", "rivalOf", "linkedTo"):
        assert (CKG[p], RDF.type, OWL.SymmetricProperty) in onto, p
    for p in ("partOf", "memberOf"):
        assert (CKG[p], RDF.type, OWL.TransitiveProperty) in onto, p
    assert (CKG.memberOf, OWL.inverseOf, CKG.hasMember) in onto
    assert (CKG.memberOf, RDFS.subPropertyOf, rdflib.URIRef("http://www.w3.org/ns/org#memberOf")) in onto


def test_event_classes_map_to_acled(onto):
    events = set(onto.subjects(CKG.eventKey, None))
    assert len(events) >= 23
    for cls in sorted(events):
        sub = onto.value(cls, CKG.acledSubEventType)
        typ = onto.value(cls, CKG.acledEventType)
        assert sub is not None and typ is not None, f"{cls} has no ACLED mapping"
        assert (sub, SKOS.inScheme, ACLED["sub-event-types"]) in onto
        assert (sub, SKOS.broader, typ) in onto, f"{cls}: {sub} is not under {typ}"
        assert any((cls, m, sub) in onto for m in MATCHES), f"{cls}: no skos:*Match to {sub}"
        assert onto.value(sub, SKOS.prefLabel) is not None


def test_acled_schemes_complete(onto):
    types = set(onto.subjects(SKOS.inScheme, ACLED["event-types"]))
    subs = set(onto.subjects(SKOS.inScheme, ACLED["sub-event-types"]))
    inter = {str(onto.value(c, SKOS.notation)) for c in onto.subjects(SKOS.inScheme, ACLED["inter-codes"])}
    ucdp = {str(onto.value(c, SKOS.notation)) for c in onto.subjects(SKOS.inScheme, UCDP["violence-types"])}
    assert len(types) == 6 and len(subs) == 25
    assert inter == {str(i) for i in range(1, 9)}
    assert ucdp == {"1", "2", "3"}
    names = {str(onto.value(s, SKOS.prefLabel)) for s in subs}
    assert {"Armed clash", "Attack", "Abduction/forced disappearance", "Sexual violence",
            "Remote explosive/landmine/IED", "Peaceful protest", "Protest with intervention",
            "Excessive force against protesters", "Arrests", "Looting/property destruction",
            "Agreement", "Change to group/activity", "Other"} <= names


def test_actor_classes_map_to_inter_codes(onto):
    for cls, code in onto.subject_objects(CKG.acledInterCode):
        concepts = [c for m in MATCHES for c in onto.objects(cls, m)
                    if (c, SKOS.inScheme, ACLED["inter-codes"]) in onto]
        assert concepts, f"{cls} has no skos:*Match to an ACLED inter concept"
        assert {str(onto.value(c, SKOS.notation)) for c in concepts} == {str(code)}, cls


def test_ontology_alone_is_consistent_with_no_unsatisfiable_class():
    triples = _parse_files(ontology_files())
    with hermit_world(triples) as (consistent, world, message, _s):
        assert consistent, message
        assert list(world.inconsistent_classes()) == []


def test_ontology_and_reference_classify_as_expected():
    """One HermiT run over ontology + registry + gazetteer: consistent, and the classes the
    actors and places get by subclass axioms are there."""
    triples = _parse_files([*ontology_files(), *reference_files()])
    with hermit_world(triples) as (consistent, world, message, _s):
        assert consistent, message
        ckg = "https://w3id.org/conflictkg/ontology#"
        actor = "https://w3id.org/conflictkg/id/actor/"

        def classes(iri: str) -> set[str]:
            ind = world[iri]
            assert ind is not None, iri
            return {c.iri for c in ind.INDIRECT_is_a if hasattr(c, "iri")}

        assert {ckg + "NonStateArmedGroup", ckg + "ArmedActor", ckg + "Actor",
                "http://www.w3.org/ns/prov#Agent"} <= classes(actor + "jnim")
        assert {ckg + "RebelGroup", ckg + "Coalition"} <= classes(actor + "cma")
        assert ckg + "NonStateArmedGroup" not in classes(actor + "fama")
        assert ckg + "Place" in classes("https://w3id.org/conflictkg/id/place/ml/region/mopti")


def test_files_are_where_paths_say():
    assert ontology_file().exists()
    assert (ontology_dir() / "mappings.ttl") in ontology_files()
    for p in ontology_files():
        ox.parse(p.read_bytes(), format=ox.RdfFormat.TURTLE)
