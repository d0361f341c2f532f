"""audit.html: one self-contained file (inline CSS and SVG, no script, no download),
rendered with Jinja2 from the same AuditResult as audit.json. The PDF prints this HTML."""

from __future__ import annotations

import platform
import re
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from markupsafe import Markup, escape

from orgpower.metrics.concentration import gini, lorenz_curve
from orgpower.report import charts
from orgpower.report.glossary import (GROUPS, anchor, column_label, format_kind, format_value, known, layer_name, rule_terms,
                                       term, thresholds_of)
from orgpower.report.glossary import glossary as rule_words
from orgpower.report.scopes import scope_labels, scope_records
from orgpower.report.meta import ReportMeta
from orgpower.report.names import name_lookup

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
    "Maslov, S. & Sneppen, K. (2002). Specificity and stability in topology of protein networks. Science 296:910–913.",
    "Bonacich, P. (1987). Power and centrality: a family of measures. American Journal of Sociology 92:1170–1182.",
    "Burt, R. S. (1992). Structural Holes. Harvard University Press.",
    "Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation. Sociological Methodology 19:89–126.",
    "Brin, S. & Page, L. (1998). The anatomy of a large-scale hypertextual web search engine. Computer Networks 30:107–117.",
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


def _org_chart(result: Any, names: dict[str, str] | None = None) -> str:
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
    if names:  # names asked for: the box shows the name, the id stays beside it
        box_label = {**box_label, **names}
    span = dict(zip(result.power["person_id"], result.power["span_of_control"].astype(int)))
    team_label = scope_labels(result.document, "team")
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


# Symbols that evidence sentences may carry, linked to their glossary row.
JARGON = (("r_w", "weighted_reciprocity"), ("HHI*", "hhi_out_strength_normalised"), ("F0", "trophic_incoherence"),
          ("ρ", "reciprocity_rho"), ("z =", "z"), ("r =", "reciprocity_edgewise"), ("Gini", "gini"), ("HHI", "hhi"))
_JARGON_RE = re.compile("|".join(
    (r"(?<![\w*])" + re.escape(sym) + (r"(?![\w*])" if sym[-1].isalnum() or sym[-1] == "*" else ""))
    for sym, _ in JARGON))
_JARGON_KEYS = dict(JARGON)


def explain(text: Any) -> Markup:
    """Escape ``text`` and link each symbol in it (F0, ρ, r_w, HHI*, z) to its glossary
    row, with the plain name as its tooltip, so no symbol is left unexplained."""
    escaped = str(escape(str(text)))
    def link(match: re.Match) -> str:
        sym = match.group(0)
        key = _JARGON_KEYS[sym]
        return (f"<a class='term' href='#{anchor(key)}' title='{escape(term(key).name)}'>{sym}</a>")
    # escaping leaves the symbols untouched (none holds &, <, > or quotes)
    return Markup(_JARGON_RE.sub(link, escaped))


def people_label(names: dict[str, str] | None):
    """How a document writes a person's id: ``id (name)`` when names are shown and known."""
    def label(pid: Any) -> str:
        pid = str(pid)
        if names and names.get(pid):
            return f"{pid} ({names[pid]})"
        return pid
    return label


# id columns: 'OPS-01-02' or 'P00012' never breaks at its hyphen
NOWRAP_COLUMNS = frozenset({"id", "unit", "head", "person_id", "manager_id", "report_id", "actor", "node", "a", "b",
                            "decision"})


def _table(frame: pd.DataFrame, columns: list[str] | None = None, limit: int = 25, *,
           person_columns: tuple[str, ...] = (), label=None, currency: str | None = None,
           table: str | None = None) -> dict[str, Any]:
    """A report table: plain headers (with their meaning as a tooltip), formatted cells,
    and how many rows were left out."""
    if frame is None or frame.empty:
        return {"columns": [], "headers": [], "rows": [], "more": 0, "numeric": [], "nowrap": []}
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    labels = [column_label(c, table) for c in cols]
    kinds = [kind for _, kind, _ in labels]
    rows = []
    for row in frame[cols].head(limit).itertuples(index=False):
        cells = []
        for c, kind, v in zip(cols, kinds, row):
            if c in person_columns and label is not None and v is not None and not (isinstance(v, float) and np.isnan(v)):
                cells.append(label(v))
            elif kind in ("text", "label") or isinstance(v, str):
                cells.append("–" if v is None or (isinstance(v, float) and np.isnan(v)) else _fmt(v))
            else:
                cells.append(format_kind(kind, None if pd.isna(v) else v, currency=currency if kind == "amount" else None))
        rows.append(cells)
    numeric = [kind not in ("text", "label") and pd.api.types.is_numeric_dtype(frame[c]) for c, kind in zip(cols, kinds)]
    headers = [(header, meaning) for header, _, meaning in labels]
    nowrap = [kind == "label" or c in NOWRAP_COLUMNS for c, kind in zip(cols, kinds)]  # 'power-over' stays whole
    return {"columns": cols, "headers": headers, "rows": rows, "more": max(len(frame) - limit, 0), "numeric": numeric,
            "nowrap": nowrap}


