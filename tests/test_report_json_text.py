"""audit.json is laid out by orgpower.report.json_text (the C encoder's compact text,
re-indented column-wise); the specification is the standard library's pure-Python
indented encoder, ``json.dumps(value, indent=N, ...)``: the same text on hostile values."""

from __future__ import annotations

import json
import math
import random

import pytest

from orgpower.report.document import clean, dumps
from orgpower.report.json_text import dumps_indented, reindent

HOSTILE_TEXT = ["", "plain", "a,b", "[x]", "{y}", "a: b", '"', '\\', '\\"', '\\\\', 'end\\', '"quoted"', "x\\\"]",
                "two\nlines", "tab\t", "\x00\x1f", "\u2028\u2029", "ünïcödé", "名前", "😀", "\ud800", "\udfff lone",
                "], {", "\\\\\\\"", ",,,", "  spaced  "]
FLOATS = [0.0, -0.0, 1.0, -1.5, 1 / 3, 1e-5, 1e-7, 1e16, 1e22, 1.7976931348623157e308, 5e-324, 0.1 + 0.2,
          123456789.123, -2.5e-300]
SPECIAL_FLOATS = [math.nan, math.inf, -math.inf]


def _reference(value, **options) -> str:
    return json.dumps(value, **options)


def _random_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(10 if depth < 6 else 6)
    if kind == 0:
        return rng.choice(HOSTILE_TEXT)
    if kind == 1:
        return rng.choice(FLOATS)
    if kind == 2:
        return rng.choice([0, -1, 7, 10**30, -(10**25)])
    if kind == 3:
        return rng.choice([True, False, None])
    if kind == 4:
        return rng.choice([[], {}, [[]], [{}], {"": {}}, {"k": []}])
    if kind == 5:
        return rng.choice(HOSTILE_TEXT) + rng.choice(HOSTILE_TEXT)
    if kind in (6, 7):
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {rng.choice(HOSTILE_TEXT) + str(i): _random_value(rng, depth + 1) for i in range(rng.randrange(5))}


