"""Change over time: the audit of a new snapshot against an older one.

- **metric deltas**: every numeric layer measure, old and new, and the change of label;
- **people** who gained or lost span of control, budget controlled or decision rights
  (matched by ``person_id``; people who joined or left are counted, not listed);
- **units** with the same sums per unit;
- **arcs that turned**: pairs whose tie in a layer went from returned (mutual) to one-way,
  or from one-way (or absent) to returned.

Changes within :data:`TOLERANCE` are no change (float noise such as 1.8e-12 in a budget
summed in another order is not a shift of power). Snapshots that share few person ids get
a warning; snapshots that share none are refused unless ``allow_disjoint``, since a
comparison of two different organisations (or of renumbered ids) would list everyone as
joined and left.

Order: the comparison runs from the older snapshot to the newer. When the dates in the data
(the latest flow ``period``) or, failing that, in the folder and file names say that the
snapshot given as older is the newer one, :func:`order_check` reports it, and the audit
refuses with a sentence saying what to write (or swaps them with a warning where the user
gave no order, ``audit --compare A B``).

Everything is keyed by ids; names never appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from orgpower.graph.layers import Layer

POWER_COLUMNS = ("span_of_control", "budget_given", "decision_rights")
# |new − old| ≤ ABSOLUTE + RELATIVE·max(|old|, |new|) is no change.
TOLERANCE = {"absolute": 1e-9, "relative": 1e-9}
# Below this share of the smaller snapshot's people in common, the comparison warns.
LOW_OVERLAP = 0.5


def changed(old, new) -> np.ndarray:
    """True where new differs from old beyond :data:`TOLERANCE` (NaN vs a number is a change).

    >>> changed(np.array([100.0, 1.0]), np.array([100.0 + 1.8e-12, 2.0])).tolist()
    [False, True]
    """
    old, new = np.asarray(old, dtype=float), np.asarray(new, dtype=float)
    scale = np.maximum(np.abs(old), np.abs(new))
    with np.errstate(invalid="ignore"):
        beyond = np.abs(new - old) > TOLERANCE["absolute"] + TOLERANCE["relative"] * np.nan_to_num(scale)
    return beyond | (np.isnan(old) != np.isnan(new))


def metric_deltas(new_layers: dict[str, dict], old_layers: dict[str, dict]) -> pd.DataFrame:
    rows = []
    for layer in sorted(set(new_layers) | set(old_layers)):
        new, old = new_layers.get(layer, {}), old_layers.get(layer, {})
        for key in sorted(set(new) | set(old)):
            a, b = old.get(key), new.get(key)
            numeric = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in (a, b))
            if not numeric or (a is None and b is None):
                continue
            both = a is not None and b is not None
            moved = bool(changed([np.nan if a is None else a], [np.nan if b is None else b])[0])
            rows.append({"layer": layer, "measure": key, "old": a, "new": b,
                         "delta": ((b - a) if moved else 0.0) if both else None, "changed": moved})
    return pd.DataFrame(rows, columns=["layer", "measure", "old", "new", "delta", "changed"])


def power_changes(new_power: pd.DataFrame, old_power: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows (person or unit) whose span, budget or decision rights changed."""
    cols = [key, *POWER_COLUMNS]
    new = new_power[cols].groupby(key).sum() if key == "unit" else new_power[cols].set_index(key)
    old = old_power[cols].groupby(key).sum() if key == "unit" else old_power[cols].set_index(key)
    both = new.merge(old, how="inner", left_index=True, right_index=True, suffixes=("_new", "_old"))
    out = pd.DataFrame(index=both.index)
    moved = np.zeros(len(both), dtype=bool)
    for c in POWER_COLUMNS:
        out[f"{c}_old"] = both[f"{c}_old"]
        out[f"{c}_new"] = both[f"{c}_new"]
        beyond = changed(both[f"{c}_old"], both[f"{c}_new"])
        out[f"{c}_change"] = np.where(beyond, both[f"{c}_new"] - both[f"{c}_old"], 0.0)  # noise is no change
        moved |= beyond
    out = out[moved].reset_index()
    def direction(row) -> str:
        changes = [row[f"{c}_change"] for c in POWER_COLUMNS]  # within the tolerance already 0
        if all(x >= 0 for x in changes):
            return "gained"
        if all(x <= 0 for x in changes):
            return "lost"
        return "shifted"
    out["change"] = [direction(r) for _, r in out.iterrows()] if len(out) else []
    return out.sort_values(key, kind="stable").reset_index(drop=True)


