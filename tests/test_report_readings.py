"""Three-axis readings (orgpower.report.readings) against the canonical graphs
(out-star, in-star, mutual star, ...) and the decision logic of docs/readings.md.

Pure-logic tests feed the canonical graphs' measure values (reference values
R sna 2.7-1 and networkx 3.6.1 agree; HHI of out-strength worked by hand). Integration
tests build the same graphs as layers and measure them with orgpower's own
layer_measures, so the readings are checked on the real pipeline too.
"""

from __future__ import annotations

import numpy as np
import pytest

from orgpower.graph.layers import layer_from_arcs
from orgpower.report.config import Thresholds
from orgpower.report.readings import combine_readings, null_comparison, read_measures


def canonical_row(r, rho, fh, f0, c_in, c_out, c_total, n, hhi):
    """One canonical graph's measures as a layer-measures dict."""
    return {
        "nodes": n, "arcs": 1, "weighted": False,
        "reciprocity_edgewise": r, "reciprocity_dyadic": r, "reciprocity_rho": rho,
        "weighted_reciprocity": r, "flow_hierarchy": fh, "trophic_incoherence": f0,
        "degree_centralization_in": c_in, "degree_centralization_out": c_out,
        "degree_centralization_total": c_total, "hhi_out_strength": hhi,
    }


# canonical graphs, n = 5 unless stated. hhi = Σ (out-strength share)², by hand.
OUT_STAR = canonical_row(0, -0.25, 1, 0, 0.0625, 1, 0.5, 5, 1.0)
IN_STAR = canonical_row(0, -0.25, 1, 0, 1, 0.0625, 0.5, 5, 0.25)
MUTUAL_STAR = canonical_row(1, 1, 0, 1, 0.75, 0.75, 1, 5, 0.25)  # hub 4 of 8 arcs, leaves 1 each
CYCLE = canonical_row(0, -1 / 3, 0, 1, 0, 0, 0, 5, 0.2)
COMPLETE_MUTUAL = canonical_row(1, None, 0, 1, 0, 0, 0, 5, 0.2)
PATH = canonical_row(0, -0.25, 1, 0, 0.0625, 0.0625, 0.0833, 5, 0.25)
TREE_7 = canonical_row(0, -1 / 6, 1, 0, 0.0278, 0.2222, 0.15, 7, 1 / 3)
TOURNAMENT = canonical_row(0, -1, 1, 0.2, 0.625, 0.625, 0, 5, 0.3)


@pytest.mark.parametrize(
    "measures, label, sublabels",
    [
        (OUT_STAR, "power-over", ("layered", "concentrated")),
        (IN_STAR, "power-over", ("layered", "concentrated")),
        (PATH, "power-over", ("layered",)),
        (TREE_7, "power-over", ("layered",)),
        (TOURNAMENT, "power-over", ("layered", "concentrated")),
        (MUTUAL_STAR, "mutual", ("hub partnership",)),
        (COMPLETE_MUTUAL, "mutual", ("shared",)),
        (CYCLE, "mixed", ("circulating",)),
    ],
    ids=["out-star", "in-star", "path", "binary-tree-7", "transitive-tournament", "mutual-star", "complete-mutual", "cycle"],
)
def test_canonical_graph_gets_expected_reading(measures, label, sublabels):
    reading = read_measures(measures)
    assert (reading.label, reading.sublabels) == (label, sublabels)


def test_mutual_star_is_more_centralized_than_out_star_yet_not_power_over():
    star, hub = read_measures(OUT_STAR), read_measures(MUTUAL_STAR)
    assert MUTUAL_STAR["degree_centralization_total"] > OUT_STAR["degree_centralization_total"]
    assert star.label == "power-over" and hub.label != "power-over"


