"""What each column of a library query's answer costs the engine (bench/queries.md, sixth
session).

The query's text is run as `conflictkg query` runs it on the embedded store (once per part
on two threads per core for a `# parallel:` query), its answer written as TSV by Oxigraph and
not parsed, in variants: whole, the rows only counted (`COUNT(*)`: every join, nothing
written), each projected column alone, and the whole without each column. Wall and CPU
seconds, best of `--repeat` runs made back to back.

    python bench/query_columns.py bench/data/1m-store contested-attribution --repeat 2
"""

from __future__ import annotations

import argparse
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from conflictkg.graph import iris
from conflictkg.query import OxigraphBackend, _tsv, load_query, split_order_by
from conflictkg.store import open_store

_SELECT = re.compile(r"^SELECT\s+((?:\?\w+\s*)+)$", re.M)


def variants(text: str) -> dict[str, str]:
    """The query's variants, by name: its top-level projection (one line `SELECT ?a ?b ...`)
    replaced."""
    m = _SELECT.search(text)
    if m is None:
        raise SystemExit("the query's projection is not one line of plain variables")
    names = m[1].split()

    def project(projection: str) -> str:
        return text[:m.start(1)] + projection + "\n" + text[m.end(1):]

    out = {"whole": text, "counted": project("(COUNT(*) AS ?n)")}
    out |= {f"{v} alone": project(v) for v in names}
    out |= {f"without {v}": project(" ".join(n for n in names if n != v)) for v in names}
    return out


def runner(store: ox.Store, text: str, part: str | None) -> Callable[[], int]:
    """A function that runs the text as `conflictkg query` would and returns the answer's
    size in bytes."""
    backend = OxigraphBackend(store)
    if part is None:
        return lambda: len(_tsv(backend._query(text, {})))
    return lambda: sum(map(len, backend.tsv_parts(text, {}, part, iris.SUMMARY_PART_GRAPHS)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("query", help="a library query's name or an .rq file")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    query = load_query(args.query)
    text, _ = split_order_by(query.text)  # conflictkg sorts in Python
    store = open_store(args.store, read_only=True)
    print(f"{query.name} on {args.store}, {os.cpu_count()} cores")
    print("| variant | wall (s) | CPU (s) | answer (MB) |\n| --- | ---: | ---: | ---: |")
    for name, variant in variants(text).items():
        run = runner(store, variant, query.parallel)
        best = (float("inf"), 0.0, 0)
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            size = run()
            best = min(best, (time.perf_counter() - wall, time.process_time() - cpu, size))
        print(f"| {name} | {best[0]:.2f} | {best[1]:.2f} | {best[2] / 1e6:.1f} |", flush=True)


if __name__ == "__main__":
    main()
