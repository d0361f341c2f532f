"""The in-process graph store (the embedded default): one sparse weighted digraph per layer.

A :class:`Layer` is one relation type analysed as a directed graph, stored as a
``scipy.sparse.csr_array`` over a fixed node order. Arcs run superior -> subordinate.
Self-loops are dropped (and counted), parallel records are summed into one weight,
so that every measure sees one orientation and one tie per ordered pair. Measures in
:mod:`orgpower.metrics` are pure functions over a ``Layer`` (or its adjacency).

Layers built from an :class:`~orgpower.model.OrgModel`:

``reporting``
    solid line manager -> report, weight 1. Nodes: every person/post.
``reporting_dotted``
    dotted-line manager -> report (only when the input has dotted lines).
``flows``
    funder -> recipient, weight = summed ``amount``. Nodes: every person plus each unit
    that a flow names.
``decisions``
    the person-to-person projection of decision rights (docs/readings.md, "The decisions
    projection"), weight =
    number of decisions: each decider (accountable / approve / veto / agree) -> each id
    the decision binds (``affects``; when a decision names none, every actor its row
    names, whatever the role). Only the say makes arcs: a voice (consulted, recommend) is counted
    in the decision-rights tables but does not return the say, so it adds no tie.
    Nodes: every person plus each unit that a decision names.
``<relation>``
    one layer per distinct ``relations.relation`` (``dotted`` feeds
    ``reporting_dotted`` instead), weight = summed ``weight``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from orgpower.model import DECIDING_ROLES, OrgModel

PEOPLE_LAYERS = ("reporting", "reporting_dotted")


@dataclass(frozen=True)
class Layer:
    """One relation type as a weighted digraph over ``node_ids`` (superior -> subordinate)."""

    name: str
    node_ids: np.ndarray  # object array of str, position = matrix index
    adjacency: sp.csr_array  # float64 weights, shape (n, n), no self-loops
    weighted: bool = False  # True when weights carry information beyond 0/1
    self_loops_dropped: int = 0
    people_count: int = 0  # how many of node_ids are people (they come first)

    @property
    def n(self) -> int:
        return int(self.adjacency.shape[0])

    @property
    def m(self) -> int:
        """Number of distinct arcs (self-loops excluded)."""
        return int(self.adjacency.nnz)

    def binary(self) -> sp.csr_array:
        """0/1 adjacency A (a_ij = 1 iff w_ij > 0)."""
        a = self.adjacency.copy()
        a.data = np.ones_like(a.data)
        return a

    def index_of(self) -> dict[str, int]:
        return {node: i for i, node in enumerate(self.node_ids)}


def layer_from_arcs(
    name: str,
    node_ids: np.ndarray | list[str],
    sources: np.ndarray | pd.Series,
    targets: np.ndarray | pd.Series,
    weights: np.ndarray | pd.Series | None = None,
    *,
    weighted: bool | None = None,
    people_count: int | None = None,
) -> Layer:
    """Build a :class:`Layer` from parallel arrays of arc ends (ids) and weights.

    Arcs whose ends are not in ``node_ids`` must have been set aside by validation;
    here they raise ``KeyError`` rather than vanish. Self-loops are dropped and counted,
    parallel arcs summed.

    >>> layer = layer_from_arcs("x", ["a", "b", "c"], ["a", "a", "b", "b"], ["b", "b", "c", "b"])
    >>> layer.m, layer.self_loops_dropped, float(layer.adjacency[0, 1])
    (2, 1, 2.0)
    """
    node_ids = np.asarray(node_ids, dtype=object)
    n = len(node_ids)
    nodes = _text(node_ids)
    src, dst = _positions(sources, nodes), _positions(targets, nodes)
    if (src < 0).any() or (dst < 0).any():
        missing = set(np.asarray(sources, dtype=object)[src < 0]) | set(np.asarray(targets, dtype=object)[dst < 0])
        raise KeyError(f"layer {name!r}: {len(missing)} arc end(s) are not nodes of the layer")
    return _layer(name, node_ids, src, dst, weights, weighted, people_count)


def _layer(name: str, node_ids: np.ndarray, src: np.ndarray, dst: np.ndarray, weights, weighted: bool | None,
           people_count: int | None) -> Layer:
    """The layer of arcs given by node positions (see :func:`layer_from_arcs`)."""
    n = len(node_ids)
    w = np.ones(len(src)) if weights is None else np.asarray(weights, dtype=float)
    loops = src == dst
    keep = ~loops
    adjacency = sp.csr_array((w[keep], (src[keep], dst[keep])), shape=(n, n))
    adjacency.sum_duplicates()
    adjacency.eliminate_zeros()
    if weighted is None:
        weighted = bool(adjacency.nnz) and not np.all(adjacency.data == 1.0)
    return Layer(
        name=name,
        node_ids=node_ids,
        adjacency=adjacency,
        weighted=weighted,
        self_loops_dropped=int(loops.sum()),
        people_count=n if people_count is None else people_count,
    )


def _text(values) -> pa.Array:
    """Ids as an Arrow string array (zero-copy from Arrow-backed columns; ids are strings,
    anything else is cast as ``str`` would)."""
    if isinstance(values, pd.Series):
        values = values.array
    array = pa.array(values, from_pandas=True) if not isinstance(values, pa.Array) else values
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        array = pa.array(np.asarray(values, dtype=object).astype(str), type=pa.string())
    return array


def _positions(values, nodes: pa.Array) -> np.ndarray:
    """Position of each id in ``nodes`` (−1 if absent), by Arrow's hash look-up: building
    Python strings for a million ids (``astype(str)``) cost more than the rest of the graph."""
    found = pc.index_in(_text(values), value_set=nodes)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


@dataclass
class OrgGraph:
    """The in-process graph of one org: people, units and one :class:`Layer` per relation type."""

    people: pd.DataFrame
    units: pd.DataFrame
    layers: dict[str, Layer] = field(default_factory=dict)
    # the validated decision rows (roles per actor), for decision rights held by role
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def person_ids(self) -> np.ndarray:
        return self.people["person_id"].astype(str).to_numpy(dtype=object)


def _node_set(person_ids: np.ndarray, *id_columns: pd.Series) -> np.ndarray:
    """People first (in their order), then any other id the layer names (units), sorted."""
    people = _text(person_ids)
    others: set[str] = set()
    for column in id_columns:
        values = pc.unique(_text(column).drop_null())
        others.update(values.filter(pc.invert(pc.is_in(values, value_set=people))).to_pylist())
    return np.concatenate([person_ids, np.array(sorted(others), dtype=object)])


def decision_arcs(decisions: pd.DataFrame) -> pd.DataFrame:
    """Project decision roles onto person-to-person arcs (see module docstring).

    Returns columns ``source``, ``target``, ``weight`` (one row per decision and pair,
    not yet summed).
    """
    if decisions.empty:
        return pd.DataFrame({"source": [], "target": [], "weight": []})
    d = decisions[["decision", "actor", "role", "affects"]].astype({"decision": str, "actor": str})
    deciders = d[d["role"].isin(DECIDING_ROLES)][["decision", "actor"]].drop_duplicates()
    bound = d[["decision", "affects"]].dropna().drop_duplicates().rename(columns={"affects": "target"})
    # Arrow's hash look-up: Series.isin of a million ids builds a Python list of them
    with_affects = pc.unique(_text(bound["decision"]))
    without_affects = ~pc.is_in(_text(d["decision"]), value_set=with_affects).to_numpy(zero_copy_only=False)
    # a decision that names no one it binds binds everyone its row names (any role)
    implicit = d[without_affects][["decision", "actor"]]
    bound = pd.concat([bound, implicit.rename(columns={"actor": "target"})]).drop_duplicates()
    down = deciders.merge(bound, on="decision").rename(columns={"actor": "source"})
    arcs = down[["decision", "source", "target"]].drop_duplicates()  # one count per decision and ordered pair
    arcs = arcs[arcs["source"] != arcs["target"]]
    arcs["weight"] = 1.0
    return arcs[["source", "target", "weight"]]


def _decision_arc_ends(decisions: pd.DataFrame) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray] | None:
    """The arcs of :func:`decision_arcs` (each one weight 1.0) as codes into one Arrow
    dictionary of ids: (dictionary, which entries the actor or affects columns name,
    source codes, target codes), built on
    integer codes: one Arrow dictionary for decision, actor and affected ids, the
    decider x bound join by index arithmetic (text de-duplication and merges of a million
    rows cost seconds). ``None`` when the table is not the validated text table this
    relies on (text columns, no blank decision or actor); then :func:`decision_arcs` runs.
    """
    columns = [decisions[c] for c in ("decision", "actor", "affects")]
    if not all(isinstance(c.dtype, pd.StringDtype) and c.dtype.storage == "pyarrow" for c in columns):
        return None
    texts = [_text(c).cast(pa.large_string()) for c in columns]
    if texts[0].null_count or texts[1].null_count:
        return None  # astype(str) would make "nan" of a blank: leave it to decision_arcs
    encoded = pc.dictionary_encode(pa.concat_arrays(texts))
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    size = max(len(encoded.dictionary), 1)
    decision, actor, affects = np.split(codes, [len(decisions), 2 * len(decisions)])

    def distinct(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = pd.unique(first * size + second)
        return key // size, key % size

    say = decisions["role"].isin(DECIDING_ROLES).to_numpy(dtype=bool)
    decider_decision, decider = distinct(decision[say], actor[say])
    named = affects >= 0
    has_affects = np.zeros(size, dtype=bool)
    has_affects[decision[named]] = True
    implicit = ~has_affects[decision]  # a decision naming no one binds every actor its rows name
    bound_decision, bound = distinct(np.concatenate([decision[named], decision[implicit]]),
                                     np.concatenate([affects[named], actor[implicit]]))
    order = np.argsort(bound_decision, kind="stable")
    per_decision = np.bincount(bound_decision, minlength=size)
    first = np.cumsum(per_decision) - per_decision
    repeat = per_decision[decider_decision]
    pair = np.repeat(np.arange(decider.size), repeat)
    within = np.arange(pair.size) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    source = decider[pair]
    target = bound[order][np.repeat(first[decider_decision], repeat) + within]
    keep = source != target
    named = np.zeros(size, dtype=bool)  # the ids the actor and affects columns name (the layer's nodes)
    named[actor] = True
    named[affects[affects >= 0]] = True
    return encoded.dictionary, named[: len(encoded.dictionary)], source[keep], target[keep]


def build_graph(model: OrgModel, *, threads: int | None = None) -> OrgGraph:
    """Build every layer of ``model`` in memory (the embedded default store).

    The layers are independent and most of each is Arrow's hashing, which releases the
    GIL: they are built two at a time in threads (``threads=1``: one by one), and kept in
    the same order whatever the order they finish in (a layer's position seeds its null
    model)."""
    from orgpower.workers import in_threads

    people = model.people.reset_index(drop=True)
    person_ids = people["person_id"].astype(str).to_numpy(dtype=object)
    n_people = len(person_ids)
    people_text = _text(people["person_id"].astype(str))
    graph = OrgGraph(people=people, units=model.units, decisions=model.decisions)
    builders: list[tuple[str, Callable[[], Layer]]] = []

    reporting = model.reporting
    for line, name in (("solid", "reporting"), ("dotted", "reporting_dotted")):
        arcs = reporting[reporting["line"] == line]
        if line == "dotted" and arcs.empty:
            continue
        builders.append((name, functools.partial(
            layer_from_arcs, name, person_ids, arcs["source"], arcs["target"], weighted=False, people_count=n_people,
        )))

    flows = model.flows
    if not flows.empty:
        builders.append(("flows", functools.partial(
            _layer_of_ends, "flows", person_ids, people_text, flows["source"], flows["target"],
            flows["amount"].astype(float),
        )))

    if not model.decisions.empty:
        builders.append(("decisions", functools.partial(_decision_layer, model.decisions, person_ids, people_text)))

    relations = model.relations
    for relation, arcs in relations.groupby("relation", sort=True):
        if relation == "dotted":
            continue  # ingest turns these into dotted reporting arcs
        weights = arcs["weight"].astype(float).fillna(1.0) if "weight" in arcs else None
        builders.append((str(relation), functools.partial(
            _layer_of_ends, str(relation), person_ids, people_text, arcs["source"], arcs["target"], weights,
        )))

    built = in_threads(lambda build: build(), [build for _, build in builders], threads)
    graph.layers.update(zip([name for name, _ in builders], built))
    return graph


def _decision_layer(decisions: pd.DataFrame, person_ids: np.ndarray, people_text: pa.Array) -> Layer:
    """The decisions layer: who decides -> whom the decision binds (:func:`decision_arcs`)."""
    n_people = len(person_ids)
    ends = _decision_arc_ends(decisions)
    if ends is not None:
        dictionary, named, source, target = ends
        node_ids, where = _nodes_of(person_ids, people_text, dictionary, named)
        return _layer("decisions", node_ids, where[source], where[target], np.ones(len(source)), None, n_people)
    nodes = _node_set(person_ids, decisions["actor"], decisions["affects"])
    arcs = decision_arcs(decisions)
    return layer_from_arcs("decisions", nodes, arcs["source"], arcs["target"], np.ones(len(arcs)), people_count=n_people)


def _layer_of_ends(name: str, person_ids: np.ndarray, people_text: pa.Array, sources: pd.Series, targets: pd.Series,
                   weights) -> Layer:
    """``layer_from_arcs(name, _node_set(person_ids, sources, targets), sources, targets,
    weights)`` with one hash pass over the arc ends: they are dictionary-coded once, and
    only the distinct ids are looked up among the people (the node set and both ends'
    positions follow from the codes)."""
    ends = [_text(sources), _text(targets)]
    kind = pa.large_string() if any(pa.types.is_large_string(e.type) for e in ends) else pa.string()
    encoded = pc.dictionary_encode(pa.concat_arrays([e.cast(kind) for e in ends]))
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    if (codes < 0).any():  # a blank end: layer_from_arcs says how many ends are not nodes
        return layer_from_arcs(name, _node_set(person_ids, sources, targets), sources, targets, weights,
                               people_count=len(person_ids))
    node_ids, where = _nodes_of(person_ids, people_text, encoded.dictionary, np.ones(len(encoded.dictionary), bool))
    positions = where[codes]
    return _layer(name, node_ids, positions[: len(sources)], positions[len(sources):], weights, None, len(person_ids))


def _nodes_of(person_ids: np.ndarray, people_text: pa.Array, dictionary: pa.Array,
              named: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The node set of :func:`_node_set` (people first, then the other ``named`` ids of
    ``dictionary``, sorted) and each dictionary entry's position in it (-1 where neither)."""
    where = pc.fill_null(pc.index_in(dictionary, value_set=people_text), -1).to_numpy(zero_copy_only=False).astype(np.int64)
    other = np.flatnonzero(named & (where < 0))
    names = dictionary.take(pa.array(other)).to_pylist()
    order = sorted(range(len(names)), key=names.__getitem__)
    where[other[order]] = len(person_ids) + np.arange(len(order))
    return np.concatenate([person_ids, np.array([names[i] for i in order], dtype=object)]), where
