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

PEOPLE_VIEW_UP_TO = 400  # people with ties: above this the map opens on units (a denser map reads as a band)
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


LABELLED = 20  # units written on the map: the largest; every one is named in its tooltip


def largest_labelled(nodes: pd.DataFrame, by: str, limit: int = LABELLED) -> pd.Series:
    """The text written beside each node: its ``label`` for the ``limit`` largest by ``by``
    (ties broken by label, so the same org is labelled the same way), largest first, and
    only where it does not overlap a label already written; blank for the rest. Any
    number of nodes stays readable: the largest are named, every one on hover.

    ``nodes`` has ``x``, ``y`` (layout), ``size`` and ``label``; the boxes are measured in
    the drawing's pixels, as :func:`network_chart` places the text.

    >>> n = pd.DataFrame({"label": ["A", "B", "C", "D"], "x": [0, 1, 2, 3], "y": [0, 0, 0, 0], "size": [5, 40, 12, 40]})
    >>> largest_labelled(n, "size", 2).tolist()
    ['', 'B', '', 'D']
    >>> largest_labelled(n.assign(x=[0, 1, 1, 1]), "size", 4).tolist()  # C and D would be written over B
    ['A', 'B', '', '']
    """
    if nodes.empty or limit <= 0:
        return pd.Series("", index=nodes.index, dtype=object)
    ranked = nodes.assign(_by=nodes[by].astype(float).fillna(0.0), _label=nodes["label"].astype(str))
    order = ranked.sort_values(["_by", "_label"], ascending=[False, True], kind="stable").index[:limit]
    at = to_pixels(nodes[["x", "y"]])
    radius = np.sqrt(circle_area(nodes["size"]) / np.pi)
    placed: list[tuple[float, float, float, float]] = []
    written = pd.Series("", index=nodes.index, dtype=object)
    for i in order:
        text = str(nodes.at[i, "label"])
        half = 3.3 * len(text) + 2  # 11 px text: about 6.5 px a character
        bottom = float(at.at[i, "y"] + radius[i] + 3)
        box = (float(at.at[i, "x"]) - half, float(at.at[i, "x"]) + half, bottom, bottom + 13)
        if any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in placed):
            continue
        placed.append(box)
        written[i] = text
    return written


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


BUNDLE_STRENGTH = 0.85  # Holten's beta: 1 = lines run through every centre, 0 = straight lines


def unit_parents(units: pd.DataFrame | None) -> dict[str, str]:
    """unit -> the unit above it, from the model's units table (``unit_id``, ``parent_unit``).

    >>> unit_parents(pd.DataFrame({"unit_id": ["HQ", "OPS"], "parent_unit": [None, "HQ"]}))
    {'OPS': 'HQ'}
    """
    if units is None or units.empty or "parent_unit" not in units:
        return {}
    known = units.dropna(subset=["unit_id", "parent_unit"])
    return {str(u): str(p) for u, p in zip(known["unit_id"], known["parent_unit"]) if str(p) and str(u) != str(p)}


def unit_chain(unit: str, parents: Mapping[str, str], limit: int = 64) -> list[str]:
    """``unit`` and the units above it, nearest first (stops at a repeated unit: a cycle
    in the units file draws, it does not hang).

    >>> unit_chain("OPS-01", {"OPS-01": "OPS", "OPS": "HQ"})
    ['OPS-01', 'OPS', 'HQ']
    """
    chain, seen = [unit], {unit}
    while len(chain) < limit and (up := parents.get(chain[-1])) is not None and up not in seen:
        chain.append(up)
        seen.add(up)
    return chain


def unit_route(a: str, b: str, parents: Mapping[str, str]) -> list[str]:
    """The units a tie from unit ``a`` to unit ``b`` is bundled through: up from ``a`` to
    the lowest unit above both, then down to ``b`` (Holten's hierarchical edge bundling);
    ``a`` then ``b`` when they share no unit above.

    >>> parents = {"OPS-01": "OPS", "OPS-02": "OPS", "OPS": "HQ", "FIN": "HQ"}
    >>> unit_route("OPS-01", "OPS-02", parents), unit_route("OPS-01", "FIN", parents), unit_route("X", "Y", {})
    (['OPS-01', 'OPS', 'OPS-02'], ['OPS-01', 'OPS', 'HQ', 'FIN'], ['X', 'Y'])
    """
    up_a, up_b = unit_chain(a, parents), unit_chain(b, parents)
    common = next((u for u in up_a if u in set(up_b)), None)
    if common is None:
        return [a, b]
    return up_a[: up_a.index(common) + 1] + list(reversed(up_b[: up_b.index(common)]))


