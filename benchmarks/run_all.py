"""Run every benchmarks/bench_*.py in turn (`make bench`); each prints its own time and
peak memory. Exit status 1 if any benchmark failed or missed its target.

    .venv/bin/python benchmarks/run_all.py            # all
    .venv/bin/python benchmarks/run_all.py ingest     # those whose name contains "ingest"
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(word in s.stem for word in argv)]
    if not scripts:
        print("run_all: no benchmark matches.", file=sys.stderr)
        return 2
    outcomes = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        status = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        outcomes.append((script.name, status, time.perf_counter() - started))
    print("== summary")
    for name, status, seconds in outcomes:
        print(f"  {name:32} {'ok' if status == 0 else f'FAILED (exit {status})':>16}  {seconds:8.1f} s")
    return 0 if all(status == 0 for _, status, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
