"""Neo4j as the system of record: load an :class:`~orgpower.model.OrgModel` as a named
snapshot, read it back, list and delete snapshots.

The graph model (docs/graph-model.md) stores every arc superior -> subordinate::

    (:Person)-[:MANAGES {line: 'solid'|'dotted'}]->(:Person)
    (:Person|:Unit)-[:FLOW {amount, kind, period, currency}]->(:Person|:Unit)
    (:Person|:Unit)-[:ROLE {role, domain, affects}]->(:Decision)   one per input row
    (:Decision)-[:BINDS]->(:Person|:Unit)
    (:Person|:Unit)-[:RELATION {relation, weight}]->(:Person|:Unit)
    (:Snapshot {name, key, created, inputs, problems, tables, counts})

Every data node and relationship carries ``snapshot``: the *key* of the load that wrote
it (``Snapshot.key``), so one snapshot's graph is
``MATCH (s:Snapshot {name: $name}) MATCH (p:Person {snapshot: s.key})``.

Why a key and not the name: a load writes under a fresh key that no :Snapshot points
to, in batches of ``UNWIND $rows`` (parameters only, never user data in query text),
and publishes it in one small transaction that points the :Snapshot at the new key.
Readers therefore see the old snapshot or the new one, never half of one; a failed
load deletes what it wrote, and leftovers of a crashed process (a :Staging node names
them) are deleted by the next load. The replaced key's data is deleted after the
switch. Loading the same model twice gives the same graph.

Errors (unreachable, wrong password, unsupported version, lost connection) become
:class:`~orgpower.errors.DatabaseError`: one sentence naming the URI, never the
password; the CLI exits 3.
"""

from __future__ import annotations

import gc
import json
import os
import random
import secrets
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import numpy as np
import pandas as pd

from orgpower.errors import DatabaseError, UsageError
from orgpower.model import PEOPLE_COLUMNS, UNIT_COLUMNS, InputFile, OrgModel, Problem

# Neo4j 5.9 brought the Cypher this module and cypher_measures.py use (quantified paths,
# composite uniqueness constraints in Community); 5.26 is the LTS we test against.
MIN_SERVER_VERSION = (5, 9)
BATCH_ROWS = 2_000
# rows built in Python at a time (then written): bounds the client's memory on huge orgs
CHUNK_ROWS = 100_000
PURGE_PART_NODES = 20_000  # nodes whose relationship ids are fetched at once when deleting
FETCH_SIZE = 100_000
READ_CHUNK = 50_000
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
# A load renews its :Staging node every HEARTBEAT_SECONDS; one not renewed for
# STALE_LOAD_SECONDS belongs to a load that died (killed, crashed, lost its connection),
# and the next load, delete or `orgpower snapshots --clean` removes what it wrote.
HEARTBEAT_SECONDS = 30
STALE_LOAD_SECONDS = 10 * 60
MAX_SNAPSHOT_NAME = 200
KEY_ATTEMPTS = 8
WRITE_ATTEMPTS = 10  # per batch, when a deadlock between the writers aborts it

PERSON, UNIT, DECISION = "Person", "Unit", "Decision"
NODE_LABELS = (PERSON, UNIT, DECISION)
# Columns each node label stores as named properties (the rest go in as a map); names
# from model.py, so no user text ever reaches a query.
CANONICAL_NODE_COLUMNS = {PERSON: PEOPLE_COLUMNS, UNIT: UNIT_COLUMNS, DECISION: ("domain",)}
# Property keys the store itself uses on nodes; a column of that name is stored as "column:<name>".
RESERVED_KEYS = frozenset({"snapshot", "id", "ord", "listed"})
# Columns stored once per table (in the :Snapshot's table schema) when every row has
# the same value, rather than on each of a million relationships: the file a table was
# read from. Storing it per row made a load about 8 % slower.
CONSTANT_COLUMNS = ("source_file",)
# table -> (node label or relationship type, the id column of a node table)
NODE_TABLES = {"people": (PERSON, "person_id"), "units": (UNIT, "unit_id")}
ARC_TABLES = {"reporting": "MANAGES", "flows": "FLOW", "relations": "RELATION"}
ARC_ENDS = ("source", "target")
# Columns each relationship type stores as named properties (the rest of a row's columns
# go in as a map); names from model.py, so no user text ever reaches a query.
ARC_PROPERTY_COLUMNS = {
    "MANAGES": ("line",),
    "FLOW": ("amount", "kind", "period", "currency", "source_file", "source_row"),
    "RELATION": ("relation", "weight", "source_file", "source_row"),
    "ROLE": ("role", "domain", "affects", "source_file", "source_row"),
}

SCHEMA = (
    "CREATE CONSTRAINT orgpower_person_key IF NOT EXISTS FOR (n:Person) REQUIRE (n.snapshot, n.id) IS UNIQUE",
    "CREATE CONSTRAINT orgpower_unit_key IF NOT EXISTS FOR (n:Unit) REQUIRE (n.snapshot, n.id) IS UNIQUE",
    "CREATE CONSTRAINT orgpower_decision_key IF NOT EXISTS FOR (n:Decision) REQUIRE (n.snapshot, n.id) IS UNIQUE",
    "CREATE CONSTRAINT orgpower_snapshot_name IF NOT EXISTS FOR (s:Snapshot) REQUIRE s.name IS UNIQUE",
    "CREATE CONSTRAINT orgpower_staging_key IF NOT EXISTS FOR (s:Staging) REQUIRE s.key IS UNIQUE",
    # reads and deletes select one snapshot's nodes by key alone
    "CREATE INDEX orgpower_person_snapshot IF NOT EXISTS FOR (n:Person) ON (n.snapshot)",
    "CREATE INDEX orgpower_unit_snapshot IF NOT EXISTS FOR (n:Unit) ON (n.snapshot)",
    "CREATE INDEX orgpower_decision_snapshot IF NOT EXISTS FOR (n:Decision) ON (n.snapshot)",
)


