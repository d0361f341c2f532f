"""audit.html: one self-contained file (inline CSS and SVG, no script, no download),
rendered with Jinja2 from the same AuditResult as audit.json. The PDF prints this HTML."""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from orgpower.metrics.concentration import gini, lorenz_curve
from orgpower.report import charts
from orgpower.report.findings import MEASURES_DOC, READINGS_DOC, READINGS_SECTIONS

# Definitions shown in the method section (key -> (name, definition, reference)).
DEFINITIONS = (
    ("reciprocity_edgewise", "Edgewise reciprocity r", "Share of ties that are returned, 2M/(2M+A).",
     "Wasserman & Faust (1994); R sna grecip(measure='edgewise'); networkx reciprocity"),
    ("reciprocity_dyadic", "Dyadic reciprocity", "Share of tied pairs whose tie runs both ways, M/(M+A).",
     "Holland & Leinhardt (1970); sna grecip(measure='dyadic.nonnull')"),
    ("reciprocity_rho", "Garlaschelli–Loffredo ρ", "Reciprocity corrected for density: (r − density)/(1 − density); below 0 = fewer returned ties than chance.",
     "Garlaschelli & Loffredo (2004), PRL 93:268701"),
    ("weighted_reciprocity", "Weighted reciprocity r_w", "Share of the weight (money, decisions) that is returned: Σ min(w_ij, w_ji) / Σ w_ij.",
     "Squartini et al. (2013), Sci. Rep. 3:2729"),
    ("trophic_incoherence", "Trophic incoherence F0", "0 when every tie climbs exactly one level of a ranking (a clean chain of command), 1 when ties balance out (circulation).",
     "MacKay, Johnson & Sansom (2020), R. Soc. Open Sci. 7:201138"),
    ("flow_hierarchy", "Flow hierarchy", "Share of ties that lie on no cycle: 1 for any chain of command, 0 when every tie is on a loop.",
     "Luo & Magee (2011), Complexity 16:53–61; networkx flow_hierarchy"),
    ("global_reaching_centrality", "Global reaching centrality", "How far one apex reaches everyone compared with the rest.",
     "Mones, Vicsek & Vicsek (2012), PLoS ONE 7:e33799"),
    ("degree_centralization_out", "Out-/in-degree centralization", "Freeman centralization of out- (in-) ties with the sna maximum (n−1)²; 1 for a star.",
     "Freeman (1979); R sna centralization(degree, cmode='outdegree')"),
    ("degree_centralization_total", "Total-degree centralization", "Freeman centralization of all ties; high with returned ties = a hub partnership, not power-over.",
     "Freeman (1979); metrics-spec §2.2"),
    ("gini", "Gini and HHI", "Inequality of holdings over all people (0 = equal); HHI = Σ shares², HHI* normalised to 0..1.",
     "metrics-spec §7; R ineq Gini, Herfindahl"),
    ("span_of_control", "Span of control and layers", "Direct reports of a manager; a person's reporting layer is 1 + their depth below the top.",
     "metrics-spec §8.1"),
    ("null_model", "Degree-preserving null model", "The same measures on rewired copies of each layer that keep everyone's number of ties; z = (observed − null mean)/null sd.",
     "Maslov & Sneppen (2002); metrics-spec §12"),
)

REFERENCES = (
    "Miller, J. B. (2003). Telling the truth about power. Wellesley Centers for Women, Research & Action Report.",
    "Follett, M. P. (1924). Creative Experience. Longmans, Green.",
    "Krackhardt, D. (1994). Graph theoretical dimensions of informal organizations. In Carley & Prietula (eds.), Computational Organization Theory, 89–111.",
    "Freeman, L. C. (1979). Centrality in social networks: conceptual clarification. Social Networks 1:215–239.",
    "Garlaschelli, D. & Loffredo, M. I. (2004). Patterns of link reciprocity in directed networks. PRL 93:268701.",
    "Squartini, T. et al. (2013). Reciprocity of weighted networks. Scientific Reports 3:2729.",
    "MacKay, R. S., Johnson, S. & Sansom, B. (2020). How directed is a directed network? R. Soc. Open Sci. 7:201138.",
    "Luo, J. & Magee, C. L. (2011). Detecting evolving patterns of self-organizing networks by flow hierarchy measurement. Complexity 16(6):53–61.",
    "Mones, E., Vicsek, L. & Vicsek, T. (2012). Hierarchy measure for complex networks. PLoS ONE 7(3):e33799.",
    "Emerson, R. M. (1962). Power-dependence relations. American Sociological Review 27:31–41.",
)


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("orgpower", "numpy", "scipy", "pandas", "igraph", "jinja2"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):,.{digits}f}"
        return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text  # no "-0.00"
    return str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{float(value):.0%}"


