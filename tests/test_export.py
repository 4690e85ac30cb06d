"""`conflictkg export`: every format re-loads with the store's counts, sorted and stable."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from conflictkg.cli import main
from conflictkg.export import formats
from conflictkg.export.rdf import CONTEXT_FILE, make_context, web_annotation
from conflictkg.paths import ontology_dir
from conflictkg.pipeline import build, facts_from_files
from conflictkg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "eval" / "gold"
RDF_FORMATS = ("ttl", "trig", "nt", "nq", "jsonld")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    if not GOLD.exists():
        pytest.skip("shared/eval/gold is not beside the checkout")
    tmp = tmp_path_factory.mktemp("export")
    facts = facts_from_files(sorted(GOLD.glob("0*.jsonl")), [GOLD / "relations.jsonl"])
    build([ROOT / "seeds"], tmp / "store", None, workers=1, validate=False, reason=True,
          facts=facts)
    return tmp / "store"


def exported_quads(store_dir) -> set[ox.Quad]:
    """What an export holds: the store's quads plus the Web Annotation form of its evidence."""
    store = open_store(store_dir)
    out: set[ox.Quad] = set()
    for g in [*store.named_graphs(), ox.DefaultGraph()]:
        quads = list(store.quads_for_pattern(None, None, None, g))
        out.update(quads, web_annotation(quads))
    return out


@pytest.fixture(scope="module")
def counts(store_dir) -> tuple[int, int]:
    """(quads, distinct triples) an export holds."""
    quads = exported_quads(store_dir)
    return len(quads), len({(q.subject, q.predicate, q.object) for q in quads})


def test_exports_add_web_annotation(store_dir) -> None:
    """Each compact evidence node leaves as a Web Annotation whose target selects the report
    text: the selector's quote is the report's text at the selector's offsets, and its bodies
    are the facts that cite it."""
    store = ox.Store()
    store.extend(exported_quads(store_dir))
    q = """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX ckg: <https://w3id.org/conflictkg/ontology#>
    SELECT ?ev ?exact ?start ?end ?body ?src {
      ?ev a oa:Annotation ; oa:hasBody ?body ; oa:hasTarget ?t .
      ?body ckg:evidence ?ev .
      ?t a oa:SpecificResource ; oa:hasSource ?src ; oa:hasSelector ?qs, ?ps .
      ?qs a oa:TextQuoteSelector ; oa:exact ?exact .
      ?ps a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end . }"""
    rows = list(store.query(q, use_default_graph_as_union=True))
    evidence = {str(r["ev"]) for r in rows}
    n_evidence = len(list(store.query(
        "SELECT DISTINCT ?e { ?e a <https://w3id.org/conflictkg/ontology#Evidence> }",
        use_default_graph_as_union=True)))
    assert len(evidence) == n_evidence > 50
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt")}
    for r in rows:
        name = r["src"].value.rsplit("/", 1)[-1]
        text = texts[name]
        assert text[int(r["start"].value):int(r["end"].value)] == r["exact"].value


@pytest.fixture(scope="module")
def exported(store_dir, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("files")
    paths = {}
    for fmt in RDF_FORMATS:
        path = out / f"kg.{fmt}"
        result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(path),
                                           "--store", str(store_dir)])
        assert result.exit_code == 0, result.output
        paths[fmt] = path
    return paths


def test_rdf_formats_registered() -> None:
    assert set(RDF_FORMATS) <= set(formats())


def test_turtle_reloads_with_same_count(exported, counts, store_dir) -> None:
    _, triples = counts
    g = rdflib.Graph().parse(exported["ttl"], format="turtle")
    assert len(g) == triples
    store = ox.Store()
    store.load(path=str(exported["ttl"]), format=ox.RdfFormat.TURTLE)
    assert len(store) == triples

    def ground(s: ox.Store) -> set[ox.Triple]:  # blank nodes get new labels when re-parsed
        return {ox.Triple(q.subject, q.predicate, q.object)
                for q in s.quads_for_pattern(None, None, None, None)
                if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}

    exported_store = ox.Store()
    exported_store.extend(exported_quads(store_dir))
    assert ground(store) == ground(exported_store)
    text = exported["ttl"].read_text()
    assert "@prefix actor: <https://w3id.org/conflictkg/id/actor/> ." in text
    assert "actor:fama " in text


