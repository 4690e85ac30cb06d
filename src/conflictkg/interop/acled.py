"""Import ACLED CSV exports as events (ACLED Codebook; the columns of the ACLED export tool).

actor1 is the perpetrator, assoc_actor_1 its partners, actor2 and assoc_actor_2 the
targets, except unnamed civilians ("Civilians (Mali)", inter code 7), who become a victim
group (a named civilian actor such as a movement stays a target too). event_type /
sub_event_type become a ckg event class through the ontology's mappings; inter codes
give the class of an actor the registry does not know. `tags` may carry what ACLED has
no column for, as `key=value` pairs (conflictkg's own export writes them):
`ckg:place=<IRI>` (a gazetteer place, taken when the registry has it),
`ckg:type=ExtrajudicialKilling` (the ckg class, taken when the ontology maps it to the
row's sub-event type), `ckg:date=2023-03-23/2023-03-24` (the date as coded, when the row's event_date is its
first day), `fatalities_qualifier=at_least`, `ckg:fatalities=none` (the source states no toll: the 0 is
not a count), `attribution=alleged`,
`actor1_wikidata=Q28877411`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from conflictkg.facts import ATTRIBUTIONS, QUALIFIERS, Event, Victim
from conflictkg.graph.build import date_bounds
from conflictkg.interop.common import (
    DatasetBuilder,
    DatasetInfo,
    ImportResult,
    Row,
    RowError,
    Sink,
    build_dataset,
    country_code,
    parse_date,
    parse_float,
    parse_int,
    read_rows,
)
from conflictkg.interop.mappings import load_mappings
from conflictkg.registry import Registry, load_registry, norm
from conflictkg.vocab import CKG_NS, DCTERMS

# The columns of an ACLED export, in ACLED's order (ACLED Codebook 2023, 'Columns').
COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
CIVILIAN_INTER = 7  # ACLED inter code of civilians
# ACLED's name for unnamed civilians, "Civilians (Mali)": a victim group, not an actor
GENERIC_CIVILIANS = re.compile(r"^civilians(\s*\([^)]*\))?$", re.IGNORECASE)
INFO = DatasetInfo(
    name="ACLED export",
    publisher="Armed Conflict Location & Event Data Project",
    publisher_key="ACLED",
    citation=("Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010), "
              "'Introducing ACLED: An Armed Conflict Location and Event Dataset', Journal of "
              "Peace Research 47(5)."),
    url="https://acleddata.com/",
)
REQUIRED = (("event_id_cnty",), ("event_date",), ("event_type",), ("actor1",), ("fatalities",))


def parse_tags(value: str) -> dict[str, str]:
    """ACLED tags are '; '-separated; the 'key=value' ones are read, the rest ignored."""
    out: dict[str, str] = {}
    for part in value.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(";") if p.strip()]


@dataclass(slots=True)
class AcledEvent:
    """One ACLED row, read and checked, before any actor or place is looked up."""

    id: str
    event_class: str
    date: str
    precision: str
    actor1: str
    inter1: int | None
    partners: list[str]
    actor2: str
    inter2: int | None
    targets2: list[str]
    civilian_targeting: bool
    fatalities: int
    stated: bool  # False: our export's tag says the source gave no toll for the event
    qualifier: str
    attribution: str
    country: str
    admin1: str
    admin2: str
    admin3: str
    location: str
    lat: float | None
    lon: float | None
    source: str
    notes: str
    qids: dict[str, str] = field(default_factory=dict)  # 'actor1'/'actor2' -> QID
    place_iri: str = ""  # a `ckg:place` tag: the gazetteer place our export came from


def _precision(code: int | None, day: str, tags: dict[str, str]) -> tuple[str, str]:
    """(date as coded, precision). A `ckg:date` tag whose first day is the row's date wins;
    otherwise ACLED's time_precision widens the day: 1 the day, 2 its month, 3 its year
    (the reverse of the ontology's ckg:acledTimePrecision, taking the widest span so the
    true date stays inside)."""
    coded = tags.get("ckg:date", "")
    bounds = date_bounds(coded) if coded else None
    if bounds and bounds[0] == day:
        kind = ("range" if "/" in coded else "year" if len(coded) == 4 else
                "month" if len(coded) == 7 else "day")
        return coded, kind
    if code in (None, 1):
        return day, "day"
    if code == 2:
        return day[:7], "month"
    return day[:4], "year"


def _inter(value: str, what: str) -> int | None:
    """An inter code as ACLED writes it: 1-8, or since 2024 its name ("State forces")."""
    v = value.strip()
    if not v or v.isdigit() or v.replace(".", "", 1).isdigit():
        return parse_int(v, what)
    code = load_mappings().inter_names.get(norm(v))
    if code is None:
        raise RowError(f"{what} is not an ACLED actor type: {v!r}")
    return code


def parse_row(row: Row) -> AcledEvent:
    """Check one row; RowError says what is wrong with it."""
    m = load_mappings()
    eid = row.get("event_id_cnty")
    if not eid:
        raise RowError("missing event_id_cnty")
    day = parse_date(row.get("event_date"), "event_date")
    etype, sub = row.get("event_type"), row.get("sub_event_type")
    if not etype:
        raise RowError("missing event_type")
    tags = parse_tags(row.get("tags"))
    hint = CKG_NS + tags["ckg:type"] if tags.get("ckg:type") else None
    cls = m.event_class_for_acled(etype, sub, hint)
    if cls is None:
        raise RowError(f"unknown event type {etype!r} / {sub!r} (not in the ACLED mappings)")
    actor1 = row.get("actor1")  # ACLED always names one; our export leaves it empty
    fatalities = parse_int(row.get("fatalities"), "fatalities")
    date, precision = _precision(parse_int(row.get("time_precision"), "time_precision"), day, tags)
    qualifier = tags.get("fatalities_qualifier", "exact")
    attribution = tags.get("attribution", "asserted")
    inter2 = _inter(row.get("inter2"), "inter2")
    return AcledEvent(
        id=eid, event_class=cls, date=date, precision=precision,
        actor1=actor1, inter1=_inter(row.get("inter1"), "inter1"),
        partners=_split(row.get("assoc_actor_1")),
        actor2=row.get("actor2"), inter2=inter2, targets2=_split(row.get("assoc_actor_2")),
        civilian_targeting=bool(row.get("civilian_targeting")) or inter2 == CIVILIAN_INTER,
        fatalities=fatalities or 0,
        stated=tags.get("ckg:fatalities") != "none",
        qualifier=qualifier if qualifier in QUALIFIERS else "exact",
        attribution=attribution if attribution in ATTRIBUTIONS else "asserted",
        country=row.get("iso", "country") or row.get("country"),
        admin1=row.get("admin1"), admin2=row.get("admin2"), admin3=row.get("admin3"),
        location=row.get("location"),
        lat=parse_float(row.get("latitude"), "latitude"),
        lon=parse_float(row.get("longitude"), "longitude"),
        source=row.get("source"), notes=row.get("notes"),
        qids={k: tags[f"{k}_wikidata"] for k in ("actor1", "actor2") if f"{k}_wikidata" in tags},
        place_iri=tags.get("ckg:place", ""),
    )


def _kind(b: DatasetBuilder, inter: int | None) -> str:
    """The class of a new actor from its ACLED inter code (the ontology's preferred class)."""
    m = load_mappings()
    if inter is not None and inter in m.inter_classes:
        return m.inter_classes[inter]
    coded = sorted(c for c, code in m.inter_codes.items() if code == inter)
    return coded[0] if coded else b.registry.kind_classes["Organization"]


def emit(a: AcledEvent, row: Row, b: DatasetBuilder) -> None:
    b.claim_event(a.id, row.line)
    b.row_country = country_code(a.country, b.registry) if a.country else None
    perp = (b.match_actor(a.actor1, lambda: _kind(b, a.inter1), a.qids.get("actor1"))
            if a.actor1 else None)
    partners = [b.match_actor(n, lambda: _kind(b, a.inter1)) for n in a.partners]
    targets: list[str] = []
    victims: list[Victim] = []
    if a.actor2 and not (a.inter2 == CIVILIAN_INTER and GENERIC_CIVILIANS.match(a.actor2)):
        targets.append(b.match_actor(a.actor2, lambda: _kind(b, a.inter2), a.qids.get("actor2")))
    targets += [b.match_actor(n, lambda: _kind(b, a.inter2)) for n in a.targets2]
    if a.civilian_targeting or a.inter2 == CIVILIAN_INTER:
        victims.append(Victim("civilians", a.fatalities or None,
                              a.qualifier if a.fatalities else None, "killed"))
    for role, key in (("actor1", perp), ("actor2", targets[0] if targets else None)):
        if key and role in a.qids and key not in b.registry.actors:
            b.add_same_as(key, a.qids[role])
    if a.place_iri in b.registry.places:  # our own export names the gazetteer place
        place: str | None = a.place_iri
        b.summary.places_matched += 1
    else:
        place = b.place_for(a.location or a.admin3 or a.admin2 or None, "Locality",
                            a.admin1 or None, a.lat, a.lon)
    ev = Event(
        id=f"acled-{a.id}", doc=b.report.doc, quotes=[], date=a.date, date_precision=a.precision,
        types=[a.event_class.removeprefix(CKG_NS)], perpetrators=[perp] if perp else [],
        partners=partners,
        targets=targets, victims=victims, killed=a.fatalities if a.stated else None,
        killed_qualifier=a.qualifier if a.stated else None,
        attribution=a.attribution, location=a.location or None, admin1=a.admin1 or None,
        country=b.row_country, notes=a.notes,
    )
    e = b.add_row_event(ev, row, place, identifier=f"acled:{a.id}")
    if a.source:
        from conflictkg.graph.build import _lit

        b.add(e, DCTERMS.source, _lit(a.source))


def import_acled(path: Path | str, dataset_name: str | None = None, registry: Registry | None = None,
                 info: DatasetInfo = INFO, sink: Sink | None = None) -> ImportResult:
    """Read an ACLED CSV export: good rows become events in the dataset's graph, bad rows
    are skipped and listed with their line numbers in the summary."""
    path = Path(path)
    text, rows = read_rows(path, REQUIRED)

    def convert(row: Row, b: DatasetBuilder) -> None:
        emit(parse_row(row), row, b)

    return build_dataset(path, info, dataset_name or path.stem, registry or load_registry(),
                         rows, text, convert, sink)


IMPORT = import_acled
