"""Three-axis readings: power-over, mutual or mixed (docs/readings.md).

"Power-over" and "mutual" are not two ends of one centralization scale: a mutual star is
*more* centralized than an out-star on total degree, yet nothing in it runs one way. So a
reading looks at three axes separately and only then names the structure:

asymmetry  (is it returned?)       reciprocity r (weighted r_w on weighted layers),
                                   dyadic M/(M+A), Garlaschelli–Loffredo ρ
direction  (does it run down?)     trophic incoherence F0, flow hierarchy, GRC, agony
concentration (who holds it?)      in/out-degree centralization, HHI* / Gini of out-strength

Decision logic (thresholds in :class:`~orgpower.report.config.Thresholds`):

Each leaning is read from the axis score shown (:func:`plane_cuts`: asymmetry 1 − r, direction
the mean of 1 − F0 and flow hierarchy), so a layer's label is the region of the power map
its two scores fall in (:func:`plane_label`).

1. one-way **and** layered (F0 low, flow hierarchy high)   -> ``power-over`` / ``layered``
   (+ ``concentrated`` when in/out centralization or HHI* is high);
2. returned **and** circulating (F0 high, flow hierarchy low) -> ``mutual``, sub-label
   ``hub partnership`` when total-degree centralization is high (central but returned),
   else ``shared``;
3. one-way but circulating (r ≈ 0, F0 ≈ 1)                   -> ``mixed`` / ``circulating``
   (rotating flow: flag for review);
4. anything else                                           -> ``mixed``, sub-labels saying
   which axis leans which way.

Each axis is also compared with the layer's degree-preserving null model when one was
computed, and every reading carries its scores and the sentences that produced it.

>>> r = read_measures({"arcs": 4, "nodes": 5, "reciprocity_edgewise": 1.0, "reciprocity_dyadic": 1.0,
...     "trophic_incoherence": 1.0, "flow_hierarchy": 0.0, "degree_centralization_in": 0.75,
...     "degree_centralization_out": 0.75, "degree_centralization_total": 1.0})
>>> r.label, r.sublabels
('mutual', ('hub partnership',))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orgpower.report.config import Thresholds

POWER_OVER, MUTUAL, MIXED, UNDETERMINED = "power-over", "mutual", "mixed", "undetermined"
FORMAL = "formal line"
LABELS = (POWER_OVER, MUTUAL, MIXED)

# The formal lines: solid and dotted reporting. A manager -> report tie is one-way and
# layered by construction (an org chart is a tree), so it is read and shown as what it is,
# a formal line, and it does not vote in a combined reading while any other layer
# (money, decisions, relations) can be read (docs/readings.md, "The formal line").
FORMAL_LAYERS = ("reporting", "reporting_dotted")

# Sub-labels belong to one axis each; a reading carries at most one per axis.
AXIS_SUBLABELS = {
    "asymmetry": ("one-way", "returned"),
    "direction": ("layered", "circulating"),
    "concentration": ("concentrated", "hub partnership", "shared"),
}


@dataclass(frozen=True)
class PlaneCuts:
    """Where the asymmetry and direction scores change a leaning, derived from
    :class:`Thresholds` (never typed twice). A layer's label is a function of the two
    scores it shows, so the power map's regions are exactly these rectangles."""

    one_way_at: float
    """asymmetry score (1 − r) at or above this: one-way (r ≤ ``reciprocity_low``)."""
    returned_at: float
    """asymmetry score at or below this: returned (r ≥ ``reciprocity_high``)."""
    layered_at: float
    """direction score at or above this: layered (the mean of 1 − ``trophic_layered_max``
    and ``flow_hierarchy_layered_min``, as the score is the mean of 1 − F0 and flow hierarchy)."""
    circulating_at: float
    """direction score at or below this: circulating (the mean of 1 − ``trophic_circulating_min``
    and ``flow_hierarchy_circulating_max``)."""


