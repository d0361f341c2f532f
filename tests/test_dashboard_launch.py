"""`orgpower dashboard` passes SIGTERM and SIGINT on to its Streamlit child and exits only
once the child has: no server is left holding the port. Real processes, a real Streamlit."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its exit status is left


def _serving(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture()
def launcher(tmp_path):
    if not Path("/proc/self/task").exists():
        pytest.skip("needs Linux /proc to see the Streamlit child")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "orgpower", "dashboard", "--port", str(port)], cwd=tmp_path,
        env=dict(os.environ, HOME=str(tmp_path)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not _serving(port):
        assert process.poll() is None, process.stderr.read().decode(errors="replace")[-2000:]
        assert time.monotonic() < deadline, "the dashboard did not start within 120 s"
        time.sleep(0.5)
    [child] = _children(process.pid)
    yield process, child, port
    for pid in (process.pid, child):
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.slow  # starts a real Streamlit server
@pytest.mark.parametrize(("stop", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_reaches_streamlit_and_the_launcher_waits_for_it(launcher, stop, status):
    process, child, port = launcher
    assert _alive(child) and _serving(port)
    process.send_signal(stop)
    assert process.wait(timeout=30) == status
    # the launcher has reaped its child: it is gone, not a zombie, and nothing serves the port
    assert not _alive(child)
    assert not _serving(port)
