"""Command line of the ingest guard: validate --json always JSON, --flat-org, audit refusing
an org whose manager column was missed."""

from __future__ import annotations

import json

from bundles import write_csv_bundle
from orgpower.cli import main

FLAT = ("Staff ID,Full Name,Team,Escalates to\nS1,Ana Ruiz,Exec,\nS2,Bo Lind,Ops,Ana Ruiz\nS3,Cy Park,Ops,Bo Lind\n"
        "S4,Di Moss,Fin,Ana Ruiz\nS5,Ed Fox,Fin,Di Moss\n")
NO_MANAGERS = "person_id,name\n" + "".join(f"p{i},P{i}\n" for i in range(6))


def test_validate_json_is_json_when_no_people_table_is_found(tmp_path, capsys):
    folder = write_csv_bundle(tmp_path, junk="a,b\n1,2\n")
    assert main(["validate", "--json", str(folder)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["org"] is None and document["validation"]["errors"][0]["code"] == "input_refused"


def test_validate_json_is_json_when_the_path_does_not_exist(tmp_path, capsys):
    assert main(["validate", "--json", str(tmp_path / "missing.csv")]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["validation"]["errors"][0]["code"] == "usage_error"


def test_validate_exits_1_naming_the_unused_manager_column(tmp_path, capsys):
    assert main(["validate", str(write_csv_bundle(tmp_path, people=FLAT))]) == 1
    out = capsys.readouterr().out
    assert "manager_column_unused (error, 1)" in out and "'manager_name,Escalates to'" in out


def test_validate_flat_org_accepts_an_org_without_reporting_lines(tmp_path):
    folder = write_csv_bundle(tmp_path, people=NO_MANAGERS)
    assert main(["validate", str(folder)]) == 1
    assert main(["validate", "--flat-org", str(folder)]) == 0


def test_audit_refuses_an_org_read_flat_by_mistake(tmp_path, capsys):
    folder = write_csv_bundle(tmp_path, people=FLAT)
    assert main(["audit", "-q", str(folder), "--out", str(tmp_path / "out")]) == 1
    assert "Escalates to" in capsys.readouterr().err
    assert not (tmp_path / "out" / "audit.json").exists()


def test_audit_with_flat_org_audits_an_org_without_reporting_lines(tmp_path):
    folder = write_csv_bundle(tmp_path, people=NO_MANAGERS)
    assert main(["audit", "-q", "--flat-org", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "audit.json").exists()


def test_mapping_line_from_the_error_makes_the_org_read_right(tmp_path, capsys):
    folder = write_csv_bundle(tmp_path, people=FLAT)
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("canonical,header\nmanager_name,Escalates to\n", encoding="utf-8")
    assert main(["validate", "--mapping", str(mapping), str(folder)]) == 0
    assert "1 root" in capsys.readouterr().out
