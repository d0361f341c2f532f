"""PageRank and Bonacich power (docs/measures.md).

Provenance: Bonacich values cross-checked with R sna ``bonpow``, igraph
dense and sparse, and numpy, and tests/golden/sna_nodes_reference.json, written by
tests/golden/make_golden_nodes.R with R sna 2.7-1 ``bonpow``; PageRank is compared with
networkx 3.6 ``pagerank`` (tol 1e-14) and R igraph ``page_rank`` (same JSON), and the
top-3 lists on which networkx and igraph agree.
"""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from golden.graphs import GOLDEN, krackhardt
from orgpower.metrics.power import bonacich_power, default_bonacich_beta, pagerank, spectral_radius


@pytest.fixture(scope="module")
def golden():
    return json.loads((GOLDEN / "sna_nodes_reference.json").read_text())


@pytest.fixture(scope="module")
def advice(public_datasets):
    return krackhardt(public_datasets, "Advice")


def _kite() -> sp.csr_array:
    return sp.csr_array(nx.to_scipy_sparse_array(nx.krackhardt_kite_graph(), nodelist=range(10)))


def _path5() -> sp.csr_array:
    return sp.csr_array(nx.to_scipy_sparse_array(nx.path_graph(5), nodelist=range(5)))


def test_bonacich_negative_beta_on_a_path_puts_all_power_on_b_and_d():
    np.testing.assert_allclose(bonacich_power(_path5(), -0.5), [0, 1.581139, 0, 1.581139, 0], atol=1e-5)


def test_bonacich_positive_beta_on_a_path_matches_reference():
    np.testing.assert_allclose(
        bonacich_power(_path5(), 0.5), [0.642161, 1.123782, 1.284323, 1.123782, 0.642161], atol=1e-5
    )


@pytest.mark.parametrize(
    "beta, expected",
    [
        (-0.2, [0.97184, 0.97184, 0.62609, 1.66957, 0.62609, 1.29272, 1.29272, 0.75048, 0.72672, 0.32563]),
        (0.2, [1.09949, 1.09949, 0.88602, 1.51889, 0.88602, 1.26776, 1.26776, 0.66002, 0.22061, 0.08039]),
    ],
)
def test_bonacich_on_the_kite_matches_reference(beta, expected):
    np.testing.assert_allclose(bonacich_power(_kite(), beta), expected, atol=1e-5)


@pytest.mark.parametrize(
    "beta, expected",
    [(-0.1, [0.52689, 0.30725, 1.44122, 1.29386, 1.56880]), (0.1, [0.62385, 0.21244, 1.33041, 1.02545, 1.34530])],
)
def test_bonacich_on_advice_managers_1_to_5_matches_reference(advice, beta, expected):
    np.testing.assert_allclose(bonacich_power(advice.adjacency, beta)[:5], expected, atol=1e-5)


@pytest.mark.parametrize("beta, key", [(-0.1, "advice_bonpow_minus_0_1"), (0.1, "advice_bonpow_plus_0_1")])
def test_bonacich_on_advice_equals_r_sna_bonpow_for_every_manager(advice, golden, beta, key):
    np.testing.assert_allclose(bonacich_power(advice.adjacency, beta), golden[key], atol=1e-9)


def test_bonacich_default_beta_is_minus_half_over_lambda_max_as_r_computes_it(golden):
    arcs = np.array(golden["random_arcs"], dtype=int)
    a = sp.csr_array((np.ones(len(arcs)), (arcs[:, 0], arcs[:, 1])), shape=(60, 60))
    assert spectral_radius(a) == pytest.approx(golden["random_lambda_max"], rel=1e-9)
    assert default_bonacich_beta(a) == pytest.approx(-0.5 / golden["random_lambda_max"], rel=1e-9)
    np.testing.assert_allclose(bonacich_power(a), golden["random_bonpow_default_beta"], atol=1e-9)


