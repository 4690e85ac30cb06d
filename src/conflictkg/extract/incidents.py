"""Coreference: which sentences tell the same incident, and which incidents are one.

Within a paragraph, a dated sentence opens an incident and the sentences after it that
have no date of their own ("They also looted...", "The whereabouts of the remaining
nine remain unknown") continue it; a dated sentence that follows up the same act
("villagers found the bodies of eight of the arrested men") does too. Acts by another
actor after an attack (arrests of suspects) and reprisals open their own incident.
"On May 20 and 23 ..." becomes one incident per day when later sentences say what
happened on each day. Across the report, the same incident told twice (same day, or
the same place at overlapping dates, with a shared type; at overlapping dates of different
precision, the same main type and the same person named, or the same toll at the same place)
is merged into one event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conflictkg.extract.actors import GENERIC_KEYS, STATE_KINDS, role_key
from conflictkg.extract.clues import JUDICIAL_SPLIT, NO_PERP_TYPES, REPRISAL, VIOLENT, Clues
from conflictkg.extract.counts import victims_of
from conflictkg.extract.dates import interval, shift, span_days
from conflictkg.facts import EVENT_TYPES, Event, Span, Victim
from conflictkg.registry import Registry, norm

SEPARATE = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+) (?:separate|different|distinct|simultaneous) "
    r"(?:\w+ )?(?:raids|attacks|incidents|operations|assaults)\b[^.]*?\b(?:villages?|towns?|localities|communities) "  # noqa: E501
    r"of (?P<list>[A-Z][^.;()]*)"
)
FORCE_WORDS = re.compile(
    r"\b(?:military (?:camp|post|base|convoy|patrol|position)|army (?:camp|post|base)|outpost|barracks|checkpoint|"  # noqa: E501
    r"gendarmerie (?:post|brigade)|police (?:station|post))\b",
    re.I,
)

BODIES_OF_ARRESTED = re.compile(
    r"\bbodies of (?:all )?(?:those|the (?:men|people|persons|villagers|detainees)(?: who were)?) (?:arrested|detained|taken)\b",  # noqa: E501
    re.I,
)
PROTEST_WORDS = re.compile(r"\b(?:protests?|demonstrations?|demonstrators|protesters|rally|rallies)\b", re.I)


@dataclass(slots=True)
class Incident:
    anchor: Clues
    pieces: list[Clues] = field(default_factory=list)
    date: str | None = None
    precision: str | None = None
    days: list[str] = field(default_factory=list)
    by_day: dict[str, list[Clues]] = field(default_factory=dict)
    perps: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    location: str | None = None
    admin1: str | None = None
    killed: int | None = None
    killed_q: str | None = None
    aggregate: bool = False
    split_place: bool = False
    inherited: bool = False
    overridden: bool = False

    def add(self, c: Clues, day: str | None = None) -> None:
        if day is not None:
            self.by_day.setdefault(day, []).append(c)
        else:
            self.pieces.append(c)
        harmful = c.first_type is not None and c.first_type not in NO_PERP_TYPES
        if c.override:
            if not self.perps or all(_generic(k) for k in self.perps):
                self.perps = list(c.override)
                self.overridden = True
        elif c.close_perps and harmful and not self.overridden:
            specific = [k for k in c.close_perps if k not in GENERIC_KEYS]
            if specific:
                self.perps = [k for k in self.perps if k not in GENERIC_KEYS]
            for k in c.close_perps:
                if k not in self.perps and k not in self.targets:
                    self.perps.append(k)
        for k in c.partners:
            if k not in self.partners:
                self.partners.append(k)
        for k in c.targets:
            if k not in self.targets and k not in self.perps:
                self.targets.append(k)
        if self.location is None and c.places.location and not self.split_place:
            self.location, self.admin1 = c.places.location, c.places.admin1 or self.admin1
        if self.admin1 is None and c.places.admin1:
            self.admin1 = c.places.admin1
        if self.killed is None and BODIES_OF_ARRESTED.search(c.text):
            # "villagers found the bodies of those arrested": as many dead as were arrested
            arrested = [
                x for p in (self.anchor, *self.pieces) for x in p.counts if x.harm == "arrested" and x.count
            ]
            if arrested and not any(x.harm == "killed" for x in c.counts):
                self.killed, self.killed_q = sum(x.count for x in arrested if x.count), arrested[0].qualifier
        if c.killed is not None and not self.split_place:
            if self.killed is None:
                self.killed, self.killed_q = c.killed, c.killed_q
            elif c.additive:
                self.killed += c.killed
                if c.killed_q == "at_least":
                    self.killed_q = "at_least"


_COUNTRY_GENERIC: dict[str | None, frozenset] = {}


def _generic(key: str) -> bool:
    return (
        key in GENERIC_KEYS
        or key.endswith("SECURITY_FORCES")
        or key == "MDSF"
        or key.endswith("_ARMED_GROUP")
    )


def group_paragraph(clauses: list[Clues], covers: int, last_place: list) -> list[Incident]:
    """Incidents told in one paragraph, in order of first mention."""
    out: list[Incident] = []
    current: Incident | None = None
    context: Clues | None = None  # the last general statement ("Extremist groups frequently employed IEDs")
    for c in clauses:
        has_date = c.event_date is not None
        if (
            current is not None
            and not has_date
            and c.sub_event
            and c.triggers
            and not isinstance(current, _Group)
        ):
            inc = _open(c, covers, inherit=current)
            out.append(inc)
            current = inc
            continue
        if current is not None and _continues(c, current):
            day = None
            if current.days:
                day = _day_of(c, current)
            current.add(c, day)
            continue
        if current is not None and not has_date and c.triggers and _split_off(c, current):
            inc = _open(c, covers, inherit=current)
            out.append(inc)
            continue
        if has_date and (c.triggers or (c.actors and c.places.location)):
            here = [i.location and (i.location, i.admin1) for i in out if i.location]
            incs = _open_many(c, covers, [*last_place, *here])
            out.extend(incs)
            if not c.background or current is None:
                current = incs[-1] if len(incs) == 1 else _Group(incs)
            continue
        if not has_date and c.triggers and any(a.role == "subject" for a in c.actors) and current is None:
            context = c
    # "For example, on June 7, a truck struck an IED": the actor of the general statement before it
    if context is not None:
        for inc in out:
            if inc.perps or inc.anchor.sent.index < context.sent.index:
                continue
            if (set(inc.anchor.types) & set(context.types)) - {"KILL", "ATTACK"}:
                subj = [
                    a.key
                    for a in context.actors
                    if a.role == "subject" and a.start < context.triggers[0].start
                ]
                if subj:
                    inc.perps = subj
                    inc.inherited = True
    return out


class _Group(Incident):
    """Several incidents opened by one sentence ("three separate raids in A, B and C"):
    the sentences after it continue all of them."""

    def __init__(self, members: list[Incident]):
        super().__init__(members[0].anchor)
        self.members = members
        self.days = []

    def add(self, c: Clues, day: str | None = None) -> None:  # noqa: D102
        for m in self.members:
            m.add(c)


def _continues(c: Clues, cur: Incident) -> bool:
    if isinstance(cur, _Group):
        return c.event_date is None and bool(c.triggers)
    if c.event_date is not None:
        if c.follow_up:
            return True
        return bool(cur.days and c.event_date.value in cur.days)
    if _split_off(c, cur):
        return False
    return bool(c.triggers or c.counts or c.follow_up or c.relative is not None)


def _split_off(c: Clues, cur: Incident) -> bool:
    """Arrests of suspects after an attack, or a reprisal: another actor's act."""
    types = set(c.types)
    cur_types = set(cur.anchor.types)
    for p in cur.pieces:
        cur_types |= set(p.types)
    violent = bool(cur_types & VIOLENT)
    state = any(k in STATE_KEYS_CACHE or _state_key(k) for k in cur.perps)
    if types & JUDICIAL_SPLIT and violent and not state and not (types & VIOLENT - {"KILL"}):
        return True
    return bool(
        REPRISAL.search(c.text)
        and "KILL" in types
        and cur_types & {"ExplosiveDevice", "ATTACK", "AttackOnForces"}
        and cur.anchor.sent.index != c.sent.index
    )  # noqa: E501