def test_every_reading_carries_scores_and_evidence_for_each_axis():
    reading = read_measures(OUT_STAR)
    assert set(reading.scores) == {"asymmetry", "direction", "concentration"}
    assert reading.scores["asymmetry"] == 1.0 and reading.scores["direction"] == 1.0
    assert len(reading.evidence) == 3 and all(reading.evidence)
    assert reading.to_dict()["axes"]["direction"]["values"]["trophic_incoherence"] == 0


def test_layer_without_arcs_is_undetermined():
    reading = read_measures({"nodes": 4, "arcs": 0, "reciprocity_edgewise": None})
    assert reading.label == "undetermined"


def test_weighted_layer_reads_asymmetry_from_weighted_reciprocity():
    # edgewise r = 1 (every arc returned) but only 10% of the weight comes back
    measures = {**MUTUAL_STAR, "weighted": True, "weighted_reciprocity": 0.1}
    reading = read_measures(measures)
    assert reading.axes["asymmetry"].leaning == "power-over"
    assert reading.scores["asymmetry"] == pytest.approx(0.9)


def test_middling_reciprocity_below_its_null_model_is_neutral_and_says_below_chance():
    # the leaning is read from the score shown (1 - r = 0.7, between the cut-offs), so that
    # the power map's regions are the rules; the null comparison is stated beside r
    null = {"measures": {"reciprocity_edgewise": {"observed": 0.3, "null_mean": 0.6, "null_sd": 0.05, "z": -6.0}}}
    measures = {**PATH, "reciprocity_edgewise": 0.3, "reciprocity_rho": 0.1, "null_model": null}
    reading = read_measures(measures)
    assert reading.axes["asymmetry"].leaning == "neutral"
    assert reading.axes["asymmetry"].null["null_mean"] == 0.6
    assert "below the degree-preserving null" in reading.axes["asymmetry"].evidence


def test_middling_reciprocity_near_its_null_model_is_neutral():
    null = {"measures": {"reciprocity_edgewise": {"observed": 0.3, "null_mean": 0.31, "null_sd": 0.05, "z": -0.2}}}
    measures = {**PATH, "reciprocity_edgewise": 0.3, "reciprocity_rho": 0.1, "null_model": null}
    assert read_measures(measures).axes["asymmetry"].leaning == "neutral"


def test_null_comparison_is_empty_without_a_null_model():
    assert null_comparison(OUT_STAR, "reciprocity_edgewise") == {}


def test_thresholds_are_overridable():
    # the tournament's direction score is mean(1 - F0, flow hierarchy) = mean(0.8, 1) = 0.9:
    # layered at the default cut (mean(1 - 0.3, 0.8) = 0.75), not at mean(1 - 0.1, 0.95) = 0.925
    strict = Thresholds(trophic_layered_max=0.1, flow_hierarchy_layered_min=0.95)
    assert read_measures(TOURNAMENT).label == "power-over"
    assert read_measures(TOURNAMENT, strict).label == "mixed"


def test_combined_label_is_the_majority_of_layers():
    layers = {"advice": read_measures(TREE_7), "flows": read_measures(MUTUAL_STAR), "decisions": read_measures(COMPLETE_MUTUAL)}
    combined = combine_readings(layers)
    assert combined.label == "mutual"
    assert combined.evidence[0] == "2 of 3 votes read mutual."


def test_combined_label_without_majority_is_mixed():
    layers = {"advice": read_measures(TREE_7), "flows": read_measures(MUTUAL_STAR)}
    assert combine_readings(layers).label == "mixed"


def test_combined_scores_are_mean_of_layer_scores():
    layers = {"a": read_measures(OUT_STAR), "b": read_measures(CYCLE)}
    combined = combine_readings(layers)
    assert combined.scores["direction"] == pytest.approx((1.0 + 0.0) / 2)


# --- the same graphs measured by the real pipeline -------------------------------------

def _layer(arcs, n):
    ids = [str(i) for i in range(n)]
    src = [str(s) for s, _ in arcs]
    dst = [str(t) for _, t in arcs]
    return layer_from_arcs("x", ids, src, dst)