def unit_centres(at: pd.DataFrame, group_of: Mapping[str, str], parents: Mapping[str, str]) -> dict[str, tuple[float, float]]:
    """Each unit's centre in the drawing: the mean position of the nodes in it and in every
    unit below it.

    >>> at = pd.DataFrame({"id": ["a", "b", "c"], "x": [0.0, 2.0, 10.0], "y": [0.0, 0.0, 4.0]})
    >>> {u: (round(x, 3), round(y, 3)) for u, (x, y) in unit_centres(at, {"a": "U", "b": "U", "c": "V"}, {"U": "W", "V": "W"}).items()}
    {'U': (1.0, 0.0), 'W': (4.0, 1.333), 'V': (10.0, 4.0)}
    """
    sums: dict[str, list[float]] = {}
    for node, x, y in zip(at["id"], at["x"], at["y"]):
        unit = group_of.get(node)
        if unit is None:
            continue
        for u in unit_chain(unit, parents):
            total = sums.setdefault(u, [0.0, 0.0, 0])
            total[0] += float(x)
            total[1] += float(y)
            total[2] += 1
    return {u: (t[0] / t[2], t[1] / t[2]) for u, t in sums.items()}


def bundled_lines(
    lines: pd.DataFrame, group_of: Mapping[str, str], parents: Mapping[str, str], centres: Mapping[str, tuple[float, float]],
    strength: float = BUNDLE_STRENGTH,
) -> pd.DataFrame:
    """Ties between units as paths through the centres of the units between them
    (:func:`unit_route`), straightened by ``strength`` (Holten's beta), so that ties between
    two parts of the org run together and show as one bundle; ties inside a unit stay
    straight. ``lines`` has ``source``, ``target``, ``x``, ``y``, ``x2``, ``y2`` (pixels) and
    any other columns, repeated on each point; ``centres`` are the units' centres in the
    same pixels (:func:`unit_centres`). Out come one row per point with ``edge`` (the
    line's row in ``lines``) and ``step`` (its order along the path).

    Drawn with an interpolating line, the path passes near, not through, its middle points.

    >>> l = pd.DataFrame({"source": ["a"], "target": ["c"], "x": [0.0], "y": [0.0], "x2": [10.0], "y2": [4.0]})
    >>> at = pd.DataFrame({"id": ["a", "b", "c"], "x": [0.0, 2.0, 10.0], "y": [0.0, 0.0, 4.0]})
    >>> group, parents = {"a": "U", "b": "U", "c": "V"}, {"U": "W", "V": "W"}
    >>> centres = unit_centres(at, group, parents)
    >>> bundled_lines(l, group, parents, centres, strength=1.0)[["step", "x", "y"]].round(3).values.tolist()
    [[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [2.0, 4.0, 1.333], [3.0, 10.0, 4.0], [4.0, 10.0, 4.0]]
    >>> bundled_lines(l, group, parents, centres, strength=0.0)[["x", "y"]].round(3).values.tolist()[2]  # straight
    [5.0, 2.0]
    """
    rest = [c for c in lines.columns if c not in ("x", "y", "x2", "y2")]
    rows: list[dict[str, Any]] = []
    for edge, line in enumerate(lines.to_dict("records")):
        start, end = (line["x"], line["y"]), (line["x2"], line["y2"])
        a, b = group_of.get(line["source"]), group_of.get(line["target"])
        route = unit_route(a, b, parents) if a is not None and b is not None and a != b else []
        points = [start, *(centres[u] for u in route if u in centres), end]
        last = len(points) - 1
        for step, (px, py) in enumerate(points):
            t = step / last
            x = strength * px + (1 - strength) * (start[0] + t * (end[0] - start[0]))
            y = strength * py + (1 - strength) * (start[1] + t * (end[1] - start[1]))
            rows.append({**{c: line[c] for c in rest}, "edge": edge, "step": step, "x": x, "y": y})
    return pd.DataFrame(rows, columns=[*rest, "edge", "step", "x", "y"])


