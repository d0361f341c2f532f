"""Layer measures against GOLDEN values from R sna 2.7 and R igraph 1.3 (Debian packages).

Provenance: tests/golden/sna_reference.json is written by tests/golden/make_golden.R
(`Rscript tests/golden/make_golden.R`), which measures the Krackhardt, Lazega and Sampson
data in tests/data, two hand-made DAGs and seeded random digraphs it writes to
tests/golden/random_*.csv. Exact measures agree at 1e-9.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from golden.graphs import golden_graph, golden_reference, needs_datasets
from orgpower.metrics import centralization as cz
from orgpower.metrics import krackhardt as kr
from orgpower.metrics import reciprocity as rc
from orgpower.metrics.layer import TRIAD_TYPES, layer_measures

GOLDEN = golden_reference()
NAMES = sorted(GOLDEN["graphs"])
TOL = 1e-9


@pytest.fixture(params=NAMES)
def case(request):
    name = request.param
    datasets = None
    if needs_datasets(name):
        datasets = request.getfixturevalue("public_datasets")
    return golden_graph(name, datasets), GOLDEN["graphs"][name]


def _r(value):
    """R's -Inf/NaN arrive as strings; map them to None (our 'undefined')."""
    if isinstance(value, str) or value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return float(value)


def test_golden_graph_has_the_arcs_r_measured(case):
    layer, ref = case
    assert (layer.n, layer.m) == (ref["nodes"], ref["arcs"])


def test_dyad_census_matches_sna(case):
    layer, ref = case
    c = rc.dyad_census(layer)
    assert (c.mutual, c.asymmetric, c.null) == (
        ref["dyad_census"]["mutual"], ref["dyad_census"]["asymmetric"], ref["dyad_census"]["null"],
    )


@pytest.mark.parametrize(
    "function, key",
    [
        (rc.reciprocity_dyadic, "grecip_dyadic"),
        (rc.reciprocity_dyadic_nonnull, "grecip_dyadic_nonnull"),
        (rc.reciprocity_edgewise, "grecip_edgewise"),
        (rc.reciprocity_edgewise_lrr, "grecip_edgewise_lrr"),
        (rc.reciprocity_correlation, "grecip_correlation"),
        (rc.reciprocity_rho, "grecip_correlation"),  # GL rho = sna correlation on 0/1 data
        (rc.reciprocity_edgewise, "igraph_reciprocity"),
        (rc.reciprocity_dyadic_nonnull, "igraph_reciprocity_ratio"),
    ],
)
def test_reciprocity_matches_sna_and_igraph(case, function, key):
    layer, ref = case
    expected = _r(ref[key])
    value = function(layer)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize(
    "function, key",
    [
        (lambda g: cz.degree_centralization(g, "in"), "centralization_indegree"),
        (lambda g: cz.degree_centralization(g, "out"), "centralization_outdegree"),
        (lambda g: cz.degree_centralization(g, "total"), "centralization_freeman"),
        (lambda g: cz.degree_centralization(g, "in"), "igraph_centr_degree_in_loops_false"),
        (cz.betweenness_centralization, "centralization_betweenness"),
        (cz.betweenness_centralization, "igraph_centr_betw_directed"),
        (cz.betweenness_centralization_undirected, "centralization_betweenness_undirected"),
        (cz.closeness_centralization_sna, "centralization_closeness"),
    ],
)
def test_centralization_matches_sna(case, function, key):
    layer, ref = case
    assert function(layer) == pytest.approx(_r(ref[key]), abs=TOL)


@pytest.mark.parametrize(
    "function, key",
    [
        (kr.krackhardt_connectedness, "connectedness"),
        (kr.krackhardt_efficiency, "efficiency"),
        (kr.krackhardt_lub_sna, "lubness_sna"),
    ],
)
def test_krackhardt_matches_sna(case, function, key):
    layer, ref = case
    assert function(layer) == pytest.approx(_r(ref[key]), abs=TOL)


def test_krackhardt_hierarchy_matches_sna(case):
    layer, ref = case
    expected = _r(ref["hierarchy_krackhardt"])
    value = kr.krackhardt_hierarchy(layer)
    if expected is None:  # sna gives NaN (0/0) on a graph whose reachability has no tie
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=TOL)


def test_sna_reciprocity_hierarchy_is_one_minus_dyadic_reciprocity(case):
    layer, ref = case
    assert 1 - rc.reciprocity_dyadic(layer) == pytest.approx(_r(ref["hierarchy_reciprocity"]), abs=TOL)


def test_triad_census_matches_sna(case):
    layer, ref = case
    census = layer_measures(layer)["triad_census"]
    assert [census[t] for t in TRIAD_TYPES] == [int(ref["triad_census"][t]) for t in TRIAD_TYPES]


def test_harmonic_closeness_centralization_uses_igraph_harmonic_scores(case):
    layer, ref = case
    scores = np.asarray(ref["igraph_harmonic_out"], dtype=float)
    expected = np.sum(scores.max() - scores) / (layer.n - 1)
    assert cz.closeness_centralization_harmonic(layer) == pytest.approx(expected, abs=TOL)


def test_igraph_default_loops_true_is_sna_times_n_minus_one_over_n(case):
    # R igraph centr_degree(loops=TRUE) divides by n(n-1) even
    # without loops, i.e. sna x (n-1)/n for in/out and x (n-2)/(n-1) for total.
    layer, ref = case
    n = layer.n
    assert cz.degree_centralization(layer, "in") * (n - 1) / n == pytest.approx(
        ref["igraph_centr_degree_in_loops_true"], abs=TOL)
    assert cz.degree_centralization(layer, "out") * (n - 1) / n == pytest.approx(
        ref["igraph_centr_degree_out_loops_true"], abs=TOL)
    assert cz.degree_centralization(layer, "total") * (n - 2) / (n - 1) == pytest.approx(
        ref["igraph_centr_degree_all_loops_true"], abs=TOL)


def test_uncollapsed_igraph_undirected_betweenness_differs_on_the_advice_network(public_datasets):
    # igraph centr_betw(directed=FALSE) keeps both arcs of a mutual
    # dyad as parallel edges (0.033450); collapsing first gives sna's 0.033042.
    layer = golden_graph("krackhardt_advice", public_datasets)
    ref = GOLDEN["graphs"]["krackhardt_advice"]
    assert ref["igraph_centr_betw_uncollapsed"] == pytest.approx(0.033450, abs=1e-6)
    assert cz.betweenness_centralization_undirected(layer) == pytest.approx(0.033042, abs=1e-6)
    assert cz.betweenness_centralization_undirected(layer) != pytest.approx(ref["igraph_centr_betw_uncollapsed"], abs=1e-5)
