"""Work in other processes gives the same results, bit for bit, as in this one.

Layers measured in worker processes give the same numbers as measured here, and
people.csv written by a second process has the same bytes.

The org is generated (`orgpower.api.generate_org`, 400 people, archetype "mixed", seed 3:
six layers with flows, decisions and relations); the reference is the same org measured in
this process (`workers=1`), which every other test of the measures checks against R,
networkx and published values. The arc threshold below which an org is always measured
in one process is lowered for these tests so that a small org goes to the workers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from orgpower.api import generate_org
from orgpower.graph.layers import build_graph
from orgpower import workers as workers_module
from orgpower.metrics.org import measure_org
from orgpower.errors import UsageError
from orgpower.workers import Beside, worker_count


@pytest.fixture(scope="module")
def graph():
    return build_graph(generate_org(400, "mixed", seed=3))


@pytest.fixture(scope="module")
def in_one_process(graph):
    return measure_org(graph, null_samples=4, seed=5, workers=1)


@pytest.fixture
def small_orgs_go_to_workers(monkeypatch):
    """Lower the size threshold, and count the worker pools started (so a test cannot pass
    by measuring in this process after all)."""
    monkeypatch.setattr(workers_module, "PARALLEL_MIN_ARCS", 0)
    started = []
    real_pool = workers_module.worker_pool

    def counted_pool(count, *, fork):
        started.append((count, "fork" if fork else "forkserver"))
        return real_pool(count, fork=fork)

    monkeypatch.setattr(workers_module, "worker_pool", counted_pool)
    return started


def _same(measured, reference) -> None:
    assert list(measured.layers) == list(reference.layers)
    assert json.dumps(measured.layers, sort_keys=True) == json.dumps(reference.layers, sort_keys=True)
    pd.testing.assert_frame_equal(measured.people, reference.people, check_exact=True)
    assert json.dumps(measured.structure, sort_keys=True) == json.dumps(reference.structure, sort_keys=True)
    assert measured.estimated == reference.estimated and measured.notes == reference.notes


FORKED_RUN = """
import json, sys
import pandas as pd
from orgpower.api import generate_org
from orgpower.graph.layers import build_graph
from orgpower import workers
from orgpower.metrics.org import measure_org

workers.PARALLEL_MIN_ARCS = 0
started = []
real_pool = workers.worker_pool
workers.worker_pool = lambda count, fork: started.append("fork" if fork else "forkserver") or real_pool(count, fork=fork)
graph = build_graph(generate_org(400, "mixed", seed=3))
here = measure_org(graph, null_samples=4, seed=5, workers=1)
forked = measure_org(graph, null_samples=4, seed=5, workers=2)
pd.testing.assert_frame_equal(forked.people, here.people, check_exact=True)
print(json.dumps({"started": started, "same": json.dumps([forked.layers, forked.structure], sort_keys=True)
                  == json.dumps([here.layers, here.structure], sort_keys=True)}))
