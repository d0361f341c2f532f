"""people.csv is built column-wise (orgpower.report.csv_text) and text cells are made
safe column-wise (orgpower.report.safety.neutralise_frame); both must give exactly what
the cell-by-cell originals give: pandas' ``to_csv`` and ``Series.map(neutralise)``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgpower.report.csv_text import csv_text
from orgpower.report.safety import neutralise, neutralise_frame

HOSTILE_TEXT = ["plain", "a,b", 'say "no"', "two\nlines", "cr\rhere", "", " lead", "tab\there", "=SUM(A1)",
                "+1", "-2", "@x", "\t=x", "\u200b=x", "＝1", "\u2212 minus", "ünïcödé", "名前", "\u2028", "'quoted",
                "\x1c=x", " =x", "x" * 300]
FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 1 / 3, 1e-5, 1e-7, 2.5e-5, 9999999999.0, 1e10, 12345678901.0, 123456789.0,
          -123456789.5, 1e15, 1e16, 1e20, 1e300, 5e-324, np.inf, -np.inf, np.nan, 0.1 + 0.2, 3.0000000001,
          0.30000000004, 7.0, 42.0, -3.0]


def _pandas_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def _random_frame(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    text = rng.choice(np.array(HOSTILE_TEXT, dtype=object), rows)
    text_with_gaps = text.copy()
    text_with_gaps[rng.random(rows) < 0.2] = None
    floats = rng.choice(np.array(FLOATS), rows)
    noise = rng.normal(size=rows) * 10.0 ** rng.integers(-8, 12, rows)
    return pd.DataFrame({
        "person_id": pd.array(text, dtype="str"),
        "unit": pd.array(text_with_gaps, dtype="str"),
        "title": text_with_gaps,  # object dtype, None and text
        "level": rng.integers(-5, 10**12, rows),
        "small": rng.integers(0, 5, rows).astype(np.int32),
        "flag": rng.random(rows) < 0.5,
        "score": floats,
        "noise": noise,
        "counts": rng.integers(0, 50, rows).astype(float),
        "rights": pd.array(np.where(rng.random(rows) < 0.3, None, rng.integers(0, 9, rows)), dtype="Int64"),
    })


@pytest.mark.parametrize("seed", range(5))
def test_csv_text_is_byte_identical_to_pandas_to_csv(seed):
    frame = _random_frame(np.random.default_rng(seed), 400)
    assert csv_text(frame) == _pandas_text(frame)


def test_csv_text_of_every_special_float_matches_pandas():
    frame = pd.DataFrame({"id": [f"p{i}" for i in range(len(FLOATS))], "x": FLOATS})
    assert csv_text(frame) == _pandas_text(frame)


def test_csv_text_quotes_column_names_as_pandas_does():
    frame = pd.DataFrame({"a,b": [1], 'say "x"': ["v"], "ok": [0.25]})
    assert csv_text(frame) == _pandas_text(frame)


def test_csv_text_of_an_empty_frame_is_the_header():
    frame = pd.DataFrame({"person_id": pd.Series([], dtype="str"), "x": pd.Series([], dtype=float)})
    assert csv_text(frame) == _pandas_text(frame)


def test_csv_text_declines_what_it_cannot_render_exactly():
    assert csv_text(pd.DataFrame({"only": ["", "x"]})) is None  # a lone empty field is written ""
    assert csv_text(pd.DataFrame({"id": ["a", "b"], "mixed": ["x", 3]})) is None
    assert csv_text(pd.DataFrame({"id": ["a", "b"], "x": pd.array([1.5, None], dtype="Float64")})) is None
    assert csv_text(pd.DataFrame({"id": ["a", "b"], "c": pd.Categorical(["x", "y"])})) is None


@pytest.mark.parametrize("seed", range(3))
def test_neutralise_frame_equals_neutralising_cell_by_cell(seed):
    frame = _random_frame(np.random.default_rng(seed), 300)
    frame["mixed"] = np.array(["=x", 3, None, "ok", 2.5] * 60, dtype=object)
    frame["category"] = pd.Categorical(np.array(["=c", "d"] * 150))
    fast = neutralise_frame(frame)
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column]) or pd.api.types.is_bool_dtype(frame[column]):
            pd.testing.assert_series_equal(fast[column], frame[column])
            continue
        expected = frame[column].map(neutralise).astype(object)
        assert fast[column].dtype == object
        assert [repr(v) for v in fast[column]] == [repr(v) for v in expected], column


def test_neutralised_people_csv_bytes_match_pandas_on_hostile_text():
    frame = _random_frame(np.random.default_rng(9), 500)
    safe = neutralise_frame(frame)
    assert csv_text(safe) == _pandas_text(safe)
    assert "'=SUM(A1)" in csv_text(safe)


def test_csv_chunks_joined_are_the_whole_text_whatever_the_piece_size():
    from orgpower.report.csv_text import csv_chunks

    frame = _random_frame(np.random.default_rng(4), 250)
    for rows in (1, 7, 100, 250, 1000):
        assert "".join(csv_chunks(frame, chunk_rows=rows)) == _pandas_text(frame)


@pytest.mark.parametrize("values", [[0.0, -0.0, np.nan, 1.5], [-0.0, 0.0, 0.0, -0.0], [-0.0, np.nan], [2.0, -0.0, 0.0, 1e10]])
def test_zero_and_negative_zero_in_one_column_are_written_by_their_sign(values):
    frame = pd.DataFrame({"id": [f"p{i}" for i in range(len(values))], "x": values})
    assert csv_text(frame) == _pandas_text(frame)


def test_neutralise_frame_leaves_the_frame_it_was_given_as_it_was():
    frame = pd.DataFrame({"person_id": pd.array(["=SUM(A1)", "ok"], dtype="str"), "title": ["+1", "x"], "n": [1.5, 2.0]})
    before = frame.copy(deep=True)
    safe = neutralise_frame(frame)
    assert safe["person_id"].tolist() == ["'=SUM(A1)", "ok"] and safe["title"].tolist() == ["'+1", "x"]
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("cut", [0, 1, 97, 249, 250])
def test_csv_chunks_of_two_row_ranges_joined_are_the_whole_text(cut):
    # people.csv's rows are rendered in two processes: the header and rows [0, cut), then
    # rows [cut, n) without the header; how a column is rendered is decided over the frame
    from orgpower.report.csv_text import csv_chunks

    frame = _random_frame(np.random.default_rng(5), 250)
    head = "".join(csv_chunks(frame, chunk_rows=40, rows=(0, cut)))
    tail = "".join(csv_chunks(frame, chunk_rows=40, rows=(cut, len(frame)), header=False))
    assert head + tail == _pandas_text(frame)
