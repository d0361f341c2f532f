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
TIE_COLOURS = {"one-way": "#7a7a88", "mutual (returned)": "#00798c"}
UNIT_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#e15759")
OTHER_UNITS = "other units"
WIDTH, HEIGHT, PAD = 900, 620, 34  # the drawing in pixels: arrowheads are placed in this space
SIZE_RANGE = (30.0, 900.0)  # circle area in square pixels, smallest to largest


def mark_mutual(ties: pd.DataFrame) -> pd.DataFrame:
    """``ties`` with ``mutual``: True when the reverse tie is there too (the tie is returned).

    >>> t = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"], "weight": [1.0, 2.0, 1.0]})
    >>> mark_mutual(t)["mutual"].tolist()
    [True, True, False]
    """
    if ties.empty:
        return ties.assign(mutual=pd.Series(dtype=bool))
    pairs = set(zip(ties["source"], ties["target"]))
    return ties.assign(mutual=[(t, s) in pairs for s, t in zip(ties["source"], ties["target"])])


def ties_to_draw(ties: pd.DataFrame, show: str = "all") -> pd.DataFrame:
    """One line per one-way tie and one per returned pair (both directions' weights summed),
    with ``tie`` = ``"one-way"`` | ``"mutual (returned)"``; ``show`` keeps ``"all"``,
    ``"mutual"`` or ``"one-way"`` only.

    >>> t = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"], "weight": [1.0, 2.0, 1.0]})
    >>> ties_to_draw(t)[["source", "target", "weight", "tie"]].to_dict("records")
    [{'source': 'a', 'target': 'b', 'weight': 3.0, 'tie': 'mutual (returned)'}, {'source': 'a', 'target': 'c', 'weight': 1.0, 'tie': 'one-way'}]
    """
    marked = mark_mutual(ties)
    one_way = marked[~marked["mutual"]].assign(tie="one-way", back=0.0)
    both = marked[marked["mutual"]]
    if not both.empty:
        key = [tuple(sorted(p)) for p in zip(both["source"].astype(str), both["target"].astype(str))]
        both = both.assign(a=[k[0] for k in key], b=[k[1] for k in key])
        grouped = both.groupby(["a", "b"], sort=True).agg(weight=("weight", "sum"))
        extra = [c for c in ("ties",) if c in both]
        if extra:
            grouped = grouped.join(both.groupby(["a", "b"], sort=True)[extra].sum())
        both = grouped.reset_index().rename(columns={"a": "source", "b": "target"}).assign(tie="mutual (returned)")
    else:
        both = both.assign(tie=pd.Series(dtype=str))
    columns = ["source", "target", "weight", *(["ties"] if "ties" in ties else []), "tie"]
    parts = {"all": [both, one_way], "mutual": [both], "one-way": [one_way]}[show]
    parts = [p[columns] for p in parts if not p.empty]
    drawn = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return drawn.sort_values(["source", "target"], kind="stable").reset_index(drop=True)


def deciding_layer(document: Mapping[str, Any], layers: Sequence[str]) -> str:
    """The layer that decided the org's reading: among the layers reading as the org does,
    the one furthest that way (highest mean axis score for power-over, lowest for mutual);
    else the first layer.

    >>> doc = {"classification": {"org": {"label": "mutual"}, "layers": {
    ...     "reporting": {"label": "power-over", "scores": {"asymmetry": 1, "direction": 1}},
    ...     "flows": {"label": "mutual", "scores": {"asymmetry": 0.2, "direction": 0.0}},
    ...     "advice": {"label": "mutual", "scores": {"asymmetry": 0.1, "direction": 0.0}}}}}
    >>> deciding_layer(doc, ["reporting", "flows", "advice"])
    'advice'
    """
    classification = document.get("classification") or {}
    label = (classification.get("org") or {}).get("label")
    readings = classification.get("layers") or {}
    candidates = []
    for name in layers:
        reading = readings.get(name) or {}
        scores = [v for v in (reading.get("scores") or {}).values() if isinstance(v, (int, float))]
        if reading.get("label") == label and scores:
            candidates.append((sum(scores) / len(scores), name))
    if not candidates:
        return list(layers)[0]
    pick = max(candidates) if label == "power-over" else min(candidates) if label == "mutual" else min(candidates, key=lambda c: abs(c[0] - 0.5))
    return pick[1]


