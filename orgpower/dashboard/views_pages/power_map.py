"""Power map: any layer as an interactive network; filter by unit; size by a measure; colour by reading."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.powermap import AGGREGATE_ABOVE, BUSIEST_SHOWN, MAX_TIES_DRAWN, busiest_nodes, layer_ties, network_chart, positions, ties_between_units
from orgpower.dashboard.views import number, show_value
from orgpower.report.scopes import scope_labels, scope_readings

result = state.require_result()
org = state.current_org()
key = org.input_hash
graph = getattr(result, "graph", None)

st.title("Power map")
if graph is None or not getattr(graph, "layers", None):
    st.info("This audit has no graph layers to draw.")
    st.stop()

people = result.people
people_by_id = state.people_by_id(org)
unit_of = state.unit_of(org)
unit_readings = scope_labels(result.document, "unit")  # each unit's own reading, never a team's

c1, c2, c3, c4 = st.columns(4)
layer_name = c1.selectbox("Layer", list(graph.layers), key="map_layer")
all_units = sorted(set(unit_of.values()))
chosen_units = c2.multiselect("Units", all_units, key="map_units", placeholder="All units")
numeric = [c for c in people.columns if c != "person_id" and pd.api.types.is_numeric_dtype(people[c]) and not pd.api.types.is_bool_dtype(people[c])]
size_by = c3.selectbox("Node size", ["(same size)", *numeric], index=(1 + numeric.index("pagerank")) if "pagerank" in numeric else 0, key="map_size")
colour_by = c4.selectbox("Colour", ["reading of their unit", "unit", *(["reporting_layer"] if "reporting_layer" in people else [])], key="map_colour")

layer = graph.layers[layer_name]
members = set(p for p, u in unit_of.items() if u in chosen_units) if chosen_units else None
ties = state.memo("ties", (key, layer_name, tuple(chosen_units)), lambda: layer_ties(layer, members))
in_ties = pd.unique(pd.concat([ties["source"], ties["target"]])) if not ties.empty else []
if chosen_units and len(in_ties) > AGGREGATE_ABOVE:
    # Units summed would be one dot: draw the busiest people of the chosen units instead.
    st.info(
        f"{len(in_ties):,} people have ties in this layer in the chosen units: the map shows the "
        f"{BUSIEST_SHOWN:,} with the most tie weight, and the ties among them. Find anyone on the Org page."
    )

    def busiest_ties() -> pd.DataFrame:
        keep = set(busiest_nodes(ties, BUSIEST_SHOWN))
        return ties[ties["source"].isin(keep) & ties["target"].isin(keep)].reset_index(drop=True)

    ties = state.memo("busiest_ties", (key, layer_name, tuple(chosen_units), BUSIEST_SHOWN), busiest_ties)
    in_ties = pd.unique(pd.concat([ties["source"], ties["target"]])) if not ties.empty else []
layer_measures = result.document.get("layers", {}).get(layer_name, {})

if len(in_ties) == 0:
    st.info(f"No ties in the {plain(layer_name)} layer" + (" among the chosen units." if chosen_units else "."))
    st.stop()

measure = people_by_id[size_by] if size_by != "(same size)" else None
aggregate = len(in_ties) > AGGREGATE_ABOVE
if aggregate:
    st.info(
        f"{len(in_ties):,} people and units have ties in this layer: the map shows units (ties between them summed). "
        "Pick units above, or drill into one below, to see people."
    )
    unit_ties = state.memo("unit_ties", (key, layer_name, tuple(chosen_units)), lambda: ties_between_units(ties, unit_of))
    nodes_ids = list(pd.unique(pd.concat([unit_ties["source"], unit_ties["target"]]))) if not unit_ties.empty else sorted(set(unit_of[p] for p in in_ties if p in unit_of))
    headcount = state.memo("unit_headcount", (key,), lambda: pd.Series(list(unit_of.values())).value_counts())
    nodes = state.memo("unit_layout", (key, layer_name, tuple(chosen_units)), lambda: positions(nodes_ids, unit_ties))
    nodes = nodes.copy()
    nodes["people"] = nodes["id"].map(headcount).fillna(0).astype(int)
    if measure is not None:
        by_unit = state.memo(
            "unit_sums", (key, size_by),
            lambda: pd.Series(measure.to_numpy(), index=measure.index.map(lambda p: unit_of.get(p, p))).groupby(level=0).sum(),
        )
        nodes["size"] = nodes["id"].map(by_unit).fillna(0.0)
        size_title = f"{size_by} (sum)"
    else:
        nodes["size"] = nodes["people"]
        size_title = "people"
    nodes["colour"] = nodes["id"].map(lambda u: unit_readings.get(u) or "not read") if colour_by != "unit" else nodes["id"]
    nodes["label"] = nodes["id"]
    drawn = unit_ties
    tooltip = ["label", "people", "size", "colour"]
else:
    labels = state.person_label_dict(org)
    tree = state.org_roots(org) if layer_name == "reporting" else []
    if tree and chosen_units:
        targets = set(ties["target"])
        tree = sorted(set(ties["source"]) - targets)
    nodes = state.memo("layout", (key, layer_name, tuple(chosen_units)), lambda: positions(list(in_ties), ties, tree_roots=tree))
    nodes = nodes.copy()
    nodes["label"] = nodes["id"].map(lambda p: labels.get(p, p))
    nodes["unit"] = nodes["id"].map(lambda p: unit_of.get(p, "(a unit)"))
    nodes["size"] = nodes["id"].map(measure).fillna(0.0) if measure is not None else 1.0
    size_title = size_by if measure is not None else "same size"
    if colour_by == "unit":
        nodes["colour"] = nodes["unit"]
    elif colour_by == "reporting_layer":
        nodes["colour"] = nodes["id"].map(people_by_id["reporting_layer"]).map(lambda v: number(v))
    else:
        nodes["colour"] = nodes["unit"].map(lambda u: unit_readings.get(u) or "not read")
    drawn = ties
    tooltip = ["label", "unit", "size", "colour"]

if len(drawn) > MAX_TIES_DRAWN:
    st.caption(f"Drawing the {MAX_TIES_DRAWN:,} heaviest of {len(drawn):,} ties.")
    drawn = drawn.nlargest(MAX_TIES_DRAWN, "weight")

chart = network_chart(nodes, drawn, size_title=size_title, colour_title=f"Colour: {colour_by}", tooltip=tooltip)
event = st.altair_chart(chart, width="stretch", key=f"map_chart_{layer_name}", on_select="rerun", selection_mode="node")
st.caption("Drag to pan, scroll to zoom, click a node to see its measures. Colour = the reading of the unit the person works in.")

selection = (event or {}).get("selection") or {}  # a dict-like state (a plain dict under AppTest)
picked = [p.get("id") for p in selection.get("node", []) if hasattr(p, "get")]

left, right = st.columns(2)
with left:
    st.markdown(f"#### The {plain(layer_name)} layer")
    show_value({k: v for k, v in layer_measures.items() if not isinstance(v, (dict, list))}, key="map_layer_measures")
with right:
    if aggregate:
        st.markdown("#### Drill into a unit")
        drill = st.selectbox("Unit", nodes.sort_values("people", ascending=False)["id"].tolist(), index=None, key="map_drill")
        if drill:
            # a callback: widget state may only be changed before the widget is drawn
            st.button(f"Show the people of {plain(drill)}", key="map_drill_go", on_click=st.session_state.update, kwargs={"map_units": [drill]})
    if picked:
        st.markdown(f"#### {plain(picked[0])}")
        if str(picked[0]) in people_by_id.index:
            record = people_by_id.loc[str(picked[0])]
            record = record.iloc[0] if isinstance(record, pd.DataFrame) else record
            show_value({c: number(v.item() if hasattr(v, "item") else v) for c, v in record.items()}, key="map_picked")
        elif str(picked[0]) in unit_readings or aggregate:
            show_value(scope_readings(result.document, "unit").get(str(picked[0]), {"unit": picked[0]}), key="map_picked_unit")
