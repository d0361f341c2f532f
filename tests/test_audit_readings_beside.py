"""The readings that need no measure (decisions, teams, reporting pairs, resources and
the units' readings but their heads, orgpower.report.audit.direct_readings) are taken by
a forked process while the org is measured; the audit must be the same, value for value,
as when every reading runs in this process (workers=1)."""

from __future__ import annotations

import pytest

import orgpower.workers as workers_mod
from orgpower import api
from orgpower.report.document import dumps
from orgpower.synthetic import generate_shape


@pytest.fixture
def forked(monkeypatch) -> list[tuple[str, bool]]:
    """Which functions the audits run in the test handed to a second process, and whether
    it was forked (every org counts as large enough)."""
    seen: list[tuple[str, bool]] = []

    class Recorded(workers_mod.Beside):
        def __init__(self, function, *args, **kwargs):
            super().__init__(function, *args, **kwargs)
            seen.append((function.__name__, self.forked))

    monkeypatch.setattr(workers_mod, "PARALLEL_MIN_ARCS", 0)
    monkeypatch.setattr(workers_mod, "Beside", Recorded)
    return seen


def test_units_read_while_the_org_is_measured_give_the_same_audit_as_read_in_this_process(forked):
    model = generate_shape(400, "tree-like", seed=5)
    alone = api.audit(model, workers=1)
    beside = api.audit(model, workers=2)
    assert forked == [("direct_readings", False), ("direct_readings", True)]
    assert beside.document["units"] and beside.document["units"] == alone.document["units"]
    assert dumps(beside.document) == dumps(alone.document)
    assert beside.people.equals(alone.people)


def test_workers_1_reads_the_units_in_this_process(forked):
    api.audit(generate_shape(200, "tree-like", seed=5), workers=1)
    assert forked == [("direct_readings", False)]


def test_a_very_large_org_takes_its_direct_readings_after_the_measures_in_this_process(forked, monkeypatch):
    # memory: the forked readings' working arrays would come on top of the workers'
    monkeypatch.setattr(api, "READINGS_BESIDE_PEOPLE", 199)
    model = generate_shape(200, "tree-like", seed=5)
    alone = api.audit(model, workers=1)
    large = api.audit(model, workers=2)
    assert forked == [("direct_readings", False), ("direct_readings", False)]
    assert dumps(large.document) == dumps(alone.document)
