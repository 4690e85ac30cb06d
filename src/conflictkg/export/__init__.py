"""Exports of the graph, one module per format behind one small base (STYLE.md 3).

Each module registers its formats with `register`; they are discovered on first use,
so adding a format is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any


@dataclass(frozen=True)
class Exporter:
    name: str  # the --format value
    suffix: str  # default file suffix
    description: str
    write: Callable[[Any, IO[bytes]], None]  # (store, binary output) -> None


_FORMATS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    _FORMATS[exporter.name] = exporter
    return exporter


def formats() -> dict[str, Exporter]:
    if not _FORMATS:
        for info in pkgutil.iter_modules(__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(_FORMATS.items()))
