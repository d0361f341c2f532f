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

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from orgpower.graph.layers import Layer, OrgGraph
from orgpower.report.config import AuditConfig
from orgpower.report.readings import MIXED, MUTUAL, POWER_OVER, UNDETERMINED, Reading, combine_readings, read_measures

MeasureLayer = Callable[[Layer], Mapping[str, Any]]


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


def read_scope(graph: OrgGraph, node_ids: list[str], config: AuditConfig, measure: MeasureLayer) -> tuple[Reading, dict[str, Reading]]:
    """Read every layer induced on ``node_ids`` and combine them."""
    per_layer: dict[str, Reading] = {}
    for name, layer in graph.layers.items():
        sub = induced_layer(layer, node_ids)
        if sub.m == 0:
            continue
        values = dict(measure(sub))
        values.setdefault("weighted", sub.weighted)
        per_layer[name] = read_measures(values, config.thresholds)
    return combine_readings(per_layer), per_layer


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


def team_readings(graph: OrgGraph, config: AuditConfig, measure: MeasureLayer) -> tuple[list[dict[str, Any]], int]:
    """One record per team (manager + direct reports), largest teams first, at most
    ``config.max_team_readings``; returns the records and how many teams there were."""
    reporting = graph.layers.get("reporting")
    if reporting is None or reporting.m == 0:
        return [], 0
    coo = reporting.adjacency.tocoo()
    ids = reporting.node_ids
    reports: dict[str, list[str]] = {}
    for s, t in zip(coo.row.tolist(), coo.col.tolist()):
        reports.setdefault(ids[s], []).append(ids[t])
    unit_of = _unit_of(graph)
    order = sorted(reports, key=lambda m: (-len(reports[m]), m))
    records = []
    for manager in order[: config.max_team_readings]:
        members = [manager, *sorted(reports[manager])]
        combined, per_layer = read_scope(graph, members, config, measure)
        records.append(_scope_record("team", manager, manager, unit_of.get(manager), len(members), combined, per_layer))
    return records, len(reports)


def _unit_of(graph: OrgGraph) -> dict[str, str]:
    if "unit" not in graph.people:
        return {}
    units = graph.people[["person_id", "unit"]].dropna()
    return dict(zip(units["person_id"].astype(str), units["unit"].astype(str)))


def unit_readings(graph: OrgGraph, people_measures: pd.DataFrame, config: AuditConfig, measure: MeasureLayer) -> list[dict[str, Any]]:
    """One record per unit: size, head (the member highest in the reporting line), reading."""
    if "unit" not in graph.people:
        return []
    people = graph.people[["person_id", "unit"]].astype({"person_id": str})
    people = people[people["unit"].notna()].astype({"unit": str})
    layer_of = {}
    if people_measures is not None and "reporting_layer" in people_measures:
        pm = people_measures[["person_id", "reporting_layer"]].dropna()
        layer_of = dict(zip(pm["person_id"].astype(str), pm["reporting_layer"].astype(float)))
    records = []
    for unit, members in people.groupby("unit", sort=True):
        member_ids = sorted(members["person_id"].tolist())
        head = min(member_ids, key=lambda p: (layer_of.get(p, float("inf")), p)) if member_ids else None
        combined, per_layer = read_scope(graph, [*member_ids, unit], config, measure)
        records.append(_scope_record("unit", unit, head, unit, len(member_ids), combined, per_layer))
    return records


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


__all__ = ["induced_layer", "read_scope", "team_readings", "unit_readings", "pair_readings", "UNDETERMINED"]
