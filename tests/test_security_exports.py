"""Exports safe to open in a spreadsheet, replayed from the security probes: formula
starts and their Unicode look-alikes are neutralised in people.csv and audit.xlsx, and a
cell longer than Excel's limit is cut with a note that says so."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest

from orgpower import api
from orgpower.report.config import AuditConfig
from orgpower.report.safety import EXCEL_MAX_CELL_CHARS, fit_excel_cell, neutralise, runs_as_formula
from orgpower.report.xlsx import write_workbook

FORMULAS = [
    "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1",
    "＝1+1", "＋1+1", "－1+1", "＠SUM(A1)",  # full-width
    "﹦1+1", "﹢1", "﹣1", "﹫SUM(A1)",  # small forms
    "⁼1", "₌1", "⁺1", "₊1", "⁻1", "₋1",  # super- and subscripts
    "−1+1",  # U+2212 minus sign
    " =1+1", "\u200b=1+1", "\ufeff=1+1", "\u00a0＝1+1",  # hidden in front
]
TEXT = ["Sales", "Ana Lopez", "1+1", "x=1", "", " ", "Ünal", "（株）", "e-mail", "— note"]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_start_or_its_look_alike_is_neutralised(value):
    assert runs_as_formula(value)
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", TEXT)
def test_ordinary_text_is_left_as_it_is(value):
    assert neutralise(value) == value


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    rows = [("P1", "＝HYPERLINK(\"http://evil.example\")", ""), ("P2", "＋cmd|' /C calc'!A0", "P1"),
            ("P3", "\u200b=1+1", "P1"), ("P4", "−2+3", "P1"), ("P5", "﹫SUM(A1)", "P2"), ("P6", "Ana", "P2")]
    pd.DataFrame(rows, columns=["person_id", "name", "manager_id"]).to_csv(folder / "people.csv", index=False)
    result = api.audit(api.read_org([folder / "people.csv"]), config=AuditConfig(null_samples=0))
    out = folder / "out"
    written = api.write_reports(result, out, ("json", "xlsx"), names=True)  # names are shown only on request
    return dict(rows=rows, written=written)


def test_people_csv_neutralises_every_look_alike(hostile_reports):
    with open(hostile_reports["written"]["csv"], encoding="utf-8-sig", newline="") as handle:
        names = {row["person_id"]: row["name"] for row in csv.DictReader(handle)}
    for person, name, _manager in hostile_reports["rows"]:
        assert names[person] == (name if person == "P6" else "'" + name)


def test_the_xlsx_people_sheet_neutralises_every_look_alike(hostile_reports):
    book = openpyxl.load_workbook(hostile_reports["written"]["xlsx"], read_only=True)
    sheet = book["people"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))  # plain headers: "Person id", "Name"
    names = {row[header.index("Person id")]: row[header.index("Name")] for row in rows}
    for person, name, _manager in hostile_reports["rows"]:
        assert names[person] == (name if person == "P6" else "'" + name)


def test_a_cell_longer_than_excels_limit_is_cut_with_a_note(tmp_path):
    long_text = "x" * 1_000_000  # the probe used 50 MB; anything over 32,767 takes this path
    path = write_workbook({"people": pd.DataFrame({"person_id": ["P1"], "notes": [long_text]})}, tmp_path / "a.xlsx",
                          summary_rows=[("title", long_text, None)])
    book = openpyxl.load_workbook(path, read_only=True)
    cell = list(book["people"].iter_rows(values_only=True))[1][1]
    assert len(cell) == EXCEL_MAX_CELL_CHARS
    assert cell.endswith("cut at Excel's limit of 32,767 characters per cell; 1,000,000 in all]")
    summary = list(book["summary"].iter_rows(values_only=True))[0][1]
    assert len(summary) == EXCEL_MAX_CELL_CHARS and "1,000,000 in all" in summary


def test_text_within_the_limit_is_never_cut():
    text = "y" * EXCEL_MAX_CELL_CHARS
    assert fit_excel_cell(text) is text
