"""Time and peak memory of the whole audit (``orgpower.api.audit`` + writing audit.json).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_audit.py [PEOPLE ...]
        [--archetype mixed] [--seed 0] [--null-samples K]

Default sizes 10,000, 100,000 and 1,000,000 people (``orgpower.api.generate_org``,
archetype "mixed", seed 0). Each size runs in a fresh process, so the peak resident
memory printed is that size's own. Per size it prints one line per step — generating the
org (not part of the target), ``audit`` (with, inside it, ``measure_org`` and the summed
``null_comparison`` time), writing ``audit.json`` — with wall seconds, CPU seconds (all
threads of the process) and peak RSS (Linux VmHWM, reset before each step through
/proc/self/clear_refs), then the audit + json total against the targets.

Targets (issue 4 item 5): 100,000 people under 60 s and 4 GiB; 1,000,000 people under
600 s and 16 GiB (the whole audit JSON). Exit status 1 when a target is missed.
``--null-samples`` overrides the audit's default (AuditConfig.null_samples).

Measured 2026-11-26 (2 shared cores, OPENBLAS_NUM_THREADS=1), audit + audit.json:
before the size-adaptive null (50 samples on every layer) 10k 8.8 s, 100k 54.9 s
(null_comparison 29.8 s CPU); after: 10k 8.4 s, 100k 39.2 s (null 5.7 s CPU, 0.71 GiB),
1M 362.8 s (null 74.9 s CPU, 4.8 GiB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from memory_probes import peak_mib, reset_peak

TARGETS = {100_000: (60.0, 4.0), 1_000_000: (600.0, 16.0)}  # seconds, GiB


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(rows: list[dict], step: str, fn, *args, **kwargs):
    reset_peak()
    wall, cpu = time.perf_counter(), _cpu()
    result = fn(*args, **kwargs)
    rows.append({
        "step": step, "seconds": time.perf_counter() - wall, "cpu_seconds": _cpu() - cpu, "peak_mib": peak_mib(),
    })
    return result


def _worker(people: int, args) -> dict:
    import orgpower.metrics.nulls as nulls
    import orgpower.metrics.org as org
    from orgpower import api
    from orgpower.report.config import AuditConfig

    # inner steps: wrap measure_org and null_comparison to add up their time (audit
    # looks both up at call time, so the wrappers are seen)
    inner = {"measure_org": [0.0, 0.0], "null_comparison": [0.0, 0.0]}

    def clocked(name, fn):
        def wrapper(*a, **k):
            wall, cpu = time.perf_counter(), _cpu()
            try:
                return fn(*a, **k)
            finally:
                inner[name][0] += time.perf_counter() - wall
                inner[name][1] += _cpu() - cpu
        return wrapper

    org.measure_org = clocked("measure_org", org.measure_org)
    nulls.null_comparison = clocked("null_comparison", nulls.null_comparison)

    rows: list[dict] = []
    model = _timed(rows, "generate_org (not timed for the target)", api.generate_org, people, args.archetype, seed=args.seed)
    config = AuditConfig(seed=args.seed) if args.null_samples is None else AuditConfig(seed=args.seed, null_samples=args.null_samples)
    result = _timed(rows, "audit", api.audit, model, config=config)
    for name, (wall, cpu) in inner.items():
        rows.append({"step": f"  of which {name}", "seconds": wall, "cpu_seconds": cpu, "peak_mib": None})
    with tempfile.TemporaryDirectory() as out:
        _timed(rows, "write audit.json", api.write_reports, result, out, ("json",))
        size = (Path(out) / "audit.json").stat().st_size
    arcs = sum(int(layer.adjacency.nnz) for layer in api.build_graph(model).layers.values()) if hasattr(api, "build_graph") else None
    nulls_doc = {name: {k: v for k, v in values.get("null_model", {}).items() if k in ("samples", "policy")}
                 for name, values in result.document.get("layers", {}).items()} if isinstance(result.document.get("layers"), dict) else None
    return {"people": people, "arcs": arcs, "rows": rows, "json_bytes": size, "null_model": nulls_doc}


def _spawn(people: int, args) -> dict | None:
    command = [sys.executable, __file__, str(people), "--archetype", args.archetype, "--seed", str(args.seed), "--worker"]
    if args.null_samples is not None:
        command += ["--null-samples", str(args.null_samples)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  the {people:,}-people run failed:\n{done.stderr[-2000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--archetype", default="mixed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--null-samples", type=int, default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.sizes[0], args)))
        return 0
    missed = False
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}, archetype {args.archetype}, seed {args.seed}")
    for people in args.sizes:
        run = _spawn(people, args)
        if run is None:
            missed = True
            continue
        print(f"\n{people:,} people, {run['arcs']:,} arcs over all layers" if run["arcs"] else f"\n{people:,} people")
        for row in run["rows"]:
            peak = f"{row['peak_mib']:9.0f} MiB" if row["peak_mib"] is not None else ""
            print(f"  {row['step']:<42} {row['seconds']:9.1f} s wall {row['cpu_seconds']:9.1f} s CPU {peak}")
        timed = [r for r in run["rows"] if r["step"] in ("audit", "write audit.json")]
        total = sum(r["seconds"] for r in timed)
        peak_gib = max(r["peak_mib"] for r in timed) / 1024
        verdict = ""
        if people in TARGETS:
            seconds, gib = TARGETS[people]
            ok = total <= seconds and peak_gib <= gib
            missed |= not ok
            verdict = f"  target {seconds:.0f} s / {gib:.0f} GiB: {'met' if ok else 'MISSED'}"
        print(f"  audit + audit.json: {total:.1f} s, peak {peak_gib:.2f} GiB, json {run['json_bytes'] / 1e6:.1f} MB{verdict}")
        if run.get("null_model"):
            print(f"  null model per layer: {run['null_model']}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
