"""Representation by group with small-group suppression, including by subtraction.

Pure logic on hand-made people tables; the expected cells are worked out in comments."""

from __future__ import annotations

import pandas as pd
import pytest

from orgpower.errors import InputError
from orgpower.report.config import AuditConfig
from orgpower.report.representation import MERGED, represent, representation_table


def org(groups: dict[str, int], managers: dict[str, int] | None = None):
    """People with attribute g; the first managers[g] of each group manage 2 people."""
    ids, labels, is_manager = [], [], []
    for g, count in groups.items():
        for i in range(count):
            ids.append(f"{g}{i}")
            labels.append(g)
            is_manager.append(i < (managers or {}).get(g, 0))
    people = pd.DataFrame({"person_id": ids, "g": labels})
    power = pd.DataFrame({
        "person_id": ids, "is_manager": is_manager, "span_of_control": [2 if m else 0 for m in is_manager],
        "reporting_layer": [2 if m else 3 for m in is_manager], "budget_given": [0.0] * len(ids),
        "decision_rights": [0] * len(ids),
    })
    return people, power


def cells(record, measure):
    return next(m for m in record["measures"] if m["measure"] == measure)["cells"]


def test_group_of_four_is_never_named():
    people, power = org({"alpha": 20, "beta": 20, "tiny": 4})
    record = represent(people, power, ["g"], k=5)[0]
    text = repr(record)
    assert "tiny" not in text
    # the merged row has 4 people, itself under k, so it is hidden with its partner
    assert MERGED not in [grp["group"] for grp in record["groups"]]


def test_one_hidden_group_forces_a_second_so_subtraction_reveals_nothing():
    people, power = org({"alpha": 20, "beta": 30, "tiny": 4})
    record = represent(people, power, ["g"], k=5)[0]
    # 54 people are shown in total; hiding only the merged 4 would give them away as
    # 54 − 20 − 30, so the smallest visible group (alpha) is hidden too
    assert [grp["group"] for grp in record["groups"]] == ["beta"]
    assert record["hidden_groups"] == 2


def test_two_small_groups_that_together_reach_k_are_shown_as_one_merged_row():
    people, power = org({"alpha": 20, "beta": 30, "x": 3, "y": 3})
    record = represent(people, power, ["g"], k=5)[0]
    assert [grp["group"] for grp in record["groups"]] == ["alpha", "beta", MERGED]
    assert record["groups"][2]["headcount"] == 6


def test_cell_resting_on_fewer_than_k_people_is_suppressed_with_a_partner():
    # managers: alpha 2, beta 10 -> alpha's cell rests on 2 people; beta is hidden too
    people, power = org({"alpha": 20, "beta": 30}, managers={"alpha": 2, "beta": 10})
    record = represent(people, power, ["g"], k=5)[0]
    assert cells(record, "manager posts") == {"alpha": "suppressed", "beta": "suppressed"}
    assert record["measures"][1]["total"] == "suppressed"


def test_ratio_is_power_share_over_headcount_share():
    # managers alpha 5 of 15 (share 1/3), alpha headcount 20 of 50 (0.4) -> ratio 0.8333
    people, power = org({"alpha": 20, "beta": 30}, managers={"alpha": 5, "beta": 10})
    cell = cells(represent(people, power, ["g"], k=5)[0], "manager posts")["alpha"]
    assert cell["share"] == pytest.approx(1 / 3) and cell["ratio"] == pytest.approx((1 / 3) / 0.4)


def test_zero_cell_is_shown():
    people, power = org({"alpha": 20, "beta": 30}, managers={"alpha": 0, "beta": 10})
    assert cells(represent(people, power, ["g"], k=5)[0], "manager posts")["alpha"]["value"] == 0.0


def test_missing_attribute_is_reported_not_raised():
    people, power = org({"alpha": 20})
    assert represent(people, power, ["gender"], k=5)[0]["missing"] is True


def test_table_never_holds_a_number_for_a_suppressed_cell():
    people, power = org({"alpha": 20, "beta": 30}, managers={"alpha": 2, "beta": 10})
    table = representation_table(represent(people, power, ["g"], k=5))
    assert table[table["suppressed"]]["value"].isna().all()


