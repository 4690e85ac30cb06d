"""ACLED export: the `region` and `source_scale` columns, on the seeds' export (gold facts).

Would a wrong table pass? Mali must be Western Africa (not the UN's "Western Africa" by
accident of a default: Sudan, Turkey and Mexico differ between ACLED and UN M49), every
report of the State Department corpus must find its country's region, and a publisher the
table does not know must leave the scale empty rather than guessed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pycountry
import pyoxigraph as ox
import pytest

from conflictkg.export.acled import (
    ACLED_REGIONS,
    acled_regions,
    acled_rows,
    source_scale,
    write,
)
from conflictkg.graph.build import registry_quads
from conflictkg.interop import import_dataset
from conflictkg.vocab import sparql_prefixes

CORPUS = Path("/work/shared/corpus/state-dept-hr-reports-2016-2024.jsonl.gz")
GED = Path(__file__).parent / "data" / "ucdp" / "ucdp_ged231_sample_mali_rows.csv"
HRW_SEED = "https://w3id.org/conflictkg/id/source/000_b5fb28bacdc11b19"


@pytest.fixture(scope="module")
def rows(gold_store) -> list[dict[str, str]]:
    buf = io.BytesIO()
    write(gold_store, buf)
    return list(csv.DictReader(io.StringIO(buf.getvalue().decode("utf-8"))))


def test_region_from_the_place_country(rows):
    mali = [r for r in rows if r["country"] == "Mali"]
    assert mali and {r["region"] for r in mali} == {"Western Africa"}
    assert all(r["region"] in ACLED_REGIONS for r in rows if r["country"])


def test_region_table_follows_acled_not_un_m49():
    table = acled_regions()
    assert set(table.values()) <= set(ACLED_REGIONS)
    assert (table["ML"], table["BF"], table["NE"]) == ("Western Africa",) * 3
    assert table["SD"] == "Northern Africa" and table["SS"] == "Eastern Africa"
    assert table["TR"] == "Middle East" and table["MX"] == "Central America"
    assert table["RU"] == "Europe" and table["AF"] == "South Asia"
    assert table["CD"] == "Middle Africa" and table["ZA"] == "Southern Africa"
    for iso in table:  # real ISO 3166 alpha-2 codes (Kosovo's XK as ACLED and the corpus use it)
        assert iso == "XK" or pycountry.countries.get(alpha_2=iso) is not None, iso


@pytest.mark.skipif(not CORPUS.exists(), reason="the State Department corpus is not on this machine")
def test_every_corpus_country_has_a_region():
    from conflictkg.extract.pipeline import report_country
    from conflictkg.reports import iter_corpus

    table = acled_regions()
    missing = {r.doc: report_country(r) for r in iter_corpus(CORPUS)
               if report_country(r) not in table}
    assert missing == {}


def test_source_scale_of_the_seed_reports(rows):
    by_source = {r["source"]: r["source_scale"] for r in rows}
    assert by_source["Human Rights Watch"] == "International"
    state = [s for s in by_source if s.startswith("U.S. Department of State")]
    assert state and all(by_source[s] == "International" for s in state)
    assert all(r["source_scale"] for r in rows)


def test_source_scale_rules():
    assert source_scale(["Human Rights Watch"]) == "International"
    assert source_scale(["National Commission for Human Rights", "Human Rights Watch"]) \
        == "National-International"
    assert source_scale(["Le Républicain (Bamako)"]) == ""  # not in the table: not guessed
    assert source_scale([]) == ""


def test_unknown_publisher_leaves_the_scale_empty(gold_store):
    store = ox.Store()
    store.extend(gold_store)
    store.update(sparql_prefixes() + f"""
        DELETE {{ GRAPH ?g {{ <{HRW_SEED}> dcterms:publisher ?p }} }}
        INSERT {{ GRAPH ?g {{ <{HRW_SEED}> dcterms:publisher "Le Républicain (Bamako)" }} }}
        WHERE {{ GRAPH ?g {{ <{HRW_SEED}> dcterms:publisher ?p }} }}""")
    changed = [r for r in acled_rows(store) if r["source"] == "Le Républicain (Bamako)"]
    assert changed and {r["source_scale"] for r in changed} == {""}
    assert {r["region"] for r in changed} == {"Western Africa"}  # the region does not depend on it


def test_dataset_rows_have_a_region_and_no_report_scale(registry):
    result = import_dataset(GED, "ucdp-ged")
    store = ox.Store()
    store.extend(registry_quads(registry))  # the gazetteer: places and their countries
    store.extend(result.quads)
    out = acled_rows(store)
    assert out and {r["region"] for r in out} == {"Western Africa"}
    assert {r["source_scale"] for r in out} == {""}  # a dataset row is not a report
