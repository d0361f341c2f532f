"""Freeman centralization of degree, betweenness and closeness on directed layers.

Centralization ``C = Σ_v (c* − c(v)) / T(n)`` with c* the largest score and T(n) the
largest numerator any graph on n vertices can reach (Freeman 1979; sna ``centralization``
with ``tmaxdev``). Degree scores use the 0/1 pattern, as sna's T(n) assumes
(metrics-spec.md §2). Functions take a Layer or a square sparse adjacency and return a
``float`` or ``None`` (too few vertices for T(n) > 0).
"""

from __future__ import annotations

import numpy as np

from orgpower.metrics.digraph import as_adjacency, binary, hoeffding_bound, to_igraph

__all__ = [
    "freeman_centralization",
    "degree_centralization",
    "betweenness_centralization",
    "betweenness_centralization_sampled",
    "betweenness_centralization_undirected",
    "closeness_centralization_harmonic",
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
    out_deg = np.asarray(a.sum(axis=1)).ravel()
    in_deg = np.asarray(a.sum(axis=0)).ravel()
    if mode == "in":
        return freeman_centralization(in_deg, (n - 1) ** 2) if n >= 2 else None
    if mode == "out":
        return freeman_centralization(out_deg, (n - 1) ** 2) if n >= 2 else None
    if mode == "total":
        return freeman_centralization(in_deg + out_deg, 2 * (n - 1) * (n - 2)) if n >= 3 else None
    raise ValueError(f"mode must be 'in', 'out' or 'total', not {mode!r}")


def _betweenness_max(n: int) -> float:
    return float((n - 1) ** 2 * (n - 2))


def betweenness_centralization(graph) -> float | None:
    """Freeman betweenness centralization on directed shortest paths, sna normalisation.

    Definition: b(v) = Σ_{s≠v≠t} σ_st(v)/σ_st over ordered pairs (Brandes, unweighted);
    T(n) = (n − 1)²(n − 2), attained by the mutual star (an out-star scores 0).
    Invariant under reversing every arc. ``None`` for n < 3.

    Computed with igraph's C betweenness, O(nm). Reference: Freeman (1979); Brandes (2001);
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
    scores = np.asarray(to_igraph(a).betweenness(directed=True), dtype=float)
    return freeman_centralization(scores, _betweenness_max(n))


def betweenness_centralization_sampled(
    graph, *, samples: int, seed: int = 0, confidence: float = 0.95
) -> tuple[float | None, float]:
    """Estimate of :func:`betweenness_centralization` from ``samples`` random sources.

    Method: b(v) ≈ (n / k) Σ_{s∈S} δ_s(v) with S drawn uniformly without replacement
    (Brandes & Pich 2007). Error bound: each δ_s(v) / (n − 2) and each Σ_v δ_s(v) /
    ((n − 1)(n − 2)) lies in [0, 1], so Hoeffding with a union bound over the n vertices
    gives ε1 for every b(v)/((n−1)(n−2)) and ε0 for their sum; C = (n·max b − Σ b)/T(n)
    is then within ``n²ε1/(n−1)² + n ε0/(n−1)`` of the truth with probability
    ``confidence`` (sampling with replacement bounds; without replacement is tighter).

    Returns ``(estimate, error_bound)``; the estimate is clipped to [0, 1].
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    if n < 3:
        return None, 0.0
    k = min(samples, n)
    rng = np.random.default_rng(seed)
    sources = np.sort(rng.choice(n, size=k, replace=False))
    partial = np.asarray(to_igraph(a).betweenness(directed=True, sources=sources.tolist()), dtype=float)
    scores = partial * n / k
    value = freeman_centralization(scores, _betweenness_max(n))
    if k == n:
        return value, 0.0
    eps_each = hoeffding_bound(k, confidence, union=n + 1)
    eps_sum = hoeffding_bound(k, confidence, union=n + 1)
    bound = n * n * eps_each / (n - 1) ** 2 + n * eps_sum / (n - 1)
    return float(min(max(value, 0.0), 1.0)), float(bound)


def betweenness_centralization_undirected(graph) -> float | None:
    """Betweenness centralization of the collapsed undirected graph, T(n) = (n−1)²(n−2)/2.

    A mutual dyad becomes one edge (sna ``cmode="undirected"``, networkx
    ``to_undirected()``, igraph ``as_undirected(mode="collapse")``); igraph's
    ``betweenness(directed=False)`` on the digraph would keep two parallel edges and double
    the path counts through them (metrics-spec.md §2.3).
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
    out-star 1 (hub 1, leaves 0). This is metrics-spec.md §2.4's recommendation in place of
    the classic closeness, whose directed constant is exceeded by sna's scores.
    ``None`` for n < 2.

    Reference: Marchiori & Latora (2000); Freeman (1979) for the centralization step;
    igraph ``harmonic_centrality(mode="out", normalized=True)`` for the scores.

    >>> import scipy.sparse as sp
    >>> out_star = sp.csr_array(([1.0] * 4, ([0, 0, 0, 0], [1, 2, 3, 4])), shape=(5, 5))
    >>> closeness_centralization_harmonic(out_star)
    1.0
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    if n < 2:
        return None
    scores = np.asarray(to_igraph(a).harmonic_centrality(mode="out", normalized=True), dtype=float)
    return freeman_centralization(scores, n - 1)


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
