"""Small whole orgs (OrgModel) built from public data, for the node and org measures tests.

Krackhardt's high-tech managers as an org: the reports-to file flipped to manager ->
report (orgpower's orientation, docs/graph-model.md), departments as units (CEO in department "0"), and the
advice network as a relation layer in the file's direction (ego asks alter).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from orgpower.model import OrgModel


def _ties(datasets: Path, relation: str) -> np.ndarray:
    rows = np.loadtxt(datasets / "krackhardt_hightech" / f"Krack-High-Tec-edgelist-{relation}.txt", dtype=int)
    return rows[(rows[:, 2] == 1) & (rows[:, 0] != rows[:, 1])][:, :2]


def krackhardt_org(datasets: Path, *, flows: pd.DataFrame | None = None, decisions: pd.DataFrame | None = None) -> OrgModel:
    attributes = pd.read_csv(datasets / "krackhardt_hightech" / "Krack-High-Tec-Attributes.csv")
    reports = _ties(datasets, "ReportsTo")  # sub -> boss
    advice = _ties(datasets, "Advice")
    ids = attributes["ID"].astype(str).to_numpy()
    manager = pd.Series(pd.NA, index=ids, dtype="string")
    manager[reports[:, 0].astype(str)] = reports[:, 1].astype(str)
    people = pd.DataFrame(
        {
            "person_id": pd.array(ids, dtype="string"),
            "manager_id": pd.array(manager.to_numpy(), dtype="string"),
            "unit": pd.array(attributes["DEPT"].astype(str), dtype="string"),
            "level": pd.array(attributes["LEVEL"].astype(str), dtype="string"),
        }
    )
    reporting = pd.DataFrame(
        {"source": reports[:, 1].astype(str), "target": reports[:, 0].astype(str), "line": "solid"}, dtype="string"
    )
    relations = pd.DataFrame(
        {"source": advice[:, 0].astype(str), "target": advice[:, 1].astype(str), "relation": "advice", "weight": 1.0}
    )
    model = OrgModel(people=people, reporting=reporting, relations=relations)
    if flows is not None:
        model.flows = flows
    if decisions is not None:
        model.decisions = decisions
    return model
