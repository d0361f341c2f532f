"""Run a real Neo4j Community 5.26 LTS server for development and tests.

    eval "$(python scripts/neo4j_server.py start)"   # or: eval "$(make neo4j)"
    python scripts/neo4j_server.py stop              # or: make neo4j-stop
    python scripts/neo4j_server.py status

The first start fetches the server's jars from Maven Central with Maven (``neo4j/pom.xml``)
into ``.neo4j/dist/<version>/lib`` (git ignores ``.neo4j/``); later starts work offline.
The official tarball is not on Central for 5.26, so the launcher runs the distribution's
own entry point (``org.neo4j.server.CommunityEntryPoint``) on that class path with a
generated ``neo4j.conf``: loopback only, a free port, HTTP off, a generated password,
heap 512m-1g and page cache 512m (override with ``ORGPOWER_NEO4J_HEAP_MAX`` /
``ORGPOWER_NEO4J_PAGECACHE``).

Two kinds of instance live under ``.neo4j/instances/``:

* ``dev`` (the command line ``start``): kept between starts, data included; ``stop``
  stops it by the PID in ``.neo4j/instances/dev/run/neo4j.pid``.
* a private one per :func:`start` call from Python (``scripts/run_tests.py``): a fresh,
  empty database on its own port, so that parallel test runs never share or stop each
  other's server; :func:`stop` stops it and removes its folder. It also dies with the
  process that started it (Linux parent-death signal), so an aborted run leaves no JVM.

Needs Java 17 or 21 (``java`` on PATH or ``JAVA_HOME``) and, for the first fetch only,
Maven (``mvn``). The Python neo4j driver checks that Bolt answers.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEO4J_VERSION = os.environ.get("ORGPOWER_NEO4J_VERSION", "5.26.30")
CACHE = Path(os.environ.get("ORGPOWER_NEO4J_CACHE", ROOT / ".neo4j"))
POM = ROOT / "neo4j" / "pom.xml"
USER = "neo4j"
DEV = "dev"
START_TIMEOUT_S = float(os.environ.get("ORGPOWER_NEO4J_START_TIMEOUT", "180"))
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
# The flags Neo4j's own launcher passes (bin/neo4j, Bootloader), minus AlwaysPreTouch,
# which would commit the whole heap at start on a shared 2-core machine.
JVM_FLAGS = (
    *os.environ.get("ORGPOWER_NEO4J_GC", "-XX:+UseG1GC").split(),
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)

# instances this Python process started with start(); stop() without a name stops these
_started: list[str] = []


class LauncherError(RuntimeError):
    """The server could not be fetched or started; the message says why and what to do."""


# ---------------------------------------------------------------- fetching the server


def dist_lib(version: str = NEO4J_VERSION) -> Path:
    return CACHE / "dist" / version / "lib"


@contextlib.contextmanager
def _file_lock(path: Path):
    """An exclusive lock, so that two runs fetching at once do not write the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fetch(version: str = NEO4J_VERSION) -> Path:
    """Copy the server's jars from Maven Central once; return the lib folder."""
    lib = dist_lib(version)
    if (lib.parent / "COMPLETE").exists():
        return lib
    with _file_lock(CACHE / "fetch.lock"):
        if (lib.parent / "COMPLETE").exists():
            return lib
        mvn = shutil.which("mvn")
        if not mvn:
            raise LauncherError(
                "Neo4j is not in the cache yet and Maven (mvn) is not installed: "
                "install Maven (apt-get install maven) for the first fetch."
            )
        staging = Path(tempfile.mkdtemp(prefix="fetch-", dir=CACHE))
        command = [
            mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
            f"-DoutputDirectory={staging / 'lib'}", "-DincludeScope=runtime",
            f"-Dneo4j.version={version}",
        ]
        print(f"neo4j_server: fetching Neo4j {version} from Maven Central (once) ...", file=sys.stderr)
        done = subprocess.run(command, capture_output=True, text=True)
        jars = list((staging / "lib").glob("neo4j-*.jar"))
        if done.returncode != 0 or not jars:
            shutil.rmtree(staging, ignore_errors=True)
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise LauncherError(f"Maven could not fetch Neo4j {version} (exit {done.returncode}):\n{tail}")
        lib.parent.mkdir(parents=True, exist_ok=True)
        if lib.exists():  # a partial earlier attempt
            shutil.rmtree(lib)
        (staging / "lib").rename(lib)
        shutil.rmtree(staging, ignore_errors=True)
        (lib.parent / "COMPLETE").write_text(f"{len(list(lib.glob('*.jar')))} jars\n")
    return lib


