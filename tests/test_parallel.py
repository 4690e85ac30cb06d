"""Parallel queries: the big summary tables' rows are spread over part graphs
(`# spread: ?row` in a summary file), and a library query that reads them declares
`# parallel: ?part`; the embedded store runs it once per part, on every core, and must give
the same answer as the one query (which other engines run, ?part ranging over every graph)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from conflictkg import summary
from conflictkg.errors import BadInput
from conflictkg.graph import iris
from conflictkg.query import (
    OxigraphBackend,
    _tsv,
    bind_params,
    bind_variable,
    execute,
    list_queries,
    load_query,
    parse_header,
    split_order_by,
)
from conflictkg.reason import materialise
from conflictkg.summary import SummaryChanges, SummaryFile, summarise

PARALLEL = [q.name for q in list_queries() if q.parallel]
PARTS = [ox.NamedNode(g) for g in iris.SUMMARY_PART_GRAPHS]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, bench_generate) -> ox.Store:
    """1,000 synthetic events, materialised and summarised: enough rows for every part."""
    out = bench_generate.generate(1000, tmp_path_factory.mktemp("par") / "g.nq", seed=11,
                                workers=1, progress=False)
    store = ox.Store()
    store.bulk_load(path=str(out), format=ox.RdfFormat.N_QUADS)
    materialise(store)
    summarise(store)
    return store


def _serial_and_parallel(store: ox.Store, name: str, params: dict[str, str]):
    query = load_query(name)
    backend = OxigraphBackend(store)
    bindings = bind_params(query, params, backend)
    text, _ = split_order_by(query.text)
    assert query.parallel is not None
    one = backend.select_values(text, bindings)  # ?part unbound: every graph
    parts = backend.select_parts(text, bindings, query.parallel, iris.SUMMARY_PART_GRAPHS)
    return one, parts


def test_the_big_tables_are_parallel():
    assert {"alliances", "attribution-by-actor", "contested-attribution"} <= set(PARALLEL)


@pytest.mark.parametrize("name", PARALLEL)
def test_parallel_answers_are_the_one_querys(name, synthetic, case_store):
    params_of = {"alliances": [{}, {"tie": "joint operation"}],
                 "attribution-by-actor": [{}, {"year": "2019"}, {"actor": "JNIM"}],
                 "contested-attribution": [{}, {"year": "2020"}]}
    for store in (case_store, synthetic):
        for params in params_of.get(name, [{}]):
            (columns, rows), (part_columns, part_rows) = _serial_and_parallel(store, name, params)
            assert part_columns == columns
            assert Counter(part_rows) == Counter(rows), f"{name} {params}"
    (_, rows), _ = _serial_and_parallel(synthetic, name, {})
    assert len(rows) > 100, "too few rows for the comparison to mean much"


def test_every_part_holds_rows_of_every_spread_table(synthetic):
    spread = {key for path in summary.summary_files() for key in SummaryFile.read(path).spread}
    tables = {cls for p, cls in spread if cls}  # the rows' classes: each row has one
    assert {"ContestedEvent", "ActorTally", "CooperationTie"} <= {c.rsplit("#")[-1] for c in tables}
    for cls in tables:
        counts = [sum(1 for _ in synthetic.quads_for_pattern(None, ox.NamedNode(summary._RDF_TYPE.value),
                                                             ox.NamedNode(cls), part)) for part in PARTS]
        assert min(counts) > 0.5 * sum(counts) / len(counts), (cls, counts)  # spread evenly
    for p, cls in spread:  # and none is left in the summary graph itself
        assert not next(synthetic.quads_for_pattern(
            None, ox.NamedNode(p), ox.NamedNode(cls) if cls else None,
            ox.NamedNode(iris.SUMMARY_GRAPH)), None)


def test_a_row_lives_in_one_part(synthetic):
    where: dict[str, set[str]] = {}
    for part in PARTS:
        for q in synthetic.quads_for_pattern(None, None, None, part):
            where.setdefault(q.subject.value, set()).add(part.value)
    assert where and all(len(parts) == 1 for parts in where.values())


def test_execute_runs_the_parts_and_sorts(synthetic):
    result = execute(OxigraphBackend(synthetic), load_query("contested-attribution"))
    dates = [r[result.columns.index("date")] for r in result.rows]
    assert len(result.rows) > 100
    present = [d for d in dates if d is not None]
    assert present == sorted(present, key=str)


def test_a_parallel_variable_is_never_projected():
    """Bound by text, ?part must not be a column (it would become `SELECT <iri>`), nor an
    aggregate's group (each part would count only its rows)."""
    for name in PARALLEL:
        query = load_query(name)
        text = re.sub(r"(?m)#.*$", "", query.text)
        var = rf"[?$]{query.parallel}\b"
        for select in re.findall(r"SELECT\b(.*?)\bWHERE\b", text, re.S | re.I):
            assert not re.search(var, select), f"{name} projects ?{query.parallel}"
        assert not re.search(r"\bGROUP\s+BY\b|\bLIMIT\b|\bOFFSET\b|SELECT\s+DISTINCT\s+\?",
                             text.split("WHERE", 1)[0] + text.rsplit("}", 1)[-1], re.I), name


