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

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from conflictkg.errors import BadInput
from conflictkg.interop.common import ImportResult, ImportSummary, Skipped
from conflictkg.registry import Registry

DatasetFormat = Literal["ucdp-ged", "acled-csv"]
FORMATS: tuple[str, ...] = ("ucdp-ged", "acled-csv")


def _importer(fmt: str) -> Callable[..., ImportResult]:
    if fmt == "ucdp-ged":
        from conflictkg.interop.ucdp import import_ucdp

        return import_ucdp
    if fmt == "acled-csv":
        from conflictkg.interop.acled import import_acled

        return import_acled
    raise BadInput(f"unknown dataset format {fmt!r}: use one of {', '.join(FORMATS)}")


def import_dataset(path: Path | str, fmt: DatasetFormat, dataset_name: str | None = None,
                   registry: Registry | None = None) -> ImportResult:
    """Read a dataset file into quads of its own named graph, with a summary of what was
    imported, skipped (line and reason) and which actors were matched or created."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    return _importer(fmt)(path, dataset_name=dataset_name, registry=registry)


def load_into(store: ox.Store, result: ImportResult) -> int:
    """Put the dataset's graph into the store, replacing an earlier import of it."""
    graph = ox.NamedNode(result.summary.graph)
    store.clear_graph(graph)
    store.extend(result.quads)
    return len(result.quads)


__all__ = ["FORMATS", "ImportResult", "ImportSummary", "Skipped", "import_dataset", "load_into"]
