"""Benchmark: `conflictkg build` over the whole State Department corpus (1,721 reports).

The corpus (../shared/corpus/state-dept-hr-reports-2016-2024.jsonl.gz, read with
`conflictkg.reports.iter_corpus`) is written out as report files with their metadata
sidecars under bench/data/corpus/, as a user would keep them; then the real command
runs on them end to end (extract, graph, load, validate, reason, export) in a
subprocess, and this script reports its time per stage (from the build's summary),
events, triples, store size, and peak memory of the whole process tree (sampled from
/proc every 0.2 s, the extraction workers included).

    .venv/bin/python bench/bench_corpus.py               # the whole corpus
    .venv/bin/python bench/bench_corpus.py --limit 50    # a trial on the first 50 reports

Results: bench/results/corpus.json (and printed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "state-dept-hr-reports-2016-2024.jsonl.gz"
DATA = HERE / "data"


def write_reports(corpus: Path, folder: Path, limit: int | None) -> int:
    """The corpus as NAME.txt + NAME.meta.json files (what `conflictkg build DIR` reads)."""
    from conflictkg.reports import iter_corpus

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    n = 0
    for report in iter_corpus(corpus, limit=limit):
        stem = Path(report.doc).stem
        (folder / f"{stem}.txt").write_text(report.text, encoding="utf-8")
        (folder / f"{stem}.meta.json").write_text(json.dumps(report.meta.to_json()), encoding="utf-8")
        n += 1
    return n


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of `pid` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            pages = int((d / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
        rss[int(d.name)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, ()))
    return total


def run_build(folder: Path, store: Path, out: Path, workers: int, extra: list[str]) -> dict:
    exe = Path(sys.executable).parent / "conflictkg"
    cmd = [str(exe), "build", str(folder), "--store", str(store), "--out", str(out),
           "--workers", str(workers), "--progress", *extra]
    peak = 0
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    wall = time.perf_counter() - t0
    result = {"exit_code": os.waitstatus_to_exitcode(status), "wall_s": round(wall, 1),
              "cpu_s_main_process": round(usage.ru_utime + usage.ru_stime, 1),
              "peak_rss_tree_mb": round(peak / 2**20), "peak_rss_main_mb": round(usage.ru_maxrss / 1024),
              "summary": stdout}
    for key in ("reports", "events", "relations", "triples"):
        m = re.search(rf"^{key}\s+(\d+)", stdout, re.M)
        if m:
            result[key] = int(m[1])
    m = re.search(r"^time\s+(.*)$", stdout, re.M)
    if m:
        result["stages_s"] = {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+)s", m[1])
                              if k != "total"}
    if store.exists():
        result["store_mb"] = round(sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) / 2**20)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="only the first N reports")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-export", action="store_true", help="pass --no-export to the build")
    ap.add_argument("-o", "--output", type=Path, default=HERE / "results" / "corpus.json")
    args = ap.parse_args(argv)
    name = "corpus" if args.limit is None else f"corpus-{args.limit}"
    folder, store, out = DATA / name, DATA / f"{name}-store", DATA / f"{name}-out"
    t = time.perf_counter()
    n = write_reports(args.corpus, folder, args.limit)
    written = time.perf_counter() - t
    print(f"wrote {n} reports to {folder} in {written:.1f} s", file=sys.stderr)
    result = run_build(folder, store, out, args.workers, ["--no-export"] if args.no_export else [])
    chars = sum(f.stat().st_size for f in folder.glob("*.txt"))
    result.update(corpus=str(args.corpus.name), limit=args.limit, workers=args.workers,
                  write_reports_s=round(written, 1), text_bytes=chars,
                  loadavg_end=round(os.getloadavg()[0], 1))
    print(result.pop("summary"))
    print(json.dumps(result, indent=1))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    results[name] = result
    args.output.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    return 0 if result["exit_code"] in (0, 1) else result["exit_code"]


if __name__ == "__main__":
    sys.exit(main())
