"""The org's layers out to the tools analysts use: networkx, Gephi (GEXF), GraphML,
an edge list, and CSV files for ``neo4j-admin database import``.

Every export holds the same arcs and weights as the in-process layers
(:mod:`orgpower.graph.layers`: superior -> subordinate, parallel arcs summed, no
self-loops) and, on the nodes, the person's columns and measures (``node_kind`` is
``person`` or ``unit``). networkx is needed only for :func:`to_networkx` and GraphML
(``pip install 'orgpower[graph]'``); the other formats are written directly.

>>> import orgpower                                                     # doctest: +SKIP
>>> result = orgpower.audit("sample_orgs/meridian_matrix")              # doctest: +SKIP
>>> g = result.to_networkx()             # MultiDiGraph, one edge key per layer   # doctest: +SKIP
>>> g.number_of_edges() == len(result.edge_list())                     # doctest: +SKIP
True
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from orgpower.errors import InputError, UsageError, require

if TYPE_CHECKING:
    import networkx as nx

    from orgpower.graph.layers import Layer, OrgGraph
    from orgpower.model import OrgModel

GRAPH_FORMATS = ("graphml", "gexf", "edgelist", "neo4j-csv")
# where a row came from is provenance, not a property of the person
_NOT_NODE_ATTRIBUTES = ("source_file", "source_row")


def _networkx() -> Any:
    require("networkx", "graph", "This export")
    import networkx

    return networkx


def _layers(graph: "OrgGraph", layer: str | None) -> dict[str, "Layer"]:
    if layer is None:
        return dict(graph.layers)
    if layer not in graph.layers:
        names = list(graph.layers)
        close = difflib.get_close_matches(layer, names, n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]}?" if close else ""
        raise UsageError(f"No layer {layer!r} in this org.{hint} Layers: {', '.join(names)}.")
    return {layer: graph.layers[layer]}


def node_table(graph: "OrgGraph", model: "OrgModel", measures: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per node of any layer, indexed by id: ``node_kind`` (person or unit), the
    person's columns from the input and, if given, the measures (people.csv columns)."""
    people = model.people.drop(columns=[c for c in _NOT_NODE_ATTRIBUTES if c in model.people])
    people = people.astype({"person_id": str}).drop_duplicates("person_id").set_index("person_id")
    if measures is not None and not measures.empty:
        extra = measures.astype({"person_id": str}).drop_duplicates("person_id").set_index("person_id")
        people = people.join(extra[[c for c in extra.columns if c not in people.columns]], how="left")
    people.insert(0, "node_kind", "person")
    ids = pd.Index(graph.person_ids)
    for layer in graph.layers.values():
        ids = ids.append(pd.Index(layer.node_ids[layer.people_count:]))
    units = pd.Index(ids.unique()).difference(people.index, sort=False)
    unit_names = {}
    if "unit_id" in model.units and "name" in model.units:
        unit_names = dict(zip(model.units["unit_id"].astype(str), model.units["name"]))
    unit_rows = pd.DataFrame({"node_kind": "unit", "name": [unit_names.get(u) for u in units]}, index=units)
    table = pd.concat([people, unit_rows.reindex(columns=people.columns)]) if len(units) else people
    table.index.name = "id"
    return table


def _arcs(layer: "Layer") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coo = layer.adjacency.tocoo()
    order = np.lexsort((coo.col, coo.row))
    ids = np.asarray(layer.node_ids, dtype=object)
    return ids[coo.row[order]], ids[coo.col[order]], np.asarray(coo.data[order], dtype=float)


def edge_list(graph: "OrgGraph", layer: str | None = None) -> pd.DataFrame:
    """Every arc as a row: ``source``, ``target``, ``layer``, ``weight`` (layers in their
    order, arcs by source then target position)."""
    parts = []
    for name, each in _layers(graph, layer).items():
        source, target, weight = _arcs(each)
        parts.append(pd.DataFrame({"source": source, "target": target, "layer": name, "weight": weight}))
    if not parts:
        return pd.DataFrame({"source": [], "target": [], "layer": [], "weight": []})
    return pd.concat(parts, ignore_index=True).astype({"source": str, "target": str, "layer": str, "weight": float})


