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
    """Every trigger, in one pass of the combined lexicon pattern (named group tN = line N)."""
    lex = lexicon()
    masked = [(m.start(), m.end()) for m in lex.nontriggers.finditer(text)] if "-" in text or lex.nontrigger_quick(text) else []
    out = []
    for m in lex.trigger_any.finditer(text):
        if masked and any(s <= m.start() < e for s, e in masked):
            continue
        first = int(m.lastgroup[1:])
        out.append(Trigger(lex.triggers[first][0], m.start(), m.end(), m.group()))
        # the same words may name a second type ("withdraw MINUSMA": expulsion and decision)
        for etype, rx in lex.triggers[first + 1:]:
            if etype != lex.triggers[first][0] and (o := rx.match(text, m.start())):
                out.append(Trigger(etype, o.start(), o.end(), o.group()))
    return out


def has_trigger(text: str) -> bool:
    return lexicon().trigger_any.search(text) is not None


def attribution_of(text: str) -> str | None:
    for name, rx in lexicon().attribution:
        if rx.search(text):
            return name
    return None
