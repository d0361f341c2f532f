"""One test per validation code: the problem is reported with file, row and value, and the
policy holds (what can be analysed is analysed; set-aside rows are counted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bundles import write_csv_bundle
from orgpower.api import read_org
from orgpower.errors import InputError, UsageError
from orgpower.ingest.validate import CODES

PEOPLE = "person_id,manager_id,name,unit,fte\nceo,,A,Exec,1\nm1,ceo,B,Ops,1\nm2,ceo,C,Fin,1\ne1,m1,D,Ops,1\n"


def _problems(model, code):
    return [p for p in model.problems if p.code == code]


def _input(model, file):
    [item] = [i for i in model.inputs if i.file == file]
    return item


def _arcs(model):
    solid = model.reporting[model.reporting["line"] == "solid"]
    return set(zip(solid["source"], solid["target"]))


def test_clean_bundle_has_no_errors_or_warnings(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE)])
    assert model.errors == [] and model.warnings == []
    assert _arcs(model) == {("ceo", "m1"), ("ceo", "m2"), ("m1", "e1")}
    assert _input(model, "people.csv").rows_used == 4


def test_duplicate_id_keeps_first_row_and_sets_the_rest_aside(tmp_path):
    text = PEOPLE + "m1,m2,E,Fin,1\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = _problems(model, "duplicate_id")
    assert (problem.severity, problem.value, problem.row, problem.file) == ("error", "m1", 6, "people.csv")
    assert model.people.set_index("person_id").loc["m1", "name"] == "B"
    assert _input(model, "people.csv").rows_used == 4


def test_job_share_is_a_duplicate_id_warning(tmp_path):
    text = PEOPLE + "e2,m1,X,Ops,0.6\ne2,m1,Y,Ops,0.4\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = _problems(model, "duplicate_id")
    assert problem.severity == "warning"
    assert "job share" in problem.message


def test_repeated_full_time_id_is_not_a_job_share(tmp_path):
    text = PEOPLE + "e2,m1,X,Ops,1\ne2,m1,Y,Ops,1\n"
    [problem] = _problems(read_org([write_csv_bundle(tmp_path, people=text)]), "duplicate_id")
    assert problem.severity == "error"


def test_manager_not_found_keeps_the_person_as_a_top(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE + "e2,ghost,E,Ops,1\n")])
    [problem] = _problems(model, "manager_not_found")
    assert (problem.severity, problem.row, problem.value, problem.ids) == ("error", 6, "ghost", ("e2",))
    assert "e2" in model.roots and "e2" in set(model.people["person_id"])


def test_self_manager_is_set_aside(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE + "e2,e2,E,Ops,1\n")])
    [problem] = _problems(model, "self_manager")
    assert (problem.severity, problem.row) == ("error", 6)
    assert ("e2", "e2") not in _arcs(model)


def test_reporting_cycle_lists_the_whole_cycle_and_sets_one_arc_aside(tmp_path):
    text = PEOPLE + "x,z,E,Ops,1\ny,x,F,Ops,1\nz,y,G,Ops,1\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = _problems(model, "reporting_cycle")
    # x reports to z, z to y, y to x: listed person -> manager -> ... from the first in the file.
    assert problem.ids == ("x", "z", "y")
    assert "'x reports to z'" in problem.message and "set aside" in problem.message
    assert ("z", "x") not in _arcs(model)
    assert {("x", "y"), ("y", "z")} <= _arcs(model)
    assert "x" in model.roots


def test_several_independent_cycles_are_each_reported(tmp_path):
    text = PEOPLE + "a,b,,,\nb,a,,,\nc,d,,,\nd,e,,,\ne,c,,,\n"
    problems = _problems(read_org([write_csv_bundle(tmp_path, people=text)]), "reporting_cycle")
    assert sorted(p.ids for p in problems) == [("a", "b"), ("c", "d", "e")]


def test_several_roots_is_a_warning(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE + "boss2,,E,Ops,1\n")])
    [problem] = _problems(model, "several_roots")
    assert problem.severity == "warning"
    assert set(problem.ids) == {"ceo", "boss2"}


def test_board_of_directors_is_not_a_person(tmp_path):
    text = PEOPLE.replace("ceo,,A", "ceo,Board of Directors,A")
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = _problems(model, "manager_not_a_person")
    assert (problem.severity, problem.value, problem.row) == ("warning", "Board of Directors", 2)
    assert model.roots == ["ceo"]
    assert not _problems(model, "manager_not_found")


def test_blank_id_row_is_set_aside_and_counted(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE + ",m1,E,Ops,1\n")])
    [problem] = _problems(model, "blank_id")
    assert (problem.row, problem.file) == (6, "people.csv")
    item = _input(model, "people.csv")
    assert (item.rows, item.rows_used) == (5, 4)


def test_non_numeric_fte_is_read_as_blank_with_a_warning(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE + "e2,m1,E,Ops,full\n")])
    [problem] = _problems(model, "non_numeric_value")
    assert (problem.severity, problem.value, problem.row) == ("warning", "full", 6)
    assert len(model.people) == 5


FLOWS = "source,target,amount\nceo,m1,100\nceo,m2,50.5\n"


def test_non_numeric_amount_sets_the_flow_aside(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, flows=FLOWS + "m1,e1,lots\nm1,e1,\n")])
    problems = _problems(model, "non_numeric_amount")
    assert [(p.row, p.value) for p in problems] == [(4, "lots"), (5, None)]
    assert len(model.flows) == 2
    assert _input(model, "flows.csv").rows_used == 2


def test_amount_with_thousands_separator_and_currency_is_a_number(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, flows='source,target,amount\nceo,m1,"£1,200.50"\n')])
    assert model.flows["amount"].tolist() == [1200.5]


def test_negative_amount_sets_the_flow_aside(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, flows=FLOWS + "m1,e1,-3\n")])
    [problem] = _problems(model, "negative_amount")
    assert (problem.row, problem.value, problem.severity) == (4, "-3", "error")
    assert len(model.flows) == 2


def test_blank_flow_endpoint_is_blank_id(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, flows=FLOWS + ",e1,3\n")])
    [problem] = _problems(model, "blank_id")
    assert (problem.file, problem.row) == ("flows.csv", 4)


def test_unknown_flow_endpoint_is_kept_as_a_unit_with_a_warning(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, flows=FLOWS + "ceo,Facilities,7\nceo,Ops,9\n")])
    [problem] = _problems(model, "unknown_endpoint")
    assert (problem.value, problem.row, problem.severity) == ("Facilities", 4, "warning")
    assert len(model.flows) == 4  # kept
    assert {"Facilities", "Ops"} <= set(model.units["unit_id"])  # "Ops" is a unit of the people file: no problem


DECISIONS = "decision,actor,role\nbudget,ceo,A\nbudget,m1,C\n"


def test_unknown_role_is_reported_and_the_row_set_aside(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, decisions=DECISIONS + "budget,m2,Z\n")])
    [problem] = _problems(model, "unknown_role")
    assert (problem.row, problem.value) == (4, "Z")
    assert len(model.decisions) == 2
    assert _input(model, "decisions.csv").rows_used == 2


def test_unknown_actor_is_a_warning(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, decisions=DECISIONS + "budget,zz9,I\n")])
    [problem] = _problems(model, "unknown_actor")
    assert (problem.value, problem.row) == ("zz9", 4)


def test_blank_decision_is_missing_value(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, decisions=DECISIONS + ",m2,I\n")])
    [problem] = _problems(model, "missing_value")
    assert problem.row == 4


def test_empty_file_in_a_bundle_is_reported_and_the_rest_analysed(tmp_path):
    folder = write_csv_bundle(tmp_path, people=PEOPLE, flows="")
    model = read_org([folder])
    [problem] = _problems(model, "empty_file")
    assert problem.file == "flows.csv"
    assert len(model.people) == 4


def test_file_without_id_column_is_no_id_column(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, notes="colour,shape\nred,round\n")])
    [problem] = _problems(model, "no_id_column")
    assert problem.file == "notes.csv" and "colour" in problem.message


def test_unreadable_file_in_a_bundle_is_reported(tmp_path):
    folder = write_csv_bundle(tmp_path, people=PEOPLE)
    (folder / "flows.csv").write_bytes(b"\x00\x01\x02\xff" * 200)
    [problem] = _problems(read_org([folder]), "unreadable_file")
    assert problem.file == "flows.csv"


def test_non_table_file_in_a_folder_is_skipped_visibly(tmp_path):
    folder = write_csv_bundle(tmp_path, people=PEOPLE)
    (folder / "README.md").write_text("notes")
    [problem] = _problems(read_org([folder]), "skipped_file")
    assert (problem.file, problem.severity) == ("README.md", "info")


def test_no_people_at_all_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="No people"):
        read_org([write_csv_bundle(tmp_path, flows=FLOWS)])


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="No such file"):
        read_org([tmp_path / "nope.csv"])


def test_every_documented_code_is_in_the_docs():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "input-formats.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"`{code}`" not in docs]
    assert missing == []


def test_many_cycles_and_duplicates_are_all_handled_but_listed_up_to_the_limit(tmp_path):
    from orgpower.ingest.validate import ROW_LIMIT

    n = ROW_LIMIT + 5
    pairs = "".join(f"a{i},b{i}\nb{i},a{i}\nd{i},\nd{i},\n" for i in range(n))
    model = read_org([write_csv_bundle(tmp_path, people="person_id,manager_id\n" + pairs)])
    cycles = _problems(model, "reporting_cycle")
    duplicates = _problems(model, "duplicate_id")
    assert len(cycles) == len(duplicates) == ROW_LIMIT + 1  # listed ones plus one that counts the rest
    assert "5 more reporting cycles" in cycles[0].message and "5 more ids" in duplicates[0].message
    assert len(model.roots) == 2 * n  # every cycle broken (one top each), every kept duplicate a top


def test_people_file_whose_rows_are_all_set_aside_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="blank_id"):
        read_org([write_csv_bundle(tmp_path, people="person_id,manager_id\n,a\n,b\n")])


def test_manager_id_written_as_decimal_is_matched_and_said(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people="person_id,manager_id\n7,\n8,7.0\n9,8\n")])
    assert _arcs(model) == {("7", "8"), ("8", "9")}
    [problem] = _problems(model, "manager_id_as_decimal")
    assert problem.severity == "info" and "7.0" in problem.message


def test_decimal_manager_id_does_not_match_when_the_id_itself_has_a_decimal(tmp_path):
    # "7.0" is a real id here: exact matches always win.
    model = read_org([write_csv_bundle(tmp_path, people="person_id,manager_id\n7.0,\n7,\n8,7.0\n")])
    assert ("7.0", "8") in _arcs(model)
    assert not _problems(model, "manager_id_as_decimal")


def test_problem_names_the_column_as_the_file_heads_it(tmp_path):
    text = "Staff ID,Line Manager\na,\nb,ghost\n"
    [problem] = _problems(read_org([write_csv_bundle(tmp_path, people=text)]), "manager_not_found")
    assert problem.column == "Line Manager"


def test_manager_id_column_of_another_key_gives_way_to_manager_names(tmp_path):
    # As in the HR data set: ManagerID is a manager key (1, 2), not an employee id.
    text = ("EmployeeID,Full Name,ManagerID,Manager Name\n"
            "100,Ada Top,,\n101,Bo Mid,1,Ada Top\n102,Cy Low,1,Ada Top\n103,Di Sub,2,Bo Mid\n")
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    assert _arcs(model) == {("100", "101"), ("100", "102"), ("101", "103")}
    [problem] = _problems(model, "manager_id_column_ignored")
    assert problem.column == "ManagerID"


def test_manager_id_column_that_matches_is_kept_over_names(tmp_path):
    text = "EmployeeID,Full Name,ManagerID,Manager Name\n100,Ada Top,,\n101,Bo Mid,100,Someone Else\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    assert _arcs(model) == {("100", "101")}
    assert not _problems(model, "manager_id_column_ignored")


def test_manager_id_differing_only_in_leading_zeros_is_not_found_with_a_hint(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people="person_id,manager_id\n42,\n43,0042\n")])
    [problem] = _problems(model, "manager_not_found")
    assert problem.value == "0042" and "leading zeros" in problem.message
    assert _arcs(model) == set()  # ids are text: no guess is made


def test_partly_unknown_role_keeps_the_known_part(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, decisions=DECISIONS + "budget,m2,A/Z\n")])
    [problem] = _problems(model, "unknown_role")
    assert "only its known roles were kept" in problem.message
    assert ("m2", "accountable") in set(zip(model.decisions["actor"], model.decisions["role"]))
