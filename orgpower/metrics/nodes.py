"""Node measures: one row per person (the people table behind ``people.csv``).

Columns, in order (all people in ``graph.people`` order, ``person_id`` first):

Formal structure (solid reporting line; definitions in docs/measures.md)
    ``reporting_layer`` (1 = top; empty for anyone whose chain loops), ``span_of_control``
    (direct reports), ``reach`` (everyone below), ``dotted_reports`` (dotted-line reports).
Headline position on the reporting line
    ``betweenness`` (undirected tree betweenness, normalised by (n−1)(n−2)/2),
    ``betweenness_directed`` (along manager → report paths, normalised by (n−1)(n−2)),
    ``pagerank``, ``bonacich_power``, ``constraint``, ``brokerage_<role>`` and
    ``brokerage_total`` (roles by unit).
Every layer L (reporting included)
    ``L_in_degree``, ``L_out_degree`` and, on weighted layers, ``L_in_strength``,
    ``L_out_strength``.
Every other layer L
    ``L_betweenness`` (directed, normalised by (n−1)(n−2); exact up to ``exact_limit``
    nodes, estimated above), ``L_pagerank``, ``L_bonacich_power``, ``L_constraint``,
    ``L_brokerage_<role>``, ``L_brokerage_total``.
Decision rights (from the decision rows): ``decision_rights_<role>``,
    ``decision_rights_deciding``, ``decision_rights_voice``.
Resources (flows layer, Squartini et al. 2013): ``resources_given`` (out-strength),
    ``resources_received`` (in-strength), ``resources_reciprocated`` (Σ_j min(w_ij, w_ji)),
    ``resources_net_surplus`` = s→ − s← (= given − received).

Orientation: PageRank and Bonacich are computed with arcs pointing at the stronger end.
Authority layers (reporting, reporting_dotted, flows, decisions) store superior →
subordinate, so PageRank runs on the reversed arcs (authority) and Bonacich on the
stored ones (power from dependents); relation layers keep the file's direction
(advice i → j: j is sought), so PageRank runs along the arcs and Bonacich on the reverse.

Empty (NaN / NA) means undefined: no flows or decisions in the input, a node without
contacts for constraint, a layer without arcs for Bonacich.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from orgpower.graph.layers import Layer, OrgGraph
from orgpower.metrics.brokerage import BROKERAGE_ROLES, brokerage
from orgpower.metrics.centralization import (
    betweenness_closed_form,
    exact_betweenness_fits,
    exact_directed_betweenness,
)
from orgpower.metrics.path_sampling import estimated_betweenness
from orgpower.metrics.decision_rights import decision_rights
from orgpower.metrics.power import bonacich_power, pagerank
from orgpower.metrics.structural_holes import constraint
from orgpower.metrics.tree import (
    ReportingTree,
    normalise_betweenness,
    reporting_tree,
    tree_betweenness,
    tree_betweenness_directed,
)

__all__ = ["AUTHORITY_LAYERS", "node_measures", "directed_betweenness", "NodeMeasures"]

AUTHORITY_LAYERS = frozenset({"reporting", "reporting_dotted", "flows", "decisions"})
BETWEENNESS_CONFIDENCE = 0.95
BETWEENNESS_ERROR = 0.019  # the layers' sampled centralization uses the same


@dataclass
class NodeMeasures:
    """The people table, which columns were estimated (column -> method, error bound,
    confidence), notes on what was sampled or set aside, and the reporting tree used."""

    people: pd.DataFrame
    estimated: dict[str, dict]
    notes: list[str]
    tree: ReportingTree


def directed_betweenness(
    adjacency, *, exact_limit: int = 20000, error: float = BETWEENNESS_ERROR, seed: int = 0,
    confidence: float = BETWEENNESS_CONFIDENCE,
) -> tuple[np.ndarray, dict | None]:
    """Directed, unweighted betweenness of every node, normalised by (n − 1)(n − 2).

    Definition: B(v) = Σ_{s ≠ v ≠ t} σ_st(v)/σ_st over ordered pairs (Brandes 2001),
    arcs taken as 0/1. Exact in O(n + m) where every path is the only one (forests,
    cycles: :func:`~orgpower.metrics.centralization.betweenness_closed_form`), at any
    size; otherwise exact (igraph, C) when n ≤ ``exact_limit`` and Brandes' algorithm
    visits at most ``BETWEENNESS_WORK`` vertices and arcs.

    Otherwise estimated from uniformly sampled shortest paths (Riondato & Kornaropoulos
    2016, :func:`~orgpower.metrics.path_sampling.estimated_betweenness`): every node's
    value is within ``error`` · n/(n − 2) of the truth at once, with probability
    ``confidence``; the same sample as the layer's centralization when the seeds agree.
    Returns the scores and ``None`` (exact) or the ``estimated`` record.

    Reference: networkx ``betweenness_centrality(G, normalized=True)`` on a DiGraph.
    """
    matrix = sp.csr_array(adjacency)
    n = matrix.shape[0]
    if n <= 2 or matrix.nnz == 0:
        return np.zeros(n), None
    closed = betweenness_closed_form(matrix)  # chains, stars, trees, cycles: exact in O(n + m)
    if closed is not None:
        return normalise_betweenness(closed, n, directed=True), None
    if n <= exact_limit and exact_betweenness_fits(matrix):
        # shared with the layer's centralization, which needs the same scores
        return normalise_betweenness(exact_directed_betweenness(matrix), n, directed=True), None
    sampled = estimated_betweenness(matrix, epsilon=error, confidence=confidence, seed=seed)
    record = {"method": sampled.method, "error_bound": sampled.error_bound, "confidence": sampled.confidence}
    return sampled.scores.copy(), record


def _degree_columns(layer: Layer, people: int) -> dict[str, np.ndarray]:
    stored = layer.adjacency
    columns = {
        # stored entries per column and per row (every stored entry is an arc, as in binary())
        f"{layer.name}_in_degree": np.bincount(stored.indices, minlength=stored.shape[1])[:people].astype(np.int64),
        f"{layer.name}_out_degree": np.diff(stored.indptr)[:people].astype(np.int64),
    }
    if layer.weighted:
        columns[f"{layer.name}_in_strength"] = np.asarray(layer.adjacency.sum(axis=0)).ravel()[:people]
        columns[f"{layer.name}_out_strength"] = np.asarray(layer.adjacency.sum(axis=1)).ravel()[:people]
    return columns


def _node_groups(layer: Layer, people: pd.DataFrame) -> np.ndarray:
    """Unit of each node: a person's ``unit``, a unit node is its own group."""
    groups = np.empty(layer.n, dtype=object)
    units = people["unit"] if "unit" in people.columns else pd.Series([None] * len(people))
    groups[: layer.people_count] = units.astype("string").to_numpy(dtype=object, na_value=None)
    groups[layer.people_count:] = layer.node_ids[layer.people_count:]
    return groups


