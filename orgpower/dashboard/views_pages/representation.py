"""Representation: each group's share of power (span, budget, decision rights) vs its headcount share.

Groups under the minimum size are suppressed by the library; this page shows them as it returns them.
"""

from __future__ import annotations

import altair as alt
import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.report.representation import refusal
from orgpower.dashboard.views import number

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
# nearly unique columns (a user name, an e-mail) would single people out: not offered
k = getattr(config, "min_group_size", 5)
candidates = state.memo("groupable", (org.input_hash, k, tuple(candidates)),
                        lambda: [c for c in candidates if refusal(model.people, c, k) is None])
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
for group in groups:
    if group.get("refused"):
        st.warning(plain(group["refused"]))  # a nearly unique attribute is not a grouping
table = result.tables.get("representation")
if not groups or table is None or table.empty:
    st.info("No representation audit yet: pick one or more attributes above (for example gender or location).")
    st.stop()
for group in groups:
    if group.get("refused") or group.get("missing"):
        continue
    hidden = group.get("hidden_groups", 0)
    st.markdown(
        f"**{plain(group.get('attribute'))}**: {number(group.get('people'))} people, groups under k = {group.get('k')} suppressed"
        + (f" ({hidden} group(s) hidden)." if hidden else ".")
        + (f" {group['people_missing']} gave no value (counted as missing, not as a group)." if group.get("people_missing") else "")
    )
st.caption("ratio = the group's share of the measure / its share of headcount (1 = in proportion). Suppressed cells are shown as suppressed.")
cells = table.copy()
cells["suppressed"] = cells["suppressed"].fillna(False).astype(bool)
cells["shown"] = cells.apply(lambda r: "suppressed" if bool(r.get("suppressed")) else number(r.get("ratio"), 2), axis=1)
cells["ratio_shown"] = cells["ratio"].where(~cells["suppressed"].astype(bool))
for attribute, part in cells.groupby("attribute", sort=False):
    measures = list(dict.fromkeys(part["measure"]))
    base = alt.Chart(part).encode(
        # every column labelled: wrapped at underscores and never thinned out for overlap
        x=alt.X("measure:N", title=None, sort=measures, axis=alt.Axis(
            labelAngle=0, labelOverlap=False, labelLimit=160, labelExpr="split(datum.label, '_')", labelLineHeight=12, orient="top",
        )),
        y=alt.Y("group:N", title=str(attribute)),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("ratio_shown:Q", title="ratio", scale=alt.Scale(scheme="redblue", domainMid=1, domain=[0, 2], clamp=True)),
        tooltip=[alt.Tooltip("group:N"), alt.Tooltip("measure:N"), alt.Tooltip("shown:N", title="ratio")],
    )
    # suppressed cells are marked (grey, hatched by a diagonal), never left blank
    hidden = base.transform_filter("datum.suppressed").mark_rect(color="#e4e4ea", stroke="#9a9aa8", strokeDash=[3, 3], strokeWidth=1)
    text = base.mark_text(fontSize=11).encode(
        text="shown:N",
        color=alt.condition("datum.ratio_shown < 0.35 || datum.ratio_shown > 1.65", alt.value("white"), alt.value("#262730")),
    )
    st.altair_chart(
        (heat + hidden + text).properties(height=max(140, 34 * part["group"].nunique()) + 30), width="stretch",
    )
state.show_table(table, key="representation", download_name="representation.csv")
