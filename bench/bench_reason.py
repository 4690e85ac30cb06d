"""Benchmark `conflictkg reason`: SPARQL-rule materialisation, the rule-based diagnosis and
the HermiT consistency check, on the synthetic graphs of bench/generate.py.

    python bench/generate.py --events 10000 -o bench/data/10k.nq
    python bench/bench_reason.py bench/data/10k.nq [--hermit]

Prints one line per step: seconds, and what it produced. HermiT is opt-in (--hermit): it
reads the whole data slice and grows with it (ENGINES.md: 8.7 s at ~8k individuals).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyoxigraph as ox

from conflictkg.graph import iris
from conflictkg.reason import _slice, check_consistency, diagnose, materialise, ontology_axioms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="an N-Quads file from bench/generate.py")
    ap.add_argument("--hermit", action="store_true", help="also run HermiT on the whole slice")
    args = ap.parse_args()

    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(args.data), format=ox.RdfFormat.N_QUADS)
    print(f"load            {time.perf_counter() - t:8.1f} s  {len(store):,} quads")

    t = time.perf_counter()
    n = materialise(store)
    print(f"materialise     {time.perf_counter() - t:8.1f} s  {n:,} inferred triples")
    t = time.perf_counter()
    n2 = materialise(store)
    print(f"materialise 2nd {time.perf_counter() - t:8.1f} s  {n2:,} (idempotent: {n == n2})")

    t = time.perf_counter()
    data = list(_slice(q for q in store.quads_for_pattern(None, None, None)
                       if q.graph_name != ox.NamedNode(iris.INFERRED_GRAPH)))
    offenders = diagnose(data, ontology_axioms())
    print(f"diagnose        {time.perf_counter() - t:8.1f} s  {len(data):,} triples, "
          f"{len(offenders)} offenders")

    if args.hermit:
        t = time.perf_counter()
        report = check_consistency(store)
        print(f"HermiT          {time.perf_counter() - t:8.1f} s  {report.summary().splitlines()[0]}")


if __name__ == "__main__":
    main()