"""


def test_layers_measured_by_forked_workers_equal_those_measured_here():
    # in a fresh interpreter: its only thread, so the workers are forked (the test
    # session may hold other tests' threads, which would send them to the fork server)
    done = subprocess.run([sys.executable, "-c", FORKED_RUN], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"started": ["fork"], "same": True}


def test_with_other_threads_alive_the_workers_start_from_a_fork_server_and_agree(
    graph, in_one_process, small_orgs_go_to_workers,
):
    # a web server's threads: forking beside them is unsafe, so the layers are sent to a
    # clean fork server instead; the numbers must not change
    stop = threading.Event()
    server_thread = threading.Thread(target=stop.wait, daemon=True)
    server_thread.start()
    try:
        assert not workers_module.forks_safely()
        _same(measure_org(graph, null_samples=4, seed=5, workers=2), in_one_process)
        assert small_orgs_go_to_workers == [(2, "forkserver")]
    finally:
        stop.set()
        server_thread.join()


def test_fork_server_workers_do_not_run_the_script_installed_as_main(
    graph, in_one_process, small_orgs_go_to_workers, tmp_path, monkeypatch,
):
    # Streamlit runs each page script as a module named __main__ with the script's
    # __file__; a process started from a fork server runs __main__'s file again before
    # its task (multiprocessing's "prepare"). A dashboard page must not run in a worker.
    import types

    marker = tmp_path / "the page ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').close()\nraise RuntimeError('a page ran in a worker')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    stop = threading.Event()
    server_thread = threading.Thread(target=stop.wait, daemon=True)
    server_thread.start()
    try:
        _same(measure_org(graph, null_samples=4, seed=5, workers=2), in_one_process)
    finally:
        stop.set()
        server_thread.join()
    assert small_orgs_go_to_workers == [(2, "forkserver")]
    assert not marker.exists()
    assert sys.modules["__main__"] is fake_main  # given back once the workers started


def test_progress_ends_with_every_step_done_when_layers_go_to_workers(graph, small_orgs_go_to_workers):
    heard = []
    measure_org(graph, null_samples=1, seed=0, workers=2, progress=lambda done, total, step: heard.append((done, total)))
    total = len(graph.layers) + 1
    assert heard[-1] == (total, total)
    assert all(0 <= done <= total for done, _ in heard)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)


def test_a_small_org_is_measured_in_this_process_whatever_is_asked():
    assert worker_count(8, tasks=6, arcs=workers_module.PARALLEL_MIN_ARCS - 1) == 1


def test_never_more_workers_than_layers():
    assert worker_count(8, tasks=3, arcs=10**6) == 3


def test_one_worker_or_one_layer_means_this_process():
    assert worker_count(1, tasks=6, arcs=10**6) == 1
    assert worker_count(4, tasks=1, arcs=10**6) == 1


def test_by_default_every_usable_core_is_used(monkeypatch):
    monkeypatch.setattr(workers_module, "usable_cores", lambda: 2)
    assert worker_count(None, tasks=6, arcs=10**6) == 2


def test_zero_workers_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="give 1"):
        worker_count(0, tasks=6, arcs=10**6)


# --- Beside: one piece of work in a forked process while this one goes on ---------------

def _fails(message: str):
    raise UsageError(message)


def test_beside_returns_what_the_function_returns():
    assert Beside(sorted, [3, 1, 2]).result() == [1, 2, 3]


def test_beside_raises_the_functions_own_exception_with_its_sentence():
    with pytest.raises(UsageError, match="no such folder"):
        Beside(_fails, "no such folder").result()


DYING_CHILD = """
import os
from orgpower.workers import Beside
beside = Beside(os._exit, 3)
assert beside.forked
try:
    beside.result()
except RuntimeError as problem:
    print(problem)
"""


def test_a_process_that_dies_without_an_answer_is_said_to_have_stopped():
    done = subprocess.run([sys.executable, "-c", DYING_CHILD], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "stopped without an answer (exit code 3)" in done.stdout


def test_with_other_threads_alive_beside_runs_the_function_here():
    stop = threading.Event()
    server_thread = threading.Thread(target=stop.wait, daemon=True)
    server_thread.start()
    try:
        beside = Beside(sorted, [2, 1])
        assert not beside.forked and beside.result() == [1, 2]
    finally:
        stop.set()
        server_thread.join()


FORKED_WRITE = """
import filecmp, json, sys
from orgpower import api
from orgpower.report import writers

writers.PARALLEL_CSV_ROWS = 0
result = api.audit("sample_orgs/meridian_matrix")
out = sys.argv[1]
api.write_reports(result, out + "/here", ("json",), workers=1)
forked = writers.Beside
seen = []
class Watched(forked):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seen.append(self.forked)
writers.Beside = Watched
api.write_reports(result, out + "/beside", ("json",))
print(json.dumps({"forked": seen, "same": [filecmp.cmp(f"{out}/here/{f}", f"{out}/beside/{f}", shallow=False)
                                           for f in ("audit.json", "people.csv")]}))
"""


def test_people_csv_written_by_a_second_process_has_the_same_bytes(tmp_path):
    # a fresh interpreter (its only thread) so that the writer is really forked
    done = subprocess.run([sys.executable, "-c", FORKED_WRITE, str(tmp_path)], capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"forked": [True], "same": [True, True]}


FORKED_DIRECT_READINGS = """
import json, sys
import pandas as pd
from orgpower import api, workers

workers.PARALLEL_MIN_ARCS = 0
seen = []
class Watched(workers.Beside):
    def __init__(self, function, *args, **kwargs):
        super().__init__(function, *args, **kwargs)
        seen.append((function.__name__, self.forked))
workers.Beside = Watched
here = api.audit("sample_orgs/meridian_matrix", workers=1)
beside = api.audit("sample_orgs/meridian_matrix", workers=2)
for name, table in here.tables.items():
    pd.testing.assert_frame_equal(beside.tables[name], table, check_exact=True)
print(json.dumps({"seen": seen, "same": json.dumps(beside.document) == json.dumps(here.document),
                  "tables": sorted(beside.tables) == sorted(here.tables)}))
