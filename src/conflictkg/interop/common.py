"""What every dataset import shares: reading CSV rows with their line numbers, matching
actors and places to the registry, and turning rows into the quads of one named graph.

A dataset is a source like a report (`ckg:Dataset` ⊑ `ckg:Report`): its events live in
`id/graph/dataset-<slug>`, each with an attribution (mode asserted) made by the
dataset's publisher and, as evidence, the row itself: a Web Annotation whose target
selects the row in the CSV file by character offsets and by quote, exactly as a report
sentence is selected. So queries that follow `ckg:evidence` work for both kinds of source.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from conflictkg.errors import BadInput
from conflictkg.facts import ActorRecord, Event, Span
from conflictkg.graph import iris
from conflictkg.graph.build import GraphBuilder, _bool, _int, _lit
from conflictkg.registry import Registry, norm
from conflictkg.reports import Report, ReportMeta, slug
from conflictkg.vocab import CKG, DCTERMS, GEO, OWL, RDF, RDFS, WD, XSD


class RowError(ValueError):
    """A row that cannot become an event; the message says why (the line is added later)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV record: its fields, its first physical line (1-based) and its text span."""

    line: int
    fields: dict[str, str]
    start: int
    end: int
    text: str

    def get(self, *names: str) -> str:
        """The first non-empty value among the column `names` (datasets rename columns)."""
        for n in names:
            v = self.fields.get(n)
            if v is not None and v.strip() and v.strip().upper() not in ("NA", "NULL"):
                return v.strip()
        return ""


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    reason: str


@dataclass(slots=True)
class ImportSummary:
    """What an import did, for the user and for tests."""

    file: str
    dataset: str  # the dataset node IRI
    graph: str  # the named graph IRI
    rows: int = 0
    imported: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    actors_matched: dict[str, str] = field(default_factory=dict)  # name in file -> registry key
    actors_created: dict[str, str] = field(default_factory=dict)  # name in file -> new key
    places_matched: int = 0
    places_created: int = 0

    def lines(self) -> list[str]:
        out = [
            f"{self.file}: {self.rows} rows read, {self.imported} imported, "
            f"{len(self.skipped)} skipped",
            f"graph: {self.graph}",
            f"actors: {len(self.actors_matched)} matched to the registry, "
            f"{len(self.actors_created)} created",
            f"places: {self.places_matched} rows placed in the gazetteer, "
            f"{self.places_created} new places created",
        ]
        out += [f"  skipped line {s.line}: {s.reason}" for s in self.skipped]
        out += [f"  matched '{n}' -> {k}" for n, k in sorted(self.actors_matched.items())]
        out += [f"  created actor {k} for '{n}'" for n, k in sorted(self.actors_created.items())]
        return out


@dataclass(slots=True)
class ImportResult:
    quads: list[ox.Quad]
    summary: ImportSummary


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """The dataset as a source: who publishes it and how to cite it."""

    name: str  # human name, e.g. "UCDP GED 23.1 (Mali rows)"
    publisher: str
    publisher_key: str  # registry key of the publisher as an actor
    citation: str
    url: str | None = None


def read_rows(path: Path, required: tuple[tuple[str, ...], ...] = ()) -> tuple[str, Iterator[Row]]:
    """The file's text and its records, each with the line it starts on and its offsets.

    The header is checked at once: `required` lists column groups of which it must hold at
    least one name (a missing column is a bad file, not a bad row: BadInput). The records
    are read lazily, so a large file is never held as rows all at once.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 (byte {exc.start}); convert it, e.g. iconv -t UTF-8") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput(f"{path}: empty file, expected a CSV header") from None
    except csv.Error as exc:
        raise BadInput(f"{path}:1: malformed CSV header: {exc}") from exc
    header = [h.strip() for h in header]
    missing = [" or ".join(g) for g in required if not any(n in header for n in g)]
    if missing:
        raise BadInput(f"{path}: not this format: the header lacks {', '.join(missing)}")
    # a CSV syntax error is a bad file: find it before anything is imported
    check = csv.reader(io.StringIO(text, newline=""))
    try:
        for _ in check:
            pass
    except csv.Error as exc:
        raise BadInput(f"{path}:{check.line_num}: malformed CSV: {exc}") from exc
    return text, _records(path, text, reader, header)


