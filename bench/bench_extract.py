"""Throughput of extraction over the State Department corpus (shared/corpus), on N processes.

    .venv/bin/python bench/bench_extract.py [--limit N] [--workers 2] [--json out.json]

Prints reports/s, characters/s, events, relations, skipped sentences, wall and CPU time and
the peak resident memory of the parent and of the worker processes. Results stream through
(`conflictkg.extract.iter_extract`): nothing is kept but the counts.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from tqdm import tqdm

from conflictkg.extract import iter_extract
from conflictkg.reports import iter_corpus

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPUS = CORPUS / "state-dept-hr-reports-2016-2024.jsonl.gz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args()

    chars = reports = events = relations = skipped = sentences = 0
    counted = []

    def counting():
        nonlocal chars
        for r in iter_corpus(args.corpus, args.limit):
            chars += len(r.text)
            counted.append(r.doc)
            yield r

    wall0, cpu0 = time.perf_counter(), time.process_time()
    for res in tqdm(
        iter_extract(counting(), workers=args.workers),
        total=args.limit or 1721,
        unit="report",
        file=sys.stderr,
    ):
        reports += 1
        events += len(res.events)
        relations += len(res.relations)
        skipped += res.stats.skipped
        sentences += res.stats.sentences
    wall = time.perf_counter() - wall0
    cpu_parent = time.process_time() - cpu0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = {
        "reports": reports,
        "characters": chars,
        "sentences": sentences,
        "events": events,
        "relations": relations,
        "skipped_sentences": skipped,
        "workers": args.workers,
        "wall_s": round(wall, 1),
        "reports_per_s": round(reports / wall, 2),
        "chars_per_s": round(chars / wall),
        "cpu_s_parent": round(cpu_parent, 1),
        "cpu_s_workers": round(children.ru_utime + children.ru_stime, 1),
        "peak_rss_parent_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_worker_mb": round(children.ru_maxrss / 1024),
    }
    # what an idle machine would give: the workers' CPU time shared over the processes
    cpu_w = out["cpu_s_workers"] or 1e-9
    out["chars_per_cpu_s_per_worker"] = round(chars / cpu_w)
    out["idle_machine_estimate_s"] = round(cpu_w / max(1, args.workers), 1)
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