def unit_colours(units: pd.Series, limit: int = len(UNIT_COLOURS)) -> pd.Series:
    """Each node's unit for colouring: the ``limit`` units with most nodes keep their name,
    the rest are ``other units`` (one grey), so that no colour stands for two units.

    >>> unit_colours(pd.Series(["A", "A", "B", "C"]), limit=1).tolist()
    ['A', 'A', 'other units', 'other units']
    """
    top = units.value_counts().sort_index().sort_values(ascending=False, kind="stable").index[:limit]
    return units.where(units.isin(top), OTHER_UNITS)


def to_pixels(nodes: pd.DataFrame, width: int = WIDTH, height: int = HEIGHT, pad: int = PAD) -> pd.DataFrame:
    """Layout coordinates scaled into the drawing's pixels (y down is handled by the chart)."""
    out = nodes.copy()
    for axis, size in (("x", width), ("y", height)):
        low, high = float(out[axis].min()), float(out[axis].max())
        span = high - low
        out[axis] = pad + (out[axis] - low) / span * (size - 2 * pad) if span > 0 else size / 2
    return out


def circle_area(size: pd.Series) -> pd.Series:
    """The circle area (square pixels) the chart gives each size: linear from the smallest
    area at 0 to the largest at the largest size (so arrowheads can stop at the rim)."""
    values = size.astype(float).clip(lower=0).fillna(0.0)
    top = float(values.max()) if len(values) else 0.0
    low, high = SIZE_RANGE
    return low + (values / top) * (high - low) if top > 0 else pd.Series(low, index=size.index)


def arrowheads(lines: pd.DataFrame, radius: Mapping[str, float]) -> pd.DataFrame:
    """Where each one-way line's arrowhead goes: at the rim of the target circle, pointing
    along the line (``angle`` in degrees clockwise from up, as Vega's triangle takes it).
    ``lines`` has ``source``, ``target``, ``x``, ``y`` (source) and ``x2``, ``y2`` (target),
    in pixels with y growing upwards.

    >>> l = pd.DataFrame({"source": ["a"], "target": ["b"], "x": [0.0], "y": [0.0], "x2": [10.0], "y2": [0.0]})
    >>> arrowheads(l, {"b": 2.0})[["x", "y", "angle"]].round(3).to_dict("records")
    [{'x': 5.0, 'y': 0.0, 'angle': 90.0}]
    """
    if lines.empty:
        return pd.DataFrame(columns=["source", "target", "x", "y", "angle"])
    dx = lines["x2"].to_numpy(float) - lines["x"].to_numpy(float)
    dy = lines["y2"].to_numpy(float) - lines["y"].to_numpy(float)
    length = np.hypot(dx, dy)
    keep = length > 0
    back = lines["target"].map(lambda t: radius.get(t, 0.0)).to_numpy(float) + 3.0
    back = np.minimum(back, length * 0.5)
    with np.errstate(invalid="ignore", divide="ignore"):
        ux, uy = dx / length, dy / length
    out = pd.DataFrame({
        "source": lines["source"].to_numpy(), "target": lines["target"].to_numpy(),
        "x": lines["x2"].to_numpy(float) - ux * back, "y": lines["y2"].to_numpy(float) - uy * back,
        # y grows upwards in the data and downwards on screen: clockwise from up is atan2(dx, dy)
        "angle": np.degrees(np.arctan2(ux, uy)) % 360,
    })
    return out[keep].reset_index(drop=True)


def _circle(n: int) -> list[list[float]]:
    """Deterministic start positions (so the same org is drawn the same way each time)."""
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([np.cos(angles), np.sin(angles)]).tolist()


def _colour_scale(colours: pd.Series) -> alt.Scale:
    """Readings always in their colours (power-over red, mixed amber, mutual teal); units in
    distinct colours with ``other units`` grey; anything else (reporting layers) in order."""
    present = sorted(set(colours.dropna().astype(str)))
    if present and set(present) <= set(READING_COLOURS):
        return alt.Scale(domain=present, range=[READING_COLOURS[c] for c in present])
    if OTHER_UNITS in present or len(present) <= len(UNIT_COLOURS):
        named = [c for c in present if c != OTHER_UNITS]
        domain = named + ([OTHER_UNITS] if OTHER_UNITS in present else [])
        return alt.Scale(domain=domain, range=list(UNIT_COLOURS[: len(named)]) + (["#c7c7cf"] if OTHER_UNITS in present else []))
    return alt.Scale(scheme="viridis")


