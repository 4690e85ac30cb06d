"""Reasoning: materialised inferences (SPARQL rules from the ontology's axioms) and the
HermiT consistency check. Cases are files in tests/data/reason/ (STYLE.md 7):
`entail_*.trig` (graphs data / expected / absent; a `# option: restate_facts` line runs
materialise with it) and `inconsistent_*.ttl` (offenders
named in `# offender:` comment lines). HermiT calls are few: each takes seconds."""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conflictkg.cli import main
from conflictkg.graph import iris
from conflictkg.reason import check_consistency, diagnose, diagnose_store, materialise, ontology_axioms

CASES = Path(__file__).parent / "data" / "reason"
ID = "https://w3id.org/conflictkg/id/"
CKG = "https://w3id.org/conflictkg/ontology#"
INFERRED = ox.NamedNode(iris.INFERRED_GRAPH)


def _copy(store: ox.Store) -> ox.Store:
    """A private copy: the session's gold_store must stay as built."""
    out = ox.Store()
    out.extend(store.quads_for_pattern(None, None, None))
    return out


def _inferred(store: ox.Store) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object))
            for q in store.quads_for_pattern(None, None, None, INFERRED)}


def _triples(store: ox.Store, graph: str) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object))
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ID + "graph/" + graph))}


@pytest.mark.parametrize("case", sorted(CASES.glob("entail_*.trig")), ids=lambda p: p.stem)
def test_entailment_cases(case: Path):
    store = ox.Store()
    store.load(path=str(case), format=ox.RdfFormat.TRIG)
    expected, absent = _triples(store, "expected"), _triples(store, "absent")
    for g in ("expected", "absent"):
        store.remove_graph(ox.NamedNode(ID + "graph/" + g))
    assert expected, f"{case.name} has no expected graph"
    materialise(store, restate_facts="# option: restate_facts" in case.read_text(encoding="utf-8"))
    got = _inferred(store)
    assert not expected - got, f"{case.name}: not inferred: {sorted(expected - got)}"
    assert not absent & got, f"{case.name}: wrongly inferred: {sorted(absent & got)}"


def test_materialise_gold_store(gold_store):
    store = _copy(gold_store)
    n = materialise(store)
    got = _inferred(store)
    assert n == len(got) > 0
    actor, place = ID + "actor/", ID + "place/ml"
    # symmetric: the HRW report says Wagner is allied with FAMa
    assert (f"<{actor}fama>", f"<{CKG}alliedWith>", f"<{actor}wagner>") in got
    # inverse + transitive membership: the CMA has the MNLA as a member
    assert (f"<{actor}cma>", f"<{CKG}hasMember>", f"<{actor}mnla>") in got
    assert (f"<{actor}mnla>", "<http://www.w3.org/ns/org#memberOf>", f"<{actor}cma>") in got
    # transitive partOf: a village the gold places in Mopti region lies in Mali
    assert (f"<{place}/locality/ouenkoro>", f"<{CKG}partOf>", f"<{place}>") in got
    # nothing the data already assert is repeated in the inferred graph
    asserted = {(str(q.subject), str(q.predicate), str(q.object))
                for q in store.quads_for_pattern(None, None, None)
                if q.graph_name != INFERRED}
    assert not got & asserted


def test_materialise_is_idempotent_and_deterministic(gold_store):
    a, b = _copy(gold_store), _copy(gold_store)
    n1 = materialise(a)
    first = _inferred(a)
    n2 = materialise(a)
    assert n1 == n2 and _inferred(a) == first
    materialise(b)
    assert _inferred(b) == first


def test_diagnose_names_individuals_without_reasoner():
    store = ox.Store()
    store.load(path=str(CASES / "inconsistent_actor_as_place.ttl"), format=ox.RdfFormat.TURTLE)
    offenders = diagnose([ox.Triple(q.subject, q.predicate, q.object)
                          for q in store.quads_for_pattern(None, None, None)], ontology_axioms())
    named = {o.iri for o in offenders}
    assert named == {ID + "actor/case_militia", ID + "event/case-e2"}
    assert any("ckg:Place" in o.reason and "ckg:place" in o.reason for o in offenders)


