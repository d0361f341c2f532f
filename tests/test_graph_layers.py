"""The in-process graph store: layers are built in one orientation
(superior -> subordinate, self-loops dropped and counted, parallel records summed)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from orgpower.graph.layers import build_graph, decision_arcs, layer_from_arcs
from orgpower.model import OrgModel


def _people(*ids: str) -> pd.DataFrame:
    return pd.DataFrame({"person_id": list(ids), "manager_id": [pd.NA] * len(ids)}, dtype="string")


def test_parallel_arcs_are_summed_into_one_weight():
    layer = layer_from_arcs("flows", ["a", "b"], ["a", "a"], ["b", "b"], [2.0, 3.0])
    assert layer.m == 1
    assert layer.adjacency[0, 1] == 5.0


def test_self_loops_are_dropped_and_counted():
    layer = layer_from_arcs("flows", ["a", "b"], ["a", "a"], ["a", "b"], [7.0, 1.0])
    assert layer.m == 1
    assert layer.self_loops_dropped == 1
    assert layer.adjacency[0, 0] == 0


def test_an_arc_end_outside_the_node_set_is_an_error_not_a_silent_drop():
    with pytest.raises(KeyError):
        layer_from_arcs("x", ["a", "b"], ["a"], ["zzz"])


def test_ids_stay_strings_so_007_and_7_are_two_nodes():
    layer = layer_from_arcs("x", ["007", "7"], ["007"], ["7"])
    assert layer.n == 2 and layer.m == 1


def test_binary_adjacency_matches_networkx_digraph_of_the_same_arcs():
    # reference: networkx.DiGraph collapses parallel arcs the same way
    rng = np.random.default_rng(1)
    ids = [str(i) for i in range(30)]
    src = rng.integers(0, 30, 200).astype(str)
    dst = rng.integers(0, 30, 200).astype(str)
    layer = layer_from_arcs("x", ids, src, dst)
    reference = nx.DiGraph()
    reference.add_nodes_from(ids)
    reference.add_edges_from((s, t) for s, t in zip(src, dst) if s != t)
    expected = nx.to_scipy_sparse_array(reference, nodelist=ids, weight=None)
    assert (layer.binary() != expected).nnz == 0


def test_reporting_layer_is_built_from_solid_lines_over_all_people():
    model = OrgModel(
        people=_people("ceo", "vp", "ic"),
        reporting=pd.DataFrame({"source": ["ceo", "vp"], "target": ["vp", "ic"], "line": ["solid", "solid"]}),
    )
    graph = build_graph(model)
    assert set(graph.layers) == {"reporting"}
    assert graph.layers["reporting"].n == 3 and graph.layers["reporting"].m == 2
    assert model.roots == ["ceo"]


def test_units_named_by_flows_become_nodes_after_the_people():
    model = OrgModel(
        people=_people("p1", "p2"),
        flows=pd.DataFrame({"source": ["Finance"], "target": ["p1"], "amount": [100.0]}),
    )
    layer = build_graph(model).layers["flows"]
    assert list(layer.node_ids) == ["p1", "p2", "Finance"]
    assert layer.people_count == 2


def test_a_decider_points_at_everyone_the_decision_binds():
    decisions = pd.DataFrame(
        {"decision": ["budget"] * 3, "actor": ["boss", "a", "b"], "role": ["accountable", "responsible", "informed"],
         "affects": ["a", pd.NA, pd.NA]}
    )
    arcs = decision_arcs(decisions)
    assert set(zip(arcs["source"], arcs["target"])) == {("boss", "a")}


def test_without_affects_the_decision_binds_every_actor_it_names():
    decisions = pd.DataFrame(
        {"decision": ["hire"] * 3, "actor": ["boss", "a", "b"], "role": ["accountable", "responsible", "informed"],
         "affects": [pd.NA] * 3}
    )
    arcs = decision_arcs(decisions)
    assert set(zip(arcs["source"], arcs["target"])) == {("boss", "a"), ("boss", "b")}


def test_consultation_adds_no_tie_because_a_voice_does_not_return_the_say():
    decisions = pd.DataFrame(
        {"decision": ["plan", "plan"], "actor": ["lead", "peer"], "role": ["accountable", "consulted"],
         "affects": ["team", "team"]}
    )
    arcs = decision_arcs(decisions)
    assert set(zip(arcs["source"], arcs["target"])) == {("lead", "team")}


def test_a_bound_person_who_also_holds_the_say_returns_the_tie():
    # both agree to a decision that binds both: the say runs both ways
    decisions = pd.DataFrame(
        {"decision": ["rota"] * 4, "actor": ["a", "a", "b", "b"], "role": ["agree"] * 4,
         "affects": ["a", "b", "a", "b"]}
    )
    arcs = decision_arcs(decisions)
    assert set(zip(arcs["source"], arcs["target"])) == {("a", "b"), ("b", "a")}


def test_decision_weight_counts_decisions_not_rows():
    decisions = pd.DataFrame(
        {"decision": ["d1", "d1", "d2"], "actor": ["boss"] * 3, "role": ["accountable"] * 3,
         "affects": ["a", "a", "a"]}
    )
    model = OrgModel(people=_people("boss", "a"), decisions=decisions)
    layer = build_graph(model).layers["decisions"]
    assert layer.adjacency[0, 1] == 2.0


@pytest.mark.parametrize("seed", range(5))
def test_the_coded_decision_projection_equals_decision_arcs(seed):
    # build_graph projects decisions on integer codes; decision_arcs is its specification
    from orgpower.graph.layers import _decision_arc_ends, _node_set

    rng = np.random.default_rng(seed)
    rows = 200
    decisions = pd.DataFrame({
        "decision": rng.choice([f"d{i}" for i in range(30)], rows),
        "actor": rng.choice([f"p{i}" for i in range(25)] + ["UNIT"], rows),
        "role": rng.choice(["accountable", "approve", "veto", "agree", "consulted", "informed", "responsible", None], rows),
        "affects": rng.choice(np.array([f"p{i}" for i in range(25)] + ["UNIT", None, None, None], dtype=object), rows),
    }).astype("str")
    decisions.loc[decisions["decision"].isin(["d1", "d2", "d3"]), "affects"] = np.nan  # no one named: every actor bound
    people = np.array([f"p{i}" for i in range(25)], dtype=object)
    nodes = _node_set(people, decisions["actor"], decisions["affects"])
    arcs = decision_arcs(decisions)
    expected = layer_from_arcs("decisions", nodes, arcs["source"], arcs["target"], arcs["weight"])
    sources, targets = _decision_arc_ends(decisions)
    coded = layer_from_arcs("decisions", nodes, sources, targets, np.ones(len(sources)))
    assert (coded.adjacency != expected.adjacency).nnz == 0 and coded.m == expected.m > 0
    assert coded.weighted == expected.weighted
