"""Running independent measurements on several cores.

The layers of an org are measured independently (each with its own seed), so they can be
measured in separate processes and give the same numbers, bit for bit, as one after the
other: every process runs the same code on the same arrays in the same order. Processes,
not threads: the measures are numpy/scipy/pandas loops that mostly hold the GIL.

How the workers start: by ``fork`` when this is the only Python thread (the worker
inherits the org already in memory, nothing is copied until written), otherwise by
``forkserver`` (forking a process whose other threads may hold locks, a web server's
for instance, can leave the child waiting on a lock forever; the fork server is a clean
single-threaded process, and the layer is sent to it pickled).

BLAS on one thread: the audit's own processes fill the cores, and OpenBLAS would split
each dot product of more than 10,000 entries over threads that then wait for a core
(:func:`one_blas_thread`; the numbers are the same, bit for bit).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import types
from concurrent.futures import ProcessPoolExecutor

__all__ = ["usable_cores", "worker_count", "worker_pool", "one_blas_thread", "return_free_memory", "PARALLEL_MIN_ARCS"]

#: below this many arcs over all layers the org is measured in this process: starting a
#: worker costs more than the measures of a small org
PARALLEL_MIN_ARCS = 20_000


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def in_threads(function, items, threads: int | None = None) -> list:
    """``[function(item) for item in items]``, run in up to ``threads`` threads (``None``:
    two where there are two cores; ``1``: in this thread), results in the items' order.

    For work that is mostly Arrow's or numpy's, which release the GIL (reading files,
    building layers). The threads are joined before it returns, so a fork afterwards
    inherits none (:func:`forks_safely`).

    >>> in_threads(len, ["a", "bc", "def"])
    [1, 2, 3]
    """
    from concurrent.futures import ThreadPoolExecutor

    items = list(items)
    count = max(1, min(threads or min(2, usable_cores()), len(items)))
    if count == 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(function, items))


def worker_count(requested: int | None, tasks: int, arcs: int, *, min_arcs: int | None = None) -> int:
    """How many worker processes to measure ``tasks`` independent layers of ``arcs`` arcs in all.

    ``requested``: ``None`` for every usable core, ``1`` for none (this process only),
    or a number of processes. Never more than there are tasks; 1 when the org is smaller
    than ``min_arcs`` arcs (default :data:`PARALLEL_MIN_ARCS`) or multiprocessing cannot fork
    here (1 means: measure in this process).

    >>> worker_count(1, 6, 10**6), worker_count(4, 3, 10**6), worker_count(4, 3, 10)
    (1, 3, 1)
    """
    if requested is not None and requested < 1:
        raise ValueError(f"workers is {requested}: give 1 (this process only) or more, or None for every core")
    wanted = usable_cores() if requested is None else requested
    if wanted <= 1 or tasks <= 1 or arcs < (PARALLEL_MIN_ARCS if min_arcs is None else min_arcs):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(wanted, tasks)


def forks_safely() -> bool:
    """True when this is the only Python thread, so a forked child cannot inherit a held lock."""
    return threading.active_count() == 1


def one_blas_thread():
    """A context in which the BLAS libraries loaded in this process (numpy's and scipy's
    OpenBLAS, or MKL) run on one thread; the counts they had come back on leaving it.
    Processes forked inside it inherit the one thread.

    Why: the audit spreads its own work over the cores (layer workers, the readings
    beside them), so threads that BLAS starts on top of them only wait for a core
    (10,000 people, tree-like, machine shared: the measures' CPU 10.9 -> 5.6 s).
    """
    import scipy.linalg  # noqa: F401  (loads scipy's own OpenBLAS, so that it is limited too)
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def return_free_memory() -> None:
    """Give back to the system the memory that freed tables and arrays left in this
    process's allocators: Arrow's memory pool (``release_unused``) and the C library's heap
    (glibc's ``malloc_trim``; elsewhere nothing happens). Nothing that is in use moves.

    Called before a fork: the children share every page of the parent, free ones included,
    and a free page that the parent or a child writes again is copied. Reading and building
    a 1,000,000-person org leave about 0.5 GiB so (a collaboration-dense org's main process:
    2,914 MiB resident after the graph, 2,397 MiB after this). And after each layer task, so
    that a worker does not hold a large layer's freed working set while it measures the next.
    """
    try:
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover (pyarrow is a dependency)
        pass
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            trim = ctypes.CDLL(None).malloc_trim  # the C library this process runs on
        except (OSError, AttributeError):  # musl and other C libraries have no malloc_trim
            return
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
        trim(0)


def _start_worker() -> None:
    # a fork server's worker loads numpy afresh, with as many BLAS threads as cores
    one_blas_thread()


def worker_pool(workers: int, *, fork: bool) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, forked or started from a fork server (``fork`` is
    the caller's :func:`forks_safely`, asked once: it also decides what the tasks carry).
    Either way each worker's BLAS runs on one thread (forked ones inherit it from
    :func:`one_blas_thread` around the audit)."""
    if fork:
        return_free_memory()
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    return _ServedPool(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"),
                       initializer=_start_worker)


class _ServedPool(ProcessPoolExecutor):
    """A pool started from the fork server whose processes do not run ``__main__``'s script.

    A process started so first runs the file of the starter's ``__main__`` module again
    (multiprocessing's "prepare", so that functions defined there can be unpickled). In the
    dashboard that module is the Streamlit page being run, whose code must not run in a
    worker (it would draw a page with no session, or fail). The tasks are orgpower's own
    functions, so the processes are started (they start as tasks are submitted) while
    ``__main__`` is an empty module, and the real one is put back at once.
    """

    def submit(self, fn, /, *args, **kwargs):
        with _main_script_hidden():
            return super().submit(fn, *args, **kwargs)


@contextlib.contextmanager
def _main_script_hidden():
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or not getattr(main, "__file__", None):
        yield  # run as a module (-m) or interactively: nothing of __main__ is run again
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class Beside:
    """``function(*args)`` run in a forked process while this one goes on; :meth:`result`
    waits for it and returns its value, or raises its exception.

    Only where forking is safe (:func:`forks_safely`) and ``wanted``; otherwise the
    function runs in this process when :meth:`result` is called, with the same result.
    The child inherits the arguments in memory (nothing is pickled on the way in), so
    this suits work over large tables whose result is small, such as writing a file.

    >>> Beside(sum, [1, 2, 3]).result()
    6
    """

    def __init__(self, function, *args, wanted: bool = True) -> None:
        self._function, self._args = function, args
        self._process = None
        if wanted and forks_safely() and "fork" in multiprocessing.get_all_start_methods():
            return_free_memory()
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_run_and_send, args=(function, args, send), daemon=True)
            self._process.start()
            send.close()

    @property
    def forked(self) -> bool:
        return self._process is not None

    def result(self):
        if self._process is None:
            return self._function(*self._args)
        try:
            done, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(
                f"the process running {self._function.__name__} stopped without an answer "
                f"(exit code {self._process.exitcode}); run again with --workers 1 to see why"
            ) from None
        finally:
            self._receive.close()
        self._process.join()
        if not done:
            raise value
        return value


def _run_and_send(function, args, send) -> None:
    try:
        send.send((True, function(*args)))
    except BaseException as problem:  # handed to the parent, which raises it
        send.send((False, problem))
    finally:
        send.close()
