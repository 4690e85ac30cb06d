"""Acronyms a report defines for itself: "the Department of State Services (DSS)".

A report introduces most of its actors once by full name with an acronym and then uses the
acronym alone ("re-detained by the DSS"). Without the definition an unknown acronym can only
default to an armed group; with it, the head noun of the full name says what the acronym is
(data/acronym_kinds.tsv): a state force ("... Services", "... Squad"), a pro-government
militia ("Civilian Joint Task Force"), a movement of civilians ("Islamic Movement of
Nigeria"), a reporting body, or no actor at all (a law: "... Act (ACJA)"). A full name the
registry or the generic patterns already know gives its key to the acronym ("Nigerian Army
(NA)" is the report country's army).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from conflictkg.extract.bodies import OPPOSITION_KIND, Bodies, find_bodies
from conflictkg.extract.lexicon import DATA
from conflictkg.facts import ActorRecord
from conflictkg.registry import Registry, name_key, norm

NOT_ACTOR = "-"
# "(DSS)", "(ISIS-WA)", "(FAMa)": at least two capitals, nothing else inside the brackets
DEFINITION = re.compile(r" \((?P<acr>[A-Z1-9][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*)\)")
NAME_WORD = re.compile(r"[A-Z][\w’'\-]*|[a-zé]+")
CONNECTORS = frozenset(
    {"of", "for", "and", "the", "de", "du", "des", "la", "le", "pour", "in", "on", "against", "to"}
)
LEAD_WORDS = re.compile(
    r"January|February|March|April|May|June|July|August|September|October|November|December|In|On|During|"
    r"Since|After|Before|According|While|When|Although|Both|Former|The|A|An|Its|Their|His|Her"
)
# what the text right after "(ACR)" says the named body is: "(MPC) armed group", "(ADF), an
# Islamist rebel group"; it overrides a head noun that names no armed actor ("Movement")
DESCRIBED = re.compile(
    r"(?:\s+|,\s+(?:an?|the)\s+(?:[\w\-]+\s+){0,3}?)"
    r"(?:(?P<islamist>(?:jihadist|Islamist|Islamic State)[\w\- ]{0,20}?)|"
    r"(?:armed|rebel|insurgent|separatist|militant)\s+)?"
    r"(?:armed groups?|rebel groups?|rebel movement|militias?|insurgent groups?|armed movement|rebels|"
    r"fighters)\b"
)
# "the ruling Sudan People's Liberation Movement (SPLM) party", "(SPLM) political party", "(ANC), the
# ruling party": a party, whatever its name's head noun ("Liberation") would say
PARTY = re.compile(
    r"(?:\s+|,\s+(?:an?|the)\s+(?:[\w\-]+\s+){0,3}?)(?:political |ruling |opposition )?part(?:y|ies)\b"
)
RULING = re.compile(r"\b(?:the )?ruling (?:party )?$")
ARMED = frozenset({"StateForce", "ForeignForce", "IslamistArmedGroup", "RebelGroup", "ProGovernmentMilitia"})
FORCE_TAIL = re.compile(r"\s+(?:Forces?|Services?)$")


@dataclass(frozen=True, slots=True)
class Definition:
    acronym: str
    full: str  # the full name as the report writes it
    key: str  # the actor key mentions of the acronym (or the full name) resolve to
    kind: str  # ckg:actorKindKey, or NOT_ACTOR


@cache
def _kind_rows() -> tuple[tuple[str, re.Pattern], ...]:
    rows = []
    for line in (DATA / "acronym_kinds.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, rx = line.split("\t")
        rows.append((kind, re.compile(rx, re.I)))
    return tuple(rows)


def kind_of_name(full: str) -> str | None:
    """The actor kind a full name's head noun says (None: the lexicon cannot tell)."""
    for kind, rx in _kind_rows():
        if rx.search(full):
            return kind
    return None