AXES = (
    ("asymmetry", "Is it returned?", "0 = every tie returned", "1 = nothing returned"),
    ("direction", "Does it run down?", "0 = ties go round", "1 = all run down one ranking"),
    ("concentration", "Who holds it?", "0 = spread evenly", "1 = one holder"),
)


def _axis_sentence(axis: str, score: float | None) -> str:
    """What an axis score says, in words that follow from its definition (no cut-offs of
    our own: the label's rules are in the Method section)."""
    if score is None:
        return "Not measurable: no ties to read."
    if axis == "asymmetry":
        returned = 1.0 - score
        return (f"On average {format_kind('share', returned)} of the ties (or of the weight, where ties carry amounts) "
                "are returned.")
    if axis == "direction":
        return (f"{format_kind('score', score)} on a scale from 0 (ties go round in loops) to 1 (every tie runs down "
                "one consistent ranking).")
    return (f"{format_kind('score', score)} on a scale from 0 (ties spread evenly) to 1 (one person holds them all).")


def _compared_sentences(compared: dict[str, Any], kind_key: str | None) -> list[str]:
    out = []
    null = compared.get("null_model") or {}
    if null.get("cannot_tell"):
        text = str(compared.get("text", "The null model cannot tell this structure from chance"))
        head, sep, rest = text.partition(": ")
        if sep and " " not in head and known(head):  # 'weighted_reciprocity: ...' -> its plain name
            text = f"{term(head).name}: {rest}"
        out.append(f"{text}.")
    elif null and null.get("null_mean") is not None:
        key = null.get("key") or kind_key or "observed"
        name = term(key).name if null.get("key") else "the value"
        text = (f"{name}: {format_value(key, null.get('observed'))} here, {format_value(key, null.get('null_mean'))} "
                f"on average by chance ({null.get('samples', '?')} rewired copies keeping everyone's number of ties)")
        z = null.get("z")
        if z is not None:
            side = "above" if z > 0 else "below"
            text += f"; {abs(z):.1f} standard deviations {side} chance (z = {z:+.1f})"
        out.append(text + ".")
    if compared.get("org_median") is not None:
        unit = compared.get("unit")
        median = f"{compared['org_median']:g} {unit}" if unit else format_kind('score', compared['org_median'])
        out.append(f"The organisation's own median: {median}.")
    if compared.get("threshold") is not None:
        what = f" ({compared['text']})" if compared.get("text") and not null else ""
        out.append(f"The threshold of the audit settings: {format_kind('score', compared['threshold'])}{what}.")
    if compared.get("proportionate") is not None:
        out.append("A proportionate share (ratio 1.00).")
    return out


WHERE_WORDS = {"layer": "Layer", "layers": "Layers", "units": "Units", "teams": "Teams (by manager id)",
               "managers": "Managers", "measure": "Measure",
               "decisions": "Decisions", "people": "People", "rows": "Input rows", "table": "Full list",
               "attribute": "Attribute", "group": "Group"}


