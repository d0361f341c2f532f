"""The Upload page's "Fix in place": set a manager, resolve a repeated id, undo, download.

Every edit is made by :mod:`orgpower.edits` on copies of the files as given; this module
only asks what to change and shows what was changed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from orgpower import edits
from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.views import MISSING, tidy_frame
from orgpower.errors import OrgpowerError

PROBLEMS_LISTED = 50  # problems shown as readable cards; the table below has every one
SEVERITY_BADGE = {"error": ":red-badge[error]", "warning": ":orange-badge[warning]", "info": ":blue-badge[info]"}
MANAGER_CODES = {"manager_not_found", "self_manager", "reporting_cycle", "ambiguous_manager_name", "manager_not_a_person"}
SUSPECT_CODES = {"manager_column_unused", "too_many_tops", "manager_id_column_ignored"}  # ingest names the suspected column
NOBODY = "(nobody: a top of the organisation)"
FIX_KINDS = ("A manager", "A repeated id")
MATCHES_SHOWN = 200


def suspected_mapping(model: Any) -> tuple[str, str] | None:
    """(file, header) of a column the validator suspects holds the managers, if it says so."""
    for problem in getattr(model, "problems", []):
        if problem.code in SUSPECT_CODES and problem.file and problem.column:
            return str(problem.file), str(problem.column)
    return None


def fix_for(problem: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The button that opens the right fix for a problem, and the state it sets."""
    ids = [i for i in str(problem.get("ids") or "").split(", ") if i]
    if problem.get("code") in MANAGER_CODES and ids:
        who = ids[0]
        return f"Fix the manager of {plain(who)}", {"fix_kind": FIX_KINDS[0], "fix_person_search": who}
    if problem.get("code") == "duplicate_id" and ids:
        return f"Resolve the repeated id {plain(ids[0])}", {"fix_kind": FIX_KINDS[1], "fix_duplicate": ids[0]}
    return None


def _search_people(label: str, key: str, labels: pd.Series, last: list[str] | None = None, help: str | None = None) -> str | None:
    """A search box and a pick list of the people it finds (the list stays small at any size)."""
    text = st.text_input(label, key=f"{key}_search", placeholder="a name, a title or an id" if state.names_shown() else "an id or a title", help=help)
    options = []
    if text:
        wanted = labels[labels.str.contains(text, case=False, regex=False, na=False)]
        exact = [text] if text in labels.index else []
        options += exact + [p for p in wanted.index[:MATCHES_SHOWN] if p not in exact]
    options += list(last or [])
    if not options:
        if text:
            st.caption("Nobody matches.")
        return None
    return st.selectbox(  # keyed by the search, so a new search starts at its best match
        f"{len(options) - len(last or []):,} found" if text else "Choose", options, key=f"{key}:{text}",
        format_func=lambda p: p if p == NOBODY else labels.get(p, p),
    )


def fix_in_place(org: Any, model: Any) -> None:
    """The fix-in-place section of the Upload page."""
    if not (org.sources or org.paths):
        st.caption("These data were not read from files, so there is nothing to fix in place.")
        return
    labels = state.person_labels(org)
    st.session_state.setdefault("fix_kind", FIX_KINDS[0])
    kind = st.segmented_control("What to fix", FIX_KINDS, key="fix_kind")
    try:
        tables = state.source_tables(org)
        edited = state.edited_tables(org)
    except OrgpowerError as error:
        st.error(error.message)
        return
    if kind == FIX_KINDS[0]:
        _manager_fix(org, model, labels, tables, edited)
    elif kind == FIX_KINDS[1]:
        _duplicate_fix(org, model, tables)
    _edit_list(org)


def _manager_fix(org: Any, model: Any, labels: pd.Series, tables: dict, edited: dict) -> None:
    left, right = st.columns(2)
    with left:
        person = _search_people("Whose manager", "fix_person", labels)
    with right:
        manager = _search_people("New manager", "fix_manager", labels, last=[NOBODY])
    if person is None:
        st.caption("Find the person whose manager is wrong, then the right manager.")
        return
    people = state.people_by_id(org)
    now = people["manager_id"].get(person) if "manager_id" in people else None
    st.caption(f"{plain(labels.get(person, person))} now reports to {plain(labels.get(str(now), now)) if state_present(now) else 'nobody'}.")
    if st.button("Apply this manager", key="fix_manager_apply", type="primary", disabled=manager is None):
        try:
            edit = edits.manager_edit(model, tables, person, None if manager == NOBODY else manager, edited=edited)
        except OrgpowerError as error:
            st.error(error.message)
            return
        state.reload_with(org, [*org.edits, edit], org.mapping, notice=f"Done: {said(edit)}.")