def test_config_never_lets_k_fall_below_three():
    with pytest.raises(InputError, match="min_group_size"):
        AuditConfig(min_group_size=2)
    assert AuditConfig(min_group_size=3).min_group_size == 3


# --- suppression that holds against subtraction along every margin ------------------------

import numpy as np  # noqa: E402
from scipy.optimize import linprog  # noqa: E402

from orgpower.report.representation import holm, is_missing  # noqa: E402


def layered_org(n=60, seed=4):
    """A tree of n people: one CEO (layer 1), 5 directors, the rest below; gender at random."""
    rng = np.random.default_rng(seed)
    ids = [f"p{i}" for i in range(n)]
    layer = [1] + [2] * 5 + [3] * 14 + [4] * (n - 20)
    gender = ["f" if x else "m" for x in rng.random(n) < 0.5]
    gender[0] = "f"
    people = pd.DataFrame({"person_id": ids, "gender": gender})
    is_manager = [lay < 4 for lay in layer]
    power = pd.DataFrame({"person_id": ids, "is_manager": is_manager, "span_of_control": [3 if m else 0 for m in is_manager],
                          "reporting_layer": layer, "budget_given": [0.0] * n, "decision_rights": [0] * n})
    return people, power


def attack(record, people_total):
    """An attacker's solver, written from the published record alone: every hidden count
    cell is an unknown; every shown total, cell and headcount is a fact; a group's layer
    cells sum to its headcount. Returns {(measure, group): (lowest, highest)}."""
    groups = [g["group"] for g in record["groups"]]
    headcount = {g["group"]: g["headcount"] for g in record["groups"]}
    counts = [m for m in record["measures"] if m["measure"] == "headcount" or m["measure"].startswith("layer ")
              or m["measure"] == "manager posts"]
    unknown = {}
    for m in counts:
        for g in groups:
            if m["cells"].get(g) == "suppressed":
                unknown[(m["measure"], g)] = len(unknown)
        if m["total"] == "suppressed":
            unknown[(m["measure"], None)] = len(unknown)
    n = len(unknown)
    a_eq, b_eq = [], []

    def value(m, g):
        return m["cells"][g]["value"]

    for m in counts:
        row = np.zeros(n)
        known = 0.0
        for g in groups:
            if (m["measure"], g) in unknown:
                row[unknown[(m["measure"], g)]] = 1
            else:
                known += value(m, g)
        if m["total"] == "suppressed":
            row[unknown[(m["measure"], None)]] = -1
            rhs = -known
        else:
            rhs = m["total"] - known
        if record["hidden_groups"] == 0:  # only then do the shown groups add up to the total
            a_eq.append(row), b_eq.append(rhs)
    layers = [m for m in counts if m["measure"].startswith("layer ")]
    for g in groups:
        row = np.zeros(n)
        known = 0.0
        for m in layers:
            if (m["measure"], g) in unknown:
                row[unknown[(m["measure"], g)]] = 1
            else:
                known += value(m, g)
        a_eq.append(row), b_eq.append(headcount[g] - known)
    row, known = np.zeros(n), 0.0
    for m in layers:
        if (m["measure"], None) in unknown:
            row[unknown[(m["measure"], None)]] = 1
        else:
            known += m["total"]
    a_eq.append(row), b_eq.append(people_total - known)
    bounds = [(0, headcount[g] if g else people_total) for (_, g) in unknown]
    out = {}
    for key, i in unknown.items():
        if key[1] is None:
            continue
        c = np.zeros(n)
        c[i] = 1
        low = linprog(c, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=bounds, method="highs").fun
        high = -linprog(-c, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=bounds, method="highs").fun
        out[key] = (low, high)
    return out


def test_the_ceos_gender_cannot_be_worked_out_from_the_layer_cells_of_a_60_person_org():
    people, power = layered_org()
    record = represent(people, power, ["gender"], k=5)[0]
    layer_1 = cells(record, "layer 1")
    assert set(layer_1.values()) == {"suppressed"}
    ranges = attack(record, people_total=60)
    assert ("layer 1", "f") in ranges
    for (measure, g), (low, high) in ranges.items():
        true = int(((people["gender"] == g) & (power["reporting_layer"] == int(measure.split()[-1]))).sum()) \
            if measure.startswith("layer ") else None
        if true is not None and 0 < true < 5:
            assert high - low >= 1 and high >= 5, (measure, g, low, high)


