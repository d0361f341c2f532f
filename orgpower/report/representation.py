"""Representation weighted by power, with small groups suppressed against every subtraction.

For each attribute the user marks as a group attribute (e.g. ``gender``), each group's
share of headcount is set beside its share of the things that carry power: manager
posts, each reporting layer, span of control (direct reports), budget controlled
(resources given) and decision rights (decisions with the say). The **ratio** is power
share / headcount share: 1 = proportionate, below 1 = under-represented.

**Missing values** (blank, "undisclosed", "prefer not to say", "unknown", …; see
:data:`MISSING_CODES`) are not a group: they are counted as missing, and every share is
taken over the people who gave a value. An attribute that is nearly unique per person
(groups of at least k cover less than half of the people, e.g. a user name) is refused
as a grouping, with a sentence.

**Privacy** (k = ``min_group_size``, never below 3):

1. a group with fewer than k people is never shown, not even its name; such groups are
   merged into one row ("groups under k"), itself hidden when it has fewer than k people,
   and a second group is hidden when one hidden group could be worked out from the total;
2. a cell resting on 1 … k−1 people is hidden, and so is a row whose population is under k;
3. **secondary suppression**, checked by a solver: everything shown is a set of linear
   facts (each row sums to its total, each group's layer cells sum to its headcount, no
   cell exceeds its group's headcount, …). For every hidden cell that rests on 1 … k−1
   people, :func:`cell_bounds` asks ``scipy.optimize.linprog`` for the smallest and the
   largest value it can take given all of them. The cell is safe only when it cannot be
   pinned to one value and its largest possible value is at least k (so nobody can tell it
   is small); while one is not safe, a further cell (the smallest shown in the same row,
   then in the same group's layers, then a whole further row) is hidden.

**Findings** rest on an exact test: for a count cell (managers, people in a layer, people
with budget or a say) whose expected count is at least k, the one-sided hypergeometric
probability of so few holders from the group, corrected for the number of cells tested
(Holm), must be at most ``alpha``.

>>> import pandas as pd
>>> people = pd.DataFrame({"person_id": [str(i) for i in range(12)], "g": ["a"] * 8 + ["b"] * 4})
>>> power = pd.DataFrame({"person_id": people.person_id, "is_manager": [True] * 6 + [False] * 6,
...     "span_of_control": [2] * 6 + [0] * 6, "reporting_layer": [1] * 12,
...     "budget_given": [0.0] * 12, "decision_rights": [0] * 12})
>>> [g["group"] for g in represent(people, power, ["g"], k=5)[0]["groups"]]
[]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MERGED = "groups under k (merged)"
NOT_GIVEN = "(not given)"  # kept for callers; missing values are no longer a group
# Values that say "no answer", compared case-insensitively after trimming.
MISSING_CODES = frozenset({
    "", "undisclosed", "not disclosed", "prefer not to say", "prefer not to disclose", "rather not say",
    "unknown", "not known", "n/a", "na", "n.a.", "none given", "not given", "not stated", "not specified",
    "declined", "declined to state", "decline to state", "withheld", "-", "?", "(not given)", "null", "nan",
})
# An attribute is a grouping only if groups of at least k people hold this share of those with a value.
GROUPABLE_SHARE = 0.5
COUNT_MEASURES = ("headcount", "manager posts")  # plus "layer N": the value is the number of people


def is_missing(values: pd.Series) -> pd.Series:
    """True where a value is a missing-data code (blank, undisclosed, prefer not to say, …)."""
    text = values.astype("string").str.strip().str.lower()
    return text.isna() | text.isin(MISSING_CODES)


def _hide(cells: dict[str, int], k: int) -> set[str]:
    """Which cells to hide so that no hidden count below k can be recovered from one total.

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


def _is_count(measure: str) -> bool:
    return measure in COUNT_MEASURES or measure.startswith("layer ")


# --- the solver that tries to recover hidden cells ------------------------------------------


@dataclass
class Table:
    """What one attribute's representation would publish: people per cell (``people``),
    values per cell (``value``, equal to ``people`` on count rows), with the hidden parts
    marked. Rows are measures, columns groups (every group, hidden ones included)."""

    measures: list[str]
    groups: list[str]
    people: np.ndarray  # contributors per cell
    value: np.ndarray
    headcount: np.ndarray  # per group
    hidden_cell: np.ndarray  # bool, rows x groups
    hidden_total: np.ndarray  # bool per row
    hidden_group: np.ndarray  # bool per group (its headcount and its whole column)
    layers_complete: bool  # everyone has a reporting layer (the layer rows sum to headcount)
    k: int
    notes: list[str] = field(default_factory=list)



