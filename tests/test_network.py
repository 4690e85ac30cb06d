"""Network projections on the seeds' graph (gold facts): would a wrong projection pass?"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conflictkg.cli import main
from conflictkg.graph.iris import ONTOLOGY_GRAPH
from conflictkg.network import (
    actor_event_graph,
    actor_victim_network,
    alliance_network,
    ally_blocs,
    balance,
    centrality,
    communities,
    coperpetration_network,
    network_rules,
    read_graph,
    signed_actor_network,
    write_graph,
)
from conflictkg.network import triads as triads_module
from conflictkg.paths import ontology_file
from conflictkg.vocab import CKG, ID_NS

CASES = Path(__file__).parent / "network_cases"


def actor(key: str) -> str:
    return f"{ID_NS}actor/{key}"


JNIM, ISGS, MLF, FAMA, WAGNER = (actor(k) for k in ("jnim", "isgs", "mlf", "fama", "wagner"))


@pytest.fixture(scope="module")
def signed(gold_store) -> nx.Graph:
    return signed_actor_network(gold_store)


# --- the four facts -------------------------------------------------------------------

def test_jnim_isgs_hostile(signed):
    e = signed.edges[JNIM, ISGS]
    assert e["sign"] == -1 and e["tie_kind"] == "hostility"
    # stated rivalry and fighting, and the clash where each is perpetrator and target
    assert {"rivalOf", "foughtAgainst", "hostileEvent"} <= set(e["relations"].split())
    assert e["positive"] == 0 and e["events"] == 1


def test_mlf_jnim_positive(signed):
    e = signed.edges[MLF, JNIM]
    assert e["sign"] == 1 and "affiliateOf" in e["relations"]


def test_fama_wagner_joint_operations(signed):
    e = signed.edges[FAMA, WAGNER]
    assert e["sign"] == 1 and e["negative"] == 0
    assert "jointOperation" in e["relations"].split()
    assert e["events"] >= 4  # the joint operations of Moura, Ouenkoro...
    assert all(iri.startswith(ID_NS) for iri in e["evidence"].split())
    assert len(e["evidence"].split()) == e["events"] + e["statements"]


def test_clash_sides_are_not_coperpetrators(gold_store):
    g = coperpetration_network(gold_store)
    assert not g.has_edge(JNIM, ISGS)
    assert g.edges[FAMA, WAGNER]["weight"] >= 4


def test_node_attributes(signed):
    fama, jnim = signed.nodes[FAMA], signed.nodes[JNIM]
    assert fama["kind"] == "StateForce" and fama["label"] == "Malian Armed Forces"
    assert jnim["kind"] == "IslamistArmedGroup"
    assert fama["perpetrated"] > 10 and fama["killed"] > 500
    assert signed.nodes[actor("cma")]["kind"] == "RebelCoalition"  # the most specific class


def test_edges_only_from_annotated_relations(signed):
    # ckg:linkedTo has no ckg:networkEdge: "Russia-linked Wagner" is no tie
    assert not signed.has_edge(WAGNER, actor("russia"))


def test_rules_come_from_the_store_ontology(gold_store):
    """Annotate ckg:linkedTo as cooperation in the store's ontology graph: the edge appears."""
    store = ox.Store()
    store.extend(gold_store)
    g = ox.NamedNode(ONTOLOGY_GRAPH)
    with ontology_file().open("rb") as fh:
        store.load(fh, format=ox.RdfFormat.TURTLE, to_graph=g)
    store.add(ox.Quad(CKG.linkedTo, CKG.networkEdge, CKG.cooperation, g))
    store.add(ox.Quad(CKG.linkedTo, CKG.edgeSign, ox.Literal("1", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")), g))
    assert "linkedTo" in {t.name for t in network_rules(store).ties}
    e = signed_actor_network(store).edges[WAGNER, actor("russia")]
    assert e["sign"] == 1 and e["relations"] == "linkedTo"


def store_with_stale_ontology(gold_store: ox.Store, without: ox.NamedNode) -> ox.Store:
    """The gold store with an ontology graph from before `without` existed."""
    store = ox.Store()
    store.extend(gold_store)
    g = ox.NamedNode(ONTOLOGY_GRAPH)
    with ontology_file().open("rb") as fh:
        store.extend(ox.Quad(t.subject, t.predicate, t.object, g)
                     for t in ox.parse(fh, format=ox.RdfFormat.TURTLE) if t.predicate != without)
    return store


def test_stale_store_ontology_falls_back_to_the_file(gold_store):
    """A store built before ckg:jointOperationTie existed: warn, and use ontology/conflictkg.ttl."""
    store = store_with_stale_ontology(gold_store, without=CKG.jointOperationTie)
    with pytest.warns(UserWarning, match="predates"):
        net = signed_actor_network(store)
    assert "jointOperation" in net.edges[FAMA, WAGNER]["relations"]


def test_alliance_keeps_only_cooperation(gold_store, signed):
    a = alliance_network(gold_store)
    assert set(a) == set(signed)
    assert a.has_edge(FAMA, WAGNER) and not a.has_edge(JNIM, ISGS)
    assert all(d["sign"] == 1 for _, _, d in a.edges(data=True))


def test_victim_network(gold_store):
    g = actor_victim_network(gold_store)
    civ = g.edges[FAMA, CKG.civilians.value]
    assert civ["killed"] >= 20 and "killed" in civ["harms"]
    assert g.edges[ISGS, CKG.women.value]["killed"] == 2
    assert g.nodes[CKG.civilians.value]["node_type"] == "victim_category"


def test_bipartite(gold_store):
    g = actor_event_graph(gold_store)
    clash = f"{ID_NS}event/000_b5fb28bacdc11b19-e04"
    assert g.edges[ISGS, clash]["role"] == "perpetrator target"
    assert g.nodes[clash]["bipartite"] == 1 and g.nodes[ISGS]["bipartite"] == 0
    assert nx.is_bipartite(g)


def test_coperpetration_is_the_bipartite_projection(gold_store):
    """The SPARQL co-perpetration network equals networkx's weighted projection of the
    actor-event graph on actors, through the edges of actors that are not targets."""
    b = actor_event_graph(gold_store)
    joint = nx.Graph((u, v) for u, v, d in b.edges(data=True) if "target" not in d["role"].split())
    actors = {n for n in joint if b.nodes[n]["bipartite"] == 0}
    projected = nx.bipartite.weighted_projected_graph(joint, actors)
    co = coperpetration_network(gold_store)
    assert {frozenset(e): w for *e, w in projected.edges(data="weight")} == \
        {frozenset(e): w for *e, w in co.edges(data="weight")}


# --- metrics ----------------------------------------------------------------------------------

def test_centrality_ranks_fama_first(signed):
    df = centrality(signed)
    assert df.iloc[0]["node"] == FAMA
    assert {"degree", "betweenness", "eigenvector", "pagerank"} <= set(df.columns)
    assert df["pagerank"].sum() == pytest.approx(1.0)


def test_communities_deterministic(signed):
    first, second = communities(signed), communities(signed)
    assert first == second
    assert set().union(*first) == set(signed)
    fama = next(c for c in first if FAMA in c)
    assert WAGNER in fama and JNIM not in fama


def test_ally_blocs(signed):
    blocs = ally_blocs(signed)
    assert frozenset({FAMA, WAGNER, actor("pro_gov_militia")}) in blocs
    for bloc in blocs:
        assert all(signed.edges[a, b]["sign"] == 1 for a, b in itertools.combinations(bloc, 2))


def test_seed_balance(signed):
    report = balance(signed)
    assert report.triads and 0 < report.fraction_balanced <= 1
    # JNIM and ISGS fight each other and both fight the Malian army: three enemies
    assert any(set(t.nodes) == {FAMA, JNIM, ISGS} and t.pattern == "---" for t in report.unbalanced)


# --- structural balance: test cases as files --------------------------------------------------

def _case(path: Path) -> tuple[nx.Graph, dict[str, str]]:
    g = nx.Graph()
    expect: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.startswith("# expect:"):
            expect = dict(kv.split("=") for kv in line.removeprefix("# expect:").split())
        elif line.strip() and not line.startswith("#"):
            a, b, s = line.split()
            g.add_edge(a, b, sign={"+": 1, "-": -1, "0": 0}[s], weight=1)
    return g, expect


@pytest.mark.parametrize("path", sorted(CASES.glob("*.txt")), ids=lambda p: p.stem)
def test_balance_cases(path):
    g, expect = _case(path)
    report = balance(g)
    assert len(report.triads) == int(expect["triads"])
    assert len(report.balanced) == int(expect["balanced"])
    assert len(report.unbalanced) == int(expect["unbalanced"])
    assert report.frustration == int(expect["frustration"]) and report.frustration_exact
    if "pattern" in expect:
        assert report.triads[0].pattern == expect["pattern"]


def test_frustration_local_search_matches_exact():
    rng = random.Random(3)
    for _ in range(5):
        g = nx.gnp_random_graph(12, 0.45, seed=rng.randint(0, 10**6))
        signed_g = triads_module.signed_graph(nx.Graph(
            (a, b, {"sign": rng.choice((1, -1))}) for a, b in g.edges))
        exact, _ = triads_module._exact(signed_g)
        heuristic, side = triads_module._local_search(signed_g, restarts=30)
        assert heuristic >= exact and triads_module._frustrated(signed_g, side) == heuristic
        assert heuristic == exact


# --- exports ----------------------------------------------------------------------------------

def test_graphml_round_trip(signed, tmp_path):
    back = read_graph(write_graph(signed, tmp_path / "signed.graphml"))
    assert set(back) == set(signed)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in signed.edges}
    for n, d in signed.nodes(data=True):
        assert back.nodes[n] == d
    for a, b, d in signed.edges(data=True):
        assert back.edges[a, b] == d


def test_gexf_round_trip(signed, tmp_path):
    back = read_graph(write_graph(signed, tmp_path / "signed.gexf"))
    assert set(back) == set(signed) and back.number_of_edges() == signed.number_of_edges()
    assert back.edges[JNIM, ISGS]["sign"] == -1 and back.nodes[FAMA]["label"] == "Malian Armed Forces"
    assert back.edges[FAMA, WAGNER]["evidence"] == signed.edges[FAMA, WAGNER]["evidence"]


def test_json_round_trip(gold_store, tmp_path):
    g = actor_victim_network(gold_store)
    path = write_graph(g, tmp_path / "victim.json")
    assert json.loads(path.read_text())["directed"] is True
    back = read_graph(path)
    assert back.is_directed() and set(back.edges) == set(g.edges)


def test_png(signed, tmp_path):
    data = write_graph(signed, tmp_path / "signed.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


# --- the CLI ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store_dir(gold_store, tmp_path_factory, disk_store) -> Path:
    return disk_store(gold_store, tmp_path_factory.mktemp("network") / "store")


def test_cli_export_graphml(store_dir, tmp_path):
    out = tmp_path / "alliance.graphml"
    result = CliRunner().invoke(main, ["network", "--kind", "alliance", "--format", "graphml", "-o", str(out),
                                       "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(out)
    assert g.has_edge(FAMA, WAGNER) and not g.has_edge(JNIM, ISGS)


@pytest.mark.parametrize("kind", ["signed", "victim", "bipartite", "coperpetration"])
def test_cli_kinds(store_dir, tmp_path, kind):
    out = tmp_path / f"{kind}.json"
    result = CliRunner().invoke(main, ["network", "--kind", kind, "-o", str(out), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["edges"]


def test_cli_metrics_balance_blocs(store_dir):
    result = CliRunner().invoke(main, ["network", "--metrics", "--balance", "--blocs",
                                       "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("node\tlabel\tkind\tcommunity\tdegree")
    assert lines[1].startswith(FAMA)
    assert any(line.startswith("unbalanced\t---") for line in lines)
    assert any(line.startswith("bloc ") and "Wagner Group" in line for line in lines)


@pytest.mark.parametrize("args", [
    ["--kind", "friends", "-o", "x.graphml"],  # unknown kind
    ["--format", "dot", "-o", "x.dot"],  # unknown format
    ["-o", "x.txt"],  # no format, suffix says nothing
    [],  # nothing to do
    ["-o", "-"],  # a network is a file
])
def test_cli_bad_arguments(store_dir, tmp_path, args):
    result = CliRunner().invoke(main, ["network", "--store", str(store_dir),
                                       *[str(tmp_path / a) if a.startswith("x.") else a for a in args]])
    assert result.exit_code == 2, result.output
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_cli_missing_store(tmp_path):
    result = CliRunner().invoke(main, ["network", "-o", str(tmp_path / "a.graphml"),
                                       "--store", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "nowhere" in result.output and not (tmp_path / "a.graphml").exists()


def children_of(store: ox.Store, actor_iri: str, harm: str | None = None) -> int:
    """How many children the actor's events harm (in any way, or in the given way), per the graph."""
    from conflictkg.vocab import sparql_prefixes

    how = f"ckg:harm ckg:{harm} ;" if harm else ""
    q = f"""SELECT (SUM(?n) AS ?x) WHERE {{ ?e ckg:perpetrator <{actor_iri}> ;
        ckg:victims [ ckg:victimCategory ckg:children ; {how} ckg:count ?n ] }}"""
    row = next(iter(store.query(sparql_prefixes() + q, use_default_graph_as_union=True)))
    return int(row[0].value) if row[0] is not None else 0


def test_victim_network_counts_harm_not_outcomes(gold_store):
    """Sentenced and released people are outcomes (ckg:countsAsHarm false in the ontology), not
    harm: the Bamako court, which in the seeds only sentences and releases people, has no
    victim edge; 24 children recruited then released by FAMa count 24 victims, not 48."""
    g = actor_victim_network(gold_store)
    assert actor("court") not in g or g.out_degree(actor("court")) == 0
    harms = {h for _, _, d in g.edges(data=True) for h in d["harms"].split()}
    assert harms and not harms & {"sentenced", "released"}
    assert "recruited" in harms and "killed" in harms
    children = g.edges[FAMA, CKG.children.value]
    assert "recruited" in children["harms"].split()
    assert children["victims"] >= children_of(gold_store, FAMA, "recruited") >= 24
    released = children_of(gold_store, FAMA, "released")
    assert released >= 24  # the seeds do record the release: the projection leaves it out
    assert children["victims"] == children_of(gold_store, FAMA) - released


def test_harm_classification_read_from_the_ontology():
    rules = network_rules()
    names = {h.rsplit("#", 1)[-1] for h in rules.harms}
    assert {"killed", "injured", "abducted", "arrested", "tortured", "raped", "displaced"} <= names
    assert not names & {"sentenced", "released"}


def test_store_ontology_without_harm_classification_falls_back_to_the_file(gold_store):
    """A store built before ckg:countsAsHarm: warn, and still leave sentenced/released out."""
    store = store_with_stale_ontology(gold_store, without=CKG.countsAsHarm)
    with pytest.warns(UserWarning, match="predates"):
        net = actor_victim_network(store)
    assert actor("court") not in net or net.out_degree(actor("court")) == 0


def test_the_command_line_starts_without_networkx_or_pandas():
    """`conflictkg.network` loads a name's module when it is first asked for, so commands
    other than `network` do not pay for networkx and pandas (~0.4 s of every start)."""
    import subprocess
    import sys

    code = ("import sys, conflictkg.cli\n"
            "print(sorted(m for m in ('networkx', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_package_names_load_on_demand():
    import conflictkg.network as network

    assert set(network.__all__) <= set(dir(network))
    for name in network.__all__:
        assert getattr(network, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        network.nothing  # noqa: B018
