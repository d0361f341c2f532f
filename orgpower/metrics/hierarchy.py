"""Direction and layering of a digraph: flow hierarchy, global reaching centrality,
trophic levels and incoherence F0, agony.

Each function takes a :class:`~orgpower.graph.layers.Layer` or a square sparse adjacency
(row = source, superior -> subordinate) and returns a ``float`` or ``None`` where the
measure is undefined (definitions in docs/measures.md).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve

from orgpower.metrics.digraph import (
    arcs,
    as_adjacency,
    binary,
    reach_counts,
    sorted_distinct,
    strong_labels,
    transposed,
    weak_labels,
)

__all__ = [
    "flow_hierarchy",
    "global_reaching_centrality",
    "global_reaching_centrality_from_reach",
    "trophic_levels",
    "trophic_incoherence",
    "agony",
    "agony_hierarchy",
]


def flow_hierarchy(graph, *, weighted: bool = False) -> float | None:
    """Flow hierarchy of Luo & Magee: the share of arcs (or arc weight) on no directed cycle.

    Definition: ``h = 1 - w(arcs inside strongly connected components) / w(all arcs)``; an
    arc lies on a cycle iff both ends share a strongly connected component.

    Normalisation: 1 for any DAG, 0 when every arc is on a cycle. ``None`` without arcs
    (networkx raises there).

    Reference: Luo & Magee (2011), *Complexity* 16(6):53–61; networkx
    ``flow_hierarchy(G, weight=None)`` (``weight="weight"`` for ``weighted=True``).
    O(n + m).

    >>> import scipy.sparse as sp
    >>> cycle_plus_tail = sp.csr_array(([1.0] * 4, ([0, 1, 2, 2], [1, 2, 0, 3])), shape=(4, 4))
    >>> flow_hierarchy(cycle_plus_tail)
    0.25
    """
    a = as_adjacency(graph)
    if a.nnz == 0:
        return None
    if not weighted:
        a = binary(a)
    scc = strong_labels(a)
    src, dst, w = arcs(a)
    cyclic = scc[src] == scc[dst]
    return float(1.0 - w[cyclic].sum() / w.sum())


def global_reaching_centrality_from_reach(reach: np.ndarray) -> float | None:
    """GRC from the number of vertices each vertex reaches (see :func:`global_reaching_centrality`)."""
    n = reach.size
    if n < 2:
        return None
    local = reach / (n - 1)
    return float(np.sum(local.max() - local) / (n - 1))


def global_reaching_centrality(graph) -> float | None:
    """Global reaching centrality (unweighted, normalised) of Mones, Vicsek & Vicsek.

    Definition: local reaching centrality C_R(i) = (vertices reachable from i along
    out-arcs) / (n - 1); ``GRC = sum_i (max_j C_R(j) - C_R(i)) / (n - 1)``.

    Normalisation: in [0, 1]; 1 for an out-star (one apex reaching everyone, nobody else
    reaching anyone); 0 when every vertex reaches the same number (cycles).
    Orientation-sensitive. ``None`` for fewer than two vertices or no arcs (networkx
    raises there).

    Reference: Mones, Vicsek & Vicsek (2012), *PLoS ONE* 7(3):e33799; networkx
    ``global_reaching_centrality(G, weight=None, normalized=True)``. Exact reach counts on
    the condensation DAG (O(n + m) on forests, packed bit rows otherwise).

    >>> import scipy.sparse as sp
    >>> g = sp.csr_array(([1.0, 1.0], ([0, 0], [1, 2])), shape=(3, 3))
    >>> global_reaching_centrality(g)
    1.0
    """
    a = as_adjacency(graph)
    if a.nnz == 0:
        return None
    return global_reaching_centrality_from_reach(reach_counts(binary(a)))


def trophic_levels(graph, *, weighted: bool = True, solver: str = "auto", rtol: float = 1e-12) -> np.ndarray:
    """Improved trophic levels h of MacKay, Johnson & Sansom (2020).

    Definition: with in/out strengths, u = w_in + w_out, v = w_in - w_out and the
    symmetrised Laplacian Λ = diag(u) - W - Wᵀ, h solves Λh = v. The solution is unique up
    to a constant on each weakly connected component; we fix min h = 0 per component
    (isolated vertices get 0).

    Computation: vertices of degree 1 are eliminated exactly, round by round (O(n) on
    trees, which most org layers nearly are); what is left (the 2-core) is solved with one
    grounded vertex per component: ``solver="direct"`` (LU, minimum-degree ordering) suits
    cores with few independent cycles (chains, rings, trees with a few cross ties), where
    the factor stays sparse; ``"iterative"`` (Jacobi CG) suits cores with many cycles
    (lateral ties between random pairs, rewired null samples), where LU fills in badly but
    CG converges in tens of iterations; ``"auto"`` (the default) picks the direct solve
    for cores of at most 5,000 vertices or few independent cycles, else the iterative one
    (with the direct solve as fallback if CG stalls). ``rtol`` is the iterative solver's
    relative residual target. A core of several components is solved iteratively
    component by component, each to its own relative residual (one CG per component, run
    in lockstep): the block graphs of units and teams are made of many components, where
    one CG over all of them is slower and leaves the smaller ones less accurate. Measured
    on the cross-linked benchmark org (100,000 people, flows core of 27,000 vertices): LU 8.3 s, algebraic multigrid (pyamg, smoothed
    aggregation) 4.5 s, Jacobi CG 0.13 s; on a 100,000-vertex chain LU is instant while
    CG and multigrid do not converge in 200 iterations (docs/performance.md).

    Reference: MacKay, Johnson & Sansom (2020), "How directed is a directed network?",
    *R. Soc. Open Sci.* 7:201138; toolbox ``BazilSansom/Trophic-Analysis-Toolbox``
    ``trophic_levels`` (which requires a weakly connected graph).

    >>> import scipy.sparse as sp
    >>> triangle = sp.csr_array(([1.0] * 3, ([0, 1, 0], [1, 2, 2])), shape=(3, 3))
    >>> [round(float(x), 6) for x in trophic_levels(triangle)]
    [0.0, 0.666667, 1.333333]
    """
    a = as_adjacency(graph)
    if not weighted:
        a = binary(a)
    n = a.shape[0]
    if solver not in ("direct", "iterative", "auto"):
        raise ValueError(f"solver must be 'direct', 'iterative' or 'auto', not {solver!r}")
    if n == 0 or a.nnz == 0:
        return np.zeros(n)
    w_out = np.asarray(a.sum(axis=1)).ravel()
    w_in = np.asarray(a.sum(axis=0)).ravel()
    sym = sp.csr_array(a + transposed(a))
    if (a.data > 0).all():
        # no weight cancels in W + Wᵀ: its components are the weak components of W
        labels = weak_labels(a)
        n_comp = int(labels.max()) + 1
    else:
        n_comp, labels = _symmetric_components(sym)
    h = _solve_laplacian(sym, w_in - w_out, solver=solver, rtol=rtol, components=labels)
    minimum = np.full(n_comp, np.inf)
    np.minimum.at(minimum, labels, h)
    return h - minimum[labels]


def _symmetric_components(sym: sp.csr_array) -> tuple[int, np.ndarray]:
    """Connected components of a symmetric pattern: its strong components, found without
    the transpose that scipy's undirected search makes (1.1 -> 0.7 s at 2·10⁷ entries).
    The labels may be numbered differently; callers use only the partition."""
    return connected_components(sym, directed=True, connection="strong")


AUTO_DIRECT_CORE = 5_000  # cores up to this size are factorised whatever their cycles (instant)


def _peel_leaves(sym: sp.csr_array, rhs: np.ndarray, *, max_rounds: int = 200):
    """Eliminate degree-1 vertices round by round (exact Gaussian elimination, no fill).

    For a leaf l hanging on p with weight w, its equation w (x_l − x_p) = b_l gives
    x_l = x_p + b_l / w, and p's equation gains b_l. Returns the vertices left (the 2-core
    plus one survivor per tree component), the updated right-hand side, and the
    elimination rounds (leaves, parents, offsets) for back-substitution. Stops after
    ``max_rounds`` rounds (deep hanging chains): the solver takes what is left.

    Each vertex keeps the XOR of its live neighbours' ids, so a leaf's one live neighbour
    is read off in O(1) (and the weight found by a binary search in the sorted entry
    keys): a round costs O(leaves log m) instead of a pass over the leaves' rows and an
    O(n) mask. Same rounds, leaves, parents and offsets as the row-scanning form kept in
    tests/test_metrics_hierarchy_peeling.py. ``sym`` with unsorted or duplicate entries
    is put in canonical form first (the same Laplacian).
    """
    n = sym.shape[0]
    b = rhs.astype(float).copy()
    alive = np.ones(n, dtype=bool)
    rounds: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    if not sym.has_canonical_format:
        sym = sym.copy()
        sym.sum_duplicates()
    indptr, indices = sym.indptr, sym.indices.astype(np.int64, copy=False)
    degree = np.diff(indptr).astype(np.int64)
    frontier = np.flatnonzero(degree == 1)
    if not frontier.size:
        return alive, b, rounds
    rows = np.repeat(np.arange(n, dtype=np.int64), degree)
    keys = rows * n + indices  # increasing: rows in order, sorted columns within a row
    live_xor = np.zeros(n, dtype=np.int64)
    filled = degree > 0
    live_xor[filled] = np.bitwise_xor.reduceat(indices, indptr[:-1][filled])
    in_frontier = np.zeros(n, dtype=bool)
    while frontier.size and len(rounds) < max_rounds:
        parent = live_xor[frontier]
        # two leaves hanging on each other (the last edge of a tree): peel only one
        in_frontier[frontier] = True
        peel = ~(in_frontier[parent] & (frontier < parent))
        in_frontier[frontier] = False
        leaves, parent = frontier[peel], parent[peel]
        weight = sym.data[np.searchsorted(keys, leaves * n + parent)]
        offsets = b[leaves] / weight
        np.add.at(b, parent, b[leaves])
        alive[leaves] = False
        np.subtract.at(degree, parent, 1)
        np.bitwise_xor.at(live_xor, parent, leaves)
        rounds.append((leaves, parent, offsets))
        candidates = sorted_distinct(parent)
        frontier = candidates[alive[candidates] & (degree[candidates] == 1)]
    return alive, b, rounds


def _running_count(inside: np.ndarray) -> np.ndarray:
    """How many of ``inside`` (booleans) are true before each position, and in all (one
    more entry): 32-bit counts of the bytes where they fit (0.25 -> 0.05 s at 1.5·10⁷
    entries against a 64-bit count of booleans)."""
    count_type = np.int32 if inside.size < 2**31 else np.int64
    running = np.zeros(inside.size + 1, dtype=count_type)
    np.cumsum(inside.view(np.int8), dtype=count_type, out=running[1:])
    return running


def _kept_entries(matrix: sp.csr_array, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a canonical CSR and the vertices ``keep`` (no repeats): each entry's column
    renumbered to its place in ``keep`` (-1 where not kept), which entries have both ends
    kept, and their :func:`_running_count`. A mask per entry and a running count instead
    of a row number per entry, and 32-bit column numbers while gathering (1.04 -> 0.75
    CPU-s at 2·10⁷ entries)."""
    index_type = np.int32 if keep.size < 2**31 else np.int64
    position = np.full(matrix.shape[0], -1, dtype=index_type)
    position[keep] = np.arange(keep.size, dtype=index_type)
    row_kept = np.zeros(matrix.shape[0], dtype=bool)
    row_kept[keep] = True
    cols = position[matrix.indices]
    inside = cols >= 0
    inside &= np.repeat(row_kept, np.diff(matrix.indptr))
    return cols, inside, _running_count(inside)


