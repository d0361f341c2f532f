"""Readers: every cell a string, delimiter and encoding detected, sheet chosen by headers."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from orgpower.ingest.readers import read_tables

PEOPLE_CSV = "person_id,manager_id,name\n007,,Zoë Núñez\n7,007,Renée Café\n"


def _write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def _only(path: Path):
    tables = read_tables(path)
    assert len(tables) == 1
    return tables[0]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiter_is_detected(tmp_path, delimiter):
    table = _only(_write(tmp_path / "people.csv", PEOPLE_CSV.replace(",", delimiter)))
    assert table.delimiter == delimiter
    assert list(table.frame.columns) == ["person_id", "manager_id", "name"]
    assert table.frame["name"].tolist() == ["Zoë Núñez", "Renée Café"]


def test_semicolon_file_with_decimal_commas_is_split_on_semicolons(tmp_path):
    table = _only(_write(tmp_path / "p.csv", "person_id;fte\n1;0,5\n2;1,0\n"))
    assert table.delimiter == ";"
    assert table.frame["fte"].tolist() == ["0,5", "1,0"]


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("cp1252", b"", "cp1252"),
    ],
)
def test_csv_encoding_is_detected(tmp_path, encoding, bom, expected):
    path = tmp_path / "people.csv"
    path.write_bytes(bom + PEOPLE_CSV.encode(encoding))
    table = _only(path)
    assert table.encoding == expected
    assert list(table.frame.columns) == ["person_id", "manager_id", "name"]  # no BOM left in the header
    assert table.frame["name"].tolist() == ["Zoë Núñez", "Renée Café"]


def test_crlf_line_ends_leave_no_carriage_return_in_cells(tmp_path):
    table = _only(_write(tmp_path / "people.csv", PEOPLE_CSV, newline="\r\n"))
    assert table.frame["name"].tolist() == ["Zoë Núñez", "Renée Café"]


def test_ids_stay_strings_so_007_and_7_are_two_people(tmp_path):
    table = _only(_write(tmp_path / "people.csv", PEOPLE_CSV))
    assert table.frame["person_id"].tolist() == ["007", "7"]
    assert table.frame["manager_id"].tolist()[1] == "007"


def test_blank_cell_is_missing_not_empty_text(tmp_path):
    table = _only(_write(tmp_path / "people.csv", "person_id,manager_id\n1,  \n2,1\n"))
    assert pd.isna(table.frame["manager_id"].iloc[0])
    assert table.frame["manager_id"].iloc[1] == "1"


def test_na_text_is_kept_as_text_not_read_as_missing(tmp_path):
    # "NA" is a real id/initials in HR data; only blank cells are missing.
    table = _only(_write(tmp_path / "people.csv", "person_id,name\nNA,NULL\n"))
    assert table.frame.iloc[0].tolist() == ["NA", "NULL"]


def test_sha256_and_format_are_recorded(tmp_path):
    import hashlib

    path = _write(tmp_path / "people.csv", PEOPLE_CSV)
    table = _only(path)
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert table.format == "csv"


def test_row_wider_than_header_is_kept_and_reported(tmp_path):
    table = _only(_write(tmp_path / "people.csv", "person_id,name\n1,A\n2,B,extra\n3,C\n"))
    assert table.frame["person_id"].tolist() == ["1", "2", "3"]
    [problem] = [p for p in table.problems if p.code == "malformed_row"]
    assert problem.row == 3


def test_parquet_columns_are_read_as_text(tmp_path):
    path = tmp_path / "people.parquet"
    pd.DataFrame({"person_id": ["007", "7"], "manager_id": [None, "007"], "fte": [1.0, 0.5]}).to_parquet(path)
    table = _only(path)
    assert table.format == "parquet"
    assert table.frame["person_id"].tolist() == ["007", "7"]
    assert pd.isna(table.frame["manager_id"].iloc[0])
    assert table.frame["fte"].tolist() == ["1", "0.5"]


def test_xlsx_sheet_is_chosen_by_its_headers(tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"Notes": ["exported by HR"]}).to_excel(writer, sheet_name="Cover", index=False)
        pd.DataFrame({"Employee ID": ["007", "7"], "Manager ID": ["", "007"], "Worker": ["A", "B"],
                      "Business Title": ["CEO", "CTO"]}).to_excel(writer, sheet_name="Workers", index=False)
    table = _only(path)
    assert table.format == "xlsx"
    assert table.sheet == "Workers"
    assert table.frame["Employee ID"].tolist() == ["007", "7"]
    [skipped] = table.problems
    assert (skipped.code, skipped.severity) == ("skipped_file", "info") and "Cover" in skipped.message


def test_xlsx_number_typed_id_reads_without_decimal_point(tmp_path):
    path = tmp_path / "people.xlsx"
    pd.DataFrame({"person_id": [1001, 1002], "fte": [1.0, 0.5]}).to_excel(path, index=False)
    table = _only(path)
    assert table.frame["person_id"].tolist() == ["1001", "1002"]
    assert table.frame["fte"].tolist() == ["1", "0.5"]


def test_xlsx_with_several_bundle_sheets_returns_each(tmp_path):
    path = tmp_path / "bundle.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"person_id": ["a", "b"], "manager_id": ["", "a"]}).to_excel(writer, sheet_name="People", index=False)
        pd.DataFrame({"source": ["a"], "target": ["b"], "amount": [5]}).to_excel(writer, sheet_name="Flows", index=False)
    assert sorted(t.sheet for t in read_tables(path)) == ["Flows", "People"]


def test_binary_file_is_an_unreadable_file_problem(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(bytes(range(256)) * 4)
    table = _only(path)
    assert table.frame is None
    assert [p.code for p in table.problems] == ["unreadable_file"]


def test_legacy_xls_is_an_unreadable_file_problem_with_advice(tmp_path):
    path = tmp_path / "people.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    [problem] = _only(path).problems
    assert problem.code == "unreadable_file"
    assert "xlsx" in problem.suggestion.lower()


def test_corrupt_xlsx_is_an_unreadable_file_problem(tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"not really a zip" * 10)
    assert [p.code for p in _only(path).problems] == ["unreadable_file"]


def test_corrupt_parquet_is_an_unreadable_file_problem(tmp_path):
    path = tmp_path / "people.parquet"
    path.write_bytes(b"PAR1" + b"\x01" * 100)
    assert [p.code for p in _only(path).problems] == ["unreadable_file"]


@pytest.mark.parametrize("content", [b"", b"\n\n  \r\n", codecs.BOM_UTF8])
def test_empty_file_is_an_empty_file_problem(tmp_path, content):
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    assert [p.code for p in _only(path).problems] == ["empty_file"]


def test_header_without_rows_is_an_empty_file_problem(tmp_path):
    table = _only(_write(tmp_path / "people.csv", "person_id,manager_id\n"))
    assert [p.code for p in table.problems] == ["empty_file"]


def test_title_lines_above_the_header_are_skipped_and_rows_numbered_as_in_the_file(tmp_path):
    text = "Headcount report\nRun on 2024-01-31\n\nperson_id;manager_id;unit\n1;;X\n2;1;Y\n"
    table = _only(_write(tmp_path / "people.csv", text))
    assert list(table.frame.columns) == ["person_id", "manager_id", "unit"]
    assert table.frame["person_id"].tolist() == ["1", "2"]
    assert table.first_row == 5


def test_utf16_without_bom_is_detected(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(PEOPLE_CSV.encode("utf-16-le"))
    table = _only(path)
    assert table.encoding == "utf-16-le"
    assert table.frame["person_id"].tolist() == ["007", "7"]


def test_excel_sep_hint_line_sets_the_delimiter_and_is_skipped(tmp_path):
    table = _only(_write(tmp_path / "people.csv", "sep=;\nperson_id;manager_id\n1;\n2;1\n"))
    assert (table.delimiter, table.first_row) == (";", 3)
    assert table.frame["manager_id"].tolist()[1] == "1"


def test_xlsx_title_rows_above_the_header_are_skipped(tmp_path):
    import openpyxl

    path = tmp_path / "people.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Org chart export"])
    sheet.append([])
    sheet.append(["person_id", "manager_id"])
    sheet.append(["a", None])
    sheet.append(["b", "a"])
    book.save(path)
    table = _only(path)
    assert table.first_row == 4
    assert table.frame["person_id"].tolist() == ["a", "b"]


def test_zip_that_is_not_a_workbook_is_an_unreadable_file_problem(tmp_path):
    import zipfile

    path = tmp_path / "people.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert [p.code for p in _only(path).problems] == ["unreadable_file"]


def _looks_binary_char_by_char(text: str) -> bool:
    """The former per-character count: the specification of readers._looks_binary."""
    if not text:
        return False
    control = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n") or ch == "\ufffd" or 0x7F <= ord(ch) < 0xA0)
    return control > 0.02 * len(text)


def test_looks_binary_counts_control_characters_as_the_per_character_form_does():
    import random

    from orgpower.ingest.readers import _looks_binary

    alphabet = [chr(c) for c in range(0, 0x200)] + ["\ufffd", "\ufeff", "é", "名", "😀", "\u2028"]
    rng = random.Random(11)
    for _ in range(300):
        weights = [rng.random() ** 6 for _ in alphabet]
        text = "".join(rng.choices(alphabet, weights, k=rng.randrange(0, 400)))
        assert _looks_binary(text) == _looks_binary_char_by_char(text), repr(text)
    for text in ("", "id,name\n1,A\n", "\x00" * 3 + "a" * 97, "\x00" * 2 + "a" * 98, "\x7f\x9f\xa0" * 10, "\t\r\n" * 50):
        assert _looks_binary(text) == _looks_binary_char_by_char(text), repr(text)
