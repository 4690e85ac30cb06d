"""Places: the gazetteer's names and the text's own cues for places it has never seen
("the village of X", "X, Mopti region", "near Kidal", "Circle of Niono").

`location` is the most specific place named (a village or town before a district, a
district before a region); a region alone gives only `admin1`; a country gives neither.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from conflictkg.extract.lexicon import MONTHS, lexicon
from conflictkg.registry import Registry, norm

EVENT_NAME_AFTER = re.compile(
    r"^\s+(?:massacre|attack|attacks|killings|case|trial|accords?|agreement|peace|process|declaration|prison|airport|[Rr]iver)\b"
)
ORIGIN_BEFORE = re.compile(r"\b(?:from|native of|citizen of|national of)\s+(?:the\s+)?$")
REGION_SUFFIX = re.compile(r"\s+(?:Regions?|Province|Governorate|State)$")
RANK = {"1": 1, "2": 2, "region": 9}
ROUTE = re.compile(r"\b(?:from|between) (?:the )?\S+(?: \S+)? (?:to|and)\s*$")
NOT_PLACE_WORDS = re.compile(
    r"\b(?:Ministry|Minister|Court|Office|Directorate|Commission|Division|Movement|Front|Group|Forces?|Army|"
    r"Party|Police|Prison|University|Hospital|Mission|Council|Committee|Agency|Association|Federation|"
    r"Union|Report|Coalition|Alliance|Brigade|Battalion|Regiment|Guard|Gendarmerie|Directorate|Service|"
    r"Day|Law|Code|Constitution|Accord|Agreement|Act|Organization|Organisation|Institute|Foundation|"
    r"Company|Corporation|Network|Platform|Rally|House|Church|Mosque|Network|Watch|International|"
    r"Program|Programme|Fund|Bank|Center|Centre|Initiative|Operation|School|Hotel|Restaurant|Stadium|Airport|"
    r"Base|Barracks|Headquarters|Christianity|Islam|Judaism|Catholicism|Hinduism|Buddhism|Radio|Television|TV|"
    r"Embassy|Compound|Stadium|Palace|Parliament|Assembly)\b"
)


@dataclass(slots=True)
class PlaceMention:
    name: str
    start: int
    rank: int  # 1 locality, 2 district or bare, 9 region
    admin1: str | None = None
    country: str | None = None
    explicit: bool = False  # the text calls it a village/town or places it in a region


@dataclass(slots=True)
class PlaceFinding:
    location: str | None
    admin1: str | None
    mentions: list[PlaceMention]
    same_place: bool = False  # "the same village": the place of the incident told before


def _clean(name: str) -> str:
    name = re.sub(r"[’']s?$", "", name.strip(" ,.;:-"))
    return re.sub(r"^(?:the|The) ", "", name)


def _bad(name: str, actor_spans, start: int, lex) -> bool:
    first = name.split()[0] if name.split() else name
    if not name or first in lex.place_stop or name in lex.place_stop:
        return True
    if first in MONTHS or name in MONTHS:
        return True
    if NOT_PLACE_WORDS.search(name):
        return True
    if name.lower() in lex.country_by_name:
        return True
    if any(d == name or name.startswith(d + " ") for c in lex.countries.values() for d in c.demonyms):
        return True
    end = start + len(name)
    return any(s < end and start < e for s, e in actor_spans)


@cache
def _first_words(registry: Registry) -> frozenset[str]:
    """The first word of every gazetteer name: most capitalised words are not places."""
    return frozenset(name.split()[0] for name in registry._place_index() if name.split())


def find_places(
    text: str, registry: Registry | None, country: str | None, actor_spans: Sequence[tuple[int, int]] = ()
) -> PlaceFinding:
    lex = lexicon()
    mentions: list[PlaceMention] = []
    regions_named: list[tuple[int, str]] = []
    capital = lex.countries[country].capital if country and country in lex.countries else None
    low = text.lower()
    for rank, _kind, rx, needs in lex.place_cues:
        if needs and not any(w in low for w in needs):
            continue
        for m in rx.finditer(text):
            name = _clean(m.group("name"))
            start = m.start("name")
            if rank != "region" and ROUTE.search(text[max(0, start - 40) : start]):
                continue
            if _bad(name, actor_spans, start, lex) or EVENT_NAME_AFTER.match(text[start + len(name) :]):
                continue
            if REGION_SUFFIX.search(name):
                regions_named.append((start, REGION_SUFFIX.sub("", name)))
                continue
            if rank == "region":
                regions_named.append((start, name))
                continue
            r = RANK[rank]
            admin1 = None
            tail = text[m.end() : m.end() + 60]
            mreg = re.match(
                r"^(?:\s*\([^)]*\))?,? (?:in )?(?:the )?(?:\w+ )?(?P<r>[A-Z][\w’'\-é]+) [Rr]egion\b", tail
            )
            if mreg:
                admin1 = mreg.group("r")
            mentions.append(PlaceMention(name, start, r, admin1, explicit=(rank == "1")))
    # gazetteer names anywhere in the sentence
    if registry is not None:
        for m in re.finditer(r"\b[A-Z][\w’'\-]+(?:[ \-][A-Z][\w’'\-]+)*", text):
            cand = _clean(m.group())
            words = cand.split()
            firsts = _first_words(registry)
            for i in range(len(words)):
                if norm(words[i]) not in firsts:
                    continue
                for j in range(len(words), i, -1):
                    sub = " ".join(words[i:j])
                    hits = registry.places_named(sub, country) if country else registry.places_named(sub)
                    hits = [h for h in hits if h.kind not in ("Country", "NaturalFeature")]
                    if not hits:
                        continue
                    start = m.start() + len(" ".join(words[:i])) + (1 if i else 0)
                    if any(s <= start < e for s, e in actor_spans) and sub != capital:
                        continue
                    if EVENT_NAME_AFTER.match(text[start + len(sub) :]) or ORIGIN_BEFORE.search(
                        text[max(0, start - 30) : start]
                    ):
                        break
                    h = hits[0]
                    if h.kind == "Region" and sub != capital:
                        regions_named.append((start, h.name))
                    else:
                        reg = registry.region_of(h)
                        mentions.append(
                            PlaceMention(
                                sub,
                                start,
                                1 if h.kind == "Locality" else 2,
                                reg.name if reg else None,
                                h.country,
                            )
                        )
                    break
    # a region name alone is admin1 only, unless it is the capital or the text says "near X"
    keep = []
    region_names = {norm(n) for _, n in regions_named}
    for pm in mentions:
        if pm.explicit:
            keep.append(pm)
            continue
        if norm(pm.name) in region_names and pm.name != capital:
            near = re.search(
                r"\b(?:near|outside|city of|town of) (?:the )?$", text[max(0, pm.start - 12) : pm.start]
            )
            if not near:
                continue
        if registry is not None and pm.name != capital:
            hits = registry.places_named(pm.name, country) if country else registry.places_named(pm.name)
            if hits and all(h.kind == "Region" for h in hits):
                near = re.search(
                    r"\b(?:near|outside|city of|town of) (?:the )?$", text[max(0, pm.start - 12) : pm.start]
                )
                if not near:
                    regions_named.append((pm.start, hits[0].name))
                    continue
        keep.append(pm)
    keep.sort(key=lambda p: (p.rank, p.start))
    location = keep[0].name if keep else None
    admin1 = None
    if keep and keep[0].admin1:
        admin1 = keep[0].admin1
    elif regions_named:
        admin1 = sorted(regions_named)[0][1]
    if location and admin1 is None and registry is not None:
        hits = registry.places_named(location, country) if country else registry.places_named(location)
        for h in hits:
            reg = registry.region_of(h)
            if reg is not None:
                admin1 = reg.name
                break
    if location == capital and admin1 is None:
        admin1 = capital
    same = re.search(r"\bthe same (?:village|town|city|place|area|locality|camp)\b", text) is not None
    return PlaceFinding(location, admin1, keep, same)
