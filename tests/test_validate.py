"""Validation: batches equal the whole graph; the `validate` command's report and exit codes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from conflictkg.cli import main
from conflictkg.graph import iris
from conflictkg.validate import Severity, plan_batches, validate_store, validate_whole
from conflictkg.vocab import CKG, RDFS

SEED_GRAPHS = ("000_b5fb28bacdc11b19", "001_1de2b2a600e760d6")


@pytest.fixture(scope="module")
def broken_store(gold_store) -> ox.Store:
    """The gold graph plus faults that need reference data from other graphs to detect:
    a perpetrator that is a place (its type is in the registry graph), an event without a
    date, an unqualified relation, an actor two reports label differently."""
    store = ox.Store()
    store.bulk_extend(gold_store.quads_for_pattern(None, None, None, None))
    g0, g1 = (ox.NamedNode(iris.report_graph(r)) for r in SEED_GRAPHS)
    e0 = ox.NamedNode(iris.event(f"{SEED_GRAPHS[0]}-e18"))
    e1 = ox.NamedNode(iris.event(f"{SEED_GRAPHS[1]}-e05"))
    mali, fama, jnim = (ox.NamedNode(iris.country("ml")), ox.NamedNode(iris.actor("fama")),
                        ox.NamedNode(iris.actor("jnim")))
    store.add(ox.Quad(e0, CKG.perpetrator, mali, g0))
    for q in list(store.quads_for_pattern(e1, CKG.startDate, None, g1)):
        store.remove(q)
    store.add(ox.Quad(fama, CKG.alliedWith, jnim, g1))
    stray = ox.NamedNode(iris.actor("stray_band"))
    store.add(ox.Quad(stray, ox.NamedNode(str(RDFS.label.value)), ox.Literal("Band A"), g0))
    store.add(ox.Quad(stray, ox.NamedNode(CKG.wikidata.value), ox.Literal("Q1"), g0))
    store.add(ox.Quad(stray, ox.NamedNode(CKG.wikidata.value), ox.Literal("wd:Q2"), g1))
    store.add(ox.Quad(stray, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      CKG.RebelGroup, g1))
    return store


def test_seed_graph_conforms(gold_store) -> None:
    report = validate_store(gold_store, workers=1)
    assert report.conforms, report.text()
    assert report.count(Severity.VIOLATION) == 0


def test_batches_equal_whole_graph(broken_store) -> None:
    batches = plan_batches(broken_store, batch_size=10)
    assert len(batches) >= 3  # registry + one batch per report at least
    batched = validate_store(broken_store, batch_size=10, workers=2, engine="pyshacl")
    whole = validate_whole(broken_store)
    assert batched.batches == len(batches)
    assert batched.results == whole.results
    shapes = {r.shape.rsplit("#", 1)[-1] for r in whole.results}
    # each injected fault is found, so the equality is not between two empty reports
    assert {"Event-perpetrator", "Event-date", "check-relation-qualified",
            "Actor-wikidata"} <= shapes, whole.text()
    assert not whole.conforms


def test_turtle_report_is_a_shacl_report(broken_store) -> None:
    report = validate_store(broken_store, workers=1)
    g = rdflib.Graph().parse(data=report.turtle(), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    rep = next(g.subjects(rdflib.RDF.type, sh.ValidationReport))
    assert g.value(rep, sh.conforms).toPython() is False
    assert len(list(g.objects(rep, sh.result))) == len(report.results)
    assert report.turtle() == report.turtle()


@pytest.fixture(scope="module")
def files(tmp_path_factory, gold_store, broken_store) -> dict[str, Path]:
    from conflictkg.export.rdf import write_trig, write_turtle

    d = tmp_path_factory.mktemp("validate")
    out = {"good": d / "good.trig", "bad": d / "bad.ttl", "malformed": d / "malformed.ttl",
           "badjson": d / "bad.jsonld", "latin1": d / "latin1.nt", "unknown": d / "graph.xyz"}
    with out["good"].open("wb") as fh:
        write_trig(gold_store, fh)
    with out["bad"].open("wb") as fh:
        write_turtle(broken_store, fh)
    out["malformed"].write_text("@prefix ckg: <https://w3id.org/conflictkg/ontology#> .\n"
                                "<urn:a> ckg:p \"unterminated .\n")
    out["badjson"].write_text('{"@id": "urn:a", ')
    out["latin1"].write_bytes('<urn:a> <urn:b> "Ségou" .\n'.encode("latin-1"))
    out["unknown"].write_text("x")
    return out


def test_validate_cli_file(files) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(files["good"]), "--workers", "1"])
    assert ok.exit_code == 0, ok.output
    assert "conforms" in ok.output
    bad = runner.invoke(main, ["validate", str(files["bad"]), "--workers", "1"])
    assert bad.exit_code == 1, bad.output
    assert "Violation shp:Event-perpetrator" in bad.output
    ttl = runner.invoke(main, ["validate", str(files["bad"]), "--format", "turtle", "--workers", "1"])
    assert ttl.exit_code == 1
    assert "sh:ValidationReport" in ttl.output


@pytest.mark.parametrize("name", ["malformed", "badjson", "latin1", "unknown"])
def test_validate_cli_bad_input(files, name, tmp_path) -> None:
    out = tmp_path / "report.txt"
    result = CliRunner().invoke(main, ["validate", str(files[name]), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert str(files[name]) in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_validate_cli_store(tmp_path) -> None:
    missing = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    assert "nope" in missing.output
