"""Interoperability (issue #8): UCDP GED / ACLED CSV import, ACLED CSV export, round trip,
Wikidata QIDs, and the query library and network projections across both kinds of source."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conflictkg.cli import main
from conflictkg.export import formats
from conflictkg.export.acled import acled_rows, write
from conflictkg.graph.build import registry_quads
from conflictkg.interop import import_dataset, load_into
from conflictkg.interop.acled import COLUMNS, parse_tags
from conflictkg.vocab import sparql_prefixes

DATA = Path(__file__).parent / "data"
GED = DATA / "ucdp" / "ucdp_ged231_sample_mali_rows.csv"
AEC = DATA / "ucdp" / "ucdp_aec_mali_rows.csv"
ID = "https://w3id.org/conflictkg/id/"
CKG = "https://w3id.org/conflictkg/ontology#"


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    res = store.query(sparql_prefixes() + query, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return [{n: (t.value if t is not None else None) for n, t in zip(names, row, strict=True)}
            for row in res]


def one(store: ox.Store, event: str, prop: str) -> str | None:
    rows = select(store, f"SELECT ?v WHERE {{ <{event}> {prop} ?v }}")
    return rows[0]["v"] if rows else None


def values(store: ox.Store, event: str, prop: str) -> set[str]:
    return {r["v"] for r in select(store, f"SELECT ?v WHERE {{ <{event}> {prop} ?v }}")}


@pytest.fixture(scope="module")
def ged_import():
    return import_dataset(GED, "ucdp-ged")


@pytest.fixture(scope="module")
def ged_store(ged_import) -> ox.Store:
    store = ox.Store()
    store.extend(ged_import.quads)
    return store


@pytest.fixture(scope="module")
def combined(gold_store, ged_import) -> ox.Store:
    """The seeds' report graphs and the UCDP rows in one store."""
    store = ox.Store()
    store.extend(gold_store)
    load_into(store, ged_import)
    return store


@pytest.fixture(scope="module")
def gold_csv(gold_store) -> str:
    buf = io.BytesIO()
    write(gold_store, buf)
    return buf.getvalue().decode("utf-8")


# --- UCDP import of real rows ------------------------------------------------------------------

def test_ucdp_ged_rows_become_events(ged_import, ged_store):
    s = ged_import.summary
    assert (s.rows, s.imported, s.skipped) == (7, 7, [])
    assert s.graph == ID + "graph/dataset-ucdp_ged231_sample_mali_rows"
    # state-based: JNIM vs the government at Boulikessi, 2017-03-29, 3 dead (best = low = high)
    e = ID + "event/ucdp-ged-237564"
    assert values(ged_store, e, "ckg:perpetrator") == {ID + "actor/jnim", ID + "actor/government_mali"}
    assert one(ged_store, e, "ckg:mainType") == "https://w3id.org/conflictkg/ontology#ArmedClash"
    assert one(ged_store, e, "ckg:startDate") == "2017-03-29"
    assert one(ged_store, e, "ckg:datePrecision").endswith("#DayPrecision")
    assert (one(ged_store, e, "ckg:fatalities"), one(ged_store, e, "ckg:fatalitiesLow"),
            one(ged_store, e, "ckg:fatalitiesHigh")) == ("3", "3", "3")
    # one-sided: the government against civilians at Lere, 1991: best 20, low 20, high 48
    e = ID + "event/ucdp-ged-12989"
    assert one(ged_store, e, "ckg:mainType").endswith("#Attack")
    assert (one(ged_store, e, "ckg:fatalities"), one(ged_store, e, "ckg:fatalitiesLow"),
            one(ged_store, e, "ckg:fatalitiesHigh")) == ("20", "20", "48")
    assert values(ged_store, e, "ckg:target") == set()
    victims = select(ged_store, f"""SELECT ?cat ?n WHERE {{ <{e}> ckg:victims ?v .
        ?v ckg:victimCategory ?cat ; ckg:count ?n ; ckg:harm ckg:killed }}""")
    assert [(v["cat"].rsplit("#")[-1], v["n"]) for v in victims] == [("civilians", "20")]
    # a new locality keeps the row's coordinates and sits in its region
    place = one(ged_store, e, "ckg:place")
    assert place == ID + "place/ml/locality/lere"
    assert one(ged_store, place, "geo:hasGeometry/geo:asWKT") == "POINT(-4.9118 15.7118)"


