"""A layer's measures share one canonical form, 0/1 pattern, transpose and condensation,
and give exactly what each measure computing its own copies gave.

audit.json carries the layer measures to full precision, so the shared forms
(``digraph.shared_forms``), the symmetric-pattern test without an elementwise comparison,
and the components of a symmetric pattern found without scipy's undirected search (which
transposes) must equal, bit for bit, the forms they replaced. Those replaced forms are kept
here as the specification.
"""

from __future__ import annotations

import contextlib

import igraph as ig
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from orgpower.metrics import centralization as cz
from orgpower.metrics import digraph as dg
from orgpower.metrics import hierarchy as hi
from orgpower.metrics import layer as layer_module
from orgpower.metrics.layer import layer_measures


def random_digraph(n, m, seed, *, weighted=False, mutual=0.0, loops=0, negative=False):
    """n vertices, about m random arcs (a share ``mutual`` of them returned), ``loops``
    self-loops and repeated records (summed by the canonical form)."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    back = rng.random(m) < mutual
    src, dst = np.concatenate([src, dst[back]]), np.concatenate([dst, src[back]])
    loop = rng.integers(0, n, loops)
    src, dst = np.concatenate([src, loop, src[:5]]), np.concatenate([dst, loop, dst[:5]])
    weights = rng.integers(1, 5, src.size).astype(float) if weighted else np.ones(src.size)
    if negative:
        weights[::7] *= -1
    return sp.csr_array((weights, (src, dst)), shape=(n, n))


def out_tree(n):
    return sp.csr_array((np.ones(n - 1), (np.arange(1, n) // 3, np.arange(1, n))), shape=(n, n))


def mutual_cycle(n):
    ring = np.arange(n)
    src, dst = np.concatenate([ring, (ring + 1) % n]), np.concatenate([(ring + 1) % n, ring])
    return sp.csr_array((np.ones(2 * n), (src, dst)), shape=(n, n))


class WeightedLayer:
    """What ``layer_measures`` reads of a Layer: its adjacency, whether it is weighted, its people."""

    def __init__(self, adjacency):
        self.adjacency = adjacency
        self.weighted = True
        self.people_count = adjacency.shape[0]


GRAPHS = {
    "sparse random": random_digraph(300, 500, 1),
    "dense random, half returned": random_digraph(200, 2_000, 2, mutual=0.5),
    "weighted, loops and repeats": random_digraph(250, 900, 3, weighted=True, loops=20),
    "out-tree": out_tree(400),
    "mutual cycle": mutual_cycle(50),
    "no arcs": sp.csr_array((30, 30)),
}


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("exact_limit", [20_000, 50])  # exact, and every estimate
def test_layer_measures_equal_each_measure_deriving_its_own_forms(monkeypatch, name, exact_limit):
    graph = GRAPHS[name]
    shared = layer_measures(graph, exact_limit=exact_limit, seed=3)
    monkeypatch.setattr(layer_module, "shared_forms", contextlib.nullcontext)
    own = layer_measures(graph, exact_limit=exact_limit, seed=3)
    assert repr(shared) == repr(own)


@pytest.mark.parametrize("negative", [False, True])
def test_weighted_layer_measures_equal_each_measure_deriving_its_own_forms(monkeypatch, negative):
    layer = WeightedLayer(random_digraph(300, 1_200, 4, weighted=True, mutual=0.3, negative=negative))
    shared = layer_measures(layer, seed=5)
    monkeypatch.setattr(layer_module, "shared_forms", contextlib.nullcontext)
    assert repr(shared) == repr(layer_measures(layer, seed=5))


def test_forms_are_derived_once_inside_a_block_and_equal_the_fresh_ones():
    w = random_digraph(100, 400, 6, weighted=True, loops=5)
    with dg.shared_forms():
        a = dg.binary(dg.as_adjacency(w))
        assert dg.as_adjacency(w) is dg.as_adjacency(w)
        assert dg.binary(dg.as_adjacency(w)) is a
        assert dg.as_adjacency(a) is a and dg.binary(a) is a
        assert dg.transposed(a) is dg.transposed(a)
        assert dg.transposed(dg.transposed(a)) is a
        assert dg.condensation(a) is dg.condensation(a)
        assert dg.weak_labels(a) is dg.weak_labels(a)
    fresh = dg.binary(dg.as_adjacency(w))
    assert (abs(fresh - a)).nnz == 0 and fresh.has_canonical_format
    assert (abs(sp.csr_array(fresh.T) - dg.transposed(fresh))).nnz == 0


def test_nothing_is_kept_outside_a_block():
    a = random_digraph(50, 100, 7)
    assert dg.transposed(a) is not dg.transposed(a)
    assert dg.binary(a) is not dg.binary(a)
    with dg.shared_forms():
        inside = dg.transposed(a)
        with dg.shared_forms():  # a nested block shares the outer one's forms
            assert dg.transposed(a) is inside
        assert dg.transposed(a) is inside
    assert dg.transposed(a) is not inside


def test_the_pattern_of_a_raw_matrix_is_still_made_canonical():
    """binary() of a matrix with self-loops is not taken for its canonical adjacency."""
    raw = sp.csr_array((np.ones(3), ([0, 1, 1], [0, 2, 0])), shape=(3, 3))
    with dg.shared_forms():
        pattern = dg.binary(raw)
        assert dg.as_adjacency(pattern).diagonal().sum() == 0
        assert dg.as_adjacency(pattern).nnz == 2


def symmetric_by_comparison(a):
    """The replaced form: an elementwise comparison with the transpose."""
    return (a != a.T).nnz == 0


@pytest.mark.parametrize("graph", [
    random_digraph(200, 800, 8),
    random_digraph(200, 800, 9, mutual=1.0),
    mutual_cycle(30),
    out_tree(30),
    sp.csr_array((10, 10)),
])
def test_closed_form_symmetry_test_equals_the_elementwise_comparison(graph):
    a = dg.binary(dg.as_adjacency(graph))
    in_degree, out_degree = np.bincount(a.indices, minlength=a.shape[0]), np.diff(a.indptr)
    quick = bool(np.array_equal(in_degree, out_degree) and cz._symmetric_pattern(a))
    assert quick == symmetric_by_comparison(a)


def test_equal_degrees_alone_do_not_make_a_pattern_symmetric():
    cycle = sp.csr_array((np.ones(3), ([0, 1, 2], [1, 2, 0])), shape=(3, 3))
    assert not cz._symmetric_pattern(cycle) and not symmetric_by_comparison(cycle)


def same_partition(first, second):
    """Two labellings that group the vertices alike (whatever their numbers)."""
    pairs = set(zip(first.tolist(), second.tolist()))
    return len(pairs) == len(set(first.tolist())) == len(set(second.tolist()))


@pytest.mark.parametrize("seed", range(4))
def test_symmetric_components_are_the_undirected_components(seed):
    a = random_digraph(500, 300 + 200 * seed, seed)
    sym = sp.csr_array(a + a.T)
    count, labels = hi._symmetric_components(sym)
    undirected_count, undirected = connected_components(sym, directed=False)
    assert count == undirected_count and same_partition(labels, undirected)


def trophic_levels_by_undirected_search(graph, *, weighted=True):
    """The replaced form of ``hierarchy.trophic_levels``: W + Wᵀ from a fresh transpose,
    components of it by scipy's undirected search (a grounded vertex per component, and
    the shift to min 0 per component)."""
    a = dg.as_adjacency(graph)
    if not weighted:
        a = dg.binary(a)
    n = a.shape[0]
    if n == 0 or a.nnz == 0:
        return np.zeros(n)
    w_out = np.asarray(a.sum(axis=1)).ravel()
    w_in = np.asarray(a.sum(axis=0)).ravel()
    sym = sp.csr_array(a + a.T)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hi, "_symmetric_components", lambda s: connected_components(s, directed=False))
        h = hi._solve_laplacian(sym, w_in - w_out, solver="auto", rtol=1e-12)
    n_comp, labels = connected_components(sym, directed=False)
    minimum = np.full(n_comp, np.inf)
    np.minimum.at(minimum, labels, h)
    return h - minimum[labels]


@pytest.mark.parametrize("graph", [
    random_digraph(400, 500, 10, weighted=True),  # many components, a core solved directly
    random_digraph(6_000, 30_000, 11, weighted=True, mutual=0.2),  # a core solved by CG
    random_digraph(300, 900, 12, weighted=True, negative=True),  # weights that cancel in W + Wᵀ
    out_tree(200),
])
@pytest.mark.parametrize("weighted", [True, False])
def test_trophic_levels_equal_the_undirected_search_form(graph, weighted):
    expected = trophic_levels_by_undirected_search(graph, weighted=weighted)
    assert np.array_equal(hi.trophic_levels(graph, weighted=weighted), expected)
    with dg.shared_forms():
        assert np.array_equal(hi.trophic_levels(graph, weighted=weighted), expected)


def test_igraph_copy_has_the_arcs_of_the_two_column_form_in_the_same_order():
    """The replaced form handed igraph a two-column array; the order of the arcs decides
    the order of igraph's sums (exact betweenness), so it must be the same."""
    a = random_digraph(300, 1_500, 13, mutual=0.3)
    src, dst, _ = dg.arcs(a)
    expected = ig.Graph(n=300, edges=np.column_stack([src, dst]), directed=True)
    assert dg.to_igraph(a).get_edgelist() == expected.get_edgelist()
    assert dg.to_igraph(sp.csr_array((4, 4))).ecount() == 0


