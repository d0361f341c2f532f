"""Decision rights held per person, by role (docs/measures.md).

Provenance: counts are compared with a plain-Python count of distinct decisions per
(actor, role), written out with sets, on hand-made rows and on the decisions of a
synthetic org (orgpower.api.generate_org), independent of the vectorised pandas code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgpower.api import generate_org
from orgpower.metrics.decision_rights import decision_rights, decision_rights_columns
from orgpower.model import DECIDING_ROLES, DECISION_ROLES, VOICE_ROLES


def _plain_counts(rows: pd.DataFrame, holders: list[str]) -> dict[str, dict[str, int]]:
    held: dict[tuple[str, str], set] = {}
    for decision, actor, role in zip(rows["decision"], rows["actor"], rows["role"]):
        if pd.isna(role) or pd.isna(actor):
            continue
        held.setdefault((str(actor), str(role)), set()).add(str(decision))
    counts = {}
    for person in holders:
        per_role = {role: len(held.get((person, role), set())) for role in DECISION_ROLES}
        per_role["deciding"] = len(set().union(*[held.get((person, r), set()) for r in DECIDING_ROLES]))
        per_role["voice"] = len(set().union(*[held.get((person, r), set()) for r in VOICE_ROLES]))
        counts[person] = per_role
    return counts


def test_columns_cover_every_normalised_role_and_two_summaries():
    assert decision_rights_columns() == [f"decision_rights_{r}" for r in DECISION_ROLES] + [
        "decision_rights_deciding", "decision_rights_voice",
    ]


def test_a_role_held_twice_in_one_decision_counts_once():
    rows = pd.DataFrame({"decision": ["d", "d"], "actor": ["a", "a"], "role": ["accountable", "accountable"],
                         "affects": ["x", "y"]})
    assert decision_rights(rows, ["a"]).loc[0, "decision_rights_accountable"] == 1


def test_deciding_counts_decisions_not_roles():
    # accountable and veto on the same decision: one decision with the say
    rows = pd.DataFrame({"decision": ["d", "d"], "actor": ["a", "a"], "role": ["accountable", "veto"]})
    assert decision_rights(rows, ["a"]).loc[0, "decision_rights_deciding"] == 1


def test_rows_follow_the_holders_order_and_units_are_not_rows():
    rows = pd.DataFrame({"decision": ["d1", "d2"], "actor": ["UNIT", "b"], "role": ["accountable", "accountable"]})
    table = decision_rights(rows, ["b", "a"])
    assert table["decision_rights_accountable"].tolist() == [1, 0]


def test_no_decision_rows_gives_zero_counts():
    table = decision_rights(pd.DataFrame(), ["a", "b"])
    assert table.to_numpy().sum() == 0 and len(table) == 2


@pytest.mark.parametrize("archetype", ["power-over", "mutual", "mixed"])
def test_counts_equal_a_plain_count_on_a_synthetic_org(archetype):
    model = generate_org(400, archetype, seed=3)
    holders = model.people["person_id"].astype(str).tolist()
    table = decision_rights(model.decisions, holders)
    expected = _plain_counts(model.decisions, holders)
    assert table["decision_rights_deciding"].sum() > 0
    for position, person in enumerate(holders):
        for role, count in expected[person].items():
            assert table.loc[position, f"decision_rights_{role}"] == count, (person, role)


def _decision_rights_by_text(decisions, holder_ids):
    """The count as first written (de-duplicating text per role), the specification of
    the integer-coded form."""
    from orgpower.metrics.decision_rights import DECIDING_ROLES, DECISION_ROLES, VOICE_ROLES, decision_rights_columns

    holders = pd.Index(pd.Series(list(holder_ids), dtype=object).astype(str))
    table = pd.DataFrame(0, index=np.arange(len(holders)), columns=decision_rights_columns(), dtype=np.int64)
    rows = decisions[["decision", "actor", "role"]].dropna().astype({"decision": str, "actor": str, "role": str})
    rows = rows.assign(position=holders.get_indexer(rows["actor"]))
    rows = rows[rows["position"] >= 0]
    for name, roles in [*((r, {r}) for r in DECISION_ROLES), ("deciding", DECIDING_ROLES), ("voice", VOICE_ROLES)]:
        held = rows[rows["role"].isin(roles)].drop_duplicates(["decision", "position"])
        table[f"decision_rights_{name}"] = np.bincount(held["position"], minlength=len(holders))
    return table


@pytest.mark.parametrize("seed", range(6))
def test_decision_rights_on_integer_codes_equal_the_count_over_text(seed):
    from orgpower.model import DECISION_ROLES

    rng = np.random.default_rng(seed)
    rows = int(rng.integers(0, 300))
    decisions = pd.DataFrame({
        "decision": rng.choice(np.array([f"d{i}" for i in range(30)] + [None], dtype=object), rows),
        "actor": rng.choice(np.array([f"p{i}" for i in range(25)] + ["UNIT", None], dtype=object), rows),
        "role": rng.choice(np.array([*DECISION_ROLES, "chair", None], dtype=object), rows),
    }).astype("str" if seed % 2 else object)
    holders = [f"p{i}" for i in range(20)]  # p20-p24 and UNIT are no holders
    pd.testing.assert_frame_equal(decision_rights(decisions, holders), _decision_rights_by_text(decisions, holders))