def plane_cuts(thresholds: Thresholds) -> PlaneCuts:
    """The cut-offs of the asymmetry and direction scores (see :class:`PlaneCuts`)."""
    return PlaneCuts(
        one_way_at=round(1 - thresholds.reciprocity_low, 9),
        returned_at=round(1 - thresholds.reciprocity_high, 9),
        layered_at=round(((1 - thresholds.trophic_layered_max) + thresholds.flow_hierarchy_layered_min) / 2, 9),
        circulating_at=round(((1 - thresholds.trophic_circulating_min) + thresholds.flow_hierarchy_circulating_max) / 2, 9),
    )


def plane_label(asymmetry: float, direction: float, thresholds: Thresholds) -> str:
    """The label the rules give a layer placed at (asymmetry, direction) on the power map:
    power-over when one-way and layered, mutual when returned and circulating, else mixed.
    (Two exceptions the plane cannot show: the formal line, and decisions whose say one
    holder has; :func:`read_measures`.)

    >>> plane_label(0.69, 0.56, Thresholds())
    'mixed'
    """
    cuts = plane_cuts(thresholds)
    if asymmetry >= cuts.one_way_at and direction >= cuts.layered_at:
        return POWER_OVER
    if asymmetry <= cuts.returned_at and direction <= cuts.circulating_at:
        return MUTUAL
    return MIXED


# What the concentration score is the largest of (key -> words).
CONCENTRATION_PARTS = {
    "degree_centralization_in": "in-degree centralization",
    "degree_centralization_out": "out-degree centralization",
    "hhi_out_strength_normalised": "HHI* of out-strength",
    "say_top_share": "the top holder's share of the say",
}


@dataclass(frozen=True)
class AxisReading:
    """One axis of a reading: its score (0 = mutual signature, 1 = power-over signature),
    which way it leans, the values it was read from and the null comparison."""

    axis: str
    score: float | None
    leaning: str  # "power-over" | "mutual" | "neutral" | "undefined"
    values: dict[str, float | None]
    null: dict[str, Any] = field(default_factory=dict)
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "axis": self.axis, "score": self.score, "leaning": self.leaning,
            "values": dict(self.values), "null": dict(self.null), "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Reading:
    """The label of one scope (a layer, team, unit or the org) with its scores and evidence."""

    label: str
    sublabels: tuple[str, ...]
    axes: dict[str, AxisReading]
    evidence: tuple[str, ...]

    @property
    def scores(self) -> dict[str, float | None]:
        return {name: axis.score for name, axis in self.axes.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "sublabels": list(self.sublabels),
            "scores": self.scores,
            "axes": {name: axis.to_dict() for name, axis in self.axes.items()},
            "evidence": list(self.evidence),
        }