def test_ucdp_attribution_dataset_and_evidence(ged_import, ged_store):
    e = ID + "event/ucdp-ged-237564"
    ds = ged_import.summary.dataset
    rows = select(ged_store, f"""SELECT ?mode ?by ?src WHERE {{ <{e}> ckg:attribution ?a .
        ?a ckg:attributionMode ?mode ; ckg:attributedBy ?by ; ckg:inReport ?src }}""")
    assert rows == [{"mode": "https://w3id.org/conflictkg/ontology#asserted",
                     "by": ID + "actor/ucdp", "src": ds}]
    cite = one(ged_store, ds, "dcterms:bibliographicCitation")
    assert "Sundberg" in cite and one(ged_store, ds, "a") in {CKG + "Dataset", CKG + "Report"}
    assert values(ged_store, ds, "a") == {CKG + "Dataset", CKG + "Report"}
    # the evidence of the event is its row in the file, by offsets and by quote
    quote = one(ged_store, e, "ckg:evidence/ckg:quote")
    start = int(one(ged_store, e, "ckg:evidence/ckg:startOffset"))
    text = GED.read_text(encoding="utf-8")
    assert quote.startswith("237564,") and text[start:start + len(quote)] == quote


def test_ucdp_actors_matched_and_created(ged_import):
    s = ged_import.summary
    assert s.actors_matched["JNIM"] == "JNIM"
    assert s.actors_matched["Government of Mali"] == "GOVERNMENT_MALI"
    assert s.actors_created == {"IS": "IS"}  # not in the registry: created and reported
    assert any("created actor IS" in line for line in s.lines())


def test_ucdp_aec_rows_without_type_or_best():
    r = import_dataset(AEC, "ucdp-ged")
    assert (r.summary.rows, r.summary.imported) == (46, 46)
    store = ox.Store()
    store.extend(r.quads)
    # side_b "Civilians": one-sided violence; no `best`, so the low estimate is the count
    e = ID + "event/ucdp-ged-40709"
    assert one(store, e, "ckg:mainType").endswith("#ArmedClash")
    assert one(store, e, "ckg:fatalities") == "17"
    assert one(store, e, "ckg:dateText") == "2011-06-24/2011-06-25"
    types = select(store, "SELECT ?t (COUNT(?e) AS ?n) WHERE { ?e ckg:mainType ?t } GROUP BY ?t")
    assert {t["t"].rsplit("#")[-1] for t in types} == {"ArmedClash", "Attack"}


# --- bad rows: reported with their line numbers, skipped, the rest imported ------------------

def test_ucdp_bad_rows_skipped_with_line_numbers():
    r = import_dataset(DATA / "ucdp" / "bad_rows.csv", "ucdp-ged")
    assert (r.summary.rows, r.summary.imported) == (5, 1)
    got = {s.line: s.reason for s in r.summary.skipped}
    assert sorted(got) == [3, 4, 5, 6]
    assert "date_start" in got[3] and "type_of_violence 9" in got[4] and "'twenty'" in got[5]
    assert "duplicate id '12989'" in got[6] and "line 2" in got[6]


def test_acled_bad_rows_skipped_with_line_numbers():
    r = import_dataset(DATA / "acled" / "bad_rows.csv", "acled-csv")
    s = r.summary
    assert (s.rows, s.imported) == (6, 3)
    got = {k.line: k.reason for k in s.skipped}
    assert sorted(got) == [5, 6, 7]  # line 3-4 is one record (a note over two lines)
    assert "event_date" in got[5] and "'Parade'" in got[6] and "'several'" in got[7]
    assert s.actors_matched["JNIM: Group for Support of Islam and Muslims"] == "JNIM"
    assert s.actors_matched["Wagner Group"] == "WAGNER"
    assert s.actors_matched["Katiba Macina"] == "MLF"
    assert s.actors_matched["Nusrat al-Islam"] == "JNIM"  # by its actor2_wikidata tag
    store = ox.Store()
    store.extend(r.quads)
    # inter code 4 -> the class the mappings prefer for identity militias
    militia = ID + "actor/self_defense_group_of_farabougou"
    assert one(store, militia, "a") == "https://w3id.org/conflictkg/ontology#EthnicMilitia"
    assert one(store, militia, "ckg:inRegistry") == "false"
    # civilians (inter 7) are a victim group, not an actor; a sub-event type with no
    # class of its own (Air/drone strike) falls back to the broad class of its event type
    assert values(store, ID + "event/acled-MLI900001", "ckg:target") == set()
    assert one(store, ID + "event/acled-MLI900006", "ckg:mainType").endswith("#ViolentEvent")
    assert one(store, ID + "event/acled-MLI900006", "ckg:dateText") == "2023-06"


