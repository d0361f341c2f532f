"""Inline SVG charts for the report, drawn here (no JavaScript, no CDN, works offline).

Every text that comes from the data is escaped; charts show ids, titles and units,
never names.
"""

from __future__ import annotations

from html import escape
from typing import Any, Callable

import numpy as np
import pandas as pd

COLOURS = {"power-over": "#c0392b", "mutual": "#1e8449", "mixed": "#d68910", "formal line": "#5d6d7e", "undetermined": "#95a5a6"}
FONT = "font-family='Helvetica, Arial, sans-serif'"


def _svg(width: int, height: int, body: str, title: str) -> str:
    return (
        # natural size, shrunk to fit narrower pages (never blown up past it)
        # no height attribute: browsers and WeasyPrint then keep the viewBox's aspect ratio
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
        f"style='width:{width}px;max-width:100%' role='img' "
        f"aria-label='{escape(title, quote=True)}' {FONT}><title>{escape(title)}</title>{body}</svg>"
    )


def _text(x: float, y: float, s: str, size: int = 11, anchor: str = "start", fill: str = "#222", weight: str = "normal") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' fill='{fill}' "
            f"font-weight='{weight}'>{escape(s)}</text>")


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


# --- org chart ---------------------------------------------------------------------------

def org_chart(reporting_children: dict[str, list[str]], roots: list[str], box_label: dict[str, str],
              span: dict[str, int], team_label: dict[str, str], *, max_children: int = 8) -> str:
    """The top three reporting layers: the top post, its direct reports in a row, and
    each of theirs stacked in a column below (so the chart stays narrow enough to read
    on a printed page). Teams wider than ``max_children`` end in a "+N more" box.

    Box colour = the reading of the team that person heads (grey when not a manager).
    """
    box_w, box_h, gap_x, row_h = 150, 38, 36, 46  # gap_x > the 24 px indent of stacked boxes
    root = roots[0] if roots else None
    if root is None:
        return ""

    def shown(node: str) -> tuple[list[str], int]:
        kids = sorted(reporting_children.get(node, []), key=lambda k: (-span.get(k, 0), k))
        return kids[:max_children], max(len(kids) - max_children, 0)

    second, second_more = shown(root)
    columns = second + (["+more"] if second_more else [])
    width = max(len(columns), 1) * (box_w + gap_x) + gap_x
    stacks = {node: shown(node) for node in second}
    deepest = max([len(k) + (1 if more else 0) for k, more in stacks.values()] + [0])
    height = 20 + box_h + 40 + box_h + (30 + deepest * row_h if deepest else 0) + 10
    body: list[str] = []

    def box(x: float, y: float, node: str) -> None:
        colour = COLOURS.get(team_label.get(node, ""), "#bdc3c7")
        body.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{box_w}' height='{box_h}' rx='5' fill='white' "
                    f"stroke='{colour}' stroke-width='2.5'/>")
        body.append(_text(x + box_w / 2, y + 16, _short(box_label.get(node, node), 24), 11, "middle", "#222", "bold"))
        body.append(_text(x + box_w / 2, y + 30, f"{node} · span {span.get(node, 0)}", 10, "middle", "#555"))

    def more_box(x: float, y: float, count: int) -> None:
        body.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{box_w}' height='{box_h}' rx='5' fill='#f4f6f7' "
                    "stroke='#bbb' stroke-dasharray='3 2'/>")
        body.append(_text(x + box_w / 2, y + 23, f"+{count} more", 11, "middle", "#555"))

    top_y, second_y = 20.0, 20.0 + box_h + 40
    root_x = width / 2 - box_w / 2
    box(root_x, top_y, root)
    if columns:
        xs = [gap_x + i * (box_w + gap_x) for i in range(len(columns))]
        bus_y = top_y + box_h + 20
        body.append(f"<path d='M{width / 2:.1f},{top_y + box_h:.1f} V{bus_y:.1f}' stroke='#999' fill='none'/>")
        body.append(f"<path d='M{xs[0] + box_w / 2:.1f},{bus_y:.1f} H{xs[-1] + box_w / 2:.1f}' stroke='#999' fill='none'/>")
        for x, node in zip(xs, columns):
            body.append(f"<path d='M{x + box_w / 2:.1f},{bus_y:.1f} V{second_y:.1f}' stroke='#999' fill='none'/>")
            if node == "+more":
                more_box(x, second_y, second_more)
                continue
            box(x, second_y, node)
            kids, more = stacks[node]
            rows = kids + (["+more"] if more else [])
            if not rows:
                continue
            spine_x = x + 12
            last_y = second_y + box_h + 30 + (len(rows) - 1) * row_h + box_h / 2
            body.append(f"<path d='M{spine_x:.1f},{second_y + box_h:.1f} V{last_y:.1f}' stroke='#999' fill='none'/>")
            for j, kid in enumerate(rows):
                y = second_y + box_h + 30 + j * row_h
                body.append(f"<path d='M{spine_x:.1f},{y + box_h / 2:.1f} H{x + 24:.1f}' stroke='#999' fill='none'/>")
                if kid == "+more":
                    more_box(x + 24, y, more)
                else:
                    box(x + 24, y, kid)
    # the stacked boxes are indented by 24 px: widen the canvas so the last column fits
    return _svg(int(width + 24), int(height), "".join(body), "Org chart: the top reporting layers")


