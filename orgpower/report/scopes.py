"""Readings below the whole org: reporting pairs, teams and units.

A **team** is a manager and their direct reports; a **unit** is everyone whose ``unit``
column names it (plus the unit's own node where flows or decisions name the unit). For
both, every layer is cut down to the sub-layer induced on those nodes and measured with
the same :func:`~orgpower.metrics.layer.layer_measures` as the whole org, then read on the
three axes (:mod:`orgpower.report.readings`) and combined across layers.

A **reporting pair** (manager -> report on the solid line) is read from the ties between
the two in every other layer: is the budget, the decision, the advice returned?
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from orgpower.graph.layers import Layer, OrgGraph
from orgpower.report.config import AuditConfig
from orgpower.report.readings import MIXED, MUTUAL, POWER_OVER, UNDETERMINED, Reading, combine_readings, read_measures

def induced_layer(layer: Layer, node_ids: list[str] | np.ndarray) -> Layer:
    """The sub-layer of ``layer`` on the given nodes (ids not in the layer are skipped)."""
    index = layer.index_of()
    positions = np.array(sorted({index[i] for i in node_ids if i in index}), dtype=np.int64)
    adjacency = layer.adjacency[positions][:, positions] if positions.size else layer.adjacency[:0, :0]
    people = int(np.count_nonzero(positions < layer.people_count))
    return Layer(
        name=layer.name,
        node_ids=layer.node_ids[positions],
        adjacency=adjacency.tocsr() if hasattr(adjacency, "tocsr") else adjacency,
        weighted=layer.weighted,
        people_count=people,
    )


def reading_measures(layer: Layer) -> dict[str, Any]:
    """Only the layer measures a reading needs (the same functions as ``layer_measures``,
    without the all-pairs ones), so that thousands of teams stay cheap to read."""
    from orgpower.metrics import centralization as cz
    from orgpower.metrics import concentration as conc
    from orgpower.metrics import hierarchy as hi
    from orgpower.metrics import reciprocity as rc

    w = layer.adjacency
    a = layer.binary()
    strength = conc.out_strength(w)
    return {
        "nodes": layer.n,
        "arcs": layer.m,
        "weighted": layer.weighted,
        "reciprocity_edgewise": rc.reciprocity_edgewise(a),
        "reciprocity_dyadic": rc.reciprocity_dyadic_nonnull(a),
        "reciprocity_rho": rc.reciprocity_rho(a),
        "weighted_reciprocity": rc.weighted_reciprocity(w),
        "degree_centralization_in": cz.degree_centralization(a, "in"),
        "degree_centralization_out": cz.degree_centralization(a, "out"),
        "degree_centralization_total": cz.degree_centralization(a, "total"),
        "flow_hierarchy": hi.flow_hierarchy(a),
        "trophic_incoherence": hi.trophic_incoherence(a, weighted=False),
        "gini_out_strength": conc.gini(strength),
        "hhi_out_strength_normalised": conc.hhi_normalised(strength),
    }


def _compact(reading: Reading) -> dict[str, Any]:
    return {"label": reading.label, "sublabels": list(reading.sublabels), "scores": reading.scores}


def group_measures(layer: Layer, members: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """:func:`reading_measures` of the sub-layer induced on every group at once.

    ``members`` has columns ``group`` and ``node`` (ids; a node may be in several groups,
    as a manager is in their own team and their manager's). The groups become the
    diagonal blocks of one block graph (one vertex per group membership), so that every
    group is measured in a few vectorised passes instead of one sparse slice per group:
    reciprocity from the reverse weight of each arc, Freeman centralization with the
    sna constants from block degrees, flow hierarchy from the strong components of the
    block graph, F0 from :func:`~orgpower.metrics.hierarchy.trophic_levels` of the block
    graph (levels are fixed per weak component, so per block). Tests check every value
    against :func:`reading_measures` of :func:`induced_layer`.
    """
    from scipy.sparse.csgraph import connected_components

    from orgpower.metrics.hierarchy import trophic_levels

    index = _index_of(layer)
    position = members["node"].map(index)
    mem = members.assign(pos=position).dropna(subset=["pos"]).drop_duplicates(["group", "pos"])
    mem = mem.astype({"pos": np.int64}).reset_index(drop=True)
    mem["vertex"] = np.arange(len(mem))
    size = mem.groupby("group", sort=False).size()
    coo = layer.adjacency.tocoo()
    arcs = pd.DataFrame({"s": coo.row.astype(np.int64), "t": coo.col.astype(np.int64), "w": coo.data})
    left = mem[["group", "pos", "vertex"]].rename(columns={"pos": "s", "vertex": "vs"})
    right = mem[["group", "pos", "vertex"]].rename(columns={"pos": "t", "vertex": "vt"})
    inside = arcs.merge(left, on="s").merge(right, on=["group", "t"])
    result: dict[str, dict[str, Any]] = {
        str(g): {"nodes": int(n), "arcs": 0, "weighted": layer.weighted} for g, n in size.items()
    }
    if inside.empty:
        return result
    n_vertices = len(mem)
    vs, vt, w = inside["vs"].to_numpy(), inside["vt"].to_numpy(), inside["w"].to_numpy(dtype=float)
    block = sp.csr_array((w, (vs, vt)), shape=(n_vertices, n_vertices))
    back = np.asarray(block[vt, vs]).ravel()
    _, strong = connected_components(block, directed=True, connection="strong")
    levels = trophic_levels(block, weighted=False)
    inside = inside.assign(
        returned=back > 0,
        w_min=np.minimum(w, back),
        on_cycle=strong[vs] == strong[vt],
        f0_term=(levels[vt] - levels[vs] - 1.0) ** 2,
    )
    per_arc = inside.groupby("group", sort=False).agg(
        arcs=("w", "size"), returned=("returned", "sum"), weight=("w", "sum"), w_min=("w_min", "sum"),
        on_cycle=("on_cycle", "sum"), f0=("f0_term", "mean"),
    )
    out_deg = np.bincount(vs, minlength=n_vertices).astype(float)
    in_deg = np.bincount(vt, minlength=n_vertices).astype(float)
    strength = np.bincount(vs, weights=w, minlength=n_vertices)
    degrees = pd.DataFrame({
        "group": mem["group"], "out": out_deg, "in": in_deg, "total": out_deg + in_deg,
        "strength": strength, "strength_sq": strength ** 2,
    }).groupby("group", sort=False).agg(
        out_max=("out", "max"), out_sum=("out", "sum"), in_max=("in", "max"), in_sum=("in", "sum"),
        total_max=("total", "max"), total_sum=("total", "sum"), s_sum=("strength", "sum"), s_sq=("strength_sq", "sum"),
    )
    for group, row in per_arc.iterrows():
        n = int(size[group])
        d = degrees.loc[group]
        m = int(row["arcs"])
        edgewise = float(row["returned"]) / m
        mutual = float(row["returned"]) / 2
        density = m / (n * (n - 1))
        hhi = float(d["s_sq"]) / float(d["s_sum"]) ** 2 if d["s_sum"] > 0 else None
        result[str(group)].update({
            "arcs": m,
            "reciprocity_edgewise": edgewise,
            "reciprocity_dyadic": mutual / (mutual + (m - 2 * mutual)),
            "reciprocity_rho": (edgewise - density) / (1 - density) if density < 1 else None,
            "weighted_reciprocity": float(row["w_min"]) / float(row["weight"]),
            # Freeman: Σ(max − c)/T(n) = (n·max − Σc)/T(n), sna constants (metrics-spec §2.2)
            "degree_centralization_in": (n * d["in_max"] - d["in_sum"]) / (n - 1) ** 2,
            "degree_centralization_out": (n * d["out_max"] - d["out_sum"]) / (n - 1) ** 2,
            "degree_centralization_total": (n * d["total_max"] - d["total_sum"]) / (2 * (n - 1) * (n - 2)) if n >= 3 else None,
            "flow_hierarchy": 1.0 - float(row["on_cycle"]) / m,
            "trophic_incoherence": float(row["f0"]),
            "hhi_out_strength_normalised": max((hhi - 1 / n) / (1 - 1 / n), 0.0) if hhi is not None else None,
        })
    return result


def _index_of(layer: Layer) -> pd.Series:
    return pd.Series(np.arange(layer.n), index=pd.Index(layer.node_ids.astype(str)))


def read_groups(graph: OrgGraph, members: pd.DataFrame, config: AuditConfig) -> dict[str, tuple[Reading, dict[str, Reading]]]:
    """Read every layer induced on each group of ``members`` (group, node) and combine."""
    per_group: dict[str, dict[str, Reading]] = {str(g): {} for g in members["group"].unique()}
    for name, layer in graph.layers.items():
        if layer.m == 0:
            continue
        for group, values in group_measures(layer, members).items():
            if values["arcs"]:
                per_group[group][name] = read_measures(values, config.thresholds)
    return {group: (combine_readings(layers), layers) for group, layers in per_group.items()}


def _scope_record(kind: str, scope_id: str, head: str | None, unit: str | None, size: int,
                  combined: Reading, per_layer: Mapping[str, Reading]) -> dict[str, Any]:
    return {
        "scope": kind,
        "id": scope_id,
        "head": head,
        "unit": unit,
        "size": size,
        "label": combined.label,
        "sublabels": list(combined.sublabels),
        "scores": combined.scores,
        "layers": {name: _compact(r) for name, r in sorted(per_layer.items())},
        "evidence": list(combined.evidence),
    }


def team_readings(graph: OrgGraph, config: AuditConfig) -> tuple[list[dict[str, Any]], int]:
    """One record per team (manager + direct reports), largest teams first, at most
    ``config.max_team_readings``; returns the records and how many teams there were."""
    reporting = graph.layers.get("reporting")
    if reporting is None or reporting.m == 0:
        return [], 0
    coo = reporting.adjacency.tocoo()
    ids = reporting.node_ids.astype(str)
    arcs = pd.DataFrame({"manager": ids[coo.row], "report": ids[coo.col]})
    sizes = arcs.groupby("manager").size().rename("reports").reset_index()
    sizes = sizes.sort_values(["reports", "manager"], ascending=[False, True], kind="stable")
    chosen = sizes.head(config.max_team_readings)
    keep = arcs[arcs["manager"].isin(chosen["manager"])]
    members = pd.concat([
        pd.DataFrame({"group": chosen["manager"], "node": chosen["manager"]}),
        keep.rename(columns={"manager": "group", "report": "node"}),
    ], ignore_index=True)
    readings = read_groups(graph, members, config)
    unit_of = _unit_of(graph)
    records = []
    for manager, reports in zip(chosen["manager"], chosen["reports"]):
        combined, per_layer = readings[manager]
        records.append(_scope_record("team", manager, manager, unit_of.get(manager), int(reports) + 1, combined, per_layer))
    return records, len(sizes)


def _unit_of(graph: OrgGraph) -> dict[str, str]:
    if "unit" not in graph.people:
        return {}
    units = graph.people[["person_id", "unit"]].dropna()
    return dict(zip(units["person_id"].astype(str), units["unit"].astype(str)))


def unit_readings(graph: OrgGraph, people_measures: pd.DataFrame, config: AuditConfig) -> list[dict[str, Any]]:
    """One record per unit: size, head (the member highest in the reporting line), reading."""
    if "unit" not in graph.people:
        return []
    people = graph.people[["person_id", "unit"]].astype({"person_id": str})
    people = people[people["unit"].notna()].astype({"unit": str})
    if people.empty:
        return []
    layer_of = pd.Series(dtype=float)
    if people_measures is not None and "reporting_layer" in people_measures:
        pm = people_measures[["person_id", "reporting_layer"]].dropna()
        layer_of = pd.Series(pm["reporting_layer"].astype(float).to_numpy(), index=pm["person_id"].astype(str))
    people = people.assign(layer=people["person_id"].map(layer_of).fillna(np.inf))
    heads = people.sort_values(["unit", "layer", "person_id"], kind="stable").drop_duplicates("unit").set_index("unit")["person_id"]
    sizes = people.groupby("unit").size()
    units = sorted(sizes.index)
    # the unit's own node belongs to it too, where flows or decisions name the unit
    members = pd.concat([
        people.rename(columns={"unit": "group", "person_id": "node"})[["group", "node"]],
        pd.DataFrame({"group": units, "node": units}),
    ], ignore_index=True)
    readings = read_groups(graph, members, config)
    return [
        _scope_record("unit", unit, heads[unit], unit, int(sizes[unit]), *readings[unit])
        for unit in units
    ]


def pair_readings(graph: OrgGraph) -> pd.DataFrame:
    """One row per solid reporting pair: the weight down (manager -> report) and up in
    every other layer, and what that makes the pair.

    ``power-over``: ties only run down (or the formal line is all there is);
    ``mutual``: every layer with a tie between the two has it both ways;
    ``mixed``: some returned, some not, or only upward ties.
    """
    reporting = graph.layers.get("reporting")
    columns = ["manager_id", "report_id", "label", "sublabel", "returned_layers", "one_way_layers"]
    if reporting is None or reporting.m == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    coo = reporting.adjacency.tocoo()
    managers = reporting.node_ids[coo.row]
    reports = reporting.node_ids[coo.col]
    order = np.lexsort((reports.astype(str), managers.astype(str)))
    managers, reports = managers[order], reports[order]
    table = pd.DataFrame({"manager_id": managers.astype(str), "report_id": reports.astype(str)})
    down_any = np.zeros(len(table), dtype=bool)
    up_any = np.zeros(len(table), dtype=bool)
    returned = [[] for _ in range(len(table))]
    one_way = [[] for _ in range(len(table))]
    for name, layer in sorted(graph.layers.items()):
        if name == "reporting" or layer.m == 0:
            continue
        index = layer.index_of()
        rows = np.array([index.get(m, -1) for m in managers])
        cols = np.array([index.get(r, -1) for r in reports])
        ok = (rows >= 0) & (cols >= 0)
        down = np.zeros(len(table))
        up = np.zeros(len(table))
        if ok.any():
            down[ok] = np.asarray(layer.adjacency[rows[ok], cols[ok]]).ravel()
            up[ok] = np.asarray(layer.adjacency[cols[ok], rows[ok]]).ravel()
        table[f"{name}_down"] = down
        table[f"{name}_up"] = up
        for i in np.flatnonzero((down > 0) & (up > 0)):
            returned[i].append(name)
        for i in np.flatnonzero((down > 0) ^ (up > 0)):
            one_way[i].append(name)
        down_any |= down > 0
        up_any |= up > 0
    labels, sublabels = [], []
    for i in range(len(table)):
        if returned[i] and not one_way[i]:
            labels.append(MUTUAL)
            sublabels.append("returned")
        elif not returned[i] and not up_any[i]:
            labels.append(POWER_OVER)
            sublabels.append("one-way" if down_any[i] else "formal line only")
        else:
            labels.append(MIXED)
            sublabels.append("partly returned" if returned[i] else "upward only")
    table["label"] = labels
    table["sublabel"] = sublabels
    table["returned_layers"] = [";".join(r) for r in returned]
    table["one_way_layers"] = [";".join(o) for o in one_way]
    return table


__all__ = ["induced_layer", "reading_measures", "group_measures", "read_groups", "team_readings", "unit_readings",
           "pair_readings", "UNDETERMINED"]
