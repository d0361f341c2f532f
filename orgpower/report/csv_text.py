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
from collections.abc import Iterator
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
    # each distinct value is formatted once, then taken per row (NaN's code is -1: null)
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=float)
    # whole numbers (not -0.0) below 10^10: the integer's digits, as "%.10g" writes them
    whole = (np.abs(uniques) < _WHOLE_LIMIT) & (np.trunc(uniques) == uniques) & ~((uniques == 0) & np.signbit(uniques))
    digits = pa.array(uniques[whole].astype(np.int64)).cast(pa.string())
    other = np.flatnonzero(~whole)
    formatted = pa.array([float_format % x for x in uniques[other].tolist()], type=pa.string())
    where = np.empty(len(uniques), dtype=np.int64)  # each distinct value's place among digits + formatted
    where[whole] = np.arange(len(digits))
    where[other] = len(digits) + np.arange(len(other))
    strings = pa.concat_arrays([digits, formatted]).take(pa.array(where))
    text = strings.take(pa.array(codes, mask=codes < 0))
    # factorize takes -0.0 and 0.0 for one value: where -0.0 occurs, each zero is written by its sign
    negative_zero = (values == 0) & np.signbit(values)
    if negative_zero.any():
        text = pc.if_else(pa.array(values == 0), pa.scalar("0", pa.string()), text)
        text = pc.if_else(pa.array(negative_zero), pa.scalar(float_format % -0.0, pa.string()), text)
    return text


_MASKED_INTEGERS = (pd.Int8Dtype, pd.Int16Dtype, pd.Int32Dtype, pd.Int64Dtype, pd.UInt8Dtype, pd.UInt16Dtype,
                    pd.UInt32Dtype, pd.UInt64Dtype)


def _kind(column: pd.Series) -> str | None:
    """How a column is rendered, or ``None`` when this module cannot render it exactly."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind in "iu":
            return "int"
        if dtype == np.float64:
            return "float"
        if dtype.kind == "b":
            return "bool"
        if dtype.kind == "O" and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
            return "object text"
        return None
    if isinstance(dtype, _MASKED_INTEGERS):
        return "int"  # <NA> is written as ""
    if isinstance(dtype, pd.StringDtype):
        return "text"
    return None


def _column_strings(column: pd.Series, kind: str, float_format: str) -> pa.Array:
    if kind == "int":
        return pa.array(column.array if not isinstance(column.dtype, np.dtype) else column.to_numpy()).cast(pa.string())
    if kind == "float":
        return _float_strings(column.to_numpy(), float_format)
    if kind == "bool":
        return pa.array(np.where(column.to_numpy(), "True", "False"), type=pa.string())
    values = column.to_numpy(dtype=object, na_value=None) if kind == "text" else column.to_numpy()
    if kind == "object text":
        missing = pd.isna(values)
        if missing.any():
            values = values.copy()
            values[missing] = None
    return _quote(pa.array(values, type=pa.string()))


def _concatenated(strings: pa.Array) -> str:
    """All the strings of an Arrow array (no nulls) as one, straight from its data buffer."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64 if strings.type == pa.large_string() else np.int32)
    offsets = offsets[strings.offset:strings.offset + len(strings) + 1]
    data = strings.buffers()[2]
    return data.to_pybytes()[offsets[0]:offsets[-1]].decode("utf-8") if data is not None else ""


CHUNK_ROWS = 100_000  # rows rendered at a time: the text of a million rows is built piece by piece


def csv_chunks(
    frame: pd.DataFrame, float_format: str = "%.10g", chunk_rows: int = CHUNK_ROWS, *,
    rows: tuple[int, int] | None = None, header: bool = True,
) -> Iterator[str] | None:
    """The text of ``frame.to_csv(index=False, lineterminator="\\n", float_format=float_format)``
    in pieces (the header, then ``chunk_rows`` rows at a time), or ``None`` when the frame
    holds something this module does not render exactly.

    ``rows = (start, stop)``: only those rows (how each column is rendered is still
    decided over the whole frame, so the pieces of several ranges, joined in order, are
    the text of all of them); ``header=False`` leaves the header out."""
    if frame.shape[1] < 2 or not frame.columns.is_unique:
        return None  # a lone empty field is written "" by the csv module
    kinds = [_kind(frame[name]) for name in frame.columns]
    if None in kinds:
        return None
    return _chunks(frame, kinds, float_format, chunk_rows, rows or (0, len(frame)), header)


def _chunks(
    frame: pd.DataFrame, kinds: list[str], float_format: str, chunk_rows: int, rows: tuple[int, int], header: bool,
) -> Iterator[str]:
    if header:
        names = io.StringIO()
        csv.writer(names, lineterminator="\n").writerow([str(c) for c in frame.columns])
        yield names.getvalue()
    first, stop = rows
    for start in range(first, stop, chunk_rows):
        part = frame.iloc[start:min(start + chunk_rows, stop)]
        # 64-bit offsets for the join: a piece may pass 2 GiB of text
        columns: list[Any] = [_column_strings(part[name], kind, float_format).cast(pa.large_string())
                              for name, kind in zip(frame.columns, kinds)]
        columns.append(pa.scalar("", pa.large_string()))  # a last empty field: every row ends in ",", made "\n" below
        rows = pc.binary_join_element_wise(*columns, pa.scalar(",", pa.large_string()), null_handling="replace",
                                           null_replacement="")
        yield _concatenated(pc.utf8_replace_slice(rows, -1, 2**31 - 1, "\n"))


def csv_text(frame: pd.DataFrame, float_format: str = "%.10g") -> str | None:
    """``frame.to_csv(index=False, lineterminator="\\n", float_format=float_format)``,
    or ``None`` when the frame holds something this function does not render exactly.

    >>> csv_text(pd.DataFrame({"id": ["a,1", "b"], "x": [0.5, float("nan")], "n": [3, 4]}))
    'id,x,n\\n"a,1",0.5,3\\nb,,4\\n'
    """
    chunks = csv_chunks(frame, float_format)
    return None if chunks is None else "".join(chunks)
