"""Manager references in every form real exports use, and the guard against reading an
org as flat because its manager column was missed."""

from __future__ import annotations

import pandas as pd
import pytest

from bundles import write_csv_bundle
from orgpower.api import audit, read_org
from orgpower.errors import InputError
from orgpower.ingest.managers import PeopleKeys, resolve_references, split_references


def _arcs(model, line="solid"):
    arcs = model.reporting[model.reporting["line"] == line]
    return set(zip(arcs["source"], arcs["target"]))


def _codes(model):
    return {p.code for p in model.problems}


def _keys():
    people = pd.DataFrame({
        "person_id": ["1", "2", "3", "4"],
        "name": ["Ana Ruiz", "Bo Lind", "Cy Park", "Cy Park"],
        "_email": ["ana@x.org", "bo@x.org", "cy1@x.org", "cy2@x.org"],
        "_number": ["E01", "E02", "E03", "E04"],
    })
    return PeopleKeys.of(people)


@pytest.mark.parametrize(("reference", "person", "how"), [
    ("1", "1", "id"),
    ("E02", "2", "number"),
    ("BO@X.ORG", "2", "email"),
    ("Ruiz, Ana", "1", "name"),
    ("Lind, Bo M.", "2", "name"),
    ("Bo Lind (2)", "2", "id"),
    ("Someone (E01)", "1", "number"),
    ("Cy Park", None, "ambiguous"),
    ("NO_MANAGER", None, "no_manager"),
    ("NO_MGR", None, "no_manager"),
    ("n/a", None, "no_manager"),
    ("-", None, "no_manager"),
    ("0", None, "no_manager"),
    ("Board of Directors", None, "not_a_person"),
    ("ghost", None, "unmatched"),
])
def test_reference_resolves_by_its_kind(reference, person, how):
    resolved, kinds = resolve_references(pd.Series([reference]), _keys())
    assert (resolved.iloc[0], kinds.iloc[0]) == (person, how)


def test_zero_is_a_manager_id_when_a_person_has_id_zero():
    keys = PeopleKeys.of(pd.DataFrame({"person_id": ["0", "1"], "name": ["A", "B"]}))
    resolved, kinds = resolve_references(pd.Series(["0"]), keys)
    assert (resolved.iloc[0], kinds.iloc[0]) == ("0", "id")


def test_several_managers_in_one_cell_split_into_first_and_rest():
    first, rest = split_references(pd.Series(["a\nb", "c;d;e", "f"]))
    assert first.tolist() == ["a", "c", "f"] and rest.tolist()[:2] == ["b", "d;e"]


def test_several_managers_in_one_cell_give_a_solid_and_dotted_lines(tmp_path):
    text = 'id,name,manager\n1,Ana,\n2,Bo,1\n3,Cy,"1"\n4,Di,"2\n3"\n'
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    assert ("2", "4") in _arcs(model) and ("3", "4") in _arcs(model, "dotted")


def test_resolution_counts_each_kind_in_one_info_problem(tmp_path):
    text = ("id,name,email,manager\n1,Ana Ruiz,ana@x.org,\n2,Bo Lind,bo@x.org,1\n3,Cy Park,cy@x.org,ana@x.org\n"
            "4,Di Moss,di@x.org,\"Lind, Bo\"\n5,Ed Fox,ed@x.org,ghost\n")
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = [p for p in model.problems if p.code == "manager_resolution"]
    assert "3 of 4 manager references were matched (1 by id, 1 by email, 1 by name); 1 unmatched" in problem.message
    assert "id=1;" in problem.value and "unmatched=1" in problem.value


def test_two_people_of_the_same_name_are_never_guessed(tmp_path):
    text = "id,name,manager\n1,Ana Ruiz,\n2,Bo Lind,1\n3,Bo Lind,1\n4,Cy Park,Bo Lind\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = [p for p in model.problems if p.code == "ambiguous_manager_name"]
    assert problem.ids == ("4",) and "'4' (Cy Park)" in problem.message
    assert "4" in model.roots


def test_unknown_manager_message_names_the_person_and_the_near_id(tmp_path):
    text = "person_id,name,manager_id\n42,Ana Ruiz,\n43,Bo Lind,0042\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = [p for p in model.problems if p.code == "manager_not_found"]
    assert "'43' (Bo Lind)" in problem.message and "did you mean '42' (Ana Ruiz)?" in problem.message


def test_top_person_as_their_own_manager_is_the_root_told_as_info(tmp_path):
    text = "PersonID,SupervisorID,Name\n1001,1001,Ana\n1002,1001,Bo\n1003,1002,Cy\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = [p for p in model.problems if p.code == "self_manager"]
    assert problem.severity == "info" and model.roots == ["1001"] and not model.errors


# --- the guard ------------------------------------------------------------------------

FLAT = "Staff ID,Full Name,Team,Escalates to\nS1,Ana Ruiz,Exec,\nS2,Bo Lind,Ops,Ana Ruiz\nS3,Cy Park,Ops,Bo Lind\n" \
       "S4,Di Moss,Fin,Ana Ruiz\nS5,Ed Fox,Fin,Di Moss\nS6,Flo Ng,Ops,Bo Lind\n"


def test_unused_manager_looking_column_is_an_error_naming_it_and_its_mapping_line(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=FLAT)])
    [problem] = [p for p in model.problems if p.code == "manager_column_unused"]
    assert (problem.severity, problem.column, problem.value) == ("error", "Escalates to", "manager_name")
    assert "'manager_name,Escalates to'" in problem.message and "6 of 6 people" in problem.message


