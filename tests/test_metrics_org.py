"""measure_org: layers + null models, the people table, and the structure dict.

Provenance: Krackhardt's managers as an org (tests/golden/orgs.py) with a small
hand-written flows and decisions table; spans and layers are hand-derived values;
concentration is checked with the Gini/HHI formulas of docs/measures.md written out as plain double sums
(independent of orgpower.metrics.concentration); the weighted agony of a mutual pair
(cost 2 per unit of the lighter arc) is derived by hand from the definition (Gupta et al. 2011).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from golden.orgs import krackhardt_org
from orgpower.api import generate_org
from orgpower.graph.layers import build_graph
from orgpower.metrics.layer import REQUIRED_KEYS
from orgpower.metrics.nodes import node_measures
from orgpower.metrics.org import OrgMeasures, concentration_profile, layer_seed, measure_org

FLOWS = pd.DataFrame(
    {
        "source": ["7", "7", "7", "2", "14", "FIN", "2"],
        "target": ["2", "14", "21", "1", "3", "7", "7"],
        "amount": [100.0, 250.0, 80.0, 30.0, 60.0, 500.0, 20.0],
    }
)
DECISIONS = pd.DataFrame(
    {
        "decision": ["d1", "d2", "d3", "d4", "d4", "d5"],
        "actor": ["7", "7", "7", "14", "2", "21"],
        "role": ["accountable", "accountable", "accountable", "accountable", "consulted", "accountable"],
        "affects": ["2", "14", "21", "3", None, "6"],
    }
)


@pytest.fixture(scope="module")
def graph(public_datasets):
    return build_graph(krackhardt_org(public_datasets, flows=FLOWS, decisions=DECISIONS))


@pytest.fixture(scope="module")
def measured(graph) -> OrgMeasures:
    return measure_org(graph, null_samples=3, seed=1)


def _gini_by_definition(x) -> float:
    x = np.asarray(x, dtype=float)
    n = x.size
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean()))


def test_every_layer_has_the_interface_keys_and_a_null_model(graph, measured):
    assert list(measured.layers) == list(graph.layers)
    for values in measured.layers.values():
        assert set(REQUIRED_KEYS) <= set(values)
        assert "null_model" in values and values["null_model"]["samples"] == 3


def test_people_table_is_the_node_measures_table(graph, measured):
    pd.testing.assert_frame_equal(measured.people, node_measures(graph, seed=1).people)


def test_spans_and_layers_match_reference(measured):
    spans = measured.structure["spans_and_layers"]
    assert (spans["managers"], spans["mean_span"], spans["layers"]) == (5, 4.0, 3)
    assert spans["span_gini"] == pytest.approx(0.22, abs=1e-12)
    assert spans["span_hhi"] == pytest.approx(0.235, abs=1e-12)


def test_budget_concentration_by_the_gini_and_hhi_formulas(measured):
    budgets = measured.structure["concentration"]["budgets"]
    given = {"7": 430.0, "2": 50.0, "14": 60.0}  # FIN is a unit, not a person
    x = np.array([given.get(str(i), 0.0) for i in range(1, 22)])
    shares = x / x.sum()
    assert budgets["gini"] == pytest.approx(_gini_by_definition(x), abs=1e-12)
    assert budgets["hhi"] == pytest.approx(float((shares**2).sum()), abs=1e-12)
    assert budgets["effective_number"] == pytest.approx(1 / float((shares**2).sum()), abs=1e-9)
    assert budgets["top_1pct_people"] == 1 and budgets["top_1pct_share"] == pytest.approx(430 / 540)
    assert budgets["top_layer_share"] == pytest.approx(430 / 540)  # the CEO is reporting layer 1
    assert budgets["units_share"] == pytest.approx(500 / 1040)


def test_decision_rights_concentration_counts_accountable_decisions(measured):
    rights = measured.structure["concentration"]["decision_rights"]["accountable"]
    x = np.zeros(21)
    x[[6, 13, 20]] = [3, 1, 1]  # 7: d1-d3; 14: d4; 21: d5
    assert rights["total"] == 5
    assert rights["gini"] == pytest.approx(_gini_by_definition(x), abs=1e-12)
    assert rights["hhi"] == pytest.approx((0.6**2 + 0.2**2 + 0.2**2), abs=1e-12)
    assert rights["top_layer_share"] == pytest.approx(0.6)


def test_valued_agony_of_a_mutual_budget_pair_costs_two_per_unit_of_the_lighter_arc(measured):
    # 7 -> 2 (100) and 2 -> 7 (20) is the only cycle: rank 7 above 2, the 20 arc climbs
    # two ranks: cost 2 x 20 = 40 (agony's definition)
    agony = measured.structure["agony"]["flows"]
    assert agony["weighted"] is True
    assert agony["agony"] == pytest.approx(40.0)
    assert agony["hierarchy"] == pytest.approx(1 - 40 / 1040)


def test_binary_layers_reuse_the_layer_agony(measured):
    assert measured.structure["agony"]["reporting"]["agony"] == 0
    assert measured.structure["agony"]["advice"]["agony"] == measured.layers["advice"]["agony"] == 106  # layer LP


def test_structure_is_json_safe(measured):
    json.dumps(measured.structure, allow_nan=False)


def test_same_seed_gives_the_same_measures(graph, measured):
    again = measure_org(graph, null_samples=3, seed=1)
    assert json.dumps(again.layers, sort_keys=True) == json.dumps(measured.layers, sort_keys=True)
    pd.testing.assert_frame_equal(again.people, measured.people)
    assert again.structure == measured.structure


def test_layers_get_distinct_reproducible_seeds():
    seeds = [layer_seed(0, position) for position in range(5)]
    assert len(set(seeds)) == 5 and seeds == [layer_seed(0, position) for position in range(5)]


def test_concentration_profile_of_nothing_held_is_undefined():
    profile = concentration_profile([0, 0, 0])
    assert profile["gini"] is None and profile["hhi"] is None and profile["top_1pct_share"] is None


def test_top_one_percent_is_rounded_up_to_whole_people():
    profile = concentration_profile(np.arange(250, dtype=float))
    assert profile["top_1pct_people"] == math.ceil(2.5)
    assert profile["top_1pct_share"] == pytest.approx((249 + 248 + 247) / np.arange(250).sum())


def test_a_synthetic_org_is_measured_end_to_end():
    model = generate_org(150, "mixed", seed=2)
    measured = measure_org(build_graph(model), null_samples=1, seed=0)
    assert len(measured.people) == 150
    assert measured.structure["spans_and_layers"]["people_placed"] == 150
    assert measured.structure["spans_and_layers"]["tops"] == len(model.roots)
    json.dumps(measured.structure, allow_nan=False)
