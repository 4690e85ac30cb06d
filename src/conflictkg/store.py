"""The embedded on-disk store (pyoxigraph / RocksDB): open it, build it, swap it in.

Others open the store with `open_store(path)`; the build writes a *new* store beside
the old one and swaps the two directories only once the new one is complete, so a
build that fails or is killed midway leaves the previous store intact and openable
(DESIGN.md, Errors: bad input never damages what exists).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from conflictkg.errors import BadInput, StoreError
from conflictkg.graph import iris
from conflictkg.paths import ontology_files

T = TypeVar("T")
#: An RDF term as pyoxigraph returns it (its stubs name no such union), and one that
#: may be a quad's subject.
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Subject = ox.NamedNode | ox.BlankNode | ox.Triple

#: Files every Oxigraph (RocksDB) store directory holds.
_MARKERS = ("CURRENT", "IDENTITY")


def is_store(path: Path) -> bool:
    return path.is_dir() and all((path / m).exists() for m in _MARKERS)


def _check_dir(path: Path, *, must_exist: bool) -> None:
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: not a store (it is a file); give a store directory with --store")
    if path.is_dir() and any(path.iterdir()) and not is_store(path):
        raise StoreError(
            f"{path}: not a store (a non-empty directory without Oxigraph files); "
            "give another --store directory or run `conflictkg build --store DIR`"
        )
    if must_exist and not is_store(path):
        raise StoreError(f"{path}: no store there yet; run `conflictkg build` (or give --store DIR)")


def open_store(path: Path, read_only: bool = True) -> ox.Store:
    """Open the store at `path`.

    Read-only opens a store that must exist (and may be in use by a build or a server);
    read-write creates an empty store in a missing or empty directory and fails if
    another process holds it. Every failure is a StoreError (exit 2) naming the path.
    """
    path = Path(path)
    _check_dir(path, must_exist=read_only)
    try:
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise StoreError(
                f"{path}: the store is locked by another process (a build or a server?); "
                "stop it, or open the store read-only"
            ) from exc
        raise StoreError(f"{path}: cannot open the store: {msg}") from exc
    from conflictkg.query import forget
    forget(store)  # a new object: nothing a dropped store had passed (query.check_store_fresh)
    return store


def check_writable(path: Path) -> None:
    """Fail early (before any work) if `path` cannot be replaced by a new store: it is
    not a store, or another process holds it."""
    path = Path(path)
    _check_dir(path, must_exist=False)
    if is_store(path):
        store = open_store(path, read_only=False)
        del store


# -- deterministic blank nodes -------------------------------------------------------

def canonical_bnodes(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Rename blank nodes after what they say, so re-loading the same file gives the
    same labels (parsers number blank nodes per run; sorted exports must not change).

    A blank node's label is a hash of its outgoing triples (nested blank nodes hashed
    the same way); enough for the ontology's `[] a owl:AllDisjointClasses` lists.
    """
    quads = list(quads)
    out_edges: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            out_edges.setdefault(q.subject.value, []).append(q)
    if not out_edges:
        return quads
    memo: dict[str, str] = {}

    def label(b: str, stack: frozenset[str] = frozenset()) -> str:
        if b in memo:
            return memo[b]
        parts = []
        for q in out_edges.get(b, []):
            o = q.object
            if isinstance(o, ox.BlankNode):
                o_s = "_:" + (label(o.value, stack | {b}) if o.value not in stack | {b} else "cycle")
            else:
                o_s = str(o)
            parts.append(f"{q.predicate} {o_s} {q.graph_name}")
        memo[b] = "b" + hashlib.sha1("\n".join(sorted(parts)).encode()).hexdigest()[:16]
        return memo[b]

    def term(t):
        if isinstance(t, ox.BlankNode):
            return ox.BlankNode(label(t.value))
        return t

    return [ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name) for q in quads]


def ontology_quads() -> list[ox.Quad]:
    """ontology/conflictkg.ttl (+ mappings.ttl) in the ontology named graph."""
    g = ox.NamedNode(iris.ONTOLOGY_GRAPH)
    out: list[ox.Quad] = []
    for path in ontology_files():
        try:
            with path.open("rb") as fh:
                triples = list(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))
        except (SyntaxError, ValueError, OSError) as exc:
            raise BadInput(f"{path}: malformed Turtle: {exc}") from exc
        out.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)
    return canonical_bnodes(out)


# -- build into a new directory, then swap ------------------------------------------

def _renameat2_exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two directories (Linux renameat2 RENAME_EXCHANGE)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def swap_in(new: Path, target: Path) -> None:
    """Put the complete store `new` at `target`; the old store (if any) is removed after."""
    if not target.exists():
        os.replace(new, target)
        return
    if _renameat2_exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old store
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def build_store(target: Path, fill: Callable[[ox.Store], T]) -> T:
    """Build a fresh store with `fill(store)` in a scratch directory beside `target`,
    close it, then swap it in. On any error (or a kill) `target` is untouched; the
    scratch directory is removed, or left as `.NAME.new-PID` and cleaned by the next
    build. `fill` must not keep a reference to the store."""
    target = Path(target)
    check_writable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{target}: cannot create the store's folder: {exc.strerror or exc}") from exc
    for stale in target.parent.glob(f".{target.name}.new-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    scratch = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        try:
            store = ox.Store(str(scratch))
        except OSError as exc:
            raise StoreError(f"{target}: cannot write a store beside it: {exc}") from exc
        result = fill(store)
        store.flush()
        del store  # closes RocksDB before its directory moves
        gc.collect()
    except BaseException:
        gc.collect()
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    swap_in(scratch, target)
    return result


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def select(store: ox.Store, query: str, **kwargs) -> ox.QuerySolutions:
    """A SELECT query's solutions (typed: `Store.query` may also return booleans or triples)."""
    res = store.query(query, **kwargs)
    if not isinstance(res, ox.QuerySolutions):
        raise TypeError("expected a SELECT query")
    return res


def select_strings(store: ox.Store, query: str, **kwargs) -> list[dict[str, str]]:
    """A SELECT's rows as the bound terms' values by variable name (unbound left out)."""
    res = select(store, query, **kwargs)
    names = [v.value for v in res.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in res]


def serialized(items: Iterable, fmt: ox.RdfFormat, **kwargs) -> bytes:
    """`ox.serialize` into bytes (typed: it returns None when given an output)."""
    data = ox.serialize(items, format=fmt, **kwargs)
    assert data is not None
    return data


def triple_count(store: ox.Store) -> int:
    """Quads in the store (all graphs)."""
    return len(store)
