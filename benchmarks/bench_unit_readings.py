"""CPU time and peak memory of the units' readings, per layer, with their trophic levels.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_unit_readings.py [PEOPLE] [SHAPE]
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_unit_readings.py --bundle DIR

Default: 100,000 people of the collaboration-dense shape (``orgpower.synthetic.generate_shape``,
seed 0; the shapes of benchmarks/bench_shapes.py), or an org read from a bundle directory.
The units' readings (``orgpower.report.scopes.unit_group_readings``) measure every unit's
sub-layer at once on one block graph per layer; their costliest part is the trophic levels
of that block graph, whose core falls into one or more components per unit. Prints one
line per layer: the block graph's vertices and arcs, the weak components of its core that
are solved (with at least two vertices), the CPU seconds of ``trophic_levels`` and of the
layer's whole group measures; then the whole step's wall and CPU seconds, the process's
peak resident memory and the load average (the machine may be shared: CPU time is the
yardstick). Exit status 1 if the step takes more than 1 CPU second per 100,000 people.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

import numpy as np

TARGET_CPU_PER_100K = 1.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("people", nargs="?", type=int, default=100_000)
    parser.add_argument("shape", nargs="?", default="collaboration-dense")
    parser.add_argument("--bundle", default=None, help="read the org from this bundle directory instead")
    args = parser.parse_args(argv)

    from orgpower import api
    from orgpower.metrics import hierarchy
    from orgpower.report import scopes
    from orgpower.report.config import AuditConfig
    from orgpower.workers import one_blas_thread

    started = time.perf_counter()
    if args.bundle:
        model = api.read_org(args.bundle)
        what = args.bundle
    else:
        from orgpower.synthetic import generate_shape

        model = generate_shape(args.people, args.shape, seed=0)
        what = f"{args.people} people ({args.shape})"
    graph = api.build_graph(model)
    people = len(graph.people)
    print(f"org {what}: {people} people, graph built in {time.perf_counter() - started:.1f} s (not timed)")

    solves: list[dict] = []
    real_levels, real_measures = hierarchy.trophic_levels, scopes.group_measures

    def timed_levels(block, **kwargs):
        cpu = time.process_time()
        levels = real_levels(block, **kwargs)
        solved = time.process_time()
        # not part of the step: subtracted from its time below
        labels = hierarchy.weak_labels(hierarchy.binary(hierarchy.as_adjacency(block)))
        solves.append({"vertices": block.shape[0], "arcs": block.nnz, "cpu": solved - cpu,
                       "components": int(np.count_nonzero(np.bincount(labels) >= 2)),
                       "counting": time.process_time() - solved})
        return levels

    layers: list[tuple[str, float, dict | None]] = []

    def timed_measures(layer, members):
        cpu, before = time.process_time(), len(solves)
        result = real_measures(layer, members)
        solve = solves[-1] if len(solves) > before else None
        layers.append((layer.name, time.process_time() - cpu - (solve["counting"] if solve else 0.0), solve))
        return result

    hierarchy.trophic_levels, scopes.group_measures = timed_levels, timed_measures
    load = os.getloadavg()
    try:
        with one_blas_thread():
            wall, cpu = time.perf_counter(), time.process_time()
            scopes.unit_group_readings(graph, AuditConfig())
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        hierarchy.trophic_levels, scopes.group_measures = real_levels, real_measures
    cpu -= sum(solve["counting"] for solve in solves)
    wall -= sum(solve["counting"] for solve in solves)
    for name, seconds, solve in layers:
        if solve is None:
            print(f"  {name:18} no arcs inside units{'':64}group measures {seconds:6.2f} s cpu")
            continue
        print(f"  {name:18} block {solve['vertices']:>9} vertices {solve['arcs']:>10} arcs, "
              f"{solve['components']:>6} components with arcs   trophic_levels {solve['cpu']:6.2f} s cpu   "
              f"group measures {seconds:6.2f} s cpu")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"units' readings {wall:.2f} s wall, {cpu:.2f} s cpu, peak memory {peak_mib:.0f} MiB, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    target = TARGET_CPU_PER_100K * max(people, 100_000) / 100_000
    if cpu > target:
        print(f"slower than the {target:.1f} s CPU target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