STATE_KEYS_CACHE: set[str] = set()
_STATE_KIND: dict[str, str] = {}


def _state_key(key: str) -> bool:
    return _STATE_KIND.get(key) in STATE_KINDS


def _day_of(c: Clues, cur: Incident) -> str | None:
    if c.event_date is not None and c.event_date.value in cur.days:
        return c.event_date.value
    if c.relative is not None and c.relative.offset_days:
        d = shift(cur.days[0], c.relative.offset_days)
        if d in cur.days:
            return d
    return None


def _open(c: Clues, covers: int, inherit: Incident | None = None) -> Incident:
    inc = Incident(anchor=c)
    d = c.event_date
    if d is not None and d.value:
        inc.date, inc.precision = d.value, d.precision
        inc.days = list(d.days)
        if d.kind == "period" or (d.generic and d.kind != "event"):
            inc.aggregate = True
        if d.generic:
            inc.aggregate = True
    elif c.ref_date is not None:
        inc.date, inc.precision = str(c.ref_date.year), "year"
    elif inherit is not None:
        inc.date, inc.precision = inherit.date, inherit.precision
    inc.location, inc.admin1 = c.places.location, c.places.admin1
    if inc.location is None and c.places.same_place and inherit is not None:
        inc.location, inc.admin1 = inherit.location, inherit.admin1
    if inc.location is None and inherit is not None and not c.places.mentions:
        inc.location, inc.admin1 = inherit.location, inherit.admin1 or c.places.admin1
    inc.perps = list(c.perps)
    inc.targets = [k for k in c.targets if k not in inc.perps]
    inc.partners = list(c.partners)
    inc.killed, inc.killed_q = c.killed, c.killed_q
    if inherit is not None and not inc.perps and REPRISAL.search(c.text):
        # "The fighters carried out a reprisal attack": the fighters named before
        inc.perps = list(inherit.perps or inherit.targets)
        inc.targets = []
    return inc


