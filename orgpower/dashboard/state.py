"""What one browser session holds: the org it loaded, its audit, its files.

Everything lives in ``st.session_state``, so one user's uploads are never visible in
another session: uploaded bytes go to a temporary folder owned by the session, and the
expensive results (the audit, graph layouts) are memoised per session, keyed by the
sha256 of the inputs. No module-level or ``st.cache_*`` store holds user data (the
registry of session folders below holds their paths only).

The dashboard computes nothing of its own: every number comes from
:mod:`orgpower.api` (``read_org``, ``audit``, ``write_reports``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from orgpower import api
from orgpower.dashboard.safe_text import plain
from orgpower.errors import OrgpowerError

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE_ORGS = ROOT / "sample_orgs"
PAGES = Path(__file__).resolve().parent / "views_pages"  # not "pages/": Streamlit would run those without the login
INPUT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet")
MEMO_ENTRIES = 64  # per session: lookups of the org, plus layouts of a few layers and filters

_ORG = "orgpower_org"
_COMPARE = "orgpower_compare"
_WORKDIR = "orgpower_workdir"
_MEMO = "orgpower_memo"


@dataclass
class LoadedOrg:
    """One org as the session sees it: where it came from, the model, its audit."""

    label: str  # what the user picked: a file list, a sample org, a snapshot
    origin: str  # "upload" | "sample" | "neo4j"
    input_hash: str  # sha256 over the input bytes and the mapping: the memo key
    model: Any = None  # orgpower.model.OrgModel
    result: Any = None  # orgpower.report.audit.AuditResult, or None when the audit failed
    error: str | None = None  # one sentence when the org could not be used
    seconds: float = 0.0
    paths: list[Path] = field(default_factory=list)
    mapping: dict[str, Any] | None = None
    label_hash: str = ""  # sha256 of the files as given, before any mapping correction
    sources: list[Path] = field(default_factory=list)  # the files or folder as given (never written to)
    edits: list[Any] = field(default_factory=list)  # orgpower.edits.Edit, in the order made
    previous_reading: str | None = None  # the org's reading before the last fix, to say what changed
    previous_scores: dict[str, Any] = field(default_factory=dict)  # its axis scores then
    previous_layer_scores: dict[str, dict[str, Any]] = field(default_factory=dict)  # each layer's axis scores then
    notice: str | None = None  # what the last change did, in words (plain text: escaped, names hidden, when shown)


# --- session-owned storage -------------------------------------------------------------


APP = Path(__file__).resolve().parent / "app.py"


def inside_the_app() -> None:
    """Stop a page module that is run as a script of its own (``streamlit run
    views_pages/org.py``): pages run only inside app.py, after its login gate. Every way
    a page reaches data (the org, the session's files, the samples, Neo4j) checks this."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is not None and Path(context.main_script_path).resolve() != APP:
        st.error("This page runs only inside the orgpower dashboard: start it with `orgpower dashboard`.")
        st.stop()


def session_workdir() -> Path:
    """A temporary folder owned by this session: removed at logout, when its uploads are
    replaced, and :func:`session_grace_seconds` after the browser tab has gone."""
    inside_the_app()
    holder = st.session_state.get(_WORKDIR)
    if holder is None or not Path(holder.name).is_dir():
        holder = tempfile.TemporaryDirectory(prefix="orgpower-session-")
        st.session_state[_WORKDIR] = holder
        _watch_folder(holder)
    return Path(holder.name)


# Streamlit keeps a closed tab's session for two minutes in case it reconnects, then
# drops it without telling the app, and the dropped session state (with its folder)
# may be collected much later or never. So the folders are tracked here, by session id
# (paths only, no user data), and a sweeper removes those whose session is gone.
SESSION_GRACE_ENV = "ORGPOWER_SESSION_GRACE_SECONDS"
DEFAULT_SESSION_GRACE_SECONDS = 150  # longer than Streamlit's 2-minute reconnect window
_FOLDERS: dict[str, list] = {}  # session id -> [TemporaryDirectory, when last seen active]
_FOLDERS_LOCK = threading.Lock()
_SWEEPER: list[threading.Thread] = []


def session_grace_seconds() -> float:
    """How long a closed tab's files are kept: ``ORGPOWER_SESSION_GRACE_SECONDS`` or 150."""
    try:
        return max(1.0, float(os.environ.get(SESSION_GRACE_ENV, DEFAULT_SESSION_GRACE_SECONDS)))
    except ValueError:
        return float(DEFAULT_SESSION_GRACE_SECONDS)


def remove_abandoned_folders(is_active: Callable[[str], bool], now: float, grace: float) -> int:
    """Remove the folders of sessions not active for more than ``grace`` seconds; return
    how many were removed."""
    removed = 0
    with _FOLDERS_LOCK:
        for session_id, entry in list(_FOLDERS.items()):
            holder, seen = entry
            if is_active(session_id):
                entry[1] = now
            elif now - seen > grace:
                holder.cleanup()
                del _FOLDERS[session_id]
                removed += 1
    return removed


def _sweep_forever() -> None:
    from streamlit import runtime

    grace = session_grace_seconds()
    while True:
        time.sleep(min(30.0, grace / 3))
        if runtime.exists():
            remove_abandoned_folders(runtime.get_instance().is_active_session, time.monotonic(), grace)


def _watch_folder(holder: tempfile.TemporaryDirectory) -> None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None:
        return
    with _FOLDERS_LOCK:
        _FOLDERS[context.session_id] = [holder, time.monotonic()]
        if not _SWEEPER:
            sweeper = threading.Thread(target=_sweep_forever, name="orgpower-session-folders", daemon=True)
            sweeper.start()
            _SWEEPER.append(sweeper)


def clear_session() -> None:
    """Forget everything this session holds (its org, audits, memos, widget values) and
    remove its files now, rather than whenever the session object is collected."""
    holder = st.session_state.get(_WORKDIR)
    if holder is not None:
        holder.cleanup()
    st.session_state.clear()


def memo(name: str, key: Sequence[Any], compute: Callable[[], Any]) -> Any:
    """Session-local memo (LRU) for expensive views, keyed by the org's input hash.

    ``st.cache_data`` would share entries across sessions; this never does.
    """
    store: OrderedDict = st.session_state.setdefault(_MEMO, OrderedDict())
    full_key = (name, *key)
    if full_key in store:
        store.move_to_end(full_key)
        return store[full_key]
    value = compute()
    store[full_key] = value
    while len(store) > MEMO_ENTRIES:
        store.popitem(last=False)
    return value


def current_org() -> LoadedOrg | None:
    inside_the_app()
    return st.session_state.get(_ORG)


def compare_org() -> LoadedOrg | None:
    return st.session_state.get(_COMPARE)


def set_compare_org(org: LoadedOrg | None) -> None:
    st.session_state[_COMPARE] = org
    remove_unused_uploads()


def remove_unused_uploads() -> None:
    """Delete the session's uploaded files that neither its org nor its comparison uses
    (uploads replaced by newer ones), instead of keeping them until the session ends."""
    uploads = session_workdir() / "uploads"
    if not uploads.is_dir():
        return
    in_use = {p.parent.parent for o in (current_org(), compare_org()) if o is not None for p in o.paths}
    for folder in uploads.iterdir():
        if folder not in in_use:
            shutil.rmtree(folder, ignore_errors=True)


def require_result() -> Any:
    """The current audit result, or an explanation and stop when there is none yet."""
    org = current_org()
    if org is None:
        st.info("No org loaded yet. Go to **Upload** and drop your files or pick a sample org.")
        st.page_link(upload_page_path(), label="Go to Upload", icon=":material/upload:")
        st.stop()
    if org.result is None:
        st.info(plain(org.error) if org.error else "The audit of this org is not available.")
        st.stop()
    return org.result


def upload_page_path() -> str:
    return page_path("upload")


def page_path(name: str) -> str:
    """A page as ``st.page_link`` / ``st.switch_page`` take it (relative to app.py)."""
    return f"views_pages/{name}.py"


# --- inputs ----------------------------------------------------------------------------


def inputs_hash(files: Sequence[tuple[str, bytes]], mapping: dict[str, Any] | None = None) -> str:
    """sha256 over the (name, content) pairs in name order and the mapping."""
    digest = hashlib.sha256()
    for name, content in sorted(files, key=lambda f: f[0]):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    digest.update(json.dumps(mapping or {}, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


MAX_FILE_NAME_BYTES = 120  # well under the 255 bytes most file systems allow


def safe_file_name(name: str) -> str:
    r"""A browser's file name as one safe path component: the last part of any path, no
    control characters, never ``.``/``..``, and at most :data:`MAX_FILE_NAME_BYTES`
    bytes (a longer stem is cut and marked with ``…``; the suffix is kept).

    >>> safe_file_name("../../etc/passwd"), safe_file_name(".."), safe_file_name("a\\b.csv")
    ('passwd', 'upload', 'b.csv')
    >>> len(safe_file_name("x" * 300 + ".csv").encode()) <= MAX_FILE_NAME_BYTES
    True
    """
    name = "".join(ch for ch in str(name).replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())
    name = name.strip()
    if name in ("", ".", ".."):
        return "upload"
    if len(name.encode("utf-8")) <= MAX_FILE_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = name, ""
    suffix = f".{suffix}" if suffix else ""
    room = MAX_FILE_NAME_BYTES - len(suffix.encode("utf-8")) - len("…".encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return f"{cut}…{suffix}"


def save_uploads(files: Sequence[tuple[str, bytes]], input_hash: str) -> list[Path]:
    """Write uploaded files into this session's folder: one sub-folder per input hash and
    one numbered folder per file, so that two files with the same name never overwrite
    each other and each keeps its name (validation messages name it)."""
    folder = session_workdir() / "uploads" / input_hash[:16]
    paths = []
    for i, (name, content) in enumerate(files):
        target = folder / str(i) / safe_file_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        paths.append(target)
    return paths


def sample_orgs() -> dict[str, Path]:
    """The sample orgs shipped with the project: name -> folder."""
    inside_the_app()
    if not SAMPLE_ORGS.is_dir():
        return {}
    return {p.name: p for p in sorted(SAMPLE_ORGS.iterdir()) if p.is_dir() and not p.name.startswith((".", "_"))}


def folder_files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES]


# --- the pipeline ----------------------------------------------------------------------

AUDIT_CONFIG_ENV = "ORGPOWER_AUDIT_CONFIG"


def audit_config() -> Any:
    """The audit settings: the TOML/JSON file named by ``ORGPOWER_AUDIT_CONFIG`` (as
    ``orgpower audit --config``), else the defaults. Raises InputError with one sentence."""
    from orgpower.report.config import AuditConfig

    path = os.environ.get(AUDIT_CONFIG_ENV)
    return AuditConfig.load(path) if path else AuditConfig()


def run_pipeline(
    label: str,
    origin: str,
    input_hash: str,
    *,
    paths: Sequence[Path] = (),
    mapping: dict[str, Any] | None = None,
    neo4j_uri: str | None = None,
    snapshot: str | None = None,
    prepare: bool = True,
) -> LoadedOrg:
    """Read, validate and audit through :mod:`orgpower.api`, showing progress; then, when
    ``prepare``, build the lookups the pages share (:func:`prepare_views`)."""
    org = LoadedOrg(label=label, origin=origin, input_hash=input_hash, paths=list(paths), mapping=mapping)
    started = time.perf_counter()
    with st.status(f"Loading {plain(label)}…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting…")
        hear = pipeline_progress(bar)
        try:
            if neo4j_uri:
                st.markdown(f"Reading snapshot {plain(repr(snapshot))} from Neo4j and auditing it…")
                org.result = api.audit(None, config=audit_config(), neo4j_uri=neo4j_uri, snapshot=snapshot, progress=hear)
                org.model = getattr(org.result, "model", None)
            else:
                hear("read", 0, None, "")
                org.model = api.read_org(list(paths), mapping=mapping or None)
                hear("read", 1, 1, f"{len(org.model.people):,} people, {len(org.model.problems):,} problem(s)")
                st.write(f"Read {len(org.model.people):,} people; {len(org.model.problems):,} problem(s) found.")
                org.result = api.audit(org.model, config=audit_config(), progress=hear)
            if prepare and org.result is not None:
                bar.progress(0.97, text="Preparing the org chart and the power map…")
                prepare_views(org)
            bar.progress(1.0, text="Done.")
        except OrgpowerError as error:
            org.error = error.message
        except ImportError as error:  # a part of the pipeline that is not installed
            org.error = f"This part of orgpower is not available in this installation ({error.name})."
        org.seconds = time.perf_counter() - started
        if org.error:
            status.update(label=f"Could not use {plain(label)}", state="error", expanded=True)
            st.error(plain(org.error))
        else:
            status.update(label=f"Loaded {plain(label)} in {org.seconds:.1f} s", state="complete", expanded=False)
    return org


PIPELINE_STAGES = {  # stage -> (words, share of the bar where it starts, where it ends)
    "read": ("Reading and validating the files", 0.0, 0.15),
    "graph": ("Building the graph", 0.15, 0.25),
    "measure": ("Measuring the layers", 0.25, 0.85),
    "report": ("Readings, findings and tables", 0.85, 0.95),
    "compare": ("Auditing the older snapshot", 0.85, 0.95),
}


def progress_share(stage: str, done: int, total: int | None) -> float:
    """Where the bar stands: each stage has its span of the bar, filled by ``done``/``total``
    when the total is known (the measuring step counts layers), else at its start.

    >>> progress_share("measure", 3, 6), progress_share("graph", 0, None)
    (0.55, 0.15)
    """
    _, start, end = PIPELINE_STAGES.get(stage, ("", 0.0, 0.0))
    if total:
        return round(start + (end - start) * min(max(done / total, 0.0), 1.0), 6)
    return start


def pipeline_progress(bar: Any) -> Callable[..., None]:
    """A progress callback for :func:`orgpower.api.audit` that moves ``bar`` (st.progress)
    and names the step (with "3 of 6" where the total is known)."""

    def hear(stage: str, done: int, total: int | None, detail: str = "") -> None:
        words = PIPELINE_STAGES.get(stage, (stage.capitalize(), 0, 0))[0]
        count = f" ({done:,} of {total:,})" if total and total > 1 else ""
        bar.progress(progress_share(stage, done, total), text=f"{words}{count}" + (f": {plain(detail)}" if detail else "…"))

    return hear


# --- lookups the pages share (memoised per session, warmed once after the audit) -------


def audited_model(org: LoadedOrg) -> Any:
    """The model the audit measured (read back from Neo4j, or the one read from files)."""
    return org.result.model if getattr(org.result, "model", None) is not None else org.model


def direct_reports_of(org: LoadedOrg) -> dict[str, list[str]]:
    from orgpower.dashboard.orgchart import direct_reports

    return memo("direct_reports", (org.input_hash,), lambda: direct_reports(audited_model(org).reporting))


def org_roots(org: LoadedOrg) -> list[str]:
    return memo("roots", (org.input_hash,), lambda: list(audited_model(org).roots))


def people_by_id(org: LoadedOrg) -> pd.DataFrame:
    people = org.result.people
    return memo("people_by_id", (org.input_hash,), lambda: people.set_index(people["person_id"].astype(str)))


def unit_of(org: LoadedOrg) -> dict[str, str]:
    def lookup() -> dict[str, str]:
        people = audited_model(org).people
        # lists first: iterating Arrow-backed columns costs a Python object per access (1,000,000 people: 1.8 -> 0.5 s CPU)
        return dict(zip(people["person_id"].astype(str).tolist(), people["unit"].astype("string").fillna("(no unit)").tolist()))

    return memo("unit_of", (org.input_hash,), lookup)


def display_names(org: LoadedOrg) -> dict[str, str]:
    """How a person is shown on every page: their name (the id when they have none) when
    the session shows names, else their id."""
    from orgpower.dashboard.views import person_display

    shown = names_shown()
    return memo("display_names", (org.input_hash, shown), lambda: person_display(audited_model(org).people, names=shown))


def prepare_views(org: LoadedOrg) -> None:
    """Build the lookups the Org and Power map pages share, so that their first visit is
    as quick as any later one (at 100,000 people they take about a second together)."""
    for lookup in (person_label_dict, direct_reports_of, org_roots, people_by_id, unit_of):
        lookup(org)


def merged_mapping(earlier: dict[str, Any] | None, corrections: dict[str, Any]) -> dict[str, Any]:
    """Corrections made on top of earlier ones (a second Apply keeps the first)."""
    files = {name: {"kind": entry.get("kind"), "columns": dict(entry["columns"])} for name, entry in ((earlier or {}).get("files") or {}).items()}
    for name, entry in (corrections.get("files") or {}).items():
        target = files.setdefault(name, {"kind": entry.get("kind"), "columns": {}})
        target["columns"].update(entry["columns"])
    return {"files": files} if files else {}


def load_into_session(org: LoadedOrg) -> None:
    """Make ``org`` the session's org and run the app again, so every part (the sidebar
    too) shows it."""
    st.session_state[_ORG] = org
    st.session_state.pop(_COMPARE, None)  # a comparison belonged to the previous org
    remove_unused_uploads()
    st.rerun()


# --- names or ids ---------------------------------------------------------------------

SHOW_NAMES = "orgpower_show_names"
NAMES_LABEL = "Show people's names (with the client's consent)"
NAMES_ENV = "ORGPOWER_NAMES"


def default_show_names() -> bool:
    """Ids only by default, as the report (``orgpower audit`` without ``--names``);
    ``ORGPOWER_NAMES=1`` starts every session with names."""
    return os.environ.get(NAMES_ENV, "").strip().lower() in ("1", "true", "yes", "names")


def names_shown() -> bool:
    """Whether pages show people by name (the one switch in the sidebar)."""
    if SHOW_NAMES not in st.session_state:
        st.session_state[SHOW_NAMES] = default_show_names()
    return bool(st.session_state[SHOW_NAMES])


def people_setting() -> None:
    """The sidebar switch between ids and names, for every page at once."""
    names_shown()  # sets the default once
    st.toggle(
        NAMES_LABEL, key=SHOW_NAMES,
        help="Off: people appear by id only, on every page, picker, chart, table and download, as in the report. "
             "On: their names beside the ids everywhere, and in the report written on the Report page "
             "(as `orgpower audit --names`). audit.json never holds names.",
    )


def person_labels(org: LoadedOrg) -> pd.Series:
    """How pickers and searches show each person, indexed by id: ``name (title) · id``
    with names shown, ``id (title)`` without."""
    from orgpower.dashboard.views import person_label

    shown = names_shown()
    return memo("person_labels", (org.input_hash, shown), lambda: person_label(audited_model(org).people, names=shown))


def person_label_dict(org: LoadedOrg) -> dict[str, str]:
    def lookup() -> dict[str, str]:
        labels = person_labels(org)
        return dict(zip(labels.index.tolist(), labels.tolist()))  # as .to_dict(), which iterates: 2.3 -> 0.5 s CPU at 1,000,000

    return memo("person_label_dict", (org.input_hash, names_shown()), lookup)


NAME_COLUMNS = ("name", "first_name", "last_name", "manager_name", "dotted_manager_name", "email", "manager_email")


def name_headers(org: LoadedOrg) -> dict[str, set[str]]:
    """Per file, the headers that hold names or emails (as its mapping reads them)."""
    model = org.model if org.model is not None else audited_model(org)
    return {
        str(f.file): {str(h) for c, h in (f.mapping or {}).items() if c in NAME_COLUMNS}
        for f in getattr(model, "inputs", [])
    }


def known_names(org: LoadedOrg) -> frozenset[str]:
    """Every person's name the org's files hold, for hiding them in ids mode: the names
    read, and those of rows set aside (a repeated id, a manager given by name), from the
    files as given. Never an id."""
    from orgpower.dashboard.views import names_in

    def collect() -> frozenset[str]:
        model = org.model if org.model is not None else audited_model(org)
        people = getattr(model, "people", None)
        values: list[Any] = [] if people is None or "name" not in people else people["name"].tolist()
        if org.sources or org.paths:
            try:
                tables = source_tables(org)
            except OrgpowerError:
                tables = {}
            for f in getattr(model, "inputs", []):
                table = tables.get(str(f.file))
                mapping = f.mapping or {}
                if table is None or f.kind != "people":
                    continue
                frame = table.frame
                for canonical in ("name", "manager_name", "dotted_manager_name"):
                    if mapping.get(canonical) in frame.columns:
                        values += frame[mapping[canonical]].tolist()
                first, last = mapping.get("first_name"), mapping.get("last_name")
                if first in frame.columns and last in frame.columns:
                    values += (frame[first].astype("string").fillna("").str.strip() + " " + frame[last].astype("string").fillna("").str.strip()).tolist()
        ids = set(people["person_id"].astype(str).tolist()) if people is not None else set()
        return names_in(values, ids)

    return memo("known_names", (org.input_hash,), collect)


def hide_names(text: Any, org: LoadedOrg | None = None) -> Any:
    """``text`` as the session shows it: unchanged with names on; with ids only, every
    person's name in it (a validation message quotes the row's name) replaced by
    ``name hidden``."""
    from orgpower.dashboard.views import without_names

    org = org or current_org()
    if org is None or names_shown() or not isinstance(text, str) or not text:
        return text
    return without_names(text, known_names(org))


def hide_names_in(frame: pd.DataFrame, org: LoadedOrg | None = None) -> pd.DataFrame:
    """A table of the files' own text (problems, edits, rows) as the session shows it:
    with ids only, name columns dropped and names in text cells hidden."""
    org = org or current_org()
    if org is None or names_shown() or frame.empty:
        return frame
    headers = set().union(*name_headers(org).values()) if org.model is not None else set()
    out = frame.drop(columns=[c for c in frame.columns if str(c) in headers or str(c) in NAME_COLUMNS])
    names = known_names(org)
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: without_names_cell(v, names))
    return out


def without_names_cell(value: Any, names: frozenset[str]) -> Any:
    from orgpower.dashboard.views import without_names

    return without_names(value, names) if isinstance(value, str) and value else value


# --- fixing the data in place ----------------------------------------------------------


def source_tables(org: LoadedOrg) -> dict[str, Any]:
    """The input files as given, every cell as text (memoised per set of files)."""
    from orgpower import edits

    return memo("source_tables", (org.label_hash,), lambda: edits.source_tables(org.sources or org.paths))


def edited_tables(org: LoadedOrg) -> dict[str, Any]:
    from orgpower import edits

    return memo("edited_tables", (org.input_hash,), lambda: edits.apply_edits(source_tables(org), org.edits))


def reload_with(org: LoadedOrg, new_edits: list[Any], mapping: dict[str, Any] | None, notice: str | None = None) -> None:
    """Read and audit the files again with ``new_edits`` replayed on copies of the
    originals and ``mapping``; make that the session's org."""
    from orgpower import edits

    sources = org.sources or org.paths
    key = json.dumps([e.to_dict() for e in new_edits], sort_keys=True).encode("utf-8")
    digest = inputs_hash([(org.label_hash, key)], mapping)
    folder = session_workdir() / "corrected" / digest[:16]
    try:
        paths = edits.write_corrected(sources, new_edits, folder)
    except OrgpowerError as error:
        st.error(error.message)
        return
    fixed = run_pipeline(org.label, org.origin, digest, paths=paths, mapping=mapping or None)
    fixed.label_hash, fixed.sources, fixed.edits = org.label_hash, list(sources), list(new_edits)
    fixed.previous_reading = org_reading_label(org)
    fixed.previous_scores = org_scores(org)
    fixed.previous_layer_scores = layer_scores(org)
    fixed.notice = notice
    load_into_session(fixed)


def org_reading_label(org: LoadedOrg | None) -> str | None:
    if org is None or org.result is None:
        return None
    return (org.result.document.get("classification", {}).get("org") or {}).get("label")


def org_scores(org: LoadedOrg | None) -> dict[str, Any]:
    if org is None or org.result is None:
        return {}
    return dict((org.result.document.get("classification", {}).get("org") or {}).get("scores") or {})


def layer_scores(org: LoadedOrg | None) -> dict[str, dict[str, Any]]:
    """Each layer's axis scores (a fix to the formal line moves these, not always the org's)."""
    if org is None or org.result is None:
        return {}
    layers = org.result.document.get("classification", {}).get("layers") or {}
    return {name: dict(reading.get("scores") or {}) for name, reading in layers.items()}


def corrected_files(org: LoadedOrg) -> list[Path]:
    """The corrected copies this org was read from (the edited files only)."""
    originals = {p.resolve() for p in (org.sources or [])}
    return [p for p in org.paths if p.is_file() and p.resolve() not in originals and "corrected" in p.parts]


# --- backend ---------------------------------------------------------------------------


def neo4j_uri() -> str | None:
    """The Neo4j URI from ``NEO4J_URI``, else ``[neo4j] uri`` in ``.streamlit/secrets.toml``;
    None means in-process.

    The secrets' ``user`` / ``password`` become ``NEO4J_USER`` / ``NEO4J_PASSWORD`` (unless
    those are set), which is where :class:`~orgpower.graph.neo4j_store.Neo4jStore` reads
    credentials; they are app-wide settings, like the secrets file itself.
    """
    inside_the_app()
    uri = os.environ.get("NEO4J_URI")
    if uri:
        return uri
    try:
        section = st.secrets.get("neo4j")
    except Exception:  # noqa: BLE001 - no or a malformed secrets.toml: in-process
        return None
    if not section or not section.get("uri"):
        return None
    for key, variable in (("user", "NEO4J_USER"), ("password", "NEO4J_PASSWORD")):
        if section.get(key) and not os.environ.get(variable):
            os.environ[variable] = str(section[key])
    return str(section["uri"])


def list_snapshots(uri: str) -> list[str]:
    from orgpower.graph.neo4j_store import Neo4jStore

    with Neo4jStore.connect(uri) as store:
        return list(store.list_snapshots())


# --- showing tables --------------------------------------------------------------------

def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula get a leading apostrophe: the same
    rule as every report export (:func:`orgpower.report.safety.neutralise_frame`)."""
    from orgpower.report.safety import neutralise_frame

    return neutralise_frame(frame)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return formula_safe(frame).to_csv(index=False).encode("utf-8")


PERSON_ID_COLUMNS = ("actor", "person_id", "node", "head", "manager_id", "report_id", "a", "b")


def people_as_set(frame: pd.DataFrame) -> pd.DataFrame:
    """A table with people as the session shows them: with names on, a ``name`` column
    after each id column (blank for a unit or anyone without a name); with ids only, no
    name columns. Ids stay, so a row can always be found in the files."""
    return with_people_as(frame, session_names())


def session_names() -> dict[str, str] | None:
    """The names to put beside ids (id -> name) when the session shows names, else None."""
    org = current_org()
    if org is None or org.result is None or not names_shown():
        return None
    return display_names(org)


def with_people_as(frame: pd.DataFrame, names: dict[str, str] | None) -> pd.DataFrame:
    """:func:`people_as_set` without the session: ``names`` None means ids only."""
    if frame.empty:
        return frame
    if names is None:
        return frame.drop(columns=[c for c in frame.columns if str(c) in NAME_COLUMNS or str(c).endswith(" name")])
    out = frame.copy()
    for column in [c for c in PERSON_ID_COLUMNS if c in frame.columns]:
        target = "name" if column == "person_id" else f"{column} name"
        if target in out.columns:
            continue
        ids = out[column].astype("string")
        out.insert(out.columns.get_loc(column) + 1, target, ids.map(lambda i: names.get(i) if isinstance(i, str) and names.get(i) != i else ""))
    return out


MAX_TABLE_ROWS = 5_000  # rows sent to the browser at once; the download always has them all
MAX_TABLE_CELLS = 200_000  # a wide table gets fewer rows: 5,000 people x 105 measures are 4 MiB to send


def flows_currency(org: LoadedOrg) -> str | None:
    """The flows' one currency (money columns are shown in it), or None."""
    from orgpower.dashboard.views import frame_currency

    return memo("currency", (org.input_hash,), lambda: frame_currency(getattr(audited_model(org), "flows", None)))


#: tables up to this many rows carry their CSV with the page (see show_table)
EAGER_DOWNLOAD_ROWS = 5_000


def show_table(
    frame: pd.DataFrame, *, key: str, download_name: str | None = None, height: int | None = None, currency: str | None = None,
) -> None:
    """A sortable table (the first :data:`MAX_TABLE_ROWS` rows) plus a formula-safe CSV
    download of every row, written only when the button is pressed. Numbers are shown
    formatted (thousands, percent, currency) and empty cells blank."""
    from orgpower.dashboard.views import MISSING, column_config, tidy_frame

    org = current_org()
    if currency is None and org is not None and org.result is not None:
        currency = flows_currency(org)
    shown = frame.head(MAX_TABLE_ROWS) if len(frame) > MAX_TABLE_ROWS else frame
    names = session_names()  # taken now: the download is written later, when pressed
    shown = with_people_as(shown, names)
    st.dataframe(
        tidy_frame(shown), hide_index=True, placeholder=MISSING, width="stretch", height=height or "auto", key=f"table_{key}",
        column_config=column_config(shown, currency=currency),
    )
    if len(frame) > MAX_TABLE_ROWS:
        st.caption(f"The first {MAX_TABLE_ROWS:,} of {len(frame):,} rows; the download has all of them.")
    if download_name:
        # a small table's bytes go with the page, so the click downloads at once; a large
        # one's are written only when pressed (a callable, run by the server on the click)
        def table_csv() -> bytes:
            return csv_bytes(with_people_as(frame, names))

        st.download_button(
            f"Download {download_name}", table_csv() if len(frame) <= EAGER_DOWNLOAD_ROWS else table_csv,
            file_name=download_name, mime="text/csv",
            key=f"download_{key}", icon=":material/download:",
        )


def audit_with_groups(org: LoadedOrg, attributes: tuple[str, ...]) -> Any:
    """The org's audit with representation by ``attributes`` (memoised per session)."""
    def run() -> Any:
        with st.spinner("Re-running the audit with these groups…"):
            return api.audit(org.model, config=audit_config().with_group_attributes(list(attributes)))

    try:
        return memo("audit_groups", (org.input_hash, attributes), run)
    except OrgpowerError as error:
        st.error(plain(error.message))
        return None


def audit_compared(org: LoadedOrg, older: LoadedOrg) -> Any:
    """The org's audit with the change since ``older`` (memoised per session)."""

    def run() -> Any:
        with st.spinner("Comparing the two snapshots…"):
            return api.audit(org.model, config=audit_config(), compare=older.model)

    try:
        return memo("audit_compare", (org.input_hash, older.input_hash), run)
    except OrgpowerError as error:
        st.error(plain(error.message))
        return None


def write_reports(result: Any, folder: Path, formats: Sequence[str]) -> dict[str, Path]:
    """``orgpower.api.write_reports`` into this session's folder; a failure becomes one sentence."""
    try:
        return api.write_reports(result, folder, formats, names=names_shown())
    except ImportError as error:
        raise OrgpowerError(f"A report format needs a part that is not installed ({error.name}); choose another format.") from None
    except OSError as error:
        raise OrgpowerError(f"Could not write the report files ({error.strerror or error}).") from None
