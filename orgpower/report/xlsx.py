"""audit.xlsx: every table of the audit, one sheet each, readable as it opens.

- a ``contents`` sheet first, linking to every sheet with what it holds and its row count;
  a ``summary`` sheet (the report's details, the reading, one row per input file) and a
  ``glossary`` sheet (every measure, score and label in plain words);
- headers in plain words (the column's key and meaning in the header's note), numbers
  formatted by what they are (percentages, thousands separators, the flows' currency when
  the input names one), long text wrapped in sized columns, header row and first column
  frozen, a filter on every table;
- no JSON in any cell: the findings' numbers and comparisons are written as sentences;
- safe from formula injection (text cells neutralised by :mod:`orgpower.report.safety`,
  and xlsxwriter told never to turn strings into formulas or links).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from orgpower.report.glossary import GROUPS, TERMS, column_label, format_value, term
from orgpower.report.meta import ReportMeta
from orgpower.report.names import name_lookup, with_names, without_names
from orgpower.report.safety import fit_excel_cell, neutralise, neutralise_frame

EXCEL_MAX_ROWS = 1_048_576  # the sheet size limit of Excel (header row included)
SHEET_ORDER = ("findings", "layers", "units", "teams", "reporting_pairs", "people", "spans_layers")
FRONT_SHEETS = ("contents", "summary", "glossary")
MAX_WIDTH = 60  # characters; longer text wraps
SAMPLE_ROWS = 500  # rows looked at to size a column

SHEET_DESCRIPTIONS = {
    "findings": "Ranked findings in words, with their numbers, where, compared with what, and a suggested change.",
    "layers": "Every measure of every layer of ties, with its reading and the three axis scores.",
    "units": "The reading of each unit: scores, labels per layer, evidence.",
    "teams": "The reading of each team (a manager and direct reports), largest first.",
    "reporting_pairs": "Each reporting line: which other layers run down it, up it, or both ways.",
    "people": "One row per person: position, span, reach, power and brokerage measures (ids only unless names were asked for).",
    "spans_layers": "People per reporting layer and span of control.",
    "decision_rights": "Decision roles held by each person or unit.",
    "decision_bottlenecks": "People holding the say on a large share of all decisions.",
    "decision_single_points": "Decisions that one person alone can make or stop.",
    "decision_voiceless_units": "Decisions binding a unit in which no member has a voice.",
    "decision_consulted_not_deciding": "Units consulted but never holding the say.",
    "resource_balance": "What each person or unit gives, receives and gets back.",
    "resource_units": "Returned and one-way flows per giving unit.",
    "resource_lorenz": "The Lorenz curve of budget given (share of people against share held).",
    "representation": "Power share against headcount share per group; small groups suppressed.",
    "validation": "Every data problem found in the input: file, row, value, what to do.",
    "inputs": "The files read, with their fingerprints (SHA-256).",
    "change_metrics": "Each layer measure before and now.",
    "change_people": "People whose span, budget or decision rights changed.",
    "change_units": "Units whose span, budget or decision rights changed.",
    "change_arcs": "Ties that turned one-way or mutual.",
}

MONEY_TABLES = ("resource_balance", "resource_units")
MONEY_COLUMNS = ("given", "received", "returned", "out_surplus", "in_surplus", "net", "one_way")


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "sheet"
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f"~{i}"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def _order(tables: dict[str, pd.DataFrame]) -> list[str]:
    return [n for n in SHEET_ORDER if n in tables] + sorted(
        n for n in tables if n not in SHEET_ORDER and not n.startswith("_"))


def sheet_names(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Table name -> the sheet it is written to (the report's notes point there)."""
    used = set(FRONT_SHEETS)
    return {name: _sheet_name(name, used) for name in _order(tables) if tables[name] is not None}


