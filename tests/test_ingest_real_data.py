"""The public data sets in tests/data load with the counts, roots and problems their
SOURCE.md documents.

Provenance of every expected value: tests/data/uk_organograms/SOURCE.md (table
"Files and sizes" and "Caveats") and tests/data/hr_dataset_huebner_v14/SOURCE.md
("Reporting lines: caveats for a graph loader"). Counts that SOURCE.md does not state
are derived in the test from the raw file with the csv module, not from orgpower.
"""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from orgpower.api import read_org

# organisation stem: (senior rows, distinct senior ids, roots, junior rows, junior FTE) per SOURCE.md
ORGANOGRAMS = {
    "united_kingdom_atomic_energy_authority-2011-09-30": (10, 10, 1, 249, 573.6),
    "300913-UK-Atomic-Energy-Authority-Organogram": (10, 10, 1, 348, 882.6),
    "DMO-Organogram-disclosure---Sept-2013": (4, 4, 1, 115, 112.2),
    "met_office-2011-03-31": (10, 10, 1, 228, 1840.9),
    "met_office-2011-09-30": (10, 10, 1, 229, 1845.8),
    "department_for_culture_media_and_sport-2011-09-30": (44, 44, 1, 90, 421.7),
    "department_for_environment_food_and_rural_affairs-2011-09-30": (110, 107, 1, 1006, 1964.2),
    "hm_treasury-2011-09-30": (115, 97, 1, 407, 1041.8),
    "cabinet_office-2011-09-30": (235, 234, 3, 629, 1785.3),
}


def _organogram(public_datasets, stem):
    folder = public_datasets / "uk_organograms"
    return read_org([folder / f"{stem}-senior.csv", folder / f"{stem}-junior.csv"])


@pytest.mark.parametrize("stem", sorted(ORGANOGRAMS))
def test_organogram_pair_loads_with_documented_counts(public_datasets, stem):
    senior_rows, senior_ids, roots, junior_rows, junior_fte = ORGANOGRAMS[stem]
    model = _organogram(public_datasets, stem)
    kinds = model.people["kind"].value_counts().to_dict()
    assert kinds == {"post": senior_ids, "fte_group": junior_rows}
    senior, junior = model.inputs
    assert (senior.vendor, senior.rows, senior.rows_used) == ("uk_organogram_senior", senior_rows, senior_ids)
    assert (junior.vendor, junior.rows, junior.rows_used) == ("uk_organogram_junior", junior_rows, junior_rows)
    assert len(model.roots) == roots
    fte_groups = model.people[model.people["kind"] == "fte_group"]
    assert fte_groups["fte"].sum() == pytest.approx(junior_fte, abs=0.05)
    # "Every junior Reporting Senior Post value resolves to a senior post id in the same release."
    assert not [p for p in model.problems if p.code in {"manager_not_found", "reporting_cycle", "self_manager"}]
    assert any(p.code == "fte_groups" for p in model.problems)


def test_cabinet_office_has_three_roots_reporting_to_xx(public_datasets):
    model = _organogram(public_datasets, "cabinet_office-2011-09-30")
    assert sorted(model.roots) == ["1", "CO57", "CO59"]
    [problem] = [p for p in model.problems if p.code == "several_roots"]
    assert problem.severity == "warning" and sorted(problem.ids) == ["1", "CO57", "CO59"]


def test_cabinet_office_post_103_is_a_job_share_warning(public_datasets):
    model = _organogram(public_datasets, "cabinet_office-2011-09-30")
    [problem] = [p for p in model.problems if p.code == "duplicate_id"]
    assert (problem.value, problem.severity) == ("103", "warning")
    assert not model.errors


