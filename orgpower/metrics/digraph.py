"""Shared digraph primitives for the layer measures: components, condensation, reachability.

Everything works on a ``scipy.sparse`` adjacency (row = source, column = target) so that a
:class:`~orgpower.graph.layers.Layer` and a bare matrix are treated alike. Reachability is
computed on the condensation DAG (one node per strongly connected component), either as
packed bit rows (exact, memory ~ c * n / 8 bytes) or, when the DAG is an out-forest or an
in-forest, by an O(n + m) count (no vertex is reached along two different paths).
"""

from __future__ import annotations

import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import igraph as ig
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve_triangular


_forms = threading.local()  # the derived forms of the adjacencies met inside shared_forms()


@contextmanager
def shared_forms():
    """Within this block every derived form of one adjacency is computed once and shared.

    A layer's measures each start from the same matrix and each used to derive their own
    canonical CSR, 0/1 pattern, transpose, strong and weak components and condensation:
    about twenty copies of a 10⁷-arc layer, a third of its 31 CPU-s at a million people.
    Inside the block :func:`as_adjacency`, :func:`binary`, :func:`transposed`,
    :func:`strong_labels`, :func:`weak_labels`, :func:`condensation` (and any measure
    through :func:`shared_form`) remember their result per input object (held until the
    block ends, so an id is never reused), and the measures stay pure functions of their
    argument: the values are the same arrays they would compute. The shared results must
    not be modified in place (no measure does). Outside a block, nothing is kept. Per
    thread; nested blocks share the outer one's forms.

    >>> a = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    >>> with shared_forms():
    ...     pattern = binary(as_adjacency(a))
    ...     pattern is binary(as_adjacency(a)), transposed(pattern) is transposed(pattern)
    (True, True)
    """
    outer = getattr(_forms, "known", None)
    if outer is None:
        _forms.known = {}
    try:
        yield
    finally:
        if outer is None:
            _forms.known = None


def shared_form(matrix, form: str, make):
    """``make()``, or the value remembered for ``matrix``'s ``form`` inside :func:`shared_forms`
    (a measure module may remember its own forms of a layer this way)."""
    known = getattr(_forms, "known", None)
    if known is None:
        return make()
    entry = known.get(id(matrix))
    if entry is None or entry[0] is not matrix:
        entry = known[id(matrix)] = (matrix, {})
    if form not in entry[1]:
        entry[1][form] = make()
    return entry[1][form]


def _known(matrix, form: str):
    """The remembered ``form`` of ``matrix``, or None."""
    entry = (getattr(_forms, "known", None) or {}).get(id(matrix))
    return entry[1].get(form) if entry is not None and entry[0] is matrix else None


def _remember(matrix, form: str, value) -> None:
    """Record a form known without work (a canonical matrix is its own adjacency)."""
    if getattr(_forms, "known", None) is not None:
        shared_form(matrix, form, lambda: value)


def as_adjacency(graph) -> sp.csr_array:
    """The weighted adjacency of a Layer (``.adjacency``) or of any matrix, as CSR, no loops."""
    a = shared_form(graph, "adjacency", lambda: _canonical(graph))
    _remember(a, "adjacency", a)
    return a


def _canonical(graph) -> sp.csr_array:
    matrix = getattr(graph, "adjacency", graph)
    a = sp.csr_array(matrix, dtype=float)
    if a.shape[0] != a.shape[1]:
        raise ValueError("an adjacency matrix must be square")
    if a.diagonal().any():
        a = a.tolil()
        a.setdiag(0)
        a = sp.csr_array(a)
    a.eliminate_zeros()
    a.sum_duplicates()
    return a


def binary(adjacency: sp.csr_array) -> sp.csr_array:
    """0/1 pattern of a weighted adjacency."""
    if _known(adjacency, "adjacency") is not adjacency:
        b = shared_form(adjacency, "binary", lambda: _ones(adjacency))
    else:
        # the pattern of a canonical matrix is canonical; inside a block it shares the
        # matrix's index arrays (nothing writes to them), and its transpose is the
        # matrix's with ones for weights
        b = shared_form(adjacency, "binary", lambda: adjacency._with_data(np.ones_like(adjacency.data), copy=False))
        _remember(b, "adjacency", b)
        _remember(b, "weights", adjacency)
    _remember(b, "binary", b)
    return b


def _ones(adjacency: sp.csr_array) -> sp.csr_array:
    b = adjacency.copy()
    b.data = np.ones_like(b.data)
    return b


