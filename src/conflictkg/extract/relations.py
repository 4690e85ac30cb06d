"""Actor relations the text states: "X, a JNIM affiliate" (affiliateOf), "the CMA alliance
of the MNLA, HCUA, and MAA" (memberOf), "groups aligned with the government"
(alignedWith), "aligned with the ISGS" (alliedWith), "the rival JNIM" (rivalOf),
"clashes between X and Y" (foughtAgainst), "X along with Y", "accompanied by"
(operatesWith), "Russia-linked", "linked to" (linkedTo), "X targeted A, B and C" (targets).
"""

from __future__ import annotations

import re

from conflictkg.extract.actors import ARMED_KINDS, GENERIC_KEYS, ActorMention, resolve_phrase, role_key
from conflictkg.extract.clues import CLASH, Clues
from conflictkg.facts import Event, Relation, Span
from conflictkg.registry import Registry

RELATION_CUE = re.compile(
    r"\b(?:linked to|-linked|ties to|affiliated with|associated with|aligned with|pro-government|progovernment|"  # noqa: E501
    r"affiliate|faction of|splinter|alliance of|coalition of|such as|including|rival|clash|clashes|fighting between|"  # noqa: E501
    r"along with|accompanied by|together with|jointly with|in coordination with|targeted|operations against|"
    r"fought against|and associated|allied)\b",
    re.I,
)
LIST_GAP = re.compile(r"^\s*(?:\([^)]*\))?\s*(?:,|and|, and|or|;)?\s*(?:the\s+)?(?:\([^)]*\)\s*)?$")
# Armed kinds that can hold a relation: unidentified gunmen hold none (the coders' convention).
ARMED = ARMED_KINDS - {"Unidentified"}


def _rel(c: Clues, doc: str, s: str, r: str, o: str) -> Relation:
    sent = c.sent
    return Relation(
        doc=doc,
        subject=s,
        relation=r,
        object=o,
        quote=sent.text,
        evidence=[Span(sent.start, sent.end, sent.text, sent.index)],
    )


def _list_after(acts: list[ActorMention], pos: int, text: str) -> list[ActorMention]:
    """The actors listed from `pos` on: "A, B, MLF, al-Murabitoun, JNIM, and ISGS"."""
    after = [a for a in acts if a.start >= pos]
    if not after:
        return []
    out = [after[0]]
    for a in after[1:]:
        gap = text[out[-1].end : a.start]
        if LIST_GAP.match(gap) or re.fullmatch(r"\s*[–—-]?\s*including\s+(?:the\s+)?", gap):
            out.append(a)
        else:
            break
    specific = [a for a in out if a.key not in GENERIC_KEYS]
    return specific or out


def _before(acts: list[ActorMention], pos: int, text: str, window: int = 60) -> list[ActorMention]:
    """The actor phrase that ends just before `pos` (with what it is coordinated with)."""
    prev = [
        a
        for a in acts
        if a.end <= pos and pos - a.end <= window and not re.search(r"[;:]", text[a.end : pos])
    ]
    if not prev:
        return []
    out = [prev[-1]]
    for a in reversed(prev[:-1]):
        gap = text[a.end : out[0].start]
        if LIST_GAP.match(gap) or re.fullmatch(r"\s*(?:and|,)\s*(?:“|\")?", gap):
            out.insert(0, a)
        else:
            break
    return out


