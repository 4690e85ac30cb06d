"""Victims with counts and qualifiers: "at least 20 civilians, including a woman and a
6-year-old", "14 children and 4 women", "over 120", "dozens", "killing 37", "13 of the
suspects", "the bodies of eight of the arrested men".

Each count gets a harm from the nearest harm word (a passive after it, "were killed",
"dead", or the verb before it, "killed four men"); counts after "including" are
subgroups of a total and are kept out of the totals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictkg.extract.lexicon import NUMBER_WORDS, VAGUE_NUMBERS, category_of, harm_of, lexicon
from conflictkg.facts import Victim

QUALS = r"(?P<{q}>at least|more than|over|nearly|almost|about|approximately|around|roughly|some|an estimated|up to|a total of|as many as|fewer than|a further|another|an additional)"  # noqa: E501
QUAL = QUALS.format(q="q")
NUMW = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
NUM = rf"(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+|{NUMW}|{'|'.join(VAGUE_NUMBERS)})"
QMAP = {
    "at least": "at_least",
    "more than": "more_than",
    "over": "more_than",
    "nearly": "about",
    "almost": "about",
    "about": "about",
    "approximately": "about",
    "around": "about",
    "roughly": "about",
    "some": "about",
    "an estimated": "about",
    "up to": "up_to",
    "as many as": "up_to",
    "fewer than": "up_to",
    "a total of": "exact",
}
WHOM_KILLED = re.compile(
    r"^\s*,?\s*(?:whom|who) (?:they |were |had been )?(?:\w+ly )?(?:executed|killed|shot|murdered)", re.I
)
ADDITIVE = re.compile(r"\b(?:other|others|more|additional|another|further|also)\b", re.I)


@dataclass(slots=True)
class Count:
    start: int
    end: int
    count: int | None
    qualifier: str | None
    category: str
    harm: str | None
    subgroup: bool = False
    additive: bool = False


def _value(word: str) -> int | None:
    w = word.lower().replace(",", "")
    if w.isdigit():
        return int(w)
    return NUMBER_WORDS.get(w)


@dataclass(slots=True)
class _Rx:
    counted: re.Pattern
    bare: re.Pattern
    single: re.Pattern
    of_the: re.Pattern


_RX: _Rx | None = None


def _rx() -> _Rx:
    global _RX
    if _RX is None:
        lex = lexicon()
        noun = lex.victim_noun.pattern
        adj = r"(?:(?!and\b|or\b|of\b|in\b|were\b|was\b)[\w\-’']+\s+){0,3}?"
        counted = re.compile(
            rf"(?:{QUAL}\s+)?\b{NUM}(?P<more>\s+(?:more|other|others|additional|further))?\s+(?:of\s+(?:the\s+|their\s+|these\s+)?)?{adj}(?P<noun>{noun})",
            re.I,
        )
        harm = re.sub(r"\(\?P<h\d+>", "(?:", lex.harm_any.pattern)
        bare = re.compile(
            rf"(?:(?P<hv1>{harm})\s+(?:{QUALS.format(q='q1')}\s+)?\b(?P<n1>\d[\d,]*|{NUMW})\b(?!\s*(?:percent|%|km|kilomet|miles|years?|days?|hours?|vehicles|motorbikes|homes|houses|buildings|cases|attacks|incidents|separate|times|a\.m|p\.m|months?)))|(?:(?:{QUALS.format(q='q2')}\s+)?\b(?P<n2>\d[\d,]*|{NUMW})\s+(?:more\s+)?(?P<hv2>killings|deaths|dead|died|injured|wounded|fatalities))\b",
            re.I,
        )
        single = re.compile(rf"(?P<hs>{harm})\s+(?:an?|one)\s+(?:[\w\-]+\s+){{0,2}}?(?P<noun>{noun})", re.I)
        of_the = re.compile(
            r"\b(?:the )?bodies of (?:those|the (?:men|people|persons|villagers) (?:who were )?)?(?:arrested|detained|abducted|taken)\b",  # noqa: E501
            re.I,
        )
        _RX = _Rx(counted, bare, single, of_the)
    return _RX


def _harm_near(text: str, start: int, end: int) -> str | None:
    lex = lexicon()
    after = text[end : end + 60]
    m = re.match(
        r"^\s*(?:\([^)]*\)\s*)?(?:(?:were|was|had been|have been|been|are|is|later|also|reportedly|allegedly|forcibly|subsequently|summarily|more|others?|all)\s+){0,3}",  # noqa: E501
        after,
    )
    rest = after[m.end() :] if m else after
    h = lex.harm_any.match(rest)
    if h:
        return harm_of(h)
    # the verb before it in the same clause ("killed four men", "arrested 17 men")
    before = text[max(0, start - 90) : start]
    clause = re.split(r"[;:]|\bwhile\b|\bbut\b|\bwhereas\b|\bafter\b|\bbefore\b", before)[-1]
    hs = list(lex.harm_any.finditer(clause))
    if hs:
        return harm_of(hs[-1])
    # a passive further on ("19 individuals suspected of ... were allegedly arrested")
    more = text[end : end + 90]
    stop = re.search(r"\d|[;:]", more)
    window = more[: stop.start()] if stop else more
    h = re.search(r"\b(?:were|was|been)\b", window)
    if h:
        hm = lex.harm_any.search(window, h.end())
        if hm:
            return harm_of(hm)
    return None


YEAR_BEFORE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|in|since|of|"
    r"during|until|by|early|late|mid-)\s*$",
    re.I,
)


def _a_year(text: str, start: int, n: str) -> bool:
    """Is the number at `start` a year ("December 2019", "in 2013"), not a count?"""
    return (
        len(n) == 4
        and n.isdigit()
        and 1900 <= int(n) <= 2100
        and YEAR_BEFORE.search(text, max(0, start - 12), start) is not None
    )


NUM_QUICK = re.compile(rf"\d|\b(?:{NUMW}|{'|'.join(VAGUE_NUMBERS)})\b", re.I)


def find_counts(text: str) -> list[Count]:
    rx = _rx()
    out: list[Count] = []
    taken: list[tuple[int, int]] = []
    numbers = NUM_QUICK.search(text) is not None
    if not numbers and not lexicon().harm_any.search(text):
        return out
    for m in rx.counted.finditer(text) if numbers else ():
        n = m.group("n")
        if _a_year(text, m.start("n"), n):
            continue  # "In December 2019 a young man ... was killed"
        val = _value(n)
        vague = n.lower() in VAGUE_NUMBERS
        qual = None if vague else QMAP.get((m.group("q") or "").lower(), "exact")
        cat = category_of(lexicon().victim_noun.match(m.group("noun")) or m)
        harm = _harm_near(text, m.start(), m.end())
        before = text[max(0, m.start() - 60) : m.start()]
        sub = _is_subgroup(before)
        add = bool(m.group("more")) or (m.group("q") or "").lower() in (
            "another",
            "an additional",
            "a further",
        )
        out.append(Count(m.start(), m.end(), None if vague else val, qual, cat, harm, sub, add))
        taken.append(m.span())
        if harm != "killed" and WHOM_KILLED.match(text[m.end() : m.end() + 60]):
            out.append(Count(m.start(), m.end(), None if vague else val, qual, cat, "killed", sub, add))
    for m in rx.bare.finditer(text) if numbers else ():
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        n = m.group("n1") or m.group("n2")
        if _a_year(text, m.start("n1") if m.group("n1") else m.start("n2"), n):
            continue
        h = m.group("hv1") or m.group("hv2")
        hm = lexicon().harm_any.match(h)
        harm = harm_of(hm) if hm else "killed"
        if h.lower() in ("killings", "deaths", "dead", "died", "fatalities"):
            harm = "killed"
        qual = QMAP.get((m.group("q1") or m.group("q2") or "").lower(), "exact")
        before = text[max(0, m.start() - 60) : m.start()]
        out.append(
            Count(
                m.start(),
                m.end(),
                _value(n),
                qual,
                "persons",
                harm,
                _is_subgroup(before),
                bool(re.search(r"\bmore\b", m.group())),
            )
        )
        taken.append(m.span())
    for m in rx.single.finditer(text):
        s = m.start("noun") - 3
        if any(ts <= s < te or ts < m.end() <= te for ts, te in taken):
            continue
        hm = lexicon().harm_any.match(m.group("hs"))
        before = text[max(0, m.start() - 60) : m.start()]
        cat = category_of(lexicon().victim_noun.match(m.group("noun")) or m)
        out.append(
            Count(m.start(), m.end(), 1, "exact", cat, harm_of(hm) if hm else None, _is_subgroup(before))
        )
        taken.append(m.span())
    out.sort(key=lambda c: c.start)
    # "four men and a child": a singular noun joined to a counted one is counted too
    for m in re.finditer(r"\band (?:an?|one) (?P<noun>" + lexicon().victim_noun.pattern + ")", text, re.I):
        if any(ts <= m.start() < te for ts, te in taken):
            continue
        prev = [c for c in out if c.end <= m.start() and m.start() - c.end <= 3]
        if prev and prev[-1].count is not None:
            cat = category_of(lexicon().victim_noun.match(m.group("noun")) or m)
            out.append(Count(m.start(), m.end(), 1, "exact", cat, prev[-1].harm, prev[-1].subgroup))
    out.sort(key=lambda c: c.start)
    # a count with no harm of its own continues the list it stands in ("nine men ..., four men in Gaina")
    for i, c in enumerate(out):
        if c.harm is None and i and out[i - 1].harm and c.start - out[i - 1].end < 40:
            c.harm = out[i - 1].harm
    return out


def _is_subgroup(before: str) -> bool:
    seg = re.split(r"[;:.]|\bkilling\b|\bkilled\b|\bwere\b", before)[-1]
    return bool(re.search(r"\b(?:including|among them|of whom|of which)\b", seg, re.I))


def singular_death(text: str) -> bool:
    """ "X was killed", "He died": one person killed without a number."""
    return bool(
        re.search(
            r"(?<!who )\b(?:was (?:also )?(?:shot and )?(?:killed|shot dead|executed|murdered|assassinated|found dead)|(?:he|she) died|(?<!who )died (?:while|after|from|of))\b",  # noqa: E501
            text,
            re.I,
        )
    )


def killed_total(counts: list[Count]) -> tuple[int | None, str | None]:
    """Total killed in one sentence: a stated total beats its breakdown ("18 people: 14 children
    and 4 women"); otherwise the parts add up ("nine men and two boys ..., four men")."""
    ks = [c for c in counts if c.harm == "killed" and not c.subgroup and c.count is not None]
    if not ks:
        return None, None
    vals = [c.count for c in ks if c.count is not None]
    big = max(vals)
    rest = sum(vals) - big
    if len(ks) >= 3 and rest == big and ks[0].count == big:
        return big, ks[0].qualifier
    total = sum(vals)
    quals = [c.qualifier for c in ks]
    q = ks[0].qualifier
    if "at_least" in quals and q == "exact":
        q = "at_least"
    return total, q


def victims_of(counts: list[Count]) -> list[Victim]:
    out = []
    for c in counts:
        if c.subgroup or c.harm is None:
            continue
        out.append(Victim(category=c.category, count=c.count, qualifier=c.qualifier, harm=c.harm))
    return out
