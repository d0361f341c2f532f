"""Burt's constraint: how far a person's contacts are tied to each other (no brokerage).

Computed on the union of a layer's ties (an arc either way is a contact), with sparse
matrix products in row blocks so memory stays bounded on hub-heavy layers.
Reference: Burt (1992), *Structural Holes*; docs/measures.md.
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
    proportions); Krackhardt kite (networkx and igraph): Andre 0.541198, Jane 1.0.

    >>> star = sp.csr_array(([1.0, 1.0, 1.0], ([0, 0, 0], [1, 2, 3])), shape=(4, 4))
    >>> np.round(constraint(star), 4).tolist()
    [0.3333, 1.0, 1.0, 1.0]
    """
    proportions = contact_proportions(adjacency, weighted=weighted)
    n = proportions.shape[0]
    result = np.full(n, np.nan)
    degree = np.diff(proportions.indptr)
    if proportions.nnz == 0:
        return result
    # (P²)_ij is needed only where j is a contact of i. Two-step paths through a hub q
    # number deg(q)² (a 20,000-person star: 4·10⁸), so hubs are taken apart: paths
    # through light middles by the sparse product (Σ_light deg² ≤ limit · 2m), through
    # each heavy middle q by one pass over the ties among q's contacts (O(m) per hub,
    # at most 2m / limit hubs), as in triangle listing.
    limit = max(64, int(np.sqrt(proportions.nnz)))
    heavy = np.flatnonzero(degree > limit)
    light_columns = np.ones(n)
    light_columns[heavy] = 0.0
    through_light = sp.csr_array(proportions @ sp.diags_array(light_columns))
    through_light.eliminate_zeros()
    pattern = proportions.copy()
    pattern.data = np.ones_like(pattern.data)
    indirect = _masked_product(through_light, proportions, pattern, degree)
    if heavy.size:
        indirect = sp.csr_array(indirect + _through_hubs(proportions, heavy))
    local = sp.csr_array(proportions + indirect)
    local.data **= 2
    sums = np.asarray(local.sum(axis=1)).ravel()
    has_contacts = degree > 0
    result[has_contacts] = sums[has_contacts]
    return result


def _masked_product(left: sp.csr_array, right: sp.csr_array, pattern: sp.csr_array, degree: np.ndarray) -> sp.csr_array:
    """(left @ right) restricted to ``pattern``, in row blocks of bounded two-step entries."""
    n = left.shape[0]
    left_degree = np.diff(left.indptr)
    two_step = np.zeros(n, dtype=np.float64)
    if left.nnz:
        np.add.at(two_step, np.repeat(np.arange(n), left_degree), degree[left.indices].astype(np.float64))
    cumulative = np.cumsum(two_step)
    parts = []
    start = 0
    while start < n:
        base = cumulative[start - 1] if start else 0.0
        stop = int(np.searchsorted(cumulative, base + _BLOCK_PRODUCT_ENTRIES, side="right"))
        stop = min(max(stop, start + 1), n)
        parts.append(sp.csr_array(left[start:stop] @ right).multiply(pattern[start:stop]))
        start = stop
    return sp.csr_array(sp.vstack(parts, format="csr"))


def _through_hubs(proportions: sp.csr_array, hubs: np.ndarray) -> sp.csr_array:
    """Σ_q p_iq p_qj over hub middles q, for every tie i–j among q's contacts."""
    n = proportions.shape[0]
    rows, cols, values = [], [], []
    contact = np.zeros(n, dtype=bool)
    for q in hubs:
        start, stop = proportions.indptr[q], proportions.indptr[q + 1]
        members = proportions.indices[start:stop]
        p_q = np.zeros(n)
        p_q[members] = proportions.data[start:stop]  # p_qj
        contact[members] = True
        sub = proportions[members]  # rows i ∈ N(q): their ties i–j
        owner = np.repeat(members, np.diff(sub.indptr))
        keep = contact[sub.indices]
        i, j = owner[keep], sub.indices[keep]
        contact[members] = False
        if i.size == 0:
            continue
        p_iq = np.asarray(proportions[i, np.full(i.size, q)], dtype=np.float64).ravel()
        rows.append(i), cols.append(j), values.append(p_iq * p_q[j])
    if not rows:
        return sp.csr_array((n, n))
    return sp.csr_array((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
