"""Betweenness of every vertex estimated from uniformly sampled shortest paths.

Riondato & Kornaropoulos (2016) sampling: draw r ordered pairs (s, t), s ≠ t, uniformly;
when t is reachable, draw one shortest s → t path uniformly among the σ_st shortest ones
and count its interior vertices. The share of samples whose path passes v estimates
``p(v) = b(v) / (n(n − 1))`` without bias (b the raw directed betweenness), and with
probability 1 − δ every vertex's estimate is within ε of the truth at once when

    r ≥ (c / ε²) (⌊log₂(VD − 2)⌋ + 1 + ln(1/δ)),   c = 0.5,

VD being the vertex diameter (most vertices on a shortest path; any upper bound will do)
and c the universal constant of the ε-sample bound (Löffler & Phillips 2009, used by
Riondato & Kornaropoulos). The bound is uniform over the vertices, so the largest score,
and with it Freeman's centralization, is estimated as tightly as each score.

Each sample is a balanced bidirectional breadth-first search (the side whose frontier
has fewer arcs is expanded, level by level) that stops as soon as the two searches meet
or one side runs dry, so a sample costs far less than a full search: in a layer where
most people reach few others it often costs nothing. Borassi & Natale's KADABRA (2016)
uses the same search.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import depth_first_order

from orgpower.metrics.centralization import arc_pattern_key
from orgpower.metrics.digraph import (
    Condensation,
    _generations,
    as_adjacency,
    binary,
    condensation,
    empirical_bernstein_bound,
    hoeffding_bound,
    sorted_distinct,
    to_igraph,
    transposed,
)

__all__ = ["PathSample", "vertex_diameter_bound", "sample_size", "sample_shortest_paths", "estimated_betweenness"]

UNIVERSAL_CONSTANT = 0.5  # c of the ε-sample bound (Löffler & Phillips 2009)
EXACT_DIAMETER_SIZE = 64  # strong components up to this size: diameter bounded by size − 1


@dataclass(frozen=True)
class PathSample:
    """What ``pairs`` sampled pairs gave: ``through[v]`` counts the sampled paths with v
    inside them, ``interior`` the number of interior vertices of each sample (0 when t
    was unreachable), ``reachable`` how many pairs had a path."""

    pairs: int
    through: np.ndarray
    interior: np.ndarray
    reachable: int


def vertex_diameter_bound(adjacency, cond: Condensation | None = None) -> int:
    """An upper bound on the number of vertices of any shortest path, in O(n + m).

    A shortest path never leaves a strong component and comes back (every vertex in
    between would belong to it), so it crosses strong components in the order of the
    condensation DAG and within each is a shortest path of that component. Hence VD ≤
    the heaviest DAG path with component C weighing diam(C) + 1 vertices, where diam(C)
    ≤ size − 1 and, for components above ``EXACT_DIAMETER_SIZE``, diam(C) ≤ ecc_out(x) +
    ecc_in(x) for any x in C (two searches inside C).

    >>> chain = sp.csr_array(([1.0] * 3, ([0, 1, 2], [1, 2, 3])), shape=(4, 4))
    >>> vertex_diameter_bound(chain)
    4
    """
    a = binary(as_adjacency(adjacency))
    n = a.shape[0]
    if n == 0:
        return 0
    cond = cond if cond is not None else condensation(a)
    weight = cond.size.astype(np.int64).copy()  # diam(C) + 1 ≤ size
    large = np.flatnonzero(cond.size > EXACT_DIAMETER_SIZE)
    if large.size:
        reverse = transposed(a)
        coo = a.tocoo()
        same = cond.component[coo.row] == cond.component[coo.col]
        # degree inside the own component (in + out), the searches' starting vertex
        inner_degree = np.bincount(coo.row[same], minlength=n) + np.bincount(coo.col[same], minlength=n)
    for comp in large:
        members = np.flatnonzero(cond.component == comp)
        x = int(members[np.argmax(inner_degree[members])])
        outside = cond.component != comp
        ecc_out = _eccentricity(a, x, outside)
        ecc_in = _eccentricity(reverse, x, outside)
        weight[comp] = min(int(weight[comp]), int(ecc_out + ecc_in) + 1)
    dag = sp.csr_array(cond.dag)
    best = weight.copy()  # heaviest path ending at each component
    # components are numbered topologically: relax the arcs leaving the components whose
    # value changed last round (at most the DAG's depth rounds, each over fewer arcs)
    indptr, indices = dag.indptr, dag.indices
    changed = np.flatnonzero(np.diff(indptr) > 0)
    while changed.size:
        counts = np.diff(indptr)[changed]
        if counts.sum() == 0:
            break
        starts = np.repeat(indptr[changed] - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        heads = indices[starts]
        tails = np.repeat(changed, counts)
        candidate = best[tails] + weight[heads]
        better = candidate > best[heads]
        if not better.any():
            break
        heads, candidate = heads[better], candidate[better]
        np.maximum.at(best, heads, candidate)
        changed = _distinct(heads)
    return int(min(best.max(), n))


def _eccentricity(a: sp.csr_array, x: int, blocked: np.ndarray) -> int:
    """Largest distance from x along a's arcs, never entering a ``blocked`` vertex (a
    breadth-first search one level per step, each level one gather over its arcs)."""
    indptr, indices = a.indptr, a.indices
    seen = blocked.copy()
    seen[x] = True
    frontier = np.array([x])
    levels = 0
    while True:
        counts = indptr[frontier + 1] - indptr[frontier]
        total = int(counts.sum())
        if total == 0:
            return levels
        heads = indices[np.repeat(indptr[frontier] - (np.cumsum(counts) - counts), counts) + np.arange(total)]
        heads = _distinct(heads[~seen[heads]])
        if heads.size == 0:
            return levels
        seen[heads] = True
        frontier = heads
        levels += 1


INTERVAL_LAYERS = 4_096  # condensations deeper than this keep the topological filter only
#: scipy's depth-first order rescans a vertex's arcs from the first each time the search
#: comes back to it, so its cost is up to the sum of squared out-degrees (the virtual root
#: included); above this many steps the intervals are not computed (at 1,000,000 people a
#: condensation with 10^5 sources took 120 s). The sample is the same either way: the
#: filter only spares searches that would find no path.
INTERVAL_RESCANS = 10**8


def _reach_intervals(cond: Condensation) -> tuple[np.ndarray, np.ndarray] | None:
    """Per strong component, the smallest and largest depth-first preorder number among
    the components it reaches, itself included (GRAIL labels, Yildirim, Chaoji & Zaki
    2010): if u reaches w then every component w reaches u reaches too, so low(u) ≤
    low(w) and high(w) ≤ high(u). A pair outside these bounds is unreachable; on a tree
    the bounds are exact (a subtree is one preorder interval). Labels are gathered one
    height generation at a time (children first); ``None`` when the condensation is
    deeper than ``INTERVAL_LAYERS`` or the depth-first order would cost more than
    ``INTERVAL_RESCANS`` steps.
    """
    c = cond.count
    if c == 0:
        return None
    dag = sp.csr_array(cond.dag)
    generations = _generations(sp.csr_array(dag.T), max_layers=INTERVAL_LAYERS)  # children first
    if generations is None:
        return None
    sources = np.flatnonzero(np.bincount(dag.indices, minlength=c) == 0)
    rescans = float(np.square(np.diff(dag.indptr).astype(np.float64)).sum()) + float(sources.size) ** 2
    if rescans > INTERVAL_RESCANS:
        return None
    root = sp.csr_array((np.ones(sources.size), (np.full(sources.size, c), sources)), shape=(c + 1, c + 1))
    extended = sp.csr_array(sp.block_array([[dag, None], [None, sp.csr_array((1, 1))]], format="csr") + root)
    preorder = depth_first_order(extended, c, directed=True, return_predecessors=False)
    number = np.empty(c + 1, dtype=np.int64)
    number[preorder] = np.arange(c + 1)
    low, high = number[:c].copy(), number[:c].copy()
    indptr, indices = dag.indptr.astype(np.int64), dag.indices.astype(np.int64)
    for generation in generations:
        counts = indptr[generation + 1] - indptr[generation]
        parents, counts = generation[counts > 0], counts[counts > 0]
        if parents.size == 0:
            continue
        total = int(counts.sum())
        offsets = np.cumsum(counts) - counts
        children = indices[np.repeat(indptr[parents] - offsets, counts) + np.arange(total)]
        low[parents] = np.minimum(low[parents], np.minimum.reduceat(low[children], offsets))
        high[parents] = np.maximum(high[parents], np.maximum.reduceat(high[children], offsets))
    return low, high


_distinct = sorted_distinct


def sample_size(epsilon: float, vertex_diameter: int, delta: float, constant: float = UNIVERSAL_CONSTANT) -> int:
    """Riondato–Kornaropoulos sample size: (c/ε²)(⌊log₂(VD − 2)⌋ + 1 + ln(1/δ)).

    >>> sample_size(0.02, 66, 0.04)
    12774
    """
    vc = math.floor(math.log2(vertex_diameter - 2)) + 1 if vertex_diameter > 3 else 1
    return int(math.ceil(constant / epsilon**2 * (vc + math.log(1.0 / delta))))


class _Searcher:
    """Balanced bidirectional BFS with shortest-path counts, on reusable stamped arrays."""

    def __init__(self, a: sp.csr_array) -> None:
        n = a.shape[0]
        reverse = transposed(a)
        self.sides = []
        for matrix in (a, reverse):  # side 0 searches forward from s, side 1 backward from t
            matrix.sort_indices()
            indptr = matrix.indptr.astype(np.int64)
            self.sides.append((indptr, matrix.indices.astype(np.int64), np.diff(indptr)))
        self.stamp = [np.zeros(n, np.int64), np.zeros(n, np.int64)]
        self.depth = [np.zeros(n, np.int64), np.zeros(n, np.int64)]
        self.sigma = [np.zeros(n), np.zeros(n)]
        self.slot = np.zeros(n, np.int64)
        self.run = 0

    def path(self, s: int, t: int, rng: np.random.Generator) -> list[int] | None:
        """Interior vertices of one uniformly drawn shortest s → t path; None if none."""
        arcs_out = [int(self.sides[0][2][s]), int(self.sides[1][2][t])]  # arcs leaving each frontier
        if arcs_out[0] == 0 or arcs_out[1] == 0:
            return None
        self.run += 1
        run = self.run
        frontier = [np.array([s]), np.array([t])]
        level = [0, 0]
        for side, root in ((0, s), (1, t)):
            self.stamp[side][root] = run
            self.depth[side][root] = 0
            self.sigma[side][root] = 1.0
        while True:
            if arcs_out[0] == 0 or arcs_out[1] == 0:
                return None  # one side has nowhere left to go: t is unreachable
            side = 0 if arcs_out[0] <= arcs_out[1] else 1
            other = 1 - side
            indptr, indices, degree = self.sides[side]
            stamp, sigma = self.stamp[side], self.sigma[side]
            tails = frontier[side]
            total = arcs_out[side]
            if tails.size == 1:
                root = int(tails[0])
                heads = indices[indptr[root]:indptr[root] + total]
                tails = np.full(total, root)
            else:
                # array methods, not the np.* wrappers: a sample runs a few dozen of these
                counts = degree[tails]
                heads = indices[(indptr[tails] - (counts.cumsum() - counts)).repeat(counts) + np.arange(total)]
                tails = tails.repeat(counts)
            meet = self.stamp[other][heads] == run
            if np.count_nonzero(meet):
                # the other side's frontier: every shortest path crosses exactly one of
                # these arcs, σ_s(u)·σ_t(w) of them through arc (u, w)
                tails, heads = tails[meet], heads[meet]
                pick = _draw(sigma[tails] * self.sigma[other][heads], rng) if heads.size > 1 else 0
                near = self._walk_back(side, int(tails[pick]), run, rng)
                far = self._walk_back(other, int(heads[pick]), run, rng)
                return near[:-1] + far[:-1]  # without the roots s and t
            fresh = stamp[heads] != run
            heads, tails = heads[fresh], tails[fresh]
            if heads.size == 0:
                return None
            # one entry per newly reached vertex without sorting: the last arc written wins
            positions = np.arange(heads.size)
            self.slot[heads] = positions
            reached = heads[self.slot[heads] == positions]
            paths_in = sigma[tails]
            level[side] += 1
            stamp[reached] = run
            self.depth[side][reached] = level[side]
            sigma[reached] = 0.0
            np.add.at(sigma, heads, paths_in)
            frontier[side] = reached
            arcs_out[side] = int(np.add.reduce(degree[reached]))

    def _walk_back(self, side: int, v: int, run: int, rng: np.random.Generator) -> list[int]:
        """From v back to the side's root, each step to a predecessor with probability
        σ(predecessor)/σ(v): a uniformly drawn shortest path of that side's search."""
        indptr, indices, _ = self.sides[1 - side]  # predecessors: arcs of the other direction
        stamp, depth, sigma = self.stamp[side], self.depth[side], self.sigma[side]
        walk = [v]
        level = int(depth[v])
        while level > 0:
            around = indices[indptr[v]:indptr[v + 1]]
            before = around[(stamp[around] == run) & (depth[around] == level - 1)]
            v = int(before[0]) if before.size == 1 else int(before[_draw(sigma[before], rng)])
            walk.append(v)
            level -= 1
        return walk


