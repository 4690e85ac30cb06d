"""Summaries: the library's heavy questions answered once, when the graph is built.

A question such as "violent events and killed per actor, region and year" reads every
event of the store. At 1M events no plan answers it in seconds (bench/queries.md), so the
build answers its expensive part once, as data: each `queries/summaries/NAME.rq` is a
SPARQL CONSTRUCT, run over the union of the graphs like the library's queries, whose
triples are written into the named graph `iris.SUMMARY_GRAPH` (a table of
display labels, tallies per actor / region / year, the ties between actors with their
counts and evidence); the rows of the biggest tables (`# spread: ?row`) go to its part
graphs (`iris.summary_part`), so that a query can read them on every core. The library's
queries read those rows inside `GRAPH <https://w3id.org/conflictkg/id/graph/summary> { ... }`
(the parts: `GRAPH ?part { ... }`) and do the cheap part (parameters, labels, ordering) when
they are asked.

The summary graph is derived data, like the inferred graph: `conflictkg build` (its
`summarise` stage), `reason` (after materialising) and `import` rebuild it, nothing
validates it, and
every export and push carries it, so a platform that loads the graph can run the same
library. It records a fingerprint of the graphs it was computed from; a library query
that reads summaries refuses a store whose graphs have changed since (`check_fresh`),
rather than answer from stale rows. The tests compare every summary-reading query with
the same question asked of the report graphs directly (`tests/test_summary.py`).
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from conflictkg.errors import BadInput
from conflictkg.graph import iris
from conflictkg.paths import queries_dir
from conflictkg.vocab import PREFIXES

_CKG = PREFIXES["ckg"]
_GRAPH = ox.NamedNode(iris.SUMMARY_GRAPH)
_PARTS = tuple(ox.NamedNode(g) for g in iris.SUMMARY_PART_GRAPHS)
_ALL_GRAPHS = (_GRAPH, *_PARTS)
_FINGERPRINT = ox.NamedNode(_CKG + "fingerprint")
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_SUMMARY_GRAPH_CLASS = ox.NamedNode(_CKG + "SummaryGraph")


def summaries_dir() -> Path:
    return queries_dir() / "summaries"


def summary_files() -> list[Path]:
    """The summary queries, in name order (a later one may read an earlier one's rows)."""
    return sorted(summaries_dir().glob("*.rq"))


def fingerprint_of(graph_names: Iterable[str]) -> str:
    """A digest of the names of the graphs the summaries are computed from (derived
    graphs left out, so it is the same before and after materialising) and of the summary
    queries themselves (a new release's summaries are not an old store's)."""
    names = sorted(set(graph_names) - set(iris.DERIVED_GRAPHS))
    digest = hashlib.sha256("\n".join(names).encode())
    for path in summary_files():
        digest.update(f"\n{path.name}\n".encode() + path.read_bytes())
    return digest.hexdigest()


def fingerprint(store: ox.Store) -> str:
    return fingerprint_of(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


#: a summary quad's owner: its predicate, and for rdf:type its class too
Key = tuple[str, str | None]

_VAR = "urn:conflictkg:template-variable:"


_SPREAD = re.compile(r"^#\s*spread\s*:\s*(.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SummaryFile:
    """A summary query and the keys of the quads it writes, read from its CONSTRUCT
    template: each predicate, each rdf:type class; a variable there takes the values the
    query binds to it (`(ckg:jointPlace AS ?column)`, `BIND(… AS ?column)`, `VALUES ?column`).

    A header line `# spread: ?row` spreads the template's triples about ?row (the rows of a
    big table) over the part graphs (`iris.summary_part`), each row in the part a hash of its
    IRI picks: a query that reads only rows can then run once per part, in parallel
    (`query.execute`). `spread` holds their keys; the other triples (small shared tables)
    stay in the summary graph."""

    path: Path
    text: str
    keys: frozenset[Key]
    spread: frozenset[Key] = frozenset()

    @classmethod
    def read(cls, path: Path) -> SummaryFile:
        text = path.read_text(encoding="utf-8")
        found = _SPREAD.findall(text)
        if len(found) > 1 or (found and not re.fullmatch(r"[?$][A-Za-z_]\w*", found[0])):
            raise BadInput(f"{path}: write at most one header line '# spread: ?variable' "
                           "(the template's subject whose rows are spread over the parts)")
        keys, by_subject = _template_keys(path, text)
        spread: set[Key] = set()
        if found:
            var = found[0][1:]
            if var not in by_subject:
                raise BadInput(f"{path}: '# spread: ?{var}' names no subject of its CONSTRUCT "
                               "template")
            spread = by_subject[var]
        return cls(path, text, frozenset(keys), frozenset(spread))


def _strip_comments(text: str) -> str:
    return re.sub(r"(^|\s)#[^\n]*", r"\1", text)


def _template_keys(path: Path, text: str) -> tuple[set[Key], dict[str, set[Key]]]:
    """The keys of the template, and those of the triples of each subject variable."""
    body = _strip_comments(text)
    prefixes = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", body, re.IGNORECASE))
    m = re.search(r"\bCONSTRUCT\s*\{", body, re.IGNORECASE)
    if m is None:
        raise BadInput(f"{path}: a summary is a CONSTRUCT query with a template")
    depth, end = 1, m.end()
    while depth:
        if end >= len(body):
            raise BadInput(f"{path}: the CONSTRUCT template is not closed")
        depth += {"{": 1, "}": -1}.get(body[end], 0)
        end += 1
    template, where = body[m.end():end - 1], body[end:]

    def iri(term: str) -> str:
        if term.startswith("<"):
            return term[1:-1]
        prefix, _, local = term.partition(":")
        if prefix not in prefixes:
            raise BadInput(f"{path}: the prefix {prefix}: is not declared")
        return prefixes[prefix] + local

    def terms(text: str) -> set[str]:
        """The IRIs written in `text` (strings left out)."""
        text = re.sub(r'"(?:[^"\\]|\\.)*"', "", text)
        found = set(re.findall(r"<([^>\s]*)>", text))
        text = re.sub(r"<[^>\s]*>", "", text)
        return found | {iri(t) for t in re.findall(r"(?<![\w?$])[A-Za-z][\w-]*:[\w-]+", text)
                        if t.partition(":")[0] in prefixes}

    def values(var: str) -> set[str]:
        """The IRIs the query may bind to ?var (a predicate or class of the template): those
        of each `(expression AS ?var)` and `VALUES ?var { ... }`."""
        found: set[str] = set()
        for m in re.finditer(r"\bAS\s+[?$]" + var + r"\b", where):
            depth, start = 0, m.start()
            while start > 0 and depth >= 0:
                start -= 1
                depth += {")": 1, "(": -1}.get(where[start], 0)
            found |= terms(where[start + 1:m.start()])
        for block in re.findall(r"VALUES\s+[?$]" + var + r"\s*\{([^}]*)\}", where):
            found |= terms(block)
        if not found:
            raise BadInput(f"{path}: the template's ?{var} takes no IRI the summary can tell "
                           "(bind it with `(<a predicate> AS ?{var})` or `VALUES ?{var} {{ ... }}`)")
        return found

    turtle = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())
    turtle += re.sub(r"[?$]([A-Za-z_]\w*)", lambda v: f"<{_VAR}{v[1]}>", template).rstrip()
    turtle += "" if turtle.endswith(".") else " ."  # a template's last dot is optional
    try:
        triples = list(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise BadInput(f"{path}: cannot read its CONSTRUCT template: {exc}") from exc

    def named(term: object) -> set[str]:
        value = term.value if isinstance(term, ox.NamedNode) else ""
        return values(value.removeprefix(_VAR)) if value.startswith(_VAR) else {value}

    keys: set[Key] = set()
    by_subject: dict[str, set[Key]] = {}
    for t in triples:
        found: set[Key] = set()
        for p in named(t.predicate):
            if p == _RDF_TYPE.value:
                found |= {(p, c) for c in named(t.object)}
            else:
                found.add((p, None))
        keys |= found
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(_VAR):
            by_subject.setdefault(t.subject.value.removeprefix(_VAR), set()).update(found)
    return keys, by_subject


def part_of(subject: ox.NamedNode | ox.BlankNode) -> ox.NamedNode:
    """The part graph of a spread row: a hash of its IRI (stable across runs and machines)."""
    digest = hashlib.blake2b(subject.value.encode(), digest_size=8).digest()
    return _PARTS[int.from_bytes(digest, "big") % len(_PARTS)]


def key_of(quad: ox.Quad | ox.Triple) -> Key:
    p = quad.predicate.value
    return (p, str(quad.object.value if isinstance(quad.object, ox.NamedNode) else quad.object)
            ) if p == _RDF_TYPE.value else (p, None)


def _stored(store: ox.Store, key: Key, graphs: Iterable[ox.NamedNode] = (_GRAPH,)
            ) -> Iterable[ox.Quad]:
    p, cls = key
    for graph in graphs:
        yield from store.quads_for_pattern(None, ox.NamedNode(p), ox.NamedNode(cls) if cls else None,
                                           graph)


_STAMP_KEYS: frozenset[Key] = frozenset({(_RDF_TYPE.value, _SUMMARY_GRAPH_CLASS.value),
                                         (_FINGERPRINT.value, None)})


@dataclass
class SummaryChanges:
    """What a summarise wrote: quads deleted and inserted (the stamp left out)."""

    deleted: int = 0
    inserted: int = 0


def summarise(store: ox.Store, *, timings: dict[str, float] | None = None,
              progress: bool = False, changes: SummaryChanges | None = None) -> int:
    """Bring the summary graph up to date with the store's other graphs; return its size in
    quads.

    It writes only the difference: deleting a quad on disk costs ~36 µs, and most rows of a
    store that gained a few reports are unchanged. Each summary file owns the keys of its
    template (`SummaryFile`); in name order, each file's quads of its keys are made exactly
    its new triples (old minus new deleted, new minus old inserted), so when a file reads an
    earlier file's rows they are already the new ones. A key two files write (a shared
    ckg:TallySlice) is brought up to date at the later file, from both files' triples. Quads
    of keys no file owns (an older release's rows) go first. The result does not depend on
    what the graph held, only on the other graphs: the same quads as a summarise of a fresh
    store.

    The stamp (ckg:fingerprint) is removed first and written last, so a process stopped
    half-way leaves rows without a stamp, which the queries refuse (`check_fresh`). If a
    query fails, the summary graph is removed (a query then says the summaries are missing)
    and a BadInput names the file.
    """
    try:
        files = [SummaryFile.read(path) for path in summary_files()]
        spread = _spread_keys(files)
    except BadInput:
        _drop(store)
        raise
    last: dict[Key, int] = {}
    for i, f in enumerate(files):
        for key in f.keys:
            last[key] = i
    counts = changes if changes is not None else SummaryChanges()
    if store.contains_named_graph(_GRAPH):
        for q in list(store.quads_for_pattern(_GRAPH, _FINGERPRINT, None, _GRAPH)):
            store.remove(q)  # the stamp goes first
    counts.deleted += _remove(store, _unowned(store, (set(last) - spread) | _STAMP_KEYS, (_GRAPH,)))
    counts.deleted += _remove(store, _unowned(store, spread, _PARTS))
    for graph in _ALL_GRAPHS:
        if not store.contains_named_graph(graph):
            store.add_graph(graph)
    pending: dict[Key, set[ox.Quad]] = {}  # a shared key's triples from its earlier files
    size = 2
    for i, f in enumerate(files):
        t = time.process_time()
        try:
            result = store.query(f.text, use_default_graph_as_union=True)
            if not isinstance(result, ox.QueryTriples):
                raise ValueError("a summary is a CONSTRUCT query")
            new: dict[Key, set[ox.Quad]] = {key: pending.pop(key, set()) for key in f.keys}
            for triple in result:
                key = key_of(triple)
                if key not in new:
                    raise ValueError(f"it wrote {key[1] or key[0]}, which its template does not "
                                     "name (see summary.SummaryFile)")
                graph = part_of(triple.subject) if key in spread else _GRAPH
                new[key].add(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
        except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
            _drop(store)
            raise BadInput(f"{f.path}: the summary query failed: {exc}") from exc
        added: list[ox.Quad] = []
        for key in list(new):
            quads = new.pop(key)
            if last[key] > i:
                pending[key] = quads
                continue
            size += len(quads)
            # the stored quads are compared one by one, not copied into a second set: each
            # one already there is dropped from the new ones, the others are stale
            stale: list[ox.Quad] = []
            for q in _stored(store, key, _PARTS if key in spread else (_GRAPH,)):
                if q in quads:
                    quads.remove(q)
                else:
                    stale.append(q)
            counts.deleted += _remove(store, stale)
            added.extend(quads)
        _insert(store, added)
        counts.inserted += len(added)
        spent = time.process_time() - t
        if timings is not None:
            timings[f.path.stem] = timings.get(f.path.stem, 0.0) + spent
        if progress:
            print(f"summary {f.path.stem}: {spent:.1f} CPU-s", file=sys.stderr)
    store.add(ox.Quad(_GRAPH, _RDF_TYPE, _SUMMARY_GRAPH_CLASS, _GRAPH))
    store.add(ox.Quad(_GRAPH, _FINGERPRINT, ox.Literal(fingerprint(store)), _GRAPH))
    if progress:
        print(f"summary graph: {counts.deleted} quads deleted, {counts.inserted} inserted",
              file=sys.stderr)
    return size


#: fewer quads than this go in one transaction: a bulk write ingests files into RocksDB and
#: syncs them, ~0.1 s of wall time whatever its size (74 of them made the seeds' summaries
#: 6 s instead of 0.3), while a transaction costs 20-30 µs a quad on disk
_BULK_FROM = 10_000


def _insert(store: ox.Store, quads: list[ox.Quad]) -> None:
    """Add the quads: in bulk when many (half the CPU of a transaction; a stopped process
    leaves no stamp, so no transaction is needed), else in one transaction."""
    if len(quads) >= _BULK_FROM:
        store.bulk_extend(quads)
    elif quads:
        store.extend(quads)


def _spread_keys(files: list[SummaryFile]) -> set[Key]:
    """The keys spread over the parts; a key is spread by every file that writes it or by
    none (its quads have one place)."""
    spread = {key for f in files for key in f.spread}
    for f in files:
        mixed = (f.keys & spread) - f.spread
        if mixed:
            key = min(mixed)
            other = next(g.path.name for g in files if key in g.spread)
            raise BadInput(f"{f.path}: it writes {key[1] or key[0]}, which {other} spreads over "
                           "the summary parts: spread it here too (`# spread: ?row`) or not there")
    return spread


def quads(store: ox.Store, subject: ox.NamedNode | None = None,
          predicate: ox.NamedNode | None = None, obj: ox.NamedNode | ox.Literal | None = None
          ) -> Iterator[ox.Quad]:
    """The quads of the summary graph and its parts that match the pattern."""
    for graph in _ALL_GRAPHS:
        yield from store.quads_for_pattern(subject, predicate, obj, graph)


def _drop(store: ox.Store) -> None:
    """Remove the summary graph and its parts (a query then says the summaries are missing)."""
    for graph in _ALL_GRAPHS:
        if store.contains_named_graph(graph):
            store.remove_graph(graph)


def _unowned(store: ox.Store, keys: set[Key], graphs: Iterable[ox.NamedNode]) -> list[ox.Quad]:
    """The quads of `graphs` of no key in `keys` (an older release's rows, or rows that moved
    between the summary graph and its parts)."""
    out: list[ox.Quad] = []
    for graph in graphs:
        if not store.contains_named_graph(graph):
            continue
        for p in _column(store, f"SELECT DISTINCT ?x WHERE {{ GRAPH {graph} {{ ?s ?x ?o }} }}"):
            if p != _RDF_TYPE and (p.value, None) not in keys:
                out.extend(store.quads_for_pattern(None, p, None, graph))
        for c in _column(store, f"SELECT DISTINCT ?x WHERE {{ GRAPH {graph} {{ ?s a ?x }} }}"):
            if key_of(ox.Triple(_GRAPH, _RDF_TYPE, c)) not in keys:
                out.extend(store.quads_for_pattern(None, _RDF_TYPE, c, graph))
    return out


def _column(store: ox.Store, select: str) -> list:
    result = store.query(select)
    assert isinstance(result, ox.QuerySolutions)
    return [row["x"] for row in result]


def _remove(store: ox.Store, quads: Iterable[ox.Quad]) -> int:
    n = 0
    for q in quads:
        store.remove(q)
        n += 1
    return n


def reads_summaries(text: str) -> bool:
    """Does this query read the summary graph (or its parts)?"""
    return iris.SUMMARY_GRAPH in text


#: the stamp, for engines other than the embedded store
STAMP_QUERY = (f"SELECT ?f WHERE {{ GRAPH <{iris.SUMMARY_GRAPH}> "
               f"{{ <{iris.SUMMARY_GRAPH}> <{_CKG}fingerprint> ?f }} }}")


def check_stamp(stamps: list[str], current: str | None, where: str) -> None:
    """Raise BadInput when there is no stamp, or (if `current` is known) a stale one."""
    if not stamps:
        raise BadInput(f"{where} has no summaries (the graph <{iris.SUMMARY_GRAPH}>): "
                       "run `conflictkg reason` on the store, or build it with `conflictkg build` "
                       "(`conflictkg push` and the exports carry the summaries)")
    if current is not None and current not in stamps:
        raise BadInput(f"{where}: its summaries were computed before its graphs or the summary "
                       "queries last changed: run `conflictkg reason` on it to bring them up to date")


def stamps(store: ox.Store) -> list[str]:
    """The fingerprints the summary graph is stamped with (none: no summaries, or a rebuild
    stopped half-way)."""
    return [q.object.value for q in store.quads_for_pattern(_GRAPH, _FINGERPRINT, None, _GRAPH)
            if isinstance(q.object, ox.Literal)]


def check_fresh(store: ox.Store, where: str = "the store") -> None:
    """Raise BadInput unless the store's summaries were computed from its current graphs."""
    found = stamps(store)
    check_stamp(found, fingerprint(store) if found else None, where)
