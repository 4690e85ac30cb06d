"""Facts -> RDF: deterministic IRIs, evidence that points at the exact text, qualified
attributions so two reports that disagree both stand, dates with precision."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conflictkg.facts import Event, ExtractionResult, Span, Victim
from conflictkg.graph import iris
from conflictkg.graph.build import date_bounds, registry_quads, report_quads
from conflictkg.reports import Report, ReportMeta
from conflictkg.validate import Severity, validate_store
from conflictkg.vocab import ID_NS, PREFIXES, sparql_prefixes


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    res = store.query(sparql_prefixes() + query, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return [{n: sol[n].value for n in names if sol[n] is not None} for sol in res]


def test_report_quads_deterministic(seed_reports, gold_result, registry) -> None:
    for report in seed_reports:
        a = report_quads(report, gold_result, registry)
        b = report_quads(report, gold_result, registry)
        assert a == b
        assert {q.graph_name.value for q in a} == {iris.report_graph(report.id)}
        minted = {t.value for q in a for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)
                  and not any(t.value.startswith(ns) for ns in PREFIXES.values() if ns != ID_NS)}
        assert all(iri.startswith(ID_NS) for iri in minted), sorted(minted)[:5]


def test_evidence_quotes_are_the_report_text(gold_store, seed_reports) -> None:
    texts = {iris.report(r.id): r.text for r in seed_reports}
    rows = _rows(gold_store, """SELECT ?src ?exact ?start ?end {
        ?ev a ckg:Evidence ; ckg:inReport ?src ; ckg:quote ?exact ;
            ckg:startOffset ?start ; ckg:endOffset ?end }""")
    assert len(rows) > 50
    for r in rows:
        assert texts[r["src"]][int(r["start"]):int(r["end"])] == r["exact"]


def test_every_fact_has_evidence_and_provenance(gold_store) -> None:
    missing = _rows(gold_store, """SELECT ?x { VALUES ?c { ckg:Event ckg:Attribution ckg:ActorRelation }
        ?x a ?c . FILTER NOT EXISTS { ?x ckg:evidence/ckg:quote ?q }
        FILTER NOT EXISTS { ?x ckg:inReport ?r } }""")
    assert missing == []


def test_dates_victims_fatalities(gold_store) -> None:
    e18 = iris.event("000_b5fb28bacdc11b19-e18")
    rows = _rows(gold_store, f"""SELECT ?start ?end ?prec ?fat ?fq {{ <{e18}> ckg:startDate ?start ;
        ckg:endDate ?end ; ckg:datePrecision ?prec ; ckg:fatalities ?fat ; ckg:fatalitiesQualifier ?fq }}""")
    assert rows == [{"start": "2023-03-23", "end": "2023-03-24", "prec": PREFIXES["ckg"] + "RangePrecision",
                     "fat": "20", "fq": PREFIXES["ckg"] + "at_least"}]
    victims = _rows(gold_store, f"""SELECT ?cat ?harm ?n {{ <{e18}> ckg:victims ?v .
        ?v ckg:victimCategory ?cat ; ckg:harm ?harm ; ckg:count ?n }}""")
    assert {(v["cat"].rsplit("#")[-1], v["harm"].rsplit("#")[-1], v["n"]) for v in victims} == {
        ("civilians", "killed", "20"), ("men", "arrested", "12"), ("men", "tortured", "12")}


@pytest.mark.parametrize(("date", "bounds"), [
    ("2023-04-22", ("2023-04-22", "2023-04-22")),
    ("2024-02", ("2024-02-01", "2024-02-29")),
    ("2023-02", ("2023-02-01", "2023-02-28")),
    ("2023", ("2023-01-01", "2023-12-31")),
    ("2023-06-03/2023-06-06", ("2023-06-03", "2023-06-06")),
    ("2023-13", None), ("sometime", None), (None, None),
])
def test_date_bounds(date, bounds) -> None:
    assert date_bounds(date) == bounds


def test_two_reports_disagree_both_stand(registry) -> None:
    """One event told by two reports: each report's attribution is its own node."""
    texts = {"a.txt": "JNIM fighters killed five civilians in Mopti on May 3.",
             "b.txt": "Witnesses said soldiers killed five civilians in Mopti on May 3."}
    reports = [Report(doc, text, ReportMeta(covers=2023, country="ML", publisher="P", title=doc))
               for doc, text in texts.items()]
    events = [
        Event(id="mopti-0503", doc="a.txt", quotes=[texts["a.txt"]], date="2023-05-03",
              date_precision="day", types=["Attack"], perpetrators=["JNIM"], attribution="asserted",
              victims=[Victim("civilians", 5, "exact", "killed")], location="Mopti",
              evidence=[Span(0, len(texts["a.txt"]), texts["a.txt"], 0)]),
        Event(id="mopti-0503", doc="b.txt", quotes=[texts["b.txt"]], date="2023-05-03",
              date_precision="day", types=["Attack"], perpetrators=["FAMA"], attribution="alleged"),
    ]
    result = ExtractionResult(events=events)
    store = ox.Store()
    store.extend(registry_quads(registry))
    for r in reports:
        store.extend(report_quads(r, result, registry))
    rows = _rows(store, """SELECT ?a ?who ?mode ?src { ?e ckg:attribution ?a .
        ?a ckg:attributedTo ?who ; ckg:attributionMode ?mode ; ckg:inReport ?src }""")
    got = {(r["who"].rsplit("/")[-1], r["mode"].rsplit("#")[-1], r["src"].rsplit("/")[-1]) for r in rows}
    assert got == {("jnim", "asserted", "a"), ("fama", "alleged", "b")}
    assert len({r["a"] for r in rows}) == 2
    report = validate_store(store, workers=1)
    ours = {str(q.subject) for r in reports
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iris.report_graph(r.id)))}
    problems = [r for r in report.results if r.severity is not Severity.INFO and r.focus in ours]
    assert problems == [], report.text()


