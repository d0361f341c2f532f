"""Power map: any layer as a network with its direction (arrowheads) and reciprocity
(returned ties in their own colour); units (ties summed) at scale; colour by reading."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import altair as alt

from orgpower.dashboard import powermap, state
from orgpower.dashboard.powermap import (
    BUSIEST_SHOWN, MAX_TIES_DRAWN, busiest_nodes, deciding_layer, layer_ties, network_chart, positions, ties_between_units,
    largest_labelled, ties_to_draw, unit_colours,
)
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.views import number, show_value
from orgpower.report.scopes import scope_labels, scope_readings

PEOPLE_LABELLED = 12  # people written on the map (the largest by the size measure); every one on hover
BUNDLE_ABOVE = 300  # people with ties: above this a people view opens with its ties bundled by unit
PEOPLE_VIEW_UP_TO = powermap.PEOPLE_VIEW_UP_TO
COLOUR_CHOICES = ("reading of their unit", "unit", "reporting layer")
COLOUR_WORDS = {
    "reading of their unit": "Colour = the reading of the unit (power-over red, mixed amber, mutual teal).",
    "unit": "Colour = unit: the {n} units with most people here in their own colour, the others grey.",
    "reporting layer": "Colour = reporting layer (1 = the top of the organisation).",
}
TIE_CHOICES = {"all ties": "all", "mutual only": "mutual", "one-way only": "one-way"}



def written_words(nodes: pd.DataFrame, aggregate: bool, size_title: str) -> str:
    """The caption's sentence on which nodes are named on the map (it must match the drawing)."""
    named = int((nodes["written"] != "").sum())
    what = "unit" if aggregate else ("name" if state.names_shown() else "id")
    if named == 0:
        return f" Hover a node for its {what}."
    if named == len(nodes):
        return f" Every {'unit' if aggregate else 'node'} is named."
    return (f" The largest {'units' if aggregate else 'nodes'} (by {size_title}) are named where their names do not overlap "
            f"({named:,} of {len(nodes):,}); hover any other for its {what}.")


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
shown_as = state.display_names(org)

layers = list(graph.layers)
decided_by = deciding_layer(result.document, layers)
org_label = (result.document.get("classification", {}).get("org") or {}).get("label") or "undetermined"
c1, c2, c3, c4 = st.columns(4)
layer_name = c1.selectbox(
    "Layer", layers, index=layers.index(decided_by), key="map_layer",
    help=f"Opens on {plain(decided_by)}: the layer that reads most clearly as the organisation does ({plain(org_label)}).",
)
all_units = sorted(set(unit_of.values()))
chosen_units = c2.multiselect("Units", all_units, key="map_units", placeholder="All units")
numeric = [c for c in people.columns if c != "person_id" and pd.api.types.is_numeric_dtype(people[c]) and not pd.api.types.is_bool_dtype(people[c])]
size_by = c3.selectbox("Node size", ["(same size)", *numeric], index=(1 + numeric.index("pagerank")) if "pagerank" in numeric else 0, key="map_size")
colour_choices = [c for c in COLOUR_CHOICES if c != "reporting layer" or "reporting_layer" in people]
colour_by = c4.selectbox("Colour", colour_choices, key="map_colour")

layer = graph.layers[layer_name]
members = set(p for p, u in unit_of.items() if u in chosen_units) if chosen_units else None
ties = state.memo("ties", (key, layer_name, tuple(chosen_units)), lambda: layer_ties(layer, members))
in_ties = pd.unique(pd.concat([ties["source"], ties["target"]])) if not ties.empty else []
if chosen_units and len(in_ties) > powermap.AGGREGATE_ABOVE:
    # Units summed would be one dot: draw the busiest people of the chosen units instead.
    st.info(
        f"{len(in_ties):,} people have ties in this layer in the chosen units: the map shows the "
        f"{BUSIEST_SHOWN:,} with the most tie weight, and the ties among them. Find anyone on the Org page."
    )

    def busiest_ties() -> pd.DataFrame:
        keep = set(busiest_nodes(ties, powermap.BUSIEST_SHOWN))
        return ties[ties["source"].isin(keep) & ties["target"].isin(keep)].reset_index(drop=True)

    ties = state.memo("busiest_ties", (key, layer_name, tuple(chosen_units), powermap.BUSIEST_SHOWN), busiest_ties)
    in_ties = pd.unique(pd.concat([ties["source"], ties["target"]])) if not ties.empty else []
layer_measures = result.document.get("layers", {}).get(layer_name, {})
layer_reading = (result.document.get("classification", {}).get("layers") or {}).get(layer_name) or {}

if len(in_ties) == 0:
    st.info(f"No ties in the {plain(layer_name)} layer" + (" among the chosen units." if chosen_units else "."))
    st.stop()

forced = len(in_ties) > powermap.AGGREGATE_ABOVE
v1, v2, v3 = st.columns([1, 1, 1])
view_choices = ["units (ties summed)"] if forced else ["people", "units (ties summed)"]
# one chosen unit summed is a single dot: a drill-down opens on its people
crowded = len(in_ties) > PEOPLE_VIEW_UP_TO and len(chosen_units) != 1
view_key = f"map_view:{forced}:{crowded}"
default_view = "units (ties summed)" if forced or crowded else "people"
view = v1.segmented_control("Show", view_choices, default=default_view, key=view_key) or default_view
show_ties = v2.segmented_control("Ties", list(TIE_CHOICES), default="all ties", key="map_ties") or "all ties"
aggregate = forced or view == "units (ties summed)"
# ties between units drawn through their units' centres: a force-laid people view (the
# reporting tree is laid out by its own hierarchy); on by default where lines crowd
can_bundle = not aggregate and layer_name != "reporting"
bundled = can_bundle and v3.toggle(
    "Bundle ties by unit", value=len(in_ties) > BUNDLE_ABOVE, key=f"map_bundle:{len(in_ties) > BUNDLE_ABOVE}",
    help="Ties between two units are drawn through the centres of their units and of the units above them, "
         "so the ties between two parts of the organisation run together as one bundle. Ties inside a unit stay straight.",
)