def transposed(adjacency: sp.csr_array) -> sp.csr_array:
    """The transpose as CSR (the reverse digraph: arc j -> i for every arc i -> j)."""
    t = shared_form(adjacency, "transposed", lambda: _transpose(adjacency))
    _remember(t, "transposed", adjacency)
    return t


def _transpose(adjacency: sp.csr_array) -> sp.csr_array:
    weights = _known(adjacency, "weights")
    if weights is not None and weights is not adjacency:
        reverse = transposed(weights)  # the same arcs reversed: only the weights differ
        return reverse._with_data(np.ones_like(reverse.data), copy=False)
    return sp.csr_array(adjacency.T)


def strong_labels(adjacency: sp.csr_array) -> np.ndarray:
    """scipy's strongly connected component label of every vertex."""
    return shared_form(adjacency, "strong",
                       lambda: connected_components(adjacency, directed=True, connection="strong")[1])


def weak_labels(adjacency: sp.csr_array) -> np.ndarray:
    """scipy's weakly connected component label of every vertex."""
    return shared_form(adjacency, "weak",
                       lambda: connected_components(adjacency, directed=True, connection="weak")[1])


def arcs(adjacency: sp.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arc arrays (source, target, weight) in CSR order."""
    coo = adjacency.tocoo()
    return coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(float)


def to_igraph(adjacency: sp.csr_array) -> ig.Graph:
    """A directed igraph Graph with the same vertices and arcs (weights not copied)."""
    src, dst, _ = arcs(adjacency)
    return ig.Graph(n=adjacency.shape[0], edges=_edge_list(src, dst), directed=True)


def _edge_list(src: np.ndarray, dst: np.ndarray) -> list[tuple[int, int]]:
    """The arcs as igraph reads them fastest: a list of int pairs, in the given order
    (igraph reads a two-column array row by row, 2.6 times slower at 10⁶ arcs)."""
    return list(zip(src.tolist(), dst.tolist()))


def weak_component_sizes(adjacency: sp.csr_array) -> np.ndarray:
    """Sizes N_i of the weakly connected components (isolates are components of size 1)."""
    if adjacency.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.bincount(weak_labels(adjacency)).astype(np.int64)


@dataclass(frozen=True)
class Condensation:
    """The DAG of strongly connected components of a digraph.

    ``component[v]`` is the SCC of vertex v, numbered in a topological order (every arc of
    ``dag`` goes from a lower to a higher number); ``size[c]`` its vertex count; ``dag``
    the 0/1 CSR adjacency between distinct components; ``weak[c]`` the weak component.
    """

    component: np.ndarray
    size: np.ndarray
    dag: sp.csr_array
    weak: np.ndarray

    @property
    def count(self) -> int:
        return int(self.size.size)

    @cached_property
    def is_out_forest(self) -> bool:
        """Every component has at most one parent component (no vertex reached twice)."""
        return self.count == 0 or int(np.diff(self.dag.tocsc().indptr).max(initial=0)) <= 1

    @cached_property
    def is_in_forest(self) -> bool:
        """Every component has at most one child component."""
        return self.count == 0 or int(np.diff(self.dag.indptr).max(initial=0)) <= 1

    @cached_property
    def generations(self) -> list[np.ndarray]:
        """Components grouped by longest-path depth from the sources (parents come first)."""
        return _generations(self.dag)

    @cached_property
    def reverse_generations(self) -> list[np.ndarray]:
        """Components grouped by longest-path height above the sinks (children come first)."""
        return _generations(sp.csr_array(self.dag.T))


def condensation(adjacency: sp.csr_array) -> Condensation:
    """Strongly connected components in topological order and the DAG between them."""
    return shared_form(adjacency, "condensation", lambda: _condensation(adjacency))


def _condensation(adjacency: sp.csr_array) -> Condensation:
    n = adjacency.shape[0]
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Condensation(empty, empty, sp.csr_array((0, 0)), empty)
    scc = strong_labels(adjacency)
    c = int(scc.max()) + 1
    src, dst, _ = arcs(adjacency)
    cs, cd = scc[src], scc[dst]
    between = cs != cd
    dag = sp.csr_array((np.ones(int(between.sum())), (cs[between], cd[between])), shape=(c, c))
    dag.sum_duplicates()
    dag.data[:] = 1.0
    order = _topological_order(dag)
    rank = np.empty(c, dtype=np.int64)
    rank[order] = np.arange(c)
    component = rank[scc]
    perm = sp.csr_array((np.ones(c), (np.arange(c), order)), shape=(c, c))
    dag = sp.csr_array(perm @ dag @ perm.T)
    dag.sort_indices()
    size = np.bincount(component, minlength=c).astype(np.int64)
    weak = np.zeros(c, dtype=np.int64)
    weak[component] = weak_labels(adjacency)
    return Condensation(component=component, size=size, dag=dag, weak=weak)


def _topological_order(dag: sp.csr_array) -> np.ndarray:
    """Kahn's algorithm vectorised by generation; igraph's C sort for deep DAGs (long chains)."""
    layers = _generations(dag, max_layers=64)  # deeper (chains): the C sort, not 1,000 slices
    if layers is None:
        src, dst, _ = arcs(dag)
        graph = ig.Graph(n=dag.shape[0], edges=_edge_list(src, dst), directed=True)
        return np.asarray(graph.topological_sorting(mode="out"), dtype=np.int64)
    return np.concatenate(layers) if layers else np.zeros(0, dtype=np.int64)


def _generations(dag: sp.csr_array, max_layers: int | None = None) -> list[np.ndarray] | None:
    """Nodes grouped by longest-path depth; ``None`` if deeper than ``max_layers``."""
    c = dag.shape[0]
    indeg = np.diff(sp.csc_array(dag).indptr).astype(np.int64)
    frontier = np.flatnonzero(indeg == 0)
    layers = []
    seen = 0
    while frontier.size:
        if max_layers is not None and len(layers) >= max_layers:
            return None
        layers.append(frontier)
        seen += frontier.size
        children = dag[frontier].indices.astype(np.int64)
        np.subtract.at(indeg, children, 1)
        frontier = sorted_distinct(children[indeg[children] == 0])
    if seen != c:
        raise ValueError("the condensation is not acyclic")  # cannot happen for an SCC condensation
    return layers


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` of a 1-d array (its distinct values, sorted) by a sort: numpy's
    hashing ``unique`` took 15 s against 1 s at 10⁶ values, and 1.5 of a flows layer's 7.6
    CPU-s at a million people in its generations."""
    values = np.sort(values)
    keep = np.ones(values.size, dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def descendant_counts_forest(cond: Condensation) -> np.ndarray:
    """Vertices reachable from each component, itself included, on an out- or in-forest DAG.

    Solves ``(I − D) x = size`` (D the DAG, upper triangular in topological numbering):
    x counts every vertex once per path to it, which is exact only when
    ``cond.is_out_forest`` or ``cond.is_in_forest``, and an upper bound otherwise.
    """
    if cond.count == 0:
        return np.zeros(0)
    system = sp.csr_array(sp.eye_array(cond.count, format="csr") - cond.dag)
    with np.errstate(over="ignore"):
        counts = spsolve_triangular(system, cond.size.astype(float), lower=False, unit_diagonal=True)
    return np.asarray(counts, dtype=float)


def closure_bits(dag: sp.csr_array, generations: list[np.ndarray], *, chunk_words: int = 4_000_000) -> np.ndarray:
    """Reflexive reachability of a DAG as packed bit rows (uint64 words, bit j = component j).

    ``generations`` must list every node after all the nodes its row of ``dag`` points to
    (pass reverse generations with ``dag`` for descendants; generations with ``dag.T`` for
    ancestors). Memory: c * ceil(c / 64) * 8 bytes.
    """
    c = dag.shape[0]
    words = max(1, math.ceil(c / 64))
    bits = np.zeros((c, words), dtype=np.uint64)
    idx = np.arange(c)
    bits[idx, idx // 64] = np.left_shift(np.uint64(1), (idx % 64).astype(np.uint64))
    arcs_per_chunk = max(1, chunk_words // words)  # bounds the gathered rows' memory
    row_arcs = np.diff(dag.indptr)
    for gen in generations:
        if gen.size == 0:
            continue
        # split the generation so that each part gathers at most ~arcs_per_chunk rows
        cumulative = np.cumsum(row_arcs[gen])
        cuts = np.searchsorted(cumulative, np.arange(arcs_per_chunk, int(cumulative[-1]) + 1, arcs_per_chunk))
        for part in np.split(gen, np.unique(cuts[cuts < gen.size]) + 1):
            if part.size == 0:
                continue
            sub = dag[part]
            has = np.diff(sub.indptr) > 0
            if not has.any():
                continue
            reduced = np.bitwise_or.reduceat(bits[sub.indices], sub.indptr[:-1][has], axis=0)
            bits[part[has]] |= reduced
    return bits


def weighted_popcount(bits: np.ndarray, weight: np.ndarray, *, chunk_rows: int = 2048,
                      max_distinct: int = 32) -> np.ndarray:
    """Sum of ``weight[j]`` over the set bits j of each row.

    The weights here are component sizes: integers, nearly all 1, with few distinct
    values. So each row's sum is its popcount plus, for each distinct weight w other than
    1, (w - 1) times the popcount of the row masked to the columns of weight w: one pass
    over the packed bits per distinct weight instead of unpacking every bit into a byte
    and multiplying (for integer weights both forms sum integers below 2**53, so they
    are equal exactly). With more than ``max_distinct`` distinct weights, or weights that
    are not integers, the bits are unpacked.
    """
    c = bits.shape[0]
    if np.all(weight == 1):
        return np.bitwise_count(bits).sum(axis=1).astype(float)
    distinct = np.unique(weight)
    if distinct.size <= max_distinct and np.all(distinct == np.round(distinct)):
        out = np.bitwise_count(bits).sum(axis=1).astype(float)
        for value in distinct[distinct != 1]:
            mask = _column_mask(np.flatnonzero(weight == value), bits.shape[1])
            for start in range(0, c, chunk_rows):
                block = bits[start:start + chunk_rows]
                out[start:start + chunk_rows] += (value - 1.0) * np.bitwise_count(block & mask).sum(axis=1)
        return out
    out = np.zeros(c)
    for start in range(0, c, chunk_rows):
        block = bits[start:start + chunk_rows]
        unpacked = np.unpackbits(block.view(np.uint8), axis=1, bitorder="little")[:, : weight.size]
        out[start:start + chunk_rows] = unpacked @ weight
    return out


def _column_mask(columns: np.ndarray, words: int) -> np.ndarray:
    """One packed row (``words`` uint64 words) with the bits of ``columns`` set, in the
    layout of :func:`closure_bits` (bit j is bit j % 64 of word j // 64)."""
    mask = np.zeros(words, dtype=np.uint64)
    np.bitwise_or.at(mask, columns >> 6, np.left_shift(np.uint64(1), (columns & 63).astype(np.uint64)))
    return mask


def hoeffding_bound(samples: int, confidence: float, union: int = 1) -> float:
    """Half-width ε of a two-sided Hoeffding bound for a mean of ``samples`` values in [0, 1].

    With probability ``confidence``, |estimate − truth| <= ε, simultaneously for ``union``
    means (union bound): ε = sqrt(ln(2 * union / (1 − confidence)) / (2 * samples)).
    """
    return math.sqrt(math.log(2.0 * union / (1.0 - confidence)) / (2.0 * samples))


def empirical_bernstein_bound(values: np.ndarray, confidence: float, span: float = 1.0) -> float:
    """Half-width ε of the empirical Bernstein bound for the mean of ``values`` in [0, span].

    With probability ``confidence``, |mean − truth| ≤ sqrt(2 V ln(2/δ) / k) + 7 span
    ln(2/δ) / (3 (k − 1)), V the sample variance (Maurer & Pontil 2009, Theorem 4, two
    sided); far tighter than Hoeffding when the values cluster (most people reach few).
    """
    k = values.size
    if k < 2:
        return float(span)
    log_term = math.log(2.0 * 2.0 / (1.0 - confidence))  # two-sided: each side at δ/2
    variance = float(values.var(ddof=1))
    return math.sqrt(2.0 * variance * log_term / k) + 7.0 * span * log_term / (3.0 * (k - 1))


def reach_counts(adjacency: sp.csr_array, cond: Condensation | None = None) -> np.ndarray:
    """Exact number of other vertices each vertex reaches along directed paths.

    O(n + m) when the condensation is an out- or in-forest, else packed bit rows on the
    condensation (O(c^2 / 64) words of memory and time).
    """
    cond = cond if cond is not None else condensation(adjacency)
    if cond.count == 0:
        return np.zeros(0)
    if cond.is_out_forest or cond.is_in_forest:
        per_component = descendant_counts_forest(cond)
    else:
        bits = closure_bits(cond.dag, cond.reverse_generations)
        per_component = weighted_popcount(bits, cond.size.astype(float))
    return per_component[cond.component] - 1.0