def last_stretches(paths: pd.DataFrame) -> pd.DataFrame:
    """Per path of :func:`bundled_lines`: ``source``, ``target``, its last point away from
    the target (``x``, ``y``) and the target (``x2``, ``y2``), for :func:`arrowheads`.

    >>> p = pd.DataFrame({"source": ["a"] * 3, "target": ["b"] * 3, "edge": [0] * 3, "step": [0, 1, 2],
    ...                   "x": [0.0, 5.0, 5.0], "y": [0.0, 0.0, 3.0]})
    >>> last_stretches(p).to_dict("records")
    [{'source': 'a', 'target': 'b', 'x': 5.0, 'y': 0.0, 'x2': 5.0, 'y2': 3.0}]
    """
    columns = ["source", "target", "x", "y", "x2", "y2"]
    if paths.empty:
        return pd.DataFrame(columns=columns)
    ordered = paths.sort_values(["edge", "step"], kind="stable")
    end = ordered.groupby("edge", sort=True).tail(1).set_index("edge")[["source", "target", "x", "y"]]
    end = end.rename(columns={"x": "x2", "y": "y2"})
    joined = ordered.join(end[["x2", "y2"]], on="edge")
    away = joined[np.hypot(joined["x"] - joined["x2"], joined["y"] - joined["y2"]) > 1e-6]
    bend = away.groupby("edge", sort=True).tail(1).set_index("edge")[["x", "y"]]
    return end.join(bend, how="inner").reset_index(drop=True)[columns]


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
    node_title: str = "person", bundle_by: Mapping[str, str] | None = None, parents: Mapping[str, str] | None = None,
) -> alt.LayerChart:
    """Nodes (``id``, ``x``, ``y``, ``size``, ``colour``, ``label`` + tooltip columns, and
    ``written``: the text beside the node, blank for none) over ties (``source``,
    ``target``, ``weight``, ``tie``); one-way ties end in an arrowhead, returned ones are
    drawn once in the mutual colour. With ``bundle_by`` (node -> unit) and ``parents``
    (unit -> the unit above), ties between units are drawn through the centres of the
    units between them (:func:`bundled_lines`). Pan and zoom keep the proportions."""
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
    tie_colour = alt.Color("tie:N", title="Ties", scale=alt.Scale(domain=list(TIE_COLOURS), range=list(TIE_COLOURS.values())))
    width = alt.StrokeWidth("width:Q", scale=None, legend=None)
    one_way = drawn[drawn["tie"] == "one-way"]
    if bundle_by is not None:
        centres = unit_centres(nodes, bundle_by, parents or {})
        paths = bundled_lines(drawn.reset_index(drop=True), bundle_by, parents or {}, centres)
        lines = alt.Chart(paths).mark_line(opacity=0.45, interpolate="basis").encode(
            x=x, y=y, detail="edge:N", order="step:Q", color=tie_colour, strokeWidth=width, tooltip=line_tips,
        )
        # an arrowhead follows the path's last stretch: from its last bend into the target
        one_way = last_stretches(paths[paths["tie"] == "one-way"])
    else:
        lines = alt.Chart(drawn).mark_rule(opacity=0.55).encode(
            x=x, y=y, x2="x2:Q", y2="y2:Q", color=tie_colour, strokeWidth=width, tooltip=line_tips,
        )
    heads = arrowheads(one_way, radius)
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
    written = nodes[nodes["written"].astype(str) != ""] if "written" in nodes else nodes.iloc[0:0]
    if not written.empty:
        # white halo under dark text: readable over lines; above its circle by the circle's radius
        above = written.assign(ty=written["y"] + np.sqrt(written["area"] / np.pi) + 3)  # pixels: y grows upwards here
        text = alt.Chart(above).encode(x=x, y=alt.Y("ty:Q", axis=None, scale=alt.Scale(domain=[0, HEIGHT], nice=False, zero=False)), text="written:N")
        layers.append(text.mark_text(fontSize=11, color="white", stroke="white", strokeWidth=3, baseline="bottom"))
        layers.append(text.mark_text(fontSize=11, color="#262730", baseline="bottom"))
    return alt.layer(*layers).resolve_scale(color="independent").properties(width=WIDTH, height=HEIGHT).interactive()


def _line_widths(weight: pd.Series) -> np.ndarray:
    """Line width 0.8–4 px by tie weight (relative to the heaviest drawn)."""
    values = weight.astype(float).to_numpy()
    top = values.max() if len(values) else 0.0
    return 0.8 + 3.2 * (values / top) if top > 0 else np.full(len(values), 1.2)
