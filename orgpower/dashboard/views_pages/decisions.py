"""Decisions: follow one decision (who holds the say, who has a voice, who is informed,
whom it binds, which units are unheard, its place among the bottlenecks), the decisions a
person holds the say on, and the audit's tables on decision rights."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.views import MISSING, column_config, counted, picker_cut, reading_phrase, show_value, tidy_frame
from orgpower.report.decision_detail import decision_search_text, decisions_held, find_decisions, follow_decision, match_decisions

TABLES = {
    "decision_rights": ("Decision rights by person", "Distinct decisions per actor and role; *deciding* = holds the say (accountable, approve, veto, agree), *voice* = consulted, recommend, agree or responsible."),
    "decision_bottlenecks": ("Bottleneck approvers", "People who hold the say on a large share of all decisions: work waits on them."),
    "decision_single_points": ("Single points of veto", "Decisions that exactly one person can make or stop."),
    "decision_voiceless_units": ("Units bound without a voice", "A decision binds the unit, and nobody in it has a voice or the say in it."),
    "decision_consulted_not_deciding": ("Consulted, never deciding", "Units whose members are consulted but hold the say on no decision."),
}
PICKER_OPTIONS = 200  # options a picker carries; a search finds the rest
PERSON_COLUMNS = ("actor",)  # columns of the audit's tables that hold a person id
STANDING_WORDS = {"say": "hold the say", "voice": "have a voice", "informed": "are informed only"}

result = state.require_result()
org = state.current_org()
key = org.input_hash
shown = state.display_names(org)
labels = state.person_label_dict(org)
st.title("Decisions")
document = result.document
reading = document.get("classification", {}).get("layers", {}).get("decisions")
if reading:
    st.markdown(f"The decision-rights layer reads as {reading_phrase(reading)}.")

present = {name: table for name, table in result.tables.items() if name.startswith("decision")}
if not present or all(t.empty for t in present.values()):
    st.info("This org has no decisions file, so there are no decision rights to audit. Add a decisions file (RACI or RAPID) on the Upload page.")
    st.stop()


def person(actor: str) -> str:
    return plain(shown.get(str(actor), str(actor)))


# --- follow a decision -----------------------------------------------------------------
# Search first: a large org has hundreds of thousands of decisions, more than a picker can
# carry (at 1,000,000 people all of them as options were 9.3 MiB on every visit), so the
# picker lists at most PICKER_OPTIONS of the matches and says so.
st.subheader("Follow a decision")
catalogue = state.memo("decision_catalogue", (key,), lambda: find_decisions(result))
query = st.text_input("Find a decision (id, domain or title)", key="decision_search", placeholder="e.g. D0004 or budget")
needle = query.strip().lower()
if needle:
    search_text = state.memo("decision_search_text", (key,), lambda: decision_search_text(catalogue))
    found = state.memo("decision_found", (key, needle), lambda: match_decisions(catalogue, needle, search_text))
else:
    found = catalogue
if found.empty:
    st.caption("No decision matches.")
    chosen = None
else:
    options = found["decision"].head(PICKER_OPTIONS).tolist()
    domains = found["domain"].head(PICKER_OPTIONS).astype("string").fillna("")
    domain_of = {d: v for d, v in zip(options, domains) if v}
    chosen = st.selectbox(
        counted(len(found), "decision", "decisions") + ((" matches" if len(found) == 1 else " match") if needle else ""),
        options, key=f"decision_pick:{query}",
        format_func=lambda d: f"{d} · {domain_of[d]}" if d in domain_of else d,
    )
    if len(found) > PICKER_OPTIONS:
        st.caption(picker_cut(len(found), PICKER_OPTIONS, "an id, domain or title", searched=bool(needle)))
if chosen is not None:
    detail = state.memo("decision_detail", (key, chosen), lambda: follow_decision(result, chosen))
    counts = detail.counts
    say_names = [person(a) for a in detail.holders.loc[detail.holders["standing"] == "say", "actor"]]
    sentence = (
        f"**{plain(detail.decision)}**" + (f" ({plain(detail.domain)})" if detail.domain else "")
        + f": {counts['say']:,} {'person holds' if counts['say'] == 1 else 'hold'} the say"
        + (f" ({', '.join(say_names[:5])}{', …' if len(say_names) > 5 else ''})" if say_names else "")
        + f", {counts['voice']:,} {'has' if counts['voice'] == 1 else 'have'} a voice, {counts['informed']:,} {'is' if counts['informed'] == 1 else 'are'} informed only."
    )
    st.markdown(sentence)
    if detail.single_point_of_veto:
        st.warning("A single point of veto: one person alone can make or stop this decision.")
    c = st.columns(4)
    c[0].metric("Hold the say", f"{counts['say']:,}")
    c[1].metric("Have a voice", f"{counts['voice']:,}")
    c[2].metric("Informed only", f"{counts['informed']:,}")
    c[3].metric("Units bound without a voice", f"{len(detail.units_without_voice):,}")

    left, right = st.columns(2)
    with left:
        st.markdown("##### Who holds what")
        st.caption("*say* = accountable, approve, veto or agree; *voice* = consulted, recommend or responsible; *informed* = only told.")
        holders = detail.holders.copy()
        holders["person"] = holders["actor"].astype(str).map(lambda a: shown.get(a, a))
        columns = ["standing", "person", "actor", "unit", "roles"] if state.names_shown() else ["standing", "actor", "unit", "roles"]
        st.dataframe(tidy_frame(holders[columns]), hide_index=True, placeholder=MISSING, width="stretch", key="decision_holders", height=min(420, 38 + 35 * len(holders)))
    with right:
        st.markdown("##### Whom it binds")
        if detail.binds.empty:
            st.caption("The decisions file does not say whom this decision binds (no `affects`).")
        else:
            binds = detail.binds.copy()
            binds["shown"] = [shown.get(i, i) if k == "person" else i for i, k in zip(binds["id"], binds["kind"])]
            st.dataframe(tidy_frame(binds[["shown", "kind", "unit"]].rename(columns={"shown": "bound"})), hide_index=True, placeholder=MISSING, width="stretch", key="decision_binds")
        st.markdown("##### Units bound without a voice")
        if detail.units_without_voice.empty and detail.binds.empty:
            st.caption("None: without `affects` a decision is taken to bind the people it names, and no unit of theirs is left without a voice or the say.")
        elif detail.units_without_voice.empty:
            st.caption("None: every unit it binds has someone with a voice or the say in it.")
        else:
            st.dataframe(tidy_frame(detail.units_without_voice), hide_index=True, placeholder=MISSING, width="stretch", key="decision_voiceless")
        st.markdown("##### Its place among the bottlenecks")
        if detail.bottlenecks.empty:
            st.caption("Nobody holds the say on it.")
        else:
            place = detail.bottlenecks.copy()
            place["person"] = place["actor"].astype(str).map(lambda a: shown.get(a, a))
            place = place[["person", "deciding", "share", "rank", "bottleneck"]]
            st.dataframe(
                tidy_frame(place), hide_index=True, placeholder=MISSING, width="stretch", key="decision_place",
                column_config={**column_config(place), "deciding": st.column_config.NumberColumn("say on", format="localized"),
                               "share": st.column_config.NumberColumn("share", format="percent"),
                               "rank": st.column_config.NumberColumn("rank", format="localized")},
            )
            st.caption(
                f"For each holder of the say: on how many of the {detail.decisions_total:,} decisions they hold it (*say on*), "
                "that as a share of all decisions, their rank among all holders (1 = most), and whether the audit counts them as a bottleneck approver."
            )

# --- one person's decisions ------------------------------------------------------------
st.subheader("Decisions a person holds the say on")
rights = present.get("decision_rights")
holders_ids = state.memo(
    "decision_say_holders", (key,),
    lambda: rights.loc[rights["deciding"] > 0, "actor"].astype(str).tolist() if rights is not None and not rights.empty else [],
)
if not holders_ids:
    st.caption("Nobody holds the say on any decision.")
else:
    person_query = st.text_input(
        "Find a person who holds the say (name, title or id)" if state.names_shown() else "Find a person who holds the say (id or title)",
        key="decision_person_search", placeholder="e.g. a name or an id" if state.names_shown() else "e.g. an id or a title",
    )
    person_needle = person_query.strip()
    if person_needle:
        def matching_holders() -> list[str]:
            searched = state.person_labels(org).reindex(holders_ids)
            # a holder who is not a person (a unit) is searched by its id
            searched = searched.fillna(pd.Series(holders_ids, index=holders_ids))
            return [a for a, hit in zip(holders_ids, searched.str.contains(person_needle, case=False, regex=False, na=False)) if hit]
        matching = state.memo("decision_holders_found", (key, state.names_shown(), person_needle.lower()), matching_holders)
    else:
        matching = holders_ids
    if not matching:
        st.caption("Nobody who holds the say matches.")
    else:
        # the options are the labels themselves (name · id with names on), mapped back to ids
        by_label = {(labels.get(a, a) if state.names_shown() else a): a for a in matching[:PICKER_OPTIONS]}
        pick = st.selectbox(
            counted(len(matching), "person or unit", "people and units") + (" holding the say match" if person_needle else " hold the say")
            + " (most decisions first)",
            list(by_label), index=0, key=f"decision_person:{state.names_shown()}" + (f":{person_needle}" if person_needle else ""),
        )
        if len(matching) > PICKER_OPTIONS:
            st.caption(picker_cut(len(matching), PICKER_OPTIONS, "a name, title or id" if state.names_shown() else "an id or title", searched=bool(person_needle)))
        who = by_label[pick]
        held = state.memo("decisions_held", (key, who), lambda: decisions_held(result, who))
        st.markdown(f"{person(who)} holds the say on **{len(held):,}** decision(s); alone on {int(held['single_point_of_veto'].sum()):,} of them.")
        st.dataframe(tidy_frame(held), hide_index=True, placeholder=MISSING, width="stretch", key="decision_person_held", column_config=column_config(held))

# --- the audit's tables ----------------------------------------------------------------
summary = document.get("decisions")
if isinstance(summary, dict) and summary:
    with st.expander("Summary of decision rights", expanded=False):
        show_value({k: v for k, v in summary.items() if not isinstance(v, (dict, list))}, key="decisions_summary")
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
        st.markdown(f"- **{plain(finding.get('title'))}**: {plain(finding.get('recommendation'))}")