def _principal_submatrix(matrix: sp.csr_array, keep: np.ndarray) -> sp.csr_array:
    """``matrix[keep][:, keep]`` (``keep`` sorted, no repeats) by one pass over the entries
    (fancy indexing copies twice).

    A canonical CSR (sorted, no duplicate entries) is filtered in place: renumbering the
    kept columns keeps their order, so the rows stay sorted and are laid out straight
    from their counts, without the sort of a COO conversion. Other inputs go through COO,
    which sorts and sums duplicates; both give the same canonical matrix.
    """
    if matrix.format == "csr" and matrix.has_canonical_format:
        cols, inside, running = _kept_entries(matrix, keep)
        indptr = np.zeros(keep.size + 1, dtype=np.int64)
        np.cumsum(running[matrix.indptr[keep + 1]] - running[matrix.indptr[keep]], out=indptr[1:])
        kept = sp.csr_array((matrix.data[inside], cols[inside], indptr), shape=(keep.size, keep.size))
        kept.has_canonical_format = True
        return kept
    position = np.full(matrix.shape[0], -1, dtype=np.int64)
    position[keep] = np.arange(keep.size)
    coo = matrix.tocoo()
    rows, cols = position[coo.row], position[coo.col]
    inside = (rows >= 0) & (cols >= 0)
    return sp.csr_array((coo.data[inside], (rows[inside], cols[inside])), shape=(keep.size, keep.size))


