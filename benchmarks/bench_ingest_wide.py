"""Benchmark: read a people CSV of 20 rows and many columns (issue 12: reading must be
linear in the number of columns). Each size runs in its own child process, so the peak
memory printed belongs to that read alone.

    .venv/bin/python benchmarks/bench_ingest_wide.py                      # 10,000 / 50,000 / 100,000 columns
    .venv/bin/python benchmarks/bench_ingest_wide.py --columns 2500,5000

Measured on 2 shared cores (load average about 20, so CPU time is the number to compare):
before (columns added one at a time, tidied column by column) 2,500 columns took 10.4 s
CPU and 5,000 more than 280 s of wall time; after, 2,500 -> 0.8 s, 5,000 -> 1.6 s,
10,000 -> 3.5 s, 50,000 -> 15.4 s, 100,000 -> 32.3 s CPU (peak 1.2 GiB).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _write(path: Path, columns: int, rows: int = 20) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "manager_id"] + [f"attribute {i}" for i in range(columns)])
        for r in range(rows):
            writer.writerow([f"p{r}", "" if r == 0 else "p0"] + [str(r * i % 7) for i in range(columns)])


def _measure(path: str) -> dict:
    import resource

    from orgpower.api import read_org  # imports are not part of the read

    cpu, wall = time.process_time(), time.perf_counter()
    model = read_org([path])
    return {
        "cpu_s": round(time.process_time() - cpu, 2),
        "wall_s": round(time.perf_counter() - wall, 2),
        "peak_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2),
        "columns": len(model.people.columns),
        "errors": len(model.errors),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", default="10000,50000,100000", help="comma list of column counts")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.measure)))
        return 0
    print(f"bench_ingest_wide: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        for columns in (int(c) for c in args.columns.split(",")):
            path = Path(folder) / f"people-{columns}.csv"
            _write(path, columns)
            out = subprocess.run([sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True,
                                 check=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(f"  {columns:>7,} columns: {result['cpu_s']:.1f} s CPU, {result['wall_s']:.1f} s wall, "
                  f"peak {result['peak_gib']:.2f} GiB, {result['errors']} errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
