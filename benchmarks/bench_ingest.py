"""Benchmark: read and validate 1,000,000 people + 5,000,000 flow rows (issue 2).

Target: under 60 s wall time and under 6 GiB peak memory on 2 cores, for
``orgpower.api.read_org`` on a folder holding ``people`` and ``flows`` (CSV, then Parquet).

Each step runs in its own child process, so the peak memory printed (the child's own
``ru_maxrss``) belongs to that step alone:

1. setup: generate a synthetic org (orgpower.synthetic) and write people + flows
   with ``write_bundle`` into a temporary folder (timed too, but not part of the target);
2. measured: ``read_org([folder])`` (reading, header detection, validation).

    .venv/bin/python benchmarks/bench_ingest.py                       # full size, csv and parquet
    .venv/bin/python benchmarks/bench_ingest.py --people 100000 --flows 500000 --formats csv
    .venv/bin/python benchmarks/bench_ingest.py --profile             # cProfile of the measured step
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60.0
TARGET_GIB = 6.0


def _peak_gib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux: KiB


def _setup(folder: Path, people: int, flows: int, archetype: str, file_format: str) -> dict:
    from orgpower.synthetic import generate_org, write_bundle
    from orgpower.model import OrgModel

    started = time.perf_counter()
    org = generate_org(people, archetype, seed=1, flows_per_person=flows / people)
    generated = time.perf_counter() - started
    # people and flows only: the workload the target names
    paths = write_bundle(OrgModel(people=org.people, flows=org.flows), folder, file_format=file_format)
    return {
        "generate_s": round(generated, 2),
        "write_s": round(time.perf_counter() - started - generated, 2),
        "bytes": sum(p.stat().st_size for p in paths),
        "peak_gib": round(_peak_gib(), 2),
    }


def _measure(folder: Path, profile: bool) -> dict:
    started = time.perf_counter()
    from orgpower.api import read_org

    imported = time.perf_counter()
    cpu = time.process_time()  # CPU time is less sensitive than wall time to a busy machine
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        model = profiler.runcall(read_org, [folder])
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(30)
    else:
        model = read_org([folder])
    done = time.perf_counter()
    return {
        "read_org_s": round(done - imported, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "import_s": round(imported - started, 2),
        "people": len(model.people),
        "flows": len(model.flows),
        "errors": len(model.errors),
        "peak_gib": round(_peak_gib(), 2),
    }


def _child(*args: str) -> dict:
    """Run this script in a child process for one step and return what it printed (JSON)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, env=env, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench_ingest: step {args[0]} failed with exit status {done.returncode}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = round(time.perf_counter() - started, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--flows", type=int, default=5_000_000)
    parser.add_argument("--archetype", default="power-over", choices=("power-over", "mutual", "mixed"))
    parser.add_argument("--formats", default="csv,parquet", help="comma list of csv,parquet")
    parser.add_argument("--workdir", help="where to write the bundles (default: a temporary folder, removed after)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of read_org (stderr)")
    parser.add_argument("--step", choices=("setup", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.step == "setup":
        print(json.dumps(_setup(Path(args.folder), args.people, args.flows, args.archetype, args.format)))
        return 0
    if args.step == "measure":
        print(json.dumps(_measure(Path(args.folder), args.profile)))
        return 0

    base = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="orgpower-bench-"))
    print(f"bench_ingest: {args.people:,} people + {args.flows:,} flow rows ({args.archetype}), "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"target < {TARGET_SECONDS:.0f} s and < {TARGET_GIB:.0f} GiB for read_org")
    failed = False
    try:
        for file_format in [f.strip() for f in args.formats.split(",") if f.strip()]:
            folder = base / file_format
            common = ["--people", str(args.people), "--flows", str(args.flows), "--archetype", args.archetype,
                      "--folder", str(folder), "--format", file_format]
            setup = _child("--step", "setup", *common)
            print(f"  {file_format:8} setup: generate {setup['generate_s']:.1f} s, write {setup['write_s']:.1f} s, "
                  f"{setup['bytes'] / 1024**2:,.0f} MiB on disk, peak {setup['peak_gib']:.2f} GiB")
            measured = _child("--step", "measure", *common, *(["--profile"] if args.profile else []))
            ok = measured["read_org_s"] < TARGET_SECONDS and measured["peak_gib"] < TARGET_GIB
            failed |= not ok
            print(f"  {file_format:8} read_org: {measured['read_org_s']:.1f} s wall "
                  f"({measured['cpu_s']:.1f} s CPU; +{measured['import_s']:.1f} s import), "
                  f"peak {measured['peak_gib']:.2f} GiB, {measured['people']:,} people, "
                  f"{measured['flows']:,} flows, {measured['errors']} errors  [{'ok' if ok else 'MISSES TARGET'}]")
    finally:
        if not args.workdir:
            shutil.rmtree(base, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
