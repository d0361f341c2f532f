"""Org: a collapsible org chart, the spans-and-layers heatmap, and any person's or unit's measures."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.orgchart import org_chart_html, span_notes
from orgpower.dashboard.views import MISSING, column_config, number, reading_phrase
from orgpower.report.scopes import scope_records

MAX_TABLE_ROWS = state.MAX_TABLE_ROWS  # rows sent to the browser at once; search narrows the rest
MAX_TABLE_CELLS = state.MAX_TABLE_CELLS  # with every measure (100+ columns) fewer rows
HEADLINE_COLUMNS = (  # the people table's default view; "all measures" shows every column of people.csv
    "person_id", "name", "title", "unit", "reporting_layer", "span_of_control", "reach", "betweenness",
    "pagerank", "bonacich_power", "constraint", "brokerage_total", "decision_rights_deciding",
    "decision_rights_voice", "budget_given", "resources_given", "resources_received",
)

result = state.require_result()
org = state.current_org()
people = result.people
key = org.input_hash

st.title("Org")

labels = state.person_labels(org)  # a Series, for search: name (title) · id, or id (title) with ids only
label_of = state.person_label_dict(org)  # O(1) lookups of the same
shown_as = state.display_names(org)  # names or ids, as the session shows people
chart_labels = label_of
reports = state.direct_reports_of(org)
org_roots = state.org_roots(org)



# --- find a person ---------------------------------------------------------------------
search = st.text_input(
    "Find a person (name, title or id)" if state.names_shown() else "Find a person (id or title)", key="org_search",
    placeholder="e.g. a name or an id" if state.names_shown() else "e.g. an id or a title",
)
selected = st.session_state.get("org_person")
if search:
    matches = labels[labels.str.contains(search, case=False, regex=False, na=False)]
    if matches.empty:
        st.caption("Nobody matches.")
    else:
        options = list(matches.index[:200])
        pick = st.selectbox(
            f"{len(matches):,} match(es)" + (" (first 200 shown)" if len(matches) > 200 else ""),
            options, format_func=lambda pid: label_of.get(pid, pid), key="org_pick",
        )
        if pick:
            selected = pick
            st.session_state["org_person"] = pick

# --- the chart -------------------------------------------------------------------------
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Org chart")
    top_choice = st.radio(
        "Top of the chart", ["Top of the organisation", "The selected person"], horizontal=True,
        key="org_top", disabled=selected is None,
    )
    roots = [selected] if (top_choice == "The selected person" and selected) else org_roots
    notes = state.memo("span_notes", (key,), lambda: span_notes(people, reports))
    chart = state.memo(
        "org_chart", (key, tuple(roots[:50]), state.names_shown()),
        lambda: org_chart_html(roots, reports, chart_labels, notes, max_people=600, open_levels=2),
    )
    st.caption(f"{len(org_roots):,} top-level position(s). Click a name to open or close its branch.")
    st.html(chart)

with right:
    st.subheader("Selected person")
    if selected is None:
        st.caption("Find a person above, or click a row in the table below, to see their measures.")
    else:
        row = people[people["person_id"].astype(str) == selected]
        st.markdown(f"**{plain(chart_labels.get(selected, selected))}**")
        if row.empty:
            st.caption("No measures for this person.")
        else:
            record = row.iloc[0]
            shown = {c: number(record[c].item() if hasattr(record[c], "item") else record[c]) for c in row.columns if c not in ("name",)}
            st.dataframe(pd.DataFrame({"measure": list(shown), "value": list(shown.values())}), hide_index=True, placeholder=MISSING, width="stretch", height=420, key="org_person_measures")

# --- spans and layers ------------------------------------------------------------------
st.subheader("Spans and layers")
spans_table = result.tables.get("spans_layers", result.tables.get("spans_by_layer"))
if spans_table is None or spans_table.empty:
    st.info("The audit has no spans-by-layer table for this org.")
else:
    frame = spans_table.copy()
    buckets = [c for c in frame.columns if c.startswith("span ")]
    long = frame.melt(id_vars=["reporting_layer"], value_vars=buckets, var_name="span", value_name="people in layer")
    base = alt.Chart(long).encode(
        x=alt.X("span:N", title="Span of control (direct reports)", sort=buckets, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("reporting_layer:O", title="Layer (1 = top)"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("people in layer:Q", scale=alt.Scale(scheme="blues"), title="people"),
        tooltip=["reporting_layer", "span", "people in layer"],
    )
    top = float(long["people in layer"].max() or 1)
    heat_text = base.mark_text(fontSize=11).encode(
        text="people in layer:Q",
        color=alt.condition(f"datum['people in layer'] > {top * 0.55}", alt.value("white"), alt.value("#262730")),
    )
    st.altair_chart((heat + heat_text).properties(height=max(220, 34 * len(frame))), width="stretch")
    st.caption("People per reporting layer and span of control (0 = no direct reports).")
    with st.expander("The table (with mean span per layer)"):
        state.show_table(frame, key="spans_layers", download_name="spans-and-layers.csv")

# --- people table: click a row ---------------------------------------------------------
st.subheader("People and their measures")
all_columns = st.toggle("All measures", key="org_all_columns", help="Every column of people.csv (one per layer and measure).")
table = people if all_columns else people[[c for c in HEADLINE_COLUMNS if c in people.columns]]
table = state.people_as_set(table)
if search:
    wanted = set(labels[labels.str.contains(search, case=False, regex=False, na=False)].index)
    table = table[table["person_id"].astype(str).isin(wanted)]
matching = table
shown_rows = min(MAX_TABLE_ROWS, max(100, MAX_TABLE_CELLS // max(len(table.columns), 1)))
if len(table) > shown_rows:
    st.caption(f"Showing the first {shown_rows:,} of {len(table):,} people; search to narrow down, or download them all.")
    table = table.head(shown_rows)
event = st.dataframe(
    table, hide_index=True, placeholder=MISSING, width="stretch", height=360, key="org_people",
    on_select="rerun", selection_mode="single-row", column_config=column_config(table, currency=state.flows_currency(org)),
)
if len(matching) > len(table):
    st.download_button(
        f"Download these {len(matching):,} people", lambda: state.csv_bytes(matching), file_name="people-measures.csv",
        mime="text/csv", key="download_org_people", icon=":material/download:",
    )
rows = event.selection.rows if event is not None else []
if rows:
    clicked = str(table.iloc[rows[0]]["person_id"])
    if clicked != st.session_state.get("org_person"):
        st.session_state["org_person"] = clicked
        st.rerun()

# --- units -----------------------------------------------------------------------------
st.subheader("Units")
units = scope_records(result.document, "unit")  # units only: teams are their own scope
if not units:
    st.info("The audit has no unit readings for this org.")
else:
    names = [str(u["id"]) for u in units]
    pick = st.selectbox("Unit", range(len(units)), format_func=lambda i: names[i], key="org_unit")
    unit = units[pick]
    st.markdown(
        f"**{plain(names[pick])}** reads as {reading_phrase(unit)}"
        + f" · {number(unit.get('size'))} people · head: {plain(shown_as.get(str(unit.get('head')), unit.get('head') or '—'))}"
    )
    cols = st.columns(3)
    for col, axis in zip(cols, ("asymmetry", "direction", "concentration")):
        col.metric(axis.capitalize(), number((unit.get("scores") or {}).get(axis), 2))
    if unit.get("layers"):
        per_layer = pd.DataFrame([
            {"layer": name, "label": r.get("label"), "sublabels": ", ".join(r.get("sublabels", [])), **{k: v for k, v in (r.get("scores") or {}).items()}}
            for name, r in unit["layers"].items()
        ])
        st.dataframe(per_layer, hide_index=True, placeholder=MISSING, width="stretch", key="org_unit_layers")
    for line in unit.get("evidence", []):
        st.caption(plain(line))
