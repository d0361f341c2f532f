"""Per-step cost of the whole audit over the three benchmark shapes, and its growth with size.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_shapes.py [PEOPLE ...]
        [--shapes tree-like,cross-linked,collaboration-dense] [--time-cap SECONDS]
        [--cli] [--save FILE.json] [--depth N]
    .venv/bin/python benchmarks/bench_shapes.py --show FILE.json   # the tables of saved runs again

Default sizes 10,000, 100,000 and 1,000,000 people of each shape
(``orgpower.synthetic.generate_shape``, seed 0). Each (shape, size) runs in a fresh
process, which first writes the org as a CSV bundle (not timed), then times: reading the
bundle (``read_org``), the audit (``audit``) and writing ``audit.json`` and ``people.csv``.
Inside the audit every step is timed on its own: building the graph, per layer the layer
measures (with trophic levels, reachability/Krackhardt, betweenness, LUB and agony
inside) and the null model, the node measures (tree, betweenness, PageRank, Bonacich,
constraint, brokerage, decision rights), the structure, and the readings (teams, units,
reporting pairs, decisions, resources, findings, document, tables).

For every step it prints wall seconds, CPU seconds (all threads of the process, plus its
worker processes once they have finished: the audit measures the layers of a large org
in ``--workers`` processes, every core by default) and peak memory during the step: the
process's peak resident memory (Linux VmHWM, reset before each step; a step's peak
includes its sub-steps'), or, if higher, the peak proportional set size of the process
and its workers together, sampled every half second (top-level steps only); then the growth exponent log(t2/t1)/log(n2/n1) of each step's
CPU time between consecutive sizes (1 = linear), and the load average at the start, since
the machine may be shared. ``--time-cap`` stops a run that takes longer (its finished
steps are still printed, the unfinished ones marked). ``--cli`` also times the whole
command ``orgpower audit DIR --out OUT --format json`` (wall, including start-up).

Goals (issue 13): 1,000,000 people of every shape under 120 s and 6 GiB (read + audit +
writing), 100,000 under 15 s, 10,000 under 2 s for the whole CLI run, 1M/100k time ratio
at most 15. Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from memory_probes import peak_mib, reset_peak, tree_pss_by_process

SHAPES = ("tree-like", "cross-linked", "collaboration-dense")
GOALS = {1_000_000: (120.0, 6.0), 100_000: (15.0, None)}  # seconds, GiB (read + audit + writing)
CLI_GOAL = (10_000, 2.0)
PSS_EVERY = 0.5  # seconds between samples of the process tree's memory
RATIO_GOAL = 15.0


def _say(line: str) -> None:
    """One line to the parent in one write: the layer workers share this pipe, and
    ``print`` writes the text and its newline apart, so two workers' lines could
    interleave (seen once: two records on one line). A write of under 4,096 bytes to a
    pipe is never split."""
    sys.stdout.flush()
    os.write(sys.stdout.fileno(), (line + "\n").encode())


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the audit's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Clock:
    """Nested step timer: wall, CPU and peak RSS per step path, summed over calls."""

    def __init__(self, depth: int) -> None:
        self.stack: list[dict] = []
        self.steps: dict[str, dict] = {}
        self.depth = depth
        self.pid = os.getpid()

    def wrap(self, owner, name: str, label: str | None = None, keyed=None):
        fn = getattr(owner, name)
        if getattr(fn, "_clocked", False):
            return

        @functools.wraps(fn)
        def clocked(*args, **kwargs):
            step = label or name
            if keyed is not None:
                step = f"{step}[{keyed(args, kwargs)}]"
            return self.run(step, fn, *args, **kwargs)

        clocked._clocked = True
        setattr(owner, name, clocked)

    def run(self, step: str, fn, *args, **kwargs):
        path = "/".join([frame["path"] for frame in self.stack[-1:]] + [step])
        if self.stack:  # the parent's peak so far, before the reset
            self.stack[-1]["peak"] = max(self.stack[-1]["peak"], peak_mib())
        reset_peak()
        frame = {"path": path, "wall": time.perf_counter(), "cpu": _cpu(), "peak": 0.0}
        self.stack.append(frame)
        try:
            return fn(*args, **kwargs)
        finally:
            self.stack.pop()
            peak = max(frame["peak"], peak_mib())
            record = self.steps.setdefault(path, {"step": path, "seconds": 0.0, "cpu_seconds": 0.0, "peak_mib": 0.0,
                                                  "calls": 0})
            record["seconds"] += time.perf_counter() - frame["wall"]
            record["cpu_seconds"] += _cpu() - frame["cpu"]
            record["peak_mib"] = max(record["peak_mib"], peak)
            record["calls"] += 1
            if self.stack:
                self.stack[-1]["peak"] = max(self.stack[-1]["peak"], peak)
            reset_peak()
            # progress of the big steps, in case the run is stopped (not from a forked
            # process, whose steps are its own: it prints TASK lines)
            if path.count("/") < 2 and os.getpid() == self.pid:
                _say("STEP " + json.dumps(record))


def _instrument(clock: Clock) -> None:
    """Wrap the audit's steps where they are looked up (module attributes at call time)."""
    import orgpower.api as api_mod
    import orgpower.metrics.layer as layer_mod
    import orgpower.metrics.nodes as nodes_mod
    import orgpower.metrics.nulls as nulls_mod
    import orgpower.metrics.org as org_mod
    import orgpower.report.audit as audit_mod
    import orgpower.report.document as document_mod
    import orgpower.report.findings as findings_mod

    clock.wrap(api_mod, "build_graph", "graph")
    clock.wrap(org_mod, "measure_org", "measures")

    def keyed_layer(args, kwargs):
        layer = args[0] if args else kwargs.get("layer")
        return getattr(layer, "name", "?")

    clock.wrap(layer_mod, "layer_measures", "layer", keyed_layer)
    clock.wrap(nulls_mod, "null_draws", "null_model", keyed_layer)
    for name, label in (("trophic_incoherence", "trophic"), ("flow_hierarchy", "flow_hierarchy")):
        clock.wrap(layer_mod.hi, name, label)
    clock.wrap(layer_mod, "_reachability_measures", "reach_krackhardt_betweenness")
    clock.wrap(layer_mod, "_agony", "agony")
    clock.wrap(layer_mod, "condensation", "condensation")
    clock.wrap(layer_mod, "reach_counts", "reach_counts")
    clock.wrap(layer_mod, "_sampled_reach", "reach_sampled")
    clock.wrap(layer_mod.kr, "krackhardt_lub", "lub")
    clock.wrap(layer_mod.kr, "krackhardt_lub_sampled", "lub_sampled")
    clock.wrap(layer_mod.cz, "betweenness_closed_form", "betweenness_closed_form")
    clock.wrap(layer_mod.cz, "betweenness_centralization", "betweenness")
    clock.wrap(layer_mod, "estimated_betweenness", "betweenness_sampled")
    clock.wrap(layer_mod.cz, "closeness_centralization_harmonic", "closeness")
    clock.wrap(org_mod, "node_measures", "nodes")
    for name in ("reporting_tree", "directed_betweenness", "pagerank", "bonacich_power", "constraint", "brokerage",
                 "decision_rights", "tree_betweenness", "tree_betweenness_directed"):
        if hasattr(nodes_mod, name):
            clock.wrap(nodes_mod, name)
    for name, part in (("_layer_own_measures", "measures"), ("_layer_null_draws", "null model")):
        _time_task(org_mod, name, part)
    _time_task(audit_mod, "direct_readings", "direct readings (decisions, teams, pairs, resources)")
    clock.wrap(org_mod, "_structure", "structure")
    clock.wrap(org_mod, "_agony", "structure_agony")
    clock.wrap(audit_mod, "assemble_audit", "readings")
    for name in ("team_readings", "unit_readings", "pair_readings", "audit_decisions", "audit_resources",
                 "person_power", "represent", "people_table", "_tables"):
        clock.wrap(audit_mod, name, name.strip("_"))
    clock.wrap(findings_mod, "build_findings", "findings")
    clock.wrap(document_mod, "build_document", "document")


