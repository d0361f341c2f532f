"""Decision rights held per person, by role (RACI / RAPID / approvals).

Counts come from the validated decision rows (one actor's role in one decision), not
from the person-to-person projection, so "accountable for 40 decisions" means 40
distinct decisions. Definitions: docs/measures.md
("Decision rights and resources"); roles as normalised in :data:`orgpower.model.DECISION_ROLES`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgpower.model import DECIDING_ROLES, DECISION_ROLES, VOICE_ROLES

__all__ = ["decision_rights", "decision_rights_columns"]


def decision_rights_columns() -> list[str]:
    """Column names :func:`decision_rights` returns, in order."""
    return [f"decision_rights_{role}" for role in DECISION_ROLES] + [
        "decision_rights_deciding",
        "decision_rights_voice",
    ]


def _arrow_text(values) -> pa.Array:
    values = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        text = pa.array(values.array)
        return (text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text).cast(pa.large_string())
    return pa.array(values.to_numpy(dtype=object, na_value=None), type=pa.large_string())


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
    holders = pd.Index(pd.Series(np.asarray(holder_ids, dtype=object), dtype=object).astype(str))
    columns = decision_rights_columns()
    table = pd.DataFrame(0, index=np.arange(len(holders)), columns=columns, dtype=np.int64)
    if decisions is None or decisions.empty or not {"decision", "actor", "role"} <= set(decisions.columns):
        return table
    rows = decisions[["decision", "actor", "role"]].dropna()
    rows = rows.astype({"decision": str, "actor": str, "role": str})
    if not holders.is_unique:
        raise pd.errors.InvalidIndexError("Reindexing only valid with uniquely valued Index objects")
    # holder positions by Arrow's hash look-up (pandas' text index look-up is several times slower)
    position = pc.fill_null(pc.index_in(_arrow_text(rows["actor"]), value_set=_arrow_text(holders)), -1)
    position = position.to_numpy(zero_copy_only=False).astype(np.int64)
    held_by = position >= 0
    position = position[held_by].astype(np.int64)
    # decisions and roles as integer codes, once: each count below is then a hashed
    # de-duplication of (decision, holder) integer pairs, not of text
    decision = pd.factorize(rows["decision"])[0].astype(np.int64)[held_by]
    role_code, role_names = pd.factorize(rows["role"])
    role_code = role_code[held_by]
    pair = decision * max(len(holders), 1) + position
    for name, roles in [*((r, {r}) for r in DECISION_ROLES), ("deciding", DECIDING_ROLES), ("voice", VOICE_ROLES)]:
        mask = np.isin(role_code, np.flatnonzero(np.isin(np.asarray(role_names, dtype=object), list(roles))))
        distinct = pd.unique(pair[mask])  # one per (decision, holder)
        table[f"decision_rights_{name}"] = np.bincount(distinct % max(len(holders), 1), minlength=len(holders))
    return table