# --- ACLED export of the seeds' graph ----------------------------------------------------------

def test_acled_export_columns_and_codes(gold_store, gold_csv):
    rows = list(csv.DictReader(io.StringIO(gold_csv)))
    assert tuple(rows[0].keys()) == COLUMNS
    n_events = len(select(gold_store, "SELECT DISTINCT ?e WHERE { ?e a ckg:Event }"))
    assert len(rows) == n_events
    assert len({r["event_id_cnty"] for r in rows}) == len(rows)
    assert all(r["event_id_cnty"].startswith("MLI") and r["iso"] == "466" for r in rows)
    ouenkoro = next(r for r in rows if "000_b5fb28bacdc11b19-e18" in r["tags"])
    assert (ouenkoro["event_type"], ouenkoro["sub_event_type"]) == ("Violence against civilians", "Attack")
    assert ouenkoro["disorder_type"] == "Political violence"
    assert {r["disorder_type"] for r in rows} <= {"Political violence", "Demonstrations",
                                                   "Strategic developments",
                                                   "Political violence; Demonstrations"}
    assert ouenkoro["event_date"] == "2023-03-23" and ouenkoro["time_precision"] == "2"
    assert ouenkoro["actor1"] == "Malian Armed Forces" and ouenkoro["inter1"] == "1"
    assert set(ouenkoro["assoc_actor_1"].split("; ")) >= {"Wagner Group"}
    assert (ouenkoro["actor2"], ouenkoro["inter2"]) == ("Civilians (Mali)", "7")
    assert ouenkoro["interaction"] == "17"
    assert ouenkoro["civilian_targeting"] == "Civilian targeting"
    assert (ouenkoro["admin1"], ouenkoro["location"]) == ("Mopti", "Ouenkoro")
    assert ouenkoro["fatalities"] == "20" and ouenkoro["source"] == "Human Rights Watch"
    assert "On March 23 and 24, scores of Malian" in ouenkoro["notes"]
    assert parse_tags(ouenkoro["tags"])["ckg:date"] == "2023-03-23/2023-03-24"
    assert {r["time_precision"] for r in rows} <= {"1", "2", "3"}
    assert {r["geo_precision"] for r in rows} <= {"", "1", "2", "3"}
    assert {r["inter1"] for r in rows} <= {"", *map(str, range(1, 9))}


def test_acled_export_carries_wikidata_and_is_deterministic(gold_store, gold_csv):
    rows = list(csv.DictReader(io.StringIO(gold_csv)))
    jnim = [r for r in rows if r["actor1"] == "JNIM"]
    assert jnim and all(parse_tags(r["tags"]).get("actor1_wikidata") == "Q28877411" for r in jnim)
    # places too, where the gazetteer has verified QIDs
    qids = {r["location"]: parse_tags(r["tags"]).get("location_wikidata") for r in rows}
    assert any(qids.values())
    again = io.BytesIO()
    write(gold_store, again)
    assert again.getvalue().decode("utf-8") == gold_csv
    assert "acled-csv" in formats()


# --- round trip: export, import, and the events survive ----------------------------------------

