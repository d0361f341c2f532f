"""Degree-preserving null model: is a layer more reciprocal or more layered than its degrees imply?

:func:`rewire` performs directed double-edge swaps (a→b, c→d) → (a→d, c→b), which keep every
in- and out-degree, never create self-loops or parallel arcs, and are applied in vectorised
batches over the arc arrays. :func:`null_comparison` compares the observed reciprocity and
hierarchy measures with their distribution over rewired samples: a
statistic is called high or low only against degree-preserving rewiring (docs/measures.md,
"Null model").

Reference: Maslov & Sneppen (2002), *Science* 296:910–913 (directed edge swaps); Milo et
al. (2003), arXiv cond-mat/0312028 (on the number of swaps). Weighted reciprocity is
compared with the same rewired topologies carrying a random permutation of the observed
weights (Squartini et al. 2013 discuss richer weighted nulls).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from orgpower.metrics import hierarchy as hi
from orgpower.metrics import reciprocity as rc
from orgpower.metrics.digraph import arcs, as_adjacency, binary

__all__ = [
    "rewire", "ArcKeyTable", "null_comparison", "null_draws", "null_summary", "null_measures", "sample_measures",
    "null_sample_count", "NULL_MEASURES", "FULL_SAMPLE_ARCS", "MIN_SAMPLES",
]

#: the measures compared with the null
NULL_MEASURES = (
    "reciprocity_edgewise",
    "reciprocity_rho",
    "weighted_reciprocity",
    "flow_hierarchy",
    "trophic_incoherence",
)


def null_measures(a: sp.csr_array, w: sp.csr_array, *, null_sample: bool = False) -> dict[str, float | None]:
    """The :data:`NULL_MEASURES` of one graph (0/1 pattern ``a``, weights ``w``).

    The dyad census is computed once for both binary reciprocities. For null samples F0
    is solved to a relative residual of 1e-8 (ample for a z-score) with the solver
    suited to random graphs.
    """
    census = rc.dyad_census(a)
    n, m = a.shape[0], a.nnz
    edgewise = 2 * census.mutual / m if m else None
    density = m / (n * (n - 1)) if n >= 2 else None
    rho = None
    if edgewise is not None and density is not None and density < 1:
        rho = (edgewise - density) / (1 - density)
    if null_sample:
        f0 = hi.trophic_incoherence(a, weighted=False, solver="auto", rtol=1e-8)
    else:
        f0 = hi.trophic_incoherence(a, weighted=False)
    return {
        "reciprocity_edgewise": edgewise,
        "reciprocity_rho": rho,
        "weighted_reciprocity": rc.weighted_reciprocity(w),
        "flow_hierarchy": hi.flow_hierarchy(a),
        "trophic_incoherence": f0,
    }


THINNING = 0.25  # proposals per arc between consecutive samples, as a share of the burn-in


class ArcKeyTable:
    """Exact set operations on arc keys (``u*n + v``, non-negative int64) through a table of
    hashed buckets, reused across the rounds of a swap chain.

    Equal keys fall in the same bucket, so only keys whose bucket is hit by another key can
    be equal. With a table 4-8 times larger than the keys, most keys are alone in their
    bucket and are settled by a few passes over an int32 array; the rest (about a seventh
    of 10⁷ swap keys) go through pandas' exact hash operations. Why: at 10⁷ arcs a pandas hash table over all
    keys costs seconds per call, mostly in cache misses, and a chain asks twice per round.
    Each method returns exactly what the pandas form in its docstring returns; buckets only
    narrow the candidates (Fibonacci hashing: Knuth, TAOCP vol. 3, 6.4). More than
    ``narrow_above`` candidates are narrowed once more by a second, smaller table with an
    independent multiplier (a table sized for them fits in cache, so its passes cost little,
    and it leaves pandas about a seventh of them).

    >>> table = ArcKeyTable(4)
    >>> table.repeated(np.array([7, 3, 7, 9])).tolist()
    [True, False, True, False]
    >>> table.isin(np.array([1, 5, 9]), np.array([9, 1, 2])).tolist()
    [True, False, True]
    >>> table.positions(np.array([2, 5, 9]), np.array([9, 1, 2])).tolist()
    [2, -1, 0]
    """

    _MIX = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio
    _NARROWING_MIX = np.uint64(0xC2B2AE3D27D4EB4F)  # another odd constant (MurmurHash3's), for the second table

    def __init__(self, keys: int, *, narrow_above: int | None = 1 << 16, mix: np.uint64 | None = None) -> None:
        self.bits = max(12, int(max(keys, 1) - 1).bit_length() + 2)
        self.slots = np.empty(1 << self.bits, dtype=np.int32)
        self.stamp = 0  # negative stamps mark buckets; row positions (>= 0) never equal them
        self.mix = self._MIX if mix is None else mix
        self.narrow_above = narrow_above
        self._narrowing: ArcKeyTable | None = None

    def _narrower(self, keys: int) -> ArcKeyTable | None:
        """The second table for ``keys`` candidates (kept, and grown when too small), or
        ``None`` when pandas takes them directly."""
        if self.narrow_above is None or keys <= self.narrow_above:
            return None
        if self._narrowing is None or keys > 1 << (self._narrowing.bits - 2):
            self._narrowing = ArcKeyTable(keys, narrow_above=None, mix=self._NARROWING_MIX)
        return self._narrowing

    def _buckets(self, keys: np.ndarray) -> np.ndarray:
        mixed = np.ascontiguousarray(keys, dtype=np.int64).view(np.uint64) * self.mix  # wraps mod 2^64
        return (mixed >> np.uint64(64 - self.bits)).view(np.intp)  # < 2^31: the view is exact

    def _next_stamp(self) -> np.int32:
        self.stamp = self.stamp - 1 if self.stamp > -(2**31) + 1 else -1
        return np.int32(self.stamp)

    def repeated(self, keys: np.ndarray, *, buckets: np.ndarray | None = None) -> np.ndarray:
        """``pd.Series(keys).duplicated(keep=False)``: which keys occur more than once.
        ``buckets``: the keys' buckets if the caller has them already."""
        buckets = self._buckets(keys) if buckets is None else buckets
        rows = np.arange(keys.size, dtype=np.int32)
        self.slots[buckets] = rows
        # one row per bucket keeps its mark, whatever the order of the writes; the rows
        # that lost and the row that stayed in their buckets are every key of a crowded
        # bucket (row positions >= 0 never equal _shared's negative stamps)
        written = self.slots[buckets]
        lost = written != rows
        candidates = lost.copy()
        candidates[written[lost]] = True
        candidates = np.flatnonzero(candidates)
        out = np.zeros(keys.size, dtype=bool)
        narrower = self._narrower(candidates.size)
        if narrower is not None:
            out[candidates] = narrower.repeated(keys[candidates])
        else:
            out[candidates] = pd.Series(keys[candidates]).duplicated(keep=False).to_numpy()
        return out

    def _shared(self, keys: np.ndarray, universe: np.ndarray, key_buckets=None, universe_buckets=None):
        """The keys and the universe's entries whose buckets both hit (candidates to match)."""
        key_buckets = self._buckets(keys) if key_buckets is None else key_buckets
        universe_buckets = self._buckets(universe) if universe_buckets is None else universe_buckets
        stamp = self._next_stamp()
        self.slots[universe_buckets] = stamp
        key_rows = np.flatnonzero(self.slots[key_buckets] == stamp)
        stamp = self._next_stamp()
        self.slots[key_buckets[key_rows]] = stamp
        universe_rows = np.flatnonzero(self.slots[universe_buckets] == stamp)
        return key_rows, universe_rows

    def isin(
        self, keys: np.ndarray, universe: np.ndarray, *, buckets: np.ndarray | None = None,
        universe_buckets: np.ndarray | None = None,
    ) -> np.ndarray:
        """``pd.Index(keys).isin(universe)``; ``buckets``, ``universe_buckets``: their
        buckets if the caller has them already."""
        key_rows, universe_rows = self._shared(keys, universe, buckets, universe_buckets)
        out = np.zeros(keys.size, dtype=bool)
        narrower = self._narrower(max(key_rows.size, universe_rows.size))
        if narrower is not None:
            out[key_rows] = narrower.isin(keys[key_rows], universe[universe_rows])
        else:
            out[key_rows] = pd.Index(keys[key_rows]).isin(universe[universe_rows])
        return out

    def positions(self, keys: np.ndarray, universe: np.ndarray) -> np.ndarray:
        """``pd.Index(universe).get_indexer(keys)`` for a ``universe`` without repeats: each
        key's position in it, -1 if absent."""
        key_rows, universe_rows = self._shared(keys, universe)
        out = np.full(keys.size, -1, dtype=np.intp)
        found = pd.Index(universe[universe_rows]).get_indexer(keys[key_rows])
        hit = found >= 0
        out[key_rows[hit]] = universe_rows[found[hit]]
        return out