def _org_chart(result: Any) -> str:
    reporting = result.graph.layers.get("reporting")
    if reporting is None:
        return ""
    coo = reporting.adjacency.tocoo()
    ids = reporting.node_ids.astype(str)
    children: dict[str, list[str]] = {}
    for s, t in zip(ids[coo.row].tolist(), ids[coo.col].tolist()):
        children.setdefault(s, []).append(t)
    people = result.model.people.astype({"person_id": str})
    # the box shows the post (title), never the person's name
    titles = people.set_index("person_id")["title"].astype("string").fillna("") if "title" in people else pd.Series(dtype=str)
    box_label = {pid: (str(t) or pid) for pid, t in titles.items()}
    span = dict(zip(result.power["person_id"], result.power["span_of_control"].astype(int)))
    team_label = {r["id"]: r["label"] for r in result.document["units"] if r["scope"] == "team"}
    return charts.org_chart(children, result.document["org"]["roots"], box_label, span, team_label)


def _lorenz(result: Any) -> str:
    curves = {}
    power = result.power
    for column, name in (("budget_given", "budget given"), ("decision_rights", "decisions with the say"),
                         ("span_of_control", "direct reports")):
        values = power[column].to_numpy(dtype=float)
        if values.sum() > 0:
            x, y = lorenz_curve(values)
            curves[name] = (x, y, gini(values))
    return charts.lorenz_chart(curves)


def _table(frame: pd.DataFrame, columns: list[str] | None = None, limit: int = 25) -> dict[str, Any]:
    if frame is None or frame.empty:
        return {"columns": [], "rows": [], "more": 0}
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    rows = [[_fmt(v) for v in row] for row in frame[cols].head(limit).itertuples(index=False)]
    return {"columns": cols, "rows": rows, "more": max(len(frame) - limit, 0)}


def context(result: Any) -> dict[str, Any]:
    """Everything the template shows, as plain values and ready SVG strings."""
    doc = result.document
    layers = doc["classification"]["layers"]
    units = [u for u in doc["units"] if u["scope"] == "unit"]
    teams = [u for u in doc["units"] if u["scope"] == "team"]
    return {
        "doc": doc,
        "org": doc["org"],
        "reading": doc["classification"]["org"],
        "layers": layers,
        "layer_values": doc["layers"],
        "findings": doc["findings"],
        "units_table": _table(result.tables["units"], ["id", "size", "label", "sublabels", "asymmetry_score", "direction_score", "concentration_score"], 30),
        "teams_count": doc["teams_read"],
        "team_labels": {lab: sum(1 for t in teams if t["label"] == lab) for lab in ("power-over", "mixed", "mutual", "undetermined")},
        "unit_labels": {lab: sum(1 for t in units if t["label"] == lab) for lab in ("power-over", "mixed", "mutual", "undetermined")},
        "pairs": doc["reporting_pairs"],
        "decisions": doc["decisions"],
        "decision_tables": {
            "Bottleneck approvers (ids)": _table(result.tables["decision_bottlenecks"]),
            "Decisions with a single point of veto": _table(result.tables["decision_single_points"], limit=15),
            "Decisions binding a unit without a voice": _table(result.tables["decision_voiceless_units"], limit=15),
            "Units consulted but never deciding": _table(result.tables["decision_consulted_not_deciding"], limit=15),
        },
        "resources": doc["resources"],
        "resource_units": _table(result.tables.get("resource_units"), limit=15),
        "groups": doc["groups"],
        "inputs": doc["inputs"],
        "validation": doc["validation"],
        "settings": doc["settings"],
        "comparison": doc.get("comparison"),
        "change_tables": {name: _table(result.tables[name], limit=20) for name in ("change_people", "change_units", "change_arcs") if name in result.tables},
        "svg": {
            "power_map": charts.power_map(layers, units),
            "org_chart": _org_chart(result),
            "heatmap": charts.spans_heatmap(result.tables["spans_layers"]),
            "lorenz": _lorenz(result),
        },
        "definitions": DEFINITIONS,
        "references": REFERENCES,
        "measures_doc": MEASURES_DOC,
        "definition_links": {key: (f"{READINGS_DOC}#{READINGS_SECTIONS[key]}" if key in READINGS_SECTIONS
                                   else f"{READINGS_DOC}#three-axes" if key == "null_model" else f"{MEASURES_DOC}#{key}")
                             for key, *_ in DEFINITIONS},
        "readings_doc": READINGS_DOC,
        "versions": _versions(),
        "colours": charts.COLOURS,
        "fmt": _fmt,
        "pct": _pct,
    }


def render_html(result: Any) -> str:
    env = Environment(
        loader=PackageLoader("orgpower.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True,
    )
    return env.get_template("audit.html.j2").render(**context(result))
