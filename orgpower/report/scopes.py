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


class _Memberships:
    """``members`` (group, node) as Arrow text and integer group codes, taken once for every
    layer a group is read on, with each layer's node positions of the members."""

    def __init__(self, members: pd.DataFrame) -> None:
        self._set(id_text(members["group"]), id_text(members["node"]))

    @classmethod
    def of(cls, *, group: pa.Array, node: pa.Array) -> _Memberships:
        """From Arrow text columns (no table in between)."""
        made = cls.__new__(cls)
        made._set(group.cast(pa.string()), node.cast(pa.string()))
        return made

    def _set(self, group: pa.Array, node: pa.Array) -> None:
        self.node, self.group = node, group
        encoded = pc.dictionary_encode(group)
        self.group_code = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        self.groups = encoded.dictionary.to_pylist()  # in order of first appearance
        self._known: tuple[np.ndarray, np.ndarray] | None = None  # (node ids, positions in them)

    def positions(self, layer: Layer) -> np.ndarray:
        """Each member's position among the layer's nodes (the first, as ids are distinct),
        -1 where the layer has no such node. Layers list the people first, then units:
        where a layer's nodes begin with nodes already looked up, only the rest is looked
        up (one hash look-up of a million ids per reading, not one per layer)."""
        ids = layer.node_ids
        if self._known is not None:
            known_ids, known = self._known
            k = len(known_ids)
            if ids is known_ids:
                return known
            if len(ids) >= k and np.array_equal(ids[:k], known_ids):
                rest = np.flatnonzero(known < 0)
                found = known.copy()
                if rest.size and len(ids) > k:
                    more = _index_in(self.node.take(pa.array(rest)), id_text(ids[k:]))
                    found[rest] = np.where(more >= 0, more + k, -1)
                return found
        found = _index_in(self.node, _node_text(layer))
        self._known = (ids, found)
        return found


def _index_in(values: pa.Array, value_set: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.index_in(values, value_set=value_set), -1).to_numpy(zero_copy_only=False).astype(np.int64)


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
    # at a million people); members the layer does not have are left out, as the map did
    given = members if isinstance(members, _Memberships) else _Memberships(members)
    position = given.positions(layer)
    group_code = given.group_code
    rows = np.flatnonzero((position >= 0) & (group_code >= 0))
    # one vertex per distinct (group, node), the first row of each kept, in row order
    key = group_code[rows] * max(layer.n, 1) + position[rows]
    rows = rows[~pd.Series(key).duplicated().to_numpy()]
    # integer group codes in order of first appearance: every aggregation below is a numpy bincount
    gid, codes = pd.factorize(group_code[rows], sort=False)
    groups = np.asarray(given.groups, dtype=object)[codes]
    pos = position[rows]
    n_groups = len(groups)
    size = np.bincount(gid, minlength=n_groups).astype(float)
    result: dict[str, dict[str, Any]] = {
        str(g): {"nodes": int(n), "arcs": 0, "weighted": layer.weighted} for g, n in zip(groups, size.tolist())
    }
    vs, vt, w, arc_gid = _arcs_inside(layer, gid, pos)
    if vs.size == 0:
        return result
    n_vertices = len(pos)
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
    vgid = gid
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
    # plain floats per column once (tolist), not a numpy scalar per cell
    lists = {key: values.tolist() for key, values in columns.items()}
    arcs = m.tolist()
    for i in np.flatnonzero(m > 0).tolist():
        record = result[str(groups[i])]
        record["arcs"] = int(arcs[i])
        for key, values in lists.items():
            value = values[i]
            record[key] = None if value != value else value
    return result


def id_text(values) -> pa.Array:
    """Ids as Arrow text, as ``astype(str)`` gives them (null where missing), without a
    Python string per id where the column or array already holds text."""
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
            text = pa.array(values.array)
            text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
            return text.cast(pa.string())
        values = values.astype(str).to_numpy(dtype=object, na_value=None)
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array(np.asarray(values).astype(str).astype(object), type=pa.string())


def _node_text(layer: Layer) -> pa.Array:
    """The layer's node ids as Arrow text (an object array of str: no conversion per id)."""
    return id_text(layer.node_ids)