def _dyad_status(layer: Layer) -> dict[tuple[str, str], str]:
    """(a, b) with a < b -> 'mutual' | 'a->b' | 'b->a'."""
    coo = layer.adjacency.tocoo()
    ids = layer.node_ids.astype(str)
    arcs = set(zip(ids[coo.row].tolist(), ids[coo.col].tolist()))
    status: dict[tuple[str, str], str] = {}
    for s, t in arcs:
        a, b = (s, t) if s < t else (t, s)
        if (t, s) in arcs:
            status[(a, b)] = "mutual"
        else:
            status[(a, b)] = "one-way"
    return status


def turned_arcs(new_layers: dict[str, Layer], old_layers: dict[str, Layer]) -> pd.DataFrame:
    rows = []
    for name in sorted(set(new_layers) & set(old_layers)):
        new, old = _dyad_status(new_layers[name]), _dyad_status(old_layers[name])
        for pair in sorted(set(new) | set(old)):
            before, after = old.get(pair, "none"), new.get(pair, "none")
            if before == "mutual" and after == "one-way":
                rows.append({"layer": name, "a": pair[0], "b": pair[1], "old": before, "new": after, "turned": "one-way"})
            elif after == "mutual" and before != "mutual":
                rows.append({"layer": name, "a": pair[0], "b": pair[1], "old": before, "new": after, "turned": "mutual"})
    return pd.DataFrame(rows, columns=["layer", "a", "b", "old", "new", "turned"])


