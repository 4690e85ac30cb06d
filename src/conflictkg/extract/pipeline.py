"""The extraction pipeline: report -> sentences -> clues -> incidents -> events and relations.

Cheap first: a paragraph is read closely only when a regular expression finds a trigger
word or a relation cue in it; spaCy (blank English + sentencizer + PhraseMatcher) is built
once per process. A sentence that cannot be read is skipped and counted, never fatal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from conflictkg.extract.acronyms import defined_record, find_definitions
from conflictkg.extract.actors import GENERIC_KEYS, NAMED_GROUP_KINDS, actor_index, record_for
from conflictkg.extract.bodies import find_bodies
from conflictkg.extract.clues import Clues, clause_spans, read_clause
from conflictkg.extract.groups import find_groups
from conflictkg.extract.incidents import group_paragraph, merge_retellings, number, state_kinds, to_events
from conflictkg.extract.lexicon import MONTHS, lexicon
from conflictkg.extract.relations import RELATION_CUE, find_relations
from conflictkg.extract.sentences import count_sentences, paragraphs, pipeline, split_docs
from conflictkg.facts import ActorRecord, Event, ExtractionResult, ExtractionStats, Relation
from conflictkg.registry import Registry, load_registry
from conflictkg.reports import Report

log = logging.getLogger(__name__)
DATE_HINT = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:19|20)\d\d|the year)\b"  # noqa: E501
)


# actors too vague to relate: relations with "unidentified gunmen" or "armed groups" say nothing
VAGUE_ACTORS = frozenset({"UNIDENTIFIED", "ARMED_GROUP", "BANDITS"})
YEAR = re.compile(r"(?:19|20)\d\d")


def _dated(text: str) -> bool:
    """Cheap: could `text` hold a date (a month name, a year, "the year")?"""
    return any(m in text for m in MONTHS) or "the year" in text or YEAR.search(text) is not None


def report_country(report: Report) -> str | None:
    """The report's ISO country: its metadata, else the first country named in its title
    ("China (includes Tibet, Hong Kong, and Macau)" is China) or its file name."""
    if report.meta.country:
        return report.meta.country.upper()
    lex = lexicon()
    title = (report.meta.title or "").replace("’", "'")
    if ":" in title:
        title = title.rsplit(":", 1)[1]
    stem = Path(report.doc).stem
    slug = re.sub(r"^\d{4}-", "", stem).replace("-", " ").replace("_", " ").lower()
    for cand in (title.strip().lower(), slug):
        if cand in lex.country_by_name:
            return lex.country_by_name[cand]
    for cand in (title.lower(), slug):
        hits = []
        for n, iso in lex.country_by_name.items():
            if len(n) > 3:
                m = re.search(r"\b" + re.escape(n.replace("’", "'")) + r"\b", cand)
                if m:
                    hits.append((m.start(), -len(n), iso))
        if hits:
            return min(hits)[2]
    return None


def extract_report(report: Report, registry: Registry | None = None) -> ExtractionResult:
    """Events and relations one report states, each with the offsets of its evidence."""
    registry = registry if registry is not None else load_registry()
    lex = lexicon()
    nlp = pipeline()
    index = actor_index(registry)
    country = report_country(report)
    covers = report.meta.covers
    stats = ExtractionStats(reports=1)
    text = report.text
    paras = paragraphs(text)
    chosen: list[tuple[int, int, int]] = []
    for n, (s, e) in enumerate(paras):
        chunk = text[s:e]
        if (lex.maybe_trigger(chunk) and _dated(chunk)) or lex.maybe_relation(chunk):
            chosen.append((s, e, n))
        else:
            stats.sentences += count_sentences(chunk)
    docs = nlp.pipe(text[s:e] for s, e, _ in chosen)
    bodies = find_bodies(text)  # read once, for the acronyms and for the groups
    defs = find_definitions(text, country, registry, bodies)
    groups = find_groups(text, country, registry, bodies)
    kinds: dict[str, str] = {k: a.kind for k, a in registry.actors.items()}
    state_kinds(kinds)
    incidents_all = []
    relations: list[Relation] = []
    actors: dict[str, ActorRecord] = {}
    last_place: list = []
    sent_index = 0
    for doc, (s, _e, n) in zip(docs, chosen, strict=True):
        # the armed group named last in the paragraph, if no generic armed group came after it:
        # "the group" refers to it
        antecedent: tuple[str, str] | None = None
        group_at = -1
        hits = [(a + s, b + s, key) for a, b, key in index.matches(doc)]
        clauses: list[Clues] = []
        anchored = False  # a dated sentence came before in this paragraph: later ones may continue it
        for sent in split_docs([(doc, s, n)], sent_index):
            sent_index = sent.index + 1
            stats.sentences += 1
            for h in hits:  # a named group earlier in the paragraph, in a sentence read or not
                if group_at < h[0] and h[1] <= sent.start and kinds.get(h[2]) in NAMED_GROUP_KINDS:
                    group_at, antecedent = h[0], (h[2], kinds[h[2]])
            try:
                dated = _dated(sent.text)
                has_trig = dated or lex.maybe_trigger(sent.text)
                if has_trig or lex.maybe_relation(sent.text):
                    # read closely only what can open or continue an incident; the rest for its actors
                    full = dated or (anchored and has_trig)
                    anchored = anchored or dated
                    for a, b, sub, masks in clause_spans(sent.text):
                        c = read_clause(
                            sent,
                            a,
                            b,
                            sub,
                            covers,
                            registry,
                            country,
                            hits,
                            full=full,
                            masks=masks,
                            defs=defs,
                            antecedent=antecedent,
                            groups=groups,
                        )
                        for m in c.actors:
                            if m.key in GENERIC_KEYS:
                                antecedent, group_at = None, max(group_at, sent.start + a + m.start)
                            elif m.kind in NAMED_GROUP_KINDS and m.text != "the group":
                                antecedent, group_at = (
                                    (m.key, m.kind),
                                    max(group_at, sent.start + a + m.start),
                                )
                            kinds.setdefault(m.key, m.kind)
                            rec = defined_record(m.key, defs, country, registry) or record_for(
                                m.key, m.kind, country, registry, m.text
                            )
                            if rec is not None and m.key not in actors:
                                actors[m.key] = rec
                        if has_trig:
                            clauses.append(c)
                        if (c.perps and c.targets) or (
                            lex.maybe_relation(c.text) and RELATION_CUE.search(c.text)
                        ):
                            relations.extend(find_relations(c, report.doc, registry, country))
            except Exception as exc:  # noqa: BLE001 - one unreadable sentence must not stop a corpus run
                stats.skipped += 1
                log.debug("%s: skipped sentence %d: %s", report.doc, sent.index, exc)
        try:
            incs = group_paragraph(clauses, covers, last_place)
        except Exception as exc:  # noqa: BLE001
            stats.skipped += len(clauses)
            log.debug("%s: skipped paragraph %d: %s", report.doc, n, exc)
            continue
        for inc in incs:
            if inc.location:
                last_place.append((inc.location, inc.admin1))
        incidents_all.extend(incs)
    state_kinds(kinds)
    events = to_events(incidents_all, report.doc, kinds, country, covers)
    events = merge_retellings(events, registry)
    number(events, Path(report.doc).stem)
    for ev in events:
        ev.country = country
    relations = _dedupe(relations + _event_relations(events, kinds))
    used = {k for ev in events for k in (*ev.perpetrators, *ev.targets, *ev.partners)}
    used |= {k for r in relations for k in (r.subject, r.object)}
    actors = {k: v for k, v in actors.items() if k in used}
    stats.events = len(events)
    stats.relations = len(relations)
    return ExtractionResult(events=events, relations=relations, actors=actors, stats=stats)


def _event_relations(events: list[Event], kinds: dict[str, str]) -> list[Relation]:
    """Relations an event states: co-perpetrators "along with" / "accompanied by" operate
    together; a stated attacker of a stated armed target fought against it."""
    from conflictkg.extract.relations import event_relations

    out: list[Relation] = []
    for ev in events:
        out.extend(event_relations(ev, kinds))
    return out


def _dedupe(rels: list[Relation]) -> list[Relation]:
    from conflictkg.facts import SYMMETRIC_RELATIONS

    seen: set = set()
    out = []
    for r in rels:
        if r.subject == r.object or {r.subject, r.object} & VAGUE_ACTORS:
            continue
        key = (
            (r.doc, *sorted((r.subject, r.object)), r.relation)
            if r.relation in SYMMETRIC_RELATIONS
            else (r.doc, r.subject, r.relation, r.object)
        )
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


def _one(args: tuple[Report, tuple[Path, ...]]) -> ExtractionResult:
    report, extra = args
    return extract_report(report, load_registry(extra) if extra else load_registry())


def _combine(results: Iterable[ExtractionResult]) -> ExtractionResult:
    out = ExtractionResult()
    for r in results:
        out.events.extend(r.events)
        out.relations.extend(r.relations)
        for k, v in r.actors.items():
            out.actors.setdefault(k, v)
        for f in ("reports", "sentences", "events", "relations", "skipped"):
            setattr(out.stats, f, getattr(out.stats, f) + getattr(r.stats, f))
    return out


def iter_extract(
    reports: Iterable[Report], registry: Registry | None = None, *, workers: int = 1, window: int = 8
) -> Iterator[ExtractionResult]:
    """One result per report, in input order. `workers` > 1 uses a process pool fed a few
    reports at a time (at most `window` per worker in flight), so a corpus streams through
    in bounded memory. Workers load the default registry (ontology/*.ttl)."""
    if workers <= 1:
        registry = registry if registry is not None else load_registry()
        for r in reports:
            yield extract_report(r, registry)
        return
    from collections import deque

    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for r in reports:
            pending.append(pool.submit(_one, (r, ())))
            if len(pending) >= workers * window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def extract(
    reports: Iterable[Report], registry: Registry | None = None, *, workers: int = 1, progress: bool = False
) -> ExtractionResult:
    """Extract many reports; results in input order, deterministic (same input, same ids)."""
    it = iter_extract(reports, registry, workers=workers)
    if progress:
        from tqdm import tqdm

        it = tqdm(it, desc="extract", unit="report", file=__import__("sys").stderr)
    return _combine(it)
