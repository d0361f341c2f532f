"""The faster forms of the null model's inner steps equal the forms they replaced, bit for bit.

The null means and z-scores are written to full precision, so leaf peeling, the count of
arcs on cycles and the warm-started CG of a null sample must give exactly what the
row-scanning peel, a strong-component pass over every arc and the textbook CG gave. The
replaced forms are kept here as the specification.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from orgpower.metrics import hierarchy as hi
from orgpower.metrics import nulls


def peel_leaves_by_rows(sym: sp.csr_array, rhs: np.ndarray, *, max_rounds: int = 200):
    """The replaced form of ``hierarchy._peel_leaves``: each round scans the leaves' rows
    for their one live neighbour and marks the frontier in an O(n) mask."""
    n = sym.shape[0]
    b = rhs.astype(float).copy()
    degree = np.diff(sym.indptr).astype(np.int64)
    alive = np.ones(n, dtype=bool)
    rounds = []
    frontier = np.flatnonzero(degree == 1)
    while frontier.size and len(rounds) < max_rounds:
        starts = sym.indptr[frontier]
        counts = sym.indptr[frontier + 1] - starts
        owner = np.repeat(np.arange(frontier.size), counts)
        pos = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) + np.arange(counts.sum())
        neighbour = sym.indices[pos]
        live = alive[neighbour]
        parent = np.empty(frontier.size, dtype=np.int64)
        weight = np.empty(frontier.size)
        parent[owner[live]] = neighbour[live]
        weight[owner[live]] = sym.data[pos[live]]
        in_frontier = np.zeros(n, dtype=bool)
        in_frontier[frontier] = True
        peel = ~(in_frontier[parent] & (frontier < parent))
        leaves, parent, weight = frontier[peel], parent[peel], weight[peel]
        offsets = b[leaves] / weight
        np.add.at(b, parent, b[leaves])
        alive[leaves] = False
        np.subtract.at(degree, parent, 1)
        rounds.append((leaves, parent, offsets))
        candidates = np.unique(parent)
        frontier = candidates[alive[candidates] & (degree[candidates] == 1)]
    return alive, b, rounds


def textbook_jacobi_cg(laplacian, rhs, x, inverse_diagonal, rtol, maxiter=nulls.CG_MAXITER):
    """The replaced form of ``nulls._jacobi_cg_from`` (a new vector for every update)."""
    r = rhs - laplacian(x)
    target = (rtol * max(float(np.sqrt(np.dot(rhs, rhs))), 1e-300)) ** 2
    z = inverse_diagonal * r
    p = z.copy()
    rz = float(np.dot(r, z))
    for _ in range(maxiter):
        if float(np.dot(r, r)) <= target:
            return x
        q = laplacian(p)
        alpha = rz / float(np.dot(p, q))
        x += alpha * p
        r -= alpha * q
        z = inverse_diagonal * r
        rz_next = float(np.dot(r, z))
        p = z + (rz_next / rz) * p
        rz = rz_next
    return x if float(np.dot(r, r)) <= target else None


def _symmetric(src, dst, n, weights=None):
    weights = np.ones(src.size) if weights is None else weights
    a = sp.csr_array((weights, (src, dst)), shape=(n, n))
    return sp.csr_array(a + a.T)


def _tree_with_cross_ties(seed: int, n: int, cross: int):
    """A random recursive tree (arcs parent -> child), some returned, plus random ties."""
    rng = np.random.default_rng(seed)
    child = np.arange(1, n)
    parent = (rng.random(n - 1) * child).astype(np.int64)
    returned = rng.random(n - 1) < 0.2
    src = np.concatenate([parent, child[returned], rng.integers(0, n, cross)])
    dst = np.concatenate([child, parent[returned], rng.integers(0, n, cross)])
    keys = np.unique(src * n + dst)
    src, dst = keys // n, keys % n
    keep = src != dst
    return src[keep], dst[keep]


GRAPHS = [
    ("tree", 0, 400, 0),
    ("tree with a few cross ties", 1, 400, 5),
    ("sparse random", 2, 300, 300),
    ("denser random", 3, 200, 800),
]


def _assert_same_peeling(sym, rhs, **kwargs):
    alive, b, rounds = hi._peel_leaves(sym, rhs, **kwargs)
    alive_ref, b_ref, rounds_ref = peel_leaves_by_rows(sym, rhs, **kwargs)
    assert np.array_equal(alive, alive_ref)
    assert np.array_equal(b, b_ref)
    assert len(rounds) == len(rounds_ref)
    for (leaves, parent, offsets), (leaves_ref, parent_ref, offsets_ref) in zip(rounds, rounds_ref):
        assert np.array_equal(leaves, leaves_ref)
        assert np.array_equal(parent, parent_ref)
        assert np.array_equal(offsets, offsets_ref)


@pytest.mark.parametrize("label,seed,n,cross", GRAPHS)
def test_leaf_peeling_gives_the_rounds_of_the_row_scanning_form(label, seed, n, cross):
    src, dst = _tree_with_cross_ties(seed, n, cross)
    sym = _symmetric(src, dst, n)
    rhs = (np.bincount(dst, minlength=n) - np.bincount(src, minlength=n)).astype(float)
    _assert_same_peeling(sym, rhs)


@pytest.mark.parametrize("label,seed,n,cross", GRAPHS)
def test_leaf_peeling_gives_the_rounds_of_the_row_scanning_form_with_real_weights(label, seed, n, cross):
    src, dst = _tree_with_cross_ties(seed, n, cross)
    weights = np.random.default_rng(seed).uniform(0.1, 5.0, src.size)
    sym = _symmetric(src, dst, n, weights)
    rhs = np.asarray(sym.sum(axis=0)).ravel() - 2 * np.bincount(src, weights=weights, minlength=n)
    _assert_same_peeling(sym, rhs)


def test_leaf_peeling_stops_after_max_rounds_as_the_row_scanning_form_does():
    n = 50  # a chain: 25 rounds to peel from both ends
    sym = _symmetric(np.arange(n - 1), np.arange(1, n), n)
    rhs = np.random.default_rng(0).normal(size=n)
    rhs -= rhs.mean()
    _assert_same_peeling(sym, rhs, max_rounds=7)


def test_leaf_peeling_of_isolated_edges_keeps_the_lower_end():
    sym = _symmetric(np.array([0, 3]), np.array([1, 2]), 5)
    alive, _, rounds = hi._peel_leaves(sym, np.array([-1.0, 1.0, 1.0, -1.0, 0.0]))
    assert alive.tolist() == [True, False, True, False, True]
    assert rounds[0][0].tolist() == [1, 3] and rounds[0][1].tolist() == [0, 2]



def symmetric_pattern_through_coo(src, dst, n):
    """The replaced form of ``nulls._symmetric_pattern``: both arc directions as COO
    entries, converted and summed."""
    ends, starts = np.concatenate([src, dst]), np.concatenate([dst, src])
    sym = sp.csr_array((np.ones(ends.size), (ends, starts)), shape=(n, n))
    sym.sum_duplicates()
    return sym


@pytest.mark.parametrize("label,seed,n,cross", GRAPHS)
def test_symmetric_pattern_is_the_matrix_of_the_coo_form(label, seed, n, cross):
    src, dst = _tree_with_cross_ties(seed, n, cross)
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    expected = symmetric_pattern_through_coo(src, dst, n)
    got = nulls._symmetric_pattern(src, dst, n)
    assert got.has_canonical_format
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_symmetric_pattern_counts_a_returned_pair_twice_and_keeps_empty_rows():
    # 0<->1 returned, 1->2 one way, vertex 3 without arcs
    got = nulls._symmetric_pattern(np.array([0, 1, 1]), np.array([1, 0, 2]), 4)
    assert got.toarray().tolist() == [[0, 2, 0, 0], [2, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]]
    assert got.has_canonical_format


def test_symmetric_pattern_of_arcs_in_any_order_is_that_of_the_sorted_arcs():
    src, dst = _tree_with_cross_ties(3, 200, 800)
    shuffled = np.random.default_rng(0).permutation(src.size)
    expected = symmetric_pattern_through_coo(src, dst, 200)
    got = nulls._symmetric_pattern(src[shuffled], dst[shuffled], 200)
    assert np.array_equal(got.indices, expected.indices) and np.array_equal(got.data, expected.data)

@pytest.mark.parametrize("label,seed,n,cross", GRAPHS + [("dense random", 4, 40, 1200)])
def test_reverse_arcs_read_off_the_symmetric_pattern_are_the_key_table_positions(label, seed, n, cross):
    src, dst = _tree_with_cross_ties(seed, n, cross)
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    expected = nulls.ArcKeyTable(src.size).positions(dst * n + src, src * n + dst)
    got = nulls._reverse_arcs(src, dst, n, nulls._symmetric_pattern(src, dst, n))
    assert np.count_nonzero(expected >= 0) > 0  # the case has returned pairs
    assert np.array_equal(got, expected)


def test_reverse_arcs_of_a_self_loop_is_the_loop_itself_as_with_keys():
    src, dst = np.array([0, 1, 1, 2]), np.array([1, 0, 1, 0])
    expected = nulls.ArcKeyTable(4).positions(dst * 3 + src, src * 3 + dst)
    assert nulls._reverse_arcs(src, dst, 3, nulls._symmetric_pattern(src, dst, 3)).tolist() == expected.tolist() == [1, 0, 2, -1]



def _strongly_cyclic_arcs(src, dst, n):
    """The replaced count: strong components over every arc."""
    a = sp.csr_array((np.ones(src.size), (src, dst)), shape=(n, n))
    _, scc = connected_components(a, directed=True, connection="strong")
    return int(np.count_nonzero(scc[src] == scc[dst]))


@pytest.mark.parametrize("label,seed,n,cross", GRAPHS)
def test_arcs_on_cycles_counted_on_the_peeled_core_equal_the_count_over_every_arc(label, seed, n, cross):
    src, dst = _tree_with_cross_ties(seed, n, cross)
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    sym = _symmetric(np.concatenate([src]), np.concatenate([dst]), n)
    sym.data[:] = 1.0
    alive, _, _ = hi._peel_leaves(sym, np.zeros(n))
    keys = src * n + dst
    returned = np.isin(dst * n + src, keys)
    assert nulls._arcs_on_cycles(src, dst, n, alive, returned) == _strongly_cyclic_arcs(src, dst, n)


def test_arcs_on_cycles_count_returned_arcs_hanging_off_the_core():
    # a triangle 0->1->2->0 with a returned pair 2<->3 and a one-way arc 3->4 hanging off it
    src, dst = np.array([0, 1, 2, 2, 3, 3]), np.array([1, 2, 0, 3, 2, 4])
    alive = np.array([True, True, True, False, False])
    returned = np.array([False, False, False, True, True, False])
    assert nulls._arcs_on_cycles(src, dst, 5, alive, returned) == 5 == _strongly_cyclic_arcs(src, dst, 5)


@pytest.mark.parametrize("seed", range(3))
def test_in_place_cg_gives_the_textbook_cg_iterates_bit_for_bit(seed):
    g = nx.gnm_random_graph(500, 1500, seed=seed)
    edges = np.array(list(g.edges), dtype=np.int64)
    core_sym = _symmetric(edges[:, 0], edges[:, 1], 500)
    degree = np.asarray(core_sym.sum(axis=1)).ravel()
    inverse_diagonal = np.divide(1.0, degree, out=np.zeros(500), where=degree > 0)
    rhs = np.random.default_rng(seed).normal(size=500)
    _, labels = connected_components(core_sym, directed=False)
    rhs -= (np.bincount(labels, weights=rhs) / np.bincount(labels))[labels]  # consistent per component
    start = np.random.default_rng(seed + 10).normal(size=500)
    expected = textbook_jacobi_cg(lambda y: degree * y - core_sym @ y, rhs, start.copy(), inverse_diagonal, 1e-8)
    solved = nulls._jacobi_cg_from(core_sym, degree, rhs, start.copy(), inverse_diagonal, 1e-8)
    assert expected is not None
    assert np.array_equal(solved, expected)


def rewire_with_pandas_hashing(sources, targets, n, *, swaps_per_arc=4.0, rng=None):
    """The replaced form of ``nulls.rewire``: a pandas hash table over every arc key and
    over every created key, each round."""
    import math

    import pandas as pd

    rng = np.random.default_rng(rng)
    src = np.asarray(sources, dtype=np.int64).copy()
    dst = np.asarray(targets, dtype=np.int64).copy()
    m = src.size
    if m < 2:
        return src, dst, 0.0
    proposals_left = int(math.ceil(swaps_per_arc * m))
    proposed = accepted = 0
    while proposals_left > 0:
        order = rng.permutation(m)
        half = min(m // 2, proposals_left)
        first, second = order[:half], order[half:2 * half]
        a, b, c, d = src[first], dst[first], src[second], dst[second]
        created = np.concatenate([a * n + d, c * n + b])
        taken = pd.Index(created).isin(src * n + dst)
        clash = pd.Series(created).duplicated(keep=False).to_numpy()
        bad = taken | clash
        ok = (a != d) & (c != b) & ~bad[:half] & ~bad[half:]
        dst[first[ok]] = d[ok]
        dst[second[ok]] = b[ok]
        proposed += half
        accepted += int(ok.sum())
        proposals_left -= half
    return src, dst, accepted / proposed if proposed else 0.0


def _keys(seed, size, span):
    """Random keys with repeats (a small span forces many)."""
    return np.random.default_rng(seed).integers(0, span, size, dtype=np.int64)


KEY_CASES = [(seed, size, span) for seed in range(4) for size, span in ((0, 10), (1, 10), (50, 20), (3000, 10**6),
                                                                          (3000, 2000), (20_000, 10**12))]


NARROWING = {"pandas settles the candidates": None, "a second table narrows them first": 0}


@pytest.mark.parametrize("narrowing", NARROWING)
@pytest.mark.parametrize("seed,size,span", KEY_CASES)
def test_key_table_finds_the_repeated_keys_pandas_finds(seed, size, span, narrowing):
    import pandas as pd

    keys = _keys(seed, size, span)
    table = nulls.ArcKeyTable(max(size, 1), narrow_above=NARROWING[narrowing])
    assert np.array_equal(table.repeated(keys), pd.Series(keys).duplicated(keep=False).to_numpy())


@pytest.mark.parametrize("narrowing", NARROWING)
@pytest.mark.parametrize("seed,size,span", KEY_CASES)
def test_key_table_membership_equals_pandas_isin(seed, size, span, narrowing):
    import pandas as pd

    keys, universe = _keys(seed, size, span), _keys(seed + 100, size // 2 + 3, span)
    table = nulls.ArcKeyTable(max(size, 1), narrow_above=NARROWING[narrowing])
    assert np.array_equal(table.isin(keys, universe), pd.Index(keys).isin(universe))


def test_key_table_narrowing_grows_its_second_table_for_more_candidates_and_stays_exact():
    import pandas as pd

    table = nulls.ArcKeyTable(16, narrow_above=0)  # every key a candidate, sizes growing
    for seed, size in enumerate([100, 5000, 300, 40_000]):
        keys, universe = _keys(seed, size, 10 * size), _keys(seed + 9, size, 10 * size)
        assert np.array_equal(table.repeated(keys), pd.Series(keys).duplicated(keep=False).to_numpy())
        assert np.array_equal(table.isin(keys, universe), pd.Index(keys).isin(universe))
    assert 1 << (table._narrowing.bits - 2) >= 40_000


@pytest.mark.parametrize("seed,size,span", KEY_CASES)
def test_key_table_positions_equal_pandas_get_indexer(seed, size, span):
    import pandas as pd

    keys, universe = _keys(seed, size, span), np.unique(_keys(seed + 100, size // 2 + 3, span))
    universe = np.random.default_rng(seed).permutation(universe)  # positions, not sorted order
    table = nulls.ArcKeyTable(max(size, 1))
    assert np.array_equal(table.positions(keys, universe), pd.Index(universe).get_indexer(keys))


def test_key_table_answers_stay_exact_when_the_table_is_far_too_small_and_reused():
    # a table sized for 4 keys, asked about thousands, again and again: every bucket is
    # crowded and stale marks remain, which only widens the candidates
    import pandas as pd

    table = nulls.ArcKeyTable(4, narrow_above=1000)
    for seed in range(5):
        keys, universe = _keys(seed, 5000, 8000), _keys(seed + 7, 4000, 8000)
        assert np.array_equal(table.repeated(keys), pd.Series(keys).duplicated(keep=False).to_numpy())
        assert np.array_equal(table.isin(keys, universe), pd.Index(keys).isin(universe))


@pytest.mark.parametrize("label,seed,n,cross", GRAPHS)
def test_rewiring_through_the_key_table_makes_the_swaps_of_the_pandas_form(label, seed, n, cross):
    src, dst = _tree_with_cross_ties(seed, n, cross)
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    expected = rewire_with_pandas_hashing(src, dst, n, swaps_per_arc=2.0, rng=seed)
    got = nulls.rewire(src, dst, n, swaps_per_arc=2.0, rng=seed)
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
    assert got[2] == expected[2]


def test_rewiring_of_a_dense_layer_rejects_the_clashes_the_pandas_form_rejects():
    # dense: many proposals create an existing arc or the same arc twice in one round
    g = nx.gnm_random_graph(60, 1400, seed=5, directed=True)
    arcs_ = np.array(sorted(g.edges), dtype=np.int64)
    expected = rewire_with_pandas_hashing(arcs_[:, 0], arcs_[:, 1], 60, rng=9)
    got = nulls.rewire(arcs_[:, 0], arcs_[:, 1], 60, rng=9)
    assert expected[2] < 0.9  # the case is one where rejections happen
    assert np.array_equal(got[1], expected[1]) and got[2] == expected[2]


@pytest.mark.parametrize("swaps_per_arc", [0.3, 1.3, 2.7])
def test_rewiring_with_an_odd_arc_count_and_a_partial_last_round_makes_the_swaps_of_the_pandas_form(swaps_per_arc):
    # an odd m leaves one arc out of every round's pairs, and a fractional share of
    # proposals ends with a short round: both keep arcs whose keys were not re-created
    src, dst = _tree_with_cross_ties(4, 500, 301)
    order = np.argsort(src, kind="stable")
    src, dst = src[order][:-1] if src.size % 2 == 0 else src[order], dst[order][:-1] if dst.size % 2 == 0 else dst[order]
    assert src.size % 2 == 1
    expected = rewire_with_pandas_hashing(src, dst, 500, swaps_per_arc=swaps_per_arc, rng=3)
    got = nulls.rewire(src, dst, 500, swaps_per_arc=swaps_per_arc, rng=3)
    assert np.array_equal(got[1], expected[1]) and got[2] == expected[2]


def test_rewiring_of_a_dense_layer_over_many_rounds_rejects_what_the_pandas_form_rejects():
    # rejected proposals put their old keys back into the arc set of the next round
    g = nx.gnm_random_graph(40, 900, seed=6, directed=True)
    arcs_ = np.array(sorted(g.edges), dtype=np.int64)
    expected = rewire_with_pandas_hashing(arcs_[:, 0], arcs_[:, 1], 40, swaps_per_arc=6.0, rng=2)
    got = nulls.rewire(arcs_[:, 0], arcs_[:, 1], 40, swaps_per_arc=6.0, rng=2)
    assert expected[2] < 0.5
    assert np.array_equal(got[1], expected[1]) and got[2] == expected[2]


def test_a_chain_sharing_one_key_table_gives_the_samples_of_fresh_tables():
    src, dst = _tree_with_cross_ties(2, 3000, 900)
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    shared = nulls.ArcKeyTable(src.size)
    chain_shared = chain_fresh = (src, dst)
    for step in range(3):
        chain_shared = nulls.rewire(*chain_shared, 3000, swaps_per_arc=1.0, rng=step, table=shared)[:2]
        chain_fresh = nulls.rewire(*chain_fresh, 3000, swaps_per_arc=1.0, rng=step)[:2]
        assert np.array_equal(chain_shared[1], chain_fresh[1])
        weights = np.ones(src.size)
        measured_shared = nulls.sample_measures(*chain_shared, weights, 3000, table=shared)[0]
        assert measured_shared == nulls.sample_measures(*chain_fresh, weights, 3000)[0]