def _arcs_inside(layer: Layer, gid: np.ndarray, pos: np.ndarray):
    """The arcs of ``layer`` that join two members of one group, as arcs of the block graph
    (one vertex per membership: vertex v is node ``pos[v]`` in group ``gid[v]``, each
    (group, node) once): source and target vertex, weight and group, in arc order and,
    for a source in several groups, in vertex order (the order a join of the arc list
    with the memberships gives; sums over the arcs add in that order)."""
    coo = layer.adjacency.tocoo()
    n = max(layer.n, 1)
    count = np.bincount(pos, minlength=n)
    if count.max(initial=0) <= 1:
        # every node in one group at most (units): its group and vertex by direct look-up,
        # an arc kept when both ends are in the same group (one comparison per arc, on the
        # arc list's own index type, instead of vertex look-ups and 64-bit copies of it)
        node_group = np.full(n, -1, dtype=np.int64)
        node_group[pos] = gid
        source_group = node_group[coo.row]
        inside = source_group == node_group[coo.col]
        inside &= source_group >= 0
        arc = np.flatnonzero(inside)
        vertex = np.full(n, -1, dtype=np.int64)
        vertex[pos] = np.arange(pos.size)
        return vertex[coo.row[arc]], vertex[coo.col[arc]], coo.data[arc].astype(float), source_group[arc]
    s, t = coo.row.astype(np.int64), coo.col.astype(np.int64)
    start = np.cumsum(count) - count
    by_node = np.argsort(pos, kind="stable")  # vertices grouped by node, in vertex order
    candidates = np.flatnonzero((count[s] > 0) & (count[t] > 0))
    # one row per (arc, membership of its source), in arc order, then vertex order
    per = count[s[candidates]]
    arc = np.repeat(candidates, per)
    offset = np.arange(arc.size) - np.repeat(np.cumsum(per) - per, per)
    vs = by_node[start[s[arc]] + offset]
    g = gid[vs]
    # the target's membership of the same group, if it has one ((group, node) is distinct)
    key = gid.astype(np.int64) * n + pos
    sorter = np.argsort(key, kind="stable")
    want = g * n + t[arc]
    found = sorter[np.minimum(np.searchsorted(key, want, sorter=sorter), max(key.size - 1, 0))]
    hit = key[found] == want
    return vs[hit], found[hit], coo.data[arc[hit]].astype(float), g[hit]


def read_groups(graph: OrgGraph, members: pd.DataFrame | _Memberships, config: AuditConfig) -> dict[str, tuple[Reading, dict[str, Reading]]]:
    """Read every layer induced on each group of ``members`` (group, node) and combine."""
    memberships = members if isinstance(members, _Memberships) else _Memberships(members)
    per_group: dict[str, dict[str, Reading]] = {str(g): {} for g in memberships.groups}
    # groups of one shape have the same measures (a manager and k reports with no other tie):
    # each distinct measures dict is read once, each distinct set of readings combined once
    # (teams at 100,000 people: 19,012 readings of 6,628 distinct dicts, collaboration-dense;
    # 24,439 of 1,406, tree-like). A reading depends on nothing else, and it is never changed
    # afterwards, so groups may share one. The key holds each value's repr, which tells
    # apart what == does not (-0.0 and 0.0, 1 and 1.0 and True).
    read: dict[tuple, Reading] = {}
    for name, layer in graph.layers.items():
        if layer.m == 0:
            continue
        for group, values in group_measures(layer, memberships).items():
            if values["arcs"]:
                key = (name, *((k, repr(v)) for k, v in values.items()))
                reading = read.get(key)
                if reading is None:
                    reading = read[key] = read_measures(values, config.thresholds, layer=name)
                per_group[group][name] = reading
    combined: dict[tuple, Reading] = {}
    result = {}
    for group, layers in per_group.items():
        key = tuple((name, id(reading)) for name, reading in layers.items())  # the readings in read stay alive
        reading = combined.get(key)
        if reading is None:
            reading = combined[key] = combine_readings(layers, config.thresholds)
        result[group] = (reading, layers)
    return result


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
    ids = reporting.node_ids
    # managers by position: their number of reports, largest teams first, then by id
    reports = np.bincount(coo.row, minlength=reporting.n)
    managers = np.flatnonzero(reports)
    sizes = pd.DataFrame({"manager": id_text(ids[managers]).to_numpy(zero_copy_only=False), "reports": reports[managers],
                          "position": managers})
    sizes = sizes.sort_values(["reports", "manager"], ascending=[False, True], kind="stable")
    chosen = sizes.head(config.max_team_readings)
    chosen_ids = chosen["manager"].to_numpy(dtype=object)
    is_chosen = np.zeros(reporting.n, dtype=bool)
    is_chosen[chosen["position"].to_numpy()] = True
    keep = np.flatnonzero(is_chosen[coo.row])  # the chosen managers' lines, in arc order
    members = pd.DataFrame({
        "group": np.concatenate([chosen_ids, id_text(ids[coo.row[keep]]).to_numpy(zero_copy_only=False)]),
        "node": np.concatenate([chosen_ids, id_text(ids[coo.col[keep]]).to_numpy(zero_copy_only=False)]),
    })
    readings = read_groups(graph, members, config)
    units = _units_of(graph, chosen_ids)
    records = []
    for manager, reports_, unit in zip(chosen_ids.tolist(), chosen["reports"].tolist(), units):
        combined, per_layer = readings[manager]
        records.append(_scope_record("team", manager, manager, unit, int(reports_) + 1, combined, per_layer))
    return records, len(sizes)


