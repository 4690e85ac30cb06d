"""Export events as an ACLED-style CSV: one row per event, ACLED's columns and codes.

The codes come from the ontology (ACLED event / sub-event / disorder types from the SKOS
mappings, inter codes from `ckg:acledInterCode` on actor classes, time precision from
`ckg:acledTimePrecision`), so this module restates none of them. Choices an ACLED user
should know (also in docs/model.md):

- `event_id_cnty`: the ISO alpha-3 code and a number derived from the event IRI (stable
  across runs and stores); events imported from ACLED keep their own id.
- `event_date`: the first day of the coded date; `time_precision` from its precision;
  the date as coded (month, year, range) is kept in `tags` as `ckg:date=...`.
- `actor1`: the perpetrator with the lowest inter code (state forces first, as ACLED
  orders them), empty when the report names none (ACLED would say "Unidentified Armed
  Group", which the report does not); other perpetrators and partners go to `assoc_actor_1`. `actor2`: the
  first target, or "Civilians (<country>)" (inter 7) when the only people acted on are
  civilian victims; `civilian_targeting` is "Civilian targeting" then.
- `interaction`: ACLED's two-digit code, lower inter code first (17 = state forces vs
  civilians; 10 when there is no actor2).
- `latitude`/`longitude`: the gazetteer point of the place, or of its nearest ancestor
  that has one; `geo_precision` 1 (the locality itself), 2 (a point of the commune or
  circle around it), 3 (a region or country point).
- `source`: the publishers of the reports that state the event; `notes`: the evidence
  quotes; `fatalities`: the stated number (a lower bound for "at least"), else the sum
  of the killed victim groups, else 0; its qualifier is kept in `tags`, and
  `ckg:fatalities=none` says the report gives no toll for the event itself.
- `tags`: `key=value` pairs ACLED has no column for: `ckg:event` (the event IRI),
  `ckg:type` (its main ckg class: ACLED's "Other" covers seven), `ckg:place` (the place
  IRI: "Gao" may be the town or the region), `ckg:date`,
  `fatalities_qualifier`, `attribution` (when not asserted),
  `actor1_wikidata` / `actor2_wikidata` / `location_wikidata` (Wikidata QIDs of the
  registry and gazetteer; the import matches actors by them first).
- `region`: ACLED's world region of the event's country (`data/acled_regions.tsv`:
  ACLED's grouping, e.g. Mali "Western Africa", Sudan "Northern Africa", Turkey "Middle
  East"); empty when the country is unknown.
- `source_scale`: ACLED's scale (Local ... International) of the reports that state the
  event, by publisher (`data/acled_source_scale.tsv`). Human Rights Watch's World Report and
  the State Department's Country Reports are written outside the countries they cover, for
  every country: "International" (not "National", which ACLED keeps for sources based in
  the event's country). Several scales are joined narrowest first, as ACLED writes them
  ("National-International"); a publisher the table does not know, and an event that comes
  only from a dataset (UCDP, ACLED rows), leave it empty rather than guessed.
- `timestamp` is 0 so the file is reproducible. Aggregate statements (`ckg:aggregate true`) are not
  events in ACLED's sense and are left out.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from conflictkg.export import Exporter, register
from conflictkg.interop.acled import COLUMNS
from conflictkg.interop.mappings import Mappings, load_mappings
from conflictkg.vocab import CKG_NS, sparql_prefixes

CIVILIAN_INTER = 7
PLACE_KINDS = ("Country", "Region", "Circle", "Commune", "Locality", "NaturalFeature")
# Victim categories that are not civilians (ACLED: "civilians are unarmed...").
ARMED_VICTIMS = frozenset({"soldiers", "peacekeepers", "fighters"})
DATA = Path(__file__).parent / "data"
# ACLED's region names (codebook; the API's `region` values).
ACLED_REGIONS = ("Western Africa", "Middle Africa", "Eastern Africa", "Southern Africa",
                 "Northern Africa", "South Asia", "Southeast Asia", "Middle East", "Europe",
                 "Caucasus and Central Asia", "Central America", "South America", "Caribbean",
                 "East Asia", "North America", "Oceania", "Antarctica")
# ACLED's source scales, narrowest first: the order of a combined scale ("National-International").
SOURCE_SCALES = ("Local partner", "Other", "New media", "Local", "Subnational", "National",
                 "Regional", "International")


def _table(name: str) -> list[list[str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("#")]


@cache
def acled_regions() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> ACLED region name."""
    table = {row[0]: row[1] for row in _table("acled_regions.tsv")}
    unknown = set(table.values()) - set(ACLED_REGIONS)
    if unknown:
        raise ValueError(f"{DATA / 'acled_regions.tsv'}: not ACLED regions: {sorted(unknown)}")
    return table


