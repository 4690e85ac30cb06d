"""The query engine's own machinery (conflictkg.query): how big answers are read and
sorted in Python, the summaries' freshness check and its cache, remote endpoints' answers."""

from __future__ import annotations

import datetime as dt
import gc
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from conflictkg import query
from conflictkg.errors import BadInput
from conflictkg.graph import iris
from conflictkg.loader import load_chunks
from conflictkg.query import IRI, _rank, check_store_fresh, forget, sort_rows
from conflictkg.store import open_store


def _rank_order(columns, rows, keys):
    """The reference order: a stable sort on `_rank` per key, the last key first."""
    want = list(rows)
    for name, descending in reversed(keys):
        i = columns.index(name)
        want.sort(key=lambda row, i=i: _rank(row[i]), reverse=descending)
    return want


def test_sort_is_the_rank_order_on_values_python_holds_equal():
    """Values equal as Python objects but not in SPARQL's order (1, 1.0 and True; an IRI
    and a string of the same text), dates among date-like strings, blank nodes among
    strings, unbound cells: sort_rows gives `_rank`'s order, ties as given."""
    rng = random.Random(11)
    kinds = [lambda: IRI(f"s{rng.randrange(4)}"), lambda: f"s{rng.randrange(4)}",
             lambda: rng.randrange(3), lambda: float(rng.randrange(3)), lambda: rng.random() < .5,
             lambda: dt.date(2020, 1, 1 + rng.randrange(3)), lambda: f"2020-01-0{rng.randrange(1, 4)}",
             lambda: None, lambda: f"_:b{rng.randrange(3)}", lambda: f"^{rng.randrange(3)}"]
    for _ in range(400):
        width = rng.randrange(1, 4)
        column_kinds = [rng.sample(kinds, rng.choice([1, 2, 2, 3])) for _ in range(width)]
        # a tag column keeps rows apart, so the order of ties shows
        rows = [tuple(rng.choice(ks)() for ks in column_kinds) + (n,)
                for n in range(rng.randrange(40))]
        columns = [f"c{i}" for i in range(width)] + ["tag"]
        keys = [(c, rng.random() < 0.4) for c in rng.sample(columns[:-1], rng.randrange(1, width + 1))]
        assert sort_rows(columns, rows, keys) == _rank_order(columns, rows, keys), (keys, rows)


def test_sort_of_one_kind_columns_and_edge_cases():
    columns = ["a", "b"]
    rows = [(IRI("http://x/b"), 2), (IRI("http://x/a"), 2), (IRI("http://x/b"), 1)]
    assert sort_rows(columns, rows, [("b", True), ("a", False)]) == [
        (IRI("http://x/a"), 2), (IRI("http://x/b"), 2), (IRI("http://x/b"), 1)]
    assert sort_rows(columns, [], [("a", False)]) == []
    assert sort_rows(columns, rows[:1], [("a", False)]) == rows[:1]
    assert sort_rows(columns, rows, []) == rows
    big = [(f"s{n % 97}", n % 13) for n in range(5000)]
    assert sort_rows(columns, big, [("a", True), ("b", False)]) == _rank_order(
        columns, big, [("a", True), ("b", False)])


# -- the summaries' freshness check and its cache ------------------------------------------

SUMMARY = ox.NamedNode(iris.SUMMARY_GRAPH)
FINGERPRINT = ox.NamedNode("https://w3id.org/conflictkg/ontology#fingerprint")
_P = ox.NamedNode("https://w3id.org/conflictkg/ontology#dateText")


def _quad(graph: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(iris.ID_NS + "event/late"), _P, ox.Literal("2020"),
                   ox.NamedNode(iris.report_graph(graph)))


def _report_graph(store: ox.Store) -> ox.NamedNode:
    return next(g for g in store.named_graphs() if isinstance(g, ox.NamedNode)
                and g.value not in iris.DERIVED_GRAPHS and "/graph/" in g.value)


@pytest.fixture
def fresh(case_store) -> ox.Store:
    store = ox.Store()
    store.extend(case_store)
    return store


