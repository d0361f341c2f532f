"""Layer measures against independent implementations: networkx on random digraphs (1e-9),
the networkx test-suite and docstring cases [P], the trophic toolbox demo values [P],
and brute force by definition for agony and least-upper-boundedness.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from golden.graphs import layer_from_pairs
from orgpower.graph.layers import layer_from_arcs
from orgpower.metrics import hierarchy as hi
from orgpower.metrics import krackhardt as kr
from orgpower.metrics import reciprocity as rc

SEEDS = range(8)


def random_digraph(seed: int, n: int = 25, p: float = 0.08, weighted: bool = False) -> nx.DiGraph:
    g = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    rng = np.random.default_rng(seed)
    for u, v in g.edges:
        g.edges[u, v]["weight"] = float(rng.integers(1, 9)) if weighted else 1.0
    return g


def random_dag(seed: int, n: int = 12, p: float = 0.25) -> nx.DiGraph:
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for i, j in itertools.combinations(range(n), 2):
        if rng.random() < p:
            g.add_edge(int(order[i]), int(order[j]))
    return g


def as_layer(g: nx.DiGraph, weight: str | None = None):
    nodes = list(g.nodes)
    src = [str(u) for u, _ in g.edges]
    dst = [str(v) for _, v in g.edges]
    weights = [g.edges[e][weight] for e in g.edges] if weight else None
    return layer_from_arcs("g", [str(v) for v in nodes], src, dst, weights)


# --- networkx cross-checks on random digraphs ----------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_edgewise_reciprocity_equals_networkx_on_random_digraphs(seed):
    g = random_digraph(seed, p=0.15)
    assert rc.reciprocity_edgewise(as_layer(g)) == pytest.approx(nx.overall_reciprocity(g), abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_flow_hierarchy_equals_networkx_on_random_digraphs(seed):
    g = random_digraph(seed, weighted=True)
    layer = as_layer(g, "weight")
    assert hi.flow_hierarchy(layer) == pytest.approx(nx.flow_hierarchy(g), abs=1e-9)
    assert hi.flow_hierarchy(layer, weighted=True) == pytest.approx(nx.flow_hierarchy(g, weight="weight"), abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_global_reaching_centrality_equals_networkx_on_random_digraphs(seed):
    g = random_digraph(seed, n=30, p=0.05 + 0.01 * seed)
    assert hi.global_reaching_centrality(as_layer(g)) == pytest.approx(nx.global_reaching_centrality(g), abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_global_reaching_centrality_equals_networkx_on_random_trees_both_ways(seed):
    # out-forests use the O(n) reach count; reversed, in-forests use the chain count
    tree = nx.random_labeled_tree(40, seed=seed) if hasattr(nx, "random_labeled_tree") else nx.random_tree(40, seed=seed)
    out_tree = nx.bfs_tree(tree, 0)
    for g in (out_tree, out_tree.reverse()):
        assert hi.global_reaching_centrality(as_layer(g)) == pytest.approx(nx.global_reaching_centrality(g), abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_krackhardt_hierarchy_equals_reciprocity_of_networkx_transitive_closure(seed):
    g = random_digraph(seed, n=20, p=0.07)
    closure = nx.transitive_closure(g, reflexive=None)  # no self-loops
    mutual = sum(1 for u, v in closure.edges if closure.has_edge(v, u)) / 2
    asym = closure.number_of_edges() - 2 * mutual
    expected = None if mutual + asym == 0 else asym / (mutual + asym)
    assert kr.krackhardt_hierarchy(as_layer(g)) == pytest.approx(expected, abs=1e-9)


# --- published cases ---------------------------------------------------------------------

def test_flow_hierarchy_networkx_test_suite_cases():
    # networkx/algorithms/tests/test_hierarchy.py [P]
    assert hi.flow_hierarchy(as_layer(nx.cycle_graph(5, create_using=nx.DiGraph))) == 0.0
    assert hi.flow_hierarchy(as_layer(nx.full_rary_tree(2, 16, create_using=nx.DiGraph))) == 1.0
    g = nx.DiGraph([(0, 1), (1, 2), (2, 3), (3, 1), (3, 4), (0, 4)])
    assert hi.flow_hierarchy(as_layer(g)) == pytest.approx(0.5)
    w = nx.DiGraph()
    w.add_weighted_edges_from([(0, 1, 0.3), (1, 2, 0.1), (2, 3, 0.1), (3, 1, 0.1), (3, 4, 0.3), (0, 4, 0.3)])
    assert hi.flow_hierarchy(as_layer(w, "weight"), weighted=True) == pytest.approx(0.75)


def test_global_reaching_centrality_networkx_docstring_cases():
    # networkx global_reaching_centrality docstring and tests/test_reaching.py [P]
    g = nx.DiGraph([(1, 2), (1, 3)])
    assert hi.global_reaching_centrality(as_layer(g)) == pytest.approx(1.0)
    g.add_edge(3, 2)
    assert hi.global_reaching_centrality(as_layer(g)) == pytest.approx(0.75)
    assert hi.global_reaching_centrality(as_layer(nx.cycle_graph(6, create_using=nx.DiGraph))) == 0.0


def test_trophic_toolbox_demo_values():
    # BazilSansom/Trophic-Analysis-Toolbox demo notebook [P]: triangle 1/9 (levels 0, 2/3,
    # 4/3); star through a hub {1,3,4}->2->{5,6,7}: 0
    triangle = layer_from_pairs([(0, 1), (1, 2), (0, 2)])
    assert hi.trophic_incoherence(triangle) == pytest.approx(1 / 9, abs=1e-12)
    assert hi.trophic_levels(triangle) == pytest.approx([0, 2 / 3, 4 / 3], abs=1e-12)
    hub = layer_from_pairs([(0, 1), (2, 1), (3, 1), (1, 4), (1, 5), (1, 6)])
    assert hi.trophic_incoherence(hub) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_trophic_levels_solve_the_laplacian_system_with_min_zero_per_component(seed):
    # independent dense least-squares solve of Λh = v, then shifted per weak component
    g = random_digraph(seed, n=20, p=0.08, weighted=True)
    layer = as_layer(g, "weight")
    w = layer.adjacency.toarray()
    u = w.sum(0) + w.sum(1)
    v = w.sum(0) - w.sum(1)
    lap = np.diag(u) - w - w.T
    h = np.linalg.lstsq(lap, v, rcond=None)[0]
    for comp in nx.weakly_connected_components(g):
        idx = [list(g.nodes).index(c) for c in comp]
        h[idx] -= h[idx].min()
    assert hi.trophic_levels(layer) == pytest.approx(h, abs=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
def test_trophic_incoherence_is_invariant_under_reversal(seed):
    g = random_digraph(seed, p=0.1, weighted=True)
    a = as_layer(g, "weight").adjacency
    assert hi.trophic_incoherence(a) == pytest.approx(hi.trophic_incoherence(sp.csr_array(a.T)), abs=1e-9)


# --- agony: brute force over all rankings ------------------------------------------------

def brute_force_agony(n: int, pairs: list[tuple[int, int]]) -> int:
    src = np.array([p[0] for p in pairs])
    dst = np.array([p[1] for p in pairs])
    ranks = np.array(list(itertools.product(range(n), repeat=n)))  # ranks 0..n-1 suffice
    cost = np.maximum(0, ranks[:, src] - ranks[:, dst] + 1).sum(axis=1)
    return int(cost.min())


def test_agony_small_cases_worked_by_brute_force():
    # brute force over all rankings: 3-cycle 3, mutual dyad 2,
    # complete mutual digraph on 4 vertices 12, any DAG 0
    assert hi.agony(layer_from_pairs([(0, 1), (1, 2), (2, 0)])) == 3
    assert hi.agony(layer_from_pairs([(0, 1), (1, 0)])) == 2
    assert hi.agony(layer_from_pairs(list(itertools.permutations(range(4), 2)))) == 12
    assert hi.agony(layer_from_pairs([(0, 1), (0, 2), (1, 2)])) == 0


@pytest.mark.parametrize("seed", range(12))
def test_agony_equals_brute_force_on_random_small_digraphs(seed):
    rng = np.random.default_rng(seed)
    n = 5
    pairs = [(i, j) for i, j in itertools.permutations(range(n), 2) if rng.random() < 0.35]
    if not pairs:
        pairs = [(0, 1)]
    assert hi.agony(layer_from_pairs(pairs, n)) == brute_force_agony(n, pairs)


# --- least upper bounds: brute force by the published definition ----------------------

def brute_force_lub(g: nx.DiGraph) -> float | None:
    """Krackhardt (1994): pairs in a weak component lacking a least upper bound."""
    up = {v: nx.ancestors(g, v) | {v} for v in g}
    violations = denominator = 0
    for comp in nx.weakly_connected_components(g):
        if len(comp) < 3:
            continue
        denominator += (len(comp) - 1) * (len(comp) - 2) / 2
        for x, y in itertools.combinations(sorted(comp), 2):
            bounds = up[x] & up[y]
            if not any(all(k in up[l] for k in bounds) for l in bounds):
                violations += 1
    return None if denominator == 0 else 1 - violations / denominator


@pytest.mark.parametrize("seed", range(10))
def test_lub_equals_brute_force_on_random_dags(seed):
    g = random_dag(seed, n=12, p=0.15 + 0.02 * seed)
    assert kr.krackhardt_lub(as_layer(g)) == pytest.approx(brute_force_lub(g), abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_lub_equals_brute_force_on_random_digraphs_with_cycles(seed):
    g = random_digraph(seed, n=14, p=0.09)
    assert kr.krackhardt_lub(as_layer(g)) == pytest.approx(brute_force_lub(g), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_lub_equals_brute_force_on_in_trees(seed):
    tree = nx.bfs_tree(nx.random_labeled_tree(15, seed=seed), 0).reverse()
    assert kr.krackhardt_lub(as_layer(tree)) == pytest.approx(brute_force_lub(tree), abs=1e-12)


def test_diamond_lub_is_five_sixths_by_definition_but_one_in_sna():
    # Krackhardt 1994's definition: the pair {i, j} has two lowest common superiors a and b
    diamond = layer_from_pairs([(0, 1), (0, 2), (1, 3), (1, 4), (2, 3), (2, 4)])
    assert kr.krackhardt_lub(diamond) == pytest.approx(5 / 6, abs=1e-12)
    assert kr.krackhardt_lub_sna(diamond) == pytest.approx(1.0, abs=1e-12)


def test_two_roots_lub_is_one_third_in_both_versions():
    two_roots = layer_from_pairs([(0, 2), (0, 3), (1, 2), (1, 3)])
    assert kr.krackhardt_lub(two_roots) == pytest.approx(1 / 3, abs=1e-12)
    assert kr.krackhardt_lub_sna(two_roots) == pytest.approx(1 / 3, abs=1e-12)


# --- orientation: what reversing every arc keeps and what it changes --

INVARIANT_UNDER_REVERSAL = [
    "mutual_dyads", "asymmetric_dyads", "null_dyads", "reciprocity_edgewise", "reciprocity_dyadic",
    "reciprocity_rho", "weighted_reciprocity", "reciprocity_dci", "krackhardt_connectedness",
    "krackhardt_hierarchy", "krackhardt_efficiency", "flow_hierarchy", "trophic_incoherence",
    "agony", "betweenness_centralization",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(5))
def test_measures_blind_to_orientation_are_invariant_under_reversal(seed):
    from orgpower.metrics.layer import layer_measures

    g = random_digraph(seed, n=30, p=0.07, weighted=True)
    forward = as_layer(g, "weight")
    backward = as_layer(g.reverse(), "weight")
    m_forward, m_backward = layer_measures(forward), layer_measures(backward)
    for key in INVARIANT_UNDER_REVERSAL:
        assert m_backward[key] == pytest.approx(m_forward[key], abs=1e-9), key
    assert m_backward["degree_centralization_in"] == pytest.approx(m_forward["degree_centralization_out"], abs=1e-12)


def test_lub_and_grc_change_under_reversal_of_the_reports_to_tree():
    # R sna and networkx: LUBness 1.000 vs 0.063 (sna) / 0.084 (definition); GRC 0.960 vs 0.015
    tree = nx.bfs_tree(nx.balanced_tree(3, 2), 0)
    down, up = as_layer(tree), as_layer(tree.reverse())
    assert kr.krackhardt_lub(down) == 1.0 and kr.krackhardt_lub(up) < 1.0
    assert hi.global_reaching_centrality(down) > hi.global_reaching_centrality(up)
