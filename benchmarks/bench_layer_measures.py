"""Time and peak memory of layer_measures and null_comparison on a synthetic org.

    .venv/bin/python benchmarks/bench_layer_measures.py [PEOPLE] [ARCHETYPE]

Default: 100,000 people, archetype "mixed", every layer build_graph makes. Prints one
line per layer (nodes, arcs, seconds for layer_measures, seconds for null_comparison with
samples=10, which keys were estimated), wall and CPU seconds, and the process's peak
resident memory. Exit status 1 if the layers together take more CPU time than the target:
30 s per 100,000 people for both steps (the whole audit must stay under 60 s at 100,000
and 10 minutes at 1,000,000 people). CPU time is the yardstick because on a shared
machine wall time also measures the neighbours.
"""

from __future__ import annotations

import resource
import sys
import time

from orgpower.graph.layers import build_graph
from orgpower.synthetic import generate_org
from orgpower.metrics.layer import layer_measures
from orgpower.metrics.nulls import null_comparison

TARGET_SECONDS_PER_100K = 30.0


def main(argv: list[str]) -> int:
    people = int(argv[0]) if argv else 100_000
    archetype = argv[1] if len(argv) > 1 else "mixed"
    started = time.perf_counter()
    graph = build_graph(generate_org(people, archetype, seed=0))
    print(f"org of {people} people ({archetype}) built in {time.perf_counter() - started:.1f} s")
    total = total_cpu = 0.0
    for name, layer in graph.layers.items():
        t0, c0 = time.perf_counter(), time.process_time()
        measures = layer_measures(layer)
        t1, c1 = time.perf_counter(), time.process_time()
        null_comparison(layer, samples=10, seed=0)
        t2, c2 = time.perf_counter(), time.process_time()
        total += t2 - t0
        total_cpu += c2 - c0
        estimated = ",".join(sorted(measures["estimated"])) or "-"
        print(f"  {name:18} nodes {layer.n:>8} arcs {layer.m:>9}  measures {t1 - t0:6.2f} s (cpu {c1 - c0:6.2f})"
              f"  nulls(10) {t2 - t1:6.2f} s (cpu {c2 - c1:6.2f})  estimated: {estimated}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU time is printed too: on a shared machine wall time also measures the neighbours
    print(f"layers total {total:.1f} s wall, {total_cpu:.1f} s cpu, peak memory {peak_mib:.0f} MiB")
    target = TARGET_SECONDS_PER_100K * max(people, 100_000) / 100_000
    if total_cpu > target:
        print(f"slower than the {target:.0f} s CPU target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