@pytest.fixture
def full_checks(monkeypatch) -> list[int]:
    """Counts the full checks (summary.check_fresh) the queries run."""
    calls: list[int] = []
    real = query.check_fresh

    def counted(store, *args, **kwargs):
        calls.append(1)
        return real(store, *args, **kwargs)

    monkeypatch.setattr(query, "check_fresh", counted)
    return calls


def test_a_store_is_checked_in_full_once_while_it_does_not_change(fresh, full_checks):
    check_store_fresh(fresh)
    check_store_fresh(fresh)
    query.run_query(fresh, "alliances")
    assert len(full_checks) == 1
    fresh.add_graph(ox.NamedNode(iris.INFERRED_GRAPH))  # one more graph, a derived one
    check_store_fresh(fresh)
    assert len(full_checks) == 2
    forget(fresh)
    check_store_fresh(fresh)
    assert len(full_checks) == 3


def test_every_change_the_cache_sees_is_checked_again(fresh, full_checks):
    check_store_fresh(fresh)
    fresh.add(_quad("late-report"))  # one more report graph
    with pytest.raises(BadInput, match="conflictkg reason"):
        check_store_fresh(fresh)
    with pytest.raises(BadInput, match="conflictkg reason"):  # and still: nothing is cached
        check_store_fresh(fresh)
    fresh.remove_graph(ox.NamedNode(iris.report_graph("late-report")))
    check_store_fresh(fresh)
    # another stamp, the same graphs: refused
    stamp = [q for q in fresh.quads_for_pattern(SUMMARY, FINGERPRINT, None, SUMMARY)]
    fresh.remove(stamp[0])
    fresh.add(ox.Quad(SUMMARY, FINGERPRINT, ox.Literal("0" * 64), SUMMARY))
    with pytest.raises(BadInput, match="conflictkg reason"):
        check_store_fresh(fresh)
    fresh.remove_graph(SUMMARY)
    with pytest.raises(BadInput, match="no summaries"):
        check_store_fresh(fresh)


def test_a_graph_replaced_by_another_is_seen_after_forget(fresh):
    """The one change the cache cannot see: as many graphs as before, the same stamp. A
    program writing through pyoxigraph calls forget; conflictkg's writers do it."""
    check_store_fresh(fresh)
    fresh.remove_graph(_report_graph(fresh))
    fresh.add(_quad("late-report"))
    check_store_fresh(fresh)  # unseen: what forget is for
    forget(fresh)
    with pytest.raises(BadInput, match="conflictkg reason"):
        check_store_fresh(fresh)


def test_the_loader_makes_the_next_query_check_in_full(fresh):
    check_store_fresh(fresh)
    fresh.remove_graph(_report_graph(fresh))  # count - 1 ...
    load_chunks(fresh, [[_quad("late-report")]], threads=1)  # ... + 1, through the loader
    with pytest.raises(BadInput, match="conflictkg reason"):
        check_store_fresh(fresh)


def _stale_on_disk(path: Path) -> None:
    """Replace a report graph by another, through pyoxigraph, and close the store."""
    store = ox.Store(str(path))
    store.remove_graph(_report_graph(store))
    store.add(_quad("late-report"))
    store.flush()
    del store
    gc.collect()


def test_a_store_opened_again_is_checked_again(case_store, tmp_path, disk_store):
    """A dropped store's id may be a new one's: open_store forgets it."""
    path = disk_store(case_store, tmp_path / "store")
    for _ in range(3):
        store = open_store(path)
        check_store_fresh(store)
        del store
        gc.collect()
    _stale_on_disk(path)
    store = open_store(path)
    with pytest.raises(BadInput, match="conflictkg reason"):
        check_store_fresh(store)


def test_a_read_only_store_sees_the_store_as_it_was_opened(case_store, tmp_path, disk_store):
    """Writes by another Store (or process) after a read-only open are not seen by it at
    all, so what it passed stays true of what it answers; a new open is checked again."""
    path = disk_store(case_store, tmp_path / "store")
    reader = open_store(path)
    check_store_fresh(reader)
    _stale_on_disk(path)
    check_store_fresh(reader)
    assert not reader.contains_named_graph(ox.NamedNode(iris.report_graph("late-report")))
    with pytest.raises(BadInput, match="conflictkg reason"):
        check_store_fresh(open_store(path))