def safe_uri(uri: str) -> str:
    """The URI as it may be shown: any ``user:password@`` part removed."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparseable URI>"
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def split_credentials(uri: str) -> tuple[str, str | None, str | None]:
    """``(uri without user:password@, user, password)``; the user and password are
    percent-decoded, None when the URI has none.

    >>> split_credentials("neo4j+s://neo:p%40ss@db.example:7687")
    ('neo4j+s://db.example:7687', 'neo', 'p@ss')
    >>> split_credentials("bolt://localhost:7687")
    ('bolt://localhost:7687', None, None)
    """
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return uri, None, None
    if parts.username is None and parts.password is None:
        return uri, None, None
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{host}:{port}" if port else host
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), user, password


_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def snapshot_name(name: Any) -> str:
    """The name a snapshot is stored and found under: Unicode NFC, no spaces at either
    end, runs of spaces as one. Refused with a sentence when empty, longer than 200
    characters, or holding a control or invisible character, so that ``q1``, ``q1 ``
    and ``q1`` + a zero-width space cannot be three snapshots that list alike.

    >>> snapshot_name(" 2025  q1 "), snapshot_name("Cafe\u0301") == "Caf\u00e9"
    ('2025 q1', True)
    """
    if not isinstance(name, str) or not name.strip():
        raise UsageError("The snapshot name must be a non-empty text, e.g. --snapshot 2025-q1.")
    text = unicodedata.normalize("NFC", name).replace("\u00a0", " ")
    text = " ".join(part for part in text.split(" ") if part)
    hidden = [ch for ch in text if unicodedata.category(ch) in _INVISIBLE or (ch.isspace() and ch != " ")]
    if hidden:
        raise UsageError(
            f"The snapshot name {name!r} holds an invisible or control character (U+{ord(hidden[0]):04X}); "
            "use letters, digits, spaces and punctuation only."
        )
    if len(text) > MAX_SNAPSHOT_NAME:
        raise UsageError(f"The snapshot name is {len(text)} characters long; at most {MAX_SNAPSHOT_NAME} are allowed.")
    return text


# ---------------------------------------------------------------- table <-> records


def _column_keys(columns: list[str], id_column: str | None) -> dict[str, str]:
    """Column name -> property key (the id column becomes ``id``; reserved names are prefixed)."""
    keys = {}
    for column in columns:
        if column == id_column:
            keys[column] = "id"
        elif column in RESERVED_KEYS or column.startswith("column:"):
            keys[column] = f"column:{column}"
        else:
            keys[column] = column
    return keys


def _plain_values(series: pd.Series) -> list[Any]:
    """Python values for the driver: missing (NA, NaN, NaT) -> None, numpy scalars -> Python."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return [None if pd.isna(v) else v.isoformat() for v in series]
    missing = series.isna().to_numpy()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf":
        values = series.to_numpy().tolist()  # vectorised: numpy gives Python ints, floats, bools
        for position in np.flatnonzero(missing):
            values[position] = None
        return values
    if isinstance(series.dtype, pd.StringDtype):
        return series.to_numpy(dtype=object, na_value=None).tolist()
    if isinstance(series.dtype, pd.CategoricalDtype):  # each category once, then by code (-1: missing)
        categories = _plain_values(pd.Series(series.cat.categories)) + [None]
        return np.asarray(categories, dtype=object)[series.cat.codes.to_numpy()].tolist()
    values = series.astype(object).to_numpy().tolist()
    out = []
    for value, gone in zip(values, missing):
        if gone:
            out.append(None)
        elif type(value) in (str, int, float, bool):
            out.append(value)
        elif isinstance(value, np.generic):
            out.append(value.item())
        elif isinstance(value, (str, int, float)):  # subclasses
            out.append(value)
        else:  # a date, a decimal, ...: stored as its text, restored by the column's dtype
            out.append(str(value))
    return out


def _id_list(ids: pd.Series) -> list[str]:
    """Ids as a list of Python strings (iterating an Arrow-backed column one by one is slow)."""
    return ids.astype(str).to_numpy(dtype=object).tolist()


def _table_schema(frame: pd.DataFrame, id_column: str | None = None) -> dict[str, Any]:
    """Columns, dtypes and property keys of a table, and the CONSTANT_COLUMNS it holds once."""
    columns = [str(c) for c in frame.columns]
    constants = {}
    for column in CONSTANT_COLUMNS:
        if column in frame.columns and len(frame) and frame[column].notna().all():
            values = frame[column].unique()
            if len(values) == 1 and isinstance(values[0], str):
                constants[column] = values[0]
    return {
        "columns": columns,
        "dtypes": {str(c): _stored_dtype(frame[c]) for c in frame.columns},
        "keys": _column_keys(columns, id_column),
        "constants": constants,
    }


def _stored_dtype(column: pd.Series) -> str:
    """The dtype a column is restored with: a categorical column's is its categories'
    (the model makes it categorical again, :data:`orgpower.model.REPEATED_TEXT`)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return str(column.cat.categories.dtype)
    return str(column.dtype)


def _stored_columns(frame: pd.DataFrame, schema: dict[str, Any]) -> pd.DataFrame:
    """The table without the columns its schema holds once."""
    return frame.drop(columns=list(schema["constants"]))


def _property_rows(frame: pd.DataFrame, keys: dict[str, str]) -> list[dict[str, Any]]:
    """One property map per row of ``frame`` (missing values left out)."""
    values = [_plain_values(frame[c]) for c in frame.columns]
    names = [keys[str(c)] for c in frame.columns]
    return [{name: value for name, value in zip(names, row) if value is not None} for row in zip(*values)]


def _restore_table(records: list[dict[str, Any]], schema: dict[str, Any]) -> pd.DataFrame:
    """Rebuild a table from property maps: column order, dtypes and row order as loaded.

    The row-by-row form: read_model reads column lists instead, and the tests hold its
    tables equal to this function's over a map per node and relationship."""
    keys: dict[str, str] = schema["keys"]
    with _cycle_collector_paused():
        values = {c: [r.get(keys[c]) for r in records] for c in schema["columns"]}
        positions = [r["ord"] for r in records]
    return _table_from_columns(values, positions, schema)


