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
    from orgpower.graph.layers import _decision_arc_ends, _layer, _node_set, _nodes_of, _text

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
    dictionary, named, sources, targets = _decision_arc_ends(decisions)
    node_ids, where = _nodes_of(people, _text(pd.Series(people, dtype="str")), dictionary, named)
    assert node_ids.tolist() == nodes.tolist()
    coded = _layer("decisions", node_ids, where[sources], where[targets], np.ones(len(sources)), None, len(people))
    assert (coded.adjacency != expected.adjacency).nnz == 0 and coded.m == expected.m > 0
    assert coded.weighted == expected.weighted


def _layers_by_name_and_id(model):
    """build_graph's specification: every layer by layer_from_arcs over _node_set (ids
    looked up arc end by arc end), as it was built before the ends were coded once."""
    from orgpower.graph.layers import _node_set

    people = model.people.reset_index(drop=True)
    person_ids = people["person_id"].astype(str).to_numpy(dtype=object)
    n = len(person_ids)
    layers = {}
    for line, name in (("solid", "reporting"), ("dotted", "reporting_dotted")):
        arcs = model.reporting[model.reporting["line"] == line]
        if line == "solid" or not arcs.empty:
            layers[name] = layer_from_arcs(name, person_ids, arcs["source"], arcs["target"], weighted=False,
                                           people_count=n)
    if not model.flows.empty:
        f = model.flows
        layers["flows"] = layer_from_arcs("flows", _node_set(person_ids, f["source"], f["target"]), f["source"],
                                          f["target"], f["amount"].astype(float), people_count=n)
    if not model.decisions.empty:
        arcs = decision_arcs(model.decisions)
        nodes = _node_set(person_ids, model.decisions["actor"], model.decisions["affects"])
        layers["decisions"] = layer_from_arcs("decisions", nodes, arcs["source"], arcs["target"], np.ones(len(arcs)),
                                              people_count=n)
    for relation, arcs in model.relations.groupby("relation", sort=True):
        if relation != "dotted":
            weights = arcs["weight"].astype(float).fillna(1.0) if "weight" in arcs else None
            layers[str(relation)] = layer_from_arcs(str(relation), _node_set(person_ids, arcs["source"], arcs["target"]),
                                                    arcs["source"], arcs["target"], weights, people_count=n)
    return layers


@pytest.mark.parametrize("shape", ["tree-like", "cross-linked", "collaboration-dense"])
def test_build_graph_equals_the_layers_built_id_by_id(shape):
    from orgpower.synthetic import generate_shape

    model = generate_shape(600, shape, seed=3)
    graph = build_graph(model)
    expected = _layers_by_name_and_id(model)
    assert sorted(graph.layers) == sorted(expected)
    for name, layer in expected.items():
        built = graph.layers[name]
        assert built.node_ids.tolist() == layer.node_ids.tolist(), name
        assert built.adjacency.shape == layer.adjacency.shape and (built.adjacency != layer.adjacency).nnz == 0, name
        assert (built.weighted, built.self_loops_dropped, built.people_count) == (
            layer.weighted, layer.self_loops_dropped, layer.people_count), name


@pytest.mark.parametrize("shape", ["tree-like", "collaboration-dense"])
def test_layers_built_in_threads_are_the_layers_built_one_by_one_in_the_same_order(shape):
    # a layer's position seeds its null model: the order must not depend on which thread ends first
    from orgpower.synthetic import generate_shape

    model = generate_shape(600, shape, seed=4)
    one_by_one, threaded = build_graph(model, threads=1), build_graph(model, threads=2)
    assert list(threaded.layers) == list(one_by_one.layers) == [
        name for name in ("reporting", "reporting_dotted", "flows", "decisions") if name in one_by_one.layers
    ] + sorted(set(model.relations["relation"]) - {"dotted"})
    for name, layer in one_by_one.layers.items():
        built = threaded.layers[name]
        assert built.node_ids.tolist() == layer.node_ids.tolist(), name
        assert (built.adjacency != layer.adjacency).nnz == 0 and built.weighted == layer.weighted, name


def test_layer_of_ends_equals_layer_from_arcs_with_units_loops_and_parallel_arcs():
    from orgpower.graph.layers import _layer_of_ends, _node_set, _text

    rng = np.random.default_rng(7)
    people = np.array([f"p{i}" for i in range(40)], dtype=object)
    ids = np.array([*people, "ZETA", "Alpha", "unit é", "ünit", "10", "9"], dtype=object)
    sources = pd.Series(rng.choice(ids, 500), dtype="str")
    targets = pd.Series(rng.choice(ids, 500), dtype="str")
    weights = pd.Series(rng.integers(0, 4, 500).astype(float))
    expected = layer_from_arcs("x", _node_set(people, sources, targets), sources, targets, weights,
                               people_count=len(people))
    built = _layer_of_ends("x", people, _text(pd.Series(people, dtype="str")), sources, targets, weights)
    assert built.node_ids.tolist() == expected.node_ids.tolist()
    assert (built.adjacency != expected.adjacency).nnz == 0
    assert (built.weighted, built.self_loops_dropped, built.people_count) == (
        expected.weighted, expected.self_loops_dropped, expected.people_count)


def test_a_blank_arc_end_is_still_refused_with_a_key_error():
    from orgpower.graph.layers import _layer_of_ends, _text

    people = np.array(["a", "b"], dtype=object)
    with pytest.raises(KeyError):
        _layer_of_ends("x", people, _text(pd.Series(people, dtype="str")), pd.Series(["a", None], dtype="str"),
                       pd.Series(["b", "a"], dtype="str"), None)
