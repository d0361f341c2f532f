"""Overview: the org's reading on the three axes, in words and numbers; headline findings."""

from __future__ import annotations

import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.glossary import AXES, LABELS, MEASURES
from orgpower.dashboard.views import MISSING, column_config, number, reading_phrase, show_value

result = state.require_result()
document = result.document
org = document.get("org", {})
reading = document.get("classification", {}).get("org", {})

st.title("Overview")
label = reading.get("label", "undetermined")
st.markdown(f"### This organisation reads as {reading_phrase(reading)}")
st.write(LABELS.get(label, ""))
with st.popover("How is this read?", icon=":material/help:"):
    st.markdown(LABELS["_how"])

c = st.columns(5)
c[0].metric("People", number(org.get("people")))
c[1].metric("Units", number(org.get("units")))
c[2].metric("Reporting layers", number(org.get("layers")))
c[3].metric("Widest span", number(org.get("max_span")))
c[4].metric("Mean span", number(org.get("mean_span"), 2))

st.markdown("#### The three axes")
st.caption("Each score runs from 0 (the mutual signature) to 1 (the power-over signature).")
axes = reading.get("axes", {})
columns = st.columns(3)
for column, (axis, meaning) in zip(columns, AXES.items()):
    detail = axes.get(axis, {})
    score = reading.get("scores", {}).get(axis, detail.get("score"))
    with column.container(border=True):
        st.metric(meaning["title"], number(score, 2), help=meaning["question"])
        if score is not None:
            st.progress(min(max(float(score), 0.0), 1.0))
        st.caption(meaning["words"])
        with st.expander("Definition and per-layer scores"):
            st.markdown(meaning["definition"])
            if detail.get("values"):
                show_value(detail["values"], key=f"axis_{axis}")
            if detail.get("evidence"):
                st.caption(plain(detail["evidence"]))

if reading.get("evidence"):
    with st.expander("Why this reading (evidence)"):
        for line in reading["evidence"]:
            st.markdown(f"- {plain(line)}")

st.markdown("#### Headline findings")
findings = document.get("findings", [])
if not findings:
    st.info("No findings were raised for this org.")
ICONS = {"high": ":material/error:", "medium": ":material/warning:", "low": ":material/info:"}
for i, finding in enumerate(findings[:6]):
    with st.expander(plain(finding.get("title", finding.get("id", "Finding"))), expanded=i < 2, icon=ICONS.get(finding.get("severity"), ":material/info:")):
        if finding.get("summary"):
            st.markdown(plain(finding["summary"]))
        for line in finding.get("evidence") or []:
            st.markdown(f"- {plain(line)}")
        if finding.get("metrics"):
            st.caption(" · ".join(f"{k}: {number(v)}" for k, v in finding["metrics"].items()))
        if finding.get("recommendation"):
            st.markdown(f"**What could change it:** {plain(finding['recommendation'])}")
if len(findings) > 6:
    st.caption(f"{len(findings) - 6} more finding(s) in the report.")

st.markdown("#### Layers")
layers_table = result.tables.get("layers")
if layers_table is not None and not layers_table.empty:
    shown = ["layer", "label", "sublabels", "asymmetry_score", "direction_score", "concentration_score", *MEASURES]
    layers_shown = layers_table[[c for c in shown if c in layers_table.columns]]
    st.dataframe(layers_shown, hide_index=True, placeholder=MISSING, width="stretch", key="overview_layers", column_config=column_config(layers_shown))
    with st.popover("What the columns mean", icon=":material/menu_book:"):
        for key, words in MEASURES.items():
            st.markdown(f"**{key}**: {words}")
else:
    st.info("The audit has no layer measures.")
