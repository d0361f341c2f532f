"""The glossary: one plain name, one plain definition and one way to format every measure,
score, label and finding number the documents show.

Every document (audit.html, audit.pdf, the glossary sheet of audit.xlsx) takes its words
from here, so a number is called the same thing everywhere and each mention can link to
its definition (``#def-<key>`` in the report's own Method section). The formulas,
normalisations and library differences behind the short definitions are in
``docs/measures.md``; the reading rules in ``docs/readings.md``.

>>> term("reciprocity_edgewise").name
'Returned ties (reciprocity)'
>>> format_value("reciprocity_edgewise", 0.25)
'25%'
>>> term("flows_pagerank").name
'Authority score (PageRank) in resources (budget flows)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["Term", "TERMS", "term", "known", "anchor", "format_value", "format_kind", "LAYER_NAMES", "layer_name",
           "COLUMNS", "column_label", "column_known", "GROUPS", "axes", "labels", "glossary", "thresholds_of", "MEASURES",
           "rule_terms", "glossary_key"]


@dataclass(frozen=True)
class Term:
    """One entry of the glossary.

    ``kind`` says how a value is written: ``share`` (a percentage), ``score`` (0 to 1, two
    decimals), ``count`` (a whole number with thousands separators), ``amount`` (money or
    another quantity, thousands separators), ``ratio`` (times, two decimals), ``z``
    (standard deviations, one decimal), ``text``, or ``label`` for a reading's words.
    """

    key: str
    name: str
    plain: str
    kind: str = "score"
    group: str = "measure"
    formula: str = ""
    reference: str = ""


def _t(key: str, name: str, plain: str, kind: str = "score", group: str = "layer", formula: str = "", reference: str = "") -> Term:
    return Term(key, name, plain, kind, group, formula, reference)


# Groups, in the order the glossary lists them.
GROUPS = {
    "label": "Readings and labels",
    "axis": "The three axes",
    "layer": "Measures of a layer of ties",
    "person": "Measures of a person (people.csv)",
    "org": "Organisation, decisions and resources",
    "finding": "Numbers in the findings",
    "method": "Method",
}

_TERMS = (
    # --- readings and labels -----------------------------------------------------------
    _t("power-over", "power-over", "Ties run one way and down a consistent ranking: what flows down is not returned, "
       "and (when also concentrated) few people hold it.", "label", "label"),
    _t("mutual", "mutual", "Ties are returned and go round rather than down a ranking: what is given comes back.",
       "label", "label"),
    _t("mixed", "mixed", "Neither clearly one-way and layered nor clearly returned and circulating; the sub-labels say "
       "which way each axis leans.", "label", "label"),
    _t("undetermined", "undetermined", "Too few ties to read (for example a team of one, or a layer without ties).",
       "label", "label"),
    _t("layered", "layered", "Ties run down a consistent ranking, as in a chain of command.", "label", "label"),
    _t("concentrated", "concentrated", "One person or a few hold most of the ties or the weight.", "label", "label"),
    _t("one-way", "one-way", "Few of the ties are returned.", "label", "label"),
    _t("returned", "returned", "Many of the ties are returned.", "label", "label"),
    _t("circulating", "circulating", "Ties go round in loops instead of running down a ranking.", "label", "label"),
    _t("shared", "shared", "Mutual, without a central hub: ties are returned among many people.", "label", "label"),
    _t("no ties", "no ties", "The scope has no ties in this layer, so there is nothing to read.", "label", "label"),
    _t("hub partnership", "hub partnership", "Mutual with a central hub: one person is tied to everyone, both ways. "
       "Central, but nothing runs one way, so it is not power-over.", "label", "label"),
    # --- axes and scores -----------------------------------------------------------------
    _t("asymmetry_score", "Asymmetry score (is it returned?)", "0 when every tie is returned, 1 when none is. "
       "Read from the returned share of ties, or of the weight on weighted layers.", "score", "axis"),
    _t("direction_score", "Direction score (does it run down?)", "0 when ties go round in loops, 1 when they all run "
       "down one consistent ranking. Read from trophic coherence and flow hierarchy.", "score", "axis"),
    _t("concentration_score", "Concentration score (who holds it?)", "0 when ties are spread evenly, 1 when one person "
       "holds them all. Read from degree centralization and the normalised HHI.", "score", "axis"),
    # --- layer measures ----------------------------------------------------------------
    _t("nodes", "Nodes", "People (and units a flow or decision names) in the layer.", "count"),
    _t("people", "People", "How many of the nodes are people.", "count"),
    _t("arcs", "Ties", "Distinct one-directional ties in the layer.", "count", formula="m"),
    _t("density", "Density", "Share of all possible ties that are present.", "share", formula="m / (n(n−1))"),
    _t("mutual_dyads", "Pairs tied both ways", "Pairs of nodes with a tie in each direction.", "count",
       reference="Holland & Leinhardt (1970); R sna dyad.census"),
    _t("asymmetric_dyads", "Pairs tied one way", "Pairs with a tie in one direction only.", "count"),
    _t("null_dyads", "Pairs not tied", "Pairs with no tie at all.", "count"),
    _t("reciprocity_edgewise", "Returned ties (reciprocity)", "Share of ties that are returned: a tie from A to B "
       "with a tie from B to A.", "share", formula="r = 2M / m",
       reference="Wasserman & Faust (1994); R sna grecip(measure='edgewise'); networkx reciprocity"),
    _t("reciprocity_dyadic", "Pairs tied both ways (share)", "Share of tied pairs whose tie runs both ways.", "share",
       formula="M / (M + A)", reference="Holland & Leinhardt (1970); R sna grecip(measure='dyadic.nonnull')"),
    _t("reciprocity_dyadic_with_nulls", "Symmetric pairs (share of all pairs)", "Share of all pairs that are tied both "
       "ways or not at all; dominated by the many untied pairs.", "share", formula="(M + N) / (M + A + N)"),
    _t("reciprocity_edgewise_lrr", "Returned ties against chance (log ratio)", "How much more often ties are returned "
       "than density alone would give, on a log scale; 0 = as by chance.", "score",
       reference="Butts (2008); R sna grecip(measure='edgewise.lrr')"),
    _t("reciprocity_rho", "Returned ties beyond chance (ρ)", "Returned ties corrected for how dense the layer is: "
       "above 0 more returned than chance, below 0 fewer.", "score", formula="ρ = (r − density) / (1 − density)",
       reference="Garlaschelli & Loffredo (2004), PRL 93:268701"),
    _t("weighted_reciprocity", "Returned weight (weighted reciprocity)", "Share of the weight (money, decisions) that "
       "comes back the other way.", "share", formula="r_w = Σ min(w_ij, w_ji) / Σ w_ij",
       reference="Squartini et al. (2013), Sci. Rep. 3:2729"),
    _t("reciprocity_dci", "One-way weight (directional consistency)", "Share of the weight that is not returned.",
       "share", formula="1 − r_w", reference="de Vries directional consistency index; R compete::dci"),
    _t("degree_centralization_in", "Concentration of incoming ties (in-degree centralization)", "How far one node "
       "receives more ties than everyone else: 0 when all receive equally, 1 when one receives from all.", "score",
       formula="Σ(max − d_in) / (n−1)²", reference="Freeman (1979); R sna centralization(degree, cmode='indegree')"),
    _t("degree_centralization_out", "Concentration of outgoing ties (out-degree centralization)", "How far one node "
       "sends more ties than everyone else: 1 for a boss with everyone as direct report.", "score",
       formula="Σ(max − d_out) / (n−1)²", reference="Freeman (1979); R sna centralization(degree, cmode='outdegree')"),
    _t("degree_centralization_total", "Hub-ness (total-degree centralization)", "How far one node is tied to everyone "
       "in either direction. High with returned ties is a hub partnership, not power-over.", "score",
       formula="Σ(max − d) / (2(n−1)(n−2))", reference="Freeman (1979); R sna centralization(degree, cmode='freeman')"),
    _t("betweenness_centralization", "Concentration of brokerage (betweenness centralization)", "How far one node "
       "lies on more of the shortest chains between others than anyone else.", "score",
       formula="Σ(max − b) / ((n−1)²(n−2))", reference="Freeman (1979); R sna centralization(betweenness)"),
    _t("closeness_centralization_harmonic", "Concentration of reach (harmonic closeness centralization)", "How far one "
       "node reaches everyone in fewer steps than others do.", "score", reference="R igraph harmonic_centrality(mode='out')"),
    _t("krackhardt_connectedness", "Connectedness", "Share of pairs linked by some chain of ties.", "share",
       reference="Krackhardt (1994); R sna connectedness"),
    _t("krackhardt_hierarchy", "One-way reach (Krackhardt hierarchy)", "Among pairs where one reaches the other, the "
       "share where reach runs one way only.", "share", reference="Krackhardt (1994); R sna hierarchy(measure='krackhardt')"),
    _t("krackhardt_efficiency", "Economy of ties (Krackhardt efficiency)", "How few ties beyond a bare tree the "
       "layer uses: 1 for a tree.", "score", reference="Krackhardt (1994); R sna efficiency"),
    _t("krackhardt_lub", "Single common superior (Krackhardt LUB)", "Share of pairs that have exactly one lowest "
       "common superior, as in a clean chain of command.", "share", reference="Krackhardt (1994)"),
    _t("flow_hierarchy", "Ties on no loop (flow hierarchy)", "Share of ties that lie on no cycle: 1 for any chain of "
       "command, 0 when every tie is on a loop.", "share", formula="1 − (ties inside strong components) / m",
       reference="Luo & Magee (2011), Complexity 16:53–61; networkx flow_hierarchy"),
    _t("flow_hierarchy_weighted", "Weight on no loop (weighted flow hierarchy)", "Share of the weight on ties that "
       "lie on no cycle.", "share", reference="networkx flow_hierarchy(weight=...)"),
    _t("global_reaching_centrality", "Apex reach (global reaching centrality)", "How far one apex reaches more "
       "people than everyone else does: near 1 for a single top.", "score",
       reference="Mones, Vicsek & Vicsek (2012), PLoS ONE 7:e33799; networkx global_reaching_centrality"),
    _t("trophic_incoherence", "Looping of ties (trophic incoherence)", "0 when every tie climbs exactly one level "
       "of one ranking (a clean chain of command); 1 when ties balance out and go round.", "score",
       formula="F0 = Σ a_ij (h_j − h_i − 1)² / m", reference="MacKay, Johnson & Sansom (2020), R. Soc. Open Sci. 7:201138"),
    _t("trophic_incoherence_weighted", "Looping of weight (weighted trophic incoherence)", "The same as looping of "
       "ties, with each tie counted by its weight.", "score"),
    _t("agony", "Agony", "The least total cost of ties that run up against any ranking of the nodes.", "amount",
       reference="Gupta et al. (2011); Tatti (2014–2017)"),
    _t("agony_hierarchy", "Ranking fit (agony hierarchy)", "1 when no tie runs up against the best ranking, 0 for "
       "a pure loop.", "score", formula="1 − agony / m", reference="Gupta et al. (2011)"),
    _t("gini_out_strength", "Inequality of what is given (Gini)", "Inequality of outgoing weight (budget allocated, "
       "decisions held) over all nodes: 0 equal, near 1 when one holds all.", "score",
       formula="Σ_i Σ_j |x_i − x_j| / (2n² x̄)", reference="Gini; R ineq::Gini(corr=FALSE)"),
    _t("gini_out_strength_corrected", "Inequality of what is given (corrected Gini)", "The Gini scaled to reach 1 "
       "when one holds everything.", "score", formula="G · n / (n − 1)", reference="R ineq::Gini(corr=TRUE)"),
    _t("hhi_out_strength", "Concentration of what is given (HHI)", "Sum of squared shares of outgoing weight; "
       "1 / HHI is the effective number of holders.", "score", formula="Σ s_i²",
       reference="Herfindahl–Hirschman; R ineq::Herfindahl"),
    _t("hhi_out_strength_normalised", "Concentration of what is given (normalised HHI)", "The HHI rescaled to 0 "
       "(equal shares) to 1 (one holder).", "score", formula="(HHI − 1/n) / (1 − 1/n)"),
    _t("triad_census", "Triad census", "Counts of the 16 kinds of three-person patterns.", "text",
       reference="Davis & Leinhardt (1972); R sna triad.census"),
    # --- per person ----------------------------------------------------------------------
    _t("person_id", "Person id", "The id of the person or post in the input.", "text", "person"),
    _t("manager_id", "Manager id", "The id of the person's manager on the solid reporting line.", "text", "person"),
    _t("name", "Name", "The person's name (only written when names are asked for).", "text", "person"),
    _t("title", "Title", "The post title from the input.", "text", "person"),
    _t("unit", "Unit", "The unit the person belongs to.", "text", "person"),
    _t("level", "Level", "The grade or level from the input.", "text", "person"),
    _t("reporting_layer", "Reporting layer", "1 for the top of the solid reporting line, 2 for their direct reports, "
       "and so on; empty where a reporting chain loops.", "count", "person", "1 + depth below the top"),
    _t("span_of_control", "Span of control", "Number of direct reports on the solid reporting line.", "count", "person"),
    _t("reach", "Reach", "Everyone below the person on the solid reporting line (direct and indirect reports).",
       "count", "person"),
    _t("dotted_reports", "Dotted-line reports", "Number of people reporting to the person on a dotted line.",
       "count", "person"),
    _t("betweenness", "Go-between position (betweenness)", "Share of pairs of people whose only chain on the reporting "
       "tree (either direction) passes through the person.", "score", "person",
       "B(v) / ((n−1)(n−2)/2)", "Freeman (1977); exact on trees; networkx betweenness_centrality(normalized=True)"),
    _t("betweenness_directed", "Chain-of-command position (directed betweenness)", "Share of ordered pairs whose "
       "chain from manager down to report passes through the person.", "score", "person",
       "depth(v) · (size(v) − 1) / ((n−1)(n−2))", "Freeman (1977); networkx betweenness_centrality on the directed tree"),
    _t("pagerank", "Authority score (PageRank)", "Share of time a random walk along the ties, toward the stronger end "
       "(up the reporting line, toward the funder or decider), spends at the person; damping 0.85; sums to 1 over "
       "everyone.", "score", "person",
       reference="Brin & Page (1998); networkx pagerank(alpha=0.85)"),
    _t("bonacich_power", "Power from dependants (Bonacich, negative β)", "High when the person's contacts depend on "
       "them and have few other contacts (β = −0.5 / largest eigenvalue).", "score", "person",
       "c = α (I − βA)⁻¹ A 1, Σ c² = n", "Bonacich (1987), AJS 92:1170–1182; R sna bonpow, igraph power_centrality"),
    _t("constraint", "Constraint (Burt)", "High when all of the person's contacts are tied to each other (no "
       "brokerage); low when the person bridges otherwise separate people.", "score", "person",
       "C_i = Σ_j (p_ij + Σ_q p_iq p_qj)²", "Burt (1992); networkx constraint; R igraph constraint"),
    _t("brokerage_coordinator", "Brokerage: coordinator", "Times the person links two others of their own unit.",
       "count", "person", reference="Gould & Fernandez (1989); R sna brokerage"),
    _t("brokerage_itinerant", "Brokerage: itinerant", "Times the person links two others of one other unit.",
       "count", "person", reference="Gould & Fernandez (1989)"),
    _t("brokerage_representative", "Brokerage: representative", "Times the person passes a tie from their own unit "
       "to another unit.", "count", "person", reference="Gould & Fernandez (1989)"),
    _t("brokerage_gatekeeper", "Brokerage: gatekeeper", "Times the person passes a tie from another unit into their "
       "own unit.", "count", "person", reference="Gould & Fernandez (1989)"),
    _t("brokerage_liaison", "Brokerage: liaison", "Times the person links two others of two different other units.",
       "count", "person", reference="Gould & Fernandez (1989)"),
    _t("brokerage_total", "Brokerage: all roles", "Times the person is the middle of an open chain A → person → B.",
       "count", "person", reference="Gould & Fernandez (1989)"),
    _t("in_degree", "Ties received", "Number of ties pointing at the person in the layer.", "count", "person"),
    _t("out_degree", "Ties given", "Number of ties from the person in the layer.", "count", "person"),
    _t("in_strength", "Weight received", "Total weight (amount, number of decisions) of ties pointing at the person.",
       "amount", "person"),
    _t("out_strength", "Weight given", "Total weight of ties from the person.", "amount", "person"),
    _t("decision_rights_responsible", "Decisions: responsible", "Decisions in which the person does the work (R, RAPID Perform).",
       "count", "person"),
    _t("decision_rights_accountable", "Decisions: accountable", "Decisions for which the person is accountable (A, RAPID Decide, final approver).",
       "count", "person"),
    _t("decision_rights_consulted", "Decisions: consulted", "Decisions in which the person is consulted (C, RAPID Input).",
       "count", "person"),
    _t("decision_rights_informed", "Decisions: informed", "Decisions of which the person is informed (I).",
       "count", "person"),
    _t("decision_rights_recommend", "Decisions: recommends", "Decisions the person recommends (RAPID R).", "count", "person"),
    _t("decision_rights_agree", "Decisions: must agree", "Decisions the person must agree to (RAPID A).", "count", "person"),
    _t("decision_rights_approve", "Decisions: approves", "Decisions the person approves.", "count", "person"),
    _t("decision_rights_veto", "Decisions: can veto", "Decisions the person can veto.", "count", "person"),
    _t("decision_rights_deciding", "Decisions with the say", "Decisions in which the person holds the say: accountable, "
       "approves, must agree or can veto.", "count", "person"),
    _t("decision_rights_voice", "Decisions with a voice", "Decisions in which the person has a voice, not necessarily "
       "the say: consulted, recommends, must agree or responsible.", "count", "person"),
    _t("decision_rights", "Decisions with the say", "Decisions in which the person holds the say.", "count", "person"),
    _t("resources_given", "Resources given", "Total amount the person allocates to others (out-strength of flows).",
       "amount", "person"),
    _t("resources_received", "Resources received", "Total amount the person receives (in-strength of flows).",
       "amount", "person"),
    _t("resources_reciprocated", "Resources returned", "Part of what the person gives that comes back from the same "
       "people.", "amount", "person", "Σ_j min(w_ij, w_ji)", "Squartini et al. (2013)"),
    _t("resources_net_surplus", "Net resources given", "What the person gives minus what they receive.", "amount",
       "person"),
    _t("budget_given", "Budget given", "Total amount the person allocates to others.", "amount", "person"),
    _t("is_manager", "Manager", "Whether the person has any direct report.", "text", "person"),
    # --- org, decisions, resources --------------------------------------------------------
    _t("layers", "Reporting layers", "Levels of the solid reporting line from the top down.", "count", "org"),
    _t("max_span", "Widest span", "The largest number of direct reports of any manager.", "count", "org"),
    _t("mean_span", "Mean span", "Direct reports per manager, on average.", "amount", "org"),
    _t("managers", "Managers", "People with at least one direct report.", "count", "org"),
    _t("decisions", "Decisions", "Decisions recorded in the input.", "count", "org"),
    _t("people_with_say", "People with a say", "People holding the say on at least one decision.", "count", "org"),
    _t("share_of_people_with_say", "Share of people with a say", "People holding the say on any decision, as a share "
       "of everyone.", "share", "org"),
    _t("gini_deciding", "Inequality of the say (Gini)", "Gini of decisions with the say over all people: 0 equal, "
       "near 1 when one person holds it all.", "score", "org", reference="Gini; R ineq::Gini"),
    _t("hhi_deciding", "Concentration of the say (HHI)", "Sum of squared shares of decisions with the say; 1 / HHI is "
       "the effective number of people who decide.", "score", "org"),
    _t("bottlenecks", "Bottleneck approvers", "People holding the say on a large share of all decisions.", "count", "org"),
    _t("single_points_of_veto", "Decisions with one point of veto", "Decisions that exactly one person can make or "
       "stop.", "count", "org"),
    _t("voiceless_unit_decisions", "Decisions binding a unit without a voice", "Pairs of a decision and a unit it "
       "binds in which no member of the unit has a voice.", "count", "org"),
    _t("consulted_not_deciding_units", "Units consulted but never deciding", "Units whose members give input but "
       "never hold the say.", "count", "org"),
    _t("flows", "Resource flows", "Distinct giver-to-recipient flows in the input.", "count", "org"),
    _t("total", "Total amount", "Sum of all flows.", "amount", "org"),
    _t("returned_share", "Share returned", "Share of the amount that flows back to the giver from the recipient.",
       "share", "org", reference="Squartini et al. (2013)"),
    _t("gini_given", "Inequality of budget given (Gini)", "Gini of the amount each person allocates, over all people.",
       "score", "org"),
    _t("hhi_given", "Concentration of budget given (HHI)", "Sum of squared shares of the amount allocated.", "score", "org"),
    _t("hhi_given_normalised", "Concentration of budget given (normalised HHI)", "The HHI rescaled to 0 (equal) to 1 "
       "(one holder).", "score", "org"),
    _t("people_giving", "People allocating", "People who allocate any amount to others.", "count", "org"),
    _t("net_givers", "Net givers", "People and units who give more than they receive.", "count", "org"),
    _t("net_takers", "Net takers", "People and units who receive more than they give.", "count", "org"),
    # --- numbers in findings --------------------------------------------------------------
    _t("share_power_over", "Share reading power-over", "Share of the read units or teams that read power-over.",
       "share", "finding"),
    _t("median_asymmetry_plus_direction", "Organisation median (asymmetry + direction)", "The median, over all read "
       "units or teams, of the asymmetry score plus the direction score (0 to 2).", "score", "finding"),
    _t("one_way_pairs", "Reporting lines one-way", "Reporting lines on which the other layers run only downward.",
       "count", "finding"),
    _t("returned_pairs", "Reporting lines returned", "Reporting lines returned in every layer.", "count", "finding"),
    _t("pairs", "Reporting lines", "Manager and direct-report pairs on the solid line.", "count", "finding"),
    _t("decisions_with_say", "Decisions with the say", "Decisions on which this approver holds the say.", "count", "finding"),
    _t("share", "Share", "Share of the total.", "share", "finding"),
    _t("single_point_decisions", "Decisions with one point of veto", "Decisions that one person alone can make or stop.",
       "count", "finding"),
    _t("units", "Units", "Number of units concerned.", "count", "finding"),
    _t("times_consulted", "Times consulted", "Times members of these units are consulted.", "count", "finding"),
    _t("narrow_share", "Share of managers with a narrow span", "Managers with few direct reports, as a share of all "
       "managers.", "share", "finding"),
    _t("median_span", "Median span", "The middle number of direct reports over all managers.", "amount", "finding"),
    _t("wide_managers", "Managers with a wide span", "Managers with more direct reports than the wide-span threshold.",
       "count", "finding"),
    _t("power_over", "Read power-over", "How many of the read units or teams read power-over.", "count", "finding"),
    _t("read", "Read", "How many units or teams had ties to read (beyond the formal line).", "count", "finding"),
    _t("people_in_them", "People in them", "People in the units that read power-over (units do not overlap).",
       "count", "finding"),
    _t("share_one_way", "Share of manager–report pairs one-way", "Manager–report pairs between whom the other layers "
       "run only downward, as a share of all such pairs.", "share", "finding"),
    _t("decisions_held_alone", "Decisions held alone", "Of this approver's decisions, those on which nobody else "
       "holds the say.", "count", "finding"),
    _t("holders", "Holders of the say", "People who alone hold the say on at least one of these decisions.", "count",
       "finding"),
    _t("decision_unit_pairs", "Decision–unit pairs", "Each decision counted once per unit it binds without a voice.",
       "count", "finding"),
    _t("share_of_people_with_say", "Share of people with any say", "People who hold the say on at least one decision, "
       "as a share of everyone.", "share", "finding"),
    _t("narrow_managers", "Managers with a narrow span", "Managers with the narrow-span threshold of direct reports "
       "or fewer.", "count", "finding"),
    _t("giving_units", "Units that give", "Units whose members (or the unit itself) allocate budget to others.",
       "count", "finding"),
    _t("holders_in_group", "Holders in the group", "How many of the holders of this measure belong to the group.",
       "count", "finding"),
    _t("expected", "Expected holders", "How many holders the group would have in proportion to its headcount: "
       "holders × group headcount / people.", "amount", "finding"),
    _t("p_adjusted", "Probability by chance (Holm-adjusted)", "The one-sided exact (hypergeometric) probability of so "
       "few holders from the group, multiplied up by Holm's method for the number of cells tested.", "score", "finding",
       "P(X ≤ observed), X ~ Hypergeometric(people, group, holders)", "Holm (1979)"),
    _t("cells_tested", "Cells tested", "Group-by-measure cells whose expected count reached the minimum group size, "
       "each tested, so that the correction accounts for all of them.", "count", "finding"),
    _t("alpha", "Significance level", "The largest Holm-adjusted probability a representation finding accepts.",
       "score", "method"),
    _t("say_top_share", "Top holder's share of the say", "Share of all decisions on which the person with the most say "
       "holds it; at half or more the decisions never read mutual.", "share", "org"),
    _t("ratio", "Representation ratio", "The group's share of a power measure divided by its share of people: "
       "1 = proportionate, below 1 under-represented.", "ratio", "finding"),
    _t("headcount_share", "Share of people", "The group's share of everyone.", "share", "finding"),
    _t("count", "Problems", "Number of data problems found.", "count", "finding"),
    _t("data_problem", "Data problem", "A row or value of the input that could not be used as given (a missing or "
       "unknown manager, a loop in the reporting line, a repeated id, a number that is not a number, ...). Each has "
       "a code; the data problems table lists every one with its file, row and what to do.", "text", "method"),
    _t("representation_ratio", "Representation ratio", "A group's share of a power measure divided by its share of "
       "people: 1 = proportionate.", "ratio", "finding"),
    _t("gini", "Gini coefficient", "Inequality of holdings over all people: 0 when everyone holds the same, near 1 "
       "when one holds everything.", "score", "org", "Σ_i Σ_j |x_i − x_j| / (2n² x̄)", "R ineq::Gini"),
    _t("hhi", "Herfindahl–Hirschman index (HHI)", "Sum of squared shares; 1 / HHI is the effective number of holders. "
       "Normalised to 0..1 as (HHI − 1/n)/(1 − 1/n).", "score", "org", "Σ s_i²", "R ineq::Herfindahl"),
    # --- method --------------------------------------------------------------------------
    _t("null_model", "Comparison with chance (degree-preserving null model)", "The same measures on rewired copies "
       "of each layer in which everyone keeps their number of ties given and received; shows whether a value is "
       "beyond what that alone would produce.", "text", "method", reference="Maslov & Sneppen (2002)"),
    _t("z", "Distance from chance (z)", "How many standard deviations the observed value lies from the mean of the "
       "rewired copies; beyond ±2 is called beyond chance.", "z", "method", "z = (observed − null mean) / null sd"),
    _t("null_mean", "Value by chance", "Mean of the measure over the rewired copies.", "score", "method"),
    _t("observed", "Observed value", "The measure on the organisation as it is.", "score", "method"),
    _t("org_median", "Organisation median", "The middle value over the organisation's own units or teams.", "score", "method"),
    _t("threshold", "Threshold", "The cut-off of the audit settings that raises this finding.", "score", "method"),
    _t("proportionate", "Proportionate", "A ratio of 1: the group holds the same share of power as of people.",
       "ratio", "method"),
)

TERMS: dict[str, Term] = {t.key: t for t in _TERMS}

LAYER_NAMES = {
    "reporting": "reporting lines",
    "reporting_dotted": "dotted-line reporting",
    "flows": "resources (budget flows)",
    "decisions": "decision rights",
}

# Per-layer person columns: "<layer>_<suffix>" (suffix a person term).
_LAYER_SUFFIXES = ("brokerage_coordinator", "brokerage_itinerant", "brokerage_representative", "brokerage_gatekeeper",
                   "brokerage_liaison", "brokerage_total", "in_degree", "out_degree", "in_strength", "out_strength",
                   "betweenness", "pagerank", "bonacich_power", "constraint")


def layer_name(layer: str) -> str:
    """The plain name of a layer: 'resources (budget flows)', or the relation's own name."""
    return LAYER_NAMES.get(layer, f"{layer.replace('_', ' ')} ties")


