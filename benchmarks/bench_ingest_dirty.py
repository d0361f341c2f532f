"""Benchmark: read and validate a large *dirty* bundle (not a test; run on demand).

    .venv/bin/python benchmarks/bench_ingest_dirty.py [--people 1000000] [--flows 5000000] [--dir /tmp/orgpower-bench]

Unlike bench_ingest.py (clean synthetic orgs), the files here carry the faults that take
the slow branches of validation at scale: a duplicate id, a reporting cycle, unknown and
placeholder managers, a non-numeric and a negative amount, flows naming a lost id. The
bundle is written once into --dir by a child process; the measured step runs in a fresh
child so its peak memory (ru_maxrss) is its own. Prints wall time, CPU time (all
threads) and peak RSS. Target (issue 2): 1,000,000 people + 5,000,000 flow rows in
< 60 s and < 6 GiB on 2 cores.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def write_bundle(folder: Path, people: int, flows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = np.char.add("E", np.arange(people).astype(str))
    # Random recursive tree: person i reports to someone listed before them.
    manager = np.floor(rng.random(people) * np.arange(people)).astype(np.int64)
    manager_id = ids[manager].astype(object)
    manager_id[0] = ""
    manager_id[5] = "NOBODY"  # manager_not_a_person
    manager_id[6] = "E-missing"  # manager_not_found
    manager_id[10], manager_id[11] = ids[11], ids[10]  # a 2-cycle
    person_id = ids.astype(object)
    person_id[20] = ids[21]  # duplicate id (E20 is lost, so its reports lose their manager)
    pd.DataFrame({
        "person_id": person_id, "manager_id": manager_id,
        "name": np.char.add("Person ", np.arange(people).astype(str)),
        "unit": np.char.add("U", (np.arange(people) // 50).astype(str)),
        "fte": np.where(rng.random(people) < 0.1, 0.5, 1.0),
    }).to_csv(folder / "people.csv", index=False)
    amount = np.round(rng.random(flows) * 10000, 2).astype(object)
    amount[7] = "n/a"  # non_numeric_amount
    amount[8] = -5.0  # negative_amount
    pd.DataFrame({
        "source": ids[rng.integers(0, people, flows)], "target": ids[rng.integers(0, people, flows)],
        "amount": amount, "kind": "budget",
    }).to_csv(folder / "flows.csv", index=False)


def measure(folder: Path) -> None:
    from orgpower.ingest.bundle import read_bundle

    wall, cpu = time.perf_counter(), time.process_time()
    model = read_bundle([folder])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    codes: dict[str, int] = {}
    for problem in model.problems:
        codes[problem.code] = codes.get(problem.code, 0) + 1
    print(f"people={len(model.people):,} flows={len(model.flows):,} roots={len(model.roots):,} problems={codes}")
    print(f"read+validate: {wall:.1f} s wall, {cpu:.1f} s CPU (all threads), peak RSS {peak:.2f} GiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--flows", type=int, default=5_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/orgpower-bench"))
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return 0
    folder = args.dir / f"dirty_p{args.people}_f{args.flows}"
    if not (folder / "flows.csv").exists():
        started = time.perf_counter()
        write_bundle(folder, args.people, args.flows)
        print(f"wrote {folder} in {time.perf_counter() - started:.1f} s (setup, not measured)")
    return subprocess.call([sys.executable, __file__, "--measure", str(folder)])


if __name__ == "__main__":
    sys.exit(main())
