"""Upload: drop HR exports or pick a sample org (or a Neo4j snapshot); see what was read.

Shows the detected format and column mapping of every file (correctable: the edited
mapping is passed to ``orgpower.api.read_org``), and every validation problem with its
file and row, downloadable as CSV. The audit runs on the usable rows.
"""

from __future__ import annotations

import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.fixes import PROBLEMS_LISTED, SEVERITY_BADGE, fix_for, fix_in_place, suspected_mapping
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.views import (
    MISSING, NOT_USED, column_config, display_uri, input_files_frame, number, mapping_frame, mapping_from_frame, present, problems_frame,
    tidy_frame, unmapping_asked,
)
from orgpower.edits import file_headers, mapping_json

st.title("Upload")
st.caption(
    "Drop the org chart export of your HR system (Workday, BambooHR, SAP SuccessFactors, ADP, "
    "HiBob, Personio, Rippling, a UK organogram or the native bundle), with flows, decisions "
    "and relations files if you have them. Files stay in this browser session only."
)

sources = ["Upload files", "Sample org"]
uri = state.neo4j_uri()
if uri:
    sources.append("Neo4j snapshot")
source = st.segmented_control("Source", sources, default=sources[0], key="upload_source", label_visibility="collapsed")

if source == "Upload files":
    uploaded = st.file_uploader(
        "People, flows, decisions and relations files (CSV, XLSX or Parquet)",
        type=[s.lstrip(".") for s in state.INPUT_SUFFIXES],
        accept_multiple_files=True,
        key="upload_files",
    )
    if uploaded:
        files = [(f.name, f.getvalue()) for f in uploaded]
        digest = state.inputs_hash(files)
        current = state.current_org()
        if current is None or current.origin != "upload" or current.label_hash != digest:
            paths = state.save_uploads(files, digest)
            label = ", ".join(name for name, _ in files) if len(files) <= 3 else f"{len(files)} files"
            org = state.run_pipeline(label, "upload", digest, paths=paths)
            org.label_hash = digest  # the files as dropped, before any mapping correction
            org.sources = list(paths)
            state.load_into_session(org)
elif source == "Sample org":
    samples = state.sample_orgs()
    if not samples:
        st.info("No sample orgs are installed with this copy of orgpower.")
    else:
        pick = st.selectbox("Sample org", list(samples), index=None, placeholder="Pick a sample org", key="sample_pick")
        if st.button("Load sample org", key="sample_load", disabled=pick is None, type="primary"):
            folder = samples[pick]
            digest = state.inputs_hash(state.folder_files(folder))
            org = state.run_pipeline(pick, "sample", digest, paths=[folder])
            org.label_hash = digest
            org.sources = [folder]
            state.load_into_session(org)
elif source == "Neo4j snapshot":
    st.caption(f"Neo4j at {plain(display_uri(uri))}")
    try:
        snapshots = state.list_snapshots(uri)  # not memoised: a snapshot loaded meanwhile must show
    except Exception as error:  # noqa: BLE001 - any driver failure becomes one sentence
        st.error(plain(f"Could not list the snapshots in Neo4j at {display_uri(uri)}: {getattr(error, 'message', type(error).__name__)}."))
        snapshots = []
    if snapshots:
        snapshot = st.selectbox("Snapshot", snapshots, key="neo4j_snapshot")
        if st.button("Load snapshot", key="neo4j_load", type="primary"):
            digest = state.inputs_hash([("neo4j", f"{uri}\0{snapshot}".encode())])
            org = state.run_pipeline(f"snapshot {snapshot}", "neo4j", digest, neo4j_uri=uri, snapshot=snapshot)
            org.label_hash = digest
            state.load_into_session(org)
    else:
        st.info("No snapshots in this Neo4j yet: load one with `orgpower load FILES --snapshot NAME`.")

org = state.current_org()
if org is None:
    st.stop()

st.divider()
st.subheader(plain(org.label))
if org.error and org.model is None:
    st.error(plain(org.error))
    st.stop()

