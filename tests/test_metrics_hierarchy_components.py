"""Trophic levels solved component by component equal each component solved on its own.

When the core of a Laplacian (what is left after peeling leaves) falls into several
components and is solved iteratively, every component runs its own Jacobi CG (all in
lockstep over one block-diagonal matrix) and stops at its own relative residual. The
reference is a direct (LU) solve of each component separately; the replaced form, one CG
over the whole grounded system, stays here as the specification the new one must agree
with, and to show what it got wrong: it stops when the residual of all components together
is small, which leaves small components with large relative residuals.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from orgpower.metrics import hierarchy as hi


def _blocks(graphs: list[nx.Graph], seed: int):
    """Weighted undirected graphs side by side: the grounded system with the first vertex
    of each grounded (adjacency among the free vertices, their full weighted degree), a
    right-hand side, the first free row of every block, and each block's row range."""
    rng = np.random.default_rng(seed)
    adjacency, degree, starts, ranges = [], [], [], []
    offset = 0
    for g in graphs:
        a = nx.to_scipy_sparse_array(g, nodelist=sorted(g), format="csr").astype(float)
        upper = sp.triu(a, k=1, format="coo")
        weights = rng.uniform(0.5, 2.0, upper.nnz)
        a = sp.csr_array((np.r_[weights, weights], (np.r_[upper.row, upper.col], np.r_[upper.col, upper.row])),
                         shape=a.shape)
        adjacency.append(sp.csr_array(a[1:][:, 1:]))
        degree.append(np.asarray(a.sum(axis=1)).ravel()[1:])
        starts.append(offset)
        ranges.append((offset, offset + a.shape[0] - 1))
        offset += a.shape[0] - 1
    matrix = sp.csr_array(sp.block_diag(adjacency, format="csr"))
    matrix.sum_duplicates()
    return matrix, np.concatenate(degree), rng.normal(size=offset), np.array(starts), ranges


def _direct(matrix, degree, rhs, lo, hi_):
    laplacian = sp.diags_array(degree[lo:hi_]) - matrix[lo:hi_][:, lo:hi_]
    return np.atleast_1d(spsolve(sp.csc_array(laplacian), rhs[lo:hi_]))


def _relative_residual(matrix, degree, rhs, x, lo, hi_):
    laplacian = sp.diags_array(degree[lo:hi_]) - matrix[lo:hi_][:, lo:hi_]
    return np.linalg.norm(laplacian @ x[lo:hi_] - rhs[lo:hi_]) / np.linalg.norm(rhs[lo:hi_])


def _mixed_components(seed: int) -> list[nx.Graph]:
    return [
        nx.random_regular_graph(3, 2000, seed=seed),
        nx.random_regular_graph(4, 500, seed=seed + 1),
        nx.cycle_graph(5),
        nx.complete_graph(4),
        nx.path_graph(3),
        nx.gnm_random_graph(60, 240, seed=seed + 2),
        nx.random_regular_graph(3, 50, seed=seed + 3),
    ]


@pytest.mark.parametrize("seed", range(3))
def test_componentwise_cg_equals_a_direct_solve_of_each_component(seed):
    matrix, degree, rhs, starts, ranges = _blocks(_mixed_components(seed), seed)
    solution, converged = hi._componentwise_cg(matrix, degree, rhs, starts, rtol=1e-12, maxiter=1000)
    assert converged.all()
    for lo, hi_ in ranges:
        reference = _direct(matrix, degree, rhs, lo, hi_)
        assert np.allclose(solution[lo:hi_], reference, rtol=0, atol=1e-9 * np.abs(reference).max())


@pytest.mark.parametrize("seed", range(3))
def test_componentwise_cg_equals_a_separate_cg_on_each_component(seed):
    matrix, degree, rhs, starts, ranges = _blocks(_mixed_components(seed), seed)
    solution, _ = hi._componentwise_cg(matrix, degree, rhs, starts, rtol=1e-12, maxiter=1000)
    for lo, hi_ in ranges:
        laplacian = sp.csr_array(sp.diags_array(degree[lo:hi_]) - matrix[lo:hi_][:, lo:hi_])
        alone = hi._jacobi_cg(laplacian, rhs[lo:hi_], rtol=1e-12, maxiter=1000)
        # the same iteration; only the order of additions in sums and products differs
        assert np.allclose(solution[lo:hi_], alone, rtol=0, atol=1e-10 * np.abs(alone).max())


