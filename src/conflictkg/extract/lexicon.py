"""The genre lexicons, read once per process from the data files beside this module.

Trigger words, generic actor patterns, victim nouns, harm words, attribution cues, place
cues and the country table are data (STYLE: lexicons are files, not code); this module
only parses them into compiled regular expressions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a dozen": 12,
}
VAGUE_NUMBERS = ("dozens", "scores", "hundreds", "thousands", "several", "numerous", "many")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


@dataclass(slots=True)
class Country:
    iso: str
    name: str
    aliases: list[str]
    demonyms: list[str]
    capital: str


@dataclass(slots=True)
class Lexicon:
    triggers: list[tuple[str, re.Pattern]]
    nontriggers: re.Pattern
    trigger_any: re.Pattern
    generic_actors: list[tuple[str, str, str]]  # role, kind, regex source (with {DEM})
    country_roles: dict[tuple[str, str], str]
    roles: list[tuple[str, str, re.Pattern]]
    victims: list[tuple[str, str]]  # category, regex source
    victim_noun: re.Pattern
    harms: list[tuple[str, re.Pattern]]
    harm_any: re.Pattern
    attribution: list[tuple[str, re.Pattern]]
    place_cues: list[tuple[str, str, re.Pattern, tuple[str, ...]]]
    place_stop: frozenset[str]
    countries: dict[str, Country]
    country_by_name: dict[str, str] = field(default_factory=dict)
    trigger_stems: tuple[str, ...] = ()
    trigger_needs: list[tuple[str, ...]] = field(default_factory=list)
    relation_stems: tuple[str, ...] = ()
    nontrigger_needs: tuple[str, ...] = ()

    def maybe_trigger(self, text: str) -> bool:
        """Cheap: could `text` hold a trigger? (substring test on lower case; a superset)."""
        low = text.lower()
        return any(s in low for s in self.trigger_stems)

    def nontrigger_quick(self, text: str) -> bool:
        """Cheap: could `text` hold a not-trigger phrase? (`nontriggers.tsv`'s words)"""
        low = text.lower()
        return any(w in low for w in self.nontrigger_needs)

    def maybe_relation(self, text: str) -> bool:
        low = text.lower()
        return any(s in low for s in self.relation_stems)


PLACE_NAME = r"(?:[A-Z][\w'’\-]*[a-zà-ÿ][\w'’\-]*|N[’'][A-Z][\w\-]+)(?:[ \-](?:[A-Z][\w'’\-]+|(?:du|de|el|al)\b(?= [A-Z])))*(?<!’s)(?<!'s)"  # noqa: E501


@cache
def lexicon() -> Lexicon:
    trigger_rows = _rows("triggers.tsv")
    triggers = [(r[0], re.compile(r[1], re.I)) for r in trigger_rows]
    trigger_needs = [tuple(w for w in (r[2] if len(r) > 2 else "").split(",") if w) for r in trigger_rows]
    nontrigger_rows = _rows("nontriggers.tsv")
    nontriggers = re.compile("|".join(r[0] for r in nontrigger_rows), re.I)
    nontrigger_needs = tuple(dict.fromkeys(w for r in nontrigger_rows for w in r[1].split(",") if w))
    trigger_any = re.compile("|".join(f"(?P<t{i}>{p.pattern})" for i, (_, p) in enumerate(triggers)), re.I)
    generic = [(r[0], r[1], r[2]) for r in _rows("generic_actors.tsv")]
    croles = {(r[0], r[1]): r[2] for r in _rows("country_roles.tsv")}
    roles = [(r[0], r[1], re.compile(r[2], re.I)) for r in _rows("roles.tsv")]
    victims = [(r[0], r[1]) for r in _rows("victims.tsv")]
    victim_noun = re.compile(
        r"\b(?:" + "|".join(f"(?P<v{i}>{v[1]})" for i, v in enumerate(victims)) + r")\b", re.I
    )
    harms = [(r[0], re.compile(r"\b(?:" + r[1] + r")\b", re.I)) for r in _rows("harms.tsv")]
    harm_any = re.compile(
        r"\b(?:" + "|".join(f"(?P<h{i}>{r[1]})" for i, r in enumerate(_rows("harms.tsv"))) + r")\b", re.I
    )
    attribution = [(r[0], re.compile(r[1], re.I)) for r in _rows("attribution.tsv")]
    cues = [
        (
            r[0],
            r[1],
            re.compile(r[2].replace("{NAME}", PLACE_NAME)),
            tuple(w for w in (r[3] if len(r) > 3 else "").split(",") if w),
        )
        for r in _rows("places.tsv")
    ]
    stop = frozenset(
        line.strip()
        for line in (DATA / "place_stopwords.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    countries = {}
    by_name = {}
    for r in _rows("countries.tsv"):
        r = (r + ["", "", "", ""])[:5]
        c = Country(r[0], r[1], [a for a in r[2].split("|") if a], [d for d in r[3].split("|") if d], r[4])
        countries[c.iso] = c
        for n in (c.name, *c.aliases):
            by_name[n.lower()] = c.iso
    stems = tuple(r[0] for r in _rows("trigger_stems.txt"))
    rstems = tuple(r[0] for r in _rows("relation_stems.txt"))
    return Lexicon(
        triggers,
        nontriggers,
        trigger_any,
        generic,
        croles,
        roles,
        victims,
        victim_noun,
        harms,
        harm_any,
        attribution,
        cues,
        stop,
        countries,
        by_name,
        trigger_stems=stems,
        relation_stems=rstems,
        trigger_needs=trigger_needs,
        nontrigger_needs=nontrigger_needs,
    )


def harm_of(match: re.Match) -> str:
    """The harm name of a `harm_any` match (the named group that matched)."""
    rows = _rows("harms.tsv")
    for name, value in match.groupdict().items():
        if value is not None:
            return rows[int(name[1:])][0]
    return "killed"


def category_of(match: re.Match) -> str:
    lex = lexicon()
    for name, value in match.groupdict().items():
        if value is not None:
            return lex.victims[int(name[1:])][0]
    return "persons"
