"""The query library on the seeds' graph (gold facts): every query parses and runs, the
answers a careful reader of the two reports knows are there, parameters bound the same way
by every engine, and bad input rejected with a clear message."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from conflictkg.errors import BadInput
from conflictkg.query import (
    IRI,
    OxigraphBackend,
    RdflibBackend,
    bind_params,
    check_syntax,
    execute,
    format_result,
    list_queries,
    load_query,
    ox_value,
    query_df,
    run_query,
    split_order_by,
    with_values,
)
from conflictkg.summary import summarise

ACTOR = "https://w3id.org/conflictkg/id/actor/"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NAMES = [q.name for q in list_queries()]


def sample_params(name: str) -> dict[str, str]:
    """Values for the required parameters: the `e.g. "..."` its description gives."""
    out = {}
    for p in load_query(name).params:
        if p.required:
            m = re.search(r'e\.g\. "?([^",)]+)"?', p.description)
            assert m, f"{name}: required parameter {p.name} has no example in its description"
            out[p.name] = m[1]
    return out


def param_sets(name: str, answer) -> list[dict[str, str]]:
    """The defaults (required parameters from their examples), then each optional parameter
    alone, set to a value from `answer(defaults)` (the QueryResult of some engine or
    reference): the parameter sets the cross-engine and reference tests run."""
    base = sample_params(name)
    result = answer(base)
    out = [base]
    for p in load_query(name).params:
        if p.required or p.name not in result.columns:
            continue
        values = [v for v in result.column(p.name) if v is not None]
        if values:
            out.append({**base, p.name: str(values[len(values) // 2])})
    return out


def rows(store, name, **params):
    return run_query(store, name, params).records()


def by(records, **match):
    return [r for r in records if all(r[k] == v for k, v in match.items())]


# -- every query -------------------------------------------------------------------------


def test_library_has_the_issue_questions():
    expected = {"alliances", "coalitions", "allies-of-allies", "enemies-of-enemies", "hostility",
                "attribution-by-actor", "attribution-by-kind", "victims-by-kind",
                "contested-attribution", "joint-operations", "harm-by-ethnicity",
                "actor-profile", "actor-relations", "actor-timeline", "event-evidence"}
    assert expected <= set(NAMES)


def test_no_query_picks_an_arbitrary_value():
    """SAMPLE lets each engine pick its own value (a place in two regions gave the in-memory
    and on-disk stores different tally rows): where one value stands for several, the
    library and its summaries take MIN, the same on every engine and every run."""
    root = Path(__file__).resolve().parent.parent / "queries"
    files = [*root.glob("*.rq"), *root.glob("summaries/*.rq"),
             *(root.parent / "tests" / "query_reference").glob("*.rq")]
    assert len(files) > 20
    for path in files:
        code = "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())
        assert not re.search(r"\bSAMPLE\s*\(", code, re.I), f"{path.name} uses SAMPLE"


@pytest.mark.parametrize("name", NAMES)
def test_query_has_header_parses_and_runs(name, gold_store):
    q = load_query(name)
    assert q.title and q.title != name, f"{name}: no '# title:' line"
    assert len(q.description) > 30, f"{name}: no '# description:' line"
    check_syntax(q)
    result = run_query(gold_store, name, sample_params(name))
    assert result.columns
    for p in q.params:  # a parameter is a projected variable (that is how it is bound)
        assert p.name in result.columns, f"{name}: parameter {p.name} is not projected"
    format_result(result, "table")


@pytest.mark.parametrize("name", [n for n in NAMES if load_query(n).params])
def test_substitution_and_values_binding_agree(name, case_store):
    """pyoxigraph's substitutions and the VALUES block (rdflib, endpoints) give the same rows."""
    q = load_query(name)
    params = sample_params(name)
    for p in q.params:  # bind every parameter to a value the graph has
        if p.name not in params:
            first = run_query(case_store, name, params).column(p.name)
            value = next((v for v in first if v is not None), None)
            if value is not None:
                params[p.name] = str(value)
    bindings = bind_params(q, params, OxigraphBackend(case_store))
    direct = case_store.query(q.text, use_default_graph_as_union=True,
                              substitutions={ox.Variable(k): v for k, v in bindings.items()})
    injected = case_store.query(with_values(q.text, bindings), use_default_graph_as_union=True)
    a = sorted(tuple(map(str, s)) for s in direct)
    b = sorted(tuple(map(str, s)) for s in injected)
    assert a == b
    assert a, f"{name} with {params} found nothing"


