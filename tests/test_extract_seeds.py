"""The real extractor on the seed reports, scored by the shared scorer against the gold
annotations: the thresholds of the extraction issue must hold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conflictkg.extract import extract
from conflictkg.facts import write_jsonl

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
pytestmark = pytest.mark.skipif(not (SHARED / "score.py").exists(), reason="../shared/eval is absent")


@pytest.fixture(scope="module")
def extracted(seed_reports, registry, tmp_path_factory):
    result = extract(seed_reports, registry)
    out = tmp_path_factory.mktemp("extract")
    write_jsonl(result.events, out / "events.jsonl")
    write_jsonl(result.relations, out / "relations.jsonl")
    return result, out


def _score(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, str(SHARED / "score.py"), *args, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def test_seed_events_meet_thresholds(extracted) -> None:
    _, out = extracted
    gold = sorted(str(p) for p in (SHARED / "gold").glob("0*.jsonl"))
    res = _score(*gold, "--pred", str(out / "events.jsonl"))
    assert res["events"]["f1"] >= 0.90, res["events"]
    assert res["perpetrators"]["f1"] >= 0.90, res["perpetrators"]
    for slot in ("date", "location", "killed"):
        assert res["slot_accuracy"][slot] >= 0.90, (slot, res["slot_accuracy"])


def test_seed_relations_meet_threshold(extracted) -> None:
    _, out = extracted
    res = _score(
        "--relations", str(SHARED / "gold" / "relations.jsonl"), "--pred", str(out / "relations.jsonl")
    )
    assert res["typed"]["f1"] >= 0.80, res


def test_quotes_are_the_report_text_at_their_offsets(extracted, seed_reports) -> None:
    result, _ = extracted
    texts = {r.doc: r.text for r in seed_reports}
    assert result.events and result.relations
    for ev in result.events:
        assert ev.id.startswith(Path(ev.doc).stem + "-e")
        for q, span in zip(ev.quotes, ev.evidence, strict=True):
            assert texts[ev.doc][span.start : span.end] == q
    for rel in result.relations:
        span = rel.evidence[0]
        assert texts[rel.doc][span.start : span.end] == rel.quote


def test_deterministic_and_parallel_same_as_serial(seed_reports, registry, extracted) -> None:
    result, _ = extracted
    again = extract(seed_reports, registry, workers=2)
    assert [e.to_json() for e in again.events] == [e.to_json() for e in result.events]
    assert [r.to_json() for r in again.relations] == [r.to_json() for r in result.relations]


def test_actor_records_for_keys_outside_the_registry(extracted, registry) -> None:
    result, _ = extracted
    used = {k for e in result.events for k in (*e.perpetrators, *e.targets, *e.partners)}
    for key in used - set(registry.actors):
        assert key in result.actors and result.actors[key].kind