# --- spans and layers heatmap ------------------------------------------------------------

def spans_heatmap(table: pd.DataFrame) -> str:
    """People per reporting layer (rows) and span-of-control bucket (columns)."""
    if table.empty:
        return ""
    buckets = [c for c in table.columns if c.startswith("span ")]
    cell_w, cell_h, left, top = 78, 26, 90, 40
    width = left + cell_w * len(buckets) + 110
    height = top + cell_h * len(table) + 16
    peak = max(int(table[buckets].to_numpy().max()), 1)
    body = [_text(left + cell_w * len(buckets) / 2, 16, "direct reports (span of control)", 11, "middle", "#444")]
    for j, b in enumerate(buckets):
        body.append(_text(left + cell_w * j + cell_w / 2, top - 8, b.replace("span ", ""), 11, "middle"))
    body.append(_text(width - 100, top - 8, "people · mean span", 10, "start", "#444"))
    for i, row in enumerate(table.itertuples(index=False)):
        y = top + i * cell_h
        body.append(_text(left - 10, y + 17, f"layer {row.reporting_layer}", 11, "end"))
        for j, b in enumerate(buckets):
            value = int(table.iloc[i][b])
            shade = 0 if value == 0 else 0.15 + 0.85 * (np.log1p(value) / np.log1p(peak))
            fill = f"rgba(41,128,185,{shade:.3f})" if value else "#f7f9f9"
            body.append(f"<rect x='{left + cell_w * j:.1f}' y='{y:.1f}' width='{cell_w - 2}' height='{cell_h - 2}' fill='{fill}'/>")
            body.append(_text(left + cell_w * j + cell_w / 2, y + 17, str(value) if value else "", 11, "middle",
                              "white" if shade > 0.6 else "#222"))
        mean = table.iloc[i]["mean_span"]
        body.append(_text(width - 100, y + 17, f"{int(table.iloc[i]['people'])} · "
                          + ("–" if pd.isna(mean) else f"{float(mean):.1f}"), 11))
    return _svg(int(width), int(height), "".join(body), "Spans and layers heatmap")


# --- power map ---------------------------------------------------------------------------

MARKER_GAP = 20.0  # centre distance of two layer markers (radius 9 + white ring): never closer
REGION_FILL = {"power-over": "#fdedec", "mutual": "#e9f7ef", "mixed": "#fef9e7"}


