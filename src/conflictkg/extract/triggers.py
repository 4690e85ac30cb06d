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
    lex = lexicon()
    masked = [(m.start(), m.end()) for m in lex.nontriggers.finditer(text)]
    out = []
    for etype, rx in lex.triggers:
        for m in rx.finditer(text):
            if any(s <= m.start() < e for s, e in masked):
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
