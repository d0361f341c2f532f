"""Freeman centralization of degree, betweenness and closeness on directed layers.

Centralization ``C = Σ_v (c* − c(v)) / T(n)`` with c* the largest score and T(n) the
largest numerator any graph on n vertices can reach (Freeman 1979; sna ``centralization``
with ``tmaxdev``). Degree scores use the 0/1 pattern, as sna's T(n) assumes
(docs/measures.md). Functions take a Layer or a square sparse adjacency and return a
``float`` or ``None`` (too few vertices for T(n) > 0).
"""

from __future__ import annotations

import hashlib

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

from orgpower.metrics.digraph import as_adjacency, binary, reach_counts, shared_form, to_igraph, transposed

__all__ = [
    "freeman_centralization",
    "degree_centralization",
    "betweenness_centralization",
    "betweenness_closed_form",
    "exact_directed_betweenness",
    "brandes_work",
    "exact_betweenness_fits",
    "betweenness_centralization_undirected",
    "closeness_centralization_harmonic",
    "harmonic_closeness",
    "closeness_centralization_sna",
]


def freeman_centralization(scores, theoretical_max: float) -> float | None:
    """``Σ (max − score) / theoretical_max`` (sna ``centralization``); ``None`` if T ≤ 0.

    >>> freeman_centralization([4, 1, 1, 1, 1], 16)
    0.75
    """
    scores = np.asarray(scores, dtype=float)
    if scores.size == 0 or theoretical_max <= 0:
        return None
    return float(np.sum(scores.max() - scores) / theoretical_max)


def degree_centralization(graph, mode: str = "in") -> float | None:
    """Freeman degree centralization of the 0/1 digraph, sna constants.

    Definition: scores are in-degree (``mode="in"``), out-degree (``"out"``) or their sum
    (``"total"``, sna's ``cmode="freeman"``); T(n) = (n − 1)² for in/out and
    2(n − 1)(n − 2) for total (sna ``degree(..., tmaxdev=TRUE)``, ``diag=FALSE``; igraph
    ``centr_degree(loops=FALSE)``).

    Normalisation: in [0, 1]. The out-star scores 1 on out-degree; the total-degree maximum
    is the mutual star (an out-star scores only 0.5): report in and out separately.
    ``None`` for n < 2 (n < 3 for total).

    Reference: Freeman (1979), *Social Networks* 1:215–239; R sna ``centralization(g,
    degree, cmode=…)``.

    >>> import scipy.sparse as sp
    >>> out_star = sp.csr_array(([1.0] * 4, ([0, 0, 0, 0], [1, 2, 3, 4])), shape=(5, 5))
    >>> degree_centralization(out_star, "out"), degree_centralization(out_star, "in")
    (1.0, 0.0625)
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    # the three modes of one layer share the two sums
    out_deg, in_deg = shared_form(a, "degrees", lambda: (np.asarray(a.sum(axis=1)).ravel(),
                                                         np.asarray(a.sum(axis=0)).ravel()))
    if mode == "in":
        return freeman_centralization(in_deg, (n - 1) ** 2) if n >= 2 else None
    if mode == "out":
        return freeman_centralization(out_deg, (n - 1) ** 2) if n >= 2 else None
    if mode == "total":
        return freeman_centralization(in_deg + out_deg, 2 * (n - 1) * (n - 2)) if n >= 3 else None
    raise ValueError(f"mode must be 'in', 'out' or 'total', not {mode!r}")


#: vertices and arcs Brandes' exact algorithm may visit; igraph visits about 10^8 a second
#: here, and sampling (:mod:`~orgpower.metrics.path_sampling`) reaches ±0.02 in 1-3 s
BETWEENNESS_WORK = 3e8


def brandes_work(graph, reach: np.ndarray | None = None) -> float:
    """Vertices and arcs visited by one search from every vertex: Σ_s (reach(s) + 1)(1 + m/n).

    ``reach`` (vertices each vertex reaches) makes it exact for the vertices and an
    average for the arcs; without it every search is assumed to reach all n vertices.
    """
    a = as_adjacency(graph)
    n, m = a.shape[0], a.nnz
    if n == 0:
        return 0.0
    visited = float(np.sum(reach)) + n if reach is not None else float(n) * n
    return visited * (1.0 + m / n)


def _betweenness_max(n: int) -> float:
    return float((n - 1) ** 2 * (n - 2))


def betweenness_closed_form(graph) -> np.ndarray | None:
    """Exact directed betweenness (raw, ordered pairs) where every shortest path is the
    only path, in O(n + m); ``None`` for any other shape.

    * out- or in-forest (acyclic, every vertex with at most one parent, or at most one
      child; chains and stars): b(v) = (vertices reaching v) × (vertices v reaches);
    * disjoint simple cycles (every in- and out-degree 1): b(v) = (k − 1)(k − 2)/2 on a
      cycle of k vertices (every other pair's one path passes v on average that often,
      and all vertices are alike);
    * a forest of mutual ties (every arc returned, no cycle in the undirected graph):
      b(v) = (Σ s)² − Σ s² over the sizes s of the branches left when v is removed.

    These are the shapes on which Brandes' O(nm) algorithm is quadratic in n (a chain of
    20,000 took 14 s, a mutual star 33 s); they agree with igraph (tests).

    >>> chain = sp.csr_array(([1.0] * 3, ([0, 1, 2], [1, 2, 3])), shape=(4, 4))
    >>> betweenness_closed_form(chain).tolist()
    [0.0, 2.0, 2.0, 0.0]
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    if n == 0 or a.nnz == 0:
        return np.zeros(n)
    out_degree = np.diff(a.indptr)
    in_degree = np.bincount(a.indices, minlength=n)
    # a symmetric pattern has equal in- and out-degrees: most layers are told apart by
    # those alone, without the transpose
    if np.array_equal(in_degree, out_degree) and _symmetric_pattern(a):
        count, labels = connected_components(a, directed=False)
        if a.nnz // 2 != n - count:
            return None
        return _mutual_forest_betweenness(a, labels, count)
    if in_degree.max() > 1 and out_degree.max() > 1:
        return None
    count, scc = connected_components(a, directed=True, connection="strong")
    if count == n:  # acyclic with one parent (or child) each: every path is the only one
        return reach_counts(a) * reach_counts(transposed(a))
    if in_degree.min() == in_degree.max() == 1 and out_degree.min() == out_degree.max() == 1:
        k = np.bincount(scc, minlength=count)[scc].astype(float)
        return (k - 1) * (k - 2) / 2
    return None


