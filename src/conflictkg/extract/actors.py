"""Actors in a sentence: registry aliases (spaCy PhraseMatcher), generic patterns for
actors the registry has never seen ("unidentified gunmen", "an ethnic militia", "X
self-defense group", "security forces"), and each mention's role in the sentence
(agent after "by", partner after "accompanied by", target of "attacked", or none:
"searching for X", "according to X").

Generic actors are keyed by the report's country: in a Mali report "security forces"
is the registry's MDSF; in a Nigeria report it is NG_SECURITY_FORCES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.matcher import PhraseMatcher

from conflictkg.extract.bodies import OPPOSITION_KIND
from conflictkg.extract.groups import Groups
from conflictkg.extract.lexicon import lexicon
from conflictkg.extract.sentences import pipeline
from conflictkg.facts import ActorRecord
from conflictkg.registry import Registry, name_key, norm

FORCE_NOUN = r"(?:troops|forces|soldiers|fighters|army|military|militiamen|personnel)"
COORD = re.compile(
    r"\b(?P<a>[“\"]?[A-Z][\w\-]*[”\"]?) and (?P<b>[“\"]?\w[\w\-]*[”\"]?(?: foreign| allied)?) (?P<n>"
    + FORCE_NOUN
    + r")\b"
)
ROLE_LABEL = {
    "ARMY": "armed forces",
    "SECURITY_FORCES": "security forces",
    "POLICE": "police",
    "GENDARMERIE": "gendarmerie",
    "INTELLIGENCE": "intelligence services",
    "GOVERNMENT": "government",
    "COURT": "judiciary",
    "PRISON": "prison authorities",
    "ARMED_FORCES": "armed forces",
}
GENERIC_KEYS = frozenset({"UNIDENTIFIED", "ISLAMIST_UNSPECIFIED", "ARMED_GROUP", "ETHNIC_MILITIA", "BANDITS"})
STATE_KINDS = frozenset(
    {"StateForce", "Government", "ForeignForce", "ProGovernmentMilitia", "Judiciary", "State"}
)
ARMED_KINDS = frozenset(
    {
        "StateForce",
        "ForeignForce",
        "Peacekeepers",
        "IslamistArmedGroup",
        "RebelGroup",
        "RebelCoalition",
        "ProGovernmentMilitia",
        "EthnicMilitia",
        "Unidentified",
    }
)
FORCE_QUICK = re.compile(
    r"\b(?:forces|army|military|soldiers|troops|navy|(?:air|drone) ?strikes?|airstrikes?|warplanes|shelling|"
    r"artillery)\b"
)
IGNORED_KINDS = frozenset({"Person"})
DOMESTIC_KINDS = frozenset({"StateForce", "Government", "Judiciary"})
FORCE_TARGET_KINDS = frozenset({"StateForce", "ForeignForce", "Peacekeepers"})


@dataclass(slots=True)
class ActorMention:
    key: str
    kind: str
    start: int  # in sentence
    end: int
    text: str
    role: str = "subject"  # subject, agent, partner, target, none, source
    registry: bool = False
    coord: bool = False


@dataclass(slots=True)
class ActorIndex:
    """Registry aliases as spaCy PhraseMatchers, built once per process and registry."""

    registry: Registry
    exact: PhraseMatcher
    folded: PhraseMatcher
    alias_key: dict[str, str]

    def matches(self, doc) -> list[tuple[int, int, str]]:
        """(start_char, end_char, key) of every alias in a spaCy Doc."""
        out = []
        for matcher in (self.exact, self.folded):
            for match_id, s, e in matcher(doc):
                span = doc[s:e]
                out.append((span.start_char, span.end_char, doc.vocab.strings[match_id]))
        return out


def _variants(alias: str) -> set[str]:
    out = {alias}
    out.add(alias.replace('"', "“", 1).replace('"', "”", 1))
    out.add(alias.replace("'", "’"))
    out.add(alias.replace("’", "'"))
    return {v for v in out if v.strip()}


@cache
def actor_index(registry: Registry) -> ActorIndex:
    nlp = pipeline()
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    folded = PhraseMatcher(nlp.vocab, attr="LOWER")
    alias_key: dict[str, str] = {}
    for rec in registry.actors.values():
        for name in {rec.key, rec.label, *rec.aliases}:
            if not name or (name == rec.key and "_" in name):
                continue
            for v in _variants(name):
                alias_key.setdefault(norm(v), rec.key)
                doc = nlp.make_doc(v)
                # acronyms and one-word names match case-sensitively ("UN", "Platform", "Dozo")
                if len(doc) == 1 or any(t.is_upper and len(t) > 1 for t in doc):
                    exact.add(rec.key, [doc])
                else:
                    folded.add(rec.key, [doc])
    return ActorIndex(registry, exact, folded, alias_key)


@dataclass(slots=True)
class _Generic:
    role: str
    kind: str
    rx: re.Pattern


@cache
def generic_patterns(country: str | None) -> tuple[list[_Generic], re.Pattern | None]:
    lex = lexicon()
    dems = lex.countries[country].demonyms if country and country in lex.countries else []
    dem = "(?:" + "|".join(re.escape(d) for d in dems) + ")" if dems else None
    out = []
    for role, kind, src in lex.generic_actors:
        if "{DEM}" in src:
            if dem is None:
                continue
            src = src.replace("{DEM}", dem)
        out.append(_Generic(role, kind, re.compile(src, re.I)))
    foreign: list[str] = []
    for c in lex.countries.values():
        if c.iso == country:
            continue
        foreign.extend(re.escape(d) for d in c.demonyms)
    frx = None
    if foreign:
        frx = re.compile(
            r"\b(?P<d>"
            + "|".join(sorted(foreign, key=len, reverse=True))
            + r") (?:armed forces|army|military|soldiers|troops|forces|defense forces|navy|air force|security forces|"  # noqa: E501
            r"(?:drone )?air ?strikes?|drone strikes?|warplanes|military aircraft|shelling|artillery (?:fire|shelling|strikes?))\b"  # noqa: E501
        )
    return out, frx


@cache
def generic_combined(country: str | None) -> re.Pattern:
    """All generic patterns in one alternation (group gN = pattern N), for one scan a sentence."""
    gens, _ = generic_patterns(country)
    return re.compile("|".join(f"(?P<g{i}>{g.rx.pattern})" for i, g in enumerate(gens)), re.I)


def role_key(role: str, country: str | None) -> str:
    lex = lexicon()
    if role.startswith("*"):
        role = role[1:]
        return lex.country_roles.get(("*", role), role)
    if country and (country, role) in lex.country_roles:
        return lex.country_roles[(country, role)]
    return f"{country}_{role}" if country else role


def record_for(
    key: str, kind: str, country: str | None, registry: Registry | None, text: str | None = None
) -> ActorRecord | None:
    """An ActorRecord for a key the registry does not hold: a country's generic force
    ("NG_SECURITY_FORCES": "Nigeria security forces") or a named actor as the text writes it."""
    if registry is not None and key in registry.actors:
        return None
    lex = lexicon()
    iso, _, role = key.partition("_")
    if iso in lex.countries and role in ROLE_LABEL:
        label = f"{lex.countries[iso].name} {ROLE_LABEL[role]}"
        return ActorRecord(key=key, label=label, kind=kind, country=iso)
    label = re.sub(r"^(?:the|an?)\s+", "", (text or "").strip(), flags=re.I)
    label = re.sub(
        r"\s+(?:fighters|militants|members|personnel|soldiers|troops|elements|militiamen|gunmen|armed men|"
        r"operatives|cadres|convoys?|officers|agents|warplanes|aircraft|drones|forces|armed groups?|rebel groups?|armed movement)$",  # noqa: E501
        "",
        label,
        flags=re.I,
    )
    if not label or label.lower() == label:
        label = key.replace("_", " ").lower().capitalize()
    home = country if kind in STATE_KINDS else None
    return ActorRecord(key=key, label=label, kind=kind, country=home, aliases=[text] if text else [])


def resolve_phrase(phrase: str, country: str | None, registry: Registry | None) -> tuple[str, str] | None:
    """The actor a short phrase names (registry alias, then generic patterns)."""
    if registry is not None:
        key = actor_index(registry).alias_key.get(norm(phrase.replace("“", '"').replace("”", '"')))
        if key is None:
            key = actor_index(registry).alias_key.get(norm(phrase))
        if key is not None:
            return key, registry.actors[key].kind
    generic, frx = generic_patterns(country)
    for g in generic:
        if g.rx.fullmatch(phrase):
            return role_key(g.role, country), g.kind
    if frx is not None:
        m = frx.fullmatch(phrase)
        if m:
            iso = _demonym_iso(m.group("d"))
            if iso:
                return f"{iso}_ARMED_FORCES", "ForeignForce"
    return None


@cache
def _demonym_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in lexicon().countries.values():
        for d in c.demonyms:
            out.setdefault(d.lower(), c.iso)
    return out


def _demonym_iso(dem: str) -> str | None:
    return _demonym_map().get(dem.lower())


def find_actors(
    text: str,
    offset: int,
    alias_hits: list[tuple[int, int, str]],
    country: str | None,
    registry: Registry | None,
    defs: dict | None = None,
    antecedent: tuple[str, str] | None = None,
    groups: Groups | None = None,
) -> list[ActorMention]:
    """Every actor mention in one sentence, longest first, with its role. `defs` are the
    acronyms the report defines (`acronyms.find_definitions`): they say what an acronym is.
    `antecedent` (key, kind) is the armed group named last before: "the group" is that group.
    `groups` are the groups the report names by a plural and its adjective (`groups.find_groups`):
    "the Houthis", "Houthi armed men" and "Houthi forces" are one group."""
    cands: list[ActorMention] = []
    # coordinated force nouns: "Government and French troops", "Malian and “white” foreign soldiers"
    for m in COORD.finditer(text):
        noun = m.group("n")
        a = resolve_phrase(f"{m.group('a')} {noun}", country, registry)
        b_word = m.group("b").replace(" foreign", "").replace(" allied", "")
        b = None
        for n2 in (noun, "fighters", "forces", "soldiers"):
            b = resolve_phrase(f"{b_word} {n2}", country, registry)
            if b:
                break
        if a and b:
            cands.append(
                ActorMention(
                    a[0],
                    a[1],
                    m.start("a"),
                    m.end("a"),
                    m.group("a"),
                    registry=_in_reg(a[0], registry),
                    coord=True,
                )
            )
            cands.append(
                ActorMention(
                    b[0],
                    b[1],
                    m.start("b"),
                    m.end(),
                    text[m.start("b") : m.end()],
                    registry=_in_reg(b[0], registry),
                    coord=True,
                )
            )
    for s, e, key in alias_hits:
        s, e = s - offset, e - offset
        if s < 0 or e > len(text):
            continue
        rec = registry.actors.get(key) if registry is not None else None
        if rec is None:
            continue
        if rec.kind in IGNORED_KINDS:
            continue  # named people are victims, sources or commanders, not the coded actor
        if (
            rec.country
            and country
            and rec.country != country
            and rec.kind in DOMESTIC_KINDS
            and not _names_country(text[s:e], rec.country)
        ):
            continue  # another country's institution by a generic name ("National Police", "security forces")
        if rec.kind == "Government" and country and (rec.country in (None, country)):
            gov = role_key("GOVERNMENT", country)
            if gov != key and (registry is None or gov in registry.actors or "_" in gov):
                key = gov  # a ministry or council acts for the government (the coders' convention)
        cands.append(ActorMention(key, rec.kind, s, e, text[s:e], registry=True))
    generic, frx = generic_patterns(country)
    for g in generic:
        for m in g.rx.finditer(text):
            if (
                g.role == "ARMY"
                and m.group()[0].isupper()
                and IN_NAME.search(text, max(0, m.start() - 30), m.start())
            ):
                continue  # "the Lord's Resistance Army": a name, not the country's army
            key = role_key(g.role, country)
            if g.role.endswith("ETHNIC_MILITIA"):
                sd = re.match(r"(?P<w>[A-Z]\w+) self-defen[cs]e", m.group())
                if sd:
                    key = f"{norm(sd.group('w')).upper()}_SELF_DEFENSE"
                    if registry is not None:
                        hit = resolve_phrase(f"{sd.group('w')} self-defense groups", country, registry)
                        if hit:
                            key = hit[0]
            cands.append(
                ActorMention(key, g.kind, m.start(), m.end(), m.group(), registry=_in_reg(key, registry))
            )
    if frx is not None and FORCE_QUICK.search(text):
        for m in frx.finditer(text):
            iso = _demonym_iso(m.group("d"))
            if iso:
                cands.append(
                    ActorMention(f"{iso}_ARMED_FORCES", "ForeignForce", m.start(), m.end(), m.group())
                )
    # a country named as the actor of a strike: "Turkey launched airstrikes", "an airstrike attributed
    # to Israel", "shelling by Russia's forces": that state's armed forces
    if FORCE_ACT_QUICK.search(text):
        for m in country_act_pattern().finditer(text):
            iso = lexicon().country_by_name.get((m.group("c") or m.group("b")).lower())
            if iso is None:
                continue
            start = m.start() if m.group("c") else m.start("b")
            if iso == country:
                key, kind = role_key("ARMY", country), "StateForce"
            else:
                key, kind = f"{iso}_ARMED_FORCES", "ForeignForce"
            cands.append(
                ActorMention(
                    key, kind, start, m.end(), text[start : m.end()], registry=_in_reg(key, registry)
                )
            )
    # named actors the registry has never seen: "the Taliban attacked", "FARDC personnel", "al-Shabaab claimed"  # noqa: E501
    for m in NAMED_ACTOR.finditer(text):
        name = m.group("name")
        if _not_a_name(name) or re.search(
            r"\b(?:in|at|near|from|of|to|into|outside)\s+(?:the\s+)?$",
            text[max(0, m.start() - 12) : m.start()],
        ):
            continue
        if registry is not None and (
            registry.places_named(name) or name.lower() in lexicon().country_by_name
        ):
            continue
        if TITLE_BEFORE.search(text[max(0, m.start("name") - 30) : m.start("name")]):
            continue  # a person: "First Vice President General Abdul Rashid Dostum"
        noun = (m.group("noun") or "").lower()
        key = name_key(name)
        if not key:
            continue
        if registry is not None and key in registry.actors:
            kind = registry.actors[key].kind
        elif ISLAMIST_NAME.search(name):
            kind = "IslamistArmedGroup"
        elif noun in ("soldiers", "troops", "personnel", "police", "officers", "forces", "agents", "guards"):
            kind = "StateForce"
        else:
            kind = "RebelGroup"
        cands.append(
            ActorMention(
                key,
                kind,
                m.start("name"),
                m.end("name") if not noun else m.end(),
                text[m.start("name") : m.end()] if noun else name,
            )
        )
        # "ISIS-K and the Taliban attacked": the first of two named groups
        co = NAMED_COORD.search(text[: m.start()])
        if co and not _not_a_name(co.group("a")):
            key2 = name_key(co.group("a"))
            if registry is not None and key2 in registry.actors:
                kind2 = registry.actors[key2].kind
            else:
                kind2 = "IslamistArmedGroup" if ISLAMIST_NAME.search(co.group("a")) else kind
            cands.append(ActorMention(key2, kind2, co.start("a"), co.end("a"), co.group("a")))
    # an acronym or a jihadist name with a force noun is an actor by itself: "RSF militants", "SAF warplanes"
    for m in ACRONYM_FORCE.finditer(text):
        name = m.group("name")
        if _not_a_name(name) or (registry is not None and registry.places_named(name)):
            continue
        key = name_key(name)
        if registry is not None and key in registry.actors:
            kind = registry.actors[key].kind
        elif ISLAMIST_NAME.search(name):
            kind = "IslamistArmedGroup"
        elif m.group("noun").lower() in (
            "soldiers",
            "troops",
            "personnel",
            "police",
            "officers",
            "warplanes",
            "aircraft",
        ):
            kind = "StateForce"
        else:
            kind = "RebelGroup"
        cands.append(ActorMention(key, kind, m.start("name"), m.end(), m.group()))
    # "killed by an IED planted by al-Shabaab", "by the Taliban", "by FARDC soldiers"
    for m in BY_NAMED.finditer(text):
        name = re.sub(r"\s+(?:IEDs?|VBIEDs?|[Ss]uicide \w+)$", "", m.group("name"))
        if _not_a_name(name) or not (ISLAMIST_NAME.search(name) or re.fullmatch(r"[A-Z]{3,}[\w\-]*", name)):
            continue
        if registry is not None and registry.places_named(name):
            continue
        key = name_key(name)
        kind = (
            registry.actors[key].kind
            if registry is not None and key in registry.actors
            else ("IslamistArmedGroup" if ISLAMIST_NAME.search(name) else "RebelGroup")
        )
        cands.append(ActorMention(key, kind, m.start("name"), m.start("name") + len(name), name))
    # "elements of the FPRC", "3R elements", "forces associated with the SPLM-IO", "elements of the
    # Anti-balaka and ex-Seleka": a group named through its members
    if PART_QUICK.search(text):
        for m in PART_OF.finditer(text):
            for grp in ("name", "name2"):
                name = m.group(grp)
                if name is None:
                    continue
                hit = _named_group(name, m.group("part").lower(), country, registry)
                if hit is None:
                    break
                start = m.start() if grp == "name" else m.start(grp)
                cands.append(
                    ActorMention(hit[0], hit[1], start, m.end(grp), name, registry=_in_reg(hit[0], registry))
                )
    # "died in police custody", "died in Houthi custody": the holder of the custody is the agent
    custody: list[ActorMention] = []
    if "custody" in text:
        for m in CUSTODY.finditer(text):
            who = m.group("who")
            hit = resolve_phrase(who, country, None) or resolve_phrase(who, country, registry)
            if hit is not None and registry is not None and hit[0] in registry.actors:
                rec = registry.actors[hit[0]]
                if rec.country and country and rec.country != country and rec.kind in DOMESTIC_KINDS:
                    hit = None  # another country's police
            if hit is None and groups is not None:
                hit = groups.by_stem.get(who)
            if hit is None and re.fullmatch(r"[A-Z]{2,}[\w\-]*", who) and not _not_a_name(who):
                hit = (name_key(who), "RebelGroup")
            if hit is not None:
                c = ActorMention(
                    hit[0], hit[1], m.start("who"), m.end("who"), who, registry=_in_reg(hit[0], registry)
                )
                cands.append(c)
                custody.append(c)
    if antecedent is not None and "the " in text:
        for m in THE_GROUP.finditer(text):
            cands.append(ActorMention(antecedent[0], antecedent[1], m.start(), m.end(), m.group()))
    if groups is not None and groups.rx is not None:
        for m in groups.rx.finditer(text):
            key, kind = groups.by_stem[m.group("stem")]
            cands.append(
                ActorMention(key, kind, m.start("stem"), m.end(), m.group()[m.start("stem") - m.start() :])
            )
        for c in cands:
            hit = groups.by_key.get(c.key)
            if hit is not None:
                c.key, c.kind = hit
    # an opposition body the report names like the state's ("the Syrian National Army", "the Syrian
    # Interim Government's Military Court"): its own key, never the state's army, government or court
    if groups is not None and groups.bodies.rx is not None and any(n in text for n in groups.bodies.keys):
        for m in groups.bodies.rx.finditer(text):
            key = groups.bodies.keys[m.group("name")]
            body = ActorMention(key, OPPOSITION_KIND, m.start(), m.end(), m.group(), registry=True)
            cands = [c for c in cands if not (c.start < body.end and body.start < c.end)]
            cands.append(body)
    if defs:
        cands = _apply_definitions(text, cands, defs, registry)
    # keep the longest non-overlapping mentions (coordination pieces first)
    kept: list[ActorMention] = []
    for c in sorted(cands, key=lambda c: (not c.coord, -(c.end - c.start), not c.registry, c.start)):
        if any(c.start < k.end and k.start < c.end for k in kept):
            continue
        kept.append(c)
    kept.sort(key=lambda c: c.start)
    for c in kept:
        c.role = _role(text, c)
        if c.role == "subject" and STRIKE_TAIL.search(c.text) and INSTRUMENT_BEFORE.search(text, 0, c.start):
            c.role = "agent"  # "injured in a Turkish drone airstrike": the strike's force did it
        if any(c is k for k in custody):
            c.role = "agent"
    return kept


FORCE_ACT_QUICK = re.compile(
    r"\b(?:launched|conducted|carried out|fired|shelled|bombed|invaded|(?:air)?strikes?|attacks?"
    r"|shelling|forces|military|army|troops)\b"
)
_STRIKE = r"(?:(?:drone |missile |military |air )?(?:air ?strikes?|strikes?)|drones?|missiles?|rockets?|shelling|bombardments?|bombing|(?:air |drone |missile |rocket )?attacks?)"  # noqa: E501


@cache
def country_act_pattern() -> re.Pattern:
    """A country's name as the one that strikes: the subject of "launched/conducted ... strikes",
    "shelled", "bombed" (group c); "'s forces" (the whole match); after "strikes attributed to",
    "strikes by" (group b, the mention: its role comes from the words before it)."""
    names = sorted(
        {n for c in lexicon().countries.values() for n in (c.name, *c.aliases) if n and n[0].isupper()},
        key=len,
        reverse=True,
    )
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(
        rf"\b(?:the )?(?P<c>{alt})(?:(?:’s|'s) (?:armed forces|forces|military|army|troops|soldiers|air force|navy|warplanes)\b"  # noqa: E501
        rf"|(?= (?:(?:reportedly|allegedly|also|then|again) )?(?:(?:launched|conducted|carried out|fired)"
        rf"(?: [\w\-]+){{0,4}}? {_STRIKE}\b|shelled|bombed|invaded)))"
        rf"|\b{_STRIKE} (?:(?:reportedly|allegedly|widely) )?(?:attributed to|by) (?:the )?(?P<b>{alt})\b(?![’'\-])"  # noqa: E501
    )


CUSTODY = re.compile(
    r"\b(?:died|deaths?|was killed|were killed|was tortured|were tortured|was beaten|were beaten)\b"
    r"[^.;]{0,40}?"
    r"\bin (?:the )?(?P<who>police|military|army|gendarmerie|intelligence|security forces|"
    r"[A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+)?) custody\b"
)
STRIKE_TAIL = re.compile(r"(?:air ?strikes?|drone strikes?|warplanes|aircraft|shelling|artillery \w+)$")
INSTRUMENT_BEFORE = re.compile(r"\b(?:in|from|by|during|after) (?:an? |the )?$")


def _named_group(
    name: str, part: str, country: str | None, registry: Registry | None
) -> tuple[str, str] | None:
    """The group "elements of NAME" names: a registry actor, else a new key whose kind the name's
    head noun says (data/acronym_kinds.tsv); an unknown acronym is an armed group, as elsewhere.
    "members of" a body the head noun does not make armed (a party, a union, a court) is no
    perpetrator here (its members are often the victims)."""
    from conflictkg.extract.acronyms import NOT_ACTOR, kind_of_name

    if _not_a_name(name) or (registry is not None and registry.places_named(name)):
        return None
    hit = resolve_phrase(name, country, registry)
    if hit is not None:
        return hit
    key = name_key(name)
    if not key:
        return None
    if registry is not None and key in registry.actors:
        return key, registry.actors[key].kind
    kind = kind_of_name(name)
    acronym = re.fullmatch(r"(?:ex-)?[A-Z0-9][A-Z0-9\-]*[A-Z][A-Za-z0-9\-]*", name) is not None
    if kind is None or kind == NOT_ACTOR:
        if not acronym and (part not in ARMED_PARTS or part in ("armed men", "gunmen")):
            return None  # "gunmen from Kaka": a place, more likely than a group
        kind = "IslamistArmedGroup" if ISLAMIST_NAME.search(name) else "RebelGroup"
    if part == "members" and kind not in ARMED_KINDS:
        return None
    if kind in ("Civilian", "Organization") and part in ARMED_PARTS:
        kind = "RebelGroup"  # "armed men from the Party of the Rally of the Central African nation"
    return key, kind


def _apply_definitions(text: str, cands: list[ActorMention], defs: dict, registry: Registry | None) -> list:
    """The report's own definitions decide an acronym's key and kind; a defined acronym or
    full name is a mention wherever it stands ("members of vigilante groups, such as the CJTF")."""
    from conflictkg.extract.acronyms import NOT_ACTOR

    for c in cands:
        if c.registry:
            continue
        d = defs.get(c.key)
        if d is None and " " in c.text:
            bare = re.sub(
                r"\s+(?:fighters|militants|members|personnel|soldiers|troops|elements|militiamen|militia|rebels|"
                r"insurgents|gunmen|armed men|operatives|cadres|convoys?|officers|police|agents|guards|forces|warplanes|aircraft|drones|"  # noqa: E501
                r"armed groups?|rebel groups?|armed movement)$",
                "",
                c.text,
                flags=re.I,
            )
            d = defs.get(name_key(bare))
        if d is not None:
            c.key, c.kind = d.key, d.kind
    rx = getattr(defs, "rx", None)
    if rx is not None and any(q in text for q in getattr(defs, "quick", ())):
        for m in rx.finditer(text):
            d = defs.get(m.group())
            if d is not None:
                end = m.end()
                if text.startswith(f" ({d.acronym})", end) and not _in_reg(d.key, registry):
                    end += len(d.acronym) + 3  # "Name (ACR) reported": one mention, its role after it
                cands.append(
                    ActorMention(
                        d.key,
                        d.kind,
                        m.start(),
                        end,
                        text[m.start() : end],
                        registry=_in_reg(d.key, registry),
                    )
                )
    return [c for c in cands if c.kind != NOT_ACTOR]


# "In February the group reportedly executed ...": the armed group named just before
NAMED_GROUP_KINDS = frozenset({"RebelGroup", "RebelCoalition", "IslamistArmedGroup", "EthnicMilitia"})
IN_NAME = re.compile(r"(?<![.:;!?] )(?<!^)\b[A-Z][\w’'\-]*[a-z][\w’'\-]* $")
ISLAMIST_NAME = re.compile(
    r"ISIS|ISIL|Islamic|Daesh|\bal-|\bAl-|Ansar|Boko|Shabaab|Jihad|Qa[’']?ida|Taliban|Hizb|Hayat|Tahrir", re.I
)
NOT_NAME_WORDS = re.compile(
    r"^(?:On|In|During|After|Before|Between|From|Since|Also|According|While|When|The|This|That|These|Those|"
    r"Authorities|Police|Government|Security|Unknown|Unidentified|Armed|Human|Amnesty|Media|Local|Several|"
    r"Many|Some|Other|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Dozens|Hundreds|Individuals|Men|Women|"
    r"He|She|They|It|We|Witnesses|Villagers|Residents|Assailants|Attackers|Gunmen|Soldiers|Troops|Militants|"
    r"Fighters|Members|Protesters|Demonstrators|Officials|Unidentified|January|February|March|April|May|June|"
    r"July|August|September|October|November|December|Mr|Ms|Mrs|Dr|First|Vice|President|General|Governor|Minister|Colonel|Lieutenant|Captain|Commander|Chief|"
    r"Judge|Prosecutor|Senator|King|Prince|Sheikh|Imam|Reverend|Father|Bishop|Pastor|Mayor|Former|IEDs?|VBIEDs?|NGOs?|COVID|HIV|AIDS)\b"
)


# what an actor named as the subject does next: "the Taliban attacked", "the group reportedly executed"
ACTS_NEXT = (
    r"(?= (?:(?:reportedly|allegedly|also|then|later) )?(?:attacked|killed|abducted|kidnapped|claimed|"
    r"executed|raided|ambushed|burned|looted|raped|shot|arrested|detained|tortured|beat|beheaded|massacred|"
    r"opened fire|stormed|seized|captured|abused|recruited|detonated|planted|bombed|fired|shelled|targeted|"
    r"assassinated|destroyed|harassed|threatened|besieged|overran|hijacked|committed|conducted|carried out|"
    r"perpetrated|launched)\b)"
)
NAMED_ACTOR = re.compile(
    r"(?:^|(?<=[\s(]))(?:the )?(?!"
    + NOT_NAME_WORDS.pattern[1:]
    + r")(?P<name>(?:al-|Al-)?[A-Z][\w’'\-]*(?: (?:[A-Z][\w’'\-]*|al-\w+|of the|of))*?)"
    r"(?: (?P<noun>fighters|militants|members|personnel|soldiers|troops|elements|militiamen|militia|rebels|insurgents|gunmen|officers|police|agents|guards|IEDs?|suicide bombers?))?"  # noqa: E501
     + ACTS_NEXT
)

THE_GROUP = re.compile(r"\b[Tt]he (?:armed |militant |terrorist |insurgent |extremist )?group" + ACTS_NEXT)
ACRONYM_FORCE = re.compile(
    r"(?:\b|\()(?P<name>(?:ex-)?[A-Z]{2,}[A-Za-z\-]*|[1-9][A-Z]+\b|(?:al-|Al-)?(?:Taliban|Shabaab|Boko Haram|ISIS|ISIL|Daesh|Houthi|Hezbollah|Hamas)[\w\-]*)"  # noqa: E501
    r"\)? (?P<noun>fighters|militants|militiamen|militia|members|personnel|soldiers|troops|elements|rebels|insurgents|"  # noqa: E501
    r"gunmen|armed men|operatives|cadres|officers|police|agents|warplanes|aircraft|drones|forces|armed groups?|"  # noqa: E501
    r"rebel groups?|armed movement|convoys?)\b"
)
# a group's name: "the FPRC", "3R", "Anti-balaka", "ex-Seleka", "the Union for Peace"
GROUP_NAME = r"(?:ex-|former )?(?:al-|Al-)?(?:[A-Z][\w’'\-]*|[1-9][A-Z]+\b)(?: (?:[A-Z][\w’'\-]*|of the|of|for the|for))*(?<! of)(?<! the)(?<! for)"  # noqa: E501
PART_OF = re.compile(
    r"\b(?P<part>elements|fighters|combatants|militants|militiamen|members|forces|factions?|armed men|gunmen)"
    r" (?:of|from|associated with|affiliated with|allied (?:with|to)|aligned with|loyal to|linked to)"
    r" (?:the )?(?:(?:[A-Z][a-z]+ )?(?:(?:armed|rebel|terrorist|extremist|militant|insurgent|jihadist|Islamist) )+"  # noqa: E501
    r"(?:group|movement|organization) )?"  # "linked to the Burundian armed rebel group RED-Tabara"
    rf"(?P<name>{GROUP_NAME})(?: and (?:the )?(?P<name2>{GROUP_NAME}))?(?![\w’'\-])"
)
PART_QUICK = re.compile(
    r"\b(?:elements|fighters|combatants|militants|militiamen|members|forces|factions?|men|gunmen) [a-z]"
)
ARMED_PARTS = frozenset(
    {
        "elements",
        "fighters",
        "combatants",
        "militants",
        "militiamen",
        "forces",
        "faction",
        "factions",
        "armed men",
        "gunmen",
    }
)
BY_NAMED = re.compile(r"\bby (?:the |an? )?(?P<name>(?:al-|Al-)?[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*){0,3})")
NAMED_COORD = re.compile(
    r"(?:^|(?<=[\s(]))(?:the )?(?P<a>(?:al-)?[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*){0,3}) and (?:the )?$"
)


TITLE_BEFORE = re.compile(
    r"\b(?:President|General|Governor|Minister|Colonel|Commander|Chief|Leader|leader|Mr\.|Ms\.|Mrs\.|Dr\.|Sheikh|"
    r"Lieutenant|Captain|Major|Sergeant|Corporal|Brigadier|Private|Lt\.|Capt\.|Col\.|Gen\.|Maj\.|Sgt\.|"
    r"Senator|Judge|Mayor|Imam|activist|journalist|spokesperson|spokesman)\s+$"
)


def _names_country(alias: str, iso: str) -> bool:
    """Does an alias say whose it is: a demonym or country name ("Malian army"), or an acronym ("FAMa")?"""
    lex = lexicon()
    c = lex.countries.get(iso)
    if re.search(r"\b[A-Z][A-Za-z]*[A-Z]\w*\b", alias) and not re.fullmatch(
        r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", alias
    ):
        return True
    words = [*(c.demonyms if c else []), *([c.name, *c.aliases] if c else [])]
    return any(re.search(rf"\b{re.escape(w)}\b", alias, re.I) for w in words if w)


def _not_a_name(name: str) -> bool:
    lex = lexicon()
    if NOT_NAME_WORDS.match(name) or len(name) < 2:
        return True
    return bool(name.lower() in lex.country_by_name or _demonym_iso(name.split()[0]) is not None)


def _in_reg(key: str, registry: Registry | None) -> bool:
    return registry is not None and key in registry.actors


def _role(text: str, c: ActorMention) -> str:
    before = text[max(0, c.start - 80) : c.start]
    after = text[c.end : c.end + 40]
    for where, role, rx in lexicon().roles:
        if where == "before" and rx.search(before):
            return role
        if where == "after" and rx.search(after):
            return role
    return "subject"
