"""Resources: who gives and who takes, what is returned, how concentrated the money is."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.views import reading_phrase, show_value, thin_curve

result = state.require_result()
st.title("Resources")
document = result.document
tables = result.tables
reading = document.get("classification", {}).get("layers", {}).get("flows")
if reading:
    st.markdown(f"Resource flows read as {reading_phrase(reading)}.")
summary = document.get("resources")
if isinstance(summary, dict) and summary:
    show_value(
        {k: v for k, v in summary.items() if not isinstance(v, (dict, list))}, key="resources_summary",
        currency=state.flows_currency(state.current_org()), money=("total",),  # the total of all flows, in money
    )

balance = tables.get("resource_balance")
if balance is None or balance.empty:
    st.info("This org has no flows file, so there are no resource flows to audit. Add a flows file (source, target, amount) on the Upload page.")
    st.stop()

lorenz = tables.get("resource_lorenz")
left, right = st.columns(2)
with left:
    st.subheader("Concentration (Lorenz curve)")
    st.caption("Share of everything given (y) held by the smallest-giving share of people (x). The diagonal is perfect equality; the further below it, the more concentrated.")
    if lorenz is not None and not lorenz.empty:
        curve = alt.Chart(thin_curve(lorenz)).mark_line(color="#d1495b").encode(
            x=alt.X("population_share:Q", title="share of people", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("holding_share:Q", title="share of resources given", scale=alt.Scale(domain=[0, 1])),
        )
        diagonal = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(strokeDash=[4, 4], color="#8a8a96").encode(x="x:Q", y="y:Q")
        st.altair_chart((diagonal + curve).properties(height=320), width="stretch")
        st.download_button(
            "Download the curve", lambda: state.csv_bytes(lorenz), file_name="resource-lorenz.csv", mime="text/csv",
            key="download_resource_lorenz", icon=":material/download:",
        )
with right:
    st.subheader("Net givers and takers")
    st.caption("Given, received and the returned part (Σ min(w_ij, w_ji)); a node giving more one-way than it receives one-way is a net giver.")
    if "role" in balance:
        counts = balance["role"].value_counts().rename_axis("role").reset_index(name="nodes")
        st.altair_chart(alt.Chart(counts).mark_bar().encode(x="nodes:Q", y=alt.Y("role:N", title=None), color=alt.Color("role:N", legend=None)).properties(height=160), width="stretch")

st.subheader("Balance per person or unit")
state.show_table(balance, key="resource_balance", download_name="resource-balance.csv", height=320)
units = tables.get("resource_units")
if units is not None and not units.empty:
    st.subheader("Per unit: given, returned, one-way")
    state.show_table(units, key="resource_units", download_name="resource-units.csv")
