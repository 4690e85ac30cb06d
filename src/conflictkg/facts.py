"""The facts the extractor produces and the graph stage consumes.

The JSON form of `Event` is the annotation guide's schema (shared/eval/ANNOTATION.md)
plus `evidence` (character offsets of each quote) and `aggregate`; `Relation` is the
form of the gold relations file plus its evidence. Actors are registry keys
("JNIM", "FAMA"); an actor the registry does not know is described in
`ExtractionResult.actors` under the key the extractor gave it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

DatePrecision = Literal["day", "month", "year", "range"]
Attribution = Literal["asserted", "alleged", "claimed", "attributed_by_other", "denied"]
Qualifier = Literal["exact", "at_least", "more_than", "about", "up_to"]

EVENT_TYPES: tuple[str, ...] = (
    "ArmedClash", "Attack", "AttackOnForces", "ExtrajudicialKilling", "ExplosiveDevice",
    "Abduction", "EnforcedDisappearance", "ArbitraryArrest", "Torture", "SexualViolence",
    "Looting", "ChildRecruitment", "Threat", "ForcedDisplacement", "ExcessiveForce",
    "Protest", "Sentencing", "Release", "Sanction", "Expulsion", "Veto", "Investigation",
    "PoliticalDecision",
)
VICTIM_CATEGORIES: tuple[str, ...] = (
    "civilians", "men", "women", "children", "boys", "girls", "soldiers", "peacekeepers",
    "fighters", "journalists", "officials", "detainees", "villagers", "persons",
)
HARMS: tuple[str, ...] = (
    "killed", "injured", "abducted", "arrested", "disappeared", "tortured", "raped",
    "displaced", "recruited", "threatened", "sentenced", "released",
)
QUALIFIERS: tuple[str, ...] = ("exact", "at_least", "more_than", "about", "up_to")
ATTRIBUTIONS: tuple[str, ...] = ("asserted", "alleged", "claimed", "attributed_by_other", "denied")
RELATIONS: tuple[str, ...] = (
    "memberOf", "affiliateOf", "alliedWith", "alignedWith", "rivalOf", "foughtAgainst",
    "operatesWith", "linkedTo", "targets",
)
SYMMETRIC_RELATIONS = frozenset({"alliedWith", "rivalOf", "foughtAgainst", "operatesWith", "linkedTo"})


@dataclass(frozen=True, slots=True)
class Span:
    """A quote and where it stands in its report: [start, end) in code points."""

    start: int
    end: int
    quote: str
    sentence: int | None = None


@dataclass(slots=True)
class Victim:
    category: str
    count: int | None = None
    qualifier: str | None = None
    harm: str = "killed"
    ethnicity: str | None = None


@dataclass(slots=True)
class Event:
    id: str
    doc: str
    quotes: list[str]
    date: str | None = None
    date_precision: str | None = None
    types: list[str] = field(default_factory=list)
    perpetrators: list[str] = field(default_factory=list)
    attribution: str = "asserted"
    attributed_by: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    victims: list[Victim] = field(default_factory=list)
    killed: int | None = None
    killed_qualifier: str | None = None
    location: str | None = None
    admin1: str | None = None
    country: str | None = None
    aggregate: bool = False
    notes: str = ""
    evidence: list[Span] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Event:
        data = dict(obj)
        data["victims"] = [Victim(**v) for v in data.get("victims") or []]
        data["evidence"] = [Span(**s) for s in data.get("evidence") or []]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(slots=True)
class Relation:
    doc: str
    subject: str
    relation: str
    object: str
    quote: str
    evidence: list[Span] = field(default_factory=list)
    attribution: str = "asserted"
    valid_from: str | None = None
    valid_until: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Relation:
        data = dict(obj)
        data["evidence"] = [Span(**s) for s in data.get("evidence") or []]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(slots=True)
class ActorRecord:
    """An actor as the graph needs it: key, label, kind (a ckg:actorKindKey), aliases."""

    key: str
    label: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    wikidata: str | None = None
    in_registry: bool = False


@dataclass(slots=True)
class ExtractionStats:
    reports: int = 0
    sentences: int = 0
    events: int = 0
    relations: int = 0
    skipped: int = 0


@dataclass(slots=True)
class ExtractionResult:
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    actors: dict[str, ActorRecord] = field(default_factory=dict)
    stats: ExtractionStats = field(default_factory=ExtractionStats)


def write_jsonl(rows: Iterable[Any], path: Path) -> None:
    """Write dataclasses (with to_json) or dicts as JSON Lines, atomically."""
    from conflictkg.io import atomic_write_text

    lines = []
    for row in rows:
        obj = row.to_json() if hasattr(row, "to_json") else row
        lines.append(json.dumps(obj, ensure_ascii=False, sort_keys=False))
    atomic_write_text(path, "".join(line + "\n" for line in lines))


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    from conflictkg.errors import BadInput

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read JSON Lines: {exc}") from exc
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{path}:{n}: not valid JSON: {exc.msg}") from exc


def read_events(path: Path) -> list[Event]:
    return [Event.from_json(o) for o in read_jsonl(path) if "types" in o]


def read_relations(path: Path) -> list[Relation]:
    return [Relation.from_json(o) for o in read_jsonl(path) if "relation" in o]