def java_command() -> str:
    """The java binary (JAVA_HOME first), checked to be version 17 or newer."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home and (Path(home) / "bin" / "java").exists() else shutil.which("java")
    if not java:
        raise LauncherError("Java is not installed: Neo4j 5.26 needs Java 17 or 21 (apt-get install openjdk-17-jre-headless).")
    out = subprocess.run([java, "-version"], capture_output=True, text=True)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if not match or int(match.group(1)) < 17:
        raise LauncherError(f"{java} is not Java 17 or newer; Neo4j 5.26 needs Java 17 or 21 (set JAVA_HOME).")
    return java


# ---------------------------------------------------------------- instances


def instance_home(name: str) -> Path:
    return CACHE / "instances" / name


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write_conf(home: Path, port: int) -> None:
    heap_max = os.environ.get("ORGPOWER_NEO4J_HEAP_MAX", "1g")
    pagecache = os.environ.get("ORGPOWER_NEO4J_PAGECACHE", "512m")
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text(
        "# written by scripts/neo4j_server.py; rewritten on every start\n"
        "server.default_listen_address=127.0.0.1\n"
        "server.default_advertised_address=127.0.0.1\n"
        f"server.bolt.listen_address=127.0.0.1:{port}\n"
        f"server.bolt.advertised_address=127.0.0.1:{port}\n"
        "server.http.enabled=false\n"
        "server.https.enabled=false\n"
        "dbms.security.auth_enabled=true\n"
        "dbms.usage_report.enabled=false\n"
        "server.memory.heap.initial_size=512m\n"
        f"server.memory.heap.max_size={heap_max}\n"
        f"server.memory.pagecache.size={pagecache}\n"
        "db.tx_log.rotation.retention_policy=2 files\n"
        # transaction state off the Java heap: bulk loads spent about half their time in GC
        "db.tx_state.memory_allocation=OFF_HEAP\n"
        "# Bolt's network threads otherwise wait 5 s of quiet, twice, on every stop\n"
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0\n"
        # further settings, e.g. ORGPOWER_NEO4J_SETTINGS="db.tx_state.memory_allocation=OFF_HEAP;..."
        + "".join(f"{setting.strip()}\n" for setting in os.environ.get("ORGPOWER_NEO4J_SETTINGS", "").split(";") if setting.strip())
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child counts as gone
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


def _read_state(home: Path) -> dict | None:
    try:
        return json.loads((home / "run" / "server.json").read_text())
    except (OSError, ValueError):
        return None


def _bolt_answers(uri: str, password: str) -> bool:
    import neo4j  # the project's driver; the launcher runs in the project's venv

    try:
        with neo4j.GraphDatabase.driver(uri, auth=(USER, password), connection_timeout=3) as driver:
            driver.verify_connectivity()
        return True
    except Exception:  # not up yet: ServiceUnavailable, connection refused, ...
        return False


def environment(state: dict) -> dict[str, str]:
    return {"NEO4J_URI": state["uri"], "NEO4J_USER": USER, "NEO4J_PASSWORD": state["password"]}


def _log_tail(home: Path, lines: int = 20) -> str:
    texts = []
    for log in ("console.log", "neo4j.log"):
        path = home / "logs" / log
        if path.exists():
            texts.append("\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
    return "\n".join(texts)


def _sweep_abandoned() -> None:
    """Remove private instances whose server is gone (a run that was killed)."""
    root = CACHE / "instances"
    if not root.is_dir():
        return
    for home in root.iterdir():
        if home.name == DEV or not home.is_dir():
            continue
        state = _read_state(home)
        if state and _pid_alive(int(state["pid"])):
            continue
        if state is None and time.time() - home.stat().st_mtime < 600:
            continue  # another run may be starting it right now
        shutil.rmtree(home, ignore_errors=True)


def _parent_death_signal() -> None:
    """Runs in the child before exec: die when the starting process dies (Linux only)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def generate_password() -> str:
    """A random password that neo4j-admin's command line cannot mistake for an option."""
    return "p" + secrets.token_urlsafe(18)  # token_urlsafe may start with "-"


