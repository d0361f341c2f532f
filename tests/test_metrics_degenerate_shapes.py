"""Degenerate shapes finish, and finish right: long chains, huge cycles, stars.

These are the shapes on which generic all-pairs or eigen-solvers go quadratic or stall
(a 20,000-person reporting chain once ran for minutes in an eigen-solver). Each test asks
that the measure returns and equals a value known in closed form for the shape, or an
independent implementation (igraph, networkx, numpy dense eigenvalues) on a smaller
instance of the same shape. No timing is asserted (speed lives in benchmarks/).

Closed forms used:
* path P_n (undirected): λ_max = 2 cos(π / (n + 1)); directed chain: betweenness of the
  i-th vertex i (n − 1 − i), reach n − 1 − i, GRC n / (2 (n − 1)), F0 = 0;
* directed cycle C_n: Perron root 1, every vertex's betweenness (n − 1)(n − 2)/2, so
  centralization 0; mutual ring: λ_max = 2;
* star S_n: constraint of the hub 1/(n − 1), of a leaf 1; mutual star betweenness
  centralization 1 (Freeman's maximum).
"""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from orgpower.metrics import centralization as cz
from orgpower.metrics.layer import layer_measures
from orgpower.metrics.nodes import directed_betweenness
from orgpower.metrics.power import bonacich_power, default_bonacich_beta, spectral_radius
from orgpower.metrics.structural_holes import constraint


def arcs(sources, targets, n, weights=None) -> sp.csr_array:
    sources, targets = np.asarray(sources), np.asarray(targets)
    data = np.ones(sources.size) if weights is None else np.asarray(weights, dtype=float)
    return sp.csr_array((data, (sources, targets)), shape=(n, n))


def chain(n: int) -> sp.csr_array:
    return arcs(np.arange(n - 1), np.arange(1, n), n)


def cycle(n: int) -> sp.csr_array:
    return arcs(np.arange(n), (np.arange(n) + 1) % n, n)


def out_star(n: int) -> sp.csr_array:
    return arcs(np.zeros(n - 1, dtype=int), np.arange(1, n), n)


def mutual(a: sp.csr_array) -> sp.csr_array:
    return sp.csr_array(a + a.T)


def igraph_betweenness(a: sp.csr_array) -> np.ndarray:
    coo = a.tocoo()
    graph = ig.Graph(n=a.shape[0], edges=list(zip(coo.row.tolist(), coo.col.tolist())), directed=True)
    return np.asarray(graph.betweenness(directed=True), dtype=float)


# ------------------------------------------------------------------ eigenvalues, Bonacich


@pytest.mark.parametrize("n", [20_000, 200_000])
def test_bonacich_scale_of_a_long_reporting_chain_is_the_path_eigenvalue(n):
    expected = 2 * math.cos(math.pi / (n + 1))  # the chain is acyclic: β scales on A + Aᵀ
    assert default_bonacich_beta(chain(n)) == pytest.approx(-0.5 / expected, rel=1e-12)


def test_bonacich_power_of_a_long_chain_matches_the_linear_solve():
    n = 20_000
    a = chain(n)
    beta = default_bonacich_beta(a)
    x = sp.linalg.spsolve(sp.csc_array(sp.eye_array(n) - beta * a), np.asarray(a.sum(axis=1)).ravel())
    expected = x * np.sqrt(n / np.dot(x, x))
    np.testing.assert_allclose(bonacich_power(a), expected, rtol=1e-9, atol=1e-12)


def test_perron_root_of_a_huge_cycle_is_one_and_of_a_mutual_ring_two():
    ring = cycle(100_000)
    assert spectral_radius(ring) == 1.0
    assert spectral_radius(mutual(ring)) == pytest.approx(2.0, rel=1e-12)


def test_perron_root_of_a_weighted_cycle_is_the_geometric_mean_of_its_weights():
    weights = np.array([1.0, 2.0, 4.0, 8.0])
    assert spectral_radius(arcs([0, 1, 2, 3], [1, 2, 3, 0], 4, weights)) == pytest.approx(64 ** 0.25)


def test_weighted_path_radius_matches_dense_eigenvalues():
    n = 700  # above the dense limit, so the tridiagonal path method answers
    rng = np.random.default_rng(4)
    w = rng.uniform(0.5, 3.0, n - 1)
    a = arcs(np.arange(n - 1), np.arange(1, n), n, w)
    expected = np.max(np.linalg.eigvalsh(mutual(a).toarray()))
    assert spectral_radius(mutual(a)) == pytest.approx(expected, rel=1e-10)


def test_lanczos_radius_of_a_symmetric_random_layer_matches_dense_eigenvalues():
    rng = np.random.default_rng(5)
    n = 800
    a = arcs(rng.integers(0, n, 3000), rng.integers(0, n, 3000), n)
    a.setdiag(0)
    a.eliminate_zeros()
    b = mutual(sp.csr_array(a))
    # largest over components, as the radius of a block-diagonal matrix
    assert spectral_radius(b) == pytest.approx(np.max(np.abs(np.linalg.eigvalsh(b.toarray()))), rel=1e-9)


