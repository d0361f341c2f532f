"""Bundles: flows, decisions (long RACI/RAPID and wide matrix), relations, units, and
file kinds recognised across formats."""

from __future__ import annotations


import pandas as pd

from bundles import write_csv_bundle
from orgpower.api import read_org

PEOPLE = "person_id,manager_id,unit\nceo,,Exec\nm1,ceo,Ops\nm2,ceo,Fin\ne1,m1,Ops\ne2,m1,Ops\n"


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(x) else x for x in row) for row in frame[columns].itertuples(index=False)]


def test_flows_are_read_with_amount_as_float_and_source_rows(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, flows="source,target,amount,kind\nceo,m1,100,budget\nm1,e1,2.5,\n")])
    assert _rows(model.flows, ["source", "target", "amount", "kind", "source_row"]) == [
        ("ceo", "m1", 100.0, "budget", 2), ("m1", "e1", 2.5, None, 3)]
    assert model.flows["amount"].dtype == float


def test_flow_synonym_headers_are_recognised(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, budget="From,To,Value\nceo,m2,10\n")])
    assert _rows(model.flows, ["source", "target", "amount"]) == [("ceo", "m2", 10.0)]


def test_flow_to_a_unit_makes_the_unit_a_node(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, flows="source,target,amount\nceo,Ops,100\nFin,e2,5\n")])
    assert {"Ops", "Fin"} <= set(model.units["unit_id"])
    assert not [p for p in model.problems if p.code == "unknown_endpoint"]


def test_raci_combination_splits_into_one_row_per_role(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, decisions="decision,actor,role\nhire,m1,A/R\nhire,e1,C\n")])
    assert _rows(model.decisions, ["decision", "actor", "role"]) == [
        ("hire", "m1", "accountable"), ("hire", "m1", "responsible"), ("hire", "e1", "consulted")]


def test_rapid_words_are_normalised(tmp_path):
    text = "decision,actor,role\nprice,m1,Recommend\nprice,m2,Agree\nprice,ceo,Decide\nprice,e1,Input\nprice,e2,Perform\n"
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, decisions=text)])
    assert model.decisions["role"].tolist() == ["recommend", "agree", "accountable", "consulted", "responsible"]


def test_rapid_letters_are_read_as_rapid_when_d_or_p_appears(tmp_path):
    text = "decision,actor,role\nprice,m1,R\nprice,m2,A\nprice,ceo,D\nprice,e1,I\n"
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, decisions=text)])
    assert model.decisions["role"].tolist() == ["recommend", "agree", "accountable", "consulted"]


def test_approve_and_veto_are_roles(tmp_path):
    text = "decision,actor,role\nspend,ceo,approver\nspend,m2,veto\n"
    assert read_org([write_csv_bundle(tmp_path, people=PEOPLE, decisions=text)]).decisions["role"].tolist() == ["approve", "veto"]


def test_affects_with_several_ids_gives_one_row_each(tmp_path):
    text = 'decision,actor,role,affects\nrota,m1,A,"e1; e2,Ops"\n'
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, decisions=text)])
    assert _rows(model.decisions, ["actor", "role", "affects"]) == [
        ("m1", "accountable", "e1"), ("m1", "accountable", "e2"), ("m1", "accountable", "Ops")]


def test_wide_raci_matrix_is_turned_into_long_rows(tmp_path):
    text = "Decision,ceo,m1,e1\nbudget,A,R,I\nhiring,,A/R,C\n"
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, raci=text)])
    item = next(i for i in model.inputs if i.file == "raci.csv")
    assert (item.kind, item.vendor, item.rows, item.rows_used) == ("decisions", "decision_matrix", 2, 2)
    assert _rows(model.decisions, ["decision", "actor", "role", "source_row"]) == [
        ("budget", "ceo", "accountable", 2), ("budget", "e1", "informed", 2), ("budget", "m1", "responsible", 2),
        ("hiring", "e1", "consulted", 3), ("hiring", "m1", "accountable", 3), ("hiring", "m1", "responsible", 3)]


