"""The build: reports in, a validated knowledge graph out (DESIGN.md, The pipeline).

read -> extract -> graph -> load (+ validate, + reason) -> export. The store is built
in a scratch directory and swapped in whole (`store.build_store`), so a failed or
killed build leaves the previous store as it was. Every output file is written
atomically.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from tqdm import tqdm

from conflictkg.errors import BadInput
from conflictkg.facts import Event, ExtractionResult, Relation, read_jsonl, write_jsonl
from conflictkg.graph.build import registry_quads, report_quads
from conflictkg.io import atomic_output, atomic_write_text
from conflictkg.loader import load_chunks, quad_chunks
from conflictkg.registry import Registry, load_registry
from conflictkg.reports import Report, find_reports, load_report
from conflictkg.store import (
    build_store,
    check_writable,
    ontology_quads,
    open_store,
    select,
    triple_count,
)
from conflictkg.vocab import sparql_prefixes

DEFAULT_STORE = Path("build/store")
DEFAULT_OUT = Path("build")
#: Files the build writes in its output folder.
#: Quads handed to the store at once while loading.
LOAD_CHUNK = 500_000
OUTPUTS = ("conflictkg.trig", "conflictkg.ttl", "events.jsonl", "relations.jsonl", "validation.txt")


@dataclass
class BuildSummary:
    """What a build did: counts, validation outcome, seconds per stage, where things went."""

    reports: int = 0
    events: int = 0
    relations: int = 0
    actors: int = 0
    new_actors: int = 0
    triples: int = 0
    conforms: bool | None = None  # None: not validated
    validation: str = "not run"
    inferred: int | None = None  # None: reasoning not run
    summaries: int = 0  # quads of the summary graph (conflictkg.summary)
    evidence: dict[str, int] = field(default_factory=dict)  # spans_repaired, spans_dropped
    store: Path = DEFAULT_STORE
    outputs: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def text(self) -> str:
        lines = [
            f"reports    {self.reports}",
            f"events     {self.events}",
            f"actors     {self.actors} ({self.new_actors} not in the registry)",
            f"relations  {self.relations}",
            f"triples    {self.triples} (store: {self.store})",
            f"validation {self.validation}",
            f"evidence   {self.evidence.get('spans_repaired', 0)} spans re-anchored on their quote, "
            f"{self.evidence.get('spans_dropped', 0)} quotes not found in their report (dropped)",
            "reasoning  " + (f"{self.inferred} inferred triples" if self.inferred is not None
                             else "not run"),
            f"summaries  {self.summaries} triples (the library's heavy questions, answered once)",
            "time       " + ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items())
            + f" (total {sum(self.seconds.values()):.2f}s)",
        ]
        if self.outputs:
            lines.append("wrote      " + ", ".join(map(str, self.outputs)))
        return "\n".join(lines)


@contextmanager
def _stage(summary: BuildSummary, name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        summary.seconds[name] = summary.seconds.get(name, 0.0) + time.perf_counter() - t0


@contextmanager
def _writing(where: Path) -> Iterator[None]:
    """Turn an OS error while writing outputs into a BadInput naming the place."""
    try:
        yield
    except OSError as exc:
        name = exc.filename or where
        raise BadInput(f"{name}: cannot write: {exc.strerror or exc}") from exc


def read_reports(paths: Sequence[Path], progress: bool = False) -> list[Report]:
    files = find_reports([Path(p) for p in paths])
    reports = [load_report(p) for p in tqdm(files, desc="read", unit="report",
                                            disable=not progress, file=sys.stderr)]
    seen: dict[str, Path | None] = {}
    for r in reports:  # the file name is the report's key in IRIs and named graphs
        if r.id in seen:
            raise BadInput(f"{r.path}: same report name as {seen[r.id]}; rename one of them")
        seen[r.id] = r.path
    return reports


def facts_from_files(events: Sequence[Path], relations: Sequence[Path] = ()) -> ExtractionResult:
    """Facts already extracted (or annotated by hand), as JSON Lines in the extractor's
    format: `conflictkg build --facts events.jsonl --relations relations.jsonl`."""
    def rows(path: Path, cls, key: str) -> list:
        out = []
        for n, obj in enumerate(read_jsonl(Path(path)), 1):
            if not isinstance(obj, dict) or key not in obj:
                continue  # other record kinds may share the file
            try:
                out.append(cls.from_json(obj))
            except (TypeError, ValueError, KeyError) as exc:
                raise BadInput(f"{path}: record {n}: not a valid {cls.__name__.lower()}: {exc}") \
                    from exc
        return out

    evs = [e for p in events for e in rows(p, Event, "types")]
    rels = [r for p in relations for r in rows(p, Relation, "relation")]
    return ExtractionResult(events=evs, relations=rels)


def _extract(reports: list[Report], registry: Registry, workers: int, progress: bool
             ) -> ExtractionResult:
    try:
        from conflictkg.extract import extract
    except ImportError as exc:
        raise BadInput(
            f"the extractor (conflictkg.extract) cannot be imported ({exc}); "
            "give facts with --facts events.jsonl [--relations relations.jsonl]"
        ) from exc
    return extract(reports, registry, workers=workers, progress=progress)


def _check_facts(reports: list[Report], result: ExtractionResult) -> None:
    known = {r.doc for r in reports}
    stray = sorted({e.doc for e in result.events} - known)
    if stray and not (known & {e.doc for e in result.events}):
        raise BadInput(f"the facts cite none of the given reports (they cite {', '.join(stray[:3])})")


def _count(store: ox.Store, query: str) -> int:
    res = select(store, sparql_prefixes() + query, use_default_graph_as_union=True)
    return int(next(iter(res))["n"].value)


def build(
    paths: Sequence[Path],
    store_dir: Path = DEFAULT_STORE,
    out_dir: Path | None = DEFAULT_OUT,
    *,
    workers: int = 2,
    validate: bool = True,
    reason: bool = True,
    progress: bool = False,
    facts: ExtractionResult | None = None,
    batch_size: int = 1000,
) -> BuildSummary:
    """Build the store at `store_dir` from the reports in `paths` (files or folders) and
    write the exports into `out_dir` (None: no exports).

    `facts` skips extraction (facts read with `facts_from_files`). Validation runs on
    the asserted graphs before reasoning; a graph with violations is still stored and
    exported (so it can be inspected) and `BuildSummary.conforms` is False.
    """
    from conflictkg.validate import validate_store

    summary = BuildSummary(store=Path(store_dir))
    check_writable(Path(store_dir))  # not a store, locked: say so before any work
    if out_dir is not None:  # fail before any work (and before the store changes)
        with _writing(Path(out_dir)):
            Path(out_dir).mkdir(parents=True, exist_ok=True)
    with _stage(summary, "read"):
        registry = load_registry()
        reports = read_reports(paths, progress)
        summary.reports = len(reports)
    with _stage(summary, "extract"):
        result = facts if facts is not None else _extract(reports, registry, workers, progress)
        _check_facts(reports, result)
    report_text = ""

    def fill(store: ox.Store) -> None:
        """Graph and load stream report by report: each report's quads become N-Quads
        chunks that `workers` threads bulk-load while the next reports are mapped (the
        loader releases the GIL), so memory stays bounded by the facts, not the quads.
        "load" counts the loading time not hidden behind the graph stage."""
        nonlocal report_text
        events: dict[str, list[Event]] = {}
        relations: dict[str, list[Relation]] = {}
        for e in result.events:
            events.setdefault(e.doc, []).append(e)
        for r in result.relations:
            relations.setdefault(r.doc, []).append(r)
        graph_s = summary.seconds.get("graph", 0.0)

        def graphs() -> Iterator[list[ox.Quad]]:
            for report in tqdm(reports, desc="graph", unit="report", disable=not progress,
                               file=sys.stderr):
                with _stage(summary, "graph"):
                    mine = ExtractionResult(events=events.get(report.doc, []),
                                            relations=relations.get(report.doc, []),
                                            actors=result.actors)
                    try:
                        quads = report_quads(report, mine, registry, summary.evidence)
                    except AttributeError as exc:  # vocab: a term the ontology does not define
                        raise BadInput(f"{report.path or report.doc}: its facts use {exc}; "
                                       "see the annotation guide for the allowed values") from exc
                yield quads
            with _stage(summary, "graph"):
                quads = [*registry_quads(registry), *ontology_quads()]
            yield quads

        t0 = time.perf_counter()  # "load" includes serialising the chunks to N-Quads
        load_chunks(store, quad_chunks(graphs(), LOAD_CHUNK), threads=workers, lenient=True)
        summary.seconds["load"] = summary.seconds.get("load", 0.0) + max(
            0.0, time.perf_counter() - t0 - (summary.seconds.get("graph", 0.0) - graph_s))
        if validate:
            with _stage(summary, "validate"):
                vr = validate_store(store, batch_size=batch_size, workers=workers,
                                    progress=progress)
                summary.conforms = vr.conforms
                summary.validation = vr.summary()
                report_text = vr.text()
        if reason:
            with _stage(summary, "reason"):
                try:
                    from conflictkg.reason import materialise
                except ImportError:
                    summary.inferred = None
                else:
                    summary.inferred = materialise(store)
        with _stage(summary, "summarise"):  # the library's queries read them
            from conflictkg.summary import summarise

            summary.summaries = summarise(store)

    build_store(Path(store_dir), fill)

    store = open_store(Path(store_dir), read_only=True)
    summary.triples = triple_count(store)
    summary.events = _count(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) { ?e a ckg:Event }")
    summary.relations = _count(store, "SELECT (COUNT(DISTINCT ?r) AS ?n) { ?r a ckg:ActorRelation }")
    # the actors that take part in an event or a relation, and how many of those the
    # registry does not know (sources named only by ckg:attributedBy are not counted)
    taking_part = ("{ ?x ckg:perpetrator|ckg:partner|ckg:target ?a } UNION "
                   "{ ?x ckg:relationSubject|ckg:relationObject ?a }")
    summary.actors = _count(store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) {{ {taking_part} }}")
    summary.new_actors = _count(store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) {{ {taking_part} "
                                       "FILTER EXISTS { ?a ckg:inRegistry false } }")

    if out_dir is not None:
        from conflictkg.export import formats

        out_dir = Path(out_dir)
        with _stage(summary, "export"), _writing(out_dir):
            fmts = formats()
            for name, fname in (("trig", "conflictkg.trig"), ("ttl", "conflictkg.ttl")):
                with atomic_output(out_dir / fname, "wb") as fh:
                    fmts[name].write(store, fh)
                summary.outputs.append(out_dir / fname)
            write_jsonl(sorted(result.events, key=lambda e: (e.doc, e.id)), out_dir / "events.jsonl")
            write_jsonl(sorted(result.relations, key=lambda r: (r.doc, r.subject, r.relation,
                                                                r.object)),
                        out_dir / "relations.jsonl")
            summary.outputs += [out_dir / "events.jsonl", out_dir / "relations.jsonl"]
            if validate:
                atomic_write_text(out_dir / "validation.txt", report_text)
                summary.outputs.append(out_dir / "validation.txt")
            else:  # a report from an earlier build would describe another graph
                (out_dir / "validation.txt").unlink(missing_ok=True)
    del store
    return summary
