"""Extraction test cases as files (tests/extraction_cases/*.json; see its README.md): a passage of
the genre, its covered year and country, and the facts the extractor must give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conflictkg.extract import extract_report
from conflictkg.extract.acronyms import find_definitions
from conflictkg.facts import SYMMETRIC_RELATIONS
from conflictkg.reports import Report, ReportMeta

CASES = sorted((Path(__file__).parent / "extraction_cases").glob("*.json"))


def _fits(expected: dict, event) -> list[str]:
    """The fields of `expected` the extracted event gets wrong (empty: a match)."""
    wrong = []
    for key, want in expected.items():
        got = getattr(event, "types" if key == "types_exact" else key)
        if key == "types_exact":
            ok = set(got) == set(want)
        elif key == "types":
            ok = all(t in got for t in want)
        elif key in ("perpetrators", "targets", "partners"):
            ok = set(got) == set(want)
        else:
            ok = got == want
        if not ok:
            wrong.append(f"{key}: want {want!r}, got {got!r}")
    return wrong


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, registry) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    report = Report(
        doc=f"{path.stem}.txt",
        text=case["text"],
        meta=ReportMeta(covers=case["covers"], country=case.get("country")),
    )
    result = extract_report(report, registry)
    events = [e for e in result.events if not e.aggregate]
    for ev in result.events:
        for q, span in zip(ev.quotes, ev.evidence, strict=True):
            assert case["text"][span.start : span.end] == q, "evidence offsets must point at the quote"
    if case.get("no_events"):
        assert events == [], [(e.date, e.types, e.quotes) for e in events]
    if "n_events" in case:
        assert len(events) == case["n_events"], [(e.date, e.types, e.location) for e in events]
    for want in case.get("events", []):
        misses = [_fits(want, e) for e in events]
        assert any(not m for m in misses), f"no event fits {want}: {misses}"
    if case.get("defined"):
        defs = find_definitions(case["text"], case["country"], registry)
        for acr, kind in case["defined"].items():
            assert acr in defs, f"{acr} not defined; definitions: {sorted(defs)}"
            assert defs[acr].kind == kind, f"{acr}: want kind {kind}, got {defs[acr].kind}"
    for key, kind in case.get("actors", {}).items():
        assert key in result.actors, f"actor {key} not in the result's actors {sorted(result.actors)}"
        assert result.actors[key].kind == kind, f"{key}: want kind {kind}, got {result.actors[key].kind}"
    for key in case.get("not_perpetrators", []):
        assert all(key not in e.perpetrators for e in result.events), [
            (e.date, e.types, e.perpetrators) for e in result.events
        ]
    got = set()
    for r in result.relations:
        s, o = sorted((r.subject, r.object)) if r.relation in SYMMETRIC_RELATIONS else (r.subject, r.object)
        got.add((s, r.relation, o))
    for s, rel, o in case.get("relations", []):
        key = (*sorted((s, o)),) if rel in SYMMETRIC_RELATIONS else (s, o)
        assert (key[0], rel, key[1]) in got, f"missing relation {s} {rel} {o}; got {sorted(got)}"
    for s, rel, o in case.get("absent_relations", []):
        key = (*sorted((s, o)),) if rel in SYMMETRIC_RELATIONS else (s, o)
        assert (key[0], rel, key[1]) not in got, f"relation {s} {rel} {o} must not be found"
