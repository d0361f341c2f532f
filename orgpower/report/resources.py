"""Resources: who gives, who takes, what is returned (Squartini et al. 2013; Gini/HHI).

On the ``flows`` layer (funder -> recipient, weight = amount), each node's flow is split
the Squartini way: the reciprocated part s↔_i = Σ_j min(w_ij, w_ji), the out-surplus
s→_i = given − s↔_i and the in-surplus s←_i = received − s↔_i. A node whose out-surplus
exceeds its in-surplus is a **net giver**, the reverse a **net taker**.

Concentration (Gini, HHI, the Lorenz curve) is taken over every person (people who
allocate nothing count as zero holders), from :mod:`orgpower.metrics.concentration`.

>>> import numpy as np
>>> from orgpower.graph.layers import layer_from_arcs
>>> flows = layer_from_arcs("flows", ["a", "b", "c"], ["a", "b", "b"], ["b", "a", "c"], [10, 4, 5])
>>> t = flow_balance(flows)
>>> t.set_index("node").loc["b", ["given", "received", "returned", "out_surplus", "in_surplus"]].tolist()
[9.0, 10.0, 4.0, 5.0, 6.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgpower.graph.layers import Layer
from orgpower.metrics.concentration import gini, hhi, hhi_normalised, in_strength, lorenz_curve, out_strength


@dataclass
class ResourceAudit:
    balance: pd.DataFrame  # one row per node with any flow
    units: pd.DataFrame  # per unit: given, returned, one-way
    lorenz: pd.DataFrame  # population_share, holding_share (budget given, over people)
    summary: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"resource_balance": self.balance, "resource_units": self.units, "resource_lorenz": self.lorenz}


def reciprocated_strength(layer: Layer) -> np.ndarray:
    """s↔_i = Σ_j min(w_ij, w_ji): the part of each node's outflow that comes back."""
    w = layer.adjacency
    mutual = w.minimum(w.T)
    return np.asarray(mutual.sum(axis=1), dtype=float).ravel()


def flow_balance(layer: Layer) -> pd.DataFrame:
    """Given, received, returned, surpluses and the net giver / taker role of each node."""
    given = out_strength(layer.adjacency)
    received = in_strength(layer.adjacency)
    returned = reciprocated_strength(layer)
    out_surplus = given - returned
    in_surplus = received - returned
    role = np.where(out_surplus > in_surplus, "net giver", np.where(in_surplus > out_surplus, "net taker", "balanced"))
    table = pd.DataFrame({
        "node": layer.node_ids.astype(str),
        "is_person": np.arange(layer.n) < layer.people_count,
        "given": given, "received": received, "returned": returned,
        "out_surplus": out_surplus, "in_surplus": in_surplus,
        "net": given - received, "role": role,
    })
    table = table[(given > 0) | (received > 0)]
    return table.sort_values(["net", "node"], ascending=[False, True], kind="stable").reset_index(drop=True)


def unit_flows(layer: Layer, unit_of: dict[str, str]) -> pd.DataFrame:
    """Per unit (of the giving node): total given, the part returned, the part one-way."""
    coo = layer.adjacency.tocoo()
    if coo.nnz == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in ("unit", "given", "returned", "one_way", "returned_share")})
    back = np.asarray(layer.adjacency[coo.col, coo.row]).ravel()
    returned = np.minimum(coo.data, back)
    ids = layer.node_ids.astype(str)
    giver = ids[coo.row]
    is_person = coo.row < layer.people_count
    # a person gives on behalf of their unit; a unit node (beyond the people) is its own unit
    units = np.array([unit_of.get(g, "(no unit)") if p else g for g, p in zip(giver, is_person)], dtype=object)
    frame = pd.DataFrame({"unit": units, "given": coo.data, "returned": returned})
    table = frame.groupby("unit", sort=True).sum().reset_index()
    table["one_way"] = table["given"] - table["returned"]
    table["returned_share"] = table["returned"] / table["given"]
    return table.sort_values(["one_way", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)


def audit_resources(layer: Layer | None, people: pd.DataFrame) -> ResourceAudit:
    """The resource tables for the ``flows`` layer (empty tables when there are no flows)."""
    person_ids = people["person_id"].astype(str)
    if layer is None or layer.m == 0:
        empty = pd.DataFrame()
        return ResourceAudit(empty, empty, pd.DataFrame({"population_share": [], "holding_share": []}), {"flows": 0})
    unit_of = {}
    if "unit" in people:
        u = people[["person_id", "unit"]].dropna()
        # zip over object arrays: iterating Arrow-backed columns makes a scalar per cell, 10x slower
        unit_of = dict(zip(u["person_id"].astype(str).to_numpy(dtype=object), u["unit"].astype(str).to_numpy(dtype=object)))
    balance = flow_balance(layer)
    given = balance.set_index("node")["given"].reindex(person_ids, fill_value=0.0).to_numpy(dtype=float)
    population, holding = lorenz_curve(given)
    total = float(layer.adjacency.sum())
    returned_total = float(reciprocated_strength(layer).sum())
    summary = {
        "flows": int(layer.m),
        "total": total,
        "returned_share": returned_total / total if total else None,
        "gini_given": gini(given),
        "hhi_given": hhi(given),
        "hhi_given_normalised": hhi_normalised(given),
        "people_giving": int((given > 0).sum()),
        "net_givers": int((balance["role"] == "net giver").sum()),
        "net_takers": int((balance["role"] == "net taker").sum()),
    }
    lorenz = pd.DataFrame({"population_share": population, "holding_share": holding})
    return ResourceAudit(balance, unit_flows(layer, unit_of), lorenz, summary)
