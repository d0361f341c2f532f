"""Inline SVG charts for the report, drawn here (no JavaScript, no CDN, works offline).

Every text that comes from the data is escaped; charts show ids, titles and units,
never names.
"""

from __future__ import annotations

from html import escape
from typing import Any

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


def _free_spot(x: float, y: float, placed: list[tuple[float, float]], centre: tuple[float, float],
               box: tuple[float, float] = (-np.inf, np.inf)) -> tuple[float, float]:
    """The first point from (x, y) towards ``centre`` (then fanned around that direction)
    that is at least MARKER_GAP from every placed marker and inside ``box`` (low, high
    for both coordinates), so that layers on one spot stay readable and inside the frame."""
    def free(px: float, py: float) -> bool:
        inside = box[0] <= px <= box[1] and box[0] <= py <= box[1]
        return inside and all(np.hypot(px - qx, py - qy) >= MARKER_GAP for qx, qy in placed)

    if free(x, y):
        return x, y
    cx, cy = centre
    norm = max(np.hypot(cx - x, cy - y), 1.0)
    ux, uy = (cx - x) / norm, (cy - y) / norm
    for step in range(1, 40):
        for turn in (0.0, 0.6, -0.6, 1.2, -1.2):  # straight towards the centre first, then fanned
            c, s_ = np.cos(turn), np.sin(turn)
            dx, dy = ux * c - uy * s_, ux * s_ + uy * c
            px, py = x + MARKER_GAP * step * dx, y + MARKER_GAP * step * dy
            if free(px, py):
                return px, py
    return x, y


def power_map(layers: dict[str, dict[str, Any]], units: list[dict[str, Any]]) -> str:
    """Asymmetry (x: 0 returned … 1 one-way) against direction (y: 0 circulating … 1 layered).

    Large labelled dots are layers; small dots are units, coloured by their reading.
    """
    size, pad = 420, 60
    W, H = size + 2 * pad + 140, size + 2 * pad + 22

    def xy(a: float, d: float) -> tuple[float, float]:
        inset = 10  # keep dots at 0 or 1 inside the frame
        return pad + inset + a * (size - 2 * inset), pad + inset + (1 - d) * (size - 2 * inset)

    body = [
        f"<rect x='{pad}' y='{pad}' width='{size}' height='{size}' fill='#fbfcfc' stroke='#aaa'/>",
        f"<rect x='{pad + size / 2}' y='{pad}' width='{size / 2}' height='{size / 2}' fill='#fdedec'/>",
        f"<rect x='{pad}' y='{pad + size / 2}' width='{size / 2}' height='{size / 2}' fill='#e9f7ef'/>",
        # quadrant names outside the frame (above the top quadrants, below the bottom ones),
        # so that no dot of a layer or unit ever covers them
        _text(pad + size - 2, pad - 8, "power-over (one-way, layered)", 11, "end", COLOURS["power-over"], "bold"),
        _text(pad + 2, pad + size + 32, "mutual (returned, circulating)", 11, "start", COLOURS["mutual"], "bold"),
        _text(pad + size - 2, pad + size + 32, "circulating (one-way, no ranking)", 11, "end", "#7d6608"),
        _text(pad + size / 2, H - 10, "asymmetry: 0 = every tie returned … 1 = none returned", 11, "middle", "#444"),
        f"<g transform='translate(18,{pad + size / 2}) rotate(-90)'>"
        + _text(0, 0, "direction: 0 = circulates … 1 = runs down", 11, "middle", "#444") + "</g>",
    ]
    for tick in (0, 0.5, 1):
        x, y = xy(tick, tick)
        body.append(_text(x, pad + size + 16, f"{tick:g}", 10, "middle", "#666"))
        body.append(_text(pad - 8, y + 4, f"{tick:g}", 10, "end", "#666"))
    for u in units:
        a, d = u["scores"].get("asymmetry"), u["scores"].get("direction")
        if a is None or d is None:
            continue
        x, y = xy(a, d)
        r = 3 + min(np.sqrt(u.get("size") or 1), 9)
        body.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' fill='{COLOURS.get(u['label'], '#999')}' "
                    f"fill-opacity='0.35' stroke='none'><title>{escape(str(u['id']))}: {escape(u['label'])}</title></circle>")
    placed: list[tuple[float, float]] = []
    for i, (name, reading) in enumerate(sorted(layers.items()), 1):
        a, d = reading["scores"].get("asymmetry"), reading["scores"].get("direction")
        colour = COLOURS.get(reading["label"], "#999")
        body.append(_text(pad + size + 16, pad + 14 + 20 * i, f"{i}  {name}: {reading['label']}", 11.5, "start", colour, "bold"))
        if a is None or d is None:
            continue
        x, y = xy(a, d)
        x, y = _free_spot(x, y, placed, (pad + size / 2, pad + size / 2), (pad + 10.0, pad + size - 10.0))
        placed.append((x, y))
        body.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='9' fill='{colour}' stroke='white' stroke-width='2'/>")
        body.append(_text(x, y + 4, str(i), 10.5, "middle", "white", "bold"))
    body.append(_text(pad + size + 16, pad + 14, "layers", 11, "start", "#444", "bold"))
    body.append(_text(pad + size + 16, pad + 14 + 20 * (len(layers) + 1.5), "faint dots: units", 10.5, "start", "#666"))
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
