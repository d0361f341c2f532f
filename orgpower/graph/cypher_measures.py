"""Measures that are sums over arcs, computed as Cypher inside Neo4j for one snapshot.

For an org too large to leave the database: degrees and strengths, the MAN dyad
census, edgewise and dyadic reciprocity, and spans and layers of the solid reporting
line, each one query over a stored snapshot (see :mod:`orgpower.graph.neo4j_store`).
They give the numbers the in-process path gives on
:func:`orgpower.graph.layers.build_graph` of the same model (tests/test_neo4j_cypher_measures.py).

A layer's arcs are built in Cypher exactly as ``layers.build_graph`` builds them:
distinct ordered pairs of ids, parallel rows summed into one weight, self-loops and
arcs of total weight 0 dropped. Layer names: ``reporting``, ``reporting_dotted``,
``flows``, ``decisions``, or a relation name (``advice``, ...). Query text is built
from this module's constants only; the snapshot key and relation name are parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from orgpower.model import DECIDING_ROLES

if TYPE_CHECKING:
    from orgpower.graph.neo4j_store import Neo4jStore

__all__ = [
    "layer_arcs",
    "layer_node_count",
    "degrees",
    "dyad_census",
    "reciprocity",
    "spans_and_layers",
]

# Each fragment yields rows (source, target, weight): one per distinct arc of the layer.
_REPORTING = (
    "MATCH (a:Person {snapshot: $key})-[r:MANAGES {line: $line}]->(b) "
    "WITH a.id AS source, b.id AS target, count(r) * 1.0 AS weight"
)
_FROM_PEOPLE_AND_UNITS = (
    "CALL {{ "
    "MATCH (a:Person {{snapshot: $key}})-[r:{rel}]->(b) {where} RETURN a, r, b "
    "UNION ALL "
    "MATCH (a:Unit {{snapshot: $key}})-[r:{rel}]->(b) {where} RETURN a, r, b }} "
)
_FLOWS = _FROM_PEOPLE_AND_UNITS.format(rel="FLOW", where="") + (
    "WITH a.id AS source, b.id AS target, sum(r.amount) * 1.0 AS weight"
)
_RELATION = _FROM_PEOPLE_AND_UNITS.format(rel="RELATION", where="WHERE r.relation = $relation") + (
    "WITH a.id AS source, b.id AS target, sum(coalesce(r.weight, 1.0)) * 1.0 AS weight"
)
# The person-to-person projection of decision rights (layers.decision_arcs): each decider
# -> each id the decision binds (or, when it binds none, every actor it names);
# a voice (consulted, recommend) adds no tie. One count per decision and ordered pair.
_DECISIONS = (
    "MATCH (d:Decision {snapshot: $key}) "
    "OPTIONAL MATCH (x)-[r:ROLE]->(d) "
    "WITH d, collect(DISTINCT CASE WHEN r.role IN $deciding THEN x.id END) AS deciders, "
    "     collect(DISTINCT x.id) AS implicit "
    "OPTIONAL MATCH (d)-[:BINDS]->(y) "
    "WITH d, deciders, implicit, collect(DISTINCT y.id) AS binds "
    "WITH d, deciders, CASE WHEN size(binds) > 0 THEN binds ELSE implicit END AS bound "
    "WITH d, reduce(pairs = [], s IN deciders | pairs + [t IN bound | [s, t]]) AS pairs "
    "UNWIND pairs AS pair "
    "WITH DISTINCT d, pair "
    "WITH pair[0] AS source, pair[1] AS target, count(*) * 1.0 AS weight"
)
_DROP = " WHERE source <> target AND weight <> 0 "

# Nodes of a layer: all people, plus each non-person id the layer's rows name
# (stored as :Unit; self-loops and zero weights count, as in layers._node_set).
_PEOPLE = "MATCH (p:Person {snapshot: $key}) RETURN count(p) AS n"
_NAMED_UNITS = (
    "CALL { MATCH (p:Person {snapshot: $key}) RETURN count(p) AS people } "
    "CALL { MATCH (u:Unit {snapshot: $key}) WHERE {pattern} RETURN count(u) AS units } "
    "RETURN people + units AS n"
)


@dataclass(frozen=True)
class LayerQuery:
    arcs: str  # a fragment ending in WITH source, target, weight
    nodes: str  # a query returning n
    parameters: dict[str, Any]


def _layer_query(layer: str) -> LayerQuery:
    if layer in ("reporting", "reporting_dotted"):
        line = "solid" if layer == "reporting" else "dotted"
        return LayerQuery(_REPORTING, _PEOPLE, {"line": line})
    if layer == "flows":
        return LayerQuery(_FLOWS, _NAMED_UNITS.replace("{pattern}", "EXISTS { (u)-[:FLOW]-() }"), {})
    if layer == "decisions":
        return LayerQuery(
            _DECISIONS,
            _NAMED_UNITS.replace("{pattern}", "EXISTS { (u)-[:ROLE]->() } OR EXISTS { ()-[:BINDS]->(u) }"),
            {"deciding": sorted(DECIDING_ROLES)},
        )
    return LayerQuery(
        _RELATION,
        _NAMED_UNITS.replace("{pattern}", "EXISTS { (u)-[x:RELATION]-() WHERE x.relation = $relation }"),
        {"relation": layer},
    )


def _run(store: "Neo4jStore", snapshot: str, query: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
    key = store.snapshot_info(snapshot)["key"]
    return store.run(query, f"measuring snapshot {snapshot!r} in Neo4j", key=key, **parameters)


def layer_arcs(store: "Neo4jStore", snapshot: str, layer: str) -> pd.DataFrame:
    """The layer's distinct arcs as a table ``source``, ``target``, ``weight`` (sorted).

    Definition: as ``layers.build_graph`` (parallel rows summed, self-loops and zero
    weights dropped). Mostly for checking; the measures below never ship the arcs out.
    """
    q = _layer_query(layer)
    rows = _run(store, snapshot, q.arcs + _DROP + "RETURN source, target, weight ORDER BY source, target", q.parameters)
    return pd.DataFrame(rows, columns=["source", "target", "weight"])


def layer_node_count(store: "Neo4jStore", snapshot: str, layer: str) -> int:
    """n of the layer: all people plus the other ids (units) its rows name."""
    q = _layer_query(layer)
    return int(_run(store, snapshot, q.nodes, q.parameters)[0]["n"])


def degrees(store: "Neo4jStore", snapshot: str, layer: str) -> pd.DataFrame:
    """Out/in degree (distinct arcs) and out/in strength (summed weights) per node id.

    Definition: out_degree(i) = #{j ≠ i : w_ij > 0}, out_strength(i) = Σ_j w_ij, and
    the same over columns for in-. Nodes without arcs are left out (their values are 0).
    Reference: the row and column sums of ``Layer.binary()`` / ``Layer.adjacency``
    (networkx ``out_degree`` / ``out_degree(weight=...)``).

    Example: arcs a→b (2), a→c (1), b→a (1) give a: out 2 (strength 3), in 1.
    """
    q = _layer_query(layer)
    query = q.arcs + _DROP + (
        "UNWIND [[source, 1, weight], [target, 0, weight]] AS end "
        "WITH end[0] AS node_id, end[1] AS outgoing, end[2] AS w "
        "RETURN node_id, sum(outgoing) AS out_degree, sum(1 - outgoing) AS in_degree, "
        "sum(outgoing * w) AS out_strength, sum((1 - outgoing) * w) AS in_strength ORDER BY node_id"
    )
    rows = _run(store, snapshot, query, q.parameters)
    columns = ["node_id", "out_degree", "in_degree", "out_strength", "in_strength"]
    return pd.DataFrame(rows, columns=columns).set_index("node_id")


def dyad_census(store: "Neo4jStore", snapshot: str, layer: str) -> dict[str, int]:
    """MAN dyad census {mutual, asymmetric, null} of the layer.

    Definition: M = unordered pairs with arcs both ways, A = one way, N = n(n−1)/2 − M − A.
    Reference: Holland & Leinhardt (1970); R sna ``dyad.census``; in process
    :func:`orgpower.metrics.reciprocity.dyad_census`.

    Example: arcs a→b, b→a, b→c on 4 nodes: M 1, A 1, N 4.
    """
    q = _layer_query(layer)
    query = q.arcs + _DROP + (
        "WITH CASE WHEN source < target THEN [source, target] ELSE [target, source] END AS dyad, count(*) AS arcs "
        "RETURN sum(CASE WHEN arcs = 2 THEN 1 ELSE 0 END) AS mutual, sum(CASE WHEN arcs = 1 THEN 1 ELSE 0 END) AS asymmetric"
    )
    counts = _run(store, snapshot, query, q.parameters)[0]
    n = layer_node_count(store, snapshot, layer)
    mutual, asymmetric = int(counts["mutual"] or 0), int(counts["asymmetric"] or 0)
    return {"mutual": mutual, "asymmetric": asymmetric, "null": n * (n - 1) // 2 - mutual - asymmetric}


def reciprocity(store: "Neo4jStore", snapshot: str, layer: str) -> dict[str, float | None]:
    """Edgewise 2M/m and dyadic M/(M+A) reciprocity (``None`` without arcs).

    Reference: sna ``grecip(measure="edgewise")`` = networkx ``reciprocity``;
    sna ``grecip(measure="dyadic.nonnull")`` = igraph ``reciprocity(mode="ratio")``.

    Example: arcs a→b, b→a, b→c: edgewise 2/3, dyadic 1/2.
    """
    census = dyad_census(store, snapshot, layer)
    m, tied = 2 * census["mutual"] + census["asymmetric"], census["mutual"] + census["asymmetric"]
    return {
        "reciprocity_edgewise": 2 * census["mutual"] / m if m else None,
        "reciprocity_dyadic": census["mutual"] / tied if tied else None,
    }


def spans_and_layers(store: "Neo4jStore", snapshot: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Span of control and reporting layer per person on the solid line, and the summary.

    Definition (docs/measures.md, formal structure): span(v) = direct solid reports of v; layer(v) =
    1 + the number of managers above v (the top is layer 1); managers = people with
    span > 0; mean span = Σ spans / managers; layers = the deepest layer. A person
    whose chain never reaches a top (a cycle) has no layer (``None``).
    Reference: :func:`orgpower.metrics.tree.reporting_tree` / ``spans_and_layers``;
    Krackhardt reports-to: spans 4, 3, 7, 2, 4, mean 4.0, 3 layers.

    Returns (people table ``person_id`` -> ``span_of_control``, ``reporting_layer``;
    summary ``people``, ``tops``, ``managers``, ``mean_span``, ``max_span``, ``layers``).
    """
    spans = _run(store, snapshot, (
        "MATCH (p:Person {snapshot: $key}) "
        "OPTIONAL MATCH (p)-[:MANAGES {line: 'solid'}]->(r:Person) WHERE r <> p "
        "RETURN p.id AS person_id, count(DISTINCT r) AS span_of_control"
    ), {})
    layers = _run(store, snapshot, (
        "MATCH (top:Person {snapshot: $key}) "
        "WHERE NOT EXISTS { (m:Person)-[:MANAGES {line: 'solid'}]->(top) WHERE m <> top } "
        "MATCH path = (top) (()-[:MANAGES {line: 'solid'}]->())* (p) "
        "RETURN p.id AS person_id, 1 + min(length(path)) AS reporting_layer"
    ), {})
    table = pd.DataFrame(spans, columns=["person_id", "span_of_control"]).set_index("person_id")
    placed = pd.DataFrame(layers, columns=["person_id", "reporting_layer"]).set_index("person_id")
    table["reporting_layer"] = placed["reporting_layer"].reindex(table.index).astype("Int64")
    manager_spans = table["span_of_control"][table["span_of_control"] > 0]
    summary = {
        "people": int(len(table)),
        "tops": int((placed["reporting_layer"] == 1).sum()),
        "managers": int(len(manager_spans)),
        "mean_span": float(manager_spans.mean()) if len(manager_spans) else None,
        "max_span": int(manager_spans.max()) if len(manager_spans) else 0,
        "layers": int(placed["reporting_layer"].max()) if len(placed) else 0,
    }
    return table.sort_index(), summary
