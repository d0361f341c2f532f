"""The optional units file fills model.units with the unit hierarchy; repeated ids,
unknown parents and cycles of parents are reported and repaired visibly."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgpower.ingest.bundle import read_bundle
from orgpower.synthetic import generate_org, write_bundle

PEOPLE = "person_id,manager_id,unit\n1,,HQ\n2,1,OPS\n3,2,OPS\n"


def _bundle(tmp_path: Path, units_name: str, units_text: str, people: str = PEOPLE) -> Path:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "people.csv").write_text(people, encoding="utf-8")
    (folder / units_name).write_text(units_text, encoding="utf-8")
    return folder


def _parents(model) -> dict[str, str | None]:
    units = model.units
    return {u: (None if p is None or p != p else p) for u, p in zip(units["unit_id"], units["parent_unit"])}


def _codes(model, code: str):
    return [p for p in model.problems if p.code == code]


def test_native_units_file_fills_names_and_parent_hierarchy(tmp_path):
    text = "unit_id,name,parent_unit\nHQ,Head Office,\nOPS,Operations,HQ\nOPS-1,Plant 1,OPS\n"
    model = read_bundle([_bundle(tmp_path, "units.csv", text)])
    assert _parents(model) == {"HQ": None, "OPS": "HQ", "OPS-1": "OPS"}
    assert dict(zip(model.units["unit_id"], model.units["name"]))["OPS"] == "Operations"
    assert model.errors == []
    assert next(i for i in model.inputs if i.file == "units.csv").kind == "units"


@pytest.mark.parametrize("header", ["Department ID,Department Name,Parent Department",
                                    "Cost Center,Name,Parent Cost Center"])
def test_vendor_unit_headers_are_recognised(tmp_path, header):
    text = f"{header}\nHQ,Head Office,\nOPS,Operations,HQ\n"
    model = read_bundle([_bundle(tmp_path, "org_structure_export.csv", text)])
    assert _parents(model) == {"HQ": None, "OPS": "HQ"}


def test_people_export_with_a_cost_center_column_is_not_a_units_file(tmp_path):
    people = "Employee ID,Manager ID,Cost Center\n1,,HQ\n2,1,OPS\n"
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "staff.csv").write_text(people, encoding="utf-8")
    model = read_bundle([folder])
    assert [i.kind for i in model.inputs] == ["people"]


def test_repeated_unit_id_keeps_the_first_row(tmp_path):
    text = "unit_id,name,parent_unit\nHQ,Head Office,\nOPS,Operations,HQ\nOPS,Other,\n"
    model = read_bundle([_bundle(tmp_path, "units.csv", text)])
    [problem] = _codes(model, "duplicate_unit")
    assert (problem.severity, problem.row, problem.value) == ("error", 4, "OPS")
    assert _parents(model)["OPS"] == "HQ"


def test_unknown_parent_unit_leaves_the_unit_at_the_top(tmp_path):
    text = "unit_id,name,parent_unit\nHQ,Head Office,\nOPS,Operations,NOPE\n"
    model = read_bundle([_bundle(tmp_path, "units.csv", text)])
    [problem] = _codes(model, "unknown_parent_unit")
    assert (problem.row, problem.value, problem.column) == (3, "NOPE", "parent_unit")
    assert _parents(model)["OPS"] is None


def test_unit_cycle_is_listed_in_order_and_broken_at_its_first_unit_in_the_file(tmp_path):
    text = "unit_id,name,parent_unit\nHQ,Head Office,\nA,Alpha,B\nB,Beta,C\nC,Gamma,A\n"
    model = read_bundle([_bundle(tmp_path, "units.csv", text)])
    [problem] = _codes(model, "unit_cycle")
    assert problem.ids == ("A", "B", "C")
    assert problem.row == 3
    parents = _parents(model)
    assert {u: parents[u] for u in "ABC"} == {"A": None, "B": "C", "C": "A"}


def test_unit_that_is_its_own_parent_is_a_cycle_of_one(tmp_path):
    text = "unit_id,name,parent_unit\nHQ,Head Office,HQ\nOPS,Operations,HQ\n"
    model = read_bundle([_bundle(tmp_path, "units.csv", text)])
    [problem] = _codes(model, "unit_cycle")
    assert problem.ids == ("HQ",)
    assert _parents(model) == {"HQ": None, "OPS": "HQ"}


def test_units_named_only_by_people_are_added_without_parent(tmp_path):
    text = "unit_id,name,parent_unit\nHQ,Head Office,\n"
    model = read_bundle([_bundle(tmp_path, "units.csv", text)])
    assert _parents(model) == {"HQ": None, "OPS": None}


def test_people_unit_given_by_name_is_that_unit_not_a_new_one(tmp_path):
    text = "unit_id,name,parent_unit\nHQ,Head Office,\nOPS,Operations,HQ\n"
    people = "person_id,manager_id,unit\n1,,Head Office\n2,1,Operations\n"
    model = read_bundle([_bundle(tmp_path, "units.csv", text, people=people)])
    assert sorted(model.units["unit_id"]) == ["HQ", "OPS"]


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_generated_org_keeps_its_unit_hierarchy_on_read_back(tmp_path, file_format):
    org = generate_org(200, "power-over", seed=3)
    write_bundle(org, tmp_path / "org", file_format=file_format)
    model = read_bundle([tmp_path / "org"])
    expected = org.units.set_index("unit_id")
    got = model.units.set_index("unit_id").loc[expected.index]
    assert got["parent_unit"].fillna("").tolist() == expected["parent_unit"].fillna("").tolist()
    assert got["name"].tolist() == expected["name"].tolist()
    assert expected["parent_unit"].notna().sum() > 0
    assert _codes(model, "unit_cycle") == [] and _codes(model, "unknown_parent_unit") == []
