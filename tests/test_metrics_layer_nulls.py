"""Degree-preserving rewiring and the null comparison (metrics-spec.md §12).

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


def test_friendship_is_more_reciprocal_than_its_degree_preserving_null(shared_datasets):
    # Krackhardt friendship: 23 mutual dyads of 79 tied ones; random wiring of the same
    # degrees returns far fewer arcs, so the observed value sits above every null sample
    result = null_comparison(krackhardt(shared_datasets, "Friendship"), samples=20, seed=0)
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


def test_observed_values_are_the_layer_measures_values(shared_datasets):
    from orgpower.metrics.layer import layer_measures

    layer = krackhardt(shared_datasets, "Advice")
    observed = {k: v["observed"] for k, v in null_comparison(layer, samples=2)["measures"].items()}
    expected = layer_measures(layer)
    for key, value in observed.items():
        assert value == pytest.approx(expected[key], abs=1e-12), key
