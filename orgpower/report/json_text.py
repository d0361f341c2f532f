"""Indented JSON text, byte for byte what ``json.dumps(..., indent=N)`` writes, at the
speed of the C encoder.

``json.dumps`` with ``indent`` encodes through the standard library's pure-Python
encoder (its C encoder is used only without indent): a Python call per value, most of
the cost of writing audit.json. :func:`dumps_indented` lets the C encoder write the
compact text (``", "`` never, ``","`` between items, ``": "`` after keys) and then lays
the indentation into it with NumPy: the structural characters (brackets, braces and
commas outside strings; a quote is escaped when an odd run of backslashes precedes it)
and their nesting depth are found column-wise, and a new line with ``indent`` spaces per
level is put after each opening bracket and comma and before each closing bracket, as
the pure-Python encoder does (an empty ``[]`` or ``{}`` stays as it is).
``tests/test_report_json_text.py`` compares the two on hostile values.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

_QUOTE, _BACKSLASH, _COMMA = ord('"'), ord("\\"), ord(",")
_NEWLINE, _SPACE = ord("\n"), ord(" ")
_STEP = np.zeros(256, np.int8)  # +1 opens a level, -1 closes one, 0 elsewhere
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1
_STRUCTURAL = _STEP != 0
_STRUCTURAL[_COMMA] = True


def dumps_indented(value: Any, *, indent: int = 2, sort_keys: bool = False, ensure_ascii: bool = True,
                   allow_nan: bool = True) -> str:
    """``json.dumps(value, indent=indent, sort_keys=..., ensure_ascii=..., allow_nan=...)``,
    the same text (a value the encoder refuses raises the same error).

    >>> dumps_indented({"b": [1, {}], "a": "x, [y]"}, sort_keys=True)
    '{\\n  "a": "x, [y]",\\n  "b": [\\n    1,\\n    {}\\n  ]\\n}'
    """
    if not isinstance(indent, int) or isinstance(indent, bool) or indent < 0:
        raise ValueError(f"indent must be a whole number of spaces, 0 or more, not {indent!r}")
    compact = json.dumps(value, sort_keys=sort_keys, ensure_ascii=ensure_ascii, allow_nan=allow_nan,
                         separators=(",", ": "))
    return reindent(compact, indent)


def reindent(compact: str, indent: int = 2) -> str:
    """Compact JSON text as written with ``separators=(",", ": ")`` -> the same value laid
    out as ``json.dumps(indent=indent)`` lays it out."""
    # UTF-8 never puts an ASCII byte inside a multi-byte character, so the structural
    # characters are found among the bytes; "surrogatepass" carries lone surrogates
    # (which json.dumps passes through with ensure_ascii=False) there and back
    data = np.frombuffer(compact.encode("utf-8", "surrogatepass"), np.uint8)
    if not data.size:
        return compact
    quotes = _unescaped_quotes(data)
    marks = np.flatnonzero(_STRUCTURAL[data])
    marks = marks[np.searchsorted(quotes, marks) % 2 == 0]  # an even number of quotes before: outside strings
    if not marks.size:
        return compact
    step = _STEP[data[marks]]
    depth = np.cumsum(step, dtype=np.int64)  # the depth after each mark
    # "[]" and "{}" stay on one line: an opening mark directly followed by a closing one
    empty = np.zeros(marks.size, bool)
    empty[:-1] = (step[:-1] == 1) & (step[1:] == -1) & (marks[1:] == marks[:-1] + 1)
    empty[1:] |= empty[:-1]
    keep = ~empty
    closing = step[keep] == -1
    # a line break goes after an opening mark or a comma, before a closing mark
    at = marks[keep] + np.where(closing, 0, 1)
    lengths = 1 + indent * depth[keep]
    before = np.cumsum(lengths) - lengths  # bytes inserted before each break
    out = np.full(data.size + int(lengths.sum()), _SPACE, np.uint8)
    out[at + before] = _NEWLINE
    # the original bytes fill the runs between the breaks, in order
    pieces = np.diff(at, prepend=0, append=data.size)
    runs = np.empty(2 * at.size + 1, np.int64)
    runs[0::2], runs[1::2] = pieces, lengths
    original = np.zeros(runs.size, bool)
    original[0::2] = True
    out[np.repeat(original, runs)] = data
    return out.tobytes().decode("utf-8", "surrogatepass")


def _unescaped_quotes(data: np.ndarray) -> np.ndarray:
    """Positions of the quotes that open or close a string (a quote after an odd run of
    backslashes is part of the string)."""
    quotes = np.flatnonzero(data == _QUOTE)
    slashes = np.flatnonzero(data == _BACKSLASH)
    if not slashes.size or not quotes.size:
        return quotes
    starts = np.ones(slashes.size, bool)  # where a run of consecutive backslashes begins
    starts[1:] = slashes[1:] != slashes[:-1] + 1
    run_start = slashes[np.maximum.accumulate(np.where(starts, np.arange(slashes.size), 0))]
    last = np.searchsorted(slashes, quotes) - 1  # the last backslash before each quote
    safe = np.maximum(last, 0)
    after_run = (last >= 0) & (slashes[safe] == quotes - 1)
    escaped = after_run & ((quotes - run_start[safe]) % 2 == 1)
    return quotes[~escaped]
