"""layer_measures: the audit.json layer contract of docs/measures.md (keys, JSON safety,
reasons for every null) and the estimators used above exact_limit (value within the stated error bound of
the exact value)."""

from __future__ import annotations

import itertools
import json

import networkx as nx
import numpy as np
import pytest

from golden.graphs import layer_from_pairs
from orgpower.graph.layers import layer_from_arcs
from orgpower.metrics import centralization as cz
from orgpower.metrics import hierarchy as hi
from orgpower.metrics import krackhardt as kr
from orgpower.metrics.layer import REQUIRED_KEYS, layer_measures


def _json_roundtrip(measures: dict) -> dict:
    return json.loads(json.dumps(measures, allow_nan=False))


def random_layer(seed: int, n: int, p: float, weighted: bool = False):
    g = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 9, size=g.number_of_edges()).astype(float) if weighted else None
    return layer_from_arcs("g", [str(v) for v in g], [str(u) for u, _ in g.edges], [str(v) for _, v in g.edges],
                           weights)


def test_every_interface_key_is_present_on_a_real_layer():
    m = layer_measures(random_layer(1, 40, 0.08))
    assert set(REQUIRED_KEYS) <= set(m)
    assert {"undefined", "estimated"} <= set(m)


def test_measures_are_json_safe_without_nan():
    m = layer_measures(layer_from_pairs([(0, 1), (1, 0)], 2))
    assert _json_roundtrip(m) == m


@pytest.mark.parametrize("n", [0, 1])
def test_empty_and_single_node_layers_give_null_with_a_reason_for_each(n):
    m = layer_measures(layer_from_pairs([], n))
    nulls = {k for k, v in m.items() if v is None}
    assert nulls and nulls == set(m["undefined"])
    assert all(isinstance(reason, str) and reason for reason in m["undefined"].values())
    assert m["nodes"] == n and m["arcs"] == 0
    assert _json_roundtrip(m) == m


def test_rho_of_a_complete_mutual_layer_is_undefined_because_density_is_one():
    m = layer_measures(layer_from_pairs(list(itertools.permutations(range(4), 2))))
    assert m["reciprocity_rho"] is None
    assert "density" in m["undefined"]["reciprocity_rho"]


def test_lub_is_undefined_without_a_component_of_three():
    m = layer_measures(layer_from_pairs([(0, 1), (2, 3)], 4))
    assert m["krackhardt_lub"] is None
    assert "three" in m["undefined"]["krackhardt_lub"]


def test_edgewise_lrr_without_mutual_dyads_is_null_not_minus_infinity():
    m = layer_measures(layer_from_pairs([(0, 1), (1, 2)], 3))
    assert m["reciprocity_edgewise_lrr"] is None
    assert "mutual" in m["undefined"]["reciprocity_edgewise_lrr"]


def test_weighted_layer_adds_weighted_variants():
    layer = random_layer(3, 30, 0.1, weighted=True)
    m = layer_measures(layer)
    assert m["flow_hierarchy_weighted"] == pytest.approx(hi.flow_hierarchy(layer, weighted=True))
    assert m["trophic_incoherence_weighted"] == pytest.approx(hi.trophic_incoherence(layer, weighted=True))
    assert m["reciprocity_dci"] == pytest.approx(1 - m["weighted_reciprocity"], abs=1e-12)


def test_unweighted_layer_has_no_weighted_variants():
    m = layer_measures(random_layer(3, 30, 0.1))
    assert "flow_hierarchy_weighted" not in m


def test_small_layers_are_exact_and_say_nothing_is_estimated():
    assert layer_measures(random_layer(4, 60, 0.05))["estimated"] == {}


def test_above_exact_limit_a_cyclic_layer_is_estimated_within_its_error_bound():
    # sparse: many strong components, so the condensation is above the limit too
    layer = random_layer(5, 300, 0.006)
    exact = layer_measures(layer)
    approx = layer_measures(layer, exact_limit=50, samples=150, seed=2, path_budget=0)
    keys = {"global_reaching_centrality", "krackhardt_hierarchy", "betweenness_centralization", "krackhardt_lub"}
    assert set(approx["estimated"]) == keys
    for key in keys:
        info = approx["estimated"][key]
        assert info["confidence"] == 0.95 and info["method"]
        assert abs(approx[key] - exact[key]) <= info["error_bound"], key


def test_forest_layers_stay_exact_above_exact_limit():
    tree = nx.bfs_tree(nx.random_labeled_tree(400, seed=2), 0)
    layer = layer_from_arcs("t", [str(v) for v in tree], [str(u) for u, _ in tree.edges],
                            [str(v) for _, v in tree.edges])
    m = layer_measures(layer, exact_limit=10)
    assert m["estimated"] == {}
    assert m["global_reaching_centrality"] == pytest.approx(nx.global_reaching_centrality(tree), abs=1e-9)
    assert m["krackhardt_hierarchy"] == 1.0 and m["krackhardt_lub"] == 1.0
    assert m["betweenness_centralization"] == pytest.approx(cz.betweenness_centralization(layer), abs=1e-12)


def test_layer_measures_agree_with_the_single_measure_functions():
    layer = random_layer(6, 50, 0.06)
    m = layer_measures(layer)
    assert m["krackhardt_lub"] == pytest.approx(kr.krackhardt_lub(layer))
    assert m["agony_hierarchy"] == pytest.approx(hi.agony_hierarchy(layer))
    assert m["density"] == pytest.approx(layer.m / (50 * 49))
    assert m["mutual_dyads"] * 2 + m["asymmetric_dyads"] == m["arcs"]


def test_negative_weights_give_reasons_not_a_crash():
    layer = layer_from_pairs([(0, 1), (1, 2), (2, 0)], 3, weights=[5.0, -2.0, 1.0])
    m = layer_measures(layer)
    assert m["weighted_reciprocity"] is None and m["gini_out_strength"] is None
    assert "negative" in m["undefined"]["gini_out_strength"]
    assert m["reciprocity_edgewise"] == 0.0  # the 0/1 measures still stand