def _solve_laplacian(
    sym: sp.csr_array, rhs: np.ndarray, *, solver: str, rtol: float, peeled: tuple | None = None,
    components: np.ndarray | None = None,
) -> np.ndarray:
    """A solution of L x = rhs for the weighted undirected Laplacian L of ``sym``.

    Leaves are eliminated first (:func:`_peel_leaves`; org layers are mostly trees, so
    little is left), the remaining core is solved with one grounded vertex per component,
    and the leaves are filled back in. Any solution works: levels are shifted afterwards.
    ``peeled``: the result of ``_peel_leaves(sym, rhs)`` if the caller has it already;
    ``components``: the component label of every vertex of ``sym``, if known (peeling a
    leaf never disconnects the rest, so the core's components are their restriction).
    """
    n = sym.shape[0]
    alive, b, rounds = _peel_leaves(sym, rhs) if peeled is None else peeled
    x = np.zeros(n)
    core = np.flatnonzero(alive)
    if core.size > 1:
        # the core's own matrix is built only where it is needed: the component-wise solve
        # reads the core's rows straight from sym (at 1,000,000 people a copy of 1.4·10⁷ entries less)
        core_sym = None
        if components is None or not sym.has_canonical_format:
            core_sym = _principal_submatrix(sym, core)
        if components is None:
            n_comp, labels = _symmetric_components(core_sym)
            _, grounded = np.unique(labels, return_index=True)
        else:
            labels = components[core]
            distinct, grounded = np.unique(labels, return_index=True)
            n_comp = distinct.size
        free = np.ones(core.size, dtype=bool)
        free[grounded] = False
        idx = np.flatnonzero(free)
        if idx.size:
            choice = solver
            if choice == "auto":
                # few independent cycles (m_u - n + components): factorisation has little fill
                entries = core_sym.nnz if core_sym is not None else _entries_within(sym, alive)
                cycles = entries // 2 - core.size + n_comp
                few = core.size <= AUTO_DIRECT_CORE or cycles <= 100 + core.size // 20
                choice = "direct" if few else "iterative"
            free_labels = labels[idx]
            if choice == "iterative" and free_labels.min() != free_labels.max():
                # several components: each its own CG, to its own residual
                x[core[idx]] = _solve_by_component(sym, alive, core[idx], free_labels, b[core[idx]], rtol=rtol)
            else:
                if core_sym is None:
                    core_sym = _principal_submatrix(sym, core)
                laplacian = sp.csr_array(sp.diags_array(np.asarray(core_sym.sum(axis=1)).ravel()) - core_sym)
                x[core[idx]] = _solve_grounded_laplacian(
                    _principal_submatrix(laplacian, idx), b[core[idx]], solver=choice, rtol=rtol
                )
    for leaves, parent, offsets in reversed(rounds):
        x[leaves] = x[parent] + offsets
    return x


