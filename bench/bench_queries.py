"""Time every library query (queries/*.rq) on a benchmark graph: pyoxigraph and rdflib.

    python bench/bench_queries.py bench/data/100k.nq                 # pyoxigraph in memory
    python bench/bench_queries.py bench/data/100k.nq --store DIR     # on-disk store (loaded once)
    python bench/bench_queries.py bench/data/10k.nq --store DIR --rdflib --timeout 120
                                                      # + rdflib's in-memory engine, and the ratio
    python bench/bench_queries.py bench/data/100k.nq --only alliances hostility

The graphs come from bench/generate.py (another engineer's generator). Each query runs
with its default parameters (a required one takes the `e.g.` of its description); the
time is the best of --repeat runs after one warm-up run, so it measures the engine, not the
first read of the file; it includes converting the answer to Python values. Both the CPU
time of the process (all its threads: a busy machine does not inflate it) and the wall time
are printed: a parallel query (`# parallel: ?part`) runs on every core, so its wall time is
what a user waits, and it is below its CPU time only on a machine with idle cores. With
--timeout each query runs in a forked child (sharing the loaded store) that is given up
after that many seconds (wall).
rdflib runs each query once (no warm-up: it has no cache to warm), in this process, stopped
after --timeout CPU seconds. Prints a Markdown
table; the ratio is rdflib's CPU time over pyoxigraph's.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from conflictkg.errors import BadInput
from conflictkg.query import (
    OxigraphBackend,
    RdflibBackend,
    check_syntax,
    execute,
    list_queries,
    load_query,
)
from conflictkg.summary import check_fresh, summarise
from conflictkg.summary import quads as summary_quads


def example_params(name: str) -> dict[str, str]:
    """Required parameters without a default take the `e.g. "..."` of their description."""
    out = {}
    for p in load_query(name).params:
        if p.required:
            m = re.search(r'e\.g\. "?([^",)]+)"?', p.description)
            if m:
                out[p.name] = m[1]
    return out


def timed(backend, name: str, repeat: int) -> tuple[float, int, float]:
    """The best CPU time of the query over `repeat` runs after a warm-up, its row count, and
    the best wall time.

    CPU time of the process, every thread (on a shared machine the wall clock measures the
    neighbours too); the wall time says what a parallel query gains from idle cores.
    """
    query = load_query(name)
    check_syntax(query)
    params = example_params(name)
    best, wall, n = float("inf"), float("inf"), 0
    for _ in range(repeat + 1):
        t, w = time.process_time(), time.perf_counter()
        n = len(execute(backend, query, params))
        best = min(best, time.process_time() - t)
        wall = min(wall, time.perf_counter() - w)
    return best, n, wall


_BACKEND = None  # the store a forked child inherits (a Store cannot be pickled)


def _timed_inherited(name: str, repeat: int) -> tuple[float, int, float]:
    return timed(_BACKEND, name, repeat)


def _with_timeout(backend, name: str, repeat: int, timeout: float) -> tuple[float, int, float] | None:
    """`timed` in a forked child (it shares the loaded store); None when it runs too long."""
    import multiprocessing as mp

    global _BACKEND
    _BACKEND = backend
    ctx = mp.get_context("fork")
    with ctx.Pool(1) as pool:
        job = pool.apply_async(_timed_inherited, (name, repeat))
        try:
            return job.get(timeout=timeout)
        except mp.TimeoutError:
            pool.terminate()
            return None


class _CpuLimit(Exception):
    pass


def _cpu_limited(backend, name: str, limit: float) -> tuple[float, int, float] | None:
    """One run of a pure-Python engine (rdflib) stopped after `limit` CPU seconds (SIGPROF
    interrupts Python code; on a shared machine a wall-clock limit would measure the
    neighbours). None when stopped."""
    import signal

    def stop(signum, frame):
        raise _CpuLimit

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, limit)
    try:
        return timed(backend, name, 0)
    except _CpuLimit:
        return None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _run(backend, name: str, repeat: int, timeout: float) -> tuple[float, int, float] | None:
    if isinstance(backend, RdflibBackend) and timeout:
        return _cpu_limited(backend, name, timeout)
    if timeout:
        return _with_timeout(backend, name, repeat, timeout)
    return timed(backend, name, repeat)


def _secs(got: tuple[float, int, float] | None, timeout: float, unit: str = "wall") -> str:
    return f"> {timeout:.0f} ({unit})" if got is None else f"{got[0]:.3f}"


def _summarise(store: ox.Store) -> None:
    """The build's last step (conflictkg.summary), timed per summary file."""
    timings: dict[str, float] = {}
    n = summarise(store, timings=timings)
    each = ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
    print(f"summarised: {n} quads in {sum(timings.values()):.1f} CPU-s ({each})", file=sys.stderr)


