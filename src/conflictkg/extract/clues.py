"""What one sentence (or one clause of it) says: its dates, triggers, actors and their
roles, places, victim counts and attribution. The coreference stage (`incidents`)
decides which clues belong to which incident."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conflictkg.extract.actors import ActorMention, find_actors
from conflictkg.extract.counts import Count, find_counts, killed_total, singular_death
from conflictkg.extract.dates import DateMention, find_dates
from conflictkg.extract.groups import Groups
from conflictkg.extract.legal import told_harm
from conflictkg.extract.places import PlaceFinding, find_places
from conflictkg.extract.sentences import Sentence
from conflictkg.extract.triggers import Trigger, attribution_of, find_triggers
from conflictkg.registry import Registry

FOLLOW_UP = re.compile(
    r"\b(?:bodies|body of|whereabouts|remain(?:s|ed)? unknown|the remaining|those (?:arrested|taken|abducted|detained)|"  # noqa: E501
    r"the arrested|(?:his|her|their) (?:case|release|arrest|detention|trial|body|bodies|remains)|"
    r"following (?:his|her|their) (?:release|arrest|detention)|attributed the (?:deaths|killings|attack|abduction)|"  # noqa: E501
    r"the same (?:protests|attack|incident|raid|demonstrations)|went on to report|claimed responsibility for the)\b",  # noqa: E501
    re.I,
)
OVERRIDE = re.compile(
    r"\b(?:concluded|found|determined|established|confirmed) that\b|\battributed (?:the \w+ )?to\b", re.I
)
SUB_EVENT = re.compile(
    r"\b(?:following|after|in response to|in retaliation for) an? (?:\w+ )?(?:attack|ambush|raid|assault)\b|\baccusing (?!him\b|her\b|them\b)|\b(?:prompting|sparking|triggering) (?:\w+ )?(?:protests|demonstrations|riots|clashes)\b",  # noqa: E501
    re.I,
)
CLAUSE_DATE = re.compile(
    r"(?:,|;) (?:and )?(?:on|in) (?=(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}\b(?!,? \d{4}\b(?! )))"  # noqa: E501
)
DAY_DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}\b"
)
ADVERBIAL_PP = re.compile(r"(?:^|,\s*)(?:in|during|after|following) an? (?:[\w\-]+ ){0,2}$", re.I)
DEFINITE_REF = re.compile(
    r"\b(?:after|following|since|before|prior to|into|regarding|about|over|for|of|on|in connection with) (?:the|these|those|this) (?:\w+ ){0,2}$",  # noqa: E501
    re.I,
)
AGENT_OK = re.compile(r"\b\w+ed\b|\b(?:held|taken|done|led|shot|beaten|hit|struck|caught|seen)\b", re.I)
REPORTING = re.compile(r"\b(?:claimed|announced|reported|said|confirmed|stated)\b", re.I)
IED_HIT = re.compile(r"\b(?:struck|hit|ran over|drove over|triggered)\b", re.I)
PASSIVE_KILL = re.compile(
    r"\b(?:were|was|been) (?:\w+ly )?(?:killed|shot dead|executed|wounded|injured|murdered|abducted|kidnapped|arrested)\b|\bdied\b",  # noqa: E501
    re.I,
)
PASSIVE_BEFORE = re.compile(
    r"\b(?:were|was|been|being|are|is)\s+(?:\w+ly\s+)?$|\b(?:\w+ )?(?:who|which) $", re.I
)
PASSIVE_ONLY = re.compile(r"\b(?:were|was|been|being|are|is)\s+(?:\w+ly\s+)?$", re.I)
VICTIM_STATE = re.compile(
    r"\b(?:remain(?:ed|s)?|were|was|are|is|been|being|kept|held|languish(?:ed|es)?)\s+(?:\w+ly\s+)?"
    r"(?:in|under)\s+(?:\w+\s+){0,2}(?:detention|custody|captivity|prison|jail|incommunicado)\b",
    re.I,
)
# what makes a death told with "died" an act: a cause, a custody, a weapon
DEATH_CAUSE = re.compile(
    r"\b(?:injur\w*|wound\w*|gunshot|shot|bullets?|beat\w*|tortur\w*|stab\w*|blast|explosi\w*|attack\w*|"
    r"violen\w*|strikes?|shell\w*|fire|burn\w*|abuse\w*|mistreat\w*|neglect\w*|negligence|denied|lack of|"
    r"custody|detention|detained|prison|jail|captivity|cell|arrest\w*|hunger strike|clash\w*|fighting|"
    r"ordnance|mine|bomb\w*|airstrike|raid|lynch\w*|mob|assault\w*|kill\w*|murder\w*|execut\w*|"
    r"suspicious|unclear|unknown|disputed|forced|poison\w*|drown\w*|starv\w*|crossfire|protest\w*)\b",
    re.I,
)
REPRISAL = re.compile(r"\b(?:reprisal|retaliat\w*)\b", re.I)
CLASH = re.compile(r"\b(?:clash(?:es)?|fighting|battle|confrontation|fought) between\b", re.I)
VIOLENT = frozenset({"KILL", "ATTACK", "AttackOnForces", "ArmedClash", "ExplosiveDevice", "Attack"})
JUDICIAL_SPLIT = frozenset({"ArbitraryArrest", "Sentencing"})
NO_PERP_TYPES = frozenset(
    {"Investigation", "Protest", "Release", "ForcedDisplacement", "EnforcedDisappearance"}
)


@dataclass(slots=True)
class Clues:
    sent: Sentence
    text: str  # the clause's text
    offset: int  # where the clause starts in the sentence
    dates: list[DateMention]
    event_date: DateMention | None
    ref_date: DateMention | None
    relative: DateMention | None
    triggers: list[Trigger]
    actors: list[ActorMention]
    places: PlaceFinding
    counts: list[Count]
    killed: int | None
    killed_q: str | None
    attribution: str | None
    perps: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    override: list[str] = field(default_factory=list)
    close_perps: list[str] = field(default_factory=list)  # agents, or a subject right before the act
    follow_up: bool = False
    sub_event: bool = False  # a clause split off "following an attack on ..."
    background: bool = False

    @property
    def types(self) -> list[str]:
        seen: list[str] = []
        for t in self.triggers:
            if t.type not in seen:
                seen.append(t.type)
        return seen

    @property
    def first_type(self) -> str | None:
        return self.triggers[0].type if self.triggers else None

    @property
    def additive(self) -> bool:
        return any(c.additive for c in self.counts if c.harm == "killed")


APPOSITIVE = re.compile(
    r", (?:who (?:was|were) )?(?:\w+ly )?\w+ed\b[^,;]{0,80}?\b(?:in|on) (?:(?:January|February|March|April|May|June|July|"  # noqa: E501
    r"August|September|October|November|December) )?(?:\d{1,2}, )?(?:19|20)\d\d\b[^,;]{0,40},"
)


def clause_spans(text: str) -> list[tuple[int, int, bool, tuple[tuple[int, int], ...]]]:
    """Split a sentence into clauses that tell separate acts: "on March 19, ... and on
    April 6, another ..." and "following an attack on X by Y" / "accusing X of killing";
    an appositive with its own year ("X, abducted in Burkina Faso in 2018, escaped ... on
    March 13") is a clause of its own and is masked out of the main one."""
    ap = APPOSITIVE.search(text)
    if ap and DAY_DATE.search(text, ap.end()):
        s, e = ap.start() + 1, ap.end() - 1
        return [(s, e, False, ()), (0, len(text), False, ((s, e),))]
    return [(a, b, sub, ()) for a, b, sub in _clauses(text)]


def _clauses(text: str) -> list[tuple[int, int, bool]]:
    cuts = [0]
    for m in CLAUSE_DATE.finditer(text):
        # only between two dated clauses: "on March 19, ... and on April 6, ..."
        if m.start() > 15 and DAY_DATE.search(text, cuts[-1], m.start()):
            cuts.append(m.start() + 2)
    spans = [(a, b, False) for a, b in zip(cuts, cuts[1:] + [len(text)], strict=False)]
    out = []
    for a, b, _ in spans:
        sub = SUB_EVENT.search(text, a, b)
        if sub and sub.start() - a > 10:
            out.append((a, sub.start(), False))
            out.append((sub.start(), b, True))
        else:
            out.append((a, b, False))
    return out


NO_PLACES = PlaceFinding(None, None, [])


# a run-in heading that opens a paragraph of the State Department reports: "Killings:", "Government
# Human Rights Bodies:", "Libel/Slander Laws:" (capitalised words, small words between, a colon)
RUN_IN_HEADING = re.compile(
    r"[A-Z][\w’'\-/]*(?: (?:[A-Z][\w’'\-/]*|of|and|or|the|to|in|for|on|against|with|by|a|an)){0,8}:(?=[ \u00a0]|$)"  # noqa: E501
)


def read_clause(
    sent: Sentence,
    a: int,
    b: int,
    sub: bool,
    covers: int,
    registry: Registry | None,
    country: str | None,
    alias_hits,
    full: bool = True,
    masks: tuple[tuple[int, int], ...] = (),
    defs: dict | None = None,
    antecedent: tuple[str, str] | None = None,
    groups: Groups | None = None,
) -> Clues:
    """`full=False` reads only actors and triggers (a sentence read for its relations)."""
    text = sent.text
    for ms, me in masks:  # blank a clause told apart, keeping every offset
        text = text[:ms] + " " * (me - ms) + text[me:]
    head = RUN_IN_HEADING.match(text) if a == 0 and ":" in text[:90] else None
    if (
        head is not None
    ):  # "Sexual Exploitation of Children: On June 15, ...": a topic, not an act or an actor
        text = " " * head.end() + text[head.end() :]
        alias_hits = [h for h in alias_hits if h[0] >= sent.start + head.end()]
    text = text[a:b]
    dates = find_dates(text, covers) if full else []
    triggers = find_triggers(text)
    # a trigger that names another, referenced act ("following the March 2019 attack") is not told here
    refs = [d for d in dates if d.kind in ("ref", "publication")]
    triggers = [
        t
        for t in triggers
        if not any(0 <= t.start - d.end <= 12 for d in refs)
        and not DEFINITE_REF.search(text[max(0, t.start - 40) : t.start])
    ]
    triggers = told_harm(text, triggers)
    actors = find_actors(text, sent.start + a, alias_hits, country, registry, defs, antecedent, groups)
    if (
        triggers
        and not actors
        and all(t.text.lower() == "died" for t in triggers)
        and any(d.kind == "event" for d in dates)
        and not DEATH_CAUSE.search(text)
    ):
        # "X died in June and was buried in Sana'a": a death told with its own date, no act of anyone
        # (a sentence continuing an incident, "Three of the group ... died.", keeps it)
        triggers = []
    places = find_places(text, registry, country, [(x.start, x.end) for x in actors]) if full else NO_PLACES
    counts = find_counts(text) if full else []
    killed, kq = killed_total(counts)
    if killed is None and full and singular_death(text):
        killed, kq = 1, "exact"
    event_date = _event_date(text, dates, triggers)
    ref = next((d for d in dates if d.kind == "ref"), None)
    rel = next((d for d in dates if d.kind == "relative"), None)
    c = Clues(
        sent,
        text,
        a,
        dates,
        event_date,
        ref,
        rel,
        triggers,
        actors,
        places,
        counts,
        killed,
        kq,
        attribution_of(text),
    )
    c.follow_up = bool(FOLLOW_UP.search(text))
    c.sub_event = sub
    if event_date is not None and event_date.value and event_date.year < covers and not event_date.generic:
        c.background = True
    _roles(c)
    return c


# the date a report or statement came out, before what it says: "X reported in October that ...",
# "In April, Amnesty International reported that ..."
_REPORT_VERB = (r"(?:reported|stated|said|announced|noted|documented|found|concluded|estimated|verified|"
                r"confirmed|recorded|indicated|claimed|alleged|detailed)")
REPORT_DATE_BEFORE = re.compile(r"\b" + _REPORT_VERB + r" (?:in|on) $")
REPORT_DATE_AFTER = re.compile(r"^(?:,? (?:19|20)\d\d)?,? (?:[\w’'\-()]+ ){1,9}" + _REPORT_VERB + r" that\b")


def _report_date(text: str, d: DateMention) -> bool:
    """Is `d` the date a report came out ("reported in October that", "In April, HRW reported that")?"""
    if REPORT_DATE_BEFORE.search(text, max(0, d.start - 16), d.start) and re.match(
        r"(?:,? (?:19|20)\d\d)?,? that\b", text[d.end :]
    ):
        return True
    return d.start < 4 and REPORT_DATE_AFTER.match(text[d.end :]) is not None


def _event_date(text: str, dates: list[DateMention], triggers: list[Trigger]) -> DateMention | None:
    events = [d for d in dates if d.kind == "event" and not d.generic]
    if events and _report_date(text, events[0]):
        # what the report says happened has its own date after it, if any ("during the year")
        later = [d for d in dates if d.kind in ("event", "period") and d.start > events[0].end]
        if later:
            events = [d for d in later if d.kind == "event" and not d.generic]
            if not events:
                return later[0]
    attrs = [d for d in dates if d.kind == "attr"]
    for d in attrs:
        # "JNIM claimed responsibility for an April 18 attack": the attack's own date
        after_trigger = any(0 <= t.start - d.end <= 14 for t in triggers)
        if after_trigger and (not events or REPORTING.search(text, events[0].end, d.start)):
            return d
    if events:
        return events[0]
    generic = [d for d in dates if d.kind == "event" and d.generic]
    if generic:
        return generic[0]
    for d in attrs:
        if re.match(
            r"^\s*(?:response|statement|announcement|letter|decision|order|decree)\b", text[d.end :], re.I
        ):
            return d
    return None


def _roles(c: Clues) -> None:
    """Who did it (perpetrators), with whom (partners), to whom (targets)."""
    acts = c.actors
    # a list continues the role of its head: "by the National Gendarmerie, National Police, and FORSAT"
    for i in range(1, len(acts)):
        gap = c.text[acts[i - 1].end : acts[i].start]
        if (
            acts[i - 1].role != "subject"
            and re.fullmatch(
                r"\s*(?:\([^)]*\))?\s*(?:,|and|, and|or|as well as|,? along with)?\s*(?:the\s+)?", gap
            )
            and acts[i].role == "subject"
        ):
            acts[i].role = acts[i - 1].role
    # the act the sentence tells comes after its date ("... killings documented by Amnesty, on
    # February 16, FAMa committed five killings")
    date = c.event_date
    date_first = date.start if date is not None and date.start < len(c.text) / 2 else None
    trigs = [t for t in c.triggers if date_first is None or t.start > date_first] or c.triggers
    # "in a non-IED-related attack, armed individuals attacked ...": a prepositional phrase names the act
    # but its agent comes after it
    trigs = [t for t in trigs if not ADVERBIAL_PP.search(c.text[max(0, t.start - 40) : t.start])] or trigs
    first = next((t for t in trigs if t.type not in ("Protest",)), trigs[0] if trigs else None)
    ied = next((t for t in c.triggers if t.type == "ExplosiveDevice"), None)
    for a in acts:
        # "by X" names an agent only after an act: "arrested by", "claimed by", not "abuses by"
        if a.role == "agent":
            before = c.text[max(0, a.start - 70) : a.start]
            by = before.rfind(" by ")
            lead = before[:by] if by >= 0 else before
            if not (
                AGENT_OK.search(lead[-50:])
                or any(t.end <= a.start and a.start - t.end < 70 for t in c.triggers)
            ):
                a.role = "none"
    agents = [a for a in acts if a.role == "agent"]
    ov = OVERRIDE.search(c.text)
    if ov:
        after = [a for a in acts if a.start >= ov.end() and a.role in ("subject", "agent")]
        c.override = _keys(after)
    if agents:
        c.perps = _keys(agents)
        c.close_perps = list(c.perps)
    elif first is None:
        # a sentence that sets the scene ("ISGS fighters came to Konga"): its actors act next
        c.perps = _keys([a for a in acts if a.role == "subject"])
    else:
        subj = [a for a in acts if a.role == "subject" and a.start < first.start]
        if (
            ied is not None
            and subj
            and IED_HIT.search(c.text, subj[-1].end, ied.start)
            or (
                subj
                and PASSIVE_BEFORE.search(c.text[: first.start])
                and not re.search(r"\bby\b", c.text[first.end : first.end + 40])
            )
            and any(a.kind in ("StateForce", "ForeignForce", "Peacekeepers") for a in subj)
        ):
            c.targets += _keys(subj)
            subj = []
        # the subject of a passive or of a held state suffers the act ("IMN members remained in
        # detention", "ISWAP members were arrested"): a victim, never the perpetrator; the subject
        # of an earlier verb is not ("the court held a session during which six ... were convicted")
        suffer = [a for a in subj if _suffers(c.text, a.end, first)]
        if suffer:
            c.targets += [k for k in _keys(suffer) if k not in c.targets]
            subj = [a for a in subj if a not in suffer]
        c.perps = _keys(subj)
        c.close_perps = _keys(
            [a for a in subj if "," not in c.text[a.end : first.start] and first.start - a.end < 60]
        )
        if not c.perps:
            later = [a for a in acts if a.role == "subject" and a.start >= first.start]
            # "remained in captivity with terrorist groups": the holder
            if later and re.search(r"\b(?:captivity|custody|held) (?:with|by)\b", c.text):
                c.perps = _keys(later)
    if CLASH.search(c.text):
        side = [a for a in acts if a.role in ("subject", "agent") and a.kind != "Civilian"]
        if len(side) >= 2:
            c.perps = _keys(side)
            c.targets = _keys(side)
    c.targets += [k for k in _keys([a for a in acts if a.role == "target"]) if k not in c.targets]
    c.partners = _keys([a for a in acts if a.role == "partner"])
    c.perps = [k for k in c.perps if k not in c.partners]


def _suffers(text: str, end: int, first: Trigger) -> bool:
    """Is the subject ending at `end` the one the act is done to: a passive ("members were
    arrested") or a held state ("members remained in detention") right after it, no "by" agent."""
    if first.start - end > 80:
        return False
    state = VICTIM_STATE.search(text, end, first.end + 40)
    if state is not None and state.start() - end < 20:
        return True
    return bool(
        PASSIVE_ONLY.search(text[end : first.start])
        and not re.search(r"\bby\b", text[first.end : first.end + 40])
    )


def _keys(acts: list[ActorMention]) -> list[str]:
    out: list[str] = []
    for a in acts:
        if a.key not in out:
            out.append(a.key)
    return out
