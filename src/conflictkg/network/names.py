"""The names of the projections and of the export formats, apart from the code that makes
them, so that the command line can list them without loading networkx and pandas."""

from __future__ import annotations

from typing import Literal, get_args

Kind = Literal["signed", "alliance", "victim", "bipartite", "coperpetration"]
KINDS: tuple[str, ...] = get_args(Kind)

Format = Literal["graphml", "gexf", "json", "png"]
FORMATS: tuple[str, ...] = get_args(Format)