@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_quad_formats_keep_graphs(exported, counts, fmt) -> None:
    quads, _ = counts
    store = ox.Store()
    store.load(path=str(exported[fmt]), format=ox.RdfFormat.from_extension(fmt))
    assert len(store) == quads
    ds = rdflib.Dataset().parse(exported[fmt], format="trig" if fmt == "trig" else "nquads")
    assert sum(len(g) for g in ds.graphs()) == quads


def test_ntriples_sorted_lines(exported, counts) -> None:
    lines = exported["nt"].read_text().splitlines()
    assert len(lines) == counts[1]
    assert lines == sorted(lines)
    by_graph: dict[str, list[str]] = {}
    for line in exported["nq"].read_text().splitlines():
        by_graph.setdefault(line.rsplit(" ", 2)[-2], []).append(line)
    assert list(by_graph) == sorted(by_graph)  # graph by graph, by IRI
    assert all(lines == sorted(lines) for lines in by_graph.values())


def test_jsonld_round_trip(exported, counts, store_dir) -> None:
    quads, _ = counts
    ds = rdflib.Dataset().parse(exported["jsonld"], format="json-ld")
    assert sum(len(g) for g in ds.graphs()) == quads
    parsed = set(ox.parse(path=str(exported["jsonld"]), format=ox.RdfFormat.JSON_LD))
    assert parsed == exported_quads(store_dir)
    doc = json.loads(exported["jsonld"].read_text())
    assert doc["@context"] == make_context()["@context"]


def test_context_file_is_current() -> None:
    """ontology/context.jsonld is made from the ontology: regenerate it with
    `python -c 'from conflictkg.export.rdf import write_context_file; write_context_file()'`."""
    on_disk = json.loads((ontology_dir() / CONTEXT_FILE).read_text())
    assert on_disk == make_context(), "ontology/context.jsonld is stale"


def test_export_is_stable_and_stdout(store_dir, exported) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "trig", "--store", str(store_dir)])
    assert result.exit_code == 0
    assert result.stdout_bytes == exported["trig"].read_bytes()


def test_export_bad_store(tmp_path) -> None:
    out = tmp_path / "kg.ttl"
    result = CliRunner().invoke(main, ["export", "--format", "ttl", "-o", str(out), "--store",
                                       str(tmp_path / "nostore")])
    assert result.exit_code == 2
    assert "nostore" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []
    unknown = CliRunner().invoke(main, ["export", "--format", "rdfxml"])
    assert unknown.exit_code == 2


def test_export_unwritable_output(store_dir, tmp_path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["export", "--format", "nt", "-o", str(blocker / "kg.nt"),
                                       "--store", str(store_dir)])
    assert result.exit_code == 2, result.output
    assert "afile" in result.output and "cannot write" in result.output


@pytest.mark.parametrize("command", [["export", "--format", "ttl"], ["validate"]])
def test_not_a_store_dir(tmp_path, command) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, [*command, "--store", str(notes)])
    assert result.exit_code == 2, result.output
    assert f"{notes}: not a store" in result.output
    assert [p.name for p in notes.iterdir()] == ["keep.txt"]


def test_spilled_runs_give_the_same_bytes(store_dir, exported, monkeypatch) -> None:
    """The external merge sort (many small runs on disk) writes what one run writes."""
    import io

    import conflictkg.export.rdf as rdf

    monkeypatch.setattr(rdf, "RUN_LINES", 300)
    store = open_store(store_dir)
    for fmt in ("ttl", "nt"):
        buf = io.BytesIO()
        formats()[fmt].write(store, buf)
        assert buf.getvalue() == exported[fmt].read_bytes(), fmt
