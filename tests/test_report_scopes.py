"""Team, unit and reporting-pair readings.

group_measures measures every team (or unit) at once on a block graph; the reference is
orgpower's own tested layer functions (reciprocity, centralization, hierarchy) applied
to the sub-layer of each group separately (reading_measures of induced_layer)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from orgpower.api import generate_org
from orgpower.graph.layers import OrgGraph, build_graph, layer_from_arcs
from orgpower.report.config import AuditConfig
from orgpower.report.scopes import (group_measures, induced_layer, pair_readings, reading_measures, scope_labels, scope_records,
                                     team_readings)

KEYS = ("nodes", "arcs", "reciprocity_edgewise", "reciprocity_dyadic", "reciprocity_rho", "weighted_reciprocity",
        "degree_centralization_in", "degree_centralization_out", "degree_centralization_total", "flow_hierarchy",
        "trophic_incoherence", "hhi_out_strength_normalised")


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


@pytest.fixture(scope="module")
def mixed_graph():
    return build_graph(generate_org(150, "mixed", seed=6))


def _team_members(graph):
    reporting = graph.layers["reporting"]
    coo = reporting.adjacency.tocoo()
    ids = reporting.node_ids.astype(str)
    arcs = pd.DataFrame({"group": ids[coo.row], "node": ids[coo.col]})
    heads = pd.DataFrame({"group": arcs["group"].unique(), "node": arcs["group"].unique()})
    return pd.concat([heads, arcs], ignore_index=True)


@pytest.mark.parametrize("layer_name", ["reporting", "flows", "decisions", "collaboration", "reporting_dotted"])
def test_block_measures_of_teams_equal_measures_of_each_team_sub_layer(mixed_graph, layer_name):
    layer = mixed_graph.layers[layer_name]
    members = _team_members(mixed_graph)
    block = group_measures(layer, members)
    for team, nodes in members.groupby("group"):
        reference = reading_measures(induced_layer(layer, nodes["node"].tolist()))
        got = block[team]
        if reference["arcs"] == 0:
            assert got["arcs"] == 0
            continue
        for key in KEYS:
            assert _close(got[key], reference[key]), (team, key, got[key], reference[key])


def test_block_measures_of_units_include_the_unit_node(mixed_graph):
    layer = mixed_graph.layers["flows"]
    people = mixed_graph.people[["person_id", "unit"]].dropna().astype(str)
    units = sorted(people["unit"].unique())
    members = pd.concat([people.rename(columns={"unit": "group", "person_id": "node"}),
                         pd.DataFrame({"group": units, "node": units})], ignore_index=True)
    block = group_measures(layer, members)
    for unit, nodes in members.groupby("group"):
        reference = reading_measures(induced_layer(layer, nodes["node"].tolist()))
        for key in KEYS:
            if reference["arcs"]:
                assert _close(block[unit][key], reference[key]), (unit, key)


def _graph(arcs_by_layer: dict[str, list[tuple[str, str]]], people: list[str]) -> OrgGraph:
    graph = OrgGraph(people=pd.DataFrame({"person_id": people}), units=pd.DataFrame())
    for name, arcs in arcs_by_layer.items():
        graph.layers[name] = layer_from_arcs(name, people, [s for s, _ in arcs], [t for _, t in arcs])
    return graph


def test_team_of_a_coordinator_tied_both_ways_reads_mutual_hub():
    # m manages a, b, c; budgets and decisions go both ways between m and each report
    both = [("m", x) for x in "abc"] + [(x, "m") for x in "abc"]
    graph = _graph({"reporting": [("m", x) for x in "abc"], "flows": both, "decisions": both}, ["m", "a", "b", "c"])
    (team,), count = team_readings(graph, AuditConfig())
    assert count == 1 and team["label"] == "mutual" and "hub partnership" in team["sublabels"]
    assert team["layers"]["reporting"]["label"] == "formal line"


def test_team_with_one_way_budgets_and_lone_decisions_reads_power_over():
    down = [("m", x) for x in "abc"]
    graph = _graph({"reporting": down, "flows": down, "decisions": down}, ["m", "a", "b", "c"])
    (team,), _ = team_readings(graph, AuditConfig())
    assert team["label"] == "power-over"


def test_reporting_pair_labels():
    # m -> a: budget returned (mutual); m -> b: budget one way; m -> c: nothing else
    graph = _graph({
        "reporting": [("m", "a"), ("m", "b"), ("m", "c")],
        "flows": [("m", "a"), ("a", "m"), ("m", "b")],
    }, ["m", "a", "b", "c"])
    pairs = pair_readings(graph).set_index("report_id")
    assert pairs.loc["a", "label"] == "mutual"
    assert (pairs.loc["b", "label"], pairs.loc["b", "sublabel"]) == ("power-over", "one-way")
    assert (pairs.loc["c", "label"], pairs.loc["c", "sublabel"]) == ("undetermined", "formal line only")
    assert pairs.loc["a", "flows_up"] == 1.0


def test_report_deciding_for_the_manager_only_is_mixed():
    graph = _graph({"reporting": [("m", "a")], "decisions": [("a", "m")]}, ["m", "a"])
    assert pair_readings(graph).loc[0, ["label", "sublabel"]].tolist() == ["mixed", "upward only"]


def test_teams_are_read_largest_first_up_to_the_limit():
    down = [("m", x) for x in "abc"] + [("a", "d")]
    graph = _graph({"reporting": down}, ["m", "a", "b", "c", "d"])
    teams, count = team_readings(graph, AuditConfig(max_team_readings=1))
    assert count == 2 and [t["id"] for t in teams] == ["m"]


def test_audit_json_keeps_units_and_teams_under_their_own_keys():
    from orgpower.api import audit, generate_org

    model = generate_org(400, "mixed", seed=3)
    document = audit(model).document
    units, teams = document["units"], document["teams"]
    assert {u["scope"] for u in units} == {"unit"} and {t["scope"] for t in teams} == {"team"}
    unit_ids = [u["id"] for u in units]
    assert len(unit_ids) == len(set(unit_ids)) == model.people["unit"].nunique()
    assert scope_labels(document, "unit") == {u["id"]: u["label"] for u in units}
    assert set(scope_labels(document, "team")) == {t["id"] for t in teams}


def test_scope_records_refuse_an_unknown_scope():
    with pytest.raises(ValueError, match="unknown scope"):
        scope_records({}, "division")


def test_units_whose_block_graph_is_solved_component_by_component_read_as_each_unit_alone(monkeypatch):
    # 7 units of 900 people with lateral ties inside and across them: the units' block graph
    # has a core of about 6,300 vertices with many cycles, which trophic levels solve with one
    # CG per unit; each unit's F0 must equal the unit's sub-layer solved on its own (directly)
    import numpy as np

    from orgpower.metrics import hierarchy as hi

    rng = np.random.default_rng(4)
    people = [f"p{k}" for k in range(6300)]
    unit = np.arange(6300) // 900
    src = rng.integers(0, 6300, 30_000)
    dst = np.where(rng.random(30_000) < 0.9, unit[src] * 900 + rng.integers(0, 900, 30_000), rng.integers(0, 6300, 30_000))
    arcs = sorted({(people[s], people[t]) for s, t in zip(src.tolist(), dst.tolist()) if s != t})
    layer = _graph({"collaboration": arcs}, people).layers["collaboration"]
    members = pd.DataFrame({"group": [f"u{u}" for u in unit.tolist()], "node": people})
    blocks = []
    real = hi._componentwise_cg

    def spy(adjacency, degree, rhs, starts, **kwargs):
        blocks.append(starts.size)
        return real(adjacency, degree, rhs, starts, **kwargs)

    monkeypatch.setattr(hi, "_componentwise_cg", spy)
    measured = group_measures(layer, members)
    assert blocks == [7]
    for group, nodes in members.groupby("group"):
        reference = reading_measures(induced_layer(layer, nodes["node"].tolist()))
        assert math.isclose(measured[group]["trophic_incoherence"], reference["trophic_incoherence"],
                            rel_tol=1e-12, abs_tol=0)
