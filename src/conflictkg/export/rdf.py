"""RDF exports of the store: Turtle, TriG, N-Triples, N-Quads, JSON-LD.

Every export is sorted and deterministic (the same store gives the same bytes), uses
the project's prefixes, and is serialised by pyoxigraph (rdflib is ~40x slower at
scale, ENGINES.md). Turtle and N-Triples merge the named graphs (a triple stated in
two reports appears once); TriG and N-Quads keep them. JSON-LD is compacted with the
reusable context `ontology/context.jsonld`, which is made from the ontology
(`make_context`) and embedded in each export so it parses offline.

Every RDF export adds the Web Annotation form of the evidence (`web_annotation`): the
store keeps one compact node per quoted span (report, quote, offsets), and a platform
that reads Web Annotations (https://www.w3.org/TR/annotation-model/) gets, beside it, the
annotation whose bodies are the facts citing it and whose target selects the report text
by quote and by position.
"""

from __future__ import annotations

import heapq
import json
import re
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from conflictkg.export import Exporter, register
from conflictkg.paths import ontology_dir, ontology_file
from conflictkg.store import serialized
from conflictkg.vocab import ID_NS, PREFIXES

#: The project's prefixes plus one per resource namespace (docs/model.md, IRIs).
EXPORT_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "actor": f"{ID_NS}actor/",
    "event": f"{ID_NS}event/",
    "place": f"{ID_NS}place/",
    "src": f"{ID_NS}source/",
    "ev": f"{ID_NS}evidence/",
    "rel": f"{ID_NS}relation/",
    "graph": f"{ID_NS}graph/",
}
CONTEXT_FILE = "context.jsonld"
_RDF_TYPE = PREFIXES["rdf"] + "type"
_XSD = PREFIXES["xsd"]


def _quad_key(q: ox.Quad) -> tuple[str, str, str, str]:
    g = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
    return (g, str(q.subject), "" if q.predicate.value == _RDF_TYPE else str(q.predicate),
            str(q.object))


def sorted_quads(store: ox.Store) -> list[ox.Quad]:
    """Every quad, ordered by graph, subject, predicate (rdf:type first), object."""
    return [q for g in graphs_in_order(store) for q in graph_quads(store, g)]


