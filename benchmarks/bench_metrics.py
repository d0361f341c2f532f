"""Time and peak memory of the whole measurement (measure_org) per measure, against networkx.

    .venv/bin/python benchmarks/bench_metrics.py [PEOPLE ...] [--null-samples K]
        [--archetype mixed] [--no-networkx] [--no-end-to-end]

Default sizes 10,000, 100,000 and 1,000,000 people (``orgpower.api.generate_org``,
archetype "mixed", seed 0). Each size runs in a fresh process, so the peak resident
memory printed is that size's own. For each size it prints:

* one line per measure of ``measure_org``'s work: per layer ``layer_measures`` and
  ``null_comparison``, then the node measures (reporting tree, and per layer degree,
  betweenness, PageRank, Bonacich, constraint, brokerage), decision rights and the
  structure; seconds and peak RSS during that step (Linux VmHWM, reset before each step
  through /proc/self/clear_refs, so C allocations of igraph/scipy count too);
* the end-to-end ``measure_org`` time (``--no-end-to-end`` skips it above 100,000);
* in a separate process, a plain networkx 3.6 script computing the subset networkx can
  on the same layers: in/out ``degree_centrality`` (Freeman centralization from them),
  ``reciprocity``, ``flow_hierarchy``, ``betweenness_centrality``, ``pagerank``,
  ``constraint``. Where a full networkx run would take hours, it is timed on a uniform
  sample and extrapolated linearly, and the line says so: betweenness on k sources
  (Brandes' cost is exactly one BFS + accumulation per source), constraint on k nodes;
* the speed-up: networkx subset time / our whole measurement time, and like for like
  (networkx subset / our same measures).

Targets (issue 4): whole measurement at 10,000 people ≥ 10x faster than the networkx
script; 100,000 people under 60 s and 4 GiB; 1,000,000 under 600 s and 16 GiB. Exit
status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time

from memory_probes import peak_mib, reset_peak

TARGETS = {100_000: (60.0, 4.0), 1_000_000: (600.0, 16.0)}  # seconds, GiB
SPEEDUP_TARGET = (10_000, 10.0)
NX_EXACT_SOURCES = 2_000  # above this many nodes networkx betweenness is sampled
NX_SAMPLE = 200  # sources for sampled networkx betweenness, nodes for sampled constraint
NX_SAMPLE_HUGE = 20  # the same above 100,000 nodes (one networkx BFS there takes seconds)
NX_CONSTRAINT_EXACT = 20_000


class Steps:
    """Collects (group, measure, seconds, peak MiB) rows."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.overall_peak = 0.0

    def run(self, group: str, measure: str, fn, *args, **kwargs):
        reset_peak()
        started = time.perf_counter()
        result = fn(*args, **kwargs)
        seconds = time.perf_counter() - started
        peak = peak_mib()
        self.overall_peak = max(self.overall_peak, peak)
        self.rows.append({"group": group, "measure": measure, "seconds": seconds, "peak_mib": peak})
        print(f"    {group:18} {measure:24} {seconds:9.2f} s  peak {peak:8.0f} MiB", flush=True)
        return result


# ---------------------------------------------------------------- our measurement