# an actor column and its label column (the label read from the actors' own descriptions:
# an actor the answers name without a label means that read missed it)
_LABEL_OF = {"label_a": "actor_a", "label_b": "actor_b"}


@pytest.mark.parametrize("name", NAMES)
def test_every_actor_in_an_answer_has_its_label(name, case_store):
    result = run_query(case_store, name, sample_params(name))
    pairs = [(c, _LABEL_OF.get(c, c.removesuffix("_label"))) for c in result.columns
             if c.endswith("_label") or c in _LABEL_OF]
    pairs = [(label, actor) for label, actor in pairs if actor in result.columns]
    for record in result.records():
        for label, actor in pairs:
            if isinstance(record[actor], str) and record[actor].startswith(ACTOR):
                assert record[label], f"{name}: {record[actor]} has no {label}"


def test_rdflib_engine_gives_the_same_answers(gold_store):
    """rdflib's engine (the benchmark's reference) answers the library queries the same way."""
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    ds.parse(data=gold_store.dump(format=ox.RdfFormat.N_QUADS).decode(), format="nquads")
    for name in ["coalitions", "alliances", "joint-operations", "attribution-by-kind",
                 "actor-timeline", "hostility", "contested-attribution", "enemies-of-enemies"]:
        q = load_query(name)
        ox_rows = execute(OxigraphBackend(gold_store), q, sample_params(name))
        rd_rows = execute(RdflibBackend(ds), q, sample_params(name))
        # GROUP_CONCAT's order is the engine's choice: compare the other columns, and a
        # "a, b" list as the set of its items
        keep = [i for i, c in enumerate(ox_rows.columns)
                if c not in ("quotes", "victims", "reasons", "modes", "perpetrators", "quote")]

        def norm(v: object) -> str:
            return ", ".join(sorted(str(v).split(", ")))

        assert sorted(tuple(norm(r[i]) for i in keep) for r in ox_rows.rows) == sorted(
            tuple(norm(r[i]) for i in keep) for r in rd_rows.rows), name


# -- what a careful reader of the seeds knows -------------------------------------------


def test_mlf_is_a_jnim_affiliate(gold_store):
    members = rows(gold_store, "coalitions", group="JNIM")
    mlf = by(members, member=ACTOR + "mlf")
    assert mlf and mlf[0]["tie"] == "affiliate of" and mlf[0]["direct"] is True
    assert "JNIM" in mlf[0]["quotes"] and "affiliate" in mlf[0]["quotes"]


def test_cma_members_are_mnla_hcua_maa(gold_store):
    members = rows(gold_store, "coalitions", group="CMA")
    assert {r["member"] for r in members} == {ACTOR + k for k in ("mnla", "hcua", "maa")}
    assert all(r["reports"] >= 1 and r["tie"] == "member of" for r in members)


def test_platform_militias(gold_store):
    members = rows(gold_store, "coalitions", group="Platform of Northern Militias")
    assert ACTOR + "gatia" in {r["member"] for r in members}


