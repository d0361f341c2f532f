"""Degree-preserving null model: is a layer more reciprocal or more layered than its degrees imply?

:func:`rewire` performs directed double-edge swaps (a→b, c→d) → (a→d, c→b), which keep every
in- and out-degree, never create self-loops or parallel arcs, and are applied in vectorised
batches over the arc arrays. :func:`null_comparison` compares the observed reciprocity and
hierarchy measures with their distribution over rewired samples (metrics-spec.md §12:
"compare each statistic with ... degree-preserving rewiring before calling it high or low").

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

from orgpower.metrics import hierarchy as hi
from orgpower.metrics import reciprocity as rc
from orgpower.metrics.digraph import arcs, as_adjacency, binary

__all__ = ["rewire", "null_comparison", "null_measures", "NULL_MEASURES"]

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


def rewire(
    sources: np.ndarray, targets: np.ndarray, n: int, *, swaps_per_arc: float = 4.0, rng=None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Randomise arcs by directed double-edge swaps that keep in- and out-degrees.

    Each round pairs the arcs at random and proposes, for every pair (a→b, c→d), the swap
    to (a→d, c→b). A proposal is rejected when it would make a self-loop (a = d or c = b),
    an arc that already exists, or an arc another proposal of the same round makes; the
    rest are applied together. Rounds repeat until ``swaps_per_arc * m`` swaps have been
    proposed. Returns the new ``(sources, targets)`` and the share of proposals accepted.

    Batched rejection is slightly more conservative than one-at-a-time swapping (an arc
    freed in the same round is still treated as taken); the chain still keeps the degree
    sequences exactly. The default of 4 proposals per arc means each arc takes part in
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
    while proposals_left > 0:
        order = rng.permutation(m)
        half = min(m // 2, proposals_left)
        first, second = order[:half], order[half:2 * half]
        a, b, c, d = src[first], dst[first], src[second], dst[second]
        created = np.concatenate([a * n + d, c * n + b])
        # hash look-ups (pandas) instead of sorting: the arc set changes every round
        taken = pd.Index(created).isin(src * n + dst)
        clash = pd.Series(created).duplicated(keep=False).to_numpy()
        bad = taken | clash
        ok = (a != d) & (c != b) & ~bad[:half] & ~bad[half:]
        dst[first[ok]] = d[ok]
        dst[second[ok]] = b[ok]
        proposed += half
        accepted += int(ok.sum())
        proposals_left -= half
    return src, dst, accepted / proposed if proposed else 0.0


def null_comparison(layer, *, samples: int = 20, seed: int = 0, swaps_per_arc: float = 4.0) -> dict:
    """Observed reciprocity and hierarchy measures against degree-preserving rewired samples.

    For each measure of :data:`NULL_MEASURES` (edgewise reciprocity, ρ, weighted
    reciprocity with permuted weights, flow hierarchy, trophic incoherence F0) returns
    ``{observed, null_mean, null_sd, z, share_null_ge_observed}``; ``z`` is ``None`` when
    the null spread is 0, and every value is ``None`` when the measure is undefined.
    The samples are taken along one swap chain seeded by ``seed``: a burn-in of
    ``swaps_per_arc`` proposals per arc before the first sample, then ``THINNING`` of that
    between samples (MCMC thinning; a quarter of the cost of independent chains).

    >>> import scipy.sparse as sp
    >>> cycle = sp.csr_array(([1.0] * 6, ([0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0])), shape=(6, 6))
    >>> result = null_comparison(cycle, samples=3)
    >>> result["measures"]["reciprocity_edgewise"]["observed"]
    0.0
    """
    w = as_adjacency(layer)
    a = binary(w)
    n = a.shape[0]
    src, dst, weights = arcs(w)
    observed = null_measures(a, w)
    draws: dict[str, list[float]] = {name: [] for name in NULL_MEASURES}
    rates = []
    rng = np.random.default_rng(seed)
    chain_src, chain_dst = src, dst
    for sample in range(samples if src.size >= 2 else 0):
        # one chain: burn-in of swaps_per_arc, then a quarter of that between samples
        swaps = swaps_per_arc if sample == 0 else swaps_per_arc * THINNING
        chain_src, chain_dst, rate = rewire(chain_src, chain_dst, n, swaps_per_arc=swaps, rng=rng)
        rates.append(rate)
        sample_w = sp.csr_array((rng.permutation(weights), (chain_src, chain_dst)), shape=(n, n))
        for name, value in null_measures(binary(sample_w), sample_w, null_sample=True).items():
            if value is not None:
                draws[name].append(float(value))
    measures = {name: _summary(observed[name], draws[name]) for name in NULL_MEASURES}
    return {
        "method": "directed double-edge swaps keeping every in- and out-degree (one chain, thinned); "
        "weights permuted over arcs",
        "samples": samples if src.size >= 2 else 0,
        "seed": seed,
        "swaps_per_arc": swaps_per_arc,
        "accepted_swap_share": float(np.mean(rates)) if rates else None,
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
