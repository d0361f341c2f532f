"""Gould–Fernandez brokerage roles (Gould & Fernandez 1989).

Provenance: graph totals and vertex rows on the Krackhardt advice network with
departments as classes (CEO in department 0) are values from R sna 2.7-1
``brokerage``; every vertex row of advice, friendship and a seeded 60-node random
digraph comes from tests/golden/sna_nodes_reference.json, written by
tests/golden/make_golden_nodes.R (R sna ``brokerage(g, cl)$raw.nli``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from golden.graphs import GOLDEN, krackhardt
from orgpower.metrics import brokerage as brokerage_module
from orgpower.metrics.brokerage import BROKERAGE_ROLES, brokerage


@pytest.fixture(scope="module")
def golden():
    return json.loads((GOLDEN / "sna_nodes_reference.json").read_text())


@pytest.fixture(scope="module")
def departments(public_datasets):
    return pd.read_csv(public_datasets / "krackhardt_hightech" / "Krack-High-Tec-Attributes.csv")["DEPT"].to_numpy()


def _rows(result) -> np.ndarray:
    return np.column_stack([result.counts[role] for role in BROKERAGE_ROLES] + [result.total])


def test_advice_graph_totals_match_reference(public_datasets, departments):
    result = brokerage(krackhardt(public_datasets, "Advice").adjacency, departments)
    totals = [result.counts[role].sum() for role in BROKERAGE_ROLES]
    assert totals == [28, 69, 95, 62, 246]
    assert result.total.sum() == 500


def test_advice_vertex_rows_match_reference(public_datasets, departments):
    rows = _rows(brokerage(krackhardt(public_datasets, "Advice").adjacency, departments))
    expected = {
        1: [1, 2, 2, 11, 8, 24], 2: [0, 1, 6, 0, 13, 20], 7: [0, 7, 0, 0, 31, 38],
        14: [0, 0, 4, 0, 0, 4], 18: [0, 32, 4, 11, 74, 121], 21: [11, 7, 20, 15, 19, 72],
    }
    for manager, row in expected.items():
        assert rows[manager - 1].tolist() == row


@pytest.mark.parametrize("relation, key", [("Advice", "advice_brokerage_dept"), ("Friendship", "friendship_brokerage_dept")])
def test_every_vertex_row_equals_r_sna(public_datasets, departments, golden, relation, key):
    rows = _rows(brokerage(krackhardt(public_datasets, relation).adjacency, departments))
    np.testing.assert_array_equal(rows, np.array(golden[key]))


def test_random_digraph_equals_r_sna(golden):
    arcs = np.array(golden["random_arcs"], dtype=int)
    a = sp.csr_array((np.ones(len(arcs)), (arcs[:, 0], arcs[:, 1])), shape=(60, 60))
    rows = _rows(brokerage(a, golden["random_groups"]))
    np.testing.assert_array_equal(rows, np.array(golden["random_brokerage"]))


def test_closed_two_paths_are_not_brokerage():
    # 0 -> 1 -> 2 with the shortcut 0 -> 2: nobody brokers
    a = sp.csr_array((np.ones(3), ([0, 1, 0], [1, 2, 2])), shape=(3, 3))
    assert brokerage(a, ["x", "x", "x"]).total.sum() == 0


def test_a_two_path_back_to_its_start_is_not_brokerage():
    a = sp.csr_array((np.ones(2), ([0, 1], [1, 0])), shape=(2, 2))
    assert brokerage(a, ["x", "y"]).total.sum() == 0


@pytest.mark.parametrize(
    "groups, role",
    [
        (["a", "a", "a"], "coordinator"),
        (["a", "b", "a"], "itinerant"),
        (["a", "a", "b"], "representative"),
        (["a", "b", "b"], "gatekeeper"),
        (["a", "b", "c"], "liaison"),
    ],
)
def test_each_role_follows_the_groups_of_the_two_path(groups, role):
    a = sp.csr_array((np.ones(2), ([0, 1], [1, 2])), shape=(3, 3))
    result = brokerage(a, groups)
    assert result.counts[role].tolist() == [0, 1, 0]
    assert result.total.tolist() == [0, 1, 0]


def test_small_blocks_give_the_same_counts(golden, monkeypatch):
    arcs = np.array(golden["random_arcs"], dtype=int)
    a = sp.csr_array((np.ones(len(arcs)), (arcs[:, 0], arcs[:, 1])), shape=(60, 60))
    monkeypatch.setattr(brokerage_module, "_TWO_PATHS_PER_BLOCK", 7)
    np.testing.assert_array_equal(_rows(brokerage(a, golden["random_groups"])), np.array(golden["random_brokerage"]))


def test_above_the_limit_counts_are_a_scaled_sample_and_say_so(golden):
    arcs = np.array(golden["random_arcs"], dtype=int)
    a = sp.csr_array((np.ones(len(arcs)), (arcs[:, 0], arcs[:, 1])), shape=(60, 60))
    exact = brokerage(a, golden["random_groups"])
    sampled = brokerage(a, golden["random_groups"], limit=exact.two_paths // 2, seed=1)
    assert 0 < sampled.sample_rate < 1 and sampled.notes
    # unbiased: the graph total is close to the exact one (about half the two-paths drawn)
    assert sampled.total.sum() == pytest.approx(exact.total.sum(), rel=0.25)


def test_people_without_a_unit_form_one_group():
    a = sp.csr_array((np.ones(2), ([0, 1], [1, 2])), shape=(3, 3))
    assert brokerage(a, [None, None, np.nan]).counts["coordinator"].tolist() == [0, 1, 0]


def test_rows_stored_out_of_order_give_the_same_counts():
    # the open/closed test looks arcs up by binary search, which needs sorted rows: an
    # input stored out of order is sorted first (into a copy; the caller's is untouched)
    rng = np.random.default_rng(3)
    n = 60
    a = sp.csr_array((np.ones(400), (rng.integers(0, n, 400), rng.integers(0, n, 400))), shape=(n, n))
    groups = rng.integers(0, 4, n).astype(str)
    shuffled = a.copy()
    for row in range(n):  # reverse every row's entries
        start, stop = shuffled.indptr[row], shuffled.indptr[row + 1]
        shuffled.indices[start:stop] = shuffled.indices[start:stop][::-1].copy()
        shuffled.data[start:stop] = shuffled.data[start:stop][::-1].copy()
    shuffled.has_sorted_indices = False
    before = shuffled.indices.copy()
    expected, got = brokerage(a, groups), brokerage(shuffled, groups)
    assert expected.total.sum() > 0
    for role in expected.counts:
        np.testing.assert_array_equal(got.counts[role], expected.counts[role])
    np.testing.assert_array_equal(shuffled.indices, before)


def test_a_transpose_handed_in_gives_the_same_counts():
    rng = np.random.default_rng(8)
    n = 80
    a = sp.csr_array((rng.random(500), (rng.integers(0, n, 500), rng.integers(0, n, 500))), shape=(n, n))
    groups = rng.integers(0, 5, n).astype(str)
    expected = brokerage(a, groups)
    got = brokerage(a, groups, transposed=sp.csr_array(a.T))
    assert expected.total.sum() > 0
    for role in expected.counts:
        np.testing.assert_array_equal(got.counts[role], expected.counts[role])
