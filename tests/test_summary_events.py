"""The event tables of the summary graph (queries/summaries/events-*.rq) and the per-actor,
per-event queries that read the summaries without a table of their own.

test_summary.py checks every query against its reference with the default parameters and
one sampled value per optional parameter; these tests check what that sampling can miss:
the tables are not empty on the test graph (else equality proves nothing), their rows are
keyed as documented and use only their own terms, and actor-by-wikidata answers every QID
of the graph as its reference does, on Oxigraph and through the VALUES binding (rdflib).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from test_summary import summary_rows

from conflictkg.graph import iris
from conflictkg.query import OxigraphBackend, RdflibBackend, execute, load_query

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).parent / "query_reference"
CKG = "https://w3id.org/conflictkg/ontology#"
SUMMARY = ox.NamedNode(iris.SUMMARY_GRAPH)
RDF_TYPE = ox.NamedNode(str(RDF.type))

# each table: its class, the prefix of its row IRIs, the prefix of its properties
TABLES = {
    "ContestedEvent": ("https://w3id.org/conflictkg/id/summary/contested/", "contested"),
    "JointOperation": ("https://w3id.org/conflictkg/id/summary/joint/", "joint"),
}
# the shared profiles of the contested rows: the prefix of their IRIs, their properties in
# the order the IRI is minted from their values
PROFILE = ("https://w3id.org/conflictkg/id/summary/contested-profile/",
           ["contestedReasons", "contestedModes", "contestedReports", "contestedYear",
            "contestedType"])


_rows = summary_rows


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


@pytest.mark.parametrize("cls", sorted(TABLES))
def test_event_tables_have_rows_keyed_as_documented(cls, case_store):
    rows = _rows(case_store, cls)
    assert rows, f"the test graph gives no {cls} row: the reference comparison proves nothing"
    prefix, short = TABLES[cls]
    for iri, row in rows.items():
        (event,) = row[f"{short}Event"]
        if cls == "ContestedEvent":
            key = event.value
        else:
            (state,) = row["jointStateForce"]
            (foreign,) = row["jointForeignForce"]
            (kind,) = row["jointType"]
            key = "|".join([event.value, state.value, foreign.value, CKG + kind.value])
        assert iri == prefix + _md5(key)


@pytest.mark.parametrize("cls", sorted(TABLES))
def test_event_table_rows_use_only_their_own_terms(cls, case_store):
    """No data property or data class on a row: the shapes, the network and the data
    queries never see them. Every term is declared, with its domain the table's class."""
    onto = Graph().parse(ROOT / "ontology" / "conflictkg.ttl")
    _, short = TABLES[cls]
    for row in _rows(case_store, cls).values():
        # (summary_rows asserts each row's one class is the table's)
        for name in row:
            assert name.startswith(short), f"{cls} row uses ckg:{name}"
            term = URIRef(CKG + name)
            assert (term, RDFS.domain, URIRef(CKG + cls)) in onto, f"ckg:{name}: no domain"
            assert (term, RDFS.comment, None) in onto and (term, RDFS.label, None) in onto
    assert (URIRef(CKG + cls), RDF.type, OWL.Class) in onto


def test_contested_profiles_are_shared_and_minted_from_their_values(case_store):
    """Every contested row has one profile (its reasons, modes, reports, year, type), a node of
    the summary graph that uses only the profile's terms; fewer profiles than rows."""
    onto = Graph().parse(ROOT / "ontology" / "conflictkg.ttl")
    prefix, props = PROFILE
    profiles = _rows(case_store, "ContestedProfile")
    rows = _rows(case_store, "ContestedEvent")
    required = set(props) - {"contestedYear"}  # an event may have no start date
    assert profiles
    for iri, node in profiles.items():
        assert set(node) <= set(props) and all(len(v) == 1 for v in node.values()), iri
        assert required <= set(node), f"{iri} lacks {required - set(node)}"
        assert iri == prefix + _md5("|".join(node[k][0].value if k in node else "" for k in props))
        for name in node:
            assert (URIRef(CKG + name), RDFS.domain, URIRef(CKG + "ContestedProfile")) in onto
    used = [row["contestedProfile"] for row in rows.values()]
    assert all(len(p) == 1 and p[0].value in profiles for p in used)
    assert {p[0].value for p in used} == set(profiles)
    assert len(profiles) < len(rows)


def test_one_contested_row_per_event(case_store):
    events = [row["contestedEvent"][0].value for row in _rows(case_store, "ContestedEvent").values()]
    assert len(events) == len(set(events))