def _time_task(owner, name: str, part: str) -> None:
    """Print a TASK line with the wall and CPU time of each call of a layer task, from the
    process that runs it (a forked worker inherits the wrapper; its own steps are not in
    this process's Clock)."""
    fn = getattr(owner, name)

    @functools.wraps(fn)  # the same name, so that the pool pickles it by reference
    def timed(layer, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(layer, *args, **kwargs)
        finally:
            record = {"layer": layer if isinstance(layer, str) else getattr(layer, "name", "org"), "part": part,
                      "seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu,
                      "pid": os.getpid()}
            _say("TASK " + json.dumps(record))

    setattr(owner, name, timed)


def _worker(shape: str, people: int, depth: int, cli: bool, workers: int | None) -> int:
    from orgpower import api
    from orgpower.synthetic import generate_shape, write_bundle

    work = Path(tempfile.mkdtemp(prefix="bench-shapes-"))
    try:
        started = time.perf_counter()
        model = generate_shape(people, shape, seed=0)
        write_bundle(model, work / "in")
        del model
        print(f"INFO generated and wrote the bundle in {time.perf_counter() - started:.1f} s (not timed)", flush=True)
        if cli:
            command = [str(Path(sys.executable).with_name("orgpower")), "audit", str(work / "in"), "--out",
                       str(work / "cli"), "--format", "json"] + (["--workers", str(workers)] if workers else [])
            wall = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            print("CLI " + json.dumps({"seconds": time.perf_counter() - wall, "returncode": done.returncode,
                                       "stderr": done.stderr[-500:]}), flush=True)
        clock = Clock(depth)
        _instrument(clock)
        print("READING", flush=True)  # the process tree's memory counts from here
        model = clock.run("read", api.read_org, [str(work / "in")])
        result = clock.run("audit", api.audit, model, workers=workers)
        clock.run("write", api.write_reports, result, work / "out", ("json",), workers=workers)
        arcs = {name: int(layer.adjacency.nnz) for name, layer in result.graph.layers.items()}
        estimated = {name: values.get("estimated", {}) for name, values in result.measures.layers.items()}
        print("STEPS " + json.dumps(list(clock.steps.values())), flush=True)
        print("DONE " + json.dumps({"arcs": arcs, "estimated": estimated, "people_estimated": result.measures.estimated}),
              flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _spawn(shape: str, people: int, args) -> dict:
    command = [sys.executable, __file__, str(people), "--worker", shape, "--depth", str(args.depth)]
    if args.cli:
        command.append("--cli")
    if args.workers:
        command += ["--workers", str(args.workers)]
    env = dict(os.environ, OPENBLAS_NUM_THREADS=os.environ.get("OPENBLAS_NUM_THREADS", "1"))
    run = {"shape": shape, "people": people, "load_average": os.getloadavg(), "steps": {}, "finished": False,
           "workers": args.workers or "every core"}
    samples: list[tuple[float, float]] = []  # (time, PSS of the run's process tree in MiB)
    heaviest: dict = {}  # the sample with the most memory, process by process
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, start_new_session=True)
    deadline = time.monotonic() + args.time_cap if args.time_cap else None
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    buffer = ""
    while True:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        if deadline is not None and timeout == 0.0:
            os.killpg(process.pid, 9)
            run["stopped"] = f"stopped at the time cap of {args.time_cap:.0f} s"
            break
        ready = selector.select(timeout=min(timeout, PSS_EVERY) if timeout is not None else PSS_EVERY)
        sizes = tree_pss_by_process(process.pid)
        samples.append((time.monotonic(), sum(sizes.values())))
        if "read" in run["steps"] or run.get("reading"):  # from the read on (not the generation, nor the CLI run)
            if samples[-1][1] > heaviest.get("total_mib", 0.0):
                heaviest = {"at": samples[-1][0], "total_mib": samples[-1][1], "by_process": sizes}
        if not ready:
            continue
        chunk = os.read(process.stdout.fileno(), 65536).decode()
        if not chunk:
            break
        buffer += chunk
        while "\n" in buffer:
            line, buffer = buffer.split("\n", 1)
            _take_line(line, run)
            if line.startswith("TASK "):
                run["tasks"][-1]["ended_at"] = time.monotonic()
            if line.startswith("READING"):
                run["reading"] = True
            if line.startswith("STEP "):  # the process tree's peak during this step
                record = run["steps"][json.loads(line[5:])["step"]]
                start = time.monotonic() - record["seconds"]
                record["tree_pss_mib"] = max((mib for at, mib in samples if at >= start), default=0.0)
    process.wait()
    if heaviest:  # who held the memory at the peak, and which layer tasks were running then
        at = heaviest.pop("at")
        heaviest["tasks_running"] = sorted(
            f"{task['layer']} {task['part']} (process {task['pid']})" for task in run.get("tasks", [])
            if "ended_at" in task and task["ended_at"] - task["seconds"] <= at <= task["ended_at"])
        heaviest["by_process"] = {str(pid): round(mib) for pid, mib in heaviest["by_process"].items()}
        heaviest["run_process"] = str(process.pid)
        run["tree_pss_heaviest"] = heaviest
    run["tree_pss_peak_mib"] = max((run["steps"].get(step, {}).get("tree_pss_mib", 0.0) for step in ("read", "audit", "write")),
                                   default=0.0)
    return run


def _take_line(line: str, run: dict) -> None:
    kind, _, rest = line.partition(" ")
    if kind == "STEP":
        record = json.loads(rest)
        run["steps"][record["step"]] = record
        print(f"    finished {record['step']}: {record['seconds']:.2f} s", flush=True)
    elif kind == "STEPS":  # keep the process tree's peaks taken while the steps ran
        trees = {step: record["tree_pss_mib"] for step, record in run["steps"].items() if "tree_pss_mib" in record}
        run["steps"] = {record["step"]: record for record in json.loads(rest)}
        for step, mib in trees.items():
            run["steps"][step]["tree_pss_mib"] = mib
    elif kind == "CLI":
        run["cli"] = json.loads(rest)
        print(f"    whole CLI run (orgpower audit --format json): {run['cli']['seconds']:.2f} s wall, "
              f"exit {run['cli']['returncode']}", flush=True)
    elif kind == "DONE":
        run.update(json.loads(rest))
        run["finished"] = True
    elif kind == "TASK":
        record = json.loads(rest)
        run.setdefault("tasks", []).append(record)
        print(f"    task {record['layer']} {record['part']}: {record['seconds']:.2f} s, "
              f"{record['cpu_seconds']:.2f} s CPU (process {record['pid']})", flush=True)
    elif kind == "READING":
        pass
    elif kind == "INFO":
        print("    " + rest, flush=True)
    else:
        print("    " + line, flush=True)


def _print_steps(run: dict, depth: int) -> None:
    """The steps of one run as an indented table, parents before their sub-steps."""
    children: dict[str, list[str]] = {}
    for path in run["steps"]:  # recorded as they finished: sub-steps first
        parent = path
        while "/" in parent:  # the nearest recorded ancestor (a stopped run misses some)
            parent = parent.rsplit("/", 1)[0]
            if parent in run["steps"]:
                break
        else:
            parent = ""
        children.setdefault(parent, []).append(path)

    def show(path: str, level: int) -> None:
        record = run["steps"][path]
        if level < depth:
            indent = "  " * level
            calls = f"  ({record['calls']} calls)" if record.get("calls", 1) > 1 else ""
            peak = max(record["peak_mib"], record.get("tree_pss_mib", 0.0))
            print(f"    {indent}{path.rsplit('/', 1)[-1]:<{48 - len(indent)}} {record['seconds']:8.2f} s "
                  f"{record['cpu_seconds']:8.2f} s CPU {peak:8.0f} MiB{calls}")
        for child in children.get(path, []):
            show(child, level + 1)

    for root in children.get("", []):
        show(root, 0)


def _total(run: dict, key: str = "seconds") -> float:
    return sum(run["steps"].get(s, {}).get(key, 0.0) for s in ("read", "audit", "write"))


def _report(runs: list[dict], depth: int = 4) -> bool:
    missed = False
    for run in runs:
        print(f"\n{run['shape']}, {run['people']:,} people: step, wall, CPU, peak RSS during the step")
        _print_steps(run, depth)
    print("\nSummary (read + audit + writing; load average 1/5/15 min at the start of each run)")
    for run in runs:
        # this process's peak RSS, or the process tree's PSS (with the worker processes) if higher
        peak = max([s["peak_mib"] for s in run["steps"].values()] + [run.get("tree_pss_peak_mib", 0.0)]) / 1024
        status = "" if run["finished"] else f"  UNFINISHED: {run.get('stopped', 'the run failed')}"
        goal = GOALS.get(run["people"])
        verdict = ""
        if goal and run["finished"]:
            ok = _total(run) <= goal[0] and (goal[1] is None or peak <= goal[1])
            missed |= not ok
            verdict = f"  goal {goal[0]:.0f} s" + (f" / {goal[1]:.0f} GiB" if goal[1] else "") + (": met" if ok else ": MISSED")
        elif goal:
            missed = True
        cli = ""
        if "cli" in run:
            cli = f", whole CLI {run['cli']['seconds']:.2f} s"
            if run["people"] == CLI_GOAL[0]:
                ok = run["cli"]["seconds"] <= CLI_GOAL[1]
                missed |= not ok
                cli += f" (goal {CLI_GOAL[1]:.0f} s: {'met' if ok else 'MISSED'})"
        load = "/".join(f"{x:.1f}" for x in run["load_average"])
        print(f"  {run['shape']:<20} {run['people']:>9,}: {_total(run):8.1f} s wall {_total(run, 'cpu_seconds'):8.1f} s CPU,"
              f" peak {peak:5.2f} GiB, load {load}{cli}{verdict}{status}")
        heaviest = run.get("tree_pss_heaviest")
        if heaviest:
            held = ", ".join(f"{'the run' if pid == heaviest['run_process'] else 'process ' + pid} {mib:,} MiB"
                             for pid, mib in sorted(heaviest["by_process"].items(), key=lambda item: -item[1]))
            running = "; ".join(heaviest["tasks_running"]) or "no layer task"
            print(f"  {'':<20} {'':>9}  at the process tree's peak ({heaviest['total_mib']:,.0f} MiB, PSS): {held};"
                  f" layer tasks running: {running}")
    by_shape: dict[str, list[dict]] = {}
    for run in runs:
        by_shape.setdefault(run["shape"], []).append(run)
    print("\nGrowth exponent of CPU time per step, log(t2/t1)/log(n2/n1) (1 = linear; steps under 0.05 s CPU left out)")
    for shape, group in by_shape.items():
        group.sort(key=lambda r: r["people"])
        for small, large in zip(group, group[1:]):
            print(f"  {shape}, {small['people']:,} -> {large['people']:,}:")
            ratio = math.log(large["people"] / small["people"])
            for step, record in large["steps"].items():
                before = small["steps"].get(step)
                if not before or before["cpu_seconds"] < 0.05 or record["cpu_seconds"] < 0.05:
                    continue
                exponent = math.log(record["cpu_seconds"] / before["cpu_seconds"]) / ratio
                print(f"    {step:<60} {before['cpu_seconds']:8.2f} -> {record['cpu_seconds']:8.2f} s CPU  "
                      f"exponent {exponent:5.2f}")
            if small["people"] == 100_000 and large["people"] == 1_000_000 and small["finished"] and large["finished"]:
                time_ratio = _total(large) / _total(small)
                ok = time_ratio <= RATIO_GOAL
                missed |= not ok
                print(f"    1M/100k time ratio {time_ratio:.1f} (goal {RATIO_GOAL:.0f}: {'met' if ok else 'MISSED'})")
    return missed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--time-cap", type=float, default=None, help="seconds per (shape, size) run")
    parser.add_argument("--cli", action="store_true", help="also time the whole CLI run")
    parser.add_argument("--depth", type=int, default=4, help="print steps nested up to this depth")
    parser.add_argument("--save", type=Path, default=None, help="write every run as JSON here")
    parser.add_argument("--show", type=Path, default=None, help="print the tables of runs saved with --save")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes measuring the layers (the audit's workers=; default: every core)")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.show:
        return 1 if _report(json.loads(args.show.read_text()), args.depth) else 0
    if args.worker:
        return _worker(args.worker, args.sizes[0], args.depth, args.cli, args.workers)
    shapes = [s for s in args.shapes.split(",") if s]
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown shape {unknown[0]!r}: choose from {', '.join(SHAPES)}")
    runs = []
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset, 1 in the workers)')}, "
          f"{os.cpu_count()} cores, seed 0")
    for shape in shapes:
        for people in args.sizes:
            print(f"\n== {shape}, {people:,} people (load average {'/'.join(f'{x:.1f}' for x in os.getloadavg())})",
                  flush=True)
            runs.append(_spawn(shape, people, args))
            if args.save:
                args.save.write_text(json.dumps(runs, indent=1))
    return 1 if _report(runs, args.depth) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
