"""Start the dashboard: ``orgpower dashboard [--port N] [--address A]``.

Runs ``streamlit run orgpower/dashboard/app.py`` in a child process, bound to
127.0.0.1 unless told otherwise, with the upload size limit and no usage statistics.
Every setting is a command-line flag so that it holds whatever the current folder is
(a ``.streamlit/config.toml`` is only read from the folder Streamlit starts in).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from orgpower.errors import UsageError, require

APP = Path(__file__).resolve().parent / "app.py"
# Upload limit in MB. HR exports of 100,000 people are ~20-40 MB as CSV; 200 MB leaves room
# for XLSX and several files while refusing anything absurd. Override: ORGPOWER_MAX_UPLOAD_MB.
DEFAULT_MAX_UPLOAD_MB = 200


def max_upload_mb() -> int:
    """The upload size limit in MB, from ``ORGPOWER_MAX_UPLOAD_MB`` or the default."""
    given = os.environ.get("ORGPOWER_MAX_UPLOAD_MB", "").strip()
    if not given:
        return DEFAULT_MAX_UPLOAD_MB
    if not given.isdigit() or int(given) < 1:
        raise UsageError(f"ORGPOWER_MAX_UPLOAD_MB must be a whole number of megabytes, not {given!r}.")
    return int(given)


def streamlit_command(port: int = 8501, address: str = "127.0.0.1") -> list[str]:
    """The ``streamlit run`` command line that :func:`launch` runs."""
    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {port}.")
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--server.maxUploadSize", str(max_upload_mb()),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        # The user sees a sentence from the app, never a server-side traceback.
        "--client.showErrorDetails", "none",
        "--client.toolbarMode", "minimal",
        "--theme.base", "light",
    ]


# After a stop signal Streamlit gets this long to close its sessions before it is killed.
STOP_GRACE_SECONDS = 10.0
FORWARDED_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def launch(port: int = 8501, address: str = "127.0.0.1") -> int:
    """Run the dashboard until it is stopped; return the exit status for the CLI.

    SIGTERM, SIGINT (Ctrl+C) and SIGHUP are passed on to Streamlit, and this process
    returns only once Streamlit has exited (killed after :data:`STOP_GRACE_SECONDS`),
    so that no server is left holding the port. Streamlit runs in its own process group:
    Ctrl+C in the terminal reaches it once, through here, not twice.
    """
    require("streamlit", "dashboard", "The dashboard")
    command = streamlit_command(port, address)
    print(f"orgpower dashboard: http://{address}:{port}  (Ctrl+C to stop)", flush=True)
    received: list[int] = []
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, process_group=0)

    def forward(signum: int, frame: object) -> None:
        received.append(signum)
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        deadline = None
        while True:
            try:
                code = child.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if received and deadline is None:
                    deadline = time.monotonic() + STOP_GRACE_SECONDS
                if deadline is not None and time.monotonic() > deadline:
                    child.kill()
    finally:
        if child.poll() is None:  # an unexpected error here: never leave the server behind
            child.kill()
            child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        return 128 + received[0]  # the shell's convention: 130 after Ctrl+C, 143 after SIGTERM
    return code