def _records(path: Path, text: str, reader, header: list[str]) -> Iterator[Row]:
    # physical lines as the csv reader counts them (str.splitlines would also break at
    # U+2028 or U+0085 inside a quoted note and shift every offset after it)
    lines = io.StringIO(text, newline="")
    lines.readline()
    pos, seen = lines.tell(), 1  # offset of the first unread line; lines consumed
    prev = reader.line_num
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadInput(f"{path}:{reader.line_num}: malformed CSV: {exc}") from exc
        first, last = prev, reader.line_num  # physical lines [first, last), 0-based
        prev = last
        start = pos
        while seen < last:
            pos += len(lines.readline())
            seen += 1
        if not any(c.strip() for c in rec):
            continue
        raw = text[start:pos].rstrip("\r\n")
        fields = {h: (rec[i] if i < len(rec) else "") for i, h in enumerate(header)}
        yield Row(first + 1, fields, start, start + len(raw), raw)


def parse_int(value: str, what: str, required: bool = False) -> int | None:
    v = value.strip()
    if not v:
        if required:
            raise RowError(f"missing {what}")
        return None
    try:
        f = float(v)
    except ValueError:
        raise RowError(f"{what} is not a number: {v!r}") from None
    if f != int(f) or f < 0:
        raise RowError(f"{what} is not a whole number >= 0: {v!r}")
    return int(f)


def parse_float(value: str, what: str) -> float | None:
    v = value.strip()
    if not v:
        return None
    try:
        return float(v)
    except ValueError:
        raise RowError(f"{what} is not a number: {v!r}") from None


_DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$"), (1, 2, 3)),  # 2023-03-24[ 00:00:00]
    (re.compile(r"^(\d{1,2}) ([A-Za-z]+) (\d{4})$"), (3, 2, 1)),  # 24 March 2023 (ACLED)
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), (3, 1, 2)),  # 03/24/2023 (spreadsheet)
)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def parse_date(value: str, what: str = "date") -> str:
    """An ISO date from the forms ACLED and UCDP files use; RowError when missing or unreadable."""
    import datetime as dt

    v = value.strip()
    if not v:
        raise RowError(f"missing {what}")
    for rx, (y, m, d) in _DATE_FORMATS:
        hit = rx.match(v)
        if not hit:
            continue
        month = hit[m]
        mon = int(month) if month.isdigit() else _MONTHS.get(month.lower()[:3], 0)
        try:
            return dt.date(int(hit[y]), mon, int(hit[d])).isoformat()
        except ValueError:
            break
    raise RowError(f"{what} is not a date: {v!r}")


_PAREN = re.compile(r"\s*\([^)]*\)\s*$")


def name_variants(name: str) -> list[str]:
    """The forms of an actor name to look up: as given, without a trailing '(Mali)' or
    '(2021-)' qualifier (ACLED), and each side of 'JNIM: Group for Support of Islam ...'."""
    out = [name.strip()]
    bare = name.strip()
    while _PAREN.search(bare):
        bare = _PAREN.sub("", bare)
        out.append(bare)
    if ":" in bare:
        out += [p.strip() for p in bare.split(":", 1)]
    return [v for v in dict.fromkeys(out) if v]


def actor_key_for(name: str) -> str:
    """The registry-style key of an actor the registry does not know: 'Ansar Dine' -> ANSAR_DINE."""
    base = _PAREN.sub("", name.strip()) or name.strip()
    return slug(base).replace("-", "_").upper() or "UNNAMED"