def _units_of(graph: OrgGraph, person_ids: np.ndarray) -> list[str | None]:
    """The unit of each of ``person_ids`` (text; None without one): the last row of the
    people table that names the person and a unit, as a dict of every person gives it."""
    if "unit" not in graph.people:
        return [None] * len(person_ids)
    units = graph.people[["person_id", "unit"]].dropna()
    # per row, which of person_ids it names; the last such row per person
    named = _index_in(id_text(units["person_id"]), id_text(pd.Series(person_ids, dtype=object)))
    rows = np.flatnonzero(named >= 0)
    last = np.full(len(person_ids), -1, dtype=np.int64)
    np.maximum.at(last, named[rows], rows)
    text = units["unit"].iloc[last[last >= 0]].astype(str).to_numpy(dtype=object).tolist()
    found = iter(text)
    return [next(found) if row >= 0 else None for row in last.tolist()]


def _unit_members(graph: OrgGraph):
    """Every person with a unit, as Arrow text (ids, units), their unit codes and the
    units' names by code; ``None`` when nobody has a unit."""
    if "unit" not in graph.people:
        return None
    people = graph.people[["person_id", "unit"]]
    people = people[people["unit"].notna()]
    if people.empty:
        return None
    person, unit = id_text(people["person_id"]), id_text(people["unit"])
    unit_code = pc.dictionary_encode(unit)
    codes = unit_code.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    names = np.asarray(unit_code.dictionary.to_pylist(), dtype=object)
    return person, unit, codes, names


def unit_group_readings(graph: OrgGraph, config: AuditConfig) -> dict[str, tuple[Reading, dict[str, Reading]]]:
    """:func:`read_groups` of every unit (its members and the unit's own node, where flows
    or decisions name it), by unit id; empty without units. They need no measure, so the
    pipeline takes them while the org is measured (:func:`orgpower.report.audit.direct_readings`)."""
    unit_people = _unit_members(graph)
    if unit_people is None:
        return {}
    person, unit, _, names = unit_people
    unit_ids = pa.array(sorted(names.tolist()), type=pa.string())
    members = _Memberships.of(group=pa.concat_arrays([unit, unit_ids]), node=pa.concat_arrays([person, unit_ids]))
    return read_groups(graph, members, config)