@pytest.mark.parametrize("seed", range(30))
def test_dumps_indented_equals_the_pure_python_encoder_on_random_nested_values(seed):
    rng = random.Random(seed)
    value = _random_value(rng)
    for indent in (0, 1, 2, 4):
        for sort_keys in (False, True):
            for ensure_ascii in (False, True):
                options = dict(indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
                assert dumps_indented(value, **options) == _reference(value, **options)


@pytest.mark.parametrize("value", [[], {}, [[]], [{}], {"a": {}}, {"a": []}, [[], [[]], {}], [[[[]]]],
                                   {"a": [{}, {"b": {}}]}, [{}, []]])
def test_empty_containers_stay_on_one_line_as_the_encoder_writes_them(value):
    assert dumps_indented(value, indent=2) == _reference(value, indent=2)


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_brackets_commas_quotes_and_backslashes_inside_strings_are_left_alone(text):
    value = {text: [text, {text: text}], "k": text}
    assert dumps_indented(value, indent=2, ensure_ascii=False) == _reference(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("value", ["x", "a,[b]", 1, 2.5, None, True, '"\\'])
def test_a_single_scalar_is_written_as_the_encoder_writes_it(value):
    assert dumps_indented(value, indent=2) == _reference(value, indent=2)


def test_floats_are_written_with_the_encoders_repr():
    assert dumps_indented(FLOATS, indent=2) == _reference(FLOATS, indent=2)


def test_nan_and_infinity_are_refused_as_the_encoder_refuses_them():
    for special in SPECIAL_FLOATS:
        with pytest.raises(ValueError):
            _reference({"x": [special]}, indent=2, allow_nan=False)
        with pytest.raises(ValueError):
            dumps_indented({"x": [special]}, indent=2, allow_nan=False)


def test_nan_and_infinity_are_written_as_the_encoder_writes_them_when_allowed():
    assert dumps_indented(SPECIAL_FLOATS, indent=2) == _reference(SPECIAL_FLOATS, indent=2)


def test_keys_keep_their_order_unless_sorted():
    value = {"b": 1, "a": {"z": 1, "y": 2}, "é": 0, "A": 3}
    assert dumps_indented(value, indent=2) == _reference(value, indent=2)
    assert dumps_indented(value, indent=2, sort_keys=True) == _reference(value, indent=2, sort_keys=True)
    assert dumps_indented(value, indent=2).index('"b"') < dumps_indented(value, indent=2).index('"a"')


def test_non_text_keys_are_refused_or_converted_as_the_encoder_does():
    value = {1: "one", 2.5: "x", True: "t", None: "n"}
    assert dumps_indented(value, indent=2) == _reference(value, indent=2)
    with pytest.raises(TypeError):
        dumps_indented({(1, 2): 0}, indent=2)


def test_deep_nesting_is_indented_level_by_level():
    value: list = []
    for _ in range(60):
        value = [value, 1]
    assert dumps_indented(value, indent=2) == _reference(value, indent=2)


def test_reindent_leaves_text_without_structure_alone():
    assert reindent('"a, [b]"', 2) == '"a, [b]"'
    assert reindent("", 2) == ""


def test_audit_json_text_is_the_pure_python_encoders_text_of_the_cleaned_document():
    document = {"layers": {"reporting": {"density": 1 / 3, "reading": None}}, "units": [], "teams": [{}],
                "findings": [{"title": "Span \"wide\", [7] people", "ids": ["P1", "P2"]}], "ratio": float("nan")}
    assert dumps(document) == json.dumps(clean(document), sort_keys=True, indent=2, ensure_ascii=False,
                                         allow_nan=False) + "\n"


def test_a_negative_or_non_whole_indent_is_refused():
    with pytest.raises(ValueError):
        dumps_indented([1], indent=-1)
    with pytest.raises(ValueError):
        dumps_indented([1], indent="\t")


def _clean_by_isinstance(value):
    """The former clean (an isinstance chain for every value): the specification of
    document.clean's exact-type fast paths."""
    import numpy as np
    import pandas as pd
    from collections.abc import Mapping

    if isinstance(value, Mapping):
        return {str(k): _clean_by_isinstance(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_clean_by_isinstance(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, np.ndarray):
        return [_clean_by_isinstance(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if not math.isfinite(x):
            return None
        if abs(x) < 1e-12:
            return 0.0
        rounded = float(f"{x:.10g}")
        return 0.0 if rounded == 0 else rounded
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def test_clean_equals_the_isinstance_form_on_plain_numpy_pandas_and_odd_values():
    import collections
    import datetime
    import enum

    import numpy as np
    import pandas as pd

    class Level(enum.IntEnum):
        TOP = 1

    value = {
        "floats": [*FLOATS, *SPECIAL_FLOATS, 3e-13, -3e-13, 1.23456789012345, -0.0],
        "numpy": [np.float64(0.1 + 0.2), np.float32(1.5), np.int64(7), np.bool_(True), np.array([1.0, np.nan]),
                  np.str_("np text"), np.float64("nan")],
        "pandas": [pd.NA, pd.NaT, pd.Timestamp("2024-01-02")],
        "odd": [(1, 2.123456789012), {3, 1, 2}, frozenset({"b", "a"}), Level.TOP, True, False, None,
                collections.OrderedDict(b=1, a=2.0), datetime.date(2024, 1, 2), b"bytes"],
        1: "int key", 2.5: "float key", None: "none key",
        "text": HOSTILE_TEXT,
    }
    cleaned, expected = clean(value), _clean_by_isinstance(value)
    assert cleaned == expected
    assert json.dumps(cleaned, sort_keys=True) == json.dumps(expected, sort_keys=True)
    assert [type(x) for x in cleaned["numpy"]] == [type(x) for x in expected["numpy"]]
