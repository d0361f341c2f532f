"""Gini, HHI and the Lorenz curve against hand-derivable checks.

Provenance: the small checks are worked by hand; the advice
in-degree values are also reproduced by R (tests/golden/make_golden.R, base R formulas
of ineq::Gini / ineq::Herfindahl) and compared in test_metrics_layer_golden.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from orgpower.metrics.concentration import (
    gini,
    gini_corrected,
    hhi,
    hhi_normalised,
    in_strength,
    lorenz_curve,
)


def test_gini_of_one_to_five_is_four_fifteenths():
    assert gini([1, 2, 3, 4, 5]) == pytest.approx(4 / 15, abs=1e-12)
    assert gini_corrected([1, 2, 3, 4, 5]) == pytest.approx(1 / 3, abs=1e-12)


def test_gini_when_one_holder_has_everything_is_n_minus_one_over_n():
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75, abs=1e-12)
    assert gini_corrected([0, 0, 0, 1]) == pytest.approx(1.0, abs=1e-12)


def test_gini_equals_mean_absolute_difference_form_on_random_holdings():
    rng = np.random.default_rng(7)
    x = rng.exponential(size=200)
    mad = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert gini(x) == pytest.approx(mad, abs=1e-12)


def test_gini_of_reports_to_spans_is_point_22():
    # Krackhardt reports-to spans (3, 4, 7, 2, 4) -> Gini 0.22, HHI 0.235, HHI* 0.04375.
    spans = [3, 4, 7, 2, 4]
    assert gini(spans) == pytest.approx(0.22, abs=1e-12)
    assert hhi(spans) == pytest.approx(0.235, abs=1e-12)
    assert hhi_normalised(spans) == pytest.approx(0.04375, abs=1e-12)


def test_hhi_of_fifty_thirty_twenty_is_point_38():
    assert hhi([50, 30, 20]) == pytest.approx(0.38, abs=1e-12)
    assert hhi_normalised([50, 30, 20]) == pytest.approx(0.07, abs=1e-12)


def test_hhi_of_equal_holders_is_one_over_n_and_normalised_zero():
    assert hhi([2, 2, 2, 2]) == pytest.approx(0.25)
    assert hhi_normalised([2, 2, 2, 2]) == pytest.approx(0.0)


def test_concentration_of_zero_total_is_undefined():
    assert gini([0, 0, 0]) is None
    assert hhi([0, 0]) is None
    assert gini([]) is None


def test_negative_holdings_are_refused():
    with pytest.raises(ValueError):
        gini([1, -1])


def test_lorenz_curve_area_gives_back_gini():
    x = [5, 1, 3, 0, 9, 2]
    p, s = lorenz_curve(x)
    area = np.trapezoid(s, p)
    assert 1 - 2 * area == pytest.approx(gini(x), abs=1e-12)
    assert p[0] == s[0] == 0.0 and p[-1] == s[-1] == 1.0


def test_advice_in_degree_concentration_matches_reference(public_datasets):
    from golden.graphs import krackhardt

    advice = krackhardt(public_datasets, "Advice")
    indeg = in_strength(advice.binary())
    # base R ineq formulas (tests/golden/make_golden.R): Gini 0.246115 (corrected 0.258421), HHI 0.056787, HHI* 0.009626
    assert gini(indeg) == pytest.approx(0.246115, abs=1e-6)
    assert gini_corrected(indeg) == pytest.approx(0.258421, abs=1e-6)
    assert hhi(indeg) == pytest.approx(0.056787, abs=1e-6)
    assert hhi_normalised(indeg) == pytest.approx(0.009626, abs=1e-6)