@cache
def _publisher_scales() -> tuple[tuple[str, str], ...]:
    rows = tuple((row[0], row[1]) for row in _table("acled_source_scale.tsv"))
    unknown = {scale for _, scale in rows} - set(SOURCE_SCALES)
    if unknown:
        raise ValueError(f"{DATA / 'acled_source_scale.tsv'}: not ACLED source scales: {sorted(unknown)}")
    return rows


def source_scale(publishers: Iterable[str]) -> str:
    """ACLED's source scale of reports by these publishers ("" if any is not in the table)."""
    scales = set()
    for pub in publishers:
        scale = next((s for prefix, s in _publisher_scales() if pub.startswith(prefix)), None)
        if scale is None:
            return ""
        scales.add(scale)
    return "-".join(s for s in SOURCE_SCALES if s in scales)


@dataclass(slots=True)
class _Actor:
    iri: str
    label: str = ""
    classes: set[str] = field(default_factory=set)
    qid: str = ""


@dataclass(slots=True)
class _Place:
    iri: str
    label: str = ""
    kind: str = ""
    parents: set[str] = field(default_factory=set)
    wkt: str = ""
    iso: str = ""
    qid: str = ""


@dataclass(slots=True)
class _Event:
    iri: str
    main: str = ""
    start: str = ""
    date_text: str = ""
    precision: str = ""
    place: str = ""
    fatalities: int | None = None
    qualifier: str = ""
    notes: list[str] = field(default_factory=list)
    identifier: str = ""
    sources: set[str] = field(default_factory=set)
    publishers: set[str] = field(default_factory=set)  # of the reports (not datasets) stating it
    countries: set[str] = field(default_factory=set)
    roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    modes: set[str] = field(default_factory=set)
    quotes: list[tuple[int, str]] = field(default_factory=list)
    killed: int = 0
    civilian_victims: bool = False