def cell_bounds(table: Table, keys: list[tuple[int, int]] | None = None, *, lazy: bool = False) -> dict[tuple[int, int], Any]:
    """For each hidden people-count cell (and each hidden group's headcount, as row -1), or
    only those in ``keys``: the smallest and the largest value it can take given everything
    shown (the LP relaxation, so the true range is no wider). ``lazy``: a function per key
    that solves it when called (the system is built once)."""
    from scipy.optimize import linprog

    n_rows, n_groups = table.people.shape
    var: dict[tuple[int, int], int] = {}

    def v(key: tuple[int, int]) -> int:
        if key not in var:
            var[key] = len(var)
        return var[key]

    # unknowns: hidden headcounts (row -1), hidden cells, hidden row totals (column -1)
    for j in range(n_groups):
        if table.hidden_group[j]:
            v((-1, j))
    for i in range(n_rows):
        for j in range(n_groups):
            if table.hidden_cell[i, j] or table.hidden_group[j]:
                v((i, j))
        if table.hidden_total[i] or not _is_count(table.measures[i]):
            v((i, -1))  # a value row shows its value total, not how many people hold it
    if not any(key[1] != -1 for key in var):
        return {}
    equalities: list[tuple[dict[int, float], float]] = []
    inequalities: list[tuple[dict[int, float], float]] = []

    def term(key: tuple[int, int], known: float, coefficients: dict[int, float], sign: float = 1.0) -> float:
        """Add the key to the equation as an unknown, or return its known value."""
        if key in var:
            coefficients[var[key]] = coefficients.get(var[key], 0.0) + sign
            return 0.0
        return sign * known

    headcount_row = table.measures.index("headcount") if "headcount" in table.measures else None
    total_people = float(table.headcount.sum())
    # the groups' headcounts sum to the people who gave a value (shown)
    coefficients: dict[int, float] = {}
    constant = sum(term((-1, j), float(table.headcount[j]), coefficients) for j in range(n_groups))
    equalities.append((coefficients, total_people - constant))
    for i in range(n_rows):
        # each row's people sum to its total
        coefficients = {}
        constant = sum(term((i, j), float(table.people[i, j]), coefficients) for j in range(n_groups))
        total = float(table.people[i].sum())
        constant += term((i, -1), total, coefficients, -1.0)
        equalities.append((coefficients, -constant))
        for j in range(n_groups):
            # a cell never exceeds its group's headcount (and the headcount row is it)
            if (i, j) in var:
                coefficients = {var[(i, j)]: 1.0}
                constant = term((-1, j), float(table.headcount[j]), coefficients, -1.0)
                if i == headcount_row:
                    equalities.append((coefficients, -constant))
                else:
                    inequalities.append((coefficients, -constant))
    # manager posts and span holders are the same people
    if "manager posts" in table.measures and "span of control" in table.measures:
        a, b = table.measures.index("manager posts"), table.measures.index("span of control")
        for j in range(n_groups):
            coefficients = {}
            constant = term((a, j), float(table.people[a, j]), coefficients) + term((b, j), float(table.people[b, j]), coefficients, -1.0)
            if coefficients:
                equalities.append((coefficients, -constant))
    # the layer rows of a group sum to its headcount (or less, when some have no layer)
    layer_rows = [i for i, m in enumerate(table.measures) if m.startswith("layer ")]
    if layer_rows:
        for j in range(n_groups):
            coefficients = {}
            constant = sum(term((i, j), float(table.people[i, j]), coefficients) for i in layer_rows)
            constant += term((-1, j), float(table.headcount[j]), coefficients, -1.0)
            (equalities if table.layers_complete else inequalities).append((coefficients, -constant))
        coefficients = {}
        constant = sum(term((i, -1), float(table.people[i].sum()), coefficients) for i in layer_rows)
        (equalities if table.layers_complete else inequalities).append((coefficients, total_people - constant))

    n = len(var)

    def matrix(rows):
        rows = [(c, b) for c, b in rows if c]
        if not rows:
            return None, None
        a = np.zeros((len(rows), n))
        for r, (c, _) in enumerate(rows):
            for index, x in c.items():
                a[r, index] = x
        return a, np.array([b for _, b in rows])

    a_eq, b_eq = matrix(equalities)
    a_ub, b_ub = matrix(inequalities)
    bounds = [(0, total_people)] * n

    def solve(key: tuple[int, int], signs=(1.0, -1.0)) -> tuple[float, float]:
        objective = np.zeros(n)
        ends = []
        for sign in signs:
            objective[var[key]] = sign
            solved = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            ends.append(sign * solved.fun if solved.status == 0 else (0.0 if sign > 0 else total_people))
        return (ends[0], ends[1]) if len(ends) == 2 else (-np.inf, ends[0])

    wanted = [key for key in var if key[1] != -1 and (keys is None or key in keys)]  # totals are not protected for themselves
    if lazy:
        # the upper end alone decides safety (see unsafe_cells): one LP per cell
        return {key: (lambda key=key: solve(key, (-1.0,))) for key in wanted}
    return {key: solve(key) for key in wanted}