def _mutual_forest_betweenness(a: sp.csr_array, labels: np.ndarray, count: int) -> np.ndarray:
    n = a.shape[0]
    component_size = np.bincount(labels, minlength=count)
    # one search over every tree from a virtual root tied to one vertex per component
    _, first = np.unique(labels, return_index=True)
    coo = a.tocoo()
    extended = sp.csr_array((np.ones(coo.nnz + count), (np.concatenate([coo.row, np.full(count, n)]),
                                                        np.concatenate([coo.col, first]))), shape=(n + 1, n + 1))
    order, predecessor = breadth_first_order(extended, n, directed=True, return_predecessors=True)
    order = order[1:]
    parent = predecessor[order]
    size = np.ones(n + 1, dtype=np.int64)
    parent_list, order_list, size_list = parent.tolist(), order.tolist(), size.tolist()
    for v, p in zip(reversed(order_list), reversed(parent_list)):  # children before parents
        size_list[p] += size_list[v]
    size = np.asarray(size_list[:n], dtype=np.float64)
    has_parent = parent != n
    squares = np.zeros(n)
    np.add.at(squares, parent[has_parent], size[order[has_parent]] ** 2)
    total = component_size[labels].astype(np.float64)
    above = total - size  # the branch through the parent
    return (total - 1) ** 2 - squares - above ** 2


