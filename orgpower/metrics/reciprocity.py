"""Asymmetry and mutuality of ties: MAN dyad census and the reciprocity family.

Functions take a :class:`~orgpower.graph.layers.Layer` or a square sparse adjacency and use
its 0/1 pattern unless they say "weighted" (definitions in docs/measures.md). All are O(n + m).
"""

from __future__ import annotations

import math
from typing import NamedTuple


from orgpower.metrics.digraph import as_adjacency, binary, shared_form, transposed

__all__ = [
    "DyadCensus",
    "dyad_census",
    "reciprocity_edgewise",
    "reciprocity_dyadic",
    "reciprocity_dyadic_nonnull",
    "reciprocity_edgewise_lrr",
    "reciprocity_rho",
    "reciprocity_correlation",
    "weighted_reciprocity",
    "directional_consistency",
]


class DyadCensus(NamedTuple):
    """Holland–Leinhardt MAN census: mutual, asymmetric and null dyads."""

    mutual: int
    asymmetric: int
    null: int


def dyad_census(graph) -> DyadCensus:
    """MAN dyad census: how many unordered pairs are mutual, asymmetric or null.

    Definition: M = pairs with arcs both ways, A = one way, N = none;
    M + A + N = n(n - 1)/2 and the arc count is m = 2M + A. The reciprocity measures
    below take it as ``census=`` when it is known (one transpose of a 10⁷-arc layer
    costs a fifth of a second; a layer's measures need it once, not six times).

    Reference: Holland & Leinhardt (1970), *AJS* 76:492–513; R sna ``dyad.census``,
    igraph ``dyad_census``.

    >>> import scipy.sparse as sp
    >>> g = sp.csr_array(([1.0] * 3, ([0, 1, 1], [1, 0, 2])), shape=(4, 4))
    >>> tuple(dyad_census(g))
    (1, 1, 4)
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    mutual = int(a.multiply(transposed(a)).nnz // 2)
    asymmetric = int(a.nnz - 2 * mutual)
    null = n * (n - 1) // 2 - mutual - asymmetric
    return DyadCensus(mutual, asymmetric, null)


def reciprocity_edgewise(graph, *, census: DyadCensus | None = None) -> float | None:
    """Edgewise reciprocity: the share of arcs that are returned, 2M / m.

    Reference: sna ``grecip(measure="edgewise")``; networkx ``reciprocity(G)``; igraph
    ``reciprocity()``. ``None`` without arcs (networkx raises there).

    >>> import scipy.sparse as sp
    >>> reciprocity_edgewise(sp.csr_array(([1.0] * 3, ([0, 1, 1], [1, 0, 2])), shape=(3, 3)))
    0.6666666666666666
    """
    c = census if census is not None else dyad_census(graph)
    arcs = 2 * c.mutual + c.asymmetric
    return None if arcs == 0 else 2 * c.mutual / arcs


def reciprocity_dyadic_nonnull(graph, *, census: DyadCensus | None = None) -> float | None:
    """Non-null dyadic reciprocity: the share of tied pairs that are mutual, M / (M + A).

    Reference: sna ``grecip(measure="dyadic.nonnull")``; igraph
    ``reciprocity(mode="ratio")``. ``None`` without arcs.

    >>> import scipy.sparse as sp
    >>> reciprocity_dyadic_nonnull(sp.csr_array(([1.0] * 3, ([0, 1, 1], [1, 0, 2])), shape=(3, 3)))
    0.5
    """
    c = census if census is not None else dyad_census(graph)
    tied = c.mutual + c.asymmetric
    return None if tied == 0 else c.mutual / tied


def reciprocity_dyadic(graph, *, census: DyadCensus | None = None) -> float | None:
    """Dyadic reciprocity with null dyads: the share of symmetric pairs, (M + N) / all pairs.

    Dominated by sparsity (a perfect tree of 21 scores 0.904762). Reference: sna
    ``grecip(measure="dyadic")``. ``None`` for fewer than two vertices.

    >>> import scipy.sparse as sp
    >>> reciprocity_dyadic(sp.csr_array(([1.0], ([0], [1])), shape=(3, 3)))
    0.6666666666666666
    """
    c = census if census is not None else dyad_census(graph)
    total = sum(c)
    return None if total == 0 else (c.mutual + c.null) / total


def reciprocity_edgewise_lrr(graph, *, census: DyadCensus | None = None) -> float | None:
    """Log ratio of edgewise reciprocity to density: ln[M (M + A + N) / (M + A/2)^2].

    Reference: Butts (2008), sna ``grecip(measure="edgewise.lrr")``. ``None`` when there is
    no mutual dyad (the value is −∞) or no arc.

    >>> import scipy.sparse as sp
    >>> round(reciprocity_edgewise_lrr(sp.csr_array(([1.0] * 2, ([0, 1], [1, 0])), shape=(3, 3))), 6)
    1.098612
    """
    c = census if census is not None else dyad_census(graph)
    if c.mutual == 0:
        return None
    return math.log(c.mutual * (c.mutual + c.asymmetric + c.null) / (c.mutual + c.asymmetric / 2) ** 2)


def reciprocity_rho(graph, *, census: DyadCensus | None = None) -> float | None:
    """Garlaschelli–Loffredo ρ: reciprocity corrected for density.

    Definition: with r the edgewise reciprocity and ā = m / (n(n - 1)) the density,
    ``ρ = (r - ā) / (1 - ā)``. ρ > 0 more reciprocal than chance, ρ < 0 anti-reciprocal,
    ρ = 0 random. Equals sna ``grecip(measure="correlation")`` on 0/1 data.

    ``None`` without arcs or at density 1 (0/0).

    Reference: Garlaschelli & Loffredo (2004), *PRL* 93:268701.

    >>> import scipy.sparse as sp
    >>> out_star = sp.csr_array(([1.0] * 4, ([0, 0, 0, 0], [1, 2, 3, 4])), shape=(5, 5))
    >>> reciprocity_rho(out_star)
    -0.25
    """
    c = census if census is not None else dyad_census(graph)
    arcs, ordered_pairs = 2 * c.mutual + c.asymmetric, 2 * (c.mutual + c.asymmetric + c.null)  # m, n(n − 1)
    if ordered_pairs == 0 or arcs == 0:
        return None
    density = arcs / ordered_pairs
    if density >= 1.0:
        return None
    r = reciprocity_edgewise(graph, census=c)
    return (r - density) / (1.0 - density)


def reciprocity_correlation(graph) -> float | None:
    """sna's ``grecip(measure="correlation")`` on the 0/1 pattern, by its own formula.

    Definition: Pearson correlation of y_ij and y_ji over dyads using the mean μ and the
    variance σ² (denominator 2N_d − 1) of all off-diagonal values:
    ``2 Σ_dyads (y_ij − μ)(y_ji − μ) / ((2N_d − 1) σ²)``; 1 when σ² = 0 (sna's
    convention). Kept to show that it equals :func:`reciprocity_rho` (Garlaschelli & Loffredo
    2004: ρ is the correlation of the adjacency with its transpose).

    >>> import scipy.sparse as sp
    >>> reciprocity_correlation(sp.csr_array(([1.0] * 4, ([0, 0, 0, 0], [1, 2, 3, 4])), shape=(5, 5)))
    -0.25
    """
    a = binary(as_adjacency(graph))
    n = a.shape[0]
    ordered = n * (n - 1)
    if ordered == 0:
        return None
    c = dyad_census(a)
    m = a.nnz
    mu = m / ordered
    variance = (m * (1 - mu) ** 2 + (ordered - m) * mu**2) / (ordered - 1)
    if variance == 0:
        return 1.0
    # per dyad (y_ij - μ)(y_ji - μ): mutual (1-μ)^2, asymmetric -(1-μ)μ, null μ^2
    cross = c.mutual * (1 - mu) ** 2 - c.asymmetric * (1 - mu) * mu + c.null * mu**2
    return 2 * cross / ((ordered - 1) * variance)


def weighted_reciprocity(graph) -> float | None:
    """Squartini weighted reciprocity r_w: the share of weight that is returned.

    Definition: ``r_w = Σ_{i≠j} min(w_ij, w_ji) / Σ_{i≠j} w_ij``, in [0, 1]; 0 when all
    flow is one-way, 1 when every weight is matched by an equal return.

    Reference: Squartini, Picciolo, Ruzzenenti & Garlaschelli (2013), *Sci. Rep.* 3:2729.
    ``None`` for zero total weight.

    >>> import scipy.sparse as sp
    >>> w = sp.csr_array(([10.0, 4.0, 5.0], ([0, 1, 1], [1, 0, 2])), shape=(3, 3))
    >>> round(weighted_reciprocity(w), 6)
    0.421053
    """
    a = as_adjacency(graph)
    total = float(a.sum())
    if total <= 0:
        return None
    return _returned_weight(a) / total


def directional_consistency(graph) -> float | None:
    """de Vries's directional consistency index DCI = Σ (H − L) / Σ (H + L) over dyads.

    H and L are the larger and smaller weight of each dyad. Equals 1 − r_w
    (Squartini et al. 2013 weighted reciprocity). Reference: van Hooff & Wensing (1987); R ``compete::dci``.

    >>> import scipy.sparse as sp
    >>> w = sp.csr_array(([10.0, 4.0, 5.0], ([0, 1, 1], [1, 0, 2])), shape=(3, 3))
    >>> round(directional_consistency(w), 6)
    0.578947
    """
    a = as_adjacency(graph)
    total = float(a.sum())
    if total <= 0:
        return None
    high = float(a.maximum(transposed(a)).sum()) / 2  # each dyad counted from both sides
    low = _returned_weight(a) / 2
    return (high - low) / (high + low)


def _returned_weight(a) -> float:
    """Σ_{i≠j} min(w_ij, w_ji): the weight each dyad returns, counted from both sides."""
    return shared_form(a, "returned weight", lambda: float(a.minimum(transposed(a)).sum()))