def _qids(store: ox.Store) -> list[str]:
    text = """PREFIX ckg: <https://w3id.org/conflictkg/ontology#>
      PREFIX owl: <http://www.w3.org/2002/07/owl#>
      SELECT DISTINCT ?qid WHERE {
        { ?a ckg:wikidata ?q BIND(STR(?q) AS ?qid) }
        UNION { ?a owl:sameAs ?i BIND(STRAFTER(STR(?i), "http://www.wikidata.org/entity/") AS ?qid) }
      }"""
    return sorted(s[0].value for s in store.query(text, use_default_graph_as_union=True)) + ["Q1"]


def test_actor_by_wikidata_answers_every_qid_as_its_reference(case_store):
    """The QID is compared inside the subquery now: every QID, both forms (ckg:wikidata and
    owl:sameAs), and one that no actor has."""
    query, reference = load_query("actor-by-wikidata"), load_query(REFERENCE / "actor-by-wikidata.rq")
    qids = _qids(case_store)
    assert len(qids) > 5
    for qid in qids:
        got = execute(OxigraphBackend(case_store), query, {"qid": qid})
        want = execute(OxigraphBackend(case_store), reference, {"qid": qid})
        assert got.columns == want.columns
        assert sorted(got.rows, key=repr) == sorted(want.rows, key=repr), qid


def test_actor_by_wikidata_values_binding_reaches_the_subquery(gold_store):
    """rdflib gets the QID as a VALUES block in the outermost group: the same rows."""
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    ds.parse(data=gold_store.dump(format=ox.RdfFormat.N_QUADS).decode(), format="nquads")
    query = load_query("actor-by-wikidata")
    for qid in _qids(gold_store)[:6]:
        got = execute(RdflibBackend(ds), query, {"qid": qid})
        want = execute(OxigraphBackend(gold_store), query, {"qid": qid})
        assert sorted(got.rows, key=repr) == sorted(want.rows, key=repr), qid


# the list cells of the tables and their separators
LISTS = {"contestedReasons": ", ", "contestedModes": ", ", "contestedPerpetrators": ", ",
         "contestedAttributedBy": ", ", "jointVictims": "; ", "jointPartners": ", ",
         "jointQuotes": " | "}


@pytest.mark.parametrize("cls", sorted(TABLES))
def test_event_table_lists_are_in_code_point_order(cls, case_store):
    """A list cell is the same text whichever store computed it (a copy, a materialised
    store): its items are sorted, not in the engine's order of evaluation."""
    seen = 0
    nodes = list(_rows(case_store, cls).values())
    if cls == "ContestedEvent":  # and the profiles its rows share
        nodes += _rows(case_store, "ContestedProfile").values()
    for row in nodes:
        for name, values in row.items():
            if name in LISTS:
                for value in values:
                    items = value.value.split(LISTS[name])
                    assert items == sorted(items), (name, value.value)
                    seen += len(items) > 1
    assert seen, f"no {cls} list with two items or more on the test graph"


def test_actor_timeline_shows_one_label_of_a_place_reports_label_differently(case_store):
    """The deliberate difference from the reference: a place two report graphs label
    differently is shown by its display label (the first in code-point order); the labels
    of every graph used to be run together ("SegouSégou")."""
    from conflictkg.summary import summarise

    store = ox.Store()
    store.extend(case_store)
    rows = execute(OxigraphBackend(store), load_query("actor-timeline"), {}).records()
    event = next(ox.NamedNode(r["event"]) for r in rows if r["place"])
    place = next(store.quads_for_pattern(event, ox.NamedNode(CKG + "place"), None)).object
    variant = "Aaa variant spelling"  # first in code-point order
    store.add(ox.Quad(place, ox.NamedNode(str(RDFS.label)), ox.Literal(variant),
                      ox.NamedNode(iris.report_graph("another_report"))))
    summarise(store)
    query, reference = load_query("actor-timeline"), load_query(REFERENCE / "actor-timeline.rq")
    got = {r["event"]: r["place"] for r in execute(OxigraphBackend(store), query, {}).records()}
    want = {r["event"]: r["place"] for r in execute(OxigraphBackend(store), reference, {}).records()}
    assert got.keys() == want.keys() and got[event.value] == variant
    for e, shown in got.items():  # equal, but where the place has the two labels
        assert shown == want[e] or (shown == variant and variant in want[e] and want[e] != variant)
    assert want[event.value] != variant
