"""`conflictkg build`: the seeds' graph, deterministic, consistent; every failure mode exits 2
naming the file, writes nothing and leaves the existing store as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conflictkg.cli import main
from conflictkg.store import open_store, triple_count

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "eval" / "gold"


def facts_args() -> list[str]:
    if not GOLD.exists():
        pytest.skip("shared/eval/gold is not beside the checkout")
    args = []
    for p in sorted(GOLD.glob("0*.jsonl")):
        args += ["--facts", str(p)]
    return [*args, "--relations", str(GOLD / "relations.jsonl")]


def run_build(tmp: Path, *extra: str, reports: list[str] | None = None):
    args = ["build", *(reports if reports is not None else [str(ROOT / "seeds")]),
            "--store", str(tmp / "store"), "--out", str(tmp / "out"), "--workers", "1",
            *facts_args(), *extra]
    return CliRunner().invoke(main, args)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("build")
    result = run_build(tmp)
    assert result.exit_code == 0, result.output
    return tmp


def test_build_summary_and_outputs(built, gold_result) -> None:
    store = open_store(built / "store")
    n_events = len(gold_result.events)
    events = store.query("SELECT (COUNT(DISTINCT ?e) AS ?n) { ?e a <https://w3id.org/conflictkg/"
                         "ontology#Event> }", use_default_graph_as_union=True)
    assert int(next(iter(events))["n"].value) == n_events
    graphs = {g.value.rsplit("/", 1)[-1] for g in store.named_graphs()}
    assert {"registry", "ontology", "000_b5fb28bacdc11b19", "001_1de2b2a600e760d6"} <= graphs
    for name in ("conflictkg.trig", "conflictkg.ttl", "events.jsonl", "relations.jsonl",
                 "validation.txt"):
        assert (built / "out" / name).stat().st_size > 0, name
    assert "conforms" in (built / "out" / "validation.txt").read_text()
    assert sum(1 for _ in (built / "out" / "events.jsonl").open()) == n_events


def test_same_input_same_bytes(built, tmp_path) -> None:
    again = run_build(tmp_path)
    assert again.exit_code == 0, again.output
    for word in ("reports    2", "events", "actors", "relations", "triples", "validation conforms",
                 "reasoning", "time"):
        assert word in again.output
    for name in ("conflictkg.trig", "conflictkg.ttl", "events.jsonl", "relations.jsonl",
                 "validation.txt"):
        assert (built / "out" / name).read_bytes() == (tmp_path / "out" / name).read_bytes(), name


def test_seed_graph_is_consistent_for_hermit(built) -> None:
    if shutil.which("java") is None:
        pytest.skip("no Java for HermiT")
    from conflictkg.reason import check_consistency

    report = check_consistency(open_store(built / "store"))
    assert report.consistent, report.summary()


def test_real_extractor_build(tmp_path) -> None:
    """The README's command: `conflictkg build` with the real extractor."""
    try:
        from conflictkg.extract import extract  # noqa: F401
    except ImportError:
        pytest.skip("the extractor has not landed yet")
    result = CliRunner().invoke(main, ["build", "--store", str(tmp_path / "store"),
                                       "--out", str(tmp_path / "out"), "--no-reason"])
    assert result.exit_code == 0, result.output  # default input seeds/, and it conforms
    assert "reports    2" in result.output and "validation conforms" in result.output


# -- failure modes: exit 2, the file named, nothing written, the old store intact -----------

def _report(dir_: Path, name: str, text: bytes | None, meta: dict | None) -> Path:
    path = dir_ / f"{name}.txt"
    if text is not None:
        path.write_bytes(text)
    if meta is not None:
        (dir_ / f"{name}.meta.json").write_text(json.dumps(meta))
    return path


BAD_REPORTS = {
    "empty": (b"   \n", {"covers": 2023}, "empty"),
    "latin1": ("Ségou".encode("latin-1"), {"covers": 2023}, "not UTF-8"),
    "nometa": (b"Some text.", None, "no metadata"),
    "badyear": (b"Some text.", {"covers": "soon"}, "must be a year"),
    "badjson": (b"Some text.", None, "cannot read the metadata"),
    "missing": (None, None, "no such file"),
}


@pytest.fixture()
def previous(tmp_path, built) -> Path:
    """A copy of a good store and outputs, to check a failed build leaves them alone."""
    shutil.copytree(built / "store", tmp_path / "store")
    shutil.copytree(built / "out", tmp_path / "out")
    return tmp_path


def _snapshot(tmp: Path) -> tuple[int, dict[str, bytes]]:
    outs = {p.name: p.read_bytes() for p in sorted((tmp / "out").iterdir())}
    return triple_count(open_store(tmp / "store")), outs


@pytest.mark.parametrize("case", sorted(BAD_REPORTS))
def test_bad_report(previous, case) -> None:
    text, meta, words = BAD_REPORTS[case]
    inputs = previous / "in"
    inputs.mkdir()
    path = _report(inputs, case, text, meta)
    if case == "badjson":
        (inputs / f"{case}.meta.json").write_text("{not json")
    before = _snapshot(previous)
    result = run_build(previous, reports=[str(path)])
    assert result.exit_code == 2, result.output
    assert str(path.stem) in result.output and words in result.output, result.output
    assert _snapshot(previous) == before
    assert sorted(p.name for p in previous.iterdir()) == ["in", "out", "store"]


