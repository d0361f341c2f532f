"""Layer measures on the public data sets against published and reference values.

Provenance: centralization cross-checked with R sna 2.7-1, R igraph and networkx;
Krackhardt dimensions from R sna 2.7-1 and, for LUB, the published definition worked by
brute force; dyad census and the grecip family cross-checked with sna and networkx; flow
hierarchy, GRC, F0 and agony from one implementation each (networkx, trophic-toolbox,
brute force). Compared at 1e-6, the precision they were written down with. Krackhardt
and Lazega are read from tests/data; karate, Florentine families and the kite are
networkx's built-ins. Sampson: the reference row is
ergm's cumulative `samplike` (88 arcs); tests/data holds only the T4 wave, which
is checked against R in test_metrics_layer_golden.py instead.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from golden.graphs import krackhardt, lazega, layer_from_pairs
from orgpower.metrics import centralization as cz
from orgpower.metrics import hierarchy as hi
from orgpower.metrics import krackhardt as kr
from orgpower.metrics import reciprocity as rc

TOL = 1e-6

# name: M, A, N, dyadic(with nulls), nonnull, edgewise, lrr, rho
RECIPROCITY = {
    "advice": (45, 100, 65, 0.523810, 0.310345, 0.473684, 0.046016, 0.038902),
    "friendship": (23, 56, 131, 0.733333, 0.291139, 0.450980, 0.618950, 0.274880),
    "reports": (0, 20, 190, 0.904762, 0, 0, None, -0.050000),
    "lazega_advice": (175, 542, 1768, 0.781891, 0.244073, 0.392377, 0.782176, 0.259468),
    "lazega_friendship": (176, 223, 2086, 0.910262, 0.441103, 0.612174, 1.666066, 0.561434),
}
# name: C_in, C_out, C_total, C_betw directed, C_betw collapsed undirected, sna closeness
CENTRALIZATION = {
    "advice": (0.470000, 0.575000, 0.384211, 0.210296, 0.033042, 0.391108),
    "friendship": (0.270000, 0.690000, 0.394737, 0.316329, 0.207026, 0.489419),
    "reports": (0.317500, 0.002500, 0.168421, 0.017237, 0.680789, 0),
    "lazega_advice": (0.354082, 0.252653, 0.263665, 0.064332, 0.046838, 0),
    "lazega_friendship": (0.201429, 0.244898, 0.182298, 0.117894, 0.109971, 0),
}
# name: connectedness, hierarchy, efficiency, LUB sna, LUB documented
KRACKHARDT = {
    "advice": (1, 0, 0.575000, 1, 1),
    "friendship": (1, 0.181818, 0.795000, 1, 1),
    "reports_boss_to_sub": (1, 1, 1, 1, 1),
    "reports": (1, 1, 1, 0.063158, 0.084211),
    "lazega_advice": (1, 0.159210, 0.832245, 0.110145, 0.998344),
    "lazega_friendship": (0.944064, 0.165028, 0.890355, 0.028973, 0.999561),
}
# name: flow hierarchy, GRC, F0, agony
DIRECTION = {
    "advice": (0, 0, 0.660814, 106),
    "friendship": (0.088235, 0.1, 0.642138, 55),
    "reports": (1, 0.015, 0, 0),
    "reports_boss_to_sub": (1, 0.960, 0, 0),
    "lazega_advice": (0.094170, 0.067755, 0.622855, 455),
    "lazega_friendship": (0.026087, 0.094898, 0.807679, 409),
}


@pytest.fixture(scope="module")
def networks(public_datasets):
    return {
        "advice": krackhardt(public_datasets, "Advice"),
        "friendship": krackhardt(public_datasets, "Friendship"),
        "reports": krackhardt(public_datasets, "ReportsTo"),  # as stored: sub -> boss
        "reports_boss_to_sub": krackhardt(public_datasets, "ReportsTo", boss_to_sub=True),
        "lazega_advice": lazega(public_datasets, "adv"),
        "lazega_friendship": lazega(public_datasets, "friend"),
    }


@pytest.mark.parametrize("name", sorted(RECIPROCITY))
def test_dyad_census_and_grecip_family_match_reference_table(networks, name):
    g = networks[name]
    m, a, n, dyadic, nonnull, edgewise, lrr, rho = RECIPROCITY[name]
    assert tuple(rc.dyad_census(g)) == (m, a, n)
    assert rc.reciprocity_dyadic(g) == pytest.approx(dyadic, abs=TOL)
    assert rc.reciprocity_dyadic_nonnull(g) == pytest.approx(nonnull, abs=TOL)
    assert rc.reciprocity_edgewise(g) == pytest.approx(edgewise, abs=TOL)
    assert rc.reciprocity_rho(g) == pytest.approx(rho, abs=TOL)
    if lrr is None:
        assert rc.reciprocity_edgewise_lrr(g) is None  # -inf: no mutual dyad
    else:
        assert rc.reciprocity_edgewise_lrr(g) == pytest.approx(lrr, abs=TOL)


@pytest.mark.parametrize("name", sorted(CENTRALIZATION))
def test_directed_centralization_matches_reference_table(networks, name):
    g = networks[name]
    got = (
        cz.degree_centralization(g, "in"), cz.degree_centralization(g, "out"), cz.degree_centralization(g, "total"),
        cz.betweenness_centralization(g), cz.betweenness_centralization_undirected(g), cz.closeness_centralization_sna(g),
    )
    assert got == pytest.approx(CENTRALIZATION[name], abs=TOL)


@pytest.mark.parametrize("name", sorted(KRACKHARDT))
def test_krackhardt_dimensions_match_reference_table(networks, name):
    g = networks[name]
    got = (kr.krackhardt_connectedness(g), kr.krackhardt_hierarchy(g), kr.krackhardt_efficiency(g),
           kr.krackhardt_lub_sna(g), kr.krackhardt_lub(g))
    assert got == pytest.approx(KRACKHARDT[name], abs=TOL)


@pytest.mark.parametrize("name", sorted(DIRECTION))
def test_flow_hierarchy_grc_f0_and_agony_match_reference(networks, name):
    g = networks[name]
    flow, grc, f0, agony = DIRECTION[name]
    assert hi.flow_hierarchy(g) == pytest.approx(flow, abs=TOL)
    assert hi.global_reaching_centrality(g) == pytest.approx(grc, abs=TOL)
    assert hi.trophic_incoherence(g) == pytest.approx(f0, abs=TOL)
    assert hi.agony(g) == agony


def test_reversing_reports_to_keeps_betweenness_but_swaps_in_and_out(networks):
    # orientation: reversing every arc keeps betweenness and swaps in- and out-degree
    up, down = networks["reports"], networks["reports_boss_to_sub"]
    assert cz.betweenness_centralization(up) == pytest.approx(cz.betweenness_centralization(down), abs=1e-12)
    assert cz.degree_centralization(up, "in") == pytest.approx(cz.degree_centralization(down, "out"), abs=1e-12)
    assert hi.trophic_incoherence(up) == pytest.approx(hi.trophic_incoherence(down), abs=1e-12)


def test_advice_f0_equals_one_minus_h_dot_v_over_w(networks):
    # MacKay, Johnson & Sansom 2020: F0 = 1 - h.v / W (advice: both sides 0.660814)
    a = networks["advice"].adjacency
    h = hi.trophic_levels(a)
    v = np.asarray(a.sum(axis=0)).ravel() - np.asarray(a.sum(axis=1)).ravel()
    assert 1 - h @ v / a.sum() == pytest.approx(0.660814, abs=TOL)
    assert hi.trophic_incoherence(a) == pytest.approx(1 - h @ v / a.sum(), abs=1e-9)


def _undirected_as_digraph(graph: nx.Graph, extra_isolates: int = 0):
    nodes = list(graph.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    pairs = [(index[u], index[v]) for u, v in graph.edges] + [(index[v], index[u]) for u, v in graph.edges]
    return layer_from_pairs(pairs, len(nodes) + extra_isolates)


@pytest.mark.parametrize(
    "graph, isolates, degree, betweenness, efficiency, connectedness",
    [
        # R sna and networkx agree: karate 0.399621 / 0.405557 / eff 0.887052
        (nx.karate_club_graph(), 0, 0.399621, 0.405557, 0.887052, 1),
        # Florentine marriage, networkx's 15 nodes: 0.274725 / 0.436813
        (nx.florentine_families_graph(), 0, 0.274725, 0.436813, None, 1),
        # ergm's 16 nodes = networkx's 15 plus the Pucci isolate: 0.266667 / 0.383492, eff 0.867347, conn 0.875
        (nx.florentine_families_graph(), 1, 0.266667, 0.383492, 0.867347, 0.875),
        # Krackhardt kite: 0.333333 / 0.296296
        (nx.krackhardt_kite_graph(), 0, 0.333333, 0.296296, None, 1),
    ],
    ids=["karate", "florentine15", "florentine16", "kite"],
)
def test_undirected_reference_graphs_match_published_values(graph, isolates, degree, betweenness, efficiency, connectedness):
    # symmetric data analysed as a digraph: sna total-degree centralization = undirected value
    g = _undirected_as_digraph(graph, isolates)
    assert cz.degree_centralization(g, "total") == pytest.approx(degree, abs=TOL)
    assert cz.betweenness_centralization_undirected(g) == pytest.approx(betweenness, abs=TOL)
    assert kr.krackhardt_connectedness(g) == pytest.approx(connectedness, abs=TOL)
    if efficiency is not None:
        assert kr.krackhardt_efficiency(g) == pytest.approx(efficiency, abs=TOL)


def test_weighted_reciprocity_toy_check_and_dci_identity():
    # by hand (Squartini et al. 2013): arcs 1->2 (10), 2->1 (4), 2->3 (5): W = 19, W<-> = 8, r_w = 0.421053
    toy = layer_from_pairs([(0, 1), (1, 0), (1, 2)], 3, weights=[10.0, 4.0, 5.0])
    assert rc.weighted_reciprocity(toy) == pytest.approx(8 / 19, abs=1e-12)
    assert rc.directional_consistency(toy) == pytest.approx(1 - 8 / 19, abs=1e-12)


def test_harmonic_closeness_is_defined_where_igraph_closeness_is_nan(networks):
    # igraph >= 0.10 returns NaN for a vertex that reaches nobody,
    # so classic closeness centralization is NaN on reports-to; the harmonic form is not
    from orgpower.metrics.digraph import to_igraph

    reports = networks["reports"]
    scores = to_igraph(reports.adjacency).closeness(mode="out")
    assert any(np.isnan(s) for s in scores)
    value = cz.closeness_centralization_harmonic(reports)
    assert value is not None and 0 <= value <= 1
