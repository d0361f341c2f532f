"""Compare: the current org against an older snapshot or bundle: who gained and who lost power."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.views import change_sentences, number, show_value

result = state.require_result()
org = state.current_org()
st.title("Compare")
st.caption(f"Compare **{plain(org.label)}** (the current org) with an older snapshot of it: files, a sample org, or a Neo4j snapshot.")

sources = ["Upload files", "Sample org"] + (["Neo4j snapshot"] if state.neo4j_uri() else [])
source = st.segmented_control("Older snapshot from", sources, default=sources[0], key="compare_source")
older = state.compare_org()
if source == "Upload files":
    uploaded = st.file_uploader("The older files", accept_multiple_files=True, type=[s.lstrip(".") for s in state.INPUT_SUFFIXES], key="compare_files")
    if uploaded:
        files = [(f.name, f.getvalue()) for f in uploaded]
        digest = state.inputs_hash(files)
        if older is None or older.label_hash != digest:
            paths = state.save_uploads(files, "older-" + digest)
            older = state.run_pipeline(", ".join(n for n, _ in files[:3]), "upload", digest, paths=paths, prepare=False)
            older.label_hash = digest
            state.set_compare_org(older)
elif source == "Sample org":
    samples = state.sample_orgs()
    pick = st.selectbox("Sample org", list(samples), index=None, placeholder="Pick a sample org", key="compare_pick")
    if st.button("Use as the older snapshot", key="compare_load", disabled=pick is None):
        digest = state.inputs_hash(state.folder_files(samples[pick]))
        older = state.run_pipeline(pick, "sample", digest, paths=[samples[pick]], prepare=False)
        older.label_hash = digest
        state.set_compare_org(older)
elif source == "Neo4j snapshot":
    uri = state.neo4j_uri()
    try:
        snapshots = state.list_snapshots(uri)  # not memoised: a snapshot loaded meanwhile must show
    except Exception:  # noqa: BLE001 - any driver failure becomes one sentence
        st.error("Could not list the snapshots in Neo4j.")
        snapshots = []
    snapshot = st.selectbox("Snapshot", snapshots, index=None, key="compare_snapshot")
    if snapshot and st.button("Use as the older snapshot", key="compare_neo4j_load"):
        digest = state.inputs_hash([("neo4j", f"{uri}\0{snapshot}".encode())])
        older = state.run_pipeline(f"snapshot {snapshot}", "neo4j", digest, neo4j_uri=uri, snapshot=snapshot, prepare=False)
        older.label_hash = digest
        state.set_compare_org(older)

if older is None:
    st.info("Choose the older snapshot above.")
    st.stop()
if older.model is None:
    st.error(plain(older.error) if older.error else "The older snapshot could not be read.")
    st.stop()

compared = state.audit_compared(org, older)
if compared is None:
    st.stop()
comparison = getattr(compared, "comparison", None)
st.subheader(f"{plain(older.label)} → {plain(org.label)}")
if comparison is None:
    st.info("The audit returned no comparison for these two snapshots.")
    st.stop()
if hasattr(comparison, "to_dict") and not isinstance(comparison, pd.DataFrame):
    comparison = comparison.to_dict()
change_tables = {n: t for n, t in compared.tables.items() if n.startswith("change_")}
if isinstance(comparison, dict):
    st.markdown("  \n".join(plain(line) for line in change_sentences(comparison, change_tables)))
    counts = {k: v for k, v in comparison.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if counts:
        for row_start in range(0, len(counts), 4):
            columns = st.columns(4)
            for column, (name, value) in zip(columns, list(counts.items())[row_start : row_start + 4]):
                column.metric(str(name).replace("_", " ").capitalize(), number(value))
    labels = comparison.get("layer_labels")
    if isinstance(labels, dict) and labels:
        st.markdown("#### Readings, before and after")
        frame = pd.DataFrame([{"layer": "organisation", "before": (comparison.get("org_label") or {}).get("old"), "now": (comparison.get("org_label") or {}).get("new")}]
                             + [{"layer": k, "before": v.get("old"), "now": v.get("new")} for k, v in labels.items()])
        state.show_table(frame, key="compare_labels")
    if comparison.get("old_inputs"):
        with st.expander("The older snapshot's input files (names and sha256)"):
            show_value(comparison["old_inputs"], key="compare_old_inputs")
else:
    show_value(comparison, key="compare_all")
TABLE_TITLES = {
    "change_people": "People whose power changed", "change_units": "Units whose power changed",
    "change_arcs": "Ties that turned (returned ↔ one-way)", "change_metrics": "Every measure, before and after",
}
compare_tables = {n: t for n, t in compared.tables.items() if n not in result.tables}  # the comparison's own tables
for name in sorted(compare_tables, key=lambda n: list(TABLE_TITLES).index(n) if n in TABLE_TITLES else 99):
    table = compare_tables[name]
    st.markdown(f"#### {TABLE_TITLES.get(name, name.replace('_', ' ').capitalize())}")
    if table.empty:
        st.caption("None.")
        continue
    state.show_table(table, key=f"compare_table_{name}", download_name=f"{name.replace('_', '-')}.csv")