model = org.model
problems = problems_frame(model)
inputs = input_files_frame(model)
rows_read = int(inputs["rows"].sum()) if not inputs.empty else 0
rows_used = int(inputs["rows_used"].sum()) if not inputs.empty else 0
c1, c2, c3, c4 = st.columns(4)
c1.metric("People", f"{len(model.people):,}")
c2.metric("Rows used", f"{rows_used:,}", help=f"{rows_used:,} of the {rows_read:,} rows read are used.")
c3.metric("Errors", f"{len(model.errors):,}")
c4.metric("Warnings", f"{len(model.warnings):,}")
set_aside = rows_read - rows_used
st.caption(f"{rows_used:,} of {rows_read:,} rows used" + (f"; {set_aside:,} set aside (see the problems below)." if set_aside else "."))

if org.notice:
    st.success(plain(state.hide_names(org.notice)))
if org.previous_reading is not None:
    now = state.org_reading_label(org)
    scores = state.org_scores(org)
    moved = [
        f"{axis} {number(org.previous_scores.get(axis), 4)} → {number(scores.get(axis), 4)}"
        for axis in ("asymmetry", "direction", "concentration") if org.previous_scores.get(axis) != scores.get(axis)
    ]
    change = ("; scores " + ", ".join(moved)) if moved else "; no axis score of the organisation moved"
    # The formal line does not vote in the org's reading while other layers have ties, so a
    # fixed manager may move only its own layer's scores: say which, so the fix is visible.
    layers_now = state.layer_scores(org)
    layer_moves = [
        f"{plain(name)}: {axis} {number(before.get(axis), 6)} → {number(layers_now[name].get(axis), 6)}"
        for name, before in org.previous_layer_scores.items() if name in layers_now
        for axis in ("asymmetry", "direction", "concentration") if before.get(axis) != layers_now[name].get(axis)
    ]
    if layer_moves:
        change += "; layer scores " + ", ".join(layer_moves)
    if now != org.previous_reading:
        st.info(f"After the last change the organisation reads as **{plain(now)}** (it read as **{plain(org.previous_reading)}** before){change}.")
    else:
        st.info(f"After the last change the organisation still reads as **{plain(now)}**{change}.")

st.markdown("#### Files and detected format")
if inputs.empty:
    st.info("No file details were recorded for this org.")
else:
    st.dataframe(
        tidy_frame(inputs.drop(columns=["mapping"])), hide_index=True, placeholder=MISSING, width="stretch", key="inputs_table",
        column_config=column_config(inputs.drop(columns=["mapping"])),
    )