def test_without_secondary_suppression_the_attacker_would_pin_the_ceo():
    # the check above can fail: publish every layer but the first and the solver pins it
    people, power = layered_org()
    record = represent(people, power, ["gender"], k=5)[0]
    exposed = {**record, "measures": [
        {**m, "cells": {g: ({"value": float(((people["gender"] == g) & (power["reporting_layer"] == int(m["measure"].split()[-1]))).sum())}
                            if m["measure"] != "layer 1" else "suppressed") for g in ("f", "m")},
         "total": "suppressed" if m["measure"] == "layer 1" else float((power["reporting_layer"] == int(m["measure"].split()[-1])).sum())}
        for m in record["measures"] if m["measure"].startswith("layer ")
    ] + [m for m in record["measures"] if m["measure"] == "headcount"]}
    low, high = attack(exposed, people_total=60)[("layer 1", "f")]
    assert round(low) == round(high) == 1


def test_missing_codes_are_counted_as_missing_never_as_a_group():
    people, power = org({"alpha": 20, "beta": 20, "gamma": 6})
    people.loc[40:45, "g"] = ["undisclosed", "", "Prefer not to say", "UNKNOWN", None, " n/a "]
    record = represent(people, power, ["g"], k=5)[0]
    shown = {grp["group"] for grp in record["groups"]}
    assert shown == {"alpha", "beta"} or shown <= {"alpha", "beta", MERGED}
    assert record["people_missing"] == 6 and record["people"] == 40
    assert is_missing(pd.Series(["Undisclosed", "female", None])).tolist() == [True, False, True]


def test_a_nearly_unique_attribute_is_refused_with_a_sentence():
    people, power = org({"alpha": 20, "beta": 20})
    people["USERNAME"] = [f"user{i}" for i in range(40)]
    record = represent(people, power, ["USERNAME"], k=5)[0]
    assert record["groups"] == [] and record["measures"] == []
    assert "single people out" in record["refused"] and "40 distinct values" in record["refused"]


def test_grouping_by_unit_works_although_the_power_table_has_a_unit_column():
    from orgpower.api import audit, generate_org
    from orgpower.report.config import AuditConfig

    result = audit(generate_org(200, "mixed", seed=2), config=AuditConfig(null_samples=0, group_attributes=("unit",)))
    (record,) = result.document["groups"]
    assert record["attribute"] == "unit" and not record.get("refused") and record["groups"]


def test_a_tiny_expected_count_gives_no_finding_however_small_the_share():
    # 'nb' is 6 of 600 people; of the 12 managers none is nb: expected 0.12, far under k
    people, power = org({"a": 300, "b": 294, "nb": 6}, managers={"a": 6, "b": 6})
    record = represent(people, power, ["g"], k=5)[0]
    cell = cells(record, "manager posts").get("nb")
    assert cell is None or cell == "suppressed" or ("p_value" not in cell and cell["expected"] < 5)


def test_a_large_gap_is_tested_exactly_and_corrected_for_the_cells_tested():
    # 'b' is half the people and holds 6 of 60 manager posts: expected 30
    people, power = org({"a": 200, "b": 200}, managers={"a": 54, "b": 6})
    cell = cells(represent(people, power, ["g"], k=5)[0], "manager posts")["b"]
    assert cell["expected"] == pytest.approx(30.0) and cell["significant"]
    from scipy.stats import hypergeom

    assert cell["p_value"] == pytest.approx(hypergeom.cdf(6, 400, 200, 60))
    assert cell["p_adjusted"] == pytest.approx(min(1.0, cell["p_value"] * cell["cells_tested"]), rel=1e-6) or \
        cell["p_adjusted"] >= cell["p_value"]


def test_holm_adjustment_matches_its_definition():
    # R: p.adjust(c(0.01, 0.04, 0.03), "holm") -> 0.03 0.06 0.06
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_refusal_names_nearly_unique_columns_only():
    from orgpower.report.representation import refusal

    people, _ = org({"alpha": 20, "beta": 20})
    people["login"] = [f"u{i}" for i in range(40)]
    assert refusal(people, "login", 5) and refusal(people, "g", 5) is None and refusal(people, "absent", 5) is None