"""


def test_readings_taken_in_a_second_process_while_the_org_is_measured_are_the_same():
    # decisions, teams, pairs and resources need no measure, so with workers they are
    # taken in a forked process meanwhile; audit.json and every table must not change
    done = subprocess.run([sys.executable, "-c", FORKED_DIRECT_READINGS], capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        # the units' readings are among them (direct_readings), all but their heads
        "seen": [["direct_readings", False], ["direct_readings", True]],
        "same": True, "tables": True,
    }


FORKED_CSV_PARTS = """
import filecmp, json, sys
from pathlib import Path
import pandas as pd
from orgpower import api
from orgpower.errors import InputError
from orgpower.report import writers
from orgpower.report.writers import write_people_csv

writers.PARALLEL_CSV_ROWS = 0
result = api.audit("sample_orgs/meridian_matrix")
out = Path(sys.argv[1])
same = []
for encoding in ("utf-8-sig", "cp1252", "utf-16"):
    api.write_reports(result, out / f"here-{encoding}", ("json",), workers=1, csv_encoding=encoding)
    api.write_reports(result, out / f"beside-{encoding}", ("json",), csv_encoding=encoding)
    same.append(filecmp.cmp(out / f"here-{encoding}/people.csv", out / f"beside-{encoding}/people.csv", shallow=False))
# a character cp1252 cannot hold, in the last row (the rows this process renders)
people = writers.people_for_output(result, False).copy()
people.loc[len(people) - 1, "title"] = "名前"
result.people = people
try:
    writers._write_csv_beside(people, out / "bad.csv", "cp1252", lambda: None)
    refused = None
except InputError as error:
    refused = str(error)
print(json.dumps({"same": same, "refused": refused, "left": sorted(p.name for p in out.glob("bad*"))}))
"""


def test_people_csv_rendered_in_two_processes_has_the_same_bytes_in_every_encoding(tmp_path):
    done = subprocess.run([sys.executable, "-c", FORKED_CSV_PARTS, str(tmp_path)], capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["same"] == [True, True, True]
    # a character with no place in the encoding: the sentence, and no file left behind
    assert "cannot be written in cp1252" in answer["refused"] and answer["left"] == []


def test_with_other_threads_alive_people_csv_is_written_whole_here_with_the_same_bytes(tmp_path):
    from orgpower import api
    from orgpower.report import writers

    result = api.audit("sample_orgs/meridian_matrix")
    people = writers.people_for_output(result, False)
    writers.write_people_csv(people, tmp_path / "one.csv")
    stop = threading.Event()
    server_thread = threading.Thread(target=stop.wait, daemon=True)
    server_thread.start()
    try:
        ran = []
        writers._write_csv_beside(people, tmp_path / "beside.csv", "utf-8-sig", lambda: ran.append(True))
    finally:
        stop.set()
        server_thread.join()
    assert ran == [True]
    assert (tmp_path / "beside.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beside.csv", "one.csv"]


# ---- BLAS on one thread (the cores are the audit's own) ----------------------------------


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_inside_one_blas_thread_every_blas_runs_on_one_thread_and_the_counts_come_back():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):  # as on a machine of two cores or more
        before = _blas_threads()
        with workers_module.one_blas_thread():
            inside = _blas_threads()
        assert _blas_threads() == before
    assert inside and set(inside) == {1}


def test_a_fork_servers_workers_run_blas_on_one_thread():
    # a fork server's worker loads numpy afresh, with a thread per core unless told
    with workers_module.worker_pool(2, fork=False) as pool:
        counts = [pool.submit(_blas_threads).result() for _ in range(4)]
    assert all(count and set(count) == {1} for count in counts), counts


FORKED_BLAS = """
import json
from threadpoolctl import threadpool_info, threadpool_limits
from orgpower import workers

def counts():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

threadpool_limits(limits=2, user_api="blas")
with workers.one_blas_thread(), workers.worker_pool(2, fork=True) as pool:
    print(json.dumps(pool.submit(counts).result()))
"""


def test_forked_workers_inherit_one_blas_thread():
    done = subprocess.run([sys.executable, "-c", FORKED_BLAS], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts and set(counts) == {1}


def test_an_audit_through_the_api_measures_with_one_blas_thread(monkeypatch):
    from orgpower import api
    from orgpower.metrics import org as org_module

    seen = []
    real = org_module.measure_org

    def measure_and_look(*args, **kwargs):
        seen.append(_blas_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(org_module, "measure_org", measure_and_look)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        api.audit(generate_org(60, "mixed", seed=1), config=_no_nulls())
        after = _blas_threads()
    assert seen and set(seen[0]) == {1}
    assert set(after) == {2}


def _no_nulls():
    from orgpower.report.config import AuditConfig

    return AuditConfig(null_samples=0)


# Run in a fresh interpreter, so that no other test's allocations sit on the heap: 2,000
# arrays of 100 kB (below glibc's threshold for a memory map of their own, so they come
# from the heap) are freed except the last, which pins the top of the heap so that
# free() alone cannot shrink it.
FREED_HEAP = """
import json
import numpy as np
from orgpower.workers import return_free_memory