CANONICAL_ARCS = {
    "out-star": ([(0, i) for i in range(1, 5)], 5, "power-over"),
    "mutual-star": ([(0, i) for i in range(1, 5)] + [(i, 0) for i in range(1, 5)], 5, "mutual"),
    "cycle": ([(i, (i + 1) % 5) for i in range(5)], 5, "mixed"),
    "binary-tree-7": ([(0, 1), (0, 2), (1, 3), (1, 4), (2, 5), (2, 6)], 7, "power-over"),
}


@pytest.mark.parametrize("name", sorted(CANONICAL_ARCS))
def test_canonical_graph_measured_by_layer_measures_reads_as_expected(name):
    from orgpower.metrics.layer import layer_measures

    arcs, n, label = CANONICAL_ARCS[name]
    assert read_measures(layer_measures(_layer(arcs, n))).label == label


def test_coordinator_tied_both_ways_to_everyone_is_not_power_over():
    """A coordinator who allocates to and receives from each of 20 colleagues in equal
    measure (a weighted mutual star)."""
    from orgpower.metrics.layer import layer_measures

    n = 21
    arcs = [(0, i) for i in range(1, n)] + [(i, 0) for i in range(1, n)]
    ids = [str(i) for i in range(n)]
    layer = layer_from_arcs("flows", ids, [str(s) for s, _ in arcs], [str(t) for _, t in arcs], np.full(len(arcs), 5.0))
    reading = read_measures({**layer_measures(layer), "weighted": True})
    assert reading.label == "mutual" and "hub partnership" in reading.sublabels


def test_the_formal_line_does_not_vote_while_other_layers_can_be_read():
    tree, hub = read_measures(TREE_7, layer="reporting"), read_measures(MUTUAL_STAR)
    layers = {"reporting": tree, "reporting_dotted": read_measures(TREE_7, layer="reporting_dotted"), "flows": hub}
    combined = combine_readings(layers)
    assert combined.label == "mutual"
    assert combined.evidence[0] == "1 of 1 votes read mutual (the formal line, reporting, reporting_dotted, does not vote)."


def test_a_reporting_tree_reads_as_a_formal_line_not_power_over():
    reading = read_measures(TREE_7, layer="reporting")
    assert reading.label == "formal line" and reading.sublabels == ("one-way", "layered")


def test_an_org_with_only_the_formal_line_is_undetermined_and_says_why():
    combined = combine_readings({"reporting": read_measures(TREE_7, layer="reporting")})
    assert combined.label == "undetermined" and combined.sublabels == ("formal line only",)
    assert "one way by construction" in combined.evidence[0]


# --- labels whose rules cannot contradict ----------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from orgpower.report.readings import AXIS_SUBLABELS, sublabel_axis  # noqa: E402

unit = st.one_of(st.none(), st.floats(0, 1))
measures_strategy = st.fixed_dictionaries({
    "nodes": st.integers(2, 50), "arcs": st.integers(0, 100), "weighted": st.booleans(),
    "reciprocity_edgewise": unit, "weighted_reciprocity": unit, "reciprocity_rho": st.one_of(st.none(), st.floats(-1, 1)),
    "trophic_incoherence": unit, "flow_hierarchy": unit, "degree_centralization_in": unit,
    "degree_centralization_out": unit, "degree_centralization_total": unit, "hhi_out_strength_normalised": unit,
}, optional={"say_top_share": st.floats(0, 1)})


@settings(max_examples=300, deadline=None)
@given(measures_strategy, st.sampled_from([None, "reporting", "flows", "decisions"]))
def test_a_layer_reading_has_at_most_one_sublabel_per_axis(measures, layer):
    reading = read_measures(measures, layer=layer)
    axes = [sublabel_axis(s) for s in reading.sublabels if sublabel_axis(s)]
    assert len(axes) == len(set(axes)), reading.sublabels


