"""Formal structure on the solid reporting line (docs/measures.md, formal structure).

Provenance: the Krackhardt reports-to values were computed by hand and checked against
networkx ``betweenness_centrality(normalized=False)``; random
trees and forests are compared with networkx 3.6 (an independent O(nm) Brandes
implementation) at 1e-9; depths and subtree sizes with networkx shortest paths and
descendants.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from golden.graphs import krackhardt
from orgpower.metrics.tree import (
    normalise_betweenness,
    reporting_tree,
    spans_and_layers,
    tree_betweenness,
    tree_betweenness_directed,
)

CEO, VP2, VP14, VP18, VP21 = 6, 1, 13, 17, 20  # positions of managers 7, 2, 14, 18, 21


@pytest.fixture(scope="module")
def reports_to(public_datasets):
    return krackhardt(public_datasets, "ReportsTo", boss_to_sub=True)


def _random_forest(n: int, trees: int, seed: int) -> nx.DiGraph:
    """Manager -> report forest: each non-top person picks an earlier person as manager."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    forest = nx.DiGraph()
    forest.add_nodes_from(range(n))
    for k in range(trees, n):
        forest.add_edge(int(order[rng.integers(0, k)]), int(order[k]))
    return forest


def _adjacency(graph: nx.DiGraph) -> sp.csr_array:
    return sp.csr_array(nx.to_scipy_sparse_array(graph, nodelist=range(graph.number_of_nodes())))


def test_krackhardt_spans_match_reference(reports_to):
    tree = reporting_tree(reports_to.adjacency)
    spans = tree.span_of_control[[CEO, VP2, VP14, VP18, VP21]].tolist()
    assert spans == [4, 3, 7, 2, 4]
    assert tree.span_of_control.sum() == 20


def test_krackhardt_spans_and_layers_summary_matches_reference(reports_to):
    summary = spans_and_layers(reporting_tree(reports_to.adjacency))
    assert summary["managers"] == 5
    assert summary["mean_span"] == pytest.approx(4.0, abs=1e-12)
    assert summary["layers"] == 3
    assert summary["span_gini"] == pytest.approx(0.22, abs=1e-12)
    assert summary["span_hhi"] == pytest.approx(0.235, abs=1e-12)
    assert summary["span_hhi_normalised"] == pytest.approx(0.04375, abs=1e-12)  # (0.235 - 1/5)/(1 - 1/5)


def test_krackhardt_layers_and_reach(reports_to):
    tree = reporting_tree(reports_to.adjacency)
    assert tree.reporting_layer[CEO] == 1
    assert set(tree.reporting_layer[[VP2, VP14, VP18, VP21]]) == {2}
    assert (tree.reporting_layer == 3).sum() == 16
    assert tree.reach[CEO] == 20 and tree.reach[VP14] == 7


def test_krackhardt_undirected_tree_betweenness_matches_reference(reports_to):
    betweenness = tree_betweenness(reporting_tree(reports_to.adjacency))
    assert betweenness[[CEO, VP2, VP14, VP18, VP21]].tolist() == [143, 54, 112, 37, 70]
    assert betweenness.sum() == 143 + 54 + 112 + 37 + 70  # leaves 0


def test_krackhardt_directed_tree_betweenness_matches_reference(reports_to):
    betweenness = tree_betweenness_directed(reporting_tree(reports_to.adjacency))
    assert betweenness[[CEO, VP2, VP14, VP18, VP21]].tolist() == [0, 3, 7, 2, 4]