def machine_speed() -> float:
    """CPU seconds of a fixed pure-Python loop (20M additions), printed with every run: the
    machines here vary by tens of percent from hour to hour (bench/queries.md, fifth
    session), so a figure is read against the speed of the machine that gave it."""
    t = time.process_time()
    total = 0
    for i in range(20_000_000):
        total += i
    return time.process_time() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path, help="an N-Quads file from bench/generate.py")
    ap.add_argument("--store", type=Path, help="load into (or reuse) an on-disk store here")
    ap.add_argument("--rdflib", action="store_true", help="also time rdflib's in-memory engine")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="only these queries")
    ap.add_argument("--queries", type=Path,
                    help="time the .rq files of this folder instead of the library (e.g. the "
                    "library as it was: git archive REV queries | tar -x -C /tmp/old)")
    ap.add_argument("--timeout", type=float, default=0,
                    help="seconds before a query is given up: pyoxigraph wall seconds (each "
                    "query in a forked process), rdflib CPU seconds")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    if args.store:
        if not args.store.exists():
            store = ox.Store(str(args.store))
            store.bulk_load(path=str(args.data), format=ox.RdfFormat.N_QUADS)
            store.optimize()
            del store
        store = ox.Store.read_only(str(args.store))  # several benchmarks can share it
        try:
            check_fresh(store)
        except BadInput:  # a store loaded before summaries existed, or changed since
            del store
            writable = ox.Store(str(args.store))
            _summarise(writable)
            writable.flush()
            del writable
            store = ox.Store.read_only(str(args.store))
        where = f"on-disk store {args.store}"
    else:
        store = ox.Store()
        store.bulk_load(path=str(args.data), format=ox.RdfFormat.N_QUADS)
        _summarise(store)
        where = "in-memory store"
    print(f"machine speed: a 20M-step Python loop took {machine_speed():.2f} CPU-s", file=sys.stderr)
    print(f"loaded {args.data} ({len(store)} quads, {where}) in {time.perf_counter() - t:.1f} s",
          file=sys.stderr)
    graph = None
    if args.rdflib:
        from rdflib import Dataset

        t = time.perf_counter()
        graph = Dataset(default_union=True)
        graph.parse(str(args.data), format="nquads")
        # the same data as the store: the file plus the summaries the store computed
        graph.parse(data=ox.serialize(summary_quads(store), format=ox.RdfFormat.N_QUADS).decode(),
                    format="nquads")
        print(f"rdflib loaded in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    names = args.only or [q.name for q in list_queries()]
    if args.queries:
        names = [str(args.queries / f"{n}.rq") for n in names
                 if (args.queries / f"{n}.rq").is_file()]
    head = "| query | rows | pyoxigraph CPU (s) | pyoxigraph wall (s) |"
    if graph is not None:
        head += " rdflib CPU (s) | rdflib / pyoxigraph |"
    print(head)
    print("|---|---:|---:|---:|" + ("---:|---:|" if graph is not None else ""))
    for name in names:
        got = _run(OxigraphBackend(store), name, args.repeat, args.timeout)
        wall = f"{got[2]:.3f}" if got else ""
        line = f"| {Path(name).stem} | {got[1] if got else ''} | {_secs(got, args.timeout)} | {wall} |"
        if graph is not None:
            rgot = _run(RdflibBackend(graph), name, 0, args.timeout)
            ratio = ""
            if got and rgot:
                ratio = f"{rgot[0] / max(got[0], 1e-3):.0f}x"
            elif got and rgot is None and args.timeout:
                ratio = f"> {args.timeout / max(got[0], 1e-3):.0f}x"
            if got and rgot and rgot[1] != got[1]:
                ratio += f" (rdflib: {rgot[1]} rows)"
            line += f" {_secs(rgot, args.timeout, 'CPU')} | {ratio} |"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
