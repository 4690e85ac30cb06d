"""Parallel bulk loading: N threads fill one fresh store, each with whole named graphs.

Why: Oxigraph's bulk loader parses in the calling thread and releases the GIL while it
does, so two Python threads each loading their own N-Quads chunk into the same store use
two cores (bench/README.md, Loading: 722k quads, one `bulk_load` 5.6 s, two threads 2.7 s,
idle machine). `bulk_extend` of Python `Quad` objects holds the GIL throughout, so quads
built in Python go through N-Quads bytes: serialising costs ~0.4 µs a quad, and the next
chunk is built while the previous ones load.

Chunks hold whole named graphs (one report each, in the build and in bench/generate.py's
files): a graph is never split between two threads. Oxigraph's `bulk_load` gives the blank
nodes of every text it parses fresh labels, so quads built in Python that hold blank nodes
(the ontology's `owl:AllDisjointClasses` lists, labelled by `store.canonical_bnodes` so that
exports do not change) are loaded as they are, with `bulk_extend`. For a fresh store being built only
(no transaction): use it inside `store.build_store`, which keeps a failed load from ever
replacing the previous store.
"""

from __future__ import annotations

import os
import queue
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from conflictkg.errors import BadInput

#: N-Quads bytes per chunk read from a file: ~0.6M quads, near Oxigraph's own 1M-quad
#: batch (smaller chunks write more, smaller sorted files; larger ones cost memory).
CHUNK_BYTES = 128 * 2**20
#: Quads per chunk built in Python (the build): ~100 MiB of N-Quads.
CHUNK_QUADS = 500_000
#: Formats that are one statement per line, so a file can be cut between lines.
LINE_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES)


def default_threads() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class LoadStats:
    """What a load did: chunks and bytes of N-Quads handed to Oxigraph, threads, seconds."""

    chunks: int
    bytes: int
    threads: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Chunk:
    """N-Quads text of whole graphs, and where it came from (for error messages)."""

    data: bytes
    source: str = "<quads>"
    offset: int = 0  # byte offset of `data` in `source`