def _true(table: Table, key: tuple[int, int]) -> float:
    return float(table.headcount[key[1]] if key[0] == -1 else table.people[key])


def _sensitive(table: Table) -> list[tuple[int, int]]:
    """Hidden cells (and hidden group headcounts, row -1) resting on 1 … k−1 people."""
    keys = [(-1, j) for j in range(len(table.groups)) if table.hidden_group[j] and 0 < table.headcount[j] < table.k]
    rows, cols = table.people.shape
    keys += [(i, j) for i in range(rows) for j in range(cols)
             if (table.hidden_cell[i, j] or table.hidden_group[j]) and 0 < table.people[i, j] < table.k]
    return keys


def _safe(table: Table, low: float, high: float) -> bool:
    """Safe when the cell can be k or more. Its true value (1 … k−1) is feasible too, so
    then it cannot be pinned either: its range holds both."""
    return np.floor(high + 1e-7) >= table.k


def unsafe_cells(table: Table, *, first: bool = False, known_safe: set | None = None) -> list[tuple[int, int]]:
    """Hidden cells resting on 1 … k−1 people that the solver can pin to one value, or
    show to be under k (``first``: stop at the first one)."""
    out = []
    keys = [key for key in _sensitive(table) if known_safe is None or key not in known_safe]
    solvers = cell_bounds(table, keys, lazy=True) if keys else {}
    for key in keys:
        low, high = solvers[key]() if key in solvers else (0.0, 0.0)
        if _safe(table, low, high):
            if known_safe is not None:
                known_safe.add(key)  # hiding more only widens a range: it stays safe
            continue
        out.append(key)
        if first:
            break
    return out


def protect(table: Table, max_rounds: int = 500) -> Table:
    """Hide further cells until no hidden small cell can be pinned or shown to be small."""
    layer_rows = [i for i, m in enumerate(table.measures) if m.startswith("layer ")]
    known_safe: set = set()
    for _ in range(max_rounds):
        unsafe = unsafe_cells(table, first=True, known_safe=known_safe)
        if not unsafe:
            return table
        i, j = unsafe[0]
        if i == -1:
            # a hidden group's headcount: hide the smallest shown group too
            shown = [g for g in range(len(table.groups)) if not table.hidden_group[g]]
            if not shown:
                break
            table.hidden_group[min(shown, key=lambda g: (table.headcount[g], g))] = True
            continue
        same_row = [(table.people[i, g], g) for g in range(len(table.groups)) if not table.hidden_cell[i, g] and not table.hidden_group[g]]
        if same_row:
            table.hidden_cell[i, min(same_row)[1]] = True
            continue
        if not table.hidden_total[i]:
            table.hidden_total[i] = True
            continue
        related = layer_rows if i in layer_rows else []
        same_column = [(table.people[r, j], r) for r in related if r != i and not table.hidden_cell[r, j]]
        if same_column:
            table.hidden_cell[min(same_column)[1], j] = True
            continue
        others = [(table.people[r].sum(), r) for r in related if r != i and not (table.hidden_cell[r].all() and table.hidden_total[r])]
        if others:
            r = min(others)[1]
            table.hidden_cell[r, :] = True
            table.hidden_total[r] = True
            continue
        break
    # could not protect cell by cell: hide every measure of this attribute
    table.hidden_cell[:, :] = True
    table.hidden_total[:] = True
    table.notes.append("every measure hidden: no smaller suppression protects the small cells")
    return table


# --- the exact test ---------------------------------------------------------------------------


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (same order as given).

    >>> [round(p, 3) for p in holm([0.01, 0.04, 0.03])]
    [0.03, 0.06, 0.06]
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def under_representation_p(held: int, population: int, group: int, holders: int) -> float:
    """P(X ≤ held) for X hypergeometric: ``holders`` drawn from ``population`` people of whom
    ``group`` are in the group (one-sided exact test of under-representation)."""
    from scipy.stats import hypergeom

    return float(hypergeom.cdf(held, population, group, holders))


