"""Benchmark `conflictkg reason`: SPARQL-rule materialisation, the rule-based diagnosis and
the HermiT consistency check, on the synthetic graphs of bench/generate.py.

    python bench/generate.py --events 10000 -o bench/data/10k.nq
    python bench/bench_reason.py bench/data/10k.nq [--disk DIR] [--restate-facts] [--rules 15]
                                 [--diagnose] [--hermit] [--json results/reason.json]

Prints one line per step: CPU seconds, wall seconds, and what it produced; `--rules N`
adds the N costliest rules (CPU seconds each, all rounds). `--disk DIR` loads into an
on-disk store at DIR (emptied first) instead of memory: `conflictkg build` materialises
on disk. HermiT is opt-in (--hermit): it reads a sample and grows with it. The results
are in bench/reason.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from conflictkg.graph import iris
from conflictkg.reason import _slice, check_consistency, diagnose, materialise, ontology_axioms


class Clock:
    """CPU and wall seconds of a step (the machine is shared: CPU is what the work costs)."""

    def __enter__(self) -> Clock:
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu = time.process_time() - self.cpu
        self.wall = time.perf_counter() - self.wall

    def __str__(self) -> str:
        return f"{self.cpu:8.1f} s CPU {self.wall:8.1f} s wall"


def count(store: ox.Store, where: str) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) {{ {where} }}")))[0].value)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="an N-Quads file from bench/generate.py")
    ap.add_argument("--disk", type=Path, help="load into an on-disk store here (emptied first)")
    ap.add_argument("--restate-facts", action="store_true",
                    help="materialise with restate_facts=True (standard vocabularies for every fact)")
    ap.add_argument("--rules", type=int, default=0, help="print the N costliest rules")
    ap.add_argument("--diagnose", action="store_true", help="also run the in-memory diagnosis")
    ap.add_argument("--hermit", action="store_true", help="also run HermiT (sampled)")
    ap.add_argument("--json", type=Path, help="append one JSON line of results to this file")
    ap.add_argument("--once", action="store_true", help="skip the second (idempotence) run")
    args = ap.parse_args()
    out: dict = {"data": str(args.data), "disk": bool(args.disk), "restate_facts": args.restate_facts,
                 "loadavg_before": os.getloadavg()[0]}

    if args.disk:
        shutil.rmtree(args.disk, ignore_errors=True)
        store = ox.Store(str(args.disk))
    else:
        store = ox.Store()
    print(f"loading {args.data} into {args.disk or 'memory'} ...", file=sys.stderr, flush=True)
    with Clock() as c:
        store.bulk_load(path=str(args.data), format=ox.RdfFormat.N_QUADS)
    quads = count(store, "GRAPH ?g { ?s ?p ?o }")
    events = count(store, "GRAPH ?g { ?e a <https://w3id.org/conflictkg/ontology#Event> }")
    print(f"load            {c}  {quads:,} quads, {events:,} events")
    out.update(quads=quads, events=events, load_cpu=c.cpu, load_wall=c.wall)

    timings: dict[str, float] = {}
    with Clock() as c:
        n = materialise(store, restate_facts=args.restate_facts, timings=timings, progress=True)
    print(f"materialise     {c}  {n:,} inferred triples ({n / max(events, 1):.1f} per event)")
    out.update(inferred=n, materialise_cpu=c.cpu, materialise_wall=c.wall)
    for name, sec in sorted(timings.items(), key=lambda kv: -kv[1])[:args.rules]:
        print(f"    {sec:8.2f} s  {name}")
    if not args.once:
        with Clock() as c:
            n2 = materialise(store, restate_facts=args.restate_facts)
        print(f"materialise 2nd {c}  {n2:,} (idempotent: {n == n2})")
        out.update(idempotent=n == n2, materialise2_cpu=c.cpu)

    if args.diagnose:
        with Clock() as c:
            data = list(_slice(q for q in store.quads_for_pattern(None, None, None)
                               if q.graph_name != ox.NamedNode(iris.INFERRED_GRAPH)))
            offenders = diagnose(data, ontology_axioms())
        print(f"diagnose        {c}  {len(data):,} triples, {len(offenders)} offenders")
        out.update(diagnose_cpu=c.cpu, offenders=len(offenders))

    if args.hermit:
        with Clock() as c:
            report = check_consistency(store, materialised=True)
        print(f"HermiT          {c}  {report.summary().splitlines()[0]}")
        out.update(hermit_cpu=c.cpu, consistent=report.consistent)

    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["loadavg_after"] = os.getloadavg()[0]
    print(f"peak memory     {out['peak_rss_mib']:,.0f} MiB; load average {out['loadavg_before']:.1f} -> "
          f"{out['loadavg_after']:.1f}")
    del store
    if args.disk:
        shutil.rmtree(args.disk, ignore_errors=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        with args.json.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
