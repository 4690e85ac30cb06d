"""Event triggers and attribution cues found in one sentence (lexicons in data/)."""

from __future__ import annotations

from dataclasses import dataclass

from conflictkg.extract.lexicon import lexicon


@dataclass(frozen=True, slots=True)
class Trigger:
    type: str  # an event type, or KILL / ATTACK (resolved in context)
    start: int
    end: int
    text: str


def find_triggers(text: str) -> list[Trigger]:
    """Every trigger of every type whose cheap substring prefilter passes."""
    lex = lexicon()
    low = text.lower()
    masked = (
        [(m.start(), m.end()) for m in lex.nontriggers.finditer(text)]
        if lex.nontrigger_quick(text)
        else []
    )
    out = []
    for (etype, rx), needs in zip(lex.triggers, lex.trigger_needs, strict=True):
        if needs and not any(w in low for w in needs):
            continue
        for m in rx.finditer(text):
            if masked and any(s <= m.start() < e for s, e in masked):
                continue
            out.append(Trigger(etype, m.start(), m.end(), m.group()))
    out.sort(key=lambda t: (t.start, t.type))
    return out


def has_trigger(text: str) -> bool:
    return lexicon().trigger_any.search(text) is not None


def attribution_of(text: str) -> str | None:
    for name, rx in lexicon().attribution:
        if rx.search(text):
            return name
    return None