# --- the representation records -----------------------------------------------------------


def _refusal(attribute: str, values: pd.Series, k: int) -> str | None:
    counts = values.value_counts()
    if counts.empty:
        return None
    covered = int(counts[counts >= k].sum()) / int(counts.sum())
    if covered >= GROUPABLE_SHARE:
        return None
    return (f"'{attribute}' has {len(counts):,} distinct values among {int(counts.sum()):,} people: groups of at least "
            f"{k} hold only {covered:.0%} of them, so it would single people out rather than group them. "
            "Choose an attribute that people share, such as gender, grade or location.")


def refusal(people: pd.DataFrame, attribute: str, k: int) -> str | None:
    """The sentence refusing ``attribute`` as a grouping (nearly unique per person), or None."""
    if attribute not in people:
        return None
    values = people[attribute]
    return _refusal(attribute, values[~is_missing(values)].astype("string").str.strip(), k)


def represent(people: pd.DataFrame, power: pd.DataFrame, attributes: list[str] | tuple[str, ...], *, k: int,
              alpha: float = 0.05) -> list[dict[str, Any]]:
    """One record per attribute: the visible groups and, per power measure, each visible
    group's value, share and ratio (hidden cells say ``"suppressed"``, never a number)."""
    present = [a for a in attributes if a in people]
    own = people[["person_id", *dict.fromkeys(present)]].astype({"person_id": str})
    # the power table may carry a column of the same name (unit): the people's value wins
    measures_only = power.drop(columns=[c for c in power.columns if c in present and c != "person_id"])
    merged = own.merge(measures_only.astype({"person_id": str}), on="person_id", how="left")
    merged = merged.assign(
        is_manager=merged["is_manager"].fillna(False).astype(bool),
        span_of_control=merged["span_of_control"].fillna(0),
        budget_given=merged["budget_given"].fillna(0.0),
        decision_rights=merged["decision_rights"].fillna(0),
    )
    records = []
    for attribute in dict.fromkeys(attributes):
        if attribute not in people:
            records.append({"attribute": attribute, "k": k, "missing": True, "groups": [], "measures": []})
            continue
        missing = is_missing(merged[attribute])
        n_missing = int(missing.sum())
        answered = merged[~missing]
        values = answered[attribute].astype("string").str.strip()
        refusal = _refusal(attribute, values, k)
        base = {"attribute": attribute, "k": k, "missing": False,
                "people_missing": n_missing if n_missing == 0 or n_missing >= k else f"fewer than {k}",
                "missing_codes": "blank, undisclosed, prefer not to say, unknown and the like count as missing, not as a group"}
        if refusal:
            records.append({**base, "refused": refusal, "people": int(len(answered)), "groups": [], "measures": []})
            continue
        records.append(_attribute_record(base, answered, values, k, alpha))
    return records


