"""Decision rights held per person, by role (RACI / RAPID / approvals).

Counts come from the validated decision rows (one actor's role in one decision), not
from the person-to-person projection, so "accountable for 40 decisions" means 40
distinct decisions. Definitions: docs/measures.md
("Decision rights and resources"); roles as normalised in :data:`orgpower.model.DECISION_ROLES`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgpower.model import DECIDING_ROLES, DECISION_ROLES, VOICE_ROLES

__all__ = ["decision_rights", "decision_rights_columns"]


def decision_rights_columns() -> list[str]:
    """Column names :func:`decision_rights` returns, in order."""
    return [f"decision_rights_{role}" for role in DECISION_ROLES] + [
        "decision_rights_deciding",
        "decision_rights_voice",
    ]


def decision_rights(decisions: pd.DataFrame, holder_ids) -> pd.DataFrame:
    """Distinct decisions each holder takes part in, per role, plus two summaries.

    Definition: ``decision_rights_<role>`` = number of distinct decisions in which the
    holder has that role (a person listed twice with the same role in one decision
    counts once); ``decision_rights_deciding`` = decisions where the holder has any
    deciding role (accountable, approve, veto, agree: the say over the decision);
    ``decision_rights_voice`` = decisions where the holder has a voice without
    necessarily the say (consulted, recommend, agree, responsible).

    Normalisation: raw counts; one row per id in ``holder_ids`` (in that order, 0 for
    someone without rights). Actors outside ``holder_ids`` (units) are not rows here.

    >>> rows = pd.DataFrame({"decision": ["d1", "d1", "d2", "d2"],
    ...                      "actor": ["a", "b", "a", "a"],
    ...                      "role": ["accountable", "consulted", "accountable", "veto"]})
    >>> decision_rights(rows, ["a", "b", "c"])[["decision_rights_accountable",
    ...     "decision_rights_deciding", "decision_rights_voice"]].to_numpy().tolist()
    [[2, 2, 0], [0, 0, 1], [0, 0, 0]]
    """
    holders = pd.Index(pd.Series(list(holder_ids), dtype=object).astype(str))
    columns = decision_rights_columns()
    table = pd.DataFrame(0, index=np.arange(len(holders)), columns=columns, dtype=np.int64)
    if decisions is None or decisions.empty or not {"decision", "actor", "role"} <= set(decisions.columns):
        return table
    rows = decisions[["decision", "actor", "role"]].dropna()
    rows = rows.astype({"decision": str, "actor": str, "role": str})
    rows = rows.assign(position=holders.get_indexer(rows["actor"]))
    rows = rows[rows["position"] >= 0]
    for role in DECISION_ROLES:
        held = rows[rows["role"] == role].drop_duplicates(["decision", "position"])
        table[f"decision_rights_{role}"] = np.bincount(held["position"], minlength=len(holders))
    for name, roles in (("deciding", DECIDING_ROLES), ("voice", VOICE_ROLES)):
        held = rows[rows["role"].isin(roles)].drop_duplicates(["decision", "position"])
        table[f"decision_rights_{name}"] = np.bincount(held["position"], minlength=len(holders))
    return table