def test_bonacich_iterative_solve_agrees_with_the_direct_solve():
    # above 5,000 nodes the series is iterated; a disjoint copy of a graph keeps its scores
    rng = np.random.default_rng(4)
    small = sp.random_array((300, 300), density=0.02, rng=rng, format="csr")
    small.data[:] = 1.0
    small.setdiag(0)
    small.eliminate_zeros()
    copies = 20  # 6,000 nodes: the iterative path
    big = sp.csr_array(sp.block_diag([small] * copies))
    beta = -0.05  # |beta| * lambda_max ≈ 0.3 for a mean degree of 6: the series converges
    direct = bonacich_power(small, beta)
    iterated = bonacich_power(big, beta)
    # scaling Σc² = n is the same for identical copies
    np.testing.assert_allclose(iterated[:300], direct, atol=1e-9)


def test_bonacich_on_a_layer_without_arcs_is_undefined():
    assert np.isnan(bonacich_power(sp.csr_array((3, 3)))).all()


def test_spectral_radius_of_an_acyclic_layer_is_zero_and_beta_falls_back_to_the_ties():
    out_star = sp.csr_array((np.ones(4), ([0, 0, 0, 0], [1, 2, 3, 4])), shape=(5, 5))
    assert spectral_radius(out_star) == 0.0
    # the undirected star on 5 nodes has lambda_max = 2
    assert default_bonacich_beta(out_star) == pytest.approx(-0.25)


def test_spectral_radius_of_a_large_cyclic_part_matches_numpy():
    # 15 disjoint copies of a 40-node digraph: a cyclic part > 500 nodes goes to ARPACK,
    # and the radius is the block's, which dense numpy gives cheaply
    rng = np.random.default_rng(9)
    block = sp.random_array((40, 40), density=0.15, rng=rng, format="csr")
    block.data[:] = 1.0
    expected = np.max(np.abs(np.linalg.eigvals(block.toarray())))
    assert spectral_radius(sp.csr_array(sp.block_diag([block] * 15))) == pytest.approx(expected, rel=1e-7)


def test_pagerank_on_advice_equals_networkx(advice):
    reference = nx.pagerank(nx.from_scipy_sparse_array(advice.adjacency, create_using=nx.DiGraph), tol=1e-14)
    np.testing.assert_allclose(pagerank(advice.adjacency), [reference[i] for i in range(21)], atol=1e-9)


def test_pagerank_on_advice_equals_r_igraph(advice, golden):
    np.testing.assert_allclose(pagerank(advice.adjacency), golden["advice_pagerank_igraph"], atol=1e-7)


def test_pagerank_advice_top_three_match_reference(advice):
    scores = pagerank(advice.adjacency)
    top = np.argsort(-scores)[:3]
    assert (top + 1).tolist() == [21, 7, 2]
    # the reference values are networkx at its default tolerance (stop when the L1 change < n·1e-6),
    # so its six decimals carry an iteration error of a few 1e-6
    np.testing.assert_allclose(scores[top], [0.163789, 0.104047, 0.093918], atol=5e-6)


def test_pagerank_reports_to_sub_to_boss_top_three_match_reference(public_datasets):
    reports = krackhardt(public_datasets, "ReportsTo")  # the file's sub -> boss direction
    scores = pagerank(reports.adjacency)
    top = np.argsort(-scores)[:3]
    assert (top + 1).tolist() == [7, 14, 21]
    # reference values from networkx at its default tolerance: a few 1e-6 of iteration error
    np.testing.assert_allclose(scores[top], [0.322032, 0.140236, 0.088782], atol=5e-6)


def test_weighted_pagerank_with_dangling_nodes_equals_networkx():
    rng = np.random.default_rng(2)
    graph = nx.gnp_random_graph(80, 0.05, seed=3, directed=True)
    for u, v in graph.edges:
        graph[u][v]["weight"] = float(rng.integers(1, 10))
    a = sp.csr_array(nx.to_scipy_sparse_array(graph, nodelist=range(80), weight="weight"))
    reference = nx.pagerank(graph, weight="weight", tol=1e-14)
    assert (np.diff(a.indptr) == 0).any()  # some dangling nodes
    np.testing.assert_allclose(pagerank(a), [reference[i] for i in range(80)], atol=1e-9)


