"""The reciprocity measures given a known dyad census equal the ones that count it.

A layer's measures count the MAN census once and pass it on (``census=``) instead of
transposing the layer once per measure; the values must be the same floats. Checked on
random digraphs with self-ties and repeated arcs (which the census leaves out and folds
together), on an empty graph and on a complete one (density 1).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from orgpower.metrics import reciprocity as rc

MEASURES = (rc.reciprocity_edgewise, rc.reciprocity_dyadic_nonnull, rc.reciprocity_dyadic,
            rc.reciprocity_edgewise_lrr, rc.reciprocity_rho)


def _random_digraph(seed: int) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    m = int(rng.integers(0, 4 * n))
    return sp.csr_array((rng.integers(1, 4, m).astype(float), (rng.integers(0, n, m), rng.integers(0, n, m))),
                        shape=(n, n))


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("measure", MEASURES, ids=lambda f: f.__name__)
def test_a_given_census_gives_the_same_value_as_counting_it(measure, seed):
    a = _random_digraph(seed)
    assert measure(a, census=rc.dyad_census(a)) == measure(a)


@pytest.mark.parametrize("measure", MEASURES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("a", [sp.csr_array((3, 3)), sp.csr_array(np.ones((3, 3)) - np.eye(3)),
                               sp.csr_array((1, 1))], ids=["no arcs", "complete", "one node"])
def test_undefined_cases_stay_undefined_with_a_given_census(measure, a):
    assert measure(a, census=rc.dyad_census(a)) == measure(a)
