"""The bundled sample orgs (sample_orgs/, see its README) read as they are described,
through the same command `make demo` runs."""

from __future__ import annotations

import json

import pytest

from orgpower.cli import main


@pytest.mark.parametrize("org, label", [("northwind_command", "power-over"), ("riverbank_coop", "mutual")])
def test_sample_org_reads_as_described_through_the_command_line(sample_orgs, tmp_path, capsys, org, label):
    if not (sample_orgs / org).is_dir():
        pytest.skip(f"sample_orgs/{org} is absent")
    out = tmp_path / "demo-out"
    assert main(["audit", str(sample_orgs / org), "--out", str(out), "--format", "json,html,xlsx",
                 "--group-attribute", "Gender"]) == 0
    printed = capsys.readouterr().out
    assert str(out / "audit.html") in printed
    document = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert document["classification"]["org"]["label"] == label
    assert {p.name for p in out.iterdir()} == {"audit.json", "people.csv", "audit.html", "audit.xlsx"}
