"""Shape cases as files (STYLE.md 7): each tests/shape_cases/*.ttl adds triples to the valid
base graph (_base.ttl) and states the report it must produce; one test runs them all."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conflictkg.validate import validate_store

CASES = Path(__file__).parent / "shape_cases"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
GRAPH = ox.NamedNode("https://w3id.org/conflictkg/id/graph/case")


def _parse(path: Path) -> list[ox.Triple]:
    with path.open("rb") as fh:
        return list(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))


def _split(triples: list[ox.Triple]) -> tuple[list[ox.Triple], bool, set[tuple[str, str, str]]]:
    """The case's data, and its expected report: conforms, {(focus, shape, severity)}."""
    reports = [t.subject for t in triples
               if t.predicate == RDF_TYPE and t.object == ox.NamedNode(SH + "ValidationReport")]
    assert len(reports) == 1, "a case states exactly one sh:ValidationReport"
    rep = reports[0]
    results = {t.object for t in triples if t.subject == rep and t.predicate.value == SH + "result"}
    meta = {rep} | results
    conforms = next(t.object.value for t in triples
                    if t.subject == rep and t.predicate.value == SH + "conforms") == "true"

    def val(node, prop: str) -> str:
        return next(str(t.object) for t in triples if t.subject == node
                    and t.predicate.value == SH + prop)

    expected = {(val(r, "focusNode"), val(r, "sourceShape")[1:-1],
                 val(r, "resultSeverity")[1:-1].rsplit("#", 1)[-1]) for r in results}
    data = [t for t in triples if t.subject not in meta]
    return data, conforms, expected


def case_store(case: str) -> tuple[ox.Store, bool, set]:
    """A shape case's store (the base graph plus the case's triples), whether it must
    conform, and the results it expects."""
    data, conforms, expected = _split(_parse(CASES / case))
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, GRAPH)
                 for t in _parse(CASES / "_base.ttl") + data)
    return store, conforms, expected


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("[!_]*.ttl")))
def test_shape_case(case: str) -> None:
    store, conforms, expected = case_store(case)
    report = validate_store(store, workers=1)
    got = {(r.focus, r.shape, r.severity.value) for r in report.results}
    assert got == expected, report.text()
    assert report.conforms is conforms


def test_every_shape_has_a_message() -> None:
    from conflictkg.paths import shapes_dir

    for path in sorted(shapes_dir().glob("*.ttl")):
        triples = _parse(path)
        shapes = {t.subject for t in triples if t.predicate == RDF_TYPE
                  and t.object.value in (SH + "PropertyShape", SH + "NodeShape")}
        with_msg = {t.subject for t in triples if t.predicate.value == SH + "message"}
        missing = sorted(s.value for s in shapes - with_msg
                         if not any(t.subject == s and t.predicate.value == SH + "property"
                                    for t in triples))
        assert not missing, f"{path.name}: shapes without sh:message: {missing}"


def test_every_shape_term_is_in_the_ontology() -> None:
    """Shapes name only terms the ontology defines (STYLE.md 1)."""
    from conflictkg.paths import shapes_dir
    from conflictkg.vocab import CKG_NS, defined_terms

    used = {term.value for path in shapes_dir().glob("*.ttl") for t in _parse(path)
            for term in (t.predicate, t.object)
            if isinstance(term, ox.NamedNode) and term.value.startswith(CKG_NS)}
    assert used, "no ckg: terms found"
    assert sorted(used - defined_terms()) == []