@settings(max_examples=300, deadline=None)
@given(measures_strategy)
def test_concentrated_only_when_the_concentration_score_shown_crosses_the_threshold(measures):
    reading = read_measures(measures)
    score = reading.scores["concentration"]
    if "concentrated" in reading.sublabels:
        assert score is not None and score >= Thresholds().concentration_high
    if reading.axes["concentration"].leaning == "power-over":
        assert str(f"{score:.2f}") in reading.axes["concentration"].evidence


@settings(max_examples=200, deadline=None)
@given(st.lists(measures_strategy, min_size=1, max_size=5))
def test_a_combined_reading_has_one_sublabel_per_axis_and_concentrated_beside_its_score(layers):
    names = ["flows", "decisions", "advice", "collaboration", "reporting"]
    readings = {names[i]: read_measures(m, layer=names[i]) for i, m in enumerate(layers)}
    combined = combine_readings(readings)
    axes = [sublabel_axis(s) for s in combined.sublabels if sublabel_axis(s)]
    assert len(axes) == len(set(axes)), combined.sublabels
    if "concentrated" in combined.sublabels:
        assert combined.scores["concentration"] >= Thresholds().concentration_high
    if combined.label == "power-over":
        assert not {"returned", "circulating", "hub partnership"} & set(combined.sublabels)
    if combined.label == "mutual":
        assert not {"one-way", "layered", "concentrated"} & set(combined.sublabels)


def test_mixed_layers_leaning_opposite_ways_do_not_combine_into_one_way_and_returned():
    one_way = read_measures({**PATH, "flow_hierarchy": 0.5, "trophic_incoherence": 0.5})
    returned = read_measures({**COMPLETE_MUTUAL, "flow_hierarchy": 0.5, "trophic_incoherence": 0.5})
    assert one_way.label == returned.label == "mixed"
    combined = combine_readings({"flows": one_way, "decisions": returned})
    assert not {"one-way", "returned"} <= set(combined.sublabels)


def test_decisions_where_one_holder_has_the_say_on_half_cannot_read_mutual():
    shared = {**COMPLETE_MUTUAL, "say_top_share": 0.5}
    reading = read_measures(shared, layer="decisions")
    assert reading.label == "mixed" and "concentrated" in reading.sublabels
    assert reading.scores["concentration"] == 0.5
    assert read_measures({**COMPLETE_MUTUAL, "say_top_share": 0.2}, layer="decisions").label == "mutual"


def test_every_sublabel_belongs_to_a_known_axis():
    assert {s for names in AXIS_SUBLABELS.values() for s in names} >= {"one-way", "returned", "layered", "circulating",
                                                                          "concentrated", "hub partnership", "shared"}


def test_each_null_comparison_sits_beside_its_own_measure():
    null = {"measures": {
        "trophic_incoherence": {"observed": 0.0, "null_mean": 0.15, "null_sd": 0.01, "z": -14.2},
        "flow_hierarchy": {"observed": 1.0, "null_mean": 0.9, "null_sd": 0.01, "z": 10.0},
    }}
    evidence = read_measures({**PATH, "null_model": null}).axes["direction"].evidence
    f0, fh = evidence.split("flow hierarchy = ")
    assert "0.15, z = -14.2" in f0 and "0.15" not in fh
    assert "0.90, z = 10.0" in fh


def test_a_null_model_that_cannot_tell_is_said_in_plain_words_without_z():
    # a tree: r = 0 and every degree-preserving rewiring of it returns (almost) nothing too
    null = {"measures": {"reciprocity_edgewise": {"observed": 0.0, "null_mean": 0.0015, "null_sd": 0.0025, "z": -0.6}}}
    evidence = read_measures({**TREE_7, "null_model": null}).axes["asymmetry"].evidence
    assert "cannot tell" in evidence and "z =" not in evidence
    no_spread = {"measures": {"reciprocity_edgewise": {"observed": 0.0, "null_mean": 0.0, "null_sd": 0.0, "z": None}}}
    assert "cannot tell" in read_measures({**TREE_7, "null_model": no_spread}).axes["asymmetry"].evidence
