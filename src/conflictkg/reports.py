"""Reports and their metadata sidecars.

A report is a UTF-8 plain-text file `NAME.txt` with a sidecar `NAME.meta.json`:

    {"title": "...", "publisher": "...", "url": "https://...", "covers": 2023,
     "published": "2024-01", "language": "en", "country": "ML"}

`covers` (the year whose events the report tells) is required: dates without a year
belong to it. `country` is the ISO 3166-1 alpha-2 code of the country the report is
about. See seeds/README.md.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from conflictkg.errors import BadInput

SIDECAR_SUFFIX = ".meta.json"
REQUIRED = ("covers",)


@dataclass(slots=True)
class ReportMeta:
    covers: int
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = None
    language: str = "en"
    country: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(slots=True)
class Report:
    """A report's text and metadata. `doc` is its file name, the key facts cite."""

    doc: str
    text: str
    meta: ReportMeta
    path: Path | None = None

    @property
    def id(self) -> str:
        """The report's key in IRIs: the file name without extension, made IRI-safe."""
        return slug(Path(self.doc).stem, keep_case=True)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def slug(text: str, keep_case: bool = False) -> str:
    """An IRI-safe key: letters, digits, '-' and '_' (accents folded)."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    out = re.sub(r"[^A-Za-z0-9_-]+", "-", folded).strip("-")
    return out if keep_case else out.lower()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def parse_meta(obj: Any, where: str) -> ReportMeta:
    if not isinstance(obj, dict):
        raise BadInput(f"{where}: metadata must be a JSON object")
    missing = [k for k in REQUIRED if k not in obj]
    if missing:
        raise BadInput(f"{where}: metadata lacks {', '.join(missing)} (the year the report covers)")
    try:
        covers = int(obj["covers"])
    except (TypeError, ValueError) as exc:
        raise BadInput(f"{where}: 'covers' must be a year, got {obj['covers']!r}") from exc
    if not 1900 <= covers <= 2100:
        raise BadInput(f"{where}: 'covers' must be a year, got {covers}")
    fields = ReportMeta.__dataclass_fields__
    extra = {k: v for k, v in obj.items() if k in fields and k != "covers"}
    return ReportMeta(covers=covers, **extra)


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the report: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path}: not UTF-8 text (byte {exc.start}); convert it, e.g. iconv -t UTF-8"
        ) from exc
    if not text.strip():
        raise BadInput(f"{path}: the report is empty")
    return text


def load_report(path: Path | str, overrides: dict[str, Any] | None = None) -> Report:
    """Read `path` and its sidecar. `overrides` (from --covers/--title/...) replace or
    stand in for the sidecar; without either, a BadInput names the missing sidecar."""
    path = Path(path)
    text = read_text(path)
    side = sidecar_path(path)
    meta_obj: dict[str, Any] = {}
    if side.exists():
        try:
            meta_obj = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadInput(f"{side}: cannot read the metadata sidecar: {exc}") from exc
        if not isinstance(meta_obj, dict):
            raise BadInput(f"{side}: metadata must be a JSON object")
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    if not meta_obj and "covers" not in overrides:
        raise BadInput(
            f"{path}: no metadata: write {side.name} beside it (see seeds/README.md) "
            "or give the covered year with --covers YEAR"
        )
    meta_obj.update(overrides)
    meta = parse_meta(meta_obj, str(side if side.exists() else path))
    return Report(doc=path.name, text=text, meta=meta, path=path)


def find_reports(paths: list[Path]) -> list[Path]:
    """Expand directories into their *.txt reports (sorted); keep files as given."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(p.glob("*.txt")))
        elif p.exists():
            out.append(p)
        else:
            raise BadInput(f"{p}: no such file or directory")
    if not out:
        raise BadInput(f"no reports (*.txt) found in {', '.join(map(str, paths))}")
    return out


COUNTRY_BY_NAME: dict[str, str] = {}  # filled lazily by conflictkg.registry when needed


def iter_corpus(path: Path | str, limit: int | None = None) -> Iterator[Report]:
    """Stream the State Department corpus (gzip JSON Lines: id, country, year, title, url,
    text) as Reports. The report's country code is left to the extractor to infer."""
    path = Path(path)
    try:
        fh = gzip.open(path, "rt", encoding="utf-8")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise BadInput(f"{path}: cannot open corpus: {exc}") from exc
    with fh:
        for n, line in enumerate(fh, 1):
            if limit is not None and n > limit:
                break
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadInput(f"{path}:{n}: not valid JSON: {exc.msg}") from exc
            meta = ReportMeta(
                covers=int(rec["year"]),
                title=rec.get("title"),
                publisher="U.S. Department of State, Bureau of Democracy, Human Rights, and Labor",
                url=rec.get("url"),
                language="en",
            )
            yield Report(doc=f"{rec['id']}.txt", text=rec["text"], meta=meta)
