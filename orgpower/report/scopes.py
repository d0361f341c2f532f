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
import pyarrow as pa
import pyarrow.compute as pc
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

    # each member's node position by Arrow's hash look-up (a text-indexed map cost seconds
    # at a million people); NaN where the layer has no such node, as the map gave
    nodes = pa.array(layer.node_ids.astype(str).astype(object), type=pa.string())
    names = pa.array(members["node"].astype(str).to_numpy(dtype=object, na_value=None), type=pa.string())
    position = pd.Series(pc.index_in(names, value_set=nodes).to_numpy(zero_copy_only=False), index=members.index)
    mem = pd.DataFrame({"group": members["group"].astype(str).to_numpy(), "pos": position.to_numpy()})
    mem = mem.dropna(subset=["pos"]).drop_duplicates(["group", "pos"]).reset_index(drop=True)
    # integer group codes: every aggregation below is a numpy bincount, not a groupby
    gid, groups = pd.factorize(mem["group"], sort=False)
    mem = pd.DataFrame({"gid": gid, "pos": mem["pos"].to_numpy(dtype=np.int64), "vertex": np.arange(len(mem))})
    n_groups = len(groups)
    size = np.bincount(gid, minlength=n_groups).astype(float)
    result: dict[str, dict[str, Any]] = {
        str(g): {"nodes": int(n), "arcs": 0, "weighted": layer.weighted} for g, n in zip(groups, size)
    }
    coo = layer.adjacency.tocoo()
    arcs = pd.DataFrame({"s": coo.row.astype(np.int64), "t": coo.col.astype(np.int64), "w": coo.data})
    left = mem.rename(columns={"pos": "s", "vertex": "vs"})
    right = mem.rename(columns={"pos": "t", "vertex": "vt"})
    inside = arcs.merge(left, on="s").merge(right, on=["gid", "t"])
    if inside.empty:
        return result
    n_vertices = len(mem)
    vs, vt = inside["vs"].to_numpy(), inside["vt"].to_numpy()
    w, arc_gid = inside["w"].to_numpy(dtype=float), inside["gid"].to_numpy()
    block = sp.csr_array((w, (vs, vt)), shape=(n_vertices, n_vertices))
    back = np.asarray(block[vt, vs]).ravel()
    _, strong = connected_components(block, directed=True, connection="strong")
    levels = trophic_levels(block, weighted=False)

    def per_group(values) -> np.ndarray:
        return np.bincount(arc_gid, weights=np.asarray(values, dtype=float), minlength=n_groups)

    m = np.bincount(arc_gid, minlength=n_groups).astype(float)
    returned = per_group(back > 0)
    weight = per_group(w)
    w_min = per_group(np.minimum(w, back))
    on_cycle = per_group(strong[vs] == strong[vt])
    f0_sum = per_group((levels[vt] - levels[vs] - 1.0) ** 2)
    vgid = mem["gid"].to_numpy()
    out_deg = np.bincount(vs, minlength=n_vertices).astype(float)
    in_deg = np.bincount(vt, minlength=n_vertices).astype(float)
    strength = np.bincount(vs, weights=w, minlength=n_vertices)

    def group_sum(values) -> np.ndarray:
        return np.bincount(vgid, weights=values, minlength=n_groups)

    def group_max(values) -> np.ndarray:
        top = np.zeros(n_groups)
        np.maximum.at(top, vgid, values)
        return top

    n = size
    with np.errstate(divide="ignore", invalid="ignore"):
        edgewise = returned / m
        mutual = returned / 2
        density = m / (n * (n - 1))
        rho = np.where(density < 1, (edgewise - density) / (1 - density), np.nan)
        s_sum = group_sum(strength)
        hhi = group_sum(strength ** 2) / s_sum ** 2
        hhi_star = np.where(s_sum > 0, np.maximum((hhi - 1 / n) / (1 - 1 / n), 0.0), np.nan)
        total = out_deg + in_deg
        columns = {
            "reciprocity_edgewise": edgewise,
            "reciprocity_dyadic": mutual / (m - mutual),  # M / (M + A) with A = m − 2M
            "reciprocity_rho": rho,
            "weighted_reciprocity": w_min / weight,
            # Freeman: Σ(max − c)/T(n) = (n·max − Σc)/T(n), sna constants (docs/measures.md)
            "degree_centralization_in": (n * group_max(in_deg) - group_sum(in_deg)) / (n - 1) ** 2,
            "degree_centralization_out": (n * group_max(out_deg) - group_sum(out_deg)) / (n - 1) ** 2,
            "degree_centralization_total": np.where(
                n >= 3, (n * group_max(total) - group_sum(total)) / (2 * (n - 1) * (n - 2)), np.nan),
            "flow_hierarchy": 1.0 - on_cycle / m,
            "trophic_incoherence": f0_sum / m,
            "hhi_out_strength_normalised": hhi_star,
        }
    for i in np.flatnonzero(m > 0):
        record = result[str(groups[i])]
        record["arcs"] = int(m[i])
        for key, values in columns.items():
            value = values[i]
            record[key] = None if np.isnan(value) else float(value)
    return result


