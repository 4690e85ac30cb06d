"""The store: opening it, refusing what is not a store or is locked, build-and-swap."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conflictkg.errors import StoreError
from conflictkg.store import build_store, check_writable, is_store, ontology_quads, open_store

Q = ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"), ox.NamedNode("urn:g"))


def _make(path, quads=(Q,)) -> None:
    def fill(store: ox.Store) -> None:
        store.bulk_extend(list(quads))

    build_store(path, fill)


def test_build_then_open(tmp_path) -> None:
    target = tmp_path / "store"
    _make(target)
    assert is_store(target)
    store = open_store(target)
    assert list(store.quads_for_pattern(None, None, None, None)) == [Q]
    assert [p.name for p in tmp_path.iterdir()] == ["store"]  # no scratch left


def test_rebuild_replaces_whole(tmp_path) -> None:
    target = tmp_path / "store"
    _make(target)
    q2 = ox.Quad(ox.NamedNode("urn:s2"), ox.NamedNode("urn:p"), ox.Literal("o"), ox.NamedNode("urn:g"))
    _make(target, [q2])
    assert list(open_store(target).quads_for_pattern(None, None, None, None)) == [q2]


def test_failed_fill_leaves_store_intact(tmp_path) -> None:
    target = tmp_path / "store"
    _make(target)

    def fill(store: ox.Store) -> None:
        store.bulk_extend([ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("1"))])
        raise ValueError("boom")

    with pytest.raises(ValueError):
        build_store(target, fill)
    assert list(open_store(target).quads_for_pattern(None, None, None, None)) == [Q]
    assert [p.name for p in tmp_path.iterdir()] == ["store"]


@pytest.mark.parametrize("read_only", [True, False])
def test_not_a_store(tmp_path, read_only) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("keep me")
    with pytest.raises(StoreError, match="notes: not a store"):
        open_store(notes, read_only=read_only)
    assert [p.name for p in notes.iterdir()] == ["todo.txt"]  # nothing written into it
    afile = tmp_path / "file.ttl"
    afile.write_text("x")
    with pytest.raises(StoreError, match="file.ttl: not a store"):
        open_store(afile, read_only=read_only)


def test_missing_store_read_only(tmp_path) -> None:
    with pytest.raises(StoreError, match="no store there yet"):
        open_store(tmp_path / "absent")
    assert not (tmp_path / "absent").exists()


def test_locked_store(tmp_path) -> None:
    target = tmp_path / "store"
    _make(target)
    holder = open_store(target, read_only=False)
    try:
        with pytest.raises(StoreError, match="locked"):
            open_store(target, read_only=False)
        with pytest.raises(StoreError, match="locked"):
            check_writable(target)
        with pytest.raises(StoreError, match="locked"):
            _make(target, [])
        assert len(open_store(target, read_only=True)) == 1  # readers still welcome
    finally:
        del holder
    assert list(open_store(target).quads_for_pattern(None, None, None, None)) == [Q]


def test_ontology_blank_nodes_are_stable() -> None:
    a, b = ontology_quads(), ontology_quads()
    assert sorted(map(str, a)) == sorted(map(str, b))
    assert any(isinstance(q.subject, ox.BlankNode) for q in a)
