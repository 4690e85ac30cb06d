"""Dates as the genre writes them, resolved against the report's covered year.

"On May 20 and 23", "between June 3 and June 6", "In early May", "From January to
April", "in December 2019", "during the year", "three days later". Each mention gets a
`kind` that says whether it dates the act the sentence tells (`event`), names another
act (`ref`: "following the March 2019 attack"), modifies a noun (`attr`: "an April 18
attack"), states a status ("As of October": `status`), a publication ("its June
report": `publication`), or a long period (`period`: statistics, aggregates).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from conflictkg.extract.lexicon import MONTHS, NUMBER_WORDS

M = r"(?P<{n}>" + "|".join(MONTHS) + r")"
D = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
Y = r"(?P<{n}>(?:19|20)\d\d)"
MOD = r"(?P<{n}>early|mid-|mid|late|the end of|the beginning of|the start of)"


def _g(pat: str, n: str) -> str:
    return pat.format(n=n)


PATTERNS = [
    (
        "range_days",
        rf"\b(?:between|from|[Bb]etween|[Ff]rom) {_g(M, 'm1')} {_g(D, 'd1')}(?:,? {_g(Y, 'y1')})? (?:and|to|until|through|-|–) (?:{_g(M, 'm2')} )?{_g(D, 'd2')}(?:,? {_g(Y, 'y2')})?\b",  # noqa: E501
    ),
    (
        "multi",
        rf"\b{_g(M, 'm1')} {_g(D, 'd1')}(?P<more>(?:, [0-3]?\d)*),? and (?:{_g(M, 'm2')} )?{_g(D, 'd2')}(?:,? {_g(Y, 'y1')})?\b(?! (?:percent|people|persons|civilians|soldiers))",  # noqa: E501
    ),
    (
        "dash_days",
        rf"\b{_g(M, 'm1')} {_g(D, 'd1')} ?[-–] ?(?:{_g(M, 'm2')} )?{_g(D, 'd2')}(?:,? {_g(Y, 'y1')})?\b",
    ),
    (
        "month_range",
        rf"\b(?:between|from|[Bb]etween|[Ff]rom) (?:{_g(MOD, 'x1')} )?{_g(M, 'm1')}(?:,? {_g(Y, 'y1')})? (?:and|to|until|through) (?:{_g(MOD, 'x2')} )?{_g(M, 'm2')}(?:,? {_g(Y, 'y2')})?\b",  # noqa: E501
    ),
    (
        "month_to",
        rf"\b{_g(M, 'm1')}(?:,? {_g(Y, 'y1')})? (?:to|through|until) {_g(M, 'm2')}(?:,? {_g(Y, 'y2')})?\b",
    ),
    ("month_dash", rf"\b{_g(M, 'm1')}(?: {_g(Y, 'y1')})? ?[-–] ?{_g(M, 'm2')},? {_g(Y, 'y2')}\b"),
    ("day", rf"\b{_g(M, 'm1')} {_g(D, 'd1')}(?:,? {_g(Y, 'y1')})?\b(?![\d,]*\s*(?:percent|people|persons))"),
    ("day_first", rf"\b{_g(D, 'd1')} {_g(M, 'm1')}(?:,? {_g(Y, 'y1')})?\b"),
    ("month_year", rf"\b(?:{_g(MOD, 'x1')} )?{_g(M, 'm1')},? {_g(Y, 'y1')}\b"),
    ("month", rf"\b(?:{_g(MOD, 'x1')} )?{_g(M, 'm1')}\b"),
    ("year_range", rf"\b(?:between |from )?{_g(Y, 'y1')} ?(?:[-–]|to|and) ?{_g(Y, 'y2')}\b"),
    ("year", rf"\b(?:{_g(MOD, 'x1')} )?{_g(Y, 'y1')}\b"),
    (
        "generic_year",
        r"\b(?:during|in|throughout|over|earlier in|later in|for) the (?:year|reporting period)\b|\bthis year\b",  # noqa: E501
    ),
    (
        "generic_period",
        r"\b(?:during |in |over )?the (?:first|second|last) (?:six|three|nine|half|quarter|\w+ months)(?: months)?(?: of the year)?\b|\bfirst half of the year\b",  # noqa: E501
    ),
    (
        "relative",
        r"\b(?P<num>\w+|a) (?P<unit>days?|weeks?) (?P<dir>later|after|earlier|before)\b|\b(?:the following|the next) (?P<unit2>day|week|morning)\b|\b(?:the same day|that day|that night|the same night|shortly thereafter|hours later)\b",  # noqa: E501
    ),
]
COMPILED = [(k, re.compile(p)) for k, p in PATTERNS]

MONTH_CONTEXT = re.compile(
    r"(?:\b(?:in|In|during|During|since|Since|of|until|Until|by|By|from|From|to|through|and|between|Between|"
    r"early|late|mid|Also in|also in|last|Last|that|That|each|every|[Ss]tarting in)\s*-?$)|^$|(?:^|[.;:]\s*)$"
)
STATUS_BEFORE = re.compile(
    r"(?:\b(?:[Aa]s of|[Ss]ince|[Uu]ntil|[Bb]y the end of|[Ss]tarting in|[Ss]tarting|[Ee]nd of|[Bb]y|[Ee]xpected in|scheduled for|set for|planned for)\s+(?:early |late |mid-)?)$"  # noqa: E501
)
REF_BEFORE = re.compile(
    r"(?:\b(?:following|after|in connection with|since|before|prior to|in the wake of|related to|over|about|during)\s+(?:the|a|an|its|their)\s+(?:\w+\s+)?)$",  # noqa: E501
    re.I,
)
ATTR_BEFORE = re.compile(r"\b(?:a|an|the|its|their|his|her|this|that|last)\s+$", re.I)
PUBLICATION_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}(?:report|reports|study|survey|statement by|decree|law|constitution|accord|agreement|peace deal|elections?|census)\b",  # noqa: E501
    re.I,
)
EVENT_NOUN_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}(?:attack|attacks|raid|killing|killings|massacre|ambush|clash|clashes|bombing|abduction|kidnapping|arrest|arrests|operation|incident|events|protests?|demonstrations?|response|coup)\b",
    re.I,
)


@dataclass(slots=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str  # ISO date, month, year or "a/b" range
    precision: str  # day, month, year, range
    kind: str  # event, attr, ref, status, publication, period, relative
    days: list[str] = field(default_factory=list)  # for "On May 20 and 23"
    offset_days: int | None = None  # for relative mentions
    generic: bool = False  # "during the year"

    @property
    def year(self) -> int:
        return int(self.value[:4])


def _mnum(name: str) -> int:
    return MONTHS.index(name) + 1


def _clamp_day(y: int, m: int, d: int) -> int:
    return max(1, min(d, calendar.monthrange(y, m)[1]))


def _num(word: str) -> int | None:
    w = word.lower()
    if w.isdigit():
        return int(w)
    if w == "a":
        return 1
    return NUMBER_WORDS.get(w)


def find_dates(text: str, covers: int) -> list[DateMention]:
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for kind, rx in COMPILED:
        for m in rx.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            dm = _resolve(kind, m, text, covers)
            if dm is None:
                continue
            if dm.value and dm.kind == "event" and int(dm.value[:4]) > covers:
                dm.kind = "future"
            taken.append((s, e))
            out.append(dm)
    out.sort(key=lambda d: d.start)
    return out


def _resolve(kind: str, m: re.Match, text: str, covers: int) -> DateMention | None:
    g = m.groupdict()
    before = text[max(0, m.start() - 40) : m.start()]
    after = text[m.end() : m.end() + 100]
    s, e = m.span()
    mk = lambda v, p, k="event", **kw: DateMention(s, e, m.group(), v, p, k, **kw)  # noqa: E731
    try:
        if kind in ("range_days", "dash_days"):
            y1 = int(g.get("y1") or g.get("y2") or covers)
            y2 = int(g.get("y2") or y1)
            m1 = _mnum(g["m1"])
            m2 = _mnum(g["m2"]) if g.get("m2") else m1
            a = date(y1, m1, _clamp_day(y1, m1, int(g["d1"])))
            b = date(y2, m2, _clamp_day(y2, m2, int(g["d2"])))
            if b < a:
                return None
            if b == a:
                return mk(a.isoformat(), "day", _kind(before, after))
            k = "period" if (b - a).days > 31 else _kind(before, after)
            return mk(f"{a.isoformat()}/{b.isoformat()}", "range", k)
        if kind == "multi":
            y = int(g.get("y1") or covers)
            m1 = _mnum(g["m1"])
            m2 = _mnum(g["m2"]) if g.get("m2") else m1
            days = [date(y, m1, _clamp_day(y, m1, int(g["d1"])))]
            for extra in re.findall(r"\d+", g.get("more") or ""):
                days.append(date(y, m1, _clamp_day(y, m1, int(extra))))
            days.append(date(y, m2, _clamp_day(y, m2, int(g["d2"]))))
            if sorted(days) != days or days[-1] == days[0]:
                return None
            iso = [d.isoformat() for d in days]
            return mk(f"{iso[0]}/{iso[-1]}", "range", _kind(before, after), days=iso)
        if kind in ("day", "day_first"):
            y = int(g.get("y1") or covers)
            mo = _mnum(g["m1"])
            d = int(g["d1"])
            if not 1 <= d <= 31:
                return None
            if kind == "day_first" and not g.get("y1"):
                return None
            return mk(date(y, mo, _clamp_day(y, mo, d)).isoformat(), "day", _kind(before, after))
        if kind in ("month_range", "month_dash", "month_to"):
            y1 = int(g.get("y1") or g.get("y2") or covers)
            y2 = int(g.get("y2") or y1)
            m1, m2 = _mnum(g["m1"]), _mnum(g["m2"])
            a, b = date(y1, m1, 1), date(y2, m2, calendar.monthrange(y2, m2)[1])
            if b < a:
                return None
            return mk(f"{y1}-{m1:02d}/{y2}-{m2:02d}", "range", "period")
        if kind == "month_year":
            return mk(f"{int(g['y1'])}-{_mnum(g['m1']):02d}", "month", _kind(before, after))
        if kind == "month":
            if (
                g["m1"] == "May"
                and not g.get("x1")
                and not re.search(
                    r"\b(?:in|In|of|since|until|by|early|late|mid|from|to|and|between|Between|during|During)\s*$",
                    before,
                )
            ):
                return None
            if not g.get("x1") and not MONTH_CONTEXT.search(before):
                return None
            return mk(f"{covers}-{_mnum(g['m1']):02d}", "month", _kind(before, after))
        if kind == "year_range":
            y1, y2 = int(g["y1"]), int(g["y2"])
            if not y1 < y2 <= y1 + 30:
                return None
            return mk(f"{y1}/{y2}", "range", "period")
        if kind == "year":
            y = int(g["y1"])
            k = _kind(before, after)
            if (
                k == "event"
                and not re.search(
                    r"\b(?:in|In|during|During|of|late|early|mid|from|since|until|by)\s*-?$", before
                )
                and not g.get("x1")
            ):
                k = "attr"  # a bare year: "the 2012 coup leader", "a 2015 peace deal"
            return mk(str(y), "year", k)
        if kind == "generic_year":
            return mk(str(covers), "year", "event", generic=True)
        if kind == "generic_period":
            return mk(str(covers), "year", "period", generic=True)
        if kind == "relative":
            if g.get("num"):
                n = _num(g["num"])
                if n is None:
                    return None
                unit = 7 if g["unit"].startswith("week") else 1
                sign = 1 if g["dir"] in ("later", "after") else -1
                return mk("", "day", "relative", offset_days=sign * n * unit)
            if g.get("unit2"):
                return mk("", "day", "relative", offset_days=7 if g["unit2"] == "week" else 1)
            return mk("", "day", "relative", offset_days=0)
    except ValueError:
        return None
    return None


PUBLISHED_AFTER = re.compile(
    r"^[\s,]*(?:the |its |an? )?(?:[\w’'()\-]+ ){0,7}?(?:also )?(?:published|issued|released|launched|presented|made public)"  # noqa: E501
    r" (?:its |a |an |the )?(?:[\w\-]+ ){0,3}(?:report|study|statement|findings|video|footage|article|letter|communiqu)",  # noqa: E501
    re.I,
)
LAW_BEFORE = re.compile(
    r"\b(?:Act|Law|Code|Decree|Constitution|Accord|Agreement|Convention|Protocol|Survey|Report|Plan) of\s*$|\breleased in\s*$"  # noqa: E501
)


def _kind(before: str, after: str) -> str:
    if PUBLISHED_AFTER.match(after) or LAW_BEFORE.search(before):
        return "publication"
    if STATUS_BEFORE.search(before):
        return "status"
    if REF_BEFORE.search(before):
        return "ref"
    if PUBLICATION_AFTER.match(after) and ATTR_BEFORE.search(before):
        return "publication"
    if ATTR_BEFORE.search(before):
        return "attr" if EVENT_NOUN_AFTER.match(after) or not re.match(r"^\s*,", after) else "event"
    return "event"


def shift(day_iso: str, offset: int) -> str:
    return (date.fromisoformat(day_iso[:10]) + timedelta(days=offset)).isoformat()


def span_days(value: str) -> int:
    """How many days an ISO date/month/year/range covers."""
    parts = value.split("/")

    def bounds(v: str, end: bool) -> date:
        if re.fullmatch(r"\d{4}", v):
            return date(int(v), 12, 31) if end else date(int(v), 1, 1)
        if re.fullmatch(r"\d{4}-\d{2}", v):
            y, mo = map(int, v.split("-"))
            return date(y, mo, calendar.monthrange(y, mo)[1]) if end else date(y, mo, 1)
        return date.fromisoformat(v[:10])

    return (bounds(parts[-1], True) - bounds(parts[0], False)).days + 1


def interval(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    parts = value.split("/")

    def bound(d: str, end: bool) -> str:
        if re.fullmatch(r"\d{4}", d):
            return d + ("-12-31" if end else "-01-01")
        if re.fullmatch(r"\d{4}-\d{2}", d):
            return d + ("-31" if end else "-01")
        return d[:10]

    return bound(parts[0], False), bound(parts[-1], True)