def _solve_grounded_laplacian(
    reduced: sp.csr_array, rhs: np.ndarray, *, solver: str, rtol: float = 1e-12
) -> np.ndarray:
    """Solve the grounded (symmetric positive definite) Laplacian system.

    ``"direct"``: sparse LU with a symmetric minimum-degree ordering; fast on org layers,
    whose cycles are local (teams, dyads), with little fill-in. ``"iterative"``: Jacobi
    conjugate gradients, for expander-like graphs such as rewired null samples, where a
    factorisation fills in badly but CG converges in few iterations; falls back to the
    direct solve if it stalls.
    """
    if solver == "iterative":
        solution = _jacobi_cg(reduced, rhs, rtol=rtol, maxiter=1000)
        if solution is not None:
            return solution
    elif solver != "direct":
        raise ValueError(f"solver must be 'direct' or 'iterative', not {solver!r}")
    return np.atleast_1d(spsolve(sp.csc_array(reduced), rhs, permc_spec="MMD_AT_PLUS_A"))


def _entries_within(matrix: sp.csr_array, keep: np.ndarray) -> int:
    """The number of entries of a canonical CSR whose row and column are both ``keep``
    (booleans): the entries of ``_principal_submatrix(matrix, flatnonzero(keep))``."""
    return int(np.count_nonzero(_inside(matrix, keep)))


def _inside(matrix: sp.csr_array, keep: np.ndarray) -> np.ndarray:
    """Which entries of a CSR have both their row and column in ``keep`` (booleans)."""
    inside = keep[matrix.indices]
    inside &= np.repeat(keep, np.diff(matrix.indptr))
    return inside


def _row_sums_within(matrix: sp.csr_array, keep: np.ndarray) -> np.ndarray:
    """Row sums of ``_principal_submatrix(matrix, flatnonzero(keep))`` (``keep``:
    booleans), at every row of ``matrix`` (0 where not kept), without the submatrix: the
    kept entries' weights in row order, added up as scipy adds up a CSR's rows (one
    ``np.add.reduceat`` over the non-empty rows), so the same bits."""
    inside = _inside(matrix, keep)
    running = _running_count(inside)
    weights = matrix.data[inside]
    del inside
    starts = running[matrix.indptr[:-1]]
    filled = np.flatnonzero(running[matrix.indptr[1:]] > starts)
    sums = np.zeros(matrix.shape[0], dtype=np.result_type(matrix.data.dtype, np.float64))
    if filled.size:
        sums[filled] = np.add.reduceat(weights, starts[filled].astype(np.intp))
    return sums