def test_spectral_radius_of_a_large_directed_part_is_the_same_on_every_call():
    # ARPACK starts from a random vector unless given one: the radius then moved in its
    # 12th digit between runs, and with it β and the Bonacich column of people.csv
    rng = np.random.default_rng(1)
    n = 800  # above the dense-eigenvalue limit, not symmetric: the ARPACK path
    rows = np.concatenate([np.arange(n), rng.integers(0, n, 3 * n)])
    cols = np.concatenate([(np.arange(n) + 1) % n, rng.integers(0, n, 3 * n)])
    matrix = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
    matrix.data[:] = 1.0
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    radii = {spectral_radius(matrix) for _ in range(4)}
    assert len(radii) == 1
    dense = float(np.max(np.abs(np.linalg.eigvals(matrix.toarray()))))
    assert radii.pop() == pytest.approx(dense, rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_a_components_core_is_the_matrix_cut_to_its_members(seed):
    # the replaced form, matrix[members][:, members], is the specification: the same
    # indptr, column indices and values (explicit zeros included), on random digraphs
    import scipy.sparse as sp
    from scipy.sparse import csgraph

    from orgpower.metrics.power import _component_core

    rng = np.random.default_rng(seed)
    for _ in range(60):
        n = int(rng.integers(2, 60))
        m = int(rng.integers(1, n * 4))
        weights = rng.random(m) * (rng.random(m) < 0.9)
        a = sp.csr_array((weights, (rng.integers(0, n, m), rng.integers(0, n, m))), shape=(n, n), dtype=np.float64)
        count, labels = csgraph.connected_components(a, directed=True, connection="strong")
        sizes = np.bincount(labels, minlength=count)
        by_component = np.argsort(labels, kind="stable")
        starts = np.concatenate([[0], np.cumsum(sizes)])
        position = np.empty(n, dtype=np.int64)
        position[by_component] = np.arange(n) - starts[labels[by_component]]
        for comp in range(count):
            members = by_component[starts[comp]:starts[comp + 1]]
            expected = sp.csr_array(a[members][:, members])
            core = _component_core(a, members, labels, position, comp)
            assert core.shape == expected.shape
            assert np.array_equal(core.indptr, expected.indptr)
            assert np.array_equal(core.indices, expected.indices)
            assert np.array_equal(core.data, expected.data)


# ------------------------------- the replaced forms are the specification, to the last bit


def _spectral_radius_by_coo(adjacency, max_steps=6000):
    """The replaced form of ``spectral_radius``'s set-up (a COO copy of every arc, sums
    by ``np.add.at``, every component cut out by fancy indexing, the symmetry test by
    ``|A − Aᵀ|``): the new one must give the same radius, bit for bit."""
    from scipy.sparse import csgraph

    from orgpower.metrics.power import _component_radius, _max_by

    matrix = sp.csr_array(adjacency, dtype=np.float64)
    n = matrix.shape[0]
    if n == 0 or matrix.nnz == 0:
        return 0.0
    count, labels = csgraph.connected_components(matrix, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=count)
    coo = matrix.tocoo()
    inside = (labels[coo.row] == labels[coo.col]) & (sizes[labels[coo.row]] > 1) & (coo.data != 0)
    if not inside.any():
        return 0.0
    rows, cols, weights = coo.row[inside], coo.col[inside], np.abs(coo.data[inside])
    component = labels[rows]
    arcs_in = np.bincount(component, minlength=count)
    cycle = (arcs_in == sizes) & (sizes > 1)
    log_mean = np.bincount(component, weights=np.log(weights), minlength=count) / np.maximum(arcs_in, 1)
    best = float(np.exp(log_mean[cycle].max())) if cycle.any() else 0.0
    others = np.flatnonzero((sizes > 1) & ~cycle & (arcs_in > 0))
    if others.size == 0:
        return best
    row_sum = np.zeros(n)
    np.add.at(row_sum, rows, weights)
    col_sum = np.zeros(n)
    np.add.at(col_sum, cols, weights)
    upper = np.minimum(_max_by(labels, row_sum, count), _max_by(labels, col_sum, count))
    order = others[np.argsort(-upper[others], kind="stable")]
    for comp in order:
        if upper[comp] <= best:
            break
        members = np.flatnonzero(labels == comp)
        best = max(best, _component_radius(sp.csr_array(matrix[members][:, members]), max_steps))
    return best


def _random_layer(rng, n, m, *, symmetric=False, zeros=False, cycles=0):
    rows, cols = rng.integers(0, n, m), rng.integers(0, n, m)
    weights = rng.integers(1, 4, m).astype(float)
    if zeros:
        weights[rng.random(m) < 0.1] = 0.0
    if symmetric:
        rows, cols, weights = np.concatenate([rows, cols]), np.concatenate([cols, rows]), np.concatenate([weights, weights])
    if cycles:  # disjoint rings after the random part, each a simple cycle
        ring = np.arange(n, n + 3 * cycles).reshape(cycles, 3)
        rows, cols = np.concatenate([rows, ring.ravel()]), np.concatenate([cols, np.roll(ring, -1, axis=1).ravel()])
        weights = np.concatenate([weights, rng.integers(1, 4, 3 * cycles).astype(float)])
        n += 3 * cycles
    return sp.csr_array((weights, (rows, cols)), shape=(n, n))


@pytest.mark.parametrize("seed", range(4))
def test_spectral_radius_equals_the_replaced_form_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    cases = [
        _random_layer(rng, 800, 1200, cycles=5),  # many small components and rings
        _random_layer(rng, 1500, 9000),  # one large directed component (ARPACK)
        _random_layer(rng, 1500, 4000, symmetric=True),  # symmetric components (Lanczos)
        _random_layer(rng, 700, 3000, zeros=True),  # stored zeros are no arcs
        _random_layer(rng, 40, 80, cycles=2),  # dense eigenvalues
    ]
    for matrix in cases:
        assert spectral_radius(matrix) == _spectral_radius_by_coo(matrix)
        assert spectral_radius(matrix + matrix.T) == _spectral_radius_by_coo(matrix + matrix.T)


def test_spectral_radius_of_a_layer_that_is_one_strong_component_equals_the_replaced_form():
    rng = np.random.default_rng(11)
    n = 3000
    ring = sp.csr_array((np.ones(n), (np.arange(n), (np.arange(n) + 1) % n)), shape=(n, n))
    matrix = sp.csr_array(ring + _random_layer(rng, n, 6000))
    assert spectral_radius(matrix) == _spectral_radius_by_coo(matrix)


@pytest.mark.parametrize("seed", range(6))
def test_the_symmetry_test_agrees_with_the_difference_of_the_transpose(seed):
    from orgpower.metrics.power import _is_symmetric

    rng = np.random.default_rng(seed)
    for _ in range(40):
        n = int(rng.integers(1, 30))
        a = _random_layer(rng, n, int(rng.integers(1, 4 * n)), symmetric=bool(rng.random() < 0.7),
                          zeros=bool(rng.random() < 0.3))
        if rng.random() < 0.3 and a.nnz:  # a weight changed on one side only
            a.data[int(rng.integers(0, a.nnz))] += 1.0
        if rng.random() < 0.2:  # unsorted rows with a duplicate: the other branch
            coo = a.tocoo()
            order = rng.permutation(coo.nnz)
            a = sp.csr_array((np.append(coo.data[order], 0.5), (np.append(coo.row[order], 0), np.append(coo.col[order], 0))),
                             shape=a.shape)
        assert _is_symmetric(a) == (abs(a - a.T).max() == 0)


@pytest.mark.parametrize("seed", range(4))
def test_row_scaling_equals_the_diagonal_product_once_transposed(seed):
    # pagerank transposes diag(1/out-strength)·A; the scaled copy must give the same arrays
    from orgpower.metrics.power import _row_scaled

    rng = np.random.default_rng(seed)
    for _ in range(30):
        n = int(rng.integers(2, 40))
        a = _random_layer(rng, n, int(rng.integers(1, 4 * n)), zeros=bool(rng.random() < 0.4))
        a.data[rng.random(a.nnz) < 0.2] *= -1.0  # some rows' weights cancel out to 0
        factors = np.where(rng.random(n) < 0.2, 0.0, rng.random(n))
        expected = sp.csr_array((sp.diags_array(factors) @ a).T)
        got = sp.csr_array(_row_scaled(a, factors).T)
        for field in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(got, field), getattr(expected, field))
