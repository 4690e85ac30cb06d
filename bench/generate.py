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
from dataclasses import dataclass, field
from itertools import accumulate
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
# Relation MENTIONS per event. The seeds' gold has 36 in 75 events (0.48: HRW's Mali chapter
# is relation-rich); the extractor finds 417 in the 45,816 events of the State Department
# corpus (0.009: long reports about many countries, few statements of alliance). One mention
# per ten events (~4 per report) sits between the two, ~11x the corpus and ~1/5 the seeds.
RELATION_MENTIONS_PER_EVENT = 0.1
LOCAL_MENTION = 0.8  # a mention is of a tie between actors the report names, when it has one
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
    ties: tuple[tuple[str, str, str], ...] = ()  # the world's relations (subject, relation, object)
    tie_cum: tuple[float, ...] = ()  # cumulative mention weights of `ties` (relation x popularity)
    ties_of: dict[str, tuple[int, ...]] = field(default_factory=dict)  # actor -> indices in ties
    allies: dict[str, tuple[str, ...]] = field(default_factory=dict)  # operatesWith / alliedWith
    foes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # foughtAgainst / targets / rivalOf


def _pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _name(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def make_universe(n_events: int, seed: int, registry: Registry) -> Universe:
    """Report sizes, the actor pool (registry actors and ~1 new actor per 200 events),
    the place pool (~1 locality per 100 events, in the registry's regions) and the actor
    relations of this world (`make_ties`), which reports then mention."""
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
    ties = make_ties(actors, registry_ties(registry), seed)
    return Universe(seed, tuple(sizes), tuple(actors), tuple(places), *_tie_index(actors, ties))


# -- the world's actor relations: drawn once, then mentioned by many reports -----------------
# Real relations are a stable structure that reports restate: the CMA and its movements, JNIM
# and its affiliates, the army and the foreign force it operates with, rivals. Drawing a
# fresh random pair per mention instead makes dense random cycles of membership ("a court
# member of GATIA") that no report states and that transitive closures explode on.
RELATIONS = tuple(RELATION_WEIGHTS)
COOPERATION = ("operatesWith", "alliedWith", "alignedWith")
HOSTILITY = ("foughtAgainst", "targets", "rivalOf")
HIERARCHY = ("memberOf", "affiliateOf")  # a forest: no cycles, at most three levels
# sides of the conflict: cooperation stays within a side, hostility runs across sides
SIDE_OF_KIND = {"StateForce": "state", "ForeignForce": "state", "ProGovernmentMilitia": "state",
                "IslamistArmedGroup": "jihad", "RebelGroup": "rebel", "RebelCoalition": "rebel"}
REGISTRY_SIDES = {"DOZO": "state", "DAN_NA_AMBASSAGOU": "state", "DOGON_SELF_DEFENSE": "state",
                  "FULANI_SELF_DEFENSE": "community"}
# the two rival jihadist camps (Al-Qaeda's, the Islamic State's) and their registry members
REGISTRY_CAMPS = {"AL_QAEDA": "AL_QAEDA", "JNIM": "AL_QAEDA", "AQIM": "AL_QAEDA",
                  "ANSAR_DINE": "AL_QAEDA", "AL_MURABITOUN": "AL_QAEDA", "MLF": "AL_QAEDA",
                  "ISGS": "ISGS"}
# umbrella groups of the registry, by the kind of member they take, and the tie to them
REGISTRY_HEADS = {"RebelGroup": ("CMA",), "ProGovernmentMilitia": ("PLATFORM",),
                  "IslamistArmedGroup": ("JNIM", "ISGS"), "EthnicMilitia": ()}
HIERARCHY_TIE = {"IslamistArmedGroup": "affiliateOf"}  # the others: memberOf
GENERIC_KEYS = {"UNIDENTIFIED", "ISLAMIST_UNSPECIFIED", "ETHNIC_MILITIA", "PRO_GOV_MILITIA"}
HEAD_SHARE = 0.12  # synthetic armed groups that are umbrellas of their kind
MEMBER_SHARE = 0.5  # of the others, those in an umbrella
HEAD_IN_REGISTRY_HEAD = 0.4  # synthetic umbrellas themselves under a registry umbrella


def registry_ties(registry: Registry) -> list[tuple[str, str, str]]:
    """The relations between registry actors that the registry states (the seeds' gold)."""
    from conflictkg.graph import iris

    key_of = {iris.actor(k): k for k in registry.actors}
    names = {f"https://w3id.org/conflictkg/ontology#{r}": r for r in RELATIONS}
    return sorted({(key_of[q.subject.value], names[q.predicate.value], key_of[q.object.value])
                   for q in registry_quads(registry)
                   if q.predicate.value in names and q.subject.value in key_of
                   and isinstance(q.object, ox.NamedNode) and q.object.value in key_of})


def make_ties(actors: list[tuple[str, str, str]], registered: list[tuple[str, str, str]],
              seed: int) -> list[tuple[str, str, str]]:
    """The world's relations: the registry's, plus ties of every synthetic armed actor drawn
    from its kind. Umbrellas (memberOf / affiliateOf) form a forest of depth <= 3; allies are
    on the same side (army, foreign force and pro-government militias; a jihadist camp;
    rebels), enemies across sides. Partners are drawn with the actors' popularity (registry
    actors first), so the army and JNIM have many ties and most synthetic groups a few."""
    rng = random.Random(f"ties-{seed}")
    kind = {k: kd for k, _, kd in actors}
    index = {k: i for i, (k, _, _) in enumerate(actors)}
    synthetic = [k for k, _, kd in actors if k.startswith("SYN_")]
    side = {k: SIDE_OF_KIND.get(kd) for k, _, kd in actors if k not in GENERIC_KEYS}
    side.update(REGISTRY_SIDES)
    camp = dict(REGISTRY_CAMPS)
    parent: dict[str, str] = {}
    # umbrellas: a forest (a member's parent is a head; a synthetic head's parent, if any,
    # a registry head; registry heads have none), so memberOf/affiliateOf cannot cycle
    heads: dict[str, list[str]] = {kd: list(h) for kd, h in REGISTRY_HEADS.items()}
    syn_heads = {k for k in synthetic if kind[k] in heads and rng.random() < HEAD_SHARE}
    for k in synthetic:
        if k in syn_heads:
            if REGISTRY_HEADS[kind[k]] and rng.random() < HEAD_IN_REGISTRY_HEAD:
                parent[k] = rng.choice(REGISTRY_HEADS[kind[k]])
            heads[kind[k]].append(k)
    for k in synthetic:
        if kind[k] in heads and k not in syn_heads and heads[kind[k]] and rng.random() < MEMBER_SHARE:
            hs = heads[kind[k]]
            parent[k] = hs[_zipf_index(rng, len(hs))]

    def root(k: str) -> str:
        while k in parent:
            k = parent[k]
        return k

    for k in synthetic:  # a member takes its umbrella's side and camp
        r = root(k)
        if kind[k] == "EthnicMilitia":
            if r == k or r not in side or side[r] is None:
                side[r] = "state" if rng.random() < 0.4 else f"community-{r}"
            side[k] = side[r]
        if kind[k] == "IslamistArmedGroup":
            camp.setdefault(r, rng.choice(("AL_QAEDA", "ISGS", r)))
            camp[k] = camp[r]
    ties: set[tuple[str, str, str]] = set(registered)
    ties.update((k, HIERARCHY_TIE.get(kind[k], "memberOf"), p) for k, p in parent.items())
    armed = sorted((k for k in side if side[k]), key=index.__getitem__)
    governments = [k for k, _, kd in actors if kd == "Government"]

    pools: dict[str, list[str]] = {}

    def draw(name: str, pred) -> str | None:
        """A popular armed actor of a kind of pool (pools are computed once per name)."""
        if name not in pools:
            pools[name] = [k for k in armed if pred(k)]
        pool = pools[name]
        return pool[_zipf_index(rng, len(pool))] if pool else None

    def tie(s: str, rel: str, o: str | None) -> None:
        if o is None or o == s or (o, rel, s) in ties or root(o) == root(s) and rel in HOSTILITY:
            return
        ties.add((s, rel, o))

    for k in synthetic:
        sd, kd = side.get(k), kind[k]
        if not sd:
            continue
        u = rng.random
        if sd == "state":
            if kd == "StateForce":
                if u() < 0.7:
                    tie(k, "operatesWith", draw("state-non-army",
                                                lambda x: side[x] == "state" and kind[x] != "StateForce"))
                if u() < 0.3:
                    tie(k, "alliedWith", draw("foreign", lambda x: kind[x] == "ForeignForce"))
            elif kd == "ForeignForce":
                if u() < 0.7:
                    tie(k, "operatesWith", draw("army", lambda x: kind[x] == "StateForce"))
            elif governments and u() < 0.6:
                tie(k, "alignedWith", governments[_zipf_index(rng, len(governments))])
            if kd in ("StateForce", "ForeignForce") and u() < 0.7:
                tie(k, "targets", draw("jihad", lambda x: side[x] == "jihad"))
            if u() < 0.6:
                tie(k, "foughtAgainst", draw("armed-opposition", lambda x: side[x] in ("jihad", "rebel")))
        elif sd == "jihad":
            c = camp[k]
            if u() < 0.3:
                tie(k, "alliedWith", draw(f"camp-{c}",
                                          lambda x, c=c: side[x] == "jihad" and camp.get(x) == c))
            if camp[k] in ("AL_QAEDA", "ISGS") and u() < 0.4:
                tie(k, "linkedTo", camp[k])
            if u() < 0.6:
                tie(k, "foughtAgainst", draw("state", lambda x: side[x] == "state"))
            if u() < 0.2:
                tie(k, "rivalOf", draw(f"not-camp-{c}",
                                       lambda x, c=c: side[x] == "jihad" and camp.get(x) != c))
        elif sd == "rebel":
            if u() < 0.3:
                tie(k, "alliedWith", draw("rebel", lambda x: side[x] == "rebel"))
            if u() < 0.4:
                tie(k, "foughtAgainst", draw("state", lambda x: side[x] == "state"))
            if u() < 0.3:
                tie(k, "rivalOf", draw("pro-government", lambda x: kind[x] == "ProGovernmentMilitia"))
        elif u() < 0.6:  # a community militia: against another community, or jihadists
            tie(k, "foughtAgainst", draw(f"against-{sd}", lambda x, sd=sd: side[x] != sd and (
                side[x].startswith("community") or side[x] == "jihad")))
    return sorted(ties, key=lambda t: (index[t[0]], RELATIONS.index(t[1]), index[t[2]]))


def _tie_index(actors: list[tuple[str, str, str]], ties: list[tuple[str, str, str]]):
    """(ties, cumulative mention weights, ties per actor, allies, foes) for the Universe."""
    index = {k: i for i, (k, _, _) in enumerate(actors)}
    weights = [RELATION_WEIGHTS[r] / (1 + min(index[s], index[o])) ** 0.5 for s, r, o in ties]
    of: dict[str, list[int]] = {}
    allies: dict[str, set[str]] = {}
    foes: dict[str, set[str]] = {}
    for i, (s, r, o) in enumerate(ties):
        of.setdefault(s, []).append(i)
        of.setdefault(o, []).append(i)
        group = allies if r in ("operatesWith", "alliedWith") else foes if r in HOSTILITY else None
        if group is not None:
            group.setdefault(s, set()).add(o)
            group.setdefault(o, set()).add(s)

    def frozen(d: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
        return {k: tuple(sorted(v, key=index.__getitem__)) for k, v in sorted(d.items())}

    return (tuple(ties), tuple(accumulate(weights)), {k: tuple(v) for k, v in sorted(of.items())},
            frozen(allies), frozen(foes))


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

    def tied(perps: list[str], ties: dict[str, tuple[str, ...]]) -> str:
        near = [o for p in perps for o in ties.get(p, ())]
        if near and rng.random() < 0.8:
            return rng.choice(near)
        return actor(ARMED_KINDS)

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
        # partners and targets: mostly the perpetrator's allies and enemies in this world
        partners = sorted({tied(perps, u.allies) for _ in range(int(_pick(rng, N_PARTNERS)))} - set(perps))
        targets = sorted({tied(perps, u.foes) for _ in range(int(_pick(rng, N_TARGETS)))} - set(perps))
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
    # relation mentions: a tie of this world between actors the report names (when it has
    # one), else any tie, the popular ones more often; each statement is a sentence
    local = sorted({i for a in used for i in u.ties_of.get(a, ())})
    local_cum = list(accumulate(RELATION_WEIGHTS[u.ties[i][1]] for i in local))
    everything = range(len(u.ties))
    for _ in range(round(len(events) * RELATION_MENTIONS_PER_EVENT * (0.5 + rng.random()))):
        if local and rng.random() < LOCAL_MENTION:
            s, rel, o = u.ties[rng.choices(local, cum_weights=local_cum)[0]]
        elif u.ties:
            s, rel, o = u.ties[rng.choices(everything, cum_weights=u.tie_cum)[0]]
        else:
            break
        used.update((s, o))
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
