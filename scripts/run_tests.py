"""`make test`: start a Neo4j for the suite when NEO4J_URI is not set, run pytest, stop it.

Under CI=true the Neo4j and browser tests must run, never skip (tests/conftest.py
enforces that); this script makes sure the server is there for them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    started = False
    if not env.get("NEO4J_URI") and (ROOT / "scripts" / "neo4j_server.py").exists():
        from neo4j_server import start  # type: ignore[import-not-found]

        try:
            env.update(start())
            started = True
        except Exception as error:  # a missing server is reported, and CI then fails in conftest
            print(f"run_tests: could not start Neo4j ({error}); Neo4j tests will skip outside CI.", file=sys.stderr)
    try:
        return subprocess.call([sys.executable, "-m", "pytest", *argv], cwd=ROOT, env=env)
    finally:
        if started:
            from neo4j_server import stop  # type: ignore[import-not-found]

            stop()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.exit(main(sys.argv[1:]))
