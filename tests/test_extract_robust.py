"""A sentence the extractor cannot read is skipped and counted, never a crash."""

from __future__ import annotations

import conflictkg.extract.pipeline as pipeline
from conflictkg.extract import extract_report
from conflictkg.reports import Report, ReportMeta

TEXT = (
    "On May 3, unidentified gunmen killed 12 villagers in the village of Kobou, Gao region.\n"
    "On May 9, soldiers arrested 4 men in the town of Gossi, Timbuktu region."
)


def test_unreadable_sentence_is_skipped_and_counted(monkeypatch, registry) -> None:
    real = pipeline.read_clause

    def flaky(sent, *args, **kwargs):
        if "Gossi" in sent.text:
            raise ValueError("cannot read this one")
        return real(sent, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_clause", flaky)
    result = extract_report(
        Report(doc="r.txt", text=TEXT, meta=ReportMeta(covers=2021, country="ML")), registry
    )
    assert result.stats.skipped == 1
    assert result.stats.sentences == 2
    assert [e.location for e in result.events] == ["Kobou"]


def test_empty_and_odd_texts_do_not_crash(registry) -> None:
    for text in ("", "\n\n", "On.", "In 2020 2021 2022.", "((((", "May May May 32, 2020 killed killed"):
        result = extract_report(Report(doc="odd.txt", text=text, meta=ReportMeta(covers=2020)), registry)
        assert result.stats.reports == 1
