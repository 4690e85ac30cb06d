"""Benchmark: how conflictkg scales from 10k to 1M events, pyoxigraph against rdflib.

Each measurement runs in its own subprocess, so its peak memory (`ru_maxrss` from
`wait4`) is its own; the parent collects the timings into bench/results/scale.json
(merged across runs, keyed by size and task) and draws the growth plots.

    .venv/bin/python bench/bench_scale.py --sizes 10k,100k             # measure
    .venv/bin/python bench/bench_scale.py --sizes 1m --tasks ox-disk-load,ox-mem
    .venv/bin/python bench/bench_scale.py --report                     # table + plots only

Tasks (each a subprocess; every task but the loads loads the data first, untimed):
  ox-disk-load   conflictkg.loader.load_file: parallel bulk load (one thread per core, chunks
                 of whole graphs) into bench/data/SIZE-store (built beside, swapped in whole),
                 kept for ox-disk-queries, export, and the other engineers' benchmarks;
                 then the summaries (conflictkg.summary, the build's last step), timed apart
  ox-disk-load-serial  one Store.bulk_load(path) into an on-disk store (then removed)
  ox-load-variants     quads already in Python (what `conflictkg build` has) into an on-disk
                 store: bulk_extend (the old build) / N-Quads buffers on 1 and N threads /
                 temporary N-Quads files on N threads
  export         from the on-disk store: Oxigraph's own TriG dump, conflictkg's TriG and
                 Turtle exporters (sorted, prefixed: what `conflictkg export` writes)
  rdflib-load    rdflib Dataset: parse, TriG and Turtle serialisation (no queries)
  ox-mem         pyoxigraph in-memory: load, summaries, each library query, TriG export
  ox-disk-queries each library query on the on-disk store (what `conflictkg query` does)
  rdflib         rdflib Dataset (default graph = union): parse, each library query, TriG export
                 (given the summaries Oxigraph computed, so both engines answer from the same data)
  shacl-batched  conflictkg.validate.validate_store, 1000-node batches, 2 worker processes
  shacl-whole    conflictkg.validate.validate_whole: one pyshacl call over everything
  reason         conflictkg.reason.materialise, then the summaries (timed apart)
  network        conflictkg.network: signed actor network and actor-event graph
Data: bench/data/<size>.nq, made by bench/generate.py when missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
SCALE_JSON = RESULTS / "scale.json"
TASKS = ("ox-disk-load", "ox-disk-load-serial", "ox-load-variants", "export", "rdflib-load",
         "ox-mem", "ox-disk-queries", "rdflib", "shacl-batched", "shacl-whole", "reason", "network")
# rdflib and one-call pyshacl do not fit or finish beyond these sizes on 24 GiB / 2 cores;
# the load variants hold every quad as a Python object
# rdflib serialises ~10k quads per CPU-second: beyond this its exports would take hours
RDFLIB_EXPORT_MAX_QUADS = 1_000_000
DEFAULT_LIMITS = {"rdflib": 100_000, "rdflib-load": 100_000, "ox-load-variants": 100_000,
                  "shacl-whole": 10_000}


def parse_size(text: str) -> int:
    m = re.fullmatch(r"(\d+)([km]?)", text.strip().lower())
    if not m:
        raise SystemExit(f"bad size {text!r}: use e.g. 10k, 100k, 1m")
    return int(m[1]) * {"": 1, "k": 1000, "m": 1_000_000}[m[2]]


def size_name(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


# -- measurements, inside the subprocess ------------------------------------------------------

class Timeout(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    def fire(*_):
        raise Timeout

    # ITIMER_PROF counts this process's CPU time, not wall time (the machine is shared)
    old = signal.signal(signal.SIGPROF, fire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def _example_params(info) -> dict[str, str]:
    out = {}
    for p in info.params:
        if p.required:
            m = re.search(r'e\.g\. "([^"]+)"', p.description)
            out[p.name] = m[1] if m else ""
    return out


def in_child(fn, limit: int) -> dict:
    """Run `fn` in a forked child (copy-on-write: the loaded store is shared), stopped by
    the kernel after `limit` CPU seconds (RLIMIT_CPU: fair on a shared machine) or 20x that
    in wall time: pyoxigraph computes an aggregate in Rust, where no Python signal reaches."""
    import resource

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))
        try:
            t, c = time.perf_counter(), cpu_seconds()
            rows = fn()
            res = {"s": round(time.perf_counter() - t, 4), "cpu": round(cpu_seconds() - c, 4),
                   "rows": rows}
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            res = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        os.write(w, json.dumps(res).encode())
        os._exit(0)
    os.close(w)
    deadline = time.perf_counter() + 20 * limit
    while True:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(r)
            return {"timeout": limit}
        time.sleep(0.05)
    data = os.read(r, 1 << 16)
    os.close(r)
    return json.loads(data) if data else {"timeout": limit}  # killed by SIGXCPU


def run_library(store, out: dict, prefix: str, limit: int, fork: bool = True) -> None:
    """Time every library query once (its default parameters), each with a time limit
    (forked children for pyoxigraph; a CPU-time timer for rdflib, which is pure Python)."""
    from conflictkg.query import list_queries, run_query

    for info in list_queries():
        def one(info=info) -> int:
            return len(run_query(store() if callable(store) else store, info.name,
                                 _example_params(info)))

        if fork:
            res = in_child(one, limit)
        else:
            t, c = time.perf_counter(), cpu_seconds()
            try:
                with time_limit(limit):
                    rows = one()
                res = {"s": round(time.perf_counter() - t, 4), "cpu": round(cpu_seconds() - c, 4),
                       "rows": rows}
            except Timeout:
                res = {"timeout": limit}
        if "s" in res:
            out[f"{prefix}query:{info.name}"] = res["s"]
            out[f"{prefix}query_cpu:{info.name}"] = res["cpu"]
            out[f"rows:{info.name}"] = res["rows"]
        else:
            out[f"{prefix}query:{info.name}"] = (f">{limit}" if "timeout" in res
                                                 else f"error: {res['error']}")
        progress(f"  {prefix}{info.name}: {out[f'{prefix}query:{info.name}']}"
                 + (f" (CPU {res['cpu']} s)" if "cpu" in res else ""))


def progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cpu_seconds() -> float:
    """CPU time of this process (all threads) and its finished children: unlike wall time,
    it does not grow when other work shares the machine's cores."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def ox_load_memory(nq: Path):
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    return store


