"""Team and unit readings are computed on integer codes and Arrow text (no text-indexed
map, no join of the arc list per layer, no Python string per person, which cost seconds
at 1,000,000 people); these tests hold them to the forms they replaced, kept here
verbatim as the specification, on random orgs with every awkward case: people in no
unit, unit ids that are also person ids, members the layer does not have, repeated
members, managers in two teams, weighted and unweighted layers, people without a
reporting layer, ties in the layer and in the ids."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from orgpower.graph.layers import Layer, OrgGraph, layer_from_arcs
from orgpower.report.config import AuditConfig
from orgpower.report.readings import MIXED, MUTUAL, POWER_OVER, UNDETERMINED, combine_readings, read_measures
from orgpower.report.scopes import (
    _joined_names, _scope_record, group_measures, pair_readings, read_groups, team_readings, unit_group_readings, unit_readings,
)


# ---- the specification (the implementation before it was vectorised) ----

def group_measures_spec(layer: Layer, members: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The block-graph form with a text-indexed map and two joins of the arc list."""
    from scipy.sparse.csgraph import connected_components

    from orgpower.metrics.hierarchy import trophic_levels

    index = _index_of(layer)
    position = members["node"].astype(str).map(index)
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


def _index_of(layer: Layer) -> pd.Series:
    return pd.Series(np.arange(layer.n), index=pd.Index(layer.node_ids.astype(str)))


def read_groups_spec(graph, members, config):
    per_group = {str(g): {} for g in members["group"].unique()}
    for name, layer in graph.layers.items():
        if layer.m == 0:
            continue
        for group, values in group_measures_spec(layer, members).items():
            if values["arcs"]:
                per_group[group][name] = read_measures(values, config.thresholds, layer=name)
    return {group: (combine_readings(layers, config.thresholds), layers) for group, layers in per_group.items()}


def team_readings_spec(graph: OrgGraph, config: AuditConfig) -> tuple[list[dict[str, Any]], int]:
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
    readings = read_groups_spec(graph, members, config)
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


def unit_readings_spec(graph: OrgGraph, people_measures: pd.DataFrame, config: AuditConfig) -> list[dict[str, Any]]:
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
    readings = read_groups_spec(graph, members, config)
    return [
        _scope_record("unit", unit, heads[unit], unit, int(sizes[unit]), *readings[unit])
        for unit in units
    ]



def pair_readings_spec(graph: OrgGraph) -> pd.DataFrame:
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


# ---- random, hostile orgs ----

def _org(seed: int, n: int = 80, *, text_dtype: str = "object") -> tuple[OrgGraph, pd.DataFrame]:
    """A random org: a reporting tree, units (some people in none; one unit id is also a
    person id), weighted flows with unit nodes as ends, unweighted decisions, and a
    reporting layer per person with ties and gaps."""
    rng = np.random.default_rng(seed)
    ids = [f"p{i:03d}" for i in rng.permutation(n)]  # ids not in position order
    units = np.array(["u-b", "u-a", ids[5], "u-c", None], dtype=object)[rng.integers(0, 5, n)]
    people = pd.DataFrame({"person_id": pd.Series(ids, dtype=text_dtype),
                           "unit": pd.Series(units, dtype=text_dtype)})
    parent = [int(rng.integers(0, max(i, 1))) for i in range(n)]
    graph = OrgGraph(people=people, units=pd.DataFrame())
    tree = [(ids[parent[i]], ids[i]) for i in range(1, n)]
    graph.layers["reporting"] = layer_from_arcs("reporting", ids, [s for s, _ in tree], [t for _, t in tree], people_count=n)
    unit_nodes = ["u-a", "u-b", "u-z"]
    nodes = np.array(ids + unit_nodes, dtype=object)
    k = 3 * n
    src = np.concatenate([[s for s, _ in tree], nodes[rng.integers(0, len(nodes), k)]])
    dst = np.concatenate([[t for _, t in tree], nodes[rng.integers(0, len(nodes), k)]])
    weight = rng.choice([1.0, 2.0, 0.5, 1e-3, 7.25], len(src))
    graph.layers["flows"] = layer_from_arcs("flows", nodes, src, dst, weight, people_count=n)
    back = rng.random(len(tree)) < 0.3  # some decisions returned
    d_src = [s for s, _ in tree] + [t for (_, t), b in zip(tree, back) if b]
    d_dst = [t for _, t in tree] + [s for (s, _), b in zip(tree, back) if b]
    graph.layers["decisions"] = layer_from_arcs("decisions", ids, d_src, d_dst, people_count=n)
    graph.layers["advice"] = layer_from_arcs("advice", ids, [], [], people_count=n)  # no ties: not read
    known = rng.random(n) < 0.8
    measures = pd.DataFrame({"person_id": np.array(ids, dtype=object)[known],
                             "reporting_layer": rng.integers(1, 4, n)[known].astype(float)})
    return graph, measures


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("text_dtype", ["object", "str"])
def test_team_readings_equal_the_specification(seed, text_dtype):
    graph, _ = _org(seed, text_dtype=text_dtype)
    for limit in (5_000, 7, 1):
        config = AuditConfig(max_team_readings=limit)
        assert team_readings(graph, config) == team_readings_spec(graph, config)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("text_dtype", ["object", "str"])
