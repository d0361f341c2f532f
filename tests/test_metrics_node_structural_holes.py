"""Burt's constraint (Burt 1992; docs/measures.md).

Provenance: Borgatti's example and the directed 3-node examples are published in
networkx's test suite (``networkx/algorithms/tests/test_structuralholes.py``, values from
UCINET and igraph, checked by hand); the kite and advice values are cross-checked
(networkx and igraph); random weighted digraphs are compared with networkx 3.6
``constraint`` at 1e-9.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from golden.graphs import krackhardt
from orgpower.metrics import structural_holes
from orgpower.metrics.structural_holes import constraint

BORGATTI_EDGES = {
    ("A", "B"): 2, ("A", "F"): 3, ("A", "G"): 5, ("A", "E"): 2, ("E", "G"): 8,
    ("F", "G"): 3, ("B", "G"): 4, ("B", "D"): 1, ("D", "G"): 3, ("G", "C"): 10,
}
BORGATTI_NODES = sorted({v for edge in BORGATTI_EDGES for v in edge})


def _borgatti(weighted: bool) -> sp.csr_array:
    index = {v: i for i, v in enumerate(BORGATTI_NODES)}
    rows, cols, vals = [], [], []
    for (u, v), w in BORGATTI_EDGES.items():
        rows += [index[u], index[v]]
        cols += [index[v], index[u]]
        vals += [float(w) if weighted else 1.0] * 2
    return sp.csr_array((vals, (rows, cols)), shape=(len(index), len(index)))


def _directed_example(weights=(1.0, 1.0, 1.0, 1.0)) -> sp.csr_array:
    return sp.csr_array((list(weights), ([0, 0, 1, 2], [1, 2, 0, 1])), shape=(3, 3))


def test_borgatti_example_unweighted():
    values = dict(zip(BORGATTI_NODES, constraint(_borgatti(False), weighted=False)))
    assert values["G"] == pytest.approx(0.400, abs=1e-3)
    assert values["A"] == pytest.approx(0.595, abs=1e-3)
    assert values["C"] == pytest.approx(1.0, abs=1e-3)


def test_borgatti_example_weighted():
    values = dict(zip(BORGATTI_NODES, constraint(_borgatti(True), weighted=True)))
    assert values["G"] == pytest.approx(0.299, abs=1e-3)
    assert values["A"] == pytest.approx(0.795, abs=1e-3)
    assert values["C"] == pytest.approx(1.0, abs=1e-3)


def test_directed_example_counts_ties_either_way():
    np.testing.assert_allclose(constraint(_directed_example(), weighted=False), [1.003, 1.003, 1.389], atol=1e-3)


def test_directed_weighted_example():
    values = constraint(_directed_example((2.0, 2.0, 1.0, 1.0)), weighted=True)
    np.testing.assert_allclose(values, [0.840, 1.143, 1.378], atol=1e-3)


def test_kite_constraint_matches_reference():
    kite = sp.csr_array(nx.to_scipy_sparse_array(nx.krackhardt_kite_graph(), nodelist=range(10)))
    expected = [0.541198, 0.541198, 0.664136, 0.470170, 0.664136, 0.445089, 0.445089, 0.431111, 0.5, 1.0]
    np.testing.assert_allclose(constraint(kite), expected, atol=1e-6)


def test_advice_constraint_of_managers_1_to_6_matches_reference(public_datasets):
    advice = krackhardt(public_datasets, "Advice")
    expected = [0.216332, 0.202127, 0.209973, 0.212623, 0.205316, 0.226598]
    np.testing.assert_allclose(constraint(advice.adjacency)[:6], expected, atol=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_weighted_constraint_equals_networkx_on_random_digraphs(seed):
    rng = np.random.default_rng(seed)
    graph = nx.gnp_random_graph(60, 0.08, seed=seed, directed=True)
    for u, v in graph.edges:
        graph[u][v]["weight"] = float(rng.integers(1, 6))
    a = sp.csr_array(nx.to_scipy_sparse_array(graph, nodelist=range(60), weight="weight"))
    reference = nx.constraint(graph, weight="weight")
    expected = [reference[v] for v in range(60)]
    np.testing.assert_allclose(constraint(a, weighted=True), expected, atol=1e-9)


def test_an_isolated_person_has_undefined_constraint():
    values = constraint(sp.csr_array(([1.0], ([0], [1])), shape=(3, 3)))
    assert values[:2].tolist() == [1.0, 1.0]
    assert np.isnan(values[2])


def test_wedge_blocks_give_the_same_result_as_one_block(monkeypatch):
    graph = nx.gnp_random_graph(80, 0.1, seed=7, directed=True)
    a = sp.csr_array(nx.to_scipy_sparse_array(graph, nodelist=range(80)))
    whole = constraint(a)
    monkeypatch.setattr(structural_holes, "_WEDGE_BLOCK", 50)  # forces many blocks
    np.testing.assert_allclose(constraint(a), whole, rtol=1e-15, atol=0)


# ------------------------------------------------- the triangle form equals P·P masked by the ties


def _constraint_by_matrix_product(adjacency, weighted=True):
    """The specification the triangle listing must equal: P·P formed in full and masked
    by the ties (the form used before; simple, but it forms Σ_q d(q)² two-step entries)."""
    proportions = structural_holes.contact_proportions(adjacency, weighted=weighted)
    n = proportions.shape[0]
    result = np.full(n, np.nan)
    pattern = proportions.copy()
    pattern.data = np.ones_like(pattern.data)
    local = sp.csr_array(proportions + sp.csr_array(proportions @ proportions).multiply(pattern))
    local.data **= 2
    sums = np.asarray(local.sum(axis=1)).ravel()
    degree = np.diff(proportions.indptr)
    result[degree > 0] = sums[degree > 0]
    return result


def _random_ties(seed, n, arcs, *, hubs=0, loops=0, weighted=True):
    rng = np.random.default_rng(seed)
    sources = np.concatenate([rng.integers(0, n, arcs), np.zeros(hubs, dtype=int), rng.integers(0, n, loops)])
    targets = np.concatenate([rng.integers(0, n, arcs), rng.integers(1, n, hubs), np.zeros(loops, dtype=int)])
    if loops:
        targets[-loops:] = sources[-loops:]  # self-ties
    else:
        keep = sources != targets
        sources, targets = sources[keep], targets[keep]
    weights = rng.integers(1, 6, sources.size).astype(float) if weighted else np.ones(sources.size)
    a = sp.csr_array((weights, (sources, targets)), shape=(n, n))
    a.sum_duplicates()
    return a


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("weighted", [True, False])
def test_triangle_listing_equals_the_masked_matrix_product(seed, weighted):
    a = _random_ties(seed, 300, 2400, hubs=250)  # a hub tied to most: deep triangles
    np.testing.assert_allclose(constraint(a, weighted=weighted), _constraint_by_matrix_product(a, weighted),
                               rtol=1e-13, atol=0)


@pytest.mark.parametrize("seed", range(3))
def test_self_ties_count_as_in_the_matrix_product(seed):
    a = _random_ties(seed, 120, 600, loops=40)
    assert a.diagonal().any()
    np.testing.assert_allclose(constraint(a), _constraint_by_matrix_product(a), rtol=1e-13, atol=0)


def test_ties_that_cancel_out_leave_a_person_without_contacts_as_in_the_matrix_product():
    # 0 -> 1 weighs 2, 1 -> 0 weighs -2: z = 0, no tie; 2's ties to 0 and 1 remain;
    # 3's ties weigh 1 and -1: its total is 0, so it has no proportions (as networkx)
    a = sp.csr_array(([2.0, -2.0, 1.0, 3.0, 1.0, -1.0], ([0, 1, 2, 2, 3, 3], [1, 0, 0, 1, 0, 2])), shape=(5, 5))
    values = constraint(a)
    np.testing.assert_allclose(values, _constraint_by_matrix_product(a), rtol=1e-13)
    assert np.isnan(values[3]) and np.isnan(values[4])


def test_a_dense_clustered_layer_equals_the_matrix_product_in_every_written_digit():
    # units of 12 with ties mostly inside, as the collaboration layers of the benchmarks
    rng = np.random.default_rng(5)
    n, per = 2400, 10
    sources = np.repeat(np.arange(n), per)
    inside = rng.random(sources.size) < 0.9
    targets = np.where(inside, sources // 12 * 12 + rng.integers(0, 12, sources.size), rng.integers(0, n, sources.size))
    keep = sources != targets
    a = sp.csr_array((np.ones(int(keep.sum())), (sources[keep], targets[keep])), shape=(n, n))
    a.sum_duplicates()
    new, old = constraint(a, weighted=False), _constraint_by_matrix_product(a, weighted=False)
    np.testing.assert_allclose(new, old, rtol=1e-14, atol=0)
    assert ["%.10g" % x for x in new] == ["%.10g" % x for x in old]


# ------------------------------------------------- the closing-tie look-up equals a binary search


def _search_rows(indptr, indices, rows, wanted, steps):
    """The replaced form, the specification of ``_TieLookup.find``: position of
    ``wanted[k]`` among the sorted ``indices`` of row ``rows[k]``, or −1 (one vectorised
    binary search, ``steps`` ≥ log₂ of the longest row + 1 halvings)."""
    low, high = indptr[rows].copy(), indptr[rows + 1].copy()
    for _ in range(steps):
        open_ = low < high
        middle = (low + high) >> 1
        below = open_ & (indices[np.minimum(middle, indices.size - 1)] < wanted)
        low = np.where(below, middle + 1, low)
        high = np.where(open_ & ~below, middle, high)
    inside = low < indptr[rows + 1]
    found = np.full(rows.size, -1, dtype=np.int64)
    match = inside.copy()
    match[inside] = indices[low[inside]] == wanted[inside]
    found[match] = low[match]
    return found


@pytest.mark.parametrize("seed", range(5))
def test_the_tie_look_up_finds_what_a_binary_search_finds(seed):
    rng = np.random.default_rng(seed)
    n = 200
    a = sp.csr_array((np.ones(1500), (rng.integers(0, n, 1500), rng.integers(0, n, 1500))), shape=(n, n))
    a.sum_duplicates()  # sorted rows without repeats, as the oriented ties are
    rows, wanted = rng.integers(0, n, 20000), rng.integers(0, n, 20000)
    steps = int(np.diff(a.indptr).max()).bit_length()
    expected = _search_rows(a.indptr.astype(np.int64), a.indices, rows, wanted, steps)
    found = structural_holes._TieLookup(a.indptr.astype(np.int64), a.indices).find(rows, wanted)
    assert (expected >= 0).any() and (expected < 0).any()
    np.testing.assert_array_equal(found, expected)


@pytest.mark.parametrize("weighted", [True, False])
def test_a_transpose_handed_in_gives_the_same_constraint_to_the_last_bit(weighted):
    # node_measures transposes each layer once for every measure that needs it
    a = _random_ties(4, 300, 2400, hubs=100, loops=10)
    a.data[:50] = 0.0  # stored zeros: binary ties count them, as binary() does
    alone = constraint(a, weighted=weighted)
    handed = constraint(a, weighted=weighted, transposed=sp.csr_array(a.T))
    np.testing.assert_array_equal(handed.view(np.int64), alone.view(np.int64))