def resident_mib():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20

blocks = [np.ones(100_000 // 8) for _ in range(2000)]
pinned = blocks[-1]
del blocks
before = resident_mib()
return_free_memory()
print(json.dumps({"before": before, "after": resident_mib(), "pinned": float(pinned.sum())}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap; elsewhere nothing is given back")
def test_freed_heap_memory_is_given_back_before_a_fork():
    done = subprocess.run([sys.executable, "-c", FREED_HEAP], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    memory = json.loads(done.stdout.strip().splitlines()[-1])
    assert memory["pinned"] == 100_000 // 8  # the array still in use is untouched
    assert memory["before"] - memory["after"] > 100  # of the ~190 MiB freed


def test_giving_back_free_memory_keeps_every_array_in_use():
    import numpy as np
    import pyarrow as pa

    numbers = np.arange(1_000_000, dtype=np.int64)
    table = pa.table({"id": pa.array([f"p{i}" for i in range(10_000)])})
    workers_module.return_free_memory()
    assert int(numbers.sum()) == 999_999 * 1_000_000 // 2
    assert table.column("id")[9_999].as_py() == "p9999"


# In a fresh interpreter, its only thread, so that both fork (the test session may hold
# other tests' threads, and then nothing is forked).
GIVEN_BACK_BEFORE_FORKS = """
import json
from orgpower import workers

calls = []
workers.return_free_memory = lambda: calls.append("given back")
with workers.worker_pool(2, fork=True) as pool:
    assert pool.submit(sum, [1, 2]).result() == 3
beside = workers.Beside(sum, [3, 4])
print(json.dumps({"calls": calls, "beside_forked": beside.forked, "sum": beside.result()}))
"""


def test_forked_workers_and_the_process_beside_start_after_free_memory_is_given_back():
    done = subprocess.run([sys.executable, "-c", GIVEN_BACK_BEFORE_FORKS], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"calls": ["given back", "given back"], "beside_forked": True, "sum": 7}


# The largest layer's own measures are slowed by 1.5 s, and each side writes when it
# happened: the end of that task (in the worker) and the start of the people's measures (here).
PEOPLE_AFTER_LARGEST = """
import json, sys, time
from orgpower.api import generate_org
from orgpower.graph.layers import build_graph
from orgpower import workers
from orgpower.metrics import org

workers.PARALLEL_MIN_ARCS = 0
workers.usable_cores = lambda: int(sys.argv[1])
graph = build_graph(generate_org(400, "mixed", seed=3))
largest = max(graph.layers.values(), key=lambda layer: layer.m).name
real_own, real_people = org._layer_own_measures, org.node_measures
times = {}

def slowed_own(layer, *args):
    result = real_own(layer, *args)
    if layer == largest:  # a forked worker is sent the layer's name
        time.sleep(1.5)
        result[0]["ended"] = time.time()
    return result

def people(*args, **kwargs):
    times["people_started"] = time.time()
    return real_people(*args, **kwargs)

org._layer_own_measures, org.node_measures = slowed_own, people
measured = org.measure_org(graph, null_samples=2, seed=5, workers=2)
print(json.dumps({"largest_ended": measured.layers[largest]["ended"], **times}))
"""


def _people_and_largest_layer(cores: int) -> dict:
    done = subprocess.run([sys.executable, "-c", PEOPLE_AFTER_LARGEST, str(cores)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_when_the_workers_fill_the_cores_the_people_wait_for_the_largest_layers_own_measures():
    times = _people_and_largest_layer(cores=2)
    assert times["people_started"] >= times["largest_ended"]


def test_with_a_core_to_spare_the_people_are_measured_beside_the_largest_layer():
    times = _people_and_largest_layer(cores=8)
    assert times["people_started"] < times["largest_ended"] - 1.0


def test_each_layer_task_gives_back_its_working_memory_when_done(graph, monkeypatch):
    from orgpower.metrics import org as org_module

    calls = []
    monkeypatch.setattr(workers_module, "return_free_memory", lambda: calls.append("given back"))
    layer = graph.layers["flows"]
    org_module._layer_own_measures(layer, 3, 20000)
    assert calls == ["given back"]
    org_module._layer_null_draws(layer, 2, 3)
    assert calls == ["given back", "given back"]