_PERIOD = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)(?:[-_ ./]?(?:(?P<q>[qQ][1-4])|(?P<h>[hH][12])|(?P<month>0[1-9]|1[0-2])"
    r"(?:[-_ ./]?(?P<day>0[1-9]|[12]\d|3[01]))?))?(?!\d)")


def period_start(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) where a period or date written in ``text`` begins: ``2026-Q3``,
    ``2026Q3``, ``2026-H2``, ``2026-07``, ``2026-07-15``, ``FY2026``, ``exports-2026q2``;
    the latest such date when ``text`` holds several; None when it holds none.

    >>> period_start("2026-Q3"), period_start("exports-2026q2"), period_start("budget")
    ((2026, 7, 1), (2026, 4, 1), None)
    """
    found = []
    for m in _PERIOD.finditer(str(text)):
        year = int(m["year"])
        if m["q"]:
            month, day = 3 * (int(m["q"][1]) - 1) + 1, 1
        elif m["h"]:
            month, day = 1 if m["h"][1] == "1" else 7, 1
        elif m["month"]:
            month, day = int(m["month"]), int(m["day"] or 1)
        else:
            month, day = 1, 1
        found.append((year, month, day))
    return max(found) if found else None


@dataclass(frozen=True)
class OrderCheck:
    """What the dates say about which snapshot is older."""

    reversed: bool
    evidence: str  # "flow periods", "names", or "" when nothing dates both
    new_date: str = ""
    old_date: str = ""


def _latest_period(model: Any) -> tuple[tuple[int, int, int], str] | None:
    flows = getattr(model, "flows", None)
    if flows is None or flows.empty or "period" not in flows:
        return None
    dated = [(period_start(p), str(p)) for p in flows["period"].dropna().astype(str).unique()]
    dated = [(k, p) for k, p in dated if k is not None]
    return max(dated) if dated else None


def order_check(new_model: Any, old_model: Any, new_name: str = "", old_name: str = "") -> OrderCheck:
    """Is the snapshot given as older (``old_model``) in fact the newer? Read from the latest
    flow ``period`` of each (``2026-Q4`` after ``2026-Q2``), and, when those are missing or
    equal, from dates in the names given (``exports-2026q4`` after ``exports-2026q2``).
    Equal or missing dates say nothing (``reversed`` False, ``evidence`` "")."""
    new_p, old_p = _latest_period(new_model), _latest_period(old_model)
    if new_p and old_p and new_p[0] != old_p[0]:
        return OrderCheck(new_p[0] < old_p[0], "flow periods", new_p[1], old_p[1])
    new_n, old_n = period_start(new_name), period_start(old_name)
    if new_n and old_n and new_n != old_n:
        return OrderCheck(new_n < old_n, "names", "-".join(f"{v:02d}" for v in new_n), "-".join(f"{v:02d}" for v in old_n))
    return OrderCheck(False, "")


def order_sentence(check: OrderCheck, new_name: str = "", old_name: str = "") -> str:
    """The one sentence that says the order is reversed and what to do (the command to
    write when the orgs were given as paths or snapshot names)."""
    where = "its latest flow period" if check.evidence == "flow periods" else "the date in its name"
    given = f" ({old_name})" if old_name else ""
    audited = f" ({new_name})" if new_name else ""
    todo = (f"write `orgpower audit {old_name} --compare {new_name}`, or, to compare in this order on purpose, give "
            "--keep-order (compare_order='keep' in Python)" if new_name and old_name
            else "audit the newer and compare it with the older (compare_order='keep' compares in this order on purpose)")
    return (f"The org given to compare with{given} is newer than the org audited{audited} ({where}: {check.old_date} "
            f"against {check.new_date}), so swap them: {todo}.")


def overlap(new_ids: set[str], old_ids: set[str], *, allow_disjoint: bool = False) -> tuple[dict[str, Any], list[str]]:
    """People in common, and the warnings it calls for; no id in common is refused
    (InputError) unless ``allow_disjoint``."""
    from orgpower.errors import InputError

    common = len(new_ids & old_ids)
    smaller = min(len(new_ids), len(old_ids)) or 1
    share = common / smaller
    record = {"people_in_common": common, "share_of_smaller": share, "old_people": len(old_ids), "new_people": len(new_ids)}
    if common == 0 and not allow_disjoint:
        raise InputError(
            f"The two snapshots have no person id in common ({len(old_ids):,} people before, {len(new_ids):,} now): "
            "they look like different organisations, or the ids were renumbered. Check that both come from the same "
            "HR system and id column; to compare them anyway, allow disjoint snapshots (--allow-disjoint)."
        )
    warnings = []
    if share < LOW_OVERLAP:
        warnings.append(
            f"Only {common:,} people are in both snapshots ({share:.0%} of the smaller one): most changes below are "
            "people joining and leaving, or renumbered ids, not power moving between the same people."
        )
    return record, warnings


def compare_audits(new: Any, old: Any, *, allow_disjoint: bool = False) -> dict[str, Any]:
    """The comparison block of audit.json; ``_tables`` holds the tables (popped by the caller)."""
    new_doc, old_doc = new.document, old.document
    new_power = _power_of(new)
    old_power = _power_of(old)
    common, warnings = overlap(set(new_power["person_id"].astype(str)), set(old_power["person_id"].astype(str)),
                               allow_disjoint=allow_disjoint)
    leavers_named = _leavers_still_named(new, set(old_power["person_id"].astype(str)) - set(new_power["person_id"].astype(str)))
    if leavers_named:
        warnings.append(
            f"{len(leavers_named):,} people who left (in the older people file only) are still named in the newer "
            "flows, decisions or relations, where they are read as units: remove or reassign those rows."
        )
    deltas = metric_deltas(new.measures.layers, old.measures.layers)
    people = power_changes(new_power, old_power, "person_id")
    units = power_changes(new_power.dropna(subset=["unit"]), old_power.dropna(subset=["unit"]), "unit") if "unit" in new_power and "unit" in old_power else pd.DataFrame()
    arcs = turned_arcs(new.graph.layers, old.graph.layers)
    new_ids, old_ids = set(new_power["person_id"]), set(old_power["person_id"])
    label_changes = {}
    for name, reading in new_doc["classification"]["layers"].items():
        before = old_doc["classification"]["layers"].get(name, {}).get("label")
        label_changes[name] = {"old": before, "new": reading["label"]}
    return {
        "org_label": {"old": old_doc["classification"]["org"]["label"], "new": new_doc["classification"]["org"]["label"]},
        "layer_labels": label_changes,
        "people_joined": len(new_ids - old_ids),
        "people_left": len(old_ids - new_ids),
        "people_gained": int((people["change"] == "gained").sum()) if len(people) else 0,
        "people_lost": int((people["change"] == "lost").sum()) if len(people) else 0,
        "units_changed": int(len(units)),
        "arcs_turned_one_way": int((arcs["turned"] == "one-way").sum()),
        "arcs_turned_mutual": int((arcs["turned"] == "mutual").sum()),
        "old_inputs": old_doc["inputs"],
        "overlap": common,
        "warnings": warnings,
        "leavers_still_named": sorted(leavers_named)[:20],
        "tolerance": dict(TOLERANCE),
        "_tables": {
            "change_metrics": deltas,
            "change_people": people,
            "change_units": units,
            "change_arcs": arcs,
        },
    }


def _leavers_still_named(result: Any, leavers: set[str]) -> set[str]:
    """Ids of people who left that the newer layers still name (as non-person nodes)."""
    named: set[str] = set()
    for layer in result.graph.layers.values():
        named.update(str(i) for i in layer.node_ids[layer.people_count:])
    return named & leavers


def _power_of(result: Any) -> pd.DataFrame:
    """Span, budget given and decision rights per person (AuditResult.power)."""
    return result.power
