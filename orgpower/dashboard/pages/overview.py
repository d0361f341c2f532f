"""Overview: the org's reading on the three axes, in words and numbers; headline findings."""

from __future__ import annotations

import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.glossary import AXES, LABELS, MEASURES
from orgpower.dashboard.views import layer_table, number, show_value

result = state.require_result()
document = result.document
org = document.get("org", {})
reading = document.get("classification", {}).get("org", {})

st.title("Overview")
label = reading.get("label", "undetermined")
sublabels = reading.get("sublabels") or []
st.markdown(
    f"### This organisation reads as **{label}**"
    + (f" ({', '.join(sublabels)})" if sublabels else "")
)
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
                st.caption(detail["evidence"])

if reading.get("evidence"):
    with st.expander("Why this reading (evidence)"):
        for line in reading["evidence"]:
            st.markdown(f"- {line}")

st.markdown("#### Headline findings")
findings = document.get("findings", [])
if not findings:
    st.info("No findings were raised for this org.")
for i, finding in enumerate(findings[:6]):
    severity = finding.get("severity", "info")
    icon = {"high": ":material/error:", "medium": ":material/warning:", "warning": ":material/warning:"}.get(severity, ":material/info:")
    with st.expander(f"{finding.get('title', finding.get('id', 'Finding'))}", expanded=i < 2, icon=icon):
        if finding.get("evidence"):
            evidence = finding["evidence"]
            st.write(evidence if isinstance(evidence, str) else "")
            if not isinstance(evidence, str):
                show_value(evidence, key=f"finding_evidence_{i}")
        if finding.get("recommendation"):
            st.markdown(f"**What could change it:** {finding['recommendation']}")
        values = finding.get("metric_values") or finding.get("metrics") or finding.get("values")
        if values:
            show_value(values, key=f"finding_values_{i}")
if len(findings) > 6:
    st.caption(f"{len(findings) - 6} more finding(s) in the report.")

st.markdown("#### Layers")
layers = document.get("layers", {})
if layers:
    keys = tuple(MEASURES)
    st.dataframe(layer_table(layers, keys), hide_index=True, width="stretch", key="overview_layers")
    with st.popover("What the columns mean", icon=":material/menu_book:"):
        for key, words in MEASURES.items():
            st.markdown(f"**{key}**: {words}")
else:
    st.info("The audit has no layer measures.")
