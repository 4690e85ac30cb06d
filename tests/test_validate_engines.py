"""The sparql engine (shapes compiled to SPARQL, `conflictkg.sparql_shacl`) gives exactly
pyshacl's results: on every shape case, on the seeds with faults injected, and on engine
cases (tests/engine_cases/*.trig: shapes in graph <urn:shapes>, data in the other graphs)
that exercise each SHACL feature the compiler handles, including the corners (ill-typed
literals, duplicates across graphs, inverse and sequence paths, logic, every target)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from test_shapes import CASES, case_store
from test_validate import broken_store  # noqa: F401  (the seeds with faults, a fixture)

from conflictkg import sparql_shacl
from conflictkg.cli import main
from conflictkg.errors import BadInput
from conflictkg.validate import Result, ValidationReport, validate_store, validate_whole

ENGINE_CASES = Path(__file__).parent / "engine_cases"
SHAPES_GRAPH = ox.NamedNode("urn:shapes")


def _full(results: list[Result]) -> set[tuple]:
    """Every field, message, severity and component included (blank node labels aside:
    rdflib relabels them)."""
    def bnode(term: str) -> str:
        return "_:" if term.startswith("_:") else term

    return {(r.shape, bnode(r.focus), r.path, bnode(r.value), r.severity, r.message,
             r.component) for r in results}


def _sparql(store: ox.Store, shapes: Path | None = None) -> ValidationReport:
    return validate_store(store, shapes=shapes, engine="sparql")


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("[!_]*.ttl")))
def test_shape_case_same_results(case: str) -> None:
    store, _conforms, _expected = case_store(case)
    assert _full(_sparql(store).results) == _full(validate_whole(store).results)


def test_seeds_with_faults_same_results(broken_store) -> None:  # noqa: F811
    reference = validate_whole(broken_store)
    assert len(reference.results) > 10 and not reference.conforms
    assert _full(_sparql(broken_store).results) == _full(reference.results)


def _engine_case(path: Path, tmp_path: Path) -> tuple[ox.Store, Path]:
    with path.open("rb") as fh:
        quads = list(ox.parse(fh, format=ox.RdfFormat.TRIG, base_iri=path.as_uri()))
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads
               if q.graph_name == SHAPES_GRAPH]
    (shapes / "case.ttl").write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE))
    store = ox.Store()
    store.extend(q for q in quads if q.graph_name != SHAPES_GRAPH)
    return store, shapes


@pytest.mark.parametrize("case", sorted(p.name for p in ENGINE_CASES.glob("*.trig")))
def test_engine_case_same_results(case: str, tmp_path: Path) -> None:
    store, shapes = _engine_case(ENGINE_CASES / case, tmp_path)
    reference = validate_whole(store, shapes=shapes)
    assert reference.results, "an engine case must make pyshacl report something"
    got = _sparql(store, shapes)
    assert _full(got.results) == _full(reference.results), (
        f"pyshacl:\n{reference.text()}\nsparql:\n{got.text()}")


def test_unsupported_shapes_are_named(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "s.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:ex:S> a sh:NodeShape ; sh:targetClass <urn:ex:C> ;\n"
        "  sh:property [ sh:path <urn:ex:p> ; sh:qualifiedValueShape [ sh:class <urn:ex:D> ] ;\n"
        "                sh:qualifiedMinCount 1 ] .\n")
    store = ox.Store()
    with pytest.raises((sparql_shacl.UnsupportedShapes, BadInput), match="urn:ex:S"):
        _sparql(store, shapes)


@pytest.fixture(scope="module")
def broken_disk(broken_store, disk_store, tmp_path_factory) -> Path:  # noqa: F811
    return disk_store(broken_store.quads_for_pattern(None, None, None, None),
                      tmp_path_factory.mktemp("engines") / "store")


def test_parallel_workers_on_disk_store(broken_store, broken_disk) -> None:  # noqa: F811
    """Two worker processes, each opening the on-disk store read-only, find what one
    process finds on the in-memory copy."""
    from conflictkg.store import open_store

    store = open_store(broken_disk, read_only=True)
    two = validate_store(store, workers=2, store_path=broken_disk, engine="sparql")
    one = validate_store(broken_store, workers=1, engine="sparql")
    assert two.results and _full(two.results) == _full(one.results)


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_validate_cli_engine(broken_disk, engine: str) -> None:
    result = CliRunner().invoke(main, ["validate", "--store", str(broken_disk),
                                       "--engine", engine, "--workers", "2"])
    assert result.exit_code == 1, result.output
    assert "Violation shp:Event-perpetrator" in result.output
    assert "Violation shp:check-relation-qualified" in result.output


def test_validate_cli_unknown_engine(broken_disk) -> None:
    result = CliRunner().invoke(main, ["validate", "--store", str(broken_disk),
                                       "--engine", "rudof"])
    assert result.exit_code == 2, result.output
    assert "rudof" in result.output


def test_many_violators_join_in_one_query(broken_store, monkeypatch) -> None:  # noqa: F811
    """Past `_MAX_JOINED` violators the join runs as one query, with the same results."""
    listed = validate_store(broken_store, engine="sparql")
    monkeypatch.setattr(sparql_shacl, "_MAX_JOINED", 0)
    joined = validate_store(broken_store, engine="sparql")
    assert listed.results and _full(joined.results) == _full(listed.results)