def test_bind_variable_leaves_strings_iris_comments_and_other_names():
    text = ('SELECT ?a WHERE { GRAPH ?part { ?s ?p "?part" } # ?part\n'
            ' ?x <http://a/?part> ?partx . FILTER(?a < $part) }')
    got = bind_variable(text, "part", ox.NamedNode("http://g/1"))
    assert got == ('SELECT ?a WHERE { GRAPH <http://g/1> { ?s ?p "?part" } # ?part\n'
                   ' ?x <http://a/?part> ?partx . FILTER(?a < <http://g/1>) }')


def test_a_bad_parallel_header_is_refused(tmp_path):
    path = tmp_path / "q.rq"
    with pytest.raises(BadInput, match=r"q.rq:2: write '# parallel: \?variable'"):
        parse_header("# title: t\n# parallel: part graphs\nSELECT * {}", path)
    assert parse_header("# parallel: $g\nSELECT * {}", path)[3] == "g"


def _summaries(tmp_path: Path, edit: dict[str, str]) -> Path:
    out = tmp_path / "summaries"
    out.mkdir()
    for path in summary.summary_files():
        (out / path.name).write_text(edit.get(path.name, path.read_text()))
    return out


def test_spread_headers_are_checked(tmp_path, case_store, monkeypatch):
    path = tmp_path / "x.rq"
    path.write_text("# spread: ?nobody\nPREFIX ckg: <https://w3id.org/conflictkg/ontology#>\n"
                    "CONSTRUCT { ?row ckg:x ?y } WHERE { ?row ckg:y ?y }\n")
    with pytest.raises(BadInput, match="x.rq: '# spread: \\?nobody' names no subject"):
        SummaryFile.read(path)
    # a key spread by one file and not by another that writes it
    contested = summary.summaries_dir() / "events-2-contested-actors.rq"
    unspread = contested.read_text().replace("# spread: ?row\n", "")
    edited = _summaries(tmp_path, {contested.name: unspread.replace(
        "CONSTRUCT { ?row ?column ?labels }",
        "CONSTRUCT { ?row ?column ?labels . ?row ckg:contestedPlace ?labels }")})
    monkeypatch.setattr(summary, "summaries_dir", lambda: edited)
    store = ox.Store()
    store.extend(case_store.quads_for_pattern(None, None, None))
    with pytest.raises(BadInput, match="contestedPlace, which events-1-contested.rq spreads"):
        summarise(store)


def test_rows_move_when_a_table_stops_being_spread(tmp_path, case_store, monkeypatch):
    """A release that spreads a table differently moves its rows: the rebuild by difference
    ends with exactly the quads a fresh summarise writes."""
    store = ox.Store()
    store.extend(case_store.quads_for_pattern(None, None, None))
    ties = summary.summaries_dir() / "ties-1-cooperation.rq"
    edited = _summaries(tmp_path, {ties.name: ties.read_text().replace("# spread: ?row\n", "")})
    monkeypatch.setattr(summary, "summaries_dir", lambda: edited)
    changes = SummaryChanges()
    summarise(store, changes=changes)
    moved = sum(1 for _ in store.quads_for_pattern(
        None, ox.NamedNode("https://w3id.org/conflictkg/ontology#cooperationActor"), None,
        ox.NamedNode(iris.SUMMARY_GRAPH)))
    assert moved > 0 and changes.deleted >= moved and changes.inserted >= moved
    for part in PARTS:
        assert next(store.quads_for_pattern(
            None, ox.NamedNode("https://w3id.org/conflictkg/ontology#cooperationActor"), None, part),
            None) is None
    fresh = ox.Store()
    fresh.extend(q for q in case_store.quads_for_pattern(None, None, None)
                 if q.graph_name.value not in iris.SUMMARY_GRAPHS)
    summarise(fresh)
    assert set(summary.quads(store)) == set(summary.quads(fresh))


def test_the_column_benchmark_runs_every_variant(synthetic, bench_query_columns):
    """bench/query_columns.py: every variant of a parallel query is a query that runs, the
    whole answer is the biggest, and leaving a column out shrinks it."""
    columns = bench_query_columns
    query = load_query("contested-attribution")
    text, _ = split_order_by(query.text)
    found = columns.variants(text)
    projected = ["?event", "?type", "?place", "?date", "?year", "?reasons", "?perpetrators",
                 "?modes", "?attributed_by", "?reports"]
    assert list(found) == ["whole", "counted", *(f"{v} alone" for v in projected),
                           *(f"without {v}" for v in projected)]
    size = {name: columns.runner(synthetic, variant, query.parallel)() for name, variant in found.items()}
    whole = size["whole"]
    # against the parts answered one after the other, each through the engine's TSV writer
    backend = OxigraphBackend(synthetic)
    serial = [backend._query(bind_variable(text, query.parallel, g), {}) for g in PARTS]
    assert whole == sum(len(_tsv(r)) for r in serial)
    assert all(0 < size[f"without {v}"] < whole for v in projected)
    assert all(0 < size[f"{v} alone"] < whole for v in projected)