def said(edit: Any) -> str:
    """An edit in words, as plain text (the Upload page hides names in it with ids only)."""
    return edit.describe()


def state_present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and str(value) not in ("", "<NA>", "nan")


def _duplicate_fix(org: Any, model: Any, tables: dict) -> None:
    repeated = sorted({i for p in model.problems if p.code == "duplicate_id" for i in p.ids})
    if not repeated:
        st.success("No repeated ids.")
        return
    person = st.selectbox("Repeated id", repeated, key="fix_duplicate")
    rows = edits.rows_with_id(model, {**tables, **state.edited_tables(org)}, person)  # rows as in the files given
    if rows.empty:
        st.caption("This id is no longer repeated in the corrected copies.")
        return
    st.dataframe(tidy_frame(state.hide_names_in(rows)), hide_index=True, placeholder=MISSING, width="stretch", key="fix_duplicate_rows")
    st.caption("The first row is the one the audit uses. Remove a row that is a copy, or give a different person their own id.")
    for position, row in enumerate(rows.to_dict("records")[1:], start=1):
        original = int(row["row"])
        c1, c2, c3 = st.columns([2, 2, 3])
        if c1.button(f"Remove row {original}", key=f"fix_drop_{position}"):
            edit = edits.drop_row_edit(tables, row["file"], original, f"repeated id {person}: a copy")
            state.reload_with(org, [*org.edits, edit], org.mapping, notice=f"Done: {said(edit)}.")
        new_id = c2.text_input("New id", key=f"fix_new_id_{position}", label_visibility="collapsed", placeholder=f"a new id for row {original}")
        if c3.button(f"Give row {original} this id", key=f"fix_reid_{position}", disabled=not new_id):
            try:
                edit = edits.new_id_edit(model, tables, row["file"], original, new_id)
            except OrgpowerError as error:
                st.error(error.message)
                continue
            state.reload_with(org, [*org.edits, edit], org.mapping, notice=f"Done: {said(edit)}.")


def _edit_list(org: Any) -> None:
    st.markdown("##### Edits made")
    if not org.edits:
        st.caption("No edits yet: the audit reads the files as you gave them.")
        return
    table = state.hide_names_in(pd.DataFrame([{"#": i + 1, **e.to_dict()} for i, e in enumerate(org.edits)]))
    st.dataframe(tidy_frame(table), hide_index=True, placeholder=MISSING, width="stretch", key="fix_edits")
    choices = list(range(len(org.edits)))
    undo = st.selectbox("Undo an edit", choices, index=len(choices) - 1, format_func=lambda i: f"{i + 1}. {state.hide_names(org.edits[i].describe())}", key="fix_undo_pick")
    c1, c2, c3 = st.columns(3)
    if c1.button("Undo this edit", key="fix_undo", icon=":material/undo:"):
        remaining = [e for i, e in enumerate(org.edits) if i != undo]
        state.reload_with(org, remaining, org.mapping, notice=f"Undone: {said(org.edits[undo])}.")
    files = state.corrected_files(org)
    if files:
        c2.download_button(
            f"Download the corrected files ({len(files)})", state.memo("corrected_zip", (org.input_hash, state.names_shown()), lambda: _zip(files, org, table)),
            file_name="corrected-files.zip",
            mime="application/zip", key="fix_download", icon=":material/download:",
            help="The corrected copies (same names and formats as yours, your data as you gave it) and edits.csv listing every change.",
        )
    c3.download_button(
        "Download the list of edits (edits.csv)", state.csv_bytes(table), file_name="edits.csv", mime="text/csv",
        key="fix_download_edits", icon=":material/download:",
    )


def _zip(files: list, org: Any, edits_table: pd.DataFrame) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.name)
        archive.writestr("edits.csv", state.csv_bytes(edits_table.drop(columns="#")))
    return buffer.getvalue()
