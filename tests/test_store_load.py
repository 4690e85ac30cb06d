"""Parallel bulk loading (conflictkg.loader): the same quads as one serial load, whole graphs
per chunk, bad input named and never swapped in, and `conflictkg build` loading this way."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from conflictkg import pipeline
from conflictkg.errors import BadInput
from conflictkg.graph.iris import SUMMARY_GRAPHS
from conflictkg.loader import file_chunks, graph_key, load_chunks, load_file, quad_chunks
from conflictkg.store import build_store, canonical_bnodes, ontology_quads, open_store
from conflictkg.summary import summarise

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _all(store: ox.Store) -> list[str]:
    return sorted(map(str, store.quads_for_pattern(None, None, None, None)))


def _canonical(store: ox.Store) -> list[str]:
    """The quads with blank nodes named after what they say: Oxigraph's bulk_load of a file
    gives them fresh labels, serial or parallel alike."""
    return sorted(map(str, canonical_bnodes(store.quads_for_pattern(None, None, None, None))))


@pytest.fixture(scope="module")
def quads(gold_store) -> list[ox.Quad]:
    """The seeds' gold graphs, the registry and the ontology (blank nodes included), in
    graph order, as `conflictkg build` and bench/generate.py write them."""
    qs = [*gold_store.quads_for_pattern(None, None, None, None), *ontology_quads()]
    return sorted((q for q in qs if q.graph_name.value not in SUMMARY_GRAPHS),  # derived: below
                  key=lambda q: (str(q.graph_name), str(q)))


@pytest.fixture(scope="module")
def serial(quads) -> list[str]:
    store = ox.Store()
    store.bulk_extend(quads)
    return _all(store)


@pytest.fixture(scope="module")
def nq_file(quads, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("nq") / "graph.nq"
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return path


def test_parallel_equals_serial_from_python(quads, serial, tmp_path) -> None:
    graphs: dict[str, list[ox.Quad]] = {}
    for q in quads:
        graphs.setdefault(str(q.graph_name), []).append(q)
    chunks = list(quad_chunks(graphs.values(), chunk_quads=500))
    assert len(chunks) >= 4  # several chunks, so both threads load some
    *texts, blank = chunks
    assert isinstance(blank, list) and all(isinstance(c, bytes) for c in texts)
    assert {str(q.graph_name) for q in blank} == {str(ontology_quads()[0].graph_name)}
    seen: list[set[str]] = [{str(q.graph_name) for q in ox.parse(c, format=ox.RdfFormat.N_QUADS)}
                            for c in texts]
    for i, a in enumerate(seen):  # a graph is never split between two chunks
        assert all(not a & b for b in seen[i + 1:])
    store = ox.Store(str(tmp_path / "store"))
    stats = load_chunks(store, chunks, threads=2, lenient=True)
    assert (stats.chunks, stats.threads) == (len(chunks), 2)
    assert _all(store) == serial


def test_parallel_file_equals_serial(nq_file, serial, tmp_path) -> None:
    chunks = list(file_chunks(nq_file, chunk_bytes=50_000))
    assert len(chunks) >= 4
    assert b"".join(c.data for c in chunks) == nq_file.read_bytes()
    offsets = [c.offset for c in chunks]
    assert offsets == sorted(offsets) and offsets[0] == 0
    for a, b in zip(chunks, chunks[1:], strict=False):  # each cut falls between two graphs
        last = a.data.splitlines()[-1]
        first = b.data.splitlines()[0]
        assert graph_key(last) != graph_key(first)
    store = ox.Store(str(tmp_path / "store"))
    stats = load_file(store, nq_file, threads=2, chunk_bytes=50_000)
    assert stats.chunks == len(chunks)
    assert load_file(ox.Store(), nq_file, threads=2).chunks == 2  # small file: a part per thread
    one = ox.Store()
    one.bulk_load(path=str(nq_file), format=ox.RdfFormat.N_QUADS)
    reference = ox.Store()
    reference.bulk_extend(ox.parse(path=str(nq_file), format=ox.RdfFormat.N_QUADS))
    assert _all(reference) == serial
    assert _canonical(store) == _canonical(one) == _canonical(reference)


def test_graph_key() -> None:
    assert graph_key(b'<s> <p> "a b ." <urn:g> .\n') == b"<urn:g>"
    assert graph_key(b"<s> <p> <o> _:g1 .\n") == b"_:g1"


def test_malformed_file_names_line_and_keeps_store(nq_file, tmp_path) -> None:
    good = nq_file.read_bytes().splitlines(keepends=True)
    bad = tmp_path / "bad.nq"
    at = len(good) * 3 // 4  # in a late chunk, loaded while others are
    bad.write_bytes(b"".join(good[:at]) + b"<urn:s> <urn:p> oops <urn:g> .\n" + b"".join(good[at:]))
    target = tmp_path / "store"
    build_store(target, lambda s: s.bulk_extend(ox.parse(nq_file.read_bytes(),
                                                         format=ox.RdfFormat.N_QUADS)))
    before = _all(open_store(target))
    with pytest.raises(BadInput, match=rf"bad\.nq: line {at + 1}\b"):
        build_store(target, lambda s: load_file(s, bad, threads=2, chunk_bytes=50_000))
    assert _all(open_store(target)) == before  # nothing half-written was swapped in
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    with pytest.raises(BadInput, match="absent.nq: no such file"):
        load_file(ox.Store(), tmp_path / "absent.nq")


def test_failing_producer_stops_the_threads(quads, tmp_path) -> None:
    def chunks():
        yield ox.serialize(quads[:100], format=ox.RdfFormat.N_QUADS)
        raise RuntimeError("producer failed")

    before = threading.active_count()
    with pytest.raises(RuntimeError, match="producer failed"):
        load_chunks(ox.Store(str(tmp_path / "s")), chunks(), threads=2)
    assert threading.active_count() == before  # every loader thread joined


def test_build_loads_in_parallel(gold_result, quads, tmp_path, monkeypatch) -> None:
    """`conflictkg build` goes through the parallel loader and stores exactly the mapping's
    quads plus the ontology, and their summaries (gold facts, no validation or reasoning)."""
    calls: list[int] = []
    real = pipeline.load_chunks

    def spy(store, chunks, threads=None, **kw):
        stats = real(store, chunks, threads, **kw)
        calls.append(stats.threads)
        return stats

    monkeypatch.setattr(pipeline, "load_chunks", spy)
    summary = pipeline.build([SEEDS], tmp_path / "store", None, workers=2, validate=False,
                             reason=False, facts=gold_result)
    assert calls == [2]
    assert summary.seconds["load"] >= 0
    expected = ox.Store()
    expected.bulk_extend(quads)
    summarise(expected)  # a build's last step
    assert _all(open_store(tmp_path / "store")) == _all(expected)
