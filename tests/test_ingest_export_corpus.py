"""Every export of the corpus (tests/data/exports) reads as the org that was exported,
or is refused loudly.

The corpus holds fictional orgs written the way Workday, BambooHR, SAP SuccessFactors,
ADP, HiBob, Personio, Rippling, UK government organograms and plain spreadsheets export
them: UI downloads, standard reports and API/connector flattenings, CSV and XLSX. The
public documentation each file's shape follows is cited per file in
tests/data/exports/manifest.json (``source``) and in the folder's README; the expected
numbers there are counted by the generator (make_exports.py) from its own org, not by
orgpower.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orgpower.api import read_org
from orgpower.ingest.validate import GUARD_CODES

CORPUS = Path(__file__).resolve().parent / "data" / "exports"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
BY_FILE = {item["file"]: item for item in MANIFEST}


def _read(item: dict):
    files = [CORPUS / item["file"]] + ([CORPUS / item["companion"]] if item["companion"] else [])
    return read_org(files)


def _ids(item: dict) -> str:
    return item["file"]


@pytest.fixture(scope="module")
def models() -> dict:
    return {item["file"]: _read(item) for item in MANIFEST}


@pytest.mark.parametrize("item", MANIFEST, ids=_ids)
def test_export_reads_with_the_exported_number_of_people(models, item):
    assert len(models[item["file"]].people) == item["people"]


@pytest.mark.parametrize("item", MANIFEST, ids=_ids)
def test_export_reads_with_the_exported_number_of_top_level_posts(models, item):
    assert len(models[item["file"]].roots) == item["roots"]


@pytest.mark.parametrize("item", MANIFEST, ids=_ids)
def test_export_has_exactly_the_expected_errors(models, item):
    assert sorted({p.code for p in models[item["file"]].errors}) == item["errors"]


@pytest.mark.parametrize("item", MANIFEST, ids=_ids)
def test_export_with_a_manager_column_is_never_read_flat_without_an_error(models, item):
    model = models[item["file"]]
    people = model.people[model.people["kind"] != "fte_group"]
    flat = len(model.roots) > max(2, 0.2 * len(people))
    if item["manager_column"] and flat:
        assert {p.code for p in model.errors} & GUARD_CODES


def test_corpus_covers_every_system_of_the_readme_with_three_variants_in_csv_and_xlsx():
    systems = {}
    for item in MANIFEST:
        if item["file"] == "uk_organogram_junior.csv":
            continue  # read with its senior file, not a variant of its own
        systems.setdefault(item["system"], []).append(item["format"])
    assert set(systems) == {"Workday", "BambooHR", "SAP SuccessFactors", "ADP", "HiBob", "Personio", "Rippling",
                            "UK organograms", "generic spreadsheet"}
    assert all(len(formats) >= 3 for formats in systems.values())
    assert {f for formats in systems.values() for f in formats} == {"csv", "xlsx"}


def test_every_variant_cites_where_its_shape_is_documented():
    assert all(item["source"] for item in MANIFEST)


def test_european_locale_export_reads_names_with_accents_and_decimal_commas(models):
    model = models["personio_export_de.csv"]
    [item] = model.inputs
    assert (item.encoding, item.delimiter) == ("cp1252", ";")
    assert model.people["fte"].notna().all() and set(model.people["fte"]) <= {1.0, 0.8, 0.6}
    assert not model.warnings  # "115.000,00" and "0,8" are numbers, not text


def test_successfactors_label_row_is_skipped_not_read_as_a_person(models):
    for name in ("successfactors_user_data_file.csv", "successfactors_partner_template.xlsx"):
        model = models[name]
        assert "User ID" not in set(model.people["person_id"])
        [skipped] = [p for p in model.problems if p.code == "second_header_row"]
        assert skipped.row == 2


def test_bamboohr_api_managers_resolve_by_employee_number_not_by_name(models):
    model = models["bamboohr_api_employees.csv"]
    [resolution] = [p for p in model.problems if p.code == "manager_resolution"]
    assert "by employee number" in resolution.message and "by name" not in resolution.message


def test_rippling_report_without_id_is_keyed_by_work_email(models):
    model = models["rippling_custom_report.csv"]
    [item] = model.inputs
    assert item.mapping["person_id"] == "Work email"
    assert [p.code for p in model.problems if p.code == "key_column"] == ["key_column"]


def test_org_chart_tool_top_reporting_to_itself_is_the_root_as_info(models):
    model = models["orgchart_tool_flat_file.csv"]
    [problem] = [p for p in model.problems if p.code == "self_manager"]
    assert problem.severity == "info" and model.roots == [problem.ids[0]]


def test_several_managers_in_one_cell_give_one_solid_and_dotted_lines(models):
    model = models["orgplus_matrix.csv"]
    raw = (CORPUS / "orgplus_matrix.csv").read_text(encoding="utf-8")
    assert (model.reporting["line"] == "dotted").sum() == raw.count(";") > 0
    assert (model.reporting["line"] == "solid").sum() == len(model.people) - 1


def test_unrecognised_manager_column_is_named_with_the_mapping_line_that_uses_it(models):
    model = models["generic_unrecognised_manager.csv"]
    [problem] = [p for p in model.problems if p.code == "manager_column_unused"]
    assert (problem.column, problem.value) == ("Escalates to", "manager_name")
    assert "'manager_name,Escalates to'" in problem.message


def test_unrecognised_manager_column_reads_right_with_that_mapping_line(tmp_path):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("canonical,header\nmanager_name,Escalates to\n", encoding="utf-8")
    model = read_org([CORPUS / "generic_unrecognised_manager.csv"], mapping=mapping)
    assert len(model.roots) == 1 and not model.errors


def test_namesake_manager_is_never_guessed(models):
    model = models["generic_namesakes.csv"]
    problems = [p for p in model.problems if p.code == "ambiguous_manager_name"]
    assert problems and all("fits several people" in p.message for p in problems)
    assert {p.ids[0] for p in problems} <= set(model.roots)
