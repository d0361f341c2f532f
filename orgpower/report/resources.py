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
import pyarrow as pa
import pyarrow.compute as pc

from orgpower.graph.layers import Layer
from orgpower.metrics.concentration import gini, hhi, hhi_normalised, in_strength, lorenz_curve, out_strength
from orgpower.report.scopes import id_text


@dataclass
class ResourceAudit:
    balance: pd.DataFrame  # one row per node with any flow
    units: pd.DataFrame  # per unit: given, returned, one-way
    lorenz: pd.DataFrame  # population_share, holding_share (budget given, over people)
    summary: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"resource_balance": self.balance, "resource_units": self.units, "resource_lorenz": self.lorenz}


class UnitOf:
    """Each person's unit as text (the last row naming the person and a unit), looked up
    for a layer's nodes at once by Arrow's hash look-up, not through a dict of every person."""

    def __init__(self, people: pd.DataFrame | None) -> None:
        has = people is not None and "unit" in people
        rows = people[["person_id", "unit"]].dropna() if has else pd.DataFrame({"person_id": [], "unit": []})
        self.person = id_text(rows["person_id"])
        self.unit = id_text(rows["unit"])

    @classmethod
    def of_dict(cls, unit_of: dict[str, str]) -> UnitOf:
        return cls(pd.DataFrame({"person_id": list(unit_of), "unit": list(unit_of.values())}, dtype=object))

    def of_nodes(self, layer: Layer) -> tuple[np.ndarray, np.ndarray]:
        """Per node of ``layer``, the code of its unit: a person's unit ("(no unit)" if
        none), a unit node's own id; and the units' names by code."""
        nodes = id_text(layer.node_ids)
        people = nodes.slice(0, layer.people_count)
        found = pa.nulls(len(people), pa.int64())
        if len(self.person):
            # the last row per person: look up among the rows reversed
            last = pc.index_in(people, value_set=self.person[::-1])
            found = pc.subtract(len(self.person) - 1, last.cast(pa.int64()))
        units = pc.fill_null(self.unit.take(found), "(no unit)") if len(self.person) else pa.array(["(no unit)"] * len(people), pa.string())
        encoded = pc.dictionary_encode(pa.concat_arrays([units.cast(pa.string()), nodes.slice(layer.people_count).cast(pa.string())]))
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        return codes, np.asarray(encoded.dictionary.to_pylist(), dtype=object)


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
    keep = np.flatnonzero((given > 0) | (received > 0))
    text = id_text(layer.node_ids)
    # largest net first, then by id: sorted on the ids' ranks (distinct ids), not on text
    rank = pc.rank(text.take(pa.array(keep)), sort_keys="ascending", tiebreaker="min").to_numpy(zero_copy_only=False)
    net = given - received
    keep = keep[np.lexsort((rank, -net[keep]))]
    table = pd.DataFrame({
        "node": text.take(pa.array(keep)).to_numpy(zero_copy_only=False),
        "is_person": keep < layer.people_count,
        "given": given[keep], "received": received[keep], "returned": returned[keep],
        "out_surplus": out_surplus[keep], "in_surplus": in_surplus[keep],
        "net": net[keep], "role": role[keep],
    })
    return table


def unit_flows(layer: Layer, unit_of: dict[str, str] | UnitOf) -> pd.DataFrame:
    """Per unit (of the giving node): total given, the part returned, the part one-way."""
    coo = layer.adjacency.tocoo()
    if coo.nnz == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in ("unit", "given", "returned", "one_way", "returned_share")})
    back = np.asarray(layer.adjacency[coo.col, coo.row]).ravel()
    returned = np.minimum(coo.data, back)
    if not isinstance(unit_of, UnitOf):
        unit_of = UnitOf.of_dict(unit_of)
    # a person gives on behalf of their unit; a unit node (beyond the people) is its own unit
    node_unit, unit_names = unit_of.of_nodes(layer)
    # unit codes in the order of the units' names, so that grouping by code sorts as by name
    givers = node_unit[coo.row]
    present = np.flatnonzero(np.bincount(givers, minlength=unit_names.size))
    order = sorted(range(present.size), key=lambda i: unit_names[present[i]])
    names = unit_names[present[order]]
    giver_code = np.full(unit_names.size, -1, dtype=np.int64)
    giver_code[present[order]] = np.arange(present.size)
    frame = pd.DataFrame({"unit": giver_code[givers], "given": coo.data, "returned": returned})
    table = frame.groupby("unit", sort=True).sum().reset_index()  # the same sums, row order kept within a unit
    table["unit"] = names[table["unit"].to_numpy()]
    table["one_way"] = table["given"] - table["returned"]
    table["returned_share"] = table["returned"] / table["given"]
    return table.sort_values(["one_way", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)


def audit_resources(layer: Layer | None, people: pd.DataFrame) -> ResourceAudit:
    """The resource tables for the ``flows`` layer (empty tables when there are no flows)."""
    person_ids = people["person_id"].astype(str)
    if layer is None or layer.m == 0:
        empty = pd.DataFrame()
        return ResourceAudit(empty, empty, pd.DataFrame({"population_share": [], "holding_share": []}), {"flows": 0})
    balance = flow_balance(layer)
    # each person's budget given (0 for people without flows or not in the layer)
    position = pc.fill_null(pc.index_in(id_text(person_ids), value_set=id_text(layer.node_ids)), -1)
    position = position.to_numpy(zero_copy_only=False).astype(np.int64)
    given = np.where(position >= 0, out_strength(layer.adjacency)[position], 0.0)
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
    return ResourceAudit(balance, unit_flows(layer, UnitOf(people)), lorenz, summary)
