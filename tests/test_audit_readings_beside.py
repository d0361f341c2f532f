"""A large org's units are read by a forked process beside the other readings
(orgpower.report.audit.PARALLEL_READINGS_PEOPLE); the audit must be the same, value for
value, as when every reading runs in this process (workers=1)."""

from __future__ import annotations

import pytest

import orgpower.report.audit as audit_mod
from orgpower import api
from orgpower.report.document import dumps
from orgpower.synthetic import generate_shape


@pytest.fixture
def forked(monkeypatch) -> list[bool]:
    """Whether each unit reader of the audits run in the test was forked (every org counts as large)."""
    seen: list[bool] = []

    class Recorded(audit_mod.Beside):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            seen.append(self.forked)

    monkeypatch.setattr(audit_mod, "PARALLEL_READINGS_PEOPLE", 1)
    monkeypatch.setattr(audit_mod, "Beside", Recorded)
    return seen


def test_units_read_beside_give_the_same_audit_as_read_in_this_process(forked):
    model = generate_shape(400, "tree-like", seed=5)
    alone = api.audit(model, workers=1)
    beside = api.audit(model)
    assert forked == [False, True]
    assert beside.document["units"] and beside.document["units"] == alone.document["units"]
    assert dumps(beside.document) == dumps(alone.document)
    assert beside.people.equals(alone.people)


def test_workers_1_reads_the_units_in_this_process(forked):
    api.audit(generate_shape(200, "tree-like", seed=5), workers=1)
    assert forked == [False]
