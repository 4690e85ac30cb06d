"""Benchmark: network projections and metrics on synthetic graphs of 10k, 100k and 1M events.

    python bench/bench_network.py --events 10000 100000            # in-memory stores
    python bench/bench_network.py --events 1000000 --disk          # on-disk store (bulk load)

Graphs come from `bench/generate.py` (written to bench/data/<N>.nq when missing; same files
the other benchmarks use). For each size: load the N-Quads into a pyoxigraph Store, then time
each projection (signed with and without evidence IRIs, alliance, victim, co-perpetration,
actor-event bipartite) and the metrics on the signed network (centrality, Louvain
communities, ally blocs, structural balance). One JSON object per step goes to stdout (and to
`--json FILE`); `bench/network.md` holds the results and what they mean.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from conflictkg.network import (  # noqa: E402
    actor_event_graph,
    actor_victim_network,
    ally_blocs,
    balance,
    centrality,
    communities,
    coperpetration_network,
    positive_subgraph,
    signed_actor_network,
)

LABELS = {10_000: "10k", 100_000: "100k", 1_000_000: "1m"}


def rss_gb() -> float:
    """Peak resident memory of this process so far (GB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def data_file(n: int) -> Path:
    path = HERE / "data" / f"{LABELS.get(n, str(n))}.nq"
    if not path.exists():
        from generate import generate

        generate(n, path)
    return path


def timed(out: list[dict], size: int, step: str, fn: Callable[[], object], json_out=None,
          extra: Callable[[object], dict] | None = None) -> object:
    gc.collect()
    t0 = time.perf_counter()
    value = fn()
    row: dict[str, object] = {"events": size, "step": step, "seconds": round(time.perf_counter() - t0, 3),
                              "peak_rss_gb": round(rss_gb(), 2),
                              "load_avg_1min": round(os.getloadavg()[0], 1)}  # a shared machine: say so
    if extra:
        row.update(extra(value))
    if hasattr(value, "number_of_nodes"):
        row.update(nodes=value.number_of_nodes(), edges=value.number_of_edges())
    elif isinstance(value, list):
        row["items"] = len(value)
    out.append(row)
    line = json.dumps(row)
    print(line, flush=True)
    if json_out:
        json_out.write(line + "\n")
        json_out.flush()
    return value


def run(n: int, disk: bool, json_out=None) -> list[dict]:
    rows: list[dict] = []
    path = data_file(n)
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-network-{n}-", dir=HERE / "data")) if disk else None

    def load() -> ox.Store:
        store = ox.Store(str(tmp)) if tmp else ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        if tmp:
            store.optimize()
        return store

    try:
        store = timed(rows, n, "load " + ("on-disk" if disk else "in-memory"), load, json_out)
        g = timed(rows, n, "signed network", lambda: signed_actor_network(store), json_out)
        timed(rows, n, "centrality (signed)", lambda: centrality(g), json_out)
        timed(rows, n, "louvain communities (signed)", lambda: communities(g), json_out)
        timed(rows, n, "ally blocs (signed)", lambda: ally_blocs(g), json_out)
        timed(rows, n, "structural balance (signed)", lambda: balance(g), json_out,
              extra=lambda r: {k: v for k, v in r.summary().items() if k in
                               ("triads", "fraction_balanced", "frustration_index", "frustration_exact")})
        timed(rows, n, "alliance subgraph", lambda: positive_subgraph(g), json_out)
        timed(rows, n, "victim network", lambda: actor_victim_network(store), json_out)
        timed(rows, n, "co-perpetration network", lambda: coperpetration_network(store), json_out)
        timed(rows, n, "signed network, no evidence",
              lambda: signed_actor_network(store, evidence=False), json_out)
        bip = timed(rows, n, "actor-event bipartite graph", lambda: actor_event_graph(store), json_out)
        del bip
    finally:
        if tmp:
            del store
            gc.collect()
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def table(path: Path) -> str:
    """A markdown table (seconds per step and size) from the JSON lines of earlier runs."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    sizes = sorted({r["events"] for r in rows})
    steps = list(dict.fromkeys(r["step"] for r in rows))
    cell = {(r["step"], r["events"]): r for r in rows}  # the last run of a step wins

    def fmt(r: dict | None) -> str:
        if r is None:
            return "-"
        size = f" ({r['nodes']:,} n / {r['edges']:,} e)" if "nodes" in r else ""
        return f"{r['seconds']:.2f}{size}"

    head = "| step | " + " | ".join(LABELS.get(n, str(n)) for n in sizes) + " |"
    lines = [head, "|" + " --- |" * (len(sizes) + 1)]
    lines += [f"| {s} | " + " | ".join(fmt(cell.get((s, n))) for n in sizes) + " |" for s in steps]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--table", type=Path, help="print the markdown table of a --json file and exit")
    ap.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--disk", action="store_true", help="load into an on-disk store (for 1M events)")
    ap.add_argument("--json", type=Path, help="also append the rows (JSON lines) to this file")
    args = ap.parse_args(argv)
    if args.table:
        print(table(args.table))
        return 0
    json_out = args.json.open("a") if args.json else None
    for n in args.events:
        run(n, args.disk, json_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