def _open_many(c: Clues, covers: int, last_place: list) -> list[Incident]:
    base = _open(c, covers)
    if base.location is None and c.places.same_place and last_place:
        base.location, base.admin1 = last_place[-1]
    m = SEPARATE.search(c.text)
    if not m:
        return [base]
    names = [n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("list")) if n.strip()]
    # a name starting with a capital: its run of capitalised words
    names = [head.group() for n in names if (head := re.match(r"[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*)*", n))]
    if len(names) < 2:
        return [base]
    out = []
    for name in names:
        inc = _open(c, covers)
        inc.location, inc.admin1 = name, None
        inc.killed = inc.killed_q = None
        inc.split_place = True
        out.append(inc)
    return out


def resolve_types(
    raw: list[str], perps_kinds: list[str], targets_kinds: list[str], victims: list[Victim], text: str
) -> list[str]:
    """KILL / ATTACK in context: who did it to whom."""
    state = any(k in STATE_KINDS for k in perps_kinds)
    forces_hit = (
        any(v.category in ("soldiers", "peacekeepers") and v.harm in ("killed", "injured") for v in victims)
        or any(k in ("StateForce", "ForeignForce", "Peacekeepers") for k in targets_kinds)
        or bool(FORCE_WORDS.search(text) and not state)
    )
    out: list[str] = []

    def put(t: str) -> None:
        if t not in out:
            out.append(t)

    for t in raw:
        if t == "KILL":
            if "ArmedClash" in raw:
                continue
            if forces_hit and not state:
                put("AttackOnForces")
            elif state:
                if "Protest" in raw or PROTEST_WORDS.search(text):
                    put("ExcessiveForce")
                put("ExtrajudicialKilling")
            else:
                put("Attack")
        elif t == "ATTACK":
            if "ArmedClash" in raw:
                continue
            if forces_hit and not state:
                put("AttackOnForces")
            elif state:
                continue
            else:
                put("Attack")
        else:
            put(t)
    if "ExplosiveDevice" in out and forces_hit and "AttackOnForces" not in out:
        out.append("AttackOnForces")
    if "ExcessiveForce" in out and "Protest" not in out:
        out.append("Protest")
    if not out and "ATTACK" in raw:
        out.append("Attack")
    return out


VIOLENT_TYPES = frozenset(
    {"Attack", "AttackOnForces", "ArmedClash", "ExtrajudicialKilling", "ExplosiveDevice", "Abduction"}
)
# Event types of the ontology's ckg:ViolentEvent (the first 15 of the annotation guide's list).
HARM_TYPES = frozenset(EVENT_TYPES[:15])
DEFAULT_ACTOR = {"Sentencing": "COURT", "PoliticalDecision": "GOVERNMENT", "Expulsion": "GOVERNMENT"}