def _attribute_record(base: dict[str, Any], answered: pd.DataFrame, values: pd.Series, k: int, alpha: float) -> dict[str, Any]:
    headcount = values.value_counts()
    small = set(headcount[headcount < k].index)
    group = values.where(~values.isin(small), MERGED)
    counts = group.value_counts()
    groups = sorted(counts.index, key=str)
    rows = _power_rows(answered)
    people_m = np.array([[int(contributes[group == g].sum()) for g in groups] for _, _, _, contributes in rows], dtype=float)
    value_m = np.array([[float(value[group == g].sum()) for g in groups] for _, _, value, _ in rows], dtype=float)
    names = [r[0] for r in rows]
    hidden_groups = _hide({g: int(counts[g]) for g in groups}, k)
    table = Table(
        measures=names, groups=groups, people=people_m, value=value_m,
        headcount=np.array([float(counts[g]) for g in groups]),
        hidden_cell=np.zeros(people_m.shape, dtype=bool), hidden_total=np.zeros(len(names), dtype=bool),
        hidden_group=np.array([g in hidden_groups for g in groups]),
        layers_complete=bool(answered["reporting_layer"].notna().all()), k=k,
    )
    for i, name in enumerate(names):
        population = int(people_m[i].sum())
        if 0 < population < k:
            table.hidden_cell[i, :] = True
            table.hidden_total[i] = True
            continue
        visible = {g: int(people_m[i, j]) for j, g in enumerate(groups) if not table.hidden_group[j]}
        cell_hidden = _hide(visible, k)
        if table.hidden_group.any() and 0 < sum(int(people_m[i, j]) for j, g in enumerate(groups)
                                                if g in cell_hidden or table.hidden_group[j]) < k:
            cell_hidden = set(groups)  # what is hidden would be recoverable: hide the row
        for j, g in enumerate(groups):
            table.hidden_cell[i, j] = g in cell_hidden
        if set(groups) <= cell_hidden | hidden_groups:
            table.hidden_total[i] = True
    protect(table)
    total = int(counts.sum())
    visible_groups = [g for j, g in enumerate(groups) if not table.hidden_group[j]]
    measures = []
    for i, (name, description, _, _) in enumerate(rows):
        row: dict[str, Any] = {"measure": name, "description": description}
        row_shown = not table.hidden_total[i] and not all(table.hidden_cell[i, j] or table.hidden_group[j] for j in range(len(groups)))
        if not row_shown:
            row.update({"suppressed": True, "total": "suppressed", "cells": {g: "suppressed" for g in visible_groups}})
            measures.append(row)
            continue
        row_total = float(value_m[i].sum())
        cells: dict[str, Any] = {}
        for j, g in enumerate(groups):
            if table.hidden_group[j]:
                continue
            if table.hidden_cell[i, j]:
                cells[g] = "suppressed"
                continue
            share = float(value_m[i, j]) / row_total if row_total else None
            head_share = float(counts[g]) / total
            cells[g] = {"value": float(value_m[i, j]), "people": int(people_m[i, j]), "share": share,
                        "headcount_share": head_share,
                        "ratio": (share / head_share) if share is not None and head_share else None}
        row.update({"suppressed": False, "total": row_total if not table.hidden_total[i] else "suppressed", "cells": cells})
        measures.append(row)
    _test_cells(measures, total, counts, k, alpha)
    return {
        **base,
        "people": total,
        "groups": [{"group": g, "headcount": int(counts[g]), "share": float(counts[g]) / total} for g in visible_groups],
        "hidden_groups": int(table.hidden_group.sum()),
        "measures": measures,
        "suppression": {"method": "primary (cells of 1…k−1 people) and secondary until no hidden small cell can be "
                                  "pinned or shown under k by linear programming over every shown total and cell",
                        "notes": table.notes},
    }


def _test_cells(measures: list[dict[str, Any]], total: int, counts: pd.Series, k: int, alpha: float) -> None:
    """Exact one-sided test of under-representation on every shown cell of holders whose
    expected count is at least k; Holm-corrected over the cells tested. Adds ``expected``,
    ``p_value``, ``p_adjusted`` and ``significant`` to the tested cells."""
    tested = []
    for row in measures:
        if row["measure"] == "headcount" or row["suppressed"] or row["total"] == "suppressed":
            continue
        if row["measure"] == "span of control":
            continue  # the same holders as manager posts: tested once
        if _is_count(row["measure"]):
            holders = int(row["total"])
        elif any(c == "suppressed" for c in row["cells"].values()):
            continue  # how many hold it in the hidden cells is not shown
        else:
            holders = sum(c["people"] for c in row["cells"].values())
        for g, cell in row["cells"].items():
            if not isinstance(cell, dict):
                continue
            expected = holders * float(counts[g]) / total
            cell["expected"] = expected
            if expected >= k:
                cell["p_value"] = under_representation_p(cell["people"], total, int(counts[g]), holders)
                tested.append(cell)
    for cell, adjusted in zip(tested, holm([c["p_value"] for c in tested])):
        cell["p_adjusted"] = adjusted
        cell["cells_tested"] = len(tested)
        cell["significant"] = adjusted <= alpha


def representation_table(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The long table (attribute, group, measure, value, share, headcount_share, ratio, …)."""
    rows = []
    keys = ("value", "people", "share", "headcount_share", "ratio", "expected", "p_adjusted")
    for record in records:
        for measure in record.get("measures", []):
            for group, cell in measure["cells"].items():
                if cell == "suppressed":
                    rows.append({"attribute": record["attribute"], "group": group, "measure": measure["measure"],
                                 **{key: None for key in keys}, "suppressed": True})
                else:
                    rows.append({"attribute": record["attribute"], "group": group, "measure": measure["measure"],
                                 **{key: cell.get(key) for key in keys}, "suppressed": False})
    columns = ["attribute", "group", "measure", *keys, "suppressed"]
    return pd.DataFrame(rows, columns=columns)


__all__ = ["refusal", "represent", "representation_table", "cell_bounds", "unsafe_cells", "protect", "holm", "is_missing",
           "under_representation_p", "MISSING_CODES", "NOT_GIVEN", "MERGED"]