def _solve_by_component(
    adjacency: sp.csr_array, core: np.ndarray, free: np.ndarray, labels: np.ndarray, rhs: np.ndarray, *,
    rtol: float,
) -> np.ndarray:
    """Solve the grounded Laplacian system of the core of ``adjacency`` (symmetric,
    canonical; ``core``: booleans, the vertices of the core) on its vertices ``free`` (the
    core's others grounded at 0) component by component.

    ``labels``: the component of every free vertex (several). The free vertices are put in
    one order, component after component (by index within each), so that the system is
    block diagonal with contiguous blocks; then one CG per block, all blocks in lockstep
    (:func:`_componentwise_cg`): each stops at its own relative residual, instead of the
    whole system stopping when the residual of all blocks together is small enough, which
    the largest blocks dominate (smaller ones end less accurate) while the Krylov steps
    that serve one block are spent on all (at 1,000,000 collaboration-dense people the
    units' block graph, 456 components: 429 iterations of the whole system against 32 for
    the slowest block). Blocks where CG stalls are solved directly, together (the LU of a
    block diagonal matrix has no fill between blocks). A vertex's degree counts its
    weight to the whole core, grounded vertices included (:func:`_row_sums_within`, the
    same bits as the row sums of the core's own matrix).
    """
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    vertices = free[order]
    degree = _row_sums_within(adjacency, core)[vertices]
    blocks = _component_submatrix(adjacency, vertices)
    rhs = rhs[order]
    solution, converged = _componentwise_cg(blocks, degree, rhs, starts, rtol=rtol, maxiter=1000)
    if not converged.all():
        rows = np.flatnonzero(np.repeat(~converged, np.diff(np.append(starts, rhs.size))))
        laplacian = sp.diags_array(degree[rows]) - _principal_submatrix(blocks, rows)
        solution[rows] = _solve_grounded_laplacian(sp.csr_array(laplacian), rhs[rows], solver="direct")
    x = np.empty_like(solution)
    x[order] = solution
    return x


def _component_submatrix(matrix: sp.csr_array, order: np.ndarray) -> sp.csr_array:
    """``matrix[order][:, order]`` for a canonical CSR whose entries join only vertices of
    one component, and ``order`` that lists vertices component after component, increasing
    within each (the form :func:`_solve_by_component` makes).

    The kept entries are filtered in place as in :func:`_principal_submatrix`, then the
    rows are gathered in ``order``. A row's columns are in its own component, where the new
    numbers increase with the old ones, so every row stays sorted: the result is canonical
    without a sort.
    """
    if matrix.format != "csr" or not matrix.has_canonical_format:
        matrix = sp.csr_array(matrix)
        matrix.sum_duplicates()
    cols, inside, running = _kept_entries(matrix, order)
    data, cols = matrix.data[inside], cols[inside]
    del inside
    first = running[matrix.indptr[order]]
    count = running[matrix.indptr[order + 1]] - first
    del running
    indptr = np.zeros(order.size + 1, dtype=np.int64)
    np.cumsum(count, out=indptr[1:])
    gather_type = np.int32 if indptr[-1] < 2**31 else np.int64
    gather = np.repeat((first - indptr[:-1]).astype(gather_type), count)
    gather += np.arange(indptr[-1], dtype=gather_type)
    kept = sp.csr_array((data[gather], cols[gather], indptr), shape=(order.size, order.size))
    kept.has_canonical_format = True
    return kept


