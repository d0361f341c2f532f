"""Benchmark shapes (orgpower.synthetic.generate_shape): each has the structure its
docstring promises, so the benchmark measures the org the issue describes.

Counts are checked against the generating distributions with wide margins (several
standard errors at 20,000 people); the tree is checked with networkx (an independent
implementation): one weakly connected arborescence rooted at the first person.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from orgpower.errors import UsageError
from orgpower.graph.layers import build_graph
from orgpower.api import read_org
from orgpower.synthetic import SHAPES, generate_shape, write_bundle

PEOPLE = 20_000


@pytest.fixture(scope="module")
def cross():
    return generate_shape(PEOPLE, "cross-linked", seed=5)


@pytest.fixture(scope="module")
def dense():
    return generate_shape(PEOPLE, "collaboration-dense", seed=5)


def test_every_shape_is_deterministic_for_a_seed():
    for shape in SHAPES:
        a, b = generate_shape(300, shape, seed=9), generate_shape(300, shape, seed=9)
        assert a.people.equals(b.people) and a.flows.equals(b.flows) and a.relations.equals(b.relations)


def test_an_unknown_shape_is_refused_with_the_choices():
    with pytest.raises(UsageError, match="cross-linked"):
        generate_shape(100, "ring")


def test_cross_linked_reporting_is_one_tree_with_spans_one_plus_poisson_six(cross):
    tree = nx.DiGraph(zip(cross.reporting["source"].astype(str), cross.reporting["target"].astype(str)))
    assert nx.is_arborescence(tree) and tree.number_of_nodes() == PEOPLE
    spans = np.array([d for _, d in tree.out_degree() if d > 0])
    # every manager but the last one filled has a full 1 + Poisson(6) span: mean 7, variance 6
    assert spans.min() >= 1
    assert abs(spans[:-1].mean() - 7.0) < 0.2 and abs(spans[:-1].var() - 6.0) < 0.8


def test_cross_linked_budget_flows_down_every_line_and_a_fifth_comes_back(cross):
    kinds = cross.flows["kind"].value_counts()
    assert kinds["budget"] == PEOPLE - 1
    assert abs(kinds["return"] / (PEOPLE - 1) - 0.2) < 0.02
    assert kinds["lateral"] == PEOPLE // 10
    down = set(zip(cross.reporting["source"], cross.reporting["target"]))
    budget = cross.flows[cross.flows["kind"] == "budget"]
    assert set(zip(budget["source"], budget["target"])) == down
    back = cross.flows[cross.flows["kind"] == "return"]
    assert all((t, s) in down for s, t in zip(back["source"], back["target"]))
    lateral = cross.flows[cross.flows["kind"] == "lateral"]
    assert (lateral["source"] != lateral["target"]).all()


def test_cross_linked_managers_take_three_decisions_binding_their_team(cross):
    decisions = cross.decisions
    accountable = decisions[decisions["role"] == "accountable"]
    managers = cross.reporting["source"].nunique()
    assert accountable.groupby("actor")["decision"].nunique().eq(3).all()
    assert accountable["actor"].nunique() == managers
    # each report is bound by each of their manager's three decisions
    assert len(accountable) == 3 * (PEOPLE - 1)
    consulted = decisions[decisions["role"] == "consulted"]
    assert abs(len(consulted) / (3 * (PEOPLE - 1)) - 0.3) < 0.02
    manager_of = dict(zip(cross.reporting["target"], cross.reporting["source"]))
    owner = dict(zip(accountable["decision"], accountable["actor"]))
    assert all(owner[d] == manager_of[a] for d, a in zip(consulted["decision"], consulted["actor"]))


def test_collaboration_dense_has_mean_degree_twenty_mostly_inside_units(dense):
    relations = dense.relations
    assert set(relations["relation"]) == {"collaboration"}
    assert abs(2 * len(relations) / PEOPLE - 20) < 0.5
    unit = dict(zip(dense.people["person_id"], dense.people["unit"]))
    same = np.mean([unit[s] == unit[t] for s, t in zip(relations["source"], relations["target"])])
    assert 0.88 < same < 0.95  # 90% drawn inside the unit, a few of the rest land there too
    assert (relations["source"] != relations["target"]).all()


def test_shapes_read_back_without_problems_and_build_their_layers(tmp_path):
    for shape, layers in (("cross-linked", {"reporting", "flows", "decisions"}),
                          ("collaboration-dense", {"reporting", "flows", "decisions", "collaboration"})):
        write_bundle(generate_shape(2_000, shape, seed=3), tmp_path / shape)
        model = read_org([str(tmp_path / shape)])
        assert not model.errors and not model.warnings, [p.message for p in model.problems[:3]]
        assert len(model.people) == 2_000
        assert layers <= set(build_graph(model).layers)


def test_tree_like_is_the_mixed_archetype():
    from orgpower.synthetic import generate_org

    assert generate_shape(500, "tree-like", seed=1).people.equals(generate_org(500, "mixed", seed=1).people)
    assert isinstance(generate_shape(500, "tree-like", seed=1).people, pd.DataFrame)
