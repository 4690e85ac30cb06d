"""The query engine's own machinery (conflictkg.query): how big answers are read and
sorted in Python, the summaries' freshness check and its cache, remote endpoints' answers."""

from __future__ import annotations

import datetime as dt
import random

from conflictkg.query import IRI, _rank, sort_rows


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
    strings, unbound cells: the one-pass sort gives `_rank`'s order, ties as given."""
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