def _where(where: dict[str, Any], label, sheets: dict[str, str], formats: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for key, value in sorted(where.items()):
        if key == "table":
            sheet = sheets.get(str(value), str(value))
            out.append(("Full list", f"the sheet “{sheet}” of audit.xlsx" if "xlsx" in formats
                        else f"the table “{sheet}” (write the audit with --format xlsx to get it)"))
            continue
        values = value if isinstance(value, list) else [value]
        if key in ("people", "managers"):
            values = [label(v) for v in values]
        elif key in ("layer", "layers"):
            values = [layer_name(str(v)) for v in values]
        out.append((WHERE_WORDS.get(key, key.replace("_", " ").capitalize()), ", ".join(map(str, values))))
    return out


def finding_view(f: dict[str, Any], *, label=None, formats: tuple[str, ...] = ("json", "html"),
                 sheets: dict[str, str] | None = None) -> dict[str, Any]:
    """One finding as the report shows it: words first, then its numbers, each named in
    plain words and linked to its glossary row."""
    label = label or people_label(None)
    numbers = [(term(k).name, anchor(k), format_value(k, v)) for k, v in f["metrics"].items()]
    numbers.sort(key=lambda n: n[0])
    defs = [(term(k).name, anchor(k)) for k in f["definition"].get("glossary", [])]
    return {
        "rank": f["rank"], "severity": f["severity"], "title": f["title"], "summary": f["summary"],
        "numbers": numbers,
        "evidence": [explain(label_ids(e, label)) for e in f["evidence"][:6]],
        "more_evidence": max(len(f["evidence"]) - 6, 0),
        "where": _where(f["where"], label, sheets or {}, formats),
        "compared": _compared_sentences(f.get("compared_with") or {}, None),
        "definitions": defs,
        "recommendation": f["recommendation"],
        "id": f["id"],
    }


def label_ids(text: str, label) -> str:
    """Evidence sentences that start with a person's id ('mx1: asymmetry ...') get the name
    too when names are shown."""
    head, sep, rest = str(text).partition(": ")
    if sep and " " not in head:
        shown = label(head)
        if shown != head:
            return f"{shown}: {rest}"
    return str(text)


def executive_summary(doc: dict[str, Any], meta: ReportMeta, top: int = 4) -> dict[str, Any]:
    """The one-page summary: the reading in a sentence, the three axes, the top findings and
    what would change the reading (the suggested changes of the top findings)."""
    reading = doc["classification"]["org"]
    who = meta.organisation or "The organisation"
    layers = doc["classification"]["layers"]
    by_label: dict[str, list[str]] = {}
    for name, r in sorted(layers.items()):
        by_label.setdefault(r["label"], []).append(layer_name(name))
    label_words = term(reading["label"]).plain
    sentence = f"{who} reads {reading['label']}" + (f" ({', '.join(reading['sublabels'])})" if reading["sublabels"] else "") + "."
    parts = [f"{', '.join(v)} read{'s' if len(v) == 1 else ''} {k}" for k, v in sorted(by_label.items())]
    findings = [f for f in doc["findings"] if f["severity"] != "info"][:top] or doc["findings"][:top]
    changes = list(dict.fromkeys(f["recommendation"] for f in findings if f.get("recommendation")))
    return {
        "sentence": sentence, "label_words": label_words, "by_layer": "; ".join(parts) + "." if parts else "",
        "axes": [{"axis": a, "question": q, "low": lo, "high": hi, "score": reading["scores"].get(a),
                  "sentence": _axis_sentence(a, reading["scores"].get(a)), "anchor": anchor(f"{a}_score")}
                 for a, q, lo, hi in AXES],
        "findings": findings, "changes": changes[:top],
    }


def glossary_rows(doc: dict[str, Any], used: set[str] | None = None) -> list[tuple[str, list]]:
    """The glossary of the report, by group: the terms whose anchors are in ``used`` (every
    term when ``used`` is None). The report keeps only the terms it links to, so that
    every row is one a reader can arrive at; audit.xlsx's glossary sheet keeps them all."""
    groups: dict[str, list] = {g: [] for g in GROUPS}
    for t in rule_terms(doc.get("settings")).values():  # label words for this audit's cut-offs
        if used is None or anchor(t.key) in used:
            groups.setdefault(t.group, []).append(t)
    return [(GROUPS.get(g, g), sorted(ts, key=lambda t: t.name.lower())) for g, ts in groups.items() if ts]


GLOSSARY_MARK = "<!-- orgpower:glossary -->"
_TERM_LINK = re.compile(r"""href=["']#(def-[^"']+)["']""")


def _with_glossary(env: Environment, html: str, doc: dict[str, Any], formats: tuple[str, ...]) -> str:
    """Fill the glossary in after the rest is written: the terms the report links to, once
    each (so every link has its row and no row is dead weight)."""
    used = set(_TERM_LINK.findall(html))
    fragment = env.get_template("glossary.html.j2").render(
        glossary=glossary_rows(doc, used), anchor=anchor, formats=formats, all_terms=len(rule_terms(doc.get("settings"))))
    return html.replace(GLOSSARY_MARK, fragment, 1)


def context(result: Any, *, meta: ReportMeta | None = None, names: bool = False,
            formats: tuple[str, ...] = ("json", "html")) -> dict[str, Any]:
    """Everything the template shows, as plain values and ready SVG strings."""
    from orgpower.report.xlsx import flows_currency, sheet_names

    meta = meta or ReportMeta()
    doc = result.document
    layers = doc["classification"]["layers"]
    units = scope_records(doc, "unit")
    teams = scope_records(doc, "team")
    name_of = name_lookup(result.model) if names else None
    label = people_label(name_of)
    currency = flows_currency(result.model)
    sheets = sheet_names(result.tables)
    where_rest = "audit.xlsx" if "xlsx" in formats else None

    def more_note(table: dict[str, Any], noun: str, table_name: str) -> str:
        if not table["more"]:
            return ""
        where = (f"in the sheet “{sheets.get(table_name, table_name)}” of audit.xlsx" if where_rest
                 else "in audit.xlsx when the audit is written with --format xlsx")
        return f"… and {table['more']:,} more {noun} {where}."

    unit_cols = ["id", "size", "label", "sublabels", "asymmetry_score", "direction_score", "concentration_score"]
    units_table = _table(result.tables["units"], unit_cols, 30)
    decision_tables = []
    for title, name, limit, persons in (
        ("Bottleneck approvers", "decision_bottlenecks", 25, ("actor",)),
        ("Decisions with a single point of veto", "decision_single_points", 15, ("actor",)),
        ("Decisions binding a unit without a voice", "decision_voiceless_units", 15, ()),
        ("Units consulted but never deciding", "decision_consulted_not_deciding", 15, ()),
    ):
        t = _table(result.tables[name], limit=limit, person_columns=persons, label=label)
        decision_tables.append((title, t, more_note(t, "rows", name)))
    resource_units = _table(result.tables.get("resource_units"), limit=15, currency=currency)
    change_tables = []
    for name, title, persons in (("change_people", "People whose span, budget or decision rights changed", ("person_id",)),
                                 ("change_units", "Units whose span, budget or decision rights changed (sums over the unit's members)", ()),
                                 ("change_arcs", "Ties that turned one-way or mutual", ("a", "b"))):
        if name in result.tables:
            t = _table(result.tables[name], limit=20, person_columns=persons, label=label, currency=currency, table=name)
            change_tables.append((title, t, more_note(t, "rows", name)))
    findings = [finding_view(f, label=label, formats=formats, sheets=sheets) for f in doc["findings"]]
    return {
        "doc": doc,
        "meta": meta,
        "names": names,
        "formats": formats,
        "org": doc["org"],
        "reading": doc["classification"]["org"],
        "summary": executive_summary(doc, meta),
        "layers": layers,
        "layer_values": doc["layers"],
        "layer_name": layer_name,
        "findings": findings,
        "units_table": units_table,
        "units_more": more_note(units_table, "units", "units"),
        "teams_count": doc["teams_read"],
        "team_labels": {lab: sum(1 for t in teams if t["label"] == lab) for lab in ("power-over", "mixed", "mutual", "undetermined")},
        "unit_labels": {lab: sum(1 for t in units if t["label"] == lab) for lab in ("power-over", "mixed", "mutual", "undetermined")},
        "pairs": doc["reporting_pairs"],
        "decisions": doc["decisions"],
        "decision_tables": decision_tables,
        "resources": doc["resources"],
        "currency": currency,
        "resource_units": resource_units,
        "resource_units_more": more_note(resource_units, "units", "resource_units"),
        "groups": doc["groups"],
        "inputs": doc["inputs"],
        "validation": doc["validation"],
        "settings": doc["settings"],
        "comparison": doc.get("comparison"),
        "change_tables": change_tables,
        "svg": {
            "power_map": charts.power_map(layers, thresholds_of(doc.get("settings"))),
            "org_chart": _org_chart(result, name_of),
            "heatmap": charts.spans_heatmap(result.tables["spans_layers"]),
            "lorenz": _lorenz(result),
        },
        "glossary_mark": Markup(GLOSSARY_MARK),
        "rules": rule_words(thresholds_of(doc.get("settings"))),  # label and axis words from the rules used
        "references": REFERENCES,
        "versions": _versions(),
        "colours": charts.COLOURS,
        "fv": format_value,
        "fk": format_kind,
        "term": term,
        "anchor": anchor,
        "explain": explain,
    }


def render_html(result: Any, *, meta: ReportMeta | None = None, names: bool = False,
                formats: tuple[str, ...] = ("json", "html")) -> str:
    """audit.html, which is also what WeasyPrint prints into audit.pdf (its print CSS
    makes the cover page, the contents with page numbers and the landscape pages).
    ``formats`` are the documents written beside it, so that a note never points to a
    file that is not there."""
    env = Environment(
        loader=PackageLoader("orgpower.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["layer_name"] = layer_name
    html = env.get_template("audit.html.j2").render(**context(result, meta=meta, names=names, formats=formats))
    return _with_glossary(env, html, result.document, formats)