def test_each_component_stops_at_its_own_relative_residual_where_one_global_cg_does_not():
    # one large component whose right-hand side is a million times the others'
    matrix, degree, rhs, starts, ranges = _blocks(_mixed_components(0), 0)
    lo, hi_ = ranges[0]
    rhs[lo:hi_] *= 1e6
    solution, converged = hi._componentwise_cg(matrix, degree, rhs, starts, rtol=1e-12, maxiter=1000)
    assert converged.all()
    worst = max(_relative_residual(matrix, degree, rhs, solution, lo_, hi__) for lo_, hi__ in ranges)
    assert worst < 1e-11
    # the replaced form: one CG whose target is relative to the whole right-hand side
    laplacian = sp.csr_array(sp.diags_array(degree) - matrix)
    whole = hi._jacobi_cg(laplacian, rhs, rtol=1e-12, maxiter=1000)
    worst_whole = max(_relative_residual(matrix, degree, rhs, whole, lo_, hi__) for lo_, hi__ in ranges)
    assert worst_whole > 100 * worst


def test_a_component_where_cg_stalls_is_reported_while_the_others_converge():
    # a long path: Jacobi CG needs about as many iterations as vertices
    graphs = [nx.random_regular_graph(3, 1000, seed=1), nx.path_graph(5000), nx.cycle_graph(7)]
    matrix, degree, rhs, starts, ranges = _blocks(graphs, 1)
    solution, converged = hi._componentwise_cg(matrix, degree, rhs, starts, rtol=1e-12, maxiter=1000)
    assert converged.tolist() == [True, False, True]
    for k in (0, 2):
        lo, hi_ = ranges[k]
        reference = _direct(matrix, degree, rhs, lo, hi_)
        assert np.allclose(solution[lo:hi_], reference, rtol=0, atol=1e-9 * np.abs(reference).max())


def test_componentwise_cg_of_a_zero_right_hand_side_block_leaves_it_at_zero():
    matrix, degree, rhs, starts, ranges = _blocks(_mixed_components(2), 2)
    lo, hi_ = ranges[1]
    rhs[lo:hi_] = 0.0
    solution, converged = hi._componentwise_cg(matrix, degree, rhs, starts, rtol=1e-12, maxiter=1000)
    assert converged.all()
    assert not solution[lo:hi_].any()


# ---- trophic levels of digraphs with many weak components ----

def _random_digraph_components(sizes: list[int], density: float, seed: int) -> sp.csr_array:
    """Random digraphs (with cycles) side by side, weights in [0.5, 2], a few isolated vertices after them."""
    rng = np.random.default_rng(seed)
    parts = []
    for size in sizes:
        m = max(int(density * size), size)
        src, dst = rng.integers(0, size, m), rng.integers(0, size, m)
        # a directed spanning path keeps every part weakly connected
        src = np.r_[src, np.arange(size - 1)]
        dst = np.r_[dst, np.arange(1, size)]
        keep = src != dst
        a = sp.csr_array((rng.uniform(0.5, 2.0, keep.sum()), (src[keep], dst[keep])), shape=(size, size))
        a.sum_duplicates()
        parts.append(a)
    parts.append(sp.csr_array((3, 3)))
    return sp.csr_array(sp.block_diag(parts, format="csr"))


def _levels_of_each_component_alone(a: sp.csr_array, sizes: list[int], weighted: bool) -> np.ndarray:
    levels, offset = [], 0
    for size in sizes + [3]:
        part = sp.csr_array(a[offset:offset + size][:, offset:offset + size])
        levels.append(hi.trophic_levels(part, weighted=weighted, solver="direct"))
        offset += size
    return np.concatenate(levels)


# 7 components of 900 vertices (a core above AUTO_DIRECT_CORE with many cycles: "auto"
# solves it iteratively) and 40 small ones, down to three vertices
SIZES = [900] * 7 + [3 + (k * 7) % 40 for k in range(40)]


