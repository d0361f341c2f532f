"""Node power: PageRank and Bonacich power centrality (including negative β).

Both are sparse iterations over a ``scipy.sparse`` adjacency (O(m) per step), so they
run on a million-node layer; both follow arcs as stored, i→j = i over j
(metrics-spec.md §0). References: Brin & Page (1998); Bonacich (1987), *AJS*
92:1170–1182; metrics-spec.md §6.1–6.2.
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
    ``Graph.pagerank``. Krackhardt reports-to (sub→boss): CEO 7 0.322032 (spec §6.2).

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
    transition_t = sp.csr_array((sp.diags_array(inverse) @ matrix).T)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        previous = x
        x = alpha * (transition_t @ x) + (alpha * previous[dangling].sum() + 1.0 - alpha) / n
        if np.abs(x - previous).sum() < n * tol:
            break
    return x / x.sum()


def spectral_radius(adjacency) -> float:
    """Largest |eigenvalue| of a non-negative matrix (its Perron root).

    Only arcs inside strongly connected components carry eigenvalues other than 0
    (the matrix is block-triangular over its components), so an acyclic layer has
    radius 0 without any eigen-solve; otherwise ARPACK on the cyclic part (dense
    ``eigvals`` when that part is small, ``eigsh`` when it is symmetric).

    >>> round(spectral_radius(sp.csr_array(np.array([[0.0, 1, 1], [1, 0, 1], [1, 1, 0]]))), 9)
    2.0
    """
    matrix = sp.csr_array(adjacency, dtype=np.float64)
    n = matrix.shape[0]
    if n == 0 or matrix.nnz == 0:
        return 0.0
    count, labels = csgraph.connected_components(matrix, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=count)
    cyclic = np.flatnonzero(sizes[labels] > 1)
    if cyclic.size == 0:
        return 0.0
    core = matrix[cyclic][:, cyclic]
    if core.shape[0] <= 500:
        return float(np.max(np.abs(np.linalg.eigvals(core.toarray()))))
    if abs(core - core.T).max() == 0:
        return float(abs(spla.eigsh(core, k=1, which="LA", return_eigenvectors=False, tol=1e-10)[0]))
    values = spla.eigs(core, k=1, which="LM", return_eigenvectors=False, tol=1e-8, maxiter=5000)
    return float(np.abs(values[0]))


def default_bonacich_beta(adjacency, *, fraction: float = 0.5) -> float | None:
    """β = −fraction / λ_max, the negative exchange-power attenuation of spec §6.1.

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

    Reference: R sna ``bonpow(dat, exponent=β)``; spec §6.1: the path A–B–C–D–E with
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
        for _ in range(max_iter):
            previous = x
            x = out_ties + beta * (matrix @ previous)
            if np.abs(x - previous).max() <= tol * max(np.abs(x).max(), 1.0):
                break
        else:
            raise ArithmeticError(
                f"Bonacich power did not converge for beta={beta:g}: |beta| must be below 1/lambda_max."
            )
    scale = float(np.dot(x, x))
    if scale == 0.0:
        return np.zeros(n)
    return x * np.sqrt(n / scale)
