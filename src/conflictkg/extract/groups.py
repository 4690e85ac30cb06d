"""Armed groups a report names by a plural noun and by its adjective: "the Houthis" and
"Houthi militants", "Houthi armed men", "a Houthi convoy"; "the Maoists" and "Maoist insurgents".

A capitalised plural that acts in the report ("the Houthis detained ...", "The Houthis
reportedly charged ...") is a group when the report also puts its singular before a force noun
("Houthi forces"): then the plural anywhere ("accused the Houthis of detaining") and the singular
before any force noun are that one group, with one key (the plural's, as the named-actor pattern
gives it: HOUTHIS). A registry group with a one-word plural alias ("Dozos") gives its key the same
way. Country demonyms ("the Americans", "American forces") and religions are not groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conflictkg.extract.bodies import Bodies, find_bodies
from conflictkg.registry import Registry, name_key

# what a group's adjective qualifies when the group is the actor
FORCE_NOUNS = (
    r"(?:armed )?(?:forces|fighters|militants|militias?|militiamen|rebels|insurgents|gunmen|armed men|operatives|"  # noqa: E501
    r"elements|cadres|members|soldiers|troops|security officers|officers|guards|police|authorities|units?|"
    r"convoys?|patrols?|snipers|drones?|missiles?|rockets)"
)
# "the Houthis detained", "The Houthis reportedly charged", "the Maoists took": the plural acts
PLURAL_ACTS = re.compile(
    r"\b[Tt]he (?P<stem>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)s (?:(?:reportedly|allegedly|also|then|later|continued to) )?"  # noqa: E501
    r"(?:[a-z]+ed|took|held|beat|shot|seized|stole|sold|set|fought|overran|broke|made|kept)\b"
)
NOT_GROUPS = re.compile(
    r"(?:Christian|Muslim|Sunni|Shia|Shiite|Jew|Hindu|Buddhist|Catholic|Protestant|Druze|Alawite|Yezidi|Yazidi|"
    r"Baha’i|Bahai|Ahmadi|Evangelical|Orthodox|Republican|Democrat|Conservative|Liberal|Socialist|Communist|"
    r"Parliamentarian|National|International|Unit|State|Force|Government|Authoritie|Nation)"
)


@dataclass(slots=True)
class Groups:
    """The report's plural-named groups: singular stem -> (key, kind), and one pattern that
    finds "the Houthis" and "Houthi <force noun>" in a sentence (None: the report has none)."""

    by_stem: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_key: dict[str, tuple[str, str]] = field(default_factory=dict)  # "HOUTHI" (from "Houthi forces")
    rx: re.Pattern | None = None
    bodies: Bodies = field(default_factory=Bodies)  # opposition bodies named like the state's


def find_groups(text: str, country: str | None, registry: Registry | None,
                bodies: Bodies | None = None) -> Groups:
    """The groups a report names by a plural noun and by its adjective (see the module doc);
    `bodies`: the report's opposition bodies, when the caller has read them already."""
    from conflictkg.extract.actors import ISLAMIST_NAME, NAMED_GROUP_KINDS, _demonym_iso

    out = Groups(bodies=bodies if bodies is not None else find_bodies(text))
    stems: dict[str, tuple[str, str]] = {}
    if registry is not None:
        for rec in registry.actors.values():
            if rec.kind not in NAMED_GROUP_KINDS:
                continue
            for name in (rec.label, *rec.aliases):
                if name and " " not in name and name.endswith("s") and name[:1].isupper():
                    stems.setdefault(name[:-1], (rec.key, rec.kind))
    for m in PLURAL_ACTS.finditer(text):
        stem = m.group("stem")
        if stem in stems or NOT_GROUPS.fullmatch(stem) or _demonym_iso(stem) is not None:
            continue
        if registry is not None and (registry.places_named(stem) or registry.places_named(stem + "s")):
            continue
        if not re.search(rf"(?<![\w\-]){re.escape(stem)} {FORCE_NOUNS}\b", text):
            continue  # a plural that acts but never leads a force noun: a people, not a group
        key = name_key(stem + "s")
        if registry is not None and key in registry.actors:
            kind = registry.actors[key].kind
        else:
            kind = "IslamistArmedGroup" if ISLAMIST_NAME.search(stem) else "RebelGroup"
        stems[stem] = (key, kind)
    found = {s: v for s, v in stems.items() if s in text}
    if not found:
        return out
    out.by_stem = found
    out.by_key = {name_key(s): v for s, v in found.items()}
    alts = "|".join(re.escape(s) for s in sorted(found, key=len, reverse=True))
    out.rx = re.compile(rf"(?<![\w\-])(?:[Tt]he )?(?P<stem>{alts})(?:s(?![\w\-])|(?P<noun> {FORCE_NOUNS})\b)")
    return out