def test_round_trip_export_import(gold_store, gold_csv, registry, tmp_path):
    path = tmp_path / "gold_acled.csv"
    path.write_text(gold_csv, encoding="utf-8")
    result = import_dataset(path, "acled-csv", "roundtrip")
    assert result.summary.skipped == [] and result.summary.imported == len(acled_rows(gold_store))
    assert result.summary.actors_created == {}  # every actor found again in the registry
    back = ox.Store()
    back.extend(registry_quads(registry))
    back.extend(result.quads)
    survived = 0
    for row in csv.DictReader(io.StringIO(gold_csv)):
        orig = parse_tags(row["tags"])["ckg:event"]
        new = ID + "event/acled-" + row["event_id_cnty"]
        for prop in ("ckg:startDate", "ckg:endDate", "ckg:dateText", "ckg:datePrecision",
                     "ckg:fatalities", "ckg:mainType"):
            assert one(back, new, prop) == one(gold_store, orig, prop), (orig, prop)
        # the place; an event the report places nowhere is placed in the report's country
        place = one(gold_store, orig, "ckg:place") or one(gold_store, orig, "ckg:inReport/ckg:reportCountry")
        assert one(back, new, "ckg:place") == place, orig
        before = values(gold_store, orig, "ckg:perpetrator|ckg:partner|ckg:target")
        after = values(back, new, "ckg:perpetrator|ckg:partner|ckg:target")
        assert after == before, orig
        assert values(back, new, "ckg:perpetrator") <= values(gold_store, orig, "ckg:perpetrator")
        survived += 1
    assert survived == len(acled_rows(gold_store))
    # and exporting the imported events again gives the same ACLED coding
    again = {r["event_id_cnty"]: r for r in acled_rows(back)}
    for row in csv.DictReader(io.StringIO(gold_csv)):
        for col in ("event_date", "event_type", "sub_event_type", "actor1", "actor2",
                    "interaction", "location", "fatalities", "notes"):
            assert again[row["event_id_cnty"]][col] == row[col], (row["event_id_cnty"], col)


# --- Wikidata: a query finds an actor by QID ---------------------------------------------------

def test_actor_by_wikidata_query(gold_store):
    from conflictkg.query import run_query

    rows = run_query(gold_store, "actor-by-wikidata", {"qid": "Q28877411"}).records()
    assert [r["actor"] for r in rows] == [ID + "actor/jnim"]
    assert rows[0]["events"] > 0 and rows[0]["kind"] == "IslamistArmedGroup"
    assert run_query(gold_store, "actor-by-wikidata", {"qid": "Q1"}).records() == []
    same = select(gold_store, f"SELECT ?x WHERE {{ <{ID}actor/jnim> owl:sameAs ?x }}")
    assert same == [{"x": "http://www.wikidata.org/entity/Q28877411"}]


# The QIDs verified against a public source that shows the ID next to the label (each line of
# ontology/registry.ttl says which); an actor with no verified QID must carry none.
VERIFIED_QIDS = {"WAGNER": "Q36597284", "HRW": "Q187052", "FRANCE": "Q142",
                 "UNITED_STATES": "Q30", "RUSSIA": "Q159", "EU": "Q458", "AMNESTY": "Q42970"}
NO_VERIFIED_QID = ("ISGS", "MINUSMA", "MNLA", "HCUA", "MAA", "GATIA", "CMA", "PLATFORM", "MLF",
                   "DAN_NA_AMBASSAGOU", "ECOWAS", "G5_SAHEL", "FAMA")


def test_verified_wikidata_qids_resolve_and_unverified_actors_have_none(gold_store):
    from conflictkg.query import run_query

    for key, qid in VERIFIED_QIDS.items():
        rows = run_query(gold_store, "actor-by-wikidata", {"qid": qid}).records()
        # (the gazetteer's country carries the same QID, with no registry key)
        assert [r["key"] for r in rows if r["key"]] == [key], qid
    keys = ", ".join(f'"{k}"' for k in NO_VERIFIED_QID)
    stray = select(gold_store, f"""SELECT ?key ?q WHERE {{ ?a ckg:registryKey ?key .
        FILTER(STR(?key) IN ({keys})) {{ ?a ckg:wikidata ?q }} UNION {{ ?a owl:sameAs ?q }} }}""")
    assert stray == []
    # one QID names one actor
    dup = select(gold_store, """SELECT ?q (COUNT(DISTINCT ?a) AS ?n) WHERE {
        ?a ckg:registryKey ?k ; ckg:wikidata ?q } GROUP BY ?q HAVING (COUNT(DISTINCT ?a) > 1)""")
    assert dup == []
    # every QID line of the registry names its source
    text = (Path(__file__).parents[1] / "ontology" / "registry.ttl").read_text(encoding="utf-8")
    for qid in VERIFIED_QIDS.values():
        line = next(ln for ln in text.splitlines() if f'ckg:wikidata "{qid}"' in ln)
        assert "# verified:" in line, line