def _position_columns(
    layer: Layer, people: pd.DataFrame, prefix: str, *, exact_limit: int, seed: int, betweenness_error: float,
    brokerage_limit: int, estimated: dict, notes: list[str], include_betweenness: bool,
) -> dict[str, np.ndarray]:
    k = layer.people_count
    stored = layer.adjacency
    # the layer transposed once, for every measure that needs it (a copy of every arc)
    transposed = sp.csr_array(stored.T)
    towards_power = transposed if layer.name in AUTHORITY_LAYERS else stored
    over_dependents = stored if layer.name in AUTHORITY_LAYERS else transposed
    columns: dict[str, np.ndarray] = {}
    if include_betweenness:
        # its place is kept here; node_measures fills it last (see betweenness_of)
        columns[f"{prefix}betweenness"] = None
        estimated[f"{prefix}betweenness"] = None
    columns[f"{prefix}pagerank"] = pagerank(towards_power)[:k]
    try:
        columns[f"{prefix}bonacich_power"] = bonacich_power(over_dependents)[:k]
    except ArithmeticError as problem:  # λ_max did not settle in its bounded steps: say so, leave it empty
        columns[f"{prefix}bonacich_power"] = np.full(k, np.nan)
        notes.append(f"layer {layer.name}: Bonacich power left empty: {problem}")
    columns[f"{prefix}constraint"] = constraint(stored, weighted=layer.weighted, transposed=transposed)[:k]
    roles = brokerage(layer.binary(), _node_groups(layer, people), limit=brokerage_limit, seed=seed,
                      transposed=transposed)
    for role in BROKERAGE_ROLES:
        columns[f"{prefix}brokerage_{role}"] = roles.counts[role][:k]
    columns[f"{prefix}brokerage_total"] = roles.total[:k]
    if roles.sample_rate < 1.0:
        estimated[f"{prefix}brokerage_*"] = {
            "method": f"uniform sample of {roles.sample_rate:.2%} of first arcs, counts scaled up",
            "error_bound": None,
            "confidence": None,
        }
        notes.extend(f"layer {layer.name}: {note}" for note in roles.notes)
    return columns


