"""Hostile file shapes are read in bounded time and memory: a CSV of tens of thousands of
columns in linear time, an XLSX that would unpack to hundreds of megabytes refused before
it is opened. (Times are measured by benchmarks, not here: these tests check behaviour.)"""

from __future__ import annotations

import csv
import zipfile

import openpyxl
import pytest

from orgpower.api import read_org
from orgpower.ingest import readers


def _wide_csv(path, columns: int, rows: int = 6):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "manager_id"] + [f"attribute {i}" for i in range(columns)])
        for r in range(rows):
            writer.writerow([f"p{r}", "" if r == 0 else "p0"] + [" " if (r + i) % 5 == 0 else str(i % 7) for i in range(columns)])
    return path


def test_csv_with_ten_thousand_columns_keeps_every_column_as_an_attribute(tmp_path):
    model = read_org([_wide_csv(tmp_path / "people.csv", 10_000)])
    assert len(model.people) == 6 and not model.errors
    assert {f"attribute {i}" for i in range(10_000)} <= set(model.people.columns)
    column = model.people["attribute 3"]  # row 2 (r + 3 divisible by 5) held a blank
    assert column.isna().tolist() == [False, False, True, False, False, False] and set(column.dropna()) == {"3"}


def test_wide_csv_cells_are_tidied_as_narrow_ones(tmp_path):
    narrow = read_org([_wide_csv(tmp_path / "narrow.csv", readers.WIDE - 10)]).people
    wide = read_org([_wide_csv(tmp_path / "wide.csv", readers.WIDE + 10)]).people
    for column in ("attribute 0", "attribute 1", "attribute 4"):
        assert narrow[column].tolist() == wide[column].tolist()
        assert str(narrow[column].dtype) == str(wide[column].dtype)


def _workbook(path):
    book = openpyxl.Workbook()
    book.active.append(["person_id", "manager_id"])
    book.active.append(["a", ""])
    book.active.append(["b", "a"])
    book.save(path)
    return path


def test_xlsx_that_would_unpack_to_hundreds_of_megabytes_is_refused_with_a_sentence(tmp_path):
    path = _workbook(tmp_path / "people.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(160):  # 160 MiB of zeros pack into well under a megabyte
                member.write(block)
    tables = readers.read_tables(path)
    [problem] = tables[0].problems
    assert problem.code == "unreadable_file" and "would unpack to" in problem.message and "not opened" in problem.message
    assert tables[0].frame is None


def test_ordinary_xlsx_is_read(tmp_path):
    model = read_org([_workbook(tmp_path / "people.xlsx")])
    assert len(model.people) == 2 and not model.errors


@pytest.mark.parametrize("unpacked, packed, refused", [
    (2 << 30, 200 << 20, True),  # over the absolute limit
    (716 << 20, 3 << 20, True),  # the 3 MB -> 716 MB bomb
    (300 << 20, 30 << 20, False),  # a big real workbook: 10 times
    (50 << 20, 100 << 10, False),  # highly compressed but small
])
def test_unpacked_size_limit(tmp_path, monkeypatch, unpacked, packed, refused):
    class Info:
        file_size = unpacked

    class Archive:
        def __init__(self, *args):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def infolist(self):
            return [Info()]

    path = tmp_path / "book.xlsx"
    path.write_bytes(b"\0" * packed)
    monkeypatch.setattr(readers.zipfile, "ZipFile", Archive)
    assert (readers._unpacked_size_problem(path) is not None) == refused
