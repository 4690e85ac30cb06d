"""Where the project's data folders are: ontology/, shapes/, queries/, seeds/.

They live at the top of the checkout (DESIGN.md's layout); the package is installed
from it in editable mode. CONFLICTKG_HOME points elsewhere when needed.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    env = os.environ.get("CONFLICTKG_HOME")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2]


def ontology_dir() -> Path:
    return home() / "ontology"


def shapes_dir() -> Path:
    return home() / "shapes"


def queries_dir() -> Path:
    return home() / "queries"


def seeds_dir() -> Path:
    return home() / "seeds"


ONTOLOGY_FILE = "conflictkg.ttl"
REGISTRY_FILE = "registry.ttl"
GAZETTEER_FILE = "gazetteer.ttl"
MAPPINGS_FILE = "mappings.ttl"


def ontology_file() -> Path:
    return ontology_dir() / ONTOLOGY_FILE


def reference_files() -> list[Path]:
    """The curated reference data loaded into the registry graph: actors, places."""
    return [p for p in (ontology_dir() / REGISTRY_FILE, ontology_dir() / GAZETTEER_FILE) if p.exists()]


def ontology_files() -> list[Path]:
    """The ontology and its SKOS mappings (the ontology graph)."""
    return [p for p in (ontology_file(), ontology_dir() / MAPPINGS_FILE) if p.exists()]
