"""Reports, sidecars and the facts JSON round trip."""

from __future__ import annotations

import json

import pytest

from conflictkg.errors import BadInput
from conflictkg.facts import Event, Relation, Span, Victim, read_events, write_jsonl
from conflictkg.graph.build import date_bounds
from conflictkg.reports import find_reports, load_report


def test_seed_sidecars_load(seed_reports):
    assert [r.meta.covers for r in seed_reports] == [2023, 2020]
    assert all(r.meta.country == "ML" and r.meta.url.startswith("https://") for r in seed_reports)
    assert seed_reports[0].id == "000_b5fb28bacdc11b19"


def test_missing_sidecar_needs_covers(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text("On May 3, gunmen killed two people.", encoding="utf-8")
    with pytest.raises(BadInput, match=r"r\.txt.*--covers"):
        load_report(p)
    assert load_report(p, {"covers": 2019, "title": "T"}).meta.covers == 2019


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"   \n", "empty"), (b"\xff\xfe bad", "not UTF-8")],
)
def test_bad_report_text(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(BadInput, match=message):
        load_report(p, {"covers": 2020})


def test_bad_sidecar(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text("text", encoding="utf-8")
    (tmp_path / "r.meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BadInput, match=r"r\.meta\.json"):
        load_report(p)
    (tmp_path / "r.meta.json").write_text(json.dumps({"covers": "soon"}), encoding="utf-8")
    with pytest.raises(BadInput, match="covers"):
        load_report(p)


def test_find_reports(tmp_path):
    with pytest.raises(BadInput, match="no such file"):
        find_reports([tmp_path / "nope"])
    with pytest.raises(BadInput, match="no reports"):
        find_reports([tmp_path])


def test_event_jsonl_round_trip(tmp_path):
    ev = Event(id="d-e01", doc="d.txt", quotes=["q"], date="2020-06-03/2020-06-06",
               date_precision="range", types=["Attack"], perpetrators=["JNIM"],
               victims=[Victim("civilians", 20, "at_least", "killed")],
               evidence=[Span(0, 1, "q", 0)])
    rel = Relation(doc="d.txt", subject="MLF", relation="affiliateOf", object="JNIM", quote="q")
    out = tmp_path / "e.jsonl"
    write_jsonl([ev, rel], out)
    assert read_events(out) == [ev]
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    ("date", "bounds"),
    [("2023-04-22", ("2023-04-22", "2023-04-22")), ("2024-02", ("2024-02-01", "2024-02-29")),
     ("2023-02", ("2023-02-01", "2023-02-28")), ("2020", ("2020-01-01", "2020-12-31")),
     ("2020-06-03/2020-06-06", ("2020-06-03", "2020-06-06")), ("2020-13", None), (None, None)],
)
def test_date_bounds(date, bounds):
    assert date_bounds(date) == bounds
