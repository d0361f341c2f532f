"""Resource balance: Squartini's split of each flow into returned and one-way parts.

Reference: a toy check by hand, arcs 1→2 (10), 2→1 (4), 2→3 (5): W = 19,
W↔ = 8, r_w = 0.421053 (Squartini et al. 2013 definition)."""

from __future__ import annotations

import pandas as pd
import pytest

from orgpower.graph.layers import layer_from_arcs
from orgpower.report.resources import audit_resources, flow_balance, unit_flows

TOY = layer_from_arcs("flows", ["1", "2", "3"], ["1", "2", "2"], ["2", "1", "3"], [10.0, 4.0, 5.0])
PEOPLE = pd.DataFrame({"person_id": ["1", "2", "3"], "unit": ["U", "U", "V"]})


def test_returned_share_matches_weighted_reciprocity_by_hand():
    audit = audit_resources(TOY, PEOPLE)
    assert audit.summary["returned_share"] == pytest.approx(0.421053, abs=1e-6)


def test_node_that_gives_more_than_it_gets_back_is_a_net_giver():
    roles = flow_balance(TOY).set_index("node")["role"].to_dict()
    # 1: gives 10, gets 4 -> out-surplus 6 > in-surplus 0; 3 only receives
    assert roles == {"1": "net giver", "2": "net taker", "3": "net taker"}


def test_flows_per_giving_unit_split_returned_and_one_way():
    table = unit_flows(TOY, {"1": "U", "2": "U", "3": "V"}).set_index("unit")
    # unit U gives 10 + 4 + 5 = 19, of which min(10,4) + min(4,10) = 8 is returned
    assert table.loc["U", ["given", "returned", "one_way"]].tolist() == [19.0, 8.0, 11.0]


def test_unit_node_in_flows_is_its_own_unit():
    layer = layer_from_arcs("flows", ["p", "HQ", "OPS"], ["HQ"], ["OPS"], [7.0], people_count=1)
    assert unit_flows(layer, {"p": "HQ"})["unit"].tolist() == ["HQ"]


def test_lorenz_curve_runs_from_zero_to_one_over_people():
    lorenz = audit_resources(TOY, PEOPLE).lorenz
    assert lorenz.iloc[0].tolist() == [0.0, 0.0] and lorenz.iloc[-1].tolist() == [1.0, 1.0]


def test_no_flows_layer_gives_empty_tables():
    audit = audit_resources(None, PEOPLE)
    assert audit.summary == {"flows": 0} and audit.balance.empty