def _draw(weights: np.ndarray, rng: np.random.Generator) -> int:
    """An index drawn with probability proportional to ``weights``: the same draw, from
    the same one uniform number, as ``rng.choice(weights.size, p=weights / weights.sum())``
    (numpy's inverse-CDF method), without its argument checks."""
    cdf = (weights / weights.sum()).cumsum()
    cdf /= cdf[-1]
    return int(cdf.searchsorted(rng.random(), side="right"))


def sample_shortest_paths(
    adjacency, pairs: int, *, seed: int | list[int] = 0, cond: Condensation | None = None
) -> PathSample:
    """``pairs`` uniformly drawn ordered pairs, one uniformly drawn shortest path each.

    A pair whose target cannot be reached is known at once, without a search, when the
    target's strong component comes before the source's in the condensation's
    topological numbering, lies in another weak component, or falls outside the source's
    reach interval (:func:`_reach_intervals`; ``cond`` is computed when not given). Such
    a search would have drawn no random number, so the sample is the same; on a layer
    where most pairs are unreachable (flows down a tree) most searches are saved.

    >>> cycle = sp.csr_array(([1.0] * 4, ([0, 1, 2, 3], [1, 2, 3, 0])), shape=(4, 4))
    >>> sample = sample_shortest_paths(cycle, 1200, seed=1)
    >>> sample.reachable, round(float(sample.through.sum() / sample.pairs), 1)  # mean interior: 1
    (1200, 1.0)
    """
    a = binary(as_adjacency(adjacency))
    n = a.shape[0]
    rng = np.random.default_rng(seed)
    through = np.zeros(n, dtype=np.int64)
    interior = np.zeros(pairs, dtype=np.int64)
    if n < 2 or pairs == 0:
        return PathSample(pairs, through, interior, 0)
    sources = rng.integers(0, n, size=pairs)
    targets = rng.integers(0, n - 1, size=pairs)
    targets += targets >= sources  # uniform over t ≠ s
    cond = cond if cond is not None else condensation(a)
    first, last = cond.component[sources], cond.component[targets]
    possible = (first <= last) & (cond.weak[first] == cond.weak[last])
    intervals = _reach_intervals(cond)
    if intervals is not None:
        low, high = intervals
        possible &= (low[first] <= low[last]) & (high[last] <= high[first])
    possible = possible.tolist()
    searcher = _Searcher(a)
    reachable = 0
    passed: list[int] = []
    for i, (s, t) in enumerate(zip(sources.tolist(), targets.tolist())):
        if not possible[i]:
            continue
        inside = searcher.path(s, t, rng)
        if inside is None:
            continue
        reachable += 1
        interior[i] = len(inside)
        passed.extend(inside)
    if passed:
        through = np.bincount(np.asarray(passed, dtype=np.int64), minlength=n)
    return PathSample(pairs, through, interior, reachable)