def test_unit_readings_equal_the_specification(seed, text_dtype):
    graph, measures = _org(seed, text_dtype=text_dtype)
    config = AuditConfig()
    assert unit_readings(graph, measures, config) == unit_readings_spec(graph, measures, config)
    assert unit_readings(graph, None, config) == unit_readings_spec(graph, None, config)  # heads by id alone


@pytest.mark.parametrize("seed", range(3))
def test_unit_readings_from_readings_taken_beforehand_equal_the_specification(seed):
    # the pipeline reads the units' groups while the org is measured and adds the heads after
    graph, measures = _org(seed)
    config = AuditConfig()
    read = unit_group_readings(graph, config)
    assert read and set(read) == {record["id"] for record in unit_readings_spec(graph, measures, config)}
    assert unit_readings(graph, measures, config, read=read) == unit_readings_spec(graph, measures, config)


def test_unit_readings_without_units_are_empty_as_before():
    graph, measures = _org(0)
    graph.people = graph.people.assign(unit=None)
    assert unit_readings(graph, measures, AuditConfig()) == unit_readings_spec(graph, measures, AuditConfig()) == []
    assert unit_group_readings(graph, AuditConfig()) == {}
    graph.people = graph.people.drop(columns="unit")
    assert unit_readings(graph, measures, AuditConfig()) == [] and team_readings(graph, AuditConfig())[0][0]["unit"] is None


@pytest.mark.parametrize("seed", range(8))
def test_group_measures_equal_the_specification_on_hostile_members(seed):
    # groups over random ids: repeated rows, nodes in several groups, ids the layer lacks,
    # a group named like a node, groups with one member
    graph, _ = _org(seed)
    rng = np.random.default_rng(100 + seed)
    pool = np.array(list(graph.layers["flows"].node_ids) + ["nobody", "u-y"], dtype=object)
    members = pd.DataFrame({"group": rng.choice(["g1", "g2", "g3", "p001", "u-a", "solo"], 150),
                            "node": rng.choice(pool, 150)})
    for name in ("reporting", "flows", "decisions", "advice"):
        layer = graph.layers[name]
        assert group_measures(layer, members) == group_measures_spec(layer, members), name


def test_group_measures_of_no_members_and_of_members_outside_the_layer():
    graph, _ = _org(1)
    layer = graph.layers["flows"]
    empty = pd.DataFrame({"group": pd.Series([], dtype=object), "node": pd.Series([], dtype=object)})
    assert group_measures(layer, empty) == group_measures_spec(layer, empty) == {}
    outside = pd.DataFrame({"group": ["g", "g"], "node": ["nobody", "none"]})
    assert group_measures(layer, outside) == group_measures_spec(layer, outside) == {}


@pytest.mark.parametrize("seed", range(6))
def test_pair_readings_equal_the_specification(seed):
    graph, _ = _org(seed)
    rng = np.random.default_rng(200 + seed)
    ids = list(graph.layers["reporting"].node_ids)
    # a layer over the people in another order and without some of them, with ties both ways
    others = [i for i in ids if rng.random() < 0.7][::-1]
    pairs = [(others[a], others[b]) for a, b in rng.integers(0, len(others), (4 * len(others), 2))]
    graph.layers["collaboration"] = layer_from_arcs("collaboration", others, [a for a, _ in pairs], [b for _, b in pairs])
    pd.testing.assert_frame_equal(pair_readings(graph), pair_readings_spec(graph))


def test_pair_readings_without_other_layers_equal_the_specification():
    graph, _ = _org(3)
    for name in ("flows", "decisions"):
        del graph.layers[name]
    pd.testing.assert_frame_equal(pair_readings(graph), pair_readings_spec(graph))


def test_joined_names_beyond_the_bits_of_an_integer_row_by_row():
    rng = np.random.default_rng(9)
    names = [f"layer{i:02d}" for i in range(70)]
    flags = [rng.random(40) < 0.5 for _ in names]
    expected = [";".join(n for n, f in zip(names, flags) if f[r]) for r in range(40)]
    assert _joined_names(flags, names, 40).tolist() == expected
    for k in (0, 5, 20):  # a table of the combinations; sorted combinations beyond 16 bits
        assert _joined_names(flags[:k], names[:k], 40).tolist() == [";".join(n for n, f in zip(names[:k], flags[:k]) if f[r])
                                                                      for r in range(40)]
    assert _joined_names([], [], 0).tolist() == []


