"""Betweenness estimated from sampled shortest paths (Riondato & Kornaropoulos 2016).

References: networkx ``betweenness_centrality(normalized=False)`` on the same DiGraph
(Brandes' algorithm, independent of igraph and of the sampler) for the exact scores, and
networkx ``all_pairs_shortest_path_length`` for the vertex diameter.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from orgpower.metrics import centralization as cz
from orgpower.metrics import path_sampling as ps
from orgpower.metrics.layer import layer_measures


def _adjacency(graph: nx.DiGraph) -> sp.csr_array:
    return sp.csr_array(nx.to_scipy_sparse_array(graph, nodelist=range(graph.number_of_nodes()), dtype=float))


def _exact_scores(graph: nx.DiGraph) -> np.ndarray:
    raw = nx.betweenness_centrality(graph, normalized=False)
    return np.array([raw[v] for v in range(graph.number_of_nodes())])


def _grid() -> nx.DiGraph:
    # 6 x 6 grid, arcs right and down: between far corners there are C(10, 5) = 252
    # shortest paths and the middle vertices lie on far more of them than the edges
    grid = nx.grid_2d_graph(6, 6)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(36))
    for (r1, c1), (r2, c2) in grid.edges:
        low, high = sorted([(r1, c1), (r2, c2)])
        graph.add_edge(low[0] * 6 + low[1], high[0] * 6 + high[1])
    return graph


def test_each_vertex_is_on_sampled_paths_as_often_as_its_betweenness_says():
    # a sampler that did not draw uniformly among the shortest paths (e.g. always the
    # first predecessor) would put the grid's edge vertices far off their share
    graph = _grid()
    n = 36
    expected_share = _exact_scores(graph) / (n * (n - 1))
    pairs = 20_000
    sample = ps.sample_shortest_paths(_adjacency(graph), pairs, seed=4)
    spread = np.sqrt(pairs * expected_share * (1 - expected_share))
    assert np.all(np.abs(sample.through - pairs * expected_share) <= 4.5 * spread + 1)


def test_sampled_interior_counts_average_to_the_mean_distance_minus_one():
    graph = nx.gnp_random_graph(60, 0.05, seed=3, directed=True)
    n = 60
    lengths = dict(nx.all_pairs_shortest_path_length(graph))
    # every ordered pair: interior vertices of its shortest paths, 0 when unreachable
    interior = np.array([lengths[s].get(t, 1) - 1 for s in range(n) for t in range(n) if s != t])
    sample = ps.sample_shortest_paths(_adjacency(graph), 8_000, seed=5)
    assert abs(sample.interior.mean() - interior.mean()) <= 4.5 * interior.std() / np.sqrt(8_000)
    assert sample.through.sum() == sample.interior.sum()


@pytest.mark.parametrize("seed", range(8))
def test_vertex_diameter_bound_covers_every_shortest_path(seed):
    graph = nx.gnp_random_graph(80, 0.02 + 0.01 * seed, seed=seed, directed=True)
    longest = max(d for s, row in nx.all_pairs_shortest_path_length(graph) for d in row.values()) + 1
    assert longest <= ps.vertex_diameter_bound(_adjacency(graph)) <= 80


def test_vertex_diameter_of_a_chain_and_of_a_big_cycle_is_exact():
    assert ps.vertex_diameter_bound(_adjacency(nx.path_graph(30, create_using=nx.DiGraph))) == 30
    # a 200-cycle is one strong component above the size limit (searched, not counted)
    assert ps.vertex_diameter_bound(_adjacency(nx.cycle_graph(200, create_using=nx.DiGraph))) == 200


def test_centralization_follows_from_the_shares_and_the_mean_interior(monkeypatch):
    # the algebra alone: feed the sampler's exact expectations, get sna's exact value
    graph = nx.gnp_random_graph(50, 0.06, seed=2, directed=True)
    a = _adjacency(graph)
    n = 50
    scores = _exact_scores(graph)
    pairs = 10**6

    def exact_sample(adjacency, r, *, seed=0, cond=None):
        share = scores / (n * (n - 1))
        interior = np.full(r, scores.sum() / (n * (n - 1)))
        return ps.PathSample(r, share * r, interior, r)

    monkeypatch.setattr(ps, "sample_shortest_paths", exact_sample)
    monkeypatch.setattr(ps, "sample_size", lambda *args, **kwargs: pairs)
    estimate = ps.estimated_betweenness(a, seed=99)
    assert estimate.centralization == pytest.approx(cz.betweenness_centralization(a), abs=1e-9)
    np.testing.assert_allclose(estimate.scores, scores / ((n - 1) * (n - 2)), atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_every_sampled_score_is_within_the_stated_uniform_bound(seed):
    graph = nx.gnp_random_graph(300, 0.012, seed=seed, directed=True)
    n = 300
    exact = _exact_scores(graph) / ((n - 1) * (n - 2))
    estimate = ps.estimated_betweenness(_adjacency(graph), epsilon=0.05, seed=seed)
    assert estimate.confidence == 0.95
    assert np.abs(estimate.scores - exact).max() <= estimate.error_bound
    assert abs(estimate.centralization - cz.betweenness_centralization(_adjacency(graph))) <= \
        estimate.centralization_bound


def test_sample_size_grows_with_the_log_of_the_vertex_diameter_only():
    assert ps.sample_size(0.02, 66, 0.04) == ps.sample_size(0.02, 127, 0.04)  # ⌊log2(64)⌋ = ⌊log2(125)⌋
    assert ps.sample_size(0.02, 130, 0.04) > ps.sample_size(0.02, 127, 0.04)
    assert ps.sample_size(0.01, 66, 0.04) == pytest.approx(4 * ps.sample_size(0.02, 66, 0.04), abs=4)


def test_below_the_work_budget_the_exact_value_is_used():
    graph = nx.gnp_random_graph(400, 0.01, seed=6, directed=True)
    a = _adjacency(graph)
    measures = layer_measures(a)
    assert "betweenness_centralization" not in measures["estimated"]
    assert measures["betweenness_centralization"] == pytest.approx(cz.betweenness_centralization(a), abs=1e-12)


def test_above_the_work_budget_a_small_layer_is_estimated_and_says_how(monkeypatch):
    graph = nx.gnp_random_graph(400, 0.01, seed=6, directed=True)
    a = _adjacency(graph)
    exact = cz.betweenness_centralization(a)
    cz._RECENT_BETWEENNESS.clear()
    monkeypatch.setattr(cz, "BETWEENNESS_WORK", 1_000.0)
    measures = layer_measures(a, betweenness_error=0.05)
    info = measures["estimated"]["betweenness_centralization"]
    assert info["confidence"] == 0.95 and "shortest path" in info["method"]
    assert 0 < info["error_bound"] <= 0.05 * 400**2 / (399 * 398) + 0.002  # ε, plus the mean's small term
    assert abs(measures["betweenness_centralization"] - exact) <= info["error_bound"]


def test_brandes_work_counts_every_search_of_a_dense_layer_and_few_of_a_sparse_one():
    dense = _adjacency(nx.complete_graph(30, create_using=nx.DiGraph))
    assert cz.brandes_work(dense) == 30 * 30 * (1 + 29)
    chain = _adjacency(nx.path_graph(30, create_using=nx.DiGraph))
    reach = np.arange(29, -1, -1)
    assert cz.brandes_work(chain, reach) == pytest.approx((reach.sum() + 30) * (1 + 29 / 30))


def test_the_same_seed_gives_the_same_estimate_and_another_seed_another():
    graph = nx.gnp_random_graph(200, 0.02, seed=1, directed=True)
    a = _adjacency(graph)
    first = ps.sample_shortest_paths(a, 500, seed=1)
    assert np.array_equal(first.through, ps.sample_shortest_paths(a, 500, seed=1).through)
    assert not np.array_equal(first.through, ps.sample_shortest_paths(a, 500, seed=2).through)


def test_an_estimate_without_a_given_condensation_computes_it_once(monkeypatch):
    # the people's betweenness columns pass no condensation; at a million arcs each one costs seconds
    graph = nx.gnp_random_graph(300, 0.02, seed=3, directed=True)
    a = _adjacency(graph)
    calls = []
    original = ps.condensation
    monkeypatch.setattr(ps, "condensation", lambda matrix: calls.append(1) or original(matrix))
    ps._RECENT.clear()
    ps.estimated_betweenness(a, seed=11)
    assert len(calls) == 1


def _vertex_diameter_bound_by_igraph(a: sp.csr_array) -> int:
    """The earlier form, kept as the specification: each large strong component copied
    into an igraph graph, eccentricities of its highest-degree vertex from igraph."""
    from orgpower.metrics.digraph import condensation, to_igraph

    cond = condensation(a)
    weight = cond.size.astype(np.int64).copy()
    for comp in np.flatnonzero(cond.size > ps.EXACT_DIAMETER_SIZE):
        members = np.flatnonzero(cond.component == comp)
        inside = to_igraph(sp.csr_array(a[members][:, members]))
        x = int(np.argmax(inside.degree()))
        ecc_out = max(inside.distances(source=x, mode="out")[0])
        ecc_in = max(inside.distances(source=x, mode="in")[0])
        weight[comp] = min(int(weight[comp]), int(ecc_out + ecc_in) + 1)
    return weight


@pytest.mark.parametrize("seed", range(6))
def test_component_diameters_from_level_searches_equal_igraph_eccentricities(seed, monkeypatch):
    # several large strong components (sparse random digraphs of 150-400 vertices) and
    # arcs between them; the heaviest-path step is shared, so the bound is compared whole
    rng = np.random.default_rng(seed)
    blocks = [nx.gnp_random_graph(int(k), 3.0 / k, seed=seed * 10 + i, directed=True)
              for i, k in enumerate(rng.integers(150, 400, size=3))]
    graph = nx.disjoint_union_all(blocks)
    nodes = graph.number_of_nodes()
    for u, v in rng.integers(0, nodes, size=(20, 2)):
        if u != v:
            graph.add_edge(int(min(u, v)), int(max(u, v)))
    a = _adjacency(graph)
    weights = _vertex_diameter_bound_by_igraph(a)
    seen = []
    real = ps._eccentricity
    monkeypatch.setattr(ps, "_eccentricity", lambda *args: seen.append(1) or real(*args))
    bound = ps.vertex_diameter_bound(a)
    assert seen, "no component was large enough for the searches"
    from orgpower.metrics.digraph import condensation

    cond = condensation(a)
    # the same heaviest path over the DAG with the igraph weights
    best = weights.copy()
    for comp in range(cond.count):  # components are numbered topologically
        for head in cond.dag.indices[cond.dag.indptr[comp]:cond.dag.indptr[comp + 1]]:
            best[head] = max(best[head], best[comp] + weights[head])
    assert bound == min(int(best.max()), nodes)


def test_weighted_draw_is_numpys_choice_from_the_same_random_number():
    # _draw replaces rng.choice(k, p=w / w.sum()) in the sampler: same index, same stream
    ours, numpys = np.random.default_rng(3), np.random.default_rng(3)
    weights_rng = np.random.default_rng(4)
    for _ in range(2000):
        k = int(weights_rng.integers(2, 40))
        w = weights_rng.random(k) * (weights_rng.random(k) < 0.6) + 1e-12
        assert ps._draw(w, ours) == int(numpys.choice(k, p=w / w.sum()))
    assert ours.random() == numpys.random()


@pytest.mark.parametrize("seed", range(5))
def test_reach_intervals_never_rule_out_a_reachable_pair(seed):
    # random digraphs with cycles, a tree-like part and lateral arcs: every pair that
    # networkx finds reachable must pass the interval and topological tests
    from orgpower.metrics.digraph import condensation

    rng = np.random.default_rng(seed)
    n = 120
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((int(rng.integers(0, v)), v) for v in range(1, n))  # a tree down from 0
    graph.add_edges_from((int(u), int(v)) for u, v in rng.integers(0, n, size=(15, 2)) if u != v)
    a = _adjacency(graph)
    cond = condensation(a)
    low, high = ps._reach_intervals(cond)
    ruled_out = 0
    for s in range(n):
        reachable = nx.descendants(graph, s) | {s}
        cs, ct = cond.component[s], cond.component
        possible = (cs <= ct) & (cond.weak[cs] == cond.weak[ct]) & (low[cs] <= low[ct]) & (high[ct] <= high[cs])
        assert possible[sorted(reachable)].all()
        ruled_out += int((~possible).sum())
    assert ruled_out > 0


def test_no_intervals_where_the_depth_first_order_would_rescan_too_much(monkeypatch):
    # 200 sources feeding one sink: scipy's depth-first search comes back to the virtual
    # root once per source and rescans its 200 arcs each time (200^2 steps)
    from orgpower.metrics.digraph import condensation

    n = 201
    a = sp.csr_array((np.ones(n - 1), (np.arange(1, n), np.zeros(n - 1, dtype=int))), shape=(n, n))
    cond = condensation(a)
    assert ps._reach_intervals(cond) is not None  # 4 * 10^4 steps, under the default limit
    monkeypatch.setattr(ps, "INTERVAL_RESCANS", 200**2 - 1)
    assert ps._reach_intervals(cond) is None


def test_ruling_out_unreachable_pairs_leaves_the_sample_unchanged(monkeypatch):
    # the searches skipped would have drawn no random number: same sample without the filter
    rng = np.random.default_rng(7)
    n = 300
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((int(rng.integers(0, v)), v) for v in range(1, n))
    graph.add_edges_from((int(u), int(v)) for u, v in rng.integers(0, n, size=(40, 2)) if u != v)
    a = _adjacency(graph)
    filtered = ps.sample_shortest_paths(a, 2000, seed=3)
    monkeypatch.setattr(ps, "_reach_intervals", lambda cond: None)
    monkeypatch.setattr(ps, "condensation", lambda a: _no_order(a))
    unfiltered = ps.sample_shortest_paths(a, 2000, seed=3)
    assert filtered.reachable == unfiltered.reachable > 0
    assert np.array_equal(filtered.through, unfiltered.through)
    assert np.array_equal(filtered.interior, unfiltered.interior)


def _no_order(a: sp.csr_array):
    """A stand-in condensation that rules nothing out (one component, one weak component)."""
    from orgpower.metrics.digraph import Condensation

    n = a.shape[0]
    return Condensation(component=np.zeros(n, dtype=np.int64), size=np.array([n]),
                        dag=sp.csr_array((1, 1)), weak=np.zeros(1, dtype=np.int64))