def _componentwise_cg(
    adjacency: sp.csr_array, degree: np.ndarray, rhs: np.ndarray, starts: np.ndarray, *,
    rtol: float = 1e-12, maxiter: int = 3000,
) -> tuple[np.ndarray, np.ndarray]:
    """Jacobi CG on every diagonal block of the block-diagonal system
    ``(diag(degree) - adjacency) x = rhs`` at once: the solution, and for every block
    whether it converged.

    Block k is rows (and columns) ``starts[k]`` up to the next start. Every block runs the
    iteration of :func:`_jacobi_cg` with its own scalars (step, direction update), its own
    target (``rtol`` times its own right-hand side's norm) and its own stall check, so each
    block's iterates are those of a separate CG on it (up to the order of additions in the
    sums); one product with the whole matrix serves all blocks. A block that converged or
    stalled stops moving (its step is 0); once at most half the rows still move, the
    system is cut down to theirs (:func:`_diagonal_blocks`, at the cost of the rows kept),
    so a long tail of slow blocks costs what they cost alone.
    Blocks that did not converge (stalled, or ``maxiter`` reached) keep the iterate they
    stopped at: the caller solves them otherwise. The matrix is applied as
    ``degree * p - adjacency @ p``, without a copy of the adjacency with the diagonal in it.
    """
    n_blocks = starts.size
    size = np.diff(np.append(starts, rhs.size))
    solution = np.zeros_like(rhs)
    converged = np.zeros(n_blocks, dtype=bool)
    block = np.arange(n_blocks)  # the blocks in the current system, and their rows
    rows = np.arange(rhs.size)
    segment = starts
    product = np.empty_like(rhs)

    def dots(u, v):
        np.multiply(u, v, out=product[: u.size])
        return np.add.reduceat(product[: u.size], segment)

    inverse_diagonal = 1.0 / (degree - adjacency.diagonal())
    x = np.zeros_like(rhs)
    r = rhs.copy()
    target = (rtol * np.maximum(np.sqrt(dots(rhs, rhs)), 1e-300)) ** 2
    z = inverse_diagonal * r
    p = z.copy()
    q = np.empty_like(rhs)
    step = np.empty_like(rhs)
    rz = dots(r, z)
    moving = np.ones(n_blocks, dtype=bool)
    checked = None  # squared residuals at the last stall check
    for iteration in range(maxiter):
        residual = dots(r, r)
        done = residual <= target
        converged[block[done & moving]] = True
        moving &= ~done
        if iteration and iteration % STALL_CHECK == 0:
            if checked is not None:
                moving &= ~_stalled(checked, residual, target, iteration, maxiter)
            checked = residual
        if not moving.any():
            break
        if np.dot(size, moving) <= rows.size // 2:
            # cut the system down to the blocks still moving
            solution[rows] = x
            keep = np.repeat(moving, size)
            adjacency = _diagonal_blocks(adjacency, segment, size, moving)
            rows, degree, inverse_diagonal = rows[keep], degree[keep], inverse_diagonal[keep]
            x, r, z, p = x[keep], r[keep], z[keep], p[keep]
            q, step = q[: rows.size], step[: rows.size]
            block, size, target, rz = block[moving], size[moving], target[moving], rz[moving]
            checked = None if checked is None else checked[moving]
            moving = moving[moving]
            segment = np.cumsum(size) - size
        np.multiply(degree, p, out=q)
        q -= adjacency @ p
        alpha = np.zeros(size.size)
        np.divide(rz, dots(p, q), out=alpha, where=moving)
        expanded = np.repeat(alpha, size)
        x += np.multiply(expanded, p, out=step)
        r -= np.multiply(expanded, q, out=step)
        np.multiply(inverse_diagonal, r, out=z)
        rz_next = dots(r, z)
        beta = np.zeros(size.size)
        np.divide(rz_next, rz, out=beta, where=moving)
        np.multiply(np.repeat(beta, size), p, out=p)
        np.add(z, p, out=p)
        rz = rz_next
    else:
        residual = dots(r, r)
        converged[block[moving & (residual <= target)]] = True
    solution[rows] = x
    return solution, converged


def _diagonal_blocks(matrix: sp.csr_array, starts: np.ndarray, size: np.ndarray, keep: np.ndarray) -> sp.csr_array:
    """The diagonal blocks ``keep`` (booleans) of a block-diagonal CSR whose block k is rows
    and columns ``starts[k]`` to ``starts[k] + size[k]``, side by side in their order:
    their rows' entries gathered and each block's columns shifted to its new start. Costs
    the rows and entries kept, not a pass over the whole matrix (equal to
    ``_principal_submatrix`` of the kept rows)."""
    kept_size = size[keep]
    new_starts = np.cumsum(kept_size) - kept_size
    rows = np.flatnonzero(np.repeat(keep, size))
    first = matrix.indptr[rows]
    count = matrix.indptr[rows + 1] - first
    indptr = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(count, out=indptr[1:])
    gather = np.repeat(first - indptr[:-1], count) + np.arange(indptr[-1])
    shift = np.repeat(np.repeat(starts[keep] - new_starts, kept_size), count)
    indices = (matrix.indices[gather] - shift).astype(matrix.indices.dtype, copy=False)
    kept = sp.csr_array((matrix.data[gather], indices, indptr), shape=(rows.size, rows.size))
    kept.has_canonical_format = matrix.has_canonical_format
    return kept


#: CG on an observed layer is checked for a stall every this many iterations (from the second check on).
#: 50, not 100: on every observed core of the benchmark orgs (the three shapes at 10,000 and
#: 100,000 people, tree-like at 1,000,000 and its collaboration layer: 30 solves) checks every 50
#: iterations decide exactly as checks every 100 did (the same cores converge, at the same
#: iteration), and the cores that stall are handed to the direct solve 50-100 iterations sooner;
#: every 25 gave up on cores that converge
STALL_CHECK = 50
#: ... and given up when, at its rate over the last check interval, it would need more than
#: this multiple of ``maxiter`` iterations in all
STALL_PATIENCE = 1.5