def _table_from_columns(values: dict[str, list[Any]], positions: Sequence[int], schema: dict[str, Any]) -> pd.DataFrame:
    """Rebuild a table from its columns as read (rows in any order, ``positions`` = each
    row's ``ord``): column order, dtypes and row order as loaded.

    Takes the columns out of ``values`` one at a time: each list of Python values is
    freed once its column has its dtype, so the table is never held three times over
    (lists, object columns, typed columns) at the peak."""
    columns: list[str] = schema["columns"]
    constants = schema.get("constants", {})  # snapshots of format 1 have none
    n = len(positions)
    order = np.argsort(np.fromiter(positions, dtype=np.int64, count=n), kind="stable")
    data = {}
    for column in columns:
        if column in constants:
            values.pop(column, None)
            series = pd.Series([constants[column]] * n, dtype=object)
        else:
            series = pd.Series(_objects(values.pop(column, None), n)[order], dtype=object)
        try:
            series = _as_dtype(series, schema["dtypes"][column])
        except (TypeError, ValueError):
            pass  # keep the values as read rather than lose them
        data[column] = series
    return pd.DataFrame(data, columns=columns)


def _objects(column: Sequence[Any] | None, n: int) -> np.ndarray:
    """A column as a numpy object array (None for a column that was not read)."""
    if column is None:
        return np.full(n, None, dtype=object)
    return np.fromiter(column, dtype=object, count=n)


def _as_dtype(series: pd.Series, dtype: str) -> pd.Series:
    if dtype.startswith(("float", "Float")):
        return pd.to_numeric(series.where(series.notna(), np.nan), errors="raise").astype(dtype)
    return series.astype(dtype)


class NodeIds:
    """Internal node ids of the nodes a load wrote, looked up by id a whole column at a time."""

    def __init__(self, internal_by_id: dict[str, int]):
        self._ids = pd.Index(list(internal_by_id), dtype=object)
        self._internal = np.fromiter(internal_by_id.values(), dtype=np.int64, count=len(internal_by_id))

    def internal_ids(self, ids: pd.Series) -> np.ndarray | None:
        """The internal id of each of ``ids`` (as text), or None if one has no node."""
        # each distinct id is looked up once: arcs name the same nodes many times over
        named = ids.astype("category")
        found = self._ids.get_indexer(named.cat.categories.astype(str))
        codes = named.cat.codes.to_numpy()
        if (codes < 0).any() or (found < 0).any():  # a missing id, or an id with no node
            return None
        return self._internal[found[codes]]


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while millions of row lists are built.

    Each collection scans every list made so far, so building the rows of 750,000
    arcs took four times as long with it on; the rows hold no reference cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------- the store