# --- the query library and the network across report and dataset events ---------------------

def test_queries_work_across_sources(gold_store, combined):
    from conflictkg.query import run_query

    def jnim_events(store):
        rows = run_query(store, "attribution-by-actor", {"actor": "JNIM"}).records()
        return sum(r["events"] for r in rows)

    # every UCDP row with JNIM on either side adds one event to the reports' events
    with GED.open(encoding="utf-8", newline="") as fh:
        ucdp_jnim = sum("JNIM" in (r["side_a"], r["side_b"]) for r in csv.DictReader(fh))
    assert ucdp_jnim == 4
    assert jnim_events(combined) == jnim_events(gold_store) + ucdp_jnim

    def by_qid(store):
        return run_query(store, "actor-by-wikidata", {"qid": "Q28877411"}).records()[0]

    assert by_qid(combined)["events"] == by_qid(gold_store)["events"] + ucdp_jnim
    assert by_qid(combined)["sources"] == by_qid(gold_store)["sources"] + 1  # the UCDP file


def test_network_across_sources(gold_store, combined):
    from conflictkg.network.projections import signed_actor_network

    g = signed_actor_network(combined)
    jnim, gov = ID + "actor/jnim", ID + "actor/government_mali"
    assert g.has_edge(jnim, gov) and g[jnim][gov]["sign"] < 0
    evidence = g[jnim][gov].get("evidence", "")
    assert "ucdp-ged-237564" in evidence
    assert ID + "actor/is" in g  # the created actor takes part in the network too
    assert g.number_of_nodes() > signed_actor_network(gold_store).number_of_nodes()


# --- the CLI -----------------------------------------------------------------------------------

def test_cli_import_into_store_and_file(tmp_path):
    runner = CliRunner()
    store = tmp_path / "store"
    res = runner.invoke(main, ["import", "--format", "ucdp-ged", str(DATA / "ucdp" / "bad_rows.csv"),
                               "--store", str(store)])
    assert res.exit_code == 0, res.output
    assert "5 rows read, 1 imported, 4 skipped" in res.output
    assert "skipped line 4: unknown type_of_violence 9" in res.output
    res = runner.invoke(main, ["import", "--format", "ucdp-ged", str(GED), "--store", str(store),
                               "--dataset-name", "bad_rows"])  # same graph: replaced
    assert res.exit_code == 0, res.output
    db = ox.Store.read_only(str(store))
    events = select(db, "SELECT DISTINCT ?e WHERE { ?e a ckg:Event }")
    assert len(events) == 7
    del db
    out = tmp_path / "ged.nq"
    res = runner.invoke(main, ["import", "--format", "ucdp-ged", str(GED), "-o", str(out),
                               "--citation", "UCDP GED Global version 23.1 (sample rows)"])
    assert res.exit_code == 0, res.output
    assert "matched 'JNIM' -> JNIM" in res.output
    nq = out.read_text(encoding="utf-8")
    assert "dataset-ucdp_ged231_sample_mali_rows" in nq and "UCDP GED Global version 23.1" in nq


def test_cli_import_bad_input(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["import", "--format", "ucdp-ged", str(tmp_path / "missing.csv"),
                               "--store", str(tmp_path / "s")])
    assert res.exit_code == 2 and "no such file" in res.output
    res = runner.invoke(main, ["import", "--format", "ucdp-ged", str(DATA / "acled" / "bad_rows.csv"),
                               "-o", str(tmp_path / "x.nq")])
    assert res.exit_code == 2 and "header lacks" in res.output
    assert not (tmp_path / "x.nq").exists()  # nothing half-written
    res = runner.invoke(main, ["import", "--format", "ucdp-ged", str(DATA / "ucdp" / "all_bad.csv"),
                               "-o", str(tmp_path / "y.nq")])
    assert res.exit_code == 2 and "none of the 1 rows" in res.output
    assert "line 2: missing date_start" in res.output
    assert not (tmp_path / "y.nq").exists()


