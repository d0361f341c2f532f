"""Burt's constraint: how far a person's contacts are tied to each other (no brokerage).

Computed on the union of a layer's ties (an arc either way is a contact). The indirect
investments (P²)_ij are needed only for the pairs that are ties, and a tie's two-step
paths close a triangle, so they are found by listing triangles (each tie oriented from
its lower- to its higher-degree end; Chiba & Nishizeki 1985), not by forming P·P and
masking it: at 100,000 people of mean degree 20 that is 2·10⁶ closure tests instead of
2·10⁷ two-step entries, and hubs cost no more than anyone else.
Reference: Burt (1992), *Structural Holes*; docs/measures.md.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["contact_proportions", "constraint"]

_WEDGE_BLOCK = 2_000_000  # closure tests formed at once (memory stays bounded at any size)


def _mutual_ties(adjacency, weighted: bool, transposed=None) -> sp.csr_array:
    """Z with z_ij = w_ij + w_ji (ties either way), canonical (sorted, no zeros).
    ``transposed``: ``csr_array(adjacency.T)`` if the caller has it (the same sum)."""
    matrix = sp.csr_array(adjacency, dtype=np.float64)
    reverse = matrix.T if transposed is None else sp.csr_array(transposed, dtype=np.float64)
    if not weighted:
        matrix = matrix.copy()
        matrix.data = np.ones_like(matrix.data)
        reverse = matrix.T if transposed is None else reverse.copy()
        reverse.data = np.ones_like(reverse.data)
    mutual = sp.csr_array(matrix + reverse)
    mutual.eliminate_zeros()
    mutual.sum_duplicates()  # sorts the indices too
    return mutual


def contact_proportions(adjacency, *, weighted: bool = True) -> sp.csr_array:
    """P with p_ij = z_ij / Σ_k z_ik, where z_ij = w_ij + w_ji (ties either way).

    Binary ties (``weighted=False``) count 1 per arc, so a mutual pair gives z = 2, as
    networkx ``constraint(G, weight=None)`` does on a DiGraph.
    """
    mutual = _mutual_ties(adjacency, weighted)
    totals = np.asarray(mutual.sum(axis=1)).ravel()
    inverse = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    return sp.csr_array(sp.diags_array(inverse) @ mutual)


def constraint(adjacency, *, weighted: bool = True, transposed=None) -> np.ndarray:
    """Burt's constraint C_i = Σ_{j ∈ N(i)} (p_ij + Σ_q p_iq p_qj)² for every node.

    Definition: N(i) = contacts of i (in- or out-neighbours); p from
    :func:`contact_proportions`; the inner sum is the indirect investment of i in j
    through shared contacts q, i.e. (P²)_ij. High constraint = a closed circle of
    contacts; low = an ego bridging structural holes.

    Normalisation: none; a single contact gives 1, a dyad-free star's hub 1/d.
    ``nan`` for a node without contacts (as networkx).

    Computation: (P²)_ij only for the ties i–j, by listing the triangles the ties close
    (O(m·√m) at worst, O(Σ d⁺(v)²) for out-degrees d⁺ of the degree orientation); the
    result equals P·P masked by the ties to the last bits of the sums' order.

    ``transposed``: ``csr_array(adjacency.T)``, if the caller has it (the same result,
    without a transposed copy of its own).

    Reference: networkx ``constraint(G, weight=...)`` (same neighbour set and
    proportions); Krackhardt kite (networkx and igraph): Andre 0.541198, Jane 1.0.

    >>> star = sp.csr_array(([1.0, 1.0, 1.0], ([0, 0, 0], [1, 2, 3])), shape=(4, 4))
    >>> np.round(constraint(star), 4).tolist()
    [0.3333, 1.0, 1.0, 1.0]
    """
    mutual = _mutual_ties(adjacency, weighted, transposed)
    n = mutual.shape[0]
    result = np.full(n, np.nan)
    if mutual.nnz == 0:
        return result
    # 32-bit positions where they fit: at a million people the arrays of every tie are
    # the memory peak of the people's measures
    index = np.int32 if max(n, mutual.nnz) < 2**31 - 1 else np.int64
    degree = np.diff(mutual.indptr)
    row = np.repeat(np.arange(n, dtype=index), degree)
    # (Z's index arrays may be 64-bit, as a sum of matrices with many ties gives them)
    col, indptr = mutual.indices.astype(index, copy=False), mutual.indptr.astype(index, copy=False)
    weights = mutual.data
    del mutual  # Z's weights are not needed once p is formed (a float per tie)
    totals = np.bincount(row, weights=weights, minlength=n)
    inverse = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    p = inverse[row] * weights  # the same products as diag(1/total) · Z
    del weights
    # position of (j, i) for every stored (i, j): Z's pattern is symmetric, so column j's
    # entries (rows ascending) are the reverses of row j's entries (columns ascending)
    positions = sp.csr_array((np.arange(col.size, dtype=index), col, indptr), shape=(n, n))
    reverse = sp.csc_array(positions).data
    del positions
    loop = row == col
    indirect = _through_triangles(row, col, p, reverse, degree - np.bincount(row[loop], minlength=n), ~loop)
    if loop.any():
        # a self-tie q = i or q = j also makes a two-step path i → j: p_ii p_ij + p_ij p_jj;
        # and (P²)_ii runs through every contact q of i: Σ_q p_iq p_qi
        own = np.zeros(n)
        own[row[loop]] = p[loop]
        indirect[~loop] += p[~loop] * (own[row[~loop]] + own[col[~loop]])
        indirect[loop] = np.bincount(row, weights=p * p[reverse], minlength=n)[row[loop]]
    del reverse
    local = p + indirect
    del indirect
    local *= local
    # proportions that are zero (a row whose ties cancel out) are not contacts
    contacts = p != 0
    if not contacts.all():  # (no copies of every tie where all are contacts, as usual)
        row, local = row[contacts], local[contacts]
    sums = np.bincount(row, weights=local, minlength=n)
    has_contacts = np.bincount(row, minlength=n) > 0
    result[has_contacts] = sums[has_contacts]
    return result


def _through_triangles(row, col, p, reverse, degree, proper) -> np.ndarray:
    """Σ_q p_iq p_qj over the q ≠ i, j tied to both, for every stored tie (i, j), i ≠ j.

    Each tie is oriented from the end of lower (degree, id) rank; every triangle is then
    found once, from its lowest vertex u, as a pair of u's out-ties (u, a), (u, b) whose
    ends are tied (binary search in the out-ties of the lower of a and b), and gives its
    six ordered pairs their two-step path through the third vertex.
    """
    n = degree.size
    indirect = np.zeros(p.size)
    # positions and counts in the arrays' own index type (32-bit where every tie fits):
    # at a million people these arrays of every tie are the memory peak of constraint
    index = row.dtype
    rank = np.empty(n, dtype=index)
    rank[np.lexsort((np.arange(n), degree))] = np.arange(n, dtype=index)
    forward = np.flatnonzero(proper & (rank[row] < rank[col])).astype(index)  # grouped by row, ends sorted
    if forward.size == 0:
        return indirect
    tail, head = row[forward], col[forward]
    out_ptr = np.zeros(n + 1, dtype=index)
    np.cumsum(np.bincount(tail, minlength=n), out=out_ptr[1:])
    later = out_ptr[tail + 1] - 1 - np.arange(forward.size, dtype=index)  # out-ties of u after this one
    lookup = _TieLookup(out_ptr, head)
    cumulative = np.zeros(forward.size + 1, dtype=np.int64)  # wedges: up to m·√m, beyond 32 bits
    np.cumsum(later, out=cumulative[1:])
    start = 0
    while start < forward.size:
        stop = int(np.searchsorted(cumulative, cumulative[start] + _WEDGE_BLOCK, side="right")) - 1
        stop = min(max(stop, start + 1), forward.size)
        counts = later[start:stop]
        total = int(counts.sum())
        if total:
            first = np.repeat(np.arange(start, stop), counts)
            second = first + 1 + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
            a, b = head[first], head[second]
            low_first = rank[a] < rank[b]
            x, y = np.where(low_first, a, b), np.where(low_first, b, a)
            found = lookup.find(x, y)
            hit = found >= 0
            first, second, low_first, found = first[hit], second[hit], low_first[hit], found[hit]
            xy = forward[found]
            ab = np.where(low_first, xy, reverse[xy])  # (a, b) in the stored ties
            ba = reverse[ab]
            ua, ub = forward[first], forward[second]
            au, bu = reverse[ua], reverse[ub]
            targets = np.concatenate([ab, ba, ua, au, ub, bu])
            del first, second, low_first, found, xy
            values = np.concatenate([p[au] * p[ub], p[bu] * p[ua],  # a → u → b, b → u → a
                                     p[ub] * p[ba], p[ab] * p[bu],  # u → b → a, a → b → u
                                     p[ua] * p[ab], p[ba] * p[au]])  # u → a → b, b → a → u
            indirect += np.bincount(targets, weights=values, minlength=p.size)
        start = stop
    return indirect


class _TieLookup:
    """Where a tie is among sorted rows: ``find(rows, wanted)`` gives the position of
    ``wanted[k]`` among the ``indices`` of row ``rows[k]`` (``indptr`` as in CSR), or −1.

    The positions + 1 are the values of a CSR matrix of that pattern, so each look-up is
    scipy's element look-up (a binary search in C within one row). It replaced a
    vectorised binary search in numpy (one pass over every query per halving, 3 s of
    the 7 s of constraint at a million people), kept in
    tests/test_metrics_node_structural_holes.py as its specification.
    """

    def __init__(self, indptr: np.ndarray, indices: np.ndarray) -> None:
        rows = indptr.size - 1
        columns = int(indices.max()) + 1 if indices.size else 1
        # the positions in the index arrays' own type, so that scipy keeps them as they are
        # (32-bit where they fit) rather than copying them to 64 bits
        self._positions = sp.csr_array((np.arange(1, indices.size + 1, dtype=indices.dtype), indices, indptr),
                                       shape=(rows, max(columns, rows)))

    def find(self, rows: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self._positions[rows, wanted]).ravel().astype(np.int64, copy=False) - 1