def to_events(
    incs: list[Incident],
    doc: str,
    kinds: dict[str, str],
    country: str | None = None,
    covers: int | None = None,
) -> list[Event]:
    events = _to_events(incs, doc, kinds)
    for ev in events:
        main = next((t for t in ev.types if t in DEFAULT_ACTOR), None)
        if not ev.perpetrators and main is not None and not set(ev.types) & VIOLENT_TYPES:
            # a sentence is passed by a court, a referendum held by the government
            ev.perpetrators = [role_key(DEFAULT_ACTOR[main], country)]
        if ev.date_precision == "year" and not ev.location and covers is not None and ev.date == str(covers):
            ev.aggregate = True
        if ev.date_precision == "year" and any((v.count or 0) >= 100 for v in ev.victims):
            ev.aggregate = True
        if (
            ev.killed is None
            and any(v.count is None and v.harm == "killed" for v in ev.victims)
            and not ev.location
        ):
            ev.aggregate = True
        if _tally_or_habit(ev.quotes[0], bool(ev.location), ev.date_precision == "day"):
            ev.aggregate = True
    return events


# a statistic ("detailed 833 cases of arbitrary detention", "a 50 percent increase") or a habit
# ("routinely subjected detainees to", "continued to detain"): many acts, not one
TALLY = re.compile(
    r"\b(?:[2-9]|\d[\d,]+) (?:\w+ ){0,2}(?:cases|incidents|instances|violations|allegations|complaints)\b|"
    r"\b\d[\d.,]* percent\b"
)
# "On April 20, the United Nations verified 12 reported cases of ...": the day is the count's
COUNTED = re.compile(
    r"\b(?:reported|verified|documented|recorded|registered|detailed|received|confirmed|counted|investigated) "  # noqa: E501
    r"(?:at least |more than |over |nearly |some )?(?:[2-9]|\d[\d,]+) (?:\w+ ){0,2}"
    r"(?:cases|incidents|instances|violations|allegations|complaints)\b"
)
# a statistic whatever the date that leads the sentence: a change in percent ("On January 8, ...
# announced ..., a 17 percent increase"; "From April 1, 2023, to June 30, 2024, the UN reported a 50
# percent increase") or a count of deaths up to a day ("115 extrajudicial killings ... as of December 10")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
STATISTIC = re.compile(
    r"\b\d[\d.,]* percent (?:increase|decrease|rise|drop|decline|reduction)\b|"
    r"\b(?:increase|decrease|rise|drop|decline|reduction) of \d[\d.,]* percent\b|"
    r"\b(?:[2-9]|\d[\d,]+) (?:[\w\-]+ ){0,3}(?:deaths|killings|fatalities|casualties)\b[^.;]{0,60}?"
    rf"\b(?:through|as of) {_MONTH}\b"
)
HABIT = re.compile(
    r"\b(?:systematically|routinely|regularly|frequent(?:ly)?|often|commonly|continued to|continues to)\b",
    re.I,
)


def _tally_or_habit(quote: str, placed: bool, day: bool) -> bool:
    """Does the sentence that opens an event tell a count of cases (whatever its date), or, not
    pinned to a day, a statistic or (with no place) a habit?"""
    if COUNTED.search(quote) is not None or STATISTIC.search(quote) is not None:
        return True
    if day:
        return False
    return TALLY.search(quote) is not None or (not placed and HABIT.search(quote) is not None)


def _to_events(incs: list[Incident], doc: str, kinds: dict[str, str]) -> list[Event]:
    events: list[Event] = []
    for inc in incs:
        if isinstance(inc, _Group):
            continue
        if inc.days and inc.by_day:
            for day in inc.days:
                extra = inc.by_day.get(day, [])
                ev = _event(inc, [inc.anchor, *extra], doc, kinds, date=(day, "day"))
                if ev is not None:
                    events.append(ev)
            continue
        ev = _event(inc, [inc.anchor, *inc.pieces], doc, kinds)
        if ev is not None:
            events.append(ev)
    return events