def unit_readings(graph: OrgGraph, people_measures: pd.DataFrame, config: AuditConfig, *,
                  read: dict[str, tuple[Reading, dict[str, Reading]]] | None = None) -> list[dict[str, Any]]:
    """One record per unit: size, head (the member highest in the reporting line), reading.

    ``read``: :func:`unit_group_readings` of the same graph and config if already taken
    (else taken here)."""
    unit_people = _unit_members(graph)
    if unit_people is None:
        return []
    person, _, codes, names = unit_people
    layer = np.full(len(codes), np.inf)
    if people_measures is not None and "reporting_layer" in people_measures:
        pm = people_measures[["person_id", "reporting_layer"]].dropna()
        found = _index_in(person, id_text(pm["person_id"]))
        layer[found >= 0] = pm["reporting_layer"].astype(float).to_numpy()[found[found >= 0]]
    # the head: the member highest in the reporting line (lowest layer), then the first id
    top = np.full(len(names), np.inf)
    np.minimum.at(top, codes, layer)
    candidates = np.flatnonzero(layer == top[codes])  # (every member when no layer is known)
    id_rank = pc.rank(person.take(pa.array(candidates)), sort_keys="ascending", tiebreaker="min")
    order = candidates[np.lexsort((id_rank.to_numpy(zero_copy_only=False), codes[candidates]))]
    first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]]
    heads = dict(zip(names[codes[first]].tolist(), person.take(pa.array(first)).to_pylist()))
    sizes = dict(zip(names.tolist(), np.bincount(codes, minlength=len(names)).tolist()))
    readings = read if read is not None else unit_group_readings(graph, config)
    return [
        _scope_record("unit", unit, heads[unit], unit, int(sizes[unit]), *readings[unit])
        for unit in sorted(sizes)
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
    text = _node_text(reporting)
    # sorted by manager id, then report id, as text: on the ids' ranks (distinct ids, distinct ranks)
    rank = pc.rank(text, sort_keys="ascending", tiebreaker="min").to_numpy(zero_copy_only=False)
    order = np.lexsort((rank[coo.col], rank[coo.row]))
    row, col = coo.row[order].astype(np.int64), coo.col[order].astype(np.int64)
    table = pd.DataFrame({"manager_id": text.take(pa.array(row)).to_numpy(zero_copy_only=False),
                          "report_id": text.take(pa.array(col)).to_numpy(zero_copy_only=False)})
    down_any = np.zeros(len(table), dtype=bool)
    up_any = np.zeros(len(table), dtype=bool)
    # per layer read, where the pair's tie is returned / one-way
    returned_in: list[np.ndarray] = []
    one_way_in: list[np.ndarray] = []
    read: list[str] = []
    for name, layer in sorted(graph.layers.items()):
        if name == "reporting" or layer.m == 0:
            continue
        # each reporting node's position in this layer (node ids are distinct): the same
        # positions where the layer lists the same people first, else Arrow's hash look-up
        k = reporting.n
        if layer.node_ids is reporting.node_ids or (layer.n >= k and np.array_equal(layer.node_ids[:k], reporting.node_ids)):
            where = np.arange(k, dtype=np.int64)
        else:
            where = _index_in(text, _node_text(layer))
        rows, cols = where[row], where[col]
        ok = (rows >= 0) & (cols >= 0)
        down = np.zeros(len(table))
        up = np.zeros(len(table))
        if ok.any():
            down[ok] = np.asarray(layer.adjacency[rows[ok], cols[ok]]).ravel()
            up[ok] = np.asarray(layer.adjacency[cols[ok], rows[ok]]).ravel()
        table[f"{name}_down"] = down
        table[f"{name}_up"] = up
        returned_in.append((down > 0) & (up > 0))
        one_way_in.append((down > 0) ^ (up > 0))
        read.append(name)
        down_any |= down > 0
        up_any |= up > 0
    returned, one_way = _joined_names(returned_in, read, len(table)), _joined_names(one_way_in, read, len(table))
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


def _joined_names(flags: list[np.ndarray], names: list[str], rows: int) -> np.ndarray:
    """Per row, the ``names`` whose flag is set, ";"-joined in order ("" for none): the
    text made once per combination that occurs, not once per row."""
    if len(names) > 62:  # more layers than bits: row by row
        joined = np.full(rows, "", dtype=object)
        for name, where in zip(names, flags):
            joined[where] = np.where(joined[where] == "", name, joined[where] + ";" + name)
        return joined
    bits = np.zeros(rows, dtype=np.int64)
    for i, where in enumerate(flags):
        bits |= where.astype(np.int64) << i

    def joined(combo: int) -> str:
        return ";".join(n for i, n in enumerate(names) if combo >> i & 1)

    if bits.max(initial=0) < 1 << 16:  # a table indexed by the bits themselves (no sort)
        combos = np.flatnonzero(np.bincount(bits))
        table = np.empty(bits.max(initial=0) + 1, dtype=object)
        table[combos] = [joined(c) for c in combos.tolist()]
        return table[bits]
    combos, index = np.unique(bits, return_inverse=True)
    return np.array([joined(c) for c in combos.tolist()], dtype=object)[index.reshape(-1)]


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


__all__ = ["SCOPE_KEYS", "scope_records", "scope_readings", "scope_labels", "induced_layer", "reading_measures", "group_measures", "read_groups", "team_readings", "unit_group_readings", "unit_readings",
           "pair_readings", "UNDETERMINED"]
