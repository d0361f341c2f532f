"""The tiny examples in the layer-measure docstrings are part of the specification:
run them (the suite does not use --doctest-modules)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "orgpower.metrics.concentration",
    "orgpower.metrics.digraph",
    "orgpower.metrics.reciprocity",
    "orgpower.metrics.centralization",
    "orgpower.metrics.krackhardt",
    "orgpower.metrics.hierarchy",
    "orgpower.metrics.layer",
    "orgpower.metrics.nulls",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