def _ours(people: int, archetype: str, null_samples: int, end_to_end: bool) -> dict:
    import scipy.sparse as sp

    from orgpower.api import build_graph, generate_org
    from orgpower.metrics import nodes as nm
    from orgpower.metrics.brokerage import brokerage
    from orgpower.metrics.decision_rights import decision_rights
    from orgpower.metrics.layer import layer_measures
    from orgpower.metrics.nulls import null_comparison
    from orgpower.metrics.org import _structure, layer_seed, measure_org
    from orgpower.metrics.power import bonacich_power, pagerank
    from orgpower.metrics.structural_holes import constraint
    from orgpower.metrics.tree import reporting_tree, tree_betweenness, tree_betweenness_directed

    steps = Steps()
    model = steps.run("setup", "generate_org", generate_org, people, archetype, seed=0)
    graph = steps.run("setup", "build_graph", build_graph, model)
    shape = {name: {"nodes": layer.n, "arcs": layer.m} for name, layer in graph.layers.items()}
    print("    layers: " + ", ".join(f"{k} {v['nodes']}/{v['arcs']}" for k, v in shape.items()), flush=True)
    del model
    like_for_like = 0.0
    layers = {}
    for position, (name, layer) in enumerate(graph.layers.items()):
        seed = layer_seed(0, position)
        layers[name] = steps.run(name, "layer_measures", layer_measures, layer, exact_limit=20000, seed=seed)
        null = steps.run(name, "null_comparison", null_comparison, layer, samples=null_samples, seed=seed,
                         observed=layers[name])
        # the size-adaptive policy may take fewer samples than asked on large layers
        steps.rows[-1]["measure"] = f"null_comparison({null['samples']} of {null_samples})"
        print(f"    {name:18} (null samples taken: {null['samples']} of {null_samples})", flush=True)

    n = len(graph.people)
    tree = steps.run("reporting", "tree (spans/layers/reach)", reporting_tree, graph.layers["reporting"].adjacency)
    steps.run("reporting", "tree betweenness x2", lambda: (tree_betweenness(tree), tree_betweenness_directed(tree)))
    like_for_like += steps.rows[-1]["seconds"]
    for name, layer in graph.layers.items():
        stored = layer.adjacency
        up = sp.csr_array(stored.T) if name in nm.AUTHORITY_LAYERS else stored
        down = stored if name in nm.AUTHORITY_LAYERS else sp.csr_array(stored.T)
        steps.run(name, "degree/strength", nm._degree_columns, layer, n)
        if name != "reporting":
            steps.run(name, "betweenness", nm.directed_betweenness, stored, exact_limit=20000, seed=0)
            like_for_like += steps.rows[-1]["seconds"]
        steps.run(name, "pagerank", pagerank, up)
        like_for_like += steps.rows[-1]["seconds"]
        steps.run(name, "bonacich_power", bonacich_power, down)
        steps.run(name, "constraint", constraint, stored, weighted=layer.weighted)
        like_for_like += steps.rows[-1]["seconds"]
        steps.run(name, "brokerage", brokerage, layer.binary(), nm._node_groups(layer, graph.people), limit=5_000_000)
    steps.run("people", "decision_rights", decision_rights, graph.decisions, graph.person_ids)
    table = steps.run("people", "node_measures (all)", nm.node_measures, graph)
    steps.run("structure", "spans/concentration/agony", _structure, graph, table.people, table.tree, layers)
    # like for like: networkx's subset also has degree centralization, reciprocity and flow
    # hierarchy, which are parts of layer_measures; count our whole layer_measures for them
    like_for_like += sum(r["seconds"] for r in steps.rows if r["measure"] == "layer_measures")
    measured = sum(r["seconds"] for r in steps.rows if r["group"] != "setup" and r["measure"] != "node_measures (all)")
    result = {"people": people, "steps": steps.rows, "measurement_seconds": measured,
              "like_for_like_seconds": like_for_like, "layers": shape}
    if end_to_end:
        reset_peak()
        started = time.perf_counter()
        measure_org(graph, null_samples=null_samples, seed=0)
        result["end_to_end_seconds"] = time.perf_counter() - started
        result["end_to_end_peak_mib"] = peak_mib()
        print(f"    measure_org end to end {result['end_to_end_seconds']:.2f} s, "
              f"peak {result['end_to_end_peak_mib']:.0f} MiB", flush=True)
    result["peak_mib"] = max(steps.overall_peak, result.get("end_to_end_peak_mib", 0.0))
    return result


# ---------------------------------------------------------------- the plain networkx script

def _networkx(people: int, archetype: str) -> dict:
    import networkx as nx
    import numpy as np

    from orgpower.api import build_graph, generate_org

    steps = Steps()
    graph = build_graph(generate_org(people, archetype, seed=0))
    rng = np.random.default_rng(0)
    sample = NX_SAMPLE if people <= 100_000 else NX_SAMPLE_HUGE
    total = 0.0
    extrapolated = []
    for name, layer in graph.layers.items():
        coo = layer.adjacency.tocoo()
        g = steps.run(name, "nx.DiGraph build", _nx_digraph, layer.n, coo, layer.weighted)
        n = g.number_of_nodes()
        weight = "weight" if layer.weighted else None
        steps.run(name, "degree_centrality in/out", _nx_degree_centralization, g)
        total += steps.rows[-1]["seconds"]
        if g.number_of_edges():
            steps.run(name, "reciprocity", nx.reciprocity, g)
            total += steps.rows[-1]["seconds"]
            steps.run(name, "flow_hierarchy", nx.flow_hierarchy, g)
            total += steps.rows[-1]["seconds"]
        steps.run(name, "pagerank", nx.pagerank, g, weight=weight)
        total += steps.rows[-1]["seconds"]
        if n <= NX_EXACT_SOURCES:
            steps.run(name, "betweenness_centrality", nx.betweenness_centrality, g)
            total += steps.rows[-1]["seconds"]
        else:
            steps.run(name, f"betweenness k={sample}", nx.betweenness_centrality, g, k=sample, seed=0)
            full = steps.rows[-1]["seconds"] * n / sample
            steps.rows[-1]["extrapolated_seconds"] = full
            extrapolated.append(f"{name} betweenness {full:.0f} s")
            total += full
            print(f"    {name:18} {'  -> all sources (extrap.)':24} {full:9.1f} s", flush=True)
        if n <= NX_CONSTRAINT_EXACT:
            steps.run(name, "constraint", nx.constraint, g, weight=weight)
            total += steps.rows[-1]["seconds"]
        else:
            chosen = rng.choice(n, size=sample, replace=False).tolist()
            steps.run(name, f"constraint {sample} nodes", nx.constraint, g, nodes=chosen, weight=weight)
            full = steps.rows[-1]["seconds"] * n / sample
            steps.rows[-1]["extrapolated_seconds"] = full
            extrapolated.append(f"{name} constraint {full:.0f} s")
            total += full
            print(f"    {name:18} {'  -> all nodes (extrap.)':24} {full:9.1f} s", flush=True)
        del g
    return {"people": people, "steps": steps.rows, "networkx_seconds": total, "extrapolated": extrapolated,
            "peak_mib": steps.overall_peak}