def _split_layer_column(key: str) -> tuple[str, str] | None:
    for suffix in sorted(_LAYER_SUFFIXES, key=len, reverse=True):
        if key.endswith("_" + suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix) - 1], suffix
    return None


def term(key: str) -> Term:
    """The glossary entry of ``key``; per-layer person columns (``flows_pagerank``) are named
    after their measure and layer. Unknown keys get a humanised name (and :func:`known` is
    False for them, which the tests check never happens in a document)."""
    if key in TERMS:
        return TERMS[key]
    split = _split_layer_column(key)
    if split:
        layer, suffix = split
        base = TERMS["betweenness_directed" if suffix == "betweenness" else suffix]
        name = base.name.replace(" (directed betweenness)", " (betweenness)") if suffix == "betweenness" else base.name
        return Term(key, f"{name} in {layer_name(layer)}", base.plain, base.kind, "person", base.formula, base.reference)
    if key.startswith("code:"):
        return Term(key, f"Problems with code {key[5:]}", "Data problems of this code; see the data problems table.",
                    "count", "finding")
    return Term(key, key.replace("_", " "), "", "score", "unknown")


def known(key: str) -> bool:
    return term(key).group != "unknown"


def glossary_key(key: str) -> str:
    """The key of the glossary row that defines ``key``: the key itself, or for a per-layer
    person column (``flows_pagerank``) its measure's row (``pagerank``). audit.json's
    findings name these rows under ``definition.glossary``."""
    if key in TERMS:
        return key
    split = _split_layer_column(key)
    return ("betweenness_directed" if split[1] == "betweenness" else split[1]) if split else key