def test_manager_column_suspected_by_its_header_alone(tmp_path):
    text = "Staff ID,Full Name,Supervisor Code\nS1,Ana,\nS2,Bo,X9\nS3,Cy,X9\nS4,Di,X8\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = [p for p in model.problems if p.code == "manager_column_unused"]
    assert problem.column == "Supervisor Code" and "header" in problem.message


def test_a_yes_no_manager_flag_is_not_a_suspect(tmp_path):
    text = "Staff ID,Full Name,Is Manager,Boss\nS1,Ana,yes,\nS2,Bo,no,S1\nS3,Cy,no,S1\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    assert "manager_column_unused" not in _codes(model) and len(model.roots) == 1


def test_too_many_people_without_a_manager_is_an_error(tmp_path):
    rows = "\n".join(f"p{i},P{i},{'p0' if 0 < i < 3 else ''}" for i in range(10))
    model = read_org([write_csv_bundle(tmp_path, people="person_id,name,manager_id\n" + rows + "\n")])
    [problem] = [p for p in model.problems if p.code == "too_many_tops"]
    assert problem.severity == "error" and "8 of 10 people" in problem.message
    assert "'manager_id'" in problem.message  # the column that was used, and blank for them


def test_people_file_without_any_manager_column_is_an_error(tmp_path):
    rows = "\n".join(f"p{i},P{i},Unit{i % 2}" for i in range(6))
    model = read_org([write_csv_bundle(tmp_path, people="person_id,name,unit\n" + rows + "\n")])
    assert "too_many_tops" in {p.code for p in model.errors}


def test_saying_the_org_is_flat_turns_the_guard_into_information(tmp_path):
    rows = "\n".join(f"p{i},P{i}" for i in range(6))
    model = read_org([write_csv_bundle(tmp_path, people="person_id,name\n" + rows + "\n")], flat_org=True)
    assert not model.errors
    [problem] = [p for p in model.problems if p.code == "too_many_tops"]
    assert problem.severity == "info"


def test_audit_refuses_an_org_read_flat_by_mistake(tmp_path):
    folder = write_csv_bundle(tmp_path, people=FLAT)
    with pytest.raises(InputError, match="Escalates to"):
        audit([folder])


def test_audit_accepts_a_flat_org_the_user_says_is_flat(tmp_path):
    rows = "\n".join(f"p{i},P{i}" for i in range(6))
    folder = write_csv_bundle(tmp_path, people="person_id,name\n" + rows + "\n")
    result = audit([folder], flat_org=True)
    assert result.document is not None


def test_a_corrected_mapping_becomes_a_mapping_file_the_command_line_reads(tmp_path):
    from orgpower.ingest.mapping import mapping_json

    folder = write_csv_bundle(tmp_path, people=FLAT)
    model = read_org([folder])
    [problem] = [p for p in model.problems if p.code == "manager_column_unused"]
    [item] = model.inputs
    corrected = {item.file: {**item.mapping, problem.value: problem.column}}
    path = tmp_path / "mapping.json"
    path.write_text(mapping_json(corrected), encoding="utf-8")
    fixed = read_org([folder], mapping=path)
    assert not fixed.errors and len(fixed.roots) == 1


def test_duplicate_id_says_whose_row_was_set_aside_and_whose_reports_moved(tmp_path):
    text = "person_id,name,manager_id\nceo,Ana Ruiz,\nm1,Bo Lind,ceo\nm1,Cy Park,ceo\ne1,Di Moss,m1\ne2,Ed Fox,m1\n"
    model = read_org([write_csv_bundle(tmp_path, people=text)])
    [problem] = [p for p in model.problems if p.code == "duplicate_id"]
    assert "the first row (Bo Lind) was kept and 1 set aside: Cy Park (people.csv row 4)" in problem.message
    assert "the 2 people naming 'm1' as manager now report to the row kept (Bo Lind)" in problem.message


def test_a_people_file_without_manager_column_in_a_network_study_is_a_warning(tmp_path):
    people = "person_id,name\n" + "".join(f"p{i},P{i}\n" for i in range(6))
    relations = "source,target,relation\np0,p1,advice\np1,p2,advice\n"
    model = read_org([write_csv_bundle(tmp_path, people=people, relations=relations)])
    [problem] = [p for p in model.problems if p.code == "too_many_tops"]
    assert problem.severity == "warning" and not model.errors


def test_leavers_named_in_flows_and_decisions_are_one_problem_and_not_units(tmp_path):
    people = "person_id,name,manager_id,unit\nE1001,Ana,,Exec\nE1002,Bo,E1001,Ops\nE1003,Cy,E1001,Ops\n"
    flows = "source,target,amount\nE1001,E1002,10\nE1001,E1042,5\nE1077,E1003,7\nE1001,Ops,3\n"
    decisions = "decision,actor,role\nbudget,E1001,A\nbudget,E1042,C\n"
    model = read_org([write_csv_bundle(tmp_path, people=people, flows=flows, decisions=decisions)])
    [problem] = [p for p in model.problems if p.code == "unknown_person"]
    assert problem.ids == ("E1042", "E1077") and "E1042 (2 rows)" in problem.message
    assert not {"E1042", "E1077"} & set(model.units["unit_id"])
    assert len(model.flows) == 2 and len(model.decisions) == 1
    assert not [p for p in model.problems if p.code in ("unknown_endpoint", "unknown_actor")]
