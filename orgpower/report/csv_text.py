"""The text of a CSV file, column by column in Arrow, byte for byte what pandas writes.

``pandas.DataFrame.to_csv`` formats every float cell with a Python call (and a
missing-value check) and hands every row to the ``csv`` module: at 1,000,000 people
and 64 columns that is tens of seconds. :func:`csv_text` builds the same text one
column at a time: integers cast by Arrow, floats formatted once per distinct value
(whole numbers below 10^10, the most common, cast as integers: ``"%.10g"`` writes them
the same), text quoted exactly where the ``csv`` module would quote it, rows joined in
Arrow. It returns ``None`` for a frame it cannot render exactly (an unusual dtype, a
text column holding non-text values, a single column), and the caller lets pandas
write it; ``tests/test_report_csv_text.py`` compares the two on hostile frames.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _quoted_characters() -> str:
    """The characters that make the ``csv`` module quote a field (delimiter, quote
    character, line terminator; ``\\r`` depends on the Python version), found by asking it."""
    found = []
    for char in (",", '"', "\n", "\r"):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([f"a{char}b", "x"])
        if buffer.getvalue().startswith('"'):
            found.append(char)
    return "".join(found)


_QUOTED = _quoted_characters()
_NEEDS_QUOTES = "[" + re.escape(_QUOTED) + "]"
_WHOLE_LIMIT = 1e10  # below it, "%.10g" writes a whole number as its digits


def _quote(strings: pa.Array) -> pa.Array:
    """Text as the ``csv`` module writes it (QUOTE_MINIMAL): quoted, with quotes doubled,
    when it holds a delimiter, a quote or a line break."""
    needs = pc.match_substring_regex(strings, _NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return strings
    doubled = pc.replace_substring(strings, '"', '""')
    quoted = pc.binary_join_element_wise('"', doubled, '"', "")
    return pc.if_else(needs, quoted, strings)


def _float_strings(values: np.ndarray, float_format: str) -> pa.Array:
    """``float_format % x`` for every value, null where NaN (pandas writes "")."""
    missing = np.isnan(values)
    # whole numbers (not -0.0) below 10^10: the integer's digits, as "%.10g" writes them
    whole = ~missing & (np.abs(values) < _WHOLE_LIMIT) & (np.trunc(values) == values) & ~((values == 0) & np.signbit(values))
    strings = pa.array(np.where(whole, values, 0).astype(np.int64)).cast(pa.string())
    rest = ~missing & ~whole
    if rest.any():
        codes = np.zeros(len(values), dtype=np.int64)
        codes[rest], uniques = pd.factorize(values[rest])  # each distinct value formatted once
        formatted = pa.array([float_format % x for x in uniques.tolist()], type=pa.string())
        strings = pc.if_else(pa.array(rest), formatted.take(pa.array(codes)), strings)
    if missing.any():
        strings = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), strings)
    return strings


def _column_strings(column: pd.Series, float_format: str) -> pa.Array | None:
    dtype = column.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind in "iu":
            return pa.array(column.to_numpy()).cast(pa.string())
        if dtype == np.float64:
            return _float_strings(column.to_numpy(), float_format)
        if dtype.kind == "b":
            return pa.array(np.where(column.to_numpy(), "True", "False"), type=pa.string())
        if dtype.kind == "O":
            if pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"):
                return None
            values = column.to_numpy()
            missing = pd.isna(values)
            if missing.any():
                values = values.copy()
                values[missing] = None
            return _quote(pa.array(values, type=pa.string()))
        return None
    if isinstance(dtype, (pd.Int8Dtype, pd.Int16Dtype, pd.Int32Dtype, pd.Int64Dtype, pd.UInt8Dtype, pd.UInt16Dtype,
                          pd.UInt32Dtype, pd.UInt64Dtype)):
        return pa.array(column.array).cast(pa.string())  # <NA> is written as ""
    if isinstance(dtype, pd.StringDtype):
        return _quote(pa.array(column.to_numpy(dtype=object, na_value=None), type=pa.string()))
    return None


def _concatenated(strings: pa.Array) -> str:
    """All the strings of an Arrow array (no nulls) as one, straight from its data buffer."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64 if strings.type == pa.large_string() else np.int32)
    offsets = offsets[strings.offset:strings.offset + len(strings) + 1]
    data = strings.buffers()[2]
    return data.to_pybytes()[offsets[0]:offsets[-1]].decode("utf-8") if data is not None else ""


def csv_text(frame: pd.DataFrame, float_format: str = "%.10g") -> str | None:
    """``frame.to_csv(index=False, lineterminator="\\n", float_format=float_format)``,
    or ``None`` when the frame holds something this function does not render exactly.

    >>> csv_text(pd.DataFrame({"id": ["a,1", "b"], "x": [0.5, float("nan")], "n": [3, 4]}))
    'id,x,n\\n"a,1",0.5,3\\nb,,4\\n'
    """
    if frame.shape[1] < 2 or not frame.columns.is_unique:
        return None  # a lone empty field is written "" by the csv module
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([str(c) for c in frame.columns])
    if len(frame) == 0:
        return header.getvalue()
    columns: list[Any] = []
    for name in frame.columns:
        strings = _column_strings(frame[name], float_format)
        if strings is None:
            return None
        columns.append(strings.cast(pa.large_string()))  # 64-bit offsets: the text may pass 2 GiB
    columns.append(pa.scalar("", pa.large_string()))  # a last empty field: every row ends in ",", made "\n" below
    rows = pc.binary_join_element_wise(*columns, pa.scalar(",", pa.large_string()), null_handling="replace",
                                       null_replacement="")
    rows = pc.utf8_replace_slice(rows, -1, 2**31 - 1, "\n")
    return header.getvalue() + _concatenated(rows)