def test_two_reports_same_name(previous) -> None:
    for sub in ("a", "b"):
        (previous / sub).mkdir()
        _report(previous / sub, "r", b"Some text.", {"covers": 2023})
    result = run_build(previous, reports=[str(previous / "a"), str(previous / "b")])
    assert result.exit_code == 2, result.output
    assert "same report name" in result.output and str(previous / "b" / "r.txt") in result.output


def test_bad_facts_file(previous) -> None:
    bad = previous / "events.jsonl"
    bad.write_text('{"id": "x", "doc": "a.txt", "types": []}\n{broken\n')
    before = _snapshot(previous)
    result = CliRunner().invoke(main, ["build", str(ROOT / "seeds"), "--store",
                                       str(previous / "store"), "--out", str(previous / "out"),
                                       "--facts", str(bad)])
    assert result.exit_code == 2, result.output
    assert "events.jsonl: record 1: not a valid event" in result.output
    assert _snapshot(previous) == before


def test_store_not_a_store(tmp_path) -> None:
    notes = tmp_path / "store"
    notes.mkdir()
    (notes / "keep.txt").write_text("mine")
    result = run_build(tmp_path)
    assert result.exit_code == 2, result.output
    assert "not a store" in result.output and str(notes) in result.output
    assert [p.name for p in notes.iterdir()] == ["keep.txt"]
    assert not (tmp_path / "out").exists()


def test_store_locked(previous) -> None:
    before = _snapshot(previous)
    holder = open_store(previous / "store", read_only=False)
    try:
        result = run_build(previous)
    finally:
        del holder
    assert result.exit_code == 2, result.output
    assert "locked" in result.output and str(previous / "store") in result.output
    assert _snapshot(previous) == before


def test_killed_build_leaves_store_intact(previous) -> None:
    """SIGKILL in the middle of a build (its scratch store exists): the old store is intact
    and openable, and the next build clears the leftovers."""
    before = _snapshot(previous)
    code = ("import sys; from conflictkg.cli import main; sys.exit(main())")
    args = [sys.executable, "-c", code, "build", str(ROOT / "seeds"), "--store",
            str(previous / "store"), "--out", str(previous / "out"), "--workers", "1",
            *facts_args()]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    scratch = None
    while time.monotonic() < deadline and proc.poll() is None:
        found = [p for p in previous.iterdir() if p.name.startswith(".store.new-")]
        if found and (found[0] / "CURRENT").exists():
            scratch = found[0]
            break
        time.sleep(0.005)
    assert scratch is not None and proc.poll() is None, "the build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _snapshot(previous) == before
    store = open_store(previous / "store", read_only=False)  # not left locked either
    assert len(store) > 0
    del store
    again = run_build(previous, "--no-reason", "--no-validate", "--no-export")
    assert again.exit_code == 0, again.output
    assert "reasoning  not run" in again.output and "validation not run" in again.output
    assert not any(p.name.startswith(".store.") for p in previous.iterdir())
    assert isinstance(open_store(previous / "store"), ox.Store)


def test_store_and_out_unwritable(tmp_path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["build", str(ROOT / "seeds"), "--store", str(blocker / "store"),
                                       "--no-validate", "--no-reason", *facts_args()])
    assert result.exit_code == 2, result.output
    assert "afile" in result.output
    result = CliRunner().invoke(main, ["build", str(ROOT / "seeds"), "--store", str(tmp_path / "st"),
                                       "--out", str(blocker / "out"), "--no-validate", "--no-reason",
                                       *facts_args()])
    assert result.exit_code == 2, result.output
    assert "afile" in result.output and "cannot write" in result.output
    assert not (tmp_path / "st").exists()  # refused before the store was touched


def test_validate_the_built_store(built, tmp_path) -> None:
    out = tmp_path / "report.ttl"
    result = CliRunner().invoke(main, ["validate", "--store", str(built / "store"), "--format",
                                       "turtle", "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output  # the one-line summary on stderr
    assert "sh:conforms true" in out.read_text()


def test_facts_with_unknown_terms(previous) -> None:
    bad = previous / "events.jsonl"
    bad.write_text(json.dumps({"id": "000_b5fb28bacdc11b19-x1", "doc": "000_b5fb28bacdc11b19.txt",
                               "quotes": [], "types": ["Massacre"]}) + "\n")
    before = _snapshot(previous)
    result = CliRunner().invoke(main, ["build", str(ROOT / "seeds"), "--store",
                                       str(previous / "store"), "--out", str(previous / "out"),
                                       "--facts", str(bad)])
    assert result.exit_code == 2, result.output
    assert "000_b5fb28bacdc11b19.txt" in result.output and "Massacre" in result.output
    assert _snapshot(previous) == before