def _jacobi_cg(matrix: sp.csr_array, rhs: np.ndarray, *, rtol: float = 1e-12, maxiter: int = 3000):
    """Jacobi-preconditioned conjugate gradients; ``None`` if not converged.

    A plain loop with elementwise sums instead of BLAS dot products: on a busy machine
    a multi-threaded BLAS call on a short vector can cost more than the sparse product.

    Stall check: every :data:`STALL_CHECK` iterations from the second check on, the
    residual's decline over the last interval is extrapolated; if reaching ``rtol`` at
    that rate would take more than :data:`STALL_PATIENCE` × ``maxiter`` iterations, CG
    gives up at once (``None``: the caller solves directly) instead of running all
    ``maxiter``. Org layers whose cores are trees of teams (decision rights binding whole
    teams, advice) stall so: at 100,000 people their residual fell by 10^0.2-10^0.5 per
    100 iterations (projected 1,900+ iterations) and 1,000 iterations ended at 10^-5 to
    10^-7 before the direct solve took over, about 1 s each; every core that converged
    fell by 10^1 or more per 100 iterations (projected 1,000 at most). The check only
    reads the residual CG computes anyway: the iterates are unchanged. At 1,000,000
    tree-like people the decisions layer's two solves (a core of 998,637 vertices) spent
    about 3 of their 5.8 and 5.1 CPU-s in CG before the direct solve, which alone takes 2.3-2.6.
    """

    # every update writes into the vectors it replaces (the same operations on the same
    # values, so the same bits as the textbook form kept in the tests, without a new
    # vector for each; at a million unknowns the allocations cost a third of an iteration)
    product = np.empty_like(rhs)

    def dot(u, v):
        np.multiply(u, v, out=product)
        return float(np.sum(product))

    inverse_diagonal = 1.0 / matrix.diagonal()
    x = np.zeros_like(rhs)
    r = rhs.copy()
    target = (rtol * max(np.sqrt(dot(rhs, rhs)), 1e-300)) ** 2
    z = inverse_diagonal * r
    p = z.copy()
    step = np.empty_like(rhs)
    rz = dot(r, z)
    checked = None  # squared residual at the last check
    for iteration in range(maxiter):
        residual = dot(r, r)
        if residual <= target:
            return x
        if iteration and iteration % STALL_CHECK == 0:
            if checked is not None and _stalled(checked, residual, target, iteration, maxiter):
                return None
            checked = residual
        q = matrix @ p
        alpha = rz / dot(p, q)
        x += np.multiply(alpha, p, out=step)
        r -= np.multiply(alpha, q, out=step)
        np.multiply(inverse_diagonal, r, out=z)
        rz_next = dot(r, z)
        np.multiply(rz_next / rz, p, out=p)
        np.add(z, p, out=p)
        rz = rz_next
    return x if dot(r, r) <= target else None


def _stalled(before: float, now: float, target: float, iteration: int, maxiter: int) -> bool:
    """Whether CG, whose squared residual went from ``before`` to ``now`` over the last
    :data:`STALL_CHECK` iterations, would need more than ``STALL_PATIENCE * maxiter``
    iterations in all to reach ``target`` at that rate."""
    with np.errstate(divide="ignore", invalid="ignore"):
        per_iteration = np.log(np.divide(before, now)) / STALL_CHECK
        projected = iteration + np.log(np.divide(now, target)) / per_iteration
    # no decline over a whole interval, or too slow a one
    return (now >= before) | (projected > STALL_PATIENCE * maxiter)


def trophic_incoherence(
    graph, *, weighted: bool = True, solver: str = "auto", rtol: float = 1e-12
) -> float | None:
    """Trophic incoherence F0 of MacKay, Johnson & Sansom (2020).

    Definition: ``F0 = sum_ij w_ij (h_j - h_i - 1)^2 / sum_ij w_ij`` with the improved
    trophic levels h (:func:`trophic_levels`); trophic coherence is 1 - F0.

    Normalisation: in [0, 1]; 0 iff every arc climbs exactly one level (out-trees, chains,
    layered DAGs); 1 iff every vertex is balanced (cycles, fully reciprocal graphs).
    Invariant under reversing every arc. ``None`` without arcs. Self-loops are excluded
    (the toolbox keeps them; each would add (0 - 1)^2 to the numerator).

    Reference: MacKay, Johnson & Sansom (2020), *R. Soc. Open Sci.* 7:201138; toolbox demo
    values: triangle 1→2, 2→3, 1→3 gives 1/9; {1,3,4}→2→{5,6,7} gives 0.

    >>> import scipy.sparse as sp
    >>> triangle = sp.csr_array(([1.0] * 3, ([0, 1, 0], [1, 2, 2])), shape=(3, 3))
    >>> round(trophic_incoherence(triangle), 6)
    0.111111
    """
    a = as_adjacency(graph)
    if not weighted:
        a = binary(a)
    if a.nnz == 0:
        return None
    h = trophic_levels(a, weighted=True, solver=solver, rtol=rtol)
    src, dst, w = arcs(a)
    f0 = float(np.sum(w * (h[dst] - h[src] - 1.0) ** 2) / w.sum())
    return min(max(f0, 0.0), 1.0)