def anchor(key: str) -> str:
    """The id of the glossary row of ``key`` in the report (per-layer columns share their measure's row)."""
    return "def-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in glossary_key(key))


def format_value(key: str, value: Any, *, currency: str | None = None) -> str:
    """``value`` written for a reader, by the kind of ``key`` ('25%', '1,204', '0.42', '1.3×')."""
    return format_kind(term(key).kind, value, currency=currency)


def format_kind(kind: str, value: Any, *, currency: str | None = None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return str(value)
    x = float(value)
    if kind == "share":
        text = f"{x:.0%}" if abs(x) >= 0.01 or x == 0 else f"{x:.1%}"
        if text in ("0%", "0.0%") and x > 0:
            return "under 0.1%"
        if text == "100%" and x < 1:
            return "over 99%"
        return text
    if kind == "count":
        return f"{round(x):,}"
    if kind == "amount":
        text = f"{x:,.0f}" if abs(x) >= 100 or x.is_integer() else f"{x:,.1f}"
        return f"{text} {currency}" if currency else text
    if kind == "ratio":
        return f"{x:.2f}×"
    if kind == "z":
        return f"{x:+.1f}"
    text = f"{x:,.2f}"
    return "0.00" if text == "-0.00" else text


# Columns of the tables (xlsx sheets, report tables) that are not measures: (header, kind, meaning).
COLUMNS: dict[str, tuple[str, str, str]] = {
    "id": ("Id", "text", "The id of the unit or team (a team is named after its manager's id)."),
    "head": ("Head", "text", "The id of the person heading the unit or team."),
    "size": ("People", "count", "Number of people in the unit or team."),
    "label": ("Reading", "label", "power-over, mutual, mixed or undetermined (see Readings and labels)."),
    "sublabels": ("Details", "text", "Which way each axis leans (layered, one-way, concentrated, ...)."),
    "evidence": ("Evidence", "text", "The sentences the reading was made from."),
    "layer": ("Layer", "text", "The kind of tie: reporting lines, dotted lines, flows, decisions, or a relation."),
    "manager_id": ("Manager id", "text", "The manager on the solid reporting line."),
    "report_id": ("Report id", "text", "The direct report on the solid reporting line."),
    "manager_name": ("Manager's name", "text", "The manager's name (only written when names are asked for)."),
    "report_name": ("Report's name", "text", "The direct report's name (only written when names are asked for)."),
    "head_name": ("Head's name", "text", "The name of the person heading the unit or team (only written when names are asked for)."),
    "actor_name": ("Name", "text", "The person's name, empty for a unit (only written when names are asked for)."),
    "node_name": ("Name", "text", "The person's name, empty for a unit (only written when names are asked for)."),
    "a_name": ("From (name)", "text", "The name at one end of the tie (only written when names are asked for)."),
    "b_name": ("To (name)", "text", "The name at the other end of the tie (only written when names are asked for)."),
    "sublabel": ("Details", "text", "one-way, returned, or mixed across the other layers."),
    "returned_layers": ("Layers returned", "count", "Layers in which the pair's ties run both ways."),
    "one_way_layers": ("Layers one-way", "count", "Layers in which the pair's ties run only downward."),
    "actor": ("Person or unit", "text", "The id of the person (or unit) holding the role."),
    "deciding": ("Decisions with the say", "count", "Decisions in which the actor holds the say."),
    "voice": ("Decisions with a voice", "count", "Decisions in which the actor has a voice."),
    "responsible": ("Responsible", "count", "Decisions with the role R."),
    "accountable": ("Accountable", "count", "Decisions with the role A."),
    "consulted": ("Consulted", "count", "Decisions with the role C."),
    "informed": ("Informed", "count", "Decisions with the role I."),
    "recommend": ("Recommends", "count", "Decisions the actor recommends."),
    "agree": ("Must agree", "count", "Decisions the actor must agree to."),
    "approve": ("Approves", "count", "Decisions the actor approves."),
    "veto": ("Can veto", "count", "Decisions the actor can veto."),
    "decision": ("Decision", "text", "The decision's id in the input."),
    "domain": ("Domain", "text", "The decision's domain in the input."),
    "role": ("Role", "text", "The role held (accountable, approve, veto, net giver, ...)."),
    "bound_people": ("People bound", "count", "People of the unit the decision binds."),
    "times_consulted": ("Times consulted", "count", "Times members of the unit are consulted."),
    "people_consulted": ("People consulted", "count", "Members of the unit who are consulted."),
    "decisions_deciding": ("Decisions decided", "count", "Decisions on which a member holds the say."),
    "node": ("Person or unit", "text", "The id of the giver or recipient."),
    "is_person": ("Person", "text", "Whether the id is a person (otherwise a unit)."),
    "given": ("Given", "amount", "Amount allocated to others."),
    "received": ("Received", "amount", "Amount received from others."),
    "returned": ("Returned", "amount", "Part of what is given that comes back from the same recipients."),
    "out_surplus": ("Given beyond what comes back", "amount", "Amount given that is not returned."),
    "in_surplus": ("Received beyond what is returned", "amount", "Amount received that is not returned."),
    "net": ("Net given", "amount", "Given minus received."),
    "one_way": ("One-way", "amount", "Amount given that nothing comes back for."),
    "population_share": ("Share of people", "share", "Cumulative share of people, poorest first (Lorenz curve)."),
    "holding_share": ("Share of holdings", "share", "Cumulative share of what they hold (Lorenz curve)."),
    "attribute": ("Attribute", "text", "The people column the groups come from."),
    "group": ("Group", "text", "One value of the attribute (groups under the minimum size are never shown)."),
    "measure": ("Measure", "text", "What is compared."),
    "value": ("Value", "amount", "The group's total of the measure."),
    "suppressed": ("Suppressed", "text", "Whether the cell is hidden to protect a small group."),
    "severity": ("Severity", "text", "high, medium, low or info (findings); error, warning or info (data problems)."),
    "code": ("Code", "text", "The problem's code (see the input formats documentation)."),
    "file": ("File", "text", "The input file."),
    "row": ("Row", "count", "The row in the input file (the header is row 1)."),
    "column": ("Column", "text", "The column in the input file."),
    "message": ("Problem", "text", "What is wrong."),
    "suggestion": ("What to do", "text", "How to fix it."),
    "kind": ("Kind", "text", "What the file holds (people, flows, decisions, relations)."),
    "format": ("Format", "text", "csv, xlsx or parquet."),
    "vendor": ("Recognised as", "text", "The HR system the export was recognised as (or native)."),
    "rows": ("Rows", "count", "Rows read."),
    "rows_used": ("Rows used", "count", "Rows used in the audit (the rest are explained under data problems)."),
    "sha256": ("SHA-256", "text", "The file's fingerprint: the same bytes give the same value."),
    "old": ("Before", "text", "The value in the older audit."),
    "new": ("Now", "text", "The value in this audit."),
    "delta": ("Change", "score", "Now minus before."),
    "changed": ("Changed", "text", "Whether the value moved beyond the comparison tolerance (1e-9 of the value): float noise is no change."),
    "change": ("Change", "text", "gained (every change up), lost (every change down) or shifted (some up, some down)."),
    "a": ("From", "text", "One end of the tie."),
    "b": ("To", "text", "The other end of the tie."),
    "turned": ("Turned", "text", "one-way or mutual: what the pair's ties became."),
    "rank": ("Rank", "count", "1 = read first (severity, then strength)."),
    "title": ("Title", "text", "The finding in one line."),
    "summary": ("Summary", "text", "The finding in plain sentences."),
    "where": ("Where", "text", "The layer, units, teams, decisions or input rows concerned."),
    "compared_with": ("Compared with", "text", "What the number is compared with (chance, the organisation's median, a threshold)."),
    "numbers": ("Numbers", "text", "The finding's numbers, named in words."),
    "metrics": ("Numbers", "text", "The finding's numbers, named in words."),
    "definition": ("Definitions", "text", "The measures the finding rests on (see the glossary sheet)."),
    "recommendation": ("Suggested change", "text", "A change to the structure that would move the reading."),
    "people": ("People", "count", "Number of people."),
    "span": ("Span", "text", "Number of direct reports."),
    "key": ("Key", "text", "The measure's name in audit.json, people.csv and the sheets."),
    "in plain words": ("In plain words", "text", "What the measure says, without formulas."),
    "formula": ("Formula", "text", "How it is computed."),
    "reference": ("Reference", "text", "Where it is defined and which library gives the same value."),
}


# In a table of units (change_units) a person's measure is summed over the unit's members,
# so it is named as such: a unit's "span of control" of 600 would contradict the widest span.
UNIT_SUMS = {
    "span_of_control": ("Direct reports in the unit", "Direct reports of all the unit's members (the sum of their spans of control)."),
    "budget_given": ("Budget given from the unit", "Total amount the unit's members allocate to others."),
    "decision_rights": ("Decisions with the say in the unit", "Decisions on which a member holds the say, counted once per member who holds it."),
}
UNIT_SUM_TABLES = ("change_units",)


def column_label(column: str, table: str | None = None) -> tuple[str, str, str]:
    """(header, kind, meaning) of a table column, from the table columns, then the terms;
    ``table`` names the table where a column means something else there (unit sums)."""
    if table in UNIT_SUM_TABLES:
        for suffix, words in (("_old", "before"), ("_new", "now"), ("_change", "change")):
            base = column[: -len(suffix)] if column.endswith(suffix) else None
            if base in UNIT_SUMS:
                name, meaning = UNIT_SUMS[base]
                return (f"{name}, {words}", term(base).kind, meaning)
    if column in COLUMNS:
        return COLUMNS[column]
    if column.startswith("span ") and column != "span":
        return (f"Span {column[5:]}", "count", f"People with {column[5:]} direct reports.")
    for suffix, words in (("_label", "Reading in"), ("_down", "Downward in"), ("_up", "Upward in")):
        if column.endswith(suffix) and column[: -len(suffix)]:
            layer = column[: -len(suffix)]
            kind = "label" if suffix == "_label" else "count"
            return (f"{words} {layer_name(layer)}", kind,
                    f"{'The reading of' if suffix == '_label' else 'Ties running ' + ('down' if suffix == '_down' else 'up') + ' the line in'} {layer_name(layer)}.")
    for suffix, words in (("_old", "before"), ("_new", "now"), ("_change", "change")):
        if column.endswith(suffix) and column[: -len(suffix)]:
            base = term(column[: -len(suffix)])
            return (f"{base.name}, {words}", base.kind if suffix != "_change" else base.kind, base.plain)
    t = term(column)
    return (t.name, t.kind, t.plain)


def column_known(column: str) -> bool:
    header, _, meaning = column_label(column)
    return bool(meaning)


# --- definitions written from the rules (report/config.py) ------------------------------------
# The words of each label and axis are written from the cut-offs the readings use, so a
# definition never promises what a rule does not check (tests/test_report_glossary.py).

from orgpower.report.config import Thresholds  # noqa: E402
from orgpower.report.readings import plane_cuts  # noqa: E402


def thresholds_of(settings: Mapping[str, Any] | None) -> Thresholds:
    """The thresholds an audit used, from ``audit.json`` → ``settings`` (defaults when absent)."""
    values = dict((settings or {}).get("thresholds") or {})
    known = set(Thresholds.__dataclass_fields__)
    return Thresholds(**{k: v for k, v in values.items() if k in known})


def _g(x: float) -> str:
    return f"{x:g}"


def axes(t: Thresholds) -> dict[str, dict[str, str]]:
    """The three axes: question, words, and the rule that makes each leaning."""
    c = plane_cuts(t)
    return {
        "asymmetry": {
            "title": "Asymmetry",
            "question": "Is it returned?",
            "words": "How much of what runs from one person to another comes back the other way.",
            "rule": (f"Score 1 − r (r_w on weighted layers): one-way when the score ≥ {_g(c.one_way_at)} "
                     f"(r ≤ {_g(t.reciprocity_low)}), returned when it is ≤ {_g(c.returned_at)} (r ≥ {_g(t.reciprocity_high)}). "
                     f"ρ and the null model (z beyond ±{_g(t.null_z)}) are stated beside r, to say whether it is below chance."),
            "definition": (
                "Read from reciprocity: the share of ties that are returned (edgewise r, as R sna "
                "`grecip(measure=\"edgewise\")`), the share of connected pairs that are mutual "
                "(dyadic M/(M+A)), the density-corrected Garlaschelli–Loffredo ρ, and on weighted "
                "layers Squartini's r_w = Σ min(w_ij, w_ji) / Σ w_ij. r ≈ 0 is the power-over signature."
            ),
        },
        "direction": {
            "title": "Direction",
            "question": "Does it always run down?",
            "words": "Whether ties run from level to level in one direction, or circulate.",
            "rule": (f"Score mean(1 − F0, flow hierarchy): layered when the score ≥ {_g(c.layered_at)} (the mean of "
                     f"1 − {_g(t.trophic_layered_max)} and {_g(t.flow_hierarchy_layered_min)}), circulating when it is ≤ "
                     f"{_g(c.circulating_at)} (the mean of 1 − {_g(t.trophic_circulating_min)} and "
                     f"{_g(t.flow_hierarchy_circulating_max)})."),
            "definition": (
                "Read from trophic incoherence F0 (MacKay, Johnson & Sansom 2020; low = layered), "
                "flow hierarchy (Luo & Magee 2011; the share of ties on no cycle), global reaching "
                "centrality (Mones et al. 2012) and agony. Layered and one-way is the power-over signature."
            ),
        },
        "concentration": {
            "title": "Concentration",
            "question": "Who holds it?",
            "words": "Whether a few people hold most of the ties, money or say.",
            "rule": (f"Concentrated when the concentration score ≥ {_g(t.concentration_high)}: the score is the largest of "
                     "in-degree centralization, out-degree centralization and HHI* of out-strength (on decisions also "
                     "the top holder's share of the say), and it is the number shown."),
            "definition": (
                "Read from Freeman degree centralization (in, out; R sna `centralization`), the "
                "normalised Herfindahl–Hirschman index of outgoing weight and, for decisions, the share "
                "of decisions the top holder has the say on. A central hub whose ties are returned is "
                "a “hub partnership”, not power-over."
            ),
        },
    }


def labels(t: Thresholds) -> dict[str, str]:
    """Each label's definition, written from the rule of :func:`orgpower.report.readings.read_measures`."""
    c = plane_cuts(t)
    return {
        "power-over": (f"One-way (asymmetry ≥ {_g(c.one_way_at)}: r ≤ {_g(t.reciprocity_low)}) and layered (direction ≥ "
                       f"{_g(c.layered_at)}): ties run down a ranking and do not come back. "
                       "Sub-label “concentrated” when the concentration score also reaches "
                       f"{_g(t.concentration_high)}."),
        "mutual": (f"Returned (asymmetry ≤ {_g(c.returned_at)}: r ≥ {_g(t.reciprocity_high)}) and circulating (direction ≤ "
                   f"{_g(c.circulating_at)}): people gain effectiveness from each other "
                   f"(power-with). Sub-label “hub partnership” when total-degree centralization ≥ "
                   f"{_g(t.hub_total_centralization)} (central, but returned), else “shared”. A decisions layer where one "
                   f"holder has the say on {t.say_majority:.0%} or more of the decisions never reads mutual."),
        "mixed": ("The axes point different ways (one-way but circulating, returned but ranked, …) or the layers "
                  "disagree; the sub-labels say which axis leans which way, at most one per axis."),
        "formal line": ("The formal reporting line (solid or dotted): manager → report, one-way and layered by "
                        "construction. It is shown for what it is and does not vote in the organisation's reading "
                        "while budgets, decisions or other relations can be read."),
        "undetermined": ("Not enough to read: no ties in this scope, or only the formal reporting line, which "
                         "cannot tell power-over from mutual."),
        "_how": (
            "Each layer (reporting lines, resource flows, decision rights, other relations) is read on "
            "three separate axes: **asymmetry** (is it returned?), **direction** (does it run down?) and "
            "**concentration** (who holds it?). Centralization alone cannot tell a command star from a "
            "hub everyone works with as equals, so the axes are kept apart. One-way and layered reads "
            "*power-over*; returned and circulating reads *mutual*; anything else *mixed*. The org's "
            "label is the one more than half of the voting layers hold; the formal reporting line does "
            "not vote while another layer can be read."
        ),
    }


def glossary(thresholds: Thresholds | None = None) -> dict[str, Any]:
    """The rule-derived words (axes and labels) for these thresholds, and the measures'
    plain definitions: what the report's Method section and the dashboard both show."""
    t = thresholds or Thresholds()
    cuts = plane_cuts(t)
    return {"axes": axes(t), "labels": labels(t), "measures": dict(MEASURES),
            "cuts": {k: getattr(cuts, k) for k in ("one_way_at", "returned_at", "layered_at", "circulating_at")}}



# Short words per layer measure (the dashboard's tooltips), from the terms above.
MEASURES = {t.key: t.plain for t in TERMS.values() if t.group == "layer"}


def _rule_terms(t: Thresholds) -> dict[str, Term]:
    """The label terms, their words written from the rules for ``t``."""
    words = labels(t)
    out = {key: Term(key, key, words[key], "label", "label") for key in ("power-over", "mutual", "mixed", "formal line", "undetermined")}
    out["concentrated"] = Term("concentrated", "concentrated", (
        f"The concentration score (the largest of in- and out-degree centralization and HHI*, on decisions also the top "
        f"holder's share of the say) is at least {_g(t.concentration_high)}: one person or a few hold most of the ties "
        "or the weight."), "label", "label")
    c = plane_cuts(t)
    for key, plain in {
        "one-way": (f"At most {t.reciprocity_low:.0%} of the ties (of the weight, on weighted layers) are returned: "
                    f"asymmetry score ≥ {_g(c.one_way_at)}."),
        "returned": (f"At least {t.reciprocity_high:.0%} of the ties (of the weight, on weighted layers) are returned: "
                     f"asymmetry score ≤ {_g(c.returned_at)}."),
        "layered": (f"Ties run down a consistent ranking, as in a chain of command: direction score ≥ {_g(c.layered_at)}."),
        "circulating": (f"Ties go round in loops instead of running down a ranking: direction score ≤ "
                        f"{_g(c.circulating_at)}."),
    }.items():
        out[key] = Term(key, key, plain, "label", "label")
    out["formal line only"] = Term("formal line only", "formal line only", (
        "Only the formal reporting line has ties in this scope; it is one-way by construction, so the scope is not read."),
        "label", "label")
    return out


def rule_terms(settings: dict[str, Any] | None = None) -> dict[str, Term]:
    """TERMS with the label words written for the thresholds an audit used."""
    return {**TERMS, **_rule_terms(thresholds_of(settings))}


TERMS.update(_rule_terms(Thresholds()))
