"""`orgpower validate`: readable report grouped by problem, --json, --show-mapping, exit 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

from orgpower.cli import main

PEOPLE = "person_id,manager_id,unit\nceo,,Exec\nm1,ceo,Ops\nm2,ceo,Ops\ne1,m1,Ops\n"


def _people(tmp_path: Path, text: str = PEOPLE) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_input_exits_0_with_the_headline(tmp_path, capsys):
    assert main(["validate", str(_people(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "4 people, 1 root, 3 layers, max span 2, mean span 1.50; 0 errors, 0 warnings"


def test_errors_exit_1_and_are_grouped_by_code_with_rows(tmp_path, capsys):
    path = _people(tmp_path, PEOPLE + "e2,ghost,Ops\ne3,ghost2,Ops\nm1,ceo,Ops\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "manager_not_found (error, 2):" in out
    assert "people.csv row 6: manager 'ghost'" in out and "people.csv row 7" in out
    assert "duplicate_id (error, 1):" in out
    assert out.index("manager_not_found (error") < out.index("several_roots (warning")  # errors first


def test_warnings_only_exit_0(tmp_path, capsys):
    assert main(["validate", str(_people(tmp_path, PEOPLE + "boss2,,Ops\n"))]) == 0
    assert "several_roots (warning, 1):" in capsys.readouterr().out


def test_json_output_is_deterministic_and_complete(tmp_path, capsys):
    path = _people(tmp_path, PEOPLE + "e2,ghost,Ops\n")
    assert main(["validate", "--json", str(path)]) == 1
    first = capsys.readouterr().out
    main(["validate", "--json", str(path)])
    assert capsys.readouterr().out == first
    document = json.loads(first)
    assert document["org"]["people"] == 5 and document["org"]["roots"] == 2
    [error] = document["validation"]["errors"]
    assert {k: error[k] for k in ("code", "file", "row", "value", "ids")} == {
        "code": "manager_not_found", "file": "people.csv", "row": 6, "value": "ghost", "ids": ["e2"]}
    assert document["inputs"][0]["rows_used"] == 5 and len(document["inputs"][0]["sha256"]) == 64


def test_show_mapping_lists_kind_format_and_columns(tmp_path, capsys):
    path = tmp_path / "bamboo.csv"
    path.write_text("Employee #,First Name,Last Name,Reports To\n1,Ada,Top,\n2,Bo,Mid,Ada Top\n", encoding="utf-8")
    assert main(["validate", "--show-mapping", str(path)]) == 0
    out = capsys.readouterr().out
    assert "bamboo.csv: kind people, format bamboohr, csv, encoding utf-8, delimiter ','; 2 rows, 2 used" in out
    assert "manager_name" in out and "<- Reports To" in out


def test_missing_input_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.csv")]) == 2
    assert "No such file or folder" in capsys.readouterr().err


def test_no_people_exits_1_with_one_sentence(tmp_path, capsys):
    path = tmp_path / "flows.csv"
    path.write_text("source,target,amount\na,b,1\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("orgpower: No people table") and "Traceback" not in err


def test_mapping_option_is_used(tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_text("Kennung,Chef\nk1,\nk2,k1\n", encoding="utf-8")
    mapping = tmp_path / "map.csv"
    mapping.write_text("canonical,header\nperson_id,Kennung\nmanager_id,Chef\n", encoding="utf-8")
    assert main(["validate", "--mapping", str(mapping), str(path)]) == 0
    assert capsys.readouterr().out.startswith("2 people, 1 root, 2 layers")


def test_bad_mapping_file_exits_2(tmp_path, capsys):
    mapping = tmp_path / "map.json"
    mapping.write_text("{broken", encoding="utf-8")
    assert main(["validate", "--mapping", str(mapping), str(_people(tmp_path))]) == 2


def test_control_characters_from_a_file_do_not_reach_the_terminal(tmp_path, capsys):
    path = _people(tmp_path, PEOPLE + "e2,\x1b[31mghost,Ops\n")
    main(["validate", str(path)])
    assert "\x1b" not in capsys.readouterr().out