def task(name: str, nq: Path, work: Path, query_limit: int) -> dict:
    import pyoxigraph as ox

    from conflictkg.summary import quads as summary_quads
    from conflictkg.summary import summarise

    out: dict = {}
    t0, c0 = time.perf_counter(), cpu_seconds()

    def lap(key: str) -> None:
        nonlocal t0, c0
        out[key] = round(time.perf_counter() - t0, 3)
        out[f"{key}_cpu"] = round(cpu_seconds() - c0, 3)
        progress(f"  {key}: {out[key]} s (CPU {out[f'{key}_cpu']} s)")
        t0, c0 = time.perf_counter(), cpu_seconds()

    disk = store_dir(nq)
    if name == "ox-disk-load":
        from conflictkg.loader import load_file
        from conflictkg.store import build_store, open_store

        # built beside and swapped in whole, as `conflictkg build` does
        stats = build_store(disk, lambda store: load_file(store, nq))
        lap("load")
        out.update(threads=stats.threads, chunks=stats.chunks)
        store = open_store(disk)
        out["summary_quads"] = summarise(store)  # the build's last step: the queries read them
        store.flush()
        lap("summarise")
        _describe(store, out)
        del store
        out["store_mb"] = _mb(disk)
    elif name == "ox-disk-load-serial":
        serial = work / "store-serial"
        shutil.rmtree(serial, ignore_errors=True)
        store = ox.Store(str(serial))
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.flush()
        lap("load")
        out["quads"] = len(store)
        del store
        out["store_mb"] = _mb(serial)
        shutil.rmtree(serial)
    elif name == "ox-load-variants":
        _load_variants(nq, work, out, lap)
    elif name == "export":
        from conflictkg.export import formats

        store = ox.Store.read_only(str(disk))
        t0, c0 = time.perf_counter(), cpu_seconds()
        chosen = os.environ.get("BENCH_EXPORTS", "dump-trig,trig,ttl").split(",")
        for key, write in (("export_dump_trig", lambda fh: store.dump(fh, format=ox.RdfFormat.TRIG)),
                           ("export_trig", lambda fh: formats()["trig"].write(store, fh)),
                           ("export_ttl", lambda fh: formats()["ttl"].write(store, fh))):
            if key.removeprefix("export_").replace("_", "-") not in chosen:
                continue
            target = work / f"{key}.out"
            with open(target, "wb") as fh:
                write(fh)
            lap(key)
            out[f"{key}_mb"] = round(target.stat().st_size / 2**20)
            target.unlink()
    elif name == "rdflib-load":
        from rdflib import Dataset

        ds = Dataset(default_union=True)
        ds.parse(str(nq), format="nquads")
        lap("load")
        out["quads"] = len(ds)
        if out["quads"] > RDFLIB_EXPORT_MAX_QUADS:
            return out
        for key, fmt in (("export_trig", "trig"), ("export_ttl", "turtle")):
            target = work / f"rdflib-{key}.out"
            ds.serialize(str(target), format=fmt)
            lap(key)
            target.unlink()
    elif name == "ox-mem":
        store = ox_load_memory(nq)
        lap("load")
        out["quads"] = len(store)
        summarise(store)
        lap("summarise")
        run_library(store, out, "", query_limit)
        t0, c0 = time.perf_counter(), cpu_seconds()
        with open(work / "export.trig", "wb") as fh:
            store.dump(fh, format=ox.RdfFormat.TRIG)
        lap("export_trig")
        (work / "export.trig").unlink()
    elif name == "ox-disk-queries":
        # each query in a child that opens the store itself (RocksDB must not cross a fork)
        run_library(lambda: ox.Store.read_only(str(disk)), out, "", query_limit)
    elif name == "rdflib":
        from rdflib import Dataset

        ds = Dataset(default_union=True)
        ds.parse(str(nq), format="nquads")
        lap("load")
        out["quads"] = len(ds)
        # the same data as the stores: the summaries Oxigraph computed (not timed as rdflib's)
        mem = ox_load_memory(nq)
        summarise(mem)
        ds.parse(data=ox.serialize(summary_quads(mem),
                                   format=ox.RdfFormat.N_QUADS).decode(), format="nquads")
        del mem
        t0, c0 = time.perf_counter(), cpu_seconds()
        run_library(ds, out, "", query_limit, fork=False)
        t0, c0 = time.perf_counter(), cpu_seconds()
        ds.serialize(str(work / "export-rdflib.trig"), format="trig")
        lap("export_trig")
        (work / "export-rdflib.trig").unlink()
    elif name in ("shacl-batched", "shacl-whole"):
        from conflictkg.validate import validate_store, validate_whole

        store = ox_load_memory(nq)
        lap("load")
        report = (validate_store(store, workers=2, progress=True) if name == "shacl-batched"
                  else validate_whole(store))
        lap("validate")
        out["results"] = len(report.results)
        out["batches"] = getattr(report, "batches", 1)
    elif name == "reason":
        from conflictkg.reason import materialise

        store = ox_load_memory(nq)
        lap("load")
        out["inferred"] = materialise(store)
        lap("materialise")
        out["summary_quads"] = summarise(store)
        lap("summarise")
    elif name == "network":
        from conflictkg.network.bipartite import actor_event_graph
        from conflictkg.network.projections import signed_actor_network

        store = ox_load_memory(nq)
        lap("load")
        g = signed_actor_network(store, evidence=False)
        lap("signed_actor_network")
        out["actors"], out["ties"] = g.number_of_nodes(), g.number_of_edges()
        b = actor_event_graph(store)
        lap("actor_event_graph")
        out["bipartite_nodes"] = b.number_of_nodes()
    else:
        raise SystemExit(f"unknown task {name}")
    return out