def _rows(frame: pd.DataFrame):
    """Rows as plain Python values: numbers stay numbers, missing values become None
    (an empty cell), text is already neutralised."""
    columns = []
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            columns.append([None if pd.isna(v) else ("yes" if v else "no") for v in values.astype(object)])
        elif pd.api.types.is_numeric_dtype(values):
            numbers = values.astype("float64").to_numpy()
            finite = np.isfinite(numbers)
            as_int = pd.api.types.is_integer_dtype(values)
            columns.append([(int(x) if as_int else float(x)) if ok else None for x, ok in zip(numbers.tolist(), finite)])
        else:
            columns.append([None if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v))
                            else ("yes" if v else "no") if isinstance(v, (bool, np.bool_))
                            else fit_excel_cell(v) if isinstance(v, str) else v if isinstance(v, (int, float))
                            else fit_excel_cell(str(v)) for v in values.tolist()])
    return zip(*columns)


def flows_currency(model: Any) -> str | None:
    """The currency of the flows when the input names exactly one (else None)."""
    flows = getattr(model, "flows", None)
    if flows is None or flows.empty or "currency" not in flows:
        return None
    values = flows["currency"].dropna().astype(str).str.strip()
    values = values[values != ""].unique()
    return str(values[0]) if len(values) == 1 else None


