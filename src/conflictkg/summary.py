"""Summaries: the library's heavy questions answered once, when the graph is built.

A question such as "violent events and killed per actor, region and year" reads every
event of the store. At 1M events no plan answers it in seconds (bench/queries.md), so the
build answers its expensive part once, as data: each `queries/summaries/NAME.rq` is a
SPARQL CONSTRUCT, run over the union of the graphs like the library's queries, whose
triples are written into the named graph `iris.SUMMARY_GRAPH` (a table of
display labels, tallies per actor / region / year, the ties between actors with their
counts and evidence). The library's queries read those rows inside
`GRAPH <https://w3id.org/conflictkg/id/graph/summary> { ... }` and do the cheap part
(parameters, labels, ordering) when they are asked.

The summary graph is derived data, like the inferred graph: `conflictkg build` (its
`summarise` stage), `reason` (after materialising) and `import` rebuild it, nothing
validates it, and
every export and push carries it, so a platform that loads the graph can run the same
library. It records a fingerprint of the graphs it was computed from; a library query
that reads summaries refuses a store whose graphs have changed since (`check_fresh`),
rather than answer from stale rows. The tests compare every summary-reading query with
the same question asked of the report graphs directly (`tests/test_summary.py`).
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from conflictkg.errors import BadInput
from conflictkg.graph import iris
from conflictkg.paths import queries_dir
from conflictkg.vocab import PREFIXES

_CKG = PREFIXES["ckg"]
_GRAPH = ox.NamedNode(iris.SUMMARY_GRAPH)
_FINGERPRINT = ox.NamedNode(_CKG + "fingerprint")
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_SUMMARY_GRAPH_CLASS = ox.NamedNode(_CKG + "SummaryGraph")


def summaries_dir() -> Path:
    return queries_dir() / "summaries"


def summary_files() -> list[Path]:
    """The summary queries, in name order (a later one may read an earlier one's rows)."""
    return sorted(summaries_dir().glob("*.rq"))


def fingerprint_of(graph_names: Iterable[str]) -> str:
    """A digest of the names of the graphs the summaries are computed from (derived
    graphs left out, so it is the same before and after materialising) and of the summary
    queries themselves (a new release's summaries are not an old store's)."""
    names = sorted(set(graph_names) - set(iris.DERIVED_GRAPHS))
    digest = hashlib.sha256("\n".join(names).encode())
    for path in summary_files():
        digest.update(f"\n{path.name}\n".encode() + path.read_bytes())
    return digest.hexdigest()


def fingerprint(store: ox.Store) -> str:
    return fingerprint_of(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def summarise(store: ox.Store, *, timings: dict[str, float] | None = None,
              progress: bool = False) -> int:
    """Rebuild the summary graph from the store's other graphs; return its size in quads.

    If a query fails, the summary graph is removed (a query then says the summaries are
    missing) and a BadInput names the file.
    """
    if store.contains_named_graph(_GRAPH):
        store.clear_graph(_GRAPH)
    else:
        store.add_graph(_GRAPH)
    for path in summary_files():
        text = path.read_text(encoding="utf-8")
        t = time.process_time()
        try:
            result = store.query(text, use_default_graph_as_union=True)
            if not isinstance(result, ox.QueryTriples):
                raise ValueError("a summary is a CONSTRUCT query")
            triples = list(result)
            # bulk: half the CPU of a transaction on disk (20-30 µs a quad there); a failure
            # removes the whole graph below, so no transaction is needed
            store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object, _GRAPH) for t in triples])
        except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
            store.remove_graph(_GRAPH)
            raise BadInput(f"{path}: the summary query failed: {exc}") from exc
        spent = time.process_time() - t
        if timings is not None:
            timings[path.stem] = timings.get(path.stem, 0.0) + spent
        if progress:
            print(f"summary {path.stem}: {spent:.1f} CPU-s", file=sys.stderr)
    store.add(ox.Quad(_GRAPH, _RDF_TYPE, _SUMMARY_GRAPH_CLASS, _GRAPH))
    store.add(ox.Quad(_GRAPH, _FINGERPRINT, ox.Literal(fingerprint(store)), _GRAPH))
    return sum(1 for _ in store.quads_for_pattern(None, None, None, _GRAPH))


def reads_summaries(text: str) -> bool:
    """Does this query read the summary graph?"""
    return iris.SUMMARY_GRAPH in text


#: the stamp, for engines other than the embedded store
STAMP_QUERY = (f"SELECT ?f WHERE {{ GRAPH <{iris.SUMMARY_GRAPH}> "
               f"{{ <{iris.SUMMARY_GRAPH}> <{_CKG}fingerprint> ?f }} }}")


def check_stamp(stamps: list[str], current: str | None, where: str) -> None:
    """Raise BadInput when there is no stamp, or (if `current` is known) a stale one."""
    if not stamps:
        raise BadInput(f"{where} has no summaries (the graph <{iris.SUMMARY_GRAPH}>): "
                       "run `conflictkg reason` on the store, or build it with `conflictkg build` "
                       "(`conflictkg push` and the exports carry the summaries)")
    if current is not None and current not in stamps:
        raise BadInput(f"{where}: its summaries were computed before its graphs or the summary "
                       "queries last changed: run `conflictkg reason` on it to bring them up to date")


def check_fresh(store: ox.Store, where: str = "the store") -> None:
    """Raise BadInput unless the store's summaries were computed from its current graphs."""
    stamps = [q.object.value for q in store.quads_for_pattern(_GRAPH, _FINGERPRINT, None, _GRAPH)
              if isinstance(q.object, ox.Literal)]
    check_stamp(stamps, fingerprint(store) if stamps else None, where)
