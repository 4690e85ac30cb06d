"""Benchmark: SHACL validation, the sparql engine (shapes compiled to SPARQL) against
pyshacl (the reference: batches, parallel) and one whole-graph pyshacl call.

Two kinds of graph:

- the seeds' gold graph copied N times (each copy its own reports, events, evidence;
  the registry and ontology once), so every copy has the seeds' real shape:

      .venv/bin/python bench/shacl_batches.py 10 40 [--whole] [--exports]

- an on-disk store, e.g. one loaded from `bench/generate.py`'s N-Quads:

      .venv/bin/python bench/shacl_batches.py --store bench/data/shacl/100k-lean-store \
          --engines sparql,pyshacl --workers 2

Prints events, quads, CPU seconds (this process and its workers) and wall seconds per
engine, whether the engines' result sets are equal, and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from conflictkg.facts import ExtractionResult, read_events, read_relations  # noqa: E402
from conflictkg.graph.build import registry_quads, report_quads  # noqa: E402
from conflictkg.registry import load_registry  # noqa: E402
from conflictkg.reports import Report, load_report  # noqa: E402
from conflictkg.store import ontology_quads  # noqa: E402
from conflictkg.validate import validate_store, validate_whole  # noqa: E402

GOLD = ROOT.parent / "shared" / "eval" / "gold"


def synthetic_store(copies: int) -> ox.Store:
    registry = load_registry()
    reports = [load_report(p) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    events = [e for p in sorted(GOLD.glob("0*.jsonl")) for e in read_events(p)]
    relations = read_relations(GOLD / "relations.jsonl")
    store = ox.Store()
    store.bulk_extend(list(registry_quads(registry)) + ontology_quads())
    for n in range(copies):
        for rep in reports:
            doc = f"c{n:04d}_{rep.doc}"
            copy = Report(doc, rep.text, rep.meta)
            evs = []
            for e in events:
                if e.doc == rep.doc:
                    e2 = type(e).from_json(e.to_json())
                    e2.doc, e2.id = doc, f"c{n:04d}_{e.id}"
                    evs.append(e2)
            rels = []
            for r in relations:
                if r.doc == rep.doc:
                    r2 = type(r).from_json(r.to_json())
                    r2.doc = doc
                    rels.append(r2)
            store.bulk_extend(report_quads(copy, ExtractionResult(evs, rels), registry))
    return store


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the machine may be shared)."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def _store_run(path: Path, engines: list[str], workers: int) -> None:
    from conflictkg.store import open_store

    store = open_store(path, read_only=True)
    n_events = next(iter(store.query(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) { GRAPH ?g { ?e a <https://w3id.org/conflictkg/ontology#Event> } }"
    )))["n"].value
    print(f"store={path} events={n_events} quads={len(store)}", flush=True)
    reports = {}
    for engine in engines:
        t0, c0 = time.perf_counter(), _cpu()
        rep = validate_store(store, workers=workers, engine=engine, store_path=path,
                             progress=True)
        reports[engine] = rep
        print(f"  {engine} ({workers} workers): cpu {_cpu() - c0:.1f}s wall "
              f"{time.perf_counter() - t0:.1f}s batches={rep.batches} {rep.summary()}",
              flush=True)
    if len(reports) > 1:
        first, *rest = reports.values()
        print(f"  equal results: {all(r.results == first.results for r in rest)}")
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(f"  peak_rss={rss:.0f}MB loadavg={os.getloadavg()}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("copies", nargs="*", type=int)
    ap.add_argument("--store", type=Path, help="validate this on-disk store instead")
    ap.add_argument("--engines", default="sparql,pyshacl",
                    help="comma-separated engines to run on --store (sparql, pyshacl)")
    ap.add_argument("--whole", action="store_true", help="also validate the whole graph at once")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--exports", action="store_true", help="also time every RDF exporter")
    args = ap.parse_args()
    if args.store:
        _store_run(args.store, args.engines.split(","), args.workers)
    for copies in args.copies:
        store = synthetic_store(copies)
        n_events = next(iter(store.query(
            "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?e a <https://w3id.org/conflictkg/ontology#Event> } }"
        )))["n"].value
        t0, c0 = time.perf_counter(), _cpu()
        batched = validate_store(store, workers=args.workers, engine="pyshacl")
        t_batch, c_batch = time.perf_counter() - t0, _cpu() - c0
        line = (f"copies={copies} events={n_events} quads={len(store)} batches={batched.batches} "
                f"batched({args.workers} workers)={t_batch:.1f}s (cpu {c_batch:.1f}s)")
        if args.whole:
            t0, c0 = time.perf_counter(), _cpu()
            whole = validate_whole(store)
            line += (f" whole={time.perf_counter() - t0:.1f}s (cpu {_cpu() - c0:.1f}s)"
                     f" equal={whole.results == batched.results}")
        rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        print(line + f" peak_rss={rss:.0f}MB", flush=True)
        if args.exports:
            import io

            from conflictkg.export import formats

            for name in ("ttl", "trig", "nt", "nq", "jsonld"):
                buf, t0, c0 = io.BytesIO(), time.perf_counter(), _cpu()
                formats()[name].write(store, buf)
                print(f"  export {name}: {len(buf.getvalue()) / 1e6:.1f} MB "
                      f"{time.perf_counter() - t0:.1f}s (cpu {_cpu() - c0:.1f}s)", flush=True)


if __name__ == "__main__":
    main()
