"""The attribution and victim tallies of the summary graph (queries/summaries/attribution-*.rq,
victims-kind.rq) and the queries that read them (attribution-by-actor, attribution-by-kind,
victims-by-kind).

test_summary.py compares each query with its reference, with the default parameters and one
sampled value per optional parameter; these tests check what that sampling can miss: the
tallies are not empty on the test graph, are keyed as documented and use only their own
terms (the actor tallies' four counts a shared node, always written); a count of 0 is not
written yet answered as 0; a region or year parameter keeps only the rows that have that
region or year (a row without one is not counted as the one asked for), on Oxigraph and
through the VALUES binding alike; an event with two perpetrators of one kind counts once for
that kind and once for each of them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset
from test_summary import summary_rows

from conflictkg.graph import iris
from conflictkg.query import OxigraphBackend, RdflibBackend, execute, load_query, run_query
from conflictkg.summary import summarise

CKG = "https://w3id.org/conflictkg/ontology#"
ACTOR = "https://w3id.org/conflictkg/id/actor/"
SUMMARY = ox.NamedNode(iris.SUMMARY_GRAPH)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ROW = "https://w3id.org/conflictkg/id/summary/"

# each tally: its row IRIs' prefix, its own properties (always there / counts, left out
# when 0 or, for a lower bound, equal to the stated count)
TALLIES = {
    "ActorTally": (ROW + "attribution/actor/",
                   {"actorTallyActor", "actorTallySlice", "actorTallyCounts"}, set()),
    "KindTally": (ROW + "attribution/kind/", {"kindTallyKind", "kindTallySlice", "kindTallyEvents"},
                  {"kindTallyKilledStated", "kindTallyKilledLowerBound"}),
    "VictimTally": (ROW + "victims/", {"victimTallyKey", "victimTallySlice", "victimTallyEvents"},
                    {"victimTallyStated", "victimTallyLowerBound", "victimTallyUncounted"}),
}
STATED = {"actorTallyKilledLowerBound": "actorTallyKilledStated",
          "kindTallyKilledLowerBound": "kindTallyKilledStated",
          "victimTallyLowerBound": "victimTallyStated"}
# the shared key nodes: their IRIs' prefix and their properties, in the order the IRI is minted
KEYS = {"TallySlice": (ROW + "slice/", ["sliceRegion", "sliceYear"]),
        "HarmKey": (ROW + "harm/", ["harmKeyKind", "harmKeyCategory", "harmKeyHarm"]),
        "ActorTallyCounts": (ROW + "attribution/actor-counts/",
                             ["actorTallyEvents", "actorTallyKilledLowerBound",
                              "actorTallyKilledStated", "actorTallyNotAsserted"])}
# the key nodes every property of which is always written
COMPLETE = {"ActorTallyCounts"}


_rows = summary_rows


def _md5(values: list[str]) -> str:
    return hashlib.md5("|".join(values).encode()).hexdigest()


@pytest.mark.parametrize("cls", sorted(KEYS))
def test_key_nodes_are_minted_from_their_values(cls, case_store):
    prefix, props = KEYS[cls]
    nodes = _rows(case_store, cls)
    assert nodes
    for iri, node in nodes.items():
        assert set(node) <= set(props) and all(len(v) == 1 for v in node.values()), iri
        assert cls not in COMPLETE or set(node) == set(props), iri
        assert iri == prefix + _md5([node[k][0].value if k in node else "" for k in props])


@pytest.mark.parametrize("cls", sorted(TALLIES))
def test_tallies_are_keyed_as_documented_and_compact(cls, case_store):
    rows = _rows(case_store, cls)
    assert rows, f"the test graph gives no {cls} row: the reference comparison proves nothing"
    prefix, always, counts = TALLIES[cls]
    nodes = {**_rows(case_store, "TallySlice"), **_rows(case_store, "HarmKey")}

    def value(node: dict, prop: str) -> str:
        return node[prop][0].value if prop in node else ""

    seen = set()
    for iri, row in rows.items():
        assert set(row) <= always | counts, f"{iri} uses {set(row) - always - counts}"
        assert always <= set(row), f"{iri} lacks {always - set(row)}"
        assert all(len(v) == 1 for v in row.values()), f"{iri} has a property twice"
        family = {"ActorTally": "actorTally", "KindTally": "kindTally", "VictimTally": "victimTally"}
        slice_ = nodes[value(row, family[cls] + "Slice")]
        where = [value(slice_, "sliceRegion"), value(slice_, "sliceYear")]
        if cls == "VictimTally":
            key = nodes[value(row, "victimTallyKey")]
            keys = [value(key, "harmKeyKind"), *where, value(key, "harmKeyCategory"),
                    value(key, "harmKeyHarm")]
        else:
            keys = [value(row, "actorTallyActor" if cls == "ActorTally" else "kindTallyKind"), *where]
        assert iri == prefix + _md5(keys)
        assert tuple(keys) not in seen
        seen.add(tuple(keys))
        for c in counts & set(row):  # compact: no 0, no lower bound equal to the stated count
            count = int(row[c][0].value)
            assert count != 0, f"{iri}: {c} 0 is written"
            if c in STATED:
                assert count != int(row.get(STATED[c], [ox.Literal("0")])[0].value)


@pytest.mark.parametrize("name, zero", [
    ("attribution-by-actor", "not_asserted"), ("attribution-by-actor", "killed_stated"),
    ("attribution-by-kind", "killed_stated"), ("victims-by-kind", "uncounted_groups"),
    ("victims-by-kind", "victims_stated")])
def test_counts_not_written_are_answered_as_zero(name, zero, case_store):
    column = run_query(case_store, name).column(zero)
    assert 0 in column and None not in column, f"{name}: {zero} has no 0 to check"


def _rdflib(store: ox.Store) -> RdflibBackend:
    ds = Dataset(default_union=True)
    ds.parse(data=store.dump(format=ox.RdfFormat.N_QUADS).decode(), format="nquads")
    return RdflibBackend(ds)


@pytest.mark.parametrize("name", ["attribution-by-actor", "attribution-by-kind",
                                  "victims-by-kind"])
@pytest.mark.parametrize("key", ["region", "year"])
def test_a_region_or_year_parameter_keeps_only_rows_that_have_it(name, key, case_store):
    """A parameter is bound before the query runs (Oxigraph's substitutions) or joined as a
    VALUES block (rdflib, endpoints): neither may give it to a row that has no region/year."""
    query = load_query(name)
    everything = run_query(case_store, name).records()
    values = sorted({r[key] for r in everything if r[key] is not None}, key=str)
    assert values
    if key == "region":
        assert any(r[key] is None for r in everything), "no row without a region to check"
    rdflib = _rdflib(case_store)
    for value in values[:3]:
        want = sorted(tuple(r.values()) for r in everything if r[key] == value)
        for backend in (OxigraphBackend(case_store), rdflib):
            got = sorted(execute(backend, query, {key: str(value)}).rows)
            assert got == want, f"{name} {key}={value} on {type(backend).__name__}"


# One event, two state forces (FAMa and the gendarmerie) and one victim group.
_TWO_STATE_FORCES = """
@prefix ckg: <https://w3id.org/conflictkg/ontology#> .
@prefix actor: <https://w3id.org/conflictkg/id/actor/> .
@prefix event: <https://w3id.org/conflictkg/id/event/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/conflictkg/id/graph/test-two-forces> {
  event:test-two-forces-e1 a ckg:Event , ckg:ExtrajudicialKilling ;
      ckg:mainType ckg:ExtrajudicialKilling ;
      ckg:perpetrator actor:fama , actor:gendarmerie ;
      ckg:startDate "1990-03-04"^^xsd:date ; ckg:fatalities 12 ; ckg:fatalitiesQualifier ckg:about ;
      ckg:attribution event:test-two-forces-e1\\/attribution ;
      ckg:victims event:test-two-forces-e1\\/victims\\/1 .
  event:test-two-forces-e1\\/attribution ckg:attributionMode ckg:alleged .
  event:test-two-forces-e1\\/victims\\/1 ckg:victimCategory ckg:civilians ; ckg:harm ckg:killed ;
      ckg:count 12 ; ckg:countQualifier ckg:about .
}
"""


def test_two_perpetrators_of_one_kind_count_once_for_the_kind(gold_store):
    store = ox.Store()
    store.extend(gold_store)
    store.load(_TWO_STATE_FORCES.encode(), format=ox.RdfFormat.TRIG)
    summarise(store)
    kind = run_query(store, "attribution-by-kind", {"year": "1990"}).records()
    assert kind == [{"kind": "state forces", "region": None, "year": 1990, "events": 1,
                     "killed_lower_bound": 0, "killed_stated": 12}]
    actors = run_query(store, "attribution-by-actor", {"year": "1990"}).records()
    assert [(r["actor"], r["events"], r["killed_lower_bound"], r["killed_stated"],
             r["not_asserted"]) for r in actors] == [
        (ACTOR + "fama", 1, 0, 12, 1), (ACTOR + "gendarmerie", 1, 0, 12, 1)]  # by label
    victims = run_query(store, "victims-by-kind", {"year": "1990"}).records()
    assert [(r["kind"], r["category"], r["harm"], r["events"], r["victims_lower_bound"],
             r["victims_stated"], r["uncounted_groups"]) for r in victims] == [
        ("state forces", "civilians", "killed", 1, 0, 12, 0)]


# Victim groups with an ethnicity: of an event by FAMa and an actor of no kind the queries
# rank (typed ckg:Actor only), of an event by that actor alone, of an event with no
# perpetrator, and a group of soldiers (not civilians: left out).
_ETHNICITY = """
@prefix ckg: <https://w3id.org/conflictkg/ontology#> .
@prefix actor: <https://w3id.org/conflictkg/id/actor/> .
@prefix event: <https://w3id.org/conflictkg/id/event/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/conflictkg/id/graph/test-ethnicity-kinds> {
  actor:test_unranked a ckg:Actor ; rdfs:label "unknown men"@en ; ckg:registryKey "TEST_UNRANKED" .
  event:test-eth-a ckg:mainType ckg:ExtrajudicialKilling ;
      ckg:perpetrator actor:fama , actor:test_unranked ; ckg:victims event:test-eth-a\\/victims\\/1 .
  event:test-eth-a\\/victims\\/1 ckg:victimCategory ckg:civilians ; ckg:harm ckg:killed ;
      ckg:count 5 ; ckg:ethnicity "Peul" .
  event:test-eth-b ckg:mainType ckg:ExtrajudicialKilling ;
      ckg:perpetrator actor:test_unranked ; ckg:victims event:test-eth-b\\/victims\\/1 .
  event:test-eth-b\\/victims\\/1 ckg:victimCategory ckg:villagers ; ckg:harm ckg:killed ;
      ckg:count 3 ; ckg:countQualifier ckg:about ; ckg:ethnicity "Peul" .
  event:test-eth-c ckg:mainType ckg:Attack ;
      ckg:victims event:test-eth-c\\/victims\\/1 , event:test-eth-c\\/victims\\/2 .
  event:test-eth-c\\/victims\\/1 ckg:victimCategory ckg:women ; ckg:harm ckg:injured ;
      ckg:ethnicity "Peul" .
  event:test-eth-c\\/victims\\/2 ckg:victimCategory ckg:soldiers ; ckg:harm ckg:killed ;
      ckg:count 9 ; ckg:ethnicity "Peul" .
}
"""


def test_harm_by_ethnicity_ranks_perpetrators_as_its_reference(gold_store):
    """harm-by-ethnicity looks the kinds up (summaries/attribution-kinds.rq) for the few groups
    with an ethnicity; an event whose perpetrators have no kind counts as "no perpetrator
    named", and an actor of no kind beside one of a kind is left out, as the reference does."""
    store = ox.Store()
    store.extend(gold_store)
    store.load(_ETHNICITY.encode(), format=ox.RdfFormat.TRIG)
    summarise(store)
    reference = load_query(Path(__file__).parent / "query_reference" / "harm-by-ethnicity.rq")
    want = execute(OxigraphBackend(store), reference, {"ethnicity": "Peul"}).records()
    got = run_query(store, "harm-by-ethnicity", {"ethnicity": "Peul"}).records()
    assert got == want
    assert [(r["harm"], r["kind"], r["events"], r["victims_lower_bound"], r["victims_stated"])
            for r in got] == [("injured", "no perpetrator named", 1, 0, 0),
                              ("killed", "no perpetrator named", 1, 0, 3),
                              ("killed", "state forces", 1, 5, 5)]
    assert got[2]["perpetrators"] == "Malian Armed Forces"