def _rows(store: Any, query: str) -> list[dict[str, str]]:
    res = store.query(sparql_prefixes() + query, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return [{n: (t.value if t is not None else "") for n, t in zip(names, sol, strict=True)}
            for sol in res]


_EVENTS = """
SELECT DISTINCT ?e ?main ?start ?text ?prec ?place ?fat ?qual ?id ?agg WHERE {
  ?e a ckg:Event .
  OPTIONAL { ?e ckg:mainType ?main } OPTIONAL { ?e ckg:startDate ?start }
  OPTIONAL { ?e ckg:dateText ?text } OPTIONAL { ?e ckg:datePrecision ?prec }
  OPTIONAL { ?e ckg:place ?place } OPTIONAL { ?e ckg:fatalities ?fat }
  OPTIONAL { ?e ckg:fatalitiesQualifier ?qual } OPTIONAL { ?e dcterms:identifier ?id }
  OPTIONAL { ?e ckg:aggregate ?agg }
}"""
_SOURCES = """
SELECT DISTINCT ?e ?pub ?dataset ?src ?country ?notes WHERE {
  ?e a ckg:Event ; ckg:inReport ?r .
  OPTIONAL { ?r dcterms:publisher ?pub } OPTIONAL { ?r ckg:reportCountry ?country }
  OPTIONAL { ?r a ckg:Dataset . BIND(true AS ?dataset) }
  OPTIONAL { ?e dcterms:source ?src } OPTIONAL { ?e ckg:notes ?notes }
}"""
_ROLES = """
SELECT DISTINCT ?e ?role ?a WHERE {
  VALUES ?role { ckg:perpetrator ckg:partner ckg:target }
  ?e a ckg:Event ; ?role ?a .
}"""
_MODES = """
SELECT DISTINCT ?e ?mode WHERE { ?e a ckg:Event ; ckg:attribution/ckg:attributionMode ?mode . }"""
# actors of events, one DISTINCT query per property (see _PLACE_PROPS for why)
_ACTOR_SET = """{ SELECT DISTINCT ?a WHERE {
  ?e a ckg:Event ; ckg:perpetrator|ckg:partner|ckg:target ?a } }"""
_ACTOR_PROPS = {
    "cls": f"SELECT DISTINCT ?a ?v WHERE {{ {_ACTOR_SET} ?a a ?v }}",
    "label": f"SELECT DISTINCT ?a ?v WHERE {{ {_ACTOR_SET} ?a rdfs:label ?v }}",
    "pref": f"SELECT DISTINCT ?a ?v WHERE {{ {_ACTOR_SET} ?a skos:prefLabel ?v }}",
    "qid": f"SELECT DISTINCT ?a ?v WHERE {{ {_ACTOR_SET} ?a ckg:wikidata ?v }}",
}
_QUOTES = """
SELECT DISTINCT ?e ?quote ?start WHERE {
  ?e a ckg:Event ; ckg:evidence ?ev .
  ?ev ckg:inReport ?r ; ckg:quote ?quote .
  OPTIONAL { ?ev ckg:startOffset ?start }
  FILTER NOT EXISTS { ?r a ckg:Dataset }
}"""
_VICTIMS = """
SELECT DISTINCT ?e ?cat ?harm ?count WHERE {
  ?e a ckg:Event ; ckg:victims ?v . ?v ckg:victimCategory ?cat ; ckg:harm ?harm .
  OPTIONAL { ?v ckg:count ?count }
}"""
# One DISTINCT query per place property: the union graph repeats a place described in
# several report graphs once per graph, and OPTIONALs over it would multiply the repeats.
_PLACE_PROPS = {
    "kind": """SELECT DISTINCT ?p ?v WHERE {
      VALUES ?v { ckg:Country ckg:Region ckg:Circle ckg:Commune ckg:Locality ckg:NaturalFeature }
      ?p a ?v }""",
    "label": """SELECT DISTINCT ?p ?v WHERE {
      { SELECT DISTINCT ?p WHERE { ?p ckg:partOf|ckg:iso3166 [] } } ?p rdfs:label ?v }""",
    "parent": "SELECT DISTINCT ?p ?v WHERE { ?p ckg:partOf ?v }",
    "wkt": "SELECT DISTINCT ?p ?v WHERE { ?p geo:hasGeometry/geo:asWKT ?v }",
    "iso": "SELECT DISTINCT ?p ?v WHERE { ?p ckg:iso3166 ?v }",
    "qid": """SELECT DISTINCT ?p ?v WHERE {
      { SELECT DISTINCT ?p WHERE { ?p ckg:partOf|ckg:iso3166 [] } } ?p ckg:wikidata ?v }""",
}


def _local(iri: str) -> str:
    return iri.removeprefix(CKG_NS)


def _collect(store: Any) -> tuple[dict[str, _Event], dict[str, _Actor], dict[str, _Place]]:
    events: dict[str, _Event] = {}
    aggregate: set[str] = set()
    for r in _rows(store, _EVENTS):
        e = events.setdefault(r["e"], _Event(r["e"]))
        e.main = e.main or r["main"]
        e.start = min(filter(None, (e.start, r["start"])), default="")
        e.date_text = e.date_text or r["text"]
        e.precision = e.precision or r["prec"]
        e.place = e.place or r["place"]
        if r["fat"]:
            e.fatalities = max(e.fatalities or 0, int(r["fat"]))
            e.qualifier = e.qualifier or _local(r["qual"])
        if r["id"].startswith("acled:"):
            e.identifier = r["id"].removeprefix("acled:")
        if r["agg"] == "true":
            aggregate.add(r["e"])
    for iri in aggregate:
        events.pop(iri, None)
    for r in _rows(store, _SOURCES):
        src = events.get(r["e"])
        if src is None:
            continue
        e = src
        if r["dataset"] and r["src"]:
            e.sources.add(r["src"])
        elif r["pub"]:
            e.sources.add(r["pub"])
        if r["pub"] and not r["dataset"]:
            e.publishers.add(r["pub"])
        if r["country"]:
            e.countries.add(r["country"])
        if r["notes"] and r["dataset"] and r["notes"] not in e.notes:
            e.notes.append(r["notes"])
    for r in _rows(store, _ROLES):
        if r["e"] in events:
            events[r["e"]].roles[_local(r["role"])].add(r["a"])
    for r in _rows(store, _MODES):
        if r["e"] in events:
            events[r["e"]].modes.add(_local(r["mode"]))
    for r in _rows(store, _QUOTES):
        if r["e"] in events:
            item = (int(r["start"] or 0), r["quote"])
            if item not in events[r["e"]].quotes:
                events[r["e"]].quotes.append(item)
    for r in _rows(store, _VICTIMS):
        vic = events.get(r["e"])
        if vic is None:
            continue
        e = vic
        cat = _local(r["cat"])
        if _local(r["harm"]) == "killed" and r["count"]:
            e.killed += int(r["count"])
        if cat not in ARMED_VICTIMS:
            e.civilian_victims = True
    actors: dict[str, _Actor] = {}
    for prop, query in _ACTOR_PROPS.items():
        for r in sorted(_rows(store, query), key=lambda r: (r["a"], r["v"])):
            a = actors.setdefault(r["a"], _Actor(r["a"]))
            if prop == "cls":
                a.classes.add(r["v"])
            elif prop == "qid":
                a.qid = a.qid or r["v"]
            elif prop == "pref" or not a.label:
                a.label = r["v"]  # skos:prefLabel wins over rdfs:label
    places: dict[str, _Place] = {}
    for prop, query in _PLACE_PROPS.items():
        for r in sorted(_rows(store, query), key=lambda r: (r["p"], r["v"])):
            p = places.setdefault(r["p"], _Place(r["p"]))
            if prop == "kind":
                p.kind = _local(r["v"])
            elif prop == "parent":
                p.parents.add(r["v"])
            elif not getattr(p, prop):
                setattr(p, prop, r["v"])
    return events, actors, places


def _ancestors(place: str, places: dict[str, _Place]) -> list[_Place]:
    """The place and everything it is part of, nearest first (breadth first)."""
    out, seen, frontier = [], {place}, [place]
    while frontier:
        nxt = []
        for iri in sorted(frontier):
            p = places.get(iri)
            if p is None:
                continue
            out.append(p)
            for parent in sorted(p.parents - seen):
                seen.add(parent)
                nxt.append(parent)
        frontier = nxt
    return out


def _point(wkt: str) -> tuple[str, str]:
    lon, lat = wkt.split("(", 1)[1].rstrip(")").split()[:2]
    return f"{float(lat):.4f}", f"{float(lon):.4f}"


_PRECISION = {"Locality": 1, "NaturalFeature": 1, "Commune": 2, "Circle": 2, "Region": 3, "Country": 3}


def _geo(chain: list[_Place]) -> tuple[str, str, str]:
    for n, p in enumerate(chain):
        if p.wkt:
            lat, lon = _point(p.wkt)
            level = _PRECISION.get(p.kind, 3)
            if n > 0 and level == 1:
                level = 2
            return lat, lon, str(level)
    return "", "", ""


def _country(iso2: str) -> tuple[str, str, str]:
    """(alpha-3, ISO numeric without leading zeros as ACLED writes it, name)."""
    import pycountry

    c = pycountry.countries.get(alpha_2=iso2.upper()) if iso2 else None
    return (c.alpha_3, str(int(c.numeric)), c.name) if c else ("XXX", "", "")


def _event_number(iri: str) -> int:
    return int(hashlib.sha1(iri.encode()).hexdigest(), 16) % 10**8


def acled_rows(store: Any, mappings: Mappings | None = None) -> list[dict[str, str]]:
    """The events of the store as ACLED rows (dicts over COLUMNS), sorted by date and id."""
    m = mappings or load_mappings()
    events, actors, places = _collect(store)

    def inter(iri: str) -> int:
        code = m.inter_code(actors[iri].classes) if iri in actors else None
        return code if code is not None else 8

    def name(iri: str) -> str:
        a = actors.get(iri)
        return (a.label if a and a.label else iri.rsplit("/", 1)[-1])

    def ranked(iris: set[str]) -> list[str]:
        return sorted(iris, key=lambda i: (inter(i), name(i), i))

    rows: list[dict[str, str]] = []
    used_ids: set[str] = set()
    for e in sorted(events.values(), key=lambda e: e.iri):
        chain = _ancestors(e.place, places) if e.place else []
        by_kind: dict[str, _Place] = {}
        for p in chain:
            by_kind.setdefault(p.kind, p)
        if "Country" not in by_kind:
            for c in sorted(e.countries):
                by_kind.setdefault("Country", places.get(c) or _Place(c))
                chain = chain + _ancestors(c, places)
        country = by_kind.get("Country")
        iso2 = country.iso if country else ""
        alpha3, numeric, cname = _country(iso2)
        lat, lon, geo_prec = _geo(chain)
        perps = ranked(e.roles.get("perpetrator", set()))
        partners = ranked(e.roles.get("partner", set()) - set(perps))
        targets = ranked(e.roles.get("target", set()) - set(perps))
        # a fight coded with both sides as perpetrators and targets (ckg:ArmedClash, UCDP
        # state-based and non-state rows): ACLED puts the sides in actor1 and actor2
        two_sided = (e.main == CKG_NS + "ArmedClash" or e.roles.get("target", set()) & set(perps))
        if two_sided and not targets and len(perps) >= 2:
            targets = [p for p in perps[1:] if inter(p) != inter(perps[0])][:1] or perps[1:2]
            perps = [p for p in perps if p not in targets]
        # an event whose report names no perpetrator keeps an empty actor1 (ACLED would
        # write "Unidentified Armed Group", a claim the report does not make)
        actor1 = perps[0] if perps else ""
        assoc1 = perps[1:] + partners
        inter1 = inter(actor1) if actor1 else 0
        if targets:
            actor2, inter2 = name(targets[0]), inter(targets[0])
        elif e.civilian_victims:
            actor2, inter2 = f"Civilians ({cname or 'International'})", CIVILIAN_INTER
        else:
            actor2, inter2 = "", 0
        acled_type = m.acled_type(e.main) if e.main else None
        eid = e.identifier
        if not eid:
            n = _event_number(e.iri)
            while f"{alpha3}{n}" in used_ids:
                n += 1
            eid = f"{alpha3}{n}"
        used_ids.add(eid)
        fatalities = e.fatalities if e.fatalities is not None else e.killed
        tags = [f"ckg:event={e.iri}"]
        if e.main:
            tags.append(f"ckg:type={_local(e.main)}")
        if e.place:
            tags.append(f"ckg:place={e.place}")
        if e.date_text:
            tags.append(f"ckg:date={e.date_text}")
        if e.fatalities is None:
            tags.append("ckg:fatalities=none")  # the report states no death toll
        elif e.qualifier and e.qualifier != "exact":
            tags.append(f"fatalities_qualifier={e.qualifier}")
        modes = sorted(e.modes - {"asserted"})
        if modes:
            tags.append(f"attribution={modes[0]}")
        if actor1 in actors and actors[actor1].qid:
            tags.append(f"actor1_wikidata={actors[actor1].qid}")
        if targets and actors.get(targets[0]) and actors[targets[0]].qid:
            tags.append(f"actor2_wikidata={actors[targets[0]].qid}")
        if chain and chain[0].qid:
            tags.append(f"location_wikidata={chain[0].qid}")
        quotes = [q for _, q in sorted(e.quotes)]
        lo, hi = sorted((inter1, inter2)) if inter1 and inter2 else (inter1 or inter2, 0)
        rows.append({
            "event_id_cnty": eid,
            "event_date": e.start,
            "year": e.start[:4],
            "time_precision": str(m.time_precision.get(e.precision, "")) if e.precision else "",
            "disorder_type": acled_type.disorder_type if acled_type else "",
            "event_type": acled_type.event_type if acled_type else "",
            "sub_event_type": acled_type.sub_event_type if acled_type else "",
            "actor1": name(actor1) if actor1 else "",
            "assoc_actor_1": "; ".join(name(a) for a in assoc1),
            "inter1": str(inter1) if actor1 else "",
            "actor2": actor2,
            "assoc_actor_2": "; ".join(name(a) for a in targets[1:]),
            "inter2": str(inter2) if actor2 else "",
            "interaction": f"{lo}{hi}" if inter1 else "",
            "civilian_targeting": "Civilian targeting" if inter2 == CIVILIAN_INTER else "",
            "iso": numeric,
            "region": acled_regions().get(iso2.upper(), "") if iso2 else "",
            "country": cname,
            "admin1": by_kind["Region"].label if "Region" in by_kind else "",
            "admin2": by_kind["Circle"].label if "Circle" in by_kind else "",
            "admin3": by_kind["Commune"].label if "Commune" in by_kind else "",
            "location": chain[0].label if chain and chain[0].kind != "Country" else "",
            "latitude": lat,
            "longitude": lon,
            "geo_precision": geo_prec,
            "source": "; ".join(sorted(e.sources)),
            "source_scale": source_scale(sorted(e.publishers)),
            "notes": " ".join(quotes) if quotes else " ".join(e.notes),
            "fatalities": str(fatalities),
            "tags": "; ".join(tags),
            "timestamp": "0",
        })
    rows.sort(key=lambda r: (r["event_date"], r["event_id_cnty"]))
    return rows


def write(store: Any, out: IO[bytes]) -> None:
    """Write the ACLED CSV (UTF-8, header row, RFC 4180 quoting) to a binary stream."""
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    w.writerows(acled_rows(store))
    out.write(buf.getvalue().encode("utf-8"))


register(Exporter("acled-csv", ".csv", "ACLED-style event CSV (one row per event, ACLED columns and codes)",
                  write))