def network_chart(
    nodes: pd.DataFrame, ties: pd.DataFrame, *, size_title: str, colour_title: str, tooltip: Sequence[Any],
    node_title: str = "person", labels: bool = False,
) -> alt.LayerChart:
    """Nodes (``id``, ``x``, ``y``, ``size``, ``colour``, ``label`` + tooltip columns) over ties
    (``source``, ``target``, ``weight``, ``tie``); one-way ties end in an arrowhead, returned
    ones are drawn once in the mutual colour. Pan and zoom keep the proportions."""
    nodes = to_pixels(nodes)
    nodes["area"] = circle_area(nodes["size"])
    radius = dict(zip(nodes["id"], np.sqrt(nodes["area"] / np.pi)))
    at = nodes.set_index("id")[["x", "y", "label"]]
    drawn = ties.join(at, on="source").join(at.rename(columns={"x": "x2", "y": "y2", "label": "label2"}), on="target").dropna(subset=["x", "x2"])
    if "tie" not in drawn:
        drawn = drawn.assign(tie="one-way")
    drawn = drawn.assign(width=_line_widths(drawn["weight"]))
    axis = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    x = alt.X("x:Q", axis=axis, scale=alt.Scale(domain=[0, WIDTH], nice=False, zero=False))
    y = alt.Y("y:Q", axis=axis, scale=alt.Scale(domain=[0, HEIGHT], nice=False, zero=False))
    weight_format = ",.0f" if (drawn["weight"] % 1 == 0).all() else ",.2f"
    line_tips = [
        alt.Tooltip("label:N", title="from"), alt.Tooltip("label2:N", title="to"),
        alt.Tooltip("tie:N", title="tie"), alt.Tooltip("weight:Q", title="weight", format=weight_format),
    ] + ([alt.Tooltip("ties:Q", title="ties summed", format=",d")] if "ties" in drawn else [])
    lines = alt.Chart(drawn).mark_rule(opacity=0.55).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q",
        color=alt.Color("tie:N", title="Ties", scale=alt.Scale(domain=list(TIE_COLOURS), range=list(TIE_COLOURS.values()))),
        strokeWidth=alt.StrokeWidth("width:Q", scale=None, legend=None), tooltip=line_tips,
    )
    heads = arrowheads(drawn[drawn["tie"] == "one-way"], radius)
    arrows = alt.Chart(heads).mark_point(shape="triangle", filled=True, size=45, opacity=0.8, color=TIE_COLOURS["one-way"]).encode(
        x=x, y=y, angle=alt.Angle("angle:Q", scale=None), tooltip=alt.value(None),
    )
    select = alt.selection_point(name="node", fields=["id"], on="click")
    top = float(nodes["size"].max() or 0.0)
    points = alt.Chart(nodes).mark_circle(opacity=0.92, stroke="white", strokeWidth=0.8).encode(
        x=x, y=y,
        size=alt.Size("size:Q", title=size_title, scale=alt.Scale(domain=[0, top if top > 0 else 1], range=list(SIZE_RANGE), zero=True)),
        color=alt.Color("colour:N", title=colour_title, scale=_colour_scale(nodes["colour"]), legend=alt.Legend(symbolLimit=0, labelLimit=220)),
        tooltip=list(tooltip),
    ).add_params(select)
    layers = [lines, arrows, points]
    if labels:
        layers.append(alt.Chart(nodes).mark_text(dy=-14, fontSize=11, color="#262730").encode(x=x, y=y, text="label:N"))
    return alt.layer(*layers).resolve_scale(color="independent").properties(width=WIDTH, height=HEIGHT).interactive()


def _line_widths(weight: pd.Series) -> np.ndarray:
    """Line width 0.8–4 px by tie weight (relative to the heaviest drawn)."""
    values = weight.astype(float).to_numpy()
    top = values.max() if len(values) else 0.0
    return 0.8 + 3.2 * (values / top) if top > 0 else np.full(len(values), 1.2)