def read_groups(graph: OrgGraph, members: pd.DataFrame, config: AuditConfig) -> dict[str, tuple[Reading, dict[str, Reading]]]:
    """Read every layer induced on each group of ``members`` (group, node) and combine."""
    per_group: dict[str, dict[str, Reading]] = {str(g): {} for g in members["group"].unique()}
    for name, layer in graph.layers.items():
        if layer.m == 0:
            continue
        for group, values in group_measures(layer, members).items():
            if values["arcs"]:
                per_group[group][name] = read_measures(values, config.thresholds, layer=name)
    return {group: (combine_readings(layers, config.thresholds), layers) for group, layers in per_group.items()}


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
    # zip over object arrays: iterating Arrow-backed columns makes a scalar per cell, 10x slower
    return dict(zip(units["person_id"].astype(str).to_numpy(dtype=object), units["unit"].astype(str).to_numpy(dtype=object)))


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

    ``power-over``: ties in other layers only run down;
    ``mutual``: every layer with a tie between the two has it both ways;
    ``mixed``: some returned, some not, or only upward ties;
    ``undetermined`` (``formal line only``): no tie but the reporting line itself, which is
    one-way by construction and so cannot tell.
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
    # the layers where the pair's tie is returned / one-way, as ";"-joined names in layer order
    returned = np.full(len(table), "", dtype=object)
    one_way = np.full(len(table), "", dtype=object)
    manager_ids = pa.array(managers.astype(str).astype(object), type=pa.string())
    report_ids = pa.array(reports.astype(str).astype(object), type=pa.string())
    for name, layer in sorted(graph.layers.items()):
        if name == "reporting" or layer.m == 0:
            continue
        # node ids are distinct: one position each, found by Arrow's hash look-up
        nodes = pa.array(layer.node_ids.astype(str).astype(object), type=pa.string())
        rows = pc.fill_null(pc.index_in(manager_ids, value_set=nodes), -1).to_numpy(zero_copy_only=False)
        cols = pc.fill_null(pc.index_in(report_ids, value_set=nodes), -1).to_numpy(zero_copy_only=False)
        ok = (rows >= 0) & (cols >= 0)
        down = np.zeros(len(table))
        up = np.zeros(len(table))
        if ok.any():
            down[ok] = np.asarray(layer.adjacency[rows[ok], cols[ok]]).ravel()
            up[ok] = np.asarray(layer.adjacency[cols[ok], rows[ok]]).ravel()
        table[f"{name}_down"] = down
        table[f"{name}_up"] = up
        for names, where in ((returned, (down > 0) & (up > 0)), (one_way, (down > 0) ^ (up > 0))):
            names[where] = np.where(names[where] == "", name, names[where] + ";" + name)
        down_any |= down > 0
        up_any |= up > 0
    is_returned, is_one_way = returned != "", one_way != ""
    cases = [is_returned & ~is_one_way, ~is_returned & ~up_any & down_any, ~down_any & ~up_any]
    # the formal line alone is one-way by construction: it cannot tell (docs/readings.md)
    labels = np.select(cases, [MUTUAL, POWER_OVER, UNDETERMINED], default=MIXED).tolist()
    sublabels = np.select(cases, ["returned", "one-way", "formal line only"],
                          default=np.where(is_returned, "partly returned", "upward only")).tolist()
    table["label"] = labels
    table["sublabel"] = sublabels
    table["returned_layers"] = returned.tolist()
    table["one_way_layers"] = one_way.tolist()
    return table


# The scopes of audit.json, each under its own key: a view takes the reading of exactly the
# scope it names from here (document[SCOPE_KEYS[scope]]), never from a mixed list.
SCOPE_KEYS = {"unit": "units", "team": "teams"}


def scope_records(document: Mapping[str, Any], scope: str) -> list[dict[str, Any]]:
    """The records of one scope (``unit`` or ``team``) of an audit.json document."""
    if scope not in SCOPE_KEYS:
        raise ValueError(f"unknown scope {scope!r}; known: {', '.join(SCOPE_KEYS)}")
    return [r for r in document.get(SCOPE_KEYS[scope]) or [] if r.get("scope", scope) == scope]


def scope_readings(document: Mapping[str, Any], scope: str) -> dict[str, dict[str, Any]]:
    """id -> record of one scope; every id once (a unit's reading is its own, never a team's)."""
    return {str(r["id"]): r for r in scope_records(document, scope)}


def scope_labels(document: Mapping[str, Any], scope: str) -> dict[str, str]:
    """id -> label of one scope, e.g. the colour of each unit on the power map."""
    return {key: r["label"] for key, r in scope_readings(document, scope).items()}


__all__ = ["SCOPE_KEYS", "scope_records", "scope_readings", "scope_labels", "induced_layer", "reading_measures", "group_measures", "read_groups", "team_readings", "unit_readings",
           "pair_readings", "UNDETERMINED"]
