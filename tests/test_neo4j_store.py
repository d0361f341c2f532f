"""Neo4jStore against the real server that `make test` starts (NEO4J_URI).

Each test writes its own snapshot names (prefix ``test-<random>``) and deletes them.
"""

from __future__ import annotations

import json
import os
import socket
import uuid

import pandas as pd
import pytest

from orgpower.errors import DatabaseError, UsageError
from orgpower.graph import neo4j_store
from orgpower.graph.neo4j_store import (
    MIN_SERVER_VERSION,
    WRITE_ATTEMPTS,
    Neo4jStore,
    NodeIds,
    _restore_table,
    _server_version,
    _with_ends,
    _write_batch,
    safe_uri,
)
from orgpower.synthetic import generate_org
from orgpower.model import REPEATED_TEXT, InputFile, OrgModel, Problem, as_categories

pytestmark = pytest.mark.neo4j
neo4j_errors = pytest.importorskip("neo4j.exceptions")

TABLES = ("people", "reporting", "flows", "decisions", "relations", "units")

# snapshot name -> every key a load of it was given (keys are random integers, so the
# data of a replaced or failed load can only be found by the key it was written under)
KEYS_ISSUED: dict[str, set] = {}


@pytest.fixture(autouse=True)
def record_issued_keys(monkeypatch):
    stage = Neo4jStore._stage

    def recording(self, snapshot):
        key = stage(self, snapshot)
        KEYS_ISSUED.setdefault(snapshot, set()).add(key)
        return key

    monkeypatch.setattr(Neo4jStore, "_stage", recording)


@pytest.fixture(scope="module")
def store(neo4j_uri):
    with Neo4jStore.connect(neo4j_uri) as connected:
        yield connected