def agony(graph, *, weighted: bool = False) -> float | None:
    """Agony: the least total cost of ranking the vertices so that arcs point down.

    Definition: for an integer ranking r, an arc u→v costs ``max(0, r(u) - r(v) + 1)``
    (free when r(v) > r(u): the arc goes strictly one rank down the hierarchy);
    A(G) = min over r of the (weighted) total cost. A(G) = 0 iff G is acyclic.

    Computation: only arcs inside strongly connected components can cost anything (the
    components of the condensation DAG can be ranked apart). On those arcs the LP
    ``min sum_e w_e a_e  s.t.  a_e >= r(u) - r(v) + 1, a_e >= 0`` has as its dual the
    heaviest circulation ``max sum_e f_e  s.t.  0 <= f_e <= w_e``, flow conserved at every
    vertex (for unit weights: the largest Eulerian subgraph), which scipy's HiGHS solves.
    When every vertex is balanced on those arcs (in-weight = out-weight, e.g. symmetric
    ties) and the weights are integers, the arcs themselves are that circulation and
    A(G) = Σ w_e with no LP. The constraint matrix is a network matrix (totally unimodular), so the optimum is an
    integer for integer weights: the exact agony (rounded to remove solver noise).
    Returns ``None`` if the solver fails.

    Reference: Gupta, Aggarwal, Han & Sun (2011), ASONAM; Tatti (2014, 2017),
    *Data Min. Knowl. Disc.* 31:702–738.

    >>> import scipy.sparse as sp
    >>> cycle3 = sp.csr_array(([1.0] * 3, ([0, 1, 2], [1, 2, 0])), shape=(3, 3))
    >>> agony(cycle3)
    3.0
    """
    a = as_adjacency(graph)
    if not weighted:
        a = binary(a)
    if a.nnz == 0:
        return 0.0
    _, scc = connected_components(a, directed=True, connection="strong")
    src, dst, w = arcs(a)
    cyclic = scc[src] == scc[dst]
    if not cyclic.any():
        return 0.0
    src, dst, w = src[cyclic], dst[cyclic], w[cyclic]
    integral = not weighted or bool(np.all(w == np.round(w)))
    if integral and np.array_equal(np.bincount(src, weights=w, minlength=a.shape[0]),
                                   np.bincount(dst, weights=w, minlength=a.shape[0])):
        # every vertex balanced (symmetric ties, collaboration): the arcs themselves are a
        # circulation with f_e = w_e, the most the dual allows, so A(G) = Σ w (no LP; the
        # sums are exact for integer weights, the LP value is rounded to the same integer)
        return float(w.sum())
    vertices, local = np.unique(np.concatenate([src, dst]), return_inverse=True)
    k, m = vertices.size, src.size
    u, v = local[:m], local[m:]
    # LP dual: the heaviest circulation with 0 <= f_e <= w_e (flow conservation at every
    # vertex); far smaller than the primal (k rows instead of m) and solved ~8x faster
    from scipy.optimize import linprog  # 0.2-0.3 s to import: only when an LP is needed

    incidence = sp.csr_array(
        (np.concatenate([np.ones(m), -np.ones(m)]), (np.concatenate([u, v]), np.concatenate([np.arange(m)] * 2))),
        shape=(k, m),
    )
    result = linprog(-np.ones(m), A_eq=incidence, b_eq=np.zeros(k), bounds=np.column_stack([np.zeros(m), w]),
                     method="highs")
    if result.status != 0:
        return None
    value = float(-result.fun)
    if not weighted or np.all(w == np.round(w)):
        value = float(round(value))
    return value


def agony_hierarchy(graph, *, weighted: bool = False) -> float | None:
    """Agony hierarchy score ``h_agony = 1 - A(G) / m`` (Gupta et al. 2011).

    m is the number of arcs (or the total weight when ``weighted``). 1 for a DAG, 0 for a
    cycle or any fully reciprocal graph. ``None`` without arcs.

    >>> import scipy.sparse as sp
    >>> mutual = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 0])), shape=(2, 2))
    >>> agony_hierarchy(mutual)
    0.0
    """
    a = as_adjacency(graph)
    if a.nnz == 0:
        return None
    value = agony(a, weighted=weighted)
    if value is None:
        return None
    total = float(a.sum()) if weighted else float(a.nnz)
    return float(1.0 - value / total)