def graphs_in_order(store: ox.Store) -> list[ox.NamedNode | ox.DefaultGraph]:
    """The default graph (if it holds anything), then the named graphs by IRI."""
    named: list[ox.NamedNode | ox.DefaultGraph] = sorted(
        (g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=str)
    default = ox.DefaultGraph()
    if next(iter(store.quads_for_pattern(None, None, None, default)), None) is not None:
        return [default, *named]
    return named


_CKG, _OA = PREFIXES["ckg"], PREFIXES["oa"]
_EVIDENCE_NS = f"{ID_NS}evidence/"


def web_annotation(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The Web Annotation form of the compact evidence among `quads` (one graph's): for
    each evidence node, `a oa:Annotation`, `oa:hasTarget <ev#target>` (a SpecificResource
    with oa:hasSource the report) selecting the text by quote (`<ev#quote>`, oa:exact) and
    by position (`<ev#position>`, oa:start/oa:end), and `oa:hasBody` each fact citing it."""
    n = ox.NamedNode
    rdf_type, has_selector = n(_RDF_TYPE), n(_OA + "hasSelector")
    out: list[ox.Quad] = []
    for q in quads:
        p, s, g = q.predicate.value, q.subject, q.graph_name
        if p == _CKG + "evidence":
            out.append(ox.Quad(q.object, n(_OA + "hasBody"), s, g))  # type: ignore[arg-type]
            continue
        if not s.value.startswith(_EVIDENCE_NS):  # type: ignore[union-attr]
            continue
        target = n(s.value + "#target")  # type: ignore[union-attr]
        if p == _CKG + "quote":
            sel = n(s.value + "#quote")  # type: ignore[union-attr]
            out += [ox.Quad(s, rdf_type, n(_OA + "Annotation"), g),
                    ox.Quad(s, n(_OA + "hasTarget"), target, g),
                    ox.Quad(target, rdf_type, n(_OA + "SpecificResource"), g),
                    ox.Quad(target, has_selector, sel, g),
                    ox.Quad(sel, rdf_type, n(_OA + "TextQuoteSelector"), g),
                    ox.Quad(sel, n(_OA + "exact"), q.object, g)]
        elif p == _CKG + "inReport":
            out.append(ox.Quad(target, n(_OA + "hasSource"), q.object, g))
        elif p in (_CKG + "startOffset", _CKG + "endOffset"):
            pos = n(s.value + "#position")  # type: ignore[union-attr]
            out.append(ox.Quad(pos, n(_OA + ("start" if p.endswith("startOffset") else "end")),
                               q.object, g))
            if p.endswith("startOffset"):
                out += [ox.Quad(target, has_selector, pos, g),
                        ox.Quad(pos, rdf_type, n(_OA + "TextPositionSelector"), g)]
    return out


def _export_quads(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Quad]:
    """One graph's quads as exported: the store's plus their Web Annotation form."""
    quads = list(store.quads_for_pattern(None, None, None, graph))
    return quads + web_annotation(quads)


def graph_quads(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Quad]:
    """One graph's quads as exported, sorted: exports go graph by graph, so memory is
    bounded by the largest graph (a report), not by the store."""
    return sorted(set(_export_quads(store, graph)), key=_quad_key)


#: N-Triples lines held in memory before a sorted run is spilled to a temporary file.
RUN_LINES = 500_000
_TYPE_NT = f"<{_RDF_TYPE}>".encode()


def turtle_order(line: bytes) -> tuple[bytes, bool, bytes]:
    """Sort key of an N-Triples line: subject, rdf:type first, then the rest."""
    subject, predicate, rest = line.split(b" ", 2)
    return subject, predicate != _TYPE_NT, predicate + b" " + rest


def merged_lines(store: ox.Store, key=None, run_lines: int | None = None) -> Iterator[bytes]:
    """The distinct triples of all graphs as sorted N-Triples lines, in bounded memory:
    graphs are serialised one at a time into sorted runs spilled to temporary files, and
    the runs merged (an external merge sort). `key` orders lines (default: bytes)."""
    limit = run_lines or RUN_LINES
    with tempfile.TemporaryDirectory(prefix="ckg-export-") as tmp:
        runs: list[Path] = []
        buf: list[bytes] = []

        def spill() -> None:
            buf.sort(key=key)
            path = Path(tmp) / f"run{len(runs):05d}.nt"
            with path.open("wb") as fh:
                prev = None
                for line in buf:
                    if line != prev:
                        fh.write(line)
                    prev = line
            runs.append(path)
            buf.clear()

        for g in graphs_in_order(store):
            triples = (ox.Triple(q.subject, q.predicate, q.object)
                       for q in _export_quads(store, g))
            buf.extend(serialized(triples, ox.RdfFormat.N_TRIPLES).splitlines(keepends=True))
            if len(buf) >= limit:
                spill()
        spill()
        files = [p.open("rb") for p in runs]
        try:
            prev = None
            for line in heapq.merge(*files, key=key):
                if line != prev:
                    yield line
                prev = line
        finally:
            for fh in files:
                fh.close()


def _header(fmt: str) -> bytes:
    return (f"# conflictkg export ({fmt}), sorted; made by `conflictkg export --format {fmt}`\n"
            .encode())


def _split_prefixes(data: bytes) -> tuple[list[bytes], bytes]:
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    return lines[:n], b"\n".join(lines[n:])


def serialize_prefixed(items: list, out: IO[bytes], fmt: ox.RdfFormat,
                       prefixes: dict[str, str] = EXPORT_PREFIXES) -> None:
    """pyoxigraph's Turtle/TriG with the @prefix lines sorted (its own order is a hash
    map's, which a library upgrade may change)."""
    head, body = _split_prefixes(serialized(items, fmt, prefixes=prefixes))
    out.write(b"\n".join(sorted(head)) + (b"\n" if head else b"") + body)


def _prefix_block() -> bytes:
    return b"".join(sorted(f"@prefix {p}: <{ns}> .\n".encode() for p, ns in EXPORT_PREFIXES.items()))


def write_turtle(store: ox.Store, out: IO[bytes]) -> None:
    """All graphs merged; streamed in chunks cut at subject boundaries."""
    out.write(_header("ttl"))
    out.write(_prefix_block())
    chunk: list[bytes] = []

    def emit() -> None:
        if chunk:
            triples = [q.triple for q in ox.parse(b"".join(chunk), format=ox.RdfFormat.N_TRIPLES)]
            _head, body = _split_prefixes(serialized(triples, ox.RdfFormat.TURTLE,
                                                     prefixes=EXPORT_PREFIXES))
            out.write(body)
            chunk.clear()

    subject = None
    for line in merged_lines(store, key=turtle_order):
        s = line.split(b" ", 1)[0]
        if s != subject and len(chunk) >= 100_000:
            emit()
        subject = s
        chunk.append(line)
    emit()


def write_trig(store: ox.Store, out: IO[bytes]) -> None:
    """Graph by graph; the sorted @prefix block once at the top."""
    out.write(_header("trig"))
    out.write(_prefix_block())
    for g in graphs_in_order(store):
        _head, body = _split_prefixes(serialized(graph_quads(store, g), ox.RdfFormat.TRIG,
                                                 prefixes=EXPORT_PREFIXES))
        out.write(body)


def write_ntriples(store: ox.Store, out: IO[bytes]) -> None:
    """All graphs merged, distinct lines in byte order (`LC_ALL=C sort -c` agrees)."""
    out.writelines(merged_lines(store))


def write_nquads(store: ox.Store, out: IO[bytes]) -> None:
    """Graph by graph (by IRI), lines sorted within each graph."""
    for g in graphs_in_order(store):
        data = serialized(graph_quads(store, g), ox.RdfFormat.N_QUADS)
        out.write(b"".join(sorted(data.splitlines(keepends=True))))


# -- JSON-LD ---------------------------------------------------------------------------

def make_context() -> dict[str, Any]:
    """The JSON-LD context: the prefixes, and one term per ontology property (its local
    name), typed @id for object properties and with its XSD range for datatype ones."""
    owl, rdfs = PREFIXES["owl"], PREFIXES["rdfs"]
    with ontology_file().open("rb") as fh:
        triples = list(ox.parse(fh, format=ox.RdfFormat.TURTLE))
    kinds: dict[str, set[str]] = {}
    ranges: dict[str, str] = {}
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        if t.predicate.value == _RDF_TYPE:
            kinds.setdefault(t.subject.value, set()).add(t.object.value)
        elif t.predicate.value == rdfs + "range" and isinstance(t.object, ox.NamedNode):
            ranges[t.subject.value] = t.object.value
    ctx: dict[str, Any] = {"@version": 1.1}
    ctx.update(dict(sorted(EXPORT_PREFIXES.items())))
    terms: dict[str, Any] = {}
    ckg = PREFIXES["ckg"]
    for iri in sorted(kinds):
        if not iri.startswith(ckg):
            continue
        name = iri[len(ckg):]
        ks = kinds[iri]
        if owl + "ObjectProperty" in ks:
            terms[name] = {"@id": f"ckg:{name}", "@type": "@id"}
        elif owl + "DatatypeProperty" in ks:
            rng = ranges.get(iri, "")
            if rng.startswith(_XSD) and rng != _XSD + "string":
                terms[name] = {"@id": f"ckg:{name}", "@type": f"xsd:{rng[len(_XSD):]}"}
            else:
                terms[name] = {"@id": f"ckg:{name}"}
    std = {
        "label": {"@id": "rdfs:label"},
        "comment": {"@id": "rdfs:comment"},
        "prefLabel": {"@id": "skos:prefLabel"},
        "altLabel": {"@id": "skos:altLabel"},
        "sameAs": {"@id": "owl:sameAs", "@type": "@id"},
        "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
        "wasAttributedTo": {"@id": "prov:wasAttributedTo", "@type": "@id"},
        "title": {"@id": "dcterms:title"},
        "publisher": {"@id": "dcterms:publisher"},
        "issued": {"@id": "dcterms:issued"},
        "language": {"@id": "dcterms:language"},
        "identifier": {"@id": "dcterms:identifier"},
        "hasBody": {"@id": "oa:hasBody", "@type": "@id"},
        "hasTarget": {"@id": "oa:hasTarget", "@type": "@id"},
        "hasSource": {"@id": "oa:hasSource", "@type": "@id"},
        "hasSelector": {"@id": "oa:hasSelector", "@type": "@id"},
        "exact": {"@id": "oa:exact"},
        "start": {"@id": "oa:start", "@type": "xsd:integer"},
        "end": {"@id": "oa:end", "@type": "xsd:integer"},
        "hasGeometry": {"@id": "geo:hasGeometry", "@type": "@id"},
        "asWKT": {"@id": "geo:asWKT", "@type": "geo:wktLiteral"},
    }
    for k, v in std.items():
        terms.setdefault(k, v)
    for k in EXPORT_PREFIXES:  # a prefix keeps its name (`place:ml`); ckg:place stays ckg:place
        terms.pop(k, None)
    ctx.update(dict(sorted(terms.items())))
    return {"@context": ctx}


def context_text() -> str:
    return json.dumps(make_context(), indent=2, ensure_ascii=False) + "\n"


def write_context_file() -> None:
    """Regenerate ontology/context.jsonld (kept current by tests/test_export.py)."""
    from conflictkg.io import atomic_write_text

    atomic_write_text(ontology_dir() / CONTEXT_FILE, context_text())


@cache
def _term_index() -> tuple[dict[str, tuple[str, str | None]], list[tuple[str, str]]]:
    ctx = make_context()["@context"]
    prefixes = sorted(((k, v) for k, v in ctx.items() if isinstance(v, str) and not k.startswith("@")),
                      key=lambda kv: -len(kv[1]))
    by_iri: dict[str, tuple[str, str | None]] = {}
    for term, d in ctx.items():
        if isinstance(d, dict):
            pfx, local = d["@id"].split(":", 1)
            by_iri[ctx[pfx] + local] = (term, d.get("@type"))
    return by_iri, prefixes


def _compact(iri: str) -> str:
    _, prefixes = _term_index()
    for pfx, ns in prefixes:
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("/"):
            return f"{pfx}:{iri[len(ns):]}"
    return iri


def _expand_type(t: str) -> str:
    pfx, local = t.split(":", 1)
    return EXPORT_PREFIXES.get(pfx, pfx + ":") + local


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
           coerce: str | None) -> Any:
    if isinstance(term, ox.NamedNode):
        return _compact(term.value) if coerce == "@id" else {"@id": _compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}" if coerce == "@id" else {"@id": f"_:{term.value}"}
    assert isinstance(term, ox.Literal)
    if term.language:
        return {"@value": term.value, "@language": term.language}
    dt = term.datatype.value
    if coerce and coerce != "@id" and _expand_type(coerce) == dt:
        # JSON numbers and booleans where the lexical form is canonical (round-trips exactly)
        if dt == _XSD + "integer" and re.fullmatch(r"-?(0|[1-9][0-9]*)", term.value):
            return int(term.value)
        if dt == _XSD + "boolean" and term.value in ("true", "false"):
            return term.value == "true"
        return term.value
    if dt == _XSD + "string":
        return term.value if coerce is None else {"@value": term.value}
    return {"@value": term.value, "@type": _compact(dt)}


def _nodes(quads: list[ox.Quad]) -> Iterator[dict[str, Any]]:
    by_iri, _ = _term_index()
    node: dict[str, Any] | None = None
    subject = None
    for q in quads:
        if q.subject != subject:
            if node is not None:
                yield node
            subject = q.subject
            sid = f"_:{subject.value}" if isinstance(subject, ox.BlankNode) else \
                _compact(subject.value)  # type: ignore[union-attr]  # no RDF-star here
            node = {"@id": sid}
        assert node is not None
        p = q.predicate.value
        if p == _RDF_TYPE and isinstance(q.object, ox.NamedNode):
            key, val = "@type", _compact(q.object.value)
        else:
            term, coerce = by_iri.get(p, (_compact(p), None))
            key, val = term, _value(q.object, coerce)
        if key in node:
            if not isinstance(node[key], list):
                node[key] = [node[key]]
            node[key].append(val)
        else:
            node[key] = val
    if node is not None:
        yield node


def write_jsonld(store: ox.Store, out: IO[bytes]) -> None:
    """Compact JSON-LD 1.1: one entry per named graph (`@graph`), nodes sorted; written
    graph by graph."""
    ctx = json.dumps(make_context()["@context"], indent=1, ensure_ascii=False)
    out.write(b'{\n"@context": ' + ctx.encode("utf-8") + b',\n"@graph": [\n')
    first = True
    for g in graphs_in_order(store):
        nodes = list(_nodes(graph_quads(store, g)))
        entries = nodes if isinstance(g, ox.DefaultGraph) else [
            {"@id": _compact(g.value), "@graph": nodes}]
        for entry in entries:
            out.write((b"" if first else b",\n")
                      + json.dumps(entry, indent=1, ensure_ascii=False).encode("utf-8"))
            first = False
    out.write(b"\n]\n}\n")


register(Exporter("ttl", ".ttl", "Turtle: all graphs merged, sorted, with the project's prefixes",
                  write_turtle))
register(Exporter("trig", ".trig", "TriG: one named graph per report + registry, ontology, inferred",
                  write_trig))
register(Exporter("nt", ".nt", "N-Triples: all graphs merged, one sorted line per triple",
                  write_ntriples))
register(Exporter("nq", ".nq", "N-Quads: one sorted line per quad, graphs kept", write_nquads))
register(Exporter("jsonld", ".jsonld", "JSON-LD 1.1, compacted with ontology/context.jsonld",
                  write_jsonld))
