"""Legal procedure and legislation in a sentence (data/legal_frames.tsv).

A trial, a sentence or a law names harm it is about: "charged ... with multiple felonies
stemming from the death of the soldier", "convicted four soldiers of rape", "The Anti-Torture
Act criminalizes torture". Those harm words are the charge or the offence, not an act the
sentence tells; without this the extractor made a killing by the court, a rape by the court
and a torture event out of a law.
"""

from __future__ import annotations

import re
from functools import cache

from conflictkg.extract.lexicon import DATA

# raw trigger types that tell harm done (the legal types Sentencing, Release, Investigation,
# ArbitraryArrest and the political ones stay)
HARM_TRIGGERS = frozenset(
    {
        "KILL",
        "ATTACK",
        "ArmedClash",
        "ExplosiveDevice",
        "Abduction",
        "EnforcedDisappearance",
        "Torture",
        "SexualViolence",
        "Looting",
        "ChildRecruitment",
        "Threat",
        "ForcedDisplacement",
        "ExcessiveForce",
    }
)


# what a law or a decree lays down is no act either: "decrees detailing ... sanctions to public
# gatherings", "a law that allows detention without charge"; these stay outside laws ("detained
# them on charges of ...")
LAW_GOVERNED = HARM_TRIGGERS | {"Sanction", "ArbitraryArrest", "Release", "Protest"}

NEXT_ACT = re.compile(
    r";|\b(?:and|then|before|while)\s+(?:\w+ly\s+)?(?!attempted\b)\w+ed\b(?!\s+(?:by|of|with)\b)"
)


@cache
def _frames() -> tuple[tuple[str, re.Pattern, tuple[str, ...]], ...]:
    out = []
    for line in (DATA / "legal_frames.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        frame, rx, needs = line.split("\t")
        words = tuple(w for w in needs.split(",") if w)
        out.append((frame, re.compile(rx) if frame == "name" else re.compile(rx, re.I), words))
    return tuple(out)


def legal_spans(text: str) -> list[tuple[int, int, str]]:
    """The spans of `text` where a harm word names a charge, an offence or a law's subject,
    each with its frame."""
    low = text.lower()
    spans = []
    for frame, rx, needs in _frames():
        if not any(w in (text if frame == "name" else low) for w in needs):
            continue
        for m in rx.finditer(text):
            if frame == "charge":
                # the charge runs to the clause's end, or to a next act of the same subject
                # ("detained them on charges of espionage and tortured them")
                stop = NEXT_ACT.search(text, m.end(), m.end() + 100)
                end = stop.start() if stop else min(len(text), m.end() + 100)
                spans.append((m.end(), end, frame))
            elif frame == "law":
                spans.append((m.end(), len(text), frame))
            else:
                spans.append((m.start(), m.end(), frame))
    return spans


def told_harm(text: str, triggers: list) -> list:
    """`triggers` without the harm words a legal frame governs."""
    if not any(t.type in LAW_GOVERNED for t in triggers):
        return triggers
    spans = legal_spans(text)
    if not spans:
        return triggers
    return [
        t
        for t in triggers
        if not any(
            s <= t.start < e and (t.type in HARM_TRIGGERS or (f != "charge" and t.type in LAW_GOVERNED))
            for s, e, f in spans
        )
    ]
