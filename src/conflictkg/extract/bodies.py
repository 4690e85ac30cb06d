"""Opposition bodies a report names like the state's own: "the Syrian National Army (SNA), a
coalition of armed Syrian opposition groups", "the nonstate actor known as the Libyan National
Army", "the Syrian Interim Government, an alternative government formed by the ... Opposition
Forces". The generic patterns read "<demonym> National Army" as the country's army and "interim
government" as its government; a body the report itself calls opposition or nonstate is a named
armed group instead, with its own key (its acronym's when the report defines one: SNA), and so
are its parts ("the Syrian Interim Government's Military Court").

Only the report's own description decides: "Somali National Army", "Afghan National Army" stay
the state's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conflictkg.registry import name_key

# a name of the state's form: "Syrian National Army", "Libyan National Army", "Syrian Interim Government"
_NAME = r"[A-Z][\w’'\-]+ (?:National Army|Interim Government)"
_OPPOSED = r"(?i:opposition|nonstate|non-state|rebel|insurgent|alternative government)"
# "opposition groups ... that make up the X", "the armed groups that made up the Turkish-supported X"
# (a backer's adjective may lead the name), "the nonstate actor known as the X", "Opposition
# governance entities, including the X"
DESCRIBED_BEFORE = re.compile(
    rf"\b(?:{_OPPOSED}|armed groups)\b[^.;:]{{0,70}}?\b(?:known as|make up|made up|that form(?:ed)?|including|such as|called) "  # noqa: E501
    rf"(?:the )?(?:[A-Z][\w.]*-(?:backed|supported) )?(?P<name>{_NAME})"
)
# "the X (SNA), a coalition of armed Syrian opposition groups", "the X, an alternative government"
DESCRIBED_AFTER = re.compile(
    rf"(?P<name>{_NAME})(?: \((?P<acr>[A-Z]{{2,6}})\))?, (?:an?|the) [^.;()]{{0,100}}?\b{_OPPOSED}"
)
OPPOSITION_KIND = "RebelGroup"
# a part of a body named with it: "the X's Military Court", "the X's “Ministry of Defense”"
PART = (
    r"(?:[’']s? [“\"]?(?:[A-Z][\w\-]+ ){0,3}(?:Court|Council|Police|Ministry of Defense|Ministry|Department|"
    r"Judiciary|Division|Commission|Office|Committee|Forces)[”\"]?)?"
)


@dataclass(slots=True)
class Bodies:
    """The report's opposition bodies: full name -> key, and one pattern for their mentions."""

    keys: dict[str, str] = field(default_factory=dict)
    rx: re.Pattern | None = None

    def key_of(self, name: str) -> str | None:
        return self.keys.get(name)


def find_bodies(text: str) -> Bodies:
    """The opposition bodies `text` names and describes (see the module doc)."""
    out = Bodies()
    if "National Army" not in text and "Interim Government" not in text:
        return out
    names: set[str] = set()
    for rx in (DESCRIBED_BEFORE, DESCRIBED_AFTER):
        for m in rx.finditer(text):
            names.add(m.group("name"))
    for name in sorted(names):
        acr = re.search(rf"{re.escape(name)} \((?P<acr>[A-Z]{{2,6}})\)", text)
        out.keys[name] = name_key(acr.group("acr")) if acr else name_key(name)
    if out.keys:
        alts = "|".join(re.escape(n) for n in sorted(out.keys, key=len, reverse=True))
        out.rx = re.compile(rf"\b(?:the )?(?P<name>{alts}){PART}")
    return out