class Neo4jStore:
    """One connection to a Neo4j server (a context manager). Use :meth:`connect`."""

    def __init__(self, driver: Any, uri: str, database: str | None = None):
        self._driver = driver
        self.uri = safe_uri(uri)
        self.database = database
        self.writers = max(1, int(os.environ.get("ORGPOWER_NEO4J_WRITERS", "2")))
        self._progress: Callable[[str, int, float], None] | None = None
        # every session of this store sees what the others wrote, also on a cluster whose
        # reads go to other members than its writes (causal consistency)
        from neo4j import GraphDatabase

        self._bookmarks = GraphDatabase.bookmark_manager()
        self.stale_load_seconds = STALE_LOAD_SECONDS

    # ---- connecting

    @classmethod
    def connect(cls, uri: str, user: str | None = None, password: str | None = None, *, database: str | None = None) -> "Neo4jStore":
        """Connect and check the server: reachable, credentials accepted, version >= 5.9.

        ``user``/``password`` default to ``NEO4J_USER`` (else ``neo4j``) / ``NEO4J_PASSWORD``;
        without a password no credentials are sent (a server with auth disabled).
        """
        try:
            import neo4j
            from neo4j import exceptions as neo
        except ImportError as error:  # the [neo4j] extra is optional
            raise DatabaseError("The Neo4j driver is not installed: pip install 'orgpower[neo4j]'.") from error

        shown = safe_uri(uri)
        # user:password@ in the URI: the driver would refuse the URI; take them from it
        uri, uri_user, uri_password = split_credentials(uri)
        user = user or uri_user or os.environ.get("NEO4J_USER") or "neo4j"
        if password is None:
            password = uri_password if uri_password is not None else os.environ.get("NEO4J_PASSWORD")
        auth = (user, password) if password else None
        database = database or os.environ.get("NEO4J_DATABASE") or None
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in BOLT_SCHEMES:  # the driver would also take http:// (its preview Query API)
            raise UsageError(
                f"{shown!r} is not a Neo4j URI: use bolt://HOST:PORT, neo4j://HOST:PORT or neo4j+s://HOST for Aura."
            )
        try:
            driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, connection_timeout=10, max_transaction_retry_time=15,
                notifications_min_severity="OFF",
            )
        except (ValueError, neo.ConfigurationError) as error:
            raise UsageError(
                f"{shown!r} is not a Neo4j URI: use bolt://HOST:PORT, neo4j://HOST:PORT or neo4j+s://HOST for Aura."
            ) from error
        try:
            driver.verify_connectivity()
            info = driver.get_server_info()
        except neo.AuthError as error:
            driver.close()
            raise DatabaseError(
                f"Neo4j at {shown} refused the credentials of user {user!r}: check NEO4J_USER and NEO4J_PASSWORD."
            ) from error
        except (neo.ServiceUnavailable, neo.SessionExpired, OSError) as error:
            driver.close()
            raise DatabaseError(
                f"Cannot reach Neo4j at {shown}: check that the server is running and the address and port are right."
            ) from error
        except neo.Neo4jError as error:
            driver.close()
            raise DatabaseError(f"Neo4j at {shown} refused the connection ({error.code}).") from error
        version = _server_version(info.agent)
        if version is None or version < MIN_SERVER_VERSION:
            driver.close()
            raise DatabaseError(
                f"Neo4j at {shown} is {info.agent}; orgpower needs Neo4j 5.9 or newer (5.26 LTS recommended)."
            )
        return cls(driver, uri, database)

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _session(self, doing: str) -> Iterator[Any]:
        """A session whose driver errors become one-sentence DatabaseErrors."""
        from neo4j import exceptions as neo

        try:
            # large pulls: the default of 1000 records per round trip makes bulk reads client-bound
            with self._driver.session(
                database=self.database, fetch_size=FETCH_SIZE, bookmark_manager=self._bookmarks,
            ) as session:
                yield session
        except neo.ConstraintError as error:
            raise DatabaseError(
                f"Neo4j at {self.uri} refused the data while {doing}: two rows share an id "
                f"(a uniqueness constraint failed); run `orgpower validate` and fix the duplicates."
            ) from error
        except (neo.ServiceUnavailable, neo.SessionExpired, OSError) as error:
            raise DatabaseError(f"Lost the connection to Neo4j at {self.uri} while {doing}.") from error
        except neo.Neo4jError as error:
            raise DatabaseError(f"Neo4j at {self.uri} reported {error.code} while {doing}.") from error

    def run(self, query: str, doing: str = "running a query", **parameters: Any) -> list[dict[str, Any]]:
        """Run one read query (parameters only) and return its records as dicts."""
        with self._session(doing) as session:
            return session.execute_read(lambda tx: [r.data() for r in tx.run(query, parameters)])

    def ensure_schema(self) -> None:
        """Create the constraints and indexes (idempotent)."""
        with self._session("creating constraints") as session:
            for statement in SCHEMA:
                session.run(statement).consume()

    # ---- snapshots

    def list_snapshots(self) -> list[str]:
        """Names of the snapshots stored, oldest first."""
        records = self.run("MATCH (s:Snapshot) RETURN s.name AS name ORDER BY s.created, s.name", "listing snapshots")
        return [r["name"] for r in records]

    def snapshot_info(self, name: str) -> dict[str, Any]:
        """The :Snapshot node's properties (key, created, counts as a dict, ...)."""
        records = self.run("MATCH (s:Snapshot {name: $name}) RETURN s {.*} AS s", "reading a snapshot", name=name)
        if not records:  # "q1 " finds "q1" (an exact match first: names stored before normalising)
            try:
                normal = snapshot_name(name)
            except UsageError:
                normal = name
            if normal != name:
                records = self.run("MATCH (s:Snapshot {name: $name}) RETURN s {.*} AS s", "reading a snapshot", name=normal)
        if not records:
            known = self.list_snapshots()
            listed = ", ".join(repr(n) for n in known[:10]) if known else "none"
            raise UsageError(f"Neo4j at {self.uri} has no snapshot named {name!r} (stored: {listed}).")
        info = dict(records[0]["s"])
        info["counts"] = json.loads(info.get("counts") or "{}")
        return info

    def delete_snapshot(self, name: str) -> None:
        """Delete snapshot ``name``: invisible at once (one transaction), its data removed after."""
        name = self.snapshot_info(name)["name"]  # a clear error for an unknown name
        with self._session("deleting a snapshot") as session:
            session.execute_write(lambda tx: tx.run(
                "MATCH (s:Snapshot {name: $name}) "
                "CREATE (:Staging {key: s.key, name: s.name, state: 'retired', since: datetime()}) "
                "DELETE s", name=name).consume())
        self._purge_retired()

    # ---- loading

    def load(
        self, model: OrgModel, snapshot: str = "default", *, progress: Callable[[str, int, float], None] | None = None,
    ) -> dict[str, int]:
        """Write ``model`` as snapshot ``snapshot`` (replacing one of that name); return counts.

        All or nothing: the data is written under a fresh key and published in one
        transaction at the end; on any failure what was written is deleted again.
        ``progress(step, rows, seconds)`` is called after each write step (people,
        units, decisions, each relationship type) with its row count and duration;
        it gets counts only, never ids or names.
        """
        snapshot = snapshot_name(snapshot)
        self.ensure_schema()
        self._purge_retired()
        key = self._stage(snapshot)
        self._progress = progress
        beating = self._heartbeat(key)
        try:
            counts, tables = self._write(model, key)
            self._publish(model, snapshot, key, counts, tables)
        except BaseException:
            try:
                # published after all (the answer to the commit was lost)? then it stays
                if not self.run("MATCH (s:Snapshot {key: $key}) RETURN s.name AS name", "checking a failed load", key=key):
                    self._purge_key(key)
            except DatabaseError:
                pass  # the :Staging node stays; the next load deletes the leftovers
            raise
        finally:
            self._progress = None
            beating.set()
        self._purge_retired()
        return counts

    def _heartbeat(self, key: int) -> threading.Event:
        """Renew the :Staging node of the load ``key`` every HEARTBEAT_SECONDS until the
        returned event is set, so that others can tell a running load from a dead one."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(HEARTBEAT_SECONDS):
                try:
                    with self._driver.session(database=self.database) as session:
                        session.execute_write(lambda tx: tx.run(
                            "MATCH (s:Staging {key: $key, state: 'loading'}) SET s.since = datetime()", key=key).consume())
                except Exception:  # noqa: BLE001 - a missed beat only makes the load look older
                    pass

        threading.Thread(target=beat, name=f"orgpower-load-{key}", daemon=True).start()
        return done

    def _stage(self, snapshot: str) -> int:
        """A fresh key for a load of ``snapshot``, claimed by a :Staging node.

        Keys are small random integers, not text: every node and relationship carries
        one, and an integer below 2**31 fits in one property block, where a 40-character
        text key took a record of the string store per entity (a load ran about 20 %
        slower). A key no :Snapshot or :Staging node holds is free; a race for the same
        one is left to the uniqueness constraint on :Staging(key).
        """
        for _ in range(KEY_ATTEMPTS):
            key = secrets.randbelow(2**31 - 1) + 1
            with self._session("starting a load") as session:
                claimed = session.execute_write(lambda tx, k=key: tx.run(
                    "OPTIONAL MATCH (s:Snapshot {key: $key}) OPTIONAL MATCH (t:Staging {key: $key}) "
                    "WITH count(s) + count(t) AS holders WHERE holders = 0 "
                    "CREATE (:Staging {key: $key, name: $name, state: 'loading', since: datetime()}) "
                    "RETURN count(*)", key=k, name=snapshot).single())
            if claimed is not None and claimed[0] == 1:
                return key
        raise DatabaseError(f"Neo4j at {self.uri} gave no free snapshot key in {KEY_ATTEMPTS} tries; load again.")

    def _write_batches(
        self, query: str, rows: list, key: int | str, doing: str, *, collect: bool = False, check: bool = True,
    ) -> Any:
        """Run ``query`` over ``rows`` in batches, one transaction each; check that every row was written.

        The query returns one record: the ``count`` of rows written or (``collect``) a
        list with one entry per row written; the lists of all batches are returned
        joined, in batch order. ``check=False`` (deletes) accepts fewer: a row may
        already be gone.
        """
        batches = [rows[start:start + BATCH_ROWS] for start in range(0, len(rows), BATCH_ROWS)]
        results: list[Any] = [None] * len(batches)

        def write_share(positions: range) -> None:
            with self._session(doing) as session:
                for position in positions:
                    results[position] = _write_batch(session, query, batches[position], key)

        # Neo4j runs one transaction on one core: a second writer uses the second core.
        # Arc rows come sorted by source node, so the writers mostly lock different nodes;
        # a deadlock between them aborts one batch, which _write_batch tries again.
        writers = min(self.writers, len(batches))
        if writers < 2:
            write_share(range(len(batches)))
        else:
            with ThreadPoolExecutor(max_workers=writers) as pool:
                list(pool.map(write_share, [range(i, len(batches), writers) for i in range(writers)]))
        written = [value for batch in results for value in batch] if collect else None
        done = len(written) if collect else sum(results)
        if check and done != len(rows):
            # an arc whose end was not found: never drop a row silently
            raise DatabaseError(f"Neo4j at {self.uri} wrote {done} of {len(rows)} rows while {doing}; nothing was kept.")
        return written if collect else done

    def _write_nodes(
        self, label: str, frame: pd.DataFrame, keys: dict[str, str], key: int, doing: str, listed: bool,
    ) -> dict[str, int]:
        """CREATE one node per row of ``frame``; return id -> internal node id (for the arcs).

        Rows travel as lists, like the arcs': the canonical columns (model.py's names, so
        no user text reaches the query) in a fixed order, any other column in one map.
        Neo4j resolves a list position once per query plan but a map key once per row.
        """
        assert label in NODE_LABELS
        began = time.perf_counter()
        columns = [str(c) for c in frame.columns]
        canonical = [c for c in columns if c in CANONICAL_NODE_COLUMNS[label] or keys[c] == "id"]
        extras = [c for c in columns if c not in canonical]
        props = "".join(f", {keys[c]}: row[{2 + i}]" for i, c in enumerate(canonical))
        id_position = 2 + [keys[c] for c in canonical].index("id")
        query = (
            f"UNWIND $rows AS row CREATE (n:{label} {{snapshot: $key, listed: {'true' if listed else 'false'}, "
            f"ord: row[0]{props}}}) " + ("SET n += row[1] " if extras else "") + f"RETURN collect([row[{id_position}], id(n)])"
        )
        internal: dict[str, int] = {}
        for start in range(0, len(frame), CHUNK_ROWS):
            chunk = frame.iloc[start:start + CHUNK_ROWS]
            with _cycle_collector_paused():
                values = [_plain_values(chunk[c]) for c in canonical]
                extra_maps = _property_rows(chunk[extras], keys) if extras else [None] * len(chunk)
                rows = list(map(list, zip(range(start, start + len(chunk)), extra_maps, *values)))
            pairs = self._write_batches(query, rows, key, doing, collect=True)
            internal.update((node_id, node) for node_id, node in pairs if node_id is not None)
        self._report(doing, len(frame), began)
        return internal

    def _report(self, step: str, rows: int, began: float) -> None:
        """Tell the load's progress callback, if any, that ``step`` wrote ``rows``."""
        if self._progress is not None:
            self._progress(step, rows, time.perf_counter() - began)

    def _write(self, model: OrgModel, key: int) -> tuple[dict[str, int], dict[str, Any]]:
        counts: dict[str, int] = {}
        tables: dict[str, Any] = {}
        people = model.people.reset_index(drop=True)
        units = model.units.reset_index(drop=True)

        # nodes: people, listed units, then every other id an arc names (as :Unit, unlisted).
        # An id that is both a person and a unit is the person, as in layers.build_graph.
        ends: dict[str, int] = {}  # id -> internal id of the node that arcs attach to
        for table, frame in (("people", people), ("units", units)):
            label, id_column = NODE_TABLES[table]
            schema = _table_schema(frame, id_column)
            tables[table] = schema
            created = self._write_nodes(
                label, _stored_columns(frame, schema), schema["keys"], key, f"writing {table}", listed=True)
            counts[table] = len(frame)
            ends = ends | {i: n for i, n in created.items() if i not in ends}
        named: set[str] = set()
        for column in (*(getattr(model, t)[end] for t in ("flows", "relations") for end in ARC_ENDS),
                       model.decisions["actor"], model.decisions["affects"]):
            named.update(_id_list(pd.Series(column.dropna().unique())))  # distinct first: ids repeat a lot
        unlisted = sorted(named - set(ends))
        ends |= self._write_nodes(
            UNIT, pd.DataFrame({"id": pd.Series(unlisted, dtype=object)}), {"id": "id"}, key,
            "writing units named by arcs", listed=False)
        counts["units_named"] = len(unlisted)

        # decisions: (:Decision) nodes; ROLE (one per row) and distinct BINDS are arcs below
        decisions = model.decisions.reset_index(drop=True)
        decision_ids = decisions["decision"].astype(str)
        first = decisions.assign(decision=decision_ids).drop_duplicates("decision")
        decision_nodes = self._write_nodes(
            DECISION, first[["decision", *(["domain"] if "domain" in first else [])]].rename(columns={"decision": "id"}),
            {"id": "id", "domain": "domain"}, key, "writing decisions", listed=True)
        counts["decisions"] = len(decision_nodes)
        end_nodes, decision_nodes = NodeIds(ends), NodeIds(decision_nodes)

        # arcs: one relationship per input row
        for table, rel_type in ARC_TABLES.items():
            frame = getattr(model, table).reset_index(drop=True)
            tables[table] = _table_schema(frame)
            counts[table] = self._write_arcs(
                rel_type, _stored_columns(frame, tables[table]), frame["source"], frame["target"], end_nodes, end_nodes, key)
        tables["decisions"] = _table_schema(decisions)
        counts["decision_roles"] = self._write_arcs(
            "ROLE", _stored_columns(decisions, tables["decisions"]).drop(columns=["decision"]).rename(columns={"actor": "source"}),
            decisions["actor"], decision_ids, end_nodes, decision_nodes, key, ends_in=("source",))
        binds = decisions.assign(decision=decision_ids)[["decision", "affects"]].dropna().astype(str).drop_duplicates()
        counts["decision_binds"] = self._write_arcs(
            "BINDS", binds.iloc[:, :0], binds["decision"], binds["affects"], decision_nodes, end_nodes, key,
            keep_order=False)
        return counts, tables

    def _write_arcs(
        self, rel_type: str, frame: pd.DataFrame, sources: pd.Series, targets: pd.Series,
        source_nodes: "NodeIds", target_nodes: "NodeIds", key: int, *,
        ends_in: tuple[str, ...] = ARC_ENDS, keep_order: bool = True,
    ) -> int:
        """CREATE one ``rel_type`` relationship per row of ``frame`` between the nodes its ends name.

        Rows travel as lists (ends by internal node id, then the canonical columns in a
        fixed order), which Neo4j reads several times faster than maps; any other column
        goes in one map. Property keys in the query text are this module's constants.
        Rows are sent in the order of their source node (arcs of one node together touch
        fewer pages per batch) and carry their table position as ``ord``. They are built
        and written CHUNK_ROWS at a time: a million rows as Python lists take 0.5 GB.
        """
        if frame.empty and not len(sources):
            return 0
        began = time.perf_counter()
        s_nodes, t_nodes = source_nodes.internal_ids(sources), target_nodes.internal_ids(targets)
        if s_nodes is None or t_nodes is None:  # ingest sets such rows aside; here it would be a bug
            raise DatabaseError(f"A {rel_type} row names an id with no node; nothing was written to {self.uri}.")
        order = np.argsort(s_nodes, kind="stable")
        columns = [c for c in frame.columns if c not in ends_in]
        canonical = [c for c in ARC_PROPERTY_COLUMNS.get(rel_type, ()) if c in columns]
        extras = [c for c in columns if c not in canonical]
        keys = _column_keys([str(c) for c in extras], None)
        props = ", ".join(f"{c}: row[{4 + i}]" for i, c in enumerate(canonical))
        query = (
            "UNWIND $rows AS row MATCH (a) WHERE id(a) = row[0] MATCH (b) WHERE id(b) = row[1] "
            f"CREATE (a)-[r:{rel_type} {{snapshot: $key, ord: row[2]{', ' + props if props else ''}}}]->(b) "
            + ("SET r += row[3] " if extras else "")
            + "RETURN count(r)"
        )
        doing = f"writing {rel_type} relationships"
        written = 0
        for start in range(0, len(order), CHUNK_ROWS):
            part = order[start:start + CHUNK_ROWS]
            chunk = frame.iloc[part]
            with _cycle_collector_paused():
                values = [_plain_values(chunk[c]) for c in canonical]
                extra_maps = _property_rows(chunk[extras], keys) if extras else [None] * len(part)
                positions = part.tolist() if keep_order else [None] * len(part)
                rows = list(map(list, zip(
                    s_nodes[part].tolist(), t_nodes[part].tolist(), positions, extra_maps, *values)))
            written += self._write_batches(query, rows, key, doing)
        self._report(doing, len(order), began)
        return written

    def _publish(self, model: OrgModel, name: str, key: int, counts: dict[str, int], tables: dict[str, Any]) -> None:
        """Point :Snapshot ``name`` at ``key`` in one transaction; the old key is retired."""
        properties = {
            "key": key,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "inputs": json.dumps([i.to_dict() for i in model.inputs], default=str),
            "problems": json.dumps([p.to_dict(with_names=True) for p in model.problems], default=str),
            "tables": json.dumps(tables),
            "counts": json.dumps(counts),
            "format": 2,  # 2: integer keys, constant columns held once in "tables"
        }
        with self._session("publishing the snapshot") as session:
            published = session.execute_write(lambda tx: tx.run(
                "MATCH (staging:Staging {key: $key}) "
                "MERGE (s:Snapshot {name: $name}) "
                "WITH s, staging, s.key AS old "
                "FOREACH (_ IN CASE WHEN old IS NULL OR old = $key THEN [] ELSE [1] END | "
                "  CREATE (:Staging {key: old, name: $name, state: 'retired', since: datetime()})) "
                "SET s += $properties "
                "DELETE staging RETURN count(s)", key=key, name=name, properties=properties).single()[0])
        if published != 1:
            raise DatabaseError(f"Neo4j at {self.uri} lost the staged data of snapshot {name!r}; load it again.")

    # ---- deleting data

    def _purge_key(self, key: int | str) -> None:
        """Delete every node and relationship written under ``key``.

        Relationships first, then nodes, each by internal id in batches spread over the
        writers, as a load writes them: one server-side ``CALL {} IN TRANSACTIONS``
        runs on one core and took 1.7 times as long (25 s against 15 s for a snapshot
        of 1.4 million rows). Every relationship starts at a node of its snapshot, so
        walking out of those nodes finds them all; the ids are fetched a part of the
        nodes at a time, which bounds the memory a huge snapshot needs here. Each delete
        checks the key again: should another process purge the same key meanwhile, an id
        it freed may already belong to someone else's new node or relationship.
        """
        doing = "deleting old snapshot data"
        for label in NODE_LABELS:
            nodes = self.run(f"MATCH (a:{label} {{snapshot: $key}}) RETURN count(a) AS n", doing, key=key)[0]["n"]
            parts = max(1, nodes // PURGE_PART_NODES)
            for part in range(parts):
                arcs = self.run(
                    f"MATCH (a:{label} {{snapshot: $key}}) WHERE id(a) % $parts = $part "
                    "MATCH (a)-[r]->() RETURN collect(id(r)) AS ids", doing, key=key, parts=parts, part=part)[0]["ids"]
                self._write_batches(
                    "UNWIND $rows AS arc MATCH ()-[r]->() WHERE id(r) = arc AND r.snapshot = $key DELETE r "
                    "RETURN count(*)",
                    sorted(arcs), key, doing, check=False)
        for label in NODE_LABELS:
            nodes = self.run(f"MATCH (a:{label} {{snapshot: $key}}) RETURN collect(id(a)) AS ids", doing, key=key)[0]["ids"]
            self._write_batches(
                "UNWIND $rows AS node MATCH (n) WHERE id(n) = node AND n.snapshot = $key DETACH DELETE n "
                "RETURN count(*)",
                sorted(nodes), key, doing, check=False)
        with self._session(doing) as session:
            session.execute_write(lambda tx: tx.run("MATCH (s:Staging {key: $key}) DELETE s", key=key).consume())

    def _purge_retired(self) -> None:
        """Delete the data of replaced or deleted snapshots, and of loads that died (their
        :Staging node not renewed for ``stale_load_seconds``)."""
        records = self.run(
            "MATCH (s:Staging) WHERE s.state = 'retired' "
            "OR s.since < datetime() - duration({seconds: $seconds}) RETURN s.key AS key",
            "finding old snapshot data", seconds=self.stale_load_seconds)
        for record in records:
            self._purge_key(record["key"])

    def remove_orphans(self) -> dict[str, int]:
        """Delete every node no snapshot owns, and its relationships: the data of loads
        that died, of replaced or deleted snapshots, and data whose key neither a
        :Snapshot nor a :Staging node holds (``orgpower snapshots --clean``). Loads
        running elsewhere are left alone. Returns the number of loads and nodes removed.
        """
        doing = "finding data no snapshot owns"
        stale = self.run(
            "MATCH (s:Staging) WHERE s.state = 'retired' "
            "OR s.since < datetime() - duration({seconds: $seconds}) RETURN collect(s.key) AS keys",
            doing, seconds=self.stale_load_seconds)[0]["keys"]
        keys = set(stale)
        for label in NODE_LABELS:
            keys.update(self.run(
                f"MATCH (n:{label}) WITH DISTINCT n.snapshot AS key "
                "WHERE NOT EXISTS { MATCH (:Snapshot {key: key}) } AND NOT EXISTS { MATCH (:Staging {key: key}) } "
                "RETURN collect(key) AS keys", doing)[0]["keys"])
        nodes = 0
        for key in sorted(keys, key=str):
            for label in NODE_LABELS:
                nodes += self.run(f"MATCH (n:{label} {{snapshot: $key}}) RETURN count(n) AS n", doing, key=key)[0]["n"]
            self._purge_key(key)
        return {"loads": len(keys), "nodes": nodes}

    # ---- reading

    def read_model(self, snapshot: str) -> OrgModel:
        """Read snapshot ``snapshot`` back into an :class:`OrgModel` (a few bulk queries).

        Tables come back with the columns, dtypes and row order they were loaded with,
        so an audit of the result equals the in-process audit of the original. Every
        table is checked against the row count the load stored: a snapshot replaced or
        deleted while it is read is an error, never a table with rows missing.
        """
        info = self.snapshot_info(snapshot)
        key = info["key"]
        tables = json.loads(info["tables"])
        doing = f"reading snapshot {snapshot!r}"
        counts = info["counts"]

        nodes = {label: self._node_ids(label, key, doing) for label in NODE_LABELS}
        listed_units = self._node_ids(UNIT, key, doing, listed_only=True)
        model = OrgModel(
            people=self._read_nodes(PERSON, nodes[PERSON], tables["people"], key, doing),
            units=self._read_nodes(UNIT, listed_units, tables["units"], key, doing),
        )
        for table, rel_type in ARC_TABLES.items():
            setattr(model, table, self._read_arcs(
                [(PERSON, nodes[PERSON]), (UNIT, nodes[UNIT])], f"MATCH (a)-[r:{rel_type}]->(b)", rel_type,
                tables[table], {"source": "a.id", "target": "b.id"}, key, doing, counts.get(table, 0)))
        model.decisions = self._read_arcs(
            [(DECISION, nodes[DECISION])], "MATCH (a)<-[r:ROLE]-(b)", "ROLE", tables["decisions"],
            {"decision": "a.id", "actor": "b.id"}, key, doing, counts.get("decision_roles", 0))
        for table, count_of in (*((t, t) for t in ("people", "units", *ARC_TABLES)), ("decisions", "decision_roles")):
            expected = counts.get(count_of)
            if expected is not None and len(getattr(model, table)) != expected:
                raise DatabaseError(
                    f"Snapshot {snapshot!r} in Neo4j at {self.uri} changed while it was read ({table}: "
                    f"{len(getattr(model, table)):,} of {expected:,} rows); open it again.")
        model.inputs = [InputFile(**i) for i in json.loads(info["inputs"])]
        model.problems = [Problem(**(p | {"ids": tuple(p.get("ids") or ()), "names": tuple(p.get("names") or ())}))
                          for p in json.loads(info["problems"])]
        return model

    def _node_ids(self, label: str, key: int | str, doing: str, *, listed_only: bool = False) -> np.ndarray:
        """The internal ids of snapshot ``key``'s ``label`` nodes, ascending, in one record."""
        assert label in NODE_LABELS
        where = "WHERE a.listed " if listed_only else ""
        with self._session(doing) as session:
            ids = session.execute_read(lambda tx: tx.run(
                f"MATCH (a:{label} {{snapshot: $key}}) {where}RETURN collect(id(a))", key=key).single()[0])
        return np.sort(np.asarray(ids, dtype=np.int64))

    def _collect_parts(
        self, label: str, nodes: np.ndarray, expand: str, row: str, width: int, key: int | str, doing: str,
        expected: int, **parameters: Any,
    ) -> Iterator[list[list[Any]]]:
        """The values of ``row`` (a Cypher list of ``width`` values) for the ``label``
        nodes ``nodes`` (internal ids, as :meth:`_node_ids` gives them) and what
        ``expand`` matches from them, as ``width`` column lists, a part of the nodes at a time.

        The driver decodes values in Python objects, so the shape of what travels sets
        the client's cost: a record per row is slowest, a list of row lists per part
        was the previous form, and a list per column (the rows' values regrouped on the
        server, nulls kept in place) costs the client about a fifth of that (100,000
        people's flows: 2.4 -> 0.45 CPU-s). Each part names its nodes by internal id
        (a seek per node), so a table costs one pass over its nodes; parts that selected
        their nodes by ``id(a) % parts`` each scanned all of the snapshot's nodes. Two
        readers share the parts (Neo4j answers one query on one core, and the client
        decodes one part while the server gathers the next); parts come back in order.
        """
        if not len(nodes):
            return
        parts = max(1, min(len(nodes), expected // READ_CHUNK + 1))
        query = (f"UNWIND $ids AS i MATCH (a:{label}) WHERE id(a) = i AND a.snapshot = $key {expand} "
                 f"WITH collect({row}) AS rows RETURN [k IN range(0, {int(width) - 1}) | [row IN rows | row[k]]]")
        chunks = [chunk.tolist() for chunk in np.array_split(nodes, parts)]

        def read(chunk: list[int]) -> list[list[Any]]:
            with self._session(doing) as session:
                return session.execute_read(lambda tx: tx.run(query, ids=chunk, key=key, **parameters).single()[0])

        readers = min(self.writers, len(chunks))
        if readers < 2:
            yield from map(read, chunks)
            return
        with ThreadPoolExecutor(max_workers=readers) as pool:
            # at most `readers` parts ahead of the one being turned into columns: bounds the memory
            pending = [pool.submit(read, chunk) for chunk in chunks[:readers]]
            for position in range(len(chunks)):
                columns = pending[position].result()
                if position + readers < len(chunks):
                    pending.append(pool.submit(read, chunks[position + readers]))
                pending[position] = None
                yield columns

    def _read_nodes(self, label: str, nodes: np.ndarray, schema: dict[str, Any], key: int | str, doing: str) -> pd.DataFrame:
        """A node table read back as column lists (``ord``, then each stored column's property)."""
        stored = [c for c in schema["columns"] if c not in schema.get("constants", {})]
        keys = ["ord", *(schema["keys"][c] for c in stored)]
        values: dict[str, list[Any]] = {c: [] for c in stored}
        positions: list[int] = []
        # property keys travel as a parameter: a user column's name never reaches the query text
        for columns in self._collect_parts(
                label, nodes, "", "[k IN $keys | a[k]]", len(keys), key, doing, len(nodes), keys=keys):
            positions.extend(columns[0])
            for name, column in zip(stored, columns[1:]):
                values[name].extend(column)
        return _table_from_columns(values, positions, schema)

    def _read_arcs(
        self, anchors: list[tuple[str, np.ndarray]], expand: str, rel_type: str, schema: dict[str, Any],
        ends: dict[str, str], key: int | str, doing: str, expected: int,
    ) -> pd.DataFrame:
        """An arc table read back as column lists: the ends' ids, ``ord``, the canonical
        columns by name, any other column by its property key (a parameter)."""
        canonical = [c for c in ARC_PROPERTY_COLUMNS[rel_type] if c in schema["columns"]]
        extras = [c for c in schema["columns"]
                  if c not in canonical and c not in ends and c not in schema.get("constants", {})]
        row = "[" + ", ".join([*ends.values(), "r.ord", *(f"r.{c}" for c in canonical)]) + "]"
        row += " + [k IN $keys | r[k]]" if extras else ""
        keys = [schema["keys"][c] for c in extras]
        schema = _with_ends(schema, tuple(ends))
        named = [*ends, *canonical, *extras]  # the columns at row[0], row[1], row[3], ...; row[2] is ord
        values: dict[str, list[Any]] = {c: [] for c in named}  # a column may be named "ord" too
        positions: list[int] = []
        all_nodes = max(1, sum(len(nodes) for _, nodes in anchors))
        for label, nodes in anchors:
            # a part at a time into columns: the rows of all parts at once would double the memory;
            # each anchor label gets its share of the rows (by its share of the nodes)
            share = expected * len(nodes) // all_nodes
            for columns in self._collect_parts(
                    label, nodes, expand, row, len(named) + 1, key, doing, share, keys=keys):
                positions.extend(columns[len(ends)])
                for name, column in zip(named, columns[:len(ends)] + columns[len(ends) + 1:]):
                    values[name].extend(column)
        return _table_from_columns(values, positions, schema)

def _write_batch(session: Any, query: str, batch: list, key: int) -> Any:
    """Run ``query`` over one batch in one transaction and return its one value.

    Two writers can deadlock on a node both attach arcs to; Neo4j then aborts one
    transaction with a transient error. That batch is tried again after a few
    milliseconds: the driver's own retry (execute_write) first waits a whole second.
    """
    from neo4j import exceptions as neo

    attempt = 1
    while True:
        try:
            with session.begin_transaction() as tx:
                value = tx.run(query, rows=batch, key=key).single()[0]
                tx.commit()
            return value
        except neo.TransientError:
            if attempt == WRITE_ATTEMPTS:
                raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)
            attempt += 1


def _with_ends(schema: dict[str, Any], ends: tuple[str, ...]) -> dict[str, Any]:
    """Arc tables keep their end columns under their own names (read as ``a.id``/``b.id``)."""
    keys = dict(schema["keys"])
    for end in ends:
        keys[end] = end
    return schema | {"keys": keys}


def _server_version(agent: str | None) -> tuple[int, int] | None:
    """``"Neo4j/5.26.30"`` -> ``(5, 26)``; calendar versions (``2025.01.0``) compare as newer."""
    if not agent or "/" not in agent:
        return None
    parts = agent.split("/", 1)[1].split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return None