def start_instance(name: str, *, private: bool) -> dict:
    """Start (or find running) instance ``name``; return its state (uri, password, pid, ...)."""
    home = instance_home(name)
    state = _read_state(home)
    if state and _pid_alive(int(state["pid"])) and _bolt_answers(state["uri"], state["password"]):
        return state | {"reused": True}
    lib = fetch()
    java = java_command()
    for sub in ("data", "logs", "run", "plugins", "import"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    password_file = home / "run" / "password"
    port = _free_port()
    _write_conf(home, port)
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    classpath = f"{lib}/*"
    if not (home / "data" / "dbms" / "auth.ini").exists():
        password = generate_password()
        setup = subprocess.run(
            [java, "-cp", classpath, ADMIN_TOOL, "dbms", "set-initial-password", password],
            capture_output=True, text=True, env=env,
        )
        if setup.returncode != 0:
            raise LauncherError(f"neo4j-admin could not set the initial password:\n{setup.stdout}{setup.stderr}")
        password_file.write_text(password)
        password_file.chmod(0o600)
    password = password_file.read_text().strip()
    heap_max = os.environ.get("ORGPOWER_NEO4J_HEAP_MAX", "1g")
    command = [
        java, "-Xms512m", f"-Xmx{heap_max}", *JVM_FLAGS, "-cp", classpath, ENTRY_POINT,
        f"--home-dir={home}", f"--config-dir={home / 'conf'}",
    ]
    began = time.monotonic()
    with open(home / "logs" / "console.log", "ab") as console:
        process = subprocess.Popen(
            command, cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_parent_death_signal if private else None,
        )
    (home / "run" / "neo4j.pid").write_text(f"{process.pid}\n")
    uri = f"bolt://127.0.0.1:{port}"
    while not _bolt_answers(uri, password):
        if process.poll() is not None:
            raise LauncherError(f"Neo4j exited with status {process.returncode} while starting; log:\n{_log_tail(home)}")
        if time.monotonic() - began > START_TIMEOUT_S:
            _terminate(process.pid)
            raise LauncherError(f"Neo4j did not answer on {uri} within {START_TIMEOUT_S:.0f} s; log:\n{_log_tail(home)}")
        time.sleep(0.25)
    state = {
        "uri": uri, "port": port, "pid": process.pid, "password": password, "version": NEO4J_VERSION,
        "home": str(home), "private": private, "start_seconds": round(time.monotonic() - began, 2),
    }
    state_file = home / "run" / "server.json"
    state_file.write_text(json.dumps(state, indent=2))
    state_file.chmod(0o600)
    return state | {"reused": False}


def _terminate(pid: int, timeout: float = 60.0) -> None:
    """SIGTERM (Neo4j shuts down cleanly on it), then SIGKILL if it does not end in time."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _pid_alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        time.sleep(0.2)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stop_instance(name: str) -> bool:
    """Stop instance ``name`` by its PID file; private instances are also deleted. True if one ran."""
    home = instance_home(name)
    pid_file = home / "run" / "neo4j.pid"
    state = _read_state(home) or {}
    was_running = False
    if pid_file.exists():
        pid = int(pid_file.read_text().strip())
        if _pid_alive(pid):
            was_running = True
            _terminate(pid)
        pid_file.unlink(missing_ok=True)
    (home / "run" / "server.json").unlink(missing_ok=True)
    if state.get("private") or (home.exists() and name != DEV and home.parent == CACHE / "instances"):
        shutil.rmtree(home, ignore_errors=True)
    return was_running


def server_rss_kb(pid: int) -> int:
    """Resident memory of the server process in KiB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# ---------------------------------------------------------------- the API run_tests.py uses


def start() -> dict[str, str]:
    """Start a private, empty server for this process; return NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD."""
    _sweep_abandoned()
    name = f"run-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        state = start_instance(name, private=True)
    except BaseException:
        stop_instance(name)  # no half-started server or folder left behind
        raise
    _started.append(name)
    print(
        f"neo4j_server: Neo4j {state['version']} on {state['uri']} (pid {state['pid']}, "
        f"started in {state['start_seconds']} s)",
        file=sys.stderr,
    )
    return environment(state)


def stop() -> None:
    """Stop every server this process started with :func:`start`."""
    while _started:
        stop_instance(_started.pop())


# ---------------------------------------------------------------- command line


def _exports(env: dict[str, str]) -> str:
    return "\n".join(f"export {key}={shlex.quote(value)}" for key, value in env.items())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="neo4j_server.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("start", "stop", "status", "fetch"))
    args = parser.parse_args(argv)
    try:
        if args.action == "fetch":
            print(fetch())
        elif args.action == "start":
            state = start_instance(DEV, private=False)
            how = "already running" if state["reused"] else f"started in {state['start_seconds']} s"
            print(f"# Neo4j {state['version']} on {state['uri']}, pid {state['pid']}, {how}", file=sys.stderr)
            print(_exports(environment(state)))
        elif args.action == "stop":
            print("Neo4j stopped." if stop_instance(DEV) else "Neo4j was not running.", file=sys.stderr)
        else:
            state = _read_state(instance_home(DEV))
            if state and _pid_alive(int(state["pid"])):
                print(f"running: {state['uri']} pid {state['pid']} rss {server_rss_kb(int(state['pid'])) // 1024} MiB")
            else:
                print("not running")
                return 1
    except LauncherError as error:
        print(f"neo4j_server: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