@pytest.mark.parametrize("values", [
    np.array([5, 3, 5, 1, 3, 3], dtype=np.int64),
    np.zeros(0, dtype=np.int64),
    np.random.default_rng(14).integers(0, 1_000, 50_000),
])
def test_sorted_distinct_equals_numpys_unique(values):
    """The replaced form is ``np.unique`` (in the generations of a DAG and in leaf peeling)."""
    got = dg.sorted_distinct(values)
    assert np.array_equal(got, np.unique(values)) and got.dtype == np.unique(values).dtype


def test_a_patterns_transpose_inside_a_block_is_the_fresh_transpose():
    """Inside a block the 0/1 pattern shares the weighted matrix's index arrays and its
    transpose is the weighted transpose with ones: the same arrays as made afresh."""
    w = random_digraph(400, 2_000, 15, weighted=True, mutual=0.3, loops=4)
    fresh = dg.binary(dg.as_adjacency(w))
    fresh_reverse = sp.csr_array(fresh.T)
    with dg.shared_forms():
        canonical = dg.as_adjacency(w)
        pattern = dg.binary(canonical)
        reverse = dg.transposed(pattern)
        assert np.shares_memory(pattern.indices, canonical.indices)
        for made, expected in ((pattern, fresh), (reverse, fresh_reverse)):
            assert np.array_equal(made.indptr, expected.indptr)
            assert np.array_equal(made.indices, expected.indices)
            assert np.array_equal(made.data, expected.data)
    assert np.array_equal(canonical.data, dg.as_adjacency(w).data)  # the weights are untouched
