"""bench/generate.py: a small synthetic graph has the model's shape and is reproducible."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from conflictkg.graph import iris

ROOT = Path(__file__).resolve().parents[1]
N_EVENTS = 200


def _generator():
    spec = importlib.util.spec_from_file_location("ckg_bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and worker processes look it up by name
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, ox.Store]:
    out = _generator().generate(N_EVENTS, tmp_path_factory.mktemp("gen") / "g.nq", seed=7,
                                workers=2, progress=False)
    store = ox.Store()
    store.bulk_load(path=str(out), format=ox.RdfFormat.N_QUADS)
    return out, store


def ask(store: ox.Store, where: str) -> int:
    q = ("PREFIX ckg: <https://w3id.org/conflictkg/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#> "
         f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(next(iter(store.query(q, use_default_graph_as_union=True)))["n"].value)


def test_counts_and_graphs(generated):
    _, store = generated
    assert ask(store, "?e a ckg:Event") == N_EVENTS
    graphs = {g.value for g in store.named_graphs()}
    assert iris.REGISTRY_GRAPH in graphs and iris.ONTOLOGY_GRAPH in graphs
    report_graphs = ask(store, "SELECT DISTINCT ?g { GRAPH ?g { ?r a ckg:Report } "
                               f"FILTER(?g != <{iris.REGISTRY_GRAPH}>) }}")
    assert report_graphs == len(graphs) - 2 >= 3  # one named graph per report
    # every event stands in its report's graph with its attribution and quoted evidence
    assert ask(store, "GRAPH ?g { ?e a ckg:Event ; ckg:inReport ?r ; ckg:mainType ?t ; "
                      "ckg:attribution/ckg:attributionMode ?m ; "
                      "ckg:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?q . ?r a ckg:Report }"
               ) >= N_EVENTS
    assert ask(store, "?e a ckg:Event FILTER NOT EXISTS { ?e ckg:evidence ?x }") == 0
    assert ask(store, "?r a ckg:ActorRelation ; ckg:relationSubject ?s ; ckg:relationObject ?o") > 0
    assert ask(store, "?v a ckg:VictimGroup ; ckg:victimCategory ?c ; ckg:harm ?h") > 0
    # actors the registry does not know are described where they are used
    assert ask(store, "?a ckg:inRegistry false ; ckg:registryKey ?k") > 0
    # events are spread over several kinds and places, as in the seeds
    assert ask(store, "SELECT DISTINCT ?t { ?e ckg:mainType ?t }") >= 8
    assert ask(store, "SELECT DISTINCT ?p { ?e ckg:place ?p }") >= 10


def test_evidence_offsets_select_the_quote(generated):
    """oa:start/oa:end and oa:exact agree (the synthetic report text is consistent)."""
    _, store = generated
    rows = store.query(
        "PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?s ?e ?q WHERE { ?t oa:hasSelector ?p , ?x . "
        "?p oa:start ?s ; oa:end ?e . ?x oa:exact ?q }", use_default_graph_as_union=True)
    n = 0
    for row in rows:
        assert int(row["e"].value) - int(row["s"].value) == len(row["q"].value)
        n += 1
    assert n > N_EVENTS


def test_deterministic_whatever_the_workers(generated, tmp_path):
    out, _ = generated
    again = _generator().generate(N_EVENTS, tmp_path / "again.nq", seed=7, workers=1, progress=False)
    assert again.read_bytes() == out.read_bytes()
    other = _generator().generate(N_EVENTS, tmp_path / "other.nq", seed=8, workers=1, progress=False)
    assert other.read_bytes() != out.read_bytes()


def test_conforms_to_the_shapes(generated):
    validate = pytest.importorskip("conflictkg.validate")
    _, store = generated
    report = validate.validate_store(store)
    violations = [r for r in report.results if r.severity.name.lower() == "violation"]
    assert not violations, "\n".join(map(str, violations[:10]))
