"""The whole chain on the real seeds with the real extractor (no gold facts): build, then the
answers a careful reader of the two reports knows are there, through the query library and the
network projection, as a user would get them after `make run`."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conflictkg.network import signed_actor_network
from conflictkg.paths import seeds_dir
from conflictkg.pipeline import build
from conflictkg.query import query_df
from conflictkg.store import open_store

ACTOR = "https://w3id.org/conflictkg/id/actor/"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e")
    summary = build([seeds_dir()], work / "store", None, workers=1, validate=True, reason=False)
    assert summary.validation.startswith("conforms"), summary.validation
    return open_store(work / "store")


def test_the_mlf_is_a_jnim_affiliate(store):
    tree = query_df(store, "coalitions")
    rows = tree[(tree.member == ACTOR + "mlf") & (tree.group == ACTOR + "jnim")]
    assert not rows.empty and "affiliate" in " ".join(rows.tie)


def test_the_cma_members(store):
    tree = query_df(store, "coalitions")
    members = set(tree[(tree.group == ACTOR + "cma") & tree.direct].member)
    assert {ACTOR + "mnla", ACTOR + "hcua", ACTOR + "maa"} <= members


def test_malian_forces_operated_with_wagner(store):
    ops = query_df(store, "joint-operations")
    wagner = ops[(ops.state_force == ACTOR + "fama") & (ops.foreign_force == ACTOR + "wagner")]
    assert len(wagner) >= 3  # Séguéla, Sossobé, Ouenkoro, Sambani (HRW) and Moura (UN)
    assert wagner.killed.max() >= 20


def test_boat_attack_attributed_to_islamist_fighters(store):
    islamists = ox.NamedNode(ACTOR + "islamist_unspecified")
    rows = store.query(
        """PREFIX ckg: <https://w3id.org/conflictkg/ontology#>
        SELECT ?e ?k ?q ?who WHERE { ?e ckg:startDate "2023-09-07"^^<http://www.w3.org/2001/XMLSchema#date> ;
            ckg:fatalities ?k ; ckg:fatalitiesQualifier ?q ; ckg:attribution/ckg:attributedTo ?who }""",
        use_default_graph_as_union=True, substitutions={ox.Variable("who"): islamists})
    found = [(int(r["k"].value), r["q"].value.rsplit("#", 1)[-1]) for r in rows]
    assert (120, "more_than") in found


def test_signed_network_of_the_extracted_graph(store):
    g = signed_actor_network(store)
    assert g.edges[ACTOR + "jnim", ACTOR + "isgs"]["sign"] < 0
    assert g.edges[ACTOR + "mlf", ACTOR + "jnim"]["sign"] > 0
    assert g.edges[ACTOR + "fama", ACTOR + "wagner"]["sign"] > 0
