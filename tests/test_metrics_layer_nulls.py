"""Degree-preserving rewiring and the null comparison (docs/measures.md, "Null model").

Reference for the swap: Maslov & Sneppen (2002); the invariants checked here (in- and
out-degree sequences, no self-loops, no parallel arcs) are the definition of the null.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from golden.graphs import krackhardt, layer_from_pairs
from orgpower.graph.layers import layer_from_arcs
from orgpower.metrics.nulls import NULL_MEASURES, null_comparison, rewire


def _random_arcs(seed: int, n: int = 60, p: float = 0.08):
    g = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    arcs = np.array(list(g.edges), dtype=np.int64)
    return arcs[:, 0], arcs[:, 1], n


@pytest.mark.parametrize("seed", range(4))
def test_rewiring_keeps_every_in_and_out_degree(seed):
    src, dst, n = _random_arcs(seed)
    new_src, new_dst, _ = rewire(src, dst, n, rng=np.random.default_rng(seed))
    assert np.array_equal(np.bincount(new_src, minlength=n), np.bincount(src, minlength=n))
    assert np.array_equal(np.bincount(new_dst, minlength=n), np.bincount(dst, minlength=n))


@pytest.mark.parametrize("seed", range(4))
def test_rewiring_creates_no_self_loop_and_no_parallel_arc(seed):
    src, dst, n = _random_arcs(seed)
    new_src, new_dst, _ = rewire(src, dst, n, rng=np.random.default_rng(seed))
    assert not np.any(new_src == new_dst)
    assert np.unique(new_src * n + new_dst).size == src.size


def test_rewiring_actually_moves_arcs():
    src, dst, n = _random_arcs(1)
    new_src, new_dst, rate = rewire(src, dst, n, rng=np.random.default_rng(1))
    assert rate > 0.5
    kept = np.intersect1d(src * n + dst, new_src * n + new_dst).size
    assert kept < 0.5 * src.size


def test_null_comparison_is_reproducible_for_a_seed():
    layer = layer_from_arcs("g", [str(i) for i in range(60)], *[a.astype(str) for a in _random_arcs(2)[:2]])
    assert null_comparison(layer, samples=5, seed=3) == null_comparison(layer, samples=5, seed=3)
    assert null_comparison(layer, samples=5, seed=3) != null_comparison(layer, samples=5, seed=4)


def test_null_comparison_reports_every_measure_with_its_summary():
    layer = layer_from_arcs("g", [str(i) for i in range(60)], *[a.astype(str) for a in _random_arcs(2)[:2]])
    result = null_comparison(layer, samples=6, seed=0)
    assert result["samples"] == 6 and set(result["measures"]) == set(NULL_MEASURES)
    for summary in result["measures"].values():
        assert set(summary) == {"observed", "null_mean", "null_sd", "z", "share_null_ge_observed"}
        assert 0.0 <= summary["share_null_ge_observed"] <= 1.0


def test_friendship_is_more_reciprocal_than_its_degree_preserving_null(public_datasets):
    # Krackhardt friendship: 23 mutual dyads of 79 tied ones; random wiring of the same
    # degrees returns far fewer arcs, so the observed value sits above every null sample
    result = null_comparison(krackhardt(public_datasets, "Friendship"), samples=20, seed=0)
    summary = result["measures"]["reciprocity_edgewise"]
    assert summary["observed"] == pytest.approx(0.450980, abs=1e-6)
    assert summary["null_mean"] < summary["observed"]
    assert summary["z"] > 2 and summary["share_null_ge_observed"] == 0.0


def test_z_score_is_null_when_the_null_has_no_spread():
    # a directed cycle of 3: every swap would make a loop or a parallel arc
    result = null_comparison(layer_from_pairs([(0, 1), (1, 2), (2, 0)]), samples=4)
    summary = result["measures"]["reciprocity_edgewise"]
    assert summary["null_sd"] == 0.0 and summary["z"] is None


def test_null_comparison_of_a_layer_with_fewer_than_two_arcs_has_no_samples():
    result = null_comparison(layer_from_pairs([(0, 1)], 3), samples=5)
    assert result["samples"] == 0
    assert result["measures"]["flow_hierarchy"]["null_mean"] is None


def test_observed_values_are_the_layer_measures_values(public_datasets):
    from orgpower.metrics.layer import layer_measures

    layer = krackhardt(public_datasets, "Advice")
    observed = {k: v["observed"] for k, v in null_comparison(layer, samples=2)["measures"].items()}
    expected = layer_measures(layer)
    for key, value in observed.items():
        assert value == pytest.approx(expected[key], abs=1e-12), key


# ---------------------------------------------------------------- fast per-sample measures
# sample_measures works on arc arrays (sorted int64 keys, warm-started CG); the references
# are networkx 3.6 (reciprocity, flow_hierarchy) and the exact trophic F0 of
# metrics/hierarchy.py (checked against the MacKay-Johnson-Sansom toolbox values).

def _weighted_random_arcs(seed: int, n: int, p: float):
    src, dst, n = _random_arcs(seed, n, p)
    weights = np.random.default_rng(seed).integers(1, 9, src.size).astype(float)
    return src, dst, weights, n


@pytest.mark.parametrize("seed, n, p", [(0, 60, 0.08), (1, 300, 0.02), (2, 400, 0.004), (3, 30, 0.3)])
def test_sample_measures_match_networkx_and_the_exact_trophic_incoherence(seed, n, p):
    import scipy.sparse as sp

    from orgpower.metrics.hierarchy import trophic_incoherence
    from orgpower.metrics.nulls import sample_measures

    src, dst, weights, n = _weighted_random_arcs(seed, n, p)
    values, _ = sample_measures(src, dst, weights, n)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), weights.tolist()))
    assert values["reciprocity_edgewise"] == pytest.approx(nx.reciprocity(g), abs=1e-12)
    assert values["flow_hierarchy"] == pytest.approx(nx.flow_hierarchy(g), abs=1e-12)
    returned = sum(min(w, g[v][u]["weight"]) for u, v, w in g.edges(data="weight") if g.has_edge(v, u))
    assert values["weighted_reciprocity"] == pytest.approx(returned / weights.sum(), abs=1e-12)
    pattern = sp.csr_array((np.ones(src.size), (src, dst)), shape=(n, n))
    assert values["trophic_incoherence"] == pytest.approx(trophic_incoherence(pattern, weighted=False), abs=1e-6)


def test_sample_measures_give_the_same_trophic_incoherence_warm_or_cold():
    from orgpower.metrics.nulls import sample_measures

    src, dst, weights, n = _weighted_random_arcs(1, 300, 0.02)
    _, levels = sample_measures(src, dst, weights, n)
    new_src, new_dst, _ = rewire(src, dst, n, rng=np.random.default_rng(5))
    warm, _ = sample_measures(new_src, new_dst, weights, n, levels=levels)
    cold, _ = sample_measures(new_src, new_dst, weights, n)
    assert warm["trophic_incoherence"] == pytest.approx(cold["trophic_incoherence"], abs=1e-8)


# ---------------------------------------------------------------- size-adaptive sample count

def _pattern(src, dst, n):
    import scipy.sparse as sp

    return sp.csr_array((np.ones(src.size), (src, dst)), shape=(n, n))


def test_null_sample_count_keeps_every_requested_sample_on_small_layers():
    from orgpower.metrics.nulls import null_sample_count

    assert null_sample_count(50, 20_000, full_sample_arcs=20_000) == 50


def test_null_sample_count_shrinks_as_one_over_arcs_above_the_threshold():
    from orgpower.metrics.nulls import null_sample_count

    assert null_sample_count(50, 100_000, full_sample_arcs=20_000, min_samples=5) == 10


def test_null_sample_count_never_goes_below_the_floor_nor_above_the_request():
    from orgpower.metrics.nulls import null_sample_count

    assert null_sample_count(50, 10_000_000, full_sample_arcs=20_000, min_samples=5) == 5
    assert null_sample_count(3, 10_000_000, full_sample_arcs=20_000, min_samples=5) == 3


def test_null_comparison_states_the_samples_taken_and_the_policy():
    src, dst, n = _random_arcs(0)  # about 280 arcs
    result = null_comparison(_pattern(src, dst, n), samples=20, seed=0, full_sample_arcs=56, min_samples=2)
    assert result["samples_requested"] == 20
    assert result["samples"] == -(-20 * 56 // src.size)
    assert "56 arcs" in result["policy"]


def test_null_comparison_takes_every_sample_with_the_policy_off():
    src, dst, n = _random_arcs(0)
    result = null_comparison(_pattern(src, dst, n), samples=7, seed=0, full_sample_arcs=None)
    assert result["samples"] == 7


def test_sample_measures_trophic_incoherence_on_a_near_tree_matches_the_exact_value():
    # few independent cycles: the core is solved directly rather than by CG
    from orgpower.metrics.hierarchy import trophic_incoherence
    from orgpower.metrics.nulls import sample_measures

    tree = nx.bfs_tree(nx.random_labeled_tree(200, seed=4), 0)
    arcs = np.array(list(tree.edges) + [(5, 0), (17, 3), (150, 40)], dtype=np.int64)
    src, dst = arcs[:, 0], arcs[:, 1]
    values, _ = sample_measures(src, dst, np.ones(src.size), 200)
    assert values["trophic_incoherence"] == pytest.approx(trophic_incoherence(_pattern(src, dst, 200)), abs=1e-9)


def test_null_comparison_uses_observed_values_it_is_given():
    src, dst, n = _random_arcs(0)
    given = {name: 0.5 for name in NULL_MEASURES}
    result = null_comparison(_pattern(src, dst, n), samples=2, seed=0, observed=given)
    assert all(result["measures"][name]["observed"] == 0.5 for name in NULL_MEASURES)