def _free_spot(x: float, y: float, placed: list[tuple[float, float]], centre: tuple[float, float],
               inside: Callable[[float, float], bool] = lambda px, py: True) -> tuple[float, float]:
    """The first point from (x, y) towards ``centre`` (then fanned around that direction)
    that is at least MARKER_GAP from every placed marker and ``inside`` (the frame and the
    marker's region), so that layers on one spot stay readable and in their region."""
    def free(px: float, py: float) -> bool:
        # + 0.02: the SVG prints centres to 0.01 px, and rounding must not bring two closer than the gap
        return inside(px, py) and all(np.hypot(px - qx, py - qy) >= MARKER_GAP + 0.02 for qx, qy in placed)

    if free(x, y):
        return x, y
    cx, cy = centre
    norm = max(np.hypot(cx - x, cy - y), 1.0)
    ux, uy = (cx - x) / norm, (cy - y) / norm
    for step in range(1, 40):
        for turn in (0.0, 0.6, -0.6, 1.2, -1.2, 1.8, -1.8, 2.4, -2.4, np.pi):  # towards the centre first, then fanned
            c, s_ = np.cos(turn), np.sin(turn)
            dx, dy = ux * c - uy * s_, ux * s_ + uy * c
            px, py = x + (MARKER_GAP + 0.02) * step * dx, y + (MARKER_GAP + 0.02) * step * dy
            if free(px, py):
                return px, py
    return x, y


def power_map_regions(thresholds: Any = None) -> dict[str, tuple[float, float, float, float]]:
    """The power-over and mutual regions of the map in score space, (asymmetry low, high,
    direction low, high), from the rules' own cut-offs (readings.plane_cuts); the rest
    of the square is mixed. Both ends are inclusive, as the rules are (≥ and ≤)."""
    from orgpower.report.config import Thresholds
    from orgpower.report.readings import plane_cuts

    cuts = plane_cuts(thresholds or Thresholds())
    return {"power-over": (cuts.one_way_at, 1.0, cuts.layered_at, 1.0),
            "mutual": (0.0, cuts.returned_at, 0.0, cuts.circulating_at)}


def _say_override(reading: dict[str, Any], thresholds: Any) -> float | None:
    """The top holder's share of the say when it made a layer mixed that its two scores
    place in the mutual region (readings.read_measures), else None."""
    from orgpower.report.readings import MIXED, MUTUAL, plane_label

    scores = reading.get("scores") or {}
    a, d = scores.get("asymmetry"), scores.get("direction")
    values = ((reading.get("axes") or {}).get("concentration") or {}).get("values") or {}
    share = values.get("say_top_share")
    if (a is None or d is None or share is None or reading.get("label") != MIXED
            or plane_label(a, d, thresholds) != MUTUAL or share < thresholds.say_majority):
        return None
    return float(share)