class DatasetBuilder(GraphBuilder):
    """The quads of one dataset's named graph: the GraphBuilder of reports, with the
    dataset node instead of a report node, per-row countries and new places placed
    by the row's coordinates."""

    def __init__(self, dataset_id: str, text: str, file_name: str, info: DatasetInfo,
                 registry: Registry, summary: ImportSummary) -> None:
        report = Report(doc=dataset_id, text=text, meta=ReportMeta(covers=2000, title=info.name,
                                                                   publisher=info.publisher))
        super().__init__(report, registry)
        self.file_name = file_name
        self.info = info
        self.summary = summary
        self.row_country: str | None = None
        self.actors_by_name: dict[str, str] = {}  # name in file -> key
        self.new_actors: dict[str, ActorRecord] = {}
        self._geometry_done: set[str] = set()
        self._row_place: str | None = None
        self.years: set[int] = set()
        self._qids: dict[str, str] | None = None
        self._event_lines: dict[str, int] = {}

    @property
    def country(self) -> str | None:  # type: ignore[override]
        return self.row_country

    def add_dataset(self) -> None:
        d = self.report_node
        self.add(d, RDF.type, CKG.Dataset)
        self.add(d, RDF.type, CKG.Report)
        title = f"{self.info.name} ({self.file_name})"
        self.add(d, RDFS.label, _lit(title, "en"))
        self.add(d, DCTERMS.title, _lit(title, "en"))
        self.add(d, DCTERMS.publisher, _lit(self.info.publisher))
        self.add(d, DCTERMS.bibliographicCitation, _lit(self.info.citation))
        self.add(d, DCTERMS.identifier, _lit(self.file_name))
        self.add(d, CKG.sha256, _lit(hashlib.sha256(self.report.text.encode("utf-8")).hexdigest()))
        if self.info.url:
            self.add(d, CKG.url, ox.Literal(self.info.url, datatype=XSD.anyURI))

    # -- actors ----------------------------------------------------------------
    def match_actor(self, name: str, kind: Callable[[], str], qid: str | None = None) -> str:
        """The registry key of `name` (by Wikidata QID when the file gives one, else by
        label or alias), or a new actor's key. `kind` gives the class IRI for a new actor
        (called only when one is created)."""
        if name in self.actors_by_name:
            return self.actors_by_name[name]
        by_qid = self._by_qid().get(qid) if qid else None
        if by_qid is not None:
            self.actors_by_name[name] = by_qid
            self.summary.actors_matched[name] = by_qid
            return by_qid
        for variant in name_variants(name):
            rec = self.registry.actor_by_alias(variant)
            if rec is not None:
                self.actors_by_name[name] = rec.key
                self.summary.actors_matched[name] = rec.key
                return rec.key
        key = actor_key_for(name)
        existing = self.new_actors.get(key)
        if existing is None:
            cls = kind()
            self.new_actors[key] = ActorRecord(key=key, label=_PAREN.sub("", name) or name, kind=cls,
                                               aliases=[name], in_registry=False)
        elif name not in existing.aliases:
            existing.aliases.append(name)
        self.actors_by_name[name] = key
        self.summary.actors_created[name] = key
        return key

    def claim_event(self, event_id: str, line: int) -> None:
        """Refuse a second row with the same id (call before anything is added): its
        dates and counts would give the event two values for one-valued properties."""
        first = self._event_lines.setdefault(event_id, line)
        if first != line:
            raise RowError(f"duplicate id {event_id!r}: the row on line {first} has it already")

    def _by_qid(self) -> dict[str, str]:
        if self._qids is None:
            self._qids = {r.wikidata: r.key for r in self.registry.actors.values() if r.wikidata}
        return self._qids

    def add_new_actors(self) -> None:
        for key in sorted(self.new_actors):
            rec = self.new_actors[key]
            self.add_actor(key, rec.label, rec.kind, rec.aliases)

    def add_same_as(self, key: str, qid: str) -> None:
        """A QID the file gives for an actor: `ckg:wikidata` + `owl:sameAs` (never fetched)."""
        if not re.fullmatch(r"Q\d+", qid):
            return
        node = self.actor(key)
        self.add(node, CKG.wikidata, _lit(qid))
        self.add(node, OWL.sameAs, WD[qid])

    # -- places ----------------------------------------------------------------
    def place_for(self, name: str | None, kind: str, admin1: str | None, lat: float | None,
                  lon: float | None) -> str | None:
        """The row's place: a gazetteer place of that name (inside the admin1 region when
        given), else a new place of `kind` in its region, with the row's point."""
        region_iri: str | None = None
        if admin1:
            region = self._region(admin1)
            region_iri = region.iri if region else self._created(admin1, "Region", None, None, None)
        if not name:
            # a row placed only in its country is placed in the country
            return region_iri or (iris.country(self.country) if self.country else None)
        hits = self.registry.places_named(name, self.country)
        if region_iri and len(hits) > 1:
            hits = [p for p in hits if self._within(p, region_iri)] or hits
        if hits:
            self.summary.places_matched += 1
            return sorted(hits, key=lambda p: (p.kind != kind, p.iri))[0].iri
        return self._created(name, kind, region_iri, lat, lon)

    def _created(self, name: str, kind: str, parent: str | None, lat: float | None,
                 lon: float | None) -> str:
        before = len(self._places_done)
        node = self._new_place(name, kind, parent)
        if len(self._places_done) > before:
            self.summary.places_created += 1
        if lat is not None and lon is not None and node.value not in self._geometry_done:
            self._geometry_done.add(node.value)
            geom = N(node.value + "#geometry")
            self.add(node, GEO.hasGeometry, geom)
            self.add(geom, RDF.type, GEO.Geometry)
            self.add(geom, GEO.asWKT, ox.Literal(f"POINT({lon:g} {lat:g})", datatype=WKT))
            self.add(node, CKG.coordinateSource, _lit(self.info.name))
        return node.value

    # -- events ------------------------------------------------------------------
    def resolve_place(self, name: str | None, admin1: str | None) -> ox.NamedNode | None:
        """Rows resolve their place with `place_for` first (it knows kinds and points)."""
        return N(self._row_place) if self._row_place else None

    def add_row_event(self, ev: Event, row: Row, place: str | None, low: int | None = None,
                      high: int | None = None, identifier: str | None = None) -> ox.NamedNode:
        ev.evidence = [Span(row.start, row.end, row.text)]
        if ev.date:
            self.years.add(int(ev.date[:4]))
        ev.attributed_by = [self.info.publisher_key]
        self._row_place = place
        try:
            e = self.add_event(ev)
        finally:
            self._row_place = None
        if low is not None:
            self.add(e, CKG.fatalitiesLow, _int(low))
        if high is not None:
            self.add(e, CKG.fatalitiesHigh, _int(high))
        if identifier:
            self.add(e, DCTERMS.identifier, _lit(identifier))
        return e


