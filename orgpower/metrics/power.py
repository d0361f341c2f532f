"""Node power: PageRank and Bonacich power centrality (including negative β).

Both are sparse iterations over a ``scipy.sparse`` adjacency (O(m) per step), so they
run on a million-node layer; both follow arcs as stored, i→j = i over j
(docs/graph-model.md). References: Brin & Page (1998); Bonacich (1987), *AJS*
92:1170–1182; docs/measures.md.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla

__all__ = ["pagerank", "spectral_radius", "default_bonacich_beta", "bonacich_power"]

_DIRECT_SOLVE_LIMIT = 5000  # below this a sparse LU is exact and instant


def pagerank(adjacency, *, alpha: float = 0.85, tol: float = 1e-12, max_iter: int = 1000) -> np.ndarray:
    """PageRank of every node: the stationary visit share of a damped random walk.

    Definition: with P the row-normalised weighted adjacency, x = α Pᵀx + α (Σ_dangling x)/n
    + (1 − α)/n; a node without out-arcs (dangling) spreads its mass uniformly,
    teleport is uniform. Scores flow *along* arcs: on sub→boss arcs the boss gains.

    Normalisation: scores sum to 1. Power iteration until the L1 change is below
    ``n · tol`` (networkx's stopping rule, tighter default tolerance).

    Reference: networkx ``pagerank(G, alpha=0.85, weight="weight")``; igraph
    ``Graph.pagerank``. Krackhardt reports-to (sub→boss): CEO 7 0.322032 (networkx).

    >>> a = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 0])), shape=(3, 3))
    >>> np.round(pagerank(a), 4).tolist()
    [0.4651, 0.4651, 0.0698]
    """
    matrix = sp.csr_array(adjacency, dtype=np.float64)
    n = matrix.shape[0]
    if n == 0:
        return np.zeros(0)
    out_strength = np.asarray(matrix.sum(axis=1)).ravel()
    dangling = out_strength == 0
    inverse = np.divide(1.0, out_strength, out=np.zeros(n), where=~dangling)
    transition_t = sp.csr_array(_row_scaled(matrix, inverse).T)
    dangling = np.flatnonzero(dangling)
    x = np.full(n, 1.0 / n)
    change = np.empty(n)  # the steps' vectors are updated in place: the same operations
    for _ in range(max_iter):
        previous = x
        x = transition_t @ previous
        x *= alpha
        x += (alpha * previous[dangling].sum() + 1.0 - alpha) / n
        np.subtract(x, previous, out=change)
        if np.abs(change, out=change).sum() < n * tol:
            break
    return x / x.sum()


def _row_scaled(matrix: sp.csr_array, factors: np.ndarray) -> sp.csr_array:
    """diag(factors) · matrix, as the sparse product gives it: every stored entry times
    its row's factor, products that are 0 left out.

    On a canonical matrix the entries are scaled in place of a copy (the product's own
    entry order within a row differs, which no caller sees: they transpose it, which
    sorts every row); otherwise (duplicates to be summed) the sparse product itself."""
    if not matrix.has_canonical_format:
        return sp.csr_array(sp.diags_array(factors) @ matrix)
    scaled = np.repeat(factors, np.diff(matrix.indptr)) * matrix.data
    kept = scaled != 0
    if kept.all():
        return sp.csr_array((scaled, matrix.indices.copy(), matrix.indptr.copy()), shape=matrix.shape)
    kept_before = np.concatenate([[0], np.cumsum(kept)])
    return sp.csr_array((scaled[kept], matrix.indices[kept], kept_before[matrix.indptr]), shape=matrix.shape)


SPECTRAL_STEPS = 6000  # Lanczos / power steps for one strong component (each O(m))
_DENSE_EIGEN_LIMIT = 500  # components up to this size: dense eigenvalues


def spectral_radius(adjacency, *, max_steps: int = SPECTRAL_STEPS) -> float:
    """Largest |eigenvalue| of a non-negative matrix (its Perron root).

    Only arcs inside strongly connected components carry eigenvalues other than 0
    (the matrix is block-triangular over its components), so the radius is the largest
    over the components: 0 for an acyclic layer (no eigen-solve); exact in closed form for
    a component that is a simple cycle (the geometric mean of its weights: 1 on a 0/1
    cycle, √(w_ij w_ji) on a mutual pair); dense eigenvalues up to 500 vertices; above,
    Lanczos for a symmetric component (its top Ritz value rises to λ_max) and ARPACK
    otherwise, each stopped after ``max_steps`` matrix products (bounded time on long
    chains and huge cycles, whose top eigenvalues crowd together). Components are visited
    in decreasing order of an upper bound (min of the largest row and column sums), and
    stop once no other can beat the radius found. Raises ``ArithmeticError`` with a
    sentence when an iterative solve does not settle within its steps.

    >>> round(spectral_radius(sp.csr_array(np.array([[0.0, 1, 1], [1, 0, 1], [1, 1, 0]]))), 9)
    2.0
    >>> spectral_radius(sp.csr_array(([2.0, 8.0], ([0, 1], [1, 0])), shape=(2, 2)))
    4.0
    """
    matrix = sp.csr_array(adjacency, dtype=np.float64)
    n = matrix.shape[0]
    if n == 0 or matrix.nnz == 0:
        return 0.0
    count, labels = csgraph.connected_components(matrix, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=count)
    # the stored entries' rows (as tocoo lists them) and components; each array of every
    # arc is formed once (at 10^7 arcs each pass costs tens of milliseconds)
    row = np.repeat(np.arange(n, dtype=matrix.indices.dtype), np.diff(matrix.indptr))
    row_label = labels[row]
    inside = (row_label == labels[matrix.indices]) & (sizes[row_label] > 1) & (matrix.data != 0)
    if inside.all():  # one strong component holds every arc (a dense layer): no copies
        rows, cols, weights, component = row, matrix.indices, np.abs(matrix.data), row_label
    elif inside.any():
        rows, cols, weights, component = row[inside], matrix.indices[inside], np.abs(matrix.data[inside]), row_label[inside]
    else:
        return 0.0
    del row, row_label, inside
    arcs_in = np.bincount(component, minlength=count)
    # a strong component with as many arcs as vertices is one simple cycle
    cycle = (arcs_in == sizes) & (sizes > 1)
    best = 0.0
    if cycle.any():
        # the mean log weight of the cycles' own arcs only (the same sums, in the same order)
        on_cycle = cycle[component]
        log_sum = np.bincount(component[on_cycle], weights=np.log(weights[on_cycle]), minlength=count)
        log_mean = log_sum / np.maximum(arcs_in, 1)
        best = float(np.exp(log_mean[cycle].max()))
    others = np.flatnonzero((sizes > 1) & ~cycle & (arcs_in > 0))
    if others.size == 0:
        return best
    # the weights summed in arc order (as np.add.at would, in one C loop)
    row_sum = np.bincount(rows, weights=weights, minlength=n)
    col_sum = np.bincount(cols, weights=weights, minlength=n)
    del rows, cols, weights, component
    upper = np.minimum(_max_by(labels, row_sum, count), _max_by(labels, col_sum, count))
    order = others[np.argsort(-upper[others], kind="stable")]
    by_component = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    # each vertex's position inside its component, so that a component's arcs are cut out
    # of its own rows: matrix[members][:, members] allocates a column map as wide as the
    # whole layer on every call (25,000 components of a 10^6-vertex layer: 11 s)
    position = np.empty(n, dtype=np.int64)
    position[by_component] = np.arange(n) - starts[labels[by_component]]
    for comp in order:
        if upper[comp] <= best:
            break
        members = by_component[starts[comp]:starts[comp + 1]]
        best = max(best, _component_radius(_component_core(matrix, members, labels, position, comp), max_steps))
    return best


def _component_core(matrix: sp.csr_array, members: np.ndarray, labels: np.ndarray, position: np.ndarray,
                    comp: int) -> sp.csr_array:
    """``matrix[members][:, members]`` for the members of one strong component, in the same
    row and entry order, without a map of every column."""
    size = members.size
    if size == matrix.shape[0]:
        return matrix  # every vertex, in order (members are sorted): the matrix itself
    rows = matrix[members]
    keep = labels[rows.indices] == comp
    if keep.all():
        return sp.csr_array((rows.data, position[rows.indices], rows.indptr), shape=(size, size))
    kept_before = np.concatenate([[0], np.cumsum(keep)])
    indptr = kept_before[rows.indptr]  # each row's kept entries, counted in place
    return sp.csr_array((rows.data[keep], position[rows.indices[keep]], indptr), shape=(size, size))


def _max_by(labels: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    out = np.zeros(count)
    np.maximum.at(out, labels, values)
    return out


def _component_radius(core: sp.csr_array, max_steps: int) -> float:
    """Perron root of one strongly connected component (non-negative, irreducible)."""
    size = core.shape[0]
    if size <= _DENSE_EIGEN_LIMIT:
        return float(np.max(np.abs(np.linalg.eigvals(core.toarray()))))
    if _is_symmetric(core):
        degree = np.diff(core.indptr)
        if degree.max() <= 2 and core.nnz == 2 * (size - 1):
            return _path_radius(core)
        if degree.max() == 2 and degree.min() == 2 and np.ptp(core.data) == 0:
            return 2.0 * float(core.data[0])  # a ring of equal ties: λ = 2w, exactly
        return _lanczos_top(core, max_steps)
    # a fixed positive start (ARPACK's own is random): the same input gives the same β, to
    # the last digit, so audit.json and people.csv are the same bytes on every run
    start = np.random.default_rng(0).random(size) + 0.5
    try:
        values = spla.eigs(core, k=1, which="LM", return_eigenvectors=False, tol=1e-10,
                           maxiter=max(1, max_steps // 20), ncv=min(size, 20), v0=start)
        return float(np.abs(values[0]))
    except spla.ArpackNoConvergence:
        raise ArithmeticError(
            f"the largest eigenvalue of a strongly connected part of {size} people did not settle within "
            f"{max_steps} steps, so the Bonacich exponent cannot be scaled"
        ) from None


def _is_symmetric(matrix: sp.csr_array) -> bool:
    """Whether ``matrix`` equals its transpose entry for entry (``|A − Aᵀ|`` all 0).

    On a canonical matrix (sorted, no duplicates) without stored zeros that is array
    equality with the transpose's canonical form; unequal in- and out-degrees say no
    at once, without forming the transpose."""
    if not matrix.has_canonical_format or not matrix.data.all():
        return abs(matrix - matrix.T).max() == 0
    size = matrix.shape[0]
    if not np.array_equal(np.diff(matrix.indptr), np.bincount(matrix.indices, minlength=size)):
        return False
    transposed = sp.csr_array(matrix.T)  # rows in order, columns sorted: canonical too
    return bool(np.array_equal(transposed.indices, matrix.indices) and np.array_equal(transposed.data, matrix.data))


def _path_radius(core: sp.csr_array) -> float:
    """λ_max of a weighted path: a symmetric tridiagonal matrix once its vertices are put
    in path order (exact, O(n)); 2cos(π/(n+1)) for a 0/1 path."""
    from scipy.linalg import eigvalsh_tridiagonal

    end = int(np.flatnonzero(np.diff(core.indptr) == 1)[0])
    order = csgraph.breadth_first_order(core, end, directed=False, return_predecessors=False)
    ties = np.asarray(core[order[:-1], order[1:]]).ravel()
    last = order.size - 1
    return float(eigvalsh_tridiagonal(np.zeros(order.size), ties, select="i", select_range=(last, last))[0])


def _lanczos_top(matrix: sp.csr_array, max_steps: int, rtol: float = 1e-13) -> float:
    """Largest eigenvalue of a symmetric matrix: Lanczos without restarts.

    The top Ritz value rises monotonically to λ_max, so no reorthogonalisation is needed
    for it (lost orthogonality only adds ghost copies). Stops when it moves by less than
    ``rtol`` (relative) over 20 steps, or after ``max_steps`` (on a chain of n vertices,
    whose top eigenvalues are 4π²/n² apart, 6,000 steps leave a relative error of ~1e-7).
    """
    from scipy.linalg import eigvalsh_tridiagonal

    n = matrix.shape[0]
    q = np.random.default_rng(0).random(n) + 0.5  # positive: overlaps the Perron vector
    q /= np.sqrt(np.sum(q * q))
    previous_q = np.zeros(n)
    alphas: list[float] = []
    betas: list[float] = []
    beta = 0.0
    theta = previous = -np.inf
    product = np.empty(n)  # the steps' vectors are updated in place: the same operations
    for step in range(max_steps):
        w = matrix @ q
        w -= np.multiply(previous_q, beta, out=product)
        # elementwise sums, not BLAS dot/norm: a threaded BLAS call on one vector can cost
        # more than the sparse product on a busy machine
        alpha = float(np.sum(np.multiply(w, q, out=product)))
        w -= np.multiply(q, alpha, out=product)
        alphas.append(alpha)
        beta = float(np.sqrt(np.sum(np.multiply(w, w, out=product))))
        done = beta <= 1e-12 * max(abs(alpha), 1.0)
        if done or step % 20 == 19 or step == max_steps - 1:
            theta = float(eigvalsh_tridiagonal(np.array(alphas), np.array(betas), select="i",
                                               select_range=(len(alphas) - 1, len(alphas) - 1))[0])
            if done or abs(theta - previous) <= rtol * abs(theta):
                return theta
            previous = theta
        betas.append(beta)
        previous_q, q = q, np.divide(w, beta, out=w)
    return theta


def default_bonacich_beta(adjacency, *, fraction: float = 0.5) -> float | None:
    """β = −fraction / λ_max, the negative exchange-power attenuation
    (Bonacich 1987; Cook et al. 1983).

    On an acyclic layer (every reporting tree) λ_max = 0 and the power series converges
    for any β; the scale is then taken from the symmetrised ties (A + Aᵀ > 0) so that β
    stays comparable across layers. ``None`` for a layer without arcs.

    >>> default_bonacich_beta(sp.csr_array(np.array([[0.0, 1], [1, 0]])))
    -0.5
    """
    matrix = sp.csr_array(adjacency, dtype=np.float64)
    if matrix.nnz == 0:
        return None
    radius = spectral_radius(matrix)
    if radius == 0.0:
        radius = spectral_radius(matrix + matrix.T)
    return -fraction / radius


def bonacich_power(adjacency, beta: float | None = None, *, tol: float = 1e-13, max_iter: int = 10000) -> np.ndarray:
    """Bonacich power centrality c(α, β) = α (I − βA)⁻¹ A 1, scaled so Σ c² = n.

    Definition: row sums, i.e. out-ties; β > 0 rewards ties to well-connected others,
    β < 0 rewards ties to weak, dependent others (exchange power; Cook et al. 1983).
    Meaningful only for |β| < 1/λ_max(A). ``beta=None`` uses
    :func:`default_bonacich_beta` (−0.5/λ_max). Weighted when ``adjacency`` is.

    Normalisation: Σ c² = n, as R sna ``bonpow(rescale=FALSE)`` and igraph
    ``power_centrality``. All ``nan`` for a layer without arcs (undefined scale).

    Computation: sparse LU below 5,000 nodes; above, the series x ← A1 + βAx (rate
    |β|λ_max = 0.5 at the default β), O(m) per step.

    Reference: R sna ``bonpow(dat, exponent=β)``: the path A–B–C–D–E with
    β = −0.5 gives (0, 1.581139, 0, 1.581139, 0).

    >>> path = sp.csr_array(np.diag(np.ones(4), 1) + np.diag(np.ones(4), -1))
    >>> np.round(bonacich_power(path, -0.5), 6).tolist()
    [0.0, 1.581139, 0.0, 1.581139, 0.0]
    """
    matrix = sp.csr_array(adjacency, dtype=np.float64)
    n = matrix.shape[0]
    if beta is None:
        beta = default_bonacich_beta(matrix)
    if n == 0 or matrix.nnz == 0 or beta is None:
        return np.full(n, np.nan)
    out_ties = np.asarray(matrix.sum(axis=1)).ravel()
    if n <= _DIRECT_SOLVE_LIMIT:
        system = sp.csc_array(sp.eye_array(n) - beta * matrix)
        x = np.asarray(spla.spsolve(system, out_ties)).ravel()
    else:
        x = out_ties.copy()
        change = np.empty(n)  # the steps' vectors are updated in place: the same operations
        for _ in range(max_iter):
            previous = x
            x = matrix @ previous
            x *= beta
            x += out_ties
            largest_change = np.abs(np.subtract(x, previous, out=change), out=change).max()
            if largest_change <= tol * max(np.abs(x, out=change).max(), 1.0):
                break
        else:
            raise ArithmeticError(
                f"Bonacich power did not converge for beta={beta:g}: |beta| must be below 1/lambda_max."
            )
    scale = float(np.dot(x, x))
    if scale == 0.0:
        return np.zeros(n)
    return x * np.sqrt(n / scale)
