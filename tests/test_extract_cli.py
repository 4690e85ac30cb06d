"""`conflictkg extract` through click's CliRunner: the real entry point, real seeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from conflictkg.cli import main

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED = SEEDS / "000_b5fb28bacdc11b19.txt"


def test_extract_seeds_writes_events_and_relations(tmp_path: Path) -> None:
    out, rel = tmp_path / "e.jsonl", tmp_path / "r.jsonl"
    result = CliRunner().invoke(
        main, ["extract", *map(str, sorted(SEEDS.glob("*.txt"))), "-o", str(out), "--relations", str(rel)]
    )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(events) > 50
    assert {
        "id",
        "doc",
        "quotes",
        "date",
        "date_precision",
        "types",
        "perpetrators",
        "attribution",
        "partners",
        "targets",
        "victims",
        "killed",
        "killed_qualifier",
        "location",
        "admin1",
        "aggregate",
        "evidence",
    } <= set(events[0])
    rels = [json.loads(line) for line in rel.read_text().splitlines()]
    assert rels and {"doc", "subject", "relation", "object", "quote"} <= set(rels[0])
    assert "reports" in result.output and "skipped" in result.output


def test_extract_without_sidecar_needs_covers(tmp_path: Path) -> None:
    bare = tmp_path / "report.txt"
    shutil.copy(SEED, bare)
    out = tmp_path / "e.jsonl"
    result = CliRunner().invoke(main, ["extract", str(bare), "-o", str(out)])
    assert result.exit_code == 2
    assert "report.txt" in result.output and "--covers" in result.output
    assert not out.exists(), "nothing half-written"
    result = CliRunner().invoke(
        main, ["extract", str(bare), "-o", str(out), "--covers", "2023", "--country", "ML"]
    )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert events and all(e["doc"] == "report.txt" for e in events)


def test_extract_to_stdout(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(SEED), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert any(line.startswith("{") and '"types"' in line for line in result.output.splitlines())


def test_extract_bad_inputs(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["extract", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "e.jsonl")])
    assert result.exit_code == 2 and "missing.txt" in result.output
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Ségou, caf\xe9".encode("latin-1"))
    result = runner.invoke(main, ["extract", str(latin), "--covers", "2020", "-o", str(tmp_path / "e.jsonl")])
    assert result.exit_code == 2 and "UTF-8" in result.output
    result = runner.invoke(main, ["extract", "-o", str(tmp_path / "e.jsonl")])
    assert result.exit_code == 2
    result = runner.invoke(
        main, ["extract", "--corpus", str(tmp_path / "nope.jsonl.gz"), "-o", str(tmp_path / "e.jsonl")]
    )
    assert result.exit_code == 2 and "nope.jsonl.gz" in result.output
    assert not (tmp_path / "e.jsonl").exists()


def test_extract_corpus_limit(tmp_path: Path) -> None:
    corpus = (
        Path(__file__).resolve().parents[2] / "shared" / "corpus" / "state-dept-hr-reports-2016-2024.jsonl.gz"
    )
    if not corpus.exists():
        import pytest

        pytest.skip("corpus absent")
    out = tmp_path / "e.jsonl"
    result = CliRunner().invoke(main, ["extract", "--corpus", str(corpus), "--limit", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert events and all(e["doc"].startswith("2016-") for e in events)
    assert all(e["country"] == "AF" for e in events)


def test_report_country_from_title_or_file_name() -> None:
    from conflictkg.extract import report_country
    from conflictkg.reports import Report, ReportMeta

    def country(doc: str, title: str | None = None) -> str | None:
        return report_country(Report(doc=doc, text="x", meta=ReportMeta(covers=2020, title=title)))

    assert country("2020-x.txt", "2020 Country Reports on Human Rights Practices: Nigeria") == "NG"
    assert country("2020-x.txt", "2020 Country Reports: China (includes Tibet, Hong Kong, and Macau)") == "CN"
    assert country("2019-cote-divoire.txt", "2019 Country Reports: Côte d’Ivoire") == "CI"
    assert country("2021-niger.txt") == "NE"
    assert country("notes.txt") is None