def _python(value: Any) -> Any:
    """A plain Python value, or None for a missing one (NaN, <NA>, None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    return str(value)


# characters XML 1.0 cannot hold (control characters other than tab, newline, return)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _records(nodes: pd.DataFrame, ids: Iterator[str] | list[str], *, xml: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
    columns = list(nodes.columns)
    rows = nodes.reindex(list(ids))
    for node_id, values in zip(rows.index, rows.itertuples(index=False, name=None)):
        record = {column: _python(value) for column, value in zip(columns, values)}
        record = {k: (_xml_safe(v) if xml else v) for k, v in record.items() if v is not None}
        yield (_xml_safe(str(node_id)) if xml else str(node_id)), record


def to_networkx(
    graph: "OrgGraph", nodes: pd.DataFrame, layer: str | None = None, *, xml_safe: bool = False,
) -> "nx.MultiDiGraph | nx.DiGraph":
    """All layers as a :class:`networkx.MultiDiGraph` (edge key and ``layer`` = the
    layer's name), or one layer as a :class:`networkx.DiGraph`; ``weight`` on every edge,
    ``nodes``' columns (see :func:`node_table`) on every node. ``xml_safe`` replaces the
    characters XML cannot hold (for the GraphML writer)."""
    nx = _networkx()
    layers = _layers(graph, layer)
    g = nx.MultiDiGraph() if layer is None else nx.DiGraph()
    g.graph.update(layers=", ".join(layers), direction="superior -> subordinate")
    ids: list[str] = []
    seen: set[str] = set()
    for each in layers.values():
        for node in each.node_ids:
            if node not in seen:
                seen.add(node)
                ids.append(str(node))
    g.add_nodes_from(_records(nodes, ids, xml=xml_safe))
    for name, each in layers.items():
        source, target, weight = _arcs(each)
        if xml_safe:
            source, target = [_xml_safe(str(v)) for v in source], [_xml_safe(str(v)) for v in target]
        if layer is None:
            g.add_edges_from((s, t, name, {"layer": name, "weight": w}) for s, t, w in zip(source, target, weight.tolist()))
        else:
            g.add_edges_from((s, t, {"weight": w}) for s, t, w in zip(source, target, weight.tolist()))
    return g


# ---- files -------------------------------------------------------------------------------


def _gexf_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "long"
    if pd.api.types.is_float_dtype(series):
        return "double"
    return "string"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_gexf(graph: "OrgGraph", nodes: pd.DataFrame, path: Path, layer: str | None = None) -> Path:
    """GEXF 1.3, as Gephi (0.9.3 and later) opens it: one edge per arc and layer, the
    layer as the edge's ``kind`` (Gephi keeps parallel edges of different kinds apart)
    and as a ``layer`` attribute; node columns and measures as typed node attributes."""
    from orgpower import __version__

    layers = _layers(graph, layer)
    root = ET.Element("gexf", {
        "xmlns": "http://gexf.net/1.3", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:schemaLocation": "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd", "version": "1.3",
    })
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = f"orgpower {__version__}"
    ET.SubElement(meta, "description").text = _xml_safe(
        "Layers: " + ", ".join(layers) + ". Arcs run superior -> subordinate; weight = summed arc weight.")
    g = ET.SubElement(root, "graph", {"mode": "static", "defaultedgetype": "directed"})
    columns = [c for c in nodes.columns]
    node_attributes = ET.SubElement(g, "attributes", {"class": "node", "mode": "static"})
    for i, column in enumerate(columns):
        ET.SubElement(node_attributes, "attribute", {"id": str(i), "title": _xml_safe(str(column)), "type": _gexf_type(nodes[column])})
    edge_attributes = ET.SubElement(g, "attributes", {"class": "edge", "mode": "static"})
    ET.SubElement(edge_attributes, "attribute", {"id": "layer", "title": "layer", "type": "string"})
    xml_nodes = ET.SubElement(g, "nodes")
    index = {column: str(i) for i, column in enumerate(columns)}
    ids = list(dict.fromkeys(str(n) for each in layers.values() for n in each.node_ids))
    for node_id, record in _records(nodes, ids, xml=True):
        label = record.get("name") or node_id
        element = ET.SubElement(xml_nodes, "node", {"id": node_id, "label": str(label)})
        values = ET.SubElement(element, "attvalues")
        for column, value in record.items():
            ET.SubElement(values, "attvalue", {"for": index[column], "value": _text(value)})
    xml_edges = ET.SubElement(g, "edges")
    count = 0
    for name, each in layers.items():
        source, target, weight = _arcs(each)
        for s, t, w in zip(source, target, weight.tolist()):
            edge = ET.SubElement(xml_edges, "edge", {
                "id": str(count), "source": _xml_safe(str(s)), "target": _xml_safe(str(t)), "kind": _xml_safe(name),
                "label": _xml_safe(name), "weight": repr(w),
            })
            values = ET.SubElement(edge, "attvalues")
            ET.SubElement(values, "attvalue", {"for": "layer", "value": _xml_safe(name)})
            count += 1
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)
    return path


def write_graphml(graph: "OrgGraph", nodes: pd.DataFrame, path: Path, layer: str | None = None) -> Path:
    """GraphML (through networkx): the :func:`to_networkx` graph, typed attributes."""
    nx = _networkx()
    nx.write_graphml(to_networkx(graph, nodes, layer, xml_safe=True), path, named_key_ids=True)
    return path


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    from orgpower.report.safety import neutralise_frame

    return neutralise_frame(frame)


def write_edgelist(graph: "OrgGraph", nodes: pd.DataFrame, out_dir: Path, layer: str | None = None) -> list[Path]:
    """``edges.csv`` (source, target, layer, weight) and ``nodes.csv`` (id, kind, columns,
    measures); cells safe to open in a spreadsheet."""
    edges = edge_list(graph, layer)
    ids = list(dict.fromkeys(str(n) for each in _layers(graph, layer).values() for n in each.node_ids))
    table = nodes.reindex(ids).reset_index().rename(columns={"index": "id"})
    paths = [out_dir / "edges.csv", out_dir / "nodes.csv"]
    _safe(edges).to_csv(paths[0], index=False, lineterminator="\n")
    _safe(table).to_csv(paths[1], index=False, lineterminator="\n")
    return paths


def relationship_type(layer: str) -> str:
    """The Neo4j relationship type of a layer: ``reporting_dotted`` -> ``REPORTING_DOTTED``."""
    return re.sub(r"[^A-Z0-9_]+", "_", layer.upper()).strip("_") or "RELATED"


def write_neo4j_csv(graph: "OrgGraph", nodes: pd.DataFrame, out_dir: Path, layer: str | None = None) -> list[Path]:
    """``nodes.csv`` and ``relationships.csv`` in the header format of
    ``neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv``:
    ``:Person`` / ``:Unit`` nodes with typed properties, one relationship type per layer
    (``REPORTING``, ``FLOWS``, ``DECISIONS``, ...) with ``weight`` and ``layer``."""
    layers = _layers(graph, layer)
    ids = list(dict.fromkeys(str(n) for each in layers.values() for n in each.node_ids))
    table = nodes.reindex(ids)
    types = {"long": "long", "double": "double", "boolean": "boolean", "string": "string"}
    header = ["id:ID", ":LABEL"]
    columns = {}
    for column in table.columns:
        if column == "node_kind":
            continue
        name = re.sub(r"[:,\"]", "_", str(column))
        header.append(f"{name}:{types[_gexf_type(table[column])]}")
        columns[column] = table[column]
    data = [table.index.astype(str).to_numpy(), table["node_kind"].map({"person": "Person", "unit": "Unit"}).to_numpy()]
    data += [values.to_numpy() for values in columns.values()]
    frame = pd.DataFrame(dict(zip(header, data)))
    edges = edge_list(graph, layer)
    relationships = pd.DataFrame({
        ":START_ID": edges["source"], ":END_ID": edges["target"], ":TYPE": edges["layer"].map(relationship_type),
        "weight:double": edges["weight"], "layer:string": edges["layer"],
    })
    paths = [out_dir / "nodes.csv", out_dir / "relationships.csv"]
    _safe(frame).to_csv(paths[0], index=False, lineterminator="\n")
    _safe(relationships).to_csv(paths[1], index=False, lineterminator="\n")
    return paths


def write_graph(
    graph: "OrgGraph", nodes: pd.DataFrame, out_dir: Path, fmt: str, *, layer: str | None = None,
    inputs_sha256: set[str] | None = None,
) -> list[Path]:
    """Write the graph in ``fmt`` (one of :data:`GRAPH_FORMATS`) into ``out_dir``; returns
    the files written. Refuses to overwrite a file that is one of the inputs."""
    if fmt not in GRAPH_FORMATS:
        close = difflib.get_close_matches(fmt, GRAPH_FORMATS, n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]}?" if close else ""
        raise UsageError(f"Unknown graph format {fmt}.{hint} Choose from {', '.join(GRAPH_FORMATS)}.")
    _layers(graph, layer)  # an unknown layer is a usage error before anything is written
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"The output path {out_dir} is a file, not a folder: give a folder with --out.")
    stem = "org" if layer is None else f"org-{re.sub(r'[^A-Za-z0-9_.-]+', '_', layer)}"
    planned = {
        "graphml": [out_dir / f"{stem}.graphml"], "gexf": [out_dir / f"{stem}.gexf"],
        "edgelist": [out_dir / "edges.csv", out_dir / "nodes.csv"],
        "neo4j-csv": [out_dir / "nodes.csv", out_dir / "relationships.csv"],
    }[fmt]
    from orgpower.ingest.readers import file_sha256

    for path in planned:
        if inputs_sha256 and path.is_file() and file_sha256(path) in inputs_sha256:
            raise InputError(f"Writing {path.name} into {out_dir} would overwrite the input file {path}: choose another --out folder.")
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        return [write_graphml(graph, nodes, planned[0], layer)]
    if fmt == "gexf":
        return [write_gexf(graph, nodes, planned[0], layer)]
    if fmt == "edgelist":
        return write_edgelist(graph, nodes, out_dir, layer)
    return write_neo4j_csv(graph, nodes, out_dir, layer)


__all__ = [
    "GRAPH_FORMATS", "edge_list", "node_table", "relationship_type", "to_networkx", "write_gexf", "write_graph",
    "write_graphml", "write_edgelist", "write_neo4j_csv",
]
