"""Shared fixtures: the real seed reports, the registry, and graphs built from them."""

from __future__ import annotations

import gc
import importlib.util
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

from conflictkg.facts import ExtractionResult, read_events, read_relations
from conflictkg.graph.build import registry_quads, report_quads
from conflictkg.registry import load_registry
from conflictkg.reports import load_report
from conflictkg.summary import summarise

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "eval" / "gold"


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def seed_reports():
    return [load_report(p) for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="session")
def gold_result() -> ExtractionResult:
    """The gold annotation of the seeds as facts (needs ../shared/eval/gold)."""
    if not GOLD.exists():
        pytest.skip("shared/eval/gold is not beside the checkout")
    events = [e for p in sorted(GOLD.glob("0*.jsonl")) for e in read_events(p)]
    return ExtractionResult(events=events, relations=read_relations(GOLD / "relations.jsonl"))


@pytest.fixture(scope="session")
def gold_store(gold_result, seed_reports, registry) -> ox.Store:
    """An in-memory store with the registry and the seeds' graphs built from the gold facts:
    tests of a stage downstream of extraction, independent of extraction quality."""
    store = ox.Store()
    store.extend(registry_quads(registry))
    for report in seed_reports:
        store.extend(report_quads(report, gold_result, registry))
    summarise(store)  # as every build does: the library's queries read the summaries
    return store


@pytest.fixture(scope="session")
def case_store(gold_store) -> ox.Store:
    """The seeds' graph plus the cases in tests/query_cases (ethnicity, a second report),
    summarised: the store the query library's tests ask."""
    store = ox.Store()
    store.extend(gold_store)
    for case in sorted((Path(__file__).parent / "query_cases").glob("*.trig")):
        store.load(case.read_bytes(), format=ox.RdfFormat.TRIG)
    summarise(store)
    return store


def write_disk_store(quads: Iterable[ox.Quad], path: Path) -> Path:
    """Write quads to an on-disk Oxigraph store (what `conflictkg build` leaves) and close it,
    so a server or a CLI command can open the directory."""
    store = ox.Store(str(path))
    store.bulk_extend(quads)
    store.flush()
    del store
    gc.collect()
    return path


@pytest.fixture(scope="session")
def disk_store() -> Callable[[Iterable[ox.Quad], Path], Path]:
    """`disk_store(quads, path)`: the on-disk store writer, for module fixtures of stage tests."""
    return write_disk_store


def bench_module(stem: str) -> ModuleType:
    """bench/STEM.py, a benchmark script (not a package module), imported."""
    spec = importlib.util.spec_from_file_location(f"ckg_bench_{stem}", ROOT / "bench" / f"{stem}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and worker processes look it up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench_generate() -> ModuleType:
    """bench/generate.py, the synthetic-graph generator."""
    return bench_module("generate")


@pytest.fixture(scope="session")
def bench_query_columns() -> ModuleType:
    """bench/query_columns.py, what each column of a query's answer costs."""
    return bench_module("query_columns")
