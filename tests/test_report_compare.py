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


# --- the order of the two snapshots --------------------------------------------------------------


def _dated(seed, year):
    """A generated org whose flows are dated in ``year`` (quarters 1 to 4)."""
    model = generate_org(40, "mixed", seed=seed)
    model.flows["period"] = model.flows["period"].astype(str).str.replace("2026", str(year))
    return model


def test_period_start_reads_quarters_halves_months_days_and_names():
    from orgpower.report.compare import period_start

    assert period_start("2026-Q3") == period_start("2026q3") == (2026, 7, 1)
    assert period_start("FY2026-H2") == (2026, 7, 1)
    assert period_start("2026-11") < period_start("2026-11-15") < period_start("2027")
    assert period_start("exports-2025q4/people.csv") == (2025, 10, 1)
    assert period_start("budget") is None and period_start("D12026X") is None


def test_the_api_refuses_an_older_org_given_as_the_newer_and_says_what_to_write():
    from orgpower.errors import UsageError

    with pytest.raises(UsageError) as refused:
        audit(_dated(1, 2025), compare=_dated(2, 2026), config=FAST)
    message = str(refused.value)
    assert "2026-Q4" in message and "2025-Q4" in message and "audit the newer and compare it with the older" in message
    assert "compare_order='keep'" in message
    assert message.count(". ") == 0 and message.endswith("."), "one sentence"


def test_the_api_compares_in_the_right_order_without_a_word():
    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("error")
        result = audit(_dated(2, 2026), compare=_dated(1, 2025), config=FAST)
    assert result.comparison is not None


def test_the_api_swaps_a_reversed_order_when_asked_with_a_warning():
    from orgpower.errors import OrgpowerWarning

    newer, older = _dated(2, 2026), _dated(1, 2025)
    with pytest.warns(OrgpowerWarning, match="newer"):
        result = audit(older, compare=newer, config=FAST, compare_order="swap")
    assert result.model is newer


def test_the_api_keeps_a_reversed_order_when_told_to():
    older, newer = _dated(1, 2025), _dated(2, 2026)
    assert audit(older, compare=newer, config=FAST, compare_order="keep").model is older


def test_equal_or_missing_dates_say_nothing_about_the_order():
    from orgpower.report.compare import order_check

    a, b = generate_org(30, "mixed", seed=1), generate_org(30, "mixed", seed=2)
    assert order_check(a, b).evidence == ""
    b.flows["period"] = None
    assert order_check(a, b, "x", "y").evidence == ""
    assert order_check(a, b, "exports-2026q2", "exports-2026q4").reversed  # the names decide


def _bundles(tmp_path):
    from orgpower.synthetic import write_bundle

    write_bundle(_dated(1, 2025), tmp_path / "old")
    write_bundle(_dated(2, 2026), tmp_path / "new")


def test_cli_input_and_compare_in_the_wrong_order_says_what_to_write(tmp_path):
    _bundles(tmp_path)
    done = _cli("audit", "old", "--compare", "new", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "orgpower audit new --compare old" in done.stderr
    assert not (tmp_path / "out" / "audit.json").exists()
    kept = _cli("audit", "old", "--compare", "new", "--keep-order", "--out", "kept", cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr


def test_cli_input_and_compare_in_the_right_order_works(tmp_path):
    _bundles(tmp_path)
    done = _cli("audit", "new", "--compare", "old", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "newer" not in done.stderr


@pytest.mark.parametrize("order", [("old", "new"), ("new", "old")])
def test_cli_compare_two_folders_in_either_order_audits_the_newer_against_the_older(tmp_path, order):
    import hashlib
    import json

    _bundles(tmp_path)
    done = _cli("audit", "--compare", *order, "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ("is newer than" in done.stderr) == (order == ("new", "old"))
    document = json.loads((tmp_path / "out" / "audit.json").read_text())
    digest = {d: hashlib.sha256((tmp_path / d / "flows.csv").read_bytes()).hexdigest() for d in ("old", "new")}
    assert digest["new"] in {i["sha256"] for i in document["inputs"]}
    assert digest["old"] in {i["sha256"] for i in document["comparison"]["old_inputs"]}