# ------------------------------------------------------------------ betweenness, closeness


def test_closed_form_betweenness_agrees_with_igraph_on_every_unique_path_shape():
    rng = np.random.default_rng(6)
    n = 300
    parent = np.array([rng.integers(0, k) for k in range(1, n)])
    children = np.arange(1, n)
    forest = children[children % 9 != 0]
    shapes = {
        "out-tree": arcs(parent, children, n),
        "in-tree": arcs(children, parent, n),
        "mutual tree": mutual(arcs(parent, children, n)),
        "mutual forest": mutual(arcs(parent[forest - 1], forest, n)),
        "out-forest": arcs(parent[forest - 1], forest, n),
        "disjoint cycles": arcs(np.arange(n), rng.permutation(n), n),
    }
    for name, a in shapes.items():
        a.setdiag(0)
        a.eliminate_zeros()
        a = sp.csr_array(a)
        closed = cz.betweenness_closed_form(a)
        assert closed is not None, name
        np.testing.assert_allclose(closed, igraph_betweenness(a), atol=1e-9, err_msg=name)


def test_closed_form_betweenness_declines_shapes_with_several_paths():
    diamond = arcs([0, 0, 1, 2], [1, 2, 3, 3], 4)
    assert cz.betweenness_closed_form(diamond) is None


def test_long_chain_layer_measures_are_exact():
    n = 200_000
    m = layer_measures(chain(n))
    i = np.arange(n, dtype=float)
    b = i * (n - 1 - i)
    expected = float(np.sum(b.max() - b) / ((n - 1) ** 2 * (n - 2)))
    assert m["betweenness_centralization"] == pytest.approx(expected, rel=1e-12)
    assert m["global_reaching_centrality"] == pytest.approx(n / (2 * (n - 1)), rel=1e-12)
    assert m["trophic_incoherence"] == pytest.approx(0.0, abs=1e-9)
    assert m["flow_hierarchy"] == 1.0 and m["krackhardt_hierarchy"] == 1.0 and m["krackhardt_lub"] == 1.0
    assert "betweenness_centralization" not in m["estimated"]


def test_huge_cycle_layer_measures_are_exact():
    n = 100_000
    m = layer_measures(cycle(n))
    assert m["betweenness_centralization"] == pytest.approx(0.0, abs=1e-12)  # every vertex alike
    assert m["flow_hierarchy"] == 0.0 and m["krackhardt_hierarchy"] == 0.0
    assert m["trophic_incoherence"] == pytest.approx(1.0, abs=1e-9)  # balanced everywhere
    assert m["estimated"] == {}


def test_person_betweenness_on_a_chain_above_the_exact_limit_is_exact_not_sampled():
    n = 50_000
    values, record = directed_betweenness(chain(n), exact_limit=1_000)
    i = np.arange(n, dtype=float)
    assert record is None
    np.testing.assert_allclose(values, i * (n - 1 - i) / ((n - 1) * (n - 2)), rtol=1e-12)


def test_harmonic_closeness_on_a_chain_is_the_harmonic_numbers():
    n = 300
    a = chain(n)
    coo = a.tocoo()
    graph = ig.Graph(n=n, edges=list(zip(coo.row.tolist(), coo.col.tolist())), directed=True)
    expected = cz.freeman_centralization(np.asarray(graph.harmonic_centrality(mode="out", normalized=True)), n - 1)
    assert cz.closeness_centralization_harmonic(a) == pytest.approx(expected, rel=1e-12)


def test_mutual_star_is_maximally_central_and_finishes():
    n = 100_000
    m = layer_measures(mutual(out_star(n)))
    assert m["betweenness_centralization"] == pytest.approx(1.0, rel=1e-12)


# ------------------------------------------------------------------ constraint


@pytest.mark.parametrize("make", [out_star, lambda n: mutual(out_star(n))])
def test_constraint_of_a_huge_star(make):
    n = 100_000
    c = constraint(make(n))
    assert c[0] == pytest.approx(1 / (n - 1), rel=1e-12)
    np.testing.assert_allclose(c[1:], 1.0)


def test_constraint_through_hubs_agrees_with_networkx():
    rng = np.random.default_rng(8)
    n = 400
    sources = np.concatenate([rng.integers(0, n, 1500), np.zeros(300, dtype=int), rng.integers(1, n, 80)])
    targets = np.concatenate([rng.integers(0, n, 1500), rng.integers(1, n, 300), np.zeros(80, dtype=int)])
    keep = sources != targets
    a = arcs(sources[keep], targets[keep], n, rng.integers(1, 5, int(keep.sum())))
    a.sum_duplicates()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    coo = a.tocoo()
    graph.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()))
    expected = nx.constraint(graph, weight="weight")
    np.testing.assert_allclose(constraint(a), [expected[v] for v in range(n)], rtol=1e-12, atol=1e-15)