def test_hm_treasury_duplicate_ids_are_errors(public_datasets):
    model = _organogram(public_datasets, "hm_treasury-2011-09-30")
    duplicates = {p.value: p for p in model.problems if p.code == "duplicate_id"}
    assert set(duplicates) == {"Deleted", "0", "10994"}
    assert all(p.severity == "error" for p in duplicates.values())
    # 12 rows "Deleted", 7 rows "0", 2 rows "10994": all but the first of each set aside.
    assert "12 rows" in duplicates["Deleted"].message and "7 rows" in duplicates["0"].message


def test_defra_duplicate_id_zero_is_reported(public_datasets):
    model = _organogram(public_datasets, "department_for_environment_food_and_rural_affairs-2011-09-30")
    [problem] = [p for p in model.problems if p.code == "duplicate_id"]
    assert (problem.value, problem.severity) == ("0", "error") and "4 rows" in problem.message


def test_dmo_lower_case_xx_marks_the_top(public_datasets):
    model = _organogram(public_datasets, "DMO-Organogram-disclosure---Sept-2013")
    assert model.roots == ["CE1"]
    assert not [p for p in model.problems if p.code in {"manager_not_found", "manager_not_a_person"}]


def test_pandas_index_column_of_2013_files_is_not_kept_as_an_attribute(public_datasets):
    model = _organogram(public_datasets, "DMO-Organogram-disclosure---Sept-2013")
    assert "Unnamed: 0" not in model.people.columns


HR = "hr_dataset_huebner_v14"
# SOURCE.md: these manager names match no employee row.
UNMATCHED = {"Michael Albert", "Webster Butler", "David Stanley", "Alex Sweetwater"}


def _hr_rows(public_datasets):
    with open(public_datasets / HR / "HRDataset_v14.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_hr_dataset_loads_311_people_by_manager_name(public_datasets):
    model = read_org([public_datasets / HR])
    [item] = model.inputs
    assert (item.vendor, item.rows, item.rows_used) == ("hr_dataset", 311, 311)
    assert len(model.people) == 311
    assert item.mapping["manager_name"] == "ManagerName"


def test_hr_dataset_board_of_directors_is_not_a_person(public_datasets):
    model = read_org([public_datasets / HR])
    rows = _hr_rows(public_datasets)
    expected = sorted(r["EmpID"] for r in rows if r["ManagerName"] == "Board of Directors")
    problems = [p for p in model.problems if p.code == "manager_not_a_person"]
    assert len(expected) == 2  # SOURCE.md: "The CEO and one other report to Board of Directors"
    assert sorted(p.ids[0] for p in problems) == expected
    assert set(expected) <= set(model.roots)


def test_hr_dataset_unresolvable_manager_names_are_reported(public_datasets):
    model = read_org([public_datasets / HR])
    expected = Counter(r["ManagerName"] for r in _hr_rows(public_datasets) if r["ManagerName"] in UNMATCHED)
    reported = Counter(p.value for p in model.problems if p.code == "manager_not_found")
    assert reported == expected


def test_hr_dataset_ceo_janet_king_is_matched_from_first_last_to_last_first(public_datasets):
    model = read_org([public_datasets / HR])
    rows = _hr_rows(public_datasets)
    king = next(r["EmpID"] for r in rows if r["Employee_Name"].startswith("King, Janet"))
    reports_of_king = {r["EmpID"] for r in rows if r["ManagerName"] == "Janet King"}
    solid = model.reporting[model.reporting["line"] == "solid"]
    assert set(solid.loc[solid["source"] == king, "target"]) == reports_of_king
    assert reports_of_king  # the CEO has direct reports in the file


def test_organogram_pay_zero_means_not_disclosed(public_datasets):
    # SOURCE.md: "Actual Pay Floor/Ceiling: N/D or 0 where not disclosed". Cabinet Office
    # post 103 has pay floor 0 on both rows.
    model = _organogram(public_datasets, "cabinet_office-2011-09-30")
    post = model.people.set_index("person_id").loc["103"]
    assert pd.isna(post["cost"])
    assert (model.people["cost"].dropna() > 0).all()
