"""The power map: one layer drawn as a network (Vega-Lite via Altair, bundled with
Streamlit, so nothing is fetched from a CDN).

Positions come from igraph's layouts (a tree layout for reporting lines, force-directed
otherwise); they place the drawing and measure nothing. Above
:data:`AGGREGATE_ABOVE` people the map shows units (ties between units summed) and the
user drills into one unit at a time.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import igraph as ig
import numpy as np
import pandas as pd

AGGREGATE_ABOVE = 2_000  # people; a browser draws ~2,000 marks fluently, not 100,000
BUSIEST_SHOWN = 1_000  # people of a unit too large to draw: its busiest, drawn in about a second
MAX_MARKS = 5_000  # circles + lines in one chart: Vega slows to seconds per redraw beyond this
MAX_TIES_DRAWN = MAX_MARKS - AGGREGATE_ABOVE  # heaviest ties kept above this


def layer_ties(layer: Any, keep: set[str] | None = None) -> pd.DataFrame:
    """The layer's arcs as ``source``, ``target``, ``weight`` (ids), optionally among ``keep`` only."""
    coo = layer.adjacency.tocoo()
    ids = np.asarray(layer.node_ids, dtype=object)
    ties = pd.DataFrame({"source": ids[coo.row], "target": ids[coo.col], "weight": coo.data.astype(float)})
    if keep is not None:
        ties = ties[ties["source"].isin(keep) & ties["target"].isin(keep)]
    return ties.reset_index(drop=True)


def ties_between_units(ties: pd.DataFrame, unit_of: Mapping[str, str]) -> pd.DataFrame:
    """Ties summed per ordered pair of units: ``source``, ``target``, ``weight``, ``ties``.

    A node that is not a person (a unit named in flows or decisions) stands for itself.
    Ties inside a unit are dropped from the drawing (they show when drilling in).

    >>> t = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "c", "c"], "weight": [1.0, 2.0, 1.0]})
    >>> ties_between_units(t, {"a": "U", "b": "U", "c": "V"}).to_dict("records")
    [{'source': 'U', 'target': 'V', 'weight': 3.0, 'ties': 2}]
    """
    mapped = ties.assign(
        source=ties["source"].map(lambda i: unit_of.get(i, i)),
        target=ties["target"].map(lambda i: unit_of.get(i, i)),
    )
    mapped = mapped[mapped["source"] != mapped["target"]]
    grouped = mapped.groupby(["source", "target"], sort=True).agg(weight=("weight", "sum"), ties=("weight", "size"))
    return grouped.reset_index()


def busiest_nodes(ties: pd.DataFrame, limit: int) -> list[str]:
    """The ``limit`` nodes with the most tie weight (given plus received), heaviest first,
    ties broken by id so the same org always gives the same drawing.

    Used when even one unit has too many people to draw: the map shows its busiest part.

    >>> t = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "c", "c"], "weight": [1.0, 2.0, 1.0]})
    >>> busiest_nodes(t, 2)
    ['a', 'c']
    """
    weight = pd.concat([
        ties[["source", "weight"]].rename(columns={"source": "id"}),
        ties[["target", "weight"]].rename(columns={"target": "id"}),
    ]).groupby("id", sort=False)["weight"].sum()
    ranked = pd.DataFrame({"id": weight.index.astype(str), "weight": weight.to_numpy()})
    return ranked.sort_values(["weight", "id"], ascending=[False, True], kind="stable")["id"].head(limit).tolist()


def positions(nodes: Sequence[str], ties: pd.DataFrame, *, tree_roots: Sequence[str] = (), seed: int = 0) -> pd.DataFrame:
    """x, y per node: Reingold–Tilford when ``tree_roots`` are given, else Fruchterman–Reingold."""
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[s], index[t]) for s, t in zip(ties["source"], ties["target"]) if s in index and t in index]
    graph = ig.Graph(n=len(nodes), edges=edges, directed=True)
    if len(nodes) == 0:
        return pd.DataFrame({"id": [], "x": [], "y": []})
    if tree_roots:
        roots = [index[r] for r in tree_roots if r in index] or [0]
        layout = graph.layout_reingold_tilford(mode="out", root=roots)
        coords = np.array(layout.coords, dtype=float)
        coords[:, 1] = -coords[:, 1]  # the top of the org at the top of the drawing
    else:
        random.seed(seed)  # igraph draws from Python's `random`: same org, same drawing
        layout = graph.as_undirected().layout_fruchterman_reingold(niter=force_iterations(len(nodes)), seed=_circle(len(nodes)))
        coords = np.array(layout.coords, dtype=float)
    return pd.DataFrame({"id": list(nodes), "x": coords[:, 0], "y": coords[:, 1]})


def force_iterations(nodes: int) -> int:
    """Fruchterman–Reingold rounds for a drawing of ``nodes``: 300 up to 500 nodes, fewer
    above (down to 100), so that 2,000 nodes are placed in under a second, not two.

    >>> force_iterations(100), force_iterations(1_000), force_iterations(2_000)
    (300, 150, 100)
    """
    return min(300, max(100, 150_000 // max(nodes, 1)))


READING_COLOURS = {"power-over": "#d1495b", "mixed": "#edae49", "mutual": "#00798c", "formal line": "#5d6d7e", "undetermined": "#b8b8c0", "not read": "#b8b8c0"}


def _colour_scale(colours: pd.Series) -> alt.Scale:
    """Readings always in the same colours (power-over red, mixed amber, mutual teal)."""
    present = sorted(set(colours.dropna().astype(str)))
    if present and set(present) <= set(READING_COLOURS):
        return alt.Scale(domain=present, range=[READING_COLOURS[c] for c in present])
    return alt.Scale(scheme="tableau20")


def _circle(n: int) -> list[list[float]]:
    """Deterministic start positions (so the same org is drawn the same way each time)."""
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([np.cos(angles), np.sin(angles)]).tolist()


def network_chart(
    nodes: pd.DataFrame, ties: pd.DataFrame, *, size_title: str, colour_title: str, tooltip: Sequence[str],
) -> alt.LayerChart:
    """Nodes (``id``, ``x``, ``y``, ``size``, ``colour`` + tooltip columns) over ties, pan/zoom enabled."""
    at = nodes.set_index("id")[["x", "y"]]
    drawn = ties.join(at, on="source").join(at.rename(columns={"x": "x2", "y": "y2"}), on="target").dropna(subset=["x", "x2"])
    axis = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    scale = alt.Scale(zero=False, nice=False, padding=28)  # room for the largest circles
    lines = alt.Chart(drawn).mark_rule(opacity=0.25, color="#8a8a96").encode(
        x=alt.X("x:Q", axis=axis, scale=scale), y=alt.Y("y:Q", axis=axis, scale=scale), x2="x2:Q", y2="y2:Q",
    )
    select = alt.selection_point(name="node", fields=["id"], on="click")
    points = alt.Chart(nodes).mark_circle(opacity=0.9, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x:Q", axis=axis, scale=scale), y=alt.Y("y:Q", axis=axis, scale=scale),
        size=alt.Size("size:Q", title=size_title, scale=alt.Scale(range=[30, 900])),
        color=alt.Color("colour:N", title=colour_title, scale=_colour_scale(nodes["colour"])),
        tooltip=list(tooltip),
    ).add_params(select)
    return alt.layer(lines, points).properties(height=620).interactive()
