"""Benchmark: load a large synthetic org into Neo4j and read it back.

    .venv/bin/python benchmarks/bench_neo4j.py                 # 100,000 people, ~1,000,000 flow + decision rows
    .venv/bin/python benchmarks/bench_neo4j.py --people 10000  # a quick run
    .venv/bin/python benchmarks/bench_neo4j.py --without-relations   # the issue's load exactly
    NEO4J_URI=bolt://... .venv/bin/python benchmarks/bench_neo4j.py   # against a running server

Without NEO4J_URI it starts a private server with scripts/neo4j_server.py (the launcher's
settings: heap 512m-1g, page cache 512m) and stops it at the end. Prints the server's
start time and resident memory (after start, after the load, peak), the load time and
rows/s, the read-back time and rows/s, and this process's peak memory. ``--steps`` also
prints the time and rows/s of each write step (people, units, decisions, each relationship
type), to see where a load spends its time.

Measured at 100,000 people (1,438,118 rows), 2026-11-26, after the integer snapshot
keys, list rows for nodes, file names held once per table, column-at-a-time id lookups,
row building in chunks with the cycle collector paused, deletes by id over two writers
and arc tables read back as columns (``--loads 3``): server start 5.3 s (RSS 593 MiB);
first load after the start 34.5 s = 41,724 rows/s (server 56.8 CPU-s, of which about 25
are the JIT compiling the write paths); second load 23.8 s = 60,360 rows/s (32.7 CPU-s);
third 21.6 s = 66,502 rows/s (29.0 CPU-s); read back 12.2 s = 118,069 rows/s; delete
17.6-20.1 s per snapshot; server peak RSS 1.34 GiB; this process 5.5-5.7 CPU-s per load,
peak RSS 1.27 GiB (reading back; 0.6 GiB while loading).
Before (text keys, map rows, server-side deletes, a map per row read): first load
37.2-43.7 s, second 25.5 s = 56,349 rows/s with 31.8 server CPU-s and 8.3 client CPU-s;
read back 17.9 s; delete 26-32 s; client peak 1.44 GiB.

Reading back, 2026-11-27 (machine shared, load 5-9; CPU time is the comparable figure),
a snapshot of ``generate_org(people, "mixed", seed=1)`` with 10 flow + decision rows a
person, read by a bare ``Neo4jStore.read_model`` before / after the column-list reader
(each part's rows regrouped per column on the server, parts naming their nodes by
internal id, two readers): 100,000 people (1,438,118 rows) client 10.4-11.9 -> 3.5-3.6
CPU-s, server 6.5-8.3 -> 6.7-8.1 CPU-s, wall 19.0-29.4 -> 15.3-19.0 s; 300,000 people
(4,312,530 rows) client 34.8 -> 11.7 CPU-s, server 23.3 -> 22.6, peak RSS 2,426 -> 1,859
MiB; 1,000,000 people (14,374,848 rows) client 172.3 -> 50.7 CPU-s, server 139.5 -> 85.7
CPU-s, wall 482 -> 233 s; with each column also freed once typed: wall 201 s, client
46.2 CPU-s, peak RSS of a process that only reads 7,472 -> 4,315 MiB.

With ``--without-relations`` (the load the issue names: 100,000 people with their
109,557 reporting lines, 753,189 flows, 246,811 decisions; 1,209,615 rows): first load
31.9 s; warm 19.7 s and 18.4 s = 61,529 and 65,649 rows/s, or 55,953 and 59,700 rows/s
counting only the 1,100,000 people, flow and decision rows; read back 10.9 s.

What did not help (each tried at 30,000 or 100,000 people, back to back): batches of
1,000, 5,000 or 10,000 rows; 3 or 4 writers (deadlocks, no gain on 2 cores); heap 4g +
page cache 2g; ParallelGC; checkpoint/tx-log settings; no ``ord`` or no ``snapshot`` on
relationships (within noise once the key was an integer); ``CALL {} IN CONCURRENT
TRANSACTIONS``; building the next table's rows in a thread while the current one is
written (no gain: the server, not the client, is the bottleneck); C1-only JIT
(``-XX:TieredStopAtLevel=1``: a warm load 38 s) and ``-XX:CompileThresholdScaling=0.3``
(first load 40 s). Where a warm load spends its time (``--steps``): people 2.4 s,
decisions 0.4 s, MANAGES 0.9 s, FLOW 7.6 s (~99,000 rows/s), RELATION 3.0 s, ROLE 2.7 s,
BINDS 1.6 s; about 2 s building rows in Python between the steps.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

TABLES = ("people", "units", "reporting", "flows", "decisions", "relations")


def proc_status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def print_step(step: str, rows: int, seconds: float) -> None:
    """Neo4jStore.load's progress callback: each write step's time and rows/s."""
    print(f"  {step}: {rows:,} rows in {seconds:.1f} s = {rows / max(seconds, 1e-9):,.0f} rows/s", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--flow-decision-rows", type=int, default=1_000_000,
                        help="target number of flow + decision rows (flows are added to reach it)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--loads", type=int, default=2,
                        help="loads of the model, each as its own snapshot (the first one warms the server up)")
    parser.add_argument("--load-only", action="store_true", help="skip reading back")
    parser.add_argument("--without-relations", action="store_true",
                        help="leave out the generic relations (advice, ...): people, flows and decisions only")
    parser.add_argument("--steps", action="store_true", help="print the time of each write step")
    parser.add_argument("--server-pid", type=int, help="with NEO4J_URI: the server's PID, to report its CPU and memory")
    args = parser.parse_args(argv)

    from orgpower.graph.neo4j_store import Neo4jStore
    from orgpower.synthetic import generate_org

    began = time.perf_counter()
    probe = generate_org(args.people, "mixed", seed=args.seed, flows_per_person=1)
    decision_rows = len(probe.decisions)
    flows_per_person = max(1.0, (args.flow_decision_rows - decision_rows) / args.people)
    model = generate_org(args.people, "mixed", seed=args.seed, flows_per_person=flows_per_person)
    if args.without_relations:  # exactly the load: people (with their reporting lines), flows, decisions
        model.relations = model.relations.iloc[:0]
    rows = {table: len(getattr(model, table)) for table in TABLES}
    total_rows = sum(rows.values())
    print(f"model: {', '.join(f'{v:,} {k}' for k, v in rows.items())} = {total_rows:,} rows "
          f"({rows['flows'] + rows['decisions']:,} flow + decision rows), generated in {time.perf_counter() - began:.1f} s")

    started_here = False
    server_pid = args.server_pid
    if os.environ.get("NEO4J_URI"):
        uri = os.environ["NEO4J_URI"]
        print(f"server: using NEO4J_URI {uri}")
    else:
        import neo4j_server

        t0 = time.perf_counter()
        env = neo4j_server.start()
        started_here = True
        os.environ.update(env)
        uri = env["NEO4J_URI"]
        home = neo4j_server.CACHE / "instances" / neo4j_server._started[-1]
        server_pid = int((home / "run" / "neo4j.pid").read_text())
        print(f"server: Neo4j {neo4j_server.NEO4J_VERSION} started and answering Bolt in "
              f"{time.perf_counter() - t0:.1f} s; RSS {mib(proc_status_kib(server_pid, 'VmRSS'))}")
    try:
        with Neo4jStore.connect(uri) as store:
            store.ensure_schema()
            # The first load after a start runs while the JVM compiles the write paths
            # (about 25 CPU-s of JIT on this machine); later loads see a warm server,
            # as a server in service does. Both are measured and printed.
            loads = [("first load after start" if started_here else "load 1", f"bench-{uuid.uuid4().hex[:8]}")]
            if args.loads > 1:
                loads += [(f"load {i + 1} (warm server)", f"bench-{uuid.uuid4().hex[:8]}") for i in range(1, args.loads)]
            for label, snapshot in loads:
                t0, c0 = time.perf_counter(), cpu_seconds(server_pid) if server_pid else 0.0
                client0 = time.process_time()
                counts = store.load(model, snapshot, progress=print_step if args.steps else None)
                load_s = time.perf_counter() - t0
                client_cpu = time.process_time() - client0
                named = rows["people"] + rows["flows"] + rows["decisions"]
                print(f"{label}: {load_s:.1f} s, {total_rows / load_s:,.0f} rows/s; "
                      f"counting only people, flow and decision rows ({named:,}): {named / load_s:,.0f} rows/s "
                      f"({', '.join(f'{v:,} {k}' for k, v in counts.items())})")
                if server_pid:
                    # on a shared machine the server gets only part of the cores; its own CPU time
                    # says what the load costs: rows per server CPU-second
                    server_cpu = cpu_seconds(server_pid) - c0
                    print(f"  server used {server_cpu:.1f} CPU-s = {total_rows / server_cpu:,.0f} rows per server "
                          f"CPU-second; this process {client_cpu:.1f} CPU-s; server RSS after it "
                          f"{mib(proc_status_kib(server_pid, 'VmRSS'))}", flush=True)
            if not args.load_only:
                t0, c0 = time.perf_counter(), cpu_seconds(server_pid) if server_pid else 0.0
                client0 = time.process_time()
                back = store.read_model(snapshot)
                read_s = time.perf_counter() - t0
                client_cpu = time.process_time() - client0
                assert all(len(getattr(back, t)) == rows[t] for t in TABLES), "read back a different number of rows"
                print(f"read:  {read_s:.1f} s, {total_rows / read_s:,.0f} rows/s; this process {client_cpu:.1f} CPU-s"
                      + (f", the server {cpu_seconds(server_pid) - c0:.1f} CPU-s" if server_pid else ""))
            for _, snapshot in loads:
                t0 = time.perf_counter()
                store.delete_snapshot(snapshot)
                print(f"delete: {time.perf_counter() - t0:.1f} s")
        if server_pid:
            print(f"server peak RSS {mib(proc_status_kib(server_pid, 'VmHWM'))}")
        print(f"client peak RSS {mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)}")
        load1 = os.getloadavg()[0]
        print(f"machine: {os.cpu_count()} cores, load average {load1:.1f} at the end")
    finally:
        if started_here:
            neo4j_server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