N = ox.NamedNode
WKT = ox.NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")


def dataset_id(name: str) -> str:
    return "dataset-" + slug(name)


def dataset_graph(name: str) -> str:
    return iris.report_graph(dataset_id(name))


Sink = Callable[[list[ox.Quad]], None]


def build_dataset(path: Path, info: DatasetInfo, dataset_name: str, registry: Registry,
                  rows: Iterable[Row], text: str, convert: Callable[[Row, DatasetBuilder], None],
                  sink: Sink | None = None, chunk: int = 2000) -> ImportResult:
    """Run `convert` on each row; a RowError skips the row and records its line.

    Without `sink` the result holds all quads, sorted. With one, quads are handed to it
    every `chunk` rows (in file order, so the same file gives the same output) and the
    result holds none: a
    300,000-row GED file is never in memory as quads all at once.
    """
    did = dataset_id(dataset_name)
    summary = ImportSummary(file=str(path), dataset=iris.report(did), graph=iris.report_graph(did))
    b = DatasetBuilder(did, text, path.name, info, registry, summary)
    b.add_dataset()
    publisher = registry.actor_by_alias(info.publisher_key) or registry.actor_by_alias(info.publisher)
    if publisher is None:
        org = registry.kind_classes["Organization"]
        b.new_actors[info.publisher_key] = ActorRecord(info.publisher_key, info.publisher, org,
                                                       in_registry=False)
    for row in _progress(rows, path):
        summary.rows += 1
        mark = len(b.quads)
        try:
            convert(row, b)
        except RowError as exc:
            del b.quads[mark:]
            summary.skipped.append(Skipped(row.line, str(exc)))
            continue
        summary.imported += 1
        if sink is not None and summary.rows % chunk == 0:
            sink(list(dict.fromkeys(b.quads)))  # deduplicated, in the builder's (file) order
            b.quads.clear()
    b.add_new_actors()
    if b.years:
        # ckg:coversYear is one year per source (shapes/report.ttl): for a dataset, the
        # last year its rows reach; every row carries its own full date anyway
        b.add(b.report_node, CKG.coversYear, _int(max(b.years)))
    if sink is None:
        return ImportResult(sorted(set(b.quads), key=str), summary)
    sink(list(dict.fromkeys(b.quads)))
    return ImportResult([], summary)


def _progress(rows: Iterable[Row], path: Path) -> Iterator[Row]:
    """Rows with a progress bar on stderr for large files (STYLE: long work shows progress)."""
    if path.stat().st_size < 2_000_000:
        yield from rows
        return
    from tqdm import tqdm

    yield from tqdm(rows, desc=f"import {path.name}", unit="row")


_ = (_bool, norm)


def country_code(value: str, registry: Registry) -> str | None:
    """ISO alpha-2 of a country given by name, alpha-2/3 or ISO numeric code (ACLED 'iso')."""
    v = value.strip()
    if not v:
        return None
    for p in registry.places_named(v):
        if p.kind == "Country" and p.country:
            return p.country
    import pycountry

    try:
        hit = pycountry.countries.get(numeric=v.zfill(3)) if v.isdigit() else pycountry.countries.lookup(v)
    except LookupError:
        return None
    return hit.alpha_2 if hit else None


_SUFFIX_KIND = {"region": "Region", "cercle": "Circle", "circle": "Circle", "commune": "Commune",
                "forest": "NaturalFeature", "valley": "NaturalFeature", "river": "NaturalFeature",
                "lake": "NaturalFeature", "town": "Locality", "village": "Locality",
                "city": "Locality", "locality": "Locality", "camp": "Locality", "well": "Locality"}


def split_place(name: str) -> tuple[str, str]:
    """UCDP names places with their kind: 'Konna town', 'Niono cercle', 'Mopti region',
    'Ouagadou forest' -> ('Konna', 'Locality'), ... (UCDP GED codebook, where_coordinates)."""
    words = name.strip().split()
    if len(words) > 1 and words[-1].lower() in _SUFFIX_KIND:
        return " ".join(words[:-1]), _SUFFIX_KIND[words[-1].lower()]
    return name.strip(), "Locality"
