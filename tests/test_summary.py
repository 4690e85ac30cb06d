"""The summary graph: derived like the inferred graph, never stale, and the queries that
read it answer exactly as the same questions asked of the report graphs directly.

`tests/query_reference/NAME.rq` holds each library question as it was before it read the
summaries; the library's NAME.rq must give the same rows, with its default parameters and
with each optional parameter set to a value from the reference's own answer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_queries import param_sets

from conflictkg import summary
from conflictkg.errors import BadInput
from conflictkg.graph import iris
from conflictkg.query import OxigraphBackend, execute, load_query, run_query
from conflictkg.reason import materialise
from conflictkg.summary import check_fresh, fingerprint, summarise

REFERENCE = Path(__file__).parent / "query_reference"
NAMES = sorted(p.stem for p in REFERENCE.glob("*.rq"))
SUMMARY = ox.NamedNode(iris.SUMMARY_GRAPH)
CKG = "https://w3id.org/conflictkg/ontology#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _norm(value: object) -> object:
    """A GROUP_CONCAT'd cell compares as the set of its items (their order is the engine's)."""
    if isinstance(value, str):
        return " | ".join(sorted(re.split(r" \| |, |; ", value)))
    if isinstance(value, float):
        return round(value, 9)
    return value


def _answer(store: ox.Store, query, params: dict) -> tuple[list[str], list[tuple]]:
    result = execute(OxigraphBackend(store), query, params)
    return result.columns, sorted((tuple(_norm(v) for v in row) for row in result.rows), key=repr)


def _param_sets(name: str, store: ox.Store) -> list[dict[str, str]]:
    """Defaults, then each optional parameter alone, set to a value the reference answers."""
    reference = load_query(REFERENCE / f"{name}.rq")
    return param_sets(name, lambda base: execute(OxigraphBackend(store), reference, base))


def assert_as_reference(store: ox.Store, name: str, params: dict[str, str]) -> int:
    """The library query and its reference give the same columns and rows; how many rows."""
    got = _answer(store, load_query(name), params)
    want = _answer(store, load_query(REFERENCE / f"{name}.rq"), params)
    assert got[0] == want[0], f"{name} {params}: columns"
    assert got[1] == want[1], f"{name} {params}: rows"
    return len(got[1])


def summary_rows(store: ox.Store, cls: str) -> dict[str, dict[str, list]]:
    """The rows of one summary class: row IRI -> property local name -> values (each row
    typed with that class only)."""
    out: dict[str, dict[str, list]] = {}
    for q in summary.quads(store, None, _RDF_TYPE, ox.NamedNode(CKG + cls)):
        row = out.setdefault(q.subject.value, {})
        for t in summary.quads(store, q.subject, None, None):
            if t.predicate != _RDF_TYPE:
                row.setdefault(t.predicate.value.removeprefix(CKG), []).append(t.object)
            else:
                assert t.object.value == CKG + cls, f"{q.subject.value} is also a {t.object.value}"
    return out


@pytest.mark.parametrize("name", NAMES)
def test_summary_query_answers_as_its_reference(name, case_store):
    assert load_query(name).path.parent.name == "queries", f"{name} is not a library query"
    assert summary.reads_summaries(load_query(name).text), \
        f"{name} has a reference but does not read the summaries"
    for params in _param_sets(name, case_store):
        assert_as_reference(case_store, name, params)


def _summary_quads(store: ox.Store) -> set[tuple]:
    """The summary graph, a concatenated literal as the set of its items (GROUP_CONCAT's
    order follows the store's, which for an in-memory store depends on its history)."""
    return {(str(q.subject), str(q.predicate),
             tuple(sorted(re.split(r" \| |; |, ", q.object.value))) if isinstance(q.object, ox.Literal)
             else str(q.object))
            for q in summary.quads(store, None, None, None)}


def _copy(store: ox.Store) -> ox.Store:
    out = ox.Store()
    out.extend(store.quads_for_pattern(None, None, None))
    return out


def test_summaries_are_deterministic_and_ignore_the_inferred_graph(case_store):
    """Summarising again gives the same quads; so does summarising a materialised store
    (the benchmark stores are not materialised, built stores are)."""
    store = _copy(case_store)
    summarise(store)
    assert _summary_quads(store) == _summary_quads(case_store)
    materialise(store)
    summarise(store)  # as `conflictkg reason` does after it
    assert store.contains_named_graph(ox.NamedNode(iris.INFERRED_GRAPH))
    assert _summary_quads(store) == _summary_quads(case_store)
    check_fresh(store)


def test_display_labels_are_one_per_actor_and_place(case_store):
    labels = {}
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for q in case_store.quads_for_pattern(None, label, None):
        s = q.subject.value
        if q.graph_name != SUMMARY and "/id/actor/" in s or "/id/place/" in s:
            labels[s] = min(labels.get(s, q.object.value), q.object.value)
    shown: dict[str, list[str]] = {}
    for q in summary.quads(case_store, None, ox.NamedNode(CKG + "displayLabel"), None):
        shown.setdefault(q.subject.value, []).append(q.object.value)
    assert labels and shown == {s: [v] for s, v in labels.items()}


def _user_query(tmp_path: Path) -> Path:
    path = tmp_path / "0-labels.rq"
    path.write_text(f"# title: labels\nPREFIX ckg: <{CKG}>\n"
                    f"SELECT ?x ?label WHERE {{ GRAPH <{iris.SUMMARY_GRAPH}> "
                    "{ ?x ckg:displayLabel ?label } }\n")
    return path


def test_a_query_refuses_missing_or_stale_summaries(case_store, tmp_path):
    store = _copy(case_store)
    query = _user_query(tmp_path)
    assert len(run_query(store, query)) > 0
    # a new report graph since the summaries were made
    g = ox.NamedNode(iris.report_graph("late-report"))
    store.add(ox.Quad(ox.NamedNode(iris.ID_NS + "event/late"), ox.NamedNode(CKG + "dateText"),
                      ox.Literal("2020"), g))
    with pytest.raises(BadInput, match="conflictkg reason"):
        run_query(store, query)
    summarise(store)
    assert len(run_query(store, query)) > 0
    store.remove_graph(SUMMARY)
    with pytest.raises(BadInput, match="no summaries"):
        run_query(store, query)
    # the fingerprint is over the graphs summarised, not the derived ones
    before = fingerprint(store)
    store.add_graph(ox.NamedNode(iris.INFERRED_GRAPH))
    assert fingerprint(store) == before


def test_new_summary_queries_make_old_summaries_stale(case_store, tmp_path, monkeypatch):
    """Summaries written by another release's summary queries are refused too."""
    store = _copy(case_store)
    query = _user_query(tmp_path)
    assert len(run_query(store, query)) > 0
    changed = tmp_path / "summaries"
    changed.mkdir()
    for path in summary.summary_files():
        (changed / path.name).write_bytes(path.read_bytes())
    (changed / "0-labels.rq").write_text((changed / "0-labels.rq").read_text() + "\n# changed\n")
    monkeypatch.setattr(summary, "summaries_dir", lambda: changed)
    with pytest.raises(BadInput, match="conflictkg reason"):
        run_query(store, query)
    summarise(store)
    assert len(run_query(store, query)) > 0


def test_a_failing_summary_names_its_file_and_leaves_no_summary_graph(case_store, tmp_path,
                                                                      monkeypatch):
    store = _copy(case_store)
    bad = tmp_path / "summaries"
    bad.mkdir()
    (bad / "broken.rq").write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p \n")
    monkeypatch.setattr(summary, "summaries_dir", lambda: bad)
    with pytest.raises(BadInput, match="broken.rq"):
        summarise(store)
    assert not any(store.contains_named_graph(ox.NamedNode(g)) for g in iris.SUMMARY_GRAPHS)
    (bad / "broken.rq").write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n")
    with pytest.raises(BadInput, match="CONSTRUCT"):
        summarise(store)
    assert not any(store.contains_named_graph(ox.NamedNode(g)) for g in iris.SUMMARY_GRAPHS)


UNDATED = """
@prefix ckg: <https://w3id.org/conflictkg/ontology#> .
@prefix actor: <https://w3id.org/conflictkg/id/actor/> .
@prefix src: <https://w3id.org/conflictkg/id/source/> .
<https://w3id.org/conflictkg/id/graph/test-undated> {
  <https://w3id.org/conflictkg/id/event/test-undated-e1> a ckg:Attack ;
      ckg:mainType ckg:Attack ; ckg:perpetrator actor:jnim ; ckg:inReport src:test-undated ;
      ckg:attribution <https://w3id.org/conflictkg/id/event/test-undated-e1/attribution/test-undated> ;
      ckg:evidence <https://w3id.org/conflictkg/id/evidence/test-undated/0-20> .
  <https://w3id.org/conflictkg/id/event/test-undated-e1/attribution/test-undated> a ckg:Attribution ;
      ckg:attributedTo actor:jnim ; ckg:attributionMode ckg:alleged ; ckg:inReport src:test-undated .
  <https://w3id.org/conflictkg/id/evidence/test-undated/0-20> a ckg:Evidence ;
      ckg:inReport src:test-undated ; ckg:quote "JNIM allegedly struck" ;
      ckg:startOffset 0 ; ckg:endOffset 20 .
}
"""


@pytest.mark.parametrize("name", ["contested-attribution", "actor-timeline"])
def test_a_year_parameter_keeps_only_events_of_that_year(name, case_store):
    """A parameter is bound before the query runs: an event with no date must not come
    back for the year asked (it did, through `BIND(... AS ?year)`), only without one."""
    store = _copy(case_store)
    store.load(UNDATED.encode(), format=ox.RdfFormat.TRIG)
    summarise(store)
    undated = "https://w3id.org/conflictkg/id/event/test-undated-e1"
    assert undated in run_query(store, name).column("event")
    for year in ("2020", "2023"):
        rows = run_query(store, name, {"year": year})
        assert undated not in rows.column("event") and set(rows.column("year")) <= {int(year)}
