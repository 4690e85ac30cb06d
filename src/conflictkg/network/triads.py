"""Structural balance of a signed network (Heider; Cartwright & Harary 1956).

A triangle is balanced when the product of its signs is positive (+++: three friends;
+--: two friends with a common enemy) and unbalanced otherwise (++-: a friend's friend is
an enemy; ---: three mutual enemies, balanced only under Davis's weak balance, reported
separately as `weakly_balanced`). Edges of sign 0 (contested pairs whose cooperation and
hostility cancel, see `projections.py`) are left out.

The frustration index is the least number of edges whose removal makes the whole network
balanced (= the nodes split in two camps with cooperation inside and hostility across).
It is computed exactly for components up to `EXACT_LIMIT` nodes, and bounded from above by a
seeded local search beyond that (`frustration_exact` says which).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

EXACT_LIMIT = 16


@dataclass(frozen=True)
class Triad:
    nodes: tuple  # sorted node ids
    labels: tuple[str, ...]
    signs: tuple[int, int, int]  # signs of (n0,n1), (n0,n2), (n1,n2)

    @property
    def pattern(self) -> str:
        return "".join("+" if s > 0 else "-" for s in sorted(self.signs, reverse=True))

    @property
    def balanced(self) -> bool:
        return self.signs[0] * self.signs[1] * self.signs[2] > 0


@dataclass
class BalanceReport:
    triads: list[Triad]
    frustration: int  # edges to remove to make the network balanced
    frustration_exact: bool
    signed_edges: int
    partition: dict = field(default_factory=dict)  # node -> camp 0/1 achieving `frustration`

    @property
    def balanced(self) -> list[Triad]:
        return [t for t in self.triads if t.balanced]

    @property
    def unbalanced(self) -> list[Triad]:
        return [t for t in self.triads if not t.balanced]

    @property
    def fraction_balanced(self) -> float:
        """Share of balanced triangles (1.0 when there are none)."""
        return len(self.balanced) / len(self.triads) if self.triads else 1.0

    @property
    def weakly_balanced(self) -> int:
        """Triangles balanced under weak balance (all but ++-)."""
        return sum(t.pattern != "++-" for t in self.triads)

    def counts(self) -> dict[str, int]:
        return {p: sum(t.pattern == p for t in self.triads) for p in ("+++", "+--", "++-", "---")}

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([{"a": t.labels[0], "b": t.labels[1], "c": t.labels[2], "pattern": t.pattern,
                              "balanced": t.balanced} for t in self.triads],
                            columns=["a", "b", "c", "pattern", "balanced"])

    def summary(self) -> dict[str, object]:
        return {"triads": len(self.triads), **self.counts(),
                "fraction_balanced": round(self.fraction_balanced, 4),
                "signed_edges": self.signed_edges, "frustration_index": self.frustration,
                "frustration_exact": self.frustration_exact}


def signed_graph(g: nx.Graph) -> nx.Graph:
    """The undirected graph of the edges with a sign of +1 or -1."""
    h = nx.Graph()
    h.add_nodes_from(g.nodes(data=True))
    h.add_edges_from((a, b, {"sign": d["sign"]}) for a, b, d in g.edges(data=True) if d.get("sign", 0) != 0)
    return h


def triads(g: nx.Graph) -> list[Triad]:
    """Every triangle of the signed edges, in a deterministic order."""
    h = signed_graph(g)
    order = {n: i for i, n in enumerate(sorted(h, key=str))}
    out = []
    for a in sorted(h, key=str):
        for b, c in itertools.combinations(sorted((n for n in h[a] if order[n] > order[a]), key=str), 2):
            if h.has_edge(b, c):
                nodes = (a, b, c)
                out.append(Triad(nodes, tuple(str(h.nodes[n].get("label", n)) for n in nodes),
                                 (h[a][b]["sign"], h[a][c]["sign"], h[b][c]["sign"])))
    return out


def _frustrated(h: nx.Graph, side: dict) -> int:
    return sum((d["sign"] > 0) != (side[a] == side[b]) for a, b, d in h.edges(data=True))


def _exact(h: nx.Graph) -> tuple[int, dict]:
    nodes = sorted(h, key=str)
    best, best_side = None, {}
    for bits in range(2 ** (len(nodes) - 1)):  # fix the first node's camp: halves the search
        side = {n: (bits >> i) & 1 for i, n in enumerate(nodes[1:])}
        side[nodes[0]] = 0
        f = _frustrated(h, side)
        if best is None or f < best:
            best, best_side = f, side
    return best or 0, best_side


def _local_search(h: nx.Graph, restarts: int = 20, seed: int = 42) -> tuple[int, dict]:
    rng = random.Random(seed)
    nodes = sorted(h, key=str)
    best, best_side = None, {}
    for _ in range(restarts):
        side = {n: rng.randint(0, 1) for n in nodes}
        improved = True
        while improved:
            improved = False
            for n in nodes:
                same = [(d["sign"] > 0, side[n] == side[m]) for m, d in h[n].items()]
                gain = sum((pos != eq) - (pos == eq) for pos, eq in same)
                if gain > 0:  # flipping n un-frustrates more edges than it frustrates
                    side[n] ^= 1
                    improved = True
        f = _frustrated(h, side)
        if best is None or f < best:
            best, best_side = f, dict(side)
    return best or 0, best_side


def balance(g: nx.Graph) -> BalanceReport:
    """Triangles (balanced and unbalanced) and the frustration index of a signed network."""
    h = signed_graph(g)
    total, exact, partition = 0, True, {}
    for comp in sorted(nx.connected_components(h), key=lambda c: sorted(map(str, c))):
        sub = h.subgraph(comp)
        if sub.number_of_edges() == 0:
            continue
        if len(comp) <= EXACT_LIMIT:
            f, side = _exact(sub)
        else:
            f, side = _local_search(sub)
            exact = False
        total += f
        partition.update(side)
    return BalanceReport(triads(h), total, exact, h.number_of_edges(), partition)
