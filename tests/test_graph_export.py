"""Graph export: networkx, GEXF (Gephi), GraphML, edge list and neo4j-admin CSV hold
exactly the layers' arcs and weights, with person columns and measures on the nodes.

The reference for every arc is the layer's own sparse adjacency matrix (read here with
scipy, not through the export code); GEXF is parsed back with the standard library's
XML parser, GraphML with networkx's reader, the CSV files with the csv module."""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import networkx as nx
import pandas as pd
import pytest

import orgpower
from orgpower import AuditConfig
from orgpower.cli import main
from orgpower.errors import InputError, UsageError

GEXF = "{http://gexf.net/1.3}"


@pytest.fixture(scope="module")
def result():
    # flows, decisions, relations and units: every kind of layer and node
    return orgpower.audit(orgpower.generate_org(60, "mixed", seed=5), config=AuditConfig(null_samples=0))


def _arcs(layer) -> Counter:
    """(source, target) -> weight, straight from the layer's CSR matrix."""
    coo = layer.adjacency.tocoo()
    return Counter({(str(layer.node_ids[i]), str(layer.node_ids[j])): float(w)
                    for i, j, w in zip(coo.row, coo.col, coo.data)})


def test_result_has_every_kind_of_layer(result):
    assert {"reporting", "flows", "decisions"} <= set(result.graph.layers)
    assert any(layer.n > layer.people_count for layer in result.graph.layers.values())  # units as nodes


def test_networkx_digraph_of_each_layer_has_the_same_arcs_and_weights(result):
    for name, layer in result.graph.layers.items():
        g = result.to_networkx(layer=name)
        assert isinstance(g, nx.DiGraph) and not g.is_multigraph()
        assert Counter({(s, t): w for s, t, w in g.edges(data="weight")}) == _arcs(layer), name
        assert set(g.nodes) == {str(n) for n in layer.node_ids}


def test_networkx_multidigraph_holds_every_layer_under_its_own_key(result):
    g = result.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_edges() == sum(layer.m for layer in result.graph.layers.values())
    for name, layer in result.graph.layers.items():
        mine = Counter({(s, t): d["weight"] for s, t, k, d in g.edges(keys=True, data=True) if k == name})
        assert mine == _arcs(layer), name
        assert all(d["layer"] == k for _, _, k, d in g.edges(keys=True, data=True))


def test_nodes_carry_person_columns_and_measures(result):
    g = result.to_networkx()
    people = result.people.set_index("person_id")
    for person_id in people.index[:20]:
        node = g.nodes[person_id]
        assert node["node_kind"] == "person"
        assert node["span_of_control"] == people.loc[person_id, "span_of_control"]
        assert math.isclose(node["pagerank"], people.loc[person_id, "pagerank"], rel_tol=0, abs_tol=0)
        assert node["name"] == result.model.people.set_index("person_id").loc[person_id, "name"]


def test_ids_that_are_no_person_are_unit_nodes(result):
    g = result.to_networkx()
    people = set(result.model.people["person_id"].astype(str))
    units = [n for n in g.nodes if n not in people]
    assert units and all(g.nodes[n]["node_kind"] == "unit" for n in units)


def test_edge_list_is_the_same_graph_as_networkx(result):
    edges = result.edge_list()
    assert list(edges.columns) == ["source", "target", "layer", "weight"]
    g = result.to_networkx()
    assert Counter(zip(edges["source"], edges["target"], edges["layer"], edges["weight"])) == Counter(
        (s, t, k, d["weight"]) for s, t, k, d in g.edges(keys=True, data=True))
    assert set(result.edge_list("flows")["layer"]) == {"flows"}


def test_an_unknown_layer_is_a_usage_error_with_a_suggestion(result):
    with pytest.raises(UsageError, match="Did you mean reporting"):
        result.to_networkx(layer="reportin")


def test_gexf_parsed_back_has_every_arc_with_its_layer_as_kind_and_the_measures(result, tmp_path):
    [path] = orgpower.api.export_graph(result, tmp_path, "gexf")
    root = ET.parse(path).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{GEXF}graph")
    assert graph.get("defaultedgetype") == "directed"
    arcs = Counter()
    for edge in graph.iter(f"{GEXF}edge"):
        layer = edge.find(f"{GEXF}attvalues/{GEXF}attvalue").get("value")
        assert edge.get("kind") == layer
        arcs[(edge.get("source"), edge.get("target"), layer)] = float(edge.get("weight"))
    expected = Counter({(s, t, name): w for name, layer in result.graph.layers.items() for (s, t), w in _arcs(layer).items()})
    assert arcs == expected
    titles = {a.get("id"): (a.get("title"), a.get("type"))
              for a in graph.find(f"{GEXF}attributes[@class='node']")}
    assert ("pagerank", "double") in titles.values() and ("node_kind", "string") in titles.values()
    people = result.people.set_index("person_id")
    node = next(n for n in graph.iter(f"{GEXF}node") if n.get("id") in people.index)
    values = {titles[v.get("for")][0]: v.get("value") for v in node.iter(f"{GEXF}attvalue")}
    assert float(values["pagerank"]) == people.loc[node.get("id"), "pagerank"]


