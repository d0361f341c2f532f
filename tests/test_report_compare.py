"""Comparisons (orgpower.report.compare): noise is no change, disjoint snapshots are
refused, little overlap warns, and the CLI takes --compare OLD NEW in either form."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from orgpower.api import audit, generate_org
from orgpower.errors import InputError
from orgpower.report.compare import TOLERANCE, changed, power_changes
from orgpower.report.config import AuditConfig

FAST = AuditConfig(null_samples=0)


def test_float_noise_in_an_unchanged_budget_is_no_change():
    old = pd.DataFrame({"person_id": ["a", "b"], "span_of_control": [2, 0], "budget_given": [1000.0, 0.1 + 0.2],
                        "decision_rights": [3, 0]})
    new = old.assign(budget_given=[1000.0 + 1.8e-12, 0.3])
    assert power_changes(new, old, "person_id").empty


def test_a_real_change_beside_noise_is_a_gain_not_a_shift():
    old = pd.DataFrame({"person_id": ["a"], "span_of_control": [2], "budget_given": [1000.0], "decision_rights": [3]})
    new = old.assign(span_of_control=[3], budget_given=[1000.0 - 1e-12])
    table = power_changes(new, old, "person_id")
    assert table["change"].tolist() == ["gained"] and table["budget_given_change"].tolist() == [0.0]


def test_the_tolerance_is_relative_and_absolute():
    assert not changed([1e6], [1e6 * (1 + TOLERANCE["relative"] / 2)])[0]
    assert changed([1.0], [1.0 + 1e-6])[0]


def test_an_org_compared_with_itself_changes_nothing():
    model = generate_org(150, "mixed", seed=5)
    comparison = audit(model, config=FAST, compare=model).comparison
    assert comparison["people_gained"] == comparison["people_lost"] == comparison["units_changed"] == 0
    assert comparison["arcs_turned_one_way"] == comparison["arcs_turned_mutual"] == 0
    assert comparison["warnings"] == []


def test_budgets_perturbed_by_float_noise_compare_as_unchanged():
    model = generate_org(150, "mixed", seed=5)
    noisy = generate_org(150, "mixed", seed=5)
    noisy.flows["amount"] = noisy.flows["amount"] * (1 + 1e-13) + 1e-12
    result = audit(noisy, config=FAST, compare=model)
    assert result.comparison["people_gained"] == result.comparison["people_lost"] == 0
    assert result.tables["change_people"].empty
    assert not result.tables["change_metrics"]["changed"].any()


def test_snapshots_with_no_id_in_common_are_refused_unless_asked():
    a = generate_org(60, "mixed", seed=1)
    b = generate_org(60, "mixed", seed=1)
    renumber = {p: f"X{p}" for p in b.people["person_id"]}
    b.people["person_id"] = b.people["person_id"].map(renumber)
    b.people["manager_id"] = b.people["manager_id"].map(lambda m: renumber.get(m, m))
    b.reporting["source"] = b.reporting["source"].map(renumber)
    b.reporting["target"] = b.reporting["target"].map(renumber)
    with pytest.raises(InputError, match="no person id in common"):
        audit(b, config=FAST, compare=a)
    comparison = audit(b, config=FAST, compare=a, allow_disjoint=True).comparison
    assert comparison["overlap"]["people_in_common"] == 0 and "Only 0 people" in comparison["warnings"][0]


def test_little_overlap_gets_a_warning():
    old = generate_org(100, "mixed", seed=1)
    new = generate_org(100, "mixed", seed=1)
    keep = set(new.people["person_id"].head(30))
    new.people["person_id"] = [p if p in keep else f"N{p}" for p in new.people["person_id"]]
    new.people["manager_id"] = [m if (pd.isna(m) or m in keep) else f"N{m}" for m in new.people["manager_id"]]
    new.reporting = new.reporting.iloc[0:0]
    comparison = audit(new, config=FAST, compare=old).comparison
    assert comparison["overlap"]["people_in_common"] == 30
    assert any("Only 30 people are in both snapshots" in w for w in comparison["warnings"])


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "orgpower", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_cli_compare_old_new_without_input_audits_new_against_old(tmp_path):
    from orgpower.synthetic import write_bundle

    write_bundle(generate_org(40, "mixed", seed=1), tmp_path / "old")
    write_bundle(generate_org(40, "mixed", seed=2), tmp_path / "new")
    done = _cli("audit", "--compare", "old", "new", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    import json

    import hashlib

    document = json.loads((tmp_path / "out" / "audit.json").read_text())
    digest = {d: hashlib.sha256((tmp_path / d / "people.csv").read_bytes()).hexdigest() for d in ("old", "new")}
    assert digest["old"] in {i["sha256"] for i in document["comparison"]["old_inputs"]}
    assert digest["new"] in {i["sha256"] for i in document["inputs"]}


def test_cli_input_and_two_compare_folders_says_what_to_write(tmp_path):
    from orgpower.synthetic import write_bundle

    for name in ("a", "b", "c"):
        write_bundle(generate_org(20, "mixed", seed=1), tmp_path / name)
    done = _cli("audit", "c", "--compare", "a", "b", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "orgpower audit NEW --compare OLD" in done.stderr and "Traceback" not in done.stderr
