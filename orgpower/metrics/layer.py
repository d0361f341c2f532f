"""Every layer-level measure of one :class:`~orgpower.graph.layers.Layer` in one JSON-safe dict.

:func:`layer_measures` returns the keys every audit.json layer object carries (docs/measures.md,
"Layer measures") plus extras (weighted variants,
agony, harmonic closeness centralization, triad census on small layers). Values are
``float``/``int`` or ``None``; every ``None`` has a one-line reason under ``undefined``.

Scale. The O(n + m) measures (dyad census, reciprocity, degree centralization,
connectedness, efficiency, flow hierarchy, trophic levels, concentration) are always exact.
The all-pairs measures (betweenness centralization, Krackhardt hierarchy and LUB, global
reaching centrality, harmonic closeness) are exact when the layer is small enough or its
condensation DAG is an out- or in-forest (reach counts are then O(n + m)); otherwise they
are estimated from random sources or pairs, and the layer says so under ``estimated``
with the method, a Hoeffding error bound and its confidence.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from orgpower.metrics import centralization as cz
from orgpower.metrics import concentration as conc
from orgpower.metrics import hierarchy as hi
from orgpower.metrics import krackhardt as kr
from orgpower.metrics import reciprocity as rc
from orgpower.metrics.path_sampling import estimated_betweenness
from orgpower.metrics.digraph import (
    as_adjacency,
    binary,
    condensation,
    descendant_counts_forest,
    empirical_bernstein_bound,
    hoeffding_bound,
    reach_counts,
    shared_forms,
    strong_labels,
    to_igraph,
)

__all__ = ["layer_measures", "REQUIRED_KEYS", "TRIAD_TYPES"]

#: keys every layer object of audit.json carries (docs/measures.md, "Layer measures")
REQUIRED_KEYS = (
    "nodes", "arcs", "density",
    "mutual_dyads", "asymmetric_dyads", "null_dyads",
    "reciprocity_edgewise", "reciprocity_dyadic", "reciprocity_rho", "weighted_reciprocity",
    "degree_centralization_in", "degree_centralization_out", "degree_centralization_total",
    "betweenness_centralization",
    "krackhardt_connectedness", "krackhardt_hierarchy", "krackhardt_efficiency", "krackhardt_lub",
    "flow_hierarchy", "global_reaching_centrality", "trophic_incoherence",
    "gini_out_strength", "hhi_out_strength",
)  # fmt: skip

TRIAD_TYPES = ("003", "012", "102", "021D", "021U", "021C", "111D", "111U",
               "030T", "030C", "201", "120D", "120U", "120C", "210", "300")  # fmt: skip

CONFIDENCE = 0.95
TRIAD_CENSUS_LIMIT = 2_000  # igraph's triad census is O(n^2) in the null triads' bookkeeping
AGONY_ARC_LIMIT = 60_000  # arcs on cycles; HiGHS stays within seconds below this
LUB_PAIRS = 2_000  # sampled pairs for the LUB estimate (no violation seen: bound 0.005)
LUB_PAIR_WORDS = 3e8  # word operations of the exact LUB on component pairs
BFS_BUDGET = 5e7  # Σ reach: total work of one BFS per vertex (exact betweenness/closeness)
BETWEENNESS_ERROR = 0.019  # uniform error of the sampled node scores: ±0.02 on the centralization
CLOSENESS_WORK = 1e8  # Σ reach above which harmonic closeness (an extra key) is left out, any size


def layer_measures(
    layer, *, exact_limit: int = 20_000, seed: int = 0, samples: int = 500, path_budget: float = BFS_BUDGET,
    betweenness_error: float = BETWEENNESS_ERROR,
) -> dict:
    """All layer-level measures of ``layer`` (a Layer or a square sparse adjacency).

    ``exact_limit``: above this many vertices (or strong components, for reachability)
    the all-pairs measures are estimated unless the layer is a forest; ``samples`` sources
    or pairs are drawn with ``seed``. Betweenness and closeness also stay exact above
    ``exact_limit`` while one BFS per vertex costs at most ``path_budget`` steps (Σ reach,
    known exactly on forests), and only while Brandes' exact algorithm would visit at most
    ``centralization.BETWEENNESS_WORK`` vertices and arcs (a dense layer of 10,000
    people is estimated: seconds instead of ten); estimated betweenness centralization
    is within ``betweenness_error`` of the truth at 95% (plus a term of order VD/n,
    stated). Weighted variants are added when the layer is
    weighted. Returns a JSON-safe dict (no NaN or infinity).

    >>> import scipy.sparse as sp
    >>> out_star = sp.csr_array(([1.0] * 4, ([0, 0, 0, 0], [1, 2, 3, 4])), shape=(5, 5))
    >>> m = layer_measures(out_star)
    >>> m["reciprocity_rho"], m["flow_hierarchy"], m["global_reaching_centrality"]
    (-0.25, 1.0, 1.0)
    """
    with shared_forms():  # one canonical form, pattern, transpose and condensation for all
        return _layer_measures(layer, exact_limit=exact_limit, seed=seed, samples=samples, path_budget=path_budget,
                               betweenness_error=betweenness_error)


def _layer_measures(layer, *, exact_limit, seed, samples, path_budget, betweenness_error) -> dict:
    weighted_layer = bool(getattr(layer, "weighted", False))
    w = as_adjacency(layer)
    a = binary(w)
    n, m = a.shape[0], a.nnz
    out: dict = {}
    undefined: dict[str, str] = {}
    estimated: dict[str, dict] = {}

    def put(key, value, reason):
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            out[key] = None
            undefined[key] = reason
        else:
            out[key] = value

    no_arcs = "the layer has no arcs"
    out["nodes"] = n
    out["people"] = int(getattr(layer, "people_count", n))
    out["arcs"] = m
    put("density", m / (n * (n - 1)) if n >= 2 else None, "fewer than two nodes")

    census = rc.dyad_census(a)
    out["mutual_dyads"], out["asymmetric_dyads"], out["null_dyads"] = (int(x) for x in census)
    put("reciprocity_edgewise", rc.reciprocity_edgewise(a, census=census), no_arcs)
    put("reciprocity_dyadic", rc.reciprocity_dyadic_nonnull(a, census=census), no_arcs)
    put("reciprocity_dyadic_with_nulls", rc.reciprocity_dyadic(a, census=census), "fewer than two nodes")
    rho_reason = no_arcs if m == 0 else "density is 1 (every possible arc present)"
    put("reciprocity_rho", rc.reciprocity_rho(a, census=census), rho_reason)
    put("reciprocity_edgewise_lrr", rc.reciprocity_edgewise_lrr(a, census=census),
        no_arcs if m == 0 else "no mutual dyad (the log ratio is minus infinity)")
    # weights are amounts or counts; validation sets negative amounts aside, but a caller
    # passing a signed matrix gets a reason, not a crash
    negative = bool(w.nnz) and bool((w.data < 0).any())
    signed = "the layer has negative weights"
    put("weighted_reciprocity", None if negative else rc.weighted_reciprocity(w), signed if negative else no_arcs)
    put("reciprocity_dci", None if negative else rc.directional_consistency(w), signed if negative else no_arcs)

    few = "fewer than two nodes"
    put("degree_centralization_in", cz.degree_centralization(a, "in"), few)
    put("degree_centralization_out", cz.degree_centralization(a, "out"), few)
    put("degree_centralization_total", cz.degree_centralization(a, "total"), "fewer than three nodes")

    put("krackhardt_connectedness", kr.krackhardt_connectedness(a), few)
    put("krackhardt_efficiency", kr.krackhardt_efficiency(a), "every weak component is a single node")
    put("flow_hierarchy", hi.flow_hierarchy(a), no_arcs)
    put("trophic_incoherence", hi.trophic_incoherence(a, weighted=False), no_arcs)
    if weighted_layer and not negative:
        put("flow_hierarchy_weighted", hi.flow_hierarchy(w, weighted=True), no_arcs)
        put("trophic_incoherence_weighted", hi.trophic_incoherence(w, weighted=True), no_arcs)

    strength = conc.out_strength(w)
    if negative or (strength < 0).any():
        for key in ("gini_out_strength", "gini_out_strength_corrected", "hhi_out_strength",
                    "hhi_out_strength_normalised"):
            put(key, None, signed)
    else:
        zero = "no outgoing weight"
        put("gini_out_strength", conc.gini(strength), zero)
        put("gini_out_strength_corrected", conc.gini_corrected(strength), zero)
        put("hhi_out_strength", conc.hhi(strength), zero)
        put("hhi_out_strength_normalised", conc.hhi_normalised(strength), "fewer than two nodes or no outgoing weight")

    _reachability_measures(a, put, estimated, exact_limit=exact_limit, seed=seed, samples=samples,
                           path_budget=path_budget, betweenness_error=betweenness_error)
    _agony(a, put)
    if n <= TRIAD_CENSUS_LIMIT and n >= 3:
        census3 = to_igraph(a).triad_census()
        out["triad_census"] = {name: int(census3[i]) for i, name in enumerate(TRIAD_TYPES)}

    out["undefined"] = undefined
    out["estimated"] = estimated
    return out


def _reachability_measures(a, put, estimated, *, exact_limit, seed, samples, path_budget, betweenness_error):
    n, m = a.shape[0], a.nnz
    no_arcs = "the layer has no arcs"
    cond = condensation(a)
    forest = cond.is_out_forest or cond.is_in_forest

    # reach counts: exact on forests or a small condensation, else sampled
    reach = None
    if m and (forest or cond.count <= exact_limit):
        reach = reach_counts(a, cond)
    if m == 0:
        put("global_reaching_centrality", None, no_arcs)
        put("krackhardt_hierarchy", None, no_arcs)
    elif reach is not None:
        put("global_reaching_centrality", hi.global_reaching_centrality_from_reach(reach), "fewer than two nodes")
        put("krackhardt_hierarchy", kr.krackhardt_hierarchy_from_reach(cond, reach), no_arcs)
    else:
        grc, grc_bound, hier, hier_bound, method = _sampled_reach(a, cond, samples, seed)
        put("global_reaching_centrality", grc, "fewer than two nodes")
        put("krackhardt_hierarchy", hier, no_arcs)
        estimated["global_reaching_centrality"] = _estimate(method, grc_bound)
        estimated["krackhardt_hierarchy"] = _estimate(method, hier_bound)

    # LUB
    if m == 0 and n < 3:
        put("krackhardt_lub", None, "no weak component has three or more nodes")
    else:
        try:
            put("krackhardt_lub", kr.krackhardt_lub(a, max_pair_words=LUB_PAIR_WORDS if n <= exact_limit else 0,
                                                     cond=cond),
                "no weak component has three or more nodes")
        except ValueError:
            # too many strong-component pairs for the exact count
            pairs = max(samples, LUB_PAIRS)
            value, bound = kr.krackhardt_lub_sampled(a, samples=pairs, seed=seed, cond=cond)
            put("krackhardt_lub", value, "no weak component has three or more nodes")
            method = (f"{pairs} uniformly sampled pairs in weak components, exact LUB test per pair, "
                      "Hoeffding or empirical Bernstein bound")
            estimated["krackhardt_lub"] = _estimate(method, bound)

    # betweenness and harmonic closeness: one BFS per vertex costs Σ reach; where every
    # path is the only one (chains, stars, trees, cycles) betweenness is exact in O(n + m)
    bfs_work = float(reach.sum()) + n if reach is not None else math.inf
    exact_paths = n <= exact_limit or bfs_work <= path_budget
    closed = cz.betweenness_closed_form(a) if n >= 3 else None
    if n < 3:
        put("betweenness_centralization", None, "fewer than three nodes")
    elif closed is not None:
        put("betweenness_centralization", cz.freeman_centralization(closed, cz._betweenness_max(n)),
            "fewer than three nodes")
    elif exact_paths and cz.exact_betweenness_fits(a, reach):
        put("betweenness_centralization", cz.betweenness_centralization(a), "fewer than three nodes")
    else:
        sampled = estimated_betweenness(a, epsilon=betweenness_error, confidence=CONFIDENCE, seed=seed, cond=cond)
        put("betweenness_centralization", sampled.centralization, "fewer than three nodes")
        estimated["betweenness_centralization"] = _estimate(sampled.method, sampled.centralization_bound)
    closed_closeness = cz._harmonic_in_forest(a) if n >= 2 else None
    if n < 2:
        put("closeness_centralization_harmonic", None, "fewer than two nodes")
    elif closed_closeness is not None:
        put("closeness_centralization_harmonic", cz.freeman_centralization(closed_closeness, n - 1),
            "fewer than two nodes")
    elif exact_paths and bfs_work <= CLOSENESS_WORK:
        put("closeness_centralization_harmonic", cz.closeness_centralization_harmonic(a), "fewer than two nodes")
    else:
        limit = min(CLOSENESS_WORK, path_budget) if n > exact_limit else CLOSENESS_WORK
        if math.isfinite(bfs_work):
            reason = (f"not computed: one search per node (all-pairs distances) would cost {bfs_work:.3g} steps, "
                      f"above the limit of {limit:.3g}")
        else:
            reason = (f"not computed: {n:,} nodes is above the exact limit of {exact_limit:,} and the cost of one "
                      "search per node (all-pairs distances) is not known in advance")
        put("closeness_centralization_harmonic", None, reason)


def _estimate(method: str, bound: float) -> dict:
    return {"method": method, "error_bound": float(bound), "confidence": CONFIDENCE}


REACH_SAMPLES_MAX = 4_000  # sampled searches for GRC / Krackhardt hierarchy, at most
REACH_WORK = 40.0  # ... and at most this many (n + m) of visited vertices in all


def _sampled_reach(a, cond, samples, seed):
    """GRC and Krackhardt hierarchy from exact and sampled reach counts, with a 95% bound.

    Strata: every vertex that reaches the largest strong component H reaches everything H
    reaches, so when H reaches the whole layer (the top of an org whose budget flows down
    every line) those vertices reach n − 1 others, exactly. The others reach only vertices
    like themselves (never H's ancestors), so their reach lies in [0, N₂ − 1]; it is
    estimated from k uniformly drawn sources among them (BFS). k is as many as the work
    budget allows (``REACH_WORK`` (n + m) visited vertices, sized by a separate pilot of
    50 searches, at least ``samples``, at most ``REACH_SAMPLES_MAX``). The bound on the
    stratum mean is the smaller of Hoeffding's and the empirical Bernstein bound (Maurer
    & Pontil 2009), each at half the risk. The maximum local reach is 1 when the exact
    stratum exists, else found by branch and bound (components in decreasing order of
    an upper bound on their reach; an unresolved gap is added to the bound). The
    hierarchy's interval is also clipped to what is known for sure (reach counts of the
    exact stratum, the largest possible reach of the rest).
    """
    n = a.shape[0]
    m = a.nnz
    rng = np.random.default_rng(seed)
    g = to_igraph(a)
    hub = int(np.argmax(cond.size))
    below = breadth_first_order(cond.dag, hub, directed=True, return_predecessors=False)
    above = breadth_first_order(sp.csr_array(cond.dag.T), hub, directed=True, return_predecessors=False)
    hub_reach = int(cond.size[below].sum())  # vertices H reaches, itself included
    reaches_hub = np.zeros(cond.count, dtype=bool)
    reaches_hub[above] = True
    exact_stratum = hub_reach == n and cond.size[hub] > 1
    in_exact = reaches_hub[cond.component] if exact_stratum else np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~in_exact)
    n1, n2 = n - rest.size, rest.size
    span = (n2 - 1) / (n - 1) if exact_stratum else 1.0  # range of the rest's local reach

    def local_reach(sources):
        sizes = g.neighborhood_size(vertices=sources.tolist(), order=n, mode="out")
        return (np.asarray(sizes, dtype=float) - 1) / (n - 1)

    risk = 1.0 - CONFIDENCE
    mean_rest, eps_rest, k = 0.0, 0.0, 0
    if n2 > 0:
        pilot = local_reach(rng.choice(rest, size=min(50, n2), replace=False))
        cost = float(pilot.mean()) * (n - 1) + m / n + 1.0  # visited vertices and arcs per search
        k = int(min(n2, REACH_SAMPLES_MAX, max(samples, REACH_WORK * (n + m) / cost)))
        values = local_reach(rng.choice(rest, size=k, replace=False))
        mean_rest = float(values.mean())
        if k < n2:
            eps_rest = min(span * hoeffding_bound(k, 1.0 - risk / 2),
                           empirical_bernstein_bound(values, 1.0 - risk / 2, span))
    mean_local = (n1 * 1.0 + n2 * mean_rest) / n
    eps = eps_rest * n2 / n

    if exact_stratum:
        best, gap = float(n - 1), 0.0
    else:
        upper = np.minimum(descendant_counts_forest(cond), n) - 1  # over-counts shared descendants
        first_vertex = np.zeros(cond.count, dtype=np.int64)
        first_vertex[cond.component[::-1]] = np.arange(n)[::-1]
        order = np.argsort(-upper, kind="stable")
        best = float(values.max() * (n - 1)) if k else 0.0
        gap = 0.0
        for position, comp in enumerate(order):
            if upper[comp] <= best:
                break
            if position >= 64:
                gap = float(upper[comp] - best)
                break
            reached = g.neighborhood_size(vertices=[int(first_vertex[comp])], order=n, mode="out")[0] - 1
            best = max(best, float(reached))
    max_local = best / (n - 1)
    scale = n / (n - 1)
    grc = min(max(scale * (max_local - mean_local), 0.0), 1.0)
    grc_bound = scale * (eps + gap / (n - 1))

    size = cond.size.astype(float)
    mutual = float(np.sum(size * (size - 1) / 2))
    within = float(np.sum(size * (size - 1)))
    pairs = n * (n - 1)
    total_reach = mean_local * pairs
    delta = eps * pairs
    # what is certain: the exact stratum's reach, and the rest reaching at most each other
    surely_low = n1 * (n - 1.0) + (within if not exact_stratum else 0.0)
    surely_high = n1 * (n - 1.0) + n2 * (n2 - 1.0) if exact_stratum else float(pairs)

    def hierarchy(total):
        asym = max(total - within, 0.0)
        return asym / (mutual + asym) if mutual + asym > 0 else None

    hier = hierarchy(total_reach)
    low = hierarchy(max(total_reach - delta, surely_low))
    high = hierarchy(min(total_reach + delta, surely_high))
    candidates = [abs(x - hier) for x in (low, high) if x is not None and hier is not None]
    if exact_stratum:
        method = (f"reach counts: the {n1} people reaching the largest strong component reach everyone (exact); "
                  f"the other {n2} from {k} uniformly sampled sources (BFS); Hoeffding or empirical Bernstein bound")
    else:
        method = f"reach counts from {k} uniformly sampled sources (BFS); Hoeffding or empirical Bernstein bound"
    return grc, grc_bound, hier, max(candidates, default=1.0), method


def _agony(a, put):
    if a.nnz == 0:
        put("agony", None, "the layer has no arcs")
        put("agony_hierarchy", None, "the layer has no arcs")
        return
    scc = strong_labels(a)
    coo = a.tocoo()
    cyclic = int(np.sum(scc[coo.row] == scc[coo.col]))
    if cyclic > AGONY_ARC_LIMIT:
        reason = f"{cyclic} arcs lie on cycles, above the exact LP limit of {AGONY_ARC_LIMIT}"
        put("agony", None, reason)
        put("agony_hierarchy", None, reason)
        return
    value = hi.agony(a)
    put("agony", value, "the LP solver did not reach an optimum")
    put("agony_hierarchy", None if value is None else 1.0 - value / a.nnz, "the LP solver did not reach an optimum")