@pytest.fixture
def snapshot_name(store):
    """A fresh snapshot name; whatever the test stored under it is deleted afterwards."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    if name in store.list_snapshots():
        store.delete_snapshot(name)


def small_org(seed: int = 1) -> OrgModel:
    model = generate_org(40, "mixed", seed=seed)
    model.inputs = [InputFile(file="people.csv", sha256="ab" * 32, format="csv", kind="people",
                              vendor="native", rows=40, rows_used=40, mapping={"person_id": "id"})]
    model.problems = [Problem(code="unknown_manager", severity="warning", message="Row 7: manager X is unknown.",
                              file="people.csv", row=7, column="manager_id", value="X", ids=("P0006", "X"))]
    return model


def assert_same_model(read: OrgModel, original: OrgModel) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(read, table), getattr(original, table).reset_index(drop=True), obj=table)
    assert read.inputs == original.inputs
    assert read.problems == original.problems


def graph_size(store: Neo4jStore, name: str) -> dict[str, int]:
    """Nodes and relationships of every key ever written for snapshot ``name`` (current or not)."""
    issued = sorted(KEYS_ISSUED.get(name, ()))
    nodes = store.run("MATCH (n) WHERE n.snapshot IN $keys RETURN count(n) AS c", keys=issued)[0]["c"]
    arcs = store.run("MATCH ()-[r]->() WHERE r.snapshot IN $keys RETURN count(r) AS c", keys=issued)[0]["c"]
    keys = store.run("MATCH (n) WHERE n.snapshot IN $keys RETURN count(DISTINCT n.snapshot) AS c", keys=issued)[0]["c"]
    staging = store.run("MATCH (s:Staging {name: $name}) RETURN count(s) AS c", name=name)[0]["c"]
    return {"nodes": nodes, "relationships": arcs, "keys": keys, "staging": staging}


def test_round_trip_gives_back_every_table_problem_and_input_unchanged(store, snapshot_name):
    model = small_org()
    store.load(model, snapshot_name)
    assert_same_model(store.read_model(snapshot_name), model)


def test_load_counts_one_relationship_per_input_row(store, snapshot_name):
    model = small_org()
    counts = store.load(model, snapshot_name)
    assert counts["people"] == len(model.people)
    assert counts["flows"] == len(model.flows)
    assert counts["decision_roles"] == len(model.decisions)
    assert counts["relations"] == len(model.relations)
    assert counts["reporting"] == len(model.reporting)
    stored = store.run(
        "MATCH (s:Snapshot {name: $name}) MATCH (a)-[r:FLOW {snapshot: s.key}]->() RETURN count(r) AS c",
        name=snapshot_name)
    assert stored[0]["c"] == len(model.flows)


def test_loading_the_same_snapshot_twice_gives_the_same_graph(store, snapshot_name):
    model = small_org()
    store.load(model, snapshot_name)
    first = graph_size(store, snapshot_name)
    store.load(model, snapshot_name)
    second = graph_size(store, snapshot_name)
    assert first == second
    assert second["keys"] == 1 and second["staging"] == 0  # the replaced data is gone
    assert_same_model(store.read_model(snapshot_name), model)


def test_reloading_a_snapshot_replaces_its_content(store, snapshot_name):
    store.load(small_org(seed=1), snapshot_name)
    newer = small_org(seed=2)
    store.load(newer, snapshot_name)
    assert_same_model(store.read_model(snapshot_name), newer)


def duplicate_id(model: OrgModel, table: str) -> OrgModel:
    """The last row's id repeated: the (snapshot, id) uniqueness constraint fails mid-load.

    People are written first, units after them: with a duplicate unit the load fails
    when the people are already written, so they must be taken out again.
    """
    broken = OrgModel(**{t: getattr(model, t).copy() for t in TABLES})
    frame = getattr(broken, table)
    column = {"people": "person_id", "units": "unit_id"}[table]
    frame.loc[len(frame) - 1, column] = frame.loc[0, column]
    return broken


@pytest.mark.parametrize("table", ["people", "units"])
def test_a_failed_load_keeps_the_previous_snapshot_and_leaves_no_data(store, snapshot_name, table):
    model = small_org()
    store.load(model, snapshot_name)
    before = graph_size(store, snapshot_name)
    with pytest.raises(DatabaseError, match="share an id"):
        store.load(duplicate_id(model, table), snapshot_name)
    assert graph_size(store, snapshot_name) == before
    assert_same_model(store.read_model(snapshot_name), model)


@pytest.mark.parametrize("table", ["people", "units"])
def test_a_failed_first_load_leaves_no_snapshot(store, snapshot_name, table):
    with pytest.raises(DatabaseError):
        store.load(duplicate_id(small_org(), table), snapshot_name)
    assert snapshot_name not in store.list_snapshots()
    assert graph_size(store, snapshot_name) == {"nodes": 0, "relationships": 0, "keys": 0, "staging": 0}


HOSTILE_IDS = [
    "O'Brien",
    '") DETACH DELETE n //',
    "') DETACH DELETE n //",
    "x}) MATCH (m) DETACH DELETE m //",
    "$key",
    "Zoë 张伟 🙂",
    "007",
    "7",
    "back\\slash",
    " padded ",
    "",
]


def hostile_org() -> OrgModel:
    """Ids and values that would break a query built by string concatenation."""
    ids = HOSTILE_IDS
    top = ids[0]
    people = pd.DataFrame({
        "person_id": ids,
        "manager_id": [None] + [top] * (len(ids) - 1),
        "name": [f"N {i}" for i in ids],
        "unit": ["U'1"] * len(ids),
        "fte": [1.0] * (len(ids) - 1) + [None],
        "source_row": list(range(2, len(ids) + 2)),
        # attribute columns whose names collide with the store's own property keys
        "id": ["shadow"] * len(ids),
        "snapshot": ["also shadow"] * len(ids),
        "weird `key`": ids,
    }).astype({"person_id": "string", "manager_id": "string", "name": "string", "unit": "string",
               "id": "string", "snapshot": "string", "weird `key`": "string"})
    reporting = pd.DataFrame({"source": [top] * (len(ids) - 1), "target": ids[1:], "line": ["solid"] * (len(ids) - 1)},
                             dtype="string")
    flows = pd.DataFrame({
        "source": ["U'1", ids[6]], "target": [ids[7], "unit-only \" id"], "amount": [10.0, 2.5],
        "kind": ["') DETACH DELETE n //", None], "period": ["2025", "2025"], "currency": ["EUR", "EUR"],
        # further columns travel in a map; one is named like the store's own row position
        "project": ["P'1", None], "ord": ["second", "first"],
    }).astype({"source": "string", "target": "string", "kind": "string", "period": "string", "currency": "string",
               "project": "string", "ord": "string"})
    decisions = pd.DataFrame({
        "decision": ["D'1", "D'1"], "actor": [ids[1], ids[2]], "role": ["accountable", "consulted"],
        "domain": ["x", "x"], "affects": [ids[5], None],
    }, dtype="string")
    relations = pd.DataFrame({"source": [ids[6]], "target": [ids[7]], "relation": ["advice"], "weight": [1.0]}).astype(
        {"source": "string", "target": "string", "relation": "string"})
    units = pd.DataFrame({"unit_id": ["U'1"], "name": ["Unit ' one"], "parent_unit": [None]}, dtype="string")
    return OrgModel(people=people, reporting=reporting, flows=flows, decisions=decisions, relations=relations, units=units)


def test_hostile_ids_and_values_are_stored_and_read_back_unchanged(store, snapshot_name):
    model = hostile_org()
    nodes_before = store.run("MATCH (n) RETURN count(n) AS c")[0]["c"]
    store.load(model, snapshot_name)
    assert_same_model(store.read_model(snapshot_name), model)
    nodes_after = store.run("MATCH (n) RETURN count(n) AS c")[0]["c"]
    assert nodes_after > nodes_before  # nothing was deleted by an injected clause


def test_007_and_7_are_two_people(store, snapshot_name):
    store.load(hostile_org(), snapshot_name)
    found = store.run(
        "MATCH (s:Snapshot {name: $name}) MATCH (p:Person {snapshot: s.key}) WHERE p.id IN ['007', '7'] "
        "RETURN p.id AS id ORDER BY id", name=snapshot_name)
    assert [r["id"] for r in found] == ["007", "7"]


def test_snapshots_are_listed_and_deleted(store, snapshot_name):
    other = f"{snapshot_name}-b"
    store.load(small_org(), snapshot_name)
    store.load(small_org(), other)
    assert {snapshot_name, other} <= set(store.list_snapshots())
    store.delete_snapshot(other)
    assert other not in store.list_snapshots()
    assert snapshot_name in store.list_snapshots()
    assert graph_size(store, other) == {"nodes": 0, "relationships": 0, "keys": 0, "staging": 0}


def test_reading_an_unknown_snapshot_names_it_and_lists_the_stored_ones(store, snapshot_name):
    store.load(small_org(), snapshot_name)
    with pytest.raises(UsageError, match="no snapshot named 'no-such-snapshot'") as caught:
        store.read_model("no-such-snapshot")
    assert snapshot_name in caught.value.message


def read_row_by_row(store: Neo4jStore, name: str) -> dict[str, pd.DataFrame]:
    """The specification of read_model's tables: one property map per node and per
    relationship, each table restored from its maps by _restore_table."""
    info = store.snapshot_info(name)
    key, tables = info["key"], json.loads(info["tables"])
    read = {
        "people": _restore_table([r["row"] for r in store.run(
            "MATCH (a:Person {snapshot: $key}) RETURN a {.*} AS row", key=key)], tables["people"]),
        "units": _restore_table([r["row"] for r in store.run(
            "MATCH (a:Unit {snapshot: $key}) WHERE a.listed RETURN a {.*} AS row", key=key)], tables["units"]),
    }
    for table, rel_type in neo4j_store.ARC_TABLES.items():
        maps = store.run(f"MATCH (a {{snapshot: $key}})-[r:{rel_type}]->(b) RETURN r {{.*}} AS row, a.id AS source, "
                         "b.id AS target", key=key)
        read[table] = _restore_table([r["row"] | {"source": r["source"], "target": r["target"]} for r in maps],
                                     _with_ends(tables[table], ("source", "target")))
    roles = store.run("MATCH (a:Decision {snapshot: $key})<-[r:ROLE]-(b) RETURN r {.*} AS row, a.id AS decision, "
                      "b.id AS actor", key=key)
    read["decisions"] = _restore_table([r["row"] | {"decision": r["decision"], "actor": r["actor"]} for r in roles],
                                       _with_ends(tables["decisions"], ("decision", "actor")))
    return read


@pytest.mark.parametrize("org", [small_org, hostile_org], ids=["generated", "hostile"])
def test_tables_read_as_value_lists_equal_the_tables_rebuilt_from_a_map_per_row(store, snapshot_name, org):
    store.load(org(), snapshot_name)
    model = store.read_model(snapshot_name)
    for table, expected in read_row_by_row(store, snapshot_name).items():
        # the model holds an arc table's repeated texts as categories, whichever way it was read
        expected = as_categories(expected, REPEATED_TEXT.get(table, ()))
        pd.testing.assert_frame_equal(getattr(model, table), expected, obj=table)


def test_a_snapshot_read_in_many_small_parts_by_two_readers_comes_back_whole_and_in_order(
        store, snapshot_name, monkeypatch):
    model = generate_org(300, "mixed", seed=3)
    store.load(model, snapshot_name)
    monkeypatch.setattr(neo4j_store, "READ_CHUNK", 7)  # dozens of parts per table
    monkeypatch.setattr(store, "writers", 2)
    assert_same_model(store.read_model(snapshot_name), model)


def test_a_snapshot_that_loses_rows_while_it_is_read_is_an_error_not_a_shorter_table(store, snapshot_name):
    store.load(small_org(), snapshot_name)
    key = store.snapshot_info(snapshot_name)["key"]
    with store._driver.session() as session:  # what a purge running meanwhile would do to one arc
        session.execute_write(lambda tx: tx.run(
            "MATCH ()-[r:FLOW {snapshot: $key}]->() WITH r LIMIT 1 DELETE r", key=key).consume())
    with pytest.raises(DatabaseError, match=r"changed while it was read \(flows: .* of .* rows\); open it again"):
        store.read_model(snapshot_name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_wrong_password_is_a_database_error_naming_the_uri_not_the_password(neo4j_uri):
    secret = "not-the-password-" + uuid.uuid4().hex
    with pytest.raises(DatabaseError) as caught:
        Neo4jStore.connect(neo4j_uri, user="neo4j", password=secret)
    assert neo4j_uri in caught.value.message
    assert secret not in caught.value.message
    assert caught.value.exit_code == 3


def test_unreachable_port_is_a_database_error_naming_the_uri(neo4j_uri):
    uri = f"bolt://127.0.0.1:{_free_port()}"
    with pytest.raises(DatabaseError, match="Cannot reach Neo4j at " + uri.replace(".", r"\.")):
        Neo4jStore.connect(uri, password="whatever-123")


def test_cli_exits_3_on_a_wrong_password_and_never_prints_it(neo4j_uri, monkeypatch, capsys):
    from orgpower.cli import main

    secret = "hunter2-" + uuid.uuid4().hex
    monkeypatch.setenv("NEO4J_PASSWORD", secret)
    assert main(["snapshots", "--neo4j", neo4j_uri]) == 3
    out, err = capsys.readouterr()
    assert neo4j_uri in err
    assert secret not in out + err
    assert "Traceback" not in err


def test_cli_load_exits_3_when_the_server_is_unreachable(sample_orgs, monkeypatch, capsys):
    from orgpower.cli import main

    uri = f"bolt://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("NEO4J_PASSWORD", "some-password")
    assert main(["load", str(sample_orgs / "riverbank_coop"), "--neo4j", uri, "--snapshot", "x"]) == 3
    assert uri in capsys.readouterr().err


def test_cli_loads_lists_and_deletes_a_snapshot(neo4j_uri, sample_orgs, snapshot_name, capsys):
    from orgpower.cli import main

    assert main(["load", str(sample_orgs / "riverbank_coop"), "--neo4j", neo4j_uri, "--snapshot", snapshot_name]) == 0
    assert main(["snapshots", "--neo4j", neo4j_uri]) == 0
    assert snapshot_name in capsys.readouterr().out.splitlines()
    assert main(["snapshots", "--neo4j", neo4j_uri, "--delete", snapshot_name]) == 0
    assert main(["snapshots", "--neo4j", neo4j_uri]) == 0
    assert snapshot_name not in capsys.readouterr().out.splitlines()


@pytest.mark.slow  # two full audits (~5 s each on an idle machine)
def test_audit_from_a_snapshot_equals_the_in_process_audit(neo4j_uri, sample_orgs, snapshot_name, tmp_path):
    from orgpower.cli import main

    bundle = str(sample_orgs / "riverbank_coop")  # the smallest sample: keeps the suite fast
    # the null model only re-samples the same graph; leaving it out keeps this test short
    config = tmp_path / "config.json"
    config.write_text('{"null_samples": 0}')
    assert main(["load", bundle, "--neo4j", neo4j_uri, "--snapshot", snapshot_name]) == 0
    assert main(["audit", "--neo4j", neo4j_uri, "--snapshot", snapshot_name, "--out", str(tmp_path / "db"),
                 "--format", "json", "--config", str(config)]) == 0
    assert main(["audit", bundle, "--out", str(tmp_path / "files"), "--format", "json", "--config", str(config)]) == 0
    from_db = (tmp_path / "db" / "audit.json").read_bytes()
    from_files = (tmp_path / "files" / "audit.json").read_bytes()
    assert json.loads(from_db)["org"]["people"] > 0
    assert from_db == from_files
    # people.csv: equal up to the last bits of floating point (the in-process audit itself
    # varies there from run to run in bonacich_power)
    people_db = pd.read_csv(tmp_path / "db" / "people.csv")
    people_files = pd.read_csv(tmp_path / "files" / "people.csv")
    pd.testing.assert_frame_equal(people_db, people_files, rtol=1e-12, atol=1e-12)


def test_snapshot_keys_are_integers_that_fit_one_property_block(store, snapshot_name):
    # a text key took a record of the string store on every node and relationship
    store.load(small_org(), snapshot_name)
    key = store.snapshot_info(snapshot_name)["key"]
    assert isinstance(key, int) and 0 < key < 2**31
    on_people = store.run("MATCH (p:Person {snapshot: $key}) RETURN count(p) AS c", key=key)[0]["c"]
    assert on_people == len(small_org().people)


def test_a_file_name_every_row_shares_is_held_once_and_comes_back_on_every_row(store, snapshot_name):
    model = small_org()
    assert model.flows["source_file"].nunique() == 1
    store.load(model, snapshot_name)
    tables = json.loads(store.snapshot_info(snapshot_name)["tables"])
    assert tables["flows"]["constants"] == {"source_file": model.flows["source_file"].iloc[0]}
    on_arcs = store.run(
        "MATCH (s:Snapshot {name: $name}) MATCH ()-[r:FLOW {snapshot: s.key}]->() "
        "WHERE r.source_file IS NOT NULL RETURN count(r) AS c", name=snapshot_name)[0]["c"]
    assert on_arcs == 0
    assert_same_model(store.read_model(snapshot_name), model)


def test_file_names_that_differ_between_rows_stay_on_each_relationship(store, snapshot_name):
    model = small_org()
    files = model.flows["source_file"].astype(str)
    files.iloc[::2] = "flows-2025.csv"
    model.flows = model.flows.assign(source_file=files)  # a categorical column takes new values whole
    store.load(model, snapshot_name)
    tables = json.loads(store.snapshot_info(snapshot_name)["tables"])
    assert tables["flows"]["constants"] == {}
    stored = store.run(
        "MATCH (s:Snapshot {name: $name}) MATCH ()-[r:FLOW {snapshot: s.key}]->() "
        "RETURN r.source_file AS file, count(r) AS c ORDER BY file", name=snapshot_name)
    assert {r["file"]: r["c"] for r in stored} == model.flows["source_file"].value_counts().to_dict()
    assert_same_model(store.read_model(snapshot_name), model)


def test_progress_hears_of_every_write_step_with_its_row_count(store, snapshot_name):
    model = small_org()
    steps = []
    counts = store.load(model, snapshot_name, progress=lambda step, rows, seconds: steps.append((step, rows)))
    heard = dict(steps)
    assert heard["writing people"] == counts["people"]
    assert heard["writing FLOW relationships"] == counts["flows"]
    assert heard["writing ROLE relationships"] == counts["decision_roles"]
    assert heard["writing BINDS relationships"] == counts["decision_binds"]
    assert all(isinstance(rows, int) for _, rows in steps)  # counts only: no ids or names


def test_cli_load_says_on_a_terminal_what_each_step_wrote(neo4j_uri, sample_orgs, snapshot_name, monkeypatch):
    import io
    import sys

    from orgpower.cli import main

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    assert main(["load", str(sample_orgs / "riverbank_coop"), "--neo4j", neo4j_uri, "--snapshot", snapshot_name]) == 0
    err = sys.stderr.getvalue()
    assert "writing people: 120 rows in" in err
    assert "units named by arcs" not in err  # a step with nothing to write stays quiet


# ---- pure logic (no server)


def test_server_versions_below_5_9_are_refused_and_calendar_versions_accepted():
    assert _server_version("Neo4j/4.4.30") < MIN_SERVER_VERSION
    assert _server_version("Neo4j/5.8.0") < MIN_SERVER_VERSION
    assert _server_version("Neo4j/5.26.30") >= MIN_SERVER_VERSION
    assert _server_version("Neo4j/2025.01.0") >= MIN_SERVER_VERSION
    assert _server_version("something else") is None


def test_uris_are_shown_without_their_credentials():
    assert safe_uri("neo4j+s://alice:s3cret@db.example.com:7687") == "neo4j+s://db.example.com:7687"
    assert safe_uri("bolt://127.0.0.1:7687") == "bolt://127.0.0.1:7687"


def test_a_malformed_uri_is_a_usage_error():
    with pytest.raises(UsageError, match="not a Neo4j URI"):
        Neo4jStore.connect("http://localhost:7474", password=os.environ.get("NEO4J_PASSWORD", "x"))


class FlakyTransaction:
    """A transaction that a deadlock aborts ``aborts[0]`` times before it commits."""

    def __init__(self, aborts: list[int], committed: list[list]):
        self.aborts, self.committed = aborts, committed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self, query, rows, key):
        if self.aborts[0] > 0:
            self.aborts[0] -= 1
            raise neo4j_errors.TransientError("Neo.TransientError.Transaction.DeadlockDetected")
        self.rows = rows
        return self

    def single(self):
        return [len(self.rows)]

    def commit(self):
        self.committed.append(self.rows)


class FlakySession:
    def __init__(self, aborts: int):
        self.aborts, self.committed = [aborts], []

    def begin_transaction(self):
        return FlakyTransaction(self.aborts, self.committed)


def test_a_deadlocked_batch_is_tried_again_and_written_once(monkeypatch):
    monkeypatch.setattr(neo4j_store.time, "sleep", lambda seconds: None)
    session = FlakySession(aborts=3)
    assert _write_batch(session, "UNWIND $rows AS row ...", [[1], [2]], key=7) == 2
    assert session.committed == [[[1], [2]]]


def test_a_batch_that_deadlocks_on_every_attempt_fails_with_the_server_error(monkeypatch):
    monkeypatch.setattr(neo4j_store.time, "sleep", lambda seconds: None)
    session = FlakySession(aborts=WRITE_ATTEMPTS)
    with pytest.raises(neo4j_errors.TransientError):
        _write_batch(session, "UNWIND $rows AS row ...", [[1]], key=7)
    assert session.committed == []


def test_node_ids_are_found_for_every_arc_end_or_not_at_all():
    nodes = NodeIds({"P1": 10, "U1": 20, "007": 30})
    assert nodes.internal_ids(pd.Series(["U1", "P1", "U1", "007"], dtype="string")).tolist() == [20, 10, 20, 30]
    assert nodes.internal_ids(pd.Series(["P1", "7"], dtype="string")) is None  # "7" is not "007"
    assert nodes.internal_ids(pd.Series(["P1", None], dtype="string")) is None


def test_a_table_stored_before_constant_columns_existed_is_restored_as_stored():
    # snapshots of format 1 have no "constants" in their table schema
    schema = {"columns": ["source", "target", "source_file"], "dtypes": {c: "string" for c in ("source", "target", "source_file")},
              "keys": {"source": "source", "target": "target", "source_file": "source_file"}}
    records = [{"source": "A", "target": "B", "source_file": "f.csv", "ord": 1},
               {"source": "B", "target": "A", "source_file": "g.csv", "ord": 0}]
    table = _restore_table(records, schema)
    assert table["source_file"].tolist() == ["g.csv", "f.csv"]
