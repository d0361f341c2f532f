"""Burt's constraint: how far a person's contacts are tied to each other (no brokerage).

Computed on the union of a layer's ties (an arc either way is a contact), with sparse
matrix products in row blocks so memory stays bounded on hub-heavy layers.
Reference: Burt (1992), *Structural Holes*; metrics-spec.md §6.3.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["contact_proportions", "constraint"]

_BLOCK_PRODUCT_ENTRIES = 20_000_000  # bound on the two-step entries formed at once


def contact_proportions(adjacency, *, weighted: bool = True) -> sp.csr_array:
    """P with p_ij = z_ij / Σ_k z_ik, where z_ij = w_ij + w_ji (ties either way).

    Binary ties (``weighted=False``) count 1 per arc, so a mutual pair gives z = 2, as
    networkx ``constraint(G, weight=None)`` does on a DiGraph.
    """
    matrix = sp.csr_array(adjacency, dtype=np.float64)
    if not weighted:
        matrix = matrix.copy()
        matrix.data = np.ones_like(matrix.data)
    mutual = sp.csr_array(matrix + matrix.T)
    mutual.eliminate_zeros()
    totals = np.asarray(mutual.sum(axis=1)).ravel()
    inverse = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    return sp.csr_array(sp.diags_array(inverse) @ mutual)


def constraint(adjacency, *, weighted: bool = True) -> np.ndarray:
    """Burt's constraint C_i = Σ_{j ∈ N(i)} (p_ij + Σ_q p_iq p_qj)² for every node.

    Definition: N(i) = contacts of i (in- or out-neighbours); p from
    :func:`contact_proportions`; the inner sum is the indirect investment of i in j
    through shared contacts q, i.e. (P²)_ij. High constraint = a closed circle of
    contacts; low = an ego bridging structural holes.

    Normalisation: none; a single contact gives 1, a dyad-free star's hub 1/d.
    ``nan`` for a node without contacts (as networkx).

    Reference: networkx ``constraint(G, weight=...)`` (same neighbour set and
    proportions); spec §6.3: Krackhardt kite Andre 0.541198, Jane 1.0.

    >>> star = sp.csr_array(([1.0, 1.0, 1.0], ([0, 0, 0], [1, 2, 3])), shape=(4, 4))
    >>> np.round(constraint(star), 4).tolist()
    [0.3333, 1.0, 1.0, 1.0]
    """
    proportions = contact_proportions(adjacency, weighted=weighted)
    n = proportions.shape[0]
    result = np.full(n, np.nan)
    degree = np.diff(proportions.indptr)
    # two-step entries of a row block ≈ Σ over its rows of Σ_q d_q; size blocks by that
    two_step = np.zeros(n, dtype=np.float64)
    if proportions.nnz:
        row_of = np.repeat(np.arange(n), degree)
        np.add.at(two_step, row_of, degree[proportions.indices].astype(np.float64))
    cumulative = np.cumsum(two_step)
    start = 0
    while start < n:
        base = cumulative[start - 1] if start else 0.0
        stop = int(np.searchsorted(cumulative, base + _BLOCK_PRODUCT_ENTRIES, side="right"))
        stop = min(max(stop, start + 1), n)
        block = proportions[start:stop]
        indirect = sp.csr_array(block @ proportions)
        pattern = block.copy()
        pattern.data = np.ones_like(pattern.data)
        # (P²) restricted to the contacts of each ego, added to the direct part
        local = sp.csr_array(block + indirect.multiply(pattern))
        local.data **= 2
        sums = np.asarray(local.sum(axis=1)).ravel()
        has_contacts = degree[start:stop] > 0
        result[start:stop][has_contacts] = sums[has_contacts]
        start = stop
    return result
