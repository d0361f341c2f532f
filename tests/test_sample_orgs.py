"""The bundled sample orgs: each reads with its vendor recognised, the clean ones without
a single error or warning, and harbor_dirty with exactly the faults its README lists."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from orgpower.api import read_org

ROOT = Path(__file__).resolve().parent.parent
CLEAN = {
    # folder: (vendor of the people file, people, dotted lines expected)
    "northwind_command": ("workday", 600, False),
    "riverbank_coop": ("bamboohr", 120, False),
    "meridian_matrix": ("successfactors", 1500, True),
}


@pytest.fixture(scope="module")
def models(sample_orgs):
    return {name: read_org([sample_orgs / name]) for name in (*CLEAN, "harbor_dirty")}


def _inputs_by_kind(model) -> dict[str, object]:
    return {record.kind: record for record in model.inputs}


@pytest.mark.parametrize("name", CLEAN)
def test_clean_sample_org_reads_with_its_vendor_and_no_errors_or_warnings(models, name):
    vendor, people, _ = CLEAN[name]
    model = models[name]
    assert _inputs_by_kind(model)["people"].vendor == vendor
    assert [p.message for p in model.problems if p.severity != "info"] == []
    assert len(model.people) == people
    assert model.roots == [model.people["person_id"].iloc[0]]
    assert all(record.rows_used == record.rows for record in model.inputs)


@pytest.mark.parametrize("name", CLEAN)
def test_clean_sample_org_has_flows_decisions_and_relations(models, name):
    kinds = _inputs_by_kind(models[name])
    assert {"people", "flows", "decisions", "relations"} <= set(kinds)
    assert len(models[name].flows) and len(models[name].decisions) and len(models[name].relations)


def test_each_sample_org_uses_a_different_vendor(models):
    vendors = [_inputs_by_kind(model)["people"].vendor for model in models.values()]
    assert len(set(vendors)) == len(vendors)


def test_coop_decisions_are_a_wide_matrix_and_managers_are_resolved_by_name(models):
    model = models["riverbank_coop"]
    assert _inputs_by_kind(model)["decisions"].vendor == "decision_matrix"
    assert (model.reporting["line"] == "solid").sum() == len(model.people) - 1
    [resolution] = [p for p in model.problems if p.code == "manager_resolution"]
    assert "by name" in resolution.message


def test_matrix_org_has_its_dotted_lines_from_the_matrix_manager_column(models, sample_orgs):
    raw = pd.read_csv(sample_orgs / "meridian_matrix" / "people.csv", dtype=str)
    dotted = models["meridian_matrix"].reporting.query("line == 'dotted'")
    assert len(dotted) == raw["MATRIX_MANAGER"].notna().sum() > 0
    for name in ("northwind_command", "riverbank_coop"):
        assert (models[name].reporting["line"] == "solid").all()


def test_command_company_flows_run_one_way_and_coop_flows_are_returned(models):
    def digraph(flows: pd.DataFrame) -> nx.DiGraph:
        return nx.DiGraph(list(zip(flows["source"], flows["target"])))

    northwind, coop = digraph(models["northwind_command"].flows), digraph(models["riverbank_coop"].flows)
    assert nx.reciprocity(northwind) == 0 and nx.is_directed_acyclic_graph(northwind)
    assert nx.reciprocity(coop) > 0.9
    tree = {n: nx.dag_longest_path_length(digraph(models[n].reporting.query("line == 'solid'")))
            for n in ("northwind_command", "riverbank_coop")}
    assert tree["northwind_command"] > tree["riverbank_coop"]


def _readme_faults(path: Path) -> list[tuple[str, str]]:
    """(code, where) of each row of the README's fault table that names a code."""
    faults = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"`[a-z_]+`", cells[2]):
            faults.append((cells[2].strip("`"), cells[1]))
    return faults


def test_dirty_export_gives_exactly_the_problems_its_readme_lists(models, sample_orgs):
    from orgpower.ingest.validate import CODES

    faults = _readme_faults(sample_orgs / "harbor_dirty" / "README.md")
    assert len(faults) >= 12
    assert {code for code, _ in faults} <= set(CODES)
    found = [p for p in models["harbor_dirty"].problems if p.severity in ("error", "warning")]
    assert Counter(p.code for p in found) == Counter(code for code, _ in faults)
    for code, where in faults:
        rows = {int(r) for r in re.findall(r"\b(\d+)\b", where.split("(")[0])}
        matching = [p for p in found if p.code == code and (p.row is None or p.row in rows)]
        assert matching, f"no {code} problem at {where}"


def test_dirty_export_is_read_as_cp1252_with_semicolons(models):
    people = _inputs_by_kind(models["harbor_dirty"])["people"]
    assert people.vendor == "adp"
    assert people.delimiter == ";"
    assert people.encoding.lower().replace("-", "") in {"cp1252", "windows1252"}
    assert "Zoë" in " ".join(models["harbor_dirty"].people["name"].dropna())


def test_dirty_export_keeps_007_and_7_apart(models):
    ids = set(models["harbor_dirty"].people["person_id"])
    assert {"7", "007"} <= ids


def test_sample_names_are_invented(sample_orgs):
    from orgpower.synthetic import _SURNAMES

    surnames = set(_SURNAMES)
    meridian = pd.read_csv(sample_orgs / "meridian_matrix" / "people.csv", dtype=str)
    northwind = pd.read_csv(sample_orgs / "northwind_command" / "people.csv", dtype=str)
    assert set(meridian["LASTNAME"]) <= surnames
    assert set(northwind["Worker"].str.split(" ", n=1).str[1]) <= surnames


def test_committed_sample_orgs_are_what_the_script_writes():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_orgs.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
