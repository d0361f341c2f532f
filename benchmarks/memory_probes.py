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
