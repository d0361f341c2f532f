"""Cells safe to open in a spreadsheet: text that starts with = + - @ (or tab, CR)
would run as a formula in Excel/LibreOffice, so it gets a leading apostrophe
(OWASP "CSV injection"). Numbers are left as numbers.

The check looks past leading spaces and invisible characters (a zero-width space or a
byte-order mark before "=" is still a formula to some importers) and at the character's
compatibility form, so the Unicode look-alikes of = + - @ (full-width ＝ ＋ － ＠, small
﹦ ﹢ ﹣ ﹫, super- and subscript ⁼ ₊ …, and the minus sign −) are neutralised too.

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("-12"), neutralise(-12), neutralise("Sales")
("'-12", -12, 'Sales')
>>> neutralise("＝1+1"), neutralise("\\u200b=1+1")[0]
("'＝1+1", "'")
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset(FORMULA_START)
# Look-alikes whose compatibility form (NFKC) is not an ASCII sign (⁻ and ₋ become −).
_LOOK_ALIKES = {"\u2212": "-", "\u2796": "-", "\u2795": "+", "\ufe62": "+"}
EXCEL_MAX_CELL_CHARS = 32_767  # Excel's limit on the text of one cell


def _first_visible(value: str) -> str:
    """The first character that is neither a space nor an invisible format character."""
    for char in value:
        if char in "\t\r":
            return char
        if char.isspace() or unicodedata.category(char) == "Cf":
            continue
        return char
    return ""


def runs_as_formula(value: str) -> bool:
    """True when a spreadsheet could read ``value`` as a formula."""
    if not value:
        return False
    first = value[0]
    if first < "\x80" and not first.isspace():  # the common case, decided at once
        return first in _FORMULA_CHARS
    first = _first_visible(value)
    if not first:
        return False
    first = unicodedata.normalize("NFKC", first)[:1]
    first = _LOOK_ALIKES.get(first, first)
    return first in FORMULA_START


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and runs_as_formula(value):
        return "'" + value
    return value


# ASCII characters that start a formula or may hide one (spaces); any other ASCII first
# character decides at once that a cell is safe (see runs_as_formula)
_ASCII_SUSPECT = "".join(c for c in map(chr, range(128)) if c in _FORMULA_CHARS or c.isspace())


def _neutralise_column(column: pd.Series) -> pd.Series:
    """``column.map(neutralise).astype(object)``, with only the cells whose first
    character could start a formula looked at one by one (a million-row column holds a
    handful)."""
    if not isinstance(column.dtype, pd.StringDtype) and not (
            column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "string"):
        return column.map(neutralise).astype(object)
    values = column.to_numpy(dtype=object, copy=True)
    if isinstance(column.dtype, pd.StringDtype):
        values[column.isna().to_numpy()] = column.dtype.na_value
    text = pa.array(column.to_numpy(dtype=object, na_value=None), type=pa.string())
    first = pc.utf8_slice_codeunits(text, 0, 1)
    suspect = pc.or_(pc.is_in(first, pa.array(list(_ASCII_SUSPECT))),
                     pc.match_substring_regex(first, "[^\\x00-\\x7f]"))
    for index in np.flatnonzero(pc.fill_null(suspect, False).to_numpy(zero_copy_only=False)):
        values[index] = neutralise(values[index])
    return pd.Series(values, index=column.index, name=column.name, dtype=object)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot run as formulas."""
    out = frame.copy(deep=False)  # the text columns are replaced, never written into (copy on write)
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = _neutralise_column(out[column])
    return out


def fit_excel_cell(value: Any) -> Any:
    """Text longer than Excel's 32,767 characters per cell, cut so that it fits, ending
    with a note that says so and how long the text was (Excel would refuse the file, and
    a silent cut would show part of a value as the whole of it).

    >>> cell = fit_excel_cell("x" * 50_000)
    >>> len(cell), cell[-40:]
    (32767, ',767 characters per cell; 50,000 in all]')
    """
    if not isinstance(value, str) or len(value) <= EXCEL_MAX_CELL_CHARS:
        return value
    note = f" … [cut at Excel's limit of {EXCEL_MAX_CELL_CHARS:,} characters per cell; {len(value):,} in all]"
    return value[: EXCEL_MAX_CELL_CHARS - len(note)] + note