@pytest.mark.parametrize("solver", ["iterative", "auto"])
@pytest.mark.parametrize("weighted", [False, True])
def test_trophic_levels_of_many_components_equal_each_component_solved_alone(solver, weighted):
    a = _random_digraph_components(SIZES, 4.0, seed=5)
    expected = _levels_of_each_component_alone(a, SIZES, weighted)
    got = hi.trophic_levels(a, weighted=weighted, solver=solver)
    assert np.allclose(got, expected, rtol=0, atol=1e-9)


def test_a_many_component_core_that_auto_solves_iteratively_goes_component_by_component(monkeypatch):
    a = _random_digraph_components(SIZES, 4.0, seed=5)
    calls = []
    real = hi._componentwise_cg

    def spy(adjacency, degree, rhs, starts, **kwargs):
        calls.append(starts.size)
        return real(adjacency, degree, rhs, starts, **kwargs)

    monkeypatch.setattr(hi, "_componentwise_cg", spy)
    hi.trophic_levels(a, weighted=False)
    assert calls == [len(SIZES)]  # every part has a cycle, so a core; isolated vertices have none


def test_one_global_cg_the_replaced_form_agrees_with_the_componentwise_levels():
    a = _random_digraph_components(SIZES, 4.0, seed=6)
    b = hi.binary(a)
    sym = sp.csr_array(b + b.T)
    w_in, w_out = np.asarray(b.sum(axis=0)).ravel(), np.asarray(b.sum(axis=1)).ravel()
    alive, rhs, rounds = hi._peel_leaves(sym, w_in - w_out)
    core = np.flatnonzero(alive)
    core_sym = hi._principal_submatrix(sym, core)
    n_comp, labels = hi._symmetric_components(core_sym)
    _, grounded = np.unique(labels, return_index=True)
    free = np.setdiff1d(np.arange(core.size), grounded)
    laplacian = sp.csr_array(sp.diags_array(np.asarray(core_sym.sum(axis=1)).ravel()) - core_sym)
    x = np.zeros(a.shape[0])
    x[core[free]] = hi._jacobi_cg(hi._principal_submatrix(laplacian, free), rhs[core[free]], maxiter=1000)
    for leaves, parent, offsets in reversed(rounds):
        x[leaves] = x[parent] + offsets
    componentwise = hi._solve_laplacian(sym, w_in - w_out, solver="iterative", rtol=1e-12)
    # levels are defined up to a constant per component: compare differences along the arcs
    src, dst = b.nonzero()
    assert np.allclose(componentwise[dst] - componentwise[src], x[dst] - x[src], rtol=0, atol=1e-8)


# ---- the pieces ----

def test_component_submatrix_equals_fancy_indexing_and_is_canonical():
    a = _random_digraph_components([30, 1, 50, 7], 3.0, seed=2)
    sym = sp.csr_array(a + a.T)
    sym.sum_duplicates()
    _, labels = hi._symmetric_components(sym)
    rng = np.random.default_rng(0)
    keep = np.sort(rng.choice(sym.shape[0], size=70, replace=False))
    order = keep[np.argsort(labels[keep], kind="stable")]
    got = hi._component_submatrix(sym, order)
    expected = sp.csr_array(sym[order][:, order])
    expected.sort_indices()
    assert got.has_canonical_format
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)
    # indices really sorted in every row (the flag is set, not checked, by the function)
    check = got.copy()
    check.has_sorted_indices = False
    check.sort_indices()
    assert np.array_equal(check.indices, got.indices)


@pytest.mark.parametrize("size", [0, 1, 129, 100_003])
def test_running_count_equals_a_64_bit_count(size):
    inside = np.random.default_rng(size).random(size) < 0.7
    expected = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(inside, out=expected[1:])
    assert np.array_equal(hi._running_count(inside), expected)


