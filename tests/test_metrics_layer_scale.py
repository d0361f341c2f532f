"""The machinery behind exact-at-scale and estimated values: reach counts on the
condensation DAG, the two trophic solvers, the agony LP dual, the sampled estimators.
References: networkx descendants, brute force, and the exact functions themselves."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from golden.graphs import layer_from_pairs
from orgpower.metrics import centralization as cz
from orgpower.metrics import hierarchy as hi
from orgpower.metrics import krackhardt as kr
from orgpower.metrics.digraph import condensation, reach_counts
from orgpower.metrics.layer import layer_measures


def _adjacency(g: nx.DiGraph) -> sp.csr_array:
    return sp.csr_array(nx.to_scipy_sparse_array(g, nodelist=sorted(g), weight=None, dtype=float))


@pytest.mark.parametrize("seed", range(6))
def test_reach_counts_equal_networkx_descendants_on_cyclic_digraphs(seed):
    g = nx.gnp_random_graph(80, 0.02 + 0.005 * seed, seed=seed, directed=True)
    expected = [len(nx.descendants(g, v)) for v in sorted(g)]
    assert reach_counts(_adjacency(g)).tolist() == expected


@pytest.mark.parametrize("seed", range(4))
def test_reach_counts_equal_networkx_descendants_on_trees_with_cycles_inside_teams(seed):
    # an out-tree whose teams are strongly connected: the condensation is an out-forest
    tree = nx.bfs_tree(nx.random_labeled_tree(60, seed=seed), 0)
    g = nx.DiGraph(tree)
    for v in list(tree):
        children = list(tree.successors(v))
        for u, w in zip(children, children[1:] + children[:1]):
            if u != w:
                g.add_edge(u, w)
    cond = condensation(_adjacency(g))
    assert cond.is_out_forest
    expected = [len(nx.descendants(g, v)) for v in sorted(g)]
    assert reach_counts(_adjacency(g), cond).tolist() == expected


def test_condensation_numbers_components_in_topological_order():
    g = nx.gnp_random_graph(60, 0.04, seed=3, directed=True)
    cond = condensation(_adjacency(g))
    rows, cols = cond.dag.nonzero()
    assert np.all(rows < cols)


@pytest.mark.parametrize("seed", range(4))
def test_iterative_and_direct_trophic_solvers_agree(seed):
    g = nx.gnp_random_graph(300, 0.02, seed=seed, directed=True)
    a = _adjacency(g)
    assert hi.trophic_incoherence(a, solver="iterative") == pytest.approx(hi.trophic_incoherence(a), abs=1e-9)
    assert hi.trophic_incoherence(a, solver="auto") == pytest.approx(hi.trophic_incoherence(a), abs=1e-9)


def test_unknown_trophic_solver_is_refused():
    with pytest.raises(ValueError):
        hi.trophic_levels(layer_from_pairs([(0, 1), (1, 2), (2, 0)]), solver="magic")


@pytest.mark.parametrize("seed", range(6))
def test_weighted_agony_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 5
    pairs = [(i, j) for i, j in itertools.permutations(range(n), 2) if rng.random() < 0.4] or [(0, 1), (1, 0)]
    weights = rng.integers(1, 5, size=len(pairs)).astype(float)
    src, dst = np.array(pairs).T
    ranks = np.array(list(itertools.product(range(n), repeat=n)))
    brute = (weights * np.maximum(0, ranks[:, src] - ranks[:, dst] + 1)).sum(axis=1).min()
    layer = layer_from_pairs(pairs, n, weights=weights)
    assert hi.agony(layer, weighted=True) == brute


@pytest.mark.parametrize("seed", range(3))
def test_sampled_lub_is_within_its_bound(seed):
    g = nx.gnp_random_graph(150, 0.012, seed=seed, directed=True)
    a = _adjacency(g)
    value, bound = kr.krackhardt_lub_sampled(a, samples=400, seed=seed)
    assert abs(value - kr.krackhardt_lub(a)) <= bound


def test_sampled_lub_of_an_out_forest_is_exactly_one():
    tree = nx.bfs_tree(nx.random_labeled_tree(50, seed=1), 0)
    assert kr.krackhardt_lub_sampled(_adjacency(tree), samples=10) == (1.0, 0.0)


def test_bit_closure_is_the_same_when_built_in_small_chunks():
    from orgpower.metrics.digraph import closure_bits

    g = nx.gnp_random_graph(120, 0.03, seed=5, directed=True)
    cond = condensation(_adjacency(g))
    whole = closure_bits(cond.dag, cond.reverse_generations)
    assert np.array_equal(closure_bits(cond.dag, cond.reverse_generations, chunk_words=1), whole)
    assert np.array_equal(closure_bits(cond.dag, cond.reverse_generations, chunk_words=7), whole)


def _unpacked_weighted_popcount(bits: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The replaced form, kept as the specification: every bit unpacked to a byte, times
    its column's weight."""
    unpacked = np.unpackbits(bits.view(np.uint8), axis=1, bitorder="little")[:, : weight.size]
    return unpacked @ weight


