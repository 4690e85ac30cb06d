"""Re-summarising writes only the difference, and a stopped summarise is never taken for a
fresh one (src/conflictkg/summary.py `summarise`).

Each summary file owns the keys of its CONSTRUCT template (predicates, rdf:type classes);
a rebuild after a report graph came or went, or after a summary file changed, must leave
exactly the quads a summarise of a fresh store writes, and a rebuild with nothing changed
must write nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from conflictkg import summary
from conflictkg.errors import BadInput
from conflictkg.graph import iris
from conflictkg.summary import SummaryChanges, SummaryFile, check_fresh, summarise

SUMMARY = ox.NamedNode(iris.SUMMARY_GRAPH)
CKG = "https://w3id.org/conflictkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _quads(store: ox.Store) -> set[ox.Quad]:
    """The summary graph without its stamp."""
    return {q for q in summary.quads(store, None, None, None) if q.subject != SUMMARY}


def _without_summary(store: ox.Store, drop: ox.NamedNode | None = None) -> ox.Store:
    out = ox.Store()
    out.extend(q for q in store.quads_for_pattern(None, None, None)
               if q.graph_name.value not in iris.SUMMARY_GRAPHS and q.graph_name != drop)
    return out


def _fresh(store: ox.Store) -> set[ox.Quad]:
    """The summary quads a summarise of a store holding only the other graphs writes."""
    fresh = _without_summary(store)
    summarise(fresh)
    return _quads(fresh)


def _copy(store: ox.Store) -> ox.Store:
    out = ox.Store()
    out.extend(store.quads_for_pattern(None, None, None))
    return out


@pytest.fixture(scope="module")
def a_report(case_store) -> ox.NamedNode:
    """The report graph with the most quads: removing it changes every kind of row."""
    not_reports = {iris.REGISTRY_GRAPH, iris.ONTOLOGY_GRAPH, *iris.DERIVED_GRAPHS}
    sizes: dict[ox.NamedNode, int] = {}
    for q in case_store.quads_for_pattern(None, None, None):
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in not_reports:
            sizes[q.graph_name] = sizes.get(q.graph_name, 0) + 1
    assert len(sizes) > 1
    return max(sizes, key=lambda g: sizes[g])


def _where(f: SummaryFile) -> str:
    """The query's text after its template."""
    return f.text[re.search(r"\bCONSTRUCT\s*\{[^}]*\}", f.text).end():]


def test_each_summary_file_owns_its_keys(case_store):
    """A key (predicate, or rdf:type and class) belongs to one file, or to files that write
    the same shared nodes (a ckg:TallySlice), which no file reads before the last of them
    has run; every summary quad has a key of the file that wrote it."""
    files = [SummaryFile.read(p) for p in summary.summary_files()]
    writers: dict[tuple, list[int]] = {}
    for i, f in enumerate(files):
        assert f.keys, f.path.name
        for key in f.keys:
            writers.setdefault(key, []).append(i)
    shared = {key: ix for key, ix in writers.items() if len(ix) > 1}
    for (p, cls), ix in shared.items():
        term = (cls or p).rsplit("#", 1)[-1]
        readers = [files[i].path.name for i in range(max(ix) + 1)
                   if re.search(rf"\bckg:{term}\b", _where(files[i]))]
        assert not readers, f"{term} is read before its last writer ran"
    owned = set(writers) | {(RDF_TYPE, CKG + "SummaryGraph"), (CKG + "fingerprint", None)}
    stored = {summary.key_of(q) for q in summary.quads(case_store, None, None, None)}
    assert stored <= owned and len(stored) > 20


def test_template_keys_follow_bound_predicates(tmp_path):
    path = tmp_path / "x.rq"
    path.write_text(f"PREFIX ckg: <{CKG}>\n# a comment {{ }}\n"
                    "CONSTRUCT { ?row a ?cls ; ?column ?v ; ckg:d 1 }\n"
                    "WHERE { VALUES ?cls { ckg:A ckg:B } { SELECT (ckg:c AS ?column) {} } UNION\n"
                    '  { BIND(IF(?v = "x:y", ckg:e, <http://example.org/f>) AS ?column) } }\n')
    assert SummaryFile.read(path).keys == {
        (RDF_TYPE, CKG + "A"), (RDF_TYPE, CKG + "B"), (CKG + "c", None), (CKG + "d", None),
        (CKG + "e", None), ("http://example.org/f", None)}
    path.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n")
    with pytest.raises(BadInput, match=r"x\.rq.*\?p"):
        SummaryFile.read(path)


