"""Write a projection as GraphML, GEXF (Gephi, Cytoscape), node-link JSON or a PNG drawing.

GraphML and GEXF store only strings, numbers and booleans: lists and sets become
space-separated strings (the evidence IRIs already are), None values are dropped. Files are
written atomically: bad input never leaves a half-written file.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from conflictkg.errors import BadInput
from conflictkg.io import atomic_output
from conflictkg.network.names import FORMATS

SUFFIXES = {".graphml": "graphml", ".gexf": "gexf", ".json": "json", ".png": "png"}


def _clean(value: object) -> object:
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(sorted(str(v) for v in value))
    return value


def sanitised(g: nx.Graph) -> nx.Graph:
    """A copy whose attributes GraphML and GEXF can store (no None, no lists)."""
    h = g.__class__()
    h.graph.update({k: _clean(v) for k, v in g.graph.items() if v is not None})
    h.add_nodes_from((n, {k: _clean(v) for k, v in d.items() if v is not None})
                     for n, d in g.nodes(data=True))
    h.add_edges_from((a, b, {k: _clean(v) for k, v in d.items() if v is not None})
                     for a, b, d in g.edges(data=True))
    return h


def format_for(path: Path, fmt: str | None = None) -> str:
    """The format asked for, or the one the file suffix says."""
    if fmt:
        if fmt not in FORMATS:
            raise BadInput(f"unknown network format {fmt!r}: use one of {', '.join(FORMATS)}")
        return fmt
    try:
        return SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise BadInput(f"{path}: cannot tell the format from the suffix; give --format "
                       f"({', '.join(FORMATS)})") from None


def node_link(g: nx.Graph) -> dict:
    return nx.node_link_data(sanitised(g), edges="edges")


def write_graph(g: nx.Graph, path: Path | str, fmt: str | None = None) -> Path:
    """Write `g` to `path` in `fmt` (default: from the suffix)."""
    path = Path(path)
    fmt = format_for(path, fmt)
    if fmt == "png":
        from conflictkg.network.draw import draw

        draw(g, path)
        return path
    h = sanitised(g)
    if fmt == "json":
        with atomic_output(path) as fh:
            json.dump(node_link(g), fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.write("\n")
    else:
        with atomic_output(path, "wb") as fh:
            (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(h, fh)
    return path


def read_graph(path: Path | str, fmt: str | None = None) -> nx.Graph:
    """Read back a file written by `write_graph` (not PNG)."""
    path = Path(path)
    fmt = format_for(path, fmt)
    if fmt == "graphml":
        return nx.read_graphml(path)
    if fmt == "gexf":
        return nx.read_gexf(path)
    if fmt == "json":
        return nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    raise BadInput(f"{path}: cannot read a {fmt} drawing back as a graph")