@pytest.mark.parametrize("seed", range(6))
def test_undirected_tree_betweenness_equals_networkx_on_random_trees(seed):
    forest = _random_forest(300, 1, seed)
    ours = tree_betweenness(reporting_tree(_adjacency(forest)))
    reference = nx.betweenness_centrality(forest.to_undirected(), normalized=False)
    np.testing.assert_allclose(ours, [reference[v] for v in range(300)], rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_directed_tree_betweenness_equals_networkx_on_random_trees(seed):
    forest = _random_forest(300, 1, seed)
    ours = tree_betweenness_directed(reporting_tree(_adjacency(forest)))
    reference = nx.betweenness_centrality(forest, normalized=False)
    np.testing.assert_allclose(ours, [reference[v] for v in range(300)], rtol=0, atol=1e-9)


def test_forest_betweenness_counts_pairs_within_each_tree_only():
    forest = _random_forest(200, 7, seed=11)
    tree = reporting_tree(_adjacency(forest))
    undirected = nx.betweenness_centrality(forest.to_undirected(), normalized=False)
    directed = nx.betweenness_centrality(forest, normalized=False)
    np.testing.assert_allclose(tree_betweenness(tree), [undirected[v] for v in range(200)], atol=1e-9)
    np.testing.assert_allclose(tree_betweenness_directed(tree), [directed[v] for v in range(200)], atol=1e-9)
    assert (tree.manager < 0).sum() == 7


def test_depth_and_reach_match_networkx_on_a_forest():
    forest = _random_forest(250, 3, seed=5)
    tree = reporting_tree(_adjacency(forest))
    tops = [v for v in forest if forest.in_degree(v) == 0]
    depth = {}
    for top in tops:
        depth.update(nx.single_source_shortest_path_length(forest, top))
    assert tree.depth.tolist() == [depth[v] for v in range(250)]
    assert tree.reach.tolist() == [len(nx.descendants(forest, v)) for v in range(250)]
    assert tree.span_of_control.tolist() == [forest.out_degree(v) for v in range(250)]


def test_normalised_betweenness_equals_networkx_normalized():
    forest = _random_forest(120, 1, seed=3)
    tree = reporting_tree(_adjacency(forest))
    undirected = nx.betweenness_centrality(forest.to_undirected(), normalized=True)
    directed = nx.betweenness_centrality(forest, normalized=True)
    np.testing.assert_allclose(
        normalise_betweenness(tree_betweenness(tree), 120, directed=False), [undirected[v] for v in range(120)], atol=1e-12
    )
    np.testing.assert_allclose(
        normalise_betweenness(tree_betweenness_directed(tree), 120, directed=True), [directed[v] for v in range(120)], atol=1e-12
    )


def test_a_deep_chain_gets_every_depth_right():
    # pointer jumping must converge on a long chain (height 4,999)
    n = 5000
    chain = sp.csr_array((np.ones(n - 1), (np.arange(n - 1), np.arange(1, n))), shape=(n, n))
    tree = reporting_tree(chain)
    assert tree.depth.tolist() == list(range(n))
    assert tree.reach.tolist() == list(range(n - 1, -1, -1))


def test_people_on_a_reporting_cycle_have_no_layer_and_no_betweenness():
    # 0 -> 1 -> 2 is a tree; 3 -> 4 -> 5 -> 3 is a cycle validation failed to break
    arcs = [(0, 1), (1, 2), (3, 4), (4, 5), (5, 3)]
    a = sp.csr_array((np.ones(5), ([s for s, _ in arcs], [t for _, t in arcs])), shape=(6, 6))
    tree = reporting_tree(a)
    assert tree.depth.tolist() == [0, 1, 2, -1, -1, -1]
    assert np.isnan(tree_betweenness(tree)[3:]).all()
    summary = spans_and_layers(tree)
    assert summary["people_in_cycles"] == 3 and summary["layers"] == 3


def test_several_solid_managers_are_counted_not_hidden():
    a = sp.csr_array((np.ones(3), ([0, 1, 0], [2, 2, 1])), shape=(3, 3))
    tree = reporting_tree(a)
    assert tree.several_managers == 1
    assert tree.manager[2] == 0


def test_narrow_span_share_counts_managers_with_two_or_fewer_reports():
    # spans: 0 -> 3 reports, 1 -> 2 reports, 2 -> 1 report
    arcs = [(0, 1), (0, 2), (0, 3), (1, 4), (1, 5), (2, 6)]
    a = sp.csr_array((np.ones(6), ([s for s, _ in arcs], [t for _, t in arcs])), shape=(7, 7))
    summary = spans_and_layers(reporting_tree(a))
    assert summary["narrow_span_share"] == pytest.approx(2 / 3)
    assert summary["mean_span"] == pytest.approx(6 / 3)  # (n - 1) / |M|
    assert summary["span_distribution"] == {"1": 1, "2": 1, "3": 1}
    assert summary["spans_by_layer"]["2"] == {"managers": 2, "mean_span": 1.5, "max_span": 2}


def test_an_org_without_reporting_lines_has_everyone_on_top():
    tree = reporting_tree(sp.csr_array((4, 4)))
    assert tree.depth.tolist() == [0, 0, 0, 0]
    summary = spans_and_layers(tree)
    assert summary["managers"] == 0 and summary["mean_span"] is None and summary["layers"] == 1