def find_relations(c: Clues, doc: str, registry: Registry | None, country: str | None) -> list[Relation]:
    text, acts = c.text, c.actors
    out: list[Relation] = []
    gov = role_key("GOVERNMENT", country)
    # "Russia-linked Wagner Group", "Al-Qaeda-linked JNIM"
    for m in re.finditer(
        r"\b(?P<n>[A-Z][\w’'\-]*?(?: [A-Z][\w’'\-]+)?)-(?:linked|affiliated|backed|aligned)\b", text
    ):
        hit = resolve_phrase(m.group("n"), country, registry)
        subj = [a for a in acts if a.end > m.end() and a.start <= m.end() + 60]
        if hit and subj:
            rel = "alignedWith" if m.group().endswith("aligned") and hit[1] == "Government" else "linkedTo"
            out.append(_rel(c, doc, subj[0].key, rel, hit[0]))
    for m in re.finditer(
        r"\b(?:linked to|with (?:suspected )?ties to|affiliated with|associated with|aligned with|allied with)\s+",  # noqa: E501
        text,
    ):
        objs = _list_after(acts, m.end(), text)
        objs = [o for o in objs if o.start - m.end() < 40 or o is not objs[0]]
        if not objs:
            continue
        subj = _before(acts, m.start(), text)
        np = text[subj[0].start if subj else max(0, m.start() - 60) : m.start()]
        cue = m.group().strip()
        if not subj:
            inc = re.search(r"\bincluding\b", text[objs[-1].end : objs[-1].end + 20])
            if inc:
                subj = _list_after(acts, objs[-1].end + inc.end(), text)
        for o in objs:
            for s in subj:
                if cue.startswith("aligned"):
                    rel = "alignedWith" if o.kind == "Government" else "alliedWith"
                elif cue.startswith("allied") or re.search(r"\ballied\b", np):
                    rel = "alliedWith"
                else:
                    rel = "linkedTo"
                if rel == "alignedWith":
                    out.append(_rel(c, doc, s.key, rel, o.key))
                else:
                    out.append(
                        _rel(c, doc, o.key, rel, s.key)
                        if rel == "alliedWith"
                        else _rel(c, doc, s.key, rel, o.key)
                    )
    for a in acts:
        if a.kind == "ProGovernmentMilitia" and re.search(r"pro-?government", a.text, re.I):
            out.append(_rel(c, doc, a.key, "alignedWith", gov))
    # clashes between X and Y; "the rival Y"
    for m in CLASH.finditer(text):
        after = [a for a in acts if a.start >= m.end() and a.role != "none"]
        side = after[:1]
        rest = [a for a in after[1:] if side and a.key != side[0].key]
        side += [a for a in rest if a.key not in GENERIC_KEYS][:1] or rest[:1]
        if len(side) == 2 and side[0].key != side[1].key:
            out.append(_rel(c, doc, side[0].key, "foughtAgainst", side[1].key))
            if re.search(r"\brival\s+(?:\S+\s+){0,2}$", text[max(0, side[1].start - 40) : side[1].start]):
                out.append(_rel(c, doc, side[0].key, "rivalOf", side[1].key))
    # "X, a JNIM affiliate"; "an affiliate of X"; "a faction of X"
    for m in re.finditer(r",?\s+an?\s+(?P<o>[^,.;]{1,80}?)\s+(?:affiliate|faction|splinter group)\b", text):
        objs = [a for a in acts if a.start >= m.start("o") and a.end <= m.end("o")]
        subj = _before(acts, m.start() + 1, text, 10)
        for s in subj[-1:]:
            for o in objs[:1]:
                out.append(_rel(c, doc, s.key, "affiliateOf", o.key))
    for m in re.finditer(r"\b(?:an affiliate|a faction|a splinter group|a branch) of\s+", text):
        objs = _list_after(acts, m.end(), text)[:1]
        subj = _before(acts, m.start(), text, 20)
        for s in subj[-1:]:
            for o in objs:
                out.append(_rel(c, doc, s.key, "affiliateOf", o.key))
    # "the CMA alliance of the MNLA, HCUA, and MAA"; "militias in the Platform, such as GATIA"
    for m in re.finditer(r"\b(?:alliance|coalition|umbrella group) of\s+(?:the\s+)?", text):
        head = [a for a in acts if a.start < m.start() <= a.end] or _before(acts, m.start(), text, 3)
        members = _list_after(acts, m.end(), text)
        if head and members and members[0].start - m.end() < 5:
            for s in members:
                out.append(_rel(c, doc, s.key, "memberOf", head[-1].key))
    for m in re.finditer(r"\bin the\s+(?P<x>[^,.;]{2,60}?),?\s+(?:such as|including)\s+(?:the\s+)?", text):
        head = [a for a in acts if a.start >= m.start("x") and a.end <= m.end("x")]
        members = _list_after(acts, m.end(), text)
        if head and members and members[0].start - m.end() < 3:
            for s in members:
                if s.key != head[0].key:
                    out.append(_rel(c, doc, s.key, "memberOf", head[0].key))
    # "Government and French troops targeted terrorist organizations–including A, B, and C"
    for m in re.finditer(
        r"\b(?:targeted|launched (?:\w+ )?operations against|conducted (?:\w+ )?operations against|fought against)\s+",  # noqa: E501
        text,
    ):
        subj = [a for a in _before(acts, m.start(), text, 30) if a.kind in ARMED]
        objs = [o for o in _list_after(acts, m.end(), text) if o.kind in ARMED]
        for s in subj:
            for o in objs:
                out.append(_rel(c, doc, s.key, "targets", o.key))
    # joint action: "X along with Y", "X and associated Y", "X accompanied by Y"
    for i in range(1, len(acts)):
        gap = text[acts[i - 1].end : acts[i].start]
        if re.fullmatch(
            r"\W*(?:along with|together with|jointly with|in coordination with|and associated|and allied)\W*",
            gap,
        ):
            out.append(_rel(c, doc, acts[i - 1].key, "operatesWith", acts[i].key))
    for p in (a for a in acts if a.role == "partner"):
        heads = [a for a in acts if a.end <= p.start and a.role in ("subject", "agent") and a.kind in ARMED]
        if heads:
            last = heads[-1]
            group = [a for a in heads if a is last or (a.coord and last.coord and last.start - a.end < 12)]
            for h in group:
                out.append(_rel(c, doc, h.key, "operatesWith", p.key))
    # a stated attacker of a stated armed target: "JNIM attacked a FAMa outpost"
    if {"ATTACK", "KILL", "ArmedClash"} & set(c.types) and not CLASH.search(text):
        kinds = {a.key: a.kind for a in acts}
        for perp in c.perps:
            for target in c.targets:
                if (
                    perp != target
                    and kinds.get(perp) in ARMED
                    and kinds.get(target) in ARMED
                    and "UNIDENTIFIED" not in (perp, target)
                ):
                    out.append(_rel(c, doc, perp, "foughtAgainst", target))
    return [r for r in out if r.subject != r.object]


OWN_SIDE = frozenset({"StateForce", "Government", "Judiciary"})


def event_relations(ev: Event, kinds: dict[str, str]) -> list[Relation]:
    """Relations implied by a whole event: both sides of an armed clash fought each other."""
    out: list[Relation] = []
    if "ArmedClash" in ev.types and len(ev.perpetrators) >= 2 and ev.evidence:
        sp = ev.evidence[0]
        a = ev.perpetrators[0]
        # the country's own forces are one side ("PNC and Republican Guard clashes with ..."):
        # the other side is the first perpetrator that is not one of them
        home = kinds.get(a) in OWN_SIDE
        b = next((k for k in ev.perpetrators[1:] if not (home and kinds.get(k) in OWN_SIDE)), None)
        if b is None:
            return out
        out.append(
            Relation(doc=ev.doc, subject=a, relation="foughtAgainst", object=b, quote=sp.quote, evidence=[sp])
        )
    return out