def _is_money(table: str, column: str) -> bool:
    if table in MONEY_TABLES and column in MONEY_COLUMNS:
        return True
    if column.startswith(("resources_", "budget_given")):
        return True
    return column.startswith("flows_") and column.endswith("strength")


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook, currency: str | None):
        add = workbook.add_format
        self.header = add({"bold": True, "bg_color": "#F4F6F7", "border": 1, "text_wrap": True, "valign": "top"})
        self.title = add({"bold": True, "font_size": 14})
        self.bold = add({"bold": True, "valign": "top"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.link = add({"font_color": "#1F618D", "underline": 1, "valign": "top"})
        self.text = add({"valign": "top"})
        money = f'#,##0.00 "{currency}"' if currency else "#,##0.00"
        self.by_kind = {
            "share": add({"num_format": "0.0%", "valign": "top"}),
            "count": add({"num_format": "#,##0", "valign": "top"}),
            "amount": add({"num_format": "#,##0.00", "valign": "top"}),
            "money": add({"num_format": money, "valign": "top"}),
            "score": add({"num_format": "0.000", "valign": "top"}),
            "ratio": add({"num_format": '0.00"×"', "valign": "top"}),
            "z": add({"num_format": "+0.0;-0.0;0.0", "valign": "top"}),
        }


def _width(header: str, values: list[Any]) -> tuple[int, bool]:
    """Column width in characters, and whether the column wraps."""
    longest = max([len(str(v)) for v in values if v is not None] + [0])
    head = min(max(len(w) for w in header.split()) if header.split() else 8, 30)
    width = max(min(longest, MAX_WIDTH), head, 8) + 2
    return min(width, MAX_WIDTH + 2), longest > MAX_WIDTH


def _write_table(workbook, sheet, name: str, frame: pd.DataFrame, fmt: _Formats) -> None:
    cut = len(frame) > EXCEL_MAX_ROWS - 2
    if cut:  # keep a row for the note that says where the rest is
        frame = frame.head(EXCEL_MAX_ROWS - 2)
    frame = neutralise_frame(frame.reset_index(drop=True))
    sample = frame.head(SAMPLE_ROWS)
    for col, column in enumerate(frame.columns):
        header, kind, meaning = column_label(str(column), name)
        sheet.write_string(0, col, neutralise(header), fmt.header)
        note = f"{column}" + (f": {meaning}" if meaning else "")
        sheet.write_comment(0, col, neutralise(note), {"x_scale": 2, "y_scale": 1.4})
        values = frame[column]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if numeric:
            if _is_money(name, str(column)):
                kind = "money"
            elif kind not in fmt.by_kind:
                kind = "count" if pd.api.types.is_integer_dtype(values) else "score"
            width = max(min(len(header), 24), 12)
            sheet.set_column(col, col, width, fmt.by_kind[kind])
        else:
            width, wraps = _width(header, sample[column].tolist())
            sheet.set_column(col, col, width, fmt.wrap if wraps else fmt.text)
    sheet.set_row(0, 45 if any(len(column_label(str(c), name)[0]) > 14 for c in frame.columns) else 20)
    for r, row in enumerate(_rows(frame), start=1):
        sheet.write_row(r, 0, row)
    if cut:
        sheet.write_string(len(frame) + 1, 0, "Cut at Excel's limit of 1,048,576 rows; people.csv holds every person.")
    if len(frame.columns):
        sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
        sheet.freeze_panes(1, 1)


def findings_sheet(result: Any, label=None) -> pd.DataFrame:
    """The findings in words: their numbers and comparisons as sentences, never JSON.
    ``label`` writes a person's id (``id (name)`` when names are shown), as the report does."""
    from orgpower.report.html import finding_view, label_ids

    label = label or str

    rows = []
    for f in result.document["findings"]:
        view = finding_view(f, label=label, formats=("xlsx",), sheets=sheet_names(result.tables))
        rows.append({
            "rank": f["rank"], "severity": f["severity"], "title": f["title"], "summary": f["summary"],
            "numbers": "; ".join(f"{name}: {value}" for name, _, value in view["numbers"]),
            "evidence": " ".join(label_ids(e, label) for e in f["evidence"]),
            "where": "; ".join(f"{k}: {v}" for k, v in view["where"]),
            "compared_with": " ".join(view["compared"]),
            "definition": "; ".join(name for name, _ in view["definitions"]),
            "recommendation": f["recommendation"], "id": f["id"],
        })
    columns = ["rank", "severity", "title", "summary", "numbers", "evidence", "where", "compared_with", "definition",
               "recommendation", "id"]
    return pd.DataFrame(rows, columns=columns)


def glossary_frame() -> pd.DataFrame:
    rows = [{"group": GROUPS.get(t.group, t.group), "name": t.name, "key": t.key, "in plain words": t.plain,
             "formula": t.formula, "reference": t.reference} for t in TERMS.values()]
    order = {g: i for i, g in enumerate(GROUPS.values())}
    frame = pd.DataFrame(rows)
    return frame.sort_values(["group", "name"], key=lambda s: s.map(order) if s.name == "group" else s.str.lower()).reset_index(drop=True)


def _summary_rows(result: Any, meta: ReportMeta, names: bool) -> list[tuple[str, Any, str | None]]:
    doc = result.document
    org = doc["classification"]["org"]
    rows: list[tuple[str, Any, str | None]] = [("Report", meta.heading, None)]
    for label, value in (("Organisation", meta.organisation), ("Prepared for", meta.prepared_for),
                         ("Prepared by", meta.prepared_by), ("Date", meta.date_text),
                         ("Confidentiality", meta.confidentiality)):
        if value:
            rows.append((label, value, None))
    rows += [
        ("Reading", org["label"] + (f" ({', '.join(org['sublabels'])})" if org["sublabels"] else ""), None),
        *[(term(f"{axis}_score").name, score, "score") for axis, score in org["scores"].items()],
        ("People", doc["org"]["people"], "count"),
        ("Layers of ties", ", ".join(doc["org"]["graph_layers"]), None),
        ("Findings", len(doc["findings"]), "count"),
        ("People shown as", "ids and names" if names else "ids only", None),
        ("orgpower version", doc["tool"]["version"], None),
        ("Minimum group size", doc["settings"]["min_group_size"], "count"),
        ("Rewired copies (null model) / seed", f"{doc['settings']['null_samples']} / {doc['settings']['seed']}", None),
    ]
    if not doc["inputs"]:
        rows.append(("Input", "given in memory (no files)", None))
    for item in doc["inputs"]:
        rows.append((f"Input: {item['file']}", f"{item['kind']}, {item['rows_used']:,} of {item['rows']:,} rows used, "
                     f"SHA-256 {item['sha256']}", None))
    return rows


def write_xlsx(result: Any, path: Path, *, meta: ReportMeta | None = None, people: pd.DataFrame | None = None,
               names: bool = False) -> Path:
    """Write audit.xlsx. ``people`` is the people table as people.csv has it. With
    ``names``, every sheet that holds a person id gets the name beside it, and the findings
    write ``id (name)`` as the report does; without, no sheet holds a name."""
    from orgpower.report.html import people_label

    meta = meta or ReportMeta()
    lookup = name_lookup(result.model) if names else {}
    tables = {name: (with_names(t, name, lookup) if names else without_names(t)) for name, t in result.tables.items()}
    tables["findings"] = findings_sheet(result, people_label(lookup))
    if people is not None:
        tables["people"] = people
    return write_workbook(tables, path, summary_rows=_summary_rows(result, meta, names), meta=meta,
                          currency=flows_currency(result.model))


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, *, summary_rows: list[tuple[str, Any, str | None]],
                   meta: ReportMeta | None = None, currency: str | None = None) -> Path:
    """The workbook itself: contents, summary (``summary_rows``: label, value, kind),
    glossary, then one sheet per table."""
    meta = meta or ReportMeta()
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False, "nan_inf_to_errors": False,
                                               "constant_memory": True})
    workbook.set_properties({"title": meta.heading, "author": meta.prepared_by or "",
                             "company": meta.organisation or "", "comments": "Made with orgpower"})
    fmt = _Formats(workbook, currency)
    names_of = sheet_names(tables)

    contents = workbook.add_worksheet("contents")
    contents.set_column(0, 0, 30)
    contents.set_column(1, 1, 90)
    contents.set_column(2, 2, 12, fmt.by_kind["count"])
    contents.write_string(0, 0, neutralise(meta.heading), fmt.title)
    contents.write_string(1, 0, "Every sheet of this workbook; follow a name to open it.", fmt.text)
    contents.write_row(3, 0, ["Sheet", "What it holds", "Rows"], fmt.header)
    row = 4
    front = (("summary", "The report's details, the reading, and the input files."),
             ("glossary", "Every measure, score and label in plain words, with its formula and reference."))
    for sheet_name, description in front:
        contents.write_url(row, 0, f"internal:'{sheet_name}'!A1", fmt.link, sheet_name)
        contents.write_string(row, 1, description, fmt.wrap)
        row += 1
    for table, sheet_name in names_of.items():
        contents.write_url(row, 0, f"internal:'{sheet_name}'!A1", fmt.link, sheet_name)
        contents.write_string(row, 1, SHEET_DESCRIPTIONS.get(table, column_label(table)[2] or table), fmt.wrap)
        contents.write_number(row, 2, len(tables[table]))
        row += 1
    contents.freeze_panes(4, 0)

    summary = workbook.add_worksheet("summary")
    summary.set_column(0, 0, 38)
    summary.set_column(1, 1, 100)
    for r, (key, value, kind) in enumerate(summary_rows):
        summary.write_string(r, 0, neutralise(str(key)), fmt.bold)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            summary.write_number(r, 1, value, fmt.by_kind.get(kind or "score"))
        else:
            summary.write_string(r, 1, fit_excel_cell(neutralise(str(value))), fmt.wrap)
    summary.freeze_panes(0, 1)

    glossary = workbook.add_worksheet("glossary")
    _write_table(workbook, glossary, "glossary", glossary_frame(), fmt)

    for table, sheet_name in names_of.items():
        sheet = workbook.add_worksheet(sheet_name)
        _write_table(workbook, sheet, table, tables[table], fmt)
    workbook.close()
    return path


__all__ = ["write_xlsx", "write_workbook", "sheet_names", "findings_sheet", "glossary_frame", "SHEET_DESCRIPTIONS", "format_value"]
