"""The ties between actors in the summary graph (queries/summaries/ties-*.rq): rows that use
summary terms only, allies and enemies stated both ways, and the questions that read them
answering as their references (tests/query_reference) for every actor and every kind of
tie, not only the default and one value that tests/test_summary.py tries."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from test_summary import assert_as_reference, summary_rows

from conflictkg import summary
from conflictkg.graph import iris
from conflictkg.query import OxigraphBackend, execute, load_query

REFERENCE = Path(__file__).parent / "query_reference"
SUMMARY = ox.NamedNode(iris.SUMMARY_GRAPH)
CKG = "https://w3id.org/conflictkg/ontology#"
TIE = iris.ID_NS + "summary/tie/"
#: each network's row class and its own columns: a query scans only its own network's rows
NETWORKS = {
    "CooperationTie": ("cooperation", {"Actor", "Kind", "Other", "Events", "Reports", "Quotes"}),
    "HostileTie": ("hostility", {"Actor", "Kind", "Other", "Events", "Killed", "Reports", "Quotes"}),
}


def _summary(store: ox.Store, predicate: str | None = None) -> list[ox.Quad]:
    p = ox.NamedNode(predicate) if predicate else None
    return list(summary.quads(store, None, p, None))


def _pairs(store: ox.Store, local: str) -> set[tuple[str, str]]:
    return {(q.subject.value, q.object.value) for q in _summary(store, CKG + local)}


@pytest.mark.parametrize("cls", sorted(NETWORKS))
def test_tie_rows_have_their_networks_columns_once_each(case_store, cls):
    prefix, columns = NETWORKS[cls]
    rows = summary_rows(case_store, cls)
    assert rows and all(row.startswith(TIE) for row in rows)
    assert all({k: len(v) for k, v in cols.items()} == {prefix + c: 1 for c in columns}
               for cols in rows.values())


def test_the_two_networks_name_different_kinds_of_tie(case_store):
    kinds = {cls: {cols[prefix + "Kind"][0].value for cols in summary_rows(case_store, cls).values()}
             for cls, (prefix, _) in NETWORKS.items()}
    assert {"joint operation", "allied with"} <= kinds["CooperationTie"]
    assert {"hostile event", "fought against"} <= kinds["HostileTie"]
    assert not kinds["CooperationTie"] & kinds["HostileTie"]


@pytest.mark.parametrize("local", ["tiedAlly", "tiedEnemy"])
def test_allies_and_enemies_are_stated_both_ways_never_to_oneself(case_store, local):
    pairs = _pairs(case_store, local)
    assert pairs
    assert all((b, a) in pairs for a, b in pairs)
    assert all(a != b for a, b in pairs)
    assert all(a.startswith(iris.ID_NS + "actor/") and b.startswith(iris.ID_NS + "actor/")
               for a, b in pairs)


_same = assert_as_reference


@pytest.mark.parametrize("name,local", [("allies-of-allies", "tiedAlly"),
                                        ("enemies-of-enemies", "tiedEnemy")])
def test_two_steps_answer_as_the_reference_for_every_actor(case_store, name, local):
    actors = sorted({a for a, _ in _pairs(case_store, local)})
    assert len(actors) > 5
    found = sum(_same(case_store, name, {"actor": a}) for a in actors)
    assert found > 0


@pytest.mark.parametrize("name", ["alliances", "hostility"])
def test_every_kind_of_tie_answers_as_the_reference(case_store, name):
    reference = execute(OxigraphBackend(case_store), load_query(REFERENCE / f"{name}.rq"), {})
    kinds = sorted(set(reference.column("tie")))
    assert len(kinds) > 2
    for kind in kinds:
        assert _same(case_store, name, {"tie": kind}) > 0, kind


def test_coalitions_answer_as_the_reference_for_every_group(case_store):
    reference = execute(OxigraphBackend(case_store), load_query(REFERENCE / "coalitions.rq"), {})
    groups = sorted(set(reference.column("group")))
    assert groups
    for group in groups:
        assert _same(case_store, "coalitions", {"group": str(group)}) > 0, group


def test_quote_lists_are_in_code_point_order(case_store):
    """A tie's quotes are the same text whichever store computed them (a copy, a
    materialised store): sorted, not in the engine's order of evaluation."""
    lists = [q.object.value.split(" | ") for p in ("cooperationQuotes", "hostilityQuotes")
             for q in _summary(case_store, CKG + p)]
    assert all(items == sorted(items) for items in lists)
    assert any(len(items) > 1 for items in lists)
