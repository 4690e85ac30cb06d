"""Realistic synthetic conflict-event graphs, built through the real RDF mapping.

Why synthetic: the benchmark needs 10k, 100k and 1M events with the model's exact
shape, and no corpus of that size is annotated. The generator draws reports, events,
actors, places, victims, evidence and relations from distributions measured on the
gold annotation of the seeds (shared/eval/gold: 75 events, 36 relations), turns them
into `conflictkg.facts` dataclasses, and maps them to quads with the real
`conflictkg.graph.build.report_quads`: what the benchmark loads is what `conflictkg
build` would produce for reports like these.

    python bench/generate.py --events 100000 -o bench/data/100k.nq

writes N-Quads (one named graph per report, plus the registry and ontology graphs so
the file is a complete store). Output is deterministic for a given (events, seed),
whatever the number of worker processes. Data goes under bench/data/ (git-ignored).

Library use: `generate(n_events, out, seed=0) -> Path`.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from conflictkg.facts import ActorRecord, Event, ExtractionResult, Relation, Span, Victim
from conflictkg.graph.build import registry_quads, report_quads
from conflictkg.registry import Registry, load_registry
from conflictkg.reports import Report, ReportMeta

# -- distributions (counts from the gold annotation of the two seed reports) -------------
TYPE_WEIGHTS = {
    "ArbitraryArrest": 17, "ExtrajudicialKilling": 16, "Attack": 16, "Looting": 14,
    "AttackOnForces": 8, "Release": 6, "EnforcedDisappearance": 6, "ExplosiveDevice": 5,
    "Abduction": 4, "Investigation": 3, "Torture": 3, "ForcedDisplacement": 3,
    "PoliticalDecision": 3, "Protest": 2, "ChildRecruitment": 2, "Expulsion": 2, "Threat": 2,
    "Sentencing": 2, "Sanction": 2, "ExcessiveForce": 1, "SexualViolence": 1, "ArmedClash": 1,
    "Veto": 1,
}
N_TYPES = {1: 40, 2: 28, 3: 4, 4: 3}
N_PERPETRATORS = {0: 10, 1: 55, 2: 9, 3: 1}
N_PARTNERS = {0: 72, 1: 3}
N_TARGETS = {0: 58, 1: 16, 2: 1}
N_VICTIMS = {0: 15, 1: 27, 2: 25, 3: 7, 4: 1}
N_QUOTES = {1: 38, 2: 26, 3: 6, 4: 4}
PRECISION = {"day": 46, "month": 18, "year": 8, "range": 3}
ATTRIBUTION = {"asserted": 48, "attributed_by_other": 17, "alleged": 7, "claimed": 3}
KILLED_QUALIFIER = {None: 38, "exact": 23, "at_least": 9, "more_than": 5}
VICTIM_CATEGORY = {"persons": 20, "men": 12, "civilians": 10, "soldiers": 9, "children": 5,
                   "women": 4, "villagers": 3, "detainees": 2, "journalists": 2, "officials": 1,
                   "fighters": 1, "peacekeepers": 1}
RELATION_WEIGHTS = {"targets": 12, "linkedTo": 5, "operatesWith": 4, "memberOf": 4,
                    "foughtAgainst": 3, "alliedWith": 3, "alignedWith": 3, "rivalOf": 1,
                    "affiliateOf": 1}
RELATIONS_PER_EVENT = 36 / 75
LOCATED = 0.71  # events with a named place (gold: 53 of 75); 0.05 more with a region only
# which kinds of actor perpetrate which kinds of event (the rest: armed actors)
NONVIOLENT_PERPETRATOR_KINDS = {
    "Sentencing": ("Judiciary",), "Release": ("Government", "StateForce", "IslamistArmedGroup"),
    "PoliticalDecision": ("Government", "State"), "Sanction": ("Organization", "State"),
    "Expulsion": ("Government",), "Veto": ("State",), "Investigation": ("Organization", "Judiciary"),
    "Protest": ("Civilian",),
}
ARMED_KINDS = ("StateForce", "IslamistArmedGroup", "ForeignForce", "EthnicMilitia",
               "ProGovernmentMilitia", "RebelGroup", "Unidentified")
SYNTHETIC_KIND_WEIGHTS = {"IslamistArmedGroup": 8, "StateForce": 7, "EthnicMilitia": 5,
                          "ForeignForce": 3, "ProGovernmentMilitia": 4, "RebelGroup": 4,
                          "Organization": 4, "Unidentified": 1, "Government": 1, "Judiciary": 1,
                          "State": 1, "Civilian": 1}
HARM_OF_TYPE = {
    "ArbitraryArrest": "arrested", "EnforcedDisappearance": "disappeared", "Abduction": "abducted",
    "Torture": "tortured", "SexualViolence": "raped", "ForcedDisplacement": "displaced",
    "ChildRecruitment": "recruited", "Threat": "threatened", "Sentencing": "sentenced",
    "Release": "released", "AttackOnForces": "killed", "ExplosiveDevice": "injured",
}
EVENTS_PER_REPORT = (20, 60)  # uniform; the seeds' gold has 37 and 38
FIRST_YEAR, LAST_YEAR = 2016, 2024
SYLLABLES = ("ba", "ko", "ma", "ri", "dou", "sa", "ga", "ti", "ne", "ou", "la", "ka", "di",
             "se", "mo", "fa", "go", "na", "bou", "to", "kou", "ye", "so", "ha")


@dataclass(frozen=True, slots=True)
class Universe:
    """What every report draws from: the same for a given (n_events, seed)."""

    seed: int
    sizes: tuple[int, ...]  # events per report
    actors: tuple[tuple[str, str, str], ...]  # (key, label, kind): registry + synthetic
    places: tuple[tuple[str, str], ...]  # (locality name, region label)


def _pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _name(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def make_universe(n_events: int, seed: int, registry: Registry) -> Universe:
    """Report sizes, the actor pool (registry actors and ~1 new actor per 200 events)
    and the place pool (~1 locality per 100 events, in the registry's regions)."""
    rng = random.Random(f"universe-{seed}")
    sizes: list[int] = []
    left = n_events
    while left > 0:
        k = min(left, rng.randint(*EVENTS_PER_REPORT))
        sizes.append(k)
        left -= k
    actors = [(a.key, a.label, a.kind) for a in sorted(registry.actors.values(), key=lambda a: a.key)]
    for i in range(max(20, n_events // 200)):
        kind = str(_pick(rng, SYNTHETIC_KIND_WEIGHTS))
        label = f"{_name(rng, 3)} {kind_noun(kind)}"
        actors.append((f"SYN_{kind.upper()}_{i}", label, kind))
    regions = sorted(p.name for p in registry.places.values() if p.kind == "Region")
    seen: set[str] = set()
    places: list[tuple[str, str]] = []
    while len(places) < max(50, n_events // 100):
        name = _name(rng, rng.randint(2, 4))
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        places.append((name, rng.choice(regions)))
    return Universe(seed, tuple(sizes), tuple(actors), tuple(places))


def kind_noun(kind: str) -> str:
    return {"IslamistArmedGroup": "Katiba", "StateForce": "Battalion", "EthnicMilitia": "Militia",
            "ForeignForce": "Contingent", "ProGovernmentMilitia": "Self-Defence Group",
            "RebelGroup": "Liberation Front", "Organization": "Association",
            "Unidentified": "Gunmen", "Government": "Ministry", "Judiciary": "Tribunal",
            "State": "Republic", "Civilian": "Collective"}.get(kind, "Group")


def _zipf_index(rng: random.Random, n: int, s: float = 1.1) -> int:
    """A Zipf-like index in [0, n): a few actors and places are in most reports."""
    u = rng.random()
    return min(n - 1, int(n ** (u ** s)) - 1) if n > 1 else 0


def _date(rng: random.Random, year: int, precision: str) -> str:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if precision == "day":
        return f"{year}-{month:02d}-{day:02d}"
    if precision == "month":
        return f"{year}-{month:02d}"
    if precision == "year":
        return str(year)
    return f"{year}-{month:02d}-{day:02d}/{year}-{month:02d}-{min(28, day + rng.randint(1, 5)):02d}"


def synth_report(u: Universe, index: int) -> tuple[Report, ExtractionResult]:
    """Report number `index` of the universe: its text, metadata and facts."""
    rng = random.Random(f"report-{u.seed}-{index}")
    year = rng.randint(FIRST_YEAR, LAST_YEAR)
    doc = f"syn{u.seed}_{index:06d}.txt"
    rid = doc[:-4]
    by_kind: dict[str, list[int]] = {}
    for i, (_, _, kind) in enumerate(u.actors):
        by_kind.setdefault(kind, []).append(i)
    # a report names a slice of the actor pool: a few dozen actors
    local = sorted({_zipf_index(rng, len(u.actors)) for _ in range(40)})

    def actor(kinds: tuple[str, ...]) -> str:
        pool = [i for i in local if u.actors[i][2] in kinds]
        if not pool or rng.random() < 0.1:
            pool = [i for k in kinds for i in by_kind.get(k, ())] or list(range(len(u.actors)))
        return u.actors[rng.choice(pool)][0]

    parts: list[str] = []
    offset = 0

    def sentence(text: str, n: int) -> Span:
        nonlocal offset
        if parts:
            parts.append(" ")
            offset += 1
        parts.append(text)
        span = Span(offset, offset + len(text), text, n)
        offset += len(text)
        return span

    events: list[Event] = []
    relations: list[Relation] = []
    used: set[str] = set()
    n_sent = 0
    for j in range(u.sizes[index]):
        types: list[str] = []
        while len(types) < int(_pick(rng, N_TYPES)):
            t = str(_pick(rng, TYPE_WEIGHTS))
            if t not in types:
                types.append(t)
        main = types[0]
        kinds = NONVIOLENT_PERPETRATOR_KINDS.get(main, ARMED_KINDS)
        perps = sorted({actor(kinds) for _ in range(int(_pick(rng, N_PERPETRATORS)))})
        partners = sorted({actor(ARMED_KINDS) for _ in range(int(_pick(rng, N_PARTNERS)))} - set(perps))
        targets = sorted({actor(ARMED_KINDS) for _ in range(int(_pick(rng, N_TARGETS)))} - set(perps))
        used.update(perps, partners, targets)
        precision = str(_pick(rng, PRECISION))
        date = _date(rng, year, precision)
        loc = admin1 = None
        r = rng.random()
        if r < LOCATED:
            loc, admin1 = u.places[_zipf_index(rng, len(u.places), 1.3)]
        elif r < LOCATED + 0.05:
            admin1 = u.places[_zipf_index(rng, len(u.places))][1]
        harm = HARM_OF_TYPE.get(main, "killed")
        victims = []
        for _ in range(int(_pick(rng, N_VICTIMS))):
            count = rng.choice((None, 1, 2, 3, 5, 8, 12, 20, 35, 100)) if rng.random() < 0.9 else None
            victims.append(Victim(str(_pick(rng, VICTIM_CATEGORY)), count,
                                  None if count is None else rng.choice(("exact", "exact", "at_least")),
                                  harm if rng.random() < 0.8 else "injured"))
        killed_q = _pick(rng, KILLED_QUALIFIER)
        killed = None if killed_q is None else int(rng.paretovariate(1.2) * 2)
        who = ", ".join(perps) or "unidentified assailants"
        where = f" in {loc}, {admin1} region" if loc else (f" in {admin1} region" if admin1 else "")
        spans = [sentence(
            f"On {date}, {who} carried out a {main} operation{where}"
            + (f", killing {killed} people" if killed is not None else "")
            + f" (event {j} of report {rid}).", n_sent)]
        n_sent += 1
        for q in range(int(_pick(rng, N_QUOTES)) - 1):
            spans.append(sentence(
                f"Witnesses told investigators that the {main} also affected "
                f"{', '.join(v.category for v in victims) or 'residents'}; detail {q} of event {j}, "
                f"documented in {year} by local monitors and humanitarian workers.", n_sent))
            n_sent += 1
        attribution = str(_pick(rng, ATTRIBUTION))
        events.append(Event(
            id=f"{rid}-e{j:03d}", doc=doc, quotes=[s.quote for s in spans], date=date,
            date_precision=precision, types=types, perpetrators=perps, attribution=attribution,
            attributed_by=[actor(("Organization",))] if attribution == "attributed_by_other" else [],
            partners=partners, targets=targets, victims=victims, killed=killed,
            killed_qualifier=None if killed is None else str(killed_q), location=loc, admin1=admin1,
            country="ML", evidence=spans,
        ))
    pool = sorted(used) or [u.actors[0][0]]
    for _ in range(round(len(events) * RELATIONS_PER_EVENT * (0.5 + rng.random()))):
        s, o = rng.choice(pool), rng.choice(pool)
        if s == o:
            continue
        rel = str(_pick(rng, RELATION_WEIGHTS))
        span = sentence(f"According to the report, {s} is said to be {rel} {o} during {year}.", n_sent)
        n_sent += 1
        relations.append(Relation(doc=doc, subject=s, relation=rel, object=o, quote=span.quote,
                                  evidence=[span], attribution=str(_pick(rng, ATTRIBUTION))))
    for ev in events:
        used.update(ev.attributed_by)
    actors = {key: ActorRecord(key=key, label=label, kind=kind)
              for key, label, kind in u.actors if key.startswith("SYN_") and key in used}
    meta = ReportMeta(covers=year, title=f"Synthetic country report {index} ({year})",
                      publisher="conflictkg synthetic generator", published=f"{year + 1}-03",
                      url=f"https://example.org/synthetic/{rid}", language="en", country="ML")
    report = Report(doc=doc, text="".join(parts), meta=meta)
    return report, ExtractionResult(events=events, relations=relations, actors=actors)


# -- workers -------------------------------------------------------------------------------
_U: Universe | None = None


def _init(u: Universe) -> None:
    global _U
    _U = u


def _chunk(indices: list[int]) -> tuple[bytes, int, int]:
    """N-Quads of a few reports (built by the real mapping), their events and quads."""
    assert _U is not None
    registry = load_registry()
    quads: list[ox.Quad] = []
    events = 0
    for i in indices:
        report, result = synth_report(_U, i)
        quads.extend(report_quads(report, result, registry))
        events += len(result.events)
    buf = io.BytesIO()
    ox.serialize(quads, buf, format=ox.RdfFormat.N_QUADS)
    return buf.getvalue(), events, len(quads)


def reference_quads(registry: Registry) -> list[ox.Quad]:
    """The registry and ontology graphs, as `conflictkg build` stores them (blank nodes
    named after their content, so the file is the same on every run)."""
    from conflictkg.store import canonical_bnodes, ontology_quads

    return canonical_bnodes([*registry_quads(registry), *ontology_quads()])


@dataclass(frozen=True, slots=True)
class GenStats:
    reports: int
    events: int
    quads: int
    seconds: float


def generate(n_events: int, out: Path, seed: int = 0, workers: int | None = None,
             reference: bool = True, progress: bool = True) -> Path:
    """Write a synthetic graph of `n_events` events as N-Quads to `out` (atomically)."""
    generate_stats(n_events, out, seed, workers, reference, progress)
    return Path(out)


def generate_stats(n_events: int, out: Path, seed: int = 0, workers: int | None = None,
                   reference: bool = True, progress: bool = True) -> GenStats:
    from tqdm import tqdm

    from conflictkg.io import atomic_output

    t0 = time.perf_counter()
    registry = load_registry()
    u = make_universe(n_events, seed, registry)
    per_chunk = 20
    chunks = [list(range(i, min(i + per_chunk, len(u.sizes))))
              for i in range(0, len(u.sizes), per_chunk)]
    workers = workers or min(len(chunks), os.cpu_count() or 1)
    n_quads = events = 0
    bar = tqdm(total=n_events, unit="ev", desc=f"generate {Path(out).name}", disable=not progress,
               file=sys.stderr)
    with atomic_output(out, "wb") as fh:
        if reference:
            refs = reference_quads(registry)
            ox.serialize(refs, fh, format=ox.RdfFormat.N_QUADS)
            n_quads += len(refs)
        if workers <= 1:
            _init(u)
            results = map(_chunk, chunks)
            for data, ev, nq in results:
                fh.write(data)
                events += ev
                n_quads += nq
                bar.update(ev)
        else:
            ctx = mp.get_context("fork")
            with ctx.Pool(workers, initializer=_init, initargs=(u,)) as pool:
                for data, ev, nq in pool.imap(_chunk, chunks):
                    fh.write(data)
                    events += ev
                    n_quads += nq
                    bar.update(ev)
    bar.close()
    return GenStats(len(u.sizes), events, n_quads, time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, required=True, help="number of events (e.g. 100000)")
    ap.add_argument("-o", "--output", type=Path, required=True, help="N-Quads file to write")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: CPU count)")
    ap.add_argument("--no-reference", action="store_true",
                    help="leave out the registry and ontology graphs")
    args = ap.parse_args(argv)
    st = generate_stats(args.events, args.output, args.seed, args.workers, not args.no_reference)
    print(f"{args.output}: {st.reports} reports, {st.events} events, {st.quads} quads, "
          f"{st.seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
