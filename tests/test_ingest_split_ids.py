"""The affected ids of a decision row ("a; b, c") are split in Arrow
(:func:`split_ids_flat`); they must be exactly what the per-cell Python split
(:func:`split_ids` then ``explode``) gives, whitespace of every kind included (Arrow's
regular expressions know only ASCII spaces as ``\\s``)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from orgpower.ingest.validate import role_scheme, split_ids, split_ids_flat

SPACES = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
PIECES = ["a", "b7", "Ünït", "名", "x y", ";", ",", ";;", " ; ", ",;", "", *SPACES, "\u200b", "--"]


def _random_cells(rng, count):
    cells = ["".join(rng.choice(PIECES, int(rng.integers(0, 7)))) for _ in range(count)]
    return pd.Series([None if rng.random() < 0.1 else c for c in cells], dtype=object)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dtype", ["str", object])
def test_split_ids_flat_equals_the_per_cell_split_exploded(seed, dtype):
    cells = _random_cells(np.random.default_rng(seed), 3000).astype(dtype)
    expected = split_ids(cells).explode()
    ids, counts, starts = split_ids_flat(cells)
    assert [repr(x) for x in ids] == [repr(x) for x in expected]
    assert counts.tolist() == split_ids(cells).map(len).tolist()
    assert starts.tolist() == (np.cumsum(counts) - counts).tolist()


def test_split_ids_flat_splits_at_every_kind_of_space_around_a_separator():
    ids, counts, _ = split_ids_flat(pd.Series([f"a{s};{s}b" for s in SPACES]))
    assert set(counts) == {2} and set(ids) == {"a", "b"}


def test_role_scheme_reads_rapid_letters_and_raci_letters():
    assert role_scheme(pd.Series(["D", "P", "R", None] * 100)) == "rapid"
    assert role_scheme(pd.Series(["A/R", "C", "I"] * 100)) == "raci"
    assert role_scheme(pd.Series([], dtype="str")) == "raci"
