"""measure_org: every measure of one org, assembled (layers, people, structure).

``layers``: per layer the layer measures (docs/measures.md; :func:`orgpower.metrics.layer.layer_measures`)
plus ``null_model`` (degree-preserving rewiring, :func:`orgpower.metrics.nulls.null_comparison`).
``people``: the node-measures table (:mod:`orgpower.metrics.nodes`).
``structure``: spans and layers, concentration (Gini, HHI) of budgets and decision rights
and agony per layer (Gupta et al. 2011), as defined in docs/measures.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components

from orgpower.graph.layers import OrgGraph
from orgpower.metrics.concentration import gini, hhi, hhi_normalised
# the agony LP's cost grows quickly with the arcs on cycles: the same limit
# as the layer measures' binary agony
from orgpower.metrics.layer import AGONY_ARC_LIMIT
from orgpower.metrics.nodes import node_measures
from orgpower.metrics.tree import spans_and_layers

__all__ = ["OrgMeasures", "measure_org", "concentration_profile", "layer_seed", "AGONY_ARC_LIMIT"]



@dataclass
class OrgMeasures:
    """The measured org: ``layers`` (name -> dict), ``people`` (one row per person),
    ``structure`` (spans and layers, concentration, agony), and ``estimated``/``notes``
    for the people columns that were sampled rather than computed exactly."""

    layers: dict[str, dict]
    people: pd.DataFrame
    structure: dict
    estimated: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def layer_seed(seed: int, position: int) -> int:
    """An independent, reproducible seed for the layer at ``position`` (numpy SeedSequence)."""
    return int(np.random.SeedSequence([seed, position]).generate_state(1)[0])


def concentration_profile(holdings, top_layer: np.ndarray | None = None) -> dict:
    """How concentrated a non-negative holding is over people (Gini, HHI, HHI*).

    Keys: ``holders`` (people), ``total``, ``gini`` (population form), ``hhi``,
    ``hhi_normalised`` (HHI*), ``effective_number`` (1/HHI), ``top_1pct_share`` (share of
    the total held by the top ⌈1%⌉ of people), ``top_layer_share`` (share held by
    ``top_layer``, the people in reporting layer 1). ``None`` where undefined (zero total).

    >>> round(concentration_profile([50, 30, 20, 0])["hhi"], 6)
    0.38
    """
    x = np.asarray(holdings, dtype=np.float64)
    total = float(x.sum())
    h = hhi(x) if x.size else None
    top_count = max(1, math.ceil(0.01 * x.size)) if x.size else 0
    defined = total > 0
    return {
        "holders": int(x.size),
        "with_any": int((x > 0).sum()),
        "total": total,
        "gini": gini(x) if x.size else None,
        "hhi": h,
        "hhi_normalised": hhi_normalised(x) if x.size else None,
        "effective_number": (1.0 / h) if h else None,
        "top_1pct_people": top_count,
        "top_1pct_share": float(np.sort(x)[::-1][:top_count].sum() / total) if defined else None,
        "top_layer_share": (
            float(x[top_layer].sum() / total) if defined and top_layer is not None else None
        ),
    }


def _agony(layer, layer_values: dict | None = None) -> dict:
    """Valued agony of a layer (binary where the layer carries no weights): the least total
    upward cost of any ranking (Gupta et al. 2011; Tatti 2017)."""
    from orgpower.metrics.hierarchy import agony

    weighted = bool(layer.weighted)
    a = layer.adjacency
    total = float(a.sum()) if weighted else float(a.nnz)
    if not weighted and layer_values and "agony" in layer_values and a.nnz:
        # the layer measures already solved the binary LP: reuse it, do not solve twice
        value = layer_values["agony"]
        reason = (layer_values.get("undefined") or {}).get("agony")
        record = {"agony": value, "hierarchy": layer_values.get("agony_hierarchy"), "weighted": False}
        if value is None and reason:
            record["reason"] = reason
        return record
    if a.nnz == 0:
        return {"agony": None, "hierarchy": None, "weighted": weighted, "reason": "the layer has no arcs"}
    _, scc = connected_components(a, directed=True, connection="strong")
    coo = a.tocoo()
    cyclic = int((scc[coo.row] == scc[coo.col]).sum())
    if cyclic > AGONY_ARC_LIMIT:
        return {
            "agony": None, "hierarchy": None, "weighted": weighted, "cyclic_arcs": cyclic,
            "reason": f"{cyclic} arcs lie on cycles, above the exact LP limit of {AGONY_ARC_LIMIT}",
        }
    value = agony(a, weighted=weighted)
    return {
        "agony": value,
        "hierarchy": None if value is None else float(1.0 - value / total),
        "weighted": weighted,
        "cyclic_arcs": cyclic,
    }


def _structure(graph: OrgGraph, people: pd.DataFrame, tree, layers: dict[str, dict], agony: dict[str, dict]) -> dict:
    top_layer = (tree.depth == 0)
    structure: dict = {"spans_and_layers": spans_and_layers(tree)}
    concentration: dict = {}
    if "flows" in graph.layers:
        budget = people["resources_given"].to_numpy(dtype=np.float64)
        profile = concentration_profile(budget, top_layer)
        flows_total = float(graph.layers["flows"].adjacency.sum())
        profile["units_share"] = float(1.0 - budget.sum() / flows_total) if flows_total > 0 else None
        concentration["budgets"] = profile
    else:
        concentration["budgets"] = None
    if graph.decisions is not None and not graph.decisions.empty:
        concentration["decision_rights"] = {
            "accountable": concentration_profile(
                people["decision_rights_accountable"].to_numpy(dtype=np.float64, na_value=0.0), top_layer
            ),
            "deciding": concentration_profile(
                people["decision_rights_deciding"].to_numpy(dtype=np.float64, na_value=0.0), top_layer
            ),
        }
    else:
        concentration["decision_rights"] = None
    structure["concentration"] = concentration
    structure["agony"] = {name: agony[name] for name in graph.layers}
    return structure


def measure_org(
    graph: OrgGraph, *, null_samples: int = 20, seed: int = 0, exact_limit: int = 20000,
    progress: Callable[[int, int, str], None] | None = None, workers: int | None = 1,
) -> OrgMeasures:
    """Measure one org: every layer, every person, the formal structure.

    Deterministic for a ``seed``: each layer gets its own seed derived from ``seed`` and
    its position (:func:`layer_seed`). ``exact_limit`` is the node count above which
    all-pairs measures are estimated (and say so under ``estimated``). ``progress(done,
    total, step)`` hears as each step starts (one per layer, then the people): ``done``
    steps are finished; the last call has ``done == total``.

    ``workers``: how many processes measure the layers (each layer is two tasks: its
    measures with its agony and the people's betweenness in it, and its null samples;
    ``None``: every usable core; 1, the default: this process only). With more than
    one, this process measures the people while the workers measure the layers; the
    numbers are the same, bit for bit, as with one (:mod:`orgpower.workers`). Small
    orgs are measured in this process whatever is asked.
    """
    from orgpower.workers import worker_count

    total_steps = len(graph.layers) + 1

    def tell(done: int, step: str) -> None:
        if progress is not None:
            progress(done, total_steps, step)

    tasks = [(name, layer, layer_seed(seed, position)) for position, (name, layer) in enumerate(graph.layers.items())]
    arcs = sum(layer.m for layer in graph.layers.values())
    count = worker_count(workers, len(tasks), arcs)
    if count > 1:
        measured, nodes = _measure_in_parallel(graph, tasks, count, null_samples, seed, exact_limit, tell)
    else:
        measured = {}
        for done, (name, layer, own_seed) in enumerate(tasks):
            tell(done, f"layer {name}")
            measured[name] = _measure_layer(layer, null_samples, own_seed, exact_limit)
        tell(len(tasks), "people")
        nodes = node_measures(
            graph, exact_limit=exact_limit, seed=seed, betweenness_of=lambda name: measured[name][2],
        )
    tell(total_steps, "")
    layers = {name: values for name, (values, _, _) in measured.items()}
    structure = _structure(graph, nodes.people, nodes.tree, layers, {name: agony for name, (_, agony, _) in measured.items()})
    return OrgMeasures(
        layers=layers, people=nodes.people, structure=structure, estimated=nodes.estimated, notes=nodes.notes,
    )


def _measure_layer(layer, null_samples: int, seed: int, exact_limit: int) -> tuple[dict, dict, tuple | None]:
    """One layer's measures with its null model, its agony for the structure (the null
    model and the agony reuse the layer's own values) and the people's betweenness in it."""
    return _joined(layer, _layer_own_measures(layer, seed, exact_limit), _layer_null_draws(layer, null_samples, seed))


def _joined(layer, own: tuple, draws: dict) -> tuple[dict, dict, tuple | None]:
    """A layer's two halves as one: its own measures with the null model summarised from
    its null samples and its observed values."""
    from orgpower.metrics.nulls import null_summary

    measures, agony, betweenness = own
    measures["null_model"] = null_summary(layer, draws, measures)
    return measures, agony, betweenness


def _layer_of(sent):
    """The layer a task was sent: only its name to a forked worker, which already holds
    the layer in memory."""
    return _FORKED_LAYERS[sent] if isinstance(sent, str) else sent


def _layer_own_measures(layer, seed: int, exact_limit: int) -> tuple[dict, dict, tuple | None]:
    """A layer's measures, its agony, and the people's directed betweenness in it (one
    worker task: the people's betweenness reuses the layer's own path sample or exact
    scores, which only this process holds; ``None`` for the reporting layer, whose
    people's betweenness comes from the tree)."""
    from orgpower.metrics.layer import layer_measures
    from orgpower.metrics.nodes import directed_betweenness

    layer = _layer_of(layer)
    measures = dict(layer_measures(layer, exact_limit=exact_limit, seed=seed))
    betweenness = None
    if layer.name != "reporting":
        betweenness = directed_betweenness(layer.adjacency, exact_limit=exact_limit, seed=seed)
    agony = _agony(layer, measures)
    _give_back_working_memory()
    return measures, agony, betweenness


def _layer_null_draws(layer, null_samples: int, seed: int) -> dict:
    """A layer's null samples: the other worker task (it needs nothing of the first, so
    the two halves of a large layer share the cores)."""
    from orgpower.metrics.nulls import null_draws

    draws = null_draws(_layer_of(layer), samples=null_samples, seed=seed)
    _give_back_working_memory()
    return draws


def _give_back_working_memory() -> None:
    """After a layer task, the memory its arrays left in the heap goes back to the system
    (:func:`orgpower.workers.return_free_memory`, well under a millisecond on a small
    heap): a worker that has measured a 10-million-arc layer would otherwise keep its
    working set while it measures the small layers beside the null chain and the people."""
    from orgpower.workers import return_free_memory

    return_free_memory()


#: the org's layers while a forked pool measures them: the workers inherit them, so only
#: the layer's name is sent (pickling a million-person layer would cost seconds)
_FORKED_LAYERS: dict = {}


def _measure_in_parallel(graph: OrgGraph, tasks, count: int, null_samples: int, seed: int, exact_limit: int, tell):
    """The layers in ``count`` worker processes, the people here meanwhile; results in layer order.

    Each layer is two tasks, its own measures and its null samples, joined here."""
    from concurrent.futures import as_completed, wait

    from orgpower.workers import forks_safely, usable_cores, worker_pool

    inherit = forks_safely()
    if inherit:
        _FORKED_LAYERS.update({name: layer for name, layer, _ in tasks})
    try:
        with worker_pool(count, fork=inherit) as pool:
            # the largest layers first, so that no worker starts a long task last; a layer's
            # null samples (a chain of rewirings) before its measures
            ordered = sorted(tasks, key=lambda task: -task[1].m)
            futures = {}
            for name, layer, own_seed in ordered:
                sent = name if inherit else layer
                futures[pool.submit(_layer_null_draws, sent, null_samples, own_seed)] = (name, "null")
                futures[pool.submit(_layer_own_measures, sent, own_seed, exact_limit)] = (name, "own")
            own = {name: future for future, (name, half) in futures.items() if half == "own"}
            tell(0, f"{len(tasks)} layers in {count} processes, and the people")
            if count + 1 > usable_cores():
                # this process would only share a core with the workers, so the people wait
                # for the largest layer's own measures: the two hold the most memory of the
                # audit (1,000,000 collaboration-dense people: 1.9 and 1.7 GiB of their own,
                # beside the null chain's), and the workers keep the cores busy meanwhile
                wait([own[ordered[0][0]]])
            # the people's betweenness comes last from the workers' own tasks
            nodes = node_measures(
                graph, exact_limit=exact_limit, seed=seed, betweenness_of=lambda name: own[name].result()[2],
            )
            halves: dict = {}
            done = 0
            for future in as_completed(futures):
                name, half = futures[future]
                halves.setdefault(name, {})[half] = future.result()
                if len(halves[name]) == 2:
                    done += 1
                    tell(done, f"layer {name}")
    finally:
        _FORKED_LAYERS.clear()
    measured = {name: _joined(graph.layers[name], halves[name]["own"], halves[name]["null"]) for name, _, _ in tasks}
    return measured, nodes
