"""Cypher measures in Neo4j agree with the in-process path on the same model.

In-process references: ``layers.build_graph`` (the layer arcs), numpy row/column sums
of ``Layer.adjacency`` (degrees), ``metrics.reciprocity.dyad_census``, networkx
``reciprocity`` (edgewise), ``metrics.tree.reporting_tree`` (spans and layers).
Published references: Krackhardt (1987) high-tech managers, advice dyad census
M/A/N = 45/100/65 and edgewise reciprocity 0.473684 (R sna ``dyad.census``/``grecip``);
reports-to spans 4, 3, 7, 2, 4, mean 4.0, 3 layers (by hand).
"""

from __future__ import annotations

import uuid

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from orgpower.graph import cypher_measures as cm
from orgpower.graph.layers import build_graph
from orgpower.graph.neo4j_store import Neo4jStore
from orgpower.synthetic import generate_org
from orgpower.metrics.reciprocity import dyad_census
from orgpower.metrics.tree import reporting_tree
from orgpower.model import OrgModel

pytestmark = pytest.mark.neo4j

MODEL = generate_org(80, "mixed", seed=5)
GRAPH = build_graph(MODEL)
LAYERS = sorted(GRAPH.layers)


@pytest.fixture(scope="module")
def store(neo4j_uri):
    with Neo4jStore.connect(neo4j_uri) as connected:
        yield connected


@pytest.fixture(scope="module")
def snapshot(store):
    name = f"test-cypher-{uuid.uuid4().hex[:8]}"
    store.load(MODEL, name)
    yield name
    store.delete_snapshot(name)


def in_process_arcs(layer) -> pd.DataFrame:
    coo = layer.adjacency.tocoo()
    ids = layer.node_ids
    frame = pd.DataFrame({"source": ids[coo.row], "target": ids[coo.col], "weight": coo.data.astype(float)})
    return frame.sort_values(["source", "target"]).reset_index(drop=True)


def test_the_model_has_every_kind_of_layer():
    assert {"reporting", "flows", "decisions"} <= set(LAYERS)
    assert len(LAYERS) > 3  # at least one relation layer


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_arcs_built_in_cypher_equal_build_graph(store, snapshot, layer):
    arcs = cm.layer_arcs(store, snapshot, layer)
    pd.testing.assert_frame_equal(arcs, in_process_arcs(GRAPH.layers[layer]), check_dtype=False, rtol=1e-9)


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_node_count_equals_build_graph(store, snapshot, layer):
    assert cm.layer_node_count(store, snapshot, layer) == GRAPH.layers[layer].n


@pytest.mark.parametrize("layer", LAYERS)
def test_degrees_and_strengths_equal_row_and_column_sums(store, snapshot, layer):
    reference = GRAPH.layers[layer]
    ids = reference.node_ids
    expected = pd.DataFrame({
        "out_degree": np.asarray(reference.binary().sum(axis=1)).ravel(),
        "in_degree": np.asarray(reference.binary().sum(axis=0)).ravel(),
        "out_strength": np.asarray(reference.adjacency.sum(axis=1)).ravel(),
        "in_strength": np.asarray(reference.adjacency.sum(axis=0)).ravel(),
    }, index=pd.Index(ids, name="node_id"))
    measured = cm.degrees(store, snapshot, layer).reindex(expected.index, fill_value=0)
    pd.testing.assert_frame_equal(measured.astype(float), expected.astype(float), rtol=1e-9)


@pytest.mark.parametrize("layer", LAYERS)
def test_dyad_census_equals_in_process(store, snapshot, layer):
    reference = dyad_census(GRAPH.layers[layer])
    assert cm.dyad_census(store, snapshot, layer) == {
        "mutual": reference.mutual, "asymmetric": reference.asymmetric, "null": reference.null,
    }


@pytest.mark.parametrize("layer", LAYERS)
def test_edgewise_reciprocity_equals_networkx(store, snapshot, layer):
    reference = GRAPH.layers[layer]
    graph = nx.from_scipy_sparse_array(reference.binary(), create_using=nx.DiGraph)
    measured = cm.reciprocity(store, snapshot, layer)
    if graph.number_of_edges() == 0:
        assert measured["reciprocity_edgewise"] is None
    else:
        assert measured["reciprocity_edgewise"] == pytest.approx(nx.reciprocity(graph), abs=1e-12)


def test_spans_and_layers_equal_the_in_process_reporting_tree(store, snapshot):
    layer = GRAPH.layers["reporting"]
    tree = reporting_tree(layer.adjacency)
    table, summary = cm.spans_and_layers(store, snapshot)
    table = table.reindex(layer.node_ids)
    assert table["span_of_control"].tolist() == tree.span_of_control.tolist()
    assert table["reporting_layer"].tolist() == tree.reporting_layer.tolist()
    managers = tree.span_of_control[tree.span_of_control > 0]
    assert summary["managers"] == managers.size
    assert summary["mean_span"] == pytest.approx(managers.mean())
    assert summary["layers"] == tree.reporting_layer.max()
    assert summary["tops"] == int((tree.manager < 0).sum())


def krackhardt_org(datasets) -> OrgModel:
    """Krackhardt's 21 managers: reports-to as the solid line (flipped to boss -> sub), advice as a relation."""
    folder = datasets / "krackhardt_hightech"

    def ties(relation: str) -> np.ndarray:
        rows = np.loadtxt(folder / f"Krack-High-Tec-edgelist-{relation}.txt", dtype=int)
        return rows[(rows[:, 2] == 1) & (rows[:, 0] != rows[:, 1])]

    reports = ties("ReportsTo")  # ego reports to alter
    manager = {str(ego): str(alter) for ego, alter, _ in reports}
    ids = [str(i) for i in range(1, 22)]
    people = pd.DataFrame({"person_id": ids, "manager_id": [manager.get(i) for i in ids]}, dtype="string")
    reporting = pd.DataFrame({"source": [manager[i] for i in ids if i in manager],
                              "target": [i for i in ids if i in manager], "line": "solid"}, dtype="string")
    advice = ties("Advice")
    relations = pd.DataFrame({"source": advice[:, 0].astype(str), "target": advice[:, 1].astype(str),
                              "relation": "advice", "weight": 1.0}).astype(
        {"source": "string", "target": "string", "relation": "string"})
    return OrgModel(people=people, reporting=reporting, relations=relations)


def test_krackhardt_advice_dyad_census_and_reciprocity_match_published_values(store, public_datasets):
    name = f"test-krack-{uuid.uuid4().hex[:8]}"
    store.load(krackhardt_org(public_datasets), name)
    try:
        assert cm.dyad_census(store, name, "advice") == {"mutual": 45, "asymmetric": 100, "null": 65}
        measured = cm.reciprocity(store, name, "advice")
        assert measured["reciprocity_edgewise"] == pytest.approx(0.473684, abs=1e-6)
        assert measured["reciprocity_dyadic"] == pytest.approx(0.310345, abs=1e-6)
        table, summary = cm.spans_and_layers(store, name)
        spans = table["span_of_control"]
        assert sorted(spans[spans > 0].tolist()) == [2, 3, 4, 4, 7]
        assert (summary["managers"], summary["mean_span"], summary["layers"]) == (5, 4.0, 3)
        assert table.loc["7", "reporting_layer"] == 1  # the CEO
    finally:
        store.delete_snapshot(name)
