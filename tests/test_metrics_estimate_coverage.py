"""The stated 95% error bounds of the estimated layer measures hold in practice.

On generated cross-linked orgs small enough for the exact values (3,000 people, two
org seeds), the flows layer's measures are computed once exactly and then estimated
many times (``exact_limit`` set low so that every all-pairs measure is estimated, with
the sample sizes cut down so that sampling, not the exact stratum, decides; a
different seed each time). A bound that claims 95% must contain the exact
value at least that often: with T trials the number of misses is at most Binomial(T,
0.05), so seeing more misses than that distribution allows at the 0.1% level fails the
test (a correct bound fails it once in a thousand runs; a bound that holds only 80% of
the time fails it almost always).
"""

from __future__ import annotations

import pytest
from scipy.stats import binom

from orgpower.graph.layers import build_graph
from orgpower.metrics import layer as layer_module
from orgpower.metrics.layer import layer_measures
from orgpower.synthetic import generate_shape

TRIALS = 30
# betweenness: the sampled paths' uniform bound at ±0.1 (about 600 pairs a trial) so that
# sixty trials stay quick; the default ±0.02 is checked once, below
ESTIMATED = ("global_reaching_centrality", "krackhardt_hierarchy", "krackhardt_lub", "betweenness_centralization")


@pytest.fixture(scope="module")
def layers():
    picked = {}
    for org_seed in (21, 22):
        layer = build_graph(generate_shape(3_000, "cross-linked", seed=org_seed)).layers["flows"]
        picked[f"cross-linked {org_seed}:flows"] = (layer, layer_measures(layer, exact_limit=10**6))
    return picked


def test_every_estimate_states_a_95_percent_bound_that_covers_the_exact_value(layers, monkeypatch):
    monkeypatch.setattr(layer_module, "REACH_SAMPLES_MAX", 150)
    monkeypatch.setattr(layer_module, "LUB_PAIRS", 150)
    allowed = int(binom.ppf(0.999, TRIALS, 0.05))
    checked = 0
    for label, (layer, exact) in layers.items():
        misses: dict[str, int] = {}
        for trial in range(TRIALS):
            approx = layer_measures(layer, exact_limit=50, seed=1000 + trial, samples=150, betweenness_error=0.1)
            for key, info in approx["estimated"].items():
                if key not in ESTIMATED:
                    continue
                assert info["confidence"] == 0.95 and info["method"]
                checked += 1
                if abs(approx[key] - exact[key]) > info["error_bound"] + 1e-12:
                    misses[key] = misses.get(key, 0) + 1
        assert all(count <= allowed for count in misses.values()), (label, misses, allowed)
    assert checked >= TRIALS * len(layers) * len(ESTIMATED)  # every measure was estimated


def test_estimates_of_a_cross_linked_org_are_within_two_hundredths(layers):
    layer, exact = layers["cross-linked 21:flows"]
    approx = layer_measures(layer, exact_limit=50, seed=7)
    for key in ESTIMATED:
        assert approx["estimated"][key]["error_bound"] <= 0.02, key
        assert abs(approx[key] - exact[key]) <= 0.02, key