def test_bad_spans_are_repaired_or_dropped(registry) -> None:
    text = "In May, JNIM fighters killed five civilians in Mopti."
    report = Report("r.txt", text, ReportMeta(covers=2023, country="ML"))
    quote = "JNIM fighters killed five civilians"
    good_start = text.index(quote)
    ev = Event(id="r-e1", doc="r.txt", quotes=[quote], types=["Attack"], perpetrators=["JNIM"],
               evidence=[Span(good_start + 3, good_start + 3 + len(quote), quote),  # shifted
                         Span(0, 7, "In May,"),  # right
                         Span(0, 4, "not in the report")])  # made up
    stats: dict[str, int] = {}
    quads = report_quads(report, ExtractionResult(events=[ev]), registry, stats)
    assert stats == {"spans_repaired": 1, "spans_dropped": 1}
    store = ox.Store()
    store.extend(quads)
    rows = _rows(store, "SELECT ?s ?e ?x { ?ev ckg:startOffset ?s ; ckg:endOffset ?e ; ckg:quote ?x }")
    assert sorted((int(r["s"]), int(r["e"]), r["x"]) for r in rows) == sorted(
        [(good_start, good_start + len(quote), quote), (0, 7, "In May,")])


def test_registry_graph_stands_alone(registry) -> None:
    """Built without any report, the registry graph (actors, places, the relations it states
    and the sources it cites) has no violation: a build of other reports starts clean."""
    store = ox.Store()
    store.extend(registry_quads(registry))
    report = validate_store(store, workers=1)
    violations = [r for r in report.results if r.severity is Severity.VIOLATION]
    assert violations == [], report.text()


def test_places_hang_from_the_events_country(registry) -> None:
    """A corpus report carries no country; its events do. New places go under that country,
    described in the report graph when the gazetteer lacks it."""
    text = "On May 3, gunmen killed five civilians in Abkhura."
    report = Report("sy.txt", text, ReportMeta(covers=2023, publisher="U.S. Department of State"))
    ev = Event(id="sy-e1", doc="sy.txt", quotes=[text], types=["Attack"], location="Abkhura",
               country="SY", date="2023-05-03", date_precision="day")
    store = ox.Store()
    store.extend(registry_quads(registry))
    store.extend(report_quads(report, ExtractionResult(events=[ev]), registry))
    rows = _rows(store, """SELECT ?place ?country ?code { ?e ckg:place ?place .
        ?place ckg:partOf ?country . ?country a ckg:Country ; ckg:iso3166 ?code }""")
    assert rows == [{"place": iris.place("SY", "Locality", "Abkhura"), "country": iris.country("SY"),
                     "code": "SY"}]
    report_v = validate_store(store, workers=1)
    assert not [r for r in report_v.results if "/sy" in r.focus and r.severity is not Severity.INFO], \
        report_v.text()
