"""Representation weighted by power, with small groups suppressed everywhere.

For each attribute the user marks as a group attribute (e.g. ``gender``), each group's
share of headcount is set beside its share of the things that carry power: manager
posts, each reporting layer, span of control (direct reports), budget controlled
(resources given) and decision rights (decisions with the say). The **ratio** is power
share / headcount share: 1 = proportionate, below 1 = under-represented.

Privacy (k = ``min_group_size``, never below 3):

1. a group with fewer than k people is never shown, not even its name; such groups are
   merged into one row ("groups under k"), itself hidden when it has fewer than k people;
2. if hiding leaves exactly one hidden group (or hidden groups that together hold fewer
   than k people), the next smallest group is hidden too, so that no hidden count can be
   worked out by subtracting the shown ones from the total ("complementary suppression");
3. the same two rules apply to every cell: a group's count of managers, of people in a
   layer, of people with budget or a say is hidden when 1..k−1 people make it up, and
   cells are hidden until the hidden ones together rest on 0 or at least k people; a row
   whose whole population is under k is hidden entirely.

>>> import pandas as pd
>>> people = pd.DataFrame({"person_id": [str(i) for i in range(12)], "g": ["a"] * 8 + ["b"] * 4})
>>> power = pd.DataFrame({"person_id": people.person_id, "is_manager": [True] * 6 + [False] * 6,
...     "span_of_control": [2] * 6 + [0] * 6, "reporting_layer": [1] * 12,
...     "budget_given": [0.0] * 12, "decision_rights": [0] * 12})
>>> [g["group"] for g in represent(people, power, ["g"], k=5)[0]["groups"]]
[]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

NOT_GIVEN = "(not given)"
MERGED = "groups under k (merged)"


def _hide(cells: dict[str, int], k: int) -> set[str]:
    """Which cells to hide so that no hidden count below k can be recovered.

    ``cells`` maps a group to the number of people its value rests on.
    """
    hidden = {g for g, n in cells.items() if 0 < n < k}
    while hidden:
        hidden_people = sum(cells[g] for g in hidden)
        if len(hidden) >= 2 and (hidden_people == 0 or hidden_people >= k):
            break
        visible = sorted((n, g) for g, n in cells.items() if g not in hidden)
        if not visible:
            break
        hidden.add(visible[0][1])
    return hidden


def _power_rows(power: pd.DataFrame) -> list[tuple[str, str, pd.Series, pd.Series]]:
    """(measure, description, value per person, contributes per person) for each power."""
    rows = [
        ("headcount", "people", pd.Series(1.0, index=power.index), pd.Series(True, index=power.index)),
        ("manager posts", "people with at least one direct report", power["is_manager"].astype(float), power["is_manager"].astype(bool)),
        ("span of control", "direct reports managed", power["span_of_control"].astype(float), power["span_of_control"] > 0),
        ("budget controlled", "resources given", power["budget_given"].astype(float), power["budget_given"] > 0),
        ("decision rights", "decisions with the say", power["decision_rights"].astype(float), power["decision_rights"] > 0),
    ]
    layers = power["reporting_layer"].dropna()
    for layer in sorted(layers.unique()):
        member = (power["reporting_layer"] == layer).fillna(False)
        rows.append((f"layer {int(layer)}", f"people in reporting layer {int(layer)}", member.astype(float), member))
    return rows


def represent(people: pd.DataFrame, power: pd.DataFrame, attributes: list[str] | tuple[str, ...], *, k: int) -> list[dict[str, Any]]:
    """One record per attribute: the visible groups and, per power measure, each visible
    group's value, share and ratio (hidden cells say ``"suppressed"``, never a number)."""
    merged = people[["person_id", *[a for a in attributes if a in people]]].astype({"person_id": str})
    merged = merged.merge(power.astype({"person_id": str}), on="person_id", how="left")
    records = []
    for attribute in attributes:
        if attribute not in people:
            records.append({"attribute": attribute, "k": k, "missing": True, "groups": [], "measures": []})
            continue
        group = merged[attribute].astype("string").fillna(NOT_GIVEN).str.strip().replace("", NOT_GIVEN)
        headcount = group.value_counts()
        small = set(headcount[headcount < k].index)
        # groups under k are merged, never named; the merged row is a group like any other
        group = group.where(~group.isin(small), MERGED)
        counts = group.value_counts()
        hidden_groups = _hide({g: int(n) for g, n in counts.items()}, k)
        visible_groups = sorted(g for g in counts.index if g not in hidden_groups)
        total = int(counts.sum())
        measures = []
        for name, description, value, contributes in _power_rows(merged.assign(
            is_manager=merged["is_manager"].fillna(False),
            span_of_control=merged["span_of_control"].fillna(0),
            budget_given=merged["budget_given"].fillna(0.0),
            decision_rights=merged["decision_rights"].fillna(0),
        )):
            contributors = contributes.groupby(group).sum().reindex(counts.index, fill_value=0)
            values = value.groupby(group).sum().reindex(counts.index, fill_value=0.0)
            population = int(contributes.sum())
            row_total = float(value.sum())
            row: dict[str, Any] = {"measure": name, "description": description}
            if 0 < population < k:
                row.update({"suppressed": True, "total": "suppressed", "cells": {g: "suppressed" for g in visible_groups}})
                measures.append(row)
                continue
            cell_hidden = hidden_groups | _hide(
                {g: int(contributors[g]) for g in counts.index if g not in hidden_groups}, k
            )
            if hidden_groups and 0 < sum(int(contributors[g]) for g in cell_hidden) < k:
                cell_hidden = set(counts.index)  # what is hidden would be recoverable: hide the row
            cells: dict[str, Any] = {}
            for g in visible_groups:
                if g in cell_hidden:
                    cells[g] = "suppressed"
                    continue
                share = float(values[g]) / row_total if row_total else None
                head_share = float(counts[g]) / total
                cells[g] = {
                    "value": float(values[g]),
                    "share": share,
                    "headcount_share": head_share,
                    "ratio": (share / head_share) if share is not None and head_share else None,
                }
            if set(counts.index) <= cell_hidden:
                row.update({"suppressed": True, "total": "suppressed", "cells": {g: "suppressed" for g in visible_groups}})
            else:
                row.update({"suppressed": False, "total": row_total, "cells": cells})
            measures.append(row)
        records.append({
            "attribute": attribute,
            "k": k,
            "missing": False,
            "people": total,
            "groups": [{"group": g, "headcount": int(counts[g]), "share": float(counts[g]) / total} for g in visible_groups],
            "hidden_groups": len(hidden_groups),
            "measures": measures,
        })
    return records


def representation_table(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The long table (attribute, group, measure, value, share, headcount_share, ratio)."""
    rows = []
    for record in records:
        for measure in record.get("measures", []):
            for group, cell in measure["cells"].items():
                if cell == "suppressed":
                    rows.append({"attribute": record["attribute"], "group": group, "measure": measure["measure"],
                                 "value": None, "share": None, "headcount_share": None, "ratio": None, "suppressed": True})
                else:
                    rows.append({"attribute": record["attribute"], "group": group, "measure": measure["measure"],
                                 **{key: cell[key] for key in ("value", "share", "headcount_share", "ratio")}, "suppressed": False})
    columns = ["attribute", "group", "measure", "value", "share", "headcount_share", "ratio", "suppressed"]
    return pd.DataFrame(rows, columns=columns)


__all__ = ["represent", "representation_table", "NOT_GIVEN", "MERGED"]
