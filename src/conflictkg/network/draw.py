"""A PNG drawing of a projection (matplotlib): node colour = actor kind (legend), node size =
strength, edge style = sign (cooperation solid green, hostility dashed red, contested dotted
grey), edge width = support. Deterministic layout (fixed seed)."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx

from conflictkg.io import atomic_write_bytes

SEED = 7
EDGE_STYLE = {1: ("solid", "#2e7d32"), -1: ("dashed", "#c62828"), 0: ("dotted", "#9e9e9e"),
              None: ("solid", "#78909c")}  # None: an unsigned projection (victim, bipartite...)


def layout(u: nx.Graph) -> dict:
    """Each connected component laid out alone (Kamada-Kawai up to 300 nodes, else spring), scaled
    by the square root of its size and packed in rows, largest first: a spring layout of the
    whole graph pushes small components to the edges and crushes the large one."""
    comps = sorted(nx.connected_components(u), key=lambda c: (-len(c), sorted(map(str, c))))
    sides = [len(c) ** 0.5 for c in comps]
    width = 1.2 * sum(sd * sd for sd in sides) ** 0.5
    pos: dict = {}
    x = y = row = 0.0
    for comp, side in zip(comps, sides, strict=True):
        sub = u.subgraph(comp)
        if len(comp) == 1:
            local = {next(iter(comp)): (0.5, 0.5)}
        else:
            local = (nx.kamada_kawai_layout(sub, weight=None) if len(comp) <= 300
                     else nx.spring_layout(sub, seed=SEED, weight=None))
            xs, ys = zip(*local.values(), strict=True)
            span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
            local = {n: ((px - min(xs)) / span, (py - min(ys)) / span) for n, (px, py) in local.items()}
        if x + side > width and x > 0:
            x, y, row = 0.0, y - row - 0.3, 0.0
        pos.update({n: (x + px * side, y - side + py * side) for n, (px, py) in local.items()})
        x += side + 0.3
        row = max(row, side)
    return pos


def figure(g: nx.Graph, *, title: str | None = None, label_top: int = 25):
    """The matplotlib Figure (for notebooks); `draw` writes it as PNG."""
    # a bare Figure, not pyplot: no global backend state, and notebooks display it as it is
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    u = g.to_undirected(as_view=True) if g.is_directed() else g
    fig = Figure(figsize=(13, 10), dpi=100)
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_title(title or g.graph.get("name", "network"))
    if u.number_of_nodes() == 0:
        return fig
    pos = layout(u)
    kinds = sorted({d.get("kind_label", d.get("kind", "?")) for _, d in u.nodes(data=True)})
    cmap = colormaps["tab20"]
    colour = {k: cmap(i % 20) for i, k in enumerate(kinds)}
    strength = dict(u.degree(weight="weight"))
    top = max(strength.values()) or 1
    for sign, (style, col) in EDGE_STYLE.items():
        edges = [(a, b) for a, b, d in u.edges(data=True) if d.get("sign") == sign]
        if edges:
            widths = [0.8 + 2.5 * min(u[a][b].get("weight", 1), 10) / 10 for a, b in edges]
            nx.draw_networkx_edges(u, pos, edgelist=edges, style=style, edge_color=col, width=widths,
                                   alpha=0.8, ax=ax)
    nodes = sorted(u, key=str)
    nx.draw_networkx_nodes(u, pos, nodelist=nodes, ax=ax, edgecolors="#333333", linewidths=0.5,
                           node_color=[colour[u.nodes[n].get("kind_label", u.nodes[n].get("kind", "?"))]
                                       for n in nodes],
                           node_size=[120 + 900 * strength[n] / top for n in nodes])
    shown = sorted(nodes, key=lambda n: (-strength[n], str(n)))[:label_top]
    nx.draw_networkx_labels(u, pos, labels={n: str(u.nodes[n].get("label", n))[:28] for n in shown},
                            font_size=8, ax=ax)
    handles = [Line2D([], [], marker="o", ls="", color=colour[k], markersize=9, label=k) for k in kinds]
    if any("sign" in d for _, _, d in u.edges(data=True)):
        handles += [Line2D([], [], ls=EDGE_STYLE[s][0], color=EDGE_STYLE[s][1], label=name)
                    for s, name in ((1, "cooperation"), (-1, "hostility"), (0, "contested"))]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def draw(g: nx.Graph, path: Path | str, *, title: str | None = None) -> Path:
    """Write the drawing of `g` to `path` as PNG."""
    buf = io.BytesIO()
    figure(g, title=title).savefig(buf, format="png", metadata={"Software": None})
    atomic_write_bytes(path, buf.getvalue())
    return Path(path)
