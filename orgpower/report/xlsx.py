"""audit.xlsx: every table of the audit, one sheet each, safe from formula injection
(text cells neutralised by :mod:`orgpower.report.safety`, and xlsxwriter told never to
turn strings into formulas or links)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from orgpower.report.safety import fit_excel_cell, neutralise, neutralise_frame

EXCEL_MAX_ROWS = 1_048_576  # the sheet size limit of Excel (header row included)
SHEET_ORDER = ("findings", "layers", "units", "teams", "reporting_pairs", "people", "spans_layers")


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "sheet"
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f"~{i}"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def _rows(frame: pd.DataFrame):
    """Rows as plain Python values: numbers stay numbers, missing values become None
    (an empty cell), text is already neutralised."""
    columns = []
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            columns.append([None if pd.isna(v) else bool(v) for v in values.astype(object)])
        elif pd.api.types.is_numeric_dtype(values):
            numbers = values.astype("float64").to_numpy()
            finite = np.isfinite(numbers)
            as_int = pd.api.types.is_integer_dtype(values)
            columns.append([(int(x) if as_int else float(x)) if ok else None for x, ok in zip(numbers.tolist(), finite)])
        else:
            columns.append([None if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v))
                            else fit_excel_cell(v) if isinstance(v, str) else v if isinstance(v, (bool, int, float)) else fit_excel_cell(str(v))
                            for v in values.tolist()])
    return zip(*columns)


def write_xlsx(tables: dict[str, pd.DataFrame], summary: dict[str, Any], path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False, "nan_inf_to_errors": False,
                                               "constant_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#F4F6F7", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    used: set[str] = set()
    sheet = workbook.add_worksheet(_sheet_name("summary", used))
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 60)
    for row, (key, value) in enumerate(summary.items()):
        sheet.write_string(row, 0, neutralise(str(key)), bold)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, 1, value)
        else:
            sheet.write_string(row, 1, fit_excel_cell(neutralise(str(value))), wrap)
    order = [n for n in SHEET_ORDER if n in tables] + sorted(n for n in tables if n not in SHEET_ORDER and not n.startswith("_"))
    for name in order:
        frame = tables[name]
        if frame is None:
            continue
        cut = len(frame) > EXCEL_MAX_ROWS - 2
        if cut:  # keep a row for the note that says where the rest is
            frame = frame.head(EXCEL_MAX_ROWS - 2)
        frame = neutralise_frame(frame.reset_index(drop=True))
        sheet = workbook.add_worksheet(_sheet_name(name, used))
        for col, column in enumerate(frame.columns):
            sheet.write_string(0, col, str(column), bold)
            sheet.set_column(col, col, min(max(len(str(column)) + 2, 10), 60))
        for r, row in enumerate(_rows(frame), start=1):
            sheet.write_row(r, 0, row)
        if cut:
            sheet.write_string(len(frame) + 1, 0, "Cut at Excel's limit of 1,048,576 rows; people.csv holds every person.")
        if len(frame.columns):
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
            sheet.freeze_panes(1, 0)
    workbook.close()
    return path