def _full_name(text: str, end: int, acr: str) -> str | None:
    """The run of capitalised words (with "of", "and"... inside) just before `end`."""
    words = text[max(0, end - 160) : end].split(" ")
    # "3R" is three words with an R: "Return, Reclamation, Rehabilitation (3R)"
    letters = re.sub(r"^([2-9])([A-Z])", lambda m: m.group(2) * int(m.group(1)), acr.upper())
    letters = re.sub(r"[^A-Z]", "", letters)
    taken: list[str] = []
    for w in reversed(words):
        bare = w.strip(",;:")
        listed = w.endswith(",") and bare[:1].isupper() and 0 < len(taken) < len(letters)
        if bare != w and taken and not listed:
            break  # a comma ends the name: "a Shia political organization, the Islamic Movement..."
        if not bare or not NAME_WORD.fullmatch(bare):
            break
        if bare[0].islower() and bare not in CONNECTORS:
            break
        taken.append(bare)
    while taken and taken[-1] in CONNECTORS:  # the name starts with a capital
        taken.pop()
    taken.reverse()
    # the name is the run whose initials spell the acronym ("in January Afghan National Police
    # (ANP)": not "January ...")
    # "Boko Haram and the Islamic State in West Africa (ISIS-WA)": a new name after "and the"
    cuts = [
        k for k in range(1, len(taken)) if taken[k] == "the" and taken[k - 1] in ("and", "to", "in", "on")
    ]
    if cuts:
        taken = taken[cuts[-1] + 1 :]
    while taken and LEAD_WORDS.fullmatch(taken[0]):
        taken = taken[1:]
    if not taken:
        return None
    starts = [i for i, w in enumerate(taken) if w[0].isupper() and w[0] == acr[0].upper()]
    exact = [i for i in starts if "".join(w[0] for w in taken[i:] if w[0].isupper()) == letters]
    # else the whole run: a translated name ("Armed Forces of the Democratic Republic of the
    # Congo (FARDC)", "Congolese National Police (PNC)")
    taken = taken[(exact or [0])[0] :]
    if len(taken) < 2 and len(taken[0]) <= len(acr):
        return None
    return " ".join(taken)


def _lower_name(text: str, end: int, acr: str) -> str | None:
    """A name written in lower case whose initials spell the acronym: "the state security
    forces (SSF)", "illegal armed groups (IAGs)"."""
    letters = re.sub(r"s$", "", acr)
    if not letters.isupper() or not 2 <= len(letters) <= 5:
        return None
    words = text[max(0, end - 80) : end].split()[-len(letters) :]
    if len(words) != len(letters) or not all(w.isalpha() and w.islower() for w in words):
        return None
    if "".join(w[0] for w in words) != letters.lower():
        return None
    return " ".join(words)


class Definitions(dict):
    """Definitions by acronym, by actor key and by full name, with one pattern (`rx`) that
    finds the acronyms and full names in a sentence (None: the report defines none)."""

    rx: re.Pattern | None = None
    quick: tuple[str, ...] = ()