def test_malian_forces_operated_with_white_fighters(gold_store):
    ops = rows(gold_store, "joint-operations", state_force="FAMA", foreign_force="WAGNER")
    assert len(ops) >= 4  # Séguéla, Sossobé, Ouenkoro, Sambani (and Moura, 2022)
    assert any("white" in r["quotes"] for r in ops)
    ouenkoro = [r for r in ops if r["place"] == "Ouenkoro"]
    assert ouenkoro and ouenkoro[0]["killed"] == 20 and ouenkoro[0]["killed_qualifier"] == "at_least"
    assert "20 civilians killed" in ouenkoro[0]["victims"]
    assert "pro-government" in ouenkoro[0]["partners"]
    ties = by(rows(gold_store, "alliances"), actor_a=ACTOR + "fama", actor_b=ACTOR + "wagner")
    assert {"joint operation"} <= {r["tie"] for r in ties}
    assert by(ties, tie="joint operation")[0]["events"] >= 4
    wagner_first = by(rows(gold_store, "alliances"), actor_a=ACTOR + "wagner",
                      actor_b=ACTOR + "fama")
    assert not wagner_first, "a symmetric tie is listed once, in IRI order"


def test_boat_attack_is_attributed_to_islamist_fighters(gold_store):
    timeline = rows(gold_store, "actor-timeline", actor="Islamist fighters")
    boat = [r for r in timeline if "boat" in (r["quotes"] or "")]
    assert len(boat) == 1
    assert boat[0]["date"] == "2023-09-07" and boat[0]["role"] == "perpetrator"
    assert boat[0]["killed"] >= 120 and boat[0]["killed_qualifier"] == "more_than"
    kinds = rows(gold_store, "attribution-by-kind", kind="Islamist armed groups", year="2023")
    assert sum(r["killed_lower_bound"] for r in kinds) >= 120 + 40 + 15


def test_isgs_and_jnim_clash_and_an_armed_clash_is_no_alliance(gold_store):
    hostile = rows(gold_store, "hostility")
    pair = {ACTOR + "isgs", ACTOR + "jnim"}
    assert any({r["actor"], r["other"]} == pair and r["tie"] == "fought against" for r in hostile)
    assert any({r["actor"], r["other"]} == pair and r["tie"] == "rival of" for r in hostile)
    assert not [r for r in rows(gold_store, "alliances")
                if {r["actor_a"], r["actor_b"]} == pair]


def test_allies_and_enemies_of_fama(gold_store):
    allies = rows(gold_store, "allies-of-allies", actor="FAMA")
    assert any(r["ally"] == ACTOR + "wagner" for r in allies)
    assert all(r["ally_of_ally"] != ACTOR + "fama" for r in allies)
    enemies = rows(gold_store, "enemies-of-enemies", actor="FAMA")
    # FAMa fights JNIM; ISGS and the French forces fight JNIM too
    of_jnim = {r["enemy_of_enemy"] for r in by(enemies, enemy=ACTOR + "jnim")}
    assert {ACTOR + "isgs", ACTOR + "french_forces"} <= of_jnim


def test_contested_attribution(gold_store):
    contested = rows(gold_store, "contested-attribution")
    reasons = {r["event"]: r["reasons"] for r in contested}
    cisse = [r for r in contested if "Macina Liberation Front" in (r["perpetrators"] or "")]
    assert cisse and "only alleged" in cisse[0]["reasons"]
    assert any("unidentified perpetrator" in v for v in reasons.values())
    assert any("no perpetrator named" in v for v in reasons.values())
    # the Sept 7 boat attack is asserted against Islamist fighters: not contested
    assert not [r for r in contested if r["date"] == "2023-09-07"]
    # what happened and where, as the event's type and place (its label is made of them)
    assert all(r["type"] and r["type"][0].isupper() and " " not in r["type"] for r in contested)
    assert cisse[0]["type"] == "Abduction" and cisse[0]["place"] == "Timbuktu"  # "in the Timbuktu Region"


def test_reports_that_disagree_are_contested(gold_store):
    """A second report naming another perpetrator for the same event makes it contested."""
    store = ox.Store()
    store.extend(gold_store)
    case = (Path(__file__).parent / "query_cases" / "second_report.trig").read_bytes()
    store.load(case, format=ox.RdfFormat.TRIG)
    summarise(store)  # as `conflictkg reason` does after the store changes
    contested = rows(store, "contested-attribution")
    boat = [r for r in contested if r["date"] == "2023-09-07"]
    assert boat and "reports disagree" in boat[0]["reasons"] and boat[0]["reports"] == 2