def test_graphml_read_back_by_networkx_is_the_same_multigraph(result, tmp_path):
    [path] = orgpower.api.export_graph(result, tmp_path, "graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    original = result.to_networkx()
    assert Counter((s, t, d["layer"], d["weight"]) for s, t, d in back.edges(data=True)) == Counter(
        (s, t, d["layer"], d["weight"]) for s, t, d in original.edges(data=True))
    some = next(iter(result.people["person_id"]))
    assert back.nodes[some]["pagerank"] == original.nodes[some]["pagerank"]


def test_graphml_of_one_layer_holds_only_that_layer(result, tmp_path):
    [path] = orgpower.api.export_graph(result, tmp_path, "graphml", layer="reporting")
    assert path.name == "org-reporting.graphml"
    back = nx.read_graphml(path)
    assert Counter({(s, t): w for s, t, w in back.edges(data="weight")}) == _arcs(result.graph.layers["reporting"])


def test_edgelist_files_read_back_with_the_csv_module(result, tmp_path):
    edges_path, nodes_path = orgpower.api.export_graph(result, tmp_path, "edgelist")
    with open(edges_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert Counter((r["source"], r["target"], r["layer"], float(r["weight"])) for r in rows) == Counter(
        zip(*[result.edge_list()[c] for c in ("source", "target", "layer", "weight")]))
    nodes = pd.read_csv(nodes_path, dtype={"id": str})
    assert set(nodes["id"]) == set(result.to_networkx().nodes)


def test_neo4j_csv_has_admin_import_headers_and_consistent_ids(result, tmp_path):
    nodes_path, rels_path = orgpower.api.export_graph(result, tmp_path, "neo4j-csv")
    with open(nodes_path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        nodes = list(reader)
    assert header[:2] == ["id:ID", ":LABEL"] and "pagerank:double" in header
    assert {row[1] for row in nodes} == {"Person", "Unit"}
    with open(rels_path, newline="", encoding="utf-8") as handle:
        rels = list(csv.DictReader(handle))
    ids = {row[0] for row in nodes}
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids for r in rels)
    assert {r[":TYPE"] for r in rels} == {name.upper() for name in result.graph.layers}
    assert len(rels) == len(result.edge_list())


def test_csv_exports_neutralise_formula_cells(tmp_path):
    people = pd.DataFrame({"person_id": ["a", "b", "c"], "manager_id": [None, "a", "a"],
                           "name": ["=HYPERLINK(\"x\")", "Bo", "Cy"]})
    result = orgpower.audit(people=people, config=AuditConfig(null_samples=0))
    _, nodes_path = orgpower.api.export_graph(result, tmp_path, "edgelist")
    assert "'=HYPERLINK" in nodes_path.read_text(encoding="utf-8")


def test_control_characters_in_the_data_never_break_the_xml(tmp_path):
    people = pd.DataFrame({"person_id": ["a", "b"], "manager_id": [None, "a"], "name": ["Ann\x1b[31m", "Bo\x00"]})
    result = orgpower.audit(people=people, config=AuditConfig(null_samples=0))
    for fmt in ("gexf", "graphml"):
        [path] = orgpower.api.export_graph(result, tmp_path / fmt, fmt)
        ET.parse(path)  # well-formed


def test_export_never_overwrites_an_input_file(tmp_path):
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "nodes.csv").write_text("person_id,manager_id\na,\nb,a\nc,a\n", encoding="utf-8")
    before = (folder / "nodes.csv").read_bytes()
    result = orgpower.audit(folder, config=AuditConfig(null_samples=0))
    with pytest.raises(InputError, match="overwrite the input"):
        orgpower.api.export_graph(result, folder, "edgelist")
    assert (folder / "nodes.csv").read_bytes() == before


@pytest.fixture(scope="module")
def small_org(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    (folder / "people.csv").write_text(
        "person_id,manager_id,unit\nceo,,HQ\nm1,ceo,Ops\nm2,ceo,Ops\ne1,m1,Ops\ne2,m1,Ops\ne3,m2,Ops\n", encoding="utf-8")
    (folder / "flows.csv").write_text("source,target,amount\nHQ,Ops,100\nceo,m1,5\nm1,ceo,2\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(("fmt", "files"), [
    ("gexf", ["org.gexf"]), ("graphml", ["org.graphml"]), ("edgelist", ["edges.csv", "nodes.csv"]),
    ("neo4j-csv", ["nodes.csv", "relationships.csv"]),
])
def test_export_command_writes_each_format(small_org, tmp_path, capsys, fmt, files):
    out = tmp_path / fmt
    assert main(["export", str(small_org), "--format", fmt, "--out", str(out), "-q"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    assert "arcs in" in capsys.readouterr().out


def test_export_command_suggests_a_mistyped_format(small_org, tmp_path, capsys):
    assert main(["export", str(small_org), "--format", "gefx", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Usage: orgpower export" in err and "gexf" in err
