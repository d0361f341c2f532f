"""Headerless whitespace-separated edge lists ("i j value", value 0 = no tie) given
explicitly are relations files named after the file; prose files in a folder are
skipped with an info line, never an error or a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgpower.ingest.bundle import read_bundle, relation_name

PEOPLE = "person_id,manager_id\n1,\n2,1\n3,1\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _problems(model, code: str):
    return [p for p in model.problems if p.code == code]


def test_krackhardt_edge_lists_read_as_three_relations_with_the_published_tie_counts(public_datasets):
    # Provenance: the data set's SOURCE.md (Krackhardt 1987, 21
    # managers): advice 190 arcs, friendship 102, reports-to 20.
    folder = public_datasets / "krackhardt_hightech"
    edge_lists = [folder / f"Krack-High-Tec-edgelist-{name}.txt" for name in ("Advice", "Friendship", "ReportsTo")]
    model = read_bundle([folder / "Krack-High-Tec-Attributes.csv", *edge_lists])
    counts = model.relations.groupby("relation").size().to_dict()
    assert counts == {"advice": 190, "friendship": 102, "reports-to": 20}
    assert model.errors == []


def test_krackhardt_reports_to_is_the_documented_tree(public_datasets):
    # SOURCE.md: ego reports to alter; 7 is the CEO, VPs 2, 14, 18, 21 report to 7.
    path = public_datasets / "krackhardt_hightech" / "Krack-High-Tec-edgelist-ReportsTo.txt"
    model = read_bundle([public_datasets / "krackhardt_hightech" / "Krack-High-Tec-Attributes.csv", path])
    arcs = set(zip(model.relations["source"], model.relations["target"]))
    assert {("2", "7"), ("14", "7"), ("18", "7"), ("21", "7")} <= arcs
    assert "7" not in set(model.relations["source"])


def test_zero_valued_lines_are_non_ties_counted_in_one_info_problem(tmp_path):
    edges = _write(tmp_path / "advice.txt", " 1 2 1\n 1 3 0\n 2 1 0\n 3 1 2\n")
    model = read_bundle([_write(tmp_path / "people.csv", PEOPLE), edges])
    [non_tie] = _problems(model, "non_tie")
    assert (non_tie.severity, non_tie.value) == ("info", "2")
    assert model.relations[["source", "target", "weight"]].values.tolist() == [["1", "2", 1.0], ["3", "1", 2.0]]
    assert next(i for i in model.inputs if i.file == "advice.txt").rows_used == 2


def test_edge_list_rows_are_numbered_as_its_lines(tmp_path):
    edges = _write(tmp_path / "advice.txt", "1 2 1\n\n1 9 1\n")
    model = read_bundle([_write(tmp_path / "people.csv", PEOPLE), edges])
    assert [(p.code, p.row) for p in _problems(model, "unknown_endpoint")] == [("unknown_endpoint", 3)]


def test_two_column_edge_list_has_weight_one(tmp_path):
    model = read_bundle([_write(tmp_path / "people.csv", PEOPLE), _write(tmp_path / "ties.txt", "1 2\n2 3\n")])
    assert model.relations["weight"].tolist() == [1.0, 1.0]
    assert set(model.relations["relation"]) == {"ties"}


def test_edge_list_found_only_in_a_folder_is_a_warning_not_read(tmp_path):
    _write(tmp_path / "org" / "people.csv", PEOPLE)
    _write(tmp_path / "org" / "advice.txt", "1 2 1\n2 3 1\n")
    model = read_bundle([tmp_path / "org"])
    [skipped] = [p for p in _problems(model, "skipped_file") if p.file == "advice.txt"]
    assert skipped.severity == "warning"
    assert model.relations.empty
    assert _problems(model, "no_id_column") == []


@pytest.mark.parametrize("file_name, expected", [
    ("Krack-High-Tec-edgelist-Advice.txt", "advice"),
    ("Krack-High-Tec-edgelist-ReportsTo.txt", "reports-to"),
    ("friendship.txt", "friendship"),
])
def test_relation_is_named_after_the_last_word_of_the_file_name(file_name, expected):
    assert relation_name(file_name) == expected


@pytest.mark.parametrize("name, text", [
    ("README.txt", "About this export\n\nThe people file, exported 2024-01-31; ask HR, if in doubt.\n"),
    ("README.md", "# Org export\n\n| file | rows |\n|---|---|\n| people.csv | 3 |\n"),
    ("notes.txt", "id,name\nsee the HR wiki\n"),
    ("export-info.txt", "This export was made by the HR team for the audit in January.\nIt holds 3 people.\n"),
])
def test_prose_file_in_a_folder_is_an_info_line_never_an_error_or_warning(tmp_path, name, text):
    _write(tmp_path / "org" / "people.csv", PEOPLE)
    _write(tmp_path / "org" / name, text)
    model = read_bundle([tmp_path / "org"])
    about = [p for p in model.problems if p.file == name]
    assert [(p.code, p.severity) for p in about] == [("skipped_file", "info")]
    assert model.errors == [] and [p for p in model.warnings if p.file == name] == []


def test_one_column_csv_in_a_folder_is_still_an_error(tmp_path):
    _write(tmp_path / "org" / "people.csv", PEOPLE)
    _write(tmp_path / "org" / "names.csv", "Full name\nAda\nGrace\n")
    model = read_bundle([tmp_path / "org"])
    assert [p.code for p in model.errors if p.file == "names.csv"] == ["no_id_column"]