def store_dir(nq: Path) -> Path:
    """Where the on-disk store of `bench/data/SIZE.nq` is kept: `bench/data/SIZE-store`,
    an ordinary conflictkg store (`conflictkg query --store bench/data/1m-store ...`)."""
    return nq.with_name(f"{nq.stem}-store")


def _mb(path: Path) -> int:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20)


def _describe(store, out: dict) -> None:
    """Quads and events of a loaded store (untimed), for quads per event."""
    from conflictkg.store import select
    from conflictkg.vocab import sparql_prefixes

    out["quads"] = len(store)
    res = select(store, sparql_prefixes() + "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?e a ckg:Event } }")
    out["events"] = int(next(iter(res))["n"].value)
    out["quads_per_event"] = round(out["quads"] / max(1, out["events"]), 1)


def _load_variants(nq: Path, work: Path, out: dict, lap) -> None:
    """Quads built in Python (as `conflictkg build` has them, grouped by report) into a fresh
    on-disk store, four ways: is it faster to hand them to the threads as N-Quads buffers
    or as temporary files?"""
    import tempfile
    import threading

    import pyoxigraph as ox

    from conflictkg.loader import default_threads, load_chunks, quad_chunks

    graphs: dict[str, list] = {}
    for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(str(q.graph_name), []).append(q)
    batches = list(graphs.values())
    del graphs
    threads = default_threads()
    out["threads"] = threads
    lap("parse")

    def temp_files(store) -> None:
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            paths = []
            for i, data in enumerate(quad_chunks(batches)):
                if isinstance(data, list):
                    store.bulk_extend(data)
                    continue
                path = Path(tmp) / f"{i}.nq"
                path.write_bytes(data)
                paths.append(path)

            def one(mine: list[Path]) -> None:
                for path in mine:
                    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)

            ts = [threading.Thread(target=one, args=(paths[i::threads],)) for i in range(threads)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()

    variants = {
        "load_bulk_extend": lambda store: store.bulk_extend(q for b in batches for q in b),
        "load_buffers_1": lambda store: load_chunks(store, quad_chunks(batches), 1, lenient=True),
        "load_buffers_n": lambda store: load_chunks(store, quad_chunks(batches), threads,
                                                    lenient=True),
        "load_tempfiles_n": temp_files,
    }
    target = work / "store-variant"
    for key, fill in variants.items():
        shutil.rmtree(target, ignore_errors=True)
        store = ox.Store(str(target))
        lap(f"{key}_setup")  # restarts the clock
        fill(store)
        store.flush()
        lap(key)
        out[f"{key}_quads"] = len(store)
        del store
    shutil.rmtree(target, ignore_errors=True)


# -- the parent: subprocesses, results, report -----------------------------------------------

def run_task(name: str, nq: Path, work: Path, query_limit: int, timeout: int) -> dict:
    """Run one task in a subprocess; its result plus wall seconds and peak RSS (MiB)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--task", name, "--data", str(nq),
           "--work", str(work), "--query-limit", str(query_limit)]
    t = time.perf_counter()
    load_before = os.getloadavg()[0]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    deadline = t + timeout
    status = "ok"
    while True:
        pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, code, usage = os.wait4(proc.pid, 0)
            status = f"timeout>{timeout}s"
            break
        time.sleep(0.2)
    out = proc.stdout.read() if proc.stdout else ""
    result = {}
    if status == "ok":
        if code != 0:
            status = f"failed (exit {os.waitstatus_to_exitcode(code)})"
        else:
            result = json.loads(out.strip().splitlines()[-1])
    result.update(status=status, wall_s=round(time.perf_counter() - t, 2),
                  cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
                  peak_rss_mb=round(usage.ru_maxrss / 1024),
                  loadavg=[round(load_before, 1), round(os.getloadavg()[0], 1)])
    return result


def load_results() -> dict:
    if SCALE_JSON.exists():
        return json.loads(SCALE_JSON.read_text())
    return {}


def save_results(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    tmp = SCALE_JSON.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    tmp.replace(SCALE_JSON)


def measure(sizes: list[int], tasks: list[str], limits: dict[str, int], query_limit: int,
            timeout: int) -> None:
    sys.path.insert(0, str(HERE))
    from generate import generate_stats

    for n in sizes:
        name = size_name(n)
        nq = DATA / f"{name}.nq"
        if not nq.exists():
            progress(f"generating {nq}")
            st = generate_stats(n, nq)
            results = load_results()
            results.setdefault(name, {})["generate"] = {
                "status": "ok", "wall_s": round(st.seconds, 1), "reports": st.reports,
                "events": st.events, "quads": st.quads}
            save_results(results)
        work = DATA / f"work-{name}"
        work.mkdir(parents=True, exist_ok=True)
        for t in tasks:
            if n > limits.get(t, n):
                progress(f"[{name}] {t}: skipped (beyond {size_name(limits[t])})")
                continue
            progress(f"[{name}] {t} ...")
            r = run_task(t, nq, work, query_limit, timeout)
            progress(f"[{name}] {t}: {r['status']}, {r['wall_s']} s, peak {r['peak_rss_mb']} MiB")
            r["nq_mb"] = round(nq.stat().st_size / 2**20)
            results = load_results()
            results.setdefault(name, {})[t] = r
            save_results(results)


# -- report: the table in bench/README.md and the plots ---------------------------------------

def _num(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) else None


def report(results: dict) -> str:
    """A markdown table per measure, one column per size."""
    sizes = sorted(results, key=parse_size)
    rows: list[tuple[str, list[str]]] = []

    def cell(size: str, t: str, key: str) -> str:
        r = results[size].get(t)
        if not r:
            return "–"
        if r.get("status") not in ("ok", "partial"):
            return r["status"]
        v = r.get(key)
        cpu = r.get(key.replace("query:", "query_cpu:") if key.startswith("query:") else f"{key}_cpu")
        if isinstance(v, float) and isinstance(cpu, (int, float)):
            return f"{cpu:.2f} ({v:.1f})"  # CPU seconds (wall seconds)
        if isinstance(v, list):
            return " / ".join(map(str, v))
        return "–" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))

    def add(label: str, t: str, key: str) -> None:
        rows.append((label, [cell(s, t, key) for s in sizes]))

    add("events", "ox-disk-load", "events")
    add("quads", "ox-disk-load", "quads")
    add("quads / event", "ox-disk-load", "quads_per_event")
    add("N-Quads file (MiB)", "ox-disk-load", "nq_mb")
    add("load, on disk, parallel: conflictkg.loader (s)", "ox-disk-load", "load")
    add("  threads", "ox-disk-load", "threads")
    add("  CPU seconds of the whole process", "ox-disk-load", "cpu_s")
    add("  peak memory (MiB)", "ox-disk-load", "peak_rss_mb")
    add("  store size on disk (MiB)", "ox-disk-load", "store_mb")
    add("  load average before / after", "ox-disk-load", "loadavg")
    add("load, on disk, one bulk_load (s)", "ox-disk-load-serial", "load")
    add("  peak memory (MiB)", "ox-disk-load-serial", "peak_rss_mb")
    add("  load average before / after", "ox-disk-load-serial", "loadavg")
    add("Python quads -> disk: bulk_extend (old build) (s)", "ox-load-variants", "load_bulk_extend")
    add("Python quads -> disk: N-Quads buffers, 1 thread (s)", "ox-load-variants", "load_buffers_1")
    add("Python quads -> disk: N-Quads buffers, N threads (s)", "ox-load-variants",
        "load_buffers_n")
    add("Python quads -> disk: temp files, N threads (s)", "ox-load-variants", "load_tempfiles_n")
    add("load, pyoxigraph in memory (s)", "ox-mem", "load")
    add("load, rdflib Dataset (s)", "rdflib-load", "load")
    add("  peak memory (MiB)", "rdflib-load", "peak_rss_mb")
    add("TriG export, Oxigraph dump from disk (s)", "export", "export_dump_trig")
    add("TriG export, conflictkg from disk (s)", "export", "export_trig")
    add("Turtle export, conflictkg from disk (s)", "export", "export_ttl")
    add("  TriG size (MiB)", "export", "export_trig_mb")
    add("  Turtle size (MiB)", "export", "export_ttl_mb")
    add("  peak memory, export (MiB)", "export", "peak_rss_mb")
    add("TriG export, rdflib (s)", "rdflib-load", "export_trig")
    add("Turtle export, rdflib (s)", "rdflib-load", "export_ttl")
    add("TriG export, pyoxigraph in memory (s)", "ox-mem", "export_trig")
    add("peak memory, pyoxigraph in memory: load+queries+export (MiB)", "ox-mem", "peak_rss_mb")
    add("peak memory, rdflib: load+queries+export (MiB)", "rdflib", "peak_rss_mb")
    add("SHACL, batched, 2 processes (s)", "shacl-batched", "validate")
    add("  peak memory (MiB, parent)", "shacl-batched", "peak_rss_mb")
    add("SHACL, one pyshacl call (s)", "shacl-whole", "validate")
    add("  peak memory (MiB)", "shacl-whole", "peak_rss_mb")
    add("materialise (s)", "reason", "materialise")
    add("  inferred triples", "reason", "inferred")
    add("signed actor network (s)", "network", "signed_actor_network")
    add("actor-event graph (s)", "network", "actor_event_graph")
    queries = sorted({k.split(":", 1)[1] for s in sizes for t in ("ox-mem", "rdflib")
                      for k in results[s].get(t, {}) if k.startswith("query:")})
    for q in queries:
        add(f"query {q}: pyoxigraph in memory (s)", "ox-mem", f"query:{q}")
        add(f"query {q}: pyoxigraph on disk (s)", "ox-disk-queries", f"query:{q}")
        add(f"query {q}: rdflib (s)", "rdflib", f"query:{q}")
    lines = ["| measure | " + " | ".join(f"{s} events" for s in sizes) + " |",
             "| --- |" + " ---: |" * len(sizes)]
    lines += [f"| {label} | " + " | ".join(vals) + " |" for label, vals in rows
              if any(v != "–" for v in vals)]  # measures not taken at any size are left out
    return "\n".join(lines)


def plots(results: dict) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results, key=parse_size)
    xs = [parse_size(s) for s in sizes]

    def series(t: str, key: str):
        # CPU seconds where measured: the machine was shared, wall time was inflated
        cpu_key = key.replace("query:", "query_cpu:") if key.startswith("query:") else f"{key}_cpu"
        pts = [(x, _num(results[s].get(t, {}).get(cpu_key, results[s].get(t, {}).get(key))))
               for x, s in zip(xs, sizes, strict=True)
               if results[s].get(t, {}).get("status") in ("ok", "partial")]
        return [p for p in pts if p[1] is not None]

    out = []
    panels = {
        "scale-load-export.png": [("ox-disk-load", "load", "load, on disk, parallel"),
                                  ("ox-disk-load-serial", "load", "load, on disk, one bulk_load"),
                                  ("export", "export_trig", "TriG export (conflictkg), disk"),
                                  ("export", "export_ttl", "Turtle export (conflictkg), disk"),
                                  ("rdflib-load", "load", "load, rdflib"),
                                  ("ox-mem", "load", "load, pyoxigraph in memory"),
                                  ("ox-mem", "export_trig", "TriG export, pyoxigraph in memory"),
                                  ("rdflib-load", "export_trig", "TriG export, rdflib"),
                                  ("shacl-batched", "validate", "SHACL batched"),
                                  ("shacl-whole", "validate", "SHACL one call"),
                                  ("reason", "materialise", "materialise"),
                                  ("network", "signed_actor_network", "signed network")],
        "scale-memory.png": [(t, "peak_rss_mb", t) for t in TASKS],
    }
    queries = sorted({k.split(":", 1)[1] for s in sizes for k in results[s].get("ox-mem", {})
                      if k.startswith("query:")})
    panels["scale-queries.png"] = [(t, f"query:{q}", f"{q}" if t == "ox-disk-queries" else "")
                                   for q in queries
                                   for t in ("ox-disk-queries", "ox-mem", "rdflib")]
    styles = {"ox-disk-queries": "-", "ox-mem": ":", "rdflib": "--"}
    for fname, lines in panels.items():
        if not any(series(t, key) for t, key, _label in lines):
            continue  # nothing measured for this plot (e.g. the queries: bench_queries.py)
        fig, ax = plt.subplots(figsize=(9, 6))
        colours: dict[str, object] = {}
        for t, key, label in lines:
            pts = series(t, key)
            if not pts:
                continue
            if fname == "scale-queries.png":
                q = key.split(":", 1)[1]
                line = ax.plot([p[0] for p in pts], [p[1] for p in pts], styles[t], marker="o",
                               label=label or None, color=colours.get(q))
                colours.setdefault(q, line[0].get_color())
            else:
                ax.plot([p[0] for p in pts], [p[1] for p in pts],
                        "--" if t == "rdflib" else "-", marker="o", label=label)
        if fname == "scale-queries.png":
            ax.text(0.01, 0.01, "solid: pyoxigraph on disk; dotted: in memory; dashed: rdflib",
                    transform=ax.transAxes, fontsize=8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("events")
        ax.set_ylabel("peak RSS (MiB)" if "memory" in fname else "CPU seconds")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6 if "queries" in fname else 8, ncol=2 if "queries" in fname else 1)
        ax.set_title(f"conflictkg: {fname[6:-4].replace('-', ' and ')} vs events (2 cores)")
        path = RESULTS / fname
        fig.tight_layout()
        fig.savefig(path, dpi=90)
        plt.close(fig)
        out.append(path)
    return out


def salvage(log: Path, size: str, task_name: str) -> dict:
    """Recover the measurements of a task that was stopped before it finished, from the
    progress lines it printed (`  load: 12.3 s (CPU 1.2 s)`, `  alliances: 4.5 (CPU 0.4 s)`,
    `  coalitions: >60`), as a result with status "partial"."""
    lines = log.read_text().splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith(f"[{size}] {task_name} ..."))
    out: dict = {"status": "partial", "note": f"stopped before the end; salvaged from {log.name}"}
    from conflictkg.query import list_queries

    names = {q.name for q in list_queries()}
    for line in lines[start + 1:]:
        if line.startswith("["):
            break
        m = re.fullmatch(r"  ([\w-]+): ([\d.]+)(?: s)? \(CPU ([\d.]+) s\)", line)
        if m:
            key, wall, cpu = m[1], float(m[2]), float(m[3])
            if key in names:
                out[f"query:{key}"], out[f"query_cpu:{key}"] = wall, cpu
            else:
                out[key], out[f"{key}_cpu"] = wall, cpu
            continue
        m = re.fullmatch(r"  ([\w-]+): (>\d+)", line)
        if m:
            out[f"query:{m[1]}"] = m[2]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k,100k,1m")
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--rdflib-up-to", default=size_name(DEFAULT_LIMITS["rdflib"]))
    ap.add_argument("--shacl-whole-up-to", default=size_name(DEFAULT_LIMITS["shacl-whole"]))
    ap.add_argument("--query-limit", type=int, default=60,
                    help="CPU seconds per query before giving up")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per task before killing it")
    ap.add_argument("--exports", default="dump-trig,trig,ttl",
                    help="the export task's formats: dump-trig (Oxigraph's), trig, ttl (conflictkg's)")
    ap.add_argument("--report", action="store_true", help="only print the table and draw the plots")
    ap.add_argument("--salvage", nargs=3, metavar=("LOG", "SIZE", "TASK"),
                    help="record a stopped task's measurements from its progress log")
    ap.add_argument("--task", help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    os.environ.setdefault("BENCH_EXPORTS", args.exports)  # read by the export task's subprocess
    if args.task:  # inside the subprocess
        print(json.dumps(task(args.task, args.data, args.work, args.query_limit)))
        return 0
    if args.salvage:
        log, size, name = args.salvage
        results = load_results()
        results.setdefault(size, {})[name] = salvage(Path(log), size, name)
        save_results(results)
    elif not args.report:
        limits = {**DEFAULT_LIMITS, "rdflib": parse_size(args.rdflib_up_to),
                  "rdflib-load": parse_size(args.rdflib_up_to),
                  "shacl-whole": parse_size(args.shacl_whole_up_to)}
        measure([parse_size(s) for s in args.sizes.split(",")], args.tasks.split(","), limits,
                args.query_limit, args.timeout)
    results = load_results()
    print(report(results))
    for p in plots(results):
        progress(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