def power_map(layers: dict[str, dict[str, Any]], thresholds: Any = None) -> str:
    """Asymmetry (x: 0 returned … 1 one-way) against direction (y: 0 circulating … 1 layered),
    one numbered marker per layer of the whole org.

    The shaded regions are the rules (readings.plane_cuts, from the thresholds used), so a
    layer's colour is the colour of the region it sits in. Two readings the plane cannot
    show are drawn apart: the formal line (a grey diamond: one-way by construction, it does
    not vote) and decisions that are returned and circulate but whose say one holder has
    (a ringed amber dot). Units are not drawn: their label is a vote across layers, not a
    point (the Units table gives each unit's reading).
    """
    from orgpower.report.config import Thresholds
    from orgpower.report.readings import FORMAL

    thresholds = thresholds or Thresholds()
    size, pad = 420, 60
    W, H = size + 2 * pad + 260, size + 2 * pad + 22
    inset = 10  # keep markers at 0 or 1 inside the frame

    def xy(a: float, d: float) -> tuple[float, float]:
        return pad + inset + a * (size - 2 * inset), pad + inset + (1 - d) * (size - 2 * inset)

    def px_box(a0: float, a1: float, d0: float, d1: float) -> tuple[float, float, float, float]:
        (x0, y1), (x1, y0) = xy(a0, d0), xy(a1, d1)
        return x0, x1, y0, y1

    body = [f"<rect x='{pad}' y='{pad}' width='{size}' height='{size}' fill='{REGION_FILL['mixed']}' stroke='#aaa' "
            "class='region' data-region='mixed'/>"]
    boxes = {}
    for label, (a0, a1, d0, d1) in power_map_regions(thresholds).items():
        boxes[label] = px_box(a0, a1, d0, d1)
        x0, x1, y0, y1 = boxes[label]
        # regions that reach 0 or 1 run on to the frame (the inset margin belongs to them)
        fx0, fx1 = (pad if a0 <= 0 else x0), (pad + size if a1 >= 1 else x1)
        fy0, fy1 = (pad if d1 >= 1 else y0), (pad + size if d0 <= 0 else y1)
        body.append(f"<rect x='{fx0:.2f}' y='{fy0:.2f}' width='{fx1 - fx0:.2f}' height='{fy1 - fy0:.2f}' "
                    f"fill='{REGION_FILL[label]}' class='region' data-region='{label}' "
                    f"data-box='{x0:.2f} {x1:.2f} {y0:.2f} {y1:.2f}'/>")
    cuts = power_map_regions(thresholds)
    body += [
        # region names outside the frame, so that no marker ever covers them
        _text(pad + size - 2, pad - 8, f"power-over: one-way (≥ {cuts['power-over'][0]:g}) and layered "
              f"(≥ {cuts['power-over'][2]:g})", 11, "end", COLOURS["power-over"], "bold"),
        _text(pad + 2, pad + size + 32, f"mutual: returned (≤ {cuts['mutual'][1]:g}) and circulating "
              f"(≤ {cuts['mutual'][3]:g})", 11, "start", COLOURS["mutual"], "bold"),
        _text(pad + size - 2, pad + size + 46, "elsewhere: mixed", 11, "end", COLOURS["mixed"], "bold"),
        _text(pad + size / 2, H - 4, "asymmetry: 0 = every tie returned … 1 = none returned", 11, "middle", "#444"),
        f"<g transform='translate(18,{pad + size / 2}) rotate(-90)'>"
        + _text(0, 0, "direction: 0 = circulates … 1 = runs down", 11, "middle", "#444") + "</g>",
    ]
    for tick in (0, 0.5, 1):
        x, y = xy(tick, tick)
        body.append(_text(x, pad + size + 16, f"{tick:g}", 10, "middle", "#666"))
        body.append(_text(pad - 8, y + 4, f"{tick:g}", 10, "end", "#666"))
    frame = (pad + inset, pad + size - inset, pad + inset, pad + size - inset)

    def within(box: tuple[float, float, float, float], px: float, py: float) -> bool:
        return box[0] <= px <= box[1] and box[2] <= py <= box[3]

    def region_at(px: float, py: float) -> str:
        return next((name for name, box in boxes.items() if within(box, px, py)), "mixed")

    placed: list[tuple[float, float]] = []
    legend_x, line = pad + size + 16, 0
    notes: list[str] = []
    for i, (name, reading) in enumerate(sorted(layers.items()), 1):
        a, d = reading["scores"].get("asymmetry"), reading["scores"].get("direction")
        label = reading["label"]
        formal = label == FORMAL
        say = None if formal else _say_override(reading, thresholds)
        colour = COLOURS.get(label, "#999")
        line += 1
        words = f"{i}  {name}: {label}" + (" (does not vote)" if formal else "")
        body.append(_text(legend_x, pad + 14 + 20 * line, words, 11.5, "start", colour, "bold"))
        if a is None or d is None:
            continue
        x, y = xy(a, d)
        # a marker stays in the region of its label, however crowded the spot
        x, y = _free_spot(x, y, placed, (pad + size / 2, pad + size / 2),
                          lambda px, py, region=(None if formal or say is not None else label): (
                              within(frame, px, py) and (region is None or region_at(px, py) == region)))
        placed.append((x, y))
        attrs = f"class='layer-mark' data-layer='{escape(name, quote=True)}' data-label='{escape(label, quote=True)}'"
        tip = f"<title>{escape(name)}: {escape(label)} (asymmetry {a:.2f}, direction {d:.2f})</title>"
        if formal:
            body.append(f"<path {attrs} data-x='{x:.2f}' data-y='{y:.2f}' d='M{x:.2f},{y - 11:.2f} L{x + 11:.2f},{y:.2f} "
                        f"L{x:.2f},{y + 11:.2f} L{x - 11:.2f},{y:.2f} Z' fill='white' stroke='{colour}' "
                        f"stroke-width='2' stroke-dasharray='3 2'>{tip}</path>")
            body.append(_text(x, y + 4, str(i), 10.5, "middle", colour, "bold"))
            if not any(n.startswith("◇") for n in notes):
                notes.append("◇ formal line: one-way by construction;")
                notes.append("   not a verdict, it does not vote")
            continue
        ring = f" stroke='{COLOURS['mixed']}' stroke-width='2' data-say='{say:.4f}'" if say is not None else \
            " stroke='white' stroke-width='2'"
        body.append(f"<circle {attrs} cx='{x:.2f}' cy='{y:.2f}' r='9' fill='{colour}'{ring}>{tip}</circle>")
        if say is not None:
            body.append(f"<circle cx='{x:.2f}' cy='{y:.2f}' r='13' fill='none' stroke='{COLOURS['mixed']}' stroke-width='2'/>")
            notes.append(f"◎ {i}: mixed although returned and")
            notes.append(f"   circulating: one holder has the say on {say:.0%}")
        body.append(_text(x, y + 4, str(i), 10.5, "middle", "white", "bold"))
    body.append(_text(legend_x, pad + 14, "layers", 11, "start", "#444", "bold"))
    for j, note in enumerate(notes):
        body.append(_text(legend_x, pad + 14 + 20 * (line + 1.5) + 15 * j, note, 10.5, "start", "#555"))
    return _svg(int(W), int(H), "".join(body), "Power map: asymmetry against direction")