measure = people_by_id[size_by] if size_by != "(same size)" else None
integer_size = measure is not None and pd.api.types.is_integer_dtype(measure.dtype)
if forced:
    st.info(
        f"{len(in_ties):,} people and units have ties in this layer: the map shows units (ties between them summed). "
        "Pick units above, or drill into one below, to see people."
    )
if aggregate:
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
        size_title, integer_size = "people", True
    nodes["unit"] = nodes["id"]
    nodes["label"] = nodes["id"]
    nodes["reading"] = nodes["id"].map(lambda u: unit_readings.get(u) or "not read")
    node_title = "unit"
    drawn = unit_ties
else:
    tree = state.org_roots(org) if layer_name == "reporting" else []
    if tree and chosen_units:
        targets = set(ties["target"])
        tree = sorted(set(ties["source"]) - targets)
    nodes = state.memo("layout", (key, layer_name, tuple(chosen_units)), lambda: positions(list(in_ties), ties, tree_roots=tree))
    nodes = nodes.copy()
    nodes["label"] = nodes["id"].map(lambda p: shown_as.get(p, p))
    nodes["unit"] = nodes["id"].map(lambda p: unit_of.get(p, "(a unit)"))
    nodes["size"] = nodes["id"].map(measure).fillna(0.0) if measure is not None else 1.0
    size_title = size_by if measure is not None else "same size"
    nodes["reading"] = nodes["unit"].map(lambda u: unit_readings.get(u) or "not read")
    node_title = "person" if state.names_shown() else "id"
    drawn = ties

unit_limit = len(powermap.UNIT_COLOURS)
if colour_by == "unit":
    nodes["colour"] = unit_colours(nodes["unit"])
elif colour_by == "reporting layer" and not aggregate:
    nodes["colour"] = nodes["id"].map(people_by_id["reporting_layer"]).map(lambda v: number(v) if pd.notna(v) else "no layer")
else:
    colour_by = "reading of their unit" if colour_by == "reporting layer" else colour_by
    nodes["colour"] = nodes["reading"]

drawn = ties_to_draw(drawn, TIE_CHOICES[show_ties])
if len(drawn) > MAX_TIES_DRAWN:
    st.caption(f"Drawing the {MAX_TIES_DRAWN:,} heaviest of {len(drawn):,} ties.")
    drawn = drawn.nlargest(MAX_TIES_DRAWN, "weight")

size_format = ",d" if integer_size else ",.3f"
tooltip = [
    alt.Tooltip("label:N", title=node_title), alt.Tooltip("unit:N", title="unit"),
    alt.Tooltip("reading:N", title="reading of the unit"), alt.Tooltip("size:Q", title=size_title, format=size_format),
] + ([alt.Tooltip("people:Q", title="people", format=",d")] if aggregate else [])
if colour_by == "reporting layer":
    tooltip.append(alt.Tooltip("colour:N", title="reporting layer"))
colour_title = {"reading of their unit": "Reading of the unit", "unit": "Unit", "reporting layer": "Reporting layer"}[colour_by]
# the largest units or people (by the size measure) are written on the map where they fit; every one on hover
people_named = PEOPLE_LABELLED if measure is not None or len(nodes) <= PEOPLE_LABELLED else 0  # "largest" needs a size
nodes["written"] = largest_labelled(nodes, "size", powermap.LABELLED if aggregate else people_named)
parents = state.memo("unit_parents", (key,), lambda: powermap.unit_parents(state.audited_model(org).units)) if bundled else None
chart = network_chart(
    nodes, drawn, size_title=size_title, colour_title=colour_title, tooltip=tooltip, node_title=node_title,
    bundle_by=dict(zip(nodes["id"], nodes["id"].map(lambda p: unit_of.get(p, p)))) if bundled else None, parents=parents,
)
event = st.altair_chart(chart, width="content", key=f"map_chart_{layer_name}", on_select="rerun", selection_mode="node")

mutual_share = (drawn["tie"] == "mutual (returned)").mean() if len(drawn) else 0.0
st.caption(
    f"{'Units' if aggregate else 'People'} of the {plain(layer_name)} layer"
    + (f", which reads as {plain(layer_reading.get('label'))}" if layer_reading.get("label") else "")
    + f". Arrows point from the one who holds (manages, funds, decides) to the one on the other end; teal lines are ties returned both ways "
    + f"({mutual_share:.0%} of the lines drawn). "
    + COLOUR_WORDS[colour_by].format(n=unit_limit)
    + written_words(nodes, aggregate, size_title)
    + (" Ties between units are bundled: drawn through the centres of their units and the units above them." if bundled else "")
    + " Drag to pan, scroll to zoom, click a node for its measures."
)

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
        chosen = str(picked[0])
        if chosen in people_by_id.index:
            st.markdown(f"#### {plain(shown_as.get(chosen, chosen))}")
            record = people_by_id.loc[chosen]
            record = record.iloc[0] if isinstance(record, pd.DataFrame) else record
            hidden = () if state.names_shown() else state.NAME_COLUMNS  # the panel follows the names switch too
            show_value({c: number(v.item() if hasattr(v, "item") else v) for c, v in record.items() if c not in hidden}, key="map_picked")
        elif chosen in unit_readings or aggregate:
            st.markdown(f"#### {plain(chosen)}")
            show_value(scope_readings(result.document, "unit").get(chosen, {"unit": chosen}), key="map_picked_unit")