def find_definitions(text: str, country: str | None, registry: Registry | None,
                     bodies: Bodies | None = None) -> Definitions:
    """Every acronym the report defines, keyed by the acronym and by the full name's key
    (`bodies`: the report's opposition bodies, when the caller has read them already)."""
    from conflictkg.extract.actors import DOMESTIC_KINDS, _demonym_iso

    out = Definitions()
    if "(" not in text:
        return out
    if bodies is None:
        bodies = find_bodies(text)
    for m in DEFINITION.finditer(text):
        acr = m.group("acr")
        if acr in out:
            continue
        if registry is not None and (acr in registry.actors or _known_alias(acr, registry)):
            continue  # the registry's own actors keep their registry kind
        full = _full_name(text, m.start(), acr) or _lower_name(text, m.start(), acr)
        if full is None:
            continue
        if kind_of_name(full) == NOT_ACTOR:
            d = Definition(acr, full, name_key(acr), NOT_ACTOR)
            out[acr] = d
            out.setdefault(full, d)
            continue
        body = bodies.key_of(full)
        known = (body, OPPOSITION_KIND) if body is not None else _resolve(full, country, registry)
        if body is None and known is not None and registry is not None and known[0] in registry.actors:
            rec = registry.actors[known[0]]
            if rec.country and country and rec.country != country and rec.kind in DOMESTIC_KINDS:
                known = None  # another country's institution by a generic name ("National Police")
        if known is None:
            known = _generic_force(full, country)
        kind: str | None
        if known is not None:
            key, kind = known
        else:
            kind = kind_of_name(full)
            said = DESCRIBED.match(text, m.end())
            start = m.start() - len(full)
            if PARTY.match(text, m.end()) or RULING.search(text, max(0, start - 16), max(0, start)):
                kind = "Civilian"
            elif said is not None and kind not in ARMED:
                # "the Patriotic Movement for the Central African Republic (MPC) armed group"
                kind = "IslamistArmedGroup" if said.group("islamist") else "RebelGroup"
            if kind is None:
                continue
            key = name_key(acr)
            first = full.split()[0]
            iso = _demonym_iso(first)
            if kind == "StateForce" and iso is not None and country is not None and iso != country:
                kind = "ForeignForce"
        d = Definition(acr, full, key, kind)
        out[acr] = d
        out.setdefault(key, d)
        out.setdefault(name_key(full), d)
        out.setdefault(full, d)
    out.rx = definitions_rx(tuple(sorted({n for d in out.values() for n in (d.acronym, d.full)})))
    # a sentence holds a defined name only if it holds an acronym or a full name's first word
    out.quick = tuple(sorted({n for d in out.values() for n in (d.acronym, d.full.split()[0])}))
    return out


@cache
def definitions_rx(names: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for a report's defined acronyms and full names (longest first, case-sensitive)."""
    if not names:
        return None
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-])(?=[A-Z])(?:{alts})(?![\w\-])")


def _generic_force(full: str, country: str | None) -> tuple[str, str] | None:
    """The report country's generic force a full name spells out: "Afghan National Police"
    is the country's police, "National Intelligence Agency" its intelligence service. Generic
    patterns only: the registry's "police" is one country's police."""
    from conflictkg.extract.actors import _demonym_iso

    hit = _resolve(full, country, None)
    if hit is not None:
        return hit
    rest = full
    dem = re.match(r"(\w+) (.+)$", full)
    if dem and _demonym_iso(dem.group(1)) is not None:
        if _demonym_iso(dem.group(1)) != country:
            return None
        rest = dem.group(2)
    rest = re.sub(r"^(?:National|Federal|Republican|State|Central)\s+", "", rest, flags=re.I)
    for cand in (rest, FORCE_TAIL.sub("", rest)):
        if cand and cand != full:
            hit = _resolve(cand, country, None)
            if hit is not None:
                return hit
    return None


@lru_cache(maxsize=4096)
def _resolve(phrase: str, country: str | None, registry: Registry | None) -> tuple[str, str] | None:
    """`actors.resolve_phrase`, remembered: a report series repeats its definitions every year."""
    from conflictkg.extract.actors import resolve_phrase

    return resolve_phrase(phrase, country, registry)


def _known_alias(acr: str, registry: Registry) -> bool:
    from conflictkg.extract.actors import actor_index

    return norm(acr) in actor_index(registry).alias_key


def defined_record(
    key: str, defs: dict, country: str | None, registry: Registry | None
) -> ActorRecord | None:
    """The actor record of a defined acronym: its full name as label, the acronym as alias."""
    d = defs.get(key)
    if d is None or d.key != key or d.kind == NOT_ACTOR or (registry is not None and key in registry.actors):
        return None
    if "_" in key and key.split("_", 1)[0] == (country or ""):
        return None  # the country's generic force ("NG_ARMY"): record_for names it
    from conflictkg.extract.actors import STATE_KINDS

    home = country if d.kind in STATE_KINDS else None
    return ActorRecord(key=key, label=d.full, kind=d.kind, country=home, aliases=[d.acronym])