def test_harm_by_ethnicity(gold_store):
    store = ox.Store()
    store.extend(gold_store)
    case = (Path(__file__).parent / "query_cases" / "ethnicity.trig").read_bytes()
    store.load(case, format=ox.RdfFormat.TRIG)
    summarise(store)  # as `conflictkg reason` does after the store changes
    fulani = rows(store, "harm-by-ethnicity", ethnicity="Fulani")
    assert fulani == [{"ethnicity": "Fulani", "harm": "killed", "kind": "militias", "events": 1,
                       "victims_lower_bound": 35, "victims_stated": 35,
                       "perpetrators": "Dogon self-defense groups"}]


def test_event_evidence_quotes_are_the_report_text(gold_store):
    ev = rows(gold_store, "event-evidence", event="000_b5fb28bacdc11b19-e18")
    assert len(ev) == 2
    text = (SEEDS / "000_b5fb28bacdc11b19.txt").read_text(encoding="utf-8")
    for r in ev:
        assert text[r["start"]:r["end"]] == r["quote"]
        assert r["publisher"] == "Human Rights Watch" and r["mode"] == "asserted"
        assert set(r["attributed_to"].split(", ")) == {"Malian Armed Forces", "Wagner Group"}


def test_actor_profile_by_qid_key_name_or_iri(gold_store):
    for ref in ("Q28877411", "JNIM", "jnim", "Group for the Support of Islam and Muslims",
                ACTOR + "jnim", f"<{ACTOR}jnim>"):
        profile = rows(gold_store, "actor-profile", actor=ref)
        assert len(profile) == 1, ref
    p = profile[0]
    assert p["wikidata"] == "Q28877411" and p["key"] == "JNIM"
    assert p["kinds"] == "IslamistArmedGroup" and p["as_perpetrator"] >= 4
    assert isinstance(p["actor"], IRI)
    rel = rows(gold_store, "actor-relations", actor="JNIM")
    assert any(r["relation"] == "affiliateOf" and r["other"] == ACTOR + "mlf" for r in rel)


def test_attribution_by_actor_counts_events_once(gold_store):
    fama = rows(gold_store, "attribution-by-actor", actor="FAMA", year="2023")
    assert sum(r["events"] for r in fama) == 6  # Séguéla ... Sambani, Trabakoro, Gadougou
    kinds = {r["kind"] for r in rows(gold_store, "victims-by-kind", harm="killed")}
    assert {"state forces", "foreign forces", "Islamist armed groups", "militias",
            "no perpetrator named"} <= kinds


def test_query_df(gold_store):
    df = query_df(gold_store, "coalitions", group="CMA")
    assert list(df.columns)[:2] == ["group", "group_label"] and len(df) == 3


# -- bad input ------------------------------------------------------------------------------


def test_unknown_query():
    with pytest.raises(BadInput, match="unknown query 'allainces'.*alliances"):
        load_query("allainces")


@pytest.mark.parametrize("params, message", [
    ({"year": "twenty"}, "'year' \\(year\\): 'twenty' is not an integer"),
    ({"actor": "NO_SUCH_GROUP"}, "no actor with registry key, QID or name 'NO_SUCH_GROUP'"),
    ({"actor": "Q1"}, "no actor with Wikidata QID 'Q1'"),
    ({"colour": "red"}, "has no parameter 'colour'"),
])
def test_bad_parameters(gold_store, params, message):
    with pytest.raises(BadInput, match=message):
        run_query(gold_store, "actor-timeline", params)


def test_missing_parameter_and_bad_iri(gold_store, tmp_path):
    f = tmp_path / "mine.rq"
    f.write_text("# title: Mine\n# param: event (event) the event\n"
                 "SELECT ?event ?label WHERE { ?event <http://www.w3.org/2000/01/rdf-schema#label>"
                 " ?label }\n", encoding="utf-8")
    with pytest.raises(BadInput, match="needs the parameter 'event'"):
        run_query(gold_store, f)
    with pytest.raises(BadInput, match="not an absolute IRI|neither an IRI"):
        run_query(gold_store, f, {"event": "bad id with spaces"})
    assert len(run_query(gold_store, f, {"event": "000_b5fb28bacdc11b19-e18"})) == 1


