"""The canonical graphs (out-star, in-star, mutual star, chain, cycle, ...), value by value.

Provenance: R sna 2.7-1 and networkx (or own code) agree on every value; every value is also
derivable by hand, so it is written here as the exact fraction where the libraries' printout rounds
(e.g. the 7-node out-tree's GRC 0.8889 = 8/9, the mutual star's sna closeness
0.5357 = 15/28).
"""

from __future__ import annotations

import itertools

import pytest

from golden.graphs import layer_from_pairs
from orgpower.metrics import centralization as cz
from orgpower.metrics import hierarchy as hi
from orgpower.metrics import krackhardt as kr
from orgpower.metrics import reciprocity as rc

N = 5
GRAPHS = {
    "out_star": [(0, j) for j in range(1, N)],
    "in_star": [(j, 0) for j in range(1, N)],
    "mutual_star": [(0, j) for j in range(1, N)] + [(j, 0) for j in range(1, N)],
    "directed_cycle": [(i, (i + 1) % N) for i in range(N)],
    "complete_mutual": [(i, j) for i, j in itertools.permutations(range(N), 2)],
    "directed_path": [(i, i + 1) for i in range(N - 1)],
    "binary_out_tree_7": [(0, 1), (0, 2), (1, 3), (1, 4), (2, 5), (2, 6)],
    "transitive_tournament": [(i, j) for i, j in itertools.combinations(range(N), 2)],
}

# graph: edgewise, rho, (conn, hier, eff, lub), flow, grc, f0, agony/m, c_in, c_out, c_total, c_betw, sna closeness
TABLE = {
    "out_star": (0, -0.25, (1, 1, 1, 1), 1, 1, 0, 0, 1 / 16, 1, 0.5, 0, 1.25),
    "in_star": (0, -0.25, (1, 1, 1, 0), 1, 1 / 16, 0, 0, 1, 1 / 16, 0.5, 0, 0),
    "mutual_star": (1, 1, (1, 0, 0.75, 1), 0, 0, 1, 1, 0.75, 0.75, 1, 1, 15 / 28),
    "directed_cycle": (0, -1 / 3, (1, 0, 0.9375, 1), 0, 0, 1, 1, 0, 0, 0, 0, 0),
    "complete_mutual": (1, None, (1, 0, 0, 1), 0, 0, 1, 1, 0, 0, 0, 0, 0),
    "directed_path": (0, -0.25, (1, 1, 1, 1), 1, 0.625, 0, 0, 1 / 16, 1 / 16, 1 / 12, 5 / 24, 0.5),
    "binary_out_tree_7": (0, -1 / 6, (1, 1, 1, 1), 1, 8 / 9, 0, 0, 1 / 36, 2 / 9, 0.15, 1 / 18, 0.7),
    "transitive_tournament": (0, -1, (1, 1, 0.625, 1), 1, 0.625, 0.2, 0, 0.625, 0.625, 0, 0, 1.25),
}
EXACT = 1e-12


@pytest.fixture(params=sorted(GRAPHS))
def canonical(request):
    return request.param, layer_from_pairs(GRAPHS[request.param], name=request.param)


def test_edgewise_reciprocity(canonical):
    name, g = canonical
    assert rc.reciprocity_edgewise(g) == pytest.approx(TABLE[name][0], abs=EXACT)


def test_garlaschelli_loffredo_rho(canonical):
    name, g = canonical
    expected = TABLE[name][1]
    if expected is None:
        assert rc.reciprocity_rho(g) is None  # density 1: undefined
    else:
        assert rc.reciprocity_rho(g) == pytest.approx(expected, abs=EXACT)


def test_krackhardt_dimensions(canonical):
    name, g = canonical
    got = (kr.krackhardt_connectedness(g), kr.krackhardt_hierarchy(g), kr.krackhardt_efficiency(g), kr.krackhardt_lub(g))
    assert got == pytest.approx(TABLE[name][2], abs=EXACT)


def test_flow_hierarchy(canonical):
    name, g = canonical
    assert hi.flow_hierarchy(g) == pytest.approx(TABLE[name][3], abs=EXACT)


def test_global_reaching_centrality(canonical):
    name, g = canonical
    assert hi.global_reaching_centrality(g) == pytest.approx(TABLE[name][4], abs=EXACT)


def test_trophic_incoherence(canonical):
    name, g = canonical
    assert hi.trophic_incoherence(g) == pytest.approx(TABLE[name][5], abs=1e-9)


def test_agony_per_arc(canonical):
    name, g = canonical
    assert hi.agony(g) / g.m == pytest.approx(TABLE[name][6], abs=EXACT)
    assert hi.agony_hierarchy(g) == pytest.approx(1 - TABLE[name][6], abs=EXACT)


def test_degree_centralization_in_out_total(canonical):
    name, g = canonical
    got = tuple(cz.degree_centralization(g, mode) for mode in ("in", "out", "total"))
    assert got == pytest.approx(TABLE[name][7:10], abs=EXACT)


def test_directed_betweenness_centralization(canonical):
    name, g = canonical
    assert cz.betweenness_centralization(g) == pytest.approx(TABLE[name][10], abs=EXACT)


def test_sna_directed_closeness_centralization_including_values_above_one(canonical):
    # sna scores unreachable as 0 but its T(n) assumes distance n,
    # so the out-star and the transitive tournament score 1.25 (> 1).
    name, g = canonical
    assert cz.closeness_centralization_sna(g) == pytest.approx(TABLE[name][11], abs=EXACT)


def test_harmonic_closeness_centralization_of_out_star_is_one_and_bounded():
    out_star = layer_from_pairs(GRAPHS["out_star"])
    assert cz.closeness_centralization_harmonic(out_star) == pytest.approx(1.0, abs=EXACT)
    for pairs in GRAPHS.values():
        assert 0.0 <= cz.closeness_centralization_harmonic(layer_from_pairs(pairs)) <= 1.0 + EXACT


def test_mutual_star_is_more_centralized_than_out_star_yet_fully_reciprocal():
    # concentration and asymmetry are independent axes (docs/readings.md)
    mutual, out = layer_from_pairs(GRAPHS["mutual_star"]), layer_from_pairs(GRAPHS["out_star"])
    assert cz.degree_centralization(mutual, "total") > cz.degree_centralization(out, "total")
    assert cz.betweenness_centralization(mutual) > cz.betweenness_centralization(out)
    assert rc.reciprocity_edgewise(mutual) == 1 and rc.reciprocity_edgewise(out) == 0