def _summaries_copy(tmp_path: Path, monkeypatch) -> Path:
    changed = tmp_path / "summaries"
    changed.mkdir()
    for path in summary.summary_files():
        (changed / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(summary, "summaries_dir", lambda: changed)
    return changed


def test_a_file_writing_a_key_its_template_does_not_name_fails(case_store, tmp_path,
                                                                 monkeypatch):
    store = _copy(case_store)
    changed = _summaries_copy(tmp_path, monkeypatch)
    (changed / "zz-odd.rq").write_text(
        f"PREFIX ckg: <{CKG}>\nCONSTRUCT {{ ckg:x ?column 1 }}\n"
        "WHERE { { SELECT (ckg:c AS ?column) {} } UNION { ?s ?column ?o } }\n")
    with pytest.raises(BadInput, match="zz-odd.rq.*does not name"):
        summarise(store)
    assert not store.contains_named_graph(SUMMARY)


def test_a_rebuild_with_nothing_changed_writes_nothing(case_store):
    store = _copy(case_store)
    changes = SummaryChanges()
    size = summarise(store, changes=changes)
    assert (changes.deleted, changes.inserted) == (0, 0)
    assert _quads(store) == _quads(case_store)
    assert size == len(list(summary.quads(store, None, None, None)))
    check_fresh(store)


def test_a_rebuild_after_a_report_goes_and_comes_back_is_a_fresh_summarise(case_store,
                                                                           a_report):
    store = _copy(case_store)
    store.remove_graph(a_report)
    changes = SummaryChanges()
    summarise(store, changes=changes)
    assert _quads(store) == _fresh(store)
    assert _quads(store) != _quads(case_store)
    assert changes.deleted > 0
    check_fresh(store)
    # the report again: the rows it made come back, the others are not touched
    store.extend(q for q in case_store.quads_for_pattern(None, None, None, a_report))
    back = SummaryChanges()
    summarise(store, changes=back)
    assert _quads(store) == _quads(case_store) == _fresh(store)
    assert (back.deleted, back.inserted) == (changes.inserted, changes.deleted)
    check_fresh(store)


def test_a_rebuild_after_the_summary_files_changed_is_a_fresh_summarise(case_store, tmp_path,
                                                                        monkeypatch):
    """A file changes what it writes (another kind name, which a later file reads; a
    renamed column), another is gone: its rows and the renamed column's go too."""
    store = _copy(case_store)
    changed = _summaries_copy(tmp_path, monkeypatch)
    ties = changed / "ties-1-cooperation.rq"
    text = ties.read_text()
    assert '"joint operation"' in text and "ckg:cooperationQuotes" in text
    ties.write_text(text.replace('"joint operation"', '"joint action"')
                    .replace("ckg:cooperationQuotes", "ckg:cooperationEvidence"))
    neighbours = changed / "ties-3-neighbours.rq"
    neighbours.write_text(neighbours.read_text().replace('"joint operation"', '"joint action"'))
    (changed / "0-labels.rq").unlink()
    summarise(store)
    got = _quads(store)
    assert got == _fresh(store)
    predicates = {q.predicate.value for q in got}
    assert CKG + "cooperationEvidence" in predicates
    assert not predicates & {CKG + "cooperationQuotes", CKG + "displayLabel"}
    check_fresh(store)


class Stopped(BaseException):
    """A process killed half-way (not an error summarise handles)."""


def test_a_stopped_rebuild_is_refused_until_it_is_run_again(case_store, a_report, monkeypatch):
    """The stamp goes first: rows half-rewritten are never taken for fresh ones, even when
    the graphs' names (the fingerprint) are unchanged."""
    store = _copy(case_store)
    # the report's quads again, under another event: rows change, graph names do not
    for q in list(case_store.quads_for_pattern(None, None, None, a_report)):
        if isinstance(q.subject, ox.NamedNode) and "/id/event/" in q.subject.value:
            subject = ox.NamedNode(q.subject.value + "-again")
            store.add(ox.Quad(subject, q.predicate, q.object, a_report))
    check_fresh(store)  # the fingerprint cannot see it
    removed = []

    def stop_after_some(store_: ox.Store, quads) -> int:
        for q in quads:
            if len(removed) == 3:
                raise Stopped
            store_.remove(q)
            removed.append(q)
        return len(removed)

    monkeypatch.setattr(summary, "_remove", stop_after_some)
    with pytest.raises(Stopped):
        summarise(store)
    assert len(removed) == 3 and store.contains_named_graph(SUMMARY)
    with pytest.raises(BadInput, match="no summaries"):
        check_fresh(store)
    monkeypatch.undo()
    summarise(store)
    check_fresh(store)
    assert _quads(store) == _fresh(store)
