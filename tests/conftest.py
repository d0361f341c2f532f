"""Shared fixtures. Real parts, not stand-ins: Neo4j tests use the server that
`make test` starts (NEO4J_URI); browser tests use Debian's Chromium. Under CI=true
neither may skip: a missing server or browser fails the run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_DATASETS = ROOT / "tests" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run, not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def public_datasets() -> Path:
    """tests/data: the public reference data sets, each with its SOURCE.md and licence."""
    return PUBLIC_DATASETS


@pytest.fixture(scope="session")
def neo4j_uri() -> str:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        _unavailable("NEO4J_URI is not set; run `make test` (it starts Neo4j) or `eval $(make neo4j)`")
    return uri


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def sample_orgs() -> Path:
    return ROOT / "sample_orgs"