def _event(inc: Incident, pieces: list[Clues], doc: str, kinds: dict[str, str], date=None) -> Event | None:
    raw: list[str] = []
    for p in pieces:
        for t in p.types:
            if t not in raw:
                raw.append(t)
    victims: list[Victim] = []
    for p in pieces:
        if not inc.split_place:
            victims.extend(victims_of(p.counts))
    types = resolve_types(
        raw,
        [kinds.get(k, "") for k in inc.perps],
        [kinds.get(k, "") for k in inc.targets],
        victims,
        inc.anchor.text,
    )
    if not types:
        return None
    quotes: list[str] = []
    spans: list[Span] = []
    for p in pieces:
        s = p.sent
        if s.text in quotes:
            continue
        quotes.append(s.text)
        spans.append(Span(s.start, s.end, s.text, s.index))
    attribution = inc.anchor.attribution
    if attribution is None:
        attribution = next((p.attribution for p in pieces if p.attribution == "attributed_by_other"), None)
    if any(p.override for p in pieces) and attribution in (None, "asserted", "alleged"):
        attribution = "attributed_by_other"
    perps = list(inc.perps)
    # A reporting or intergovernmental organisation named in a sentence about harm done is its
    # source ("Amnesty International documented..."), not the one who did it.
    sources = [k for k in perps if kinds.get(k) == "Organization"] if types[0] in HARM_TYPES else []
    perps = _named_over_generic([k for k in perps if k not in sources], kinds)
    targets = _named_over_generic([k for k in inc.targets if k not in perps or "ArmedClash" in types], kinds)
    d, prec = date if date else (inc.date, inc.precision)
    killed = inc.killed
    if date is not None:
        killed = next((p.killed for p in pieces[1:] if p.killed is not None), None)
    return Event(
        id="",
        doc=doc,
        quotes=quotes,
        date=d,
        date_precision=prec,
        types=types,
        perpetrators=perps,
        attribution=attribution or "asserted",
        partners=list(inc.partners),
        targets=targets,
        victims=victims,
        killed=killed,
        killed_qualifier=inc.killed_q if killed is not None else None,
        location=inc.location,
        admin1=inc.admin1,
        aggregate=inc.aggregate,
        evidence=spans,
        attributed_by=sources,
    )


NAMED_GROUP_KINDS = frozenset({"RebelGroup", "RebelCoalition", "IslamistArmedGroup", "EthnicMilitia"})
GROUP_GENERICS = frozenset({"ARMED_GROUP", "ISLAMIST_UNSPECIFIED"})


def _named_over_generic(keys: list[str], kinds: dict[str, str]) -> list[str]:
    """ "The Patriotic Movement ... (MPC) armed group", "members of the armed group UPC": where
    the text names the group, the generic "armed group" beside it is the same group."""
    if not any(k in GROUP_GENERICS for k in keys):
        return keys
    if not any(kinds.get(k) in NAMED_GROUP_KINDS and k not in GENERIC_KEYS for k in keys):
        return keys
    return [k for k in keys if k not in GROUP_GENERICS]


def merge_retellings(events: list[Event], registry: Registry | None = None) -> list[Event]:
    """One incident told twice in a report is one event with both quotes. `registry`'s
    gazetteer tells a place's name from a person's."""
    out: list[Event] = []
    for ev in events:
        host = next((o for o in out if _same(o, ev, registry)), None)
        if host is None:
            out.append(ev)
            continue
        for q, sp in zip(ev.quotes, ev.evidence, strict=False):
            if q not in host.quotes:
                host.quotes.append(q)
                host.evidence.append(sp)
        for t in ev.types:
            if t not in host.types:
                host.types.append(t)
        for k in ev.perpetrators:
            if k not in host.perpetrators and not (host.perpetrators and _generic(k)):
                host.perpetrators.append(k)
        host.perpetrators = [
            k
            for k in host.perpetrators
            if not (_generic(k) and any(not _generic(x) for x in host.perpetrators))
        ]
        for k in ev.targets:
            if k not in host.targets:
                host.targets.append(k)
        for k in ev.partners:
            if k not in host.partners:
                host.partners.append(k)
        if host.killed is None and ev.killed is not None:
            host.killed, host.killed_qualifier = ev.killed, ev.killed_qualifier
        if host.location is None and ev.location:
            host.location = ev.location
        if host.admin1 is None and ev.admin1:
            host.admin1 = ev.admin1
        if ev.date and host.date and span_days(ev.date) < span_days(host.date):
            host.date, host.date_precision = ev.date, ev.date_precision
        if not ev.aggregate:
            host.aggregate = False
        if not host.victims:
            host.victims = ev.victims
    return out


