"""The people table of node measures (orgpower.metrics.nodes.node_measures).

Provenance: Krackhardt's managers as an org (tests/golden/orgs.py); hand-derived tree values for
the reporting line, R sna/igraph and networkx 3.6 values for the advice layer,
R sna 2.7-1 ``brokerage`` (tests/golden/sna_nodes_reference.json) for brokerage by
department. Decision rights and resources are checked against direct counts written
out in plain Python/networkx, independent of the vectorised code.
"""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from golden.graphs import GOLDEN
from golden.orgs import krackhardt_org
from orgpower.graph.layers import OrgGraph, build_graph, layer_from_arcs
from orgpower.metrics.brokerage import BROKERAGE_ROLES
from orgpower.metrics.nodes import directed_betweenness, node_measures

FLOWS = pd.DataFrame(
    {
        "source": ["7", "7", "7", "2", "14", "FIN", "2", "18"],
        "target": ["2", "14", "21", "1", "3", "7", "7", "10"],
        "amount": [100.0, 250.0, 80.0, 30.0, 60.0, 500.0, 20.0, 5.0],
    }
)
DECISIONS = pd.DataFrame(
    {
        "decision": ["budget", "budget", "budget", "hire", "hire", "hire", "hire", "tools"],
        "actor": ["7", "2", "14", "14", "14", "7", "3", "UNIT-X"],
        "role": ["accountable", "consulted", "consulted", "accountable", "responsible", "veto", "informed", "accountable"],
        "affects": ["2", None, None, "3", None, None, None, "5"],
    }
)


@pytest.fixture(scope="module")
def org(public_datasets):
    return build_graph(krackhardt_org(public_datasets, flows=FLOWS, decisions=DECISIONS))


@pytest.fixture(scope="module")
def measures(org):
    return node_measures(org)


@pytest.fixture(scope="module")
def table(measures):
    return measures.people.set_index("person_id")


@pytest.fixture(scope="module")
def advice_graph(org):
    return nx.from_scipy_sparse_array(org.layers["advice"].adjacency, create_using=nx.DiGraph)


def test_one_row_per_person_in_people_order_with_person_id_first(org, measures):
    assert measures.people.columns[0] == "person_id"
    assert measures.people["person_id"].tolist() == org.people["person_id"].tolist()
    assert "FIN" not in set(measures.people["person_id"])  # a unit node is not a person row


def test_reporting_line_columns_match_reference(table):
    assert table.loc[["7", "2", "14", "18", "21"], "span_of_control"].tolist() == [4, 3, 7, 2, 4]
    assert table.loc["7", "reporting_layer"] == 1 and table.loc["1", "reporting_layer"] == 3
    assert table.loc["7", "reach"] == 20 and table.loc["14", "reach"] == 7


def test_reporting_betweenness_is_the_tree_betweenness_normalised(table):
    # raw tree betweenness (by hand, = networkx normalized=False) over (n-1)(n-2)/2 = 190
    # unordered pairs, resp. 380 ordered
    raw = {"7": 143, "2": 54, "14": 112, "18": 37, "21": 70}
    for person, value in raw.items():
        assert table.loc[person, "betweenness"] == pytest.approx(value / 190, abs=1e-12)
    directed = {"7": 0, "2": 3, "14": 7, "18": 2, "21": 4}
    for person, value in directed.items():
        assert table.loc[person, "betweenness_directed"] == pytest.approx(value / 380, abs=1e-12)


def test_reporting_pagerank_is_authority_top_three(table):
    top = table["pagerank"].sort_values(ascending=False).index[:3].tolist()
    assert top == ["7", "14", "21"]
    # networkx pagerank at its default tolerance, hence 5e-6
    assert table.loc["7", "pagerank"] == pytest.approx(0.322032, abs=5e-6)


def test_advice_betweenness_equals_networkx_directed_normalised(table, advice_graph, org):
    reference = nx.betweenness_centrality(advice_graph, normalized=True)
    ids = org.layers["advice"].node_ids
    np.testing.assert_allclose(table.loc[list(ids), "advice_betweenness"], [reference[i] for i in range(21)], atol=1e-9)
    # R sna betweenness = networkx: highest directed betweenness 18 (88.9167 raw)
    assert table.loc["18", "advice_betweenness"] * 380 == pytest.approx(88.9167, abs=1e-4)


def test_advice_pagerank_follows_the_files_direction_as_networkx(table, advice_graph, org):
    reference = nx.pagerank(advice_graph, tol=1e-14)
    ids = org.layers["advice"].node_ids
    np.testing.assert_allclose(table.loc[list(ids), "advice_pagerank"], [reference[i] for i in range(21)], atol=1e-9)


def test_advice_constraint_matches_reference(table):
    expected = [0.216332, 0.202127, 0.209973, 0.212623, 0.205316, 0.226598]
    np.testing.assert_allclose(table.loc[["1", "2", "3", "4", "5", "6"], "advice_constraint"], expected, atol=1e-6)


def test_advice_brokerage_by_unit_equals_r_sna(table):
    golden = json.loads((GOLDEN / "sna_nodes_reference.json").read_text())
    columns = [f"advice_brokerage_{role}" for role in BROKERAGE_ROLES] + ["advice_brokerage_total"]
    ids = [str(i) for i in range(1, 22)]
    np.testing.assert_array_equal(table.loc[ids, columns].to_numpy(), np.array(golden["advice_brokerage_dept"]))


