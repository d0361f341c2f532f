"""audit.xlsx: every table of the audit, one sheet each, safe from formula injection
(text cells neutralised by :mod:`orgpower.report.safety`, and xlsxwriter told never to
turn strings into formulas or links)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from orgpower.report.safety import neutralise, neutralise_frame

SHEET_ORDER = ("findings", "layers", "units", "teams", "reporting_pairs", "people", "spans_layers")


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "sheet"
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f"~{i}"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    return value


def write_xlsx(tables: dict[str, pd.DataFrame], summary: dict[str, Any], path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False, "nan_inf_to_errors": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#F4F6F7", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    used: set[str] = set()
    sheet = workbook.add_worksheet(_sheet_name("summary", used))
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 60)
    for row, (key, value) in enumerate(summary.items()):
        sheet.write_string(row, 0, neutralise(str(key)), bold)
        sheet.write_string(row, 1, neutralise(str(value)), wrap)
    order = [n for n in SHEET_ORDER if n in tables] + sorted(n for n in tables if n not in SHEET_ORDER and not n.startswith("_"))
    for name in order:
        frame = tables[name]
        if frame is None:
            continue
        frame = neutralise_frame(frame.reset_index(drop=True))
        sheet = workbook.add_worksheet(_sheet_name(name, used))
        for col, column in enumerate(frame.columns):
            sheet.write_string(0, col, str(column), bold)
            sheet.set_column(col, col, min(max(len(str(column)) + 2, 10), 60))
        for r, row in enumerate(frame.itertuples(index=False), start=1):
            for c, value in enumerate(row):
                value = _cell(value)
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(neutralise(str(value))))
        if len(frame.columns):
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
            sheet.freeze_panes(1, 0)
    workbook.close()
    return path
