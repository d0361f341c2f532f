"""Upload: drop HR exports or pick a sample org (or a Neo4j snapshot); see what was read.

Shows the detected format and column mapping of every file (correctable: the edited
mapping is passed to ``orgpower.api.read_org``), and every validation problem with its
file and row, downloadable as CSV. The audit runs on the usable rows.
"""

from __future__ import annotations

import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.views import display_uri, input_files_frame, mapping_frame, mapping_from_frame, problems_frame

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
c2.metric("Rows used", f"{rows_used:,} of {rows_read:,}")
c3.metric("Errors", f"{len(model.errors):,}")
c4.metric("Warnings", f"{len(model.warnings):,}")

st.markdown("#### Files and detected format")
if inputs.empty:
    st.info("No file details were recorded for this org.")
else:
    st.dataframe(inputs.drop(columns=["mapping"]), hide_index=True, width="stretch", key="inputs_table")

if org.origin != "neo4j" and not inputs.empty:
    with st.expander("Column mapping (correct it here)", expanded=bool(model.errors)):
        st.caption(
            "Each row says which column of your file feeds which orgpower column. "
            "Change the header in the right-hand column and press **Apply mapping** to read the files again."
        )
        detected = mapping_frame(model)
        edited = st.data_editor(
            detected, hide_index=True, width="stretch", key="mapping_editor",
            disabled=["file", "kind", "orgpower column"], num_rows="fixed",
        )
        if st.button("Apply mapping", key="mapping_apply"):
            mapping = state.merged_mapping(org.mapping, mapping_from_frame(edited, detected))
            digest = state.inputs_hash([(org.label_hash, b"")], mapping)
            corrected = state.run_pipeline(org.label, org.origin, digest, paths=org.paths, mapping=mapping or None)
            corrected.label_hash = org.label_hash
            state.load_into_session(corrected)

st.markdown("#### Validation problems")
if problems.empty:
    st.success("No problems found: every row is usable.")
else:
    st.caption("Sort by any column. Row numbers are as your spreadsheet shows them (header = row 1).")
    state.show_table(problems, key="problems", download_name="validation-problems.csv")

if org.result is not None:
    if model.errors:
        st.warning(
            f"{len(model.errors):,} error(s) set rows aside; the audit uses the {rows_used:,} usable rows. "
            "Fix the file and upload it again to include the others."
        )
    st.page_link(state.page_path("overview"), label="Go on to the Overview", icon=":material/arrow_forward:")
elif org.error:
    st.error(plain(org.error))
