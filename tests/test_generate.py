"""bench/generate.py: a small synthetic graph has the model's shape and is reproducible."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conflictkg.graph import iris

N_EVENTS = 200


@pytest.fixture(scope="module")
def generated(tmp_path_factory, bench_generate) -> tuple[Path, ox.Store]:
    out = bench_generate.generate(N_EVENTS, tmp_path_factory.mktemp("gen") / "g.nq", seed=7,
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
                      "ckg:evidence/ckg:quote ?q . ?r a ckg:Report }"
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
    """ckg:startOffset/ckg:endOffset and ckg:quote agree (the synthetic text is consistent)."""
    _, store = generated
    rows = store.query(
        "PREFIX ckg: <https://w3id.org/conflictkg/ontology#> SELECT ?s ?e ?q WHERE { "
        "?x ckg:startOffset ?s ; ckg:endOffset ?e ; ckg:quote ?q }", use_default_graph_as_union=True)
    n = 0
    for row in rows:
        assert int(row["e"].value) - int(row["s"].value) == len(row["q"].value)
        n += 1
    assert n > N_EVENTS


def test_deterministic_whatever_the_workers(generated, tmp_path, bench_generate):
    out, _ = generated
    again = bench_generate.generate(N_EVENTS, tmp_path / "again.nq", seed=7, workers=1, progress=False)
    assert again.read_bytes() == out.read_bytes()
    other = bench_generate.generate(N_EVENTS, tmp_path / "other.nq", seed=8, workers=1, progress=False)
    assert other.read_bytes() != out.read_bytes()


def test_conforms_to_the_shapes(generated):
    validate = pytest.importorskip("conflictkg.validate")
    _, store = generated
    report = validate.validate_store(store)
    violations = [r for r in report.results if r.severity.name.lower() == "violation"]
    assert not violations, "\n".join(map(str, violations[:10]))


ARMED = ("StateForce", "ForeignForce", "Peacekeepers", "IslamistArmedGroup", "RebelGroup",
         "RebelCoalition", "ProGovernmentMilitia", "EthnicMilitia")
HIERARCHY = "ckg:memberOf|ckg:affiliateOf"


def test_memberships_form_a_shallow_forest_of_armed_groups(generated):
    """memberOf/affiliateOf: only armed groups, no cycle, at most three levels, as real
    coalitions (the CMA and its movements, JNIM and its affiliates)."""
    _, store = generated
    assert ask(store, f"?a {HIERARCHY} ?b") > 0
    kinds = " ".join(f"ckg:{k}" for k in ARMED)
    for side in ("a", "b"):
        assert ask(store, f"?a {HIERARCHY} ?b . ?{side} ckg:actorKind ?k "
                          f"FILTER NOT EXISTS {{ VALUES ?armed {{ {kinds} }} ?{side} a ?armed }}") == 0
    assert ask(store, f"?a ({HIERARCHY})+ ?a") == 0
    assert ask(store, f"?a {HIERARCHY} ?b . ?b {HIERARCHY} ?c . ?c {HIERARCHY} ?d") == 0
    assert ask(store, f"?a {HIERARCHY} ?b . ?a {HIERARCHY} ?c FILTER(?b != ?c)") == 0  # one parent


def test_relations_are_a_stable_structure_mentioned_repeatedly(generated):
    """A world's ties are few and restated across reports, at a rate between the corpus
    (417 per 45,816 events) and the seeds (36 per 75); allies are never enemies."""
    _, store = generated
    mentions = ask(store, "GRAPH ?g { ?r a ckg:ActorRelation } FILTER(STRSTARTS(STR(?g), "
                          "'https://w3id.org/conflictkg/id/graph/syn'))")
    assert 417 / 45_816 < mentions / N_EVENTS < 36 / 75
    distinct = ask(store, "SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?r a ckg:ActorRelation ; "
                          "ckg:relationSubject ?s ; ckg:relationProperty ?p ; ckg:relationObject ?o } "
                          "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/conflictkg/id/graph/syn')) }")
    assert distinct < mentions
    assert ask(store, "{ ?a ckg:foughtAgainst|ckg:targets|ckg:rivalOf ?b } "
                      "{ ?a ckg:alliedWith|ckg:operatesWith ?b } UNION "
                      "{ ?b ckg:alliedWith|ckg:operatesWith ?a }") == 0


def test_ties_of_a_big_world(bench_generate):
    """At 100k events (actors and ties only, no reports): a few thousand ties, registry
    coalitions kept, no cycle."""
    from conflictkg.registry import load_registry

    gen = bench_generate
    u = gen.make_universe(100_000, 0, load_registry())
    assert ("MNLA", "memberOf", "CMA") in u.ties and ("MLF", "affiliateOf", "JNIM") in u.ties
    assert 300 < len(u.ties) < 3 * len(u.actors)
    parent = {s: o for s, r, o in u.ties if r in ("memberOf", "affiliateOf")}
    assert len(parent) == sum(r in ("memberOf", "affiliateOf") for _, r, _ in u.ties)
    for start in parent:
        seen, cur = {start}, start
        while cur in parent:
            cur = parent[cur]
            assert cur not in seen, f"membership cycle through {start}"
            seen.add(cur)
        assert len(seen) <= 3
