"""Formal structure on the solid reporting line: spans, layers, reach, tree betweenness.

The solid-line reporting layer (arcs manager -> report) is a forest after validation:
everyone has at most one solid manager and cycles have been broken. Every function
here is O(n) and vectorised with numpy (pointer jumping for depths, one pass per
layer of the tree for subtree sizes), so a million people take a second or two.

Person positions are the layer's matrix indices. A person whose manager chain never
reaches a top (a cycle validation did not break) has no reporting layer: ``-1`` in
the integer arrays here, ``None`` in the people table.

References: docs/measures.md (spans and layers, exact tree betweenness);
Brandes (2001) for the general betweenness definition these formulas specialise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = [
    "ReportingTree",
    "reporting_tree",
    "tree_betweenness",
    "tree_betweenness_directed",
    "normalise_betweenness",
    "spans_and_layers",
]


@dataclass(frozen=True)
class ReportingTree:
    """The solid-line forest as arrays over node positions.

    ``manager``: position of the solid manager, ``-1`` at a top (root).
    ``depth``: number of managers above (0 at a top), ``-1`` when the chain is cyclic.
    ``span_of_control``: direct reports. ``reach``: everyone below (all descendants).
    ``top``: position of the top person the chain ends at (``-1`` if cyclic).
    ``component_size``: people in that top's tree. ``several_managers``: how many
    people had more than one solid manager (the first one by position was kept).
    """

    manager: np.ndarray
    depth: np.ndarray
    span_of_control: np.ndarray
    reach: np.ndarray
    top: np.ndarray
    component_size: np.ndarray
    several_managers: int

    @property
    def n(self) -> int:
        return int(self.manager.size)

    @property
    def reporting_layer(self) -> np.ndarray:
        """1 + depth (the top is layer 1); ``-1`` where the chain is cyclic."""
        return np.where(self.depth >= 0, self.depth + 1, -1)


def _managers(adjacency: sp.csr_array | sp.csr_matrix) -> tuple[np.ndarray, int]:
    """Solid manager of each node (row index of its in-arc), -1 for a top."""
    csc = sp.csc_array(adjacency)
    n = csc.shape[0]
    in_degree = np.diff(csc.indptr)
    manager = np.full(n, -1, dtype=np.int64)
    has = in_degree > 0
    # csc indices are sorted per column, so indptr[j] is the lowest-positioned manager
    manager[has] = csc.indices[csc.indptr[:-1][has]]
    return manager, int((in_degree > 1).sum())


def reporting_tree(adjacency: sp.csr_array | sp.csr_matrix) -> ReportingTree:
    """Depths, spans, reach and components of a manager -> report forest, in O(n log h).

    Depth by pointer jumping (each round doubles the jump, so ⌈log2 h⌉ rounds for height
    h); subtree sizes by adding each tree layer's sizes into their managers, deepest
    layer first.

    >>> a = sp.csr_array(([1.0, 1.0, 1.0], ([0, 0, 1], [1, 2, 3])), shape=(4, 4))
    >>> t = reporting_tree(a)
    >>> t.depth.tolist(), t.span_of_control.tolist(), t.reach.tolist()
    ([0, 1, 1, 2], [2, 1, 0, 0], [3, 1, 0, 0])
    """
    manager, several = _managers(adjacency)
    n = manager.size
    positions = np.arange(n, dtype=np.int64)
    is_top = manager < 0
    # jump[v] = ancestor reached so far (a top points to itself); hops = arcs climbed
    jump = np.where(is_top, positions, manager)
    hops = (~is_top).astype(np.int64)
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2)))) + 1)):
        next_jump = jump[jump]
        if np.array_equal(next_jump, jump):
            break
        hops = hops + np.where(is_top[jump], 0, hops[jump])
        jump = next_jump
    reached_top = is_top[jump]
    depth = np.where(reached_top, hops, -1)
    top = np.where(reached_top, jump, -1)

    span = np.bincount(manager[manager >= 0], minlength=n).astype(np.int64)
    size = np.ones(n, dtype=np.int64)  # subtree size including the person
    if n:
        order = np.argsort(depth, kind="stable")
        sorted_depth = depth[order]
        bounds = np.searchsorted(sorted_depth, np.arange(sorted_depth.max() + 2))
        for d in range(int(sorted_depth.max()), 0, -1):
            layer_nodes = order[bounds[d]:bounds[d + 1]]
            np.add.at(size, manager[layer_nodes], size[layer_nodes])
    reach = np.where(depth >= 0, size - 1, 0)
    component_size = np.where(top >= 0, size[np.maximum(top, 0)], 0)
    return ReportingTree(
        manager=manager, depth=depth, span_of_control=span, reach=reach, top=top,
        component_size=component_size, several_managers=several,
    )


def tree_betweenness(tree: ReportingTree) -> np.ndarray:
    """Exact undirected betweenness on a forest, O(n).

    Definition: B(v) = number of unordered pairs {s, t}, s ≠ v ≠ t, whose (unique) path
    runs through v. Removing v splits its tree of N people into the subtrees of its
    direct reports (sizes s_c) and the part above it (N − size(v)), so
    B(v) = [(N − 1)² − Σ_components s²] / 2.

    Normalisation: none (raw pair counts, networkx ``normalized=False``); see
    :func:`normalise_betweenness`. ``nan`` where the chain is cyclic.

    Reference: equals networkx ``betweenness_centrality(G.to_undirected(),
    normalized=False)`` and R sna ``betweenness(cmode="undirected")`` on trees.

    >>> a = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))  # path 0-1-2
    >>> tree_betweenness(reporting_tree(a)).tolist()
    [0.0, 1.0, 0.0]
    """
    size = (tree.reach + 1).astype(np.float64)
    squares = np.zeros(tree.n, dtype=np.float64)
    reports = np.flatnonzero(tree.manager >= 0)
    np.add.at(squares, tree.manager[reports], size[reports] ** 2)
    above = tree.component_size - size  # 0 at a top
    squares += above.astype(np.float64) ** 2
    total = (tree.component_size - 1).astype(np.float64)
    betweenness = (total**2 - squares) / 2.0
    return np.where(tree.depth >= 0, betweenness, np.nan)


def tree_betweenness_directed(tree: ReportingTree) -> np.ndarray:
    """Exact directed betweenness on an out-forest (arcs manager -> report), O(n).

    Definition: the ordered pairs (s, t) with a directed path s ⇝ t through v are an
    ancestor s of v and a proper descendant t of v, so B(v) = depth(v) · reach(v).

    Normalisation: none (networkx ``normalized=False``); ``nan`` where cyclic.

    Reference: networkx ``betweenness_centrality(G,
    normalized=False)`` on the directed tree.

    >>> a = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    >>> tree_betweenness_directed(reporting_tree(a)).tolist()
    [0.0, 1.0, 0.0]
    """
    betweenness = tree.depth.astype(np.float64) * tree.reach.astype(np.float64)
    return np.where(tree.depth >= 0, betweenness, np.nan)


def normalise_betweenness(betweenness: np.ndarray, n: int, *, directed: bool) -> np.ndarray:
    """Divide raw betweenness by the number of pairs that can have someone between them.

    Undirected: (n − 1)(n − 2)/2 unordered pairs; directed: (n − 1)(n − 2) ordered
    pairs (networkx ``normalized=True``). For n ≤ 2 nobody can be between: all zeros.

    >>> normalise_betweenness(np.array([1.0, 0.0]), 4, directed=False).tolist()
    [0.3333333333333333, 0.0]
    """
    pairs = (n - 1) * (n - 2) / (1.0 if directed else 2.0)
    if pairs <= 0:
        return np.zeros_like(betweenness, dtype=np.float64)
    return np.asarray(betweenness, dtype=np.float64) / pairs


def spans_and_layers(tree: ReportingTree, *, narrow_span: int = 2) -> dict:
    """The spans-and-layers summary (JSON-safe; docs/measures.md).

    Managers M = people with at least one direct report. ``mean_span`` is
    Σ spans / |M| (= (n − 1)/|M| on a single tree); ``layers`` = 1 + height;
    ``narrow_span_share`` = share of managers with span ≤ ``narrow_span``;
    ``span_gini``/``span_hhi`` = concentration of spans over managers (population
    Gini, :mod:`orgpower.metrics.concentration`). ``spans_by_layer`` maps a reporting layer to the managers in it
    and their mean and largest span; ``span_distribution`` maps span -> managers.

    Reference: Krackhardt reports-to gives spans 4, 3, 7, 2, 4, mean 4.0, 3 layers,
    Gini 0.22, HHI 0.235 (by hand).
    """
    from orgpower.metrics.concentration import gini, hhi, hhi_normalised

    placed = tree.depth >= 0
    spans = tree.span_of_control
    is_manager = spans > 0
    manager_spans = spans[is_manager]
    layer = tree.reporting_layer
    by_layer: dict[str, dict] = {}
    people_by_layer: dict[str, int] = {}
    if placed.any():
        for value, count in zip(*np.unique(layer[placed], return_counts=True)):
            people_by_layer[str(int(value))] = int(count)
        for value in np.unique(layer[is_manager & placed]):
            in_layer = spans[is_manager & (layer == value)]
            by_layer[str(int(value))] = {
                "managers": int(in_layer.size),
                "mean_span": float(in_layer.mean()),
                "max_span": int(in_layer.max()),
            }
    distribution = {}
    if manager_spans.size:
        for value, count in zip(*np.unique(manager_spans, return_counts=True)):
            distribution[str(int(value))] = int(count)
    managers = int(manager_spans.size)
    return {
        "people": int(tree.n),
        "people_placed": int(placed.sum()),
        "people_in_cycles": int((~placed).sum()),
        "tops": int((tree.manager < 0).sum()),
        "people_with_several_managers": int(tree.several_managers),
        "managers": managers,
        "layers": int(layer[placed].max()) if placed.any() else 0,
        "mean_span": float(manager_spans.mean()) if managers else None,
        "median_span": float(np.median(manager_spans)) if managers else None,
        "max_span": int(manager_spans.max()) if managers else 0,
        "narrow_span_threshold": int(narrow_span),
        "narrow_span_share": float((manager_spans <= narrow_span).mean()) if managers else None,
        "span_gini": gini(manager_spans) if managers else None,
        "span_hhi": hhi(manager_spans) if managers else None,
        "span_hhi_normalised": hhi_normalised(manager_spans) if managers else None,
        "span_distribution": distribution,
        "spans_by_layer": by_layer,
        "people_by_layer": people_by_layer,
    }
