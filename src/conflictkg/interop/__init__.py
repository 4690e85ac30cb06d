"""Event datasets in and out: UCDP GED and ACLED CSV imports (ACLED CSV export lives in
`conflictkg.export.acled`).

    from conflictkg.interop import import_dataset, load_into
    result = import_dataset("ged.csv", "ucdp-ged")
    print("\\n".join(result.summary.lines()))
    load_into(store, result)          # replaces the dataset's named graph

Imported rows become events of the same model as report-extracted ones (docs/model.md,
"Datasets"), so the query library and the network projections see both together.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Literal

import pyoxigraph as ox

from conflictkg.errors import BadInput
from conflictkg.interop.common import ImportResult, ImportSummary, Sink, Skipped, dataset_graph
from conflictkg.registry import Registry

DatasetFormat = Literal["ucdp-ged", "acled-csv"]
FORMATS: tuple[str, ...] = ("ucdp-ged", "acled-csv")


def _module(fmt: str):
    """The importer module of a format: its INFO (the dataset as a source) and IMPORT."""
    if fmt == "ucdp-ged":
        from conflictkg.interop import ucdp

        return ucdp
    if fmt == "acled-csv":
        from conflictkg.interop import acled

        return acled
    raise BadInput(f"unknown dataset format {fmt!r}: use one of {', '.join(FORMATS)}")


def import_dataset(path: Path | str, fmt: DatasetFormat, dataset_name: str | None = None,
                   registry: Registry | None = None, citation: str | None = None,
                   title: str | None = None, sink: Sink | None = None) -> ImportResult:
    """Read a dataset file into quads of its own named graph, with a summary of what was
    imported, skipped (line and reason) and which actors were matched or created.

    `citation` / `title` replace the format's generic ones (name the release you hold,
    e.g. "UCDP GED Global version 23.1"). With `sink`, quads go to it in batches instead
    of into the result (see `import_into`)."""
    import dataclasses

    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    module = _module(fmt)
    info = module.INFO
    if citation:
        info = dataclasses.replace(info, citation=citation)
    if title:
        info = dataclasses.replace(info, name=title)
    return module.IMPORT(path, dataset_name=dataset_name, registry=registry, info=info, sink=sink)


def load_into(store: ox.Store, result: ImportResult) -> int:
    """Put the dataset's graph into the store, replacing an earlier import of it, and
    bring the store's summaries up to date (conflictkg.summary)."""
    from conflictkg.summary import summarise

    graph = ox.NamedNode(result.summary.graph)
    store.clear_graph(graph)
    store.extend(result.quads)
    summarise(store)
    from conflictkg.query import forget
    forget(store)  # its summaries are checked in full again (query.check_store_fresh)
    return len(result.quads)


def import_into(store: ox.Store, path: Path | str, fmt: DatasetFormat, dataset_name: str | None = None,
                out: IO[bytes] | None = None, **options) -> ImportSummary:
    """Import straight into `store` in batches (and as N-Quads to `out`), replacing an
    earlier import of the dataset, then bring the store's summaries up to date. The file is
    checked (readable, right header, CSV syntax) before the old graph is cleared; bad rows
    are skipped, as always."""
    from conflictkg.interop.common import read_rows

    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    read_rows(path, _module(fmt).REQUIRED)  # raises BadInput before anything changes
    name = dataset_name or path.stem
    store.clear_graph(ox.NamedNode(dataset_graph(name)))

    def sink(quads: list[ox.Quad]) -> None:
        store.bulk_extend(quads)  # no transaction per batch: 3x faster on a disk store
        if out is not None:
            out.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")

    summary = import_dataset(path, fmt, name, sink=sink, **options).summary
    from conflictkg.summary import summarise

    summarise(store)  # the library's queries read them: never leave them stale
    from conflictkg.query import forget
    forget(store)  # its summaries are checked in full again (query.check_store_fresh)
    return summary


__all__ = ["FORMATS", "ImportResult", "ImportSummary", "Skipped", "import_dataset", "import_into",
           "load_into"]