def _num(measures: Mapping[str, Any], key: str) -> float | None:
    value = measures.get(key)
    if value is None or isinstance(value, bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if value == value else None  # NaN -> None


def null_comparison(measures: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The degree-preserving null model's view of ``key``: observed, null mean, sd, z.

    ``measures["null_model"]`` is read as metrics/org.py produces it:
    ``{"measures": {key: {observed, null_mean, null_sd, z, share_null_ge_observed}}}``
    (:func:`orgpower.metrics.nulls.null_comparison`).
    Returns ``{}`` when no null model was computed for ``key``.
    """
    null = measures.get("null_model")
    if not isinstance(null, Mapping):
        return {}
    table = null.get("measures")
    entry = table.get(key) if isinstance(table, Mapping) else None
    if not isinstance(entry, Mapping):
        return {}
    mean = _num(entry, "null_mean")
    std = _num(entry, "null_sd")
    observed = _num(entry, "observed")
    if observed is None:
        observed = _num(measures, key)
    z = _num(entry, "z")
    result = {"key": key, "observed": observed, "null_mean": mean, "null_std": std, "z": z}
    if "share_null_ge_observed" in entry:
        result["share_null_ge_observed"] = entry["share_null_ge_observed"]
    for extra in ("samples", "method", "seed"):
        if extra in null and extra not in result:
            result[extra] = null[extra]
    return result


def _fmt(value: float | None) -> str:
    if value is None:
        return "undefined"
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


# Within this of each other, and of the same end of [0, 1], the null model and the
# observed value say the same thing, and z (if any) says nothing.
NULL_DEGENERATE_GAP = 0.02


def null_degenerate(comparison: Mapping[str, Any]) -> bool:
    """True when the null model cannot tell: no spread across rewirings, or the observed
    value and the null mean sit together at the same end of the scale (a tree is one-way
    and so is every rewiring of it)."""
    mean, std, observed = comparison.get("null_mean"), comparison.get("null_std"), comparison.get("observed")
    if mean is None or observed is None:
        return False
    if not std:
        return True
    return abs(mean - observed) <= NULL_DEGENERATE_GAP and min(abs(observed), abs(1 - observed)) <= NULL_DEGENERATE_GAP


def _vs_null(comparison: Mapping[str, Any], thresholds: Thresholds) -> str:
    """The null comparison in words, to sit right after the value it belongs to."""
    z, mean = comparison.get("z"), comparison.get("null_mean")
    if mean is None:
        return ""
    if null_degenerate(comparison):
        return (f"; rewired at random with the same degrees it gives {mean:.2f} too, so the null model "
                "cannot tell this apart from chance")
    if z is None:
        return f"; degree-preserving null {mean:.2f}"
    side = "above" if z >= thresholds.null_z else "below" if z <= -thresholds.null_z else "close to"
    return f"; {side} the degree-preserving null, {mean:.2f}, z = {z:.1f}"


def read_asymmetry(measures: Mapping[str, Any], thresholds: Thresholds) -> AxisReading:
    """Is it returned? Weighted r_w on weighted layers, else edgewise r; the score is 1 − r,
    one-way at ≥ 1 − ``reciprocity_low`` and returned at ≤ 1 − ``reciprocity_high``
    (:func:`plane_cuts`). ρ and the null comparison go into the evidence, beside r."""
    edgewise = _num(measures, "reciprocity_edgewise")
    weighted_r = _num(measures, "weighted_reciprocity")
    use_weighted = bool(measures.get("weighted")) and weighted_r is not None
    key = "weighted_reciprocity" if use_weighted else "reciprocity_edgewise"
    r = weighted_r if use_weighted else edgewise
    rho = _num(measures, "reciprocity_rho")
    values = {
        "reciprocity_edgewise": edgewise,
        "reciprocity_dyadic": _num(measures, "reciprocity_dyadic"),
        "reciprocity_rho": rho,
        "weighted_reciprocity": weighted_r,
    }
    comparison = null_comparison(measures, key)
    if r is None:
        return AxisReading("asymmetry", None, "undefined", values, comparison, "No ties to test for reciprocity.")
    score = round(1.0 - r, 6)
    cuts = plane_cuts(thresholds)
    # the leaning is read from the score shown (1 − r), so that the power map's regions are
    # the rules; ρ and the null comparison are printed beside r to say whether it is below chance
    if score >= cuts.one_way_at:
        leaning = POWER_OVER
    elif score <= cuts.returned_at:
        leaning = MUTUAL
    else:
        leaning = "neutral"
    what = "weight" if use_weighted else "ties"
    verb = "is" if use_weighted else "are"
    share = f"none of the {what} {verb} returned" if r == 0 else f"{r:.0%} of the {what} {verb} returned"
    share = share[0].upper() + share[1:]
    evidence = f"{share} ({'r_w' if use_weighted else 'r'} = {r:.2f}{_vs_null(comparison, thresholds)}; ρ = {_fmt(rho)})."
    return AxisReading("asymmetry", score, leaning, values, comparison, evidence)


def read_direction(measures: Mapping[str, Any], thresholds: Thresholds) -> AxisReading:
    """Does it always run down? Layered when F0 is low and flow hierarchy high;
    circulating when F0 is high and flow hierarchy low."""
    f0 = _num(measures, "trophic_incoherence")
    fh = _num(measures, "flow_hierarchy")
    values = {
        "trophic_incoherence": f0,
        "flow_hierarchy": fh,
        "global_reaching_centrality": _num(measures, "global_reaching_centrality"),
        "agony": _num(measures, "agony"),
        "krackhardt_hierarchy": _num(measures, "krackhardt_hierarchy"),
    }
    comparison = null_comparison(measures, "trophic_incoherence") or null_comparison(measures, "flow_hierarchy")
    f0_null, fh_null = null_comparison(measures, "trophic_incoherence"), null_comparison(measures, "flow_hierarchy")
    parts = [p for p in ((None if f0 is None else 1.0 - f0), fh) if p is not None]
    if not parts:
        return AxisReading("direction", None, "undefined", values, comparison, "No ties to rank.")
    score = round(sum(parts) / len(parts), 6)
    # the leaning is read from the score shown (mean of 1 − F0 and flow hierarchy), with the
    # cut-offs derived from the F0 and flow-hierarchy thresholds (plane_cuts)
    cuts = plane_cuts(thresholds)
    layered = score >= cuts.layered_at
    circulating = score <= cuts.circulating_at
    leaning = POWER_OVER if layered else MUTUAL if circulating else "neutral"
    if leaning == POWER_OVER:
        lead = "Ties run down a consistent ranking"
    elif leaning == MUTUAL:
        lead = "Ties circulate rather than run down"
    else:
        lead = "Ties partly run down a ranking"
    # each null comparison right after its own measure (F0's null is not flow hierarchy's)
    evidence = (
        f"{lead} (direction {_fmt(score)} {'≥' if layered else '≤' if circulating else 'between'} "
        + (f"{cuts.layered_at:g}" if layered else f"{cuts.circulating_at:g}" if circulating
           else f"{cuts.circulating_at:g} and {cuts.layered_at:g}")
        + f": trophic incoherence F0 = {_fmt(f0)}{_vs_null(f0_null, thresholds)}; "
        f"flow hierarchy = {_fmt(fh)}{_vs_null(fh_null, thresholds)})."
    )
    return AxisReading("direction", score, leaning, values, comparison, evidence)


def read_concentration(measures: Mapping[str, Any], thresholds: Thresholds) -> AxisReading:
    """Who holds it? The score is the largest of in-degree centralization, out-degree
    centralization and HHI* of out-strength (on the decisions layer also the share of
    decisions on which the top holder has the say); the scope reads concentrated when
    that score, the number shown, is at least ``concentration_high``. Total degree is kept
    as the mutual-hub detector (a mutual star maximises it)."""
    c_in = _num(measures, "degree_centralization_in")
    c_out = _num(measures, "degree_centralization_out")
    hhi = _num(measures, "hhi_out_strength")
    hhi_star = _num(measures, "hhi_out_strength_normalised")
    say_top = _num(measures, "say_top_share")
    nodes = _num(measures, "nodes")
    if hhi_star is None and hhi is not None and nodes and nodes > 1:
        # the raw index lies in [1/n, 1]; normalise so that equal shares read 0
        hhi_star = max((hhi - 1.0 / nodes) / (1.0 - 1.0 / nodes), 0.0)
    values = {
        "degree_centralization_in": c_in,
        "degree_centralization_out": c_out,
        "degree_centralization_total": _num(measures, "degree_centralization_total"),
        "betweenness_centralization": _num(measures, "betweenness_centralization"),
        "gini_out_strength": _num(measures, "gini_out_strength"),
        "hhi_out_strength": hhi,
        "hhi_out_strength_normalised": None if hhi_star is None else round(hhi_star, 6),
    }
    if say_top is not None:
        values["say_top_share"] = say_top
    parts = {k: values[k] for k in CONCENTRATION_PARTS if values.get(k) is not None}
    if not parts:
        return AxisReading("concentration", None, "undefined", values, {}, "No ties to concentrate.")
    top_key = max(parts, key=lambda k: (parts[k], k))
    score = round(parts[top_key], 6)
    concentrated = score >= thresholds.concentration_high
    leaning = POWER_OVER if concentrated else "neutral"
    named = ", ".join(f"{CONCENTRATION_PARTS[k]} {_fmt(v)}" for k, v in parts.items())
    verdict = (f"Held by one or a few: concentration {_fmt(score)} ≥ {thresholds.concentration_high:g}"
               if concentrated else
               f"No single holder dominates: concentration {_fmt(score)} < {thresholds.concentration_high:g}")
    evidence = (
        f"{verdict} (the largest of {named}; Gini of out-strength {_fmt(values['gini_out_strength'])}, "
        "which people who allocate nothing raise, is shown but not used)."
    )
    return AxisReading("concentration", score, leaning, values, {}, evidence)


def read_measures(measures: Mapping[str, Any], thresholds: Thresholds | None = None, *, layer: str | None = None) -> Reading:
    """Read one layer's (or sub-layer's) measures dict into a :class:`Reading`.

    ``measures`` has the keys of :func:`~orgpower.metrics.layer.layer_measures`, optionally a
    ``null_model``, ``weighted`` and, for decisions, ``say_top_share``. A layer without
    arcs is ``undetermined``; a formal line (``layer`` in :data:`FORMAL_LAYERS`) reads
    ``formal line`` with the sub-labels its axes earn.
    """
    thresholds = thresholds or Thresholds()
    asymmetry = read_asymmetry(measures, thresholds)
    direction = read_direction(measures, thresholds)
    concentration = read_concentration(measures, thresholds)
    axes = {"asymmetry": asymmetry, "direction": direction, "concentration": concentration}
    evidence = tuple(a.evidence for a in axes.values())
    arcs = _num(measures, "arcs")
    if not arcs or asymmetry.leaning == "undefined":
        return Reading(UNDETERMINED, ("no ties",), axes, ("No ties in this scope, so nothing to read.",))
    one_way = asymmetry.leaning == POWER_OVER
    returned = asymmetry.leaning == MUTUAL
    layered = direction.leaning == POWER_OVER
    circulating = direction.leaning == MUTUAL
    concentrated = concentration.leaning == POWER_OVER
    total = concentration.values.get("degree_centralization_total")
    hub = total is not None and total >= thresholds.hub_total_centralization
    say_top = concentration.values.get("say_top_share")
    say_held_by_one = say_top is not None and say_top >= thresholds.say_majority
    if layer in FORMAL_LAYERS:
        label = FORMAL
        sublabels = _axis_sublabels(one_way, returned, layered, circulating, concentrated, hub=False)
        evidence = (f"A formal line: manager to report, one-way by construction; it does not vote while other "
                    "layers can be read.",) + evidence
    elif returned and circulating and say_held_by_one:
        # the say held by one is not a partnership, however many are consulted or agree
        label = MIXED
        sublabels = ("returned", "circulating", "concentrated")
        evidence = evidence + (f"One holder has the say on {say_top:.0%} of decisions (≥ {thresholds.say_majority:.0%}), "
                               "so the decisions cannot read mutual.",)
    elif one_way and layered:
        label, sublabels = POWER_OVER, ("layered",) + (("concentrated",) if concentrated else ())
    elif returned and circulating:
        label, sublabels = MUTUAL, ("hub partnership",) if hub else ("shared",)
    elif one_way and circulating:
        label, sublabels = MIXED, ("circulating",)
    else:
        label = MIXED
        sublabels = _axis_sublabels(one_way, returned, layered, circulating, concentrated, hub=hub)
    return Reading(label, sublabels, axes, evidence)


def _axis_sublabels(one_way: bool, returned: bool, layered: bool, circulating: bool, concentrated: bool, *,
                    hub: bool) -> tuple[str, ...]:
    """At most one sub-label per axis, in axis order."""
    asymmetry = "one-way" if one_way else "returned" if returned else None
    direction = "layered" if layered else "circulating" if circulating else None
    if returned and hub:
        concentration = "hub partnership"
    elif concentrated and not returned:
        concentration = "concentrated"
    else:
        concentration = None
    return tuple(s for s in (asymmetry, direction, concentration) if s)


def sublabel_axis(sublabel: str) -> str | None:
    """The axis a sub-label belongs to (None for ``no ties`` and the like)."""
    for axis, names in AXIS_SUBLABELS.items():
        if sublabel in names:
            return axis
    return None


# Layers that share one vote: solid and dotted reporting are both the formal line, and a
# matrix organisation should not count its chain of command twice.
SHARED_VOTES = (FORMAL_LAYERS,)


def score_sublabels(label: str, scores: Mapping[str, float | None], thresholds: Thresholds) -> tuple[str, ...]:
    """Sub-labels of a combined reading, read from the combined scores it shows with the
    same cut-offs as a layer, and only those that agree with its label.

    asymmetry score = 1 − r: one-way at ≥ 1 − ``reciprocity_low``, returned at ≤ 1 −
    ``reciprocity_high``; direction score = mean(1 − F0, flow hierarchy): layered at ≥ the
    mean of the layered cut-offs, circulating at ≤ the mean of the circulating ones;
    concentration: concentrated at ≥ ``concentration_high`` (a hub partnership when the
    reading is mutual or its ties are returned).
    """
    a, d, c = (scores.get(k) for k in ("asymmetry", "direction", "concentration"))
    cuts = plane_cuts(thresholds)
    found = {
        "asymmetry": None if a is None else "one-way" if a >= cuts.one_way_at
        else "returned" if a <= cuts.returned_at else None,
        "direction": None if d is None else "layered" if d >= cuts.layered_at
        else "circulating" if d <= cuts.circulating_at else None,
        "concentration": None if c is None else "concentrated" if c >= thresholds.concentration_high else None,
    }
    if found["concentration"] and (label == MUTUAL or found["asymmetry"] == "returned"):
        found["concentration"] = "hub partnership"  # central, but returned: as for a layer
    allowed = {POWER_OVER: {"one-way", "layered", "concentrated"}, MUTUAL: {"returned", "circulating", "hub partnership"},
               MIXED: {"one-way", "returned", "layered", "circulating", "concentrated", "hub partnership"}}.get(label, set())
    return tuple(s for s in found.values() if s and s in allowed)


def combine_readings(readings: Mapping[str, Reading], thresholds: Thresholds | None = None) -> Reading:
    """Combine per-layer readings into one (the org's, or a team's or unit's across layers).

    The formal lines (:data:`FORMAL_LAYERS`) do not vote while another layer can be read:
    they are one-way by construction, and an org whose money and decisions are shared is
    not power-over because it has a manager column. When they are all there is, the
    reading is ``undetermined`` (``formal line only``).

    The label is the one held by more than half of the votes; with no majority it is
    ``mixed``. Each voting layer has one vote. Axis scores are the means over the voting
    layers, and sub-labels are read from those means (:func:`score_sublabels`), so a
    combined ``concentrated`` always sits beside a concentration score that crosses the
    threshold. The evidence names each layer's label, so the vote can be checked.
    """
    thresholds = thresholds or Thresholds()
    read = {name: r for name, r in readings.items() if r.label != UNDETERMINED}
    if not read:
        return Reading(UNDETERMINED, ("no ties",), {}, ("No layer had ties to read.",))
    voting = {name: r for name, r in read.items() if name not in FORMAL_LAYERS and r.label != FORMAL}
    formal = sorted(name for name in read if name not in voting)
    layer_lines = tuple(
        f"{name}: {r.label}" + (f" ({', '.join(r.sublabels)})" if r.sublabels else "")
        for name, r in sorted(read.items())
    )
    if not voting:
        axes = _mean_axes(read)
        return Reading(UNDETERMINED, ("formal line only",), axes, (
            "Only the formal reporting line has ties here; it runs one way by construction, so it cannot tell "
            "power-over from mutual. Budgets, decisions or other relations decide the reading.",) + layer_lines)
    ballots = [r.label for r in voting.values()]
    votes = Counter(ballots)
    top, count = votes.most_common(1)[0]
    label = top if count * 2 > len(ballots) else MIXED
    axes = _mean_axes(voting)
    scores = {axis: a.score for axis, a in axes.items()}
    summary = f"{count} of {len(ballots)} votes read {top}" + (
        f" (the formal line, {', '.join(formal)}, does not vote)" if formal else "")
    return Reading(label, score_sublabels(label, scores, thresholds), axes, (summary + ".",) + layer_lines)


def _mean_axes(read: Mapping[str, Reading]) -> dict[str, AxisReading]:
    axes: dict[str, AxisReading] = {}
    for axis in ("asymmetry", "direction", "concentration"):
        scores = [r.axes[axis].score for r in read.values() if axis in r.axes and r.axes[axis].score is not None]
        per_layer = {name: r.axes[axis].score for name, r in sorted(read.items()) if axis in r.axes}
        score = round(sum(scores) / len(scores), 6) if scores else None
        axes[axis] = AxisReading(axis, score, "combined", per_layer, {}, f"Mean of {len(scores)} layer score(s).")
    return axes