@dataclass(frozen=True)
class BetweennessEstimate:
    """Estimated normalised betweenness of every vertex, b(v)/((n − 1)(n − 2)), each within
    ``error_bound`` of the truth with probability ``confidence`` (all at once); the
    centralization with its own bound (the largest score's and the mean's errors)."""

    scores: np.ndarray
    error_bound: float
    centralization: float
    centralization_bound: float
    confidence: float
    pairs: int
    vertex_diameter: int
    method: str


_RECENT: dict[tuple, BetweennessEstimate] = {}
_RECENT_LIMIT = 8  # layers of one org: the people's columns reuse the layers' samples


def estimated_betweenness(
    adjacency, *, epsilon: float = 0.019, confidence: float = 0.95, seed: int = 0, cond: Condensation | None = None
) -> BetweennessEstimate:
    """Betweenness of every vertex and Freeman's betweenness centralization, estimated.

    Definition and normalisation as :func:`~orgpower.metrics.centralization.
    betweenness_centralization` (directed, T(n) = (n − 1)²(n − 2), sna). With p(v) =
    b(v)/(n(n − 1)) the sampled share and L = Σ_v b(v)/(n(n − 1)) the mean number of
    interior vertices of a sampled pair's path (0 when unreachable),

        C = n² p*/((n − 1)(n − 2)) − n L/((n − 1)(n − 2)),

    so C is off by at most n²ε/((n − 1)(n − 2)) (ε bounding every |p̂(v) − p(v)| at
    once) plus n/((n − 1)(n − 2)) times the error of L (values in [0, VD − 2]: the
    smaller of Hoeffding's and the empirical Bernstein bound; about 10⁻⁵ at a million
    people).

    ε is the smaller of two bounds on the same r samples, each at risk 0.4 δ: the
    Riondato–Kornaropoulos bound (from VD) and, node by node, the empirical Bernstein
    bound (Maurer & Pontil 2009) with a union bound over the n nodes, which is far
    tighter when every share is small (no one lies on more than a few percent of the
    paths, as in most orgs). r is the smaller of the sample sizes the two need for
    ``epsilon``; the second is sized from a separate pilot of ``PILOT_PAIRS`` pairs (so
    that r does not depend on the sample it bounds). L's bound takes the last 0.2 δ.

    The last few results are kept (keyed by the arc pattern, ε, confidence and seed):
    the layer's centralization and the people's column of one audit share one sample.
    """
    a = binary(as_adjacency(adjacency))
    n = a.shape[0]
    key = (arc_pattern_key(a), float(epsilon), float(confidence), int(seed))
    if key in _RECENT:
        return _RECENT[key]
    delta = 1.0 - confidence
    cond = cond if cond is not None else condensation(a)  # once, for the bound and the sample
    vd = vertex_diameter_bound(a, cond)
    r_vc = sample_size(epsilon, vd, 0.4 * delta)
    pilot = sample_shortest_paths(a, min(PILOT_PAIRS, r_vc), seed=[seed, 1], cond=cond)
    top = float(pilot.through.max()) / pilot.pairs
    top = top + 3.0 * math.sqrt(top / pilot.pairs) + 3.0 / pilot.pairs  # a generous upper guess
    r = min(r_vc, _bernstein_size(epsilon, min(top, 0.25), n, 0.4 * delta))
    sample = sample_shortest_paths(a, r, seed=[seed, 2], cond=cond)
    p = sample.through / r
    eps = min(_vc_error(r, vd, 0.4 * delta), float(_bernstein_error(p, r, n, 0.4 * delta).max()))
    mean_interior = float(sample.interior.mean())
    span = float(max(vd - 2, 1))
    mean_error = min(span * hoeffding_bound(r, 1.0 - 0.2 * delta),
                     empirical_bernstein_bound(sample.interior.astype(float), 1.0 - 0.2 * delta, span))
    pairs_norm = (n - 1) * (n - 2)
    centralization = (n * n * float(p.max()) - n * mean_interior) / pairs_norm
    result = BetweennessEstimate(
        scores=p * n / (n - 2),
        error_bound=float(eps * n / (n - 2)),
        centralization=float(min(max(centralization, 0.0), 1.0)),
        centralization_bound=float((n * n * eps + n * mean_error) / pairs_norm),
        confidence=float(confidence),
        pairs=r,
        vertex_diameter=vd,
        method=(f"{r} uniformly sampled pairs, one uniformly drawn shortest path each (Riondato & Kornaropoulos "
                "2016, balanced bidirectional search); the smaller of their bound (vertex diameter at most "
                f"{vd}) and the empirical Bernstein bound, for every node at once"),
    )
    while len(_RECENT) >= _RECENT_LIMIT:
        del _RECENT[next(iter(_RECENT))]
    _RECENT[key] = result
    return result


