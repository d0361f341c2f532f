"""Benchmark: making export cells safe for spreadsheets (``neutralise_frame``), the step
every CSV/XLSX export and dashboard download runs over its text cells.

Prints the CPU time (best of 3) for 100,000 rows x 10 text columns of typical HR text
(names, units, a few cells that start like a formula), and the process's peak memory.

    .venv/bin/python benchmarks/bench_export_safety.py
    .venv/bin/python benchmarks/bench_export_safety.py --rows 1000000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

from orgpower.report.safety import neutralise_frame

WORDS = np.array(["Sales", "Engineering", "=cmd", "Ana Lopez", "Lead", "-12", "Üwe", " x", "Ops", "＝1+1"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=10)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"c{i}": WORDS[rng.integers(0, len(WORDS), args.rows)] for i in range(args.columns)})
    times = []
    for _ in range(3):
        started = time.process_time()
        neutralise_frame(frame)
        times.append(time.process_time() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"neutralise_frame: {args.rows:,} rows x {args.columns} text columns: {min(times):.3f} s CPU (best of 3), peak {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