@pytest.mark.parametrize("case", sorted(CASES.glob("inconsistent_*.ttl")), ids=lambda p: p.stem)
def test_diagnose_store_matches_diagnose(case: Path, gold_store):
    """The SPARQL version (for stores of any size) names what the in-memory one names."""
    store = _copy(gold_store)
    store.load(path=str(case), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ID + "graph/case"))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)]
    assert {o.iri for o in diagnose_store(store, ontology_axioms())} == \
        {o.iri for o in diagnose(triples, ontology_axioms())}


def test_gold_store_is_consistent(gold_store):
    report = check_consistency(gold_store)
    assert report.consistent, report.summary()
    assert report.offenders == []
    assert report.triples > 1000


@pytest.mark.parametrize("case", sorted(CASES.glob("inconsistent_*.ttl")), ids=lambda p: p.stem)
def test_inconsistent_cases_name_offenders(case: Path):
    expected = set(re.findall(r"^# offender: (\S+)", case.read_text(), flags=re.M))
    report = check_consistency(case, with_reference=False)
    assert not report.consistent
    assert {o.iri for o in report.offenders} == expected, report.summary()


def test_cli_reason(tmp_path, gold_store, disk_store):
    path = disk_store(gold_store, tmp_path / "store")
    result = CliRunner().invoke(main, ["reason", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "consistent" in result.output and "materialised" in result.output
    gc.collect()
    store = ox.Store.read_only(str(path))
    assert store.contains_named_graph(INFERRED)
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, INFERRED)) > 100


def test_cli_reason_restate_facts(tmp_path, gold_store, disk_store):
    """--restate-facts adds the standard vocabularies' restatement of the facts (PROV's
    derivation of every event from its report) that the default leaves out."""
    def derived(flags: list[str]) -> int:
        path = disk_store(gold_store, tmp_path / ("store" + "".join(flags)))
        result = CliRunner().invoke(main, ["reason", "--store", str(path), "--no-check", *flags])
        assert result.exit_code == 0, result.output
        gc.collect()
        store = ox.Store.read_only(str(path))
        return sum(1 for _ in store.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), None, INFERRED))

    assert derived([]) == 0 < derived(["--restate-facts"])


def test_cli_reason_inconsistent_exits_1(tmp_path, gold_store, disk_store):
    path = tmp_path / "store"
    bad = ox.Store()
    bad.load(path=str(CASES / "inconsistent_two_kinds.ttl"), format=ox.RdfFormat.TURTLE,
             to_graph=ox.NamedNode(ID + "graph/bad"))
    disk_store([*gold_store, *bad], path)
    result = CliRunner().invoke(main, ["reason", "--store", str(path)])
    assert result.exit_code == 1, result.output
    assert "case_two_kinds" in result.output
    gc.collect()
    store = ox.Store.read_only(str(path))
    assert not store.contains_named_graph(INFERRED)  # nothing materialised from bad data


def test_cli_reason_missing_store_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["reason", "--store", str(tmp_path / "nope")])
    assert result.exit_code == 2, result.output
    assert "nope" in result.output


def test_large_store_is_sampled_for_hermit_and_fully_checked_by_rules(gold_store):
    """Beyond max_triples HermiT reads only some report graphs; an offender in a graph it
    did not read is still caught by the rules."""
    store = _copy(gold_store)
    store.load(path=str(CASES / "inconsistent_two_kinds.ttl"), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(ID + "graph/zzz-last"))
    report = check_consistency(store, max_triples=1500)
    assert report.graphs_checked < report.graphs_total == 3
    assert not report.consistent
    assert [o.iri for o in report.offenders] == [ID + "actor/case_two_kinds"]
    assert "of 3 report graphs" in report.summary()


