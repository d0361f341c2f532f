"""Neo4j probes replayed against the real server `make test` starts (NEO4J_URI): a killed
load leaves nothing behind after the next load or `orgpower snapshots --clean`, while a
load running elsewhere is never touched; snapshot names that would list alike are one
name or refused; a URI with user:password@ connects with those credentials."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from orgpower import api
from orgpower.cli import main as cli_main
from orgpower.errors import UsageError
from orgpower.graph.neo4j_store import Neo4jStore, snapshot_name

pytestmark = pytest.mark.neo4j
pytest.importorskip("neo4j")

# A load in its own process that stops right after writing its people (the moment the
# probe killed it), renewing its :Staging node every 0.5 s while it waits.
PAUSED_LOAD = textwrap.dedent("""
    import sys, time
    from orgpower import api
    from orgpower.graph import neo4j_store
    neo4j_store.HEARTBEAT_SECONDS = 0.5
    def progress(step, rows, seconds):
        if "people" in step:
            print("people written", flush=True)
            time.sleep(3600)
    with neo4j_store.Neo4jStore.connect(sys.argv[1]) as store:
        store.load(api.generate_org(2_000, "mixed", seed=3), snapshot=sys.argv[2], progress=progress)
""")


@pytest.fixture(scope="module")
def store(neo4j_uri):
    with Neo4jStore.connect(neo4j_uri) as connected:
        yield connected


@pytest.fixture
def name(store):
    name = f"sec-{uuid.uuid4().hex[:10]}"
    yield name
    for stored in store.list_snapshots():
        if stored.startswith(name):
            store.delete_snapshot(stored)


def staged_keys(store, name: str) -> list[int]:
    return store.run("MATCH (s:Staging {name: $name}) RETURN collect(s.key) AS keys", name=name)[0]["keys"]


def people_under(store, key: int) -> int:
    return store.run("MATCH (p:Person {snapshot: $key}) RETURN count(p) AS n", key=key)[0]["n"]


def start_paused_load(neo4j_uri: str, name: str) -> subprocess.Popen:
    load = subprocess.Popen(
        [sys.executable, "-c", PAUSED_LOAD, neo4j_uri, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )
    line = load.stdout.readline()
    if "people written" not in line:
        load.kill()
        pytest.fail(f"the paused load did not get to its people: {line!r} {load.stderr.read()[-2000:]}")
    return load


def kill(load: subprocess.Popen) -> None:
    os.killpg(load.pid, signal.SIGKILL)
    load.wait(timeout=10)


def test_a_killed_load_leaves_nothing_after_the_next_load(store, neo4j_uri, name):
    load = start_paused_load(neo4j_uri, name)
    try:
        (key,) = staged_keys(store, name)
        assert people_under(store, key) == 2_000
        assert name not in store.list_snapshots()  # never half a snapshot
        store.stale_load_seconds = 3
        time.sleep(4)  # the live load renews its :Staging node: it is left alone
        store.load(api.generate_org(30, "mixed", seed=1), snapshot=name + "-other")
        assert people_under(store, key) == 2_000, "a running load's data was deleted"
    finally:
        kill(load)
    time.sleep(4)  # killed: no more renewals, so its :Staging node goes stale
    store.load(api.generate_org(30, "mixed", seed=1), snapshot=name + "-other")
    assert people_under(store, key) == 0
    assert staged_keys(store, name) == []


def test_a_killed_load_does_not_survive_deleting_every_snapshot(store, neo4j_uri, name):
    store.load(api.generate_org(30, "mixed", seed=1), snapshot=name)
    load = start_paused_load(neo4j_uri, name + "-killed")
    kill(load)
    (key,) = staged_keys(store, name + "-killed")
    store.stale_load_seconds = 1
    time.sleep(2)
    store.delete_snapshot(name)
    assert people_under(store, key) == 0


def test_clean_removes_data_no_snapshot_or_load_owns_and_keeps_every_snapshot(store, neo4j_uri, name, capsys, monkeypatch):
    store.load(api.generate_org(30, "mixed", seed=1), snapshot=name)
    kept = store.snapshot_info(name)["key"]
    orphan = 2**31 + int(uuid.uuid4().int % 1_000_000)  # a key no load issues
    store_people = people_under(store, kept)
    with store._session("writing orphans") as session:
        session.run("UNWIND range(1, 500) AS i CREATE (a:Person {snapshot: $key, id: 'o' + i})"
                    "-[:MANAGES {snapshot: $key}]->(:Person {snapshot: $key, id: 'p' + i})", key=orphan).consume()
    assert people_under(store, orphan) == 1_000
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    assert cli_main(["snapshots", "--clean"]) == 0
    assert "Removed" in capsys.readouterr().out
    assert people_under(store, orphan) == 0
    assert store.run("MATCH ()-[r {snapshot: $key}]->() RETURN count(r) AS n", key=orphan)[0]["n"] == 0
    assert people_under(store, kept) == store_people and name in store.list_snapshots()


# --- snapshot names --------------------------------------------------------------------


def test_names_that_list_alike_are_one_snapshot(store, name):
    model = api.generate_org(20, "mixed", seed=2)
    store.load(model, snapshot=name)
    store.load(model, snapshot=f" {name}  ")
    assert [n for n in store.list_snapshots() if n.strip().startswith(name)] == [name]
    assert len(store.read_model(f"{name} ").people) == 20


@pytest.mark.parametrize("hidden", ["\u200b", "\u200d", "\ufeff", "\u202e", "\x00", "\n", "\t", "\u2028"])
def test_a_name_with_an_invisible_or_control_character_is_refused(store, name, hidden):
    with pytest.raises(UsageError, match="invisible or control character"):
        store.load(api.generate_org(5, "mixed", seed=2), snapshot=name + hidden)
    assert not [n for n in store.list_snapshots() if n.startswith(name)]


def test_composed_and_decomposed_accents_name_the_same_snapshot():
    assert snapshot_name("Q1 Caf\u00e9") == snapshot_name("Q1 Cafe\u0301") == "Q1 Caf\u00e9"


# --- URIs with credentials -------------------------------------------------------------


def test_a_uri_with_user_and_password_connects_with_them_and_never_shows_them(neo4j_uri, monkeypatch):
    user, password = os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"]
    monkeypatch.delenv("NEO4J_USER", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    scheme, rest = neo4j_uri.split("://", 1)
    from urllib.parse import quote

    with Neo4jStore.connect(f"{scheme}://{quote(user)}:{quote(password, safe='')}@{rest}") as connected:
        assert isinstance(connected.list_snapshots(), list)
        assert password not in connected.uri and "@" not in connected.uri
