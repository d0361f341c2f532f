"""Representation: each group's share of power (span, budget, decision rights) vs its headcount share.

Groups under the minimum size are suppressed by the library; this page shows them as it returns them.
"""

from __future__ import annotations

import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.views import show_value

result = state.require_result()
org = state.current_org()
st.title("Representation")
st.caption(
    "Who holds the power, by group: each group's share of spans, budgets and decision rights "
    "compared with its share of headcount. Groups smaller than the minimum group size are "
    "suppressed (shown as suppressed, never as numbers), including where a number could be "
    "worked out by subtraction."
)

model = org.model
candidates = [
    c for c in model.people.columns
    if c not in {"person_id", "manager_id", "name", "title", "source_file", "source_row", "fte", "cost", "kind"}
]
config = getattr(result, "config", None)
chosen_now = list(getattr(config, "group_attributes", ()) or [])
attributes = st.multiselect(
    "Group by (people attributes)", candidates, default=[a for a in chosen_now if a in candidates],
    key="representation_attributes", help="The audit is re-run with these attributes; nothing is shown per person.",
)
if attributes and set(attributes) != set(chosen_now):
    result = state.audit_with_groups(org, tuple(attributes))
    if result is None:
        st.stop()

groups = result.document.get("groups", [])
if not groups:
    st.info("No representation audit: pick one or more attributes above (for example gender or location).")
else:
    show_value(groups, key="representation_groups")
tables = {name: t for name, t in result.tables.items() if "represent" in name or name.startswith("group")}
for name, table in tables.items():
    st.subheader(name.replace("_", " ").capitalize())
    state.show_table(table, key=name, download_name=f"{name.replace('_', '-')}.csv")
