"""Shortcuts in the trophic-level solve and in agony give what the full computation gives.

The CG stall check only decides when to hand over to the direct solve: the iterates it
returns are those of the plain loop (kept here as the specification). Agony without an LP
on a balanced cyclic part equals the LP's heaviest circulation (the LP is kept here).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from orgpower.metrics import hierarchy as hi


def plain_jacobi_cg(matrix, rhs, *, rtol=1e-12, maxiter=3000):
    """The form before the stall check (runs all ``maxiter`` iterations before giving up)
    and before the in-place updates (a new vector for each)."""

    def dot(u, v):
        return float(np.sum(u * v))

    inverse_diagonal = 1.0 / matrix.diagonal()
    x = np.zeros_like(rhs)
    r = rhs.copy()
    target = (rtol * max(np.sqrt(dot(rhs, rhs)), 1e-300)) ** 2
    z = inverse_diagonal * r
    p = z.copy()
    rz = dot(r, z)
    for _ in range(maxiter):
        if dot(r, r) <= target:
            return x
        q = matrix @ p
        alpha = rz / dot(p, q)
        x += alpha * p
        r -= alpha * q
        z = inverse_diagonal * r
        rz_next = dot(r, z)
        p = z + (rz_next / rz) * p
        rz = rz_next
    return x if dot(r, r) <= target else None


class _CountingMatrix:
    """A sparse matrix that counts its products with a vector."""

    def __init__(self, matrix):
        self.matrix, self.products = matrix, 0

    def diagonal(self):
        return self.matrix.diagonal()

    def __matmul__(self, vector):
        self.products += 1
        return self.matrix @ vector


def _grounded_laplacian(g: nx.Graph) -> sp.csr_array:
    laplacian = sp.csr_array(nx.laplacian_matrix(g, nodelist=sorted(g)).astype(float))
    keep = np.arange(1, g.number_of_nodes())  # ground vertex 0
    return sp.csr_array(laplacian[keep][:, keep])


def _rhs(size: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=size)


@pytest.mark.parametrize("seed", range(3))
def test_cg_with_the_stall_check_returns_the_plain_loops_solution_bit_for_bit(seed):
    # a random 3-regular graph: an expander, on which CG converges in tens of iterations
    reduced = _grounded_laplacian(nx.random_regular_graph(3, 2000, seed=seed))
    rhs = _rhs(reduced.shape[0], seed)
    expected = plain_jacobi_cg(reduced, rhs, maxiter=1000)
    solved = hi._jacobi_cg(reduced, rhs, maxiter=1000)
    assert expected is not None
    assert np.array_equal(solved, expected)


def test_cg_gives_up_early_on_a_core_where_it_stalls():
    # a long path: Jacobi CG needs about as many iterations as vertices
    reduced = _grounded_laplacian(nx.path_graph(5000))
    counting = _CountingMatrix(reduced)
    assert plain_jacobi_cg(reduced, _rhs(4999, 0), maxiter=1000) is None
    assert hi._jacobi_cg(counting, _rhs(4999, 0), maxiter=1000) is None
    assert counting.products <= 2 * hi.STALL_CHECK


def test_a_core_where_cg_stalls_is_solved_exactly_by_the_direct_solve():
    g = nx.path_graph(5000)
    a = sp.csr_array(nx.to_scipy_sparse_array(nx.DiGraph([(u, v) for u, v in g.edges]), nodelist=range(5000)))
    a = sp.csr_array(a + sp.csr_array(([1.0, 1.0], ([0, 2500], [2500, 4999])), shape=(5000, 5000)))
    iterative = hi.trophic_levels(a, solver="iterative")
    direct = hi.trophic_levels(a, solver="direct")
    assert np.allclose(iterative, direct, rtol=0, atol=1e-9)


def test_stall_projection_keeps_going_while_the_residual_falls_fast_enough():
    # squared residual 10^-8 now, falling 10^2 per check interval: 10^-24 in 8 more intervals
    assert not hi._stalled(1e-6, 1e-8, 1e-24, 200, 1000)
    # falling 10^0.6 per interval: 10^-24 only after 30 more intervals
    assert hi._stalled(10 ** -5.4, 1e-6, 1e-24, 200, 1000)
    assert hi._stalled(1e-6, 1e-6, 1e-24, 200, 1000)


def lp_agony(a: sp.csr_array, weighted: bool) -> float:
    """Agony as the heaviest circulation, solved by the LP for any graph (the replaced route
    for balanced graphs)."""
    a = sp.csr_array(a)
    if not weighted:
        a = sp.csr_array((np.ones(a.nnz), a.indices, a.indptr), shape=a.shape)
    coo = a.tocoo()
    m, n = coo.nnz, a.shape[0]
    incidence = sp.csr_array(
        (np.concatenate([np.ones(m), -np.ones(m)]),
         (np.concatenate([coo.row, coo.col]), np.concatenate([np.arange(m)] * 2))), shape=(n, m))
    result = linprog(-np.ones(m), A_eq=incidence, b_eq=np.zeros(n),
                     bounds=np.column_stack([np.zeros(m), coo.data]), method="highs")
    return float(round(-result.fun))


@pytest.mark.parametrize("seed", range(3))
def test_agony_of_symmetric_ties_without_the_lp_equals_the_lp(seed):
    g = nx.gnm_random_graph(300, 900, seed=seed)
    weights = np.random.default_rng(seed).integers(1, 6, g.number_of_edges())
    src = np.array([u for u, _ in g.edges]), np.array([v for _, v in g.edges])
    rows = np.concatenate([src[0], src[1]])
    cols = np.concatenate([src[1], src[0]])
    a = sp.csr_array((np.concatenate([weights, weights]).astype(float), (rows, cols)), shape=(300, 300))
    for weighted in (False, True):
        assert hi.agony(a, weighted=weighted) == lp_agony(a, weighted) == (a.sum() if weighted else a.nnz)


def test_agony_of_a_balanced_digraph_that_is_not_symmetric_equals_the_lp():
    # two directed triangles sharing vertex 0 and a mutual pair: every vertex balanced
    rows, cols = [0, 1, 2, 0, 3, 4, 5, 6], [1, 2, 0, 3, 4, 0, 6, 5]
    a = sp.csr_array((np.ones(8), (rows, cols)), shape=(7, 7))
    assert hi.agony(a) == lp_agony(a, False) == 8.0


def test_agony_of_an_unbalanced_digraph_still_uses_the_lp():
    # a triangle plus a returned arc: saturating the 2-cycle would give 2, the optimum is 3
    rows, cols = [0, 1, 2, 1], [1, 2, 0, 0]
    a = sp.csr_array((np.ones(4), (rows, cols)), shape=(3, 3))
    assert hi.agony(a) == lp_agony(a, False) == 3.0


def principal_submatrix_through_coo(matrix, keep):
    """The replaced form of ``hierarchy._principal_submatrix``: every input through COO."""
    position = np.full(matrix.shape[0], -1, dtype=np.int64)
    position[keep] = np.arange(keep.size)
    coo = matrix.tocoo()
    rows, cols = position[coo.row], position[coo.col]
    inside = (rows >= 0) & (cols >= 0)
    return sp.csr_array((coo.data[inside], (rows[inside], cols[inside])), shape=(keep.size, keep.size))


def _assert_same_csr(got, expected):
    assert got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


@pytest.mark.parametrize("seed", range(20))
def test_principal_submatrix_of_a_canonical_csr_equals_the_coo_form_entry_for_entry(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 80)), int(rng.integers(0, 400))
    matrix = sp.csr_array((rng.normal(size=m), (rng.integers(0, n, m), rng.integers(0, n, m))), shape=(n, n))
    keep = np.flatnonzero(rng.random(n) < 0.6)
    _assert_same_csr(hi._principal_submatrix(matrix, keep), principal_submatrix_through_coo(matrix, keep))


def test_principal_submatrix_of_unsorted_rows_with_repeats_is_sorted_and_summed_as_the_coo_form():
    # row 0 lists column 2 before column 0, and column 2 twice
    matrix = sp.csr_array((np.array([1.0, 2.0, 4.0, 8.0]), np.array([2, 0, 2, 1]), np.array([0, 3, 4, 4])), shape=(3, 3))
    assert not matrix.has_canonical_format
    keep = np.array([0, 2])
    got = hi._principal_submatrix(matrix, keep)
    _assert_same_csr(got, principal_submatrix_through_coo(matrix, keep))
    assert got.toarray().tolist() == [[2.0, 5.0], [0.0, 0.0]]