def test_syntax_error_names_line_and_column(gold_store, tmp_path):
    f = tmp_path / "broken.rq"
    f.write_text("# title: Broken\nPREFIX ckg: <https://w3id.org/conflictkg/ontology#>\n"
                 "SELECT ?e WHERE {\n  ?e ckg:perpetrator foo:bar .\n}\n", encoding="utf-8")
    with pytest.raises(BadInput) as err:
        run_query(gold_store, f)
    assert str(f) in str(err.value) and "line 4, column" in str(err.value)
    assert "undefined prefix" in str(err.value)


def test_bad_header_line(tmp_path):
    f = tmp_path / "h.rq"
    f.write_text("# title: H\n# param: year (yearly) a year\nSELECT * WHERE {}\n")
    with pytest.raises(BadInput, match=r"h.rq:2: cannot read the parameter line"):
        load_query(f)


# -- the VALUES block -----------------------------------------------------------------------


def test_values_block_goes_in_the_outermost_group():
    text = ('# a { comment }\nSELECT ?a WHERE {\n  { SELECT ?a WHERE { ?a ?p "x}" } }\n'
            '  FILTER(?a != <http://x/y> && STR(?a) != "{y}")\n} ORDER BY ?a\n')
    out = with_values(text, {"a": ox.NamedNode("http://x/a"), "n": ox.Literal('say "hi"')})
    assert out.endswith('  VALUES (?a ?n) { (<http://x/a> "say \\"hi\\"") }\n} ORDER BY ?a\n')
    ox.Store().query(out)  # still a valid query


def test_an_actor_described_in_two_report_graphs_counts_once(case_store):
    """pyoxigraph's union default graph repeats a triple once per named graph that holds it;
    the queries must not count the repeats (tests/query_cases/repeated_actor.trig)."""
    serma = ACTOR + "katiba_serma"
    profile = rows(case_store, "actor-profile", actor="KATIBA_SERMA")
    assert len(profile) == 1 and profile[0]["as_perpetrator"] == 2
    assert profile[0]["label"] == "Katiba Serma" and profile[0]["kinds"] == "IslamistArmedGroup"
    by_actor = rows(case_store, "attribution-by-actor", actor=serma)
    assert len(by_actor) == 1, by_actor  # one row (no region, year 2021), one label
    assert by_actor[0]["events"] == 2 and by_actor[0]["killed_stated"] == 10
    assert by_actor[0]["killed_lower_bound"] == 10
    kind = rows(case_store, "attribution-by-kind", kind="Islamist armed groups", year="2021")
    assert [(r["events"], r["killed_stated"]) for r in kind] == [(2, 10)]
    joint = by(rows(case_store, "alliances"), actor_a=ACTOR + "fama", actor_b=serma)
    assert [(r["tie"], r["events"], r["reports"], r["label_b"]) for r in joint] == [
        ("joint operation", 1, 1, "Katiba Serma")]
    timeline = rows(case_store, "actor-timeline", actor=serma)
    assert [r["date"] for r in timeline] == ["2021-05-02", "2021-06-10"]


def test_every_query_is_documented():
    readme = (Path(__file__).resolve().parents[1] / "queries" / "README.md").read_text()
    missing = [n for n in NAMES if f"`{n}`" not in readme]
    assert not missing, f"queries/README.md does not list {missing}"


# -- ORDER BY applied in Python ----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_python_order_is_the_engine_order(name, case_store):
    """run_query sorts in Python (query.split_order_by); the keys come in Oxigraph's order."""
    from conflictkg.query import ox_value, split_order_by

    q = load_query(name)
    params = sample_params(name)
    result = run_query(case_store, name, params)
    _, keys = split_order_by(q.text)
    if not keys:
        assert "ORDER BY" not in q.text.upper(), f"{name}: an ORDER BY the library cannot read"
        return
    bindings = bind_params(q, params, OxigraphBackend(case_store))
    columns, engine = OxigraphBackend(case_store).select(q.text, bindings)
    idx = [columns.index(k) for k, _ in keys]
    ours = [tuple(row[i] for i in idx) for row in result.rows]
    theirs = [tuple(ox_value(row[i]) for i in idx) for row in engine]
    assert ours == theirs