def test_cli_export_acled(gold_store, tmp_path, disk_store):
    path = disk_store(gold_store, tmp_path / "store")
    out = tmp_path / "events.csv"
    res = CliRunner().invoke(main, ["export", "--format", "acled-csv", "--store", str(path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(acled_rows(gold_store)) and tuple(rows[0]) == COLUMNS


# --- the imported graphs meet the shapes -------------------------------------------------------

def test_imported_graphs_conform_to_shapes(registry, ged_import):
    from conflictkg.store import ontology_quads
    from conflictkg.validate import Severity, validate_store

    store = ox.Store()
    store.extend(registry_quads(registry))
    store.extend(ontology_quads())
    load_into(store, ged_import)
    load_into(store, import_dataset(DATA / "acled" / "bad_rows.csv", "acled-csv"))
    report = validate_store(store)
    mine = [r for r in report.results if "dataset-" in r.focus or "ucdp" in r.focus or "acled" in r.focus]
    assert [r for r in mine if r.severity is Severity.VIOLATION] == []


def test_rows_keep_line_numbers_and_offsets():
    from conflictkg.interop.common import read_rows

    text, lazy = read_rows(DATA / "csv" / "odd_line_breaks.csv")
    rows = list(lazy)
    assert [r.line for r in rows] == [2, 3, 5]
    assert all(text[r.start:r.end] == r.text for r in rows)
    assert rows[0].fields["b"] == "x\u2028y\u0085z" and rows[2].text == "3,r"


def test_acled_export_of_ucdp_events_puts_the_sides_apart(ged_store, registry):
    store = ox.Store()
    store.extend(registry_quads(registry))
    store.extend(ged_store)
    rows = {parse_tags(r["tags"])["ckg:event"].rsplit("/", 1)[-1]: r for r in acled_rows(store)}
    clash = rows["ucdp-ged-237564"]  # Government of Mali vs JNIM, Boulikessi
    assert (clash["event_type"], clash["sub_event_type"]) == ("Battles", "Armed clash")
    assert (clash["inter1"], clash["actor2"], clash["inter2"]) == ("1", "JNIM", "2")
    assert clash["interaction"] == "12"
    assert clash["source"] == "Uppsala Conflict Data Program" and clash["fatalities"] == "3"
    one_sided = rows["ucdp-ged-12989"]
    assert (one_sided["actor2"], one_sided["interaction"]) == ("Civilians (Mali)", "17")
    assert (one_sided["latitude"], one_sided["longitude"], one_sided["geo_precision"]) == (
        "15.7118", "-4.9118", "1")


def test_acled_2024_layout_named_actor_types():
    r = import_dataset(DATA / "acled" / "named_inter_codes.csv", "acled-csv")
    assert (r.summary.imported, r.summary.skipped) == (1, [])
    store = ox.Store()
    store.extend(r.quads)
    e = ID + "event/acled-MLI900101"
    assert one(store, e, "ckg:startDate") == "2024-01-05"
    police = r.summary.actors_created["Customs Forces of Mali (2021-)"]
    assert one(store, ID + "actor/" + police.lower(), "a") == CKG + "StateForce"  # "State forces" = 1


def test_acled_export_leaves_out_aggregate_statements(gold_store):
    store = ox.Store()
    store.extend(gold_store)
    e = ID + "event/000_b5fb28bacdc11b19-e18"
    store.update(sparql_prefixes() + f"""INSERT {{ GRAPH ?g {{ <{e}> ckg:aggregate true }} }}
        WHERE {{ GRAPH ?g {{ <{e}> ckg:inReport ?r }} }}""")
    tags = [r["tags"] for r in acled_rows(store)]
    assert len(tags) == len(acled_rows(gold_store)) - 1
    assert not any(f"ckg:event={e};" in t for t in tags)