def load_chunks(store: ox.Store, chunks: Iterable[Chunk | bytes | list[ox.Quad]],
                threads: int | None = None,
                *, lenient: bool = False, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> LoadStats:
    """Bulk-load N-Quads chunks into `store` on `threads` threads (default: the cores).

    A chunk given as a list of quads is loaded with `bulk_extend` (labels kept).
    `chunks` is iterated in the calling thread, so a generator may build the next chunk in
    Python while the others load; at most `threads` chunks wait, so memory stays bounded.
    The first failure stops the load (chunks not yet started are skipped) and is raised
    here once every thread has stopped; a syntax error becomes a BadInput naming the
    source and its line. `lenient` skips IRI checks: for text Oxigraph serialised itself.
    """
    threads = max(1, threads or default_threads())
    todo: queue.Queue[Chunk | list[ox.Quad] | None] = queue.Queue(maxsize=threads)
    errors: list[BaseException] = []
    stop = threading.Event()
    t0 = time.perf_counter()
    n_chunks = n_bytes = 0

    def work() -> None:
        while (chunk := todo.get()) is not None:
            if stop.is_set():
                continue  # drain: a failure elsewhere ends the load
            try:
                if isinstance(chunk, list):
                    store.bulk_extend(chunk)
                else:
                    store.bulk_load(chunk.data, format=fmt, lenient=lenient)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                errors.append(_explain(exc, chunk) if isinstance(chunk, Chunk) else exc)
                stop.set()

    workers = [threading.Thread(target=work, name=f"conflictkg-load-{i}", daemon=True)
               for i in range(threads)]
    for w in workers:
        w.start()
    try:
        for item in chunks:
            if stop.is_set():
                break
            chunk = Chunk(item) if isinstance(item, bytes) else item
            if isinstance(chunk, list) or chunk.data:
                todo.put(chunk)
                n_chunks += 1
                n_bytes += len(chunk.data) if isinstance(chunk, Chunk) else 0
    except BaseException:
        stop.set()
        raise
    finally:
        for _ in workers:
            todo.put(None)
        for w in workers:
            w.join()
        from conflictkg.query import forget
        forget(store)  # its summaries are checked in full again (query.check_store_fresh)
    if errors:
        raise errors[0]
    return LoadStats(n_chunks, n_bytes, threads, time.perf_counter() - t0)


def _explain(exc: BaseException, chunk: Chunk) -> BaseException:
    """A parse error as a BadInput naming the file and the line in it (counted only now)."""
    if not isinstance(exc, SyntaxError):
        return exc
    where = chunk.source
    m = re.search(r"line (\d+)", str(exc))
    if m and chunk.source != "<quads>" and Path(chunk.source).is_file():
        line = _lines_before(Path(chunk.source), chunk.offset) + int(m[1])
        where = f"{chunk.source}: line {line}"
    elif m:
        where = f"{chunk.source}: line {m[1]} of a chunk"
    err = BadInput(f"{where}: malformed N-Quads: {exc}")
    err.__cause__ = exc
    return err


def _lines_before(path: Path, offset: int) -> int:
    n = 0
    with path.open("rb") as fh:
        while offset > 0:
            block = fh.read(min(offset, 1 << 24))
            if not block:
                break
            n += block.count(b"\n")
            offset -= len(block)
    return n


# -- chunks from an N-Quads file -------------------------------------------------------------

def graph_key(line: bytes) -> bytes:
    """The last term of an N-Quads line: its graph name (or, for a triple in the default
    graph, its object). Used only to find where a graph ends, so a wrong guess costs a
    graph split between two chunks, never a wrong quad."""
    body = line.rstrip()
    if body.endswith(b"."):
        body = body[:-1].rstrip()
    return body.rsplit(b" ", 1)[-1]


def file_chunks(path: Path, chunk_bytes: int = CHUNK_BYTES, max_extra_lines: int = 1_000_000
                ) -> Iterator[Chunk]:
    """Cut an N-Quads (or N-Triples) file into chunks of about `chunk_bytes` that end where
    a named graph ends (the next line names another graph), reading it once.

    A graph longer than `max_extra_lines` past the cut is split anyway (still correct)."""
    path = Path(path)
    source = str(path)
    offset = 0
    carry = b""
    with path.open("rb") as fh:
        while True:
            block = carry + fh.read(max(1, chunk_bytes - len(carry)))
            carry = b""
            if not block:
                return
            if not block.endswith(b"\n"):
                block += fh.readline()
            if block.endswith(b"\n"):  # not at the end: extend to the end of its graph
                last = block[block.rfind(b"\n", 0, len(block) - 1) + 1:]
                key = graph_key(last)
                extra: list[bytes] = []
                for _ in range(max_extra_lines):
                    line = fh.readline()
                    if not line:
                        break
                    if graph_key(line) != key:
                        carry = line
                        break
                    extra.append(line)
                if extra:
                    block += b"".join(extra)
            yield Chunk(block, source, offset)
            offset += len(block)


def load_file(store: ox.Store, path: Path, threads: int | None = None,
              fmt: ox.RdfFormat | None = None, *, chunk_bytes: int = CHUNK_BYTES,
              lenient: bool = False) -> LoadStats:
    """Bulk-load an RDF file into a fresh `store`: N-Quads / N-Triples in parallel chunks
    of whole graphs (at most `chunk_bytes`, and at most a thread's share of the file), any
    other format in one `bulk_load` (it cannot be cut between lines).

    A malformed file raises BadInput naming it and the line."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    fmt = fmt or ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.N_QUADS
    threads = max(1, threads or default_threads())
    if fmt not in LINE_FORMATS:
        t0 = time.perf_counter()
        try:
            store.bulk_load(path=str(path), format=fmt, lenient=lenient)
        except SyntaxError as exc:
            raise BadInput(f"{path}: malformed {fmt.name}: {exc}") from exc
        finally:
            from conflictkg.query import forget
            forget(store)  # its summaries are checked in full again (query.check_store_fresh)
        return LoadStats(1, path.stat().st_size, 1, time.perf_counter() - t0)
    # a small file still gives every thread a part
    chunk_bytes = min(chunk_bytes, max(2**20, -(-path.stat().st_size // threads)))
    return load_chunks(store, file_chunks(path, chunk_bytes), threads, lenient=lenient, fmt=fmt)


# -- chunks built in Python ---------------------------------------------------------------

def quad_chunks(graphs: Iterable[Iterable[ox.Quad]], chunk_quads: int = CHUNK_QUADS
                ) -> Iterator[bytes | list[ox.Quad]]:
    """N-Quads chunks of at least `chunk_quads` quads, from batches of quads (one report's
    graph each) that are never split; then, as a list, the quads that hold a blank node
    (their labels must survive: see the module's docstring)."""
    buffer: list[ox.Quad] = []
    blank: list[ox.Quad] = []
    for quads in graphs:
        for q in quads:
            (blank if _has_blank(q) else buffer).append(q)
        if len(buffer) >= chunk_quads:
            yield _nquads(buffer)
            buffer = []
    if buffer:
        yield _nquads(buffer)
    if blank:
        yield blank


def _has_blank(q: ox.Quad) -> bool:
    return (isinstance(q.subject, (ox.BlankNode, ox.Triple))
            or isinstance(q.object, (ox.BlankNode, ox.Triple))
            or isinstance(q.graph_name, ox.BlankNode))


def _nquads(quads: list[ox.Quad]) -> bytes:
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert data is not None
    return data
