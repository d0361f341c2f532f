"""Peak-memory and CPU probes for the benchmarks that measure steps inside their own process
(Linux /proc; other systems fall back to getrusage, whose peak only grows)."""

from __future__ import annotations

import resource
from pathlib import Path


def reset_peak() -> None:
    """Reset this process's peak resident memory so the next step is measured on its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # not Linux or not permitted: the peak then only grows
        pass


def peak_mib() -> float:
    """Peak resident memory (VmHWM) of this process since the last reset, in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from each process's parent id in /proc/*/stat)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(parents.get(current, []))
    return found


def tree_pss_by_process(pid: int) -> dict[int, float]:
    """The proportional set size (PSS, MiB) of ``pid`` and of each of its descendants now:
    a page shared by k processes counts 1/k in each, so forked workers that share the
    parent's pages are not counted twice; processes whose /proc is not readable are left out."""
    sizes = {}
    for member in _descendants(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    sizes[member] = int(line.split()[1]) / 1024
                    break
        except OSError:
            continue
    return sizes


def tree_pss_mib(pid: int) -> float:
    """Memory of ``pid`` and its descendants now: the sum of their proportional set sizes
    (:func:`tree_pss_by_process`), in MiB; 0 where /proc is not readable."""
    return sum(tree_pss_by_process(pid).values())
