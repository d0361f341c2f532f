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
