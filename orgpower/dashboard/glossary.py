"""Plain-word definitions shown one click away (metrics-spec.md; interfaces.md §4).

Words only: the numbers they describe come from the audit.
"""

from __future__ import annotations

AXES = {
    "asymmetry": {
        "title": "Asymmetry",
        "question": "Is it returned?",
        "words": "How much of what runs from one person to another comes back the other way.",
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
        "definition": (
            "Read from Freeman degree centralization (in, out; R sna `centralization`), and the "
            "normalised Herfindahl–Hirschman index and Gini coefficient of outgoing weight. A "
            "central hub whose ties are returned is a *hub partnership*, not power-over."
        ),
    },
}

LABELS = {
    "power-over": "Ties run one way, from level to level, and are held by few: one side holds the resources and the say.",
    "mutual": "Ties are returned and circulate: people gain effectiveness from each other (power-with).",
    "mixed": "The axes point different ways, or the layers disagree: parts run one way, parts are shared.",
    "undetermined": "There were not enough ties to read.",
    "_how": (
        "Each layer (reporting lines, resource flows, decision rights, other relations) is read on "
        "three separate axes: **asymmetry** (is it returned?), **direction** (does it run down?) and "
        "**concentration** (who holds it?). Centralization alone cannot tell a command star from a "
        "hub everyone works with as equals, so the axes are kept apart. One-way and layered reads "
        "*power-over*; returned and circulating reads *mutual*; anything else *mixed*. The org's "
        "label is the one most layers share (metrics-spec.md §1, §12; thresholds in the audit config)."
    ),
}

MEASURES = {
    "nodes": "people (and units) in the layer",
    "arcs": "distinct ties, self-loops excluded",
    "density": "arcs / (n(n−1))",
    "reciprocity_edgewise": "share of ties that are returned (sna grecip edgewise)",
    "reciprocity_dyadic": "mutual pairs / connected pairs, M/(M+A)",
    "reciprocity_rho": "Garlaschelli–Loffredo ρ: reciprocity beyond what density explains",
    "weighted_reciprocity": "Squartini r_w: returned weight / all weight",
    "degree_centralization_in": "Freeman in-degree centralization (1 = everything points to one)",
    "degree_centralization_out": "Freeman out-degree centralization (1 = one points to all)",
    "flow_hierarchy": "share of ties on no cycle (1 = strictly one-way)",
    "global_reaching_centrality": "how far one node reaches more than the others (Mones et al.)",
    "trophic_incoherence": "F0: 0 = perfectly layered, higher = circulating",
    "krackhardt_hierarchy": "share of reachable pairs that do not reach back (Krackhardt 1994)",
    "gini_out_strength": "inequality of outgoing weight (0 equal, 1 one holds all)",
    "hhi_out_strength": "Herfindahl–Hirschman concentration of outgoing weight",
}