def test_degree_columns_equal_networkx(table, advice_graph):
    ids = [str(i) for i in range(1, 22)]
    assert table.loc[ids, "advice_in_degree"].tolist() == [advice_graph.in_degree(i) for i in range(21)]
    assert table.loc[ids, "advice_out_degree"].tolist() == [advice_graph.out_degree(i) for i in range(21)]
    assert table.loc[ids, "reporting_out_degree"].tolist() == table.loc[ids, "span_of_control"].tolist()


def test_strength_columns_only_on_weighted_layers(table):
    assert "flows_out_strength" in table.columns
    assert "advice_out_strength" not in table.columns  # all weights 1: degree says it all


def test_resources_given_received_and_net_surplus(table):
    flows = nx.DiGraph()
    for row in FLOWS.itertuples():
        flows.add_edge(row.source, row.target, weight=row.amount)
    for person in ("7", "2", "14", "1", "10"):
        given = flows.out_degree(person, weight="weight") if person in flows else 0.0
        received = flows.in_degree(person, weight="weight") if person in flows else 0.0
        assert table.loc[person, "resources_given"] == pytest.approx(given)
        assert table.loc[person, "resources_received"] == pytest.approx(received)
        assert table.loc[person, "resources_net_surplus"] == pytest.approx(given - received)
    # 7 -> 2 (100) and 2 -> 7 (20): min(100, 20) = 20 returned both ways (Squartini s↔)
    assert table.loc["7", "resources_reciprocated"] == pytest.approx(20.0)
    assert table.loc["2", "resources_reciprocated"] == pytest.approx(20.0)


def test_decision_rights_count_distinct_decisions_per_role(table):
    expected = {}
    for row in DECISIONS.itertuples():
        expected.setdefault((row.actor, row.role), set()).add(row.decision)
    assert table.loc["7", "decision_rights_accountable"] == len(expected[("7", "accountable")])
    assert table.loc["7", "decision_rights_veto"] == 1
    assert table.loc["14", "decision_rights_accountable"] == 1
    assert table.loc["14", "decision_rights_consulted"] == 1
    assert table.loc["14", "decision_rights_deciding"] == 1  # accountable for hire only
    assert table.loc["14", "decision_rights_voice"] == 2  # consulted on budget, responsible on hire
    assert table.loc["7", "decision_rights_deciding"] == 2  # accountable (budget), veto (hire)
    assert table.loc["5", "decision_rights_deciding"] == 0


def test_without_flows_or_decisions_those_columns_are_empty_not_zero(public_datasets):
    measures = node_measures(build_graph(krackhardt_org(public_datasets)))
    assert measures.people["resources_given"].isna().all()
    assert measures.people["decision_rights_accountable"].isna().all()


def test_a_person_on_a_reporting_cycle_has_no_reporting_layer():
    people = pd.DataFrame({"person_id": ["a", "b", "c", "d"], "unit": ["u"] * 4}, dtype="string")
    graph = OrgGraph(people=people, units=pd.DataFrame())
    graph.layers["reporting"] = layer_from_arcs("reporting", people["person_id"].to_numpy(dtype=object),
                                                ["a", "c", "d"], ["b", "d", "c"], weighted=False)
    result = node_measures(graph).people.set_index("person_id")
    assert result.loc["a", "reporting_layer"] == 1 and result.loc["b", "reporting_layer"] == 2
    assert pd.isna(result.loc["c", "reporting_layer"]) and pd.isna(result.loc["d", "reporting_layer"])


def test_sampled_betweenness_stays_within_its_stated_error_bound():
    graph = nx.gnp_random_graph(400, 0.012, seed=5, directed=True)
    a = sp.csr_array(nx.to_scipy_sparse_array(graph, nodelist=range(400)))
    exact, none = directed_betweenness(a, exact_limit=10_000)
    estimate, record = directed_betweenness(a, exact_limit=100, error=0.05, seed=3)
    assert none is None and record is not None
    assert record["confidence"] == 0.95
    assert np.abs(estimate - exact).max() <= record["error_bound"]
    reference = nx.betweenness_centrality(graph, normalized=True)
    np.testing.assert_allclose(exact, [reference[i] for i in range(400)], atol=1e-9)


def test_sampled_betweenness_is_unbiased_on_average():
    graph = nx.gnp_random_graph(300, 0.02, seed=8, directed=True)
    a = sp.csr_array(nx.to_scipy_sparse_array(graph, nodelist=range(300)))
    exact, _ = directed_betweenness(a, exact_limit=10_000)
    runs = [directed_betweenness(a, exact_limit=10, error=0.1, seed=s)[0] for s in range(20)]
    # the mean of 20 independent estimates of the total is within 5% of the truth
    assert np.mean([r.sum() for r in runs]) == pytest.approx(exact.sum(), rel=0.05)


def test_same_seed_same_table_even_when_estimating(org):
    first = node_measures(org, exact_limit=5, seed=4, betweenness_error=0.1)
    second = node_measures(org, exact_limit=5, seed=4, betweenness_error=0.1)
    pd.testing.assert_frame_equal(first.people, second.people)
    assert "advice_betweenness" in first.estimated


@pytest.mark.parametrize("ids", [[], ["a"], ["a", "b"]])
def test_an_org_of_zero_one_or_two_people_is_measured_without_error(ids):
    from orgpower.model import OrgModel

    graph = build_graph(OrgModel(people=pd.DataFrame({"person_id": pd.array(ids, dtype="string")})))
    people = node_measures(graph).people
    assert people["person_id"].tolist() == ids
    assert (people["betweenness"] == 0).all() and (people["reporting_layer"] == 1).all()