@pytest.mark.parametrize("tail", ["ORDER BY DESC(COUNT(?x))", "ORDER BY ?a LIMIT 10",
                                  "ORDER BY STR(?a)", "GROUP BY ?a"])
def test_other_order_clauses_stay_in_the_query(tail):
    from conflictkg.query import split_order_by

    text = f"SELECT ?a WHERE {{ ?a ?p ?x }}\n{tail}\n"
    assert split_order_by(text) == (text, [])


def test_split_order_by_reads_the_keys():
    from conflictkg.query import split_order_by

    text, keys = split_order_by("SELECT ?a ?b WHERE { ?a ?p ?b }\nORDER BY DESC(?b) ?a\n")
    assert keys == [("b", True), ("a", False)] and "ORDER" not in text


# -- answers cross from the engine as TSV ------------------------------------------------


def test_tsv_answers_equal_term_by_term_conversion(case_store):
    """The embedded store's fast path (SPARQL TSV parsed in Python) gives exactly the values
    of converting each term: every library query, and every kind of term and escape."""
    backend = OxigraphBackend(case_store)
    for name in NAMES:
        q = load_query(name)
        text = split_order_by(q.text)[0]
        bindings = bind_params(q, sample_params(name), backend)
        columns, rows = backend.select(text, bindings)
        assert backend.select_values(text, bindings) == (
            columns, [tuple(ox_value(t) for t in row) for row in rows]), name
    odd = ('SELECT ?a ?b ?c ?d ?e ?f ?g ?h ?i ?j ?k ?l ?m WHERE { BIND(<http://x/a%20b> AS ?a) '
           'BIND("tab\\there \\"q\\" back\\\\ nl\\nend é ✓ \\u00e9" AS ?b) BIND(3 AS ?c) '
           'BIND(1.50 AS ?d) BIND(2.5e3 AS ?e) BIND(true AS ?f) BIND("x"@en AS ?g) '
           'BIND("2020-01-02"^^<http://www.w3.org/2001/XMLSchema#date> AS ?h) '
           'BIND(-7 AS ?k) BIND("a\\"b"@fr AS ?l) BIND(false AS ?m) }')
    columns, rows = backend.select(odd, {})
    fast = backend.select_values(odd, {})
    assert fast == (columns, [tuple(ox_value(t) for t in row) for row in rows])
    assert fast[1][0][1] == 'tab\there "q" back\\ nl\nend é ✓ é' and fast[1][0][9] is None


def test_fast_sort_is_the_rank_order():
    """sort_rows (a column of one kind sorted on its values, the others on ranks) gives the
    order of sorting on `_rank` one key at a time, whatever the columns hold."""
    import random

    from conflictkg.query import _rank, sort_rows

    rng = random.Random(7)
    kinds = [lambda: IRI(f"http://x/{rng.randrange(9)}"), lambda: f"s{rng.randrange(9)}",
             lambda: rng.randrange(5), lambda: rng.random(), lambda: None, lambda: "_:b1",
             lambda: rng.choice([True, False])]
    for _ in range(200):
        width = rng.randrange(1, 4)
        column_kinds = [rng.sample(kinds, rng.choice([1, 1, 2])) for _ in range(width)]
        rows = [tuple(rng.choice(ks)() for ks in column_kinds) for _ in range(rng.randrange(30))]
        columns = [f"c{i}" for i in range(width)]
        keys = [(c, rng.random() < 0.3) for c in rng.sample(columns, rng.randrange(1, width + 1))]
        want = list(rows)
        for name, descending in reversed(keys):
            i = columns.index(name)
            want.sort(key=lambda row, i=i: _rank(row[i]), reverse=descending)
        assert sort_rows(columns, rows, keys) == want, (keys, rows)