def test_matrix_actor_that_is_no_person_is_an_unknown_actor(tmp_path):
    text = "Activity,ceo,Steering Committee\nbudget,A,C\n"
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, raci=text)])
    assert [p.value for p in model.problems if p.code == "unknown_actor"] == ["Steering Committee"]
    assert "Steering Committee" in set(model.units["unit_id"])


def test_relations_keep_the_file_direction_and_weights(tmp_path):
    text = "source,target,relation,weight\ne1,m1,advice,2\ne2,m1,advice,\nm1,m2,friendship,1\n"
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, relations=text)])
    assert _rows(model.relations, ["source", "target", "relation", "weight"]) == [
        ("e1", "m1", "advice", 2.0), ("e2", "m1", "advice", 1.0), ("m1", "m2", "friendship", 1.0)]


def test_dotted_relation_becomes_a_dotted_reporting_line(tmp_path):
    text = "source,target,relation\nm2,e1,dotted\ne1,e2,advice\n"
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, relations=text)])
    dotted = model.reporting[model.reporting["line"] == "dotted"]
    assert _rows(dotted, ["source", "target"]) == [("m2", "e1")]
    assert model.relations["relation"].tolist() == ["advice"]
    assert next(i for i in model.inputs if i.file == "relations.csv").rows_used == 2


def test_dotted_relation_to_no_person_is_set_aside(tmp_path):
    text = "source,target,relation\nghost,e1,dotted\n"
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, relations=text)])
    assert [(p.code, p.row) for p in model.errors] == [("unknown_endpoint", 2)]
    assert (model.reporting["line"] == "dotted").sum() == 0


def test_units_of_people_file_are_model_units(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE)])
    assert sorted(model.units["unit_id"]) == ["Exec", "Fin", "Ops"]


def test_xlsx_workbook_with_people_and_flows_sheets_is_a_bundle(tmp_path):
    path = tmp_path / "org.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.read_csv(pd.io.common.StringIO(PEOPLE), dtype=str).to_excel(writer, sheet_name="People", index=False)
        pd.DataFrame({"source": ["ceo"], "target": ["m1"], "amount": [3]}).to_excel(writer, sheet_name="Flows", index=False)
    model = read_org([path])
    assert len(model.people) == 5 and len(model.flows) == 1
    assert sorted(i.file for i in model.inputs) == ["org.xlsx#Flows", "org.xlsx#People"]


def test_parquet_people_file_is_read(tmp_path):
    path = tmp_path / "people.parquet"
    pd.read_csv(pd.io.common.StringIO(PEOPLE), dtype=str).to_parquet(path)
    model = read_org([path])
    assert model.roots == ["ceo"] and len(model.reporting) == 4


def test_people_attributes_are_kept_under_their_header(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people="person_id,manager_id,Gender\na,,F\nb,a,M\n")])
    assert model.people["Gender"].tolist() == ["F", "M"]


def test_reading_twice_gives_the_same_model(tmp_path):
    folder = write_csv_bundle(tmp_path, people=PEOPLE, flows="source,target,amount\nceo,m1,1\n")
    first, second = read_org([folder]), read_org([folder])
    pd.testing.assert_frame_equal(first.people, second.people)
    assert first.problems == second.problems and first.inputs == second.inputs


def test_raci_matrix_with_blank_top_left_cell_is_read_when_the_file_says_raci(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, raci=",ceo,m1\nbudget,A,R\n")])
    assert _rows(model.decisions, ["decision", "actor", "role"]) == [
        ("budget", "ceo", "accountable"), ("budget", "m1", "responsible")]


def test_matrix_row_without_any_role_is_reported_not_dropped_silently(tmp_path):
    model = read_org([write_csv_bundle(tmp_path, people=PEOPLE, raci="Decision,ceo,m1\nbudget,A,R\nparking,,\n")])
    [problem] = [p for p in model.problems if p.code == "missing_value"]
    assert (problem.row, problem.value, problem.severity) == (3, "parking", "warning")
    item = next(i for i in model.inputs if i.file == "raci.csv")
    assert (item.rows, item.rows_used) == (2, 1)


def test_a_file_given_twice_is_read_once(tmp_path):
    folder = write_csv_bundle(tmp_path, people=PEOPLE)
    model = read_org([folder, folder / "people.csv"])
    assert len(model.inputs) == 1 and not model.errors