# --- Lorenz curves -----------------------------------------------------------------------

def lorenz_chart(curves: dict[str, tuple[np.ndarray, np.ndarray, float | None]]) -> str:
    """Lorenz curves (share of people, poorest first, against share held) with their Gini."""
    curves = {k: v for k, v in curves.items() if v is not None and len(v[0]) > 1}
    if not curves:
        return ""
    size, pad = 300, 50
    W, H = size + 2 * pad + 200, size + 2 * pad
    palette = ["#2471a3", "#c0392b", "#7d3c98", "#1e8449"]
    body = [f"<rect x='{pad}' y='{pad}' width='{size}' height='{size}' fill='#fbfcfc' stroke='#aaa'/>",
            f"<line x1='{pad}' y1='{pad + size}' x2='{pad + size}' y2='{pad}' stroke='#999' stroke-dasharray='4 3'/>",
            _text(pad + size / 2, H - 8, "share of people (fewest holdings first)", 11, "middle", "#444"),
            f"<g transform='translate(16,{pad + size / 2}) rotate(-90)'>" + _text(0, 0, "share held", 11, "middle", "#444") + "</g>"]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        body.append(_text(pad + tick * size, pad + size + 14, f"{tick:g}", 9.5, "middle", "#666"))
        body.append(_text(pad - 6, pad + (1 - tick) * size + 3, f"{tick:g}", 9.5, "end", "#666"))
    for i, (name, (px, py, g)) in enumerate(sorted(curves.items())):
        # thin long curves to at most 400 points; the shape is kept
        idx = np.unique(np.linspace(0, len(px) - 1, min(len(px), 400)).astype(int))
        points = " ".join(f"{pad + x * size:.1f},{pad + (1 - y) * size:.1f}" for x, y in zip(px[idx], py[idx]))
        colour = palette[i % len(palette)]
        body.append(f"<polyline points='{points}' fill='none' stroke='{colour}' stroke-width='2'/>")
        label = f"{name}" + ("" if g is None else f" (Gini {g:.2f})")
        body.append(_text(pad + size + 14, pad + 16 + 18 * i, "— " + label, 11, "start", colour))
    body.append(_text(pad + size + 14, pad + 16 + 18 * (len(curves) + 1), "- - equal shares", 10, "start", "#666"))
    return _svg(int(W), int(H), "".join(body), "Lorenz curves")