def betweenness_centralization(graph) -> float | None:
    """Freeman betweenness centralization on directed shortest paths, sna normalisation.

    Definition: b(v) = Σ_{s≠v≠t} σ_st(v)/σ_st over ordered pairs (Brandes, unweighted);
    T(n) = (n − 1)²(n − 2), attained by the mutual star (an out-star scores 0).
    Invariant under reversing every arc. ``None`` for n < 3.

    Computed in O(n + m) where paths are unique (:func:`betweenness_closed_form`: chains,
    stars, trees, cycles), otherwise with igraph's C betweenness, O(nm). Reference: Freeman (1979); Brandes (2001);
    R sna ``centralization(g, betweenness)`` = igraph ``centr_betw(directed=TRUE)``.

    >>> import scipy.sparse as sp
    >>> mutual_star = sp.csr_array(([1.0] * 8, ([0, 0, 0, 0, 1, 2, 3, 4], [1, 2, 3, 4, 0, 0, 0, 0])), shape=(5, 5))
    >>> betweenness_centralization(mutual_star)
    1.0
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    if n < 3:
        return None
    scores = betweenness_closed_form(a)
    if scores is None:
        scores = exact_directed_betweenness(a)
    return freeman_centralization(scores, _betweenness_max(n))


def _symmetric_pattern(a: sp.csr_array) -> bool:
    """Whether every arc of the canonical 0/1 pattern ``a`` is returned (a = aᵀ)."""
    t = transposed(a)
    return bool(np.array_equal(a.indptr, t.indptr) and np.array_equal(a.indices, t.indices))


_RECENT_BETWEENNESS: dict[bytes, np.ndarray] = {}  # insertion-ordered: the oldest is dropped first
_RECENT_LIMIT = 8  # layers of one org (n floats each)


def arc_pattern_key(a: sp.csr_array) -> bytes:
    """A digest of the 0/1 arc pattern (two layers with the same arcs share their scores)."""
    a.sort_indices()
    digest = hashlib.blake2b(np.asarray(a.shape, dtype=np.int64).tobytes(), digest_size=16)
    digest.update(np.asarray(a.indptr, dtype=np.int64).tobytes())
    digest.update(np.asarray(a.indices, dtype=np.int64).tobytes())
    return digest.digest()


def exact_betweenness_fits(graph, reach: np.ndarray | None = None) -> bool:
    """Whether the exact scores are at hand or cost at most ``BETWEENNESS_WORK`` visits.

    Reach counts are computed (if not given) only when the crude bound n(n + m) is over
    the budget: most people of a cross-linked org reach few others.
    """
    a = binary(as_adjacency(graph))
    if arc_pattern_key(a) in _RECENT_BETWEENNESS or brandes_work(a) <= BETWEENNESS_WORK:
        return True
    return brandes_work(a, reach if reach is not None else reach_counts(a)) <= BETWEENNESS_WORK


def exact_directed_betweenness(graph) -> np.ndarray:
    """Raw directed betweenness of every vertex (igraph's Brandes, O(nm)), arcs as 0/1.

    The audit needs it twice per layer (the layer's centralization, the people's column);
    on a dense layer at the exact limit one run is most of the audit, so the last result
    is kept, keyed by a digest of the arc pattern (a different pattern never matches).
    """
    a = binary(as_adjacency(graph))
    key = arc_pattern_key(a)
    if key not in _RECENT_BETWEENNESS:
        while len(_RECENT_BETWEENNESS) >= _RECENT_LIMIT:
            del _RECENT_BETWEENNESS[next(iter(_RECENT_BETWEENNESS))]
        _RECENT_BETWEENNESS[key] = np.asarray(to_igraph(a).betweenness(directed=True), dtype=float)
    return _RECENT_BETWEENNESS[key].copy()


def betweenness_centralization_undirected(graph) -> float | None:
    """Betweenness centralization of the collapsed undirected graph, T(n) = (n−1)²(n−2)/2.

    A mutual dyad becomes one edge (sna ``cmode="undirected"``, networkx
    ``to_undirected()``, igraph ``as_undirected(mode="collapse")``); igraph's
    ``betweenness(directed=False)`` on the digraph would keep two parallel edges and double
    the path counts through them (docs/measures.md, "Known differences").
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    if n < 3:
        return None
    sym = a + a.T
    g = to_igraph(sym)
    g.to_undirected(mode="collapse")
    scores = np.asarray(g.betweenness(directed=False), dtype=float)
    return freeman_centralization(scores, (n - 1) ** 2 * (n - 2) / 2)


def closeness_centralization_harmonic(graph) -> float | None:
    """Centralization of directed (out) harmonic closeness, T(n) = n − 1.

    Definition: H(v) = Σ_{u≠v} 1/d(v, u) / (n − 1) with 1/∞ = 0, along out-arcs;
    ``C = Σ_v (H* − H(v)) / (n − 1)``. Well defined on disconnected graphs and in [0, 1]:
    out-star 1 (hub 1, leaves 0). Used in place of the classic closeness, whose directed
    constant is exceeded by sna's scores.
    ``None`` for n < 2.

    Reference: Marchiori & Latora (2000); Freeman (1979) for the centralization step;
    igraph ``harmonic_centrality(mode="out", normalized=True)`` for the scores (in closed
    form on chains and in-trees, where each vertex reaches one vertex per distance).

    >>> import scipy.sparse as sp
    >>> out_star = sp.csr_array(([1.0] * 4, ([0, 0, 0, 0], [1, 2, 3, 4])), shape=(5, 5))
    >>> closeness_centralization_harmonic(out_star)
    1.0
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    if n < 2:
        return None
    scores = _harmonic_in_forest(a)
    if scores is None:
        scores = harmonic_closeness(a)
    return freeman_centralization(scores, n - 1)


BITSET_WORDS = 1 << 22  # 64-bit words of one gather (32 MiB): sets how many targets a batch holds
BITSET_COST = 1.5  # cost of one word of a bit-parallel level against one arc visit of igraph's search


def harmonic_closeness(graph) -> np.ndarray:
    """Normalised out-harmonic closeness of every vertex, H(v) = Σ_{u≠v} 1/d(v, u) / (n − 1).

    Exact. Where every vertex reaches most others in a few steps (a dense collaboration
    layer), by breadth-first searches run 64 targets to a machine word: row v of a bit
    matrix holds the targets of one batch that v reaches within d steps, and one level
    ORs the rows of v's out-neighbours into v's row for every vertex and every target of
    the batch at once; the bits new at level d are the targets at distance exactly d,
    counted per row. That costs (levels) × (m + n) × n/64 word operations, against
    Σ_v reach(v) × (1 + m/n) for one search per vertex (igraph); a first batch of 64
    targets measures the levels and the reach and decides which is cheaper (a dense
    layer of 10,000 people and 87,000 arcs: 0.4 s CPU instead of 3.9 s; a deep, sparse layer
    keeps the searches). Bit counts are summed per distance in integers and divided once,
    so the scores equal igraph's ``harmonic_centrality(mode="out", normalized=True)`` up
    to the rounding of the last bits (igraph adds the 1/d terms one by one).

    >>> chain = sp.csr_array(([1.0] * 2, ([0, 1], [1, 2])), shape=(3, 3))
    >>> harmonic_closeness(chain).tolist()  # 0 reaches 1 and 2 at distances 1 and 2
    [0.75, 0.5, 0.0]
    """
    a = binary(as_adjacency(graph))
    n, m = a.shape[0], a.nnz
    if n < 2 or m == 0:
        return np.zeros(n)
    searches = _BitsetSearch(a)
    probe = np.unique(np.linspace(0, n - 1, num=min(64, n)).round().astype(np.intp))  # spread over the labels
    levels, reached_pairs = searches.run(probe)
    search_cost = (reached_pairs * n / probe.size + n) * (1.0 + m / n)
    bitset_cost = BITSET_COST * max(levels, 1) * (m + 2 * n) * (n / 64)
    if bitset_cost > search_cost:
        return np.asarray(to_igraph(a).harmonic_centrality(mode="out", normalized=True), dtype=float)
    rest = np.setdiff1d(np.arange(n), probe)
    batch = 64 * max(1, min(-(-n // 64), BITSET_WORDS // max(m, n)))
    for first in range(0, rest.size, batch):
        searches.run(rest[first:first + batch])
    return searches.scores()


class _BitsetSearch:
    """Breadth-first searches towards batches of targets, one bit per target (see
    :func:`harmonic_closeness`). Vertices are relabelled by decreasing out-degree so that
    "the k-th out-neighbour" of every vertex that has one is one gather into a prefix."""

    def __init__(self, a: sp.csr_array) -> None:
        n = a.shape[0]
        degree = np.diff(a.indptr)
        self.order = np.argsort(-degree, kind="stable")  # new label i is vertex order[i]
        self.label = np.empty(n, dtype=np.intp)
        self.label[self.order] = np.arange(n)
        b = sp.csr_array(a[self.order][:, self.order])
        b.sort_indices()
        out_degree = np.diff(b.indptr)
        self.kth = [b.indices[b.indptr[:count] + k].astype(np.intp)
                    for k, count in enumerate(np.bincount(out_degree)[::-1].cumsum()[::-1][1:])]
        self.n = n
        self.by_distance: list[np.ndarray] = []  # by_distance[d − 1][i]: targets at distance d from i

    def run(self, targets: np.ndarray) -> tuple[int, int]:
        """Search towards ``targets`` (original labels); returns the levels it took and
        how many (vertex, target) pairs are joined by a path, the target's own bit left out."""
        words = -(-targets.size // 64)
        bits = np.arange(targets.size)
        reached = np.zeros((self.n, words), dtype=np.uint64)
        reached[self.label[targets], bits // 64] = np.left_shift(np.uint64(1), (bits % 64).astype(np.uint64))
        frontier = reached
        ahead = np.empty_like(reached)
        gathered = np.empty_like(reached)
        distance, pairs = 0, 0
        while True:
            ahead[:] = 0
            for k, heads in enumerate(self.kth):
                rows = heads.size
                np.take(frontier, heads, axis=0, out=gathered[:rows])
                ahead[:rows] |= gathered[:rows]
            fresh = ahead & ~reached
            counts = _popcount_rows(fresh)
            if not counts.any():
                return distance, pairs
            distance += 1
            if len(self.by_distance) < distance:
                self.by_distance.append(np.zeros(self.n, dtype=np.int64))
            self.by_distance[distance - 1] += counts
            pairs += int(counts.sum())
            reached |= fresh
            frontier = fresh

    def scores(self) -> np.ndarray:
        total = np.zeros(self.n)
        for distance, counts in enumerate(self.by_distance, start=1):
            total += counts / distance
        return total[self.label] / (self.n - 1)


def _popcount_rows(words: np.ndarray) -> np.ndarray:
    """Set bits per row of a 2-d uint64 array."""
    if hasattr(np, "bitwise_count"):  # numpy ≥ 2.0
        return np.bitwise_count(words).sum(axis=1, dtype=np.int64)
    return np.unpackbits(words.view(np.uint8), axis=1).sum(axis=1, dtype=np.int64)


def _harmonic_in_forest(a: sp.csr_array) -> np.ndarray | None:
    """Normalised out-harmonic closeness where every vertex has at most one out-arc and
    there is no cycle (chains, in-trees): v reaches one vertex at each distance 1..r(v),
    so H(v) = (1 + 1/2 + … + 1/r(v)) / (n − 1), O(n + m). ``None`` for other shapes."""
    n = a.shape[0]
    if a.nnz == 0 or np.diff(a.indptr).max() > 1:
        return None
    if connected_components(a, directed=True, connection="strong")[0] != n:
        return None
    reach = reach_counts(a).astype(np.int64)
    harmonic = np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, int(reach.max()) + 1))])
    return harmonic[reach] / (n - 1)


def closeness_centralization_sna(graph) -> float | None:
    """sna's directed closeness centralization, kept to document its quirk.

    sna scores c(v) = (n − 1)/Σ_u d(v, u) with unreachable distances infinite (score 0)
    but divides by T(n) = (n − 1)²/n, which assumes unreachable = n; the ratio can exceed 1
    (out-star 1.25). Reference: sna ``centralization(g, closeness)``. Not used in reports.
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    if n < 2:
        return None
    dist = np.asarray(to_igraph(a).distances(mode="out"), dtype=float)
    totals = dist.sum(axis=1)
    scores = np.where(np.isfinite(totals) & (totals > 0), (n - 1) / np.where(totals > 0, totals, 1), 0.0)
    return freeman_centralization(scores, (n - 1) ** 2 / n)