PILOT_PAIRS = 1_000


def _vc_error(pairs: int, vertex_diameter: int, delta: float, constant: float = UNIVERSAL_CONSTANT) -> float:
    """ε of the Riondato–Kornaropoulos bound for a given sample size (inverse of :func:`sample_size`)."""
    vc = math.floor(math.log2(vertex_diameter - 2)) + 1 if vertex_diameter > 3 else 1
    return math.sqrt(constant * (vc + math.log(1.0 / delta)) / pairs)


def _bernstein_error(share: np.ndarray, pairs: int, n: int, delta: float) -> np.ndarray:
    """Two-sided empirical Bernstein half-width of every node's share (0/1 values, sample
    variance p(1 − p) r/(r − 1)), each at risk δ/n so that all hold at once."""
    log_term = math.log(4.0 * n / delta)
    variance = share * (1.0 - share) * pairs / max(pairs - 1, 1)
    return np.sqrt(2.0 * variance * log_term / pairs) + 7.0 * log_term / (3.0 * max(pairs - 1, 1))


def _bernstein_size(epsilon: float, top_share: float, n: int, delta: float) -> int:
    """Smallest r (doubling, then bisection) whose Bernstein error at ``top_share`` is ≤ ε."""
    def fits(r: int) -> bool:
        return float(_bernstein_error(np.array([top_share]), r, n, delta)[0]) <= epsilon

    high = 64
    while not fits(high):
        high *= 2
        if high > 1 << 40:
            return high
    low = high // 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high