def _nx_digraph(n, coo, weighted):
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    if weighted:
        g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()))
    else:
        g.add_edges_from(zip(coo.row.tolist(), coo.col.tolist()))
    return g


def _nx_degree_centralization(g):
    import networkx as nx

    n = g.number_of_nodes()
    out = {}
    for label, fn in (("in", nx.in_degree_centrality), ("out", nx.out_degree_centrality)):
        c = fn(g)  # degree / (n - 1)
        top = max(c.values())
        out[label] = sum(top - v for v in c.values()) * (n - 1) / (n - 1) ** 2  # sna T(n) = (n-1)^2
    return out


# ---------------------------------------------------------------- driver

def _worker(kind: str, people: int, args) -> int:
    if kind == "ours":
        result = _ours(people, args.archetype, args.null_samples, args.end_to_end or people <= 100_000)
    else:
        result = _networkx(people, args.archetype)
    print("RESULT " + json.dumps(result), flush=True)
    return 0


def _spawn(kind: str, people: int, args) -> dict | None:
    command = [sys.executable, __file__, "--worker", kind, str(people), "--archetype", args.archetype,
               "--null-samples", str(args.null_samples)] + (["--end-to-end"] if args.end_to_end else [])
    env = dict(os.environ, OPENBLAS_NUM_THREADS=os.environ.get("OPENBLAS_NUM_THREADS", "1"))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    result = None
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
        else:
            print(line, end="", flush=True)
    process.wait()
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--archetype", default="mixed")
    parser.add_argument("--null-samples", type=int, default=20)
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument("--end-to-end", action="store_true", help="also run measure_org end to end above 100,000")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PEOPLE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args.worker[0], int(args.worker[1]), args)

    missed = []
    for people in args.sizes:
        print(f"== {people:,} people ({args.archetype}, null samples {args.null_samples})", flush=True)
        ours = _spawn("ours", people, args)
        if ours is None:
            missed.append(f"{people}: our measurement failed")
            continue
        whole = ours.get("end_to_end_seconds", ours["measurement_seconds"])
        peak_gib = ours["peak_mib"] / 1024
        print(f"  ours: measurement {ours['measurement_seconds']:.1f} s (sum of steps), "
              f"end to end {ours.get('end_to_end_seconds', float('nan')):.1f} s, peak {peak_gib:.2f} GiB", flush=True)
        if people in TARGETS:
            seconds, gib = TARGETS[people]
            ok = whole <= seconds and peak_gib <= gib
            print(f"  target {seconds:.0f} s and {gib:.0f} GiB: {'met' if ok else 'MISSED'}", flush=True)
            if not ok:
                missed.append(f"{people}: {whole:.0f} s, {peak_gib:.2f} GiB")
        if args.no_networkx:
            continue
        print("  networkx subset:", flush=True)
        reference = _spawn("networkx", people, args)
        if reference is None:
            print("  networkx run failed", flush=True)
            continue
        nx_seconds = reference["networkx_seconds"]
        speedup = nx_seconds / whole if whole else math.inf
        like = nx_seconds / ours["like_for_like_seconds"] if ours["like_for_like_seconds"] else math.inf
        print(f"  networkx subset {nx_seconds:.1f} s (extrapolated parts: {', '.join(reference['extrapolated']) or 'none'}), "
              f"peak {reference['peak_mib'] / 1024:.2f} GiB", flush=True)
        print(f"  speed-up: whole measurement {speedup:.1f}x, like for like {like:.1f}x", flush=True)
        if people == SPEEDUP_TARGET[0] and speedup < SPEEDUP_TARGET[1]:
            missed.append(f"{people}: speed-up {speedup:.1f}x < {SPEEDUP_TARGET[1]:.0f}x")
    if missed:
        print("targets missed: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
