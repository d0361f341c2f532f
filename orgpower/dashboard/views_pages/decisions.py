"""Decisions: who holds the say, who only has a voice, bottleneck approvers, single points of veto."""

from __future__ import annotations

import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.views import reading_phrase, show_value

TABLES = {
    "decision_rights": ("Decision rights by person", "Distinct decisions per actor and role; *deciding* = holds the say (accountable, approve, veto, agree), *voice* = consulted, recommend, agree or responsible."),
    "decision_bottlenecks": ("Bottleneck approvers", "People who hold the say on a large share of all decisions: work waits on them."),
    "decision_single_points": ("Single points of veto", "Decisions that exactly one person can make or stop."),
    "decision_voiceless_units": ("Units bound without a voice", "A decision binds the unit, and nobody in it has a voice or the say in it."),
    "decision_consulted_not_deciding": ("Consulted, never deciding", "Units whose members are consulted but hold the say on no decision."),
}

result = state.require_result()
st.title("Decisions")
document = result.document
reading = document.get("classification", {}).get("layers", {}).get("decisions")
if reading:
    st.markdown(f"The decision-rights layer reads as {reading_phrase(reading)}.")
summary = document.get("decisions")
if isinstance(summary, dict) and summary:
    with st.expander("Summary", expanded=True):
        show_value({k: v for k, v in summary.items() if not isinstance(v, (dict, list))}, key="decisions_summary")

present = {name: table for name, table in result.tables.items() if name.startswith("decision")}
if not present or all(t.empty for t in present.values()):
    st.info("This org has no decisions file, so there are no decision rights to audit. Add a decisions file (RACI or RAPID) on the Upload page.")
    st.stop()
for name in [*TABLES, *sorted(set(present) - set(TABLES))]:
    if name not in present:
        continue
    title, words = TABLES.get(name, (name.replace("_", " ").capitalize(), ""))
    st.subheader(title)
    if words:
        st.caption(words)
    if present[name].empty:
        st.success("None found.")
    else:
        state.show_table(present[name], key=name, download_name=f"{name.replace('_', '-')}.csv")

findings = [f for f in document.get("findings", []) if "decision" in str(f.get("id", "")) or "veto" in str(f.get("id", ""))]
if findings:
    st.subheader("Findings on decisions")
    for finding in findings:
        st.markdown(f"- **{plain(finding.get('title'))}** {plain(finding.get('recommendation'))}")