def sample_measures(
    sources: np.ndarray, targets: np.ndarray, weights: np.ndarray, n: int, *,
    levels: np.ndarray | None = None, rtol: float = 1e-8, table: ArcKeyTable | None = None,
) -> tuple[dict[str, float | None], np.ndarray]:
    """The :data:`NULL_MEASURES` of a rewired sample, straight from its arc arrays.

    Same definitions as :func:`null_measures` (no self-loops or parallel arcs, as
    :func:`rewire` guarantees), computed in O(m) without a dyad census: arcs are
    keyed ``u*n + v`` and hashed once; an arc is returned iff its reverse key is found
    (edgewise reciprocity = returned arcs / m; r_w = Σ min(w_uv, w_vu) / Σ w). Flow
    hierarchy from the strongly connected components. F0 from the improved trophic levels
    solved by Jacobi CG on the Laplacian of the sample, warm-started from ``levels`` (the
    previous sample's: rewiring keeps every in- and out-degree, so the right-hand side
    ``v = k_in - k_out`` and the diagonal ``u = k_in + k_out`` are the same for every
    sample and only the off-diagonal changes). ``table``: an :class:`ArcKeyTable` to reuse
    (the chain's). Returns the measures and the levels.

    >>> m, h = sample_measures(np.array([0, 1, 2]), np.array([1, 0, 0]), np.ones(3), 3)
    >>> round(m["reciprocity_edgewise"], 6), round(m["flow_hierarchy"], 6)
    (0.666667, 0.333333)
    """
    src = np.asarray(sources, dtype=np.int64)
    dst = np.asarray(targets, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.float64)
    m = src.size
    sym = _symmetric_pattern(src, dst, n)
    if np.any(src[1:] < src[:-1]):
        # arc keys u*n+v (unique: no parallel arcs); the reverse arc's position by hashed
        # buckets (ArcKeyTable), several times faster than sorting or one pandas hash table
        partner = (table or ArcKeyTable(m)).positions(dst * n + src, src * n + dst)
    else:
        partner = _reverse_arcs(src, dst, n, sym)
    returned_arcs = np.flatnonzero(partner >= 0)
    partners = partner[returned_arcs]
    edgewise = float(returned_arcs.size) / m
    density = m / (n * (n - 1)) if n >= 2 else None
    rho = None
    if density is not None and density < 1:
        rho = (edgewise - density) / (1 - density)
    total = float(weights.sum())
    weighted = None
    if total > 0:
        weighted = float(np.minimum(weights[returned_arcs], weights[partners]).sum()) / total

    h, alive = _trophic_levels_cg(src, dst, n, levels, rtol, sym=sym)
    flow = float(1.0 - _arcs_on_cycles(src, dst, n, alive, partner >= 0) / m)
    f0 = float(np.mean((h[dst] - h[src] - 1.0) ** 2))
    return {
        "reciprocity_edgewise": edgewise,
        "reciprocity_rho": rho,
        "weighted_reciprocity": weighted,
        "flow_hierarchy": flow,
        "trophic_incoherence": min(max(f0, 0.0), 1.0),
    }, h