editable = org.origin != "neo4j" and not inputs.empty
suspect = suspected_mapping(model)
if editable:
    with st.expander("Column mapping (correct it here)", expanded=bool(model.errors) or suspect is not None):
        headers = state.memo("file_headers", (org.label_hash,), lambda: file_headers(state.source_tables(org)))
        detected = mapping_frame(model)
        files = [f for f in detected["file"].drop_duplicates() if f in headers]
        if not files:
            st.caption("No file here has a mapping to correct.")
        else:
            kinds = dict(zip(detected["file"], detected["kind"]))
            people_files = [f for f in files if kinds.get(f) == "people"]
            default_file = suspect[0] if suspect and suspect[0] in files else (people_files or files)[0]
            if suspect:
                st.warning(
                    f"The validator suspects that column **{plain(suspect[1])}** of {plain(suspect[0])} holds the managers "
                    "but it is not used: choose it for manager_id below (or manager_name when it holds names)."
                )
            file = st.selectbox("File", files, index=files.index(default_file), key="mapping_file")
            st.caption(
                "Each row says which column of your file feeds which orgpower column. Pick the header from "
                f"the list (the file's own headers, or {NOT_USED} where none does) and press **Apply mapping** to read the files again."
            )
            part = detected[detected["file"] == file].reset_index(drop=True)
            if suspect and suspect[0] == file:  # the manager rows first, where the user looks
                order = part["orgpower column"].isin(["manager_id", "manager_name"]).map({True: 0, False: 1})
                part = part.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)
            edited = st.data_editor(
                part, hide_index=True, placeholder=MISSING, width="stretch", key=f"mapping_editor_{file}", num_rows="fixed",
                disabled=["file", "kind", "orgpower column"],
                column_config={"header in your file": st.column_config.SelectboxColumn(
                    "header in your file", options=[NOT_USED, *[h for h in headers[file] if h != NOT_USED]], required=True,
                    help=f"A header of this file, or {NOT_USED}",
                )},
            )
            left, right = st.columns(2)
            if left.button("Apply mapping", key="mapping_apply", type="primary"):
                kept = unmapping_asked(edited, part)
                notice = "Done: the mapping was applied and the files read again." + (
                    f" Still read as detected: {', '.join(kept)} (a mapping says which header feeds a column but cannot "
                    "leave out one that was found: rename or remove that column in the file to leave it out)." if kept else ""
                )
                mapping = state.merged_mapping(org.mapping, mapping_from_frame(edited, part))
                state.reload_with(org, list(org.edits), mapping or None, notice=notice)
            right.download_button(
                "Download the mapping file (mapping.json)", mapping_json(model, org.mapping), file_name="mapping.json",
                mime="application/json", key="mapping_download", icon=":material/download:",
                help="Every file's column mapping, for `orgpower validate --mapping mapping.json` or the next upload.",
            )

st.markdown("#### Validation problems")
if problems.empty:
    st.success("No problems found: every row is usable.")
else:
    counts = problems["severity"].value_counts()
    st.caption(
        " · ".join(f"{int(counts[s]):,} {s}(s)" for s in ("error", "warning", "info") if s in counts)
        + ". Row numbers are as your spreadsheet shows them (header = row 1)."
    )
    cards = st.container(height=560 if len(problems) > 4 else "content", border=False)  # a scrolling list, not a long page
    for position, problem in enumerate(problems.head(PROBLEMS_LISTED).to_dict("records")):
        with cards.container(border=True):
            where = " · ".join(x for x in (
                plain(problem["file"]) if present(problem.get("file")) else "", f"row {int(problem['row'])}" if present(problem.get("row")) else "",
                f"column {plain(problem['column'])}" if present(problem.get("column")) else "",
            ) if x)
            st.markdown(f"{SEVERITY_BADGE.get(problem['severity'], '')} `{problem['code']}`" + (f" · {where}" if where else ""))
            st.markdown(plain(state.hide_names(problem.get("message") or "")))
            if present(problem.get("suggestion")):
                st.caption("What to do: " + plain(state.hide_names(problem["suggestion"])))
            fix = fix_for(problem)
            if editable and fix is not None:
                st.button(
                    fix[0], key=f"fix_problem_{position}", icon=":material/build:",
                    on_click=st.session_state.update, kwargs=fix[1],
                )
    if len(problems) > PROBLEMS_LISTED:
        st.caption(f"The first {PROBLEMS_LISTED} of {len(problems):,} problems; the table below has them all.")
    with st.expander("All problems as a table (sortable, downloadable)"):
        state.show_table(state.hide_names_in(problems), key="problems", download_name="validation-problems.csv")

if editable and org.origin != "neo4j":
    st.markdown("#### Fix in place")
    st.caption(
        "Corrections are made on copies: the files you gave are never changed. Each fix reads and audits "
        "the corrected copies again; every edit is listed below and can be undone."
    )
    fix_in_place(org, model)

if org.result is not None:
    if model.errors:
        st.warning(
            f"{len(model.errors):,} error(s) set rows aside; the audit uses the {rows_used:,} usable rows. "
            "Fix them above, or fix the file and upload it again, to include the others."
        )
    st.page_link(state.page_path("overview"), label="Go on to the Overview", icon=":material/arrow_forward:")
elif org.error:
    st.error(plain(org.error))
