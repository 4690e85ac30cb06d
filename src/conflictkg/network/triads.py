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

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

EXACT_LIMIT = 20


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


@dataclass(repr=False)
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

    def __repr__(self) -> str:  # a report can hold millions of triangles: show the numbers
        return f"BalanceReport({self.summary()})"

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
    """Every triangle of the signed edges, in a deterministic order (nodes sorted as strings)."""
    h = signed_graph(g)
    nodes = sorted(h, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    labels = [str(h.nodes[n].get("label", n)) for n in nodes]
    higher: list[list[int]] = [[] for _ in nodes]
    adj: list[set[int]] = [set() for _ in nodes]
    sign: dict[tuple[int, int], int] = {}
    for a, b, d in h.edges(data=True):
        i, j = sorted((index[a], index[b]))
        higher[i].append(j)
        adj[i].add(j)
        adj[j].add(i)
        sign[i, j] = d["sign"]
    out = []
    for i, up in enumerate(higher):
        up.sort()
        for x, j in enumerate(up):
            adj_j = adj[j]
            for k in up[x + 1:]:
                if k in adj_j:
                    out.append(Triad((nodes[i], nodes[j], nodes[k]), (labels[i], labels[j], labels[k]),
                                     (sign[i, j], sign[i, k], sign[j, k])))
    return out


def _frustrated(h: nx.Graph, side: dict) -> int:
    return sum((d["sign"] > 0) != (side[a] == side[b]) for a, b, d in h.edges(data=True))


def _matrix(h: nx.Graph) -> tuple[list, np.ndarray]:
    nodes = sorted(h, key=str)
    return nodes, nx.to_numpy_array(h, nodelist=nodes, weight="sign", dtype=np.int32)


def _exact(h: nx.Graph) -> tuple[int, dict]:
    """Try every split in two camps (the first node's camp fixed), vectorised in chunks: a
    split s in {-1,+1}^n frustrates (m - s.A.s/2)/2 of the m signed edges."""
    nodes, a = _matrix(h)
    n, m = len(nodes), h.number_of_edges()
    best, best_bits = m + 1, 0
    total = 2 ** (n - 1)
    powers = 1 << np.arange(n - 1, dtype=np.int64)
    for lo in range(0, total, 1 << 16):
        bits = np.arange(lo, min(total, lo + (1 << 16)), dtype=np.int64)
        s = np.ones((len(bits), n), dtype=np.int32)
        s[:, 1:] = 1 - 2 * ((bits[:, None] & powers) > 0)
        agree = np.einsum("ij,ij->i", s @ a, s) // 2  # sum over edges of sign * s_i * s_j
        f = (m - agree) // 2
        i = int(np.argmin(f))
        if f[i] < best:
            best, best_bits = int(f[i]), int(bits[i])
    side = {nodes[0]: 0} | {nd: (best_bits >> k) & 1 for k, nd in enumerate(nodes[1:])}
    return best, side


def _local_search(h: nx.Graph, restarts: int = 20, seed: int = 42) -> tuple[int, dict]:
    """Steepest descent from random splits: flip the node whose flip un-frustrates most
    edges until none does; keep the best of `restarts` runs (an upper bound)."""
    nodes, a = _matrix(h)
    m = h.number_of_edges()
    rng = np.random.default_rng(seed)
    best, best_s = m + 1, None
    for _ in range(restarts):
        s = rng.choice(np.array([-1, 1], dtype=np.int32), size=len(nodes))
        field_ = a @ s  # field_[i] * s[i] = (agreeing - frustrated) edges at node i
        while True:
            local = s * field_
            i = int(np.argmin(local))
            if local[i] >= 0:
                break
            s[i] = -s[i]
            field_ += 2 * s[i] * a[:, i]
        f = int((m - int(s @ a @ s) // 2) // 2)
        if f < best:
            best, best_s = f, s.copy()
    assert best_s is not None
    return best, {nd: int(v < 0) for nd, v in zip(nodes, best_s, strict=True)}


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