def _reverse_arcs(src: np.ndarray, dst: np.ndarray, n: int, sym: sp.csr_array) -> np.ndarray:
    """Each arc's reverse arc's position, -1 if it has none, for arcs with sorted sources and
    no parallel arcs: what ``ArcKeyTable.positions(dst*n + src, src*n + dst)`` returns.

    ``sym`` is their :func:`_symmetric_pattern`: an entry (u, v) of 2 is a returned pair
    (both arcs exist; a self-loop u→u is its own reverse, as in the key form). Rewired
    samples have few, so only those arcs are looked up, in their sources' contiguous
    runs of arcs, instead of hashing every arc's key twice.

    >>> src, dst = np.array([0, 0, 1, 2]), np.array([1, 2, 0, 1])
    >>> _reverse_arcs(src, dst, 3, _symmetric_pattern(src, dst, 3)).tolist()
    [2, -1, 0, -1]
    """
    partner = np.full(src.size, -1, dtype=np.intp)
    pairs = np.flatnonzero(sym.data == 2)
    if not pairs.size:
        return partner
    tails = np.searchsorted(sym.indptr, pairs, side="right") - 1
    heads = sym.indices[pairs].astype(np.int64)
    # every arc leaving a vertex of these pairs, sorted by key: one binary search per arc wanted
    sources = np.unique(tails)
    start, stop = np.searchsorted(src, sources, side="left"), np.searchsorted(src, sources, side="right")
    counts = stop - start
    run = np.repeat(start - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    keys = src[run] * n + dst[run]
    order = np.argsort(keys, kind="stable")
    keys, run = keys[order], run[order]
    forward = run[np.searchsorted(keys, tails * n + heads)]
    backward = run[np.searchsorted(keys, heads * n + tails)]
    partner[forward] = backward
    return partner


def _arcs_on_cycles(src: np.ndarray, dst: np.ndarray, n: int, alive: np.ndarray, returned: np.ndarray) -> int:
    """The number of arcs on a directed cycle (ends in one strongly connected component).

    ``alive``: the vertices left by leaf peeling (:func:`orgpower.metrics.hierarchy._peel_leaves`
    on the undirected pattern), a superset of its 2-core. A directed cycle of three or
    more vertices is an undirected cycle, so it runs between alive vertices only; the
    peeled vertices hang off them in trees joined by one edge, so no path between alive
    vertices needs them. An arc with a peeled end is on a cycle iff it is ``returned``
    (a 2-cycle). Only the arcs between alive vertices go through the strong components;
    their CSR is laid out from the sources in one pass (a sample's sources stay in the
    sorted order of :func:`orgpower.metrics.digraph.arcs`: :func:`rewire` moves only
    targets; components do not need sorted columns).
    """
    inside = alive[src] & alive[dst]
    on_two_cycles = int(np.count_nonzero(returned & ~inside))
    src, dst = src[inside], dst[inside]
    if src.size == 0:
        return on_two_cycles
    if np.any(src[1:] < src[:-1]):
        order = np.argsort(src, kind="stable")
        src, dst = src[order], dst[order]
    # int32 indices where they fit: the strong components take nothing else, so wider
    # ones would be copied first
    index = np.int32 if max(n, src.size) < 2**31 else np.int64
    indptr = np.zeros(n + 1, dtype=index)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    a = sp.csr_array((np.ones(src.size), dst.astype(index), indptr), shape=(n, n))
    _, scc = connected_components(a, directed=True, connection="strong")
    return on_two_cycles + int(np.count_nonzero(scc[src] == scc[dst]))


def _symmetric_pattern(src: np.ndarray, dst: np.ndarray, n: int) -> sp.csr_array:
    """A + Aᵀ of the 0/1 pattern with arcs ``src → dst`` (no parallel arcs; sorted ``src``
    saves a sort), in canonical CSR: sorted columns, 2 where both arcs of a pair exist.

    The same matrix as ``csr_array((1, (concat(src, dst), concat(dst, src))))`` summed
    (the form kept in tests/test_metrics_null_sample_speed_forms.py), built without its
    COO conversion: row u holds u's targets (its arcs, contiguous since ``src`` is sorted)
    then u's sources (a counting sort, CSR → CSC, which keeps them ascending); only the
    targets need sorting within the row. Indices are int32 where n and 2m fit, which
    halves the index traffic of every product with it.
    """
    m = src.size
    if np.any(src[1:] < src[:-1]):  # the matrix does not depend on the arcs' order
        order = np.argsort(src, kind="stable")
        src, dst = src[order], dst[order]
    index = np.int32 if max(n, 2 * m) < 2**31 else np.int64
    out_degree = np.bincount(src, minlength=n)
    in_degree = np.bincount(dst, minlength=n)
    out_ptr = np.zeros(n + 1, dtype=index)
    np.cumsum(out_degree, out=out_ptr[1:])
    in_ptr = np.zeros(n + 1, dtype=index)
    np.cumsum(in_degree, out=in_ptr[1:])
    targets = dst.astype(index)
    sources = sp.csr_array((np.ones(m, dtype=np.int8), targets, out_ptr), shape=(n, n)).tocsc().indices
    indices = np.empty(2 * m, dtype=index)
    # row u starts at out_ptr[u] + in_ptr[u]: its targets first, then its sources
    positions = np.arange(m, dtype=index)
    indices[positions + in_ptr[src]] = targets
    indices[positions + np.repeat(out_ptr[1:], in_degree)] = sources
    sym = sp.csr_array((np.ones(2 * m), indices, out_ptr + in_ptr), shape=(n, n))
    sym.sum_duplicates()
    return sym


def _trophic_levels_cg(
    src, dst, n: int, start: np.ndarray | None, rtol: float, *, sym: sp.csr_array | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Improved trophic levels (up to a constant per component) of a 0/1 pattern, and the
    vertices left after leaf peeling.

    Solves Λh = v, Λ = diag(k_in + k_out) − A − Aᵀ, v = k_in − k_out (MacKay, Johnson &
    Sansom 2020). Leaves are eliminated exactly first (as in
    :func:`orgpower.metrics.hierarchy.trophic_levels`: sparse samples are mostly trees, on
    which CG converges slowly); a core with few independent cycles is solved directly,
    otherwise by Jacobi CG warm-started from ``start``. The core's Laplacian is singular
    (constants per component), but elimination keeps the system consistent, so CG stays in
    the range of Λ; F0 needs only level differences. Falls back to the exact solve if CG stalls.
    ``sym``: the sample's :func:`_symmetric_pattern`, if the caller has it.
    """
    sym = _symmetric_pattern(src, dst, n) if sym is None else sym
    rhs = (np.bincount(dst, minlength=n) - np.bincount(src, minlength=n)).astype(np.float64)
    peeled = hi._peel_leaves(sym, rhs)
    alive, b, rounds = peeled
    core_size = int(alive.sum())
    # the core's pattern: sym's entries between live vertices, kept in sym's (sorted) order
    rows = np.repeat(np.arange(n, dtype=sym.indices.dtype), np.diff(sym.indptr))
    core = alive[rows] & alive[sym.indices]
    core_indptr = np.zeros(n + 1, dtype=sym.indptr.dtype)
    np.cumsum(np.bincount(rows[core], minlength=n), out=core_indptr[1:])
    core_sym = sp.csr_array((sym.data[core], sym.indices[core], core_indptr), shape=(n, n))
    # independent cycles of the core (edges - vertices + components): few means little fill.
    # Components only add to it, so they are counted only when edges - vertices alone do
    # not already exceed the limit (dense samples never need them)
    few_cycles = 100 + core_size // 20
    cycles = core_sym.nnz // 2 - core_size
    if cycles <= few_cycles:
        cycles += connected_components(core_sym, directed=False)[0] - (n - core_size)
    if cycles <= few_cycles:
        return hi._solve_laplacian(sym, rhs, solver="direct", rtol=rtol, peeled=peeled), alive
    degree = np.bincount(rows[core], weights=core_sym.data, minlength=n)
    inverse_diagonal = np.divide(1.0, degree, out=np.zeros(n), where=degree > 0)
    x = np.zeros(n) if start is None else np.where(alive, start, 0.0)
    b = np.where(alive, b, 0.0)
    solved = _jacobi_cg_from(core_sym, degree, b, x, inverse_diagonal, rtol)
    if solved is None:
        return hi._solve_laplacian(sym, rhs, solver="direct", rtol=rtol, peeled=peeled), alive
    for leaves, parent, offsets in reversed(rounds):
        solved[leaves] = solved[parent] + offsets
    return solved, alive


def _jacobi_cg_from(core_sym, degree, rhs, x, inverse_diagonal, rtol):
    """Jacobi-preconditioned CG on ``diag(degree) - core_sym`` from the start ``x``;
    ``None`` if not converged. Vectors are updated in place (same operations, in the same
    order, as the textbook form ``x += αp; r -= αq; z = D⁻¹r; p = z + βp``)."""

    product = np.empty_like(x)
    shape, indptr, indices, data = core_sym.shape, core_sym.indptr, core_sym.indices, core_sym.data

    def laplacian(y, out):
        # the kernel ``core_sym @ y`` runs, into a reused vector: at 10,000 people a
        # sample's CG is dozens of products, whose dispatch took longer than the kernel
        product.fill(0.0)
        _csr_matvec(*shape, indptr, indices, data, y, product)
        np.multiply(degree, y, out=out)
        out -= product
        return out

    r = rhs - laplacian(x, np.empty_like(x))
    target = (rtol * max(float(np.sqrt(np.dot(rhs, rhs))), 1e-300)) ** 2
    z = inverse_diagonal * r
    p = z.copy()
    q = np.empty_like(x)
    step = np.empty_like(x)
    rz = float(np.dot(r, z))
    for _ in range(CG_MAXITER):
        if float(np.dot(r, r)) <= target:
            return x
        laplacian(p, q)
        alpha = rz / float(np.dot(p, q))
        np.multiply(alpha, p, out=step)
        x += step
        np.multiply(alpha, q, out=step)
        r -= step
        np.multiply(inverse_diagonal, r, out=z)
        rz_next = float(np.dot(r, z))
        p *= rz_next / rz
        p += z
        rz = rz_next
    return x if float(np.dot(r, r)) <= target else None


CG_MAXITER = 2000


def _csr_matvec_by_operator(rows, columns, indptr, indices, data, x, y):
    y += sp.csr_array((data, indices, indptr), shape=(rows, columns)) @ x


try:  # scipy's CSR product kernel (y += A x), the one ``A @ x`` calls; stable since scipy 0.7
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - a scipy that moved it: the same product, with its dispatch
    _csr_matvec = _csr_matvec_by_operator


def rewire(
    sources: np.ndarray, targets: np.ndarray, n: int, *, swaps_per_arc: float = 4.0, rng=None,
    table: ArcKeyTable | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Randomise arcs by directed double-edge swaps that keep in- and out-degrees.

    Each round pairs the arcs at random and proposes, for every pair (a→b, c→d), the swap
    to (a→d, c→b). A proposal is rejected when it would make a self-loop (a = d or c = b),
    an arc that already exists, or an arc another proposal of the same round makes; the
    rest are applied together. Rounds repeat until ``swaps_per_arc * m`` swaps have been
    proposed. Returns the new ``(sources, targets)`` and the share of proposals accepted.

    Batched rejection is slightly more conservative than one-at-a-time swapping (an arc
    freed in the same round is still treated as taken); the chain still keeps the degree
    sequences exactly. ``table``: an :class:`ArcKeyTable` to reuse (a chain's rounds share
    one). The default of 4 proposals per arc means each arc takes part in
    about 8 proposals; on sparse org layers the reciprocity and hierarchy measures of the
    samples stop drifting well before that (raise it for dense layers).

    >>> src, dst, rate = rewire(np.array([0, 1, 2, 3]), np.array([1, 2, 3, 0]), 4, rng=np.random.default_rng(1))
    >>> np.bincount(src, minlength=4).tolist(), np.bincount(dst, minlength=4).tolist()
    ([1, 1, 1, 1], [1, 1, 1, 1])
    """
    rng = np.random.default_rng(rng)
    src = np.asarray(sources, dtype=np.int64).copy()
    dst = np.asarray(targets, dtype=np.int64).copy()
    m = src.size
    if m < 2:
        return src, dst, 0.0
    proposals_left = int(math.ceil(swaps_per_arc * m))
    proposed = accepted = 0
    table = table or ArcKeyTable(m)
    # the arc set's keys and buckets, in any order (only looked up as a set); after a
    # round they are the created keys with the rejected proposals' old keys put back,
    # plus the arcs not proposed, so each round hashes only what it creates
    keys = src * n + dst
    buckets = table._buckets(keys)
    while proposals_left > 0:
        order = rng.permutation(m)
        half = min(m // 2, proposals_left)
        first, second = order[:half], order[half:2 * half]
        a, b, c, d = src[first], dst[first], src[second], dst[second]
        created = np.concatenate([a * n + d, c * n + b])
        created_buckets = table._buckets(created)
        # exact set look-ups through hashed buckets: the arc set changes every round
        bad = table.isin(created, keys, buckets=created_buckets, universe_buckets=buckets)
        bad |= table.repeated(created, buckets=created_buckets)
        ok = (a != d) & (c != b) & ~bad[:half] & ~bad[half:]
        dst[first[ok]] = d[ok]
        dst[second[ok]] = b[ok]
        proposed += half
        accepted += int(ok.sum())
        proposals_left -= half
        if proposals_left > 0:
            rejected = np.flatnonzero(~ok)
            created[rejected] = a[rejected] * n + b[rejected]
            created[half + rejected] = c[rejected] * n + d[rejected]
            rejected = np.concatenate([rejected, half + rejected])
            created_buckets[rejected] = table._buckets(created[rejected])
            keys, buckets = created, created_buckets
            rest = order[2 * half:]
            if rest.size:
                rest_keys = src[rest] * n + dst[rest]
                keys = np.concatenate([keys, rest_keys])
                buckets = np.concatenate([buckets, table._buckets(rest_keys)])
    return src, dst, accepted / proposed if proposed else 0.0


#: layers with at most this many arcs get every requested null sample
FULL_SAMPLE_ARCS = 20_000
#: the fewest samples a larger layer gets (if that many were requested)
MIN_SAMPLES = 5


def null_sample_count(
    requested: int, arcs: int, *, full_sample_arcs: int = FULL_SAMPLE_ARCS, min_samples: int = MIN_SAMPLES
) -> int:
    """Size-adaptive number of null samples: the full ``requested`` up to ``full_sample_arcs``
    arcs, then shrinking as 1/arcs (a fixed budget of ``requested * full_sample_arcs``
    rewired arcs per layer) down to ``min_samples``; never more than requested.

    Why: every sample costs a rewiring and a Laplacian solve over all m arcs, while on
    large sparse layers the null spread is tiny compared with the distance of the observed
    value, so a few samples decide the same readings. The output's ``null_model`` states ``samples`` and this ``policy``.

    >>> null_sample_count(50, 10_000), null_sample_count(50, 100_000), null_sample_count(50, 3_000_000)
    (50, 10, 5)
    """
    if requested <= 0 or arcs <= full_sample_arcs:
        return max(requested, 0)
    return min(requested, max(min_samples, math.ceil(requested * full_sample_arcs / arcs)))


def null_comparison(
    layer, *, samples: int = 20, seed: int = 0, swaps_per_arc: float = 4.0,
    full_sample_arcs: int | None = FULL_SAMPLE_ARCS, min_samples: int = MIN_SAMPLES,
    observed: dict | None = None,
) -> dict:
    """Observed reciprocity and hierarchy measures against degree-preserving rewired samples.

    For each measure of :data:`NULL_MEASURES` (edgewise reciprocity, ρ, weighted
    reciprocity with permuted weights, flow hierarchy, trophic incoherence F0) returns
    ``{observed, null_mean, null_sd, z, share_null_ge_observed}``; ``z`` is ``None`` when
    the null spread is 0, and every value is ``None`` when the measure is undefined.
    The samples are taken along one swap chain seeded by ``seed``: a burn-in of
    ``swaps_per_arc`` proposals per arc before the first sample, then ``THINNING`` of that
    between samples (MCMC thinning; a quarter of the cost of independent chains).
    ``samples`` is what is asked for; layers above ``full_sample_arcs`` arcs get fewer
    (:func:`null_sample_count`, floor ``min_samples``; ``None`` switches the policy off),
    and the result states the ``samples`` taken, ``samples_requested`` and the ``policy``.
    ``observed``: the layer's own values of :data:`NULL_MEASURES` if already computed (e.g.
    by :func:`orgpower.metrics.layer.layer_measures`, same definitions), so they are not
    computed twice.

    The same as :func:`null_summary` of :func:`null_draws`, which is how a caller runs the
    rewiring apart from (e.g. beside) the layer's own measures.

    >>> import scipy.sparse as sp
    >>> cycle = sp.csr_array(([1.0] * 6, ([0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0])), shape=(6, 6))
    >>> result = null_comparison(cycle, samples=3)
    >>> result["measures"]["reciprocity_edgewise"]["observed"]
    0.0
    """
    draws = null_draws(
        layer, samples=samples, seed=seed, swaps_per_arc=swaps_per_arc, full_sample_arcs=full_sample_arcs,
        min_samples=min_samples,
    )
    return null_summary(layer, draws, observed)


def null_draws(
    layer, *, samples: int = 20, seed: int = 0, swaps_per_arc: float = 4.0,
    full_sample_arcs: int | None = FULL_SAMPLE_ARCS, min_samples: int = MIN_SAMPLES,
) -> dict:
    """The rewired samples' values of :data:`NULL_MEASURES` (``draws``: name -> list) with
    the chain's record (samples taken and requested, policy, seed, acceptance); the
    parameters are those of :func:`null_comparison`. Needs nothing of the observed layer's
    measures, so it can run in another process at the same time.

    >>> import scipy.sparse as sp
    >>> cycle = sp.csr_array(([1.0] * 6, ([0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0])), shape=(6, 6))
    >>> null_draws(cycle, samples=3)["samples"]
    3
    """
    w = as_adjacency(layer)
    n = w.shape[0]
    src, dst, weights = arcs(w)
    draws: dict[str, list[float]] = {name: [] for name in NULL_MEASURES}
    rates = []
    rng = np.random.default_rng(seed)
    chain_src, chain_dst = src, dst
    levels = None
    requested = samples
    if full_sample_arcs is not None:
        samples = null_sample_count(requested, src.size, full_sample_arcs=full_sample_arcs, min_samples=min_samples)
    policy = (
        "all requested samples" if full_sample_arcs is None else
        f"all requested samples up to {full_sample_arcs} arcs; above, requested x {full_sample_arcs} / arcs, "
        f"at least {min_samples}"
    )
    table = ArcKeyTable(src.size)  # a round creates about as many keys as there are arcs
    for sample in range(samples if src.size >= 2 else 0):
        # one chain: burn-in of swaps_per_arc, then a quarter of that between samples
        swaps = swaps_per_arc if sample == 0 else swaps_per_arc * THINNING
        chain_src, chain_dst, rate = rewire(chain_src, chain_dst, n, swaps_per_arc=swaps, rng=rng, table=table)
        rates.append(rate)
        values, levels = sample_measures(chain_src, chain_dst, rng.permutation(weights), n, levels=levels,
                                         table=table)
        for name, value in values.items():
            if value is not None:
                draws[name].append(float(value))
    return {
        "draws": draws,
        "samples": samples if src.size >= 2 else 0,
        "samples_requested": requested,
        "policy": policy,
        "seed": seed,
        "swaps_per_arc": swaps_per_arc,
        "accepted_swap_share": float(np.mean(rates)) if rates else None,
    }


def null_summary(layer, draws: dict, observed: dict | None = None) -> dict:
    """:func:`null_comparison`'s result from the layer, its :func:`null_draws` and (if
    already computed) its observed values of :data:`NULL_MEASURES`."""
    if observed is None or not all(name in observed for name in NULL_MEASURES):
        w = as_adjacency(layer)
        observed = null_measures(binary(w), w)
    measures = {name: _summary(observed[name], draws["draws"][name]) for name in NULL_MEASURES}
    return {
        "method": "directed double-edge swaps keeping every in- and out-degree (one chain, thinned); "
        "weights permuted over arcs",
        **{key: draws[key] for key in ("samples", "samples_requested", "policy", "seed", "swaps_per_arc",
                                       "accepted_swap_share")},
        "measures": measures,
    }


def _summary(observed: float | None, values: list[float]) -> dict:
    if observed is None or not values:
        return {"observed": observed, "null_mean": None, "null_sd": None, "z": None, "share_null_ge_observed": None}
    x = np.asarray(values)
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if x.size > 1 else 0.0
    z = (observed - mean) / sd if sd > 1e-12 else None
    return {
        "observed": float(observed),
        "null_mean": mean,
        "null_sd": sd,
        "z": None if z is None else float(z),
        "share_null_ge_observed": float(np.mean(x >= observed - 1e-12)),
    }