def _resource_columns(graph: OrgGraph, people: int) -> dict[str, np.ndarray]:
    names = ("resources_given", "resources_received", "resources_reciprocated", "resources_net_surplus")
    layer = graph.layers.get("flows")
    if layer is None:
        return {name: np.full(people, np.nan) for name in names}
    w = layer.adjacency
    given = np.asarray(w.sum(axis=1)).ravel()
    received = np.asarray(w.sum(axis=0)).ravel()
    reciprocated = np.asarray(w.minimum(sp.csr_array(w.T)).sum(axis=1)).ravel()
    return {
        "resources_given": given[:people],
        "resources_received": received[:people],
        "resources_reciprocated": reciprocated[:people],
        "resources_net_surplus": (given - received)[:people],
    }


def node_measures(
    graph: OrgGraph,
    *,
    exact_limit: int = 20000,
    seed: int = 0,
    betweenness_error: float = BETWEENNESS_ERROR,
    brokerage_limit: int = 5_000_000,
    betweenness_of: Callable[[str], tuple[np.ndarray, dict | None]] | None = None,
) -> NodeMeasures:
    """Every node measure of one org, one row per person (see the module docstring).

    Deterministic for a ``seed`` (only the estimates above ``exact_limit`` nodes and the
    brokerage sample above ``brokerage_limit`` two-paths draw random numbers).

    ``betweenness_of(name)``: layer ``name``'s :func:`directed_betweenness` (every node's
    scores and the estimate's record, with this ``exact_limit``, ``betweenness_error`` and
    the layer's own seed, :func:`orgpower.metrics.org.layer_seed`) where it was computed
    beside the layer's measures, from the same path sample
    (:func:`orgpower.metrics.org.measure_org` does so); ``None``: computed here. It is
    asked for after every other column, so that it can be computed meanwhile elsewhere.
    """
    people = graph.people.reset_index(drop=True)
    n = len(people)
    estimated: dict[str, dict] = {}
    notes: list[str] = []
    columns: dict[str, object] = {"person_id": people["person_id"].astype("string").to_numpy()}

    reporting = graph.layers.get("reporting")
    if reporting is None:
        reporting = Layer("reporting", graph.person_ids, sp.csr_array((n, n)), people_count=n)
    tree = reporting_tree(reporting.adjacency[:n][:, :n])
    placed = tree.depth >= 0
    columns["reporting_layer"] = pd.array(np.where(placed, tree.depth + 1, 0), dtype="Int64")
    columns["reporting_layer"][~placed] = pd.NA
    columns["span_of_control"] = tree.span_of_control
    columns["reach"] = tree.reach
    dotted = graph.layers.get("reporting_dotted")
    columns["dotted_reports"] = (
        np.diff(dotted.binary().indptr)[:n].astype(np.int64) if dotted is not None else np.zeros(n, dtype=np.int64)
    )
    columns["betweenness"] = normalise_betweenness(tree_betweenness(tree), n, directed=False)
    columns["betweenness_directed"] = normalise_betweenness(tree_betweenness_directed(tree), n, directed=True)
    if tree.several_managers:
        notes.append(f"reporting: {tree.several_managers} people have several solid managers; the first was used")

    options = dict(
        exact_limit=exact_limit, seed=seed, betweenness_error=betweenness_error,
        brokerage_limit=brokerage_limit, estimated=estimated, notes=notes,
    )
    columns.update(_position_columns(reporting, people, "", include_betweenness=False, **options))
    for name, layer in graph.layers.items():
        columns.update(_degree_columns(layer, n))
    from orgpower.metrics.org import layer_seed  # the layer's own seed: one path sample for both

    for name, layer in graph.layers.items():
        if name != "reporting":
            columns.update(_position_columns(layer, people, f"{name}_", include_betweenness=True, **options))

    rights = decision_rights(graph.decisions, columns["person_id"])
    no_decisions = graph.decisions is None or graph.decisions.empty
    for column in rights.columns:
        values = pd.array(rights[column].to_numpy(), dtype="Int64")
        if no_decisions:
            values[:] = pd.NA
        columns[column] = values
    columns.update(_resource_columns(graph, n))
    for position, (name, layer) in enumerate(graph.layers.items()):
        if name == "reporting":
            continue
        if betweenness_of is not None:
            values, record = betweenness_of(name)
        else:
            values, record = directed_betweenness(
                layer.adjacency, exact_limit=exact_limit, error=betweenness_error, seed=layer_seed(seed, position),
            )
        columns[f"{name}_betweenness"] = values[: layer.people_count]
        if record is None:
            del estimated[f"{name}_betweenness"]
        else:
            estimated[f"{name}_betweenness"] = record
    return NodeMeasures(pd.DataFrame(columns), estimated, notes, tree)
