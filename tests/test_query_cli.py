"""`conflictkg queries` / `conflictkg query` through the real entry point, on an on-disk
store built from the seeds' gold graph, the exit codes of bad input included."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from conflictkg.cli import main


@pytest.fixture(scope="module")
def store_dir(gold_store, tmp_path_factory, disk_store):
    return disk_store(gold_store, tmp_path_factory.mktemp("query-cli") / "store")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_queries_lists_titles():
    result = run("queries")
    assert result.exit_code == 0, result.output
    assert "alliances" in result.output and "Coalitions and affiliations" in result.output
    one = run("queries", "actor-profile")
    assert one.exit_code == 0, one.output
    assert "--param actor=" in one.output and "default" in one.output
    listing = json.loads(run("queries", "--format", "json").output)
    assert {"name", "title", "description", "params"} <= set(listing[0])


def test_query_table_csv_json_tsv(store_dir):
    table = run("query", "coalitions", "--store", store_dir, "--param", "group=CMA")
    assert table.exit_code == 0, table.output
    assert "actor:mnla" in table.output and "(3 rows)" in table.output
    out = run("query", "coalitions", "--store", store_dir, "-p", "group=Q28877411",
              "--format", "csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert [r["member"] for r in rows] == ["https://w3id.org/conflictkg/id/actor/mlf"]
    js = run("query", "joint-operations", "--store", store_dir, "-p", "foreign_force=WAGNER",
             "-f", "json")
    assert js.exit_code == 0, js.output
    records = json.loads(js.output)
    assert len(records) >= 4 and all(isinstance(r["killed"], int) for r in records)
    tsv = run("query", "actor-timeline", "--store", store_dir, "-p", "actor=JNIM",
              "-p", "year=2023", "-f", "tsv")
    assert tsv.exit_code == 0, tsv.output
    lines = tsv.output.splitlines()
    assert lines[0].split("\t")[:3] == ["actor", "start", "date"] and len(lines) == 5


def test_query_output_file_and_user_query(store_dir, tmp_path):
    mine = tmp_path / "mine.rq"
    mine.write_text("# title: Events per report\n# param: report (iri, optional) one report\n"
                    "PREFIX ckg: <https://w3id.org/conflictkg/ontology#>\n"
                    "SELECT ?report (COUNT(?e) AS ?events) WHERE { ?e a ckg:Event ; "
                    "ckg:inReport ?report } GROUP BY ?report ORDER BY ?report\n")
    out = tmp_path / "out" / "counts.csv"
    result = run("query", mine, "--store", store_dir, "-f", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines()[1:] == [
        "https://w3id.org/conflictkg/id/source/000_b5fb28bacdc11b19,37",
        "https://w3id.org/conflictkg/id/source/001_1de2b2a600e760d6,38"]


@pytest.mark.parametrize("args, message", [
    (["query", "no-such-query"], "unknown query 'no-such-query'"),
    (["query", "actor-timeline", "-p", "year=2023x"], "'2023x' is not an integer"),
    (["query", "actor-timeline", "-p", "actor=NOBODY"], "no actor with"),
    (["query", "actor-timeline", "-p", "colour=red"], "has no parameter 'colour'"),
    (["query", "actor-timeline", "-p", "actor"], "write KEY=VALUE"),
])
def test_bad_input_exits_2(store_dir, args, message):
    result = run(*args, "--store", store_dir)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_syntax_error_and_missing_store(store_dir, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: Bad\nSELECT ?x WHERE {\n  ?x ?p\n}\n")
    result = run("query", bad, "--store", store_dir)
    assert result.exit_code == 2, result.output
    assert "bad.rq, line" in result.output and "column" in result.output
    missing = run("query", "alliances", "--store", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "no store there" in missing.output
    out = tmp_path / "never.csv"
    failed = run("query", "actor-timeline", "--store", store_dir, "-p", "year=x", "-o", out)
    assert failed.exit_code == 2 and not out.exists()


@pytest.mark.server
def test_query_a_sparql_endpoint(store_dir):
    """`--endpoint`: parameters travel to a real Oxigraph server in the query text (a VALUES
    block per parameter; a plain string as a FILTER on its STR)."""
    import shutil
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    import requests

    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([exe, "serve-read-only", "--location", str(store_dir),
                               "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                requests.get(url, params={"query": "ASK {}"}, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        result = run("query", "coalitions", "--endpoint", url, "-p", "group=CMA", "-f", "csv")
        assert result.exit_code == 0, result.output
        members = {r["member"] for r in csv.DictReader(io.StringIO(result.output))}
        assert members == {f"https://w3id.org/conflictkg/id/actor/{k}" for k in ("mnla", "hcua", "maa")}
        timeline = run("query", "actor-timeline", "--endpoint", url, "-p", "actor=Q28877411",
                       "-p", "year=2023", "-f", "json")
        assert timeline.exit_code == 0, timeline.output
        assert len(json.loads(timeline.output)) == 4
    finally:
        server.terminate()
        server.wait(timeout=10)
    gone = run("query", "alliances", "--endpoint", url)
    assert gone.exit_code == 2 and "cannot reach it" in gone.output


def test_csv_cells_of_every_kind():
    """CSV is written row by row as the values are (fast) unless a boolean needs `true`: both
    paths give each kind of value the same text."""
    import datetime as dt

    from conflictkg.query import IRI, QueryResult, format_result

    cells = (IRI("https://w3id.org/conflictkg/id/actor/jnim"), 'a "quoted", text', None, 3, 2.5,
             dt.date(2020, 9, 7), 10**20)
    plain = format_result(QueryResult([f"c{i}" for i in range(len(cells))], [cells]), "csv")
    assert plain.splitlines()[1] == ('https://w3id.org/conflictkg/id/actor/jnim,"a ""quoted"", text",,'
                                     "3,2.5,2020-09-07,100000000000000000000")
    with_bool = format_result(QueryResult([f"c{i}" for i in range(len(cells) + 1)],
                                          [(*cells, True)]), "csv")
    assert with_bool.splitlines()[1] == plain.splitlines()[1] + ",true"


def test_json_and_dataframe_cells_of_every_kind():
    """JSON (one object per line, written by the C encoder) and the DataFrame (built column
    by column) give each kind of value as the records hold it: IRIs as plain strings, dates
    as ISO text in JSON, unbound cells as null/missing; a column of mixed kinds keeps them."""
    import datetime as dt

    import pandas as pd

    from conflictkg.query import IRI, QueryResult, format_result

    jnim = IRI("https://w3id.org/conflictkg/id/actor/jnim")
    rows = [(jnim, 'a "quoted"\ttext é', None, 3, 2.5, dt.date(2020, 9, 7), True, jnim),
            (IRI("https://w3id.org/conflictkg/id/actor/isgs"), "b", "c", 4, 0.5,
             dt.date(2021, 1, 2), False, 7)]
    result = QueryResult([f"c{i}" for i in range(8)], rows)
    got = json.loads(format_result(result, "json"))
    assert got == [
        {"c0": str(jnim), "c1": 'a "quoted"\ttext é', "c2": None, "c3": 3, "c4": 2.5,
         "c5": "2020-09-07", "c6": True, "c7": str(jnim)},
        {"c0": "https://w3id.org/conflictkg/id/actor/isgs", "c1": "b", "c2": "c", "c3": 4,
         "c4": 0.5, "c5": "2021-01-02", "c6": False, "c7": 7}]
    assert format_result(QueryResult(["a"], []), "json") == "[]\n"

    df = result.to_df()
    assert list(df.columns) == result.columns and len(df) == 2
    assert df["c0"].tolist() == [str(jnim), "https://w3id.org/conflictkg/id/actor/isgs"]
    assert all(type(v) is str for v in df["c0"]) and all(type(v) is str for v in df["c7"][:1])
    assert df["c7"].tolist() == [str(jnim), 7]  # mixed kinds: an object column, the IRI a str
    assert df["c3"].tolist() == [3, 4] and pd.isna(df["c2"][0]) and df["c2"][1] == "c"
    empty = QueryResult(["a", "b"], []).to_df()
    assert list(empty.columns) == ["a", "b"] and len(empty) == 0
