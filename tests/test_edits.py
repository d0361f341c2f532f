"""Fixing input data in place (orgpower.edits): every edit is replayed on copies of the
files as given, so undoing is leaving an edit out and the originals are never written.

Reference: the validator's own reading (api.read_org) of the corrected copies, and the
faults sample_orgs/harbor_dirty/README.md lists row by row."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from orgpower import api
from orgpower import edits as E
from orgpower.errors import InputError


@pytest.fixture(scope="module")
def dirty(sample_orgs: Path) -> Path:
    return sample_orgs / "harbor_dirty"


@pytest.fixture(scope="module")
def dirty_model(dirty):
    return api.read_org([dirty])


@pytest.fixture(scope="module")
def dirty_tables(dirty):
    return E.source_tables([dirty])


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def codes_for(model, person_id: str) -> set[str]:
    return {p.code for p in model.problems if person_id in p.ids}


def manager_of(model, person_id: str):
    people = model.people.set_index(model.people["person_id"].astype(str))
    value = people.loc[person_id, "manager_id"]
    return None if value is None or value != value else str(value)


def test_setting_an_unknown_managers_replacement_clears_the_problem(dirty, dirty_model, dirty_tables, tmp_path):
    assert "manager_not_found" in codes_for(dirty_model, "306")  # README: row 299, manager 9999
    edit = E.manager_edit(dirty_model, dirty_tables, "306", "195")
    assert (edit.file, edit.row, edit.column, edit.old, edit.new) == ("people.csv", 299, "Reports To Associate Id", "9999", "195")
    fixed = api.read_org(E.write_corrected([dirty], [edit], tmp_path))
    assert "manager_not_found" not in codes_for(fixed, "306")
    assert manager_of(fixed, "306") == "195"


def test_the_files_as_given_are_never_written(dirty, dirty_model, dirty_tables, tmp_path):
    before = digests(dirty)
    edits = [E.manager_edit(dirty_model, dirty_tables, "306", "195"), E.drop_row_edit(dirty_tables, "people.csv", 294, "copy")]
    files = E.write_corrected([dirty], edits, tmp_path)
    assert digests(dirty) == before
    assert [p for p in files if p.parent == tmp_path] == [tmp_path / "people.csv"]  # only the edited file is copied


def test_undo_is_replaying_the_list_without_the_edit(dirty, dirty_model, dirty_tables, tmp_path):
    edit = E.manager_edit(dirty_model, dirty_tables, "306", "195")
    E.write_corrected([dirty], [edit], tmp_path / "one")
    undone = api.read_org(E.write_corrected([dirty], [], tmp_path / "none"))
    assert sorted(p.to_dict()["code"] for p in undone.problems) == sorted(p.code for p in dirty_model.problems)


def test_changing_one_manager_in_a_cycle_breaks_it(dirty, dirty_model, dirty_tables, tmp_path):
    cycle = next(p for p in dirty_model.problems if p.code == "reporting_cycle")
    assert set(cycle.ids) == {"302", "303", "304"}
    fixed = api.read_org(E.write_corrected([dirty], [E.manager_edit(dirty_model, dirty_tables, "302", "195")], tmp_path))
    assert not any(p.code == "reporting_cycle" for p in fixed.problems)
    assert manager_of(fixed, "303") == "304" and manager_of(fixed, "304") == "302"  # the rest of the chain is kept


def test_a_self_manager_made_a_top_reads_without_error(dirty, dirty_model, dirty_tables, tmp_path):
    edit = E.manager_edit(dirty_model, dirty_tables, "305", None)
    assert edit.new is None and edit.reason == "305 made a top (no manager)"
    fixed = api.read_org(E.write_corrected([dirty], [edit], tmp_path))
    assert "self_manager" not in codes_for(fixed, "305")
    assert "305" in fixed.roots


def test_nobody_can_be_made_their_own_manager(dirty_model, dirty_tables):
    with pytest.raises(InputError, match="own manager"):
        E.manager_edit(dirty_model, dirty_tables, "306", "306")


def test_a_repeated_id_is_resolved_by_dropping_the_other_row(dirty, dirty_model, dirty_tables, tmp_path):
    rows = E.rows_with_id(dirty_model, dirty_tables, "225")
    assert rows["row"].tolist() == [7, 294]  # README: two people share id 225
    fixed = api.read_org(E.write_corrected([dirty], [E.drop_row_edit(dirty_tables, "people.csv", 294, "copy")], tmp_path))
    assert "duplicate_id" not in codes_for(fixed, "225")
    assert fixed.inputs[[f.file for f in fixed.inputs].index("people.csv")].rows == 300  # one row fewer than 301


def test_a_repeated_id_is_resolved_by_giving_one_row_a_new_id(dirty, dirty_model, dirty_tables, tmp_path):
    edit = E.new_id_edit(dirty_model, dirty_tables, "people.csv", 294, "225b")
    fixed = api.read_org(E.write_corrected([dirty], [edit], tmp_path))
    ids = set(fixed.people["person_id"].astype(str))
    assert {"225", "225b"} <= ids
    assert len(fixed.people) == len(dirty_model.people) + 1


def test_a_new_id_must_be_unused(dirty_model, dirty_tables):
    with pytest.raises(InputError, match="already someone's id"):
        E.new_id_edit(dirty_model, dirty_tables, "people.csv", 294, "195")


def test_edits_are_stated_in_the_rows_of_the_file_as_given(dirty, dirty_model, dirty_tables, tmp_path):
    drop = E.drop_row_edit(dirty_tables, "people.csv", 294, "copy")
    edited = E.apply_edits(dirty_tables, [drop])
    once = api.read_org(E.write_corrected([dirty], [drop], tmp_path / "a"))
    person = once.people[once.people["person_id"] == "306"].iloc[0]
    assert int(person["source_row"]) == 298  # moved up one in the corrected copy
    edit = E.manager_edit(once, dirty_tables, "306", "195", edited=edited)
    assert edit.row == 299  # ... but the edit names the original row
    twice = api.read_org(E.write_corrected([dirty], [drop, edit], tmp_path / "b"))
    assert manager_of(twice, "306") == "195"


def test_the_corrected_copy_keeps_the_encoding_and_delimiter(dirty, dirty_model, dirty_tables, tmp_path):
    files = E.write_corrected([dirty], [E.manager_edit(dirty_model, dirty_tables, "306", "195")], tmp_path)
    copy = next(p for p in files if p.parent == tmp_path)
    text = copy.read_bytes().decode("cp1252")
    assert text.splitlines()[0].count(";") == 8
    fixed = api.read_org(files)
    assert set(fixed.people["name"]) == set(dirty_model.people["name"])  # accented names intact


def test_a_manager_given_by_name_is_written_as_the_managers_name(sample_orgs, tmp_path):
    folder = sample_orgs / "riverbank_coop"
    model, tables = api.read_org([folder]), E.source_tables([folder])
    edit = E.manager_edit(model, tables, "5", "2")
    assert (edit.column, edit.new) == ("Reports To", "Kaia Ambermere")
    assert manager_of(api.read_org(E.write_corrected([folder], [edit], tmp_path)), "5") == "2"


def test_an_edit_of_a_row_the_file_does_not_have_is_one_sentence(dirty_tables):
    with pytest.raises(InputError, match="has no row 9999"):
        E.apply_edits(dirty_tables, [E.Edit("set", "people.csv", 9999, "fte", "1", "2")])


def test_the_mapping_file_reads_back_to_the_same_mapping(dirty, dirty_model, tmp_path):
    path = tmp_path / "mapping.json"
    path.write_bytes(E.mapping_json(dirty_model))
    again = api.read_org([dirty], mapping=path)
    assert {f.file: f.mapping for f in again.inputs} == {f.file: f.mapping for f in dirty_model.inputs}


def test_file_headers_are_the_headers_as_the_file_spells_them(dirty_tables):
    headers = E.file_headers(dirty_tables)["people.csv"]
    assert headers[0] == "ASSOCIATE ID" and "Reports To Associate Id" in headers


def test_the_mapping_file_leaves_out_files_read_by_their_shape(sample_orgs, tmp_path):
    folder = sample_orgs / "riverbank_coop"  # decisions.csv is a RACI matrix
    model = api.read_org([folder])
    document = E.mapping_document(model)
    assert "decisions.csv" not in document["files"] and "people.csv" in document["files"]
    path = tmp_path / "mapping.json"
    path.write_bytes(E.mapping_json(model))
    assert len(api.read_org([folder], mapping=path).decisions) == len(model.decisions)
