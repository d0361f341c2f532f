"""Concentration of a non-negative quantity over holders: Gini, HHI, Lorenz curve.

Applied to out-strength (budget allocated), in-strength, decision-rights counts and spans
of control (docs/measures.md). Every function takes a 1-D array-like of non-negative
values, one per holder, and returns a plain ``float`` (or ``None`` where the measure is
undefined: no holders, or a zero total).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "gini",
    "gini_corrected",
    "hhi",
    "hhi_normalised",
    "lorenz_curve",
    "out_strength",
    "in_strength",
]


def _holdings(values) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    if x.size and (not np.all(np.isfinite(x)) or np.any(x < 0)):
        raise ValueError("concentration measures need finite, non-negative values")
    return x


def gini(values) -> float | None:
    """Gini coefficient, population form.

    Definition: for holdings sorted ascending x_(1) <= ... <= x_(n) with total S,
    ``G = 2 * sum_i i * x_(i) / (n * S) - (n + 1) / n``, equivalently
    ``sum_i sum_j |x_i - x_j| / (2 n^2 mean)``.

    Normalisation: 0 when everyone holds the same; at most (n - 1)/n when one holder has
    everything (see :func:`gini_corrected` for the form that reaches 1).

    Reference: Gini (1912); matches R ``ineq::Gini(x, corr = FALSE)``.
    Undefined (``None``) for no holders or a zero total.

    >>> round(gini([1, 2, 3, 4, 5]), 6)
    0.266667
    >>> gini([0, 0, 0, 1])
    0.75
    """
    x = _holdings(values)
    n = x.size
    total = float(x.sum()) if n else 0.0
    if n == 0 or total <= 0:
        return None
    ranks = np.arange(1, n + 1, dtype=float)
    g = 2.0 * float(np.sum(ranks * np.sort(x))) / (n * total) - (n + 1.0) / n
    return float(min(max(g, 0.0), 1.0))


def gini_corrected(values) -> float | None:
    """Sample-corrected Gini: ``G * n / (n - 1)``, 1 when one holder has everything.

    Reference: R ``ineq::Gini(x, corr = TRUE)``. Undefined for fewer
    than two holders or a zero total.

    >>> round(gini_corrected([1, 2, 3, 4, 5]), 6)
    0.333333
    >>> gini_corrected([0, 0, 0, 1])
    1.0
    """
    x = _holdings(values)
    g = gini(x)
    if g is None or x.size < 2:
        return None
    return float(min(g * x.size / (x.size - 1), 1.0))


def hhi(values) -> float | None:
    """Herfindahl–Hirschman index: the sum of squared shares, in [1/n, 1].

    Definition: ``s_i = x_i / sum(x)``, ``HHI = sum_i s_i^2``; ``1 / HHI`` is the
    "effective number" of holders. Multiply by 10^4 for the antitrust scale.

    Reference: Herfindahl–Hirschman; R ``ineq::Herfindahl``. Undefined for a zero total.

    >>> round(hhi([50, 30, 20]), 6)
    0.38
    >>> hhi([1, 1, 1, 1])
    0.25
    """
    x = _holdings(values)
    total = float(x.sum()) if x.size else 0.0
    if total <= 0:
        return None
    shares = x / total
    return float(np.sum(shares * shares))


def hhi_normalised(values) -> float | None:
    """Normalised HHI* = (HHI − 1/n) / (1 − 1/n), in [0, 1] (0 = equal shares).

    Reference: the normalised Herfindahl–Hirschman index. Undefined for fewer than two holders or a zero total.

    >>> round(hhi_normalised([50, 30, 20]), 6)
    0.07
    >>> hhi_normalised([3, 3, 3])
    0.0
    """
    x = _holdings(values)
    h = hhi(x)
    if h is None or x.size < 2:
        return None
    n = x.size
    return float(max((h - 1.0 / n) / (1.0 - 1.0 / n), 0.0))


def lorenz_curve(values) -> tuple[np.ndarray, np.ndarray]:
    """Points of the Lorenz curve: cumulative share of holders vs share of the total.

    Returns ``(population_share, holding_share)``, both starting at 0 and ending at 1,
    holders sorted ascending. The Gini coefficient is one minus twice the area under it.
    For a zero total the curve is the diagonal (nothing is concentrated).

    Reference: Lorenz (1905), *Publ. Am. Stat. Assoc.* 9:209–219.

    >>> p, s = lorenz_curve([0, 0, 0, 1])
    >>> p.tolist(), s.tolist()
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.0, 0.0, 0.0, 1.0])
    """
    x = np.sort(_holdings(values))
    n = x.size
    population = np.linspace(0.0, 1.0, n + 1)
    total = float(x.sum())
    if total <= 0:
        return population, population.copy()
    holding = np.concatenate([[0.0], np.cumsum(x) / total])
    holding[-1] = 1.0
    return population, holding


def out_strength(adjacency) -> np.ndarray:
    """Row sums of a (sparse) weighted adjacency: weight each node sends (allocates)."""
    return np.asarray(adjacency.sum(axis=1), dtype=float).ravel()


def in_strength(adjacency) -> np.ndarray:
    """Column sums of a (sparse) weighted adjacency: weight each node receives."""
    return np.asarray(adjacency.sum(axis=0), dtype=float).ravel()