@pytest.mark.parametrize("seed", range(3))
def test_diagonal_blocks_equal_the_principal_submatrix_of_their_rows(seed):
    matrix, _, _, starts, _ = _blocks(_mixed_components(seed), seed)
    size = np.diff(np.append(starts, matrix.shape[0]))
    keep = np.random.default_rng(seed).random(starts.size) < 0.5
    keep[seed] = True
    got = hi._diagonal_blocks(matrix, starts, size, keep)
    expected = hi._principal_submatrix(matrix, np.flatnonzero(np.repeat(keep, size)))
    assert got.has_canonical_format
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_componentwise_cg_cut_down_to_the_slow_blocks_equals_a_direct_solve(monkeypatch):
    # many blocks that converge in a few iterations and one that needs many: the system is
    # cut down to the slow one early, and every block still ends at its direct solution
    graphs = [nx.complete_graph(5)] * 1000 + [nx.random_regular_graph(3, 3000, seed=4)]
    matrix, degree, rhs, starts, ranges = _blocks(graphs, 4)
    cuts = []
    real = hi._diagonal_blocks

    def spy(matrix, starts, size, keep):
        cuts.append(int(keep.sum()))
        return real(matrix, starts, size, keep)

    monkeypatch.setattr(hi, "_diagonal_blocks", spy)
    solution, converged = hi._componentwise_cg(matrix, degree, rhs, starts, rtol=1e-12, maxiter=1000)
    assert converged.all()
    assert cuts == [1]  # cut down to the slow block once
    for lo, hi_ in ranges:
        reference = _direct(matrix, degree, rhs, lo, hi_)
        assert np.allclose(solution[lo:hi_], reference, rtol=0, atol=1e-9 * np.abs(reference).max())


def test_entries_within_count_the_entries_of_the_principal_submatrix():
    a = _random_digraph_components([40, 1, 25, 9], 3.0, seed=3)
    sym = sp.csr_array(a + a.T)
    keep = np.random.default_rng(3).random(sym.shape[0]) < 0.6
    assert hi._entries_within(sym, keep) == hi._principal_submatrix(sym, np.flatnonzero(keep)).nnz


def test_component_wise_degrees_are_the_core_matrix_row_sums_bit_for_bit(monkeypatch):
    # the degrees are read from the whole matrix with the peeled vertices' weights masked
    # out; they must be the row sums of the core's own matrix, in the same order of additions
    a = _random_digraph_components(SIZES, 4.0, seed=7)
    a = sp.csr_array(a + sp.csr_array(([0.3] * 3, ([0, 900, 1800], [5, 950, 1850])), shape=a.shape))  # ragged weights
    sym = sp.csr_array(a + a.T)
    w_in, w_out = np.asarray(a.sum(axis=0)).ravel(), np.asarray(a.sum(axis=1)).ravel()
    alive, _, _ = hi._peel_leaves(sym, w_in - w_out)
    core = np.flatnonzero(alive)
    core_sym = hi._principal_submatrix(sym, core)
    row_sums = np.asarray(core_sym.sum(axis=1)).ravel()
    seen = {}
    real = hi._componentwise_cg

    def spy(adjacency, degree, rhs, starts, **kwargs):
        seen["degree"] = degree.copy()
        return real(adjacency, degree, rhs, starts, **kwargs)

    monkeypatch.setattr(hi, "_componentwise_cg", spy)
    hi.trophic_levels(a, weighted=True, solver="iterative")
    labels = hi.weak_labels(a)[core]  # as trophic_levels labels the components
    _, grounded = np.unique(labels, return_index=True)
    free = np.setdiff1d(np.arange(core.size), grounded)
    order = np.argsort(labels[free], kind="stable")
    assert np.array_equal(seen["degree"], row_sums[free[order]])


@pytest.mark.parametrize("seed", range(3))
def test_row_sums_within_equal_the_principal_submatrix_row_sums_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    a = _random_digraph_components([40, 1, 25, 9, 300], 3.0, seed=seed)
    a.data = rng.uniform(0.01, 100.0, a.nnz)  # ragged weights: the order of additions shows
    sym = sp.csr_array(a + a.T)
    keep = rng.random(sym.shape[0]) < 0.6
    kept = np.flatnonzero(keep)
    expected = np.asarray(hi._principal_submatrix(sym, kept).sum(axis=1)).ravel()
    got = hi._row_sums_within(sym, keep)
    assert np.array_equal(got[kept], expected)
    assert not got[~keep].any()