def _naive_closure(triples: set[tuple], ax) -> set[tuple]:
    """A reference forward chainer, one axiom at a time to a fixpoint (no compilation, no
    rounds, no SPARQL): what materialise must produce, with restate_facts."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    inverse = {a: b for x, y in ax.inverses for a, b in ((x, y), (y, x))}
    facts = set(triples)
    while True:
        new = set()
        for s, p, o in facts:
            if p == rdf_type:
                new.update((s, p, ox.NamedNode(c)) for c in ax.superclasses.get(o.value, ()))
                continue
            new.update((s, ox.NamedNode(q), o) for q in ax.superproperties.get(p.value, ()))
            new.update((s, rdf_type, ox.NamedNode(c)) for c in ax.domains.get(p.value, ()))
            if isinstance(o, ox.Literal):
                continue
            new.update((o, rdf_type, ox.NamedNode(c)) for c in ax.ranges.get(p.value, ()))
            if p.value in ax.symmetric:
                new.add((o, p, s))
            if p.value in inverse:
                new.add((o, ox.NamedNode(inverse[p.value]), s))
        for t in ax.transitive:
            succ: dict = {}
            for s, p, o in facts:
                if p.value == t:
                    succ.setdefault(s, set()).add(o)
            for s, p, o in facts:
                if p.value == t:
                    new.update((s, p, z) for z in succ.get(o, ()))
        if new <= facts:
            return facts - set(triples)
        facts |= new


def test_materialise_matches_a_naive_reasoner(gold_store):
    """The compiled, semi-naive rules draw exactly what applying the axioms one by one to a
    fixpoint draws (with restate_facts: every axiom), and the default is the part of it
    that is in the ckg vocabulary or about actors and places."""
    store = _copy(gold_store)
    triples = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)
               if q.graph_name.value not in iris.SUMMARY_GRAPHS}  # derived: the rules skip it
    expected = {tuple(map(str, t)) for t in _naive_closure(triples, ontology_axioms())}
    materialise(store, restate_facts=True)
    assert _inferred(store) == expected
    # no scratch graph is left behind
    assert {g.value for g in store.named_graphs()} == {
        q.graph_name.value for q in gold_store.quads_for_pattern(None, None, None)} | {iris.INFERRED_GRAPH}
    materialise(store)
    lean = _inferred(store)
    assert lean < expected
    actors_places = {s for s, p, o in expected
                     if p == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
                     and o in (f"<{CKG}Actor>", f"<{CKG}Place>")}
    assert expected - lean == {(s, p, o) for s, p, o in expected
                               if not (p.startswith(f"<{CKG}") or o.startswith(f"<{CKG}"))
                               and s not in actors_places}


def test_library_queries_and_the_inferred_graph(gold_store):
    """Library queries read stated triples (property paths such as ckg:partOf* rather than
    materialised closures). So what materialise leaves out by default (restate_facts)
    changes no answer, and materialising at all changes only the kind columns of
    actor-by-wikidata and actor-profile, which list every ckg class of the actor (its
    inferred super-classes too)."""
    from conflictkg.query import list_queries, load_query, run_query

    plain, lean, full = _copy(gold_store), _copy(gold_store), _copy(gold_store)
    materialise(lean)
    materialise(full, restate_facts=True)
    changed = set()
    for info in list_queries():
        params = {}
        for p in load_query(info.name).params:
            if p.required:
                m = re.search(r'e\.g\. "?([^",)]+)"?', p.description)
                assert m, f"{info.name}: required parameter {p.name} has no example"
                params[p.name] = m[1]
        a, b, c = (sorted(map(repr, run_query(st, info.name, params).rows)) for st in (plain, lean, full))
        assert b == c, info.name
        if a != b:
            changed.add(info.name)
    assert changed <= {"actor-by-wikidata", "actor-profile"}
