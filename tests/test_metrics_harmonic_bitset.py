"""Harmonic closeness by bit-parallel searches equals one search per vertex.

``centralization.harmonic_closeness`` runs breadth-first searches 64 targets to a machine
word where that is cheaper than igraph's one search per vertex. The specification it must
equal: networkx ``harmonic_centrality`` on the reversed digraph (networkx sums distances
*to* a vertex; reversing gives the out-distances of the definition), divided by n − 1, and
igraph ``harmonic_centrality(mode="out", normalized=True)``. The tests force each branch
(the cost rule decides otherwise) and several batches of targets, on random digraphs
with isolates, sinks, sources, cycles and unreachable pairs.
"""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from orgpower.metrics import centralization as cz

TOL = 1e-12


def random_digraph(n: int, arcs: int, seed: int) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    source = rng.integers(0, n, size=arcs)
    target = rng.integers(0, n, size=arcs)
    keep = source != target
    a = sp.csr_array((np.ones(int(keep.sum())), (source[keep], target[keep])), shape=(n, n))
    a.sum_duplicates()
    a.data[:] = 1.0
    return a


def networkx_harmonic(a: sp.csr_array) -> np.ndarray:
    n = a.shape[0]
    g = nx.from_scipy_sparse_array(a, create_using=nx.DiGraph).reverse()
    scores = nx.harmonic_centrality(g)
    return np.array([scores[v] for v in range(n)]) / (n - 1)


@pytest.fixture(params=["bitset", "searches"])
def branch(request, monkeypatch):
    # the cost rule picks a branch by the layer's shape; each test runs both
    monkeypatch.setattr(cz, "BITSET_COST", 0.0 if request.param == "bitset" else float("inf"))
    return request.param


@pytest.mark.parametrize("n, arcs, seed", [(2, 1, 0), (7, 10, 1), (60, 400, 2), (150, 300, 3), (200, 2000, 4)])
def test_harmonic_closeness_equals_networkx_on_random_digraphs(branch, n, arcs, seed):
    a = random_digraph(n, arcs, seed)
    assert np.allclose(cz.harmonic_closeness(a), networkx_harmonic(a), rtol=0, atol=TOL)


def test_harmonic_closeness_in_several_batches_equals_igraph(branch, monkeypatch):
    # 64-bit words gathered per level limited so that 300 targets take several batches
    monkeypatch.setattr(cz, "BITSET_WORDS", 1)
    a = random_digraph(300, 1500, 5)
    g = ig.Graph(n=300, edges=np.column_stack(a.nonzero()).tolist(), directed=True)
    expected = np.asarray(g.harmonic_centrality(mode="out", normalized=True))
    assert np.allclose(cz.harmonic_closeness(a), expected, rtol=0, atol=TOL)


def test_harmonic_closeness_of_an_out_star_is_one_for_the_hub_and_zero_for_the_leaves(branch):
    star = sp.csr_array((np.ones(5), ([0] * 5, [1, 2, 3, 4, 5])), shape=(6, 6))
    assert cz.harmonic_closeness(star).tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def test_harmonic_closeness_of_a_directed_cycle_is_the_harmonic_number_for_everyone(branch):
    n = 70  # more vertices than one word of targets
    cycle = sp.csr_array((np.ones(n), (np.arange(n), (np.arange(n) + 1) % n)), shape=(n, n))
    expected = sum(1.0 / d for d in range(1, n)) / (n - 1)
    assert np.allclose(cz.harmonic_closeness(cycle), expected, rtol=0, atol=TOL)


def test_harmonic_closeness_without_arcs_is_zero(branch):
    assert cz.harmonic_closeness(sp.csr_array((5, 5))).tolist() == [0.0] * 5


def test_dense_layer_takes_the_bit_parallel_searches(monkeypatch):
    # the cost rule: a dense layer where everyone reaches everyone in a few steps is
    # searched 64 targets at a time (igraph is not called)
    a = random_digraph(400, 6000, 6)
    monkeypatch.setattr(cz, "to_igraph", lambda *_: pytest.fail("igraph's one search per vertex was used"))
    assert np.allclose(cz.harmonic_closeness(a), networkx_harmonic(a), rtol=0, atol=TOL)


def test_long_chain_keeps_one_search_per_vertex(monkeypatch):
    # 500 levels of one target each: the bit-parallel levels would cost more than the searches
    n = 500
    chain = sp.csr_array((np.ones(n - 1), (np.arange(n - 1), np.arange(1, n))), shape=(n, n))
    used = []
    real = cz.to_igraph
    monkeypatch.setattr(cz, "to_igraph", lambda a: used.append(1) or real(a))
    expected = np.array([sum(1.0 / d for d in range(1, n - v)) for v in range(n)]) / (n - 1)
    assert np.allclose(cz.harmonic_closeness(chain), expected, rtol=0, atol=TOL)
    assert used
