"""Row numbers in problems are the rows a spreadsheet shows (header = row 1), also
after empty lines inside CSV data; empty lines are reported, never silently skipped."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from orgpower.ingest.bundle import read_bundle
from orgpower.ingest.readers import read_tables, record_lines


def _people(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "people.csv").write_bytes(text.encode(encoding))
    return folder


def _rows_of(model, code: str) -> list[int | None]:
    return [p.row for p in model.problems if p.code == code]


def test_row_after_an_empty_line_has_its_spreadsheet_row_number(tmp_path):
    # rows: 1 header, 2 "1", 3 empty, 4 "2", 5 "3" (manager 9 unknown)
    model = read_bundle([_people(tmp_path, "person_id,manager_id\n1,\n\n2,1\n3,9\n")])
    assert model.people["source_row"].tolist() == [2, 4, 5]
    assert _rows_of(model, "manager_not_found") == [5]


def test_empty_lines_inside_the_data_are_counted_in_one_blank_row_info(tmp_path):
    model = read_bundle([_people(tmp_path, "person_id,manager_id\n1,\n\n2,1\n\n\n3,1\n")])
    [blank] = [p for p in model.problems if p.code == "blank_row"]
    assert (blank.severity, blank.row, blank.value) == ("info", 3, "3")
    assert "rows 3, 5, 6" in blank.message


def test_empty_lines_at_the_end_of_the_file_are_not_reported(tmp_path):
    model = read_bundle([_people(tmp_path, "person_id,manager_id\n1,\n2,1\n\n\n")])
    assert _rows_of(model, "blank_row") == []
    assert model.people["source_row"].tolist() == [2, 3]


def test_file_without_empty_lines_keeps_plain_numbering(tmp_path):
    table = read_tables(_people(tmp_path, "person_id,manager_id\n1,\n2,1\n") / "people.csv")[0]
    assert table.row_numbers is None
    assert table.spreadsheet_rows().tolist() == [2, 3]


def test_quoted_cell_spanning_lines_is_one_row(tmp_path):
    text = 'person_id,manager_id,note\n1,,"first\n\nsecond"\n\n2,1,x\n3,9,y\n'
    model = read_bundle([_people(tmp_path, text)])
    # row 2 is the quoted record (three text lines), row 3 the empty line
    assert model.people["source_row"].tolist() == [2, 4, 5]
    assert _rows_of(model, "manager_not_found") == [5]


def test_crlf_empty_lines_count_as_rows(tmp_path):
    model = read_bundle([_people(tmp_path, "person_id,manager_id\r\n1,\r\n\r\n2,1\r\n3,9\r\n")])
    assert _rows_of(model, "manager_not_found") == [5]


def test_utf16_file_with_empty_lines_has_spreadsheet_row_numbers(tmp_path):
    model = read_bundle([_people(tmp_path, "person_id\tmanager_id\n1\t\n\n2\t1\n3\t9\n", encoding="utf-16")])
    assert _rows_of(model, "manager_not_found") == [5]


def test_title_lines_and_empty_lines_both_count(tmp_path):
    text = "Headcount report\n\nperson_id;manager_id\n1;\n\n2;1\n3;9\n"
    model = read_bundle([_people(tmp_path, text)])
    assert _rows_of(model, "manager_not_found") == [7]


def test_wide_row_after_an_empty_line_is_reported_at_its_spreadsheet_row(tmp_path):
    # The extra cell sends the file down the line-by-line path.
    model = read_bundle([_people(tmp_path, "person_id,manager_id\n1,\n\n2,1,extra\n3,9\n")])
    assert _rows_of(model, "malformed_row") == [4]
    assert _rows_of(model, "manager_not_found") == [5]


def test_line_of_empty_cells_is_a_row_not_an_empty_line(tmp_path):
    model = read_bundle([_people(tmp_path, "person_id,manager_id\n1,\n,\n2,1\n")])
    assert _rows_of(model, "blank_id") == [3]
    assert _rows_of(model, "blank_row") == []


_cell = st.text(alphabet='ab,"\n ', max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_cell, min_size=1, max_size=3), min_size=1, max_size=8),
       st.lists(st.booleans(), min_size=8, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_record_lines_split_records_as_python_csv_does(rows, empty_after, line_end):
    """Reference: Python's csv module (RFC 4180 quoting) reads the same records."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL)
    for row, empty in zip(rows, empty_after):
        writer.writerow(row)
        if empty:
            buffer.write(line_end)
    text = buffer.getvalue()
    starts, ends = record_lines(text.encode("utf-8"))
    expected = list(csv.reader(io.StringIO(text, newline="")))
    assert len(starts) == len(expected)
    assert ((ends - starts) == 0).tolist() == [r == [] for r in expected]
    assert np.all(ends >= starts)


def test_empty_xlsx_row_is_skipped_counted_and_numbered_around(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["person_id", "manager_id"], ["1", None], [None, None], ["2", "1"], ["3", "9"]):
        sheet.append(row)
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    model = read_bundle([path])
    assert model.people["source_row"].tolist() == [2, 4, 5]
    assert _rows_of(model, "manager_not_found") == [5]
    [blank] = [p for p in model.problems if p.code == "blank_row"]
    assert (blank.file, blank.row, blank.value) == ("people.xlsx", 3, "1")
