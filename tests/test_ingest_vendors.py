"""HR exports recognised by their headers, mapped onto the bundle; names resolved to ids."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from orgpower.api import read_org
from orgpower.ingest.vendors import VENDORS, detect


def _csv(path: Path, rows: list[list[str]]) -> Path:
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(path, index=False)
    return path


def _arcs(model) -> set[tuple[str, str]]:
    solid = model.reporting[model.reporting["line"] == "solid"]
    return set(zip(solid["source"], solid["target"]))


def _only_input(model):
    [item] = model.inputs
    return item


# One small export per vendor: (vendor, headers+rows, expected solid arcs manager -> report).
EXPORTS = {
    "workday": (
        [["Employee ID", "Worker", "Manager ID", "Supervisory Organization", "Business Title", "Job Profile",
          "Cost Center", "Location", "FTE"],
         ["W1", "Ada Top", "", "Exec", "CEO", "Executive", "CC1", "London", "1"],
         ["W2", "Bo Mid", "W1", "Ops", "COO", "Executive", "CC2", "Leeds", "0.8"]],
        {("W1", "W2")},
    ),
    "bamboohr": (
        [["Employee #", "First Name", "Last Name", "Reports To", "Job Title", "Department", "Division", "Location"],
         ["1", "Ada", "Top", "", "CEO", "Exec", "HQ", "Boston"],
         ["2", "Bo", "Mid", "Ada Top", "COO", "Ops", "HQ", "Boston"],
         ["3", "Cy", "Low", "Top, Ada", "CFO", "Finance", "HQ", "Boston"]],
        {("1", "2"), ("1", "3")},
    ),
    "bamboohr_api": (
        [["id", "employeeNumber", "displayName", "supervisor", "supervisorEId", "workEmail", "jobTitle", "department"],
         ["40", "1001", "Ada Top", "", "", "ada@example.org", "CEO", "Exec"],
         ["41", "1002", "Bo Mid", "Ada Top", "40", "bo@example.org", "COO", "Ops"]],
        {("40", "41")},
    ),
    "successfactors": (
        [["USERID", "MANAGER", "FIRSTNAME", "LASTNAME", "TITLE", "DEPARTMENT", "DIVISION", "LOCATION", "HR"],
         ["u1", "NO_MANAGER", "Ada", "Top", "CEO", "Exec", "Corp", "Walldorf", "hr1"],
         ["u2", "u1", "Bo", "Mid", "COO", "Ops", "Corp", "Walldorf", "hr1"]],
        {("u1", "u2")},
    ),
    "adp": (
        [["Associate ID", "Reports To Associate ID", "Legal First Name", "Legal Last Name", "Job Title Description",
          "Home Department Description", "Location Description"],
         ["A1", "", "Ada", "Top", "CEO", "Exec", "NJ"],
         ["A2", "A1", "Bo", "Mid", "COO", "Ops", "NJ"]],
        {("A1", "A2")},
    ),
    "adp_api": (
        [["associateOID", "workerID", "person.legalName.formattedName", "workAssignments.reportsTo.associateOID"],
         ["G3X1", "1001", "Ada Top", ""],
         ["G3X2", "1002", "Bo Mid", "G3X1"]],
        {("G3X1", "G3X2")},
    ),
    "hibob": (
        [["Employee ID", "Display name", "Reports to Employee ID", "Department", "Site", "Job title"],
         ["h1", "Ada Top", "", "Exec", "Tel Aviv", "CEO"],
         ["h2", "Bo Mid", "h1", "Ops", "London", "COO"]],
        {("h1", "h2")},
    ),
    "personio": (
        [["ID", "First name", "Last name", "Supervisor", "Department", "Position", "Office", "Weekly working hours"],
         ["11", "Ada", "Top", "", "Exec", "CEO", "Munich", "40"],
         ["12", "Bo", "Mid", "Ada Top", "Ops", "COO", "Munich", "32"]],
        {("11", "12")},
    ),
    "rippling": (
        [["Employee ID", "Employee Name", "Manager ID", "Manager", "Department", "Title", "Work Location"],
         ["r1", "Ada Top", "", "", "Exec", "CEO", "SF"],
         ["r2", "Bo Mid", "r1", "Ada Top", "Ops", "COO", "SF"]],
        {("r1", "r2")},
    ),
    "uk_organogram_senior": (
        [["Post Unique Reference", "Name", "Grade (or equivalent)", "Job Title", "Unit", "Reports to Senior Post",
          "FTE", "Actual Pay Floor (£)"],
         ["P1", "N/D", "SCS3", "Permanent Secretary", "Office", "XX", "1", "160000"],
         ["P2", "Vacant", "SCS2", "Director", "Policy", "P1", "1", "N/D"]],
        {("P1", "P2")},
    ),
}


@pytest.mark.parametrize("vendor", sorted(EXPORTS))
def test_vendor_export_is_recognised_and_mapped(tmp_path, vendor):
    rows, arcs = EXPORTS[vendor]
    model = read_org([_csv(tmp_path / "export.csv", rows)])
    item = _only_input(model)
    assert (item.kind, item.vendor) == ("people", vendor)
    assert _arcs(model) == arcs
    assert len(model.people) == len(rows) - 1
    assert not model.errors


def test_every_vendor_in_the_table_has_an_export_test():
    people_vendors = {v.name for v in VENDORS if v.kind == "people"} - {"native", "hr_dataset"}
    assert people_vendors == set(EXPORTS)


def test_workday_manager_dash_id_header_variant(tmp_path):
    rows = [["Employee ID", "Worker", "Manager - ID", "Business Title"], ["1", "A", "", "CEO"], ["2", "B", "1", "COO"]]
    model = read_org([_csv(tmp_path / "workers.csv", rows)])
    assert _only_input(model).mapping["manager_id"] == "Manager - ID"
    assert _arcs(model) == {("1", "2")}


def test_successfactors_no_manager_marker_means_the_top(tmp_path):
    rows, _ = EXPORTS["successfactors"]
    model = read_org([_csv(tmp_path / "sf.csv", rows)])
    assert model.roots == ["u1"]
    assert model.warnings == []


def test_organogram_xx_marker_means_the_top_without_a_problem(tmp_path):
    rows, _ = EXPORTS["uk_organogram_senior"]
    model = read_org([_csv(tmp_path / "senior.csv", rows)])
    assert model.roots == ["P1"]
    assert not [p for p in model.problems if p.code.startswith("manager_")]


def test_hibob_work_reports_to_holds_a_name(tmp_path):
    rows = [["Employee ID", "Display name", "Work - Reports to", "Department"],
            ["h1", "Ada Top", "", "Exec"], ["h2", "Bo Mid", "Ada Top", "Ops"]]
    model = read_org([_csv(tmp_path / "bob.csv", rows)])
    assert _only_input(model).vendor == "hibob"
    assert _arcs(model) == {("h1", "h2")}


def test_bamboohr_first_and_last_name_are_joined(tmp_path):
    rows, _ = EXPORTS["bamboohr"]
    model = read_org([_csv(tmp_path / "bamboo.csv", rows)])
    assert model.people["name"].tolist() == ["Ada Top", "Bo Mid", "Cy Low"]


def test_ambiguous_manager_name_is_reported_and_not_guessed(tmp_path):
    rows = [["Employee #", "First Name", "Last Name", "Reports To"],
            ["1", "Sam", "Lee", ""], ["2", "Sam", "Lee", ""], ["3", "Bo", "Mid", "Sam Lee"]]
    model = read_org([_csv(tmp_path / "bamboo.csv", rows)])
    [problem] = [p for p in model.problems if p.code == "ambiguous_manager_name"]
    assert (problem.row, problem.value, problem.ids) == (4, "Sam Lee", ("3",))
    assert _arcs(model) == set()


def test_unknown_manager_name_is_manager_not_found(tmp_path):
    rows = [["Employee #", "First Name", "Last Name", "Reports To"], ["1", "Ada", "Top", ""], ["2", "Bo", "Mid", "Nobody Known"]]
    model = read_org([_csv(tmp_path / "bamboo.csv", rows)])
    [problem] = [p for p in model.problems if p.code == "manager_not_found"]
    assert (problem.row, problem.value) == (3, "Nobody Known")


@pytest.mark.parametrize("header", ["Supervisor", "Reports To", "Line Manager", "Manager Employee ID", "Boss", "Parent",
                                    "line_manager", "REPORTS-TO", "manager id"])
def test_any_spreadsheet_manager_synonym_is_matched(tmp_path, header):
    rows = [["Staff ID", header, "Team"], ["a", "", "T"], ["b", "a", "T"]]
    model = read_org([_csv(tmp_path / "anything.csv", rows)])
    assert _only_input(model).vendor == "generic"
    assert _arcs(model) == {("a", "b")}


@pytest.mark.parametrize("header", ["person_id", "Person ID", "EMPLOYEE_ID", "Emp Id", "staff number", "User-ID"])
def test_id_header_spelling_does_not_matter(header):
    assert detect([header, "Manager"]).mapping["person_id"] == header


def test_dotted_line_manager_column_becomes_dotted_reporting(tmp_path):
    rows = [["person_id", "manager_id", "Dotted Line Manager"], ["a", "", ""], ["b", "a", ""], ["c", "a", "b"]]
    model = read_org([_csv(tmp_path / "people.csv", rows)])
    dotted = model.reporting[model.reporting["line"] == "dotted"]
    assert list(zip(dotted["source"], dotted["target"])) == [("b", "c")]


def test_matrix_manager_id_column_becomes_dotted_reporting(tmp_path):
    rows = [["Employee ID", "Worker", "Manager ID", "Matrix Manager ID", "Business Title"],
            ["1", "A", "", "", "CEO"], ["2", "B", "1", "", "COO"], ["3", "C", "1", "2", "PM"]]
    model = read_org([_csv(tmp_path / "wd.csv", rows)])
    dotted = model.reporting[model.reporting["line"] == "dotted"]
    assert list(zip(dotted["source"], dotted["target"])) == [("2", "3")]


# --- explicit mapping ----------------------------------------------------------------------


STRANGE = [["Kennung", "Vorgesetzter", "Abteilung"], ["k1", "", "Vorstand"], ["k2", "k1", "IT"]]


def test_mapping_json_overrides_detection(tmp_path):
    path = _csv(tmp_path / "mitarbeiter.csv", STRANGE)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"people": {"person_id": "Kennung", "manager_id": "Vorgesetzter", "unit": "Abteilung"}}))
    model = read_org([path], mapping=mapping)
    item = _only_input(model)
    assert item.vendor == "mapping"
    assert item.mapping["person_id"] == "Kennung"
    assert _arcs(model) == {("k1", "k2")}
    assert model.people["unit"].tolist() == ["Vorstand", "IT"]


def test_mapping_csv_of_canonical_and_header(tmp_path):
    path = _csv(tmp_path / "mitarbeiter.csv", STRANGE)
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("canonical,header\nperson_id,Kennung\nmanager_id,Vorgesetzter\n")
    assert _arcs(read_org([path], mapping=mapping)) == {("k1", "k2")}


def test_mapping_by_file_name(tmp_path):
    path = _csv(tmp_path / "mitarbeiter.csv", STRANGE)
    mapping = {"files": {"mitarbeiter.csv": {"kind": "people", "columns": {"person_id": "Kennung", "manager_id": "Vorgesetzter"}}}}
    assert _arcs(read_org([path], mapping=mapping)) == {("k1", "k2")}


def test_mapping_reassigns_a_header_detection_got_wrong(tmp_path):
    # Detection reads "Manager" as a manager; the mapping says it holds the dotted line.
    rows = [["person_id", "manager_id", "Manager"], ["a", "", ""], ["b", "a", ""], ["c", "a", "b"]]
    path = _csv(tmp_path / "people.csv", rows)
    model = read_org([path], mapping={"people": {"dotted_manager_id": "Manager"}})
    assert _arcs(model) == {("a", "b"), ("a", "c")}
    dotted = model.reporting[model.reporting["line"] == "dotted"]
    assert list(zip(dotted["source"], dotted["target"])) == [("b", "c")]


def test_mapping_naming_a_missing_header_is_reported(tmp_path):
    path = _csv(tmp_path / "mitarbeiter.csv", STRANGE)
    model = read_org([path], mapping={"files": {"mitarbeiter.csv": {"kind": "people", "columns": {
        "person_id": "Kennung", "manager_id": "Chef"}}}})
    assert [p.code for p in model.errors] == ["mapping_header_missing"]


@pytest.mark.parametrize("content", ["{not json", '{"people": {"shoe_size": "X"}}', '["a"]'])
def test_malformed_mapping_file_is_a_usage_error(tmp_path, content):
    from orgpower.errors import UsageError

    path = _csv(tmp_path / "mitarbeiter.csv", STRANGE)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(content)
    with pytest.raises(UsageError):
        read_org([path], mapping=mapping)


def test_names_resolved_to_ids_are_counted_in_an_info_problem(tmp_path):
    rows, _ = EXPORTS["bamboohr"]
    model = read_org([_csv(tmp_path / "bamboo.csv", rows)])
    [problem] = [p for p in model.problems if p.code == "manager_resolution"]
    assert problem.severity == "info" and "2 of 2 manager references were matched (2 by name)" in problem.message


def test_export_format_note_is_said_once_per_flavour(tmp_path):
    rows, _ = EXPORTS["bamboohr"]
    model = read_org([_csv(tmp_path / "a.csv", rows), _csv(tmp_path / "b.csv", [rows[0], ["9", "Zed", "New", "", "", "", "", ""]])])
    notes = [p for p in model.problems if p.code == "export_format"]
    assert len(notes) == 1 and "BambooHR" in notes[0].message


def test_vendor_recognition_adds_to_the_generic_synonyms(tmp_path):
    # A HiBob file whose manager column is a plain "Reports to" (display names): the
    # HiBob table does not name it, the generic synonyms do, and both apply.
    rows = [["Employee ID", "Display name", "Reports to", "Department"],
            ["h1", "Ada Top", "", "Exec"], ["h2", "Bo Mid", "Ada Top", "Ops"], ["h3", "Cy Low", "Bo Mid", "Ops"]]
    model = read_org([_csv(tmp_path / "bob.csv", rows)])
    item = _only_input(model)
    assert (item.vendor, item.mapping["manager_name"]) == ("hibob", "Reports to")
    assert _arcs(model) == {("h1", "h2"), ("h2", "h3")}


def test_when_two_formats_fit_the_richer_match_wins_and_the_other_is_named_close(tmp_path):
    rows = [["Employee ID", "Employee Name", "Display name", "Manager ID", "Work Location", "Title"],
            ["r1", "Ada Top", "Ada", "", "SF", "CEO"], ["r2", "Bo Mid", "Bo", "r1", "SF", "COO"]]
    model = read_org([_csv(tmp_path / "people.csv", rows)])
    item = _only_input(model)
    assert item.vendor == "rippling" and "hibob" in item.close_formats
    from orgpower.ingest.summary import format_validation

    assert "also fit hibob" in format_validation(model, show_mapping=True)


def test_bamboohr_api_file_is_not_taken_for_personio(tmp_path):
    rows = [["id", "firstName", "lastName", "supervisor", "supervisorEId", "employeeNumber"],
            ["40", "Ada", "Top", "", "", "1001"], ["41", "Bo", "Mid", "Ada Top", "1001", "1002"]]
    item = _only_input(read_org([_csv(tmp_path / "employees.csv", rows)]))
    assert item.vendor == "bamboohr_api"