@pytest.mark.parametrize(("columns", "distinct", "chunk_rows"), [(70, 3, 2048), (130, 9, 5), (64, 1, 7), (200, 60, 16)])
def test_weighted_popcount_by_masks_equals_the_unpacked_sum(columns, distinct, chunk_rows):
    from orgpower.metrics.digraph import weighted_popcount

    rng = np.random.default_rng(columns)
    rows = 90
    bits = rng.integers(0, np.iinfo(np.uint64).max, size=(rows, (columns + 63) // 64), dtype=np.uint64, endpoint=True)
    bits[:, -1] &= np.uint64((1 << (columns % 64)) - 1) if columns % 64 else np.uint64(np.iinfo(np.uint64).max)
    # component sizes: mostly 1, a few larger ones (60 distinct values goes the unpacked way)
    weight = np.where(rng.random(columns) < 0.7, 1.0, rng.integers(2, 2 + distinct, size=columns).astype(float))
    expected = _unpacked_weighted_popcount(bits, weight)
    assert np.array_equal(weighted_popcount(bits, weight, chunk_rows=chunk_rows), expected)


def test_weighted_popcount_of_non_integer_weights_is_the_unpacked_sum():
    from orgpower.metrics.digraph import weighted_popcount

    rng = np.random.default_rng(3)
    bits = rng.integers(0, np.iinfo(np.uint64).max, size=(20, 2), dtype=np.uint64, endpoint=True)
    weight = rng.random(128) + 0.5
    assert np.allclose(weighted_popcount(bits, weight), _unpacked_weighted_popcount(bits, weight), rtol=1e-12, atol=0)


def _dense_levels(a: sp.csr_array) -> np.ndarray:
    """Independent reference: least-squares solve of Λh = v, min 0 per weak component."""
    w = a.toarray()
    lap = np.diag(w.sum(0) + w.sum(1)) - w - w.T
    h = np.linalg.lstsq(lap, w.sum(0) - w.sum(1), rcond=None)[0]
    g = nx.from_numpy_array(w + w.T)
    for comp in nx.connected_components(g):
        idx = sorted(comp)
        h[idx] -= h[idx].min()
    return h


@pytest.mark.parametrize(
    "pairs, n",
    [
        ([(0, 1)], 2),  # one arc: the two ends are leaves of each other
        ([(0, 1), (1, 0), (2, 3), (3, 4), (5, 3)], 7),  # mutual pair, a small tree, an isolate
        ([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (6, 4)], 7),  # cycle with a hanging tree
    ],
)
def test_leaf_elimination_gives_the_laplacian_solution(pairs, n):
    weights = np.arange(1, len(pairs) + 1, dtype=float)
    layer = layer_from_pairs(pairs, n, weights=weights)
    assert hi.trophic_levels(layer) == pytest.approx(_dense_levels(layer.adjacency), abs=1e-10)


def test_a_deep_chain_is_measured_exactly_beyond_the_generation_limit():
    # 3,000 generations: the topological order comes from igraph, the reach counts from a
    # triangular solve, and the leaf elimination stops early; values by hand for a path
    n = 3000
    chain = layer_from_pairs([(i, i + 1) for i in range(n - 1)], n)
    m = layer_measures(chain, exact_limit=100)
    assert m["global_reaching_centrality"] == pytest.approx(n / (2 * (n - 1)), abs=1e-12)
    assert m["krackhardt_hierarchy"] == 1.0 and m["krackhardt_lub"] == 1.0
    assert m["trophic_incoherence"] == pytest.approx(0.0, abs=1e-9)
    assert "global_reaching_centrality" not in m["estimated"]
