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


def test_a_report_does_not_depend_on_the_reports_read_before(registry) -> None:
    """The actor kinds one report defines ("(SARS)" a state force) must not reach the next report,
    where the same acronym is undefined (an armed group): there the arrests of suspects after the
    attack are another actor's act, whatever was read before in the same process."""
    first = Report(
        doc="a.txt",
        text="On March 2, the Special Anti-Robbery Squad (SARS) arrested 12 protesters in the capital.",
        meta=ReportMeta(covers=2020, country="NG"),
    )
    second = Report(
        doc="b.txt",
        text="On May 3, SARS gunmen attacked the village of Kaka, killing five civilians. "
        "Police arrested 10 suspects.",
        meta=ReportMeta(covers=2020, country="CM"),
    )
    alone = extract_report(second, registry)
    extract_report(first, registry)
    after = extract_report(second, registry)
    assert [(e.types, e.perpetrators) for e in after.events] == [
        (e.types, e.perpetrators) for e in alone.events
    ]
