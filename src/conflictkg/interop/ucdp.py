"""Import UCDP GED rows (UCDP Georeferenced Event Dataset codebook, version 23.1) as events.

Each row is one event of organised violence between `side_a` and `side_b`:
type_of_violence 1 (state-based) and 2 (non-state) are fights in which both sides are
perpetrators and targets; 3 (one-sided) is `side_a` acting on civilians. Which ckg
event class each type becomes is read from the ontology's mappings. Deaths by side
become victim groups; `best` is `ckg:fatalities`, `low` / `high` are kept as
`ckg:fatalitiesLow` / `ckg:fatalitiesHigh`.

The reduced column set of the UCDP-AEC corpus (side_a_name, location_adm1_name,
start_date, deaths_low, ...) is read too; it has no type_of_violence, so the type is
inferred by the GED's own naming rules: side_b "Civilians" is one-sided violence, a
side_a "Government of ..." is state-based, anything else non-state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conflictkg.facts import Event, Victim
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
    split_place,
)
from conflictkg.interop.mappings import load_mappings
from conflictkg.registry import Registry, load_registry

INFO = DatasetInfo(
    name="UCDP Georeferenced Event Dataset",
    publisher="Uppsala Conflict Data Program",
    publisher_key="UCDP",
    citation=("Sundberg, Ralph and Erik Melander (2013), 'Introducing the UCDP Georeferenced "
              "Event Dataset', Journal of Peace Research 50(4). UCDP data: CC BY 4.0."),
    url="https://ucdp.uu.se/downloads/",
)
CIVILIANS = "civilians"  # UCDP's side_b of one-sided violence
REQUIRED = (("id",), ("side_a", "side_a_name"), ("side_b", "side_b_name"),
            ("date_start", "start_date"))


@dataclass(slots=True)
class UcdpEvent:
    """One UCDP row, read and checked, before any actor or place is looked up."""

    id: str
    violence: int
    event_class: str
    side_a: list[str]
    side_b: list[str]
    start: str
    end: str
    best: int | None
    low: int | None
    high: int | None
    deaths: dict[str, int | None]  # a, b, civilians, unknown
    country: str
    adm1: str
    adm2: str
    where: str
    where_prec: int | None
    lat: float | None
    lon: float | None
    notes: str


def _sides(value: str) -> list[str]:
    """UCDP names an alliance side 'GATIA, MSA': one actor per comma-separated name."""
    return [p.strip() for p in value.split(",") if p.strip()]


def _violence(row: Row) -> int:
    raw = row.get("type_of_violence")
    if raw:
        code = parse_int(raw, "type_of_violence")
        assert code is not None
        return code
    side_a, side_b = row.get("side_a", "side_a_name"), row.get("side_b", "side_b_name")
    if side_b.lower() == CIVILIANS:
        return 3
    return 1 if side_a.lower().startswith("government of") else 2


def parse_row(row: Row) -> UcdpEvent:
    """Check one row; RowError says what is wrong with it."""
    uid = row.get("id")
    if not uid:
        raise RowError("missing id")
    violence = _violence(row)
    cls = load_mappings().ucdp_classes.get(violence)
    if cls is None:
        raise RowError(f"unknown type_of_violence {violence} (1 state-based, 2 non-state, 3 one-sided)")
    side_a, side_b = _sides(row.get("side_a", "side_a_name")), _sides(row.get("side_b", "side_b_name"))
    if not side_a:
        raise RowError("missing side_a")
    start = parse_date(row.get("date_start", "start_date"), "date_start")
    end_raw = row.get("date_end", "end_date")
    end = parse_date(end_raw, "date_end") if end_raw else start
    if end < start:
        raise RowError(f"date_end {end} is before date_start {start}")
    deaths = {
        "a": parse_int(row.get("deaths_a", "deaths_side_a"), "deaths_a"),
        "b": parse_int(row.get("deaths_b", "deaths_side_b"), "deaths_b"),
        "civilians": parse_int(row.get("deaths_civilians", "deaths_civilian"), "deaths_civilians"),
        "unknown": parse_int(row.get("deaths_unknown"), "deaths_unknown"),
    }
    notes = "; ".join(p for p in (
        f"UCDP GED id {uid}", f"type_of_violence {violence}",
        row.get("dyad_name") and f"dyad {row.get('dyad_name')}",
        row.get("where_description") and f"where: {row.get('where_description')}",
        row.get("source_office") and f"sources: {row.get('source_office')}",
    ) if p)
    return UcdpEvent(
        id=uid, violence=violence, event_class=cls, side_a=side_a, side_b=side_b,
        start=start, end=end,
        best=parse_int(row.get("best"), "best"),
        low=parse_int(row.get("low", "deaths_low"), "low"),
        high=parse_int(row.get("high", "deaths_high"), "high"),
        deaths=deaths,
        country=row.get("country", "location_root_name"),
        adm1=row.get("adm_1", "location_adm1_name"),
        adm2=row.get("adm_2", "location_adm2_name"),
        where=row.get("where_coordinates", "location_where_name"),
        where_prec=parse_int(row.get("where_prec"), "where_prec"),
        lat=parse_float(row.get("latitude"), "latitude"),
        lon=parse_float(row.get("longitude"), "longitude"),
        notes=notes,
    )


def _actor_kind(b: DatasetBuilder, name: str, violence: int, side: str) -> str:
    """The class of an actor the registry lacks, from UCDP's coding rules: a side named
    'Government of X' is a government; the opposition in state-based conflict is a
    rebel group; other organised groups are non-state armed groups."""
    from conflictkg.vocab import CKG

    if name.lower().startswith("government of"):
        return b.registry.kind_classes["Government"]
    if violence == 1 and side == "b":
        return b.registry.kind_classes["RebelGroup"]
    return CKG.iri("NonStateArmedGroup")


def _is_state(b: DatasetBuilder, key: str) -> bool:
    rec = b.registry.actors.get(key)
    kind = rec.kind if rec else None
    if kind is None and key in b.new_actors:
        return b.new_actors[key].kind == b.registry.kind_classes["Government"]
    return kind in ("Government", "StateForce")


def emit(u: UcdpEvent, row: Row, b: DatasetBuilder) -> None:
    b.claim_event(u.id, row.line)
    b.row_country = country_code(u.country, b.registry) if u.country else None
    def key(name: str, side: str) -> str:
        return b.match_actor(name, lambda: _actor_kind(b, name, u.violence, side))

    a = [key(n, "a") for n in u.side_a]
    one_sided = u.violence == 3 or [n.lower() for n in u.side_b] == [CIVILIANS]
    bside = [] if one_sided else [key(n, "b") for n in u.side_b]
    victims = []
    for side, keys in (("a", a), ("b", bside)):
        n = u.deaths[side]
        if n:
            state = any(_is_state(b, k) for k in keys)
            victims.append(Victim("soldiers" if state else "fighters", n, "exact", "killed"))
    if u.deaths["civilians"]:
        victims.append(Victim("civilians", u.deaths["civilians"], "exact", "killed"))
    if u.deaths["unknown"]:
        victims.append(Victim("persons", u.deaths["unknown"], "exact", "killed"))
    name, kind = split_place(u.where) if u.where else ("", "Locality")
    adm1 = split_place(u.adm1)[0] if u.adm1 else ""
    if u.where_prec is not None and u.where_prec >= 4:
        name = ""  # the 'where' is the region or the country itself
    if kind == "Region":
        name, adm1 = "", adm1 or name
    place = b.place_for(name or None, kind, adm1 or None, u.lat, u.lon)
    best = u.best if u.best is not None else u.low
    qualifier = "exact" if (u.low is None or u.high is None or u.low == u.high) else (
        "about" if u.best is not None else "at_least")
    from conflictkg.vocab import CKG_NS

    ev = Event(
        id=f"ucdp-ged-{u.id}", doc=b.report.doc, quotes=[],
        date=u.start if u.start == u.end else f"{u.start}/{u.end}",
        date_precision="day" if u.start == u.end else "range",
        types=[u.event_class.removeprefix(CKG_NS)],
        perpetrators=a + bside, targets=bside + (a if bside else []),
        victims=victims, killed=best, killed_qualifier=qualifier if best is not None else None,
        location=name or None, admin1=adm1 or None, country=b.row_country, notes=u.notes,
    )
    b.add_row_event(ev, row, place, low=u.low, high=u.high, identifier=f"ucdp-ged:{u.id}")


def import_ucdp(path: Path | str, dataset_name: str | None = None, registry: Registry | None = None,
                info: DatasetInfo = INFO, sink: Sink | None = None) -> ImportResult:
    """Read a UCDP GED CSV: good rows become events in the dataset's graph, bad rows are
    skipped and listed with their line numbers in the summary."""
    path = Path(path)
    text, rows = read_rows(path, REQUIRED)
    name = dataset_name or path.stem

    def convert(row: Row, b: DatasetBuilder) -> None:
        emit(parse_row(row), row, b)

    return build_dataset(path, info, name, registry or load_registry(), rows, text, convert, sink)


IMPORT = import_ucdp