def _same(a: Event, b: Event, registry: Registry | None = None) -> bool:
    if a.doc != b.doc or not a.date or not b.date:
        return False
    if a.quotes[0] == b.quotes[0] and a.date == b.date and a.types[0] == b.types[0]:
        return True  # the report repeats a paragraph word for word
    if not set(a.types) & set(b.types):
        return False
    ia, ib = interval(a.date), interval(b.date)
    if ia is None or ib is None or not (ia[0] <= ib[1] and ib[0] <= ia[1]):
        return False
    la, lb = norm(a.location or ""), norm(b.location or "")
    same_day = a.date == b.date and a.date_precision == "day"
    if la and lb:
        if la != lb:
            return False
        return (
            same_day
            or "range" in (a.date_precision, b.date_precision)
            and "day" in (a.date_precision, b.date_precision)
            or a.date == b.date
            and a.date_precision == "range"
            or a.types[0] == b.types[0]
            and _corroborated(a, b, True, registry)
        )
    # one place unknown: compatible when the known one lies in the region the other names
    ra, rb = norm(a.admin1 or ""), norm(b.admin1 or "")
    if (la or lb) and ra and rb and ra != rb:
        return False
    if not same_day:
        # "in early January ... Maleyombo was arrested in Bangui" after "Maleyombo was arrested in
        # January in Bangui": the same person, or the same large toll, at overlapping dates
        return a.types[0] == b.types[0] and _corroborated(a, b, False, registry)
    return a.types[0] == b.types[0] or bool(set(a.types[:2]) & set(b.types[:2]))


# a person's name as reports write it: two or more capitalised words, with particles inside
PERSON = re.compile(
    r"(?<![\w’'\-])[A-Z][a-z’'\-]+(?: (?:(?:al|el|bin|ben|wa|ould|ag|de|da|dos|van|von)[ \-])?[A-Z][a-z’'\-]+)+"  # noqa: E501
)
NAME_NOT_PERSON = re.compile(
    r"^(?:On|In|At|During|After|Before|Since|From|According|The|A|An|His|Her|Their|Its|This|That|Also|Former|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


def _people(ev: Event, registry: Registry | None) -> set[str]:
    """The names of persons an event's quotes give ("Thierry Savonarole Maleyombo"): runs of
    capitalised words that are no institution (data/acronym_kinds.tsv), place, country or
    demonym."""
    from conflictkg.extract.acronyms import kind_of_name
    from conflictkg.extract.actors import _not_a_name

    out = set()
    for q in ev.quotes:
        for m in PERSON.finditer(q):
            if PLACE_BEFORE.search(q, max(0, m.start() - 12), m.start()):
                continue  # "in Addis Ababa", "near Nana Gribizi": a place
            name = m.group()
            while NAME_NOT_PERSON.match(name):
                name = name.split(" ", 1)[1] if " " in name else ""
            if name.count(" ") < 1 or _not_a_name(name) or kind_of_name(name) is not None:
                continue
            if any(_not_a_name(w) for w in name.split(" ")) or COMPASS.match(name):
                continue  # "Central African", "Malian Army", "South Kivu"
            if registry is not None and registry.places_named(name):
                continue
            out.add(name)
    return out


PLACE_BEFORE = re.compile(r"\b(?:in|at|near|from|to|into|outside|across|including|of|and)\s+(?:the\s+)?$")
COMPASS = re.compile(
    r"(?:North|South|East|West|Upper|Lower|Central|Greater)(?:ern|ward)?\b|(?:Northeast|Northwest|Southeast|Southwest)\w*"
)


def _toll(ev: Event) -> int:
    return max([ev.killed or 0, *(v.count or 0 for v in ev.victims)])


def _corroborated(a: Event, b: Event, same_place: bool, registry: Registry | None) -> bool:
    """Two tellings at overlapping (not the same) dates are one incident when they name the
    same person, or when they give the same toll of several victims at the same place."""
    ta, tb = _toll(a), _toll(b)
    if same_place and ta >= 2 and tb >= 2 and abs(ta - tb) <= 0.1 * max(ta, tb):
        return True
    people = _people(a, registry)
    return bool(people and people & _people(b, registry))


def number(events: list[Event], stem: str) -> None:
    for n, ev in enumerate(events, 1):
        ev.id = f"{stem}-e{n:02d}"


def state_kinds(kinds: dict[str, str]) -> None:
    """The actor kinds of the report being read (registry kinds and the report's own). They
    replace the previous report's: a key's kind must not depend on which reports a worker
    process read before (the corpus run gave 8,317 or 8,322 events for the same 300 reports)."""
    _STATE_KIND.clear()
    _STATE_KIND.update(kinds)


def country_generic(country: str | None) -> str:
    return role_key("SECURITY_FORCES", country)
