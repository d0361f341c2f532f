"""Krackhardt's (1994) graph-theoretical dimensions of hierarchy: connectedness,
hierarchy, efficiency and least-upper-boundedness (LUB).

Each index is 1 for an out-tree (arcs superior -> subordinate). Functions take a Layer or
a square sparse adjacency, use its 0/1 pattern, and return a ``float`` or ``None`` when
the index is undefined (definitions in docs/measures.md). Reachability is computed on the condensation
DAG (see :mod:`orgpower.metrics.digraph`).

Reference: Krackhardt, D. (1994), "Graph theoretical dimensions of informal
organizations", in Carley & Prietula (eds.), *Computational Organization Theory*, 89–111;
Everett & Krackhardt (2012), *Social Networks* 34:159–163; R sna ``connectedness``,
``hierarchy(measure="krackhardt")``, ``efficiency``, ``lubness``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components, shortest_path

from orgpower.metrics.digraph import (
    Condensation,
    as_adjacency,
    binary,
    closure_bits,
    condensation,
    descendant_counts_forest,
    empirical_bernstein_bound,
    hoeffding_bound,
    reach_counts,
    weak_component_sizes,
)

__all__ = [
    "krackhardt_connectedness",
    "krackhardt_hierarchy",
    "krackhardt_hierarchy_from_reach",
    "krackhardt_efficiency",
    "krackhardt_lub",
    "krackhardt_lub_sampled",
    "krackhardt_lub_sna",
]


def krackhardt_connectedness(graph) -> float | None:
    """Connectedness: the share of pairs joined by a semipath (same weak component).

    Definition: ``Σ_i N_i(N_i − 1)/2 ÷ N(N − 1)/2`` over weak components of sizes N_i.
    1 when weakly connected. ``None`` for fewer than two vertices. O(n + m).

    Reference: sna ``connectedness``.

    >>> import scipy.sparse as sp
    >>> krackhardt_connectedness(sp.csr_array(([1.0], ([0], [1])), shape=(3, 3)))
    0.3333333333333333
    """
    a = as_adjacency(graph)
    n = a.shape[0]
    if n < 2:
        return None
    sizes = weak_component_sizes(a).astype(float)
    return float(np.sum(sizes * (sizes - 1) / 2) / (n * (n - 1) / 2))


def krackhardt_hierarchy_from_reach(cond: Condensation, reach: np.ndarray) -> float | None:
    """Krackhardt hierarchy from exact or estimated per-vertex reach counts."""
    size = cond.size.astype(float)
    mutual = float(np.sum(size * (size - 1) / 2))  # pairs inside one strong component
    # reach of v counts its own component's other members too; the rest is one-way
    asymmetric = float(np.sum(reach) - np.sum(size * (size - 1)))
    if mutual + asymmetric <= 0:
        return None
    return asymmetric / (mutual + asymmetric)


def krackhardt_hierarchy(graph) -> float | None:
    """Krackhardt hierarchy: the share of reachable pairs whose reachability is one-way.

    Definition: ``1 − M_R / (M_R + A_R)`` with M_R, A_R the mutual and asymmetric dyads of
    the reachability digraph R (i ⇝ j). Pairs in one strong component are mutual, all other
    reachable pairs asymmetric, so only component sizes and reach counts are needed.
    1 for any DAG with an arc, 0 when the graph is strongly connected. ``None`` without
    arcs (0/0).

    Reference: sna ``hierarchy(measure="krackhardt")`` = 1 −
    ``grecip(reachability(g), "dyadic.nonnull")``.

    >>> import scipy.sparse as sp
    >>> cycle_plus_tail = sp.csr_array(([1.0] * 4, ([0, 1, 2, 2], [1, 2, 0, 3])), shape=(4, 4))
    >>> krackhardt_hierarchy(cycle_plus_tail)
    0.5
    """
    a = binary(as_adjacency(graph))
    if a.nnz == 0:
        return None
    cond = condensation(a)
    return krackhardt_hierarchy_from_reach(cond, reach_counts(a, cond))


def krackhardt_efficiency(graph) -> float | None:
    """Krackhardt efficiency: how few arcs beyond a spanning tree each component uses.

    Definition: ``1 − [m − Σ_i (N_i − 1)] ÷ Σ_i (N_i − 1)²`` with m the arc count and N_i
    the weak component sizes (violations pooled over components, as sna does). 1 for a
    forest, 0 for a complete digraph. ``None`` when every component is a single vertex.
    O(n + m).

    Reference: sna ``efficiency`` (version ≥ 0.51 denominator).

    >>> import scipy.sparse as sp
    >>> mutual_star = sp.csr_array(([1.0] * 8, ([0, 0, 0, 0, 1, 2, 3, 4], [1, 2, 3, 4, 0, 0, 0, 0])), shape=(5, 5))
    >>> krackhardt_efficiency(mutual_star)
    0.75
    """
    a = binary(as_adjacency(graph))
    sizes = weak_component_sizes(a).astype(float)
    denominator = float(np.sum((sizes - 1) ** 2))
    if denominator <= 0:
        return None
    return float(1.0 - (a.nnz - np.sum(sizes - 1)) / denominator)


def _lub_denominator(cond: Condensation) -> tuple[float, float]:
    """(Σ over weak components of size >= 3 of (N−1)(N−2)/2, pairs inside those components)."""
    weak_sizes = np.bincount(cond.weak, weights=cond.size).astype(float) if cond.count else np.zeros(0)
    big = weak_sizes[weak_sizes >= 3]
    return float(np.sum((big - 1) * (big - 2) / 2)), float(np.sum(big * (big - 1) / 2))


def _highest_bit(words: np.ndarray) -> np.ndarray:
    """Index of the most significant set bit of non-zero uint64 words (exact integer search)."""
    w = words.copy()
    pos = np.zeros(w.shape, dtype=np.int64)
    for shift in (32, 16, 8, 4, 2, 1):
        s = np.uint64(shift)
        upper = (w >> s) != 0
        pos += shift * upper
        w = np.where(upper, w >> s, w)
    return pos


def _lub_holds(ancestors: np.ndarray, anc_count: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """For component pairs (x, y): does their set of common upper bounds have a least element?

    The common upper bounds U = anc(x) ∩ anc(y) are closed upwards; a least upper bound ℓ
    exists iff U = anc(ℓ). With components in topological order, the only candidate is the
    last component of U (nothing in U lies below it), so one popcount comparison decides.
    """
    common = ancestors[x] & ancestors[y]
    nonzero = common != 0
    has_any = nonzero.any(axis=1)
    holds = np.zeros(x.size, dtype=bool)
    if not has_any.any():
        return holds
    rows = np.flatnonzero(has_any)
    words = nonzero.shape[1]
    last_word = words - 1 - np.argmax(nonzero[rows, ::-1], axis=1)
    last = last_word * 64 + _highest_bit(common[rows, last_word])
    holds[rows] = np.bitwise_count(common[rows]).sum(axis=1) == anc_count[last]
    return holds


def krackhardt_lub(graph, *, max_pair_words: float = 3e8, cond: Condensation | None = None) -> float | None:
    """Least-upper-boundedness by the published definition (exact).

    Definition: ``1 − V ÷ Σ_{i: N_i ≥ 3} (N_i − 1)(N_i − 2)/2``, where V counts the pairs
    {x, y} of a weak component (of size ≥ 3) that lack a least upper bound. An upper bound
    of x, y is any k (possibly x or y) that reaches both; a least upper bound is an upper
    bound that every other upper bound reaches (the lowest common superior). Out-trees
    score 1; the diamond r→a, r→b, a→i, a→j, b→i, b→j scores 5/6 ({i, j} has two lowest
    common superiors). ``None`` when no weak component has 3 or more vertices.

    This is Krackhardt's (1994) and sna's documented definition; sna 2.7's C code instead
    accepts a unique *highest* common superior (see :func:`krackhardt_lub_sna`).

    Computation: ancestors as packed bit rows over the condensation DAG in topological
    order; a pair has a LUB iff its common ancestors equal the ancestors of the last one.
    O(n + m) on out-forests (always 1) and in-forests (closed form); otherwise
    O(c² · c/64) over component pairs. Raises ``ValueError`` above ``max_pair_words``
    word operations (use :func:`krackhardt_lub_sampled`). ``cond``: the graph's
    condensation, when the caller has it already.

    >>> import scipy.sparse as sp
    >>> diamond = sp.csr_array(([1.0] * 6, ([0, 0, 1, 1, 2, 2], [1, 2, 3, 4, 3, 4])), shape=(5, 5))
    >>> round(krackhardt_lub(diamond), 6)
    0.833333
    """
    a = binary(as_adjacency(graph))
    cond = cond if cond is not None else condensation(a)
    denominator, pairs = _lub_denominator(cond)
    if denominator <= 0:
        return None
    if cond.is_out_forest:
        return 1.0  # the common superiors of any pair form a chain: its lowest is the LUB
    big_weak = np.flatnonzero(np.bincount(cond.weak, weights=cond.size) >= 3)
    if cond.is_in_forest:
        # upper bounds of x are the vertices below it (reversed tree): incomparable pairs
        # have none; comparable pairs and pairs inside one strong component have one
        in_big = np.isin(cond.weak, big_weak)
        size = cond.size.astype(float)
        # vertices each component reaches in other components (its chain towards the root)
        reach = descendant_counts_forest(cond) - size
        comparable = float(np.sum((size * reach)[in_big]))
        within = float(np.sum((size * (size - 1) / 2)[in_big]))
        violations = pairs - comparable - within
        return float(1.0 - violations / denominator)
    c = cond.count
    words = max(1, -(-c // 64))
    if c * (c - 1) / 2 * words > max_pair_words:
        raise ValueError("too many component pairs for the exact LUB; use krackhardt_lub_sampled")
    ancestors = closure_bits(sp.csr_array(cond.dag.T), cond.generations)
    anc_count = np.bitwise_count(ancestors).sum(axis=1)
    size = cond.size.astype(float)
    violations = 0.0
    in_big = np.isin(cond.weak, big_weak)
    members = np.flatnonzero(in_big)
    batch = max(1, int(2e6 // words))
    for i_pos, i in enumerate(members[:-1]):
        partners = members[i_pos + 1:]
        partners = partners[cond.weak[partners] == cond.weak[i]]
        for start in range(0, partners.size, batch):
            y = partners[start:start + batch]
            x = np.full(y.size, i)
            ok = _lub_holds(ancestors, anc_count, x, y)
            violations += float(size[i] * size[y[~ok]].sum())
    return float(1.0 - violations / denominator)


def krackhardt_lub_sampled(
    graph, *, samples: int, seed: int = 0, confidence: float = 0.95, cond: Condensation | None = None
) -> tuple[float | None, float]:
    """Estimate of :func:`krackhardt_lub` from ``samples`` vertex pairs.

    Method: draw pairs uniformly among the pairs of distinct vertices in the same weak
    component of size ≥ 3 (component by weight N(N−1)/2, then two distinct members), decide
    each by the exact LUB test on their ancestor sets (breadth-first search on the reversed
    graph), and scale the violating share by pairs / denominator. The share is within ε
    with probability ``confidence``, ε the smaller of Hoeffding's sqrt(ln(4/(1 −
    confidence)) / (2k)) and the empirical Bernstein bound (Maurer & Pontil 2009), each at
    half the risk (when few pairs violate, Bernstein's is several times tighter), so the
    index is within ε · pairs / denominator. Returns ``(estimate, error_bound)``.
    ``cond``: the graph's condensation, when the caller has it already.
    """
    a = binary(as_adjacency(graph))
    cond = cond if cond is not None else condensation(a)
    denominator, pairs = _lub_denominator(cond)
    if denominator <= 0:
        return None, 0.0
    if cond.is_out_forest:
        return 1.0, 0.0
    rng = np.random.default_rng(seed)
    weak_sizes = np.bincount(cond.weak, weights=cond.size)
    big = np.flatnonzero(weak_sizes >= 3)
    p = weak_sizes[big] * (weak_sizes[big] - 1)
    chosen = rng.choice(big, size=samples, p=p / p.sum())
    vertex_weak = cond.weak[cond.component]
    order = np.argsort(vertex_weak, kind="stable")
    starts = np.searchsorted(vertex_weak[order], np.arange(weak_sizes.size))
    reverse = sp.csr_array(cond.dag.T)
    violated = np.zeros(samples)
    for draw, w in enumerate(chosen):
        size = int(weak_sizes[w])
        i, j = rng.choice(size, size=2, replace=False)
        cx, cy = cond.component[order[starts[w] + i]], cond.component[order[starts[w] + j]]
        if cx == cy:
            continue
        up_x = breadth_first_order(reverse, cx, return_predecessors=False)
        up_y = breadth_first_order(reverse, cy, return_predecessors=False)
        common = np.intersect1d(up_x, up_y, assume_unique=True)
        if common.size == 0:
            violated[draw] = 1.0
            continue
        last = int(common.max())  # topological numbering: the lowest common ancestor candidate
        if breadth_first_order(reverse, last, return_predecessors=False).size != common.size:
            violated[draw] = 1.0
    share = float(violated.mean())
    # the smaller of Hoeffding's and the empirical Bernstein bound, each at half the risk
    half = 1.0 - (1.0 - confidence) / 2
    eps = min(hoeffding_bound(samples, half), empirical_bernstein_bound(violated, half))
    estimate = 1.0 - share * pairs / denominator
    return float(estimate), float(eps * pairs / denominator)


def krackhardt_lub_sna(graph) -> float | None:
    """LUBness as sna 2.7's C routine computes it (compatibility only; dense, small graphs).

    sna ``lubness`` accepts a pair when some common upper bound *reaches every other*
    upper bound (a unique highest common superior), not when one *is reached by* every
    other. It agrees with :func:`krackhardt_lub` on trees and chains but not on DAGs with
    diamonds: the diamond scores 1.0 here and 5/6 by the published definition.

    >>> import scipy.sparse as sp
    >>> diamond = sp.csr_array(([1.0] * 6, ([0, 0, 1, 1, 2, 2], [1, 2, 3, 4, 3, 4])), shape=(5, 5))
    >>> krackhardt_lub_sna(diamond)
    1.0
    """
    a = binary(as_adjacency(graph))
    reach = np.isfinite(shortest_path(a, directed=True, unweighted=True))  # reflexive
    _, weak = connected_components(a, directed=True, connection="weak")
    violations = 0.0
    denominator = 0.0
    for label in np.unique(weak):
        members = np.flatnonzero(weak == label)
        size = members.size
        if size < 3:
            continue
        denominator += (size - 1) * (size - 2) / 2
        r = reach[np.ix_(members, members)]
        for i in range(size):
            for j in range(i + 1, size):
                upper = np.flatnonzero(r[:, i] & r[:, j])
                sub = r[np.ix_(upper, upper)]
                if not sub.all(axis=1).any():
                    violations += 1
    if denominator == 0:
        return None
    return float(1.0 - violations / denominator)