# ---- each distinct measures dict read once ----

def _star_teams_graph() -> tuple[OrgGraph, pd.DataFrame]:
    """Forty managers with three reports each and nothing else (every team the same shape),
    and five with a report who returns a decision (another shape)."""
    ids, tree, back = [], [], []
    for k in range(45):
        manager = f"m{k:02d}"
        reports = [f"{manager}r{j}" for j in range(3)]
        ids += [manager] + reports
        tree += [(manager, r) for r in reports]
        if k >= 40:
            back.append((reports[0], manager))
    graph = OrgGraph(people=pd.DataFrame({"person_id": ids, "unit": "u"}), units=pd.DataFrame())
    graph.layers["reporting"] = layer_from_arcs("reporting", ids, [s for s, _ in tree], [t for _, t in tree])
    decisions = tree + back
    graph.layers["decisions"] = layer_from_arcs("decisions", ids, [s for s, _ in decisions], [t for _, t in decisions])
    members = pd.DataFrame({"group": [s for s, _ in tree] + [f"m{k:02d}" for k in range(45)],
                            "node": [t for _, t in tree] + [f"m{k:02d}" for k in range(45)]})
    return graph, members


def _team_members_of(graph: OrgGraph) -> pd.DataFrame:
    """Every manager's team: the manager and their direct reports."""
    reporting = graph.layers["reporting"]
    coo = reporting.adjacency.tocoo()
    ids = reporting.node_ids.astype(str)
    heads = pd.unique(ids[coo.row])
    return pd.DataFrame({"group": np.concatenate([heads, ids[coo.row]]), "node": np.concatenate([heads, ids[coo.col]])})


def _as_text_of(read) -> dict[str, str]:
    # repr of the whole reading: tells -0.0 from 0.0 and 1 from 1.0, which == does not
    return {group: repr((combined, layers)) for group, (combined, layers) in read.items()}


def test_read_groups_reads_every_group_as_each_read_alone():
    graph, members = _star_teams_graph()
    config = AuditConfig()
    assert _as_text_of(read_groups(graph, members, config)) == _as_text_of(read_groups_spec(graph, members, config))
    for seed in range(4):
        graph, _ = _org(seed)
        members = _team_members_of(graph)
        assert _as_text_of(read_groups(graph, members, config)) == _as_text_of(read_groups_spec(graph, members, config))


def test_read_groups_reads_each_distinct_measures_dict_once(monkeypatch):
    import orgpower.report.scopes as scopes

    graph, members = _star_teams_graph()
    calls = []
    real = scopes.read_measures

    def counting(values, thresholds, *, layer=None):
        calls.append((layer, tuple(values.items())))
        return real(values, thresholds, layer=layer)

    monkeypatch.setattr(scopes, "read_measures", counting)
    read = read_groups(graph, members, AuditConfig())
    # one shape on the reporting line, two on decisions
    assert len(calls) == len(set(calls)) == 3
    assert read["m00"][0] is read["m39"][0] and read["m00"][0] is not read["m40"][0]


def test_read_groups_reads_apart_measures_that_differ_only_in_the_sign_of_zero_or_in_type(monkeypatch):
    import orgpower.report.scopes as scopes

    graph, members = _star_teams_graph()
    base = {"nodes": 4, "arcs": 3, "weighted": False, "reciprocity_edgewise": 0.0, "reciprocity_dyadic": 0.0,
            "reciprocity_rho": -0.0, "weighted_reciprocity": 0.0, "degree_centralization_in": 0.0,
            "degree_centralization_out": 1.0, "degree_centralization_total": 0.5, "flow_hierarchy": 1.0,
            "trophic_incoherence": 0.0, "hhi_out_strength_normalised": 1.0}
    crafted = {"a": dict(base), "b": {**base, "reciprocity_rho": 0.0}, "c": {**base, "degree_centralization_out": 1}}
    monkeypatch.setattr(scopes, "group_measures", lambda layer, memberships: crafted)
    read = read_groups(graph, members.assign(group=np.array(["a", "b", "c"])[np.arange(len(members)) % 3]),
                       AuditConfig())
    values = {g: read[g][1]["reporting"].axes["asymmetry"].values["reciprocity_rho"] for g in "abc"}
    assert repr(values["a"]) == "-0.0" and repr(values["b"]) == "0.0"
    assert read["a"][1]["reporting"] is not read["b"][1]["reporting"]
    assert read["a"][1]["reporting"] is not read["c"][1]["reporting"]
