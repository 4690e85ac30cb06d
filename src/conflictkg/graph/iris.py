"""Deterministic IRIs under https://w3id.org/conflictkg/id/ (DESIGN.md, The model).

The same input gives the same IRIs: every IRI is made from keys the input carries
(registry keys, report file names, event ids, character offsets), never from counters
over a run or random numbers.
"""

from __future__ import annotations

import hashlib

from conflictkg.reports import slug
from conflictkg.vocab import ID_NS

PLACE_KINDS = {"Country": "country", "Region": "region", "Circle": "circle",
               "Commune": "commune", "Locality": "locality", "NaturalFeature": "feature"}


def actor(key: str) -> str:
    return f"{ID_NS}actor/{slug(key)}"


def report(report_id: str) -> str:
    return f"{ID_NS}source/{report_id}"


def report_graph(report_id: str) -> str:
    return f"{ID_NS}graph/{report_id}"


REGISTRY_GRAPH = f"{ID_NS}graph/registry"
ONTOLOGY_GRAPH = f"{ID_NS}graph/ontology"
INFERRED_GRAPH = f"{ID_NS}graph/inferred"
#: the summaries (conflictkg.summary): the library's heavy questions answered at build time
SUMMARY_GRAPH = f"{ID_NS}graph/summary"
#: the big summary tables' rows are spread over this many part graphs, so that a query
#: reading them can run once per part, on every core (conflictkg.summary, query.execute)
SUMMARY_PARTS = 8


def summary_part(k: int) -> str:
    return f"{SUMMARY_GRAPH}/part/{k}"


SUMMARY_PART_GRAPHS = tuple(summary_part(k) for k in range(SUMMARY_PARTS))
#: the summary graph and its parts
SUMMARY_GRAPHS = (SUMMARY_GRAPH, *SUMMARY_PART_GRAPHS)
#: graphs the build derives from the others: not validated, not read as report graphs
DERIVED_GRAPHS = (INFERRED_GRAPH, *SUMMARY_GRAPHS)


def event(event_id: str) -> str:
    return f"{ID_NS}event/{slug(event_id, keep_case=True)}"


def victim_group(event_iri: str, n: int) -> str:
    return f"{event_iri}/victims/{n}"


def attribution(event_iri: str, report_id: str) -> str:
    return f"{event_iri}/attribution/{report_id}"


def evidence(report_id: str, start: int, end: int) -> str:
    return f"{ID_NS}evidence/{report_id}/{start}-{end}"


def relation(report_id: str, subject: str, prop: str, obj: str) -> str:
    digest = hashlib.sha1(f"{subject}|{prop}|{obj}".encode()).hexdigest()[:12]
    return f"{ID_NS}relation/{report_id}/{digest}"


def country(code: str) -> str:
    return f"{ID_NS}place/{code.lower()}"


def place(country_code: str | None, kind: str, name: str) -> str:
    """A place below a country: place/ml/region/mopti, place/ml/locality/ogossagou."""
    cc = (country_code or "xx").lower()
    return f"{ID_NS}place/{cc}/{PLACE_KINDS.get(kind, slug(kind))}/{slug(name)}"
